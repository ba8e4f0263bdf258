//! Why a bundle was refused ([`BundleError`]), with its message in the user's language.

use uuid::Uuid;

use super::bundle::{FORMAT, MAX_TEXT, VERSION};
use crate::i18n::{Lang, tf};

/// Why a bundle was refused. Line and column are 1-based.
#[derive(Debug, Clone, PartialEq)]
pub enum BundleError {
    TooLarge {
        bytes: u64,
    },
    NotUtf8 {
        line: usize,
        column: usize,
    },
    Truncated {
        line: usize,
        column: usize,
    },
    Syntax {
        line: usize,
        column: usize,
        detail: String,
    },
    NotABundle,
    WrongVersion {
        found: String,
    },
    Invalid {
        line: usize,
        column: usize,
        detail: String,
    },
    DuplicateVisit(Uuid),
    DuplicateEvent {
        visit: Uuid,
        event: Uuid,
    },
    DuplicateItem {
        visit: Uuid,
        item: Uuid,
    },
    NoCreation(Uuid),
    ForeignEvent {
        visit: Uuid,
        event: Uuid,
    },
    BadHistory {
        visit: Uuid,
        detail: String,
    },
    TextTooLong {
        visit: Uuid,
        path: String,
        bytes: usize,
    },
    BadContent {
        visit: Uuid,
        detail: String,
    },
    /// The log replays to another revision or content than the visit's.
    HistoryNotVisit {
        visit: Uuid,
        replayed: u64,
        revision: u64,
    },
    /// An event of the log does not match its hash or its link (an altered past).
    BrokenChain {
        visit: Uuid,
        event: Uuid,
        altered: bool,
    },
    /// `version` written as text (`"1"`) rather than a number.
    VersionNotNumber {
        found: String,
    },
    /// The file holds nothing (or only white space).
    Empty,
    /// A value of the wrong kind, or a missing one, named by visit and field.
    Field(Box<super::field_error::FieldError>),
}

impl BundleError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            BundleError::TooLarge { bytes } => tf(lang, "import.too_large", &[bytes]),
            BundleError::NotUtf8 { line, column } => tf(lang, "import.not_utf8", &[line, column]),
            BundleError::Truncated { line, column } => {
                tf(lang, "import.truncated", &[line, column])
            }
            BundleError::Syntax {
                line,
                column,
                detail,
            } => tf(lang, "import.syntax", &[line, column, detail]),
            BundleError::NotABundle => tf(lang, "import.not_a_bundle", &[&FORMAT]),
            BundleError::WrongVersion { found } => {
                tf(lang, "import.wrong_version", &[found, &VERSION])
            }
            BundleError::Invalid {
                line,
                column,
                detail,
            } => tf(lang, "import.invalid", &[line, column, detail]),
            BundleError::DuplicateVisit(id) => tf(lang, "import.duplicate_visit", &[id]),
            BundleError::DuplicateEvent { visit, event } => {
                tf(lang, "import.duplicate_event", &[event, visit])
            }
            BundleError::DuplicateItem { visit, item } => {
                tf(lang, "import.duplicate_item", &[item, visit])
            }
            BundleError::NoCreation(id) => tf(lang, "import.no_creation", &[id]),
            BundleError::ForeignEvent { visit, event } => {
                tf(lang, "import.foreign_event", &[event, visit])
            }
            BundleError::BadHistory { visit, detail } => {
                tf(lang, "import.bad_history", &[visit, detail])
            }
            BundleError::TextTooLong { visit, path, bytes } => tf(
                lang,
                "import.text_too_long",
                &[visit, path, bytes, &MAX_TEXT],
            ),
            BundleError::BadContent { visit, detail } => {
                tf(lang, "import.bad_content", &[visit, detail])
            }
            BundleError::HistoryNotVisit {
                visit,
                replayed,
                revision,
            } => tf(
                lang,
                "chain.history_not_visit",
                &[visit, replayed, revision],
            ),
            BundleError::BrokenChain {
                visit,
                event,
                altered,
            } => {
                let key = if *altered {
                    "chain.bundle_altered"
                } else {
                    "chain.bundle_link"
                };
                tf(lang, key, &[visit, event])
            }
            BundleError::VersionNotNumber { found } => {
                tf(lang, "chain.version_text", &[found, &VERSION])
            }
            BundleError::Empty => tf(lang, "chain.empty_file", &[]),
            BundleError::Field(f) => f.message(lang),
        }
    }
}
