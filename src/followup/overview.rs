//! The overview: counts of visits (by status, province, month), obstacles by category, the four
//! strategies' status per district (from each district's newest visit), and coverage indicators
//! per district over time. Built once from the visits' [`VisitFacts`]; drawing only reads it.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use uuid::Uuid;

use crate::domain::{ObstacleCategory, StrategyStatus, VisitFacts, VisitStatus};
use crate::guide::{Guide, LocalText, QuestionType};

/// A value with the moment of the visit it comes from, for ordering.
type Dated<T> = (chrono::DateTime<chrono::Utc>, T);
/// A coverage value on a visit day.
type Point = (NaiveDate, f64);

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overview {
    pub visits: usize,
    pub districts: usize,
    /// Draft and final, in that order.
    pub by_status: Vec<(VisitStatus, usize)>,
    /// Most visited first.
    pub by_province: Vec<ProvinceCount>,
    /// Every month from the first visit to the last, including months without visits.
    pub by_month: Vec<MonthCount>,
    /// Categories reported at least once, most widespread first.
    pub obstacles: Vec<ObstacleRow>,
    /// Standard strategies 1–4.
    pub strategies: Vec<StrategyRow>,
    /// Indicators with at least one value.
    pub coverage: Vec<Indicator>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvinceCount {
    pub code: String,
    pub name: String,
    pub visits: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MonthCount {
    pub year: i32,
    pub month: u32,
    pub visits: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObstacleRow {
    pub category: ObstacleCategory,
    /// How many times it was reported (a visit may report it more than once).
    pub reports: usize,
    /// The visits that reported it, newest first.
    pub visits: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StrategyRow {
    pub number: u8,
    /// Districts at each status, in [`StrategyStatus::ALL`] order.
    pub counts: [usize; 4],
    /// Districts whose newest visit does not have this strategy.
    pub missing: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    pub id: String,
    #[serde(skip)]
    pub label: LocalText,
    /// One per district with a value, by district code.
    pub series: Vec<Series>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub code: String,
    pub name: String,
    /// Percentages by visit date, oldest first.
    pub points: Vec<(NaiveDate, f64)>,
}

impl Series {
    pub fn first(&self) -> Option<f64> {
        self.points.first().map(|p| p.1)
    }
    pub fn last(&self) -> Option<f64> {
        self.points.last().map(|p| p.1)
    }
}

/// A coverage indicator of the guide: a computed ratio or an entered percentage.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorDef {
    pub id: String,
    pub label: LocalText,
    pub ratio: Option<(String, String)>,
}

impl IndicatorDef {
    pub fn value(&self, f: &VisitFacts) -> Option<f64> {
        match &self.ratio {
            Some((part, whole)) => {
                let p = f.numbers.get(part)?;
                let w = f.numbers.get(whole)?;
                (*w != 0.0).then(|| p * 100.0 / w)
            }
            None => f.numbers.get(&self.id).copied(),
        }
    }
}

/// Every ratio and percentage question of `guide`, in interview order.
pub fn indicators(guide: &Guide) -> Vec<IndicatorDef> {
    guide
        .questions()
        .filter_map(|(_, q)| match &q.kind {
            QuestionType::Ratio { part, whole } => Some(IndicatorDef {
                id: q.id.clone(),
                label: q.label.clone(),
                ratio: Some((part.clone(), whole.clone())),
            }),
            QuestionType::Percentage => Some(IndicatorDef {
                id: q.id.clone(),
                label: q.label.clone(),
                ratio: None,
            }),
            _ => None,
        })
        .collect()
}

/// The indicators of the shipped guide, parsed once.
pub static DEFAULT_INDICATORS: LazyLock<Vec<IndicatorDef>> = LazyLock::new(|| {
    crate::guide::load_default()
        .map(|g| indicators(&g))
        .unwrap_or_default()
});

impl Overview {
    pub fn build(facts: &[VisitFacts], defs: &[IndicatorDef]) -> Overview {
        let mut by_status = [0usize; 2];
        let mut provinces: BTreeMap<String, (String, usize)> = BTreeMap::new();
        let mut months: BTreeMap<(i32, u32), usize> = BTreeMap::new();
        let mut obstacles: BTreeMap<ObstacleCategory, (usize, Vec<Dated<Uuid>>)> = BTreeMap::new();
        let mut newest: HashMap<&str, &VisitFacts> = HashMap::new();
        for f in facts {
            by_status[usize::from(f.status == VisitStatus::Final)] += 1;
            let p = provinces
                .entry(f.district.province_code().to_string())
                .or_insert_with(|| (f.district.province.clone(), 0));
            p.1 += 1;
            let d = f.day();
            *months.entry((d.year(), d.month())).or_default() += 1;
            let mut seen: Vec<ObstacleCategory> = Vec::new();
            for c in &f.obstacles {
                let e = obstacles.entry(*c).or_default();
                e.0 += 1;
                if !seen.contains(c) {
                    seen.push(*c);
                    e.1.push((f.when(), f.id));
                }
            }
            let n = newest.entry(f.district.code.as_str()).or_insert(f);
            if (f.when(), f.id) > (n.when(), n.id) {
                *n = f;
            }
        }
        let mut by_province: Vec<ProvinceCount> = provinces
            .into_iter()
            .map(|(code, (name, visits))| ProvinceCount { code, name, visits })
            .collect();
        by_province.sort_by(|a, b| b.visits.cmp(&a.visits).then(a.code.cmp(&b.code)));
        let mut obstacles: Vec<ObstacleRow> = obstacles
            .into_iter()
            .map(|(category, (reports, mut visits))| {
                visits.sort_by(|a, b| b.cmp(a));
                ObstacleRow {
                    category,
                    reports,
                    visits: visits.into_iter().map(|v| v.1).collect(),
                }
            })
            .collect();
        obstacles.sort_by(|a, b| {
            b.visits
                .len()
                .cmp(&a.visits.len())
                .then(a.category.cmp(&b.category))
        });
        let strategies = (1..=4u8)
            .map(|number| {
                let mut row = StrategyRow {
                    number,
                    counts: [0; 4],
                    missing: 0,
                };
                for f in newest.values() {
                    match f.strategies.iter().find(|s| s.standard == Some(number)) {
                        Some(s) => {
                            let i = StrategyStatus::ALL
                                .iter()
                                .position(|x| *x == s.status)
                                .unwrap_or(0);
                            row.counts[i] += 1;
                        }
                        None => row.missing += 1,
                    }
                }
                row
            })
            .collect();
        Overview {
            visits: facts.len(),
            districts: newest.len(),
            by_status: vec![
                (VisitStatus::Draft, by_status[0]),
                (VisitStatus::Final, by_status[1]),
            ],
            by_province,
            by_month: fill_months(&months),
            obstacles,
            strategies,
            coverage: coverage(facts, defs),
        }
    }
}

fn fill_months(months: &BTreeMap<(i32, u32), usize>) -> Vec<MonthCount> {
    let (Some(first), Some(last)) = (months.keys().next(), months.keys().next_back()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (mut y, mut m) = *first;
    // Bounded: at most one entry per month between the first and last visit.
    while (y, m) <= *last && out.len() < 12 * 200 {
        out.push(MonthCount {
            year: y,
            month: m,
            visits: months.get(&(y, m)).copied().unwrap_or(0),
        });
        if m == 12 {
            y += 1;
            m = 1;
        } else {
            m += 1;
        }
    }
    out
}

fn coverage(facts: &[VisitFacts], defs: &[IndicatorDef]) -> Vec<Indicator> {
    let mut out = Vec::new();
    for def in defs {
        let mut by_district: BTreeMap<&str, (String, Vec<Dated<Point>>)> = BTreeMap::new();
        for f in facts {
            if let Some(v) = def.value(f) {
                by_district
                    .entry(f.district.code.as_str())
                    .or_insert_with(|| (f.district.name.clone(), Vec::new()))
                    .1
                    .push((f.when(), (f.day(), v)));
            }
        }
        if by_district.is_empty() {
            continue;
        }
        let series = by_district
            .into_iter()
            .map(|(code, (name, mut pts))| {
                pts.sort_by_key(|p| p.0);
                Series {
                    code: code.to_string(),
                    name,
                    points: pts.into_iter().map(|(_, p)| p).collect(),
                }
            })
            .collect();
        out.push(Indicator {
            id: def.id.clone(),
            label: def.label.clone(),
            series,
        });
    }
    out
}
