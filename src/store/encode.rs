//! Encoding a visit one revision after another.
//!
//! Every committed field of an interview writes the whole visit again, and a visit of a long
//! meeting (60 attendees, 200 notes) is some 50 KB of JSON: encoding it and diffing it whole cost
//! more than sled's commit itself. So the store keeps the last revision it wrote with the byte
//! range of each member, and the next revision re-encodes only the members that differ from it
//! (compared as typed values) and diffs only those for the audit log. The bytes are the same
//! as `serde_json::to_vec` gives (a test holds them to it); a revision not in the cache is
//! encoded whole.

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::domain::{
    Answer, AnswerValue, Conflict, FieldChange, Figure, Note, Visit, diff_encoded, diff_members,
};

/// A revision as written: the visit, its bytes, and where each member's value sits in them.
#[derive(Clone)]
pub(super) struct Encoded {
    pub visit: Visit,
    pub bytes: sled::IVec,
    members: Vec<(&'static str, Range<usize>)>,
}

/// A revision's bytes and where each member sits in them, made from a borrowed visit: a commit
/// encodes inside a transaction that may run more than once, and the visit is moved into its
/// [`Encoded`] only once the commit is done.
pub(super) struct Layout {
    pub bytes: sled::IVec,
    members: Vec<(&'static str, Range<usize>)>,
}

/// Members the store sets itself; the audit log leaves them out (see [`super::content`]).
const BOOKKEEPING: [&str; 2] = ["revision", "updated"];

impl Encoded {
    /// `visit` encoded whole.
    #[cfg(test)]
    pub fn new(visit: Visit) -> serde_json::Result<Encoded> {
        let layout = encode(None, &visit)?;
        Ok(Encoded::from_layout(visit, layout))
    }

    /// `next` encoded, reusing this revision's bytes for every member that did not change, with
    /// the audit changes from this revision to `next`.
    #[cfg(test)]
    pub fn next(&self, next: Visit) -> serde_json::Result<(Encoded, Vec<FieldChange>)> {
        let layout = self.layout(&next)?;
        let changes = self.changes_to(&layout)?;
        Ok((Encoded::from_layout(next, layout), changes))
    }

    /// `next`'s bytes, reusing this revision's for every member that did not change.
    pub fn layout(&self, next: &Visit) -> serde_json::Result<Layout> {
        encode(Some(self), next)
    }

    /// The audit changes from this revision to the one laid out in `next`.
    pub fn changes_to(&self, next: &Layout) -> serde_json::Result<Vec<FieldChange>> {
        diff_members(
            &members(&self.bytes, &self.members),
            &members(&next.bytes, &next.members),
            &BOOKKEEPING,
        )
    }

    /// The revision `visit` whose bytes `layout` holds.
    pub fn from_layout(visit: Visit, layout: Layout) -> Encoded {
        Encoded {
            visit,
            bytes: layout.bytes,
            members: layout.members,
        }
    }

    fn member(&self, name: &str) -> Option<&[u8]> {
        let (_, range) = self.members.iter().find(|(n, _)| *n == name)?;
        self.bytes.get(range.clone())
    }
}

impl Layout {
    /// `visit` encoded whole.
    pub fn new(visit: &Visit) -> serde_json::Result<Layout> {
        encode(None, visit)
    }
}

/// Each member's name and JSON text.
fn members<'a>(
    bytes: &'a [u8],
    ranges: &[(&'static str, Range<usize>)],
) -> BTreeMap<&'static str, &'a [u8]> {
    ranges
        .iter()
        .filter_map(|(name, range)| Some((*name, bytes.get(range.clone())?)))
        .collect()
}

/// The audit changes between two encoded visits, when no cached revision is at hand.
pub(super) fn changes(old: &[u8], new: &[u8]) -> serde_json::Result<Vec<FieldChange>> {
    diff_encoded(old, new, &BOOKKEEPING)
}

/// Encodes `visit` member by member, in the order serde's derive writes them, copying the bytes
/// of members equal to those of `prev`.
fn encode(prev: Option<&Encoded>, visit: &Visit) -> serde_json::Result<Layout> {
    let mut out = Writer {
        prev,
        bytes: Vec::with_capacity(prev.map_or(4096, |p| p.bytes.len() + 256)),
        members: Vec::with_capacity(24),
    };
    out.bytes.push(b'{');
    {
        // Exhaustive on purpose: a field added to `Visit` must be added here, or this fails to
        // compile (and the test against serde_json catches a wrong order or attribute).
        let Visit {
            id,
            guide,
            district,
            start,
            venue,
            kind,
            purpose,
            instruction,
            team,
            status,
            created,
            updated,
            revision,
            attendees,
            obstacles,
            strategies,
            handovers,
            answers,
            notes,
            figures,
            source,
            finalisation,
            amendments,
            conflicts,
        } = visit;
        let old = prev.map(|p| &p.visit);
        // A member's old bytes are reused only when it is equal *as JSON*. `PartialEq` is that
        // for most types, but not for a `DateTime<FixedOffset>` (equal instants in two zones
        // are equal) nor for an `f64` (0.0 == -0.0): the members holding those compare with a
        // stricter test, below. A type added to the model that has such an equality must be
        // added there too (the tests of this module change each of them alone).
        macro_rules! member {
            ($name:ident) => {
                member!($name, |a, b| a == b)
            };
            ($name:ident, $same:expr) => {
                out.member(
                    stringify!($name),
                    $name,
                    old.is_some_and(|o| $same(&o.$name, $name)),
                )?
            };
        }
        member!(id);
        member!(guide);
        member!(district);
        member!(start, same_start);
        member!(venue);
        member!(kind);
        member!(purpose);
        member!(instruction);
        member!(team);
        member!(status);
        member!(created);
        member!(updated);
        member!(revision);
        member!(attendees);
        member!(obstacles);
        member!(strategies);
        member!(handovers);
        member!(answers, same_answers);
        member!(notes, same_notes);
        member!(figures, same_figures);
        member!(source);
        member!(finalisation);
        member!(amendments);
        // `skip_serializing_if = "Vec::is_empty"` in the model.
        // Conflicts hold JSON values (floats among them): always encoded; usually empty.
        if !conflicts.is_empty() {
            member!(conflicts, |_: &Vec<Conflict>, _: &Vec<Conflict>| false);
        }
    }
    out.bytes.push(b'}');
    Ok(Layout {
        bytes: out.bytes.into(),
        members: out.members,
    })
}

fn same_offset(a: &DateTime<FixedOffset>, b: &DateTime<FixedOffset>) -> bool {
    a == b && a.offset() == b.offset()
}

fn same_start(a: &Option<DateTime<FixedOffset>>, b: &Option<DateTime<FixedOffset>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same_offset(a, b),
        (None, None) => true,
        _ => false,
    }
}

fn same_notes(a: &[Note], b: &[Note]) -> bool {
    a == b && a.iter().zip(b).all(|(x, y)| same_offset(&x.at, &y.at))
}

fn same_figures(a: &[Figure], b: &[Figure]) -> bool {
    a == b
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.value.to_bits() == y.value.to_bits())
}

fn same_answers(a: &BTreeMap<String, Answer>, b: &BTreeMap<String, Answer>) -> bool {
    a == b
        && a.values()
            .zip(b.values())
            .all(|(x, y)| match (&x.value, &y.value) {
                (AnswerValue::DateTime(x), AnswerValue::DateTime(y)) => same_offset(x, y),
                (AnswerValue::Percentage(x), AnswerValue::Percentage(y)) => {
                    x.to_bits() == y.to_bits()
                }
                _ => true,
            })
}

struct Writer<'a> {
    prev: Option<&'a Encoded>,
    bytes: Vec<u8>,
    members: Vec<(&'static str, Range<usize>)>,
}

impl Writer<'_> {
    fn member<T: Serialize>(
        &mut self,
        name: &'static str,
        value: &T,
        unchanged: bool,
    ) -> serde_json::Result<()> {
        if self.members.is_empty() {
            self.bytes.push(b'"');
        } else {
            self.bytes.extend_from_slice(b",\"");
        }
        // Member names are plain identifiers: nothing to escape.
        self.bytes.extend_from_slice(name.as_bytes());
        self.bytes.extend_from_slice(b"\":");
        let start = self.bytes.len();
        match self.prev.and_then(|p| p.member(name)).filter(|_| unchanged) {
            Some(old) => self.bytes.extend_from_slice(old),
            None => serde_json::to_writer(&mut self.bytes, value)?,
        }
        self.members.push((name, start..self.bytes.len()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::diff_values;
    use crate::domain::merge::content;

    fn visits() -> Vec<Visit> {
        let mut all = crate::synth::visits(20, 3);
        all.push(crate::demo::karo_visit());
        all
    }

    #[test]
    fn bytes_are_those_of_serde_json() {
        for v in visits() {
            let e = Encoded::new(v.clone()).unwrap();
            assert_eq!(&e.bytes[..], &serde_json::to_vec(&v).unwrap()[..]);
        }
    }

    #[test]
    fn next_revision_matches_a_whole_encoding_and_a_whole_diff() {
        for v in visits() {
            let first = Encoded::new(v.clone()).unwrap();
            let mut edits: Vec<Visit> = Vec::new();
            let mut e = v.clone();
            e.venue.push_str(" (ruang 2)");
            e.revision += 1;
            edits.push(e.clone());
            e.attendees.reverse();
            edits.push(e.clone());
            if let Some(n) = e.notes.first_mut() {
                n.text = "Catatan 🙂 baru\u{1b}[31m".into();
            }
            e.conflicts.clear();
            e.amendments += 1;
            edits.push(e.clone());
            e.notes.clear();
            e.start = None;
            edits.push(e);
            for edit in edits {
                let (next, changes) = first.next(edit.clone()).unwrap();
                assert_eq!(&next.bytes[..], &serde_json::to_vec(&edit).unwrap()[..]);
                assert_eq!(changes, diff_values(&content(&v), &content(&edit)));
                let decoded: Visit = serde_json::from_slice(&next.bytes).unwrap();
                assert_eq!(decoded, edit);
            }
        }
    }

    #[test]
    fn a_change_of_zone_or_of_the_sign_of_zero_alone_is_a_change() {
        // Equal as values of their Rust types, different as JSON (and to the auditor).
        let wib = chrono::FixedOffset::east_opt(7 * 3600).unwrap();
        let mut v = crate::demo::karo_visit();
        let at = v.start.unwrap();
        v.start = Some(at.with_timezone(&wib));
        v.notes[0].at = at.with_timezone(&wib);
        v.answers.insert(
            "t".into(),
            Answer::new(AnswerValue::DateTime(at.with_timezone(&wib))),
        );
        v.answers
            .insert("p".into(), Answer::new(AnswerValue::Percentage(0.0)));
        v.figures[0].value = 0.0;
        let first = Encoded::new(v.clone()).unwrap();
        let edits: [fn(&mut Visit); 5] = [
            |e| {
                e.start = e
                    .start
                    .map(|s| s.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap()));
            },
            |e| {
                e.notes[0].at = e.notes[0]
                    .at
                    .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
            },
            |e| {
                if let Some(Answer {
                    value: AnswerValue::DateTime(d),
                    ..
                }) = e.answers.get_mut("t")
                {
                    *d = d.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
                }
            },
            |e| {
                e.answers
                    .insert("p".into(), Answer::new(AnswerValue::Percentage(-0.0)));
            },
            |e| e.figures[0].value = -0.0,
        ];
        for (i, edit) in edits.iter().enumerate() {
            let mut e = v.clone();
            edit(&mut e);
            assert_eq!(e, v, "edit {i} is invisible to PartialEq");
            let (next, changes) = first.next(e.clone()).unwrap();
            assert_eq!(
                &next.bytes[..],
                &serde_json::to_vec(&e).unwrap()[..],
                "edit {i}"
            );
            assert_eq!(changes, diff_values(&content(&v), &content(&e)), "edit {i}");
            // A zone is a change the audit log records; the sign of a zero is kept in the bytes
            // but, as JSON values compare, not a change (`diff_values` says the same).
            if i < 3 {
                assert_eq!(changes.len(), 1, "edit {i}: {changes:?}");
            }
        }
    }

    #[test]
    fn a_conflict_appearing_or_going_is_a_change_of_the_member() {
        let v = crate::demo::karo_visit();
        let mut with = v.clone();
        with.conflicts.push(crate::domain::Conflict {
            id: crate::domain::new_id(),
            path: "venue".into(),
            base: None,
            candidates: Vec::new(),
        });
        let plain = Encoded::new(v.clone()).unwrap();
        let (conflicted, added) = plain.next(with.clone()).unwrap();
        assert_eq!(added, diff_values(&content(&v), &content(&with)));
        let (_, removed) = conflicted.next(v.clone()).unwrap();
        assert_eq!(removed, diff_values(&content(&with), &content(&v)));
        assert_eq!(removed.len(), 1);
    }
}
