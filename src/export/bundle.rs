//! The JSON bundle: Pantau's full-fidelity exchange and backup format (docs/BUNDLE.md).
//!
//! Reading validates everything before the store is touched: the text is UTF-8, the JSON is
//! well-formed and complete, the format name and version are known, every visit appears once
//! with a log that starts with its creation and replays to its content.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
use uuid::Uuid;

use super::field_error::{self, FieldError, VisitRef};
use crate::domain::chain;
use crate::domain::merge::{self, VisitHistory};
use crate::domain::{AuditAction, Problem};
use crate::store::StoredHistory;

/// The value of `format` in every bundle.
pub const FORMAT: &str = "pantau-bundle";
/// The bundle version this build writes. Version 1 (before audit events were hash-linked) is
/// still read: its logs are linked as they are read, as a database of schema 1 is migrated.
pub const VERSION: u32 = 2;
/// The oldest bundle version this build reads.
pub const OLDEST_VERSION: u32 = 1;
/// Longest text accepted in any field of an imported visit, in bytes.
pub const MAX_TEXT: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    pub format: String,
    pub version: u32,
    pub exported_at: DateTime<Utc>,
    #[serde(default)]
    pub exported_by: String,
    /// Whether trashed visits were included.
    #[serde(default)]
    pub includes_trash: bool,
    pub visits: Vec<VisitHistory>,
}

impl Bundle {
    /// The envelope alone, without the visits.
    fn clone_envelope(&self) -> Bundle {
        Bundle {
            format: self.format.clone(),
            version: self.version,
            exported_at: self.exported_at,
            exported_by: self.exported_by.clone(),
            includes_trash: self.includes_trash,
            visits: Vec::new(),
        }
    }

    pub fn new(visits: Vec<VisitHistory>, at: DateTime<Utc>, by: &str, trash: bool) -> Self {
        Bundle {
            format: FORMAT.into(),
            version: VERSION,
            exported_at: at,
            exported_by: by.into(),
            includes_trash: trash,
            visits,
        }
    }
}

pub use super::bundle_error::BundleError;

/// Largest bundle file read, in bytes (a year of visits of a big team is far below this).
pub const MAX_BYTES: u64 = 1 << 30;

/// Visits encoded at once by [`to_json`].
const WINDOW: usize = 512;

/// Writes `bundle` as compact JSON (a bundle of a year's visits runs to hundreds of megabytes;
/// indentation would add a third). `jq .` shows it readably.
///
/// The visits are encoded on all cores and put in the envelope in order; the bytes are those
/// `serde_json::to_vec(bundle)` gives (a test holds them to it).
pub fn to_json(bundle: &Bundle) -> Result<Vec<u8>, String> {
    assemble(envelope_head(bundle)?, &bundle.visits, |h| {
        serde_json::to_vec(h).map_err(|e| e.to_string())
    })
}

/// [`to_json`] of a bundle whose visits are `visits`, records as stored, without decoding every
/// visit and encoding it again: the same bytes for records this version wrote (a test holds
/// them to it); a record stored before a field was added keeps the form it was stored in, which
/// reads the same. Each stored record is checked for damage (a plain one parsed as JSON, a sealed
/// one by its authentication tag), so a damaged one fails the export instead of the bundle.
pub fn stored_to_json(
    envelope: &Bundle,
    visits: &[StoredHistory],
) -> Result<Vec<u8>, super::ExportError> {
    let head = envelope_head(envelope).map_err(super::ExportError::Encode)?;
    assemble(head, visits, |stored| match stored {
        StoredHistory::Live { visit, history, .. } => {
            // Each record is opened (in an encrypted database) and checked straight in this
            // buffer (see `StoredRecord::append_to`).
            let append = |out: &mut Vec<u8>, record: &crate::store::StoredRecord| {
                record.append_to(out).map_err(super::ExportError::Store)
            };
            // The members in the order `VisitHistory` serializes them (`trashed` is left out
            // when there is none).
            let mut out = Vec::with_capacity(
                visit.len_hint() + history.iter().map(|e| e.len_hint() + 1).sum::<usize>() + 24,
            );
            out.extend_from_slice(b"{\"visit\":");
            append(&mut out, visit)?;
            out.extend_from_slice(b",\"history\":[");
            for (i, e) in history.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                append(&mut out, e)?;
            }
            out.extend_from_slice(b"]}");
            Ok(out)
        }
        StoredHistory::Trashed(h) => {
            serde_json::to_vec(h).map_err(|e| super::ExportError::Encode(e.to_string()))
        }
    })
}

/// The envelope of `bundle` as JSON, up to its visits: `{...,"visits":`.
fn envelope_head(bundle: &Bundle) -> Result<Vec<u8>, String> {
    let mut head = serde_json::to_vec(&bundle.clone_envelope()).map_err(|e| e.to_string())?;
    // `visits` is the last member: the envelope ends in `"visits":[]}`.
    if !head.ends_with(b"[]}") {
        return Err("bundle envelope does not end with its visits".to_string());
    }
    head.truncate(head.len() - 3);
    Ok(head)
}

/// The envelope's `head` (see [`envelope_head`]) with `items` as its visits, each encoded by
/// `encode`: a window of visits at a time on all cores, into one buffer.
fn assemble<T: Sync, E: Send>(
    head: Vec<u8>,
    items: &[T],
    encode: impl Fn(&T) -> Result<Vec<u8>, E> + Sync,
) -> Result<Vec<u8>, E> {
    let mut out = head;
    out.push(b'[');
    // A window of visits at a time, so that the encoded visits are not held twice (as parts
    // and in `out`): for 10,000 visits that was 230 MB more.
    for (w, window) in items.chunks(WINDOW).enumerate() {
        let parts = crate::par::map(window, &encode);
        if w == 0 {
            // Room for all visits at the first window's size per visit, and a tenth more: one
            // allocation instead of a doubling (and a copy) each time the buffer is full.
            let first: usize = parts.iter().flatten().map(|p| p.len() + 1).sum();
            let windows = items.len().div_ceil(WINDOW);
            let estimate = first
                .saturating_mul(windows)
                .saturating_add(first / 10 * windows);
            // Only an estimate: if that much cannot be had, the buffer grows as it goes.
            let _ = out.try_reserve(estimate);
        }
        for (i, part) in parts.into_iter().enumerate() {
            if w > 0 || i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&part?);
        }
    }
    out.extend_from_slice(b"]}\n");
    Ok(out)
}

#[derive(Deserialize)]
struct Header {
    #[serde(default)]
    format: Option<Value>,
    #[serde(default)]
    version: Option<Value>,
}

/// The bundle with its visits still unparsed: the envelope is read (and the whole text checked
/// for well-formed JSON) in one pass, then the visits are parsed and checked on all cores.
#[derive(Deserialize)]
struct Envelope<'a> {
    format: String,
    version: u32,
    exported_at: DateTime<Utc>,
    #[serde(default)]
    exported_by: String,
    #[serde(default)]
    includes_trash: bool,
    #[serde(borrow)]
    visits: Vec<&'a RawValue>,
}

/// Parses and validates a bundle; on error nothing has been changed anywhere.
pub fn parse(bytes: &[u8]) -> Result<Bundle, BundleError> {
    let (mut bundle, visits) = parse_each(bytes, |_, h| h)?;
    bundle.visits = visits;
    Ok(bundle)
}

/// Parses and validates a bundle visit by visit, on all cores, handing each visit (with its
/// place in the bundle) to `take` as soon as it is read and checked: an import writes a visit
/// from there, instead of holding every parsed visit of a large bundle. Gives the envelope
/// (with no visits) and what `take` made of each visit, in the bundle's order. The bundle as
/// a whole is valid only if this returns `Ok`: checks across visits (duplicates) come after
/// every `take`, so a caller that wrote from `take` must undo that on `Err`.
pub fn parse_each<R: Send>(
    bytes: &[u8],
    take: impl Fn(usize, VisitHistory) -> R + Sync,
) -> Result<(Bundle, Vec<R>), BundleError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let (line, column) = position(bytes, e.valid_up_to());
            return Err(BundleError::NotUtf8 { line, column });
        }
    };
    if text.trim().is_empty() {
        return Err(BundleError::Empty);
    }
    let envelope: Envelope = match serde_json::from_str(text) {
        Ok(b) => b,
        Err(e) => {
            // Look at the envelope alone, so that a newer version is named as such rather than
            // as whatever field it changed.
            let header: Header = serde_json::from_str(text).map_err(syntax_error)?;
            check_header(&header)?;
            return Err(match field_error::locate::<Envelope>(text) {
                Some((path, problem)) => BundleError::Field(Box::new(FieldError {
                    visit: None,
                    path,
                    problem,
                    line: e.line(),
                    column: e.column(),
                })),
                None => invalid(&e, e.line(), e.column()),
            });
        }
    };
    check_header(&Header {
        format: Some(Value::from(envelope.format.clone())),
        version: Some(Value::from(envelope.version)),
    })?;
    let numbered: Vec<(usize, &RawValue)> = envelope.visits.iter().copied().enumerate().collect();
    let legacy = envelope.version < VERSION;
    let read = crate::par::map(&numbered, |&(i, raw)| {
        let mut h: VisitHistory = serde_json::from_str(raw.get()).map_err(|e| {
            // Only now is the visit parsed again, to learn where it went wrong.
            let (line, column) = position_within(text, raw.get(), e.line(), e.column());
            match field_error::locate::<VisitHistory>(raw.get()) {
                Some((path, problem)) => BundleError::Field(Box::new(FieldError {
                    visit: Some(VisitRef::read(raw.get(), i)),
                    path,
                    problem,
                    line,
                    column,
                })),
                None => invalid(&e, line, column),
            }
        })?;
        check_visit(&h)?;
        // A broken chain is reported after the checks across visits: an event id copied into
        // another visit is named as such, not as the altered event it also is.
        if legacy {
            chain::seal_all(&mut h.history, None);
        } else if let Err(e) = check_chain(&h) {
            return Ok((Identity::of(&h), Err(e)));
        }
        Ok((Identity::of(&h), Ok(take(i, h))))
    });
    let mut identities = Vec::with_capacity(read.len());
    let mut taken = Vec::with_capacity(read.len());
    for r in read {
        let (identity, t) = r?;
        identities.push(identity);
        taken.push(t);
    }
    check_identities(&identities)?;
    let taken = taken.into_iter().collect::<Result<Vec<R>, BundleError>>()?;
    let bundle = Bundle {
        format: envelope.format,
        version: envelope.version,
        exported_at: envelope.exported_at,
        exported_by: envelope.exported_by,
        includes_trash: envelope.includes_trash,
        visits: Vec::new(),
    };
    Ok((bundle, taken))
}

fn invalid(e: &serde_json::Error, line: usize, column: usize) -> BundleError {
    BundleError::Invalid {
        line,
        column,
        detail: strip_position(&e.to_string()),
    }
}

/// serde_json's line and column (columns counted in bytes) of a spot in `part`, a slice of
/// `whole`, as a line and column in `whole`.
fn position_within(whole: &str, part: &str, line: usize, column: usize) -> (usize, usize) {
    let start = (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize);
    let line_start = part
        .bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .nth(line.saturating_sub(2))
        .map_or(0, |(i, _)| i + 1);
    let line_start = if line <= 1 { 0 } else { line_start };
    let at = (start + line_start + column).min(whole.len());
    let before = &whole.as_bytes()[..at];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = at
        - before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |p| p + 1);
    (line, column)
}

fn check_header(header: &Header) -> Result<(), BundleError> {
    if header.format.as_ref().and_then(Value::as_str) != Some(FORMAT) {
        return Err(BundleError::NotABundle);
    }
    match &header.version {
        Some(v)
            if v.as_u64()
                .is_some_and(|n| (u64::from(OLDEST_VERSION)..=u64::from(VERSION)).contains(&n)) =>
        {
            Ok(())
        }
        Some(Value::String(s)) => Err(BundleError::VersionNotNumber { found: s.clone() }),
        Some(v) => Err(BundleError::WrongVersion {
            found: v.to_string(),
        }),
        None => Err(BundleError::WrongVersion { found: "-".into() }),
    }
}

fn syntax_error(e: serde_json::Error) -> BundleError {
    let (line, column) = (e.line(), e.column());
    match e.classify() {
        serde_json::error::Category::Eof => BundleError::Truncated { line, column },
        serde_json::error::Category::Data => BundleError::NotABundle,
        _ => BundleError::Syntax {
            line,
            column,
            detail: strip_position(&e.to_string()),
        },
    }
}

/// serde_json appends " at line L column C"; the message says that in the user's language.
pub(super) fn strip_position(s: &str) -> String {
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s.to_string(),
    }
}

/// 1-based line and column (in characters) of byte `offset`.
fn position(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, column)
}

/// Checks what JSON parsing cannot: identities, histories, sizes.
pub fn validate(bundle: &Bundle) -> Result<(), BundleError> {
    check_identities(&bundle.visits.iter().map(Identity::of).collect::<Vec<_>>())?;
    // The expensive checks, visit by visit, on all cores.
    crate::par::map(&bundle.visits, |h| {
        check_visit(h).and_then(|()| check_chain(h))
    })
    .into_iter()
    .collect::<Result<Vec<()>, BundleError>>()?;
    Ok(())
}

/// What [`check_identities`] needs of a visit, taken while the visit is at hand.
struct Identity {
    visit: Uuid,
    from_creation: bool,
    /// Every event of its log (merged branches too), with the visit the event names and its
    /// hash.
    events: Vec<(Uuid, Uuid, String)>,
}

impl Identity {
    fn of(h: &VisitHistory) -> Identity {
        let mut all = Vec::new();
        flatten(&h.history, &mut all);
        Identity {
            visit: h.visit.id,
            from_creation: starts_with_creation(&h.history),
            events: all
                .into_iter()
                .map(|e| (e.id, e.visit, e.hash.clone()))
                .collect(),
        }
    }
}

/// Every visit once, every event once and under its own visit, every log from a creation.
fn check_identities(all: &[Identity]) -> Result<(), BundleError> {
    let mut visits = HashSet::new();
    let mut events: HashMap<Uuid, (Uuid, &str)> = HashMap::new();
    for identity in all {
        let id = identity.visit;
        if !visits.insert(id) {
            return Err(BundleError::DuplicateVisit(id));
        }
        if !identity.from_creation {
            return Err(BundleError::NoCreation(id));
        }
        for (event, visit, hash) in &identity.events {
            let event = *event;
            if *visit != id {
                return Err(BundleError::ForeignEvent { visit: id, event });
            }
            // One event may stand in two branches of a merge (a laptop merged one side's
            // event, the other kept building on it): the same event, so the same hash.
            match events.insert(event, (id, hash.as_str())) {
                Some((v, h)) if v == id && h == hash && !h.is_empty() => {}
                Some(_) => return Err(BundleError::DuplicateEvent { visit: id, event }),
                None => {}
            }
        }
    }
    Ok(())
}

/// Item ids, text sizes, and the history leading to the content.
fn check_visit(h: &VisitHistory) -> Result<(), BundleError> {
    let id = h.visit.id;
    if let Some(item) = h.visit.problems().into_iter().find_map(|p| match p {
        Problem::DuplicateId(x) => Some(x),
        _ => None,
    }) {
        return Err(BundleError::DuplicateItem { visit: id, item });
    }
    let content = merge::content(&h.visit);
    if let Some((path, bytes)) = long_text(&content) {
        return Err(BundleError::TextTooLong {
            visit: id,
            path,
            bytes,
        });
    }
    let (state, revision) = merge::replay_borrowed(&h.history)
        .map_err(|detail| BundleError::BadHistory { visit: id, detail })?;
    if revision != h.visit.revision || !crate::domain::same_content(&state, &content) {
        return Err(BundleError::HistoryNotVisit {
            visit: id,
            replayed: revision,
            revision: h.visit.revision,
        });
    }
    Ok(())
}

/// Every event matches its hash and follows the one before it (bundles of version 2).
fn check_chain(h: &VisitHistory) -> Result<(), BundleError> {
    chain::verify(&h.history).map_err(|e| BundleError::BrokenChain {
        visit: h.visit.id,
        event: e.event(),
        altered: !matches!(e, chain::ChainError::BadLink(_)),
    })
}

/// A log starts with the visit's creation — or, for a visit created on two laptops
/// independently, with the merge of the branches that each start with one.
fn starts_with_creation(events: &[crate::domain::AuditEvent]) -> bool {
    match events.first() {
        Some(e) if e.action == AuditAction::Create => true,
        Some(e) if e.action == AuditAction::Import && !e.branches.is_empty() => {
            e.branches.iter().all(|b| starts_with_creation(b))
        }
        _ => false,
    }
}

fn flatten<'a>(
    events: &'a [crate::domain::AuditEvent],
    out: &mut Vec<&'a crate::domain::AuditEvent>,
) {
    for e in events {
        out.push(e);
        for b in &e.branches {
            flatten(b, out);
        }
    }
}

/// The first text longer than [`MAX_TEXT`] in `v`: its path and length. The path is built
/// only for that one (every visit of an import is searched).
fn long_text(v: &Value) -> Option<(String, usize)> {
    let mut path = Vec::new();
    let bytes = find_long(v, &mut path)?;
    path.reverse();
    Some((path.join("/"), bytes))
}

/// Pushes the path's segments last to first.
fn find_long(v: &Value, path: &mut Vec<String>) -> Option<usize> {
    match v {
        Value::String(s) if s.len() > MAX_TEXT => Some(s.len()),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, x)| {
            let bytes = find_long(x, path)?;
            let seg = x.get("id").and_then(Value::as_str);
            path.push(seg.map_or_else(|| i.to_string(), str::to_string));
            Some(bytes)
        }),
        Value::Object(m) => m.iter().find_map(|(k, x)| {
            let bytes = find_long(x, path)?;
            path.push(k.clone());
            Some(bytes)
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_schema_matches_the_envelope_we_write() {
        let schema: Value =
            serde_json::from_str(include_str!("../../assets/schema/bundle-v2.schema.json"))
                .expect("schema is JSON");
        assert_eq!(schema["properties"]["format"]["const"], FORMAT);
        assert_eq!(schema["properties"]["version"]["const"], VERSION);
        let b = Bundle::new(Vec::new(), chrono::Utc::now(), "t", false);
        let written = serde_json::to_value(&b).unwrap();
        for key in schema["required"].as_array().unwrap() {
            assert!(written.get(key.as_str().unwrap()).is_some(), "{key}");
        }
    }

    #[test]
    fn bundle_bytes_are_those_of_serde_json() {
        let visits: Vec<VisitHistory> = crate::synth::visits(70, 5)
            .into_iter()
            .map(|v| VisitHistory {
                history: Vec::new(),
                trashed: None,
                visit: v,
            })
            .collect();
        for n in [0, 1, 70] {
            let b = Bundle::new(visits[..n].to_vec(), chrono::Utc::now(), "t \"x\"", true);
            let mut want = serde_json::to_vec(&b).unwrap();
            want.push(b'\n');
            assert_eq!(to_json(&b).unwrap(), want, "{n} visits");
        }
    }

    #[test]
    fn positions_are_one_based_lines_and_character_columns() {
        assert_eq!(position(b"ab\ncd", 4), (2, 2));
        assert_eq!(position("é\nx".as_bytes(), 0), (1, 1));
        assert_eq!(position("aé".as_bytes(), 3), (1, 3));
    }
}
