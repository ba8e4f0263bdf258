//! The encrypted database (issue 20), with the real binary: unlocking with the right and the
//! wrong passphrase, no name or amount of the demo visit in any file of the folder or its
//! backups, `pantau encrypt` killed at every step, the unlock screen.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pantau::domain::{AuditAction, Draft, DraftTarget};
use pantau::store::Store;

use crate::common;

const BIN: &str = env!("CARGO_BIN_EXE_pantau");
const PASS: &str = "kunci rahasia Karo";

fn pantau(db: &Path, pass: Option<&str>, lang: &str, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .env("PANTAU_LANG", lang)
        .env("PANTAU_CONFIG", db.with_extension("no-config.toml"))
        .env_remove("PANTAU_PASSPHRASE")
        .env_remove("PANTAU_TEST_STOP_AT")
        .stdin(std::process::Stdio::null());
    if let Some(p) = pass {
        cmd.env("PANTAU_PASSPHRASE", p);
    }
    cmd.output().unwrap()
}

use common::cli::{ok, text};

/// A database with the demo visit, encrypted by `pantau encrypt`.
fn encrypted_demo(dir: &Path) -> PathBuf {
    let db = dir.join("db");
    ok(pantau(&db, None, "en", &["demo"]));
    let out = ok(pantau(&db, Some(PASS), "en", &["encrypt"]));
    assert!(out.contains("is now encrypted"), "{out}");
    db
}

/// What of the demo visit is personal: the attendees' names, the heirs and the deceased of its
/// handovers, and the amount the test gives a claim.
const AMOUNT: i64 = 42_750_000;

fn personal() -> Vec<String> {
    let v = pantau::demo::karo_visit();
    let mut out: Vec<String> = v.attendees.iter().map(|a| a.name.clone()).collect();
    for h in &v.handovers {
        out.push(h.subject.clone());
    }
    out.retain(|s| !s.is_empty());
    out.push(AMOUNT.to_string());
    out
}

/// Every file under each of `dirs` (or the file itself), with each personal text found in it.
fn leaks(dirs: &[&Path], words: &[String]) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    for dir in dirs {
        let files = if dir.is_file() {
            [(PathBuf::new(), std::fs::read(dir).unwrap())].into()
        } else {
            common::snapshot(dir)
        };
        for (path, bytes) in files {
            for w in words {
                if bytes.windows(w.len()).any(|x| x == w.as_bytes()) {
                    found.push((dir.join(&path), w.clone()));
                }
            }
        }
    }
    found
}

#[test]
fn the_right_passphrase_opens_and_a_wrong_one_is_refused_with_nothing_touched() {
    let dir = tempfile::tempdir().unwrap();
    let db = encrypted_demo(dir.path());
    let list = ok(pantau(&db, Some(PASS), "en", &["list"]));
    assert!(list.contains("Kabupaten Karo"), "{list}");
    let before = common::snapshot(&db);
    for (lang, said) in [
        ("en", "Wrong passphrase for database"),
        ("id", "Frasa sandi salah untuk basis data"),
    ] {
        let out = pantau(&db, Some("salah"), lang, &["list"]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(text(&out).contains(said), "{}", text(&out));
        assert!(!text(&out).contains("Karo"), "{}", text(&out));
    }
    // No passphrase and no terminal to type it at: said, exit 2.
    let out = pantau(&db, None, "en", &["show", "017f96ad"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("PANTAU_PASSPHRASE"), "{}", text(&out));
    assert_eq!(
        common::snapshot(&db),
        before,
        "a refused open changed files"
    );
    // The library refuses it with a typed error, the right passphrase opens it.
    assert!(matches!(
        Store::open(&db),
        Err(pantau::store::StoreError::Locked { .. })
    ));
    let store = Store::open_with(&db, Some(PASS)).unwrap();
    assert!(store.is_encrypted() && store.check().is_clean());
    store.close();

    // A new passphrase: the old one no longer opens it, the new one does.
    let out = Command::new(BIN)
        .arg("--db")
        .arg(&db)
        .arg("passphrase")
        .env("PANTAU_LANG", "en")
        .env("PANTAU_CONFIG", db.with_extension("no-config.toml"))
        .env("PANTAU_PASSPHRASE", PASS)
        .env("PANTAU_NEW_PASSPHRASE", "baru sekali")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    ok(out);
    assert_eq!(
        pantau(&db, Some(PASS), "en", &["list"]).status.code(),
        Some(2)
    );
    ok(pantau(&db, Some("baru sekali"), "en", &["check"]));

    // Decrypted, it opens without a passphrase, and the names are readable in its files
    // again (so the scan of the other test can find them).
    let out = ok(pantau(&db, Some("baru sekali"), "en", &["decrypt"]));
    assert!(out.contains("is now plain"), "{out}");
    assert!(!Store::is_encrypted_at(&db));
    ok(pantau(&db, None, "en", &["check"]));
    let show = ok(pantau(&db, None, "en", &["show", "017f96ad"]));
    assert!(show.contains("Sebayang"), "{show}");
    assert!(!leaks(&[&db], &personal()).is_empty());
}

#[test]
fn no_file_of_an_encrypted_database_or_its_backups_holds_a_name_or_an_amount() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    ok(pantau(&db, None, "en", &["demo"]));
    // A plain backup first: `encrypt` must not leave it behind.
    {
        let store = Store::open(&db).unwrap();
        pantau::backup::write(&store, pantau::backup::Reason::Start, chrono::Utc::now()).unwrap();
        store.close();
    }
    let backups = pantau::backup::dir_for(&db);
    let words = personal();
    assert!(
        !leaks(&[&backups], &words).is_empty(),
        "the plain backup holds names"
    );
    let out = ok(pantau(&db, Some(PASS), "en", &["encrypt"]));
    assert!(out.contains("Plain backups removed: 1"), "{out}");

    // Edited as the app edits: an amount and a note, typed text kept as a draft, the
    // interview position, then trashed and restored.
    let store = Store::open_with(&db, Some(PASS)).unwrap();
    let id = pantau::demo::karo_visit().id;
    let mut v = store.get(id).unwrap().unwrap();
    v.handovers[0].amount = Some(AMOUNT);
    v.venue = format!("Aula, bersama {}", v.attendees[1].name);
    let stamp = common::stamp(5, "auditor");
    let v = store
        .update(&v, &stamp, AuditAction::Edit, "")
        .unwrap()
        .unwrap();
    store
        .set_drafts(
            id,
            &[Draft {
                target: DraftTarget::Note(None),
                text: format!("{} menyerahkan santunan", v.attendees[0].name),
            }],
        )
        .unwrap();
    store.set_position(id, 2, 1).unwrap();
    store.delete(id, &common::stamp(6, "auditor")).unwrap();
    store.restore(id, &common::stamp(7, "auditor")).unwrap();
    pantau::backup::write(&store, pantau::backup::Reason::Quit, chrono::Utc::now()).unwrap();
    assert!(store.check().is_clean());
    store.close();

    // Searched (the index file is written), listed, checked, exported to the terminal.
    let found = ok(pantau(&db, Some(PASS), "en", &["search", "Sebayang"]));
    assert!(found.contains("Kabupaten Karo"), "{found}");
    assert!(db.join(pantau::store::INDEX_FILE).exists());
    let found = ok(pantau(&db, Some(PASS), "en", &["search", "Sitepu"]));
    assert!(found.contains("Kabupaten Karo"), "{found}");
    ok(pantau(&db, Some(PASS), "en", &["check"]));
    let show = ok(pantau(
        &db,
        Some(PASS),
        "en",
        &["show", "017f96ad", "--json"],
    ));
    assert!(show.contains(&AMOUNT.to_string()), "the edit is stored");
    let listed = ok(pantau(&db, Some(PASS), "en", &["backups"]));
    assert!(listed.contains("encrypted"), "{listed}");

    let found = leaks(&[&db, &backups], &words);
    assert!(found.is_empty(), "personal data readable in: {found:?}");
    // Nothing of the conversion is left beside the folder either.
    let siblings: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        siblings.iter().all(|n| n == "db" || n == "backups"),
        "{siblings:?}"
    );

    // The sealed backup restores, with the passphrase, into an encrypted database.
    let restored = dir.path().join("restored");
    let newest = pantau::backup::newest_restorable(&db).unwrap().unwrap();
    let out = pantau(
        &db,
        Some(PASS),
        "en",
        &[
            "restore",
            newest.path.to_str().unwrap(),
            "--to",
            restored.to_str().unwrap(),
        ],
    );
    ok(out);
    assert!(Store::is_encrypted_at(&restored));
    let show = ok(pantau(&restored, Some(PASS), "en", &["show", "017f96ad"]));
    assert!(show.contains("Sebayang"), "{show}");
    assert!(leaks(&[&restored], &words).is_empty());
    let wrong = pantau(
        &db,
        Some("salah"),
        "en",
        &[
            "restore",
            newest.path.to_str().unwrap(),
            "--to",
            dir.path().join("again").to_str().unwrap(),
        ],
    );
    assert_eq!(wrong.status.code(), Some(2), "{}", text(&wrong));
}

/// `pantau encrypt` ended (as by `kill -9`) after each of its steps: the database opens every
/// time, as the old plain one or the new encrypted one, with the demo visit, and checks clean;
/// once it is the encrypted one, no plain copy is left beside it.
#[test]
fn encrypt_killed_at_any_step_leaves_a_database_that_opens() {
    for step in pantau::store::CONVERT_STEPS {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        ok(pantau(&db, None, "en", &["demo"]));
        let out = Command::new(BIN)
            .arg("--db")
            .arg(&db)
            .arg("encrypt")
            .env("PANTAU_LANG", "en")
            .env("PANTAU_CONFIG", db.with_extension("no-config.toml"))
            .env("PANTAU_PASSPHRASE", PASS)
            .env("PANTAU_TEST_STOP_AT", step)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{step}: not stopped: {}", text(&out));
        // Once the verified copy is marked, the next open finishes the swap; before, it
        // removes the half-built copy. Either way it opens: plain without a passphrase,
        // encrypted with it.
        let expect_encrypted = ["marked", "moved-old", "swapped", "done"].contains(step);
        let pass = expect_encrypted.then_some(PASS);
        let list = ok(pantau(&db, pass, "en", &["list"]));
        assert!(list.contains("Kabupaten Karo"), "{step}: {list}");
        ok(pantau(&db, pass, "en", &["check"]));
        let now_encrypted = Store::is_encrypted_at(&db);
        assert_eq!(now_encrypted, expect_encrypted, "{step}");
        let siblings: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "db")
            .collect();
        assert!(siblings.is_empty(), "{step}: left beside it: {siblings:?}");
        if now_encrypted {
            assert!(
                leaks(&[&db], &personal()).is_empty(),
                "{step}: plain data left"
            );
        }
        // And it converts to the end when run again.
        let again = pantau(&db, Some(PASS), "en", &["encrypt"]);
        assert_eq!(
            again.status.success(),
            !now_encrypted,
            "{step}: {}",
            text(&again)
        );
        assert!(Store::is_encrypted_at(&db), "{step}");
        ok(pantau(&db, Some(PASS), "en", &["check"]));
    }
}

/// The app asks for the passphrase on a screen of its own: masked, a wrong one said and asked
/// again, the right one opens the list; Esc leaves with the terminal restored.
#[cfg(unix)]
#[test]
fn the_app_unlocks_on_its_own_screen_and_esc_leaves_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = encrypted_demo(dir.path());
    let mut s = common::pty::Session::start(&db, 24, 80);
    let screen = s.wait_for("Frasa sandi:");
    assert!(screen.contains("terenkripsi"), "{screen}");
    assert!(!screen.contains("Karo"), "{screen}");
    s.send("salah");
    let screen = s.wait_for("•••••");
    assert!(!screen.contains("salah"), "typed text shown: {screen}");
    s.send("\r");
    s.wait_for("Frasa sandi salah");
    s.send(PASS);
    s.send("\r");
    s.wait_for("Kabupaten Karo");
    s.send("q");
    assert!(s.wait_exit().success());

    let mut s = common::pty::Session::start(&db, 24, 80);
    s.wait_for("Frasa sandi:");
    s.send("\x1b");
    assert!(s.wait_exit().success());
    assert!(s.left_alternate_screen());
}

fn with_env(db: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    common::cli::run(db, env, args)
}

/// Bundles encrypted with `--encrypt`, to a passphrase and to the central office's public key:
/// no name or amount readable in them; they import with the right passphrase or identity
/// only, a refused one leaving the database as it was; the sending laptop cannot read back a
/// bundle sealed to another's key.
#[test]
fn encrypted_bundles_hold_nothing_readable_and_open_only_with_their_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = encrypted_demo(dir.path());
    let words = personal();
    let unlock = ("PANTAU_PASSPHRASE", PASS);
    // The demo has no amount of AMOUNT: put it in as an edit would.
    {
        let store = Store::open_with(&db, Some(PASS)).unwrap();
        let id = pantau::demo::karo_visit().id;
        let mut v = store.get(id).unwrap().unwrap();
        v.handovers[0].amount = Some(AMOUNT);
        store
            .update(&v, &common::stamp(5, "auditor"), AuditAction::Edit, "")
            .unwrap();
        store.close();
    }

    // To a passphrase.
    let sealed = dir.path().join("karo.age");
    let bundle_pass = ("PANTAU_BUNDLE_PASSPHRASE", "bundel untuk tim B");
    let out = with_env(
        &db,
        &[unlock, bundle_pass],
        &[
            "export",
            "--format",
            "json",
            "--encrypt",
            "-o",
            sealed.to_str().unwrap(),
        ],
    );
    assert!(
        text(&out).contains("encrypted with a passphrase"),
        "{}",
        text(&out)
    );
    // No passphrase to be had: said, nothing written.
    let out = with_env(
        &db,
        &[unlock],
        &[
            "export",
            "--format",
            "json",
            "--encrypt",
            "-o",
            "/nonexistent/x.age",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("PANTAU_BUNDLE_PASSPHRASE"),
        "{}",
        text(&out)
    );

    let other = dir.path().join("other");
    // What a refused import must not change is what the database holds (sled itself rewrites
    // its files on every open, so their bytes are no measure).
    let held = |db: &Path| ok(pantau(db, None, "en", &["list", "--json"]));
    let before = held(&other);
    for (env, said) in [
        (vec![], "needs a passphrase"),
        (
            vec![("PANTAU_BUNDLE_PASSPHRASE", "salah")],
            "does not open this file",
        ),
    ] {
        let out = with_env(&other, &env, &["import", sealed.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(text(&out).contains(said), "{}", text(&out));
    }
    assert_eq!(
        held(&other),
        before,
        "a refused import changed what is held"
    );
    let out = ok(with_env(
        &other,
        &[bundle_pass],
        &["import", sealed.to_str().unwrap()],
    ));
    assert!(out.contains("1 visit added"), "{out}");
    let show = ok(pantau(&other, None, "en", &["show", "017f96ad", "--json"]));
    assert!(show.contains(&AMOUNT.to_string()), "the edit came along");

    // To the central office's public key: its identity comes from `pantau keygen`.
    let key = dir.path().join("pusat.key");
    let public = ok(with_env(
        &other,
        &[],
        &["keygen", "-o", key.to_str().unwrap()],
    ));
    let public = public
        .lines()
        .find(|l| l.starts_with("age1"))
        .unwrap()
        .to_owned();
    let again = with_env(&other, &[], &["keygen", "-o", key.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1), "a key is never overwritten");
    let to_central = dir.path().join("pusat.age");
    let out = ok(with_env(
        &db,
        &[unlock],
        &[
            "export",
            "--format",
            "json",
            "--encrypt",
            "--recipient",
            &public,
            "-o",
            to_central.to_str().unwrap(),
        ],
    ));
    assert!(out.contains("not this laptop either"), "{out}");
    let central = dir.path().join("central");
    ok(pantau(&central, None, "en", &["list"]));
    let out = with_env(&central, &[], &["import", to_central.to_str().unwrap()]);
    assert!(text(&out).contains("--identity"), "{}", text(&out));
    let stranger = dir.path().join("stranger.key");
    ok(with_env(
        &central,
        &[],
        &["keygen", "-o", stranger.to_str().unwrap()],
    ));
    let out = with_env(
        &central,
        &[],
        &[
            "import",
            to_central.to_str().unwrap(),
            "--identity",
            stranger.to_str().unwrap(),
        ],
    );
    assert!(
        text(&out).contains("does not open this file"),
        "{}",
        text(&out)
    );
    let out = ok(with_env(
        &central,
        &[],
        &[
            "import",
            to_central.to_str().unwrap(),
            "--identity",
            key.to_str().unwrap(),
        ],
    ));
    assert!(out.contains("1 visit added"), "{out}");

    // One altered byte near the end: refused, not half imported.
    let mut bytes = std::fs::read(&sealed).unwrap();
    let n = bytes.len() - 5;
    bytes[n] ^= 0x40;
    let altered = dir.path().join("altered.age");
    std::fs::write(&altered, bytes).unwrap();
    let fresh = dir.path().join("fresh");
    ok(pantau(&fresh, None, "en", &["list"]));
    let out = with_env(
        &fresh,
        &[bundle_pass],
        &["import", altered.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("damaged or was altered"),
        "{}",
        text(&out)
    );
    assert!(ok(pantau(&fresh, None, "en", &["list"])).contains("No visits"));

    let found = leaks(&[&sealed, &to_central, &db], &words);
    assert!(found.is_empty(), "personal data readable in: {found:?}");
    // (The scan does find them in a plain bundle of the same visit.)
    let plain = dir.path().join("plain.json");
    let out = ok(with_env(
        &db,
        &[unlock],
        &["export", "--format", "json", "-o", plain.to_str().unwrap()],
    ));
    assert!(out.contains("is not. Use --encrypt"), "{out}");
    assert!(!leaks(&[&plain], &words).is_empty());
}

/// The venue of the demo visit, as the database at `db` holds it.
fn stored_venue(db: &Path) -> String {
    let store = Store::open_with(db, Some(PASS)).unwrap();
    let venue = store
        .get(pantau::demo::karo_visit().id)
        .unwrap()
        .unwrap()
        .venue;
    store.close();
    venue
}

/// Unlocks the start screen, opens the demo visit's interview and types half a venue into its
/// editor (Ctrl-U first clears the venue it holds).
fn unlock_and_type_half(s: &mut common::pty::Session) {
    s.wait_for("Frasa sandi:");
    s.send(PASS);
    s.send("\r");
    s.wait_for("Kabupaten Karo");
    s.send("e");
    s.wait_for("Identitas kunjungan");
    s.send("1jj\r");
    s.send("\x15Aula setengah");
    s.wait_for("Aula setengah");
}

/// The screen of a locked app: the lock prompt and nothing of the visit.
fn assert_locked(screen: &str) {
    assert!(screen.contains("Frasa sandi:"), "{screen}");
    for hidden in ["Karo", "setengah", "Aula", "Identitas", "Wawancara"] {
        assert!(
            !screen.contains(hidden),
            "{hidden:?} shown while locked:\n{screen}"
        );
    }
}

/// Idle for `lock_after_minutes` (a tenth of a minute here), the app of an encrypted database
/// locks with nothing of the visit on screen; a wrong passphrase is said and asked again; the
/// right one brings back the editor with the half-typed text, which then saves.
#[cfg(unix)]
#[test]
fn the_app_locks_when_idle_and_gives_back_what_was_typed() {
    let dir = tempfile::tempdir().unwrap();
    let db = encrypted_demo(dir.path());
    std::fs::write(
        db.with_extension("config.toml"),
        "lock_after_minutes = 0.1\n",
    )
    .unwrap();
    let mut s = common::pty::Session::start(&db, 24, 80);
    unlock_and_type_half(&mut s);
    let screen = s.wait_for("terkunci");
    assert_locked(&screen);
    s.send("salah\r");
    let screen = s.wait_for("Frasa sandi salah");
    assert_locked(&screen);
    s.send(PASS);
    s.send("\r");
    let screen = s.wait_for("Aula setengah");
    assert!(screen.contains("Identitas kunjungan"), "{screen}");
    s.commit();
    // Ctrl-C leaves even if the app locked again meanwhile.
    s.send("\x03");
    assert!(s.wait_exit().success());
    assert!(s.left_alternate_screen());
    assert_eq!(stored_venue(&db), "Aula setengah");
}

/// Ctrl-L locks at once (no idle time configured: the default is ten minutes); the journal is
/// written before the lock screen shows, so a kill while locked loses nothing: the next start
/// gives the half-typed text back in its editor.
#[cfg(unix)]
#[test]
fn ctrl_l_locks_at_once_and_a_kill_while_locked_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = encrypted_demo(dir.path());
    let mut s = common::pty::Session::start(&db, 24, 80);
    unlock_and_type_half(&mut s);
    s.send("\x0c");
    let screen = s.wait_for("terkunci");
    assert_locked(&screen);
    s.send("salah\r");
    s.wait_for("Frasa sandi salah");
    s.send(PASS);
    s.send("\r");
    s.wait_for("Aula setengah");
    s.send("\x0c");
    assert_locked(&s.wait_for("terkunci"));
    s.kill9();

    let mut s = common::pty::Session::start(&db, 24, 80);
    s.wait_for("Frasa sandi:");
    s.send(PASS);
    s.send("\r");
    let screen = s.wait_for("Aula setengah");
    assert!(screen.contains("Identitas kunjungan"), "{screen}");
    s.commit();
    s.send("\x03");
    assert!(s.wait_exit().success());
    assert_eq!(stored_venue(&db), "Aula setengah");
}

/// A plain database never locks: Ctrl-L says why, and no idle time locks it.
#[cfg(unix)]
#[test]
fn a_plain_database_never_locks() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    ok(pantau(&db, None, "en", &["demo"]));
    std::fs::write(
        db.with_extension("config.toml"),
        "lock_after_minutes = 0.01\n",
    )
    .unwrap();
    let mut s = common::pty::Session::start(&db, 24, 100);
    s.wait_for("Kabupaten Karo");
    s.send("\x0c");
    s.wait_for("tidak terenkripsi");
    // Well past the idle time (0.6 s): still the list.
    std::thread::sleep(std::time::Duration::from_secs(2));
    let screen = s.screen();
    assert!(screen.contains("Kabupaten Karo"), "{screen}");
    s.send("q");
    assert!(s.wait_exit().success());
}

/// The first start on a new folder asks whether to encrypt. Yes: the passphrase twice (a
/// mismatch is said and asked again), then the folder holds no name of the demo visit loaded
/// in the app, and the next start asks for the passphrase, not the question. No: a plain
/// database, and the next start does not ask.
#[cfg(unix)]
#[test]
fn the_first_start_asks_once_whether_to_encrypt() {
    let dir = tempfile::tempdir().unwrap();
    // The real rule (no PANTAU_FIRST_START, a terminal, a new folder).
    let asking = [("PANTAU_FIRST_START", "")];
    // As on a fresh machine: not even the data folder exists.
    let db = dir.path().join("data").join("db");
    let mut s = common::pty::Session::start_with(&db, 24, 80, &asking);
    let screen = s.wait_for("Enkripsi basis data baru ini?");
    assert!(screen.contains("▶ Ya, enkripsi"), "{screen}");
    assert!(screen.contains("Tidak sekarang"), "{screen}");
    assert!(screen.contains("tidak dapat dipulihkan"), "{screen}");
    assert!(screen.contains("pantau encrypt"), "{screen}");
    s.send("\r");
    s.wait_for("Frasa sandi baru:");
    s.send("pertamaQ\r");
    s.wait_for("Ulangi frasa sandi baru:");
    s.send("keduaQ\r");
    let screen = s.wait_for("berbeda");
    assert!(
        !screen.contains("pertamaQ") && !screen.contains("keduaQ"),
        "{screen}"
    );
    s.send("   \r");
    s.wait_for("kosong");
    s.send(PASS);
    s.send("\r");
    s.wait_for("Ulangi frasa sandi baru:");
    s.send(PASS);
    s.send("\r");
    s.wait_for("Belum ada kunjungan");
    s.send("D");
    s.wait_for("Kabupaten Karo");
    s.send("q");
    assert!(s.wait_exit().success());
    assert!(Store::is_encrypted_at(&db));
    let backups = pantau::backup::dir_for(&db);
    assert_eq!(leaks(&[&db, &backups], &personal()), []);
    assert_eq!(stored_venue(&db), pantau::demo::karo_visit().venue);
    let mut s = common::pty::Session::start_with(&db, 24, 80, &asking);
    let screen = s.wait_for("Frasa sandi:");
    assert!(!screen.contains("Enkripsi basis data baru"), "{screen}");
    s.send("\x1b");
    assert!(s.wait_exit().success());

    let plain = dir.path().join("plain");
    let mut s = common::pty::Session::start_with(&plain, 24, 80, &asking);
    s.wait_for("Enkripsi basis data baru ini?");
    s.send("\x1b[B");
    s.wait_for("▶ Tidak sekarang");
    s.send("\r");
    s.wait_for("Belum ada kunjungan");
    s.send("q");
    assert!(s.wait_exit().success());
    assert!(!Store::is_encrypted_at(&plain));
    let mut s = common::pty::Session::start_with(&plain, 24, 80, &asking);
    let screen = s.wait_for("Belum ada kunjungan");
    assert!(!screen.contains("Enkripsi"), "{screen}");
    s.send("q");
    assert!(s.wait_exit().success());

    // Esc on the question leaves with nothing made (asked again next time); a command never
    // asks.
    let later = dir.path().join("later");
    let mut s = common::pty::Session::start_with(&later, 24, 80, &asking);
    s.wait_for("Enkripsi basis data baru ini?");
    s.send("\x1b");
    assert!(s.wait_exit().success());
    assert!(!later.exists());
    ok(pantau(&later, None, "en", &["list"]));
    assert!(!Store::is_encrypted_at(&later));
}

/// A stored visit record damaged on disk (a flipped byte in the sealed one, a cut one in the
/// plain one): `pantau export --format json` refuses with the store's message and a pointer to
/// the backups, and writes no bundle, from an encrypted and from a plain database alike. (The
/// open already finds the record differs from what was committed; the export's own check of
/// each record stands behind it.)
#[test]
fn an_export_refuses_a_damaged_record_and_writes_no_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = encrypted_demo(&dir.path().join("sealed"));
    let plain = dir.path().join("plain").join("db");
    ok(pantau(&plain, None, "en", &["demo"]));
    for (db, pass) in [(&sealed, Some(PASS)), (&plain, None)] {
        {
            let sled = sled::open(db).unwrap();
            let visits = sled.open_tree("visits").unwrap();
            let (key, value) = visits.iter().next().unwrap().unwrap();
            let mut damaged = value.to_vec();
            if pass.is_some() {
                let last = damaged.len() - 1;
                damaged[last] ^= 1;
            } else {
                damaged.truncate(damaged.len() / 2);
            }
            visits.insert(key, damaged).unwrap();
            sled.flush().unwrap();
        }
        let file = db.with_extension("bundle.json");
        let out = pantau(
            db,
            pass,
            "en",
            &["export", "--format", "json", "-o", file.to_str().unwrap()],
        );
        assert!(!out.status.success(), "{}", text(&out));
        assert!(text(&out).contains("is damaged"), "{}", text(&out));
        assert!(text(&out).contains("pantau restore"), "{}", text(&out));
        assert!(
            !file.exists(),
            "no bundle is written from a damaged database"
        );
    }
}
