//! `pantau check`: decode every record and prove the audit log accounts for every visit.

use std::collections::{BTreeMap, HashMap};

use uuid::Uuid;

use super::tally::{self, Kind, Tally};
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
    Unreadable {
        key: String,
        detail: String,
    },
    MissingSummary(Uuid),
    StaleSummary(Uuid),
    OrphanSummary(Uuid),
    NoHistory(Uuid),
    OrphanEvents(Uuid),
    HistoryMismatch {
        id: Uuid,
        detail: String,
    },
    LiveAndTrashed(Uuid),
    /// The records are not those Pantau committed (see [`super::tally`]).
    NotAsCommitted(String),
    /// An audit event that does not match its hash or does not follow the one before it.
    BrokenChain {
        id: Uuid,
        event: Uuid,
        altered: bool,
    },
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
            CheckProblem::NotAsCommitted(detail) => {
                tf(lang, "integrity.not_as_committed", &[detail])
            }
            CheckProblem::BrokenChain { id, event, altered } => {
                let key = if *altered {
                    "chain.check_altered"
                } else {
                    "chain.check_link"
                };
                tf(lang, key, &[id, event])
            }
        }
    }
}

impl Store {
    /// Reads the whole database and reports what is wrong; never changes anything.
    pub fn check(&self) -> CheckReport {
        let mut r = CheckReport::default();
        let h = match self.h() {
            Ok(h) => h,
            Err(e) => {
                r.problems.push(CheckProblem::Unreadable {
                    key: String::new(),
                    detail: e.to_string(),
                });
                return r;
            }
        };
        let bound = self.tally();
        let (visit_limit, trash_limit) = (bound.limit(Kind::Visit), bound.limit(Kind::Trash));
        let visits: HashMap<Uuid, Visit> =
            read_tree(&h, &h.visits, keys::VISITS, visit_limit, &mut r.problems);
        let trash: HashMap<Uuid, TrashEntry> =
            read_tree(&h, &h.trash, keys::TRASH, trash_limit, &mut r.problems);
        let summaries: HashMap<Uuid, VisitSummary> = read_tree(
            &h,
            &h.summaries,
            keys::SUMMARIES,
            visit_limit,
            &mut r.problems,
        );
        // What the trees hold against what was committed (a runaway read is reported by the
        // reads above and below).
        let committed = tally::count(&h, &bound)
            .ok()
            .filter(|found| !found.same_content(&bound))
            .map(|found| CheckProblem::NotAsCommitted(differs(&found, &bound)));
        r.visits = visits.len();
        r.trashed = trash.len();

        for (id, v) in &visits {
            match summaries.get(id) {
                None => r.problems.push(CheckProblem::MissingSummary(*id)),
                Some(s) if *s != VisitSummary::from(v) => {
                    r.problems.push(CheckProblem::StaleSummary(*id));
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
                    // One problem per visit: a log that does not replay is not checked for
                    // links as well.
                    if let Err(detail) = replay(v, evs) {
                        r.problems
                            .push(CheckProblem::HistoryMismatch { id: *id, detail });
                    } else if let Err(e) = crate::domain::chain::verify(evs) {
                        r.problems.push(CheckProblem::BrokenChain {
                            id: *id,
                            event: e.event(),
                            altered: matches!(e, crate::domain::chain::ChainError::Altered(_)),
                        });
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
        // Said when nothing else is: any other problem already means the records are not the
        // ones committed.
        if r.problems.is_empty() {
            r.problems.extend(committed);
        }
        r.problems.sort_by_key(|p| format!("{p:?}"));
        r
    }

    fn read_events(&self, problems: &mut Vec<CheckProblem>) -> BTreeMap<Uuid, Vec<AuditEvent>> {
        let mut out: BTreeMap<Uuid, Vec<AuditEvent>> = BTreeMap::new();
        let Ok(h) = self.h() else {
            return out;
        };
        let scanned = tally::scan(&h.audit, keys::AUDIT, self.limit(Kind::Event), |k, v| {
            let opened = h.vault.open(keys::AUDIT, k, v);
            match opened.map(|v| serde_json::from_slice::<AuditEvent>(&v)) {
                Err(e) => problems.push(CheckProblem::Unreadable {
                    key: keys::AUDIT.into(),
                    detail: e.to_string(),
                }),
                Ok(Ok(e)) => out.entry(e.visit).or_default().push(e),
                Ok(Err(e)) => problems.push(CheckProblem::Unreadable {
                    key: keys::AUDIT.into(),
                    detail: format!("{}: {e}", keys::describe(keys::AUDIT, k)),
                }),
            }
            Ok(())
        });
        if let Err(e) = scanned {
            problems.push(CheckProblem::Unreadable {
                key: keys::AUDIT.into(),
                detail: e.to_string(),
            });
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
    if !crate::domain::same_content(&state, &content(v)) {
        return Err("replayed content differs from the stored visit".into());
    }
    Ok(())
}

fn differs(found: &Tally, committed: &Tally) -> String {
    format!(
        "the files hold {} (digest {:016x}); committed: {} (digest {:016x})",
        found.describe(),
        found.digest,
        committed.describe(),
        committed.digest
    )
}

/// Every record of `tree` by visit id; a read that runs away (see [`tally::scan`]) stops
/// with a problem.
fn read_tree<T: serde::de::DeserializeOwned>(
    h: &super::Handles,
    tree: &sled::Tree,
    name: &str,
    limit: u64,
    problems: &mut Vec<CheckProblem>,
) -> HashMap<Uuid, T> {
    let mut out = HashMap::new();
    let mut bad = Vec::new();
    let scanned = tally::scan(tree, name, limit, |k, v| {
        let plain = h.vault.open(name, k, v);
        let decoded = plain
            .map_err(|e| e.to_string())
            .and_then(|v| serde_json::from_slice(&v).map_err(|e| e.to_string()));
        match (keys::id_from_key(k), decoded) {
            (Some(id), Ok(value)) => {
                out.insert(id, value);
            }
            (_, Err(e)) => bad.push(CheckProblem::Unreadable {
                key: keys::describe(name, k),
                detail: e.to_string(),
            }),
            (None, Ok(_)) => bad.push(CheckProblem::Unreadable {
                key: keys::describe(name, k),
                detail: "bad key".into(),
            }),
        }
        Ok(())
    });
    problems.extend(bad);
    if let Err(e) = scanned {
        problems.push(CheckProblem::Unreadable {
            key: name.into(),
            detail: e.to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    //! Tampering the public API cannot do: records written straight into the trees.
    use super::*;
    use crate::domain::{AuditAction, Stamp};
    use chrono::{TimeZone, Utc};

    /// The store's sled handles, to write past its API.
    fn db(store: &Store) -> std::sync::Arc<crate::store::Handles> {
        store.h().unwrap()
    }

    fn stamp(minute: u32) -> Stamp {
        Stamp::new(
            Utc.with_ymd_and_hms(2022, 3, 17, 8, minute, 0).unwrap(),
            "t",
        )
    }

    /// A store holding the demo visit at revision 3 (create and two edits).
    fn store() -> (tempfile::TempDir, Store, Visit) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut v = store.create(&crate::demo::karo_visit(), &stamp(0)).unwrap();
        for i in 1..3 {
            v.venue = format!("Aula {i}");
            v = store
                .update(&v, &stamp(i), AuditAction::Edit, "")
                .unwrap()
                .unwrap();
        }
        assert!(store.check().is_clean(), "{:?}", store.check().problems);
        (dir, store, v)
    }

    fn put<T: serde::Serialize>(tree: &sled::Tree, id: Uuid, value: &T) {
        tree.insert(keys::visit_key(id), serde_json::to_vec(value).unwrap())
            .unwrap();
    }

    fn audit_keys(store: &Store, id: Uuid) -> Vec<sled::IVec> {
        db(store)
            .audit
            .scan_prefix(keys::visit_key(id))
            .keys()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn a_summary_without_its_visit_is_reported() {
        let (_dir, store, v) = store();
        let mut stray = VisitSummary::from(&v);
        stray.id = crate::domain::new_id();
        put(&db(&store).summaries, stray.id, &stray);
        assert_eq!(
            store.check().problems,
            [CheckProblem::OrphanSummary(stray.id)]
        );
    }

    #[test]
    fn missing_and_stale_summaries_are_reported() {
        let (_dir, store, v) = store();
        let mut s = VisitSummary::from(&v);
        s.venue = "elsewhere".into();
        put(&db(&store).summaries, v.id, &s);
        assert_eq!(store.check().problems, [CheckProblem::StaleSummary(v.id)]);
        db(&store).summaries.remove(keys::visit_key(v.id)).unwrap();
        assert_eq!(store.check().problems, [CheckProblem::MissingSummary(v.id)]);
        store.rebuild_summaries().unwrap();
        assert!(store.check().is_clean());
    }

    #[test]
    fn a_visit_edited_behind_the_log_is_a_history_mismatch() {
        let (_dir, store, mut v) = store();
        v.venue = "changed without an audit event".into();
        put(&db(&store).visits, v.id, &v);
        put(&db(&store).summaries, v.id, &VisitSummary::from(&v));
        match store.check().problems.as_slice() {
            [CheckProblem::HistoryMismatch { id, detail }] => {
                assert_eq!(*id, v.id);
                assert!(detail.contains("differs"), "{detail}");
            }
            other => panic!("expected one HistoryMismatch, got {other:?}"),
        }
    }

    #[test]
    fn an_event_changed_in_place_breaks_the_chain() {
        let (_dir, store, v) = store();
        let keys = audit_keys(&store, v.id);
        let raw = db(&store).audit.get(&keys[1]).unwrap().unwrap();
        let mut e: crate::domain::AuditEvent = serde_json::from_slice(&raw).unwrap();
        e.actor = "mallory".into();
        db(&store)
            .audit
            .insert(&keys[1], serde_json::to_vec(&e).unwrap())
            .unwrap();
        match store.check().problems.as_slice() {
            [CheckProblem::BrokenChain { id, event, altered }] => {
                assert_eq!((*id, *event, *altered), (v.id, e.id, true));
            }
            other => panic!("expected one BrokenChain, got {other:?}"),
        }
        // Rehashed to match, it no longer is what the next event follows.
        e.hash = crate::domain::chain::event_hash(&e);
        db(&store)
            .audit
            .insert(&keys[1], serde_json::to_vec(&e).unwrap())
            .unwrap();
        match store.check().problems.as_slice() {
            [CheckProblem::BrokenChain { altered: false, .. }] => {}
            other => panic!("expected one broken link, got {other:?}"),
        }
    }

    #[test]
    fn a_removed_event_is_a_history_mismatch() {
        let (_dir, store, v) = store();
        let keys = audit_keys(&store, v.id);
        assert_eq!(keys.len(), 3);
        db(&store).audit.remove(&keys[1]).unwrap();
        match store.check().problems.as_slice() {
            [CheckProblem::HistoryMismatch { detail, .. }] => {
                assert_eq!(detail, "revision 3 follows 1");
            }
            other => panic!("expected one HistoryMismatch, got {other:?}"),
        }
        db(&store).audit.remove(&keys[2]).unwrap();
        match store.check().problems.as_slice() {
            [CheckProblem::HistoryMismatch { detail, .. }] => {
                assert_eq!(detail, "log ends at revision 1, visit is at 3");
            }
            other => panic!("expected one HistoryMismatch, got {other:?}"),
        }
    }

    #[test]
    fn a_visit_without_history_and_history_without_a_visit_are_reported() {
        let (_dir, store, v) = store();
        let events: Vec<_> = audit_keys(&store, v.id)
            .into_iter()
            .map(|k| (k.clone(), db(&store).audit.get(&k).unwrap().unwrap()))
            .collect();
        for (k, _) in &events {
            db(&store).audit.remove(k).unwrap();
        }
        assert_eq!(store.check().problems, [CheckProblem::NoHistory(v.id)]);
        for (k, e) in events {
            db(&store).audit.insert(k, e).unwrap();
        }
        db(&store).visits.remove(keys::visit_key(v.id)).unwrap();
        db(&store).summaries.remove(keys::visit_key(v.id)).unwrap();
        assert_eq!(store.check().problems, [CheckProblem::OrphanEvents(v.id)]);
    }

    #[test]
    fn a_visit_both_live_and_trashed_is_reported() {
        let (_dir, store, v) = store();
        let entry = TrashEntry {
            deleted_at: v.updated,
            deleted_by: "t".into(),
            visit: v.clone(),
        };
        put(&db(&store).trash, v.id, &entry);
        assert_eq!(store.check().problems, [CheckProblem::LiveAndTrashed(v.id)]);
    }

    #[test]
    fn undecodable_records_are_reported_not_fatal() {
        let (_dir, store, v) = store();
        let other = crate::domain::new_id();
        db(&store)
            .visits
            .insert(keys::visit_key(other), &b"{not json"[..])
            .unwrap();
        db(&store)
            .audit
            .insert(keys::audit_key(v.id, 999), &b"\xff"[..])
            .unwrap();
        let r = store.check();
        let unreadable: Vec<_> = r
            .problems
            .iter()
            .filter_map(|p| match p {
                CheckProblem::Unreadable { key, .. } => Some(key.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(unreadable.len(), 2, "{:?}", r.problems);
        assert!(unreadable.contains(&format!("visits/{other}").as_str()));
        assert!(unreadable.contains(&keys::AUDIT));
        // The sound visit is still counted and checked.
        assert_eq!(r.visits, 1);
        // Every problem has a message in both languages, with its subject in it.
        for p in &r.problems {
            for lang in [Lang::Id, Lang::En] {
                let m = p.message(lang);
                assert!(!m.contains("{0}") && !m.starts_with("check."), "{m}");
            }
        }
    }
}
