//! The application state machine. `handle_key`, `update` and `on_msg` change state and return
//! effects as data; they do no I/O. The runtime (`crate::tui`) performs the effects against the
//! store and feeds the results back as [`Msg`]s. Rendering (`crate::ui`) only reads the state.

pub mod board;
pub mod central;
mod erase;
pub mod history;
pub mod interview;
pub mod list;
pub mod overview;
pub mod query;

use std::cell::Cell;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;
use uuid::Uuid;
use zeroize::{Zeroize, Zeroizing};

use crate::domain::{
    Attendee, AuditAction, AuditEvent, District, Draft, Journal, Visit, VisitFacts, VisitSummary,
    new_id,
};
use crate::export::DocFormat;
use crate::export::documents::DocumentKind;
use crate::guide::Guide;
use crate::i18n::Lang;
use crate::keymap::{Action, Context, Keymap};
use crate::search::Hit;
use crate::store::TrashEntry;
use history::DistrictHistory;
use interview::{Editor, Interview, Popup, ReasonFor};
use list::VisitList;
use query::Query;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    List,
    Detail,
    History,
    Trash,
    Interview,
    Audit,
    Board,
    Overview,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help,
    Confirm(Confirm),
    /// Choosing between the values two laptops gave a field; the cursor runs over candidates.
    Conflicts {
        cursor: usize,
        /// Asked before settling a conflict of a final visit: the settlement amends it.
        reason: Option<TextInput>,
    },
    /// The menu of the visit's documents: which one (see [`DOCUMENT_MENU`]) and which format.
    Documents {
        cursor: usize,
        format: usize,
    },
    /// Erasing one person's personal data (UU PDP): who (see [`App::erase_people`]), then why.
    Erase {
        cursor: usize,
        reason: Option<TextInput>,
    },
}

/// A one-line input in an overlay (compared by its text: `Input` itself is not comparable).
#[derive(Debug, Clone, Default)]
pub struct TextInput(pub Input);

impl PartialEq for TextInput {
    fn eq(&self, other: &Self) -> bool {
        self.0.value() == other.0.value() && self.0.cursor() == other.0.cursor()
    }
}
/// The documents the detail screen's menu offers, in order: (document, printed before the
/// meeting).
pub const DOCUMENT_MENU: [(DocumentKind, bool); 5] = [
    (DocumentKind::Report, false),
    (DocumentKind::BeritaAcara, false),
    (DocumentKind::Notulen, false),
    (DocumentKind::DaftarHadir, false),
    (DocumentKind::DaftarHadir, true),
];

#[derive(Debug, Clone, PartialEq)]
pub enum Confirm {
    Delete {
        id: Uuid,
        label: String,
    },
    /// Leaving the interview (or quitting) while its last change could not be saved.
    DropUnsaved {
        quit: bool,
    },
}

/// A passphrase typed on the lock screen, on its way to the runtime's check
/// ([`Effect::Unlock`]): zeroised when dropped, never printed.
#[derive(Clone, PartialEq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Room for a passphrase typed on the lock screen, reserved up front: a string that grows
/// would leave copies of what was typed behind.
const PASSPHRASE_ROOM: usize = 1024;

/// The app of an encrypted database, locked (issue 20): after an idle time the runtime
/// measured ([`Msg::Idle`]) or at once ([`Action::Lock`]). Only the lock screen is drawn; the
/// rest of the app (the list, the open editor, the interview's position, a popup) is kept as it
/// was, untouched, and is back once the passphrase is given again.
pub struct LockScreen {
    /// What is typed so far (shown masked).
    pub typed: Zeroizing<String>,
    /// Why the last passphrase was refused, in the user's language.
    pub message: Option<String>,
    /// The passphrase is being checked (Argon2id takes a moment).
    pub checking: bool,
}

impl LockScreen {
    fn new() -> LockScreen {
        LockScreen {
            typed: Zeroizing::new(String::with_capacity(PASSPHRASE_ROOM)),
            message: None,
            checking: false,
        }
    }
}

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
    /// A write or read failed; the text is already in the user's language.
    Failed(String),
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
    SaveFailed(String),
    Suggestions(Vec<Attendee>),
    OpenItems(Vec<interview::OpenItem>),
    AuditLoaded(Vec<AuditEvent>),
    SyncFinished(central::SyncOutcome),
    /// No key or mouse event for the configured time (the runtime measures it): lock.
    Idle,
    /// The passphrase given on the lock screen unlocks the database.
    Unlocked,
    /// It does not (the reason, in the user's language): asked again.
    UnlockRefused(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    None,
    Notice { key: &'static str, arg: String },
    Error(String),
}

#[derive(Debug, Default)]
pub struct SearchBox {
    pub input: Input,
    pub active: bool,
    pub query: Query,
    pub generation: u64,
    pub pending: bool,
    pub hits: Option<Vec<Hit>>,
    /// While the index is being built: visits read so far, of all.
    pub indexing: Option<(usize, usize)>,
}

#[derive(Debug)]
pub struct Detail {
    pub id: Uuid,
    pub visit: Option<Box<Visit>>,
    pub scroll: Cell<usize>,
    pub page: Cell<usize>,
}

#[derive(Debug, Default)]
pub struct HistoryView {
    pub loading: bool,
    pub history: Option<DistrictHistory>,
    pub selected: usize,
    pub back_to: Option<Screen>,
}

#[derive(Debug, Default)]
pub struct TrashView {
    pub loading: bool,
    pub entries: Vec<TrashEntry>,
    pub selected: usize,
}

#[derive(Debug, Default)]
pub struct AuditView {
    pub events: Vec<AuditEvent>,
    pub scroll: Cell<usize>,
    pub page: Cell<usize>,
}

pub struct App {
    pub lang: Lang,
    /// The interview guide new visits are taken with.
    pub guide: Arc<Guide>,
    /// Who is at the keyboard, for finalisation records.
    pub user: String,
    /// The current time, set by the runtime before each key (a fixed one in tests).
    pub now: DateTime<FixedOffset>,
    pub keymap: Keymap,
    /// Shown in the status line.
    pub db_label: String,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub help_scroll: Cell<usize>,
    /// Lines the help shows at once (set when drawn), for PgUp/PgDn.
    pub help_page: Cell<usize>,
    /// The popup the help was opened over (conflicts, documents, a question): back on close.
    help_under: Option<Overlay>,
    pub list: VisitList,
    pub search: SearchBox,
    pub detail: Option<Detail>,
    pub history: HistoryView,
    pub trash: TrashView,
    pub interview: Option<Interview>,
    pub audit: AuditView,
    pub status: Status,
    pub quit: bool,
    /// "Today" for overdue items: set at start-up, fixed in tests; never read from the clock
    /// while drawing.
    pub today: chrono::NaiveDate,
    pub board: board::BoardView,
    pub overview: overview::OverviewView,
    /// Cached follow-up items and overview, shared by both screens.
    pub followups: Option<board::FollowUpData>,
    /// Visits saved since the follow-up facts were loaded.
    pub followups_dirty: std::collections::BTreeSet<Uuid>,
    /// The terminal is too small to show the app (the runtime sets it; see `ui::too_small`):
    /// keys other than quitting would act on a screen nobody sees.
    pub too_small: bool,
    /// Where Esc on the detail screen returns to (the list unless set).
    pub detail_back: Option<Screen>,
    pub central: central::CentralView,
    /// The database is encrypted, so the app can lock (a plain one never locks).
    pub lockable: bool,
    /// Locked: only the lock screen is drawn and keys go to it (see [`LockScreen`]).
    pub lock: Option<LockScreen>,
}

impl App {
    /// The app over these visits; `host` is the clock and user the runtime read (the app reads
    /// neither itself: [`App::tick`] moves its clock on).
    pub fn new(
        lang: Lang,
        keymap: Keymap,
        db_label: String,
        visits: Vec<VisitSummary>,
        guide: Arc<Guide>,
        host: crate::host::Host,
    ) -> App {
        let mut app = App {
            lang,
            guide,
            user: host.user,
            now: host.now,
            keymap,
            db_label,
            screen: Screen::List,
            overlay: None,
            help_scroll: Cell::new(0),
            help_page: Cell::new(10),
            help_under: None,
            list: VisitList::default(),
            search: SearchBox::default(),
            detail: None,
            history: HistoryView::default(),
            trash: TrashView::default(),
            interview: None,
            audit: AuditView::default(),
            status: Status::None,
            quit: false,
            today: host.now.date_naive(),
            board: board::BoardView::default(),
            overview: overview::OverviewView::default(),
            followups: None,
            followups_dirty: Default::default(),
            too_small: false,
            detail_back: None,
            central: central::CentralView::default(),
            lockable: false,
            lock: None,
        };
        app.list.set(visits);
        app.list.refilter(&Query::default(), None);
        app
    }

    /// Where keys go now.
    pub fn context(&self) -> Context {
        match &self.overlay {
            Some(Overlay::Help) => Context::Help,
            _ => self.context_under_help(),
        }
    }

    /// Where keys would go without the help overlay: the screen the help is about.
    pub fn context_under_help(&self) -> Context {
        let overlay = match &self.overlay {
            Some(Overlay::Help) => self.help_under.as_ref(),
            other => other.as_ref(),
        };
        match (overlay, self.screen) {
            (Some(Overlay::Help), _) => Context::Help,
            (Some(Overlay::Confirm(_)), _) => Context::Confirm,
            (
                Some(Overlay::Conflicts {
                    reason: Some(_), ..
                }),
                _,
            ) => Context::Reason,
            (Some(Overlay::Conflicts { .. }), _) => Context::Conflicts,
            (
                Some(Overlay::Erase {
                    reason: Some(_), ..
                }),
                _,
            ) => Context::Reason,
            (Some(Overlay::Erase { .. }), _) => Context::Erase,
            (Some(Overlay::Documents { .. }), _) => Context::Documents,
            (None, Screen::List) if self.search.active => Context::Search,
            (None, Screen::List) => Context::List,
            (None, Screen::Detail) => Context::Detail,
            (None, Screen::History) => Context::History,
            (None, Screen::Trash) => Context::Trash,
            (None, Screen::Board) => self.board.context(),
            (None, Screen::Overview) => Context::Overview,
            (None, Screen::Audit) => Context::Audit,
            (None, Screen::Interview) => match &self.interview {
                Some(iv) => match (&iv.popup, &iv.editor) {
                    (Some(Popup::Goto { .. }), _) => Context::Goto,
                    (Some(Popup::Check { .. }), _) => Context::CheckView,
                    (Some(Popup::Note { .. }), _) => Context::Note,
                    (Some(Popup::Reason { .. }), _) => Context::Reason,
                    (Some(Popup::ConfirmFinal), _) => Context::Confirm,
                    (Some(Popup::Notes { .. }), _) => Context::Notes,
                    (None, Some((_, Editor::Line { .. }))) => Context::Field,
                    (None, Some((_, Editor::Multi { .. }))) => Context::Text,
                    (None, Some((_, Editor::Pick { .. }))) => Context::Pick,
                    (None, None) => Context::Interview,
                },
                None => Context::List,
            },
        }
    }

    /// Sets the clock for the next key (notes are stamped with it).
    pub fn tick(&mut self, now: DateTime<FixedOffset>) {
        self.now = now;
        self.today = now.date_naive();
        if let Some(iv) = self.interview.as_mut() {
            iv.now = now;
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        // Windows reports releases too; acting on them would double every key.
        if key.kind != KeyEventKind::Press {
            return Vec::new();
        }
        if self.lock.is_some() {
            return self.lock_key(key);
        }
        let mut effects = self.key(key);
        self.journal(&mut effects);
        effects
    }

    /// A paste (bracketed paste): whole into the text being edited, never read as keys.
    pub fn handle_paste(&mut self, text: &str) -> Vec<Effect> {
        if self.too_small || self.lock.is_some() {
            return vec![];
        }
        let mut effects = match self.context() {
            Context::Search => {
                let clean = interview::clean_paste(text, false);
                for c in clean.chars() {
                    self.search
                        .input
                        .handle(tui_input::InputRequest::InsertChar(c));
                }
                self.apply_query()
            }
            Context::Field | Context::Text | Context::Note | Context::Goto | Context::Reason => {
                if let Some(iv) = self.interview.as_mut() {
                    iv.paste(text);
                }
                vec![]
            }
            _ => vec![],
        };
        self.journal(&mut effects);
        effects
    }

    /// Tells the runtime when the text in the interview's editor changed, for its journal.
    fn journal(&mut self, effects: &mut Vec<Effect>) {
        let Some(iv) = self.interview.as_mut() else {
            return;
        };
        match iv.journal_entry() {
            Some(j) if iv.journaled.as_deref() != Some(j.draft.text.as_str()) => {
                iv.journaled = Some(j.draft.text.clone());
                effects.push(Effect::Journal(Some(Box::new(j))));
            }
            Some(_) => {}
            None if iv.journaled.is_some() => {
                iv.journaled = None;
                effects.push(Effect::Journal(None));
            }
            None => {}
        }
    }

    /// Whether the lock screen is up.
    pub fn locked(&self) -> bool {
        self.lock.is_some()
    }

    /// Locks the app of an encrypted database at once: the open editor's text goes to the
    /// journal first. A plain database never locks: it says so.
    pub fn lock(&mut self) -> Vec<Effect> {
        if !self.lockable {
            self.status = Status::Notice {
                key: "notice.lock_plain",
                arg: String::new(),
            };
            return vec![];
        }
        if self.lock.is_some() {
            return vec![];
        }
        let mut effects = Vec::new();
        self.journal(&mut effects);
        effects.push(Effect::Lock);
        self.lock = Some(LockScreen::new());
        effects
    }

    /// A key on the lock screen: the passphrase is typed (masked), Enter checks it, Esc clears
    /// it, force quit leaves (the journal keeps what was being typed).
    fn lock_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if self.keymap.action(Context::Global, &key) == Some(Action::ForceQuit) {
            self.quit = true;
            return vec![Effect::Quit];
        }
        let Some(lock) = self.lock.as_mut() else {
            return vec![];
        };
        if lock.checking {
            return vec![];
        }
        let typing = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match key.code {
            KeyCode::Enter if lock.typed.is_empty() => {}
            KeyCode::Enter => {
                lock.checking = true;
                let typed = std::mem::replace(
                    &mut lock.typed,
                    Zeroizing::new(String::with_capacity(PASSPHRASE_ROOM)),
                );
                return vec![Effect::Unlock(Secret(typed))];
            }
            KeyCode::Esc => {
                lock.typed.zeroize();
                lock.message = None;
            }
            KeyCode::Backspace => {
                lock.typed.pop();
            }
            KeyCode::Char(c)
                if typing && lock.typed.len() + c.len_utf8() <= lock.typed.capacity() =>
            {
                lock.typed.push(c);
            }
            _ => {}
        }
        vec![]
    }

    fn key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let ctx = self.context();
        let action = self.keymap.action(ctx, &key);
        if let Some(quit @ (Action::ForceQuit | Action::Quit)) = action {
            return self.update(quit);
        }
        if action == Some(Action::Lock) {
            return self.lock();
        }
        if self.too_small {
            return Vec::new();
        }
        if action == Some(Action::Help) {
            return self.update(Action::Help);
        }
        match ctx {
            Context::Field | Context::Text | Context::Pick => {
                let (guide, lang) = (Arc::clone(&self.guide), self.lang);
                let Some(iv) = self.interview.as_mut() else {
                    return vec![];
                };
                // Enter on a highlighted suggestion fills the attendee from an earlier visit.
                if matches!(action, Some(Action::CommitNext) | Some(Action::Commit))
                    && !iv.suggestions_for_current().is_empty()
                    && let Some((
                        _,
                        Editor::Line {
                            suggestion: Some(i),
                            ..
                        },
                    )) = &iv.editor
                {
                    let i = *i;
                    return iv.accept_suggestion(i);
                }
                let effects = iv.on_editor_key(&guide, lang, key, action);
                if let Some(key) = iv.refused.take() {
                    self.status = Status::Error(crate::i18n::t(lang, key).to_string());
                }
                self.with_position(effects)
            }
            Context::Reason
                if action.is_none()
                    && matches!(
                        self.overlay,
                        Some(
                            Overlay::Conflicts {
                                reason: Some(_),
                                ..
                            } | Overlay::Erase {
                                reason: Some(_),
                                ..
                            }
                        )
                    ) =>
            {
                if let Some(
                    Overlay::Conflicts {
                        reason: Some(input),
                        ..
                    }
                    | Overlay::Erase {
                        reason: Some(input),
                        ..
                    },
                ) = self.overlay.as_mut()
                {
                    input.0.handle_event(&Event::Key(key));
                }
                vec![]
            }
            Context::Goto | Context::Note | Context::Reason if action.is_none() => {
                if let Some(iv) = self.interview.as_mut() {
                    match iv.popup.as_mut() {
                        Some(Popup::Goto { input, cursor }) => {
                            input.handle_event(&Event::Key(key));
                            *cursor = 0;
                        }
                        Some(Popup::Note { input }) | Some(Popup::Reason { input, .. }) => {
                            input.handle_event(&Event::Key(key));
                        }
                        _ => {}
                    }
                }
                vec![]
            }
            _ => match action {
                Some(action) => self.update(action),
                None if ctx == Context::Search => {
                    self.search.input.handle_event(&Event::Key(key));
                    self.apply_query()
                }
                None if matches!(ctx, Context::BoardFilter | Context::BoardNote) => {
                    self.board_text_key(key)
                }
                None if ctx == Context::Interview => {
                    // A key that means nothing here still says so.
                    self.status =
                        Status::Error(crate::i18n::t(self.lang, "meeting.refused_key").to_string());
                    Vec::new()
                }
                None => Vec::new(),
            },
        }
    }

    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        use Action::*;
        match (self.context(), action) {
            // A change the store refused is only in memory: leaving would drop it unasked.
            // (Force quit never asks: it is the way out when nothing else works.)
            (Context::Interview, Quit) if self.interview.as_ref().is_some_and(|iv| iv.unsaved) => {
                self.overlay = Some(Overlay::Confirm(Confirm::DropUnsaved { quit: true }));
                vec![]
            }
            (_, ForceQuit) | (_, Quit) => {
                self.quit = true;
                vec![Effect::Quit]
            }
            (_, Help) => {
                if self.overlay != Some(Overlay::Help) {
                    self.help_under = self.overlay.take();
                }
                self.overlay = Some(Overlay::Help);
                self.help_scroll.set(0);
                vec![]
            }
            (_, ToggleLang) => {
                self.lang = self.lang.toggled();
                vec![Effect::SaveLang(self.lang)]
            }
            (Context::Conflicts, a) => self.conflicts_action(a),
            (Context::Reason, a) if matches!(self.overlay, Some(Overlay::Conflicts { .. })) => {
                self.conflicts_action(a)
            }
            (Context::Documents, a) => self.documents_action(a),
            (Context::Erase, a) => self.erase_action(a),
            (Context::Reason, a) if matches!(self.overlay, Some(Overlay::Erase { .. })) => {
                self.erase_action(a)
            }
            (Context::Help, Close) => {
                self.overlay = self.help_under.take();
                vec![]
            }
            (Context::Help, Up) => {
                self.help_scroll
                    .set(self.help_scroll.get().saturating_sub(1));
                vec![]
            }
            (Context::Help, Down) => {
                self.help_scroll.set(self.help_scroll.get() + 1);
                vec![]
            }
            (Context::Help, a @ (PageUp | PageDown | First | Last)) => {
                let (s, page) = (self.help_scroll.get(), self.help_page.get().max(1));
                self.help_scroll.set(match a {
                    PageUp => s.saturating_sub(page),
                    PageDown => s + page,
                    First => 0,
                    _ => usize::MAX / 2,
                });
                vec![]
            }
            (Context::Confirm, Yes) => match self.overlay.take() {
                Some(Overlay::Confirm(Confirm::Delete { id, .. })) => vec![Effect::Delete(id)],
                Some(Overlay::Confirm(Confirm::DropUnsaved { quit: true })) => {
                    self.quit = true;
                    vec![Effect::Quit]
                }
                Some(Overlay::Confirm(Confirm::DropUnsaved { quit: false })) => {
                    self.leave_interview()
                }
                _ => {
                    let user = self.user.clone();
                    let Some(iv) = self.interview.as_mut() else {
                        return vec![];
                    };
                    iv.popup = None;
                    let effects = iv.finalise(&user, "");
                    self.with_position(effects)
                }
            },
            (Context::Confirm, No) => {
                self.overlay = None;
                if let Some(iv) = self.interview.as_mut() {
                    iv.popup = None;
                }
                vec![]
            }
            (Context::Search, Accept) => {
                self.search.active = false;
                vec![]
            }
            (Context::Search, Cancel) => {
                self.search.active = false;
                self.clear_search()
            }
            (Context::Interview, Back) => self.leave_item_or_interview(),
            (Context::Interview, a) => {
                let (guide, lang) = (Arc::clone(&self.guide), self.lang);
                let Some(iv) = self.interview.as_mut() else {
                    return vec![];
                };
                let effects = iv.on_action(&guide, lang, a);
                if let Some(key) = iv.refused.take() {
                    self.status = Status::Error(crate::i18n::t(lang, key).to_string());
                }
                self.with_position(effects)
            }
            (
                Context::Goto
                | Context::CheckView
                | Context::Note
                | Context::Reason
                | Context::Notes,
                a,
            ) => self.popup_action(a),
            (Context::Audit, a) => {
                let (s, page) = (self.audit.scroll.get(), self.audit.page.get().max(1));
                match a {
                    Back => self.screen = Screen::Detail,
                    Up => self.audit.scroll.set(s.saturating_sub(1)),
                    Down => self.audit.scroll.set(s + 1),
                    PageUp => self.audit.scroll.set(s.saturating_sub(page)),
                    PageDown => self.audit.scroll.set(s + page),
                    _ => {}
                }
                vec![]
            }
            (Context::List, a) => self.list_action(a),
            (Context::Detail, a) => self.detail_action(a),
            (Context::History, a) => self.history_action(a),
            (Context::Trash, a) => self.trash_action(a),
            (
                c @ (Context::Board
                | Context::BoardFilter
                | Context::BoardStatus
                | Context::BoardNote),
                a,
            ) => self.board_action(c, a),
            (Context::Overview, a) => self.overview_action(a),
            _ => vec![],
        }
    }

    fn list_action(&mut self, action: Action) -> Vec<Effect> {
        use Action::*;
        let page = self.list.page_size();
        match action {
            Up => self.list.move_by(-1),
            Down => self.list.move_by(1),
            PageUp => self.list.move_by(-page),
            PageDown => self.list.move_by(page),
            First => self.list.selected = 0,
            Last => self.list.move_by(isize::MAX),
            Search => self.search.active = true,
            ClearSearch => return self.clear_search(),
            Open => {
                if let Some(id) = self.list.selected_summary().map(|s| s.id) {
                    return self.open_visit(id);
                }
            }
            Delete => {
                if let Some(s) = self.list.selected_summary() {
                    let label = format!("{} {}", s.district.code, s.district.name);
                    let when = s
                        .start
                        .map(|d| crate::format::datetime_short(self.lang, &d))
                        .unwrap_or_default();
                    self.overlay = Some(Overlay::Confirm(Confirm::Delete {
                        id: s.id,
                        label: format!("{label}, {when}"),
                    }));
                }
            }
            History => {
                if let Some(code) = self
                    .list
                    .selected_summary()
                    .map(|s| s.district.code.clone())
                {
                    return self.open_history(code, Screen::List);
                }
            }
            Trash => {
                self.screen = Screen::Trash;
                self.trash.loading = true;
                return vec![Effect::LoadTrash];
            }
            LoadDemo => return vec![Effect::LoadDemo],
            Sync => return self.start_sync(),
            Board => return self.open_board(None, Screen::List),
            Overview => return self.open_overview(Screen::List),
            NewVisit => return vec![Effect::CreateVisit(Box::new(self.new_visit()))],
            Edit => {
                if let Some(id) = self.list.selected_summary().map(|s| s.id) {
                    return vec![Effect::OpenInterview(id)];
                }
            }
            _ => {}
        }
        vec![]
    }

    fn detail_action(&mut self, action: Action) -> Vec<Effect> {
        use Action::*;
        let Some(d) = &self.detail else {
            self.screen = Screen::List;
            return vec![];
        };
        let page = d.page.get().max(1);
        let s = d.scroll.get();
        match action {
            Back => self.screen = self.detail_back.take().unwrap_or(Screen::List),
            Up => d.scroll.set(s.saturating_sub(1)),
            Down => d.scroll.set(s + 1),
            PageUp => d.scroll.set(s.saturating_sub(page)),
            PageDown => d.scroll.set(s + page),
            First => d.scroll.set(0),
            Last => d.scroll.set(usize::MAX / 2),
            History => {
                if let Some(code) = d.visit.as_ref().map(|v| v.district.code.clone()) {
                    return self.open_history(code, Screen::Detail);
                }
            }
            Board => {
                if let Some(code) = d.visit.as_ref().map(|v| v.district.code.clone()) {
                    return self.open_board(Some(code), Screen::Detail);
                }
            }
            Edit => return vec![Effect::OpenInterview(d.id)],
            ErasePerson => self.open_erase(),
            ExportReport => {
                self.overlay = Some(Overlay::Documents {
                    cursor: 0,
                    format: 0,
                });
            }
            ShowConflicts => {
                if d.visit.as_ref().is_some_and(|v| !v.conflicts.is_empty()) {
                    self.overlay = Some(Overlay::Conflicts {
                        cursor: 0,
                        reason: None,
                    });
                } else {
                    self.status = Status::Notice {
                        key: "notice.no_conflicts",
                        arg: String::new(),
                    };
                }
            }
            AuditLog => {
                let id = d.id;
                self.audit = AuditView::default();
                self.screen = Screen::Audit;
                return vec![Effect::LoadAudit(id)];
            }
            _ => {}
        }
        vec![]
    }

    fn history_action(&mut self, action: Action) -> Vec<Effect> {
        use Action::*;
        let n = self.history.history.as_ref().map_or(0, |h| h.entries.len());
        let sel = &mut self.history.selected;
        match action {
            Back => self.screen = self.history.back_to.take().unwrap_or(Screen::List),
            Up | PageUp => *sel = sel.saturating_sub(if action == Up { 1 } else { 5 }),
            Down | PageDown => {
                *sel = (*sel + if action == Down { 1 } else { 5 }).min(n.saturating_sub(1));
            }
            Open => {
                let id = self
                    .history
                    .history
                    .as_ref()
                    .and_then(|h| h.entries.get(*sel))
                    .map(|e| e.id);
                if let Some(id) = id {
                    return self.open_visit(id);
                }
            }
            _ => {}
        }
        vec![]
    }

    fn trash_action(&mut self, action: Action) -> Vec<Effect> {
        use Action::*;
        let n = self.trash.entries.len();
        match action {
            Back => self.screen = Screen::List,
            Up => self.trash.selected = self.trash.selected.saturating_sub(1),
            Down => self.trash.selected = (self.trash.selected + 1).min(n.saturating_sub(1)),
            Restore => {
                if let Some(e) = self.trash.entries.get(self.trash.selected) {
                    return vec![Effect::Restore(e.visit.id)];
                }
            }
            _ => {}
        }
        vec![]
    }

    /// The (conflict, candidate) pairs of the visit in the detail, in display order.
    pub fn conflict_choices(&self) -> Vec<(Uuid, usize)> {
        let Some(v) = self.detail.as_ref().and_then(|d| d.visit.as_ref()) else {
            return vec![];
        };
        v.conflicts
            .iter()
            .flat_map(|c| (0..c.candidates.len()).map(move |i| (c.id, i)))
            .collect()
    }

    fn documents_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(Overlay::Documents { cursor, format }) = self.overlay.as_mut() else {
            return vec![];
        };
        let formats = DocFormat::ALL.len();
        match action {
            Action::Up => *cursor = cursor.saturating_sub(1),
            Action::Down => *cursor = (*cursor + 1).min(DOCUMENT_MENU.len() - 1),
            Action::Left => *format = (*format + formats - 1) % formats,
            Action::Right => *format = (*format + 1) % formats,
            Action::Open => {
                let ((kind, planned), chosen) = (DOCUMENT_MENU[*cursor], DocFormat::ALL[*format]);
                self.overlay = None;
                if let Some(d) = &self.detail {
                    // The report as HTML is what `x` always wrote; it keeps its own effect.
                    if kind == DocumentKind::Report && chosen == DocFormat::Html {
                        return vec![Effect::ExportReport(d.id)];
                    }
                    return vec![Effect::ExportDocument {
                        visit: d.id,
                        kind,
                        format: chosen,
                        planned,
                    }];
                }
            }
            Action::Close => self.overlay = None,
            _ => {}
        }
        vec![]
    }

    fn conflicts_action(&mut self, action: Action) -> Vec<Effect> {
        let choices = self.conflict_choices();
        let is_final = self
            .detail
            .as_ref()
            .and_then(|d| d.visit.as_ref())
            .is_some_and(|v| v.is_final());
        let Some(Overlay::Conflicts { cursor, reason }) = self.overlay.as_mut() else {
            return vec![];
        };
        let pick = choices.get(*cursor).copied();
        let settle = |reason: String, app: &mut App| {
            app.overlay = None;
            match (pick, &app.detail) {
                (Some((conflict, choice)), Some(d)) => vec![Effect::ResolveConflict {
                    visit: d.id,
                    conflict,
                    choice,
                    reason,
                }],
                _ => vec![],
            }
        };
        match (reason.as_ref(), action) {
            // Asking why (a final visit): the reason, or back to the choice.
            (Some(input), Action::Commit) => {
                let why = input.0.value().trim().to_string();
                if why.is_empty() {
                    return vec![];
                }
                return settle(why, self);
            }
            (Some(_), Action::Cancel) => *reason = None,
            (Some(_), _) => {}
            (None, Action::Up) => *cursor = cursor.saturating_sub(1),
            (None, Action::Down) => *cursor = (*cursor + 1).min(choices.len().saturating_sub(1)),
            (None, Action::Open) if is_final => *reason = Some(TextInput::default()),
            (None, Action::Open) => return settle(String::new(), self),
            (None, Action::Close) => self.overlay = None,
            _ => {}
        }
        vec![]
    }

    /// What the interview loads once it knows the district: people met there before, and the
    /// commitments earlier visits left open.
    fn district_effects(&self, code: String) -> Vec<Effect> {
        let before = self
            .interview
            .as_ref()
            .and_then(|iv| iv.visit.start.map(|s| s.to_utc()))
            // A visit whose start is not typed yet is happening now.
            .unwrap_or(self.now.to_utc());
        vec![
            Effect::LoadSuggestions(code.clone()),
            Effect::LoadOpenItems { code, before },
        ]
    }

    /// A fresh draft for the interview: the guide's standard strategies, the meeting starting now.
    fn new_visit(&self) -> Visit {
        let mut v = Visit::new(new_id(), District::new("", ""), self.now.to_utc());
        self.guide.start_visit(&mut v, new_id);
        // The start stays empty: Enter on the empty field takes the time it is typed at.
        v
    }

    /// Every save also records where the auditor is, written before the save's flush.
    fn with_position(&self, mut effects: Vec<Effect>) -> Vec<Effect> {
        // One key may change the working copy twice (close a blank item, add the next): each
        // save carries the whole copy, so the last one holds every change, and an earlier one
        // would only race it on the revision.
        let saves = effects
            .iter()
            .filter(|e| matches!(e, Effect::SaveVisit { .. }))
            .count();
        if saves > 1 {
            let mut seen = 0;
            effects.retain(|e| {
                if matches!(e, Effect::SaveVisit { .. }) {
                    seen += 1;
                    seen == saves
                } else {
                    true
                }
            });
        }
        if let Some(iv) = &self.interview
            && let Some(i) = effects
                .iter()
                .position(|e| matches!(e, Effect::SaveVisit { .. }))
        {
            effects.insert(
                i,
                Effect::SavePosition {
                    id: iv.visit.id,
                    section: iv.section,
                    row: iv.row,
                },
            );
        }
        effects
    }

    fn leave_item_or_interview(&mut self) -> Vec<Effect> {
        let Some(iv) = self.interview.as_mut() else {
            self.screen = Screen::List;
            return vec![];
        };
        if iv.item.is_some() {
            let guide = Arc::clone(&self.guide);
            let effects = self
                .interview
                .as_mut()
                .map(|iv| iv.close_item(&guide))
                .unwrap_or_default();
            return self.with_position(effects);
        }
        if iv.outline {
            iv.outline = false;
            return vec![];
        }
        if iv.unsaved {
            self.overlay = Some(Overlay::Confirm(Confirm::DropUnsaved { quit: false }));
            return vec![];
        }
        self.leave_interview()
    }

    /// Back to the visit (or the list) from the interview, whatever it holds.
    fn leave_interview(&mut self) -> Vec<Effect> {
        let Some(iv) = self.interview.as_mut() else {
            self.screen = Screen::List;
            return vec![];
        };
        let pos = Effect::SavePosition {
            id: iv.visit.id,
            section: iv.section,
            row: iv.row,
        };
        let reopen = self.detail.as_ref().is_some_and(|d| d.id == iv.visit.id);
        self.screen = if reopen { Screen::Detail } else { Screen::List };
        let mut effects = vec![pos, Effect::ReloadList];
        if reopen {
            effects.push(Effect::LoadVisit(iv.visit.id));
        }
        self.interview = None;
        effects
    }

    fn popup_action(&mut self, action: Action) -> Vec<Effect> {
        use Action::*;
        let (guide, lang, user) = (Arc::clone(&self.guide), self.lang, self.user.clone());
        let Some(iv) = self.interview.as_mut() else {
            return vec![];
        };
        let Some(popup) = iv.popup.as_mut() else {
            return vec![];
        };
        let effects = match (popup, action) {
            (Popup::Goto { cursor, .. }, Up) | (Popup::Check { cursor }, Up) => {
                *cursor = cursor.saturating_sub(1);
                vec![]
            }
            (Popup::Goto { cursor, input }, Down) => {
                let n = interview::goto_matches(&guide, lang, input.value()).len();
                *cursor = (*cursor + 1).min(n.saturating_sub(1));
                vec![]
            }
            (Popup::Check { cursor }, Down) => {
                let n = guide.check(&iv.visit).len() + iv.drafts.len();
                *cursor = (*cursor + 1).min(n.saturating_sub(1));
                vec![]
            }
            (Popup::Goto { cursor, input }, Open) => {
                let target = interview::goto_matches(&guide, lang, input.value())
                    .into_iter()
                    .nth(*cursor);
                iv.popup = None;
                if let Some(m) = target {
                    iv.jump_to(&guide, &m.section, m.question.as_deref());
                }
                vec![]
            }
            (Popup::Check { cursor }, Open) if *cursor < iv.drafts.len() => {
                // Unsaved drafts are listed first.
                let target = iv.drafts[*cursor].target.clone();
                iv.popup = None;
                iv.open_draft(&guide, lang, &target);
                vec![]
            }
            (Popup::Check { cursor }, Open) => {
                let item = guide
                    .check(&iv.visit)
                    .into_iter()
                    .nth(*cursor - iv.drafts.len());
                iv.popup = None;
                if let Some(item) = item {
                    iv.jump_to(&guide, &item.section, item.question.as_deref());
                }
                vec![]
            }
            (Popup::Notes { cursor }, Up) => {
                *cursor = cursor.saturating_sub(1);
                vec![]
            }
            (Popup::Notes { cursor }, Down) => {
                *cursor = (*cursor + 1).min(iv.visit.notes.len().saturating_sub(1));
                vec![]
            }
            (Popup::Notes { cursor }, Open) => {
                let id = iv.visit.notes.get(*cursor).map(|n| n.id);
                if let Some(id) = id.filter(|_| !iv.locked()) {
                    iv.open_note(Some(id));
                }
                vec![]
            }
            (Popup::Notes { cursor }, DeleteItem) => {
                let at = *cursor;
                if iv.locked() || at >= iv.visit.notes.len() {
                    return vec![];
                }
                iv.visit.notes.remove(at);
                let left = iv.visit.notes.len();
                if let Some(Popup::Notes { cursor }) = iv.popup.as_mut() {
                    *cursor = at.min(left.saturating_sub(1));
                }
                vec![iv.save(crate::domain::AuditAction::Edit, "")]
            }
            (Popup::Note { input }, Commit) => {
                let text = input.value().to_string();
                iv.popup = None;
                let effects = iv.add_note(&guide, &text);
                iv.after_note(&guide, lang);
                effects
            }
            (Popup::Note { input }, Cancel) => {
                // Keep the draft: closing the box must not lose a sentence.
                if iv.note_edit.is_none() {
                    iv.note_draft = input.value().to_string();
                }
                iv.popup = None;
                iv.after_note(&guide, lang);
                vec![]
            }
            (Popup::Reason { input, purpose }, Commit) => {
                let reason = input.value().trim().to_string();
                if reason.is_empty() {
                    return vec![];
                }
                let purpose = *purpose;
                iv.popup = None;
                match purpose {
                    ReasonFor::Finalise => iv.finalise(&user, &reason),
                    ReasonFor::Amend => iv.amend(&reason),
                }
            }
            (_, Cancel) | (_, Close) => {
                iv.popup = None;
                vec![]
            }
            _ => vec![],
        };
        self.with_position(effects)
    }

    pub(crate) fn open_visit(&mut self, id: Uuid) -> Vec<Effect> {
        self.screen = Screen::Detail;
        self.detail = Some(Detail {
            id,
            visit: None,
            scroll: Cell::new(0),
            page: Cell::new(10),
        });
        vec![Effect::LoadVisit(id)]
    }

    fn open_history(&mut self, code: String, from: Screen) -> Vec<Effect> {
        self.screen = Screen::History;
        self.history = HistoryView {
            loading: true,
            history: None,
            selected: 0,
            back_to: Some(from),
        };
        vec![Effect::LoadHistory(code)]
    }

    fn clear_search(&mut self) -> Vec<Effect> {
        self.search.input.reset();
        self.apply_query()
    }

    /// Re-reads the search box: filters apply at once; text goes to the search worker.
    fn apply_query(&mut self) -> Vec<Effect> {
        let q = Query::parse(self.search.input.value());
        let text = q.text.clone();
        self.search.query = q;
        if text.is_empty() {
            self.search.hits = None;
            self.search.pending = false;
            self.list.refilter(&self.search.query, None);
            return vec![];
        }
        self.search.generation += 1;
        self.search.pending = true;
        vec![Effect::Search {
            generation: self.search.generation,
            text,
        }]
    }

    pub fn on_msg(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Idle if self.lockable => return self.lock(),
            Msg::Idle => {}
            Msg::Unlocked => self.lock = None,
            Msg::UnlockRefused(why) => {
                if let Some(lock) = self.lock.as_mut() {
                    lock.checking = false;
                    lock.typed.zeroize();
                    lock.message = Some(why);
                }
            }
            Msg::ListLoaded(all) => {
                self.list.set(all);
                if self.search.query.text.is_empty() {
                    self.list.refilter(&self.search.query, None);
                } else {
                    return self.apply_query();
                }
            }
            Msg::VisitLoaded(v) => {
                if let Some(d) = self.detail.as_mut().filter(|d| d.id == v.id) {
                    d.visit = Some(v);
                }
            }
            Msg::TrashLoaded(entries) => {
                self.trash.loading = false;
                self.trash.selected = self.trash.selected.min(entries.len().saturating_sub(1));
                self.trash.entries = entries;
            }
            Msg::HistoryLoaded(h) => {
                self.history.loading = false;
                self.history.selected = h.as_ref().map_or(0, |h| h.entries.len().saturating_sub(1));
                self.history.history = h;
            }
            Msg::IndexProgress { done, total } => {
                self.search.indexing = (done < total).then_some((done, total));
            }
            Msg::SearchDone { generation, hits } => {
                if generation == self.search.generation {
                    self.search.pending = false;
                    self.list.refilter(&self.search.query, Some(&hits));
                    self.search.hits = Some(hits);
                }
            }
            Msg::FollowUpsLoaded(facts) => {
                self.followups_dirty.clear();
                self.board.loading = false;
                self.followups = Some(board::FollowUpData::new(facts));
                self.refilter_board();
            }
            Msg::FollowUpUpdated(facts) => {
                if let Some(d) = self.followups.as_mut() {
                    d.upsert(*facts);
                }
                self.refilter_board();
            }
            // Whole visits came, went or changed outside the interview: the cached follow-up
            // facts are reloaded when next shown.
            Msg::VisitsChanged => self.followups = None,
            Msg::Notice { key, arg } => self.status = Status::Notice { key, arg },
            Msg::Failed(text) => self.status = Status::Error(text),
            Msg::Recovered {
                visit,
                journal,
                drafts,
            } => {
                let effects = self.on_msg(Msg::InterviewLoaded {
                    visit,
                    section: journal.section,
                    row: journal.row,
                    drafts,
                });
                let (guide, lang) = (Arc::clone(&self.guide), self.lang);
                if let Some(iv) = self.interview.as_mut() {
                    iv.recover(&guide, lang, &journal);
                }
                self.status = Status::Notice {
                    key: "meeting.recovered",
                    arg: String::new(),
                };
                return effects;
            }
            Msg::InterviewLoaded {
                visit,
                section,
                row,
                drafts,
            } => {
                let code = visit.district.code.clone();
                self.followups_dirty.insert(visit.id);
                let mut iv = Interview::new(*visit, section, row, self.now);
                iv.drafts = drafts;
                iv.suggestions_for = code.clone();
                self.interview = Some(iv);
                self.screen = Screen::Interview;
                if !code.is_empty() {
                    return self.district_effects(code);
                }
            }
            Msg::VisitSaved(v) => {
                // Refreshed when the board or overview is next opened, not on every field.
                self.followups_dirty.insert(v.id);
                self.status = Status::Notice {
                    key: "notice.saved",
                    arg: String::new(),
                };
                if let Some(iv) = self.interview.as_mut().filter(|iv| iv.visit.id == v.id) {
                    iv.visit = *v;
                    iv.unsaved = false;
                    // The district was just set or changed: offer the people met there before.
                    let code = iv.visit.district.code.clone();
                    if !code.is_empty() && code != iv.suggestions_for {
                        iv.suggestions_for = code.clone();
                        return self.district_effects(code);
                    }
                }
            }
            Msg::SyncFinished(outcome) => return self.sync_finished(outcome),
            Msg::SaveFailed(text) => {
                if let Some(iv) = self.interview.as_mut() {
                    iv.unsaved = true;
                }
                self.status = Status::Error(text);
            }
            Msg::OpenItems(items) => {
                if let Some(iv) = self.interview.as_mut() {
                    iv.open_items = items;
                }
            }
            Msg::Suggestions(people) => {
                if let Some(iv) = self.interview.as_mut() {
                    iv.suggestions = people;
                }
            }
            Msg::AuditLoaded(events) => self.audit.events = events,
        }
        vec![]
    }
}
