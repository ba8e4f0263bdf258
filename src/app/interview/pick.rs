//! Choosing from a list by typing: letters filter the options (fuzzy, as the search does),
//! ↑/↓ move among what is left, Home/End jump, Enter picks.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::PickOption;
use crate::keymap::Action;

/// The options that fit `filter`, in list order, with the best-fitting one.
pub fn visible(options: &[PickOption], filter: &str) -> (Vec<usize>, Option<usize>) {
    if filter.is_empty() {
        return ((0..options.len()).collect(), None);
    }
    let mut matcher = Matcher::new(Config::DEFAULT);
    let pattern = Pattern::parse(filter, CaseMatching::Ignore, Normalization::Smart);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut best: Option<(u32, usize)> = None;
    for (i, o) in options.iter().enumerate() {
        if let Some(score) = pattern.score(Utf32Str::new(&o.label, &mut buf), &mut matcher) {
            out.push(i);
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, i));
            }
        }
    }
    (out, best.map(|(_, i)| i))
}

/// A key in an open pick list that is not a command: a letter for the filter, or Backspace.
/// Returns whether the filter changed.
pub fn filter_key(filter: &mut String, key: &KeyEvent) -> bool {
    if key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return false;
    }
    match key.code {
        KeyCode::Char(c) if !c.is_control() => {
            filter.push(c);
            true
        }
        KeyCode::Backspace => filter.pop().is_some(),
        _ => false,
    }
}

/// Moves the cursor for ↑/↓/Home/End among the visible options.
pub fn step(cursor: &mut usize, shown: &[usize], action: Action) {
    let at = shown.iter().position(|i| i == cursor);
    let next = match (action, at) {
        (_, _) if shown.is_empty() => return,
        (Action::First, _) | (Action::Down, None) => shown[0],
        (Action::Last, _) | (Action::Up, None) => shown[shown.len() - 1],
        (Action::Up, Some(p)) => shown[p.saturating_sub(1)],
        (Action::Down, Some(p)) => shown[(p + 1).min(shown.len() - 1)],
        _ => return,
    };
    *cursor = next;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn opts(labels: &[&str]) -> Vec<PickOption> {
        labels
            .iter()
            .map(|l| PickOption {
                value: Value::from(*l),
                label: l.to_string(),
            })
            .collect()
    }

    #[test]
    fn typing_filters_fuzzily_and_the_best_fit_is_chosen() {
        let o = opts(&[
            "Pemerintah daerah",
            "Tim kunjungan",
            "BPJAMSOSTEK",
            "Forkopimda",
            "Peserta/ahli waris",
            "Lainnya",
        ]);
        let (shown, best) = visible(&o, "pemda");
        assert_eq!(best, Some(0));
        assert!(!shown.contains(&1));
        assert_eq!(visible(&o, "bpjs").1, Some(2));
        assert_eq!(visible(&o, "").0.len(), 6);
        assert!(visible(&o, "zzz").0.is_empty());
        let mut c = 0;
        step(&mut c, &[0, 3, 4], Action::Last);
        assert_eq!(c, 4);
        step(&mut c, &[0, 3, 4], Action::Up);
        assert_eq!(c, 3);
    }
}
