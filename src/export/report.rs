//! The visit report ("Laporan Kunjungan") as a language-aware document model; `md` and `html`
//! only lay it out. All text comes from the catalogue or from the visit itself.

use chrono::{DateTime, Utc};

use crate::domain::{AnswerValue, AuditAction, AuditEvent, StrategyStatus, Visit, VisitStatus};
use crate::format;
use crate::guide::Guide;
use crate::i18n::{Lang, t, tf};
use crate::labels::{field_label, value_text};

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub lang: Lang,
    pub title: String,
    pub subtitle: String,
    /// "DRAF" for a draft visit, empty for a final one.
    pub stamp: String,
    pub sections: Vec<Section>,
    pub footer: String,
    /// A formal document (Berita Acara, Notulen, Daftar Hadir): title centred, in capitals.
    pub formal: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Label–value pairs.
    Fields(Vec<(String, String)>),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Subheading(String),
    Paragraph(String),
    /// "(none)" and similar remarks.
    Remark(String),
    /// Something the reader must notice (open conflicts).
    Warning(String),
    /// Signature blocks side by side: caption, room to sign, name, position, NIP line.
    Signatures(Vec<Signature>),
    /// An attendance list whose last column is signed: numbers alternate left and right so
    /// that neighbours do not sign over each other, as on the usual printed form.
    Attendance {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

/// The number in the signature column of attendance row `i` (0-based) and whether it stands
/// on the left: 1 left, 2 right, 3 left…
pub fn sign_number(i: usize) -> (usize, bool) {
    (i + 1, i.is_multiple_of(2))
}

#[derive(Debug, Clone, PartialEq)]
pub struct Signature {
    /// "Bupati Karo," / "Ketua Tim Kunjungan,".
    pub caption: String,
    pub name: String,
    pub position: String,
    /// "NIP. ……" for the signatory to complete, or empty.
    pub nip: String,
}

/// Guide sections, in interview order, with their catalogue titles.
const SECTIONS: [(&str, &str); 10] = [
    ("identitas", "report.sec_identitas"),
    ("peserta", "report.sec_peserta"),
    ("regulasi_anggaran", "report.sec_regulasi_anggaran"),
    ("kepesertaan_non_asn", "report.sec_kepesertaan_non_asn"),
    ("pekerja_rentan", "report.sec_pekerja_rentan"),
    ("ptsp_kepatuhan", "report.sec_ptsp_kepatuhan"),
    ("kendala", "report.sec_kendala"),
    ("strategi", "report.sec_strategi"),
    ("serah_terima", "report.sec_serah_terima"),
    ("tindak_lanjut", "report.sec_tindak_lanjut"),
];

/// The title of a guide section id, or the id itself when it is not a known one.
pub fn section_title(lang: Lang, id: &str) -> String {
    SECTIONS
        .iter()
        .find(|(s, _)| *s == id)
        .map_or_else(|| id.to_string(), |(_, k)| t(lang, k).to_string())
}

/// The guide's title of section `id`, else the catalogue's.
pub fn guide_section_title(guide: &Guide, lang: Lang, id: &str) -> String {
    guide.sections.iter().find(|s| s.id == id).map_or_else(
        || section_title(lang, id),
        |s| s.title.get(lang).to_string(),
    )
}

/// An answer as written in the report: with its unit, and a ratio with its percentage.
pub fn answer_text(lang: Lang, v: &Visit, a: &AnswerValue) -> String {
    match a {
        AnswerValue::YesPartialNo(y) => t(lang, y.key()).to_string(),
        AnswerValue::Number(n) => group(lang, *n),
        AnswerValue::Percentage(p) => format::percent(lang, *p),
        AnswerValue::Ratio { part, whole } => match a.percent() {
            Some(p) => tf(
                lang,
                "report.ratio",
                &[
                    &group(lang, *part),
                    &group(lang, *whole),
                    &format::percent(lang, p),
                ],
            ),
            None => tf(
                lang,
                "report.ratio_no_whole",
                &[&group(lang, *part), &group(lang, *whole)],
            ),
        },
        AnswerValue::Money(m) => format::rupiah(*m),
        AnswerValue::Date(d) => format::date_long(lang, *d),
        AnswerValue::DateTime(d) => format::datetime_long(lang, d),
        AnswerValue::Text(s) | AnswerValue::Choice(s) => s.clone(),
        AnswerValue::Choices(c) => c.join(", "),
        AnswerValue::Attendee(id) => v
            .attendee(*id)
            .map_or_else(|| id.to_string(), |a| a.full_name()),
    }
}

/// 1234567 → "1.234.567" in Indonesian, "1,234,567" in English.
fn group(lang: Lang, n: i64) -> String {
    format::count(lang, n)
}

/// "14.10" in Indonesian, "14:10" in English.
fn clock(lang: Lang, at: &chrono::DateTime<chrono::FixedOffset>) -> String {
    match lang {
        Lang::Id => at.format("%H.%M").to_string(),
        Lang::En => at.format("%H:%M").to_string(),
    }
}

fn or_dash(s: &str) -> String {
    if s.trim().is_empty() {
        "–".to_string()
    } else {
        s.to_string()
    }
}

/// The report of `v` read with the built-in guide (see [`build_with`]).
pub fn build(v: &Visit, history: &[AuditEvent], lang: Lang, generated: DateTime<Utc>) -> Report {
    build_with(crate::guide::builtin(), v, history, lang, generated)
}

/// The report of `v`, its answers labelled by `guide`.
pub fn build_with(
    guide: &Guide,
    v: &Visit,
    history: &[AuditEvent],
    lang: Lang,
    generated: DateTime<Utc>,
) -> Report {
    let l = |k: &'static str| t(lang, k).to_string();
    let none = || Block::Remark(l("show.none"));
    let mut sections = Vec::new();
    let name_of = |id| v.attendee(id).map(|a| a.full_name()).unwrap_or_default();

    // Identity
    let start = v
        .start
        .map(|s| format::datetime_long(lang, &s))
        .unwrap_or_else(|| l("time.unknown"));
    let mut fields = vec![
        (
            l("show.district"),
            format!("{} ({})", v.district.name, v.district.code),
        ),
        (l("show.province"), v.district.province.clone()),
        (l("show.start"), start),
        (l("show.venue"), or_dash(&v.venue)),
        (l("show.kind"), l(v.kind.key())),
        (l("show.purpose"), or_dash(&v.purpose)),
        (l("show.instruction"), v.instruction.clone()),
        (l("show.team"), or_dash(&v.team.join(", "))),
        (l("show.status"), l(v.status.key())),
        (l("show.revision"), v.revision.to_string()),
    ];
    if !v.source.is_empty() {
        fields.push((l("show.source"), v.source.clone()));
    }
    let mut blocks = vec![Block::Fields(fields)];
    if v.in_conflict() {
        blocks.insert(
            0,
            Block::Warning(tf(lang, "report.conflict_warning", &[&v.conflicts.len()])),
        );
    }
    sections.push(Section {
        title: l("report.sec_identitas"),
        blocks,
    });

    // Attendees
    let rows: Vec<Vec<String>> = v
        .attendees
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut presence = l(match a.presence {
                crate::domain::Presence::InPerson => "presence.in_person",
                crate::domain::Presence::Represented => "presence.represented",
            });
            if !a.represented_by.is_empty() {
                presence = format!("{presence}: {}", a.represented_by);
            }
            vec![
                (i + 1).to_string(),
                a.full_name(),
                or_dash(&a.post),
                or_dash(&a.organisation),
                l(a.side.key()),
                presence,
            ]
        })
        .collect();
    sections.push(table_section(
        l("report.sec_peserta"),
        vec![
            l("report.no"),
            l("report.name"),
            l("report.post"),
            l("report.organisation"),
            l("report.side"),
            l("report.presence"),
        ],
        rows,
        none(),
    ));

    // Answers under the guide's sections, then the figures quoted
    let mut blocks = Vec::new();
    let head = vec![l("report.question"), l("report.answer"), l("report.note")];
    for g in super::answers::groups(guide, v, lang) {
        blocks.push(Block::Subheading(g.title));
        blocks.push(Block::Table {
            head: head.clone(),
            rows: g
                .rows
                .into_iter()
                .map(|r| vec![r.label, r.value, r.note])
                .collect(),
        });
    }
    if blocks.is_empty() {
        blocks.push(none());
    }
    if !v.figures.is_empty() {
        blocks.push(Block::Subheading(l("show.figures")));
        blocks.push(Block::Table {
            head: vec![
                l("report.figure"),
                l("report.value"),
                l("report.scope"),
                l("report.note"),
            ],
            rows: v
                .figures
                .iter()
                .map(|f| {
                    vec![
                        f.label.clone(),
                        format::figure(lang, f.value, &f.unit),
                        l(f.scope.key()),
                        f.notes.clone(),
                    ]
                })
                .collect(),
        });
    }
    sections.push(Section {
        title: l("report.sec_answers"),
        blocks,
    });

    // Obstacles
    let rows: Vec<Vec<String>> = v
        .obstacles
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let strategy = o
                .strategy
                .and_then(|s| v.strategies.iter().find(|x| x.id == s))
                .map(|s| s.standard.map_or_else(|| s.text.clone(), |n| n.to_string()))
                .unwrap_or_default();
            vec![
                (i + 1).to_string(),
                o.description.clone(),
                l(o.category.key()),
                o.severity.to_string(),
                o.raised_by.map(name_of).unwrap_or_default(),
                strategy,
                o.notes.clone(),
            ]
        })
        .collect();
    sections.push(table_section(
        l("report.sec_kendala"),
        vec![
            l("report.no"),
            l("report.obstacle"),
            l("report.category"),
            l("show.severity"),
            l("show.raised_by"),
            l("report.strategy_no"),
            l("report.note"),
        ],
        rows,
        none(),
    ));

    // Strategies
    let rows: Vec<Vec<String>> = v
        .strategies
        .iter()
        .map(|s| {
            let mut note = s.notes.clone();
            if !s.evidence.is_empty() {
                note = format!("{}: {}. {note}", l("show.evidence"), s.evidence)
                    .trim()
                    .to_string();
            }
            vec![
                s.standard.map_or_else(|| "*".into(), |n| n.to_string()),
                s.text.clone(),
                l(s.status.key()),
                or_dash(&s.commitment),
                or_dash(&s.person_in_charge),
                s.target_date
                    .map_or_else(|| "–".into(), |d| format::date_long(lang, d)),
                note,
            ]
        })
        .collect();
    sections.push(table_section(
        l("report.sec_strategi"),
        vec![
            l("report.no"),
            l("report.strategy"),
            l("show.status"),
            l("show.commitment"),
            l("show.person_in_charge"),
            l("show.target_date"),
            l("report.note"),
        ],
        rows,
        none(),
    ));

    // Handovers
    let rows: Vec<Vec<String>> = v
        .handovers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let by: Vec<String> = h.handed_by.iter().map(|id| name_of(*id)).collect();
            vec![
                (i + 1).to_string(),
                l(h.kind.key()),
                h.recipient.clone(),
                or_dash(&h.subject),
                or_dash(&h.employer),
                h.amount.map_or_else(|| "–".into(), format::rupiah),
                by.join(", "),
            ]
        })
        .collect();
    sections.push(table_section(
        l("report.sec_serah_terima"),
        vec![
            l("report.no"),
            l("report.kind"),
            l("show.recipient"),
            l("show.subject"),
            l("show.employer"),
            l("show.amount"),
            l("show.handed_by"),
        ],
        rows,
        none(),
    ));

    // Follow-up: open commitments and the notes taken under follow-up
    let mut items = Vec::new();
    for s in &v.strategies {
        let open = !matches!(
            s.status,
            StrategyStatus::Done | StrategyStatus::NotApplicable
        );
        if open && !(s.commitment.is_empty() && s.person_in_charge.is_empty()) {
            let mut line = format!(
                "{} {}",
                s.standard.map_or_else(|| "*".into(), |n| format!("{n}.")),
                or_dash(&s.commitment)
            );
            if !s.person_in_charge.is_empty() {
                line.push_str(&format!(
                    " — {}: {}",
                    l("show.person_in_charge"),
                    s.person_in_charge
                ));
            }
            if let Some(d) = s.target_date {
                line.push_str(&format!(
                    ", {}: {}",
                    l("show.target_date"),
                    format::date_long(lang, d)
                ));
            }
            items.push(Block::Paragraph(line));
        }
    }
    for n in v
        .notes
        .iter()
        .filter(|n| n.section.as_deref() == Some("tindak_lanjut"))
    {
        items.push(Block::Paragraph(format!(
            "{} — {}",
            clock(lang, &n.at),
            n.text
        )));
    }
    if items.is_empty() {
        items.push(none());
    }
    sections.push(Section {
        title: l("report.sec_tindak_lanjut"),
        blocks: items,
    });

    // Minutes
    let rows: Vec<Vec<String>> = v
        .notes
        .iter()
        .map(|n| {
            vec![
                clock(lang, &n.at),
                n.section
                    .as_deref()
                    .map(|id| guide_section_title(guide, lang, id))
                    .unwrap_or_default(),
                n.text.clone(),
            ]
        })
        .collect();
    sections.push(table_section(
        l("show.notes"),
        vec![l("report.time"), l("report.section"), l("report.note")],
        rows,
        none(),
    ));

    // Conflicts left by an import: fields by their labels, values as a person reads them, each
    // with who set it and when, in the visit's zone.
    let zone = format::visit_zone(v);
    let moment = |at: &DateTime<Utc>| format::moment(lang, at, &zone);
    if v.in_conflict() {
        let rows = v
            .conflicts
            .iter()
            .map(|c| {
                let values: Vec<String> = c
                    .candidates
                    .iter()
                    .map(|x| {
                        let value = value_text(lang, v, Some(guide), &c.path, x.value.as_ref());
                        format!("{value} ({}, {})", x.actor, moment(&x.at))
                    })
                    .collect();
                vec![
                    field_label(lang, v, Some(guide), &c.path),
                    values.join(" | "),
                ]
            })
            .collect();
        sections.push(Section {
            title: l("report.sec_conflicts"),
            blocks: vec![Block::Table {
                head: vec![l("report.field"), l("report.values")],
                rows,
            }],
        });
    }

    // Finalisation and amendments
    if let (VisitStatus::Final, Some(f)) = (v.status, &v.finalisation) {
        let mut blocks = vec![Block::Fields(vec![
            (l("report.finalised_at"), moment(&f.at)),
            (l("report.finalised_by"), f.by.clone()),
            (l("show.digest"), f.digest.clone()),
        ])];
        if let (Some(Block::Fields(fields)), false) = (blocks.first_mut(), f.chain.is_empty()) {
            fields.push((l("chain.report_head"), f.chain.clone()));
        }
        if !f.reason.is_empty() {
            blocks.push(Block::Paragraph(format!(
                "{}: {}",
                l("report.reason"),
                f.reason
            )));
        }
        let amendments: Vec<Vec<String>> = history
            .iter()
            .filter(|e| e.action == AuditAction::Amend)
            .map(|e| {
                // An amendment that settled a conflict names the settled field, even when it
                // kept the value held (no change of the field itself); the conflict list and
                // the amendment count are the store's bookkeeping, not fields.
                let bookkeeping =
                    |p: &str| p == "conflicts" || p.starts_with("conflicts/") || p == "amendments";
                let settled = e.settles.iter().map(|s| s.path.as_str());
                let changed = e.changes.iter().map(|c| c.path.as_str());
                let mut fields: Vec<String> = Vec::new();
                for path in settled.chain(changed) {
                    if bookkeeping(path) {
                        continue;
                    }
                    let label = field_label(lang, v, Some(guide), path);
                    if !fields.contains(&label) {
                        fields.push(label);
                    }
                }
                vec![
                    moment(&e.at),
                    e.actor.clone(),
                    e.revision.to_string(),
                    e.reason.clone(),
                    fields.join(", "),
                ]
            })
            .collect();
        blocks.push(Block::Subheading(l("report.amendments")));
        blocks.push(if amendments.is_empty() {
            none()
        } else {
            Block::Table {
                head: vec![
                    l("report.time"),
                    l("report.by"),
                    l("show.revision"),
                    l("report.reason"),
                    l("report.fields"),
                ],
                rows: amendments,
            }
        });
        sections.push(Section {
            title: l("report.sec_final"),
            blocks,
        });
    }

    let when = v
        .start
        .map(|s| format::date_long(lang, s.date_naive()))
        .unwrap_or_default();
    Report {
        lang,
        title: l("report.title"),
        subtitle: format!("{} — {when}", v.district.name)
            .trim_end_matches(" — ")
            .to_string(),
        stamp: if v.is_final() {
            String::new()
        } else {
            l("report.draft_stamp")
        },
        sections,
        footer: tf(lang, "report.footer", &[&moment(&generated), &v.revision]),
        formal: false,
    }
}

/// A section holding one table, or the "none" remark when it has no rows.
fn table_section(title: String, head: Vec<String>, rows: Vec<Vec<String>>, none: Block) -> Section {
    let block = if rows.is_empty() {
        none
    } else {
        Block::Table { head, rows }
    };
    Section {
        title,
        blocks: vec![block],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_carry_units_and_computed_percentages() {
        let v = crate::demo::karo_visit();
        let ratio = AnswerValue::Ratio {
            part: 1_250,
            whole: 5_000,
        };
        assert_eq!(answer_text(Lang::Id, &v, &ratio), "1.250 dari 5.000 (25 %)");
        assert_eq!(answer_text(Lang::En, &v, &ratio), "1,250 of 5,000 (25%)");
        let no_whole = AnswerValue::Ratio { part: 3, whole: 0 };
        assert_eq!(answer_text(Lang::En, &v, &no_whole), "3 of 0");
        assert_eq!(
            answer_text(Lang::Id, &v, &AnswerValue::Money(1_250_000)),
            "Rp 1.250.000"
        );
        assert_eq!(
            answer_text(Lang::En, &v, &AnswerValue::Percentage(12.45)),
            "12.5%"
        );
        let who = AnswerValue::Attendee(v.attendees[0].id);
        assert_eq!(answer_text(Lang::En, &v, &who), "Cory Sriwaty Sebayang");
    }

    #[test]
    fn answers_are_grouped_by_guide_section_in_interview_order() {
        let mut v = crate::demo::karo_visit();
        v.answers.clear();
        v.answers.insert(
            "vuln_paid".into(),
            crate::domain::Answer::new(AnswerValue::YesPartialNo(crate::domain::YesPartialNo::Yes)),
        );
        v.answers.insert(
            "vuln_contribution".into(),
            crate::domain::Answer::new(AnswerValue::Money(16_800)),
        );
        v.answers.insert(
            "reg_exists".into(),
            crate::domain::Answer::new(AnswerValue::YesPartialNo(
                crate::domain::YesPartialNo::Partial,
            )),
        );
        let r = build(&v, &[], Lang::Id, chrono::Utc::now());
        let answers = &r.sections[2];
        let heads: Vec<&Block> = answers
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::Subheading(_)))
            .collect();
        assert_eq!(
            heads[..2],
            [
                &Block::Subheading("Regulasi dan anggaran".into()),
                &Block::Subheading("Pekerja rentan".into())
            ]
        );
    }
}
