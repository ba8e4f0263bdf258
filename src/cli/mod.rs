//! Command-line interface: arguments (clap) and the subcommands that do not need the TUI.

mod commands;
mod followups;
mod show;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::i18n::{Lang, t, tf};
use crate::store::{Store, StoreError};

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
    let Some(db) = cli.db.clone().or_else(crate::paths::default_db) else {
        eprintln!("{}", t(lang, "cli.no_data_dir"));
        return ExitCode::from(2);
    };
    let store = match Store::open(&db) {
        Ok(s) => s,
        Err(e) => return fail(lang, &e),
    };
    let result = match cli.command {
        None => crate::tui::run(&store, lang).map_err(|e| (e, 1)),
        Some(Command::Demo) => commands::demo(&store, lang),
        Some(Command::List { json }) => commands::list(&store, lang, json),
        Some(Command::Show { id, json }) => commands::show(&store, lang, &id, json),
        Some(Command::Check) => commands::check(&store, lang),
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
    match result {
        Ok(code) => code,
        Err((msg, code)) => {
            eprintln!("{}", tf(lang, "cli.fatal", &[&msg]));
            ExitCode::from(code)
        }
    }
}

fn fail(lang: Lang, e: &StoreError) -> ExitCode {
    eprintln!("{}", e.message(lang));
    ExitCode::from(if e.is_fatal() { 2 } else { 1 })
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
