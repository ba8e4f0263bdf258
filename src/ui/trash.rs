use ratatui::Frame;
use ratatui::layout::{Constraint, Margin, Rect};
use ratatui::widgets::{Paragraph, Row, Table, Wrap};

use super::text::inert;
use super::theme;
use crate::app::App;
use crate::format;
use crate::i18n::t;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let l = app.lang;
    if app.trash.loading {
        frame.render_widget(
            Paragraph::new(t(l, "ui.loading")).style(theme::muted()),
            area,
        );
        return;
    }
    if app.trash.entries.is_empty() {
        frame.render_widget(
            Paragraph::new(t(l, "ui.trash_empty")).wrap(Wrap { trim: true }),
            area.inner(Margin::new(2, 1)),
        );
        return;
    }
    let visible = area.height.saturating_sub(1) as usize;
    let offset = app.trash.selected.saturating_sub(visible.saturating_sub(1));
    let rows = app
        .trash
        .entries
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(i, e)| {
            let v = &e.visit;
            let start = v
                .start
                .map(|d| format::datetime_short(app.lang, &d))
                .unwrap_or_else(|| "—".into());
            let deleted = format::moment(app.lang, &e.deleted_at, &format::visit_zone(v));
            let row = Row::new(vec![
                start,
                inert(&format!("{} {}", v.district.code, v.district.name)),
                deleted,
                inert(&e.deleted_by),
            ]);
            if i == app.trash.selected {
                row.style(theme::selected())
            } else {
                row
            }
        });
    let header = Row::new(vec![
        t(l, "ui.col_date"),
        t(l, "ui.col_district"),
        t(l, "ui.col_deleted"),
        t(l, "ui.col_by"),
    ])
    .style(theme::header());
    let widths = [
        Constraint::Length(22),
        Constraint::Fill(2),
        Constraint::Length(22),
        Constraint::Fill(1),
    ];
    frame.render_widget(Table::new(rows, widths).header(header), area);
}
