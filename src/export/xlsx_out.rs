//! XLSX: the same tables as sheets of one workbook; dates and times as Excel dates, rupiah and
//! counts as numbers, percentages as percentages. Text is always written as text, never as a
//! formula, so no cell can run anything.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use super::ExportError;
use super::tables::{Cell, Table};

pub fn workbook(tables: &[Table]) -> Result<Vec<u8>, ExportError> {
    build(tables).map_err(|e| ExportError::Encode(e.to_string()))
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let year = u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8)
}

fn excel_datetime(d: NaiveDateTime) -> Result<ExcelDateTime, XlsxError> {
    excel_date(d.date())?.and_hms(d.hour() as u16, d.minute() as u8, d.second())
}

fn build(tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let head = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let money = Format::new().set_num_format("\"Rp\" #,##0");
    let percent = Format::new().set_num_format("0.0%");
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(t.name)?;
        for (c, name) in t.columns.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *name, &head)?;
            ws.set_column_width(c as u16, 16)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(s) => {
                        ws.write_string(r, c, s)?;
                    }
                    Cell::Int(n) => {
                        ws.write_number(r, c, *n as f64)?;
                    }
                    Cell::Float(f) => {
                        ws.write_number(r, c, *f)?;
                    }
                    Cell::Money(n) => {
                        ws.write_number_with_format(r, c, *n as f64, &money)?;
                    }
                    Cell::Percent(p) => {
                        ws.write_number_with_format(r, c, *p / 100.0, &percent)?;
                    }
                    Cell::Date(d) => {
                        ws.write_datetime_with_format(r, c, excel_date(*d)?, &date)?;
                    }
                    Cell::DateTime(d) => {
                        let dt = excel_datetime(d.naive_local())?;
                        ws.write_datetime_with_format(r, c, dt, &datetime)?;
                    }
                    Cell::Utc(d) => {
                        let dt = excel_datetime(d.naive_utc())?;
                        ws.write_datetime_with_format(r, c, dt, &datetime)?;
                    }
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
        let last_col = t.columns.len().saturating_sub(1) as u16;
        let last_row = u32::try_from(t.rows.len()).unwrap_or(u32::MAX);
        ws.autofilter(0, 0, last_row, last_col)?;
    }
    wb.save_to_buffer()
}
