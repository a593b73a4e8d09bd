//! Logging a visit: one transaction that checks the firm, finds its coordinator, stores the
//! visit and its audit entry. A repeated idempotency key returns the visit already stored.

use super::audit::{self, Actor, Entry};
use super::entity::visit;
use super::{firms, is_unique_violation};
use crate::auth::Role;
use crate::error::{Error, FieldError};
use crate::i18n::K;
use crate::visit::ValidVisit;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logged {
    pub visit_id: i32,
    /// Problems raised with the visit (none when the key had been seen).
    pub problem_ids: Vec<i32>,
    /// False when the idempotency key had been seen: nothing new was written.
    pub created: bool,
}

async fn by_key(
    db: &impl ConnectionTrait,
    firm_id: i32,
    key: &str,
) -> Result<Option<Logged>, Error> {
    match visit::Entity::find()
        .filter(visit::Column::IdempotencyKey.eq(key))
        .one(db)
        .await?
    {
        // The same key for another firm is a client bug or a forged key: refuse it.
        Some(v) if v.firm_id != firm_id => Err(Error::Conflict(FieldError::new(
            "idempotency_key",
            K::ErrBadId,
        ))),
        Some(v) => Ok(Some(Logged {
            visit_id: v.id,
            problem_ids: vec![],
            created: false,
        })),
        None => Ok(None),
    }
}

pub async fn log<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    firm_id: i32,
    input: ValidVisit,
    actor: &Actor,
) -> Result<Logged, Error> {
    if let Some(key) = &input.idempotency_key
        && let Some(done) = by_key(db, firm_id, key).await?
    {
        return Ok(done);
    }
    let txn = db.begin().await?;
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
        participants: Set(input.participants),
        summary: Set(input.summary.clone()),
        idempotency_key: Set(input.idempotency_key.clone()),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let model = match inserted {
        Ok(m) => m,
        // Two submissions with one key raced past the check above: the other one won.
        Err(e) if is_unique_violation(&e) => {
            drop(txn);
            let key = input.idempotency_key.unwrap_or_default();
            return by_key(db, firm_id, &key).await?.ok_or(Error::Internal);
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
    txn.commit().await?;
    Ok(Logged {
        visit_id: model.id,
        problem_ids,
        created: true,
    })
}
