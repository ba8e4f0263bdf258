//! The search index kept with the database: a segment file (see [`crate::search::segment`])
//! beside sled's files, built from the stored visits.
//!
//! Durability: the file is derived data and is never trusted for more than it can prove. It
//! records each visit's revision and time of last change; a visit stored with another one
//! (changed, imported, restored since) is searched from its stored text instead, and a visit
//! no longer stored is never returned. So a commit needs no index write at all, a crash can
//! never leave the index claiming what the store does not hold, and an import needs no hook.
//! The file is written whole to a temporary name, synced and renamed over the old one; a
//! missing, damaged or much outdated file is rebuilt (with progress) from the visits, which
//! are read one at a time so that memory does not grow with the database.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::Mutex;

use crate::domain::{Visit, VisitSummary};
use crate::search::segment::{Blob, Builder, Segment};
use crate::search::{SearchIndex, doc_input};

use super::{Result, Store, StoreError, decode, keys};

/// The index file, beside sled's files in the database folder.
pub const INDEX_FILE: &str = "pantau-search.idx";

/// More outdated visits than this (or than a twentieth of all) and the file is rebuilt.
const REBUILD_OVER: usize = 200;

struct FileBlob(Mutex<std::fs::File>);

impl Blob for FileBlob {
    fn read(&self, offset: u64, len: usize) -> Option<Vec<u8>> {
        let mut f = self.0.lock().ok()?;
        f.seek(SeekFrom::Start(offset)).ok()?;
        let mut buf = vec![0; len];
        f.read_exact(&mut buf).ok()?;
        Some(buf)
    }
}

/// Why the index was (re)built, for the progress shown meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexProgress {
    /// Visits read so far, of all.
    Building { done: usize, total: usize },
}

impl Store {
    fn index_path(&self) -> PathBuf {
        self.path.join(INDEX_FILE)
    }

    /// The search index, ready for every visit stored now: the file if it holds, brought up to
    /// date with the visits changed since it was written; otherwise rebuilt (calling
    /// `progress` as it goes) and written.
    /// `summaries` are those of every live visit, as [`Store::summaries`] gives them.
    pub fn search_index(
        &self,
        summaries: &[VisitSummary],
        progress: &mut dyn FnMut(IndexProgress),
    ) -> Result<SearchIndex> {
        let stored: Vec<_> = summaries
            .iter()
            .map(|s| (s.id, s.revision, s.updated.timestamp_micros()))
            .collect();
        if let Some(seg) = self.open_index_file() {
            let mut idx = SearchIndex::from_segment(seg);
            let outdated = idx.outdated(&stored);
            if outdated.len() <= REBUILD_OVER.max(stored.len() / 20) {
                for id in outdated {
                    match self.get(id)? {
                        Some(v) => idx.upsert(&v),
                        None => idx.remove(id),
                    }
                }
                return Ok(idx);
            }
        }
        self.rebuild_search_index(progress)
    }

    /// Builds the index file from the stored visits and opens it.
    pub fn rebuild_search_index(
        &self,
        progress: &mut dyn FnMut(IndexProgress),
    ) -> Result<SearchIndex> {
        // sled's `len` walks the whole tree unbounded; the tally knows.
        let total = usize::try_from(self.tally().visits).unwrap_or(usize::MAX);
        let mut b = Builder::default();
        progress(IndexProgress::Building { done: 0, total });
        self.for_each_visit(|v| {
            b.add(doc_input(&v));
            if b.len() % 250 == 0 {
                progress(IndexProgress::Building {
                    done: b.len(),
                    total,
                });
            }
        })?;
        let bytes = b.encode();
        // A folder that cannot take the file still gets a working search, from memory; the
        // next start tries to write it again.
        if self.write_index_file(&bytes).is_err() {
            let seg =
                Segment::from_bytes(bytes).ok_or_else(|| StoreError::Write("index".into()))?;
            return Ok(SearchIndex::from_segment(seg));
        }
        drop(bytes);
        progress(IndexProgress::Building { done: total, total });
        match self.open_index_file() {
            Some(seg) => Ok(SearchIndex::from_segment(seg)),
            None => Err(StoreError::Write(format!("{} unreadable", INDEX_FILE))),
        }
    }

    /// Every live visit, decoded one at a time (in id order).
    pub fn for_each_visit(&self, mut f: impl FnMut(Visit)) -> Result<()> {
        let h = self.h()?;
        let limit = self.limit(super::tally::Kind::Visit);
        super::tally::scan(&h.visits, keys::VISITS, limit, |k, raw| {
            f(decode(
                keys::VISITS,
                k,
                &h.vault.open(keys::VISITS, k, raw)?,
            )?);
            Ok(())
        })
    }

    /// The index file; in an encrypted database it is sealed whole (see [`super::vault`])
    /// and read into memory.
    fn open_index_file(&self) -> Option<Segment> {
        if self.is_encrypted() {
            let sealed = std::fs::read(self.index_path()).ok()?;
            return Segment::from_bytes(self.open_file(INDEX_FILE, sealed).ok()?);
        }
        let file = std::fs::File::open(self.index_path()).ok()?;
        let len = file.metadata().ok()?.len();
        Segment::open(Box::new(FileBlob(Mutex::new(file))), len)
    }

    fn write_index_file(&self, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.index_path();
        let tmp = path.with_extension("idx.tmp");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let sealed;
        let bytes = if self.is_encrypted() {
            sealed = self
                .seal_file(INDEX_FILE, bytes)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            &sealed[..]
        } else {
            bytes
        };
        let mut f = options.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, &path)?;
        #[cfg(unix)]
        if let Ok(dir) = std::fs::File::open(&self.path) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}
