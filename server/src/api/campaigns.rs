//! Campaign rounds.

use super::error::{ApiError, ProblemDetails};
use super::extract::{ApiCaller, J};
use crate::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

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
pub(super) async fn list_campaigns(
    State(state): State<AppState>,
    _caller: ApiCaller,
) -> Result<Json<Vec<CampaignItem>>, ApiError> {
    let rounds = domain::db::campaigns::list(&state.db).await?;
    Ok(Json(rounds.into_iter().map(CampaignItem::from).collect()))
}

/// Start a later round (the office): names, dates and the tiers in scope.
#[utoipa::path(post, path = "/api/v1/campaigns", request_body = domain::campaign::CampaignForm,
    responses((status = 201, body = CampaignItem), (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
              (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
pub(super) async fn create_campaign(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    J(form): J<domain::campaign::CampaignForm>,
) -> Result<Response, ApiError> {
    let created = domain::db::campaigns::start(&state.db, &caller, &form).await?;
    Ok((StatusCode::CREATED, Json(CampaignItem::from(created))).into_response())
}
