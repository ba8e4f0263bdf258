//! The real binary in a pseudo-terminal (portable-pty + vt100): what a person at a terminal
//! sees. Shared by the PTY tests.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// A running `pantau --db DB` in an Indonesian-speaking terminal of `rows`×`cols`.
pub struct Session {
    pub parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Session {
    /// The app on `db`. A fresh folder gets a plain database, as before the first-start
    /// question (`PANTAU_FIRST_START=plain`): that question has tests of its own.
    pub fn start(db: &Path, rows: u16, cols: u16) -> Session {
        Session::start_with(db, rows, cols, &[])
    }

    /// [`Session::start`] with more environment variables (later ones win).
    pub fn start_with(db: &Path, rows: u16, cols: u16, env: &[(&str, &str)]) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_pantau"));
        cmd.arg("--db");
        cmd.arg(db);
        cmd.env("TERM", "xterm-256color");
        cmd.env("PANTAU_LANG", "id");
        cmd.env("PANTAU_CONFIG", db.with_extension("config.toml"));
        cmd.env("PANTAU_FIRST_START", "plain");
        cmd.env_remove("PANTAU_PASSPHRASE");
        for (k, v) in env {
            cmd.env(k, v);
        }
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
        Session {
            parser,
            writer,
            child,
            _master: pty.master,
        }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(Instant::now() < deadline, "never saw {what}; screen:\n{s}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(text, |s| s.contains(text))
    }

    pub fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Sends Enter on a field or note and waits until a frame drawn after it shows "saved":
    /// the runtime performs the save (transaction + flush) before it draws the next frame, so
    /// from then on the value is committed.
    pub fn commit(&mut self) {
        let before = self.screen();
        self.send("\r");
        let after = self.wait_until("the save", |s| {
            // A refused value keeps the editor open with its error (✗) instead.
            s != before
                && s.contains("tersimpan")
                && !s.contains("BELUM TERSIMPAN")
                && !s.contains('✗')
        });
        if std::env::var_os("PANTAU_CRASH_DEBUG").is_some() {
            eprintln!("---- after commit:\n{after}");
        }
    }

    pub fn signal(&mut self, sig: &str) {
        let pid = self.child.process_id().unwrap();
        let ok = std::process::Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(pid.to_string())
            .status()
            .unwrap();
        assert!(ok.success());
    }

    pub fn kill9(&mut self) {
        self.signal("KILL");
        self.wait_exit();
    }

    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "pantau did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn left_alternate_screen(&self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if !self.parser.lock().unwrap().screen().alternate_screen() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Waits (bounded) until `text` is no longer on screen.
    pub fn wait_gone(&self, text: &str) {
        self.wait_until(&format!("{text:?} gone"), |s| !s.contains(text));
    }
}
