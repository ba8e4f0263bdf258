//! Nothing typed is lost: unsaved drafts of fields whose text does not parse yet, the journal of
//! the open editor (the runtime writes it to the store about once a second and when typing
//! pauses, and hands it back after a crash), and pastes.

use tui_input::{Input, InputRequest};

use super::open::multi;
use super::{Editor, Interview, Popup, Target, fields};
use crate::app::Effect;
use crate::domain::{Draft, DraftTarget, Journal};
use crate::guide::{Guide, SectionKind};
use crate::i18n::Lang;

impl Target {
    pub fn draft_target(&self) -> DraftTarget {
        match self {
            Target::Question(q) => DraftTarget::Question(q.clone()),
            Target::Field { item, spec, .. } => DraftTarget::Field {
                item: *item,
                key: spec.key.to_string(),
            },
        }
    }
}

/// A paste as text for a field: control characters dropped (a pasted escape sequence or
/// Ctrl-A is never a key), tabs as spaces, line breaks kept only where the field has lines.
pub fn clean_paste(text: &str, multiline: bool) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.chars()
        .filter_map(|c| match c {
            '\n' if multiline => Some('\n'),
            '\n' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

fn insert(input: &mut Input, text: &str) {
    for c in text.chars() {
        input.handle(InputRequest::InsertChar(c));
    }
}

impl Interview {
    /// The text in the open editor or note box, and what it belongs to.
    pub fn typed(&self) -> Option<(DraftTarget, String)> {
        match &self.popup {
            Some(Popup::Note { input }) => {
                return Some((DraftTarget::Note(self.note_edit), input.value().to_string()));
            }
            Some(_) => return None,
            None => {}
        }
        let (target, editor) = self.editor.as_ref()?;
        let text = match editor {
            Editor::Line { input, .. } => input.value().to_string(),
            Editor::Multi { area } => area.lines().join("\n"),
            Editor::Pick { .. } => return None,
        };
        Some((target.draft_target(), text))
    }

    /// What the journal should hold now: the editor's text once it differs from what the
    /// editor opened with.
    pub fn journal_entry(&self) -> Option<Journal> {
        let typed = self.typed()?;
        if self.origin.as_ref() == Some(&typed) {
            return None;
        }
        let (target, text) = typed;
        Some(Journal {
            visit: self.visit.id,
            section: self.section,
            row: self.row,
            item: self.item,
            field: self.field,
            draft: Draft { target, text },
        })
    }

    pub fn draft(&self, target: &DraftTarget) -> Option<&Draft> {
        self.drafts.iter().find(|d| &d.target == target)
    }

    fn save_drafts(&self) -> Effect {
        Effect::SaveDrafts {
            visit: self.visit.id,
            drafts: self.drafts.clone(),
        }
    }

    /// Keeps `text` as the unsaved draft of `target`.
    pub(crate) fn keep_draft(&mut self, target: DraftTarget, text: &str) -> Vec<Effect> {
        let draft = Draft {
            target,
            text: text.to_string(),
        };
        match self.drafts.iter_mut().find(|d| d.target == draft.target) {
            Some(d) if *d == draft => return vec![],
            Some(d) => *d = draft,
            None => self.drafts.push(draft),
        }
        vec![self.save_drafts()]
    }

    /// The target got a valid value: its draft is done with.
    pub(crate) fn drop_draft(&mut self, target: &DraftTarget) -> Vec<Effect> {
        let n = self.drafts.len();
        self.drafts.retain(|d| &d.target != target);
        if self.drafts.len() == n {
            vec![]
        } else {
            vec![self.save_drafts()]
        }
    }

    /// A question's editor shows its draft, with the reason it is not a value yet.
    pub(crate) fn with_draft(&self, guide: &Guide, lang: Lang, target: &Target, ed: &mut Editor) {
        let Some(d) = self.draft(&target.draft_target()) else {
            return;
        };
        if let Editor::Line { input, error, .. } = ed {
            *input = Input::new(d.text.clone());
            *error = self.apply(guide, lang, target, &ed_probe(&d.text)).err();
        }
    }

    /// The same for an item's field (no guide needed).
    pub(crate) fn with_draft_field(&self, lang: Lang, target: &Target, ed: &mut Editor) {
        let Some(d) = self.draft(&target.draft_target()) else {
            return;
        };
        if let (Editor::Line { input, error, .. }, Target::Field { kind, item, spec }) =
            (ed, target)
        {
            *input = Input::new(d.text.clone());
            let mut probe = self.visit.clone();
            *error = self
                .commit_field(&mut probe, lang, *kind, *item, spec, &ed_probe(&d.text))
                .err();
        }
    }

    /// Why a draft is not a value yet (for the outline, the form and the check view).
    pub fn draft_reason(&self, guide: &Guide, lang: Lang, draft: &Draft) -> String {
        let editor = ed_probe(&draft.text);
        match self.target_of(guide, &draft.target) {
            Some(target) => self.apply(guide, lang, &target, &editor).err(),
            None => None,
        }
        .unwrap_or_default()
    }

    /// The editor target a draft belongs to, if it still exists.
    pub fn target_of(&self, guide: &Guide, d: &DraftTarget) -> Option<Target> {
        match d {
            DraftTarget::Question(q) => guide.question(q).map(|_| Target::Question(q.clone())),
            DraftTarget::Field { item, key } => {
                let kind = self.kind_of_item(*item)?;
                let spec = fields::specs(kind).into_iter().find(|s| s.key == key)?;
                Some(Target::Field {
                    kind,
                    item: *item,
                    spec,
                })
            }
            DraftTarget::Note(_) => None,
        }
    }

    fn kind_of_item(&self, item: uuid::Uuid) -> Option<SectionKind> {
        [
            SectionKind::Attendees,
            SectionKind::Obstacles,
            SectionKind::Strategies,
            SectionKind::Handovers,
            SectionKind::Figures,
        ]
        .into_iter()
        .find(|k| {
            fields::items(&self.visit, *k)
                .iter()
                .any(|i| fields::item_id(i) == Some(item))
        })
    }

    /// The section index a draft belongs to.
    pub fn draft_section(&self, guide: &Guide, d: &DraftTarget) -> Option<usize> {
        match d {
            DraftTarget::Question(q) => guide
                .sections
                .iter()
                .position(|s| s.questions.iter().any(|x| &x.id == q)),
            DraftTarget::Field { item, .. } => {
                let kind = self.kind_of_item(*item)?;
                guide.sections.iter().position(|s| s.kind == kind)
            }
            DraftTarget::Note(_) => None,
        }
    }

    /// Goes to a draft's place and opens its editor (the check view's Enter).
    pub fn open_draft(&mut self, guide: &Guide, lang: Lang, d: &DraftTarget) {
        let Some(section) = self.draft_section(guide, d) else {
            return;
        };
        let Some(target) = self.target_of(guide, d) else {
            return;
        };
        self.go_to_target(guide, section, &target);
        self.reopen(guide, lang, target);
    }

    fn go_to_target(&mut self, guide: &Guide, section: usize, target: &Target) {
        self.go_section(guide, section);
        match target {
            Target::Question(q) => {
                let id = guide.sections[section].id.clone();
                self.jump_to(guide, &id, Some(q));
            }
            Target::Field { kind, item, spec } => {
                self.item = Some(*item);
                self.field = fields::specs(*kind)
                    .iter()
                    .position(|s| s.key == spec.key)
                    .unwrap_or(0);
            }
        }
    }

    /// Opens the editor of `target` again (after a note, or from the check view).
    pub(crate) fn reopen(&mut self, guide: &Guide, lang: Lang, target: Target) {
        match target {
            Target::Question(q) => {
                if let Some((_, q)) = guide.question(&q) {
                    let q = q.clone();
                    self.start_question(guide, &q, lang);
                }
            }
            Target::Field { kind, item, spec } => self.start_field(kind, item, spec, lang),
        }
    }

    /// Opens the note box: a new note (with the draft left from last time) or a correction.
    pub(crate) fn open_note(&mut self, edit: Option<uuid::Uuid>) {
        let text = match edit {
            Some(id) => self
                .visit
                .notes
                .iter()
                .find(|n| n.id == id)
                .map(|n| n.text.clone())
                .unwrap_or_default(),
            None => std::mem::take(&mut self.note_draft),
        };
        self.note_edit = edit;
        self.popup = Some(Popup::Note {
            input: Input::new(text),
        });
        self.origin = self.typed();
    }

    /// The note box closed: a correction goes back to the notes panel, on the note; a new note
    /// back to the field it interrupted, if any.
    pub(crate) fn after_note(&mut self, guide: &Guide, lang: Lang) {
        if let Some(id) = self.note_edit.take() {
            let notes = &self.visit.notes;
            let cursor = notes.iter().position(|n| n.id == id);
            let cursor = cursor.unwrap_or(notes.len().saturating_sub(1));
            self.popup = Some(Popup::Notes { cursor });
            return;
        }
        if let Some(target) = self.resume.take() {
            self.reopen(guide, lang, target);
        }
    }

    /// After a crash: back to where the auditor was, the recovered text in its editor.
    pub fn recover(&mut self, guide: &Guide, lang: Lang, j: &Journal) {
        let draft = &j.draft;
        if let DraftTarget::Note(edit) = &draft.target {
            self.open_note(*edit);
            if let Some(Popup::Note { input }) = self.popup.as_mut() {
                *input = Input::new(draft.text.clone());
            }
        } else if let (Some(target), Some(section)) = (
            self.target_of(guide, &draft.target),
            self.draft_section(guide, &draft.target),
        ) {
            self.go_to_target(guide, section, &target);
            self.reopen(guide, lang, target);
            match self.editor.as_mut() {
                Some((_, Editor::Line { input, error, .. })) => {
                    *input = Input::new(draft.text.clone());
                    *error = None;
                }
                Some((_, ed @ Editor::Multi { .. })) => *ed = multi(&draft.text),
                _ => {}
            }
        }
        // Journaled already: the next key that changes it, or a commit, updates the journal.
        self.journaled = Some(draft.text.clone());
    }

    /// A paste goes whole into the field being edited; it is never read as keys.
    pub fn paste(&mut self, text: &str) {
        match self.popup.as_mut() {
            Some(Popup::Note { input })
            | Some(Popup::Reason { input, .. })
            | Some(Popup::Goto { input, .. }) => {
                insert(input, &clean_paste(text, false));
                return;
            }
            Some(_) => return,
            None => {}
        }
        match self.editor.as_mut() {
            Some((
                _,
                Editor::Line {
                    input,
                    error,
                    suggestion,
                },
            )) => {
                insert(input, &clean_paste(text, false));
                *error = None;
                *suggestion = None;
            }
            Some((_, Editor::Multi { area })) => {
                area.insert_str(clean_paste(text, true));
            }
            _ => {}
        }
    }
}

/// A line editor holding `text`, to ask whether it would be accepted.
fn ed_probe(text: &str) -> Editor {
    Editor::Line {
        input: Input::new(text.to_string()),
        error: None,
        suggestion: None,
    }
}

#[cfg(test)]
mod tests {
    use super::clean_paste;

    #[test]
    fn a_paste_loses_control_characters_and_keeps_lines_only_where_there_are_lines() {
        let hostile = "PASTE1 \x1b]0;PWN\x07 after\nline2\tctrl\x01";
        assert_eq!(
            clean_paste(hostile, false),
            "PASTE1 ]0;PWN after line2 ctrl"
        );
        assert_eq!(
            clean_paste(hostile, true),
            "PASTE1 ]0;PWN after\nline2 ctrl"
        );
        assert_eq!(clean_paste("a\r\nb\u{9b}c", true), "a\nbc");
    }
}
