//! Opening an editor on the row under the cursor: a question's answer or an item's field.

use ratatui_textarea::TextArea;
use serde_json::Value;
use tui_input::Input;
use uuid::Uuid;

use super::fields::{self, FieldKind, FieldSpec};
use super::{Editor, Interview, PickOption, RowRef, Target};
use crate::app::Effect;
use crate::domain::AnswerValue;
use crate::guide::{Guide, Question, QuestionType, SectionKind, input};
use crate::i18n::{Lang, t};

impl Interview {
    /// Enter on a row: edit the question or field, open an item, or add one.
    pub(super) fn open(&mut self, guide: &Guide, lang: Lang) -> Vec<Effect> {
        if self.locked() {
            return vec![];
        }
        let kind = self.section_kind(guide);
        if let Some(item) = self.item {
            let Some(spec) = fields::specs(kind).get(self.field).cloned() else {
                return vec![];
            };
            self.start_field(kind, item, spec, lang);
            return vec![];
        }
        match self.rows(guide).get(self.row).copied() {
            Some(RowRef::Question(i)) => {
                let Some(q) = self
                    .current_section(guide)
                    .and_then(|s| s.questions.get(i))
                    .cloned()
                else {
                    return vec![];
                };
                self.start_question(guide, &q, lang);
                vec![]
            }
            Some(RowRef::Item(id)) => {
                self.item = Some(id);
                self.field = 0;
                vec![]
            }
            Some(RowRef::Add) => self.add_item(guide, lang),
            None => vec![],
        }
    }

    pub(super) fn start_question(&mut self, guide: &Guide, q: &Question, lang: Lang) {
        let value = guide.value(q, &self.visit);
        let target = Target::Question(q.id.clone());
        let mut editor = match &q.kind {
            QuestionType::Ratio { .. } => {
                self.refused = Some("guide.answer.computed");
                return;
            }
            QuestionType::YesPartialNo => {
                let opts = [
                    ("yes", "ynp.yes"),
                    ("partial", "ynp.partial"),
                    ("no", "ynp.no"),
                ]
                .into_iter()
                .map(|(v, k)| PickOption {
                    value: Value::from(v),
                    label: t(lang, k).to_string(),
                })
                .collect();
                let current = value
                    .as_ref()
                    .and_then(|v| serde_json::to_value(v).ok())
                    .and_then(|v| v.get("value").cloned());
                pick(opts, current.as_ref(), false)
            }
            QuestionType::Choice(list) | QuestionType::Choices(list) => {
                let multi = matches!(q.kind, QuestionType::Choices(_));
                let opts: Vec<PickOption> = list
                    .options
                    .iter()
                    .map(|o| PickOption {
                        value: Value::from(o.key.clone()),
                        label: o.label.get(lang).to_string(),
                    })
                    .collect();
                let current = match &value {
                    Some(AnswerValue::Choice(k)) => Some(Value::from(k.clone())),
                    Some(AnswerValue::Choices(ks)) => Some(Value::from(ks.clone())),
                    _ => None,
                };
                pick(opts, current.as_ref(), multi)
            }
            QuestionType::Attendee => {
                let opts = self.attendee_options();
                let current = match &value {
                    Some(AnswerValue::Attendee(id)) => Some(Value::from(id.to_string())),
                    _ => None,
                };
                pick(opts, current.as_ref(), false)
            }
            QuestionType::LongText => {
                let text = value
                    .map(|v| input::edit_text(q, &v, lang, Some(&self.visit)))
                    .unwrap_or_default();
                multi(&text)
            }
            _ => {
                let text = value
                    .map(|v| input::edit_text(q, &v, lang, Some(&self.visit)))
                    .unwrap_or_default();
                Editor::Line {
                    input: Input::new(text),
                    error: None,
                    suggestion: None,
                }
            }
        };
        self.with_draft(guide, lang, &target, &mut editor);
        self.editor = Some((target, editor));
        self.origin = self.typed();
    }

    pub(super) fn attendee_options(&self) -> Vec<PickOption> {
        self.visit
            .attendees
            .iter()
            .map(|a| PickOption {
                value: Value::from(a.id.to_string()),
                label: if a.post.is_empty() {
                    a.full_name()
                } else {
                    format!("{} — {}", a.full_name(), a.post)
                },
            })
            .collect()
    }

    pub(super) fn start_field(
        &mut self,
        kind: SectionKind,
        item: Uuid,
        spec: FieldSpec,
        lang: Lang,
    ) {
        let current = fields::get(&self.visit, kind, item, spec.key);
        let none = || PickOption {
            value: Value::Null,
            label: t(lang, "form.none").to_string(),
        };
        let mut editor = match &spec.kind {
            FieldKind::Enum(opts) => pick(
                opts.iter()
                    .map(|(v, k)| PickOption {
                        value: Value::from(v.clone()),
                        label: t(lang, k).to_string(),
                    })
                    .collect(),
                Some(&current),
                false,
            ),
            FieldKind::Severity => pick(
                [
                    (1, "form.severity1"),
                    (2, "form.severity2"),
                    (3, "form.severity3"),
                ]
                .into_iter()
                .map(|(n, k)| PickOption {
                    value: Value::from(n),
                    label: t(lang, k).to_string(),
                })
                .collect(),
                Some(&current),
                false,
            ),
            FieldKind::Attendee => {
                let mut opts = vec![none()];
                opts.extend(self.attendee_options());
                pick(opts, Some(&current), false)
            }
            FieldKind::Attendees => pick(self.attendee_options(), Some(&current), true),
            FieldKind::Strategy => {
                let mut opts = vec![none()];
                opts.extend(self.visit.strategies.iter().map(|s| PickOption {
                    value: Value::from(s.id.to_string()),
                    label: match s.standard {
                        Some(n) => format!("{n}. {}", s.text),
                        None => s.text.clone(),
                    },
                }));
                pick(opts, Some(&current), false)
            }
            FieldKind::LongText => multi(current.as_str().unwrap_or("")),
            FieldKind::Text => Editor::Line {
                input: Input::new(current.as_str().unwrap_or("").to_string()),
                error: None,
                suggestion: None,
            },
            FieldKind::Date => {
                let text = current
                    .as_str()
                    .and_then(|s| s.parse().ok())
                    .map(|d| crate::format::date_long(lang, d))
                    .unwrap_or_default();
                Editor::Line {
                    input: Input::new(text),
                    error: None,
                    suggestion: None,
                }
            }
            FieldKind::Money => {
                let text = current
                    .as_i64()
                    .map(crate::format::rupiah)
                    .unwrap_or_default();
                Editor::Line {
                    input: Input::new(text),
                    error: None,
                    suggestion: None,
                }
            }
            FieldKind::Decimal => {
                let text = current.as_f64().map(|f| f.to_string()).unwrap_or_default();
                Editor::Line {
                    input: Input::new(text),
                    error: None,
                    suggestion: None,
                }
            }
        };
        let target = Target::Field { kind, item, spec };
        self.with_draft_field(lang, &target, &mut editor);
        self.editor = Some((target, editor));
        self.origin = self.typed();
    }
}

pub(super) fn pick(options: Vec<PickOption>, current: Option<&Value>, multi: bool) -> Editor {
    let mut chosen = vec![false; options.len()];
    let mut cursor = 0;
    match current {
        Some(Value::Array(vals)) => {
            for (i, o) in options.iter().enumerate() {
                chosen[i] = vals.contains(&o.value);
            }
        }
        Some(v) => {
            if let Some(i) = options.iter().position(|o| &o.value == v) {
                cursor = i;
                chosen[i] = true;
            }
        }
        None => {}
    }
    Editor::Pick {
        options,
        cursor,
        multi,
        chosen,
        filter: String::new(),
    }
}

pub(super) fn multi(text: &str) -> Editor {
    let lines: Vec<String> = if text.is_empty() {
        vec![String::new()]
    } else {
        text.lines().map(str::to_string).collect()
    };
    let mut area = TextArea::new(lines);
    area.move_cursor(ratatui_textarea::CursorMove::Bottom);
    area.move_cursor(ratatui_textarea::CursorMove::End);
    Editor::Multi {
        area: Box::new(area),
    }
}
