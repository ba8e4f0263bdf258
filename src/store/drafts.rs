//! Typed text that is not part of a visit yet: the unsaved drafts of each visit and the journal
//! of the editor being typed in. Both live in the `meta` tree (no new tree: sled's space use
//! grows with trees) and are not audited: they are not content of the visit.

use uuid::Uuid;

use super::{Result, Store, keys};
use crate::domain::{Draft, Journal};

impl Store {
    /// Replaces the unsaved drafts of a visit (none removes the record) and flushes: a draft
    /// is what the auditor was promised is kept.
    pub fn set_drafts(&self, visit: Uuid, drafts: &[Draft]) -> Result<()> {
        self.check_writable()?;
        let h = self.h()?;
        let key = keys::drafts_slot(visit);
        let written = if drafts.is_empty() {
            h.meta.remove(key).map(|_| ())
        } else {
            let bytes = serde_json::to_vec(drafts).unwrap_or_default();
            let sealed = h.seal(keys::META, &key, &bytes)?;
            h.meta.insert(key, sealed).map(|_| ())
        };
        let flushed = written.and_then(|()| h.db.flush().map(|_| ()));
        drop(h);
        flushed.map_err(|e| self.write_failed(e))
    }

    /// The unsaved drafts of a visit; an unreadable record reads as none (it is a convenience
    /// copy of typing, never the visit itself).
    pub fn drafts(&self, visit: Uuid) -> Vec<Draft> {
        self.h()
            .ok()
            .and_then(|h| {
                h.read(&h.meta, keys::META, &keys::drafts_slot(visit))
                    .ok()
                    .flatten()
            })
            .and_then(|raw| serde_json::from_slice(&raw).ok())
            .unwrap_or_default()
    }

    /// Writes (or with `None` clears) the journal of the open editor. `flush` makes it durable
    /// now; without it sled writes it within its own flush interval or with the next commit.
    pub fn set_journal(&self, journal: Option<&Journal>, flush: bool) -> Result<()> {
        self.check_writable()?;
        let h = self.h()?;
        let written = match journal {
            Some(j) => {
                let bytes = serde_json::to_vec(j).unwrap_or_default();
                let sealed = h.seal(keys::META, keys::JOURNAL, &bytes)?;
                h.meta.insert(keys::JOURNAL, sealed).map(|_| ())
            }
            None => h.meta.remove(keys::JOURNAL).map(|_| ()),
        };
        let done = if flush {
            written.and_then(|()| h.db.flush().map(|_| ()))
        } else {
            written
        };
        drop(h);
        done.map_err(|e| self.write_failed(e))
    }

    /// The journal left by the last session, if its editor was not closed.
    pub fn journal(&self) -> Option<Journal> {
        let h = self.h().ok()?;
        let raw = h.read(&h.meta, keys::META, keys::JOURNAL).ok()??;
        serde_json::from_slice(&raw).ok()
    }
}
