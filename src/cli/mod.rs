//! Command-line interface: arguments (clap) and the subcommands that do not need the TUI.

mod backups;
mod commands;
mod export;
mod followups;
mod guide_cmd;
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
    },
    /// One visit in full (a unique prefix of its id is enough)
    Show {
        id: String,
        /// Print the stored JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Verify the database: decode every record and replay every visit's history
    Check,
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
}

/// Exit codes: 0 fine, 1 the request failed (nothing found, problems reported),
/// 2 the database cannot be used (in use, damaged, unreadable).
pub fn run(cli: Cli) -> ExitCode {
    let lang = resolve_lang(cli.lang);
    // Guide files need no database; an invalid --guide stops before the TUI starts.
    if let Some(Command::Guide { command }) = &cli.command {
        return guide_cmd::run(command, lang);
    }
    let guide = match cli.command {
        None => match active_guide(
            cli.guide
                .clone()
                .or_else(|| crate::config::current().guide)
                .as_deref(),
            lang,
        ) {
            Ok(g) => Some(g),
            Err(msg) => {
                eprintln!("{msg}");
                return ExitCode::from(1);
            }
        },
        Some(_) => None,
    };
    let Some(db) = cli.db.clone().or_else(crate::paths::default_db) else {
        eprintln!("{}", t(lang, "cli.no_data_dir"));
        return ExitCode::from(2);
    };
    let early = match &cli.command {
        Some(Command::Backups) => Some(backups::list(&db, lang)),
        Some(Command::Restore { file, to, yes }) => {
            Some(backups::restore(&db, lang, file.clone(), to.clone(), *yes))
        }
        _ => None,
    };
    if let Some(result) = early {
        return finish(lang, result);
    }
    let store = match Store::open(&db) {
        Ok(s) => s,
        Err(e) => return backups::open_failed(lang, &db, &e, cli.command.as_ref()),
    };
    let result = match cli.command {
        None => match guide {
            Some(g) => {
                let (out, problems) =
                    crate::backup::around(&store, || crate::tui::run(&store, lang, g));
                for p in problems {
                    eprintln!("{}", tf(lang, "backup.failed", &[&p]));
                }
                if let Some(at) = crate::backup::clock_looks_wrong(&db, chrono::Utc::now()) {
                    let at = at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S");
                    eprintln!("{}", tf(lang, "integrity.clock_wrong", &[&at]));
                }
                out.map_err(|e| (e, 1))
            }
            None => Ok(ExitCode::SUCCESS),
        },
        Some(Command::Demo) => commands::demo(&store, lang),
        Some(Command::List { json }) => commands::list(&store, lang, json),
        Some(Command::Show { id, json }) => commands::show(&store, lang, &id, json),
        Some(Command::Check) => commands::check(&store, lang),
        Some(Command::Guide { .. }) => Ok(ExitCode::SUCCESS), // handled above
        Some(Command::Export(a)) => export::export(&store, lang, a),
        Some(Command::Import(a)) => export::import(&store, lang, a),
        Some(Command::Backups | Command::Restore { .. }) => Ok(ExitCode::SUCCESS), // above
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
    };
    // Damage found while the command ran (not at open): the way back.
    if matches!(result, Err((_, 2))) {
        eprintln!("{}", backups::restore_hint(lang, &db));
    }
    // The app's threads may still hold clones of the store: close it for all of them, so that
    // the clean-close fingerprint is written (the next start is fast).
    store.close();
    finish(lang, result)
}

fn finish(lang: Lang, result: commands::CmdResult) -> ExitCode {
    match result {
        Ok(code) => code,
        Err((msg, code)) => {
            eprintln!("{}", tf(lang, "cli.fatal", &[&msg]));
            ExitCode::from(code)
        }
    }
}

/// `--lang`, else `PANTAU_LANG`, else the saved choice, else Indonesian.
pub fn resolve_lang(flag: Option<Lang>) -> Lang {
    flag.or_else(|| {
        std::env::var("PANTAU_LANG")
            .ok()
            .and_then(|v| Lang::parse(&v))
    })
    .or_else(crate::config::saved_lang)
    .unwrap_or_default()
}
