//! `pantau erase` and `pantau retention` (issue 20 point 5, UU PDP): one person's personal
//! data removed from a visit and its whole history, and the visits whose retention period for
//! recipients' and heirs' data is over.
//!
//! After the erasure event is committed the database is rewritten into a fresh folder (as
//! `pantau encrypt` does, safe against a kill at any point), because sled keeps overwritten
//! values in its files until it reuses the space; the old backups, which hold the person, are
//! replaced by one taken after the erasure.

use std::path::Path;
use std::process::ExitCode;

use chrono::{DateTime, Months, Utc};
use uuid::Uuid;

use crate::backup::{self, Reason};
use crate::domain::erase::MARKER;
use crate::i18n::{Lang, t, tf};
use crate::store::{Store, Target};

use super::commands::{CmdResult, store_err};
use super::crypt::fail;
use super::out::inert;
use super::passphrase::{self, Ask};

/// What `pantau erase` was asked.
pub(super) struct Request<'a> {
    pub visit: &'a str,
    pub person: &'a str,
    pub reason: Option<&'a str>,
    pub yes: bool,
}

pub(super) fn erase(db: &Path, lang: Lang, req: Request) -> CmdResult {
    let pass = if Store::is_encrypted_at(db) {
        Some(passphrase::read(lang, Ask::Existing).map_err(|m| (m, 2))?)
    } else {
        None
    };
    let store =
        Store::open_with(db, pass.as_deref().map(|p| p.as_str())).map_err(|e| fail(lang, e))?;
    let id = store.resolve(req.visit).map_err(|e| store_err(lang, e))?;
    let person = store
        .erasure_target(id, req.person)
        .map_err(|e| store_err(lang, e))?;
    let reason = req.reason.unwrap_or("").trim();
    if !req.yes || reason.is_empty() {
        // What would go, and what is missing to do it: nothing is changed.
        outln!("{}", tf(lang, "erase.plan", &[&inert(&person.label), &id]));
        if reason.is_empty() {
            errln!("{}", t(lang, "erase.reason_needed"));
        }
        if !req.yes {
            errln!("{}", t(lang, "erase.confirm"));
        }
        return Ok(ExitCode::from(u8::from(reason.is_empty() || !req.yes)));
    }
    let salt = crate::store::new_salt();
    let erased = store
        .erase(id, req.person, &crate::host::stamp(), reason, &salt)
        .map_err(|e| store_err(lang, e))?;
    store.close();
    outln!(
        "{}",
        tf(
            lang,
            "erase.done",
            &[&inert(&erased.person), &erased.visit, &erased.events]
        )
    );
    if let Some((before, after)) = &erased.digests {
        outln!("{}", tf(lang, "erase.digests", &[before, after]));
    }
    purge(db, lang, pass.as_deref().map(|p| p.as_str()))?;
    Ok(ExitCode::SUCCESS)
}

/// Rewrites the database at `db` (closed) into a fresh folder, for an encrypted one under a
/// new data key, because sled keeps overwritten values in its files until it reuses the
/// space; then replaces the old backups, which hold what was erased, by one taken now.
pub(super) fn purge(db: &Path, lang: Lang, pass: Option<&str>) -> Result<(), (String, u8)> {
    let target = match pass {
        Some(p) => Target::Encrypted(p),
        None => Target::Plain,
    };
    let store = Store::convert(db, pass, target, &|_| {}).map_err(|e| fail(lang, e))?;
    store.set_purge_due(false).map_err(|e| fail(lang, e))?;
    outln!("{}", tf(lang, "erase.rewritten", &[&db.display()]));
    match backup::write(&store, Reason::Start, Utc::now()) {
        Ok(Some(path)) => {
            let removed = backup::remove_all_but(db, &path).map_err(|e| (e, 1))?;
            outln!(
                "{}",
                tf(lang, "erase.backups", &[&removed, &path.display()])
            );
        }
        Ok(None) => {}
        Err(e) => errln!("{}", tf(lang, "backup.failed", &[&e])),
    }
    store.close();
    Ok(())
}

/// After a command whose import brought an erasure: the rewrite `pantau erase` does. An
/// encrypted database needs its passphrase again (from `PANTAU_PASSPHRASE` or typed); without
/// one the rewrite waits for the next command.
pub(super) fn purge_if_due(store: Store, db: &Path, lang: Lang) {
    if !store.purge_due() {
        store.close();
        return;
    }
    let encrypted = store.is_encrypted();
    store.close();
    outln!("{}", t(lang, "erase.arrived"));
    let pass = if encrypted {
        match passphrase::read(lang, Ask::Existing) {
            Ok(p) => Some(p),
            Err(m) => {
                errln!("{m}");
                return;
            }
        }
    } else {
        None
    };
    if let Err((m, _)) = purge(db, lang, pass.as_deref().map(|p| p.as_str())) {
        errln!("{m}");
    }
}

/// A final visit past the retention period that still holds recipients' or heirs' data.
#[derive(serde::Serialize)]
struct Due {
    visit: Uuid,
    district: String,
    final_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
    /// Handovers that still name a person.
    people: usize,
}

/// `pantau retention`: the final visits whose `retention_months` (config) is over.
pub(super) fn retention(
    store: &Store,
    lang: Lang,
    months: Option<u32>,
    now: DateTime<Utc>,
    json: bool,
) -> CmdResult {
    let Some(months) = months else {
        outln!("{}", t(lang, "retention.unset"));
        return Ok(ExitCode::SUCCESS);
    };
    let mut due = Vec::new();
    for v in store.visits().map_err(|e| store_err(lang, e))? {
        let Some(f) = &v.finalisation else { continue };
        let Some(due_at) = f.at.checked_add_months(Months::new(months)) else {
            continue;
        };
        let named = |s: &str| !s.trim().is_empty() && s != MARKER;
        let people = v
            .handovers
            .iter()
            .filter(|h| named(&h.recipient) || named(&h.subject) || h.amount.is_some())
            .count();
        if due_at <= now && people > 0 {
            due.push(Due {
                visit: v.id,
                district: format!("{} {}", v.district.code, v.district.name),
                final_at: f.at,
                due_at,
                people,
            });
        }
    }
    due.sort_by_key(|d| d.due_at);
    if json {
        return super::commands::print_json(lang, &due);
    }
    outln!("{}", tf(lang, "retention.head", &[&months, &due.len()]));
    for d in &due {
        outln!(
            "{}",
            tf(
                lang,
                "retention.line",
                &[
                    &d.visit,
                    &inert(&d.district),
                    &d.final_at.format("%Y-%m-%d"),
                    &d.people
                ]
            )
        );
    }
    if !due.is_empty() {
        outln!("{}", t(lang, "retention.hint"));
    }
    Ok(ExitCode::SUCCESS)
}
