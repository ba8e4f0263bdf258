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

/// Makes every cell of a drawn frame as wide on a terminal as ratatui counted it. ratatui
/// measures a grapheme as a whole ("👨\u{200d}👩\u{200d}👧", a ZWJ family, is 2 cells); many
/// terminals draw its parts (three emoji, 6 cells), so the rest of the row shifts and cells of
/// an earlier frame stay behind after scrolling. Such a grapheme is shown by what of it fits
/// in the cells it was given (the first emoji), padded with spaces: the stored text is
/// untouched, only its picture is simplified.
pub fn terminal_safe(buf: &mut ratatui::buffer::Buffer) {
    for cell in &mut buf.content {
        let sym = cell.symbol();
        // Plain ASCII and single characters are measured alike everywhere.
        if sym.is_ascii() || sym.chars().nth(1).is_none() {
            continue;
        }
        if let Some(safe) = as_drawn(sym) {
            cell.set_symbol(&safe);
        }
    }
}

/// A stand-in for `sym` as wide character by character as it is as a whole, or `None` when it
/// already is.
fn as_drawn(sym: &str) -> Option<String> {
    let whole = sym.width();
    let parts: usize = sym.chars().map(|c| c.width().unwrap_or(0)).sum();
    if parts == whole {
        return None;
    }
    let joiner = |c: char| matches!(c, '\u{200d}' | '\u{fe0e}' | '\u{fe0f}' | '\u{1f3fb}'..='\u{1f3ff}' | '\u{e0020}'..='\u{e007f}');
    let mut out = String::new();
    let mut used = 0;
    for c in sym.chars().filter(|c| !joiner(*c)) {
        let w = c.width().unwrap_or(0);
        if used + w > whole || (w == 0 && out.is_empty()) {
            break;
        }
        out.push(c);
        used += w;
    }
    out.extend(std::iter::repeat_n(' ', whole - used));
    Some(out)
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
    fn joined_emoji_become_what_fits_in_their_cells() {
        for (sym, want) in [
            ("👨\u{200d}👩\u{200d}👧", "👨"),
            ("👩🏽\u{200d}🌾", "👩"),
            ("👩🏽", "👩"),
        ] {
            let got = as_drawn(sym).unwrap_or_else(|| sym.to_string());
            assert_eq!(got, want, "{sym:?}");
            assert_eq!(got.width(), sym.width(), "{sym:?}");
            let parts: usize = got.chars().map(|c| c.width().unwrap_or(0)).sum();
            assert_eq!(parts, got.width(), "{sym:?}");
        }
        for plain in ["e\u{301}", "東", "🇮🇩"] {
            assert_eq!(as_drawn(plain), None, "{plain:?}");
        }
    }

    #[test]
    fn escapes_are_made_inert() {
        assert_eq!(inert("a\u{1b}[31mb\tc"), "a·[31mb·c");
    }
}
