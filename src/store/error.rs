use std::path::PathBuf;

use uuid::Uuid;

use crate::i18n::{Lang, tf};

/// Everything that can go wrong between Pantau and its database. Each has a message in the
/// user's language (`message`) that names the path and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database is encrypted and was opened without its passphrase.
    #[error("database {path} is encrypted: its passphrase is needed")]
    Locked { path: PathBuf },
    /// The passphrase given does not unlock the database's key. Nothing was touched.
    #[error("the passphrase does not unlock database {path}")]
    WrongPassphrase { path: PathBuf },
    #[error("database {path} is in use by another process")]
    InUse { path: PathBuf },
    /// Found on a copy before sled had the files: they are as they were.
    #[error("database {path} is damaged or unreadable: {detail}")]
    Damaged { path: PathBuf, detail: String },
    /// Found while the database was open (sled had the files): damage, stopped before it
    /// could spread, with no promise about the files.
    #[error("the database is damaged: {detail}")]
    Corrupt { detail: String },
    #[error("database {path} has schema {found}, newer than the supported {supported}")]
    TooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("cannot create or open {path}: {detail}")]
    Io { path: PathBuf, detail: String },
    #[error("write failed: {0}")]
    Write(String),
    #[error("write failed: the disk is full")]
    DiskFull,
    #[error("write failed: {path} cannot be written")]
    ReadOnly { path: PathBuf },
    #[error("the database could not be reopened after a failed write: {0}")]
    NotReopened(String),
    #[error("sled could not close the database after a failed write; restart Pantau")]
    Stuck,
    #[error("record {key} cannot be read: {detail}")]
    Decode { key: String, detail: String },
    #[error("no visit matches {0}")]
    NotFound(String),
    #[error("{prefix} matches {count} visits")]
    Ambiguous { prefix: String, count: usize },
    #[error("visit {0} already exists")]
    AlreadyExists(Uuid),
    #[error("visit {id} cannot be merged: {detail}")]
    Merge { id: Uuid, detail: String },
    #[error("visit {id}: event {event} arrived with content other than the stored one")]
    Rewritten { id: Uuid, event: Uuid },
    #[error("visit {id} has no conflict {conflict} with choice {choice}")]
    NoSuchConflict {
        id: Uuid,
        conflict: Uuid,
        choice: usize,
    },
    #[error("visit {id} has no attendee or handover named {query}")]
    NoSuchPerson { id: Uuid, query: String },
    #[error("{query} names {} people in visit {id}", matches.len())]
    AmbiguousPerson {
        id: Uuid,
        query: String,
        matches: Vec<String>,
    },
    #[error("visit {id} changed meanwhile (revision {stored}, edit based on {based_on})")]
    Stale {
        id: Uuid,
        stored: u64,
        based_on: u64,
    },
}

impl StoreError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            StoreError::Locked { path } => tf(lang, "store.locked", &[&path.display()]),
            StoreError::WrongPassphrase { path } => {
                tf(lang, "store.wrong_passphrase", &[&path.display()])
            }
            StoreError::InUse { path } => tf(lang, "store.in_use", &[&path.display()]),
            StoreError::Damaged { path, detail } => {
                tf(lang, "store.damaged", &[&path.display(), detail])
            }
            StoreError::Corrupt { detail } => tf(lang, "integrity.corrupt", &[detail]),
            StoreError::TooNew {
                path,
                found,
                supported,
            } => tf(lang, "store.too_new", &[&path.display(), found, supported]),
            StoreError::Io { path, detail } => tf(lang, "store.io", &[&path.display(), detail]),
            StoreError::Write(detail) => tf(lang, "store.write", &[detail]),
            StoreError::DiskFull => tf(lang, "store.disk_full", &[]),
            StoreError::ReadOnly { path } => tf(lang, "store.read_only", &[&path.display()]),
            StoreError::NotReopened(detail) => tf(lang, "store.not_reopened", &[detail]),
            StoreError::Stuck => tf(lang, "store.stuck", &[]),
            StoreError::Decode { key, detail } => tf(lang, "store.decode", &[key, detail]),
            StoreError::NotFound(what) => tf(lang, "store.not_found", &[what]),
            StoreError::Ambiguous { prefix, count } => {
                tf(lang, "store.ambiguous", &[prefix, count])
            }
            StoreError::AlreadyExists(id) => tf(lang, "store.exists", &[id]),
            StoreError::Stale { id, .. } => tf(lang, "store.stale", &[id]),
            StoreError::Merge { id, detail } => tf(lang, "import.merge_failed", &[id, detail]),
            StoreError::Rewritten { id, event } => tf(lang, "chain.rewritten", &[id, event]),
            StoreError::NoSuchConflict { id, .. } => tf(lang, "import.no_such_conflict", &[id]),
            StoreError::NoSuchPerson { id, query } => tf(lang, "erase.no_person", &[query, id]),
            StoreError::AmbiguousPerson { id, query, matches } => tf(
                lang,
                "erase.ambiguous",
                &[query, &matches.len(), id, &matches.join("; ")],
            ),
        }
    }

    /// Whether the database itself cannot be used (as opposed to one failed request).
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            StoreError::InUse { .. }
                | StoreError::Locked { .. }
                | StoreError::WrongPassphrase { .. }
                | StoreError::Damaged { .. }
                | StoreError::Corrupt { .. }
                | StoreError::TooNew { .. }
                | StoreError::Io { .. }
                // A record Pantau wrote that no longer reads is damage too.
                | StoreError::Decode { .. }
        )
    }
}

impl StoreError {
    /// A write that sled (or the file system under it) refused, with a full disk and a folder
    /// that cannot be written named as such: those are the ones a user can fix.
    pub(super) fn from_write(e: &sled::Error, path: &std::path::Path) -> StoreError {
        use std::io::ErrorKind;
        if let sled::Error::Io(io) = e {
            // 28: ENOSPC on Unix; 39 and 112: ERROR_HANDLE_DISK_FULL and ERROR_DISK_FULL on
            // Windows.
            let full = match io.raw_os_error() {
                #[cfg(windows)]
                Some(39 | 112) => true,
                #[cfg(not(windows))]
                Some(28) => true,
                _ => false,
            };
            if full || matches!(io.kind(), ErrorKind::StorageFull | ErrorKind::QuotaExceeded) {
                return StoreError::DiskFull;
            }
            if matches!(
                io.kind(),
                ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem
            ) {
                return StoreError::ReadOnly {
                    path: path.to_path_buf(),
                };
            }
        }
        StoreError::Write(e.to_string())
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
