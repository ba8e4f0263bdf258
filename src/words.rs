//! Numbers, dates and amounts written out in words, as formal Indonesian documents require them
//! ("tujuh belas", "dua ribu dua puluh dua", "dua miliar empat ratus lima puluh juta rupiah"),
//! with an English counterpart for the English versions of the documents.

use chrono::{Datelike, NaiveDate};

use crate::format;
use crate::i18n::{Lang, t};

const ID_ONES: [&str; 10] = [
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
];

/// Indonesian words for a whole number: 17 → "tujuh belas", 2022 → "dua ribu dua puluh dua",
/// 1_000 → "seribu", 100 → "seratus"; negative numbers get "minus".
pub fn indonesian(n: i64) -> String {
    if n < 0 {
        return format!("minus {}", indonesian_u(n.unsigned_abs()));
    }
    indonesian_u(n as u64)
}

fn indonesian_u(n: u64) -> String {
    if n == 0 {
        return ID_ONES[0].into();
    }
    // "se-" replaces "satu" before "puluh", "belas", "ratus" and "ribu", not before "juta".
    const SCALES: [(u64, &str); 5] = [
        (1_000_000_000_000_000_000, "kuintiliun"),
        (1_000_000_000_000_000, "kuadriliun"),
        (1_000_000_000_000, "triliun"),
        (1_000_000_000, "miliar"),
        (1_000_000, "juta"),
    ];
    let mut parts: Vec<String> = Vec::new();
    let mut rest = n;
    for (scale, name) in SCALES {
        if rest >= scale {
            parts.push(format!("{} {name}", indonesian_u(rest / scale)));
            rest %= scale;
        }
    }
    if rest >= 1000 {
        let th = rest / 1000;
        parts.push(if th == 1 {
            "seribu".into()
        } else {
            format!("{} ribu", below_thousand_id(th))
        });
        rest %= 1000;
    }
    if rest > 0 {
        parts.push(below_thousand_id(rest));
    }
    parts.join(" ")
}

fn below_thousand_id(n: u64) -> String {
    let mut parts: Vec<String> = Vec::new();
    let (h, rest) = (n / 100, n % 100);
    match h {
        0 => {}
        1 => parts.push("seratus".into()),
        h => parts.push(format!("{} ratus", ID_ONES[h as usize])),
    }
    match rest {
        0 => {}
        1..=9 => parts.push(ID_ONES[rest as usize].into()),
        10 => parts.push("sepuluh".into()),
        11 => parts.push("sebelas".into()),
        12..=19 => parts.push(format!("{} belas", ID_ONES[(rest - 10) as usize])),
        _ => {
            parts.push(format!("{} puluh", ID_ONES[(rest / 10) as usize]));
            if rest % 10 > 0 {
                parts.push(ID_ONES[(rest % 10) as usize].into());
            }
        }
    }
    parts.join(" ")
}

const EN_ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const EN_TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// English words (short scale, British "and"): 2022 → "two thousand and twenty-two".
pub fn english(n: i64) -> String {
    if n < 0 {
        return format!("minus {}", english_u(n.unsigned_abs()));
    }
    english_u(n as u64)
}

fn english_u(n: u64) -> String {
    if n == 0 {
        return EN_ONES[0].into();
    }
    const SCALES: [(u64, &str); 6] = [
        (1_000_000_000_000_000_000, "quintillion"),
        (1_000_000_000_000_000, "quadrillion"),
        (1_000_000_000_000, "trillion"),
        (1_000_000_000, "billion"),
        (1_000_000, "million"),
        (1_000, "thousand"),
    ];
    let mut parts: Vec<String> = Vec::new();
    let mut rest = n;
    for (scale, name) in SCALES {
        if rest >= scale {
            parts.push(format!("{} {name}", below_thousand_en(rest / scale)));
            rest %= scale;
        }
    }
    if rest > 0 {
        if !parts.is_empty() && rest < 100 {
            parts.push("and".into());
        }
        parts.push(below_thousand_en(rest));
    }
    parts.join(" ")
}

fn below_thousand_en(n: u64) -> String {
    let (h, rest) = (n / 100, n % 100);
    let tens = match rest {
        0 => String::new(),
        1..=19 => EN_ONES[rest as usize].into(),
        _ if rest % 10 == 0 => EN_TENS[(rest / 10) as usize].into(),
        _ => format!(
            "{}-{}",
            EN_TENS[(rest / 10) as usize],
            EN_ONES[(rest % 10) as usize]
        ),
    };
    match (h, tens.is_empty()) {
        (0, _) => tens,
        (h, true) => format!("{} hundred", EN_ONES[h as usize]),
        (h, false) => format!("{} hundred and {tens}", EN_ONES[h as usize]),
    }
}

/// English ordinal words: 1 → "first", 17 → "seventeenth", 31 → "thirty-first".
pub fn english_ordinal(n: i64) -> String {
    let words = english(n);
    let (head, last) = match words.rfind([' ', '-']) {
        Some(i) => words.split_at(i + 1),
        None => ("", words.as_str()),
    };
    let last = match last {
        "one" => "first".to_string(),
        "two" => "second".into(),
        "three" => "third".into(),
        "five" => "fifth".into(),
        "eight" => "eighth".into(),
        "nine" => "ninth".into(),
        "twelve" => "twelfth".into(),
        w if w.ends_with('y') => format!("{}ieth", &w[..w.len() - 1]),
        w => format!("{w}th"),
    };
    format!("{head}{last}")
}

/// A number in words in `lang`.
pub fn number(lang: Lang, n: i64) -> String {
    match lang {
        Lang::Id => indonesian(n),
        Lang::En => english(n),
    }
}

/// The opening of a Berita Acara ("Pada hari ini …"): "Kamis tanggal tujuh belas bulan Maret tahun dua ribu dua
/// puluh dua" / "Thursday, the seventeenth day of March in the year two thousand and twenty-two".
pub fn date(lang: Lang, d: NaiveDate) -> String {
    let weekday = t(lang, format::weekday_key(d.weekday()));
    let month = format::month_name(lang, d.month());
    match lang {
        Lang::Id => format!(
            "{weekday} tanggal {} bulan {month} tahun {}",
            indonesian(d.day() as i64),
            indonesian(d.year() as i64)
        ),
        Lang::En => format!(
            "{weekday}, the {} day of {month} in the year {}",
            english_ordinal(d.day() as i64),
            english(d.year() as i64)
        ),
    }
}

/// An amount of rupiah with its words: "Rp 2.450.000.000 (dua miliar empat ratus lima puluh juta
/// rupiah)".
pub fn rupiah(lang: Lang, amount: i64) -> String {
    let words = match lang {
        Lang::Id => format!("{} rupiah", indonesian(amount)),
        Lang::En => format!("{} rupiah", english(amount)),
    };
    format!("{} ({words})", format::rupiah(amount))
}

/// A month as a Roman numeral (for document numbers): 3 → "III".
pub fn roman_month(m: u32) -> &'static str {
    const R: [&str; 12] = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
    ];
    R.get((m as usize).wrapping_sub(1)).copied().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indonesian_numbers_follow_the_se_rules() {
        let cases = [
            (0, "nol"),
            (1, "satu"),
            (10, "sepuluh"),
            (11, "sebelas"),
            (12, "dua belas"),
            (17, "tujuh belas"),
            (19, "sembilan belas"),
            (20, "dua puluh"),
            (21, "dua puluh satu"),
            (31, "tiga puluh satu"),
            (99, "sembilan puluh sembilan"),
            (100, "seratus"),
            (101, "seratus satu"),
            (111, "seratus sebelas"),
            (250, "dua ratus lima puluh"),
            (1_000, "seribu"),
            (1_001, "seribu satu"),
            (1_100, "seribu seratus"),
            (2_000, "dua ribu"),
            (2_022, "dua ribu dua puluh dua"),
            (11_000, "sebelas ribu"),
            (100_000, "seratus ribu"),
            (101_000, "seratus satu ribu"),
            (1_000_000, "satu juta"),
            (4_812, "empat ribu delapan ratus dua belas"),
            (16_800, "enam belas ribu delapan ratus"),
            (2_450_000_000, "dua miliar empat ratus lima puluh juta"),
            (1_000_000_000_000, "satu triliun"),
            (-5, "minus lima"),
        ];
        for (n, words) in cases {
            assert_eq!(indonesian(n), words, "{n}");
        }
    }

    #[test]
    fn english_numbers_and_ordinals() {
        assert_eq!(english(2022), "two thousand and twenty-two");
        assert_eq!(english(2000), "two thousand");
        assert_eq!(english(115), "one hundred and fifteen");
        assert_eq!(
            english(2_450_000_000),
            "two billion four hundred and fifty million"
        );
        let ordinals = [
            (1, "first"),
            (2, "second"),
            (3, "third"),
            (5, "fifth"),
            (12, "twelfth"),
            (17, "seventeenth"),
            (20, "twentieth"),
            (22, "twenty-second"),
            (30, "thirtieth"),
            (31, "thirty-first"),
        ];
        for (n, w) in ordinals {
            assert_eq!(english_ordinal(n), w);
        }
    }

    #[test]
    fn the_karo_date_in_words() {
        let d = NaiveDate::from_ymd_opt(2022, 3, 17).unwrap();
        assert_eq!(
            date(Lang::Id, d),
            "Kamis tanggal tujuh belas bulan Maret tahun dua ribu dua puluh dua"
        );
        assert_eq!(
            date(Lang::En, d),
            "Thursday, the seventeenth day of March in the year two thousand and twenty-two"
        );
    }

    /// Reads Indonesian number words back, independently of how they were built, so that every
    /// day, month and year of 2000–2099 is checked against its number.
    fn parse_id(words: &str) -> i64 {
        let digit = |w: &str| ID_ONES.iter().position(|x| *x == w).map(|p| p as i64);
        let mut total = 0;
        let mut group = 0;
        let mut last = 0;
        for w in words.split(' ') {
            match w {
                "sepuluh" => group += 10,
                "sebelas" => group += 11,
                "seratus" => group += 100,
                "seribu" => total += 1000,
                "belas" => group += 10,
                "puluh" => group += last * 9,
                "ratus" => group += last * 99,
                "ribu" => {
                    total += group * 1000;
                    group = 0;
                }
                w => {
                    last = digit(w).unwrap_or_else(|| panic!("unknown word {w:?} in {words:?}"));
                    group += last;
                }
            }
        }
        total + group
    }

    #[test]
    fn every_date_of_2000_to_2099_reads_back_to_itself() {
        let mut d = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(2099, 12, 31).unwrap();
        let mut seen_days = std::collections::BTreeSet::new();
        let mut seen_months = std::collections::BTreeSet::new();
        while d <= end {
            let text = date(Lang::Id, d);
            let (weekday, rest) = text.split_once(" tanggal ").unwrap();
            let (day, rest) = rest.split_once(" bulan ").unwrap();
            let (month, year) = rest.split_once(" tahun ").unwrap();
            assert_eq!(weekday, t(Lang::Id, format::weekday_key(d.weekday())));
            assert_eq!(parse_id(day), d.day() as i64, "{text}");
            assert_eq!(month, format::month_name(Lang::Id, d.month()), "{text}");
            assert_eq!(parse_id(year), d.year() as i64, "{text}");
            assert!(!text.contains("satu ratus") && !text.contains("satu ribu"));
            assert!(!text.contains("satu puluh") && !text.contains("satu belas"));
            seen_days.insert(d.day());
            seen_months.insert(d.month());
            d = d.succ_opt().unwrap();
        }
        assert_eq!(seen_days.len(), 31);
        assert_eq!(seen_months.len(), 12);
    }

    #[test]
    fn amounts_read_back_below_a_million() {
        for n in (0..1_000_000)
            .step_by(997)
            .chain([999_999, 1_000, 1_001, 110_011])
        {
            assert_eq!(parse_id(&indonesian(n)), n, "{n}");
        }
        assert_eq!(
            rupiah(Lang::Id, 2_450_000_000),
            "Rp 2.450.000.000 (dua miliar empat ratus lima puluh juta rupiah)"
        );
        assert_eq!(
            rupiah(Lang::Id, 16_800),
            "Rp 16.800 (enam belas ribu delapan ratus rupiah)"
        );
    }

    #[test]
    fn roman_months() {
        let all: Vec<&str> = (1..=12).map(roman_month).collect();
        assert_eq!(
            all,
            [
                "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"
            ]
        );
        assert_eq!(roman_month(0), "");
        assert_eq!(roman_month(13), "");
    }
}
