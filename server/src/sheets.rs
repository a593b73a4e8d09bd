//! Spreadsheets over plain HTTP: uploading a list for import (a multipart form, so it works
//! without JavaScript), downloading the firm list as xlsx or CSV, and the import templates.
//! The JSON API's import and export reuse [`export_file`] and the domain's import services.

use crate::AppState;
use crate::api::ApiCaller;
use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::db::import::{self, ImportKind};
use domain::db::{firms, sheets};
use domain::firm::FirmQueryParams;
use domain::import::{Columns, CoordinatorColumn, FirmColumn, MAX_IMPORT_BYTES};
use domain::{Error, K, Locale};

/// The largest multipart body an import accepts: the file plus room for the form's fields.
pub const MAX_IMPORT_BODY: usize = MAX_IMPORT_BYTES + 64 * 1024;

/// Reads the `file` field (and any other text fields) of a multipart form. `Err` means the body
/// broke off, which the body limit does to a file that is too large.
pub async fn read_upload(
    form: &mut Multipart,
) -> Result<(Option<(String, Vec<u8>)>, Vec<(String, String)>), ()> {
    let mut file = None;
    let mut fields = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                if name == "file" {
                    let file_name = field.file_name().unwrap_or("upload").to_owned();
                    let bytes = field.bytes().await.map_err(|_| ())?;
                    file = Some((file_name, bytes.to_vec()));
                } else {
                    let value = field.text().await.map_err(|_| ())?;
                    fields.push((name, value));
                }
            }
            Ok(None) => return Ok((file, fields)),
            Err(_) => return Err(()),
        }
    }
}

/// `POST /import/upload`: keeps the file for its preview and sends the browser to it.
pub async fn upload(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    mut form: Multipart,
) -> Response {
    if caller.require(&[domain::auth::Role::Office]).is_err() {
        return StatusCode::FORBIDDEN.into_response();
    }
    let Ok((file, fields)) = read_upload(&mut form).await else {
        return Redirect::to("/import?error=size").into_response();
    };
    let kind = fields
        .iter()
        .find(|(k, _)| k == "kind")
        .and_then(|(_, v)| ImportKind::parse(v).ok())
        .unwrap_or(ImportKind::Firms);
    let back = format!("/import?kind={}", kind.code());
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Redirect::to(&format!("{back}&error=empty")).into_response();
    };
    if bytes.len() > MAX_IMPORT_BYTES {
        return Redirect::to(&format!("{back}&error=size")).into_response();
    }
    match import::stage(&state.data_dir, caller.id, &name, &bytes) {
        Ok(token) => Redirect::to(&format!("{back}&token={token}")).into_response(),
        Err(_) => Redirect::to(&format!("{back}&error=failed")).into_response(),
    }
}

/// A file download with its name in the Content-Disposition (RFC 5987 for the Chinese).
pub fn attachment(bytes: Vec<u8>, file_name: &str, content_type: &'static str) -> Response {
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    let encoded = domain::url::query_value(file_name);
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"export\"; filename*=UTF-8''{encoded}"
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const CSV: &str = "text/csv; charset=utf-8";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Xlsx,
    Csv,
}

impl FileFormat {
    pub fn parse(raw: Option<&str>) -> Result<FileFormat, Error> {
        match raw.map(str::trim).unwrap_or("xlsx") {
            "" | "xlsx" => Ok(FileFormat::Xlsx),
            "csv" => Ok(FileFormat::Csv),
            _ => Err(Error::field("format", domain::K::ErrValidation)),
        }
    }
}

/// The filtered firm list as a file: the same rows the list shows, every page. The export is
/// audited (who took which firms' contacts out of the system).
pub async fn export_file(
    state: &AppState,
    caller: &domain::auth::Caller,
    params: FirmQueryParams,
    format: FileFormat,
) -> Result<Response, Error> {
    // Firms' contacts leave the system: a sensitive action.
    caller.require_recent_auth()?;
    let query = params.parse()?;
    let campaign = domain::db::campaigns::by_id_or_current(&state.db, query.campaign).await?;
    let rows = firms::export_rows(&state.db, &campaign, &query, caller).await?;
    domain::db::audit::record_read(
        &state.db,
        caller,
        "export",
        "firm",
        serde_json::json!({ "filter": query, "rows": rows.len(), "format": format!("{format:?}") }),
    )
    .await?;
    let headers = firms::export_headers();
    let stamp = domain::clock::today().format("%Y%m%d");
    // Building a large workbook is CPU work: keep it off the async workers.
    let (bytes, name, content_type) = tokio::task::spawn_blocking(move || match format {
        FileFormat::Xlsx => sheets::write_xlsx(
            &sheets::Table {
                sheet: K::FirmsTitle.t(Locale::Zh),
                headers,
                widths: firms::EXPORT_WIDTHS.to_vec(),
            },
            &rows,
        )
        .map(|b| {
            (
                b,
                format!("{}-{stamp}.xlsx", K::FirmsTitle.t(Locale::Zh)),
                XLSX,
            )
        }),
        FileFormat::Csv => sheets::write_csv(&headers, &rows).map(|b| {
            (
                b,
                format!("{}-{stamp}.csv", K::FirmsTitle.t(Locale::Zh)),
                CSV,
            )
        }),
    })
    .await
    .map_err(|_| Error::Internal)??;
    Ok(attachment(bytes, &name, content_type))
}

#[derive(serde::Deserialize)]
pub struct ExportFormat {
    format: Option<String>,
}

/// `GET /firms/export?format=xlsx|csv&…filters`.
pub async fn export(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(f): Query<ExportFormat>,
    Query(filters): Query<FirmQueryParams>,
) -> Response {
    let result = match FileFormat::parse(f.format.as_deref()) {
        Ok(format) => export_file(&state, &caller, filters, format).await,
        Err(e) => Err(e),
    };
    result.unwrap_or_else(|e| crate::api::ApiError(e).into_response())
}

#[derive(serde::Deserialize)]
pub struct AuditExportParams {
    format: Option<String>,
    #[serde(flatten)]
    query: domain::audit::AuditQuery,
}

/// `GET /audit/export?format=xlsx|csv&user=&firm=&action=&from=&to=`: the audit trail the
/// filters select, for the audit administrator; the export is itself audited.
pub async fn audit_export(
    State(state): State<AppState>,
    crate::api::extract::ApiAnyCaller(caller): crate::api::extract::ApiAnyCaller,
    Query(p): Query<AuditExportParams>,
) -> Response {
    let result = async {
        let format = FileFormat::parse(p.format.as_deref())?;
        let rows = domain::db::audit::export_for(&state.db, &caller, &p.query).await?;
        let stamp = domain::clock::today().format("%Y%m%d");
        let name = K::Audit.t(Locale::Zh);
        tokio::task::spawn_blocking(move || match format {
            FileFormat::Xlsx => sheets::write_xlsx(
                &sheets::Table {
                    sheet: name,
                    headers: domain::db::audit::EXPORT_HEADERS.to_vec(),
                    widths: vec![8.0, 20.0, 8.0, 14.0, 16.0, 14.0, 8.0, 8.0, 40.0, 40.0, 16.0],
                },
                &rows,
            )
            .map(|b| (b, format!("{name}-{stamp}.xlsx"), XLSX)),
            FileFormat::Csv => sheets::write_csv(&domain::db::audit::EXPORT_HEADERS, &rows)
                .map(|b| (b, format!("{name}-{stamp}.csv"), CSV)),
        })
        .await
        .map_err(|_| Error::Internal)?
    }
    .await;
    match result {
        Ok((bytes, name, content_type)) => attachment(bytes, &name, content_type),
        Err(e) => crate::api::ApiError(e).into_response(),
    }
}

#[derive(serde::Deserialize)]
pub struct TemplateParams {
    kind: Option<String>,
    format: Option<String>,
}

/// `GET /import/template?kind=firms|coordinators&format=xlsx|csv`: an empty list with the
/// headers the import reads, and one example row.
pub async fn template(Query(p): Query<TemplateParams>) -> Response {
    let kind = ImportKind::parse(p.kind.as_deref().unwrap_or("firms"));
    let format = FileFormat::parse(p.format.as_deref());
    let (Ok(kind), Ok(format)) = (kind, format) else {
        return StatusCode::UNPROCESSABLE_ENTITY.into_response();
    };
    let (headers, example, name): (Vec<&str>, Vec<String>, &str) = match kind {
        ImportKind::Firms => (
            FirmColumn::ALL.iter().map(|c| c.header()).collect(),
            [
                "91630100MA752YPB25",
                "青海示例科技有限公司",
                "西宁市",
                "城东区",
                "新材料",
                "省级专精特新中小企业",
                "王经理",
                "13909710000",
                "西宁市城东区示例路 1 号",
            ]
            .map(str::to_owned)
            .to_vec(),
            K::FileFirmTemplate.t(Locale::Zh),
        ),
        ImportKind::Coordinators => (
            CoordinatorColumn::ALL.iter().map(|c| c.header()).collect(),
            ["张三", "13909710001", "省工业和信息化厅"]
                .map(str::to_owned)
                .to_vec(),
            K::FileCoordinatorTemplate.t(Locale::Zh),
        ),
    };
    let rows = [example];
    let built = match format {
        FileFormat::Xlsx => sheets::write_xlsx(
            &sheets::Table {
                sheet: K::SheetImport.t(Locale::Zh),
                widths: headers.iter().map(|_| 22.0).collect(),
                headers,
            },
            &rows,
        )
        .map(|b| (b, format!("{name}.xlsx"), XLSX)),
        FileFormat::Csv => {
            sheets::write_csv(&headers, &rows).map(|b| (b, format!("{name}.csv"), CSV))
        }
    };
    match built {
        Ok((bytes, name, content_type)) => attachment(bytes, &name, content_type),
        Err(e) => crate::api::ApiError(e).into_response(),
    }
}

#[derive(serde::Deserialize)]
pub struct ReportParams {
    pub period: Option<String>,
    pub unit: Option<String>,
}

/// The report as an xlsx download.
pub fn report_file(r: &domain::dashboard::HalfYearReport) -> Result<Response, Error> {
    let bytes = domain::db::reports::to_xlsx(r, Locale::Zh)?;
    let name = format!(
        "{}.xlsx",
        K::FileReport.fill(
            Locale::Zh,
            &[("unit", r.unit_zh.clone()), ("period", r.period.clone())]
        )
    );
    Ok(attachment(bytes, &name, XLSX))
}

/// `GET /reports/half-year.xlsx?period=2022H2&unit=…`.
pub async fn half_year_xlsx(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(p): Query<ReportParams>,
) -> Response {
    let report =
        domain::db::reports::report_for(&state.db, &caller, p.period.as_deref(), p.unit.as_deref())
            .await;
    let result = match report {
        Ok(r) => report_file(&r),
        Err(e) => Err(e),
    };
    result.unwrap_or_else(|e| crate::api::ApiError(e).into_response())
}

#[derive(serde::Deserialize)]
pub struct BulletinParams {
    pub week: Option<String>,
    pub campaign: Option<String>,
}

/// The 通报 as an xlsx download.
pub fn bulletin_file(b: &domain::bulletin::Bulletin) -> Result<Response, Error> {
    let bytes = domain::db::bulletin::to_xlsx(b)?;
    let name = format!(
        "{}.xlsx",
        K::FileBulletin.fill(Locale::Zh, &[("week", b.week.code())])
    );
    Ok(attachment(bytes, &name, XLSX))
}

/// `GET /bulletin.xlsx?week=2022-W40`: the weekly 通报 as a workbook (the page's download).
pub async fn bulletin_xlsx(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(p): Query<BulletinParams>,
) -> Response {
    let result =
        domain::db::bulletin::week(&state.db, &caller, p.week.as_deref(), p.campaign.as_deref())
            .await
            .and_then(|b| bulletin_file(&b));
    result.unwrap_or_else(|e| crate::api::ApiError(e).into_response())
}

/// `POST /calendar/import`: the office uploads a year's holidays (a multipart form, so it works
/// without JavaScript); the calendar page shows the outcome, or the first bad row and why.
pub async fn calendar_import(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    mut form: Multipart,
) -> Response {
    let Ok((file, _)) = read_upload(&mut form).await else {
        return Redirect::to("/calendar?import_error=ErrFileTooLarge").into_response();
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Redirect::to("/calendar?import_error=ErrImportEmpty").into_response();
    };
    match domain::db::calendar::import(&state.db, &caller, &name, &bytes).await {
        Ok(done) => Redirect::to(&format!(
            "/calendar?year={}&imported={}&saved={}",
            done.year, done.days, done.moved
        ))
        .into_response(),
        Err(bad) if bad.error == Error::Forbidden => StatusCode::FORBIDDEN.into_response(),
        Err(bad) => {
            // The message's key travels by name; the page says it in the reader's language.
            let key = bad
                .error
                .field_errors()
                .first()
                .map(|f| f.key)
                .unwrap_or(K::ErrImportUnreadable);
            let key = serde_json::to_value(key)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            Redirect::to(&format!("/calendar?import_error={key}&row={}", bad.row)).into_response()
        }
    }
}
