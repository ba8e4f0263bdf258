//! Dates, times and zones typed naturally ("Kamis, 17 Maret 2022 pukul 14.00 WIB").

use super::*;

pub(super) const MONTH_NAMES: [(&str, u32); 34] = [
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

pub(super) fn month_from_name(s: &str) -> Option<u32> {
    let s = s.trim_end_matches('.');
    match s {
        "nov" | "nop" | "nopember" => return Some(11),
        "desember" | "december" | "des" | "dec" => return Some(12),
        _ => {}
    }
    MONTH_NAMES.iter().find(|(n, _)| *n == s).map(|(_, m)| *m)
}

pub(super) const WEEKDAYS: [&str; 23] = [
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
pub(super) fn normalise(input: &str) -> String {
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

pub(super) fn ymd(y: i64, m: u32, d: u32, two_digit_year: bool) -> Result<NaiveDate> {
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

pub(super) fn small(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A year part: 4 digits, or 2 read as 20xx.
pub(super) fn year(s: &str) -> Option<(i64, bool)> {
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
pub(super) fn date_token(tok: &str, orig: &str) -> Result<NaiveDate> {
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
pub(super) fn leading_date(
    tokens: &[&str],
    orig: &str,
    cx: &InputContext<'_>,
) -> Result<(NaiveDate, usize)> {
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

pub(super) fn tokens(s: &str) -> Vec<&str> {
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
pub(super) fn parse_time(tok: &str, ampm: Option<&str>, orig: &str) -> Result<NaiveTime> {
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
