//! Receiving: the heads other laptops sent since the last sync (those this laptop may read),
//! each with the events of its log, written out as bundles and merged through the store's
//! import path — the very code `pantau import` runs — a batch at a time. A visit whose heads
//! came from several laptops is in as many bundles (a bundle holds a visit once), all merged in
//! one import, as when several bundle files are imported together. The cursor moves only after
//! the import committed: a sync cut in between merges that batch again, which changes nothing.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use uuid::Uuid;

use super::CentralError;
use super::state::SyncState;
use crate::export::bundle;
use crate::store::{ImportSummary, Store, StoreError};

/// Heads per batch.
const BATCH: i64 = 1000;

/// One laptop's head of one visit, as received.
struct Head {
    seq: i64,
    visit: Uuid,
    doc: String,
    trashed: Option<String>,
    log: Vec<Uuid>,
}

#[derive(Debug, Default)]
pub(super) struct Pulled {
    pub heads: u64,
    pub summary: ImportSummary,
    /// Heads that could not be merged (not valid as a bundle's visit), with why.
    pub refused: Vec<(Uuid, String)>,
}

pub(super) fn pull(
    store: &Store,
    client: &mut postgres::Client,
    state: &mut SyncState,
    db: &std::path::Path,
    hold: &dyn Fn(Uuid) -> bool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Pulled, CentralError> {
    let total: i64 = client
        .query_one(
            "SELECT count(*) FROM pantau.heads WHERE seq > $1 AND device <> $2",
            &[&state.cursor, &state.device],
        )?
        .get(0);
    let total = usize::try_from(total).unwrap_or(0);
    let mut out = Pulled::default();
    let mut done = 0;
    progress(0, total);
    // Read up to here; saved only up to the first head held back, so that the next sync
    // reads it again.
    let mut read_to = state.cursor;
    let mut held = false;
    loop {
        let heads: Vec<Head> = client
            .query(
                "SELECT seq, visit, doc, trashed, log FROM pantau.heads
                 WHERE seq > $1 AND device <> $2 ORDER BY seq LIMIT $3",
                &[&read_to, &state.device, &BATCH],
            )?
            .into_iter()
            .map(|r| Head {
                seq: r.get(0),
                visit: r.get(1),
                doc: r.get(2),
                trashed: r.get(3),
                log: r.get(4),
            })
            .collect();
        let Some(last) = heads.last().map(|h| h.seq) else {
            break;
        };
        read_to = last;
        let count = heads.len();
        let (heads, kept): (Vec<Head>, Vec<Head>) = heads.into_iter().partition(|h| !hold(h.visit));
        if let Some(first) = kept.first() {
            if !held {
                state.cursor = first.seq - 1;
            }
            held = true;
        }
        let ids: Vec<Uuid> = heads.iter().flat_map(|h| h.log.iter().copied()).collect();
        let mut bodies: HashMap<Uuid, String> = HashMap::with_capacity(ids.len());
        for row in client.query(
            "SELECT id, body FROM pantau.events WHERE id = ANY($1)",
            &[&ids],
        )? {
            bodies.insert(row.get(0), row.get(1));
        }
        let (summary, refused) = merge_heads(store, &heads, &bodies)?;
        out.heads += heads.len() as u64;
        add(&mut out.summary, summary);
        out.refused.extend(refused);
        if !held {
            state.cursor = last;
        }
        state.save(db)?;
        done += count;
        progress(done.min(total.max(done)), total.max(done));
    }
    Ok(out)
}

fn add(to: &mut ImportSummary, from: ImportSummary) {
    to.added.extend(from.added);
    to.updated.extend(from.updated);
    to.unchanged.extend(from.unchanged);
    to.in_conflict.extend(from.in_conflict);
}

/// Merges a batch of heads. A head the bundle reader refuses is left out (and reported); the
/// others are merged all together.
fn merge_heads(
    store: &Store,
    heads: &[Head],
    bodies: &HashMap<Uuid, String>,
) -> Result<(ImportSummary, Vec<(Uuid, String)>), CentralError> {
    let mut refused = Vec::new();
    let mut usable: Vec<&Head> = Vec::new();
    for h in heads {
        match h.log.iter().find(|id| !bodies.contains_key(id)) {
            Some(missing) => refused.push((h.visit, format!("event {missing} not readable"))),
            None => usable.push(h),
        }
    }
    let bundles = layers(&usable, bodies)?;
    match import(store, &bundles) {
        Ok(s) => return Ok((s, refused)),
        Err(CentralError::BadVisit { .. } | CentralError::Store(StoreError::Rewritten { .. })) => {}
        Err(e) => return Err(e),
    }
    // Some head is not a valid visit: find which, alone, and merge the others.
    let mut good = Vec::new();
    for h in usable {
        let one = layers(&[h], bodies)?;
        match bundle::parse(&one[0]) {
            Ok(_) => good.push(h),
            Err(e) => refused.push((h.visit, e.message(crate::i18n::Lang::En))),
        }
    }
    // A visit whose past this database holds otherwise is refused (and reported), the others
    // merged: the import is all or nothing, so it is tried again without the refused one.
    loop {
        match import(store, &layers(&good, bodies)?) {
            Err(CentralError::Store(StoreError::Rewritten { id, event })) => {
                good.retain(|h| h.visit != id);
                refused.push((
                    id,
                    format!("event {event} differs from the copy this laptop holds"),
                ));
            }
            other => return other.map(|s| (s, refused)),
        }
    }
}

/// The heads as bundles: the first head of each visit in the first, the second in the
/// second, and so on.
fn layers(heads: &[&Head], bodies: &HashMap<Uuid, String>) -> Result<Vec<Vec<u8>>, CentralError> {
    let mut out: Vec<(Vec<u8>, HashSet<Uuid>)> = Vec::new();
    for h in heads {
        let slot = match out.iter().position(|(_, seen)| !seen.contains(&h.visit)) {
            Some(i) => i,
            None => {
                out.push((Vec::new(), HashSet::new()));
                out.len() - 1
            }
        };
        let (bytes, seen) = &mut out[slot];
        if seen.is_empty() {
            let head = bundle::Bundle::new(Vec::new(), chrono::Utc::now(), "central", true);
            let envelope =
                serde_json::to_vec(&head).map_err(|e| CentralError::State(e.to_string()))?;
            bytes.extend_from_slice(envelope.strip_suffix(b"[]}").unwrap_or(&envelope));
            bytes.push(b'[');
        } else {
            bytes.push(b',');
        }
        seen.insert(h.visit);
        let _ = write!(bytes, "{{\"visit\":{}", h.doc);
        if let Some(t) = &h.trashed {
            let _ = write!(bytes, ",\"trashed\":{t}");
        }
        bytes.extend_from_slice(b",\"history\":[");
        for (i, id) in h.log.iter().enumerate() {
            if i > 0 {
                bytes.push(b',');
            }
            bytes.extend_from_slice(bodies[id].as_bytes());
        }
        bytes.extend_from_slice(b"]}");
    }
    Ok(out
        .into_iter()
        .map(|(mut b, _)| {
            b.extend_from_slice(b"]}");
            b
        })
        .collect())
}

/// What `pantau import` does with files, with bundles in memory: all or nothing.
fn import(store: &Store, bundles: &[Vec<u8>]) -> Result<ImportSummary, CentralError> {
    let importer = store.importer()?;
    let mut seen = 0;
    for bytes in bundles {
        let (_, taken) =
            bundle::parse_each(bytes, |i, h| importer.take(seen + i, h)).map_err(|e| {
                CentralError::BadVisit {
                    visit: Uuid::nil(),
                    detail: e.message(crate::i18n::Lang::En),
                }
            })?;
        seen += taken.len();
        taken
            .into_iter()
            .collect::<Result<Vec<()>, crate::store::StoreError>>()?;
    }
    Ok(importer.finish()?)
}
