//! `pantau guide check PATH` end to end.

use std::process::Command;

fn pantau(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pantau"))
        .args(args)
        .env("PANTAU_DB", "/nonexistent/pantau-guide-test-db")
        .env_remove("PANTAU_GUIDE")
        .env_remove("PANTAU_LANG")
        .env("PANTAU_CONFIG", "/nonexistent/pantau-config.toml")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run pantau");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn shipped_guide_checks_clean_with_a_summary() {
    let (code, out, _) = pantau(&[
        "--lang",
        "en",
        "guide",
        "check",
        "assets/guides/inpres-2-2021.toml",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with(
            "assets/guides/inpres-2-2021.toml: guide \"inpres-2-2021\" version 1 is valid"
        ),
        "{out}"
    );
}

#[test]
fn invalid_guide_prints_path_line_col_and_exits_1() {
    let path = "tests/fixtures/guides/invalid-top.toml";
    let (code, out, _) = pantau(&["guide", "check", path]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 7, "{out}");
    assert_eq!(
        lines[4],
        "tests/fixtures/guides/invalid-top.toml:3:1: kunci `colour` tidak dikenal (salah ketik?)"
    );
    assert_eq!(
        lines[6],
        "tests/fixtures/guides/invalid-top.toml: 6 kesalahan."
    );
}

#[test]
fn missing_file_is_an_error_not_a_panic() {
    let (code, _, err) = pantau(&["--lang", "en", "guide", "check", "no/such/guide.toml"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("Cannot read guide file no/such/guide.toml"),
        "{err}"
    );
}

#[test]
fn a_guide_named_in_the_config_file_is_used_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad-guide.toml");
    std::fs::write(&bad, "id = \"x\"\nversion = 0\n").unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, format!("guide = {:?}\n", bad.display().to_string())).unwrap();
    // No subcommand: the TUI would start, but the configured guide is invalid, so it stops first.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pantau"))
        .arg("--db")
        .arg(dir.path().join("db"))
        .env("PANTAU_CONFIG", &cfg)
        .env("PANTAU_LANG", "en")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad-guide.toml"), "{err}");
}
