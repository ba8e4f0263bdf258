//! The store on real temp dirs: persistence across reopen, the audit log, soft delete, the
//! schema check, the "in use" error, damaged files, and durability when the process dies.

use crate::common;

use std::path::Path;

use chrono::DateTime;
use common::{at, garbage, snapshot, stamp};
use pantau::demo::karo_visit;
use pantau::domain::{
    Answer, AnswerValue, Attendee, AuditAction, AuditEvent, FieldChange, Note, Side, Visit,
    VisitStatus, YesPartialNo,
};
use pantau::i18n::Lang;
use pantau::store::{CURRENT_SCHEMA, Store, StoreError, content};
use serde_json::{Value, json};
use uuid::Uuid;

fn open(dir: &Path) -> Store {
    Store::open(dir).unwrap_or_else(|e| panic!("open {}: {e}", dir.display()))
}

/// Commits `edit` of the stored visit as one update, reopens the database, and returns the
/// visit read back and the event the update logged.
fn edit_and_reopen(
    dir: &Path,
    id: Uuid,
    minute: u32,
    edit: impl FnOnce(&mut Visit),
) -> (Visit, AuditEvent) {
    let before = {
        let store = open(dir);
        let mut v = store.get(id).unwrap().expect("visit is stored");
        let before = v.clone();
        edit(&mut v);
        let committed = store
            .update(&v, &stamp(minute, "auditor"), AuditAction::Edit, "")
            .unwrap()
            .expect("the edit changes something");
        assert_eq!(committed.revision, before.revision + 1);
        assert_eq!(committed.updated, at(minute));
        assert_eq!(content(&committed), content(&v));
        before
    };
    let store = open(dir);
    let after = store.get(id).unwrap().expect("visit survives reopen");
    assert_eq!(after.revision, before.revision + 1);
    assert_eq!(after.updated, at(minute));
    let events = store.audit(id).unwrap();
    let last = events.last().unwrap().clone();
    assert_eq!(last.revision, after.revision);
    assert_eq!(last.at, at(minute));
    assert_eq!(last.actor, "auditor");
    assert_eq!(last.action, AuditAction::Edit);
    (after, last)
}

fn paths(e: &AuditEvent) -> Vec<&str> {
    e.changes.iter().map(|c| c.path.as_str()).collect()
}

fn change<'a>(e: &'a AuditEvent, path: &str) -> &'a FieldChange {
    e.changes
        .iter()
        .find(|c| c.path == path)
        .unwrap_or_else(|| panic!("no change at {path} in {:?}", paths(e)))
}

#[test]
fn every_kind_of_change_persists_across_reopen_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let karo = karo_visit();
    let id = karo.id;
    {
        let store = open(dir.path());
        let created = store.create(&karo, &stamp(0, "creator")).unwrap();
        assert_eq!(created.revision, 1);
        assert_eq!(created.updated, at(0));
    }

    // Create: the whole content in one event.
    {
        let store = open(dir.path());
        let v = store.get(id).unwrap().unwrap();
        assert_eq!(content(&v), content(&karo));
        assert_eq!(v.revision, 1);
        let events = store.audit(id).unwrap();
        assert_eq!(events.len(), 1);
        let e = &events[0];
        assert_eq!(
            (e.action, e.revision, e.actor.as_str(), e.at, e.visit),
            (AuditAction::Create, 1, "creator", at(0), id)
        );
        assert_eq!(e.changes.len(), 1);
        assert_eq!(e.changes[0].path, "");
        assert_eq!(e.changes[0].old, None);
        assert_eq!(e.changes[0].new, Some(content(&karo)));
        let summaries = store.summaries().unwrap();
        assert_eq!(summaries.len(), 1);
        assert_eq!(summaries[0].attendees, 5);
    }

    // Scalar fields.
    let new_start = DateTime::parse_from_rfc3339("2022-03-17T15:30:00+07:00").unwrap();
    let (v, e) = edit_and_reopen(dir.path(), id, 1, |v| {
        v.venue = "Ruang Rapat Bupati".into();
        v.status = VisitStatus::Final;
        v.start = Some(new_start);
        v.district.name = "Kab. Karo".into();
    });
    assert_eq!(v.venue, "Ruang Rapat Bupati");
    assert_eq!(v.status, VisitStatus::Final);
    assert_eq!(v.start, Some(new_start));
    assert_eq!(paths(&e), ["district/name", "start", "status", "venue"]);
    let venue = change(&e, "venue");
    assert_eq!(venue.old, Some(json!(karo.venue)));
    assert_eq!(venue.new, Some(json!("Ruang Rapat Bupati")));
    assert_eq!(change(&e, "status").old, Some(json!("draft")));
    assert_eq!(change(&e, "status").new, Some(json!("final")));
    assert_eq!(
        change(&e, "start").new,
        Some(json!("2022-03-17T15:30:00+07:00"))
    );
    // The list summary follows the visit.
    {
        let store = open(dir.path());
        let s = &store.summaries().unwrap()[0];
        assert_eq!(
            (s.venue.as_str(), s.status, s.revision),
            (v.venue.as_str(), VisitStatus::Final, 2)
        );
    }

    // Add an attendee.
    let mut guest = Attendee::new(Uuid::now_v7(), "Sri Wahyuni");
    guest.side = Side::Forkopimda;
    guest.post = "Kapolres Tanah Karo".into();
    let g = guest.clone();
    let (v, e) = edit_and_reopen(dir.path(), id, 2, move |v| v.attendees.push(g));
    assert_eq!(v.attendees.len(), 6);
    assert_eq!(v.attendees[5], guest);
    let path = format!("attendees/{}", guest.id);
    assert_eq!(paths(&e), [path.as_str()]);
    assert_eq!(change(&e, &path).old, None);
    assert_eq!(
        change(&e, &path).new,
        Some(serde_json::to_value(&guest).unwrap())
    );

    // Edit one field of an existing attendee.
    let bupati = karo.attendees[0].id;
    let (v, e) = edit_and_reopen(dir.path(), id, 3, |v| {
        v.attendees[0].suffix_titles = "S.H.".into();
    });
    assert_eq!(v.attendee(bupati).unwrap().suffix_titles, "S.H.");
    let path = format!("attendees/{bupati}/suffix_titles");
    assert_eq!(paths(&e), [path.as_str()]);
    assert_eq!(change(&e, &path).old, Some(json!("")));
    assert_eq!(change(&e, &path).new, Some(json!("S.H.")));

    // Reorder strategies.
    let (v, e) = edit_and_reopen(dir.path(), id, 4, |v| v.strategies.reverse());
    let order: Vec<Uuid> = v.strategies.iter().map(|s| s.id).collect();
    let mut expected: Vec<Uuid> = karo.strategies.iter().map(|s| s.id).collect();
    expected.reverse();
    assert_eq!(order, expected);
    assert_eq!(paths(&e), ["strategies/#order"]);
    assert_eq!(
        change(&e, "strategies/#order").new,
        Some(json!(
            expected.iter().map(Uuid::to_string).collect::<Vec<_>>()
        ))
    );

    // Remove a handover.
    let certificate = karo.handovers[2].clone();
    let (v, e) = edit_and_reopen(dir.path(), id, 5, |v| {
        v.handovers.retain(|h| h.id != certificate.id);
    });
    assert_eq!(v.handovers.len(), 2);
    let path = format!("handovers/{}", certificate.id);
    assert_eq!(paths(&e), [path.as_str()]);
    assert_eq!(
        change(&e, &path).old,
        Some(serde_json::to_value(&certificate).unwrap())
    );
    assert_eq!(change(&e, &path).new, None);

    // A note and an answer.
    let note = Note {
        id: Uuid::now_v7(),
        at: DateTime::parse_from_rfc3339("2022-03-17T15:10:00+07:00").unwrap(),
        section: None,
        text: "Rapat ditutup.".into(),
    };
    let n = note.clone();
    let (v, e) = edit_and_reopen(dir.path(), id, 6, move |v| {
        v.notes.push(n);
        v.answers.insert(
            "perda_ada".into(),
            Answer::new(AnswerValue::YesPartialNo(YesPartialNo::Partial)),
        );
    });
    assert_eq!(v.notes.last(), Some(&note));
    assert_eq!(
        v.answers["perda_ada"].value,
        AnswerValue::YesPartialNo(YesPartialNo::Partial)
    );
    assert_eq!(
        paths(&e),
        ["answers/perda_ada", format!("notes/{}", note.id).as_str()]
    );

    // The whole history: revisions 1..n in order, and it replays to the stored visit.
    let store = open(dir.path());
    let events = store.audit(id).unwrap();
    let revisions: Vec<u64> = events.iter().map(|e| e.revision).collect();
    assert_eq!(revisions, (1..=7).collect::<Vec<_>>());
    assert_eq!(store.get(id).unwrap().unwrap().revision, 7);
    let mut replay = Value::Null;
    for e in &events {
        pantau::domain::apply_changes(&mut replay, &e.changes).unwrap();
    }
    assert_eq!(replay, content(&v));
    let report = store.check();
    assert!(report.is_clean(), "{:?}", report.problems);
    assert_eq!((report.visits, report.trashed, report.events), (1, 0, 7));
}

#[test]
fn an_update_without_change_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let v = store.create(&karo_visit(), &stamp(0, "a")).unwrap();
    // Only the bookkeeping the store sets itself differs: not a change.
    let mut same = v.clone();
    same.updated = at(30);
    assert_eq!(
        store
            .update(&same, &stamp(9, "b"), AuditAction::Edit, "")
            .unwrap(),
        None
    );
    assert_eq!(store.get(v.id).unwrap().unwrap(), v);
    assert_eq!(store.audit(v.id).unwrap().len(), 1);
    drop(store);
    // The sequence number it used up must not make the next open think something is missing.
    let store = open(dir.path());
    assert_eq!(store.get(v.id).unwrap().unwrap(), v);
    assert!(store.check().is_clean());
}

#[test]
fn every_edit_is_diffed_against_what_is_stored_even_after_other_writes() {
    // `update` encodes from the revision it wrote last; a restore (or an import, or a
    // conflict settled) writes the visit another way in between.
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut v = store.create(&karo_visit(), &stamp(0, "a")).unwrap();
    v.venue = "Aula A".into();
    v = store
        .update(&v, &stamp(1, "a"), AuditAction::Edit, "")
        .unwrap()
        .unwrap();
    store.delete(v.id, &stamp(2, "a")).unwrap();
    let restored = store.restore(v.id, &stamp(3, "a")).unwrap();
    let mut edit = restored.clone();
    edit.purpose = "Monitoring Inpres 2/2021".into();
    edit.notes.clear();
    let saved = store
        .update(&edit, &stamp(4, "a"), AuditAction::Edit, "")
        .unwrap()
        .unwrap();
    let last = store.audit(v.id).unwrap().pop().unwrap();
    let paths: Vec<&str> = last.changes.iter().map(|c| c.path.as_str()).collect();
    assert!(paths.contains(&"purpose"), "{paths:?}");
    assert!(
        paths
            .iter()
            .all(|p| *p == "purpose" || p.starts_with("notes/"))
    );
    assert_eq!(saved.revision, restored.revision + 1);
    assert_eq!(store.get(v.id).unwrap().unwrap(), saved);
    // The same edit again changes nothing and writes nothing.
    assert_eq!(
        store
            .update(&saved, &stamp(5, "a"), AuditAction::Edit, "")
            .unwrap(),
        None
    );
    assert!(store.check().is_clean());
}

#[test]
fn an_edit_based_on_a_stale_revision_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let v = store.create(&karo_visit(), &stamp(0, "a")).unwrap();
    let mut first = v.clone();
    first.venue = "Aula A".into();
    let mut second = v.clone();
    second.venue = "Aula B".into();
    store
        .update(&first, &stamp(1, "a"), AuditAction::Edit, "")
        .unwrap()
        .unwrap();
    match store.update(&second, &stamp(2, "b"), AuditAction::Edit, "") {
        Err(StoreError::Stale {
            id,
            stored: 2,
            based_on: 1,
        }) if id == v.id => {}
        other => panic!("expected Stale, got {other:?}"),
    }
    drop(store);
    let store = open(dir.path());
    assert_eq!(store.get(v.id).unwrap().unwrap().venue, "Aula A");
    assert_eq!(store.audit(v.id).unwrap().len(), 2);
    assert!(store.check().is_clean());
    // A visit that is not stored cannot be updated either.
    let stranger = Visit::new(Uuid::now_v7(), v.district.clone(), at(0));
    assert!(matches!(
        store.update(&stranger, &stamp(3, "a"), AuditAction::Edit, ""),
        Err(StoreError::NotFound(_))
    ));
}

#[test]
fn soft_delete_then_restore_gives_back_the_same_visit() {
    let dir = tempfile::tempdir().unwrap();
    let karo = karo_visit();
    let before = {
        let store = open(dir.path());
        store.create(&karo, &stamp(0, "a")).unwrap();
        store.delete(karo.id, &stamp(10, "deleter")).unwrap();
        karo.clone()
    };
    {
        let store = open(dir.path());
        assert_eq!(store.get(karo.id).unwrap(), None);
        assert!(store.summaries().unwrap().is_empty());
        assert!(store.visits().unwrap().is_empty());
        assert!(store.contains(karo.id).unwrap());
        assert!(matches!(
            store.resolve(&karo.id.to_string()[..8]),
            Err(StoreError::NotFound(_))
        ));
        let trash = store.trash().unwrap();
        assert_eq!(trash.len(), 1);
        assert_eq!(trash[0].deleted_at, at(10));
        assert_eq!(trash[0].deleted_by, "deleter");
        assert_eq!(content(&trash[0].visit), content(&before));
        // It cannot be created again, deleted again, or updated while in the trash.
        assert!(matches!(
            store.create(&karo, &stamp(11, "a")),
            Err(StoreError::AlreadyExists(id)) if id == karo.id
        ));
        assert!(matches!(
            store.delete(karo.id, &stamp(11, "a")),
            Err(StoreError::NotFound(_))
        ));
        let mut edited = trash[0].visit.clone();
        edited.venue = "x".into();
        assert!(matches!(
            store.update(&edited, &stamp(11, "a"), AuditAction::Edit, ""),
            Err(StoreError::NotFound(_))
        ));
        let r = store.check();
        assert!(r.is_clean(), "{:?}", r.problems);
        assert_eq!((r.visits, r.trashed, r.events), (0, 1, 2));
    }
    {
        let store = open(dir.path());
        let restored = store.restore(karo.id, &stamp(20, "restorer")).unwrap();
        assert_eq!(content(&restored), content(&before));
        assert_eq!(restored.revision, 3);
        assert!(matches!(
            store.restore(karo.id, &stamp(21, "a")),
            Err(StoreError::NotFound(_))
        ));
    }
    let store = open(dir.path());
    let v = store.get(karo.id).unwrap().expect("restored visit is live");
    assert_eq!(content(&v), content(&before));
    assert_eq!((v.revision, v.updated), (3, at(20)));
    assert!(store.trash().unwrap().is_empty());
    assert_eq!(store.summaries().unwrap().len(), 1);
    let events = store.audit(karo.id).unwrap();
    let log: Vec<_> = events
        .iter()
        .map(|e| (e.action, e.revision, e.actor.as_str(), e.at))
        .collect();
    assert_eq!(
        log,
        [
            (AuditAction::Create, 1, "a", at(0)),
            (AuditAction::Delete, 2, "deleter", at(10)),
            (AuditAction::Restore, 3, "restorer", at(20)),
        ]
    );
    let r = store.check();
    assert!(r.is_clean(), "{:?}", r.problems);
    assert_eq!((r.visits, r.trashed, r.events), (1, 0, 3));
}

#[test]
fn a_second_open_of_the_same_path_is_refused_as_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let first = open(dir.path());
    // Twice: while the database is empty, and when it holds a visit.
    for round in 0..2 {
        match Store::open(dir.path()) {
            Err(e @ StoreError::InUse { .. }) => {
                let shown = dir.path().display().to_string();
                assert!(e.is_fatal());
                for lang in [Lang::Id, Lang::En] {
                    let msg = e.message(lang);
                    assert!(msg.contains(&shown), "round {round}: {msg}");
                }
                assert!(e.message(Lang::En).contains("in use"));
                assert!(e.message(Lang::Id).contains("sedang dipakai"));
            }
            Err(e) => panic!("round {round}: expected InUse, got {e:?}"),
            Ok(_) => panic!("round {round}: a second open succeeded"),
        }
        if round == 0 {
            first.create(&karo_visit(), &stamp(0, "a")).unwrap();
        }
    }
    drop(first);
    let again = open(dir.path());
    assert_eq!(again.visits().unwrap().len(), 1);
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(dir.path());
        store.create(&karo_visit(), &stamp(0, "a")).unwrap();
    }
    {
        // What a later Pantau would leave behind; the key layout is the store's on-disk contract.
        let db = sled::open(dir.path()).unwrap();
        let meta = db.open_tree("meta").unwrap();
        assert_eq!(
            meta.get("schema_version").unwrap().as_deref(),
            Some(&CURRENT_SCHEMA.to_be_bytes()[..])
        );
        meta.insert("schema_version", &(CURRENT_SCHEMA + 1).to_be_bytes())
            .unwrap();
        db.flush().unwrap();
    }
    match Store::open(dir.path()) {
        Err(e @ StoreError::TooNew { .. }) => {
            assert!(e.is_fatal());
            let msg = e.message(Lang::En);
            assert!(msg.contains(&(CURRENT_SCHEMA + 1).to_string()), "{msg}");
            assert!(msg.contains(&dir.path().display().to_string()), "{msg}");
        }
        Err(e) => panic!("expected TooNew, got {e:?}"),
        Ok(_) => panic!("a newer schema was accepted"),
    }
}

/// A database with the demo visit and a few edits, closed.
fn populated() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut v = store.create(&karo_visit(), &stamp(0, "a")).unwrap();
    for i in 1..4 {
        v.venue = format!("Aula {i}");
        v = store
            .update(&v, &stamp(i, "a"), AuditAction::Edit, "")
            .unwrap()
            .unwrap();
    }
    dir
}

fn overwrite(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
}

fn truncate(path: &Path, keep: impl Fn(usize) -> usize) {
    let bytes = std::fs::read(path).unwrap();
    overwrite(path, &bytes[..keep(bytes.len())]);
}

#[test]
fn a_damaged_database_is_refused_and_its_files_are_left_untouched() {
    type Damage = fn(&Path);
    let cases: [(&str, Damage); 8] = [
        ("garbage db", |p| overwrite(&p.join("db"), &garbage(8192))),
        ("garbage conf", |p| overwrite(&p.join("conf"), &garbage(64))),
        ("garbage db and conf", |p| {
            overwrite(&p.join("db"), &garbage(8192));
            overwrite(&p.join("conf"), &garbage(64));
        }),
        ("db truncated to half", |p| {
            truncate(&p.join("db"), |n| n / 2);
        }),
        ("db truncated to 100 bytes", |p| {
            truncate(&p.join("db"), |_| 100);
        }),
        ("db emptied", |p| truncate(&p.join("db"), |_| 0)),
        ("garbage in the middle of db", |p| {
            let mut bytes = std::fs::read(p.join("db")).unwrap();
            let mid = bytes.len() / 3;
            bytes[mid..mid + 512].copy_from_slice(&garbage(512));
            overwrite(&p.join("db"), &bytes);
        }),
        ("db deleted", |p| {
            std::fs::remove_file(p.join("db")).unwrap();
        }),
    ];
    for (name, damage) in cases {
        let dir = populated();
        damage(dir.path());
        let before = snapshot(dir.path());
        for attempt in 0..2 {
            match Store::open(dir.path()) {
                Err(e @ StoreError::Damaged { .. }) => {
                    assert!(e.is_fatal());
                    let msg = e.message(Lang::En);
                    assert!(
                        msg.contains(&dir.path().display().to_string()) && msg.contains("damaged"),
                        "{name}: {msg}"
                    );
                }
                Err(e) => panic!("{name}: expected Damaged, got {e:?}"),
                Ok(s) => panic!(
                    "{name}: opened with {} visits, {} problems",
                    s.visits().map(|v| v.len()).unwrap_or(0),
                    s.check().problems.len()
                ),
            }
            let after = snapshot(dir.path());
            let changed: Vec<_> = before
                .keys()
                .chain(after.keys())
                .filter(|k| before.get(*k) != after.get(*k))
                .collect();
            assert!(
                changed.is_empty(),
                "{name}, attempt {attempt}: the failed open changed {changed:?}"
            );
        }
    }
}

#[test]
fn a_missing_conf_file_is_not_damage() {
    // sled rewrites its `conf` from defaults; the data is all there.
    let dir = populated();
    std::fs::remove_file(dir.path().join("conf")).unwrap();
    let store = open(dir.path());
    assert_eq!(store.visits().unwrap()[0].venue, "Aula 3");
    assert!(store.check().is_clean());
}

#[test]
fn many_reopens_of_a_sound_database_never_report_damage() {
    let dir = tempfile::tempdir().unwrap();
    let id = open(dir.path())
        .create(&karo_visit(), &stamp(0, "a"))
        .unwrap()
        .id;
    for i in 1..20 {
        let store = open(dir.path());
        let mut v = store.get(id).unwrap().unwrap();
        v.purpose = format!("purpose {i}");
        store
            .update(&v, &stamp(i, "a"), AuditAction::Edit, "")
            .unwrap()
            .unwrap();
    }
    let store = open(dir.path());
    assert_eq!(store.audit(id).unwrap().len(), 20);
    assert!(store.check().is_clean());
}

#[test]
fn a_dropped_store_keeps_what_it_committed() {
    let dir = tempfile::tempdir().unwrap();
    let v = {
        let store = open(dir.path());
        store.create(&karo_visit(), &stamp(0, "a")).unwrap()
    };
    assert_eq!(open(dir.path()).get(v.id).unwrap(), Some(v));
}

const CHILD_DB: &str = "PANTAU_TEST_ABORT_DB";

/// Not a test on its own: the child process of `a_killed_process_loses_nothing_committed`.
/// It commits through the store and then dies at once, without unwinding or dropping anything —
/// as under `kill -9` or a power cut after the call returned.
#[test]
fn abort_child_commits_then_dies() {
    let Some(dir) = std::env::var_os(CHILD_DB) else {
        return;
    };
    let store = Store::open(Path::new(&dir)).unwrap();
    let mut v = store.create(&karo_visit(), &stamp(0, "child")).unwrap();
    v.venue = "Committed before the crash".into();
    store
        .update(&v, &stamp(1, "child"), AuditAction::Edit, "")
        .unwrap()
        .unwrap();
    std::process::abort();
}

#[test]
fn a_killed_process_loses_nothing_committed() {
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "store::abort_child_commits_then_dies",
            "--nocapture",
        ])
        .env(CHILD_DB, dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success(), "the child was meant to abort");
    let store = open(dir.path());
    let v = store
        .get(karo_visit().id)
        .unwrap()
        .expect("the committed visit survived the crash");
    assert_eq!(v.venue, "Committed before the crash");
    assert_eq!(v.revision, 2);
    assert!(store.check().is_clean());
}

#[test]
fn what_the_binary_committed_is_there_for_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pantau"))
        .arg("--db")
        .arg(dir.path())
        .arg("demo")
        .env("PANTAU_CONFIG", dir.path().join("no-config.toml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let store = open(dir.path());
    let v = store
        .get(karo_visit().id)
        .unwrap()
        .expect("demo visit stored");
    assert_eq!(content(&v), content(&karo_visit()));
    assert_eq!(store.audit(v.id).unwrap().len(), 1);
    assert!(store.check().is_clean());
}
