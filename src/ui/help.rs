//! The help overlay, generated from the active keymap, and the confirmation popup.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::text::{inert, pad};
use super::{popup, theme};
use crate::app::{App, Confirm};
use crate::i18n::{t, tf};
use crate::keymap::Context;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let l = app.lang;
    let mut lines = Vec::new();
    let mut last = None;
    for (ctx, action) in app.keymap.rows() {
        if ctx == Context::Help {
            continue;
        }
        if last != Some(ctx) {
            if last.is_some() {
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(
                t(l, &format!("context.{}", ctx.name())).to_string(),
                theme::section(),
            ));
            last = Some(ctx);
        }
        lines.push(Line::from(vec![
            Span::styled(pad(&app.keymap.keys_label(ctx, action), 20), theme::key()),
            Span::raw(t(l, &action.catalogue_label()).to_string()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        t(l, "ui.help_search").to_string(),
        theme::section(),
    ));
    lines.push(Line::raw(t(l, "ui.search_hint").to_string()));
    let rect = popup(frame, area, 64, area.height);
    let inner_h = rect.height.saturating_sub(2) as usize;
    let max = lines.len().saturating_sub(inner_h);
    let scroll = app.help_scroll.get().min(max);
    app.help_scroll.set(scroll);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(l, "ui.help_title")));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((u16::try_from(scroll).unwrap_or(0), 0)),
        rect,
    );
}

pub fn confirm(frame: &mut Frame, area: Rect, app: &App, c: &Confirm) {
    let l = app.lang;
    let (question, note) = match c {
        Confirm::Delete { label, .. } => (
            tf(l, "ui.confirm_delete", &[&inert(label)]),
            t(l, "ui.confirm_delete_note").to_string(),
        ),
        Confirm::DropUnsaved { quit } => (
            t(
                l,
                if *quit {
                    "hardening.drop_unsaved_quit"
                } else {
                    "hardening.drop_unsaved_leave"
                },
            )
            .to_string(),
            t(l, "hardening.drop_unsaved_note").to_string(),
        ),
    };
    let text = vec![
        Line::raw(question),
        Line::raw(""),
        Line::styled(note, theme::muted()),
        Line::raw(""),
        Line::from(vec![
            Span::styled(
                app.keymap
                    .keys_label(Context::Confirm, crate::keymap::Action::Yes),
                theme::key(),
            ),
            Span::raw(format!(" {}   ", t(l, "action.yes"))),
            Span::styled(
                app.keymap
                    .keys_label(Context::Confirm, crate::keymap::Action::No),
                theme::key(),
            ),
            Span::raw(format!(" {}", t(l, "action.no"))),
        ]),
    ];
    // The longer question and advice of an unsaved change need two more lines.
    let height = if matches!(c, Confirm::Delete { .. }) {
        9
    } else {
        11
    };
    let rect = popup(frame, area, 56, height);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(l, "ui.confirm_title")));
    frame.render_widget(
        Paragraph::new(text).block(block).wrap(Wrap { trim: true }),
        rect,
    );
}

/// The fields two laptops changed differently, each with the values to choose from.
pub fn conflicts(frame: &mut Frame, area: Rect, app: &App, cursor: usize) {
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
    let mut lines = Vec::new();
    let mut selected_line = 0;
    let mut i = 0;
    for c in &v.conflicts {
        lines.push(Line::styled(
            crate::ui::text::truncate(&c.path, w),
            theme::section(),
        ));
        for cand in &c.candidates {
            let value = match &cand.value {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => t(l, "ui.conflict_removed").to_string(),
            };
            let text = crate::ui::text::truncate(
                &format!(
                    "  {} — {}, {}",
                    inert(&value),
                    inert(&cand.actor),
                    cand.at.format("%Y-%m-%d %H:%M UTC")
                ),
                w,
            );
            if i == cursor {
                selected_line = lines.len();
                lines.push(Line::styled(text, theme::selected()));
            } else {
                lines.push(Line::raw(text));
            }
            i += 1;
        }
    }
    let h = inner.height as usize;
    let skip = selected_line.saturating_sub(h.saturating_sub(1));
    let visible: Vec<Line> = lines.into_iter().skip(skip).take(h).collect();
    frame.render_widget(Paragraph::new(visible), inner);
}
