//! The editable fields of list items (attendees, obstacles, strategies, handovers, figures).
//!
//! Items are edited through their JSON form: a field is a key of the item's object, so one small
//! table per list describes every form, and setting a field cannot bypass the item's own serde
//! rules (a bad value fails to deserialise instead of corrupting the visit).

use serde_json::Value;
use uuid::Uuid;

use crate::domain::{HandoverKind, ObstacleCategory, Presence, Scope, Side, StrategyStatus, Visit};
use crate::guide::SectionKind;

#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    Text,
    LongText,
    /// One of fixed options: (serde name, catalogue key).
    Enum(Vec<(String, &'static str)>),
    Date,
    Money,
    /// A decimal number (figures).
    Decimal,
    Severity,
    Attendee,
    Attendees,
    Strategy,
}

impl FieldKind {
    /// Fields edited by picking from a list rather than typing.
    pub fn is_pick(&self) -> bool {
        matches!(
            self,
            FieldKind::Enum(_)
                | FieldKind::Severity
                | FieldKind::Attendee
                | FieldKind::Attendees
                | FieldKind::Strategy
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldSpec {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: FieldKind,
}

fn options<T: serde::Serialize + Copy>(all: &[T], key: impl Fn(T) -> &'static str) -> FieldKind {
    FieldKind::Enum(
        all.iter()
            .map(|x| {
                let name = serde_json::to_value(x)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                (name, key(*x))
            })
            .collect(),
    )
}

fn f(key: &'static str, label: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec { key, label, kind }
}

/// The form of one item of `kind`, in the order an auditor fills it in.
pub fn specs(kind: SectionKind) -> Vec<FieldSpec> {
    use FieldKind::*;
    match kind {
        SectionKind::Attendees => vec![
            f("name", "form.name", Text),
            f("prefix_titles", "form.prefix_titles", Text),
            f("suffix_titles", "form.suffix_titles", Text),
            f("post", "form.post", Text),
            f("organisation", "form.organisation", Text),
            f("side", "form.side", options(Side::ALL, Side::key)),
            f(
                "presence",
                "form.presence",
                options(&[Presence::InPerson, Presence::Represented], presence_key),
            ),
            f("represented_by", "form.represented_by", Text),
            f("notes", "form.notes", LongText),
        ],
        SectionKind::Obstacles => vec![
            f("description", "form.description", LongText),
            f(
                "category",
                "form.category",
                options(ObstacleCategory::ALL, ObstacleCategory::key),
            ),
            f("severity", "form.severity", Severity),
            f("raised_by", "form.raised_by", Attendee),
            f("strategy", "form.linked_strategy", Strategy),
            f("notes", "form.notes", LongText),
        ],
        SectionKind::Strategies => vec![
            f("text", "form.strategy_text", LongText),
            f(
                "status",
                "form.status",
                options(StrategyStatus::ALL, StrategyStatus::key),
            ),
            f("commitment", "form.commitment", LongText),
            f("person_in_charge", "form.person_in_charge", Text),
            f("target_date", "form.target_date", Date),
            f("evidence", "form.evidence", Text),
            f("notes", "form.notes", LongText),
        ],
        SectionKind::Handovers => vec![
            f(
                "kind",
                "form.handover_kind",
                options(HandoverKind::ALL, HandoverKind::key),
            ),
            f("recipient", "form.recipient", Text),
            f("subject", "form.subject", Text),
            f("employer", "form.employer", Text),
            f("amount", "form.amount", Money),
            f("handed_by", "form.handed_by", Attendees),
            f("notes", "form.notes", LongText),
        ],
        SectionKind::Figures => vec![
            f("label", "form.figure_label", Text),
            f("value", "form.figure_value", Decimal),
            f("unit", "form.unit", Text),
            f(
                "scope",
                "form.scope",
                options(
                    &[Scope::District, Scope::Provincial, Scope::National],
                    Scope::key,
                ),
            ),
            f("notes", "form.notes", LongText),
        ],
        SectionKind::Questions => vec![],
    }
}

fn presence_key(p: Presence) -> &'static str {
    match p {
        Presence::InPerson => "presence.in_person",
        Presence::Represented => "presence.represented",
    }
}

/// The items of a list as JSON values.
pub fn items(visit: &Visit, kind: SectionKind) -> Vec<Value> {
    let v = match kind {
        SectionKind::Attendees => serde_json::to_value(&visit.attendees),
        SectionKind::Obstacles => serde_json::to_value(&visit.obstacles),
        SectionKind::Strategies => serde_json::to_value(&visit.strategies),
        SectionKind::Handovers => serde_json::to_value(&visit.handovers),
        SectionKind::Figures => serde_json::to_value(&visit.figures),
        SectionKind::Questions => Ok(Value::Array(vec![])),
    };
    match v {
        Ok(Value::Array(a)) => a,
        _ => vec![],
    }
}

/// Replaces the list with `items`; fails (changing nothing) if they do not make valid items.
pub fn set_items(visit: &mut Visit, kind: SectionKind, items: Vec<Value>) -> Result<(), String> {
    let arr = Value::Array(items);
    let err = |e: serde_json::Error| e.to_string();
    match kind {
        SectionKind::Attendees => visit.attendees = serde_json::from_value(arr).map_err(err)?,
        SectionKind::Obstacles => visit.obstacles = serde_json::from_value(arr).map_err(err)?,
        SectionKind::Strategies => visit.strategies = serde_json::from_value(arr).map_err(err)?,
        SectionKind::Handovers => visit.handovers = serde_json::from_value(arr).map_err(err)?,
        SectionKind::Figures => visit.figures = serde_json::from_value(arr).map_err(err)?,
        SectionKind::Questions => {}
    }
    Ok(())
}

pub fn item_id(item: &Value) -> Option<Uuid> {
    item.get("id")?.as_str()?.parse().ok()
}

/// One field of one item.
pub fn get(visit: &Visit, kind: SectionKind, id: Uuid, key: &str) -> Value {
    items(visit, kind)
        .into_iter()
        .find(|i| item_id(i) == Some(id))
        .and_then(|i| i.get(key).cloned())
        .unwrap_or(Value::Null)
}

/// Sets one field of one item.
pub fn set(
    visit: &mut Visit,
    kind: SectionKind,
    id: Uuid,
    key: &str,
    value: Value,
) -> Result<(), String> {
    let mut all = items(visit, kind);
    let item = all
        .iter_mut()
        .find(|i| item_id(i) == Some(id))
        .ok_or("item not found")?;
    if let Value::Object(map) = item {
        map.insert(key.to_string(), value);
    }
    set_items(visit, kind, all)
}

/// A new, empty item of `kind` with id `id` (strategies start as custom ones).
pub fn new_item(kind: SectionKind, id: Uuid) -> Value {
    let id = id.to_string();
    match kind {
        SectionKind::Attendees => serde_json::json!({"id": id, "name": ""}),
        SectionKind::Obstacles => serde_json::json!({"id": id, "description": ""}),
        SectionKind::Strategies => serde_json::json!({"id": id, "text": ""}),
        SectionKind::Handovers => serde_json::json!({"id": id}),
        SectionKind::Figures => serde_json::json!({"id": id, "label": "", "value": 0.0}),
        SectionKind::Questions => Value::Null,
    }
}

/// A one-line title of an item for lists.
pub fn title(item: &Value, kind: SectionKind) -> String {
    // One line: a multi-line description shows its breaks as ⏎, as the field itself does.
    let s = |k: &str| {
        item.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .replace('\n', " ⏎ ")
    };
    match kind {
        SectionKind::Attendees => {
            let name = [s("prefix_titles"), s("name")]
                .iter()
                .filter(|x| !x.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" ");
            let suffix = s("suffix_titles");
            let name = if suffix.is_empty() {
                name
            } else {
                format!("{name}, {suffix}")
            };
            [name, s("post"), s("organisation")]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join(" — ")
        }
        SectionKind::Obstacles => s("description"),
        SectionKind::Strategies => s("text"),
        SectionKind::Handovers => [s("recipient"), s("subject")]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join(" — "),
        SectionKind::Figures => s("label"),
        SectionKind::Questions => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_title_is_one_line() {
        let item = serde_json::json!({"description": "Anggaran terbatas\nbaris dua"});
        assert_eq!(
            title(&item, SectionKind::Obstacles),
            "Anggaran terbatas ⏎ baris dua"
        );
    }

    #[test]
    fn every_list_section_has_a_form_whose_keys_exist_on_the_item() {
        let visit = crate::demo::karo_visit();
        for kind in [
            SectionKind::Attendees,
            SectionKind::Strategies,
            SectionKind::Handovers,
            SectionKind::Figures,
        ] {
            let item = &items(&visit, kind)[0];
            for spec in specs(kind) {
                assert!(
                    item.get(spec.key).is_some(),
                    "{kind:?} has no field {}",
                    spec.key
                );
            }
        }
    }

    #[test]
    fn set_changes_one_field_and_refuses_bad_values() {
        let mut v = crate::demo::karo_visit();
        let id = v.attendees[0].id;
        set(
            &mut v,
            SectionKind::Attendees,
            id,
            "post",
            Value::from("Bupati"),
        )
        .unwrap();
        assert_eq!(v.attendees[0].post, "Bupati");
        let before = v.clone();
        assert!(
            set(
                &mut v,
                SectionKind::Attendees,
                id,
                "side",
                Value::from("nonsense")
            )
            .is_err()
        );
        assert_eq!(v, before, "a refused value changes nothing");
    }

    #[test]
    fn new_items_deserialise_with_defaults() {
        let mut v = crate::demo::karo_visit();
        for kind in [
            SectionKind::Attendees,
            SectionKind::Obstacles,
            SectionKind::Strategies,
            SectionKind::Handovers,
            SectionKind::Figures,
        ] {
            let mut all = items(&v, kind);
            all.push(new_item(kind, crate::domain::new_id()));
            set_items(&mut v, kind, all).unwrap();
        }
        assert_eq!(v.obstacles.len(), 1);
        assert_eq!(v.obstacles[0].severity, 2);
    }
}
