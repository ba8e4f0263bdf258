//! The central server as the app sees it: whether this database is enrolled, when it last
//! synced, whether a sync is running. The sync itself runs on a worker thread of the runtime
//! (see `tui::runner`); the app only asks for it and takes its outcome, so typing never waits
//! on the network.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{App, Effect, Status};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CentralView {
    /// Set by the runtime at start-up: the database is enrolled with a server.
    pub enrolled: bool,
    pub last_sync: Option<DateTime<Utc>>,
    pub running: bool,
}

/// How a sync ended, back from the worker.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncOutcome {
    Done {
        at: DateTime<Utc>,
        sent: u64,
        received: usize,
        conflicts: usize,
        /// Visits the sync changed here (to reload and re-index).
        changed: Vec<Uuid>,
    },
    /// Why, in both languages (drawn in the one in use).
    Failed(crate::i18n::Said),
}

impl App {
    /// The sync key: starts a sync unless one is running.
    pub(super) fn start_sync(&mut self) -> Vec<Effect> {
        if !self.central.enrolled {
            self.status = Status::Error(crate::i18n::Said::key("central.not_enrolled"));
            return vec![];
        }
        if !self.central.running {
            self.central.running = true;
            self.status = Status::Notice {
                key: "central.syncing",
                arg: String::new(),
            };
            return vec![Effect::Sync];
        }
        vec![]
    }

    pub(super) fn sync_finished(&mut self, outcome: SyncOutcome) -> Vec<Effect> {
        self.central.running = false;
        match outcome {
            SyncOutcome::Done {
                at,
                sent,
                received,
                conflicts,
                changed,
            } => {
                self.central.last_sync = Some(at);
                self.status = Status::Notice {
                    key: "central.sync_done_app",
                    arg: format!("{sent} / {received} / {conflicts}"),
                };
                if changed.is_empty() {
                    return vec![];
                }
                self.followups = None;
                vec![Effect::ReloadList, Effect::Reindex(changed)]
            }
            SyncOutcome::Failed(msg) => {
                self.status = Status::Error(msg);
                vec![]
            }
        }
    }

    /// For the status bar: "synced 17/03 14:02", "never synced", or nothing when not enrolled.
    pub fn sync_label(&self) -> Option<String> {
        if !self.central.enrolled {
            return None;
        }
        let lang = self.lang;
        if self.central.running {
            return Some(crate::i18n::t(lang, "central.syncing").to_string());
        }
        Some(match self.central.last_sync {
            None => crate::i18n::t(lang, "central.never").to_string(),
            Some(at) => {
                let shown = at.with_timezone(self.now.offset()).format("%d/%m %H:%M");
                crate::i18n::tf(lang, "central.last_sync", &[&shown])
            }
        })
    }
}
