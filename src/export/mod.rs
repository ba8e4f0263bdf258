//! Everything that leaves or enters Pantau as a file: the visit report (Markdown, HTML), data
//! exports (JSON bundle, CSV, XLSX) and bundle import.
//!
//! The TUI needs one call: [`write_report`] (with [`default_report_name`] for the file name).

pub mod answers;
pub mod bundle;
mod bundle_error;
mod csv_out;
pub mod documents;
mod docx_out;
pub mod field_error;
pub mod html;
pub mod md;
pub mod report;
pub mod roles;
pub mod sealed;
pub mod tables;
mod xlsx_out;

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::domain::merge::VisitHistory;
use crate::domain::{Visit, VisitStatus};
use crate::i18n::{Lang, tf};
use crate::store::{ImportSummary, Store, StoreError};

pub use bundle::{Bundle, BundleError};

/// The two report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportFormat {
    Markdown,
    Html,
}

impl ReportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Markdown => "md",
            ReportFormat::Html => "html",
        }
    }
}

/// The formats of the visit documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocFormat {
    Markdown,
    Html,
    Docx,
}

impl DocFormat {
    pub const ALL: [DocFormat; 3] = [DocFormat::Html, DocFormat::Docx, DocFormat::Markdown];

    pub fn extension(self) -> &'static str {
        match self {
            DocFormat::Markdown => "md",
            DocFormat::Html => "html",
            DocFormat::Docx => "docx",
        }
    }
}

/// Anything that can go wrong exporting or importing, with a message in the user's language.
#[derive(Debug)]
pub enum ExportError {
    Store(StoreError),
    /// Reading or writing a file failed.
    Io {
        path: PathBuf,
        detail: String,
    },
    /// A bundle was refused; `file` names it.
    Bundle {
        file: PathBuf,
        problem: BundleError,
    },
    /// A sealed bundle does not open (or a seal cannot be made); `file` names it.
    Sealed {
        file: PathBuf,
        problem: sealed::SealError,
    },
    /// The filters leave no visit.
    NothingToExport,
    /// The format writes several files or a binary file: `-o` is required.
    NeedOutput {
        format: &'static str,
    },
    /// Writing the workbook or the CSV failed.
    Encode(String),
    /// A filter value could not be read (`--from 2022-13-01`).
    BadFilter(String),
    /// A request refused for a reason already said in the user's language.
    Refused(String),
    /// The backup an import takes before it writes could not be written: nothing imported.
    BackupFailed(String),
}

impl ExportError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ExportError::Store(e) => e.message(lang),
            ExportError::Io { path, detail } => tf(lang, "export.io", &[&path.display(), detail]),
            ExportError::Bundle { file, problem } => tf(
                lang,
                "import.refused",
                &[&file.display(), &problem.message(lang)],
            ),
            ExportError::Sealed { file, problem } => tf(
                lang,
                "import.refused",
                &[&file.display(), &problem.message(lang)],
            ),
            ExportError::NothingToExport => tf(lang, "export.nothing", &[]),
            ExportError::NeedOutput { format } => tf(lang, "export.need_output", &[format]),
            ExportError::Encode(detail) => tf(lang, "export.encode", &[detail]),
            ExportError::BadFilter(what) => tf(lang, "export.bad_filter", &[what]),
            ExportError::Refused(what) => what.clone(),
            ExportError::BackupFailed(why) => tf(lang, "import.backup_failed", &[why]),
        }
    }
}

impl From<StoreError> for ExportError {
    fn from(e: StoreError) -> Self {
        ExportError::Store(e)
    }
}

/// Which visits an export covers. Empty filter: all live visits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub visit: Option<Uuid>,
    /// A district code ("12.06") or a province code ("12").
    pub district: Option<String>,
    /// Meeting date on or after (in the meeting's own time zone).
    pub from: Option<NaiveDate>,
    /// Meeting date on or before.
    pub to: Option<NaiveDate>,
    pub status: Option<VisitStatus>,
}

impl Filter {
    pub fn matches(&self, v: &Visit) -> bool {
        if self.visit.is_some_and(|id| id != v.id) {
            return false;
        }
        if let Some(code) = &self.district {
            let code = code.trim();
            let ok = if code.contains('.') {
                v.district.code == code
            } else {
                v.district.province_code() == code
            };
            if !ok {
                return false;
            }
        }
        let date = v.start.map(|s| s.date_naive());
        if let Some(from) = self.from
            && date.is_none_or(|d| d < from)
        {
            return false;
        }
        if let Some(to) = self.to
            && date.is_none_or(|d| d > to)
        {
            return false;
        }
        self.status.is_none_or(|s| s == v.status)
    }
}

/// The visits (with their logs) a filter selects, in id order.
pub fn select(
    store: &Store,
    filter: &Filter,
    include_trash: bool,
) -> Result<Vec<VisitHistory>, ExportError> {
    let mut out = store.histories(include_trash)?;
    out.retain(|h| filter.matches(&h.visit));
    Ok(out)
}

/// "laporan-12.06-2022-03-17-017f96ad.html": district, meeting date and the start of the id, so
/// that reports of several visits sort well and never collide.
pub fn default_report_name(v: &Visit, format: ReportFormat) -> String {
    let date = v
        .start
        .map(|s| s.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "tanpa-tanggal".into());
    let code: String = v
        .district
        .code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    let id = v.id.simple().to_string();
    format!("laporan-{code}-{date}-{}.{}", &id[..8], format.extension())
}

/// Where the TUI puts reports when the user has not chosen: the user's Documents folder, else
/// the home folder, else the current folder.
pub fn default_report_dir() -> PathBuf {
    directories::UserDirs::new()
        .and_then(|d| {
            d.document_dir()
                .map(Path::to_path_buf)
                .or_else(|| Some(d.home_dir().to_path_buf()))
        })
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Renders the report of one visit.
pub fn render_report(
    v: &Visit,
    history: &[crate::domain::AuditEvent],
    format: ReportFormat,
    lang: Lang,
    generated: DateTime<Utc>,
) -> String {
    let doc = report::build(v, history, lang, generated);
    match format {
        ReportFormat::Markdown => md::render(&doc),
        ReportFormat::Html => html::render(&doc),
    }
}

/// Renders document `kind` of one visit as the bytes of a file.
pub fn render_document(
    kind: documents::DocumentKind,
    format: DocFormat,
    guide: &crate::guide::Guide,
    h: &VisitHistory,
    lang: Lang,
    options: &documents::DocOptions,
) -> Result<Vec<u8>, ExportError> {
    let doc = documents::build(kind, guide, &h.visit, &h.history, lang, options);
    Ok(match format {
        DocFormat::Markdown => md::render(&doc).into_bytes(),
        DocFormat::Html => html::render(&doc).into_bytes(),
        DocFormat::Docx => docx_out::render(&doc)?,
    })
}

/// "berita-acara-12.06-2022-03-17-017f96ad.docx", like [`default_report_name`].
pub fn default_document_name(
    v: &Visit,
    kind: documents::DocumentKind,
    format: DocFormat,
) -> String {
    let report = default_report_name(v, ReportFormat::Markdown);
    let stem = report
        .strip_prefix("laporan-")
        .and_then(|s| s.strip_suffix(".md"))
        .unwrap_or(&report);
    format!("{}-{stem}.{}", kind.slug(), format.extension())
}

/// Writes document `kind` of visit `id` into folder `dir` under [`default_document_name`],
/// with the default signatories and the configured number pattern. Returns the file written.
#[allow(clippy::too_many_arguments)]
pub fn write_document(
    store: &Store,
    id: Uuid,
    kind: documents::DocumentKind,
    format: DocFormat,
    lang: Lang,
    dir: &Path,
    number_pattern: Option<&str>,
    planned: bool,
) -> Result<PathBuf, ExportError> {
    let h = store
        .history(id)?
        .ok_or_else(|| StoreError::NotFound(id.to_string()))?;
    let mut options = documents::DocOptions::new(&h.visit, Utc::now());
    if let Some(p) = number_pattern {
        options.number_pattern = p.to_string();
    }
    options.planned = planned;
    let bytes = render_document(kind, format, crate::guide::builtin(), &h, lang, &options)?;
    let target = dir.join(default_document_name(&h.visit, kind, format));
    write_private(&target, &bytes)?;
    Ok(target)
}

/// Writes the report of visit `id` to `path` — a file, or an existing folder in which the file
/// gets [`default_report_name`] — readable by the owner only. Returns the file written.
pub fn write_report(
    store: &Store,
    id: Uuid,
    format: ReportFormat,
    lang: Lang,
    path: &Path,
) -> Result<PathBuf, ExportError> {
    let h = store
        .history(id)?
        .ok_or_else(|| StoreError::NotFound(id.to_string()))?;
    let target = if path.is_dir() {
        path.join(default_report_name(&h.visit, format))
    } else {
        path.to_path_buf()
    };
    let text = render_report(&h.visit, &h.history, format, lang, Utc::now());
    write_private(&target, text.as_bytes())?;
    Ok(target)
}

/// Writes a bundle of the selected visits to `path`.
pub fn write_bundle(
    store: &Store,
    filter: &Filter,
    include_trash: bool,
    path: &Path,
) -> Result<usize, ExportError> {
    let (bytes, n) = bundle_json(store, filter, include_trash)?;
    write_private(path, &bytes)?;
    Ok(n)
}

/// A bundle of the selected visits, as JSON, with how many visits it holds. Without a filter
/// the records go in as stored, not decoded and encoded again (the same bytes; three times
/// faster for 10,000 visits).
pub fn bundle_json(
    store: &Store,
    filter: &Filter,
    include_trash: bool,
) -> Result<(Vec<u8>, usize), ExportError> {
    let (at, by) = (Utc::now(), crate::host::user());
    if *filter == Filter::default() {
        let stored = store.stored_histories(include_trash)?;
        let envelope = Bundle::new(Vec::new(), at, &by, include_trash);
        let bytes = bundle::stored_to_json(&envelope, &stored)?;
        return Ok((bytes, stored.len()));
    }
    let visits = select(store, filter, include_trash)?;
    let n = visits.len();
    let bundle = Bundle::new(visits, at, &by, include_trash);
    let bytes = bundle::to_json(&bundle).map_err(ExportError::Encode)?;
    Ok((bytes, n))
}

/// Writes the tables as CSV files in folder `dir` (created owner-only); returns the files.
pub fn write_csv(visits: &[Visit], lang: Lang, dir: &Path) -> Result<Vec<PathBuf>, ExportError> {
    csv_out::write(&tables::build(visits, lang), dir)
}

/// Writes the tables as sheets of one workbook.
pub fn write_xlsx(visits: &[Visit], lang: Lang, path: &Path) -> Result<(), ExportError> {
    let bytes = xlsx_out::workbook(&tables::build(visits, lang))?;
    write_private(path, &bytes)
}

/// Reads and validates bundle files, then merges them all in one transaction: a refused file
/// leaves the database exactly as it was.
pub fn import_files(store: &Store, files: &[PathBuf]) -> Result<ImportSummary, ExportError> {
    import_files_with(store, files, &sealed::Keys::default(), false).map(|(s, _)| s)
}

/// [`import_files`] where sealed bundles open with `keys`; with `backup`, a backup of the
/// database ([`crate::backup`], sealed for an encrypted database) is written once every file is
/// read and checked and before the import writes anything — only when it changes visits. Gives
/// the backup's path when one was written (an empty database has nothing to back up).
pub fn import_files_with(
    store: &Store,
    files: &[PathBuf],
    keys: &sealed::Keys,
    backup: bool,
) -> Result<(ImportSummary, Option<PathBuf>), ExportError> {
    // Every file is read and checked, and every visit merged, before anything is written: a
    // refused file leaves the database (and its folder's size) as it was.
    let importer = store.importer()?;
    let mut seen = 0;
    for file in files {
        let bytes = read_bundle_bytes(file)?;
        let bytes = unseal(file, bytes, keys)?;
        let (_, taken) = bundle::parse_each(&bytes, |i, h| importer.take(seen + i, h))
            .map_err(|problem| bundle_error(file, problem))?;
        seen += taken.len();
        taken.into_iter().collect::<Result<Vec<()>, StoreError>>()?;
    }
    let (summary, written) = importer.finish_with(|| {
        if !backup {
            return Ok(None);
        }
        crate::backup::write(store, crate::backup::Reason::Import, Utc::now())
            .map_err(ExportError::BackupFailed)
    })?;
    Ok((summary, written.flatten()))
}

/// The plain bundle of a file's `bytes`: opened with `keys` when sealed, as they are if not.
fn unseal(
    file: &Path,
    bytes: Vec<u8>,
    keys: &sealed::Keys,
) -> Result<zeroize::Zeroizing<Vec<u8>>, ExportError> {
    if !sealed::is_sealed(&bytes) {
        return Ok(zeroize::Zeroizing::new(bytes));
    }
    sealed::open(&bytes, keys).map_err(|problem| ExportError::Sealed {
        file: file.to_path_buf(),
        problem,
    })
}

/// Reads and validates one bundle file.
pub fn read_bundle(file: &Path) -> Result<Bundle, ExportError> {
    let bytes = read_bundle_bytes(file)?;
    bundle::parse(&bytes).map_err(|problem| bundle_error(file, problem))
}

fn bundle_error(file: &Path, problem: BundleError) -> ExportError {
    ExportError::Bundle {
        file: file.to_path_buf(),
        problem,
    }
}

/// The bytes of a bundle file, refused if larger than [`bundle::MAX_BYTES`].
fn read_bundle_bytes(file: &Path) -> Result<Vec<u8>, ExportError> {
    let io = |e: std::io::Error| ExportError::Io {
        path: file.to_path_buf(),
        detail: e.to_string(),
    };
    let len = std::fs::metadata(file).map_err(io)?.len();
    if len > bundle::MAX_BYTES {
        return Err(bundle_error(file, BundleError::TooLarge { bytes: len }));
    }
    std::fs::read(file).map_err(io)
}

/// Creates (or replaces) `path` with `bytes`, readable and writable by the owner only: reports
/// and exports hold names and findings that are not for other users of the computer.
///
/// The bytes go to a new temporary file in the same folder (created exclusively, so no planted
/// file or link is followed), are synced, and only then take the name: a full disk or a crash
/// leaves the previous file as it was and no half file under its name.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    replace_file(path, |f| f.write_all(bytes))
}

/// [`write_private`] with the writing done by `fill`; an error from it (or from syncing or
/// renaming) removes the temporary file and leaves `path` untouched.
fn replace_file(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), ExportError> {
    let io = |e: std::io::Error| ExportError::Io {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // tempfile creates with O_EXCL and mode 0600 on Unix; the dot keeps it out of listings.
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io)?;
    fill(tmp.as_file_mut()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    // The rename itself is durable once the folder is synced (not possible on Windows).
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Creates folder `dir` (owner-only on Unix) if it does not exist.
pub fn create_private_dir(dir: &Path) -> Result<(), ExportError> {
    let io = |e: std::io::Error| ExportError::Io {
        path: dir.to_path_buf(),
        detail: e.to_string(),
    };
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_write_that_fails_halfway_leaves_the_previous_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("good.json");
        write_private(&path, b"{\"the\": \"previous\"}").unwrap();
        let failed = replace_file(&path, |f| {
            f.write_all(b"{\"half")?;
            Err(std::io::Error::other("No space left on device"))
        });
        assert!(matches!(failed, Err(ExportError::Io { .. })), "{failed:?}");
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"the\": \"previous\"}");
        assert_eq!(leftovers(dir.path()), ["good.json"]);
    }

    #[test]
    fn a_rename_that_fails_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let taken = dir.path().join("taken");
        std::fs::create_dir(&taken).unwrap();
        std::fs::write(taken.join("inside"), b"x").unwrap();
        assert!(write_private(&taken, b"new").is_err());
        assert_eq!(leftovers(dir.path()), ["taken"]);
    }

    #[test]
    fn a_replaced_file_is_whole_and_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.md");
        std::fs::write(&path, b"old and longer than the new one").unwrap();
        write_private(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(leftovers(dir.path()), ["r.md"]);
    }
}
