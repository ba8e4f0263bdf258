//! Test harness: a real store in a temp dir, the app, and the same effect runner the terminal
//! uses (search inline), driven by key strings and drawn on ratatui's TestBackend.
#![allow(dead_code)]

#[cfg(unix)]
pub mod cli;
#[cfg(unix)]
pub mod pg;
pub mod pty;
pub mod small_fs;
pub mod synthetic_bundle;

pub mod karo;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use pantau::app::App;
use pantau::config::Config;
use pantau::domain::{Stamp, Visit};
use pantau::i18n::Lang;
use pantau::store::Store;
use pantau::tui::runner::Runner;

pub struct Harness {
    pub dir: tempfile::TempDir,
    pub app: App,
    pub runner: Runner,
    pub quit: bool,
    /// Key presses sent so far (to compare how many keys a flow costs).
    pub presses: usize,
}

pub fn fixed_stamp() -> Stamp {
    let at: DateTime<Utc> = "2026-11-23T08:00:00Z".parse().unwrap();
    Stamp::new(at, "auditor")
}

impl Harness {
    pub fn new(lang: Lang) -> Harness {
        Harness::with_visits(lang, &[])
    }

    pub fn with_demo(lang: Lang) -> Harness {
        Harness::with_visits(lang, &[pantau::demo::karo_visit()])
    }

    pub fn with_visits(lang: Lang, visits: &[Visit]) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        Harness::over(dir, store, lang, visits)
    }

    /// [`Harness::with_visits`] on an encrypted database with `passphrase`.
    pub fn encrypted(lang: Lang, visits: &[Visit], passphrase: &str) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create_encrypted(&dir.path().join("db"), passphrase).unwrap();
        Harness::over(dir, store, lang, visits)
    }

    fn over(dir: tempfile::TempDir, store: Store, lang: Lang, visits: &[Visit]) -> Harness {
        for v in visits {
            store.create(v, &fixed_stamp()).unwrap();
        }
        let guide = std::sync::Arc::new(pantau::guide::load_default().unwrap());
        let mut app = pantau::tui::build_app(&store, lang, &Config::default(), guide).unwrap();
        // The real path, user and clock differ per run; snapshots need stable ones.
        app.db_label = "/data/pantau/db".into();
        app.user = "auditor".into();
        app.tick(chrono::DateTime::parse_from_rfc3339("2022-03-17T14:00:00+07:00").unwrap());
        let mut runner = Runner::inline(store, Some(dir.path().join("config.toml"))).unwrap();
        runner.stamp = Some(fixed_stamp());
        Harness {
            dir,
            app,
            runner,
            quit: false,
            presses: 0,
        }
    }

    pub fn store(&self) -> &Store {
        &self.runner.store
    }

    /// Types `spec`: plain characters, and `<enter>`, `<esc>`, `<up>`, `<down>`, `<left>`,
    /// `<right>`, `<tab>`, `<backtab>`, `<bs>`, `<del>`, `<pgup>`, `<pgdn>`, `<home>`, `<end>`,
    /// `<f1>`, `<c-x>` for Ctrl-x.
    pub fn keys(&mut self, spec: &str) -> &mut Self {
        for key in parse_keys(spec) {
            self.presses += 1;
            let effects = self.app.handle_key(key);
            if pantau::tui::drain(&mut self.app, &mut self.runner, effects) {
                self.quit = true;
            }
        }
        self
    }

    pub fn screen(&self, w: u16, h: u16) -> String {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        term.draw(|f| pantau::ui::draw(f, &self.app)).unwrap();
        buffer_text(term.backend().buffer())
    }

    pub fn terminal(&self, w: u16, h: u16) -> Terminal<TestBackend> {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        term.draw(|f| pantau::ui::draw(f, &self.app)).unwrap();
        term
    }
}

pub fn buffer_text(buf: &ratatui::buffer::Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn parse_keys(spec: &str) -> Vec<KeyEvent> {
    let mut out = Vec::new();
    let mut chars = spec.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '<' {
            out.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
            continue;
        }
        let name: String = chars.by_ref().take_while(|c| *c != '>').collect();
        let (code, mods) = match name.as_str() {
            "enter" => (KeyCode::Enter, KeyModifiers::NONE),
            "a-enter" => (KeyCode::Enter, KeyModifiers::ALT),
            "esc" => (KeyCode::Esc, KeyModifiers::NONE),
            "up" => (KeyCode::Up, KeyModifiers::NONE),
            "down" => (KeyCode::Down, KeyModifiers::NONE),
            "left" => (KeyCode::Left, KeyModifiers::NONE),
            "right" => (KeyCode::Right, KeyModifiers::NONE),
            "tab" => (KeyCode::Tab, KeyModifiers::NONE),
            "backtab" => (KeyCode::BackTab, KeyModifiers::SHIFT),
            "bs" => (KeyCode::Backspace, KeyModifiers::NONE),
            "del" => (KeyCode::Delete, KeyModifiers::NONE),
            "pgup" => (KeyCode::PageUp, KeyModifiers::NONE),
            "pgdn" => (KeyCode::PageDown, KeyModifiers::NONE),
            "home" => (KeyCode::Home, KeyModifiers::NONE),
            "end" => (KeyCode::End, KeyModifiers::NONE),
            "f1" => (KeyCode::F(1), KeyModifiers::NONE),
            "lt" => (KeyCode::Char('<'), KeyModifiers::NONE),
            n if n.starts_with("c-") => (
                KeyCode::Char(n.chars().nth(2).unwrap()),
                KeyModifiers::CONTROL,
            ),
            other => panic!("unknown key <{other}>"),
        };
        out.push(KeyEvent::new(code, mods));
    }
    out
}

/// A visit to another district, for lists with more than the demo.
pub fn other_visit(code: &str, name: &str, date: &str, person: &str) -> Visit {
    // The sample's texts (obstacles, strategies, purpose) name Karo; another district's visit
    // names its own, or a search for "karo" would rightly find it too.
    let short = name
        .trim_start_matches("Kabupaten ")
        .trim_start_matches("Kota ");
    let json = serde_json::to_string(&pantau::demo::karo_visit())
        .unwrap()
        .replace("Karo", short);
    let mut v: Visit = serde_json::from_str(&json).unwrap();
    v.id = pantau::domain::new_id();
    v.district = pantau::domain::District::new(code, name);
    v.start = Some(chrono::DateTime::parse_from_rfc3339(date).unwrap());
    v.venue = format!("Kantor Bupati {name}");
    v.purpose = "Monitoring pelaksanaan Inpres 2/2021".into();
    v.source = String::new();
    v.notes.clear();
    v.handovers.clear();
    v.figures.clear();
    v.attendees.truncate(1);
    v.attendees[0].name = person.into();
    v.attendees[0].post = format!("Bupati {name}");
    v.attendees[0].organisation = format!("Pemerintah {name}");
    v
}

/// A fixed moment, `minute` minutes after 2022-03-17 08:00 UTC.
pub fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2022, 3, 17, 8, minute, 0).unwrap()
}

pub fn stamp(minute: u32, actor: &str) -> Stamp {
    Stamp::new(at(minute), actor)
}

/// Every file under `dir` (relative path → bytes), to prove a failed open changed nothing.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            out.insert(p.strip_prefix(root).unwrap().join(""), Vec::new());
            walk(root, &p, out);
        } else {
            let bytes = std::fs::read(&p).unwrap();
            out.insert(p.strip_prefix(root).unwrap().to_path_buf(), bytes);
        }
    }
}

/// Bytes that are nothing like a sled file, deterministic.
pub fn garbage(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}
