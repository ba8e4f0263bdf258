//! The sample visit: Kabupaten Karo, 17 March 2022, from the news report in the seed.
//! It is data in `assets/demo/`, loaded through the same store path as any visit.

use crate::domain::{Stamp, Visit};
use crate::store::{Result, Store, StoreError};

pub const KARO_JSON: &str = include_str!("../assets/demo/karo-2022-03-17.json");

/// The Karo visit as shipped (revision 0, never stored yet).
pub fn karo_visit() -> Visit {
    // Embedded at build time and parsed by a unit test; a failure here is a build defect that
    // the test suite reports, not a user error.
    serde_json::from_str(KARO_JSON).unwrap_or_else(|e| panic!("demo asset does not parse: {e}"))
}

#[derive(Debug, PartialEq)]
pub enum DemoOutcome {
    Loaded(Visit),
    AlreadyThere(Visit),
    InTrash(uuid::Uuid),
}

/// The sample visit's creation: the same event on every laptop (id, time, author), so that
/// laptops that each loaded it share its history from the start.
pub fn creation() -> (Stamp, uuid::Uuid) {
    let v = karo_visit();
    let id = crate::domain::derived_id(&[b"pantau-demo-creation", v.id.as_bytes()]);
    (Stamp::new(v.created, "pantau"), id)
}

/// Loads the sample visit once; a second call finds it and changes nothing. Its creation is
/// [`creation`], whoever loads it (`_stamp` is kept for callers' symmetry with other writes).
pub fn load(store: &Store, _stamp: &Stamp) -> Result<DemoOutcome> {
    let visit = karo_visit();
    if let Some(existing) = store.get(visit.id)? {
        return Ok(DemoOutcome::AlreadyThere(existing));
    }
    if store.contains(visit.id)? {
        return Ok(DemoOutcome::InTrash(visit.id));
    }
    let (stamp, event) = creation();
    match store.create_as(&visit, &stamp, event) {
        Ok(v) => Ok(DemoOutcome::Loaded(v)),
        Err(StoreError::AlreadyExists(id)) => Ok(DemoOutcome::InTrash(id)),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_asset_parses_and_is_consistent() {
        let v = karo_visit();
        assert_eq!(v.district.code, "12.06");
        assert_eq!(v.attendees.len(), 5);
        assert_eq!(v.strategies.len(), 4);
        assert_eq!(v.handovers.len(), 3);
        assert_eq!(v.id.get_version_num(), 7);
        assert!(v.problems().is_empty(), "{:?}", v.problems());
    }
}
