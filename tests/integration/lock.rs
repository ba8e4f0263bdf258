//! The app locked (issue 20): on an encrypted database, after an idle time (the runtime sends
//! `Msg::Idle`) or at once by Ctrl-L, only the lock screen is drawn until the passphrase is
//! given again; everything open comes back exactly as it was. A plain database never locks.
//! The first-start question's screens. (The real binary: `encryption.rs`.)

use crate::common;

use common::Harness;
use pantau::app::Msg;
use pantau::i18n::Lang;
use pantau::ui::first_start::{FirstStartView, Step};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const PASS: &str = "kunci rahasia Karo";

/// The demo visit open in the interview, its venue's editor holding half-typed text.
fn typing_venue(lang: Lang) -> Harness {
    let mut h = Harness::encrypted(lang, &[pantau::demo::karo_visit()], PASS);
    h.keys("e1jj<enter><c-u>Aula setengah");
    let screen = h.screen(80, 24);
    assert!(screen.contains("Aula setengah"), "{screen}");
    h
}

#[test]
fn ctrl_l_locks_at_once_and_the_passphrase_gives_everything_back() {
    let mut h = typing_venue(Lang::Id);
    let before = h.screen(80, 24);
    let wide = h.screen(120, 40);
    h.keys("<c-l>");
    assert!(h.app.locked());
    // Written before locking: a kill now loses nothing.
    let journal = h.store().journal().expect("journal written at lock");
    assert_eq!(journal.draft.text, "Aula setengah");
    for (w, hgt) in [(80, 24), (120, 40)] {
        let s = h.screen(w, hgt);
        assert!(s.contains("terkunci"), "{s}");
        for hidden in ["Karo", "setengah", "Aula", "Kabanjahe", "tersimpan"] {
            assert!(!s.contains(hidden), "{hidden:?} on the lock screen:\n{s}");
        }
    }
    // Typed masked; keys of the app do nothing while locked (q types, it does not quit).
    h.keys("salah q");
    assert!(!h.quit);
    let s = h.screen(80, 24);
    assert!(s.contains("•••••••"), "{s}");
    assert!(!s.contains("salah"), "{s}");
    h.keys("<enter>");
    assert!(h.app.locked());
    let s = h.screen(80, 24);
    assert!(s.contains("Frasa sandi salah"), "{s}");
    assert!(!s.contains("Karo"), "{s}");
    h.keys(PASS).keys("<enter>");
    assert!(!h.app.locked());
    assert_eq!(h.screen(80, 24), before);
    assert_eq!(h.screen(120, 40), wide);
    // The editor is the one that was open: Enter saves what was typed.
    h.keys("<enter>");
    let id = pantau::demo::karo_visit().id;
    assert_eq!(h.store().get(id).unwrap().unwrap().venue, "Aula setengah");
}

#[test]
fn idle_locks_only_an_encrypted_database_and_keeps_a_popup() {
    let mut h = Harness::encrypted(Lang::En, &[pantau::demo::karo_visit()], PASS);
    h.keys("enhalf a note");
    let before = h.screen(80, 24);
    assert!(before.contains("half a note"), "{before}");
    let effects = h.app.on_msg(Msg::Idle);
    pantau::tui::drain(&mut h.app, &mut h.runner, effects);
    let s = h.screen(80, 24);
    assert!(s.contains("locked"), "{s}");
    assert!(!s.contains("half a note") && !s.contains("Karo"), "{s}");
    // Esc clears what was typed, it does not leave the lock screen.
    h.keys("xyz<esc>");
    assert!(h.app.locked());
    assert!(!h.screen(80, 24).contains('•'));
    h.keys(PASS).keys("<enter>");
    assert_eq!(h.screen(80, 24), before);

    // A plain database: idle does nothing, Ctrl-L says why it does not lock.
    let mut plain = Harness::with_demo(Lang::En);
    let effects = plain.app.on_msg(Msg::Idle);
    assert!(effects.is_empty());
    assert!(!plain.app.locked());
    plain.keys("<c-l>");
    assert!(!plain.app.locked());
    let s = plain.screen(120, 40);
    assert!(s.contains("not encrypted, so it cannot be locked"), "{s}");
    assert!(!s.contains("Ctrl-L"), "the key bar offers locking: {s}");
}

#[test]
fn the_key_bar_and_the_help_list_the_lock_key() {
    let mut h = Harness::encrypted(Lang::Id, &[pantau::demo::karo_visit()], PASS);
    let s = h.screen(120, 40);
    assert!(s.contains("Ctrl-L kunci layar"), "{s}");
    h.keys("?");
    let mut all = String::new();
    for _ in 0..40 {
        all.push_str(&h.screen(80, 24));
        h.keys("<pgdn>");
    }
    assert!(all.contains("Ctrl-L"), "{all}");
    assert!(all.contains("tidak pernah terkunci"), "{all}");
}

#[test]
fn lock_screen_snapshots() {
    for lang in [Lang::Id, Lang::En] {
        let mut h = typing_venue(lang);
        h.keys("<c-l>");
        insta::assert_snapshot!(format!("locked_{}_80x24", lang.code()), h.screen(80, 24));
        // Small terminals never panic, and show nothing of the visit either.
        for (w, hgt) in [(40, 10), (20, 5), (1, 1)] {
            let s = h.screen(w, hgt);
            assert!(!s.contains("Karo") && !s.contains("setengah"), "{s}");
        }
        h.keys("salah<enter>abc");
        insta::assert_snapshot!(
            format!("locked_wrong_{}_80x24", lang.code()),
            h.screen(80, 24)
        );
    }
}

fn first_start(view: &FirstStartView, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| pantau::ui::first_start::draw(f, view))
        .unwrap();
    common::buffer_text(term.backend().buffer())
}

#[test]
fn first_start_snapshots() {
    for lang in [Lang::Id, Lang::En] {
        let view = |step, typed, message| FirstStartView {
            lang,
            db: "/data/pantau/db",
            step,
            typed,
            message,
            working: false,
        };
        let code = lang.code();
        insta::assert_snapshot!(
            format!("first_start_{code}_80x24"),
            first_start(&view(Step::Choose { encrypt: true }, 0, None), 80, 24)
        );
        let no = first_start(&view(Step::Choose { encrypt: false }, 0, None), 80, 24);
        assert!(
            no.contains("▶ Tidak sekarang") || no.contains("▶ Not now"),
            "{no}"
        );
        let mismatch = pantau::i18n::t(lang, "first_start.mismatch");
        insta::assert_snapshot!(
            format!("first_start_passphrase_{code}_80x24"),
            first_start(
                &view(Step::Passphrase { again: false }, 5, Some(mismatch)),
                80,
                24
            )
        );
        insta::assert_snapshot!(
            format!("first_start_again_{code}_80x24"),
            first_start(&view(Step::Passphrase { again: true }, 9, None), 80, 24)
        );
        // Small terminals never panic.
        for (w, hgt) in [(40, 10), (20, 5), (1, 1)] {
            first_start(&view(Step::Choose { encrypt: true }, 0, None), w, hgt);
        }
    }
}
