//! A change the store refused (full disk, "Penyimpanan macet") lives only in the interview:
//! leaving it, or quitting, asks first instead of dropping it on one key (issue 13, point 12).

use crate::common;

use common::Harness;
use pantau::i18n::Lang;
use pantau::keymap::Context;

/// The demo visit's venue edited while every write fails, the editor closed again: the
/// interview holds a change the database does not.
fn with_refused_change() -> Harness {
    let mut h = Harness::with_demo(Lang::En);
    h.keys("e");
    h.store().inject_write_failure(true);
    // The venue is the third question of the identity section.
    h.keys("1<down><down><enter><c-u>Aula Baru<enter>");
    for _ in 0..3 {
        if h.app.context() == Context::Interview {
            break;
        }
        h.keys("<esc>");
    }
    assert_eq!(h.app.context(), Context::Interview, "{}", h.screen(120, 30));
    let iv = h.app.interview.as_ref().unwrap();
    assert!(iv.unsaved && iv.visit.venue.contains("Aula Baru"));
    h
}

#[test]
fn esc_asks_before_leaving_an_interview_whose_change_was_not_saved() {
    let mut h = with_refused_change();
    h.keys("<esc>");
    let screen = h.screen(80, 24);
    assert!(screen.contains("The last change is not"), "{screen}");
    assert!(h.app.interview.is_some());
    // No (n or Esc): still there, nothing lost; the retry then saves it.
    h.keys("n");
    assert_eq!(h.app.context(), Context::Interview);
    assert!(
        h.app
            .interview
            .as_ref()
            .unwrap()
            .visit
            .venue
            .contains("Aula Baru")
    );
    h.store().inject_write_failure(false);
    h.keys("s");
    assert!(!h.app.interview.as_ref().unwrap().unsaved);
    // Saved: Esc leaves at once, as always.
    h.keys("<esc>");
    assert!(h.app.interview.is_none(), "{}", h.screen(120, 30));
    let id = pantau::demo::karo_visit().id;
    assert!(
        h.store()
            .get(id)
            .unwrap()
            .unwrap()
            .venue
            .contains("Aula Baru")
    );
}

#[test]
fn yes_leaves_and_q_asks_before_quitting_but_ctrl_c_never_asks() {
    let mut h = with_refused_change();
    h.keys("q");
    assert!(!h.quit, "q quit over an unsaved change");
    let screen = h.screen(80, 24);
    assert!(screen.contains("Quit Pantau"), "{screen}");
    assert!(
        screen.contains("y yes") && screen.contains("n/Esc no"),
        "{screen}"
    );
    h.keys("<esc>");
    assert!(!h.quit && h.app.interview.is_some());
    h.keys("<esc>y");
    assert!(h.app.interview.is_none(), "{}", h.screen(120, 30));

    let mut h = with_refused_change();
    h.keys("<c-c>");
    assert!(h.quit, "force quit is the way out when nothing else works");
}
