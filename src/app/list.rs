//! The visit list: all summaries, the rows the current search/filter admits, and the cursor.

use std::cell::Cell;
use std::collections::HashMap;

use uuid::Uuid;

use super::query::Query;
use crate::domain::VisitSummary;
use crate::search::Hit;

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Index into `VisitList::all`.
    pub idx: usize,
    /// Why the row is shown, when a text search is active: the index of its hit in the hits the
    /// rows were last filtered by (kept in `App::search.hits`; see [`VisitList::hit`]).
    pub hit: Option<usize>,
}

#[derive(Debug, Default)]
pub struct VisitList {
    pub all: Vec<VisitSummary>,
    by_id: HashMap<Uuid, usize>,
    pub rows: Vec<Row>,
    pub selected: usize,
    /// First visible row. Render keeps it so the cursor stays in view, scrolling smoothly.
    pub offset: Cell<usize>,
    /// Rows that fit on screen at the last draw, for PageUp/PageDown.
    pub page: Cell<usize>,
}

impl VisitList {
    pub fn set(&mut self, all: Vec<VisitSummary>) {
        let old = std::mem::take(&mut self.all);
        let selected = self.rows.get(self.selected).and_then(|r| old.get(r.idx));
        let selected = selected.map(|s| s.id);
        self.by_id = all.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
        self.all = all;
        // The rows index into `all`: point them at the new list (a deleted visit's row goes)
        // so that nothing reads a stale index before the next refilter.
        let by_id = &self.by_id;
        self.rows
            .retain_mut(|r| match old.get(r.idx).and_then(|s| by_id.get(&s.id)) {
                Some(&i) => {
                    r.idx = i;
                    true
                }
                None => false,
            });
        let all = &self.all;
        self.selected = selected
            .and_then(|id| self.rows.iter().position(|r| all[r.idx].id == id))
            .unwrap_or_else(|| self.selected.min(self.rows.len().saturating_sub(1)));
    }

    pub fn selected_summary(&self) -> Option<&VisitSummary> {
        self.rows.get(self.selected).map(|r| &self.all[r.idx])
    }

    /// Recomputes the rows from the filters and, if a text search ran, its hits (best first).
    /// Called with every search result, so it touches a summary only when a filter needs it
    /// (at 10,000 hits, reading each summary costs more than everything else here).
    pub fn refilter(&mut self, query: &Query, hits: Option<&[Hit]>) {
        let keep = self.rows.get(self.selected).map(|r| r.idx);
        let filtered = query.has_filters();
        let all = &self.all;
        let admits = |idx: usize| !filtered || query.admits(&all[idx]);
        self.rows = match hits {
            Some(hits) => hits
                .iter()
                .enumerate()
                .filter_map(|(i, h)| {
                    let idx = *self.by_id.get(&h.id)?;
                    admits(idx).then_some(Row { idx, hit: Some(i) })
                })
                .collect(),
            None => (0..all.len())
                .filter(|i| admits(*i))
                .map(|idx| Row { idx, hit: None })
                .collect(),
        };
        self.selected = keep
            .and_then(|idx| self.rows.iter().position(|r| r.idx == idx))
            .unwrap_or(0);
    }

    /// The hit that put `row` in the list, out of the hits it was filtered by.
    pub fn hit<'h>(row: &Row, hits: Option<&'h [Hit]>) -> Option<&'h Hit> {
        hits?.get(row.hit?)
    }

    pub fn move_by(&mut self, delta: isize) {
        if self.rows.is_empty() {
            self.selected = 0;
            return;
        }
        let last = self.rows.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn page_size(&self) -> isize {
        self.page.get().max(1) as isize
    }
}

impl VisitList {
    /// The fields an import left in conflict in the visit `id` (0 when none, or unknown).
    pub fn conflicts_of(&self, id: uuid::Uuid) -> u32 {
        self.all
            .iter()
            .find(|s| s.id == id)
            .map_or(0, |s| s.conflicts)
    }
}
