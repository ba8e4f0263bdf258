//! The follow-up board and the overview, driven by keys against a real store: snapshots at two
//! sizes in both languages with a fixed "today", a status change that lands in the audit log,
//! a progress note, and tiny terminals.

use crate::common;

use common::Harness;
use pantau::app::Screen;
use pantau::domain::{AuditAction, StrategyStatus};
use pantau::followup::fixtures;
use pantau::i18n::Lang;

fn harness(lang: Lang) -> Harness {
    let mut h = Harness::with_visits(lang, &fixtures::visits());
    h.app.today = fixtures::today();
    h
}

fn screens(lang: Lang) -> Vec<(&'static str, Harness)> {
    let keyed = |keys: &str| {
        let mut h = harness(lang);
        h.keys(keys);
        h
    };
    vec![
        ("board", keyed("b")),
        ("board_overdue", keyed("bf")),
        ("board_history", keyed("bx")),
        ("board_status_picker", keyed("bjjs")),
        ("board_note", keyed("baTelah rapat")),
        ("overview_visits", keyed("o")),
        ("overview_obstacles", keyed("o<tab>")),
        ("overview_obstacle_visits", keyed("o<tab><enter>")),
        ("overview_strategies", keyed("o<tab><tab>")),
        ("overview_coverage", keyed("o<tab><tab><tab>")),
        ("overview_obstacles_table", keyed("o<tab>t")),
        ("overview_visits_table", keyed("ot")),
        ("overview_coverage_table", keyed("oit")),
    ]
}

#[test]
fn board_and_overview_snapshots() {
    for lang in [Lang::Id, Lang::En] {
        for (name, h) in screens(lang) {
            for (w, hgt) in [(80, 24), (120, 40)] {
                insta::assert_snapshot!(
                    format!("{name}_{}_{w}x{hgt}", lang.code()),
                    h.screen(w, hgt)
                );
            }
        }
    }
}

#[test]
fn tiny_terminals_never_panic() {
    for (name, h) in screens(Lang::Id) {
        for (w, hgt) in [
            (1, 1),
            (10, 3),
            (20, 5),
            (40, 10),
            (41, 11),
            (59, 14),
            (300, 3),
        ] {
            let text = h.screen(w, hgt);
            if (w, hgt) == (20, 5) {
                let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(flat.contains("terlalu kecil"), "{name}:\n{text}");
            }
        }
    }
}

#[test]
fn overdue_items_carry_a_marker_not_only_colour() {
    let h = {
        let mut h = harness(Lang::En);
        h.keys("bf");
        h
    };
    let screen = h.screen(80, 24);
    let overdue_rows: Vec<_> = screen.lines().filter(|l| l.starts_with('!')).collect();
    assert_eq!(overdue_rows.len(), 2, "{screen}");
    assert!(overdue_rows[0].contains("31 May 2024"), "{screen}");
    assert!(overdue_rows[1].contains("1 Jun 2024"), "{screen}");
}

#[test]
fn changing_a_status_from_the_board_is_an_audited_change_of_the_visit() {
    let mut h = harness(Lang::Id);
    // Overdue filter: first row is Dairi's strategy 4 (D2, a final visit), not started.
    h.keys("bf");
    assert_eq!(h.app.board.rows.len(), 2);
    // Status picker opens on "belum"; one down is "proses".
    h.keys("s<down><enter>");
    let d2 = h.store().get(fixtures::id(5)).unwrap().unwrap();
    assert_eq!(d2.strategies[3].status, StrategyStatus::InProgress);
    // A final visit: the change is an amendment, counted, with a reason.
    assert_eq!(d2.amendments, 1);
    let events = h.store().audit(d2.id).unwrap();
    let last = events.last().unwrap();
    assert_eq!(last.action, AuditAction::Amend);
    assert_eq!(last.actor, "auditor");
    assert!(!last.reason.is_empty());
    assert!(
        last.changes
            .iter()
            .any(|c| c.path.contains("strategies") && c.path.contains("status")),
        "{:?}",
        last.changes
    );
    // Still overdue (in progress, past its date): the board updated without a reload.
    assert_eq!(h.app.board.rows.len(), 2);
    assert!(h.screen(80, 24).contains("tersimpan"));
    // Done: it leaves the overdue list.
    h.keys("s<down><enter>");
    assert_eq!(h.app.board.rows.len(), 1);
    assert_eq!(
        h.app
            .followups
            .as_ref()
            .unwrap()
            .items
            .overdue_count(fixtures::today()),
        1
    );
}

#[test]
fn a_progress_note_is_appended_dated_to_the_strategy_of_a_draft_visit() {
    let mut h = harness(Lang::Id);
    // Overdue, second row: Karo's strategy 1 at K3, a draft.
    h.keys("bfj");
    h.keys("a12 perusahaan sudah diperiksa<enter>");
    let k3 = h.store().get(fixtures::id(3)).unwrap().unwrap();
    assert_eq!(
        k3.strategies[0].notes,
        "2024-06-30: 12 perusahaan sudah diperiksa"
    );
    let last = h.store().audit(k3.id).unwrap().pop().unwrap();
    assert_eq!(last.action, AuditAction::Edit);
    // Esc cancels without writing.
    let before = h.store().audit(k3.id).unwrap().len();
    h.keys("axyz<esc>");
    assert_eq!(h.store().audit(k3.id).unwrap().len(), before);
}

#[test]
fn enter_opens_the_visit_and_esc_comes_back_to_the_board() {
    let mut h = harness(Lang::Id);
    h.keys("bf<enter>");
    assert_eq!(h.app.screen, Screen::Detail);
    assert!(h.screen(80, 24).contains("Kabupaten Dairi"));
    h.keys("<esc>");
    assert_eq!(h.app.screen, Screen::Board);
    h.keys("<esc>");
    assert_eq!(h.app.screen, Screen::List);
}

#[test]
fn an_obstacle_bar_opens_the_visits_that_reported_it() {
    let mut h = harness(Lang::En);
    h.keys("o<tab><enter>");
    let screen = h.screen(80, 24);
    // Budget: reported at four visits, newest first.
    assert!(screen.contains("Visits reporting: APBD budget"), "{screen}");
    assert_eq!(screen.matches("Kabupaten Karo").count(), 3, "{screen}");
    assert!(screen.contains("51.03 Kabupaten Badung"), "{screen}");
    h.keys("<enter>");
    assert_eq!(h.app.screen, Screen::Detail);
    h.keys("<esc>");
    assert_eq!(h.app.screen, Screen::Overview);
}

#[test]
fn detail_b_shows_the_items_of_that_district_from_all_visits() {
    let mut h = harness(Lang::Id);
    // The list is newest first: Badung B2, Karo K3…; open Karo K3.
    h.keys("j<enter>b");
    assert_eq!(h.app.screen, Screen::Board);
    assert_eq!(h.app.board.filter.place, "12.06");
    let screen = h.screen(120, 40);
    assert!(screen.contains("»"), "{screen}");
    assert!(!screen.contains("Dairi"), "{screen}");
}

#[test]
fn the_store_keeps_facts_with_every_write_and_rebuilds_missing_ones() {
    let h = harness(Lang::Id);
    let facts = h.store().facts().unwrap();
    assert_eq!(facts.len(), 7);
    let mut v = h.store().get(fixtures::id(3)).unwrap().unwrap();
    v.strategies[0].status = StrategyStatus::Done;
    h.store()
        .update(&v, &common::fixed_stamp(), AuditAction::Edit, "")
        .unwrap();
    let k3 = h
        .store()
        .facts()
        .unwrap()
        .into_iter()
        .find(|f| f.id == v.id)
        .unwrap();
    assert_eq!(k3.strategies[0].status, StrategyStatus::Done);
    h.store().delete(v.id, &common::fixed_stamp()).unwrap();
    assert_eq!(h.store().facts().unwrap().len(), 6);
    h.store().restore(v.id, &common::fixed_stamp()).unwrap();
    assert_eq!(h.store().facts().unwrap().len(), 7);
}

fn cli_store() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let store = pantau::store::Store::open(&dir.path().join("db")).unwrap();
    for v in fixtures::visits() {
        store.create(&v, &common::fixed_stamp()).unwrap();
    }
    dir
}

fn pantau(dir: &tempfile::TempDir, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pantau"))
        .arg("--db")
        .arg(dir.path().join("db"))
        .args(args)
        .env("PANTAU_CONFIG", dir.path().join("config.toml"))
        .env_remove("PANTAU_LANG")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn cli_followups_prints_the_board_list_and_json() {
    let dir = cli_store();
    let text = pantau(
        &dir,
        &[
            "--lang",
            "en",
            "followups",
            "--overdue",
            "--as-of",
            "2024-06-30",
        ],
    );
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("! 2024-05-31  12.11 Kabupaten Dairi"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("! 2024-06-01  12.06 Kabupaten Karo"),
        "{text}"
    );
    assert_eq!(lines[2], "2 items · 2 overdue");
    let json = pantau(&dir, &["followups", "--json", "--as-of", "2024-06-30"]);
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 7);
    assert_eq!(rows[5]["strategy"], "follow_up");
    assert_eq!(rows[5]["status"], serde_json::Value::Null);
    let all = pantau(
        &dir,
        &["followups", "--all", "--json", "--as-of", "2024-06-30"],
    );
    let rows: serde_json::Value = serde_json::from_str(&all).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 19);
}

#[test]
fn cli_overview_json_has_the_aggregates() {
    let dir = cli_store();
    let json = pantau(&dir, &["overview", "--json"]);
    let o: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(o["visits"], 7);
    assert_eq!(o["districts"], 3);
    assert_eq!(o["obstacles"][0]["category"], "budget");
    assert_eq!(
        o["strategies"][3]["counts"],
        serde_json::json!([1, 0, 1, 1])
    );
    assert_eq!(o["coverage"][0]["id"], "non_asn_coverage");
    let text = pantau(&dir, &["--lang", "en", "overview"]);
    assert!(
        text.starts_with("7 visits to 3 districts · draft 2 · final 5"),
        "{text}"
    );
}

/// The board caches the follow-up facts; a visit deleted from the list (a change the interview
/// did not make) must not leave its items on the board.
#[test]
fn a_visit_deleted_from_the_list_leaves_the_board() {
    let mut h = harness(Lang::En);
    h.keys("b");
    let before = h.app.board.rows.len();
    let first = h
        .app
        .list
        .selected_summary()
        .expect("a visit is selected")
        .id;
    let items_of_first = h
        .app
        .followups
        .as_ref()
        .map(|d| {
            d.items
                .items
                .iter()
                .filter(|i| d.items.facts[i.visit].id == first)
                .count()
        })
        .unwrap();
    assert!(items_of_first > 0, "the first visit has items on the board");
    h.keys("<esc>dy");
    assert!(h.store().get(first).unwrap().is_none(), "deleted");
    h.keys("b");
    let data = h.app.followups.as_ref().expect("reloaded");
    assert!(data.items.facts.iter().all(|f| f.id != first));
    assert!(
        h.app.board.rows.len() < before,
        "{} rows, {before} before",
        h.app.board.rows.len()
    );
}
