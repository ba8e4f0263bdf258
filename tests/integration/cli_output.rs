//! What the CLI writes, as a terminal and a pipe receive it (issue 13, points 7 and 12): escape
//! sequences from a bundle never reach the terminal, a reader that goes away is no panic, and a
//! full output device is an error.

use crate::common::synthetic_bundle;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use pantau::domain::merge::VisitHistory;
use pantau::export::{Bundle, bundle};

/// OSC 0 (title), OSC 52 (clipboard), CSI 2J (clear), CSI 6n (the terminal answers as typed
/// input), DCS, and the C1 forms of CSI, DCS and OSC.
const HOSTILE: &str = "X\u{1b}]0;PWN\u{7}\u{1b}]52;c;UFdO\u{7}\u{1b}[2J\u{1b}[6n\u{1b}P1$qm\u{1b}\\\u{9b}2J\u{90}q\u{9c}\u{9d}0;C1\u{7}\r";

fn pantau() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pantau"));
    c.env("PANTAU_LANG", "en")
        .env("PANTAU_CONFIG", "/nonexistent/pantau-config.toml");
    c
}

/// A database holding the demo visit with [`HOSTILE`] in its district, venue, attendee and
/// strategy texts, imported from a bundle the way another laptop's file arrives.
fn hostile_db(dir: &Path) -> (PathBuf, PathBuf, String) {
    let mut v = pantau::demo::karo_visit();
    v.district.name = format!("Karo{HOSTILE}");
    v.venue = format!("Aula{HOSTILE}");
    v.attendees[0].name = format!("Bupati{HOSTILE}");
    v.strategies[0].text = format!("Sosialisasi{HOSTILE}");
    let id = v.id.to_string();
    let h = VisitHistory::created(v, uuid::Uuid::now_v7(), chrono::Utc::now(), "other");
    let file = dir.join("hostile.json");
    let bytes = bundle::to_json(&Bundle::new(vec![h], chrono::Utc::now(), "other", false)).unwrap();
    std::fs::write(&file, bytes).unwrap();
    (dir.join("db"), file, id)
}

#[cfg(unix)]
mod pty {
    use super::*;
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};

    /// What a terminal did besides drawing text.
    #[derive(Default)]
    struct Acts(Vec<String>);

    impl vt100::Callbacks for Acts {
        fn set_window_title(&mut self, _: &mut vt100::Screen, t: &[u8]) {
            self.0.push(format!("title {}", String::from_utf8_lossy(t)));
        }
        fn set_window_icon_name(&mut self, _: &mut vt100::Screen, t: &[u8]) {
            self.0.push(format!("icon {}", String::from_utf8_lossy(t)));
        }
        fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _: &[u8], d: &[u8]) {
            self.0
                .push(format!("clipboard {}", String::from_utf8_lossy(d)));
        }
        fn unhandled_csi(
            &mut self,
            _: &mut vt100::Screen,
            _: Option<u8>,
            _: Option<u8>,
            p: &[&[u16]],
            c: char,
        ) {
            self.0.push(format!("csi {p:?} {c}"));
        }
        fn unhandled_osc(&mut self, _: &mut vt100::Screen, p: &[&[u8]]) {
            self.0.push(format!("osc {p:?}"));
        }
        fn unhandled_escape(&mut self, _: &mut vt100::Screen, _: Option<u8>, _: Option<u8>, b: u8) {
            self.0.push(format!("escape {b}"));
        }
    }

    /// Runs `pantau ARGS` in a 200×1000 pseudo-terminal (all of it stays on screen) until it exits: the raw bytes it wrote
    /// (stdout and stderr) and the terminal that received them.
    fn in_terminal(db: &Path, args: &[&str]) -> (Vec<u8>, vt100::Parser<Acts>) {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 1000,
                cols: 200,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_pantau"));
        cmd.arg("--db");
        cmd.arg(db);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("PANTAU_LANG", "en");
        cmd.env("PANTAU_CONFIG", db.with_extension("config.toml"));
        cmd.env("PANTAU_FIRST_START", "plain");
        let mut child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let collect = std::thread::spawn(move || {
            let mut all = Vec::new();
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                all.extend_from_slice(&buf[..n]);
            }
            all
        });
        child.wait().unwrap();
        drop(pty.master);
        let bytes = collect.join().unwrap();
        let mut term = vt100::Parser::new_with_callbacks(
            1000.try_into().unwrap(),
            200.try_into().unwrap(),
            1000,
            Acts::default(),
        );
        term.process(&bytes);
        (bytes, term)
    }

    #[test]
    fn escapes_from_a_bundle_never_reach_the_terminal_from_any_command() {
        let tmp = tempfile::tempdir().unwrap();
        let (db, file, id) = hostile_db(tmp.path());
        let file = file.display().to_string();
        let bad_path = tmp.path().join(format!("guide{HOSTILE}.toml"));
        let bad_path = bad_path.display().to_string();
        let reports = tmp.path().join("reports").display().to_string();
        let runs: Vec<(Vec<&str>, &str)> = vec![
            (vec!["import", &file], "1"),
            (vec!["list"], "12.06"),
            (vec!["list", "--json"], "12.06"),
            (vec!["show", &id], "12.06"),
            (vec!["show", &id, "--json"], "12.06"),
            (vec!["followups", "--all"], "12.06"),
            (vec!["followups", "--all", "--json"], "12.06"),
            (vec!["overview"], "Sumatera"),
            (vec!["overview", "--json"], "Sumatera"),
            (vec!["export", "--format", "md", "-o", &reports], "laporan"),
            (vec!["check"], "1"),
            (vec!["backups"], ""),
            (vec!["show", HOSTILE], "X"),
            (vec!["guide", "check", &bad_path], "guide"),
        ];
        for (args, expect) in runs {
            let (bytes, term) = in_terminal(&db, &args);
            let text = String::from_utf8(bytes.clone())
                .unwrap_or_else(|e| panic!("{args:?}: not UTF-8: {e}"));
            let bad: Vec<char> = text
                .chars()
                .filter(|c| c.is_control() && !['\n', '\r', '\t'].contains(c))
                .collect();
            assert!(bad.is_empty(), "{args:?} wrote controls {bad:?}:\n{text}");
            assert!(
                !text.contains(HOSTILE),
                "{args:?} wrote the raw sequence:\n{text}"
            );
            assert!(
                term.callbacks().0.is_empty(),
                "{args:?} made the terminal act: {:?}\n{text}",
                term.callbacks().0
            );
            let screen = term.screen().contents();
            assert!(
                screen.contains(expect),
                "{args:?}: the screen lost its text (cleared?):\n{screen}\nraw:\n{text}"
            );
            if args[0] == "list" && args.len() == 1 {
                assert!(screen.contains("KaroX·]0;PWN·"), "{screen}");
            }
        }
    }
}

#[test]
fn json_output_keeps_the_hostile_text_exactly_and_escapes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, file, id) = hostile_db(tmp.path());
    let ok = pantau()
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(&file)
        .output()
        .unwrap();
    assert!(ok.status.success(), "{ok:?}");
    let out = pantau()
        .arg("--db")
        .arg(&db)
        .args(["show", &id, "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["district"]["name"], format!("Karo{HOSTILE}"));
}

/// Runs `pantau ARGS` with standard output a pipe whose reader leaves after `lines` lines.
fn with_reader_leaving(db: &Path, args: &[&str], lines: usize) -> std::process::Output {
    let mut child = pantau()
        .arg("--db")
        .arg(db)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = 0;
    let mut byte = [0u8; 1];
    while seen < lines && stdout.read(&mut byte).unwrap_or(0) == 1 {
        if byte[0] == b'\n' {
            seen += 1;
        }
    }
    drop(stdout);
    child.wait_with_output().unwrap()
}

fn assert_quiet(what: &str, out: &std::process::Output) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code() == Some(0),
        "{what}: exit {:?}, stderr:\n{err}",
        out.status
    );
    assert!(!err.contains("panicked"), "{what}: {err}");
    assert!(err.trim().is_empty(), "{what}: {err}");
}

#[test]
fn a_reader_that_leaves_early_is_no_panic_and_the_import_still_happens() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    // More than a pipe holds (64 KiB), so the writer meets the closed pipe for certain.
    let a = tmp.path().join("a.json");
    let b = tmp.path().join("b.json");
    std::fs::write(&a, synthetic_bundle::json(pantau::synth::histories(700, 1))).unwrap();
    std::fs::write(&b, synthetic_bundle::json(pantau::synth::histories(3, 2))).unwrap();
    let out = with_reader_leaving(
        &db,
        &["import", a.to_str().unwrap(), b.to_str().unwrap()],
        0,
    );
    assert_quiet("import", &out);
    let listed = pantau().arg("--db").arg(&db).arg("list").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&listed.stdout).lines().count(), 703);
    assert!(
        listed.stdout.len() > 65536,
        "too little output to fill a pipe"
    );
    for args in [
        &["list"][..],
        &["list", "--json"],
        &["followups", "--all"],
        &["overview"],
        &["export", "--format", "json"],
        &["backups"],
        &["check"],
    ] {
        assert_quiet(&args.join(" "), &with_reader_leaving(&db, args, 1));
    }
}

#[cfg(target_os = "linux")]
#[test]
fn output_to_a_full_device_is_an_error_with_a_message() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    assert!(
        pantau()
            .arg("--db")
            .arg(&db)
            .arg("demo")
            .output()
            .unwrap()
            .status
            .success()
    );
    for args in [
        &["list"][..],
        &["list", "--json"],
        &["followups"],
        &["followups", "--json"],
        &["overview"],
        &["check"],
        &["backups"],
        &["export", "--format", "json"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = pantau()
            .arg("--db")
            .arg(&db)
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("Could not write the output"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}
