//! Committing an editor: its text parsed, checked and applied to the working copy, then saved.

use chrono::Timelike;
use serde_json::Value;
use uuid::Uuid;

use super::fields::{self, FieldKind, FieldSpec};
use super::{Editor, Interview, RowRef, Target};
use crate::app::Effect;
use crate::domain::{AnswerValue, AuditAction, Visit};
use crate::guide::{Guide, QuestionType, SectionKind, input};
use crate::i18n::Lang;

impl Interview {
    /// Writes the editor's value into the working copy and asks for a save; then moves.
    ///
    /// A value that does not parse keeps the editor open with the reason, unless `leave`:
    /// then the text becomes an unsaved draft of the field and the cursor moves on anyway.
    pub(super) fn commit(
        &mut self,
        guide: &Guide,
        lang: Lang,
        then_move: isize,
        leave: bool,
    ) -> Vec<Effect> {
        let Some((target, mut editor)) = self.editor.take() else {
            return vec![];
        };
        self.resolve_district(guide, &target, &mut editor);
        let mut effects = Vec::new();
        match self.apply(guide, lang, &target, &editor) {
            Ok(after) => {
                if after != self.visit {
                    self.visit = after;
                    effects.push(self.save(AuditAction::Edit, ""));
                }
                effects.extend(self.drop_draft(&target.draft_target()));
            }
            Err(message) => match editor {
                Editor::Line { input, .. } if leave => {
                    effects.extend(self.keep_draft(target.draft_target(), input.value()));
                }
                Editor::Line {
                    input, suggestion, ..
                } => {
                    // Keep the editor open with the message; nothing typed is lost.
                    self.editor = Some((
                        target,
                        Editor::Line {
                            input,
                            error: Some(message),
                            suggestion,
                        },
                    ));
                    return vec![];
                }
                other => {
                    self.editor = Some((target, other));
                    return vec![];
                }
            },
        }
        // Quick entry: Enter or Tab on the last field of an item starts the next item (for the
        // strategies, whose four are given, it opens the next one).
        let kind = self.section_kind(guide);
        let last_field = self.item.is_some() && self.field + 1 >= fields::specs(kind).len();
        if then_move != 0 {
            if last_field && then_move > 0 && kind.is_list() {
                if kind == SectionKind::Strategies {
                    effects.extend(self.close_item(guide));
                    if let Some(RowRef::Item(next)) = self.rows(guide).get(self.row + 1).copied() {
                        self.row += 1;
                        self.item = Some(next);
                        self.field = 0;
                    }
                    return effects;
                }
                self.item = None;
                effects.extend(self.add_item(guide, lang));
                return effects;
            }
            let before = (self.section, self.row, self.field);
            self.move_row(guide, then_move);
            // Walk on: the next question opens for typing at once, as in a paper form.
            if (self.section, self.row, self.field) != before && !self.on_list_row(guide) {
                effects.extend(self.open(guide, lang));
            }
        }
        effects
    }

    /// Closes the open item form; an item left completely empty (added, then nothing typed) is
    /// removed again rather than kept as a blank row.
    pub fn close_item(&mut self, guide: &Guide) -> Vec<Effect> {
        let Some(id) = self.item.take() else {
            return vec![];
        };
        self.editor = None;
        let kind = self.section_kind(guide);
        let mut all = fields::items(&self.visit, kind);
        let Some(index) = all.iter().position(|i| fields::item_id(i) == Some(id)) else {
            return vec![];
        };
        self.row = index;
        let blank = fields::new_item(kind, id);
        let mut probe = all[index].clone();
        let text = |k: &str| {
            probe
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim()
                .is_empty()
        };
        // An attendee with no name and no post is blank even with the side and organisation
        // carried over from the one before.
        let nameless = kind == SectionKind::Attendees && text("name") && text("post");
        let empty = nameless
            || fields::title(&probe, kind).is_empty() && {
                // Equal to a fresh item once defaults are filled in.
                let mut v = self.visit.clone();
                let mut fresh = fields::items(&v, kind);
                fresh[index] = blank;
                let _ = fields::set_items(&mut v, kind, fresh);
                probe = fields::items(&v, kind).swap_remove(index);
                probe == all[index]
            };
        if !empty || self.locked() {
            return vec![];
        }
        all.remove(index);
        if fields::set_items(&mut self.visit, kind, all).is_err() {
            return vec![];
        }
        self.clamp(guide);
        vec![self.save(AuditAction::Edit, "")]
    }

    /// How typed answers are read: the province's time zone, and "today" from the clock.
    pub(super) fn input_context(&self) -> input::InputContext<'_> {
        input::InputContext::for_visit(&self.visit).with_today(self.now.date_naive())
    }

    /// Whether the cursor is on a list's item or "add" row (where Enter opens, not edits).
    pub(super) fn on_list_row(&self, guide: &Guide) -> bool {
        self.item.is_none() && self.section_kind(guide).is_list()
    }

    /// The visit with the editor's value written in, or why the value is refused.
    pub(crate) fn apply(
        &self,
        guide: &Guide,
        lang: Lang,
        target: &Target,
        editor: &Editor,
    ) -> Result<Visit, String> {
        let mut visit = self.visit.clone();
        match target {
            Target::Question(qid) => self.commit_question(&mut visit, guide, lang, qid, editor)?,
            Target::Field { kind, item, spec } => {
                self.commit_field(&mut visit, lang, *kind, *item, spec, editor)?;
            }
        }
        Ok(visit)
    }

    pub(super) fn commit_question(
        &self,
        visit: &mut Visit,
        guide: &Guide,
        lang: Lang,
        qid: &str,
        editor: &Editor,
    ) -> Result<(), String> {
        let (_, q) = guide.question(qid).ok_or_else(|| qid.to_string())?;
        let value = match editor {
            // The meeting's start left empty: now, in the visit's zone.
            Editor::Line { input, .. }
                if q.bind == Some(crate::guide::Bind::Start) && input.value().trim().is_empty() =>
            {
                let zone = self.input_context().zone;
                let at = self.now.with_timezone(&zone);
                Some(AnswerValue::DateTime(
                    at.with_second(0)
                        .and_then(|t| t.with_nanosecond(0))
                        .unwrap_or(at),
                ))
            }
            Editor::Line { input, .. } => {
                let shown = guide
                    .value(q, &self.visit)
                    .map(|v| input::edit_text(q, &v, lang, Some(&self.visit)));
                if input.value().trim() == shown.as_deref().unwrap_or("").trim() {
                    return Ok(()); // left as it was
                }
                let cx = self.input_context();
                input::parse_answer(q, input.value(), &cx).map_err(|e| e.message(lang))?
            }
            Editor::Multi { area } => {
                let text = area.lines().join("\n");
                (!text.trim().is_empty()).then_some(AnswerValue::Text(text))
            }
            Editor::Pick {
                options,
                cursor,
                multi,
                chosen,
                ..
            } => {
                let picked = |i: usize| {
                    options
                        .get(i)
                        .map(|o| o.value.as_str().unwrap_or("").to_string())
                };
                match (&q.kind, multi) {
                    (QuestionType::YesPartialNo, _) => {
                        let v = picked(*cursor).unwrap_or_default();
                        Some(AnswerValue::YesPartialNo(
                            input::parse_yes_partial_no(&v).map_err(|e| e.message(lang))?,
                        ))
                    }
                    (QuestionType::Attendee, _) => picked(*cursor)
                        .and_then(|s| s.parse().ok())
                        .map(AnswerValue::Attendee),
                    (_, true) => Some(AnswerValue::Choices(
                        chosen
                            .iter()
                            .enumerate()
                            .filter(|(_, c)| **c)
                            .filter_map(|(i, _)| picked(i))
                            .collect(),
                    )),
                    (_, false) => picked(*cursor).map(AnswerValue::Choice),
                }
            }
        };
        // A long text bound to a visit field is stored as text; an empty list means "no answer".
        let value = value.filter(|v| !matches!(v, AnswerValue::Choices(c) if c.is_empty()));
        guide
            .set_value(q, visit, value)
            .map_err(|e| e.message(lang))
    }

    pub(super) fn commit_field(
        &self,
        visit: &mut Visit,
        lang: Lang,
        kind: SectionKind,
        item: Uuid,
        spec: &FieldSpec,
        editor: &Editor,
    ) -> Result<(), String> {
        let value = match editor {
            Editor::Line { input, .. } => {
                let text = input.value().trim();
                match spec.kind {
                    FieldKind::Date if text.is_empty() => Value::Null,
                    FieldKind::Date => {
                        let cx = self.input_context();
                        let d = input::parse_date(text, &cx).map_err(|e| e.message(lang))?;
                        Value::from(d.format("%Y-%m-%d").to_string())
                    }
                    FieldKind::Money if text.is_empty() => Value::Null,
                    FieldKind::Money => {
                        Value::from(input::parse_money(text).map_err(|e| e.message(lang))?)
                    }
                    FieldKind::Decimal => {
                        let n: f64 = text
                            .replace(',', ".")
                            .trim_end_matches('%')
                            .trim()
                            .parse()
                            .map_err(|_| crate::i18n::tf(lang, "form.not_a_number", &[&text]))?;
                        Value::from(n)
                    }
                    _ => Value::from(input.value().to_string()),
                }
            }
            Editor::Multi { area } => Value::from(area.lines().join("\n")),
            Editor::Pick {
                options,
                cursor,
                multi,
                chosen,
                ..
            } => {
                if *multi {
                    Value::Array(
                        chosen
                            .iter()
                            .zip(options)
                            .filter(|(c, _)| **c)
                            .map(|(_, o)| o.value.clone())
                            .collect(),
                    )
                } else {
                    options
                        .get(*cursor)
                        .map(|o| o.value.clone())
                        .unwrap_or(Value::Null)
                }
            }
        };
        // A name typed with its titles: the titles go to their own fields, where the next
        // fields of the form show them for correction.
        if kind == SectionKind::Attendees && spec.key == "name" && value.is_string() {
            let (prefix, name, suffix) =
                crate::domain::titles::split_titles(value.as_str().unwrap_or(""));
            if !prefix.is_empty() || !suffix.is_empty() {
                fields::set(visit, kind, item, "name", Value::from(name))?;
                if !prefix.is_empty() {
                    fields::set(visit, kind, item, "prefix_titles", Value::from(prefix))?;
                }
                if !suffix.is_empty() {
                    fields::set(visit, kind, item, "suffix_titles", Value::from(suffix))?;
                }
                return Ok(());
            }
        }
        fields::set(visit, kind, item, spec.key, value)
    }
}
