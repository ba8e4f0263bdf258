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

/// The environment variable for the passphrase of an encrypted bundle (apart from the
/// database's: a bundle for another team has a passphrase of its own).
pub const BUNDLE_ENV: &str = "PANTAU_BUNDLE_PASSPHRASE";

/// The passphrase, or the message (in `lang`) saying why there is none.
pub fn read(lang: Lang, ask: Ask) -> Result<Zeroizing<String>, String> {
    read_with(
        lang,
        ask,
        ENV,
        [
            "passphrase.prompt",
            "passphrase.new",
            "passphrase.no_terminal",
        ],
    )
}

/// The passphrase of an encrypted bundle, as [`read`] but from [`BUNDLE_ENV`].
pub fn read_bundle(lang: Lang, ask: Ask) -> Result<Zeroizing<String>, String> {
    read_with(
        lang,
        ask,
        BUNDLE_ENV,
        [
            "passphrase.bundle_prompt",
            "passphrase.bundle_new",
            "passphrase.bundle_no_terminal",
        ],
    )
}

fn read_with(
    lang: Lang,
    ask: Ask,
    env: &str,
    [existing, new, no_terminal]: [&str; 3],
) -> Result<Zeroizing<String>, String> {
    if let Some(from_env) = std::env::var_os(env) {
        let p = Zeroizing::new(from_env.to_string_lossy().into_owned());
        return checked(lang, ask, p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(t(lang, no_terminal).to_owned());
    }
    let first = prompt(
        lang,
        match ask {
            Ask::Existing => existing,
            Ask::New => new,
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
