//! At start on an encrypted database: the passphrase is asked on a screen of its own
//! ([`crate::ui::unlock`]), masked; a wrong one says so and is asked again; Esc quits with the
//! terminal restored.

use std::path::Path;

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::DefaultTerminal;
use zeroize::Zeroizing;

use crate::i18n::Lang;
use crate::store::{Store, StoreError};
use crate::ui::unlock::{UnlockView, draw};

/// The store, unlocked; `None` when the user left (Esc, Ctrl+C); an error that is not a wrong
/// passphrase ends the screen with its message.
pub fn run(db: &Path, lang: Lang) -> Result<Option<Store>, String> {
    let mut terminal = ratatui::init();
    let result = ask(&mut terminal, db, lang);
    ratatui::restore();
    result
}

fn ask(terminal: &mut DefaultTerminal, db: &Path, lang: Lang) -> Result<Option<Store>, String> {
    let shown = db.display().to_string();
    // Room reserved up front: a string that grows leaves copies of the passphrase behind.
    let mut typed = Zeroizing::new(String::with_capacity(1024));
    let mut message: Option<String> = None;
    let io = |e: std::io::Error| e.to_string();
    loop {
        let view = |checking| UnlockView {
            lang,
            db: &shown,
            typed: typed.chars().count(),
            message: message.as_deref(),
            checking,
            locked: None,
        };
        terminal.draw(|f| draw(f, &view(false))).map_err(io)?;
        let Event::Key(k) = event::read().map_err(io)? else {
            continue;
        };
        if k.kind == KeyEventKind::Release {
            continue;
        }
        match k.code {
            KeyCode::Esc => return Ok(None),
            KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => return Ok(None),
            KeyCode::Enter if typed.is_empty() => {}
            KeyCode::Enter => {
                terminal.draw(|f| draw(f, &view(true))).map_err(io)?;
                match Store::open_with(db, Some(&typed)) {
                    Ok(store) => return Ok(Some(store)),
                    Err(e @ StoreError::WrongPassphrase { .. }) => {
                        message = Some(e.message(lang));
                        typed.clear();
                    }
                    Err(e) => return Err(e.message(lang)),
                }
            }
            KeyCode::Backspace => {
                typed.pop();
            }
            KeyCode::Char(c) if typed.len() + c.len_utf8() <= typed.capacity() => typed.push(c),
            _ => {}
        }
    }
}
