//! The conflict popup: each field two laptops changed differently, by its label
//! ("Strategi 2 · Komitmen"), with the value both started from and every side's value with who
//! set it and when, the value held now marked. On a final visit, picking one asks why first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use tui_input::Input;

use super::text::{inert, truncate};
use super::{popup, theme};
use crate::app::App;
use crate::i18n::t;
use crate::labels::{field_label, value_text};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, cursor: usize, reason: Option<&Input>) {
    let l = app.lang;
    let Some(v) = app.detail.as_ref().and_then(|d| d.visit.as_ref()) else {
        return;
    };
    let rect = popup(frame, area, 76, area.height);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(l, "ui.conflicts_title")));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let w = inner.width as usize;
    let flat = |s: String| inert(&s.replace('\n', " ⏎ "));
    let mut lines = Vec::new();
    let mut selected = 0;
    let mut i = 0;
    for c in &v.conflicts {
        let label = field_label(l, v, Some(&app.guide), &c.path);
        lines.push(Line::styled(truncate(&inert(&label), w), theme::section()));
        let base = value_text(l, v, Some(&app.guide), &c.path, c.base.as_ref());
        lines.push(Line::styled(
            truncate(&format!("  {}: {}", t(l, "chain.base"), flat(base)), w),
            theme::muted(),
        ));
        for (n, cand) in c.candidates.iter().enumerate() {
            let value = value_text(l, v, Some(&app.guide), &c.path, cand.value.as_ref());
            let mark = if n == 0 { "●" } else { "○" };
            let held = if n == 0 {
                format!("  ← {}", t(l, "chain.held"))
            } else {
                String::new()
            };
            let who = format!(
                "     {} · {}",
                inert(&cand.actor),
                crate::format::moment(l, &cand.at, &crate::format::visit_zone(v))
            );
            let value_line = {
                let room = w.saturating_sub(4 + held.chars().count());
                format!("  {mark} {}{held}", truncate(&flat(value), room))
            };
            let style = if i == cursor {
                selected = lines.len();
                theme::selected()
            } else {
                ratatui::style::Style::new()
            };
            lines.push(Line::styled(truncate(&value_line, w), style));
            lines.push(Line::styled(truncate(&who, w), style.patch(theme::muted())));
            i += 1;
        }
    }
    // The reason prompt stays in view below the list.
    let (footer, cursor) = match reason {
        Some(input) => {
            let (lines, x) = reason_footer(t(l, "chain.reason_prompt"), input, w);
            (lines, Some(x))
        }
        None => (Vec::new(), None),
    };
    list_with_footer(frame, inner, lines, selected, footer, cursor);
}

/// The lines asking for a reason: the prompt, then `> ` and the text typed so far (its end,
/// when it is longer than the room), and where the cursor goes on that last line.
pub(super) fn reason_footer(prompt: &str, input: &Input, w: usize) -> (Vec<Line<'static>>, u16) {
    let room = w.saturating_sub(2);
    let text = input.value();
    let shown: String = text
        .chars()
        .skip(text.chars().count().saturating_sub(room))
        .collect();
    let x = 2 + u16::try_from(shown.chars().count()).unwrap_or(0);
    let lines = vec![
        Line::styled(truncate(prompt, w), theme::error()),
        Line::from(vec![
            Span::styled("> ", theme::key()),
            Span::raw(inert(&shown)),
        ]),
    ];
    (lines, x)
}

/// `lines` scrolled so that line `selected` is in view, with `footer` pinned to the bottom of
/// `inner` and, given its column, the cursor on the footer's last line.
pub(super) fn list_with_footer(
    frame: &mut Frame,
    inner: Rect,
    lines: Vec<Line>,
    selected: usize,
    footer: Vec<Line<'static>>,
    cursor: Option<u16>,
) {
    if let Some(x) = cursor
        && inner.height >= 3
    {
        let y = inner.y + inner.height.saturating_sub(1);
        frame.set_cursor_position((
            (inner.x + x).min(inner.x + inner.width.saturating_sub(1)),
            y,
        ));
    }
    let h = (inner.height as usize).saturating_sub(footer.len());
    let skip = (selected + 1).saturating_sub(h.saturating_sub(1));
    let mut visible: Vec<Line> = lines.into_iter().skip(skip).take(h).collect();
    while visible.len() < h && !footer.is_empty() {
        visible.push(Line::raw(""));
    }
    visible.extend(footer);
    frame.render_widget(Paragraph::new(visible), inner);
}
