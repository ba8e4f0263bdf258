//! A visit edited on two laptops: after the exchange the conflict shows in the detail screen and
//! the auditor settles it with two keys; the choice is an audited change.

use crate::common;

use common::{Harness, fixed_stamp};
use pantau::app::Msg;
use pantau::domain::{AuditAction, Stamp};
use pantau::export::{self, Filter};
use pantau::i18n::Lang;
use pantau::store::Store;

#[test]
fn a_conflict_from_an_import_is_shown_and_settled_in_the_tui() {
    let mut h = Harness::with_demo(Lang::Id);
    let karo = pantau::demo::karo_visit().id;
    let other_dir = tempfile::tempdir().unwrap();
    let other = Store::open(&other_dir.path().join("db")).unwrap();
    let start = other_dir.path().join("start.json");
    export::write_bundle(h.store(), &Filter::default(), true, &start).unwrap();
    export::import_files(&other, &[start]).unwrap();

    let edit = |store: &Store, who: &str, venue: &str| {
        let mut v = store.get(karo).unwrap().unwrap();
        v.venue = venue.into();
        let at = fixed_stamp().at + chrono::Duration::minutes(if who == "ani" { 1 } else { 2 });
        store
            .update(&v, &Stamp::new(at, who), AuditAction::Edit, "")
            .unwrap();
    };
    edit(h.store(), "ani", "Aula Kantor Bupati Karo");
    edit(&other, "budi", "Pendopo Rumah Dinas Bupati");
    let theirs = other_dir.path().join("budi.json");
    export::write_bundle(&other, &Filter::default(), true, &theirs).unwrap();
    let summary = export::import_files(h.store(), &[theirs]).unwrap();
    assert_eq!(summary.in_conflict, [karo]);
    let list = h.store().summaries().unwrap();
    h.app.on_msg(Msg::ListLoaded(list));

    h.keys("<enter>c");
    let screen = h.screen(100, 30);
    assert!(screen.contains("Pendopo Rumah Dinas Bupati"), "{screen}");
    assert!(screen.contains("Aula Kantor Bupati Karo"), "{screen}");
    // The candidates are listed current value first; pick the other one.
    let v = h.store().get(karo).unwrap().unwrap();
    let other_value = v.conflicts[0].candidates[1].value.clone().unwrap();
    h.keys("<down><enter>");
    let settled = h.store().get(karo).unwrap().unwrap();
    assert!(!settled.in_conflict());
    assert_eq!(serde_json::Value::from(settled.venue.clone()), other_value);
    assert!(h.screen(100, 30).contains("Konflik diselesaikan"));
    assert!(h.store().check().is_clean());
}

#[test]
fn the_report_key_writes_the_html_report_and_says_where() {
    let mut h = Harness::with_demo(Lang::En);
    let home = tempfile::tempdir().unwrap();
    // The report goes to the documents folder: a temporary one here.
    h.runner.report_dir = home.path().to_path_buf();
    // x opens the menu of documents; the report as HTML is its first entry.
    h.keys("<enter>x<enter>");
    let screen = h.screen(120, 30);
    assert!(screen.contains("Report written to"), "{screen}");
    let written: Vec<_> = walk(home.path())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    let html = std::fs::read_to_string(&written[0]).unwrap();
    assert!(html.contains("Kabupaten Karo"));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
