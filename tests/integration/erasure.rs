//! Erasing a person's personal data (issue 20 point 5), with the real binary: the name gone
//! from every file of the database, its backups and its bundles, the history still checked
//! sound, and the erasure carried to and from a laptop that still held the name — including a
//! note that laptop wrote about the person after the bundles were exchanged.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::cli::{ok, run, text};
use crate::common::pty::Session;

fn pantau(db: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    run(db, env, args)
}

/// Every file under `paths` (folders walked) whose bytes hold one of `words`.
fn found_in(paths: &[PathBuf], words: &[&str]) -> Vec<(PathBuf, String)> {
    fn walk(p: &Path, out: &mut Vec<PathBuf>) {
        if p.is_dir() {
            for e in std::fs::read_dir(p).unwrap() {
                walk(&e.unwrap().path(), out);
            }
        } else if p.is_file() {
            out.push(p.to_path_buf());
        }
    }
    let mut files = Vec::new();
    for p in paths {
        walk(p, &mut files);
    }
    let mut hits = Vec::new();
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        for w in words {
            if bytes.windows(w.len()).any(|x| x == w.as_bytes()) {
                hits.push((f.clone(), w.to_string()));
            }
        }
    }
    hits
}

/// A meeting note typed into the first visit of `db` in the app.
fn add_note(db: &Path, note: &str) {
    let mut s = Session::start(db, 30, 110);
    s.wait_for("Daftar kunjungan");
    s.send("e");
    s.wait_for("Identitas");
    s.send("\x0e");
    s.wait_for("Catatan rapat");
    s.send(note);
    s.wait_for(note);
    s.commit();
    let before = s.screen();
    s.send("\x1b");
    s.wait_until("the editor closed", |x| x != before);
    s.send("q");
    s.wait_exit();
}

/// The database folder and its own backups (laptops a and b share a `backups` folder).
fn files_of(db: &Path) -> Vec<PathBuf> {
    let name = db.file_name().unwrap().to_str().unwrap().to_string();
    let mut out = vec![db.to_path_buf()];
    if let Ok(dir) = std::fs::read_dir(db.with_file_name("backups")) {
        for e in dir {
            let p = e.unwrap().path();
            let f = p.file_name().unwrap().to_str().unwrap().to_string();
            if f.starts_with(&format!("{name}-")) || f.starts_with(&format!("{name}.")) {
                out.push(p);
            }
        }
    }
    assert!(out.len() > 1, "no backup of {name}");
    out
}

const PERSON: &[&str] = &["Brian", "Sitepu"];

#[test]
fn an_erased_person_is_found_nowhere_and_the_history_still_checks_on_every_laptop() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    ok(pantau(&a, &[], &["demo"]));
    let first = dir.path().join("first.json");
    ok(pantau(
        &a,
        &[],
        &["export", "--format", "json", "-o", first.to_str().unwrap()],
    ));
    ok(pantau(&b, &[], &["import", first.to_str().unwrap()]));
    // Laptop b writes about the person after the exchange.
    add_note(&b, "Ahli waris Sitepu minta salinan berita acara");

    // Asked without --yes or a reason: told what would go, nothing changed.
    let out = pantau(&a, &[], &["erase", "017f96ad", "Brian Adam"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("To be erased"), "{}", text(&out));
    assert!(text(&out).contains("--reason") && text(&out).contains("--yes"));
    assert!(ok(pantau(&a, &[], &["show", "017f96ad"])).contains("Brian Adam Sitepu"));
    let out = pantau(
        &a,
        &[],
        &["erase", "017f96ad", "ahli waris", "--reason", "x", "--yes"],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "two heirs match: {}",
        text(&out)
    );
    assert!(text(&out).contains("matches 2 people"), "{}", text(&out));
    let out = pantau(
        &a,
        &[],
        &["erase", "017f96ad", "Nobody", "--reason", "x", "--yes"],
    );
    assert!(
        text(&out).contains("No attendee or handover named"),
        "{}",
        text(&out)
    );

    let out = ok(pantau(
        &a,
        &[],
        &[
            "erase",
            "017f96ad",
            "Brian Adam",
            "--reason",
            "permintaan ahli waris, 3 Des 2026",
            "--yes",
        ],
    ));
    assert!(out.contains("erased from visit 017f96ad"), "{out}");
    assert!(out.contains("rewritten"), "{out}");
    let check = ok(pantau(&a, &[], &["check"]));
    assert!(
        check.contains("sound") || check.contains("intact"),
        "{check}"
    );
    assert_eq!(found_in(&files_of(&a), PERSON), vec![]);
    let show = ok(pantau(&a, &[], &["show", "017f96ad"]));
    assert!(show.contains("[dihapus]"), "{show}");
    assert!(
        show.contains("Ruth Beru Sembiring Pelawi"),
        "the other heirs are kept"
    );
    let erased = dir.path().join("erased.json");
    ok(pantau(
        &a,
        &[],
        &["export", "--format", "json", "-o", erased.to_str().unwrap()],
    ));
    assert_eq!(found_in(std::slice::from_ref(&erased), PERSON), vec![]);
    assert!(
        std::fs::read_to_string(&erased)
            .unwrap()
            .contains("\"erase\"")
    );

    // Laptop b's bundle still names the person (in the visit and in the new note): imported
    // here, the erasure is carried onto it.
    let from_b = dir.path().join("from-b.json");
    ok(pantau(
        &b,
        &[],
        &["export", "--format", "json", "-o", from_b.to_str().unwrap()],
    ));
    assert!(!found_in(std::slice::from_ref(&from_b), PERSON).is_empty());
    let out = ok(pantau(&a, &[], &["import", from_b.to_str().unwrap()]));
    assert!(out.contains("1 updated"), "{out}");
    let show = ok(pantau(&a, &[], &["show", "017f96ad"]));
    assert!(
        show.contains("minta salinan berita acara"),
        "b's note came: {show}"
    );
    assert!(!show.contains("Sitepu"), "{show}");
    let check = ok(pantau(&a, &[], &["check"]));
    assert!(
        check.contains("sound") || check.contains("intact"),
        "{check}"
    );
    assert_eq!(found_in(&files_of(&a), PERSON), vec![]);

    // And a's bundle erases the person on laptop b, files and backups included.
    let merged = dir.path().join("merged.json");
    ok(pantau(
        &a,
        &[],
        &["export", "--format", "json", "-o", merged.to_str().unwrap()],
    ));
    let out = ok(pantau(&b, &[], &["import", merged.to_str().unwrap()]));
    assert!(out.contains("erasure"), "{out}");
    let check = ok(pantau(&b, &[], &["check"]));
    assert!(
        check.contains("sound") || check.contains("intact"),
        "{check}"
    );
    assert_eq!(found_in(&files_of(&b), PERSON), vec![]);
    let again = ok(pantau(&b, &[], &["import", merged.to_str().unwrap()]));
    assert!(again.contains("1 unchanged"), "{again}");
}

#[test]
fn an_encrypted_database_is_erased_under_its_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let pass = [("PANTAU_PASSPHRASE", "kunci rahasia Karo")];
    ok(pantau(&db, &[], &["demo"]));
    ok(pantau(&db, &pass, &["encrypt"]));
    let out = pantau(
        &db,
        &[],
        &["erase", "017f96ad", "Sebayang", "--reason", "r", "--yes"],
    );
    assert_eq!(out.status.code(), Some(2), "no passphrase: {}", text(&out));
    ok(pantau(
        &db,
        &pass,
        &["erase", "017f96ad", "Sebayang", "--reason", "r", "--yes"],
    ));
    let show = ok(pantau(&db, &pass, &["show", "017f96ad"]));
    assert!(
        !show.contains("Sebayang") && !show.contains("Sriwaty"),
        "{show}"
    );
    assert!(show.contains("Theopilus Ginting"));
    let check = ok(pantau(&db, &pass, &["check"]));
    assert!(
        check.contains("sound") || check.contains("intact"),
        "{check}"
    );
    assert!(
        Path::new(&db).join(pantau::store::HEADER_FILE).exists(),
        "still encrypted"
    );
}

#[test]
fn a_final_visit_past_its_retention_is_listed_and_erased_with_both_digests_recorded() {
    use chrono::{TimeZone, Utc};
    use pantau::domain::{AuditAction, Finalisation, Stamp, VisitStatus};
    use pantau::store::Store;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    ok(pantau(&db, &[], &["demo"]));
    // Finalised as the app finalises: one `Finalise` update, the store sets digest and chain.
    let at = Utc.with_ymd_and_hms(2022, 3, 18, 9, 0, 0).unwrap();
    let digest = {
        let store = Store::open(&db).unwrap();
        let id = "017f96ad-1581-7001-8152-50414e544156".parse().unwrap();
        let mut v = store.get(id).unwrap().unwrap();
        v.status = VisitStatus::Final;
        v.finalisation = Some(Finalisation {
            at,
            by: "ani".into(),
            digest: pantau::domain::digest(&v),
            chain: String::new(),
            reason: String::new(),
        });
        let saved = store
            .update(&v, &Stamp::new(at, "ani"), AuditAction::Finalise, "")
            .unwrap()
            .unwrap();
        let digest = saved.finalisation.unwrap().digest;
        assert_eq!(digest.len(), 64);
        digest
    };
    let config = db.with_extension("no-config.toml");
    let none = ok(pantau(&db, &[], &["retention"]));
    assert!(none.contains("No retention period"), "{none}");
    std::fs::write(&config, "retention_months = 12\n").unwrap();
    let due = ok(pantau(&db, &[], &["retention"]));
    assert!(due.contains("1 visits are past it"), "{due}");
    assert!(
        due.contains("017f96ad") && due.contains("3 handovers"),
        "{due}"
    );

    let out = ok(pantau(
        &db,
        &[],
        &[
            "erase",
            "017f96ad",
            "Ruth",
            "--reason",
            "masa simpan berakhir",
            "--yes",
        ],
    ));
    assert!(out.contains(&digest), "the old digest is named: {out}");
    let check = ok(pantau(&db, &[], &["check"]));
    assert!(
        check.contains("sound") || check.contains("intact"),
        "{check}"
    );
    let due = ok(pantau(&db, &[], &["retention", "--json"]));
    assert!(due.contains("\"people\": 2"), "{due}");
    let show = ok(pantau(&db, &[], &["show", "017f96ad"]));
    assert!(
        !show.contains("Pelawi") && !show.contains(&digest),
        "{digest} / {out} / {show}"
    );
    assert_eq!(found_in(&files_of(&db), &["Pelawi"]), vec![]);
}

#[test]
fn the_app_erases_a_person_picked_from_the_detail_and_rewrites_the_files_at_quit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    ok(pantau(&db, &[], &["demo"]));
    let mut s = Session::start(&db, 30, 110);
    s.wait_for("Daftar kunjungan");
    s.send("\r");
    s.wait_for("Peserta (5)");
    s.send("P");
    s.wait_for("Hapus data pribadi");
    // Attendees first, then the handovers: the sixth is Brian Adam Sitepu's.
    s.send("jjjjj");
    s.send("\r");
    s.wait_for("Alasan (wajib");
    // An empty reason erases nothing.
    s.send("\r");
    s.wait_for("Alasan (wajib");
    s.send("permintaan ahli waris");
    s.wait_for("> permintaan ahli waris");
    s.send("\r");
    s.wait_for("Data pribadi dihapus");
    s.send("q");
    s.wait_exit();
    let show = ok(pantau(&db, &[], &["show", "017f96ad"]));
    assert!(
        !show.contains("Sitepu") && show.contains("Pelawi"),
        "{show}"
    );
    let check = ok(pantau(&db, &[], &["check"]));
    assert!(check.contains("sound"), "{check}");
    assert_eq!(found_in(&files_of(&db), PERSON), vec![]);
}
