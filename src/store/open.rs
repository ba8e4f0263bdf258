//! Opening the database: owner-only directory, sled's lock and corruption errors mapped to
//! clear messages, and the schema check.

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use super::{Handles, Result, Store, StoreError, keys, schema};

pub(super) fn open(path: &Path) -> Result<Store> {
    let io = |e: std::io::Error| StoreError::Io {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    create_private_dir(path).map_err(io)?;
    remove_unfinished_snapshots(path);
    let mut fast = false;
    if holds_data(path).map_err(io)? {
        fast = super::fingerprint::matches(path);
        if !fast {
            trial_open(path)?;
        }
    }
    let store = Store::new(handles(path)?, path, fast);
    schema::ensure(&store, schema::MIGRATIONS)?;
    restrict_files(path);
    Ok(store)
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
    let db = open_sled(path)?;
    let damaged = |e: sled::Error| StoreError::Damaged {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    let handles = Handles {
        meta: db.open_tree(keys::META).map_err(damaged)?,
        visits: db.open_tree(keys::VISITS).map_err(damaged)?,
        summaries: db.open_tree(keys::SUMMARIES).map_err(damaged)?,
        trash: db.open_tree(keys::TRASH).map_err(damaged)?,
        audit: db.open_tree(keys::AUDIT).map_err(damaged)?,
        facts: db.open_tree(keys::FACTS).map_err(damaged)?,
        db,
    };
    // An import cut short (a crash, or a failed write before this reopen) is undone first.
    if let Err(e) = super::pending::roll_back(&handles) {
        // After a failed write sled's close may wait for ever; the caller may hold the store's
        // lock (a reopen), so the handles are let go on a thread of their own.
        super::close_in_background(handles);
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

/// A file beside sled's, holding the sequence number of the last committed audit event.
const COMMIT_MARK: &str = "pantau-last-commit";

/// The [`COMMIT_MARK`] file, noting the sequence number of the last committed (and flushed)
/// audit event, so that a later open can tell when sled comes back with less than was committed
/// (see [`trial_open`]). The file stays open and each commit rewrites its one line in place:
/// creating a new file and renaming it over the old one cost more than sled's whole commit.
/// The number is written twice, so that a torn write reads as no mark rather than a wrong one.
/// Best effort: the commit has already happened, and a mark that is missing or behind only
/// weakens that later check.
pub(super) struct CommitMark {
    path: std::path::PathBuf,
    file: std::sync::Mutex<Option<std::fs::File>>,
}

impl CommitMark {
    pub(super) fn new(dir: &Path) -> CommitMark {
        CommitMark {
            path: dir.join(COMMIT_MARK),
            file: std::sync::Mutex::new(None),
        }
    }

    pub(super) fn record(&self, seq: u64) {
        use std::io::{Seek, SeekFrom, Write};
        let Ok(mut slot) = self.file.lock() else {
            return;
        };
        if slot.is_none() {
            *slot = open_mark(&self.path).ok();
        }
        let Some(file) = slot.as_mut() else {
            return;
        };
        let line = mark_line(seq);
        if file
            .seek(SeekFrom::Start(0))
            .and_then(|_| file.write_all(line.as_bytes()))
            .is_err()
        {
            // Opened again at the next commit (the folder may have been unwritable for a while).
            *slot = None;
        }
    }
}

fn mark_line(seq: u64) -> String {
    format!("{seq:020} {seq:020}\n")
}

fn open_mark(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    // A mark of an older version may be shorter or longer; every line written is this long.
    file.set_len(mark_line(0).len() as u64)?;
    Ok(file)
}

fn read_commit_mark(path: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(path.join(COMMIT_MARK)).ok()?;
    let mut numbers = text.split_whitespace().map(|n| n.parse::<u64>().ok());
    let first = numbers.next()??;
    // Older versions wrote the number once; a line with two that differ was torn.
    match numbers.next() {
        None => Some(first),
        Some(second) if second == Some(first) && numbers.next().is_none() => Some(first),
        Some(_) => None,
    }
}

/// Whether `path` already holds a database (as opposed to a new or empty folder).
fn holds_data(path: &Path) -> std::io::Result<bool> {
    if path.join(COMMIT_MARK).exists() {
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
/// the copy does not read as a Pantau database or holds less than was committed.
///
/// sled "recovers" whatever it cannot read: on garbage or a truncated `db` file it overwrites
/// the unreadable part with its `Corrupted` marker, writes a new snapshot, deletes blobs, and
/// opens what it could read — an *empty* database, or an older state without the latest
/// visits — without any error. Done on a copy, that destruction costs nothing: the files the
/// user may still rescue are handed to sled only when the copy came through with its schema
/// version and with every audit event up to the [`COMMIT_MARK`].
///
/// sled's lock on the `db` file is taken first (the same `flock`/`LockFileEx` lock sled uses),
/// so a database in use is reported as such and is never copied half-written.
fn trial_open(path: &Path) -> Result<()> {
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
        .and_then(|()| check_copy(path, &trial));
    let removed = std::fs::remove_dir_all(&trial);
    // The lock is released when `db_file` is dropped, just before sled takes it again.
    drop(db_file);
    result?;
    removed.map_err(io)
}

/// Copies sled's files (`conf`, `db`, `snap.*`, `blobs/`) into `to`. The `db` file is read
/// through the handle that holds the lock: on Windows a locked file cannot be read through
/// another one.
fn copy_db(from: &Path, db_file: &mut std::fs::File, to: &Path) -> std::io::Result<()> {
    create_private_dir(to)?;
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

/// Opens the copy with sled; it must hold the schema version every Pantau database has.
fn check_copy(path: &Path, copy: &Path) -> Result<()> {
    let damaged = |detail: String| StoreError::Damaged {
        path: path.to_path_buf(),
        detail,
    };
    let db = open_sled(copy).map_err(|e| match e {
        StoreError::Damaged { detail, .. } | StoreError::Io { detail, .. } => damaged(detail),
        other => damaged(other.to_string()),
    })?;
    let version = db
        .open_tree(keys::META)
        .and_then(|meta| meta.get(keys::SCHEMA_VERSION))
        .map_err(|e| damaged(e.to_string()))?;
    if version.is_none() {
        return Err(damaged(
            "no Pantau data could be read from the files".into(),
        ));
    }
    if let Some(mark) = read_commit_mark(path) {
        let audit = db
            .open_tree(keys::AUDIT)
            .map_err(|e| damaged(e.to_string()))?;
        let mut last = None;
        for key in audit.iter().keys() {
            let key = key.map_err(|e| damaged(e.to_string()))?;
            last = last.max(keys::seq_from_key(&key));
        }
        if last.is_none_or(|last| last < mark) {
            return Err(damaged(format!(
                "committed changes are missing (last change read: {}, last committed: {mark})",
                last.map_or_else(|| "none".to_string(), |l| l.to_string())
            )));
        }
    }
    Ok(())
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

#[cfg(unix)]
fn create_private_dir(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if path.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
}

#[cfg(not(unix))]
fn create_private_dir(path: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(path)
}

/// sled creates its files with the process umask; audit notes are not for other users.
#[cfg(unix)]
fn restrict_files(path: &Path) {
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
fn restrict_files(_path: &Path) {}

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

    fn mark_after(write: impl FnOnce(&Path)) -> Option<u64> {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path());
        read_commit_mark(dir.path())
    }

    #[test]
    fn the_commit_mark_is_rewritten_in_place() {
        let got = mark_after(|dir| {
            let mark = CommitMark::new(dir);
            mark.record(1_000);
            mark.record(7);
        });
        assert_eq!(got, Some(7));
    }

    #[test]
    fn a_mark_of_an_older_version_or_a_torn_one_is_read_for_what_it_is() {
        let file = |text: &'static str| {
            move |dir: &Path| std::fs::write(dir.join(COMMIT_MARK), text).unwrap()
        };
        assert_eq!(mark_after(file("42\n")), Some(42));
        assert_eq!(
            mark_after(file("00000000000000000042 00000000000000000042\n")),
            Some(42)
        );
        assert_eq!(
            mark_after(file("00000000000000001999 00000000000000001000\n")),
            None
        );
        assert_eq!(mark_after(file("garbage")), None);
        // An older, longer mark is cut to the new line's length.
        let got = mark_after(|dir| {
            std::fs::write(
                dir.join(COMMIT_MARK),
                "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19\n",
            )
            .unwrap();
            CommitMark::new(dir).record(3);
        });
        assert_eq!(got, Some(3));
    }
}
