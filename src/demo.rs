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

/// Loads the sample visit once; a second call finds it and changes nothing.
pub fn load(store: &Store, stamp: &Stamp) -> Result<DemoOutcome> {
    let visit = karo_visit();
    if let Some(existing) = store.get(visit.id)? {
        return Ok(DemoOutcome::AlreadyThere(existing));
    }
    if store.contains(visit.id)? {
        return Ok(DemoOutcome::InTrash(visit.id));
    }
    match store.create(&visit, stamp) {
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
