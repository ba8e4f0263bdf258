//! Whole flows driven by key presses against a real store.

use crate::common;

use common::{Harness, other_visit};
use pantau::app::Screen;
use pantau::i18n::Lang;

fn three_districts() -> Harness {
    let karo = pantau::demo::karo_visit();
    let dairi = other_visit(
        "12.11",
        "Kabupaten Dairi",
        "2023-05-02T09:00:00+07:00",
        "Eddy Keleng Ate Berutu",
    );
    let badung = other_visit(
        "51.03",
        "Kabupaten Badung",
        "2024-01-10T10:00:00+08:00",
        "I Nyoman Giri Prasta",
    );
    Harness::with_visits(Lang::Id, &[karo, dairi, badung])
}

#[test]
fn list_is_newest_first() {
    let h = three_districts();
    let names: Vec<_> = h
        .app
        .list
        .rows
        .iter()
        .map(|r| h.app.list.all[r.idx].district.name.clone())
        .collect();
    assert_eq!(
        names,
        ["Kabupaten Badung", "Kabupaten Dairi", "Kabupaten Karo"]
    );
}

#[test]
fn search_narrows_the_list_and_esc_clears_it() {
    let mut h = three_districts();
    h.keys("/karo");
    assert_eq!(h.app.list.rows.len(), 1);
    assert!(h.screen(80, 24).contains("12.06 Kabupaten Karo"));
    h.keys("<esc>");
    assert_eq!(h.app.list.rows.len(), 3);
    assert!(!h.app.search.active);
}

#[test]
fn search_finds_a_person_and_shows_which_field_matched() {
    let mut h = three_districts();
    h.keys("/nyoman giri<enter>");
    assert_eq!(h.app.list.rows.len(), 1);
    let screen = h.screen(100, 24);
    assert!(screen.contains("Peserta: I Nyoman Giri Prasta"), "{screen}");
}

#[test]
fn filter_words_combine_with_text() {
    let mut h = three_districts();
    h.keys("/prov:12");
    assert_eq!(h.app.list.rows.len(), 2);
    h.keys(" tahun:2022");
    assert_eq!(h.app.list.rows.len(), 1);
    h.keys("<c-u>status:final");
    assert_eq!(h.app.list.rows.len(), 0);
    assert!(h.screen(80, 24).contains("Tidak ada kunjungan yang cocok"));
    h.keys("<c-u>tahun:20x2");
    assert!(
        h.screen(100, 24)
            .contains("Saringan tidak dikenali (diabaikan): tahun:20x2")
    );
}

#[test]
fn typing_q_in_the_search_box_types_it_instead_of_quitting() {
    let mut h = three_districts();
    h.keys("/q");
    assert!(!h.quit);
    assert_eq!(h.app.search.input.value(), "q");
    h.keys("<c-c>");
    assert!(h.quit, "Ctrl-C quits even while typing");
}

#[test]
fn open_detail_shows_attendees_and_strategies_and_back_returns() {
    let mut h = Harness::with_demo(Lang::Id);
    h.keys("<enter>");
    assert_eq!(h.app.screen, Screen::Detail);
    let top = h.screen(100, 60);
    assert!(top.contains("Cory Sriwaty Sebayang"), "{top}");
    assert!(top.contains("Deputi II Bidang Pembangunan Manusia"));
    h.keys("<pgdn><pgdn>");
    let later = h.screen(100, 30);
    assert!(
        later.contains("Mendaftarkan seluruh pekerja honorer") || later.contains("Catatan rapat"),
        "{later}"
    );
    h.keys("<esc>");
    assert_eq!(h.app.screen, Screen::List);
}

#[test]
fn delete_asks_first_then_trash_restores() {
    let mut h = three_districts();
    h.keys("d");
    assert!(h.screen(80, 24).contains("tempat sampah"));
    h.keys("n");
    assert_eq!(
        h.store().summaries().unwrap().len(),
        3,
        "'n' cancels the delete"
    );
    h.keys("d");
    h.keys("y");
    assert_eq!(h.store().summaries().unwrap().len(), 2);
    assert_eq!(h.app.list.rows.len(), 2);
    assert!(
        h.screen(80, 24)
            .contains("Dipindah ke tempat sampah: 51.03 Kabupaten Badung")
    );
    h.keys("t");
    assert_eq!(h.app.screen, Screen::Trash);
    assert!(h.screen(80, 24).contains("51.03 Kabupaten Badung"));
    h.keys("r");
    assert_eq!(h.store().summaries().unwrap().len(), 3);
    assert!(h.store().trash().unwrap().is_empty());
    h.keys("<esc>");
    assert_eq!(h.app.list.rows.len(), 3);
    let audit = h.store().audit(h.app.list.all[0].id).unwrap();
    let actions: Vec<_> = audit.iter().map(|e| e.action).collect();
    use pantau::domain::AuditAction::*;
    assert_eq!(actions, [Create, Delete, Restore]);
    assert!(h.store().check().is_clean());
}

#[test]
fn deleted_visit_leaves_the_search_results_too() {
    let mut h = three_districts();
    h.keys("/badung<enter>");
    assert_eq!(h.app.list.rows.len(), 1);
    h.keys("dy");
    assert_eq!(h.app.list.rows.len(), 0);
    h.keys("<esc>");
    assert_eq!(h.app.list.rows.len(), 2);
}

#[test]
fn district_history_compares_visits() {
    let karo = pantau::demo::karo_visit();
    let mut later = karo.clone();
    later.id = pantau::domain::new_id();
    later.start = Some(chrono::DateTime::parse_from_rfc3339("2023-03-20T10:00:00+07:00").unwrap());
    later.strategies[3].status = pantau::domain::StrategyStatus::InProgress;
    let mut h = Harness::with_visits(Lang::En, &[karo, later]);
    h.keys("h");
    assert_eq!(h.app.screen, Screen::History);
    let screen = h.screen(100, 30);
    assert!(
        screen.contains("History of 12.06 Kabupaten Karo"),
        "{screen}"
    );
    assert!(screen.contains("not started → in progress"), "{screen}");
    h.keys("<enter>");
    assert_eq!(h.app.screen, Screen::Detail);
}

#[test]
fn help_lists_every_key_of_the_keymap() {
    let mut h = Harness::with_demo(Lang::En);
    h.keys("?");
    // Tall enough for the whole help (it grew with the interview's keys of issue 16).
    let screen = h.screen(120, 260);
    for (ctx, action) in h.app.keymap.rows() {
        if ctx == pantau::keymap::Context::Help {
            continue;
        }
        let label = pantau::i18n::t(Lang::En, &action.catalogue_label()).to_string();
        assert!(screen.contains(&label), "help lacks {label}\n{screen}");
        assert!(screen.contains(&h.app.keymap.keys_label(ctx, action)));
    }
    h.keys("<esc>");
    assert!(h.app.overlay.is_none());
}

#[test]
fn language_toggle_switches_text_and_is_remembered() {
    let mut h = Harness::with_demo(Lang::Id);
    assert!(h.screen(80, 24).contains("Daftar kunjungan"));
    h.keys("L");
    assert!(h.screen(80, 24).contains("Visits (1 of 1)"));
    let saved = pantau::config::Config::load(&h.dir.path().join("config.toml")).unwrap();
    assert_eq!(saved.lang, Some(Lang::En));
}

#[test]
fn empty_database_offers_the_demo() {
    let mut h = Harness::new(Lang::Id);
    assert!(h.screen(80, 24).contains("Belum ada kunjungan"));
    h.keys("D");
    assert_eq!(h.app.list.rows.len(), 1);
    h.keys("D");
    assert!(h.screen(80, 24).contains("sudah ada"));
    assert_eq!(h.store().summaries().unwrap().len(), 1);
}

#[test]
fn release_events_are_ignored() {
    use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
    let mut h = Harness::with_demo(Lang::Id);
    let mut k = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    k.kind = KeyEventKind::Release;
    assert!(h.app.handle_key(k).is_empty());
    assert!(!h.app.quit);
}

#[test]
fn quit_keys() {
    let mut h = Harness::with_demo(Lang::Id);
    h.keys("q");
    assert!(h.quit);
}

#[test]
fn keys_typed_at_a_terminal_too_small_do_nothing_but_quit() {
    let mut h = Harness::with_demo(Lang::En);
    h.app.too_small = true;
    h.keys("e?n/karo<enter>d");
    assert!(h.app.interview.is_none() && h.app.overlay.is_none());
    assert!(matches!(h.app.screen, Screen::List));
    assert_eq!(
        (h.app.list.all.len(), h.app.list.rows.len()),
        (1, 1),
        "nothing deleted, nothing filtered"
    );
    assert!(!h.quit);
    h.keys("<c-c>");
    assert!(h.quit);
    // Big enough again: keys work.
    let mut h = Harness::with_demo(Lang::En);
    h.app.too_small = false;
    h.keys("e");
    assert!(h.app.interview.is_some());
}
