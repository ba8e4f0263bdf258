//! Reading visits, summaries, facts, the trash and the audit log; the derived trees rebuilt.

use std::sync::atomic::Ordering;

use uuid::Uuid;

use crate::domain::{AuditEvent, Visit, VisitFacts, VisitSummary};

use super::commit::{Derived, decode, decode_all, tx_put, tx_remove};
use super::tally::Kind;
use super::{Counting, Result, Store, StoreError, TrashEntry, Tx, keys, read_error, tally};

impl Store {
    pub fn get(&self, id: Uuid) -> Result<Option<Visit>> {
        let key = keys::visit_key(id);
        let h = self.h()?;
        let raw = h.read(&h.visits, keys::VISITS, &key)?;
        raw.map(|r| decode(keys::VISITS, &key, &r)).transpose()
    }

    /// Whether `id` is stored, live or in the trash.
    pub fn contains(&self, id: Uuid) -> Result<bool> {
        let key = keys::visit_key(id);
        Ok(self.h()?.visits.contains_key(key).map_err(read_error)?
            || self.h()?.trash.contains_key(key).map_err(read_error)?)
    }

    /// The live visit whose id starts with `prefix` (hyphens optional, any case).
    pub fn resolve(&self, prefix: &str) -> Result<Uuid> {
        let want: String = prefix
            .chars()
            .filter(|c| *c != '-')
            .collect::<String>()
            .to_lowercase();
        if want.is_empty() {
            return Err(StoreError::NotFound(prefix.to_string()));
        }
        // A whole id is looked up, not searched for among every visit's key (and value).
        if want.len() == 32
            && let Ok(id) = Uuid::parse_str(&want)
        {
            return if self
                .h()?
                .visits
                .contains_key(keys::visit_key(id))
                .map_err(read_error)?
            {
                Ok(id)
            } else {
                Err(StoreError::NotFound(prefix.to_string()))
            };
        }
        let mut found = Vec::new();
        let limit = self.limit(Kind::Visit);
        tally::scan(&self.h()?.visits, keys::VISITS, limit, |key, _| {
            if let Some(id) = keys::id_from_key(key)
                && id.simple().to_string().starts_with(&want)
            {
                found.push(id);
            }
            Ok(())
        })?;
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(StoreError::NotFound(prefix.to_string())),
            many => Err(StoreError::Ambiguous {
                prefix: prefix.to_string(),
                count: many.len(),
            }),
        }
    }

    /// Summaries of all live visits, newest first.
    pub fn summaries(&self) -> Result<Vec<VisitSummary>> {
        let mut out = decode_all(
            &*self.h()?,
            |h| &h.summaries,
            keys::SUMMARIES,
            self.limit(Kind::Visit),
        )?;
        out.sort_by_key(|s: &VisitSummary| std::cmp::Reverse(s.sort_key()));
        Ok(out)
    }

    /// All live visits, in id order.
    pub fn visits(&self) -> Result<Vec<Visit>> {
        decode_all(
            &*self.h()?,
            |h| &h.visits,
            keys::VISITS,
            self.limit(Kind::Visit),
        )
    }

    /// The follow-up facts of all live visits, in id order. They are derived data written with
    /// every visit; when the tree does not hold one per visit (a database from before it existed,
    /// or a lost write), they are rebuilt from the visits first.
    pub fn facts(&self) -> Result<Vec<VisitFacts>> {
        let limit = self.limit(Kind::Visit);
        let count = |tree: &sled::Tree, name| {
            let mut n = 0usize;
            tally::scan(tree, name, limit, |_, _| {
                n += 1;
                Ok(())
            })
            .map(|()| n)
        };
        let h = self.h()?;
        let stale = count(&h.facts, keys::FACTS)? != count(&h.visits, keys::VISITS)?;
        drop(h);
        if stale {
            self.rebuild_facts()?;
        }
        decode_all(&*self.h()?, |h| &h.facts, keys::FACTS, limit)
    }

    /// Rewrites the follow-up facts from the visits.
    pub fn rebuild_facts(&self) -> Result<()> {
        self.rebuild_derived(false, true)
    }

    /// Rewrites the list summaries (`summaries`) and/or the follow-up facts (`facts`) from the
    /// visits, as one transaction, after which the tally is counted again (see [`tally`]): a
    /// rebuild follows damage or a database from before a tree existed, so what the records
    /// held before is not a base to add a difference to.
    pub(super) fn rebuild_derived(&self, summaries: bool, facts: bool) -> Result<()> {
        self.shared.wrote.store(true, Ordering::SeqCst);
        let visits = self.visits()?;
        let keys_of = |tree: &sled::Tree, name, kind| -> Result<Vec<sled::IVec>> {
            let mut out = Vec::new();
            tally::scan(tree, name, self.limit(kind), |k, _| {
                out.push(k.clone());
                Ok(())
            })?;
            Ok(out)
        };
        let h = self.h()?;
        let live: std::collections::HashSet<[u8; 16]> =
            visits.iter().map(|v| keys::visit_key(v.id)).collect();
        let mut stale: Vec<(Kind, sled::IVec)> = Vec::new();
        let mut planned: Vec<(Kind, [u8; 16], sled::IVec)> = Vec::new();
        let mut plan = |on: bool,
                        tree: &sled::Tree,
                        name,
                        kind,
                        bytes: &dyn Fn(&Visit) -> Result<Vec<u8>>|
         -> Result<()> {
            if !on {
                return Ok(());
            }
            for k in keys_of(tree, name, kind)? {
                if !<[u8; 16]>::try_from(k.as_ref()).is_ok_and(|k| live.contains(&k)) {
                    stale.push((kind, k));
                }
            }
            for v in &visits {
                planned.push((kind, keys::visit_key(v.id), bytes(v)?.into()));
            }
            Ok(())
        };
        let json = |e: serde_json::Error| StoreError::Write(e.to_string());
        plan(
            summaries,
            &h.summaries,
            keys::SUMMARIES,
            Kind::Summary,
            &|v| serde_json::to_vec(&VisitSummary::from(v)).map_err(json),
        )?;
        plan(facts, &h.facts, keys::FACTS, Kind::Fact, &|v| {
            serde_json::to_vec(&VisitFacts::from(v)).map_err(json)
        })?;
        drop(h);
        drop(visits);
        fn tree<'a>(d: &Derived<'a>, kind: Kind) -> &'a Tx<'a> {
            match kind {
                Kind::Summary => d.summaries,
                _ => d.facts,
            }
        }
        self.commit(0, Counting::Recount, |_, derived, _, _| {
            for (kind, k) in &stale {
                tx_remove(tree(derived, *kind), *kind, k)?;
            }
            for (kind, k, bytes) in &planned {
                tx_put(tree(derived, *kind), *kind, k, bytes.clone())?;
            }
            Ok(())
        })
    }

    /// The trash, most recently deleted first.
    pub fn trash(&self) -> Result<Vec<TrashEntry>> {
        let mut out: Vec<TrashEntry> = decode_all(
            &*self.h()?,
            |h| &h.trash,
            keys::TRASH,
            self.limit(Kind::Trash),
        )?;
        out.sort_by_key(|e| std::cmp::Reverse(e.deleted_at));
        Ok(out)
    }

    /// The audit events of one visit, oldest first.
    pub fn audit(&self, id: Uuid) -> Result<Vec<AuditEvent>> {
        let mut out = Vec::new();
        let limit = self.limit(Kind::Event);
        let h = self.h()?;
        tally::scan_prefix(
            &h.audit,
            keys::AUDIT,
            &keys::visit_key(id),
            limit,
            |k, v| {
                out.push(decode(keys::AUDIT, k, &h.vault.open(keys::AUDIT, k, v)?)?);
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// Remembers where the auditor is in a visit's interview (section and row). Not audited and
    /// not flushed on its own: the next committed save flushes it along.
    pub fn set_position(&self, id: Uuid, section: usize, row: usize) -> Result<()> {
        self.check_writable()?;
        let mut v = [0u8; 8];
        v[..4].copy_from_slice(&u32::try_from(section).unwrap_or(u32::MAX).to_be_bytes());
        v[4..].copy_from_slice(&u32::try_from(row).unwrap_or(u32::MAX).to_be_bytes());
        let h = self.h()?;
        let slot = keys::position_slot(id);
        let sealed = h.seal(keys::META, &slot, &v)?;
        let written = h.meta.insert(slot, sealed);
        drop(h);
        written.map(|_| ()).map_err(|e| self.write_failed(e))
    }

    /// Where the auditor last was in a visit's interview.
    pub fn position(&self, id: Uuid) -> Option<(usize, usize)> {
        let h = self.h().ok()?;
        let raw = h
            .read(&h.meta, keys::META, &keys::position_slot(id))
            .ok()??;
        let section = u32::from_be_bytes(raw.get(..4)?.try_into().ok()?);
        let row = u32::from_be_bytes(raw.get(4..8)?.try_into().ok()?);
        Some((section as usize, row as usize))
    }

    /// Rebuilds the list summaries from the visits (they are derived data), e.g. after
    /// `pantau check` reported them out of date.
    pub fn rebuild_summaries(&self) -> Result<()> {
        self.rebuild_derived(true, true)
    }

    /// Writes anything not yet on disk (commits already flush; this covers the interview position).
    pub fn flush(&self) -> Result<()> {
        let h = self.h()?;
        let flushed = h.db.flush();
        drop(h);
        match flushed {
            Ok(_) => Ok(()),
            Err(e) => Err(self.write_failed(e)),
        }
    }

    /// How much space the database takes on disk, in bytes.
    pub fn size_on_disk(&self) -> u64 {
        self.h().map_or(0, |h| h.db.size_on_disk().unwrap_or(0))
    }
}
