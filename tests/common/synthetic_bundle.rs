//! A bundle of synthetic visits made without a database (creating hundreds of visits one flush
//! at a time would take seconds in a debug build): each visit with the creation event a store
//! would have written.

use pantau::domain::merge::{VisitHistory, content};
use pantau::domain::{AuditAction, AuditEvent, diff_values};
use pantau::export::{Bundle, bundle};

pub fn histories(n: usize, seed: u64) -> Vec<VisitHistory> {
    pantau::synth::visits(n, seed)
        .into_iter()
        .enumerate()
        .map(|(i, mut v)| {
            v.revision = 1;
            let create = AuditEvent {
                id: uuid::Uuid::from_u128((u128::from(seed) << 64) + i as u128 + 1),
                visit: v.id,
                at: v.created,
                actor: "other".into(),
                action: AuditAction::Create,
                revision: 1,
                reason: String::new(),
                changes: diff_values(&serde_json::Value::Null, &content(&v)),
                branches: Vec::new(),
            };
            VisitHistory {
                visit: v,
                trashed: None,
                history: vec![create],
            }
        })
        .collect()
}

/// The bundle's bytes.
pub fn json(visits: Vec<VisitHistory>) -> Vec<u8> {
    let at = chrono::Utc::now();
    bundle::to_json(&Bundle::new(visits, at, "other", false)).unwrap()
}
