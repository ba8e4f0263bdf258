//! The search worker: opens the index kept with the database off the UI thread (rebuilding
//! it, with progress, when it is missing or outdated) and answers the latest query, dropping
//! ones already superseded.

use std::sync::mpsc::{Receiver, Sender};

use uuid::Uuid;

use crate::app::Msg;
use crate::domain::{Visit, VisitSummary};
use crate::search::SearchIndex;
use crate::store::{IndexProgress, Store};

/// Results shown with a snippet; the rest show the field and the matched word, and get theirs
/// when the auditor narrows the search.
pub const SNIPPETS: usize = 200;

pub enum Job {
    Search { generation: u64, text: String },
    Upsert(Box<Visit>),
    Remove(Uuid),
}

impl Job {
    /// Applies an index change; returns the search it asks for, if it is one.
    pub fn apply(self, idx: &mut SearchIndex) -> Option<(u64, String)> {
        match self {
            Job::Upsert(v) => idx.upsert(&v),
            Job::Remove(id) => idx.remove(id),
            Job::Search { generation, text } => return Some((generation, text)),
        }
        None
    }
}

/// Starts the worker on its own thread. It ends when the sender side is dropped.
pub fn spawn(store: Store, results: Sender<Msg>) -> Sender<Job> {
    spawn_with(store, None, results)
}

/// [`spawn`], given the summaries the app already loaded (decoding them again would delay
/// the first search by as long as the app's own start-up took).
pub fn spawn_with(
    store: Store,
    summaries: Option<Vec<VisitSummary>>,
    results: Sender<Msg>,
) -> Sender<Job> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || run(store, summaries, rx, results));
    tx
}

/// The index for `store`, sending build progress to `results`.
pub fn open_index(
    store: &Store,
    summaries: Option<Vec<VisitSummary>>,
    results: &Sender<Msg>,
) -> SearchIndex {
    let mut progress = |p: IndexProgress| {
        let IndexProgress::Building { done, total } = p;
        let _ = results.send(Msg::IndexProgress { done, total });
    };
    let summaries = match summaries {
        Some(s) => Ok(s),
        None => store.summaries(),
    };
    match summaries.and_then(|all| store.search_index(&all, &mut progress)) {
        Ok(idx) => idx,
        Err(e) => {
            let _ = results.send(Msg::Failed(crate::i18n::Said::new(|l| e.message(l))));
            SearchIndex::default()
        }
    }
}

fn run(
    store: Store,
    summaries: Option<Vec<VisitSummary>>,
    jobs: Receiver<Job>,
    results: Sender<Msg>,
) {
    let mut idx = open_index(&store, summaries, &results);
    let fetch = |id| store.get(id).ok().flatten();
    while let Ok(first) = jobs.recv() {
        let mut latest = first.apply(&mut idx);
        // Drain what queued up meanwhile: apply every index change, answer only the last query.
        while let Ok(job) = jobs.try_recv() {
            if let Some(q) = job.apply(&mut idx) {
                latest = Some(q);
            }
        }
        if let Some((generation, text)) = latest {
            let hits = idx.search(&text, SNIPPETS, &fetch);
            if results.send(Msg::SearchDone { generation, hits }).is_err() {
                return;
            }
        }
    }
}
