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
//! Written when the TUI starts (at most once per local calendar day) and when it quits (unless
//! nothing changed since the newest backup); the newest [`KEEP`] are kept. Folder 0700, files
//! 0600 on Unix.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Local, NaiveDateTime, Utc};

use crate::export::{self, bundle};
use crate::store::Store;

/// How many backups of one database are kept.
pub const KEEP: usize = 14;

/// Why a backup was written (the last part of its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Start,
    Quit,
}

impl Reason {
    fn tag(self) -> &'static str {
        match self {
            Reason::Start => "start",
            Reason::Quit => "quit",
        }
    }
}

/// One backup file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub path: PathBuf,
    pub at: DateTime<Utc>,
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

/// The backups of the database at `db`, newest first. A missing folder is an empty list.
pub fn list(db: &Path) -> std::io::Result<Vec<Backup>> {
    let dir = dir_for(db);
    let prefix = format!("{}-", db_name(db));
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(e),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(at) = name.strip_prefix(&prefix).and_then(parse_stamp) {
            out.push(Backup {
                path: entry.path(),
                at,
            });
        }
    }
    out.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.path.cmp(&a.path)));
    Ok(out)
}

/// `20261123T080000.123Z-start.json` → its time.
fn parse_stamp(rest: &str) -> Option<DateTime<Utc>> {
    let stem = rest.strip_suffix(".json")?;
    let (stamp, reason) = stem.split_once("Z-")?;
    if !matches!(reason, "start" | "quit") {
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

/// Writes a backup of `store` now, then keeps only the newest [`KEEP`]. Returns `None` when
/// nothing was written: an empty database, or (on quit) the same content as the newest backup.
pub fn write(store: &Store, reason: Reason, now: DateTime<Utc>) -> Result<Option<PathBuf>, String> {
    let db = store.path();
    let histories = store.histories(true).map_err(|e| e.to_string())?;
    if histories.is_empty() {
        return Ok(None);
    }
    let existing = list(db).map_err(|e| e.to_string())?;
    if reason == Reason::Quit
        && let Some(newest) = existing.first()
        && same_visits(&newest.path, &histories)
    {
        return Ok(None);
    }
    let dir = dir_for(db);
    export::create_private_dir(&dir).map_err(|e| e.message(crate::i18n::Lang::En))?;
    let name = format!(
        "{}-{}Z-{}.json",
        db_name(db),
        now.format("%Y%m%dT%H%M%S%.3f"),
        reason.tag()
    );
    let path = dir.join(name);
    let bundle = bundle::Bundle::new(histories, now, &crate::domain::current_user(), true);
    let bytes = bundle::to_json(&bundle)?;
    // Written under a temporary name and renamed: a backup is whole or absent.
    let tmp = dir.join(format!(".{}.tmp", db_name(db)));
    export::write_private(&tmp, &bytes).map_err(|e| e.message(crate::i18n::Lang::En))?;
    std::fs::rename(&tmp, &path).map_err(|e| e.to_string())?;
    prune(db);
    Ok(Some(path))
}

fn same_visits(file: &Path, histories: &[crate::domain::merge::VisitHistory]) -> bool {
    let Ok(bytes) = std::fs::read(file) else {
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

/// Removes all but the newest [`KEEP`] backups of the database at `db`. Best effort.
fn prune(db: &Path) {
    if let Ok(all) = list(db) {
        for old in all.iter().skip(KEEP) {
            let _ = std::fs::remove_file(&old.path);
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
