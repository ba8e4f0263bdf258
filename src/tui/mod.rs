//! The terminal runtime: one synchronous loop that reads events, lets the app update, performs
//! the effects, and redraws only when something changed. The terminal is restored on quit, on
//! error, on panic (ratatui's hook, after color-eyre's) and on SIGTERM/SIGHUP.

mod board;
pub mod central;
pub mod first_start;
pub mod runner;
pub mod unlock;
pub mod worker;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, MouseEventKind};
use crossterm::{execute, terminal};
use ratatui::DefaultTerminal;

use crate::app::{App, Effect, Msg};
use crate::config::{Config, Settings};
use crate::guide::Guide;
use crate::i18n::Lang;
use crate::keymap::Action;
use crate::store::Store;
use runner::{Runner, SearchBackend};

/// Builds the app for a store: summaries loaded, keymap with the user's overrides.
pub fn build_app(
    store: &Store,
    lang: Lang,
    config: &Config,
    guide: Arc<Guide>,
) -> Result<App, String> {
    let settings = Settings::from_config(None, config.clone());
    build_app_with(store, lang, &settings, guide)
}

/// Builds the app with the settings read at start; their problems show in the status line,
/// as an error (they are not what the user asked for).
pub fn build_app_with(
    store: &Store,
    lang: Lang,
    settings: &Settings,
    guide: Arc<Guide>,
) -> Result<App, String> {
    let summaries = store.summaries().map_err(|e| e.message(lang))?;
    let mut app = App::new(
        lang,
        settings.keymap.clone(),
        store.path().display().to_string(),
        summaries,
        guide,
        crate::host::Host::current(),
    );
    app.lockable = store.is_encrypted();
    if let Ok(Some(state)) = crate::central::state::SyncState::load(store.path()) {
        app.central.enrolled = true;
        app.central.last_sync = state.last_sync;
    }
    if crate::config::summary(lang, settings).is_some() {
        let all =
            crate::i18n::Said::new(|l| crate::config::summary(l, settings).unwrap_or_default());
        app.on_msg(Msg::Failed(all));
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

pub fn run(
    store: &Store,
    lang: Lang,
    guide: Guide,
    settings: &Settings,
) -> Result<ExitCode, String> {
    let config_path = settings.path.clone();
    let mut app = build_app_with(store, lang, settings, Arc::new(guide))?;
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
    let sync = central::SyncJobs {
        messages: Some(msg_tx.clone()),
        ..Default::default()
    };
    let jobs = worker::spawn_with(store.clone(), Some(app.list.all.clone()), msg_tx);
    let mut runner = Runner {
        store: store.clone(),
        config_path,
        config: settings.config.clone(),
        report_dir: crate::export::default_report_dir(),
        search: SearchBackend::Worker(jobs),
        stamp: None,
        journal: Default::default(),
        central: sync,
    };
    // Text the last session was typing when it was killed comes back into its editor.
    let _ = drain(&mut app, &mut runner, vec![Effect::Recover]);

    // color-eyre first, then ratatui::init, whose panic hook restores the terminal and then
    // calls color-eyre's report.
    let _ = color_eyre::install();
    let stop = Arc::new(AtomicBool::new(false));
    register_signals(&stop);
    spawn_watchdog(store.clone(), Arc::clone(&stop));
    let mut terminal = ratatui::init();
    // ratatui's hook restores the screen but knows nothing of paste and mouse modes.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave_modes();
        hook(info);
    }));
    let _ = execute!(
        std::io::stdout(),
        event::EnableMouseCapture,
        event::EnableBracketedPaste
    );
    // Only an encrypted database locks when idle (a plain one has no passphrase to ask).
    let lock_after = settings
        .config
        .lock_after()
        .filter(|_| store.is_encrypted());
    let result = event_loop(
        &mut terminal,
        &mut app,
        &mut runner,
        &msg_rx,
        &stop,
        lock_after,
    );
    // Whatever was typed and not yet journaled is kept for next time.
    runner.write_journal(true);
    leave_modes();
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
    lock_after: Option<Duration>,
) -> std::io::Result<()> {
    let mut dirty = true;
    // The last key, mouse event or paste: the app locks `lock_after` after it. The clock is
    // read here, never in the app: it is told with `Msg::Idle`.
    let mut last_input = Instant::now();
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
        if !event::poll(Duration::from_millis(40))? {
            // Typing paused: the journal catches up with the editor.
            runner.write_journal(true);
            if lock_after.is_some_and(|after| last_input.elapsed() >= after) && !app.locked() {
                effects.extend(app.on_msg(Msg::Idle));
                dirty = true;
            }
        } else {
            // Take everything already queued (a paste, a resize storm) before drawing again.
            loop {
                app.tick(chrono::Local::now().fixed_offset());
                let event = event::read()?;
                if matches!(event, Event::Key(_) | Event::Mouse(_) | Event::Paste(_)) {
                    last_input = Instant::now();
                }
                match event {
                    Event::Key(k) => effects.extend(app.handle_key(k)),
                    Event::Mouse(_) if app.too_small || app.locked() => continue,
                    Event::Mouse(m) => match m.kind {
                        MouseEventKind::ScrollDown => effects.extend(app.update(Action::Down)),
                        MouseEventKind::ScrollUp => effects.extend(app.update(Action::Up)),
                        _ => continue,
                    },
                    Event::Resize(w, h) => app.too_small = crate::ui::too_small(w, h),
                    Event::Paste(text) => effects.extend(app.handle_paste(&text)),
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
        // Argon2id takes a moment: the lock screen says it is checking before it does.
        if effects.iter().any(|e| matches!(e, Effect::Unlock(_))) {
            draw(terminal, app)?;
        }
        if drain(app, runner, effects) {
            return Ok(());
        }
    }
}

/// Turns off what Pantau turned on besides ratatui's own modes (quit, panic, hang-up).
fn leave_modes() {
    let _ = execute!(
        std::io::stdout(),
        event::DisableBracketedPaste,
        event::DisableMouseCapture
    );
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
                leave_modes();
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
