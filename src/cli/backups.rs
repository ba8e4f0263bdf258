//! `pantau backups`, `pantau restore`, and the hints printed when the database cannot be opened.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{Local, Utc};

use super::Command;
use super::commands::CmdResult;
use crate::backup;
use crate::i18n::{Lang, t, tf};
use crate::store::{Store, StoreError};

/// Prints the open error, then what to do about it: for a database in use, that read-only
/// commands need it too; for a damaged one, the way back from the newest backup.
pub fn open_failed(lang: Lang, db: &Path, e: &StoreError, command: Option<&Command>) -> ExitCode {
    errln!("{}", e.message(lang));
    match e {
        StoreError::InUse { .. }
            if matches!(
                command,
                Some(Command::List { .. } | Command::Show { .. } | Command::Export(_))
            ) =>
        {
            errln!("{}", t(lang, "backup.in_use_readonly"));
        }
        // A folder that cannot be written or a full disk is no reason to restore anything.
        StoreError::Damaged { .. } | StoreError::Corrupt { .. } | StoreError::TooNew { .. } => {
            errln!("{}", restore_hint(lang, db));
        }
        _ => {}
    }
    ExitCode::from(if e.is_fatal() { 2 } else { 1 })
}

/// The newest backup to restore from, and how; or where backups would be.
pub fn restore_hint(lang: Lang, db: &Path) -> String {
    match backup::newest_restorable(db).ok().flatten() {
        Some(newest) => tf(lang, "backup.restore_hint", &[&newest.path.display()]),
        None => tf(
            lang,
            "backup.no_backup_hint",
            &[&backup::dir_for(db).display()],
        ),
    }
}

/// `pantau backups`: the backups of this database, newest first.
pub fn list(db: &Path, lang: Lang) -> CmdResult {
    let dir = backup::dir_for(db);
    let all = backup::list(db).map_err(|e| (e.to_string(), 1))?;
    if all.is_empty() {
        outln!("{}", tf(lang, "backup.none", &[&dir.display()]));
        return Ok(ExitCode::SUCCESS);
    }
    outln!("{}", tf(lang, "backup.folder", &[&dir.display()]));
    for b in &all {
        let sealed = std::fs::read(&b.path).is_ok_and(|bytes| crate::store::is_sealed_file(&bytes));
        let count = match (sealed, b.visits) {
            (true, Some(n)) => format!("{n} ({})", t(lang, "backup.sealed")),
            (true, None) => t(lang, "backup.sealed").to_string(),
            (false, _) => crate::export::read_bundle(&b.path)
                .map(|bundle| bundle.visits.len().to_string())
                .unwrap_or_else(|_| t(lang, "backup.unreadable").to_string()),
        };
        let when = b.at.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S");
        let mut row = tf(lang, "backup.row", &[&when, &count, &b.path.display()]);
        if !b.verified {
            row.push_str(t(lang, "integrity.backup_unverified"));
        }
        outln!("  {row}");
    }
    if let Some(at) = backup::clock_looks_wrong(db, Utc::now()) {
        let at = at.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S");
        errln!("{}", tf(lang, "integrity.clock_wrong", &[&at]));
    }
    Ok(ExitCode::SUCCESS)
}

/// `pantau restore [FILE] [--to PATH] [--yes]`: the bundle `file` (default: the newest backup
/// of this database) into a new database at `to`, or in place of the current one — which is
/// renamed aside, never deleted.
pub fn restore(
    db: &Path,
    lang: Lang,
    file: Option<PathBuf>,
    to: Option<PathBuf>,
    yes: bool,
) -> CmdResult {
    let file = match file {
        Some(f) => f,
        None => match backup::newest_restorable(db).map_err(|e| (e.to_string(), 1))? {
            Some(b) => b.path,
            None => {
                return Err((
                    tf(lang, "backup.none", &[&backup::dir_for(db).display()]),
                    1,
                ));
            }
        },
    };
    // A backup of an encrypted database is sealed: it opens with that database's passphrase,
    // and is restored into an encrypted database under the same passphrase.
    let head = std::fs::read(&file).unwrap_or_default();
    let (bundle, passphrase) = if crate::store::is_sealed_file(&head) {
        let p =
            super::passphrase::read(lang, super::passphrase::Ask::Existing).map_err(|m| (m, 2))?;
        let plain =
            crate::store::open_sealed_file(&head, &p, &file).map_err(|e| (e.message(lang), 2))?;
        drop(head);
        let bundle = crate::export::bundle::parse(&plain).map_err(|e| (e.message(lang), 1))?;
        (bundle, Some(p))
    } else {
        drop(head);
        let bundle = crate::export::read_bundle(&file).map_err(|e| (e.message(lang), 1))?;
        (bundle, None)
    };
    let target = match to {
        Some(to) => {
            if std::fs::read_dir(&to).is_ok_and(|mut d| d.next().is_some()) {
                return Err((tf(lang, "backup.target_not_empty", &[&to.display()]), 1));
            }
            to
        }
        None => {
            let aside = set_aside_name(db);
            if db.exists() {
                // A database in use is refused; a damaged one is what a restore is for.
                match Store::open(db) {
                    Err(e @ StoreError::InUse { .. }) => return Err((e.message(lang), 2)),
                    Ok(store) => drop(store),
                    Err(_) => {}
                }
                if !confirmed(lang, db, &file, bundle.visits.len(), &aside, yes)? {
                    outln!("{}", t(lang, "backup.cancelled"));
                    return Ok(ExitCode::from(1));
                }
                std::fs::rename(db, &aside).map_err(|e| (e.to_string(), 2))?;
                outln!("{}", tf(lang, "backup.set_aside", &[&aside.display()]));
            }
            db.to_path_buf()
        }
    };
    let store = match &passphrase {
        Some(p) => Store::create_encrypted(&target, p),
        None => Store::open(&target),
    }
    .map_err(|e| (e.message(lang), 2))?;
    store
        .import_histories(&bundle.visits)
        .map_err(|e| (e.message(lang), 1))?;
    outln!(
        "{}",
        tf(
            lang,
            "backup.restored",
            &[&bundle.visits.len(), &file.display(), &target.display()]
        )
    );
    if target != db {
        outln!("{}", tf(lang, "backup.use_db", &[&target.display()]));
    }
    let report = store.check();
    if !report.is_clean() {
        return Err((
            tf(lang, "backup.check_failed", &[&report.problems.len()]),
            1,
        ));
    }
    Ok(ExitCode::SUCCESS)
}

fn set_aside_name(db: &Path) -> PathBuf {
    let name = db
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "db".into());
    let stamp = Utc::now().format("%Y%m%dT%H%M%S");
    // Two restores within one second (a script) must not meet on one name.
    (0..)
        .map(|n| match n {
            0 => db.with_file_name(format!("{name}.before-restore-{stamp}")),
            n => db.with_file_name(format!("{name}.before-restore-{stamp}-{n}")),
        })
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .unwrap_or_else(|| db.with_file_name(format!("{name}.before-restore")))
}

fn confirmed(
    lang: Lang,
    db: &Path,
    file: &Path,
    visits: usize,
    aside: &Path,
    yes: bool,
) -> Result<bool, (String, u8)> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err((t(lang, "backup.need_yes").to_string(), 1));
    }
    out!(
        "{}",
        tf(
            lang,
            "backup.confirm",
            &[&db.display(), &file.display(), &visits, &aside.display()]
        )
    );
    super::out::flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    Ok(matches!(
        answer.trim().to_lowercase().as_str(),
        "y" | "ya" | "yes"
    ))
}
