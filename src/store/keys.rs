//! The key scheme. Nothing outside the store knows these names or layouts.
//!
//! Trees (few on purpose; sled's space use grows with many trees):
//! - `meta`:      `schema_version` → u32 big-endian; `import_pending`, `pos…` (below)
//! - `visits`:    visit id (16 bytes) → Visit as JSON
//! - `summaries`: visit id → VisitSummary as JSON (derived; rebuilt by migrations)
//! - `trash`:     visit id → TrashEntry as JSON (a soft-deleted visit)
//! - `audit`:     visit id ++ sequence (u64 big-endian) → AuditEvent as JSON
//! - `facts`:     visit id → VisitFacts as JSON (derived, for the follow-up board and overview;
//!   rebuilt from the visits when it does not match them)
//!
//! Values are JSON because it is self-describing: a field added later reads as its default in
//! an old record, without a migration.

use uuid::Uuid;

pub const META: &str = "meta";
pub const VISITS: &str = "visits";
pub const SUMMARIES: &str = "summaries";
pub const TRASH: &str = "trash";
pub const AUDIT: &str = "audit";
pub const FACTS: &str = "facts";

pub const SCHEMA_VERSION: &[u8] = b"schema_version";

/// `meta`: this ++ batch number (u32 big-endian) → the ids (16 bytes each) of the visits a bulk
/// import is writing in that batch; present only while it runs (see `store::pending`).
pub const IMPORT_PENDING: &[u8] = b"import_pending";

/// `meta`: "pos" ++ visit id → section u32 ++ row u32 (where the interview was left).
pub fn position_slot(id: Uuid) -> Vec<u8> {
    let mut k = b"pos".to_vec();
    k.extend_from_slice(id.as_bytes());
    k
}

/// `meta`: "drafts" ++ visit id → the visit's unsaved drafts (JSON list, see `store::drafts`).
pub fn drafts_slot(id: Uuid) -> Vec<u8> {
    let mut k = b"drafts".to_vec();
    k.extend_from_slice(id.as_bytes());
    k
}

/// `meta`: the journal of the editor open in the interview (JSON), absent when none is.
pub const JOURNAL: &[u8] = b"journal";
/// Set when an erasure came in by an import: the files still hold the erased values until the
/// database is rewritten (see `pantau erase`).
pub const PURGE_DUE: &[u8] = b"purge_due";

pub fn visit_key(id: Uuid) -> [u8; 16] {
    *id.as_bytes()
}

pub fn audit_key(visit: Uuid, seq: u64) -> [u8; 24] {
    let mut k = [0u8; 24];
    k[..16].copy_from_slice(visit.as_bytes());
    k[16..].copy_from_slice(&seq.to_be_bytes());
    k
}

pub fn id_from_key(key: &[u8]) -> Option<Uuid> {
    Some(Uuid::from_bytes(key.get(..16)?.try_into().ok()?))
}

/// The sequence number of an audit key.
pub fn seq_from_key(key: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(key.get(16..24)?.try_into().ok()?))
}

/// A key for messages: the visit id, and the sequence for audit keys.
pub fn describe(tree: &str, key: &[u8]) -> String {
    match (id_from_key(key), key.get(16..24)) {
        (Some(id), Some(seq)) if key.len() == 24 => {
            let seq = u64::from_be_bytes(seq.try_into().unwrap_or_default());
            format!("{tree}/{id}/{seq}")
        }
        (Some(id), _) => format!("{tree}/{id}"),
        _ => format!("{tree}/{}", String::from_utf8_lossy(key)),
    }
}
