//! The read-only visit summary: identity, attendees, answers, obstacles, strategies,
//! handovers, figures and the minutes, scrollable.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::text::{inert, pad};
use super::theme;
use crate::app::App;
use crate::domain::{Attendee, Visit};
use crate::format;
use crate::guide::Guide;
use crate::i18n::{Lang, t};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(d) = &app.detail else { return };
    let Some(v) = &d.visit else {
        frame.render_widget(
            Paragraph::new(t(app.lang, "ui.loading")).style(theme::muted()),
            area,
        );
        return;
    };
    let mut all = lines(app.lang, &app.guide, v, area.width as usize);
    if v.in_conflict() {
        all.insert(0, conflict_banner(app, v));
    }
    let para = Paragraph::new(all).wrap(Wrap { trim: false });
    let total = para.line_count(area.width);
    let max = total.saturating_sub(area.height as usize);
    let scroll = d.scroll.get().min(max);
    d.scroll.set(scroll);
    d.page.set((area.height as usize).saturating_sub(1).max(1));
    let scroll = u16::try_from(scroll).unwrap_or(u16::MAX);
    frame.render_widget(para.scroll((scroll, 0)), area);
}

/// "⚠ 2 konflik dari impor: Tempat; Strategi 2 · Komitmen — tekan c untuk memilih".
fn conflict_banner(app: &App, v: &Visit) -> Line<'static> {
    let l = app.lang;
    let fields: Vec<String> = v
        .conflicts
        .iter()
        .map(|c| crate::labels::field_label(l, v, Some(&app.guide), &c.path))
        .collect();
    let key = app.keymap.keys_label(
        crate::keymap::Context::Detail,
        crate::keymap::Action::ShowConflicts,
    );
    Line::styled(
        inert(&crate::i18n::tf(
            l,
            "chain.banner",
            &[&v.conflicts.len(), &fields.join("; "), &key],
        )),
        theme::error(),
    )
}

fn heading(out: &mut Vec<Line<'static>>, lang: Lang, key: &str, count: Option<usize>) {
    out.push(Line::raw(""));
    let text = match count {
        Some(n) => format!("{} ({n})", t(lang, key)),
        None => t(lang, key).to_string(),
    };
    out.push(Line::styled(text, theme::section()));
}

const LABEL_W: usize = 18;

/// A labelled value; long values wrap under the value column, not under the label.
fn field(out: &mut Vec<Line<'static>>, lang: Lang, width: usize, key: &str, value: &str) {
    if value.trim().is_empty() {
        return;
    }
    let room = width.saturating_sub(LABEL_W + 1).max(10);
    for (i, chunk) in textwrap::wrap(&inert(value), room).into_iter().enumerate() {
        let label = if i == 0 {
            pad(t(lang, key), LABEL_W)
        } else {
            " ".repeat(LABEL_W)
        };
        out.push(Line::from(vec![
            Span::styled(label, theme::label()),
            Span::raw(" "),
            Span::raw(chunk.into_owned()),
        ]));
    }
}

/// A bullet item whose continuation lines are indented under its text.
fn wrapped(out: &mut Vec<Line<'static>>, width: usize, tag: &str, text: &str) {
    let opts = textwrap::Options::new(width.max(20))
        .initial_indent("  • ")
        .subsequent_indent("    ");
    for (i, chunk) in textwrap::wrap(&inert(&format!("{tag}{text}")), opts)
        .into_iter()
        .enumerate()
    {
        let style = if i == 0 {
            theme::label()
        } else {
            ratatui::style::Style::new()
        };
        out.push(Line::styled(chunk.into_owned(), style));
    }
}

/// Answers by guide section, with the question labels; answers the guide does not know (another
/// guide version) are listed too, never hidden.
fn answers(out: &mut Vec<Line<'static>>, lang: Lang, guide: &Guide, v: &Visit, width: usize) {
    if !guide.is_for(&v.guide) {
        out.push(Line::raw(""));
        out.push(Line::styled(
            crate::i18n::tf(
                lang,
                "ui.other_guide",
                &[&v.guide.id, &v.guide.version, &guide.version],
            ),
            theme::muted(),
        ));
    }
    for s in guide.sections.iter().filter(|s| !s.kind.is_list()) {
        let answered: Vec<_> = s
            .questions
            .iter()
            .filter(|q| q.bind.is_none())
            .filter_map(|q| guide.value(q, v).map(|a| (q, a)))
            .collect();
        if answered.is_empty() {
            continue;
        }
        out.push(Line::raw(""));
        out.push(Line::styled(
            s.title.get(lang).to_string(),
            theme::section(),
        ));
        for (q, a) in answered {
            let shown = crate::guide::input::display(q, &a, lang, Some(v));
            field_wide(out, width, q.label.get(lang), &shown);
            if let Some(note) = v
                .answers
                .get(&q.id)
                .map(|a| a.note.trim())
                .filter(|n| !n.is_empty())
            {
                out.push(Line::styled(
                    format!("      ✎ {}", inert(note)),
                    theme::muted(),
                ));
            }
        }
    }
    let orphans = guide.orphan_answers(v);
    if !orphans.is_empty() {
        heading(out, lang, "ui.other_answers", Some(orphans.len()));
        for id in orphans {
            let value = v
                .answers
                .get(id)
                .map(|a| serde_json::to_string(&a.value).unwrap_or_default())
                .unwrap_or_default();
            out.push(Line::raw(format!("  {id}: {}", inert(&value))));
        }
    }
}

/// A question and its answer: the label on its own line when long, the answer indented.
fn field_wide(out: &mut Vec<Line<'static>>, width: usize, label: &str, value: &str) {
    let opts = textwrap::Options::new(width.max(20))
        .initial_indent("  ")
        .subsequent_indent("  ");
    for l in textwrap::wrap(&inert(label), opts) {
        out.push(Line::styled(l.into_owned(), theme::label()));
    }
    let opts = textwrap::Options::new(width.max(20))
        .initial_indent("    ")
        .subsequent_indent("    ");
    for l in textwrap::wrap(&inert(value), opts) {
        out.push(Line::raw(l.into_owned()));
    }
}

fn none(out: &mut Vec<Line<'static>>, lang: Lang) {
    out.push(Line::styled(
        format!("  {}", t(lang, "show.none")),
        theme::muted(),
    ));
}

/// The visit as lines; `width` sizes the attendee table columns.
pub fn lines(lang: Lang, guide: &Guide, v: &Visit, width: usize) -> Vec<Line<'static>> {
    let l = |k: &str| t(lang, k).to_string();
    let mut out = Vec::new();
    field(
        &mut out,
        lang,
        width,
        "show.district",
        &format!("{} {}", v.district.code, v.district.name),
    );
    field(&mut out, lang, width, "show.province", &v.district.province);
    let start = v
        .start
        .map(|s| format::datetime_long(lang, &s))
        .unwrap_or_else(|| l("time.unknown"));
    field(&mut out, lang, width, "show.start", &start);
    field(&mut out, lang, width, "show.venue", &v.venue);
    field(&mut out, lang, width, "show.kind", &l(v.kind.key()));
    field(&mut out, lang, width, "show.purpose", &v.purpose);
    field(&mut out, lang, width, "show.instruction", &v.instruction);
    field(&mut out, lang, width, "show.team", &v.team.join(", "));
    field(
        &mut out,
        lang,
        width,
        "show.status",
        &format!(
            "{} · {} {}",
            l(v.status.key()),
            l("show.revision"),
            v.revision
        ),
    );
    if let Some(f) = &v.finalisation {
        field(&mut out, lang, width, "show.digest", &f.digest);
    }
    field(&mut out, lang, width, "show.source", &v.source);

    heading(&mut out, lang, "show.attendees", Some(v.attendees.len()));
    if v.attendees.is_empty() {
        none(&mut out, lang);
    }
    for a in &v.attendees {
        let mut text = a.full_name();
        for part in [&a.post, &a.organisation] {
            if !part.trim().is_empty() {
                text.push_str(" — ");
                text.push_str(part);
            }
        }
        if a.presence == crate::domain::Presence::Represented {
            // "(diwakili Budi)", or "(diwakili)" while the name is not known yet.
            let by = a.represented_by.trim();
            let sep = if by.is_empty() { "" } else { " " };
            text.push_str(&format!(" ({}{sep}{by})", l("presence.represented")));
        }
        wrapped(&mut out, width, &format!("{} · ", l(a.side.key())), &text);
    }

    answers(&mut out, lang, guide, v, width);

    heading(&mut out, lang, "show.obstacles", Some(v.obstacles.len()));
    if v.obstacles.is_empty() {
        none(&mut out, lang);
    }
    for o in &v.obstacles {
        let by = o
            .raised_by
            .and_then(|id| v.attendee(id))
            .map(Attendee::full_name)
            .unwrap_or_default();
        out.push(Line::from(vec![
            Span::styled(
                format!("  [{}] ", "!".repeat(o.severity.clamp(1, 3) as usize)),
                theme::error(),
            ),
            Span::styled(format!("{}: ", l(o.category.key())), theme::label()),
            Span::raw(inert(&o.description)),
        ]));
        if !by.is_empty() {
            out.push(Line::styled(
                format!("      {}: {}", l("show.raised_by"), inert(&by)),
                theme::muted(),
            ));
        }
    }

    heading(&mut out, lang, "show.strategies", Some(v.strategies.len()));
    if v.strategies.is_empty() {
        none(&mut out, lang);
    }
    for s in &v.strategies {
        let n = s
            .standard
            .map(|n| format!("{n}."))
            .unwrap_or_else(|| "*".into());
        out.push(Line::from(vec![
            Span::raw(format!("  {n} ")),
            Span::styled(format!("[{}] ", l(s.status.key())), theme::key()),
            Span::raw(inert(&s.text)),
        ]));
        let target = s
            .target_date
            .map(|d| format::date_long(lang, d))
            .unwrap_or_default();
        for (key, value) in [
            ("show.commitment", s.commitment.as_str()),
            ("show.person_in_charge", s.person_in_charge.as_str()),
            ("show.target_date", target.as_str()),
            ("show.evidence", s.evidence.as_str()),
        ] {
            if !value.is_empty() {
                out.push(Line::styled(
                    format!("      {}: {}", l(key), inert(value)),
                    theme::muted(),
                ));
            }
        }
    }

    heading(&mut out, lang, "show.handovers", Some(v.handovers.len()));
    if v.handovers.is_empty() {
        none(&mut out, lang);
    }
    for h in &v.handovers {
        let amount = h
            .amount
            .map(|a| format!(" · {}", format::rupiah(a)))
            .unwrap_or_default();
        out.push(Line::raw(format!(
            "  • {}: {}{amount}",
            l(h.kind.key()),
            inert(&h.recipient)
        )));
        let by: Vec<String> = h
            .handed_by
            .iter()
            .filter_map(|id| v.attendee(*id))
            .map(Attendee::full_name)
            .collect();
        if !h.employer.is_empty() {
            out.push(Line::styled(
                format!("      {}: {}", l("show.employer"), inert(&h.employer)),
                theme::muted(),
            ));
        }
        if !by.is_empty() {
            out.push(Line::styled(
                format!("      {}: {}", l("show.handed_by"), inert(&by.join(", "))),
                theme::muted(),
            ));
        }
    }

    if !v.figures.is_empty() {
        heading(&mut out, lang, "show.figures", Some(v.figures.len()));
        for f in &v.figures {
            let value = format::figure(lang, f.value, &f.unit);
            out.push(Line::raw(format!(
                "  • {}: {value} ({})",
                inert(&f.label),
                l(f.scope.key())
            )));
        }
    }

    heading(&mut out, lang, "show.notes", Some(v.notes.len()));
    if v.notes.is_empty() {
        none(&mut out, lang);
    }
    // Note times in the visit's own zone, as the interview stamped them.
    let zone = format::visit_zone(v);
    for n in &v.notes {
        let opts = textwrap::Options::new(width.max(20)).subsequent_indent("        ");
        let at = crate::format::time_of_day(lang, &n.at.with_timezone(&zone));
        let text = format!("  {at} {}", inert(&n.text));
        for (i, chunk) in textwrap::wrap(&text, opts).into_iter().enumerate() {
            let chunk = chunk.into_owned();
            if i == 0 && chunk.len() >= 8 {
                let (time, rest) = chunk.split_at(8);
                out.push(Line::from(vec![
                    Span::styled(time.to_string(), theme::key()),
                    Span::raw(rest.to_string()),
                ]));
            } else {
                out.push(Line::raw(chunk));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Presence;

    fn text(v: &Visit) -> String {
        let guide = crate::guide::load_default().unwrap();
        let lines = lines(Lang::Id, &guide, v, 200);
        lines
            .iter()
            .map(|l| {
                l.spans
                    .iter()
                    .map(|s| s.content.as_ref())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_represented_attendee_shows_who_stood_in_or_no_gap_when_unknown() {
        let mut v = crate::demo::karo_visit();
        v.attendees.truncate(1);
        v.attendees[0].presence = Presence::Represented;
        v.attendees[0].represented_by = "Budi".into();
        assert!(text(&v).contains("(diwakili Budi)"), "{}", text(&v));
        v.attendees[0].represented_by = "  ".into();
        assert!(text(&v).contains("(diwakili)"), "{}", text(&v));
    }
}
