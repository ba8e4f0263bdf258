//! What the interview screens ask of a guide and a visit: is a question asked, is it answered,
//! how far is each section, what does the check view list. Nothing here blocks an edit.

use crate::domain::{AnswerValue, District, Visit};
use crate::format;
use crate::i18n::{Lang, t, tf};

use super::{
    Bind, Guide, LocalText, Question, QuestionType, Section, visit_kind_from_name, visit_kind_name,
};

/// How far a section is: required questions answered of those required (the outline's "3/5"),
/// and for list sections whether the list has its minimum entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Required items done (answered questions, or the list's minimum reached, counting as one).
    pub answered: usize,
    /// Required items (relevant required questions, plus one for a list with `min_items`).
    pub required: usize,
    /// Relevant questions answered, required or not.
    pub answered_any: usize,
    /// Relevant questions (entered or computed).
    pub relevant: usize,
}

impl Progress {
    pub fn is_complete(&self) -> bool {
        self.answered >= self.required
    }
}

/// Why an answer does not fit its question. Shown inline; never blocks typing.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerError {
    /// The stored value has another type than the question (e.g. from another guide version).
    WrongType {
        expected: &'static str,
    },
    OutOfRange {
        min: Option<f64>,
        max: Option<f64>,
        unit: BoundUnit,
        /// The guide's own message for this question, when it has one.
        message: Option<LocalText>,
    },
    PercentOutOfRange(f64),
    UnknownOption(String),
    PartExceedsWhole {
        part: i64,
        whole: i64,
    },
    UnknownAttendee,
    BadDistrict(String),
    /// A computed ratio cannot be set; its two numbers are.
    Computed,
    CannotClear,
}

/// How to write the bounds of an [`AnswerError::OutOfRange`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundUnit {
    Plain,
    Money,
    Percent,
}

impl BoundUnit {
    fn fmt(self, lang: Lang, x: f64) -> String {
        match self {
            BoundUnit::Money => format::rupiah(x as i64),
            BoundUnit::Percent => format::percent(lang, x),
            BoundUnit::Plain => {
                if x.fract() == 0.0 && x.abs() < 1e15 {
                    format!("{x:.0}")
                } else {
                    format::percent(lang, x)
                        .trim_end_matches(['%', ' '])
                        .to_string()
                }
            }
        }
    }
}

impl AnswerError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AnswerError::WrongType { expected } => tf(lang, "guide.answer.wrong_type", &[expected]),
            AnswerError::OutOfRange {
                min,
                max,
                unit,
                message,
            } => {
                if let Some(m) = message {
                    return m.get(lang).to_string();
                }
                match (min, max) {
                    (Some(lo), Some(hi)) => tf(
                        lang,
                        "guide.answer.between",
                        &[&unit.fmt(lang, *lo), &unit.fmt(lang, *hi)],
                    ),
                    (Some(lo), None) => tf(lang, "guide.answer.at_least", &[&unit.fmt(lang, *lo)]),
                    (None, Some(hi)) => tf(lang, "guide.answer.at_most", &[&unit.fmt(lang, *hi)]),
                    (None, None) => String::new(),
                }
            }
            AnswerError::PercentOutOfRange(p) => tf(
                lang,
                "guide.answer.percent_range",
                &[&format::percent(lang, *p)],
            ),
            AnswerError::UnknownOption(k) => tf(lang, "guide.answer.unknown_option", &[k]),
            AnswerError::PartExceedsWhole { part, whole } => {
                tf(lang, "guide.answer.part_exceeds_whole", &[part, whole])
            }
            AnswerError::UnknownAttendee => t(lang, "guide.answer.unknown_attendee").to_string(),
            AnswerError::BadDistrict(s) => tf(lang, "guide.answer.bad_district", &[s]),
            AnswerError::Computed => t(lang, "guide.answer.computed").to_string(),
            AnswerError::CannotClear => t(lang, "guide.answer.cannot_clear").to_string(),
        }
    }
}

/// One line of the check view.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckItem {
    pub section: String,
    /// `None` for a problem of the section's list.
    pub question: Option<String>,
    pub problem: CheckProblem,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CheckProblem {
    MissingRequired,
    Invalid(AnswerError),
    TooFewItems { min: usize, have: usize },
}

impl CheckProblem {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            CheckProblem::MissingRequired => t(lang, "guide.check.missing_required").to_string(),
            CheckProblem::Invalid(e) => e.message(lang),
            CheckProblem::TooFewItems { min, have } => {
                tf(lang, "guide.check.too_few_items", &[min, have])
            }
        }
    }
}

impl CheckItem {
    pub fn message(&self, lang: Lang) -> String {
        self.problem.message(lang)
    }
}

fn type_matches(kind: &QuestionType, v: &AnswerValue) -> bool {
    use AnswerValue as V;
    use QuestionType as Q;
    matches!(
        (kind, v),
        (Q::YesPartialNo, V::YesPartialNo(_))
            | (Q::Number, V::Number(_))
            | (Q::Percentage, V::Percentage(_))
            | (Q::Ratio { .. }, V::Ratio { .. })
            | (Q::Money, V::Money(_))
            | (Q::Date, V::Date(_))
            | (Q::DateTime, V::DateTime(_))
            | (Q::Text | Q::LongText, V::Text(_))
            | (Q::Choice(_), V::Choice(_))
            | (Q::Choices(_), V::Choices(_))
            | (Q::Attendee, V::Attendee(_))
    )
}

impl Question {
    fn range_error(&self, x: f64, unit: BoundUnit) -> Result<(), AnswerError> {
        let below = self.min.is_some_and(|lo| x < lo);
        let above = self.max.is_some_and(|hi| x > hi);
        if below || above {
            Err(AnswerError::OutOfRange {
                min: self.min,
                max: self.max,
                unit,
                message: self.message.clone(),
            })
        } else {
            Ok(())
        }
    }

    /// Whether `value` fits the question: its type, `min`/`max`, 0–100 for percentages, known
    /// choice keys, a ratio's part not above its whole.
    pub fn validate_answer(&self, value: &AnswerValue) -> Result<(), AnswerError> {
        if !type_matches(&self.kind, value) {
            return Err(AnswerError::WrongType {
                expected: self.kind.name(),
            });
        }
        match value {
            AnswerValue::Number(n) => self.range_error(*n as f64, BoundUnit::Plain),
            AnswerValue::Money(n) => self.range_error(*n as f64, BoundUnit::Money),
            AnswerValue::Percentage(p) => {
                if !p.is_finite() || !(0.0..=100.0).contains(p) {
                    return Err(AnswerError::PercentOutOfRange(*p));
                }
                self.range_error(*p, BoundUnit::Percent)
            }
            AnswerValue::Ratio { part, whole } => {
                if part > whole {
                    return Err(AnswerError::PartExceedsWhole {
                        part: *part,
                        whole: *whole,
                    });
                }
                match value.percent() {
                    Some(p) => self.range_error(p, BoundUnit::Percent),
                    None => Ok(()),
                }
            }
            AnswerValue::Choice(k) => match self.kind.choice_list() {
                Some(l) if l.option(k).is_none() => Err(AnswerError::UnknownOption(k.clone())),
                _ => Ok(()),
            },
            AnswerValue::Choices(ks) => match self.kind.choice_list() {
                Some(l) => match ks.iter().find(|k| l.option(k).is_none()) {
                    Some(k) => Err(AnswerError::UnknownOption(k.clone())),
                    None => Ok(()),
                },
                None => Ok(()),
            },
            _ => Ok(()),
        }
    }
}

fn non_empty(s: &str) -> Option<AnswerValue> {
    let s = s.trim();
    (!s.is_empty()).then(|| AnswerValue::Text(s.to_string()))
}

fn is_filled(v: &AnswerValue) -> bool {
    match v {
        AnswerValue::Text(s) => !s.trim().is_empty(),
        // An empty selection is an explicit "none" (e.g. no sanctions applied yet).
        _ => true,
    }
}

impl Guide {
    /// Whether the question is asked, given the answers so far. A question whose condition names a
    /// question that is itself not asked is not asked either. Answers of questions not asked are
    /// kept, never deleted.
    pub fn is_relevant(&self, q: &Question, visit: &Visit) -> bool {
        self.relevant_depth(q, visit, 0)
    }

    fn relevant_depth(&self, q: &Question, visit: &Visit, depth: usize) -> bool {
        let Some(c) = &q.when else {
            return true;
        };
        // Validated guides have no cycles; the depth guard keeps a hand-built one from looping.
        if depth > 64 {
            return false;
        }
        if let Some((_, cq)) = self.question(&c.question)
            && !self.relevant_depth(cq, visit, depth + 1)
        {
            return false;
        }
        match visit.answers.get(&c.question).map(|a| &a.value) {
            Some(AnswerValue::YesPartialNo(x)) => c.any_of.contains(x),
            _ => false,
        }
    }

    /// The question's current value: the visit field it is bound to, the computed ratio, or the
    /// stored answer.
    pub fn value(&self, q: &Question, visit: &Visit) -> Option<AnswerValue> {
        if let Some(b) = q.bind {
            return bound_value(b, visit);
        }
        if let QuestionType::Ratio { part, whole } = &q.kind {
            let num = |id: &str| match visit.answers.get(id).map(|a| &a.value) {
                Some(AnswerValue::Number(n) | AnswerValue::Money(n)) => Some(*n),
                _ => None,
            };
            return Some(AnswerValue::Ratio {
                part: num(part)?,
                whole: num(whole)?,
            });
        }
        visit
            .answers
            .get(&q.id)
            .map(|a| a.value.clone())
            .filter(is_filled)
    }

    pub fn is_answered(&self, q: &Question, visit: &Visit) -> bool {
        self.value(q, visit).is_some()
    }

    /// Answered/required counts of one section; only questions asked count.
    pub fn section_progress(&self, section: &Section, visit: &Visit) -> Progress {
        let mut p = Progress::default();
        for q in &section.questions {
            if !self.is_relevant(q, visit) {
                continue;
            }
            p.relevant += 1;
            let answered = self.is_answered(q, visit);
            if answered {
                p.answered_any += 1;
            }
            if q.required {
                p.required += 1;
                if answered {
                    p.answered += 1;
                }
            }
        }
        if section.kind.is_list() && section.min_items > 0 {
            p.required += 1;
            if section.kind.count(visit) >= section.min_items {
                p.answered += 1;
            }
        }
        p
    }

    /// Relevant required questions without an answer, in interview order.
    pub fn missing_required(&self, visit: &Visit) -> Vec<(&Section, &Question)> {
        self.questions()
            .filter(|(_, q)| {
                q.required && self.is_relevant(q, visit) && !self.is_answered(q, visit)
            })
            .collect()
    }

    /// Everything the check view lists, in interview order: missing required answers, answers
    /// that break their question's constraints, lists below their minimum.
    pub fn check(&self, visit: &Visit) -> Vec<CheckItem> {
        let mut out = Vec::new();
        for s in &self.sections {
            if s.kind.is_list() && s.min_items > 0 {
                let have = s.kind.count(visit);
                if have < s.min_items {
                    out.push(CheckItem {
                        section: s.id.clone(),
                        question: None,
                        problem: CheckProblem::TooFewItems {
                            min: s.min_items,
                            have,
                        },
                    });
                }
            }
            for q in &s.questions {
                if !self.is_relevant(q, visit) {
                    continue;
                }
                let item = |problem| CheckItem {
                    section: s.id.clone(),
                    question: Some(q.id.clone()),
                    problem,
                };
                match self.value(q, visit) {
                    None if q.required => out.push(item(CheckProblem::MissingRequired)),
                    None => {}
                    Some(v) => {
                        let r = q.validate_answer(&v).and_then(|()| match v {
                            AnswerValue::Attendee(id) if visit.attendee(id).is_none() => {
                                Err(AnswerError::UnknownAttendee)
                            }
                            _ => Ok(()),
                        });
                        if let Err(e) = r {
                            out.push(item(CheckProblem::Invalid(e)));
                        }
                    }
                }
            }
        }
        out
    }

    /// Ids of stored answers no question of this guide asks (e.g. from another guide version).
    /// They are kept and should be shown, not dropped.
    pub fn orphan_answers<'v>(&self, visit: &'v Visit) -> Vec<&'v str> {
        visit
            .answers
            .keys()
            .filter(|id| self.question(id).is_none())
            .map(String::as_str)
            .collect()
    }

    /// Stores `value` for the question: in the bound visit field, or as an answer (keeping the
    /// answer's note). `None` clears it. Constraints are not enforced here (see
    /// [`Question::validate_answer`]); only values the visit cannot hold are refused.
    pub fn set_value(
        &self,
        q: &Question,
        visit: &mut Visit,
        value: Option<AnswerValue>,
    ) -> Result<(), AnswerError> {
        if let Some(v) = &value
            && !type_matches(&q.kind, v)
        {
            return Err(AnswerError::WrongType {
                expected: q.kind.name(),
            });
        }
        if let Some(b) = q.bind {
            return set_bound(b, visit, value);
        }
        if matches!(q.kind, QuestionType::Ratio { .. }) {
            return Err(AnswerError::Computed);
        }
        match value {
            None => {
                // Keep a note the auditor wrote even when the value is cleared.
                if let Some(a) = visit.answers.get(&q.id)
                    && a.note.is_empty()
                {
                    visit.answers.remove(&q.id);
                } else if let Some(a) = visit.answers.get_mut(&q.id) {
                    a.value = AnswerValue::Text(String::new());
                }
            }
            Some(v) => match visit.answers.get_mut(&q.id) {
                Some(a) => a.value = v,
                None => {
                    visit
                        .answers
                        .insert(q.id.clone(), crate::domain::Answer::new(v));
                }
            },
        }
        Ok(())
    }
}

fn bound_value(b: Bind, v: &Visit) -> Option<AnswerValue> {
    match b {
        Bind::District => {
            let d = &v.district;
            non_empty(&format!("{} {}", d.code.trim(), d.name.trim()))
        }
        Bind::Start => v.start.map(AnswerValue::DateTime),
        Bind::Venue => non_empty(&v.venue),
        Bind::Kind => Some(AnswerValue::Choice(visit_kind_name(v.kind).to_string())),
        Bind::Purpose => non_empty(&v.purpose),
        Bind::Team => non_empty(&v.team.join(", ")),
        Bind::Instruction => non_empty(&v.instruction),
        Bind::Source => non_empty(&v.source),
    }
}

fn text_of(value: Option<AnswerValue>) -> String {
    match value {
        Some(AnswerValue::Text(s)) => s.trim().to_string(),
        _ => String::new(),
    }
}

fn set_bound(b: Bind, v: &mut Visit, value: Option<AnswerValue>) -> Result<(), AnswerError> {
    match b {
        Bind::District => {
            let s = text_of(value);
            if s.is_empty() {
                return Err(AnswerError::CannotClear);
            }
            let (code, name) = s.split_once(char::is_whitespace).unwrap_or((&s, ""));
            if !District::code_is_valid(code) {
                return Err(AnswerError::BadDistrict(code.to_string()));
            }
            v.district = District::new(code, name.trim());
        }
        Bind::Start => {
            v.start = match value {
                Some(AnswerValue::DateTime(dt)) => Some(dt),
                _ => None,
            }
        }
        Bind::Kind => {
            v.kind = match value {
                Some(AnswerValue::Choice(k)) => {
                    visit_kind_from_name(&k).ok_or(AnswerError::UnknownOption(k))?
                }
                _ => Default::default(),
            }
        }
        Bind::Venue => v.venue = text_of(value),
        Bind::Purpose => v.purpose = text_of(value),
        Bind::Instruction => v.instruction = text_of(value),
        Bind::Source => v.source = text_of(value),
        Bind::Team => {
            v.team = text_of(value)
                .split([',', ';', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
        }
    }
    Ok(())
}
