//! Loading a guide: TOML → [`Guide`], with every problem reported at once, each with its line and
//! column.
//!
//! The document is walked as a spanned TOML tree (`toml::de::DeTable`) rather than deserialised
//! with serde, so that an unknown key, a wrong type and a dangling reference are all reported in one
//! pass instead of stopping at the first.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::PathBuf;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{
    Bind, ChoiceList, ChoiceOption, Condition, Guide, LocalText, Question, QuestionType, Section,
    SectionKind, StandardStrategy, visit_kind_from_name,
};
use crate::domain::YesPartialNo;
use crate::i18n::{Lang, t, tf};

mod build;
mod check;
mod error;
mod reader;

use build::*;
use check::*;
pub use error::*;
use reader::*;

/// Parses and validates a guide. Every problem found is returned, sorted by position.
pub fn parse(src: &str) -> Result<Guide, Vec<GuideError>> {
    let mut cx = Cx::new(src);
    let (doc, syntax) = DeTable::parse_recoverable(src);
    if !syntax.is_empty() {
        for e in syntax {
            let span = e.span().unwrap_or(0..0);
            cx.err(span, GuideErrorKind::Syntax(e.message().trim().to_string()));
        }
        return Err(cx.finish());
    }
    let guide = build(&mut cx, doc.get_ref(), doc.span());
    if cx.errors.is_empty() {
        Ok(guide)
    } else {
        Err(cx.finish())
    }
}
