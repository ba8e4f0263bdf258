//! The first sync of 10,000 synthetic visits into a local PostgreSQL, its re-sync with nothing
//! new, and a second laptop's first sync (receiving all of them), side by side with `psql \copy`
//! of the same events into a table of the same columns, the floor. Run: `cargo bench --bench
//! central` (PANTAU_BENCH_N for another size, PANTAU_BENCH_ROUNDS for more than one round).
//! Needs the PostgreSQL binaries (see tests/integration/common/pg.rs); each round runs on a new cluster
//! listening on a Unix socket only.

// A benchmark is a measuring harness run by a developer: a failed step should stop it loudly.
#![allow(clippy::unwrap_used)]
#![cfg_attr(not(unix), allow(unused))]

#[cfg(unix)]
#[path = "../tests/integration/common/pg.rs"]
mod pg;

use std::io::Write;
use std::time::{Duration, Instant};

use pantau::central::{self, Target};
use pantau::store::Store;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn settle() {
    #[cfg(unix)]
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe {
        libc::sync();
    };
    std::thread::sleep(Duration::from_millis(300));
}

/// COPY text format: backslash, tab, newline and carriage return escaped.
fn copy_field(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

fn main() {
    #[cfg(unix)]
    run();
}

#[cfg(unix)]
fn run() {
    let n = env("PANTAU_BENCH_N", 10_000);
    let rounds = env("PANTAU_BENCH_ROUNDS", 1);
    let histories = pantau::synth::histories(n, 42);
    let event_bytes: usize = histories
        .iter()
        .flat_map(|h| &h.history)
        .map(|e| serde_json::to_vec(e).unwrap().len())
        .sum();
    println!(
        "{n} visits, {} events, {:.0} MB of event JSON",
        histories.iter().map(|h| h.history.len()).sum::<usize>(),
        event_bytes as f64 / 1e6
    );
    for round in 0..rounds {
        let Some(c) = pg::Cluster::start() else {
            return;
        };
        let admin = Target::parse(&c.url(pg::ADMIN)).unwrap();
        central::migrate::migrate(&mut admin.connect().unwrap()).unwrap();
        c.psql_admin("CREATE ROLE team_a LOGIN", pg::DB);
        central::admin::add_team(&admin, "A", "team_a").unwrap();
        let team = Target::parse(&c.url("team_a")).unwrap();
        let dir = tempfile::tempdir().unwrap();

        let a = Store::open(&dir.path().join("a")).unwrap();
        a.import_histories(&histories).unwrap();
        central::enrol(a.path(), &team, None, "a").unwrap();

        // The floor: the same events, as COPY text, into a table of the same columns.
        let file = dir.path().join("events.copy");
        {
            let mut out = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
            for h in &histories {
                for e in &h.history {
                    let body = serde_json::to_string(e).unwrap();
                    writeln!(
                        out,
                        "{}\t{}\tA\t{}\t{}",
                        e.id,
                        h.visit.id,
                        uuid::Uuid::nil(),
                        copy_field(&body)
                    )
                    .unwrap();
                }
            }
        }
        std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o644))
            .unwrap();
        c.psql_admin(
            "CREATE TABLE public.copy_floor (id uuid PRIMARY KEY, visit uuid NOT NULL,
               team text NOT NULL, device uuid NOT NULL, body text NOT NULL)",
            pg::DB,
        );
        settle();
        let t = Instant::now();
        c.psql_admin(
            &format!(
                "\\copy public.copy_floor (id, visit, team, device, body) FROM '{}'",
                file.display()
            ),
            pg::DB,
        );
        let copy = t.elapsed();

        settle();
        let t = Instant::now();
        let s = central::sync(&a, &team, &mut |_| {}).unwrap();
        let first = t.elapsed();
        assert_eq!(s.sent_visits as usize, n);

        let mut noop = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let s = central::sync(&a, &team, &mut |_| {}).unwrap();
            noop.push(t.elapsed());
            assert_eq!(s.sent_events + s.received_heads, 0);
        }
        noop.sort();

        let b = Store::open(&dir.path().join("b")).unwrap();
        central::enrol(b.path(), &team, None, "b").unwrap();
        settle();
        let t = Instant::now();
        let s = central::sync(&b, &team, &mut |_| {}).unwrap();
        let receive = t.elapsed();
        assert_eq!(s.added.len(), n);

        let per_s = |d: Duration| n as f64 / d.as_secs_f64();
        println!(
            "round {round}: psql \\copy {:.2} s ({:.0} visits/s) | first sync {:.2} s ({:.0} visits/s, {:.0} % of copy) | no-op sync median {:.0} ms, max {:.0} ms | receiving laptop {:.2} s ({:.0} visits/s)",
            copy.as_secs_f64(),
            per_s(copy),
            first.as_secs_f64(),
            per_s(first),
            100.0 * copy.as_secs_f64() / first.as_secs_f64(),
            noop[noop.len() / 2].as_secs_f64() * 1e3,
            noop[noop.len() - 1].as_secs_f64() * 1e3,
            receive.as_secs_f64(),
            per_s(receive),
        );
    }
}
