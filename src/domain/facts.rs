//! The compact record of a visit that the follow-up board and the overview need: its identity,
//! status, obstacle categories, strategies (without evidence and notes), the follow-up answers
//! and the numeric answers. Derived from the visit like [`super::VisitSummary`], and small enough
//! to load 10,000 of them in a few milliseconds, where decoding the full visits takes far longer.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{AnswerValue, District, ObstacleCategory, StrategyStatus, Visit, VisitStatus};

/// Question ids of the guide's follow-up section (`tindak_lanjut`) that make a follow-up item.
pub const FOLLOW_UP_COMMITMENTS: &str = "commitments";
pub const FOLLOW_UP_PIC: &str = "follow_up_pic";
pub const FOLLOW_UP_DEADLINE: &str = "follow_up_deadline";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitFacts {
    pub id: Uuid,
    pub revision: u64,
    pub start: Option<DateTime<FixedOffset>>,
    pub created: DateTime<Utc>,
    pub district: District,
    pub status: VisitStatus,
    /// One entry per obstacle reported (a category may repeat).
    #[serde(default)]
    pub obstacles: Vec<ObstacleCategory>,
    #[serde(default)]
    pub strategies: Vec<StrategyFacts>,
    /// The commitments recorded in the follow-up section, when answered.
    #[serde(default)]
    pub follow_up: Option<FollowUpFacts>,
    /// Numeric answers (numbers, money, percentages) by question id, for coverage indicators.
    #[serde(default)]
    pub numbers: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrategyFacts {
    pub id: Uuid,
    pub standard: Option<u8>,
    pub text: String,
    pub status: StrategyStatus,
    pub commitment: String,
    pub person_in_charge: String,
    pub target_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpFacts {
    pub commitments: String,
    pub person_in_charge: String,
    pub deadline: Option<NaiveDate>,
}

impl From<&Visit> for VisitFacts {
    fn from(v: &Visit) -> Self {
        let text = |id: &str| match v.answers.get(id).map(|a| &a.value) {
            Some(AnswerValue::Text(s)) => s.trim().to_string(),
            _ => String::new(),
        };
        let commitments = text(FOLLOW_UP_COMMITMENTS);
        let follow_up = (!commitments.is_empty()).then(|| FollowUpFacts {
            commitments,
            person_in_charge: text(FOLLOW_UP_PIC),
            deadline: match v.answers.get(FOLLOW_UP_DEADLINE).map(|a| &a.value) {
                Some(AnswerValue::Date(d)) => Some(*d),
                _ => None,
            },
        });
        let numbers = v
            .answers
            .iter()
            .filter_map(|(k, a)| {
                let n = match a.value {
                    AnswerValue::Number(n) | AnswerValue::Money(n) => n as f64,
                    AnswerValue::Percentage(p) => p,
                    AnswerValue::Ratio { .. } => a.value.percent()?,
                    _ => return None,
                };
                Some((k.clone(), n))
            })
            .collect();
        VisitFacts {
            id: v.id,
            revision: v.revision,
            start: v.start,
            created: v.created,
            district: v.district.clone(),
            status: v.status,
            obstacles: v.obstacles.iter().map(|o| o.category).collect(),
            strategies: v
                .strategies
                .iter()
                .map(|s| StrategyFacts {
                    id: s.id,
                    standard: s.standard,
                    text: s.text.clone(),
                    status: s.status,
                    commitment: s.commitment.clone(),
                    person_in_charge: s.person_in_charge.clone(),
                    target_date: s.target_date,
                })
                .collect(),
            follow_up,
            numbers,
        }
    }
}

impl VisitFacts {
    /// Order of visits in time: meeting start, else creation.
    pub fn when(&self) -> DateTime<Utc> {
        self.start.map(|s| s.to_utc()).unwrap_or(self.created)
    }

    /// The day the visit took place (in its own zone), else the day it was created.
    pub fn day(&self) -> NaiveDate {
        self.start
            .map(|s| s.date_naive())
            .unwrap_or_else(|| self.created.date_naive())
    }
}
