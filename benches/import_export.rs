//! Import and export of 10,000 synthetic visits, measured side by side with raw sled inserts of
//! the same serialized bytes (one flush at the end). Run: `cargo bench --bench import_export`
//! (set PANTAU_BENCH_N for another size). Plain `main`, no harness: each step runs once on a
//! fresh database, which is what an import is. The same import and export on an encrypted
//! database (issue 20) run in turn with the plain ones, and their speed is given as a ratio.

// A benchmark is a measuring harness run by a developer: a failed step should stop it loudly.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use pantau::domain::merge::VisitHistory;
use pantau::export::{Bundle, bundle};
use pantau::store::Store;

/// The passphrase of the encrypted databases.
const PASSPHRASE: &str = "kata sandi bangku uji";

/// Waits for the disk to take every dirty page, so that the kernel's write-back of one step's
/// 300 MB does not land in the next step's timing. (Removing the earlier steps' databases as
/// well made the next raw run 2x slower: the file system's freeing work landed in it.)
fn settle() {
    #[cfg(unix)]
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe {
        libc::sync();
    };
    std::thread::sleep(Duration::from_millis(300));
}

/// What `pantau import` does with a bundle file's bytes (`export::import_files`, without the
/// backup): parse and check each visit on all cores, encoding it at once when it is new here,
/// then (everything checked) the bulk writes in batches, the closing transaction and flush
/// (all or nothing). Also gives the time until the last visit was read (nothing is written
/// before then).
fn import(store: &Store, bytes: &[u8]) -> (pantau::store::ImportSummary, Duration) {
    let t = Instant::now();
    let importer = store.importer().expect("importer");
    let (_, taken) = bundle::parse_each(bytes, |i, h| importer.take(i, h)).expect("valid bundle");
    taken
        .into_iter()
        .collect::<Result<Vec<()>, _>>()
        .expect("take");
    let read = t.elapsed();
    (importer.finish().expect("import"), read)
}

/// Runs of each side; even, so that each side writes first equally often.
const RUNS: usize = 6;

fn per_sec(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

fn main() {
    let n: usize = std::env::var("PANTAU_BENCH_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let t = Instant::now();
    let visits: Vec<VisitHistory> = pantau::synth::histories(n, 42);
    let at = visits[0].visit.created;
    let bytes = bundle::to_json(&Bundle::new(visits.clone(), at, "bench", false)).expect("json");
    println!(
        "generated {n} visits, bundle {:.1} MB, in {:.2?}",
        bytes.len() as f64 / 1e6,
        t.elapsed()
    );

    // Raw sled: the same visits' serialized bytes, one insert each, one flush.
    let raw_values: Vec<(uuid::Uuid, Vec<u8>)> = visits
        .iter()
        .map(|h| (h.visit.id, serde_json::to_vec(h).expect("json")))
        .collect();
    drop(visits);
    // Each side runs six times, each time on a fresh database (this machine's disk timings vary
    // by tens of percent from run to run); medians are reported. Whichever side writes second in
    // a round pays for the disk still taking the first side's gigabyte after `sync` returns
    // (measured: the import's write took 0.4 s when it went first and 1.3-2.5 s when it went
    // second), so each side goes first in half of the rounds.
    let (mut raws, mut imports, mut prepares) = (vec![], vec![], vec![]);
    let (mut exports, mut decoded_exports) = (vec![], vec![]);
    // The same import and export on an encrypted database (issue 20), in turn with the plain
    // ones: each goes first in half of the rounds.
    let (mut sealed_imports, mut sealed_exports) = (vec![], vec![]);
    let mut store = None;
    for round in 0..RUNS {
        drop(store.take());
        let raw_step = |raws: &mut Vec<Duration>| {
            settle();
            let db = sled::open(dir.path().join(format!("raw{round}"))).expect("sled");
            let tree = db.open_tree("visits").expect("tree");
            let t = Instant::now();
            for (id, value) in &raw_values {
                tree.insert(id.as_bytes(), value.as_slice())
                    .expect("insert");
            }
            db.flush().expect("flush");
            raws.push(t.elapsed());
        };
        if round % 2 == 0 {
            raw_step(&mut raws);
        }
        // Pantau import: parse and check the bundle, encode, write all or nothing, flush; into
        // an empty plain and an empty encrypted database (created, key derived, before the
        // clock starts).
        let import_into = |sealed: bool| {
            settle();
            let s = if sealed {
                Store::create_encrypted(&dir.path().join(format!("sealed{round}")), PASSPHRASE)
                    .expect("encrypted store")
            } else {
                Store::open(&dir.path().join(format!("pantau{round}"))).expect("store")
            };
            let t = Instant::now();
            let (summary, prepared) = import(&s, &bytes);
            let took = t.elapsed();
            assert_eq!(summary.added.len(), n);
            (s, took, prepared)
        };
        let sealed_first = round % 2 == 1;
        let first = import_into(sealed_first);
        let second = import_into(!sealed_first);
        let ((s, took, prepared), (sealed_s, sealed_took, _)) = if sealed_first {
            (second, first)
        } else {
            (first, second)
        };
        assert!(sealed_s.is_encrypted());
        imports.push(took);
        prepares.push(prepared);
        sealed_imports.push(sealed_took);
        if round % 2 == 1 {
            raw_step(&mut raws);
        }

        // Export of everything to a JSON bundle, as `pantau export --format json` does it (the
        // stored records as they are; opened with the key when encrypted), plain and
        // encrypted in turn; and by decoding every visit and encoding it again (what an export
        // with a filter does), plain only.
        let export_of = |s: &Store| {
            settle();
            let t = Instant::now();
            let (out, count) =
                pantau::export::bundle_json(s, &Default::default(), false).expect("export");
            let took = t.elapsed();
            assert_eq!(count, n);
            drop(out);
            took
        };
        // One export of each first, not timed: the first read after an import paid for the
        // import's write-back (0.5-0.9 s against 0.25-0.3 s plain, whichever store it was),
        // so the pair measured was mostly the order they ran in.
        export_of(&s);
        export_of(&sealed_s);
        if sealed_first {
            sealed_exports.push(export_of(&sealed_s));
            exports.push(export_of(&s));
        } else {
            exports.push(export_of(&s));
            sealed_exports.push(export_of(&sealed_s));
        }
        drop(sealed_s);
        settle();
        let t = Instant::now();
        let out = bundle::to_json(&Bundle::new(
            s.histories(false).expect("read"),
            at,
            "bench",
            false,
        ))
        .expect("json");
        decoded_exports.push(t.elapsed());
        assert_eq!(out.len(), bytes.len());
        store = Some(s);
    }
    for (i, ((r, p), q)) in raws.iter().zip(&imports).zip(&prepares).enumerate() {
        println!(
            "  run {}: raw {r:.2?}, import {p:.2?} (all read {q:.2?}, then {:.2?} to the end){}",
            i + 1,
            *p - *q,
            if i % 2 == 0 { "" } else { ", import first" }
        );
    }
    for (i, (((p, s), e), f)) in imports
        .iter()
        .zip(&sealed_imports)
        .zip(&exports)
        .zip(&sealed_exports)
        .enumerate()
    {
        println!(
            "  run {}: import plain {p:.2?} / encrypted {s:.2?} = {:.2}x, export plain {e:.2?} / \
             encrypted {f:.2?} = {:.2}x{}",
            i + 1,
            p.as_secs_f64() / s.as_secs_f64(),
            e.as_secs_f64() / f.as_secs_f64(),
            if i % 2 == 0 { "" } else { ", encrypted first" }
        );
    }
    // Pair by pair (the two ran next to each other), then the median of those ratios.
    let pair_ratios = |plain: &[Duration], sealed: &[Duration]| {
        let mut r: Vec<f64> = plain
            .iter()
            .zip(sealed)
            .map(|(p, s)| p.as_secs_f64() / s.as_secs_f64())
            .collect();
        r.sort_by(f64::total_cmp);
        (r[(r.len() - 1) / 2] + r[r.len() / 2]) / 2.0
    };
    let import_pairs = pair_ratios(&imports, &sealed_imports);
    let export_pairs = pair_ratios(&exports, &sealed_exports);
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        (v[(v.len() - 1) / 2] + v[v.len() / 2]) / 2
    };
    let (raw, imported, export, decoded_export) = (
        median(&mut raws),
        median(&mut imports),
        median(&mut exports),
        median(&mut decoded_exports),
    );
    let (sealed_imported, sealed_export) =
        (median(&mut sealed_imports), median(&mut sealed_exports));
    let store = store.expect("store");

    // Importing the same bundle again: everything unchanged.
    let t = Instant::now();
    let (again, _) = import(&store, &bytes);
    let reimport = t.elapsed();
    assert_eq!(again.unchanged.len(), n);

    println!("medians of {RUNS} runs, each on a fresh database:");
    println!(
        "raw sled inserts + 1 flush   {raw:>10.2?}  {:>8.0} visits/s",
        per_sec(n, raw)
    );
    println!(
        "pantau import (all steps)    {imported:>10.2?}  {:>8.0} visits/s  = {:.0} % of raw",
        per_sec(n, imported),
        100.0 * raw.as_secs_f64() / imported.as_secs_f64()
    );
    println!(
        "re-import, all unchanged     {reimport:>10.2?}  {:>8.0} visits/s",
        per_sec(n, reimport)
    );
    println!(
        "export, decoding every visit {decoded_export:>10.2?}  {:>8.0} visits/s",
        per_sec(n, decoded_export)
    );
    println!(
        "export to JSON bundle        {export:>10.2?}  {:>8.0} visits/s  target < 2 s: {}",
        per_sec(n, export),
        if export < Duration::from_secs(2) {
            "ok"
        } else {
            "MISSED"
        }
    );
    // Issue 20: with encryption on, import and export at >= 0.7x their plain speed.
    let verdict = |r: f64| if r >= 0.7 { "ok" } else { "MISSED" };
    let import_ratio = imported.as_secs_f64() / sealed_imported.as_secs_f64();
    let export_ratio = export.as_secs_f64() / sealed_export.as_secs_f64();
    println!("encrypted database (issue 20), same runs, in turn with the plain ones:");
    println!(
        "pantau import, encrypted     {sealed_imported:>10.2?}  {:>8.0} visits/s  = {import_ratio:.2}x \
         plain (pair by pair {import_pairs:.2}x)  target >= 0.7x: {}",
        per_sec(n, sealed_imported),
        verdict(import_ratio.min(import_pairs))
    );
    println!(
        "export to JSON, encrypted    {sealed_export:>10.2?}  {:>8.0} visits/s  = {export_ratio:.2}x \
         plain (pair by pair {export_pairs:.2}x)  target >= 0.7x: {}",
        per_sec(n, sealed_export),
        verdict(export_ratio.min(export_pairs))
    );
}
