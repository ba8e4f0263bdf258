//! Exports: golden Markdown reports of the demo visit in both languages, the HTML report, CSV
//! and XLSX read back, filters, file permissions — through the library and the real binary.

use std::path::Path;
use std::process::Command;

use chrono::{TimeZone, Utc};
use pantau::domain::{AuditAction, Stamp};
use pantau::export::{self, Filter, ReportFormat};
use pantau::i18n::Lang;
use pantau::store::Store;

fn pantau(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pantau"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("PANTAU_LANG")
        .env("PANTAU_CONFIG", db.join("no-config.toml"))
        .output()
        .expect("pantau runs")
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn demo_store(dir: &Path) -> Store {
    let store = Store::open(&dir.join("db")).unwrap();
    let v = pantau::demo::karo_visit();
    store.create(&v, &Stamp::new(v.created, "demo")).unwrap();
    store
}

fn report(store: &Store, lang: Lang, format: ReportFormat) -> String {
    let h = store
        .history(pantau::demo::karo_visit().id)
        .unwrap()
        .unwrap();
    let fixed = Utc.with_ymd_and_hms(2022, 3, 18, 2, 0, 0).unwrap();
    export::render_report(&h.visit, &h.history, format, lang, fixed)
}

#[test]
fn markdown_report_of_the_demo_visit_in_indonesian() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    insta::assert_snapshot!(
        "karo_report_id",
        report(&store, Lang::Id, ReportFormat::Markdown)
    );
}

#[test]
fn markdown_report_of_the_demo_visit_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    insta::assert_snapshot!(
        "karo_report_en",
        report(&store, Lang::En, ReportFormat::Markdown)
    );
}

#[test]
fn final_visit_report_shows_digest_and_amendments_and_escapes_html() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    let id = pantau::demo::karo_visit().id;
    let mut v = store.get(id).unwrap().unwrap();
    v.status = pantau::domain::VisitStatus::Final;
    v.finalisation = Some(pantau::domain::Finalisation {
        at: Utc.with_ymd_and_hms(2022, 3, 17, 10, 0, 0).unwrap(),
        by: "ani".into(),
        digest: "ab12cd34".into(),
        chain: String::new(),
        reason: String::new(),
    });
    let stamp = Stamp::new(Utc.with_ymd_and_hms(2022, 3, 17, 10, 0, 0).unwrap(), "ani");
    let v = store
        .update(&v, &stamp, AuditAction::Finalise, "")
        .unwrap()
        .unwrap();
    let mut amended = v.clone();
    amended.venue = "<script>alert(1)</script> & Aula".into();
    store
        .update(
            &amended,
            &stamp,
            AuditAction::Amend,
            "salah ketik nama tempat",
        )
        .unwrap();
    let md = report(&store, Lang::Id, ReportFormat::Markdown);
    assert!(
        md.contains("ab12cd34") && md.contains("salah ketik nama tempat"),
        "{md}"
    );
    assert!(md.contains("Riwayat amandemen") && !md.contains("DRAF"));
    let html = report(&store, Lang::En, ReportFormat::Html);
    assert!(!html.contains("<script>"), "data is escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Aula"));
    assert!(html.contains("@page { size: A4"));
    assert!(html.contains("Amendment history") && html.contains("ab12cd34"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "self-contained"
    );
}

#[test]
fn the_tui_writes_a_report_with_one_call_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    let id = pantau::demo::karo_visit().id;
    let out = export::write_report(&store, id, ReportFormat::Html, Lang::Id, dir.path()).unwrap();
    assert_eq!(
        out.file_name().unwrap().to_str().unwrap(),
        "laporan-12.06-2022-03-17-017f96ad.html"
    );
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("Laporan Kunjungan")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn cli_writes_reports_and_data_that_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    ok(&pantau(&db, &["demo"]));
    // A tricky visit: a formula-looking venue and a long name.
    {
        let store = Store::open(&db).unwrap();
        let mut v = pantau::synth::visits(1, 5).remove(0);
        v.venue = "=HYPERLINK(\"http://x\")".into();
        store.create(&v, &Stamp::new(v.created, "t")).unwrap();
    }

    let html = dir.path().join("karo.html");
    let out = ok(&pantau(
        &db,
        &[
            "export",
            "--format",
            "html",
            "--visit",
            "017f",
            "-o",
            html.to_str().unwrap(),
        ],
    ));
    assert!(out.contains("karo.html"), "{out}");
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.starts_with("<!DOCTYPE html>") && text.contains("Laporan Kunjungan"));
    assert!(text.contains("Cory Sriwaty Sebayang") && text.contains("Kamis, 17 Maret 2022"));

    let md = dir.path().join("karo.md");
    ok(&pantau(
        &db,
        &[
            "--lang",
            "en",
            "export",
            "--format",
            "md",
            "--visit",
            "017f",
            "-o",
            md.to_str().unwrap(),
        ],
    ));
    assert!(
        std::fs::read_to_string(&md)
            .unwrap()
            .starts_with("# Visit Report")
    );

    // Filters: by district, by date, by status.
    let reports = dir.path().join("reports");
    ok(&pantau(
        &db,
        &[
            "export",
            "--format",
            "md",
            "--district",
            "12.06",
            "--from",
            "2022-03-17",
            "--to",
            "2022-03-17",
            "-o",
            reports.to_str().unwrap(),
        ],
    ));
    assert_eq!(std::fs::read_dir(&reports).unwrap().count(), 1);
    let none = pantau(
        &db,
        &[
            "--lang", "en", "export", "--format", "json", "--status", "final",
        ],
    );
    assert_eq!(none.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&none.stderr).contains("No visit matches the filters"));
    let bad = pantau(
        &db,
        &[
            "--lang",
            "en",
            "export",
            "--format",
            "json",
            "--from",
            "17-03-2022",
        ],
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM-DD"));

    // JSON to stdout parses as a bundle.
    let json = ok(&pantau(&db, &["export", "--format", "json"]));
    let bundle = export::bundle::parse(json.as_bytes()).unwrap();
    assert_eq!(bundle.visits.len(), 2);

    // CSV: one file per table, BOM, parses back, formulas made inert.
    let csv_dir = dir.path().join("csv");
    ok(&pantau(
        &db,
        &["export", "--format", "csv", "-o", csv_dir.to_str().unwrap()],
    ));
    for table in [
        "visits",
        "attendees",
        "obstacles",
        "strategies",
        "handovers",
        "answers",
        "notes",
    ] {
        let bytes = std::fs::read(csv_dir.join(format!("{table}.csv"))).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{table} has a BOM");
        let mut r = csv::Reader::from_reader(&bytes[3..]);
        let head = r.headers().unwrap().clone();
        assert_eq!(&head[0], "visit_id");
        let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
        assert!(rows.iter().all(|row| row.len() == head.len()));
        if table == "visits" {
            assert_eq!(rows.len(), 2);
            assert!(
                rows.iter()
                    .any(|row| &row[6] == "'=HYPERLINK(\"http://x\")")
            );
            assert!(
                rows.iter()
                    .any(|row| &row[4] == "2022-03-17 14:00:00" && &row[5] == "WIB")
            );
        }
        if table == "attendees" {
            assert!(rows.iter().any(|row| &row[4] == "Cory Sriwaty Sebayang"));
        }
    }

    // XLSX: opens, dates are dates, money is a number.
    let xlsx = dir.path().join("data.xlsx");
    ok(&pantau(
        &db,
        &["export", "--format", "xlsx", "-o", xlsx.to_str().unwrap()],
    ));
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(&xlsx).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "visits",
            "attendees",
            "obstacles",
            "strategies",
            "handovers",
            "answers",
            "notes",
            "figures"
        ]
    );
    let visits = wb.worksheet_range("visits").unwrap();
    let karo = visits
        .rows()
        .find(|r| {
            r[1] == Data::String("12.06".into())
                && r[6].to_string().starts_with("Aula Kantor Bupati Karo")
        })
        .expect("Karo row");
    match &karo[4] {
        Data::DateTime(d) => {
            assert!((d.as_f64() - 44_637.583_333).abs() < 1e-5, "{}", d.as_f64());
        }
        other => panic!("start is not a date: {other:?}"),
    }
    let answers = wb.worksheet_range("answers").unwrap();
    let money = answers
        .rows()
        .find(|r| r[2] == Data::String("money".into()))
        .expect("a money answer");
    assert!(
        matches!(money[4], Data::Float(f) if f >= 100_000_000.0),
        "{:?}",
        money[4]
    );

    #[cfg(unix)]
    for f in [&html, &md, &xlsx, &csv_dir.join("visits.csv")] {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(f).unwrap().permissions().mode() & 0o777,
            0o600,
            "{f:?}"
        );
    }
}

#[test]
fn cli_import_merges_and_reports_in_the_user_language() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    ok(&pantau(&a, &["demo"]));
    let file = dir.path().join("a.json");
    ok(&pantau(
        &a,
        &["export", "--format", "json", "-o", file.to_str().unwrap()],
    ));
    let out = ok(&pantau(&b, &["import", file.to_str().unwrap()]));
    assert!(
        out.contains("1 kunjungan ditambahkan, 0 diperbarui, 0 tidak berubah, 0 berkonflik"),
        "{out}"
    );
    let out = ok(&pantau(
        &b,
        &["--lang", "en", "import", file.to_str().unwrap()],
    ));
    assert!(
        out.contains("0 visits added, 0 updated, 1 unchanged, 0 in conflict"),
        "{out}"
    );
    ok(&pantau(&b, &["check"]));

    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        "{\"format\": \"pantau-bundle\",\n \"version\": 1,\n \"visits\": [",
    )
    .unwrap();
    let out = pantau(&b, &["--lang", "en", "import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refused, the database was not changed"),
        "{err}"
    );
    assert!(
        err.contains("truncated") && err.contains("line 3, column 12"),
        "{err}"
    );

    let missing = pantau(&b, &["--lang", "en", "import", "/nonexistent/x.json"]);
    assert_eq!(missing.status.code(), Some(1));
    let _ = Filter::default();
}
