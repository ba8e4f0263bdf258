//! `pantau followups` and `pantau overview`: the board's list and the overview's figures as
//! text or JSON, from the same aggregation the screens use.

use std::process::ExitCode;

use chrono::NaiveDate;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::commands::CmdResult;
use crate::followup::overview::{DEFAULT_INDICATORS, Overview};
use crate::followup::{Due, Filter, FollowUps, Which};
use crate::i18n::{Lang, t, tf};
use crate::store::Store;

#[derive(Serialize)]
struct Row<'a> {
    visit: uuid::Uuid,
    visit_date: NaiveDate,
    district_code: &'a str,
    district: &'a str,
    province: &'a str,
    /// 1–4, "custom" or "follow_up".
    strategy: String,
    text: &'a str,
    person_in_charge: &'a str,
    target_date: Option<NaiveDate>,
    /// A strategy status, or null for follow-up answers (which have none).
    status: Option<crate::domain::StrategyStatus>,
    overdue: bool,
    superseded: bool,
}

fn load(store: &Store, lang: Lang) -> Result<FollowUps, (String, u8)> {
    store.facts().map(FollowUps::build).map_err(|e| {
        let code = if e.is_fatal() { 2 } else { 1 };
        (e.message(lang), code)
    })
}

pub fn followups(
    store: &Store,
    lang: Lang,
    overdue: bool,
    all: bool,
    json: bool,
    today: NaiveDate,
) -> CmdResult {
    let f = load(store, lang)?;
    let filter = Filter {
        due: if overdue { Due::Overdue } else { Due::Any },
        include_superseded: all,
        ..Filter::default()
    };
    let rows: Vec<Row> = f
        .filter(&filter, today)
        .into_iter()
        .map(|n| {
            let i = &f.items[n];
            let v = &f.facts[i.visit];
            Row {
                visit: v.id,
                visit_date: v.day(),
                district_code: &v.district.code,
                district: &v.district.name,
                province: &v.district.province,
                strategy: match f.which(i) {
                    Which::Standard(n) => n.to_string(),
                    Which::Custom => "custom".into(),
                    Which::FollowUp => "follow_up".into(),
                },
                text: f.text(i),
                person_in_charge: f.person_in_charge(i),
                target_date: i.target,
                status: i.status,
                overdue: i.is_overdue(today),
                superseded: i.superseded,
            }
        })
        .collect();
    if json {
        return super::commands::print_json(lang, &rows);
    }
    if rows.is_empty() {
        outln!("{}", t(lang, "board.no_match_cli"));
        return Ok(ExitCode::SUCCESS);
    }
    for r in &rows {
        let mark = if r.overdue {
            "!"
        } else if r.superseded {
            "»"
        } else {
            " "
        };
        let strategy = match r.strategy.as_str() {
            "custom" => "S+".to_string(),
            "follow_up" => t(lang, "board.followup_short").to_string(),
            n => format!("S{n}"),
        };
        let status = match r.status {
            Some(s) => t(lang, s.key()),
            None => t(lang, "board.open"),
        };
        let target = r
            .target_date
            .map(|d| d.to_string())
            .unwrap_or_else(|| "—".into());
        outln!(
            "{mark} {}  {}  {}  {}  {}{}  ({} {})",
            pad(&target, 10),
            pad(&format!("{} {}", r.district_code, r.district), 28),
            pad(&strategy, 3),
            pad(status, 13),
            r.text.lines().next().unwrap_or(""),
            if r.person_in_charge.is_empty() {
                String::new()
            } else {
                format!(" — {}", r.person_in_charge)
            },
            t(lang, "board.col_visit"),
            r.visit_date,
        );
    }
    outln!(
        "{}",
        tf(
            lang,
            "board.counts",
            &[&rows.len(), &f.overdue_count(today)]
        )
    );
    Ok(ExitCode::SUCCESS)
}

fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(s.width())))
}

pub fn overview(store: &Store, lang: Lang, json: bool) -> CmdResult {
    let f = load(store, lang)?;
    let o = Overview::build(&f.facts, &DEFAULT_INDICATORS);
    if json {
        return super::commands::print_json(lang, &o);
    }
    let draft = o.by_status.first().map_or(0, |s| s.1);
    let fin = o.by_status.get(1).map_or(0, |s| s.1);
    outln!(
        "{}",
        tf(
            lang,
            "overview.summary",
            &[&o.visits, &o.districts, &draft, &fin]
        )
    );
    outln!("\n{}", t(lang, "overview.by_province"));
    for p in &o.by_province {
        outln!(
            "  {}  {}",
            pad(&format!("{} {}", p.code, p.name), 32),
            p.visits
        );
    }
    outln!("\n{}", t(lang, "overview.tab_visits"));
    for m in o.by_month.iter().filter(|m| m.visits > 0) {
        outln!("  {}-{:02}  {}", m.year, m.month, m.visits);
    }
    outln!("\n{}", t(lang, "overview.obstacles_heading_cli"));
    for r in &o.obstacles {
        outln!(
            "  {}  {}  ({} {})",
            pad(t(lang, r.category.key()), 60),
            r.visits.len(),
            r.reports,
            t(lang, "overview.col_reports").to_lowercase()
        );
    }
    outln!(
        "\n{}",
        tf(lang, "overview.strategies_heading", &[&o.districts])
    );
    for r in &o.strategies {
        let counts: Vec<String> = crate::domain::StrategyStatus::ALL
            .iter()
            .zip(r.counts)
            .map(|(s, c)| format!("{} {c}", t(lang, s.key())))
            .collect();
        outln!("  S{}  {}", r.number, counts.join(" · "));
    }
    for ind in &o.coverage {
        outln!("\n{}", ind.label.get(lang));
        for s in &ind.series {
            let pts: Vec<String> = s
                .points
                .iter()
                .map(|(d, v)| format!("{d} {}", crate::format::percent(lang, *v)))
                .collect();
            outln!(
                "  {}  {}",
                pad(&format!("{} {}", s.code, s.name), 32),
                pts.join(" → ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
