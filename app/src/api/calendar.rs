//! Server functions: the working-day calendar.

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;

/// One year of the calendar (the current year when none is named).
#[server(endpoint = "calendar")]
pub async fn calendar_year(year: Option<i32>) -> Result<domain::calendar::CalendarYear, AppError> {
    let caller = ssr::caller().await?;
    domain::db::calendar::year(&ssr::db()?, &caller, year)
        .await
        .map_err(ssr::fail)
}

/// The office adds a day, or changes what the calendar says of it.
#[server(endpoint = "set_calendar_day")]
pub async fn set_calendar_day(
    day: String,
    #[server(default)] region: String,
    kind: String,
    name: String,
) -> Result<usize, AppError> {
    let caller = ssr::caller().await?;
    let form = domain::calendar::DayForm {
        day,
        region,
        kind,
        name,
    };
    let (day, moved) = domain::db::calendar::set_day(&ssr::db()?, &caller, &form)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect(&format!(
        "/calendar?year={}&saved={moved}",
        chrono::Datelike::year(&day)
    ));
    Ok(moved)
}

/// The office takes a day out of the calendar.
#[server(endpoint = "remove_calendar_day")]
pub async fn remove_calendar_day(
    id: String,
    #[server(default)] year: String,
) -> Result<usize, AppError> {
    let caller = ssr::caller().await?;
    let moved = domain::db::calendar::remove_day(&ssr::db()?, &caller, &id)
        .await
        .map_err(ssr::fail)?;
    let year = year
        .trim()
        .parse::<i32>()
        .ok()
        .map(|y| format!("year={y}&"))
        .unwrap_or_default();
    leptos_axum::redirect(&format!("/calendar?{year}saved={moved}"));
    Ok(moved)
}
