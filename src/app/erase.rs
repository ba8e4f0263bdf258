//! Erasing one person's personal data from a visit's detail (issue 20 point 5, UU PDP): `P`
//! lists the attendees and the people of the handovers; Enter asks why (the reason is
//! recorded and required); Enter again erases. The runtime does it as `pantau erase` does, and
//! the database files are rewritten when the app quits.

use super::{App, Effect, Overlay, TextInput};
use crate::domain::erase::{self, Person};
use crate::keymap::Action;

impl App {
    /// Whose data the visit in the detail holds, in the order the popup lists them.
    pub fn erase_people(&self) -> Vec<Person> {
        self.detail
            .as_ref()
            .and_then(|d| d.visit.as_ref())
            .map(|v| erase::people(v))
            .unwrap_or_default()
    }

    pub(super) fn open_erase(&mut self) {
        if self.erase_people().is_empty() {
            self.status = super::Status::Notice {
                key: "erase.tui_nobody",
                arg: String::new(),
            };
            return;
        }
        self.overlay = Some(Overlay::Erase {
            cursor: 0,
            reason: None,
        });
    }

    pub(super) fn erase_action(&mut self, action: Action) -> Vec<Effect> {
        let people = self.erase_people();
        let visit = self.detail.as_ref().map(|d| d.id);
        let Some(Overlay::Erase { cursor, reason }) = self.overlay.as_mut() else {
            return vec![];
        };
        match (reason.as_ref(), action) {
            (Some(input), Action::Commit) => {
                let why = input.0.value().trim().to_string();
                let (Some(p), Some(visit)) = (people.get(*cursor), visit) else {
                    return vec![];
                };
                if why.is_empty() {
                    return vec![];
                }
                let item = p.item;
                self.overlay = None;
                return vec![Effect::ErasePerson {
                    visit,
                    item,
                    reason: why,
                }];
            }
            (Some(_), Action::Cancel) => *reason = None,
            (Some(_), _) => {}
            (None, Action::Up) => *cursor = cursor.saturating_sub(1),
            (None, Action::Down) => *cursor = (*cursor + 1).min(people.len().saturating_sub(1)),
            (None, Action::Open) if !people.is_empty() => *reason = Some(TextInput::default()),
            (None, Action::Close) => self.overlay = None,
            _ => {}
        }
        vec![]
    }
}
