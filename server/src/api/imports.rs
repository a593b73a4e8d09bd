//! Importing firm lists and coordinator rosters as multipart uploads.

use super::error::{ApiError, ProblemDetails};
use super::extract::{ApiCaller, Q};
use crate::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::{Error, Locale};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct RowProblem {
    /// The spreadsheet's own row number.
    pub row: u64,
    /// The column's header.
    pub column: String,
    pub field: String,
    pub message: String,
    pub message_en: String,
}

/// What an import found (dry run) or did.
#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    pub file_name: String,
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub archived: u64,
    pub committed: bool,
    pub issue_count: u64,
    pub issues: Vec<RowProblem>,
    pub ignored_columns: Vec<String>,
}

impl From<domain::import::ImportReport> for ImportResult {
    fn from(r: domain::import::ImportReport) -> Self {
        ImportResult {
            issues: r
                .issues
                .iter()
                .map(|i| RowProblem {
                    row: i.row,
                    column: i.column.clone(),
                    field: i.error.field.clone(),
                    message: i.text(Locale::Zh),
                    message_en: i.text(Locale::En),
                })
                .collect(),
            file_name: r.file_name,
            rows: r.rows,
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
            archived: r.archived,
            committed: r.committed,
            issue_count: r.issue_count,
            ignored_columns: r.ignored_columns,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// true: only check the file and report what would happen.
    dry_run: Option<String>,
}

async fn run_import(
    state: &AppState,
    caller: &domain::auth::Caller,
    kind: domain::db::import::ImportKind,
    dry_run: Option<String>,
    mut form: axum::extract::Multipart,
) -> Result<Response, ApiError> {
    caller.require(&[domain::auth::Role::Office])?;
    let dry_run = matches!(dry_run.as_deref().map(str::trim), Some("true" | "1"));
    let (file, _) = crate::sheets::read_upload(&mut form).await.map_err(|_| {
        Error::Validation(vec![
            domain::FieldError::new("file", domain::K::ErrFileTooLarge)
                .with("mb", domain::import::MAX_IMPORT_BYTES / 1024 / 1024),
        ])
    })?;
    let (name, bytes) = file.ok_or_else(|| Error::field("file", domain::K::ErrRequired))?;
    let report = kind.run(&state.db, &name, &bytes, !dry_run, caller).await?;
    if !dry_run && !report.committed {
        // A failed commit: 422, with every row problem, and nothing written.
        let n = report.issue_count;
        let mut body = serde_json::to_value(ImportResult::from(report)).unwrap_or_default();
        if let Some(obj) = body.as_object_mut() {
            obj.insert("type".into(), "about:blank".into());
            obj.insert("title".into(), "Unprocessable Entity".into());
            obj.insert("status".into(), 422.into());
            let e = domain::FieldError::new("file", domain::K::ErrImportHasErrors).with("n", n);
            obj.insert("detail".into(), e.text(Locale::Zh).into());
            obj.insert("detail_en".into(), e.text(Locale::En).into());
        }
        let mut resp = (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        return Ok(resp);
    }
    Ok(Json(ImportResult::from(report)).into_response())
}

/// Import a firm list (multipart field `file`: xlsx, xls or CSV in UTF-8 or GBK). Rows are
/// matched by credit code. `?dry_run=true` only reports; otherwise all rows are written or, if
/// any row has a problem, none (422 with the row problems).
#[utoipa::path(post, path = "/api/v1/firms/import", params(ImportParams),
    request_body(content_type = "multipart/form-data", description = "field `file`"),
    responses((status = 200, body = ImportResult), (status = 422, body = ImportResult, content_type = "application/problem+json"),
              (status = 403, body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn import_firms(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Q(p): Q<ImportParams>,
    form: axum::extract::Multipart,
) -> Result<Response, ApiError> {
    run_import(
        &state,
        &caller,
        domain::db::import::ImportKind::Firms,
        p.dry_run,
        form,
    )
    .await
}

/// Import a coordinator roster (姓名, 手机号码, 成员单位), matched by mobile number; the same
/// rules as the firm import.
#[utoipa::path(post, path = "/api/v1/coordinators/import", params(ImportParams),
    request_body(content_type = "multipart/form-data", description = "field `file`"),
    responses((status = 200, body = ImportResult), (status = 422, body = ImportResult, content_type = "application/problem+json"),
              (status = 403, body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn import_coordinators(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Q(p): Q<ImportParams>,
    form: axum::extract::Multipart,
) -> Result<Response, ApiError> {
    run_import(
        &state,
        &caller,
        domain::db::import::ImportKind::Coordinators,
        p.dry_run,
        form,
    )
    .await
}
