//! Firms: the list, the firm file, registering and correcting, the export.

use super::error::{ApiError, ProblemDetails};
use super::extract::{ApiCaller, J, Q};
use crate::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::Error;
use domain::db::firms;
use domain::firm::{FirmFile, FirmPage, FirmQueryParams};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FirmListParams {
    /// Part of the name or credit code.
    q: Option<String>,
    /// Region id, 1–8.
    region: Option<String>,
    /// Tier id, 1–5.
    tier: Option<String>,
    /// Page number, from 1; 20 firms a page.
    page: Option<String>,
    /// 1: only firms without a coordinator.
    unassigned: Option<String>,
    /// Part of the county's name.
    county: Option<String>,
    /// Part of the industry.
    industry: Option<String>,
    /// A coordinator's user id.
    coordinator: Option<String>,
    /// In-scope firms by target: not_visited | visited | not_solved | solved | both.
    status: Option<String>,
    /// region (default) | name | code | recent
    sort: Option<String>,
    /// YYYY-MM-DD: count the targets as of this day; default today (the deadline once ended).
    as_of: Option<String>,
    /// A campaign round's id; default the current round.
    campaign: Option<String>,
}

impl From<FirmListParams> for FirmQueryParams {
    fn from(p: FirmListParams) -> Self {
        FirmQueryParams {
            q: p.q,
            region: p.region,
            tier: p.tier,
            page: p.page,
            unassigned: p.unassigned,
            county: p.county,
            industry: p.industry,
            coordinator: p.coordinator,
            status: p.status,
            sort: p.sort,
            as_of: p.as_of,
            campaign: p.campaign,
        }
    }
}

/// List firms (same filters as the firm list page).
#[utoipa::path(get, path = "/api/v1/firms", params(FirmListParams),
    responses((status = 200, body = FirmPage), (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
pub(super) async fn list_firms(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Q(p): Q<FirmListParams>,
) -> Result<Json<FirmPage>, ApiError> {
    let params = FirmQueryParams::from(p);
    Ok(Json(
        firms::browse(&state.db, &state.dashboard_cache, &caller, &params).await?,
    ))
}

/// One firm's file: profile, coordinator, targets and timeline.
#[utoipa::path(get, path = "/api/v1/firms/{id}", params(("id" = String, Path, description = "Firm id")),
    responses((status = 200, body = FirmFile), (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
              (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
pub(super) async fn get_firm(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<FirmFile>, ApiError> {
    Ok(Json(firms::file_for(&state.db, &caller, &id).await?))
}

/// Register a firm (the office). The credit code must be valid and new.
#[utoipa::path(post, path = "/api/v1/firms", request_body = domain::firm::FirmForm,
    responses((status = 201, body = FirmFile), (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
              (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
              (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
pub(super) async fn create_firm(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    J(form): J<domain::firm::FirmForm>,
) -> Result<Response, ApiError> {
    let created = firms::register(&state.db, &caller, &form).await?;
    let file = firms::file_for(&state.db, &caller, &created.id.to_string()).await?;
    Ok((StatusCode::CREATED, Json(file)).into_response())
}

/// Correct a firm's profile (the office); the audit keeps before and after.
#[utoipa::path(put, path = "/api/v1/firms/{id}", params(("id" = String, Path, description = "Firm id")), request_body = domain::firm::FirmForm,
    responses((status = 200, body = FirmFile), (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
              (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
              (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
pub(super) async fn update_firm(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    J(form): J<domain::firm::FirmForm>,
) -> Result<Json<FirmFile>, ApiError> {
    // An empty id would register a firm: a PUT always names one.
    if id.trim().is_empty() {
        return Err(Error::field("id", domain::K::ErrBadId).into());
    }
    firms::save(&state.db, &caller, &id, &form).await?;
    Ok(Json(firms::file_for(&state.db, &caller, &id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportFormat {
    /// xlsx (default) or csv.
    format: Option<String>,
}

/// The filtered firm list (every page) as xlsx or CSV (UTF-8 with BOM). Cells that would start
/// a formula are prefixed with an apostrophe.
#[utoipa::path(get, path = "/api/v1/firms/export", params(ExportFormat, FirmListParams),
    responses((status = 200, description = "the file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
pub(super) async fn export_firms(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Q(f): Q<ExportFormat>,
    Q(p): Q<FirmListParams>,
) -> Result<Response, ApiError> {
    let format = crate::sheets::FileFormat::parse(f.format.as_deref())?;
    Ok(crate::sheets::export_file(&state, &caller, p.into(), format).await?)
}
