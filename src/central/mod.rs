//! The central server: laptops sync their visits with a PostgreSQL database of the ministry
//! (docs: README, "Central server"; the schema is `assets/central/*.sql`).
//!
//! The server keeps every audit event once (append-only, keyed by event id, with a SHA-256 of
//! the bytes sent) and, per laptop and visit, that laptop's *head*: the ids of its log and the
//! visit they lead to. A sync sends the events and heads of the visits changed here since the
//! last sync, then receives the heads other laptops sent since then and merges them through
//! the store's import path, as bundles ([`crate::export::bundle`]) would be — so syncing gives
//! exactly what exchanging bundle files gives. Events are opaque here beyond what
//! [`crate::domain::merge::VisitHistory`] gives. What this laptop sent and saw is kept in a
//! small file in the database folder ([`state`]); every step is one server transaction, so a
//! sync cut anywhere is resumed by the next one.

pub mod admin;
pub mod conn;
mod error;
pub mod migrate;
pub mod overview;
mod pull;
mod push;
pub mod state;
mod sync;

pub use conn::Target;
pub use error::CentralError;
pub use sync::{Progress, SyncSummary, enrol, sync, sync_holding};

/// Where the server URL comes from: `--central URL`, else `PANTAU_CENTRAL`, else the
/// configuration file's `central` (`configured`), else the server this database was enrolled
/// with.
pub fn resolve_url(
    flag: Option<&str>,
    configured: Option<&str>,
    db: &std::path::Path,
) -> Option<String> {
    flag.filter(|s| !s.trim().is_empty())
        .map(str::to_string)
        .or_else(|| {
            std::env::var("PANTAU_CENTRAL")
                .ok()
                .filter(|s| !s.trim().is_empty())
        })
        .or_else(|| configured.map(str::to_string))
        .or_else(|| state::SyncState::load(db).ok().flatten().map(|s| s.url))
}
