//! The real binary in a pseudo-terminal: what a person at a terminal sees.
#![cfg(unix)]

use std::time::{Duration, Instant};

use crate::common;

use common::pty::Session;

/// A session on a fresh database (with the demo visit when `demo`); the folder lives as long as
/// the returned guard.
fn start(demo: bool, rows: u16, cols: u16) -> (tempfile::TempDir, Session) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    if demo {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pantau"))
            .arg("--db")
            .arg(&db)
            .arg("demo")
            .output()
            .unwrap();
        assert!(out.status.success());
    }
    let s = Session::start(&db, rows, cols);
    (dir, s)
}

#[test]
fn start_see_the_list_open_help_and_quit_cleanly() {
    let (_dir, mut s) = start(true, 24, 80);
    s.wait_for("12.06 Kabupaten Karo");
    assert!(s.parser.lock().unwrap().screen().alternate_screen());
    s.send("?");
    s.wait_for("Bantuan — semua tombol");
    // A lone Esc: the next key must come later, as a person types, or it reads as Alt-key.
    s.send("\x1b");
    s.wait_gone("Bantuan — semua tombol");
    s.send("q");
    let status = s.wait_exit();
    assert!(status.success(), "{status:?}");
    assert!(
        s.left_alternate_screen(),
        "terminal left in the alternate screen"
    );
}

#[test]
fn search_then_open_the_visit_then_ctrl_c_quits() {
    let (_dir, mut s) = start(true, 30, 100);
    s.wait_for("Kabupaten Karo");
    s.send("/karo");
    s.wait_for("Cari: karo");
    s.send("\r\r");
    let screen = s.wait_for("Cory Sriwaty Sebayang");
    assert!(
        screen.contains("Kamis, 17 Maret 2022 pukul 14.00 WIB"),
        "{screen}"
    );
    s.send("\x03");
    assert!(s.wait_exit().success());
    assert!(s.left_alternate_screen());
}

#[test]
fn a_tiny_terminal_shows_the_too_small_message() {
    let (_dir, mut s) = start(true, 5, 20);
    s.wait_for("Terminal");
    let joined = s.screen().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(joined.contains("terlalu kecil"), "{joined}");
    s.send("q");
    assert!(s.wait_exit().success());
}

#[test]
fn sigterm_restores_the_terminal() {
    let (_dir, mut s) = start(true, 24, 80);
    s.wait_for("Kabupaten Karo");
    let pid = s.child.process_id().unwrap();
    let ok = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert!(ok.success());
    s.wait_exit();
    assert!(
        s.left_alternate_screen(),
        "SIGTERM left the alternate screen on"
    );
}

#[test]
fn a_field_typed_then_sigkill_is_there_after_restart() {
    let (dir, mut s) = start(false, 30, 100);
    s.wait_for("Belum ada kunjungan");
    s.send("n");
    s.wait_for("Identitas kunjungan");
    s.send("\r");
    s.wait_for("› ");
    s.send("12.06 Kabupaten Karo\r");
    s.wait_for("tersimpan");
    s.send("\x1517/3/2022 14.00\r");
    s.wait_for("Kamis, 17 Maret 2022 pukul 14.00 WIB");
    s.send("Aula Kantor Bupati\r");
    // The field after the venue ("Jenis kunjungan") opens once the venue is committed.
    s.wait_for("(•) Audiensi");
    let db = dir.path().join("db");
    let pid = s.child.process_id().unwrap();
    std::process::Command::new("kill")
        .arg("-KILL")
        .arg(pid.to_string())
        .status()
        .unwrap();
    s.wait_exit();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pantau"))
        .arg("--db")
        .arg(&db)
        .args(["list", "--json"])
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{list} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(list.contains("Kabupaten Karo"), "{list}");
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_pantau"))
        .arg("--db")
        .arg(&db)
        .arg("check")
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let id = list
        .split("\"id\": \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let show = std::process::Command::new(env!("CARGO_BIN_EXE_pantau"))
        .arg("--db")
        .arg(&db)
        .args(["show", &id, "--json"])
        .output()
        .unwrap();
    let visit = String::from_utf8_lossy(&show.stdout);
    assert!(
        visit.contains("\"venue\": \"Aula Kantor Bupati\""),
        "{visit}"
    );
}

/// Closing the terminal window: tmux's server going away hangs up the terminal for real (a
/// SIGHUP alone is covered elsewhere). crossterm 0.29 spins on a dead tty, so this proves the
/// watchdog ends the process. Needs tmux; without it the test says so and passes.
#[test]
fn closing_the_terminal_window_ends_pantau() {
    if std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_err()
    {
        eprintln!("tmux not installed: terminal hang-up test skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let sock = format!("pantau-hup-{}", std::process::id());
    let cmd = format!(
        "env TERM=xterm-256color PANTAU_CONFIG={} {} --db {}; sleep 30",
        dir.path().join("config.toml").display(),
        env!("CARGO_BIN_EXE_pantau"),
        db.display()
    );
    let tmux = |args: &[&str]| {
        std::process::Command::new("tmux")
            .arg("-L")
            .arg(&sock)
            .args(args)
            .output()
            .unwrap()
    };
    tmux(&[
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-x",
        "80",
        "-y",
        "24",
        &cmd,
    ]);
    let running = || {
        let out = std::process::Command::new("pgrep")
            .args(["-f", "--"])
            .arg(format!("--db {}", db.display()))
            .output()
            .unwrap();
        !out.stdout.is_empty()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while !running() {
        assert!(Instant::now() < deadline, "pantau did not start under tmux");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    tmux(&["kill-server"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while running() {
        assert!(
            Instant::now() < deadline,
            "pantau kept running after its terminal closed"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
