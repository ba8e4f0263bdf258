use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::FieldChange;

/// Who makes a change, and when. Passed in so that tests can fix the clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub at: DateTime<Utc>,
    pub actor: String,
}

impl Stamp {
    pub fn new(at: DateTime<Utc>, actor: impl Into<String>) -> Self {
        Stamp {
            at,
            actor: actor.into(),
        }
    }
}

/// One committed change to one visit, as kept in the append-only audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// SHA-256 of everything else in the event, lower-case hex (see [`super::chain`]): set once
    /// when the event is made. First, so that a store reads a log's head without parsing it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hash: String,
    /// Identity of the event itself, so that merged logs do not repeat it.
    pub id: Uuid,
    pub visit: Uuid,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: AuditAction,
    /// The visit's revision after this change.
    pub revision: u64,
    /// Why, where one is asked for (amending a final visit, finalising with gaps).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(default)]
    pub changes: Vec<FieldChange>,
    /// Only in a merge event (action `import`): the histories it joined, each a chain of events
    /// from the state before this event. Their changes are summed up in `changes`; they are kept
    /// so that nothing recorded on either laptop is lost and the same merge is recognised later.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub branches: Vec<Vec<AuditEvent>>,
    /// The hashes of the events this one follows, like a commit's parents: the event before it,
    /// or for a merge event the heads of the branches it joins (sorted); empty for a creation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub follows: Vec<String>,
    /// Set when the event settles a conflict: the settlement then asserts the value it keeps,
    /// also when that is the value the visit already held (see [`super::merge`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settles: Option<Settlement>,
    /// Set on an erasure (and on a merge that carried an erasure onto events from elsewhere):
    /// which past events it redacted, so that their links and hashes stay checkable (see
    /// [`super::erase`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redaction: Option<Redaction>,
}

/// What an erasure did to the log before it: past events whose personal data it replaced
/// with [`super::erase::MARKER`]. Each keeps its `hash` (the links and other laptops' copies
/// name it) and is vouched for here by the hash its redacted content gives.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Redaction {
    /// The erased item (attendee or handover) whose data was removed, and its list.
    pub item: Uuid,
    pub list: String,
    /// The words that were replaced wherever they stood, as SHA-256 hex of `salt` and their
    /// folded form: a later merge erases them from events that come from elsewhere.
    pub salt: String,
    pub terms: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Redacted>,
    /// A final visit's digest before and after the erasure, so a report printed before it can
    /// still be matched.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub digest_before: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub digest_after: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redacted {
    pub event: Uuid,
    /// The hash the event's content gives after redaction (its `hash` is the original).
    pub content: String,
}

/// What a settling event settled: the conflict and the field it was about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    pub conflict: Uuid,
    pub path: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Create,
    Edit,
    Delete,
    Restore,
    Finalise,
    Amend,
    Import,
    Erase,
}

impl AuditAction {
    pub fn key(self) -> &'static str {
        match self {
            AuditAction::Create => "audit.create",
            AuditAction::Edit => "audit.edit",
            AuditAction::Delete => "audit.delete",
            AuditAction::Restore => "audit.restore",
            AuditAction::Finalise => "audit.finalise",
            AuditAction::Amend => "audit.amend",
            AuditAction::Import => "audit.import",
            AuditAction::Erase => "audit.erase",
        }
    }
}
