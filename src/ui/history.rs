//! A district's visits on a timeline (top) and what changed at the selected visit (bottom).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, Wrap};

use super::text::inert;
use super::theme;
use crate::app::App;
use crate::app::history::HistoryEntry;
use crate::domain::StrategyStatus;
use crate::format;
use crate::i18n::{Lang, t};

/// One glyph per status, so the timeline reads without colour.
pub(super) fn glyph(s: StrategyStatus) -> &'static str {
    match s {
        StrategyStatus::NotStarted => "○",
        StrategyStatus::InProgress => "◐",
        StrategyStatus::Done => "●",
        StrategyStatus::NotApplicable => "–",
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let l = app.lang;
    let Some(h) = &app.history.history else {
        let key = if app.history.loading {
            "ui.loading"
        } else {
            "ui.no_history"
        };
        frame.render_widget(Paragraph::new(t(l, key)).style(theme::muted()), area);
        return;
    };
    let table_h = (h.entries.len() as u16 + 2).min(area.height / 2).max(3);
    let [top, legend, bottom] = Layout::vertical([
        Constraint::Length(table_h),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area);
    let visible = top.height.saturating_sub(1) as usize;
    let sel = app.history.selected;
    let offset = sel.saturating_sub(visible.saturating_sub(1));
    let rows = h
        .entries
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(i, e)| {
            let strategies: String = e
                .strategies
                .iter()
                .filter(|s| s.label.len() == 1)
                .map(|s| {
                    format!(
                        "{}{} ",
                        glyph(s.status),
                        if s.changed() { "↑" } else { " " }
                    )
                })
                .collect();
            let obstacles = format!(
                "+{} ={} −{}",
                e.obstacles_new.len(),
                e.obstacles_kept.len(),
                e.obstacles_resolved.len()
            );
            let row = Row::new(vec![
                e.start
                    .map(|d| format::datetime_short(l, &d))
                    .unwrap_or_else(|| "—".into()),
                match app.list.conflicts_of(e.id) {
                    0 => t(l, e.kind.key()).to_string(),
                    n => format!("⚠{n} {}", t(l, e.kind.key())),
                },
                t(l, e.status.key()).to_string(),
                strategies,
                obstacles,
            ]);
            if i == sel {
                row.style(theme::selected())
            } else {
                row
            }
        });
    let header = Row::new(vec![
        t(l, "ui.col_date"),
        t(l, "ui.col_kind"),
        t(l, "ui.col_status"),
        t(l, "ui.col_strategies"),
        t(l, "ui.col_obstacle_changes"),
    ])
    .style(theme::header());
    let widths = [
        Constraint::Length(22),
        Constraint::Length(14),
        Constraint::Length(6),
        Constraint::Length(13),
        Constraint::Fill(1),
    ];
    frame.render_widget(Table::new(rows, widths).header(header), top);
    // The district's open conflicts, counted over its visits, in place of the legend.
    let (fields, visits) = h
        .entries
        .iter()
        .map(|e| app.list.conflicts_of(e.id))
        .filter(|n| *n > 0)
        .fold((0u32, 0usize), |(f, v), n| (f + n, v + 1));
    let legend_line = if fields > 0 {
        Paragraph::new(crate::i18n::tf(
            l,
            "ui.history_conflicts",
            &[&fields, &visits],
        ))
        .style(theme::error())
    } else {
        Paragraph::new(t(l, "ui.history_legend")).style(theme::muted())
    };
    frame.render_widget(legend_line, legend);
    if let Some(e) = h.entries.get(sel) {
        let block = Block::new()
            .borders(Borders::TOP)
            .title(t(l, "ui.history_changes"));
        frame.render_widget(
            Paragraph::new(changes(l, e))
                .wrap(Wrap { trim: false })
                .block(block),
            bottom,
        );
    }
}

fn changes(l: Lang, e: &HistoryEntry) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for s in &e.strategies {
        let mut spans = vec![Span::raw(format!("{} ", glyph(s.status)))];
        let status = t(l, s.status.key()).to_string();
        match s.before {
            Some(b) if b != s.status => spans.push(Span::styled(
                format!("{} → {status}", t(l, b.key())),
                theme::changed(),
            )),
            _ => spans.push(Span::styled(status, theme::label())),
        }
        spans.push(Span::raw(format!("  {}", inert(&s.text))));
        out.push(Line::from(spans));
    }
    let list = |out: &mut Vec<Line<'static>>, key: &str, mark: &str, items: &[String]| {
        if items.is_empty() {
            return;
        }
        out.push(Line::styled(t(l, key).to_string(), theme::section()));
        for i in items {
            out.push(Line::raw(format!("  {mark} {}", inert(i))));
        }
    };
    list(&mut out, "ui.obstacles_new", "+", &e.obstacles_new);
    list(&mut out, "ui.obstacles_kept", "=", &e.obstacles_kept);
    list(
        &mut out,
        "ui.obstacles_resolved",
        "−",
        &e.obstacles_resolved,
    );
    out
}
