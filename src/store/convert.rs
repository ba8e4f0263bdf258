//! Turning a plain database into an encrypted one and back (`pantau encrypt`, `pantau
//! decrypt`), safe against a kill at any point.
//!
//! The converted copy is built in a sibling folder, `<db>.pantau-converting`, checked by
//! opening it (with `pantau check`'s checks), and only then swapped in: the marker
//! `<db>.pantau-convert` is written (synced), the database folder is renamed to
//! `<db>.pantau-old`, the copy is renamed into its place, the old folder is removed, then the
//! marker. [`recover`] runs before every open and finishes whatever a killed conversion left:
//! with the marker, the swap is completed (the copy was verified before the marker was
//! written); without it, a half-built copy is removed and the database is the old one. So
//! the database opens at any point, as the old one or the new one, never neither.

use std::path::{Path, PathBuf};

use super::tally::{self, Kind, Tally};
use super::vault::{self, Vault};
use super::{Result, Store, StoreError, keys};

/// A step of a conversion, for tests that stop the process there (see [`Store::convert`]).
pub const STEPS: &[&str] = &[
    "building",
    "copied",
    "verified",
    "marked",
    "moved-old",
    "swapped",
    "done",
];

/// What a conversion makes of the database.
pub enum Target<'a> {
    /// Encrypted, under this new passphrase.
    Encrypted(&'a str),
    /// Plain.
    Plain,
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "pantau-db".into());
    name.push(suffix);
    path.with_file_name(name)
}

fn building(path: &Path) -> PathBuf {
    sibling(path, ".pantau-converting")
}

fn old(path: &Path) -> PathBuf {
    sibling(path, ".pantau-old")
}

fn marker(path: &Path) -> PathBuf {
    sibling(path, ".pantau-convert")
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |e| StoreError::Io {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

fn parent(path: &Path) -> PathBuf {
    path.parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Finishes or undoes a conversion a killed process left (see the module's text).
pub(super) fn recover(path: &Path) -> Result<()> {
    let (new, old, marker) = (building(path), old(path), marker(path));
    if marker.exists() {
        if new.exists() {
            if path.exists() && !old.exists() {
                std::fs::rename(path, &old).map_err(io(path))?;
            }
            if !path.exists() {
                std::fs::rename(&new, path).map_err(io(path))?;
            }
            vault::sync_dir(&parent(path));
        }
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(io(&old))?;
        }
        std::fs::remove_file(&marker).map_err(io(&marker))?;
        vault::sync_dir(&parent(path));
    } else if new.exists() {
        std::fs::remove_dir_all(&new).map_err(io(&new))?;
    }
    Ok(())
}

impl Store {
    /// Converts the database at `path` (unlocked with `passphrase` if it is encrypted) to
    /// `target`. `stop` is called after each step of [`STEPS`] (tests end the process there).
    /// Returns the converted database, open.
    pub fn convert(
        path: &Path,
        passphrase: Option<&str>,
        target: Target,
        stop: &dyn Fn(&str),
    ) -> Result<Store> {
        let source = Store::open_with(path, passphrase)?;
        let new = building(path);
        stop("building");
        let (vault, pass) = match target {
            Target::Encrypted(p) => {
                let (vault, header) = Vault::create(p)?;
                crate::private_fs::ensure_private_dir(&new).map_err(io(&new))?;
                vault::write_header(&new, &header)?;
                (vault, Some(p))
            }
            Target::Plain => (Vault::plain(), None),
        };
        let copy = super::open::open(&new, &vault)?;
        source.copy_records(&copy)?;
        copy_files(path, &new)?;
        let held = (source.tally(), copy.tally());
        copy.close();
        stop("copied");
        // Opened as any start would open it, and checked as `pantau check` does.
        let check = Store::open_with(&new, pass)?;
        let report = check.check();
        let t = check.tally();
        check.close();
        if !report.is_clean()
            || (held.0.visits, held.0.trash, held.0.events) != (t.visits, t.trash, t.events)
            || held.1 != t
        {
            let _ = std::fs::remove_dir_all(&new);
            return Err(StoreError::Write(format!(
                "the converted copy did not check out: {} problems",
                report.problems.len()
            )));
        }
        stop("verified");
        source.close();
        vault::write_synced(&marker(path), b"converted copy verified\n").map_err(io(path))?;
        vault::sync_dir(&parent(path));
        stop("marked");
        std::fs::rename(path, old(path)).map_err(io(path))?;
        stop("moved-old");
        std::fs::rename(&new, path).map_err(io(path))?;
        vault::sync_dir(&parent(path));
        stop("swapped");
        std::fs::remove_dir_all(old(path)).map_err(io(path))?;
        std::fs::remove_file(marker(path)).map_err(io(path))?;
        vault::sync_dir(&parent(path));
        stop("done");
        Store::open_with(path, pass)
    }

    /// Rewraps the data key of this encrypted database under `passphrase` (the values stay
    /// as they are).
    pub fn change_passphrase(&self, passphrase: &str) -> Result<()> {
        let header = self.shared.vault.wrap(passphrase)?;
        vault::write_header(&self.path, &header)
    }

    /// Every record of this database, written into `to` (sealed with its vault), and its
    /// tally counted and noted.
    fn copy_records(&self, to: &Store) -> Result<()> {
        let from = self.h()?;
        let dst = to.h()?;
        let trees = [
            (&from.visits, &dst.visits, keys::VISITS, Kind::Visit),
            (&from.trash, &dst.trash, keys::TRASH, Kind::Trash),
            (&from.audit, &dst.audit, keys::AUDIT, Kind::Event),
            (
                &from.summaries,
                &dst.summaries,
                keys::SUMMARIES,
                Kind::Summary,
            ),
            (&from.facts, &dst.facts, keys::FACTS, Kind::Fact),
        ];
        let write = |e: sled::Error| StoreError::Write(e.to_string());
        for (src, out, name, kind) in trees {
            let mut err = None;
            tally::scan(src, name, self.limit(kind), |k, v| {
                let plain = from.vault.open(name, k, v)?;
                if let Err(e) = out.insert(k, dst.seal(name, k, &plain)?) {
                    err = Some(e);
                }
                Ok(())
            })?;
            if let Some(e) = err {
                return Err(write(e));
            }
        }
        // Settings kept with the data: the interview positions, drafts, the journal.
        for kv in &from.meta {
            let (k, v) = kv.map_err(super::read_error)?;
            if &*k == keys::SCHEMA_VERSION || k.starts_with(keys::IMPORT_PENDING) {
                continue;
            }
            let plain = from.vault.open(keys::META, &k, &v)?;
            dst.meta
                .insert(&k, dst.seal(keys::META, &k, &plain)?)
                .map_err(write)?;
        }
        dst.db.flush().map_err(write)?;
        let now = tally::count(&dst, &Tally::unbounded())?;
        to.shared.mark.write(&now, super::mark::Pending::None);
        *to.shared
            .tally
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = now;
        Ok(())
    }
}

/// The files Pantau keeps in the folder besides sled's that are not rebuilt by themselves:
/// what the database knows of its central server. (The search index is rebuilt, sealed, at
/// the next search; the commit mark and the fingerprint are the copy's own.)
fn copy_files(from: &Path, to: &Path) -> Result<()> {
    let name = crate::central::state::FILE;
    match std::fs::read(from.join(name)) {
        Ok(bytes) => vault::write_synced(&to.join(name), &bytes).map_err(io(to)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io(from)(e)),
    }
}
