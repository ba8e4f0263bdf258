//! Bundles in and out of the store: every visit with its audit log, merging visits recorded on
//! other laptops (see [`crate::domain::merge`]), and settling the conflicts a merge leaves.

use std::collections::HashMap;

use uuid::Uuid;

use super::{Result, Store, StoreError, TrashEntry, content, decode, encode, keys};
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

/// A visit's new state, decided before anything is written.
struct Planned {
    history: VisitHistory,
    /// Keys of its audit events now in the database, all replaced.
    old_keys: Vec<sled::IVec>,
    /// A sequence number for each event of `history.history`.
    seqs: Vec<u64>,
}

impl Store {
    /// One visit (live or in the trash) with its audit log.
    pub fn history(&self, id: Uuid) -> Result<Option<VisitHistory>> {
        let key = keys::visit_key(id);
        let (visit, trashed) = if let Some(v) = self.get(id)? {
            (v, None)
        } else if let Some(raw) = self.trash.get(key).map_err(super::read_error)? {
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
        let mut out = Vec::new();
        for v in self.visits()? {
            out.push(VisitHistory {
                history: self.audit(v.id)?,
                visit: v,
                trashed: None,
            });
        }
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
        // The state of each touched visit before the import, and as merged so far.
        let mut before: HashMap<Uuid, Option<VisitHistory>> = HashMap::new();
        let mut now: HashMap<Uuid, VisitHistory> = HashMap::new();
        let mut order: Vec<Uuid> = Vec::new();
        for remote in incoming {
            let id = remote.visit.id;
            if !before.contains_key(&id) {
                let local = self.history(id)?;
                if let Some(l) = &local {
                    now.insert(id, l.clone());
                }
                before.insert(id, local);
                order.push(id);
            }
            match now.get(&id) {
                None => {
                    now.insert(id, remote.clone());
                }
                Some(local) => match merge::merge(local, remote)
                    .map_err(|detail| StoreError::Merge { id, detail })?
                {
                    Outcome::Unchanged => {}
                    Outcome::Replaced(h) | Outcome::Merged(h) => {
                        now.insert(id, h);
                    }
                },
            }
        }

        let mut summary = ImportSummary::default();
        let mut plans = Vec::new();
        for id in order {
            let (Some(old), Some(new)) = (before.get(&id), now.remove(&id)) else {
                continue;
            };
            match old {
                Some(old) if *old == new => summary.unchanged.push(id),
                Some(old) => {
                    let had: Vec<Uuid> = old.visit.conflicts.iter().map(|c| c.id).collect();
                    if new.visit.conflicts.iter().any(|c| !had.contains(&c.id)) {
                        summary.in_conflict.push(id);
                    } else {
                        summary.updated.push(id);
                    }
                    plans.push(new);
                }
                None if new.visit.in_conflict() => {
                    summary.in_conflict.push(id);
                    plans.push(new);
                }
                None => {
                    summary.added.push(id);
                    plans.push(new);
                }
            }
        }
        let mut planned = Vec::with_capacity(plans.len());
        for history in plans {
            let mut old_keys = Vec::new();
            for k in self
                .audit
                .scan_prefix(keys::visit_key(history.visit.id))
                .keys()
            {
                old_keys.push(k.map_err(super::read_error)?);
            }
            let seqs = (0..history.history.len())
                .map(|_| self.next_seq())
                .collect::<Result<Vec<u64>>>()?;
            planned.push(Planned {
                history,
                old_keys,
                seqs,
            });
        }
        if planned.is_empty() {
            return Ok(summary);
        }
        self.commit(|visits, summaries, trash, audit| {
            for p in &planned {
                let v = &p.history.visit;
                let key = keys::visit_key(v.id);
                for k in &p.old_keys {
                    audit.remove(k.as_ref())?;
                }
                for (e, seq) in p.history.history.iter().zip(&p.seqs) {
                    audit.insert(&keys::audit_key(v.id, *seq), encode(e)?)?;
                }
                match &p.history.trashed {
                    None => {
                        trash.remove(&key)?;
                        visits.insert(&key, encode(v)?)?;
                        summaries.insert(&key, encode(&VisitSummary::from(v))?)?;
                    }
                    Some(t) => {
                        visits.remove(&key)?;
                        summaries.remove(&key)?;
                        let entry = TrashEntry {
                            deleted_at: t.at,
                            deleted_by: t.by.clone(),
                            visit: v.clone(),
                        };
                        trash.insert(&key, encode(&entry)?)?;
                    }
                }
            }
            Ok(())
        })?;
        if let Some(last) = planned.iter().flat_map(|p| p.seqs.iter()).max() {
            super::open::record_commit(&self.path, *last);
        }
        Ok(summary)
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
        let action = if settled.is_final() {
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
