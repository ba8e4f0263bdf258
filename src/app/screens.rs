//! The actions of the list, detail, history, trash, documents and conflicts screens.

use uuid::Uuid;

use super::{App, AuditView, Confirm, DOCUMENT_MENU, Effect, Overlay, Screen, Status, TextInput};
use crate::export::DocFormat;
use crate::export::documents::DocumentKind;
use crate::keymap::Action;

impl App {
    pub(super) fn list_action(&mut self, action: Action) -> Vec<Effect> {
        use Action::*;
        let page = self.list.page_size();
        match action {
            Up => self.list.move_by(-1),
            Down => self.list.move_by(1),
            PageUp => self.list.move_by(-page),
            PageDown => self.list.move_by(page),
            First => self.list.selected = 0,
            Last => self.list.move_by(isize::MAX),
            Search => self.search.active = true,
            ClearSearch => return self.clear_search(),
            Open => {
                if let Some(id) = self.list.selected_summary().map(|s| s.id) {
                    return self.open_visit(id);
                }
            }
            Delete => {
                if let Some(s) = self.list.selected_summary() {
                    let label = format!("{} {}", s.district.code, s.district.name);
                    let when = s
                        .start
                        .map(|d| crate::format::datetime_short(self.lang, &d))
                        .unwrap_or_default();
                    self.overlay = Some(Overlay::Confirm(Confirm::Delete {
                        id: s.id,
                        label: format!("{label}, {when}"),
                    }));
                }
            }
            History => {
                if let Some(code) = self
                    .list
                    .selected_summary()
                    .map(|s| s.district.code.clone())
                {
                    return self.open_history(code, Screen::List);
                }
            }
            Trash => {
                self.screen = Screen::Trash;
                self.trash.loading = true;
                return vec![Effect::LoadTrash];
            }
            LoadDemo => return vec![Effect::LoadDemo],
            Sync => return self.start_sync(),
            Board => return self.open_board(None, Screen::List),
            Overview => return self.open_overview(Screen::List),
            NewVisit => return vec![Effect::CreateVisit(Box::new(self.new_visit()))],
            Edit => {
                if let Some(id) = self.list.selected_summary().map(|s| s.id) {
                    return vec![Effect::OpenInterview(id)];
                }
            }
            _ => {}
        }
        vec![]
    }

    pub(super) fn detail_action(&mut self, action: Action) -> Vec<Effect> {
        use Action::*;
        let Some(d) = &self.detail else {
            self.screen = Screen::List;
            return vec![];
        };
        let page = d.page.get().max(1);
        let s = d.scroll.get();
        match action {
            Back => self.screen = self.detail_back.take().unwrap_or(Screen::List),
            Up => d.scroll.set(s.saturating_sub(1)),
            Down => d.scroll.set(s + 1),
            PageUp => d.scroll.set(s.saturating_sub(page)),
            PageDown => d.scroll.set(s + page),
            First => d.scroll.set(0),
            Last => d.scroll.set(usize::MAX / 2),
            History => {
                if let Some(code) = d.visit.as_ref().map(|v| v.district.code.clone()) {
                    return self.open_history(code, Screen::Detail);
                }
            }
            Board => {
                if let Some(code) = d.visit.as_ref().map(|v| v.district.code.clone()) {
                    return self.open_board(Some(code), Screen::Detail);
                }
            }
            Edit => return vec![Effect::OpenInterview(d.id)],
            ErasePerson => self.open_erase(),
            ExportReport => {
                self.overlay = Some(Overlay::Documents {
                    cursor: 0,
                    format: 0,
                });
            }
            ShowConflicts => {
                if d.visit.as_ref().is_some_and(|v| !v.conflicts.is_empty()) {
                    self.overlay = Some(Overlay::Conflicts {
                        cursor: 0,
                        reason: None,
                    });
                } else {
                    self.status = Status::Notice {
                        key: "notice.no_conflicts",
                        arg: String::new(),
                    };
                }
            }
            AuditLog => {
                let id = d.id;
                self.audit = AuditView::default();
                self.screen = Screen::Audit;
                return vec![Effect::LoadAudit(id)];
            }
            _ => {}
        }
        vec![]
    }

    pub(super) fn history_action(&mut self, action: Action) -> Vec<Effect> {
        use Action::*;
        let n = self.history.history.as_ref().map_or(0, |h| h.entries.len());
        let sel = &mut self.history.selected;
        match action {
            Back => self.screen = self.history.back_to.take().unwrap_or(Screen::List),
            Up | PageUp => *sel = sel.saturating_sub(if action == Up { 1 } else { 5 }),
            Down | PageDown => {
                *sel = (*sel + if action == Down { 1 } else { 5 }).min(n.saturating_sub(1));
            }
            Open => {
                let id = self
                    .history
                    .history
                    .as_ref()
                    .and_then(|h| h.entries.get(*sel))
                    .map(|e| e.id);
                if let Some(id) = id {
                    return self.open_visit(id);
                }
            }
            _ => {}
        }
        vec![]
    }

    pub(super) fn trash_action(&mut self, action: Action) -> Vec<Effect> {
        use Action::*;
        let n = self.trash.entries.len();
        match action {
            Back => self.screen = Screen::List,
            Up => self.trash.selected = self.trash.selected.saturating_sub(1),
            Down => self.trash.selected = (self.trash.selected + 1).min(n.saturating_sub(1)),
            Restore => {
                if let Some(e) = self.trash.entries.get(self.trash.selected) {
                    return vec![Effect::Restore(e.visit.id)];
                }
            }
            _ => {}
        }
        vec![]
    }

    /// The (conflict, candidate) pairs of the visit in the detail, in display order.
    pub fn conflict_choices(&self) -> Vec<(Uuid, usize)> {
        let Some(v) = self.detail.as_ref().and_then(|d| d.visit.as_ref()) else {
            return vec![];
        };
        v.conflicts
            .iter()
            .flat_map(|c| (0..c.candidates.len()).map(move |i| (c.id, i)))
            .collect()
    }

    pub(super) fn documents_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(Overlay::Documents { cursor, format }) = self.overlay.as_mut() else {
            return vec![];
        };
        let formats = DocFormat::ALL.len();
        match action {
            Action::Up => *cursor = cursor.saturating_sub(1),
            Action::Down => *cursor = (*cursor + 1).min(DOCUMENT_MENU.len() - 1),
            Action::Left => *format = (*format + formats - 1) % formats,
            Action::Right => *format = (*format + 1) % formats,
            Action::Open => {
                let ((kind, planned), chosen) = (DOCUMENT_MENU[*cursor], DocFormat::ALL[*format]);
                self.overlay = None;
                if let Some(d) = &self.detail {
                    // The report as HTML is what `x` always wrote; it keeps its own effect.
                    if kind == DocumentKind::Report && chosen == DocFormat::Html {
                        return vec![Effect::ExportReport(d.id)];
                    }
                    return vec![Effect::ExportDocument {
                        visit: d.id,
                        kind,
                        format: chosen,
                        planned,
                    }];
                }
            }
            Action::Close => self.overlay = None,
            _ => {}
        }
        vec![]
    }

    pub(super) fn conflicts_action(&mut self, action: Action) -> Vec<Effect> {
        let choices = self.conflict_choices();
        let is_final = self
            .detail
            .as_ref()
            .and_then(|d| d.visit.as_ref())
            .is_some_and(|v| v.is_final());
        let Some(Overlay::Conflicts { cursor, reason }) = self.overlay.as_mut() else {
            return vec![];
        };
        let pick = choices.get(*cursor).copied();
        let settle = |reason: String, app: &mut App| {
            app.overlay = None;
            match (pick, &app.detail) {
                (Some((conflict, choice)), Some(d)) => vec![Effect::ResolveConflict {
                    visit: d.id,
                    conflict,
                    choice,
                    reason,
                }],
                _ => vec![],
            }
        };
        match (reason.as_ref(), action) {
            // Asking why (a final visit): the reason, or back to the choice.
            (Some(input), Action::Commit) => {
                let why = input.0.value().trim().to_string();
                if why.is_empty() {
                    return vec![];
                }
                return settle(why, self);
            }
            (Some(_), Action::Cancel) => *reason = None,
            (Some(_), _) => {}
            (None, Action::Up) => *cursor = cursor.saturating_sub(1),
            (None, Action::Down) => *cursor = (*cursor + 1).min(choices.len().saturating_sub(1)),
            (None, Action::Open) if is_final => *reason = Some(TextInput::default()),
            (None, Action::Open) => return settle(String::new(), self),
            (None, Action::Close) => self.overlay = None,
            _ => {}
        }
        vec![]
    }
}
