//! The user's configuration file (platform config folder): language, guide and key overrides.
//!
//! It is read once per run into [`Settings`], which the CLI and the app share. A bad file never
//! stops Pantau, and never silently: every problem is reported once (stderr for a command, the
//! status line in the app), and whatever is valid is kept — a bad `lang` does not drop `[keys]`,
//! a syntax error in one table does not drop the others, and a keymap that would leave no way
//! to quit keeps the shipped quit keys.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, t, tf};
use crate::keymap::Keymap;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Config {
    #[serde(default)]
    pub lang: Option<Lang>,
    /// An interview guide file to use instead of the built-in one (`--guide` wins).
    #[serde(default)]
    pub guide: Option<std::path::PathBuf>,
    /// The number of a Berita Acara, e.g. "BA-{seq}/KSP/{roman month}/{year}" (the default);
    /// `{seq}`, `{roman month}`, `{month}`, `{year}`, `{day}` and `{district}` are filled in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    /// The central server's URL for `pantau sync` (`--central` and `PANTAU_CENTRAL` win).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub central: Option<String>,
    /// How many months after a visit is final the personal data of recipients and heirs is
    /// kept (`pantau retention` lists the visits past it; `pantau erase` removes it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_months: Option<u32>,
    /// Minutes without a key or mouse event after which the app of an encrypted database locks
    /// (0: never; a fraction is allowed, `0.5` is half a minute). Default [`DEFAULT_LOCK_MINUTES`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock_after_minutes: Option<f64>,
    /// Key overrides: action name → list of keys, on top of the shipped keymap.
    #[serde(default)]
    pub keys: std::collections::BTreeMap<String, Vec<String>>,
}

/// Idle minutes before the app of an encrypted database locks, when `config.toml` does not say.
pub const DEFAULT_LOCK_MINUTES: f64 = 10.0;

impl Config {
    /// How long the app of an encrypted database waits, with no key or mouse event, before it
    /// locks; `None`: never (`lock_after_minutes = 0`).
    pub fn lock_after(&self) -> Option<std::time::Duration> {
        let minutes = self.lock_after_minutes.unwrap_or(DEFAULT_LOCK_MINUTES);
        // A week at most: beyond that it is "never" in practice, and the sum cannot overflow.
        (minutes > 0.0).then(|| std::time::Duration::from_secs_f64(minutes.min(10_080.0) * 60.0))
    }

    /// The file as it is, all or nothing (for tools and tests; Pantau reads [`Settings`]).
    pub fn load(path: &Path) -> Result<Config, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| e.to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(e.to_string()),
        }
    }

    pub fn save(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        let text = toml::to_string_pretty(self).map_err(|e| e.to_string())?;
        // Write then rename, so a crash never leaves half a config.
        let tmp = path.with_extension("toml.tmp");
        std::fs::write(&tmp, text).map_err(|e| e.to_string())?;
        std::fs::rename(&tmp, path).map_err(|e| e.to_string())
    }
}

/// One thing wrong with the configuration file.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The file exists but cannot be read.
    Unreadable(String),
    /// Not UTF-8 text (a binary file): nothing in it is used.
    NotText,
    /// Not valid TOML at `line`:`col`; the tables that parse on their own are kept.
    Syntax {
        line: usize,
        col: usize,
        message: String,
    },
    /// `lang` is neither "id" nor "en".
    Lang(String),
    /// `guide` is not a path.
    Guide,
    /// A setting that must be text (`document_number`, `central`) is not.
    NotString(String),
    /// A setting that must be a whole number (`retention_months`) is not.
    NotCount(String),
    /// `lock_after_minutes` is not a number of minutes (0 or more).
    LockAfter(String),
    /// Keys Pantau does not know, at the top of the file.
    Unknown(Vec<String>),
    /// `[keys]` entries that were not used (unknown action, unknown key, not a list of keys).
    Keys(Vec<String>),
    /// The overrides left no key that quits; the shipped quit keys were kept.
    NoQuit(String),
}

impl Problem {
    /// The message, naming the file at `path`.
    pub fn message(&self, lang: Lang, path: &Path) -> String {
        let p = path.display();
        match self {
            Problem::Unreadable(detail) => tf(lang, "hardening.config_unreadable", &[&p, detail]),
            Problem::NotText => tf(lang, "hardening.config_not_text", &[&p]),
            Problem::Syntax { line, col, message } => tf(
                lang,
                "hardening.config_syntax",
                &[&format!("{p}:{line}:{col}"), message],
            ),
            Problem::Lang(value) => tf(lang, "hardening.config_lang", &[&p, value]),
            Problem::Guide => tf(lang, "hardening.config_guide", &[&p]),
            Problem::NotString(name) => tf(lang, "hardening.config_not_string", &[&p, name]),
            Problem::NotCount(name) => tf(lang, "hardening.config_not_count", &[&p, name]),
            Problem::LockAfter(value) => tf(lang, "hardening.config_lock_after", &[&p, value]),
            Problem::Unknown(keys) => tf(lang, "hardening.config_unknown", &[&p, &keys.join(", ")]),
            Problem::Keys(entries) => tf(lang, "notice.keymap_bad", &[&entries.join(", ")]),
            Problem::NoQuit(keys) => tf(lang, "hardening.config_no_quit", &[&p, keys]),
        }
    }

    /// Whether saving the file from what was understood of it would lose something the user
    /// wrote (so the app must not rewrite it).
    fn loses_text(&self) -> bool {
        !matches!(self, Problem::Keys(_) | Problem::NoQuit(_))
    }
}

/// The configuration as this run uses it: read once, with its problems and the keymap it makes.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the file is (or would be); `None` when there is no config folder at all.
    pub path: Option<PathBuf>,
    pub config: Config,
    pub keymap: Keymap,
    pub problems: Vec<Problem>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from_config(None, Config::default())
    }
}

impl Settings {
    /// The user's settings from [`path`].
    pub fn load() -> Settings {
        Settings::from_path(path())
    }

    pub fn from_path(path: Option<PathBuf>) -> Settings {
        let bytes = match path.as_deref().map(std::fs::read) {
            None => None,
            Some(Ok(bytes)) => Some(bytes),
            Some(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => None,
            Some(Err(e)) => {
                let mut s = Settings::from_config(path, Config::default());
                s.problems.insert(0, Problem::Unreadable(e.to_string()));
                return s;
            }
        };
        let (config, mut problems) = match bytes {
            Some(b) => read(&b),
            None => (Config::default(), Vec::new()),
        };
        let mut s = Settings::from_config(path, config);
        // Entries that were not lists and entries the keymap refused: one message.
        for p in std::mem::take(&mut s.problems) {
            match (
                problems.iter_mut().find(|q| matches!(q, Problem::Keys(_))),
                p,
            ) {
                (Some(Problem::Keys(have)), Problem::Keys(more)) => have.extend(more),
                (_, p) => problems.push(p),
            }
        }
        s.problems = problems;
        s
    }

    /// Settings from a configuration already read: the keymap with its overrides checked.
    pub fn from_config(path: Option<PathBuf>, config: Config) -> Settings {
        let (keymap, problems) = keymap_for(&config.keys);
        Settings {
            path,
            config,
            keymap,
            problems,
        }
    }

    /// Every problem, one message each.
    pub fn messages(&self, lang: Lang) -> Vec<String> {
        let path = self
            .path
            .clone()
            .unwrap_or_else(|| PathBuf::from("config.toml"));
        self.problems
            .iter()
            .map(|p| p.message(lang, &path))
            .collect()
    }
}

/// Remembers the language in the file at `path`, unless the file holds something Pantau could
/// not understand: rewriting it from what was understood would drop that.
pub fn save_lang(path: &Path, lang: Lang) -> Result<(), String> {
    // Read again: the file may have been fixed (or broken) since the start.
    let now = Settings::from_path(Some(path.to_path_buf()));
    if now.problems.iter().any(Problem::loses_text) {
        return Err(tf(lang, "hardening.config_not_saved", &[&path.display()]));
    }
    let mut cfg = now.config;
    cfg.lang = Some(lang);
    cfg.save(path)
}

/// Reads the file's bytes: what is valid, and what is not.
fn read(bytes: &[u8]) -> (Config, Vec<Problem>) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return (Config::default(), vec![Problem::NotText]);
    };
    if text.contains('\0') {
        return (Config::default(), vec![Problem::NotText]);
    }
    let mut problems = Vec::new();
    let table = match text.parse::<toml::Table>() {
        Ok(t) => t,
        Err(e) => {
            let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            problems.push(Problem::Syntax {
                line,
                col,
                message: e.message().trim().to_string(),
            });
            salvage(text)
        }
    };
    let config = from_table(table, &mut problems);
    (config, problems)
}

/// The tables of a file that does not parse as a whole, each that parses on its own: a typo
/// under `[keys]` keeps `lang`, and one in the language line keeps `[keys]`.
fn salvage(text: &str) -> toml::Table {
    let mut chunks: Vec<String> = vec![String::new()];
    for line in text.lines() {
        let l = line.trim_start();
        if l.starts_with('[') && !l.starts_with("[[") {
            chunks.push(String::new());
        }
        let last = chunks.last_mut().expect("one chunk at least");
        last.push_str(line);
        last.push('\n');
    }
    let mut out = toml::Table::new();
    for chunk in chunks {
        // The root chunk: line by line, so one bad line keeps the others.
        let parsed = chunk.parse::<toml::Table>().ok().or_else(|| {
            if chunk.trim_start().starts_with('[') {
                return None;
            }
            let mut t = toml::Table::new();
            for line in chunk.lines() {
                if let Ok(one) = line.parse::<toml::Table>() {
                    t.extend(one);
                }
            }
            Some(t)
        });
        for (k, v) in parsed.unwrap_or_default() {
            match (out.get_mut(&k), v) {
                (Some(toml::Value::Table(have)), toml::Value::Table(more)) => have.extend(more),
                (_, v) => {
                    out.insert(k, v);
                }
            }
        }
    }
    out
}

fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The configuration from a parsed table, field by field.
fn from_table(mut table: toml::Table, problems: &mut Vec<Problem>) -> Config {
    let mut config = Config::default();
    if let Some(v) = table.remove("lang") {
        match v.as_str().and_then(exact_lang) {
            Some(l) => config.lang = Some(l),
            None => problems.push(Problem::Lang(match v.as_str() {
                Some(s) => s.to_string(),
                None => v.to_string(),
            })),
        }
    }
    if let Some(v) = table.remove("guide") {
        match v.as_str() {
            Some(s) if !s.trim().is_empty() => config.guide = Some(PathBuf::from(s)),
            _ => problems.push(Problem::Guide),
        }
    }
    for (name, slot) in [
        ("document_number", &mut config.document_number),
        ("central", &mut config.central),
    ] {
        if let Some(v) = table.remove(name) {
            match v.as_str() {
                Some(s) if !s.trim().is_empty() => *slot = Some(s.to_string()),
                _ => problems.push(Problem::NotString(name.to_string())),
            }
        }
    }
    if let Some(v) = table.remove("retention_months") {
        match v.as_integer().and_then(|n| u32::try_from(n).ok()) {
            Some(n) if n > 0 => config.retention_months = Some(n),
            _ => problems.push(Problem::NotCount("retention_months".into())),
        }
    }
    if let Some(v) = table.remove("lock_after_minutes") {
        let minutes = match &v {
            toml::Value::Integer(i) => Some(*i as f64),
            toml::Value::Float(f) => Some(*f),
            _ => None,
        };
        match minutes {
            Some(m) if m.is_finite() && m >= 0.0 => config.lock_after_minutes = Some(m),
            _ => problems.push(Problem::LockAfter(v.to_string())),
        }
    }
    let mut bad_keys = Vec::new();
    match table.remove("keys") {
        None => {}
        Some(toml::Value::Table(keys)) => {
            for (name, v) in keys {
                let list = v.as_array().and_then(|a| {
                    a.iter()
                        .map(|k| k.as_str().map(str::to_string))
                        .collect::<Option<Vec<_>>>()
                });
                match list {
                    Some(list) => {
                        config.keys.insert(name, list);
                    }
                    None => bad_keys.push(name),
                }
            }
        }
        Some(_) => bad_keys.push("keys".into()),
    }
    if !bad_keys.is_empty() {
        problems.push(Problem::Keys(bad_keys));
    }
    if !table.is_empty() {
        problems.push(Problem::Unknown(table.keys().cloned().collect()));
    }
    config
}

/// "id" or "en" as the app writes them; anything else is a problem to report, not a guess.
fn exact_lang(s: &str) -> Option<Lang> {
    match s.trim() {
        "id" => Some(Lang::Id),
        "en" => Some(Lang::En),
        _ => None,
    }
}

/// The shipped keymap with `overrides`, what of them could not be used, and the shipped quit
/// keys back if the overrides left none.
fn keymap_for(overrides: &BTreeMap<String, Vec<String>>) -> (Keymap, Vec<Problem>) {
    let mut keymap = Keymap::shipped();
    let mut problems = Vec::new();
    let bad = keymap.apply_overrides(overrides);
    if !bad.is_empty() {
        problems.push(Problem::Keys(bad));
    }
    if !keymap.can_quit() {
        keymap.restore_quit();
        problems.push(Problem::NoQuit(keymap.quit_label()));
    }
    (keymap, problems)
}

/// Where the configuration file is: `PANTAU_CONFIG`, else the platform config folder.
pub fn path() -> Option<std::path::PathBuf> {
    std::env::var_os("PANTAU_CONFIG")
        .map(Into::into)
        .or_else(crate::paths::config_file)
}

/// Every problem in one line, for the status line; `None` when all is well.
pub fn summary(lang: Lang, settings: &Settings) -> Option<String> {
    let all = settings.messages(lang);
    (!all.is_empty()).then(|| all.join(t(lang, "hardening.config_separator")))
}

#[cfg(test)]
mod tests;
