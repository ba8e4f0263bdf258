//! The terminal runtime: one synchronous loop that reads events, lets the app update, performs
//! the effects, and redraws only when something changed. The terminal is restored on quit, on
//! error, on panic (ratatui's hook, after color-eyre's) and on SIGTERM/SIGHUP.

mod board;
pub mod runner;
pub mod worker;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use crossterm::event::{self, Event, MouseEventKind};
use crossterm::{execute, terminal};
use ratatui::DefaultTerminal;

use crate::app::{App, Effect, Msg};
use crate::config::Config;
use crate::guide::Guide;
use crate::i18n::Lang;
use crate::keymap::{Action, Keymap};
use crate::store::Store;
use runner::{Runner, SearchBackend};

/// Builds the app for a store: summaries loaded, keymap with the user's overrides.
pub fn build_app(
    store: &Store,
    lang: Lang,
    config: &Config,
    guide: Arc<Guide>,
) -> Result<App, String> {
    let summaries = store.summaries().map_err(|e| e.message(lang))?;
    let mut keymap = Keymap::shipped();
    let bad = keymap.apply_overrides(&config.keys);
    let mut app = App::new(
        lang,
        keymap,
        store.path().display().to_string(),
        summaries,
        guide,
    );
    if !bad.is_empty() {
        app.on_msg(Msg::Notice {
            key: "notice.keymap_bad",
            arg: bad.join(", "),
        });
    }
    Ok(app)
}

/// Feeds effects to the runner until none are left; returns true when the app asked to quit.
pub fn drain(app: &mut App, runner: &mut Runner, effects: Vec<Effect>) -> bool {
    let mut queue: std::collections::VecDeque<Effect> = effects.into();
    while let Some(e) = queue.pop_front() {
        if e == Effect::Quit {
            return true;
        }
        for msg in runner.perform(e, app.lang) {
            queue.extend(app.on_msg(msg));
        }
    }
    app.quit
}

pub fn run(store: &Store, lang: Lang, guide: Guide) -> Result<ExitCode, String> {
    let config_path = crate::config::path();
    let config = config_path
        .as_deref()
        .map(Config::load)
        .transpose()
        .ok()
        .flatten()
        .unwrap_or_default();
    let mut app = build_app(store, lang, &config, Arc::new(guide))?;
    let (msg_tx, msg_rx) = mpsc::channel();
    // The board and overview need every visit's follow-up facts; load them off the UI thread
    // now so that opening those screens later is instant.
    {
        let (store, tx) = (store.clone(), msg_tx.clone());
        std::thread::spawn(move || {
            if let Ok(facts) = store.facts() {
                let _ = tx.send(Msg::FollowUpsLoaded(facts));
            }
        });
    }
    let jobs = worker::spawn_with(store.clone(), Some(app.list.all.clone()), msg_tx);
    let mut runner = Runner {
        store: store.clone(),
        config_path,
        search: SearchBackend::Worker(jobs),
        stamp: None,
    };

    // color-eyre first, then ratatui::init, whose panic hook restores the terminal and then
    // calls color-eyre's report.
    let _ = color_eyre::install();
    let stop = Arc::new(AtomicBool::new(false));
    register_signals(&stop);
    spawn_watchdog(store.clone(), Arc::clone(&stop));
    let mut terminal = ratatui::init();
    let _ = execute!(std::io::stdout(), event::EnableMouseCapture);
    let result = event_loop(&mut terminal, &mut app, &mut runner, &msg_rx, &stop);
    let _ = execute!(std::io::stdout(), event::DisableMouseCapture);
    ratatui::restore();
    result
        .map(|()| ExitCode::SUCCESS)
        .map_err(|e| e.to_string())
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    runner: &mut Runner,
    messages: &mpsc::Receiver<Msg>,
    stop: &AtomicBool,
) -> std::io::Result<()> {
    let mut dirty = true;
    let size = terminal.size()?;
    app.too_small = crate::ui::too_small(size.width, size.height);
    loop {
        if dirty {
            draw(terminal, app)?;
            dirty = false;
        }
        if stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        let mut effects = Vec::new();
        if event::poll(Duration::from_millis(40))? {
            // Take everything already queued (a paste, a resize storm) before drawing again.
            loop {
                app.tick(chrono::Local::now().fixed_offset());
                match event::read()? {
                    Event::Key(k) => effects.extend(app.handle_key(k)),
                    Event::Mouse(_) if app.too_small => continue,
                    Event::Mouse(m) => match m.kind {
                        MouseEventKind::ScrollDown => effects.extend(app.update(Action::Down)),
                        MouseEventKind::ScrollUp => effects.extend(app.update(Action::Up)),
                        _ => continue,
                    },
                    Event::Resize(w, h) => app.too_small = crate::ui::too_small(w, h),
                    _ => continue,
                }
                dirty = true;
                if !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
        while let Ok(msg) = messages.try_recv() {
            effects.extend(app.on_msg(msg));
            dirty = true;
        }
        if drain(app, runner, effects) {
            return Ok(());
        }
    }
}

/// Draws one frame inside a synchronized update, so terminals that support it never show a
/// half-drawn screen.
fn draw(terminal: &mut DefaultTerminal, app: &App) -> std::io::Result<()> {
    let _ = execute!(std::io::stdout(), terminal::BeginSynchronizedUpdate);
    terminal.draw(|f| crate::ui::draw(f, app))?;
    let _ = execute!(std::io::stdout(), terminal::EndSynchronizedUpdate);
    std::io::stdout().flush()
}

#[cfg(unix)]
fn register_signals(stop: &Arc<AtomicBool>) {
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        let _ = signal_hook::flag::register(sig, Arc::clone(stop));
    }
}

/// When the terminal goes away, crossterm 0.29's reader spins on the dead tty and never returns
/// to the loop, so the stop flag is never seen (the process would burn a core forever). This
/// watchdog notices a hang-up or a stop signal on its own; if the loop has not ended shortly
/// after, it flushes the database (every commit is already flushed; this covers the interview
/// position) and ends the process.
#[cfg(unix)]
fn spawn_watchdog(store: Store, stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(250));
            if stop.load(Ordering::Relaxed) || terminal_hung_up() {
                stop.store(true, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(750));
                let _ = store.flush();
                ratatui::restore();
                std::process::exit(129);
            }
        }
    });
}

#[cfg(not(unix))]
fn spawn_watchdog(_store: Store, _stop: Arc<AtomicBool>) {}

/// Whether the controlling terminal has hung up (its window was closed).
#[cfg(unix)]
fn terminal_hung_up() -> bool {
    use std::os::fd::AsRawFd;
    let Ok(tty) = std::fs::File::open("/dev/tty") else {
        return true;
    };
    let mut fds = libc::pollfd {
        fd: tty.as_raw_fd(),
        events: 0,
        revents: 0,
    };
    // SAFETY: one valid pollfd for the duration of the call; zero timeout.
    let n = unsafe { libc::poll(&mut fds, 1, 0) };
    n > 0 && fds.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

#[cfg(not(unix))]
fn register_signals(_stop: &Arc<AtomicBool>) {}
