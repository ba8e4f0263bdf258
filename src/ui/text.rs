//! Width-aware text helpers: every measure is in terminal cells (unicode-width), never bytes,
//! so names with diacritics, CJK and emoji align.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Cuts `s` to at most `width` cells, ending with "…" when it had to cut.
pub fn truncate(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Keeps the end of `s` (for paths): "…/share/pantau/db".
pub fn truncate_left(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut tail: Vec<char> = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        tail.push(c);
        used += w;
    }
    let mut out = String::from("…");
    out.extend(tail.into_iter().rev());
    out
}

/// Pads `s` with spaces to `width` cells (cutting it if longer).
pub fn pad(s: &str, width: usize) -> String {
    let t = truncate(s, width);
    let w = t.width();
    format!("{t}{}", " ".repeat(width.saturating_sub(w)))
}

/// Control characters and escape sequences pasted into a field must show inert.
pub fn inert(s: &str) -> String {
    s.chars()
        .map(|c| crate::format::inert_char(c, &['\n']))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_cells_not_bytes() {
        assert_eq!(truncate("Sebayang", 20), "Sebayang");
        assert_eq!(truncate("Théopilus Ginting", 6), "Théop…");
        assert_eq!(truncate("東京都庁舎", 5), "東京…");
        assert_eq!(truncate("👍👍👍", 4), "👍…");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(pad("é", 3), "é  ");
        assert_eq!(pad("東京", 3), "東…");
    }

    #[test]
    fn left_truncation_keeps_the_end() {
        assert_eq!(
            truncate_left("/home/auditor/.local/share/pantau/db", 12),
            "…e/pantau/db"
        );
    }

    #[test]
    fn escapes_are_made_inert() {
        assert_eq!(inert("a\u{1b}[31mb\tc"), "a·[31mb·c");
    }
}
