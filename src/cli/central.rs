//! `pantau sync`, `pantau central …` and `pantau overview --central`.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use super::commands::CmdResult;
use crate::central::{self, CentralError, Progress, Target};
use crate::i18n::{Lang, t, tf};
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum CentralCommand {
    /// Create or upgrade the server's schema (as the database owner)
    Init { url: String },
    /// Give this laptop its identity on the server (team from the login role, a device id)
    Enrol {
        /// Server URL [default: --central, PANTAU_CENTRAL, config `central`]
        url: Option<String>,
        /// The team the login role must belong to (a check)
        #[arg(long)]
        team: Option<String>,
        /// A name for this laptop [default: the user name]
        #[arg(long)]
        device: Option<String>,
    },
    /// Save the server password in the owner-only credentials file (read from standard input)
    Login { url: String },
    /// Make a login role a team's (as the database owner)
    AddTeam {
        url: String,
        name: String,
        role: String,
    },
    /// Let team READER read the visits of team OWNER (as the database owner)
    Grant {
        url: String,
        owner: String,
        reader: String,
    },
}

fn fail(lang: Lang, e: CentralError) -> (String, u8) {
    (e.message(lang), 1)
}

/// The server named on the command line, else in the environment or the configuration file
/// (`configured`), else the one the database was enrolled with.
fn target(
    lang: Lang,
    url: Option<&str>,
    configured: Option<&str>,
    db: &Path,
) -> Result<Target, (String, u8)> {
    let url = central::resolve_url(url, configured, db)
        .ok_or_else(|| fail(lang, CentralError::NoServer))?;
    Target::parse(&url).map_err(|e| fail(lang, e))
}

/// Commands that need no database.
pub fn run_admin(command: &CentralCommand, lang: Lang) -> Option<CmdResult> {
    let parse = |url: &str| Target::parse(url).map_err(|e| fail(lang, e));
    let done = |r: Result<(), CentralError>| r.map_err(|e| fail(lang, e));
    Some(match command {
        CentralCommand::Init { url } => (|| {
            let target = parse(url)?;
            let mut client = target.connect().map_err(|e| fail(lang, e))?;
            let was = central::migrate::migrate(&mut client).map_err(|e| fail(lang, e))?;
            outln!(
                "{}",
                tf(
                    lang,
                    "central.init_done",
                    &[&target.shown(), &was, &central::migrate::LATEST]
                )
            );
            Ok(ExitCode::SUCCESS)
        })(),
        CentralCommand::Login { url } => (|| {
            let target = parse(url)?;
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| (e.to_string(), 1))?;
            let password = line.trim_end_matches(['\r', '\n']);
            let file = target.save_password(password).map_err(|e| fail(lang, e))?;
            outln!("{}", tf(lang, "central.login_saved", &[&file.display()]));
            Ok(ExitCode::SUCCESS)
        })(),
        CentralCommand::AddTeam { url, name, role } => (|| {
            done(central::admin::add_team(&parse(url)?, name, role))?;
            outln!("{}", tf(lang, "central.team_added", &[name, role]));
            Ok(ExitCode::SUCCESS)
        })(),
        CentralCommand::Grant { url, owner, reader } => (|| {
            done(central::admin::grant(&parse(url)?, owner, reader))?;
            outln!("{}", tf(lang, "central.granted", &[reader, owner]));
            Ok(ExitCode::SUCCESS)
        })(),
        CentralCommand::Enrol { .. } => return None,
    })
}

pub fn enrol(
    store: &Store,
    lang: Lang,
    flag: Option<&str>,
    configured: Option<&str>,
    url: Option<&str>,
    team: Option<&str>,
    device: Option<&str>,
) -> CmdResult {
    let target = target(lang, url.or(flag), configured, store.path())?;
    let name = device.map(str::to_string).unwrap_or_else(crate::host::user);
    let state = central::enrol(store.path(), &target, team, &name).map_err(|e| fail(lang, e))?;
    outln!(
        "{}",
        tf(
            lang,
            "central.enrolled",
            &[
                &state.team,
                &state.device_name,
                &state.device,
                &target.shown()
            ]
        )
    );
    Ok(ExitCode::SUCCESS)
}

pub fn sync(
    store: &Store,
    lang: Lang,
    flag: Option<&str>,
    configured: Option<&str>,
    json: bool,
) -> CmdResult {
    let target = target(lang, flag, configured, store.path())?;
    let tty = std::io::stderr().is_terminal();
    let mut last_shown = std::time::Instant::now();
    let mut progress = |p: Progress| {
        let (key, done, total) = match p {
            Progress::Sending { done, total } => ("central.progress_send", done, total),
            Progress::Receiving { done, total } => ("central.progress_receive", done, total),
        };
        // Only long syncs: a line at most every half second, and the last.
        if total < 1000 || (done < total && last_shown.elapsed().as_millis() < 500) {
            return;
        }
        last_shown = std::time::Instant::now();
        let line = tf(lang, key, &[&done, &total]);
        let mut err = std::io::stderr();
        if tty {
            let _ = write!(err, "\r{line}");
            if done == total {
                let _ = writeln!(err);
            }
        } else {
            let _ = writeln!(err, "{line}");
        }
    };
    let s = central::sync(store, &target, &mut progress).map_err(|e| fail(lang, e))?;
    if json {
        super::out::json_value(&s).map_err(|e| (e.to_string(), 1))?;
    } else {
        outln!(
            "{}",
            tf(
                lang,
                "central.summary",
                &[
                    &s.sent_events,
                    &s.sent_visits,
                    &(s.added.len() + s.updated.len() + s.new_conflicts.len()),
                    &s.conflicts_open
                ]
            )
        );
        for (event, visit) in &s.refused_events {
            outln!("{}", tf(lang, "central.refused_event", &[event, visit]));
        }
        if !s.not_sent_foreign.is_empty() {
            outln!(
                "{}",
                tf(
                    lang,
                    "central.not_sent_foreign",
                    &[&s.not_sent_foreign.len()]
                )
            );
        }
        for (visit, why) in &s.refused_visits {
            outln!("{}", tf(lang, "central.refused_visit", &[visit, why]));
        }
    }
    if s.refused_events.is_empty() && s.refused_visits.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::from(1))
    }
}

pub fn overview(
    lang: Lang,
    url: Option<&str>,
    configured: Option<&str>,
    db: &Path,
    json: bool,
) -> CmdResult {
    let target = target(lang, url, configured, db)?;
    let n = central::overview::national(&target).map_err(|e| fail(lang, e))?;
    if json {
        super::out::json_value(&n).map_err(|e| (e.to_string(), 1))?;
        return Ok(ExitCode::SUCCESS);
    }
    outln!("{}", t(lang, "central.ov_by_month"));
    for r in &n.by_province_month {
        outln!(
            "  {} {:<24} {:<8} {:>5} ({} {})",
            r.province_code,
            r.province_name,
            r.month.as_deref().unwrap_or("-"),
            r.visits,
            r.final_visits,
            t(lang, "central.ov_final")
        );
    }
    outln!("{}", t(lang, "central.ov_strategies"));
    for s in &n.strategies {
        outln!(
            "  {} {:<24} {} {:<40} {}",
            s.district_code,
            s.district_name,
            s.standard.map(|n| n.to_string()).unwrap_or_default(),
            s.strategy.as_deref().unwrap_or_default(),
            t(lang, &format!("strategy.{}", s.status))
        );
    }
    outln!("{}", tf(lang, "central.ov_overdue", &[&n.overdue.len()]));
    for o in &n.overdue {
        outln!(
            "  {} {} {:<24} {} — {}",
            o.target_date,
            o.district_code,
            o.district_name,
            o.strategy.as_deref().unwrap_or_default(),
            o.commitment.as_deref().unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}
