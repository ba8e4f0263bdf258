use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{District, Visit, VisitKind, VisitStatus};

/// What a list row needs of a visit, small enough to load thousands at start-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitSummary {
    pub id: Uuid,
    pub start: Option<DateTime<FixedOffset>>,
    pub district: District,
    pub kind: VisitKind,
    pub status: VisitStatus,
    pub venue: String,
    pub attendees: u32,
    pub obstacles: u32,
    pub notes: u32,
    pub revision: u64,
    pub updated: DateTime<Utc>,
    /// Fields left in conflict by an import (0 for most visits).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub conflicts: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl From<&Visit> for VisitSummary {
    fn from(v: &Visit) -> Self {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        VisitSummary {
            id: v.id,
            start: v.start,
            district: v.district.clone(),
            kind: v.kind,
            status: v.status,
            venue: v.venue.clone(),
            attendees: count(v.attendees.len()),
            obstacles: count(v.obstacles.len()),
            notes: count(v.notes.len()),
            revision: v.revision,
            updated: v.updated,
            conflicts: count(v.conflicts.len()),
        }
    }
}

impl VisitSummary {
    /// Sort key for "newest first": meeting start, else creation order (the v7 id).
    pub fn sort_key(&self) -> (Option<DateTime<Utc>>, Uuid) {
        (self.start.map(|s| s.with_timezone(&Utc)), self.id)
    }
}
