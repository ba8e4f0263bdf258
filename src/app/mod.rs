//! The application state machine. `handle_key`, `update` and `on_msg` change state and return
//! effects as data; they do no I/O. The runtime (`crate::tui`) performs the effects against the
//! store and feeds the results back as [`Msg`]s. Rendering (`crate::ui`) only reads the state.

pub mod board;
pub mod history;
pub mod list;
pub mod overview;
pub mod query;

use std::cell::Cell;

use crossterm::event::{Event, KeyEvent, KeyEventKind};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;
use uuid::Uuid;

use crate::domain::{Visit, VisitFacts, VisitSummary};
use crate::i18n::Lang;
use crate::keymap::{Action, Context, Keymap};
use crate::search::Hit;
use crate::store::TrashEntry;
use history::DistrictHistory;
use list::VisitList;
use query::Query;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    List,
    Detail,
    History,
    Trash,
    Board,
    Overview,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help,
    Confirm(Confirm),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Confirm {
    Delete { id: Uuid, label: String },
}

/// Work for the runtime.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
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
    /// The follow-up facts of every visit, for the board and the overview.
    LoadFollowUps,
    /// An audited change to one follow-up item of a visit.
    UpdateFollowUp {
        visit: Uuid,
        source: crate::followup::Source,
        change: crate::followup::Change,
    },
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
    /// A catalogue key (and argument) to show in the status line.
    Notice {
        key: &'static str,
        arg: String,
    },
    /// A write or read failed; the text is already in the user's language.
    Failed(String),
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

pub struct App {
    pub lang: Lang,
    pub keymap: Keymap,
    /// Shown in the status line.
    pub db_label: String,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub help_scroll: Cell<usize>,
    pub list: VisitList,
    pub search: SearchBox,
    pub detail: Option<Detail>,
    pub history: HistoryView,
    pub trash: TrashView,
    pub status: Status,
    pub quit: bool,
    /// "Today" for overdue items: set at start-up, fixed in tests; never read from the clock
    /// while drawing.
    pub today: chrono::NaiveDate,
    pub board: board::BoardView,
    pub overview: overview::OverviewView,
    /// Cached follow-up items and overview, shared by both screens.
    pub followups: Option<board::FollowUpData>,
    /// Where Esc on the detail screen returns to (the list unless set).
    pub detail_back: Option<Screen>,
}

impl App {
    pub fn new(lang: Lang, keymap: Keymap, db_label: String, visits: Vec<VisitSummary>) -> App {
        let mut app = App {
            lang,
            keymap,
            db_label,
            screen: Screen::List,
            overlay: None,
            help_scroll: Cell::new(0),
            list: VisitList::default(),
            search: SearchBox::default(),
            detail: None,
            history: HistoryView::default(),
            trash: TrashView::default(),
            status: Status::None,
            quit: false,
            today: chrono::Local::now().date_naive(),
            board: board::BoardView::default(),
            overview: overview::OverviewView::default(),
            followups: None,
            detail_back: None,
        };
        app.list.set(visits);
        app.list.refilter(&Query::default(), None);
        app
    }

    /// Where keys go now.
    pub fn context(&self) -> Context {
        match (&self.overlay, self.screen) {
            (Some(Overlay::Help), _) => Context::Help,
            (Some(Overlay::Confirm(_)), _) => Context::Confirm,
            (None, Screen::List) if self.search.active => Context::Search,
            (None, Screen::List) => Context::List,
            (None, Screen::Detail) => Context::Detail,
            (None, Screen::History) => Context::History,
            (None, Screen::Trash) => Context::Trash,
            (None, Screen::Board) => self.board.context(),
            (None, Screen::Overview) => Context::Overview,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        // Windows reports releases too; acting on them would double every key.
        if key.kind != KeyEventKind::Press {
            return Vec::new();
        }
        let ctx = self.context();
        match self.keymap.action(ctx, &key) {
            Some(action) => self.update(action),
            None if ctx == Context::Search => {
                self.search.input.handle_event(&Event::Key(key));
                self.apply_query()
            }
            None if matches!(ctx, Context::BoardFilter | Context::BoardNote) => {
                self.board_text_key(key)
            }
            None => Vec::new(),
        }
    }

    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        use Action::*;
        match (self.context(), action) {
            (_, ForceQuit) | (_, Quit) => {
                self.quit = true;
                vec![Effect::Quit]
            }
            (_, Help) => {
                self.overlay = Some(Overlay::Help);
                self.help_scroll.set(0);
                vec![]
            }
            (_, ToggleLang) => {
                self.lang = self.lang.toggled();
                vec![Effect::SaveLang(self.lang)]
            }
            (Context::Help, Close) => {
                self.overlay = None;
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
            (Context::Confirm, Yes) => match self.overlay.take() {
                Some(Overlay::Confirm(Confirm::Delete { id, .. })) => vec![Effect::Delete(id)],
                _ => vec![],
            },
            (Context::Confirm, No) => {
                self.overlay = None;
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
                        .map(|d| crate::format::datetime_short(&d))
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
            Board => return self.open_board(None, Screen::List),
            Overview => return self.open_overview(Screen::List),
            NewVisit => {
                self.status = Status::Notice {
                    key: "notice.new_visit_pending",
                    arg: String::new(),
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
                *sel = (*sel + if action == Down { 1 } else { 5 }).min(n.saturating_sub(1))
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
            Msg::SearchDone { generation, hits } => {
                if generation == self.search.generation {
                    self.search.pending = false;
                    self.list.refilter(&self.search.query, Some(&hits));
                    self.search.hits = Some(hits);
                }
            }
            Msg::FollowUpsLoaded(facts) => {
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
            Msg::Notice { key, arg } => self.status = Status::Notice { key, arg },
            Msg::Failed(text) => self.status = Status::Error(text),
        }
        vec![]
    }
}
