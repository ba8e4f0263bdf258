//! A district's visits on a timeline, and what changed from one visit to the next:
//! each strategy's status, and the obstacles that are new, still there, or resolved.

use chrono::{DateTime, FixedOffset};
use uuid::Uuid;

use crate::domain::{ObstacleCategory, StrategyStatus, Visit, VisitKind, VisitStatus};

#[derive(Debug, Clone, PartialEq)]
pub struct DistrictHistory {
    pub code: String,
    pub name: String,
    /// Oldest first.
    pub entries: Vec<HistoryEntry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub id: Uuid,
    pub start: Option<DateTime<FixedOffset>>,
    pub kind: VisitKind,
    pub status: VisitStatus,
    pub strategies: Vec<StrategyStep>,
    pub obstacles_new: Vec<String>,
    pub obstacles_kept: Vec<String>,
    pub obstacles_resolved: Vec<String>,
}

/// One strategy at one visit, with its status at the previous visit (if it was there).
#[derive(Debug, Clone, PartialEq)]
pub struct StrategyStep {
    /// "1"–"4" for the standard strategies, else the custom text.
    pub label: String,
    pub text: String,
    pub status: StrategyStatus,
    pub before: Option<StrategyStatus>,
}

impl StrategyStep {
    pub fn changed(&self) -> bool {
        self.before.is_some_and(|b| b != self.status)
    }
}

impl DistrictHistory {
    /// Builds the history from the visits of one district (any order).
    pub fn build(mut visits: Vec<Visit>) -> Option<DistrictHistory> {
        visits.sort_by_key(|v| (v.start.map(|s| s.to_utc()), v.id));
        let first = visits.first()?;
        let (code, name) = (first.district.code.clone(), first.district.name.clone());
        let mut entries: Vec<HistoryEntry> = Vec::with_capacity(visits.len());
        let mut prev: Option<&Visit> = None;
        for v in &visits {
            let strategies = v
                .strategies
                .iter()
                .map(|s| {
                    let label = s
                        .standard
                        .map(|n| n.to_string())
                        .unwrap_or_else(|| s.text.clone());
                    let before = prev.and_then(|p| {
                        p.strategies
                            .iter()
                            .find(|o| match (s.standard, o.standard) {
                                (Some(a), Some(b)) => a == b,
                                (None, None) => o.text.trim() == s.text.trim(),
                                _ => false,
                            })
                            .map(|o| o.status)
                    });
                    StrategyStep {
                        label,
                        text: s.text.clone(),
                        status: s.status,
                        before,
                    }
                })
                .collect();
            let now = categories(v);
            let then = prev.map(categories).unwrap_or_default();
            let describe = |v: &Visit, c: ObstacleCategory| {
                v.obstacles
                    .iter()
                    .filter(|o| o.category == c)
                    .map(|o| o.description.clone())
                    .collect::<Vec<_>>()
            };
            let mut e = HistoryEntry {
                id: v.id,
                start: v.start,
                kind: v.kind,
                status: v.status,
                strategies,
                obstacles_new: Vec::new(),
                obstacles_kept: Vec::new(),
                obstacles_resolved: Vec::new(),
            };
            for c in &now {
                if then.contains(c) {
                    e.obstacles_kept.extend(describe(v, *c));
                } else {
                    e.obstacles_new.extend(describe(v, *c));
                }
            }
            if let Some(p) = prev {
                for c in then.iter().filter(|c| !now.contains(c)) {
                    e.obstacles_resolved.extend(describe(p, *c));
                }
            }
            entries.push(e);
            prev = Some(v);
        }
        Some(DistrictHistory {
            code,
            name,
            entries,
        })
    }
}

/// Obstacles are compared across visits by category: the wording differs each time, the
/// problem does not. "Other" is compared by its exact text.
fn categories(v: &Visit) -> Vec<ObstacleCategory> {
    let mut c: Vec<_> = v.obstacles.iter().map(|o| o.category).collect();
    c.sort();
    c.dedup();
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Obstacle, new_id};

    fn visit_at(
        date: &str,
        statuses: [StrategyStatus; 2],
        obstacles: &[ObstacleCategory],
    ) -> Visit {
        let mut v = crate::demo::karo_visit();
        v.id = new_id();
        v.start = Some(DateTime::parse_from_rfc3339(date).unwrap());
        v.strategies.truncate(2);
        for (s, st) in v.strategies.iter_mut().zip(statuses) {
            s.status = st;
        }
        v.obstacles = obstacles
            .iter()
            .map(|c| Obstacle {
                id: new_id(),
                description: format!("{c:?}"),
                category: *c,
                severity: 2,
                raised_by: None,
                strategy: None,
                notes: String::new(),
            })
            .collect();
        v
    }

    #[test]
    fn statuses_and_obstacles_are_compared_with_the_previous_visit() {
        use ObstacleCategory::*;
        use StrategyStatus::*;
        let a = visit_at(
            "2022-03-17T14:00:00+07:00",
            [NotStarted, NotStarted],
            &[Budget, Regulation],
        );
        let b = visit_at(
            "2023-02-01T10:00:00+07:00",
            [InProgress, NotStarted],
            &[Budget, NonAsnData],
        );
        let h = DistrictHistory::build(vec![b.clone(), a.clone()]).unwrap();
        assert_eq!(h.code, "12.06");
        assert_eq!(
            h.entries.iter().map(|e| e.id).collect::<Vec<_>>(),
            [a.id, b.id],
            "oldest first"
        );
        let first = &h.entries[0];
        assert_eq!(first.obstacles_new.len(), 2);
        assert!(first.strategies.iter().all(|s| s.before.is_none()));
        let second = &h.entries[1];
        assert_eq!(second.strategies[0].before, Some(NotStarted));
        assert!(second.strategies[0].changed());
        assert!(!second.strategies[1].changed());
        assert_eq!(second.obstacles_new, ["NonAsnData"]);
        assert_eq!(second.obstacles_kept, ["Budget"]);
        assert_eq!(second.obstacles_resolved, ["Regulation"]);
    }

    #[test]
    fn no_visits_no_history() {
        assert!(DistrictHistory::build(vec![]).is_none());
    }
}
