//! The follow-up board's state: the cached items of all visits ([`FollowUps`], built once when
//! the facts arrive, updated per write), the filter, the rows it admits and the cursor. Moving
//! the cursor touches nothing else; a filter change re-filters the cached items once.

use std::cell::Cell;

use crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;
use uuid::Uuid;

use super::{App, Effect, Screen, Status};
use crate::domain::{StrategyStatus, VisitFacts};
use crate::followup::{
    Change, Due, Filter, FollowUps, Source, StatusFilter, Which, overview::DEFAULT_INDICATORS,
    overview::Overview,
};
use crate::keymap::{Action, Context};

/// What has keys on the board besides the list itself.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Mode {
    #[default]
    List,
    /// Typing the place filter.
    Place,
    /// Choosing a new status; the index into [`StrategyStatus::ALL`].
    Status(usize),
    Note,
}

#[derive(Debug, Default)]
pub struct BoardView {
    pub loading: bool,
    pub filter: Filter,
    /// Indices into `FollowUps::items`, in board order.
    pub rows: Vec<usize>,
    pub selected: usize,
    pub offset: Cell<usize>,
    pub page: Cell<usize>,
    pub mode: Mode,
    pub input: Input,
    pub back_to: Option<Screen>,
}

impl BoardView {
    pub fn context(&self) -> Context {
        match self.mode {
            Mode::List => Context::Board,
            Mode::Place => Context::BoardFilter,
            Mode::Status(_) => Context::BoardStatus,
            Mode::Note => Context::BoardNote,
        }
    }
}

/// The follow-up data shared by the board and the overview, cached until a write changes it.
#[derive(Debug, Default)]
pub struct FollowUpData {
    pub items: FollowUps,
    pub overview: Option<Overview>,
}

impl FollowUpData {
    pub fn new(facts: Vec<VisitFacts>) -> FollowUpData {
        let items = FollowUps::build(facts);
        let overview = Some(Overview::build(&items.facts, &DEFAULT_INDICATORS));
        FollowUpData { items, overview }
    }

    pub fn upsert(&mut self, facts: VisitFacts) {
        self.items.upsert(facts);
        self.overview = Some(Overview::build(&self.items.facts, &DEFAULT_INDICATORS));
    }
}

fn cycle<T: PartialEq + Copy>(all: &[T], now: T) -> T {
    let i = all.iter().position(|x| *x == now).map_or(0, |i| i + 1);
    all[i % all.len()]
}

impl App {
    /// Opens the board.
    /// With `place` (from a visit's detail): that district's items from all its visits, so the
    /// auditor sees what earlier visits left open.
    pub fn open_board(&mut self, place: Option<String>, from: Screen) -> Vec<Effect> {
        self.screen = Screen::Board;
        self.board.back_to = Some(from);
        self.board.mode = Mode::List;
        if let Some(p) = place {
            self.board.filter = Filter {
                place: p.clone(),
                include_superseded: true,
                ..Filter::default()
            };
            self.board.input = Input::new(p);
        }
        self.load_or_refilter()
    }

    pub fn open_overview(&mut self, from: Screen) -> Vec<Effect> {
        self.screen = Screen::Overview;
        self.overview.back_to = Some(from);
        self.load_or_refilter()
    }

    /// The facts are loaded once (in the background at start-up, or on first use) and kept up to
    /// date as visits are saved; only deletes, restores and similar whole-visit changes drop them.
    fn load_or_refilter(&mut self) -> Vec<Effect> {
        if self.followups.is_some() {
            self.board.loading = false;
            self.refilter_board();
            if self.followups_dirty.is_empty() {
                return vec![];
            }
            return vec![Effect::RefreshFacts(
                std::mem::take(&mut self.followups_dirty)
                    .into_iter()
                    .collect(),
            )];
        }
        self.board.loading = true;
        vec![Effect::LoadFollowUps]
    }

    /// Called when the facts arrive or change: re-filters, keeping the selected item.
    pub fn refilter_board(&mut self) {
        let Some(data) = &self.followups else {
            self.board.rows.clear();
            return;
        };
        let keep = self.selected_item_key();
        self.board.rows = data.items.filter(&self.board.filter, self.today);
        self.board.selected = keep
            .and_then(|k| {
                self.board.rows.iter().position(|n| {
                    let i = &data.items.items[*n];
                    (data.items.facts[i.visit].id, data.items.source(i)) == k
                })
            })
            .unwrap_or(0)
            .min(self.board.rows.len().saturating_sub(1));
    }

    fn selected_item_key(&self) -> Option<(Uuid, Source)> {
        let data = self.followups.as_ref()?;
        let n = self.board.rows.get(self.board.selected)?;
        let i = data.items.items.get(*n)?;
        Some((data.items.facts[i.visit].id, data.items.source(i)))
    }

    pub(super) fn board_text_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        self.board.input.handle_event(&Event::Key(key));
        if self.board.mode == Mode::Place {
            self.board.filter.place = self.board.input.value().to_string();
            self.refilter_board();
        }
        vec![]
    }

    pub(super) fn board_action(&mut self, ctx: Context, action: Action) -> Vec<Effect> {
        use Action::*;
        match ctx {
            Context::BoardFilter => {
                match action {
                    Accept => self.board.mode = Mode::List,
                    Cancel => {
                        self.board.mode = Mode::List;
                        self.board.input.reset();
                        self.board.filter.place.clear();
                        self.refilter_board();
                    }
                    _ => {}
                }
                return vec![];
            }
            Context::BoardStatus => {
                let Mode::Status(i) = self.board.mode else {
                    return vec![];
                };
                let n = StrategyStatus::ALL.len();
                match action {
                    Up => self.board.mode = Mode::Status((i + n - 1) % n),
                    Down => self.board.mode = Mode::Status((i + 1) % n),
                    SetStatus => {
                        self.board.mode = Mode::List;
                        return self.change_selected(Change::Status(StrategyStatus::ALL[i % n]));
                    }
                    Cancel => self.board.mode = Mode::List,
                    _ => {}
                }
                return vec![];
            }
            Context::BoardNote => {
                match action {
                    Accept => {
                        self.board.mode = Mode::List;
                        let text = self.board.input.value().to_string();
                        self.board.input.reset();
                        if text.trim().is_empty() {
                            return vec![];
                        }
                        return self.change_selected(Change::Note {
                            on: self.today,
                            text,
                        });
                    }
                    Cancel => {
                        self.board.mode = Mode::List;
                        self.board.input.reset();
                    }
                    _ => {}
                }
                return vec![];
            }
            _ => {}
        }
        let rows = self.board.rows.len();
        let page = self.board.page.get().max(1) as isize;
        let sel = &mut self.board.selected;
        let move_by = |sel: &mut usize, d: isize| {
            *sel = sel.saturating_add_signed(d).min(rows.saturating_sub(1));
        };
        match action {
            Back => {
                self.screen = self.board.back_to.take().unwrap_or(Screen::List);
            }
            Up => move_by(sel, -1),
            Down => move_by(sel, 1),
            PageUp => move_by(sel, -page),
            PageDown => move_by(sel, page),
            First => *sel = 0,
            Last => move_by(sel, isize::MAX),
            Open => {
                if let Some((id, _)) = self.selected_item_key() {
                    self.detail_back = Some(Screen::Board);
                    return self.open_visit(id);
                }
            }
            SetStatus => match self.selected_item_key() {
                Some((_, Source::FollowUp)) => {
                    self.status = Status::Notice {
                        key: "board.no_status",
                        arg: String::new(),
                    }
                }
                Some((id, Source::Strategy(sid))) => {
                    let now = self
                        .followups
                        .as_ref()
                        .and_then(|d| d.items.visit(id))
                        .and_then(|f| f.strategies.iter().find(|s| s.id == sid))
                        .map(|s| s.status)
                        .unwrap_or_default();
                    let i = StrategyStatus::ALL
                        .iter()
                        .position(|s| *s == now)
                        .unwrap_or(0);
                    self.board.mode = Mode::Status(i);
                }
                None => {}
            },
            AddNote if self.selected_item_key().is_some() => {
                self.board.input.reset();
                self.board.mode = Mode::Note;
            }
            FilterDue => {
                self.board.filter.due = cycle(&Due::CYCLE, self.board.filter.due);
                self.refilter_board();
            }
            FilterStatus => {
                self.board.filter.status = cycle(&StatusFilter::CYCLE, self.board.filter.status);
                self.refilter_board();
            }
            FilterStrategy => {
                let mut all: Vec<Option<Which>> = vec![None];
                all.extend(Which::CYCLE.iter().map(|w| Some(*w)));
                self.board.filter.which = cycle(&all, self.board.filter.which);
                self.refilter_board();
            }
            FilterPlace => {
                self.board.input = Input::new(self.board.filter.place.clone());
                self.board.mode = Mode::Place;
            }
            ToggleSuperseded => {
                self.board.filter.include_superseded = !self.board.filter.include_superseded;
                self.refilter_board();
            }
            ClearFilters => {
                self.board.filter = Filter::default();
                self.board.input.reset();
                self.refilter_board();
            }
            Overview => return self.open_overview(Screen::Board),
            _ => {}
        }
        vec![]
    }

    fn change_selected(&mut self, change: Change) -> Vec<Effect> {
        match self.selected_item_key() {
            Some((visit, source)) => vec![Effect::UpdateFollowUp {
                visit,
                source,
                change,
            }],
            None => vec![],
        }
    }
}
