//! Automatic backups: the whole database (every visit with its audit log, trash included) as a
//! JSON bundle — the export format of [`crate::export::bundle`] — in a `backups` folder beside
//! the database folder.
//!
//! Beside, not inside: sled owns the database folder, and a backup must survive whatever
//! happens to that folder (deleted, damaged, set aside by a restore). Several databases in one
//! parent folder share `backups/`; each file name starts with the database folder's name, so
//! each database sees and prunes only its own:
//! `backups/<db-name>-<YYYYMMDD>T<HHMMSS>.<mmm>Z-<reason>.json`.
//!
//! Written when the TUI starts (at most once per local calendar day), when it quits (unless
//! nothing changed since the newest backup), and before an import that changes visits writes
//! anything (`pantau import`). Folder 0700 (an existing folder others can write
//! is made so, or refused), files 0600 on Unix, written through an exclusive temporary file.
//!
//! A backup counts only once it is verified: read back from the disk and validated as a
//! restore would (every visit's history leads to the visit), holding as many visits, trashed
//! visits and events as were read from the database. Verified backups are noted in a manifest
//! Pantau writes, `backups/<db-name>.manifest.json`, in the order they were verified, with what
//! they hold and their size and CRC-32. That order — not the time in a file name, which anyone
//! (or a clock set wrong) can make up — is what "newest" means: the default of `pantau
//! restore`, and rotation, which keeps the newest [`KEEP`] verified backups and so never
//! deletes the newest one. Files named like backups but not in the manifest (planted, or from
//! an older Pantau) are listed as not verified, are never restored by default while a verified
//! one exists, and are removed once [`KEEP`] verified backups exist. A backup that does not
//! verify is deleted at once and reported: it never pushes out a good one.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Local, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::merge::VisitHistory;
use crate::export::bundle;
use crate::store::Store;

/// How many verified backups of one database are kept.
pub const KEEP: usize = 14;

/// Why a backup was written (the last part of its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Start,
    Quit,
    /// Before an import that changes visits writes anything.
    Import,
}

impl Reason {
    fn tag(self) -> &'static str {
        match self {
            Reason::Start => "start",
            Reason::Quit => "quit",
            Reason::Import => "import",
        }
    }
}

/// One backup file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub path: PathBuf,
    /// When it was written (by the manifest; by its name when not verified).
    pub at: DateTime<Utc>,
    /// Noted in the manifest, and still of the size noted there.
    pub verified: bool,
    /// The visits it holds (live and trashed), when verified.
    pub visits: Option<usize>,
}

/// The manifest of verified backups (see the module documentation).
#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    version: u32,
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    file: String,
    /// The order of verification: higher is newer.
    n: u64,
    written: DateTime<Utc>,
    verified: DateTime<Utc>,
    visits: usize,
    trashed: usize,
    events: usize,
    size: u64,
    crc: u32,
}

/// The backup folder of the database at `db`.
pub fn dir_for(db: &Path) -> PathBuf {
    let parent = db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join("backups")
}

fn db_name(db: &Path) -> String {
    db.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "db".into())
}

fn manifest_path(db: &Path) -> PathBuf {
    dir_for(db).join(format!("{}.manifest.json", db_name(db)))
}

fn read_manifest(db: &Path) -> Manifest {
    std::fs::read(manifest_path(db))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

fn write_manifest(db: &Path, m: &Manifest) -> Result<(), String> {
    let bytes = serde_json::to_vec_pretty(m).map_err(|e| e.to_string())?;
    crate::private_fs::write_whole(&manifest_path(db), &bytes).map_err(|e| e.to_string())
}

/// The backups of the database at `db`: the verified ones newest first (in the order they
/// were verified), then the others by the time in their names. A missing folder is an empty
/// list.
pub fn list(db: &Path) -> std::io::Result<Vec<Backup>> {
    list_with(db, &read_manifest(db))
}

fn list_with(db: &Path, manifest: &Manifest) -> std::io::Result<Vec<Backup>> {
    let dir = dir_for(db);
    let prefix = format!("{}-", db_name(db));
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(e),
    };
    let mut verified = Vec::new();
    let mut others = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(named_at) = name.strip_prefix(&prefix).and_then(parse_stamp) else {
            continue;
        };
        // A link or a folder with a backup's name is nobody's backup.
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        let noted = manifest
            .entries
            .iter()
            .find(|e| e.file == name && e.size == meta.len());
        match noted {
            Some(e) => verified.push((
                e.n,
                Backup {
                    path: entry.path(),
                    at: e.written,
                    verified: true,
                    visits: Some(e.visits + e.trashed),
                },
            )),
            None => others.push(Backup {
                path: entry.path(),
                at: named_at,
                verified: false,
                visits: None,
            }),
        }
    }
    verified.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
    others.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.path.cmp(&a.path)));
    let mut out: Vec<Backup> = verified.into_iter().map(|(_, b)| b).collect();
    out.extend(others);
    Ok(out)
}

/// The backup `pantau restore` takes by default: the newest verified one whose content is
/// still what was verified (CRC-32); with no manifest at all (the backups of an older Pantau),
/// the newest by name.
pub fn newest_restorable(db: &Path) -> std::io::Result<Option<Backup>> {
    let manifest = read_manifest(db);
    let all = list_with(db, &manifest)?;
    for b in all.iter().filter(|b| b.verified) {
        let name = b.path.file_name().map(|n| n.to_string_lossy().into_owned());
        let intact = manifest.entries.iter().any(|e| {
            Some(&e.file) == name.as_ref() && file_crc(&b.path).is_some_and(|c| c == e.crc)
        });
        if intact {
            return Ok(Some(b.clone()));
        }
    }
    if manifest.entries.is_empty() {
        return Ok(all.into_iter().next());
    }
    Ok(None)
}

fn file_crc(path: &Path) -> Option<u32> {
    std::fs::read(path).ok().map(|b| crc32fast::hash(&b))
}

/// When the clock looks wrong, the backup time that says so: the newest verified backup was
/// written later than `now`, or a backup's name lies more than a day ahead of it.
pub fn clock_looks_wrong(db: &Path, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let all = list(db).ok()?;
    let newest_verified = all.iter().find(|b| b.verified).map(|b| b.at);
    let latest_named = all.iter().map(|b| b.at).max();
    match (newest_verified, latest_named) {
        (Some(v), _) if v > now + chrono::Duration::minutes(5) => Some(v),
        (_, Some(n)) if n > now + chrono::Duration::days(1) => Some(n),
        _ => None,
    }
}

/// `20261123T080000.123Z-start.json` → its time.
fn parse_stamp(rest: &str) -> Option<DateTime<Utc>> {
    let stem = rest.strip_suffix(".json")?;
    let (stamp, reason) = stem.split_once("Z-")?;
    if !matches!(reason, "start" | "quit" | "import") {
        return None;
    }
    NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%S%.3f")
        .ok()
        .map(|n| n.and_utc())
}

/// Whether the start-up backup is due: no backup of this database yet today (local time).
pub fn due_on_start(db: &Path, now: DateTime<Utc>) -> bool {
    let today = now.with_timezone(&Local).date_naive();
    match list(db) {
        Ok(all) => all
            .first()
            .is_none_or(|b| b.at.with_timezone(&Local).date_naive() != today),
        Err(_) => true,
    }
}

/// Writes a backup of `store` now, verifies it, notes it in the manifest, then keeps only the
/// newest [`KEEP`] verified ones. Returns `None` when nothing was written: an empty database,
/// or (on quit) the same content as the newest backup. A backup that does not verify is
/// removed and reported as the error.
pub fn write(store: &Store, reason: Reason, now: DateTime<Utc>) -> Result<Option<PathBuf>, String> {
    let db = store.path();
    let histories = store.histories(true).map_err(|e| e.to_string())?;
    if histories.is_empty() {
        return Ok(None);
    }
    let existing = list(db).map_err(|e| e.to_string())?;
    if reason == Reason::Quit
        && let Some(newest) = existing.iter().find(|b| b.verified)
        && same_visits(store, &newest.path, &histories)
    {
        return Ok(None);
    }
    let dir = dir_for(db);
    crate::private_fs::ensure_private_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    // A name of its own, even when one is taken (a planted file, the same millisecond).
    let path = (0..1000)
        .map(|ms| {
            let at = now + chrono::Duration::milliseconds(ms);
            dir.join(format!(
                "{}-{}Z-{}.json",
                db_name(db),
                at.format("%Y%m%dT%H%M%S%.3f"),
                reason.tag()
            ))
        })
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .ok_or_else(|| format!("{}: no free backup name", dir.display()))?;
    let held = Held::of(&histories);
    let bytes = {
        let bundle = bundle::Bundle::new(histories, now, &crate::host::user(), true);
        bundle::to_json(&bundle)?
    };
    // An encrypted database's backups are sealed with its key and carry its key header.
    let bytes = store.seal_portable(bytes).map_err(|e| e.to_string())?;
    // Whole or absent: an exclusive temporary file, fsync, rename.
    crate::private_fs::write_whole(&path, &bytes)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    drop(bytes);
    let (size, crc) = match verify(store, &path, &held) {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_file(&path);
            return Err(format!("{}: not verified, removed: {e}", path.display()));
        }
    };
    let mut manifest = read_manifest(db);
    manifest.version = 1;
    let n = manifest.entries.iter().map(|e| e.n).max().unwrap_or(0) + 1;
    manifest.entries.push(Entry {
        file: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        n,
        written: now,
        verified: Utc::now(),
        visits: held.visits,
        trashed: held.trashed,
        events: held.events,
        size,
        crc,
    });
    prune(db, &mut manifest);
    write_manifest(db, &manifest)?;
    if store.is_encrypted() {
        remove_plain(db)?;
    }
    Ok(Some(path))
}

/// What a backup holds.
#[derive(Debug, PartialEq, Eq)]
struct Held {
    visits: usize,
    trashed: usize,
    events: usize,
}

impl Held {
    fn of(histories: &[VisitHistory]) -> Held {
        Held {
            visits: histories.iter().filter(|h| h.trashed.is_none()).count(),
            trashed: histories.iter().filter(|h| h.trashed.is_some()).count(),
            events: histories.iter().map(|h| h.history.len()).sum(),
        }
    }
}

/// Reads the backup back from the disk and validates it as a restore would; it must hold what
/// was written. Gives its size and CRC-32.
fn verify(store: &Store, path: &Path, written: &Held) -> Result<(u64, u32), String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let plain = store
        .open_portable(bytes.clone())
        .map_err(|e| e.to_string())?;
    let bundle = bundle::parse(&plain).map_err(|e| e.message(crate::i18n::Lang::En))?;
    let read = Held::of(&bundle.visits);
    if read != *written {
        return Err(format!("it holds {read:?}, {written:?} were written"));
    }
    Ok((bytes.len() as u64, crc32fast::hash(&bytes)))
}

fn same_visits(store: &Store, file: &Path, histories: &[VisitHistory]) -> bool {
    let Ok(bytes) = std::fs::read(file).map(|b| store.open_portable(b)) else {
        return false;
    };
    let Ok(bytes) = bytes else {
        return false;
    };
    let Ok(mut old) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return false;
    };
    let Ok(new) = serde_json::to_value(histories) else {
        return false;
    };
    old.get_mut("visits").map(std::mem::take) == Some(new)
}

/// Removes every backup of the database at `db` that is not sealed (see
/// [`Store::seal_portable`]): once a database is encrypted, no plain copy of it may stay
/// beside it. Returns how many were removed.
pub fn remove_plain(db: &Path) -> Result<usize, String> {
    remove_where(db, |b| {
        !std::fs::read(&b.path).is_ok_and(|bytes| crate::store::is_sealed_file(&bytes))
    })
}

/// Removes every backup of the database at `db` but `keep` (after an erasure: the older ones
/// hold what was erased). Returns how many were removed.
pub fn remove_all_but(db: &Path, keep: &Path) -> Result<usize, String> {
    remove_where(db, |b| b.path != keep)
}

/// Removes the backups of `db` that `doomed` picks, and forgets them in the manifest.
fn remove_where(db: &Path, doomed: impl Fn(&Backup) -> bool) -> Result<usize, String> {
    let mut manifest = read_manifest(db);
    let all = list_with(db, &manifest).map_err(|e| e.to_string())?;
    let mut removed = 0;
    for b in all.iter().filter(|b| doomed(b)) {
        std::fs::remove_file(&b.path).map_err(|e| format!("{}: {e}", b.path.display()))?;
        removed += 1;
    }
    if removed > 0 {
        let dir = dir_for(db);
        manifest
            .entries
            .retain(|e| std::fs::symlink_metadata(dir.join(&e.file)).is_ok());
        write_manifest(db, &manifest)?;
    }
    Ok(removed)
}

/// Keeps the newest [`KEEP`] verified backups (by the order of verification, so the newest
/// one always stays); once there are that many, files named like backups but not verified are
/// removed too. Best effort.
fn prune(db: &Path, manifest: &mut Manifest) {
    let dir = dir_for(db);
    manifest.entries.sort_by_key(|e| std::cmp::Reverse(e.n));
    // Entries whose file is gone are forgotten.
    manifest
        .entries
        .retain(|e| std::fs::symlink_metadata(dir.join(&e.file)).is_ok_and(|m| m.is_file()));
    for old in manifest.entries.iter().skip(KEEP) {
        let _ = std::fs::remove_file(dir.join(&old.file));
    }
    manifest.entries.truncate(KEEP);
    if manifest.entries.len() == KEEP
        && let Ok(all) = list_with(db, manifest)
    {
        for b in all.iter().filter(|b| !b.verified) {
            let _ = std::fs::remove_file(&b.path);
        }
    }
}

/// Runs `session` (the TUI) between a start-up backup (in the background, when due) and a
/// quit backup. Returns the session's result and the backup problems to report afterwards.
pub fn around<T>(store: &Store, session: impl FnOnce() -> T) -> (T, Vec<String>) {
    let start = due_on_start(store.path(), Utc::now()).then(|| {
        let s = store.clone();
        std::thread::spawn(move || write(&s, Reason::Start, Utc::now()))
    });
    let out = session();
    let mut problems = Vec::new();
    if let Some(handle) = start {
        match handle.join() {
            Ok(Err(e)) => problems.push(e),
            Err(_) => problems.push("backup thread panicked".into()),
            Ok(Ok(_)) => {}
        }
    }
    // Distinct from the start-up backup even within the same millisecond.
    let now = Utc::now() + chrono::Duration::milliseconds(1);
    if let Err(e) = write(store, Reason::Quit, now) {
        problems.push(e);
    }
    (out, problems)
}
