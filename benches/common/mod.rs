//! Shared by the bench binaries: a small timing harness (warm-up, N samples, median/p99), the
//! synthetic databases (built once and cached under `target/pantau-bench/`), and key helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use pantau::domain::{Stamp, Visit};
use pantau::store::Store;

/// Samples of one measured operation: wall-clock time, and (when taken with [`measure`] or
/// [`Timer`]) the CPU time of the measuring thread, which other processes on a shared machine
/// inflate much less.
pub struct Stats {
    pub samples: Vec<Duration>,
    pub cpu: Vec<Duration>,
}

impl Stats {
    pub fn new(mut samples: Vec<Duration>) -> Stats {
        samples.sort();
        Stats {
            samples,
            cpu: Vec::new(),
        }
    }

    pub fn with_cpu(samples: Vec<Duration>, mut cpu: Vec<Duration>) -> Stats {
        cpu.sort();
        Stats {
            cpu,
            ..Stats::new(samples)
        }
    }

    /// Percentile of the CPU times, if they were taken.
    pub fn cpu_pct(&self, p: f64) -> Option<Duration> {
        let i = ((self.cpu.len() as f64 - 1.0) * p).round() as usize;
        self.cpu
            .get(i.min(self.cpu.len().saturating_sub(1)))
            .copied()
    }

    pub fn pct(&self, p: f64) -> Duration {
        if self.samples.is_empty() {
            return Duration::ZERO;
        }
        let i = ((self.samples.len() as f64 - 1.0) * p).round() as usize;
        self.samples[i.min(self.samples.len() - 1)]
    }

    pub fn median(&self) -> Duration {
        self.pct(0.5)
    }

    pub fn p99(&self) -> Duration {
        self.pct(0.99)
    }

    pub fn max(&self) -> Duration {
        self.samples.last().copied().unwrap_or_default()
    }
}

/// Runs `f` `warmup` times unmeasured, then `n` times measured.
pub fn measure(warmup: usize, n: usize, mut f: impl FnMut()) -> Stats {
    for _ in 0..warmup {
        f();
    }
    let mut samples = Vec::with_capacity(n);
    let mut cpu = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Timer::start();
        f();
        let (w, c) = t.stop();
        samples.push(w);
        cpu.push(c);
    }
    Stats::with_cpu(samples, cpu)
}

/// Stats of (wall, cpu) pairs taken with [`Timer`].
pub fn stats(pairs: Vec<(Duration, Duration)>) -> Stats {
    let (wall, cpu) = pairs.into_iter().unzip();
    Stats::with_cpu(wall, cpu)
}

/// Wall-clock and thread CPU time of one operation.
pub struct Timer(Instant, Duration);

impl Timer {
    pub fn start() -> Timer {
        Timer(Instant::now(), thread_cpu())
    }

    pub fn stop(&self) -> (Duration, Duration) {
        let cpu = thread_cpu().saturating_sub(self.1);
        (self.0.elapsed(), cpu)
    }
}

/// CPU time used by the calling thread so far (zero where the platform has no such clock here:
/// the benchmarks then show wall time only).
pub fn thread_cpu() -> Duration {
    #[cfg(unix)]
    return cpu_clock(libc::CLOCK_THREAD_CPUTIME_ID);
    #[cfg(not(unix))]
    return Duration::ZERO;
}

/// CPU time used by the whole process (all threads) so far.
pub fn process_cpu() -> Duration {
    #[cfg(unix)]
    return cpu_clock(libc::CLOCK_PROCESS_CPUTIME_ID);
    #[cfg(not(unix))]
    return Duration::ZERO;
}

#[cfg(unix)]
fn cpu_clock(clock: libc::clockid_t) -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock ids are constants Linux knows.
    if unsafe { libc::clock_gettime(clock, &mut ts) } != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

pub fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

/// One result line: name, median, p99, max, and the target with a verdict when there is one.
pub fn report(name: &str, s: &Stats, target: Option<(&str, bool)>) {
    let verdict = match target {
        Some((t, true)) => format!("  target {t}: ok"),
        Some((t, false)) => format!("  target {t}: MISSED"),
        None => String::new(),
    };
    let cpu = match (s.cpu_pct(0.5), s.cpu_pct(0.99)) {
        (Some(m), Some(p)) => format!("  (cpu median {}, p99 {})", ms(m), ms(p)),
        _ => String::new(),
    };
    println!(
        "{name:<52} n={:<5} median {:>10}  p99 {:>10}  max {:>10}{verdict}{cpu}",
        s.samples.len(),
        ms(s.median()),
        ms(s.p99()),
        ms(s.max()),
    );
}

/// Whether the section `name` was asked for: `cargo bench --bench perf -- list search`.
pub fn wanted(name: &str) -> bool {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    args.is_empty() || args.iter().any(|a| name.contains(a.as_str()))
}

/// Visit counts to measure, from `PANTAU_BENCH_SIZES` (comma-separated) or the default.
pub fn sizes(default: &[usize]) -> Vec<usize> {
    std::env::var("PANTAU_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| default.to_vec())
}

pub fn stamp() -> Stamp {
    let at: DateTime<Utc> = "2024-06-01T08:00:00Z".parse().unwrap();
    Stamp::new(at, "bench")
}

/// Where cached databases live: `target/pantau-bench/` (CARGO_TARGET_DIR is honoured).
pub fn cache_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("pantau-bench")
}

/// A database holding `n` synthetic visits (seed 42), each stored with `Store::create` like the
/// app does. Built once (it takes a while: one flush per visit) and reused by later runs; the
/// file `complete` marks a finished build.
pub fn database(n: usize) -> PathBuf {
    database_with(n, None)
}

/// The passphrase of the encrypted bench databases ([`encrypted_database`]).
pub const PASSPHRASE: &str = "kata sandi bangku uji";

/// [`database`] of the same `n` visits, encrypted with [`PASSPHRASE`] from the start
/// (`Store::create_encrypted`, then `Store::create` per visit like the app does), cached in
/// `target/pantau-bench/visits-N-encrypted/`.
pub fn encrypted_database(n: usize) -> PathBuf {
    database_with(n, Some(PASSPHRASE))
}

fn database_with(n: usize, passphrase: Option<&str>) -> PathBuf {
    let name = match passphrase {
        None => format!("visits-{n}"),
        Some(_) => format!("visits-{n}-encrypted"),
    };
    let dir = cache_dir().join(name);
    if dir.join("complete").exists() {
        return dir.join("db");
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let t = Instant::now();
    let store = match passphrase {
        None => Store::open(&dir.join("db")).unwrap(),
        Some(p) => Store::create_encrypted(&dir.join("db"), p).unwrap(),
    };
    let st = stamp();
    // In chunks, so that 100,000 visits never sit in memory at once.
    let mut left = n;
    let mut seed = 42;
    while left > 0 {
        let take = left.min(10_000);
        for v in pantau::synth::visits(take, seed) {
            store.create(&v, &st).unwrap();
        }
        left -= take;
        seed += 1;
    }
    drop(store);
    std::fs::write(dir.join("complete"), b"").unwrap();
    eprintln!(
        "(built the {n}-visit{} bench database in {:.1?}: {})",
        if passphrase.is_some() {
            " encrypted"
        } else {
            ""
        },
        t.elapsed(),
        dir.display()
    );
    dir.join("db")
}

/// `n` synthetic visits in chunks of 10,000 (the same as [`database`] holds), handed to `f`.
pub fn for_visits(n: usize, mut f: impl FnMut(Vec<Visit>)) {
    let mut left = n;
    let mut seed = 42;
    while left > 0 {
        let take = left.min(10_000);
        f(pantau::synth::visits(take, seed));
        left -= take;
        seed += 1;
    }
}

pub fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

pub fn code(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

/// `VmHWM` (peak resident set) and `VmRSS` of this process, in kB, from /proc (Linux only).
pub fn memory_kb() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        status
            .lines()
            .find(|l| l.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}
