//! The unlock screen of an encrypted database (issue 20): a pure function of what it shows.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::i18n::{Lang, t, tf};

use super::theme;

/// What the unlock screen shows: the database, how many characters were typed (shown masked),
/// a message (a wrong passphrase), and whether the passphrase is being checked.
pub struct UnlockView<'a> {
    pub lang: Lang,
    pub db: &'a str,
    pub typed: usize,
    pub message: Option<&'a str>,
    pub checking: bool,
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
    let mut lines = vec![
        Line::from(tf(v.lang, "unlock.database", &[&v.db])),
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
    lines.push(Line::styled(t(v.lang, "unlock.keys"), theme::muted()));
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(t(v.lang, "unlock.title"), theme::title())),
        ),
        boxed,
    );
}
