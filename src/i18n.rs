//! The one catalogue of user-facing text, in Bahasa Indonesia and English.
//!
//! Text lives in `assets/i18n.toml`, both languages side by side, so a missing translation is
//! visible in review and caught by a test. English falls back to Indonesian, and an unknown key
//! shows itself rather than crashing.

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn toggled(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }

    /// Parses "id"/"en" (also "in", "id-ID", "en_US"…), for environment variables.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("en") {
            Some(Lang::En)
        } else if s.starts_with("id") || s.starts_with("in") {
            Some(Lang::Id)
        } else {
            None
        }
    }
}

pub const CATALOGUE_SOURCE: &str = include_str!("../assets/i18n.toml");

/// key → (Indonesian, English if given).
pub type Catalogue = HashMap<String, (String, Option<String>)>;

static CATALOGUE: LazyLock<Catalogue> =
    LazyLock::new(|| parse_catalogue(CATALOGUE_SOURCE).unwrap_or_default());

/// Parses a catalogue: nested tables whose leaves are `{ id = "…", en = "…" }`.
pub fn parse_catalogue(src: &str) -> Result<Catalogue, String> {
    let table: toml::Table = toml::from_str(src).map_err(|e| e.to_string())?;
    let mut out = HashMap::new();
    flatten("", &table, &mut out)?;
    Ok(out)
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalogue) -> Result<(), String> {
    if let Some(id) = table.get("id") {
        let id = id
            .as_str()
            .ok_or_else(|| format!("{prefix}: id is not text"))?;
        let en = match table.get("en") {
            Some(v) => Some(
                v.as_str()
                    .ok_or_else(|| format!("{prefix}: en is not text"))?,
            ),
            None => None,
        };
        out.insert(prefix.to_string(), (id.to_string(), en.map(str::to_string)));
        return Ok(());
    }
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out)?,
            _ => return Err(format!("{key}: expected {{ id = \"…\", en = \"…\" }}")),
        }
    }
    Ok(())
}

/// A message kept in both languages until it is drawn: an error said before the auditor
/// switches language (`L`) then reads in the new one, like the rest of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    id: String,
    en: String,
}

impl Said {
    /// The message `say` gives in each language.
    pub fn new(say: impl Fn(Lang) -> String) -> Said {
        Said {
            id: say(Lang::Id),
            en: say(Lang::En),
        }
    }

    /// A catalogue key's text.
    pub fn key(key: &str) -> Said {
        Said::new(|lang| t(lang, key).to_string())
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Id => &self.id,
            Lang::En => &self.en,
        }
    }
}

/// The text for `key` in `lang`; an unknown key shows itself.
pub fn t(lang: Lang, key: &str) -> &str {
    match CATALOGUE.get(key) {
        Some((id, en)) => match lang {
            Lang::En => en.as_deref().unwrap_or(id),
            Lang::Id => id,
        },
        None => key,
    }
}

/// The text for `key` with `{0}`, `{1}`… replaced by `args` (and `{0|one|other}` by the word
/// for argument 0's count), in one pass: an argument that
/// itself contains "{1}" (a path, a note) is inserted as it is, not filled in again.
pub fn tf(lang: Lang, key: &str, args: &[&dyn Display]) -> String {
    let text = t(lang, key);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let arg = after.find('}').and_then(|close| {
            let inner = &after[..close];
            // `{0|visit|visits}`: the word for the count in argument 0 (English needs it).
            let (n, forms) = match inner.split_once('|') {
                Some((n, forms)) => (n, Some(forms.split_once('|')?)),
                None => (inner, None),
            };
            let n: usize = n.parse().ok()?;
            Some((args.get(n)?, forms, close))
        });
        match arg {
            Some((a, forms, close)) => {
                let a = a.to_string();
                match forms {
                    Some((one, _)) if a == "1" => out.push_str(one),
                    Some((_, other)) => out.push_str(other),
                    None => out.push_str(&a),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether the catalogue has `key` (for tests and checks).
pub fn has_key(key: &str) -> bool {
    CATALOGUE.contains_key(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_words_agree_with_their_number_in_english() {
        let one = tf(Lang::En, "overview.summary", &[&1, &1, &1, &0]);
        assert!(one.starts_with("1 visit to 1 district ·"), "{one}");
        let two = tf(Lang::En, "overview.summary", &[&2, &3, &2, &0]);
        assert!(two.starts_with("2 visits to 3 districts ·"), "{two}");
        let line = tf(Lang::En, "import.conflict_line", &[&"id", &"Karo", &1]);
        assert!(line.ends_with("1 field to settle"), "{line}");
        // Indonesian has no plural forms: its texts are as they were.
        let id = tf(Lang::Id, "overview.summary", &[&1, &1, &1, &0]);
        assert!(id.starts_with("1 kunjungan ke 1 kabupaten/kota"), "{id}");
        // An argument that looks like a form is inserted as it is.
        assert_eq!(
            tf(Lang::En, "store.not_found", &[&"{0|a|b}"]),
            t(Lang::En, "store.not_found").replace("{0}", "{0|a|b}")
        );
    }

    #[test]
    fn shipped_catalogue_parses_and_every_entry_has_english() {
        let cat = parse_catalogue(CATALOGUE_SOURCE).expect("catalogue parses");
        assert!(cat.len() > 50);
        let missing: Vec<_> = cat
            .iter()
            .filter(|(_, (_, en))| en.is_none())
            .map(|(k, _)| k)
            .collect();
        assert!(missing.is_empty(), "no English for {missing:?}");
    }

    #[test]
    fn english_falls_back_to_indonesian_and_unknown_keys_show_themselves() {
        let cat = parse_catalogue("[a]\nid = \"Satu\"\n").unwrap();
        assert_eq!(cat["a"], ("Satu".to_string(), None));
        assert_eq!(t(Lang::En, "no.such.key"), "no.such.key");
    }

    #[test]
    fn arguments_are_substituted() {
        let msg = tf(Lang::En, "store.in_use", &[&"/tmp/x"]);
        assert!(msg.contains("/tmp/x") && !msg.contains("{0}"), "{msg}");
    }

    #[test]
    fn arguments_are_not_substituted_into_each_other() {
        let msg = tf(Lang::En, "store.damaged", &[&"/tmp/{1}", &"bad {0}"]);
        assert!(msg.starts_with("Database /tmp/{1} is damaged"), "{msg}");
        assert!(msg.contains("(bad {0})"), "{msg}");
        // A missing argument leaves its placeholder visible rather than panicking.
        assert!(tf(Lang::En, "store.damaged", &[&"/x"]).contains("({1})"));
    }

    #[test]
    fn lang_parses_locale_forms() {
        assert_eq!(Lang::parse("en_US.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("id-ID"), Some(Lang::Id));
        assert_eq!(Lang::parse("fr"), None);
    }
}
