//! Server functions: the security policy, account locks and logged-in sessions.

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;

/// The security page: the policy and the locked accounts (security administrators).
#[server(endpoint = "security")]
pub async fn security_view() -> Result<domain::security::SecurityView, AppError> {
    let caller = ssr::any_caller().await?;
    domain::db::security::view(&ssr::db()?, &caller)
        .await
        .map_err(ssr::fail)
}

/// A security administrator changes the policy.
#[server(endpoint = "save_policy")]
pub async fn save_policy(
    lock_failures: String,
    lock_minutes: String,
    password_max_age_days: String,
    max_sessions: String,
    audit_retention_days: String,
    #[server(default)] second_factor_for_all: Option<String>,
) -> Result<(), AppError> {
    let caller = ssr::any_caller().await?;
    let form = domain::security::PolicyForm {
        lock_failures,
        lock_minutes,
        password_max_age_days,
        max_sessions,
        audit_retention_days,
        second_factor_for_all,
    };
    domain::db::security::set(&ssr::db()?, &caller, &form)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect("/security?saved=1");
    Ok(())
}

/// A security administrator unlocks an account.
#[server(endpoint = "unlock_user")]
pub async fn unlock_user(user_id: String) -> Result<String, AppError> {
    let caller = ssr::any_caller().await?;
    let name = domain::db::security::unlock(&ssr::db()?, &caller, &user_id)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect("/security?unlocked=1");
    Ok(name)
}

/// A security administrator ends every session of a user.
#[server(endpoint = "end_user_sessions")]
pub async fn end_user_sessions(user_id: String) -> Result<String, AppError> {
    let caller = ssr::any_caller().await?;
    let name = domain::db::sessions::end_all_for(&ssr::db()?, &caller, &user_id)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect("/users?ended=1");
    Ok(name)
}

/// The caller's own logged-in sessions, the current one marked.
#[server(endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<domain::security::SessionRow>, AppError> {
    let db = ssr::db()?;
    let parts = ssr::parts()?;
    let (caller, current) = crate::session::caller_changing_password(&db, &parts)
        .await
        .map_err(ssr::fail)?;
    domain::db::sessions::own(&db, &caller, current)
        .await
        .map_err(ssr::fail)
}

/// The caller ends one of their sessions (another device, or this one).
#[server(endpoint = "end_session")]
pub async fn end_my_session(session_id: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let parts = ssr::parts()?;
    let (caller, _) = crate::session::caller_changing_password(&db, &parts)
        .await
        .map_err(ssr::fail)?;
    domain::db::sessions::end_own(&db, &caller, &session_id)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect("/account?ended=1");
    Ok(())
}

/// "Confirm it is me": the password again before a sensitive action.
#[server(endpoint = "reauthenticate")]
pub async fn reauthenticate(
    password: String,
    #[server(default)] next: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let parts = ssr::parts()?;
    let (caller, session) = crate::session::caller_changing_password(&db, &parts)
        .await
        .map_err(ssr::fail)?;
    let session = session.ok_or_else(|| ssr::fail(domain::Error::Unauthorized))?;
    domain::db::sessions::reauthenticate(&db, &caller, session, &password)
        .await
        .map_err(ssr::fail)?;
    // A plain form post (no JavaScript yet) goes back to the page it came from.
    let plain = parts
        .headers
        .get(http::header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if plain && !next.is_empty() {
        leptos_axum::redirect(&super::safe_next(&next));
    }
    Ok(())
}

/// The caller's second factor: on or off, required or not, an enrolment begun.
#[server(endpoint = "my_second_factor")]
pub async fn my_second_factor() -> Result<domain::security::SecondFactorView, AppError> {
    let db = ssr::db()?;
    let (caller, _) = crate::session::caller_changing_password(&db, &ssr::parts()?)
        .await
        .map_err(ssr::fail)?;
    domain::db::second_factor::view(&db, &caller)
        .await
        .map_err(ssr::fail)
}

/// Begins (or begins again) setting up the caller's second factor: a new secret and recovery
/// codes, shown on the account page until a code confirms them.
#[server(endpoint = "begin_second_factor")]
pub async fn begin_second_factor() -> Result<(), AppError> {
    let db = ssr::db()?;
    let (caller, _) = crate::session::caller_changing_password(&db, &ssr::parts()?)
        .await
        .map_err(ssr::fail)?;
    domain::db::second_factor::begin(&db, &caller)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect("/account?second_factor=1#second-factor");
    Ok(())
}

/// Confirms the enrolment with the app's current code: the second factor is on.
#[server(endpoint = "confirm_second_factor")]
pub async fn confirm_second_factor(code: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let (caller, _) = crate::session::caller_changing_password(&db, &ssr::parts()?)
        .await
        .map_err(ssr::fail)?;
    domain::db::second_factor::confirm(&db, &caller, &code)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect("/account?second_factor_on=1#second-factor");
    Ok(())
}

/// Turns the caller's second factor off (or cancels an enrolment) where the policy allows it.
#[server(endpoint = "turn_off_second_factor")]
pub async fn turn_off_second_factor() -> Result<(), AppError> {
    let db = ssr::db()?;
    let (caller, _) = crate::session::caller_changing_password(&db, &ssr::parts()?)
        .await
        .map_err(ssr::fail)?;
    domain::db::second_factor::turn_off(&db, &caller)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect("/account?second_factor_off=1#second-factor");
    Ok(())
}

/// An account administrator resets someone's second factor (a lost phone); their sessions end.
#[server(endpoint = "reset_second_factor")]
pub async fn reset_second_factor(user_id: String) -> Result<String, AppError> {
    let caller = ssr::any_caller().await?;
    let (_, name) = domain::db::second_factor::reset_for(&ssr::db()?, &caller, &user_id)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect("/users?second_factor_reset=1");
    Ok(name)
}
