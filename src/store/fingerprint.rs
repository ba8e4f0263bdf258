//! A proof that sled's files are exactly as Pantau left them at its last clean close.
//!
//! The damaged-database check of [`super::open`] copies the whole database and opens the copy
//! first: correct, but its cost grows with the database. When a store is closed cleanly (its
//! last handle dropped, sled flushed and closed), the name, size, modification time and a
//! CRC-32 of the content of each of sled's files is written to [`FINGERPRINT`], with the
//! schema version. At the next open, if the files still match it exactly, nothing has touched
//! them since — no crash, no truncation, no copying, no flipped byte — and the copy check is
//! skipped. Anything else (a kill, an edit by another program, a missing or unreadable
//! fingerprint) takes the slow, safe path. The fingerprint is removed as soon as a store opens
//! the files, so it never outlives the state it describes.
//!
//! The content is hashed because size and time are not enough: `cp -p` and `rsync -a` keep
//! both, and so does a disk that flips bits under the file system (issue 13, point 4). Reading
//! the files costs time in proportion to the database (see docs/PERFORMANCE.md), far less than
//! the copy check. Timestamps are coarse on some systems: if a file changed in the same tick as
//! the fingerprint was written, the fingerprint is not kept (the next open is a slow one).

use std::path::Path;
use std::time::SystemTime;

/// File beside sled's, holding the fingerprint of the last clean close.
pub(super) const FINGERPRINT: &str = "pantau-clean-close";

/// The first line: the format, and the schema the files were closed with.
fn header() -> String {
    format!("pantau-fingerprint 2 schema {}\n", super::CURRENT_SCHEMA)
}

/// CRC-32 of a file's content, read in large blocks.
fn content_crc(file: &Path) -> Option<u32> {
    use std::io::Read;
    let mut f = std::fs::File::open(file).ok()?;
    let mut h = crc32fast::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match f.read(&mut buf) {
            Ok(0) => return Some(h.finalize()),
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
}

/// The header, then one line per sled file: `name<TAB>size<TAB>mtime-nanoseconds<TAB>crc32`,
/// sorted by name.
fn describe(path: &Path) -> Option<(String, Option<SystemTime>)> {
    let mut rows = Vec::new();
    let mut newest: Option<SystemTime> = None;
    let mut add = |name: String, file: &Path, meta: std::fs::Metadata| -> Option<()> {
        let modified = meta.modified().ok()?;
        newest = newest.max(Some(modified));
        let nanos = modified
            .duration_since(SystemTime::UNIX_EPOCH)
            .ok()?
            .as_nanos();
        let crc = content_crc(file)?;
        rows.push(format!("{name}\t{}\t{nanos}\t{crc:08x}", meta.len()));
        Some(())
    };
    for entry in std::fs::read_dir(path).ok()? {
        let entry = entry.ok()?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "conf" || name == "db" || name.starts_with("snap.") {
            add(name, &entry.path(), entry.metadata().ok()?)?;
        } else if name == "blobs" {
            for blob in std::fs::read_dir(entry.path()).ok()? {
                let blob = blob.ok()?;
                let blob_name = format!("blobs/{}", blob.file_name().to_string_lossy());
                add(blob_name, &blob.path(), blob.metadata().ok()?)?;
            }
        }
    }
    rows.sort();
    let mut text = header();
    text.push_str(&rows.join("\n"));
    text.push('\n');
    Some((text, newest))
}

/// Writes the fingerprint of the files as they are now. Best effort: without it the next open
/// only takes the slow path.
pub(super) fn record(path: &Path) {
    // sled writes new snapshot files with the process umask; they are as private as the rest.
    super::open::restrict_files(path);
    let Some((text, newest)) = describe(path) else {
        return;
    };
    if !text.lines().any(|l| l.starts_with("db\t")) {
        return;
    }
    let tmp = crate::private_fs::temp_path(path, FINGERPRINT);
    let target = path.join(FINGERPRINT);
    let written = crate::private_fs::create_new(&tmp).and_then(|mut f| {
        std::io::Write::write_all(&mut f, text.as_bytes())?;
        f.sync_all()
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
        return;
    }
    let written = std::fs::metadata(&tmp).and_then(|m| m.modified()).ok();
    // Same clock tick as a sled write: a change right after could keep the time; not kept.
    let distinct = matches!((written, newest), (Some(w), Some(n)) if w > n);
    if distinct && std::fs::rename(&tmp, &target).is_ok() {
        return;
    }
    let _ = std::fs::remove_file(&tmp);
}

/// Whether the files are exactly as the last clean close left them.
pub(super) fn matches(path: &Path) -> bool {
    let Ok(recorded) = std::fs::read_to_string(path.join(FINGERPRINT)) else {
        return false;
    };
    describe(path).is_some_and(|(now, _)| now == recorded)
}

/// Removes the fingerprint (the files are about to change).
pub(super) fn forget(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path.join(FINGERPRINT)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}
