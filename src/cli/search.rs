//! `pantau search QUERY [filters] [--json] [--limit N]`: the app's search engine and filter
//! words on the command line, one line per visit (date, district, field, snippet, id).

use std::collections::HashMap;
use std::process::ExitCode;

use serde::Serialize;
use uuid::Uuid;

use super::commands::{CmdResult, pad, print_json, store_err};
use crate::app::query::Query;
use crate::domain::VisitSummary;
use crate::format;
use crate::i18n::{Lang, t, tf};
use crate::search::Hit;
use crate::store::{IndexProgress, Store};

#[derive(Serialize)]
struct JsonHit {
    id: Uuid,
    score: u32,
    field: &'static str,
    snippet: String,
    district: String,
    start: Option<String>,
}

pub fn search(store: &Store, lang: Lang, input: &str, json: bool, limit: usize) -> CmdResult {
    let query = Query::parse(input);
    if !query.errors.is_empty() {
        return Err((
            tf(lang, "search2.cli_bad_filter", &[&query.errors.join(" ")]),
            1,
        ));
    }
    if query.is_empty() {
        return Err((t(lang, "search2.cli_empty_query").to_string(), 1));
    }
    let all = store.summaries().map_err(|e| store_err(lang, e))?;
    let by_id: HashMap<Uuid, &VisitSummary> = all.iter().map(|s| (s.id, s)).collect();
    let fetch = |id| store.get(id).ok().flatten();
    let mut hits: Vec<Hit> = if query.text.is_empty() {
        // Only filter words: every admitted visit, newest first (the summaries' order).
        all.iter()
            .map(|s| Hit {
                id: s.id,
                score: 0,
                field: crate::search::Field::District,
                words: Vec::new(),
                snippet: None,
            })
            .collect()
    } else {
        let mut told = false;
        let mut progress = |p: IndexProgress| {
            let IndexProgress::Building { total, .. } = p;
            if !told {
                errln!("{}", tf(lang, "search2.cli_indexing", &[&total]));
                told = true;
            }
        };
        let idx = store
            .search_index(&all, &mut progress)
            .map_err(|e| store_err(lang, e))?;
        let mut hits = idx.search(&query.text, 0, &fetch);
        hits.retain(|h| by_id.get(&h.id).is_some_and(|s| query.admits(s)));
        hits.truncate(limit);
        idx.fill_snippets(&mut hits, &fetch);
        hits
    };
    hits.retain(|h| by_id.get(&h.id).is_some_and(|s| query.admits(s)));
    hits.truncate(limit);
    if json {
        let rows: Vec<JsonHit> = hits
            .iter()
            .map(|h| {
                let s = by_id[&h.id];
                JsonHit {
                    id: h.id,
                    score: h.score,
                    field: h.field.name(),
                    snippet: h
                        .snippet
                        .as_ref()
                        .map(|s| s.text.clone())
                        .unwrap_or_default(),
                    district: format!("{} {}", s.district.code, s.district.name),
                    start: s.start.map(|d| d.to_rfc3339()),
                }
            })
            .collect();
        print_json(lang, &rows)?;
    } else if hits.is_empty() {
        outln!("{}", t(lang, "search2.cli_none"));
    } else {
        for h in &hits {
            outln!("{}", line(lang, by_id[&h.id], h));
        }
    }
    Ok(if hits.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Text as printed: control characters shown inert, so a pasted escape sequence does nothing.
fn inert(s: &str) -> String {
    s.chars().map(|c| format::inert_char(c, &[])).collect()
}

fn line(lang: Lang, s: &VisitSummary, h: &Hit) -> String {
    let date = s
        .start
        .map(|d| format::datetime_short(lang, &d))
        .unwrap_or_else(|| "-".into());
    let district = inert(&format!("{} {}", s.district.code, s.district.name));
    let matched = match &h.snippet {
        Some(sn) => format!("{}: {}", t(lang, h.field.key()), inert(&sn.text)),
        None if h.words.is_empty() => String::new(),
        None => format!("{}: {}", t(lang, h.field.key()), inert(&h.words.join(" "))),
    };
    format!(
        "{}  {}  {}  {}",
        pad(&date, 22),
        pad(&district, 30),
        matched,
        s.id
    )
}
