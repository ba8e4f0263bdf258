//! The visit list with its search box. Only the rows on screen are built, so drawing costs the
//! same at 10 or 100,000 visits.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Wrap};

use super::text::truncate;
use super::theme;
use crate::app::App;
use crate::app::list::VisitList;
use crate::domain::VisitStatus;
use crate::format;
use crate::i18n::{t, tf};
use crate::search::Hit;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let show_box = app.search.active || !app.search.input.value().is_empty();
    let (search_area, table_area) = if show_box {
        let [s, rest] = Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(area);
        (Some(s), rest)
    } else {
        (None, area)
    };
    if let Some(s) = search_area {
        search_box(frame, s, app);
    }
    if app.list.all.is_empty() {
        let msg = t(app.lang, "ui.empty_list");
        frame.render_widget(
            Paragraph::new(msg).wrap(Wrap { trim: true }),
            table_area.inner(ratatui::layout::Margin::new(2, 1)),
        );
        return;
    }
    if app.list.rows.is_empty() {
        let key = if app.search.pending {
            "ui.searching"
        } else {
            "ui.no_match"
        };
        frame.render_widget(
            Paragraph::new(t(app.lang, key)).style(theme::muted()),
            table_area.inner(ratatui::layout::Margin::new(2, 1)),
        );
        return;
    }
    table(frame, table_area, app);
}

fn search_box(frame: &mut Frame, area: Rect, app: &App) {
    let [input_line, hint_line] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    let prompt = format!("{} ", t(app.lang, "ui.search_prompt"));
    let prompt_w = unicode_width::UnicodeWidthStr::width(prompt.as_str()) as u16;
    let room = input_line.width.saturating_sub(prompt_w + 1) as usize;
    let input = &app.search.input;
    let scroll = input.visual_scroll(room);
    let visible: String = {
        // Skip `scroll` cells from the start, then take what fits.
        let mut skipped = 0;
        let mut out = String::new();
        for c in input.value().chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if skipped < scroll {
                skipped += w;
                continue;
            }
            out.push(c);
        }
        truncate(&out, room)
    };
    let style = if app.search.active {
        theme::key()
    } else {
        theme::label()
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(prompt, style),
            Span::raw(visible),
        ])),
        input_line,
    );
    if app.search.active {
        let x = input_line.x + prompt_w + (input.visual_cursor().saturating_sub(scroll)) as u16;
        frame.set_cursor_position(Position::new(
            x.min(input_line.right().saturating_sub(1)),
            input_line.y,
        ));
    }
    let q = &app.search.query;
    let (hint, style) = if !q.errors.is_empty() {
        (
            tf(app.lang, "ui.search_bad_filter", &[&q.errors.join(" ")]),
            theme::error(),
        )
    } else if let Some((done, total)) = app.search.indexing {
        let pct = (done * 100).checked_div(total).unwrap_or(0).to_string();
        (tf(app.lang, "search2.indexing", &[&pct]), theme::muted())
    } else if app.search.pending {
        (t(app.lang, "ui.searching").to_string(), theme::muted())
    } else {
        (t(app.lang, "search2.hint").to_string(), theme::muted())
    };
    frame.render_widget(
        Paragraph::new(truncate(&hint, hint_line.width as usize)).style(style),
        hint_line,
    );
}

/// The "matched in" cell: the field, then the words around the match with the match marked
/// (or, for results beyond those given a snippet, the word that matched).
fn matched_in(l: crate::i18n::Lang, hit: &Hit) -> Line<'static> {
    let mut spans = vec![Span::styled(
        format!("{}: ", t(l, hit.field.key())),
        theme::muted(),
    )];
    match &hit.snippet {
        Some(s) => {
            let (a, b) = s.mark;
            let part = |r: std::ops::Range<usize>| super::text::inert(s.text.get(r).unwrap_or(""));
            spans.push(Span::raw(part(0..a)));
            spans.push(Span::styled(part(a..b), theme::matched()));
            spans.push(Span::raw(part(b..s.text.len())));
        }
        None => spans.push(Span::styled(
            super::text::inert(&hit.words.join(" ")),
            theme::matched(),
        )),
    }
    Line::from(spans)
}

fn table(frame: &mut Frame, area: Rect, app: &App) {
    let l = app.lang;
    let list = &app.list;
    let searching = list.rows.first().is_some_and(|r| r.hit.is_some());
    let wide = area.width >= 70;
    let body_rows = area.height.saturating_sub(1) as usize;
    list.page.set(body_rows.max(1));
    // Keep the cursor in view, moving the window only as far as needed.
    let mut offset = list.offset.get().min(list.rows.len().saturating_sub(1));
    if list.selected < offset {
        offset = list.selected;
    } else if body_rows > 0 && list.selected >= offset + body_rows {
        offset = list.selected + 1 - body_rows;
    }
    list.offset.set(offset);

    let mut header = vec![t(l, "ui.col_date"), t(l, "ui.col_district")];
    let mut widths = vec![Constraint::Length(22), Constraint::Fill(2)];
    if searching {
        header.push(t(l, "ui.col_match"));
        widths.push(Constraint::Fill(2));
    } else if wide {
        header.extend([
            t(l, "ui.col_kind"),
            t(l, "ui.col_attendees"),
            t(l, "ui.col_obstacles"),
        ]);
        widths.extend([
            Constraint::Length(14),
            Constraint::Length(4),
            Constraint::Length(4),
        ]);
    }
    header.push(t(l, "ui.col_status"));
    let any_final = list.all.iter().any(|s| s.digest.is_some());
    widths.push(Constraint::Length(if wide && any_final { 15 } else { 6 }));

    let rows = list
        .rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(body_rows)
        .map(|(i, r)| {
            let s = &list.all[r.idx];
            let date = s
                .start
                .map(|d| format::datetime_short(app.lang, &d))
                .unwrap_or_else(|| "—".into());
            let district = Span::raw(super::text::inert(&format!(
                "{} {}",
                s.district.code, s.district.name
            )));
            // A visit an import left in conflict is marked, with how many fields.
            let district = if s.conflicts > 0 {
                Line::from(vec![
                    Span::styled(format!("⚠{} ", s.conflicts), theme::error()),
                    district,
                ])
            } else {
                Line::from(district)
            };
            let mut cells = vec![Cell::from(date), Cell::from(district)];
            if let Some(hit) = VisitList::hit(r, app.search.hits.as_deref()) {
                cells.push(Cell::from(matched_in(l, hit)));
            } else if wide {
                cells.push(Cell::from(t(l, s.kind.key()).to_string()));
                cells.push(Cell::from(format!("{:>3}", s.attendees)));
                cells.push(Cell::from(format!("{:>3}", s.obstacles)));
            }
            let st = match (&s.digest, wide) {
                (Some(d), true) => format!("{} {}", t(l, s.status.key()), d.get(..8).unwrap_or("")),
                _ => t(l, s.status.key()).to_string(),
            };
            cells.push(if s.status == VisitStatus::Final {
                Cell::from(st).style(theme::status_final())
            } else {
                Cell::from(st)
            });
            let row = Row::new(cells);
            if i == list.selected {
                row.style(theme::selected())
            } else {
                row
            }
        });
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme::header()))
        .column_spacing(1);
    frame.render_widget(table, area);
}
