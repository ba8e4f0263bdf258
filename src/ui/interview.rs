//! The interview screen: the section outline with progress on the left, the current section's
//! questions (or list, or item form) on the right, editors inline where the cursor is.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use super::text::{inert, truncate};
use super::theme;
use crate::app::App;
use crate::app::interview::fields::{self, FieldKind, FieldSpec};
use crate::app::interview::{Editor, Interview, RowRef, Target};
use crate::domain::Visit;
use crate::guide::{Guide, Question, SectionKind, input};
use crate::i18n::{Lang, t, tf};

/// The outline is hidden below this width; the header then says which section is shown.
const OUTLINE_MIN_WIDTH: u16 = 70;
const OUTLINE_WIDTH: u16 = 30;
const TEXTAREA_HEIGHT: usize = 6;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(iv) = &app.interview else { return };
    let guide = &app.guide;
    let body = if area.width >= OUTLINE_MIN_WIDTH {
        let [outline_area, body] =
            Layout::horizontal([Constraint::Length(OUTLINE_WIDTH), Constraint::Fill(1)])
                .areas(area);
        outline(frame, outline_area, app.lang, guide, iv);
        body
    } else {
        area
    };
    section_body(frame, body, app.lang, guide, iv);
    super::interview_popups::draw(frame, area, app, iv);
}

fn outline(frame: &mut Frame, area: Rect, lang: Lang, guide: &Guide, iv: &Interview) {
    let style = if iv.outline {
        theme::key()
    } else {
        theme::muted()
    };
    let block = Block::new().borders(Borders::RIGHT).border_style(style);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let lines: Vec<Line> = guide
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let p = guide.section_progress(s, &iv.visit);
            let count = if s.kind.is_list() {
                format!("{}", s.kind.count(&iv.visit))
            } else {
                format!("{}/{}", p.answered, p.required)
            };
            let drafted = iv
                .drafts
                .iter()
                .any(|d| iv.draft_section(guide, &d.target) == Some(i));
            // An unsaved draft outweighs completeness: it is text waiting to be fixed.
            let mark = if drafted {
                "✎"
            } else if p.is_complete() {
                "✓"
            } else {
                " "
            };
            let key = if i < 9 {
                format!("{}", i + 1)
            } else if i == 9 {
                "0".into()
            } else {
                " ".into()
            };
            let tail = format!(" {count}{mark}");
            let title = truncate(s.title.get(lang), w.saturating_sub(2 + tail.width()));
            let gap = w.saturating_sub(2 + title.width() + tail.width());
            let text = format!("{key} {title}{}{tail}", " ".repeat(gap));
            if i == iv.section {
                Line::styled(text, theme::selected())
            } else {
                Line::raw(text)
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Where, in the body's lines, the cursor and the multi-line editor go.
#[derive(Default)]
struct Marks {
    selected: usize,
    cursor: Option<(usize, u16)>,
    textarea: Option<usize>,
}

fn section_body(frame: &mut Frame, area: Rect, lang: Lang, guide: &Guide, iv: &Interview) {
    let Some(section) = iv.current_section(guide) else {
        return;
    };
    let w = area.width.saturating_sub(1) as usize;
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut marks = Marks::default();
    let header = format!("{}. {}", iv.section + 1, section.title.get(lang));
    lines.push(Line::styled(truncate(&header, w), theme::section()));
    if iv.locked() {
        lines.push(Line::styled(
            truncate(t(lang, "interview.locked"), w),
            theme::error(),
        ));
    }
    if let Some(hint) = &section.hint {
        for l in textwrap::wrap(hint.get(lang), w.max(10)) {
            lines.push(Line::styled(l.into_owned(), theme::muted()));
        }
    }
    lines.push(Line::raw(""));
    match iv.item {
        Some(item) => item_form(
            &mut lines,
            &mut marks,
            lang,
            guide,
            iv,
            section.kind,
            item,
            w,
        ),
        None if section.kind.is_list() => {
            list_rows(&mut lines, &mut marks, lang, iv, section.kind, w);
        }
        None => question_rows(&mut lines, &mut marks, lang, guide, iv, w),
    }
    // Scroll so the selected row (and an open editor under it) stay in view.
    let height = area.height as usize;
    let want_bottom = marks.selected
        + 4
        + if marks.textarea.is_some() {
            TEXTAREA_HEIGHT
        } else {
            0
        };
    let mut scroll = iv.scroll.get();
    if marks.selected < scroll {
        scroll = marks.selected.saturating_sub(1);
    } else if want_bottom > scroll + height {
        scroll = want_bottom.saturating_sub(height);
    }
    scroll = scroll.min(lines.len().saturating_sub(1));
    iv.scroll.set(scroll);
    let visible: Vec<Line> = lines.into_iter().skip(scroll).take(height).collect();
    let inner = Rect {
        x: area.x + 1,
        width: area.width.saturating_sub(1),
        ..area
    };
    frame.render_widget(Paragraph::new(visible), inner);
    if let Some((line, col)) = marks.cursor
        && line >= scroll
        && line < scroll + height
    {
        let x = (inner.x + col).min(inner.right().saturating_sub(1));
        frame.set_cursor_position(Position::new(x, inner.y + (line - scroll) as u16));
    }
    if let (Some(line), Some((_, Editor::Multi { area: ta }))) = (marks.textarea, &iv.editor)
        && line >= scroll
        && line < scroll + height
    {
        let y = inner.y + (line - scroll) as u16;
        let h = (TEXTAREA_HEIGHT as u16).min(inner.bottom().saturating_sub(y));
        let rect = Rect::new(inner.x + 2, y, inner.width.saturating_sub(2), h);
        let mut ta = (**ta).clone();
        ta.set_block(
            Block::new()
                .borders(Borders::LEFT)
                .border_style(theme::key()),
        );
        ta.set_cursor_line_style(Style::new());
        frame.render_widget(&ta, rect);
    }
}

fn question_rows(
    lines: &mut Vec<Line<'static>>,
    marks: &mut Marks,
    lang: Lang,
    guide: &Guide,
    iv: &Interview,
    w: usize,
) {
    let section = &guide.sections[iv.section];
    let problems = guide.check(&iv.visit);
    for (r, row) in iv.rows(guide).iter().enumerate() {
        let RowRef::Question(qi) = row else { continue };
        let q = &section.questions[*qi];
        let selected = r == iv.row;
        if selected {
            marks.selected = lines.len();
        }
        let star = if q.required { " *" } else { "" };
        let label = truncate(&format!("{}{star}", q.label.get(lang)), w.saturating_sub(2));
        lines.push(if selected {
            Line::styled(format!("▶ {label}"), theme::selected())
        } else {
            Line::styled(format!("  {label}"), theme::label())
        });
        let editing = selected
            && iv
                .editor
                .as_ref()
                .is_some_and(|(t, _)| matches!(t, Target::Question(id) if *id == q.id));
        if editing {
            editor_lines(lines, marks, lang, guide, iv, w);
            if q.bind == Some(crate::guide::Bind::Start)
                && let Some((_, Editor::Line { input, .. })) = &iv.editor
                && input.value().is_empty()
            {
                let zone = crate::format::visit_zone(&iv.visit);
                let when = crate::format::datetime_long(lang, &iv.now.with_timezone(&zone));
                lines.push(Line::styled(
                    truncate(
                        &format!("    {}", tf(lang, "meeting.now_hint", &[&when])),
                        w,
                    ),
                    theme::key(),
                ));
            }
            if let Some(hint) = &q.hint {
                for l in textwrap::wrap(hint.get(lang), w.saturating_sub(4).max(10)) {
                    lines.push(Line::styled(format!("    {l}"), theme::muted()));
                }
            }
        } else {
            lines.push(value_line(lang, guide, q, &iv.visit, w));
            let target = crate::domain::DraftTarget::Question(q.id.clone());
            draft_line(lines, lang, guide, iv, &target, w);
        }
        for p in problems
            .iter()
            .filter(|p| p.question.as_deref() == Some(q.id.as_str()))
        {
            if matches!(p.problem, crate::guide::CheckProblem::MissingRequired) && !selected {
                continue;
            }
            lines.push(Line::styled(
                truncate(&format!("    ⚠ {}", p.problem.message(lang)), w),
                theme::error(),
            ));
        }
    }
    if lines.len() <= 4 {
        lines.push(Line::styled(
            t(lang, "interview.no_questions").to_string(),
            theme::muted(),
        ));
    }
}

fn value_line(lang: Lang, guide: &Guide, q: &Question, visit: &Visit, w: usize) -> Line<'static> {
    match guide.value(q, visit) {
        Some(v) => {
            let text = input::display(q, &v, lang, Some(visit)).replace('\n', " ⏎ ");
            Line::raw(truncate(&format!("    {}", inert(&text)), w))
        }
        None => Line::styled("    —".to_string(), theme::muted()),
    }
}

fn list_rows(
    lines: &mut Vec<Line<'static>>,
    marks: &mut Marks,
    lang: Lang,
    iv: &Interview,
    kind: SectionKind,
    w: usize,
) {
    let items = fields::items(&iv.visit, kind);
    for (r, item) in items.iter().enumerate() {
        let selected = r == iv.row;
        if selected {
            marks.selected = lines.len();
        }
        let mut title = fields::title(item, kind);
        if title.is_empty() {
            title = t(lang, "interview.untitled").to_string();
        }
        let extra = match kind {
            SectionKind::Strategies | SectionKind::Obstacles => status_tag(lang, kind, item),
            SectionKind::Handovers => handover_tag(lang, item),
            _ => String::new(),
        };
        let room = w.saturating_sub(2);
        let whole = format!("{:>2}. {extra}{}", r + 1, inert(&title));
        // A handover whose kind and amount do not fit beside the recipient (80 columns) gets
        // them on a second line, so neither the recipient nor the amount is cut.
        let second = (kind == SectionKind::Handovers
            && unicode_width::UnicodeWidthStr::width(whole.as_str()) > room)
            .then(|| {
                let tag = extra
                    .trim_end()
                    .trim_start_matches('[')
                    .trim_end_matches(']');
                truncate(&format!("    {tag}"), room)
            });
        let text = if second.is_some() {
            truncate(&format!("{:>2}. {}", r + 1, inert(&title)), room)
        } else {
            truncate(&whole, room)
        };
        lines.push(if selected {
            Line::styled(format!("▶ {text}"), theme::selected())
        } else {
            Line::raw(format!("  {text}"))
        });
        if let Some(second) = second {
            lines.push(if selected {
                Line::styled(format!("  {second}"), theme::selected())
            } else {
                Line::styled(format!("  {second}"), theme::muted())
            });
        }
    }
    let add_selected = iv.row == items.len();
    if add_selected {
        marks.selected = lines.len();
    }
    let add = format!("  + {}", t(lang, "interview.add_item"));
    lines.push(if add_selected {
        Line::styled(add, theme::selected())
    } else {
        Line::styled(add, theme::muted())
    });
    if kind == SectionKind::Strategies && !iv.open_items.is_empty() {
        lines.push(Line::raw(""));
        let heading = tf(lang, "interview.open_items", &[&iv.open_items.len()]);
        for l in textwrap::wrap(&heading, w.max(20)) {
            lines.push(Line::styled(l.into_owned(), theme::section()));
        }
        for o in &iv.open_items {
            let date = o
                .visit_date
                .map(|d| crate::format::date_long(lang, d))
                .unwrap_or_default();
            let status = o
                .status
                .map(|s| format!(" [{}]", t(lang, s.key())))
                .unwrap_or_default();
            let number = if o.strategy.is_empty() {
                String::new()
            } else {
                format!("{}. ", o.strategy)
            };
            let mut text = format!("  • {date}: {number}{}{status}", inert(&o.text));
            if !o.person_in_charge.is_empty() {
                text.push_str(&format!(" — {}", inert(&o.person_in_charge)));
            }
            if let Some(target) = o.target {
                text.push_str(&format!(" ({})", crate::format::date_long(lang, target)));
            }
            for l in textwrap::wrap(
                &text,
                textwrap::Options::new(w.max(20)).subsequent_indent("    "),
            ) {
                lines.push(Line::raw(l.into_owned()));
            }
        }
    }
    if !iv.undo.is_empty() {
        lines.push(Line::styled(
            format!("  {}", t(lang, "interview.undo_hint")),
            theme::muted(),
        ));
    }
}

/// A handover's kind and amount before its recipient: "[Klaim santunan kematian · Rp42.000.000] ".
fn handover_tag(lang: Lang, item: &Value) -> String {
    let kind: crate::domain::HandoverKind =
        serde_json::from_value(item.get("kind").cloned().unwrap_or(Value::Null))
            .unwrap_or_default();
    let mut tag = t(lang, kind.key()).to_string();
    if let Some(amount) = item.get("amount").and_then(Value::as_i64) {
        tag.push_str(&format!(" · {}", crate::format::rupiah(amount)));
    }
    format!("[{tag}] ")
}

fn status_tag(lang: Lang, kind: SectionKind, item: &Value) -> String {
    match kind {
        SectionKind::Strategies => {
            let status: crate::domain::StrategyStatus =
                serde_json::from_value(item.get("status").cloned().unwrap_or(Value::Null))
                    .unwrap_or_default();
            format!("[{}] ", t(lang, status.key()))
        }
        SectionKind::Obstacles => {
            let sev = item.get("severity").and_then(Value::as_u64).unwrap_or(2) as usize;
            format!("[{}] ", "!".repeat(sev.clamp(1, 3)))
        }
        _ => String::new(),
    }
}

/// An unsaved draft under its field: the text and why it is not a value yet.
fn draft_line(
    lines: &mut Vec<Line<'static>>,
    lang: Lang,
    guide: &Guide,
    iv: &Interview,
    target: &crate::domain::DraftTarget,
    w: usize,
) {
    if let Some(d) = iv.draft(target) {
        let reason = iv.draft_reason(guide, lang, d);
        let text = format!(
            "    ✎ {} — {}",
            inert(&d.text),
            tf(lang, "meeting.draft_unsaved", &[&reason])
        );
        lines.push(Line::styled(truncate(&text, w), theme::error()));
    }
}

#[allow(clippy::too_many_arguments)]
fn item_form(
    lines: &mut Vec<Line<'static>>,
    marks: &mut Marks,
    lang: Lang,
    guide: &Guide,
    iv: &Interview,
    kind: SectionKind,
    item: uuid::Uuid,
    w: usize,
) {
    let all = fields::items(&iv.visit, kind);
    let Some(value) = all.iter().find(|i| fields::item_id(i) == Some(item)) else {
        return;
    };
    let title = fields::title(value, kind);
    lines.push(Line::styled(
        truncate(&format!("› {}", inert(&title)), w),
        theme::label(),
    ));
    for (i, spec) in fields::specs(kind).iter().enumerate() {
        let selected = i == iv.field;
        if selected {
            marks.selected = lines.len();
        }
        let label = truncate(t(lang, spec.label), w.saturating_sub(2));
        lines.push(if selected {
            Line::styled(format!("▶ {label}"), theme::selected())
        } else {
            Line::styled(format!("  {label}"), theme::label())
        });
        let editing = selected
            && iv.editor.as_ref().is_some_and(
                |(t, _)| matches!(t, Target::Field { spec: s, .. } if s.key == spec.key),
            );
        if editing {
            editor_lines(lines, marks, lang, guide, iv, w);
        } else {
            let shown = field_display(
                lang,
                &iv.visit,
                spec,
                value.get(spec.key).unwrap_or(&Value::Null),
            );
            lines.push(if shown.is_empty() {
                Line::styled("    —".to_string(), theme::muted())
            } else {
                Line::raw(truncate(&format!("    {}", inert(&shown)), w))
            });
            let target = crate::domain::DraftTarget::Field {
                item,
                key: spec.key.to_string(),
            };
            draft_line(lines, lang, guide, iv, &target, w);
        }
    }
}

/// A field's value as people read it.
pub fn field_display(lang: Lang, visit: &Visit, spec: &FieldSpec, v: &Value) -> String {
    let attendee = |id: &Value| {
        id.as_str()
            .and_then(|s| s.parse().ok())
            .and_then(|id| visit.attendee(id))
            .map(|a| a.full_name())
            .unwrap_or_default()
    };
    match (&spec.kind, v) {
        (_, Value::Null) => String::new(),
        (FieldKind::Enum(opts), Value::String(s)) => opts
            .iter()
            .find(|(name, _)| name == s)
            .map(|(_, k)| t(lang, k).to_string())
            .unwrap_or_else(|| s.clone()),
        (FieldKind::Severity, Value::Number(n)) => t(
            lang,
            match n.as_u64() {
                Some(1) => "form.severity1",
                Some(3) => "form.severity3",
                _ => "form.severity2",
            },
        )
        .to_string(),
        (FieldKind::Date, Value::String(s)) => s
            .parse()
            .map(|d| crate::format::date_long(lang, d))
            .unwrap_or_else(|_| s.clone()),
        (FieldKind::Money, Value::Number(n)) => {
            n.as_i64().map(crate::format::rupiah).unwrap_or_default()
        }
        (FieldKind::Attendee, id) => attendee(id),
        (FieldKind::Attendees, Value::Array(ids)) => {
            ids.iter().map(attendee).collect::<Vec<_>>().join(", ")
        }
        (FieldKind::Strategy, Value::String(s)) => visit
            .strategies
            .iter()
            .find(|x| x.id.to_string() == *s)
            .map(|x| match x.standard {
                Some(n) => format!("{n}. {}", x.text),
                None => x.text.clone(),
            })
            .unwrap_or_default(),
        (_, Value::String(s)) => s.replace('\n', " ⏎ "),
        (_, Value::Number(n)) => n.to_string(),
        (_, other) => other.to_string(),
    }
}

fn editor_lines(
    lines: &mut Vec<Line<'static>>,
    marks: &mut Marks,
    lang: Lang,
    guide: &Guide,
    iv: &Interview,
    w: usize,
) {
    let Some((_, editor)) = &iv.editor else {
        return;
    };
    match editor {
        Editor::Line {
            input,
            error,
            suggestion,
        } => {
            let room = w.saturating_sub(5).max(1);
            let scroll = input.visual_scroll(room);
            let shown: String = skip_cells(input.value(), scroll);
            marks.cursor = Some((
                lines.len(),
                4 + (input.visual_cursor().saturating_sub(scroll)) as u16,
            ));
            lines.push(Line::from(vec![
                Span::styled("  › ".to_string(), theme::key()),
                Span::raw(truncate(&inert(&shown), room)),
            ]));
            if let Some(e) = error {
                for l in textwrap::wrap(&format!("✗ {e}"), w.saturating_sub(4).max(10)) {
                    lines.push(Line::styled(format!("    {l}"), theme::error()));
                }
            }
            for (i, a) in iv.suggestions_for_current().iter().enumerate() {
                let text = truncate(
                    &format!("    ↳ {} — {}, {}", a.full_name(), a.post, a.organisation),
                    w,
                );
                lines.push(if *suggestion == Some(i) {
                    Line::styled(text, theme::selected())
                } else {
                    Line::styled(text, theme::muted())
                });
            }
            let districts = iv.district_matches(guide);
            for (i, r) in districts.iter().enumerate() {
                // The first is what Enter takes for a typed name, unless another is chosen.
                let chosen = suggestion.map_or(i == 0, |s| s == i);
                let zone = crate::domain::province_offset(&r.code)
                    .map(|z| crate::domain::zone_label(&z))
                    .unwrap_or_default();
                let province = crate::domain::province_name(&r.code).unwrap_or("");
                let text = truncate(&format!("    ↳ {} · {province} · {zone}", r.label()), w);
                lines.push(if chosen {
                    Line::styled(text, theme::selected())
                } else {
                    Line::styled(text, theme::muted())
                });
            }
            if !districts.is_empty() {
                lines.push(Line::styled(
                    format!("    {}", t(lang, "meeting.district_hint")),
                    theme::muted(),
                ));
            }
            if !iv.suggestions_for_current().is_empty() {
                lines.push(Line::styled(
                    format!("    {}", t(lang, "interview.suggest_hint")),
                    theme::muted(),
                ));
            }
        }
        Editor::Multi { .. } => {
            marks.textarea = Some(lines.len());
            for _ in 0..TEXTAREA_HEIGHT {
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(
                format!("    {}", t(lang, "meeting.multi_hint")),
                theme::muted(),
            ));
        }
        Editor::Pick {
            options,
            cursor,
            multi,
            chosen,
            filter,
        } => {
            let shown = editor.visible();
            if !filter.is_empty() {
                let text = if shown.is_empty() {
                    tf(lang, "meeting.pick_none", &[&inert(filter)])
                } else {
                    tf(lang, "meeting.pick_filter", &[&inert(filter)])
                };
                lines.push(Line::styled(
                    truncate(&format!("    {text}"), w),
                    theme::key(),
                ));
            }
            for i in shown {
                let o = &options[i];
                let mark = match (multi, chosen.get(i).copied().unwrap_or(false)) {
                    (true, true) => "[x]",
                    (true, false) => "[ ]",
                    (false, _) if i == *cursor => "(•)",
                    (false, true) => "(·)",
                    (false, false) => "( )",
                };
                let text = truncate(&format!("    {mark} {}", inert(&o.label)), w);
                lines.push(if i == *cursor {
                    Line::styled(text, theme::selected())
                } else {
                    Line::raw(text)
                });
            }
            if options.is_empty() {
                lines.push(Line::styled(
                    format!("    {}", t(lang, "interview.no_options")),
                    theme::muted(),
                ));
            }
            if *multi {
                lines.push(Line::styled(
                    format!("    {}", t(lang, "interview.multi_pick_hint")),
                    theme::muted(),
                ));
            }
        }
    }
}

fn skip_cells(s: &str, cells: usize) -> String {
    let mut skipped = 0;
    let mut out = String::new();
    for c in s.chars() {
        if skipped < cells {
            skipped += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            continue;
        }
        out.push(c);
    }
    out
}

/// The title line's text for the interview.
pub fn title(lang: Lang, iv: &Interview) -> String {
    let v = &iv.visit;
    let district = if v.district.code.is_empty() {
        t(lang, "interview.new_visit").to_string()
    } else {
        format!("{} {}", v.district.code, v.district.name)
    };
    // Unsaved work leads: on a narrow terminal the end of the title is cut off.
    let mut s = if iv.unsaved {
        format!("{} · ", t(lang, "interview.unsaved"))
    } else {
        String::new()
    };
    s.push_str(&format!(
        "{} {district} · {}",
        t(lang, "interview.title"),
        t(lang, v.status.key())
    ));
    if let Some(f) = &v.finalisation
        && iv.locked()
    {
        s.push_str(&format!(
            " · {}",
            tf(
                lang,
                "interview.digest",
                &[&f.digest.get(..12).unwrap_or("")]
            )
        ));
    }
    s
}
