//! What the auditor types → [`AnswerValue`], and back.
//!
//! Indonesian conventions first: `.` groups thousands and `,` is the decimal mark ("1.250.000",
//! "12,5"); English forms are accepted where they cannot be misread ("12.5%", "1,250,000").
//! Where a form is ambiguous for a whole number ("1,250") the parser refuses and says why rather
//! than guess. Dates are day-month-year unless they start with a four-digit year. No input panics.

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike,
};

use crate::domain::{AnswerValue, Visit, YesPartialNo, province_offset, zone_label};
use crate::format;
use crate::i18n::{Lang, t, tf};

use super::{Bind, ChoiceList, Question, QuestionType};

mod choice;
mod date;
mod display;
mod number;
#[cfg(test)]
mod tests;

pub use choice::*;
pub use date::*;
pub use display::*;
pub use number::*;

/// Western Indonesia Time, the default zone.
pub fn wib() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap_or(FixedOffset::east_opt(0).expect("zero offset"))
}

/// What parsing needs besides the text: the zone for times typed without one, today's date for
/// "hari ini", and the visit for picking attendees by name.
#[derive(Debug, Clone, Copy)]
pub struct InputContext<'a> {
    pub zone: FixedOffset,
    pub today: Option<NaiveDate>,
    pub visit: Option<&'a Visit>,
}

impl Default for InputContext<'_> {
    fn default() -> Self {
        InputContext {
            zone: wib(),
            today: None,
            visit: None,
        }
    }
}

impl<'a> InputContext<'a> {
    /// The zone of the visit's province (WIB when unknown), with the visit for attendee names.
    pub fn for_visit(visit: &'a Visit) -> Self {
        InputContext {
            zone: province_offset(&visit.district.code).unwrap_or_else(wib),
            today: None,
            visit: Some(visit),
        }
    }

    pub fn with_today(mut self, today: NaiveDate) -> Self {
        self.today = Some(today);
        self
    }
}

/// Why typed text is not a valid answer. `message(lang)` explains it with an example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    NotANumber(String),
    /// A whole number was expected ("1,250": a decimal comma in Indonesian).
    NotWhole(String),
    BadGrouping(String),
    TooLarge,
    FractionOfRupiah,
    PercentOutOfRange(String),
    BadDate(String),
    NoSuchDay {
        day: u32,
        month: u32,
        year: i32,
    },
    NoSuchMonth(u32),
    BadYear(i64),
    BadTime(String),
    MissingTime,
    UnknownZone(String),
    NoToday,
    NotYesNo(String),
    UnknownOption(String),
    AmbiguousOption(String),
    NoSuchAttendee(String),
    AmbiguousAttendee(String),
    Computed,
    BadDistrict(String),
    /// A well-formed code that is not in the official list, with the nearest districts.
    UnknownDistrict {
        code: String,
        nearest: String,
    },
}

impl InputError {
    pub fn message(&self, lang: Lang) -> String {
        use InputError as E;
        match self {
            E::NotANumber(s) => tf(lang, "guide.input.not_a_number", &[s]),
            E::NotWhole(s) => tf(lang, "guide.input.not_whole", &[s]),
            E::BadGrouping(s) => tf(lang, "guide.input.bad_grouping", &[s]),
            E::TooLarge => t(lang, "guide.input.too_large").to_string(),
            E::FractionOfRupiah => t(lang, "guide.input.fraction_of_rupiah").to_string(),
            E::PercentOutOfRange(s) => tf(lang, "guide.input.percent_range", &[s]),
            E::BadDate(s) => tf(lang, "guide.input.bad_date", &[s]),
            E::NoSuchDay { day, month, year } => tf(
                lang,
                "guide.input.no_such_day",
                &[day, &month_name(lang, *month), year],
            ),
            E::NoSuchMonth(m) => tf(lang, "guide.input.no_such_month", &[m]),
            E::BadYear(y) => tf(lang, "guide.input.bad_year", &[y]),
            E::BadTime(s) => tf(lang, "guide.input.bad_time", &[s]),
            E::MissingTime => t(lang, "guide.input.missing_time").to_string(),
            E::UnknownZone(s) => tf(lang, "guide.input.unknown_zone", &[s]),
            E::NoToday => t(lang, "guide.input.no_today").to_string(),
            E::NotYesNo(s) => tf(lang, "guide.input.not_yes_no", &[s]),
            E::UnknownOption(s) => tf(lang, "guide.input.unknown_option", &[s]),
            E::AmbiguousOption(s) => tf(lang, "guide.input.ambiguous_option", &[s]),
            E::NoSuchAttendee(s) => tf(lang, "guide.input.no_such_attendee", &[s]),
            E::AmbiguousAttendee(s) => tf(lang, "guide.input.ambiguous_attendee", &[s]),
            E::Computed => t(lang, "guide.answer.computed").to_string(),
            E::BadDistrict(s) => tf(lang, "guide.answer.bad_district", &[s]),
            E::UnknownDistrict { code, nearest } => {
                tf(lang, "meeting.unknown_district", &[code, nearest])
            }
        }
    }
}

fn month_name(lang: Lang, m: u32) -> String {
    format::month_name(lang, m)
}

type Result<T> = std::result::Result<T, InputError>;

/// Parses typed text for `q`. Empty (or blank) input is `Ok(None)`: the answer is cleared.
pub fn parse_answer(
    q: &Question,
    input: &str,
    cx: &InputContext<'_>,
) -> Result<Option<AnswerValue>> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let v = match &q.kind {
        QuestionType::YesPartialNo => AnswerValue::YesPartialNo(parse_yes_partial_no(s)?),
        QuestionType::Number => AnswerValue::Number(parse_number(s)?),
        QuestionType::Percentage => AnswerValue::Percentage(parse_percentage(s)?),
        QuestionType::Ratio { .. } => return Err(InputError::Computed),
        QuestionType::Money => AnswerValue::Money(parse_money(s)?),
        QuestionType::Date => AnswerValue::Date(parse_date(s, cx)?),
        QuestionType::DateTime => AnswerValue::DateTime(parse_datetime(s, cx)?),
        QuestionType::Text | QuestionType::LongText => {
            if q.bind == Some(Bind::District) {
                return Ok(Some(AnswerValue::Text(parse_district(s)?)));
            }
            // Long text keeps its line breaks; only the ends are trimmed.
            AnswerValue::Text(s.to_string())
        }
        QuestionType::Choice(list) => AnswerValue::Choice(parse_choice(list, s)?),
        QuestionType::Choices(list) => AnswerValue::Choices(parse_choices(list, s)?),
        QuestionType::Attendee => {
            let visit = cx
                .visit
                .ok_or_else(|| InputError::NoSuchAttendee(s.to_string()))?;
            AnswerValue::Attendee(parse_attendee(visit, s)?)
        }
    };
    Ok(Some(v))
}

/// A district typed as its Kemendagri code (with or without the name): the code must be in
/// the official list, and the name stored is the official one ("12.08" → "12.08 Kabupaten
/// Simalungun"). An unknown code is refused with the nearest districts of its province.
pub fn parse_district(s: &str) -> Result<String> {
    use crate::domain::wilayah;
    let (code, rest) = s.split_once(char::is_whitespace).unwrap_or((s, ""));
    if !crate::domain::District::code_is_valid(code) {
        return Err(InputError::BadDistrict(code.to_string()));
    }
    if let Some(r) = wilayah::regency(code) {
        return Ok(r.label());
    }
    let province = code.split('.').next().unwrap_or("");
    let by_name = wilayah::find(rest, 3);
    let nearest: Vec<String> = if by_name.is_empty() {
        wilayah::regencies()
            .iter()
            .filter(|r| r.code.starts_with(&format!("{province}.")))
            .take(3)
            .map(|r| r.label())
            .collect()
    } else {
        by_name.into_iter().map(|r| r.label()).collect()
    };
    Err(InputError::UnknownDistrict {
        code: code.to_string(),
        nearest: nearest.join(", "),
    })
}
