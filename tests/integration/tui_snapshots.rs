//! Every screen drawn on TestBackend, in both languages at 80x24 and 120x40, with a fixed clock
//! and fixed ids; and a sweep of tiny sizes that must never panic.

use crate::common;

use common::{Harness, other_visit};
use pantau::i18n::Lang;
use ratatui::style::Modifier;

/// (name, harness set-up, keys) for every screen and overlay.
fn screens(lang: Lang) -> Vec<(&'static str, Harness)> {
    let demo = || Harness::with_demo(lang);
    let two = || {
        let mut later = pantau::demo::karo_visit();
        later.id = uuid::Uuid::parse_str("018a0000-0000-7000-8000-000000000001").unwrap();
        later.start =
            Some(chrono::DateTime::parse_from_rfc3339("2023-03-20T10:00:00+07:00").unwrap());
        later.strategies[0].status = pantau::domain::StrategyStatus::InProgress;
        later.strategies[3].status = pantau::domain::StrategyStatus::Done;
        let dairi = {
            let mut v = other_visit(
                "12.11",
                "Kabupaten Dairi",
                "2023-05-02T09:00:00+07:00",
                "Eddy Keleng Ate Berutu",
            );
            v.id = uuid::Uuid::parse_str("018a0000-0000-7000-8000-000000000002").unwrap();
            v
        };
        Harness::with_visits(lang, &[pantau::demo::karo_visit(), later, dairi])
    };
    let mut out = vec![("list_empty", Harness::new(lang)), ("list", two())];
    let mut h = two();
    h.keys("/karo");
    out.push(("search", h));
    let mut h = two();
    h.keys("/sebayang status:draf<enter>");
    out.push(("search_filtered", h));
    let mut h = demo();
    h.keys("<enter>");
    out.push(("detail", h));
    let mut h = demo();
    h.keys("<enter>G");
    out.push(("detail_end", h));
    let mut h = two();
    h.keys("<down><down>h");
    out.push(("history", h));
    let mut h = demo();
    h.keys("t");
    out.push(("trash_empty", h));
    let mut h = two();
    h.keys("dyt");
    out.push(("trash", h));
    let mut h = demo();
    h.keys("?");
    out.push(("help", h));
    let mut h = demo();
    h.keys("d");
    out.push(("confirm", h));
    out
}

#[test]
fn every_screen_in_both_languages_and_two_sizes() {
    for lang in [Lang::Id, Lang::En] {
        for (name, h) in screens(lang) {
            for (w, hgt) in [(80, 24), (120, 40)] {
                let text = h.screen(w, hgt);
                insta::assert_snapshot!(format!("{name}_{}_{w}x{hgt}", lang.code()), text);
            }
        }
    }
}

#[test]
fn tiny_terminals_never_panic_and_say_too_small() {
    for lang in [Lang::Id, Lang::En] {
        for (name, h) in screens(lang) {
            for (w, hgt) in [
                (1, 1),
                (10, 3),
                (20, 5),
                (39, 9),
                (40, 10),
                (41, 11),
                (300, 100),
                (300, 2),
                (2, 100),
            ] {
                let text = h.screen(w, hgt);
                if (w, hgt) == (20, 5) {
                    let want = if lang == Lang::Id {
                        "terlalu kecil"
                    } else {
                        "too small"
                    };
                    assert!(joined(&text).contains(want), "{name} at 20x5:\n{text}");
                }
            }
        }
    }
}

/// The screen as one line of words, for messages that wrap.
fn joined(screen: &str) -> String {
    screen.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_selected_row_is_reversed_not_only_coloured() {
    let h = Harness::with_demo(Lang::Id);
    let term = h.terminal(80, 24);
    let buf = term.backend().buffer();
    // Row 0 title, row 1 header, row 2 the first (selected) visit.
    let cell = &buf[(0, 2)];
    assert!(cell.modifier.contains(Modifier::REVERSED), "{:?}", cell);
    let header = &buf[(0, 1)];
    assert!(header.modifier.contains(Modifier::BOLD));
    assert!(!header.modifier.contains(Modifier::REVERSED));
}

#[test]
fn wide_characters_and_emoji_keep_columns_aligned() {
    let mut v = other_visit(
        "12.11",
        "Kabupaten 東京 👍 Dairi",
        "2023-05-02T09:00:00+07:00",
        "Ñoño 👩‍🌾",
    );
    v.id = uuid::Uuid::parse_str("018a0000-0000-7000-8000-000000000003").unwrap();
    let h = Harness::with_visits(Lang::Id, &[v]);
    let screen = h.screen(80, 24);
    let row = screen.lines().nth(2).unwrap();
    let header = screen.lines().nth(1).unwrap();
    let col = |line: &str, needle: &str| {
        let byte = line.find(needle).unwrap();
        unicode_width::UnicodeWidthStr::width(&line[..byte])
    };
    assert_eq!(col(row, "draf"), col(header, "Status"), "{screen}");
}
