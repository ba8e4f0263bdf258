//! Bundles of synthetic visits made without a database (creating hundreds of visits one flush
//! at a time would take seconds in a debug build); the visits come from
//! `pantau::synth::histories`.

use pantau::domain::merge::VisitHistory;
use pantau::export::{Bundle, bundle};

/// The bytes of a bundle of `visits`.
pub fn json(visits: Vec<VisitHistory>) -> Vec<u8> {
    bundle::to_json(&Bundle::new(visits, chrono::Utc::now(), "other", false)).unwrap()
}
