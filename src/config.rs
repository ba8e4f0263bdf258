//! The user's configuration file (platform config folder): language and key overrides.
//! A missing or malformed file never stops the app; it falls back to the defaults.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Config {
    #[serde(default)]
    pub lang: Option<Lang>,
    /// An interview guide file to use instead of the built-in one (`--guide` wins).
    #[serde(default)]
    pub guide: Option<std::path::PathBuf>,
    /// The central server's URL for `pantau sync` (`--central` and `PANTAU_CENTRAL` win).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub central: Option<String>,
    /// Key overrides: action name → list of keys, on top of the shipped keymap.
    #[serde(default)]
    pub keys: std::collections::BTreeMap<String, Vec<String>>,
}

impl Config {
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

/// Where the configuration file is: `PANTAU_CONFIG`, else the platform config folder.
pub fn path() -> Option<std::path::PathBuf> {
    std::env::var_os("PANTAU_CONFIG")
        .map(Into::into)
        .or_else(crate::paths::config_file)
}

/// The user's configuration, or the defaults when there is none or it cannot be read.
pub fn current() -> Config {
    path()
        .and_then(|p| Config::load(&p).ok())
        .unwrap_or_default()
}

/// The language saved from the app, if any.
pub fn saved_lang() -> Option<Lang> {
    current().lang
}
