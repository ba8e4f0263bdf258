//! Random laptops, random edits, random settlements, random exchange orders, through real
//! stores and real bundle files: all laptops converge to the same database, every settlement
//! survives (its value is held, or is a candidate of a conflict with a settlement it did not
//! know), and any bundle with an altered past event is refused with the database unchanged.

use std::collections::HashSet;
use std::path::Path;

use chrono::{Duration, TimeZone, Utc};
use pantau::domain::chain;
use pantau::domain::merge::VisitHistory;
use pantau::domain::{AuditAction, AuditEvent, Stamp};
use pantau::export::{self, Filter};
use pantau::store::Store;
use proptest::prelude::*;
use serde_json::Value;
use uuid::Uuid;

#[derive(Debug, Clone)]
enum Op {
    /// Laptop, field (0 venue, 1..=2 a strategy's commitment), value.
    Edit(usize, usize, usize),
    /// From, to: `to` imports `from`'s bundle.
    Exchange(usize, usize),
}

#[derive(Debug, Clone)]
enum Settle {
    /// Laptop, which open conflict, which candidate.
    Settle(usize, usize, usize),
    Exchange(usize, usize),
}

fn karo() -> Uuid {
    pantau::demo::karo_visit().id
}

struct Laptops {
    dir: tempfile::TempDir,
    stores: Vec<Store>,
    minute: i64,
    files: usize,
}

impl Laptops {
    fn new(n: usize) -> Laptops {
        let dir = tempfile::tempdir().unwrap();
        let stores: Vec<Store> = (0..n)
            .map(|i| Store::open(&dir.path().join(format!("laptop{i}"))).unwrap())
            .collect();
        for s in &stores {
            pantau::demo::load(s, &Stamp::new(Utc::now(), "x")).unwrap();
        }
        Laptops {
            dir,
            stores,
            minute: 0,
            files: 0,
        }
    }

    fn stamp(&mut self, laptop: usize) -> Stamp {
        self.minute += 1;
        let at =
            Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap() + Duration::minutes(self.minute);
        Stamp::new(at, format!("laptop{laptop}"))
    }

    fn edit(&mut self, laptop: usize, field: usize, value: usize) {
        let stamp = self.stamp(laptop);
        let store = &self.stores[laptop];
        let mut v = store.get(karo()).unwrap().unwrap();
        let text = format!("nilai {value}");
        match field {
            0 => v.venue = text,
            n => v.strategies[n].commitment = text,
        }
        store.update(&v, &stamp, AuditAction::Edit, "").unwrap();
    }

    fn bundle(&mut self, laptop: usize) -> std::path::PathBuf {
        self.files += 1;
        let file = self.dir.path().join(format!("b{}.json", self.files));
        export::write_bundle(&self.stores[laptop], &Filter::default(), true, &file).unwrap();
        file
    }

    fn exchange(&mut self, from: usize, to: usize) {
        if from == to {
            return;
        }
        let file = self.bundle(from);
        export::import_files(&self.stores[to], &[file]).unwrap();
    }

    /// Everyone into laptop 0, then laptop 0 into everyone.
    fn converge(&mut self) {
        for i in 1..self.stores.len() {
            self.exchange(i, 0);
        }
        for i in 1..self.stores.len() {
            self.exchange(0, i);
        }
    }

    fn history(&self, laptop: usize) -> VisitHistory {
        self.stores[laptop].history(karo()).unwrap().unwrap()
    }
}

/// A settlement made, with what its laptop knew then.
struct Made {
    event: Uuid,
    path: String,
    value: Option<Value>,
    knew: HashSet<Uuid>,
}

fn all_events(events: &[AuditEvent], out: &mut Vec<AuditEvent>) {
    for e in events {
        out.push(e.clone());
        for b in &e.branches {
            all_events(b, out);
        }
    }
}

fn ids(h: &VisitHistory) -> HashSet<Uuid> {
    chain::hashes(&h.history).into_keys().collect()
}

fn snapshot(store: &Store) -> Vec<VisitHistory> {
    store.histories(true).unwrap()
}

fn refused(store: &Store, dir: &Path, bundle: &Value) -> bool {
    let before = snapshot(store);
    let file = dir.join("altered.json");
    std::fs::write(&file, bundle.to_string()).unwrap();
    let refused = export::import_files(store, &[file]).is_err();
    assert!(
        snapshot(store) == before,
        "a refused import changed nothing"
    );
    refused
}

fn op(n: usize) -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..n, 0..3usize, 0..3usize).prop_map(|(l, f, v)| Op::Edit(l, f, v)),
        2 => (0..n, 0..n).prop_map(|(a, b)| Op::Exchange(a, b)),
    ]
}

fn settle(n: usize) -> impl Strategy<Value = Settle> {
    prop_oneof![
        3 => (0..n, 0..3usize, 0..3usize).prop_map(|(l, c, v)| Settle::Settle(l, c, v)),
        2 => (0..n, 0..n).prop_map(|(a, b)| Settle::Exchange(a, b)),
    ]
}

fn case() -> impl Strategy<Value = (usize, Vec<Op>, Vec<Settle>, usize, bool)> {
    (2..=4usize).prop_flat_map(|n| {
        (
            Just(n),
            proptest::collection::vec(op(n), 1..10),
            proptest::collection::vec(settle(n), 0..8),
            any::<usize>(),
            any::<bool>(),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn laptops_converge_settlements_survive_and_an_altered_past_is_refused(
        (n, ops, settles, pick, reseal) in case()
    ) {
        let mut l = Laptops::new(n);
        for o in &ops {
            match *o {
                Op::Edit(laptop, field, value) => l.edit(laptop, field, value),
                Op::Exchange(a, b) => l.exchange(a, b),
            }
        }
        l.converge();
        let mut made: Vec<Made> = Vec::new();
        for s in &settles {
            match *s {
                Settle::Exchange(a, b) => l.exchange(a, b),
                Settle::Settle(laptop, which, choice) => {
                    let stamp = l.stamp(laptop);
                    let store = &l.stores[laptop];
                    let v = store.get(karo()).unwrap().unwrap();
                    if v.conflicts.is_empty() {
                        continue;
                    }
                    let c = &v.conflicts[which % v.conflicts.len()];
                    let choice = choice % c.candidates.len();
                    let value = c.candidates[choice].value.clone();
                    let knew = ids(&l.history(laptop));
                    store.resolve_conflict(karo(), c.id, choice, &stamp, "").unwrap();
                    let event = store.audit(karo()).unwrap().last().unwrap().id;
                    made.push(Made { event, path: c.path.clone(), value, knew });
                }
            }
        }
        l.converge();

        // All converge.
        let first = snapshot(&l.stores[0]);
        for s in &l.stores[1..] {
            prop_assert!(snapshot(s) == first, "laptops differ");
        }
        for s in &l.stores {
            prop_assert!(s.check().is_clean(), "{:?}", s.check().problems);
        }
        // Every settlement that no later settlement knew survives.
        let v = l.stores[0].get(karo()).unwrap().unwrap();
        let content = pantau::domain::merge::content(&v);
        for m in &made {
            if made.iter().any(|o| o.event != m.event && o.knew.contains(&m.event)) {
                continue;
            }
            let held = pantau::domain::merge::value_at(&content, &m.path).cloned();
            let open = v.conflicts.iter().find(|c| c.path == m.path);
            let rivals = made.iter().any(|o| {
                o.path == m.path
                    && o.value != m.value
                    && !o.knew.contains(&m.event)
                    && !m.knew.contains(&o.event)
            });
            match open {
                None => prop_assert_eq!(&held, &m.value, "settled {} lost", m.path),
                Some(c) => {
                    prop_assert!(
                        rivals,
                        "{} in conflict again without a rival settlement: {:?} made {:?}",
                        m.path,
                        c,
                        made.iter().map(|m| (&m.path, &m.value, m.event)).collect::<Vec<_>>()
                    );
                    prop_assert!(
                        c.candidates.iter().any(|x| x.value == m.value),
                        "settled value of {} not kept", m.path
                    );
                }
            }
        }

        // Any past event altered: refused (also with every hash recomputed).
        let file = l.bundle(0);
        let mut bundle: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
        let h = &mut bundle["visits"][0];
        let mut history: Vec<AuditEvent> = serde_json::from_value(h["history"].clone()).unwrap();
        let mut flat = Vec::new();
        all_events(&history, &mut flat);
        let target = flat[pick % flat.len()].id;
        fn alter(events: &mut [AuditEvent], target: Uuid) {
            for e in events {
                if e.id == target {
                    e.actor = "mallory".into();
                }
                for b in &mut e.branches {
                    alter(b, target);
                }
            }
        }
        alter(&mut history, target);
        if reseal {
            chain::seal_all(&mut history, None);
        }
        h["history"] = serde_json::to_value(&history).unwrap();
        let other = 1 % n;
        prop_assert!(refused(&l.stores[other], l.dir.path(), &bundle), "altered {target} taken");
    }
}

/// The case proptest found: a conflict still open from one merge meets a third laptop's value
/// of the same field. The field has one conflict with all three values, and settling it closes
/// the field on every laptop.
#[test]
fn a_field_has_one_conflict_however_many_laptops_disagree_and_one_settlement_closes_it() {
    let mut l = Laptops::new(3);
    l.edit(0, 0, 2);
    l.edit(2, 0, 2);
    l.exchange(0, 1);
    l.edit(0, 0, 0);
    l.edit(1, 0, 1);
    l.converge();
    let v = l.stores[0].get(karo()).unwrap().unwrap();
    let venue: Vec<_> = v.conflicts.iter().filter(|c| c.path == "venue").collect();
    assert_eq!(
        venue.len(),
        1,
        "one conflict for the field: {:?}",
        v.conflicts
    );
    let mut values: Vec<_> = venue[0]
        .candidates
        .iter()
        .map(|c| c.value.clone())
        .collect();
    values.sort_by_key(|v| v.as_ref().map(std::string::ToString::to_string));
    let expected: Vec<_> = ["nilai 0", "nilai 1", "nilai 2"]
        .map(|s| Some(Value::String(s.into())))
        .into();
    assert_eq!(values, expected);

    let stamp = l.stamp(0);
    let pick = venue[0]
        .candidates
        .iter()
        .position(|c| c.value == Some(Value::String("nilai 2".into())))
        .unwrap();
    l.stores[0]
        .resolve_conflict(karo(), venue[0].id, pick, &stamp, "")
        .unwrap();
    l.converge();
    for s in &l.stores {
        let v = s.get(karo()).unwrap().unwrap();
        assert!(v.conflicts.is_empty(), "{:?}", v.conflicts);
        assert_eq!(v.venue, "nilai 2");
    }
}
