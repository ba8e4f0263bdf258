//! Follow-up across visits: every strategy commitment and follow-up answer of every visit as one
//! list of items, filters over it, and the changes an auditor makes from the board. Pure: built
//! from [`VisitFacts`] (the compact record the store keeps beside each visit), no I/O.
//!
//! An item is a strategy with a commitment or a status that is not final (not started, in
//! progress), or the commitments answered in the guide's follow-up section (`tindak_lanjut`).
//! An item is *superseded* when a later visit to the same district has the same item (the same
//! standard strategy, a custom strategy with the same text, or follow-up answers): the later
//! visit is where its status now lives, so the board hides superseded items unless asked.
//!
//! Progress notes are appended to the item itself, dated: to the strategy's `notes`, or to the
//! note of the `commitments` answer, as a line "YYYY-MM-DD: text". They stay with the item they
//! concern, show in the visit detail, and the store's audit event records the change.

mod open;
pub mod overview;

pub use open::OpenItem;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use crate::domain::{
    Answer, AnswerValue, FOLLOW_UP_COMMITMENTS, StrategyStatus, Visit, VisitFacts,
};

/// Where an item lives in its visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Source {
    Strategy(Uuid),
    /// The commitments answered in the follow-up section.
    FollowUp,
}

/// One follow-up item: indices into [`FollowUps::facts`] plus what the filters need.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub visit: usize,
    /// Index into the visit's strategies; `None` for the follow-up answers.
    pub strategy: Option<usize>,
    pub target: Option<NaiveDate>,
    /// `None` for follow-up answers, which carry no status: open until a later visit.
    pub status: Option<StrategyStatus>,
    pub superseded: bool,
}

impl Item {
    /// Not started or in progress (follow-up answers: always), and not superseded: once a later
    /// visit took the item up again, its state lives there.
    pub fn is_open(&self) -> bool {
        !self.superseded && self.status.is_none_or(is_open_status)
    }

    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.is_open() && self.target.is_some_and(|t| t < today)
    }

    /// Open and due from today up to `days` days ahead.
    pub fn is_due_within(&self, today: NaiveDate, days: u32) -> bool {
        self.is_open()
            && self
                .target
                .is_some_and(|t| t >= today && (t - today).num_days() <= i64::from(days))
    }
}

pub fn is_open_status(s: StrategyStatus) -> bool {
    matches!(s, StrategyStatus::NotStarted | StrategyStatus::InProgress)
}

/// Which strategy an item is, for the strategy filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Standard(u8),
    Custom,
    FollowUp,
}

impl Which {
    /// The order the board's strategy filter cycles through (after "all").
    pub const CYCLE: [Which; 6] = [
        Which::Standard(1),
        Which::Standard(2),
        Which::Standard(3),
        Which::Standard(4),
        Which::Custom,
        Which::FollowUp,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Due {
    #[default]
    Any,
    Overdue,
    Within(u32),
}

impl Due {
    /// The order the board's due filter cycles through.
    pub const CYCLE: [Due; 4] = [Due::Any, Due::Overdue, Due::Within(7), Due::Within(30)];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    #[default]
    Any,
    Open,
    Is(StrategyStatus),
}

impl StatusFilter {
    pub const CYCLE: [StatusFilter; 6] = [
        StatusFilter::Any,
        StatusFilter::Open,
        StatusFilter::Is(StrategyStatus::NotStarted),
        StatusFilter::Is(StrategyStatus::InProgress),
        StatusFilter::Is(StrategyStatus::Done),
        StatusFilter::Is(StrategyStatus::NotApplicable),
    ];
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    pub due: Due,
    pub status: StatusFilter,
    /// Matches a province code ("12"), a district code prefix ("12.06") or part of a district
    /// or province name ("karo"), case-insensitively. Empty: all.
    pub place: String,
    pub which: Option<Which>,
    pub include_superseded: bool,
}

impl Filter {
    pub fn is_default(&self) -> bool {
        *self == Filter::default()
    }
}

/// All items of all visits, sorted by target date (undated last), then district and strategy.
#[derive(Debug, Clone, Default)]
pub struct FollowUps {
    pub facts: Vec<VisitFacts>,
    by_id: HashMap<Uuid, usize>,
    pub items: Vec<Item>,
}

impl FollowUps {
    pub fn build(facts: Vec<VisitFacts>) -> FollowUps {
        let mut f = FollowUps {
            facts,
            by_id: HashMap::new(),
            items: Vec::new(),
        };
        f.reindex();
        f
    }

    pub fn visit(&self, id: Uuid) -> Option<&VisitFacts> {
        self.by_id.get(&id).map(|i| &self.facts[*i])
    }

    /// Replaces (or adds) one visit's facts after a change, and re-derives the items. Done on a
    /// write only, never per key press or frame.
    pub fn upsert(&mut self, facts: VisitFacts) {
        match self.by_id.get(&facts.id) {
            Some(i) => self.facts[*i] = facts,
            None => self.facts.push(facts),
        }
        self.reindex();
    }

    fn reindex(&mut self) {
        self.by_id = self
            .facts
            .iter()
            .enumerate()
            .map(|(i, f)| (f.id, i))
            .collect();
        // The latest visit to each district having each kind of item.
        let mut latest: HashMap<(&str, Key<'_>), (chrono::DateTime<chrono::Utc>, Uuid)> =
            HashMap::new();
        for f in &self.facts {
            let when = (f.when(), f.id);
            for k in keys_of(f) {
                let e = latest.entry((f.district.code.as_str(), k)).or_insert(when);
                if when > *e {
                    *e = when;
                }
            }
        }
        let mut items = Vec::new();
        for (vi, f) in self.facts.iter().enumerate() {
            let when = (f.when(), f.id);
            let superseded = |k: Key<'_>| {
                latest
                    .get(&(f.district.code.as_str(), k))
                    .is_some_and(|l| *l > when)
            };
            for (si, s) in f.strategies.iter().enumerate() {
                if s.commitment.trim().is_empty() && !is_open_status(s.status) {
                    continue;
                }
                items.push(Item {
                    visit: vi,
                    strategy: Some(si),
                    target: s.target_date,
                    status: Some(s.status),
                    superseded: superseded(strategy_key(s)),
                });
            }
            if let Some(fu) = &f.follow_up {
                items.push(Item {
                    visit: vi,
                    strategy: None,
                    target: fu.deadline,
                    status: None,
                    superseded: superseded(Key::FollowUp),
                });
            }
        }
        let facts = &self.facts;
        items.sort_by(|a, b| {
            let fa = &facts[a.visit];
            let fb = &facts[b.visit];
            (a.target.is_none(), a.target, &fa.district.code, fa.when())
                .cmp(&(b.target.is_none(), b.target, &fb.district.code, fb.when()))
                .then_with(|| rank(a, fa).cmp(&rank(b, fb)))
        });
        self.items = items;
    }

    pub fn which(&self, item: &Item) -> Which {
        match item.strategy {
            None => Which::FollowUp,
            Some(s) => match self.facts[item.visit].strategies[s].standard {
                Some(n) => Which::Standard(n),
                None => Which::Custom,
            },
        }
    }

    pub fn source(&self, item: &Item) -> Source {
        match item.strategy {
            Some(s) => Source::Strategy(self.facts[item.visit].strategies[s].id),
            None => Source::FollowUp,
        }
    }

    /// The item's own text: the commitment, else the strategy's text.
    pub fn text<'a>(&'a self, item: &Item) -> &'a str {
        let f = &self.facts[item.visit];
        match item.strategy {
            Some(s) => {
                let s = &f.strategies[s];
                if s.commitment.trim().is_empty() {
                    &s.text
                } else {
                    &s.commitment
                }
            }
            None => f
                .follow_up
                .as_ref()
                .map_or("", |fu| fu.commitments.as_str()),
        }
    }

    pub fn person_in_charge<'a>(&'a self, item: &Item) -> &'a str {
        let f = &self.facts[item.visit];
        match item.strategy {
            Some(s) => &f.strategies[s].person_in_charge,
            None => f
                .follow_up
                .as_ref()
                .map_or("", |fu| fu.person_in_charge.as_str()),
        }
    }

    /// Indices into `items` that pass `filter` as of `today`, in board order.
    pub fn filter(&self, filter: &Filter, today: NaiveDate) -> Vec<usize> {
        let place = filter.place.trim().to_lowercase();
        self.items
            .iter()
            .enumerate()
            .filter(|(_, i)| filter.include_superseded || !i.superseded)
            .filter(|(_, i)| match filter.due {
                Due::Any => true,
                Due::Overdue => i.is_overdue(today),
                Due::Within(n) => i.is_due_within(today, n),
            })
            .filter(|(_, i)| match filter.status {
                StatusFilter::Any => true,
                StatusFilter::Open => i.is_open(),
                StatusFilter::Is(s) => i.status == Some(s),
            })
            .filter(|(_, i)| filter.which.is_none_or(|w| self.which(i) == w))
            .filter(|(_, i)| place.is_empty() || place_matches(&self.facts[i.visit], &place))
            .map(|(n, _)| n)
            .collect()
    }

    /// Open items from visits to `code` before `visit_when` (newest state of each), for a later
    /// visit to ask about: what was promised last time and is not done.
    pub fn open_before(&self, code: &str, before: chrono::DateTime<chrono::Utc>) -> Vec<usize> {
        // The newest earlier visit having each kind of item is where its state lives.
        let mut newest: HashMap<Key<'_>, (chrono::DateTime<chrono::Utc>, Uuid)> = HashMap::new();
        for f in &self.facts {
            if f.district.code != code || f.when() >= before {
                continue;
            }
            for k in keys_of(f) {
                let e = newest.entry(k).or_insert((f.when(), f.id));
                if (f.when(), f.id) > *e {
                    *e = (f.when(), f.id);
                }
            }
        }
        self.items
            .iter()
            .enumerate()
            .filter(|(_, i)| {
                let f = &self.facts[i.visit];
                let key = match i.strategy {
                    Some(s) => strategy_key(&f.strategies[s]),
                    None => Key::FollowUp,
                };
                let open = i.status.is_none_or(is_open_status);
                open && f.district.code == code && newest.get(&key).is_some_and(|n| n.1 == f.id)
            })
            .map(|(n, _)| n)
            .collect()
    }

    /// How many items are overdue as of `today`, superseded ones left out.
    pub fn overdue_count(&self, today: NaiveDate) -> usize {
        self.items
            .iter()
            .filter(|i| !i.superseded && i.is_overdue(today))
            .count()
    }
}

/// Standard strategies by number, then custom ones, then the follow-up answers.
fn rank(i: &Item, f: &VisitFacts) -> u16 {
    match i.strategy {
        Some(s) => f.strategies[s].standard.map_or(100, u16::from),
        None => 200,
    }
}

fn place_matches(f: &VisitFacts, needle: &str) -> bool {
    f.district.code.starts_with(needle)
        || f.district.name.to_lowercase().contains(needle)
        || f.district.province.to_lowercase().contains(needle)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key<'a> {
    Standard(u8),
    Custom(&'a str),
    FollowUp,
}

fn strategy_key(s: &crate::domain::StrategyFacts) -> Key<'_> {
    match s.standard {
        Some(n) => Key::Standard(n),
        None => Key::Custom(s.text.trim()),
    }
}

fn keys_of(f: &VisitFacts) -> impl Iterator<Item = Key<'_>> {
    f.strategies
        .iter()
        .map(strategy_key)
        .chain(f.follow_up.as_ref().map(|_| Key::FollowUp))
}

/// A change made to an item from the board.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Status(StrategyStatus),
    /// A progress note, dated `on`.
    Note {
        on: NaiveDate,
        text: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeError {
    /// The strategy is no longer in the visit.
    Gone,
    /// Follow-up answers carry no status.
    NoStatus,
    EmptyNote,
}

impl ChangeError {
    pub fn key(self) -> &'static str {
        match self {
            ChangeError::Gone => "board.item_gone",
            ChangeError::NoStatus => "board.no_status",
            ChangeError::EmptyNote => "board.empty_note",
        }
    }
}

/// Applies `change` to the item `source` of `visit`. The caller commits the visit through the
/// store, which records the audit event.
pub fn apply(visit: &mut Visit, source: Source, change: &Change) -> Result<(), ChangeError> {
    let line = |on: &NaiveDate, text: &str| -> Result<String, ChangeError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ChangeError::EmptyNote);
        }
        Ok(format!("{}: {text}", on.format("%Y-%m-%d")))
    };
    let append = |notes: &mut String, line: String| {
        if !notes.trim().is_empty() {
            notes.push('\n');
        }
        notes.push_str(&line);
    };
    match source {
        Source::Strategy(id) => {
            let s = visit
                .strategies
                .iter_mut()
                .find(|s| s.id == id)
                .ok_or(ChangeError::Gone)?;
            match change {
                Change::Status(st) => s.status = *st,
                Change::Note { on, text } => append(&mut s.notes, line(on, text)?),
            }
        }
        Source::FollowUp => match change {
            Change::Status(_) => return Err(ChangeError::NoStatus),
            Change::Note { on, text } => {
                let l = line(on, text)?;
                let a = visit
                    .answers
                    .entry(FOLLOW_UP_COMMITMENTS.to_string())
                    .or_insert_with(|| Answer::new(AnswerValue::Text(String::new())));
                append(&mut a.note, l);
            }
        },
    }
    Ok(())
}

pub mod fixtures;

#[cfg(test)]
mod tests;
