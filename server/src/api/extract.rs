//! The API's extractors: the caller (the one extractor shared with the pages, see
//! `app::session::caller`), and query strings and JSON bodies whose rejections are problem+json.

use super::error::ApiError;
use crate::AppState;
use axum::Json;
use axum::extract::{FromRequestParts, Query};
use domain::Error;
use domain::auth::Caller;

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

/// JSON bodies that answer malformed input with problem+json, not plain text.
pub struct J<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for J<T> {
    type Rejection = axum::response::Response;
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        Json::<T>::from_request(req, state)
            .await
            .map(|Json(v)| J(v))
            .map_err(|e| {
                // A body cut off by the size limit is 413 (made problem+json by the API's error
                // layer); anything else that is not the JSON asked for is bad input.
                if e.status() == http::StatusCode::PAYLOAD_TOO_LARGE {
                    http::StatusCode::PAYLOAD_TOO_LARGE.into_response()
                } else {
                    ApiError(Error::Validation(vec![domain::FieldError::new(
                        "",
                        domain::K::ErrValidation,
                    )]))
                    .into_response()
                }
            })
    }
}

/// The caller whatever their role, for the administrators' routes (the audit export); the use
/// case authorises by role.
pub struct ApiAnyCaller(pub Caller);

impl FromRequestParts<AppState> for ApiAnyCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        app::session::any_caller(&state.db, parts)
            .await
            .map(ApiAnyCaller)
            .map_err(ApiError)
    }
}

/// The caller of a JSON API route or a plain form post: a bearer token or a logged-in browser
/// session, with the peer's address for the audit trail. A thin wrapper, because the one
/// extractor (`app::session::caller`) is shared with the server functions.
pub struct ApiCaller(pub Caller);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        app::session::caller(&state.db, parts)
            .await
            .map(ApiCaller)
            .map_err(ApiError)
    }
}
