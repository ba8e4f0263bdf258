//! The district field is a picker over the official list: typing a name or code shows the
//! districts that fit, and Enter takes the highlighted one (a typed code is checked instead).

use tui_input::Input;

use super::{Editor, Interview, Target};
use crate::domain::wilayah::{self, Regency};
use crate::guide::{Bind, Guide};

/// How many districts the picker shows.
pub const SHOWN: usize = 5;

impl Interview {
    fn editing_district(&self, guide: &Guide) -> Option<&str> {
        match &self.editor {
            Some((Target::Question(q), Editor::Line { input, .. }))
                if guide
                    .question(q)
                    .is_some_and(|(_, q)| q.bind == Some(Bind::District)) =>
            {
                Some(input.value())
            }
            _ => None,
        }
    }

    /// While the district is typed: the official districts that fit, best first.
    pub fn district_matches(&self, guide: &Guide) -> Vec<&'static Regency> {
        match self.editing_district(guide) {
            Some(typed) => wilayah::find(typed, SHOWN),
            None => vec![],
        }
    }

    /// Before the district is committed: a typed name becomes the highlighted (or best) match.
    /// A typed code is left to the parser, which refuses an unknown one with the nearest names
    /// rather than guess.
    pub(crate) fn resolve_district(&self, guide: &Guide, target: &Target, editor: &mut Editor) {
        let Target::Question(q) = target else {
            return;
        };
        if !guide
            .question(q)
            .is_some_and(|(_, q)| q.bind == Some(Bind::District))
        {
            return;
        }
        let Editor::Line {
            input, suggestion, ..
        } = editor
        else {
            return;
        };
        let typed = input.value().trim().to_string();
        let index = match suggestion {
            Some(i) => Some(*i),
            None if !typed.starts_with(|c: char| c.is_ascii_digit()) => Some(0),
            None => None,
        };
        if let Some(r) = index.and_then(|i| wilayah::find(&typed, SHOWN).get(i).copied()) {
            *input = Input::new(r.label());
            *suggestion = None;
        }
    }
}
