//! Consistency checks of a visit. They report; they never block an edit.

use std::collections::HashSet;

use uuid::Uuid;

use super::{AnswerValue, District, Visit};

/// One thing wrong with a visit. `key()` names the catalogue message.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    BadDistrictCode(String),
    DuplicateId(Uuid),
    SeverityOutOfRange { obstacle: Uuid, severity: u8 },
    UnknownAttendee { item: Uuid, attendee: Uuid },
    UnknownStrategy { obstacle: Uuid, strategy: Uuid },
    PercentageOutOfRange { question: String },
    NegativeAmount { item: Uuid },
    EmptyName { attendee: Uuid },
}

impl Problem {
    pub fn key(&self) -> &'static str {
        match self {
            Problem::BadDistrictCode(_) => "problem.bad_district_code",
            Problem::DuplicateId(_) => "problem.duplicate_id",
            Problem::SeverityOutOfRange { .. } => "problem.severity",
            Problem::UnknownAttendee { .. } => "problem.unknown_attendee",
            Problem::UnknownStrategy { .. } => "problem.unknown_strategy",
            Problem::PercentageOutOfRange { .. } => "problem.percentage",
            Problem::NegativeAmount { .. } => "problem.negative_amount",
            Problem::EmptyName { .. } => "problem.empty_name",
        }
    }

    /// The value the message is about, for `{0}` in the catalogue text.
    pub fn subject(&self) -> String {
        match self {
            Problem::BadDistrictCode(c) => c.clone(),
            Problem::DuplicateId(id) => id.to_string(),
            Problem::SeverityOutOfRange { severity, .. } => severity.to_string(),
            Problem::UnknownAttendee { attendee, .. } => attendee.to_string(),
            Problem::UnknownStrategy { strategy, .. } => strategy.to_string(),
            Problem::PercentageOutOfRange { question } => question.clone(),
            Problem::NegativeAmount { item } => item.to_string(),
            Problem::EmptyName { attendee } => attendee.to_string(),
        }
    }
}

impl Visit {
    /// Everything inconsistent in the visit; empty when it is sound.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if !District::code_is_valid(&self.district.code) {
            out.push(Problem::BadDistrictCode(self.district.code.clone()));
        }
        let mut seen = HashSet::new();
        let ids = self
            .attendees
            .iter()
            .map(|a| a.id)
            .chain(self.obstacles.iter().map(|o| o.id))
            .chain(self.strategies.iter().map(|s| s.id))
            .chain(self.handovers.iter().map(|h| h.id))
            .chain(self.notes.iter().map(|n| n.id))
            .chain(self.figures.iter().map(|f| f.id));
        for id in ids {
            if !seen.insert(id) {
                out.push(Problem::DuplicateId(id));
            }
        }
        let attendee_known = |id: Uuid| self.attendees.iter().any(|a| a.id == id);
        for a in &self.attendees {
            if a.name.trim().is_empty() {
                out.push(Problem::EmptyName { attendee: a.id });
            }
        }
        for o in &self.obstacles {
            if !(1..=3).contains(&o.severity) {
                out.push(Problem::SeverityOutOfRange {
                    obstacle: o.id,
                    severity: o.severity,
                });
            }
            if let Some(r) = o.raised_by.filter(|r| !attendee_known(*r)) {
                out.push(Problem::UnknownAttendee {
                    item: o.id,
                    attendee: r,
                });
            }
            if let Some(s) = o
                .strategy
                .filter(|s| !self.strategies.iter().any(|x| x.id == *s))
            {
                out.push(Problem::UnknownStrategy {
                    obstacle: o.id,
                    strategy: s,
                });
            }
        }
        for h in &self.handovers {
            for by in h.handed_by.iter().filter(|b| !attendee_known(**b)) {
                out.push(Problem::UnknownAttendee {
                    item: h.id,
                    attendee: *by,
                });
            }
            if h.amount.is_some_and(|a| a < 0) {
                out.push(Problem::NegativeAmount { item: h.id });
            }
        }
        for (q, a) in &self.answers {
            if let AnswerValue::Percentage(p) = a.value
                && !(0.0..=100.0).contains(&p)
            {
                out.push(Problem::PercentageOutOfRange {
                    question: q.clone(),
                });
            }
        }
        out
    }
}
