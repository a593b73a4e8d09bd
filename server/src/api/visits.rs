//! Visits: logging one (with the problems found) and listing them.

use super::error::{ApiError, ProblemDetails};
use super::extract::{ApiCaller, J, Q};
use crate::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

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
pub(super) async fn create_visit(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    J(form): J<domain::visit::VisitForm>,
) -> Result<Response, ApiError> {
    let logged = domain::db::visits::log_for(&state.db, &caller, &id, &form).await?;
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
pub(super) async fn list_visits(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Q(p): Q<VisitListParams>,
) -> Result<Json<Vec<VisitItem>>, ApiError> {
    let query = domain::db::visits::VisitQuery {
        firm: p.firm.unwrap_or_default(),
        coordinator: p.coordinator.unwrap_or_default(),
        from: p.from.unwrap_or_default(),
        to: p.to.unwrap_or_default(),
    };
    let rows = domain::db::visits::browse(&state.db, &caller, &query).await?;
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
