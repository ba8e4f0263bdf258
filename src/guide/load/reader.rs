//! Reading the spanned TOML tree: typed getters that report a wrong type, an unknown key or
//! a missing one with its position, and carry on.

use super::*;

pub(super) type Sp<T> = (T, Range<usize>);
pub(super) type Val<'i> = Spanned<DeValue<'i>>;

pub(super) struct Cx<'s> {
    pub(super) src: &'s str,
    /// Where each line starts: positions are looked up, not counted from the top each time
    /// (once per question made `guide check` quadratic).
    pub(super) line_starts: Vec<usize>,
    pub(super) errors: Vec<GuideError>,
}

impl<'s> Cx<'s> {
    pub(super) fn new(src: &'s str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(src.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Cx {
            src,
            line_starts,
            errors: Vec::new(),
        }
    }

    pub(super) fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.src.len());
        // Back up to a character boundary so slicing never panics.
        let mut o = offset;
        while o > 0 && !self.src.is_char_boundary(o) {
            o -= 1;
        }
        // The number of lines starting at or before `o`; the first starts at 0.
        let line = self.line_starts.partition_point(|&start| start <= o);
        let line_start = self.line_starts[line - 1];
        let col = self.src[line_start..o].chars().count() + 1;
        (line, col)
    }

    pub(super) fn line(&self, span: &Range<usize>) -> usize {
        self.line_col(span.start).0
    }

    pub(super) fn err(&mut self, span: Range<usize>, kind: GuideErrorKind) {
        let (line, col) = self.line_col(span.start);
        self.errors.push(GuideError {
            line,
            col,
            span,
            kind,
        });
    }

    pub(super) fn finish(mut self) -> Vec<GuideError> {
        self.errors.sort_by_key(|e| (e.span.start, e.span.end));
        self.errors
    }

    /// Reports keys of `table` not in `allowed`.
    pub(super) fn check_keys(&mut self, table: &DeTable<'_>, allowed: &[&str]) {
        for (k, _) in table {
            if !allowed.contains(&k.get_ref().as_ref()) {
                self.err(
                    k.span(),
                    GuideErrorKind::UnknownKey(k.get_ref().to_string()),
                );
            }
        }
    }

    pub(super) fn wrong(&mut self, key: &str, v: &Val<'_>, expected: Expected) {
        self.err(
            v.span(),
            GuideErrorKind::WrongType {
                key: key.into(),
                expected,
            },
        );
    }

    pub(super) fn missing(&mut self, span: &Range<usize>, key: &str) {
        self.err(span.clone(), GuideErrorKind::MissingKey(key.into()));
    }

    pub(super) fn str(
        &mut self,
        t: &DeTable<'_>,
        span: &Range<usize>,
        key: &str,
        req: bool,
    ) -> Option<Sp<String>> {
        match t.get(key) {
            None => {
                if req {
                    self.missing(span, key);
                }
                None
            }
            Some(v) => match v.get_ref().as_str() {
                Some(s) => Some((s.to_string(), v.span())),
                None => {
                    self.wrong(key, v, Expected::Text);
                    None
                }
            },
        }
    }

    /// A string that must be a valid id.
    pub(super) fn ident(
        &mut self,
        t: &DeTable<'_>,
        span: &Range<usize>,
        key: &str,
    ) -> Option<Sp<String>> {
        let (s, sp) = self.str(t, span, key, true)?;
        if !valid_id(&s) {
            self.err(sp.clone(), GuideErrorKind::BadId(s.clone()));
        }
        Some((s, sp))
    }

    pub(super) fn bool(&mut self, t: &DeTable<'_>, key: &str) -> Option<bool> {
        let v = t.get(key)?;
        match v.get_ref().as_bool() {
            Some(b) => Some(b),
            None => {
                self.wrong(key, v, Expected::Bool);
                None
            }
        }
    }

    pub(super) fn int(&mut self, t: &DeTable<'_>, key: &str) -> Option<Sp<i64>> {
        let v = t.get(key)?;
        match v
            .get_ref()
            .as_integer()
            .and_then(|i| i64::from_str_radix(i.as_str(), i.radix()).ok())
        {
            Some(n) => Some((n, v.span())),
            None => {
                self.wrong(key, v, Expected::Integer);
                None
            }
        }
    }

    pub(super) fn number(&mut self, t: &DeTable<'_>, key: &str) -> Option<Sp<f64>> {
        let v = t.get(key)?;
        let x = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(f) => f
                .as_str()
                .replace('_', "")
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite()),
            _ => None,
        };
        match x {
            Some(x) => Some((x, v.span())),
            None => {
                self.wrong(key, v, Expected::Number);
                None
            }
        }
    }

    /// `key = "teks"` or `key = { id = "teks", en = "text" }`.
    pub(super) fn text(
        &mut self,
        t: &DeTable<'_>,
        span: &Range<usize>,
        key: &str,
        req: bool,
    ) -> Option<LocalText> {
        let Some(v) = t.get(key) else {
            if req {
                self.missing(span, key);
            }
            return None;
        };
        match v.get_ref() {
            DeValue::String(s) => {
                if s.trim().is_empty() {
                    self.err(v.span(), GuideErrorKind::MissingIndonesian(key.into()));
                }
                Some(LocalText::new(s.as_ref()))
            }
            DeValue::Table(tt) => {
                self.check_keys(tt, &["id", "en"]);
                let id = match tt.get("id") {
                    None => {
                        self.err(v.span(), GuideErrorKind::MissingIndonesian(key.into()));
                        String::new()
                    }
                    Some(iv) => match iv.get_ref().as_str() {
                        Some(s) if !s.trim().is_empty() => s.to_string(),
                        Some(_) => {
                            self.err(iv.span(), GuideErrorKind::MissingIndonesian(key.into()));
                            String::new()
                        }
                        None => {
                            self.wrong(&format!("{key}.id"), iv, Expected::Text);
                            String::new()
                        }
                    },
                };
                let en = match tt.get("en") {
                    None => None,
                    Some(ev) => match ev.get_ref().as_str() {
                        Some(s) => Some(s.to_string()).filter(|s| !s.trim().is_empty()),
                        None => {
                            self.wrong(&format!("{key}.en"), ev, Expected::Text);
                            None
                        }
                    },
                };
                Some(LocalText { id, en })
            }
            _ => {
                self.wrong(key, v, Expected::LocalText);
                None
            }
        }
    }

    /// The tables of an array of tables (`[[key]]` or `key = [{…}, …]`).
    pub(super) fn tables<'a, 'i>(
        &mut self,
        t: &'a DeTable<'i>,
        key: &str,
    ) -> Vec<(&'a DeTable<'i>, Range<usize>)> {
        let Some(v) = t.get(key) else {
            return Vec::new();
        };
        let Some(arr) = v.get_ref().as_array() else {
            self.wrong(key, v, Expected::Array);
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in arr {
            match item.get_ref().as_table() {
                Some(tt) => out.push((tt, item.span())),
                None => self.wrong(key, item, Expected::Table),
            }
        }
        out
    }
}

/// Ids: lower-case ASCII letters, digits, `_` and `-`, not empty.
pub(super) fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}
