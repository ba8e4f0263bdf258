//! The overview: four panels (visits, obstacles, strategies, coverage), each as a chart (ratatui
//! BarChart/Sparkline) or as a table — `t` switches, and terminals narrower than 60 columns get
//! the table. The selected bar or row is reversed and marked "▶", not only coloured.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph, Row, Sparkline, Table, Wrap};

use super::text::{inert, pad, truncate};
use super::theme;
use crate::app::App;
use crate::app::overview::Tab;
use crate::domain::StrategyStatus;
use crate::followup::overview::Overview;
use crate::format;
use crate::i18n::{Lang, t, tf};

/// Below this width charts give way to tables.
const CHART_MIN_WIDTH: u16 = 60;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let l = app.lang;
    let Some(o) = app.followups.as_ref().and_then(|d| d.overview.as_ref()) else {
        frame.render_widget(
            Paragraph::new(t(l, "ui.loading")).style(theme::muted()),
            area,
        );
        return;
    };
    let [tabs, body] = Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(area);
    tab_line(frame, tabs, app);
    if o.visits == 0 {
        frame.render_widget(
            Paragraph::new(t(l, "overview.empty"))
                .style(theme::muted())
                .wrap(Wrap { trim: true }),
            body,
        );
        return;
    }
    let chart = !app.overview.table && area.width >= CHART_MIN_WIDTH;
    match app.overview.tab {
        Tab::Visits => visits(frame, body, l, o, chart),
        Tab::Obstacles => obstacles(frame, body, app, o, chart),
        Tab::Strategies => strategies(frame, body, l, o, chart),
        Tab::Coverage => coverage(frame, body, app, o, chart),
    }
}

fn tab_line(frame: &mut Frame, area: Rect, app: &App) {
    let l = app.lang;
    let mut spans = Vec::new();
    for tab in Tab::ALL {
        let label = t(l, tab.key());
        if tab == app.overview.tab {
            spans.push(Span::styled(format!("[{label}]"), theme::selected()));
        } else {
            spans.push(Span::raw(format!(" {label} ")));
        }
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn heading(frame: &mut Frame, area: Rect, text: &str) {
    frame.render_widget(
        Paragraph::new(truncate(text, area.width as usize)).style(theme::section()),
        area,
    );
}

fn visits(frame: &mut Frame, area: Rect, l: Lang, o: &Overview, chart: bool) {
    let draft = o.by_status.first().map_or(0, |s| s.1);
    let fin = o.by_status.get(1).map_or(0, |s| s.1);
    let [summary, months_h, months, prov_h, provinces] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Length(if chart { 4 } else { 7 }),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(tf(
            l,
            "overview.summary",
            &[&o.visits, &o.districts, &draft, &fin],
        ))
        .wrap(Wrap { trim: true }),
        summary,
    );
    let first = o.by_month.first();
    let last = o.by_month.last();
    let range = match (first, last) {
        (Some(a), Some(b)) => format!("{}-{:02} – {}-{:02}", a.year, a.month, b.year, b.month),
        _ => String::new(),
    };
    let max = o.by_month.iter().map(|m| m.visits).max().unwrap_or(0);
    heading(
        frame,
        months_h,
        &tf(l, "overview.by_month", &[&range, &max]),
    );
    if chart {
        // The latest months that fit, one column each.
        let n = (months.width as usize).min(o.by_month.len());
        let data: Vec<u64> = o.by_month[o.by_month.len() - n..]
            .iter()
            .map(|m| m.visits as u64)
            .collect();
        frame.render_widget(Sparkline::default().data(&data).style(theme::key()), months);
    } else {
        let rows = o
            .by_month
            .iter()
            .rev()
            .filter(|m| m.visits > 0)
            .take(months.height as usize)
            .map(|m| {
                Row::new(vec![
                    format!("{}-{:02}", m.year, m.month),
                    m.visits.to_string(),
                ])
            });
        frame.render_widget(
            Table::new(rows, [Constraint::Length(8), Constraint::Length(6)]),
            months,
        );
    }
    heading(frame, prov_h, t(l, "overview.by_province"));
    if chart {
        let bars: Vec<Bar> = o
            .by_province
            .iter()
            .take(provinces.height as usize)
            .map(|p| {
                Bar::default()
                    .value(p.visits as u64)
                    .label(Line::raw(pad(&format!("{} {}", p.code, p.name), 24)))
                    .text_value(p.visits.to_string())
            })
            .collect();
        frame.render_widget(
            BarChart::default()
                .direction(Direction::Horizontal)
                .bar_width(1)
                .bar_gap(0)
                .bar_style(theme::key())
                .data(BarGroup::default().bars(&bars)),
            provinces,
        );
    } else {
        let rows = o
            .by_province
            .iter()
            .map(|p| Row::new(vec![format!("{} {}", p.code, p.name), p.visits.to_string()]));
        frame.render_widget(
            Table::new(rows, [Constraint::Fill(1), Constraint::Length(6)]),
            provinces,
        );
    }
}

fn obstacles(frame: &mut Frame, area: Rect, app: &App, o: &Overview, chart: bool) {
    let l = app.lang;
    let ov = &app.overview;
    if o.obstacles.is_empty() {
        frame.render_widget(
            Paragraph::new(t(l, "overview.no_obstacles")).style(theme::muted()),
            area,
        );
        return;
    }
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    if let (Some(cursor), Some(row)) = (ov.visits_of, o.obstacles.get(ov.selected)) {
        heading(
            frame,
            head,
            &tf(l, "overview.visits_reporting", &[&t(l, row.category.key())]),
        );
        let data = app.followups.as_ref().map(|d| &d.items);
        let h = body.height.saturating_sub(1) as usize;
        let offset = cursor.saturating_sub(h.saturating_sub(1));
        let rows = row
            .visits
            .iter()
            .enumerate()
            .skip(offset)
            .take(h)
            .map(|(i, id)| {
                let f = data.and_then(|d| d.visit(*id));
                let cells = match f {
                    Some(f) => vec![
                        crate::format::date_short(l, f.day()),
                        inert(&format!("{} {}", f.district.code, f.district.name)),
                        t(l, f.status.key()).to_string(),
                    ],
                    None => vec![id.to_string(), String::new(), String::new()],
                };
                let r = Row::new(cells);
                if i == cursor {
                    r.style(theme::selected())
                } else {
                    r
                }
            });
        frame.render_widget(
            Table::new(
                rows,
                [
                    Constraint::Length(11),
                    Constraint::Fill(1),
                    Constraint::Length(6),
                ],
            )
            .header(
                Row::new(vec![
                    t(l, "ui.col_date"),
                    t(l, "ui.col_district"),
                    t(l, "ui.col_status"),
                ])
                .style(theme::header()),
            )
            .column_spacing(1),
            body,
        );
        return;
    }
    heading(frame, head, t(l, "overview.obstacles_heading"));
    let label_w = 34.min(body.width as usize / 2);
    let h = body.height as usize;
    let offset = ov.selected.saturating_sub(h.saturating_sub(1));
    if chart {
        let bars: Vec<Bar> = o
            .obstacles
            .iter()
            .enumerate()
            .skip(offset)
            .take(h)
            .map(|(i, r)| {
                let sel = i == ov.selected;
                let label = format!("{} {}", if sel { "▶" } else { " " }, t(l, r.category.key()));
                let bar = Bar::default()
                    .value(r.visits.len() as u64)
                    .label(Line::raw(pad(&label, label_w)))
                    .text_value(r.visits.len().to_string());
                if sel {
                    bar.style(theme::selected()).value_style(theme::selected())
                } else {
                    bar
                }
            })
            .collect();
        frame.render_widget(
            BarChart::default()
                .direction(Direction::Horizontal)
                .bar_width(1)
                .bar_gap(0)
                .bar_style(theme::section())
                .value_style(Style::new())
                .data(BarGroup::default().bars(&bars)),
            body,
        );
    } else {
        let rows = o
            .obstacles
            .iter()
            .enumerate()
            .skip(offset)
            .take(h.saturating_sub(1))
            .map(|(i, r)| {
                let sel = i == ov.selected;
                let row = Row::new(vec![
                    format!("{} {}", if sel { "▶" } else { " " }, t(l, r.category.key())),
                    r.visits.len().to_string(),
                    r.reports.to_string(),
                ]);
                if sel {
                    row.style(theme::selected())
                } else {
                    row
                }
            });
        frame.render_widget(
            Table::new(
                rows,
                [
                    Constraint::Fill(1),
                    Constraint::Length(9),
                    Constraint::Length(9),
                ],
            )
            .header(
                Row::new(vec![
                    t(l, "overview.col_category"),
                    t(l, "overview.col_visits"),
                    t(l, "overview.col_reports"),
                ])
                .style(theme::header()),
            )
            .column_spacing(1),
            body,
        );
    }
}

use super::history::glyph;

fn strategies(frame: &mut Frame, area: Rect, l: Lang, o: &Overview, chart: bool) {
    let [head, table_area, chart_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(6),
        Constraint::Fill(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(tf(l, "overview.strategies_heading", &[&o.districts]))
            .style(theme::section())
            .wrap(Wrap { trim: true }),
        head,
    );
    let mut header = vec![t(l, "board.col_strategy").to_string()];
    header.extend(
        StrategyStatus::ALL
            .iter()
            .map(|s| format!("{} {}", glyph(*s), t(l, s.key()))),
    );
    header.push(t(l, "overview.missing").to_string());
    let rows = o.strategies.iter().map(|r| {
        let mut cells = vec![format!("S{}", r.number)];
        cells.extend(r.counts.iter().map(|c| format!("{c:>5}")));
        cells.push(format!("{:>5}", r.missing));
        Row::new(cells)
    });
    let mut widths = vec![Constraint::Length(3)];
    widths.extend([Constraint::Fill(1); 5]);
    frame.render_widget(
        Table::new(rows, widths)
            .header(Row::new(header).style(theme::header()))
            .column_spacing(1),
        table_area,
    );
    if !chart || chart_area.height < 4 {
        return;
    }
    let groups: Vec<BarGroup> = o
        .strategies
        .iter()
        .map(|r| {
            let bars: Vec<Bar> = StrategyStatus::ALL
                .iter()
                .zip(r.counts)
                .map(|(s, c)| {
                    Bar::default()
                        .value(c as u64)
                        .label(Line::raw(glyph(*s)))
                        .text_value(c.to_string())
                })
                .collect();
            BarGroup::default()
                .label(Line::raw(format!("S{}", r.number)))
                .bars(&bars)
        })
        .collect();
    let mut chart = BarChart::default()
        .bar_width(3)
        .bar_gap(1)
        .group_gap(3)
        .bar_style(theme::key())
        .value_style(theme::selected());
    for g in groups {
        chart = chart.data(g);
    }
    frame.render_widget(chart, chart_area);
}

fn coverage(frame: &mut Frame, area: Rect, app: &App, o: &Overview, chart: bool) {
    let l = app.lang;
    let ov = &app.overview;
    let Some(ind) = o.coverage.get(ov.indicator % o.coverage.len().max(1)) else {
        frame.render_widget(
            Paragraph::new(t(l, "overview.no_coverage"))
                .style(theme::muted())
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    };
    let [head, body] = Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(area);
    frame.render_widget(
        Paragraph::new(vec![
            Line::styled(
                format!(
                    "{} ({}/{})",
                    ind.label.get(l),
                    ov.indicator % o.coverage.len() + 1,
                    o.coverage.len()
                ),
                theme::section(),
            ),
            Line::styled(t(l, "overview.coverage_hint").to_string(), theme::muted()),
        ]),
        head,
    );
    let h = body.height.saturating_sub(1) as usize;
    let offset = ov.selected.saturating_sub(h.saturating_sub(1));
    let name_w = (body.width as usize * 2 / 5).max(10);
    let header = Line::styled(
        format!(
            "{}{}",
            pad(t(l, "ui.col_district"), name_w + 1),
            t(l, "overview.col_trend")
        ),
        theme::header(),
    );
    frame.render_widget(
        Paragraph::new(header),
        Rect::new(body.x, body.y, body.width, 1.min(body.height)),
    );
    for (row, (i, s)) in ind
        .series
        .iter()
        .enumerate()
        .skip(offset)
        .take(h)
        .enumerate()
    {
        let y = body.y + 1 + row as u16;
        let line = Rect::new(body.x, y, body.width, 1);
        let sel = i == ov.selected;
        let style = if sel { theme::selected() } else { Style::new() };
        let name = pad(&inert(&format!("{} {}", s.code, s.name)), name_w);
        let values = if chart {
            match (s.first(), s.last()) {
                (Some(a), Some(b)) if s.points.len() >= 2 => {
                    format!(
                        "{} → {} ({})",
                        format::percent(l, a),
                        format::percent(l, b),
                        s.points.len()
                    )
                }
                (_, Some(b)) => format::percent(l, b),
                _ => String::new(),
            }
        } else {
            s.points
                .iter()
                .map(|(d, v)| format!("{} {}", d.format("%Y-%m"), format::percent(l, *v)))
                .collect::<Vec<_>>()
                .join(" → ")
        };
        let spark_w = if chart && s.points.len() >= 2 {
            (s.points.len() as u16).min(24)
        } else {
            0
        };
        frame.render_widget(Paragraph::new(name).style(style), line);
        let rest = Rect::new(
            line.x + name_w as u16 + 1,
            y,
            line.width.saturating_sub(name_w as u16 + 1),
            1,
        )
        .clamp(body);
        if spark_w > 0 {
            let data: Vec<u64> = s
                .points
                .iter()
                .rev()
                .take(spark_w as usize)
                .rev()
                .map(|p| (p.1.clamp(0.0, 100.0) * 10.0) as u64)
                .collect();
            let spark = Rect::new(rest.x, y, spark_w.min(rest.width), 1);
            frame.render_widget(
                Sparkline::default()
                    .data(&data)
                    .max(1000)
                    .style(theme::key()),
                spark,
            );
        }
        let text_x = rest.x + spark_w + u16::from(spark_w > 0);
        let text_area = Rect::new(text_x, y, rest.right().saturating_sub(text_x), 1).clamp(body);
        frame.render_widget(
            Paragraph::new(truncate(&values, text_area.width as usize)).style(style),
            text_area,
        );
    }
}
