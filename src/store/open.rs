//! Opening the database: owner-only directory, sled's lock and corruption errors mapped to
//! clear messages, and the schema check.

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use super::mark::{self, Mark, Pending};
use super::tally::{self, Tally};
use super::vault::{self, Vault};
use super::{Handles, Result, Store, StoreError, keys, schema};

/// The vault of the database at `path`: plain without a key header, else the one
/// `passphrase` unlocks. Reads the header file only: a missing or wrong passphrase is refused
/// before anything in the folder is touched.
pub(super) fn unlock(path: &Path, passphrase: Option<&str>) -> Result<Vault> {
    super::convert::recover(path)?;
    match vault::read_header(path)? {
        None => Ok(Vault::plain()),
        Some(header) => match passphrase {
            None => Err(StoreError::Locked {
                path: path.to_path_buf(),
            }),
            Some(p) => Vault::unlock(&header, p, path),
        },
    }
}

pub(super) fn open(path: &Path, vault: &Vault) -> Result<Store> {
    let io = |e: std::io::Error| StoreError::Io {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    crate::private_fs::ensure_private_dir(path).map_err(io)?;
    remove_unfinished_snapshots(path);
    let mark = mark::read(path);
    let mut fast = false;
    let mut tally = Tally::default();
    if holds_data(path).map_err(io)? {
        // The fast path needs both: files as Pantau closed them, and what they hold.
        match (super::fingerprint::matches(path), mark.settled()) {
            (true, Some(t)) => {
                fast = true;
                tally = t;
            }
            _ => tally = trial_open(path, &mark)?,
        }
    }
    let mut opened = handles(path)?;
    opened.vault = vault.clone();
    let store = Store::new(opened, path, fast, tally);
    let migrated = schema::ensure(&store, schema::MIGRATIONS)?;
    if migrated {
        // The steps rewrote records outside commits: what the files hold now.
        let h = store.h()?;
        tally = tally::count(&h, &Tally::unbounded())?;
        drop(h);
        *store
            .shared
            .tally
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = tally;
    }
    if !fast || migrated {
        // Also turns an older Pantau's mark into one with the counts and digest.
        store.shared.mark.write(&tally, Pending::None);
    }
    restrict_files(path);
    Ok(store)
}

/// sled's trees of an open database.
fn trees(db: sled::Db) -> sled::Result<Handles> {
    Ok(Handles {
        meta: db.open_tree(keys::META)?,
        visits: db.open_tree(keys::VISITS)?,
        summaries: db.open_tree(keys::SUMMARIES)?,
        trash: db.open_tree(keys::TRASH)?,
        audit: db.open_tree(keys::AUDIT)?,
        facts: db.open_tree(keys::FACTS)?,
        db,
        vault: Vault::plain(),
    })
}

/// sled's handles on the files at `path`, without the copy check of [`trial_open`]: for a
/// database checked before, or one this process has held open (see [`Store::reopen`]).
pub(super) fn handles(path: &Path) -> Result<Handles> {
    let io = |e: std::io::Error| StoreError::Io {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    // From here on sled may change its files: the fingerprint of the last clean close no longer
    // describes them. A new one is written when this store is closed cleanly.
    super::fingerprint::forget(path).map_err(io)?;
    let db = open_sled(path).map_err(|e| match e {
        // Past the copy check (or on the fast path) sled has had the real files.
        StoreError::Damaged { detail, .. } => StoreError::Corrupt { detail },
        other => other,
    })?;
    // sled had the files: damage found now is no longer "files untouched".
    let handles = trees(db).map_err(|e| StoreError::Corrupt {
        detail: e.to_string(),
    })?;
    // An import cut short (a crash, or a failed write before this reopen) is undone first.
    if let Err(e) = super::pending::roll_back(&handles) {
        // After a failed write sled's close may wait for ever; the caller may hold the store's
        // lock (a reopen), so the handles are let go on a thread of their own.
        super::close_in_background(handles);
        if let sled::Error::Corruption { .. } = e {
            return Err(StoreError::Corrupt {
                detail: format!("undoing an unfinished import: {e}"),
            });
        }
        return Err(StoreError::from_write(&e, path));
    }
    Ok(handles)
}

/// Called by [`open`] (before the copy check) and before a reopen (a failed write is how
/// such a file comes about). sled 0.34 writes a snapshot to `snap.<lsn>.generating` and
/// renames it once complete, but
/// takes any `snap.` file as a candidate when it opens: an unfinished one (the disk filled up,
/// or the process died, while it was written) makes the whole database unreadable ("corrupted
/// data") although nothing in it is lost. Such files are removed before sled opens, and only
/// while no process holds the database (the lock sled itself takes), so that a snapshot being
/// written is never touched.
pub(super) fn remove_unfinished_snapshots(path: &Path) {
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    let unfinished: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("snap.") && n.ends_with(".generating"))
        })
        .collect();
    if unfinished.is_empty() {
        return;
    }
    let Ok(db) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path.join("db"))
    else {
        return;
    };
    if db.try_lock().is_err() {
        return;
    }
    for file in unfinished {
        let _ = std::fs::remove_file(file);
    }
    // The lock goes with `db`.
}

/// Name of the scratch folder, inside the database folder, where [`trial_open`] works.
const TRIAL_DIR: &str = ".pantau-open-check";

/// Whether `path` already holds a database (as opposed to a new or empty folder).
fn holds_data(path: &Path) -> std::io::Result<bool> {
    if path.join(mark::COMMIT_MARK).exists() {
        return Ok(true);
    }
    match std::fs::metadata(path.join("db")) {
        Ok(m) if m.len() > 0 => return Ok(true),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    for entry in std::fs::read_dir(path)? {
        if entry?.file_name().to_string_lossy().starts_with("snap.") {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Opens a copy of an existing database before the real thing, and refuses the real one when
/// the copy does not read as a Pantau database of this schema or does not hold what was
/// committed (the [`Tally`] in the commit mark). Returns what it holds.
///
/// sled "recovers" whatever it cannot read: on garbage or a truncated `db` file it overwrites
/// the unreadable part with its `Corrupted` marker, writes a new snapshot, deletes blobs, and
/// opens what it could read — an *empty* database, or an older state without the latest
/// visits — without any error. Done on a copy, that destruction costs nothing: the files the
/// user may still rescue are handed to sled only when the copy came through with its schema
/// version (not newer than this build's: a newer database is refused before anything is
/// written) and with exactly the records of the [`mark::COMMIT_MARK`] (counts and digest),
/// read with bounded scans (see [`tally::scan`]).
///
/// sled's lock on the `db` file is taken first (the same `flock`/`LockFileEx` lock sled uses),
/// so a database in use is reported as such and is never copied half-written.
fn trial_open(path: &Path, mark: &Mark) -> Result<Tally> {
    let io = |e: std::io::Error| StoreError::Io {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    let mut db_file = match std::fs::File::open(path.join("db")) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(StoreError::Damaged {
                path: path.to_path_buf(),
                detail: "the db file is missing".into(),
            });
        }
        Err(e) => return Err(io(e)),
    };
    match db_file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(StoreError::InUse {
                path: path.to_path_buf(),
            });
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
    }
    let trial = path.join(TRIAL_DIR);
    // A scratch copy left by a process killed during its own check.
    if trial.exists() {
        std::fs::remove_dir_all(&trial).map_err(io)?;
    }
    let result = copy_db(path, &mut db_file, &trial)
        .map_err(io)
        .and_then(|()| check_copy(path, &trial, mark));
    let removed = std::fs::remove_dir_all(&trial);
    // The lock is released when `db_file` is dropped, just before sled takes it again.
    drop(db_file);
    let found = result?;
    removed.map_err(io)?;
    Ok(found)
}

/// Copies sled's files (`conf`, `db`, `snap.*`, `blobs/`) into `to`. The `db` file is read
/// through the handle that holds the lock: on Windows a locked file cannot be read through
/// another one.
fn copy_db(from: &Path, db_file: &mut std::fs::File, to: &Path) -> std::io::Result<()> {
    crate::private_fs::ensure_private_dir(to)?;
    let mut out = std::fs::File::create(to.join("db"))?;
    std::io::copy(db_file, &mut out)?;
    out.sync_all()?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        let text = name.to_string_lossy();
        if text == "conf" || text.starts_with("snap.") {
            std::fs::copy(entry.path(), to.join(&name))?;
        } else if text == "blobs" && entry.path().is_dir() {
            std::fs::create_dir_all(to.join("blobs"))?;
            for blob in std::fs::read_dir(entry.path())? {
                let blob = blob?;
                if blob.path().is_file() {
                    std::fs::copy(blob.path(), to.join("blobs").join(blob.file_name()))?;
                }
            }
        }
    }
    Ok(())
}

/// Opens the copy with sled; it must hold the schema version every Pantau database has, no
/// newer than this build's, and what the commit mark says was committed. An import cut short
/// is undone on the copy first, as the real open will do.
fn check_copy(path: &Path, copy: &Path, mark: &Mark) -> Result<Tally> {
    let damaged = |detail: String| StoreError::Damaged {
        path: path.to_path_buf(),
        detail,
    };
    let db = open_sled(copy).map_err(|e| match e {
        StoreError::Damaged { detail, .. } | StoreError::Io { detail, .. } => damaged(detail),
        other => damaged(other.to_string()),
    })?;
    let h = trees(db).map_err(|e| damaged(e.to_string()))?;
    let version = h
        .meta
        .get(keys::SCHEMA_VERSION)
        .map_err(|e| damaged(e.to_string()))?;
    let Some(version) = version else {
        return Err(damaged(
            "no Pantau data could be read from the files".into(),
        ));
    };
    match <[u8; 4]>::try_from(version.as_ref()).map(u32::from_be_bytes) {
        Ok(found) if found > schema::CURRENT_SCHEMA => {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found,
                supported: schema::CURRENT_SCHEMA,
            });
        }
        Ok(0) | Err(_) => return Err(damaged("bad schema version".into())),
        Ok(_) => {}
    }
    super::pending::roll_back(&h).map_err(|e| damaged(e.to_string()))?;
    let found = tally::count(&h, &mark.bound()).map_err(|e| damaged(e.to_string()))?;
    mark.verify(&found).map_err(damaged)?;
    Ok(found)
}

/// sled has been seen to panic on some damaged files (spacejam/sled#1410); a panic there must
/// become a message, not a crash, and must not print a backtrace at the user.
fn open_sled(path: &Path) -> Result<sled::Db> {
    quiet_panics_while_opening();
    OPENING.with(|o| o.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(|| sled::Config::new().path(path).open()));
    OPENING.with(|o| o.set(false));
    match result {
        Ok(Ok(db)) => Ok(db),
        Ok(Err(e)) => Err(map_open_error(path, e)),
        Err(payload) => {
            let detail = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panic while opening".into());
            Err(StoreError::Damaged {
                path: path.to_path_buf(),
                detail,
            })
        }
    }
}

thread_local! {
    /// Set while this thread is inside `sled::open`, whose panics become messages.
    static OPENING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs, once, a panic hook that stays silent for panics inside `sled::open` on the opening
/// thread and hands every other panic to the hook that was there before. (Swapping the global
/// hook around each open raced between threads and could leave panics silent for good.)
fn quiet_panics_while_opening() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !OPENING.with(|o| o.get()) {
                previous(info);
            }
        }));
    });
}

/// sled reports a held lock only as an I/O error with this text (see CRATES.md).
fn map_open_error(path: &Path, e: sled::Error) -> StoreError {
    let path = path.to_path_buf();
    match e {
        sled::Error::Io(io) if io.to_string().contains("could not acquire lock") => {
            StoreError::InUse { path }
        }
        // A full disk or a folder that cannot be written is not damage: the files are fine.
        sled::Error::Io(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::PermissionDenied
                    | std::io::ErrorKind::NotFound
                    | std::io::ErrorKind::StorageFull
                    | std::io::ErrorKind::QuotaExceeded
                    | std::io::ErrorKind::ReadOnlyFilesystem
            ) =>
        {
            StoreError::Io {
                path,
                detail: io.to_string(),
            }
        }
        other => StoreError::Damaged {
            path,
            detail: other.to_string(),
        },
    }
}

/// sled creates its files with the process umask; audit notes are not for other users.
#[cfg(unix)]
pub(super) fn restrict_files(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten() {
        let mode = if entry.path().is_dir() { 0o700 } else { 0o600 };
        let _ = std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode));
    }
}

#[cfg(not(unix))]
pub(super) fn restrict_files(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unfinished_snapshot_left_by_a_full_disk_does_not_make_the_database_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let stamp = crate::domain::Stamp::new(chrono::Utc::now(), "t");
        let store = Store::open(&path).unwrap();
        let v = store.create(&crate::demo::karo_visit(), &stamp).unwrap();
        // While the database is open, a snapshot being written is left alone.
        let unfinished = path.join("snap.FFFFFFFFFFFFFFFF.generating");
        std::fs::write(&unfinished, b"").unwrap();
        remove_unfinished_snapshots(&path);
        assert!(unfinished.exists(), "removed while the database was open");
        drop(store);
        // What a full disk leaves: an empty one, which sled 0.34 would read as corrupted.
        std::fs::write(&unfinished, b"").unwrap();
        let store = Store::open(&path).unwrap();
        assert_eq!(store.get(v.id).unwrap().unwrap(), v);
        assert!(!unfinished.exists());
    }

    /// A database of a newer schema is refused before sled has its files: nothing written, no
    /// new snapshot, whether or not a fingerprint of its last close is there.
    #[test]
    fn a_newer_schema_is_refused_before_anything_is_written() {
        for with_fingerprint in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("db");
            let store = Store::open(&path).unwrap();
            store
                .create(
                    &crate::demo::karo_visit(),
                    &crate::domain::Stamp::new(chrono::Utc::now(), "t"),
                )
                .unwrap();
            // What a newer Pantau leaves: its schema number, and its own fingerprint.
            store
                .h()
                .unwrap()
                .meta
                .insert(keys::SCHEMA_VERSION, &7u32.to_be_bytes())
                .unwrap();
            store.flush().unwrap();
            assert!(store.close());
            let fingerprint = path.join(super::super::fingerprint::FINGERPRINT);
            if with_fingerprint {
                let text = std::fs::read_to_string(&fingerprint).unwrap();
                let current = format!("schema {}", super::schema::CURRENT_SCHEMA);
                assert!(
                    text.contains(&current),
                    "fingerprint format changed: {text}"
                );
                let newer = text.replacen(&current, "schema 7", 1);
                std::fs::write(&fingerprint, newer).unwrap();
            } else {
                std::fs::remove_file(&fingerprint).unwrap();
            }
            let files = |p: &Path| -> Vec<(String, Vec<u8>)> {
                let mut all: Vec<_> = std::fs::read_dir(p)
                    .unwrap()
                    .flatten()
                    .filter(|e| e.path().is_file())
                    .map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        (name, std::fs::read(e.path()).unwrap())
                    })
                    .collect();
                all.sort();
                all
            };
            let before = files(&path);
            for _ in 0..2 {
                match Store::open(&path) {
                    Err(StoreError::TooNew {
                        found: 7,
                        supported: super::schema::CURRENT_SCHEMA,
                        ..
                    }) => {}
                    Err(e) => panic!("expected TooNew, got {e:?}"),
                    Ok(_) => panic!("a newer schema was opened"),
                }
                assert!(before == files(&path), "the refused open changed files");
            }
        }
    }

    /// A store of the demo visit and three synthetic ones, closed cleanly.
    fn closed_store(path: &Path) -> Tally {
        let stamp = crate::domain::Stamp::new(chrono::Utc::now(), "t");
        let store = Store::open(path).unwrap();
        store.create(&crate::demo::karo_visit(), &stamp).unwrap();
        for v in crate::synth::visits(3, 4) {
            store.create(&v, &stamp).unwrap();
        }
        let t = store.tally();
        assert!(store.close());
        t
    }

    /// Issue 13 point 2: the summaries and facts trees (what `list` and `overview` read) are
    /// covered by the commit mark like the visits: one changed behind Pantau's back (as damage
    /// does) is refused at the next careful open, files untouched.
    #[test]
    fn a_summary_or_facts_record_that_differs_from_the_committed_one_is_damage() {
        for tree in [keys::SUMMARIES, keys::FACTS] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("db");
            closed_store(&path);
            let store = Store::open(&path).unwrap();
            let h = store.h().unwrap();
            let t = if tree == keys::SUMMARIES {
                &h.summaries
            } else {
                &h.facts
            };
            let (k, v) = t.iter().next().unwrap().unwrap();
            let mut bad = v.to_vec();
            let at = bad.iter().position(|b| b.is_ascii_digit()).unwrap();
            bad[at] = if bad[at] == b'9' { b'8' } else { bad[at] + 1 };
            t.insert(k, bad).unwrap();
            drop(h);
            store.flush().unwrap();
            drop(store);
            // Not closed as Pantau closes: the next open checks a copy.
            let _ = std::fs::remove_file(path.join(super::super::fingerprint::FINGERPRINT));
            match Store::open(&path) {
                Err(StoreError::Damaged { detail, .. }) => {
                    assert!(detail.contains("differ"), "{tree}: {detail}");
                }
                Err(e) => panic!("{tree}: expected Damaged, got {e:?}"),
                Ok(_) => panic!("{tree}: a damaged record passed the open check"),
            }
        }
    }

    /// A database whose commit mark an older Pantau wrote (format `P2`, before the derived
    /// trees were counted) opens, with a careful open even when its files are as closed, and
    /// comes out with a mark of the new format: the next open is fast again.
    #[test]
    fn a_database_with_a_mark_of_the_older_format_opens_and_gets_the_new_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let t = closed_store(&path);
        let old = mark::line_p2('C', &t) + &mark::line_p2('N', &Tally::default());
        std::fs::write(path.join(mark::COMMIT_MARK), old).unwrap();
        let store = Store::open(&path).unwrap();
        assert!(
            !store.opened_fast(),
            "a P2 mark does not know the summaries"
        );
        assert_eq!(store.tally(), t);
        assert_eq!(store.summaries().unwrap().len(), 4);
        assert!(store.check().is_clean(), "{:?}", store.check().problems);
        assert!(store.close());
        let text = std::fs::read_to_string(path.join(mark::COMMIT_MARK)).unwrap();
        assert!(text.starts_with("P3 "), "{text}");
        let store = Store::open(&path).unwrap();
        assert!(store.opened_fast());
        assert_eq!(store.tally(), t);
        // A P2 mark that does not match the visits is still refused.
        assert!(store.close());
        let mut less = t;
        less.visits -= 1;
        std::fs::write(
            path.join(mark::COMMIT_MARK),
            mark::line_p2('C', &less) + &mark::line_p2('N', &Tally::default()),
        )
        .unwrap();
        assert!(matches!(
            Store::open(&path),
            Err(StoreError::Damaged { .. })
        ));
    }
}
