//! Full-text search over visits: district, venue, purpose, attendee names and posts, obstacles,
//! strategies and notes. Short fields match fuzzily (typos, missing letters); long texts need
//! every word of the query, so a short query does not match half the minutes by accident.

use std::collections::HashMap;
use std::sync::Arc;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};
use uuid::Uuid;

use crate::domain::Visit;

/// Which part of a visit matched, to show the auditor why a visit is in the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    District,
    Province,
    Venue,
    Purpose,
    Attendee,
    Post,
    Obstacle,
    Strategy,
    Note,
}

impl Field {
    pub fn key(self) -> &'static str {
        match self {
            Field::District => "field.district",
            Field::Province => "field.province",
            Field::Venue => "field.venue",
            Field::Purpose => "field.purpose",
            Field::Attendee => "field.attendee",
            Field::Post => "field.post",
            Field::Obstacle => "field.obstacle",
            Field::Strategy => "field.strategy",
            Field::Note => "field.note",
        }
    }
}

/// Texts longer than this are matched word by word instead of fuzzily.
const FUZZY_MAX_CHARS: usize = 80;

struct Entry {
    field: Field,
    /// Shared with the hits, so a search that finds every visit copies no text.
    text: Arc<str>,
    fuzzy: Option<Utf32String>,
    lower: String,
}

struct Doc {
    id: Uuid,
    entries: Vec<Entry>,
}

/// One visit found: how well, and which field matched best.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub id: Uuid,
    pub score: u32,
    pub field: Field,
    pub text: Arc<str>,
}

#[derive(Default)]
pub struct SearchIndex {
    docs: Vec<Doc>,
    /// Where each visit's doc is in `docs`, so that upsert and remove cost the same at any size
    /// (the order of `docs` does not matter: hits are sorted by score, then id).
    pos: HashMap<Uuid, usize>,
}

impl SearchIndex {
    pub fn build<'a>(visits: impl IntoIterator<Item = &'a Visit>) -> SearchIndex {
        let mut idx = SearchIndex::default();
        for v in visits {
            idx.upsert(v);
        }
        idx
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Adds or replaces the entry for `v`.
    pub fn upsert(&mut self, v: &Visit) {
        let doc = Doc {
            id: v.id,
            entries: entries(v),
        };
        match self.pos.get(&v.id) {
            Some(&i) => self.docs[i] = doc,
            None => {
                self.pos.insert(v.id, self.docs.len());
                self.docs.push(doc);
            }
        }
    }

    pub fn remove(&mut self, id: Uuid) {
        let Some(i) = self.pos.remove(&id) else {
            return;
        };
        self.docs.swap_remove(i);
        if let Some(moved) = self.docs.get(i) {
            self.pos.insert(moved.id, i);
        }
    }

    /// Visits matching `query`, best first. An empty query matches nothing (the caller shows all).
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let query = query.trim();
        if query.is_empty() {
            return Vec::new();
        }
        let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
        let words: Vec<String> = fold(query).split_whitespace().map(str::to_string).collect();
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut hits = Vec::new();
        for doc in &self.docs {
            let mut best: Option<(u32, &Entry)> = None;
            for e in &doc.entries {
                let score = match &e.fuzzy {
                    Some(h) => pattern.score(h.slice(..), &mut matcher),
                    None => words_score(&e.lower, &words),
                };
                if let Some(s) = score
                    && best.is_none_or(|(b, _)| s > b)
                {
                    best = Some((s, e));
                }
            }
            if let Some((score, e)) = best {
                hits.push(Hit {
                    id: doc.id,
                    score,
                    field: e.field,
                    text: Arc::clone(&e.text),
                });
            }
        }
        hits.sort_by(|a, b| b.score.cmp(&a.score).then(b.id.cmp(&a.id)));
        hits
    }
}

/// The searchable texts of a visit.
fn entries(v: &Visit) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut push = |field, text: &str| {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let fuzzy = (text.chars().count() <= FUZZY_MAX_CHARS).then(|| Utf32String::from(text));
        entries.push(Entry {
            field,
            text: Arc::from(text),
            fuzzy,
            lower: fold(text),
        });
    };
    push(
        Field::District,
        &format!("{} {}", v.district.code, v.district.name),
    );
    push(Field::Province, &v.district.province);
    push(Field::Venue, &v.venue);
    push(Field::Purpose, &v.purpose);
    for a in &v.attendees {
        push(Field::Attendee, &a.full_name());
        push(Field::Post, &format!("{} {}", a.post, a.organisation));
    }
    for o in &v.obstacles {
        push(Field::Obstacle, &o.description);
    }
    for s in &v.strategies {
        push(Field::Strategy, &s.commitment);
    }
    for n in &v.notes {
        push(Field::Note, &n.text);
    }
    entries
}

/// Lower case without diacritics, for word matching ("Théo" finds "theo").
fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            other => other,
        })
        .collect()
}

/// Every word must occur; the score is modest so that name matches rank above note matches.
fn words_score(haystack: &str, words: &[String]) -> Option<u32> {
    if words.is_empty() || !words.iter().all(|w| haystack.contains(w.as_str())) {
        return None;
    }
    Some(words.iter().map(|w| w.chars().count() as u32 * 8).sum())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Attendee, District, Note};
    use chrono::{DateTime, Utc};

    fn visit(code: &str, name: &str, person: &str, note: &str) -> Visit {
        let now: DateTime<Utc> = "2024-01-01T00:00:00Z".parse().unwrap();
        let mut v = Visit::new(crate::domain::new_id(), District::new(code, name), now);
        v.attendees
            .push(Attendee::new(crate::domain::new_id(), person));
        v.notes.push(Note {
            id: crate::domain::new_id(),
            at: now.fixed_offset(),
            section: None,
            text: note.into(),
        });
        v
    }

    #[test]
    fn finds_by_district_person_and_note_and_says_which_field() {
        let karo = visit(
            "12.06",
            "Kabupaten Karo",
            "Cory Sriwaty Sebayang",
            "Rapat dibuka pukul 14.00 oleh Bupati, dihadiri seluruh kepala OPD dan perwakilan BPJAMSOSTEK cabang.",
        );
        let dairi = visit(
            "12.11",
            "Kabupaten Dairi",
            "Eddy Keleng Ate Berutu",
            "Pembahasan anggaran APBD untuk iuran pekerja rentan tahun depan bersama Bappeda dan Disnaker.",
        );
        let idx = SearchIndex::build([&karo, &dairi]);
        let hits = idx.search("karo");
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].id, hits[0].field), (karo.id, Field::District));
        let hits = idx.search("sbayang");
        assert_eq!(hits[0].field, Field::Attendee, "fuzzy match on a typo");
        let hits = idx.search("anggaran apbd");
        assert_eq!((hits.len(), hits[0].field), (1, Field::Note));
        assert!(idx.search("zzzz").is_empty());
        assert!(idx.search("  ").is_empty());
    }

    #[test]
    fn upsert_replaces_and_remove_forgets() {
        let mut v = visit("12.06", "Kabupaten Karo", "A", "");
        let mut idx = SearchIndex::build([&v]);
        v.venue = "Aula Kantor Bupati".into();
        idx.upsert(&v);
        assert_eq!(idx.len(), 1);
        assert_eq!(idx.search("aula")[0].field, Field::Venue);
        idx.remove(v.id);
        assert!(idx.is_empty());
    }

    #[test]
    fn remove_in_the_middle_keeps_the_others_findable_and_replaceable() {
        let a = visit("12.06", "Kabupaten Karo", "Ani", "");
        let b = visit("12.11", "Kabupaten Dairi", "Budi", "");
        let mut c = visit("12.12", "Kabupaten Pakpak Bharat", "Citra", "");
        let mut idx = SearchIndex::build([&a, &b, &c]);
        idx.remove(a.id);
        idx.remove(a.id);
        assert_eq!(idx.len(), 2);
        c.venue = "Gedung Serbaguna".into();
        idx.upsert(&c);
        assert_eq!(idx.len(), 2);
        assert_eq!(idx.search("serbaguna")[0].id, c.id);
        assert_eq!(idx.search("dairi")[0].id, b.id);
        assert!(idx.search("karo").is_empty());
        idx.remove(c.id);
        idx.upsert(&a);
        assert_eq!(idx.search("karo")[0].id, a.id);
        assert_eq!(idx.len(), 2);
    }
}
