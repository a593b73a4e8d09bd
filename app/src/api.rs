//! Server functions: the pages' only way to the data. Each one unpacks its input, calls one
//! domain service, and maps the error; the JSON API in `server` calls the same services.

use crate::error::AppError;
use chrono::NaiveDate;
use domain::campaign::{Phase, Progress};
use domain::audit::AuditRow;
use domain::auth::CurrentUser;
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
    /// The firm's own audit trail, newest first.
    pub history: Vec<AuditRow>,
    pub can_log_visit: bool,
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

    pub fn client_addr() -> Option<String> {
        use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string()))
    }

    pub async fn session() -> Result<tower_sessions::Session, AppError> {
        leptos_axum::extract::<tower_sessions::Session>().await.map_err(|e| {
            tracing::error!(error = %e, "no session layer");
            fail(Error::Internal)
        })
    }

    /// The logged-in user, or 401.
    pub async fn user() -> Result<domain::auth::CurrentUser, AppError> {
        let db = db()?;
        let session = session().await?;
        crate::session::session_user(&db, &session).await.ok_or_else(|| fail(Error::Unauthorized))
    }

    /// The audit trail's "who": the user and where the request came from.
    pub fn actor(user: &domain::auth::CurrentUser) -> Actor {
        Actor::user(user, client_addr())
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

#[server(endpoint = "progress")]
pub async fn get_progress(as_of: Option<String>) -> Result<ProgressView, AppError> {
    use domain::campaign::parse_date;
    use domain::db::{current_campaign, progress};
    let db = ssr::db()?;
    ssr::user().await?;
    let campaign = current_campaign(&db).await.map_err(ssr::fail)?;
    let today = domain::clock::today();
    let as_of = match as_of.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => parse_date("as_of", raw).map_err(|e| ssr::fail(domain::Error::Validation(vec![e])))?,
        None => campaign.default_as_of(today),
    };
    let progress = progress::compute(&db, &campaign, as_of).await.map_err(ssr::fail)?;
    Ok(ProgressView { phase: campaign.phase(today), progress, today })
}

#[server(endpoint = "firms")]
pub async fn list_firms(params: FirmQueryParams) -> Result<FirmPage, AppError> {
    use domain::db::{current_campaign, firms};
    let db = ssr::db()?;
    let user = ssr::user().await?;
    let query = params.parse().map_err(ssr::fail)?;
    let campaign = current_campaign(&db).await.map_err(ssr::fail)?;
    firms::list_for(&db, &campaign, &query, &user).await.map_err(ssr::fail)
}

#[server(endpoint = "firm_file")]
pub async fn get_firm_file(id: String) -> Result<FirmFileView, AppError> {
    use domain::db::{access, audit, current_campaign, firms, parse_id};
    let db = ssr::db()?;
    let user = ssr::user().await?;
    let id = parse_id("id", &id).map_err(ssr::fail)?;
    access::ensure_can_view_firm(&db, &user, id).await.map_err(ssr::fail)?;
    let campaign = current_campaign(&db).await.map_err(ssr::fail)?;
    let file = firms::file(&db, &campaign, id).await.map_err(ssr::fail)?;
    let history = audit::list(&db, &audit::AuditFilter { firm_id: Some(id), ..Default::default() }).await.map_err(ssr::fail)?;
    let can_log_visit = access::ensure_can_log_visit(&db, &user, id).await.is_ok();
    Ok(FirmFileView { file, today: domain::clock::today(), history, can_log_visit })
}

#[server(endpoint = "visit_form")]
pub async fn get_visit_form(id: String) -> Result<VisitFormData, AppError> {
    use domain::db::{access, current_campaign, firms, parse_id};
    let db = ssr::db()?;
    let user = ssr::user().await?;
    let id = parse_id("id", &id).map_err(ssr::fail)?;
    access::ensure_can_log_visit(&db, &user, id).await.map_err(ssr::fail)?;
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
#[server(endpoint = "log_visit")]
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
    let user = ssr::user().await?;
    let id = parse_id("firm_id", &firm_id).map_err(with_echo)?;
    domain::db::access::ensure_can_log_visit(&db, &user, id).await.map_err(with_echo)?;
    let campaign = current_campaign(&db).await.map_err(with_echo)?;
    let valid = form.validate(&campaign, domain::clock::today()).map_err(with_echo)?;
    let logged = visits::log(&db, id, valid, &ssr::actor(&user)).await.map_err(with_echo)?;
    leptos_axum::redirect(&format!("/firms/{id}?logged={}", logged.visit_id));
    Ok(logged.visit_id)
}

/// The logged-in user, or None: the header shows who is logged in.
#[server(endpoint = "me")]
pub async fn me() -> Result<Option<CurrentUser>, AppError> {
    let db = ssr::db()?;
    let session = ssr::session().await?;
    Ok(crate::session::session_user(&db, &session).await)
}

/// Only local paths are followed after login (no open redirect).
pub fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') && !next.starts_with("/login") {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

#[server(endpoint = "login")]
pub async fn login(login: String, password: String, next: String) -> Result<(), AppError> {
    use domain::db::accounts;
    let db = ssr::db()?;
    let echo = [("login".to_owned(), login.clone())].into_iter().collect();
    let addr = ssr::client_addr().unwrap_or_else(|| "unknown".to_owned());
    let user = accounts::authenticate(&db, &login, &password, &addr)
        .await
        .map_err(|error| ssr::fail(AppError::Domain { error, echo }))?;
    let session = ssr::session().await?;
    crate::session::start_session(&session, &user).await.map_err(|e| {
        tracing::error!(error = %e, "cannot start a session");
        ssr::fail(domain::Error::Internal)
    })?;
    leptos_axum::redirect(&safe_next(&next));
    Ok(())
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let db = ssr::db()?;
    let session = ssr::session().await?;
    if let Some(user) = crate::session::session_user(&db, &session).await {
        let entry = domain::db::audit::Entry { action: "logout", entity: "user", entity_id: Some(user.id), firm_id: None, before: None, after: None };
        domain::db::audit::record(&db, &ssr::actor(&user), entry).await.map_err(ssr::fail)?;
    }
    let _ = session.flush().await;
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(endpoint = "change_password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let user = ssr::user().await?;
    domain::db::accounts::change_own_password(&db, &ssr::actor(&user), &user, &current_password, &new_password)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect("/account?changed=1");
    Ok(())
}

#[server(endpoint = "users")]
pub async fn list_users() -> Result<Vec<domain::auth::UserRow>, AppError> {
    let db = ssr::db()?;
    let user = ssr::user().await?;
    user.require(&[domain::auth::Role::Office]).map_err(ssr::fail)?;
    domain::db::accounts::list_users(&db).await.map_err(ssr::fail)
}

#[server(endpoint = "reset_password")]
pub async fn reset_user_password(user_id: String, new_password: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let user = ssr::user().await?;
    user.require(&[domain::auth::Role::Office]).map_err(ssr::fail)?;
    let target = domain::db::parse_id("user_id", &user_id).map_err(ssr::fail)?;
    domain::db::accounts::reset_password(&db, &ssr::actor(&user), &user, target, &new_password).await.map_err(ssr::fail)?;
    leptos_axum::redirect(&format!("/users?reset={target}"));
    Ok(())
}

#[server(endpoint = "audit")]
pub async fn audit_trail(user: Option<String>, firm: Option<String>, from: Option<String>, to: Option<String>) -> Result<Vec<AuditRow>, AppError> {
    use domain::campaign::parse_date;
    let db = ssr::db()?;
    let me = ssr::user().await?;
    me.require(&[domain::auth::Role::Office]).map_err(ssr::fail)?;
    let present = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let filter = domain::audit::AuditFilter {
        user_id: present(user).map(|u| domain::db::parse_id("user", &u)).transpose().map_err(ssr::fail)?,
        firm_id: present(firm).map(|f| domain::db::parse_id("firm", &f)).transpose().map_err(ssr::fail)?,
        from: present(from).map(|d| parse_date("from", &d)).transpose().map_err(|e| ssr::fail(domain::Error::Validation(vec![e])))?,
        to: present(to).map(|d| parse_date("to", &d)).transpose().map_err(|e| ssr::fail(domain::Error::Validation(vec![e])))?,
    };
    domain::db::audit::list(&db, &filter).await.map_err(ssr::fail)
}
