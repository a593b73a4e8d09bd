//! What server functions share: the database and settings from context, the caller, error
//! mapping.

use crate::error::AppError;
use domain::Error;
use domain::auth::Caller;
use domain::db::Db;
use leptos::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where the server keeps files (staged imports among them).
#[derive(Clone, Debug)]
pub struct DataDir(pub std::path::PathBuf);

pub fn data_dir() -> Result<std::path::PathBuf, AppError> {
    use_context::<DataDir>().map(|d| d.0).ok_or_else(|| {
        tracing::error!("no data directory in the Leptos context");
        fail(Error::Internal)
    })
}

/// Where the site is reached, for links that leave it (the firm's confirmation link): the
/// configured public URL (`ZHUQI_PUBLIC_URL`), else the host the request named, over https when
/// the site is served that way.
#[derive(Clone, Debug, Default)]
pub struct SiteOrigin {
    pub public_url: Option<String>,
    pub https: bool,
}

/// The origin (`scheme://host[:port]`) links to this site start with.
pub fn site_origin() -> Result<String, AppError> {
    let site = use_context::<SiteOrigin>().unwrap_or_default();
    if let Some(url) = site.public_url.filter(|u| !u.trim().is_empty()) {
        return Ok(url.trim().trim_end_matches('/').to_owned());
    }
    let parts = parts()?;
    let host = parts
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    // A host name and port only: a forged Host header cannot smuggle a path or markup in.
    let plausible = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
    if !plausible {
        tracing::warn!("no usable Host header for an absolute link; set ZHUQI_PUBLIC_URL");
        return Err(fail(Error::Internal));
    }
    let scheme = if site.https { "https" } else { "http" };
    Ok(format!("{scheme}://{host}"))
}

pub fn db() -> Result<Db, AppError> {
    use_context::<Db>().ok_or_else(|| {
        tracing::error!("no database connection in the Leptos context");
        fail(Error::Internal)
    })
}

pub fn client_addr() -> Option<String> {
    use_context::<http::request::Parts>().and_then(|p| crate::session::client_addr(&p))
}

pub async fn session() -> Result<tower_sessions::Session, AppError> {
    leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "no session layer");
            fail(Error::Internal)
        })
}

/// The request's parts, which the callers' extractors read.
pub fn parts() -> Result<http::request::Parts, AppError> {
    use_context::<http::request::Parts>().ok_or_else(|| {
        tracing::error!("no request parts in the Leptos context");
        fail(Error::Internal)
    })
}

/// Who is calling (the logged-in user and their address), or 401: the server's one extractor
/// of the caller, shared with the JSON API.
pub async fn caller() -> Result<Caller, AppError> {
    let db = db()?;
    let parts = use_context::<http::request::Parts>().ok_or_else(|| {
        tracing::error!("no request parts in the Leptos context");
        fail(Error::Internal)
    })?;
    crate::session::caller(&db, &parts).await.map_err(fail)
}

/// The caller whatever their role, for the administrators' pages and one's own account (the
/// use cases authorise by role themselves); business data goes through [`caller`].
pub async fn any_caller() -> Result<Caller, AppError> {
    let db = db()?;
    crate::session::any_caller(&db, &parts()?)
        .await
        .map_err(fail)
}

/// A setting the server put into the context at start-up. Missing is a wiring fault, never a
/// reason to fall back to a default that differs from the configured one.
pub fn setting<T: Clone + Send + Sync + 'static>(what: &str) -> Result<T, AppError> {
    use_context::<T>().ok_or_else(|| {
        tracing::error!(
            setting = what,
            "a setting is missing from the Leptos context"
        );
        fail(Error::Internal)
    })
}

/// Maps a domain error for the caller and sets the HTTP status to match (4xx for bad input).
/// A form posted without JavaScript is answered with a redirect back to the form instead,
/// so its status is left alone.
pub fn fail(e: impl Into<AppError>) -> AppError {
    let err: AppError = e.into();
    let plain_form_post = use_context::<http::request::Parts>().is_some_and(|p| {
        p.uri.path().starts_with("/api/")
            && p.headers
                .get(http::header::ACCEPT)
                .and_then(|a| a.to_str().ok())
                .is_some_and(|a| a.contains("text/html"))
    });
    if !plain_form_post
        && let (Some(resp), Ok(code)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::StatusCode::from_u16(err.status()),
        )
    {
        resp.set_status(code);
    }
    err
}

pub async fn unit_name(db: &Db, unit: Option<i32>) -> Result<Option<String>, AppError> {
    domain::db::reference::unit_name(db, unit)
        .await
        .map_err(fail)
}

pub async fn measures(db: &Db) -> Result<Vec<super::MeasureGroup>, AppError> {
    domain::db::reference::measure_groups(db)
        .await
        .map_err(fail)
}

/// A key unique to one rendering of a form: time, a process-wide counter and the process id.
pub fn new_idempotency_key() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "{nanos:x}-{:x}-{:x}",
        COUNTER.fetch_add(1, Ordering::Relaxed),
        std::process::id()
    )
}
