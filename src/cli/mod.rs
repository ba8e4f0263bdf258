//! Command-line interface: arguments (clap) and the subcommands that do not need the TUI.
//!
//! Nothing here prints directly: [`out`] makes every text inert and sees every write error.
#![deny(clippy::print_stdout, clippy::print_stderr)]

#[macro_use]
mod out;
pub mod passphrase;

mod backups;
mod central;
mod commands;
mod conflicts;
mod crypt;
mod erase;
mod export;
mod followups;
mod guide_cmd;
mod search;
mod show;

pub use guide_cmd::{GuideCommand, active_guide};

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::i18n::{Lang, t, tf};
use crate::store::Store;

#[derive(Debug, Parser)]
#[command(
    name = "pantau",
    version,
    about = "Pantau — record district monitoring visits (Inpres 2/2021), offline"
)]
pub struct Cli {
    /// Database folder [default: the platform data folder]
    #[arg(long, global = true, env = "PANTAU_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Language of messages and screens (or PANTAU_LANG)
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,
    /// Interview guide file to use instead of the built-in Inpres 2/2021 guide (or PANTAU_GUIDE)
    #[arg(long, global = true, env = "PANTAU_GUIDE", value_name = "PATH")]
    pub guide: Option<PathBuf>,
    /// Central server URL for `sync`; `overview --central` shows the national view (URL
    /// optional there) [default: PANTAU_CENTRAL, config `central`, the enrolled server]
    #[arg(long, global = true, value_name = "URL", num_args = 0..=1, default_missing_value = "")]
    pub central: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load the sample visit (Kabupaten Karo, 17 March 2022); safe to run twice
    Demo,
    /// One line per visit: date, district, kind, status, id
    List {
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
        /// Only visits with conflicts left open by an import
        #[arg(long)]
        conflicts: bool,
    },
    /// One visit in full (a unique prefix of its id is enough)
    Show {
        id: String,
        /// Print the stored JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Search every text of every visit: words (ANDed, prefixes, typos), "quoted phrases" and
    /// the filter words of the app's search box (status: prov: kab: tahun: dari: sampai: konflik:)
    Search {
        /// Words and filter words
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// Print JSON (id, score, field, snippet) instead of text
        #[arg(long)]
        json: bool,
        /// At most this many visits, best first
        #[arg(long, default_value_t = 20, value_name = "N")]
        limit: usize,
    },
    /// Verify the database: decode every record and replay every visit's history
    Check,
    /// The conflicts imports left open (of every visit, or of one), with every value
    Conflicts {
        /// Only this visit (a unique prefix of its id is enough)
        id: Option<String>,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Settle a conflict: keep value CHOICE (1 = the value held now), as an audited change
    Settle {
        /// The visit (a unique prefix of its id is enough)
        visit: String,
        /// The conflict: its number in `pantau conflicts VISIT`, or a prefix of its id
        conflict: String,
        /// The value to keep: its number in `pantau conflicts VISIT`
        choice: usize,
        /// Why (required for a final visit: the settlement amends it)
        #[arg(long)]
        reason: Option<String>,
    },
    /// Interview guides: `pantau guide check PATH` validates a guide file
    Guide {
        #[command(subcommand)]
        command: GuideCommand,
    },
    /// Write the visit report (md, html) or the data (json bundle, csv, xlsx)
    Export(export::ExportArgs),
    /// Merge bundles from other laptops into this database (all or nothing)
    Import(export::ImportArgs),
    /// List the automatic backups of this database (newest first)
    Backups,
    /// Restore a backup (default: the newest) into a new folder (--to) or over this database
    Restore {
        /// Backup or JSON bundle to restore [default: the newest backup]
        file: Option<PathBuf>,
        /// Restore into this new database folder instead of replacing the current one
        #[arg(long, value_name = "PATH")]
        to: Option<PathBuf>,
        /// Replace the current database without asking (it is set aside, never deleted)
        #[arg(long)]
        yes: bool,
    },
    /// Every strategy commitment and follow-up of every visit, by target date
    Followups {
        /// Only items past their target date and not done
        #[arg(long)]
        overdue: bool,
        /// Also items taken up again at a later visit to the same district
        #[arg(long)]
        all: bool,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
        /// The date to judge "overdue" by [default: today]
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<chrono::NaiveDate>,
    },
    /// Visits by status, province and month; obstacles; strategies; coverage
    Overview {
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Send this laptop's visits to the central server and merge what other laptops sent
    Sync {
        /// Print the summary as JSON
        #[arg(long)]
        json: bool,
    },
    /// Encrypt the database under a new passphrase (asked twice, or PANTAU_PASSPHRASE); its
    /// plain backups are replaced by an encrypted one
    Encrypt,
    /// Make an encrypted database plain again (asks its passphrase)
    Decrypt,
    /// Change the passphrase of an encrypted database (the new one: asked twice, or
    /// PANTAU_NEW_PASSPHRASE)
    Passphrase,
    /// Erase one person's personal data (an attendee, or the person of a handover) from a visit
    /// and its whole history, as an audited redaction; without --yes, says what would go
    Erase {
        /// The visit (a unique prefix of its id is enough)
        visit: String,
        /// Part of the person's name (or of a handover's recipient)
        person: String,
        /// Why (the request, its date): recorded in the history
        #[arg(long)]
        reason: Option<String>,
        /// Erase for real (this cannot be undone)
        #[arg(long)]
        yes: bool,
    },
    /// Final visits whose retention period for recipients' and heirs' data (config
    /// `retention_months`) is over
    Retention {
        #[arg(long)]
        json: bool,
    },
    /// A key pair for encrypted bundles: the secret key to FILE (owner-only), the public key
    /// (age1…) printed, to hand to the laptops that send bundles here
    Keygen {
        /// Where the secret key goes (refused if it exists)
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// The central server: init (schema), enrol (this laptop), login, add-team, grant
    Central {
        #[command(subcommand)]
        command: central::CentralCommand,
    },
}

/// Exit codes: 0 fine, 1 the request failed (nothing found, problems reported),
/// 2 the database cannot be used (in use, damaged, unreadable).
pub fn run(cli: Cli) -> ExitCode {
    // Read once; a command says what is wrong with it on stderr, the app in its status line.
    let settings = crate::config::Settings::load();
    let lang = resolve_lang(cli.lang, settings.config.lang);
    if cli.command.is_some() {
        for m in settings.messages(lang) {
            errln!("{m}");
        }
    }
    // Guide files need no database; an invalid --guide stops before the TUI starts.
    if let Some(Command::Guide { command }) = &cli.command {
        return finish(lang, Ok(guide_cmd::run(command, lang)));
    }
    if let Some(Command::Keygen { output }) = &cli.command {
        return finish(lang, export::keygen(lang, output));
    }
    let guide = match cli.command {
        None => match active_guide(
            cli.guide
                .clone()
                .or_else(|| settings.config.guide.clone())
                .as_deref(),
            lang,
        ) {
            Ok(g) => Some(g),
            Err(msg) => {
                errln!("{msg}");
                return ExitCode::from(1);
            }
        },
        Some(_) => None,
    };
    if let Some(Command::Central { command }) = &cli.command
        && let Some(result) = central::run_admin(command, lang)
    {
        return finish(lang, result);
    }
    let Some(db) = cli.db.clone().or_else(crate::paths::default_db) else {
        errln!("{}", t(lang, "cli.no_data_dir"));
        return ExitCode::from(2);
    };
    let early = match &cli.command {
        Some(Command::Backups) => Some(backups::list(&db, lang)),
        Some(Command::Overview { json }) if cli.central.is_some() => Some(central::overview(
            lang,
            cli.central.as_deref(),
            settings.config.central.as_deref(),
            &db,
            *json,
        )),
        Some(Command::Restore { file, to, yes }) => {
            Some(backups::restore(&db, lang, file.clone(), to.clone(), *yes))
        }
        Some(Command::Encrypt) => Some(crypt::encrypt(&db, lang)),
        Some(Command::Decrypt) => Some(crypt::decrypt(&db, lang)),
        Some(Command::Passphrase) => Some(crypt::change(&db, lang)),
        Some(Command::Erase {
            visit,
            person,
            reason,
            yes,
        }) => Some(erase::erase(
            &db,
            lang,
            erase::Request {
                visit,
                person,
                reason: reason.as_deref(),
                yes: *yes,
            },
        )),
        _ => None,
    };
    if let Some(result) = early {
        return finish(lang, result);
    }
    // The app's very first start on a new folder asks whether to encrypt it (never a command).
    let first = if cli.command.is_none() && crate::tui::first_start::should_ask(&db) {
        match crate::tui::first_start::run(&db, lang) {
            Ok(Some(store)) => Some(store),
            Ok(None) => return finish(lang, Ok(ExitCode::SUCCESS)),
            Err(msg) => return finish(lang, Err((msg, 2))),
        }
    } else {
        None
    };
    let opened = match (&cli.command, first.map_or_else(|| Store::open(&db), Ok)) {
        // The app asks for the passphrase on a screen of its own (unless a script gave it).
        (None, Err(crate::store::StoreError::Locked { .. }))
            if std::env::var_os(passphrase::ENV).is_none() =>
        {
            match crate::tui::unlock::run(&db, lang) {
                Ok(Some(store)) => Ok(store),
                Ok(None) => return finish(lang, Ok(ExitCode::SUCCESS)),
                Err(msg) => return finish(lang, Err((msg, 2))),
            }
        }
        (_, Err(crate::store::StoreError::Locked { .. })) => crypt::open(&db, lang),
        (_, other) => other,
    };
    let store = match opened {
        Ok(s) => s,
        Err(e) => return backups::open_failed(lang, &db, &e, cli.command.as_ref()),
    };
    let result = match cli.command {
        None => match guide {
            Some(g) => {
                let (out, problems) =
                    crate::backup::around(&store, || crate::tui::run(&store, lang, g, &settings));
                for p in problems {
                    errln!("{}", tf(lang, "backup.failed", &[&p]));
                }
                if let Some(at) = crate::backup::clock_looks_wrong(&db, chrono::Utc::now()) {
                    let at = at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S");
                    errln!("{}", tf(lang, "integrity.clock_wrong", &[&at]));
                }
                out.map_err(|e| (e, 1))
            }
            None => Ok(ExitCode::SUCCESS),
        },
        Some(Command::Demo) => commands::demo(&store, lang),
        Some(Command::List { json, conflicts }) => commands::list(&store, lang, json, conflicts),
        Some(Command::Conflicts { id, json }) => conflicts::list(&store, lang, id.as_deref(), json),
        Some(Command::Settle {
            visit,
            conflict,
            choice,
            reason,
        }) => conflicts::settle(&store, lang, &visit, &conflict, choice, reason.as_deref()),
        Some(Command::Show { id, json }) => commands::show(&store, lang, &id, json),
        Some(Command::Retention { json }) => erase::retention(
            &store,
            lang,
            settings.config.retention_months,
            chrono::Utc::now(),
            json,
        ),
        Some(Command::Check) => commands::check(&store, lang),
        Some(Command::Search { query, json, limit }) => {
            search::search(&store, lang, &query.join(" "), json, limit)
        }
        Some(Command::Guide { .. } | Command::Keygen { .. }) => Ok(ExitCode::SUCCESS), // above
        Some(Command::Export(a)) => export::export(&store, lang, &settings.config, a),
        Some(Command::Import(a)) => export::import(&store, lang, a),
        Some(
            Command::Backups
            | Command::Restore { .. }
            | Command::Encrypt
            | Command::Decrypt
            | Command::Passphrase
            | Command::Erase { .. },
        ) => Ok(ExitCode::SUCCESS), // above
        Some(Command::Followups {
            overdue,
            all,
            json,
            as_of,
        }) => followups::followups(
            &store,
            lang,
            overdue,
            all,
            json,
            as_of.unwrap_or_else(|| chrono::Local::now().date_naive()),
        ),
        Some(Command::Overview { json }) => followups::overview(&store, lang, json),
        Some(Command::Sync { json }) => central::sync(
            &store,
            lang,
            cli.central.as_deref(),
            settings.config.central.as_deref(),
            json,
        ),
        Some(Command::Central {
            command: central::CentralCommand::Enrol { url, team, device },
        }) => central::enrol(
            &store,
            lang,
            cli.central.as_deref(),
            settings.config.central.as_deref(),
            url.as_deref(),
            team.as_deref(),
            device.as_deref(),
        ),
        Some(Command::Central { .. }) => Ok(ExitCode::SUCCESS), // handled above
    };
    // Damage found while the command ran (not at open): the way back.
    if matches!(result, Err((_, 2))) {
        errln!("{}", backups::restore_hint(lang, &db));
    }
    // The app's threads may still hold clones of the store: close it for all of them, so that
    // the clean-close fingerprint is written (the next start is fast). An erasure that came
    // in by an import (or a sync) is finished by rewriting the files.
    if result.is_ok() {
        erase::purge_if_due(store, &db, lang);
    } else {
        store.close();
    }
    finish(lang, result)
}

fn finish(lang: Lang, result: commands::CmdResult) -> ExitCode {
    let code = match result {
        Ok(code) => code,
        Err((msg, code)) => {
            errln!("{}", tf(lang, "cli.fatal", &[&msg]));
            ExitCode::from(code)
        }
    };
    match out::finish() {
        out::Outcome::Written | out::Outcome::ReaderGone => code,
        out::Outcome::Failed(e) => {
            errln!("{}", tf(lang, "hardening.stdout_failed", &[&e]));
            if code == ExitCode::SUCCESS {
                ExitCode::from(1)
            } else {
                code
            }
        }
    }
}

/// `--lang`, else `PANTAU_LANG`, else the saved choice, else Indonesian.
pub fn resolve_lang(flag: Option<Lang>, saved: Option<Lang>) -> Lang {
    flag.or_else(|| {
        std::env::var("PANTAU_LANG")
            .ok()
            .and_then(|v| Lang::parse(&v))
    })
    .or(saved)
    .unwrap_or_default()
}
