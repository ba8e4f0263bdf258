//! `pantau conflicts` lists the conflicts imports left open, with readable labels and values;
//! `pantau settle` settles one from the command line (an audited settlement event, as the
//! TUI's `c` popup records it).

use std::process::ExitCode;

use crate::domain::{Conflict, Visit};
use crate::guide::Guide;
use crate::i18n::{Lang, t, tf};
use crate::labels::{field_label, value_text};
use crate::store::{Store, StoreError};

use super::commands::CmdResult;

fn store_err(lang: Lang, e: StoreError) -> (String, u8) {
    let code = if e.is_fatal() { 2 } else { 1 };
    (e.message(lang), code)
}

/// How many conflicts are open in the database, and in how many visits.
pub fn open_counts(store: &Store) -> Result<(u32, usize), StoreError> {
    let rows = store.summaries()?;
    let visits = rows.iter().filter(|r| r.conflicts > 0).count();
    Ok((rows.iter().map(|r| r.conflicts).sum(), visits))
}

/// The line every import summary ends with.
pub fn open_line(store: &Store, lang: Lang) -> Option<String> {
    let (n, visits) = open_counts(store).ok()?;
    Some(if n == 0 {
        t(lang, "chain.open_none").to_string()
    } else {
        tf(lang, "chain.open_some", &[&n, &visits])
    })
}

fn candidate_lines(lang: Lang, v: &Visit, guide: Option<&Guide>, c: &Conflict) -> Vec<String> {
    let mut out = Vec::new();
    let base = value_text(lang, v, guide, &c.path, c.base.as_ref());
    out.push(format!(
        "     {}: {}",
        t(lang, "chain.base"),
        one_line(&base)
    ));
    for (i, cand) in c.candidates.iter().enumerate() {
        let value = value_text(lang, v, guide, &c.path, cand.value.as_ref());
        let held = if i == 0 {
            format!("  ({})", t(lang, "chain.held"))
        } else {
            String::new()
        };
        out.push(format!(
            "   {} {}. {} — {}, {}{held}",
            if i == 0 { "*" } else { " " },
            i + 1,
            one_line(&value),
            inert(&cand.actor),
            crate::format::moment(lang, &cand.at, &crate::format::visit_zone(v)),
        ));
    }
    out
}

/// Control characters made visible, so that no value sent from another laptop acts on the
/// terminal.
fn inert(s: &str) -> String {
    s.chars()
        .map(|c| crate::format::inert_char(c, &[]))
        .collect()
}

fn one_line(s: &str) -> String {
    let flat = inert(&s.replace('\n', " ⏎ "));
    if flat.chars().count() > 100 {
        format!("{}…", flat.chars().take(100).collect::<String>())
    } else {
        flat
    }
}

/// `pantau conflicts [VISIT]`.
pub fn list(store: &Store, lang: Lang, id: Option<&str>, json: bool) -> CmdResult {
    let visits: Vec<Visit> = match id {
        Some(prefix) => {
            let id = store.resolve(prefix).map_err(|e| store_err(lang, e))?;
            store
                .get(id)
                .map_err(|e| store_err(lang, e))?
                .into_iter()
                .collect()
        }
        None => {
            let rows = store.summaries().map_err(|e| store_err(lang, e))?;
            let mut out = Vec::new();
            for r in rows.iter().filter(|r| r.conflicts > 0) {
                if let Some(v) = store.get(r.id).map_err(|e| store_err(lang, e))? {
                    out.push(v);
                }
            }
            out
        }
    };
    let open: Vec<&Visit> = visits.iter().filter(|v| v.in_conflict()).collect();
    if json {
        let rows: Vec<serde_json::Value> = open
            .iter()
            .map(|v| serde_json::json!({ "visit": v.id, "conflicts": v.conflicts }))
            .collect();
        return super::commands::print_json(lang, &rows);
    }
    if open.is_empty() {
        outln!("{}", t(lang, "chain.open_none"));
        return Ok(ExitCode::SUCCESS);
    }
    let guide = crate::guide::load_default().ok();
    for v in open {
        outln!(
            "{}  {} {}  · {}",
            v.id,
            v.district.code,
            inert(&v.district.name),
            tf(lang, "chain.count", &[&v.conflicts.len()])
        );
        for (n, c) in v.conflicts.iter().enumerate() {
            outln!(
                "  {}. {}  [{}]",
                n + 1,
                inert(&field_label(lang, v, guide.as_ref(), &c.path)),
                &c.id.simple().to_string()[..8]
            );
            for line in candidate_lines(lang, v, guide.as_ref(), c) {
                outln!("{line}");
            }
        }
    }
    outln!("{}", t(lang, "chain.settle_hint"));
    Ok(ExitCode::SUCCESS)
}

/// `pantau settle VISIT CONFLICT CHOICE [--reason R]`: CONFLICT is its number in the visit's
/// list or a prefix of its id, CHOICE the candidate's number (1 = the value held now).
pub fn settle(
    store: &Store,
    lang: Lang,
    visit: &str,
    conflict: &str,
    choice: usize,
    reason: Option<&str>,
) -> CmdResult {
    let id = store.resolve(visit).map_err(|e| store_err(lang, e))?;
    let v = store
        .get(id)
        .map_err(|e| store_err(lang, e))?
        .ok_or_else(|| store_err(lang, StoreError::NotFound(id.to_string())))?;
    let by_number = conflict
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| v.conflicts.get(i));
    let want = conflict.replace('-', "").to_lowercase();
    let by_prefix = || {
        let found: Vec<&Conflict> = v
            .conflicts
            .iter()
            .filter(|c| !want.is_empty() && c.id.simple().to_string().starts_with(&want))
            .collect();
        (found.len() == 1).then(|| found[0])
    };
    let Some(c) = by_number.or_else(by_prefix) else {
        return Err((tf(lang, "chain.no_conflict", &[&conflict, &v.id]), 1));
    };
    let Some(index) = choice.checked_sub(1).filter(|i| *i < c.candidates.len()) else {
        return Err((
            tf(lang, "chain.no_choice", &[&choice, &c.candidates.len()]),
            1,
        ));
    };
    let reason = reason.unwrap_or("").trim();
    if v.is_final() && reason.is_empty() {
        return Err((t(lang, "chain.reason_needed").to_string(), 1));
    }
    let guide = crate::guide::load_default().ok();
    let label = field_label(lang, &v, guide.as_ref(), &c.path);
    let value = value_text(
        lang,
        &v,
        guide.as_ref(),
        &c.path,
        c.candidates[index].value.as_ref(),
    );
    store
        .resolve_conflict(id, c.id, index, &crate::host::stamp(), reason)
        .map_err(|e| store_err(lang, e))?;
    outln!(
        "{}",
        tf(lang, "chain.settled", &[&inert(&label), &one_line(&value)])
    );
    Ok(ExitCode::SUCCESS)
}
