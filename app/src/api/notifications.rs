//! Server functions: the notification centre and the office's working rules.

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;

/// The header's badge: the signed-in user's unread notifications (0 when signed out).
#[server(endpoint = "unread")]
pub async fn unread_notifications() -> Result<u64, AppError> {
    // Read the session directly: no one signed in (the login page) is no error, just none.
    let db = ssr::db()?;
    let session = ssr::session().await?;
    let Some(user) = crate::session::session_user(&db, &session).await else {
        return Ok(0);
    };
    domain::db::notifications::unread(&db, user.id)
        .await
        .map_err(ssr::fail)
}

/// A page of the signed-in user's notifications.
#[server(endpoint = "notifications")]
pub async fn notifications(
    #[server(default)] page: String,
) -> Result<domain::notice::NotificationPage, AppError> {
    let caller = ssr::any_caller().await?;
    domain::db::notifications::list(&ssr::db()?, &caller, &page)
        .await
        .map_err(ssr::fail)
}

/// Marks one notification (`id`) or all (`all`) read; with `go`, continues there (the link
/// of the notification just opened).
#[server(endpoint = "mark_read")]
pub async fn mark_read(id: String, #[server(default)] go: String) -> Result<u64, AppError> {
    let caller = ssr::any_caller().await?;
    let n = domain::db::notifications::mark_read(&ssr::db()?, &caller, &id)
        .await
        .map_err(ssr::fail)?;
    let next = if go.trim().is_empty() {
        "/notifications?read=1".to_owned()
    } else {
        super::safe_next(go.trim())
    };
    leptos_axum::redirect(&next);
    Ok(n)
}

/// The working rules, with the outbox's counts for the office.
#[server(endpoint = "rules")]
pub async fn working_rules() -> Result<domain::notice::RulesView, AppError> {
    let caller = ssr::caller().await?;
    domain::db::rules::view(&ssr::db()?, &caller)
        .await
        .map_err(ssr::fail)
}

/// The office changes the working rules.
#[server(endpoint = "save_rules")]
pub async fn save_rules(
    claim_hours: String,
    conclude_days: String,
    callback_days: String,
    remind_before_days: String,
    escalate_after_days: String,
) -> Result<(), AppError> {
    let caller = ssr::caller().await?;
    let form = domain::rules::RulesForm {
        claim_hours,
        conclude_days,
        callback_days,
        remind_before_days,
        escalate_after_days,
    };
    domain::db::rules::set(&ssr::db()?, &caller, &form)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect("/rules?saved=1");
    Ok(())
}
