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

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

/// File beside sled's, holding the fingerprint of the last clean close.
pub(super) const FINGERPRINT: &str = "pantau-clean-close";

/// The first line: the format, and the schema the files were closed with.
fn header() -> String {
    format!("pantau-fingerprint 2 schema {}\n", super::CURRENT_SCHEMA)
}

/// Files at least this large are hashed in parts, one per core (see [`content_crc`]).
const PARALLEL_FROM: u64 = 8 << 20;

/// CRC-32 of a file's content, read in large blocks. A large file (sled's `db`: hundreds of MB
/// at 10,000 visits) is cut into one part per core, hashed at once, and the parts' CRCs are
/// combined: the same CRC as one pass, so fingerprints written by either way match.
fn content_crc(file: &Path) -> Option<u32> {
    let len = std::fs::metadata(file).ok()?.len();
    let parts = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4) as u64;
    if len < PARALLEL_FROM || parts == 1 {
        return part_crc(file, 0, None);
    }
    let step = len.div_ceil(parts);
    let hashers: Vec<Option<crc32fast::Hasher>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..parts)
            .map(|i| {
                let start = i * step;
                // The last part reads to the end, so a file that grew meanwhile does not match.
                let want = (i + 1 < parts).then(|| step.min(len.saturating_sub(start)));
                s.spawn(move || part_hasher(file, start, want))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect()
    });
    let mut all = crc32fast::Hasher::new();
    for h in hashers {
        all.combine(&h?);
    }
    Some(all.finalize())
}

fn part_crc(file: &Path, start: u64, want: Option<u64>) -> Option<u32> {
    part_hasher(file, start, want).map(crc32fast::Hasher::finalize)
}

/// Hashes `want` bytes of `file` from `start` (to the end when `None`); `None` if they cannot
/// all be read.
fn part_hasher(file: &Path, start: u64, want: Option<u64>) -> Option<crc32fast::Hasher> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(file).ok()?;
    f.seek(SeekFrom::Start(start)).ok()?;
    let mut h = crc32fast::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut left = want.unwrap_or(u64::MAX);
    while left > 0 {
        let room = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        match f.read(&mut buf[..room]) {
            Ok(0) if want.is_none() => return Some(h),
            // Shorter than it was a moment ago: not the file the fingerprint describes.
            Ok(0) => return None,
            Ok(n) => {
                h.update(&buf[..n]);
                left -= n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(h)
}

/// Per file name: its size and CRC-32.
type Crcs = BTreeMap<String, (u64, u32)>;

/// What the last successful [`matches`] of this process found, per database folder: each
/// file's name, size and CRC as verified against the fingerprint at open.
static VERIFIED: Mutex<BTreeMap<PathBuf, Crcs>> = Mutex::new(BTreeMap::new());

/// The header, then one line per sled file: `name<TAB>size<TAB>mtime-nanoseconds<TAB>crc32`,
/// sorted by name. `known(name, size)` may give a file's CRC without reading it.
fn describe(
    path: &Path,
    known: &dyn Fn(&str, u64) -> Option<u32>,
) -> Option<(String, Option<SystemTime>, Crcs)> {
    let mut rows = Vec::new();
    let mut crcs = BTreeMap::new();
    let mut newest: Option<SystemTime> = None;
    let mut add = |name: String, file: &Path, meta: std::fs::Metadata| -> Option<()> {
        let modified = meta.modified().ok()?;
        newest = newest.max(Some(modified));
        let nanos = modified
            .duration_since(SystemTime::UNIX_EPOCH)
            .ok()?
            .as_nanos();
        let crc = match known(&name, meta.len()) {
            Some(crc) => crc,
            None => content_crc(file)?,
        };
        rows.push(format!("{name}\t{}\t{nanos}\t{crc:08x}", meta.len()));
        crcs.insert(name, (meta.len(), crc));
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
    Some((text, newest, crcs))
}

/// Writes the fingerprint of the files as they are now. Best effort: without it the next open
/// only takes the slow path.
///
/// A file this process verified at open (see [`matches`]) and that still has its size is not
/// read again when Pantau wrote nothing since (`wrote` false: a command that only reads), nor,
/// for the files sled never rewrites in place (its blobs, snapshots and `conf`), in any case:
/// its CRC from the open is recorded. That is safe either way, because the next open reads and
/// hashes every file again: if sled changed a byte meanwhile (or the disk did), the content no
/// longer matches and that open takes the copy check. Only the state verified at open, or one
/// read now, is ever described.
pub(super) fn record(path: &Path, wrote: bool) {
    // sled writes new snapshot files with the process umask; they are as private as the rest.
    super::open::restrict_files(path);
    let verified = VERIFIED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .remove(path)
        .unwrap_or_default();
    let known = |name: &str, size: u64| {
        let immutable = name == "conf" || name.starts_with("snap.") || name.starts_with("blobs/");
        match verified.get(name) {
            Some(&(was, crc)) if was == size && (immutable || !wrote) => Some(crc),
            _ => None,
        }
    };
    let Some((text, newest, _)) = describe(path, &known) else {
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
    let Some((now, _, crcs)) = describe(path, &|_, _| None) else {
        return false;
    };
    let same = now == recorded;
    let mut verified = VERIFIED.lock().unwrap_or_else(PoisonError::into_inner);
    if same {
        verified.insert(path.to_path_buf(), crcs);
    } else {
        verified.remove(path);
    }
    same
}

/// Removes the fingerprint (the files are about to change).
pub(super) fn forget(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path.join(FINGERPRINT)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A large file is hashed in parts; the combined CRC is the one-pass CRC, so a fingerprint
    /// written either way matches, and one changed byte in any part is seen.
    #[test]
    fn a_large_file_hashed_in_parts_gives_the_one_pass_crc_and_sees_one_flipped_byte() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("db");
        let len = PARALLEL_FROM as usize + 3 * (1 << 20) + 12_345;
        let mut bytes: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
        std::fs::write(&file, &bytes).unwrap();
        assert_eq!(content_crc(&file), Some(crc32fast::hash(&bytes)));
        for at in [0, len / 2 - 1, len / 2, len - 1] {
            bytes[at] ^= 0x10;
            std::fs::write(&file, &bytes).unwrap();
            assert_eq!(
                content_crc(&file),
                Some(crc32fast::hash(&bytes)),
                "byte {at}"
            );
            bytes[at] ^= 0x10;
        }
        let small = dir.path().join("conf");
        std::fs::write(&small, b"segment_size: 524288\n").unwrap();
        assert_eq!(
            content_crc(&small),
            Some(crc32fast::hash(b"segment_size: 524288\n"))
        );
    }

    fn flip_keeping_size_and_time(file: &Path, at: u64) {
        use std::io::{Read, Seek, SeekFrom, Write};
        let mtime = std::fs::metadata(file).unwrap().modified().unwrap();
        let mut f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(file)
            .unwrap();
        let mut b = [0u8; 1];
        f.seek(SeekFrom::Start(at)).unwrap();
        f.read_exact(&mut b).unwrap();
        b[0] ^= 0x04;
        f.seek(SeekFrom::Start(at)).unwrap();
        f.write_all(&b).unwrap();
        f.set_modified(mtime).unwrap();
    }

    /// A command that only reads records the CRCs its open verified instead of reading the
    /// files again at close: the next open is still fast, and a byte that changed on the disk
    /// during that session is not blessed by the close but caught by the next open.
    #[test]
    fn a_read_only_session_keeps_the_fast_open_and_a_byte_changed_meanwhile_is_not_blessed() {
        use crate::store::Store;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let stamp = crate::domain::Stamp::new(chrono::Utc::now(), "t");
        let store = Store::open(&path).unwrap();
        let v = store.create(&crate::demo::karo_visit(), &stamp).unwrap();
        assert!(store.close());
        // Opens until the fingerprint was kept (not in the same clock tick as sled's write).
        let mut fast = false;
        for _ in 0..20 {
            let s = Store::open(&path).unwrap();
            fast = s.opened_fast();
            assert!(s.close());
            if fast {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(fast, "no fast open after clean closes");
        // Read-only sessions, one after the other: each stays fast.
        for _ in 0..3 {
            let s = Store::open(&path).unwrap();
            assert!(s.opened_fast(), "a read-only session lost the fast open");
            assert_eq!(s.get(v.id).unwrap().unwrap(), v);
            assert!(s.close());
        }
        // A byte changed while a read-only session has the files (bit rot, another program):
        // the close describes what its open verified, so the next open sees the change.
        let s = Store::open(&path).unwrap();
        assert!(s.opened_fast());
        let db = path.join("db");
        let len = std::fs::metadata(&db).unwrap().len();
        flip_keeping_size_and_time(&db, len / 2);
        assert!(s.close());
        match Store::open(&path) {
            Ok(again) => assert!(!again.opened_fast(), "a changed byte was trusted"),
            Err(e) => assert!(
                matches!(e, crate::store::StoreError::Damaged { .. }),
                "{e:?}"
            ),
        }
    }
}
