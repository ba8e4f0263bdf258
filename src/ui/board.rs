//! The follow-up board: the filter line, the items by target date, the selected item in full,
//! and the status picker and note popups. Only the rows on screen are built. Overdue items are
//! red *and* marked "!", superseded ones (shown on request) marked "»", so both read without
//! colour.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};
use unicode_width::UnicodeWidthStr;

use super::text::{inert, truncate};
use super::{popup, theme};
use crate::app::App;
use crate::app::board::Mode;
use crate::domain::StrategyStatus;
use crate::followup::{Due, FollowUps, Item, StatusFilter, Which};
use crate::format;
use crate::i18n::{Lang, t, tf};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let l = app.lang;
    let Some(data) = &app.followups else {
        frame.render_widget(
            Paragraph::new(t(l, "ui.loading")).style(theme::muted()),
            area,
        );
        return;
    };
    let f = &data.items;
    let detail_h = if area.height >= 16 { 6 } else { 0 };
    let [filters, table_area, detail] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(detail_h),
    ])
    .areas(area);
    filter_line(frame, filters, app, f);
    let board = &app.board;
    if board.rows.is_empty() {
        let key = if f.items.is_empty() {
            "board.empty"
        } else {
            "board.no_match"
        };
        frame.render_widget(
            Paragraph::new(t(l, key))
                .style(theme::muted())
                .wrap(Wrap { trim: true }),
            table_area.inner(Margin::new(1, 1)),
        );
    } else {
        table(frame, table_area, app, f);
        if detail_h > 0
            && let Some(item) = board.rows.get(board.selected).map(|n| &f.items[*n])
        {
            item_detail(frame, detail, app, f, item);
        }
    }
    match board.mode {
        Mode::Status(i) => status_picker(frame, area, l, i),
        Mode::Note => note_box(frame, area, app),
        _ => {}
    }
}

fn due_label(l: Lang, d: Due) -> String {
    match d {
        Due::Any => t(l, "board.all").to_string(),
        Due::Overdue => t(l, "board.overdue").to_string(),
        Due::Within(n) => tf(l, "board.due_within", &[&n]),
    }
}

fn status_filter_label(l: Lang, s: StatusFilter) -> String {
    match s {
        StatusFilter::Any => t(l, "board.all").to_string(),
        StatusFilter::Open => t(l, "board.open").to_string(),
        StatusFilter::Is(s) => t(l, s.key()).to_string(),
    }
}

/// "S1".."S4", "S+" for a custom strategy, "TL" for the follow-up answers.
pub fn which_short(l: Lang, w: Which) -> String {
    match w {
        Which::Standard(n) => format!("S{n}"),
        Which::Custom => "S+".to_string(),
        Which::FollowUp => t(l, "board.followup_short").to_string(),
    }
}

fn which_label(l: Lang, w: Option<Which>) -> String {
    match w {
        None => t(l, "board.all").to_string(),
        Some(Which::Custom) => t(l, "board.custom").to_string(),
        Some(Which::FollowUp) => t(l, "board.followup").to_string(),
        Some(w) => which_short(l, w),
    }
}

fn filter_line(frame: &mut Frame, area: Rect, app: &App, f: &FollowUps) {
    let l = app.lang;
    let b = &app.board;
    if b.mode == Mode::Place {
        let prompt = format!("{} ", t(l, "board.place_prompt"));
        let pw = prompt.width() as u16;
        let room = area.width.saturating_sub(pw + 1) as usize;
        let scroll = b.input.visual_scroll(room);
        let value: String = b.input.value().chars().skip(scroll).collect();
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(prompt, theme::key()),
                Span::raw(truncate(&inert(&value), room)),
            ])),
            area,
        );
        let x = area.x + pw + b.input.visual_cursor().saturating_sub(scroll) as u16;
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
        return;
    }
    let place = if b.filter.place.is_empty() {
        "—".to_string()
    } else {
        inert(&b.filter.place)
    };
    let mut text = tf(
        l,
        "board.filter_line",
        &[
            &due_label(l, b.filter.due),
            &status_filter_label(l, b.filter.status),
            &which_label(l, b.filter.which),
            &place,
        ],
    );
    if b.filter.include_superseded {
        text.push_str(" · ");
        text.push_str(t(l, "board.with_history"));
    }
    let counts = tf(
        l,
        "board.counts",
        &[&b.rows.len(), &f.overdue_count(app.today)],
    );
    let room = (area.width as usize).saturating_sub(counts.width() + 1);
    let left = truncate(&text, room);
    let gap = (area.width as usize).saturating_sub(left.width() + counts.width());
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(left, theme::label()),
            Span::raw(" ".repeat(gap)),
            Span::styled(counts, theme::muted()),
        ])),
        area,
    );
}

fn status_text(l: Lang, item: &Item) -> String {
    match item.status {
        Some(s) => t(l, s.key()).to_string(),
        None => t(l, "board.open").to_string(),
    }
}

fn table(frame: &mut Frame, area: Rect, app: &App, f: &FollowUps) {
    let l = app.lang;
    let b = &app.board;
    let wide = area.width >= 100;
    let body_rows = area.height.saturating_sub(1) as usize;
    b.page.set(body_rows.max(1));
    let mut offset = b.offset.get().min(b.rows.len().saturating_sub(1));
    if b.selected < offset {
        offset = b.selected;
    } else if body_rows > 0 && b.selected >= offset + body_rows {
        offset = b.selected + 1 - body_rows;
    }
    b.offset.set(offset);

    let mut header = vec![
        "",
        t(l, "board.col_target"),
        t(l, "ui.col_district"),
        t(l, "board.col_strategy"),
        t(l, "board.col_commitment"),
    ];
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Length(11),
        if wide {
            Constraint::Fill(3)
        } else {
            Constraint::Fill(2)
        },
        Constraint::Length(3),
        Constraint::Fill(4),
    ];
    if wide {
        header.push(t(l, "board.col_pic"));
        widths.push(Constraint::Fill(2));
    }
    header.push(t(l, "ui.col_status"));
    widths.push(Constraint::Length(13));
    if wide {
        header.push(t(l, "board.col_visit"));
        widths.push(Constraint::Length(11));
    }
    let rows = b
        .rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(body_rows)
        .map(|(pos, n)| {
            let item = &f.items[*n];
            let v = &f.facts[item.visit];
            let overdue = item.is_overdue(app.today);
            let mark = if overdue {
                "!"
            } else if item.superseded {
                "»"
            } else {
                " "
            };
            let district = if wide {
                format!("{} {}", v.district.code, v.district.name)
            } else {
                v.district.name.clone()
            };
            // A visit an import left in conflict is marked as on the visit list.
            let district = match app.list.conflicts_of(v.id) {
                0 => district,
                n => format!("⚠{n} {district}"),
            };
            let mut cells = vec![
                Cell::from(mark),
                Cell::from(
                    item.target
                        .map(|d| format::date_short(l, d))
                        .unwrap_or_else(|| "—".into()),
                ),
                Cell::from(inert(&district)),
                Cell::from(which_short(l, f.which(item))),
                Cell::from(inert(f.text(item).lines().next().unwrap_or(""))),
            ];
            if wide {
                cells.push(Cell::from(inert(f.person_in_charge(item))));
            }
            cells.push(Cell::from(status_text(l, item)));
            if wide {
                cells.push(Cell::from(format::date_short(l, v.day())));
            }
            let mut row = Row::new(cells);
            if overdue {
                row = row.style(theme::error());
            } else if item.superseded {
                row = row.style(theme::muted());
            }
            if pos == b.selected {
                row = row.style(theme::selected());
            }
            row
        });
    frame.render_widget(
        Table::new(rows, widths)
            .header(Row::new(header).style(theme::header()))
            .column_spacing(1),
        area,
    );
}

fn item_detail(frame: &mut Frame, area: Rect, app: &App, f: &FollowUps, item: &Item) {
    let l = app.lang;
    let v = &f.facts[item.visit];
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!("{} {} ", v.district.code, inert(&v.district.name)),
            theme::label(),
        ),
        Span::raw(tf(
            l,
            "board.from_visit",
            &[&format::date_short(l, v.day()), &t(l, v.status.key())],
        )),
    ])];
    let conflicts = app.list.conflicts_of(v.id);
    if conflicts > 0 {
        lines.push(Line::styled(
            tf(l, "board.in_conflict", &[&conflicts]),
            theme::error(),
        ));
    }
    let field = |key: &str, value: &str| {
        Line::from(vec![
            Span::styled(format!("{}: ", t(l, key)), theme::muted()),
            Span::raw(inert(value)),
        ])
    };
    match item.strategy {
        Some(s) => {
            let s = &v.strategies[s];
            lines.push(field("board.col_strategy_long", &s.text));
            if !s.commitment.is_empty() {
                lines.push(field("board.col_commitment", &s.commitment));
            }
        }
        None => lines.push(field("board.followup", f.text(item))),
    }
    let pic = f.person_in_charge(item);
    let mut last = Vec::new();
    if !pic.is_empty() {
        last.push(format!("{}: {}", t(l, "board.col_pic"), inert(pic)));
    }
    if item.is_overdue(app.today) {
        last.push(format!("! {}", t(l, "board.overdue")));
    }
    if item.superseded {
        last.push(format!("» {}", t(l, "board.superseded")));
    }
    if !last.is_empty() {
        lines.push(Line::raw(last.join(" · ")));
    }
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(
            Block::new()
                .borders(Borders::TOP)
                .title(format!(" {} ", t(l, "board.selected"))),
        ),
        area,
    );
}

fn status_picker(frame: &mut Frame, area: Rect, l: Lang, cursor: usize) {
    let rect = popup(frame, area, 32, StrategyStatus::ALL.len() as u16 + 2);
    let lines: Vec<Line> = StrategyStatus::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let text = format!("{} {}", if i == cursor { "▶" } else { " " }, t(l, s.key()));
            if i == cursor {
                Line::styled(text, theme::selected())
            } else {
                Line::raw(text)
            }
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::new()
                .borders(Borders::ALL)
                .title(format!(" {} ", t(l, "board.status_title"))),
        ),
        rect,
    );
}

fn note_box(frame: &mut Frame, area: Rect, app: &App) {
    let l = app.lang;
    let rect = popup(frame, area, 70, 3);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(l, "board.note_title")));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let input = &app.board.input;
    let room = inner.width.saturating_sub(1) as usize;
    let scroll = input.visual_scroll(room);
    let value: String = input.value().chars().skip(scroll).collect();
    frame.render_widget(Paragraph::new(truncate(&inert(&value), room)), inner);
    if inner.width > 0 && inner.height > 0 {
        let x = inner.x + input.visual_cursor().saturating_sub(scroll) as u16;
        frame.set_cursor_position(Position::new(
            x.min(inner.right().saturating_sub(1)),
            inner.y,
        ));
    }
}
