//! Problems: the caller's queue, moves, and the firm's confirmation by call or link.

use super::error::{ApiError, ProblemDetails};
use super::extract::{ApiCaller, J};
use crate::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::Error;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The problems the caller must act on: routed to their unit (the office and leaders: all).
#[utoipa::path(get, path = "/api/v1/problems", responses((status = 200, body = Vec<domain::problem::QueueRow>), (status = 403, body = ProblemDetails, content_type = "application/problem+json")))]
pub(super) async fn list_problems(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<Vec<domain::problem::QueueRow>>, ApiError> {
    Ok(Json(domain::db::problems::queue(&state.db, &caller).await?))
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
pub(super) async fn transition(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    J(body): J<TransitionRequest>,
) -> Result<Json<ProblemState>, ApiError> {
    let form = domain::problem::MoveForm {
        problem_id: id,
        version: body.version.to_string(),
        mv: body.move_,
        note: body.note,
    };
    let p = domain::db::problems::make_move(&state.db, &caller, &form).await?;
    Ok(Json(ProblemState::from(p)))
}

impl From<domain::db::entity::problem::Model> for ProblemState {
    fn from(p: domain::db::entity::problem::Model) -> Self {
        ProblemState {
            id: p.id,
            status: p.status,
            version: p.version,
        }
    }
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

impl ConfirmationRequest {
    fn into_form(self, problem_id: String, version: String) -> domain::problem::AnswerForm {
        domain::problem::AnswerForm {
            problem_id,
            version,
            solved: if self.solved { "yes" } else { "no" }.to_owned(),
            satisfaction: self.satisfaction,
            comment: self.comment,
        }
    }
}

/// Record a follow-up call (回访): the firm's answer about a closed problem.
#[utoipa::path(post, path = "/api/v1/problems/{id}/confirmation", params(("id" = String, Path)), request_body = ConfirmationRequest,
    responses((status = 200, body = ProblemState), (status = 409, body = ProblemDetails, content_type = "application/problem+json")))]
pub(super) async fn confirm_call(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    J(body): J<ConfirmationRequest>,
) -> Result<Json<ProblemState>, ApiError> {
    let version = body
        .version
        .ok_or_else(|| Error::field("version", domain::K::ErrRequired))?;
    let form = body.into_form(id, version.to_string());
    let p = domain::db::problems::record_call(&state.db, &caller, &form).await?;
    Ok(Json(ProblemState::from(p)))
}

/// The firm's answer through its one-time link (no account; the token is the authority).
#[utoipa::path(post, path = "/api/v1/confirm/{token}", params(("token" = String, Path)), request_body = ConfirmationRequest,
    responses((status = 204), (status = 409, body = ProblemDetails, content_type = "application/problem+json")), security(()))]
pub(super) async fn confirm_link(
    State(state): State<AppState>,
    peer: Option<axum::Extension<domain::auth::ClientAddr>>,
    Path(token): Path<String>,
    J(body): J<ConfirmationRequest>,
) -> Result<StatusCode, ApiError> {
    let addr = peer.map(|c| c.0.0);
    let form = body.into_form(String::new(), String::new());
    domain::db::problems::record_link_answer(&state.db, &token, &form, addr).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct NotificationParams {
    /// The page, from 1 (30 to a page, newest first).
    pub page: Option<String>,
}

/// The caller's notifications (the app's notification centre), with the unread count.
#[utoipa::path(get, path = "/api/v1/notifications", params(NotificationParams),
    responses((status = 200, body = domain::notice::NotificationPage), (status = 401, body = ProblemDetails, content_type = "application/problem+json")))]
pub(super) async fn list_notifications(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    axum::extract::Query(p): axum::extract::Query<NotificationParams>,
) -> Result<Json<domain::notice::NotificationPage>, ApiError> {
    let page = p.page.unwrap_or_default();
    Ok(Json(
        domain::db::notifications::list(&state.db, &caller, &page).await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct MarkedRead {
    /// How many notifications this marked read.
    pub marked: u64,
}

/// Marks one of the caller's notifications read (`all`: every one).
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", params(("id" = String, Path)),
    responses((status = 200, body = MarkedRead), (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
pub(super) async fn mark_notification_read(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<MarkedRead>, ApiError> {
    let marked = domain::db::notifications::mark_read(&state.db, &caller, &id).await?;
    Ok(Json(MarkedRead { marked }))
}
