//! Where Pantau keeps its files on each platform.

use std::path::PathBuf;

use directories::ProjectDirs;

fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("id", "KSP", "Pantau")
}

/// The default database: the platform's user data folder (e.g. `~/.local/share/pantau/db`,
/// `%APPDATA%\KSP\Pantau\data\db`, `~/Library/Application Support/id.KSP.Pantau/db`).
pub fn default_db() -> Option<PathBuf> {
    project_dirs().map(|d| d.data_dir().join("db"))
}

/// The user's configuration file (language, key overrides).
pub fn config_file() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("config.toml"))
}
