//! The audit log as a hash-linked chain, like commits in git: every event carries the SHA-256
//! of its own content ([`AuditEvent::hash`]) and the hashes of the events it follows
//! ([`AuditEvent::follows`]). Where laptops branched, a merge event follows the heads of the
//! branches it joins, so a visit's log is a small DAG whose head hash stands for all of it.
//!
//! A changed past event no longer matches its hash, and a recomputed hash no longer matches
//! the link the next event holds, nor the copy of the event another database keeps: an import
//! compares every event it already knows by hash, and `pantau check` verifies every link.
//!
//! An event is hashed once, when it is made ([`seal`]); checking a log hashes each event once.

use std::collections::HashMap;
use std::io::Write;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{AuditAction, AuditEvent, FieldChange, Redaction, Settlement};

/// The event as hashed: every member but `hash`, serialized as it is stored (serde_json's maps
/// are sorted, so the bytes are the same on every laptop).
#[derive(Serialize)]
struct Hashed<'a> {
    id: &'a Uuid,
    visit: &'a Uuid,
    at: &'a DateTime<Utc>,
    actor: &'a str,
    action: &'a AuditAction,
    revision: u64,
    #[serde(skip_serializing_if = "str::is_empty")]
    reason: &'a str,
    changes: &'a [FieldChange],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    branches: &'a [Vec<AuditEvent>],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    follows: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    settles: &'a Option<Settlement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    redaction: &'a Option<Redaction>,
}

struct HashWriter(Sha256);

impl Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The SHA-256 of the event's content (all but its `hash`), lower-case hex.
pub fn event_hash(e: &AuditEvent) -> String {
    let view = Hashed {
        id: &e.id,
        visit: &e.visit,
        at: &e.at,
        actor: &e.actor,
        action: &e.action,
        revision: e.revision,
        reason: &e.reason,
        changes: &e.changes,
        branches: &e.branches,
        follows: &e.follows,
        settles: &e.settles,
        redaction: &e.redaction,
    };
    let mut w = HashWriter(Sha256::new());
    // Serializing plain data into a hasher cannot fail.
    let _ = serde_json::to_writer(&mut w, &view);
    hex(&w.0.finalize())
}

pub(super) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Links `e` to the events it follows and hashes it: done once, when the event is made.
pub fn seal(e: &mut AuditEvent, follows: Vec<String>) {
    e.follows = follows;
    e.hash = event_hash(e);
}

/// The hash a log ends in (its newest event's): what the next event follows.
pub fn head(events: &[AuditEvent]) -> Option<&str> {
    events.last().map(|e| e.hash.as_str())
}

/// What a merge event follows: the heads of its branches, sorted, each once.
fn branch_heads(branches: &[Vec<AuditEvent>], prev: Option<&str>) -> Vec<String> {
    let mut heads: Vec<String> = branches
        .iter()
        .filter_map(|b| head(b).or(prev).map(str::to_string))
        .collect();
    heads.sort();
    heads.dedup();
    heads
}

fn expected_follows(e: &AuditEvent, prev: Option<&str>) -> Vec<String> {
    if e.branches.is_empty() {
        prev.map(str::to_string).into_iter().collect()
    } else {
        branch_heads(&e.branches, prev)
    }
}

/// Links and hashes a whole log made before events were linked (a database of schema 1, a
/// bundle of version 1): what the events would carry had they been sealed when made. `prev`
/// is the hash the first event follows. Any hashes already there are recomputed.
pub fn seal_all(events: &mut [AuditEvent], prev: Option<&str>) {
    let mut prev = prev.map(str::to_string);
    for e in events {
        for b in &mut e.branches {
            seal_all(b, prev.as_deref());
        }
        let follows = expected_follows(e, prev.as_deref());
        seal(e, follows);
        prev = Some(e.hash.clone());
    }
}

/// Why a log is not an intact chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError {
    /// The event has no hash (made before events were linked, and never sealed).
    Unsealed(Uuid),
    /// The event's content does not give its hash: it was changed after it was made.
    Altered(Uuid),
    /// The event does not follow the event(s) before it.
    BadLink(Uuid),
}

impl ChainError {
    pub fn event(&self) -> Uuid {
        match self {
            ChainError::Unsealed(e) | ChainError::Altered(e) | ChainError::BadLink(e) => *e,
        }
    }
}

/// Checks that every event of the log (merged branches too) matches its hash and follows the
/// event(s) before it.
pub fn verify(events: &[AuditEvent]) -> Result<(), ChainError> {
    let vouched = vouched(events);
    verify_from(events, None, &vouched)
}

/// The content hashes erasures vouch for, by event: a redacted event keeps its `hash` and
/// gives one of these (see [`super::erase`]).
fn vouched(events: &[AuditEvent]) -> HashMap<Uuid, Vec<&str>> {
    let mut out: HashMap<Uuid, Vec<&str>> = HashMap::new();
    for r in super::erase::recorded(events) {
        for e in &r.events {
            out.entry(e.event).or_default().push(e.content.as_str());
        }
    }
    out
}

fn verify_from(
    events: &[AuditEvent],
    prev: Option<&str>,
    vouched: &HashMap<Uuid, Vec<&str>>,
) -> Result<(), ChainError> {
    let mut prev = prev;
    for e in events {
        for b in &e.branches {
            verify_from(b, prev, vouched)?;
        }
        if e.hash.is_empty() {
            return Err(ChainError::Unsealed(e.id));
        }
        if e.follows != expected_follows(e, prev) {
            return Err(ChainError::BadLink(e.id));
        }
        let content = event_hash(e);
        let redacted = || {
            vouched
                .get(&e.id)
                .is_some_and(|v| v.contains(&content.as_str()))
        };
        if content != e.hash && !redacted() {
            return Err(ChainError::Altered(e.id));
        }
        prev = Some(e.hash.as_str());
    }
    Ok(())
}

/// Every event of the log (merged branches too) with its hash.
pub fn hashes(events: &[AuditEvent]) -> std::collections::HashMap<Uuid, &str> {
    let mut out = std::collections::HashMap::new();
    fn walk<'a>(events: &'a [AuditEvent], out: &mut std::collections::HashMap<Uuid, &'a str>) {
        for e in events {
            out.insert(e.id, e.hash.as_str());
            for b in &e.branches {
                walk(b, out);
            }
        }
    }
    walk(events, &mut out);
    out
}

/// The first event `theirs` holds with the id of one of `ours` but other content (a rewritten
/// past): both logs must be sealed.
pub fn rewritten(ours: &[AuditEvent], theirs: &[AuditEvent]) -> Option<Uuid> {
    let known = hashes(ours);
    let mut found = None;
    fn walk(
        events: &[AuditEvent],
        known: &std::collections::HashMap<Uuid, &str>,
        found: &mut Option<Uuid>,
    ) {
        for e in events {
            if found.is_some() {
                return;
            }
            if known.get(&e.id).is_some_and(|h| *h != e.hash) {
                *found = Some(e.id);
                return;
            }
            for b in &e.branches {
                walk(b, known, found);
            }
        }
    }
    walk(theirs, &known, &mut found);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::merge::VisitHistory;

    fn log() -> Vec<AuditEvent> {
        let v = crate::demo::karo_visit();
        let mut h = VisitHistory::created(v.clone(), Uuid::from_u128(1), v.created, "a").history;
        let mut edit = h[0].clone();
        edit.id = Uuid::from_u128(2);
        edit.action = AuditAction::Edit;
        edit.revision = 2;
        edit.changes = vec![FieldChange {
            path: "venue".into(),
            old: Some(v.venue.clone().into()),
            new: Some("Aula".into()),
        }];
        let prev = h[0].hash.clone();
        seal(&mut edit, vec![prev]);
        h.push(edit);
        h
    }

    #[test]
    fn a_sealed_log_verifies_and_any_change_to_a_past_event_is_found() {
        let h = log();
        assert_eq!(verify(&h), Ok(()));
        let mut changed = h.clone();
        changed[0].actor = "mallory".into();
        assert_eq!(verify(&changed), Err(ChainError::Altered(changed[0].id)));
        // Rehashing the changed event breaks the link the next one holds.
        let mut rehashed = changed.clone();
        rehashed[0].hash = event_hash(&rehashed[0]);
        assert_eq!(verify(&rehashed), Err(ChainError::BadLink(rehashed[1].id)));
        // And a fully re-sealed forgery differs from the copy another database holds.
        seal_all(&mut rehashed, None);
        assert_eq!(verify(&rehashed), Ok(()));
        assert_eq!(rewritten(&h, &rehashed), Some(h[0].id));
        assert_eq!(rewritten(&h, &h), None);
    }

    #[test]
    fn sealing_a_legacy_log_gives_what_sealing_as_made_gives() {
        let h = log();
        let mut legacy = h.clone();
        for e in &mut legacy {
            e.hash.clear();
            e.follows.clear();
        }
        assert_eq!(verify(&legacy), Err(ChainError::Unsealed(h[0].id)));
        seal_all(&mut legacy, None);
        assert_eq!(legacy, h);
    }
}
