//! The JSON API under `/api/v1`, described by the OpenAPI document at `/api/v1/openapi.json`.
//! One file per area; each handler is an adapter of a few lines that takes the [`ApiCaller`],
//! hands the raw input to the same domain use case the pages call, and shapes the answer.
//! Errors are `application/problem+json` (`error`); extractors live in `extract`.
//!
//! A new endpoint goes in the file of its area, is routed here and listed in `openapi`.

mod assignments;
mod campaigns;
pub mod error;
pub mod extract;
mod firms;
mod imports;
mod openapi;
mod problems;
mod reports;
mod visits;

pub use error::ApiError;
pub use extract::ApiCaller;
pub use imports::{import_coordinators, import_firms};
pub use openapi::ApiDoc;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::document))
        .route("/firms", get(firms::list_firms).post(firms::create_firm))
        .route("/firms/export", get(firms::export_firms))
        .route("/firms/{id}", get(firms::get_firm).put(firms::update_firm))
        .route(
            "/firms/{id}/assignments",
            get(assignments::firm_assignments),
        )
        .route("/assignments", post(assignments::assign))
        .route("/progress", get(reports::get_progress))
        .route(
            "/campaigns",
            get(campaigns::list_campaigns).post(campaigns::create_campaign),
        )
        .route("/reports/half-year", get(reports::half_year))
        .route("/bulletin", get(reports::bulletin))
        .route("/firms/{id}/visits", post(visits::create_visit))
        .route("/visits", get(visits::list_visits))
        .route("/problems", get(problems::list_problems))
        .route("/problems/{id}/transition", post(problems::transition))
        .route("/problems/{id}/confirmation", post(problems::confirm_call))
        .route("/confirm/{token}", post(problems::confirm_link))
        .route("/notifications", get(problems::list_notifications))
        .route(
            "/notifications/{id}/read",
            post(problems::mark_notification_read),
        )
        .fallback(|| async { ApiError(domain::Error::not_found(domain::K::NotFoundTitle)) })
}
