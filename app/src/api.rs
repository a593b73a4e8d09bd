//! Server functions: the pages' only way to the data. Each one unpacks its input, calls one
//! domain service, and maps the error; the JSON API in `server` calls the same services.

// Server functions take their form's fields as a flat argument list (a struct would rename the
// fields), and the macro's generated functions do not carry item-level allows.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use chrono::NaiveDate;
use domain::audit::AuditRow;
use domain::auth::CurrentUser;
use domain::campaign::{Phase, Progress};
use domain::firm::{FirmFile, FirmPage, FirmQueryParams};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgressView {
    pub progress: Progress,
    pub phase: Phase,
    pub today: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FirmFileView {
    pub file: FirmFile,
    pub today: NaiveDate,
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
}

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
}

pub use domain::reference::MeasureGroup;

#[cfg(feature = "ssr")]
pub mod ssr {
    //! What server functions share: the database from context, the acting user, error mapping.

    use crate::error::AppError;
    use domain::Error;
    use domain::db::Db;
    use domain::db::audit::Actor;
    use leptos::prelude::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// Where the server keeps files (staged imports among them).
    #[derive(Clone, Debug)]
    pub struct DataDir(pub std::path::PathBuf);

    pub fn data_dir() -> Result<std::path::PathBuf, AppError> {
        use_context::<DataDir>().map(|d| d.0).ok_or_else(|| {
            tracing::error!("no data directory in the Leptos context");
            fail(Error::Internal)
        })
    }

    pub fn db() -> Result<Db, AppError> {
        use_context::<Db>().ok_or_else(|| {
            tracing::error!("no database connection in the Leptos context");
            fail(Error::Internal)
        })
    }

    pub fn client_addr() -> Option<String> {
        use_context::<http::request::Parts>().and_then(|p| {
            p.extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        })
    }

    pub async fn session() -> Result<tower_sessions::Session, AppError> {
        leptos_axum::extract::<tower_sessions::Session>()
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "no session layer");
                fail(Error::Internal)
            })
    }

    /// The logged-in user, or 401.
    pub async fn user() -> Result<domain::auth::CurrentUser, AppError> {
        let db = db()?;
        let session = session().await?;
        crate::session::session_user(&db, &session)
            .await
            .ok_or_else(|| fail(Error::Unauthorized))
    }

    /// The audit trail's "who": the user and where the request came from.
    pub fn actor(user: &domain::auth::CurrentUser) -> Actor {
        Actor::user(user, client_addr())
    }

    /// Maps a domain error for the caller and sets the HTTP status to match (4xx for bad input).
    /// A form posted without JavaScript is answered with a redirect back to the form instead,
    /// so its status is left alone.
    pub fn fail(e: impl Into<AppError>) -> AppError {
        let err: AppError = e.into();
        let plain_form_post = use_context::<http::request::Parts>().is_some_and(|p| {
            p.uri.path().starts_with("/api/")
                && p.headers
                    .get(http::header::ACCEPT)
                    .and_then(|a| a.to_str().ok())
                    .is_some_and(|a| a.contains("text/html"))
        });
        if !plain_form_post
            && let (Some(resp), Ok(code)) = (
                use_context::<leptos_axum::ResponseOptions>(),
                http::StatusCode::from_u16(err.status()),
            )
        {
            resp.set_status(code);
        }
        err
    }

    pub async fn unit_name(db: &Db, unit: Option<i32>) -> Result<Option<String>, AppError> {
        domain::db::reference::unit_name(db, unit)
            .await
            .map_err(fail)
    }

    pub async fn measures(db: &Db) -> Result<Vec<super::MeasureGroup>, AppError> {
        domain::db::reference::measure_groups(db)
            .await
            .map_err(fail)
    }

    /// A key unique to one rendering of a form: time, a process-wide counter and the process id.
    pub fn new_idempotency_key() -> String {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        format!(
            "{nanos:x}-{:x}-{:x}",
            COUNTER.fetch_add(1, Ordering::Relaxed),
            std::process::id()
        )
    }
}

#[server(endpoint = "progress")]
pub async fn get_progress(as_of: Option<String>) -> Result<ProgressView, AppError> {
    let db = ssr::db()?;
    ssr::user().await?;
    let campaign = domain::db::current_campaign(&db).await.map_err(ssr::fail)?;
    let today = domain::clock::today();
    let as_of = campaign
        .as_of_param(as_of.as_deref(), today)
        .map_err(ssr::fail)?;
    let progress = dashboard_cache()?
        .progress(&db, &campaign, as_of)
        .await
        .map_err(ssr::fail)?;
    Ok(ProgressView {
        phase: campaign.phase(today),
        progress,
        today,
    })
}

#[server(endpoint = "firms")]
pub async fn list_firms(params: FirmQueryParams) -> Result<FirmPage, AppError> {
    let user = ssr::user().await?;
    let cache = dashboard_cache()?;
    domain::db::firms::browse(&ssr::db()?, &cache, &user, &params)
        .await
        .map_err(ssr::fail)
}

#[server(endpoint = "firm_file")]
pub async fn get_firm_file(id: String) -> Result<FirmFileView, AppError> {
    use domain::db::{access, audit, firms};
    let db = ssr::db()?;
    let user = ssr::user().await?;
    let file = firms::file_for(&db, &user, &id).await.map_err(ssr::fail)?;
    let id = file.firm.id;
    let history = audit::list(
        &db,
        &audit::AuditFilter {
            firm_id: Some(id),
            ..Default::default()
        },
    )
    .await
    .map_err(ssr::fail)?;
    let can_log_visit = access::ensure_office_or_coordinator(&db, &user, id)
        .await
        .is_ok();
    let viewer_is_coordinator = file.coordinator.as_ref().is_some_and(|c| c.id == user.id);
    let viewer_unit = ssr::unit_name(&db, user.member_unit_id).await?;
    let user_is_office = user.is(domain::auth::Role::Office);
    let correctable = domain::db::visits::correctable(&db, &user, id, chrono::Utc::now())
        .await
        .map_err(ssr::fail)?;
    Ok(FirmFileView {
        file,
        today: domain::clock::today(),
        history,
        can_log_visit,
        viewer: user,
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

#[server(endpoint = "visit_form")]
pub async fn get_visit_form(id: String) -> Result<VisitFormData, AppError> {
    use domain::db::{access, current_campaign, firms, parse_id};
    let db = ssr::db()?;
    let user = ssr::user().await?;
    let id = parse_id("id", &id).map_err(ssr::fail)?;
    access::ensure_office_or_coordinator(&db, &user, id)
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
    let db = ssr::db()?;
    let user = ssr::user().await?;
    let settings = use_context::<domain::problem::ProblemSettings>().unwrap_or_default();
    let logged = visits::log_for(&db, &ssr::actor(&user), &user, &firm_id, &form, settings)
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

/// The logged-in user, or None: the header shows who is logged in.
#[server(endpoint = "me")]
pub async fn me() -> Result<Option<CurrentUser>, AppError> {
    let db = ssr::db()?;
    let session = ssr::session().await?;
    Ok(crate::session::session_user(&db, &session).await)
}

/// Only local paths are followed after login (no open redirect).
pub fn safe_next(next: &str) -> String {
    if next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.starts_with("/login")
    {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

#[server(endpoint = "login")]
pub async fn login(login: String, password: String, next: String) -> Result<(), AppError> {
    use domain::db::accounts;
    let db = ssr::db()?;
    let echo = [("login".to_owned(), login.clone())].into_iter().collect();
    let addr = ssr::client_addr().unwrap_or_else(|| "unknown".to_owned());
    let user = accounts::authenticate(&db, &login, &password, &addr)
        .await
        .map_err(|error| ssr::fail(AppError::Domain { error, echo }))?;
    let session = ssr::session().await?;
    crate::session::start_session(&session, &user)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "cannot start a session");
            ssr::fail(domain::Error::Internal)
        })?;
    leptos_axum::redirect(&safe_next(&next));
    Ok(())
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let db = ssr::db()?;
    let session = ssr::session().await?;
    if let Some(user) = crate::session::session_user(&db, &session).await {
        let entry = domain::db::audit::Entry {
            action: "logout",
            entity: "user",
            entity_id: Some(user.id),
            firm_id: None,
            before: None,
            after: None,
        };
        domain::db::audit::record(&db, &ssr::actor(&user), entry)
            .await
            .map_err(ssr::fail)?;
    }
    let _ = session.flush().await;
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let user = ssr::user().await?;
    domain::db::accounts::change_own_password(
        &db,
        &ssr::actor(&user),
        &user,
        &current_password,
        &new_password,
    )
    .await
    .map_err(ssr::fail)?;
    leptos_axum::redirect("/account?changed=1");
    Ok(())
}

#[server(endpoint = "users")]
pub async fn list_users() -> Result<Vec<domain::auth::UserRow>, AppError> {
    let db = ssr::db()?;
    let user = ssr::user().await?;
    user.require(&[domain::auth::Role::Office])
        .map_err(ssr::fail)?;
    domain::db::accounts::list_users(&db)
        .await
        .map_err(ssr::fail)
}

#[server(endpoint = "reset_password")]
pub async fn reset_user_password(user_id: String, new_password: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let user = ssr::user().await?;
    user.require(&[domain::auth::Role::Office])
        .map_err(ssr::fail)?;
    let target = domain::db::parse_id("user_id", &user_id).map_err(ssr::fail)?;
    domain::db::accounts::reset_password(&db, &ssr::actor(&user), &user, target, &new_password)
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect(&format!("/users?reset={target}"));
    Ok(())
}

#[server(endpoint = "audit")]
pub async fn audit_trail(
    user: Option<String>,
    firm: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Result<Vec<AuditRow>, AppError> {
    use domain::campaign::parse_date;
    let db = ssr::db()?;
    let me = ssr::user().await?;
    me.require(&[domain::auth::Role::Office])
        .map_err(ssr::fail)?;
    let present = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let filter = domain::audit::AuditFilter {
        user_id: present(user)
            .map(|u| domain::db::parse_id("user", &u))
            .transpose()
            .map_err(ssr::fail)?,
        firm_id: present(firm)
            .map(|f| domain::db::parse_id("firm", &f))
            .transpose()
            .map_err(ssr::fail)?,
        from: present(from)
            .map(|d| parse_date("from", &d))
            .transpose()
            .map_err(|e| ssr::fail(domain::Error::Validation(vec![e])))?,
        to: present(to)
            .map(|d| parse_date("to", &d))
            .transpose()
            .map_err(|e| ssr::fail(domain::Error::Validation(vec![e])))?,
    };
    domain::db::audit::list(&db, &filter)
        .await
        .map_err(ssr::fail)
}

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
    use domain::db::problems::{self, Move};
    let db = ssr::db()?;
    let user = ssr::user().await?;
    let id = domain::db::parse_id("problem_id", &problem_id).map_err(ssr::fail)?;
    let version = domain::problem::parse_version("version", &version).map_err(ssr::fail)?;
    let mv = Move::parse("mv", &mv).map_err(ssr::fail)?;
    let after = problems::act(&db, id, version, mv, &note, &user, &ssr::actor(&user))
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect(&updated(&back, id, after.version));
    Ok(())
}

/// A follow-up call (回访): what the firm said about a closed problem.
#[server(endpoint = "confirm_call")]
pub async fn confirm_call(
    problem_id: String,
    version: String,
    solved: String,
    satisfaction: String,
    #[server(default)] comment: String,
    back: String,
) -> Result<(), AppError> {
    use domain::problem::Satisfaction;
    let db = ssr::db()?;
    let user = ssr::user().await?;
    let id = domain::db::parse_id("problem_id", &problem_id).map_err(ssr::fail)?;
    let version = domain::problem::parse_version("version", &version).map_err(ssr::fail)?;
    let satisfaction = Satisfaction::parse("satisfaction", &satisfaction).map_err(ssr::fail)?;
    let after = domain::db::problems::confirm_by_call(
        &db,
        id,
        version,
        solved == "yes",
        satisfaction,
        &comment,
        &user,
        &ssr::actor(&user),
    )
    .await
    .map_err(ssr::fail)?;
    leptos_axum::redirect(&updated(&back, id, after.version));
    Ok(())
}

/// Makes the firm's one-time confirmation link; returns its path.
#[server(endpoint = "confirmation_link")]
pub async fn make_confirmation_link(problem_id: String) -> Result<String, AppError> {
    let db = ssr::db()?;
    let user = ssr::user().await?;
    let id = domain::db::parse_id("problem_id", &problem_id).map_err(ssr::fail)?;
    let token = domain::db::problems::create_link(&db, id, &user, &ssr::actor(&user))
        .await
        .map_err(ssr::fail)?;
    Ok(format!("/confirm/{token}"))
}

#[server(endpoint = "queue")]
pub async fn problem_queue() -> Result<(Vec<domain::problem::QueueRow>, NaiveDate), AppError> {
    let db = ssr::db()?;
    let user = ssr::user().await?;
    let rows = domain::db::problems::queue(&db, &user)
        .await
        .map_err(ssr::fail)?;
    Ok((rows, domain::clock::today()))
}

/// What the firm sees on its link (no login).
#[server(endpoint = "link_view")]
pub async fn link_view(token: String) -> Result<domain::problem::LinkView, AppError> {
    let db = ssr::db()?;
    domain::db::problems::link_view(&db, &token)
        .await
        .map_err(ssr::fail)
}

#[server(endpoint = "confirm_link")]
pub async fn confirm_link(
    token: String,
    solved: String,
    satisfaction: String,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    use domain::problem::Satisfaction;
    let db = ssr::db()?;
    let satisfaction = Satisfaction::parse("satisfaction", &satisfaction).map_err(ssr::fail)?;
    domain::db::problems::confirm_by_link(
        &db,
        &token,
        solved == "yes",
        satisfaction,
        &comment,
        ssr::client_addr(),
    )
    .await
    .map_err(ssr::fail)?;
    leptos_axum::redirect(&format!("/confirm/{}?done=1", token.trim()));
    Ok(())
}

/// A coordinator's own firms, what needs action first (我的企业).
#[server(endpoint = "my_firms")]
pub async fn my_firms() -> Result<domain::firm::MyFirms, AppError> {
    let user = ssr::user().await?;
    domain::db::firms::mine(&ssr::db()?, &user)
        .await
        .map_err(ssr::fail)
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
    let user = ssr::user().await?;
    let id = parse_id("id", &id).map_err(ssr::fail)?;
    let v = visits::get(&db, id).await.map_err(ssr::fail)?;
    if !visits::may_correct(&user, &v, chrono::Utc::now()) {
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
    use domain::db::{current_campaign, parse_id, visits};
    let db = ssr::db()?;
    let user = ssr::user().await?;
    let id = parse_id("visit_id", &visit_id).map_err(ssr::fail)?;
    let campaign = current_campaign(&db).await.map_err(ssr::fail)?;
    let form = domain::visit::VisitForm {
        visit_date,
        kind,
        participants,
        summary,
        ..Default::default()
    };
    let valid = form
        .validate(&campaign, domain::clock::today())
        .map_err(ssr::fail)?;
    let after = visits::correct(&db, id, valid, &user, &ssr::actor(&user))
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect(&format!(
        "/firms/{}?updated=visit.{}",
        after.firm_id, after.id
    ));
    Ok(())
}

/// The office assigns one firm to a coordinator, or hands it over with a reason.
#[server(endpoint = "assign_firm")]
pub async fn assign_firm(
    firm_id: String,
    coordinator_id: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let user = ssr::user().await?;
    let firm = domain::db::parse_id("firm_id", &firm_id).map_err(ssr::fail)?;
    let coordinator = domain::db::parse_id("coordinator_id", &coordinator_id).map_err(ssr::fail)?;
    domain::db::assignments::assign(
        &db,
        &[firm],
        coordinator,
        &reason,
        &user,
        &ssr::actor(&user),
    )
    .await
    .map_err(ssr::fail)?;
    leptos_axum::redirect(&format!("/firms/{firm}?updated=assign.{coordinator}"));
    Ok(())
}

/// The coordinators the office can assign firms to (None for everyone else).
#[server(endpoint = "assign_options")]
pub async fn assign_options() -> Result<Option<Vec<domain::firm::CoordinatorOption>>, AppError> {
    let db = ssr::db()?;
    let user = ssr::user().await?;
    if !user.is(domain::auth::Role::Office) {
        return Ok(None);
    }
    Ok(Some(
        domain::db::assignments::coordinators(&db)
            .await
            .map_err(ssr::fail)?,
    ))
}

/// The office's and leaders' view of who carries how many firms, and how far each got.
#[server(endpoint = "workload")]
pub async fn workload() -> Result<domain::firm::Workload, AppError> {
    let user = ssr::user().await?;
    domain::db::assignments::roster(&ssr::db()?, &user)
        .await
        .map_err(ssr::fail)
}

/// The firm form's starting values: empty for a new firm, the profile for an edit.
#[server(endpoint = "firm_form")]
pub async fn get_firm_form(id: Option<String>) -> Result<domain::firm::FirmForm, AppError> {
    let db = ssr::db()?;
    let user = ssr::user().await?;
    user.require(&[domain::auth::Role::Office])
        .map_err(ssr::fail)?;
    let Some(id) = id.filter(|s| !s.is_empty()) else {
        return Ok(domain::firm::FirmForm {
            region: "1".into(),
            tier: "2".into(),
            ..Default::default()
        });
    };
    let id = domain::db::parse_id("id", &id).map_err(ssr::fail)?;
    let f = domain::db::firms::profile(&db, id)
        .await
        .map_err(ssr::fail)?;
    let default_scope = domain::Tier::from_id(f.tier_id).is_some_and(|t| t.in_campaign_scope());
    Ok(domain::firm::FirmForm {
        credit_code: f.credit_code,
        name: f.name,
        region: f.region_id.to_string(),
        county: f.county,
        industry: f.industry,
        tier: f.tier_id.to_string(),
        contact_name: f.contact_name,
        contact_phone: f.contact_phone,
        address: f.address,
        scope: if f.in_scope == default_scope {
            String::new()
        } else if f.in_scope {
            "in".into()
        } else {
            "out".into()
        },
        scope_reason: f.scope_reason.unwrap_or_default(),
    })
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
    };
    let echo: std::collections::BTreeMap<String, String> =
        serde_json::from_value(serde_json::to_value(&form).unwrap_or_default()).unwrap_or_default();
    let with_echo = |error: domain::Error| {
        ssr::fail(AppError::Domain {
            error,
            echo: echo.clone(),
        })
    };
    let db = ssr::db()?;
    let user = ssr::user().await?;
    let valid = form.validate().map_err(with_echo)?;
    let actor = ssr::actor(&user);
    let saved = if id.trim().is_empty() {
        domain::db::firms::create(&db, valid, &user, &actor).await
    } else {
        let id = domain::db::parse_id("id", &id).map_err(with_echo)?;
        domain::db::firms::update(&db, id, valid, &user, &actor).await
    }
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
    let db = ssr::db()?;
    let user = ssr::user().await?;
    let id = domain::db::parse_id("id", &id).map_err(ssr::fail)?;
    domain::db::firms::archive(&db, id, &user, &ssr::actor(&user))
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect(&format!("/firms/{id}?updated=archived"));
    Ok(())
}

/// A dry run of a staged upload: what importing it would do, row problems included.
#[server(endpoint = "import_preview")]
pub async fn import_preview(
    kind: String,
    token: String,
) -> Result<domain::import::ImportReport, AppError> {
    use domain::db::import::{ImportKind, staged};
    let db = ssr::db()?;
    let user = ssr::user().await?;
    user.require(&[domain::auth::Role::Office])
        .map_err(ssr::fail)?;
    let kind = ImportKind::parse(&kind).map_err(ssr::fail)?;
    let (name, bytes) = staged(&ssr::data_dir()?, user.id, &token).map_err(ssr::fail)?;
    kind.run(&db, &name, &bytes, false, &user, &ssr::actor(&user))
        .await
        .map_err(ssr::fail)
}

/// Writes a staged upload, all rows or none, and goes to the list it filled.
#[server(endpoint = "import_commit")]
pub async fn import_commit(
    kind: String,
    token: String,
) -> Result<domain::import::ImportReport, AppError> {
    use domain::db::import::{ImportKind, discard, staged};
    let db = ssr::db()?;
    let user = ssr::user().await?;
    let kind = ImportKind::parse(&kind).map_err(ssr::fail)?;
    let dir = ssr::data_dir()?;
    let (name, bytes) = staged(&dir, user.id, &token).map_err(ssr::fail)?;
    let report = kind
        .run(&db, &name, &bytes, true, &user, &ssr::actor(&user))
        .await
        .map_err(ssr::fail)?;
    if !report.committed {
        // The database changed since the preview and some rows no longer fit.
        return Err(ssr::fail(domain::Error::Validation(vec![
            domain::FieldError::new("file", domain::K::ErrImportHasErrors)
                .with("n", report.issue_count),
        ])));
    }
    discard(&dir, user.id, &token);
    let counts = format!("{}.{}.{}", report.created, report.updated, report.unchanged);
    let list = match kind {
        ImportKind::Firms => "/firms?sort=recent&imported=",
        ImportKind::Coordinators => "/workload?imported=",
    };
    leptos_axum::redirect(&format!("{list}{counts}"));
    Ok(report)
}

/// The leadership dashboard as of a day (leaders, the office and member units).
#[server(endpoint = "dashboard")]
pub async fn get_dashboard(
    as_of: Option<String>,
    #[server(default)] campaign: Option<String>,
) -> Result<domain::dashboard::Dashboard, AppError> {
    use domain::auth::Role;
    let db = ssr::db()?;
    let user = ssr::user().await?;
    user.require(&[Role::Office, Role::Leader, Role::Unit])
        .map_err(ssr::fail)?;
    let campaign = domain::db::campaigns::chosen(&db, campaign.as_deref())
        .await
        .map_err(ssr::fail)?;
    let as_of = campaign
        .as_of_param(as_of.as_deref(), domain::clock::today())
        .map_err(ssr::fail)?;
    let d = dashboard_cache()?
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
    let user = ssr::user().await?;
    let campaign = domain::db::current_campaign(&db).await.map_err(ssr::fail)?;
    let report =
        domain::db::reports::for_user(&db, &campaign, &user, period.as_deref(), unit.as_deref())
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
        report,
        units,
        periods,
    })
}

/// Every campaign round, newest first (for choosers and the campaigns page).
#[server(endpoint = "campaigns")]
pub async fn list_campaigns() -> Result<Vec<domain::Campaign>, AppError> {
    let db = ssr::db()?;
    ssr::user().await?;
    domain::db::campaigns::list(&db).await.map_err(ssr::fail)
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
    let db = ssr::db()?;
    let user = ssr::user().await?;
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
    let valid = form.validate().map_err(ssr::fail)?;
    let created = domain::db::campaigns::create(&db, valid, &user, &ssr::actor(&user))
        .await
        .map_err(ssr::fail)?;
    leptos_axum::redirect(&format!("/campaigns?created={}", created.id));
    Ok(created.id)
}

/// The server's dashboard cache (see `domain::db::dashboard::Cache`).
#[cfg(feature = "ssr")]
fn dashboard_cache() -> Result<std::sync::Arc<domain::db::dashboard::Cache>, AppError> {
    use_context::<std::sync::Arc<domain::db::dashboard::Cache>>().ok_or_else(|| {
        tracing::error!("no dashboard cache in the Leptos context");
        ssr::fail(domain::Error::Internal)
    })
}
