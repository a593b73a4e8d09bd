//! Errors as RFC 9457 problem details (`application/problem+json`): the message in Chinese
//! and English and, for bad input, one entry per field. Database error text never reaches here:
//! `domain::Error::Internal` carries none.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::{Error, Locale};
use serde::Serialize;
use utoipa::ToSchema;

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

/// The text of an error answered before any handler ran (a body over the limit, a method the
/// route does not take, an unknown route, a refused cross-site request), by status.
fn generic_message(status: StatusCode) -> (String, String) {
    use domain::K;
    let key = match status.as_u16() {
        400 | 422 => K::ErrValidation,
        401 => K::ErrLoginRequired,
        403 => K::ErrForbidden,
        404 | 405 => K::NotFoundTitle,
        413 => K::ErrBodyTooLarge,
        414 | 431 => K::ErrUriTooLong,
        415 => K::ErrUnsupportedType,
        429 => K::LoginThrottled,
        503 => K::ErrUnavailable,
        _ => K::ErrInternal,
    };
    (key.t(Locale::Zh).to_owned(), key.t(Locale::En).to_owned())
}

/// The longest request target the JSON API reads; longer ones get 414 as problem+json. (Beyond
/// 64 KiB hyper itself answers 414, with an empty body, before any of this code runs.)
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Every 4xx and 5xx of the JSON API is `application/problem+json`: answers made outside the
/// handlers (the body limit's 413, routing's 405, the CSRF guard's 403, an over-long URI) are
/// rewritten into problem details with a bilingual message. Handlers' own problems pass as
/// they are. Applied outermost, so it sees what every other layer answered.
pub async fn problem_json_errors(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if !req.uri().path().starts_with("/api/v1/") {
        return next.run(req).await;
    }
    if req.uri().to_string().len() > MAX_URI_BYTES {
        return problem(StatusCode::URI_TOO_LONG);
    }
    let resp = next.run(req).await;
    let is_problem = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if resp.status().as_u16() < 400 || is_problem {
        return resp;
    }
    problem(resp.status())
}

fn problem(status: StatusCode) -> Response {
    let (detail, detail_en) = generic_message(status);
    let body = ProblemDetails {
        type_: "about:blank".to_owned(),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        detail_en,
        errors: Vec::new(),
    };
    let mut resp = (status, Json(body)).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/problem+json"),
    );
    resp
}
