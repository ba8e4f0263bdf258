//! `pantau sync` and `pantau central enrol`: the steps, in order, each resumable.

use std::path::Path;

use chrono::Utc;
use serde::Serialize;
use uuid::Uuid;

use super::state::SyncState;
use super::{CentralError, Target, migrate, pull, push};
use crate::store::Store;

/// How far a sync is, for a progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Sending { done: usize, total: usize },
    Receiving { done: usize, total: usize },
}

/// What a sync did; `pantau sync --json` prints it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SyncSummary {
    pub server: String,
    pub team: String,
    pub device: Uuid,
    /// Events the server did not have.
    pub sent_events: u64,
    /// Visits whose state was sent.
    pub sent_visits: u64,
    /// Heads of other laptops merged here.
    pub received_heads: u64,
    pub added: Vec<Uuid>,
    pub updated: Vec<Uuid>,
    pub new_conflicts: Vec<Uuid>,
    /// Visits here with a conflict still open.
    pub conflicts_open: usize,
    /// Event ids the server holds with other content (`[event, visit]`): refused.
    pub refused_events: Vec<(Uuid, Uuid)>,
    /// Visits of other teams changed here: not sent (the server would refuse them).
    pub not_sent_foreign: Vec<Uuid>,
    /// Visits from the server that could not be merged, with why.
    pub refused_visits: Vec<(Uuid, String)>,
    pub at: chrono::DateTime<Utc>,
}

/// Enrols the database at `db` with the server: a device of the team of the role connecting.
/// Enrolling again with the same server keeps the device. Gives the state.
pub fn enrol(
    db: &Path,
    target: &Target,
    team: Option<&str>,
    device_name: &str,
) -> Result<SyncState, CentralError> {
    let mut client = target.connect()?;
    migrate::check(&mut client)?;
    let server: Uuid = client
        .query_one("SELECT id FROM pantau.server", &[])?
        .get(0);
    let actual: Option<String> = client.query_one("SELECT pantau.my_team()", &[])?.get(0);
    let Some(actual) = actual else {
        return Err(CentralError::NoTeam(target.user().to_string()));
    };
    if let Some(asked) = team
        && asked != actual
    {
        return Err(CentralError::WrongTeam {
            asked: asked.to_string(),
            actual,
        });
    }
    if let Some(s) = SyncState::load(db)?
        && s.server == server
        && s.team == actual
    {
        let known: i64 = client
            .query_one(
                "SELECT count(*) FROM pantau.devices WHERE id = $1",
                &[&s.device],
            )?
            .get(0);
        if known == 1 {
            return Ok(s);
        }
    }
    let device = Uuid::now_v7();
    client.execute(
        "INSERT INTO pantau.devices (id, team, name) VALUES ($1, $2, $3)",
        &[&device, &actual, &device_name],
    )?;
    let state = SyncState {
        url: target.shown().to_string(),
        server,
        team: actual,
        device,
        device_name: device_name.to_string(),
        ..SyncState::default()
    };
    state.save(db)?;
    Ok(state)
}

/// Sends what the server lacks, merges what other laptops sent, and sends the merged visits.
pub fn sync(
    store: &Store,
    target: &Target,
    progress: &mut dyn FnMut(Progress),
) -> Result<SyncSummary, CentralError> {
    sync_holding(store, target, &|_| false, progress)
}

/// [`sync`], leaving out of the merge the visits `hold` names (the one open in the app's
/// interview): they are merged at a later sync.
pub fn sync_holding(
    store: &Store,
    target: &Target,
    hold: &dyn Fn(Uuid) -> bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<SyncSummary, CentralError> {
    run(store, target, hold, progress).map_err(|e| e.at(target.shown()))
}

fn run(
    store: &Store,
    target: &Target,
    hold: &dyn Fn(Uuid) -> bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<SyncSummary, CentralError> {
    let db = store.path().to_path_buf();
    let mut state = SyncState::load(&db)?.ok_or(CentralError::NotEnrolled)?;
    let mut client = target.connect()?;
    migrate::check(&mut client)?;
    let server: Uuid = client
        .query_one("SELECT id FROM pantau.server", &[])?
        .get(0);
    if server != state.server {
        return Err(CentralError::OtherServer);
    }
    let team: Option<String> = client.query_one("SELECT pantau.my_team()", &[])?.get(0);
    match team {
        Some(t) if t == state.team => {}
        Some(actual) => {
            return Err(CentralError::WrongTeam {
                asked: state.team.clone(),
                actual,
            });
        }
        None => return Err(CentralError::NoTeam(target.user().to_string())),
    }
    // A grant given or taken back since the last sync: read every head again.
    let grants: Vec<String> = client
        .query(
            "SELECT owner_team FROM pantau.grants WHERE reader_team = $1 ORDER BY 1",
            &[&state.team],
        )?
        .into_iter()
        .map(|r| r.get(0))
        .collect();
    if grants != state.readable {
        state.cursor = 0;
        state.readable = grants;
    }

    let mut summary = SyncSummary {
        server: target.shown().to_string(),
        team: state.team.clone(),
        device: state.device,
        ..SyncSummary::default()
    };
    let mut sending = |done, total| progress(Progress::Sending { done, total });
    let here = push::local_fingerprints(store)?;
    let first = push::changed(&state, &here);
    let sent = push::push(store, &mut client, &mut state, &db, &first, &mut sending)?;
    summary.sent_events += sent.events;
    summary.sent_visits += sent.visits;
    summary.refused_events.extend(sent.refused.tampered);
    summary.not_sent_foreign.extend(sent.refused.foreign);

    let pulled = {
        let mut receiving = |done, total| progress(Progress::Receiving { done, total });
        pull::pull(store, &mut client, &mut state, &db, hold, &mut receiving)?
    };
    summary.received_heads = pulled.heads;
    summary.refused_visits = pulled.refused;
    // A visit taken here as another laptop sent it is on the server already as it is here.
    let here = push::local_fingerprints(store)?;
    for id in &pulled.summary.added {
        if let Some(fp) = here.get(id) {
            state.sent.insert(*id, fp.clone());
        }
    }
    let foreign: std::collections::HashSet<Uuid> = client
        .query(
            "SELECT id FROM pantau.visits WHERE team <> $1 AND id = ANY($2)",
            &[&state.team, &pulled.summary.added],
        )?
        .into_iter()
        .map(|r| r.get(0))
        .collect();
    state.foreign.extend(foreign);
    // A visit refused in the first round is not sent again in this sync.
    let refused: std::collections::HashSet<Uuid> =
        summary.refused_events.iter().map(|(_, v)| *v).collect();
    let mut second = push::changed(&state, &here);
    second.retain(|id| !refused.contains(id));
    let mut sending = |done, total| progress(Progress::Sending { done, total });
    let sent = push::push(store, &mut client, &mut state, &db, &second, &mut sending)?;
    summary.sent_events += sent.events;
    summary.sent_visits += sent.visits;
    summary.refused_events.extend(sent.refused.tampered);
    summary.not_sent_foreign.extend(
        sent.refused.foreign.into_iter().filter(|id| {
            !pulled.summary.added.contains(id) && !pulled.summary.updated.contains(id)
        }),
    );
    summary.added = pulled.summary.added;
    summary.updated = pulled.summary.updated;
    summary.new_conflicts = pulled.summary.in_conflict;
    summary.conflicts_open = store
        .summaries()?
        .iter()
        .filter(|s| s.conflicts > 0)
        .count();
    summary.at = Utc::now();
    state.last_sync = Some(summary.at);
    state.save(&db)?;
    Ok(summary)
}
