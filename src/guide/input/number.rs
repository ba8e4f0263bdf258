//! Numbers, money, percentages and yes/partial/no, as Indonesians and others type them.

use super::*;

/// A decimal as digits and a scale: value = digits / 10^scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Dec {
    neg: bool,
    digits: u128,
    scale: u32,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Counts and money: a single "." followed by three digits groups thousands ("1.250").
    Grouping,
    /// Percentages: a single "." or "," is always the decimal mark.
    Decimal,
}

pub(super) const MAX_DIGITS: usize = 30;

pub(super) fn parse_dec(s: &str, mode: Mode) -> Result<Dec> {
    let orig = s.to_string();
    let s = s.trim();
    let (neg, body) = match s.chars().next() {
        Some('-' | '\u{2212}') => (
            true,
            s[s.char_indices().nth(1).map_or(s.len(), |(i, _)| i)..].trim_start(),
        ),
        Some('+') => (false, s[1..].trim_start()),
        _ => (false, s),
    };
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '\u{a0}' | '\u{202f}'))
        || !body.starts_with(|c: char| c.is_ascii_digit())
    {
        return Err(InputError::NotANumber(orig));
    }
    let dots = body.matches('.').count();
    let commas = body.matches(',').count();
    // Which mark is the decimal one, if any.
    let decimal: Option<char> = match (dots, commas) {
        (0, 0) => None,
        (_, 0) if dots > 1 => None,
        (1, 0) => {
            let after = body.rsplit('.').next().unwrap_or("");
            let before = body.split('.').next().unwrap_or("");
            let before_digits = before.chars().filter(char::is_ascii_digit).count();
            if mode == Mode::Grouping
                && after.len() == 3
                && (1..=3).contains(&before_digits)
                && !before.contains([' ', '\u{a0}', '\u{202f}'])
            {
                None
            } else {
                Some('.')
            }
        }
        (0, 1) => Some(','),
        (0, _) => None,
        _ => {
            // Both: the last one is the decimal mark and must occur once.
            let last_dot = body.rfind('.').unwrap_or(0);
            let last_comma = body.rfind(',').unwrap_or(0);
            let (d, n) = if last_dot > last_comma {
                ('.', dots)
            } else {
                (',', commas)
            };
            if n != 1 {
                return Err(InputError::BadGrouping(orig));
            }
            Some(d)
        }
    };
    let (int_part, frac_part) = match decimal {
        Some(d) => body.split_once(d).unwrap_or((body, "")),
        None => (body, ""),
    };
    if decimal.is_some() && (frac_part.is_empty() || !frac_part.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(InputError::NotANumber(orig));
    }
    // Thousands groups: the first 1–3 digits, every next one exactly 3.
    let groups: Vec<&str> = int_part
        .split(['.', ',', ' ', '\u{a0}', '\u{202f}'])
        .collect();
    if groups.len() > 1
        && (groups[0].is_empty() || groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3))
    {
        return Err(InputError::BadGrouping(orig));
    }
    if frac_part.len() > MAX_DIGITS {
        return Err(InputError::TooLarge);
    }
    let digits: String = groups.concat() + frac_part;
    if digits.is_empty() {
        return Err(InputError::NotANumber(orig));
    }
    let digits = digits.trim_start_matches('0');
    if digits.len() > MAX_DIGITS {
        return Err(InputError::TooLarge);
    }
    let n = if digits.is_empty() {
        0
    } else {
        digits.parse::<u128>().map_err(|_| InputError::TooLarge)?
    };
    Ok(Dec {
        neg,
        digits: n,
        scale: frac_part.len() as u32,
    })
}

pub(super) fn pow10(k: u32) -> Option<u128> {
    10u128.checked_pow(k)
}

/// `dec * 10^shift` as a whole number, if it is one.
pub(super) fn whole(d: Dec, shift: u32) -> Option<Result<i64>> {
    let Some(scaled) = d.digits.checked_mul(pow10(shift)?) else {
        return Some(Err(InputError::TooLarge));
    };
    let div = pow10(d.scale)?;
    if scaled % div != 0 {
        return None;
    }
    let Ok(v) = i128::try_from(scaled / div) else {
        return Some(Err(InputError::TooLarge));
    };
    let v = if d.neg { -v } else { v };
    Some(i64::try_from(v).map_err(|_| InputError::TooLarge))
}

/// A whole number: "1250", "1.250", "1.250.000", "1 250 000", "1,250,000", "-3".
pub fn parse_number(input: &str) -> Result<i64> {
    let d = parse_dec(input, Mode::Grouping)?;
    whole(d, 0).unwrap_or_else(|| Err(InputError::NotWhole(input.trim().to_string())))
}

/// Whole rupiah: "1.250.000", "Rp 1.250.000", "Rp1.250.000,-", "IDR 1,250,000", "1,25 jt",
/// "750 rb", "1,2 M" (miliar), "2 T" (triliun).
pub fn parse_money(input: &str) -> Result<i64> {
    let orig = input.trim();
    let mut s = orig.to_lowercase();
    // "-Rp 42.000" (as `format::rupiah` writes negatives): keep the sign, drop the prefix.
    let mut sign = "";
    if let Some(rest) = s.strip_prefix('-') {
        sign = "-";
        s = rest.trim_start().to_string();
    }
    for prefix in ["rp.", "rp", "idr"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.trim_start().to_string();
            break;
        }
    }
    for suffix in [",-", ".-", ",—", "-"] {
        if let Some(rest) = s.strip_suffix(suffix) {
            s = rest.trim_end().to_string();
            break;
        }
    }
    // Multiplier words, longest first so "juta" is not read as "j…".
    const WORDS: [(&str, u32); 12] = [
        ("triliun", 12),
        ("miliar", 9),
        ("milyar", 9),
        ("juta", 6),
        ("ribu", 3),
        ("jt", 6),
        ("rb", 3),
        ("m", 9),
        ("t", 12),
        ("k", 3),
        ("b", 9),
        ("mn", 6),
    ];
    let mut shift = 0;
    for (w, k) in WORDS {
        if let Some(rest) = s.strip_suffix(w)
            && rest.trim_end().ends_with(|c: char| c.is_ascii_digit())
        {
            s = rest.trim_end().to_string();
            shift = k;
            break;
        }
    }
    if !sign.is_empty() {
        s = format!("-{s}");
    }
    let d = parse_dec(&s, Mode::Grouping).map_err(|e| match e {
        InputError::NotANumber(_) => InputError::NotANumber(orig.to_string()),
        InputError::BadGrouping(_) => InputError::BadGrouping(orig.to_string()),
        e => e,
    })?;
    match whole(d, shift) {
        Some(r) => r,
        None if shift > 0 => Err(InputError::FractionOfRupiah),
        None => Err(InputError::NotWhole(orig.to_string())),
    }
}

/// A percentage 0–100: "12,5", "12.5%", "12,5 %", "86 persen".
pub fn parse_percentage(input: &str) -> Result<f64> {
    let orig = input.trim();
    let mut s = orig.to_lowercase();
    for suffix in ["%", "persen", "percent", "pct"] {
        if let Some(rest) = s.strip_suffix(suffix) {
            s = rest.trim_end().to_string();
            break;
        }
    }
    let d = parse_dec(&s, Mode::Decimal).map_err(|e| match e {
        InputError::NotANumber(_) | InputError::BadGrouping(_) => {
            InputError::NotANumber(orig.to_string())
        }
        e => e,
    })?;
    let mut v = d.digits as f64 / 10f64.powi(d.scale as i32);
    if d.neg {
        v = -v;
    }
    if !v.is_finite() || !(0.0..=100.0).contains(&v) {
        return Err(InputError::PercentOutOfRange(orig.to_string()));
    }
    Ok(v)
}

/// "ya/y/yes", "sebagian/s/partial/p", "tidak/t/no/n/belum".
pub fn parse_yes_partial_no(input: &str) -> Result<YesPartialNo> {
    let s = input.trim().to_lowercase();
    match s.as_str() {
        "y" | "ya" | "iya" | "yes" | "sudah" => Ok(YesPartialNo::Yes),
        "s" | "sebagian" | "sbg" | "p" | "partial" | "partly" | "sebagian besar" => {
            Ok(YesPartialNo::Partial)
        }
        "t" | "tidak" | "tdk" | "n" | "no" | "belum" | "tidak ada" => Ok(YesPartialNo::No),
        _ => Err(InputError::NotYesNo(input.trim().to_string())),
    }
}
