//! A real full disk (not an injected failure): sled 0.34 keeps the failed change in memory and
//! refuses every later write until the database is reopened; the store reopens itself, so once
//! space is back the very edit that failed saves, and nothing committed before is lost.
//!
//! Needs a small file system to fill, which a test cannot make by itself without privileges:
//! it runs when `PANTAU_TEST_SMALL_FS` names a folder on one (a few MB), e.g.
//!
//!     mount -t tmpfs -o size=4m tmpfs /mnt/tiny
//!     PANTAU_TEST_SMALL_FS=/mnt/tiny cargo test --test disk_full
//!
//! and otherwise says that it was skipped. (The injected failure in tests/harden.rs runs always.)

use crate::common::small_fs;

use pantau::domain::{AuditAction, Stamp};
use pantau::store::{Store, StoreError};

/// Both tests fill the one small file system: one at a time.
use crate::common::small_fs::ONE_AT_A_TIME;

#[test]
fn after_a_full_disk_the_failed_edit_saves_once_space_is_back() {
    let Some(root) = small_fs::root() else {
        return;
    };
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let root = root.as_path();
    let (dir, filler) = small_fs::scratch(root, "disk-full-edit");
    let stamp = Stamp::new(chrono::Utc::now(), "auditor");
    let store = Store::open(&dir).unwrap();
    let mut v = store.create(&pantau::demo::karo_visit(), &stamp).unwrap();
    // Fill what is left, then edit until a write fails.
    small_fs::fill(root, &filler, 64 * 1024);
    let mut last_saved = v.clone();
    let failed = loop {
        v.venue = format!("{} {}", v.venue.len(), "x".repeat(4000));
        match store.update(&v, &stamp, AuditAction::Edit, "") {
            Ok(Some(saved)) => {
                v = saved.clone();
                last_saved = saved;
            }
            Ok(None) => unreachable!("every edit changes the venue"),
            Err(e) => break e,
        }
        assert!(v.revision < 10_000, "the disk never filled");
    };
    assert!(matches!(failed, StoreError::DiskFull), "{failed:?}");
    // What the store shows is what is on disk, without the failed change; or, when sled cannot
    // even open the files on the full disk, a clear message instead of that phantom change.
    let shown = |store: &Store| match store.get(v.id) {
        Ok(got) => assert_eq!(got.unwrap(), last_saved),
        Err(e) => assert!(
            e.message(pantau::i18n::Lang::En)
                .contains("Free disk space"),
            "{e:?}"
        ),
    };
    shown(&store);
    // Still full: the retry fails the same way and loses nothing.
    assert!(store.update(&v, &stamp, AuditAction::Edit, "").is_err());
    shown(&store);
    // Space is back: the same edit, unchanged, saves.
    std::fs::remove_file(&filler).unwrap();
    let saved = store
        .update(&v, &stamp, AuditAction::Edit, "")
        .expect("saves once space is back")
        .expect("a change");
    assert_eq!(saved.venue, v.venue);
    drop(store);
    let store = Store::open(&dir).unwrap();
    assert_eq!(store.get(v.id).unwrap().unwrap(), saved);
    assert!(store.check().is_clean(), "{:?}", store.check().problems);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_import_that_fills_the_disk_leaves_the_database_as_it_was() {
    let Some(root) = small_fs::root() else {
        return;
    };
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let root = root.as_path();
    let (dir, filler) = small_fs::scratch(root, "disk-full-import");
    let stamp = Stamp::new(chrono::Utc::now(), "auditor");
    // A bundle of 20 visits from another laptop, on the ordinary disk.
    let elsewhere = tempfile::tempdir().unwrap();
    let other = Store::open(&elsewhere.path().join("other")).unwrap();
    for v in pantau::synth::visits(20, 7) {
        other.create(&v, &stamp).unwrap();
    }
    let bundle = elsewhere.path().join("other.json");
    pantau::export::write_bundle(&other, &pantau::export::Filter::default(), true, &bundle)
        .unwrap();

    let store = Store::open(&dir).unwrap();
    store.create(&pantau::demo::karo_visit(), &stamp).unwrap();
    let before = store.histories(true).unwrap();
    small_fs::fill(root, &filler, 128 * 1024);
    let failed = pantau::export::import_files(&store, std::slice::from_ref(&bundle))
        .expect_err("20 visits (500 KB) do not fit in 128 KB");
    let message = failed.message(pantau::i18n::Lang::En);
    assert!(message.contains("Free disk space"), "{message}");
    // Nothing of the import is shown, or (when sled cannot even open the files on the full
    // disk) a clear message instead.
    match store.histories(true) {
        Ok(now) => assert!(now == before, "part of a failed import is shown"),
        Err(e) => assert!(
            e.message(pantau::i18n::Lang::En)
                .contains("Free disk space"),
            "{e:?}"
        ),
    }
    // Space is back: the database is as before, and the import then goes through whole.
    std::fs::remove_file(&filler).unwrap();
    assert!(
        store.histories(true).unwrap() == before,
        "as before the import"
    );
    drop(store);
    let store = Store::open(&dir).unwrap();
    assert!(
        store.histories(true).unwrap() == before,
        "as before the import"
    );
    assert!(store.check().is_clean(), "{:?}", store.check().problems);
    let s = pantau::export::import_files(&store, &[bundle]).unwrap();
    assert_eq!(s.added.len(), 20);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}
