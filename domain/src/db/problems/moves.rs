//! Moves on a problem by the member unit, the office or the firm's coordinator: who may make
//! which move is stated here, next to the move.

use super::{event, routed_to};
use crate::auth::{Caller, CurrentUser, Role};
use crate::clock;
use crate::db::audit::{self, Actor, Entry};
use crate::db::entity::problem;
use crate::db::{Db, Write, progress, retry};
use crate::db::{firms, parse_id};
use crate::error::{Error, FieldError, text};
use crate::i18n::K;
use crate::problem::{MAX_NOTE, Move, MoveForm, ProblemStatus, parse_version};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ConnectionTrait, EntityTrait, ExprTrait};

/// The use case "move a problem", as every entry point calls it: parses what the user sent,
/// then [`act`].
pub async fn make_move(db: &Db, caller: &Caller, form: &MoveForm) -> Result<problem::Model, Error> {
    let id = parse_id("problem_id", &form.problem_id)?;
    let version = parse_version("version", &form.version)?;
    let mv = Move::parse("mv", &form.mv)?;
    act(db, caller, id, version, mv, &form.note).await
}

/// Who may make a move: the lead unit (牵头单位) acts on what is routed to it, co-handlers do
/// not; the firm's coordinator withdraws or reopens; the office may do all of it.
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
            match user.member_unit_id {
                Some(u) if units.first() == Some(&u) => Ok(()),
                Some(u) if units.contains(&u) => {
                    Err(Error::Conflict(FieldError::new("", K::ErrCoHandler)))
                }
                _ => Err(Error::Conflict(FieldError::new("", K::ErrNotYourUnit))),
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
pub async fn act(
    db: &Db,
    caller: &Caller,
    problem_id: i32,
    version: i32,
    mv: Move,
    note: &str,
) -> Result<problem::Model, Error> {
    let note =
        text("note", note, mv.needs_note(), MAX_NOTE).map_err(|e| Error::Validation(vec![e]))?;
    retry(|| act_once(db, caller, problem_id, version, mv, &note)).await
}

async fn act_once(
    db: &Db,
    caller: &Caller,
    problem_id: i32,
    version: i32,
    mv: Move,
    note: &str,
) -> Result<problem::Model, Error> {
    let actor = &Actor::of(caller);
    let note = note.to_owned();
    let txn = Write::begin(db).await?;
    let before = problem::Entity::find_by_id(problem_id)
        .one(&txn)
        .await?
        .ok_or(Error::not_found(K::EntityProblem))?;
    ensure_may(&txn, caller, &before, mv).await?;
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
    progress::refresh_problems(&txn, &[problem_id]).await?;
    progress::refresh(&txn, &[before.firm_id]).await?;
    txn.commit().await?;
    Ok(after)
}
