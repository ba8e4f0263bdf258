//! `pantau search`, the real binary on a real database of synthetic visits: the queries of
//! issue 18's table give exactly the visits an exact whole-word scan of the visits' Markdown
//! reports gives, and the index file beside the database is rebuilt when missing or damaged
//! and never returns a visit the store no longer holds.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use pantau::domain::Visit;
use pantau::i18n::Lang;
use pantau::search::text::words;
use pantau::store::{INDEX_FILE, Store};
use serde_json::Value;

fn pantau(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pantau"))
        .arg("--db")
        .arg(dir)
        .args(args)
        .env_remove("PANTAU_DB")
        .env_remove("PANTAU_LANG")
        .env("PANTAU_CONFIG", dir.with_extension("no-config.toml"))
        .output()
        .unwrap()
}

/// The ids `pantau search QUERY --json` prints (all of them).
fn search(dir: &Path, query: &str) -> (BTreeSet<String>, Output) {
    let out = pantau(dir, &["search", query, "--json", "--limit", "100000"]);
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let ids = rows
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| r["id"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default();
    (ids, out)
}

/// Visits whose Markdown report holds the words in a row (a whole-word scan, as `rg -iw`).
fn scan(reports: &[(Visit, Vec<String>)], phrase: &[&str]) -> BTreeSet<String> {
    reports
        .iter()
        .filter(|(_, ws)| ws.windows(phrase.len()).any(|w| w == phrase))
        .map(|(v, _)| v.id.to_string())
        .collect()
}

fn database(n: usize) -> (tempfile::TempDir, Vec<(Visit, Vec<String>)>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let stamp = common::fixed_stamp();
    let mut reports = Vec::new();
    for v in pantau::synth::visits(n, 7) {
        let v = store.create(&v, &stamp).unwrap();
        let report = pantau::export::report::build(&v, &[], Lang::Id, stamp.at);
        let md = pantau::export::md::render(&report);
        reports.push((v, words(&md)));
    }
    (dir, reports)
}

#[test]
fn the_issue_table_queries_find_what_an_exact_scan_of_the_reports_finds() {
    let (dir, reports) = database(150);
    let db = dir.path();
    // In every visit's strategy text.
    let (got, _) = search(db, "honorer");
    assert_eq!(got.len(), 150);
    assert_eq!(got, scan(&reports, &["honorer"]));
    // A surname: the visits that hold it as a word, not ones with its letters scattered.
    let (got, _) = search(db, "Ginting");
    let want = scan(&reports, &["ginting"]);
    assert!(!want.is_empty() && want.len() < 150, "{}", want.len());
    assert_eq!(got, want);
    // A given name in no visit: nothing, and exit code 1.
    let (got, out) = search(db, "lamhot");
    assert!(got.is_empty());
    assert_eq!(out.status.code(), Some(1));
    // A two-word name as a phrase, and the same words anywhere in the visit.
    let (got, _) = search(db, "\"budi ginting\"");
    let want = scan(&reports, &["budi", "ginting"]);
    assert!(!want.is_empty());
    assert_eq!(got, want);
    let (both, _) = search(db, "budi ginting");
    assert!(both.is_superset(&got) && both.len() > got.len());
    assert!(
        db.join(INDEX_FILE).exists(),
        "the index is kept with the database"
    );
}

#[test]
fn text_lines_show_the_field_and_the_words_around_the_match_and_filters_apply() {
    let (dir, reports) = database(30);
    let db = dir.path();
    let out = pantau(db, &["search", "honorer", "--limit", "3"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    for l in &lines {
        assert!(
            l.contains("Komitmen: …") && l.contains("pekerja honorer di"),
            "{l}"
        );
    }
    let year = reports[0].0.start.unwrap().format("%Y").to_string();
    let (got, _) = search(db, &format!("honorer tahun:{year}"));
    let want: BTreeSet<String> = reports
        .iter()
        .filter(|(v, _)| v.start.unwrap().format("%Y").to_string() == year)
        .map(|(v, _)| v.id.to_string())
        .collect();
    assert_eq!(got, want);
    let (got, _) = search(db, "honorer konflik:ya");
    assert!(got.is_empty(), "no synthetic visit is in conflict");
    let out = pantau(db, &["search", "honorer", "konflik:mungkin"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("konflik:mungkin"));
}

#[test]
fn a_missing_damaged_or_outdated_index_never_answers_for_what_the_store_does_not_hold() {
    let (dir, reports) = database(20);
    let db = dir.path();
    let (all, _) = search(db, "honorer");
    assert_eq!(all.len(), 20);
    // Damaged: rebuilt, with the same answer.
    let file = db.join(INDEX_FILE);
    let mut bytes = std::fs::read(&file).unwrap();
    let mid = bytes.len() / 2;
    bytes.truncate(mid);
    std::fs::write(&file, &bytes).unwrap();
    let (again, out) = search(db, "honorer");
    assert_eq!(again, all);
    assert!(String::from_utf8_lossy(&out.stderr).contains("indeks"));
    // Changed after the file was written: a deleted visit is gone, an edit is found.
    let store = Store::open(db).unwrap();
    let stamp = common::fixed_stamp();
    let gone = reports[0].0.id;
    store.delete(gone, &stamp).unwrap();
    let mut v = store.get(reports[1].0.id).unwrap().unwrap();
    v.venue = "Balai Lamhot".into();
    let v = store
        .update(&v, &stamp, pantau::domain::AuditAction::Edit, "")
        .unwrap()
        .unwrap();
    drop(store);
    let (after, _) = search(db, "honorer");
    assert_eq!(after.len(), 19);
    assert!(!after.contains(&gone.to_string()));
    let (lamhot, _) = search(db, "lamhot");
    assert_eq!(lamhot, [v.id.to_string()].into());
    // Missing: rebuilt.
    std::fs::remove_file(&file).unwrap();
    let (rebuilt, _) = search(db, "honorer");
    assert_eq!(rebuilt, after);
    assert!(file.exists());
}
