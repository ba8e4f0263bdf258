//! Interview guides: versioned data (TOML in `assets/guides/`) that drive the interview screens.
//!
//! Pure: no storage, no terminal. [`parse`] loads and validates a guide, reporting every error with
//! its line and column; [`load_default`] gives the embedded Inpres 2/2021 guide. The helpers in
//! `progress` ([`Guide::is_relevant`], [`Guide::section_progress`], [`Guide::check`]…) answer what
//! the screens need from a guide and a [`Visit`]; [`input`] turns what the auditor types into
//! [`AnswerValue`]s.

mod cycles;
pub mod input;
mod load;
mod progress;

use std::collections::BTreeMap;
use std::path::Path;

use uuid::Uuid;

use crate::domain::{GuideRef, Strategy, StrategyStatus, Visit, VisitKind, YesPartialNo};
use crate::i18n::Lang;

pub use input::{InputContext, InputError};
pub use load::{GuideError, GuideErrorKind, LoadError, parse};
pub use progress::{AnswerError, CheckItem, CheckProblem, Progress};

/// The guide shipped with Pantau.
pub const DEFAULT_SOURCE: &str = include_str!("../../assets/guides/inpres-2-2021.toml");

/// The embedded default guide (Inpres 2/2021).
///
/// A test proves the shipped file parses cleanly; should it ever fail, the errors are returned, not
/// panicked on.
pub fn load_default() -> Result<Guide, Vec<GuideError>> {
    parse(DEFAULT_SOURCE)
}

/// The built-in guide, parsed once. Should the shipped file ever fail to parse (a test proves it
/// does not), an empty guide stands in so that reports still list what they can.
pub fn builtin() -> &'static Guide {
    static GUIDE: std::sync::OnceLock<Guide> = std::sync::OnceLock::new();
    GUIDE.get_or_init(|| {
        load_default().unwrap_or_else(|_| Guide {
            id: String::new(),
            version: 0,
            title: LocalText::default(),
            description: None,
            sections: Vec::new(),
            choices: BTreeMap::new(),
            strategies: Vec::new(),
        })
    })
}

/// The guide in `path`, or the default guide when `path` is `None`.
pub fn load(path: Option<&Path>) -> Result<Guide, LoadError> {
    match path {
        None => load_default().map_err(|errors| LoadError::Invalid {
            path: "<default>".into(),
            errors,
        }),
        Some(p) => {
            let src = std::fs::read_to_string(p).map_err(|e| LoadError::Io {
                path: p.to_path_buf(),
                message: e.to_string(),
            })?;
            parse(&src).map_err(|errors| LoadError::Invalid {
                path: p.to_path_buf(),
                errors,
            })
        }
    }
}

/// Text in Bahasa Indonesia with an optional English version.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocalText {
    pub id: String,
    pub en: Option<String>,
}

impl LocalText {
    pub fn new(id: impl Into<String>) -> Self {
        LocalText {
            id: id.into(),
            en: None,
        }
    }

    /// The text in `lang`; English falls back to Indonesian.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Id => &self.id,
            Lang::En => self
                .en
                .as_deref()
                .filter(|s| !s.is_empty())
                .unwrap_or(&self.id),
        }
    }
}

/// A validated interview guide.
#[derive(Debug, Clone, PartialEq)]
pub struct Guide {
    pub id: String,
    pub version: u32,
    pub title: LocalText,
    pub description: Option<LocalText>,
    /// Sections in interview order.
    pub sections: Vec<Section>,
    /// Choice lists by name; questions also carry a copy of theirs in [`QuestionType`].
    pub choices: BTreeMap<String, ChoiceList>,
    /// The standard strategies a new visit is pre-filled with, by number.
    pub strategies: Vec<StandardStrategy>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub id: String,
    pub title: LocalText,
    pub hint: Option<LocalText>,
    pub kind: SectionKind,
    /// For list sections: how many entries the check view asks for (0 = none required).
    pub min_items: usize,
    /// Questions in order (list sections normally have none).
    pub questions: Vec<Question>,
}

/// What a section edits: answers to questions, or one of the lists kept on the visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectionKind {
    Questions,
    Attendees,
    Obstacles,
    Strategies,
    Handovers,
    Figures,
}

impl SectionKind {
    pub const ALL: [SectionKind; 6] = [
        SectionKind::Questions,
        SectionKind::Attendees,
        SectionKind::Obstacles,
        SectionKind::Strategies,
        SectionKind::Handovers,
        SectionKind::Figures,
    ];

    /// The name used in guide files.
    pub fn name(self) -> &'static str {
        match self {
            SectionKind::Questions => "questions",
            SectionKind::Attendees => "attendees",
            SectionKind::Obstacles => "obstacles",
            SectionKind::Strategies => "strategies",
            SectionKind::Handovers => "handovers",
            SectionKind::Figures => "figures",
        }
    }

    pub fn from_name(s: &str) -> Option<SectionKind> {
        SectionKind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// Whether the section edits a list on the visit rather than answers.
    pub fn is_list(self) -> bool {
        self != SectionKind::Questions
    }

    /// Entries in the visit's list for this section (0 for a question section).
    pub fn count(self, visit: &Visit) -> usize {
        match self {
            SectionKind::Questions => 0,
            SectionKind::Attendees => visit.attendees.len(),
            SectionKind::Obstacles => visit.obstacles.len(),
            SectionKind::Strategies => visit.strategies.len(),
            SectionKind::Handovers => visit.handovers.len(),
            SectionKind::Figures => visit.figures.len(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: String,
    pub kind: QuestionType,
    pub label: LocalText,
    pub hint: Option<LocalText>,
    /// Unit shown after a number ("orang", "OPD").
    pub unit: Option<LocalText>,
    /// Required when relevant.
    pub required: bool,
    /// Asked only when this holds.
    pub when: Option<Condition>,
    /// Lower bound (number, money, percentage; for a ratio: of the computed percentage).
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Shown when `min`/`max` is not met, instead of the generic message.
    pub message: Option<LocalText>,
    /// Set when the question edits a field of the visit itself rather than an answer.
    pub bind: Option<Bind>,
    /// Whether a number is shown with thousands marks; `grouping = false` for a year or a
    /// regulation number ("2023", not "2.023").
    pub grouping: bool,
}

/// The kind of answer a question takes.
#[derive(Debug, Clone, PartialEq)]
pub enum QuestionType {
    YesPartialNo,
    /// A whole number.
    Number,
    /// A percentage entered directly (0–100).
    Percentage,
    /// A percentage computed from two number questions (`part` of `whole`); not typed in.
    Ratio {
        part: String,
        whole: String,
    },
    /// Whole rupiah.
    Money,
    Date,
    /// Date and time with its UTC offset.
    DateTime,
    Text,
    LongText,
    Choice(ChoiceList),
    Choices(ChoiceList),
    /// One of the visit's attendees.
    Attendee,
}

impl QuestionType {
    /// All type names used in guide files.
    pub const NAMES: [&'static str; 12] = [
        "yes_partial_no",
        "number",
        "percentage",
        "ratio",
        "money",
        "date",
        "datetime",
        "text",
        "long_text",
        "choice",
        "choices",
        "attendee",
    ];

    /// The name used in guide files.
    pub fn name(&self) -> &'static str {
        match self {
            QuestionType::YesPartialNo => "yes_partial_no",
            QuestionType::Number => "number",
            QuestionType::Percentage => "percentage",
            QuestionType::Ratio { .. } => "ratio",
            QuestionType::Money => "money",
            QuestionType::Date => "date",
            QuestionType::DateTime => "datetime",
            QuestionType::Text => "text",
            QuestionType::LongText => "long_text",
            QuestionType::Choice(_) => "choice",
            QuestionType::Choices(_) => "choices",
            QuestionType::Attendee => "attendee",
        }
    }

    /// Whether min/max apply.
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            QuestionType::Number
                | QuestionType::Percentage
                | QuestionType::Ratio { .. }
                | QuestionType::Money
        )
    }

    /// Whether the answer is typed (false for computed ratios).
    pub fn is_entered(&self) -> bool {
        !matches!(self, QuestionType::Ratio { .. })
    }

    /// The choice list of a choice/choices question.
    pub fn choice_list(&self) -> Option<&ChoiceList> {
        match self {
            QuestionType::Choice(l) | QuestionType::Choices(l) => Some(l),
            _ => None,
        }
    }
}

/// "Ask only when question X is one of these answers."
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub question: String,
    pub any_of: Vec<YesPartialNo>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceList {
    pub id: String,
    pub options: Vec<ChoiceOption>,
}

impl ChoiceList {
    pub fn option(&self, key: &str) -> Option<&ChoiceOption> {
        self.options.iter().find(|o| o.key == key)
    }

    /// The label of `key` in `lang`, or the key itself when the list does not have it (an answer
    /// from another guide version).
    pub fn label<'a>(&'a self, key: &'a str, lang: Lang) -> &'a str {
        self.option(key).map(|o| o.label.get(lang)).unwrap_or(key)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceOption {
    /// Stored in answers; stable across guide versions.
    pub key: String,
    pub label: LocalText,
}

/// A field of [`Visit`] a question edits directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bind {
    District,
    Start,
    Venue,
    Kind,
    Purpose,
    Team,
    Instruction,
    Source,
}

impl Bind {
    pub const ALL: [Bind; 8] = [
        Bind::District,
        Bind::Start,
        Bind::Venue,
        Bind::Kind,
        Bind::Purpose,
        Bind::Team,
        Bind::Instruction,
        Bind::Source,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Bind::District => "district",
            Bind::Start => "start",
            Bind::Venue => "venue",
            Bind::Kind => "kind",
            Bind::Purpose => "purpose",
            Bind::Team => "team",
            Bind::Instruction => "instruction",
            Bind::Source => "source",
        }
    }

    pub fn from_name(s: &str) -> Option<Bind> {
        Bind::ALL.into_iter().find(|b| b.name() == s)
    }

    /// Question types that can edit this field.
    pub fn accepts(self, ty: &QuestionType) -> bool {
        match self {
            Bind::Start => matches!(ty, QuestionType::DateTime),
            Bind::Kind => matches!(ty, QuestionType::Choice(_)),
            Bind::District
            | Bind::Venue
            | Bind::Purpose
            | Bind::Team
            | Bind::Instruction
            | Bind::Source => matches!(ty, QuestionType::Text | QuestionType::LongText),
        }
    }

    /// The type names `accepts` allows, for messages.
    pub fn type_names(self) -> &'static str {
        match self {
            Bind::Start => "datetime",
            Bind::Kind => "choice",
            _ => "text, long_text",
        }
    }
}

/// The Indonesian name used for a visit kind in guide files (the serde name of [`VisitKind`]).
pub fn visit_kind_name(kind: VisitKind) -> &'static str {
    match kind {
        VisitKind::Audiensi => "audiensi",
        VisitKind::Monev => "monev",
        VisitKind::KunjunganLapangan => "kunjungan_lapangan",
        VisitKind::Daring => "daring",
        VisitKind::Other => "other",
    }
}

pub fn visit_kind_from_name(key: &str) -> Option<VisitKind> {
    VisitKind::ALL
        .iter()
        .copied()
        .find(|k| visit_kind_name(*k) == key)
}

/// A strategy every visit following this guide starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardStrategy {
    pub number: u8,
    pub text: LocalText,
}

impl Guide {
    /// The reference a visit records when it is started with this guide.
    pub fn guide_ref(&self) -> GuideRef {
        GuideRef {
            id: self.id.clone(),
            version: self.version,
        }
    }

    /// Whether `r` names this guide and version (a visit started with another version keeps its
    /// answers; the screens should say which version it was taken with).
    pub fn is_for(&self, r: &GuideRef) -> bool {
        r.id == self.id && r.version == self.version
    }

    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// A question and the section holding it.
    pub fn question(&self, id: &str) -> Option<(&Section, &Question)> {
        self.sections
            .iter()
            .flat_map(|s| s.questions.iter().map(move |q| (s, q)))
            .find(|(_, q)| q.id == id)
    }

    /// Every question, in interview order, with its section.
    pub fn questions(&self) -> impl Iterator<Item = (&Section, &Question)> {
        self.sections
            .iter()
            .flat_map(|s| s.questions.iter().map(move |q| (s, q)))
    }

    /// The standard strategies as new, not-started entries (text in Indonesian, as said in the
    /// meeting); `new_id` gives each its id (normally [`crate::domain::new_id`]).
    pub fn strategies_for_new_visit(&self, mut new_id: impl FnMut() -> Uuid) -> Vec<Strategy> {
        self.strategies
            .iter()
            .map(|s| Strategy {
                id: new_id(),
                standard: Some(s.number),
                text: s.text.id.clone(),
                status: StrategyStatus::NotStarted,
                commitment: String::new(),
                person_in_charge: String::new(),
                target_date: None,
                evidence: String::new(),
                notes: String::new(),
            })
            .collect()
    }

    /// Prepares a new visit for this guide: records the guide reference and, when the visit has no
    /// strategies yet, adds the standard ones.
    pub fn start_visit(&self, visit: &mut Visit, new_id: impl FnMut() -> Uuid) {
        visit.guide = self.guide_ref();
        if visit.strategies.is_empty() {
            visit.strategies = self.strategies_for_new_visit(new_id);
        }
    }
}

#[cfg(test)]
mod tests;
