//! The JSON API under `/api/v1`, described by the OpenAPI document at `/api/v1/openapi.json`.
//! Handlers call the same domain services as the pages. Errors are `application/problem+json`
//! (RFC 9457) with the message in Chinese and English and, for bad input, one entry per field.

use crate::AppState;
use crate::auth::ApiUser;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use domain::db::{access, current_campaign, firms, parse_id};
use domain::firm::{FirmFile, FirmPage, FirmQueryParams};
use domain::{Error, Locale};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/firms", get(list_firms).post(create_firm))
        .route("/firms/export", get(export_firms))
        .route("/firms/{id}", get(get_firm).put(update_firm))
        .route("/firms/{id}/assignments", get(firm_assignments))
        .route("/assignments", axum::routing::post(assign))
        .route("/progress", get(get_progress))
        .route("/campaigns", get(list_campaigns).post(create_campaign))
        .route("/reports/half-year", get(half_year))
        .route("/firms/{id}/visits", axum::routing::post(create_visit))
        .route("/visits", get(list_visits))
        .route("/problems", get(list_problems))
        .route("/problems/{id}/transition", axum::routing::post(transition))
        .route(
            "/problems/{id}/confirmation",
            axum::routing::post(confirm_call),
        )
        .route("/confirm/{token}", axum::routing::post(confirm_link))
        .fallback(|| async { ApiError(Error::not_found(domain::K::NotFoundTitle)) })
}

#[derive(OpenApi)]
#[openapi(
    info(title = "zhuqi API", description = "百人助百企 campaign data: firms, progress. Errors are application/problem+json."),
    paths(half_year, list_campaigns, create_campaign, list_firms, get_firm, create_firm, update_firm, import_firms, import_coordinators, export_firms, assign, firm_assignments, get_progress, create_visit, list_visits, list_problems, transition, confirm_call, confirm_link),
    components(schemas(ImportResult, RowProblem, AssignRequest, ProblemDetails, FieldProblem, ProgressResponse, LoggedVisit, VisitItem, TransitionRequest, ConfirmationRequest, ProblemState)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

/// Declares the bearer-token scheme (`zhuqi token create`); a browser session works as well.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// RFC 9457 problem details.
#[derive(Serialize, ToSchema)]
pub struct ProblemDetails {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    /// In Chinese.
    pub detail: String,
    pub detail_en: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
    pub message_en: String,
}

pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ProblemDetails {
            type_: "about:blank".to_owned(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: e.message(Locale::Zh),
            detail_en: e.message(Locale::En),
            errors: e
                .field_errors()
                .iter()
                .map(|f| FieldProblem {
                    field: f.field.clone(),
                    message: f.text(Locale::Zh),
                    message_en: f.text(Locale::En),
                })
                .collect(),
        };
        let mut resp = (status, Json(body)).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        resp
    }
}

/// Query extraction that answers malformed query strings with problem+json, not plain text.
pub struct Q<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send, S: Send + Sync> axum::extract::FromRequestParts<S>
    for Q<T>
{
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| Q(v))
            .map_err(|_| {
                ApiError(Error::Validation(vec![domain::FieldError::new(
                    "",
                    domain::K::ErrValidation,
                )]))
            })
    }
}

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
async fn list_firms(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Q(p): Q<FirmListParams>,
) -> Result<Json<FirmPage>, ApiError> {
    let params = FirmQueryParams::from(p);
    Ok(Json(
        firms::browse(&state.db, &state.dashboard_cache, &user, &params).await?,
    ))
}

/// One firm's file: profile, coordinator, targets and timeline.
#[utoipa::path(get, path = "/api/v1/firms/{id}", params(("id" = String, Path, description = "Firm id")),
    responses((status = 200, body = FirmFile), (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
              (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
async fn get_firm(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<FirmFile>, ApiError> {
    Ok(Json(firms::file_for(&state.db, &user, &id).await?))
}

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
async fn get_progress(
    State(state): State<AppState>,
    _user: ApiUser,
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

/// JSON bodies that answer malformed input with problem+json, not plain text.
pub struct J<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for J<T> {
    type Rejection = ApiError;
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        Json::<T>::from_request(req, state)
            .await
            .map(|Json(v)| J(v))
            .map_err(|_| {
                ApiError(Error::Validation(vec![domain::FieldError::new(
                    "",
                    domain::K::ErrValidation,
                )]))
            })
    }
}

/// The audit trail's "who" for an API call, with the peer address when the server knows it.
fn actor(
    user: &domain::auth::CurrentUser,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
) -> domain::db::audit::Actor {
    domain::db::audit::Actor::user(user, peer.map(|c| c.0.0.ip().to_string()))
}

#[derive(Serialize, ToSchema)]
pub struct LoggedVisit {
    pub visit_id: i32,
    pub problem_ids: Vec<i32>,
    /// False when the idempotency key had been seen: the existing visit is returned.
    pub created: bool,
}

/// Log a visit (with the problems found) for a firm. Send an `idempotency_key`: the same key
/// again returns the first visit instead of making a second.
#[utoipa::path(post, path = "/api/v1/firms/{id}/visits", params(("id" = String, Path, description = "Firm id")), request_body = domain::visit::VisitForm,
    responses((status = 201, body = LoggedVisit), (status = 200, body = LoggedVisit, description = "a repeated idempotency key"),
              (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
              (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
async fn create_visit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    Path(id): Path<String>,
    J(form): J<domain::visit::VisitForm>,
) -> Result<Response, ApiError> {
    let logged = domain::db::visits::log_for(
        &state.db,
        &actor(&user, peer),
        &user,
        &id,
        &form,
        state.problem_settings,
    )
    .await?;
    let status = if logged.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(LoggedVisit {
            visit_id: logged.visit_id,
            problem_ids: logged.problem_ids,
            created: logged.created,
        }),
    )
        .into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitListParams {
    firm: Option<String>,
    coordinator: Option<String>,
    /// YYYY-MM-DD
    from: Option<String>,
    /// YYYY-MM-DD
    to: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct VisitItem {
    pub id: i32,
    pub firm_id: i32,
    pub firm_name: String,
    pub coordinator_id: i32,
    pub coordinator: String,
    pub visit_date: NaiveDate,
    pub kind: String,
    pub participants: String,
    pub summary: String,
}

/// Visits by firm, coordinator and date (a coordinator: their own firms'), newest first.
#[utoipa::path(get, path = "/api/v1/visits", params(VisitListParams),
    responses((status = 200, body = Vec<VisitItem>), (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
async fn list_visits(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Q(p): Q<VisitListParams>,
) -> Result<Json<Vec<VisitItem>>, ApiError> {
    let present = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let firm = present(p.firm).map(|v| parse_id("firm", &v)).transpose()?;
    let coordinator = present(p.coordinator)
        .map(|v| parse_id("coordinator", &v))
        .transpose()?;
    let date = |field: &str, v: Option<String>| -> Result<Option<NaiveDate>, Error> {
        present(v)
            .map(|d| {
                domain::campaign::parse_date(field, &d).map_err(|e| Error::Validation(vec![e]))
            })
            .transpose()
    };
    let (from, to) = (date("from", p.from)?, date("to", p.to)?);
    let rows = domain::db::visits::list(&state.db, &user, firm, coordinator, from, to).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| VisitItem {
                id: r.id,
                firm_id: r.firm_id,
                firm_name: r.firm_name,
                coordinator_id: r.coordinator_id,
                coordinator: r.coordinator,
                visit_date: r.visit_date,
                kind: r.kind,
                participants: r.participants,
                summary: r.summary,
            })
            .collect(),
    ))
}

/// The problems the caller must act on: routed to their unit (the office and leaders: all).
#[utoipa::path(get, path = "/api/v1/problems", responses((status = 200, body = Vec<domain::problem::QueueRow>), (status = 403, body = ProblemDetails, content_type = "application/problem+json")))]
async fn list_problems(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<domain::problem::QueueRow>>, ApiError> {
    Ok(Json(domain::db::problems::queue(&state.db, &user).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct TransitionRequest {
    /// The version the caller last saw; a stale version is a 409.
    pub version: i32,
    /// claim | respond | close | unsolvable | withdraw | reopen
    #[serde(rename = "move")]
    pub move_: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProblemState {
    pub id: i32,
    pub status: String,
    pub version: i32,
}

/// Move a problem along its lifecycle.
#[utoipa::path(post, path = "/api/v1/problems/{id}/transition", params(("id" = String, Path)), request_body = TransitionRequest,
    responses((status = 200, body = ProblemState), (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
              (status = 403, body = ProblemDetails, content_type = "application/problem+json")))]
async fn transition(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    Path(id): Path<String>,
    J(body): J<TransitionRequest>,
) -> Result<Json<ProblemState>, ApiError> {
    let id = parse_id("id", &id)?;
    let mv = domain::db::problems::Move::parse("move", &body.move_)?;
    let p = domain::db::problems::act(
        &state.db,
        id,
        body.version,
        mv,
        &body.note,
        &user,
        &actor(&user, peer),
    )
    .await?;
    Ok(Json(ProblemState {
        id: p.id,
        status: p.status,
        version: p.version,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct ConfirmationRequest {
    /// Required for a follow-up call (the version the caller saw); ignored for a link.
    #[serde(default)]
    pub version: Option<i32>,
    pub solved: bool,
    /// satisfied | basically_satisfied | dissatisfied
    pub satisfaction: String,
    #[serde(default)]
    pub comment: String,
}

/// Record a follow-up call (回访): the firm's answer about a closed problem.
#[utoipa::path(post, path = "/api/v1/problems/{id}/confirmation", params(("id" = String, Path)), request_body = ConfirmationRequest,
    responses((status = 200, body = ProblemState), (status = 409, body = ProblemDetails, content_type = "application/problem+json")))]
async fn confirm_call(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    Path(id): Path<String>,
    J(body): J<ConfirmationRequest>,
) -> Result<Json<ProblemState>, ApiError> {
    let id = parse_id("id", &id)?;
    let version = body
        .version
        .ok_or_else(|| Error::field("version", domain::K::ErrRequired))?;
    let p = domain::db::problems::confirm_by_call(
        &state.db,
        id,
        version,
        body.solved,
        domain::problem::Satisfaction::parse("satisfaction", &body.satisfaction)?,
        &body.comment,
        &user,
        &actor(&user, peer),
    )
    .await?;
    Ok(Json(ProblemState {
        id: p.id,
        status: p.status,
        version: p.version,
    }))
}

/// The firm's answer through its one-time link (no account; the token is the authority).
#[utoipa::path(post, path = "/api/v1/confirm/{token}", params(("token" = String, Path)), request_body = ConfirmationRequest,
    responses((status = 204), (status = 409, body = ProblemDetails, content_type = "application/problem+json")), security(()))]
async fn confirm_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
    J(body): J<ConfirmationRequest>,
) -> Result<StatusCode, ApiError> {
    domain::db::problems::confirm_by_link(
        &state.db,
        &token,
        body.solved,
        domain::problem::Satisfaction::parse("satisfaction", &body.satisfaction)?,
        &body.comment,
        None,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Register a firm (the office). The credit code must be valid and new.
#[utoipa::path(post, path = "/api/v1/firms", request_body = domain::firm::FirmForm,
    responses((status = 201, body = FirmFile), (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
              (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
              (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
async fn create_firm(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    J(form): J<domain::firm::FirmForm>,
) -> Result<Response, ApiError> {
    user.require(&[domain::auth::Role::Office])?;
    let valid = form.validate()?;
    let created = firms::create(&state.db, valid, &user, &actor(&user, peer)).await?;
    let campaign = current_campaign(&state.db).await?;
    let file = firms::file(&state.db, &campaign, created.id).await?;
    Ok((StatusCode::CREATED, Json(file)).into_response())
}

/// Correct a firm's profile (the office); the audit keeps before and after.
#[utoipa::path(put, path = "/api/v1/firms/{id}", params(("id" = String, Path, description = "Firm id")), request_body = domain::firm::FirmForm,
    responses((status = 200, body = FirmFile), (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
              (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
              (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
async fn update_firm(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    Path(id): Path<String>,
    J(form): J<domain::firm::FirmForm>,
) -> Result<Json<FirmFile>, ApiError> {
    user.require(&[domain::auth::Role::Office])?;
    let id = parse_id("id", &id)?;
    let valid = form.validate()?;
    firms::update(&state.db, id, valid, &user, &actor(&user, peer)).await?;
    let campaign = current_campaign(&state.db).await?;
    Ok(Json(firms::file(&state.db, &campaign, id).await?))
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
async fn export_firms(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Q(f): Q<ExportFormat>,
    Q(p): Q<FirmListParams>,
) -> Result<Response, ApiError> {
    let format = crate::sheets::FileFormat::parse(f.format.as_deref())?;
    Ok(crate::sheets::export_file(&state, &user, p.into(), format).await?)
}

#[derive(Deserialize, ToSchema)]
pub struct AssignRequest {
    pub firm_ids: Vec<i32>,
    pub coordinator_id: i32,
    /// Required when a firm changes coordinator (a handover).
    #[serde(default)]
    pub reason: String,
}

/// Give firms to a coordinator; firms with another coordinator are handed over (with a reason).
/// All or nothing.
#[utoipa::path(post, path = "/api/v1/assignments", request_body = AssignRequest,
    responses((status = 200, body = domain::db::assignments::Outcome),
              (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
              (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
async fn assign(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    J(body): J<AssignRequest>,
) -> Result<Json<domain::db::assignments::Outcome>, ApiError> {
    Ok(Json(
        domain::db::assignments::assign(
            &state.db,
            &body.firm_ids,
            body.coordinator_id,
            &body.reason,
            &user,
            &actor(&user, peer),
        )
        .await?,
    ))
}

/// A firm's coordinators, current and past: who, since when, why, by whom.
#[utoipa::path(get, path = "/api/v1/firms/{id}/assignments", params(("id" = String, Path, description = "Firm id")),
    responses((status = 200, body = Vec<domain::firm::HistoryRow>), (status = 404, body = ProblemDetails, content_type = "application/problem+json")))]
async fn firm_assignments(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<domain::firm::HistoryRow>>, ApiError> {
    let id = parse_id("id", &id)?;
    access::ensure_can_view_firm(&state.db, &user, id).await?;
    Ok(Json(domain::db::assignments::history(&state.db, id).await?))
}

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
    user: &domain::auth::CurrentUser,
    actor: domain::db::audit::Actor,
    kind: domain::db::import::ImportKind,
    dry_run: Option<String>,
    mut form: axum::extract::Multipart,
) -> Result<Response, ApiError> {
    user.require(&[domain::auth::Role::Office])?;
    let dry_run = matches!(dry_run.as_deref().map(str::trim), Some("true" | "1"));
    let (file, _) = crate::sheets::read_upload(&mut form).await.map_err(|_| {
        Error::Validation(vec![
            domain::FieldError::new("file", domain::K::ErrFileTooLarge)
                .with("mb", domain::import::MAX_IMPORT_BYTES / 1024 / 1024),
        ])
    })?;
    let (name, bytes) = file.ok_or_else(|| Error::field("file", domain::K::ErrRequired))?;
    let report = kind
        .run(&state.db, &name, &bytes, !dry_run, user, &actor)
        .await?;
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
    ApiUser(user): ApiUser,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    Q(p): Q<ImportParams>,
    form: axum::extract::Multipart,
) -> Result<Response, ApiError> {
    let actor = actor(&user, peer);
    run_import(
        &state,
        &user,
        actor,
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
    ApiUser(user): ApiUser,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    Q(p): Q<ImportParams>,
    form: axum::extract::Multipart,
) -> Result<Response, ApiError> {
    let actor = actor(&user, peer);
    run_import(
        &state,
        &user,
        actor,
        domain::db::import::ImportKind::Coordinators,
        p.dry_run,
        form,
    )
    .await
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
async fn half_year(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
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
    let report = crate::sheets::half_year_report(
        &state,
        &user,
        crate::sheets::ReportParams {
            period: p.period,
            unit: p.unit,
        },
    )
    .await?;
    if wants_xlsx {
        Ok(crate::sheets::report_file(&report)?)
    } else {
        Ok(Json(report).into_response())
    }
}

#[derive(Serialize, ToSchema)]
pub struct CampaignItem {
    pub id: i32,
    pub name_zh: String,
    pub name_en: String,
    pub starts_on: NaiveDate,
    pub deadline: NaiveDate,
}

impl From<domain::Campaign> for CampaignItem {
    fn from(c: domain::Campaign) -> Self {
        CampaignItem {
            id: c.id,
            name_zh: c.name_zh,
            name_en: c.name_en,
            starts_on: c.starts_on,
            deadline: c.deadline,
        }
    }
}

/// The campaign rounds, newest first.
#[utoipa::path(get, path = "/api/v1/campaigns", responses((status = 200, body = Vec<CampaignItem>)))]
async fn list_campaigns(
    State(state): State<AppState>,
    _user: ApiUser,
) -> Result<Json<Vec<CampaignItem>>, ApiError> {
    let rounds = domain::db::campaigns::list(&state.db).await?;
    Ok(Json(rounds.into_iter().map(CampaignItem::from).collect()))
}

/// Start a later round (the office): names, dates and the tiers in scope.
#[utoipa::path(post, path = "/api/v1/campaigns", request_body = domain::campaign::CampaignForm,
    responses((status = 201, body = CampaignItem), (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
              (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
async fn create_campaign(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    J(form): J<domain::campaign::CampaignForm>,
) -> Result<Response, ApiError> {
    user.require(&[domain::auth::Role::Office])?;
    let valid = form.validate()?;
    let created =
        domain::db::campaigns::create(&state.db, valid, &user, &actor(&user, peer)).await?;
    Ok((StatusCode::CREATED, Json(CampaignItem::from(created))).into_response())
}
