//! Attachments over plain HTTP forms (multipart), so a phone can send a photo of the visit sheet
//! with or without JavaScript; answers are redirects back to the firm file.

use crate::AppState;
use crate::api::ApiCaller;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::db::{attachments, parse_id};
use domain::{Error, K};

fn error_code(e: &Error) -> &'static str {
    match e.field_errors().first().map(|f| f.key) {
        Some(K::ErrFileType) => "type",
        Some(K::ErrFileTooLarge) => "size",
        Some(K::ErrRequired) => "empty",
        _ if *e == Error::Forbidden => "forbidden",
        _ => "failed",
    }
}

/// `POST /visits/{id}/attachments` with one `file` field.
pub async fn upload(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    form: Multipart,
) -> Response {
    // The phone's outbox asks for JSON (it sends from a script and must tell a refusal, which
    // it will not retry, from a failure it will); a form post gets the redirects.
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    if wants_json {
        return match receive(&state, &caller, &id, form).await {
            Ok(a) => (
                StatusCode::CREATED,
                axum::Json(serde_json::json!({ "id": a.id, "visit_id": a.visit_id })),
            )
                .into_response(),
            Err(e) => crate::api::ApiError(e).into_response(),
        };
    }
    upload_form(state, caller, id, form).await
}

/// The upload as a JSON exchange: the stored attachment or the refusal.
async fn receive(
    state: &AppState,
    caller: &domain::auth::Caller,
    id: &str,
    mut form: Multipart,
) -> Result<domain::db::entity::attachment::Model, Error> {
    let visit_id = parse_id("id", id)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form.next_field().await.map_err(|_| too_large())? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("file").to_owned();
            let bytes = field.bytes().await.map_err(|_| too_large())?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let (name, bytes) = file.unwrap_or_default();
    attachments::store(&state.db, caller, visit_id, &name, &bytes).await
}

/// A multipart stream cut short: the body limit ended it, so the file is too large.
fn too_large() -> Error {
    Error::Validation(vec![
        domain::FieldError::new("file", K::ErrFileTooLarge)
            .with("mb", attachments::MAX_BYTES / 1024 / 1024),
    ])
}

async fn upload_form(
    state: AppState,
    caller: domain::auth::Caller,
    id: String,
    form: Multipart,
) -> Response {
    // The firm file to go back to, whatever the outcome.
    let Ok(visit_id) = parse_id("id", &id) else {
        return StatusCode::UNPROCESSABLE_ENTITY.into_response();
    };
    let Ok(visit) = domain::db::visits::get(&state.db, visit_id).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let back = format!("/firms/{}", visit.firm_id);
    match receive(&state, &caller, &id, form).await {
        Ok(a) => Redirect::to(&format!("{back}?updated=attachment.{}", a.id)).into_response(),
        Err(Error::Forbidden) => StatusCode::FORBIDDEN.into_response(),
        Err(e) => Redirect::to(&format!("{back}?upload_error={}", error_code(&e))).into_response(),
    }
}

/// `GET /attachments/{id}`: the file, for whoever may read the firm.
pub async fn download(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = parse_id("id", &id) else {
        return StatusCode::UNPROCESSABLE_ENTITY.into_response();
    };
    match attachments::read(&state.db, id, &caller).await {
        Ok((a, bytes)) => {
            let mut resp = bytes.into_response();
            let h = resp.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&a.content_type) {
                h.insert(header::CONTENT_TYPE, v);
            }
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=3600"),
            );
            let encoded = domain::url::query_value(&a.file_name);
            if let Ok(v) = HeaderValue::from_str(&format!("inline; filename*=UTF-8''{encoded}")) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            resp
        }
        Err(e) => StatusCode::from_u16(e.status())
            .unwrap_or(StatusCode::NOT_FOUND)
            .into_response(),
    }
}

/// `POST /firms/assign`: the firm list's bulk assignment. A plain form (the ticked boxes repeat
/// the `firm` field), so it works without JavaScript; the answer goes back to the list.
pub async fn bulk_assign(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: axum::body::Bytes,
) -> Response {
    let mut form = domain::db::assignments::AssignForm::default();
    let mut back = "/firms".to_owned();
    for (key, value) in form_urlencoded::parse(&body) {
        match key.as_ref() {
            "firm" => form.firm_ids.push(value.into_owned()),
            "coordinator_id" => form.coordinator_id = value.into_owned(),
            "reason" => form.reason = value.into_owned(),
            "back" => back = app::api::safe_next(&value),
            _ => {}
        }
    }
    let sep = if back.contains('?') { '&' } else { '?' };
    let outcome = domain::db::assignments::assign_from(&state.db, &caller, &form).await;
    match outcome {
        Ok(o) => Redirect::to(&format!(
            "{back}{sep}assigned={}.{}.{}",
            o.assigned, o.handed_over, o.unchanged
        ))
        .into_response(),
        Err(Error::Forbidden) => StatusCode::FORBIDDEN.into_response(),
        Err(e) => {
            let code = match e.field_errors().first().map(|f| f.key) {
                Some(K::ErrNoFirmsChosen) => "none",
                Some(K::ErrReasonRequired) => "reason",
                Some(K::ErrNotACoordinator) => "coordinator",
                _ => "failed",
            };
            Redirect::to(&format!("{back}{sep}assign_error={code}")).into_response()
        }
    }
}
