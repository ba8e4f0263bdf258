//! Bulk imports of visits new to the database: all or nothing without one big transaction.
//!
//! sled 0.34 applies a transaction's writes in hash order under one epoch guard, so every page
//! version the transaction replaces stays in memory until it ends: importing 10,000 visits
//! (300 MB) that way took 1 GB more memory and two to three times as long as plain inserts in
//! key order (measured with `benches/import_export.rs`). So the visits an import adds are
//! written with plain inserts, in batches once every bundle is read and checked
//! ([`super::importer`]), each batch after its ids are noted in `meta` and flushed ([`begin`]);
//! the transaction that writes the rest of the import removes the notes
//! ([`super::Store::commit`]). A note found when the database is opened means that import did
//! not finish: the noted visits, which had no record at all before it, are removed again
//! ([`roll_back`]), and the database is as it was before the import. A note is flushed
//! before the first record of its batch is written, so no record of the import can be on disk
//! without it; and the closing transaction either lands whole (notes gone, import complete)
//! or not at all.
//! `tests/integration/harden_proc.rs` kills a real import at random moments; `tests/integration/disk_full.rs` fills
//! the disk during one.

use super::{Handles, keys};

/// The `meta` key of note number `n` of an import (one per batch of visits written).
pub(super) fn note_key(n: u32) -> Vec<u8> {
    let mut k = keys::IMPORT_PENDING.to_vec();
    k.extend_from_slice(&n.to_be_bytes());
    k
}

/// Notes, durably, the visits about to be written outside a transaction as batch `n`.
pub(super) fn begin(h: &Handles, n: u32, ids: impl Iterator<Item = [u8; 16]>) -> sled::Result<()> {
    let note: Vec<u8> = ids.flatten().collect();
    h.meta.insert(note_key(n), note)?;
    h.db.flush()?;
    Ok(())
}

/// Removes every record of the visits of an import that did not finish, then its notes.
/// Returns how many visits it removed. Removing again what is already gone is harmless, so a
/// roll-back cut short is simply done again at the next open.
pub(super) fn roll_back(h: &Handles) -> sled::Result<usize> {
    let mut removed = 0;
    let mut notes = Vec::new();
    // Bounded (issue 13 point 3): a damaged tree must not loop here, before any check.
    let unbounded = super::tally::Tally::unbounded();
    let limit = unbounded.limit(super::tally::Kind::Event);
    for note in super::tally::bounded(h.meta.scan_prefix(keys::IMPORT_PENDING), limit) {
        let (key, ids) = note?;
        for id in ids.chunks_exact(16) {
            h.visits.remove(id)?;
            h.summaries.remove(id)?;
            h.facts.remove(id)?;
            h.trash.remove(id)?;
            let mut events = Vec::new();
            for kv in super::tally::bounded(h.audit.scan_prefix(id), limit) {
                events.push(kv?.0);
            }
            for k in events {
                h.audit.remove(k)?;
            }
            removed += 1;
        }
        notes.push(key);
    }
    if notes.is_empty() {
        return Ok(0);
    }
    for key in notes {
        h.meta.remove(key)?;
    }
    h.db.flush()?;
    Ok(removed)
}
