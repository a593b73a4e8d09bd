//! Server functions: problems — the unit's queue, moves, and the firm's confirmation by a
//! follow-up call or through its one-time link.

use super::accounts::safe_next;
use crate::error::AppError;
use chrono::NaiveDate;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;

/// Where to return after acting on a problem: the page it was done on, with a marker that
/// changes each time, so the page reloads its data (with and without JavaScript).
pub fn updated(back: &str, problem_id: i32, version: i32) -> String {
    let path = safe_next(back.split('?').next().unwrap_or("/"));
    format!("{path}?updated={problem_id}.{version}")
}

/// One move on a problem (claim, respond, close, unsolvable, withdraw, reopen), naming the
/// version the user saw. `back` is where to return (the queue or the firm file).
#[server(endpoint = "problem_act")]
pub async fn problem_act(
    problem_id: String,
    version: String,
    mv: String,
    #[server(default)] note: String,
    back: String,
) -> Result<(), AppError> {
    let caller = ssr::caller().await?;
    let form = domain::problem::MoveForm {
        problem_id,
        version,
        mv,
        note,
    };
    let after = domain::db::problems::make_move(&ssr::db()?, &caller, &form)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect(&updated(&back, after.id, after.version));
    Ok(())
}

/// A follow-up call (回访): what the firm said about a closed problem.
#[server(endpoint = "confirm_call")]
pub async fn confirm_call(
    problem_id: String,
    version: String,
    #[server(default)] solved: String,
    #[server(default)] satisfaction: String,
    #[server(default)] comment: String,
    back: String,
) -> Result<(), AppError> {
    let caller = ssr::caller().await?;
    let form = domain::problem::AnswerForm {
        problem_id,
        version,
        solved,
        satisfaction,
        comment,
    };
    let after = domain::db::problems::record_call(&ssr::db()?, &caller, &form)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect(&updated(&back, after.id, after.version));
    Ok(())
}

/// Makes the firm's one-time confirmation link: its whole URL and QR code.
#[server(endpoint = "confirmation_link")]
pub async fn make_confirmation_link(
    problem_id: String,
) -> Result<domain::problem::ConfirmationLink, AppError> {
    let caller = ssr::caller().await?;
    let origin = ssr::site_origin()?;
    domain::db::problems::confirmation_link(&ssr::db()?, &caller, &problem_id, &origin)
        .await
        .map_err(ssr::fail)
}

#[server(endpoint = "queue")]
pub async fn problem_queue() -> Result<(Vec<domain::problem::QueueRow>, NaiveDate), AppError> {
    let caller = ssr::caller().await?;
    let rows = domain::db::problems::queue(&ssr::db()?, &caller)
        .await
        .map_err(ssr::fail)?;
    Ok((rows, domain::clock::today()))
}

/// What the firm sees on its link (no login).
#[server(endpoint = "link_view")]
pub async fn link_view(token: String) -> Result<domain::problem::LinkView, AppError> {
    domain::db::problems::link_view(&ssr::db()?, &token)
        .await
        .map_err(ssr::fail)
}

/// The firm's answer through its link (no login: the token is the authority).
#[server(endpoint = "confirm_link")]
pub async fn confirm_link(
    token: String,
    // Nothing is preselected on the firm's page: an answer left out is a field error, not a
    // malformed request.
    #[server(default)] solved: String,
    #[server(default)] satisfaction: String,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    let form = domain::problem::AnswerForm {
        solved,
        satisfaction,
        comment,
        ..Default::default()
    };
    domain::db::problems::record_link_answer(&ssr::db()?, &token, &form, ssr::client_addr())
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect(&format!("/confirm/{}?done=1", token.trim()));
    Ok(())
}

/// The leaders' problem list: the problems a dashboard figure counts, filtered.
#[server(endpoint = "problem_list")]
pub async fn problem_list(
    params: domain::problem::ProblemListParams,
) -> Result<domain::problem::ProblemList, AppError> {
    let caller = ssr::caller().await?;
    domain::db::problems::list(&ssr::db()?, &caller, &params)
        .await
        .map_err(ssr::fail)
}

/// The office orders the units handling a problem to act (督办).
#[server(endpoint = "order_supervision")]
pub async fn order_supervision(
    problem_id: String,
    instruction: String,
    #[server(default)] back: String,
) -> Result<i32, AppError> {
    let caller = ssr::caller().await?;
    let s = domain::db::supervisions::order(&ssr::db()?, &caller, &problem_id, &instruction)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect(&marked(&back, "sv", s.id));
    Ok(s.id)
}

/// `back` with a marker naming what was just done, so the page reloads its data.
#[cfg(feature = "ssr")]
fn marked(back: &str, what: &str, id: i32) -> String {
    let path = safe_next(back.split('?').next().unwrap_or("/"));
    format!("{path}?updated={what}{id}")
}

/// A unit replies to a 督办.
#[server(endpoint = "reply_supervision")]
pub async fn reply_supervision(
    supervision_id: String,
    reply: String,
    #[server(default)] back: String,
) -> Result<i32, AppError> {
    let caller = ssr::caller().await?;
    let s = domain::db::supervisions::reply(&ssr::db()?, &caller, &supervision_id, &reply)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect(&marked(&back, "sr", s.id));
    Ok(s.id)
}
