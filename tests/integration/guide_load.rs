//! Guide loader: valid and invalid fixtures, every error with its line, column and message.

use pantau::guide::{self, GuideErrorKind, QuestionType, SectionKind};
use pantau::i18n::Lang;

fn fixture(name: &str) -> String {
    let p = format!(
        "{}/tests/fixtures/guides/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// The errors of a fixture as `LINE:COL: message` in `lang`.
fn errors(name: &str, lang: Lang) -> Vec<String> {
    match guide::parse(&fixture(name)) {
        Ok(_) => panic!("{name} should not load"),
        Err(es) => es
            .iter()
            .map(|e| format!("{}:{}: {}", e.line, e.col, e.message(lang)))
            .collect(),
    }
}

fn assert_lines(actual: Vec<String>, expected: &[&str]) {
    let expected: Vec<String> = expected
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    assert_eq!(actual, expected, "\nactual:\n{}\n", actual.join("\n"));
}

#[test]
fn minimal_valid_guide_loads_with_its_structure() {
    let g = guide::parse(&fixture("valid-minimal.toml")).expect("valid");
    assert_eq!((g.id.as_str(), g.version), ("mini", 3));
    assert_eq!(g.title.get(Lang::En), "Panduan mini", "English falls back");
    assert_eq!(g.sections.len(), 2);
    let s = &g.sections[0];
    assert_eq!(s.title.get(Lang::En), "General");
    assert_eq!(s.questions.len(), 5);
    let (_, q) = g.question("reg_kind").unwrap();
    match &q.kind {
        QuestionType::Choice(list) => {
            assert_eq!(list.id, "yes_kinds");
            assert_eq!(list.label("a", Lang::En), "One");
            assert_eq!(list.label("b", Lang::En), "Dua");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(q.when.as_ref().unwrap().question, "has_reg");
    let (_, r) = g.question("share").unwrap();
    assert_eq!(
        r.kind,
        QuestionType::Ratio {
            part: "done".into(),
            whole: "total".into()
        }
    );
    assert_eq!(g.sections[1].kind, SectionKind::Attendees);
    assert_eq!(g.sections[1].min_items, 2);
    assert_eq!(g.strategies.len(), 1);
}

#[test]
fn reference_errors_are_all_reported_with_positions() {
    assert_lines(
        errors("invalid-references.toml", Lang::En),
        &[
            "6:1: choice list \"empty\" is empty",
            "9:11: option \"x\" appears twice in list \"dup\"",
            "22:6: question id \"q1\" is already used on line 17",
            "29:21: `when` names question \"nope\", which does not exist",
            "35:21: `when` names \"q2\" of type text; it must be yes_partial_no",
            "41:11: choice list \"missing_list\" is not defined in [choices]",
            "47:8: ratio names question \"ghost\", which does not exist",
            "48:9: ratio names \"q2\" of type text; it must be number or money",
            "52:6: section id \"s1\" is already used on line 13",
        ],
    );
}

#[test]
fn reference_errors_read_in_indonesian() {
    assert_lines(
        errors("invalid-references.toml", Lang::Id),
        &[
            "6:1: daftar pilihan \"empty\" kosong",
            "9:11: pilihan \"x\" muncul dua kali dalam daftar \"dup\"",
            "22:6: id pertanyaan \"q1\" sudah dipakai di baris 17",
            "29:21: syarat `when` merujuk pertanyaan \"nope\" yang tidak ada",
            "35:21: syarat `when` merujuk \"q2\" yang berjenis text; harus yes_partial_no",
            "41:11: daftar pilihan \"missing_list\" tidak ada di [choices]",
            "47:8: rasio merujuk pertanyaan \"ghost\" yang tidak ada",
            "48:9: rasio merujuk \"q2\" yang berjenis text; harus number atau money",
            "52:6: id bagian \"s1\" sudah dipakai di baris 13",
        ],
    );
}

#[test]
fn type_and_constraint_errors_are_all_reported_with_positions() {
    let types = "yes_partial_no, number, percentage, ratio, money, date, datetime, text, \
                 long_text, choice, choices, attendee";
    let kinds = "questions, attendees, obstacles, strategies, handovers, figures";
    let binds = "district, start, venue, kind, purpose, team, instruction, source";
    assert_lines(
        errors("invalid-types.toml", Lang::En),
        &[
            &format!("8:8: unknown section kind \"table\"; use one of: {kinds}"),
            &format!("12:8: unknown question type \"numbr\"; use one of: {types}"),
            "19:7: min (10) is greater than max (5)",
            "25:7: bound 120 is outside 0–100 for a percentage",
            "31:9: `label` needs an Indonesian text (`id`)",
            &format!("36:8: `bind` \"weather\" is not a visit field; use one of: {binds}"),
            "41:8: visit field \"start\" cannot take a question of type number; use datetime",
            "43:1: unknown key `requird` (a typo?)",
            "49:21: `when` conditions loop back through \"g\"",
            "49:32: unknown condition value \"maybe\"; use yes, partial or no",
            "52:1: required key `label` is missing",
            "52:1: required key `part` is missing",
            "52:1: required key `whole` is missing",
            "56:1: `choices` does not apply to a question of type ratio",
            "58:1: required key `id` is missing",
            "61:12: `required` must be true or false",
        ],
    );
}

#[test]
fn top_level_errors_are_reported_together() {
    assert_lines(
        errors("invalid-top.toml", Lang::En),
        &[
            "1:1: required key `title` is missing",
            "1:1: the guide has no sections ([[sections]])",
            "1:6: id \"Bad Id\" is not valid: use lower-case letters, digits, _ or -",
            "2:11: version must be a whole number of 1 or more",
            "3:1: unknown key `colour` (a typo?)",
            "10:10: strategy number 1 appears twice",
        ],
    );
}

#[test]
fn syntax_errors_carry_the_toml_position() {
    let es = guide::parse(&fixture("invalid-syntax.toml")).unwrap_err();
    assert_eq!(es.len(), 1);
    assert_eq!((es[0].line, es[0].col), (3, 15));
    assert!(matches!(es[0].kind, GuideErrorKind::Syntax(_)));
    assert!(es[0].message(Lang::Id).starts_with("TOML tidak valid: "));
    assert!(es[0].message(Lang::En).starts_with("invalid TOML: "));
}

#[test]
fn every_error_message_is_translated_and_filled_in() {
    for f in [
        "invalid-references.toml",
        "invalid-types.toml",
        "invalid-top.toml",
        "invalid-syntax.toml",
    ] {
        for lang in [Lang::Id, Lang::En] {
            for m in errors(f, lang) {
                assert!(!m.contains("guide.load."), "untranslated: {m}");
                assert!(!m.contains("{0}") && !m.contains("{1}"), "unfilled: {m}");
            }
        }
    }
}

#[test]
fn shipped_guide_is_clean_and_complete() {
    let g = guide::load_default().expect("shipped guide is valid");
    let ids: Vec<&str> = g.sections.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "identitas",
            "peserta",
            "regulasi_anggaran",
            "kepesertaan_non_asn",
            "pekerja_rentan",
            "ptsp_kepatuhan",
            "kendala",
            "strategi",
            "serah_terima",
            "angka",
            "tindak_lanjut"
        ]
    );
    // Every text has English, so the English screens never fall back mid-sentence.
    for (s, q) in g.questions() {
        assert!(
            s.title.en.is_some(),
            "section {} has no English title",
            s.id
        );
        assert!(
            q.label.en.is_some(),
            "question {} has no English label",
            q.id
        );
        if let Some(h) = &q.hint {
            assert!(h.en.is_some(), "question {} has no English hint", q.id);
        }
    }
    for l in g.choices.values() {
        assert!(!l.options.is_empty());
    }
    // All the answer types are used somewhere.
    let mut used: Vec<&str> = g.questions().map(|(_, q)| q.kind.name()).collect();
    used.sort();
    used.dedup();
    assert_eq!(used.len(), QuestionType::NAMES.len(), "{used:?}");
    // Every visit field an auditor states at the start is bound.
    for b in ["district", "start", "venue", "kind", "purpose", "team"] {
        assert!(
            g.questions()
                .any(|(_, q)| q.bind.map(pantau::guide::Bind::name) == Some(b)),
            "{b} not bound"
        );
    }
    // The programmes list has all five BPJS Ketenagakerjaan programmes.
    let keys: Vec<&str> = g.choices["programmes"]
        .options
        .iter()
        .map(|o| o.key.as_str())
        .collect();
    assert_eq!(keys, ["jkk", "jkm", "jht", "jp", "jkp"]);
    assert_eq!(g.strategies.len(), 4);
}

#[test]
fn load_reports_unreadable_and_invalid_files() {
    let missing = std::path::Path::new("/nonexistent/guide.toml");
    let e = guide::load(Some(missing)).unwrap_err();
    assert!(
        e.message(Lang::En)
            .starts_with("Cannot read guide file /nonexistent/guide.toml")
    );
    let p = format!(
        "{}/tests/fixtures/guides/invalid-top.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let e = guide::load(Some(std::path::Path::new(&p))).unwrap_err();
    let msg = e.message(Lang::Id);
    assert!(msg.contains("(6 kesalahan)"), "{msg}");
    assert!(
        msg.contains("invalid-top.toml:3:1: kunci `colour` tidak dikenal"),
        "{msg}"
    );
    assert!(guide::load(None).is_ok());
}

#[test]
fn binding_ratio_and_list_errors_are_reported() {
    assert_lines(
        errors("invalid-misc.toml", Lang::En),
        &[
            "11:13: min_items is only for list sections (kind = \"attendees\", …)",
            "15:8: option \"rapat\" is not a visit kind (audiensi, monev, kunjungan_lapangan, daring, other)",
            "24:1: `min` does not apply to a question of type text",
            "30:8: visit field \"venue\" is already bound to another question",
            "31:9: `label` must be text or { id = \"…\", en = \"…\" }",
            "42:9: the ratio's `part` and `whole` name the same question",
            "53:31: the condition's `in` list is empty",
            "57:10: strategy number 0 must be between 1 and 255",
        ],
    );
}
