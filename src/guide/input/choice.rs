//! Choices from a list and attendees of the visit, by key, label, number or a beginning.

use super::*;

pub(super) fn fold(s: &str) -> String {
    s.trim().to_lowercase()
}

/// One option: by key, by label (either language, any case), by number (1 = first), or by an
/// unambiguous beginning of a key or label.
pub fn parse_choice(list: &ChoiceList, input: &str) -> Result<String> {
    let s = fold(input);
    if s.is_empty() {
        return Err(InputError::UnknownOption(input.trim().to_string()));
    }
    if let Ok(n) = s.parse::<usize>()
        && n >= 1
        && let Some(o) = list.options.get(n - 1)
    {
        return Ok(o.key.clone());
    }
    let labels = |o: &crate::guide::ChoiceOption| {
        [
            Some(o.key.clone()),
            Some(fold(&o.label.id)),
            o.label.en.as_deref().map(fold),
        ]
    };
    if let Some(o) = list
        .options
        .iter()
        .find(|o| labels(o).iter().flatten().any(|l| *l == s))
    {
        return Ok(o.key.clone());
    }
    let hits: Vec<&str> = list
        .options
        .iter()
        .filter(|o| labels(o).iter().flatten().any(|l| l.starts_with(&s)))
        .map(|o| o.key.as_str())
        .collect();
    match hits.as_slice() {
        [one] => Ok(one.to_string()),
        [] => Err(InputError::UnknownOption(input.trim().to_string())),
        _ => Err(InputError::AmbiguousOption(input.trim().to_string())),
    }
}

/// Several options separated by commas or semicolons; "-", "tidak ada" or "none" is an explicit
/// empty selection. Duplicates are dropped, order kept.
pub fn parse_choices(list: &ChoiceList, input: &str) -> Result<Vec<String>> {
    let s = fold(input);
    if matches!(s.as_str(), "-" | "tidak ada" | "none" | "belum ada") {
        return Ok(Vec::new());
    }
    let mut out: Vec<String> = Vec::new();
    for part in input
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let k = parse_choice(list, part)?;
        if !out.contains(&k) {
            out.push(k);
        }
    }
    if out.is_empty() {
        return Err(InputError::UnknownOption(input.trim().to_string()));
    }
    Ok(out)
}

/// An attendee of `visit` by number in the list (1 = first), full or partial name (any case).
pub fn parse_attendee(visit: &Visit, input: &str) -> Result<uuid::Uuid> {
    let s = fold(input);
    if let Ok(n) = s.parse::<usize>()
        && n >= 1
        && let Some(a) = visit.attendees.get(n - 1)
    {
        return Ok(a.id);
    }
    if let Some(a) = visit
        .attendees
        .iter()
        .find(|a| fold(&a.name) == s || fold(&a.full_name()) == s)
    {
        return Ok(a.id);
    }
    let hits: Vec<_> = visit
        .attendees
        .iter()
        .filter(|a| !s.is_empty() && fold(&a.full_name()).contains(&s))
        .collect();
    match hits.as_slice() {
        [one] => Ok(one.id),
        [] => Err(InputError::NoSuchAttendee(input.trim().to_string())),
        _ => Err(InputError::AmbiguousAttendee(input.trim().to_string())),
    }
}
