//! The erasure popup (issue 20 point 5): whose personal data to erase from the visit, then the
//! reason, with what will go and that it cannot be undone.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use tui_input::Input;

use super::text::{inert, truncate};
use super::{popup, theme};
use crate::app::App;
use crate::i18n::t;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, cursor: usize, reason: Option<&Input>) {
    let l = app.lang;
    let people = app.erase_people();
    let rect = popup(frame, area, 72, (people.len() as u16 + 10).min(area.height));
    let block = Block::new()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(l, "erase.tui_title")));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let w = inner.width as usize;
    let mut lines = vec![
        Line::styled(t(l, "erase.tui_what").to_string(), theme::muted()),
        Line::raw(""),
    ];
    for (i, p) in people.iter().enumerate() {
        let kind = if p.list == "attendees" {
            t(l, "erase.tui_attendee")
        } else {
            t(l, "erase.tui_handover")
        };
        let text = truncate(&format!("{kind}: {}", inert(&p.label)), w.saturating_sub(2));
        let style = if i == cursor {
            theme::selected()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::styled(format!("  {text}"), style));
    }
    lines.push(Line::raw(""));
    match reason {
        None => lines.push(Line::styled(
            t(l, "erase.tui_pick").to_string(),
            theme::muted(),
        )),
        Some(input) => {
            lines.push(Line::styled(
                t(l, "erase.tui_reason").to_string(),
                theme::error(),
            ));
            let room = w.saturating_sub(2);
            let text = input.value();
            let shown: String = text
                .chars()
                .skip(text.chars().count().saturating_sub(room))
                .collect();
            let y = inner.y + u16::try_from(lines.len()).unwrap_or(0);
            lines.push(Line::from(vec![
                Span::styled("> ", theme::key()),
                Span::raw(inert(&shown)),
            ]));
            let x = inner.x + 2 + u16::try_from(shown.chars().count()).unwrap_or(0);
            if y < inner.y + inner.height {
                frame.set_cursor_position((x.min(inner.x + inner.width.saturating_sub(1)), y));
            }
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
