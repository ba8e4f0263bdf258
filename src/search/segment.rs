//! The index on disk: one immutable segment holding, for every visit it was built from, its id,
//! revision and time of last change (to tell later whether the visit changed since) and, for
//! every word, the visits it occurs in and in which fields. Only the header, the visits and the
//! word list are read into memory; each word's visit list is read from the file when a query
//! needs it, so memory does not grow with the text.
//!
//! Layout (little-endian): `MAGIC`, then doc count u32, term count u32, dictionary length u64,
//! postings length u64; the docs (id 16, revision u64, updated µs i64, start µs i64); the
//! dictionary (per word: length u16, the word, its postings length u32); the postings (per
//! visit of a word: varint of the doc number's distance to the previous one, varint field bits).
//! Every read is bounds-checked: a damaged file is refused (and rebuilt), never trusted.

use std::collections::BTreeMap;

use uuid::Uuid;

const MAGIC: &[u8; 8] = b"PNTSRCH1";
const HEADER: usize = 8 + 4 + 4 + 8 + 8;
const DOC: usize = 16 + 8 + 8 + 8;

/// Where a segment's bytes are: a file (read as needed) or memory.
pub trait Blob: Send {
    /// `len` bytes at `offset`, or `None` if they are not there.
    fn read(&self, offset: u64, len: usize) -> Option<Vec<u8>>;
}

impl Blob for Vec<u8> {
    fn read(&self, offset: u64, len: usize) -> Option<Vec<u8>> {
        let start = usize::try_from(offset).ok()?;
        self.get(start..start.checked_add(len)?).map(<[u8]>::to_vec)
    }
}

/// What the index knows of a visit besides its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocMeta {
    pub id: Uuid,
    pub revision: u64,
    /// Time of the last change, in µs: with the revision, tells whether the visit changed.
    pub updated: i64,
    /// Meeting start in µs (`i64::MIN` when unknown): "newest first" among equals.
    pub start: i64,
}

/// A visit to be indexed: its meta and its words with their field bits.
pub struct DocInput {
    pub meta: DocMeta,
    pub terms: BTreeMap<String, u16>,
}

/// Collects documents and encodes the segment.
#[derive(Default)]
pub struct Builder {
    docs: Vec<DocMeta>,
    /// Per word: the last doc added to its list, and the list.
    postings: BTreeMap<String, (u32, Vec<u8>)>,
}

impl Builder {
    pub fn add(&mut self, doc: DocInput) {
        let n = self.docs.len() as u32;
        self.docs.push(doc.meta);
        for (term, bits) in doc.terms {
            let (gap, list) = match self.postings.get_mut(&term) {
                Some((last, list)) => {
                    let gap = n - *last - 1;
                    *last = n;
                    (gap, list)
                }
                None => (
                    n,
                    &mut self.postings.entry(term).or_insert((n, Vec::new())).1,
                ),
            };
            varint(list, u64::from(gap));
            varint(list, u64::from(bits));
        }
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    pub fn encode(self) -> Vec<u8> {
        let mut dict = Vec::new();
        let mut postings_len = 0u64;
        for (term, (_, list)) in &self.postings {
            dict.extend_from_slice(&(term.len() as u16).to_le_bytes());
            dict.extend_from_slice(term.as_bytes());
            dict.extend_from_slice(&(list.len() as u32).to_le_bytes());
            postings_len += list.len() as u64;
        }
        let mut out = Vec::with_capacity(HEADER + self.docs.len() * DOC + dict.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.docs.len() as u32).to_le_bytes());
        out.extend_from_slice(&(self.postings.len() as u32).to_le_bytes());
        out.extend_from_slice(&(dict.len() as u64).to_le_bytes());
        out.extend_from_slice(&postings_len.to_le_bytes());
        for d in &self.docs {
            out.extend_from_slice(d.id.as_bytes());
            out.extend_from_slice(&d.revision.to_le_bytes());
            out.extend_from_slice(&d.updated.to_le_bytes());
            out.extend_from_slice(&d.start.to_le_bytes());
        }
        out.extend_from_slice(&dict);
        for (_, list) in self.postings.values() {
            out.extend_from_slice(list);
        }
        out
    }
}

/// An opened segment.
pub struct Segment {
    pub docs: Vec<DocMeta>,
    /// Sorted, so that prefixes are a range.
    pub terms: Vec<Box<str>>,
    /// Start of each word's postings (relative to `base`), plus the end.
    ends: Vec<u64>,
    base: u64,
    blob: Box<dyn Blob>,
}

impl Segment {
    /// Reads the header, the docs and the word list; `None` when they do not read as a segment.
    pub fn open(blob: Box<dyn Blob>, total_len: u64) -> Option<Segment> {
        let head = blob.read(0, HEADER)?;
        if head.get(..8)? != MAGIC {
            return None;
        }
        // A short read is a damaged segment, never a panic.
        let u32_at =
            |b: &[u8], i: usize| Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?));
        let u64_at =
            |b: &[u8], i: usize| Some(u64::from_le_bytes(b.get(i..i + 8)?.try_into().ok()?));
        let docs_n = u32_at(&head, 8)? as usize;
        let terms_n = u32_at(&head, 12)? as usize;
        let dict_len = usize::try_from(u64_at(&head, 16)?).ok()?;
        let postings_len = u64_at(&head, 24)?;
        let docs_bytes = docs_n.checked_mul(DOC)?;
        let base = (HEADER as u64)
            .checked_add(docs_bytes as u64)?
            .checked_add(dict_len as u64)?;
        if base.checked_add(postings_len)? != total_len {
            return None;
        }
        let raw = blob.read(HEADER as u64, docs_bytes)?;
        let docs = raw
            .chunks_exact(DOC)
            .map(|c| {
                Some(DocMeta {
                    id: Uuid::from_bytes(c.get(..16)?.try_into().ok()?),
                    revision: u64_at(c, 16)?,
                    updated: u64_at(c, 24)? as i64,
                    start: u64_at(c, 32)? as i64,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let dict = blob.read((HEADER + docs_bytes) as u64, dict_len)?;
        let mut terms = Vec::with_capacity(terms_n);
        let mut ends = Vec::with_capacity(terms_n + 1);
        ends.push(0u64);
        let mut i = 0;
        for _ in 0..terms_n {
            let len = u16::from_le_bytes(dict.get(i..i + 2)?.try_into().ok()?) as usize;
            let term = std::str::from_utf8(dict.get(i + 2..i + 2 + len)?).ok()?;
            let plen = u32::from_le_bytes(dict.get(i + 2 + len..i + 6 + len)?.try_into().ok()?);
            i += 6 + len;
            if terms.last().map(AsRef::<str>::as_ref) >= Some(term) {
                return None;
            }
            terms.push(Box::from(term));
            ends.push(ends.last()? + u64::from(plen));
        }
        if i != dict.len() || *ends.last()? != postings_len {
            return None;
        }
        Some(Segment {
            docs,
            terms,
            ends,
            base,
            blob,
        })
    }

    /// Opens a segment held in memory.
    pub fn from_bytes(bytes: Vec<u8>) -> Option<Segment> {
        let len = bytes.len() as u64;
        Segment::open(Box::new(bytes), len)
    }

    /// The number of word `term`, if the segment has it.
    pub fn find(&self, term: &str) -> Option<usize> {
        self.terms.binary_search_by(|t| (**t).cmp(term)).ok()
    }

    /// The range of word numbers that start with `prefix`.
    pub fn prefix_range(&self, prefix: &str) -> std::ops::Range<usize> {
        let start = self.terms.partition_point(|t| &**t < prefix);
        let end = start + self.terms[start..].partition_point(|t| t.starts_with(prefix));
        start..end
    }

    /// The docs (numbers into `docs`) word `term` occurs in, with its field bits. A damaged
    /// list reads as empty.
    pub fn postings(&self, term: usize) -> Vec<(u32, u16)> {
        let (Some(&a), Some(&b)) = (self.ends.get(term), self.ends.get(term + 1)) else {
            return Vec::new();
        };
        let Some(raw) = self.blob.read(self.base + a, (b - a) as usize) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut i = 0;
        let mut next = 0u64;
        while i < raw.len() {
            let (Some(gap), Some(bits)) = (read_varint(&raw, &mut i), read_varint(&raw, &mut i))
            else {
                return Vec::new();
            };
            let doc = next + gap;
            if doc >= self.docs.len() as u64 {
                return Vec::new();
            }
            out.push((doc as u32, bits as u16));
            next = doc + 1;
        }
        out
    }
}

fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn read_varint(b: &[u8], i: &mut usize) -> Option<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*i)?;
        *i += 1;
        n |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Some(n);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(n: u8, words: &[(&str, u16)]) -> DocInput {
        DocInput {
            meta: DocMeta {
                id: Uuid::from_bytes([n; 16]),
                revision: u64::from(n),
                updated: i64::from(n) * 10,
                start: -1,
            },
            terms: words.iter().map(|(w, b)| (w.to_string(), *b)).collect(),
        }
    }

    #[test]
    fn a_segment_reads_back_what_was_built_and_refuses_damage() {
        let mut b = Builder::default();
        b.add(doc(1, &[("karo", 1), ("sinaga", 4)]));
        b.add(doc(2, &[("sinaga", 8)]));
        for n in 3..200 {
            b.add(doc(n, &[("honorer", 2)]));
        }
        b.add(doc(200, &[("sinaga", 1 << 15)]));
        let bytes = b.encode();
        let seg = Segment::from_bytes(bytes.clone()).unwrap();
        assert_eq!(seg.docs.len(), 200);
        assert_eq!(seg.docs[1].revision, 2);
        let r = seg.prefix_range("sin");
        assert_eq!(r.len(), 1);
        assert_eq!(seg.postings(r.start), [(0, 4), (1, 8), (199, 1 << 15)]);
        assert_eq!(seg.postings(seg.prefix_range("honorer").start).len(), 197);
        assert!(seg.prefix_range("zz").is_empty());
        assert!(Segment::from_bytes(bytes[..bytes.len() - 1].to_vec()).is_none());
        let mut bad = bytes.clone();
        bad[0] = b'X';
        assert!(Segment::from_bytes(bad).is_none());
    }
}
