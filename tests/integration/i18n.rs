//! Every catalogue key the code uses exists, and both languages take the same placeholders.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use pantau::i18n::{CATALOGUE_SOURCE, has_key, parse_catalogue};

/// A string literal in the source: its text and the code just before it.
struct Literal {
    text: String,
    before: String,
    in_key_fn: bool,
}

/// The string literals of `src` outside comments and `#[cfg(test)]` modules (which come last
/// in every file here and may name missing keys on purpose).
fn literals(src: &str) -> Vec<Literal> {
    let src = src.split("#[cfg(test)]").next().unwrap_or("");
    let chars: Vec<char> = src.chars().collect();
    let mut code = String::new(); // everything outside comments and literals
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == '\'' {
            // A char literal ('x', '\n', '"') or a lifetime ('a).
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                code.push(c);
                i += 1;
            }
        } else if c == 'r' && matches!(next, Some('"') | Some('#')) && !ident(code.chars().last()) {
            let mut hashes = 0;
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                code.push(c);
                i += 1;
                continue;
            }
            let close: String = std::iter::once('"')
                .chain((0..hashes).map(|_| '#'))
                .collect();
            let rest: String = chars[j + 1..].iter().collect();
            let end = rest.find(&close).expect("raw string ends");
            out.push(literal(&rest[..end], &code));
            code.push_str("\"\"");
            i = j + 1 + rest[..end].chars().count() + close.chars().count();
        } else if c == '"' {
            let mut text = String::new();
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    text.push(chars[i]);
                    i += 1;
                }
                text.push(chars[i]);
                i += 1;
            }
            i += 1;
            out.push(literal(&text, &code));
            code.push_str("\"\"");
        } else {
            code.push(c);
            i += 1;
        }
    }
    out
}

fn literal(text: &str, code: &str) -> Literal {
    let tail_start = code.len().saturating_sub(200);
    let tail_start = (tail_start..code.len())
        .find(|i| code.is_char_boundary(*i))
        .unwrap_or(code.len());
    Literal {
        text: text.to_string(),
        before: code[tail_start..].to_string(),
        in_key_fn: in_key_fn(code),
    }
}

fn ident(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// Whether the code so far ends inside the body of a `fn key(` / `fn …_key(`.
fn in_key_fn(code: &str) -> bool {
    let Some(start) = code.rfind("fn ") else {
        return false;
    };
    let name: String = code[start + 3..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if name != "key" && !name.ends_with("_key") {
        return false;
    }
    let body = &code[start..];
    let Some(open) = body.find('{') else {
        return false;
    };
    let opened = body[open..].matches('{').count();
    let closed = body[open..].matches('}').count();
    opened > closed
}

/// Whether the literal is the key argument of `t(…, "k")`, `tf(…, "k", …)` or `l("k")`.
fn is_lookup(before: &str) -> Option<&'static str> {
    let b = before.trim_end();
    let (call, args) = b.rsplit_once('(')?;
    let name_start = call
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map(|(i, _)| i)?;
    let name = &call[name_start..];
    match (name, args.trim()) {
        ("l", "") => Some("t"),
        ("t", a) | ("tf", a)
            if a.ends_with(',') && !a[..a.len() - 1].contains([',', '(', ')', '"']) =>
        {
            Some(if name == "t" { "t" } else { "tf" })
        }
        _ => None,
    }
}

fn looks_like_key(s: &str) -> bool {
    let mut parts = s.split('.');
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && first.starts_with(|c: char| c.is_ascii_lowercase())
        && std::iter::once(first).chain(rest).all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn placeholders(s: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(close) = rest.find('}') {
            let inner = &rest[..close];
            if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit()) {
                out.insert(format!("{{{inner}}}"));
            }
        }
    }
    out
}

/// What is wrong with the keys used in `src`: unknown keys, and `t` used on a text that needs
/// arguments (it would show "{0}").
fn problems(
    file: &str,
    src: &str,
    sections: &BTreeSet<String>,
    found: &mut BTreeSet<String>,
) -> Vec<String> {
    let catalogue = parse_catalogue(CATALOGUE_SOURCE).unwrap();
    let mut out = Vec::new();
    for lit in literals(src) {
        let lookup = is_lookup(&lit.before);
        let section = lit.text.split('.').next().unwrap_or("");
        let wanted = lookup.is_some()
            || lit.in_key_fn
            || (looks_like_key(&lit.text) && sections.contains(section));
        if !wanted {
            continue;
        }
        found.insert(lit.text.clone());
        if !has_key(&lit.text) {
            out.push(format!("{file}: {:?} is not in the catalogue", lit.text));
        } else if lookup == Some("t") {
            let (id, en) = &catalogue[&lit.text];
            if !placeholders(id).is_empty()
                || en.as_deref().is_some_and(|e| !placeholders(e).is_empty())
            {
                out.push(format!(
                    "{file}: {:?} has placeholders but is used with t()",
                    lit.text
                ));
            }
        }
    }
    out
}

fn sections() -> BTreeSet<String> {
    parse_catalogue(CATALOGUE_SOURCE)
        .unwrap()
        .keys()
        .map(|k| k.split('.').next().unwrap().to_string())
        .collect()
}

#[test]
fn every_key_the_code_uses_is_in_the_catalogue() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    files.sort();
    let sections = sections();
    let mut found = BTreeSet::new();
    let mut bad = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        bad.extend(problems(
            &f.display().to_string(),
            &src,
            &sections,
            &mut found,
        ));
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // The scan must see the keys used in each way, or it proves nothing.
    for key in [
        "store.in_use",   // tf(lang, "…", …)
        "cli.list_empty", // t(lang, "…")
        "show.visit",     // l("…")
        "show.province",  // field(…, "…", …)
        "ynp.partial",    // fn key() match arm (keys strum derives are checked in domain)
        "weekday.thu",    // fn weekday_key()
        "month.m12",      // a table of keys
        "problem.empty_name",
    ] {
        assert!(found.contains(key), "the scan missed {key}");
    }
    assert!(found.len() > 100, "only {} keys found", found.len());
}

#[test]
fn the_scan_reports_missing_keys_and_t_with_placeholders() {
    let src = r##"
        // t(lang, "commented.out") is ignored
        fn key(self) -> &'static str { match self { A => "kind.audiensi", B => "kind.nope" } }
        fn f(lang: Lang) {
            let c = '"';
            let _ = t(lang, "nosuch.section");
            let _ = tf(lang, "store.in_use", &[&x]);
            let _ = t(Lang::En, "store.in_use");
            let _ = l("show.nothing");
            let _ = r#"not.a.lookup"#;
            let _ = format!("{}", "show.typo");
        }
        #[cfg(test)]
        mod tests { fn g() { t(lang, "ignored.in.tests"); } }
    "##;
    let mut found = BTreeSet::new();
    let bad = problems("x.rs", src, &sections(), &mut found);
    assert_eq!(
        bad,
        [
            "x.rs: \"kind.nope\" is not in the catalogue",
            "x.rs: \"nosuch.section\" is not in the catalogue",
            "x.rs: \"store.in_use\" has placeholders but is used with t()",
            "x.rs: \"show.nothing\" is not in the catalogue",
            "x.rs: \"show.typo\" is not in the catalogue",
        ]
    );
    assert!(!found.contains("commented.out") && !found.contains("ignored.in.tests"));
    assert!(!found.contains("not.a.lookup"));
}

#[test]
fn both_languages_take_the_same_placeholders() {
    let catalogue = parse_catalogue(CATALOGUE_SOURCE).unwrap();
    let mut bad = Vec::new();
    for (key, (id, en)) in &catalogue {
        let en = en.as_deref().unwrap_or(id);
        if placeholders(id) != placeholders(en) {
            bad.push(format!(
                "{key}: id {:?} vs en {:?}",
                placeholders(id),
                placeholders(en)
            ));
        }
    }
    bad.sort();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert_eq!(
        placeholders("{0} of {1}, {x}, {} and {12}"),
        ["{0}", "{1}", "{12}"].map(String::from).into()
    );
    assert!(placeholders(&catalogue["check.summary"].0).len() == 4);
}
