//! What can be wrong with a guide, and how each problem is said in both languages.

use super::*;

/// One problem in a guide file, located by line and column (both from 1; columns count
/// characters).
#[derive(Debug, Clone, PartialEq)]
pub struct GuideError {
    pub line: usize,
    pub col: usize,
    /// Byte range in the source.
    pub span: Range<usize>,
    pub kind: GuideErrorKind,
}

/// What is wrong. Names in the variants are as written in the file.
#[derive(Debug, Clone, PartialEq)]
pub enum GuideErrorKind {
    /// The file is not valid TOML (the parser's own message, in English).
    Syntax(String),
    MissingKey(String),
    UnknownKey(String),
    WrongType {
        key: String,
        expected: Expected,
    },
    BadId(String),
    BadVersion,
    MissingIndonesian(String),
    NoSections,
    UnknownType(String),
    UnknownSectionKind(String),
    MinItemsOnQuestions,
    DuplicateSection {
        id: String,
        first_line: usize,
    },
    DuplicateQuestion {
        id: String,
        first_line: usize,
    },
    EmptyChoiceList(String),
    DuplicateOption {
        list: String,
        key: String,
    },
    UnknownChoiceList(String),
    /// A key that the question's type does not use (`choices` on a number…).
    KeyNotForType {
        key: String,
        ty: String,
    },
    ConditionUnknownQuestion(String),
    ConditionNotYesNo {
        question: String,
        ty: String,
    },
    ConditionBadValue(String),
    ConditionEmpty,
    ConditionCycle(String),
    RatioUnknownQuestion(String),
    RatioNotNumeric {
        question: String,
        ty: String,
    },
    RatioSameQuestion,
    MinGreaterThanMax {
        min: f64,
        max: f64,
    },
    PercentBounds(f64),
    UnknownBind(String),
    BindType {
        bind: String,
        ty: String,
        allowed: String,
    },
    DuplicateBind(String),
    BindKindOption(String),
    DuplicateStrategy(i64),
    BadStrategyNumber(i64),
}

/// The TOML type a key should have had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Text,
    Integer,
    Number,
    Bool,
    Table,
    Array,
    LocalText,
}

impl Expected {
    fn key(self) -> &'static str {
        match self {
            Expected::Text => "guide.load.expect_text",
            Expected::Integer => "guide.load.expect_integer",
            Expected::Number => "guide.load.expect_number",
            Expected::Bool => "guide.load.expect_bool",
            Expected::Table => "guide.load.expect_table",
            Expected::Array => "guide.load.expect_array",
            Expected::LocalText => "guide.load.expect_local_text",
        }
    }
}

pub(super) fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        x.to_string()
    }
}

impl GuideErrorKind {
    pub fn message(&self, lang: Lang) -> String {
        use GuideErrorKind as K;
        match self {
            K::Syntax(m) => tf(lang, "guide.load.syntax", &[m]),
            K::MissingKey(k) => tf(lang, "guide.load.missing_key", &[k]),
            K::UnknownKey(k) => tf(lang, "guide.load.unknown_key", &[k]),
            K::WrongType { key, expected } => tf(
                lang,
                "guide.load.wrong_type",
                &[key, &t(lang, expected.key())],
            ),
            K::BadId(id) => tf(lang, "guide.load.bad_id", &[id]),
            K::BadVersion => t(lang, "guide.load.bad_version").to_string(),
            K::MissingIndonesian(k) => tf(lang, "guide.load.missing_indonesian", &[k]),
            K::NoSections => t(lang, "guide.load.no_sections").to_string(),
            K::UnknownType(ty) => tf(
                lang,
                "guide.load.unknown_type",
                &[ty, &QuestionType::NAMES.join(", ")],
            ),
            K::UnknownSectionKind(k) => {
                let names: Vec<_> = SectionKind::ALL.iter().map(|k| k.name()).collect();
                tf(
                    lang,
                    "guide.load.unknown_section_kind",
                    &[k, &names.join(", ")],
                )
            }
            K::MinItemsOnQuestions => t(lang, "guide.load.min_items_on_questions").to_string(),
            K::DuplicateSection { id, first_line } => {
                tf(lang, "guide.load.duplicate_section", &[id, first_line])
            }
            K::DuplicateQuestion { id, first_line } => {
                tf(lang, "guide.load.duplicate_question", &[id, first_line])
            }
            K::EmptyChoiceList(l) => tf(lang, "guide.load.empty_choice_list", &[l]),
            K::DuplicateOption { list, key } => {
                tf(lang, "guide.load.duplicate_option", &[key, list])
            }
            K::UnknownChoiceList(l) => tf(lang, "guide.load.unknown_choice_list", &[l]),
            K::KeyNotForType { key, ty } => tf(lang, "guide.load.key_not_for_type", &[key, ty]),
            K::ConditionUnknownQuestion(q) => {
                tf(lang, "guide.load.condition_unknown_question", &[q])
            }
            K::ConditionNotYesNo { question, ty } => {
                tf(lang, "guide.load.condition_not_ynp", &[question, ty])
            }
            K::ConditionBadValue(v) => tf(lang, "guide.load.condition_bad_value", &[v]),
            K::ConditionEmpty => t(lang, "guide.load.condition_empty").to_string(),
            K::ConditionCycle(q) => tf(lang, "guide.load.condition_cycle", &[q]),
            K::RatioUnknownQuestion(q) => tf(lang, "guide.load.ratio_unknown_question", &[q]),
            K::RatioNotNumeric { question, ty } => {
                tf(lang, "guide.load.ratio_not_numeric", &[question, ty])
            }
            K::RatioSameQuestion => t(lang, "guide.load.ratio_same_question").to_string(),
            K::MinGreaterThanMax { min, max } => tf(
                lang,
                "guide.load.min_greater_than_max",
                &[&num(*min), &num(*max)],
            ),
            K::PercentBounds(x) => tf(lang, "guide.load.percent_bounds", &[&num(*x)]),
            K::UnknownBind(b) => {
                let names: Vec<_> = Bind::ALL.iter().map(|b| b.name()).collect();
                tf(lang, "guide.load.unknown_bind", &[b, &names.join(", ")])
            }
            K::BindType { bind, ty, allowed } => {
                tf(lang, "guide.load.bind_type", &[bind, ty, allowed])
            }
            K::DuplicateBind(b) => tf(lang, "guide.load.duplicate_bind", &[b]),
            K::BindKindOption(k) => tf(lang, "guide.load.bind_kind_option", &[k]),
            K::DuplicateStrategy(n) => tf(lang, "guide.load.duplicate_strategy", &[n]),
            K::BadStrategyNumber(n) => tf(lang, "guide.load.bad_strategy_number", &[n]),
        }
    }
}

impl GuideError {
    pub fn message(&self, lang: Lang) -> String {
        self.kind.message(lang)
    }

    /// `PATH:LINE:COL: message`, the form editors and terminals link to.
    pub fn display(&self, path: &str, lang: Lang) -> String {
        format!("{path}:{}:{}: {}", self.line, self.col, self.message(lang))
    }
}

/// A guide that could not be used: unreadable, or invalid.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    Io {
        path: PathBuf,
        message: String,
    },
    Invalid {
        path: PathBuf,
        errors: Vec<GuideError>,
    },
}

impl LoadError {
    /// One line per problem, ready for the terminal.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            LoadError::Io { path, message } => {
                tf(lang, "guide.load.io", &[&path.display(), message])
            }
            LoadError::Invalid { path, errors } => {
                let p = path.display().to_string();
                let mut out = tf(lang, "guide.load.invalid", &[&p, &errors.len()]);
                for e in errors {
                    out.push('\n');
                    out.push_str(&e.display(&p, lang));
                }
                out
            }
        }
    }
}
