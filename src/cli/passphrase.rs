//! Reading a passphrase: from `PANTAU_PASSPHRASE` (scripts, tests) or typed at the terminal
//! without echo. Shared by the encrypted database and encrypted bundles.

use std::io::IsTerminal;

use zeroize::Zeroizing;

use crate::i18n::{Lang, t};

/// The environment variable a script sets instead of typing the passphrase.
pub const ENV: &str = "PANTAU_PASSPHRASE";

/// What the passphrase is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// An existing passphrase: asked once.
    Existing,
    /// A new passphrase: asked twice, refused when empty or when the two differ.
    New,
}

/// The passphrase, or the message (in `lang`) saying why there is none.
pub fn read(lang: Lang, ask: Ask) -> Result<Zeroizing<String>, String> {
    if let Some(from_env) = std::env::var_os(ENV) {
        let p = Zeroizing::new(from_env.to_string_lossy().into_owned());
        return checked(lang, ask, p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(t(lang, "passphrase.no_terminal").to_owned());
    }
    let first = prompt(
        lang,
        match ask {
            Ask::Existing => "passphrase.prompt",
            Ask::New => "passphrase.new",
        },
    )?;
    if ask == Ask::New {
        let again = prompt(lang, "passphrase.again")?;
        if *again != *first {
            return Err(t(lang, "passphrase.mismatch").to_owned());
        }
    }
    checked(lang, ask, first)
}

fn prompt(lang: Lang, key: &str) -> Result<Zeroizing<String>, String> {
    rpassword::prompt_password(format!("{} ", t(lang, key)))
        .map(Zeroizing::new)
        .map_err(|e| format!("{}: {e}", t(lang, "passphrase.unreadable")))
}

fn checked(lang: Lang, ask: Ask, p: Zeroizing<String>) -> Result<Zeroizing<String>, String> {
    if p.is_empty() || (ask == Ask::New && p.trim().is_empty()) {
        return Err(t(lang, "passphrase.empty").to_owned());
    }
    Ok(p)
}
