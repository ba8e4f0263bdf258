//! The edit history of one visit: who changed what, when, from what to what.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::text::inert;
use super::theme;
use crate::app::App;
use crate::i18n::t;

fn short(v: &Option<serde_json::Value>) -> String {
    match v {
        None => "∅".into(),
        Some(serde_json::Value::String(s)) => format!("\"{}\"", s.replace('\n', " ⏎ ")),
        Some(other) => {
            let s = other.to_string();
            if s.chars().count() > 120 {
                format!("{}…", s.chars().take(120).collect::<String>())
            } else {
                s
            }
        }
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let l = app.lang;
    let mut lines = Vec::new();
    for e in app.audit.events.iter().rev() {
        let head = format!(
            "{} · {} · {} · rev {}",
            e.at.format("%Y-%m-%d %H:%M:%S UTC"),
            inert(&e.actor),
            t(l, e.action.key()),
            e.revision
        );
        lines.push(Line::styled(head, theme::section()));
        if !e.reason.is_empty() {
            lines.push(Line::raw(format!(
                "  {}: {}",
                t(l, "ui.audit_reason"),
                inert(&e.reason)
            )));
        }
        for c in &e.changes {
            if c.path.is_empty() {
                lines.push(Line::styled(
                    format!("  {}", t(l, "ui.audit_created")),
                    theme::muted(),
                ));
                continue;
            }
            lines.push(Line::raw(format!(
                "  {}: {} → {}",
                c.path,
                inert(&short(&c.old)),
                inert(&short(&c.new))
            )));
        }
        lines.push(Line::raw(""));
    }
    if lines.is_empty() {
        lines.push(Line::styled(t(l, "ui.loading").to_string(), theme::muted()));
    }
    let para = Paragraph::new(lines).wrap(Wrap { trim: false });
    let total = para.line_count(area.width);
    let max = total.saturating_sub(area.height as usize);
    let scroll = app.audit.scroll.get().min(max);
    app.audit.scroll.set(scroll);
    app.audit
        .page
        .set((area.height as usize).saturating_sub(1).max(1));
    frame.render_widget(
        para.scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
        area,
    );
}
