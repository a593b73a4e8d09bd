//! Problems through their lifecycle: raised with a visit and routed to the member units the
//! notice names for the measure; claimed, answered and closed by a unit; solved only when the
//! firm confirms (by its one-time link, or in a follow-up call the office or coordinator records).
//! Every move is an event and an audit entry, in one transaction, guarded by the problem's
//! version so that two people acting at once cannot overwrite each other.

use super::audit::{self, Actor, Entry};
use super::demo::add_working_days;
use super::entity::{confirmation_link, problem, problem_event, problem_unit};
use super::{access, firms, query_all, query_one};
use crate::auth::{CurrentUser, Role};
use crate::clock;
use crate::error::{Error, FieldError, text};
use crate::i18n::K;
use crate::problem::{LinkView, QueueRow};
use crate::problem::{MAX_NOTE, ProblemStatus, Satisfaction, ValidProblem};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, FromQueryResult,
    QueryFilter, Set, TransactionSession, TransactionTrait,
};
use serde::{Deserialize, Serialize};

/// The unit that takes problems of measures the notice gives to "every member unit": the
/// department that hosts the leading group's office.
pub const DEFAULT_UNIT: &str = "省工业和信息化厅";
/// How long a firm's confirmation link stays valid.
pub const LINK_DAYS: i64 = 14;

#[derive(FromQueryResult)]
struct UnitId {
    id: i32,
}

/// The member units a problem under `measure_id` goes to, as the notice names them.
pub async fn units_for_measure(
    db: &impl ConnectionTrait,
    measure_id: i32,
) -> Result<Vec<i32>, Error> {
    let specific = query_all::<UnitId>(
        db,
        "SELECT mu.member_unit_id AS id FROM measure_units mu JOIN measures m ON m.id = mu.measure_id
         WHERE mu.measure_id = $1 AND m.all_members = $2 ORDER BY mu.member_unit_id",
        vec![measure_id.into(), false.into()],
    )
    .await?;
    if !specific.is_empty() {
        return Ok(specific.into_iter().map(|u| u.id).collect());
    }
    let default = query_one::<UnitId>(
        db,
        "SELECT id FROM member_units WHERE name_zh = $1",
        vec![DEFAULT_UNIT.into()],
    )
    .await?;
    Ok(default.into_iter().map(|u| u.id).collect())
}

/// Raises a problem found on a visit (inside the visit's transaction).
pub async fn raise(
    db: &impl ConnectionTrait,
    firm_id: i32,
    visit_id: Option<i32>,
    input: &ValidProblem,
    raised_on: NaiveDate,
    actor: &Actor,
) -> Result<problem::Model, Error> {
    let now = Utc::now();
    let model = problem::ActiveModel {
        firm_id: Set(firm_id),
        visit_id: Set(visit_id),
        measure_id: Set(input.measure_id),
        description: Set(input.description.clone()),
        status: Set(ProblemStatus::Routed.code().to_owned()),
        deadline: Set(add_working_days(raised_on, input.deadline_working_days)),
        raised_by: Set(actor.user_id),
        raised_at: Set(now),
        claimed_at: Set(None),
        responded_at: Set(None),
        closed_at: Set(None),
        solved_at: Set(None),
        unit_response: Set(None),
        status_reason: Set(None),
        confirmed_via: Set(None),
        satisfaction: Set(None),
        firm_comment: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    // The coordinator may route to another unit than the notice names; it must exist.
    let units = match input.unit_id {
        Some(unit) => {
            let known = super::reference::unit_name(db, Some(unit)).await?;
            if known.is_none() {
                return Err(Error::field("unit", K::ErrUnknownUnit));
            }
            vec![unit]
        }
        None => units_for_measure(db, input.measure_id).await?,
    };
    if !units.is_empty() {
        problem_unit::Entity::insert_many(units.iter().map(|u| problem_unit::ActiveModel {
            problem_id: Set(model.id),
            member_unit_id: Set(*u),
        }))
        .exec(db)
        .await?;
    }
    event(db, model.id, None, ProblemStatus::Routed, actor, "").await?;
    audit::record(
        db,
        actor,
        Entry {
            action: "create",
            entity: "problem",
            entity_id: Some(model.id),
            firm_id: Some(firm_id),
            before: None,
            after: Some(serde_json::json!({"problem": audit::snapshot(&model), "units": units})),
        },
    )
    .await?;
    Ok(model)
}

async fn event(
    db: &impl ConnectionTrait,
    problem_id: i32,
    from: Option<ProblemStatus>,
    to: ProblemStatus,
    actor: &Actor,
    note: &str,
) -> Result<(), Error> {
    problem_event::ActiveModel {
        problem_id: Set(problem_id),
        from_status: Set(from.map(|s| s.code().to_owned())),
        to_status: Set(to.code().to_owned()),
        actor_id: Set(actor.user_id),
        note: Set(note.to_owned()),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// What a member unit, the office or a coordinator can do to a problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Move {
    Claim,
    Respond,
    Close,
    Unsolvable,
    Withdraw,
    Reopen,
}

impl Move {
    pub fn from_code(code: &str) -> Option<Move> {
        Some(match code {
            "claim" => Move::Claim,
            "respond" => Move::Respond,
            "close" => Move::Close,
            "unsolvable" => Move::Unsolvable,
            "withdraw" => Move::Withdraw,
            "reopen" => Move::Reopen,
            _ => return None,
        })
    }

    /// Reads a posted move code; an unknown one is a field error.
    pub fn parse(field: &str, code: &str) -> Result<Move, Error> {
        Move::from_code(code.trim()).ok_or_else(|| Error::field(field, K::ErrBadId))
    }

    pub fn target(self) -> ProblemStatus {
        match self {
            Move::Claim | Move::Reopen => ProblemStatus::Claimed,
            Move::Respond => ProblemStatus::Responded,
            Move::Close => ProblemStatus::Closed,
            Move::Unsolvable => ProblemStatus::Unsolvable,
            Move::Withdraw => ProblemStatus::Withdrawn,
        }
    }

    /// Moves that must say why (the note becomes the unit's answer or the reason).
    fn needs_note(self) -> bool {
        matches!(self, Move::Respond | Move::Unsolvable | Move::Withdraw)
    }
}

pub async fn routed_to(db: &impl ConnectionTrait, problem_id: i32) -> Result<Vec<i32>, Error> {
    Ok(problem_unit::Entity::find()
        .filter(problem_unit::Column::ProblemId.eq(problem_id))
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.member_unit_id)
        .collect())
}

/// Who may make a move: units act on what is routed to them; the firm's coordinator withdraws
/// or reopens; the office may do all of it.
async fn ensure_may(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    p: &problem::Model,
    mv: Move,
) -> Result<(), Error> {
    let unit_side = matches!(
        mv,
        Move::Claim | Move::Respond | Move::Close | Move::Unsolvable
    );
    match user.role {
        Role::Office => Ok(()),
        Role::Leader => Err(Error::Forbidden),
        Role::Unit if unit_side || mv == Move::Reopen => {
            let units = routed_to(db, p.id).await?;
            if user.member_unit_id.is_some_and(|u| units.contains(&u)) {
                Ok(())
            } else {
                Err(Error::Conflict(FieldError::new("", K::ErrNotYourUnit)))
            }
        }
        Role::Coordinator if !unit_side => match firms::coordinator_of(db, p.firm_id).await? {
            Some(c) if c.id == user.id => Ok(()),
            _ => Err(Error::Forbidden),
        },
        _ => Err(Error::Forbidden),
    }
}

/// Applies a move if the problem is still at `version`; a stale version is a Conflict.
pub async fn act<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    problem_id: i32,
    version: i32,
    mv: Move,
    note: &str,
    user: &CurrentUser,
    actor: &Actor,
) -> Result<problem::Model, Error> {
    let note =
        text("note", note, mv.needs_note(), MAX_NOTE).map_err(|e| Error::Validation(vec![e]))?;
    let txn = db.begin().await?;
    let before = problem::Entity::find_by_id(problem_id)
        .one(&txn)
        .await?
        .ok_or(Error::not_found(K::EntityProblem))?;
    ensure_may(&txn, user, &before, mv).await?;
    if before.version != version {
        return Err(Error::Conflict(FieldError::new("", K::ErrStale)));
    }
    let from = ProblemStatus::from_code(&before.status).ok_or(Error::Internal)?;
    // Claim and reopen both lead to 办理中; which one applies depends on where the problem is.
    let source_ok = match mv {
        Move::Claim => from == ProblemStatus::Routed,
        Move::Reopen => matches!(
            from,
            ProblemStatus::Closed | ProblemStatus::Unsolvable | ProblemStatus::Responded
        ),
        _ => true,
    };
    let to = if source_ok {
        from.transition(mv.target())?
    } else {
        return Err(from.illegal(mv.target()));
    };
    let now = Utc::now();
    let mut update = Query::update();
    update
        .table(problem::Entity)
        .value(problem::Column::Status, to.code())
        .value(problem::Column::Version, version + 1)
        .value(problem::Column::UpdatedAt, now)
        .and_where(Expr::col(problem::Column::Id).eq(problem_id))
        .and_where(Expr::col(problem::Column::Version).eq(version));
    match mv {
        Move::Claim => {
            update.value(problem::Column::ClaimedAt, now);
        }
        Move::Respond => {
            update
                .value(problem::Column::RespondedAt, now)
                .value(problem::Column::UnitResponse, note.clone());
        }
        Move::Close => {
            update
                .value(problem::Column::ClosedAt, now)
                .value(problem::Column::ConcludedOn, clock::date_of(now));
        }
        Move::Unsolvable => {
            update
                .value(problem::Column::StatusReason, note.clone())
                .value(problem::Column::ConcludedOn, clock::date_of(now));
        }
        Move::Withdraw => {
            update.value(problem::Column::StatusReason, note.clone());
        }
        Move::Reopen => {
            update
                .value(problem::Column::ClosedAt, Option::<DateTime<Utc>>::None)
                .value(problem::Column::ConcludedOn, Option::<NaiveDate>::None);
        }
    }
    // The version in the WHERE clause makes the check and the write one step: of two people who
    // read the same version, only the first updates a row.
    let changed = txn.execute(&update).await?.rows_affected();
    if changed != 1 {
        return Err(Error::Conflict(FieldError::new("", K::ErrStale)));
    }
    event(&txn, problem_id, Some(from), to, actor, &note).await?;
    let after = problem::Entity::find_by_id(problem_id)
        .one(&txn)
        .await?
        .ok_or(Error::Internal)?;
    audit::record(
        &txn,
        actor,
        Entry {
            action: "transition",
            entity: "problem",
            entity_id: Some(problem_id),
            firm_id: Some(before.firm_id),
            before: audit::snapshot(&before),
            after: audit::snapshot(&after),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// How the firm's answer was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Via {
    Link,
    Call,
}

impl Via {
    fn code(self) -> &'static str {
        match self {
            Via::Link => "link",
            Via::Call => "call",
        }
    }
}

/// Records the firm's answer on a closed problem: solved (the target counts it) or not solved
/// (the problem is reopened for the unit), with the firm's satisfaction.
async fn record_confirmation(
    txn: &impl ConnectionTrait,
    before: problem::Model,
    solved: bool,
    satisfaction: Satisfaction,
    comment: &str,
    via: Via,
    actor: &Actor,
) -> Result<problem::Model, Error> {
    let comment =
        text("comment", comment, false, MAX_NOTE).map_err(|e| Error::Validation(vec![e]))?;
    let from = ProblemStatus::from_code(&before.status).ok_or(Error::Internal)?;
    if from != ProblemStatus::Closed {
        return Err(Error::Conflict(FieldError::new("", K::ErrNotClosed)));
    }
    let to = from.transition(if solved {
        ProblemStatus::Solved
    } else {
        ProblemStatus::Claimed
    })?;
    let now = Utc::now();
    let mut update = Query::update();
    update
        .table(problem::Entity)
        .value(problem::Column::Status, to.code())
        .value(problem::Column::Version, before.version + 1)
        .value(problem::Column::UpdatedAt, now)
        .value(problem::Column::ConfirmedVia, via.code())
        .value(problem::Column::Satisfaction, satisfaction.code())
        .value(problem::Column::FirmComment, comment.clone())
        .and_where(Expr::col(problem::Column::Id).eq(before.id))
        .and_where(Expr::col(problem::Column::Version).eq(before.version));
    if solved {
        update.value(problem::Column::SolvedAt, now);
    } else {
        // Not solved in the firm's eyes: back to the unit, no longer concluded.
        update
            .value(problem::Column::ClosedAt, Option::<DateTime<Utc>>::None)
            .value(problem::Column::ConcludedOn, Option::<NaiveDate>::None);
    }
    if txn.execute(&update).await?.rows_affected() != 1 {
        return Err(Error::Conflict(FieldError::new("", K::ErrStale)));
    }
    event(txn, before.id, Some(from), to, actor, &comment).await?;
    let after = problem::Entity::find_by_id(before.id)
        .one(txn)
        .await?
        .ok_or(Error::Internal)?;
    audit::record(
        txn,
        actor,
        Entry {
            action: "confirm",
            entity: "problem",
            entity_id: Some(before.id),
            firm_id: Some(before.firm_id),
            before: audit::snapshot(&before),
            after: audit::snapshot(&after),
        },
    )
    .await?;
    Ok(after)
}

/// A follow-up call (回访): the office or the firm's coordinator records what the firm said.
#[allow(clippy::too_many_arguments)]
pub async fn confirm_by_call<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    problem_id: i32,
    version: i32,
    solved: bool,
    satisfaction: Satisfaction,
    comment: &str,
    user: &CurrentUser,
    actor: &Actor,
) -> Result<problem::Model, Error> {
    let txn = db.begin().await?;
    let before = problem::Entity::find_by_id(problem_id)
        .one(&txn)
        .await?
        .ok_or(Error::not_found(K::EntityProblem))?;
    access::ensure_office_or_coordinator(&txn, user, before.firm_id).await?;
    if before.version != version {
        return Err(Error::Conflict(FieldError::new("", K::ErrStale)));
    }
    let after = record_confirmation(
        &txn,
        before,
        solved,
        satisfaction,
        comment,
        Via::Call,
        actor,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

fn sha256_hex(token: &str) -> String {
    super::sha256_hex(token.trim().as_bytes())
}

/// Makes a one-time link for the firm to confirm a closed problem; returns the token for the URL.
pub async fn create_link<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    problem_id: i32,
    user: &CurrentUser,
    actor: &Actor,
) -> Result<String, Error> {
    let txn = db.begin().await?;
    let p = problem::Entity::find_by_id(problem_id)
        .one(&txn)
        .await?
        .ok_or(Error::not_found(K::EntityProblem))?;
    access::ensure_office_or_coordinator(&txn, user, p.firm_id).await?;
    if p.status != ProblemStatus::Closed.code() {
        return Err(Error::Conflict(FieldError::new("", K::ErrNotClosed)));
    }
    let token = super::random_hex(24);
    let now = Utc::now();
    let link = confirmation_link::ActiveModel {
        problem_id: Set(problem_id),
        token_hash: Set(sha256_hex(&token)),
        created_by: Set(Some(user.id)),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(LINK_DAYS)),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Entry {
            action: "create",
            entity: "confirmation_link",
            entity_id: Some(link.id),
            firm_id: Some(p.firm_id),
            before: None,
            after: Some(
                serde_json::json!({"problem_id": problem_id, "expires_at": link.expires_at}),
            ),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(token)
}

#[derive(FromQueryResult)]
struct LinkRow {
    firm_name: String,
    description: String,
    measure_zh: String,
    unit_response: Option<String>,
    status: String,
}

async fn valid_link(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<confirmation_link::Model, Error> {
    confirmation_link::Entity::find()
        .filter(confirmation_link::Column::TokenHash.eq(sha256_hex(token)))
        .filter(confirmation_link::Column::UsedAt.is_null())
        .filter(confirmation_link::Column::ExpiresAt.gt(Utc::now()))
        .one(db)
        .await?
        .ok_or(Error::Conflict(FieldError::new("", K::ErrLinkInvalid)))
}

pub async fn link_view(db: &impl ConnectionTrait, token: &str) -> Result<LinkView, Error> {
    let link = valid_link(db, token).await?;
    let row = query_one::<LinkRow>(
        db,
        "SELECT f.name AS firm_name, p.description, m.name_zh AS measure_zh, p.unit_response, p.status
         FROM problems p JOIN firms f ON f.id = p.firm_id JOIN measures m ON m.id = p.measure_id WHERE p.id = $1",
        vec![link.problem_id.into()],
    )
    .await?
    .ok_or(Error::not_found(K::EntityProblem))?;
    Ok(LinkView {
        firm_name: row.firm_name,
        description: row.description,
        measure_zh: row.measure_zh,
        unit_response: row.unit_response,
        status: ProblemStatus::from_code(&row.status).unwrap_or(ProblemStatus::Closed),
    })
}

/// The firm answers through its link; the link is then spent.
pub async fn confirm_by_link<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    token: &str,
    solved: bool,
    satisfaction: Satisfaction,
    comment: &str,
    client_addr: Option<String>,
) -> Result<(), Error> {
    let txn = db.begin().await?;
    let link = valid_link(&txn, token).await?;
    // Spend the link first, conditionally, so two submissions of one link record one answer.
    let spend = Query::update()
        .table(confirmation_link::Entity)
        .value(confirmation_link::Column::UsedAt, Utc::now())
        .and_where(Expr::col(confirmation_link::Column::Id).eq(link.id))
        .and_where(Expr::col(confirmation_link::Column::UsedAt).is_null())
        .to_owned();
    if txn.execute(&spend).await?.rows_affected() != 1 {
        return Err(Error::Conflict(FieldError::new("", K::ErrLinkInvalid)));
    }
    let before = problem::Entity::find_by_id(link.problem_id)
        .one(&txn)
        .await?
        .ok_or(Error::not_found(K::EntityProblem))?;
    let actor = Actor {
        user_id: None,
        role: None,
        label: "firm (link)".to_owned(),
        client_addr,
    };
    record_confirmation(
        &txn,
        before,
        solved,
        satisfaction,
        comment,
        Via::Link,
        &actor,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Problems routed to a unit (the office: to any unit) that still need someone: open ones first,
/// then closed ones waiting for the firm, each group by deadline.
pub async fn queue(db: &impl ConnectionTrait, user: &CurrentUser) -> Result<Vec<QueueRow>, Error> {
    let (scope, values): (&str, Vec<sea_orm::Value>) = match (user.role, user.member_unit_id) {
        (Role::Office | Role::Leader, _) => ("", vec![]),
        (Role::Unit, Some(unit)) => (
            " AND EXISTS (SELECT 1 FROM problem_units pu WHERE pu.problem_id = p.id AND pu.member_unit_id = $1)",
            vec![unit.into()],
        ),
        _ => return Err(Error::Forbidden),
    };
    query_all::<QueueRow>(
        db,
        &format!(
            "SELECT p.id, p.firm_id, f.name AS firm_name, p.measure_id, m.name_zh AS measure_zh, p.description, p.status,
                    p.deadline, p.version, p.unit_response
             FROM problems p JOIN firms f ON f.id = p.firm_id JOIN measures m ON m.id = p.measure_id
             WHERE p.status IN ('routed', 'claimed', 'responded', 'closed'){scope}
             ORDER BY CASE WHEN p.status = 'closed' THEN 1 ELSE 0 END, p.deadline, p.id
             LIMIT 500"
        ),
        values,
    )
    .await
}

/// Today's date as the problem pages compare deadlines against it.
pub fn today() -> NaiveDate {
    clock::today()
}
