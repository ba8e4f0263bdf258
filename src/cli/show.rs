//! Plain-text rendering of one visit for `pantau show`.

use std::fmt::Write;

use crate::domain::{Attendee, Visit};
use crate::format;
use crate::i18n::{Lang, t};

pub fn render(lang: Lang, v: &Visit) -> String {
    let mut o = String::new();
    let l = |k| t(lang, k);
    let _ = writeln!(
        o,
        "{} {} — {} {}",
        l("show.visit"),
        v.id,
        v.district.code,
        v.district.name
    );
    let field = |o: &mut String, key: &'static str, value: &str| {
        if !value.is_empty() {
            let _ = writeln!(o, "  {:<18} {value}", format!("{}:", t(lang, key)));
        }
    };
    field(&mut o, "show.province", &v.district.province);
    let start = v
        .start
        .map(|s| format::datetime_long(lang, &s))
        .unwrap_or_default();
    field(&mut o, "show.start", &start);
    field(&mut o, "show.venue", &v.venue);
    field(&mut o, "show.kind", l(v.kind.key()));
    field(&mut o, "show.purpose", &v.purpose);
    field(&mut o, "show.instruction", &v.instruction);
    field(&mut o, "show.team", &v.team.join(", "));
    field(&mut o, "show.status", l(v.status.key()));
    field(&mut o, "show.revision", &v.revision.to_string());
    if let Some(f) = &v.finalisation {
        field(&mut o, "show.digest", &f.digest);
    }
    field(&mut o, "show.source", &v.source);

    section(&mut o, lang, "show.attendees", v.attendees.is_empty());
    for a in &v.attendees {
        let _ = writeln!(
            o,
            "  - {} — {}, {} [{}]",
            a.full_name(),
            a.post,
            a.organisation,
            l(a.side.key())
        );
    }
    section(&mut o, lang, "show.obstacles", v.obstacles.is_empty());
    for ob in &v.obstacles {
        let by = ob
            .raised_by
            .and_then(|id| v.attendee(id))
            .map(Attendee::full_name);
        let _ = writeln!(
            o,
            "  - [{}] {} ({} {})",
            l(ob.category.key()),
            ob.description,
            l("show.severity"),
            ob.severity
        );
        if let Some(by) = by {
            let _ = writeln!(o, "    {}: {by}", l("show.raised_by"));
        }
    }
    section(&mut o, lang, "show.strategies", v.strategies.is_empty());
    for s in &v.strategies {
        let n = s
            .standard
            .map(|n| format!("{n}. "))
            .unwrap_or_else(|| "* ".into());
        let _ = writeln!(o, "  {n}{} [{}]", s.text, l(s.status.key()));
        for (key, value) in [
            ("show.commitment", s.commitment.clone()),
            ("show.person_in_charge", s.person_in_charge.clone()),
            (
                "show.target_date",
                s.target_date
                    .map(|d| format::date_long(lang, d))
                    .unwrap_or_default(),
            ),
            ("show.evidence", s.evidence.clone()),
        ] {
            if !value.is_empty() {
                let _ = writeln!(o, "     {}: {value}", l(key));
            }
        }
    }
    section(&mut o, lang, "show.handovers", v.handovers.is_empty());
    for h in &v.handovers {
        let _ = writeln!(o, "  - {}: {}", l(h.kind.key()), h.recipient);
        let by: Vec<String> = h
            .handed_by
            .iter()
            .filter_map(|id| v.attendee(*id))
            .map(Attendee::full_name)
            .collect();
        for (key, value) in [
            ("show.subject", h.subject.clone()),
            ("show.employer", h.employer.clone()),
            (
                "show.amount",
                h.amount.map(format::rupiah).unwrap_or_default(),
            ),
            ("show.handed_by", by.join(", ")),
        ] {
            if !value.is_empty() {
                let _ = writeln!(o, "    {}: {value}", l(key));
            }
        }
    }
    section(&mut o, lang, "show.figures", v.figures.is_empty());
    for f in &v.figures {
        let _ = writeln!(
            o,
            "  - {}: {} ({})",
            f.label,
            format::figure(lang, f.value, &f.unit),
            l(f.scope.key())
        );
    }
    let groups = crate::export::answers::groups(crate::guide::builtin(), v, lang);
    section(&mut o, lang, "show.answers", groups.is_empty());
    for g in groups {
        let _ = writeln!(o, "  {}", g.title);
        for r in g.rows {
            let _ = writeln!(o, "    - {}: {}", r.label, r.value);
            if !r.note.is_empty() {
                let _ = writeln!(o, "      {}: {}", l("report.note"), r.note);
            }
        }
    }
    section(&mut o, lang, "show.notes", v.notes.is_empty());
    let zone = format::visit_zone(v);
    for n in &v.notes {
        let at = format::time_of_day(lang, &n.at.with_timezone(&zone));
        let _ = writeln!(o, "  {at}  {}", n.text);
    }
    o
}

fn section(o: &mut String, lang: Lang, key: &'static str, empty: bool) {
    let _ = writeln!(o, "\n{}:", t(lang, key));
    if empty {
        let _ = writeln!(o, "  {}", t(lang, "show.none"));
    }
}
