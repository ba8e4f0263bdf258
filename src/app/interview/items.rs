//! The items of a list section: add, delete (with undo) and reorder.

use serde_json::Value;
use uuid::Uuid;

use super::fields;
use super::{Deleted, Interview, RowRef};
use crate::app::Effect;
use crate::domain::{AuditAction, new_id};
use crate::guide::{Guide, SectionKind};
use crate::i18n::Lang;

impl Interview {
    pub(super) fn add_item(&mut self, guide: &Guide, lang: Lang) -> Vec<Effect> {
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

    pub(super) fn selected_item(&self, guide: &Guide) -> Option<Uuid> {
        self.item.or_else(|| match self.rows(guide).get(self.row) {
            Some(RowRef::Item(id)) => Some(*id),
            _ => None,
        })
    }

    pub(super) fn delete_item(&mut self, guide: &Guide) -> Vec<Effect> {
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

    pub(super) fn undo(&mut self, guide: &Guide) -> Vec<Effect> {
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

    pub(super) fn move_item(&mut self, guide: &Guide, delta: isize) -> Vec<Effect> {
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
}
