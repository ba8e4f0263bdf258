//! Visits with known follow-up answers, for tests (unit, snapshot, flow) and the benchmark:
//! three districts, seven visits, and as of [`TODAY`] exactly two overdue items.
//!
//! | visit | district | date       | status | items of note                                   |
//! |-------|----------|------------|--------|-------------------------------------------------|
//! | K1    | Karo     | 2022-03-17 | final  | the demo: four strategies, not started          |
//! | K2    | Karo     | 2023-03-20 | final  | S1 in progress, due 2023-09-30 (superseded)     |
//! | K3    | Karo     | 2024-03-12 | draft  | S1 in progress, due 2024-06-01: **overdue**     |
//! | D1    | Dairi    | 2023-05-02 | final  | follow-up answers, due 2023-12-31 (superseded)  |
//! | D2    | Dairi    | 2024-02-14 | final  | S4 not started, due 2024-05-31: **overdue**;    |
//! |       |          |            |        | S3 due 2024-07-15; follow-up due 2024-08-31     |
//! | B1    | Badung   | 2023-08-10 | final  | everything done                                 |
//! | B2    | Badung   | 2024-06-20 | draft  | S1 done with a commitment                       |

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate};
use uuid::Uuid;

use crate::domain::{
    Answer, AnswerValue, District, Obstacle, ObstacleCategory, StrategyStatus, Visit, VisitStatus,
};

/// The fixed "today" of the fixtures.
pub const TODAY: (i32, u32, u32) = (2024, 6, 30);

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).unwrap_or_default()
}

/// A fixed id for fixture visit `n` (1–7), time-ordered like v7 ids.
pub fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 + n)
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

use StrategyStatus::{Done, InProgress, NotApplicable, NotStarted};

struct S<'a>(StrategyStatus, &'a str, &'a str, Option<&'a str>);

#[allow(clippy::too_many_arguments)]
fn visit(
    n: u128,
    code: &str,
    name: &str,
    start: &str,
    status: VisitStatus,
    strategies: [S<'_>; 4],
    obstacles: &[ObstacleCategory],
    numbers: &[(&str, i64)],
) -> Visit {
    let mut v = crate::demo::karo_visit();
    v.id = id(n);
    v.district = District::new(code, name);
    v.start = DateTime::parse_from_rfc3339(start).ok();
    if let Some(s) = v.start {
        v.created = s.to_utc();
        v.updated = s.to_utc();
    }
    v.status = status;
    v.venue = format!("Kantor {name}");
    if n != 1 {
        v.handovers.clear();
        v.notes.clear();
        v.figures.clear();
        v.source.clear();
    }
    for (s, spec) in v.strategies.iter_mut().zip(strategies) {
        s.status = spec.0;
        s.commitment = spec.1.to_string();
        s.person_in_charge = spec.2.to_string();
        s.target_date = spec.3.and_then(date);
        if n != 1 {
            s.notes.clear();
        }
    }
    v.obstacles = obstacles
        .iter()
        .enumerate()
        .map(|(i, c)| Obstacle {
            id: Uuid::from_u128(id(n).as_u128() + 0x1000 + i as u128),
            description: format!("Kendala {}", i + 1),
            category: *c,
            severity: 2,
            raised_by: None,
            strategy: None,
            notes: String::new(),
        })
        .collect();
    v.answers = numbers
        .iter()
        .map(|(k, n)| (k.to_string(), Answer::new(AnswerValue::Number(*n))))
        .collect::<BTreeMap<_, _>>();
    v
}

/// The seven visits, oldest first.
pub fn visits() -> Vec<Visit> {
    use ObstacleCategory::*;
    use VisitStatus::{Draft, Final};
    let none = || S(NotStarted, "", "", None);
    let k1 = visit(
        1,
        "12.06",
        "Kabupaten Karo",
        "2022-03-17T14:00:00+07:00",
        Final,
        [none(), none(), none(), none()],
        &[Regulation, Budget],
        &[],
    );
    let k2 = visit(
        2,
        "12.06",
        "Kabupaten Karo",
        "2023-03-20T10:00:00+07:00",
        Final,
        [
            S(
                InProgress,
                "Surat edaran ke pelaku usaha",
                "Kadisnaker",
                Some("2023-09-30"),
            ),
            none(),
            S(Done, "MoU dengan BPJAMSOSTEK", "Sekda", Some("2023-06-30")),
            S(Done, "", "", None),
        ],
        &[Budget],
        &[("non_asn_total", 1000), ("non_asn_registered", 500)],
    );
    let mut k3 = visit(
        3,
        "12.06",
        "Kabupaten Karo",
        "2024-03-12T09:30:00+07:00",
        Draft,
        [
            S(
                InProgress,
                "Pemeriksaan bersama 50 perusahaan",
                "Kadisnaker",
                Some("2024-06-01"),
            ),
            S(
                InProgress,
                "Pengingat iuran lewat kecamatan",
                "Camat",
                Some("2024-12-31"),
            ),
            S(Done, "", "", None),
            S(Done, "", "", None),
        ],
        &[Budget, NonAsnData],
        &[("non_asn_total", 1000), ("non_asn_registered", 600)],
    );
    k3.answers.insert(
        "coverage_informal".into(),
        Answer::new(AnswerValue::Percentage(12.5)),
    );
    let mut d1 = visit(
        4,
        "12.11",
        "Kabupaten Dairi",
        "2023-05-02T09:00:00+07:00",
        Final,
        [none(), none(), none(), none()],
        &[Regulation, Regulation],
        &[],
    );
    follow_up(
        &mut d1,
        "Menyusun Perbup jaminan sosial",
        "Kabag Hukum",
        "2023-12-31",
    );
    let mut d2 = visit(
        5,
        "12.11",
        "Kabupaten Dairi",
        "2024-02-14T13:00:00+07:00",
        Final,
        [
            S(
                Done,
                "Perbup No. 7 Tahun 2024",
                "Kabag Hukum",
                Some("2024-01-31"),
            ),
            S(NotApplicable, "", "", None),
            S(
                InProgress,
                "Daftarkan 2.000 petani kopi",
                "Kadis Pertanian",
                Some("2024-07-15"),
            ),
            S(
                NotStarted,
                "Data honorer dari semua OPD",
                "Kepala BKPSDM",
                Some("2024-05-31"),
            ),
        ],
        &[InformalAwareness],
        &[("non_asn_total", 800), ("non_asn_registered", 200)],
    );
    follow_up(
        &mut d2,
        "Anggaran iuran di APBD-P 2024",
        "Kepala Bappeda",
        "2024-08-31",
    );
    let b1 = visit(
        6,
        "51.03",
        "Kabupaten Badung",
        "2023-08-10T10:00:00+08:00",
        Final,
        [
            S(Done, "", "", None),
            S(Done, "", "", None),
            S(Done, "", "", None),
            S(Done, "", "", None),
        ],
        &[],
        &[],
    );
    let b2 = visit(
        7,
        "51.03",
        "Kabupaten Badung",
        "2024-06-20T10:00:00+08:00",
        Draft,
        [
            S(Done, "Sidak 20 hotel", "Kadisnaker", Some("2024-04-01")),
            S(Done, "", "", None),
            S(Done, "", "", None),
            S(NotApplicable, "", "", None),
        ],
        &[Budget],
        &[],
    );
    vec![k1, k2, k3, d1, d2, b1, b2]
}

fn follow_up(v: &mut Visit, commitments: &str, pic: &str, deadline: &str) {
    let a = |value| Answer::new(value);
    v.answers.insert(
        "commitments".into(),
        a(AnswerValue::Text(commitments.into())),
    );
    v.answers
        .insert("follow_up_pic".into(), a(AnswerValue::Text(pic.into())));
    if let Some(d) = date(deadline) {
        v.answers
            .insert("follow_up_deadline".into(), a(AnswerValue::Date(d)));
    }
}
