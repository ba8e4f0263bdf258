//! The runner's side of the follow-up board: loading the facts and committing an item's change
//! as an audited update of its visit.

use uuid::Uuid;

use super::runner::Runner;
use super::worker::Job;
use crate::app::Msg;
use crate::domain::{AuditAction, VisitFacts};
use crate::followup::{Change, Source, apply};
use crate::i18n::{Lang, Said, t};
use crate::store::StoreError;

impl Runner {
    pub(super) fn load_followups(&self) -> Vec<Msg> {
        match self.store.facts() {
            Ok(f) => vec![Msg::FollowUpsLoaded(f)],
            Err(e) => vec![Msg::Failed(Said::new(|l| e.message(l)))],
        }
    }

    /// Applies `change` to the stored visit and commits it: an `edit` of a draft, an `amend`
    /// (with a reason, counted) of a final visit.
    pub(super) fn update_followup(
        &mut self,
        id: Uuid,
        source: Source,
        change: &Change,
        lang: Lang,
    ) -> Vec<Msg> {
        let mut visit = match self.store.get(id) {
            Ok(Some(v)) => v,
            Ok(None) => {
                return vec![Msg::Failed(Said::new(|l| {
                    StoreError::NotFound(id.to_string()).message(l)
                }))];
            }
            Err(e) => return vec![Msg::Failed(Said::new(|l| e.message(l)))],
        };
        if let Err(e) = apply(&mut visit, source, change) {
            return vec![Msg::Notice {
                key: e.key(),
                arg: String::new(),
            }];
        }
        let (action, reason) = if visit.is_final() {
            visit.amendments += 1;
            (AuditAction::Amend, t(lang, "board.amend_reason"))
        } else {
            (AuditAction::Edit, "")
        };
        match self.store.update(&visit, &self.stamp(), action, reason) {
            Ok(Some(v)) => {
                let facts = VisitFacts::from(&v);
                self.index(Job::Upsert(Box::new(v)));
                vec![
                    Msg::FollowUpUpdated(Box::new(facts)),
                    Msg::Notice {
                        key: "notice.saved",
                        arg: String::new(),
                    },
                ]
            }
            Ok(None) => vec![],
            Err(e) => vec![Msg::Failed(Said::new(|l| e.message(l)))],
        }
    }
}
