//! Logging a visit: one transaction that checks the firm, finds its coordinator, stores the
//! visit, its problems, their audit entries and the firm's progress facts.
//!
//! Idempotency works as in field-data tools (ODK, KoboToolbox): a form carries a key minted
//! when it was opened, and the visit stores it (unique in the database, so it holds across
//! server instances) with a hash of what was sent. The same key with the same content answers
//! with the visit already stored; the same key with other content is refused (409), because
//! answering it with the first visit would silently drop what the coordinator sent.

use super::audit::{self, Actor, Entry};
use super::entity::visit;
use super::{Db, Write, firms, is_unique_violation, progress, retry};
use crate::auth::{Caller, Role};
use crate::error::{Error, FieldError};
use crate::i18n::K;
use crate::visit::ValidVisit;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logged {
    pub firm_id: i32,
    pub visit_id: i32,
    /// Problems raised with the visit (none when the key had been seen).
    pub problem_ids: Vec<i32>,
    /// False when the idempotency key had been seen: nothing new was written.
    pub created: bool,
}

/// What a submission says, as a hash: the firm and every field the coordinator filled in (not
/// the deadline the server adds), so a replay can be told from a different visit.
pub fn content_hash(firm_id: i32, v: &ValidVisit) -> String {
    let problems: Vec<(i32, &str, Option<i32>)> = v
        .problems
        .iter()
        .map(|p| (p.measure_id, p.description.as_str(), p.unit_id))
        .collect();
    let mut canonical = serde_json::json!([
        firm_id,
        v.visit_date,
        v.kind.code(),
        v.participants,
        v.summary,
        problems
    ]);
    // What only an outbox sends is added only when sent, so the hash of a visit without it is
    // what it was before these existed, and old replays still match.
    if let Some(list) = canonical.as_array_mut()
        && (v.captured_at.is_some() || v.position.is_some())
    {
        list.push(serde_json::json!([v.captured_at, v.position]));
    }
    super::sha256_hex(canonical.to_string().as_bytes())
}

/// The visit already stored under `key`, if the same submission was seen before.
async fn by_key(
    db: &impl ConnectionTrait,
    firm_id: i32,
    key: &str,
    hash: &str,
) -> Result<Option<Logged>, Error> {
    let Some(v) = visit::Entity::find()
        .filter(visit::Column::IdempotencyKey.eq(key))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    // Another firm, or other content under the same key: not a replay of this submission.
    // (Visits stored before hashes were kept have none and count as the same.)
    if v.firm_id != firm_id || v.content_hash.as_deref().is_some_and(|h| h != hash) {
        return Err(Error::Conflict(FieldError::new(
            "idempotency_key",
            K::ErrKeyReused,
        )));
    }
    let problem_ids: Vec<i32> = super::entity::problem::Entity::find()
        .select_only()
        .column(super::entity::problem::Column::Id)
        .filter(super::entity::problem::Column::VisitId.eq(v.id))
        .order_by_asc(super::entity::problem::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(Some(Logged {
        firm_id,
        visit_id: v.id,
        problem_ids,
        created: false,
    }))
}

/// Logging a visit as a user asks for it, from the page, a plain form post or the JSON API
/// alike: the firm id as it came in the path, the form as typed. Parses, checks who may log
/// (the office, or the firm's current coordinator), validates against the campaign and writes
/// the visit, its problems and their audit entries in one transaction ([`log`]).
pub async fn log_for(
    db: &Db,
    caller: &Caller,
    raw_firm_id: &str,
    form: &crate::visit::VisitForm,
) -> Result<Logged, Error> {
    let firm_id = super::parse_id("firm_id", raw_firm_id)?;
    super::access::ensure_office_or_coordinator(db, caller, firm_id).await?;
    let campaign = super::current_campaign(db).await?;
    let rules = super::rules::get(db).await?;
    let valid = form
        .validate(&campaign, crate::clock::today())?
        .with_rules(&rules);
    log(db, firm_id, valid, &Actor::of(caller)).await
}

/// Stores a validated visit, again if other writers got in the way ([`retry`]).
pub async fn log(db: &Db, firm_id: i32, input: ValidVisit, actor: &Actor) -> Result<Logged, Error> {
    let hash = content_hash(firm_id, &input);
    retry(|| log_once(db, firm_id, &input, &hash, actor)).await
}

async fn log_once(
    db: &Db,
    firm_id: i32,
    input: &ValidVisit,
    hash: &str,
    actor: &Actor,
) -> Result<Logged, Error> {
    if let Some(key) = &input.idempotency_key
        && let Some(done) = by_key(db, firm_id, key, hash).await?
    {
        return Ok(done);
    }
    let txn = Write::begin(db).await?;
    let firm = firms::profile(&txn, firm_id).await?;
    if firm.archived_at.is_some() {
        return Err(Error::Conflict(FieldError::new("", K::ErrFirmArchived)));
    }
    // The visit is the current coordinator's: logged by them, or by the office on their behalf.
    // Checked inside the transaction, so a handover cannot slip between check and write.
    let coordinator = firms::coordinator_of(&txn, firm_id).await?;
    match actor.role {
        None | Some(Role::Office) => {}
        Some(Role::Coordinator)
            if coordinator
                .as_ref()
                .is_some_and(|c| Some(c.id) == actor.user_id) => {}
        Some(_) => return Err(Error::Forbidden),
    }
    let coordinator =
        coordinator.ok_or_else(|| Error::Conflict(FieldError::new("", K::ErrNoCoordinator)))?;
    let now = Utc::now();
    let inserted = visit::ActiveModel {
        firm_id: Set(firm_id),
        coordinator_id: Set(coordinator.id),
        visit_date: Set(input.visit_date),
        kind: Set(input.kind.code().to_owned()),
        participants: Set(input.participants.clone()),
        summary: Set(input.summary.clone()),
        idempotency_key: Set(input.idempotency_key.clone()),
        content_hash: Set(input.idempotency_key.as_ref().map(|_| hash.to_owned())),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        captured_at: Set(input.captured_at),
        latitude_e6: Set(input.position.map(|p| p.latitude_e6)),
        longitude_e6: Set(input.position.map(|p| p.longitude_e6)),
        accuracy_m: Set(input.position.map(|p| p.accuracy_m)),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let model = match inserted {
        Ok(m) => m,
        // Two submissions with one key raced past the check above: the other one won.
        Err(e) if is_unique_violation(&e) => {
            drop(txn);
            let key = input.idempotency_key.clone().unwrap_or_default();
            return by_key(db, firm_id, &key, hash)
                .await?
                .ok_or(Error::Internal);
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &txn,
        actor,
        Entry {
            action: "create",
            entity: "visit",
            entity_id: Some(model.id),
            firm_id: Some(firm_id),
            before: None,
            after: audit::snapshot(&model),
        },
    )
    .await?;
    let mut problem_ids = Vec::new();
    for p in &input.problems {
        problem_ids.push(
            super::problems::raise(&txn, firm_id, Some(model.id), p, input.visit_date, actor)
                .await?
                .id,
        );
    }
    progress::refresh_problems(&txn, &problem_ids).await?;
    progress::refresh(&txn, &[firm_id]).await?;
    txn.commit().await?;
    Ok(Logged {
        firm_id,
        visit_id: model.id,
        problem_ids,
        created: true,
    })
}

/// A visit in a list.
#[derive(
    Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, sea_orm::FromQueryResult,
)]
pub struct VisitRow {
    pub id: i32,
    pub firm_id: i32,
    pub firm_name: String,
    pub coordinator_id: i32,
    pub coordinator: String,
    pub visit_date: chrono::NaiveDate,
    pub kind: String,
    pub participants: String,
    pub summary: String,
}

/// The visit list's filters as typed (empty means "any"): firm id, coordinator id, dates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VisitQuery {
    pub firm: String,
    pub coordinator: String,
    pub from: String,
    pub to: String,
}

/// The use case "list visits": the filters parsed, then [`list`] for this caller.
pub async fn browse(
    db: &impl ConnectionTrait,
    caller: &Caller,
    q: &VisitQuery,
) -> Result<Vec<VisitRow>, Error> {
    let firm = super::parse_optional_id("firm", &q.firm)?;
    let coordinator = super::parse_optional_id("coordinator", &q.coordinator)?;
    let from = super::parse_optional_date("from", &q.from)?;
    let to = super::parse_optional_date("to", &q.to)?;
    list(db, caller, firm, coordinator, from, to).await
}

/// Visits by firm, coordinator and date range, newest first (at most 500). A coordinator sees
/// the visits to their current firms only.
pub async fn list(
    db: &impl ConnectionTrait,
    user: &crate::auth::CurrentUser,
    firm_id: Option<i32>,
    coordinator_id: Option<i32>,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> Result<Vec<VisitRow>, Error> {
    let mut sql = String::from(
        "SELECT v.id, v.firm_id, f.name AS firm_name, v.coordinator_id, u.name AS coordinator, v.visit_date, v.kind,
                v.participants, v.summary
         FROM visits v JOIN firms f ON f.id = v.firm_id JOIN users u ON u.id = v.coordinator_id WHERE 1 = 1",
    );
    let mut values: Vec<sea_orm::Value> = Vec::new();
    let mut add = |cond: &str, v: sea_orm::Value, sql: &mut String| {
        values.push(v);
        sql.push_str(&cond.replace("$?", &format!("${}", values.len())));
    };
    if !user.sees_all_firms() {
        add(
            " AND EXISTS (SELECT 1 FROM assignments a WHERE a.firm_id = v.firm_id AND a.ended_at IS NULL AND a.coordinator_id = $?)",
            user.id.into(),
            &mut sql,
        );
    }
    if let Some(f) = firm_id {
        add(" AND v.firm_id = $?", f.into(), &mut sql);
    }
    if let Some(c) = coordinator_id {
        add(" AND v.coordinator_id = $?", c.into(), &mut sql);
    }
    if let Some(d) = from {
        add(" AND v.visit_date >= $?", d.into(), &mut sql);
    }
    if let Some(d) = to {
        add(" AND v.visit_date <= $?", d.into(), &mut sql);
    }
    sql.push_str(" ORDER BY v.visit_date DESC, v.id DESC LIMIT 500");
    super::query_all::<VisitRow>(db, &sql, values).await
}

/// How long after logging a visit its coordinator may still correct it.
pub const CORRECTION_HOURS: i64 = 48;

/// Whether `user` may correct this visit now: its own coordinator within the window, or the office.
pub fn may_correct(
    user: &crate::auth::CurrentUser,
    v: &visit::Model,
    now: chrono::DateTime<Utc>,
) -> bool {
    match user.role {
        Role::Office => true,
        Role::Coordinator => {
            v.coordinator_id == user.id
                && now - v.created_at < chrono::Duration::hours(CORRECTION_HOURS)
        }
        _ => false,
    }
}

/// The firm's visits that `user` may still correct (one query for the whole firm file).
pub async fn correctable(
    db: &impl ConnectionTrait,
    user: &crate::auth::CurrentUser,
    firm_id: i32,
    now: chrono::DateTime<Utc>,
) -> Result<Vec<i32>, Error> {
    let visits = visit::Entity::find()
        .filter(visit::Column::FirmId.eq(firm_id))
        .all(db)
        .await?;
    Ok(visits
        .into_iter()
        .filter(|v| may_correct(user, v, now))
        .map(|v| v.id)
        .collect())
}

pub async fn get(db: &impl ConnectionTrait, visit_id: i32) -> Result<visit::Model, Error> {
    visit::Entity::find_by_id(visit_id)
        .one(db)
        .await?
        .ok_or(Error::not_found(K::EntityVisit))
}

/// The use case "correct a visit", as every entry point calls it: the visit id as it came in,
/// the form as typed, validated against the campaign, then [`correct`].
pub async fn correct_from(
    db: &Db,
    caller: &Caller,
    raw_visit_id: &str,
    form: &crate::visit::VisitForm,
) -> Result<visit::Model, Error> {
    let id = super::parse_id("visit_id", raw_visit_id)?;
    let campaign = super::current_campaign(db).await?;
    let valid = form.validate(&campaign, crate::clock::today())?;
    correct(db, caller, id, valid).await
}

/// Corrects a visit's date, kind, people and summary; the audit entry keeps before and after.
pub async fn correct(
    db: &Db,
    caller: &Caller,
    visit_id: i32,
    input: ValidVisit,
) -> Result<visit::Model, Error> {
    retry(|| correct_once(db, caller, visit_id, &input)).await
}

async fn correct_once(
    db: &Db,
    caller: &Caller,
    visit_id: i32,
    input: &ValidVisit,
) -> Result<visit::Model, Error> {
    let actor = &Actor::of(caller);
    let txn = Write::begin(db).await?;
    let before = get(&txn, visit_id).await?;
    if !may_correct(caller, &before, Utc::now()) {
        return Err(Error::Forbidden);
    }
    let mut model: visit::ActiveModel = before.clone().into();
    model.visit_date = Set(input.visit_date);
    model.kind = Set(input.kind.code().to_owned());
    model.participants = Set(input.participants.clone());
    model.summary = Set(input.summary.clone());
    model.updated_at = Set(Utc::now());
    let after = model.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Entry {
            action: "update",
            entity: "visit",
            entity_id: Some(visit_id),
            firm_id: Some(before.firm_id),
            before: audit::snapshot(&before),
            after: audit::snapshot(&after),
        },
    )
    .await?;
    progress::refresh(&txn, &[before.firm_id]).await?;
    txn.commit().await?;
    Ok(after)
}
