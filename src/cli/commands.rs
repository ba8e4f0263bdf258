use std::io::Write;
use std::process::ExitCode;

use unicode_width::UnicodeWidthStr;

use crate::demo::{self, DemoOutcome};
use crate::domain::{Stamp, VisitSummary};
use crate::format;
use crate::i18n::{Lang, t, tf};
use crate::store::Store;

/// A failed command: the message for the user and the exit code.
pub type CmdResult = Result<ExitCode, (String, u8)>;

pub(super) fn store_err(lang: Lang, e: crate::store::StoreError) -> (String, u8) {
    let code = if e.is_fatal() { 2 } else { 1 };
    (e.message(lang), code)
}

fn describe(lang: Lang, v: &crate::domain::Visit) -> String {
    let when = v
        .start
        .map(|s| format::datetime_long(lang, &s))
        .unwrap_or_default();
    format!("{} {}, {when}", v.district.code, v.district.name)
}

pub fn demo(store: &Store, lang: Lang) -> CmdResult {
    let stamp = Stamp::now();
    match demo::load(store, &stamp).map_err(|e| store_err(lang, e))? {
        DemoOutcome::Loaded(v) => println!(
            "{}",
            tf(lang, "cli.demo_loaded", &[&describe(lang, &v), &v.id])
        ),
        DemoOutcome::AlreadyThere(v) => println!("{}", tf(lang, "cli.demo_exists", &[&v.id])),
        DemoOutcome::InTrash(id) => println!("{}", tf(lang, "cli.demo_in_trash", &[&id])),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn list(store: &Store, lang: Lang, json: bool) -> CmdResult {
    let rows = store.summaries().map_err(|e| store_err(lang, e))?;
    if json {
        return print_json(lang, &rows);
    }
    if rows.is_empty() {
        println!("{}", t(lang, "cli.list_empty"));
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    for r in &rows {
        let _ = writeln!(out, "{}", list_line(lang, r));
    }
    Ok(ExitCode::SUCCESS)
}

/// One list row; columns padded by display width so names with diacritics still align.
pub fn list_line(lang: Lang, r: &VisitSummary) -> String {
    let date = r
        .start
        .map(|s| format::datetime_short(&s))
        .unwrap_or_else(|| "-".into());
    let district = format!("{} {}", r.district.code, r.district.name);
    format!(
        "{}  {}  {}  {}  {}",
        pad(&date, 20),
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
    print!("{}", super::show::render(lang, &visit));
    Ok(ExitCode::SUCCESS)
}

pub fn check(store: &Store, lang: Lang) -> CmdResult {
    let r = store.check();
    println!(
        "{}",
        tf(
            lang,
            "check.summary",
            &[&store.path().display(), &r.visits, &r.trashed, &r.events]
        )
    );
    if !r.warnings.is_empty() {
        println!("{}", tf(lang, "check.warnings", &[&r.warnings.len()]));
        for (id, p) in &r.warnings {
            println!("  {id}: {}", tf(lang, p.key(), &[&p.subject()]));
        }
    }
    if r.is_clean() {
        println!("{}", t(lang, "check.clean"));
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}", tf(lang, "check.damaged", &[&r.problems.len()]));
    for p in &r.problems {
        println!("  {}", p.message(lang));
    }
    Ok(ExitCode::from(1))
}

pub(super) fn print_json<T: serde::Serialize>(lang: Lang, value: &T) -> CmdResult {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)
        .map_err(|e| (tf(lang, "cli.json_error", &[&e]), 1))?;
    let _ = writeln!(out);
    Ok(ExitCode::SUCCESS)
}
