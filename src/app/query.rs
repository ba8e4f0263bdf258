//! The search box's language: free text plus filter words such as `status:final`, `prov:12`,
//! `kab:karo`, `tahun:2022`, `dari:2022-01-01`, `sampai:2022-12-31` (English names work too).

use chrono::{Datelike, NaiveDate};

use crate::domain::{VisitStatus, VisitSummary};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    /// What is left for full-text search.
    pub text: String,
    pub status: Option<VisitStatus>,
    /// Province code ("12") or a piece of its name.
    pub province: Option<String>,
    /// District code prefix ("12.06") or a piece of its name.
    pub district: Option<String>,
    pub year: Option<i32>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// `konflik:ya` / `conflict:yes`: only visits with fields left in conflict by an import
    /// (`konflik:tidak` / `conflict:no`: only those without).
    pub conflict: Option<bool>,
    /// Filter words that could not be understood, to show under the box.
    pub errors: Vec<String>,
}

impl Query {
    pub fn parse(input: &str) -> Query {
        let mut q = Query::default();
        let mut text = Vec::new();
        for word in input.split_whitespace() {
            let Some((name, value)) = word
                .split_once(':')
                .filter(|(n, v)| !n.is_empty() && !v.is_empty())
            else {
                text.push(word);
                continue;
            };
            let ok = match name.to_lowercase().as_str() {
                "status" => parse_status(value).map(|s| q.status = Some(s)).is_some(),
                "prov" | "provinsi" | "province" => {
                    q.province = Some(value.to_lowercase());
                    true
                }
                "kab" | "kota" | "district" | "daerah" => {
                    q.district = Some(value.to_lowercase());
                    true
                }
                "tahun" | "year" => value.parse().ok().map(|y| q.year = Some(y)).is_some(),
                "dari" | "from" => parse_date(value).map(|d| q.from = Some(d)).is_some(),
                "sampai" | "to" => parse_date(value).map(|d| q.to = Some(d)).is_some(),
                "konflik" | "conflict" => {
                    parse_yes_no(value).map(|c| q.conflict = Some(c)).is_some()
                }
                _ => {
                    text.push(word);
                    true
                }
            };
            if !ok {
                q.errors.push(word.to_string());
            }
        }
        q.text = text.join(" ");
        q
    }

    pub fn has_filters(&self) -> bool {
        self.status.is_some()
            || self.province.is_some()
            || self.district.is_some()
            || self.year.is_some()
            || self.from.is_some()
            || self.to.is_some()
            || self.conflict.is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty() && !self.has_filters()
    }

    /// Whether a visit passes the filter words (the text is matched elsewhere).
    pub fn admits(&self, s: &VisitSummary) -> bool {
        if self.status.is_some_and(|st| st != s.status) {
            return false;
        }
        if self.conflict.is_some_and(|c| c != (s.conflicts > 0)) {
            return false;
        }
        if let Some(p) = &self.province
            && !(s.district.province_code() == p || s.district.province.to_lowercase().contains(p))
        {
            return false;
        }
        if let Some(d) = &self.district
            && !(s.district.code.starts_with(d.as_str())
                || s.district.name.to_lowercase().contains(d))
        {
            return false;
        }
        let date = s.start.map(|d| d.date_naive());
        if let Some(y) = self.year
            && date.is_none_or(|d| d.year() != y)
        {
            return false;
        }
        if let Some(from) = self.from
            && date.is_none_or(|d| d < from)
        {
            return false;
        }
        if let Some(to) = self.to
            && date.is_none_or(|d| d > to)
        {
            return false;
        }
        true
    }
}

fn parse_status(v: &str) -> Option<VisitStatus> {
    match v.to_lowercase().as_str() {
        "draf" | "draft" => Some(VisitStatus::Draft),
        "final" | "final." => Some(VisitStatus::Final),
        _ => None,
    }
}

fn parse_yes_no(v: &str) -> Option<bool> {
    match v.to_lowercase().as_str() {
        "ya" | "yes" | "y" => Some(true),
        "tidak" | "no" | "n" => Some(false),
        _ => None,
    }
}

/// "2022-03-17" or "17/3/2022" (day first, as written in Indonesia).
fn parse_date(v: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(v, "%d/%m/%Y"))
        .or_else(|_| NaiveDate::parse_from_str(v, "%d-%m-%Y"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(code: &str, start: &str, status: VisitStatus) -> VisitSummary {
        let mut v = crate::demo::karo_visit();
        v.district = crate::domain::District::new(code, "Kabupaten Contoh");
        v.start = Some(chrono::DateTime::parse_from_rfc3339(start).unwrap());
        v.status = status;
        VisitSummary::from(&v)
    }

    #[test]
    fn filter_words_are_taken_out_of_the_text() {
        let q = Query::parse("sebayang status:final prov:12 tahun:2022 kab:12.06");
        assert_eq!(q.text, "sebayang");
        assert_eq!(q.status, Some(VisitStatus::Final));
        assert_eq!(q.province.as_deref(), Some("12"));
        assert_eq!(q.district.as_deref(), Some("12.06"));
        assert_eq!(q.year, Some(2022));
        assert!(q.errors.is_empty());
    }

    #[test]
    fn bad_filter_values_are_reported_not_dropped_silently() {
        let q = Query::parse("dari:31/2/2022 status:maybe tahun:xx");
        assert_eq!(q.errors, ["dari:31/2/2022", "status:maybe", "tahun:xx"]);
        assert!(!q.has_filters());
        // A colon inside ordinary text stays text.
        assert_eq!(Query::parse("pukul 14:00").text, "pukul 14:00");
    }

    #[test]
    fn filters_admit_by_status_region_and_dates() {
        let s = summary("12.06", "2022-03-17T14:00:00+07:00", VisitStatus::Draft);
        assert!(Query::parse("status:draf prov:sumatera kab:12.06").admits(&s));
        assert!(!Query::parse("status:final").admits(&s));
        assert!(!Query::parse("prov:13").admits(&s));
        assert!(Query::parse("tahun:2022 dari:1/3/2022 sampai:2022-03-17").admits(&s));
        assert!(!Query::parse("dari:2022-03-18").admits(&s));
        assert!(!Query::parse("year:2023").admits(&s));
    }

    #[test]
    fn the_conflict_filter_admits_visits_left_in_conflict() {
        let mut s = summary("12.06", "2022-03-17T14:00:00+07:00", VisitStatus::Draft);
        let q = Query::parse("sinaga konflik:ya");
        assert_eq!((q.text.as_str(), q.conflict), ("sinaga", Some(true)));
        assert!(!q.admits(&s));
        assert!(Query::parse("conflict:no").admits(&s));
        s.conflicts = 2;
        assert!(q.admits(&s));
        assert!(Query::parse("conflict:yes").admits(&s));
        assert!(!Query::parse("konflik:tidak").admits(&s));
        assert_eq!(Query::parse("konflik:mungkin").errors, ["konflik:mungkin"]);
    }
}
