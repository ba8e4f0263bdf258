//! Typo tolerance as well-known engines count it: none for words under 5 letters, one edit
//! from 5, two from 9 (an edit: a letter added, dropped or changed).

/// How many edits a query word of this length may carry.
pub fn budget(word: &str) -> usize {
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Whether `a` and `b` are at most `max` edits apart (Levenshtein, stopping early).
pub fn within(a: &str, b: &str, max: usize) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > max {
            return false;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()] <= max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_are_counted_and_budgets_grow_with_the_word() {
        assert!(within("sinaga", "sinaga", 0));
        assert!(within("sinaga", "sinagq", 1));
        assert!(within("sinaga", "sinag", 1));
        assert!(!within("sinaga", "sitepu", 1));
        assert!(within("pekerjaan", "pekrjaaan", 2));
        assert_eq!(
            (budget("karo"), budget("lamhot"), budget("pekerjaan")),
            (0, 1, 2)
        );
    }
}
