//! The title line, the key bar (from the keymap) and the status line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::text::{truncate, truncate_left};
use super::theme;
use crate::app::{App, Screen, Status};
use crate::i18n::{t, tf};

pub fn title(frame: &mut Frame, area: Rect, app: &App) {
    let l = app.lang;
    let what = match app.screen {
        Screen::List => tf(
            l,
            "ui.title_list",
            &[&app.list.rows.len(), &app.list.all.len()],
        ),
        Screen::Detail => match app.detail.as_ref().and_then(|d| d.visit.as_ref()) {
            Some(v) => format!(
                "{} {} {}",
                t(l, "ui.title_visit"),
                v.district.code,
                v.district.name
            ),
            None => t(l, "ui.loading").to_string(),
        },
        Screen::History => match &app.history.history {
            Some(h) => format!("{} {} {}", t(l, "ui.title_history"), h.code, h.name),
            None => t(l, "ui.title_history").to_string(),
        },
        Screen::Trash => tf(l, "ui.title_trash", &[&app.trash.entries.len()]),
        Screen::Interview => match &app.interview {
            Some(iv) => super::interview::title(l, iv),
            None => t(l, "ui.loading").to_string(),
        },
        Screen::Audit => t(l, "ui.title_audit").to_string(),
        Screen::Board => tf(l, "board.title", &[&crate::format::date_long(l, app.today)]),
        Screen::Overview => t(l, "overview.title").to_string(),
    };
    let text = truncate(&format!(" Pantau · {what}"), area.width as usize);
    frame.render_widget(Paragraph::new(text).style(theme::title()), area);
}

pub fn keys(frame: &mut Frame, area: Rect, app: &App) {
    use crate::keymap::Action as A;
    let ctx = app.context();
    // A final visit's interview offers only what works on it (amend, not edit).
    let locked = app.interview.as_ref().is_some_and(|iv| iv.locked());
    let in_conflict = app
        .detail
        .as_ref()
        .and_then(|d| d.visit.as_ref())
        .is_some_and(|v| v.in_conflict());
    let items: Vec<(String, A, String)> = app
        .keymap
        .bar(ctx)
        .into_iter()
        // Settling is offered only where there is something to settle.
        .filter(|(_, action)| *action != A::ShowConflicts || in_conflict)
        // Locking is offered only where it works: a plain database never locks.
        .filter(|(_, action)| *action != A::Lock || app.lockable)
        .filter(|(_, action)| {
            let editing = matches!(
                action,
                A::Open | A::AddItem | A::QuickNote | A::Finalise | A::DeleteItem
            );
            ctx != crate::keymap::Context::Interview
                || !((locked && editing) || (!locked && *action == A::Amend))
        })
        .map(|(key, action)| {
            let label = t(app.lang, &action.label_in(ctx)).to_string();
            (key, action, label)
        })
        .collect();
    // When not all fit, the keymap's priorities are kept first, then the rest in bar order;
    // they are shown in bar order either way.
    let width = |(k, _, l): &(String, A, String)| k.width() + l.width() + 3;
    let mut keep = vec![false; items.len()];
    let mut used = 0usize;
    let room = area.width as usize;
    for p in app.keymap.bar_priority(ctx) {
        if let Some(i) = items.iter().position(|(_, a, _)| a == p)
            && used + width(&items[i]) <= room
        {
            used += width(&items[i]);
            keep[i] = true;
        }
    }
    for i in 0..items.len() {
        if keep[i] {
            continue;
        }
        if used + width(&items[i]) > room {
            break;
        }
        used += width(&items[i]);
        keep[i] = true;
    }
    let mut spans = Vec::new();
    for (item, _) in items.iter().zip(&keep).filter(|(_, k)| **k) {
        let (key, _, label) = item;
        spans.push(Span::styled(format!(" {key}"), theme::key()));
        spans.push(Span::raw(format!(" {label} ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn status(frame: &mut Frame, area: Rect, app: &App) {
    let mut right = format!("{} · {} ", app.db_label, app.lang.code().to_uppercase());
    if let Some(sync) = app.sync_label() {
        right = format!("{sync} · {right}");
    }
    let width = area.width as usize;
    let (text, style) = match &app.status {
        Status::None => (String::new(), theme::muted()),
        Status::Notice { key, arg } => (format!(" ✓ {}", tf(app.lang, key, &[arg])), theme::ok()),
        Status::Error(msg) => (
            format!(" ✗ {}", super::text::inert(msg.get(app.lang))),
            theme::error(),
        ),
    };
    // A message (often a file path the auditor needs, or what to do about an error) gets the
    // room; the database path yields, all of it if need be.
    let right_room = if text.is_empty() {
        width / 2
    } else {
        width.saturating_sub(text.width() + 1).min(width / 2)
    };
    let right = if right_room < 8 {
        String::new()
    } else {
        truncate_left(&right, right_room)
    };
    let room = width.saturating_sub(right.width() + 1);
    let left = truncate(&text, room);
    let gap = width.saturating_sub(left.width() + right.width());
    let line = Line::from(vec![
        Span::styled(left, style),
        Span::raw(" ".repeat(gap)),
        Span::styled(right, theme::muted()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}
