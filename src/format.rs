//! How dates, times, money and percentages are written for people, in each language.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc, Weekday};

use crate::domain::{Visit, zone_label};
use crate::i18n::{Lang, t};

const MONTHS: [&str; 12] = [
    "month.m1",
    "month.m2",
    "month.m3",
    "month.m4",
    "month.m5",
    "month.m6",
    "month.m7",
    "month.m8",
    "month.m9",
    "month.m10",
    "month.m11",
    "month.m12",
];

pub fn weekday_key(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "weekday.mon",
        Weekday::Tue => "weekday.tue",
        Weekday::Wed => "weekday.wed",
        Weekday::Thu => "weekday.thu",
        Weekday::Fri => "weekday.fri",
        Weekday::Sat => "weekday.sat",
        Weekday::Sun => "weekday.sun",
    }
}

/// The month's name ("Maret"/"March"), or the number itself when it is not a month.
pub fn month_name(lang: Lang, m: u32) -> String {
    match m {
        1..=12 => t(lang, MONTHS[(m - 1) as usize]).to_string(),
        _ => m.to_string(),
    }
}

const MONTHS_SHORT: [&str; 12] = [
    "month_short.m1",
    "month_short.m2",
    "month_short.m3",
    "month_short.m4",
    "month_short.m5",
    "month_short.m6",
    "month_short.m7",
    "month_short.m8",
    "month_short.m9",
    "month_short.m10",
    "month_short.m11",
    "month_short.m12",
];

/// The short date every list, table and history line uses: "17 Mar 2022", "5 Agu 2022"
/// ("5 Aug 2022" in English). `--json` and the files machines read keep ISO dates.
pub fn date_short(lang: Lang, d: NaiveDate) -> String {
    format!(
        "{} {} {}",
        d.day(),
        t(lang, MONTHS_SHORT[d.month0() as usize]),
        d.year()
    )
}

/// A short date and time with its zone, for lists: "17 Mar 2022 14.00 WIB" in Indonesian,
/// "17 Mar 2022 14:00 WIB" in English.
pub fn datetime_short(lang: Lang, dt: &DateTime<FixedOffset>) -> String {
    format!(
        "{} {} {}",
        date_short(lang, dt.date_naive()),
        time_of_day(lang, dt),
        zone_label(dt.offset())
    )
}

/// A moment stamped in UTC (an audit event, a conflicting edit, a deletion) as a person of the
/// visit reads it: in the visit's zone `zone`, in the short form ("17 Mar 2022 21.09 WIB").
pub fn moment(lang: Lang, at: &DateTime<Utc>, zone: &FixedOffset) -> String {
    datetime_short(lang, &at.with_timezone(zone))
}

/// The zone a visit's times are read in: the zone of its start when it has one, else the usual
/// zone of its province, else WIB.
pub fn visit_zone(v: &Visit) -> FixedOffset {
    v.start
        .map(|s| *s.offset())
        .or_else(|| crate::domain::province_offset(&v.district.code))
        .unwrap_or_else(|| FixedOffset::east_opt(7 * 3600).expect("WIB is a valid offset"))
}

/// A time of day as each language writes it: "09.45" in Indonesian, "09:45" in English.
pub fn time_of_day(lang: Lang, dt: &DateTime<FixedOffset>) -> String {
    match lang {
        Lang::Id => dt.format("%H.%M").to_string(),
        Lang::En => dt.format("%H:%M").to_string(),
    }
}

/// For reading: "Kamis, 17 Maret 2022 pukul 14.00 WIB" / "Thursday, 17 March 2022 at 14:00 WIB".
pub fn datetime_long(lang: Lang, dt: &DateTime<FixedOffset>) -> String {
    let time = time_of_day(lang, dt);
    format!(
        "{}, {} {} {time} {}",
        t(lang, weekday_key(dt.weekday())),
        date_long(lang, dt.date_naive()),
        t(lang, "time.at"),
        zone_label(dt.offset())
    )
}

/// "17 Maret 2022" / "17 March 2022".
pub fn date_long(lang: Lang, d: NaiveDate) -> String {
    format!(
        "{} {} {}",
        d.day(),
        t(lang, MONTHS[d.month0() as usize]),
        d.year()
    )
}

/// Rupiah with dots between thousands: "Rp 1.250.000".
pub fn rupiah(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    if amount < 0 {
        format!("-Rp {grouped}")
    } else {
        format!("Rp {grouped}")
    }
}

/// "12,5 %" in Indonesian, "12.5%" in English; whole numbers without decimals.
pub fn percent(lang: Lang, p: f64) -> String {
    let rounded = (p * 10.0).round() / 10.0;
    let mut s = if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    };
    match lang {
        Lang::Id => {
            s = s.replace('.', ",");
            format!("{s} %")
        }
        Lang::En => format!("{s}%"),
    }
}

/// A count with the local thousands mark: "4.812" in Indonesian, "4,812" in English.
pub fn count(lang: Lang, n: i64) -> String {
    let s = rupiah(n).replacen("Rp ", "", 1);
    match lang {
        Lang::Id => s,
        Lang::En => s.replace('.', ","),
    }
}

/// A computed share to two decimals, trailing zeros dropped: "86,05 %" / "86.05%", "75 %".
pub fn percent_precise(lang: Lang, p: f64) -> String {
    let s = format!("{:.2}", (p * 100.0).round() / 100.0);
    let s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    match lang {
        Lang::Id => format!("{} %", s.replace('.', ",")),
        Lang::En => format!("{s}%"),
    }
}

/// A figure quoted in a meeting with its unit: percentages and rupiah in their local form,
/// other values grouped ("4.812 orang"), fractions with the local decimal mark.
pub fn figure(lang: Lang, value: f64, unit: &str) -> String {
    let unit = unit.trim();
    if unit == "%" {
        return percent_precise(lang, value);
    }
    if unit.eq_ignore_ascii_case("rp") {
        return rupiah(value.round() as i64);
    }
    let n = if value.fract() == 0.0 && value.abs() < 9e15 {
        count(lang, value as i64)
    } else {
        let s = format!("{value}");
        if lang == Lang::Id {
            s.replace('.', ",")
        } else {
            s
        }
    };
    format!("{n} {unit}").trim_end().to_string()
}

/// `c` made inert for a screen or a file: a control character (say, from an escape sequence
/// pasted into a field) becomes a visible `·`, so that no terminal or viewer acts on it; the
/// characters in `keep` (line breaks, tabs where the output can take them) stay.
pub fn inert_char(c: char, keep: &[char]) -> char {
    if c.is_control() && !keep.contains(&c) {
        '·'
    } else {
        c
    }
}

/// `text` with a no-break space where a page must not part a figure from its unit: before
/// `%` ("86 %") and after "Rp" ("Rp 2.450.000.000"). The screen keeps plain spaces; only
/// documents, whose narrow table columns wrap, need this.
pub fn glue_units(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(" %") && !text.contains("Rp ") {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.replace(" %", "\u{a0}%").replace("Rp ", "Rp\u{a0}"))
}

/// What a report keeps of the control characters: line breaks and tabs.
pub const REPORT_KEEPS: [char; 3] = ['\n', '\t', '\r'];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_keep_a_figure_with_its_unit() {
        assert_eq!(
            glue_units("86 % dari Rp 2.450.000"),
            "86\u{a0}% dari Rp\u{a0}2.450.000"
        );
        assert!(matches!(
            glue_units("tanpa angka"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    fn karo_start() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2022-03-17T14:00:00+07:00").unwrap()
    }

    #[test]
    fn datetimes_read_naturally_in_each_language() {
        assert_eq!(
            datetime_short(Lang::Id, &karo_start()),
            "17 Mar 2022 14.00 WIB"
        );
        assert_eq!(
            datetime_short(Lang::En, &karo_start()),
            "17 Mar 2022 14:00 WIB"
        );
        let aug = NaiveDate::from_ymd_opt(2022, 8, 5).unwrap();
        assert_eq!(date_short(Lang::Id, aug), "5 Agu 2022");
        assert_eq!(date_short(Lang::En, aug), "5 Aug 2022");
        let utc = DateTime::parse_from_rfc3339("2022-03-17T14:09:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            moment(Lang::Id, &utc, karo_start().offset()),
            "17 Mar 2022 21.09 WIB"
        );
        assert_eq!(
            datetime_long(Lang::Id, &karo_start()),
            "Kamis, 17 Maret 2022 pukul 14.00 WIB"
        );
        assert_eq!(
            datetime_long(Lang::En, &karo_start()),
            "Thursday, 17 March 2022 at 14:00 WIB"
        );
    }

    #[test]
    fn rupiah_groups_thousands_with_dots() {
        assert_eq!(rupiah(0), "Rp 0");
        assert_eq!(rupiah(999), "Rp 999");
        assert_eq!(rupiah(1_250_000), "Rp 1.250.000");
        assert_eq!(rupiah(-42_000), "-Rp 42.000");
        assert_eq!(rupiah(i64::MIN), "-Rp 9.223.372.036.854.775.808");
    }

    #[test]
    fn percentages_use_the_local_decimal_mark() {
        assert_eq!(percent(Lang::Id, 86.0), "86 %");
        assert_eq!(percent(Lang::Id, 12.45), "12,5 %");
        assert_eq!(percent(Lang::En, 12.45), "12.5%");
        assert_eq!(percent(Lang::Id, 81.2), "81,2 %");
    }

    #[test]
    fn counts_shares_and_figures_read_as_people_write_them() {
        assert_eq!(count(Lang::Id, 4_812), "4.812");
        assert_eq!(count(Lang::En, 4_812), "4,812");
        assert_eq!(count(Lang::Id, 812), "812");
        assert_eq!(
            percent_precise(Lang::Id, 1_721.0 / 2_000.0 * 100.0),
            "86,05 %"
        );
        assert_eq!(percent_precise(Lang::En, 86.054), "86.05%");
        assert_eq!(percent_precise(Lang::Id, 75.0), "75 %");
        assert_eq!(percent_precise(Lang::Id, 12.5), "12,5 %");
        assert_eq!(figure(Lang::Id, 86.0, "%"), "86 %");
        assert_eq!(figure(Lang::Id, 4_812.0, "orang"), "4.812 orang");
        assert_eq!(figure(Lang::Id, 2.5, "juta"), "2,5 juta");
        assert_eq!(figure(Lang::En, 2_450_000_000.0, "Rp"), "Rp 2.450.000.000");
    }
}
