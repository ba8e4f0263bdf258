//! Integrity (issue 13) with the real binary: seeded damage to a database of thousands of
//! visits, planted files in the backup folder, a clock in the future, restores in a row, and
//! the clean-close fingerprint after the app quits.
#![cfg(unix)]

use crate::common;
use crate::common::synthetic_bundle;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;

use pantau::backup::{self, Reason};
use pantau::domain::merge::VisitHistory;
use pantau::store::Store;

const BIN: &str = env!("CARGO_BIN_EXE_pantau");

/// Runs `pantau --db DB ARGS` and waits at most `bound`; a command still running then is a
/// failure (a loop on damaged data), and is killed.
fn pantau_within(db: &Path, args: &[&str], bound: Duration) -> Output {
    let mut child = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .env("PANTAU_LANG", "en")
        .env("PANTAU_CONFIG", db.with_extension("no-config.toml"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read while it runs: a full pipe would stop it.
    let drain = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > bound {
            let _ = child.kill();
            let _ = child.wait();
            panic!("pantau {args:?} did not finish within {bound:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

fn pantau(db: &Path, args: &[&str]) -> Output {
    pantau_within(db, args, Duration::from_secs(300))
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// A database at `dir/db` holding `n` synthetic visits (imported through the CLI), with one
/// verified backup.
fn database(dir: &Path, n: usize) -> (PathBuf, PathBuf) {
    let db = dir.join("db");
    let bundle = dir.join("bundle.json");
    // Small visits keep the default run fast in a debug build; PANTAU_DAMAGE_BIG=1 takes the
    // synthetic visits of a long meeting (some 50 KB each) instead.
    let histories = if std::env::var_os("PANTAU_DAMAGE_BIG").is_some() {
        pantau::synth::histories(n, 13)
    } else {
        (0..n)
            .map(|i| {
                let v = common::other_visit(
                    &format!("{:02}.{:02}", 11 + i % 80, i % 97),
                    &format!("Kabupaten {i}"),
                    "2022-03-17T09:00:00+07:00",
                    &format!("Bupati {i}"),
                );
                let event = uuid::Uuid::from_u128(0x1313_0000 + i as u128);
                VisitHistory::created(v, event, Utc::now(), "t")
            })
            .collect()
    };
    std::fs::write(&bundle, synthetic_bundle::json(histories)).unwrap();
    let out = pantau(&db, &["import", bundle.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    std::fs::remove_file(&bundle).unwrap();
    let store = Store::open(&db).unwrap();
    let file = backup::write(&store, Reason::Start, Utc::now())
        .unwrap()
        .unwrap();
    assert!(store.close());
    (db, file)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// xorshift64*: the damage is seeded, so a failing case can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Issue 13, points 1–4: one flipped byte (or a cut) anywhere in sled's `db` file, keeping
/// its modification time as `cp -p` does. Every command finishes within a bound and either
/// works with all the data or reports damage with exit 2 and leaves the files as they were;
/// the backup stays restorable. `PANTAU_DAMAGE_CASES`, `PANTAU_DAMAGE_VISITS` and
/// `PANTAU_DAMAGE_SEED` make a bigger or another run.
#[test]
fn seeded_damage_is_either_harmless_or_reported_with_exit_2_and_nothing_is_lost() {
    let cases = env_number("PANTAU_DAMAGE_CASES", 40);
    let visits = env_number("PANTAU_DAMAGE_VISITS", 2000) as usize;
    let seed = env_number("PANTAU_DAMAGE_SEED", 0x5eed_1313);
    let bound = Duration::from_secs(env_number("PANTAU_DAMAGE_BOUND_SECS", 120));
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean");
    std::fs::create_dir(&clean).unwrap();
    let (clean_db, backup_file) = database(&clean, visits);
    let want = format!("{visits} visits, 0 in the trash");
    let mut rng = Rng(seed | 1);
    let (mut harmless, mut reported) = (0, 0);
    for case in 0..cases {
        let here = dir.path().join(format!("case{case}"));
        copy_dir(&clean, &here);
        let db = here.join("db");
        let file = db.join("db");
        let mtime = std::fs::metadata(&file).unwrap().modified().unwrap();
        let mut bytes = std::fs::read(&file).unwrap();
        let len = bytes.len() as u64;
        let what = if case % 5 == 4 {
            let keep = (rng.next() % len) as usize;
            bytes.truncate(keep);
            format!("cut to {keep} of {len} bytes")
        } else {
            let at = (rng.next() % len) as usize;
            let flip = 1u8 << (rng.next() % 8);
            bytes[at] ^= flip;
            format!("byte {at} of {len} ^ {flip:#04x}")
        };
        std::fs::write(&file, &bytes).unwrap();
        drop(bytes);
        std::fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        let before = common::snapshot(&db);
        let label = format!("case {case} (seed {seed:#x}): {what}");
        let started = Instant::now();
        let out = pantau_within(&db, &["check"], bound);
        match out.status.code() {
            Some(0) => {
                harmless += 1;
                assert!(text(&out).contains(&want), "{label}: {}", text(&out));
                let list = pantau_within(&db, &["list", "--json"], bound);
                assert!(list.status.success(), "{label}: {}", text(&list));
                let rows: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
                assert_eq!(rows.as_array().unwrap().len(), visits, "{label}");
            }
            Some(2) => {
                reported += 1;
                let msg = text(&out);
                assert!(msg.contains("damaged"), "{label}: {msg}");
                let named = backup::dir_for(&db).join(backup_file.file_name().unwrap());
                assert!(
                    msg.contains(&named.display().to_string()),
                    "{label}: the backup is not named: {msg}"
                );
                // Refused before sled had the files: every other command says the same and
                // nothing changed.
                for args in [&["list"][..], &["overview"][..], &[][..]] {
                    let again = pantau_within(&db, args, bound);
                    assert_eq!(
                        again.status.code(),
                        Some(2),
                        "{label} {args:?}: {}",
                        text(&again)
                    );
                }
                assert!(before == common::snapshot(&db), "{label}: files changed");
            }
            other => panic!("{label}: exit {other:?}: {}", text(&out)),
        }
        eprintln!(
            "{label}: exit {:?} in {:?}",
            out.status.code(),
            started.elapsed()
        );
        std::fs::remove_dir_all(&here).unwrap();
    }
    eprintln!("{cases} cases: {harmless} harmless, {reported} reported as damage");
    // The backup written before any damage restores every visit.
    let fresh = dir.path().join("fresh");
    let out = pantau(
        &clean_db,
        &[
            "restore",
            backup_file.to_str().unwrap(),
            "--to",
            fresh.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let check = pantau(&fresh, &["check"]);
    assert!(text(&check).contains(&want), "{}", text(&check));
}

/// A database with one visit (the demo) and an open store on it.
fn demo(dir: &Path) -> (PathBuf, Store) {
    let db = dir.join("db");
    assert!(pantau(&db, &["demo"]).status.success());
    let store = Store::open(&db).unwrap();
    (db, store)
}

#[test]
fn planted_links_are_never_written_through_and_an_open_folder_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = demo(dir.path());
    let folder = backup::dir_for(&db);
    std::fs::create_dir(&folder).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o777)).unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "not a backup").unwrap();
    // The old temporary name, and the very name the next backup would take.
    let at = Utc::now();
    let name = format!("db-{}Z-start.json", at.format("%Y%m%dT%H%M%S%.3f"));
    for planted in [".db.tmp", name.as_str()] {
        std::os::unix::fs::symlink(&victim, folder.join(planted)).unwrap();
    }
    let written = backup::write(&store, Reason::Start, at).unwrap().unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "not a backup");
    assert_ne!(written, folder.join(&name), "took the planted name");
    assert_eq!(mode(&folder), 0o700, "the folder others could write");
    assert_eq!(mode(&written), 0o600);
    let listed = backup::list(&db).unwrap();
    assert_eq!(listed.len(), 1, "a link is nobody's backup: {listed:?}");
    assert!(listed[0].verified);
    // The manifest is the user's alone too.
    for e in std::fs::read_dir(&folder).unwrap() {
        let p = e.unwrap().path();
        if !std::fs::symlink_metadata(&p).unwrap().is_symlink() {
            assert_eq!(mode(&p), 0o600, "{}", p.display());
        }
    }
}

/// Issue 13, points 9 and 10: fourteen backups named 2030 (planted, or written while the clock
/// was wrong) neither push out the new ones nor are restored by default.
#[test]
fn future_dated_backups_never_push_out_or_replace_the_newest_verified_one() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = demo(dir.path());
    // A real backup of one visit, copied under fourteen names from 2030.
    let one = backup::write(&store, Reason::Start, Utc::now())
        .unwrap()
        .unwrap();
    let folder = backup::dir_for(&db);
    for day in 1..=14 {
        let name = format!("db-203001{day:02}T120000.000Z-quit.json");
        std::fs::copy(&one, folder.join(name)).unwrap();
    }
    std::fs::remove_file(&one).unwrap();
    // Ten more visits, then the backups of a normal day.
    let synth = synthetic_bundle::json(pantau::synth::histories(10, 5));
    let bundle = dir.path().join("ten.json");
    std::fs::write(&bundle, synth).unwrap();
    drop(store);
    assert!(
        pantau(&db, &["import", bundle.to_str().unwrap()])
            .status
            .success()
    );
    let store = Store::open(&db).unwrap();
    let newest = backup::write(&store, Reason::Quit, Utc::now())
        .unwrap()
        .unwrap();
    let all = backup::list(&db).unwrap();
    assert_eq!(all[0].path, newest, "{all:?}");
    // Verified: the newest and the one the import took before it wrote; the planted ones never.
    let planted = |b: &backup::Backup| b.path.to_string_lossy().contains("-2030");
    assert!(all[0].verified, "{all:?}");
    assert!(
        all.iter().filter(|b| planted(b)).all(|b| !b.verified),
        "{all:?}"
    );
    assert_eq!(all.iter().filter(|b| planted(b)).count(), 14, "{all:?}");
    assert_eq!(all.iter().filter(|b| b.verified).count(), 2, "{all:?}");
    assert_eq!(all[0].visits, Some(11));
    assert!(newest.exists(), "rotation deleted the newest backup");
    drop(store);
    let listing = pantau(&db, &["backups"]);
    assert!(
        text(&listing).contains("clock looks wrong"),
        "{}",
        text(&listing)
    );
    assert!(
        text(&listing).contains("not verified"),
        "{}",
        text(&listing)
    );
    // The default restore takes the verified backup of eleven visits.
    let out = pantau(&db, &["restore", "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Restored 11 visits"), "{}", text(&out));
    // Once fourteen verified backups exist, the planted ones are gone.
    let store = Store::open(&db).unwrap();
    for i in 0..backup::KEEP as i64 {
        let at = Utc::now() + chrono::Duration::seconds(i);
        backup::write(&store, Reason::Start, at).unwrap().unwrap();
    }
    let all = backup::list(&db).unwrap();
    assert_eq!(all.len(), backup::KEEP);
    assert!(all.iter().all(|b| b.verified), "{all:?}");
}

#[test]
fn two_restores_in_the_same_second_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = demo(dir.path());
    let file = backup::write(&store, Reason::Start, Utc::now())
        .unwrap()
        .unwrap();
    drop(store);
    for _ in 0..2 {
        let out = pantau(&db, &["restore", file.to_str().unwrap(), "--yes"]);
        assert!(out.status.success(), "{}", text(&out));
    }
    let aside = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            name.to_string_lossy().starts_with("db.before-restore-")
        })
        .count();
    assert_eq!(aside, 2);
}

/// Issue 13, point 5: quitting the app writes the clean-close fingerprint (owner-only), so the
/// next start takes the fast path.
#[test]
fn quitting_the_app_writes_the_clean_close_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert!(pantau(&db, &["demo"]).status.success());
    let mut s = common::pty::Session::start(&db, 24, 80);
    s.wait_for("Kabupaten Karo");
    s.send("q");
    let status = s.wait_exit();
    assert!(status.success(), "{status:?}");
    let fingerprint = db.join("pantau-clean-close");
    assert!(
        fingerprint.exists(),
        "no clean-close fingerprint after quit"
    );
    assert_eq!(mode(&fingerprint), 0o600);
    assert!(Store::open(&db).unwrap().opened_fast());
}
