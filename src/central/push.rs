//! Sending: the events and heads of every visit changed here since it was last sent, a batch
//! of visits per server transaction. Within a transaction the server refuses, visit by visit,
//! what it must not take — a visit of another team, an event id it holds with other content —
//! and takes the rest; the local record of what was sent is written after each commit, so a
//! sync cut before it only sends that batch again, which changes nothing on the server.

use std::collections::{BTreeMap, HashSet};

use postgres::Transaction;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::Type;
use uuid::Uuid;

use super::CentralError;
use super::state::SyncState;
use crate::domain::merge::VisitHistory;
use crate::store::Store;

/// Visits per server transaction.
const BATCH: usize = 500;

/// Taken around the writing of heads, so that their `seq` grows in commit order.
pub(super) const HEAD_LOCK: i64 = 0x5041_4e54_4155_0002;

/// What the server refused.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Refusals {
    /// Event ids the server holds with other content, with their visit.
    pub tampered: Vec<(Uuid, Uuid)>,
    /// Visits of another team changed here: not sent.
    pub foreign: Vec<Uuid>,
}

#[derive(Debug, Default)]
pub(super) struct Pushed {
    pub events: u64,
    pub visits: u64,
    pub refused: Refusals,
}

/// The fingerprint of a visit as it is here (see [`SyncState::sent`]).
pub(super) fn fingerprint(
    revision: u64,
    updated: chrono::DateTime<chrono::Utc>,
    trash: bool,
) -> String {
    let place = if trash { 'T' } else { 'L' };
    format!("{revision}:{}:{place}", updated.timestamp_micros())
}

/// Every visit here, with its fingerprint.
pub(super) fn local_fingerprints(store: &Store) -> Result<BTreeMap<Uuid, String>, CentralError> {
    let mut out = BTreeMap::new();
    for s in store.summaries()? {
        out.insert(s.id, fingerprint(s.revision, s.updated, false));
    }
    for t in store.trash()? {
        out.insert(
            t.visit.id,
            fingerprint(t.visit.revision, t.visit.updated, true),
        );
    }
    Ok(out)
}

/// The visits to send: changed since they were last sent (`skip`: leave these out).
pub(super) fn changed(state: &SyncState, here: &BTreeMap<Uuid, String>) -> Vec<Uuid> {
    here.iter()
        .filter(|(id, fp)| state.sent.get(id) != Some(fp))
        .map(|(id, _)| *id)
        .collect()
}

pub(super) fn push(
    store: &Store,
    client: &mut postgres::Client,
    state: &mut SyncState,
    db: &std::path::Path,
    visits: &[Uuid],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Pushed, CentralError> {
    client.batch_execute(
        "CREATE TEMP TABLE IF NOT EXISTS pantau_in_events (
           id uuid, visit uuid, body text) ON COMMIT DELETE ROWS;
         CREATE TEMP TABLE IF NOT EXISTS pantau_in_heads (
           visit uuid, log uuid[], doc text, trashed text, revision bigint,
           district_code text, district_name text, province_code text, province_name text,
           meeting_start timestamptz, status text, is_trashed boolean, strategies text)
           ON COMMIT DELETE ROWS",
    )?;
    let mut out = Pushed::default();
    let mut done = 0;
    progress(0, visits.len());
    for batch in visits.chunks(BATCH) {
        let mut histories = Vec::with_capacity(batch.len());
        for id in batch {
            if let Some(h) = store.history(*id)? {
                histories.push(h);
            }
        }
        let mut tx = client.transaction()?;
        let sent = push_batch(&mut tx, state, &histories)?;
        tx.commit()?;
        for h in &histories {
            let fp = fingerprint(h.visit.revision, h.visit.updated, h.trashed.is_some());
            if sent.foreign.contains(&h.visit.id) {
                state.foreign.insert(h.visit.id);
                out.refused.foreign.push(h.visit.id);
                state.sent.insert(h.visit.id, fp);
            } else if sent.tampered_visits.contains(&h.visit.id) {
                state.sent.remove(&h.visit.id);
            } else {
                state.foreign.remove(&h.visit.id);
                state.sent.insert(h.visit.id, fp);
                out.visits += 1;
            }
        }
        out.events += sent.events;
        out.refused.tampered.extend(sent.tampered);
        state.save(db)?;
        done += batch.len();
        progress(done, visits.len());
    }
    Ok(out)
}

struct BatchResult {
    events: u64,
    foreign: HashSet<Uuid>,
    tampered: Vec<(Uuid, Uuid)>,
    tampered_visits: HashSet<Uuid>,
}

fn push_batch(
    tx: &mut Transaction<'_>,
    state: &SyncState,
    histories: &[VisitHistory],
) -> Result<BatchResult, CentralError> {
    {
        let sink =
            tx.copy_in("COPY pantau_in_events (id, visit, body) FROM STDIN (FORMAT binary)")?;
        let mut w = BinaryCopyInWriter::new(sink, &[Type::UUID, Type::UUID, Type::TEXT]);
        for h in histories {
            for e in &h.history {
                let body = json(e)?;
                w.write(&[&e.id, &h.visit.id, &body])?;
            }
        }
        w.finish()?;
    }
    {
        let sink = tx.copy_in(
            "COPY pantau_in_heads (visit, log, doc, trashed, revision, district_code,
               district_name, province_code, province_name, meeting_start, status, is_trashed,
               strategies)
             FROM STDIN (FORMAT binary)",
        )?;
        let types = [
            Type::UUID,
            Type::UUID_ARRAY,
            Type::TEXT,
            Type::TEXT,
            Type::INT8,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TIMESTAMPTZ,
            Type::TEXT,
            Type::BOOL,
            Type::TEXT,
        ];
        let mut w = BinaryCopyInWriter::new(sink, &types);
        for h in histories {
            let v = &h.visit;
            let log: Vec<Uuid> = h.history.iter().map(|e| e.id).collect();
            let doc = json(v)?;
            let trashed = h.trashed.as_ref().map(json).transpose()?;
            let revision = i64::try_from(v.revision).unwrap_or(i64::MAX);
            let province = v.district.code.split('.').next().unwrap_or_default();
            let start = v.start.map(|s| s.with_timezone(&chrono::Utc));
            let status = match v.status {
                crate::domain::VisitStatus::Draft => "draft",
                crate::domain::VisitStatus::Final => "final",
            };
            w.write(&[
                &v.id,
                &log,
                &doc,
                &trashed,
                &revision,
                &v.district.code,
                &v.district.name,
                &province,
                &v.district.province,
                &start,
                &status,
                &h.trashed.is_some(),
                &json(&v.strategies)?,
            ])?;
        }
        w.finish()?;
    }
    let team = &state.team;
    let device = &state.device;
    tx.execute(
        "INSERT INTO pantau.visits (id, team, first_device)
         SELECT visit, $1, $2 FROM pantau_in_heads ON CONFLICT DO NOTHING",
        &[team, device],
    )?;
    let mut foreign = HashSet::new();
    for row in tx.query(
        "SELECT id FROM pantau.visit_teams(ARRAY(SELECT visit FROM pantau_in_heads))
         WHERE team <> $1",
        &[team],
    )? {
        foreign.insert(row.get::<_, Uuid>(0));
    }
    if !foreign.is_empty() {
        let foreign: Vec<Uuid> = foreign.iter().copied().collect();
        tx.execute(
            "DELETE FROM pantau_in_heads WHERE visit = ANY($1)",
            &[&foreign],
        )?;
        tx.execute(
            "DELETE FROM pantau_in_events WHERE visit = ANY($1)",
            &[&foreign],
        )?;
    }
    let events = tx.execute(
        "INSERT INTO pantau.events (id, visit, team, device, body)
         SELECT id, visit, $1, $2, body FROM pantau_in_events
         ON CONFLICT (id) DO NOTHING",
        &[team, device],
    )?;
    // Compared after the insert, which waited for any other laptop sending the same id at the
    // same time: what is stored now is what stays.
    let mut tampered = Vec::new();
    let mut tampered_visits = HashSet::new();
    for row in tx.query(
        "SELECT i.id, i.visit FROM pantau_in_events i
         JOIN pantau.stored_digests(ARRAY(SELECT id FROM pantau_in_events)) d ON d.id = i.id
         WHERE d.sha256 <> sha256(convert_to(i.body, 'UTF8')) OR d.visit <> i.visit",
        &[],
    )? {
        let (event, visit): (Uuid, Uuid) = (row.get(0), row.get(1));
        tampered.push((event, visit));
        tampered_visits.insert(visit);
    }
    if !tampered_visits.is_empty() {
        let refused: Vec<Uuid> = tampered_visits.iter().copied().collect();
        tx.execute(
            "DELETE FROM pantau_in_heads WHERE visit = ANY($1)",
            &[&refused],
        )?;
    }
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&HEAD_LOCK])?;
    tx.execute(
        "INSERT INTO pantau.heads AS h (visit, device, team, seq, log, doc, trashed, revision)
         SELECT visit, $2, $1, nextval('pantau.head_seq'), log, doc, trashed, revision
         FROM pantau_in_heads
         ON CONFLICT (visit, device) DO UPDATE
           SET seq = excluded.seq, log = excluded.log, doc = excluded.doc,
               trashed = excluded.trashed, revision = excluded.revision, updated_at = now()
           WHERE h.log IS DISTINCT FROM excluded.log OR h.doc IS DISTINCT FROM excluded.doc
              OR h.trashed IS DISTINCT FROM excluded.trashed",
        &[team, device],
    )?;
    tx.execute(
        "INSERT INTO pantau.current AS c (visit, team, device, revision, district_code,
           district_name, province_code, province_name, meeting_start, status, trashed,
           strategies)
         SELECT visit, $1, $2, revision, district_code, district_name, province_code,
                province_name, meeting_start, status, is_trashed, strategies::jsonb
         FROM pantau_in_heads
         ON CONFLICT (visit) DO UPDATE
           SET device = excluded.device, revision = excluded.revision,
               district_code = excluded.district_code, district_name = excluded.district_name,
               province_code = excluded.province_code, province_name = excluded.province_name,
               meeting_start = excluded.meeting_start, status = excluded.status,
               trashed = excluded.trashed, strategies = excluded.strategies,
               updated_at = now()
           WHERE excluded.revision >= c.revision",
        &[team, device],
    )?;
    Ok(BatchResult {
        events,
        foreign,
        tampered,
        tampered_visits,
    })
}

/// `v` as JSON, encoded as a bundle holds it.
fn json<T: serde::Serialize>(v: &T) -> Result<String, CentralError> {
    serde_json::to_string(v).map_err(|e| CentralError::State(e.to_string()))
}
