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
pub mod erase;
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
pub use audit::{AuditAction, AuditEvent, Redacted, Redaction, Settlement, Stamp};
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

#[cfg(test)]
mod key_tests {
    use super::*;

    /// The catalogue keys come from strum's derive; assets/i18n.toml holds them as they were
    /// written by hand before, so a renamed variant must not change its key silently.
    #[test]
    fn catalogue_keys_are_the_ones_the_catalogue_holds() {
        let keys = |k: Vec<&'static str>| k.join(" ");
        assert_eq!(
            keys(ObstacleCategory::ALL.iter().map(|c| c.key()).collect()),
            "obstacle.regulation obstacle.budget obstacle.village_officials_funding \
             obstacle.non_asn_data obstacle.non_asn_status_change obstacle.informal_awareness \
             obstacle.irregular_income obstacle.employer_arrears obstacle.ptsp_not_integrated \
             obstacle.geography_digital_literacy obstacle.opd_coordination obstacle.other"
        );
        assert_eq!(
            keys(StrategyStatus::ALL.iter().map(|c| c.key()).collect()),
            "strategy.not_started strategy.in_progress strategy.done strategy.not_applicable"
        );
        assert_eq!(
            keys(HandoverKind::ALL.iter().map(|c| c.key()).collect()),
            "handover.death_benefit_claim handover.membership_certificate handover.card \
             handover.scholarship handover.other"
        );
        assert_eq!(
            keys(Side::ALL.iter().map(|c| c.key()).collect()),
            "side.regional_government side.visiting_team side.bpjamsostek side.forkopimda \
             side.member_or_heir side.other"
        );
        assert_eq!(
            keys(VisitKind::ALL.iter().map(|c| c.key()).collect()),
            "kind.audiensi kind.monev kind.kunjungan_lapangan kind.daring kind.other"
        );
        assert_eq!(
            keys(vec![
                Scope::National.key(),
                Scope::Provincial.key(),
                Scope::District.key()
            ]),
            "scope.national scope.provincial scope.district"
        );
        assert_eq!(
            keys(vec![VisitStatus::Draft.key(), VisitStatus::Final.key()]),
            "status.draft status.final"
        );
        // The catalogue scan (tests/integration/i18n.rs) cannot see derived keys: check here.
        let derived = ObstacleCategory::ALL
            .iter()
            .map(|c| c.key())
            .chain(StrategyStatus::ALL.iter().map(|c| c.key()))
            .chain(HandoverKind::ALL.iter().map(|c| c.key()))
            .chain(Side::ALL.iter().map(|c| c.key()))
            .chain(VisitKind::ALL.iter().map(|c| c.key()))
            .chain([Scope::National, Scope::Provincial, Scope::District].map(Scope::key))
            .chain([VisitStatus::Draft, VisitStatus::Final].map(VisitStatus::key));
        for k in derived {
            for lang in [crate::i18n::Lang::Id, crate::i18n::Lang::En] {
                assert_ne!(crate::i18n::t(lang, k), k, "{k} is not in the catalogue");
            }
        }
    }
}
