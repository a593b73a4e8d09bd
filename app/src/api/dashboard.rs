//! Server functions: the leadership views — progress, the dashboard, half-year reports.

use crate::error::AppError;
use chrono::NaiveDate;
use domain::campaign::{Phase, Progress};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ssr;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgressView {
    pub progress: Progress,
    pub phase: Phase,
    pub today: NaiveDate,
}

#[server(endpoint = "progress")]
pub async fn get_progress(as_of: Option<String>) -> Result<ProgressView, AppError> {
    let db = ssr::db()?;
    ssr::caller().await?;
    let campaign = domain::db::current_campaign(&db).await.map_err(ssr::fail)?;
    let today = domain::clock::today();
    let as_of = campaign
        .as_of_param(as_of.as_deref(), today)
        .map_err(ssr::fail)?;
    let progress = cache()?
        .progress(&db, &campaign, as_of)
        .await
        .map_err(ssr::fail)?;
    Ok(ProgressView {
        phase: campaign.phase(today),
        progress,
        today,
    })
}

/// The leadership dashboard as of a day (leaders, the office and member units).
#[server(endpoint = "dashboard")]
pub async fn get_dashboard(
    as_of: Option<String>,
    #[server(default)] campaign: Option<String>,
) -> Result<domain::dashboard::Dashboard, AppError> {
    let db = ssr::db()?;
    let caller = ssr::caller().await?;
    domain::db::access::ensure_can_view_dashboard(&caller).map_err(ssr::fail)?;
    let campaign = domain::db::campaigns::chosen(&db, campaign.as_deref())
        .await
        .map_err(ssr::fail)?;
    let as_of = campaign
        .as_of_param(as_of.as_deref(), domain::clock::today())
        .map_err(ssr::fail)?;
    let d = cache()?
        .get(&db, &campaign, as_of)
        .await
        .map_err(ssr::fail)?;
    Ok((*d).clone())
}

/// What the report page offers and shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportView {
    pub report: domain::dashboard::HalfYearReport,
    /// (id, Chinese, English); empty for a unit handler, who reports for their own unit.
    pub units: Vec<(i32, String, String)>,
    /// Half years from the campaign's start to now, newest first.
    pub periods: Vec<String>,
    /// Whether the viewer may write this report's text.
    pub can_write_notes: bool,
}

/// A half-year report (每半年报送): a unit handler's own unit; leaders and the office any unit
/// or the province.
#[server(endpoint = "half_year_report")]
pub async fn get_half_year_report(
    period: Option<String>,
    unit: Option<String>,
) -> Result<ReportView, AppError> {
    use domain::dashboard::HalfYear;
    let db = ssr::db()?;
    let caller = ssr::caller().await?;
    let user = &caller.user;
    let campaign = domain::db::current_campaign(&db).await.map_err(ssr::fail)?;
    let report = domain::db::reports::report_for(&db, &caller, period.as_deref(), unit.as_deref())
        .await
        .map_err(ssr::fail)?;
    let periods = HalfYear::between(campaign.starts_on, domain::clock::today())
        .into_iter()
        .map(HalfYear::code)
        .collect();
    // A unit handler reports for their own unit: no chooser.
    let units = if user.is(domain::auth::Role::Unit) {
        Vec::new()
    } else {
        domain::db::reference::units(&db).await.map_err(ssr::fail)?
    };
    Ok(ReportView {
        can_write_notes: domain::db::reports::may_write_notes(user, report.unit_id),
        report,
        units,
        periods,
    })
}

/// The server's dashboard cache (see `domain::db::dashboard::Cache`).
#[cfg(feature = "ssr")]
pub(super) fn cache() -> Result<std::sync::Arc<domain::db::dashboard::Cache>, AppError> {
    use_context::<std::sync::Arc<domain::db::dashboard::Cache>>().ok_or_else(|| {
        tracing::error!("no dashboard cache in the Leptos context");
        ssr::fail(domain::Error::Internal)
    })
}

/// The unit (or the office, for the province) writes the report's text for a period.
#[server(endpoint = "save_report_notes")]
pub async fn save_report_notes(
    period: String,
    #[server(default)] unit: String,
    #[server(default)] practices: String,
    #[server(default)] issues: String,
    #[server(default)] next_steps: String,
) -> Result<(), AppError> {
    let caller = ssr::caller().await?;
    let form = domain::dashboard::NotesForm {
        period,
        unit,
        practices,
        issues,
        next_steps,
    };
    domain::db::reports::save_notes(&ssr::db()?, &caller, &form)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect(&format!(
        "/reports?period={}&unit={}&saved=1",
        domain::url::query_value(form.period.trim()),
        domain::url::query_value(form.unit.trim())
    ));
    Ok(())
}

/// The weekly 通报 (`week`: `2022-W40` or a day; the campaign's latest week when empty).
#[server(endpoint = "bulletin")]
pub async fn bulletin(
    #[server(default)] week: String,
    #[server(default)] campaign: String,
) -> Result<domain::bulletin::Bulletin, AppError> {
    let caller = ssr::caller().await?;
    domain::db::bulletin::week(&ssr::db()?, &caller, Some(&week), Some(&campaign))
        .await
        .map_err(ssr::fail)
}
