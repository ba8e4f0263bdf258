//! A visit's answers as a person reads them: under the guide's section titles, in guide order,
//! with the guide's question labels, choice labels, numbers in their local form, computed ratios
//! and each answer's note. The report, the documents and `pantau show` all list answers this way.

use crate::domain::{AnswerValue, Visit};
use crate::guide::{Guide, SectionKind, input};
use crate::i18n::{Lang, t};

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub label: String,
    pub value: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub title: String,
    pub rows: Vec<Row>,
}

/// The answered questions of each question section (fields bound to the visit itself, shown
/// with its identity, are left out; so are answers to questions not asked, such as the type of
/// a regulation that does not exist). Answers the guide has no question for come last.
pub fn groups(guide: &Guide, v: &Visit, lang: Lang) -> Vec<Group> {
    let mut out = Vec::new();
    for s in guide
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Questions)
    {
        let rows: Vec<Row> = s
            .questions
            .iter()
            .filter(|q| q.bind.is_none() && guide.is_relevant(q, v))
            .filter_map(|q| {
                let value = guide.value(q, v)?;
                let mut shown = input::display(q, &value, lang, Some(v));
                // "ya"/"tidak" start a table cell like a sentence.
                if matches!(value, AnswerValue::YesPartialNo(_)) {
                    shown = capitalise(&shown);
                }
                Some(Row {
                    label: q.label.get(lang).to_string(),
                    value: shown,
                    note: v
                        .answers
                        .get(&q.id)
                        .map(|a| a.note.clone())
                        .unwrap_or_default(),
                })
            })
            .collect();
        if !rows.is_empty() {
            out.push(Group {
                title: s.title.get(lang).to_string(),
                rows,
            });
        }
    }
    let orphans: Vec<Row> = guide
        .orphan_answers(v)
        .into_iter()
        .filter_map(|id| {
            let a = v.answers.get(id)?;
            Some(Row {
                label: id.replace('_', " "),
                value: plain(lang, v, &a.value),
                note: a.note.clone(),
            })
        })
        .collect();
    if !orphans.is_empty() {
        out.push(Group {
            title: t(lang, "documents.other_answers").to_string(),
            rows: orphans,
        });
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// An answer without its question (from another guide version): the same forms, no labels.
fn plain(lang: Lang, v: &Visit, a: &AnswerValue) -> String {
    crate::export::report::answer_text(lang, v, a)
}

/// One answer by question id, as displayed, when the guide has the question and it is answered.
pub fn value(guide: &Guide, v: &Visit, lang: Lang, id: &str) -> Option<String> {
    let (_, q) = guide.question(id)?;
    let value = guide.value(q, v)?;
    Some(input::display(q, &value, lang, Some(v)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Answer, YesPartialNo};

    #[test]
    fn answers_follow_the_guide_with_labels_and_computed_coverage() {
        let g = crate::guide::load_default().unwrap();
        let mut v = crate::demo::karo_visit();
        v.answers.clear();
        let mut put = |k: &str, a: AnswerValue| {
            v.answers.insert(k.into(), Answer::new(a));
        };
        put(
            "apbd_allocated",
            AnswerValue::YesPartialNo(YesPartialNo::Yes),
        );
        put("apbd_year", AnswerValue::Number(2023));
        put("reg_exists", AnswerValue::YesPartialNo(YesPartialNo::No));
        put("reg_type", AnswerValue::Choice("perkada".into()));
        put("non_asn_total", AnswerValue::Number(2000));
        put("non_asn_registered", AnswerValue::Number(1721));
        put("old_question", AnswerValue::Number(5));
        let gs = groups(&g, &v, Lang::Id);
        let titles: Vec<&str> = gs.iter().map(|g| g.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Regulasi dan anggaran",
                "Kepesertaan non-ASN",
                "Jawaban di luar panduan"
            ]
        );
        let rows: Vec<(&str, &str)> = gs[0]
            .rows
            .iter()
            .map(|r| (r.label.as_str(), r.value.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "Sudah ada regulasi daerah tentang jaminan sosial ketenagakerjaan?",
                    "Tidak"
                ),
                (
                    "Ada alokasi APBD untuk iuran jaminan sosial ketenagakerjaan?",
                    "Ya"
                ),
                ("Tahun anggaran", "2023"),
            ]
        );
        assert_eq!(gs[1].rows[2].label, "Cakupan non-ASN");
        assert_eq!(gs[1].rows[2].value, "1.721 dari 2.000 (86,05 %)");
    }
}
