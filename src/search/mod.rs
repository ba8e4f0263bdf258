//! Full-text search over every text a visit's report shows (see [`text::texts`]).
//!
//! Semantics, as people expect of a search box (and as well-known engines do it): the words of
//! a query are ANDed; each matches a whole word, the last one also a word prefix while it is
//! being typed; a word with no such match anywhere is looked up with typos (none under 5
//! letters, one from 5, two from 9, as Typesense and Meilisearch count them); `"quoted words"`
//! match as a phrase; case and diacritics are folded. Ranking: exact over prefix over typo,
//! names and the district over long texts, then the newest meeting.
//!
//! The index is a [`segment::Segment`] built from the stored visits (kept on disk by the store,
//! see `store::index`) plus, in memory, the visits changed since it was built: a visit whose
//! revision is not the one the segment knows is searched from its own texts instead, so a
//! result never rests on text the store no longer holds.

pub mod segment;
pub mod text;
mod typo;

use std::collections::{BTreeMap, HashMap, HashSet};

use uuid::Uuid;

use crate::domain::Visit;
use segment::{Builder, DocInput, DocMeta, Segment};

/// Which part of a visit matched, to show the auditor why a visit is in the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Field {
    District = 0,
    Province,
    Venue,
    Purpose,
    Team,
    Attendee,
    Post,
    Person,
    Obstacle,
    Category,
    Strategy,
    Handover,
    Answer,
    Note,
    Figure,
}

impl Field {
    /// Best first: the field shown when a word occurs in several.
    const BY_RANK: [Field; 15] = [
        Field::Attendee,
        Field::District,
        Field::Province,
        Field::Person,
        Field::Venue,
        Field::Team,
        Field::Post,
        Field::Category,
        Field::Handover,
        Field::Figure,
        Field::Purpose,
        Field::Obstacle,
        Field::Strategy,
        Field::Answer,
        Field::Note,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Field::District => "field.district",
            Field::Province => "field.province",
            Field::Venue => "field.venue",
            Field::Purpose => "field.purpose",
            Field::Team => "search2.field_team",
            Field::Attendee => "field.attendee",
            Field::Post => "field.post",
            Field::Person => "search2.field_person",
            Field::Obstacle => "field.obstacle",
            Field::Category => "search2.field_category",
            Field::Strategy => "field.strategy",
            Field::Handover => "search2.field_handover",
            Field::Answer => "search2.field_answer",
            Field::Note => "field.note",
            Field::Figure => "search2.field_figure",
        }
    }

    /// A stable name for `--json`.
    pub fn name(self) -> &'static str {
        match self {
            Field::District => "district",
            Field::Province => "province",
            Field::Venue => "venue",
            Field::Purpose => "purpose",
            Field::Team => "team",
            Field::Attendee => "attendee",
            Field::Post => "post",
            Field::Person => "person",
            Field::Obstacle => "obstacle",
            Field::Category => "category",
            Field::Strategy => "strategy",
            Field::Handover => "handover",
            Field::Answer => "answer",
            Field::Note => "note",
            Field::Figure => "figure",
        }
    }

    pub fn bit(self) -> u16 {
        1 << self as u8
    }

    /// Names and the district rank above short labels, and those above long texts.
    fn class(self) -> u32 {
        match self {
            Field::District | Field::Province | Field::Attendee => 3,
            Field::Venue | Field::Team | Field::Person | Field::Post => 2,
            Field::Category | Field::Handover | Field::Figure => 1,
            _ => 0,
        }
    }

    /// The best-ranked field among `bits`.
    fn best(bits: u16) -> Option<Field> {
        Field::BY_RANK.into_iter().find(|f| bits & f.bit() != 0)
    }
}

/// The words around a match, to show why a visit was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    /// Byte range of the matched word in `text`.
    pub mark: (usize, usize),
}

/// One visit found: how well, which field matched best, and (for the first results) where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub id: Uuid,
    pub score: u32,
    pub field: Field,
    /// The folded words of the visit that matched, for the snippet.
    pub words: Vec<String>,
    pub snippet: Option<Snippet>,
}

/// A part of a query: a word, or quoted words that must follow each other.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Word { word: String, prefix: bool },
    Phrase(Vec<String>),
}

/// The parts of the free text of a query.
fn parts(text: &str) -> Vec<Part> {
    let mut out = Vec::new();
    let mut chunks: Vec<(String, bool)> = Vec::new();
    for (i, piece) in text.split('"').enumerate() {
        if i % 2 == 1 {
            chunks.push((piece.to_string(), true));
        } else {
            chunks.extend(piece.split_whitespace().map(|w| (w.to_string(), false)));
        }
    }
    let typing = !text.ends_with(char::is_whitespace) && !text.ends_with('"');
    let n = chunks.len();
    for (i, (chunk, quoted)) in chunks.into_iter().enumerate() {
        let mut words = text::words(&chunk);
        match (words.len(), quoted) {
            (0, _) => {}
            (1, false) => out.push(Part::Word {
                word: words.remove(0),
                prefix: typing && i + 1 == n,
            }),
            _ => out.push(Part::Phrase(words)),
        }
    }
    out
}

/// How a word matched: exact 3, prefix 2, typo 1.
type Kind = u32;

/// Per doc, how one query part (or several, summed) matched it: (score, field bits of the best
/// match, the matched words).
type PartHits = HashMap<u32, Match>;

/// (score, field bits of the best match, the matched words).
type Match = (u32, u16, String);

/// A visit changed since the segment was built, searched from its own texts.
struct Fresh {
    start: i64,
    texts: Vec<(Field, String)>,
    terms: BTreeMap<String, u16>,
}

#[derive(Default)]
pub struct SearchIndex {
    base: Option<Segment>,
    base_pos: HashMap<Uuid, u32>,
    /// Base docs that no longer hold (changed or removed since the segment was built).
    masked: HashSet<Uuid>,
    fresh: HashMap<Uuid, Fresh>,
}

/// Reads a stored visit, for phrases and snippets of visits in the segment.
pub type Fetch<'a> = &'a dyn Fn(Uuid) -> Option<Visit>;

pub fn doc_input(v: &Visit) -> DocInput {
    DocInput {
        meta: meta(v),
        terms: text::terms(&text::texts(v)),
    }
}

pub fn meta(v: &Visit) -> DocMeta {
    DocMeta {
        id: v.id,
        revision: v.revision,
        updated: v.updated.timestamp_micros(),
        start: v.start.map_or(i64::MIN, |s| s.timestamp_micros()),
    }
}

impl SearchIndex {
    /// An index of `visits` held in memory (tests, small tools).
    pub fn build<'a>(visits: impl IntoIterator<Item = &'a Visit>) -> SearchIndex {
        let mut b = Builder::default();
        for v in visits {
            b.add(doc_input(v));
        }
        SearchIndex::from_segment(Segment::from_bytes(b.encode()).expect("a segment just built"))
    }

    pub fn from_segment(seg: Segment) -> SearchIndex {
        let base_pos = seg
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id, i as u32))
            .collect();
        SearchIndex {
            base: Some(seg),
            base_pos,
            ..SearchIndex::default()
        }
    }

    /// How many visits it answers for.
    pub fn len(&self) -> usize {
        let base = self.base.as_ref().map_or(0, |b| b.docs.len());
        let masked_base = self
            .masked
            .iter()
            .filter(|id| self.base_pos.contains_key(id))
            .count();
        base - masked_base + self.fresh.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Visits held outside the segment (changed since it was built).
    pub fn fresh_len(&self) -> usize {
        self.fresh.len()
    }

    /// Of the visits stored now (`id`, revision, updated µs), those the segment does not hold
    /// as they are: to be [`SearchIndex::upsert`]ed. Visits the segment holds that are no
    /// longer stored are forgotten here.
    pub fn outdated(&mut self, stored: &[(Uuid, u64, i64)]) -> Vec<Uuid> {
        let live: HashSet<Uuid> = stored.iter().map(|s| s.0).collect();
        if let Some(base) = &self.base {
            for d in &base.docs {
                if !live.contains(&d.id) {
                    self.masked.insert(d.id);
                }
            }
        }
        stored
            .iter()
            .filter(|(id, rev, updated)| {
                self.base_doc(*id)
                    .is_none_or(|d| d.revision != *rev || d.updated != *updated)
            })
            .map(|s| s.0)
            .collect()
    }

    fn base_doc(&self, id: Uuid) -> Option<&DocMeta> {
        let i = *self.base_pos.get(&id)?;
        self.base.as_ref()?.docs.get(i as usize)
    }

    /// Adds or replaces the entry for `v`.
    pub fn upsert(&mut self, v: &Visit) {
        if self.base_doc(v.id).is_some_and(|d| *d == meta(v)) {
            self.masked.remove(&v.id);
            self.fresh.remove(&v.id);
            return;
        }
        self.masked.insert(v.id);
        let texts = text::texts(v);
        let terms = text::terms(&texts);
        self.fresh.insert(
            v.id,
            Fresh {
                start: meta(v).start,
                texts,
                terms,
            },
        );
    }

    pub fn remove(&mut self, id: Uuid) {
        self.masked.insert(id);
        self.fresh.remove(&id);
    }

    /// Visits matching `query`, best first, the first `snippets` of them with a snippet. An
    /// empty query matches nothing (the caller shows all). `fetch` reads a stored visit for
    /// phrases and snippets.
    pub fn search(&self, query: &str, snippets: usize, fetch: Fetch) -> Vec<Hit> {
        let parts = parts(query);
        if parts.is_empty() {
            return Vec::new();
        }
        let mut base_hits: Option<PartHits> = None;
        let mut fresh_hits: Option<HashMap<Uuid, Vec<Match>>> = None;
        for part in &parts {
            let (b, f) = self.part_hits(part, base_hits.as_ref(), fetch);
            base_hits = Some(match base_hits {
                None => b,
                Some(prev) => combine(prev, b),
            });
            fresh_hits = Some(match fresh_hits {
                None => f.into_iter().map(|(id, h)| (id, vec![h])).collect(),
                Some(mut prev) => {
                    prev.retain(|id, _| f.contains_key(id));
                    for (id, h) in f {
                        if let Some(v) = prev.get_mut(&id) {
                            v.push(h);
                        }
                    }
                    prev
                }
            });
        }
        // Query words that follow each other in a visit's text, as typed, rank it higher
        // ("budi ginting" finds Budi Ginting before a Budi and a Ginting).
        let pairs: Vec<String> = parts
            .windows(2)
            .filter_map(|w| match w {
                [Part::Word { word: a, .. }, Part::Word { word: b, .. }] => {
                    Some(format!("{}{a} {b}", text::PAIR))
                }
                _ => None,
            })
            .collect();
        let mut hits: Vec<(Hit, i64)> = Vec::new();
        if let (Some(base), Some(mut found)) = (&self.base, base_hits) {
            for pair in pairs.iter().filter_map(|p| base.find(p)) {
                for (doc, _) in base.postings(pair) {
                    if let Some(m) = found.get_mut(&doc) {
                        m.0 += NEAR;
                    }
                }
            }
            for (doc, (score, bits, words)) in found {
                let d = &base.docs[doc as usize];
                hits.push((hit(d.id, score, bits, words), d.start));
            }
        }
        for (id, matches) in fresh_hits.unwrap_or_default() {
            let near = pairs
                .iter()
                .filter(|p| self.fresh[&id].terms.contains_key(p.as_str()))
                .count() as u32;
            let score = matches.iter().map(|m| m.0).sum::<u32>() + near * NEAR;
            let bits = matches.iter().max_by_key(|m| m.0).map_or(0, |m| m.1);
            let words = matches
                .into_iter()
                .map(|m| m.2)
                .collect::<Vec<_>>()
                .join(" ");
            let start = self.fresh[&id].start;
            hits.push((hit(id, score, bits, words), start));
        }
        hits.sort_by(|(a, sa), (b, sb)| {
            b.score.cmp(&a.score).then(sb.cmp(sa)).then(b.id.cmp(&a.id))
        });
        let mut hits: Vec<Hit> = hits.into_iter().map(|(h, _)| h).collect();
        let n = snippets.min(hits.len());
        self.fill_snippets(&mut hits[..n], fetch);
        hits
    }

    /// Gives each of `hits` its snippet (from the visit's texts as stored now).
    pub fn fill_snippets(&self, hits: &mut [Hit], fetch: Fetch) {
        for h in hits {
            h.snippet = match self.fresh.get(&h.id) {
                Some(f) => text_snippet(&f.texts, h.field, &h.words),
                None => fetch(h.id).and_then(|v| text_snippet(&text::texts(&v), h.field, &h.words)),
            };
        }
    }

    /// The docs one part matches, in the segment (among `within`, when given) and among the
    /// fresh visits.
    fn part_hits(
        &self,
        part: &Part,
        within: Option<&PartHits>,
        fetch: Fetch,
    ) -> (PartHits, HashMap<Uuid, Match>) {
        match part {
            Part::Word { word, prefix } => {
                let mut b = self.base_word(word, *prefix, false);
                let mut f = self.fresh_word(word, *prefix, false);
                if b.is_empty() && f.is_empty() {
                    b = self.base_word(word, false, true);
                    f = self.fresh_word(word, false, true);
                }
                (b, f)
            }
            Part::Phrase(words) => (
                self.base_phrase(words, within, fetch),
                self.fresh
                    .iter()
                    .filter_map(|(id, f)| {
                        phrase_field(&f.texts, words)
                            .map(|bits| (*id, (part_score(3, bits), bits, words.join(" "))))
                    })
                    .collect(),
            ),
        }
    }

    fn base_word(&self, word: &str, prefix: bool, typos: bool) -> PartHits {
        let mut out = PartHits::new();
        let Some(base) = &self.base else {
            return out;
        };
        let mut add = |term: usize, kind: Kind| {
            for (doc, bits) in base.postings(term) {
                if self.masked.contains(&base.docs[doc as usize].id) {
                    continue;
                }
                let score = part_score(kind, bits);
                let e = out.entry(doc).or_insert((0, 0, String::new()));
                if score > e.0 {
                    *e = (score, bits, base.terms[term].to_string());
                }
            }
        };
        if typos {
            let budget = typo::budget(word);
            if budget == 0 {
                return out;
            }
            // Word pairs sort first (they start with `PAIR`): skip them.
            let words_from = base.prefix_range(&text::PAIR.to_string()).end;
            for (i, t) in base.terms.iter().enumerate().skip(words_from) {
                if typo::within(word, t, budget) {
                    add(i, 1);
                }
            }
            return out;
        }
        let range = base.prefix_range(word);
        for i in range {
            if &*base.terms[i] == word {
                add(i, 3);
            } else if prefix {
                add(i, 2);
            }
        }
        out
    }

    fn fresh_word(&self, word: &str, prefix: bool, typos: bool) -> HashMap<Uuid, Match> {
        let budget = if typos { typo::budget(word) } else { 0 };
        let mut out = HashMap::new();
        for (id, f) in &self.fresh {
            let mut best: Option<Match> = None;
            let mut consider = |kind: Kind, bits: u16, term: &str| {
                let score = part_score(kind, bits);
                if best.as_ref().is_none_or(|b| score > b.0) {
                    best = Some((score, bits, term.to_string()));
                }
            };
            if typos {
                if budget > 0 {
                    for (t, bits) in &f.terms {
                        if !t.starts_with(text::PAIR) && typo::within(word, t, budget) {
                            consider(1, *bits, t);
                        }
                    }
                }
            } else {
                for (t, bits) in f.terms.range(word.to_string()..) {
                    if !t.starts_with(word) {
                        break;
                    }
                    if t == word {
                        consider(3, *bits, t);
                    } else if prefix {
                        consider(2, *bits, t);
                    }
                }
            }
            if let Some(b) = best {
                out.insert(*id, b);
            }
        }
        out
    }

    /// Docs of the segment where the words follow each other: looked up as word pairs (exact
    /// for two words; longer phrases are checked against the stored text).
    fn base_phrase(&self, words: &[String], within: Option<&PartHits>, fetch: Fetch) -> PartHits {
        let Some(base) = &self.base else {
            return PartHits::new();
        };
        let keep = |doc: &u32| within.is_none_or(|w| w.contains_key(doc));
        if words.len() == 1 {
            let mut found = self.base_word(&words[0], false, false);
            found.retain(|d, _| keep(d));
            return found;
        }
        let mut candidates: Option<HashMap<u32, u16>> = None;
        for pair in words.windows(2) {
            let term = format!("{}{} {}", text::PAIR, pair[0], pair[1]);
            let found: HashMap<u32, u16> = base
                .find(&term)
                .map(|i| base.postings(i))
                .unwrap_or_default()
                .into_iter()
                .filter(|(doc, _)| keep(doc) && !self.masked.contains(&base.docs[*doc as usize].id))
                .collect();
            candidates = Some(match candidates {
                None => found,
                Some(c) => c
                    .into_iter()
                    .filter_map(|(d, b)| found.get(&d).map(|b2| (d, b | b2)))
                    .collect(),
            });
        }
        candidates
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(doc, bits)| {
                let bits = if words.len() > 2 {
                    let v = fetch(base.docs[doc as usize].id)?;
                    phrase_field(&text::texts(&v), words)?
                } else {
                    bits
                };
                Some((doc, (part_score(3, bits), bits, words.join(" "))))
            })
            .collect()
    }
}

/// Docs in both, their scores added up and the field of the better match kept.
fn combine(prev: PartHits, next: PartHits) -> PartHits {
    prev.into_iter()
        .filter_map(|(doc, (s, b, w))| {
            let (s2, b2, w2) = next.get(&doc)?;
            let bits = if *s2 > s { *b2 } else { b };
            Some((doc, (s + s2, bits, format!("{w} {w2}"))))
        })
        .collect()
}

/// Added for each pair of query words found next to each other.
const NEAR: u32 = 3;

fn part_score(kind: Kind, bits: u16) -> u32 {
    kind * 4 + Field::best(bits).map_or(0, Field::class)
}

fn hit(id: Uuid, score: u32, bits: u16, words: String) -> Hit {
    Hit {
        id,
        score,
        field: Field::best(bits).unwrap_or(Field::Note),
        words: words.split(' ').map(str::to_string).collect(),
        snippet: None,
    }
}

/// The field bits of the texts in which `words` follow each other.
fn phrase_field(texts: &[(Field, String)], words: &[String]) -> Option<u16> {
    let mut bits = 0;
    for (field, t) in texts {
        let ws = text::words(t);
        if ws.windows(words.len()).any(|w| w == words) {
            bits |= field.bit();
        }
    }
    (bits != 0).then_some(bits)
}

/// Chars of context shown before and after the matched word.
const BEFORE: usize = 24;
const AFTER: usize = 48;

/// The words around the match in a text of `field` (else of any field): where `words` follow
/// each other if they do anywhere (a phrase, a name), else the first of them.
fn text_snippet(texts: &[(Field, String)], field: Field, words: &[String]) -> Option<Snippet> {
    let ordered = || {
        let in_field = texts.iter().filter(move |(f, _)| *f == field);
        in_field.chain(texts.iter().filter(move |(f, _)| *f != field))
    };
    let together = ordered().find_map(|(_, t)| {
        let spans = text::spans(t);
        let n = words.len();
        spans
            .windows(n)
            .find(|w| w.iter().zip(words).all(|(s, q)| s.2 == *q))
            .map(|w| (t, w[0].0, w[n - 1].1))
    });
    let (t, a, b) = together.or_else(|| {
        ordered().find_map(|(_, t)| {
            text::spans(t)
                .into_iter()
                .find(|(_, _, w)| words.contains(w))
                .map(|(a, b, _)| (t, a, b))
        })
    })?;
    // Cut at a space, so that the snippet starts and ends with whole words.
    let mut start = t[..a]
        .char_indices()
        .rev()
        .nth(BEFORE.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    if start > 0 {
        start = t[start..a].find(' ').map_or(a, |i| start + i + 1);
    }
    let mut end = t[b..]
        .char_indices()
        .nth(AFTER)
        .map_or(t.len(), |(i, _)| b + i);
    if end < t.len() {
        end = t[b..end].rfind(' ').map_or(end, |i| b + i);
    }
    let (lead, tail) = (
        if start > 0 { "…" } else { "" },
        if end < t.len() { "…" } else { "" },
    );
    let clean = |s: &str| s.replace(['\n', '\r', '\t'], " ");
    let text = format!(
        "{lead}{}{}{}{tail}",
        clean(&t[start..a]),
        &t[a..b],
        clean(&t[b..end])
    );
    let mark_start = lead.len() + (a - start);
    Some(Snippet {
        mark: (mark_start, mark_start + (b - a)),
        text,
    })
}

#[cfg(test)]
mod tests;
