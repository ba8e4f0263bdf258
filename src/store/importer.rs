//! An import that checks everything before it writes anything. The threads that parse the
//! bundle hand each visit to [`Importer::take`]: a visit this database has never seen is
//! encoded there and held; a visit the database has is kept, to be merged at the end.
//! [`Importer::finish`] merges those (a rewritten event refuses the import there), and only
//! then writes: the visits new here in batches of plain inserts (each batch noted first, see
//! [`super::pending`]), then the merged visits in one transaction that also removes the notes.
//! A bundle refused anywhere — a bad visit at its end, a duplicate, a rewritten event — is
//! refused before the first write, so the database folder does not grow by what a refused
//! import would have written (sled does not give such space back). An importer dropped without
//! finishing after its writes began (a failed write) removes what it wrote.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard, PoisonError};

use uuid::Uuid;

use super::import::{ImportSummary, Planned};
use super::{Result, Store, StoreError, keys, read_error};
use crate::domain::merge::VisitHistory;

/// Visits per batch: a flush each, and about 12 MB of encoded visits held per batch.
const BATCH: usize = 2000;

pub struct Importer {
    store: Store,
    state: Mutex<State>,
    finished: bool,
}

#[derive(Default)]
struct State {
    /// The visits new here, encoded, to be written in bulk once everything is checked.
    fresh: Vec<Planned>,
    /// Visits new here: where each came in the import, and whether it brought conflicts.
    new_here: HashMap<Uuid, (usize, bool)>,
    /// Visits to merge, with where each came.
    known: Vec<(usize, VisitHistory)>,
}

impl Store {
    /// Starts an import (see [`Importer`]).
    pub fn importer(&self) -> Result<Importer> {
        self.check_writable()?;
        Ok(Importer {
            store: self.clone(),
            state: Mutex::default(),
            finished: false,
        })
    }
}

impl Importer {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes one validated visit from another database; `order` is its place among all the
    /// visits of the import (the summary lists visits in that order, and copies of one visit
    /// are merged in that order). Called from any number of threads.
    pub fn take(&self, order: usize, h: VisitHistory) -> Result<()> {
        let id = h.visit.id;
        let key = keys::visit_key(id);
        let db = self.store.h()?;
        let here = db.visits.contains_key(key).map_err(read_error)?
            || db.trash.contains_key(key).map_err(read_error)?;
        drop(db);
        // A second copy of a visit this import adds is merged into the first at the end.
        let first_copy = !here && {
            let mut state = self.state();
            let fresh = !state.new_here.contains_key(&id);
            if fresh {
                state
                    .new_here
                    .insert(id, (order, !h.visit.conflicts.is_empty()));
            }
            fresh
        };
        if !first_copy {
            self.state().known.push((order, h));
            return Ok(());
        }
        let planned = self.store.plan(&h)?;
        if !planned.is_new() {
            // Audit events of this visit are here although the visit is not: merged like a
            // visit this database has, in the closing transaction.
            let mut state = self.state();
            state.new_here.remove(&id);
            state.known.push((order, h));
            return Ok(());
        }
        drop(h);
        self.state().fresh.push(planned);
        Ok(())
    }

    /// Merges the visits this database has and commits the import.
    pub fn finish(self) -> Result<ImportSummary> {
        self.finish_with(|| Ok::<(), StoreError>(()))
            .map(|(summary, _)| summary)
    }

    /// [`Importer::finish`], calling `before_write` once everything is checked and merged and
    /// before the first write — only when the import changes something (it gives `None`
    /// otherwise). An error from `before_write` ends the import with nothing written.
    pub fn finish_with<B, E: From<StoreError>>(
        mut self,
        before_write: impl FnOnce() -> std::result::Result<B, E>,
    ) -> std::result::Result<(ImportSummary, Option<B>), E> {
        let done = self.merge_and_commit(before_write)?;
        self.finished = true;
        Ok(done)
    }

    fn merge_and_commit<B, E: From<StoreError>>(
        &mut self,
        before_write: impl FnOnce() -> std::result::Result<B, E>,
    ) -> std::result::Result<(ImportSummary, Option<B>), E> {
        let state = std::mem::take(&mut *self.state());
        let mut fresh = state.fresh;
        let mut known = state.known;
        // A visit new here that came again (in another file): its first copy, not written,
        // is merged with the others like a visit this database has.
        let again: HashSet<Uuid> = known
            .iter()
            .map(|(_, h)| h.visit.id)
            .filter(|id| state.new_here.contains_key(id))
            .collect();
        if !again.is_empty() {
            let (firsts, rest): (Vec<Planned>, Vec<Planned>) =
                fresh.into_iter().partition(|p| again.contains(&p.visit));
            fresh = rest;
            for p in firsts {
                let order = state.new_here.get(&p.visit).map_or(0, |(o, _)| *o);
                known.push((order, p.decode()?));
            }
        }
        known.sort_by_key(|(order, _)| *order);
        let mut first_seen: HashMap<Uuid, usize> = HashMap::new();
        for (order, h) in &known {
            first_seen.entry(h.visit.id).or_insert(*order);
        }
        let histories: Vec<VisitHistory> = known.into_iter().map(|(_, h)| h).collect();
        let (merged, changed) = self.store.merge_known(&histories)?;

        let merged_in_conflict: std::collections::HashSet<Uuid> =
            merged.in_conflict.iter().copied().collect();
        let mut summary = ImportSummary::default();
        for (&id, &(order, conflicted)) in &state.new_here {
            // Copies taken on several threads: the one written first need not be the first.
            let first = first_seen.entry(id).or_insert(order);
            *first = (*first).min(order);
            // A visit added here is counted as added (or in conflict), whatever its later
            // copies brought.
            if conflicted || merged_in_conflict.contains(&id) {
                summary.in_conflict.push(id);
            } else {
                summary.added.push(id);
            }
        }
        let added_here = |id: &Uuid| state.new_here.contains_key(id);
        summary
            .added
            .extend(merged.added.into_iter().filter(|id| !added_here(id)));
        summary
            .updated
            .extend(merged.updated.into_iter().filter(|id| !added_here(id)));
        summary
            .unchanged
            .extend(merged.unchanged.into_iter().filter(|id| !added_here(id)));
        summary
            .in_conflict
            .extend(merged.in_conflict.into_iter().filter(|id| !added_here(id)));
        summary.erased = merged.erased;
        for list in [
            &mut summary.added,
            &mut summary.updated,
            &mut summary.unchanged,
            &mut summary.in_conflict,
        ] {
            list.sort_by_key(|id| first_seen.get(id).copied().unwrap_or(usize::MAX));
        }

        // Encoding is the costly part; each visit is encoded on its own, on all cores.
        let planned = crate::par::map(&changed, |h| self.store.plan(h))
            .into_iter()
            .collect::<Result<Vec<Planned>>>()?;
        drop(changed);
        drop(histories);
        if planned.is_empty() && fresh.is_empty() {
            return Ok((summary, None));
        }
        // The import's newest event marks the commit (see `Store::commit`).
        let last = planned
            .iter()
            .chain(&fresh)
            .filter_map(|p| Some((p.visit, p.last_seq()?)))
            .max_by_key(|(_, seq)| *seq)
            .unwrap_or_default();
        // Everything is checked: from here on the import writes.
        let before = before_write()?;
        let mut notes = 0;
        while !fresh.is_empty() {
            let batch: Vec<Planned> = fresh.drain(..BATCH.min(fresh.len())).collect();
            self.store.write_bulk(notes, &batch)?;
            notes += 1;
        }
        self.store.write_merged(&planned, notes, last)?;
        if !summary.erased.is_empty() {
            self.store.set_purge_due(true)?;
        }
        Ok((summary, Some(before)))
    }

    /// Stops as a killed process would after the bulk writes: what was written stays, noted,
    /// for the next open to remove.
    #[cfg(test)]
    pub(super) fn interrupt(mut self) {
        let fresh = std::mem::take(&mut self.state().fresh);
        for (n, batch) in fresh.chunks(BATCH).enumerate() {
            let _ = self.store.write_bulk(n as u32, batch);
        }
        self.finished = true;
    }
}

impl Drop for Importer {
    fn drop(&mut self) {
        if !self.finished {
            self.store.abandon_bulk();
        }
    }
}
