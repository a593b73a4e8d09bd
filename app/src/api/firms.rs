//! Server functions: the firm list, the firm file, a coordinator's own firms, registering,
//! correcting and archiving firms.

use crate::error::AppError;
use domain::audit::AuditRow;
use domain::auth::CurrentUser;
use domain::firm::{FirmFile, FirmPage, FirmQueryParams};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ssr;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FirmFileView {
    pub file: FirmFile,
    /// The firm's own audit trail, newest first.
    pub history: Vec<AuditRow>,
    pub can_log_visit: bool,
    pub viewer: CurrentUser,
    /// The viewer's member unit, by name (problems list the units they are routed to by name).
    pub viewer_unit: Option<String>,
    /// Whether the viewer is this firm's current coordinator.
    pub viewer_is_coordinator: bool,
    /// The visits the viewer may still correct (and attach files to).
    pub correctable: Vec<i32>,
    pub attachments: Vec<domain::firm::AttachmentRef>,
    pub coordinator_history: Vec<domain::firm::HistoryRow>,
    /// For the office's assignment form; empty for everyone else.
    pub coordinator_options: Vec<domain::firm::CoordinatorOption>,
    /// The viewer may set the firm's site from a visit's position ([`domain::firm::may_set_site`]).
    pub can_set_site: bool,
}

#[server(endpoint = "firms")]
pub async fn list_firms(params: FirmQueryParams) -> Result<FirmPage, AppError> {
    let caller = ssr::caller().await?;
    let cache = super::dashboard::cache()?;
    domain::db::firms::browse(&ssr::db()?, &cache, &caller, &params)
        .await
        .map_err(ssr::fail)
}

/// The full phone number where the file shows it masked (`whose`: contact or coordinator);
/// audited.
#[server(endpoint = "reveal_phone")]
pub async fn reveal_phone(id: String, whose: String) -> Result<String, AppError> {
    let caller = ssr::caller().await?;
    domain::db::firms::reveal_phone(&ssr::db()?, &caller, &id, &whose)
        .await
        .map_err(ssr::fail)
}

#[server(endpoint = "firm_file")]
pub async fn get_firm_file(id: String) -> Result<FirmFileView, AppError> {
    use domain::db::{access, audit, firms};
    let db = ssr::db()?;
    let caller = ssr::caller().await?;
    let user = &caller.user;
    let file = firms::file_for(&db, user, &id).await.map_err(ssr::fail)?;
    let id = file.firm.id;
    let history = audit::list(
        &db,
        &audit::AuditFilter {
            firm_id: Some(id),
            ..Default::default()
        },
        audit::AUDIT_PAGE,
    )
    .await
    .map_err(ssr::fail)?;
    let history = if file.phones_masked {
        history.into_iter().map(audit::mask_phones).collect()
    } else {
        history
    };
    let can_log_visit = access::ensure_office_or_coordinator(&db, user, id)
        .await
        .is_ok();
    let viewer_is_coordinator = file.coordinator.as_ref().is_some_and(|c| c.id == user.id);
    let can_set_site = can_log_visit
        && domain::firm::may_set_site(
            user.is(domain::auth::Role::Office),
            file.firm.site.is_some(),
        );
    let viewer_unit = ssr::unit_name(&db, user.member_unit_id).await?;
    let user_is_office = user.is(domain::auth::Role::Office);
    let correctable = domain::db::visits::correctable(&db, user, id, chrono::Utc::now())
        .await
        .map_err(ssr::fail)?;
    Ok(FirmFileView {
        can_set_site,
        file,
        history,
        can_log_visit,
        viewer: caller.user.clone(),
        viewer_unit,
        viewer_is_coordinator,
        correctable,
        attachments: domain::db::attachments::for_firm(&db, id)
            .await
            .map_err(ssr::fail)?,
        coordinator_history: domain::db::assignments::history(&db, id)
            .await
            .map_err(ssr::fail)?,
        coordinator_options: if user_is_office {
            domain::db::assignments::coordinators(&db)
                .await
                .map_err(ssr::fail)?
        } else {
            Vec::new()
        },
    })
}

/// A coordinator's own firms, what needs action first (我的企业).
#[server(endpoint = "my_firms")]
pub async fn my_firms() -> Result<domain::firm::MyFirms, AppError> {
    let caller = ssr::caller().await?;
    domain::db::firms::mine(&ssr::db()?, &caller)
        .await
        .map_err(ssr::fail)
}

/// The firm form's starting values: empty for a new firm, the profile for an edit.
#[server(endpoint = "firm_form")]
pub async fn get_firm_form(id: Option<String>) -> Result<domain::firm::FirmForm, AppError> {
    let caller = ssr::caller().await?;
    domain::db::firms::form_for(&ssr::db()?, &caller, id.as_deref())
        .await
        .map_err(ssr::fail)
}

/// Registers (no id) or corrects (with id) a firm.
#[server(endpoint = "save_firm")]
pub async fn save_firm(
    #[server(default)] id: String,
    credit_code: String,
    name: String,
    region: String,
    #[server(default)] county: String,
    #[server(default)] industry: String,
    tier: String,
    #[server(default)] contact_name: String,
    #[server(default)] contact_phone: String,
    #[server(default)] address: String,
    #[server(default)] scope: String,
    #[server(default)] scope_reason: String,
    #[server(default)] site: String,
) -> Result<i32, AppError> {
    let form = domain::firm::FirmForm {
        credit_code,
        name,
        region,
        county,
        industry,
        tier,
        contact_name,
        contact_phone,
        address,
        scope,
        scope_reason,
        site,
    };
    let echo: std::collections::BTreeMap<String, String> =
        serde_json::from_value(serde_json::to_value(&form).unwrap_or_default()).unwrap_or_default();
    let with_echo = |error: domain::Error| {
        ssr::fail(AppError::Domain {
            error,
            echo: echo.clone(),
        })
    };
    let caller = ssr::caller().await?;
    let saved = domain::db::firms::save(&ssr::db()?, &caller, &id, &form)
        .await
        .map_err(with_echo)?;
    leptos_axum::redirect(&format!(
        "/firms/{}?updated=firm.{}",
        saved.id,
        saved.updated_at.timestamp()
    ));
    Ok(saved.id)
}

#[server(endpoint = "archive_firm")]
pub async fn archive_firm(id: String) -> Result<(), AppError> {
    let caller = ssr::caller().await?;
    let archived = domain::db::firms::archive_from(&ssr::db()?, &caller, &id)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect(&format!("/firms/{}?updated=archived", archived.id));
    Ok(())
}

/// Sets the firm's site from a visit's recorded position (企业位置).
#[server(endpoint = "set_firm_site")]
pub async fn set_firm_site(visit_id: String) -> Result<(), AppError> {
    let caller = ssr::caller().await?;
    let firm = domain::db::firms::set_site_from_visit(&ssr::db()?, &caller, &visit_id)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect(&format!(
        "/firms/{}?updated=site.{}",
        firm.id,
        firm.updated_at.timestamp()
    ));
    Ok(())
}
