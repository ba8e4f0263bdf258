//! The overview screen's state: which panel is shown, chart or table, the cursor in the panel,
//! and the obstacle category whose visits are listed. The aggregates themselves are cached in
//! [`super::board::FollowUpData`].

use std::cell::Cell;

use super::{App, Effect, Screen};
use crate::keymap::Action;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Visits,
    Obstacles,
    Strategies,
    Coverage,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Visits, Tab::Obstacles, Tab::Strategies, Tab::Coverage];

    pub fn key(self) -> &'static str {
        match self {
            Tab::Visits => "overview.tab_visits",
            Tab::Obstacles => "overview.tab_obstacles",
            Tab::Strategies => "overview.tab_strategies",
            Tab::Coverage => "overview.tab_coverage",
        }
    }
}

#[derive(Debug, Default)]
pub struct OverviewView {
    pub tab: Tab,
    /// Tables instead of charts (narrow terminals switch on their own).
    pub table: bool,
    /// The selected obstacle category (row) or coverage district.
    pub selected: usize,
    /// Showing the visits that reported the selected obstacle category; the cursor in them.
    pub visits_of: Option<usize>,
    pub indicator: usize,
    pub offset: Cell<usize>,
    pub back_to: Option<Screen>,
}

impl App {
    fn overview_rows(&self) -> usize {
        let Some(o) = self.followups.as_ref().and_then(|d| d.overview.as_ref()) else {
            return 0;
        };
        match self.overview.tab {
            Tab::Obstacles => match self.overview.visits_of {
                Some(_) => o
                    .obstacles
                    .get(self.overview.selected)
                    .map_or(0, |r| r.visits.len()),
                None => o.obstacles.len(),
            },
            Tab::Coverage => o
                .coverage
                .get(self.overview.indicator)
                .map_or(0, |i| i.series.len()),
            _ => 0,
        }
    }

    pub(super) fn overview_action(&mut self, action: Action) -> Vec<Effect> {
        use Action::*;
        let n = self.overview_rows();
        let ov = &mut self.overview;
        let cursor = match ov.visits_of.as_mut() {
            Some(c) => c,
            None => &mut ov.selected,
        };
        match action {
            Back => {
                if ov.visits_of.is_some() {
                    ov.visits_of = None;
                } else {
                    self.screen = ov.back_to.take().unwrap_or(Screen::List);
                }
            }
            Up => *cursor = cursor.saturating_sub(1),
            Down => *cursor = (*cursor + 1).min(n.saturating_sub(1)),
            NextTab | PrevTab => {
                let i = Tab::ALL.iter().position(|t| *t == ov.tab).unwrap_or(0);
                let d = if action == NextTab {
                    1
                } else {
                    Tab::ALL.len() - 1
                };
                ov.tab = Tab::ALL[(i + d) % Tab::ALL.len()];
                ov.selected = 0;
                ov.visits_of = None;
                ov.offset.set(0);
            }
            ToggleChart => ov.table = !ov.table,
            NextIndicator => {
                let count = self
                    .followups
                    .as_ref()
                    .and_then(|d| d.overview.as_ref())
                    .map_or(0, |o| o.coverage.len());
                let ov = &mut self.overview;
                ov.indicator = (ov.indicator + 1) % count.max(1);
                ov.selected = 0;
                ov.tab = Tab::Coverage;
            }
            Open if ov.tab == Tab::Obstacles => match ov.visits_of {
                None if n > 0 => ov.visits_of = Some(0),
                Some(i) => {
                    let id = self
                        .followups
                        .as_ref()
                        .and_then(|d| d.overview.as_ref())
                        .and_then(|o| o.obstacles.get(self.overview.selected))
                        .and_then(|r| r.visits.get(i))
                        .copied();
                    if let Some(id) = id {
                        self.detail_back = Some(Screen::Overview);
                        return self.open_visit(id);
                    }
                }
                None => {}
            },
            Board => return self.open_board(None, Screen::Overview),
            _ => {}
        }
        vec![]
    }
}
