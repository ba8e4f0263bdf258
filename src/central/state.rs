//! What this database knows of its central server, in `pantau-central.json` in the database
//! folder (owner-only; written through a temporary file and a rename, so a kill leaves the old
//! or the new state, never half of one). No password is ever in it.
//!
//! `sent` holds, per visit, the fingerprint (revision, time of the last change, live or in
//! the trash) of what the server has of it from this laptop: a visit whose fingerprint changed
//! is sent at the next sync. `cursor` is the last head of another laptop merged here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::CentralError;

pub const FILE: &str = "pantau-central.json";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncState {
    /// The server, without a password.
    pub url: String,
    /// The server's own id (`pantau.server`).
    pub server: Uuid,
    pub team: String,
    pub device: Uuid,
    pub device_name: String,
    #[serde(default)]
    pub cursor: i64,
    /// The teams whose visits this laptop could read at the last sync: when that changes, the
    /// heads are read again from the start.
    #[serde(default)]
    pub readable: Vec<String>,
    #[serde(default)]
    pub last_sync: Option<DateTime<Utc>>,
    #[serde(default)]
    pub sent: BTreeMap<Uuid, String>,
    /// Visits of other teams held here (read, never sent).
    #[serde(default)]
    pub foreign: BTreeSet<Uuid>,
}

impl SyncState {
    pub fn path(db: &Path) -> PathBuf {
        db.join(FILE)
    }

    /// The state of the database at `db`, `None` when it was never enrolled.
    pub fn load(db: &Path) -> Result<Option<SyncState>, CentralError> {
        let path = Self::path(db);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| CentralError::State(format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(CentralError::State(format!("{}: {e}", path.display()))),
        }
    }

    pub fn save(&self, db: &Path) -> Result<(), CentralError> {
        let bytes = serde_json::to_vec(self).map_err(|e| CentralError::State(e.to_string()))?;
        let path = Self::path(db);
        super::conn::write_private(&path, &bytes)
            .map_err(|e| CentralError::State(format!("{}: {e}", path.display())))
    }
}

/// When this database last synced, if it ever did (for the TUI's status line).
pub fn last_sync(db: &Path) -> Option<DateTime<Utc>> {
    SyncState::load(db).ok().flatten().and_then(|s| s.last_sync)
}
