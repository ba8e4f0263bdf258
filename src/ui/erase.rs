//! The erasure popup (issue 20 point 5): whose personal data to erase from the visit, then the
//! reason, with what will go and that it cannot be undone. The choice and the prompt stay in
//! view at any size (the list scrolls, the prompt is pinned, as in the conflict popup).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders};
use tui_input::Input;

use super::conflicts::{list_with_footer, reason_footer};
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
    let mut lines: Vec<Line> = textwrap::wrap(t(l, "erase.tui_what"), w.max(1))
        .into_iter()
        .map(|s| Line::styled(s.into_owned(), theme::muted()))
        .collect();
    lines.push(Line::raw(""));
    let first = lines.len();
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
    let (footer, caret) = match reason {
        Some(input) => {
            let (lines, x) = reason_footer(t(l, "erase.tui_reason"), input, w);
            (lines, Some(x))
        }
        None => (
            vec![Line::styled(
                truncate(t(l, "erase.tui_pick"), w),
                theme::muted(),
            )],
            None,
        ),
    };
    list_with_footer(frame, inner, lines, first + cursor, footer, caret);
}
