//! Titles typed with a name ("Dr. Budi Santoso, S.H., M.Si") split off into prefix and suffix
//! titles, from the list in `assets/titles.toml`.

use std::sync::LazyLock;

use serde::Deserialize;

#[derive(Deserialize, Default)]
struct TitleFile {
    prefix: Vec<String>,
    suffix: Vec<String>,
}

/// Titles compared without case and dots, so "S.H." = "SH" and "M.Si" = "m.si.".
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '.' && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

static TITLES: LazyLock<(Vec<String>, Vec<String>)> = LazyLock::new(|| {
    // Embedded and checked by a test, so a parse failure is a build defect.
    let f: TitleFile = toml::from_str(include_str!("../../assets/titles.toml")).unwrap_or_default();
    (
        f.prefix.iter().map(|s| fold(s)).collect(),
        f.suffix.iter().map(|s| fold(s)).collect(),
    )
});

/// (prefix titles, name, suffix titles) as typed; a name without titles comes back whole.
pub fn split_titles(typed: &str) -> (String, String, String) {
    let (prefixes, suffixes) = &*TITLES;
    let (head, tail) = typed.split_once(',').unwrap_or((typed, ""));
    let tail_parts: Vec<&str> = tail
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    // Everything after the comma must be titles; otherwise the comma belongs to the name.
    let suffix = if !tail_parts.is_empty() && tail_parts.iter().all(|p| suffixes.contains(&fold(p)))
    {
        tail_parts.join(", ")
    } else if tail_parts.is_empty() {
        String::new()
    } else {
        return (String::new(), typed.trim().to_string(), String::new());
    };
    let words: Vec<&str> = head.split_whitespace().collect();
    let mut n = 0;
    // Keep at least one word for the name.
    while n + 1 < words.len() && prefixes.contains(&fold(words[n])) {
        n += 1;
    }
    (words[..n].join(" "), words[n..].join(" "), suffix)
}

#[cfg(test)]
mod tests {
    use super::split_titles;

    #[test]
    fn titles_before_and_after_the_name_are_split_off() {
        let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(
            split_titles("Dr. Radiapoh Hasiholan Sinaga, S.H., M.Si"),
            s("Dr.", "Radiapoh Hasiholan Sinaga", "S.H., M.Si")
        );
        assert_eq!(
            split_titles("Prof. Dr. Ir. H. Budi, MBA"),
            s("Prof. Dr. Ir. H.", "Budi", "MBA")
        );
        assert_eq!(split_titles("Aang Supono"), s("", "Aang Supono", ""));
        assert_eq!(
            split_titles("Sinaga, Esron"),
            s("", "Sinaga, Esron", ""),
            "a comma not followed by titles stays"
        );
        assert_eq!(split_titles("Dr."), s("", "Dr.", ""));
    }
}
