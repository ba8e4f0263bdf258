//! The interview: walking an auditor through the guide's sections while the meeting runs.
//!
//! Pure state like the rest of `app`: keys move a cursor and open editors; committing an editor
//! changes the working copy of the visit and returns an [`Effect::SaveVisit`] — the runtime
//! commits it to the store (transaction + flush + audit event) before the next key is read.

mod commit;
mod district;
pub mod fields;
mod goto;
mod items;
mod open;
mod pick;
mod typing;

pub use goto::{GotoMatch, goto_matches};

pub use typing::clean_paste;

use std::cell::Cell;

use chrono::{DateTime, FixedOffset};
use crossterm::event::{Event, KeyEvent};
use ratatui_textarea::TextArea;
use serde_json::Value;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;
use uuid::Uuid;

use super::Effect;
use crate::domain::{Attendee, AuditAction, Draft, DraftTarget, Note, Visit, VisitStatus, new_id};
use crate::guide::{Guide, Section, SectionKind};
use crate::i18n::Lang;
use crate::keymap::Action;
use fields::FieldSpec;

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
