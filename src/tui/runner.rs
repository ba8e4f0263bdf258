//! Performs the app's effects against the store and turns the outcomes into messages.
//! Shared by the real terminal loop and the headless test harness, so tests exercise the
//! same code paths; only search differs (a worker thread here, inline in tests).

use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use crate::app::history::DistrictHistory;
use crate::app::{Effect, Msg};
use crate::demo::{self, DemoOutcome};
use crate::domain::{Journal, Stamp};
use crate::i18n::{Lang, Said, tf};
use crate::search::SearchIndex;
use crate::store::{Store, StoreError};

use super::worker::Job;

pub enum SearchBackend {
    Inline(Box<SearchIndex>),
    Worker(Sender<Job>),
}

pub struct Runner {
    pub store: Store,
    pub config_path: Option<PathBuf>,
    /// The configuration as read at start (the document number pattern, the central server).
    pub config: crate::config::Config,
    /// Where documents written from the app go (the user's Documents folder).
    pub report_dir: PathBuf,
    pub search: SearchBackend,
    /// Fixed author and time for tests; `None` means now, by the logged-in user.
    pub stamp: Option<Stamp>,
    /// The editor text waiting to be journaled.
    pub journal: JournalSlot,
    /// Syncs with the central server (see [`super::central`]).
    pub central: super::central::SyncJobs,
}

/// The journal of the open editor, written at most about once a second while typing goes on
/// and at once when it pauses (see [`Runner::write_journal`]), so typing never waits on a disk.
#[derive(Default)]
pub struct JournalSlot {
    pending: Option<Journal>,
    last_write: Option<Instant>,
}

impl Runner {
    /// Writes the pending journal if typing paused (`idle`) or a second has passed since the
    /// last write. Returns whether something was written.
    pub fn write_journal(&mut self, idle: bool) -> bool {
        let due = idle
            || self
                .journal
                .last_write
                .is_none_or(|t| t.elapsed() >= Duration::from_secs(1));
        if !due {
            return false;
        }
        let Some(j) = self.journal.pending.take() else {
            return false;
        };
        self.journal.last_write = Some(Instant::now());
        // A failed write is not worth a message per key: the next commit reports the disk.
        self.store.set_journal(Some(&j), true).is_ok()
    }
}

impl Runner {
    /// A runner that searches on the calling thread, for tests and tools.
    pub fn inline(store: Store, config_path: Option<PathBuf>) -> Result<Runner, StoreError> {
        let index = store.search_index(&store.summaries()?, &mut |_| {})?;
        Ok(Runner {
            store,
            config_path,
            config: Default::default(),
            report_dir: crate::export::default_report_dir(),
            search: SearchBackend::Inline(Box::new(index)),
            stamp: None,
            journal: JournalSlot::default(),
            central: Default::default(),
        })
    }

    pub(super) fn stamp(&self) -> Stamp {
        self.stamp.clone().unwrap_or_else(crate::host::stamp)
    }

    pub(super) fn index(&mut self, job: Job) {
        match &mut self.search {
            SearchBackend::Inline(idx) => {
                job.apply(idx);
            }
            SearchBackend::Worker(tx) => {
                // If the worker is gone, search is unavailable but nothing else is affected.
                let _ = tx.send(job);
            }
        }
    }

    pub fn perform(&mut self, effect: Effect, lang: Lang) -> Vec<Msg> {
        let failed = |e: StoreError| vec![Msg::Failed(Said::new(|l| e.message(l)))];
        match effect {
            Effect::Quit => vec![],
            Effect::Lock => {
                // Written now, flushed: a kill while locked loses nothing typed.
                self.write_journal(true);
                vec![]
            }
            Effect::Unlock(secret) => match self.store.check_passphrase(secret.expose()) {
                Ok(()) => vec![Msg::Unlocked],
                Err(StoreError::WrongPassphrase { .. }) => {
                    vec![Msg::UnlockRefused(Said::key("lock.wrong"))]
                }
                Err(e) => vec![Msg::UnlockRefused(Said::new(|l| e.message(l)))],
            },
            Effect::LoadVisit(id) => match self.store.get(id) {
                Ok(Some(v)) => vec![Msg::VisitLoaded(Box::new(v))],
                Ok(None) => failed(StoreError::NotFound(id.to_string())),
                Err(e) => failed(e),
            },
            Effect::Delete(id) => {
                let label = self
                    .store
                    .get(id)
                    .ok()
                    .flatten()
                    .map(|v| format!("{} {}", v.district.code, v.district.name));
                match self.store.delete(id, &self.stamp()) {
                    Ok(()) => {
                        self.index(Job::Remove(id));
                        let mut out = vec![
                            Msg::VisitsChanged,
                            Msg::Notice {
                                key: "notice.deleted",
                                arg: label.unwrap_or_default(),
                            },
                        ];
                        out.extend(self.reload_list());
                        out
                    }
                    Err(e) => failed(e),
                }
            }
            Effect::Restore(id) => match self.store.restore(id, &self.stamp()) {
                Ok(v) => {
                    let label = format!("{} {}", v.district.code, v.district.name);
                    self.index(Job::Upsert(Box::new(v)));
                    let mut out = vec![
                        Msg::VisitsChanged,
                        Msg::Notice {
                            key: "notice.restored",
                            arg: label,
                        },
                    ];
                    out.extend(self.reload_trash());
                    out.extend(self.reload_list());
                    out
                }
                Err(e) => failed(e),
            },
            Effect::LoadTrash => self.reload_trash(),
            Effect::LoadHistory(code) => match self.store.district_visits(&code) {
                Ok(visits) => vec![Msg::HistoryLoaded(DistrictHistory::build(visits))],
                Err(e) => failed(e),
            },
            Effect::Search { generation, text } => match &mut self.search {
                SearchBackend::Inline(idx) => {
                    let store = &self.store;
                    let fetch = |id| store.get(id).ok().flatten();
                    vec![Msg::SearchDone {
                        generation,
                        hits: idx.search(&text, super::worker::SNIPPETS, &fetch),
                    }]
                }
                SearchBackend::Worker(tx) => {
                    let _ = tx.send(Job::Search { generation, text });
                    vec![]
                }
            },
            Effect::SaveLang(new) => match self.save_lang(new) {
                Ok(()) => vec![Msg::Notice {
                    key: "notice.lang",
                    arg: String::new(),
                }],
                Err(e) => vec![Msg::Failed(Said::new(|l| {
                    tf(l, "notice.config_failed", &[&e])
                }))],
            },
            Effect::CreateVisit(v) => match self.store.create(&v, &self.stamp()) {
                Ok(v) => {
                    self.central.editing(Some(v.id));
                    self.index(Job::Upsert(Box::new(v.clone())));
                    vec![Msg::InterviewLoaded {
                        visit: Box::new(v),
                        section: 0,
                        row: 0,
                        drafts: Vec::new(),
                    }]
                }
                Err(e) => failed(e),
            },
            Effect::OpenInterview(id) => match self.store.get(id) {
                Ok(Some(v)) => {
                    self.central.editing(Some(id));
                    let (section, row) = self.store.position(id).unwrap_or((0, 0));
                    vec![Msg::InterviewLoaded {
                        drafts: self.store.drafts(id),
                        visit: Box::new(v),
                        section,
                        row,
                    }]
                }
                Ok(None) => failed(StoreError::NotFound(id.to_string())),
                Err(e) => failed(e),
            },
            Effect::SaveVisit {
                visit,
                action,
                reason,
            } => match self.store.update(&visit, &self.stamp(), action, &reason) {
                Ok(Some(saved)) => {
                    self.index(Job::Upsert(Box::new(saved.clone())));
                    vec![Msg::VisitSaved(Box::new(saved))]
                }
                Ok(None) => vec![Msg::VisitSaved(visit)],
                Err(e) => vec![Msg::SaveFailed(Said::new(|l| e.message(l)))],
            },
            Effect::SavePosition { id, section, row } => {
                match self.store.set_position(id, section, row) {
                    Ok(()) => vec![],
                    Err(e) => failed(e),
                }
            }
            Effect::LoadSuggestions(code) => match self.store.district_visits(&code) {
                Ok(mut visits) => {
                    // Newest first, so the latest post of a person is the one offered.
                    visits.sort_by_key(|v| std::cmp::Reverse(v.start));
                    vec![Msg::Suggestions(
                        visits.into_iter().flat_map(|v| v.attendees).collect(),
                    )]
                }
                Err(e) => failed(e),
            },
            Effect::LoadOpenItems { code, before } => match self.store.open_items(&code, before) {
                Ok(items) => vec![Msg::OpenItems(items)],
                Err(e) => failed(e),
            },
            Effect::LoadAudit(id) => match self.store.audit(id) {
                Ok(events) => vec![Msg::AuditLoaded(events)],
                Err(e) => failed(e),
            },
            Effect::ReloadList => self.reload_list(),
            Effect::Sync => self.start_sync(),
            Effect::Reindex(ids) => self.reindex(ids),
            Effect::ExportReport(id) => {
                let dir = self.report_dir.clone();
                match crate::export::write_report(
                    &self.store,
                    id,
                    crate::export::ReportFormat::Html,
                    lang,
                    &dir,
                ) {
                    Ok(path) => vec![Msg::Notice {
                        key: "notice.exported",
                        arg: path.display().to_string(),
                    }],
                    Err(e) => vec![Msg::Failed(Said::new(|l| e.message(l)))],
                }
            }
            Effect::ExportDocument {
                visit,
                kind,
                format,
                planned,
            } => {
                let dir = self.report_dir.clone();
                let pattern = self.config.document_number.clone();
                match crate::export::write_document(
                    &self.store,
                    visit,
                    kind,
                    format,
                    lang,
                    &dir,
                    pattern.as_deref(),
                    planned,
                ) {
                    Ok(path) => vec![Msg::Notice {
                        key: "documents.written",
                        arg: path.display().to_string(),
                    }],
                    Err(e) => vec![Msg::Failed(Said::new(|l| e.message(l)))],
                }
            }
            Effect::ErasePerson {
                visit,
                item,
                reason,
            } => {
                let salt = crate::store::new_salt();
                // The store notes the rewrite the files need; it is done at quit.
                let erased = self
                    .store
                    .erase_person(visit, item, &self.stamp(), &reason, &salt)
                    .and_then(|_| self.store.get(visit));
                match erased {
                    Ok(Some(v)) => self.visit_changed(v, "erase.tui_done"),
                    Ok(None) => vec![],
                    Err(e) => failed(e),
                }
            }
            Effect::ResolveConflict {
                visit,
                conflict,
                choice,
                reason,
            } => {
                match self
                    .store
                    .resolve_conflict(visit, conflict, choice, &self.stamp(), &reason)
                {
                    Ok(v) => self.visit_changed(v, "notice.conflict_settled"),
                    Err(e) => failed(e),
                }
            }
            Effect::LoadDemo => match demo::load(&self.store, &self.stamp()) {
                Ok(DemoOutcome::Loaded(v)) => {
                    self.index(Job::Upsert(Box::new(v)));
                    let mut out = vec![
                        Msg::VisitsChanged,
                        Msg::Notice {
                            key: "notice.demo_loaded",
                            arg: String::new(),
                        },
                    ];
                    out.extend(self.reload_list());
                    out
                }
                Ok(DemoOutcome::AlreadyThere(_)) => {
                    vec![Msg::Notice {
                        key: "notice.demo_exists",
                        arg: String::new(),
                    }]
                }
                Ok(DemoOutcome::InTrash(_)) => {
                    vec![Msg::Notice {
                        key: "notice.demo_in_trash",
                        arg: String::new(),
                    }]
                }
                Err(e) => failed(e),
            },
            Effect::LoadFollowUps => self.load_followups(),
            Effect::RefreshFacts(ids) => {
                let mut out = Vec::new();
                for id in ids {
                    match self.store.get(id) {
                        Ok(Some(v)) => out.push(Msg::FollowUpUpdated(Box::new(
                            crate::domain::VisitFacts::from(&v),
                        ))),
                        Ok(None) => {}
                        Err(e) => out.push(Msg::Failed(Said::new(|l| e.message(l)))),
                    }
                }
                out
            }
            Effect::UpdateFollowUp {
                visit,
                source,
                change,
            } => self.update_followup(visit, source, &change, lang),
            Effect::SaveDrafts { visit, drafts } => match self.store.set_drafts(visit, &drafts) {
                Ok(()) => vec![],
                Err(e) => failed(e),
            },
            Effect::Journal(Some(j)) => {
                self.journal.pending = Some(*j);
                self.write_journal(false);
                vec![]
            }
            Effect::Journal(None) => {
                // Cleared at once (no flush of its own: the commit that closed the editor
                // flushes, and a stale journal only offers text that was saved anyway).
                self.journal.pending = None;
                let _ = self.store.set_journal(None, false);
                vec![]
            }
            Effect::Recover => self.recover(),
        }
    }

    /// The journal the last session left, if it belongs to a draft visit that still exists.
    fn recover(&mut self) -> Vec<Msg> {
        let Some(j) = self.store.journal() else {
            return vec![];
        };
        match self.store.get(j.visit) {
            Ok(Some(v)) if v.status == crate::domain::VisitStatus::Draft => {
                vec![Msg::Recovered {
                    drafts: self.store.drafts(v.id),
                    visit: Box::new(v),
                    journal: Box::new(j),
                }]
            }
            _ => {
                let _ = self.store.set_journal(None, false);
                vec![]
            }
        }
    }

    /// A visit the runtime changed as a whole (settled, erased): indexed, shown again, the list
    /// reloaded, with the notice `key`.
    fn visit_changed(&mut self, v: crate::domain::Visit, key: &'static str) -> Vec<Msg> {
        self.index(Job::Upsert(Box::new(v.clone())));
        let mut out = vec![
            Msg::VisitLoaded(Box::new(v)),
            Msg::VisitsChanged,
            Msg::Notice {
                key,
                arg: String::new(),
            },
        ];
        out.extend(self.reload_list());
        out
    }

    fn reload_list(&self) -> Vec<Msg> {
        match self.store.summaries() {
            Ok(s) => vec![Msg::ListLoaded(s)],
            Err(e) => vec![Msg::Failed(Said::new(|l| e.message(l)))],
        }
    }

    fn reload_trash(&self) -> Vec<Msg> {
        match self.store.trash() {
            Ok(t) => vec![Msg::TrashLoaded(t)],
            Err(e) => vec![Msg::Failed(Said::new(|l| e.message(l)))],
        }
    }

    fn save_lang(&self, lang: Lang) -> Result<(), String> {
        let Some(path) = &self.config_path else {
            return Ok(());
        };
        crate::config::save_lang(path, lang)
    }
}
