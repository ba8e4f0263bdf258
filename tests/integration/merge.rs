//! Properties of the merge of two (or three) histories of one visit, without a database:
//! idempotent, commutative, order-independent for three laptops, and no value lost.

use chrono::{DateTime, Duration, TimeZone, Utc};
use pantau::domain::merge::{Outcome, VisitHistory, content, merge, replay, value_at};
use pantau::domain::{
    Answer, AnswerValue, Attendee, AuditAction, AuditEvent, Finalisation, StrategyStatus, Visit,
    VisitStatus, diff_values,
};
use proptest::prelude::*;
use uuid::Uuid;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2022, 3, 17, 7, 0, 0).unwrap()
}

/// Commits `new` on top of `h` the way the store does, with a fixed event id and time.
fn commit(
    h: &VisitHistory,
    mut new: Visit,
    action: AuditAction,
    id: u128,
    actor: &str,
) -> VisitHistory {
    let changes = diff_values(&content(&h.visit), &content(&new));
    let at = t0() + Duration::minutes(id as i64 % 100_000);
    new.revision = h.visit.revision + 1;
    new.updated = at;
    let mut out = h.clone();
    let follows: Vec<String> = h
        .history
        .last()
        .map(|e| e.hash.clone())
        .into_iter()
        .collect();
    let mut event = AuditEvent {
        hash: String::new(),
        id: Uuid::from_u128(id),
        visit: new.id,
        at,
        actor: actor.into(),
        action,
        revision: new.revision,
        reason: String::new(),
        changes,
        branches: Vec::new(),
        follows: Vec::new(),
        settles: None,
        redaction: None,
    };
    pantau::domain::chain::seal(&mut event, follows);
    out.history.push(event);
    out.visit = new;
    out
}

fn base() -> VisitHistory {
    let mut v = pantau::demo::karo_visit();
    v.updated = t0();
    VisitHistory::created(v, Uuid::from_u128(1), t0(), "a")
}

#[derive(Debug, Clone)]
enum Op {
    Venue(u8),
    Purpose(u8),
    RenameAttendee(usize, u8),
    AddAttendee(u8),
    RemoveAttendee(usize),
    StrategyStatus(usize, usize),
    Answer(u8, i64),
    Finalise,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..3u8).prop_map(Op::Venue),
        (0..3u8).prop_map(Op::Purpose),
        (0..5usize, 0..3u8).prop_map(|(i, n)| Op::RenameAttendee(i, n)),
        (0..3u8).prop_map(Op::AddAttendee),
        (0..5usize).prop_map(Op::RemoveAttendee),
        (0..4usize, 0..4usize).prop_map(|(i, s)| Op::StrategyStatus(i, s)),
        (0..2u8, 0..3i64).prop_map(|(q, n)| Op::Answer(q, n)),
        Just(Op::Finalise),
    ]
}

/// Applies `ops` on side `side` (its event ids are distinct from other sides').
fn apply(h: &VisitHistory, ops: &[Op], side: u128) -> VisitHistory {
    let mut h = h.clone();
    for (n, op) in ops.iter().enumerate() {
        let mut v = h.visit.clone();
        let tag = format!("{side}-{n}");
        let mut action = if v.is_final() {
            AuditAction::Amend
        } else {
            AuditAction::Edit
        };
        match op {
            Op::Venue(x) => v.venue = format!("Aula {x}"),
            Op::Purpose(x) => v.purpose = format!("Tujuan {x}"),
            Op::RenameAttendee(i, x) => {
                if let Some(a) = v.attendees.get_mut(*i) {
                    a.name = format!("Nama {x}");
                }
            }
            Op::AddAttendee(x) => v.attendees.push(Attendee::new(
                Uuid::from_u128(side * 1000 + n as u128 + 500_000),
                format!("Baru {x} {tag}"),
            )),
            Op::RemoveAttendee(i) => {
                if *i < v.attendees.len() {
                    let id = v.attendees[*i].id;
                    // Keep references sound, as the editor does.
                    for ho in &mut v.handovers {
                        ho.handed_by.retain(|x| *x != id);
                    }
                    v.attendees.remove(*i);
                }
            }
            Op::StrategyStatus(i, s) => {
                if let Some(st) = v.strategies.get_mut(*i) {
                    st.status = StrategyStatus::ALL[*s];
                }
            }
            Op::Answer(q, x) => {
                v.answers.insert(
                    format!("regulasi_anggaran.q{q}"),
                    Answer::new(AnswerValue::Number(*x)),
                );
            }
            Op::Finalise => {
                if !v.is_final() {
                    v.status = VisitStatus::Final;
                    v.finalisation = Some(Finalisation {
                        at: t0(),
                        by: tag.clone(),
                        digest: format!("digest-{tag}"),
                        chain: String::new(),
                        reason: String::new(),
                    });
                    action = AuditAction::Finalise;
                }
            }
        }
        if v != h.visit {
            h = commit(
                &h,
                v,
                action,
                side * 1000 + n as u128 + 10,
                &format!("auditor{side}"),
            );
        }
    }
    h
}

/// What the local side holds after importing `remote`.
fn result(local: &VisitHistory, remote: &VisitHistory) -> VisitHistory {
    match merge(local, remote).expect("merge works") {
        Outcome::Unchanged => local.clone(),
        Outcome::Replaced(h) | Outcome::Merged(h) => h,
    }
}

fn assert_sound(h: &VisitHistory) {
    let (state, revision) = replay(&h.history).expect("history replays");
    assert_eq!(revision, h.visit.revision);
    assert_eq!(state, content(&h.visit), "history leads to the visit");
}

/// Every value `side` set is in the merged visit, or among the candidates of a conflict.
fn assert_nothing_lost(start: &VisitHistory, side: &VisitHistory, merged: &VisitHistory) {
    let before = content(&start.visit);
    let after = content(&side.visit);
    let now = content(&merged.visit);
    for c in diff_values(&before, &after) {
        if c.path.contains("#order") || c.path.starts_with("conflicts") {
            continue;
        }
        assert!(
            kept(&now, merged, &c.path, c.new.as_ref()),
            "value of {} lost: {:?}",
            c.path,
            c.new
        );
    }
}

/// Whether `value` at `path` survives: in the visit, in a conflict at or above the path, or
/// (for an object or a list of items) part by part.
fn kept(
    now: &serde_json::Value,
    merged: &VisitHistory,
    path: &str,
    value: Option<&serde_json::Value>,
) -> bool {
    if value_at(now, path) == value {
        return true;
    }
    let in_conflict = merged.visit.conflicts.iter().any(|k| {
        let rest = if k.path == path {
            Some("")
        } else {
            path.strip_prefix(&format!("{}/", k.path))
        };
        rest.is_some_and(|rest| {
            k.candidates.iter().any(|cand| match &cand.value {
                Some(v) => value_at(v, rest) == value,
                None => value.is_none() && rest.is_empty(),
            })
        })
    });
    if in_conflict {
        return true;
    }
    match value {
        Some(serde_json::Value::Object(m)) => m
            .iter()
            .all(|(k, v)| kept(now, merged, &format!("{path}/{k}"), Some(v))),
        Some(serde_json::Value::Array(items))
            if items
                .iter()
                .all(|x| x.get("id").and_then(|i| i.as_str()).is_some()) =>
        {
            items.iter().all(|x| {
                let id = x["id"].as_str().unwrap_or_default();
                kept(now, merged, &format!("{path}/{id}"), Some(x))
            })
        }
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn merge_is_commutative_idempotent_and_loses_nothing(
        a in proptest::collection::vec(op(), 0..5),
        b in proptest::collection::vec(op(), 0..5),
    ) {
        let start = base();
        let l = apply(&start, &a, 1);
        let r = apply(&start, &b, 2);
        let lr = result(&l, &r);
        let rl = result(&r, &l);
        prop_assert_eq!(&lr, &rl);
        assert_sound(&lr);
        // Idempotent: importing either side (or the result) again changes nothing.
        prop_assert_eq!(&result(&lr, &r), &lr);
        prop_assert_eq!(&result(&lr, &l), &lr);
        prop_assert_eq!(&result(&lr, &lr), &lr);
        // The side that had not merged yet takes the merged result as it is.
        prop_assert_eq!(&result(&l, &lr), &lr);
        prop_assert_eq!(&result(&r, &lr), &lr);
        assert_nothing_lost(&start, &l, &lr);
        assert_nothing_lost(&start, &r, &lr);
    }

    #[test]
    fn three_laptops_merge_to_the_same_visit_in_any_order(
        a in proptest::collection::vec(op(), 0..4),
        b in proptest::collection::vec(op(), 0..4),
        c in proptest::collection::vec(op(), 0..4),
    ) {
        let start = base();
        let (x, y, z) = (apply(&start, &a, 1), apply(&start, &b, 2), apply(&start, &c, 3));
        let one = result(&result(&x, &y), &z);
        let two = result(&result(&x, &z), &y);
        let three = result(&result(&z, &y), &x);
        prop_assert_eq!(&one, &two);
        prop_assert_eq!(&one, &three);
        assert_sound(&one);
        for side in [&x, &y, &z] {
            assert_nothing_lost(&start, side, &one);
        }
    }
}

#[test]
fn the_same_field_changed_on_both_sides_is_a_conflict_with_both_values() {
    let start = base();
    let l = apply(&start, &[Op::Venue(1), Op::Purpose(1)], 1);
    let r = apply(&start, &[Op::Venue(2), Op::RenameAttendee(0, 2)], 2);
    let m = result(&l, &r);
    assert_eq!(m.visit.purpose, "Tujuan 1", "one-sided change taken");
    assert_eq!(
        m.visit.attendees[0].name, "Nama 2",
        "one-sided change taken"
    );
    assert_eq!(m.visit.conflicts.len(), 1);
    let c = &m.visit.conflicts[0];
    assert_eq!(c.path, "venue");
    let values: Vec<_> = c
        .candidates
        .iter()
        .map(|x| x.value.clone().unwrap())
        .collect();
    // The newer change (side 2's events come later) is held, the other kept.
    assert_eq!(
        values,
        [serde_json::json!("Aula 2"), serde_json::json!("Aula 1")]
    );
    assert_eq!(m.visit.venue, "Aula 2");
    assert_eq!(m.history.last().unwrap().action, AuditAction::Import);
}

#[test]
fn a_final_visit_keeps_its_values_and_the_other_side_becomes_a_conflict() {
    let start = base();
    let l = apply(&start, &[Op::Finalise], 1);
    let r = apply(&start, &[Op::Venue(2)], 5);
    let m = result(&l, &r);
    assert!(m.visit.is_final());
    assert_eq!(m.visit.venue, start.visit.venue);
    assert_eq!(m.visit.conflicts.len(), 1);
    assert_eq!(
        m.visit.conflicts[0].candidates[1].value,
        Some(serde_json::json!("Aula 2"))
    );
}

#[test]
fn settling_a_conflict_of_a_final_visit_is_a_counted_amendment() {
    let start = base();
    let l = apply(&start, &[Op::Finalise], 1);
    let r = apply(&start, &[Op::Venue(2)], 5);
    let m = result(&l, &r);
    let dir = tempfile::tempdir().unwrap();
    let store = pantau::store::Store::open(&dir.path().join("db")).unwrap();
    store.import_histories(std::slice::from_ref(&m)).unwrap();
    let before = store.get(m.visit.id).unwrap().unwrap();
    let conflict = before.conflicts[0].id;
    let stamp = pantau::domain::Stamp {
        at: t0() + Duration::hours(9),
        actor: "ani".into(),
    };
    let settled = store
        .resolve_conflict(m.visit.id, conflict, 1, &stamp, "nilai lapangan")
        .unwrap();
    assert_eq!(settled.venue, "Aula 2");
    assert!(settled.is_final() && settled.conflicts.is_empty());
    assert_eq!(settled.amendments, before.amendments + 1);
    let last = store.audit(m.visit.id).unwrap().pop().unwrap();
    assert_eq!(
        (last.action, last.reason.as_str()),
        (AuditAction::Amend, "nilai lapangan")
    );
    assert!(store.check().is_clean(), "{:?}", store.check().problems);
}

#[test]
fn a_final_visit_is_not_replaced_by_plain_edits_made_after_it() {
    let start = base();
    let fin = apply(&start, &[Op::Finalise], 1);
    // Someone un-finalised a copy and edited it without an amendment.
    let mut later = fin.clone();
    let mut v = later.visit.clone();
    v.status = VisitStatus::Draft;
    v.venue = "Aula lain".into();
    later = commit(&later, v, AuditAction::Edit, 9_000, "x");
    let m = result(&fin, &later);
    assert!(m.visit.is_final());
    assert_eq!(m.visit.venue, start.visit.venue);
    assert!(m.visit.in_conflict());
}
