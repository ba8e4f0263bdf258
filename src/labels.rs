//! Audit-log paths and values for people to read: `strategies/017f96ad-…/commitment` becomes
//! "Strategi 2 · Komitmen", an attendee id the attendee's name, `2022-03-17` "17 Maret 2022",
//! `1250000` in a money field "Rp 1.250.000". Pure (the visit and the guide are passed in), so
//! the conflict popup, the history screen, the CLI and documents share one wording.

use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use crate::domain::{
    Answer, HandoverKind, ObstacleCategory, Scope, Side, StrategyStatus, Visit, VisitKind,
    VisitStatus,
};
use crate::format;
use crate::guide::Guide;
use crate::i18n::{Lang, t, tf};

/// The list an item path starts with, its label key, and the ids of its items in order.
fn item_list(visit: &Visit, list: &str) -> Option<(&'static str, Vec<Uuid>)> {
    let ids: Vec<Uuid> = match list {
        "attendees" => visit.attendees.iter().map(|x| x.id).collect(),
        "obstacles" => visit.obstacles.iter().map(|x| x.id).collect(),
        "strategies" => visit.strategies.iter().map(|x| x.id).collect(),
        "handovers" => visit.handovers.iter().map(|x| x.id).collect(),
        "notes" => visit.notes.iter().map(|x| x.id).collect(),
        "figures" => visit.figures.iter().map(|x| x.id).collect(),
        "conflicts" => visit.conflicts.iter().map(|x| x.id).collect(),
        _ => return None,
    };
    let key = match list {
        "attendees" => "chain.l_attendee",
        "obstacles" => "chain.l_obstacle",
        "strategies" => "chain.l_strategy",
        "handovers" => "chain.l_handover",
        "notes" => "chain.l_note",
        "figures" => "chain.l_figure",
        _ => "chain.l_conflict",
    };
    Some((key, ids))
}

/// The name of a member of a visit or of an item, in `lang`; the member itself when unknown.
fn member(lang: Lang, list: Option<&str>, name: &str) -> String {
    let key = match (list, name) {
        (None, "start") => "chain.m_start",
        (None, "venue") => "field.venue",
        (None, "purpose") => "field.purpose",
        (None, "district") => "field.district",
        (None, "kind") => "chain.m_visit_kind",
        (None, "status") => "chain.m_visit_status",
        (None, "instruction") => "chain.m_instruction",
        (None, "team") => "chain.m_team",
        (None, "source") => "chain.m_source",
        (None, "finalisation") => "chain.m_finalisation",
        (None, "amendments") => "chain.m_amendments",
        (None, "guide") => "chain.m_guide",
        (None, "answers") => "chain.m_answers",
        (_, "#order") => "chain.m_order",
        (Some("district"), "code") => "chain.m_code",
        (Some("district"), "province") => "field.province",
        (_, "name") => "chain.m_name",
        (_, "prefix_titles") => "chain.m_prefix_titles",
        (_, "suffix_titles") => "chain.m_suffix_titles",
        (_, "post") => "field.post",
        (_, "side") => "chain.m_side",
        (_, "organisation") => "chain.m_organisation",
        (_, "presence") => "chain.m_presence",
        (_, "represented_by") => "chain.m_represented_by",
        (_, "notes") => "field.note",
        (_, "description") => "chain.m_description",
        (_, "category") => "chain.m_category",
        (_, "severity") => "chain.m_severity",
        (_, "raised_by") => "chain.m_raised_by",
        (_, "strategy") => "chain.l_strategy_one",
        (_, "text") => "chain.m_text",
        (Some("strategies"), "status") => "chain.m_status",
        (_, "commitment") => "field.strategy",
        (_, "person_in_charge") => "chain.m_person_in_charge",
        (_, "target_date") => "chain.m_target_date",
        (_, "evidence") => "chain.m_evidence",
        (_, "kind") => "chain.m_kind",
        (_, "recipient") => "chain.m_recipient",
        (_, "subject") => "chain.m_subject",
        (_, "employer") => "chain.m_employer",
        (_, "amount") => "chain.m_amount",
        (_, "handed_by") => "chain.m_handed_by",
        (_, "label") => "chain.m_label",
        (_, "value") => "chain.m_value",
        (_, "unit") => "chain.m_unit",
        (_, "scope") => "chain.m_scope",
        (_, "note") => "field.note",
        _ => return name.to_string(),
    };
    t(lang, key).to_string()
}

/// "Strategi 2 · Komitmen" for `strategies/<id>/commitment`, "Tempat" for `venue`, the
/// question's label for `answers/<question>`. `guide` gives the questions' labels.
pub fn field_label(lang: Lang, visit: &Visit, guide: Option<&Guide>, path: &str) -> String {
    if path.is_empty() {
        return t(lang, "chain.m_whole").to_string();
    }
    let segs: Vec<&str> = path.split('/').collect();
    let mut parts = Vec::new();
    match segs.as_slice() {
        ["answers", q, rest @ ..] => {
            let label = guide
                .and_then(|g| g.question(q))
                .map(|(_, q)| q.label.get(lang).to_string())
                .unwrap_or_else(|| q.to_string());
            parts.push(label);
            parts.extend(rest.iter().map(|m| member(lang, Some("answers"), m)));
        }
        [list, "#order"] if item_list(visit, list).is_some() => {
            parts.push(member(lang, None, list));
            parts.push(member(lang, Some(list), "#order"));
        }
        [list, id, rest @ ..] if item_list(visit, list).is_some() => {
            let (key, ids) = item_list(visit, list).unwrap_or(("", Vec::new()));
            let n = Uuid::parse_str(id)
                .ok()
                .and_then(|id| ids.iter().position(|x| *x == id));
            parts.push(match n {
                Some(i) => format!("{} {}", t(lang, key), i + 1),
                // An item no longer in the visit (removed on one side).
                None => format!("{} ({})", t(lang, key), short_id(id)),
            });
            if *list == "attendees"
                && let Some(a) = n.and_then(|i| visit.attendees.get(i))
                && !a.name.is_empty()
                && rest.first() != Some(&"name")
            {
                let last = parts.len() - 1;
                parts[last] = format!("{} ({})", parts[last], a.name);
            }
            parts.extend(rest.iter().map(|m| member(lang, Some(list), m)));
        }
        [first, rest @ ..] => {
            parts.push(member(lang, None, first));
            parts.extend(rest.iter().map(|m| member(lang, Some(first), m)));
        }
        [] => {}
    }
    parts.join(" · ")
}

fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

fn as_enum<T: DeserializeOwned>(
    v: &Value,
    key: fn(T) -> &'static str,
    lang: Lang,
) -> Option<String> {
    serde_json::from_value::<T>(v.clone())
        .ok()
        .map(|x| t(lang, key(x)).to_string())
}

fn attendee_name(visit: &Visit, id: &str) -> Option<String> {
    let id = Uuid::parse_str(id).ok()?;
    visit
        .attendees
        .iter()
        .find(|a| a.id == id)
        .map(|a| a.name.clone())
}

/// The value at `path` for reading: names rather than ids, dates and money written out, choice
/// labels. `None` (the field or item absent) reads "(kosong)".
pub fn value_text(
    lang: Lang,
    visit: &Visit,
    guide: Option<&Guide>,
    path: &str,
    value: Option<&Value>,
) -> String {
    let Some(v) = value else {
        return t(lang, "chain.v_absent").to_string();
    };
    let segs: Vec<&str> = path.split('/').collect();
    let last = segs.last().copied().unwrap_or("");
    let list = segs.first().copied().unwrap_or("");
    let readable = match (list, segs.len(), last) {
        ("answers", 2, _) => answer_text(lang, visit, guide, segs[1], v),
        (_, 1, "kind") => as_enum::<VisitKind>(v, VisitKind::key, lang),
        (_, 1, "status") => as_enum::<VisitStatus>(v, VisitStatus::key, lang),
        (_, 1, "start") => {
            serde_json::from_value::<chrono::DateTime<chrono::FixedOffset>>(v.clone())
                .ok()
                .map(|d| format::datetime_long(lang, &d))
        }
        ("handovers", 3, "kind") => as_enum::<HandoverKind>(v, HandoverKind::key, lang),
        ("strategies", 3, "status") => as_enum::<StrategyStatus>(v, StrategyStatus::key, lang),
        (_, 3, "category") => as_enum::<ObstacleCategory>(v, ObstacleCategory::key, lang),
        (_, 3, "scope") => as_enum::<Scope>(v, Scope::key, lang),
        (_, 3, "side") => as_enum::<Side>(v, Side::key, lang),
        (_, 3, "target_date") => serde_json::from_value::<chrono::NaiveDate>(v.clone())
            .ok()
            .map(|d| format::date_long(lang, d)),
        (_, 3, "amount") => v.as_i64().map(format::rupiah),
        (_, 3, "raised_by") => v.as_str().and_then(|id| attendee_name(visit, id)),
        (_, 3, "handed_by") => v.as_array().map(|ids| {
            ids.iter()
                .filter_map(|x| x.as_str())
                .map(|id| attendee_name(visit, id).unwrap_or_else(|| short_id(id).to_string()))
                .collect::<Vec<_>>()
                .join(", ")
        }),
        (_, 3, "strategy") => v.as_str().and_then(|id| {
            let id = Uuid::parse_str(id).ok()?;
            let n = visit.strategies.iter().position(|s| s.id == id)?;
            Some(format!("{} {}", t(lang, "chain.l_strategy"), n + 1))
        }),
        // A whole item: what names it.
        (_, 2, _) => ["name", "text", "description", "label", "recipient"]
            .iter()
            .find_map(|k| v.get(*k).and_then(Value::as_str).filter(|s| !s.is_empty()))
            .map(str::to_string),
        _ => None,
    };
    readable.unwrap_or_else(|| plain(lang, v))
}

fn answer_text(
    lang: Lang,
    visit: &Visit,
    guide: Option<&Guide>,
    question: &str,
    v: &Value,
) -> Option<String> {
    let answer: Answer = serde_json::from_value(v.clone()).ok()?;
    let text = match guide.and_then(|g| g.question(question)) {
        Some((_, q)) => crate::guide::input::display(q, &answer.value, lang, Some(visit)),
        None => crate::export::report::answer_text(lang, visit, &answer.value),
    };
    Some(if answer.note.is_empty() {
        text
    } else {
        tf(lang, "chain.v_with_note", &[&text, &answer.note])
    })
}

fn plain(lang: Lang, v: &Value) -> String {
    match v {
        Value::Null => t(lang, "chain.v_absent").to_string(),
        Value::String(s) if s.is_empty() => t(lang, "chain.v_empty").to_string(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => t(lang, if *b { "chain.v_yes" } else { "chain.v_no" }).to_string(),
        Value::Array(items) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_as_labels_and_values_as_text() {
        let v = crate::demo::karo_visit();
        let guide = crate::guide::load_default().unwrap();
        let s2 = v.strategies[1].id;
        assert_eq!(
            field_label(
                Lang::Id,
                &v,
                Some(&guide),
                &format!("strategies/{s2}/commitment")
            ),
            "Strategi 2 · Komitmen"
        );
        assert_eq!(
            field_label(
                Lang::En,
                &v,
                Some(&guide),
                &format!("strategies/{s2}/commitment")
            ),
            "Strategy 2 · Commitment"
        );
        assert_eq!(field_label(Lang::Id, &v, None, "venue"), "Tempat");
        let a = &v.attendees[0];
        assert_eq!(
            field_label(Lang::Id, &v, None, &format!("attendees/{}/post", a.id)),
            format!("Peserta 1 ({}) · Jabatan", a.name)
        );
        assert_eq!(
            value_text(
                Lang::Id,
                &v,
                None,
                &format!("strategies/{s2}/target_date"),
                Some(&Value::from("2022-03-17"))
            ),
            "17 Maret 2022"
        );
        assert_eq!(
            value_text(
                Lang::Id,
                &v,
                None,
                &format!("handovers/{}/amount", v.handovers[0].id),
                Some(&Value::from(1_250_000))
            ),
            "Rp 1.250.000"
        );
        assert_eq!(
            value_text(
                Lang::En,
                &v,
                None,
                &format!("obstacles/{}/raised_by", Uuid::nil()),
                Some(&Value::from(a.id.to_string()))
            ),
            a.name
        );
        assert_eq!(value_text(Lang::Id, &v, None, "venue", None), "(kosong)");
    }
}
