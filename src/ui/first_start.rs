//! The question at the very first start (issue 20): encrypt the new database? A pure function
//! of what it shows; the keys are read by [`crate::tui::first_start`].

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::i18n::{Lang, t, tf};

use super::theme;

/// Where the first start is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The question, with the choice the cursor is on (`true`: "Ya, enkripsi").
    Choose { encrypt: bool },
    /// Typing the new passphrase (`again`: the second time, to compare).
    Passphrase { again: bool },
}

/// What the first-start screen shows: the new database's folder, the step, how many
/// characters of the passphrase were typed (shown masked), a message (the two differ, empty),
/// and whether the encrypted database is being made.
pub struct FirstStartView<'a> {
    pub lang: Lang,
    pub db: &'a str,
    pub step: Step,
    pub typed: usize,
    pub message: Option<&'a str>,
    pub working: bool,
}

pub fn draw(frame: &mut Frame, v: &FirstStartView) {
    let l = v.lang;
    let area = frame.area();
    let [_, middle, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(20),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [_, boxed, _] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Max(76),
        Constraint::Fill(1),
    ])
    .areas(middle);
    let mut lines = vec![
        Line::from(tf(l, "first_start.database", &[&v.db])),
        Line::from(""),
    ];
    match v.step {
        Step::Choose { encrypt } => {
            lines.push(Line::styled(t(l, "first_start.question"), theme::section()));
            lines.push(Line::from(t(l, "first_start.why")));
            lines.push(Line::styled(t(l, "first_start.forgotten"), theme::error()));
            lines.push(Line::from(""));
            for (yes, key) in [(true, "first_start.yes"), (false, "first_start.no")] {
                let chosen = yes == encrypt;
                let marker = if chosen { "▶ " } else { "  " };
                let style = if chosen {
                    theme::selected()
                } else {
                    ratatui::style::Style::default()
                };
                lines.push(Line::from(vec![
                    Span::raw(format!("  {marker}")),
                    Span::styled(t(l, key).to_string(), style),
                ]));
            }
            lines.push(Line::from(""));
            lines.push(Line::styled(t(l, "first_start.later"), theme::muted()));
            lines.push(Line::from(""));
            lines.push(Line::styled(t(l, "first_start.keys"), theme::muted()));
        }
        Step::Passphrase { again } => {
            lines.push(Line::from(t(l, "first_start.passphrase_intro")));
            lines.push(Line::styled(t(l, "first_start.forgotten"), theme::error()));
            lines.push(Line::from(""));
            let prompt = if again {
                "passphrase.again"
            } else {
                "passphrase.new"
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{} ", t(l, prompt)), theme::label()),
                Span::raw("•".repeat(v.typed.min(64))),
                Span::raw("▏"),
            ]));
            lines.push(Line::from(""));
            if v.working {
                lines.push(Line::styled(t(l, "first_start.working"), theme::muted()));
            } else if let Some(m) = v.message {
                lines.push(Line::styled(m.to_string(), theme::error()));
            } else {
                lines.push(Line::from(""));
            }
            lines.push(Line::from(""));
            lines.push(Line::styled(
                t(l, "first_start.passphrase_keys"),
                theme::muted(),
            ));
        }
    }
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(t(l, "first_start.title"), theme::title())),
        ),
        boxed,
    );
    super::text::terminal_safe(frame.buffer_mut());
}
