//! Hardening (issue 6) with the real binary: killed at random moments while typing an
//! interview, SIGHUP, a second instance, damaged databases and the way back from backups.
#![cfg(unix)]

use crate::common;
use crate::common::synthetic_bundle;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use chrono::Utc;

use pantau::backup::{self, Reason};
use pantau::store::Store;

const BIN: &str = env!("CARGO_BIN_EXE_pantau");

fn pantau(db: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .env("PANTAU_LANG", "en")
        .env("PANTAU_CONFIG", db.with_extension("no-config.toml"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The real binary in a pseudo-terminal (as in tests/pty.rs, on a database the test owns).
use common::pty::Session;

/// All stored visits as JSON text, and whether `pantau check` passes.
fn stored_json(db: &Path) -> String {
    let out = pantau(db, &["list", "--json"]);
    assert!(out.status.success(), "list after a kill: {}", text(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut all = String::new();
    for row in list.as_array().unwrap() {
        let id = row["id"].as_str().unwrap();
        let out = pantau(db, &["show", id, "--json"]);
        assert!(out.status.success(), "show after a kill: {}", text(&out));
        all.push_str(&String::from_utf8_lossy(&out.stdout));
    }
    let check = pantau(db, &["check"]);
    assert!(
        check.status.success(),
        "check after a kill: {}",
        text(&check)
    );
    all
}

/// Deterministic pseudo-random numbers (xorshift), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Where the scripted interview is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    District,
    Start,
    Venue,
    Note(u32),
}

#[test]
fn killed_at_random_moments_loses_no_committed_field() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let seed = std::env::var("PANTAU_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_1234_u64);
    let mut rng = Rng(seed);
    let kills = 12;
    // No wall-clock bound here: every wait in the session has its own deadline, and a loaded
    // machine (CI, parallel builds) made a whole-test limit fail with nothing wrong.
    // Values whose "tersimpan" was seen (they must survive every later kill).
    let mut committed: Vec<String> = Vec::new();
    let mut step = Step::District;
    let fields = |s: Step, n: u32| -> (String, String) {
        match s {
            Step::District => ("12.06 Kabupaten Karo".into(), "\"12.06\"".into()),
            Step::Start => ("17/3/2022 14.00".into(), "2022-03-17T14:00:00".into()),
            Step::Venue => (
                format!("Aula Kantor Bupati {n}"),
                format!("Aula Kantor Bupati {n}"),
            ),
            Step::Note(i) => (format!("catatan nomor {i}"), format!("catatan nomor {i}")),
        }
    };
    for round in 0..=kills {
        let mut s = Session::start(&db, 30, 110);
        // Killed while starting: the open check itself must be safe to interrupt.
        if round < kills && rng.below(8) == 0 {
            std::thread::sleep(Duration::from_millis(rng.below(150)));
            s.kill9();
            let all = stored_json(&db);
            for v in &committed {
                assert!(
                    all.contains(v.as_str()),
                    "seed {seed} round {round}: lost {v:?}"
                );
            }
            continue;
        }
        // The first frame arrives in chunks: wait for text that only a whole frame of either
        // screen shows (the list's title, or the recovery notice on the status line).
        let first = s.wait_until("the first frame", |x| {
            x.contains("Daftar kunjungan") || x.contains("dipulihkan")
        });
        // Killed while typing, the restart reopens that editor with the text (issue 16): leave
        // it and the interview as a person would (lone Esc keys, each awaited).
        if first.contains("dipulihkan") {
            for _ in 0..2 {
                let before = s.screen();
                s.send("\x1b");
                s.wait_until("Esc handled", |x| x != before);
            }
            s.wait_until("the list", |x| x.contains("Daftar kunjungan"));
        }
        // The identity part always starts in a new visit, on its first question; notes go to
        // whichever visit `e` opens (the first in the list).
        s.send(if step == Step::District { "n" } else { "e" });
        s.wait_for("Identitas");
        let mut n = round;
        let mut killed = false;
        // Up to a few steps per round; the kill comes at a random one of them.
        let kill_at = rng.below(4);
        for k in 0..4u64 {
            let (typed, stored) = fields(step, n);
            match step {
                Step::District | Step::Start | Step::Venue => {
                    if step == Step::District {
                        // The interview opens on the district question, editor closed.
                        s.send("\r");
                    }
                    if step == Step::Start {
                        // The date editor opens with the current time filled in.
                        s.send(&"\x7f".repeat(40));
                        s.wait_until("the date cleared", |x| !x.contains("UTC+00:00"));
                    }
                    s.send(&typed);
                    s.wait_for(&typed);
                }
                Step::Note(_) => {
                    s.send("\x0e");
                    s.wait_for("Catatan rapat");
                    s.send(&typed);
                    s.wait_for(&typed);
                }
            }
            if round < kills && k == kill_at {
                match rng.below(3) {
                    // Mid-typing: the field was never committed.
                    0 => {}
                    // Right after Enter, without waiting: may or may not be saved.
                    1 => s.send("\r"),
                    // After "saved" was seen: must survive.
                    _ => {
                        s.commit();
                        committed.push(stored.clone());
                    }
                }
                s.kill9();
                killed = true;
                break;
            }
            s.commit();
            committed.push(stored);
            step = match step {
                Step::District => Step::Start,
                Step::Start => Step::Venue,
                Step::Venue => Step::Note(0),
                Step::Note(i) => Step::Note(i + 1),
            };
            n += 100;
            if step == Step::Note(0) {
                // Leave the next question's editor (a lone Esc, then wait: a key right after
                // it would read as Alt-key).
                let before = s.screen();
                s.send("\x1b");
                s.wait_until("the editor closed", |x| x != before);
            }
        }
        if !killed {
            let before = s.screen();
            s.send("\x1b");
            s.wait_until("Esc handled", |x| x != before);
            s.send("q");
            s.wait_exit();
        }
        let all = stored_json(&db);
        for v in &committed {
            assert!(
                all.contains(v.as_str()),
                "seed {seed} round {round}: lost committed {v:?}"
            );
        }
        if killed && matches!(step, Step::Start | Step::Venue) {
            // Where the cursor comes back is not the script's business: a new visit next.
            step = Step::District;
        }
    }
    assert!(
        committed.len() >= 5,
        "too few commits were exercised: {committed:?}"
    );
}

#[test]
fn sighup_quits_like_sigterm_keeping_what_was_saved_and_writing_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert!(pantau(&db, &["demo"]).status.success());
    let mut s = Session::start(&db, 30, 110);
    s.wait_for("Kabupaten Karo");
    s.send("e");
    s.wait_for("Identitas");
    s.send("\x0e");
    s.wait_for("Catatan rapat");
    s.send("ditulis sebelum SIGHUP");
    s.wait_for("ditulis sebelum SIGHUP");
    s.commit();
    s.signal("HUP");
    s.wait_exit();
    assert!(
        s.left_alternate_screen(),
        "SIGHUP left the alternate screen on"
    );
    let all = stored_json(&db);
    assert!(all.contains("ditulis sebelum SIGHUP"));
    let backups = backup::list(&db).unwrap();
    assert!(
        !backups.is_empty(),
        "no backup written on start or quit in {}",
        backup::dir_for(&db).display()
    );
    let newest = std::fs::read_to_string(&backups[0].path).unwrap();
    assert!(
        newest.contains("ditulis sebelum SIGHUP"),
        "the quit backup lacks the note"
    );
}

#[test]
fn a_second_instance_is_told_the_database_is_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert!(pantau(&db, &["demo"]).status.success());
    let mut s = Session::start(&db, 24, 80);
    s.wait_for("Kabupaten Karo");
    for args in [
        &["list"][..],
        &["show", "0"][..],
        &["export", "--format", "json", "-o"][..],
    ] {
        let mut args = args.to_vec();
        let out_file = dir.path().join("out.json");
        let out_str = out_file.to_string_lossy().into_owned();
        if args.last() == Some(&"-o") {
            args.push(&out_str);
        }
        let out = pantau(&db, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        let msg = text(&out);
        assert!(msg.contains("in use by another pantau"), "{args:?}: {msg}");
        assert!(
            msg.contains("close the other Pantau first"),
            "{args:?}: {msg}"
        );
    }
    // A second TUI (and any other command) gets the same clear message, before any screen.
    for args in [&[][..], &["check"][..], &["demo"][..]] {
        let out = pantau(&db, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(text(&out).contains("in use by another pantau"), "{args:?}");
    }
    s.send("q");
    assert!(s.wait_exit().success());
}

/// How many visits `pantau list --json` shows, and whether `pantau check` passes.
fn visit_count(db: &Path) -> usize {
    let out = pantau(db, &["list", "--json"]);
    assert!(out.status.success(), "list after a kill: {}", text(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let check = pantau(db, &["check"]);
    assert!(
        check.status.success(),
        "check after a kill: {}",
        text(&check)
    );
    list.as_array().unwrap().len()
}

#[test]
fn killed_while_importing_a_bundle_leaves_all_of_it_or_none() {
    let dir = tempfile::tempdir().unwrap();
    // A bundle of 700 visits recorded on another laptop: two batches of the importer's writer.
    let bundle = dir.path().join("other.json");
    std::fs::write(
        &bundle,
        synthetic_bundle::json(pantau::synth::histories(700, 9)),
    )
    .unwrap();
    let bundle = bundle.to_string_lossy().into_owned();
    // A whole import, timed, to aim the kills inside one.
    let timing = dir.path().join("timing");
    assert!(pantau(&timing, &["demo"]).status.success());
    let base = visit_count(&timing);
    let started = Instant::now();
    let out = pantau(&timing, &["import", &bundle]);
    assert!(out.status.success(), "{}", text(&out));
    let whole = started.elapsed();
    assert_eq!(visit_count(&timing), base + 700);

    let mut rng = Rng(0x1a2b_3c4d);
    let mut seen = Vec::new();
    for round in 0..8 {
        let db = dir.path().join(format!("db{round}"));
        assert!(pantau(&db, &["demo"]).status.success());
        let mut child = Command::new(BIN)
            .arg("--db")
            .arg(&db)
            .args(["import", &bundle])
            .env("PANTAU_LANG", "en")
            .env("PANTAU_CONFIG", db.with_extension("no-config.toml"))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // The writes come last, after the bundle is read and checked: most kills aim there.
        let at = whole.mul_f64((30 + rng.below(75)) as f64 / 100.0);
        std::thread::sleep(at);
        // SIGKILL: no clean-up of any kind.
        child.kill().unwrap();
        child.wait().unwrap();
        let n = visit_count(&db);
        assert!(
            n == base || n == base + 700,
            "round {round}, killed after {at:?} of {whole:?}: {n} visits, a part of the import"
        );
        seen.push(n);
    }
    eprintln!(
        "visits after each kill (of {base} or {}): {seen:?}",
        base + 700
    );
}

// ---------------------------------------------------------------------------------------------
// Damaged databases and backups.

fn demo_db_with_backup(dir: &Path) -> (PathBuf, PathBuf) {
    let db = dir.join("db");
    assert!(pantau(&db, &["demo"]).status.success());
    let store = Store::open(&db).unwrap();
    let file = backup::write(&store, Reason::Start, Utc::now())
        .unwrap()
        .expect("a backup of a database with a visit");
    (db, file)
}

#[test]
fn a_damaged_database_exits_2_untouched_and_names_the_backup_to_restore() {
    type Damage = fn(&Path);
    let cases: [(&str, Damage); 4] = [
        ("truncated", |db| {
            let b = std::fs::read(db.join("db")).unwrap();
            std::fs::write(db.join("db"), &b[..1000]).unwrap();
        }),
        ("flipped bytes", |db| {
            let mut b = std::fs::read(db.join("db")).unwrap();
            let n = b.len();
            // Every 97th byte: some of them hit live records whatever the layout.
            for x in b.iter_mut().step_by(97).take(n) {
                *x ^= 0xa5;
            }
            std::fs::write(db.join("db"), &b).unwrap();
        }),
        ("db file missing", |db| {
            std::fs::remove_file(db.join("db")).unwrap();
        }),
        ("garbage", |db| {
            std::fs::write(db.join("db"), common::garbage(4096)).unwrap();
        }),
    ];
    for (name, damage) in cases {
        let dir = tempfile::tempdir().unwrap();
        let (db, file) = demo_db_with_backup(dir.path());
        damage(&db);
        let before = common::snapshot(&db);
        for args in [&["list"][..], &[][..], &["check"][..]] {
            let out = pantau(&db, args);
            let msg = text(&out);
            assert_eq!(out.status.code(), Some(2), "{name} {args:?}: {msg}");
            assert!(msg.contains("damaged"), "{name}: {msg}");
            assert!(msg.contains("pantau restore"), "{name}: {msg}");
            assert!(
                msg.contains(&file.display().to_string()),
                "{name}: the newest backup is not named: {msg}"
            );
            assert_eq!(before, common::snapshot(&db), "{name}: files changed");
        }
    }
}

#[test]
fn restore_brings_a_damaged_database_back_into_a_new_folder_or_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let (db, file) = demo_db_with_backup(dir.path());
    std::fs::write(db.join("db"), common::garbage(8192)).unwrap();
    let damaged = common::snapshot(&db);

    let out = pantau(&db, &["backups"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(&file.display().to_string()),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("  1 visit  "), "{}", text(&out));

    // Into a new folder: the damaged one stays as it is.
    let fresh = dir.path().join("fresh");
    let out = pantau(&db, &["restore", "--to", fresh.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(damaged, common::snapshot(&db));
    let out = pantau(&fresh, &["list"]);
    assert!(
        text(&out).contains("12.06 Kabupaten Karo"),
        "{}",
        text(&out)
    );
    assert!(pantau(&fresh, &["check"]).status.success());
    // Not into a folder that holds something.
    let out = pantau(&db, &["restore", "--to", fresh.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));

    // In place: a script must say --yes; nothing changes without it.
    let out = pantau(&db, &["restore"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("--yes"), "{}", text(&out));
    assert_eq!(damaged, common::snapshot(&db));
    let out = pantau(&db, &["restore", "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("db.before-restore-"))
        .collect();
    assert_eq!(aside.len(), 1, "the damaged folder was not set aside");
    assert_eq!(
        damaged,
        common::snapshot(&aside[0]),
        "the damaged files changed"
    );
    let out = pantau(&db, &["show", "0", "--json"]);
    let _ = out;
    let out = pantau(&db, &["list"]);
    assert!(
        text(&out).contains("12.06 Kabupaten Karo"),
        "{}",
        text(&out)
    );
    let check = pantau(&db, &["check"]);
    assert!(check.status.success(), "{}", text(&check));
    let store = Store::open(&db).unwrap();
    let v = &store.visits().unwrap()[0];
    assert_eq!(
        pantau::store::content(v),
        pantau::store::content(&pantau::demo::karo_visit())
    );
}

#[test]
fn backups_are_owner_only_rotated_to_14_and_not_repeated_on_quit() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = Store::open(&db).unwrap();
    // An empty database is not backed up.
    assert_eq!(
        backup::write(&store, Reason::Start, Utc::now()).unwrap(),
        None
    );
    store
        .create(&pantau::demo::karo_visit(), &common::fixed_stamp())
        .unwrap();
    let t0 = Utc::now() - chrono::Duration::days(30);
    for day in 0..20 {
        let at = t0 + chrono::Duration::days(day);
        assert!(backup::write(&store, Reason::Start, at).unwrap().is_some());
    }
    let all = backup::list(&db).unwrap();
    assert_eq!(all.len(), backup::KEEP);
    assert_eq!(
        all[0].at.date_naive(),
        (t0 + chrono::Duration::days(19)).date_naive()
    );
    // Nothing changed since the newest: no quit backup.
    assert_eq!(
        backup::write(&store, Reason::Quit, Utc::now()).unwrap(),
        None
    );
    // The newest is from 11 days ago: the start-up backup is due.
    assert!(backup::due_on_start(&db, Utc::now()));
    assert!(
        backup::write(&store, Reason::Start, Utc::now())
            .unwrap()
            .is_some()
    );
    assert!(!backup::due_on_start(&db, Utc::now()));

    let folder = backup::dir_for(&db);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&folder), 0o700);
    for b in backup::list(&db).unwrap() {
        assert_eq!(mode(&b.path), 0o600, "{}", b.path.display());
        // Every backup is a valid bundle.
        pantau::export::read_bundle(&b.path).unwrap();
    }
    // Another database in the same parent folder has its own backups.
    assert!(backup::list(&dir.path().join("other")).unwrap().is_empty());
}
