//! Server functions: logging in and out, passwords, users and the audit trail.

use crate::error::AppError;
use domain::audit::AuditRow;
use domain::auth::CurrentUser;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;

/// The logged-in user, or None: the header shows who is logged in.
#[server(endpoint = "me")]
pub async fn me() -> Result<Option<CurrentUser>, AppError> {
    let db = ssr::db()?;
    let session = ssr::session().await?;
    Ok(crate::session::session_user(&db, &session).await)
}

/// Only local paths are followed after login (no open redirect).
pub fn safe_next(next: &str) -> String {
    if next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.starts_with("/login")
    {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

/// Where a role starts after logging in: on the page of its daily work. A coordinator on their
/// firms, a member unit on its queue, a leader on the dashboard, the office on the campaign's
/// progress; the administrators on their own page (they read no business data).
pub fn home_of(role: domain::auth::Role) -> &'static str {
    use domain::auth::Role;
    match role {
        Role::Coordinator => "/my",
        Role::Unit => "/queue",
        Role::Leader => "/dashboard",
        Role::Office => "/",
        Role::SystemAdmin => "/users",
        Role::SecurityAdmin => "/security",
        Role::AuditAdmin => "/audit",
    }
}

#[server(endpoint = "login")]
pub async fn login(login: String, password: String, next: String) -> Result<(), AppError> {
    use domain::db::accounts;
    let db = ssr::db()?;
    let echo = [("login".to_owned(), login.clone())].into_iter().collect();
    let addr = ssr::client_addr().unwrap_or_else(|| "unknown".to_owned());
    let agent = ssr::parts()?
        .headers
        .get(http::header::USER_AGENT)
        .and_then(|a| a.to_str().ok())
        .map(str::to_owned);
    let done = accounts::authenticate(&db, &login, &password, &addr, agent.as_deref())
        .await
        .map_err(|error| ssr::fail(AppError::Domain { error, echo }))?;
    let session = ssr::session().await?;
    let next = safe_next(&next);
    if done.code_needed {
        crate::session::await_code(&session, done.user.id)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "cannot keep the login's code step");
                ssr::fail(domain::Error::Internal)
            })?;
        leptos_axum::redirect(&format!(
            "/login/code?next={}",
            domain::url::path_value(&next)
        ));
        return Ok(());
    }
    finish_login(&session, &done, &next).await
}

/// Opens the logged-in session of a finished login and sends the user on: to the password
/// change when one is due, else to `next` or their role's start page.
#[cfg(feature = "ssr")]
async fn finish_login(
    session: &tower_sessions::Session,
    done: &domain::db::accounts::LoggedIn,
    next: &str,
) -> Result<(), AppError> {
    crate::session::start_session(session, &done.user, &done.session_key)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "cannot start a session");
            ssr::fail(domain::Error::Internal)
        })?;
    if done.must_change_password {
        leptos_axum::redirect("/account?must=1");
    } else if next == "/" {
        leptos_axum::redirect(home_of(done.user.role));
    } else {
        leptos_axum::redirect(next);
    }
    Ok(())
}

/// The login's second step: the code from the authenticator app, or a recovery code, of the
/// user whose password this session took moments ago.
#[server(endpoint = "login_code")]
pub async fn login_code(code: String, next: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let session = ssr::session().await?;
    let Some(user_id) = crate::session::awaited_code_user(&session).await else {
        return Err(ssr::fail(domain::Error::field(
            "code",
            domain::K::ErrCodeExpired,
        )));
    };
    let addr = ssr::client_addr().unwrap_or_else(|| "unknown".to_owned());
    let agent = ssr::parts()?
        .headers
        .get(http::header::USER_AGENT)
        .and_then(|a| a.to_str().ok())
        .map(str::to_owned);
    let done =
        domain::db::accounts::authenticate_code(&db, user_id, &code, &addr, agent.as_deref())
            .await
            .map_err(ssr::fail)?;
    finish_login(&session, &done, &safe_next(&next)).await
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let db = ssr::db()?;
    let session = ssr::session().await?;
    if let Some(user) = crate::session::session_user(&db, &session).await {
        let actor = domain::db::audit::Actor::user(&user, ssr::client_addr());
        domain::db::accounts::record_logout(&db, &actor)
            .await
            .map_err(ssr::fail)?;
    }
    crate::session::end_session(&db, &session).await;
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let (caller, session_id) = crate::session::caller_changing_password(&db, &ssr::parts()?)
        .await
        .map_err(ssr::fail)?;
    domain::db::accounts::change_own_password(
        &db,
        &caller,
        &current_password,
        &new_password,
        session_id,
    )
    .await
    .map_err(ssr::fail)?;
    leptos_axum::redirect("/account?changed=1");
    Ok(())
}

/// The signed-in user's notification e-mail address.
#[server(endpoint = "my_email")]
pub async fn my_email() -> Result<Option<String>, AppError> {
    let caller = ssr::any_caller().await?;
    domain::db::accounts::own_email(&ssr::db()?, &caller)
        .await
        .map_err(ssr::fail)
}

/// The signed-in user sets (or clears) their notification e-mail address.
#[server(endpoint = "set_email")]
pub async fn set_email(email: String) -> Result<(), AppError> {
    let caller = ssr::any_caller().await?;
    domain::db::accounts::set_own_email(&ssr::db()?, &caller, &email)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect("/account?email=1");
    Ok(())
}

/// The office disables (`active=0`) or enables (`active=1`) an account.
#[server(endpoint = "set_user_active")]
pub async fn set_user_active(user_id: String, active: String) -> Result<(), AppError> {
    let caller = ssr::any_caller().await?;
    domain::db::accounts::set_active_for(&ssr::db()?, &caller, &user_id, &active)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect("/users");
    Ok(())
}

/// The API tokens, for the office.
#[server(endpoint = "tokens")]
pub async fn list_tokens() -> Result<Vec<domain::auth::TokenRow>, AppError> {
    let caller = ssr::any_caller().await?;
    domain::db::accounts::tokens_for(&ssr::db()?, &caller)
        .await
        .map_err(ssr::fail)
}

/// The office revokes an API token.
#[server(endpoint = "revoke_token")]
pub async fn revoke_token(token_id: String) -> Result<(), AppError> {
    let caller = ssr::any_caller().await?;
    domain::db::accounts::revoke_token_for(&ssr::db()?, &caller, &token_id)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect("/users");
    Ok(())
}

#[server(endpoint = "users")]
pub async fn list_users() -> Result<Vec<domain::auth::UserRow>, AppError> {
    let caller = ssr::any_caller().await?;
    domain::db::accounts::users_for(&ssr::db()?, &caller)
        .await
        .map_err(ssr::fail)
}

#[server(endpoint = "reset_password")]
pub async fn reset_user_password(
    user_id: String,
    new_password: String,
) -> Result<String, AppError> {
    let caller = ssr::any_caller().await?;
    let (target, name) =
        domain::db::accounts::reset_password(&ssr::db()?, &caller, &user_id, &new_password)
            .await
            .map_err(ssr::fail)?;
    leptos_axum::redirect(&format!("/users?reset={target}"));
    Ok(name)
}

#[server(endpoint = "audit")]
pub async fn audit_trail(
    user: Option<String>,
    firm: Option<String>,
    from: Option<String>,
    to: Option<String>,
    #[server(default)] action: Option<String>,
    #[server(default)] before: Option<String>,
) -> Result<Vec<AuditRow>, AppError> {
    let caller = ssr::any_caller().await?;
    let query = domain::audit::AuditQuery {
        user: user.unwrap_or_default(),
        firm: firm.unwrap_or_default(),
        from: from.unwrap_or_default(),
        to: to.unwrap_or_default(),
        action: action.unwrap_or_default(),
        before: before.unwrap_or_default(),
    };
    domain::db::audit::trail(&ssr::db()?, &caller, &query)
        .await
        .map_err(ssr::fail)
}
