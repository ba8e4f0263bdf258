//! The real `pantau` binary, always on a temp database (`--db`), never the user's.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

use common::{garbage, stamp};
use pantau::domain::{District, Visit};
use pantau::store::Store;
use serde_json::Value;
use uuid::Uuid;

const KARO_ID: &str = "017f96ad-1581-7001-8152-50414e544156";

/// `pantau --db DIR ARGS…` with the environment cleared of anything that could reach the
/// user's own database, configuration or language.
fn pantau(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pantau"));
    cmd.arg("--db")
        .arg(dir)
        .env_remove("PANTAU_DB")
        .env_remove("PANTAU_LANG")
        .env("PANTAU_CONFIG", dir.with_extension("no-config.toml"))
        .env("NO_COLOR", "1");
    cmd
}

fn run(dir: &Path, args: &[&str]) -> Output {
    pantau(dir).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[track_caller]
fn ok(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(o));
    stdout(o)
}

#[track_caller]
fn fails_with(o: &Output, code: i32) -> String {
    assert_eq!(o.status.code(), Some(code), "stdout: {}", stdout(o));
    stderr(o)
}

fn demo_db() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(&run(dir.path(), &["demo"]));
    assert!(out.contains(KARO_ID), "{out}");
    dir
}

#[test]
fn demo_then_list_shows_the_karo_visit() {
    let dir = demo_db();
    let out = ok(&run(dir.path(), &["list"]));
    assert_eq!(out.lines().count(), 1, "{out}");
    for fact in [
        // The Indonesian short form (issue 16 point 10); --json keeps ISO.
        "17 Mar 2022 14.00 WIB",
        "12.06 Kabupaten Karo",
        "Audiensi",
        "draf",
        KARO_ID,
    ] {
        assert!(out.contains(fact), "list lacks {fact:?}: {out}");
    }
    let json: Value = serde_json::from_str(&ok(&run(dir.path(), &["list", "--json"]))).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["id"], KARO_ID);
    assert_eq!(rows[0]["district"]["code"], "12.06");
    assert_eq!(rows[0]["attendees"], 5);
    assert_eq!(rows[0]["start"], "2022-03-17T14:00:00+07:00");
}

#[test]
fn show_json_holds_every_karo_fact() {
    let dir = demo_db();
    let v: Value = serde_json::from_str(&ok(&run(dir.path(), &["show", KARO_ID, "--json"])))
        .expect("show --json prints JSON");
    assert_eq!(v["id"], KARO_ID);
    assert_eq!(v["district"]["code"], "12.06");
    assert_eq!(v["district"]["name"], "Kabupaten Karo");
    assert_eq!(v["district"]["province"], "Sumatera Utara");
    assert_eq!(v["start"], "2022-03-17T14:00:00+07:00");
    let venue = v["venue"].as_str().unwrap();
    for part in [
        "Kantor Bupati Karo",
        "Jalan Let Jen Jamin Ginting",
        "Kabanjahe",
    ] {
        assert!(venue.contains(part), "venue {venue:?} lacks {part:?}");
    }
    assert_eq!(v["kind"], "audiensi");
    assert!(v["purpose"].as_str().unwrap().contains("Inpres No. 2/2021"));
    assert_eq!(v["instruction"], "Inpres No. 2/2021");
    let team: Vec<&str> = v["team"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    for member in ["Sekretariat Kabinet", "Kantor Staf Presiden", "Kemenko PMK"] {
        assert!(team.contains(&member), "team {team:?} lacks {member}");
    }

    // All five attendees, with post and organisation.
    let attendees = v["attendees"].as_array().unwrap();
    assert_eq!(attendees.len(), 5);
    let expected = [
        (
            "Cory Sriwaty Sebayang",
            "Bupati Karo",
            "Pemerintah Kabupaten Karo",
        ),
        (
            "Theopilus Ginting",
            "Wakil Bupati Karo",
            "Pemerintah Kabupaten Karo",
        ),
        (
            "Abetnego Tarigan",
            "Deputi II Bidang Pembangunan Manusia",
            "Kantor Staf Presiden",
        ),
        (
            "La Ode Muhamad Talib",
            "Kepala Bidang Asuransi Sosial",
            // The corrected expansion (DOMAIN.md), not the report's "Pemberdayaan".
            "Kementerian Koordinator Bidang Pembangunan Manusia dan Kebudayaan",
        ),
        (
            "Aang Supono",
            "Kepala Kantor Cabang Medan Kota",
            "BPJS Ketenagakerjaan",
        ),
    ];
    for (name, post, org) in expected {
        let a = attendees
            .iter()
            .find(|a| a["name"] == name)
            .unwrap_or_else(|| panic!("attendee {name} missing"));
        assert_eq!(a["post"], post, "{name}");
        assert!(
            a["organisation"].as_str().unwrap().contains(org),
            "{name}: {}",
            a["organisation"]
        );
    }

    // The four standard strategies, in order.
    let strategies = v["strategies"].as_array().unwrap();
    let standard: Vec<i64> = strategies
        .iter()
        .map(|s| s["standard"].as_i64().unwrap())
        .collect();
    assert_eq!(standard, [1, 2, 3, 4]);
    let texts: Vec<&str> = strategies
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    for (text, words) in texts.iter().zip([
        "belum mendaftarkan pekerjanya",
        "tertib iuran",
        "pekerja rentan",
        "pekerja honorer",
    ]) {
        assert!(text.contains(words), "{text:?} lacks {words:?}");
    }

    // Two death-benefit handovers and the certificate, handed over by the Bupati and Deputi II.
    let handovers = v["handovers"].as_array().unwrap();
    let deaths: Vec<(&str, &str)> = handovers
        .iter()
        .filter(|h| h["kind"] == "death_benefit_claim")
        .map(|h| {
            (
                h["subject"].as_str().unwrap(),
                h["employer"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(deaths.len(), 2, "{deaths:?}");
    assert_eq!(deaths[0].0, "Brian Adam Sitepu");
    assert!(deaths[0].1.contains("Satpol PP"));
    assert_eq!(deaths[1].0, "Ruth Beru Sembiring Pelawi");
    assert_eq!(deaths[1].1, "CU Merdeka");
    assert_eq!(
        handovers
            .iter()
            .filter(|h| h["kind"] == "membership_certificate")
            .count(),
        1
    );
    let id_of = |name: &str| {
        attendees.iter().find(|a| a["name"] == name).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let by = [id_of("Cory Sriwaty Sebayang"), id_of("Abetnego Tarigan")];
    for h in handovers {
        let handed: Vec<&str> = h["handed_by"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        assert_eq!(handed, by, "{}", h["recipient"]);
    }

    // The national figures, marked national.
    let figures: Vec<(f64, &str, &str)> = v["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["value"].as_f64().unwrap(),
                f["unit"].as_str().unwrap(),
                f["scope"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(figures, [(86.0, "%", "national"), (14.0, "%", "national")]);
    assert_eq!(v["revision"], 1);
}

#[test]
fn show_renders_the_visit_as_text_in_either_language() {
    let dir = demo_db();
    let id = ok(&run(dir.path(), &["show", KARO_ID]));
    for fact in [
        "Kamis, 17 Maret 2022 pukul 14.00 WIB",
        "Cory Sriwaty Sebayang — Bupati Karo",
        "Klaim santunan kematian: Ahli waris Alm. Brian Adam Sitepu",
        "86 % (nasional)",
        "Peserta:",
    ] {
        assert!(id.contains(fact), "show lacks {fact:?}:\n{id}");
    }
    let en = ok(&run(dir.path(), &["--lang", "en", "show", KARO_ID]));
    for fact in [
        "Thursday, 17 March 2022 at 14:00 WIB",
        "Death-benefit claim",
        "(national)",
        "Attendees:",
    ] {
        assert!(en.contains(fact), "show --lang en lacks {fact:?}:\n{en}");
    }
}

#[test]
fn demo_twice_does_not_duplicate() {
    let dir = demo_db();
    let second = ok(&run(dir.path(), &["demo"]));
    assert!(second.contains("sudah ada"), "{second}");
    let rows: Value = serde_json::from_str(&ok(&run(dir.path(), &["list", "--json"]))).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    let store = Store::open(dir.path()).unwrap();
    let id = Uuid::parse_str(KARO_ID).unwrap();
    assert_eq!(
        store.audit(id).unwrap().len(),
        1,
        "the second demo wrote nothing"
    );
}

#[test]
fn show_accepts_a_unique_prefix_and_refuses_unknown_or_ambiguous_ones() {
    let dir = demo_db();
    {
        // A second visit whose id shares the first seven hex digits with the demo's.
        let store = Store::open(dir.path()).unwrap();
        let id = Uuid::parse_str("017f96ae-0000-7000-8000-000000000001").unwrap();
        let v = Visit::new(id, District::new("12.06", "Kabupaten Karo"), common::at(0));
        store.create(&v, &stamp(0, "t")).unwrap();
    }
    for prefix in ["017f96ad", "017F96AD-15", "017f96ad1581"] {
        let v: Value =
            serde_json::from_str(&ok(&run(dir.path(), &["show", prefix, "--json"]))).unwrap();
        assert_eq!(v["id"], KARO_ID, "prefix {prefix}");
    }

    let err = fails_with(&run(dir.path(), &["show", "017f96a"]), 1);
    assert!(
        err.contains("\"017f96a\" cocok dengan 2 kunjungan"),
        "{err}"
    );
    let err = fails_with(&run(dir.path(), &["--lang", "en", "show", "017f96a"]), 1);
    assert!(err.contains("\"017f96a\" matches 2 visits"), "{err}");

    let err = fails_with(&run(dir.path(), &["show", "abc"]), 1);
    assert!(
        err.contains("Tidak ada kunjungan yang cocok dengan \"abc\""),
        "{err}"
    );
    let err = fails_with(&run(dir.path(), &["--lang", "en", "show", "abc"]), 1);
    assert!(err.contains("No visit matches \"abc\""), "{err}");
    // A prefix that is no hex at all, and an empty one, are simply not found.
    fails_with(&run(dir.path(), &["show", "zz"]), 1);
    fails_with(&run(dir.path(), &["show", "-"]), 1);
}

#[test]
fn lang_flag_and_environment_switch_the_messages() {
    let dir = tempfile::tempdir().unwrap();
    let id = ok(&run(dir.path(), &["list"]));
    assert!(id.starts_with("Belum ada kunjungan"), "{id}");
    let en = ok(&run(dir.path(), &["--lang", "en", "list"]));
    assert!(en.starts_with("No visits yet"), "{en}");
    let env = ok(&pantau(dir.path())
        .env("PANTAU_LANG", "en")
        .arg("list")
        .output()
        .unwrap());
    assert_eq!(env, en);
    // The flag wins over the environment.
    let flag = ok(&pantau(dir.path())
        .env("PANTAU_LANG", "en")
        .args(["--lang", "id", "list"])
        .output()
        .unwrap());
    assert_eq!(flag, id);
    // The flag works after the subcommand too (it is global).
    assert_eq!(ok(&run(dir.path(), &["list", "--lang", "en"])), en);

    let loaded = ok(&run(dir.path(), &["--lang", "en", "demo"]));
    assert!(loaded.starts_with("Sample visit loaded"), "{loaded}");
    assert!(loaded.contains("Thursday, 17 March 2022"), "{loaded}");
}

#[test]
fn a_second_process_on_an_open_database_exits_2_naming_the_path() {
    let dir = demo_db();
    let held = Store::open(dir.path()).unwrap();
    let shown = dir.path().display().to_string();
    for (lang, words) in [("id", "sedang dipakai"), ("en", "in use")] {
        let err = fails_with(&run(dir.path(), &["--lang", lang, "list"]), 2);
        assert!(err.contains(&shown) && err.contains(words), "{lang}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    drop(held);
    ok(&run(dir.path(), &["list"]));
}

#[test]
fn a_damaged_database_exits_2_with_the_damaged_message() {
    let dir = demo_db();
    std::fs::write(dir.path().join("db"), garbage(8192)).unwrap();
    let shown = dir.path().display().to_string();
    let err = fails_with(&run(dir.path(), &["list"]), 2);
    assert!(err.contains(&shown) && err.contains("rusak"), "{err}");
    let err = fails_with(&run(dir.path(), &["--lang", "en", "check"]), 2);
    assert!(err.contains(&shown) && err.contains("damaged"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn check_on_a_clean_database_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(&run(dir.path(), &["check"]));
    assert!(out.contains("Basis data utuh."), "{out}");
    ok(&run(dir.path(), &["demo"]));
    let out = ok(&run(dir.path(), &["--lang", "en", "check"]));
    assert!(
        out.contains("1 visit, 0 in the trash, 1 history event."),
        "{out}"
    );
    assert!(out.contains("Database is sound."), "{out}");
}
