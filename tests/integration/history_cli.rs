//! The two scenarios of issue 14 through the real `pantau` binary: a settlement that keeps the
//! value already held is not undone by another laptop's pick, and a bundle whose past was
//! rewritten (even with every hash recomputed) is refused, naming the visit and the event.
//! Edits are made through the library (the CLI has no edit command), everything else through
//! the binary.

use std::path::Path;
use std::process::{Command, Output};

use chrono::{Duration, TimeZone, Utc};
use pantau::domain::{AuditAction, Stamp};
use pantau::store::Store;
use serde_json::Value;

const KARO: &str = "017f96ad-1581-7001-8152-50414e544156";

fn pantau(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pantau"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("PANTAU_DB")
        .env("PANTAU_LANG", "en")
        .env(
            "PANTAU_USER",
            db.file_name().unwrap().to_string_lossy().as_ref(),
        )
        .env("PANTAU_CONFIG", db.with_extension("no-config.toml"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[track_caller]
fn ok(o: Output) -> String {
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout: {out}\nstderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

fn export(db: &Path, file: &Path) {
    ok(pantau(
        db,
        &["export", "--format", "json", "-o", file.to_str().unwrap()],
    ));
}

fn import(db: &Path, file: &Path) -> String {
    ok(pantau(db, &["import", file.to_str().unwrap()]))
}

fn edit_venue(db: &Path, who: &str, minute: i64, venue: &str) {
    let store = Store::open(db).unwrap();
    let id = KARO.parse().unwrap();
    let mut v = store.get(id).unwrap().unwrap();
    v.venue = venue.into();
    let at = Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap() + Duration::minutes(minute);
    store
        .update(&v, &Stamp::new(at, who), AuditAction::Edit, "")
        .unwrap();
}

fn venue_and_conflicts(db: &Path) -> (String, Value) {
    let shown: Value = serde_json::from_str(&ok(pantau(db, &["show", KARO, "--json"]))).unwrap();
    (
        shown["venue"].as_str().unwrap().to_string(),
        shown.get("conflicts").cloned().unwrap_or(Value::Null),
    )
}

#[test]
fn a_settlement_that_keeps_the_held_value_is_not_undone_by_another_laptops_pick() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("ani"), dir.path().join("budi"));
    ok(pantau(&a, &["demo"]));
    ok(pantau(&b, &["demo"]));
    edit_venue(&a, "ani", 1, "Aula Ani");
    edit_venue(&b, "budi", 2, "Pendopo Budi");
    let (fa, fb) = (dir.path().join("a.json"), dir.path().join("b.json"));
    export(&a, &fa);
    export(&b, &fb);
    let said = import(&a, &fb);
    assert!(said.contains("1 in conflict"), "{said}");
    assert!(
        said.contains("Conflicts open in this database: 1"),
        "{said}"
    );
    import(&b, &fa);

    // Found without knowing a key: the list marks it, `list --conflicts` and `conflicts` show it.
    let listed = ok(pantau(&a, &["list", "--conflicts"]));
    assert!(listed.contains(KARO) && listed.contains("⚠"), "{listed}");
    let conflicts = ok(pantau(&a, &["conflicts"]));
    assert!(conflicts.contains("1. Venue"), "{conflicts}");
    assert!(conflicts.contains("Pendopo Budi") && conflicts.contains("Aula Ani"));
    assert!(conflicts.contains("held now"), "{conflicts}");

    // Both laptops hold the same value meanwhile (the newest): budi's.
    let (held, _) = venue_and_conflicts(&a);
    assert_eq!(held, "Pendopo Budi");
    // Ani keeps the value held now; budi, not knowing, picks ani's.
    ok(pantau(&a, &["settle", KARO, "1", "1"]));
    ok(pantau(&b, &["settle", KARO, "1", "2"]));
    assert_eq!(
        venue_and_conflicts(&a),
        ("Pendopo Budi".into(), Value::Null)
    );
    assert_eq!(venue_and_conflicts(&b), ("Aula Ani".into(), Value::Null));

    export(&a, &fa);
    export(&b, &fb);
    import(&a, &fb);
    import(&b, &fa);
    // Neither pick silently wins: the two settlements disagree, so the field is in conflict
    // again with both settled values, the same on both laptops.
    let (va, ca) = venue_and_conflicts(&a);
    assert_eq!((va.clone(), ca.clone()), venue_and_conflicts(&b));
    let values: Vec<&str> = ca[0]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    let mut sorted = values.clone();
    sorted.sort();
    assert_eq!(sorted, ["Aula Ani", "Pendopo Budi"], "{ca}");
    assert_eq!(ca[0]["path"], "venue");

    // A settlement made knowing both wins on every laptop, whichever value it keeps: here the
    // value held now, which writes no field change.
    ok(pantau(&b, &["settle", KARO, "1", "1"]));
    export(&b, &fb);
    import(&a, &fb);
    export(&a, &fa);
    import(&b, &fa);
    assert_eq!(venue_and_conflicts(&a), (va.clone(), Value::Null));
    assert_eq!(venue_and_conflicts(&b), (va, Value::Null));
    for db in [&a, &b] {
        let checked = ok(pantau(db, &["check"]));
        assert!(
            checked.contains("sound") || checked.contains("clean"),
            "{checked}"
        );
    }
}

/// The bundle with the first attendee of the demo visit renamed in the visit and in its
/// creation event, optionally with one more edit appended, every hash recomputed.
fn forge(bundle: &Value, append_edit: bool) -> Value {
    let mut forged = bundle.clone();
    let h = forged["visits"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|h| h["visit"]["id"] == KARO)
        .unwrap();
    h["visit"]["attendees"][0]["name"] = "Nama Palsu".into();
    h["history"][0]["changes"][0]["new"]["attendees"][0]["name"] = "Nama Palsu".into();
    let mut history: Vec<pantau::domain::AuditEvent> =
        serde_json::from_value(h["history"].clone()).unwrap();
    let mut visit: pantau::domain::Visit = serde_json::from_value(h["visit"].clone()).unwrap();
    if append_edit {
        let mut e = history.last().unwrap().clone();
        e.id = uuid::Uuid::now_v7();
        e.action = AuditAction::Edit;
        e.revision += 1;
        e.changes = vec![pantau::domain::FieldChange {
            path: "purpose".into(),
            old: Some(visit.purpose.clone().into()),
            new: Some("diubah".into()),
        }];
        e.branches.clear();
        visit.purpose = "diubah".into();
        visit.revision = e.revision;
        history.push(e);
    }
    pantau::domain::chain::seal_all(&mut history, None);
    h["history"] = serde_json::to_value(&history).unwrap();
    h["visit"] = serde_json::to_value(&visit).unwrap();
    forged
}

#[test]
fn a_bundle_with_a_rewritten_past_is_refused_naming_the_visit_and_the_event() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("ani"), dir.path().join("budi"));
    ok(pantau(&a, &["demo"]));
    edit_venue(&a, "ani", 1, "Aula Ani");
    let fa = dir.path().join("a.json");
    export(&a, &fa);
    import(&b, &fa);
    let dump = |name: &str| {
        let file = dir.path().join(name);
        export(&b, &file);
        let mut v: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
        v["exported_at"] = Value::Null;
        v
    };
    let before = dump("before.json");
    let bundle: Value = serde_json::from_slice(&std::fs::read(&fa).unwrap()).unwrap();
    let creation = bundle["visits"][0]["history"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    for append in [true, false] {
        let forged = forge(&bundle, append);
        let file = dir.path().join(format!("forged-{append}.json"));
        std::fs::write(&file, forged.to_string()).unwrap();
        // On its own the forgery is consistent: an empty database takes it.
        let fresh = dir.path().join(format!("fresh-{append}"));
        import(&fresh, &file);
        // A database that holds the real events refuses it, and names the visit and event.
        let o = pantau(&b, &["import", file.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(1), "append {append}: {err}");
        assert!(err.contains(KARO) && err.contains(&creation), "{err}");
        assert!(err.contains("cannot be rewritten"), "{err}");
        assert_eq!(dump("after.json"), before, "database unchanged");
        let checked = ok(pantau(&b, &["check"]));
        assert!(!checked.contains("damaged"), "{checked}");
    }

    // Changed without recomputing the hashes: refused by any database, as an altered event.
    let mut altered = bundle.clone();
    altered["visits"][0]["history"][1]["actor"] = "mallory".into();
    let file = dir.path().join("altered.json");
    std::fs::write(&file, altered.to_string()).unwrap();
    let o = pantau(
        &dir.path().join("empty"),
        &["import", file.to_str().unwrap()],
    );
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("does not match its hash"), "{err}");
}

#[test]
fn the_finalisation_digest_covers_the_history_head_and_the_report_prints_it() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("ani");
    ok(pantau(&a, &["demo"]));
    edit_venue(&a, "ani", 1, "Aula Ani");
    let head = {
        let store = Store::open(&a).unwrap();
        let id = KARO.parse().unwrap();
        let head = store.audit(id).unwrap().last().unwrap().hash.clone();
        let mut v = store.get(id).unwrap().unwrap();
        v.status = pantau::domain::VisitStatus::Final;
        v.finalisation = Some(pantau::domain::Finalisation {
            at: Utc::now(),
            by: "ani".into(),
            digest: pantau::domain::digest(&v),
            chain: String::new(),
            reason: String::new(),
        });
        let saved = store
            .update(
                &v,
                &Stamp::new(Utc::now(), "ani"),
                AuditAction::Finalise,
                "",
            )
            .unwrap()
            .unwrap();
        let f = saved.finalisation.unwrap();
        assert_eq!(f.chain, head);
        assert_eq!(f.digest, pantau::domain::digest_chained(&v, &head));
        assert_ne!(f.digest, pantau::domain::digest(&v), "the chain is covered");
        head
    };
    let report = dir.path().join("r.md");
    ok(pantau(
        &a,
        &[
            "export",
            "--format",
            "md",
            "--visit",
            KARO,
            "-o",
            report.to_str().unwrap(),
        ],
    ));
    let text = std::fs::read_to_string(report).unwrap();
    assert!(text.contains(&head), "{text}");
}
