//! Results of effects, back from the runtime, applied to the state.

use std::sync::Arc;

use zeroize::Zeroize;

use super::interview::Interview;
use super::{App, Effect, Msg, Screen, Status, board};

impl App {
    pub fn on_msg(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Idle if self.lockable => return self.lock(),
            Msg::Idle => {}
            Msg::Unlocked => self.lock = None,
            Msg::UnlockRefused(why) => {
                if let Some(lock) = self.lock.as_mut() {
                    lock.checking = false;
                    lock.typed.zeroize();
                    lock.message = Some(why);
                }
            }
            Msg::ListLoaded(all) => {
                self.list.set(all);
                if self.search.query.text.is_empty() {
                    self.list.refilter(&self.search.query, None);
                } else {
                    return self.apply_query();
                }
            }
            Msg::VisitLoaded(v) => {
                if let Some(d) = self.detail.as_mut().filter(|d| d.id == v.id) {
                    d.visit = Some(v);
                }
            }
            Msg::TrashLoaded(entries) => {
                self.trash.loading = false;
                self.trash.selected = self.trash.selected.min(entries.len().saturating_sub(1));
                self.trash.entries = entries;
            }
            Msg::HistoryLoaded(h) => {
                self.history.loading = false;
                self.history.selected = h.as_ref().map_or(0, |h| h.entries.len().saturating_sub(1));
                self.history.history = h;
            }
            Msg::IndexProgress { done, total } => {
                self.search.indexing = (done < total).then_some((done, total));
            }
            Msg::SearchDone { generation, hits } => {
                if generation == self.search.generation {
                    self.search.pending = false;
                    self.list.refilter(&self.search.query, Some(&hits));
                    self.search.hits = Some(hits);
                }
            }
            Msg::FollowUpsLoaded(facts) => {
                self.followups_dirty.clear();
                self.board.loading = false;
                self.followups = Some(board::FollowUpData::new(facts));
                self.refilter_board();
            }
            Msg::FollowUpUpdated(facts) => {
                if let Some(d) = self.followups.as_mut() {
                    d.upsert(*facts);
                }
                self.refilter_board();
            }
            // Whole visits came, went or changed outside the interview: the cached follow-up
            // facts are reloaded when next shown.
            Msg::VisitsChanged => self.followups = None,
            Msg::Notice { key, arg } => self.status = Status::Notice { key, arg },
            Msg::Failed(text) => self.status = Status::Error(text),
            Msg::Recovered {
                visit,
                journal,
                drafts,
            } => {
                let effects = self.on_msg(Msg::InterviewLoaded {
                    visit,
                    section: journal.section,
                    row: journal.row,
                    drafts,
                });
                let (guide, lang) = (Arc::clone(&self.guide), self.lang);
                if let Some(iv) = self.interview.as_mut() {
                    iv.recover(&guide, lang, &journal);
                }
                self.status = Status::Notice {
                    key: "meeting.recovered",
                    arg: String::new(),
                };
                return effects;
            }
            Msg::InterviewLoaded {
                visit,
                section,
                row,
                drafts,
            } => {
                let code = visit.district.code.clone();
                self.followups_dirty.insert(visit.id);
                let mut iv = Interview::new(*visit, section, row, self.now);
                iv.drafts = drafts;
                iv.suggestions_for = code.clone();
                self.interview = Some(iv);
                self.screen = Screen::Interview;
                if !code.is_empty() {
                    return self.district_effects(code);
                }
            }
            Msg::VisitSaved(v) => {
                // Refreshed when the board or overview is next opened, not on every field.
                self.followups_dirty.insert(v.id);
                self.status = Status::Notice {
                    key: "notice.saved",
                    arg: String::new(),
                };
                if let Some(iv) = self.interview.as_mut().filter(|iv| iv.visit.id == v.id) {
                    iv.visit = *v;
                    iv.unsaved = false;
                    // The district was just set or changed: offer the people met there before.
                    let code = iv.visit.district.code.clone();
                    if !code.is_empty() && code != iv.suggestions_for {
                        iv.suggestions_for = code.clone();
                        return self.district_effects(code);
                    }
                }
            }
            Msg::SyncFinished(outcome) => return self.sync_finished(outcome),
            Msg::SaveFailed(text) => {
                if let Some(iv) = self.interview.as_mut() {
                    iv.unsaved = true;
                }
                self.status = Status::Error(text);
            }
            Msg::OpenItems(items) => {
                if let Some(iv) = self.interview.as_mut() {
                    iv.open_items = items;
                }
            }
            Msg::Suggestions(people) => {
                if let Some(iv) = self.interview.as_mut() {
                    iv.suggestions = people;
                }
            }
            Msg::AuditLoaded(events) => self.audit.events = events,
        }
        vec![]
    }
}
