//! Server functions: the campaign's rounds.

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;

/// Every campaign round, newest first (for choosers and the campaigns page).
#[server(endpoint = "campaigns")]
pub async fn list_campaigns() -> Result<Vec<domain::Campaign>, AppError> {
    ssr::caller().await?;
    domain::db::campaigns::list(&ssr::db()?)
        .await
        .map_err(ssr::fail)
}

/// The office starts a later round. One checkbox per tier (`tier1` … `tier5`), so the plain
/// form post without JavaScript carries them as well.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "create_campaign")]
pub async fn create_campaign(
    name_zh: String,
    #[server(default)] name_en: String,
    starts_on: String,
    deadline: String,
    #[server(default)] tier1: Option<String>,
    #[server(default)] tier2: Option<String>,
    #[server(default)] tier3: Option<String>,
    #[server(default)] tier4: Option<String>,
    #[server(default)] tier5: Option<String>,
) -> Result<i32, AppError> {
    let caller = ssr::caller().await?;
    let tiers: Vec<String> = [tier1, tier2, tier3, tier4, tier5]
        .into_iter()
        .enumerate()
        .filter(|(_, t)| t.is_some())
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    let form = domain::campaign::CampaignForm {
        name_zh,
        name_en,
        starts_on,
        deadline,
        tiers,
    };
    let created = domain::db::campaigns::start(&ssr::db()?, &caller, &form)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect(&format!("/campaigns?created={}", created.id));
    Ok(created.id)
}
