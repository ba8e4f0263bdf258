//! Opening the database: owner-only directory, sled's lock and corruption errors mapped to
//! clear messages, and the schema check.

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use super::{Result, Store, StoreError, keys, schema};

pub(super) fn open(path: &Path) -> Result<Store> {
    create_private_dir(path).map_err(|e| StoreError::Io {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    let db = open_sled(path)?;
    let damaged = |e: sled::Error| StoreError::Damaged {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    let store = Store {
        meta: db.open_tree(keys::META).map_err(damaged)?,
        visits: db.open_tree(keys::VISITS).map_err(damaged)?,
        summaries: db.open_tree(keys::SUMMARIES).map_err(damaged)?,
        trash: db.open_tree(keys::TRASH).map_err(damaged)?,
        audit: db.open_tree(keys::AUDIT).map_err(damaged)?,
        db,
        path: path.to_path_buf(),
    };
    schema::ensure(&store, schema::MIGRATIONS)?;
    restrict_files(path);
    Ok(store)
}

/// sled has been seen to panic on some damaged files (spacejam/sled#1410); a panic there must
/// become a message, not a crash, and must not print a backtrace at the user.
fn open_sled(path: &Path) -> Result<sled::Db> {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let result = panic::catch_unwind(AssertUnwindSafe(|| sled::Config::new().path(path).open()));
    panic::set_hook(previous);
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

/// sled reports a held lock only as an I/O error with this text (see CRATES.md).
fn map_open_error(path: &Path, e: sled::Error) -> StoreError {
    let path = path.to_path_buf();
    match e {
        sled::Error::Io(io) if io.to_string().contains("could not acquire lock") => {
            StoreError::InUse { path }
        }
        sled::Error::Io(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::NotFound
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
