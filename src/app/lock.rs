//! The lock screen of an encrypted database (issue 20): the passphrase typed, masked, and
//! what the app does while it is up.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use zeroize::{Zeroize, Zeroizing};

use super::{App, Effect, Status};
use crate::keymap::{Action, Context};

/// A passphrase typed on the lock screen, on its way to the runtime's check
/// ([`Effect::Unlock`]): zeroised when dropped, never printed.
#[derive(Clone, PartialEq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Room for a passphrase typed on the lock screen, reserved up front: a string that grows
/// would leave copies of what was typed behind.
const PASSPHRASE_ROOM: usize = 1024;

/// The app of an encrypted database, locked (issue 20): after an idle time the runtime
/// measured ([`Msg::Idle`]) or at once ([`Action::Lock`]). Only the lock screen is drawn; the
/// rest of the app (the list, the open editor, the interview's position, a popup) is kept as it
/// was, untouched, and is back once the passphrase is given again.
pub struct LockScreen {
    /// What is typed so far (shown masked).
    pub typed: Zeroizing<String>,
    /// Why the last passphrase was refused.
    pub message: Option<crate::i18n::Said>,
    /// The passphrase is being checked (Argon2id takes a moment).
    pub checking: bool,
}

impl LockScreen {
    fn new() -> LockScreen {
        LockScreen {
            typed: Zeroizing::new(String::with_capacity(PASSPHRASE_ROOM)),
            message: None,
            checking: false,
        }
    }
}

impl App {
    /// Whether the lock screen is up.
    pub fn locked(&self) -> bool {
        self.lock.is_some()
    }

    /// Locks the app of an encrypted database at once: the open editor's text goes to the
    /// journal first. A plain database never locks: it says so.
    pub fn lock(&mut self) -> Vec<Effect> {
        if !self.lockable {
            self.status = Status::Notice {
                key: "notice.lock_plain",
                arg: String::new(),
            };
            return vec![];
        }
        if self.lock.is_some() {
            return vec![];
        }
        let mut effects = Vec::new();
        self.journal(&mut effects);
        effects.push(Effect::Lock);
        self.lock = Some(LockScreen::new());
        effects
    }

    /// A key on the lock screen: the passphrase is typed (masked), Enter checks it, Esc clears
    /// it, force quit leaves (the journal keeps what was being typed).
    pub(super) fn lock_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if self.keymap.action(Context::Global, &key) == Some(Action::ForceQuit) {
            self.quit = true;
            return vec![Effect::Quit];
        }
        let Some(lock) = self.lock.as_mut() else {
            return vec![];
        };
        if lock.checking {
            return vec![];
        }
        let typing = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match key.code {
            KeyCode::Enter if lock.typed.is_empty() => {}
            KeyCode::Enter => {
                lock.checking = true;
                let typed = std::mem::replace(
                    &mut lock.typed,
                    Zeroizing::new(String::with_capacity(PASSPHRASE_ROOM)),
                );
                return vec![Effect::Unlock(Secret(typed))];
            }
            KeyCode::Esc => {
                lock.typed.zeroize();
                lock.message = None;
            }
            KeyCode::Backspace => {
                lock.typed.pop();
            }
            KeyCode::Char(c)
                if typing && lock.typed.len() + c.len_utf8() <= lock.typed.capacity() =>
            {
                lock.typed.push(c);
            }
            _ => {}
        }
        vec![]
    }
}
