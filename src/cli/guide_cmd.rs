//! `pantau guide …`: working with interview guide files, without opening the database.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use crate::guide::{self, Guide, LoadError};
use crate::i18n::{Lang, tf};

#[derive(Debug, Subcommand)]
pub enum GuideCommand {
    /// Validate a guide file; print every error as PATH:LINE:COL: message
    Check {
        /// The guide file (TOML)
        path: PathBuf,
    },
}

pub fn run(cmd: &GuideCommand, lang: Lang) -> ExitCode {
    match cmd {
        GuideCommand::Check { path } => check(path, lang),
    }
}

/// Prints every problem of the guide at `path`; exit 1 if there is any, else a summary and 0.
pub fn check(path: &Path, lang: Lang) -> ExitCode {
    let shown = path.display().to_string();
    match guide::load(Some(path)) {
        Ok(g) => {
            outln!("{}", summary(&shown, &g, lang));
            ExitCode::SUCCESS
        }
        Err(LoadError::Invalid { errors, .. }) => {
            for e in &errors {
                outln!("{}", e.display(&shown, lang));
            }
            outln!(
                "{}",
                tf(lang, "guide.check_failed", &[&shown, &errors.len()])
            );
            ExitCode::from(1)
        }
        Err(e @ LoadError::Io { .. }) => {
            errln!("{}", e.message(lang));
            ExitCode::from(1)
        }
    }
}

fn summary(path: &str, g: &Guide, lang: Lang) -> String {
    tf(
        lang,
        "guide.check_ok",
        &[
            &path,
            &g.id,
            &g.version,
            &g.sections.len(),
            &g.questions().count(),
            &g.choices.len(),
            &g.strategies.len(),
        ],
    )
}

/// The guide the app runs with: `--guide PATH` (or `PANTAU_GUIDE`) when given, else the shipped
/// one. An invalid file is an error listing every problem, never a silent fallback.
pub fn active_guide(path: Option<&Path>, lang: Lang) -> Result<Guide, String> {
    guide::load(path).map_err(|e| e.message(lang))
}
