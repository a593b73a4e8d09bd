//! Importing the office's firm lists and coordinator rosters. One function per kind does both
//! the preview (a dry run) and the commit, so what the office confirmed is exactly what is
//! written: the file is read again and checked against the database inside the transaction
//! that writes it. Any problem row means nothing is written.

mod firms;
mod roster;
mod staging;

pub use firms::import_firms;
pub use roster::import_coordinators;
pub use staging::{discard, stage, staged};

use super::sheets;
use crate::auth::{Caller, Role};
use crate::error::{Error, FieldError};
use crate::i18n::K;
use crate::import::*;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::Path;

/// Rows per multi-row INSERT on SQLite: 13 parameters a firm stays under its 32,766.
const BATCH: usize = 1000;
/// Rows per INSERT on PostgreSQL, where a batch is one JSON parameter: fewer, larger statements.
const PG_BATCH: usize = 5000;
/// Credit codes per `IN (…)` lookup.
const LOOKUP_CHUNK: usize = 500;

/// Reads a file's rows into checked records, collecting row problems. File-level problems (no
/// header, a missing column, an unreadable or empty file) are errors.
fn read_rows<C: Columns, T>(
    file_name: &str,
    bytes: &[u8],
    report: &mut ImportReport,
    mut parse: impl FnMut(&HeaderMap<C>, u64, &[String]) -> Result<T, Vec<RowIssue>>,
) -> Result<Vec<(u64, T)>, Error> {
    let mut search = HeaderSearch::<C>::default();
    let mut records = Vec::new();
    let mut file_problem: Option<FieldError> = None;
    // Rows with one filled cell: a note if no data row follows them, else a broken data row.
    let mut single: Vec<(u64, String, Vec<RowIssue>)> = Vec::new();
    sheets::for_each_row(file_name, bytes, |row, cells| {
        match search.feed(row, cells) {
            Err(e) => {
                file_problem = Some(e);
                return ControlFlow::Break(());
            }
            Ok(false) => return ControlFlow::Continue(()),
            Ok(true) => {}
        }
        if is_blank(cells) {
            return ControlFlow::Continue(());
        }
        if search.found.is_some() && is_note_row(cells) {
            report.skipped.push(SkippedRow {
                row,
                text: note_text(cells),
            });
            return ControlFlow::Continue(());
        }
        report.rows += 1;
        if report.rows as usize > MAX_IMPORT_ROWS {
            file_problem =
                Some(FieldError::new("file", K::ErrImportTooManyRows).with("max", MAX_IMPORT_ROWS));
            return ControlFlow::Break(());
        }
        let Some(header) = search.found.as_ref() else {
            return ControlFlow::Continue(());
        };
        let parsed = parse(header, row, cells);
        let lone = filled_cells(cells) == 1;
        if !lone || parsed.is_ok() {
            // Data follows: the lone-cell rows before it were broken data rows after all.
            for (_, _, issues) in single.drain(..) {
                issues.into_iter().for_each(|i| report.push_issue(i));
            }
        }
        match parsed {
            Ok(t) => records.push((row, t)),
            Err(issues) if lone => single.push((row, note_text(cells), issues)),
            Err(issues) => issues.into_iter().for_each(|i| report.push_issue(i)),
        }
        ControlFlow::Continue(())
    })?;
    // What is left had no data after it: notes under the table.
    for (row, text, _) in single {
        report.rows -= 1;
        report.skipped.push(SkippedRow { row, text });
    }
    report.skipped.sort_by_key(|s| s.row);
    if let Some(e) = file_problem {
        return Err(Error::Validation(vec![e]));
    }
    let header = search.finish().map_err(|e| Error::Validation(vec![e]))?;
    header.check().map_err(Error::Validation)?;
    if report.rows == 0 {
        return Err(Error::field("file", K::ErrImportEmpty));
    }
    report.ignored_columns = header.ignored;
    Ok(records)
}

/// Flags the second and later rows with the same key (a credit code, a phone number).
fn flag_repeats<T>(
    records: Vec<(u64, T)>,
    key: impl Fn(&T) -> String,
    column: &str,
    field: &str,
    report: &mut ImportReport,
) -> Vec<(u64, T)> {
    let mut first_row: HashMap<String, u64> = HashMap::with_capacity(records.len());
    let mut kept = Vec::with_capacity(records.len());
    for (row, t) in records {
        match first_row.get(&key(&t)) {
            Some(first) => report.push_issue(RowIssue {
                row,
                column: column.to_owned(),
                error: FieldError::new(field, K::ErrImportDuplicateRow).with("row", first),
            }),
            None => {
                first_row.insert(key(&t), row);
                kept.push((row, t));
            }
        }
    }
    kept
}

fn sort_issues(report: &mut ImportReport) {
    report.issues.sort_by_key(|i| i.row);
}

/// Which list an upload is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ImportKind {
    Firms,
    Coordinators,
}

impl ImportKind {
    pub fn parse(raw: &str) -> Result<ImportKind, Error> {
        match raw {
            "firms" => Ok(ImportKind::Firms),
            "coordinators" => Ok(ImportKind::Coordinators),
            _ => Err(Error::field("kind", K::ErrValidation)),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Firms => "firms",
            ImportKind::Coordinators => "coordinators",
        }
    }

    pub async fn run(
        self,
        db: &crate::db::Db,
        file_name: &str,
        bytes: &[u8],
        commit: bool,
        caller: &Caller,
    ) -> Result<ImportReport, Error> {
        match self {
            ImportKind::Firms => import_firms(db, file_name, bytes, commit, caller).await,
            ImportKind::Coordinators => {
                import_coordinators(db, file_name, bytes, commit, caller).await
            }
        }
    }
}

/// The use case "preview or commit a staged upload" (the import page's two steps): only the
/// office, only its own uploads. A commit that no longer fits (the database changed since the
/// preview) is refused with the row count, and the staged file is kept for another look; a
/// commit that landed spends it.
pub async fn run_staged(
    db: &crate::db::Db,
    caller: &Caller,
    data_dir: &Path,
    kind: &str,
    token: &str,
    commit: bool,
) -> Result<(ImportKind, ImportReport), Error> {
    caller.require(&[Role::Office])?;
    let kind = ImportKind::parse(kind)?;
    let (name, bytes) = staged(data_dir, caller.id, token)?;
    let report = kind.run(db, &name, &bytes, commit, caller).await?;
    if commit {
        if !report.committed {
            return Err(Error::Validation(vec![
                crate::FieldError::new("file", K::ErrImportHasErrors).with("n", report.issue_count),
            ]));
        }
        discard(data_dir, caller.id, token);
    }
    Ok((kind, report))
}
