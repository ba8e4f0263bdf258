//! An import that writes while the bundle is still being read. The threads that parse the
//! bundle hand each visit to [`Importer::take`]: a visit this database has never seen is
//! encoded there and queued, and a writer thread writes the queue in batches meanwhile (each
//! batch noted first, see [`super::pending`]); a visit the database has is kept, to be merged
//! at the end. [`Importer::finish`] merges those and writes them in one transaction that also
//! removes the notes. An importer dropped without finishing (a refused bundle, any error)
//! removes what its writer wrote: the database is as before.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use uuid::Uuid;

use super::import::{ImportSummary, Planned};
use super::{Result, Store, StoreError, keys, read_error};
use crate::domain::merge::VisitHistory;

/// Visits per batch: a flush each, and about 12 MB of encoded visits held per batch.
const BATCH: usize = 2000;

pub struct Importer {
    store: Store,
    state: Mutex<State>,
    batches: Option<SyncSender<Vec<Planned>>>,
    writer: Option<JoinHandle<Result<u32>>>,
    /// Set by the writer when a write failed: the rest of the bundle is then only read, not
    /// encoded or looked up (each lookup would try to reopen the store again), and `finish`
    /// gives the writer's error.
    stopped: Arc<AtomicBool>,
    finished: bool,
}

#[derive(Default)]
struct State {
    /// The batch being filled.
    filling: Vec<Planned>,
    /// Visits written in bulk: where each came in the import, and whether it brought conflicts.
    new_here: HashMap<Uuid, (usize, bool)>,
    /// Visits to merge, with where each came.
    known: Vec<(usize, VisitHistory)>,
    /// The newest event written in bulk (it marks the commit, see `Store::commit`).
    last: (Uuid, u64),
}

impl Store {
    /// Starts an import (see [`Importer`]).
    pub fn importer(&self) -> Result<Importer> {
        self.check_writable()?;
        // One batch queued while one is written: the parsing threads wait rather than pile up
        // encoded visits faster than the disk takes them.
        let (batches, queue) = sync_channel(1);
        let store = self.clone();
        let stopped = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&stopped);
        let writer = std::thread::spawn(move || {
            let written = write_batches(&store, queue);
            if written.is_err() {
                stop.store(true, Ordering::SeqCst);
            }
            written
        });
        Ok(Importer {
            store: self.clone(),
            state: Mutex::default(),
            batches: Some(batches),
            writer: Some(writer),
            stopped,
            finished: false,
        })
    }
}

/// The writer thread: batch after batch, until the importer stops sending or a write fails.
fn write_batches(store: &Store, queue: Receiver<Vec<Planned>>) -> Result<u32> {
    let mut n = 0;
    for batch in queue {
        store.write_bulk(n, &batch)?;
        n += 1;
    }
    Ok(n)
}

impl Importer {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes one validated visit from another database; `order` is its place among all the
    /// visits of the import (the summary lists visits in that order, and copies of one visit
    /// are merged in that order). Called from any number of threads.
    pub fn take(&self, order: usize, h: VisitHistory) -> Result<()> {
        if self.stopped.load(Ordering::SeqCst) {
            return Ok(());
        }
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
        let full = {
            let mut state = self.state();
            if let Some(seq) = planned.last_seq()
                && seq > state.last.1
            {
                state.last = (id, seq);
            }
            state.filling.push(planned);
            (state.filling.len() >= BATCH).then(|| std::mem::take(&mut state.filling))
        };
        if let Some(batch) = full {
            self.send(batch);
        }
        Ok(())
    }

    /// Queues a batch for the writer. A writer that stopped on a failed write no longer takes
    /// batches; its error is what [`Importer::finish`] returns.
    fn send(&self, batch: Vec<Planned>) {
        if let Some(batches) = &self.batches {
            let _ = batches.send(batch);
        }
    }

    /// Lets the writer finish the queue; how many batches it wrote.
    fn stop_writer(&mut self) -> Result<u32> {
        drop(self.batches.take());
        match self.writer.take() {
            Some(writer) => writer
                .join()
                .unwrap_or_else(|_| Err(StoreError::Write("import writer stopped".into()))),
            None => Ok(0),
        }
    }

    /// Writes the last batch, merges the visits this database has, and commits the import.
    pub fn finish(mut self) -> Result<ImportSummary> {
        let rest = std::mem::take(&mut self.state().filling);
        if !rest.is_empty() {
            self.send(rest);
        }
        let notes = self.stop_writer()?;
        let summary = self.merge_and_commit(notes)?;
        self.finished = true;
        Ok(summary)
    }

    fn merge_and_commit(&mut self, notes: u32) -> Result<ImportSummary> {
        let state = std::mem::take(&mut *self.state());
        let mut known = state.known;
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
        summary.added.extend(merged.added);
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
        if planned.is_empty() && notes == 0 {
            return Ok(summary);
        }
        let last = planned
            .iter()
            .filter_map(|p| Some((p.visit, p.last_seq()?)))
            .chain([state.last])
            .max_by_key(|(_, seq)| *seq)
            .unwrap_or_default();
        self.store.write_merged(&planned, notes, last)?;
        if !summary.erased.is_empty() {
            self.store.set_purge_due(true)?;
        }
        Ok(summary)
    }

    /// Stops as a killed process would: what the writer wrote stays, noted, for the next open
    /// to remove.
    #[cfg(test)]
    pub(super) fn interrupt(mut self) {
        let rest = std::mem::take(&mut self.state().filling);
        self.send(rest);
        let _ = self.stop_writer();
        self.finished = true;
    }
}

impl Drop for Importer {
    fn drop(&mut self) {
        let _ = self.stop_writer();
        if !self.finished {
            self.store.abandon_bulk();
        }
    }
}
