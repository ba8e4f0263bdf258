//! Values back to text: for the editor (read back to the same value) and for reading.

use super::*;

pub(super) fn grouped(n: i64) -> String {
    let r = format::rupiah(n);
    r.replacen("Rp ", "", 1)
}

pub(super) fn time_text(lang: Lang, dt: &DateTime<FixedOffset>) -> String {
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
