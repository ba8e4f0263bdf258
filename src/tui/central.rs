//! Runs a sync for the app on a worker thread (inline in tests), and re-indexes what it
//! changed. The visit last opened in the interview is held back from the merge (merged at the
//! next sync), so that a sync never changes a visit under the auditor's hands.

use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, PoisonError};

use uuid::Uuid;

use super::runner::Runner;
use super::worker::Job;
use crate::app::Msg;
use crate::app::central::SyncOutcome;
use crate::central::{self, Target};
use crate::i18n::Said;
use crate::store::Store;

#[derive(Default)]
pub struct SyncJobs {
    /// Where a worker's outcome goes; `None` runs the sync inline (tests).
    pub messages: Option<Sender<Msg>>,
    /// The visit open in the interview, held back from a running sync's merge.
    pub editing: Arc<Mutex<Option<Uuid>>>,
}

impl SyncJobs {
    pub(super) fn editing(&self, id: Option<Uuid>) {
        *self.editing.lock().unwrap_or_else(PoisonError::into_inner) = id;
    }
}

fn run(store: &Store, configured: Option<&str>, editing: &Mutex<Option<Uuid>>) -> SyncOutcome {
    let Some(url) = central::resolve_url(None, configured, store.path()) else {
        return SyncOutcome::Failed(Said::new(|l| central::CentralError::NoServer.message(l)));
    };
    let hold = |id: Uuid| *editing.lock().unwrap_or_else(PoisonError::into_inner) == Some(id);
    let done =
        Target::parse(&url).and_then(|t| central::sync_holding(store, &t, &hold, &mut |_| {}));
    match done {
        Ok(s) => SyncOutcome::Done {
            at: s.at,
            sent: s.sent_visits,
            received: s.added.len() + s.updated.len() + s.new_conflicts.len(),
            conflicts: s.conflicts_open,
            changed: s
                .added
                .iter()
                .chain(&s.updated)
                .chain(&s.new_conflicts)
                .copied()
                .collect(),
        },
        Err(e) => SyncOutcome::Failed(Said::new(|l| e.message(l))),
    }
}

impl Runner {
    pub(super) fn start_sync(&mut self) -> Vec<Msg> {
        let store = self.store.clone();
        let configured = self.config.central.clone();
        let editing = Arc::clone(&self.central.editing);
        match self.central.messages.clone() {
            Some(tx) => {
                std::thread::spawn(move || {
                    let _ = tx.send(Msg::SyncFinished(run(
                        &store,
                        configured.as_deref(),
                        &editing,
                    )));
                });
                vec![]
            }
            None => vec![Msg::SyncFinished(run(
                &store,
                configured.as_deref(),
                &editing,
            ))],
        }
    }

    pub(super) fn reindex(&mut self, ids: Vec<Uuid>) -> Vec<Msg> {
        let mut out = Vec::new();
        for id in ids {
            match self.store.get(id) {
                Ok(Some(v)) => self.index(Job::Upsert(Box::new(v))),
                Ok(None) => self.index(Job::Remove(id)),
                Err(e) => out.push(Msg::Failed(Said::new(|l| e.message(l)))),
            }
        }
        out
    }
}
