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

fn num(x: f64) -> String {
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

// ---------------------------------------------------------------------------------------------

type Sp<T> = (T, Range<usize>);
type Val<'i> = Spanned<DeValue<'i>>;

struct Cx<'s> {
    src: &'s str,
    /// Where each line starts: positions are looked up, not counted from the top each time
    /// (once per question made `guide check` quadratic).
    line_starts: Vec<usize>,
    errors: Vec<GuideError>,
}

impl<'s> Cx<'s> {
    fn new(src: &'s str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(src.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Cx {
            src,
            line_starts,
            errors: Vec::new(),
        }
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.src.len());
        // Back up to a character boundary so slicing never panics.
        let mut o = offset;
        while o > 0 && !self.src.is_char_boundary(o) {
            o -= 1;
        }
        // The number of lines starting at or before `o`; the first starts at 0.
        let line = self.line_starts.partition_point(|&start| start <= o);
        let line_start = self.line_starts[line - 1];
        let col = self.src[line_start..o].chars().count() + 1;
        (line, col)
    }

    fn line(&self, span: &Range<usize>) -> usize {
        self.line_col(span.start).0
    }

    fn err(&mut self, span: Range<usize>, kind: GuideErrorKind) {
        let (line, col) = self.line_col(span.start);
        self.errors.push(GuideError {
            line,
            col,
            span,
            kind,
        });
    }

    fn finish(mut self) -> Vec<GuideError> {
        self.errors.sort_by_key(|e| (e.span.start, e.span.end));
        self.errors
    }

    /// Reports keys of `table` not in `allowed`.
    fn check_keys(&mut self, table: &DeTable<'_>, allowed: &[&str]) {
        for (k, _) in table.iter() {
            if !allowed.contains(&k.get_ref().as_ref()) {
                self.err(
                    k.span(),
                    GuideErrorKind::UnknownKey(k.get_ref().to_string()),
                );
            }
        }
    }

    fn wrong(&mut self, key: &str, v: &Val<'_>, expected: Expected) {
        self.err(
            v.span(),
            GuideErrorKind::WrongType {
                key: key.into(),
                expected,
            },
        );
    }

    fn missing(&mut self, span: &Range<usize>, key: &str) {
        self.err(span.clone(), GuideErrorKind::MissingKey(key.into()));
    }

    fn str(
        &mut self,
        t: &DeTable<'_>,
        span: &Range<usize>,
        key: &str,
        req: bool,
    ) -> Option<Sp<String>> {
        match t.get(key) {
            None => {
                if req {
                    self.missing(span, key);
                }
                None
            }
            Some(v) => match v.get_ref().as_str() {
                Some(s) => Some((s.to_string(), v.span())),
                None => {
                    self.wrong(key, v, Expected::Text);
                    None
                }
            },
        }
    }

    /// A string that must be a valid id.
    fn ident(&mut self, t: &DeTable<'_>, span: &Range<usize>, key: &str) -> Option<Sp<String>> {
        let (s, sp) = self.str(t, span, key, true)?;
        if !valid_id(&s) {
            self.err(sp.clone(), GuideErrorKind::BadId(s.clone()));
        }
        Some((s, sp))
    }

    fn bool(&mut self, t: &DeTable<'_>, key: &str) -> Option<bool> {
        let v = t.get(key)?;
        match v.get_ref().as_bool() {
            Some(b) => Some(b),
            None => {
                self.wrong(key, v, Expected::Bool);
                None
            }
        }
    }

    fn int(&mut self, t: &DeTable<'_>, key: &str) -> Option<Sp<i64>> {
        let v = t.get(key)?;
        match v
            .get_ref()
            .as_integer()
            .and_then(|i| i64::from_str_radix(i.as_str(), i.radix()).ok())
        {
            Some(n) => Some((n, v.span())),
            None => {
                self.wrong(key, v, Expected::Integer);
                None
            }
        }
    }

    fn number(&mut self, t: &DeTable<'_>, key: &str) -> Option<Sp<f64>> {
        let v = t.get(key)?;
        let x = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(f) => f
                .as_str()
                .replace('_', "")
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite()),
            _ => None,
        };
        match x {
            Some(x) => Some((x, v.span())),
            None => {
                self.wrong(key, v, Expected::Number);
                None
            }
        }
    }

    /// `key = "teks"` or `key = { id = "teks", en = "text" }`.
    fn text(
        &mut self,
        t: &DeTable<'_>,
        span: &Range<usize>,
        key: &str,
        req: bool,
    ) -> Option<LocalText> {
        let Some(v) = t.get(key) else {
            if req {
                self.missing(span, key);
            }
            return None;
        };
        match v.get_ref() {
            DeValue::String(s) => {
                if s.trim().is_empty() {
                    self.err(v.span(), GuideErrorKind::MissingIndonesian(key.into()));
                }
                Some(LocalText::new(s.as_ref()))
            }
            DeValue::Table(tt) => {
                self.check_keys(tt, &["id", "en"]);
                let id = match tt.get("id") {
                    None => {
                        self.err(v.span(), GuideErrorKind::MissingIndonesian(key.into()));
                        String::new()
                    }
                    Some(iv) => match iv.get_ref().as_str() {
                        Some(s) if !s.trim().is_empty() => s.to_string(),
                        Some(_) => {
                            self.err(iv.span(), GuideErrorKind::MissingIndonesian(key.into()));
                            String::new()
                        }
                        None => {
                            self.wrong(&format!("{key}.id"), iv, Expected::Text);
                            String::new()
                        }
                    },
                };
                let en = match tt.get("en") {
                    None => None,
                    Some(ev) => match ev.get_ref().as_str() {
                        Some(s) => Some(s.to_string()).filter(|s| !s.trim().is_empty()),
                        None => {
                            self.wrong(&format!("{key}.en"), ev, Expected::Text);
                            None
                        }
                    },
                };
                Some(LocalText { id, en })
            }
            _ => {
                self.wrong(key, v, Expected::LocalText);
                None
            }
        }
    }

    /// The tables of an array of tables (`[[key]]` or `key = [{…}, …]`).
    fn tables<'a, 'i>(
        &mut self,
        t: &'a DeTable<'i>,
        key: &str,
    ) -> Vec<(&'a DeTable<'i>, Range<usize>)> {
        let Some(v) = t.get(key) else {
            return Vec::new();
        };
        let Some(arr) = v.get_ref().as_array() else {
            self.wrong(key, v, Expected::Array);
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in arr.iter() {
            match item.get_ref().as_table() {
                Some(tt) => out.push((tt, item.span())),
                None => self.wrong(key, item, Expected::Table),
            }
        }
        out
    }
}

/// Ids: lower-case ASCII letters, digits, `_` and `-`, not empty.
fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// A question as written, with the spans needed to locate cross-reference errors.
struct RawQuestion {
    question: Question,
    id_span: Range<usize>,
    /// Whether the type was given and known (cross-checks skip the rest).
    type_ok: bool,
    when_span: Option<Range<usize>>,
    when_question_span: Option<Range<usize>>,
    part: Option<Sp<String>>,
    whole: Option<Sp<String>>,
    bind_span: Option<Range<usize>>,
}

const TOP_KEYS: &[&str] = &[
    "id",
    "version",
    "title",
    "description",
    "choices",
    "sections",
    "strategies",
];
const SECTION_KEYS: &[&str] = &["id", "title", "hint", "kind", "min_items", "questions"];
const QUESTION_KEYS: &[&str] = &[
    "id", "type", "label", "hint", "unit", "required", "when", "min", "max", "message", "choices",
    "part", "whole", "bind", "grouping",
];

fn build(cx: &mut Cx<'_>, doc: &DeTable<'_>, doc_span: Range<usize>) -> Guide {
    // Missing top-level keys are reported at the start of the file.
    let _ = doc_span;
    let top = 0..0;
    cx.check_keys(doc, TOP_KEYS);
    let id = cx.ident(doc, &top, "id").map(|s| s.0).unwrap_or_default();
    let version = match cx.int(doc, "version") {
        Some((v, sp)) => match u32::try_from(v) {
            Ok(v) if v >= 1 => v,
            _ => {
                cx.err(sp, GuideErrorKind::BadVersion);
                0
            }
        },
        None => {
            if doc.get("version").is_none() {
                cx.missing(&top, "version");
            }
            0
        }
    };
    let title = cx.text(doc, &top, "title", true).unwrap_or_default();
    let description = cx.text(doc, &top, "description", false);
    let choices = choice_lists(cx, doc);
    let strategies = strategies(cx, doc);

    let mut raw_sections = Vec::new();
    let section_tables = cx.tables(doc, "sections");
    if section_tables.is_empty()
        && doc.get("sections").map(|v| v.get_ref().is_array()) != Some(false)
    {
        cx.err(top.clone(), GuideErrorKind::NoSections);
    }
    let mut section_ids: HashMap<String, usize> = HashMap::new();
    for (st, span) in section_tables {
        raw_sections.push(section(cx, st, span, &choices, &mut section_ids));
    }

    // Question ids are unique across the guide: answers are keyed by them.
    let mut first: HashMap<String, usize> = HashMap::new();
    for (_, qs) in &raw_sections {
        for rq in qs {
            let line = cx.line(&rq.id_span);
            match first.get(&rq.question.id) {
                Some(&first_line) => cx.err(
                    rq.id_span.clone(),
                    GuideErrorKind::DuplicateQuestion {
                        id: rq.question.id.clone(),
                        first_line,
                    },
                ),
                None => {
                    if !rq.question.id.is_empty() {
                        first.insert(rq.question.id.clone(), line);
                    }
                }
            }
        }
    }
    let all: Vec<&RawQuestion> = raw_sections.iter().flat_map(|(_, qs)| qs.iter()).collect();
    cross_check(cx, &all);

    let sections = raw_sections
        .into_iter()
        .map(|(mut s, qs)| {
            s.questions = qs.into_iter().map(|rq| rq.question).collect();
            s
        })
        .collect();
    Guide {
        id,
        version,
        title,
        description,
        sections,
        choices,
        strategies,
    }
}

fn choice_lists(cx: &mut Cx<'_>, doc: &DeTable<'_>) -> BTreeMap<String, ChoiceList> {
    let mut out = BTreeMap::new();
    let Some(v) = doc.get("choices") else {
        return out;
    };
    let Some(table) = v.get_ref().as_table() else {
        cx.wrong("choices", v, Expected::Table);
        return out;
    };
    for (name, lv) in table.iter() {
        let name_s = name.get_ref().to_string();
        if !valid_id(&name_s) {
            cx.err(name.span(), GuideErrorKind::BadId(name_s.clone()));
        }
        let Some(arr) = lv.get_ref().as_array() else {
            cx.wrong(&name_s, lv, Expected::Array);
            continue;
        };
        if arr.is_empty() {
            cx.err(name.span(), GuideErrorKind::EmptyChoiceList(name_s.clone()));
        }
        let mut keys = HashSet::new();
        let mut options = Vec::new();
        for item in arr.iter() {
            let Some(ot) = item.get_ref().as_table() else {
                cx.wrong(&name_s, item, Expected::Table);
                continue;
            };
            let span = item.span();
            cx.check_keys(ot, &["key", "label"]);
            let key = cx.ident(ot, &span, "key");
            let label = cx.text(ot, &span, "label", true).unwrap_or_default();
            if let Some((key, ksp)) = key {
                if !keys.insert(key.clone()) {
                    cx.err(
                        ksp,
                        GuideErrorKind::DuplicateOption {
                            list: name_s.clone(),
                            key: key.clone(),
                        },
                    );
                }
                options.push(ChoiceOption { key, label });
            }
        }
        out.insert(
            name_s.clone(),
            ChoiceList {
                id: name_s,
                options,
            },
        );
    }
    out
}

fn strategies(cx: &mut Cx<'_>, doc: &DeTable<'_>) -> Vec<StandardStrategy> {
    let mut out: Vec<StandardStrategy> = Vec::new();
    for (st, span) in cx.tables(doc, "strategies") {
        cx.check_keys(st, &["number", "text"]);
        let number = cx.int(st, "number");
        if number.is_none() && st.get("number").is_none() {
            cx.missing(&span, "number");
        }
        let text = cx.text(st, &span, "text", true).unwrap_or_default();
        let Some((n, nsp)) = number else { continue };
        let Ok(n8) = u8::try_from(n)
            .map_err(|_| ())
            .and_then(|n| if n >= 1 { Ok(n) } else { Err(()) })
        else {
            cx.err(nsp, GuideErrorKind::BadStrategyNumber(n));
            continue;
        };
        if out.iter().any(|s| s.number == n8) {
            cx.err(nsp, GuideErrorKind::DuplicateStrategy(n));
            continue;
        }
        out.push(StandardStrategy { number: n8, text });
    }
    out
}

fn section(
    cx: &mut Cx<'_>,
    st: &DeTable<'_>,
    span: Range<usize>,
    choices: &BTreeMap<String, ChoiceList>,
    ids: &mut HashMap<String, usize>,
) -> (Section, Vec<RawQuestion>) {
    cx.check_keys(st, SECTION_KEYS);
    let id = match cx.ident(st, &span, "id") {
        Some((id, sp)) => {
            let line = cx.line(&sp);
            if let Some(&first_line) = ids.get(&id) {
                cx.err(
                    sp,
                    GuideErrorKind::DuplicateSection {
                        id: id.clone(),
                        first_line,
                    },
                );
            } else {
                ids.insert(id.clone(), line);
            }
            id
        }
        None => String::new(),
    };
    let title = cx.text(st, &span, "title", true).unwrap_or_default();
    let hint = cx.text(st, &span, "hint", false);
    let kind = match cx.str(st, &span, "kind", false) {
        None => SectionKind::Questions,
        Some((k, sp)) => SectionKind::from_name(&k).unwrap_or_else(|| {
            cx.err(sp, GuideErrorKind::UnknownSectionKind(k));
            SectionKind::Questions
        }),
    };
    let min_items = match cx.int(st, "min_items") {
        None => 0,
        Some((n, sp)) => {
            if kind == SectionKind::Questions && st.get("kind").is_none() {
                cx.err(sp, GuideErrorKind::MinItemsOnQuestions);
                0
            } else if n < 0 {
                cx.wrong(
                    "min_items",
                    st.get("min_items").expect("present"),
                    Expected::Integer,
                );
                0
            } else {
                usize::try_from(n).unwrap_or(0)
            }
        }
    };
    let questions = cx
        .tables(st, "questions")
        .into_iter()
        .map(|(qt, qspan)| question(cx, qt, qspan, choices))
        .collect();
    (
        Section {
            id,
            title,
            hint,
            kind,
            min_items,
            questions: Vec::new(),
        },
        questions,
    )
}

fn question(
    cx: &mut Cx<'_>,
    qt: &DeTable<'_>,
    span: Range<usize>,
    choices: &BTreeMap<String, ChoiceList>,
) -> RawQuestion {
    cx.check_keys(qt, QUESTION_KEYS);
    let (id, id_span) = cx
        .ident(qt, &span, "id")
        .unwrap_or((String::new(), span.clone()));
    let label = cx.text(qt, &span, "label", true).unwrap_or_default();
    let hint = cx.text(qt, &span, "hint", false);
    let unit = cx.text(qt, &span, "unit", false);
    let message = cx.text(qt, &span, "message", false);
    let required = cx.bool(qt, "required").unwrap_or(false);
    let grouping = cx.bool(qt, "grouping").unwrap_or(true);
    let min = cx.number(qt, "min");
    let max = cx.number(qt, "max");
    let part = cx.str(qt, &span, "part", false);
    let whole = cx.str(qt, &span, "whole", false);
    let choices_key = cx.str(qt, &span, "choices", false);

    let type_name = cx.str(qt, &span, "type", true);
    let type_span = type_name
        .as_ref()
        .map(|t| t.1.clone())
        .unwrap_or(span.clone());
    let mut type_ok = type_name.is_some();
    let kind = match type_name.as_ref().map(|(s, _)| s.as_str()) {
        None => QuestionType::Text,
        Some("yes_partial_no") => QuestionType::YesPartialNo,
        Some("number") => QuestionType::Number,
        Some("percentage") => QuestionType::Percentage,
        Some("money") => QuestionType::Money,
        Some("date") => QuestionType::Date,
        Some("datetime") => QuestionType::DateTime,
        Some("text") => QuestionType::Text,
        Some("long_text") => QuestionType::LongText,
        Some("attendee") => QuestionType::Attendee,
        Some("ratio") => {
            if part.is_none() && qt.get("part").is_none() {
                cx.missing(&span, "part");
            }
            if whole.is_none() && qt.get("whole").is_none() {
                cx.missing(&span, "whole");
            }
            QuestionType::Ratio {
                part: part.as_ref().map(|p| p.0.clone()).unwrap_or_default(),
                whole: whole.as_ref().map(|p| p.0.clone()).unwrap_or_default(),
            }
        }
        Some(ty @ ("choice" | "choices")) => {
            let list = match &choices_key {
                None => {
                    if qt.get("choices").is_none() {
                        cx.missing(&span, "choices");
                    }
                    ChoiceList {
                        id: String::new(),
                        options: Vec::new(),
                    }
                }
                Some((name, sp)) => match choices.get(name) {
                    Some(l) => l.clone(),
                    None => {
                        cx.err(sp.clone(), GuideErrorKind::UnknownChoiceList(name.clone()));
                        ChoiceList {
                            id: name.clone(),
                            options: Vec::new(),
                        }
                    }
                },
            };
            if ty == "choice" {
                QuestionType::Choice(list)
            } else {
                QuestionType::Choices(list)
            }
        }
        Some(other) => {
            cx.err(
                type_span.clone(),
                GuideErrorKind::UnknownType(other.to_string()),
            );
            type_ok = false;
            QuestionType::Text
        }
    };

    // Keys the type does not use: almost always a mistake in the file.
    if type_ok {
        let ty = kind.name().to_string();
        let not_for = |cx: &mut Cx<'_>, key: &str| {
            if let Some((k, _)) = qt.get_key_value(key) {
                cx.err(
                    k.span(),
                    GuideErrorKind::KeyNotForType {
                        key: key.into(),
                        ty: ty.clone(),
                    },
                );
            }
        };
        if kind.choice_list().is_none() {
            not_for(cx, "choices");
        }
        if !matches!(kind, QuestionType::Ratio { .. }) {
            not_for(cx, "part");
            not_for(cx, "whole");
        }
        if !kind.is_numeric() {
            not_for(cx, "min");
            not_for(cx, "max");
        }
    }

    // Constraint sanity.
    if let (Some((lo, _)), Some((hi, hsp))) = (&min, &max)
        && lo > hi
    {
        cx.err(
            hsp.clone(),
            GuideErrorKind::MinGreaterThanMax { min: *lo, max: *hi },
        );
    }
    if matches!(kind, QuestionType::Percentage | QuestionType::Ratio { .. }) {
        for (x, sp) in [&min, &max].into_iter().flatten() {
            if !(0.0..=100.0).contains(x) {
                cx.err(sp.clone(), GuideErrorKind::PercentBounds(*x));
            }
        }
    }

    // Relevance.
    let mut when_span = None;
    let mut when_question_span = None;
    let when = match qt.get("when") {
        None => None,
        Some(wv) => match wv.get_ref().as_table() {
            None => {
                cx.wrong("when", wv, Expected::Table);
                None
            }
            Some(wt) => {
                let wspan = wv.span();
                when_span = Some(wspan.clone());
                cx.check_keys(wt, &["question", "in"]);
                let q = cx.str(wt, &wspan, "question", true);
                when_question_span = q.as_ref().map(|q| q.1.clone());
                let mut any_of = Vec::new();
                match wt.get("in") {
                    None => cx.missing(&wspan, "in"),
                    Some(iv) => match iv.get_ref().as_array() {
                        None => cx.wrong("in", iv, Expected::Array),
                        Some(arr) => {
                            if arr.is_empty() {
                                cx.err(iv.span(), GuideErrorKind::ConditionEmpty);
                            }
                            for item in arr.iter() {
                                match item.get_ref().as_str() {
                                    Some("yes") => any_of.push(YesPartialNo::Yes),
                                    Some("partial") => any_of.push(YesPartialNo::Partial),
                                    Some("no") => any_of.push(YesPartialNo::No),
                                    Some(other) => cx.err(
                                        item.span(),
                                        GuideErrorKind::ConditionBadValue(other.to_string()),
                                    ),
                                    None => cx.wrong("in", item, Expected::Text),
                                }
                            }
                        }
                    },
                }
                q.map(|(question, _)| Condition { question, any_of })
            }
        },
    };

    // Binding to a visit field.
    let mut bind_span = None;
    let bind = match cx.str(qt, &span, "bind", false) {
        None => None,
        Some((b, sp)) => {
            bind_span = Some(sp.clone());
            match Bind::from_name(&b) {
                None => {
                    cx.err(sp, GuideErrorKind::UnknownBind(b));
                    None
                }
                Some(bind) => {
                    if type_ok && !bind.accepts(&kind) {
                        cx.err(
                            type_span.clone(),
                            GuideErrorKind::BindType {
                                bind: b,
                                ty: kind.name().into(),
                                allowed: bind.type_names().into(),
                            },
                        );
                    }
                    if bind == Bind::Kind
                        && let QuestionType::Choice(list) = &kind
                    {
                        for o in &list.options {
                            if visit_kind_from_name(&o.key).is_none() {
                                cx.err(
                                    type_span.clone(),
                                    GuideErrorKind::BindKindOption(o.key.clone()),
                                );
                            }
                        }
                    }
                    Some(bind)
                }
            }
        }
    };

    RawQuestion {
        question: Question {
            id,
            kind,
            label,
            hint,
            unit,
            required,
            when,
            min: min.as_ref().map(|m| m.0),
            max: max.as_ref().map(|m| m.0),
            message,
            bind,
            grouping,
        },
        id_span,
        type_ok,
        when_span,
        when_question_span,
        part,
        whole,
        bind_span,
    }
}

/// Checks that need every question: conditions, ratios, duplicate binds.
fn cross_check(cx: &mut Cx<'_>, all: &[&RawQuestion]) {
    let by_id: HashMap<&str, &RawQuestion> = all
        .iter()
        .filter(|q| !q.question.id.is_empty())
        .map(|q| (q.question.id.as_str(), *q))
        .rev() // the first definition wins, as for duplicate reporting
        .collect();

    let (cyclic, _) = super::cycles::members(by_id.keys().copied(), |id| {
        let target = by_id.get(id)?.question.when.as_ref()?.question.as_str();
        by_id.get_key_value(target).map(|(k, _)| *k)
    });
    let mut binds: HashSet<Bind> = HashSet::new();
    for rq in all {
        let q = &rq.question;
        if let Some(c) = &q.when {
            let sp = rq
                .when_question_span
                .clone()
                .or_else(|| rq.when_span.clone())
                .unwrap_or(rq.id_span.clone());
            match by_id.get(c.question.as_str()) {
                None => cx.err(
                    sp,
                    GuideErrorKind::ConditionUnknownQuestion(c.question.clone()),
                ),
                Some(target) => {
                    if target.type_ok && target.question.kind != QuestionType::YesPartialNo {
                        cx.err(
                            sp,
                            GuideErrorKind::ConditionNotYesNo {
                                question: c.question.clone(),
                                ty: target.question.kind.name().into(),
                            },
                        );
                    } else if cyclic.contains(q.id.as_str()) {
                        cx.err(sp, GuideErrorKind::ConditionCycle(c.question.clone()));
                    }
                }
            }
        }
        if matches!(q.kind, QuestionType::Ratio { .. }) {
            for (name, sp) in [&rq.part, &rq.whole].into_iter().flatten() {
                match by_id.get(name.as_str()) {
                    None => cx.err(
                        sp.clone(),
                        GuideErrorKind::RatioUnknownQuestion(name.clone()),
                    ),
                    Some(target) => {
                        if target.type_ok
                            && !matches!(
                                target.question.kind,
                                QuestionType::Number | QuestionType::Money
                            )
                        {
                            cx.err(
                                sp.clone(),
                                GuideErrorKind::RatioNotNumeric {
                                    question: name.clone(),
                                    ty: target.question.kind.name().into(),
                                },
                            );
                        }
                    }
                }
            }
            if let (Some((p, _)), Some((w, wsp))) = (&rq.part, &rq.whole)
                && p == w
            {
                cx.err(wsp.clone(), GuideErrorKind::RatioSameQuestion);
            }
        }
        if let (Some(b), Some(sp)) = (q.bind, &rq.bind_span)
            && !binds.insert(b)
        {
            cx.err(sp.clone(), GuideErrorKind::DuplicateBind(b.name().into()));
        }
    }
}
