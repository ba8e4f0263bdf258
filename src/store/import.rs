//! Bundles in and out of the store: every visit with its audit log, merging visits recorded on
//! other laptops (see [`crate::domain::merge`]), and settling the conflicts a merge leaves.

use std::borrow::Cow;
use std::collections::HashMap;

use uuid::Uuid;

use super::{Result, Store, StoreError, TrashEntry, content, decode, keys};
use crate::domain::merge::{self, Outcome, Trashed, VisitHistory};
use crate::domain::{
    AuditAction, Conflict, FieldChange, Stamp, Visit, VisitSummary, apply_changes,
};

/// What an import did, visit by visit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Visits this database did not have.
    pub added: Vec<Uuid>,
    /// Visits that took changes from the bundles, without a new conflict.
    pub updated: Vec<Uuid>,
    /// Visits the bundles had nothing new for.
    pub unchanged: Vec<Uuid>,
    /// Visits left with a new conflict to settle.
    pub in_conflict: Vec<Uuid>,
}

/// A visit's new state, encoded before the transaction so that the transaction (which sled may
/// run more than once) only moves bytes.
struct Planned {
    visit: Uuid,
    key: [u8; 16],
    /// Keys of its audit events now in the database, all replaced.
    old_keys: Vec<sled::IVec>,
    events: Vec<([u8; 24], sled::IVec)>,
    place: Place,
    /// Where the visit is stored now: only those records are removed (a removal of a key that
    /// is not there still costs sled a log record, and most imported visits are new).
    was_live: bool,
    was_trashed: bool,
}

enum Place {
    Live {
        visit: sled::IVec,
        summary: sled::IVec,
        facts: sled::IVec,
    },
    Trash(sled::IVec),
}

fn bytes<T: serde::Serialize>(value: &T) -> Result<sled::IVec> {
    serde_json::to_vec(value)
        .map(sled::IVec::from)
        .map_err(|e| StoreError::Write(e.to_string()))
}

impl Store {
    /// One visit (live or in the trash) with its audit log.
    pub fn history(&self, id: Uuid) -> Result<Option<VisitHistory>> {
        let key = keys::visit_key(id);
        let (visit, trashed) = if let Some(v) = self.get(id)? {
            (v, None)
        } else if let Some(raw) = self.h()?.trash.get(key).map_err(super::read_error)? {
            let e: TrashEntry = decode(keys::TRASH, &key, &raw)?;
            let t = Trashed {
                at: e.deleted_at,
                by: e.deleted_by,
            };
            (e.visit, Some(t))
        } else {
            return Ok(None);
        };
        Ok(Some(VisitHistory {
            history: self.audit(id)?,
            visit,
            trashed,
        }))
    }

    /// Every live visit with its audit log (and the trashed ones with `include_trash`), in id
    /// order: the content of a bundle.
    pub fn histories(&self, include_trash: bool) -> Result<Vec<VisitHistory>> {
        // Decoding is the costly part (a bundle of 10,000 visits is some 200 MB of JSON): read
        // the records here, decode each visit with its log on all cores.
        let raw: Vec<(sled::IVec, sled::IVec)> = self
            .h()?
            .visits
            .iter()
            .collect::<std::result::Result<_, _>>()
            .map_err(super::read_error)?;
        let mut out = crate::par::map(&raw, |(k, v)| {
            let visit: Visit = decode(keys::VISITS, k, v)?;
            Ok(VisitHistory {
                history: self.audit(visit.id)?,
                visit,
                trashed: None,
            })
        })
        .into_iter()
        .collect::<Result<Vec<VisitHistory>>>()?;
        if include_trash {
            for e in self.trash()? {
                out.push(VisitHistory {
                    history: self.audit(e.visit.id)?,
                    trashed: Some(Trashed {
                        at: e.deleted_at,
                        by: e.deleted_by,
                    }),
                    visit: e.visit,
                });
            }
            out.sort_by_key(|h| h.visit.id);
        }
        Ok(out)
    }

    /// Merges visits from other databases (already validated, e.g. by
    /// [`crate::export::bundle::parse`]) into this one, in one transaction: either every visit
    /// is merged or, on any error, nothing is written.
    pub fn import_histories(&self, incoming: &[VisitHistory]) -> Result<ImportSummary> {
        // Each touched visit as it is in the database, and (only if it changes) as merged so far.
        let mut before: HashMap<Uuid, Option<VisitHistory>> = HashMap::new();
        let mut now: HashMap<Uuid, Cow<'_, VisitHistory>> = HashMap::new();
        let mut order: Vec<Uuid> = Vec::new();
        for remote in incoming {
            let id = remote.visit.id;
            if let std::collections::hash_map::Entry::Vacant(slot) = before.entry(id) {
                slot.insert(self.history(id)?);
                order.push(id);
            }
            let current = match now.get(&id) {
                Some(h) => Some(h.as_ref()),
                None => before.get(&id).and_then(Option::as_ref),
            };
            let merged = match current {
                None => Cow::Borrowed(remote),
                Some(local) => match merge::merge(local, remote)
                    .map_err(|detail| StoreError::Merge { id, detail })?
                {
                    Outcome::Unchanged => continue,
                    Outcome::Replaced(h) | Outcome::Merged(h) => Cow::Owned(h),
                },
            };
            now.insert(id, merged);
        }

        let mut summary = ImportSummary::default();
        let mut changed = Vec::with_capacity(now.len());
        for id in order {
            let Some(new) = now.remove(&id) else {
                summary.unchanged.push(id);
                continue;
            };
            let had: Vec<Uuid> = match before.get(&id).and_then(Option::as_ref) {
                Some(old) => old.visit.conflicts.iter().map(|c| c.id).collect(),
                None => Vec::new(),
            };
            if new.visit.conflicts.iter().any(|c| !had.contains(&c.id)) {
                summary.in_conflict.push(id);
            } else if matches!(before.get(&id), Some(Some(_))) {
                summary.updated.push(id);
            } else {
                summary.added.push(id);
            }
            changed.push(new);
        }
        if changed.is_empty() {
            return Ok(summary);
        }
        // Encoding is the costly part; each visit is encoded on its own, on all cores.
        let planned = crate::par::map(&changed, |h| self.plan(h))
            .into_iter()
            .collect::<Result<Vec<Planned>>>()?;
        // The newest event written marks the commit (see `Store::commit`).
        let (last_visit, last_seq) = planned
            .iter()
            .flat_map(|p| p.events.iter().map(move |(k, _)| (p.visit, k)))
            .filter_map(|(v, k)| Some((v, u64::from_be_bytes(k.get(16..24)?.try_into().ok()?))))
            .max_by_key(|(_, seq)| *seq)
            .unwrap_or_default();
        self.commit_event(last_visit, last_seq, |visits, derived, trash, audit| {
            for p in &planned {
                for k in &p.old_keys {
                    audit.remove(k.as_ref())?;
                }
                for (k, e) in &p.events {
                    audit.insert(k, e.clone())?;
                }
                match &p.place {
                    Place::Live {
                        visit,
                        summary,
                        facts,
                    } => {
                        if p.was_trashed {
                            trash.remove(&p.key)?;
                        }
                        visits.insert(&p.key, visit.clone())?;
                        derived.summaries.insert(&p.key, summary.clone())?;
                        derived.facts.insert(&p.key, facts.clone())?;
                    }
                    Place::Trash(entry) => {
                        if p.was_live {
                            visits.remove(&p.key)?;
                            derived.remove(&p.key)?;
                        }
                        trash.insert(&p.key, entry.clone())?;
                    }
                }
            }
            Ok(())
        })?;
        Ok(summary)
    }

    fn plan(&self, h: &VisitHistory) -> Result<Planned> {
        let v = &h.visit;
        let key = keys::visit_key(v.id);
        let db = self.h()?;
        let mut old_keys = Vec::new();
        for k in db.audit.scan_prefix(key).keys() {
            old_keys.push(k.map_err(super::read_error)?);
        }
        let was_live = db.visits.contains_key(key).map_err(super::read_error)?;
        let was_trashed = db.trash.contains_key(key).map_err(super::read_error)?;
        drop(db);
        let mut events = Vec::with_capacity(h.history.len());
        for e in &h.history {
            events.push((keys::audit_key(v.id, self.next_seq()?), bytes(e)?));
        }
        let place = match &h.trashed {
            None => Place::Live {
                visit: bytes(v)?,
                summary: bytes(&VisitSummary::from(v))?,
                facts: bytes(&crate::domain::VisitFacts::from(v))?,
            },
            Some(t) => Place::Trash(bytes(&TrashEntry {
                deleted_at: t.at,
                deleted_by: t.by.clone(),
                visit: v.clone(),
            })?),
        };
        Ok(Planned {
            visit: v.id,
            key,
            old_keys,
            events,
            place,
            was_live,
            was_trashed,
        })
    }

    /// The open conflicts of a live visit.
    pub fn conflicts(&self, id: Uuid) -> Result<Vec<Conflict>> {
        let v = self
            .get(id)?
            .ok_or_else(|| StoreError::NotFound(id.to_string()))?;
        Ok(v.conflicts)
    }

    /// Settles conflict `conflict` of visit `id` with its candidate number `choice` (0 is the
    /// value the visit holds now): the field takes that value and the conflict is closed, as
    /// one audited change (an amendment when the visit is final; `reason` is recorded).
    pub fn resolve_conflict(
        &self,
        id: Uuid,
        conflict: Uuid,
        choice: usize,
        stamp: &Stamp,
        reason: &str,
    ) -> Result<Visit> {
        let missing = || StoreError::NoSuchConflict {
            id,
            conflict,
            choice,
        };
        let visit = self
            .get(id)?
            .ok_or_else(|| StoreError::NotFound(id.to_string()))?;
        let c = visit
            .conflicts
            .iter()
            .find(|c| c.id == conflict)
            .ok_or_else(missing)?;
        let picked = c.candidates.get(choice).ok_or_else(missing)?;
        let mut value = content(&visit);
        let change = FieldChange {
            path: c.path.clone(),
            old: merge::value_at(&value, &c.path).cloned(),
            new: picked.value.clone(),
        };
        let fail = |detail: String| StoreError::Merge { id, detail };
        if change.old != change.new {
            apply_changes(&mut value, &[change]).map_err(fail)?;
        }
        let mut settled =
            merge::from_content(value, visit.revision, visit.updated).map_err(fail)?;
        settled.conflicts.retain(|c| c.id != conflict);
        // Settling a conflict of a final visit changes final content: an amendment, counted as
        // one like any other.
        let action = if settled.is_final() {
            settled.amendments += 1;
            AuditAction::Amend
        } else {
            AuditAction::Edit
        };
        match self.update(&settled, stamp, action, reason)? {
            Some(v) => Ok(v),
            None => Ok(visit),
        }
    }
}
