//! Bundles in and out of the store: every visit with its audit log, merging visits recorded on
//! other laptops (see [`crate::domain::merge`]), and settling the conflicts a merge leaves.

use std::borrow::Cow;
use std::collections::HashMap;

use uuid::Uuid;

use super::tally::{self, Kind};
use super::{Handles, Result, Store, StoreError, TrashEntry, content, decode, keys};
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
    /// Visits held here that took an erasure from the bundles (or carried one onto what the
    /// bundles brought): the old values are still in the files until they are rewritten.
    pub erased: Vec<Uuid>,
}

/// A visit with its audit log as stored (see [`Store::stored_histories`]).
pub enum StoredHistory {
    /// A live visit: its record and its log's, as stored.
    Live {
        id: Uuid,
        visit: StoredRecord,
        history: Vec<StoredRecord>,
    },
    /// A visit in the trash, decoded (rare: boxed).
    Trashed(Box<VisitHistory>),
}

/// One record as stored: sled's own buffer, still sealed in an encrypted database. It is opened
/// only as it is appended to the output ([`StoredRecord::append_to`]), so that an export holds
/// no second, plain copy of every record.
pub struct StoredRecord {
    tree: &'static str,
    key: sled::IVec,
    raw: sled::IVec,
    vault: super::Vault,
}

impl StoredRecord {
    /// Appends the record's JSON to `out`, checked for damage; damage leaves `out` as it was.
    /// A sealed record that opens is, by its authentication tag, byte for byte what the store
    /// wrote (serde_json's output); a plain one is parsed.
    pub fn append_to(&self, out: &mut Vec<u8>) -> Result<()> {
        let at = out.len();
        self.vault.open_into(self.tree, &self.key, &self.raw, out)?;
        if self.vault.is_sealed() {
            return Ok(());
        }
        let parsed = serde_json::from_slice::<serde::de::IgnoredAny>(&out[at..]);
        parsed.map(|_| ()).map_err(|e| {
            out.truncate(at);
            StoreError::Decode {
                key: keys::describe(self.tree, &self.key),
                detail: e.to_string(),
            }
        })
    }

    /// About the length of the record's JSON (a sealed one is 41 bytes longer).
    pub fn len_hint(&self) -> usize {
        self.raw.len()
    }
}

impl StoredHistory {
    /// Sorts like the visit's id (the stored key is the id's bytes).
    fn key(&self) -> &[u8] {
        match self {
            StoredHistory::Live { id, .. } => id.as_bytes(),
            StoredHistory::Trashed(h) => h.visit.id.as_bytes(),
        }
    }
}

/// A visit's new state, encoded before the transaction so that the transaction (which sled may
/// run more than once) only moves bytes.
pub(super) struct Planned {
    pub(super) visit: Uuid,
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

fn insert_bulk(h: &Handles, n: u32, bulk: &[Planned]) -> Result<(), BulkError> {
    super::pending::begin(h, n, bulk.iter().map(|p| p.key))?;
    let mut sorted: Vec<&Planned> = bulk.iter().collect();
    sorted.sort_unstable_by_key(|p| p.key);
    for p in &sorted {
        match &p.place {
            Place::Live { visit, .. } => h
                .visits
                .insert(p.key, h.seal(keys::VISITS, &p.key, visit)?)?,
            Place::Trash(entry) => h.trash.insert(p.key, h.seal(keys::TRASH, &p.key, entry)?)?,
        };
    }
    for p in &sorted {
        if let Place::Live { summary, facts, .. } = &p.place {
            h.summaries
                .insert(p.key, h.seal(keys::SUMMARIES, &p.key, summary)?)?;
            h.facts.insert(p.key, h.seal(keys::FACTS, &p.key, facts)?)?;
        }
    }
    // Audit keys start with the visit's key and go up with each event: already in order.
    for (k, e) in sorted.iter().flat_map(|p| &p.events) {
        h.audit.insert(k, h.seal(keys::AUDIT, k, e)?)?;
    }
    Ok(())
}

/// Why a bulk write failed: in sled, or sealing a value.
enum BulkError {
    Sled(sled::Error),
    Store(StoreError),
}

impl From<sled::Error> for BulkError {
    fn from(e: sled::Error) -> BulkError {
        BulkError::Sled(e)
    }
}

impl From<StoreError> for BulkError {
    fn from(e: StoreError) -> BulkError {
        BulkError::Store(e)
    }
}

impl Planned {
    /// Whether the visit has no record here at all: it can be written in bulk.
    pub(super) fn is_new(&self) -> bool {
        !self.was_live && !self.was_trashed && self.old_keys.is_empty()
    }

    /// The visit with its log again, as planned (an import that holds a visit new here and
    /// then meets a second copy of it merges the two).
    pub(super) fn decode(&self) -> Result<VisitHistory> {
        let history = (self.events.iter())
            .map(|(k, e)| decode(keys::AUDIT, k, e))
            .collect::<Result<_>>()?;
        Ok(match &self.place {
            Place::Live { visit, .. } => VisitHistory {
                visit: decode(keys::VISITS, &self.key, visit)?,
                trashed: None,
                history,
            },
            Place::Trash(entry) => {
                let entry: TrashEntry = decode(keys::TRASH, &self.key, entry)?;
                VisitHistory {
                    visit: entry.visit,
                    trashed: Some(Trashed {
                        at: entry.deleted_at,
                        by: entry.deleted_by,
                    }),
                    history,
                }
            }
        })
    }

    /// The sequence number of its newest event.
    pub(super) fn last_seq(&self) -> Option<u64> {
        self.events
            .iter()
            .filter_map(|(k, _)| Some(u64::from_be_bytes(k.get(16..24)?.try_into().ok()?)))
            .max()
    }
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
        } else if let Some(raw) = {
            let h = self.h()?;
            h.read(&h.trash, keys::TRASH, &key)?
        } {
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
        let mut raw: Vec<(sled::IVec, sled::IVec)> = Vec::new();
        let limit = self.limit(Kind::Visit);
        let h = self.h()?;
        tally::scan(&h.visits, keys::VISITS, limit, |k, v| {
            raw.push((k.clone(), h.vault.open(keys::VISITS, k, v)?));
            Ok(())
        })?;
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
        drop(h);
        if include_trash {
            out.extend(self.trashed_histories()?);
            out.sort_by_key(|h| h.visit.id);
        }
        Ok(out)
    }

    /// Every visit in the trash with its audit log.
    fn trashed_histories(&self) -> Result<Vec<VisitHistory>> {
        let mut out = Vec::new();
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
        Ok(out)
    }

    /// Every live visit's records as stored, JSON not decoded (and, with `include_trash`, the
    /// visits in the trash, decoded), in id order: what a bundle of everything is written
    /// from without decoding and re-encoding some 200 MB for 10,000 visits.
    pub fn stored_histories(&self, include_trash: bool) -> Result<Vec<StoredHistory>> {
        let db = self.h()?;
        let mut out = Vec::new();
        let events = self.limit(Kind::Event);
        tally::scan(
            &db.visits,
            keys::VISITS,
            self.limit(Kind::Visit),
            |k, visit| {
                let id = Uuid::from_slice(k).map_err(|e| StoreError::Decode {
                    key: keys::describe(keys::VISITS, k),
                    detail: e.to_string(),
                })?;
                let mut history = Vec::new();
                let record = |tree, key: &sled::IVec, raw: &sled::IVec| StoredRecord {
                    tree,
                    key: key.clone(),
                    raw: raw.clone(),
                    vault: db.vault.clone(),
                };
                tally::scan_prefix(&db.audit, keys::AUDIT, k, events, |ek, e| {
                    history.push(record(keys::AUDIT, ek, e));
                    Ok(())
                })?;
                out.push(StoredHistory::Live {
                    id,
                    visit: record(keys::VISITS, k, visit),
                    history,
                });
                Ok(())
            },
        )?;
        drop(db);
        if include_trash {
            let trashed = self.trashed_histories()?.into_iter();
            out.extend(trashed.map(|h| StoredHistory::Trashed(Box::new(h))));
            out.sort_by(|a, b| a.key().cmp(b.key()));
        }
        Ok(out)
    }

    /// Merges visits from other databases (already validated, e.g. by
    /// [`crate::export::bundle::parse`]) into this one: either every visit is merged or, on
    /// any error, nothing is written. (`pantau import` uses an [`super::Importer`] directly, to
    /// encode each visit as soon as it is read instead of holding every parsed visit.)
    pub fn import_histories(&self, incoming: &[VisitHistory]) -> Result<ImportSummary> {
        let importer = self.importer()?;
        let numbered: Vec<(usize, &VisitHistory)> = incoming.iter().enumerate().collect();
        crate::par::map(&numbered, |(i, h)| importer.take(*i, (*h).clone()))
            .into_iter()
            .collect::<Result<Vec<()>>>()?;
        importer.finish()
    }

    /// Merges visits this database has (or that came more than once) with what it holds: the
    /// summary of those visits and each changed visit as it is to be stored.
    pub(super) fn merge_known<'a>(
        &self,
        incoming: &'a [VisitHistory],
    ) -> Result<(ImportSummary, Vec<Cow<'a, VisitHistory>>)> {
        // The copies of each visit, visits in the order they first came.
        let mut groups: Vec<Vec<&'a VisitHistory>> = Vec::new();
        let mut slot: HashMap<Uuid, usize> = HashMap::new();
        for remote in incoming {
            let i = *slot.entry(remote.visit.id).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[i].push(remote);
        }
        // Each visit is read and merged on its own, on all cores (re-importing a bundle of
        // 10,000 known visits decodes 10,000 visits with their logs).
        let merged = crate::par::map(&groups, |copies| self.merge_one(copies));
        let mut summary = ImportSummary::default();
        let mut changed = Vec::new();
        for (copies, m) in groups.iter().zip(merged) {
            let id = copies[0].visit.id;
            let (had, new, erasures_before) = m?;
            if let (Some(_), Some(n)) = (&had, &new)
                && crate::domain::erase::recorded(&n.history).len() > erasures_before
            {
                summary.erased.push(id);
            }
            let Some(new) = new else {
                summary.unchanged.push(id);
                continue;
            };
            let before = had.as_deref().unwrap_or_default();
            if new.visit.conflicts.iter().any(|c| !before.contains(&c.id)) {
                summary.in_conflict.push(id);
            } else if had.is_some() {
                summary.updated.push(id);
            } else {
                summary.added.push(id);
            }
            changed.push(new);
        }
        Ok((summary, changed))
    }

    /// The copies of one visit merged, in order, into what this database holds: the ids of the
    /// conflicts it had here (`None` when it was not here), and the visit as merged when that
    /// changed anything.
    #[allow(clippy::type_complexity)]
    fn merge_one<'a>(
        &self,
        copies: &[&'a VisitHistory],
    ) -> Result<(Option<Vec<Uuid>>, Option<Cow<'a, VisitHistory>>, usize)> {
        let Some(id) = copies.first().map(|h| h.visit.id) else {
            return Ok((None, None, 0));
        };
        let before = self.history(id)?;
        let mut now: Option<Cow<'a, VisitHistory>> = None;
        for remote in copies {
            let merged = match now.as_deref().or(before.as_ref()) {
                None => Cow::Borrowed(*remote),
                // Events are immutable: one this database (or an earlier copy) holds must come
                // back exactly as it is, or the whole import is refused.
                Some(local) => {
                    match crate::domain::chain::rewritten(&local.history, &remote.history) {
                        Some(event) => return Err(StoreError::Rewritten { id, event }),
                        None => match merge::merge(local, remote)
                            .map_err(|detail| StoreError::Merge { id, detail })?
                        {
                            Outcome::Unchanged => continue,
                            Outcome::Replaced(h) => Cow::Owned(h),
                            Outcome::Merged(mut h) => {
                                carry_erasures(&mut h);
                                Cow::Owned(h)
                            }
                        },
                    }
                }
            };
            now = Some(merged);
        }
        let erasures = before
            .as_ref()
            .map_or(0, |b| crate::domain::erase::recorded(&b.history).len());
        let had = before.map(|b| b.visit.conflicts.iter().map(|c| c.id).collect());
        Ok((had, now, erasures))
    }

    /// Writes the merged visits in one transaction that also ends the bulk part of the import
    /// (`notes` batches, see [`super::pending`]); `last` is the import's newest event, which
    /// marks the commit (see `Store::commit`).
    pub(super) fn write_merged(
        &self,
        merged: &[Planned],
        notes: u32,
        last: (Uuid, u64),
    ) -> Result<()> {
        self.commit_event_ending(last.0, last.1, notes, |visits, derived, trash, audit| {
            for p in merged {
                for k in &p.old_keys {
                    audit.remove(k.as_ref())?;
                }
                for (k, e) in &p.events {
                    audit.insert(k, e)?;
                }
                match &p.place {
                    Place::Live {
                        visit,
                        summary,
                        facts,
                    } => {
                        if p.was_trashed {
                            trash.remove(p.key)?;
                        }
                        visits.insert(p.key, visit)?;
                        derived.summaries.insert(p.key, summary)?;
                        derived.facts.insert(p.key, facts)?;
                    }
                    Place::Trash(entry) => {
                        if p.was_live {
                            visits.remove(p.key)?;
                            derived.remove(&p.key)?;
                        }
                        trash.insert(p.key, entry)?;
                    }
                }
            }
            Ok(())
        })
    }

    /// Writes batch `n` of the visits new here with plain inserts, tree by tree in key order,
    /// after noting them (see [`super::pending`]).
    pub(super) fn write_bulk(&self, n: u32, bulk: &[Planned]) -> Result<()> {
        self.check_writable()?;
        let h = self.h()?;
        let written = insert_bulk(&h, n, bulk);
        // A failed write reopens the store, which waits for every handle to be let go.
        drop(h);
        written.map_err(|e| match e {
            BulkError::Sled(e) => self.write_failed(e),
            BulkError::Store(e) => e,
        })
    }

    /// Undoes the bulk part of an import that failed after it. A failed write has usually
    /// reopened the store already, which undid it (see [`super::open::handles`]); otherwise it is done
    /// here, and if that fails too, the next open does it.
    pub(super) fn abandon_bulk(&self) {
        let Ok(h) = self.h() else { return };
        let undone = super::pending::roll_back(&h);
        drop(h);
        if let Err(e) = undone {
            self.write_failed(e);
        }
    }

    pub(super) fn plan(&self, h: &VisitHistory) -> Result<Planned> {
        let v = &h.visit;
        let key = keys::visit_key(v.id);
        let db = self.h()?;
        let mut old_keys = Vec::new();
        let limit = self.limit(Kind::Event);
        tally::scan_prefix(&db.audit, keys::AUDIT, &key, limit, |k, _| {
            old_keys.push(k.clone());
            Ok(())
        })?;
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
        let settles = crate::domain::Settlement {
            conflict,
            path: c.path.clone(),
        };
        match self.update_settling(&settled, stamp, action, reason, Some(settles))? {
            Some(v) => Ok(v),
            None => Ok(visit),
        }
    }
}

/// A merge joins events from a laptop that did not know an erasure recorded here (or there):
/// the erased words go from them too, and the merge event (made by this import) records it.
fn carry_erasures(h: &mut VisitHistory) {
    let Some(r) = crate::domain::erase::carry(&mut h.visit, &mut h.history) else {
        return;
    };
    if let Some(last) = h
        .history
        .last_mut()
        .filter(|e| e.action == AuditAction::Import)
    {
        let follows = std::mem::take(&mut last.follows);
        last.redaction = Some(r);
        crate::domain::chain::seal(last, follows);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Stamp;

    fn ids(store: &Store) -> Vec<Uuid> {
        let all = store.histories(true).unwrap();
        all.iter().map(|h| h.visit.id).collect()
    }

    #[test]
    fn an_import_cut_short_after_its_bulk_writes_is_undone_at_the_next_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let stamp = Stamp::new(chrono::Utc::now(), "t");
        let store = Store::open(&path).unwrap();
        for v in crate::synth::visits(3, 1) {
            store.create(&v, &stamp).unwrap();
        }
        let before = store.histories(true).unwrap();
        let other = Store::open(&dir.path().join("other")).unwrap();
        for v in crate::synth::visits(4, 2) {
            other.create(&v, &stamp).unwrap();
        }
        let theirs = other.histories(true).unwrap();
        let importer = store.importer().unwrap();
        for (i, h) in theirs.iter().enumerate() {
            importer.take(i, h.clone()).unwrap();
        }
        // The bulk part written, the closing transaction not: as when the process is killed.
        importer.interrupt();
        store.h().unwrap().db.flush().unwrap();
        assert_eq!(ids(&store).len(), 7, "the bulk part is in the files");
        drop(store);

        let store = Store::open(&path).unwrap();
        let expected: Vec<Uuid> = before.iter().map(|h| h.visit.id).collect();
        assert_eq!(ids(&store), expected);
        assert!(
            store.histories(true).unwrap() == before,
            "as before the import"
        );
        for h in &theirs {
            assert!(
                store.audit(h.visit.id).unwrap().is_empty(),
                "audit log left"
            );
        }
        assert!(store.check().is_clean(), "{:?}", store.check().problems);
        // The note went with them: the next open keeps what is imported after.
        let summary = store
            .import_histories(&other.histories(true).unwrap())
            .unwrap();
        assert_eq!(summary.added.len(), 4);
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(ids(&store).len(), 7);
        assert!(store.check().is_clean(), "{:?}", store.check().problems);
    }
}
