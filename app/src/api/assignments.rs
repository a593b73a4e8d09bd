//! Server functions: assigning coordinators to firms, and the roster of who carries what.

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;

/// The office assigns one firm to a coordinator, or hands it over with a reason.
#[server(endpoint = "assign_firm")]
pub async fn assign_firm(
    firm_id: String,
    coordinator_id: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let caller = ssr::caller().await?;
    let form = domain::db::assignments::AssignForm {
        firm_ids: vec![firm_id.clone()],
        coordinator_id: coordinator_id.clone(),
        reason,
    };
    domain::db::assignments::assign_from(&ssr::db()?, &caller, &form)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect(&format!(
        "/firms/{}?updated=assign.{}",
        firm_id.trim(),
        coordinator_id.trim()
    ));
    Ok(())
}

/// The coordinators the office can assign firms to (None for everyone else).
#[server(endpoint = "assign_options")]
pub async fn assign_options() -> Result<Option<Vec<domain::firm::CoordinatorOption>>, AppError> {
    let caller = ssr::caller().await?;
    if !caller.is(domain::auth::Role::Office) {
        return Ok(None);
    }
    Ok(Some(
        domain::db::assignments::coordinators(&ssr::db()?)
            .await
            .map_err(ssr::fail)?,
    ))
}

/// The office's and leaders' view of who carries how many firms, and how far each got.
#[server(endpoint = "workload")]
pub async fn workload() -> Result<domain::firm::Workload, AppError> {
    let caller = ssr::caller().await?;
    domain::db::assignments::roster(&ssr::db()?, &caller)
        .await
        .map_err(ssr::fail)
}
