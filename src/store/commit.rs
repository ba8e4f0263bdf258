//! The one way a change is written: its audit event hash-linked to the head of the log, the
//! visit, its derived records and the event in one transaction, then flushed.

use std::sync::PoisonError;
use std::sync::atomic::Ordering;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};
use uuid::Uuid;

use crate::domain::{
    AuditAction, AuditEvent, FieldChange, Stamp, Visit, VisitFacts, VisitSummary, diff_values,
    new_id,
};

use super::mark::Pending;
use super::tally::Kind;
use super::{
    Counting, Handles, Result, Store, StoreError, Tally, Tx, TxResult, Vault, keys, pending,
    read_error, tally,
};

impl Store {
    /// The hash of the newest event of a visit's log: what its next event follows. Read from
    /// the front of the stored event (`hash` is its first member), without parsing the rest: a
    /// creation holds the whole visit.
    pub(super) fn head_hash(&self, id: Uuid) -> Result<Option<String>> {
        let h = self.h()?;
        let last = h
            .audit
            .scan_prefix(keys::visit_key(id))
            .next_back()
            .transpose()
            .map_err(read_error)?;
        let Some((k, raw)) = last else {
            return Ok(None);
        };
        let raw = h.vault.open(keys::AUDIT, &k, &raw)?;
        const FRONT: &[u8] = b"{\"hash\":\"";
        if let Some(hex) = raw.get(FRONT.len()..FRONT.len() + 64)
            && raw.starts_with(FRONT)
            && raw.get(FRONT.len() + 64) == Some(&b'"')
            && hex.iter().all(u8::is_ascii_hexdigit)
        {
            return Ok(Some(String::from_utf8_lossy(hex).into_owned()));
        }
        let e: AuditEvent = decode(keys::AUDIT, &k, &raw)?;
        Ok(Some(if e.hash.is_empty() {
            crate::domain::chain::event_hash(&e)
        } else {
            e.hash
        }))
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn event(
        &self,
        v: &Visit,
        stamp: &Stamp,
        action: AuditAction,
        reason: &str,
        changes: Vec<FieldChange>,
        follows: Option<&str>,
        settles: Option<crate::domain::Settlement>,
    ) -> AuditEvent {
        let mut e = AuditEvent {
            hash: String::new(),
            id: new_id(),
            visit: v.id,
            at: stamp.at,
            actor: stamp.actor.clone(),
            action,
            revision: v.revision,
            reason: reason.to_string(),
            changes,
            branches: Vec::new(),
            follows: Vec::new(),
            settles,
            redaction: None,
        };
        crate::domain::chain::seal(&mut e, follows.map(str::to_string).into_iter().collect());
        e
    }

    pub(super) fn next_seq(&self) -> Result<u64> {
        self.check_writable()?;
        let h = self.h()?;
        // sled persists its id counter now and then, so this can be the write that fails.
        let id = h.db.generate_id();
        drop(h);
        id.map_err(|e| self.write_failed(e))
    }

    /// Runs `f` as one transaction over the visit trees, then flushes, and notes the tally
    /// the commit leaves in the commit mark (see [`mark`]). `f` writes the records the tally
    /// counts through [`tx_put`] and [`tx_remove`], so the difference it makes is known
    /// without reading anything else. `f` may run more than once (sled retries on conflict),
    /// so it must have no side effects.
    pub(super) fn commit_event<T>(
        &self,
        _visit: Uuid,
        _seq: u64,
        f: impl Fn(&Tx, &Derived, &Tx, &Tx) -> TxResult<T>,
    ) -> Result<T> {
        self.commit(0, Counting::Incremental, f)
    }

    /// [`Store::commit_event`] for an import: the same transaction also ends a bulk import that
    /// wrote `notes` batches (see [`pending`]); its records are counted afresh after it.
    pub(super) fn commit_event_ending<T>(
        &self,
        _visit: Uuid,
        _seq: u64,
        notes: u32,
        f: impl Fn(&Tx, &Derived, &Tx, &Tx) -> TxResult<T>,
    ) -> Result<T> {
        self.commit(notes, Counting::Recount, f)
    }

    /// Runs `f` as one transaction over the visit trees, then flushes. The transaction also
    /// ends a bulk import that wrote `notes` batches (see [`pending`]).
    /// `f` may run more than once (sled retries on conflict), so it must have no side effects.
    pub(super) fn commit<T>(
        &self,
        notes: u32,
        counting: Counting,
        f: impl Fn(&Tx, &Derived, &Tx, &Tx) -> TxResult<T>,
    ) -> Result<T> {
        self.check_writable()?;
        let _one_at_a_time = self
            .shared
            .commit_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let before = self.tally();
        let h = self.h()?;
        let trees = (
            &h.visits,
            &h.summaries,
            &h.trash,
            &h.audit,
            &h.facts,
            &h.meta,
        );
        if counting == Counting::Recount {
            self.shared.mark.write(&before, Pending::Any);
        }
        let delta = std::cell::Cell::new(Tally::default());
        let vault = &h.vault;
        fn tx<'a>(tree: &'a TransactionalTree, name: &'static str, vault: &'a Vault) -> Tx<'a> {
            Tx { tree, name, vault }
        }
        let out = match trees.transaction(|(v, s, t, a, x, m)| {
            for n in 0..notes {
                m.remove(pending::note_key(n))?;
            }
            tally::begin_attempt();
            let out = f(
                &tx(v, keys::VISITS, vault),
                &Derived {
                    summaries: &tx(s, keys::SUMMARIES, vault),
                    facts: &tx(x, keys::FACTS, vault),
                },
                &tx(t, keys::TRASH, vault),
                &tx(a, keys::AUDIT, vault),
            );
            let d = tally::end_attempt().unwrap_or_default();
            if out.is_ok() && counting == Counting::Incremental && d != Tally::default() {
                delta.set(d);
                // Before sled applies it (and its flusher may write it out): a process killed
                // from here on leaves either state, and the mark names both.
                self.shared
                    .mark
                    .write(&before, Pending::Tally(before.plus(&d)));
            }
            out
        }) {
            Ok(out) => out,
            Err(TransactionError::Abort(e)) => return Err(e),
            Err(TransactionError::Storage(e)) => {
                drop(h);
                return Err(self.write_failed(e));
            }
        };
        let flushed = if self.shared.fail_flush.swap(false, Ordering::SeqCst) {
            Err(sled::Error::Io(std::io::ErrorKind::StorageFull.into()))
        } else {
            h.db.flush().map(|_| ())
        };
        if let Err(e) = flushed {
            drop(h);
            return Err(self.write_failed(e));
        }
        let after = match counting {
            Counting::Incremental if delta.get() == Tally::default() => return Ok(out),
            Counting::Incremental => before.plus(&delta.get()),
            Counting::Recount => match tally::count(&h, &Tally::unbounded()) {
                Ok(t) => t,
                // The mark stays "import ending": the next open checks the log's length only.
                Err(_) => return Ok(out),
            },
        };
        self.shared.mark.write(&after, Pending::None);
        *self
            .shared
            .tally
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = after;
        Ok(out)
    }

    /// A write sled could not do. Its memory may now hold what the disk does not, so the handles
    /// are reopened (see [`Store::reopen`]); if that fails too, the next write tries again.
    pub(super) fn write_failed(&self, e: sled::Error) -> StoreError {
        self.shared.failed.store(true, Ordering::SeqCst);
        let _ = self.reopen();
        StoreError::from_write(&e, &self.path)
    }
}

/// The visit as compared for the audit log: without the bookkeeping the store itself sets.
pub fn content(v: &Visit) -> Value {
    crate::domain::merge::content(v)
}

pub(super) fn abort<T>(e: StoreError) -> TxResult<T> {
    Err(ConflictableTransactionError::Abort(e))
}

pub(super) fn encode<T: Serialize>(value: &T) -> TxResult<Vec<u8>> {
    serde_json::to_vec(value).or_else(|e| abort(StoreError::Write(e.to_string())))
}

/// The trees derived from a visit, written in the same transaction as the visit.
pub(super) struct Derived<'a> {
    pub(super) summaries: &'a Tx<'a>,
    pub(super) facts: &'a Tx<'a>,
}

impl Derived<'_> {
    pub(super) fn remove(&self, key: &[u8; 16]) -> TxResult<()> {
        tx_remove(self.summaries, Kind::Summary, key)?;
        tx_remove(self.facts, Kind::Fact, key)?;
        Ok(())
    }
}

pub(super) fn put_visit(visits: &Tx, derived: &Derived, v: &Visit) -> TxResult<()> {
    tx_put(
        visits,
        Kind::Visit,
        &keys::visit_key(v.id),
        encode(v)?.into(),
    )?;
    put_derived(derived, v)
}

/// Inserts a record the tally counts, noting the difference (see [`tally::record`]).
/// `value` is the plain value; the tally notes the bytes stored (sealed, in an encrypted
/// database), as a full count reads them. Gives those bytes.
pub(super) fn tx_put(tree: &Tx, kind: Kind, key: &[u8], value: sled::IVec) -> TxResult<sled::IVec> {
    let (old, stored) = tree.insert(key, &value)?;
    tally::record(kind, key, old.as_deref(), Some(&stored));
    Ok(stored)
}

/// Removes a record the tally counts, noting the difference.
pub(super) fn tx_remove(tree: &Tx, kind: Kind, key: &[u8]) -> TxResult<()> {
    let old = tree.remove(key)?;
    tally::record(kind, key, old.as_deref(), None);
    Ok(())
}

pub(super) fn put_derived(derived: &Derived, v: &Visit) -> TxResult<()> {
    let key = keys::visit_key(v.id);
    let summary = encode(&VisitSummary::from(v))?;
    tx_put(derived.summaries, Kind::Summary, &key, summary.into())?;
    let facts = encode(&VisitFacts::from(v))?;
    tx_put(derived.facts, Kind::Fact, &key, facts.into())?;
    Ok(())
}

/// The revision of a stored visit, read without decoding the rest of it.
pub(super) fn stored_revision(key: &[u8], raw: &[u8]) -> TxResult<u64> {
    #[derive(Deserialize)]
    struct Revision {
        #[serde(default)]
        revision: u64,
    }
    let r: Revision = decode_tx(keys::VISITS, key, raw)?;
    Ok(r.revision)
}

/// The audit changes from the stored visit `old` to the encoded new revision: what
/// `diff_values(content(old), content(new))` gives, without decoding either whole.
pub(super) fn changes_between(key: &[u8], old: &[u8], new: &[u8]) -> TxResult<Vec<FieldChange>> {
    if let Ok(changes) = super::encode::changes(old, new) {
        return Ok(changes);
    }
    let old: Visit = decode_tx(keys::VISITS, key, old)?;
    let new: Visit = decode_tx(keys::VISITS, key, new)?;
    Ok(diff_values(&content(&old), &content(&new)))
}

pub(super) fn put_event(audit: &Tx, seq: u64, e: &AuditEvent) -> TxResult<()> {
    tx_put(
        audit,
        Kind::Event,
        &keys::audit_key(e.visit, seq),
        encode(e)?.into(),
    )?;
    Ok(())
}

pub(super) fn decode<T: DeserializeOwned>(tree: &str, key: &[u8], raw: &[u8]) -> Result<T> {
    serde_json::from_slice(raw).map_err(|e| StoreError::Decode {
        key: keys::describe(tree, key),
        detail: e.to_string(),
    })
}

pub(super) fn decode_tx<T: DeserializeOwned>(tree: &str, key: &[u8], raw: &[u8]) -> TxResult<T> {
    decode(tree, key, raw).map_err(ConflictableTransactionError::Abort)
}

/// Every record of `tree`, decoded; at most `limit` of them (see [`tally::scan`]).
pub(super) fn decode_all<T: DeserializeOwned>(
    h: &Handles,
    tree: impl Fn(&Handles) -> &sled::Tree,
    name: &str,
    limit: u64,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    tally::scan(tree(h), name, limit, |k, v| {
        out.push(decode(name, k, &h.vault.open(name, k, v)?)?);
        Ok(())
    })?;
    Ok(out)
}
