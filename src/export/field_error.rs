//! A bundle whose JSON is well-formed but holds a value of the wrong kind ("venue": 5), told in
//! the user's terms: which visit, which field (its path, `visit.attendees[0].name`), what was
//! expected and what was found — not serde's "invalid type: integer `5`, expected a string".
//!
//! Only the error path pays for this: the value is parsed a second time, with
//! `serde_path_to_error` tracking where the parser was, once the first parse has failed.

use serde::Deserialize;
use serde_json::Value;

use crate::i18n::{Lang, t, tf};

/// A value of the wrong kind (or a missing one) in a bundle.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// The visit it is in; `None` for the bundle's envelope (`exported_at`, …).
    pub visit: Option<VisitRef>,
    /// `visit.venue`, `history[2].at`, `exported_at`.
    pub path: String,
    pub problem: FieldProblem,
    /// Line and column (1-based) in the file, as serde_json counts them. Said only for a
    /// file of several lines (edited by hand, pretty-printed): in the one line the export
    /// writes, the visit and the field say more than "column 393".
    pub line: usize,
    pub column: usize,
}

/// How the visit is named: its id and district as far as they can be read, and always its place
/// in the bundle (1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct VisitRef {
    pub id: Option<String>,
    pub district: Option<String>,
    pub number: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FieldProblem {
    /// A value of another kind than the field holds.
    Kind { expected: Expected, found: Found },
    /// A required field is absent.
    Missing,
    /// A word the field does not know (`"status": "done"`), with the words it knows.
    UnknownWord { word: String, allowed: String },
    /// The value has the right kind but cannot be read (a date "2022-13-45"); serde's words.
    Unreadable { found: Found, detail: String },
}

/// The kinds of value a field can expect.
#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    Text,
    Whole,
    Number,
    Bool,
    List,
    Object,
    DateTime,
    Date,
    Id,
    /// serde's own words, when they are none of the above.
    Other(String),
}

/// What was found instead (text cut to a few words).
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    Number(String),
    Text(String),
    Bool(bool),
    Null,
    List,
    Object,
    Nothing,
}

/// Where and why `json` does not parse as a `T`: `None` when it does, or when the fault is not
/// one of content (syntax, end of input), which the caller reports as before.
pub fn locate<'de, T: Deserialize<'de>>(json: &'de str) -> Option<(String, FieldProblem)> {
    let mut de = serde_json::Deserializer::from_str(json);
    let Err(err) = serde_path_to_error::deserialize::<_, T>(&mut de) else {
        return None;
    };
    let path = err.path().clone();
    let inner = err.into_inner();
    if inner.classify() != serde_json::error::Category::Data {
        return None;
    }
    let detail = super::bundle::strip_position(&inner.to_string());
    let segments: Vec<&serde_path_to_error::Segment> = path.iter().collect();
    let found = || {
        let whole: Value = serde_json::from_str(json).ok()?;
        value_at(&whole, &segments).map(found_in)
    };
    let shown = path.to_string();
    // A missing field's path is its object's; the field's name is in the message.
    if let Some(name) = detail
        .strip_prefix("missing field ")
        .and_then(between_ticks)
    {
        let full = if segments.is_empty() {
            name.to_string()
        } else {
            format!("{shown}.{name}")
        };
        return Some((full, FieldProblem::Missing));
    }
    let problem = if let Some(rest) = detail.strip_prefix("invalid type: ") {
        let expected = rest.split_once(", expected ").map_or("", |(_, e)| e);
        FieldProblem::Kind {
            expected: Expected::from_serde(expected),
            found: found().unwrap_or(Found::Nothing),
        }
    } else if let Some(rest) = detail.strip_prefix("unknown variant ") {
        let word = between_ticks(rest).unwrap_or_default().to_string();
        let allowed = rest
            .split_once("expected ")
            .map_or("", |(_, a)| a)
            .trim_start_matches("one of ")
            .replace('`', "")
            .replace(" or ", ", ");
        FieldProblem::UnknownWord { word, allowed }
    } else {
        FieldProblem::Unreadable {
            found: found().unwrap_or(Found::Nothing),
            detail,
        }
    };
    Some((shown, problem))
}

fn between_ticks(s: &str) -> Option<&str> {
    let start = s.find('`')? + 1;
    let len = s[start..].find('`')?;
    Some(&s[start..start + len])
}

fn value_at<'v>(v: &'v Value, path: &[&serde_path_to_error::Segment]) -> Option<&'v Value> {
    use serde_path_to_error::Segment;
    let mut at = v;
    for seg in path {
        at = match seg {
            Segment::Seq { index } => at.get(*index)?,
            Segment::Map { key } => at.get(key.as_str())?,
            Segment::Enum { .. } | Segment::Unknown => at,
        };
    }
    Some(at)
}

fn found_in(v: &Value) -> Found {
    match v {
        Value::Null => Found::Null,
        Value::Bool(b) => Found::Bool(*b),
        Value::Number(n) => Found::Number(n.to_string()),
        Value::String(s) => Found::Text(cut(s)),
        Value::Array(_) => Found::List,
        Value::Object(_) => Found::Object,
    }
}

/// At most 40 characters of a found text.
fn cut(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

impl Expected {
    /// From serde's "expected …" words (`a string`, `u64`, `struct Trashed`, chrono's and
    /// uuid's own).
    fn from_serde(words: &str) -> Expected {
        let w = words.trim();
        match w {
            "a string" | "a borrowed string" | "a character" => Expected::Text,
            "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64"
            | "i128" | "isize" => Expected::Whole,
            "f32" | "f64" => Expected::Number,
            "a boolean" => Expected::Bool,
            "a sequence" => Expected::List,
            "a map" => Expected::Object,
            _ if w.starts_with("struct ") || w.starts_with("a tuple") => {
                if w.starts_with("struct ") {
                    Expected::Object
                } else {
                    Expected::List
                }
            }
            _ if w.contains("UUID") => Expected::Id,
            _ if w.contains("date and time") || w.contains("datetime") => Expected::DateTime,
            _ if w.contains("date") => Expected::Date,
            _ => Expected::Other(w.to_string()),
        }
    }

    fn words(&self, lang: Lang) -> String {
        let key = match self {
            Expected::Text => "import.field.kind_text",
            Expected::Whole => "import.field.kind_whole",
            Expected::Number => "import.field.kind_number",
            Expected::Bool => "import.field.kind_bool",
            Expected::List => "import.field.kind_list",
            Expected::Object => "import.field.kind_object",
            Expected::DateTime => "import.field.kind_datetime",
            Expected::Date => "import.field.kind_date",
            Expected::Id => "import.field.kind_id",
            Expected::Other(w) => return w.clone(),
        };
        t(lang, key).to_string()
    }
}

impl Found {
    fn words(&self, lang: Lang) -> String {
        match self {
            Found::Number(n) => tf(lang, "import.field.found_number", &[n]),
            Found::Text(s) => tf(lang, "import.field.found_text", &[s]),
            Found::Bool(b) => tf(lang, "import.field.found_bool", &[b]),
            Found::Null => t(lang, "import.field.found_null").to_string(),
            Found::List => t(lang, "import.field.found_list").to_string(),
            Found::Object => t(lang, "import.field.found_object").to_string(),
            Found::Nothing => t(lang, "import.field.found_nothing").to_string(),
        }
    }
}

impl FieldProblem {
    fn words(&self, lang: Lang) -> String {
        match self {
            FieldProblem::Kind { expected, found } => tf(
                lang,
                "import.field.kind",
                &[&expected.words(lang), &found.words(lang)],
            ),
            FieldProblem::Missing => t(lang, "import.field.missing").to_string(),
            FieldProblem::UnknownWord { word, allowed } => {
                tf(lang, "import.field.unknown_word", &[word, allowed])
            }
            FieldProblem::Unreadable { found, detail } => tf(
                lang,
                "import.field.unreadable",
                &[&found.words(lang), detail],
            ),
        }
    }
}

impl FieldError {
    pub fn message(&self, lang: Lang) -> String {
        let mut problem = self.problem.words(lang);
        if self.line > 1 {
            problem.push_str(&tf(lang, "import.field.at", &[&self.line, &self.column]));
        }
        let path = &self.path;
        match &self.visit {
            None => tf(lang, "import.field.in_envelope", &[path, &problem]),
            Some(VisitRef {
                id: Some(id),
                district: Some(d),
                ..
            }) => tf(
                lang,
                "import.field.in_visit_district",
                &[id, d, path, &problem],
            ),
            Some(VisitRef {
                id: Some(id),
                district: None,
                ..
            }) => tf(lang, "import.field.in_visit", &[id, path, &problem]),
            Some(VisitRef {
                id: None, number, ..
            }) => tf(
                lang,
                "import.field.in_visit_number",
                &[number, path, &problem],
            ),
        }
    }
}

impl VisitRef {
    /// The id and district of the visit whose JSON (`{"visit": …, "history": …}`) is `json`,
    /// as far as they are text; `index` is its 0-based place in the bundle.
    pub fn read(json: &str, index: usize) -> VisitRef {
        let v: Option<Value> = serde_json::from_str(json).ok();
        let visit = v.as_ref().and_then(|v| v.get("visit"));
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(cut);
        let id = text(visit.and_then(|v| v.get("id")));
        let district = visit.and_then(|v| v.get("district"));
        let code = text(district.and_then(|d| d.get("code")));
        let name = text(district.and_then(|d| d.get("name")));
        let district = match (code, name) {
            (Some(c), Some(n)) => Some(format!("{c} {n}")),
            (Some(c), None) => Some(c),
            (None, Some(n)) => Some(n),
            (None, None) => None,
        };
        VisitRef {
            id,
            district,
            number: index + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::merge::VisitHistory;

    fn karo() -> Value {
        let v = crate::demo::karo_visit();
        let h = VisitHistory::created(v, uuid::Uuid::nil(), chrono::Utc::now(), "t");
        serde_json::to_value(h).unwrap()
    }

    fn problem(v: &Value) -> (String, FieldProblem) {
        locate::<VisitHistory>(&v.to_string()).expect("a content error")
    }

    #[test]
    fn a_number_for_a_text_names_the_field_and_both_kinds() {
        let mut v = karo();
        v["visit"]["venue"] = 5.into();
        let (path, p) = problem(&v);
        assert_eq!(path, "visit.venue");
        assert_eq!(
            p,
            FieldProblem::Kind {
                expected: Expected::Text,
                found: Found::Number("5".into())
            }
        );
        assert_eq!(p.words(Lang::En), "expected text, found the number 5");
    }

    #[test]
    fn a_missing_field_is_named_with_its_object() {
        let mut v = karo();
        v["visit"].as_object_mut().unwrap().remove("created");
        assert_eq!(problem(&v), ("visit.created".into(), FieldProblem::Missing));
        assert_eq!(
            FieldProblem::Missing.words(Lang::Id),
            "isian wajib ini tidak ada"
        );
    }

    #[test]
    fn well_formed_content_and_bad_syntax_are_not_located() {
        assert_eq!(locate::<VisitHistory>(&karo().to_string()), None);
        assert_eq!(locate::<VisitHistory>("{\"visit\":"), None);
    }
}
