use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The answer to one interview question, with the auditor's optional note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub value: AnswerValue,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Answer {
    pub fn new(value: AnswerValue) -> Self {
        Answer {
            value,
            note: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum AnswerValue {
    YesPartialNo(YesPartialNo),
    Number(i64),
    /// A percentage as entered (0–100).
    Percentage(f64),
    /// A percentage computed from two numbers, e.g. registered non-ASN of all non-ASN.
    Ratio {
        part: i64,
        whole: i64,
    },
    /// Whole rupiah.
    Money(i64),
    Date(NaiveDate),
    DateTime(DateTime<FixedOffset>),
    Text(String),
    Choice(String),
    Choices(Vec<String>),
    Attendee(Uuid),
}

impl AnswerValue {
    /// The percentage this answer stands for, if it is one.
    pub fn percent(&self) -> Option<f64> {
        match *self {
            AnswerValue::Percentage(p) => Some(p),
            AnswerValue::Ratio { part, whole } if whole != 0 => {
                Some(part as f64 * 100.0 / whole as f64)
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YesPartialNo {
    Yes,
    Partial,
    No,
}

impl YesPartialNo {
    pub fn key(self) -> &'static str {
        match self {
            YesPartialNo::Yes => "ynp.yes",
            YesPartialNo::Partial => "ynp.partial",
            YesPartialNo::No => "ynp.no",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_computes_percentage_and_guards_zero() {
        assert_eq!(
            AnswerValue::Ratio { part: 1, whole: 4 }.percent(),
            Some(25.0)
        );
        assert_eq!(AnswerValue::Ratio { part: 1, whole: 0 }.percent(), None);
        assert_eq!(AnswerValue::Number(5).percent(), None);
    }

    #[test]
    fn answers_serialise_with_a_type_tag() {
        let a = Answer::new(AnswerValue::YesPartialNo(YesPartialNo::Partial));
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(
            json,
            r#"{"value":{"type":"yes_partial_no","value":"partial"}}"#
        );
        let back: Answer = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
    }
}
