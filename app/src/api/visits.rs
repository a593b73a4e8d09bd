//! Server functions: logging and correcting visits, with the problems found on them.

use crate::error::AppError;
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ssr;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VisitFormData {
    pub firm_id: i32,
    pub firm_name: String,
    pub coordinator: Option<String>,
    pub today: NaiveDate,
    pub campaign_start: NaiveDate,
    /// A fresh key for this rendering of the form; a resubmission carries the same one.
    pub idempotency_key: String,
    /// The seed's measures grouped by policy area, for the problem slots.
    pub measures: Vec<MeasureGroup>,
    /// Member units (id, zh, en), to route a problem elsewhere than the notice says.
    pub units: Vec<(i32, String, String)>,
    /// Where a problem under each measure goes (measure, unit ids): shown before submitting.
    pub routes: Vec<(i32, Vec<i32>)>,
}

pub use domain::reference::MeasureGroup;

#[server(endpoint = "visit_form")]
pub async fn get_visit_form(id: String) -> Result<VisitFormData, AppError> {
    use domain::db::{access, current_campaign, firms, parse_id};
    let db = ssr::db()?;
    let caller = ssr::caller().await?;
    let id = parse_id("id", &id).map_err(ssr::fail)?;
    access::ensure_office_or_coordinator(&db, &caller, id)
        .await
        .map_err(ssr::fail)?;
    let campaign = current_campaign(&db).await.map_err(ssr::fail)?;
    let firm = firms::profile(&db, id).await.map_err(ssr::fail)?;
    let coordinator = firms::coordinator_of(&db, id).await.map_err(ssr::fail)?;
    Ok(VisitFormData {
        firm_id: firm.id,
        firm_name: firm.name,
        coordinator: coordinator.map(|c| c.name),
        today: domain::clock::today(),
        campaign_start: campaign.starts_on,
        idempotency_key: ssr::new_idempotency_key(),
        measures: ssr::measures(&db).await?,
        units: domain::db::reference::units(&db).await.map_err(ssr::fail)?,
        routes: domain::db::problems::route_table(&db)
            .await
            .map_err(ssr::fail)?,
    })
}

/// Logs a visit. The argument names are the form's field names, so the same endpoint serves the
/// hydrated form and a plain HTML form post.
#[server(endpoint = "log_visit")]
pub async fn log_visit(
    firm_id: String,
    visit_date: String,
    kind: String,
    participants: String,
    summary: String,
    idempotency_key: String,
    #[server(default)] p1_measure: String,
    #[server(default)] p1_description: String,
    #[server(default)] p2_measure: String,
    #[server(default)] p2_description: String,
    #[server(default)] p3_measure: String,
    #[server(default)] p3_description: String,
    #[server(default)] p1_unit: String,
    #[server(default)] p2_unit: String,
    #[server(default)] p3_unit: String,
) -> Result<i32, AppError> {
    use domain::db::visits;
    use domain::problem::ProblemForm;
    use domain::visit::VisitForm;
    let slots = [
        (&p1_measure, &p1_description, &p1_unit),
        (&p2_measure, &p2_description, &p2_unit),
        (&p3_measure, &p3_description, &p3_unit),
    ];
    let problems = slots
        .iter()
        .map(|(m, d, u)| ProblemForm {
            measure: (*m).clone(),
            description: (*d).clone(),
            unit: (*u).clone(),
        })
        .collect();
    let form = VisitForm {
        visit_date,
        kind,
        participants,
        summary,
        idempotency_key,
        problems,
        ..Default::default()
    };
    let echo: std::collections::BTreeMap<String, String> = [
        ("visit_date", &form.visit_date),
        ("kind", &form.kind),
        ("participants", &form.participants),
        ("summary", &form.summary),
        ("idempotency_key", &form.idempotency_key),
        ("p1_measure", &p1_measure),
        ("p1_description", &p1_description),
        ("p2_measure", &p2_measure),
        ("p2_description", &p2_description),
        ("p3_measure", &p3_measure),
        ("p3_description", &p3_description),
        ("p1_unit", &p1_unit),
        ("p2_unit", &p2_unit),
        ("p3_unit", &p3_unit),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.clone()))
    .collect();
    let with_echo = |error: domain::Error| {
        ssr::fail(AppError::Domain {
            error,
            echo: echo.clone(),
        })
    };
    let caller = ssr::caller().await?;
    let logged = visits::log_for(&ssr::db()?, &caller, &firm_id, &form)
        .await
        .map_err(with_echo)?;
    let id = logged.firm_id;
    leptos_axum::redirect(&format!(
        "/firms/{id}?logged={}&problems={}",
        logged.visit_id,
        logged.problem_ids.len()
    ));
    Ok(logged.visit_id)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VisitEditData {
    pub visit_id: i32,
    pub firm_id: i32,
    pub firm_name: String,
    pub visit_date: NaiveDate,
    pub kind: String,
    pub participants: String,
    pub summary: String,
    pub today: NaiveDate,
    pub campaign_start: NaiveDate,
}

#[server(endpoint = "visit_edit")]
pub async fn get_visit_edit(id: String) -> Result<VisitEditData, AppError> {
    use domain::db::{current_campaign, firms, parse_id, visits};
    let db = ssr::db()?;
    let caller = ssr::caller().await?;
    let id = parse_id("id", &id).map_err(ssr::fail)?;
    let v = visits::get(&db, id).await.map_err(ssr::fail)?;
    if !visits::may_correct(&caller, &v, chrono::Utc::now()) {
        return Err(ssr::fail(domain::Error::Forbidden));
    }
    let firm = firms::profile(&db, v.firm_id).await.map_err(ssr::fail)?;
    let campaign = current_campaign(&db).await.map_err(ssr::fail)?;
    Ok(VisitEditData {
        visit_id: v.id,
        firm_id: v.firm_id,
        firm_name: firm.name,
        visit_date: v.visit_date,
        kind: v.kind,
        participants: v.participants,
        summary: v.summary,
        today: domain::clock::today(),
        campaign_start: campaign.starts_on,
    })
}

/// Corrects a visit (its coordinator within the correction window, or the office).
#[server(endpoint = "correct_visit")]
pub async fn correct_visit(
    visit_id: String,
    visit_date: String,
    kind: String,
    participants: String,
    summary: String,
) -> Result<(), AppError> {
    let caller = ssr::caller().await?;
    let form = domain::visit::VisitForm {
        visit_date,
        kind,
        participants,
        summary,
        ..Default::default()
    };
    let after = domain::db::visits::correct_from(&ssr::db()?, &caller, &visit_id, &form)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect(&format!(
        "/firms/{}?updated=visit.{}",
        after.firm_id, after.id
    ));
    Ok(())
}
