use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Answer, Attendee, Conflict, District, Figure, Handover, Note, Obstacle, Strategy};

/// The instruction audited when none is given.
pub const DEFAULT_INSTRUCTION: &str = "Inpres No. 2/2021";

/// One visit of a monitoring team to a district, as recorded in the meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    pub id: Uuid,
    /// The interview guide (id and version) the visit was started with.
    #[serde(default)]
    pub guide: GuideRef,
    pub district: District,
    /// Start of the meeting, with the UTC offset it was given in (WIB/WITA/WIT).
    #[serde(default)]
    pub start: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub venue: String,
    #[serde(default)]
    pub kind: VisitKind,
    #[serde(default)]
    pub purpose: String,
    #[serde(default = "default_instruction")]
    pub instruction: String,
    /// Organisations (or people) in the visiting team, as written by the auditor.
    #[serde(default)]
    pub team: Vec<String>,
    #[serde(default)]
    pub status: VisitStatus,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// Bumped by the store on every committed change.
    #[serde(default)]
    pub revision: u64,
    #[serde(default)]
    pub attendees: Vec<Attendee>,
    #[serde(default)]
    pub obstacles: Vec<Obstacle>,
    #[serde(default)]
    pub strategies: Vec<Strategy>,
    #[serde(default)]
    pub handovers: Vec<Handover>,
    /// Answers to interview questions, keyed by question id.
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
    /// Meeting notes (minutes), in the order they were taken.
    #[serde(default)]
    pub notes: Vec<Note>,
    /// Figures quoted in the meeting (coverage and the like), each with its scope.
    #[serde(default)]
    pub figures: Vec<Figure>,
    /// Where the record comes from when it was not taken live (e.g. a news report).
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub finalisation: Option<Finalisation>,
    /// How many times a final visit has been amended.
    #[serde(default)]
    pub amendments: u32,
    /// Fields changed independently on two laptops, left by `pantau import` for an auditor to
    /// settle (see [`Conflict`]); empty for a visit that is not in conflict.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<Conflict>,
}

fn default_instruction() -> String {
    DEFAULT_INSTRUCTION.to_string()
}

impl Visit {
    /// An empty draft visit to `district`, created at `now`.
    pub fn new(id: Uuid, district: District, now: DateTime<Utc>) -> Self {
        Visit {
            id,
            guide: GuideRef::default(),
            district,
            start: None,
            venue: String::new(),
            kind: VisitKind::default(),
            purpose: String::new(),
            instruction: default_instruction(),
            team: Vec::new(),
            status: VisitStatus::Draft,
            created: now,
            updated: now,
            revision: 0,
            attendees: Vec::new(),
            obstacles: Vec::new(),
            strategies: Vec::new(),
            handovers: Vec::new(),
            answers: BTreeMap::new(),
            notes: Vec::new(),
            figures: Vec::new(),
            source: String::new(),
            finalisation: None,
            amendments: 0,
            conflicts: Vec::new(),
        }
    }

    pub fn attendee(&self, id: Uuid) -> Option<&Attendee> {
        self.attendees.iter().find(|a| a.id == id)
    }

    /// Whether an import left fields with competing values to settle.
    pub fn in_conflict(&self) -> bool {
        !self.conflicts.is_empty()
    }

    pub fn is_final(&self) -> bool {
        self.status == VisitStatus::Final
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideRef {
    pub id: String,
    pub version: u32,
}

impl Default for GuideRef {
    fn default() -> Self {
        GuideRef {
            id: "inpres-2-2021".into(),
            version: 1,
        }
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[strum(prefix = "kind.", serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    #[default]
    Audiensi,
    Monev,
    KunjunganLapangan,
    Daring,
    Other,
}

impl VisitKind {
    pub const ALL: &[VisitKind] = <VisitKind as strum::VariantArray>::VARIANTS;

    /// Catalogue key of the label.
    pub fn key(self) -> &'static str {
        self.into()
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, strum::IntoStaticStr,
)]
#[strum(prefix = "status.", serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    #[default]
    Draft,
    Final,
}

impl VisitStatus {
    pub fn key(self) -> &'static str {
        self.into()
    }
}

/// Set when a visit is finalised: who, when, and the digest of its canonical content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finalisation {
    pub at: DateTime<Utc>,
    pub by: String,
    /// SHA-256 of the canonical content and of `chain`, lower-case hex.
    pub digest: String,
    /// The hash of the audit log's head when the visit was finalised (see
    /// [`super::chain`]): the digest covers it, so a printed report names the whole history.
    /// Empty for visits finalised before logs were linked.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub chain: String,
    /// Why the visit was finalised with required answers missing, if it was.
    #[serde(default)]
    pub reason: String,
}
