//! `pantau check`: decode every record and prove the audit log accounts for every visit.

use std::collections::{BTreeMap, HashMap};

use uuid::Uuid;

use super::{Store, TrashEntry, content, keys};
use crate::domain::{AuditEvent, Problem, Visit, VisitSummary};
use crate::i18n::{Lang, tf};

#[derive(Debug, Default)]
pub struct CheckReport {
    pub visits: usize,
    pub trashed: usize,
    pub events: usize,
    /// Damage: the database does not hold what it should.
    pub problems: Vec<CheckProblem>,
    /// Content to look at (a bad district code, a dangling reference); not damage.
    pub warnings: Vec<(Uuid, Problem)>,
}

impl CheckReport {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum CheckProblem {
    Unreadable { key: String, detail: String },
    MissingSummary(Uuid),
    StaleSummary(Uuid),
    OrphanSummary(Uuid),
    NoHistory(Uuid),
    OrphanEvents(Uuid),
    HistoryMismatch { id: Uuid, detail: String },
    LiveAndTrashed(Uuid),
}

impl CheckProblem {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            CheckProblem::Unreadable { key, detail } => {
                tf(lang, "check.unreadable", &[key, detail])
            }
            CheckProblem::MissingSummary(id) => tf(lang, "check.missing_summary", &[id]),
            CheckProblem::StaleSummary(id) => tf(lang, "check.stale_summary", &[id]),
            CheckProblem::OrphanSummary(id) => tf(lang, "check.orphan_summary", &[id]),
            CheckProblem::NoHistory(id) => tf(lang, "check.no_history", &[id]),
            CheckProblem::OrphanEvents(id) => tf(lang, "check.orphan_events", &[id]),
            CheckProblem::HistoryMismatch { id, detail } => {
                tf(lang, "check.history_mismatch", &[id, detail])
            }
            CheckProblem::LiveAndTrashed(id) => tf(lang, "check.live_and_trashed", &[id]),
        }
    }
}

impl Store {
    /// Reads the whole database and reports what is wrong; never changes anything.
    pub fn check(&self) -> CheckReport {
        let mut r = CheckReport::default();
        let visits: HashMap<Uuid, Visit> = read_tree(&self.visits, keys::VISITS, &mut r.problems);
        let trash: HashMap<Uuid, TrashEntry> = read_tree(&self.trash, keys::TRASH, &mut r.problems);
        let summaries: HashMap<Uuid, VisitSummary> =
            read_tree(&self.summaries, keys::SUMMARIES, &mut r.problems);
        r.visits = visits.len();
        r.trashed = trash.len();

        for (id, v) in &visits {
            match summaries.get(id) {
                None => r.problems.push(CheckProblem::MissingSummary(*id)),
                Some(s) if *s != VisitSummary::from(v) => {
                    r.problems.push(CheckProblem::StaleSummary(*id))
                }
                Some(_) => {}
            }
            if trash.contains_key(id) {
                r.problems.push(CheckProblem::LiveAndTrashed(*id));
            }
            r.warnings
                .extend(v.problems().into_iter().map(|p| (*id, p)));
        }
        for id in summaries.keys().filter(|id| !visits.contains_key(id)) {
            r.problems.push(CheckProblem::OrphanSummary(*id));
        }

        let events = self.read_events(&mut r.problems);
        r.events = events.values().map(Vec::len).sum();
        let current = |id: &Uuid| visits.get(id).or_else(|| trash.get(id).map(|t| &t.visit));
        for (id, evs) in &events {
            match current(id) {
                None => r.problems.push(CheckProblem::OrphanEvents(*id)),
                Some(v) => {
                    if let Err(detail) = replay(v, evs) {
                        r.problems
                            .push(CheckProblem::HistoryMismatch { id: *id, detail });
                    }
                }
            }
        }
        for id in visits
            .keys()
            .chain(trash.keys())
            .filter(|id| !events.contains_key(id))
        {
            r.problems.push(CheckProblem::NoHistory(*id));
        }
        r.problems.sort_by_key(|p| format!("{p:?}"));
        r
    }

    fn read_events(&self, problems: &mut Vec<CheckProblem>) -> BTreeMap<Uuid, Vec<AuditEvent>> {
        let mut out: BTreeMap<Uuid, Vec<AuditEvent>> = BTreeMap::new();
        for kv in self.audit.iter() {
            match kv.map_err(|e| e.to_string()).and_then(|(k, v)| {
                let e: AuditEvent = serde_json::from_slice(&v)
                    .map_err(|e| format!("{}: {e}", keys::describe(keys::AUDIT, &k)))?;
                Ok(e)
            }) {
                Ok(e) => out.entry(e.visit).or_default().push(e),
                Err(detail) => problems.push(CheckProblem::Unreadable {
                    key: keys::AUDIT.into(),
                    detail,
                }),
            }
        }
        out
    }
}

/// Replays the events from creation and compares with the stored visit. A merge event from
/// `pantau import` may skip revisions (it follows the longest branch it joins).
fn replay(v: &Visit, events: &[AuditEvent]) -> Result<(), String> {
    let (state, revision) = crate::domain::merge::replay(events)?;
    if revision != v.revision {
        return Err(format!(
            "log ends at revision {revision}, visit is at {}",
            v.revision
        ));
    }
    if state != content(v) {
        return Err("replayed content differs from the stored visit".into());
    }
    Ok(())
}

fn read_tree<T: serde::de::DeserializeOwned>(
    tree: &sled::Tree,
    name: &str,
    problems: &mut Vec<CheckProblem>,
) -> HashMap<Uuid, T> {
    let mut out = HashMap::new();
    for kv in tree.iter() {
        let (k, v) = match kv {
            Ok(kv) => kv,
            Err(e) => {
                problems.push(CheckProblem::Unreadable {
                    key: name.into(),
                    detail: e.to_string(),
                });
                continue;
            }
        };
        match (keys::id_from_key(&k), serde_json::from_slice(&v)) {
            (Some(id), Ok(value)) => {
                out.insert(id, value);
            }
            (_, Err(e)) => problems.push(CheckProblem::Unreadable {
                key: keys::describe(name, &k),
                detail: e.to_string(),
            }),
            (None, Ok(_)) => problems.push(CheckProblem::Unreadable {
                key: keys::describe(name, &k),
                detail: "bad key".into(),
            }),
        }
    }
    out
}
