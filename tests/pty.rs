//! The real binary in a pseudo-terminal: what a person at a terminal sees.
#![cfg(unix)]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

struct Session {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _dir: tempfile::TempDir,
}

impl Session {
    fn start(demo: bool, rows: u16, cols: u16) -> Session {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        let bin = env!("CARGO_BIN_EXE_pantau");
        if demo {
            let out = std::process::Command::new(bin)
                .arg("--db")
                .arg(&db)
                .arg("demo")
                .output()
                .unwrap();
            assert!(out.status.success());
        }
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(bin);
        cmd.arg("--db");
        cmd.arg(&db);
        cmd.env("TERM", "xterm-256color");
        cmd.env("PANTAU_LANG", "id");
        cmd.env("PANTAU_CONFIG", dir.path().join("config.toml"));
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            rows.try_into().unwrap(),
            cols.try_into().unwrap(),
            0,
        )));
        let p = Arc::clone(&parser);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
            }
        });
        // Keep the master alive for the session by leaking it into the reader thread's lifetime.
        std::mem::forget(pty.master);
        Session {
            parser,
            writer,
            child,
            _dir: dir,
        }
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits (bounded) until the screen shows `text`.
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "never saw {text:?}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits (bounded) until `text` is no longer on screen.
    fn wait_gone(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.screen().contains(text) {
            assert!(
                Instant::now() < deadline,
                "{text:?} stayed; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "pantau did not exit; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn left_alternate_screen(&self) -> bool {
        // The reader thread may still be draining the last bytes.
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if !self.parser.lock().unwrap().screen().alternate_screen() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

#[test]
fn start_see_the_list_open_help_and_quit_cleanly() {
    let mut s = Session::start(true, 24, 80);
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
    let mut s = Session::start(true, 30, 100);
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
    let mut s = Session::start(true, 5, 20);
    s.wait_for("Terminal");
    let joined = s.screen().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(joined.contains("terlalu kecil"), "{joined}");
    s.send("q");
    assert!(s.wait_exit().success());
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut s = Session::start(true, 24, 80);
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
    let mut s = Session::start(false, 30, 100);
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
    let db = s._dir.path().join("db");
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
