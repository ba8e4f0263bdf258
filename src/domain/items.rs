use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An obstacle the district reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Obstacle {
    pub id: Uuid,
    pub description: String,
    #[serde(default)]
    pub category: ObstacleCategory,
    /// 1 (minor) to 3 (blocking).
    #[serde(default = "default_severity")]
    pub severity: u8,
    /// The attendee who raised it.
    #[serde(default)]
    pub raised_by: Option<Uuid>,
    /// The strategy it bears on.
    #[serde(default)]
    pub strategy: Option<Uuid>,
    #[serde(default)]
    pub notes: String,
}

fn default_severity() -> u8 {
    2
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[strum(prefix = "obstacle.", serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ObstacleCategory {
    Regulation,
    Budget,
    VillageOfficialsFunding,
    NonAsnData,
    NonAsnStatusChange,
    InformalAwareness,
    IrregularIncome,
    EmployerArrears,
    PtspNotIntegrated,
    GeographyDigitalLiteracy,
    OpdCoordination,
    #[default]
    Other,
}

impl ObstacleCategory {
    pub const ALL: &[ObstacleCategory] = <ObstacleCategory as strum::VariantArray>::VARIANTS;

    pub fn key(self) -> &'static str {
        self.into()
    }
}

/// A recommended strategy, followed up as a commitment of the district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Strategy {
    pub id: Uuid,
    /// 1–4 for the four standard strategies of the guide; `None` for a custom one.
    #[serde(default)]
    pub standard: Option<u8>,
    pub text: String,
    #[serde(default)]
    pub status: StrategyStatus,
    /// What the district commits to.
    #[serde(default)]
    pub commitment: String,
    #[serde(default)]
    pub person_in_charge: String,
    #[serde(default)]
    pub target_date: Option<NaiveDate>,
    #[serde(default)]
    pub evidence: String,
    #[serde(default)]
    pub notes: String,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[strum(prefix = "strategy.", serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum StrategyStatus {
    #[default]
    NotStarted,
    InProgress,
    Done,
    NotApplicable,
}

impl StrategyStatus {
    pub const ALL: &[StrategyStatus] = <StrategyStatus as strum::VariantArray>::VARIANTS;

    pub fn key(self) -> &'static str {
        self.into()
    }
}

/// Something handed over in the meeting (a benefit claim, a certificate…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    pub id: Uuid,
    #[serde(default)]
    pub kind: HandoverKind,
    /// Who received it (for a death benefit: the heirs).
    #[serde(default)]
    pub recipient: String,
    /// The deceased (death benefit) or the member it concerns.
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub employer: String,
    /// Amount in whole rupiah, when known.
    #[serde(default)]
    pub amount: Option<i64>,
    /// Attendees who handed it over.
    #[serde(default)]
    pub handed_by: Vec<Uuid>,
    #[serde(default)]
    pub notes: String,
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
#[strum(prefix = "handover.", serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum HandoverKind {
    DeathBenefitClaim,
    MembershipCertificate,
    Card,
    Scholarship,
    #[default]
    Other,
}

impl HandoverKind {
    pub const ALL: &[HandoverKind] = <HandoverKind as strum::VariantArray>::VARIANTS;

    pub fn key(self) -> &'static str {
        self.into()
    }
}

/// A timestamped meeting note; together they form the minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: Uuid,
    pub at: DateTime<FixedOffset>,
    /// The guide section the auditor was in when taking the note.
    #[serde(default)]
    pub section: Option<String>,
    pub text: String,
}

/// A figure quoted in the meeting, e.g. national coverage of 86 %.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub id: Uuid,
    pub label: String,
    pub value: f64,
    /// Unit as spoken: "%", "orang", "Rp"…
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub scope: Scope,
    #[serde(default)]
    pub notes: String,
}

/// Whose figure it is: a national number quoted in a district meeting is not the district's.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, strum::IntoStaticStr,
)]
#[strum(prefix = "scope.", serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    National,
    Provincial,
    #[default]
    District,
}

impl Scope {
    pub fn key(self) -> &'static str {
        self.into()
    }
}
