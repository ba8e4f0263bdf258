//! The official list of Indonesia's 514 kabupaten/kota with their Kemendagri codes
//! (`assets/regions/wilayah/`, ODbL — see the README there), and finding one by name or code.

use std::sync::LazyLock;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// A kabupaten or kota of the official list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regency {
    pub code: String,
    /// As people write it: "Kabupaten Simalungun", "Kota Pematangsiantar".
    pub name: String,
}

impl Regency {
    /// "12.08 Kabupaten Simalungun": what the district field holds.
    pub fn label(&self) -> String {
        format!("{} {}", self.code, self.name)
    }
}

/// Upper-case source names as people write them ("KABUPATEN PANGKAJENE DAN KEPULAUAN" →
/// "Kabupaten Pangkajene dan Kepulauan", "KOTA BAU-BAU" → "Kota Bau-Bau").
fn as_written(upper: &str) -> String {
    upper
        .split(' ')
        .map(|word| {
            if word == "DAN" {
                return "dan".to_string();
            }
            word.split('-')
                .map(|part| {
                    let mut cs = part.chars();
                    match cs.next() {
                        Some(first) => first.to_string() + &cs.as_str().to_lowercase(),
                        None => String::new(),
                    }
                })
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

static REGENCIES: LazyLock<Vec<Regency>> = LazyLock::new(|| {
    // Embedded and checked by a test (514 rows), so a bad row is a build defect, skipped here.
    include_str!("../../assets/regions/wilayah/regencies.csv")
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.trim().splitn(3, ',');
            let code = cols.next()?.to_string();
            let _province = cols.next()?;
            let name = as_written(cols.next()?);
            Some(Regency { code, name })
        })
        .collect()
});

pub fn regencies() -> &'static [Regency] {
    &REGENCIES
}

/// The regency with this code ("12.08").
pub fn regency(code: &str) -> Option<&'static Regency> {
    REGENCIES.iter().find(|r| r.code == code)
}

/// Regencies whose code and name fit what was typed (fuzzy; "simal" → 12.08 Kabupaten
/// Simalungun, "12.0" → the codes starting so), best first, at most `n`.
pub fn find(typed: &str, n: usize) -> Vec<&'static Regency> {
    let typed = typed.trim();
    if typed.is_empty() {
        return vec![];
    }
    let mut matcher = Matcher::new(Config::DEFAULT);
    let pattern = Pattern::parse(typed, CaseMatching::Ignore, Normalization::Smart);
    let mut buf = Vec::new();
    let mut scored: Vec<(u32, bool, &Regency)> = REGENCIES
        .iter()
        .filter_map(|r| {
            let hay = r.label();
            let score = pattern.score(Utf32Str::new(&hay, &mut buf), &mut matcher)?;
            // A code typed from its start ranks first ("12.0" is not "71.20").
            Some((score, r.code.starts_with(typed), r))
        })
        .collect();
    scored.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(b.0.cmp(&a.0))
            .then(a.2.code.cmp(&b.2.code))
    });
    scored.into_iter().take(n).map(|(_, _, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_official_list_has_every_kabupaten_and_kota_with_a_valid_code() {
        assert_eq!(regencies().len(), 514);
        for r in regencies() {
            assert!(
                crate::domain::District::code_is_valid(&r.code),
                "{}",
                r.code
            );
            assert!(
                r.name.starts_with("Kabupaten ") || r.name.starts_with("Kota "),
                "{}",
                r.name
            );
        }
        assert_eq!(regency("12.08").unwrap().name, "Kabupaten Simalungun");
        assert_eq!(
            regency("73.10").unwrap().name,
            "Kabupaten Pangkajene dan Kepulauan"
        );
    }

    #[test]
    fn a_district_is_found_by_part_of_its_name_or_its_code() {
        assert_eq!(find("simal", 3)[0].label(), "12.08 Kabupaten Simalungun");
        assert_eq!(find("karo", 3)[0].code, "12.06");
        assert_eq!(find("12.0", 1)[0].code, "12.01");
        assert!(find("", 3).is_empty());
    }
}
