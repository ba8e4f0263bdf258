//! The visit documents (report, Berita Acara, Notulen, Daftar Hadir) of a visit entered by key
//! presses through the interview: golden Markdown and HTML in both languages, the DOCX read
//! back as a package, the CLI, and (when LibreOffice is installed) the pages rendered on A4.

use crate::common;

use std::io::Read;
use std::path::Path;
use std::process::Command;

use chrono::{TimeZone, Utc};
use common::Harness;
use pantau::domain::merge::VisitHistory;
use pantau::export::documents::{DocOptions, DocumentKind};
use pantau::export::{self, DocFormat};
use pantau::i18n::Lang;

/// The Karo visit as typed into the interview, with its log.
fn karo_by_keys() -> (Harness, VisitHistory) {
    let mut h = Harness::new(Lang::Id);
    let id = common::karo::enter_by_keys(&mut h);
    let hist = h.store().history(id).unwrap().unwrap();
    assert!(hist.visit.is_final(), "the interview finalised the visit");
    (h, hist)
}

fn options(h: &VisitHistory) -> DocOptions {
    let mut o = DocOptions::new(
        &h.visit,
        Utc.with_ymd_and_hms(2022, 3, 18, 2, 0, 0).unwrap(),
    );
    o.seq = Some("014".into());
    o
}

/// The document as text, with what differs from run to run (ids, digest) made stable.
fn render(h: &VisitHistory, kind: DocumentKind, format: DocFormat, lang: Lang) -> String {
    let bytes =
        export::render_document(kind, format, pantau::guide::builtin(), h, lang, &options(h))
            .unwrap();
    let mut text = String::from_utf8(bytes).unwrap();
    text = text.replace(&h.visit.id.to_string(), "<visit-id>");
    if let Some(f) = &h.visit.finalisation {
        text = text.replace(&f.digest, "<digest>");
        if !f.chain.is_empty() {
            text = text.replace(&f.chain, "<chain-head>");
        }
    }
    text
}

const KINDS: [(DocumentKind, &str); 4] = [
    (DocumentKind::Report, "report"),
    (DocumentKind::BeritaAcara, "berita_acara"),
    (DocumentKind::Notulen, "notulen"),
    (DocumentKind::DaftarHadir, "daftar_hadir"),
];

#[test]
fn golden_documents_of_a_visit_entered_by_keys() {
    let (_h, hist) = karo_by_keys();
    for (kind, name) in KINDS {
        for lang in [Lang::Id, Lang::En] {
            let code = lang.code();
            let md = render(&hist, kind, DocFormat::Markdown, lang);
            insta::assert_snapshot!(format!("{name}_{code}_md"), md);
            let html = render(&hist, kind, DocFormat::Html, lang);
            insta::assert_snapshot!(format!("{name}_{code}_html"), html);
        }
    }
}

#[test]
fn documents_hold_the_facts_in_their_indonesian_form() {
    let (_h, hist) = karo_by_keys();
    let report = render(&hist, DocumentKind::Report, DocFormat::Markdown, Lang::Id);
    for fact in [
        "### Regulasi dan anggaran",
        "| Tahun anggaran | 2023 |",
        "| Nilai alokasi APBD | Rp 2.450.000.000 |",
        "| Jenis regulasi | Peraturan Bupati/Wali Kota (Perbup/Perwal) |",
        "| Jumlah pekerja non-ASN di lingkungan pemda | 4.812 orang |",
        "| Cakupan non-ASN | 4.141 dari 4.812 (86,06 %) |",
        "| Pimpinan rapat | Abetnego Tarigan |",
    ] {
        assert!(report.contains(fact), "report lacks {fact:?}:\n{report}");
    }
    for raw in ["apbd", "perkada", "2.023", "\"type\"", "reg_"] {
        assert!(!report.contains(raw), "report shows {raw:?}:\n{report}");
    }
    let en = render(&hist, DocumentKind::Report, DocFormat::Markdown, Lang::En);
    assert!(
        en.contains("| Non-ASN coverage | 4,141 of 4,812 (86.06%) |"),
        "{en}"
    );

    let ba = render(
        &hist,
        DocumentKind::BeritaAcara,
        DocFormat::Markdown,
        Lang::Id,
    );
    for fact in [
        "BERITA ACARA KUNJUNGAN",
        "Nomor: BA-014/KSP/III/2022",
        "Pada hari ini Kamis tanggal tujuh belas bulan Maret tahun dua ribu dua puluh dua, \
         bertempat di Aula Kantor Bupati Karo",
        "Demikian Berita Acara ini dibuat",
        "untuk dipergunakan sebagaimana mestinya.",
        "Kabanjahe, 17 Maret 2022",
        "**Cory Sriwaty Sebayang**",
        "**Abetnego Tarigan**",
        "Mendaftarkan seluruh honorer pada APBD 2023",
        "Ahli waris Almh. Ruth Beru Sembiring Pelawi (CU Merdeka)",
    ] {
        assert!(ba.contains(fact), "berita acara lacks {fact:?}:\n{ba}");
    }
    let notulen = render(&hist, DocumentKind::Notulen, DocFormat::Markdown, Lang::Id);
    for fact in [
        "NOTULEN RAPAT",
        "**Pimpinan rapat:** Abetnego Tarigan (Deputi II Bidang Pembangunan Manusia)",
        "**Notulis:** La Ode Muhamad Talib",
        "Daftar Hadir terlampir",
        "Deputi II membuka diskusi dan menyampaikan empat strategi.",
        "Rapat ditutup pukul 14.00 WIB.",
    ] {
        assert!(notulen.contains(fact), "notulen lacks {fact:?}:\n{notulen}");
    }
    let dh = render(
        &hist,
        DocumentKind::DaftarHadir,
        DocFormat::Markdown,
        Lang::Id,
    );
    assert!(
        dh.contains("| 1 | Cory Sriwaty Sebayang | Bupati Karo |"),
        "{dh}"
    );
    assert!(
        dh.contains("| 1. …………………… |") && dh.contains("| …………………… 2. |"),
        "{dh}"
    );
}

/// The text of every `w:t` in the package's main part, read with a zip reader of its own.
fn docx_text(bytes: &[u8]) -> (Vec<String>, String) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip package");
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("main part")
        .read_to_string(&mut xml)
        .unwrap();
    let mut text = String::new();
    for piece in xml.split("<w:t").skip(1) {
        let Some(start) = piece.find('>') else {
            continue;
        };
        let body = &piece[start + 1..];
        if let Some(end) = body.find("</w:t>") {
            text.push_str(&body[..end]);
            text.push(' ');
        }
    }
    (names, text.replace("&amp;", "&"))
}

#[test]
fn docx_files_are_ooxml_packages_whose_text_holds_the_facts() {
    let (_h, hist) = karo_by_keys();
    for (kind, _) in KINDS {
        let bytes = export::render_document(
            kind,
            DocFormat::Docx,
            pantau::guide::builtin(),
            &hist,
            Lang::Id,
            &options(&hist),
        )
        .unwrap();
        let (names, text) = docx_text(&bytes);
        for part in [
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/styles.xml",
        ] {
            assert!(
                names.iter().any(|n| n == part),
                "{kind:?} lacks {part}: {names:?}"
            );
        }
        assert!(text.contains("Abetnego Tarigan"), "{kind:?}: {text}");
        // docx-rs's own reader takes the package back too.
        docx_rs::read_docx(&bytes).expect("docx-rs reads it back");
        let mut xml = String::new();
        zip::ZipArchive::new(std::io::Cursor::new(&bytes))
            .unwrap()
            .by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        assert!(
            xml.contains("w:w=\"11906\"") && xml.contains("w:h=\"16838\""),
            "A4"
        );
        if kind != DocumentKind::DaftarHadir {
            assert!(
                xml.contains("w:val=\"Heading1\""),
                "{kind:?} has real headings"
            );
        }
    }
    let ba = export::render_document(
        DocumentKind::BeritaAcara,
        DocFormat::Docx,
        pantau::guide::builtin(),
        &hist,
        Lang::Id,
        &options(&hist),
    )
    .unwrap();
    let (_, text) = docx_text(&ba);
    for fact in [
        "BERITA ACARA KUNJUNGAN",
        "Nomor: BA-014/KSP/III/2022",
        "tujuh belas bulan Maret tahun dua ribu dua puluh dua",
        "Cory Sriwaty Sebayang",
        "Kabanjahe, 17 Maret 2022",
    ] {
        assert!(text.contains(fact), "DOCX lacks {fact:?}: {text}");
    }
}

fn pantau(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pantau"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("PANTAU_LANG")
        .env("PANTAU_CONFIG", db.with_extension("config.toml"))
        .output()
        .expect("pantau runs")
}

#[test]
fn the_cli_writes_each_document_in_each_format_and_takes_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert!(pantau(&db, &["demo"]).status.success());
    let id = pantau::demo::karo_visit().id.to_string();
    for doc in ["report", "berita-acara", "notulen", "daftar-hadir"] {
        for format in ["md", "html", "docx"] {
            let out = dir.path().join(format!("{doc}.{format}"));
            let run = pantau(
                &db,
                &[
                    "export",
                    "--document",
                    doc,
                    "--format",
                    format,
                    "--visit",
                    &id,
                    "-o",
                    out.to_str().unwrap(),
                ],
            );
            assert!(
                run.status.success(),
                "{}",
                String::from_utf8_lossy(&run.stderr)
            );
            assert!(
                std::fs::metadata(&out).unwrap().len() > 500,
                "{doc}.{format}"
            );
        }
    }
    // The configured number pattern, a running number and another signatory.
    std::fs::write(
        db.with_extension("config.toml"),
        "document_number = \"{seq}/BA/{district}/{roman month}/{year}\"\n",
    )
    .unwrap();
    let out = dir.path().join("ba.md");
    let run = pantau(
        &db,
        &[
            "export",
            "--document",
            "berita-acara",
            "--format",
            "md",
            "--visit",
            &id,
            "--seq",
            "7",
            "--regional-signatory",
            "theopilus",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let ba = std::fs::read_to_string(&out).unwrap();
    assert!(ba.contains("Nomor: 7/BA/12.06/III/2022"), "{ba}");
    assert!(
        ba.contains("| **Theopilus Ginting** | **Abetnego Tarigan** |"),
        "{ba}"
    );
    // Someone not in the visit is refused in the user's language, and nothing is written.
    let missing = dir.path().join("nope.md");
    let run = pantau(
        &db,
        &[
            "export",
            "--document",
            "notulen",
            "--format",
            "md",
            "--visit",
            &id,
            "--chair",
            "Budi",
            "-o",
            missing.to_str().unwrap(),
        ],
    );
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("Tidak ada peserta \"Budi\""), "{err}");
    assert!(!missing.exists());
    // A data format is not a document format.
    let run = pantau(
        &db,
        &[
            "export",
            "--document",
            "notulen",
            "--format",
            "csv",
            "--visit",
            &id,
            "-o",
            "x",
        ],
    );
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("md, html atau docx"));
}

/// Converts with LibreOffice (headless) and checks the pages: A4, and the facts on them. The
/// pages can be looked at as PNG with `pdftoppm` (see the README). Skipped with a message when
/// `soffice` is not installed, as on CI.
#[test]
fn documents_render_on_a4_with_libreoffice_when_installed() {
    if Command::new("soffice").arg("--version").output().is_err() {
        eprintln!("skipped: soffice (LibreOffice) is not installed");
        return;
    }
    let (_h, hist) = karo_by_keys();
    let dir = tempfile::tempdir().unwrap();
    for (kind, name) in KINDS {
        let bytes = export::render_document(
            kind,
            DocFormat::Docx,
            pantau::guide::builtin(),
            &hist,
            Lang::Id,
            &options(&hist),
        )
        .unwrap();
        std::fs::write(dir.path().join(format!("{name}.docx")), bytes).unwrap();
    }
    let profile = format!("-env:UserInstallation=file://{}/lo", dir.path().display());
    let run = Command::new("soffice")
        .args([&profile, "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .args(KINDS.map(|(_, n)| dir.path().join(format!("{n}.docx"))))
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for (_, name) in KINDS {
        let pdf = dir.path().join(format!("{name}.pdf"));
        assert!(pdf.exists(), "{name}.pdf written");
        let Ok(info) = Command::new("pdfinfo").arg(&pdf).output() else {
            eprintln!("pdfinfo (poppler-utils) missing: page size not checked");
            continue;
        };
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(info.contains("(A4)"), "{name}: {info}");
        let text = Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains("Abetnego"), "{name}: {text}");
        // To look at the pages of the visit entered by keys: PANTAU_KEEP_PAGES=/some/dir.
        if let Some(keep) = std::env::var_os("PANTAU_KEEP_PAGES") {
            std::fs::create_dir_all(&keep).unwrap();
            std::fs::copy(
                &pdf,
                std::path::Path::new(&keep).join(format!("{name}.pdf")),
            )
            .unwrap();
        }
    }
}

#[test]
fn the_detail_menu_writes_each_document_in_the_chosen_format() {
    let mut h = Harness::with_demo(Lang::Id);
    let home = tempfile::tempdir().unwrap();
    // Documents go to the documents folder: a temporary one here.
    h.runner.report_dir = home.path().to_path_buf();
    h.keys("<enter>x");
    let menu = h.screen(100, 30);
    for entry in [
        "Dokumen kunjungan",
        "1. Laporan kunjungan",
        "2. Berita Acara Kunjungan",
        "3. Notulen Rapat",
        "4. Daftar Hadir",
        "5. Daftar Hadir (sebelum rapat",
        "[ HTML ]",
    ] {
        assert!(menu.contains(entry), "menu lacks {entry:?}:\n{menu}");
    }
    // Berita Acara as DOCX: one down, one format to the right.
    h.keys("jl");
    assert!(h.screen(100, 30).contains("[ DOCX ]"));
    h.keys("<enter>");
    let screen = h.screen(140, 30);
    assert!(screen.contains("Dokumen ditulis ke"), "{screen}");
    // The planned attendance list as Markdown.
    h.keys("xjjjjll<enter>");
    let mut written = Vec::new();
    let mut stack = vec![home.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                written.push(e.path());
            }
        }
    }
    written.sort();
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "berita-acara-12.06-2022-03-17-017f96ad.docx",
            "daftar-hadir-12.06-2022-03-17-017f96ad.md"
        ],
        "{written:?}"
    );
    let (_, text) = docx_text(&std::fs::read(&written[0]).unwrap());
    assert!(text.contains("BERITA ACARA KUNJUNGAN"));
    let dh = std::fs::read_to_string(&written[1]).unwrap();
    assert!(
        dh.contains("| 6 |  |  |  | …………………… 6. |"),
        "blank rows for walk-ins:\n{dh}"
    );
    // Esc closes the menu without writing.
    h.keys("x<esc>");
    assert!(!h.screen(100, 30).contains("Format (←/→)"));
}

#[test]
fn csv_answers_carry_the_guides_labels_and_computed_coverage() {
    let (_h, hist) = karo_by_keys();
    let dir = tempfile::tempdir().unwrap();
    let files = export::write_csv(std::slice::from_ref(&hist.visit), Lang::Id, dir.path()).unwrap();
    let answers = files
        .iter()
        .find(|p| p.file_name().is_some_and(|n| n == "answers.csv"))
        .expect("answers.csv");
    let csv = std::fs::read_to_string(answers).unwrap();
    for fact in [
        ",section,question",
        "Regulasi dan anggaran,Tahun anggaran",
        ",2023,",
        "Peraturan Bupati/Wali Kota (Perbup/Perwal)",
        "4.141 dari 4.812 (86,06 %)",
        "Kepesertaan non-ASN,Cakupan non-ASN",
    ] {
        assert!(csv.contains(fact), "answers.csv lacks {fact:?}:\n{csv}");
    }
    assert!(!csv.contains("2.023"), "{csv}");
}
