//! The visits as flat tables — visits, attendees, obstacles, strategies, handovers, answers,
//! notes, figures — each row keyed by visit id (and item id). CSV and XLSX are written from
//! these. Column names and coded values (side, status…) are the stable names of the JSON
//! bundle, in both languages, so that analyses keep working whoever exported the file; the
//! answers also carry the guide's section and question labels and the value as the report
//! writes it, in the export's language.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

use crate::domain::{AnswerValue, Visit, zone_label};
use crate::i18n::Lang;

/// One typed cell; CSV writes it as text, XLSX keeps its type.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
    /// Whole rupiah.
    Money(i64),
    /// 0–100.
    Percent(f64),
    Date(NaiveDate),
    /// Local time of the meeting (the zone is in its own column).
    DateTime(DateTime<FixedOffset>),
    Utc(DateTime<Utc>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub name: &'static str,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

fn text(s: impl Into<String>) -> Cell {
    let s = s.into();
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s)
    }
}

/// The serde name of an enum value ("regional_government").
fn code<T: serde::Serialize>(v: &T) -> Cell {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => Cell::Text(s),
        _ => Cell::Empty,
    }
}

fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> Cell) -> Cell {
    v.map_or(Cell::Empty, f)
}

pub fn build(visits: &[Visit], lang: Lang) -> Vec<Table> {
    let guide = crate::guide::builtin();
    let mut visits_t = Table {
        name: "visits",
        columns: vec![
            "visit_id",
            "district_code",
            "district_name",
            "province",
            "start",
            "zone",
            "venue",
            "kind",
            "purpose",
            "instruction",
            "team",
            "status",
            "revision",
            "created_utc",
            "updated_utc",
            "attendees",
            "obstacles",
            "strategies",
            "handovers",
            "notes",
            "conflicts",
            "digest",
            "source",
        ],
        rows: Vec::new(),
    };
    let mut attendees = Table {
        name: "attendees",
        columns: vec![
            "visit_id",
            "attendee_id",
            "no",
            "prefix_titles",
            "name",
            "suffix_titles",
            "side",
            "post",
            "organisation",
            "presence",
            "represented_by",
            "notes",
        ],
        rows: Vec::new(),
    };
    let mut obstacles = Table {
        name: "obstacles",
        columns: vec![
            "visit_id",
            "obstacle_id",
            "no",
            "description",
            "category",
            "severity",
            "raised_by_id",
            "raised_by",
            "strategy_id",
            "notes",
        ],
        rows: Vec::new(),
    };
    let mut strategies = Table {
        name: "strategies",
        columns: vec![
            "visit_id",
            "strategy_id",
            "standard",
            "text",
            "status",
            "commitment",
            "person_in_charge",
            "target_date",
            "evidence",
            "notes",
        ],
        rows: Vec::new(),
    };
    let mut handovers = Table {
        name: "handovers",
        columns: vec![
            "visit_id",
            "handover_id",
            "kind",
            "recipient",
            "subject",
            "employer",
            "amount_rp",
            "handed_by",
            "notes",
        ],
        rows: Vec::new(),
    };
    let mut answers = Table {
        name: "answers",
        columns: vec![
            "visit_id",
            "question_id",
            "type",
            "value",
            "number",
            "percent",
            "date",
            "note",
            "section",
            "question",
        ],
        rows: Vec::new(),
    };
    let mut notes = Table {
        name: "notes",
        columns: vec!["visit_id", "note_id", "at", "section", "text"],
        rows: Vec::new(),
    };
    let mut figures = Table {
        name: "figures",
        columns: vec![
            "visit_id",
            "figure_id",
            "label",
            "value",
            "unit",
            "scope",
            "notes",
        ],
        rows: Vec::new(),
    };
    for v in visits {
        let vid = || Cell::Text(v.id.to_string());
        let count = |n: usize| Cell::Int(i64::try_from(n).unwrap_or(i64::MAX));
        visits_t.rows.push(vec![
            vid(),
            text(&v.district.code),
            text(&v.district.name),
            text(&v.district.province),
            opt(v.start, Cell::DateTime),
            opt(v.start, |s| Cell::Text(zone_label(s.offset()))),
            text(&v.venue),
            code(&v.kind),
            text(&v.purpose),
            text(&v.instruction),
            text(v.team.join("; ")),
            code(&v.status),
            Cell::Int(i64::try_from(v.revision).unwrap_or(i64::MAX)),
            Cell::Utc(v.created),
            Cell::Utc(v.updated),
            count(v.attendees.len()),
            count(v.obstacles.len()),
            count(v.strategies.len()),
            count(v.handovers.len()),
            count(v.notes.len()),
            count(v.conflicts.len()),
            opt(v.finalisation.as_ref(), |f| text(&f.digest)),
            text(&v.source),
        ]);
        let name_of = |id| v.attendee(id).map(|a| a.full_name()).unwrap_or_default();
        for (i, a) in v.attendees.iter().enumerate() {
            attendees.rows.push(vec![
                vid(),
                Cell::Text(a.id.to_string()),
                count(i + 1),
                text(&a.prefix_titles),
                text(&a.name),
                text(&a.suffix_titles),
                code(&a.side),
                text(&a.post),
                text(&a.organisation),
                code(&a.presence),
                text(&a.represented_by),
                text(&a.notes),
            ]);
        }
        for (i, o) in v.obstacles.iter().enumerate() {
            obstacles.rows.push(vec![
                vid(),
                Cell::Text(o.id.to_string()),
                count(i + 1),
                text(&o.description),
                code(&o.category),
                Cell::Int(i64::from(o.severity)),
                opt(o.raised_by, |r| Cell::Text(r.to_string())),
                opt(o.raised_by, |r| text(name_of(r))),
                opt(o.strategy, |s| Cell::Text(s.to_string())),
                text(&o.notes),
            ]);
        }
        for s in &v.strategies {
            strategies.rows.push(vec![
                vid(),
                Cell::Text(s.id.to_string()),
                opt(s.standard, |n| Cell::Int(i64::from(n))),
                text(&s.text),
                code(&s.status),
                text(&s.commitment),
                text(&s.person_in_charge),
                opt(s.target_date, Cell::Date),
                text(&s.evidence),
                text(&s.notes),
            ]);
        }
        for h in &v.handovers {
            let by: Vec<String> = h.handed_by.iter().map(|id| name_of(*id)).collect();
            handovers.rows.push(vec![
                vid(),
                Cell::Text(h.id.to_string()),
                code(&h.kind),
                text(&h.recipient),
                text(&h.subject),
                text(&h.employer),
                opt(h.amount, Cell::Money),
                text(by.join("; ")),
                text(&h.notes),
            ]);
        }
        for (q, a) in &v.answers {
            let (kind, number, date) = match &a.value {
                AnswerValue::YesPartialNo(_) => ("yes_partial_no", Cell::Empty, Cell::Empty),
                AnswerValue::Number(n) => ("number", Cell::Int(*n), Cell::Empty),
                AnswerValue::Percentage(p) => ("percentage", Cell::Float(*p), Cell::Empty),
                AnswerValue::Ratio { part, .. } => ("ratio", Cell::Int(*part), Cell::Empty),
                AnswerValue::Money(m) => ("money", Cell::Money(*m), Cell::Empty),
                AnswerValue::Date(d) => ("date", Cell::Empty, Cell::Date(*d)),
                AnswerValue::DateTime(d) => ("date_time", Cell::Empty, Cell::DateTime(*d)),
                AnswerValue::Text(_) => ("text", Cell::Empty, Cell::Empty),
                AnswerValue::Choice(_) => ("choice", Cell::Empty, Cell::Empty),
                AnswerValue::Choices(_) => ("choices", Cell::Empty, Cell::Empty),
                AnswerValue::Attendee(_) => ("attendee", Cell::Empty, Cell::Empty),
            };
            // The guide's words for the question and the value, in the export's language.
            let found = guide.question(q);
            let value = match found {
                Some((_, question)) => {
                    crate::guide::input::display(question, &a.value, lang, Some(v))
                }
                None => super::report::answer_text(lang, v, &a.value),
            };
            answers.rows.push(vec![
                vid(),
                Cell::Text(q.clone()),
                Cell::Text(kind.into()),
                text(value),
                number,
                opt(a.value.percent(), Cell::Percent),
                date,
                text(&a.note),
                opt(found, |(sec, _)| text(sec.title.get(lang))),
                opt(found, |(_, question)| text(question.label.get(lang))),
            ]);
        }
        // Computed shares (non-ASN coverage…) are not stored; they are written as the guide
        // computes them, so that a spreadsheet holds what the report shows.
        for sec in &guide.sections {
            for question in &sec.questions {
                if !matches!(question.kind, crate::guide::QuestionType::Ratio { .. })
                    || v.answers.contains_key(&question.id)
                {
                    continue;
                }
                let Some(value @ AnswerValue::Ratio { part, .. }) = guide.value(question, v) else {
                    continue;
                };
                answers.rows.push(vec![
                    vid(),
                    Cell::Text(question.id.clone()),
                    Cell::Text("ratio".into()),
                    text(crate::guide::input::display(
                        question,
                        &value,
                        lang,
                        Some(v),
                    )),
                    Cell::Int(part),
                    opt(value.percent(), Cell::Percent),
                    Cell::Empty,
                    Cell::Empty,
                    text(sec.title.get(lang)),
                    text(question.label.get(lang)),
                ]);
            }
        }
        for n in &v.notes {
            notes.rows.push(vec![
                vid(),
                Cell::Text(n.id.to_string()),
                Cell::DateTime(n.at),
                opt(n.section.as_ref(), text),
                text(&n.text),
            ]);
        }
        for f in &v.figures {
            figures.rows.push(vec![
                vid(),
                Cell::Text(f.id.to_string()),
                text(&f.label),
                Cell::Float(f.value),
                text(&f.unit),
                code(&f.scope),
                text(&f.notes),
            ]);
        }
    }
    vec![
        visits_t, attendees, obstacles, strategies, handovers, answers, notes, figures,
    ]
}
