//! What the auditor types → [`AnswerValue`], and back.
//!
//! Indonesian conventions first: `.` groups thousands and `,` is the decimal mark ("1.250.000",
//! "12,5"); English forms are accepted where they cannot be misread ("12.5%", "1,250,000").
//! Where a form is ambiguous for a whole number ("1,250") the parser refuses and says why rather
//! than guess. Dates are day-month-year unless they start with a four-digit year. No input panics.

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike,
};

use crate::domain::{AnswerValue, Visit, YesPartialNo, province_offset, zone_label};
use crate::format;
use crate::i18n::{Lang, t, tf};

use super::{Bind, ChoiceList, Question, QuestionType};

/// Western Indonesia Time, the default zone.
pub fn wib() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap_or(FixedOffset::east_opt(0).expect("zero offset"))
}

/// What parsing needs besides the text: the zone for times typed without one, today's date for
/// "hari ini", and the visit for picking attendees by name.
#[derive(Debug, Clone, Copy)]
pub struct InputContext<'a> {
    pub zone: FixedOffset,
    pub today: Option<NaiveDate>,
    pub visit: Option<&'a Visit>,
}

impl Default for InputContext<'_> {
    fn default() -> Self {
        InputContext {
            zone: wib(),
            today: None,
            visit: None,
        }
    }
}

impl<'a> InputContext<'a> {
    /// The zone of the visit's province (WIB when unknown), with the visit for attendee names.
    pub fn for_visit(visit: &'a Visit) -> Self {
        InputContext {
            zone: province_offset(&visit.district.code).unwrap_or_else(wib),
            today: None,
            visit: Some(visit),
        }
    }

    pub fn with_today(mut self, today: NaiveDate) -> Self {
        self.today = Some(today);
        self
    }
}

/// Why typed text is not a valid answer. `message(lang)` explains it with an example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    NotANumber(String),
    /// A whole number was expected ("1,250": a decimal comma in Indonesian).
    NotWhole(String),
    BadGrouping(String),
    TooLarge,
    FractionOfRupiah,
    PercentOutOfRange(String),
    BadDate(String),
    NoSuchDay {
        day: u32,
        month: u32,
        year: i32,
    },
    NoSuchMonth(u32),
    BadYear(i64),
    BadTime(String),
    MissingTime,
    UnknownZone(String),
    NoToday,
    NotYesNo(String),
    UnknownOption(String),
    AmbiguousOption(String),
    NoSuchAttendee(String),
    AmbiguousAttendee(String),
    Computed,
    BadDistrict(String),
    /// A well-formed code that is not in the official list, with the nearest districts.
    UnknownDistrict {
        code: String,
        nearest: String,
    },
}

impl InputError {
    pub fn message(&self, lang: Lang) -> String {
        use InputError as E;
        match self {
            E::NotANumber(s) => tf(lang, "guide.input.not_a_number", &[s]),
            E::NotWhole(s) => tf(lang, "guide.input.not_whole", &[s]),
            E::BadGrouping(s) => tf(lang, "guide.input.bad_grouping", &[s]),
            E::TooLarge => t(lang, "guide.input.too_large").to_string(),
            E::FractionOfRupiah => t(lang, "guide.input.fraction_of_rupiah").to_string(),
            E::PercentOutOfRange(s) => tf(lang, "guide.input.percent_range", &[s]),
            E::BadDate(s) => tf(lang, "guide.input.bad_date", &[s]),
            E::NoSuchDay { day, month, year } => tf(
                lang,
                "guide.input.no_such_day",
                &[day, &month_name(lang, *month), year],
            ),
            E::NoSuchMonth(m) => tf(lang, "guide.input.no_such_month", &[m]),
            E::BadYear(y) => tf(lang, "guide.input.bad_year", &[y]),
            E::BadTime(s) => tf(lang, "guide.input.bad_time", &[s]),
            E::MissingTime => t(lang, "guide.input.missing_time").to_string(),
            E::UnknownZone(s) => tf(lang, "guide.input.unknown_zone", &[s]),
            E::NoToday => t(lang, "guide.input.no_today").to_string(),
            E::NotYesNo(s) => tf(lang, "guide.input.not_yes_no", &[s]),
            E::UnknownOption(s) => tf(lang, "guide.input.unknown_option", &[s]),
            E::AmbiguousOption(s) => tf(lang, "guide.input.ambiguous_option", &[s]),
            E::NoSuchAttendee(s) => tf(lang, "guide.input.no_such_attendee", &[s]),
            E::AmbiguousAttendee(s) => tf(lang, "guide.input.ambiguous_attendee", &[s]),
            E::Computed => t(lang, "guide.answer.computed").to_string(),
            E::BadDistrict(s) => tf(lang, "guide.answer.bad_district", &[s]),
            E::UnknownDistrict { code, nearest } => {
                tf(lang, "meeting.unknown_district", &[code, nearest])
            }
        }
    }
}

fn month_name(lang: Lang, m: u32) -> String {
    format::month_name(lang, m)
}

type Result<T> = std::result::Result<T, InputError>;

/// Parses typed text for `q`. Empty (or blank) input is `Ok(None)`: the answer is cleared.
pub fn parse_answer(
    q: &Question,
    input: &str,
    cx: &InputContext<'_>,
) -> Result<Option<AnswerValue>> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let v = match &q.kind {
        QuestionType::YesPartialNo => AnswerValue::YesPartialNo(parse_yes_partial_no(s)?),
        QuestionType::Number => AnswerValue::Number(parse_number(s)?),
        QuestionType::Percentage => AnswerValue::Percentage(parse_percentage(s)?),
        QuestionType::Ratio { .. } => return Err(InputError::Computed),
        QuestionType::Money => AnswerValue::Money(parse_money(s)?),
        QuestionType::Date => AnswerValue::Date(parse_date(s, cx)?),
        QuestionType::DateTime => AnswerValue::DateTime(parse_datetime(s, cx)?),
        QuestionType::Text | QuestionType::LongText => {
            if q.bind == Some(Bind::District) {
                return Ok(Some(AnswerValue::Text(parse_district(s)?)));
            }
            // Long text keeps its line breaks; only the ends are trimmed.
            AnswerValue::Text(s.to_string())
        }
        QuestionType::Choice(list) => AnswerValue::Choice(parse_choice(list, s)?),
        QuestionType::Choices(list) => AnswerValue::Choices(parse_choices(list, s)?),
        QuestionType::Attendee => {
            let visit = cx
                .visit
                .ok_or_else(|| InputError::NoSuchAttendee(s.to_string()))?;
            AnswerValue::Attendee(parse_attendee(visit, s)?)
        }
    };
    Ok(Some(v))
}

/// A district typed as its Kemendagri code (with or without the name): the code must be in
/// the official list, and the name stored is the official one ("12.08" → "12.08 Kabupaten
/// Simalungun"). An unknown code is refused with the nearest districts of its province.
pub fn parse_district(s: &str) -> Result<String> {
    use crate::domain::wilayah;
    let (code, rest) = s.split_once(char::is_whitespace).unwrap_or((s, ""));
    if !crate::domain::District::code_is_valid(code) {
        return Err(InputError::BadDistrict(code.to_string()));
    }
    if let Some(r) = wilayah::regency(code) {
        return Ok(r.label());
    }
    let province = code.split('.').next().unwrap_or("");
    let by_name = wilayah::find(rest, 3);
    let nearest: Vec<String> = if by_name.is_empty() {
        wilayah::regencies()
            .iter()
            .filter(|r| r.code.starts_with(&format!("{province}.")))
            .take(3)
            .map(|r| r.label())
            .collect()
    } else {
        by_name.into_iter().map(|r| r.label()).collect()
    };
    Err(InputError::UnknownDistrict {
        code: code.to_string(),
        nearest: nearest.join(", "),
    })
}

// ---------------------------------------------------------------------------------------------
// Numbers

/// A decimal as digits and a scale: value = digits / 10^scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Dec {
    neg: bool,
    digits: u128,
    scale: u32,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Counts and money: a single "." followed by three digits groups thousands ("1.250").
    Grouping,
    /// Percentages: a single "." or "," is always the decimal mark.
    Decimal,
}

const MAX_DIGITS: usize = 30;

fn parse_dec(s: &str, mode: Mode) -> Result<Dec> {
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

fn pow10(k: u32) -> Option<u128> {
    10u128.checked_pow(k)
}

/// `dec * 10^shift` as a whole number, if it is one.
fn whole(d: Dec, shift: u32) -> Option<Result<i64>> {
    let scaled = match d.digits.checked_mul(pow10(shift)?) {
        Some(x) => x,
        None => return Some(Err(InputError::TooLarge)),
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

// ---------------------------------------------------------------------------------------------
// Dates and times

const MONTH_NAMES: [(&str, u32); 34] = [
    ("januari", 1),
    ("january", 1),
    ("jan", 1),
    ("februari", 2),
    ("pebruari", 2),
    ("february", 2),
    ("feb", 2),
    ("peb", 2),
    ("maret", 3),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("mei", 5),
    ("may", 5),
    ("juni", 6),
    ("june", 6),
    ("jun", 6),
    ("juli", 7),
    ("july", 7),
    ("jul", 7),
    ("agustus", 8),
    ("august", 8),
    ("agu", 8),
    ("agt", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("oktober", 10),
    ("october", 10),
    ("okt", 10),
    ("oct", 10),
    ("november", 11),
];

fn month_from_name(s: &str) -> Option<u32> {
    let s = s.trim_end_matches('.');
    match s {
        "nov" | "nop" | "nopember" => return Some(11),
        "desember" | "december" | "des" | "dec" => return Some(12),
        _ => {}
    }
    MONTH_NAMES.iter().find(|(n, _)| *n == s).map(|(_, m)| *m)
}

const WEEKDAYS: [&str; 23] = [
    "senin",
    "selasa",
    "rabu",
    "kamis",
    "jumat",
    "jum'at",
    "sabtu",
    "minggu",
    "ahad",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
];

/// Lower-cases, drops a leading weekday ("Kamis, …") and "tanggal"/"tgl".
fn normalise(input: &str) -> String {
    let mut s = input.trim().to_lowercase();
    loop {
        let first = s.split([' ', ',']).next().unwrap_or("").to_string();
        if WEEKDAYS.contains(&first.as_str())
            || ["tanggal", "tgl", "tgl."].contains(&first.as_str())
        {
            s = s[first.len()..].trim_start_matches([',', ' ']).to_string();
        } else {
            break;
        }
    }
    s
}

fn ymd(y: i64, m: u32, d: u32, two_digit_year: bool) -> Result<NaiveDate> {
    let y = if two_digit_year { 2000 + y } else { y };
    if !(1900..=2200).contains(&y) {
        return Err(InputError::BadYear(y));
    }
    if !(1..=12).contains(&m) {
        return Err(InputError::NoSuchMonth(m));
    }
    let y32 = y as i32;
    NaiveDate::from_ymd_opt(y32, m, d).ok_or(InputError::NoSuchDay {
        day: d,
        month: m,
        year: y32,
    })
}

fn small(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A year part: 4 digits, or 2 read as 20xx.
fn year(s: &str) -> Option<(i64, bool)> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match s.len() {
        2 => s.parse().ok().map(|y| (y, true)),
        4 => s.parse().ok().map(|y| (y, false)),
        _ => None,
    }
}

/// One token: "17/3/2022", "17-03-2022", "17.03.2022", "2022-03-17", "17-Mar-2022", "20220317".
fn date_token(tok: &str, orig: &str) -> Result<NaiveDate> {
    let bad = || InputError::BadDate(orig.to_string());
    if tok.len() == 8 && tok.bytes().all(|b| b.is_ascii_digit()) {
        let y: i64 = tok[..4].parse().map_err(|_| bad())?;
        let m: u32 = tok[4..6].parse().map_err(|_| bad())?;
        let d: u32 = tok[6..].parse().map_err(|_| bad())?;
        return ymd(y, m, d, false);
    }
    let parts: Vec<&str> = tok.split(['/', '-', '.']).collect();
    if parts.len() != 3 {
        return Err(bad());
    }
    if parts[0].len() == 4 {
        let (y, _) = year(parts[0]).ok_or_else(bad)?;
        let m = small(parts[1])
            .or_else(|| month_from_name(parts[1]))
            .ok_or_else(bad)?;
        let d = small(parts[2]).ok_or_else(bad)?;
        return ymd(y, m, d, false);
    }
    let d = small(parts[0]).ok_or_else(bad)?;
    let m = small(parts[1])
        .or_else(|| month_from_name(parts[1]))
        .ok_or_else(bad)?;
    let (y, two) = year(parts[2]).ok_or_else(bad)?;
    ymd(y, m, d, two)
}

/// The date at the start of `tokens`, and how many tokens it used.
fn leading_date(tokens: &[&str], orig: &str, cx: &InputContext<'_>) -> Result<(NaiveDate, usize)> {
    let bad = || InputError::BadDate(orig.to_string());
    let first = *tokens.first().ok_or_else(bad)?;
    let rel = |days: i64| -> Result<NaiveDate> {
        let today = cx.today.ok_or(InputError::NoToday)?;
        today
            .checked_add_signed(chrono::Duration::days(days))
            .ok_or_else(bad)
    };
    match first {
        "today" => return rel(0).map(|d| (d, 1)),
        "yesterday" | "kemarin" => return rel(-1).map(|d| (d, 1)),
        "tomorrow" | "besok" => return rel(1).map(|d| (d, 1)),
        "hari" if tokens.get(1) == Some(&"ini") => return rel(0).map(|d| (d, 2)),
        _ => {}
    }
    // "17 Maret 2022" or "Maret 17 2022" (English order).
    if tokens.len() >= 3 {
        if let (Some(d), Some(m), Some((y, two))) =
            (small(first), month_from_name(tokens[1]), year(tokens[2]))
        {
            return ymd(y, m, d, two).map(|d| (d, 3));
        }
        if let (Some(m), Some(d), Some((y, two))) =
            (month_from_name(first), small(tokens[1]), year(tokens[2]))
        {
            return ymd(y, m, d, two).map(|d| (d, 3));
        }
    }
    if tokens.len() >= 2 && small(first).is_some() && month_from_name(tokens[1]).is_some() {
        // "17 Maret" without a year.
        return Err(bad());
    }
    date_token(first, orig).map(|d| (d, 1))
}

fn tokens(s: &str) -> Vec<&str> {
    s.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect()
}

/// A date typed naturally: "17/3/2022", "17-03-2022", "2022-03-17", "17 Maret 2022",
/// "Kamis, 17 Maret 2022", "17 Mar 22", "hari ini" (with `cx.today`).
pub fn parse_date(input: &str, cx: &InputContext<'_>) -> Result<NaiveDate> {
    let orig = input.trim();
    let s = normalise(orig);
    let toks = tokens(&s);
    let (d, used) = leading_date(&toks, orig, cx)?;
    if used != toks.len() {
        return Err(InputError::BadDate(orig.to_string()));
    }
    Ok(d)
}

/// A zone: WIB/WITA/WIT, "UTC+7", "GMT+08:00", "+07:00", "+0700", "Z".
pub fn parse_zone(input: &str) -> Result<FixedOffset> {
    let s = input.trim().to_lowercase();
    let unknown = || InputError::UnknownZone(input.trim().to_string());
    let hours = |h: i32| FixedOffset::east_opt(h * 3600).ok_or_else(unknown);
    match s.as_str() {
        "wib" => return hours(7),
        "wita" => return hours(8),
        "wit" => return hours(9),
        "utc" | "gmt" | "z" => return hours(0),
        _ => {}
    }
    let rest = s
        .strip_prefix("utc")
        .or_else(|| s.strip_prefix("gmt"))
        .unwrap_or(&s)
        .trim();
    let (sign, num) = match rest.chars().next() {
        Some('+') => (1, &rest[1..]),
        Some('-') => (-1, &rest[1..]),
        Some('\u{2212}') => (-1, &rest['\u{2212}'.len_utf8()..]),
        _ => return Err(unknown()),
    };
    if !num.is_ascii() {
        return Err(unknown());
    }
    let (h, m) = if let Some((h, m)) = num.split_once(':') {
        (h, m)
    } else if num.len() == 4 {
        (&num[..2], &num[2..])
    } else {
        (num, "0")
    };
    let (Some(h), Some(m)) = (small(h), small(m).or((m == "0").then_some(0))) else {
        return Err(unknown());
    };
    if h > 14 || m > 59 {
        return Err(unknown());
    }
    FixedOffset::east_opt(sign * (h as i32 * 3600 + m as i32 * 60)).ok_or_else(unknown)
}

/// "14.00", "14:00", "14", "1400", "14.00.30", with an optional "am"/"pm" (attached or not).
fn parse_time(tok: &str, ampm: Option<&str>, orig: &str) -> Result<NaiveTime> {
    let bad = || InputError::BadTime(orig.to_string());
    let mut tok = tok.to_string();
    let mut ampm = ampm.map(str::to_string);
    for suffix in ["am", "pm", "a.m.", "p.m."] {
        if ampm.is_none()
            && let Some(rest) = tok.strip_suffix(suffix)
        {
            ampm = Some(suffix.replace('.', ""));
            tok = rest.to_string();
        }
    }
    let parts: Vec<&str> = if tok.len() == 4 && tok.bytes().all(|b| b.is_ascii_digit()) {
        vec![&tok[..2], &tok[2..]]
    } else {
        tok.split(['.', ':']).collect()
    };
    if parts.is_empty() || parts.len() > 3 {
        return Err(bad());
    }
    let h = small(parts[0]).ok_or_else(bad)?;
    let m = match parts.get(1) {
        Some(p) if p.len() == 2 => small(p).ok_or_else(bad)?,
        Some(_) => return Err(bad()),
        None => 0,
    };
    let sec = match parts.get(2) {
        Some(p) if p.len() == 2 => small(p).ok_or_else(bad)?,
        Some(_) => return Err(bad()),
        None => 0,
    };
    let h = match ampm.as_deref() {
        None => h,
        Some(ap) => {
            if !(1..=12).contains(&h) {
                return Err(bad());
            }
            match (ap, h) {
                ("am", 12) => 0,
                ("am", h) => h,
                ("pm", 12) => 12,
                (_, h) => h + 12,
            }
        }
    };
    NaiveTime::from_hms_opt(h, m, sec).ok_or_else(bad)
}

/// A date and time with its zone: "17/3/2022 14.00", "2022-03-17 14:00 WIB",
/// "Kamis, 17 Maret 2022 pukul 14.00 WIB", "2022-03-17T14:00:00+07:00". Without a zone,
/// `cx.zone` (the province's) is used.
pub fn parse_datetime(input: &str, cx: &InputContext<'_>) -> Result<DateTime<FixedOffset>> {
    let orig = input.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(orig) {
        return Ok(dt);
    }
    let mut s = normalise(orig);
    // ISO "2022-03-17T14:00" → "2022-03-17 14:00".
    if s.len() > 10
        && s.as_bytes().get(10) == Some(&b't')
        && s.is_char_boundary(10)
        && s.is_char_boundary(11)
    {
        s = format!("{} {}", &s[..10], &s[11..]);
    }
    let toks = tokens(&s);
    let (date, used) = leading_date(&toks, orig, cx)?;
    let mut rest: Vec<&str> = toks[used..]
        .iter()
        .copied()
        .filter(|t| {
            !matches!(
                *t,
                "pukul" | "pkl" | "pkl." | "pk" | "pk." | "jam" | "at" | "@" | "-" | "–"
            )
        })
        .collect();
    if rest.is_empty() {
        return Err(InputError::MissingTime);
    }
    let mut zone = cx.zone;
    // A zone at the end, separate or attached to the time ("14:00+07:00", "14.00wib").
    if rest.len() >= 2
        && let Some(last) = rest.last()
        && !matches!(*last, "am" | "pm" | "a.m." | "p.m.")
    {
        zone = parse_zone(last)?;
        rest.pop();
    }
    let mut time_tok = rest[0].to_string();
    if rest.len() == 1 {
        for z in ["wita", "wib", "wit", "utc", "gmt", "z"] {
            if let Some(t) = time_tok.strip_suffix(z)
                && t.ends_with(|c: char| c.is_ascii_digit())
            {
                zone = parse_zone(z)?;
                time_tok = t.to_string();
                break;
            }
        }
        if let Some(i) = time_tok.find(['+', '-']).filter(|&i| i > 0) {
            zone = parse_zone(&time_tok[i..])?;
            time_tok.truncate(i);
        }
    }
    let ampm = match rest.get(1) {
        Some(&a) => Some(match a {
            "am" | "a.m." => "am",
            "pm" | "p.m." => "pm",
            _ => return Err(InputError::BadTime(orig.to_string())),
        }),
        None => None,
    };
    if rest.len() > 2 {
        return Err(InputError::BadTime(orig.to_string()));
    }
    let time = parse_time(&time_tok, ampm, orig)?;
    zone.from_local_datetime(&NaiveDateTime::new(date, time))
        .single()
        .ok_or_else(|| InputError::BadTime(orig.to_string()))
}

// ---------------------------------------------------------------------------------------------
// Choices and people

fn fold(s: &str) -> String {
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
    let labels = |o: &super::ChoiceOption| {
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

// ---------------------------------------------------------------------------------------------
// Back to text

fn grouped(n: i64) -> String {
    let r = format::rupiah(n);
    r.replacen("Rp ", "", 1)
}

fn time_text(lang: Lang, dt: &DateTime<FixedOffset>) -> String {
    let sep = if lang == Lang::Id { "." } else { ":" };
    let mut s = format!("{:02}{sep}{:02}", dt.hour(), dt.minute());
    if dt.second() != 0 {
        s.push_str(&format!("{sep}{:02}", dt.second()));
    }
    s
}

/// The text to put in the editor for an existing value; [`parse_answer`] reads it back to the
/// same value (dates as day/month/year, numbers with Indonesian grouping).
pub fn edit_text(q: &Question, value: &AnswerValue, lang: Lang, visit: Option<&Visit>) -> String {
    match value {
        AnswerValue::YesPartialNo(x) => t(lang, x.key()).to_string(),
        AnswerValue::Number(n) if !q.grouping => n.to_string(),
        AnswerValue::Number(n) => grouped(*n),
        AnswerValue::Money(n) => format::rupiah(*n),
        AnswerValue::Percentage(p) => {
            let s = p.to_string();
            if lang == Lang::Id {
                s.replace('.', ",")
            } else {
                s
            }
        }
        AnswerValue::Ratio { .. } => display(q, value, lang, visit),
        AnswerValue::Date(d) => format!("{:02}/{:02}/{}", d.day(), d.month(), d.year()),
        AnswerValue::DateTime(dt) => format!(
            "{:02}/{:02}/{} {} {}",
            dt.day(),
            dt.month(),
            dt.year(),
            time_text(lang, dt),
            zone_label(dt.offset())
        ),
        AnswerValue::Text(s) => s.clone(),
        AnswerValue::Choice(k) => k.clone(),
        AnswerValue::Choices(ks) => {
            if ks.is_empty() {
                "-".into()
            } else {
                ks.join(", ")
            }
        }
        AnswerValue::Attendee(id) => visit
            .and_then(|v| v.attendee(*id))
            .map(|a| a.full_name())
            .unwrap_or_else(|| id.to_string()),
    }
}

/// The value for reading, unambiguous in each language: "Rp 1.250.000", "12,5 %",
/// "17 Maret 2022", "Kamis, 17 Maret 2022 pukul 14.00 WIB", choice labels, attendee names,
/// "12 dari 40 (30 %)".
pub fn display(q: &Question, value: &AnswerValue, lang: Lang, visit: Option<&Visit>) -> String {
    let label = |k: &str| match q.kind.choice_list() {
        Some(l) => l.label(k, lang).to_string(),
        None => k.to_string(),
    };
    match value {
        AnswerValue::YesPartialNo(x) => t(lang, x.key()).to_string(),
        AnswerValue::Number(n) => {
            let n = if q.grouping {
                format::count(lang, *n)
            } else {
                n.to_string()
            };
            match &q.unit {
                Some(u) => format!("{n} {}", u.get(lang)),
                None => n,
            }
        }
        AnswerValue::Money(n) => format::rupiah(*n),
        AnswerValue::Percentage(p) => format::percent(lang, *p),
        AnswerValue::Ratio { part, whole } => {
            let (part, whole) = (format::count(lang, *part), format::count(lang, *whole));
            match value.percent() {
                Some(p) => tf(
                    lang,
                    "guide.value.ratio",
                    &[&part, &whole, &format::percent_precise(lang, p)],
                ),
                None => tf(lang, "guide.value.ratio_undefined", &[&part, &whole]),
            }
        }
        AnswerValue::Date(d) => format::date_long(lang, *d),
        AnswerValue::DateTime(dt) => format::datetime_long(lang, dt),
        AnswerValue::Text(s) => s.clone(),
        AnswerValue::Choice(k) => label(k),
        AnswerValue::Choices(ks) => {
            if ks.is_empty() {
                t(lang, "guide.value.none").to_string()
            } else {
                ks.iter().map(|k| label(k)).collect::<Vec<_>>().join(", ")
            }
        }
        AnswerValue::Attendee(id) => visit
            .and_then(|v| v.attendee(*id))
            .map(|a| a.full_name())
            .unwrap_or_else(|| t(lang, "guide.value.unknown_attendee").to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guide::load_default;

    fn cx() -> InputContext<'static> {
        InputContext::default()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn numbers_accept_indonesian_and_unambiguous_english_grouping() {
        for (s, n) in [
            ("1250", 1250),
            ("1.250", 1250),
            ("1.250.000", 1_250_000),
            ("1 250 000", 1_250_000),
            ("1,250,000", 1_250_000),
            ("  42 ", 42),
            ("-3", -3),
            ("0", 0),
            ("007", 7),
            ("12,0", 12),
            ("1.250,00", 1250),
            ("9.223.372.036.854.775.807", i64::MAX),
        ] {
            assert_eq!(parse_number(s), Ok(n), "{s}");
        }
    }

    #[test]
    fn numbers_refuse_fractions_bad_grouping_and_junk() {
        assert_eq!(
            parse_number("12,5"),
            Err(InputError::NotWhole("12,5".into()))
        );
        // "1,250" is 1.25 in Indonesian: refused rather than guessed.
        assert_eq!(
            parse_number("1,250"),
            Err(InputError::NotWhole("1,250".into()))
        );
        assert_eq!(
            parse_number("12.5"),
            Err(InputError::NotWhole("12.5".into()))
        );
        assert_eq!(
            parse_number("1.25.000"),
            Err(InputError::BadGrouping("1.25.000".into()))
        );
        assert_eq!(
            parse_number("1.250,000,5"),
            Err(InputError::BadGrouping("1.250,000,5".into()))
        );
        assert_eq!(
            parse_number("dua"),
            Err(InputError::NotANumber("dua".into()))
        );
        assert_eq!(
            parse_number("12a"),
            Err(InputError::NotANumber("12a".into()))
        );
        assert_eq!(parse_number("."), Err(InputError::NotANumber(".".into())));
        assert_eq!(parse_number("-"), Err(InputError::NotANumber("-".into())));
        assert_eq!(
            parse_number("9223372036854775808"),
            Err(InputError::TooLarge)
        );
        assert_eq!(parse_number(&"9".repeat(40)), Err(InputError::TooLarge));
        let msg = InputError::NotWhole("1,250".into()).message(Lang::Id);
        assert!(msg.contains("1.250"), "{msg}");
    }

    #[test]
    fn money_reads_rupiah_as_written() {
        for (s, n) in [
            ("1.250.000", 1_250_000),
            ("Rp 1.250.000", 1_250_000),
            ("Rp1.250.000", 1_250_000),
            ("rp. 1.250.000,-", 1_250_000),
            ("Rp 1.250.000,00", 1_250_000),
            ("IDR 1,250,000", 1_250_000),
            ("1,25 jt", 1_250_000),
            ("1,25jt", 1_250_000),
            ("1.5 juta", 1_500_000),
            ("750 rb", 750_000),
            ("750 ribu", 750_000),
            ("1,2 M", 1_200_000_000),
            ("2 miliar", 2_000_000_000),
            ("3 T", 3_000_000_000_000),
            ("Rp 16.800", 16_800),
            ("0", 0),
        ] {
            assert_eq!(parse_money(s), Ok(n), "{s}");
        }
        assert_eq!(
            parse_money("1,2345678 jt"),
            Err(InputError::FractionOfRupiah)
        );
        assert_eq!(
            parse_money("Rp 12,5"),
            Err(InputError::NotWhole("Rp 12,5".into()))
        );
        assert_eq!(parse_money("Rp"), Err(InputError::NotANumber("Rp".into())));
        assert_eq!(
            parse_money("sejuta"),
            Err(InputError::NotANumber("sejuta".into()))
        );
        assert_eq!(parse_money("99999999 T"), Err(InputError::TooLarge));
    }

    #[test]
    fn percentages_take_either_decimal_mark_and_stay_within_0_to_100() {
        for (s, p) in [
            ("12,5", 12.5),
            ("12.5%", 12.5),
            ("12,5 %", 12.5),
            ("86", 86.0),
            ("100", 100.0),
            ("0", 0.0),
            ("86 persen", 86.0),
            ("0,125", 0.125),
        ] {
            assert_eq!(parse_percentage(s), Ok(p), "{s}");
        }
        assert_eq!(
            parse_percentage("120"),
            Err(InputError::PercentOutOfRange("120".into()))
        );
        assert_eq!(
            parse_percentage("100,1 %"),
            Err(InputError::PercentOutOfRange("100,1 %".into()))
        );
        assert_eq!(
            parse_percentage("-5"),
            Err(InputError::PercentOutOfRange("-5".into()))
        );
        assert_eq!(
            parse_percentage("%"),
            Err(InputError::NotANumber("%".into()))
        );
        assert_eq!(
            parse_percentage("1.000,5"),
            Err(InputError::PercentOutOfRange("1.000,5".into()))
        );
        let m = InputError::PercentOutOfRange("120".into()).message(Lang::En);
        assert_eq!(m, "\"120\": a percentage must be between 0 and 100");
    }

    #[test]
    fn dates_are_typed_naturally() {
        let karo = date(2022, 3, 17);
        for s in [
            "17/3/2022",
            "17/03/2022",
            "17-03-2022",
            "17.03.2022",
            "2022-03-17",
            "2022/3/17",
            "17 Maret 2022",
            "17 maret 2022",
            "17 Mar 2022",
            "17 March 2022",
            "March 17, 2022",
            "Kamis, 17 Maret 2022",
            "tanggal 17 Maret 2022",
            "17-Mar-2022",
            "17/3/22",
            "20220317",
        ] {
            assert_eq!(parse_date(s, &cx()), Ok(karo), "{s}");
        }
        assert_eq!(parse_date("1 Agustus 2022", &cx()), Ok(date(2022, 8, 1)));
        assert_eq!(parse_date("31 Des 2021", &cx()), Ok(date(2021, 12, 31)));
        assert_eq!(parse_date("29/2/2024", &cx()), Ok(date(2024, 2, 29)));
    }

    #[test]
    fn typod_dates_get_clear_errors_in_both_languages() {
        let e = parse_date("31/2/2022", &cx()).unwrap_err();
        assert_eq!(
            e,
            InputError::NoSuchDay {
                day: 31,
                month: 2,
                year: 2022
            }
        );
        assert_eq!(
            e.message(Lang::Id),
            "tanggal 31 tidak ada pada bulan Februari 2022"
        );
        assert_eq!(e.message(Lang::En), "February 2022 has no day 31");
        assert_eq!(
            parse_date("29/2/2022", &cx()),
            Err(InputError::NoSuchDay {
                day: 29,
                month: 2,
                year: 2022
            })
        );
        // Month-first (US) order is refused with a hint, not silently swapped.
        let e = parse_date("3/17/2022", &cx()).unwrap_err();
        assert_eq!(e, InputError::NoSuchMonth(17));
        assert!(e.message(Lang::En).contains("day/month/year"));
        assert_eq!(
            parse_date("0/3/2022", &cx()).unwrap_err(),
            InputError::NoSuchDay {
                day: 0,
                month: 3,
                year: 2022
            }
        );
        assert_eq!(
            parse_date("17/3/20222", &cx()),
            Err(InputError::BadDate("17/3/20222".into()))
        );
        assert_eq!(
            parse_date("17/3/1800", &cx()),
            Err(InputError::BadYear(1800))
        );
        assert_eq!(
            parse_date("17 Maretz 2022", &cx()),
            Err(InputError::BadDate("17 Maretz 2022".into()))
        );
        assert_eq!(
            parse_date("17 Maret", &cx()),
            Err(InputError::BadDate("17 Maret".into()))
        );
        assert_eq!(
            parse_date("17/3/2022 14.00", &cx()),
            Err(InputError::BadDate("17/3/2022 14.00".into()))
        );
        assert_eq!(parse_date("kemarin", &cx()), Err(InputError::NoToday));
        let today = cx().with_today(date(2022, 3, 17));
        assert_eq!(parse_date("hari ini", &today), Ok(date(2022, 3, 17)));
        assert_eq!(parse_date("kemarin", &today), Ok(date(2022, 3, 16)));
    }

    #[test]
    fn datetimes_carry_a_zone_defaulting_to_the_context() {
        let karo = at("2022-03-17T14:00:00+07:00");
        for s in [
            "17/3/2022 14.00",
            "17/3/2022 14:00",
            "17/3/2022, 14.00",
            "2022-03-17 14:00 WIB",
            "2022-03-17T14:00",
            "2022-03-17T14:00:00+07:00",
            "Kamis, 17 Maret 2022 pukul 14.00 WIB",
            "17 Maret 2022 jam 14 WIB",
            "17/3/2022 1400",
            "17/3/2022 2 pm",
            "17/3/2022 2pm",
            "17/3/2022 14.00 UTC+7",
            "17/3/2022 14:00+07:00",
            "17/3/2022 14.00wib",
        ] {
            assert_eq!(parse_datetime(s, &cx()), Ok(karo), "{s}");
        }
        assert_eq!(
            parse_datetime("17/3/2022 14.00 WITA", &cx()),
            Ok(at("2022-03-17T14:00:00+08:00"))
        );
        assert_eq!(
            parse_datetime("17/3/2022 9.30.15 WIT", &cx()),
            Ok(at("2022-03-17T09:30:15+09:00"))
        );
        // Without a zone the province's zone applies (Maluku: WIT).
        let mut v = crate::demo::karo_visit();
        v.district = crate::domain::District::new("81.01", "Kabupaten Maluku Tenggara Barat");
        assert_eq!(
            parse_datetime("17/3/2022 14.00", &InputContext::for_visit(&v)),
            Ok(at("2022-03-17T14:00:00+09:00"))
        );
        assert_eq!(
            parse_datetime("12/1/2023 12 am", &cx()),
            Ok(at("2023-01-12T00:00:00+07:00"))
        );
    }

    #[test]
    fn datetime_errors_say_what_is_wrong() {
        assert_eq!(
            parse_datetime("17/3/2022", &cx()),
            Err(InputError::MissingTime)
        );
        assert_eq!(
            parse_datetime("31/2/2022 14.00", &cx()),
            Err(InputError::NoSuchDay {
                day: 31,
                month: 2,
                year: 2022
            })
        );
        assert_eq!(
            parse_datetime("17/3/2022 25.00", &cx()),
            Err(InputError::BadTime("17/3/2022 25.00".into()))
        );
        assert_eq!(
            parse_datetime("17/3/2022 14.60", &cx()),
            Err(InputError::BadTime("17/3/2022 14.60".into()))
        );
        assert_eq!(
            parse_datetime("17/3/2022 14.0", &cx()),
            Err(InputError::BadTime("17/3/2022 14.0".into()))
        );
        assert_eq!(
            parse_datetime("17/3/2022 13 pm", &cx()),
            Err(InputError::BadTime("17/3/2022 13 pm".into()))
        );
        assert_eq!(
            parse_datetime("17/3/2022 14.00 EST", &cx()),
            Err(InputError::UnknownZone("est".into()))
        );
        assert_eq!(
            parse_datetime("17/3/2022 14.00 WIB extra", &cx()),
            Err(InputError::UnknownZone("extra".into()))
        );
        assert_eq!(
            parse_zone("UTC+15"),
            Err(InputError::UnknownZone("UTC+15".into()))
        );
        assert_eq!(parse_zone("+05:30").map(|z| z.local_minus_utc()), Ok(19800));
        assert!(
            InputError::MissingTime
                .message(Lang::Id)
                .starts_with("jam belum ditulis")
        );
    }

    #[test]
    fn yes_partial_no_has_short_forms_in_both_languages() {
        assert_eq!(parse_yes_partial_no("Ya"), Ok(YesPartialNo::Yes));
        assert_eq!(parse_yes_partial_no("y"), Ok(YesPartialNo::Yes));
        assert_eq!(parse_yes_partial_no("s"), Ok(YesPartialNo::Partial));
        assert_eq!(parse_yes_partial_no("partly"), Ok(YesPartialNo::Partial));
        assert_eq!(parse_yes_partial_no("t"), Ok(YesPartialNo::No));
        assert_eq!(parse_yes_partial_no("belum"), Ok(YesPartialNo::No));
        assert_eq!(
            parse_yes_partial_no("mungkin"),
            Err(InputError::NotYesNo("mungkin".into()))
        );
    }

    #[test]
    fn choices_match_keys_labels_numbers_and_prefixes() {
        let g = load_default().unwrap();
        let l = &g.choices["programmes"];
        assert_eq!(parse_choice(l, "jkm").as_deref(), Ok("jkm"));
        assert_eq!(parse_choice(l, "4").as_deref(), Ok("jp"));
        assert_eq!(
            parse_choice(l, "JKP — Jaminan Kehilangan Pekerjaan").as_deref(),
            Ok("jkp")
        );
        assert_eq!(
            parse_choice(l, "jk"),
            Err(InputError::AmbiguousOption("jk".into()))
        );
        assert_eq!(
            parse_choice(l, "jkn"),
            Err(InputError::UnknownOption("jkn".into()))
        );
        assert_eq!(
            parse_choice(l, "9"),
            Err(InputError::UnknownOption("9".into()))
        );
        assert_eq!(
            parse_choices(l, "JKK, jkm; JKK, 3"),
            Ok(vec!["jkk".into(), "jkm".into(), "jht".into()])
        );
        assert_eq!(parse_choices(l, "-"), Ok(vec![]));
        assert_eq!(parse_choices(l, "tidak ada"), Ok(vec![]));
        assert_eq!(
            parse_choices(l, ", ,"),
            Err(InputError::UnknownOption(", ,".into()))
        );
        let sanctions = &g.choices["sanctions"];
        assert_eq!(parse_choice(sanctions, "denda").as_deref(), Ok("denda"));
        assert_eq!(parse_choice(sanctions, "fine").as_deref(), Ok("denda"));
    }

    #[test]
    fn attendees_are_picked_by_name_or_number() {
        let v = crate::demo::karo_visit();
        let bupati = v.attendees[0].id;
        assert_eq!(parse_attendee(&v, "1"), Ok(bupati));
        assert_eq!(
            parse_attendee(&v, &v.attendees[0].name.to_uppercase()),
            Ok(bupati)
        );
        assert_eq!(
            parse_attendee(&v, "zzz"),
            Err(InputError::NoSuchAttendee("zzz".into()))
        );
        assert!(matches!(
            parse_attendee(&v, "a"),
            Err(InputError::AmbiguousAttendee(_))
        ));
    }

    #[test]
    fn parse_answer_dispatches_on_the_question_type() {
        let g = load_default().unwrap();
        let q = |id: &str| g.question(id).unwrap().1;
        let c = cx();
        assert_eq!(
            parse_answer(q("non_asn_total"), "1.250", &c),
            Ok(Some(AnswerValue::Number(1250)))
        );
        assert_eq!(parse_answer(q("non_asn_total"), "   ", &c), Ok(None));
        assert_eq!(
            parse_answer(q("apbd_amount"), "Rp 1,25 M", &c),
            Ok(Some(AnswerValue::Money(1_250_000_000)))
        );
        assert_eq!(
            parse_answer(q("coverage_formal"), "12,5", &c),
            Ok(Some(AnswerValue::Percentage(12.5)))
        );
        assert_eq!(
            parse_answer(q("non_asn_coverage"), "50", &c),
            Err(InputError::Computed)
        );
        assert_eq!(
            parse_answer(q("reg_date"), "17/3/2022", &c),
            Ok(Some(AnswerValue::Date(date(2022, 3, 17))))
        );
        assert_eq!(
            parse_answer(q("kind"), "monev", &c),
            Ok(Some(AnswerValue::Choice("monev".into())))
        );
        assert_eq!(
            parse_answer(q("district"), "12.06 Kabupaten Karo", &c),
            Ok(Some(AnswerValue::Text("12.06 Kabupaten Karo".into())))
        );
        assert_eq!(
            parse_answer(q("district"), "Karo", &c),
            Err(InputError::BadDistrict("Karo".into()))
        );
        assert_eq!(
            parse_answer(q("chair"), "1", &c),
            Err(InputError::NoSuchAttendee("1".into()))
        );
        assert_eq!(
            parse_answer(q("commitments"), "  baris satu\nbaris dua  ", &c),
            Ok(Some(AnswerValue::Text("baris satu\nbaris dua".into())))
        );
    }

    #[test]
    fn edit_text_reads_back_to_the_same_value() {
        let g = load_default().unwrap();
        let v = crate::demo::karo_visit();
        let c = InputContext::for_visit(&v);
        let cases = [
            (
                "reg_exists",
                AnswerValue::YesPartialNo(YesPartialNo::Partial),
            ),
            ("non_asn_total", AnswerValue::Number(1_234_567)),
            ("apbd_amount", AnswerValue::Money(1_250_000)),
            (
                "coverage_formal",
                AnswerValue::Percentage(33.333333333333336),
            ),
            ("reg_date", AnswerValue::Date(date(2022, 3, 17))),
            (
                "start",
                AnswerValue::DateTime(at("2022-03-17T14:00:30+05:30")),
            ),
            ("reg_type", AnswerValue::Choice("perkada".into())),
            (
                "non_asn_programmes",
                AnswerValue::Choices(vec!["jkk".into(), "jp".into()]),
            ),
            ("sanctions_applied", AnswerValue::Choices(vec![])),
            ("chair", AnswerValue::Attendee(v.attendees[1].id)),
        ];
        for lang in [Lang::Id, Lang::En] {
            for (id, value) in &cases {
                let q = g.question(id).unwrap().1;
                let text = edit_text(q, value, lang, Some(&v));
                assert_eq!(
                    parse_answer(q, &text, &c),
                    Ok(Some(value.clone())),
                    "{id}: {text}"
                );
            }
        }
    }

    #[test]
    fn display_is_unambiguous() {
        let g = load_default().unwrap();
        let q = |id: &str| g.question(id).unwrap().1;
        let show = |id: &str, v: AnswerValue, lang| display(q(id), &v, lang, None);
        assert_eq!(
            show("apbd_amount", AnswerValue::Money(1_250_000), Lang::En),
            "Rp 1.250.000"
        );
        assert_eq!(
            show("non_asn_total", AnswerValue::Number(1250), Lang::Id),
            "1.250 orang"
        );
        assert_eq!(
            show("coverage_formal", AnswerValue::Percentage(12.5), Lang::Id),
            "12,5 %"
        );
        assert_eq!(
            show("reg_date", AnswerValue::Date(date(2022, 3, 17)), Lang::Id),
            "17 Maret 2022"
        );
        assert_eq!(
            show(
                "start",
                AnswerValue::DateTime(at("2022-03-17T14:00:00+07:00")),
                Lang::En
            ),
            "Thursday, 17 March 2022 at 14:00 WIB"
        );
        assert_eq!(
            show(
                "non_asn_coverage",
                AnswerValue::Ratio {
                    part: 30,
                    whole: 40
                },
                Lang::Id
            ),
            "30 dari 40 (75 %)"
        );
        assert_eq!(
            show("apbd_year", AnswerValue::Number(2023), Lang::Id),
            "2023",
            "a year has no thousands mark"
        );
        assert_eq!(
            edit_text(q("apbd_year"), &AnswerValue::Number(2023), Lang::Id, None),
            "2023"
        );
        assert_eq!(
            show("non_asn_total", AnswerValue::Number(4812), Lang::En),
            "4,812 people"
        );
        assert_eq!(
            show(
                "non_asn_coverage",
                AnswerValue::Ratio {
                    part: 1721,
                    whole: 2000
                },
                Lang::Id
            ),
            "1.721 dari 2.000 (86,05 %)"
        );
        assert_eq!(
            show(
                "non_asn_coverage",
                AnswerValue::Ratio { part: 0, whole: 0 },
                Lang::En
            ),
            "0 of 0"
        );
        assert_eq!(
            show(
                "non_asn_programmes",
                AnswerValue::Choices(vec!["jkk".into(), "gone".into()]),
                Lang::En
            ),
            "JKK — work accident insurance, gone"
        );
        assert_eq!(
            show("sanctions_applied", AnswerValue::Choices(vec![]), Lang::Id),
            "tidak ada"
        );
    }

    mod never_panics {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn on_any_string(s in any::<String>()) {
                let c = InputContext::default().with_today(date(2022, 3, 17));
                let _ = parse_number(&s);
                let _ = parse_money(&s);
                let _ = parse_percentage(&s);
                let _ = parse_date(&s, &c);
                let _ = parse_datetime(&s, &c);
                let _ = parse_zone(&s);
                let _ = parse_yes_partial_no(&s);
            }

            #[test]
            fn on_number_and_date_like_strings(s in "[-+ 0-9.,:/%A-Za-z]{0,24}") {
                let c = InputContext::default();
                let _ = parse_number(&s);
                let _ = parse_money(&s);
                if let Ok(p) = parse_percentage(&s) {
                    prop_assert!((0.0..=100.0).contains(&p));
                }
                let _ = parse_date(&s, &c);
                let _ = parse_datetime(&s, &c);
            }

            #[test]
            fn grouped_numbers_round_trip(n in any::<i64>()) {
                prop_assert_eq!(parse_number(&grouped(n)), Ok(n));
                prop_assert_eq!(parse_money(&format::rupiah(n)), Ok(n));
            }

            #[test]
            fn typed_dates_round_trip(days in 0i64..90_000) {
                let d = date(1950, 1, 1) + chrono::Duration::days(days);
                let c = InputContext::default();
                let text = format!("{}/{}/{}", d.day(), d.month(), d.year());
                prop_assert_eq!(parse_date(&text, &c), Ok(d));
                prop_assert_eq!(parse_date(&d.format("%Y-%m-%d").to_string(), &c), Ok(d));
            }
        }
    }
}
