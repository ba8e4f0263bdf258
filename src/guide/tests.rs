use super::*;
use crate::i18n::Lang;

#[test]
fn shipped_guide_parses_and_validates_clean() {
    let g = match load_default() {
        Ok(g) => g,
        Err(errs) => panic!(
            "{}",
            errs.iter()
                .map(|e| e.display("inpres-2-2021.toml", Lang::En))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    };
    assert_eq!(g.id, "inpres-2-2021");
    assert_eq!(g.version, 1);
}

use crate::domain::{Answer, AnswerValue, Attendee, District, Visit, YesPartialNo};
use chrono::Utc;
use uuid::Uuid;

fn guide() -> Guide {
    load_default().expect("shipped guide")
}

fn blank_visit() -> Visit {
    Visit::new(
        Uuid::nil(),
        District::new("12.06", "Kabupaten Karo"),
        Utc::now(),
    )
}

fn answer(v: &mut Visit, id: &str, value: AnswerValue) {
    v.answers.insert(id.into(), Answer::new(value));
}

fn ynp(x: YesPartialNo) -> AnswerValue {
    AnswerValue::YesPartialNo(x)
}

#[test]
fn relevance_follows_yes_partial_no_answers_and_chains() {
    let g = guide();
    let q = |id: &str| g.question(id).unwrap().1;
    let mut v = blank_visit();
    assert!(g.is_relevant(q("reg_exists"), &v));
    assert!(
        !g.is_relevant(q("reg_type"), &v),
        "not asked before the answer"
    );
    answer(&mut v, "reg_exists", ynp(YesPartialNo::Partial));
    assert!(g.is_relevant(q("reg_type"), &v));
    assert!(!g.is_relevant(q("reg_sanctions_opd"), &v));
    answer(&mut v, "reg_sanctions", ynp(YesPartialNo::Yes));
    assert!(g.is_relevant(q("reg_sanctions_opd"), &v));
    // Changing the first answer hides the whole chain; the later answers are kept.
    answer(&mut v, "reg_exists", ynp(YesPartialNo::No));
    assert!(!g.is_relevant(q("reg_sanctions"), &v));
    assert!(!g.is_relevant(q("reg_sanctions_opd"), &v));
    assert!(v.answers.contains_key("reg_sanctions"));
}

#[test]
fn progress_counts_relevant_required_questions_and_list_minimums() {
    let g = guide();
    let sec = |id: &str| g.section(id).unwrap();
    let mut v = blank_visit();
    let p = g.section_progress(sec("regulasi_anggaran"), &v);
    assert_eq!(
        (p.answered, p.required),
        (0, 3),
        "reg_exists, rkpd, apbd_allocated"
    );
    answer(&mut v, "reg_exists", ynp(YesPartialNo::Yes));
    answer(&mut v, "apbd_allocated", ynp(YesPartialNo::Yes));
    answer(&mut v, "apbd_amount", AnswerValue::Money(1_000_000));
    let p = g.section_progress(sec("regulasi_anggaran"), &v);
    // + reg_type, reg_sanctions, apbd_amount, apbd_year now asked and required.
    assert_eq!((p.answered, p.required), (3, 7));
    assert!(!p.is_complete());

    // The identity section reads the visit's own fields; kind always has a value.
    let p = g.section_progress(sec("identitas"), &v);
    assert_eq!(
        (p.answered, p.required),
        (2, 4),
        "district and kind; start and venue missing"
    );

    let p = g.section_progress(sec("peserta"), &v);
    assert_eq!((p.answered, p.required), (0, 1));
    v.attendees
        .push(Attendee::new(Uuid::from_u128(1), "Cory S. Sebayang"));
    assert!(g.section_progress(sec("peserta"), &v).is_complete());

    let p = g.section_progress(sec("kendala"), &v);
    assert_eq!((p.answered, p.required), (0, 0), "obstacles are optional");
}

#[test]
fn computed_ratio_counts_once_both_numbers_are_there() {
    let g = guide();
    let (_, q) = g.question("non_asn_coverage").unwrap();
    let mut v = blank_visit();
    assert_eq!(g.value(q, &v), None);
    answer(&mut v, "non_asn_total", AnswerValue::Number(400));
    answer(&mut v, "non_asn_registered", AnswerValue::Number(300));
    let value = g.value(q, &v).unwrap();
    assert_eq!(
        value,
        AnswerValue::Ratio {
            part: 300,
            whole: 400
        }
    );
    assert_eq!(value.percent(), Some(75.0));
    assert_eq!(
        g.set_value(q, &mut v, Some(value)),
        Err(AnswerError::Computed)
    );
}

#[test]
fn validate_answer_checks_type_and_constraints() {
    let g = guide();
    let q = |id: &str| g.question(id).unwrap().1;
    assert_eq!(
        q("non_asn_total").validate_answer(&AnswerValue::Number(5)),
        Ok(())
    );
    let e = q("non_asn_total")
        .validate_answer(&AnswerValue::Number(-1))
        .unwrap_err();
    assert_eq!(e.message(Lang::En), "must be at least 0");
    let e = q("apbd_year")
        .validate_answer(&AnswerValue::Number(2020))
        .unwrap_err();
    assert_eq!(
        e.message(Lang::Id),
        "Tahun anggaran antara 2021 (Inpres terbit) dan 2100.",
        "the guide's own message wins"
    );
    let e = q("coverage_formal")
        .validate_answer(&AnswerValue::Percentage(101.0))
        .unwrap_err();
    assert_eq!(e.message(Lang::Id), "persentase 101 % di luar 0–100");
    let e = q("non_asn_coverage")
        .validate_answer(&AnswerValue::Ratio { part: 5, whole: 4 })
        .unwrap_err();
    assert_eq!(e.message(Lang::En), "5 is more than the total (4)");
    let e = q("non_asn_programmes")
        .validate_answer(&AnswerValue::Choices(vec!["jkk".into(), "jkn".into()]))
        .unwrap_err();
    assert_eq!(e, AnswerError::UnknownOption("jkn".into()));
    let e = q("reg_exists")
        .validate_answer(&AnswerValue::Number(1))
        .unwrap_err();
    assert_eq!(
        e.message(Lang::En),
        "the stored answer does not fit the question type (yes_partial_no)"
    );
}

#[test]
fn check_lists_missing_required_and_invalid_answers_in_order() {
    let g = guide();
    let mut v = blank_visit();
    answer(&mut v, "non_asn_total", AnswerValue::Number(10));
    answer(&mut v, "non_asn_registered", AnswerValue::Number(12));
    answer(&mut v, "chair", AnswerValue::Attendee(Uuid::from_u128(99)));
    let items = g.check(&v);
    let lines: Vec<String> = items
        .iter()
        .map(|i| {
            format!(
                "{}/{}: {}",
                i.section,
                i.question.as_deref().unwrap_or("-"),
                i.message(Lang::En)
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            "identitas/start: required",
            "identitas/venue: required",
            "identitas/chair: the chosen person is not in the attendee list",
            "peserta/-: at least 1 needed, 0 so far",
            "regulasi_anggaran/reg_exists: required",
            "regulasi_anggaran/rkpd: required",
            "regulasi_anggaran/apbd_allocated: required",
            "kepesertaan_non_asn/non_asn_coverage: 12 is more than the total (10)",
            "pekerja_rentan/vuln_paid: required",
            "ptsp_kepatuhan/ptsp_requires: required",
            "strategi/-: at least 4 needed, 0 so far",
            "tindak_lanjut/commitments: required",
            "tindak_lanjut/six_monthly_report: required",
        ]
    );
    let missing: Vec<&str> = g
        .missing_required(&v)
        .iter()
        .map(|(_, q)| q.id.as_str())
        .collect();
    assert_eq!(missing.len(), 9);
    assert_eq!(missing[0], "start");
}

#[test]
fn the_karo_demo_visit_has_the_guide_and_the_four_strategies() {
    let g = guide();
    let v = crate::demo::karo_visit();
    assert!(g.is_for(&v.guide));
    let texts: Vec<&str> = v.strategies.iter().map(|s| s.text.as_str()).collect();
    let ours: Vec<String> = g
        .strategies_for_new_visit(Uuid::now_v7)
        .into_iter()
        .map(|s| s.text)
        .collect();
    assert_eq!(texts, ours);
    let p = g.section_progress(g.section("identitas").unwrap(), &v);
    assert_eq!((p.answered, p.required), (4, 4));
    assert!(g.orphan_answers(&v).is_empty());
}

#[test]
fn a_new_visit_is_started_with_the_guide() {
    let g = guide();
    let mut v = blank_visit();
    v.guide.version = 0;
    let mut n = 0u128;
    g.start_visit(&mut v, || {
        n += 1;
        Uuid::from_u128(n)
    });
    assert_eq!(v.guide, g.guide_ref());
    assert_eq!(v.strategies.len(), 4);
    assert_eq!(v.strategies[3].standard, Some(4));
    assert_eq!(v.strategies[3].id, Uuid::from_u128(4));
    assert!(
        v.strategies[0]
            .text
            .starts_with("Pengawasan terhadap pelaku usaha")
    );
    // Starting again never replaces strategies already there.
    v.strategies[0].commitment = "Perbup 2022".into();
    g.start_visit(&mut v, Uuid::now_v7);
    assert_eq!(v.strategies[0].commitment, "Perbup 2022");
}

#[test]
fn set_value_writes_bound_fields_and_answers_keeping_notes() {
    let g = guide();
    let q = |id: &str| g.question(id).unwrap().1;
    let mut v = blank_visit();
    g.set_value(
        q("district"),
        &mut v,
        Some(AnswerValue::Text(
            "81.01 Kabupaten Maluku Tenggara Barat".into(),
        )),
    )
    .unwrap();
    assert_eq!(v.district.code, "81.01");
    assert_eq!(v.district.province, "Maluku");
    assert_eq!(
        g.set_value(
            q("district"),
            &mut v,
            Some(AnswerValue::Text("Karo".into()))
        ),
        Err(AnswerError::BadDistrict("Karo".into()))
    );
    g.set_value(
        q("team"),
        &mut v,
        Some(AnswerValue::Text("Setkab, Kemenko PMK; Kemendagri".into())),
    )
    .unwrap();
    assert_eq!(v.team, ["Setkab", "Kemenko PMK", "Kemendagri"]);
    g.set_value(
        q("kind"),
        &mut v,
        Some(AnswerValue::Choice("daring".into())),
    )
    .unwrap();
    assert_eq!(v.kind, crate::domain::VisitKind::Daring);
    assert_eq!(
        g.set_value(q("venue"), &mut v, Some(AnswerValue::Number(3))),
        Err(AnswerError::WrongType { expected: "text" })
    );

    g.set_value(q("rkpd"), &mut v, Some(ynp(YesPartialNo::Yes)))
        .unwrap();
    v.answers.get_mut("rkpd").unwrap().note = "RKPD 2023".into();
    g.set_value(q("rkpd"), &mut v, Some(ynp(YesPartialNo::No)))
        .unwrap();
    assert_eq!(v.answers["rkpd"].note, "RKPD 2023");
    g.set_value(q("rkpd"), &mut v, None).unwrap();
    assert!(!g.is_answered(q("rkpd"), &v), "cleared");
    assert_eq!(v.answers["rkpd"].note, "RKPD 2023", "the note survives");
    g.set_value(
        q("funding_other"),
        &mut v,
        Some(AnswerValue::Choices(vec![])),
    )
    .unwrap();
    assert!(g.is_answered(q("funding_other"), &v), "explicit none");
    g.set_value(q("funding_other"), &mut v, None).unwrap();
    assert!(!v.answers.contains_key("funding_other"));
}

#[test]
fn answers_from_another_guide_version_are_kept_and_listed() {
    let g = guide();
    let mut v = blank_visit();
    answer(&mut v, "old_question", AnswerValue::Text("x".into()));
    assert_eq!(g.orphan_answers(&v), ["old_question"]);
    assert!(
        g.check(&v)
            .iter()
            .all(|i| i.question.as_deref() != Some("old_question"))
    );
}

#[test]
fn local_text_falls_back_to_indonesian() {
    let t = LocalText::new("Peserta");
    assert_eq!(t.get(Lang::En), "Peserta");
    let t = LocalText {
        id: "Peserta".into(),
        en: Some("Attendees".into()),
    };
    assert_eq!(t.get(Lang::En), "Attendees");
    assert_eq!(t.get(Lang::Id), "Peserta");
}

mod loader_never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn on_any_text(s in any::<String>()) {
            let _ = parse(&s);
        }

        #[test]
        fn on_mutations_of_the_shipped_guide(at in 0usize..DEFAULT_SOURCE.len(), len in 0usize..40, junk in "[\\[\\]{}=\",a-z0-9 \n]{0,8}") {
            let mut s = DEFAULT_SOURCE.to_string();
            let mut start = at.min(s.len());
            while !s.is_char_boundary(start) { start -= 1; }
            let mut end = (start + len).min(s.len());
            while !s.is_char_boundary(end) { end -= 1; }
            s.replace_range(start..end, &junk);
            if let Err(errs) = parse(&s) {
                for e in errs {
                    prop_assert!(e.line >= 1 && e.col >= 1);
                    let _ = e.message(Lang::Id);
                }
            }
        }
    }
}
