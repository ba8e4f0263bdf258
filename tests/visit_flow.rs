//! The second visit of issue 16 (4 attendees, 2 obstacles, the 4 strategies, a handover, 2
//! notes), entered by key presses only, counting the presses: what a fast meeting costs.

mod common;

use common::Harness;
use pantau::domain::{HandoverKind, ObstacleCategory, Side, StrategyStatus, Visit};
use pantau::i18n::Lang;

fn stored(h: &Harness) -> Visit {
    let id = h.app.interview.as_ref().expect("in the interview").visit.id;
    h.store().get(id).unwrap().expect("stored")
}

/// The values the visit must hold, however it was typed.
fn check_visit(v: &Visit) {
    assert_eq!(v.district.code, "12.08");
    assert_eq!(v.district.name, "Kabupaten Simalungun");
    assert_eq!(v.start.unwrap().to_rfc3339(), "2023-06-20T09:30:00+07:00");
    assert_eq!(v.venue, "Ruang Rapat Harungguan, Pematangsiantar");
    assert_eq!(v.purpose, "Monitoring pelaksanaan Inpres 2/2021");
    let people: Vec<_> = v
        .attendees
        .iter()
        .map(|a| {
            (
                a.prefix_titles.as_str(),
                a.name.as_str(),
                a.suffix_titles.as_str(),
                a.side,
            )
        })
        .collect();
    assert_eq!(
        people,
        [
            (
                "dr.",
                "Radiapoh Hasiholan Sinaga",
                "M.Kes",
                Side::RegionalGovernment
            ),
            ("", "Esron Sinaga", "S.H., M.Si", Side::RegionalGovernment),
            ("", "Abetnego Tarigan", "", Side::VisitingTeam),
            ("", "Anton Sihombing", "", Side::Bpjamsostek),
        ]
    );
    assert_eq!(
        v.attendees[1].organisation,
        "Pemerintah Kabupaten Simalungun"
    );
    assert_eq!(v.obstacles.len(), 2);
    assert_eq!(v.obstacles[0].category, ObstacleCategory::Budget);
    assert_eq!(v.obstacles[0].raised_by, Some(v.attendees[0].id));
    assert_eq!(v.obstacles[0].strategy, Some(v.strategies[3].id));
    assert_eq!(v.obstacles[1].category, ObstacleCategory::NonAsnData);
    assert_eq!(
        v.obstacles[1].description,
        "Data pekerja non-ASN belum lengkap"
    );
    for (i, s) in v.strategies.iter().enumerate() {
        assert_eq!(s.status, StrategyStatus::InProgress, "strategy {}", i + 1);
        assert_eq!(s.commitment, format!("Komitmen {}", i + 1));
        assert_eq!(s.target_date.unwrap().to_string(), "2023-12-31");
    }
    assert_eq!(v.handovers.len(), 1);
    let ho = &v.handovers[0];
    assert_eq!(ho.kind, HandoverKind::DeathBenefitClaim);
    assert_eq!(ho.recipient, "Ahli waris Alm. Budi Saragih");
    assert_eq!(ho.amount, Some(42_000_000));
    assert_eq!(ho.handed_by, [v.attendees[0].id]);
    assert_eq!(v.notes.len(), 2);
}

/// With the keys as they were before issue 16 (a typo'd date needs Ctrl-U, choices by ↑/↓,
/// multi-line fields left with Tab, every item form closed with Esc).
#[test]
fn the_second_visit_with_the_keys_before_issue_16() {
    let mut h = Harness::new(Lang::Id);
    h.keys("n");
    h.keys("<enter>12.08 Kabupaten Simalungun<enter>");
    // A typo in the time: the field traps until the text is fixed.
    h.keys("<c-u>20/6/2023 9.3x<enter>");
    h.keys("<c-u>20/6/2023 09.30<enter>");
    h.keys("Ruang Rapat Harungguan, Pematangsiantar<enter>");
    h.keys("<enter>");
    h.keys("Monitoring pelaksanaan Inpres 2/2021<tab>");
    h.keys("Setkab, Kantor Staf Presiden<enter><esc>");
    // Attendees: name, prefix, suffix, post, organisation, side, presence, represented, notes.
    h.keys("2a");
    let people = [
        (
            "Radiapoh Hasiholan Sinaga",
            "dr.",
            "M.Kes",
            "Bupati Simalungun",
            "kkkkk",
        ),
        (
            "Esron Sinaga",
            "",
            "S.H., M.Si",
            "Sekretaris Daerah",
            "kkkkk",
        ),
        ("Abetnego Tarigan", "", "", "Deputi II KSP", "kkkk"),
        ("Anton Sihombing", "", "", "Kepala Cabang Siantar", "kkk"),
    ];
    let orgs = [
        "Pemerintah Kabupaten Simalungun",
        "Pemerintah Kabupaten Simalungun",
        "Kantor Staf Presiden",
        "BPJS Ketenagakerjaan",
    ];
    for ((name, pre, suf, post, side), org) in people.into_iter().zip(orgs) {
        h.keys(&format!(
            "{name}<enter>{pre}<enter>{suf}<enter>{post}<enter>{org}<enter>{side}<enter><enter><enter><tab>"
        ));
    }
    h.keys("<esc><esc>");
    // Obstacles: description, category, severity, raised by, strategy, notes.
    h.keys("7a");
    h.keys(
        "Anggaran iuran belum masuk APBD<tab>kkkkkkkkkk<enter><enter>j<enter>jjjj<enter><tab><esc>",
    );
    h.keys(
        "aData pekerja non-ASN belum lengkap<tab>kkkkkkkk<enter><enter><enter><enter><tab><esc>",
    );
    // The four strategies: status in progress, commitment, person in charge, target date.
    h.keys("8");
    for i in 1..=4 {
        if i > 1 {
            h.keys("j");
        }
        h.keys(&format!(
            "<enter>j<enter>j<enter>Komitmen {i}<tab>Kepala BKPSDM<enter>31/12/2023<enter><esc><esc>"
        ));
    }
    // A handover: kind, recipient, subject, employer, amount, handed by, notes.
    h.keys("9akkkk<enter>Ahli waris Alm. Budi Saragih<enter>Budi Saragih<enter><enter>42.000.000<enter> <enter><tab><esc>");
    // Two notes.
    h.keys("nBupati membuka rapat.<enter>");
    h.keys("nPenyerahan santunan kematian.<enter>");
    let v = stored(&h);
    check_visit(&v);
    eprintln!("key presses before issue 16: {}", h.presses);
    assert_eq!(h.presses, BEFORE, "the count reported for issue 16");
}

/// Counted by the test above at the commit that added it, with the keys before issue 16.
const BEFORE: usize = 883;
