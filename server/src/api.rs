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
use domain::db::{access, current_campaign, firms, parse_id, progress};
use domain::firm::{FirmFile, FirmPage, FirmQueryParams};
use domain::{Error, Locale};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/firms", get(list_firms))
        .route("/firms/{id}", get(get_firm))
        .route("/progress", get(get_progress))
        .fallback(|| async { ApiError(Error::not_found(domain::K::NotFoundTitle)) })
}

#[derive(OpenApi)]
#[openapi(
    info(title = "zhuqi API", description = "百人助百企 campaign data: firms, progress. Errors are application/problem+json."),
    paths(list_firms, get_firm, get_progress),
    components(schemas(ProblemDetails, FieldProblem, ProgressResponse)),
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
}

/// List firms (same filters as the firm list page).
#[utoipa::path(get, path = "/api/v1/firms", params(FirmListParams),
    responses((status = 200, body = FirmPage), (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
async fn list_firms(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Q(p): Q<FirmListParams>,
) -> Result<Json<FirmPage>, ApiError> {
    let query = FirmQueryParams {
        q: p.q,
        region: p.region,
        tier: p.tier,
        page: p.page,
    }
    .parse()?;
    let campaign = current_campaign(&state.db).await?;
    Ok(Json(
        firms::list_for(&state.db, &campaign, &query, &user).await?,
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
    let id = parse_id("id", &id)?;
    access::ensure_can_view_firm(&state.db, &user, id).await?;
    let campaign = current_campaign(&state.db).await?;
    Ok(Json(firms::file(&state.db, &campaign, id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressParams {
    /// YYYY-MM-DD; defaults to today, or the deadline once the campaign has ended.
    as_of: Option<String>,
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
}

/// The campaign's two targets as of a day.
#[utoipa::path(get, path = "/api/v1/progress", params(ProgressParams),
    responses((status = 200, body = ProgressResponse), (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
async fn get_progress(
    State(state): State<AppState>,
    _user: ApiUser,
    Q(p): Q<ProgressParams>,
) -> Result<Json<ProgressResponse>, ApiError> {
    let campaign = current_campaign(&state.db).await?;
    let as_of = match p.as_of.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => {
            domain::campaign::parse_date("as_of", raw).map_err(|e| Error::Validation(vec![e]))?
        }
        None => campaign.default_as_of(domain::clock::today()),
    };
    let p = progress::compute(&state.db, &campaign, as_of).await?;
    Ok(Json(ProgressResponse {
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
