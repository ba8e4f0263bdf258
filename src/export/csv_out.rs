//! CSV: one file per table, UTF-8 **with a byte-order mark**, comma-separated, CRLF lines.
//!
//! Why the BOM: Excel opens a BOM-less CSV in the computer's legacy code page, which garbles
//! every non-ASCII letter (names such as "Pelawi" survive, but "Dra. Hj. Siti Nur'aini" with
//! curly quotes or any "é" do not); with the BOM Excel, LibreOffice and the `csv` crate all read
//! UTF-8. Numbers use a point and no grouping, dates are ISO 8601, so they stay numbers and
//! dates in any locale that the import dialog is told "comma". (Excel under an Indonesian
//! locale expects ";" when double-clicking; the XLSX export is the better file for Excel.)
//!
//! Formula injection: a text cell that begins with `=`, `+`, `-`, `@`, tab or carriage return
//! would run as a formula in a spreadsheet; such cells get a leading apostrophe.

use std::path::{Path, PathBuf};

use super::tables::{Cell, Table};
use super::{ExportError, create_private_dir, write_private};

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

pub fn write(tables: &[Table], dir: &Path) -> Result<Vec<PathBuf>, ExportError> {
    create_private_dir(dir)?;
    let mut out = Vec::new();
    for t in tables {
        let path = dir.join(format!("{}.csv", t.name));
        write_private(&path, &to_bytes(t)?)?;
        out.push(path);
    }
    Ok(out)
}

pub fn to_bytes(t: &Table) -> Result<Vec<u8>, ExportError> {
    let mut buf = BOM.to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut buf);
        let enc = |e: csv::Error| ExportError::Encode(e.to_string());
        w.write_record(&t.columns).map_err(enc)?;
        for row in &t.rows {
            w.write_record(row.iter().map(cell)).map_err(enc)?;
        }
        w.flush().map_err(|e| ExportError::Encode(e.to_string()))?;
    }
    Ok(buf)
}

fn cell(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(s) => neutralise(s),
        Cell::Int(n) | Cell::Money(n) => n.to_string(),
        Cell::Float(f) | Cell::Percent(f) => f.to_string(),
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        Cell::DateTime(d) => d.format("%Y-%m-%d %H:%M:%S").to_string(),
        Cell::Utc(d) => d.format("%Y-%m-%d %H:%M:%S").to_string(),
    }
}

/// A text that a spreadsheet would take for a formula, made inert.
pub fn neutralise(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_made_inert_and_plain_text_is_not() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+62 812"), "'+62 812");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("Bupati Karo"), "Bupati Karo");
    }

    #[test]
    fn numbers_are_not_quoted_away() {
        assert_eq!(cell(&Cell::Money(-5)), "-5");
        assert_eq!(cell(&Cell::Percent(86.5)), "86.5");
    }
}
