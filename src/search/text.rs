//! What a visit says, as the search index sees it: every text its report shows, by field, and
//! the words in them, folded (case and diacritics) so that "Théo" and "THEO" are one word.

use std::collections::BTreeMap;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::domain::{AnswerValue, Visit};
use crate::i18n::{Lang, t};

use super::Field;

/// Words longer than this are not indexed (pasted ids, URLs): nobody types them whole.
pub const MAX_WORD_CHARS: usize = 40;

/// Lower case without diacritics: NFD, combining marks dropped, lower-cased.
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The folded words of `s`: runs of letters and digits, in order.
pub fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_word(s, |_, _, w| out.push(w.to_string()));
    out
}

/// The words of `s` with their byte range in `s` itself, for snippets.
pub fn spans(s: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    each_word(s, |a, b, w| out.push((a, b, w.to_string())));
    out
}

/// Calls `f(start, end, folded word)` for every word of `s`, folding into one buffer (this
/// runs over every text of every visit when the index is built).
pub fn each_word(s: &str, mut f: impl FnMut(usize, usize, &str)) {
    let mut buf = String::new();
    let mut chars = s.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, c)) = chars.peek() {
            // Combining marks belong to the word they sit on (decomposed input).
            if !(c.is_alphanumeric() || is_combining_mark(c)) {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        let word = &s[start..end];
        buf.clear();
        if word.is_ascii() {
            buf.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            buf.extend(
                word.nfd()
                    .filter(|c| !is_combining_mark(*c))
                    .flat_map(char::to_lowercase),
            );
        }
        if !buf.is_empty()
            && buf.len() <= MAX_WORD_CHARS * 4
            && buf.chars().count() <= MAX_WORD_CHARS
        {
            f(start, end, &buf);
        }
    }
}

/// Marks a word pair in the index (two words that follow each other in one text), so that a
/// two-word phrase is looked up, not checked against every text. No query word holds it.
pub const PAIR: char = '\u{2}';

/// Every text a visit's report shows, with the field it belongs to. Labels that the report
/// translates (obstacle categories, handover kinds) are given in both languages.
pub fn texts(v: &Visit) -> Vec<(Field, String)> {
    let mut out = Vec::new();
    let mut push = |field: Field, text: &str| {
        if !text.trim().is_empty() {
            out.push((field, text.trim().to_string()));
        }
    };
    let both = |key: &str| format!("{} / {}", t(Lang::Id, key), t(Lang::En, key));
    push(
        Field::District,
        &format!("{} {}", v.district.code, v.district.name),
    );
    push(Field::Province, &v.district.province);
    push(Field::Venue, &v.venue);
    push(Field::Purpose, &v.purpose);
    for member in &v.team {
        push(Field::Team, member);
    }
    for a in &v.attendees {
        push(Field::Attendee, &a.full_name());
        push(Field::Post, &format!("{} {}", a.post, a.organisation));
        push(Field::Attendee, &a.represented_by);
        push(Field::Note, &a.notes);
    }
    for o in &v.obstacles {
        push(Field::Obstacle, &o.description);
        push(Field::Category, &both(o.category.key()));
        push(Field::Obstacle, &o.notes);
    }
    for s in &v.strategies {
        push(Field::Strategy, &s.text);
        push(Field::Strategy, &s.commitment);
        push(Field::Person, &s.person_in_charge);
        push(Field::Strategy, &s.evidence);
        push(Field::Strategy, &s.notes);
    }
    for h in &v.handovers {
        push(Field::Handover, &both(h.kind.key()));
        push(Field::Person, &h.recipient);
        push(Field::Person, &h.subject);
        push(Field::Handover, &h.employer);
        push(Field::Handover, &h.notes);
    }
    for a in v.answers.values() {
        match &a.value {
            AnswerValue::Text(s) | AnswerValue::Choice(s) => push(Field::Answer, s),
            AnswerValue::Choices(c) => push(Field::Answer, &c.join(", ")),
            _ => {}
        }
        push(Field::Answer, &a.note);
    }
    for n in &v.notes {
        push(Field::Note, &n.text);
    }
    for f in &v.figures {
        push(Field::Figure, &f.label);
        push(Field::Figure, &f.notes);
    }
    out
}

/// The distinct words of a visit, and the pairs of words that follow each other in a text
/// (as `PAIR` first second), each with the fields it occurs in (a bit per [`Field`]).
pub fn terms(texts: &[(Field, String)]) -> BTreeMap<String, u16> {
    let mut out: BTreeMap<String, u16> = BTreeMap::new();
    let mut add = |term: &str, bit: u16| match out.get_mut(term) {
        Some(b) => *b |= bit,
        None => {
            out.insert(term.to_string(), bit);
        }
    };
    let mut pair = String::new();
    let mut prev = String::new();
    for (field, text) in texts {
        let bit = field.bit();
        prev.clear();
        each_word(text, |_, _, w| {
            add(w, bit);
            if !prev.is_empty() {
                pair.clear();
                pair.push(PAIR);
                pair.push_str(&prev);
                pair.push(' ');
                pair.push_str(w);
                add(&pair, bit);
            }
            prev.clear();
            prev.push_str(w);
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_case_and_diacritics_also_when_decomposed() {
        assert_eq!(fold("Théo ÇAKIR"), "theo cakir");
        assert_eq!(
            words("Rapat  dibuka, pukul 14.00 (Bupati)"),
            ["rapat", "dibuka", "pukul", "14", "00", "bupati"]
        );
        assert_eq!(words("Cafe\u{301} Noël"), ["cafe", "noel"]);
        let s = "Kantor: Dinas Tenaga Kerja";
        let (a, b, w) = spans(s).swap_remove(1);
        assert_eq!((&s[a..b], w.as_str()), ("Dinas", "dinas"));
    }
}
