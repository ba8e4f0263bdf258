use super::*;
use crate::guide::load_default;

fn cx() -> InputContext<'static> {
    InputContext::default()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

#[test]
fn numbers_accept_indonesian_and_unambiguous_english_grouping() {
    for (s, n) in [
        ("1250", 1250),
        ("1.250", 1250),
        ("1.250.000", 1_250_000),
        ("1 250 000", 1_250_000),
        ("1,250,000", 1_250_000),
        ("  42 ", 42),
        ("-3", -3),
        ("0", 0),
        ("007", 7),
        ("12,0", 12),
        ("1.250,00", 1250),
        ("9.223.372.036.854.775.807", i64::MAX),
    ] {
        assert_eq!(parse_number(s), Ok(n), "{s}");
    }
}

#[test]
fn numbers_refuse_fractions_bad_grouping_and_junk() {
    assert_eq!(
        parse_number("12,5"),
        Err(InputError::NotWhole("12,5".into()))
    );
    // "1,250" is 1.25 in Indonesian: refused rather than guessed.
    assert_eq!(
        parse_number("1,250"),
        Err(InputError::NotWhole("1,250".into()))
    );
    assert_eq!(
        parse_number("12.5"),
        Err(InputError::NotWhole("12.5".into()))
    );
    assert_eq!(
        parse_number("1.25.000"),
        Err(InputError::BadGrouping("1.25.000".into()))
    );
    assert_eq!(
        parse_number("1.250,000,5"),
        Err(InputError::BadGrouping("1.250,000,5".into()))
    );
    assert_eq!(
        parse_number("dua"),
        Err(InputError::NotANumber("dua".into()))
    );
    assert_eq!(
        parse_number("12a"),
        Err(InputError::NotANumber("12a".into()))
    );
    assert_eq!(parse_number("."), Err(InputError::NotANumber(".".into())));
    assert_eq!(parse_number("-"), Err(InputError::NotANumber("-".into())));
    assert_eq!(
        parse_number("9223372036854775808"),
        Err(InputError::TooLarge)
    );
    assert_eq!(parse_number(&"9".repeat(40)), Err(InputError::TooLarge));
    let msg = InputError::NotWhole("1,250".into()).message(Lang::Id);
    assert!(msg.contains("1.250"), "{msg}");
}

#[test]
fn money_reads_rupiah_as_written() {
    for (s, n) in [
        ("1.250.000", 1_250_000),
        ("Rp 1.250.000", 1_250_000),
        ("Rp1.250.000", 1_250_000),
        ("rp. 1.250.000,-", 1_250_000),
        ("Rp 1.250.000,00", 1_250_000),
        ("IDR 1,250,000", 1_250_000),
        ("1,25 jt", 1_250_000),
        ("1,25jt", 1_250_000),
        ("1.5 juta", 1_500_000),
        ("750 rb", 750_000),
        ("750 ribu", 750_000),
        ("1,2 M", 1_200_000_000),
        ("2 miliar", 2_000_000_000),
        ("3 T", 3_000_000_000_000),
        ("Rp 16.800", 16_800),
        ("0", 0),
    ] {
        assert_eq!(parse_money(s), Ok(n), "{s}");
    }
    assert_eq!(
        parse_money("1,2345678 jt"),
        Err(InputError::FractionOfRupiah)
    );
    assert_eq!(
        parse_money("Rp 12,5"),
        Err(InputError::NotWhole("Rp 12,5".into()))
    );
    assert_eq!(parse_money("Rp"), Err(InputError::NotANumber("Rp".into())));
    assert_eq!(
        parse_money("sejuta"),
        Err(InputError::NotANumber("sejuta".into()))
    );
    assert_eq!(parse_money("99999999 T"), Err(InputError::TooLarge));
}

#[test]
fn percentages_take_either_decimal_mark_and_stay_within_0_to_100() {
    for (s, p) in [
        ("12,5", 12.5),
        ("12.5%", 12.5),
        ("12,5 %", 12.5),
        ("86", 86.0),
        ("100", 100.0),
        ("0", 0.0),
        ("86 persen", 86.0),
        ("0,125", 0.125),
    ] {
        assert_eq!(parse_percentage(s), Ok(p), "{s}");
    }
    assert_eq!(
        parse_percentage("120"),
        Err(InputError::PercentOutOfRange("120".into()))
    );
    assert_eq!(
        parse_percentage("100,1 %"),
        Err(InputError::PercentOutOfRange("100,1 %".into()))
    );
    assert_eq!(
        parse_percentage("-5"),
        Err(InputError::PercentOutOfRange("-5".into()))
    );
    assert_eq!(
        parse_percentage("%"),
        Err(InputError::NotANumber("%".into()))
    );
    assert_eq!(
        parse_percentage("1.000,5"),
        Err(InputError::PercentOutOfRange("1.000,5".into()))
    );
    let m = InputError::PercentOutOfRange("120".into()).message(Lang::En);
    assert_eq!(m, "\"120\": a percentage must be between 0 and 100");
}

#[test]
fn dates_are_typed_naturally() {
    let karo = date(2022, 3, 17);
    for s in [
        "17/3/2022",
        "17/03/2022",
        "17-03-2022",
        "17.03.2022",
        "2022-03-17",
        "2022/3/17",
        "17 Maret 2022",
        "17 maret 2022",
        "17 Mar 2022",
        "17 March 2022",
        "March 17, 2022",
        "Kamis, 17 Maret 2022",
        "tanggal 17 Maret 2022",
        "17-Mar-2022",
        "17/3/22",
        "20220317",
    ] {
        assert_eq!(parse_date(s, &cx()), Ok(karo), "{s}");
    }
    assert_eq!(parse_date("1 Agustus 2022", &cx()), Ok(date(2022, 8, 1)));
    assert_eq!(parse_date("31 Des 2021", &cx()), Ok(date(2021, 12, 31)));
    assert_eq!(parse_date("29/2/2024", &cx()), Ok(date(2024, 2, 29)));
}

#[test]
fn typod_dates_get_clear_errors_in_both_languages() {
    let e = parse_date("31/2/2022", &cx()).unwrap_err();
    assert_eq!(
        e,
        InputError::NoSuchDay {
            day: 31,
            month: 2,
            year: 2022
        }
    );
    assert_eq!(
        e.message(Lang::Id),
        "tanggal 31 tidak ada pada bulan Februari 2022"
    );
    assert_eq!(e.message(Lang::En), "February 2022 has no day 31");
    assert_eq!(
        parse_date("29/2/2022", &cx()),
        Err(InputError::NoSuchDay {
            day: 29,
            month: 2,
            year: 2022
        })
    );
    // Month-first (US) order is refused with a hint, not silently swapped.
    let e = parse_date("3/17/2022", &cx()).unwrap_err();
    assert_eq!(e, InputError::NoSuchMonth(17));
    assert!(e.message(Lang::En).contains("day/month/year"));
    assert_eq!(
        parse_date("0/3/2022", &cx()).unwrap_err(),
        InputError::NoSuchDay {
            day: 0,
            month: 3,
            year: 2022
        }
    );
    assert_eq!(
        parse_date("17/3/20222", &cx()),
        Err(InputError::BadDate("17/3/20222".into()))
    );
    assert_eq!(
        parse_date("17/3/1800", &cx()),
        Err(InputError::BadYear(1800))
    );
    assert_eq!(
        parse_date("17 Maretz 2022", &cx()),
        Err(InputError::BadDate("17 Maretz 2022".into()))
    );
    assert_eq!(
        parse_date("17 Maret", &cx()),
        Err(InputError::BadDate("17 Maret".into()))
    );
    assert_eq!(
        parse_date("17/3/2022 14.00", &cx()),
        Err(InputError::BadDate("17/3/2022 14.00".into()))
    );
    assert_eq!(parse_date("kemarin", &cx()), Err(InputError::NoToday));
    let today = cx().with_today(date(2022, 3, 17));
    assert_eq!(parse_date("hari ini", &today), Ok(date(2022, 3, 17)));
    assert_eq!(parse_date("kemarin", &today), Ok(date(2022, 3, 16)));
}

#[test]
fn datetimes_carry_a_zone_defaulting_to_the_context() {
    let karo = at("2022-03-17T14:00:00+07:00");
    for s in [
        "17/3/2022 14.00",
        "17/3/2022 14:00",
        "17/3/2022, 14.00",
        "2022-03-17 14:00 WIB",
        "2022-03-17T14:00",
        "2022-03-17T14:00:00+07:00",
        "Kamis, 17 Maret 2022 pukul 14.00 WIB",
        "17 Maret 2022 jam 14 WIB",
        "17/3/2022 1400",
        "17/3/2022 2 pm",
        "17/3/2022 2pm",
        "17/3/2022 14.00 UTC+7",
        "17/3/2022 14:00+07:00",
        "17/3/2022 14.00wib",
    ] {
        assert_eq!(parse_datetime(s, &cx()), Ok(karo), "{s}");
    }
    assert_eq!(
        parse_datetime("17/3/2022 14.00 WITA", &cx()),
        Ok(at("2022-03-17T14:00:00+08:00"))
    );
    assert_eq!(
        parse_datetime("17/3/2022 9.30.15 WIT", &cx()),
        Ok(at("2022-03-17T09:30:15+09:00"))
    );
    // Without a zone the province's zone applies (Maluku: WIT).
    let mut v = crate::demo::karo_visit();
    v.district = crate::domain::District::new("81.01", "Kabupaten Maluku Tenggara Barat");
    assert_eq!(
        parse_datetime("17/3/2022 14.00", &InputContext::for_visit(&v)),
        Ok(at("2022-03-17T14:00:00+09:00"))
    );
    assert_eq!(
        parse_datetime("12/1/2023 12 am", &cx()),
        Ok(at("2023-01-12T00:00:00+07:00"))
    );
}

#[test]
fn datetime_errors_say_what_is_wrong() {
    assert_eq!(
        parse_datetime("17/3/2022", &cx()),
        Err(InputError::MissingTime)
    );
    assert_eq!(
        parse_datetime("31/2/2022 14.00", &cx()),
        Err(InputError::NoSuchDay {
            day: 31,
            month: 2,
            year: 2022
        })
    );
    assert_eq!(
        parse_datetime("17/3/2022 25.00", &cx()),
        Err(InputError::BadTime("17/3/2022 25.00".into()))
    );
    assert_eq!(
        parse_datetime("17/3/2022 14.60", &cx()),
        Err(InputError::BadTime("17/3/2022 14.60".into()))
    );
    assert_eq!(
        parse_datetime("17/3/2022 14.0", &cx()),
        Err(InputError::BadTime("17/3/2022 14.0".into()))
    );
    assert_eq!(
        parse_datetime("17/3/2022 13 pm", &cx()),
        Err(InputError::BadTime("17/3/2022 13 pm".into()))
    );
    assert_eq!(
        parse_datetime("17/3/2022 14.00 EST", &cx()),
        Err(InputError::UnknownZone("est".into()))
    );
    assert_eq!(
        parse_datetime("17/3/2022 14.00 WIB extra", &cx()),
        Err(InputError::UnknownZone("extra".into()))
    );
    assert_eq!(
        parse_zone("UTC+15"),
        Err(InputError::UnknownZone("UTC+15".into()))
    );
    assert_eq!(parse_zone("+05:30").map(|z| z.local_minus_utc()), Ok(19800));
    assert!(
        InputError::MissingTime
            .message(Lang::Id)
            .starts_with("jam belum ditulis")
    );
}

#[test]
fn yes_partial_no_has_short_forms_in_both_languages() {
    assert_eq!(parse_yes_partial_no("Ya"), Ok(YesPartialNo::Yes));
    assert_eq!(parse_yes_partial_no("y"), Ok(YesPartialNo::Yes));
    assert_eq!(parse_yes_partial_no("s"), Ok(YesPartialNo::Partial));
    assert_eq!(parse_yes_partial_no("partly"), Ok(YesPartialNo::Partial));
    assert_eq!(parse_yes_partial_no("t"), Ok(YesPartialNo::No));
    assert_eq!(parse_yes_partial_no("belum"), Ok(YesPartialNo::No));
    assert_eq!(
        parse_yes_partial_no("mungkin"),
        Err(InputError::NotYesNo("mungkin".into()))
    );
}

#[test]
fn choices_match_keys_labels_numbers_and_prefixes() {
    let g = load_default().unwrap();
    let l = &g.choices["programmes"];
    assert_eq!(parse_choice(l, "jkm").as_deref(), Ok("jkm"));
    assert_eq!(parse_choice(l, "4").as_deref(), Ok("jp"));
    assert_eq!(
        parse_choice(l, "JKP — Jaminan Kehilangan Pekerjaan").as_deref(),
        Ok("jkp")
    );
    assert_eq!(
        parse_choice(l, "jk"),
        Err(InputError::AmbiguousOption("jk".into()))
    );
    assert_eq!(
        parse_choice(l, "jkn"),
        Err(InputError::UnknownOption("jkn".into()))
    );
    assert_eq!(
        parse_choice(l, "9"),
        Err(InputError::UnknownOption("9".into()))
    );
    assert_eq!(
        parse_choices(l, "JKK, jkm; JKK, 3"),
        Ok(vec!["jkk".into(), "jkm".into(), "jht".into()])
    );
    assert_eq!(parse_choices(l, "-"), Ok(vec![]));
    assert_eq!(parse_choices(l, "tidak ada"), Ok(vec![]));
    assert_eq!(
        parse_choices(l, ", ,"),
        Err(InputError::UnknownOption(", ,".into()))
    );
    let sanctions = &g.choices["sanctions"];
    assert_eq!(parse_choice(sanctions, "denda").as_deref(), Ok("denda"));
    assert_eq!(parse_choice(sanctions, "fine").as_deref(), Ok("denda"));
}

#[test]
fn attendees_are_picked_by_name_or_number() {
    let v = crate::demo::karo_visit();
    let bupati = v.attendees[0].id;
    assert_eq!(parse_attendee(&v, "1"), Ok(bupati));
    assert_eq!(
        parse_attendee(&v, &v.attendees[0].name.to_uppercase()),
        Ok(bupati)
    );
    assert_eq!(
        parse_attendee(&v, "zzz"),
        Err(InputError::NoSuchAttendee("zzz".into()))
    );
    assert!(matches!(
        parse_attendee(&v, "a"),
        Err(InputError::AmbiguousAttendee(_))
    ));
}

#[test]
fn parse_answer_dispatches_on_the_question_type() {
    let g = load_default().unwrap();
    let q = |id: &str| g.question(id).unwrap().1;
    let c = cx();
    assert_eq!(
        parse_answer(q("non_asn_total"), "1.250", &c),
        Ok(Some(AnswerValue::Number(1250)))
    );
    assert_eq!(parse_answer(q("non_asn_total"), "   ", &c), Ok(None));
    assert_eq!(
        parse_answer(q("apbd_amount"), "Rp 1,25 M", &c),
        Ok(Some(AnswerValue::Money(1_250_000_000)))
    );
    assert_eq!(
        parse_answer(q("coverage_formal"), "12,5", &c),
        Ok(Some(AnswerValue::Percentage(12.5)))
    );
    assert_eq!(
        parse_answer(q("non_asn_coverage"), "50", &c),
        Err(InputError::Computed)
    );
    assert_eq!(
        parse_answer(q("reg_date"), "17/3/2022", &c),
        Ok(Some(AnswerValue::Date(date(2022, 3, 17))))
    );
    assert_eq!(
        parse_answer(q("kind"), "monev", &c),
        Ok(Some(AnswerValue::Choice("monev".into())))
    );
    assert_eq!(
        parse_answer(q("district"), "12.06 Kabupaten Karo", &c),
        Ok(Some(AnswerValue::Text("12.06 Kabupaten Karo".into())))
    );
    assert_eq!(
        parse_answer(q("district"), "Karo", &c),
        Err(InputError::BadDistrict("Karo".into()))
    );
    assert_eq!(
        parse_answer(q("chair"), "1", &c),
        Err(InputError::NoSuchAttendee("1".into()))
    );
    assert_eq!(
        parse_answer(q("commitments"), "  baris satu\nbaris dua  ", &c),
        Ok(Some(AnswerValue::Text("baris satu\nbaris dua".into())))
    );
}

#[test]
fn edit_text_reads_back_to_the_same_value() {
    let g = load_default().unwrap();
    let v = crate::demo::karo_visit();
    let c = InputContext::for_visit(&v);
    let cases = [
        (
            "reg_exists",
            AnswerValue::YesPartialNo(YesPartialNo::Partial),
        ),
        ("non_asn_total", AnswerValue::Number(1_234_567)),
        ("apbd_amount", AnswerValue::Money(1_250_000)),
        (
            "coverage_formal",
            AnswerValue::Percentage(33.333333333333336),
        ),
        ("reg_date", AnswerValue::Date(date(2022, 3, 17))),
        (
            "start",
            AnswerValue::DateTime(at("2022-03-17T14:00:30+05:30")),
        ),
        ("reg_type", AnswerValue::Choice("perkada".into())),
        (
            "non_asn_programmes",
            AnswerValue::Choices(vec!["jkk".into(), "jp".into()]),
        ),
        ("sanctions_applied", AnswerValue::Choices(vec![])),
        ("chair", AnswerValue::Attendee(v.attendees[1].id)),
    ];
    for lang in [Lang::Id, Lang::En] {
        for (id, value) in &cases {
            let q = g.question(id).unwrap().1;
            let text = edit_text(q, value, lang, Some(&v));
            assert_eq!(
                parse_answer(q, &text, &c),
                Ok(Some(value.clone())),
                "{id}: {text}"
            );
        }
    }
}

#[test]
fn display_is_unambiguous() {
    let g = load_default().unwrap();
    let q = |id: &str| g.question(id).unwrap().1;
    let show = |id: &str, v: AnswerValue, lang| display(q(id), &v, lang, None);
    assert_eq!(
        show("apbd_amount", AnswerValue::Money(1_250_000), Lang::En),
        "Rp 1.250.000"
    );
    assert_eq!(
        show("non_asn_total", AnswerValue::Number(1250), Lang::Id),
        "1.250 orang"
    );
    assert_eq!(
        show("coverage_formal", AnswerValue::Percentage(12.5), Lang::Id),
        "12,5 %"
    );
    assert_eq!(
        show("reg_date", AnswerValue::Date(date(2022, 3, 17)), Lang::Id),
        "17 Maret 2022"
    );
    assert_eq!(
        show(
            "start",
            AnswerValue::DateTime(at("2022-03-17T14:00:00+07:00")),
            Lang::En
        ),
        "Thursday, 17 March 2022 at 14:00 WIB"
    );
    assert_eq!(
        show(
            "non_asn_coverage",
            AnswerValue::Ratio {
                part: 30,
                whole: 40
            },
            Lang::Id
        ),
        "30 dari 40 (75 %)"
    );
    assert_eq!(
        show("apbd_year", AnswerValue::Number(2023), Lang::Id),
        "2023",
        "a year has no thousands mark"
    );
    assert_eq!(
        edit_text(q("apbd_year"), &AnswerValue::Number(2023), Lang::Id, None),
        "2023"
    );
    assert_eq!(
        show("non_asn_total", AnswerValue::Number(4812), Lang::En),
        "4,812 people"
    );
    assert_eq!(
        show(
            "non_asn_coverage",
            AnswerValue::Ratio {
                part: 1721,
                whole: 2000
            },
            Lang::Id
        ),
        "1.721 dari 2.000 (86,05 %)"
    );
    assert_eq!(
        show(
            "non_asn_coverage",
            AnswerValue::Ratio { part: 0, whole: 0 },
            Lang::En
        ),
        "0 of 0"
    );
    assert_eq!(
        show(
            "non_asn_programmes",
            AnswerValue::Choices(vec!["jkk".into(), "gone".into()]),
            Lang::En
        ),
        "JKK — work accident insurance, gone"
    );
    assert_eq!(
        show("sanctions_applied", AnswerValue::Choices(vec![]), Lang::Id),
        "tidak ada"
    );
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn on_any_string(s in any::<String>()) {
            let c = InputContext::default().with_today(date(2022, 3, 17));
            let _ = parse_number(&s);
            let _ = parse_money(&s);
            let _ = parse_percentage(&s);
            let _ = parse_date(&s, &c);
            let _ = parse_datetime(&s, &c);
            let _ = parse_zone(&s);
            let _ = parse_yes_partial_no(&s);
        }

        #[test]
        fn on_number_and_date_like_strings(s in "[-+ 0-9.,:/%A-Za-z]{0,24}") {
            let c = InputContext::default();
            let _ = parse_number(&s);
            let _ = parse_money(&s);
            if let Ok(p) = parse_percentage(&s) {
                prop_assert!((0.0..=100.0).contains(&p));
            }
            let _ = parse_date(&s, &c);
            let _ = parse_datetime(&s, &c);
        }

        #[test]
        fn grouped_numbers_round_trip(n in any::<i64>()) {
            prop_assert_eq!(parse_number(&grouped(n)), Ok(n));
            prop_assert_eq!(parse_money(&format::rupiah(n)), Ok(n));
        }

        #[test]
        fn typed_dates_round_trip(days in 0i64..90_000) {
            let d = date(1950, 1, 1) + chrono::Duration::days(days);
            let c = InputContext::default();
            let text = format!("{}/{}/{}", d.day(), d.month(), d.year());
            prop_assert_eq!(parse_date(&text, &c), Ok(d));
            prop_assert_eq!(parse_date(&d.format("%Y-%m-%d").to_string(), &c), Ok(d));
        }
    }
}
