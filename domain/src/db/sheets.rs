//! Spreadsheet files in and out: xlsx and xls through calamine, CSV in UTF-8 (with or without a
//! BOM) or GBK/GB18030, which is what Chinese Excel writes by default. Output is xlsx, or CSV in
//! UTF-8 with a BOM so that Excel opens the Chinese text correctly; every cell is neutralised
//! against formula injection.

use crate::error::{Error, FieldError};
use crate::i18n::K;
use crate::import::{MAX_IMPORT_BYTES, neutralise};
use std::borrow::Cow;
use std::ops::ControlFlow;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xls,
    Csv,
}

fn file_error(key: K) -> Error {
    Error::Validation(vec![FieldError::new("file", key)])
}

/// Decides the format from the bytes (a renamed file is read as what it is), falling back on
/// the name for text files.
pub fn detect(file_name: &str, bytes: &[u8]) -> Result<Format, Error> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(Error::Validation(vec![
            FieldError::new("file", K::ErrFileTooLarge).with("mb", MAX_IMPORT_BYTES / 1024 / 1024),
        ]));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(file_error(K::ErrImportEmpty));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(Format::Xlsx);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Ok(Format::Xls);
    }
    let lower = file_name.to_ascii_lowercase();
    let texty = lower.ends_with(".csv") || lower.ends_with(".txt");
    // A text file has no NUL bytes (UTF-16 exports are not accepted: Excel's "CSV" is not one).
    if texty && !bytes.iter().take(8192).any(|b| *b == 0) {
        return Ok(Format::Csv);
    }
    Err(file_error(K::ErrImportFileType))
}

/// The text of a CSV file: UTF-8 (a BOM is dropped) or, when the bytes are not UTF-8, GB18030
/// (a superset of GBK, which Chinese Excel uses for "CSV").
pub fn decode(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(bytes);
            text
        }
    }
}

/// Calls `each` with every row of the first sheet (1-based row numbers, cells as text) until it
/// says stop. CSV rows stream from the decoded text; a workbook's sheet is read whole.
pub fn for_each_row(
    file_name: &str,
    bytes: &[u8],
    mut each: impl FnMut(u64, &[String]) -> ControlFlow<()>,
) -> Result<(), Error> {
    match detect(file_name, bytes)? {
        Format::Csv => {
            let text = decode(bytes);
            // Some exports separate with tabs or semicolons; the first lines tell (a title row
            // may have no separator at all). Ties go to the comma, which `max_by_key` returns
            // because it comes last.
            let head: String = text.lines().take(10).collect();
            let delimiter = [b';', b'\t', b',']
                .into_iter()
                .max_by_key(|d| head.bytes().filter(|b| b == d).count())
                .unwrap_or(b',');
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(delimiter)
                .from_reader(text.as_bytes());
            let mut record = csv::StringRecord::new();
            let mut cells: Vec<String> = Vec::new();
            let mut row = 0u64;
            loop {
                match reader.read_record(&mut record) {
                    Ok(false) => break,
                    Ok(true) => {
                        row += 1;
                        cells.clear();
                        cells.extend(record.iter().map(str::to_owned));
                        if each(row, &cells).is_break() {
                            break;
                        }
                    }
                    Err(e) => {
                        tracing::info!(error = %e, "unreadable CSV");
                        return Err(file_error(K::ErrImportUnreadable));
                    }
                }
            }
            Ok(())
        }
        Format::Xlsx | Format::Xls => {
            use calamine::Reader;
            let cursor = std::io::Cursor::new(bytes);
            let mut book = calamine::open_workbook_auto_from_rs(cursor).map_err(|e| {
                tracing::info!(error = %e, "unreadable workbook");
                file_error(K::ErrImportUnreadable)
            })?;
            let range = match book.worksheet_range_at(0) {
                Some(Ok(r)) => r,
                Some(Err(e)) => {
                    tracing::info!(error = %e, "unreadable sheet");
                    return Err(file_error(K::ErrImportUnreadable));
                }
                None => return Err(file_error(K::ErrImportEmpty)),
            };
            // The range starts at its first used cell; row numbers stay the sheet's own.
            let (first_row, first_col) = range.start().unwrap_or((0, 0));
            let mut cells: Vec<String> = Vec::new();
            for (i, r) in range.rows().enumerate() {
                cells.clear();
                cells.extend((0..first_col).map(|_| String::new()));
                cells.extend(r.iter().map(cell_text));
                if each(u64::from(first_row) + i as u64 + 1, &cells).is_break() {
                    break;
                }
            }
            Ok(())
        }
    }
}

fn cell_text(d: &calamine::Data) -> String {
    match d {
        // Excel's own error values (#N/A, #REF!) mean nothing was there to take in.
        calamine::Data::Error(_) | calamine::Data::Empty => String::new(),
        // An integral number (a phone number typed without a leading apostrophe) reads as
        // its digits, not as 1.3909710001e10.
        calamine::Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e17 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

/// A table to write: headers and rows of text.
pub struct Table<'a> {
    pub sheet: &'a str,
    pub headers: Vec<&'a str>,
    pub widths: Vec<f64>,
}

/// Writes rows as an xlsx workbook with a bold, frozen header row. Every value is written as
/// text, neutralised, so nothing in it runs as a formula.
pub fn write_xlsx<I, R>(table: &Table<'_>, rows: I) -> Result<Vec<u8>, Error>
where
    I: IntoIterator<Item = R>,
    R: AsRef<[String]>,
{
    let mut book = rust_xlsxwriter::Workbook::new();
    add_sheet(&mut book, table, rows, false)?;
    save(&mut book)
}

/// A workbook of several sheets (a report). Cells holding a plain number are written as numbers,
/// so Excel can sum them; everything else as neutralised text.
pub fn write_xlsx_sheets(sheets: &[(Table<'_>, Vec<Vec<String>>)]) -> Result<Vec<u8>, Error> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (table, rows) in sheets {
        add_sheet(&mut book, table, rows, true)?;
    }
    save(&mut book)
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> Error {
    tracing::error!(error = %e, "xlsx export failed");
    Error::Internal
}

fn save(book: &mut rust_xlsxwriter::Workbook) -> Result<Vec<u8>, Error> {
    book.save_to_buffer().map_err(xlsx_error)
}

fn add_sheet<I, R>(
    book: &mut rust_xlsxwriter::Workbook,
    table: &Table<'_>,
    rows: I,
    numbers: bool,
) -> Result<(), Error>
where
    I: IntoIterator<Item = R>,
    R: AsRef<[String]>,
{
    use rust_xlsxwriter::Format as CellFormat;
    let sheet = book.add_worksheet();
    sheet.set_name(table.sheet).map_err(xlsx_error)?;
    let bold = CellFormat::new().set_bold();
    for (c, h) in table.headers.iter().enumerate() {
        let col = u16::try_from(c).map_err(|_| Error::Internal)?;
        sheet
            .write_string_with_format(0, col, *h, &bold)
            .map_err(xlsx_error)?;
        if let Some(w) = table.widths.get(c) {
            sheet.set_column_width(col, *w).map_err(xlsx_error)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    for (r, row) in rows.into_iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| Error::Internal)?;
        for (c, value) in row.as_ref().iter().enumerate() {
            if value.is_empty() {
                continue;
            }
            let col = u16::try_from(c).map_err(|_| Error::Internal)?;
            let number = value
                .parse::<f64>()
                .ok()
                .filter(|_| numbers && value.bytes().all(|b| b.is_ascii_digit() || b == b'.'));
            match number {
                Some(v) => sheet.write_number(r, col, v),
                None => sheet.write_string(r, col, neutralise(value).as_ref()),
            }
            .map_err(xlsx_error)?;
        }
    }
    Ok(())
}

/// Writes rows as CSV in UTF-8 with a BOM (Excel then reads the Chinese correctly).
pub fn write_csv<I, R>(headers: &[&str], rows: I) -> Result<Vec<u8>, Error>
where
    I: IntoIterator<Item = R>,
    R: AsRef<[String]>,
{
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let fail = |e: csv::Error| {
            tracing::error!(error = %e, "CSV export failed");
            Error::Internal
        };
        w.write_record(headers).map_err(fail)?;
        for row in rows {
            w.write_record(row.as_ref().iter().map(|v| neutralise(v).into_owned()))
                .map_err(fail)?;
        }
        w.flush().map_err(|e| {
            tracing::error!(error = %e, "CSV export failed");
            Error::Internal
        })?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of(name: &str, bytes: &[u8]) -> Vec<(u64, Vec<String>)> {
        let mut out = Vec::new();
        for_each_row(name, bytes, |n, cells| {
            out.push((n, cells.to_vec()));
            ControlFlow::Continue(())
        })
        .expect("readable");
        out
    }

    #[test]
    fn csv_in_gbk_and_utf8_with_bom_read_the_same() {
        let text = "企业名称,所属市州\n青海盐湖科技,西宁市\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        let expected = rows_of("a.csv", text.as_bytes());
        assert_eq!(expected[1].1, vec!["青海盐湖科技", "西宁市"]);
        assert_eq!(rows_of("b.csv", &gbk), expected);
        assert_eq!(rows_of("c.CSV", &bom), expected);
        let tabbed = rows_of("d.txt", "企业名称\t所属市州\n甲\t乙\n".as_bytes());
        assert_eq!(tabbed[1].1, vec!["甲", "乙"]);
    }

    #[test]
    fn files_that_are_not_spreadsheets_are_refused() {
        let key = |name: &str, bytes: &[u8]| {
            detect(name, bytes)
                .err()
                .and_then(|e| e.field_errors().first().map(|f| f.key))
        };
        assert_eq!(key("x.png", b"\x89PNG\r\n"), Some(K::ErrImportFileType));
        assert_eq!(key("x.csv", b"  \n"), Some(K::ErrImportEmpty));
        assert_eq!(key("x.csv", b"a\0b"), Some(K::ErrImportFileType));
        let big = vec![b'a'; MAX_IMPORT_BYTES + 1];
        assert_eq!(key("x.csv", &big), Some(K::ErrFileTooLarge));
        assert_eq!(key("x.xlsx", b"PK\x03\x04garbage"), None);
        let mut garbage = b"PK\x03\x04".to_vec();
        garbage.extend_from_slice(&[7u8; 64]);
        let err = for_each_row("x.xlsx", &garbage, |_, _| ControlFlow::Continue(()));
        assert_eq!(
            err.err()
                .and_then(|e| e.field_errors().first().map(|f| f.key)),
            Some(K::ErrImportUnreadable)
        );
    }

    #[test]
    fn xlsx_round_trip_keeps_text_and_defuses_formulas() {
        let table = Table {
            sheet: "企业",
            headers: vec!["企业名称", "联系电话"],
            widths: vec![30.0, 15.0],
        };
        let rows = vec![
            vec!["=HYPERLINK(\"http://x\")".to_owned(), "+86 139".to_owned()],
            vec!["青海".to_owned(), String::new()],
        ];
        let bytes = write_xlsx(&table, &rows).expect("written");
        let read = rows_of("export.xlsx", &bytes);
        assert_eq!(
            read[0],
            (1, vec!["企业名称".to_owned(), "联系电话".to_owned()])
        );
        assert_eq!(read[1].1, vec!["'=HYPERLINK(\"http://x\")", "'+86 139"]);
        assert_eq!(read[2].1[0], "青海");

        let csv = write_csv(&["企业名称"], &[vec!["@SUM(1)".to_owned()]]).expect("written");
        assert!(csv.starts_with(b"\xEF\xBB\xBF"));
        assert_eq!(rows_of("e.csv", &csv)[1].1, vec!["'@SUM(1)"]);
    }
}
