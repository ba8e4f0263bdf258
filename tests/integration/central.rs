//! Syncing laptops through a real PostgreSQL server (a throwaway cluster per test, see
//! tests/common/pg.rs): the same result as exchanging bundles, in any order; resumed after a
//! kill; tampered events refused; row-level security between teams; many laptops at once.

// The throwaway cluster is started the Unix way (sockets in a folder, a user switch).
#![cfg(unix)]

use crate::common::pg;

use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use pantau::central::{self, CentralError, SyncSummary, Target};
use pantau::domain::{AuditAction, Stamp, Visit};
use pantau::export::{self, Bundle, Filter};
use pantau::store::Store;
use pg::Cluster;

fn at(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2022, 3, 17, 7, 0, 0).unwrap() + chrono::Duration::minutes(min)
}

fn stamp(min: i64, who: &str) -> Stamp {
    Stamp::new(at(min), who)
}

fn snapshot(store: &Store) -> Bundle {
    Bundle::new(store.histories(true).unwrap(), at(0), "test", true)
}

fn edit(store: &Store, id: uuid::Uuid, min: i64, who: &str, f: impl FnOnce(&mut Visit)) {
    let mut v = store.get(id).unwrap().unwrap();
    f(&mut v);
    store
        .update(&v, &stamp(min, who), AuditAction::Edit, "")
        .unwrap();
}

/// A server with the schema, teams A and B (roles `team_a`, `team_b`) and a national role.
fn server() -> Option<Cluster> {
    let c = Cluster::start()?;
    let admin = Target::parse(&c.url(pg::ADMIN)).unwrap();
    let mut client = admin.connect().unwrap();
    assert_eq!(central::migrate::migrate(&mut client).unwrap(), 0);
    assert_eq!(
        central::migrate::migrate(&mut client).unwrap(),
        1,
        "idempotent"
    );
    c.psql_admin(
        "CREATE ROLE team_a LOGIN; CREATE ROLE team_b LOGIN;
         CREATE ROLE ministry LOGIN IN ROLE pantau_national",
        pg::DB,
    );
    central::admin::add_team(&admin, "A", "team_a").unwrap();
    central::admin::add_team(&admin, "B", "team_b").unwrap();
    Some(c)
}

fn target(c: &Cluster, role: &str) -> Target {
    Target::parse(&c.url(role)).unwrap()
}

fn enrolled(c: &Cluster, dir: &Path, role: &str) -> Store {
    let store = Store::open(dir).unwrap();
    central::enrol(
        dir,
        &target(c, role),
        None,
        dir.file_name().unwrap().to_str().unwrap(),
    )
    .unwrap();
    store
}

fn sync(c: &Cluster, store: &Store, role: &str) -> SyncSummary {
    central::sync(store, &target(c, role), &mut |_| {}).unwrap()
}

/// Copies `from` into a new empty database at `to` through a bundle (identical histories).
fn twin(from: &Store, to: &Path) -> Store {
    let file = to.with_extension("json");
    export::write_bundle(from, &Filter::default(), true, &file).unwrap();
    let s = Store::open(to).unwrap();
    export::import_files(&s, &[file]).unwrap();
    assert_eq!(snapshot(from), snapshot(&s));
    s
}

/// Laptops that share the demo visit and some synthetic ones, each then edited differently
/// (the same field on two of them: a conflict), plus a visit of its own each; one deletes a
/// visit another edits.
fn laptops(dir: &Path, n: usize) -> Vec<Store> {
    let first = Store::open(&dir.join("seed")).unwrap();
    pantau::demo::load(&first, &stamp(0, "seed")).unwrap();
    for v in pantau::synth::visits(6, 7) {
        first.create(&v, &stamp(1, "seed")).unwrap();
    }
    let karo = pantau::demo::karo_visit().id;
    let shared = pantau::synth::visits(6, 7);
    let mut out = Vec::new();
    for i in 0..n {
        let s = twin(&first, &dir.join(format!("l{i}")));
        let who = format!("auditor{i}");
        edit(&s, karo, 10 + i as i64, &who, |v| {
            v.venue = format!("Aula {i}");
        });
        edit(&s, shared[i].id, 20 + i as i64, &who, |v| {
            v.purpose = format!("Tujuan {i}");
        });
        if i == 1 {
            s.delete(shared[5].id, &stamp(30, &who)).unwrap();
        } else {
            edit(&s, shared[5].id, 31 + i as i64, &who, |v| {
                v.notes.clear();
            });
        }
        for v in pantau::synth::visits(2, 100 + i as u64) {
            s.create(&v, &stamp(40, &who)).unwrap();
        }
        out.push(s);
    }
    drop(first);
    out
}

/// What every laptop holds after exchanging bundles with all the others.
fn by_bundles(dir: &Path, laptops: &[Store]) -> Vec<Bundle> {
    let files: Vec<_> = laptops
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let f = dir.join(format!("bundle{i}.json"));
            export::write_bundle(s, &Filter::default(), true, &f).unwrap();
            f
        })
        .collect();
    let mut out = Vec::new();
    for (i, s) in laptops.iter().enumerate() {
        let copy = twin(s, &dir.join(format!("exchange{i}")));
        let others: Vec<_> = files
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, f)| f.clone())
            .collect();
        export::import_files(&copy, &others).unwrap();
        out.push(snapshot(&copy));
    }
    out
}

fn converge(n: usize, order: &[usize]) {
    let Some(c) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let stores = laptops(dir.path(), n);
    let expected = by_bundles(dir.path(), &stores);
    assert!(
        expected.windows(2).all(|w| w[0] == w[1]),
        "bundle exchange converges"
    );
    for (i, s) in stores.iter().enumerate() {
        central::enrol(s.path(), &target(&c, "team_a"), Some("A"), &format!("l{i}")).unwrap();
    }
    for _round in 0..2 {
        for &i in order {
            sync(&c, &stores[i], "team_a");
        }
    }
    for (i, s) in stores.iter().enumerate() {
        assert!(
            snapshot(s) == expected[i],
            "laptop {i} after syncing in order {order:?} differs from bundle exchange"
        );
        assert!(s.check().is_clean(), "{:?}", s.check().problems);
    }
    // Nothing more to do: a sync now changes nothing, anywhere; the round after that has
    // nothing even to read (the last merged states others sent are read once more first).
    let before: Vec<Bundle> = stores.iter().map(snapshot).collect();
    for &i in order {
        let s = sync(&c, &stores[i], "team_a");
        assert_eq!((s.sent_events, s.sent_visits), (0, 0), "{s:?}");
        assert!(s.added.is_empty() && s.updated.is_empty(), "{s:?}");
    }
    for &i in order {
        let s = sync(&c, &stores[i], "team_a");
        assert_eq!((s.sent_events, s.received_heads), (0, 0), "{s:?}");
    }
    let after: Vec<Bundle> = stores.iter().map(snapshot).collect();
    assert!(before == after);
    let conflicts = stores[0]
        .summaries()
        .unwrap()
        .iter()
        .filter(|s| s.conflicts > 0)
        .count();
    assert!(
        conflicts >= 1,
        "the venue edited on every laptop is in conflict"
    );
}

#[test]
fn two_laptops_syncing_converge_to_what_bundle_exchange_gives() {
    converge(2, &[0, 1]);
}

#[test]
fn three_laptops_converge_in_any_order() {
    converge(3, &[0, 1, 2]);
    converge(3, &[2, 0, 1]);
}

#[test]
fn an_event_id_sent_with_other_content_is_refused_and_reported() {
    let Some(c) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = enrolled(&c, &dir.path().join("a"), "team_a");
    for v in pantau::synth::visits(3, 1) {
        a.create(&v, &stamp(1, "ani")).unwrap();
    }
    let s = sync(&c, &a, "team_a");
    assert_eq!((s.sent_events, s.sent_visits), (3, 3));
    let before = c.psql_admin("SELECT id, sha256 FROM pantau.events ORDER BY id", pg::DB);

    // Laptop B holds a copy of one visit whose creation event says something else.
    let file = dir.path().join("a.json");
    export::write_bundle(&a, &Filter::default(), true, &file).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    let bundle: Bundle = export::bundle::parse(text.as_bytes()).unwrap();
    let victim = bundle.visits[0].history[0].id;
    let mut forged = bundle.clone();
    forged.visits[0].history[0].actor = "mallory".into();
    // A careful forger re-seals the whole chain, so the bundle is consistent in itself and
    // laptop B (which never saw the visit) takes it; only the server knows the real event.
    pantau::domain::chain::seal_all(&mut forged.visits[0].history, None);
    forged.visits.truncate(1);
    let ffile = dir.path().join("forged.json");
    std::fs::write(&ffile, export::bundle::to_json(&forged).unwrap()).unwrap();
    let b = enrolled(&c, &dir.path().join("b"), "team_a");
    export::import_files(&b, &[ffile]).unwrap();
    let s = sync(&c, &b, "team_a");
    assert_eq!(s.refused_events, vec![(victim, forged.visits[0].visit.id)]);
    assert_eq!(s.sent_events, 0);
    let after = c.psql_admin("SELECT id, sha256 FROM pantau.events ORDER BY id", pg::DB);
    assert_eq!(before, after, "the stored event is untouched");
    let actor = c.psql_admin(
        &format!("SELECT body::jsonb->>'actor' FROM pantau.events WHERE id = '{victim}'"),
        pg::DB,
    );
    assert_eq!(actor.trim(), "ani");
    // Refused again at the next sync: it is reported until settled, never taken.
    let again = sync(&c, &b, "team_a");
    assert_eq!(again.refused_events.len(), 1);

    // Nobody can change or remove a stored event, not even the owner.
    for sql in [
        "UPDATE pantau.events SET body = '{}'",
        "DELETE FROM pantau.events",
        "TRUNCATE pantau.events CASCADE",
    ] {
        let e = c.psql(pg::ADMIN, pg::DB, sql).unwrap_err();
        assert!(e.contains("append-only"), "{sql}: {e}");
        let e = c.psql("team_a", pg::DB, sql).unwrap_err();
        assert!(e.contains("permission denied"), "{sql}: {e}");
    }
    let dup = c.psql_admin(
        &format!("INSERT INTO pantau.events (id, visit, team, device, body) SELECT id, visit, team, device, '{{}}' FROM pantau.events WHERE id = '{victim}' ON CONFLICT DO NOTHING RETURNING id"),
        pg::DB,
    );
    assert_eq!(dup.trim(), "", "the unique key keeps the first content");
}

#[test]
fn row_level_security_keeps_team_b_out_of_team_a_visits_until_granted() {
    let Some(c) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = enrolled(&c, &dir.path().join("a"), "team_a");
    for v in pantau::synth::visits(4, 1) {
        a.create(&v, &stamp(1, "ani")).unwrap();
    }
    sync(&c, &a, "team_a");
    let b = enrolled(&c, &dir.path().join("b"), "team_b");
    let own = pantau::synth::visits(1, 9).remove(0);
    b.create(&own, &stamp(2, "budi")).unwrap();
    let s = sync(&c, &b, "team_b");
    assert_eq!((s.sent_visits, s.received_heads), (1, 0));
    assert_eq!(b.summaries().unwrap().len(), 1, "nothing of team A");
    for table in ["events", "heads", "current", "visits"] {
        let n = c
            .psql(
                "team_b",
                pg::DB,
                &format!("SELECT count(*) FROM pantau.{table}"),
            )
            .unwrap();
        assert_eq!(n.trim(), "1", "team B sees only its own {table}");
    }
    // Writing into team A's visit is refused by the server itself.
    let e = c
        .psql(
            "team_b",
            pg::DB,
            "INSERT INTO pantau.heads (visit, device, team, seq, log, doc, revision)
             SELECT visit, device, team, 0, log, doc, 99 FROM pantau.heads LIMIT 0;
             UPDATE pantau.heads SET revision = 99 WHERE team = 'A' RETURNING 1;",
        )
        .unwrap();
    assert_eq!(e.trim(), "", "no row of A to update");
    let forged = c.psql(
        "team_b",
        pg::DB,
        "INSERT INTO pantau.visits (id, team, first_device)
         VALUES (gen_random_uuid(), 'A', gen_random_uuid())",
    );
    assert!(forged.unwrap_err().contains("row-level security"));
    // The ministry reads everything.
    let n = c
        .psql("ministry", pg::DB, "SELECT count(*) FROM pantau.current")
        .unwrap();
    assert_eq!(n.trim(), "5");
    let e = c
        .psql("ministry", pg::DB, "DELETE FROM pantau.current")
        .unwrap_err();
    assert!(e.contains("permission denied"), "{e}");

    // Granted: B receives A's visits, and never sends them back.
    central::admin::grant(&target(&c, pg::ADMIN), "A", "B").unwrap();
    let s = sync(&c, &b, "team_b");
    assert_eq!(s.added.len(), 4, "{s:?}");
    assert_eq!(b.summaries().unwrap().len(), 5);
    let id = s.added[0];
    edit(&b, id, 5, "budi", |v| v.venue = "Aula B".into());
    let s = sync(&c, &b, "team_b");
    assert_eq!(s.not_sent_foreign, vec![id]);
    let venue = c.psql_admin(
        &format!("SELECT doc::jsonb->>'venue' FROM pantau.heads WHERE visit = '{id}'"),
        pg::DB,
    );
    assert_ne!(venue.trim(), "Aula B");
}

#[test]
fn twenty_laptops_syncing_at_once_lose_nothing() {
    let Some(c) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let stores: Vec<Store> = (0..20)
        .map(|i| {
            let s = enrolled(&c, &dir.path().join(format!("l{i}")), "team_a");
            for v in pantau::synth::visits(3, 1000 + i) {
                s.create(&v, &stamp(1, &format!("a{i}"))).unwrap();
            }
            s
        })
        .collect();
    for _ in 0..2 {
        std::thread::scope(|scope| {
            for s in &stores {
                let c = &c;
                scope.spawn(move || sync(c, s, "team_a"));
            }
        });
    }
    // Everyone has seen the server after the last of the others sent: one more round each.
    for s in &stores {
        sync(&c, s, "team_a");
    }
    let n = c.psql_admin("SELECT count(*) FROM pantau.current", pg::DB);
    assert_eq!(n.trim(), "60");
    let first = snapshot(&stores[0]);
    assert_eq!(first.visits.len(), 60);
    for s in &stores[1..] {
        assert!(
            snapshot(s) == first,
            "every laptop holds every visit, the same"
        );
    }
}

#[test]
fn the_schema_version_is_checked_at_every_sync() {
    let Some(c) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = enrolled(&c, &dir.path().join("a"), "team_a");
    c.psql_admin(
        "INSERT INTO pantau.schema_migrations (version, name) VALUES (99, 'future')",
        pg::DB,
    );
    match central::sync(&a, &target(&c, "team_a"), &mut |_| {}) {
        Err(e @ CentralError::SchemaTooNew { found: 99, .. }) => {
            let msg = e.message(pantau::i18n::Lang::En);
            assert!(msg.contains("update Pantau"), "{msg}");
        }
        other => panic!("{other:?}"),
    }
    c.psql_admin("DELETE FROM pantau.schema_migrations", pg::DB);
    assert!(matches!(
        central::sync(&a, &target(&c, "team_a"), &mut |_| {}),
        Err(CentralError::SchemaMissing)
    ));
}

fn pantau(db: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_pantau"));
    cmd.arg("--db").arg(db).args(args).env("PANTAU_LANG", "en");
    cmd.env("PANTAU_CONFIG", db.with_extension("config.toml"));
    cmd
}

fn ok(mut cmd: std::process::Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn two_laptops_that_never_exchanged_a_file_see_each_other_and_the_ministry_sees_both() {
    let Some(c) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    ok(pantau(&a, &["demo"]));
    {
        let s = Store::open(&b).unwrap();
        for v in pantau::synth::visits(2, 5) {
            s.create(&v, &stamp(1, "budi")).unwrap();
        }
    }
    let url = c.url("team_a");
    for db in [&a, &b] {
        let out = ok(pantau(db, &["central", "enrol", &url, "--team", "A"]));
        assert!(out.contains("Enrolled: team A"), "{out}");
    }
    // The URL is remembered (without a password): later syncs need no --central.
    for db in [&a, &b, &a] {
        let out = ok(pantau(db, &["sync"]));
        assert!(out.starts_with("Synced: "), "{out}");
    }
    let list_a = ok(pantau(&a, &["list", "--json"]));
    let list_b = ok(pantau(&b, &["list", "--json"]));
    let parse = |s: &str| -> serde_json::Value { serde_json::from_str(s).unwrap() };
    assert_eq!(parse(&list_a).as_array().unwrap().len(), 3);
    assert_eq!(parse(&list_a), parse(&list_b));
    let json: serde_json::Value =
        serde_json::from_str(&ok(pantau(&b, &["sync", "--json"]))).unwrap();
    assert_eq!(json["sent_events"], 0);
    assert_eq!(json["conflicts_open"], 0);

    let ministry = c.url("ministry");
    let ov: serde_json::Value = serde_json::from_str(&ok(pantau(
        &a,
        &["overview", "--central", &ministry, "--json"],
    )))
    .unwrap();
    let visits: i64 = ov["by_province_month"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["visits"].as_i64().unwrap())
        .sum();
    assert_eq!(visits, 3, "{ov}");
    let karo = &pantau::demo::karo_visit();
    let districts: Vec<&str> = ov["strategies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["district_code"].as_str().unwrap())
        .collect();
    assert!(districts.contains(&karo.district.code.as_str()), "{ov}");
    let text = ok(pantau(&a, &["overview", "--central", &ministry]));
    assert!(text.contains("Visits by province and month"), "{text}");
    assert!(text.contains(&karo.district.name), "{text}");
}

/// A pseudo-random number below `n` (no clock is asserted; the points vary between runs).
fn random_below(n: u64) -> u64 {
    ((uuid::Uuid::now_v7().as_u128() & 0xffff_ffff) % u128::from(n)) as u64
}

#[test]
fn a_sync_killed_at_random_points_or_cut_by_a_server_restart_resumes_and_loses_nothing() {
    let Some(c) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let n = 1200;
    {
        let s = Store::open(&a).unwrap();
        s.import_histories(&pantau::synth::histories(n, 3)).unwrap();
    }
    let url = c.url("team_a");
    for db in [&a, &b] {
        ok(pantau(db, &["central", "enrol", &url]));
    }
    let count = |table: &str| -> usize {
        c.psql_admin(&format!("SELECT count(*) FROM pantau.{table}"), pg::DB)
            .trim()
            .parse()
            .unwrap()
    };
    for db in [&a, &b] {
        for round in 0..4 {
            let mut child = pantau(db, &["sync"]).spawn().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(150 + random_below(1500)));
            if round == 3 {
                c.restart();
            } else {
                let _ = child.kill();
            }
            let _ = child.wait();
        }
        let json: serde_json::Value =
            serde_json::from_str(&ok(pantau(db, &["sync", "--json"]))).unwrap();
        assert_eq!(json["refused_events"], serde_json::json!([]));
        let again: serde_json::Value =
            serde_json::from_str(&ok(pantau(db, &["sync", "--json"]))).unwrap();
        assert_eq!(again["sent_events"], 0, "{again}");
    }
    assert_eq!(count("events"), n);
    assert_eq!(count("current"), n);
    let (sa, sb) = (Store::open(&a).unwrap(), Store::open(&b).unwrap());
    assert_eq!(sa.summaries().unwrap().len(), n);
    assert!(snapshot(&sa) == snapshot(&sb), "b holds what a sent");
    assert!(sb.check().is_clean(), "{:?}", sb.check().problems);
}

#[test]
fn the_app_syncs_on_a_key_and_shows_when_it_last_synced() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let Some(c) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = enrolled(&c, &dir.path().join("a"), "team_a");
    pantau::demo::load(&a, &stamp(0, "ani")).unwrap();
    sync(&c, &a, "team_a");

    let b = enrolled(&c, &dir.path().join("b"), "team_a");
    let guide = std::sync::Arc::new(pantau::guide::load_default().unwrap());
    let config = pantau::config::Config::default();
    let mut app = pantau::tui::build_app(&b, pantau::i18n::Lang::En, &config, guide).unwrap();
    app.tick(chrono::DateTime::parse_from_rfc3339("2022-03-17T14:00:00+07:00").unwrap());
    let mut runner = pantau::tui::runner::Runner::inline(b.clone(), None).unwrap();
    let draw = |app: &pantau::app::App| {
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 24)).unwrap();
        term.draw(|f| pantau::ui::draw(f, app)).unwrap();
        let buf = term.backend().buffer().clone();
        (0..buf.area.height)
            .map(|y| {
                (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(draw(&app).contains("never synced"), "{}", draw(&app));
    assert!(app.list.all.is_empty());
    let effects = app.handle_key(KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT));
    pantau::tui::drain(&mut app, &mut runner, effects);
    let screen = draw(&app);
    assert!(screen.contains("Synced (sent / received"), "{screen}");
    assert!(screen.contains("synced "), "{screen}");
    assert!(
        screen.contains("Kabupaten Karo"),
        "the received visit is listed: {screen}"
    );
    assert_eq!(app.list.all.len(), 1);
    assert!(!app.central.running);
    // Searchable at once: the index learnt the visit.
    let effects = app.handle_key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE));
    pantau::tui::drain(&mut app, &mut runner, effects);
    for ch in "karo".chars() {
        let effects = app.handle_key(KeyEvent::new(KeyCode::Char(ch), KeyModifiers::NONE));
        pantau::tui::drain(&mut app, &mut runner, effects);
    }
    assert_eq!(app.list.rows.len(), 1, "{}", draw(&app));
}
