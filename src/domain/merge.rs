//! Merging the histories of one visit recorded in two databases (pure; the store applies it).
//!
//! Every audit event has an id, and both databases hold the visit's log from the same `create`
//! event. The longest common prefix of the two logs is the state both laptops started from;
//! what follows on each side is a *branch*. When one side already knows every event of the
//! other, nothing is merged: the side that knows more wins ("fast forward"). Otherwise the
//! branches are merged field by field (three-way, against the common state):
//!
//! - a field changed on one side only takes that side's value;
//! - the same field changed to different values on several sides is a conflict: the visit
//!   holds the value of the newest change (a final visit keeps its own) and a
//!   [`Conflict`] keeps every value until an auditor picks one;
//! - a final visit is never silently overwritten: a final side asserts all its values, so any
//!   other change to them becomes a conflict.
//!
//! The result is one *merge event* (action `import`) after the common prefix, whose `changes`
//! lead from the common state to the merged one and whose `branches` keep every event of every
//! side. Its id, time and content depend only on the set of branches, never on which database
//! ran the import, so A-then-B and B-then-A give the same log, and merging three laptops in any
//! order gives the same result (a merge that is not built upon is unfolded into its branches).

use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{
    AuditAction, AuditEvent, Candidate, Conflict, FieldChange, Visit, VisitStatus, apply_changes,
    derived_id, diff_values,
};

/// One visit with its whole audit log, as kept in a bundle and exchanged between databases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitHistory {
    pub visit: Visit,
    /// Set when the visit is in the trash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trashed: Option<Trashed>,
    /// The audit log, oldest first, starting with the `create` event.
    pub history: Vec<AuditEvent>,
}

impl VisitHistory {
    /// `visit` as just created: revision 1, its log the one creation event (`event`, at `at`
    /// by `actor`) holding its whole content, as a store writes it. For visits made up in
    /// tests and benchmarks.
    pub fn created(mut visit: Visit, event: Uuid, at: DateTime<Utc>, actor: &str) -> Self {
        visit.revision = 1;
        let mut create = AuditEvent {
            hash: String::new(),
            id: event,
            visit: visit.id,
            at,
            actor: actor.into(),
            action: AuditAction::Create,
            revision: 1,
            reason: String::new(),
            changes: diff_values(&Value::Null, &content(&visit)),
            branches: Vec::new(),
            follows: Vec::new(),
            settles: None,
            redaction: None,
        };
        super::chain::seal(&mut create, Vec::new());
        VisitHistory {
            visit,
            trashed: None,
            history: vec![create],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trashed {
    pub at: DateTime<Utc>,
    pub by: String,
}

/// What merging a visit from elsewhere into the local one gives.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The local database already knows everything the other side has.
    Unchanged,
    /// The other side knows everything local knows and more: take it as it is.
    Replaced(VisitHistory),
    /// Both sides changed the visit: a merge event joins them (conflicts, if any, are in
    /// `visit.conflicts`).
    Merged(VisitHistory),
}

/// The visit as compared by the audit log: without the bookkeeping the store sets itself.
pub fn content(v: &Visit) -> Value {
    let mut value = serde_json::to_value(v).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.remove("revision");
        map.remove("updated");
    }
    value
}

/// The visit whose [`content`] is `value`, at `revision`, last updated `updated`.
pub fn from_content(
    mut value: Value,
    revision: u64,
    updated: DateTime<Utc>,
) -> Result<Visit, String> {
    if let Value::Object(map) = &mut value {
        map.insert("revision".into(), Value::from(revision));
        map.insert(
            "updated".into(),
            serde_json::to_value(updated).unwrap_or(Value::Null),
        );
    }
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// Replays a log from nothing: the content it leads to and the revision it ends at.
/// Each event must be the next revision, except a merge event, which follows the longest of
/// the branches it joins and so may skip ahead.
pub fn replay(events: &[AuditEvent]) -> Result<(Value, u64), String> {
    replay_cow(Cow::Owned(Value::Null), 0, events).map(|(state, r)| (state.into_owned(), r))
}

/// [`replay`] for a caller that only reads the result: a change that sets the whole content
/// (a creation does) is borrowed from the log rather than copied, until a later change alters
/// it. An import checks every visit's log this way.
pub fn replay_borrowed(events: &[AuditEvent]) -> Result<(Cow<'_, Value>, u64), String> {
    replay_cow(Cow::Owned(Value::Null), 0, events)
}

fn replay_from(state: Value, revision: u64, events: &[AuditEvent]) -> Result<(Value, u64), String> {
    replay_cow(Cow::Owned(state), revision, events).map(|(state, r)| (state.into_owned(), r))
}

fn replay_cow<'a>(
    mut state: Cow<'a, Value>,
    mut revision: u64,
    events: &'a [AuditEvent],
) -> Result<(Cow<'a, Value>, u64), String> {
    for e in events {
        let next_ok = e.revision == revision + 1
            || (e.action == AuditAction::Import && e.revision > revision);
        if !next_ok {
            return Err(format!("revision {} follows {revision}", e.revision));
        }
        revision = e.revision;
        for c in &e.changes {
            match (c.path.is_empty(), &c.new) {
                (true, Some(whole)) => state = Cow::Borrowed(whole),
                (true, None) => state = Cow::Owned(Value::Null),
                _ => apply_changes(state.to_mut(), std::slice::from_ref(c))?,
            }
        }
    }
    Ok((state, revision))
}

/// Ids of all events in `events`, including those kept inside merge events.
pub fn known_ids(events: &[AuditEvent]) -> HashSet<Uuid> {
    let mut out = HashSet::new();
    collect_ids(events, &mut out);
    out
}

fn collect_ids(events: &[AuditEvent], out: &mut HashSet<Uuid>) {
    for e in events {
        out.insert(e.id);
        for b in &e.branches {
            collect_ids(b, out);
        }
    }
}

fn all_events<'a>(events: &'a [AuditEvent], out: &mut Vec<&'a AuditEvent>) {
    for e in events {
        out.push(e);
        for b in &e.branches {
            all_events(b, out);
        }
    }
}

/// The trash state a set of events implies: the newest delete or restore decides.
fn trash_state(events: &[&AuditEvent]) -> Option<Trashed> {
    events
        .iter()
        .filter(|e| matches!(e.action, AuditAction::Delete | AuditAction::Restore))
        .max_by_key(|e| (e.at, e.id))
        .filter(|e| e.action == AuditAction::Delete)
        .map(|e| Trashed {
            at: e.at,
            by: e.actor.clone(),
        })
}

/// Whether events that continue a final visit only amend it openly (amendments and merges).
fn amends_openly<'a>(mut extra: impl Iterator<Item = &'a AuditEvent>) -> bool {
    extra.all(|e| {
        e.changes.is_empty()
            || matches!(
                e.action,
                AuditAction::Amend | AuditAction::Import | AuditAction::Erase
            )
    })
}

/// One side's line of events after the common prefix, with the state it leads to.
struct Tip {
    events: Vec<AuditEvent>,
    known: HashSet<Uuid>,
    state: Value,
    /// The state this side's own changes are measured from (see [`merge`]).
    own_base: Value,
    final_: bool,
    head_at: DateTime<Utc>,
    head_id: Uuid,
    head_actor: String,
    revision: u64,
    /// The fields (and conflict records) this side's own events settled: it asserts its values
    /// there even where it kept the value it had (see [`node`]).
    settled: Vec<String>,
}

/// Merges `remote` (from a bundle) into `local` (from this database). Both must be the same
/// visit, each with a log that replays to its content.
pub fn merge(local: &VisitHistory, remote: &VisitHistory) -> Result<Outcome, String> {
    if local.visit.id != remote.visit.id {
        return Err("different visits".into());
    }
    let kl = known_ids(&local.history);
    let kr = known_ids(&remote.history);
    if kr.is_subset(&kl) {
        return Ok(Outcome::Unchanged);
    }
    let k = local
        .history
        .iter()
        .zip(&remote.history)
        .take_while(|(a, b)| a.id == b.id)
        .count();
    // k == 0: the visit was created on both sides independently (e.g. the demo visit loaded on
    // two laptops); the two creations are then merged like any two branches, from nothing.
    if kl.is_subset(&kr) {
        let extra = remote.history.iter().filter(|e| !kl.contains(&e.id));
        if !local.visit.is_final() || amends_openly(extra) {
            return Ok(Outcome::Replaced(remote.clone()));
        }
    }
    let (base, base_rev) = replay(&local.history[..k])?;
    let prefix_head = k.checked_sub(1).and_then(|i| local.history.get(i));

    let mut branches = unfold(&local.history[k..]);
    branches.extend(unfold(&remote.history[k..]));
    let mut tips = Vec::new();
    for events in branches {
        let (state, revision) = replay_from(base.clone(), base_rev, &events)?;
        let head = events
            .last()
            .or(prefix_head)
            .ok_or_else(|| "empty history".to_string())?;
        tips.push(Tip {
            known: known_ids(&events),
            final_: is_final_state(&state),
            head_at: head.at,
            head_id: head.id,
            head_actor: head.actor.clone(),
            own_base: Value::Null,
            settled: Vec::new(),
            revision,
            state,
            events,
        });
    }
    // A branch another branch already contains adds nothing — unless it is a final visit the
    // other one changes without amending it openly.
    let mut keep = vec![true; tips.len()];
    for i in 0..tips.len() {
        for j in 0..tips.len() {
            if i == j || !keep[j] || !tips[i].known.is_subset(&tips[j].known) {
                continue;
            }
            let same = tips[i].known == tips[j].known;
            let guarded = tips[i].final_
                && !amends_openly(
                    tips[j]
                        .events
                        .iter()
                        .filter(|e| !tips[i].known.contains(&e.id)),
                );
            if (!same || j < i) && !guarded {
                keep[i] = false;
                break;
            }
        }
    }
    let mut tips: Vec<Tip> = tips
        .into_iter()
        .zip(keep)
        .filter_map(|(t, k)| k.then_some(t))
        .collect();
    if tips.len() < 2 {
        // Unfolding showed one side contains the other after all.
        return Ok(match tips.first() {
            Some(t) if !t.known.is_subset(&kl) => Outcome::Replaced(remote.clone()),
            _ => Outcome::Unchanged,
        });
    }
    // Newest first, a final side before any draft: the order decides which value the visit
    // holds while a conflict is open, and makes the result independent of who imports.
    tips.sort_by_key(|t| std::cmp::Reverse((t.final_, t.head_at, t.head_id)));
    // A visit created on both sides with the same content (the demo visit): that content is
    // where both sides started.
    let same_creation = if k == 0 {
        let creations: Vec<&AuditEvent> = tips.iter().filter_map(|t| t.events.first()).collect();
        let first = creations.first().copied();
        match first {
            Some(f)
                if creations.len() == tips.len()
                    && creations
                        .iter()
                        .all(|e| e.action == AuditAction::Create && e.changes == f.changes) =>
            {
                Some(replay(std::slice::from_ref(f))?.0)
            }
            _ => None,
        }
    } else {
        None
    };
    // Each side's own changes are measured from the state after the part of its branch that
    // every other side already knows (an earlier merge), so a choice made after that merge is
    // not taken for a new disagreement.
    for i in 0..tips.len() {
        let shared = tips[i]
            .events
            .iter()
            .take_while(|e| {
                tips.iter()
                    .enumerate()
                    .all(|(j, t)| j == i || t.known.contains(&e.id))
            })
            .count();
        let (own_base, _) = replay_from(base.clone(), base_rev, &tips[i].events[..shared])?;
        let mut own = Vec::new();
        all_events(&tips[i].events[shared..], &mut own);
        tips[i].settled = own
            .iter()
            .filter_map(|e| e.settles.as_ref())
            .flat_map(|s| [s.path.clone(), format!("conflicts/{}", s.conflict)])
            .collect();
        tips[i].own_base = match (&same_creation, shared) {
            (Some(created), 0) => created.clone(),
            _ => own_base,
        };
    }

    let mut heads: Vec<Uuid> = tips.iter().map(|t| t.head_id).collect();
    let common = same_creation.as_ref().unwrap_or(&base);
    heads.sort();
    let head_bytes: Vec<u8> = heads.iter().flat_map(|h| h.as_bytes().to_vec()).collect();
    let merge_id = derived_id(&[b"pantau-merge", &head_bytes]);

    let mut ctx = Ctx {
        tips: &tips,
        conflicts: Vec::new(),
    };
    let own_bases: Vec<Option<&Value>> = tips.iter().map(|t| Some(&t.own_base)).collect();
    let values: Vec<Option<&Value>> = tips.iter().map(|t| Some(&t.state)).collect();
    let merged = node(&mut ctx, "", Some(common), &own_bases, &values);
    let raw_conflicts = ctx.conflicts;
    let mut merged = merged.unwrap_or(Value::Null);
    if !raw_conflicts.is_empty() {
        let conflicts: Vec<Conflict> = raw_conflicts
            .into_iter()
            .map(|c| Conflict {
                id: derived_id(&[merge_id.as_bytes(), c.path.as_bytes()]),
                path: c.path,
                base: c.base,
                candidates: c
                    .candidates
                    .into_iter()
                    .map(|(i, value)| Candidate {
                        value,
                        actor: tips[i].head_actor.clone(),
                        at: tips[i].head_at,
                        event: tips[i].head_id,
                    })
                    .collect(),
            })
            .collect();
        if let Value::Object(map) = &mut merged {
            let list = map
                .entry("conflicts")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = list {
                add_conflicts(items, conflicts);
            }
        }
    }
    let at = tips.iter().map(|t| t.head_at).max().unwrap_or_default();
    let revision = tips.iter().map(|t| t.revision).max().unwrap_or(base_rev) + 1;
    let visit =
        from_content(merged, revision, at).map_err(|e| format!("merged visit is invalid: {e}"))?;
    let actors: BTreeSet<&str> = tips.iter().map(|t| t.head_actor.as_str()).collect();
    let changes: Vec<FieldChange> = diff_values(&base, &content(&visit));
    let mut event = AuditEvent {
        hash: String::new(),
        id: merge_id,
        visit: visit.id,
        at,
        actor: actors.into_iter().collect::<Vec<_>>().join(" + "),
        action: AuditAction::Import,
        revision: visit.revision,
        reason: String::new(),
        changes,
        branches: tips.iter().map(|t| t.events.clone()).collect(),
        follows: Vec::new(),
        settles: None,
        redaction: None,
    };
    let mut follows: Vec<String> = tips
        .iter()
        .filter_map(|t| t.events.last().or(prefix_head).map(|e| e.hash.clone()))
        .collect();
    follows.sort();
    follows.dedup();
    super::chain::seal(&mut event, follows);
    let mut every = Vec::new();
    all_events(&local.history, &mut every);
    all_events(&remote.history, &mut every);
    let trashed = trash_state(&every);
    let mut history = local.history[..k].to_vec();
    history.push(event);
    Ok(Outcome::Merged(VisitHistory {
        visit,
        trashed,
        history,
    }))
}

/// Adds the conflicts a merge found to the visit's list. A field has one open conflict: one
/// still open from an earlier merge on the same field is folded into the new one (its values
/// after the new ones), so that settling the field settles every value it was given.
fn add_conflicts(items: &mut Vec<Value>, found: Vec<Conflict>) {
    for mut conflict in found {
        let mut i = 0;
        while i < items.len() {
            let same_field = items[i].get("path").and_then(Value::as_str) == Some(&conflict.path);
            let earlier = same_field
                .then(|| serde_json::from_value::<Conflict>(items[i].clone()).ok())
                .flatten();
            let Some(earlier) = earlier else {
                i += 1;
                continue;
            };
            items.remove(i);
            for c in earlier.candidates {
                if !conflict.candidates.iter().any(|x| x.value == c.value) {
                    conflict.candidates.push(c);
                }
            }
        }
        items.push(serde_json::to_value(conflict).unwrap_or(Value::Null));
    }
}

/// The branches a side contributes: a lone merge event stands for the branches it joined.
fn unfold(events: &[AuditEvent]) -> Vec<Vec<AuditEvent>> {
    match events {
        [one] if !one.branches.is_empty() => one.branches.clone(),
        _ => vec![events.to_vec()],
    }
}

struct RawConflict {
    path: String,
    base: Option<Value>,
    /// (tip index, value), the value the visit holds first.
    candidates: Vec<(usize, Option<Value>)>,
}

struct Ctx<'a> {
    tips: &'a [Tip],
    conflicts: Vec<RawConflict>,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}/{key}")
    }
}

fn item_id(v: &Value) -> Option<&str> {
    v.get("id").and_then(Value::as_str)
}

fn is_item_list(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Array(a)) if a.iter().all(|x| item_id(x).is_some()))
}

fn field<'v>(v: Option<&'v Value>, key: &str) -> Option<&'v Value> {
    v?.get(key)
}

fn find_item<'v>(v: Option<&'v Value>, id: &str) -> Option<&'v Value> {
    v?.as_array()?.iter().find(|x| item_id(x) == Some(id))
}

/// Merges one node of the visit's JSON. `values[i]` is side `i`'s value, `own_bases[i]` what
/// side `i` started from, `base` the common state (for the conflict record).
fn node(
    ctx: &mut Ctx,
    path: &str,
    base: Option<&Value>,
    own_bases: &[Option<&Value>],
    values: &[Option<&Value>],
) -> Option<Value> {
    // A side asserts a value it changed, or settled; a final side all its values, except where
    // another side settled them (an openly recorded amendment).
    let settles = |i: usize| ctx.tips[i].settled.iter().any(|p| covers(path, p));
    let settled_elsewhere = |i: usize| {
        (0..values.len()).any(|j| j != i && ctx.tips[j].settled.iter().any(|p| covers(p, path)))
    };
    let asserted: Vec<usize> = (0..values.len())
        .filter(|&i| {
            values[i] != own_bases[i] || settles(i) || (ctx.tips[i].final_ && !settled_elsewhere(i))
        })
        .collect();
    let mut distinct: Vec<Option<&Value>> = Vec::new();
    for &i in &asserted {
        if !distinct.contains(&values[i]) {
            distinct.push(values[i]);
        }
    }
    match distinct.as_slice() {
        [] => return values.first().copied().flatten().cloned(),
        [one] => return one.cloned(),
        _ => {}
    }
    let objects = distinct.iter().all(|v| matches!(v, Some(Value::Object(_))));
    if objects {
        let mut keys: BTreeSet<&String> = BTreeSet::new();
        for v in values.iter().chain(own_bases).chain([&base]) {
            if let Some(Value::Object(m)) = v {
                keys.extend(m.keys());
            }
        }
        let mut out = Map::new();
        for key in keys {
            let ob: Vec<Option<&Value>> = own_bases.iter().map(|v| field(*v, key)).collect();
            let vs: Vec<Option<&Value>> = values.iter().map(|v| field(*v, key)).collect();
            if let Some(child) = node(ctx, &join(path, key), field(base, key), &ob, &vs) {
                out.insert(key.clone(), child);
            }
        }
        return Some(Value::Object(out));
    }
    // An absent list is an empty one (`conflicts` is left out of a visit that has none): a
    // side that settled the last conflict removed items, it did not replace the list.
    if distinct.iter().all(|v| v.is_none() || is_item_list(*v))
        && distinct.iter().any(|v| v.is_some())
    {
        let mut ids: Vec<&str> = Vec::new();
        for v in values.iter().chain(own_bases).chain([&base]) {
            for item in v.and_then(Value::as_array).into_iter().flatten() {
                if let Some(id) = item_id(item)
                    && !ids.contains(&id)
                {
                    ids.push(id);
                }
            }
        }
        let mut out = Vec::new();
        for id in ids {
            let ob: Vec<Option<&Value>> = own_bases.iter().map(|v| find_item(*v, id)).collect();
            let vs: Vec<Option<&Value>> = values.iter().map(|v| find_item(*v, id)).collect();
            if let Some(child) = node(ctx, &join(path, id), find_item(base, id), &ob, &vs) {
                out.push(child);
            }
        }
        return Some(Value::Array(out));
    }
    let mut candidates = Vec::new();
    for d in &distinct {
        if let Some(&i) = asserted.iter().find(|&&i| values[i] == *d) {
            candidates.push((i, d.cloned()));
        }
    }
    let held = distinct[0].cloned();
    ctx.conflicts.push(RawConflict {
        path: path.to_string(),
        base: base.cloned(),
        candidates,
    });
    held
}

/// Whether `path` is `inner` or holds it.
fn covers(path: &str, inner: &str) -> bool {
    path.is_empty()
        || inner == path
        || (inner.starts_with(path) && inner.as_bytes().get(path.len()) == Some(&b'/'))
}

/// The value at an audit-log path (`attendees/<id>/name`), for tests and the conflict view.
pub fn value_at<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    if path.is_empty() {
        return Some(root);
    }
    path.split('/').try_fold(root, |cur, seg| match cur {
        Value::Object(m) => m.get(seg),
        Value::Array(items) => items.iter().find(|x| item_id(x) == Some(seg)),
        _ => None,
    })
}

/// Whether the visit is final in a history's replayed state (used by validation).
pub fn is_final_state(state: &Value) -> bool {
    state.get("status").and_then(Value::as_str) == Some(status_name(VisitStatus::Final))
}

fn status_name(s: VisitStatus) -> &'static str {
    match s {
        VisitStatus::Draft => "draft",
        VisitStatus::Final => "final",
    }
}
