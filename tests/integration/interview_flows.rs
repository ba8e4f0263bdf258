//! The interview, driven by key presses only, against a real store.

use crate::common;

use common::Harness;
use pantau::app::Screen;
use pantau::domain::{
    AuditAction, HandoverKind, ObstacleCategory, Presence, Scope, Side, StrategyStatus, Visit,
    VisitKind, VisitStatus,
};
use pantau::i18n::Lang;

fn stored(h: &Harness) -> Visit {
    let id = h.app.interview.as_ref().expect("in the interview").visit.id;
    h.store().get(id).unwrap().expect("stored")
}

fn new_interview() -> Harness {
    let mut h = Harness::new(Lang::Id);
    h.keys("n");
    assert_eq!(h.app.screen, Screen::Interview);
    h
}

#[test]
fn a_new_visit_is_stored_at_once_with_the_guide_and_its_four_strategies() {
    let h = new_interview();
    let v = stored(&h);
    assert_eq!(v.revision, 1);
    assert_eq!(v.guide.id, "inpres-2-2021");
    assert_eq!(v.strategies.len(), 4);
    assert_eq!(v.strategies[3].standard, Some(4));
}

#[test]
fn every_committed_field_is_saved_with_its_audit_event() {
    let mut h = new_interview();
    h.keys("<enter>12.06 Kabupaten Karo<enter>");
    let v = stored(&h);
    assert_eq!(v.district.code, "12.06");
    assert_eq!(v.district.province, "Sumatera Utara");
    h.keys("<c-u>17/3/2022 14.00<enter>Aula Kantor Bupati Karo<enter>");
    let v = stored(&h);
    assert_eq!(v.start.unwrap().to_rfc3339(), "2022-03-17T14:00:00+07:00");
    assert_eq!(v.venue, "Aula Kantor Bupati Karo");
    let audit = h.store().audit(v.id).unwrap();
    let paths: Vec<_> = audit
        .iter()
        .flat_map(|e| e.changes.iter().map(|c| c.path.clone()))
        .collect();
    assert!(paths.contains(&"district/code".to_string()), "{paths:?}");
    assert!(paths.contains(&"venue".to_string()));
    assert!(audit.iter().all(|e| e.actor == "auditor"));
    assert!(h.store().check().is_clean());
    assert!(h.screen(80, 24).contains("tersimpan"));
}

#[test]
fn a_typo_in_a_date_is_explained_and_nothing_typed_is_lost() {
    let mut h = new_interview();
    h.keys("<enter>12.06 Kabupaten Karo<enter><c-u>31/2/2022 14.00<enter>");
    let screen = h.screen(100, 30);
    assert!(screen.contains("Februari 2022"), "{screen}");
    assert!(
        screen.contains("31/2/2022 14.00"),
        "the typed text stays: {screen}"
    );
    let before = stored(&h);
    h.keys("<c-u>28/2/2022 14.00<enter>");
    let after = stored(&h);
    assert_eq!(
        after.start.unwrap().to_rfc3339(),
        "2022-02-28T14:00:00+07:00"
    );
    assert_eq!(after.revision, before.revision + 1);
}

#[test]
fn esc_keeps_what_was_typed() {
    let mut h = new_interview();
    h.keys("<enter><esc>jj<enter>Pendopo<esc>");
    assert_eq!(stored(&h).venue, "Pendopo");
    assert!(h.app.interview.as_ref().unwrap().editor.is_none());
}

#[test]
fn attendees_are_added_one_after_another_and_a_blank_one_is_not_kept() {
    let mut h = new_interview();
    h.keys("2a");
    h.keys("Cory Sriwaty Sebayang<enter><enter><enter>Bupati Karo<enter>Pemerintah Kabupaten Karo<enter>pemda<enter><enter><enter><tab>");
    // The side and organisation come from the attendee before.
    h.keys("Theopilus Ginting<enter><enter><enter>Wakil Bupati Karo<enter><enter><enter><enter><enter><tab>");
    // A third form is open, empty: leaving it drops it.
    h.keys("<esc><esc>");
    let v = stored(&h);
    assert_eq!(v.attendees.len(), 2);
    assert_eq!(v.attendees[0].name, "Cory Sriwaty Sebayang");
    assert_eq!(v.attendees[0].post, "Bupati Karo");
    assert_eq!(v.attendees[0].side, Side::RegionalGovernment);
    assert_eq!(v.attendees[1].name, "Theopilus Ginting");
}

#[test]
fn delete_undo_and_reorder_items() {
    let mut h = new_interview();
    h.keys("2aAni<esc><esc>aBudi<esc><esc>aCici<esc><esc>");
    let names = |h: &Harness| {
        stored(h)
            .attendees
            .iter()
            .map(|a| a.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&h), ["Ani", "Budi", "Cici"]);
    h.keys("K");
    assert_eq!(names(&h), ["Ani", "Cici", "Budi"]);
    h.keys("x");
    assert_eq!(names(&h), ["Ani", "Budi"]);
    h.keys("u");
    assert_eq!(names(&h), ["Ani", "Cici", "Budi"]);
}

#[test]
fn a_quick_note_is_stamped_with_time_and_section_from_anywhere() {
    let mut h = new_interview();
    h.keys("3nBupati menyampaikan Perbup sedang disusun.<enter>");
    let v = stored(&h);
    assert_eq!(v.notes.len(), 1);
    assert_eq!(v.notes[0].section.as_deref(), Some("regulasi_anggaran"));
    assert_eq!(v.notes[0].at.to_rfc3339(), "2022-03-17T14:00:00+07:00");
    // Also while typing in a field (Ctrl-N), without losing the field.
    h.keys("1jj<enter>Aula<c-n>Catatan kedua<enter>");
    let v = stored(&h);
    assert_eq!(v.venue, "Aula");
    assert_eq!(v.notes.len(), 2);
    // Closing the note box keeps the draft for next time.
    h.keys("nsetengah kalimat<esc>n");
    assert!(h.screen(100, 30).contains("setengah kalimat"));
}

#[test]
fn go_to_and_check_view_jump_to_questions() {
    let mut h = new_interview();
    h.keys("gpengawas");
    assert!(h.screen(100, 30).contains("PTSP"), "{}", h.screen(100, 30));
    h.keys("<esc>c");
    let screen = h.screen(120, 40);
    assert!(screen.contains("wajib diisi"), "{screen}");
    h.keys("<enter>");
    let iv = h.app.interview.as_ref().unwrap();
    assert_eq!(
        iv.section, 0,
        "the first missing answer is in the identity section"
    );
}

#[test]
fn leaving_and_reopening_returns_to_the_same_place() {
    let mut h = new_interview();
    h.keys("4jj<esc>");
    assert_eq!(h.app.screen, Screen::List);
    h.keys("e");
    let iv = h.app.interview.as_ref().unwrap();
    assert_eq!((iv.section, iv.row), (3, 2));
}

#[test]
fn finalise_locks_with_a_digest_and_amending_asks_a_reason() {
    let mut h = new_interview();
    h.keys("F");
    assert!(h.screen(100, 30).contains("Finalkan dengan kekurangan"));
    h.keys("<enter>");
    assert_eq!(
        stored(&h).status,
        VisitStatus::Draft,
        "an empty reason does not finalise"
    );
    h.keys("Rapat dihentikan lebih awal<enter>");
    let v = stored(&h);
    assert_eq!(v.status, VisitStatus::Final);
    let f = v.finalisation.clone().unwrap();
    // The digest covers the history's head as well (issue 14).
    assert_eq!(f.digest, pantau::domain::digest_chained(&v, &f.chain));
    assert!(!f.chain.is_empty());
    assert_eq!(f.reason, "Rapat dihentikan lebih awal");
    assert_eq!(f.by, "auditor");
    // Locked: editing keys change nothing.
    h.keys("1<enter>x");
    assert_eq!(stored(&h).revision, v.revision);
    assert!(h.screen(100, 30).contains("terkunci"));
    h.keys("AKoreksi tempat<enter>");
    let amended = stored(&h);
    assert_eq!(amended.status, VisitStatus::Draft);
    assert_eq!(amended.amendments, 1);
    let last = h.store().audit(v.id).unwrap().pop().unwrap();
    assert_eq!(
        (last.action, last.reason.as_str()),
        (AuditAction::Amend, "Koreksi tempat")
    );
}

/// The Karo meeting of 17 March 2022, entered by key presses only, then checked field by field.
#[test]
fn the_whole_karo_meeting_by_key_presses_only() {
    let mut h = new_interview();
    let id = h.app.interview.as_ref().unwrap().visit.id;
    // 1. Identity.
    h.keys("<enter>12.06 Kabupaten Karo<enter>");
    h.keys("<c-u>17/3/2022 14.00<enter>");
    h.keys("Aula Kantor Bupati Karo, Jalan Let Jen Jamin Ginting, Kabanjahe<enter>");
    h.keys("<enter>"); // kind: audiensi (already chosen)
    h.keys(
        "Audiensi optimalisasi Jaminan Sosial Ketenagakerjaan bagi pekerja rentan dan non-ASN<tab>",
    );
    h.keys("Sekretariat Kabinet, Kantor Staf Presiden, Kemenko PMK<enter><esc>");
    // 2. Attendees: name, prefix, suffix, post, organisation, side, presence, represented by, notes.
    let people = [
        (
            "Cory Sriwaty Sebayang",
            "Bupati Karo",
            "Pemerintah Kabupaten Karo",
            "pemda",
        ),
        (
            "Theopilus Ginting",
            "Wakil Bupati Karo",
            "Pemerintah Kabupaten Karo",
            "pemda",
        ),
        (
            "Abetnego Tarigan",
            "Deputi II Bidang Pembangunan Manusia",
            "Kantor Staf Presiden",
            "tim",
        ),
        (
            "La Ode Muhamad Talib",
            "Kepala Bidang Asuransi Sosial",
            "Kemenko PMK",
            "tim",
        ),
        (
            "Aang Supono",
            "Kepala Kantor Cabang Medan Kota",
            "BPJAMSOSTEK",
            "bpjam",
        ),
    ];
    h.keys("2a");
    for (name, post, org, side) in people {
        h.keys(&format!(
            "{name}<enter><enter><enter>{post}<enter><c-u>{org}<enter>{side}<enter><enter><enter><tab>"
        ));
    }
    h.keys("<esc><esc>");
    // 1 again: the chair is picked from the attendees (Abetnego, the third).
    h.keys("gpimpinan<enter><enter><down><down><enter>");
    // 7. An obstacle: description, category (budget), severity 3, raised by the Bupati, strategy 4.
    h.keys("7a");
    h.keys("Anggaran iuran pekerja rentan belum masuk APBD<tab>");
    h.keys("anggaran<enter><down><enter><down><enter><down><down><down><down><enter>Akan dibahas dengan Bappeda<tab><esc>");
    // 8. Strategies: commitment, person in charge and target date of strategy 4; status in progress.
    h.keys("8jjj<enter>j<enter><down><enter>Mendaftarkan seluruh honorer pada APBD 2023<tab>Kepala BKPSDM<enter>31/12/2022<enter><esc><esc>");
    // 9. Handovers: two death-benefit claims and the certificates, handed over by Bupati and Deputi II.
    let handovers = [
        (
            "klaim",
            "Ahli waris Alm. Brian Adam Sitepu",
            "Brian Adam Sitepu",
            "Satpol PP Pemkab Karo",
        ),
        (
            "klaim",
            "Ahli waris Almh. Ruth Beru Sembiring Pelawi",
            "Ruth Beru Sembiring Pelawi",
            "CU Merdeka",
        ),
        ("sertif", "Perwakilan peserta BPJS Ketenagakerjaan", "", ""),
    ];
    h.keys("9");
    for (kind, recipient, subject, employer) in handovers {
        h.keys(&format!("a{kind}<enter>{recipient}<enter>{subject}<enter>{employer}<enter><enter> <down><down> <enter><tab><esc>"));
    }
    // 10. The national figure.
    h.keys(
        "0aPenduduk yang sudah memiliki jaminan sosial<enter>86<enter>%<enter>nasional<enter><tab><esc>",
    );
    // Two timed notes.
    h.keys("nDeputi II membuka diskusi dan menyampaikan empat strategi.<enter>");
    h.keys("nPenyerahan klaim santunan kematian dan sertifikat kepesertaan.<enter>");
    // 11. Follow-up (required answers).
    h.keys("<pgdn><enter>Pemkab Karo menyiapkan Perbup dan anggaran iuran<tab><tab><esc>");
    h.keys("genam bulanan<enter><enter><enter>");
    // Finalise: some required answers of sections 3–6 are missing, so a reason is asked.
    h.keys("FAudiensi singkat; data kepesertaan menyusul<enter>");

    let v = h.store().get(id).unwrap().unwrap();
    assert_eq!(v.district.code, "12.06");
    assert_eq!(v.district.name, "Kabupaten Karo");
    assert_eq!(v.start.unwrap().to_rfc3339(), "2022-03-17T14:00:00+07:00");
    assert_eq!(
        v.venue,
        "Aula Kantor Bupati Karo, Jalan Let Jen Jamin Ginting, Kabanjahe"
    );
    assert_eq!(v.kind, VisitKind::Audiensi);
    assert!(v.purpose.starts_with("Audiensi optimalisasi"));
    assert_eq!(
        v.team,
        ["Sekretariat Kabinet", "Kantor Staf Presiden", "Kemenko PMK"]
    );
    let names: Vec<_> = v.attendees.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Cory Sriwaty Sebayang",
            "Theopilus Ginting",
            "Abetnego Tarigan",
            "La Ode Muhamad Talib",
            "Aang Supono"
        ]
    );
    let sides: Vec<_> = v.attendees.iter().map(|a| a.side).collect();
    use Side::*;
    assert_eq!(
        sides,
        [
            RegionalGovernment,
            RegionalGovernment,
            VisitingTeam,
            VisitingTeam,
            Bpjamsostek
        ]
    );
    assert!(v.attendees.iter().all(|a| a.presence == Presence::InPerson));
    assert_eq!(v.attendees[2].post, "Deputi II Bidang Pembangunan Manusia");
    let chair = v.answers.get("chair").map(|a| a.value.clone());
    assert_eq!(
        chair,
        Some(pantau::domain::AnswerValue::Attendee(v.attendees[2].id))
    );

    assert_eq!(v.obstacles.len(), 1);
    let o = &v.obstacles[0];
    assert_eq!(o.category, ObstacleCategory::Budget);
    assert_eq!(o.severity, 3);
    assert_eq!(o.raised_by, Some(v.attendees[0].id));
    assert_eq!(o.strategy, Some(v.strategies[3].id));
    assert_eq!(o.notes, "Akan dibahas dengan Bappeda");

    let s4 = &v.strategies[3];
    assert_eq!(s4.status, StrategyStatus::InProgress);
    assert_eq!(s4.commitment, "Mendaftarkan seluruh honorer pada APBD 2023");
    assert_eq!(s4.person_in_charge, "Kepala BKPSDM");
    assert_eq!(s4.target_date.unwrap().to_string(), "2022-12-31");

    assert_eq!(v.handovers.len(), 3);
    assert_eq!(v.handovers[0].kind, HandoverKind::DeathBenefitClaim);
    assert_eq!(v.handovers[0].subject, "Brian Adam Sitepu");
    assert_eq!(v.handovers[1].employer, "CU Merdeka");
    assert_eq!(v.handovers[2].kind, HandoverKind::MembershipCertificate);
    for ho in &v.handovers {
        assert_eq!(ho.handed_by, [v.attendees[0].id, v.attendees[2].id]);
    }
    assert_eq!(v.figures.len(), 1);
    assert_eq!(
        (v.figures[0].value, v.figures[0].scope),
        (86.0, Scope::National)
    );
    assert_eq!(v.notes.len(), 2);
    assert!(
        v.notes
            .iter()
            .all(|n| n.at.to_rfc3339() == "2022-03-17T14:00:00+07:00")
    );
    assert!(matches!(
        v.answers.get("commitments").map(|a| &a.value),
        Some(pantau::domain::AnswerValue::Text(t)) if t.starts_with("Pemkab Karo menyiapkan")
    ));
    assert_eq!(
        v.answers.get("six_monthly_report").map(|a| &a.value),
        Some(&pantau::domain::AnswerValue::YesPartialNo(
            pantau::domain::YesPartialNo::Yes
        ))
    );
    assert_eq!(v.status, VisitStatus::Final);
    // The digest covers the history's head as well (issue 14).
    let f = v.finalisation.as_ref().unwrap();
    assert_eq!(f.digest, pantau::domain::digest_chained(&v, &f.chain));
    assert!(v.problems().is_empty(), "{:?}", v.problems());
    assert!(h.store().check().is_clean());

    // Back in the list the visit shows as final.
    h.keys("<esc>");
    assert!(h.screen(100, 30).contains("12.06 Kabupaten Karo"));
    assert!(h.screen(100, 30).contains("final"));
}

#[test]
fn people_met_in_earlier_visits_to_the_district_are_suggested() {
    let mut h = Harness::with_demo(Lang::Id);
    h.keys("n<enter>12.06 Kabupaten Karo<esc>");
    h.keys("2aCor");
    let screen = h.screen(100, 30);
    assert!(
        screen.contains("↳ Cory Sriwaty Sebayang — Bupati Karo"),
        "{screen}"
    );
    h.keys("<down><enter>");
    let v = stored(&h);
    assert_eq!(v.attendees.len(), 1);
    assert_eq!(v.attendees[0].name, "Cory Sriwaty Sebayang");
    assert_eq!(v.attendees[0].post, "Bupati Karo");
    assert_eq!(v.attendees[0].side, Side::RegionalGovernment);
    let demo = pantau::demo::karo_visit();
    assert_ne!(
        v.attendees[0].id, demo.attendees[0].id,
        "a new item, not the old visit's"
    );
}

#[test]
fn answers_show_by_section_in_the_detail_and_edits_in_the_history() {
    let mut h = new_interview();
    h.keys("<enter>12.06 Kabupaten Karo<esc>3<enter>k<enter>");
    h.keys("<esc><esc>");
    // Back in the list: open the detail, then the edit history.
    h.keys("<enter>");
    let detail = h.screen(100, 50);
    assert!(detail.contains("Regulasi dan anggaran"), "{detail}");
    assert!(
        detail.contains("sebagian") || detail.contains("ya") || detail.contains("tidak"),
        "{detail}"
    );
    h.keys("a");
    assert_eq!(h.app.screen, Screen::Audit);
    let history = h.screen(100, 40);
    // Fields by their labels, not their paths (issue 14).
    assert!(history.contains("Kabupaten/kota · Kode"), "{history}");
    assert!(history.contains("auditor"));
    h.keys("<esc>");
    assert_eq!(h.app.screen, Screen::Detail);
}

#[test]
fn a_later_visit_shows_what_earlier_visits_left_open() {
    let mut h = Harness::with_demo(Lang::Id);
    h.app
        .tick(chrono::DateTime::parse_from_rfc3339("2023-03-20T10:00:00+07:00").unwrap());
    h.keys("n<enter>12.06 Kabupaten Karo<esc>8");
    let screen = h.screen(120, 50);
    assert!(
        screen.contains("Masih terbuka dari kunjungan sebelumnya (4)"),
        "{screen}"
    );
    assert!(
        screen.contains("17 Maret 2022: 4. Mendaftarkan seluruh pekerja honorer"),
        "{screen}"
    );
    // Another district's visit shows none of them.
    let mut h = Harness::with_demo(Lang::Id);
    h.keys("n<enter>12.11 Kabupaten Dairi<esc>8");
    assert!(!h.screen(120, 50).contains("Masih terbuka"));
}

#[test]
fn the_board_shows_a_status_changed_in_the_interview() {
    let mut h = Harness::with_demo(Lang::Id);
    h.keys("b");
    assert!(h.app.followups.is_some());
    assert!(!h.screen(100, 30).contains("proses"));
    // Change strategy 1's status in the interview, then come back to the board.
    h.keys("<esc>e8<enter>j<enter><down><enter><esc><esc><esc>");
    assert_eq!(h.app.screen, Screen::List);
    let v = h
        .store()
        .get(pantau::demo::karo_visit().id)
        .unwrap()
        .unwrap();
    assert_eq!(v.strategies[0].status, StrategyStatus::InProgress);
    assert!(
        !h.app.followups_dirty.is_empty(),
        "the board's facts are refreshed lazily"
    );
    h.keys("b");
    assert!(h.app.followups_dirty.is_empty());
    let screen = h.screen(100, 30);
    assert!(screen.contains("proses"), "{screen}");
}

#[test]
fn an_unknown_district_code_is_refused_with_the_nearest_names_and_a_bare_code_gets_its_name() {
    let mut h = new_interview();
    h.keys("<enter>12.99 Kabupaten Fiktif<enter>");
    let screen = h.screen(120, 30);
    assert!(
        screen.contains("kode 12.99 tidak ada dalam daftar Kemendagri"),
        "{screen}"
    );
    assert!(stored(&h).district.code.is_empty());
    h.keys("<c-u>12.08<enter>");
    let v = stored(&h);
    assert_eq!(
        (v.district.code.as_str(), v.district.name.as_str()),
        ("12.08", "Kabupaten Simalungun")
    );
}

#[test]
fn every_key_refused_on_a_final_visit_says_why() {
    let mut h = new_interview();
    h.keys("FRapat singkat<enter>");
    assert_eq!(stored(&h).status, VisitStatus::Final);
    for key in ["<enter>", "2a", "x", "n"] {
        h.app.status = pantau::app::Status::None;
        h.keys(key);
        let screen = h.screen(100, 30);
        assert!(
            screen.contains("kunjungan sudah final — A untuk amandemen"),
            "{key}: {screen}"
        );
    }
    // The key bar offers amending, not editing.
    let bar = h.screen(100, 30);
    let bar = bar.lines().rev().nth(1).unwrap();
    assert!(
        bar.contains("A amandemen") || bar.contains("amandemen"),
        "{bar}"
    );
    assert!(!bar.contains("a tambah"), "{bar}");
    // An unbound key in the interview says so too.
    h.keys("AKoreksi<enter>");
    h.app.status = pantau::app::Status::None;
    h.keys("z");
    assert!(
        h.screen(100, 30)
            .contains("tombol ini tidak dipakai di sini")
    );
}

#[test]
fn help_in_the_interview_starts_with_the_interview_keys_and_pages() {
    let mut h = new_interview();
    h.keys("?");
    let first = h.screen(80, 24);
    let heading = first.lines().nth(2).unwrap();
    assert!(heading.contains("Wawancara"), "{first}");
    assert!(!first.contains("context."), "{first}");
    h.keys("<pgdn>");
    let second = h.screen(80, 24);
    assert_ne!(first, second, "PgDn scrolls the help");
    h.keys("<home>");
    assert_eq!(h.screen(80, 24), first);
    h.keys("<end>");
    assert!(
        h.screen(80, 24).contains("Pencarian"),
        "the end of the help"
    );
}

#[test]
fn notes_are_seen_corrected_and_deleted_from_the_notes_panel_and_ctrl_n_returns_to_the_field() {
    let mut h = new_interview();
    h.keys("<enter>12.06 Kabupaten Karo<enter><esc>j<enter>Aula<c-n>Bupati membuka rapat<enter>");
    // Back in the venue's editor after the note.
    h.keys(" Kantor Bupati<enter>");
    assert_eq!(stored(&h).venue, "Aula Kantor Bupati");
    h.keys("<esc>3nPerbup sedang disusun<enter>N");
    let screen = h.screen(100, 30);
    assert!(
        screen.contains("14.00 · Identitas kunjungan · Bupati membuka rapat"),
        "{screen}"
    );
    assert!(
        screen.contains("14.00 · Regulasi dan anggaran · Perbup sedang disusun"),
        "{screen}"
    );
    let before = h.store().audit(stored(&h).id).unwrap().len();
    h.keys("j<enter><c-u>Perbup sudah di DPRD<enter>");
    let v = stored(&h);
    assert_eq!(v.notes.len(), 2);
    assert_eq!(v.notes[1].text, "Perbup sudah di DPRD");
    // The correction closes back onto the panel, on the corrected note.
    let panel = h.screen(100, 30);
    assert!(
        panel.contains("14.00 · Regulasi dan anggaran · Perbup sudah di DPRD"),
        "{panel}"
    );
    h.keys("kx");
    let v = stored(&h);
    assert_eq!(v.notes.len(), 1);
    assert_eq!(v.notes[0].text, "Perbup sudah di DPRD");
    assert_eq!(
        h.store().audit(v.id).unwrap().len(),
        before + 2,
        "edit and delete audited"
    );
}

#[test]
fn the_start_of_a_new_visit_starts_empty_and_enter_takes_now() {
    let mut h = new_interview();
    assert!(stored(&h).start.is_none());
    h.keys("<enter>12.06 Kabupaten Karo<enter>");
    let screen = h.screen(100, 30);
    assert!(
        screen.contains("Enter saja = sekarang (Kamis, 17 Maret 2022 pukul 14.00 WIB)"),
        "{screen}"
    );
    h.keys("<enter>");
    assert_eq!(
        stored(&h).start.unwrap().to_rfc3339(),
        "2022-03-17T14:00:00+07:00"
    );
}
