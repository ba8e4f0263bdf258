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

/// The interview's contexts: asked for help from any of them, all of them come first.
const INTERVIEW: [Context; 8] = [
    Context::Interview,
    Context::Field,
    Context::Text,
    Context::Pick,
    Context::Note,
    Context::Goto,
    Context::CheckView,
    Context::Reason,
];

/// Contexts in the order the help lists them: the screen it was asked from first (with the
/// interview's editors when it is the interview), everywhere-keys next, then the rest.
pub fn context_order(current: Context) -> Vec<Context> {
    let mut out = vec![current];
    if INTERVIEW.contains(&current) {
        out.extend(INTERVIEW);
    }
    out.push(Context::Global);
    out.extend(Context::ALL);
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|c| *c != Context::Help && seen.insert(*c));
    out
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let l = app.lang;
    let mut lines = Vec::new();
    let mut last = None;
    let order = context_order(app.context_under_help());
    let mut rows: Vec<_> = app.keymap.rows().collect();
    // Stable: within a context the keymap file's order stays.
    rows.sort_by_key(|(c, _)| order.iter().position(|o| o == c).unwrap_or(usize::MAX));
    for (ctx, action) in rows {
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
            Span::raw(t(l, &action.label_in(ctx)).to_string()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        t(l, "ui.help_search").to_string(),
        theme::section(),
    ));
    lines.push(Line::raw(t(l, "ui.search_hint").to_string()));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        t(l, "ui.help_lock").to_string(),
        theme::section(),
    ));
    let lock_keys = app
        .keymap
        .keys_label(Context::Global, crate::keymap::Action::Lock);
    // Wrapped here (the help scrolls by lines): the popup is 64 wide at most, less its border.
    let wrap_at = usize::from(area.width.min(64).saturating_sub(2)).max(10);
    for part in textwrap::wrap(&tf(l, "ui.help_lock_text", &[&lock_keys]), wrap_at) {
        lines.push(Line::raw(part.into_owned()));
    }
    let rect = popup(frame, area, 64, area.height);
    let inner_h = rect.height.saturating_sub(2) as usize;
    app.help_page.set(inner_h.saturating_sub(1).max(1));
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

/// The menu of the visit's documents, with the format chosen by ←/→.
pub fn documents(frame: &mut Frame, area: Rect, app: &App, cursor: usize, format: usize) {
    let l = app.lang;
    let rect = popup(frame, area, 60, 11);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(l, "documents.menu_title")));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let w = inner.width as usize;
    let mut lines = Vec::new();
    let mut formats = vec![Span::raw(format!("{} ", t(l, "documents.menu_format")))];
    for (i, f) in crate::export::DocFormat::ALL.iter().enumerate() {
        let name = match f {
            crate::export::DocFormat::Html => "HTML",
            crate::export::DocFormat::Docx => "DOCX",
            crate::export::DocFormat::Markdown => "Markdown",
        };
        let label = format!(" {name} ");
        formats.push(if i == format {
            Span::styled(format!("[{label}]"), theme::selected())
        } else {
            Span::raw(format!(" {label} "))
        });
    }
    lines.push(Line::from(formats));
    lines.push(Line::raw(""));
    for (i, (kind, planned)) in crate::app::DOCUMENT_MENU.iter().enumerate() {
        let key = if *planned {
            "documents.kind_daftar_hadir_planned"
        } else {
            kind.key()
        };
        let text = crate::ui::text::truncate(&format!("{}. {}", i + 1, t(l, key)), w);
        lines.push(if i == cursor {
            Line::styled(text, theme::selected())
        } else {
            Line::raw(text)
        });
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        crate::ui::text::truncate(t(l, "documents.menu_where"), w),
        theme::muted(),
    ));
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, has_key, t};

    #[test]
    fn every_heading_and_key_of_the_help_is_translated() {
        let km = crate::keymap::Keymap::shipped();
        let mut keys: Vec<String> = Context::ALL
            .iter()
            .map(|c| format!("context.{}", c.name()))
            .collect();
        keys.extend(km.rows().map(|(_, a)| a.catalogue_label()));
        for key in keys {
            assert!(has_key(&key), "untranslated: {key}");
            assert_ne!(t(Lang::En, &key), t(Lang::Id, &key), "no English for {key}");
        }
    }

    #[test]
    fn the_help_starts_with_the_screen_it_was_asked_from() {
        let order = context_order(Context::Pick);
        assert_eq!(order[0], Context::Pick);
        assert_eq!(order[1], Context::Interview);
        assert!(!order.contains(&Context::Help));
        assert_eq!(order.len(), Context::ALL.len() - 1);
    }
}
