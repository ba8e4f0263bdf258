//! What the app asks of the runtime ([`Effect`]) and what comes back ([`Msg`]): data only.

use uuid::Uuid;

use super::history::DistrictHistory;
use super::interview::{self};
use super::{Secret, central};
use crate::domain::{
    Attendee, AuditAction, AuditEvent, Draft, Journal, Visit, VisitFacts, VisitSummary,
};
use crate::export::DocFormat;
use crate::export::documents::DocumentKind;
use crate::i18n::Lang;
use crate::search::Hit;
use crate::store::TrashEntry;

/// Work for the runtime.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    /// The app locked: what the open editor holds goes to the journal now (flushed), so that
    /// a kill while locked loses nothing.
    Lock,
    /// Check this passphrase against the database's key (answered by [`Msg::Unlocked`] or
    /// [`Msg::UnlockRefused`]).
    Unlock(Secret),
    LoadVisit(Uuid),
    Delete(Uuid),
    Restore(Uuid),
    LoadTrash,
    LoadHistory(String),
    Search {
        generation: u64,
        text: String,
    },
    SaveLang(Lang),
    LoadDemo,
    /// Store a new visit and open it in the interview.
    CreateVisit(Box<Visit>),
    OpenInterview(Uuid),
    SaveVisit {
        visit: Box<Visit>,
        action: AuditAction,
        reason: String,
    },
    /// Where the auditor is in a visit's interview, to return there next time.
    SavePosition {
        id: Uuid,
        section: usize,
        row: usize,
    },
    LoadSuggestions(String),
    /// Commitments still open from earlier visits to this district, to ask about now.
    LoadOpenItems {
        code: String,
        before: chrono::DateTime<chrono::Utc>,
    },
    LoadAudit(Uuid),
    ReloadList,
    /// Re-read the follow-up facts of these visits (saved since the board last loaded).
    RefreshFacts(Vec<Uuid>),
    /// Erase one person's personal data from a visit and its history (see
    /// [`crate::store::Store::erase_person`]).
    ErasePerson {
        visit: Uuid,
        item: Uuid,
        reason: String,
    },
    /// Write the visit's printable report (HTML) to the documents folder.
    ExportReport(Uuid),
    /// Write one of the visit's documents to the documents folder.
    ExportDocument {
        visit: Uuid,
        kind: DocumentKind,
        format: DocFormat,
        /// A Daftar Hadir to print before the meeting.
        planned: bool,
    },
    ResolveConflict {
        visit: Uuid,
        conflict: Uuid,
        choice: usize,
        /// Why (the amendment's reason for a final visit; empty otherwise).
        reason: String,
    },
    /// The follow-up facts of every visit, for the board and the overview.
    LoadFollowUps,
    /// An audited change to one follow-up item of a visit.
    UpdateFollowUp {
        visit: Uuid,
        source: crate::followup::Source,
        change: crate::followup::Change,
    },
    /// Keep these unsaved drafts of a visit (replacing the ones kept before).
    SaveDrafts {
        visit: Uuid,
        drafts: Vec<Draft>,
    },
    /// The open editor's text changed (`None`: no editor holds unsaved text any more). The
    /// runtime writes it at most about once a second and when typing pauses.
    Journal(Option<Box<Journal>>),
    /// At start: reopen what the last session was typing when it ended without closing it.
    Recover,
    /// Sync with the central server, on a worker (answered by [`Msg::SyncFinished`]).
    Sync,
    /// Re-read these visits into the search index (changed outside the app, by a sync).
    Reindex(Vec<Uuid>),
}

/// Results of effects, back from the runtime.
#[derive(Debug)]
pub enum Msg {
    ListLoaded(Vec<VisitSummary>),
    VisitLoaded(Box<Visit>),
    TrashLoaded(Vec<TrashEntry>),
    HistoryLoaded(Option<DistrictHistory>),
    FollowUpsLoaded(Vec<VisitFacts>),
    /// A follow-up item's visit was committed; its new facts.
    FollowUpUpdated(Box<VisitFacts>),
    SearchDone {
        generation: u64,
        hits: Vec<Hit>,
    },
    /// The search index is being built: visits read so far, of all.
    IndexProgress {
        done: usize,
        total: usize,
    },
    /// A catalogue key (and argument) to show in the status line.
    Notice {
        key: &'static str,
        arg: String,
    },
    /// A write or read failed: why, in both languages (drawn in the one in use).
    Failed(crate::i18n::Said),
    /// Visits were deleted, restored, loaded or settled by the runtime (not by the interview).
    VisitsChanged,
    InterviewLoaded {
        visit: Box<Visit>,
        section: usize,
        row: usize,
        drafts: Vec<Draft>,
    },
    /// The journal of an editor the last session did not close, with its visit.
    Recovered {
        visit: Box<Visit>,
        journal: Box<Journal>,
        drafts: Vec<Draft>,
    },
    VisitSaved(Box<Visit>),
    SaveFailed(crate::i18n::Said),
    Suggestions(Vec<Attendee>),
    OpenItems(Vec<interview::OpenItem>),
    AuditLoaded(Vec<AuditEvent>),
    SyncFinished(central::SyncOutcome),
    /// No key or mouse event for the configured time (the runtime measures it): lock.
    Idle,
    /// The passphrase given on the lock screen unlocks the database.
    Unlocked,
    /// It does not (why, in both languages): asked again.
    UnlockRefused(crate::i18n::Said),
}
