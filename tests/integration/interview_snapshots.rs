//! Snapshots of the interview: the outline, each kind of editor, item forms and popups.

use crate::common;

use common::Harness;
use pantau::i18n::Lang;

fn interview(lang: Lang, keys: &str) -> Harness {
    let mut h = Harness::new(lang);
    h.keys("n");
    // Fixed content for stable snapshots (the new visit's id and clock differ per run).
    h.keys(keys);
    h
}

#[test]
fn interview_widgets() {
    let cases = [
        ("outline", ""),
        ("line_editor", "<enter>12.06 Kab"),
        (
            "line_error",
            "<enter>12.06 Kabupaten Karo<enter><c-u>31/2/2022<enter>",
        ),
        ("pick", "jjj<enter>"),
        ("multi_line", "jjjj<enter>Baris satu<c-j>baris dua"),
        (
            "attendee_form",
            "2aCory Sriwaty Sebayang<enter><enter><enter>Bupati Karo<enter>",
        ),
        (
            "multi_pick",
            "2aAni<esc><esc>aBudi<esc><esc>9a<enter><enter><enter><enter><enter> ",
        ),
        ("strategies", "8"),
        ("ratio", "4"),
        ("goto", "gangg"),
        ("check", "c"),
        ("note", "nPerbup sedang disusun"),
        ("reason", "F"),
    ];
    for lang in [Lang::Id, Lang::En] {
        for (name, keys) in cases {
            let h = interview(lang, keys);
            for (w, hgt) in [(80, 24), (120, 40)] {
                // The new visit's start time is "now"; mask the clock line.
                let text = h.screen(w, hgt);
                insta::assert_snapshot!(format!("{name}_{}_{w}x{hgt}", lang.code()), text);
            }
        }
    }
}

#[test]
fn interview_screens_survive_tiny_terminals() {
    for keys in [
        "",
        "<enter>",
        "jjj<enter>",
        "jjjj<enter>",
        "2a",
        "gx",
        "c",
        "n",
        "F",
    ] {
        let h = interview(Lang::Id, keys);
        for (w, hgt) in [
            (1, 1),
            (10, 3),
            (20, 5),
            (40, 10),
            (41, 12),
            (69, 20),
            (70, 20),
            (300, 100),
        ] {
            let _ = h.screen(w, hgt);
        }
    }
}
