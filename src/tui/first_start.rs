//! The very first start (issue 20): when the app starts on a database folder that does not
//! exist yet, it asks once whether to encrypt the new database ([`crate::ui::first_start`]).
//! "Ya, enkripsi" asks a new passphrase twice (masked; the two must match; empty is refused as
//! by `pantau encrypt`) and creates an encrypted database; "Tidak sekarang" creates a plain one
//! (`pantau encrypt` does it later). Either way the folder then exists, so the question never
//! comes again. Esc on the question quits with nothing created (it is asked next time).
//!
//! Only the app asks, never a command; and only at a terminal. `PANTAU_FIRST_START=plain`
//! skips the question (a plain database, as before: scripts and tests), `ask` asks even when
//! stdin is not a terminal.

use std::io::IsTerminal;
use std::path::Path;

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::DefaultTerminal;
use zeroize::{Zeroize, Zeroizing};

use crate::i18n::{Lang, t};
use crate::store::Store;
use crate::ui::first_start::{FirstStartView, Step, draw};

/// The environment variable that decides whether the first start asks (see the module).
pub const ENV: &str = "PANTAU_FIRST_START";

/// Whether the database folder `db` is new: missing, or an empty folder.
pub fn is_new(db: &Path) -> bool {
    match std::fs::read_dir(db) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    }
}

/// Whether the app starting on `db` asks the first-start question.
pub fn should_ask(db: &Path) -> bool {
    let env = std::env::var(ENV).ok();
    match env.as_deref().map(str::trim) {
        Some("plain") => false,
        Some("ask") => is_new(db),
        _ => is_new(db) && std::io::stdin().is_terminal() && std::io::stdout().is_terminal(),
    }
}

/// The new database, open (encrypted or plain as chosen); `None` when the user left (Esc on
/// the question, Ctrl+C): nothing was created.
pub fn run(db: &Path, lang: Lang) -> Result<Option<Store>, String> {
    let mut terminal = ratatui::init();
    let result = ask(&mut terminal, db, lang);
    ratatui::restore();
    result
}

/// Room reserved up front: a string that grows leaves copies of the passphrase behind.
const ROOM: usize = 1024;

fn ask(terminal: &mut DefaultTerminal, db: &Path, lang: Lang) -> Result<Option<Store>, String> {
    let shown = db.display().to_string();
    let mut step = Step::Choose { encrypt: true };
    let mut typed = Zeroizing::new(String::with_capacity(ROOM));
    let mut first = Zeroizing::new(String::with_capacity(ROOM));
    let mut message: Option<String> = None;
    let io = |e: std::io::Error| e.to_string();
    loop {
        let view = |working| FirstStartView {
            lang,
            db: &shown,
            step,
            typed: typed.chars().count(),
            message: message.as_deref(),
            working,
        };
        terminal.draw(|f| draw(f, &view(false))).map_err(io)?;
        let Event::Key(k) = event::read().map_err(io)? else {
            continue;
        };
        if k.kind == KeyEventKind::Release {
            continue;
        }
        if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
            return Ok(None);
        }
        match step {
            Step::Choose { encrypt } => match k.code {
                KeyCode::Esc => return Ok(None),
                KeyCode::Up
                | KeyCode::Down
                | KeyCode::Left
                | KeyCode::Right
                | KeyCode::Tab
                | KeyCode::BackTab => step = Step::Choose { encrypt: !encrypt },
                KeyCode::Enter if encrypt => {
                    message = None;
                    step = Step::Passphrase { again: false };
                }
                KeyCode::Enter => return Store::open(db).map(Some).map_err(|e| e.message(lang)),
                _ => {}
            },
            Step::Passphrase { again } => match k.code {
                KeyCode::Esc => {
                    typed.zeroize();
                    first.zeroize();
                    message = None;
                    step = Step::Choose { encrypt: true };
                }
                KeyCode::Enter if !again => {
                    // As `pantau encrypt`: a passphrase of spaces only is empty.
                    if typed.trim().is_empty() {
                        message = Some(t(lang, "passphrase.empty").to_owned());
                        typed.zeroize();
                    } else {
                        std::mem::swap(&mut first, &mut typed);
                        typed.zeroize();
                        message = None;
                        step = Step::Passphrase { again: true };
                    }
                }
                KeyCode::Enter => {
                    if *typed != *first {
                        message = Some(t(lang, "first_start.mismatch").to_owned());
                        typed.zeroize();
                        first.zeroize();
                        step = Step::Passphrase { again: false };
                        continue;
                    }
                    terminal.draw(|f| draw(f, &view(true))).map_err(io)?;
                    return Store::create_encrypted(db, &first)
                        .map(Some)
                        .map_err(|e| e.message(lang));
                }
                KeyCode::Backspace => {
                    typed.pop();
                }
                KeyCode::Char(c)
                    if !k
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                        && typed.len() + c.len_utf8() <= typed.capacity() =>
                {
                    typed.push(c);
                }
                _ => {}
            },
        }
    }
}
