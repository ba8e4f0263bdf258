//! Bundles between databases: round trip, exchange between two laptops, idempotence, order
//! independence, and refusal of malformed bundles with the database left as it was.

use std::path::Path;

use crate::common::synthetic_bundle;

use chrono::{DateTime, TimeZone, Utc};
use pantau::domain::{AuditAction, Stamp, Visit};
use pantau::export::{self, Bundle, BundleError, ExportError, Filter};
use pantau::i18n::Lang;
use pantau::store::Store;

fn at(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2022, 3, 17, 7, 0, 0).unwrap() + chrono::Duration::minutes(min)
}

fn stamp(min: i64, who: &str) -> Stamp {
    Stamp::new(at(min), who)
}

/// The whole database as a bundle with a fixed export time: equal bundles, equal databases.
fn snapshot(store: &Store) -> Bundle {
    Bundle::new(store.histories(true).unwrap(), at(0), "test", true)
}

fn save(store: &Store, path: &Path) {
    export::write_bundle(store, &Filter::default(), true, path).unwrap();
}

fn edit(store: &Store, id: uuid::Uuid, min: i64, who: &str, f: impl FnOnce(&mut Visit)) {
    let mut v = store.get(id).unwrap().unwrap();
    f(&mut v);
    store
        .update(&v, &stamp(min, who), AuditAction::Edit, "")
        .unwrap();
}

/// Database "a" in `dir`: the demo visit (its venue edited to `venue`) and 12 synthetic ones,
/// one of them deleted (its id is returned).
fn laptop(dir: &Path, venue: &str) -> (Store, uuid::Uuid) {
    let a = Store::open(&dir.join("a")).unwrap();
    pantau::demo::load(&a, &stamp(0, "a")).unwrap();
    for v in pantau::synth::visits(12, 1) {
        a.create(&v, &stamp(1, "a")).unwrap();
    }
    let karo = pantau::demo::karo_visit().id;
    edit(&a, karo, 2, "a", |v| v.venue = venue.into());
    let gone = pantau::synth::visits(1, 1)[0].id;
    a.delete(gone, &stamp(3, "a")).unwrap();
    (a, gone)
}

#[test]
fn round_trip_through_an_empty_database_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let (a, gone) = laptop(dir.path(), "Aula Kantor Bupati");

    let file = dir.path().join("a.json");
    save(&a, &file);
    let b = Store::open(&dir.path().join("b")).unwrap();
    let s = export::import_files(&b, std::slice::from_ref(&file)).unwrap();
    assert_eq!(s.added.len(), 13);
    assert_eq!(snapshot(&a), snapshot(&b));
    assert!(b.check().is_clean(), "{:?}", b.check().problems);
    assert!(b.get(gone).unwrap().is_none(), "still in the trash");

    // The same bundle twice in one import (each visit new here, the trashed one too): each
    // visit added once.
    let c = Store::open(&dir.path().join("c")).unwrap();
    let s = export::import_files(&c, &[file.clone(), file.clone()]).unwrap();
    assert_eq!((s.added.len(), s.updated.len()), (13, 0));
    assert_eq!(snapshot(&a), snapshot(&c));
    assert!(c.get(gone).unwrap().is_none(), "still in the trash");

    // Importing the same bundle again changes nothing.
    let again = export::import_files(&b, &[file]).unwrap();
    assert_eq!(again.unchanged.len(), 13);
    assert!(again.added.is_empty() && again.updated.is_empty());
    assert_eq!(snapshot(&a), snapshot(&b));
}

#[test]
fn a_visit_moves_to_the_trash_and_back_through_bundles() {
    let dir = tempfile::tempdir().unwrap();
    let a = Store::open(&dir.path().join("a")).unwrap();
    let b = Store::open(&dir.path().join("b")).unwrap();
    pantau::demo::load(&a, &stamp(0, "a")).unwrap();
    let karo = pantau::demo::karo_visit().id;
    let file = dir.path().join("a.json");
    let pass = |step: &str| {
        save(&a, &file);
        export::import_files(&b, std::slice::from_ref(&file)).unwrap();
        assert_eq!(snapshot(&a), snapshot(&b), "{step}");
        assert!(b.check().is_clean(), "{step}: {:?}", b.check().problems);
    };
    pass("live");
    a.delete(karo, &stamp(1, "a")).unwrap();
    pass("trashed");
    assert!(b.get(karo).unwrap().is_none());
    assert!(b.summaries().unwrap().iter().all(|s| s.id != karo));
    assert_eq!(b.trash().unwrap().len(), 1);
    a.restore(karo, &stamp(2, "a")).unwrap();
    pass("restored");
    assert!(b.get(karo).unwrap().is_some());
    assert!(b.trash().unwrap().is_empty());
    assert!(b.summaries().unwrap().iter().any(|s| s.id == karo));
}

/// Two laptops start from the same visit; each adds its own visit and edits the shared one,
/// both changing the venue. After exchanging bundles they hold the same database.
#[test]
fn two_laptops_exchange_bundles_and_end_identical_with_the_conflict_kept() {
    let dir = tempfile::tempdir().unwrap();
    let a = Store::open(&dir.path().join("a")).unwrap();
    let b = Store::open(&dir.path().join("b")).unwrap();
    pantau::demo::load(&a, &stamp(0, "ani")).unwrap();
    let start = dir.path().join("start.json");
    save(&a, &start);
    export::import_files(&b, &[start]).unwrap();
    let karo = pantau::demo::karo_visit().id;
    let mut extra = pantau::synth::visits(2, 9);
    a.create(&extra.remove(0), &stamp(5, "ani")).unwrap();
    b.create(&extra.remove(0), &stamp(6, "budi")).unwrap();
    edit(&a, karo, 10, "ani", |v| {
        v.venue = "Aula Kantor Bupati Karo, Kabanjahe".into();
        v.strategies[0].commitment = "Perbup 2022".into();
    });
    edit(&b, karo, 11, "budi", |v| {
        v.venue = "Aula Bupati".into();
        v.attendees[1].post = "Wakil Bupati".into();
    });

    let (fa, fb) = (dir.path().join("a.json"), dir.path().join("b.json"));
    save(&a, &fa);
    save(&b, &fb);
    let sa = export::import_files(&a, std::slice::from_ref(&fb)).unwrap();
    let sb = export::import_files(&b, std::slice::from_ref(&fa)).unwrap();
    assert_eq!(
        (sa.added.len(), sa.in_conflict, sa.updated.len()),
        (1, vec![karo], 0)
    );
    assert_eq!(
        (sb.added.len(), sb.in_conflict, sb.updated.len()),
        (1, vec![karo], 0)
    );
    assert_eq!(snapshot(&a), snapshot(&b));
    assert!(a.check().is_clean(), "{:?}", a.check().problems);

    let v = a.get(karo).unwrap().unwrap();
    assert_eq!(v.strategies[0].commitment, "Perbup 2022");
    assert_eq!(v.attendees[1].post, "Wakil Bupati");
    assert_eq!(v.venue, "Aula Bupati", "the newer change is held");
    let conflicts = a.conflicts(karo).unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].path, "venue");
    assert_eq!(conflicts[0].candidates[1].actor, "ani");

    // The auditor picks ani's value: an audited change, and the conflict is gone.
    let settled = a
        .resolve_conflict(karo, conflicts[0].id, 1, &stamp(20, "ani"), "dipilih")
        .unwrap();
    assert_eq!(settled.venue, "Aula Kantor Bupati Karo, Kabanjahe");
    assert!(!settled.in_conflict());
    let last = a.audit(karo).unwrap().pop().unwrap();
    assert_eq!(
        (last.action, last.reason.as_str()),
        (AuditAction::Edit, "dipilih")
    );
    assert!(a.check().is_clean(), "{:?}", a.check().problems);
    assert!(matches!(
        a.resolve_conflict(karo, conflicts[0].id, 0, &stamp(21, "ani"), ""),
        Err(pantau::store::StoreError::NoSuchConflict { .. })
    ));

    // B takes the resolution from A's next bundle without a new conflict.
    save(&a, &fa);
    let s = export::import_files(&b, &[fa]).unwrap();
    assert_eq!(s.updated, vec![karo]);
    assert_eq!(snapshot(&a), snapshot(&b));
}

#[test]
fn importing_a_then_b_equals_b_then_a() {
    let dir = tempfile::tempdir().unwrap();
    let origin = Store::open(&dir.path().join("o")).unwrap();
    pantau::demo::load(&origin, &stamp(0, "o")).unwrap();
    let karo = pantau::demo::karo_visit().id;
    let f0 = dir.path().join("o.json");
    save(&origin, &f0);
    let mut files = Vec::new();
    for (i, who) in ["ani", "budi"].iter().enumerate() {
        let s = Store::open(&dir.path().join(who)).unwrap();
        export::import_files(&s, std::slice::from_ref(&f0)).unwrap();
        edit(&s, karo, 10 + i as i64, who, |v| {
            v.purpose = format!("tujuan {who}");
            v.notes.pop();
        });
        let f = dir.path().join(format!("{who}.json"));
        save(&s, &f);
        files.push(f);
    }
    let x = Store::open(&dir.path().join("x")).unwrap();
    let y = Store::open(&dir.path().join("y")).unwrap();
    export::import_files(&x, &[files[0].clone(), files[1].clone()]).unwrap();
    export::import_files(&y, std::slice::from_ref(&files[1])).unwrap();
    export::import_files(&y, std::slice::from_ref(&files[0])).unwrap();
    assert_eq!(snapshot(&x), snapshot(&y));
    assert!(y.get(karo).unwrap().unwrap().in_conflict());
    assert!(x.check().is_clean() && y.check().is_clean());
}

fn refused(store: &Store, dir: &Path, name: &str, bytes: &[u8]) -> BundleError {
    let before = snapshot(store);
    let file = dir.join(name);
    std::fs::write(&file, bytes).unwrap();
    let err = export::import_files(store, &[file]).unwrap_err();
    assert_eq!(snapshot(store), before, "{name}: database unchanged");
    assert!(store.check().is_clean());
    match err {
        ExportError::Bundle { problem, .. } => problem,
        other => panic!("{name}: expected a refused bundle, got {other:?}"),
    }
}

#[test]
fn malformed_bundles_are_refused_naming_the_problem_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let src = Store::open(&dir.path().join("src")).unwrap();
    pantau::demo::load(&src, &stamp(0, "a")).unwrap();
    for v in pantau::synth::visits(2, 3) {
        src.create(&v, &stamp(1, "a")).unwrap();
    }
    let good = dir.path().join("good.json");
    save(&src, &good);
    let good = std::fs::read_to_string(good).unwrap();
    let value: serde_json::Value = serde_json::from_str(&good).unwrap();

    let db = Store::open(&dir.path().join("db")).unwrap();
    pantau::demo::load(&db, &stamp(0, "a")).unwrap();
    let en = |e: &BundleError| e.message(Lang::En);

    // Truncated: line and column of the end.
    let cut = &good[..good.len() / 2];
    let e = refused(&db, dir.path(), "cut.json", cut.as_bytes());
    let lines = cut.lines().count();
    assert!(
        matches!(e, BundleError::Truncated { line, .. } if line == lines),
        "{e:?}"
    );
    assert!(en(&e).starts_with("file is truncated"), "{}", en(&e));
    assert!(en(&e).contains(&format!("line {lines}")), "{}", en(&e));

    // Syntax error with line and column.
    let broken = good.replacen("\"visits\":[", "\"visits\":[,", 1);
    let e = refused(&db, dir.path(), "syntax.json", broken.as_bytes());
    assert!(matches!(e, BundleError::Syntax { .. }), "{e:?}");
    assert!(
        en(&e).contains("line ") && en(&e).contains("column "),
        "{}",
        en(&e)
    );

    // Wrong version, in both languages.
    // (Version 2 is now this build's own: the next one is the unknown one.)
    let mut v3 = value.clone();
    v3["version"] = 3.into();
    let e = refused(&db, dir.path(), "v3.json", v3.to_string().as_bytes());
    assert_eq!(e, BundleError::WrongVersion { found: "3".into() });
    assert_eq!(
        en(&e),
        "bundle version 3 is not supported; this Pantau reads version 2. Update Pantau."
    );
    assert!(
        e.message(Lang::Id)
            .starts_with("versi bundel 3 tidak didukung")
    );
    // A version written as text is not a newer Pantau's: say what is wrong with it.
    let mut text = value.clone();
    text["version"] = "1".into();
    let e = refused(&db, dir.path(), "vtext.json", text.to_string().as_bytes());
    assert_eq!(e, BundleError::VersionNotNumber { found: "1".into() });
    assert!(!en(&e).contains("Update Pantau"), "{}", en(&e));
    // An empty file is empty, not truncated.
    for empty in [&b""[..], b"  \n"] {
        let e = refused(&db, dir.path(), "empty.json", empty);
        assert_eq!(e, BundleError::Empty);
        assert_eq!(e.message(Lang::Id), "berkas kosong");
    }

    // Not a bundle at all.
    let e = refused(&db, dir.path(), "other.json", br#"{"hello": 1}"#);
    assert_eq!(e, BundleError::NotABundle);

    // Invalid UTF-8, with its position.
    let mut bytes = good.clone().into_bytes();
    let pos = good.find("Kabupaten Karo").unwrap();
    bytes[pos] = 0xFF;
    let e = refused(&db, dir.path(), "latin1.json", &bytes);
    let line = good[..pos].lines().count();
    assert!(
        matches!(e, BundleError::NotUtf8 { line: l, .. } if l == line),
        "{e:?}"
    );
    assert!(en(&e).starts_with("not UTF-8 text (line"), "{}", en(&e));

    // The same visit twice.
    let mut dup = value.clone();
    let first = dup["visits"][0].clone();
    dup["visits"].as_array_mut().unwrap().push(first);
    let e = refused(&db, dir.path(), "dup.json", dup.to_string().as_bytes());
    assert!(matches!(e, BundleError::DuplicateVisit(_)), "{e:?}");
    assert!(en(&e).contains("appears twice"));

    // The same event id in two visits.
    let mut dup_event = value.clone();
    let ev = dup_event["visits"][0]["history"][0]["id"].clone();
    dup_event["visits"][1]["history"][0]["id"] = ev;
    let e = refused(
        &db,
        dir.path(),
        "dupev.json",
        dup_event.to_string().as_bytes(),
    );
    assert!(
        matches!(
            e,
            BundleError::DuplicateEvent { .. } | BundleError::ForeignEvent { .. }
        ),
        "{e:?}"
    );

    // Two attendees with one id.
    let mut dup_item = value.clone();
    let karo_idx = dup_item["visits"]
        .as_array()
        .unwrap()
        .iter()
        .position(|h| {
            h["visit"]["district"]["code"] == "12.06"
                && h["visit"]["attendees"].as_array().unwrap().len() == 5
        })
        .unwrap();
    let id0 = dup_item["visits"][karo_idx]["visit"]["attendees"][0]["id"].clone();
    dup_item["visits"][karo_idx]["visit"]["attendees"][1]["id"] = id0;
    let e = refused(
        &db,
        dir.path(),
        "dupitem.json",
        dup_item.to_string().as_bytes(),
    );
    assert!(matches!(e, BundleError::DuplicateItem { .. }), "{e:?}");

    // A huge string.
    let mut huge = value.clone();
    huge["visits"][0]["visit"]["venue"] = "x".repeat(export::bundle::MAX_TEXT + 1).into();
    let e = refused(&db, dir.path(), "huge.json", huge.to_string().as_bytes());
    assert!(
        matches!(&e, BundleError::TextTooLong { path, .. } if path == "venue"),
        "{e:?}"
    );
    assert!(en(&e).contains("text too long"));

    // Content that its history does not account for.
    let mut forged = value.clone();
    forged["visits"][0]["visit"]["purpose"] = "diubah diam-diam".into();
    let e = refused(
        &db,
        dir.path(),
        "forged.json",
        forged.to_string().as_bytes(),
    );
    assert!(matches!(e, BundleError::HistoryNotVisit { .. }), "{e:?}");
    // In Indonesian, wholly Indonesian.
    assert!(
        !e.message(Lang::Id).contains("does not"),
        "{}",
        e.message(Lang::Id)
    );

    // A wrong type deep inside: line and column.
    let mut wrong = value.clone();
    wrong["visits"][0]["visit"]["revision"] = "satu".into();
    let pretty = serde_json::to_string_pretty(&wrong).unwrap();
    let e = refused(&db, dir.path(), "type.json", pretty.as_bytes());
    // Visits are parsed one by one (on all cores); the place named is still the place in the
    // file, as parsing the whole file at once names it.
    let whole = serde_json::from_str::<export::Bundle>(&pretty).unwrap_err();
    let expected = pretty.lines().position(|l| l.contains("\"satu\"")).unwrap() + 1;
    assert_eq!(whole.line(), expected);
    assert!(
        matches!(&e, BundleError::Field(f)
            if (f.line, f.column) == (whole.line(), whole.column())
                && f.path == "visit.revision"),
        "{e:?} vs {whole:?}"
    );
    // Named by visit and field, and (in a file of many lines) by line.
    assert!(
        en(&e).ends_with(&format!(
            "field visit.revision: expected a whole number, found the text \"satu\" (line {}, \
             column {})",
            whole.line(),
            whole.column()
        )),
        "{}",
        en(&e)
    );
    let compact = wrong.to_string();
    let e = refused(&db, dir.path(), "type1.json", compact.as_bytes());
    let whole = serde_json::from_str::<export::Bundle>(&compact).unwrap_err();
    assert!(
        matches!(&e, BundleError::Field(f) if (f.line, f.column) == (1, whole.column())),
        "{e:?} vs {whole:?}"
    );
    assert!(!en(&e).contains("line"), "{}", en(&e));

    // A good bundle after a bad one in the same import: nothing at all is imported.
    let before = snapshot(&db);
    let ok = dir.path().join("ok.json");
    std::fs::write(&ok, &good).unwrap();
    let bad = dir.path().join("cut.json");
    assert!(export::import_files(&db, &[ok, bad]).is_err());
    assert_eq!(snapshot(&db), before);
}

#[test]
fn the_demo_loaded_on_two_laptops_merges_without_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let a = Store::open(&dir.path().join("a")).unwrap();
    let b = Store::open(&dir.path().join("b")).unwrap();
    pantau::demo::load(&a, &stamp(0, "ani")).unwrap();
    pantau::demo::load(&b, &stamp(3, "budi")).unwrap();
    let karo = pantau::demo::karo_visit().id;
    edit(&b, karo, 4, "budi", |v| v.venue = "Aula".into());
    let (fa, fb) = (dir.path().join("a.json"), dir.path().join("b.json"));
    save(&a, &fa);
    save(&b, &fb);
    export::import_files(&a, &[fb]).unwrap();
    let s = export::import_files(&b, &[fa]).unwrap();
    // The sample's creation is the same event on both (issue 14, point 5): a took b's edit as
    // a fast forward, so b learns nothing new from a (it used to be a merge of two creations).
    assert_eq!(s.unchanged, vec![karo]);
    assert_eq!(a.audit(karo).unwrap(), b.audit(karo).unwrap());
    assert_eq!(
        a.audit(karo).unwrap().len(),
        2,
        "creation, then budi's edit"
    );
    assert_eq!(snapshot(&a), snapshot(&b));
    let v = a.get(karo).unwrap().unwrap();
    assert_eq!((v.venue.as_str(), v.in_conflict()), ("Aula", false));
    assert!(a.check().is_clean(), "{:?}", a.check().problems);
    // And it can be exported and imported again.
    let fc = dir.path().join("c.json");
    save(&a, &fc);
    let c = Store::open(&dir.path().join("c")).unwrap();
    export::import_files(&c, &[fc]).unwrap();
    assert_eq!(snapshot(&a), snapshot(&c));
}

#[test]
fn a_bundle_refused_after_part_of_it_was_written_leaves_nothing() {
    // More visits than the importer writes in one batch, all new here, then a second copy of
    // the first: the duplicate is found only once every visit is read, after a batch went to
    // the database.
    let dir = tempfile::tempdir().unwrap();
    let db = Store::open(&dir.path().join("db")).unwrap();
    pantau::demo::load(&db, &stamp(0, "db")).unwrap();
    let before = snapshot(&db);
    let mut visits = pantau::synth::histories(620, 11);
    visits.push(visits[0].clone());
    let bytes = synthetic_bundle::json(visits);
    let err = refused(&db, dir.path(), "dup.json", &bytes);
    assert!(matches!(err, BundleError::DuplicateVisit(_)), "{err:?}");
    assert_eq!(snapshot(&db), before);
    drop(db);
    let db = Store::open(&dir.path().join("db")).unwrap();
    assert_eq!(snapshot(&db), before);
    assert!(db.check().is_clean(), "{:?}", db.check().problems);
}

#[test]
fn a_bundle_written_from_the_stored_records_is_byte_for_byte_the_decoded_one() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = laptop(dir.path(), "Aula \"Kantor\" Bupati 🙂");
    // Visits written by an import too (in bulk).
    let file = dir.path().join("other.json");
    std::fs::write(
        &file,
        synthetic_bundle::json(pantau::synth::histories(30, 5)),
    )
    .unwrap();
    export::import_files(&a, &[file]).unwrap();
    for trash in [false, true] {
        let envelope = Bundle::new(Vec::new(), at(0), "test", trash);
        let stored = a.stored_histories(trash).unwrap();
        let fast = pantau::export::bundle::stored_to_json(&envelope, &stored).unwrap();
        let decoded = Bundle::new(a.histories(trash).unwrap(), at(0), "test", trash);
        let slow = pantau::export::bundle::to_json(&decoded).unwrap();
        assert!(fast == slow, "trash {trash}: the bytes differ");
    }
}
