//! What Pantau committed, known outside sled: how many visits, visits in the trash, audit
//! events, list summaries and follow-up facts the database holds, and a digest of their
//! records — every tree Pantau writes a record to with each commit.
//!
//! sled "recovers" damaged files by dropping what it cannot read, and may come back empty or
//! with an older state without an error (issue 13: one flipped byte emptied a database under
//! "Basis data utuh"). So every commit also notes the tally of the state it leaves in the
//! commit mark (see [`super::open::CommitMark`]), and an open that reads anything else is
//! damage.
//!
//! The digest is an order-independent sum of one 64-bit value per record (CRC-32 of the tree
//! and key, CRC-32 of the tree, key and value), so a commit updates it from the records it
//! writes and the ones they replace, without reading the rest of the database: the committed
//! field path stays about as cheap as before (`benches/perf.rs`). Not a defence against
//! someone forging records on purpose, only against damage.
//!
//! Reads of whole trees go through [`scan`], which is bounded: keys must come in strictly
//! increasing order (a damaged sled tree was seen to yield the same records for ever, issue 13
//! point 3), and no more records than the tally knows of (plus slack).
//!
//! The derived trees (`summaries`, `facts`) have their own counts and digest: a mark written
//! before they were covered (format `P2`, see [`super::mark`]) still verifies the visits, trash
//! and events it knew of, and damage in a summary no longer passes the open check (issue 13
//! point 2: `overview` and `list` read those trees, not the visits).

use std::cell::RefCell;

use super::StoreError;

/// The record kinds the tally counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Visit,
    Trash,
    Event,
    /// A list summary (`summaries`), derived from its visit.
    Summary,
    /// Follow-up facts (`facts`), derived from its visit.
    Fact,
}

impl Kind {
    fn tag(self) -> u8 {
        match self {
            Kind::Visit => 1,
            Kind::Trash => 2,
            Kind::Event => 3,
            Kind::Summary => 4,
            Kind::Fact => 5,
        }
    }

    fn derived(self) -> bool {
        matches!(self, Kind::Summary | Kind::Fact)
    }
}

/// Counts and digest of the visits, trash and audit trees, counts and digest of the derived
/// trees (summaries, facts), and the newest audit sequence. Arithmetic wraps, so a tally can
/// also hold the difference a commit makes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub seq: u64,
    pub visits: u64,
    pub trash: u64,
    pub events: u64,
    /// Of the visits, trash and audit records.
    pub digest: u64,
    pub summaries: u64,
    pub facts: u64,
    /// Of the summaries and facts records.
    pub derived: u64,
}

/// One record's share of the digest.
pub(crate) fn element(kind: Kind, key: &[u8], value: &[u8]) -> u64 {
    let mut h = crc32fast::Hasher::new();
    h.update(&[kind.tag()]);
    h.update(key);
    let high = h.clone().finalize();
    h.update(value);
    (u64::from(high) << 32) | u64::from(h.finalize())
}

impl Tally {
    fn count(&mut self, kind: Kind) -> &mut u64 {
        match kind {
            Kind::Visit => &mut self.visits,
            Kind::Trash => &mut self.trash,
            Kind::Event => &mut self.events,
            Kind::Summary => &mut self.summaries,
            Kind::Fact => &mut self.facts,
        }
    }

    fn digest_of(&mut self, kind: Kind) -> &mut u64 {
        if kind.derived() {
            &mut self.derived
        } else {
            &mut self.digest
        }
    }

    pub(crate) fn add(&mut self, kind: Kind, key: &[u8], value: &[u8]) {
        let c = self.count(kind);
        *c = c.wrapping_add(1);
        let d = self.digest_of(kind);
        *d = d.wrapping_add(element(kind, key, value));
        if kind == Kind::Event
            && let Some(seq) = super::keys::seq_from_key(key)
        {
            self.seq = self.seq.max(seq);
        }
    }

    pub(crate) fn remove(&mut self, kind: Kind, key: &[u8], value: &[u8]) {
        let c = self.count(kind);
        *c = c.wrapping_sub(1);
        let d = self.digest_of(kind);
        *d = d.wrapping_sub(element(kind, key, value));
    }

    /// This tally with the difference `d` made by a commit.
    pub(crate) fn plus(&self, d: &Tally) -> Tally {
        Tally {
            seq: self.seq.max(d.seq),
            visits: self.visits.wrapping_add(d.visits),
            trash: self.trash.wrapping_add(d.trash),
            events: self.events.wrapping_add(d.events),
            digest: self.digest.wrapping_add(d.digest),
            summaries: self.summaries.wrapping_add(d.summaries),
            facts: self.facts.wrapping_add(d.facts),
            derived: self.derived.wrapping_add(d.derived),
        }
    }

    /// Same records (the sequence number is not part of the content).
    pub(crate) fn same_content(&self, other: &Tally) -> bool {
        self.same_core(other)
            && (self.summaries, self.facts, self.derived)
                == (other.summaries, other.facts, other.derived)
    }

    /// Same visits, trash and events (what a mark of format `P2` knew of).
    pub(crate) fn same_core(&self, other: &Tally) -> bool {
        (self.visits, self.trash, self.events, self.digest)
            == (other.visits, other.trash, other.events, other.digest)
    }

    /// How many records a scan of `kind`'s tree may yield before it is a runaway: what is
    /// committed, with room for what a commit in flight adds.
    pub(crate) fn limit(&self, kind: Kind) -> u64 {
        let n = match kind {
            Kind::Visit => self.visits,
            Kind::Trash => self.trash,
            Kind::Event => self.events,
            // One per live visit: a mark that did not count them still bounds them.
            Kind::Summary => self.summaries.max(self.visits),
            Kind::Fact => self.facts.max(self.visits),
        };
        n.saturating_add(n / 8).saturating_add(4096)
    }

    /// A bound that only the key order limits (see [`scan`]).
    pub(crate) fn unbounded() -> Tally {
        Tally {
            visits: u64::MAX / 4,
            trash: u64::MAX / 4,
            events: u64::MAX / 4,
            summaries: u64::MAX / 4,
            facts: u64::MAX / 4,
            ..Tally::default()
        }
    }

    pub(crate) fn describe(&self) -> String {
        format!(
            "{} visits, {} in the trash, {} events, {} summaries, {} facts records",
            self.visits, self.trash, self.events, self.summaries, self.facts
        )
    }
}

thread_local! {
    /// The difference the transaction running on this thread makes (see [`record`]).
    static DELTA: RefCell<Option<Tally>> = const { RefCell::new(None) };
}

/// Starts noting what a transaction attempt writes (sled may run the closure more than once:
/// each attempt starts afresh).
pub(crate) fn begin_attempt() {
    DELTA.with_borrow_mut(|d| *d = Some(Tally::default()));
}

/// What the last attempt noted, and stops noting.
pub(crate) fn end_attempt() -> Option<Tally> {
    DELTA.with_borrow_mut(Option::take)
}

/// Notes that `key` of `kind` went from `old` to `new` in the transaction on this thread.
pub(crate) fn record(kind: Kind, key: &[u8], old: Option<&[u8]>, new: Option<&[u8]>) {
    DELTA.with_borrow_mut(|d| {
        if let Some(d) = d {
            if let Some(old) = old {
                d.remove(kind, key, old);
            }
            if let Some(new) = new {
                d.add(kind, key, new);
            }
        }
    });
}

/// Calls `each` for every record of `tree`, in key order, stopping with damage when sled
/// yields a key not above the one before (the loop seen on damaged files) or more than `limit`
/// records.
pub(crate) fn scan(
    tree: &sled::Tree,
    name: &str,
    limit: u64,
    mut each: impl FnMut(&sled::IVec, &sled::IVec) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut last: Option<sled::IVec> = None;
    let mut n: u64 = 0;
    for kv in tree {
        let (k, v) = kv.map_err(super::read_error)?;
        n += 1;
        if n > limit {
            return Err(runaway(name, format!("more than {limit} records")));
        }
        if last.as_ref().is_some_and(|l| *l >= k) {
            return Err(runaway(name, "keys out of order (a loop)".into()));
        }
        each(&k, &v)?;
        last = Some(k);
    }
    Ok(())
}

/// Like [`scan`], over the keys under `prefix` only.
pub(crate) fn scan_prefix(
    tree: &sled::Tree,
    name: &str,
    prefix: &[u8],
    limit: u64,
    mut each: impl FnMut(&sled::IVec, &sled::IVec) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut last: Option<sled::IVec> = None;
    let mut n: u64 = 0;
    for kv in tree.scan_prefix(prefix) {
        let (k, v) = kv.map_err(super::read_error)?;
        n += 1;
        if n > limit || !k.starts_with(prefix) {
            return Err(runaway(name, format!("more than {limit} records")));
        }
        if last.as_ref().is_some_and(|l| *l >= k) {
            return Err(runaway(name, "keys out of order (a loop)".into()));
        }
        each(&k, &v)?;
        last = Some(k);
    }
    Ok(())
}

/// sled's iterator for code that works with sled's errors (the roll-back of an import, which
/// runs before a store exists): ends with [`sled::Error::Corruption`] where [`scan`] stops,
/// when a key is not above the one before or after `limit` records.
pub(crate) fn bounded(
    iter: sled::Iter,
    limit: u64,
) -> impl Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>> {
    let mut last: Option<sled::IVec> = None;
    let mut n: u64 = 0;
    let mut stopped = false;
    iter.map_while(move |kv| {
        if stopped {
            return None;
        }
        let damage = || sled::Error::Corruption { at: None, bt: () };
        let (k, v) = match kv {
            Ok(kv) => kv,
            Err(e) => {
                stopped = true;
                return Some(Err(e));
            }
        };
        n += 1;
        if n > limit || last.as_ref().is_some_and(|l| *l >= k) {
            stopped = true;
            return Some(Err(damage()));
        }
        last = Some(k.clone());
        Some(Ok((k, v)))
    })
}

fn runaway(tree: &str, detail: String) -> StoreError {
    StoreError::Corrupt {
        detail: format!("reading {tree}: {detail}"),
    }
}

/// The tally of what the trees hold, read in full (each tree bounded by `bound`'s count).
pub(crate) fn count(h: &super::Handles, bound: &Tally) -> Result<Tally, StoreError> {
    let mut t = Tally::default();
    let trees = [
        (&h.visits, super::keys::VISITS, Kind::Visit),
        (&h.trash, super::keys::TRASH, Kind::Trash),
        (&h.audit, super::keys::AUDIT, Kind::Event),
        (&h.summaries, super::keys::SUMMARIES, Kind::Summary),
        (&h.facts, super::keys::FACTS, Kind::Fact),
    ];
    for (tree, name, kind) in trees {
        scan(tree, name, bound.limit(kind), |k, v| {
            t.add(kind, k, v);
            Ok(())
        })?;
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_does_not_depend_on_order_and_a_removal_undoes_an_addition() {
        let mut a = Tally::default();
        a.add(Kind::Visit, b"k1", b"one");
        a.add(Kind::Event, b"k2", b"two");
        let mut b = Tally::default();
        b.add(Kind::Event, b"k2", b"two");
        b.add(Kind::Visit, b"k1", b"one");
        assert!(a.same_content(&b));
        b.add(Kind::Trash, b"k3", b"three");
        assert!(!a.same_content(&b));
        b.remove(Kind::Trash, b"k3", b"three");
        assert!(a.same_content(&b));
        assert_eq!((b.visits, b.trash, b.events), (1, 0, 1));
    }

    #[test]
    fn a_changed_byte_a_moved_record_or_another_tree_changes_the_digest() {
        let base = element(Kind::Visit, b"key", b"value");
        assert_ne!(base, element(Kind::Visit, b"key", b"valuf"));
        assert_ne!(base, element(Kind::Visit, b"kez", b"value"));
        assert_ne!(base, element(Kind::Trash, b"key", b"value"));
        assert_ne!(base, element(Kind::Summary, b"key", b"value"));
        // A derived record counts in the derived digest only.
        let mut t = Tally::default();
        t.add(Kind::Fact, b"key", b"value");
        assert_eq!((t.facts, t.digest), (1, 0));
        assert_ne!(t.derived, 0);
        assert!(t.same_core(&Tally::default()) && !t.same_content(&Tally::default()));
    }

    #[test]
    fn a_commit_difference_added_to_a_tally_gives_the_tally_after_it() {
        let mut before = Tally::default();
        before.add(Kind::Visit, b"v", b"rev 1");
        // The commit replaces the visit and adds an event.
        let mut d = Tally::default();
        d.remove(Kind::Visit, b"v", b"rev 1");
        d.add(Kind::Visit, b"v", b"rev 2");
        d.add(Kind::Event, &[0u8; 24], b"edit");
        let mut after = Tally::default();
        after.add(Kind::Visit, b"v", b"rev 2");
        after.add(Kind::Event, &[0u8; 24], b"edit");
        assert!(before.plus(&d).same_content(&after));
        assert_eq!(before.plus(&d).visits, 1);
    }

    /// The tally a store keeps commit by commit is the one a full read gives, through every
    /// kind of commit, and it is what the next open finds.
    #[test]
    fn the_kept_tally_matches_a_full_count_after_every_kind_of_commit() {
        use crate::domain::{AuditAction, Stamp};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let store = super::super::Store::open(&path).unwrap();
        let counted =
            |store: &super::super::Store| count(&store.h().unwrap(), &Tally::unbounded()).unwrap();
        let stamp = Stamp::new(chrono::Utc::now(), "t");
        let mut v = store.create(&crate::demo::karo_visit(), &stamp).unwrap();
        assert_eq!(store.tally(), counted(&store));
        v.venue = "Aula 2".into();
        let v = store
            .update(&v, &stamp, AuditAction::Edit, "")
            .unwrap()
            .unwrap();
        // Nothing changed: nothing written, the tally stays.
        assert!(
            store
                .update(&v, &stamp, AuditAction::Edit, "")
                .unwrap()
                .is_none()
        );
        assert_eq!(store.tally(), counted(&store));
        store.delete(v.id, &stamp).unwrap();
        assert_eq!(store.tally(), counted(&store));
        assert_eq!((store.tally().visits, store.tally().trash), (0, 1));
        store.restore(v.id, &stamp).unwrap();
        store
            .import_histories(&crate::synth::histories(5, 7))
            .unwrap();
        let t = store.tally();
        assert_eq!(t, counted(&store));
        assert_eq!((t.visits, t.trash), (6, 0));
        assert_eq!(t.events, counted(&store).events);
        drop(store);
        let again = super::super::Store::open(&path).unwrap();
        assert_eq!(again.tally(), t);
    }
}
