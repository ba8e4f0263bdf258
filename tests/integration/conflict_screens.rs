//! The sample visit edited on two laptops and exchanged: golden screens (80x24, both
//! languages) of the list marker, the detail banner, the conflict popup and the edit history;
//! and settling on a final visit asks for the amendment's reason.

use crate::common;

use chrono::Duration;
use common::{Harness, fixed_stamp};
use pantau::app::Msg;
use pantau::domain::{AuditAction, Stamp, Visit, VisitStatus};
use pantau::export::{self, Filter};
use pantau::i18n::Lang;
use pantau::store::Store;

fn edit(store: &Store, minutes: i64, who: &str, f: impl FnOnce(&mut Visit)) {
    let karo = pantau::demo::karo_visit().id;
    let mut v = store.get(karo).unwrap().unwrap();
    f(&mut v);
    let at = fixed_stamp().at + Duration::minutes(minutes);
    let action = if v.is_final() && v.finalisation.is_some() && v.amendments == 0 {
        AuditAction::Finalise
    } else {
        AuditAction::Edit
    };
    store
        .update(&v, &Stamp::new(at, who), action, "")
        .unwrap()
        .unwrap();
}

/// Laptop A (the harness) and laptop B both edit the sample visit; A imports B's bundle.
fn exchanged(lang: Lang, final_on_a: bool) -> (Harness, tempfile::TempDir) {
    let mut h = Harness::with_demo(lang);
    let other_dir = tempfile::tempdir().unwrap();
    let other = Store::open(&other_dir.path().join("db")).unwrap();
    let start = other_dir.path().join("start.json");
    export::write_bundle(h.store(), &Filter::default(), true, &start).unwrap();
    export::import_files(&other, &[start]).unwrap();
    edit(h.store(), 1, "ani", |v| {
        v.venue = "Aula Kantor Bupati Karo, Kabanjahe".into();
        v.strategies[1].commitment = "Surat edaran Bupati tentang tertib iuran".into();
    });
    edit(&other, 2, "budi", |v| {
        v.venue = "Pendopo Rumah Dinas Bupati".into();
        v.strategies[1].commitment = "Perbup kepatuhan iuran 2022".into();
        v.attendees[1].post = "Wakil Bupati Karo".into();
    });
    if final_on_a {
        edit(h.store(), 3, "ani", |v| {
            v.status = VisitStatus::Final;
            v.finalisation = Some(pantau::domain::Finalisation {
                at: fixed_stamp().at,
                by: "ani".into(),
                digest: pantau::domain::digest(v),
                chain: String::new(),
                reason: String::new(),
            });
        });
    }
    let theirs = other_dir.path().join("budi.json");
    export::write_bundle(&other, &Filter::default(), true, &theirs).unwrap();
    export::import_files(h.store(), &[theirs]).unwrap();
    let list = h.store().summaries().unwrap();
    h.app.on_msg(Msg::ListLoaded(list));
    (h, other_dir)
}

#[test]
fn the_conflict_popup_and_the_history_read_as_labels_and_values() {
    for lang in [Lang::Id, Lang::En] {
        let (mut h, _other) = exchanged(lang, false);
        let code = lang.code();
        insta::assert_snapshot!(format!("conflict_list_{code}_80x24"), h.screen(80, 24));
        h.keys("<enter>");
        insta::assert_snapshot!(format!("conflict_detail_{code}_80x24"), h.screen(80, 24));
        h.keys("c");
        let popup = h.screen(80, 24);
        insta::assert_snapshot!(format!("conflict_popup_{code}_80x24"), popup);
        // Labels, not paths or ids.
        assert!(!popup.contains("strategies/"), "{popup}");
        let label = if lang == Lang::Id {
            "Strategi 2 · Komitmen"
        } else {
            "Strategy 2 · Commitment"
        };
        assert!(popup.contains(label), "{popup}");
        h.keys("<esc>a");
        let history = h.screen(80, 24);
        insta::assert_snapshot!(format!("conflict_history_{code}_80x24"), history);
        assert!(
            history.contains("ani") && history.contains("budi"),
            "{history}"
        );
    }
}

#[test]
fn settling_a_conflict_of_a_final_visit_asks_why_and_records_it() {
    let (mut h, _other) = exchanged(Lang::En, true);
    let karo = pantau::demo::karo_visit().id;
    let before = h.store().get(karo).unwrap().unwrap();
    assert!(before.is_final() && before.in_conflict());
    h.keys("<enter>c<enter>");
    let screen = h.screen(80, 24);
    assert!(screen.contains("Reason"), "{screen}");
    // Nothing settled yet, and an empty reason settles nothing.
    h.keys("<enter>");
    assert_eq!(h.store().get(karo).unwrap().unwrap(), before);
    h.keys("typo in the venue<enter>");
    let after = h.store().get(karo).unwrap().unwrap();
    assert_eq!(after.conflicts.len(), before.conflicts.len() - 1);
    let last = h.store().audit(karo).unwrap().pop().unwrap();
    assert_eq!(
        (last.action, last.reason.as_str()),
        (AuditAction::Amend, "typo in the venue")
    );
    assert!(last.settles.is_some());
    assert!(h.store().check().is_clean(), "{:?}", h.store().check());
}

/// Issue 14 point 3: the board and the district history mark a visit in conflict and count it.
#[test]
fn the_board_and_the_district_history_mark_conflicts() {
    for lang in [Lang::Id, Lang::En] {
        let (mut h, _other) = exchanged(lang, false);
        h.keys("b");
        let board = h.screen(80, 24);
        let marked = board
            .lines()
            .filter(|l| l.contains("⚠2 Kabupaten Kar"))
            .count();
        assert_eq!(marked, 4, "every Karo strategy row is marked:\n{board}");
        let count = match lang {
            Lang::Id => "⚠ 2 isian berkonflik",
            Lang::En => "⚠ 2 fields in conflict",
        };
        assert!(board.contains(count), "{board}");
        h.keys("<esc>h");
        let history = h.screen(80, 24);
        assert!(history.contains("⚠2 "), "{history}");
        let count = match lang {
            Lang::Id => "⚠ 2 isian berkonflik di 1 kunjungan",
            Lang::En => "⚠ 2 fields in conflict in 1 visit",
        };
        assert!(history.contains(count), "{history}");
    }
}

/// Issue 16 point 9: `?` over the conflict popup opens the help on the popup's own keys, and
/// closing the help goes back to the popup with its cursor where it was.
#[test]
fn help_opens_over_the_conflict_popup_and_closes_back_to_it() {
    let (mut h, _other) = exchanged(Lang::En, false);
    h.keys("<enter>c<down>");
    let popup = h.screen(80, 24);
    assert!(popup.contains("? help"), "the bar offers the help: {popup}");
    h.keys("?");
    let help = h.screen(80, 24);
    let own = help.find("Conflicts between laptops");
    let list = help.find("Visit list");
    assert!(
        own.is_some() && (list.is_none() || own < list),
        "the popup's keys come first: {help}"
    );
    h.keys("<esc>");
    assert_eq!(h.screen(80, 24), popup);
}

/// Issue 17 point 6: the report's conflict and amendment sections name fields by their labels
/// and give values and times as a person reads them: no path, id or UTC stamp.
#[test]
fn the_report_names_conflicts_and_amendments_by_labels() {
    for lang in [Lang::Id, Lang::En] {
        let (mut h, _other) = exchanged(lang, true);
        // Settle the first conflict (with its amendment's reason), as the auditor does.
        h.keys("<enter>c<enter>");
        h.keys("salah ketik<enter>");
        let karo = pantau::demo::karo_visit().id;
        let hist = h.store().history(karo).unwrap().unwrap();
        assert!(hist.visit.in_conflict() && hist.visit.amendments == 1);
        let generated = fixed_stamp().at + Duration::days(1);
        let md = export::render_report(
            &hist.visit,
            &hist.history,
            export::ReportFormat::Markdown,
            lang,
            generated,
        );
        let label = match lang {
            Lang::Id => ["Tempat", "Strategi 2 · Komitmen"],
            Lang::En => ["Venue", "Strategy 2 · Commitment"],
        };
        let conflicts = md.split("## ").find(|s| {
            s.starts_with(match lang {
                Lang::Id => "Konflik impor",
                Lang::En => "Import conflicts",
            })
        });
        let conflicts = conflicts.unwrap_or_else(|| panic!("no conflict section: {md}"));
        let amendments = md.split("### ").find(|s| {
            s.starts_with(match lang {
                Lang::Id => "Riwayat amandemen",
                Lang::En => "Amendment history",
            })
        });
        let amendments = amendments.unwrap_or_else(|| panic!("no amendments: {md}"));
        let settled = h.store().audit(karo).unwrap().pop().unwrap();
        let settled_label = pantau::labels::field_label(
            lang,
            &hist.visit,
            None,
            &settled.settles.as_ref().unwrap().path,
        );
        assert!(label.contains(&settled_label.as_str()), "{settled_label}");
        assert!(amendments.contains(&settled_label), "{amendments}");
        assert!(amendments.contains("salah ketik"), "{amendments}");
        let open = label.iter().find(|l| **l != settled_label).unwrap();
        assert!(conflicts.contains(open), "{conflicts}");
        assert!(
            conflicts.contains("ani") && conflicts.contains("budi"),
            "{conflicts}"
        );
        for raw in [
            "strategies/",
            "conflicts/",
            "attendees/",
            "UTC",
            "{\"",
            "venue |",
        ] {
            assert!(!md.contains(raw), "{raw} in the report:\n{md}");
        }
        let uuid = regex_lite(&md);
        assert!(uuid.is_none(), "an id in the report: {uuid:?}\n{md}");
    }
}

/// The first thing in `text` shaped like a UUID.
fn regex_lite(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(36)).find_map(|i| {
        let s = text.get(i..i + 36)?;
        let shaped = s.char_indices().all(|(j, c)| match j {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
        shaped.then_some(s)
    })
}
