//! The real `pantau` binary run as a command, the way a script runs it: no terminal on stdin,
//! English messages unless a test asks otherwise, no config file and no passphrase from the
//! environment the tests run in.

use std::path::Path;
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_pantau");

/// `pantau --db DB ARGS…` with `env` set on top of the defaults above.
pub fn run(db: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .env("PANTAU_LANG", "en")
        .env("PANTAU_CONFIG", db.with_extension("no-config.toml"))
        .env("NO_COLOR", "1")
        .env_remove("PANTAU_DB")
        .env_remove("PANTAU_PASSPHRASE")
        .env_remove("PANTAU_BUNDLE_PASSPHRASE")
        .env_remove("PANTAU_TEST_STOP_AT")
        .stdin(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// What the command printed, stdout then stderr.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// What a command that must succeed printed.
pub fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", text(&o));
    text(&o)
}
