//! Assigning coordinators to firms, and a firm's coordinator history.

use super::error::{ApiError, ProblemDetails};
use super::extract::{ApiCaller, J};
use crate::AppState;
use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use utoipa::ToSchema;

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
pub(super) async fn assign(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    J(body): J<AssignRequest>,
) -> Result<Json<domain::db::assignments::Outcome>, ApiError> {
    let form = domain::db::assignments::AssignForm {
        firm_ids: body.firm_ids.iter().map(i32::to_string).collect(),
        coordinator_id: body.coordinator_id.to_string(),
        reason: body.reason,
    };
    Ok(Json(
        domain::db::assignments::assign_from(&state.db, &caller, &form).await?,
    ))
}

/// A firm's coordinators, current and past: who, since when, why, by whom.
#[utoipa::path(get, path = "/api/v1/firms/{id}/assignments", params(("id" = String, Path, description = "Firm id")),
    responses((status = 200, body = Vec<domain::firm::HistoryRow>), (status = 404, body = ProblemDetails, content_type = "application/problem+json")))]
pub(super) async fn firm_assignments(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Vec<domain::firm::HistoryRow>>, ApiError> {
    Ok(Json(
        domain::db::assignments::history_for(&state.db, &caller, &id).await?,
    ))
}
