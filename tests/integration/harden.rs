//! Hardening (issue 6), without a terminal: the open fast path, failed writes in the
//! interview, every screen at every size, random keys, and hostile text.

use crate::common;

use std::path::Path;

use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::{Harness, buffer_text, fixed_stamp, parse_keys};
use pantau::domain::AuditAction;
use pantau::i18n::Lang;
use pantau::store::{Store, StoreError};

// ---------------------------------------------------------------------------------------------
// Opening: the copy check is skipped only for files exactly as Pantau closed them.

/// Opens a database this process closed a moment ago. sled's background thread releases the
/// file lock shortly after the last handle is dropped, so an immediate reopen can still find it
/// held; retry that (bounded) rather than fail.
fn open_again(path: &Path) -> Store {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match Store::open(path) {
            Ok(s) => return s,
            Err(pantau::store::StoreError::InUse { .. })
                if std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => panic!("reopen failed: {e:?}"),
        }
    }
}

/// Opens and closes until the clean-close fingerprint was kept: it is not kept when the close
/// fell in the same file-system clock tick as sled's last write (see store::fingerprint), which
/// a test that reopens at once can hit. Bounded.
fn open_fast(path: &Path) -> Store {
    for _ in 0..200 {
        let s = open_again(path);
        if s.opened_fast() {
            return s;
        }
    }
    panic!("an untouched database never opened on the fast path");
}

#[test]
fn an_untouched_database_opens_fast_and_a_touched_one_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    {
        let s = open_again(&db);
        assert!(!s.opened_fast(), "a new database has nothing to trust");
        s.create(&pantau::demo::karo_visit(), &fixed_stamp())
            .unwrap();
    }
    let s = open_fast(&db);
    assert_eq!(s.visits().unwrap().len(), 1);
    drop(s);
    let s = open_fast(&db);
    drop(s);

    // Same bytes, another modification time: something touched the files; check them.
    let f = std::fs::File::options()
        .write(true)
        .open(db.join("db"))
        .unwrap();
    f.set_modified(std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1))
        .unwrap();
    drop(f);
    let s = open_again(&db);
    assert!(!s.opened_fast(), "a modified file must take the copy check");
    assert!(s.check().is_clean());
    drop(s);

    // While open (and so after a kill) there is no fingerprint to trust.
    let s = open_fast(&db);
    assert!(!db.join("pantau-clean-close").exists());
    drop(s);
    assert!(db.join("pantau-clean-close").exists() || !open_again(&db).opened_fast());
}

#[test]
fn changed_files_right_after_a_clean_close_are_never_trusted() {
    // Damage that keeps the file size, done immediately after the close.
    for round in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        drop(open_fast(&{
            let s = open_again(&db);
            s.create(&pantau::demo::karo_visit(), &fixed_stamp())
                .unwrap();
            drop(s);
            db.clone()
        }));
        let mut bytes = std::fs::read(db.join("db")).unwrap();
        let n = bytes.len();
        bytes[n / 3..n / 3 + 256].copy_from_slice(&common::garbage(256));
        std::fs::write(db.join("db"), &bytes).unwrap();
        let before = common::snapshot(&db);
        match Store::open(&db) {
            Err(e) => {
                assert!(e.is_fatal(), "round {round}: {e:?}");
                assert_eq!(
                    before,
                    common::snapshot(&db),
                    "round {round}: files changed"
                );
            }
            // The bytes may fall where sled keeps nothing live: then the copy check (never
            // the fast path) found all the data there.
            Ok(s) => {
                assert!(!s.opened_fast(), "round {round}: changed files trusted");
                assert_eq!(s.visits().unwrap().len(), 1, "round {round}");
                assert!(s.check().is_clean(), "round {round}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A full disk: the write fails, the edit stays, `s` retries.

/// An error is kept in both languages and read in the one the screen is drawn in: one said
/// before the language changes does not stay in the old one.
#[test]
fn an_error_on_screen_reads_in_the_language_it_is_drawn_in() {
    let mut h = Harness::with_demo(Lang::En);
    h.keys("e");
    h.store().inject_write_failure(true);
    h.keys("1<down><down><enter><c-u>Aula Baru<enter>");
    assert!(h.screen(120, 30).contains("✗ Disk full: not saved"));
    h.app.lang = Lang::Id;
    let screen = h.screen(120, 30);
    assert!(screen.contains("✗ Disk penuh: belum tersimpan"), "{screen}");
    assert!(!screen.contains("Disk full"), "{screen}");
}

#[test]
fn a_failed_write_keeps_the_entry_on_screen_and_s_saves_it_later() {
    let mut h = Harness::with_demo(Lang::En);
    let id = pantau::demo::karo_visit().id;
    h.keys("e");
    assert!(h.app.interview.is_some(), "{}", h.screen(100, 30));
    h.store().inject_write_failure(true);
    // The venue is the third question of the identity section.
    h.keys("1<down><down><enter>");
    h.keys("<c-u>Aula Baru<enter>");
    let screen = h.screen(120, 30);
    assert!(screen.contains("Disk full: not saved"), "{screen}");
    // What to do fits an 80-column terminal whole; the database path makes way for it.
    let narrow = h.screen(80, 24);
    assert!(
        narrow
            .contains("✗ Disk full: not saved, still on screen. Free disk space, then try again."),
        "{narrow}"
    );
    assert!(screen.contains("NOT SAVED (s to retry)"), "{screen}");
    let iv = h.app.interview.as_ref().unwrap();
    assert!(iv.unsaved);
    assert!(iv.visit.venue.contains("Aula Baru"), "{}", iv.visit.venue);
    let stored = h.store().get(id).unwrap().unwrap();
    assert!(!stored.venue.contains("Aula Baru"));

    // Still failing: retrying reports again and loses nothing.
    h.keys("<esc>s");
    assert!(h.app.interview.as_ref().unwrap().unsaved);
    assert!(h.screen(120, 30).contains("NOT SAVED"));

    // Space is back.
    h.store().inject_write_failure(false);
    h.keys("s");
    let screen = h.screen(120, 30);
    assert!(!screen.contains("NOT SAVED"), "{screen}");
    assert!(screen.contains("saved"), "{screen}");
    assert!(!h.app.interview.as_ref().unwrap().unsaved);
    let stored = h.store().get(id).unwrap().unwrap();
    assert!(stored.venue.contains("Aula Baru"), "{}", stored.venue);
    assert!(h.store().check().is_clean());
}

#[test]
fn a_write_that_fails_in_sled_reopens_the_store_and_the_next_one_saves() {
    // The failed flush runs the store's recovery (reopen) from inside `update`; run it on
    // another thread so that a deadlock there fails the test instead of hanging it.
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("db")).unwrap();
    let mut v = s
        .create(&pantau::demo::karo_visit(), &fixed_stamp())
        .unwrap();
    // A first edit fills the store's cache of the last revision, which the failing one uses.
    v.venue = "Aula A".into();
    v = s
        .update(&v, &fixed_stamp(), AuditAction::Edit, "")
        .unwrap()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let worker = s.clone();
    let mut edit = v.clone();
    edit.venue = "Aula B".into();
    std::thread::spawn(move || {
        worker.inject_flush_failure();
        let failed = worker.update(&edit, &fixed_stamp(), AuditAction::Edit, "");
        let _ = tx.send(failed.map(|_| ()));
    });
    let failed = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the failed write returned (no deadlock in the reopen)");
    assert!(matches!(failed, Err(StoreError::DiskFull)), "{failed:?}");
    // The store works on. The very edit, retried, counts as saved: here the injected failure
    // left sled's write intact, so it reached the disk when the reopen closed the files (as a
    // passing error can), and the retry finds it stored.
    let mut edit = v.clone();
    edit.venue = "Aula B".into();
    let retried = s
        .update(&edit, &fixed_stamp(), AuditAction::Edit, "")
        .unwrap()
        .unwrap();
    assert_eq!(retried.venue, "Aula B");
    assert_eq!(s.get(v.id).unwrap().unwrap(), retried);
    let mut again = retried.clone();
    again.venue = "Aula C".into();
    let saved = s
        .update(&again, &fixed_stamp(), AuditAction::Edit, "")
        .unwrap()
        .unwrap();
    assert_eq!(saved.venue, "Aula C");
    assert!(s.check().is_clean(), "{:?}", s.check().problems);
}

#[test]
fn a_failed_write_is_reported_by_the_store_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("db")).unwrap();
    let v = s
        .create(&pantau::demo::karo_visit(), &fixed_stamp())
        .unwrap();
    s.inject_write_failure(true);
    let mut edited = v.clone();
    edited.venue = "X".into();
    let e = s
        .update(&edited, &fixed_stamp(), AuditAction::Edit, "")
        .unwrap_err();
    assert_eq!(
        e.message(Lang::En),
        "Disk full: not saved, still on screen. Free disk space, then try again."
    );
    assert!(e.message(Lang::Id).starts_with("Disk penuh"), "{e}");
    assert_eq!(s.get(v.id).unwrap().unwrap(), v);
    s.inject_write_failure(false);
    s.update(&edited, &fixed_stamp(), AuditAction::Edit, "")
        .unwrap()
        .unwrap();
    assert_eq!(s.get(v.id).unwrap().unwrap().venue, "X");
}

// ---------------------------------------------------------------------------------------------
// Every screen at every size, and resize storms.

const SIZES: &[(u16, u16)] = &[
    (1, 1),
    (2, 1),
    (1, 2),
    (3, 3),
    (10, 3),
    (20, 5),
    (30, 8),
    (40, 12),
    (59, 17),
    (80, 24),
    (81, 25),
    (120, 40),
    (200, 60),
    (300, 100),
];

/// Key sequences that reach each screen and popup from the list of a database with the demo.
const SCREENS: &[&str] = &[
    "",
    "?",
    "/karo",
    "t",
    "h",
    "<enter>",
    "<enter>a",
    "e",
    "e<enter>",
    "e2",
    "e2a",
    "e2<enter>",
    "e3",
    "e4",
    "e5",
    "e6",
    "e7",
    "e8",
    "e9",
    "e0",
    "e<c-n>catatan",
    "eg",
    "egjumlah",
    "ec",
    "eF",
    "e1<down><down><down><enter>",
    "e1<down><down><down><down><enter>",
];

fn demo_with_hostile_text() -> pantau::domain::Visit {
    let mut v = pantau::demo::karo_visit();
    v.venue = hostile("venue");
    v.purpose = format!("{}\n{}", hostile("purpose"), "panjang ".repeat(2000));
    v.attendees[0].name = hostile("name");
    v.attendees[0].post = "=HYPERLINK(\"http://evil\")".into();
    v.attendees[1].organisation = "<script>alert('x')</script>".into();
    v
}

/// Emoji, right-to-left, combining marks, zero-width, controls and ANSI/OSC sequences.
fn hostile(tag: &str) -> String {
    format!(
        "{tag} 👩🏽‍🌾🇮🇩 مرحبا שלום e\u{301}\u{302}\u{303} a\u{200b}b\u{202e}txet\u{202c} \
         \x1b[31mRED\x1b[0m \x1b]0;pwned\x07 \x1b[2J\x1b[H \u{9b}31m bell\x07 nul\0 cr\rlf\n tab\t \
         bs\x08 del\x7f end"
    )
}

fn assert_inert(buf: &ratatui::buffer::Buffer, what: &str) {
    for (i, cell) in buf.content.iter().enumerate() {
        let sym = cell.symbol();
        assert!(
            !sym.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{what}: cell {i} holds a control character {sym:?}"
        );
    }
}

#[test]
fn every_screen_draws_at_every_size_and_shows_text_inert() {
    for keys in SCREENS {
        let mut h = Harness::with_visits(Lang::En, &[demo_with_hostile_text()]);
        h.keys(keys);
        for &(w, hgt) in SIZES {
            let term = h.terminal(w, hgt);
            assert_inert(term.backend().buffer(), &format!("{keys:?} at {w}x{hgt}"));
        }
    }
}

#[test]
fn resize_storms_never_panic() {
    let mut h = Harness::with_visits(Lang::Id, &[demo_with_hostile_text()]);
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut x: u32 = 12345;
    let mut next = move |m: u32| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x % m
    };
    for keys in SCREENS {
        h.keys("<esc><esc><esc>");
        h.keys(keys);
        for _ in 0..25 {
            let (w, hgt) = (1 + next(300) as u16, 1 + next(100) as u16);
            term.backend_mut().resize(w, hgt);
            term.autoresize().unwrap();
            term.draw(|f| pantau::ui::draw(f, &h.app)).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Random keys.

fn key_spec() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => proptest::sample::select(vec![
            "<enter>", "<esc>", "<tab>", "<backtab>", "<up>", "<down>", "<left>", "<right>",
            "<bs>", "<del>", "<pgup>", "<pgdn>", "<home>", "<end>", "<c-n>", "<c-s>", "<c-z>",
            "<c-g>", "<c-u>", "<f1>",
        ])
        .prop_map(String::from),
        10 => proptest::sample::select(
            "abcdeghijklnprstuxyzACDFGJKL0123456789 /?.,-=+@é👩".chars().collect::<Vec<_>>()
        )
        .prop_map(String::from),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_keys_never_panic_and_never_corrupt_the_store(
        keys in proptest::collection::vec(key_spec(), 1..120)
    ) {
        let mut h = Harness::with_demo(Lang::Id);
        for k in &keys {
            // `q` on the list would quit the real app; here keys keep coming, as in a paste.
            h.keys(k);
        }
        for (w, hgt) in [(80, 24), (24, 6), (1, 1)] {
            let _ = h.screen(w, hgt);
        }
        let report = h.store().check();
        prop_assert!(report.is_clean(), "{:?} after {:?}", report.problems, keys.concat());
    }
}

// ---------------------------------------------------------------------------------------------
// Big and odd content.

#[test]
fn a_100_kb_note_and_10000_attendees_are_stored_shown_and_exported() {
    let mut v = pantau::demo::karo_visit();
    let proto = v.attendees[0].clone();
    v.attendees = (0..10_000)
        .map(|i| {
            let mut a = proto.clone();
            a.id = pantau::domain::new_id();
            a.name = format!("Peserta {i} 👩🏽‍🌾 \u{5e9}\u{5dc}\u{5d5}\u{5dd}");
            a
        })
        .collect();
    v.purpose = "x".repeat(100_000);
    let mut big_note = v.notes[0].clone();
    big_note.id = pantau::domain::new_id();
    big_note.text = "catatan ".repeat(12_800);
    v.notes.push(big_note);
    let mut h = Harness::with_visits(Lang::En, &[v.clone()]);
    let stored = h.store().get(v.id).unwrap().unwrap();
    assert_eq!(stored.attendees.len(), 10_000);
    assert_eq!(stored.purpose.len(), 100_000);
    assert!(stored.notes.iter().any(|n| n.text.len() == 102_400));
    h.keys("<enter>");
    let _ = h.screen(120, 40);
    h.keys("<esc>e2");
    let s = h.screen(120, 40);
    assert!(s.contains("Peserta 0 "), "{s}");
    assert!(s.contains("10000"), "{s}");
    // A 100 KB note stored, and a long quick note typed key by key.
    let note: String = "ketik ".repeat(500);
    h.keys("<c-n>");
    for k in parse_keys(&note) {
        let e = h.app.handle_key(k);
        pantau::tui::drain(&mut h.app, &mut h.runner, e);
    }
    h.keys("<enter>");
    let _ = h.screen(120, 40);
    let stored = h.store().get(v.id).unwrap().unwrap();
    assert!(
        stored.notes.iter().any(|n| n.text.len() >= 3_000),
        "the long note was not saved: {:?}",
        stored
            .notes
            .iter()
            .map(|n| n.text.len())
            .collect::<Vec<_>>()
    );
    assert!(h.store().check().is_clean());
}

#[test]
fn hostile_text_is_exported_safely() {
    let v = demo_with_hostile_text();
    let h = Harness::with_visits(Lang::En, std::slice::from_ref(&v));
    let history = h.store().audit(v.id).unwrap();
    let html = pantau::export::render_report(
        &v,
        &history,
        pantau::export::ReportFormat::Html,
        Lang::En,
        fixed_stamp().at,
    );
    assert!(!html.contains("<script>alert"), "raw script in the HTML");
    assert!(html.contains("&lt;script&gt;"), "script not escaped");
    let md = pantau::export::render_report(
        &v,
        &history,
        pantau::export::ReportFormat::Markdown,
        Lang::En,
        fixed_stamp().at,
    );
    assert!(md.contains("HYPERLINK"));

    let out = tempfile::tempdir().unwrap();
    let files = pantau::export::write_csv(std::slice::from_ref(&v), Lang::En, out.path()).unwrap();
    let mut seen_post = false;
    for f in files {
        let mut r = csv::Reader::from_path(&f).unwrap();
        for rec in r.records() {
            for cell in &rec.unwrap() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{}: formula cell {cell:?}",
                    f.display()
                );
                seen_post |= cell.contains("HYPERLINK");
            }
        }
    }
    assert!(seen_post, "the attendee's post was not exported");
}

#[test]
fn the_key_parser_of_the_harness_round_trips_control_keys() {
    // Guards the tests above: <c-n> really is Ctrl-N.
    let k = parse_keys("<c-n>");
    assert_eq!(k.len(), 1);
    assert!(
        k[0].modifiers
            .contains(crossterm::event::KeyModifiers::CONTROL)
    );
    let _ = buffer_text;
}
