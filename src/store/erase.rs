//! Erasing one person's personal data from a visit and its whole history (see
//! [`crate::domain::erase`]): written as the import of the redacted history, so that the
//! visit, its log, its summary and facts change in one transaction, as any merge does.

use uuid::Uuid;

use super::{Result, Store, StoreError, keys};
use crate::domain::erase::{self, FindError, Person};
use crate::domain::merge::VisitHistory;
use crate::domain::{AuditAction, AuditEvent, FieldChange, Stamp, chain, merge};

/// Fresh randomness for an erasure's hashed words (a v7 id holds 74 random bits).
pub fn new_salt() -> String {
    super::new_id().simple().to_string()
}

/// What an erasure did.
#[derive(Debug, Clone)]
pub struct Erased {
    pub visit: Uuid,
    /// How the person read before (shown once, to the one who asked).
    pub person: String,
    /// Past events whose content was redacted.
    pub events: usize,
    /// A final visit's digest before and after.
    pub digests: Option<(String, String)>,
}

impl Store {
    /// The person `query` names in visit `id`, without erasing anything (`--dry-run`).
    pub fn erasure_target(&self, id: Uuid, query: &str) -> Result<Person> {
        find(&self.history_of(id)?, query)
    }

    /// Erases the person `query` names from visit `id` and its whole history, as one audited
    /// erasure event (`reason` recorded). `salt` is fresh randomness for the hashed words.
    pub fn erase(
        &self,
        id: Uuid,
        query: &str,
        stamp: &Stamp,
        reason: &str,
        salt: &str,
    ) -> Result<Erased> {
        let before = self.history_of(id)?;
        let person = find(&before, query)?;
        self.erase_from(before, person, stamp, reason, salt)
    }

    /// [`Store::erase`] of the attendee or handover `item` (the app picks it from a list).
    pub fn erase_person(
        &self,
        id: Uuid,
        item: Uuid,
        stamp: &Stamp,
        reason: &str,
        salt: &str,
    ) -> Result<Erased> {
        let before = self.history_of(id)?;
        let person = erase::people(&before.visit)
            .into_iter()
            .find(|p| p.item == item)
            .ok_or_else(|| StoreError::NoSuchPerson {
                id,
                query: item.to_string(),
            })?;
        self.erase_from(before, person, stamp, reason, salt)
    }

    fn history_of(&self, id: Uuid) -> Result<VisitHistory> {
        self.history(id)?
            .ok_or_else(|| StoreError::NotFound(id.to_string()))
    }

    /// Writes the erasure of `person` from `before`, the visit as stored; the files still hold
    /// the old values until they are rewritten (see [`Store::purge_due`]).
    fn erase_from(
        &self,
        before: VisitHistory,
        person: Person,
        stamp: &Stamp,
        reason: &str,
        salt: &str,
    ) -> Result<Erased> {
        let id = before.visit.id;
        let mut after = before.clone();
        let mut redaction = erase::redaction(&person, salt);
        erase::apply(&mut redaction, &mut after.visit, &mut after.history);
        let fail = |detail: String| StoreError::Merge { id, detail };
        let mut changes = Vec::new();
        // The digest printed on reports made before covers the erased words: both are
        // recorded, and the visit carries the one its content now gives.
        if let Some(f) = after.visit.finalisation.clone() {
            let now = crate::domain::digest_chained(&after.visit, &f.chain);
            if now != f.digest {
                redaction.digest_before = f.digest.clone();
                redaction.digest_after = now.clone();
                changes.push(FieldChange {
                    path: "finalisation/digest".into(),
                    old: Some(f.digest.clone().into()),
                    new: Some(now.clone().into()),
                });
                if let Some(f) = after.visit.finalisation.as_mut() {
                    f.digest = now;
                }
            }
        }
        let events = redaction.events.len();
        let digests = (!redaction.digest_before.is_empty()).then(|| {
            (
                redaction.digest_before.clone(),
                redaction.digest_after.clone(),
            )
        });
        after.visit.revision += 1;
        after.visit.updated = stamp.at;
        let mut event = AuditEvent {
            hash: String::new(),
            id: super::new_id(),
            visit: id,
            at: stamp.at,
            actor: stamp.actor.clone(),
            action: AuditAction::Erase,
            revision: after.visit.revision,
            reason: reason.to_string(),
            changes,
            branches: Vec::new(),
            follows: Vec::new(),
            settles: None,
            redaction: Some(redaction),
        };
        let follows = chain::head(&after.history).map(str::to_string);
        chain::seal(&mut event, follows.into_iter().collect());
        after.history.push(event);
        // What is written must check out as an import checks a bundle.
        chain::verify(&after.history).map_err(|e| fail(format!("{e:?}")))?;
        let (state, revision) = merge::replay(&after.history).map_err(fail)?;
        if revision != after.visit.revision
            || !crate::domain::same_content(&state, &merge::content(&after.visit))
        {
            return Err(fail("the redacted log does not lead to the visit".into()));
        }
        // Written as an import: a visit held here that gains an erasure marks the rewrite due.
        self.import_histories(std::slice::from_ref(&after))?;
        Ok(Erased {
            visit: id,
            person: person.label,
            events,
            digests,
        })
    }
}

impl Store {
    /// Whether an erasure came in by an import since the database was last rewritten.
    pub fn purge_due(&self) -> bool {
        self.h()
            .ok()
            .and_then(|h| h.meta.get(keys::PURGE_DUE).ok().flatten())
            .is_some()
    }

    pub fn set_purge_due(&self, due: bool) -> Result<()> {
        let h = self.h()?;
        let write = |e: sled::Error| StoreError::Write(e.to_string());
        if due {
            let sealed = h.seal(keys::META, keys::PURGE_DUE, b"1")?;
            h.meta.insert(keys::PURGE_DUE, sealed).map_err(write)?;
        } else {
            h.meta.remove(keys::PURGE_DUE).map_err(write)?;
        }
        h.db.flush().map_err(write)?;
        Ok(())
    }
}

fn find(h: &VisitHistory, query: &str) -> Result<Person> {
    erase::find(&h.visit, query).map_err(|e| match e {
        FindError::NotFound => StoreError::NoSuchPerson {
            id: h.visit.id,
            query: query.to_string(),
        },
        FindError::Ambiguous(matches) => StoreError::AmbiguousPerson {
            id: h.visit.id,
            query: query.to_string(),
            matches,
        },
    })
}
