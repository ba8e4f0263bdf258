//! A small file system to fill, for the full-disk tests: the folder named by
//! `PANTAU_TEST_SMALL_FS` (`.ci/run` mounts a 4 MB tmpfs there where it may).

use std::path::{Path, PathBuf};

/// The small file system is one for all tests of the binary: one fills it at a time.
#[allow(dead_code)]
pub static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The folder, or `None` (and a note that the test is skipped) when none is given.
pub fn root() -> Option<PathBuf> {
    match std::env::var("PANTAU_TEST_SMALL_FS") {
        Ok(dir) => Some(PathBuf::from(dir)),
        Err(_) => {
            eprintln!("skipped: set PANTAU_TEST_SMALL_FS to a folder on a small file system");
            None
        }
    }
}

/// A database folder and a filler file on the small file system at `root`, named after
/// `name`, with whatever an earlier run left there removed.
pub fn scratch(root: &Path, name: &str) -> (PathBuf, PathBuf) {
    let dir = root.join(format!("pantau-{name}"));
    let filler = root.join(format!("pantau-{name}-filler"));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&filler);
    (dir, filler)
}

/// Fills the file system at `root` with `filler` until `leave` bytes are free.
pub fn fill(root: &Path, filler: &Path, leave: usize) {
    std::fs::write(filler, vec![0u8; free(root).saturating_sub(leave)]).unwrap();
}

#[cfg(unix)]
fn free(path: &Path) -> usize {
    let out = std::process::Command::new("df")
        .args(["-Pk", &path.display().to_string()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let kb: usize = text
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|n| n.parse().ok())
        .unwrap();
    kb * 1024
}

#[cfg(not(unix))]
fn free(_path: &Path) -> usize {
    0
}
