//! A real nearly-full disk and an edit bigger than the room left: sled cannot even close its
//! files afterwards (its flush waits for ever, holding a lock sled shares between all its
//! databases in the process). Pantau must not freeze: the edit fails with a message, and so does
//! every later write, saying to restart. A test binary of its own (not a module of
//! tests/integration) because it leaves the process unable to use sled again. Runs when
//! `PANTAU_TEST_SMALL_FS` names a folder on a small file system (see
//! tests/integration/disk_full.rs).

// Test helpers outside #[test] functions fail loudly too, as the tests themselves may.
#![allow(clippy::unwrap_used)]

#[path = "integration/common/small_fs.rs"]
mod small_fs;

use pantau::domain::{AuditAction, Stamp};
use pantau::store::{Store, StoreError};

#[test]
fn a_big_edit_on_a_nearly_full_disk_fails_without_freezing() {
    // sled may wait for ever to flush a value bigger than the space left when its handles are
    // closed; the store closes them on a thread of its own, so the edit returns with a message.
    let Some(root) = small_fs::root() else {
        return;
    };
    let root = root.as_path();
    let (dir, filler) = small_fs::scratch(root, "big-edit");
    let stamp = Stamp::new(chrono::Utc::now(), "auditor");
    let store = Store::open(&dir).unwrap();
    let v = store.create(&pantau::demo::karo_visit(), &stamp).unwrap();
    small_fs::fill(root, &filler, 48 * 1024);
    let (tx, rx) = std::sync::mpsc::channel();
    let worker = store.clone();
    let first = stamp.clone();
    let mut big = v.clone();
    big.purpose = "x".repeat(200_000);
    std::thread::spawn(move || {
        let r = worker.update(&big, &first, AuditAction::Edit, "");
        let _ = tx.send(r.map(|_| ()));
    });
    let result = rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the edit returned instead of freezing");
    let e = result.expect_err("no room for it");
    let text = e.message(pantau::i18n::Lang::En);
    assert!(
        text.contains("Free disk space") || matches!(e, StoreError::Stuck),
        "{text}"
    );
    std::fs::remove_file(&filler).unwrap();
    // Space is back; if sled's close got stuck, the store says to restart instead of freezing.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut small = v.clone();
        small.venue = "Aula Kantor Bupati".into();
        let _ = tx.send(
            store
                .update(&small, &stamp, AuditAction::Edit, "")
                .map(|_| ()),
        );
    });
    let retry = rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the retry returned instead of freezing");
    match retry {
        Ok(()) => {}
        Err(StoreError::Stuck) => {
            let text = StoreError::Stuck.message(pantau::i18n::Lang::Id);
            assert!(text.contains("tutup Pantau"), "{text}");
        }
        Err(e) => panic!("{e:?}"),
    }
}
