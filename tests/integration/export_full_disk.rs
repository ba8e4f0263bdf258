//! Exports and a CLI import on a really full disk (issue 13, points 8 and 12): a failed export
//! leaves the previous file exactly as it was and no temporary file behind; a folder export
//! shows only files written whole; an import says what a command line needs to hear.
//!
//! Runs when `PANTAU_TEST_SMALL_FS` names a folder on a small file system (see
//! tests/disk_full.rs); otherwise it says that it was skipped. The injected failures are unit
//! tests of `export::replace_file` and run always.

use crate::common::small_fs;
use crate::common::synthetic_bundle;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The tests fill the one small file system: one at a time.
use crate::common::small_fs::ONE_AT_A_TIME;

fn pantau(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pantau"));
    c.env("PANTAU_LANG", "en")
        .env("PANTAU_CONFIG", "/nonexistent/pantau-config.toml")
        .arg("--db")
        .arg(db);
    c
}

/// A database (on the ordinary disk) with `n` visits, imported from a bundle.
fn database(dir: &Path, n: usize) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let db = dir.join("db");
    let bundle = dir.join("in.json");
    std::fs::write(
        &bundle,
        synthetic_bundle::json(pantau::synth::histories(n, 11)),
    )
    .unwrap();
    let out = pantau(&db).arg("import").arg(&bundle).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    db
}

/// Every file under `dir`, by path relative to it, with its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

#[test]
fn a_failed_export_on_a_full_disk_leaves_the_previous_files_as_they_were() {
    let Some(root) = small_fs::root() else {
        return;
    };
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let tmp = tempfile::tempdir().unwrap();
    let small_db = database(&tmp.path().join("small"), 2);
    let big_db = database(&tmp.path().join("big"), 300);
    let (out, filler) = small_fs::scratch(&root, "export-full");
    std::fs::create_dir_all(&out).unwrap();
    // Good exports of the small database first, on the small file system.
    let formats: [(&str, &str); 5] = [
        ("json", "good.json"),
        ("xlsx", "good.xlsx"),
        ("csv", "tables"),
        ("md", "reports"),
        ("html", "pages"),
    ];
    for (format, name) in formats {
        let ok = pantau(&small_db)
            .args(["export", "--format", format, "-o"])
            .arg(out.join(name))
            .output()
            .unwrap();
        assert!(ok.status.success(), "{format}: {ok:?}");
    }
    let before = files(&out);
    assert!(before.len() >= 5 + 2 + 2, "{:?}", before.keys());
    small_fs::fill(&root, &filler, 48 * 1024);
    for (format, name) in formats {
        let failed = pantau(&big_db)
            .args(["export", "--format", format, "-o"])
            .arg(out.join(name))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&failed.stderr);
        assert_eq!(failed.status.code(), Some(1), "{format}: {err}");
        assert!(err.contains(name), "{format}: {err}");
        // Each file there is either the previous one, or a new one written whole (a report of
        // a visit the small database did not have): nothing broken, nothing half.
        let now = files(&out);
        for (path, bytes) in &before {
            assert!(
                now.get(path) == Some(bytes),
                "{format}: {} changed",
                path.display()
            );
        }
        for (path, bytes) in &now {
            if before.contains_key(path) {
                continue;
            }
            let name = path.display().to_string();
            assert!(!name.contains(".tmp"), "{format}: left {name}");
            let text = String::from_utf8_lossy(bytes);
            assert!(
                (name.ends_with(".md") && text.trim_end().ends_with('_'))
                    || (name.ends_with(".html") && text.trim_end().ends_with("</html>")),
                "{format}: {name} is not whole"
            );
        }
    }
    std::fs::remove_file(&filler).unwrap();
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn a_cli_import_on_a_full_disk_says_nothing_was_saved_not_that_it_is_on_screen() {
    let Some(root) = small_fs::root() else {
        return;
    };
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("other.json");
    std::fs::write(
        &bundle,
        synthetic_bundle::json(pantau::synth::histories(200, 5)),
    )
    .unwrap();
    // One database per language: after a failed import the next open needs room for the
    // copy check (a store matter, not this test's).
    for lang in ["en", "id"] {
        let (db, filler) = small_fs::scratch(&root, &format!("import-full-cli-{lang}"));
        assert!(pantau(&db).arg("demo").output().unwrap().status.success());
        small_fs::fill(&root, &filler, 1024 * 1024);
        let out = pantau(&db)
            .env("PANTAU_LANG", lang)
            .arg("import")
            .arg(&bundle)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(!err.contains("screen") && !err.contains("layar"), "{err}");
        assert!(
            err.contains("Free disk space") || err.contains("Kosongkan disk"),
            "{err}"
        );
        std::fs::remove_file(&filler).unwrap();
        let _ = std::fs::remove_dir_all(&db);
    }
}
