use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use proptest::prelude::*;

use super::*;
use crate::domain::{Attendee, District, Note};

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

/// A fetch over the given visits, as the store would answer.
fn store_of(visits: &[&Visit]) -> impl Fn(Uuid) -> Option<Visit> + use<> {
    let by_id: HashMap<Uuid, Visit> = visits.iter().map(|v| (v.id, (*v).clone())).collect();
    move |id| by_id.get(&id).cloned()
}

fn ids(hits: &[Hit]) -> BTreeSet<Uuid> {
    hits.iter().map(|h| h.id).collect()
}

fn karo_and_dairi() -> (Visit, Visit) {
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
    (karo, dairi)
}

#[test]
fn finds_by_district_person_and_note_and_says_which_field() {
    let (karo, dairi) = karo_and_dairi();
    let idx = SearchIndex::build([&karo, &dairi]);
    let fetch = store_of(&[&karo, &dairi]);
    let hits = idx.search("karo", 10, &fetch);
    assert_eq!(hits.len(), 1);
    assert_eq!((hits[0].id, hits[0].field), (karo.id, Field::District));
    let hits = idx.search("sebayng", 10, &fetch);
    assert_eq!(
        hits[0].field,
        Field::Attendee,
        "one typo in a 7-letter word"
    );
    let hits = idx.search("anggaran apbd", 10, &fetch);
    assert_eq!((hits.len(), hits[0].field), (1, Field::Note));
    let s = hits[0].snippet.as_ref().unwrap();
    assert_eq!(
        &s.text[s.mark.0..s.mark.1],
        "anggaran APBD",
        "words in a row are marked together"
    );
    assert!(idx.search("zzzz", 10, &fetch).is_empty());
    assert!(idx.search("  ", 10, &fetch).is_empty());
}

#[test]
fn words_are_whole_or_prefixes_never_scattered_letters() {
    let (karo, dairi) = karo_and_dairi();
    let idx = SearchIndex::build([&karo, &dairi]);
    let fetch = store_of(&[&karo, &dairi]);
    // "karo" is a subsequence of "Kantor ... Kota"-like text but not a word of Dairi's visit.
    assert!(idx.search("kro", 10, &fetch).is_empty());
    // As typed: the last word is a prefix; once a space follows, it is a whole word.
    assert_eq!(ids(&idx.search("bappe", 10, &fetch)), [dairi.id].into());
    assert!(idx.search("bappe ", 10, &fetch).is_empty());
    // Short words get no typos; all words must match.
    assert!(idx.search("kora", 10, &fetch).is_empty());
    assert!(idx.search("karo apbd", 10, &fetch).is_empty());
}

#[test]
fn quoted_words_match_as_a_phrase_and_exact_ranks_above_typo() {
    let mut a = visit("12.06", "Kabupaten Karo", "Lamhot Sinaga", "");
    a.start = Some("2022-01-01T10:00:00+07:00".parse().unwrap());
    let mut b = visit("12.11", "Kabupaten Dairi", "Rudi Sinaga", "lamhot datang");
    b.start = Some("2023-01-01T10:00:00+07:00".parse().unwrap());
    let idx = SearchIndex::build([&a, &b]);
    let fetch = store_of(&[&a, &b]);
    assert_eq!(
        ids(&idx.search("lamhot sinaga", 10, &fetch)),
        [a.id, b.id].into()
    );
    assert_eq!(
        ids(&idx.search("\"lamhot sinaga\"", 10, &fetch)),
        [a.id].into()
    );
    assert_eq!(
        ids(&idx.search("\"LAMHÔT   sinaga\"", 10, &fetch)),
        [a.id].into()
    );
    // Both have "sinaga" as an attendee: the newer meeting first.
    let hits = idx.search("sinaga", 10, &fetch);
    assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), [b.id, a.id]);
    // The name ranks above the note.
    let hits = idx.search("lamhot", 10, &fetch);
    assert_eq!((hits[0].id, hits[0].field), (a.id, Field::Attendee));
}

#[test]
fn changed_and_removed_visits_answer_from_their_new_text() {
    let (mut karo, dairi) = karo_and_dairi();
    let mut idx = SearchIndex::build([&karo, &dairi]);
    karo.venue = "Aula Kantor Bupati".into();
    karo.revision += 1;
    idx.upsert(&karo);
    let fetch = store_of(&[&karo, &dairi]);
    assert_eq!(idx.len(), 2);
    assert_eq!(idx.search("aula", 10, &fetch)[0].field, Field::Venue);
    assert_eq!(idx.search("karo", 10, &fetch).len(), 1);
    idx.remove(karo.id);
    assert_eq!(idx.len(), 1);
    assert!(idx.search("karo", 10, &fetch).is_empty());
    assert_eq!(idx.search("dairi", 10, &fetch)[0].id, dairi.id);
    idx.upsert(&karo);
    assert_eq!(idx.search("aula", 10, &fetch)[0].id, karo.id);
}

#[test]
fn outdated_names_the_visits_the_segment_does_not_hold_as_stored() {
    let (mut karo, dairi) = karo_and_dairi();
    let mut idx = SearchIndex::build([&karo, &dairi]);
    let stored = |v: &Visit| (v.id, v.revision, v.updated.timestamp_micros());
    assert!(idx.outdated(&[stored(&karo), stored(&dairi)]).is_empty());
    karo.revision += 1;
    let other = visit("13.01", "Kabupaten Lain", "X", "");
    assert_eq!(
        idx.outdated(&[stored(&karo), stored(&other)]),
        [karo.id, other.id]
    );
    // Dairi is gone from the store: not found any more.
    let fetch = store_of(&[]);
    assert!(idx.search("dairi", 10, &fetch).is_empty());
}

#[test]
fn query_words_found_next_to_each_other_rank_first() {
    let mut a = visit("12.06", "Kabupaten Karo", "Lamhot Sinaga", "");
    a.start = Some("2022-01-01T10:00:00+07:00".parse().unwrap());
    let mut c = visit("12.11", "Kabupaten Dairi", "Lamhot Purba", "");
    c.attendees
        .push(Attendee::new(crate::domain::new_id(), "Rudi Sinaga"));
    c.start = Some("2023-01-01T10:00:00+07:00".parse().unwrap());
    let mut idx = SearchIndex::build([&a, &c]);
    let fetch = store_of(&[&a, &c]);
    let order = |idx: &SearchIndex| -> Vec<Uuid> {
        idx.search("lamhot sinaga", 10, &fetch)
            .iter()
            .map(|h| h.id)
            .collect()
    };
    assert_eq!(
        order(&idx),
        [a.id, c.id],
        "the name as typed before the newer visit"
    );
    // The same for visits changed since the segment was built.
    a.revision += 1;
    c.revision += 1;
    idx.upsert(&a);
    idx.upsert(&c);
    assert_eq!(order(&idx), [a.id, c.id]);
}

/// Every visit whose texts hold `word` as a whole word, by a plain scan.
fn scan(visits: &[Visit], word: &str) -> BTreeSet<Uuid> {
    visits
        .iter()
        .filter(|v| {
            text::texts(v)
                .iter()
                .any(|(_, t)| text::words(t).iter().any(|w| w == word))
        })
        .map(|v| v.id)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The engine against an exact scan of the same synthetic visits: a quoted word finds
    /// exactly the visits holding it as a whole word; unquoted, at least those (plus visits
    /// with a word it starts, or a typo of it when no visit holds it).
    #[test]
    fn the_engine_finds_what_an_exact_scan_finds(seed in 0u64..1000, pick in 0usize..10_000) {
        let visits = crate::synth::visits(40, seed);
        let idx = SearchIndex::build(&visits);
        let refs: Vec<&Visit> = visits.iter().collect();
        let fetch = store_of(&refs);
        let all: Vec<String> = visits
            .iter()
            .flat_map(|v| text::terms(&text::texts(v)).into_keys())
            .filter(|t| !t.starts_with(text::PAIR))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let word = &all[pick % all.len()];
        let want = scan(&visits, word);
        let quoted = ids(&idx.search(&format!("\"{word}\""), 0, &fetch));
        prop_assert_eq!(&quoted, &want);
        let typed = ids(&idx.search(word, 0, &fetch));
        prop_assert!(typed.is_superset(&want));
        for id in typed.difference(&want) {
            let v = visits.iter().find(|v| v.id == *id).unwrap();
            let ok = text::terms(&text::texts(v)).keys().any(|t| t.starts_with(word.as_str()));
            prop_assert!(ok, "{} found without a word starting {}", id, word);
        }
    }
}
