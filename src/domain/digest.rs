//! The SHA-256 digest of a visit's canonical content, shown on a final visit so a printed
//! report can be checked against the database.

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::Visit;

/// Canonical content: the visit as JSON with sorted keys (serde_json's map is ordered), without
/// the bookkeeping that changes when a visit is finalised or saved.
pub fn canonical(v: &Visit) -> String {
    let mut value = serde_json::to_value(v).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        for k in [
            "revision",
            "updated",
            "status",
            "finalisation",
            "amendments",
            "conflicts",
        ] {
            map.remove(k);
        }
    }
    value.to_string()
}

/// Lower-case hex SHA-256 of [`canonical`].
pub fn digest(v: &Visit) -> String {
    let hash = Sha256::digest(canonical(v).as_bytes());
    super::chain::hex(&hash)
}

/// The digest of a visit finalised on top of the audit log whose head hash is `chain`: the
/// content and the whole history before it (an empty `chain` gives [`digest`]).
pub fn digest_chained(v: &Visit, chain: &str) -> String {
    if chain.is_empty() {
        return digest(v);
    }
    let mut h = Sha256::new();
    h.update(canonical(v).as_bytes());
    h.update(b"\nchain ");
    h.update(chain.as_bytes());
    super::chain::hex(&h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_ignores_bookkeeping_but_not_content() {
        let v = crate::demo::karo_visit();
        let d = digest(&v);
        assert_eq!(d.len(), 64);
        let mut saved = v.clone();
        saved.revision = 9;
        saved.status = super::super::VisitStatus::Final;
        assert_eq!(digest(&saved), d);
        let mut edited = v.clone();
        edited.venue.push('!');
        assert_ne!(digest(&edited), d);
    }
}
