//! The interview's popups: go-to, the completeness check, the quick note, a reason, and the
//! finalise confirmation.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use tui_input::Input;

use super::text::{inert, truncate};
use super::{popup, theme};
use crate::app::App;
use crate::app::interview::{Interview, Popup, ReasonFor, goto_matches};
use crate::i18n::{Lang, t};
use crate::keymap::{Action, Context};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, iv: &Interview) {
    let lang = app.lang;
    match &iv.popup {
        None => {}
        Some(Popup::Goto { input, cursor }) => {
            let matches = goto_matches(&app.guide, lang, input.value());
            let rect = popup(frame, area, 70, area.height.saturating_sub(2).max(6));
            let inner = boxed(frame, rect, t(lang, "interview.goto_title"));
            let w = inner.width as usize;
            let mut lines = vec![Line::raw("")];
            let visible = (inner.height as usize).saturating_sub(2);
            let offset = cursor.saturating_sub(visible.saturating_sub(1));
            for (i, m) in matches.iter().enumerate().skip(offset).take(visible) {
                let text = truncate(&m.label, w);
                lines.push(if i == *cursor {
                    Line::styled(text, theme::selected())
                } else {
                    Line::raw(text)
                });
            }
            if matches.is_empty() {
                lines.push(Line::styled(
                    t(lang, "interview.goto_none").to_string(),
                    theme::muted(),
                ));
            }
            frame.render_widget(Paragraph::new(lines), inner);
            input_line(frame, inner, input, "› ");
        }
        Some(Popup::Check { cursor }) => {
            let items = app.guide.check(&iv.visit);
            let problems = iv.visit.problems();
            let rect = popup(frame, area, 76, area.height.saturating_sub(2).max(6));
            let inner = boxed(frame, rect, t(lang, "interview.check_title"));
            let w = inner.width as usize;
            let mut lines = Vec::new();
            let mut entries: Vec<String> = drafts_text(app, iv);
            let ndrafts = entries.len();
            if items.is_empty() && problems.is_empty() && ndrafts == 0 {
                lines.push(Line::styled(
                    t(lang, "interview.check_clean").to_string(),
                    theme::ok(),
                ));
            }
            let visible = inner.height as usize;
            let offset = cursor.saturating_sub(visible.saturating_sub(1));
            for item in &items {
                let section = app
                    .guide
                    .section(&item.section)
                    .map(|s| s.title.get(lang))
                    .unwrap_or(&item.section);
                let question = item
                    .question
                    .as_deref()
                    .and_then(|q| app.guide.question(q))
                    .map(|(_, q)| q.label.get(lang))
                    .unwrap_or("");
                let place = if question.is_empty() {
                    section.to_string()
                } else {
                    format!("{section} › {question}")
                };
                entries.push(format!("{place}: {}", item.problem.message(lang)));
            }
            for (i, text) in entries.iter().enumerate().skip(offset).take(visible) {
                let text = truncate(text, w);
                lines.push(if i == *cursor {
                    Line::styled(text, theme::selected())
                } else if i < ndrafts {
                    Line::styled(text, theme::error())
                } else {
                    Line::raw(text)
                });
            }
            for p in &problems {
                lines.push(Line::styled(
                    truncate(
                        &format!("⚠ {}", crate::i18n::tf(lang, p.key(), &[&p.subject()])),
                        w,
                    ),
                    theme::error(),
                ));
            }
            frame.render_widget(Paragraph::new(lines), inner);
        }
        Some(Popup::Note { input }) => {
            let rect = popup(frame, area, 72, 7);
            let inner = boxed(frame, rect, t(lang, "interview.note_title"));
            let section = iv
                .current_section(&app.guide)
                .map(|s| s.title.get(lang))
                .unwrap_or("");
            let zone = crate::format::visit_zone(&iv.visit);
            let time = crate::format::time_of_day(lang, &iv.now.with_timezone(&zone));
            let lines = vec![
                Line::raw(""),
                Line::raw(""),
                Line::styled(
                    truncate(&format!("{time} · {section}"), inner.width as usize),
                    theme::muted(),
                ),
                Line::styled(
                    truncate(&keys_hint(app, Context::Note, lang), inner.width as usize),
                    theme::muted(),
                ),
            ];
            frame.render_widget(Paragraph::new(lines), inner);
            input_line(
                frame,
                Rect {
                    y: inner.y + 1,
                    ..inner
                },
                input,
                "› ",
            );
        }
        Some(Popup::Reason { input, purpose }) => {
            let (title, explain) = match purpose {
                ReasonFor::Finalise => (
                    "interview.reason_finalise_title",
                    "interview.reason_finalise",
                ),
                ReasonFor::Amend => ("interview.reason_amend_title", "interview.reason_amend"),
            };
            let drafts = match purpose {
                ReasonFor::Finalise => drafts_text(app, iv),
                ReasonFor::Amend => vec![],
            };
            let rect = popup(frame, area, 72, 9 + drafts.len().min(4) as u16);
            let inner = boxed(frame, rect, t(lang, title));
            // Unsaved drafts first: finalising would leave their text out of the visit.
            let mut lines: Vec<Line> = drafts
                .iter()
                .take(4)
                .map(|d| Line::styled(truncate(d, inner.width as usize), theme::error()))
                .collect();
            lines.push(Line::raw(t(lang, explain).to_string()));
            lines.push(Line::raw(""));
            lines.push(Line::raw(""));
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
            let y = inner.y + inner.height.saturating_sub(2);
            input_line(
                frame,
                Rect {
                    y,
                    height: 1,
                    ..inner
                },
                input,
                "› ",
            );
        }
        Some(Popup::Notes { cursor }) => {
            let rect = popup(frame, area, 76, area.height.saturating_sub(2).max(6));
            let inner = boxed(frame, rect, t(lang, "meeting.notes_title"));
            let w = inner.width as usize;
            let zone = crate::format::visit_zone(&iv.visit);
            let mut lines = Vec::new();
            if iv.visit.notes.is_empty() {
                lines.push(Line::styled(
                    t(lang, "meeting.notes_empty").to_string(),
                    theme::muted(),
                ));
            }
            let visible = inner.height as usize;
            let offset = cursor.saturating_sub(visible.saturating_sub(1));
            for (i, n) in iv.visit.notes.iter().enumerate().skip(offset).take(visible) {
                // Indonesian time in the visit's own zone: 09.45.
                let time = crate::format::time_of_day(lang, &n.at.with_timezone(&zone));
                let section = n
                    .section
                    .as_deref()
                    .and_then(|s| app.guide.section(s))
                    .map(|s| s.title.get(lang))
                    .unwrap_or("");
                let text = truncate(&format!("{time} · {section} · {}", inert(&n.text)), w);
                lines.push(if i == *cursor {
                    Line::styled(text, theme::selected())
                } else {
                    Line::raw(text)
                });
            }
            frame.render_widget(Paragraph::new(lines), inner);
        }
        Some(Popup::ConfirmFinal) => {
            let rect = popup(frame, area, 64, 8);
            let inner = boxed(frame, rect, t(lang, "interview.finalise_title"));
            let lines = vec![
                Line::raw(t(lang, "interview.finalise_confirm").to_string()),
                Line::raw(""),
                Line::from(vec![
                    Span::styled(
                        app.keymap.keys_label(Context::Confirm, Action::Yes),
                        theme::key(),
                    ),
                    Span::raw(format!(" {}   ", t(lang, "action.yes"))),
                    Span::styled(
                        app.keymap.keys_label(Context::Confirm, Action::No),
                        theme::key(),
                    ),
                    Span::raw(format!(" {}", t(lang, "action.no"))),
                ]),
            ];
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
        }
    }
}

/// The unsaved drafts as the check view lists them: place, text, reason.
fn drafts_text(app: &App, iv: &Interview) -> Vec<String> {
    let lang = app.lang;
    iv.drafts
        .iter()
        .map(|d| {
            let section = iv
                .draft_section(&app.guide, &d.target)
                .and_then(|i| app.guide.sections.get(i))
                .map(|s| s.title.get(lang))
                .unwrap_or("");
            let label = match &d.target {
                crate::domain::DraftTarget::Question(q) => app
                    .guide
                    .question(q)
                    .map(|(_, q)| q.label.get(lang).to_string())
                    .unwrap_or_default(),
                crate::domain::DraftTarget::Field { key, .. } => {
                    let spec = crate::app::interview::fields::specs(
                        app.guide
                            .sections
                            .get(iv.draft_section(&app.guide, &d.target).unwrap_or(0))
                            .map_or(crate::guide::SectionKind::Questions, |s| s.kind),
                    )
                    .into_iter()
                    .find(|s| s.key == key);
                    spec.map(|s| t(lang, s.label).to_string())
                        .unwrap_or_default()
                }
                crate::domain::DraftTarget::Note(_) => String::new(),
            };
            let reason = iv.draft_reason(&app.guide, lang, d);
            format!(
                "✎ {section} › {label}: {} — \"{}\"",
                crate::i18n::tf(lang, "meeting.draft_unsaved", &[&reason]),
                inert(&d.text)
            )
        })
        .collect()
}

fn boxed(frame: &mut Frame, rect: Rect, title: &str) -> Rect {
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme::key())
        .title(format!(" {title} "));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    inner
}

/// A one-line input on the first row of `area`, with the terminal cursor in it.
fn input_line(frame: &mut Frame, area: Rect, input: &Input, prompt: &str) {
    if area.height == 0 || area.width < 3 {
        return;
    }
    let room = (area.width as usize)
        .saturating_sub(prompt.len() + 1)
        .max(1);
    let scroll = input.visual_scroll(room);
    let shown: String = {
        let mut skipped = 0;
        input
            .value()
            .chars()
            .filter(|c| {
                if skipped < scroll {
                    skipped += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
                    false
                } else {
                    true
                }
            })
            .collect()
    };
    let line = Line::from(vec![
        Span::styled(prompt.to_string(), theme::key()),
        Span::raw(truncate(&inert(&shown), room)),
    ]);
    frame.render_widget(Paragraph::new(line), Rect { height: 1, ..area });
    let x = area.x + prompt.len() as u16 + input.visual_cursor().saturating_sub(scroll) as u16;
    frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
}

fn keys_hint(app: &App, ctx: Context, lang: Lang) -> String {
    app.keymap
        .bar(ctx)
        .into_iter()
        .map(|(k, a)| format!("{k} {}", t(lang, &a.catalogue_label())))
        .collect::<Vec<_>>()
        .join("  ")
}
