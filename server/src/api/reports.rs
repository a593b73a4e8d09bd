//! The leadership's figures: progress with the dashboard, and the half-year report.

use super::error::{ApiError, ProblemDetails};
use super::extract::{ApiCaller, Q};
use crate::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::Error;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressParams {
    /// YYYY-MM-DD; defaults to today, or the deadline once the campaign has ended.
    as_of: Option<String>,
    /// A campaign round's id; defaults to the current round.
    campaign: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ProgressResponse {
    pub campaign: String,
    pub campaign_en: String,
    pub starts_on: NaiveDate,
    pub deadline: NaiveDate,
    pub as_of: NaiveDate,
    pub firms_in_scope: u64,
    pub visited_on_site: u64,
    pub with_solved_problem: u64,
    pub both_targets_met: u64,
    pub visited_percent: f64,
    pub solved_percent: f64,
    pub both_percent: f64,
    /// Problem figures, the burn-up series and the breakdowns by region, tier, member unit,
    /// coordinator and measure, with the red and yellow lists: the dashboard's figures.
    pub dashboard: domain::dashboard::Dashboard,
}

/// The campaign's two targets as of a day.
#[utoipa::path(get, path = "/api/v1/progress", params(ProgressParams),
    responses((status = 200, body = ProgressResponse), (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
pub(super) async fn get_progress(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Q(p): Q<ProgressParams>,
) -> Result<Json<ProgressResponse>, ApiError> {
    let campaign = domain::db::campaigns::chosen(&state.db, p.campaign.as_deref()).await?;
    let as_of = campaign.as_of_param(p.as_of.as_deref(), domain::clock::today())?;
    let dashboard = state
        .dashboard_cache
        .get(&state.db, &campaign, as_of)
        .await?;
    let p = dashboard.progress();
    Ok(Json(ProgressResponse {
        dashboard: (*dashboard).clone(),
        campaign: p.campaign.name_zh.clone(),
        campaign_en: p.campaign.name_en.clone(),
        starts_on: p.campaign.starts_on,
        deadline: p.campaign.deadline,
        as_of: p.as_of,
        visited_percent: p.visited_percent(),
        solved_percent: p.solved_percent(),
        both_percent: p.both_percent(),
        firms_in_scope: p.firms_in_scope,
        visited_on_site: p.visited_on_site,
        with_solved_problem: p.with_solved_problem,
        both_targets_met: p.both_targets_met,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// 2022H1, 2022H2, …; defaults to the current half year (the last one once the campaign ended).
    period: Option<String>,
    /// A member unit's id; empty for the province. A unit handler always gets their own unit.
    unit: Option<String>,
    /// json (default) or xlsx; `Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` works too.
    format: Option<String>,
}

/// A half-year report (每半年报送) for a member unit or the province, as JSON or an xlsx file.
#[utoipa::path(get, path = "/api/v1/reports/half-year", params(ReportQuery),
    responses((status = 200, body = domain::dashboard::HalfYearReport),
              (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
              (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
pub(super) async fn half_year(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    headers: http::HeaderMap,
    Q(p): Q<ReportQuery>,
) -> Result<Response, ApiError> {
    let wants_xlsx = match p.format.as_deref().map(str::trim) {
        Some("xlsx") => true,
        Some("json") | Some("") | None => headers
            .get(header::ACCEPT)
            .and_then(|a| a.to_str().ok())
            .is_some_and(|a| a.contains("spreadsheetml")),
        Some(_) => return Err(Error::field("format", domain::K::ErrValidation).into()),
    };
    let report =
        domain::db::reports::report_for(&state.db, &caller, p.period.as_deref(), p.unit.as_deref())
            .await?;
    if wants_xlsx {
        Ok(crate::sheets::report_file(&report)?)
    } else {
        Ok(Json(report).into_response())
    }
}

#[derive(Deserialize, IntoParams)]
pub struct BulletinParams {
    /// `2022-W40` or any day of the week; the campaign's latest week when absent.
    pub week: Option<String>,
    pub campaign: Option<String>,
    /// `xlsx` for the workbook.
    pub format: Option<String>,
}

/// The weekly 通报: units and regions ranked, the bottom three with their overdue problems.
#[utoipa::path(get, path = "/api/v1/bulletin", params(BulletinParams),
    responses((status = 200, body = domain::bulletin::Bulletin), (status = 422, body = ProblemDetails, content_type = "application/problem+json"),
              (status = 403, body = ProblemDetails, content_type = "application/problem+json")))]
pub(super) async fn bulletin(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Q(p): Q<BulletinParams>,
) -> Result<Response, ApiError> {
    let b =
        domain::db::bulletin::week(&state.db, &caller, p.week.as_deref(), p.campaign.as_deref())
            .await?;
    if p.format.as_deref() == Some("xlsx") {
        return Ok(crate::sheets::bulletin_file(&b)?);
    }
    Ok(Json(b).into_response())
}
