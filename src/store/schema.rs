//! The schema version kept in the database, and the path from older versions to this one.

use super::{Result, Store, StoreError, keys};

/// The schema this build reads and writes.
pub const CURRENT_SCHEMA: u32 = 2;

/// A step from schema `n` to `n + 1`; `MIGRATIONS[i]` upgrades from version `i + 1`.
pub type Migration = fn(&Store) -> Result<()>;

/// Version 1 is the first released schema; version 2 links every audit event to the ones it
/// follows ([`seal_logs`]). A new version appends its step here and bumps [`CURRENT_SCHEMA`].
pub const MIGRATIONS: &[Migration] = &[seal_logs];

/// Schema 1 → 2: every visit's audit log becomes a hash-linked chain (see
/// [`crate::domain::chain`]), computed from the events as they are; the events keep their
/// keys. Safe to run again after an interruption: sealing is recomputed from the content, so
/// a log half sealed is sealed the same way.
fn seal_logs(store: &Store) -> Result<()> {
    use crate::domain::AuditEvent;
    let write = |e: sled::Error| StoreError::Write(e.to_string());
    let h = store.h()?;
    let mut current: Option<[u8; 16]> = None;
    let mut log: Vec<(sled::IVec, AuditEvent)> = Vec::new();
    let flush_log = |log: &mut Vec<(sled::IVec, AuditEvent)>| -> Result<()> {
        let mut events: Vec<AuditEvent> = log.iter().map(|(_, e)| e.clone()).collect();
        crate::domain::chain::seal_all(&mut events, None);
        for ((k, _), e) in log.drain(..).zip(events) {
            let bytes = serde_json::to_vec(&e).map_err(|e| StoreError::Write(e.to_string()))?;
            let sealed = h.seal(keys::AUDIT, &k, &bytes)?;
            h.audit.insert(k, sealed).map_err(write)?;
        }
        Ok(())
    };
    // Bounded (issue 13 point 3), like every whole-tree read.
    let limit = store.limit(super::tally::Kind::Event);
    super::tally::scan(&h.audit, keys::AUDIT, limit, |k, v| {
        let visit: [u8; 16] = k
            .get(..16)
            .and_then(|p| p.try_into().ok())
            .ok_or_else(|| damaged(store, keys::describe(keys::AUDIT, k)))?;
        if current != Some(visit) {
            flush_log(&mut log)?;
            current = Some(visit);
        }
        let e: AuditEvent = super::decode(keys::AUDIT, k, &h.vault.open(keys::AUDIT, k, v)?)?;
        log.push((k.clone(), e));
        Ok(())
    })?;
    flush_log(&mut log)?;
    h.db.flush().map_err(write)?;
    Ok(())
}

/// Stamps a new database, upgrades an older one step by step, refuses a newer one. Returns
/// whether a step ran (its writes are not in the store's tally: the caller counts again).
pub(super) fn ensure(store: &Store, migrations: &[Migration]) -> Result<bool> {
    let current = u32::try_from(migrations.len() + 1).unwrap_or(u32::MAX);
    let found = match read_version(store)? {
        Some(v) => v,
        None if store.h()?.visits.is_empty()
            && store.h()?.audit.is_empty()
            && store.h()?.trash.is_empty() =>
        {
            write_version(store, current)?;
            return Ok(false);
        }
        None => return Err(damaged(store, "schema version missing".into())),
    };
    if found > current {
        return Err(StoreError::TooNew {
            path: store.path.clone(),
            found,
            supported: current,
        });
    }
    if found == 0 {
        return Err(damaged(store, "schema version 0".into()));
    }
    let steps = migrations.iter().enumerate().skip(found as usize - 1);
    let mut migrated = false;
    for (from, step) in steps {
        if !migrated {
            // The steps write outside commits: an open after a process killed meanwhile
            // checks only that the log reached what was committed (as after an import).
            store
                .shared
                .mark
                .write(&store.tally(), super::mark::Pending::Any);
        }
        migrated = true;
        step(store)?;
        write_version(store, from as u32 + 2)?;
    }
    Ok(migrated)
}

fn read_version(store: &Store) -> Result<Option<u32>> {
    let raw = store
        .h()?
        .meta
        .get(keys::SCHEMA_VERSION)
        .map_err(|e| damaged(store, e.to_string()))?;
    raw.map(|r| {
        let bytes: [u8; 4] = r
            .as_ref()
            .try_into()
            .map_err(|_| damaged(store, "bad schema version".into()))?;
        Ok(u32::from_be_bytes(bytes))
    })
    .transpose()
}

fn write_version(store: &Store, v: u32) -> Result<()> {
    let h = store.h()?;
    h.meta
        .insert(keys::SCHEMA_VERSION, &v.to_be_bytes())
        .and_then(|_| h.db.flush())
        .map(|_| ())
        .map_err(|e| StoreError::Write(e.to_string()))
}

/// Found on the real files, which sled has opened: no promise that they are as they were.
fn damaged(store: &Store, detail: String) -> StoreError {
    StoreError::Corrupt {
        detail: format!("{}: {detail}", store.path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bump_marker(store: &Store) -> Result<()> {
        store
            .h()
            .unwrap()
            .meta
            .insert(b"migrated", b"yes")
            .map_err(|e| StoreError::Write(e.to_string()))?;
        Ok(())
    }

    #[test]
    fn new_database_is_stamped_and_older_one_is_migrated_step_by_step() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(read_version(&store).unwrap(), Some(CURRENT_SCHEMA));
        // Pretend a build with one more schema step opens this database.
        let mut steps = MIGRATIONS.to_vec();
        steps.push(bump_marker);
        ensure(&store, &steps).unwrap();
        assert_eq!(read_version(&store).unwrap(), Some(CURRENT_SCHEMA + 1));
        assert!(store.h().unwrap().meta.get(b"migrated").unwrap().is_some());
        // Running again does nothing more.
        store.h().unwrap().meta.remove(b"migrated").unwrap();
        ensure(&store, &steps).unwrap();
        assert!(store.h().unwrap().meta.get(b"migrated").unwrap().is_none());
    }

    #[test]
    fn newer_schema_is_refused_with_both_versions() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        write_version(&store, 7).unwrap();
        match ensure(&store, MIGRATIONS) {
            Err(StoreError::TooNew {
                found: 7,
                supported: CURRENT_SCHEMA,
                ..
            }) => {}
            other => panic!("expected TooNew, got {other:?}"),
        }
    }

    #[test]
    fn a_schema_1_database_gets_its_audit_logs_linked_and_checks_clean() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let v = crate::demo::karo_visit();
        let stamp = crate::domain::Stamp::new(v.created, "t");
        let mut stored = store.create(&v, &stamp).unwrap();
        stored.venue = "Aula".into();
        let edited = store
            .update(&stored, &stamp, crate::domain::AuditAction::Edit, "")
            .unwrap()
            .unwrap();
        let sealed = store.audit(v.id).unwrap();
        // Back to what schema 1 stored: no hashes, no links.
        let h = store.h().unwrap();
        for kv in &h.audit {
            let (k, raw) = kv.unwrap();
            let mut e: crate::domain::AuditEvent = serde_json::from_slice(&raw).unwrap();
            e.hash.clear();
            e.follows.clear();
            h.audit.insert(k, serde_json::to_vec(&e).unwrap()).unwrap();
        }
        drop(h);
        write_version(&store, 1).unwrap();
        assert!(
            !store.check().is_clean(),
            "unlinked log must not pass the check"
        );
        ensure(&store, MIGRATIONS).unwrap();
        assert_eq!(read_version(&store).unwrap(), Some(CURRENT_SCHEMA));
        assert_eq!(store.audit(v.id).unwrap(), sealed);
        assert!(store.check().is_clean(), "{:?}", store.check().problems);
        // The next edit follows the migrated head.
        let mut again = edited;
        again.venue = "Pendopo".into();
        store
            .update(&again, &stamp, crate::domain::AuditAction::Edit, "")
            .unwrap();
        assert!(store.check().is_clean(), "{:?}", store.check().problems);
    }

    #[test]
    fn rebuild_summaries_restores_a_lost_summary() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let v = crate::demo::karo_visit();
        store
            .create(&v, &crate::domain::Stamp::new(v.created, "t"))
            .unwrap();
        store.h().unwrap().summaries.clear().unwrap();
        assert!(store.summaries().unwrap().is_empty());
        store.rebuild_summaries().unwrap();
        assert_eq!(store.summaries().unwrap().len(), 1);
    }
}
