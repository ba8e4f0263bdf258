//! Conflicts left by merging visits recorded on different laptops.
//!
//! When two laptops change the same field of the same visit independently, the merge keeps
//! every value: the visit holds the value of the newest change (a final visit keeps its own),
//! and a [`Conflict`] lists all the values until an auditor picks one — an audited change.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// One field with competing values. Kept in [`super::Visit::conflicts`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// Stable across laptops: derived from the merge and the path.
    pub id: Uuid,
    /// The field, as in the audit log: `venue`, `attendees/<id>/post`, `answers/<question>`.
    pub path: String,
    /// The value both sides started from (`None`: the field or item did not exist).
    #[serde(default)]
    pub base: Option<Value>,
    /// Every value one side set, the one the visit currently holds first.
    pub candidates: Vec<Candidate>,
}

/// One side's value of a conflicting field, with who set it and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// `None`: that side removed the field or item.
    #[serde(default)]
    pub value: Option<Value>,
    pub actor: String,
    pub at: DateTime<Utc>,
    /// The last event of the history that set this value.
    pub event: Uuid,
}

/// A deterministic id from text, as a UUID (version 8, "custom"), so that the same merge made
/// on two laptops gives the same ids.
pub fn derived_id(parts: &[&[u8]]) -> Uuid {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}
