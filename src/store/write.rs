//! Writing visits: create, update (and settle), delete, restore. Each is one transaction.

use std::sync::PoisonError;

use uuid::Uuid;

use crate::domain::{AuditAction, FieldChange, Stamp, Visit, new_id};

use super::commit::{
    abort, changes_between, content, decode_tx, encode, put_derived, put_event, put_visit,
    stored_revision, tx_put, tx_remove,
};
use super::encode::{Encoded, Layout};
use super::tally::Kind;
use super::{Result, Store, StoreError, TrashEntry, keys, write_error};

impl Store {
    /// Stores a new visit as revision 1, with a `create` audit event holding its whole content.
    pub fn create(&self, visit: &Visit, stamp: &Stamp) -> Result<Visit> {
        self.create_as(visit, stamp, new_id())
    }

    /// [`Store::create`] with a given creation event id: a visit created the same way on
    /// every laptop (the sample visit) then has the same creation event everywhere, and the
    /// laptops' later edits read as branches of one history rather than two histories.
    pub fn create_as(&self, visit: &Visit, stamp: &Stamp, event_id: Uuid) -> Result<Visit> {
        let mut v = visit.clone();
        v.revision = 1;
        v.updated = stamp.at;
        let change = FieldChange {
            path: String::new(),
            old: None,
            new: Some(content(&v)),
        };
        let mut event = self.event(&v, stamp, AuditAction::Create, "", vec![change], None, None);
        event.id = event_id;
        crate::domain::chain::seal(&mut event, Vec::new());
        let seq = self.next_seq()?;
        let key = keys::visit_key(v.id);
        self.commit_event(v.id, seq, |visits, summaries, trash, audit| {
            if visits.get(key)?.is_some() || trash.get(key)?.is_some() {
                return abort(StoreError::AlreadyExists(v.id));
            }
            put_visit(visits, summaries, &v)?;
            put_event(audit, seq, &event)
        })?;
        Ok(v)
    }

    /// Commits `visit` as the next revision of the stored one, with an audit event of the fields
    /// that changed. Returns `None` (and writes nothing) when nothing changed. Fails with
    /// [`StoreError::Stale`] when `visit` was not based on the stored revision.
    ///
    /// This runs for every committed field of an interview, so it avoids decoding the stored
    /// visit: the new revision is encoded once, and the audit diff compares the stored bytes with
    /// the new ones member by member (see [`crate::domain::diff_encoded`]).
    pub fn update(
        &self,
        visit: &Visit,
        stamp: &Stamp,
        action: AuditAction,
        reason: &str,
    ) -> Result<Option<Visit>> {
        self.update_settling(visit, stamp, action, reason, None)
    }

    /// [`Store::update`] of an event that settles a conflict (`settles`).
    pub(super) fn update_settling(
        &self,
        visit: &Visit,
        stamp: &Stamp,
        action: AuditAction,
        reason: &str,
        settles: Option<crate::domain::Settlement>,
    ) -> Result<Option<Visit>> {
        let mut new = visit.clone();
        new.revision = visit.revision + 1;
        new.updated = stamp.at;
        // The event follows the log's head. Read before the transaction (which cannot scan):
        // a commit in between changes the revision, which the transaction refuses as stale.
        let cached_head = self
            .shared
            .head
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .filter(|(id, rev, _)| *id == visit.id && *rev == visit.revision)
            .map(|(_, _, h)| h);
        let head = match cached_head {
            Some(h) => Some(h),
            None => self.head_hash(visit.id)?,
        };
        if action == AuditAction::Finalise
            && let Some(f) = new.finalisation.as_mut()
            && f.chain.is_empty()
            && f.digest == crate::domain::digest(visit)
        {
            f.chain = head.clone().unwrap_or_default();
            f.digest = crate::domain::digest_chained(visit, &f.chain);
        }
        let seq = self.next_seq()?;
        let key = keys::visit_key(visit.id);
        // Taken out, not held through the commit (a failed write reopens the store from within
        // it); it is used only if its bytes are the ones stored, checked in the transaction.
        let cached = self
            .shared
            .last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let prev = cached.as_ref().filter(|(e, _)| e.visit.id == visit.id);
        let written = self.commit_event(visit.id, seq, |visits, derived, _trash, audit| {
            let Some(stored_bytes) = visits.get_stored(key)? else {
                return abort(StoreError::NotFound(visit.id.to_string()));
            };
            let stale = |stored| {
                abort(StoreError::Stale {
                    id: visit.id,
                    stored,
                    based_on: visit.revision,
                })
            };
            let (layout, changes) = match prev.filter(|(_, stored)| *stored == stored_bytes) {
                Some((p, _)) if p.visit.revision != visit.revision => {
                    return stale(p.visit.revision);
                }
                Some((p, _)) => {
                    let layout = p.layout(&new).or_else(|e| abort(write_error(e)))?;
                    let changes = p.changes_to(&layout).or_else(|e| abort(write_error(e)))?;
                    (layout, changes)
                }
                None => {
                    let raw = visits.open(&key, &stored_bytes)?;
                    let stored = stored_revision(&key, &raw)?;
                    if stored != visit.revision {
                        return stale(stored);
                    }
                    let layout = Layout::new(&new).or_else(|e| abort(write_error(e)))?;
                    let changes = changes_between(&key, &raw, &layout.bytes)?;
                    (layout, changes)
                }
            };
            if changes.is_empty() {
                return Ok(None);
            }
            let as_stored = tx_put(visits, Kind::Visit, &key, layout.bytes.clone())?;
            put_derived(derived, &new)?;
            let event = self.event(
                &new,
                stamp,
                action,
                reason,
                changes,
                head.as_deref(),
                settles.clone(),
            );
            put_event(audit, seq, &event)?;
            Ok(Some((layout, as_stored, event.hash)))
        });
        let (keep, saved) = match written {
            Ok(Some((layout, stored, hash))) => {
                *self
                    .shared
                    .head
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = Some((new.id, new.revision, hash));
                let next = Encoded::from_layout(new.clone(), layout);
                (Some((next, stored)), Ok(Some(new)))
            }
            Ok(None) => (cached, Ok(None)),
            // A write reported as failed may have reached the disk after all (sled flushes as
            // it closes, during the reopen, and the disk may have had room again by then): the
            // retry then finds its own change stored as the next revision. That is a save.
            Err(StoreError::Stale { stored, .. }) if stored == visit.revision + 1 => {
                match self.get(visit.id) {
                    Ok(Some(now))
                        if crate::domain::same_content(&content(&now), &content(visit)) =>
                    {
                        (None, Ok(Some(now)))
                    }
                    _ => (
                        cached,
                        Err(StoreError::Stale {
                            id: visit.id,
                            stored,
                            based_on: visit.revision,
                        }),
                    ),
                }
            }
            Err(e) => (cached, Err(e)),
        };
        *self
            .shared
            .last
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = keep;
        saved
    }

    /// Moves a visit to the trash. Nothing is lost: [`Store::restore`] brings it back.
    pub fn delete(&self, id: Uuid, stamp: &Stamp) -> Result<()> {
        let head = self.head_hash(id)?;
        let seq = self.next_seq()?;
        let key = keys::visit_key(id);
        self.commit_event(id, seq, |visits, summaries, trash, audit| {
            let Some(raw) = visits.get(key)? else {
                return abort(StoreError::NotFound(id.to_string()));
            };
            let mut v: Visit = decode_tx(keys::VISITS, &key, &raw)?;
            v.revision += 1;
            v.updated = stamp.at;
            let entry = TrashEntry {
                deleted_at: stamp.at,
                deleted_by: stamp.actor.clone(),
                visit: v,
            };
            tx_remove(visits, Kind::Visit, &key)?;
            summaries.remove(&key)?;
            tx_put(trash, Kind::Trash, &key, encode(&entry)?.into())?;
            put_event(
                audit,
                seq,
                &self.event(
                    &entry.visit,
                    stamp,
                    AuditAction::Delete,
                    "",
                    vec![],
                    head.as_deref(),
                    None,
                ),
            )
        })
    }

    /// Brings a visit back from the trash.
    pub fn restore(&self, id: Uuid, stamp: &Stamp) -> Result<Visit> {
        let head = self.head_hash(id)?;
        let seq = self.next_seq()?;
        let key = keys::visit_key(id);
        self.commit_event(id, seq, |visits, summaries, trash, audit| {
            let Some(raw) = trash.get(key)? else {
                return abort(StoreError::NotFound(id.to_string()));
            };
            let entry: TrashEntry = decode_tx(keys::TRASH, &key, &raw)?;
            let mut v = entry.visit;
            v.revision += 1;
            v.updated = stamp.at;
            tx_remove(trash, Kind::Trash, &key)?;
            put_visit(visits, summaries, &v)?;
            put_event(
                audit,
                seq,
                &self.event(
                    &v,
                    stamp,
                    AuditAction::Restore,
                    "",
                    vec![],
                    head.as_deref(),
                    None,
                ),
            )?;
            Ok(v)
        })
    }
}
