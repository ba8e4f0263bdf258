//! The encrypted database from the command line (issue 20): unlocking for every command, and
//! `pantau encrypt`, `pantau decrypt`, `pantau passphrase`.

use std::path::Path;
use std::process::ExitCode;

use crate::backup::{self, Reason};
use crate::i18n::{Lang, t, tf};
use crate::store::{Store, StoreError, Target};

use super::commands::CmdResult;
use super::passphrase::{self, Ask};

/// Opens the database at `db`, asking for its passphrase (`PANTAU_PASSPHRASE`, or typed
/// without echo) when it is encrypted. The error is what [`super::backups::open_failed`]
/// reports; a passphrase that cannot be read is [`StoreError::Locked`] with the reason
/// printed first.
pub(super) fn open(db: &Path, lang: Lang) -> Result<Store, StoreError> {
    match Store::open(db) {
        Err(StoreError::Locked { .. }) => {
            let p = passphrase::read(lang, Ask::Existing).map_err(|msg| {
                errln!("{msg}");
                StoreError::Locked {
                    path: db.to_path_buf(),
                }
            })?;
            Store::open_with(db, Some(&p))
        }
        other => other,
    }
}

/// Ends the process at conversion step `step` when a test asks for it with
/// `PANTAU_TEST_STOP_AT` (debug builds only: a release build never reads it). Ends it as
/// `kill -9` would, without unwinding or closing anything.
fn stop_at(step: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("PANTAU_TEST_STOP_AT").is_ok_and(|s| s == step) {
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = step;
}

/// The environment variable a script sets to the new passphrase of `pantau passphrase`
/// (`PANTAU_PASSPHRASE` holds the current one).
const NEW_ENV: &str = "PANTAU_NEW_PASSPHRASE";

/// The new passphrase of `pantau passphrase`: from [`NEW_ENV`], else typed twice without
/// echo.
fn read_new(lang: Lang) -> Result<zeroize::Zeroizing<String>, String> {
    use std::io::IsTerminal;
    let prompt = |key: &str| {
        rpassword::prompt_password(format!("{} ", t(lang, key)))
            .map(zeroize::Zeroizing::new)
            .map_err(|e| format!("{}: {e}", t(lang, "passphrase.unreadable")))
    };
    let p = match std::env::var_os(NEW_ENV) {
        Some(p) => zeroize::Zeroizing::new(p.to_string_lossy().into_owned()),
        None if !std::io::stdin().is_terminal() => {
            return Err(t(lang, "crypt.no_new").to_owned());
        }
        None => {
            let first = prompt("passphrase.new")?;
            if *prompt("passphrase.again")? != *first {
                return Err(t(lang, "passphrase.mismatch").to_owned());
            }
            first
        }
    };
    if p.trim().is_empty() {
        return Err(t(lang, "passphrase.empty").to_owned());
    }
    Ok(p)
}

pub(super) fn fail(lang: Lang, e: StoreError) -> (String, u8) {
    let code = if e.is_fatal() { 2 } else { 1 };
    (e.message(lang), code)
}

/// `pantau encrypt`: the database becomes an encrypted one under a new passphrase; its plain
/// backups are replaced by an encrypted one.
pub(super) fn encrypt(db: &Path, lang: Lang) -> CmdResult {
    if Store::is_encrypted_at(db) {
        let removed = backup::remove_plain(db).map_err(|e| (e, 1))?;
        errln!("{}", tf(lang, "crypt.already", &[&db.display(), &removed]));
        return Ok(ExitCode::from(1));
    }
    // A database that does not open is not converted (and its message is the usual one).
    Store::open(db).map_err(|e| fail(lang, e))?.close();
    let p = passphrase::read(lang, Ask::New).map_err(|m| (m, 2))?;
    let store =
        Store::convert(db, None, Target::Encrypted(&p), &stop_at).map_err(|e| fail(lang, e))?;
    // Counted before the sealed backup is written (writing it would remove them silently).
    let removed = backup::remove_plain(db).map_err(|e| (e, 1))?;
    let written = backup::write(&store, Reason::Start, chrono::Utc::now());
    store.close();
    outln!(
        "{}",
        tf(lang, "crypt.encrypted", &[&db.display(), &removed])
    );
    match written {
        Ok(Some(path)) => outln!("{}", tf(lang, "crypt.backup", &[&path.display()])),
        Ok(None) => {}
        Err(e) => errln!("{}", tf(lang, "backup.failed", &[&e])),
    }
    outln!("{}", t(lang, "crypt.remember"));
    Ok(ExitCode::SUCCESS)
}

/// `pantau decrypt`: the database becomes a plain one again.
pub(super) fn decrypt(db: &Path, lang: Lang) -> CmdResult {
    if !Store::is_encrypted_at(db) {
        errln!("{}", tf(lang, "crypt.not_encrypted", &[&db.display()]));
        return Ok(ExitCode::from(1));
    }
    let p = passphrase::read(lang, Ask::Existing).map_err(|m| (m, 2))?;
    // Wrong passphrase: refused here, before anything is built.
    Store::open_with(db, Some(&p))
        .map_err(|e| fail(lang, e))?
        .close();
    let store = Store::convert(db, Some(&p), Target::Plain, &stop_at).map_err(|e| fail(lang, e))?;
    store.close();
    outln!("{}", tf(lang, "crypt.decrypted", &[&db.display()]));
    Ok(ExitCode::SUCCESS)
}

/// `pantau passphrase`: a new passphrase for an encrypted database (its key is rewrapped).
pub(super) fn change(db: &Path, lang: Lang) -> CmdResult {
    if !Store::is_encrypted_at(db) {
        errln!("{}", tf(lang, "crypt.not_encrypted", &[&db.display()]));
        return Ok(ExitCode::from(1));
    }
    let old = passphrase::read(lang, Ask::Existing).map_err(|m| (m, 2))?;
    let store = Store::open_with(db, Some(&old)).map_err(|e| fail(lang, e))?;
    let new = read_new(lang).map_err(|m| (m, 2))?;
    store.change_passphrase(&new).map_err(|e| fail(lang, e))?;
    store.close();
    outln!("{}", tf(lang, "crypt.changed", &[&db.display()]));
    Ok(ExitCode::SUCCESS)
}
