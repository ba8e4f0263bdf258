//! A real nearly-full disk and an edit bigger than the room left: sled cannot even close its
//! files afterwards (its flush waits for ever, holding a lock sled shares between all its
//! databases in the process). Pantau must not freeze: the edit fails with a message, and so does
//! every later write, saying to restart. In a file of its own because it leaves the process
//! unable to use sled again. Runs when `PANTAU_TEST_SMALL_FS` names a folder on a small file
//! system (see tests/disk_full.rs).

use pantau::domain::{AuditAction, Stamp};
use pantau::store::{Store, StoreError};

#[test]
fn a_big_edit_on_a_nearly_full_disk_fails_without_freezing() {
    // sled may wait for ever to flush a value bigger than the space left when its handles are
    // closed; the store closes them on a thread of its own, so the edit returns with a message.
    let Ok(root) = std::env::var("PANTAU_TEST_SMALL_FS") else {
        eprintln!("skipped: set PANTAU_TEST_SMALL_FS to a folder on a small file system");
        return;
    };
    let root = std::path::Path::new(&root);
    let dir = root.join("pantau-big-edit-test");
    let filler = root.join("pantau-big-edit-filler");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&filler);
    let stamp = Stamp {
        at: chrono::Utc::now(),
        actor: "auditor".into(),
    };
    let store = Store::open(&dir).unwrap();
    let v = store.create(&pantau::demo::karo_visit(), &stamp).unwrap();
    let free = fs_free(root);
    std::fs::write(&filler, vec![0u8; free.saturating_sub(48 * 1024)]).unwrap();
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

#[cfg(unix)]
fn fs_free(path: &std::path::Path) -> usize {
    let out = std::process::Command::new("df")
        .args(["-Pk", &path.display().to_string()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let kb: usize = text
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|n| n.parse().ok())
        .unwrap();
    kb * 1024
}

#[cfg(not(unix))]
fn fs_free(_path: &std::path::Path) -> usize {
    0
}
