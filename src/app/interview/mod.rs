//! The interview: walking an auditor through the guide's sections while the meeting runs.
//!
//! Pure state like the rest of `app`: keys move a cursor and open editors; committing an editor
//! changes the working copy of the visit and returns an [`Effect::SaveVisit`] — the runtime
//! commits it to the store (transaction + flush + audit event) before the next key is read.

mod district;
pub mod fields;
mod pick;
mod typing;

pub use typing::clean_paste;

use std::cell::Cell;

use chrono::{DateTime, FixedOffset, Timelike};
use crossterm::event::{Event, KeyEvent};
use ratatui_textarea::TextArea;
use serde_json::Value;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;
use uuid::Uuid;

use super::Effect;
use crate::domain::{
    AnswerValue, Attendee, AuditAction, Draft, DraftTarget, Note, Visit, VisitStatus, new_id,
};
use crate::guide::{Guide, Question, QuestionType, Section, SectionKind, input};
use crate::i18n::{Lang, t};
use crate::keymap::Action;
use fields::{FieldKind, FieldSpec};

pub use crate::followup::OpenItem;

/// A row of the section body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowRef {
    Question(usize),
    Item(Uuid),
    Add,
}

/// What an open editor will write to.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Question(String),
    Field {
        kind: SectionKind,
        item: Uuid,
        spec: FieldSpec,
    },
}

pub struct PickOption {
    pub value: Value,
    pub label: String,
}

pub enum Editor {
    Line {
        input: Input,
        error: Option<String>,
        suggestion: Option<usize>,
    },
    Multi {
        area: Box<TextArea<'static>>,
    },
    Pick {
        options: Vec<PickOption>,
        cursor: usize,
        multi: bool,
        chosen: Vec<bool>,
        /// Typed letters narrowing the options.
        filter: String,
    },
}

impl Editor {
    /// The options of a pick list that fit its filter, in list order.
    pub fn visible(&self) -> Vec<usize> {
        match self {
            Editor::Pick {
                options, filter, ..
            } => pick::visible(options, filter).0,
            _ => vec![],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonFor {
    Finalise,
    Amend,
}

pub enum Popup {
    Goto {
        input: Input,
        cursor: usize,
    },
    Check {
        cursor: usize,
    },
    Note {
        input: Input,
    },
    Reason {
        input: Input,
        purpose: ReasonFor,
    },
    ConfirmFinal,
    /// The meeting notes, to correct or delete one.
    Notes {
        cursor: usize,
    },
}

/// A deleted list item, kept for undo.
pub struct Deleted {
    pub kind: SectionKind,
    pub index: usize,
    pub item: Value,
}

pub struct Interview {
    pub visit: Visit,
    pub section: usize,
    pub row: usize,
    /// The item whose form is open, in a list section.
    pub item: Option<Uuid>,
    pub field: usize,
    pub editor: Option<(Target, Editor)>,
    pub outline: bool,
    pub popup: Option<Popup>,
    /// A quick note typed but not saved (the popup was closed), offered again next time.
    pub note_draft: String,
    pub undo: Vec<Deleted>,
    /// The last save failed: the working copy holds edits the store does not have yet.
    pub unsaved: bool,
    /// People met in earlier visits to the same district, for quick entry.
    pub suggestions: Vec<Attendee>,
    /// The district the suggestions were loaded for.
    pub suggestions_for: String,
    /// Commitments earlier visits to the district left open, shown in the strategies section.
    pub open_items: Vec<OpenItem>,
    pub scroll: Cell<usize>,
    /// The current time, set by the runtime on each key, for stamping notes.
    pub now: DateTime<FixedOffset>,
    /// Text typed into fields that is not a valid value yet (kept in the store beside the visit).
    pub drafts: Vec<Draft>,
    /// What the open editor (or note box) held when it opened: journaled only once it differs.
    pub(crate) origin: Option<(DraftTarget, String)>,
    /// The text last handed to the runtime's journal, if any.
    pub(crate) journaled: Option<String>,
    /// The field a Ctrl-N note interrupted, reopened when the note box closes.
    pub(crate) resume: Option<Target>,
    /// The note being corrected in the note box (`None`: a new note).
    pub note_edit: Option<Uuid>,
    /// Why the last key did nothing (a catalogue key), for the status line: no key is silent.
    pub refused: Option<&'static str>,
}

impl Interview {
    pub fn new(visit: Visit, section: usize, row: usize, now: DateTime<FixedOffset>) -> Interview {
        Interview {
            visit,
            section,
            row,
            item: None,
            field: 0,
            editor: None,
            outline: false,
            popup: None,
            note_draft: String::new(),
            undo: Vec::new(),
            unsaved: false,
            suggestions: Vec::new(),
            suggestions_for: String::new(),
            open_items: Vec::new(),
            scroll: Cell::new(0),
            now,
            drafts: Vec::new(),
            origin: None,
            journaled: None,
            resume: None,
            note_edit: None,
            refused: None,
        }
    }

    pub fn locked(&self) -> bool {
        self.visit.status == VisitStatus::Final
    }

    pub fn current_section<'g>(&self, guide: &'g Guide) -> Option<&'g Section> {
        guide.sections.get(self.section)
    }

    /// The rows of the current section: relevant questions, or the list's items and "add".
    pub fn rows(&self, guide: &Guide) -> Vec<RowRef> {
        let Some(s) = self.current_section(guide) else {
            return vec![];
        };
        if s.kind.is_list() {
            let mut rows: Vec<RowRef> = fields::items(&self.visit, s.kind)
                .iter()
                .filter_map(fields::item_id)
                .map(RowRef::Item)
                .collect();
            rows.push(RowRef::Add);
            rows
        } else {
            s.questions
                .iter()
                .enumerate()
                .filter(|(_, q)| guide.is_relevant(q, &self.visit))
                .map(|(i, _)| RowRef::Question(i))
                .collect()
        }
    }

    pub fn section_kind(&self, guide: &Guide) -> SectionKind {
        self.current_section(guide)
            .map_or(SectionKind::Questions, |s| s.kind)
    }

    fn clamp(&mut self, guide: &Guide) {
        let n = if self.item.is_some() {
            fields::specs(self.section_kind(guide)).len()
        } else {
            self.rows(guide).len()
        };
        if self.item.is_some() {
            self.field = self.field.min(n.saturating_sub(1));
        } else {
            self.row = self.row.min(n.saturating_sub(1));
        }
    }

    fn go_section(&mut self, guide: &Guide, index: usize) {
        self.section = index.min(guide.sections.len().saturating_sub(1));
        self.row = 0;
        self.item = None;
        self.field = 0;
        self.scroll.set(0);
    }

    fn move_row(&mut self, guide: &Guide, delta: isize) {
        if self.item.is_some() {
            let n = fields::specs(self.section_kind(guide)).len();
            self.field = self
                .field
                .saturating_add_signed(delta)
                .min(n.saturating_sub(1));
        } else {
            let n = self.rows(guide).len();
            let next = self.row as isize + delta;
            if next < 0 && self.section > 0 && delta == -1 {
                // Shift-Tab on the first question goes to the end of the previous section.
                self.go_section(guide, self.section - 1);
                self.row = self.rows(guide).len().saturating_sub(1);
            } else if next >= n as isize && self.section + 1 < guide.sections.len() && delta == 1 {
                self.go_section(guide, self.section + 1);
            } else {
                self.row = next.clamp(0, n.saturating_sub(1) as isize) as usize;
            }
        }
    }

    /// Navigation keys (no editor or popup open).
    pub fn on_action(&mut self, guide: &Guide, lang: Lang, action: Action) -> Vec<Effect> {
        use Action::*;
        if self.outline {
            match action {
                Up => self.go_section(guide, self.section.saturating_sub(1)),
                Down => self.go_section(guide, self.section + 1),
                Open | Right | Back => self.outline = false,
                _ => return self.body_action(guide, lang, action),
            }
            return vec![];
        }
        self.body_action(guide, lang, action)
    }

    fn body_action(&mut self, guide: &Guide, lang: Lang, action: Action) -> Vec<Effect> {
        use Action::*;
        if self.locked()
            && matches!(
                action,
                Open | Edit
                    | AddItem
                    | DeleteItem
                    | Undo
                    | MoveUp
                    | MoveDown
                    | QuickNote
                    | Finalise
            )
        {
            self.refused = Some("meeting.refused_final");
            return vec![];
        }
        match action {
            Up | PrevField => self.move_row(guide, -1),
            Down | NextField => self.move_row(guide, 1),
            PageUp | PageDown | Section1 | Section2 | Section3 | Section4 | Section5 | Section6
            | Section7 | Section8 | Section9 | Section10 => {
                // Leaving a section through an open item form closes it first, so an item
                // added and left blank is dropped rather than kept as an empty row.
                let effects = self.close_item(guide);
                let to = match action {
                    PageUp => self.section.saturating_sub(1),
                    PageDown => self.section + 1,
                    a => a.section_index().unwrap_or(0),
                };
                self.go_section(guide, to);
                return effects;
            }
            Left => self.outline = true,
            Open | Edit => return self.open(guide, lang),
            AddItem => return self.add_item(guide, lang),
            DeleteItem => return self.delete_item(guide),
            Undo => return self.undo(guide),
            MoveUp => return self.move_item(guide, -1),
            MoveDown => return self.move_item(guide, 1),
            QuickNote => self.open_note(None),
            Notes => self.popup = Some(Popup::Notes { cursor: 0 }),
            Goto => {
                self.popup = Some(Popup::Goto {
                    input: Input::default(),
                    cursor: 0,
                });
            }
            Check => self.popup = Some(Popup::Check { cursor: 0 }),
            Finalise if !self.locked() => {
                // Unsaved drafts, like gaps, need a reason (the box lists them first).
                self.popup = Some(
                    if guide.check(&self.visit).is_empty() && self.drafts.is_empty() {
                        Popup::ConfirmFinal
                    } else {
                        Popup::Reason {
                            input: Input::default(),
                            purpose: ReasonFor::Finalise,
                        }
                    },
                );
            }
            Amend if self.locked() => {
                self.popup = Some(Popup::Reason {
                    input: Input::default(),
                    purpose: ReasonFor::Amend,
                });
            }
            Save if self.unsaved => return vec![self.save(AuditAction::Edit, "")],
            Save => self.refused = Some("meeting.refused_saved"),
            Amend => self.refused = Some("meeting.refused_not_final"),
            _ => {}
        }
        self.clamp(guide);
        vec![]
    }

    /// Enter on a row: edit the question or field, open an item, or add one.
    fn open(&mut self, guide: &Guide, lang: Lang) -> Vec<Effect> {
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

    fn start_question(&mut self, guide: &Guide, q: &Question, lang: Lang) {
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

    fn attendee_options(&self) -> Vec<PickOption> {
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

    fn start_field(&mut self, kind: SectionKind, item: Uuid, spec: FieldSpec, lang: Lang) {
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

    fn add_item(&mut self, guide: &Guide, lang: Lang) -> Vec<Effect> {
        let kind = self.section_kind(guide);
        if !kind.is_list() || self.locked() {
            self.refused = Some("meeting.refused_not_a_list");
            return vec![];
        }
        // From an open form: close it first (a blank one is dropped, not kept behind).
        let mut effects = self.close_item(guide);
        let id = new_id();
        let mut all = fields::items(&self.visit, kind);
        let mut item = fields::new_item(kind, id);
        // People come in delegations: the next attendee starts with the side and organisation
        // of the one before.
        if kind == SectionKind::Attendees
            && let (Some(prev), Value::Object(map)) = (all.last(), &mut item)
        {
            for key in ["side", "organisation"] {
                if let Some(v) = prev.get(key) {
                    map.insert(key.to_string(), v.clone());
                }
            }
        }
        all.push(item);
        if fields::set_items(&mut self.visit, kind, all).is_err() {
            return vec![];
        }
        self.item = Some(id);
        self.field = 0;
        if let Some(spec) = fields::specs(kind).first().cloned() {
            self.start_field(kind, id, spec, lang);
        }
        effects.push(self.save(AuditAction::Edit, ""));
        effects
    }

    fn selected_item(&self, guide: &Guide) -> Option<Uuid> {
        self.item.or_else(|| match self.rows(guide).get(self.row) {
            Some(RowRef::Item(id)) => Some(*id),
            _ => None,
        })
    }

    fn delete_item(&mut self, guide: &Guide) -> Vec<Effect> {
        let kind = self.section_kind(guide);
        let Some(id) = self.selected_item(guide).filter(|_| !self.locked()) else {
            self.refused = Some("meeting.refused_no_item");
            return vec![];
        };
        let mut all = fields::items(&self.visit, kind);
        let Some(index) = all.iter().position(|i| fields::item_id(i) == Some(id)) else {
            return vec![];
        };
        let item = all.remove(index);
        if fields::set_items(&mut self.visit, kind, all).is_err() {
            return vec![];
        }
        self.undo.push(Deleted { kind, index, item });
        self.item = None;
        self.clamp(guide);
        vec![self.save(AuditAction::Edit, "")]
    }

    fn undo(&mut self, guide: &Guide) -> Vec<Effect> {
        let Some(d) = self.undo.pop().filter(|_| !self.locked()) else {
            self.refused = Some("meeting.refused_no_undo");
            return vec![];
        };
        let mut all = fields::items(&self.visit, d.kind);
        let index = d.index.min(all.len());
        all.insert(index, d.item);
        if fields::set_items(&mut self.visit, d.kind, all).is_err() {
            return vec![];
        }
        if self.section_kind(guide) == d.kind && self.item.is_none() {
            self.row = index;
        }
        vec![self.save(AuditAction::Edit, "")]
    }

    fn move_item(&mut self, guide: &Guide, delta: isize) -> Vec<Effect> {
        let kind = self.section_kind(guide);
        let Some(id) = self
            .selected_item(guide)
            .filter(|_| self.item.is_none() && !self.locked())
        else {
            self.refused = Some("meeting.refused_no_item");
            return vec![];
        };
        let mut all = fields::items(&self.visit, kind);
        let Some(i) = all.iter().position(|x| fields::item_id(x) == Some(id)) else {
            return vec![];
        };
        let j = i as isize + delta;
        if j < 0 || j as usize >= all.len() {
            self.refused = Some("meeting.refused_edge");
            return vec![];
        }
        all.swap(i, j as usize);
        if fields::set_items(&mut self.visit, kind, all).is_err() {
            return vec![];
        }
        self.row = j as usize;
        vec![self.save(AuditAction::Edit, "")]
    }

    /// The effect that commits the working copy.
    pub fn save(&self, action: AuditAction, reason: &str) -> Effect {
        Effect::SaveVisit {
            visit: Box::new(self.visit.clone()),
            action,
            reason: reason.to_string(),
        }
    }

    /// Keys while an editor is open. `action` is what the keymap made of the key, if anything.
    pub fn on_editor_key(
        &mut self,
        guide: &Guide,
        lang: Lang,
        key: KeyEvent,
        action: Option<Action>,
    ) -> Vec<Effect> {
        use Action::*;
        let suggestions = self
            .suggestions_for_current()
            .len()
            .max(self.district_matches(guide).len());
        let Some((_, editor)) = self.editor.as_mut() else {
            return vec![];
        };
        match (editor, action) {
            (
                Editor::Pick {
                    options,
                    cursor,
                    multi,
                    chosen,
                    filter,
                },
                a,
            ) => match a {
                Some(m @ (Up | Down | First | Last)) => {
                    let (shown, _) = pick::visible(options, filter);
                    pick::step(cursor, &shown, m);
                }
                None if pick::filter_key(filter, &key) => {
                    let (shown, best) = pick::visible(options, filter);
                    if let Some(b) = best.or(shown.first().copied()) {
                        *cursor = b;
                    }
                }
                // With nothing left under the filter there is nothing to pick.
                Some(Toggle | Commit | CommitNext | NextField)
                    if !filter.is_empty() && pick::visible(options, filter).0.is_empty() => {}
                Some(Toggle) if *multi => {
                    if let Some(c) = chosen.get_mut(*cursor) {
                        *c = !*c;
                    }
                }
                Some(Toggle) | Some(Commit) | Some(CommitNext) | Some(NextField) => {
                    // Space on a single choice picks it and stays; Enter/Tab pick and move on.
                    let next = matches!(a, Some(CommitNext | NextField));
                    return self.commit(guide, lang, if next { 1 } else { 0 }, false);
                }
                Some(CommitPrev) | Some(PrevField) => return self.commit(guide, lang, -1, false),
                Some(Cancel) => self.editor = None,
                _ => {}
            },
            (Editor::Line { .. }, Some(Commit)) | (Editor::Multi { .. }, Some(Commit)) => {
                return self.commit(guide, lang, 0, false);
            }
            // Enter on a value that does not parse stays and says why; Tab, Shift-Tab and Esc
            // always leave, keeping the text as an unsaved draft of the field.
            (Editor::Line { .. }, Some(CommitNext)) | (Editor::Multi { .. }, Some(CommitNext)) => {
                return self.commit(guide, lang, 1, false);
            }
            (Editor::Line { .. }, Some(NextField)) | (Editor::Multi { .. }, Some(NextField)) => {
                return self.commit(guide, lang, 1, true);
            }
            (Editor::Line { .. }, Some(CommitPrev | PrevField))
            | (Editor::Multi { .. }, Some(CommitPrev | PrevField)) => {
                return self.commit(guide, lang, -1, true);
            }
            (Editor::Line { .. }, Some(Cancel | Accept))
            | (Editor::Multi { .. }, Some(Cancel | Accept)) => {
                // Esc keeps what was typed: in a meeting, losing a sentence to one key is worse
                // than an edit to undo.
                return self.commit(guide, lang, 0, true);
            }
            (Editor::Multi { area }, Some(NewLine)) => {
                area.insert_newline();
            }
            (Editor::Line { suggestion, .. }, Some(Down)) if suggestions > 0 => {
                *suggestion = Some(suggestion.map_or(0, |s| (s + 1).min(suggestions - 1)));
            }
            (Editor::Line { suggestion, .. }, Some(Up)) => {
                *suggestion = suggestion.and_then(|s| s.checked_sub(1));
            }
            (Editor::Line { .. }, Some(QuickNote)) | (Editor::Multi { .. }, Some(QuickNote)) => {
                // The field is left as Esc leaves it, and reopened when the note is done.
                let resume = self.editor.as_ref().map(|(t, _)| t.clone());
                let effects = self.commit(guide, lang, 0, true);
                self.resume = resume;
                self.open_note(None);
                return effects;
            }
            (
                Editor::Line {
                    input,
                    error,
                    suggestion,
                },
                _,
            ) => {
                input.handle_event(&Event::Key(key));
                *error = None;
                *suggestion = None;
            }
            (Editor::Multi { area }, _) => {
                area.input(key);
            }
        }
        vec![]
    }

    /// Suggestions of people for the attendee name being typed.
    pub fn suggestions_for_current(&self) -> Vec<&Attendee> {
        let Some((
            Target::Field {
                kind: SectionKind::Attendees,
                spec,
                ..
            },
            Editor::Line { input, .. },
        )) = &self.editor
        else {
            return vec![];
        };
        let typed = input.value().trim().to_lowercase();
        if spec.key != "name" || typed.chars().count() < 2 {
            return vec![];
        }
        let mut out: Vec<&Attendee> = Vec::new();
        let here = |a: &Attendee| self.visit.attendees.iter().any(|b| b.name == a.name);
        for a in &self.suggestions {
            if a.name.to_lowercase().contains(&typed)
                && !here(a)
                && !out.iter().any(|o| o.name == a.name)
            {
                out.push(a);
            }
        }
        out.truncate(5);
        out
    }

    /// Writes the editor's value into the working copy and asks for a save; then moves.
    ///
    /// A value that does not parse keeps the editor open with the reason, unless `leave`:
    /// then the text becomes an unsaved draft of the field and the cursor moves on anyway.
    fn commit(&mut self, guide: &Guide, lang: Lang, then_move: isize, leave: bool) -> Vec<Effect> {
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
    fn input_context(&self) -> input::InputContext<'_> {
        input::InputContext::for_visit(&self.visit).with_today(self.now.date_naive())
    }

    /// Whether the cursor is on a list's item or "add" row (where Enter opens, not edits).
    fn on_list_row(&self, guide: &Guide) -> bool {
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

    fn commit_question(
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

    fn commit_field(
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

    /// Accepts the highlighted suggestion: fills the attendee from an earlier visit.
    pub fn accept_suggestion(&mut self, index: usize) -> Vec<Effect> {
        let Some(s) = self
            .suggestions_for_current()
            .get(index)
            .map(|a| (*a).clone())
        else {
            return vec![];
        };
        let Some((Target::Field { item, .. }, _)) = &self.editor else {
            return vec![];
        };
        let id = *item;
        if let Some(a) = self.visit.attendees.iter_mut().find(|a| a.id == id) {
            let keep = a.id;
            *a = Attendee { id: keep, ..s };
        }
        self.editor = None;
        self.field = 0;
        vec![self.save(AuditAction::Edit, "")]
    }

    /// Saves a quick note stamped with the time (in the visit's zone) and the current section;
    /// or, when a note is being corrected, its new text (empty text deletes it).
    pub fn add_note(&mut self, guide: &Guide, text: &str) -> Vec<Effect> {
        let text = text.trim();
        if self.locked() {
            return vec![];
        }
        if let Some(id) = self.note_edit {
            let Some(i) = self.visit.notes.iter().position(|n| n.id == id) else {
                return vec![];
            };
            if text.is_empty() {
                self.visit.notes.remove(i);
            } else if self.visit.notes[i].text != text {
                self.visit.notes[i].text = text.to_string();
            } else {
                return vec![];
            }
            return vec![self.save(AuditAction::Edit, "")];
        }
        if text.is_empty() {
            return vec![];
        }
        let zone = self.input_context().zone;
        let at = self.now.with_timezone(&zone);
        let section = self.current_section(guide).map(|s| s.id.clone());
        self.visit.notes.push(Note {
            id: new_id(),
            at,
            section,
            text: text.to_string(),
        });
        vec![self.save(AuditAction::Edit, "")]
    }

    /// Jumps to a question by id (from go-to and the check view).
    pub fn jump_to(&mut self, guide: &Guide, section_id: &str, question: Option<&str>) {
        let Some(si) = guide.sections.iter().position(|s| s.id == section_id) else {
            return;
        };
        self.go_section(guide, si);
        if let Some(qid) = question {
            let rows = self.rows(guide);
            let sec = &guide.sections[si];
            if let Some(r) = rows
                .iter()
                .position(|r| matches!(r, RowRef::Question(i) if sec.questions[*i].id == qid))
            {
                self.row = r;
            }
        }
    }

    /// Finalises: the visit becomes final with the digest of its content.
    pub fn finalise(&mut self, by: &str, reason: &str) -> Vec<Effect> {
        let at = self.now.to_utc();
        self.visit.status = VisitStatus::Final;
        self.visit.finalisation = Some(crate::domain::Finalisation {
            at,
            by: by.to_string(),
            digest: crate::domain::digest(&self.visit),
            chain: String::new(),
            reason: reason.to_string(),
        });
        self.editor = None;
        vec![self.save(AuditAction::Finalise, reason)]
    }

    /// Re-opens a final visit for changes, with a reason; the old content stays in the audit log.
    pub fn amend(&mut self, reason: &str) -> Vec<Effect> {
        self.visit.status = VisitStatus::Draft;
        self.visit.amendments += 1;
        vec![self.save(AuditAction::Amend, reason)]
    }
}

fn pick(options: Vec<PickOption>, current: Option<&Value>, multi: bool) -> Editor {
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

fn multi(text: &str) -> Editor {
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

/// A go-to result: a section, or a question in it.
#[derive(Debug, Clone, PartialEq)]
pub struct GotoMatch {
    pub section: String,
    pub question: Option<String>,
    pub label: String,
}

/// Sections and questions whose label (in either language) contains every typed word.
pub fn goto_matches(guide: &Guide, lang: Lang, typed: &str) -> Vec<GotoMatch> {
    let words: Vec<String> = typed
        .to_lowercase()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let fits = |texts: [&str; 2]| {
        let hay = format!("{} {}", texts[0], texts[1]).to_lowercase();
        words.iter().all(|w| hay.contains(w.as_str()))
    };
    let mut out = Vec::new();
    for s in &guide.sections {
        if fits([s.title.id.as_str(), s.title.en.as_deref().unwrap_or("")]) {
            out.push(GotoMatch {
                section: s.id.clone(),
                question: None,
                label: s.title.get(lang).to_string(),
            });
        }
        for q in &s.questions {
            if fits([q.label.id.as_str(), q.label.en.as_deref().unwrap_or("")]) {
                out.push(GotoMatch {
                    section: s.id.clone(),
                    question: Some(q.id.clone()),
                    label: format!("{} › {}", s.title.get(lang), q.label.get(lang)),
                });
            }
        }
    }
    out
}
