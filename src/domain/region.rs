use std::sync::LazyLock;

use chrono::FixedOffset;
use serde::{Deserialize, Serialize};

/// A kabupaten or kota, by its Kemendagri code ("12.06") and name ("Kabupaten Karo").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct District {
    pub code: String,
    pub name: String,
    /// Province name as recorded at the time of the visit.
    #[serde(default)]
    pub province: String,
}

impl District {
    /// A district whose province name is looked up from its code.
    pub fn new(code: impl Into<String>, name: impl Into<String>) -> Self {
        let code = code.into();
        let province = province_name(&code).unwrap_or_default().to_string();
        District {
            code,
            name: name.into(),
            province,
        }
    }

    /// The two-digit province part of the code.
    pub fn province_code(&self) -> &str {
        self.code.split('.').next().unwrap_or("")
    }

    /// Whether `code` has the Kemendagri form "PP.KK" with a known province and a district
    /// number in 01–69 (kabupaten) or 71–99 (kota).
    pub fn code_is_valid(code: &str) -> bool {
        let Some((p, k)) = code.split_once('.') else {
            return false;
        };
        let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
        if !two_digits(p) || !two_digits(k) || province_name(code).is_none() {
            return false;
        }
        let n: u8 = k.parse().unwrap_or(0);
        (1..=69).contains(&n) || (71..=99).contains(&n)
    }
}

#[derive(Deserialize)]
struct ProvinceFile {
    provinces: Vec<Province>,
}

#[derive(Deserialize)]
struct Province {
    code: String,
    name: String,
    zone: i32,
}

static PROVINCES: LazyLock<Vec<Province>> = LazyLock::new(|| {
    // The file is embedded and checked by a test, so a parse failure is a build defect.
    toml::from_str::<ProvinceFile>(include_str!("../../assets/regions/provinces.toml"))
        .map(|f| f.provinces)
        .unwrap_or_default()
});

/// The province name for a province code or a district code ("12" or "12.06").
pub fn province_name(code: &str) -> Option<&'static str> {
    let p = code.split('.').next()?;
    PROVINCES
        .iter()
        .find(|x| x.code == p)
        .map(|x| x.name.as_str())
}

/// All provinces as (code, name), in code order.
pub fn provinces() -> impl Iterator<Item = (&'static str, &'static str)> {
    PROVINCES.iter().map(|p| (p.code.as_str(), p.name.as_str()))
}

/// The usual UTC offset of a province, for defaulting the meeting time zone.
pub fn province_offset(code: &str) -> Option<FixedOffset> {
    let p = code.split('.').next()?;
    let hours = PROVINCES.iter().find(|x| x.code == p)?.zone;
    FixedOffset::east_opt(hours * 3600)
}

/// "WIB", "WITA", "WIT", or "UTC+hh:mm" for any other offset.
pub fn zone_label(offset: &FixedOffset) -> String {
    match offset.local_minus_utc() {
        25200 => "WIB".into(),
        28800 => "WITA".into(),
        32400 => "WIT".into(),
        secs => {
            let sign = if secs < 0 { '-' } else { '+' };
            let m = secs.unsigned_abs() / 60;
            format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_province_list_is_complete() {
        assert_eq!(provinces().count(), 38);
        assert_eq!(province_name("12.06"), Some("Sumatera Utara"));
        assert_eq!(province_name("96"), Some("Papua Barat Daya"));
        assert_eq!(province_offset("81").unwrap().local_minus_utc(), 9 * 3600);
    }

    #[test]
    fn district_codes_are_validated() {
        assert!(District::code_is_valid("12.06"));
        assert!(District::code_is_valid("12.71"));
        assert!(!District::code_is_valid("12.70"));
        assert!(!District::code_is_valid("12.00"));
        assert!(!District::code_is_valid("99.01"));
        assert!(!District::code_is_valid("1206"));
        assert!(!District::code_is_valid("12.6"));
    }

    #[test]
    fn zones_are_named() {
        let z = |h| zone_label(&FixedOffset::east_opt(h * 3600).unwrap());
        assert_eq!(z(7), "WIB");
        assert_eq!(z(8), "WITA");
        assert_eq!(z(9), "WIT");
        assert_eq!(z(0), "UTC+00:00");
        assert_eq!(
            zone_label(&FixedOffset::west_opt(5400).unwrap()),
            "UTC-01:30"
        );
    }
}
