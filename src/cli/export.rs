//! `pantau export` and `pantau import`.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{NaiveDate, Utc};
use clap::{Args, ValueEnum};

use super::commands::CmdResult;
use crate::config::Config;
use crate::domain::VisitStatus;
use crate::export::documents::{DocOptions, DocumentKind};
use crate::export::roles::{PickError, pick};
use crate::export::sealed::{self, Seal};
use crate::export::{self, DocFormat, ExportError, Filter, ReportFormat};
use crate::i18n::{Lang, t, tf};
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The visit report as Markdown
    Md,
    /// The visit report as one printable HTML file (A4)
    Html,
    /// Full bundle of visits with their history (backup, exchange between laptops)
    Json,
    /// One CSV file per table, in the folder given with -o
    Csv,
    /// One workbook with a sheet per table
    Xlsx,
    /// A visit document as a Word file (A4); with --document
    Docx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DocumentArg {
    /// The visit report (Laporan Kunjungan)
    Report,
    /// The formal record of the visit, to be signed (Berita Acara Kunjungan)
    BeritaAcara,
    /// The minutes of the meeting (Notulen Rapat)
    Notulen,
    /// The attendance list with a signature column (Daftar Hadir)
    DaftarHadir,
}

impl DocumentArg {
    fn kind(self) -> DocumentKind {
        match self {
            DocumentArg::Report => DocumentKind::Report,
            DocumentArg::BeritaAcara => DocumentKind::BeritaAcara,
            DocumentArg::Notulen => DocumentKind::Notulen,
            DocumentArg::DaftarHadir => DocumentKind::DaftarHadir,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    Draft,
    Final,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to write
    #[arg(long, value_enum)]
    pub format: Format,
    /// Only this visit (a unique prefix of its id is enough)
    #[arg(long, value_name = "ID")]
    pub visit: Option<String>,
    /// Only this district ("12.06") or province ("12")
    #[arg(long, value_name = "CODE")]
    pub district: Option<String>,
    /// Only visits on or after this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only visits on or before this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only draft or only final visits
    #[arg(long, value_enum)]
    pub status: Option<StatusArg>,
    /// Include the trash in a json bundle (a full backup)
    #[arg(long)]
    pub include_trash: bool,
    /// Output file (md, html, docx, json, xlsx) or folder (csv; md/html/docx for several visits)
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// A visit document instead of the data (formats md, html, docx)
    #[arg(long, value_enum)]
    pub document: Option<DocumentArg>,
    /// Chair of the meeting (Notulen): attendee number or part of the name
    #[arg(long, value_name = "WHO")]
    pub chair: Option<String>,
    /// Note-taker (Notulen, Daftar Hadir): attendee number or part of the name
    #[arg(long, value_name = "WHO")]
    pub note_taker: Option<String>,
    /// Signs the Berita Acara for the district: attendee number or part of the name
    #[arg(long, value_name = "WHO")]
    pub regional_signatory: Option<String>,
    /// Signs the Berita Acara for the visiting team: attendee number or part of the name
    #[arg(long, value_name = "WHO")]
    pub team_signatory: Option<String>,
    /// Running number of the Berita Acara ({seq} in the number pattern of config.toml)
    #[arg(long, value_name = "N")]
    pub seq: Option<String>,
    /// Daftar Hadir to print before the meeting: planned attendees and blank rows
    #[arg(long)]
    pub planned: bool,
    /// Encrypt the json bundle (age): to a passphrase (PANTAU_BUNDLE_PASSPHRASE, or asked
    /// twice), or to the public keys given with --recipient
    #[arg(long)]
    pub encrypt: bool,
    /// With --encrypt: a reader's public key (age1…), e.g. the central office's; repeatable.
    /// This laptop cannot read the bundle back
    #[arg(long, value_name = "AGE1…", requires = "encrypt")]
    pub recipient: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Bundle files written by `pantau export --format json` (encrypted ones too)
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// An age identity file (AGE-SECRET-KEY-1…, as `pantau keygen` or `age-keygen` writes
    /// it) for bundles encrypted to its public key
    #[arg(long, value_name = "FILE")]
    pub identity: Vec<PathBuf>,
}

fn fail(lang: Lang, e: ExportError) -> (String, u8) {
    match &e {
        ExportError::Store(s) => (
            super::commands::store_message(lang, s),
            if s.is_fatal() { 2 } else { 1 },
        ),
        _ => (e.message(lang), 1),
    }
}

fn date(lang: Lang, s: &Option<String>) -> Result<Option<NaiveDate>, ExportError> {
    s.as_deref()
        .map(|d| {
            NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .map_err(|_| ExportError::BadFilter(tf(lang, "export.bad_date", &[&d])))
        })
        .transpose()
}

pub fn export(store: &Store, lang: Lang, config: &Config, a: ExportArgs) -> CmdResult {
    run_export(store, lang, config, a).map_err(|e| fail(lang, e))
}

fn run_export(
    store: &Store,
    lang: Lang,
    config: &Config,
    a: ExportArgs,
) -> Result<ExitCode, ExportError> {
    let filter = Filter {
        visit: a.visit.as_deref().map(|p| store.resolve(p)).transpose()?,
        district: a.district.clone(),
        from: date(lang, &a.from)?,
        to: date(lang, &a.to)?,
        status: a.status.map(|s| match s {
            StatusArg::Draft => VisitStatus::Draft,
            StatusArg::Final => VisitStatus::Final,
        }),
    };
    if a.format == Format::Json {
        let seal = seal_for(lang, &a)?;
        let (bytes, n) = export::bundle_json(store, &filter, a.include_trash)?;
        if n == 0 {
            return Err(ExportError::NothingToExport);
        }
        if let Some(seal) = seal {
            let path = a.output.as_deref().ok_or(ExportError::NeedOutput {
                format: "json --encrypt",
            })?;
            let sealed = sealed::seal(&bytes, &seal).map_err(|problem| ExportError::Sealed {
                file: path.to_path_buf(),
                problem,
            })?;
            export::write_private(path, &sealed)?;
            let key = match seal {
                Seal::Passphrase(_) => "export.wrote_sealed_passphrase",
                Seal::Recipients(_) => "export.wrote_sealed_recipients",
            };
            errln!("{}", tf(lang, key, &[&n, &path.display()]));
            return Ok(ExitCode::SUCCESS);
        }
        let code = write_json(lang, a.output.as_deref(), &bytes, n)?;
        if let Some(path) = a.output.as_deref() {
            plain_notice(store, lang, Some(path));
        }
        return Ok(code);
    }
    if a.encrypt {
        return Err(ExportError::Refused(
            t(lang, "export.encrypt_json_only").to_owned(),
        ));
    }
    let selected = export::select(store, &filter, a.include_trash)?;
    if selected.is_empty() {
        return Err(ExportError::NothingToExport);
    }
    let written = |p: &std::path::Path| outln!("{}", tf(lang, "export.wrote", &[&p.display()]));
    if a.document.is_some() || a.format == Format::Docx {
        let code = write_documents(lang, config, a, &selected)?;
        plain_notice(store, lang, None);
        return Ok(code);
    }
    match a.format {
        Format::Md | Format::Html => {
            let format = if a.format == Format::Md {
                ReportFormat::Markdown
            } else {
                ReportFormat::Html
            };
            let out = a.output.unwrap_or_else(|| PathBuf::from("."));
            let many = selected.len() > 1;
            if many && !out.is_dir() && out.extension().is_some() {
                return Err(ExportError::BadFilter(tf(
                    lang,
                    "export.many_to_file",
                    &[&selected.len()],
                )));
            }
            // A path without an extension is a folder: one report per visit inside.
            if many || out.extension().is_none() {
                export::create_private_dir(&out)?;
            }
            let now = Utc::now();
            for h in &selected {
                let target = if out.is_dir() {
                    out.join(export::default_report_name(&h.visit, format))
                } else {
                    out.clone()
                };
                let text = export::render_report(&h.visit, &h.history, format, lang, now);
                export::write_private(&target, text.as_bytes())?;
                written(&target);
            }
        }
        // Written above: from the stored records, and the documents.
        Format::Json | Format::Docx => {}
        Format::Csv => {
            let dir = a.output.ok_or(ExportError::NeedOutput { format: "csv" })?;
            let visits: Vec<_> = selected.into_iter().map(|h| h.visit).collect();
            for p in export::write_csv(&visits, lang, &dir)? {
                written(&p);
            }
        }
        Format::Xlsx => {
            let path = a.output.ok_or(ExportError::NeedOutput { format: "xlsx" })?;
            let visits: Vec<_> = selected.into_iter().map(|h| h.visit).collect();
            export::write_xlsx(&visits, lang, &path)?;
            written(&path);
        }
    }
    plain_notice(store, lang, None);
    Ok(ExitCode::SUCCESS)
}

/// A file written in the clear from an encrypted database: said, with where it went (a path
/// printed just above, or `path`), so that the auditor can move or remove it.
fn plain_notice(store: &Store, lang: Lang, path: Option<&std::path::Path>) {
    if !store.is_encrypted() {
        return;
    }
    match path {
        Some(p) => errln!(
            "{}",
            tf(lang, "export.plain_from_encrypted_at", &[&p.display()])
        ),
        None => errln!("{}", t(lang, "export.plain_from_encrypted")),
    }
}

/// The seal `--encrypt` asks for: to the `--recipient` keys, else to a passphrase.
fn seal_for(lang: Lang, a: &ExportArgs) -> Result<Option<Seal>, ExportError> {
    if !a.encrypt {
        return Ok(None);
    }
    let bad = |problem: sealed::SealError| ExportError::Refused(problem.message(lang));
    if !a.recipient.is_empty() {
        let rs = a
            .recipient
            .iter()
            .map(|r| sealed::parse_recipient(r))
            .collect::<Result<Vec<_>, _>>()
            .map_err(bad)?;
        return Ok(Some(Seal::Recipients(rs)));
    }
    let p = super::passphrase::read_bundle(lang, super::passphrase::Ask::New)
        .map_err(ExportError::Refused)?;
    Ok(Some(Seal::Passphrase(p)))
}

/// The guide the answers are labelled with: config.toml's, else the built-in one.
fn guide(
    lang: Lang,
    config: &Config,
) -> Result<std::borrow::Cow<'static, crate::guide::Guide>, ExportError> {
    match &config.guide {
        Some(p) => crate::guide::load(Some(p))
            .map(std::borrow::Cow::Owned)
            .map_err(|e| ExportError::BadFilter(e.message(lang))),
        None => Ok(std::borrow::Cow::Borrowed(crate::guide::builtin())),
    }
}

/// `--document` (or `--format docx`): one document per selected visit.
fn write_documents(
    lang: Lang,
    config: &Config,
    a: ExportArgs,
    selected: &[crate::domain::merge::VisitHistory],
) -> Result<ExitCode, ExportError> {
    let kind = a.document.map_or(DocumentKind::Report, DocumentArg::kind);
    let format = match a.format {
        Format::Md => DocFormat::Markdown,
        Format::Html => DocFormat::Html,
        Format::Docx => DocFormat::Docx,
        other => {
            let name = other
                .to_possible_value()
                .map(|v| v.get_name().to_string())
                .unwrap_or_default();
            return Err(ExportError::BadFilter(tf(
                lang,
                "documents.bad_format",
                &[&name],
            )));
        }
    };
    let guide = guide(lang, config)?;
    let pattern = config
        .document_number
        .clone()
        .unwrap_or_else(|| export::documents::DEFAULT_NUMBER_PATTERN.to_string());
    let out = a.output.clone().unwrap_or_else(|| PathBuf::from("."));
    let many = selected.len() > 1;
    if many && !out.is_dir() && out.extension().is_some() {
        return Err(ExportError::BadFilter(tf(
            lang,
            "export.many_to_file",
            &[&selected.len()],
        )));
    }
    if many || out.extension().is_none() {
        export::create_private_dir(&out)?;
    }
    let now = Utc::now();
    for h in selected {
        let v = &h.visit;
        let mut o = DocOptions::new(v, now);
        o.number_pattern = pattern.clone();
        o.seq = a.seq.clone();
        o.planned = a.planned;
        let who = |q: &Option<String>, current: Option<uuid::Uuid>| match q {
            None => Ok(current),
            Some(q) => pick(v, q).map(Some).map_err(|e| {
                ExportError::BadFilter(match e {
                    PickError::NoMatch(q) => tf(lang, "documents.no_such_person", &[&q]),
                    PickError::Ambiguous(q) => tf(lang, "documents.ambiguous_person", &[&q]),
                })
            }),
        };
        o.roles.chair = who(&a.chair, o.roles.chair)?;
        o.roles.note_taker = who(&a.note_taker, o.roles.note_taker)?;
        o.roles.regional = who(&a.regional_signatory, o.roles.regional)?;
        o.roles.team_lead = who(&a.team_signatory, o.roles.team_lead)?;
        let bytes = export::render_document(kind, format, &guide, h, lang, &o)?;
        let target = if out.is_dir() {
            out.join(export::default_document_name(v, kind, format))
        } else {
            out.clone()
        };
        export::write_private(&target, &bytes)?;
        outln!("{}", tf(lang, "export.wrote", &[&target.display()]));
    }
    Ok(ExitCode::SUCCESS)
}

/// A bundle to `output`, or to standard output without one.
fn write_json(
    lang: Lang,
    output: Option<&std::path::Path>,
    bytes: &[u8],
    n: usize,
) -> Result<ExitCode, ExportError> {
    match output {
        Some(path) => {
            export::write_private(path, bytes)?;
            errln!(
                "{}",
                tf(lang, "export.wrote_bundle", &[&n, &path.display()])
            );
        }
        // Bundles are JSON: as UTF-8 text, escaped where a terminal could act on it.
        None => super::out::json(String::from_utf8_lossy(bytes).trim_end()),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn import(store: &Store, lang: Lang, a: ImportArgs) -> CmdResult {
    if a.files.is_empty() {
        return Err((t(lang, "import.no_files").to_string(), 1));
    }
    let keys = import_keys(lang, &a)?;
    let (s, backup) =
        export::import_files_with(store, &a.files, &keys, true).map_err(|e| fail(lang, e))?;
    outln!(
        "{}",
        tf(
            lang,
            "import.summary",
            &[
                &s.added.len(),
                &s.updated.len(),
                &s.unchanged.len(),
                &s.in_conflict.len()
            ]
        )
    );
    for id in &s.in_conflict {
        if let Ok(Some(v)) = store.get(*id) {
            outln!(
                "{}",
                tf(
                    lang,
                    "import.conflict_line",
                    &[&v.id, &v.district.name, &v.conflicts.len()]
                )
            );
        }
    }
    if let Some(path) = backup {
        outln!("{}", tf(lang, "import.backup_taken", &[&path.display()]));
    }
    // "0 in conflict" is about this import; what is still open is what the auditor acts on.
    if let Some(line) = super::conflicts::open_line(store, lang) {
        outln!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// What opens the sealed bundles among `a.files`: the `--identity` files, and a passphrase
/// asked once when one of them is sealed to a passphrase (files that cannot be read are left
/// to the import, which names them).
fn import_keys(lang: Lang, a: &ImportArgs) -> Result<sealed::Keys, (String, u8)> {
    let mut keys = sealed::Keys::default();
    for path in &a.identity {
        let ids = sealed::read_identities(path).map_err(|problem| {
            let e = ExportError::Sealed {
                file: path.clone(),
                problem,
            };
            (e.message(lang), 1)
        })?;
        keys.identities.extend(ids);
    }
    let wants_passphrase = a
        .files
        .iter()
        .any(|f| head(f).is_some_and(|b| sealed::is_sealed(&b) && sealed::needs_passphrase(&b)));
    if wants_passphrase {
        let p = super::passphrase::read_bundle(lang, super::passphrase::Ask::Existing)
            .map_err(|m| (m, 1))?;
        keys.passphrase = Some(p);
    }
    Ok(keys)
}

/// The first bytes of `file`: enough for an age header.
fn head(file: &std::path::Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::with_capacity(8192);
    std::fs::File::open(file)
        .ok()?
        .take(8192)
        .read_to_end(&mut buf)
        .ok()?;
    Some(buf)
}

/// `pantau keygen -o FILE`: a new identity for encrypted bundles, written owner-only to a
/// file that must not exist yet (a key is never overwritten); its public key printed.
pub fn keygen(lang: Lang, output: &std::path::Path) -> CmdResult {
    if output.exists() {
        return Err((tf(lang, "keygen.exists", &[&output.display()]), 1));
    }
    let now = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (secret, public) = sealed::generate(&now);
    export::write_private(output, secret.as_bytes()).map_err(|e| (e.message(lang), 1))?;
    errln!("{}", tf(lang, "keygen.wrote", &[&output.display()]));
    outln!("{public}");
    Ok(ExitCode::SUCCESS)
}
