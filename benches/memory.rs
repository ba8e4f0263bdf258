//! Peak memory with N visits open (issue 6): the app as `tui::run` starts it — store open, list
//! summaries, the search worker's index over every visit — then a search and a frame. Reads
//! `VmHWM` (peak resident set) from /proc/self/status, so Linux only; each size runs in its own
//! process (this binary re-runs itself), so one size's peak does not hide another's.
//!
//!     cargo bench --bench memory
//!     PANTAU_BENCH_SIZES=10000 cargo bench --bench memory
//!
//! Cross-check from outside: `/usr/bin/time -v target/release/pantau --db target/pantau-bench/visits-10000/db list`
//! ("Maximum resident set size").

// A benchmark is a measuring harness run by a developer: a failed step should stop it loudly.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::sync::mpsc;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use pantau::config::Config;
use pantau::i18n::Lang;
use pantau::store::Store;
use pantau::tui::worker::Job;

fn main() {
    if let Ok(n) = std::env::var("PANTAU_MEMORY_CHILD") {
        child(n.parse().unwrap());
        return;
    }
    println!("\n## peak memory with the app open (VmHWM, whole process)");
    let exe = std::env::current_exe().unwrap();
    for n in common::sizes(&[1_000, 10_000]) {
        // Build (or find) the database here, so the child only opens it.
        let db = common::database(n);
        // First without the search index file (the worker builds it), then with it.
        let _ = std::fs::remove_file(db.join(pantau::store::INDEX_FILE));
        for label in ["index built at start", "index file up to date"] {
            let out = std::process::Command::new(&exe)
                .env("PANTAU_MEMORY_CHILD", n.to_string())
                .output()
                .unwrap();
            print!("{label:<24} {}", String::from_utf8_lossy(&out.stdout));
            if !out.status.success() {
                eprint!("{}", String::from_utf8_lossy(&out.stderr));
            }
        }
    }
}

fn child(n: usize) {
    let path = common::database(n);
    let mb = |kb: u64| kb as f64 / 1024.0;
    let (base, _) = common::memory_kb().unwrap_or_default();
    let store = Store::open(&path).unwrap();
    let (after_open, _) = common::memory_kb().unwrap_or_default();
    let guide = Arc::new(pantau::guide::load_default().unwrap());
    let app = pantau::tui::build_app(&store, Lang::Id, &Config::default(), guide).unwrap();
    let (after_app, _) = common::memory_kb().unwrap_or_default();
    let (tx, rx) = mpsc::channel();
    let jobs = pantau::tui::worker::spawn(store.clone(), tx);
    jobs.send(Job::Search {
        generation: 1,
        text: "karo".into(),
    })
    .unwrap();
    // Progress messages come first while the index is built.
    while !matches!(rx.recv().unwrap(), pantau::app::Msg::SearchDone { .. }) {}
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    term.draw(|f| pantau::ui::draw(f, &app)).unwrap();
    let (peak, rss) = common::memory_kb().unwrap_or_default();
    println!(
        "{n:>7} visits: peak {:>7.1} MB, resident now {:>7.1} MB  (at start {:.1}, after Store::open {:.1}, after build_app {:.1})",
        mb(peak),
        mb(rss),
        mb(base),
        mb(after_open),
        mb(after_app),
    );
    drop(jobs);
    while rx.recv().is_ok() {}
}
