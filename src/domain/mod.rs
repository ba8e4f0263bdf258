//! The domain model: what an auditor records about a district visit.
//!
//! Pure data and pure logic only — no storage, no terminal. Everything derives serde so that the
//! store, exports and bundles share one representation.

mod answer;
mod audit;
pub mod chain;
mod conflict;
mod diff;
mod digest;
mod draft;
mod facts;
mod items;
pub mod merge;
mod people;
mod region;
mod summary;
pub mod titles;
mod validate;
mod visit;
pub mod wilayah;

pub use answer::{Answer, AnswerValue, YesPartialNo};
pub use audit::{AuditAction, AuditEvent, Settlement, Stamp};
pub use conflict::{Candidate, Conflict, derived_id};
pub use diff::{FieldChange, apply_changes, diff_encoded, diff_members, diff_values, same_content};
pub use digest::{canonical, digest, digest_chained};
pub use draft::{Draft, DraftTarget, Journal};
pub use facts::{
    FOLLOW_UP_COMMITMENTS, FOLLOW_UP_DEADLINE, FOLLOW_UP_PIC, FollowUpFacts, StrategyFacts,
    VisitFacts,
};
pub use items::{
    Figure, Handover, HandoverKind, Note, Obstacle, ObstacleCategory, Scope, Strategy,
    StrategyStatus,
};
pub use people::{Attendee, Presence, Side};
pub use region::{District, province_name, province_offset, provinces, zone_label};
pub use summary::VisitSummary;
pub use validate::Problem;
pub use visit::{Finalisation, GuideRef, Visit, VisitKind, VisitStatus};

/// A new time-ordered id (UUID v7), used for visits and every repeated item in them.
pub fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}
