//! The formal documents of a visit, as ministries file them: Berita Acara Kunjungan, Notulen
//! Rapat and Daftar Hadir. Each is built as the same document model as the visit report
//! ([`Report`]), so that Markdown, HTML and DOCX lay out all four alike.

use chrono::{DateTime, Datelike, FixedOffset, Utc};

use super::answers;
use super::report::{Block, Report, Section, Signature};
use super::roles::{Roles, signing_name};
use crate::domain::{Attendee, Visit};
use crate::format;
use crate::guide::Guide;
use crate::i18n::{Lang, t, tf};
use crate::words;

/// The four documents `pantau export --document` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    Report,
    BeritaAcara,
    Notulen,
    DaftarHadir,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 4] = [
        DocumentKind::Report,
        DocumentKind::BeritaAcara,
        DocumentKind::Notulen,
        DocumentKind::DaftarHadir,
    ];

    /// The start of the file name ("berita-acara-12.06-2022-03-17-017f96ad.docx").
    pub fn slug(self) -> &'static str {
        match self {
            DocumentKind::Report => "laporan",
            DocumentKind::BeritaAcara => "berita-acara",
            DocumentKind::Notulen => "notulen",
            DocumentKind::DaftarHadir => "daftar-hadir",
        }
    }

    /// Catalogue key of the document's name (menus).
    pub fn key(self) -> &'static str {
        match self {
            DocumentKind::Report => "documents.kind_report",
            DocumentKind::BeritaAcara => "documents.kind_berita_acara",
            DocumentKind::Notulen => "documents.kind_notulen",
            DocumentKind::DaftarHadir => "documents.kind_daftar_hadir",
        }
    }
}

/// The number pattern of a Berita Acara when config.toml sets none.
pub const DEFAULT_NUMBER_PATTERN: &str = "BA-{seq}/KSP/{roman month}/{year}";

/// Choices that are not in the visit: who signs, the document number, the form kind.
#[derive(Debug, Clone, PartialEq)]
pub struct DocOptions {
    pub roles: Roles,
    /// `{seq}`, `{roman month}`, `{month}`, `{year}`, `{day}` and `{district}` are filled in.
    pub number_pattern: String,
    /// The running number; left as dots for the secretariat to fill in when not given.
    pub seq: Option<String>,
    /// A Daftar Hadir to print before the meeting: the planned attendees and blank rows.
    pub planned: bool,
    pub generated: DateTime<Utc>,
}

impl DocOptions {
    pub fn new(v: &Visit, generated: DateTime<Utc>) -> DocOptions {
        DocOptions {
            roles: Roles::defaults(v),
            number_pattern: DEFAULT_NUMBER_PATTERN.into(),
            seq: None,
            planned: false,
            generated,
        }
    }
}

/// Builds document `kind` of visit `v`.
pub fn build(
    kind: DocumentKind,
    guide: &Guide,
    v: &Visit,
    history: &[crate::domain::AuditEvent],
    lang: Lang,
    o: &DocOptions,
) -> Report {
    match kind {
        DocumentKind::Report => super::report::build_with(guide, v, history, lang, o.generated),
        DocumentKind::BeritaAcara => berita_acara(guide, v, lang, o),
        DocumentKind::Notulen => notulen(guide, v, lang, o),
        DocumentKind::DaftarHadir => daftar_hadir(v, lang, o),
    }
}

/// The document number from the pattern: "BA-……/KSP/III/2022".
pub fn number(pattern: &str, v: &Visit, seq: Option<&str>) -> String {
    let date = v.start.map(|s| s.date_naive());
    let (day, month, year) = date.map_or((String::new(), 0, String::new()), |d| {
        (format!("{:02}", d.day()), d.month(), d.year().to_string())
    });
    let seq = seq.map(str::trim).filter(|s| !s.is_empty()).unwrap_or("……");
    pattern
        .replace("{seq}", seq)
        .replace("{roman month}", words::roman_month(month))
        .replace("{month}", &format!("{month:02}"))
        .replace("{year}", &year)
        .replace("{day}", &day)
        .replace("{district}", &v.district.code)
}

fn l(lang: Lang, k: &'static str) -> String {
    t(lang, k).to_string()
}

fn clock(lang: Lang, at: &DateTime<FixedOffset>) -> String {
    let sep = if lang == Lang::Id { "." } else { ":" };
    format!(
        "{}{sep}{} {}",
        at.format("%H"),
        at.format("%M"),
        crate::domain::zone_label(at.offset())
    )
}

fn dash(s: &str) -> String {
    if s.trim().is_empty() {
        "–".into()
    } else {
        s.trim().to_string()
    }
}

/// Where a document is signed: the town at the end of the venue ("…, Kabanjahe"), else the
/// district's name.
fn place(v: &Visit) -> String {
    v.venue
        .rsplit(',')
        .next()
        .map(str::trim)
        .filter(|s| !s.is_empty() && v.venue.contains(','))
        .map_or_else(|| v.district.name.clone(), str::to_string)
}

fn place_and_date(lang: Lang, v: &Visit) -> String {
    let date = v
        .start
        .map(|s| format::date_long(lang, s.date_naive()))
        .unwrap_or_else(|| "……………… 20……".into());
    format!("{}, {date}", place(v))
}

fn signature(lang: Lang, v: &Visit, who: Option<uuid::Uuid>, caption: String) -> Signature {
    let a = who.and_then(|id| v.attendee(id));
    let post = a.map(|a| a.post.trim().to_string()).unwrap_or_default();
    // Elected heads of region have no civil-servant number.
    let elected = [
        "bupati",
        "wakil bupati",
        "wali kota",
        "wakil wali kota",
        "gubernur",
    ]
    .iter()
    .any(|p| post.to_lowercase().starts_with(p));
    Signature {
        caption,
        name: a.map_or_else(|| "(……………………………………)".into(), signing_name),
        position: post,
        nip: if elected {
            String::new()
        } else {
            l(lang, "documents.nip_line")
        },
    }
}

fn present_row(lang: Lang, i: usize, a: &Attendee) -> Vec<String> {
    let name = match a.presence {
        crate::domain::Presence::Represented if !a.represented_by.trim().is_empty() => tf(
            lang,
            "documents.represents",
            &[&a.represented_by.trim(), &a.full_name()],
        ),
        _ => a.full_name(),
    };
    vec![
        (i + 1).to_string(),
        name,
        dash(&a.post),
        dash(&a.organisation),
    ]
}

fn attendee_table(lang: Lang, v: &Visit) -> Block {
    Block::Table {
        head: vec![
            l(lang, "report.no"),
            l(lang, "report.name"),
            l(lang, "report.post"),
            l(lang, "report.organisation"),
        ],
        rows: v
            .attendees
            .iter()
            .enumerate()
            .map(|(i, a)| present_row(lang, i, a))
            .collect(),
    }
}

fn section(title: String, blocks: Vec<Block>) -> Section {
    Section { title, blocks }
}

fn stamp(lang: Lang, v: &Visit) -> String {
    if v.is_final() {
        String::new()
    } else {
        l(lang, "report.draft_stamp")
    }
}

fn footer(lang: Lang, v: &Visit, o: &DocOptions) -> String {
    tf(
        lang,
        "documents.footer",
        &[
            &crate::format::moment(lang, &o.generated, &crate::format::visit_zone(v)),
            &v.revision,
        ],
    )
}

/// The answers of the guide's follow-up section, as label–value pairs.
fn follow_up(guide: &Guide, v: &Visit, lang: Lang) -> Vec<(String, String)> {
    let title = guide
        .sections
        .iter()
        .find(|s| s.id == "tindak_lanjut")
        .map(|s| s.title.get(lang).to_string());
    answers::groups(guide, v, lang)
        .into_iter()
        .filter(|g| Some(&g.title) == title.as_ref())
        .flat_map(|g| g.rows)
        .map(|r| (r.label, r.value))
        .collect()
}

fn obstacles(lang: Lang, v: &Visit) -> Block {
    if v.obstacles.is_empty() {
        return Block::Remark(l(lang, "documents.no_obstacles"));
    }
    Block::Table {
        head: vec![
            l(lang, "report.no"),
            l(lang, "report.obstacle"),
            l(lang, "report.category"),
            l(lang, "show.raised_by"),
        ],
        rows: v
            .obstacles
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let by = o
                    .raised_by
                    .and_then(|id| v.attendee(id))
                    .map(Attendee::full_name)
                    .unwrap_or_default();
                vec![
                    (i + 1).to_string(),
                    o.description.clone(),
                    l(lang, o.category.key()),
                    dash(&by),
                ]
            })
            .collect(),
    }
}

fn strategies(lang: Lang, v: &Visit) -> Block {
    Block::Table {
        head: vec![
            l(lang, "report.no"),
            l(lang, "report.strategy"),
            l(lang, "show.status"),
            l(lang, "documents.district_commitment"),
            l(lang, "show.person_in_charge"),
            l(lang, "show.target_date"),
        ],
        rows: v
            .strategies
            .iter()
            .enumerate()
            .map(|(i, s)| {
                vec![
                    s.standard
                        .map_or_else(|| (i + 1).to_string(), |n| n.to_string()),
                    s.text.clone(),
                    l(lang, s.status.key()),
                    dash(&s.commitment),
                    dash(&s.person_in_charge),
                    s.target_date
                        .map_or_else(|| "–".into(), |d| format::date_long(lang, d)),
                ]
            })
            .collect(),
    }
}

fn handovers(lang: Lang, v: &Visit) -> Block {
    if v.handovers.is_empty() {
        return Block::Remark(l(lang, "documents.no_handovers"));
    }
    Block::Table {
        head: vec![
            l(lang, "report.no"),
            l(lang, "report.kind"),
            l(lang, "show.recipient"),
            l(lang, "show.amount"),
            l(lang, "show.handed_by"),
        ],
        rows: v
            .handovers
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let mut recipient = h.recipient.clone();
                if !h.employer.trim().is_empty() {
                    recipient = format!("{recipient} ({})", h.employer.trim());
                }
                let by: Vec<String> = h
                    .handed_by
                    .iter()
                    .filter_map(|id| v.attendee(*id))
                    .map(Attendee::full_name)
                    .collect();
                vec![
                    (i + 1).to_string(),
                    l(lang, h.kind.key()),
                    recipient,
                    h.amount
                        .map_or_else(|| "–".into(), |a| words::rupiah(lang, a)),
                    dash(&by.join(", ")),
                ]
            })
            .collect(),
    }
}

fn berita_acara(guide: &Guide, v: &Visit, lang: Lang, o: &DocOptions) -> Report {
    let team = if v.team.is_empty() {
        l(lang, "documents.the_team")
    } else {
        v.team.join(", ")
    };
    let opening = match v.start {
        Some(s) => tf(
            lang,
            "documents.ba_opening",
            &[
                &words::date(lang, s.date_naive()),
                &dash(&v.venue),
                &l(lang, v.kind.key()).to_lowercase(),
                &dash(&v.instruction),
                &v.district.name,
                &v.district.province,
                &clock(lang, &s),
                &team,
            ],
        ),
        None => tf(
            lang,
            "documents.ba_opening_undated",
            &[&dash(&v.venue), &v.district.name, &team],
        ),
    };
    let mut sections = vec![
        section(String::new(), vec![Block::Paragraph(opening)]),
        section(
            l(lang, "documents.ba_parties"),
            vec![attendee_table(lang, v)],
        ),
        section(
            l(lang, "documents.ba_purpose"),
            vec![Block::Paragraph(dash(&v.purpose))],
        ),
        section(l(lang, "documents.ba_obstacles"), vec![obstacles(lang, v)]),
        section(
            l(lang, "documents.ba_strategies"),
            vec![strategies(lang, v)],
        ),
        section(l(lang, "documents.ba_handovers"), vec![handovers(lang, v)]),
    ];
    let fu = follow_up(guide, v, lang);
    if !fu.is_empty() {
        sections.push(section(
            l(lang, "documents.ba_follow_up"),
            vec![Block::Fields(fu)],
        ));
    }
    let regional_caption = tf(lang, "documents.for_region", &[&v.district.name]);
    sections.push(section(
        String::new(),
        vec![
            Block::Paragraph(l(lang, "documents.ba_closing")),
            Block::Paragraph(place_and_date(lang, v)),
            Block::Signatures(vec![
                signature(lang, v, o.roles.regional, regional_caption),
                signature(lang, v, o.roles.team_lead, l(lang, "documents.for_team")),
            ]),
        ],
    ));
    Report {
        lang,
        title: l(lang, "documents.ba_title"),
        subtitle: tf(
            lang,
            "documents.number",
            &[&number(&o.number_pattern, v, o.seq.as_deref())],
        ),
        stamp: stamp(lang, v),
        sections,
        footer: footer(lang, v, o),
        formal: true,
    }
}

/// Day, date, time and place, as the heads of the Notulen and the Daftar Hadir give them.
fn meeting_fields(lang: Lang, v: &Visit) -> Vec<(String, String)> {
    let (date, time) = match v.start {
        Some(s) => (
            format!(
                "{}, {}",
                t(lang, format::weekday_key(s.weekday())),
                format::date_long(lang, s.date_naive())
            ),
            tf(lang, "documents.from_time", &[&clock(lang, &s)]),
        ),
        None => ("–".into(), "–".into()),
    };
    vec![
        (l(lang, "documents.day_date"), date),
        (l(lang, "documents.time"), time),
        (l(lang, "show.venue"), dash(&v.venue)),
        (l(lang, "documents.agenda"), dash(&v.purpose)),
    ]
}

fn person(v: &Visit, id: Option<uuid::Uuid>) -> String {
    id.and_then(|id| v.attendee(id)).map_or_else(
        || "–".into(),
        |a| {
            if a.post.trim().is_empty() {
                signing_name(a)
            } else {
                format!("{} ({})", signing_name(a), a.post.trim())
            }
        },
    )
}

fn notulen(guide: &Guide, v: &Visit, lang: Lang, o: &DocOptions) -> Report {
    let mut head = meeting_fields(lang, v);
    head.insert(2, (l(lang, "show.kind"), l(lang, v.kind.key())));
    head.push((l(lang, "documents.chair"), person(v, o.roles.chair)));
    head.push((
        l(lang, "documents.note_taker"),
        person(v, o.roles.note_taker),
    ));
    let mut sections = vec![
        section(String::new(), vec![Block::Fields(head)]),
        section(
            l(lang, "documents.participants"),
            vec![
                Block::Paragraph(tf(
                    lang,
                    "documents.participants_pointer",
                    &[&v.attendees.len()],
                )),
                attendee_table(lang, v),
            ],
        ),
    ];
    let mut notes: Vec<&crate::domain::Note> = v.notes.iter().collect();
    notes.sort_by_key(|n| n.at);
    let proceedings = if notes.is_empty() {
        Block::Remark(l(lang, "documents.no_notes"))
    } else {
        Block::Table {
            head: vec![
                l(lang, "report.time"),
                l(lang, "report.section"),
                l(lang, "documents.proceedings_text"),
            ],
            rows: notes
                .iter()
                .map(|n| {
                    vec![
                        clock(lang, &n.at),
                        n.section
                            .as_deref()
                            .map(|s| super::report::guide_section_title(guide, lang, s))
                            .unwrap_or_default(),
                        n.text.clone(),
                    ]
                })
                .collect(),
        }
    };
    sections.push(section(l(lang, "documents.proceedings"), vec![proceedings]));
    sections.push(section(
        l(lang, "documents.obstacles"),
        vec![obstacles(lang, v)],
    ));
    let mut decisions = vec![strategies(lang, v)];
    let fu = follow_up(guide, v, lang);
    if !fu.is_empty() {
        decisions.push(Block::Subheading(l(lang, "documents.commitments")));
        decisions.push(Block::Fields(fu));
    }
    sections.push(section(l(lang, "documents.decisions"), decisions));
    if !v.handovers.is_empty() {
        sections.push(section(
            l(lang, "documents.handovers"),
            vec![handovers(lang, v)],
        ));
    }
    let closing = match notes.last() {
        Some(n) => tf(lang, "documents.closed_at", &[&clock(lang, &n.at)]),
        None => l(lang, "documents.closed_at_blank"),
    };
    sections.push(section(
        String::new(),
        vec![
            Block::Paragraph(closing),
            Block::Paragraph(place_and_date(lang, v)),
            Block::Signatures(vec![
                signature(lang, v, o.roles.chair, l(lang, "documents.chair_caption")),
                signature(
                    lang,
                    v,
                    o.roles.note_taker,
                    l(lang, "documents.note_taker_caption"),
                ),
            ]),
        ],
    ));
    Report {
        lang,
        title: l(lang, "documents.notulen_title"),
        subtitle: format!("{} — {}", l(lang, v.kind.key()), v.district.name),
        stamp: stamp(lang, v),
        sections,
        footer: footer(lang, v, o),
        formal: true,
    }
}

/// Blank rows on a form printed before the meeting, for people who come unannounced.
const WALK_IN_ROWS: usize = 5;

fn daftar_hadir(v: &Visit, lang: Lang, o: &DocOptions) -> Report {
    let mut rows: Vec<Vec<String>> = v
        .attendees
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut row = if o.planned {
                vec![
                    (i + 1).to_string(),
                    a.full_name(),
                    dash(&a.post),
                    dash(&a.organisation),
                ]
            } else {
                present_row(lang, i, a)
            };
            row.push(String::new());
            row
        })
        .collect();
    if o.planned {
        let n = rows.len();
        for i in 0..WALK_IN_ROWS {
            rows.push(vec![
                (n + i + 1).to_string(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
    }
    let head = vec![
        l(lang, "report.no"),
        l(lang, "documents.name_titles"),
        l(lang, "report.post"),
        l(lang, "report.organisation"),
        l(lang, "documents.signature"),
    ];
    let sections = vec![
        section(String::new(), vec![Block::Fields(meeting_fields(lang, v))]),
        section(String::new(), vec![Block::Attendance { head, rows }]),
        section(
            String::new(),
            vec![
                Block::Paragraph(place_and_date(lang, v)),
                Block::Signatures(vec![signature(
                    lang,
                    v,
                    o.roles.note_taker,
                    l(lang, "documents.note_taker_caption"),
                )]),
            ],
        ),
    ];
    Report {
        lang,
        title: l(lang, "documents.dh_title"),
        subtitle: format!("{} — {}", l(lang, v.kind.key()), v.district.name),
        stamp: if o.planned {
            String::new()
        } else {
            stamp(lang, v)
        },
        sections,
        footer: footer(lang, v, o),
        formal: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_configured_pattern() {
        let v = crate::demo::karo_visit();
        assert_eq!(
            number(DEFAULT_NUMBER_PATTERN, &v, Some("007")),
            "BA-007/KSP/III/2022"
        );
        assert_eq!(
            number(DEFAULT_NUMBER_PATTERN, &v, None),
            "BA-……/KSP/III/2022"
        );
        assert_eq!(
            number("{year}/{month}/{day}/{district}/{seq}", &v, Some("12")),
            "2022/03/17/12.06/12"
        );
    }

    #[test]
    fn the_place_of_signing_is_the_venue_town() {
        let mut v = crate::demo::karo_visit();
        assert_eq!(place(&v), "Kabanjahe");
        v.venue = "Zoom".into();
        assert_eq!(place(&v), "Kabupaten Karo");
    }
}
