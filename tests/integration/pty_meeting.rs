//! The real binary in a pseudo-terminal, during a meeting: text typed and not yet saved survives
//! `kill -9` (field, note, item form), and a paste is text, never keys.
#![cfg(unix)]

use std::time::Duration;

use crate::common;

use common::pty::Session;

fn fresh() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    (dir, db)
}

/// Types `text` a few characters at a time, as a person does, and waits until it is on screen.
fn type_slowly(s: &mut Session, text: &str) {
    let chars: Vec<char> = text.chars().collect();
    for chunk in chars.chunks(4) {
        s.send(&chunk.iter().collect::<String>());
        std::thread::sleep(Duration::from_millis(30));
    }
    s.wait_for(text);
}

/// Kills the process while `typed` is in an editor (the journal is at most about a second
/// behind, so wait a little longer), restarts it and returns the first screen.
fn kill_and_restart(s: &mut Session, db: &std::path::Path, typed: &str) -> Session {
    std::thread::sleep(Duration::from_millis(1500));
    s.kill9();
    let again = Session::start(db, 30, 100);
    again.wait_for("Teks yang belum tersimpan dipulihkan");
    again.wait_for(typed);
    again
}

#[test]
fn a_half_typed_field_comes_back_after_kill_9() {
    let (_dir, db) = fresh();
    let mut s = Session::start(&db, 30, 100);
    s.wait_for("Belum ada kunjungan");
    s.send("n");
    s.wait_for("Identitas kunjungan");
    s.send("\r");
    s.wait_for("› ");
    type_slowly(&mut s, "12.08 Kabupaten Simal");
    let mut again = kill_and_restart(&mut s, &db, "› 12.08 Kabupaten Simal");
    // Back in the interview, in the district's editor: typing goes on where it stopped.
    again.send("ungun");
    again.commit();
    again.send("\x03");
    again.wait_exit();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pantau"))
        .arg("--db")
        .arg(&db)
        .args(["list", "--json"])
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(list.contains("Kabupaten Simalungun"), "{list}");
}

#[test]
fn a_half_typed_note_comes_back_after_kill_9() {
    let (_dir, db) = fresh();
    let mut s = Session::start(&db, 30, 100);
    s.wait_for("Belum ada kunjungan");
    s.send("n");
    s.wait_for("Identitas kunjungan");
    s.send("3n");
    s.wait_for("Catatan rapat");
    type_slowly(&mut s, "Bupati menyampaikan Perbup sedang");
    let mut again = kill_and_restart(&mut s, &db, "Bupati menyampaikan Perbup sedang");
    let screen = again.screen();
    assert!(screen.contains("Catatan rapat"), "the note box: {screen}");
    again.send(" disusun");
    again.commit();
    again.send("\x03");
    again.wait_exit();
    let store = pantau::store::Store::open(&db).unwrap();
    let v = store.visits().unwrap().pop().unwrap();
    assert_eq!(v.notes.len(), 1);
    assert_eq!(v.notes[0].text, "Bupati menyampaikan Perbup sedang disusun");
    assert_eq!(v.notes[0].section.as_deref(), Some("regulasi_anggaran"));
}

#[test]
fn a_half_typed_attendee_form_comes_back_after_kill_9() {
    let (_dir, db) = fresh();
    let mut s = Session::start(&db, 30, 100);
    s.wait_for("Belum ada kunjungan");
    s.send("n");
    s.wait_for("Identitas kunjungan");
    s.send("2a");
    s.wait_for("Nama");
    type_slowly(&mut s, "Radiapoh Hasiholan");
    let mut again = kill_and_restart(&mut s, &db, "› Radiapoh Hasiholan");
    again.send(" Sinaga");
    again.commit();
    again.send("\x03");
    again.wait_exit();
    let store = pantau::store::Store::open(&db).unwrap();
    let v = store.visits().unwrap().pop().unwrap();
    assert_eq!(v.attendees.len(), 1);
    assert_eq!(v.attendees[0].name, "Radiapoh Hasiholan Sinaga");
}

/// Issue 13, point 6: the hostile paste goes into "Tempat" whole, as text.
#[test]
fn a_paste_goes_whole_into_the_field_as_text() {
    let (_dir, db) = fresh();
    let mut s = Session::start(&db, 30, 100);
    s.wait_for("Belum ada kunjungan");
    assert!(
        s.parser.lock().unwrap().screen().bracketed_paste(),
        "bracketed paste is on"
    );
    s.send("n");
    s.wait_for("Identitas kunjungan");
    s.send("\r");
    s.wait_for("› ");
    s.send("12.06 Kabupaten Karo");
    s.commit();
    s.send("\x1517/3/2022 14.00");
    s.commit();
    s.wait_for("Tempat");
    s.send("\x1b[200~PASTE1 \x1b]0;PWN\x07 after\nline2\tctrl\x01\x1b[201~");
    s.wait_for("PASTE1 ]0;PWN after line2 ctrl");
    s.commit();
    s.send("\x03");
    s.wait_exit();
    assert!(
        !s.parser.lock().unwrap().screen().bracketed_paste(),
        "bracketed paste is off again"
    );
    let store = pantau::store::Store::open(&db).unwrap();
    let v = store.visits().unwrap().pop().unwrap();
    assert_eq!(v.venue, "PASTE1 ]0;PWN after line2 ctrl");
    assert_eq!(v.purpose, "", "the paste did not move on to the next field");
    let audit = store.audit(v.id).unwrap();
    let touching: Vec<_> = audit
        .iter()
        .filter(|e| {
            e.changes
                .iter()
                .any(|c| c.path == "venue" || c.path == "purpose")
        })
        .collect();
    assert_eq!(touching.len(), 1, "one audit event: {touching:?}");
    assert_eq!(touching[0].changes.len(), 1);
}
