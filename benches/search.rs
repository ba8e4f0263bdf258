//! Search quality and speed at N synthetic visits (issue 18), against the same visits:
//! precision and recall of single-word queries (common, rare, absent) against an exact
//! whole-word scan of each visit's Markdown report (what `rg -iw` over the exported reports
//! finds), the table queries, the time to build and to open the index, and the time
//! of a query. The command-line comparison with `rg` is a whole-process one, run by hand (see
//! docs/PERFORMANCE.md).
//!
//!     cargo bench --bench search
//!     PANTAU_BENCH_SIZES=1000 cargo bench --bench search

// A benchmark is a measuring harness run by a developer: a failed step should stop it loudly.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Instant;

use pantau::i18n::Lang;
use pantau::search::text::words;
use pantau::store::Store;
use uuid::Uuid;

/// Common (every visit, most visits), rare (a few) and absent words.
const WORDS: &[&str] = &[
    "honorer", "bupati", "ginting", "sitepu", "wulan", "bappeda", "kodim", "pekerja", "lamhot",
    "zzqx", "sinaga",
];

fn main() {
    for n in common::sizes(&[10_000]) {
        run(n);
    }
}

fn run(n: usize) {
    let store = Store::open(&common::database(n)).unwrap();
    println!("\n## search quality and speed, {n} visits");
    // The exact scan: every word of every visit's Markdown report, folded like the engine.
    let t = Instant::now();
    let wanted: HashSet<&str> = WORDS.iter().copied().collect();
    let mut scan: HashMap<String, BTreeSet<Uuid>> = HashMap::new();
    let mut pairs: HashMap<(String, String), BTreeSet<Uuid>> = HashMap::new();
    let at = common::stamp().at;
    store
        .for_each_visit(|v| {
            let md =
                pantau::export::md::render(&pantau::export::report::build(&v, &[], Lang::Id, at));
            let ws = words(&md);
            for w in &ws {
                if wanted.contains(w.as_str()) {
                    scan.entry(w.clone()).or_default().insert(v.id);
                }
            }
            for p in ws.windows(2) {
                if p[0] == "budi" && p[1] == "ginting" {
                    pairs
                        .entry((p[0].clone(), p[1].clone()))
                        .or_default()
                        .insert(v.id);
                }
            }
        })
        .unwrap();
    println!("  exact scan of {n} Markdown reports: {:.1?}", t.elapsed());

    let t = Instant::now();
    let fresh = store.rebuild_search_index(&mut |_| {}).unwrap();
    println!(
        "  index build (all visits, file written): {:.1?}",
        t.elapsed()
    );
    drop(fresh);
    let t = Instant::now();
    let summaries = store.summaries().unwrap();
    let t_summaries = t.elapsed();
    let idx = store.search_index(&summaries, &mut |_| {}).unwrap();
    println!(
        "  index open, file up to date (after {:.1?} of summaries): {:.1?}",
        t_summaries,
        t.elapsed() - t_summaries
    );
    let size = std::fs::metadata(store.path().join(pantau::store::INDEX_FILE))
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "  index file: {:.1} MB; database {:.1} MB",
        size as f64 / 1e6,
        store.size_on_disk() as f64 / 1e6
    );

    let fetch = |id| store.get(id).ok().flatten();
    println!(
        "\n  {:<16} {:>8} {:>8} {:>10} {:>8} {:>12}",
        "query", "scan", "engine", "precision", "recall", "time"
    );
    let mut worst = (1.0f64, 1.0f64);
    let show = |q: &str, want: &BTreeSet<Uuid>| {
        let t = Instant::now();
        let hits = idx.search(q, 0, &fetch);
        let took = t.elapsed();
        let got: BTreeSet<Uuid> = hits.iter().map(|h| h.id).collect();
        let both = got.intersection(want).count() as f64;
        let precision = if got.is_empty() {
            1.0
        } else {
            both / got.len() as f64
        };
        let recall = if want.is_empty() {
            1.0
        } else {
            both / want.len() as f64
        };
        println!(
            "  {q:<16} {:>8} {:>8} {precision:>10.4} {recall:>8.4} {:>12}",
            want.len(),
            got.len(),
            common::ms(took)
        );
        (precision, recall)
    };
    for w in WORDS {
        let (p, r) = show(w, scan.get(*w).unwrap_or(&BTreeSet::new()));
        worst = (worst.0.min(p), worst.1.min(r));
    }
    let phrase = pairs
        .get(&("budi".into(), "ginting".into()))
        .cloned()
        .unwrap_or_default();
    show("\"budi ginting\"", &phrase);
    let verdict = |x: f64| if x >= 0.99 { "ok" } else { "MISSED" };
    println!(
        "  single words: lowest precision {:.4} (target >= 0.99: {}), lowest recall {:.4} (target >= 0.99: {})",
        worst.0,
        verdict(worst.0),
        worst.1,
        verdict(worst.1)
    );
    // Query times over many runs (as the worker answers, with snippets for the first 200).
    for q in [
        "honorer",
        "ginting",
        "lamhot",
        "budi ginting",
        "\"budi ginting\"",
        "pekerja bupati",
    ] {
        let s = common::measure(2, 20, || {
            std::hint::black_box(idx.search(q, 200, &fetch));
        });
        common::report(
            &format!("  worker: search {q:?} with 200 snippets"),
            &s,
            None,
        );
    }
}
