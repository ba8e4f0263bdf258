//! Text the auditor typed that is not (yet) a value of the visit: unsaved drafts of fields
//! whose text did not parse, and the journal of the editor being typed in (recovered after a
//! crash). Both are kept beside the visit, never inside it: they are not part of its content,
//! its digest or its audit log.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a piece of typed text belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DraftTarget {
    /// A guide question, by id.
    Question(String),
    /// A field (serde key) of a list item (attendee, obstacle, …), by the item's id.
    Field { item: Uuid, key: String },
    /// A meeting note: a new one (`None`) or an existing one being corrected.
    Note(Option<Uuid>),
}

/// Typed text kept for a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub target: DraftTarget,
    pub text: String,
}

/// The editor as last journaled: which visit, where the auditor was, and the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    pub visit: Uuid,
    pub section: usize,
    pub row: usize,
    /// The item whose form was open, and the field in it.
    #[serde(default)]
    pub item: Option<Uuid>,
    #[serde(default)]
    pub field: usize,
    pub draft: Draft,
}
