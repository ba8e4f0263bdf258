//! The unlock screen of an encrypted database (issue 20), at start and when the app is locked:
//! a pure function of what it shows. It shows nothing of the visits.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::i18n::{Lang, t, tf};

use super::theme;

/// What the unlock screen shows: the database, how many characters were typed (shown masked),
/// a message (a wrong passphrase), whether the passphrase is being checked, and whether this is
/// the app locked (with the key that quits) rather than the start.
pub struct UnlockView<'a> {
    pub lang: Lang,
    pub db: &'a str,
    pub typed: usize,
    pub message: Option<&'a str>,
    pub checking: bool,
    /// The app is locked (not starting): the force-quit key as people write it.
    pub locked: Option<&'a str>,
}

/// The app, locked: the lock screen and nothing else.
pub fn draw_locked(frame: &mut Frame, app: &crate::app::App, lock: &crate::app::LockScreen) {
    let quit = app.keymap.keys_label(
        crate::keymap::Context::Global,
        crate::keymap::Action::ForceQuit,
    );
    let view = UnlockView {
        lang: app.lang,
        db: &app.db_label,
        typed: lock.typed.chars().count(),
        message: lock.message.as_ref().map(|m| m.get(app.lang)),
        checking: lock.checking,
        locked: Some(&quit),
    };
    draw(frame, &view);
}

pub fn draw(frame: &mut Frame, v: &UnlockView) {
    let area = frame.area();
    let [_, middle, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(9),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [_, boxed, _] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Max(70),
        Constraint::Fill(1),
    ])
    .areas(middle);
    let masked = "•".repeat(v.typed.min(64));
    let (title, intro, keys) = match v.locked {
        None => (
            t(v.lang, "unlock.title").to_string(),
            tf(v.lang, "unlock.database", &[&v.db]),
            t(v.lang, "unlock.keys").to_string(),
        ),
        Some(quit) => (
            t(v.lang, "lock.title").to_string(),
            tf(v.lang, "lock.database", &[&v.db]),
            tf(v.lang, "lock.keys", &[&quit]),
        ),
    };
    let mut lines = vec![
        Line::from(intro),
        Line::from(""),
        Line::from(vec![
            Span::styled(
                format!("{} ", t(v.lang, "passphrase.prompt")),
                theme::label(),
            ),
            Span::raw(masked),
            Span::raw("▏"),
        ]),
        Line::from(""),
    ];
    if v.checking {
        lines.push(Line::styled(t(v.lang, "unlock.checking"), theme::muted()));
    } else if let Some(m) = v.message {
        lines.push(Line::styled(m.to_string(), theme::error()));
    } else {
        lines.push(Line::from(""));
    }
    lines.push(Line::styled(keys, theme::muted()));
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(title, theme::title())),
        ),
        boxed,
    );
}
