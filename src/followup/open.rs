//! What an earlier visit to a district left open, as the interview shows it beside the
//! strategies of the visit being recorded.

use chrono::{DateTime, NaiveDate, Utc};

use super::FollowUps;
use crate::domain::StrategyStatus;

/// A commitment from an earlier visit that is not done yet.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenItem {
    pub visit_date: Option<NaiveDate>,
    /// "1"–"4" for a standard strategy, empty for the follow-up answers.
    pub strategy: String,
    pub text: String,
    pub status: Option<StrategyStatus>,
    pub person_in_charge: String,
    pub target: Option<NaiveDate>,
}

impl FollowUps {
    /// The items [`FollowUps::open_before`] finds, with what the interview shows of each.
    pub fn open_items(&self, code: &str, before: DateTime<Utc>) -> Vec<OpenItem> {
        self.open_before(code, before)
            .into_iter()
            .map(|i| {
                let item = &self.items[i];
                let f = &self.facts[item.visit];
                OpenItem {
                    visit_date: f.start.map(|s| s.date_naive()),
                    strategy: item
                        .strategy
                        .and_then(|s| f.strategies[s].standard)
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                    text: self.text(item).to_string(),
                    status: item.status,
                    person_in_charge: self.person_in_charge(item).to_string(),
                    target: item.target,
                }
            })
            .collect()
    }
}
