use std::process::ExitCode;

use unicode_width::UnicodeWidthStr;

use crate::demo::{self, DemoOutcome};
use crate::domain::VisitSummary;
use crate::format;
use crate::i18n::{Lang, t, tf};
use crate::store::Store;

/// A failed command: the message for the user and the exit code.
pub type CmdResult = Result<ExitCode, (String, u8)>;

pub(super) fn store_err(lang: Lang, e: crate::store::StoreError) -> (String, u8) {
    let code = if e.is_fatal() { 2 } else { 1 };
    (store_message(lang, &e), code)
}

/// The store's message, except where it speaks of a screen: a command that could not save
/// has nothing on screen to keep, and its change (an import, the demo) was not made at all.
pub fn store_message(lang: Lang, e: &crate::store::StoreError) -> String {
    use crate::store::StoreError;
    match e {
        StoreError::DiskFull => t(lang, "hardening.disk_full_cli").to_string(),
        StoreError::Stuck => t(lang, "hardening.disk_full_cli").to_string(),
        StoreError::Write(detail) => tf(lang, "hardening.write_cli", &[detail]),
        StoreError::ReadOnly { path } => tf(lang, "hardening.read_only_cli", &[&path.display()]),
        e => e.message(lang),
    }
}

fn describe(lang: Lang, v: &crate::domain::Visit) -> String {
    let when = v
        .start
        .map(|s| format::datetime_long(lang, &s))
        .unwrap_or_default();
    format!("{} {}, {when}", v.district.code, v.district.name)
}

pub fn demo(store: &Store, lang: Lang) -> CmdResult {
    let stamp = crate::host::stamp();
    match demo::load(store, &stamp).map_err(|e| store_err(lang, e))? {
        DemoOutcome::Loaded(v) => outln!(
            "{}",
            tf(lang, "cli.demo_loaded", &[&describe(lang, &v), &v.id])
        ),
        DemoOutcome::AlreadyThere(v) => outln!("{}", tf(lang, "cli.demo_exists", &[&v.id])),
        DemoOutcome::InTrash(id) => outln!("{}", tf(lang, "cli.demo_in_trash", &[&id])),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn list(store: &Store, lang: Lang, json: bool, only_conflicts: bool) -> CmdResult {
    let mut rows = store.summaries().map_err(|e| store_err(lang, e))?;
    if only_conflicts {
        rows.retain(|r| r.conflicts > 0);
        if rows.is_empty() && !json {
            outln!("{}", t(lang, "chain.open_none"));
            return Ok(ExitCode::SUCCESS);
        }
    }
    if json {
        return print_json(lang, &rows);
    }
    if rows.is_empty() {
        outln!("{}", t(lang, "cli.list_empty"));
        return Ok(ExitCode::SUCCESS);
    }
    for r in &rows {
        outln!("{}", list_line(lang, r));
    }
    Ok(ExitCode::SUCCESS)
}

/// One list row; columns padded by display width so names with diacritics still align.
pub fn list_line(lang: Lang, r: &VisitSummary) -> String {
    let date = r
        .start
        .map(|s| format::datetime_short(lang, &s))
        .unwrap_or_else(|| "-".into());
    let district = format!("{} {}", r.district.code, r.district.name);
    let conflicts = if r.conflicts > 0 {
        format!("  ⚠ {}", tf(lang, "chain.count", &[&r.conflicts]))
    } else {
        String::new()
    };
    format!(
        "{}  {}  {}  {}  {}{conflicts}",
        pad(&date, 22),
        pad(&district, 30),
        pad(t(lang, r.kind.key()), 18),
        pad(t(lang, r.status.key()), 6),
        r.id
    )
}

pub(super) fn pad(s: &str, width: usize) -> String {
    let w = s.width();
    if w >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - w))
    }
}

pub fn show(store: &Store, lang: Lang, id: &str, json: bool) -> CmdResult {
    let id = store.resolve(id).map_err(|e| store_err(lang, e))?;
    let visit = store
        .get(id)
        .map_err(|e| store_err(lang, e))?
        .ok_or_else(|| store_err(lang, crate::store::StoreError::NotFound(id.to_string())))?;
    if json {
        return print_json(lang, &visit);
    }
    out!("{}", super::show::render(lang, &visit));
    Ok(ExitCode::SUCCESS)
}

pub fn check(store: &Store, lang: Lang) -> CmdResult {
    let r = store.check();
    outln!(
        "{}",
        tf(
            lang,
            "check.summary",
            &[&store.path().display(), &r.visits, &r.trashed, &r.events]
        )
    );
    if !r.warnings.is_empty() {
        outln!("{}", tf(lang, "check.warnings", &[&r.warnings.len()]));
        for (id, p) in &r.warnings {
            outln!("  {id}: {}", tf(lang, p.key(), &[&p.subject()]));
        }
    }
    if r.is_clean() {
        outln!("{}", t(lang, "check.clean"));
        return Ok(ExitCode::SUCCESS);
    }
    outln!("{}", tf(lang, "check.damaged", &[&r.problems.len()]));
    for p in &r.problems {
        outln!("  {}", p.message(lang));
    }
    // The database does not hold what it should: damage, as the README's exit codes say.
    outln!("{}", super::backups::restore_hint(lang, store.path()));
    Ok(ExitCode::from(2))
}

pub(super) fn print_json<T: serde::Serialize>(lang: Lang, value: &T) -> CmdResult {
    super::out::json_value(value).map_err(|e| (tf(lang, "cli.json_error", &[&e]), 1))?;
    Ok(ExitCode::SUCCESS)
}
