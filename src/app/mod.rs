//! The application state machine. `handle_key`, `update` and `on_msg` change state and return
//! effects as data; they do no I/O. The runtime (`crate::tui`) performs the effects against the
//! store and feeds the results back as [`Msg`]s. Rendering (`crate::ui`) only reads the state.

pub mod board;
pub mod central;
mod effect;
mod erase;
pub mod history;
pub mod interview;
pub mod list;
mod lock;
mod on_msg;
pub mod overview;
pub mod query;
mod screens;

use std::cell::Cell;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use crossterm::event::{Event, KeyEvent, KeyEventKind};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;
use uuid::Uuid;

use crate::domain::{AuditEvent, District, Visit, VisitSummary, new_id};
use crate::export::documents::DocumentKind;
use crate::guide::Guide;
use crate::i18n::{Lang, Said};
use crate::keymap::{Action, Context, Keymap};
use crate::search::Hit;
use crate::store::TrashEntry;
use history::DistrictHistory;
use interview::{Editor, Interview, Popup, ReasonFor};
use list::VisitList;
use query::Query;

pub use effect::{Effect, Msg};
pub use lock::{LockScreen, Secret};

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

#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    None,
    Notice { key: &'static str, arg: String },
    Error(crate::i18n::Said),
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
                    self.status = Status::Error(Said::key(key));
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
                    self.status = Status::Error(Said::key("meeting.refused_key"));
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
                    self.status = Status::Error(Said::key(key));
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
}
