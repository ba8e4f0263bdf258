//! The edit history of one visit: who changed what, when, from what to what, newest first.
//! Fields read as labels ("Strategi 2 · Komitmen") and values as text (names, dates, money).
//! A merge of laptops' histories shows each laptop's own events, in order, under it, so what
//! every laptop did stays visible after an exchange.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::text::inert;
use super::theme;
use crate::app::App;
use crate::domain::{AuditAction, AuditEvent, Visit};
use crate::guide::Guide;
use crate::i18n::{Lang, t, tf};
use crate::labels::{field_label, value_text};

fn short(s: &str) -> String {
    let flat = inert(&s.replace('\n', " ⏎ "));
    if flat.chars().count() > 120 {
        format!("{}…", flat.chars().take(120).collect::<String>())
    } else {
        flat
    }
}

struct Ctx<'a> {
    lang: Lang,
    visit: Option<&'a Visit>,
    guide: &'a Guide,
    /// The visit's zone, which every time is read in.
    zone: chrono::FixedOffset,
}

impl Ctx<'_> {
    fn label(&self, path: &str) -> String {
        match self.visit {
            Some(v) => field_label(self.lang, v, Some(self.guide), path),
            None => path.to_string(),
        }
    }

    fn value(&self, path: &str, value: Option<&serde_json::Value>) -> String {
        match (self.visit, value) {
            (Some(v), _) => short(&value_text(self.lang, v, Some(self.guide), path, value)),
            (None, Some(serde_json::Value::String(s))) => short(s),
            (None, Some(other)) => short(&other.to_string()),
            (None, None) => "∅".into(),
        }
    }
}

fn event_lines(out: &mut Vec<Line<'static>>, cx: &Ctx, e: &AuditEvent, indent: &str) {
    let l = cx.lang;
    let head = format!(
        "{indent}{} · {} · {} · rev {}",
        crate::format::moment(l, &e.at, &cx.zone),
        inert(&e.actor),
        t(l, e.action.key()),
        e.revision
    );
    out.push(Line::styled(head, theme::section()));
    if !e.reason.is_empty() {
        out.push(Line::raw(format!(
            "{indent}  {}: {}",
            t(l, "ui.audit_reason"),
            inert(&e.reason)
        )));
    }
    if let Some(r) = &e.redaction {
        // The item itself is not named: its name is what was erased.
        let kind = if r.list == "attendees" {
            "chain.h_erased_attendee"
        } else {
            "chain.h_erased_handover"
        };
        out.push(Line::raw(format!(
            "{indent}  {}",
            tf(l, kind, &[&r.events.len()])
        )));
    }
    if let Some(s) = &e.settles {
        out.push(Line::raw(format!(
            "{indent}  {}",
            tf(l, "chain.h_settles", &[&cx.label(&s.path)])
        )));
    }
    if !e.branches.is_empty() {
        out.push(Line::styled(
            format!(
                "{indent}  {}",
                tf(l, "chain.h_merged", &[&e.branches.len()])
            ),
            theme::muted(),
        ));
        for b in &e.branches {
            let mut actors: Vec<&str> = b.iter().map(|x| x.actor.as_str()).collect();
            actors.dedup();
            out.push(Line::raw(format!(
                "{indent}  ┆ {}",
                tf(l, "chain.h_branch", &[&inert(&actors.join(", ")), &b.len()])
            )));
            for x in b {
                event_lines(out, cx, x, &format!("{indent}  ┆   "));
            }
        }
        if !e.changes.is_empty() {
            out.push(Line::styled(
                format!("{indent}  {}", t(l, "chain.h_result")),
                theme::muted(),
            ));
        }
    }
    for c in &e.changes {
        if c.path.is_empty() {
            out.push(Line::styled(
                format!("{indent}  {}", t(l, "ui.audit_created")),
                theme::muted(),
            ));
            continue;
        }
        // The conflict records a merge keeps are bookkeeping; the popup shows them.
        if c.path == "conflicts" || c.path.starts_with("conflicts/") {
            continue;
        }
        out.push(Line::raw(format!(
            "{indent}  {}: {} → {}",
            inert(&cx.label(&c.path)),
            cx.value(&c.path, c.old.as_ref()),
            cx.value(&c.path, c.new.as_ref())
        )));
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let l = app.lang;
    let visit = app.detail.as_ref().and_then(|d| d.visit.as_deref());
    let visit = visit.filter(|v| app.audit.events.first().is_some_and(|e| e.visit == v.id));
    let cx = Ctx {
        lang: l,
        visit,
        guide: &app.guide,
        zone: visit
            .map(crate::format::visit_zone)
            .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("UTC is a valid offset")),
    };
    let mut lines = Vec::new();
    for e in app.audit.events.iter().rev() {
        event_lines(&mut lines, &cx, e, "");
        if e.action == AuditAction::Import && e.branches.is_empty() && e.changes.is_empty() {
            lines.push(Line::styled("  —".to_string(), theme::muted()));
        }
        lines.push(Line::raw(""));
    }
    if lines.is_empty() {
        lines.push(Line::styled(t(l, "ui.loading").to_string(), theme::muted()));
    }
    let para = Paragraph::new(lines).wrap(Wrap { trim: false });
    let total = para.line_count(area.width);
    let max = total.saturating_sub(area.height as usize);
    let scroll = app.audit.scroll.get().min(max);
    app.audit.scroll.set(scroll);
    app.audit
        .page
        .set((area.height as usize).saturating_sub(1).max(1));
    frame.render_widget(
        para.scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
        area,
    );
}
