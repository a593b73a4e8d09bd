//! Server functions: importing firm lists and coordinator rosters (the upload is staged by the
//! server's multipart handler, then previewed and committed here).

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;

/// A dry run of a staged upload: what importing it would do, row problems included.
#[server(endpoint = "import_preview")]
pub async fn import_preview(
    kind: String,
    token: String,
) -> Result<domain::import::ImportReport, AppError> {
    let caller = ssr::caller().await?;
    let db = ssr::db()?;
    domain::db::import::run_staged(&db, &caller, &ssr::data_dir()?, &kind, &token, false)
        .await
        .map(|(_, report)| report)
        .map_err(ssr::fail)
}

/// Writes a staged upload, all rows or none, and goes to the list it filled.
#[server(endpoint = "import_commit")]
pub async fn import_commit(
    kind: String,
    token: String,
) -> Result<domain::import::ImportReport, AppError> {
    use domain::db::import::ImportKind;
    let caller = ssr::caller().await?;
    let db = ssr::db()?;
    let (kind, report) =
        domain::db::import::run_staged(&db, &caller, &ssr::data_dir()?, &kind, &token, true)
            .await
            .map_err(ssr::fail)?;
    let counts = format!("{}.{}.{}", report.created, report.updated, report.unchanged);
    let list = match kind {
        ImportKind::Firms => "/firms?sort=recent&imported=",
        ImportKind::Coordinators => "/workload?imported=",
    };
    leptos_axum::redirect(&format!("{list}{counts}"));
    Ok(report)
}
