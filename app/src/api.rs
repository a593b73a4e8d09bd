//! Server functions: the pages' only way to the data. Each one unpacks its input, calls one
//! domain service, and maps the error; the JSON API in `server` calls the same services.

use crate::error::AppError;
use chrono::NaiveDate;
use domain::campaign::{Phase, Progress};
use domain::firm::{FirmFile, FirmPage, FirmQueryParams};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgressView {
    pub progress: Progress,
    pub phase: Phase,
    pub today: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FirmFileView {
    pub file: FirmFile,
    pub today: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VisitFormData {
    pub firm_id: i32,
    pub firm_name: String,
    pub coordinator: Option<String>,
    pub today: NaiveDate,
    pub campaign_start: NaiveDate,
    /// A fresh key for this rendering of the form; a resubmission carries the same one.
    pub idempotency_key: String,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! What server functions share: the database from context, the acting user, error mapping.

    use crate::error::AppError;
    use domain::Error;
    use domain::db::Db;
    use domain::db::audit::Actor;
    use leptos::prelude::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    pub fn db() -> Result<Db, AppError> {
        use_context::<Db>().ok_or_else(|| {
            tracing::error!("no database connection in the Leptos context");
            fail(Error::Internal)
        })
    }

    /// Who is acting. Anonymous until accounts exist; the client address goes to the audit trail.
    pub fn actor() -> Actor {
        let addr = use_context::<http::request::Parts>().and_then(|p| {
            p.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string())
        });
        Actor::anonymous(addr)
    }

    /// Maps a domain error for the caller and sets the HTTP status to match (4xx for bad input).
    /// A form posted without JavaScript is answered with a redirect back to the form instead,
    /// so its status is left alone.
    pub fn fail(e: impl Into<AppError>) -> AppError {
        let err: AppError = e.into();
        let plain_form_post = use_context::<http::request::Parts>().is_some_and(|p| {
            p.uri.path().starts_with("/api/")
                && p.headers.get(http::header::ACCEPT).and_then(|a| a.to_str().ok()).is_some_and(|a| a.contains("text/html"))
        });
        if !plain_form_post
            && let (Some(resp), Ok(code)) = (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(err.status()))
        {
            resp.set_status(code);
        }
        err
    }

    /// A key unique to one rendering of a form: time, a process-wide counter and the process id.
    pub fn new_idempotency_key() -> String {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
        format!("{nanos:x}-{:x}-{:x}", COUNTER.fetch_add(1, Ordering::Relaxed), std::process::id())
    }
}

#[server]
pub async fn get_progress(as_of: Option<String>) -> Result<ProgressView, AppError> {
    use domain::campaign::parse_date;
    use domain::db::{current_campaign, progress};
    let db = ssr::db()?;
    let campaign = current_campaign(&db).await.map_err(ssr::fail)?;
    let today = domain::clock::today();
    let as_of = match as_of.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => parse_date("as_of", raw).map_err(|e| ssr::fail(domain::Error::Validation(vec![e])))?,
        None => campaign.default_as_of(today),
    };
    let progress = progress::compute(&db, &campaign, as_of).await.map_err(ssr::fail)?;
    Ok(ProgressView { phase: campaign.phase(today), progress, today })
}

#[server]
pub async fn list_firms(params: FirmQueryParams) -> Result<FirmPage, AppError> {
    use domain::db::{current_campaign, firms};
    let db = ssr::db()?;
    let query = params.parse().map_err(ssr::fail)?;
    let campaign = current_campaign(&db).await.map_err(ssr::fail)?;
    firms::list(&db, &campaign, &query).await.map_err(ssr::fail)
}

#[server]
pub async fn get_firm_file(id: String) -> Result<FirmFileView, AppError> {
    use domain::db::{current_campaign, firms, parse_id};
    let db = ssr::db()?;
    let id = parse_id("id", &id).map_err(ssr::fail)?;
    let campaign = current_campaign(&db).await.map_err(ssr::fail)?;
    let file = firms::file(&db, &campaign, id).await.map_err(ssr::fail)?;
    Ok(FirmFileView { file, today: domain::clock::today() })
}

#[server]
pub async fn get_visit_form(id: String) -> Result<VisitFormData, AppError> {
    use domain::db::{current_campaign, firms, parse_id};
    let db = ssr::db()?;
    let id = parse_id("id", &id).map_err(ssr::fail)?;
    let campaign = current_campaign(&db).await.map_err(ssr::fail)?;
    let firm = firms::profile(&db, id).await.map_err(ssr::fail)?;
    let coordinator = firms::coordinator_of(&db, id).await.map_err(ssr::fail)?;
    Ok(VisitFormData {
        firm_id: firm.id,
        firm_name: firm.name,
        coordinator: coordinator.map(|c| c.name),
        today: domain::clock::today(),
        campaign_start: campaign.starts_on,
        idempotency_key: ssr::new_idempotency_key(),
    })
}

/// Logs a visit. The argument names are the form's field names, so the same endpoint serves the
/// hydrated form and a plain HTML form post.
#[server]
pub async fn log_visit(
    firm_id: String,
    visit_date: String,
    kind: String,
    participants: String,
    summary: String,
    idempotency_key: String,
) -> Result<i32, AppError> {
    use domain::db::{current_campaign, parse_id, visits};
    use domain::visit::VisitForm;
    let form = VisitForm { visit_date, kind, participants, summary, idempotency_key };
    let echo: std::collections::BTreeMap<String, String> = [
        ("visit_date", &form.visit_date),
        ("kind", &form.kind),
        ("participants", &form.participants),
        ("summary", &form.summary),
        ("idempotency_key", &form.idempotency_key),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.clone()))
    .collect();
    let with_echo = |error: domain::Error| ssr::fail(AppError::Domain { error, echo: echo.clone() });
    let db = ssr::db()?;
    let id = parse_id("firm_id", &firm_id).map_err(with_echo)?;
    let campaign = current_campaign(&db).await.map_err(with_echo)?;
    let valid = form.validate(&campaign, domain::clock::today()).map_err(with_echo)?;
    let logged = visits::log(&db, id, valid, &ssr::actor()).await.map_err(with_echo)?;
    leptos_axum::redirect(&format!("/firms/{id}?logged={}", logged.visit_id));
    Ok(logged.visit_id)
}
