//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use pantau::domain::Stamp;

/// A fixed moment, `minute` minutes after 2022-03-17 08:00 UTC.
pub fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2022, 3, 17, 8, minute, 0).unwrap()
}

pub fn stamp(minute: u32, actor: &str) -> Stamp {
    Stamp::new(at(minute), actor)
}

/// Every file under `dir` (relative path → bytes), to prove a failed open changed nothing.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            out.insert(p.strip_prefix(root).unwrap().join(""), Vec::new());
            walk(root, &p, out);
        } else {
            let bytes = std::fs::read(&p).unwrap();
            out.insert(p.strip_prefix(root).unwrap().to_path_buf(), bytes);
        }
    }
}

/// Bytes that are nothing like a sled file, deterministic.
pub fn garbage(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}
