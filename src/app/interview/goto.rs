//! Go-to: sections and questions found by the words of their labels.

use crate::guide::Guide;
use crate::i18n::Lang;

/// A go-to result: a section, or a question in it.
#[derive(Debug, Clone, PartialEq)]
pub struct GotoMatch {
    pub section: String,
    pub question: Option<String>,
    pub label: String,
}

/// Sections and questions whose label (in either language) contains every typed word.
pub fn goto_matches(guide: &Guide, lang: Lang, typed: &str) -> Vec<GotoMatch> {
    let words: Vec<String> = typed
        .to_lowercase()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let fits = |texts: [&str; 2]| {
        let hay = format!("{} {}", texts[0], texts[1]).to_lowercase();
        words.iter().all(|w| hay.contains(w.as_str()))
    };
    let mut out = Vec::new();
    for s in &guide.sections {
        if fits([s.title.id.as_str(), s.title.en.as_deref().unwrap_or("")]) {
            out.push(GotoMatch {
                section: s.id.clone(),
                question: None,
                label: s.title.get(lang).to_string(),
            });
        }
        for q in &s.questions {
            if fits([q.label.id.as_str(), q.label.en.as_deref().unwrap_or("")]) {
                out.push(GotoMatch {
                    section: s.id.clone(),
                    question: Some(q.id.clone()),
                    label: format!("{} › {}", s.title.get(lang), q.label.get(lang)),
                });
            }
        }
    }
    out
}
