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
            Span::raw(t(l, &action.catalogue_label()).to_string()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        t(l, "ui.help_search").to_string(),
        theme::section(),
    ));
    lines.push(Line::raw(t(l, "ui.search_hint").to_string()));
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
    let Confirm::Delete { label, .. } = c;
    let text = vec![
        Line::raw(tf(l, "ui.confirm_delete", &[&inert(label)])),
        Line::raw(""),
        Line::styled(t(l, "ui.confirm_delete_note").to_string(), theme::muted()),
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
    let rect = popup(frame, area, 56, 9);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(l, "ui.confirm_title")));
    frame.render_widget(
        Paragraph::new(text).block(block).wrap(Wrap { trim: true }),
        rect,
    );
}

/// The fields two laptops changed differently, each with the values to choose from.
pub fn conflicts(frame: &mut Frame, area: Rect, app: &App, cursor: usize) {
    let l = app.lang;
    let Some(v) = app.detail.as_ref().and_then(|d| d.visit.as_ref()) else {
        return;
    };
    let rect = popup(frame, area, 76, area.height);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(l, "ui.conflicts_title")));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let w = inner.width as usize;
    let mut lines = Vec::new();
    let mut selected_line = 0;
    let mut i = 0;
    for c in &v.conflicts {
        lines.push(Line::styled(
            crate::ui::text::truncate(&c.path, w),
            theme::section(),
        ));
        for cand in &c.candidates {
            let value = match &cand.value {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => t(l, "ui.conflict_removed").to_string(),
            };
            let text = crate::ui::text::truncate(
                &format!(
                    "  {} — {}, {}",
                    inert(&value),
                    inert(&cand.actor),
                    cand.at.format("%Y-%m-%d %H:%M UTC")
                ),
                w,
            );
            if i == cursor {
                selected_line = lines.len();
                lines.push(Line::styled(text, theme::selected()));
            } else {
                lines.push(Line::raw(text));
            }
            i += 1;
        }
    }
    let h = inner.height as usize;
    let skip = selected_line.saturating_sub(h.saturating_sub(1));
    let visible: Vec<Line> = lines.into_iter().skip(skip).take(h).collect();
    frame.render_widget(Paragraph::new(visible), inner);
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
