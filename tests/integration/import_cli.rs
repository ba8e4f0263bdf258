//! `pantau import` with the real binary on bundles the real binary exported (issue 14 point 6):
//! type errors named by visit and field in both languages, the backup taken before an import
//! that changes visits, and a refused large import that leaves the database folder its size.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::synthetic_bundle;

const BIN: &str = env!("CARGO_BIN_EXE_pantau");
const KARO: &str = "017f96ad-1581-7001-8152-50414e544156";

fn pantau(db: &Path, lang: &str, args: &[&str]) -> Output {
    pantau_with(db, lang, None, args)
}

fn pantau_with(db: &Path, lang: &str, pass: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .env("PANTAU_LANG", lang)
        .env("PANTAU_CONFIG", db.with_extension("no-config.toml"))
        .env("NO_COLOR", "1")
        .env_remove("PANTAU_DB")
        .env_remove("PANTAU_PASSPHRASE")
        .stdin(std::process::Stdio::null());
    if let Some(p) = pass {
        cmd.env("PANTAU_PASSPHRASE", p);
    }
    cmd.output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", text(&o));
    text(&o)
}

/// The visits of the database at `db` as the real export writes them (the envelope, with its
/// export time, left out).
fn visits(db: &Path) -> Value {
    let out = pantau(db, "en", &["export", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out));
    let mut bundle: Value = serde_json::from_slice(&out.stdout).unwrap();
    bundle["visits"].take()
}

/// `pantau demo` in a new database `name`, exported by `pantau export` to `name.json`.
fn demo_bundle(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let db = dir.join(name);
    ok(pantau(&db, "en", &["demo"]));
    let file = dir.join(format!("{name}.json"));
    ok(pantau(
        &db,
        "en",
        &["export", "--format", "json", "-o", file.to_str().unwrap()],
    ));
    (db, file)
}

/// `file` with `change` made to its first visit, as `name` beside it.
fn altered(file: &Path, name: &str, change: impl FnOnce(&mut Value)) -> PathBuf {
    let mut bundle: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    change(&mut bundle["visits"][0]);
    let out = file.with_file_name(name);
    std::fs::write(&out, serde_json::to_vec(&bundle).unwrap()).unwrap();
    out
}

/// A bundle file's name, the change made to its visit, and the message wanted in English and
/// in Indonesian.
type Case = (&'static str, fn(&mut Value), String, String);

#[test]
fn type_errors_name_the_visit_and_the_field_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let (_, file) = demo_bundle(dir.path(), "a");
    let place = format!("{KARO} (12.06 Kabupaten Karo)");
    let cases: [Case; 3] = [
        (
            "venue.json",
            |v| v["visit"]["venue"] = 5.into(),
            format!("visit {place}, field visit.venue: expected text, found the number 5"),
            format!("kunjungan {place}, isian visit.venue: seharusnya teks, ternyata angka 5"),
        ),
        (
            "name.json",
            |v| v["visit"]["attendees"][0]["name"] = serde_json::json!([1]),
            format!("visit {place}, field visit.attendees[0].name: expected text, found a list"),
            format!(
                "kunjungan {place}, isian visit.attendees[0].name: seharusnya teks, ternyata \
                 sebuah daftar"
            ),
        ),
        (
            "at.json",
            |v| v["history"][0]["at"] = 17.into(),
            format!(
                "visit {place}, field history[0].at: expected a date and time (e.g. \
                 \"2022-03-17T09:00:00+07:00\"), found the number 17"
            ),
            format!(
                "kunjungan {place}, isian history[0].at: seharusnya tanggal dan waktu (mis. \
                 \"2022-03-17T09:00:00+07:00\"), ternyata angka 17"
            ),
        ),
    ];
    // An empty database: anything the refused import wrote would show.
    let target = dir.path().join("target");
    ok(pantau(&target, "en", &["list"]));
    for (name, change, en, id) in cases {
        let bad = altered(&file, name, change);
        let bad = bad.to_str().unwrap();
        for (lang, want) in [("en", &en), ("id", &id)] {
            let out = pantau(&target, lang, &["import", bad]);
            assert!(!out.status.success(), "{name} {lang}: {}", text(&out));
            let said = text(&out);
            assert!(said.contains(want.as_str()), "{name} {lang}: {said}");
            // No serde internals.
            for internal in ["invalid type", "expected a string", "integer `", "line 1"] {
                assert!(!said.contains(internal), "{name} {lang}: {said}");
            }
        }
        let listed = ok(pantau(&target, "en", &["list", "--json"]));
        assert_eq!(listed.trim(), "[]", "{name}: nothing imported");
    }
}

/// The visit `id` in the database at `db`, edited by `f` through the store (as the app's
/// interview saves it).
fn edit(db: &Path, f: impl FnOnce(&mut pantau::domain::Visit)) {
    let store = pantau::store::Store::open(db).unwrap();
    let mut v = store.get(KARO.parse().unwrap()).unwrap().unwrap();
    f(&mut v);
    let stamp = pantau::domain::Stamp::new(chrono::Utc::now(), "a");
    store
        .update(&v, &stamp, pantau::domain::AuditAction::Edit, "")
        .unwrap();
}

/// The backup file named on the summary's line.
fn backup_named(out: &str, lead: &str) -> PathBuf {
    let line = out
        .lines()
        .find_map(|l| l.strip_prefix(lead))
        .unwrap_or_else(|| panic!("no line {lead:?} in {out}"));
    let path = line.split(" (").next().unwrap();
    PathBuf::from(path)
}

#[test]
fn an_import_that_changes_a_visit_takes_a_backup_first_and_one_that_changes_nothing_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let (a, first) = demo_bundle(dir.path(), "a");
    let b = dir.path().join("b");
    ok(pantau(&b, "en", &["import", first.to_str().unwrap()]));
    // Nothing new: no backup.
    let out = ok(pantau(&b, "en", &["import", first.to_str().unwrap()]));
    assert!(out.contains("1 unchanged"), "{out}");
    assert!(!out.contains("Backup"), "{out}");
    assert!(ok(pantau(&b, "en", &["backups"])).contains("No backups"));

    edit(&a, |v| v.venue = "Balai Desa Lingga".into());
    let second = dir.path().join("a2.json");
    ok(pantau(
        &a,
        "en",
        &["export", "--format", "json", "-o", second.to_str().unwrap()],
    ));
    let before = visits(&b);
    let out = ok(pantau(&b, "en", &["import", second.to_str().unwrap()]));
    assert!(out.contains("1 updated"), "{out}");
    let backup = backup_named(&out, "Backup taken before the import: ");
    assert!(backup.is_file(), "{out}");
    assert!(visits(&b) != before, "the import changed the visit");
    let listed = ok(pantau(&b, "en", &["backups"]));
    let name = backup.file_name().unwrap().to_str().unwrap();
    assert!(listed.contains(name), "{listed}");

    // Restored, it is the database before the import.
    let c = dir.path().join("c");
    ok(pantau(
        &b,
        "en",
        &[
            "restore",
            backup.to_str().unwrap(),
            "--to",
            c.to_str().unwrap(),
        ],
    ));
    assert_eq!(visits(&c), before);
    // The same line in Indonesian.
    edit(&a, |v| v.venue = "Jambur Taman Mejuah-juah".into());
    ok(pantau(
        &a,
        "en",
        &["export", "--format", "json", "-o", second.to_str().unwrap()],
    ));
    let out = ok(pantau(&b, "id", &["import", second.to_str().unwrap()]));
    let again = backup_named(&out, "Cadangan sebelum impor: ");
    assert!(again.is_file() && again != backup, "{out}");
}

#[test]
fn the_backup_before_an_import_into_an_encrypted_database_is_sealed() {
    const PASS: &str = "kata sandi yang cukup panjang 42";
    let dir = tempfile::tempdir().unwrap();
    let (a, first) = demo_bundle(dir.path(), "a");
    let b = dir.path().join("b");
    ok(pantau(&b, "en", &["import", first.to_str().unwrap()]));
    ok(pantau_with(&b, "en", Some(PASS), &["encrypt"]));
    edit(&a, |v| v.venue = "Balai Desa Lingga".into());
    let second = dir.path().join("a2.json");
    ok(pantau(
        &a,
        "en",
        &["export", "--format", "json", "-o", second.to_str().unwrap()],
    ));
    let out = ok(pantau_with(
        &b,
        "en",
        Some(PASS),
        &["import", second.to_str().unwrap()],
    ));
    let backup = backup_named(&out, "Backup taken before the import: ");
    let bytes = std::fs::read(&backup).unwrap();
    assert!(pantau::store::is_sealed_file(&bytes), "{out}");
    let plain = String::from_utf8_lossy(&bytes);
    assert!(!plain.contains("Kabanjahe") && !plain.contains("Karo"));
}

/// Bytes of every file under `dir`, as a file system reports them.
fn folder_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let meta = entry.metadata().unwrap();
        total += if meta.is_dir() {
            folder_bytes(&entry.path())
        } else {
            meta.len()
        };
    }
    total
}

#[test]
fn a_large_bundle_refused_for_its_last_visit_leaves_the_folder_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    ok(pantau(&db, "en", &["demo"]));
    // More visits than one batch of the import's bulk writes (2,000), the last one bad.
    let visits_in = 2500;
    let bytes = synthetic_bundle::json(pantau::synth::histories(visits_in, 7));
    let mut bundle: Value = serde_json::from_slice(&bytes).unwrap();
    bundle["visits"][visits_in - 1]["visit"]["venue"] = 5.into();
    let file = dir.path().join("big.json");
    std::fs::write(&file, serde_json::to_vec(&bundle).unwrap()).unwrap();
    let bundle_len = std::fs::metadata(&file).unwrap().len();
    let before_visits = visits(&db);
    let before = folder_bytes(&db);

    let out = pantau(&db, "en", &["import", file.to_str().unwrap()]);
    assert!(!out.status.success(), "{}", text(&out));
    let after = folder_bytes(&db);
    // Writing the 2,499 good visits would add about the bundle's size (tens of MB); opening
    // and closing the database writes a few small records of its own (meta, the clean-close
    // fingerprint). A twentieth of the bundle is far above the second and far below the first.
    let bound = bundle_len / 20;
    assert!(
        after <= before + bound,
        "folder grew from {before} to {after} bytes (bound {bound}, bundle {bundle_len})"
    );
    eprintln!("folder {before} -> {after} bytes, bundle {bundle_len}");
    assert!(
        text(&out).contains("field visit.venue: expected text, found the number 5"),
        "{}",
        text(&out)
    );
    assert_eq!(visits(&db), before_visits);
}
