//! Erasing one person's personal data from a visit and its whole history (UU PDP), without
//! breaking the hash-linked log.
//!
//! The person is an attendee or the subject of a handover (a deceased worker and the heirs,
//! a member). Their item's personal fields are replaced with [`MARKER`] (an amount with
//! nothing), and every word of their name is replaced with it wherever it stands in any text
//! of the visit: notes, answers, other items. The same happens to every event of the log,
//! merged branches included, so that replaying the log still gives the visit.
//!
//! A redacted event keeps its `hash`: the next event's link and other laptops' copies name it.
//! The erasure event lists each redacted event with the hash its content now gives, and
//! [`super::chain::verify`] accepts an event whose content gives that hash. The erasure itself
//! is an event of the chain, so the redaction is open in the history, not hidden.
//!
//! Words are found by their folded form (case and diacritics); the erasure keeps them only as
//! salted SHA-256 hashes, so that a merge can erase them from events another laptop sends
//! later. Those hashes stop a casual reader, not a search of guessed names.

use serde_json::Value;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use uuid::Uuid;

use super::{AuditEvent, Redacted, Redaction, Visit};

/// What an erased text reads.
pub const MARKER: &str = "[dihapus]";

/// Words shorter than this are not erased on their own (initials, "S."): they name nobody.
const MIN_WORD: usize = 3;

/// The personal fields of each kind of item that holds a person.
const ATTENDEE_FIELDS: &[&str] = &["prefix_titles", "name", "suffix_titles", "notes"];
const HANDOVER_FIELDS: &[&str] = &["recipient", "subject", "amount", "notes"];

/// Whose data goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub item: Uuid,
    /// `attendees` or `handovers`.
    pub list: &'static str,
    /// How the person reads in the visit, to confirm the choice.
    pub label: String,
    words: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindError {
    /// No attendee or handover matches.
    NotFound,
    /// Several do: their labels.
    Ambiguous(Vec<String>),
}

/// Lower case without diacritics.
fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

fn name_words(s: &str) -> Vec<String> {
    fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= MIN_WORD)
        .map(str::to_string)
        .collect()
}

/// Everyone in the visit whose data can be erased: the attendees, then the handovers that
/// name someone (its subject, or the recipient), in the visit's order. Already erased ones are
/// left out.
pub fn people(v: &Visit) -> Vec<Person> {
    let named = |s: &str| !s.trim().is_empty() && s != MARKER;
    let mut out = Vec::new();
    for a in v.attendees.iter().filter(|a| named(&a.name)) {
        out.push(Person {
            item: a.id,
            list: "attendees",
            label: a.name.clone(),
            words: name_words(&a.name),
        });
    }
    for h in &v.handovers {
        if !named(&h.subject) && !named(&h.recipient) {
            continue;
        }
        // The person is the subject; a recipient alone ("Ahli waris …") names the heirs.
        let name = if named(&h.subject) {
            &h.subject
        } else {
            &h.recipient
        };
        let label = [h.subject.as_str(), h.recipient.as_str()]
            .into_iter()
            .filter(|s| named(s))
            .collect::<Vec<_>>()
            .join(" · ");
        out.push(Person {
            item: h.id,
            list: "handovers",
            label,
            words: name_words(name),
        });
    }
    out
}

/// The one attendee or handover whose name (or recipient) contains `query`, folded.
pub fn find(v: &Visit, query: &str) -> Result<Person, FindError> {
    let q = fold(query.trim());
    if q.is_empty() {
        return Err(FindError::NotFound);
    }
    let mut found: Vec<Person> = people(v)
        .into_iter()
        .filter(|p| fold(&p.label).contains(&q))
        .collect();
    match found.len() {
        0 => Err(FindError::NotFound),
        1 => Ok(found.remove(0)),
        _ => Err(FindError::Ambiguous(
            found.into_iter().map(|p| p.label).collect(),
        )),
    }
}

/// A redaction rule, as an erasure event keeps it.
struct Rule<'a> {
    item: String,
    fields: &'a [&'a str],
    salt: &'a str,
    terms: &'a [String],
}

fn salted(salt: &str, word: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(b"\n");
    h.update(word.as_bytes());
    super::chain::hex(&h.finalize())
}

impl Rule<'_> {
    fn erases_word(&self, word: &str) -> bool {
        word.chars().count() >= MIN_WORD && self.terms.contains(&salted(self.salt, &fold(word)))
    }

    /// `s` with every erased word replaced; `None` when none is in it.
    fn text(&self, s: &str) -> Option<String> {
        let mut out = String::with_capacity(s.len());
        let mut changed = false;
        let mut word_start = None;
        let flush = |out: &mut String, w: &str, changed: &mut bool| {
            if self.erases_word(w) {
                out.push_str(MARKER);
                *changed = true;
            } else {
                out.push_str(w);
            }
        };
        for (i, c) in s.char_indices() {
            if c.is_alphanumeric() {
                word_start.get_or_insert(i);
            } else {
                if let Some(a) = word_start.take() {
                    flush(&mut out, &s[a..i], &mut changed);
                }
                out.push(c);
            }
        }
        if let Some(a) = word_start {
            flush(&mut out, &s[a..], &mut changed);
        }
        changed.then_some(out)
    }

    /// Redacts `v`, which stands at `path` (segments as the log names them: item ids inside
    /// lists of items). Returns whether anything changed.
    fn value(&self, path: &[&str], v: &mut Value) -> bool {
        if let [list, item, field] = path
            && (*list == "attendees" || *list == "handovers")
            && *item == self.item
            && self.fields.contains(field)
        {
            let erased = match v {
                Value::String(s) if s.is_empty() || s == MARKER => return false,
                Value::String(_) => Value::String(MARKER.into()),
                Value::Null => return false,
                _ => Value::Null,
            };
            *v = erased;
            return true;
        }
        match v {
            Value::String(s) => self.text_in_place(s),
            Value::Object(map) => {
                let mut changed = false;
                for (k, x) in map.iter_mut() {
                    let mut p = path.to_vec();
                    p.push(k);
                    changed |= self.value(&p, x);
                }
                changed
            }
            Value::Array(items) => {
                // Lists of items are walked as the log names them, by item id; other lists
                // are one value.
                let ids: Option<Vec<String>> = items
                    .iter()
                    .map(|x| x.get("id").and_then(Value::as_str).map(str::to_string))
                    .collect();
                let mut changed = false;
                for (i, x) in items.iter_mut().enumerate() {
                    let mut p = path.to_vec();
                    if let Some(ids) = &ids {
                        p.push(&ids[i]);
                    }
                    changed |= self.value(&p, x);
                }
                changed
            }
            _ => false,
        }
    }

    fn event(&self, e: &mut AuditEvent) -> bool {
        let mut changed = false;
        for c in &mut e.changes {
            let path: Vec<&str> = if c.path.is_empty() {
                Vec::new()
            } else {
                c.path.split('/').collect()
            };
            for side in [&mut c.old, &mut c.new].into_iter().flatten() {
                changed |= self.value(&path, side);
            }
        }
        changed |= self.text_in_place(&mut e.reason);
        changed
    }

    fn text_in_place(&self, s: &mut String) -> bool {
        match self.text(s) {
            Some(t) => {
                *s = t;
                true
            }
            None => false,
        }
    }

    /// Redacts every event of `events` (merged branches too), noting each one whose content
    /// changed (an event holding a changed branch changes with it).
    fn log(&self, events: &mut [AuditEvent], out: &mut Vec<Redacted>) {
        for e in events {
            let before = super::chain::event_hash(e);
            for b in &mut e.branches {
                self.log(b, out);
            }
            self.event(e);
            let after = super::chain::event_hash(e);
            if after != before {
                out.push(Redacted {
                    event: e.id,
                    content: after,
                });
            }
        }
    }
}

fn rule_of(r: &Redaction) -> Rule<'_> {
    Rule {
        item: r.item.to_string(),
        fields: fields_of(&r.list),
        salt: &r.salt,
        terms: &r.terms,
    }
}

fn fields_of(list: &str) -> &'static [&'static str] {
    if list == "attendees" {
        ATTENDEE_FIELDS
    } else {
        HANDOVER_FIELDS
    }
}

/// The redaction that erases `person`, before it is applied: `salt` is fresh randomness from
/// the caller (the domain draws none of its own).
pub fn redaction(person: &Person, salt: &str) -> Redaction {
    let mut terms: Vec<String> = person.words.iter().map(|w| salted(salt, w)).collect();
    terms.sort();
    terms.dedup();
    Redaction {
        item: person.item,
        list: person.list.to_string(),
        salt: salt.to_string(),
        terms,
        ..Redaction::default()
    }
}

/// Applies `r` to the visit and to its log (`r.events` gets the events it changed). Returns
/// whether the visit's content changed.
pub fn apply(r: &mut Redaction, visit: &mut Visit, history: &mut [AuditEvent]) -> bool {
    let (events, changed) = {
        let rule = rule_of(r);
        let mut events = Vec::new();
        rule.log(history, &mut events);
        let mut content = serde_json::to_value(&*visit).unwrap_or(Value::Null);
        let changed = rule.value(&[], &mut content);
        if changed && let Ok(v) = serde_json::from_value::<Visit>(content) {
            *visit = v;
        }
        (events, changed)
    };
    r.events = events;
    changed
}

/// Every redaction recorded in `events` (merged branches too), oldest first.
pub fn recorded(events: &[AuditEvent]) -> Vec<&Redaction> {
    let mut out = Vec::new();
    fn walk<'a>(events: &'a [AuditEvent], out: &mut Vec<&'a Redaction>) {
        for e in events {
            for b in &e.branches {
                walk(b, out);
            }
            if let Some(r) = &e.redaction {
                out.push(r);
            }
        }
    }
    walk(events, &mut out);
    out
}

/// Carries the erasures recorded in a merged log onto everything in it that came from a
/// laptop that did not know them yet: the redaction to record on the merge event, if any
/// event or the visit changed.
pub fn carry(visit: &mut Visit, history: &mut [AuditEvent]) -> Option<Redaction> {
    let rules: Vec<Redaction> = recorded(history).into_iter().cloned().collect();
    let mut all: Option<Redaction> = None;
    for r in rules {
        let mut again = Redaction {
            events: Vec::new(),
            digest_before: String::new(),
            digest_after: String::new(),
            ..r
        };
        let changed = apply(&mut again, visit, history);
        if changed || !again.events.is_empty() {
            match &mut all {
                None => all = Some(again),
                Some(a) => a.events.extend(again.events),
            }
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::merge::VisitHistory;

    #[test]
    fn a_person_is_found_by_part_of_the_name_and_two_are_told_apart() {
        let v = crate::demo::karo_visit();
        let p = find(&v, "brian adam").unwrap();
        assert_eq!(p.list, "handovers");
        assert_eq!(find(&v, "sebayang").unwrap().list, "attendees");
        assert_eq!(find(&v, "nobody here"), Err(FindError::NotFound));
        assert!(matches!(find(&v, "ahli waris"), Err(FindError::Ambiguous(l)) if l.len() == 2));
    }

    #[test]
    fn erasing_removes_every_word_of_the_name_from_visit_and_log_and_the_log_still_replays() {
        let v = crate::demo::karo_visit();
        let h = VisitHistory::created(v.clone(), Uuid::from_u128(1), v.created, "a");
        let (mut visit, mut log) = (h.visit, h.history);
        let person = find(&visit, "Sebayang").unwrap();
        let mut r = redaction(&person, "salt");
        assert!(apply(&mut r, &mut visit, &mut log));
        let all = serde_json::to_string(&(&visit, &log)).unwrap();
        for word in ["Sebayang", "Cory", "Sriwaty"] {
            assert!(!all.contains(word), "{word} is still there");
        }
        assert!(all.contains("Theopilus Ginting"), "others are kept");
        assert_eq!(r.events.len(), 1);
        assert!(!serde_json::to_string(&r).unwrap().contains("ebayang"));
        let (state, _) = crate::domain::merge::replay(&log).unwrap();
        assert!(crate::domain::same_content(
            &state,
            &crate::domain::merge::content(&visit)
        ));
        // The handover of a death benefit loses its amount too.
        let mut v = crate::demo::karo_visit();
        v.handovers[0].amount = Some(2_450_000_000);
        let mut r = redaction(&find(&v, "Brian").unwrap(), "s");
        apply(&mut r, &mut v, &mut []);
        assert_eq!(v.handovers[0].amount, None);
        assert_eq!(v.handovers[0].recipient, MARKER);
        assert_eq!(
            v.handovers[0].employer,
            "Satpol PP Pemerintah Kabupaten Karo"
        );
    }
}
