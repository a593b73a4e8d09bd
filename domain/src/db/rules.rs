//! The office's working rules (`crate::rules`): one row, read by every use case that starts a
//! clock and by the sweep; changed by the office only, audited.

use super::audit::{self, Actor, Entry};
use super::{Db, Write, query_one, retry, sql};
use crate::auth::{Caller, Role};
use crate::error::Error;
use crate::rules::{RulesForm, WorkingRules};
use sea_orm::{ConnectionTrait, FromQueryResult};

#[derive(FromQueryResult)]
struct Row {
    claim_hours: i32,
    conclude_days: i32,
    callback_days: i32,
    remind_before_days: i32,
    escalate_after_days: i32,
}

fn count(v: i32) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

/// The rules in force (the defaults if the row is missing).
pub async fn get(db: &impl ConnectionTrait) -> Result<WorkingRules, Error> {
    let row = query_one::<Row>(
        db,
        "SELECT claim_hours, conclude_days, callback_days, remind_before_days, escalate_after_days
         FROM working_rules WHERE id = 1",
        vec![],
    )
    .await?;
    Ok(row.map_or_else(WorkingRules::default, |r| WorkingRules {
        claim_hours: count(r.claim_hours).max(1),
        conclude_days: count(r.conclude_days).max(1),
        callback_days: count(r.callback_days).max(1),
        remind_before_days: count(r.remind_before_days),
        escalate_after_days: count(r.escalate_after_days),
    }))
}

/// The use case "the office changes the working rules": for problems raised from now on (and
/// the reminders and orders of every open problem); audited.
pub async fn set(db: &Db, caller: &Caller, form: &RulesForm) -> Result<WorkingRules, Error> {
    caller.require(&[Role::Office])?;
    let rules = form.validate()?;
    let int = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    retry(|| async {
        let txn = Write::begin_quiet(db).await?;
        let before = get(&txn).await?;
        let values = vec![
            int(rules.claim_hours).into(),
            int(rules.conclude_days).into(),
            int(rules.callback_days).into(),
            int(rules.remind_before_days).into(),
            int(rules.escalate_after_days).into(),
            caller.id.into(),
            chrono::Utc::now().into(),
        ];
        let backend = txn.get_database_backend();
        let done = txn
            .execute_raw(sql(
                backend,
                "UPDATE working_rules SET claim_hours = $1, conclude_days = $2, callback_days = $3,
                   remind_before_days = $4, escalate_after_days = $5, updated_by = $6, updated_at = $7
                 WHERE id = 1",
                values.clone(),
            ))
            .await?;
        if done.rows_affected() == 0 {
            txn.execute_raw(sql(
                backend,
                "INSERT INTO working_rules (claim_hours, conclude_days, callback_days,
                   remind_before_days, escalate_after_days, updated_by, updated_at, id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 1)",
                values,
            ))
            .await?;
        }
        audit::record(
            &txn,
            &Actor::of(caller),
            Entry {
                action: "update",
                entity: "working_rules",
                entity_id: Some(1),
                firm_id: None,
                before: Some(serde_json::json!(before)),
                after: Some(serde_json::json!(rules)),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(rules)
    })
    .await
}

/// The rules page: the rules for everyone signed in; the office, which may change them, also
/// sees how the notification outbox is doing.
pub async fn view(
    db: &impl ConnectionTrait,
    caller: &Caller,
) -> Result<crate::notice::RulesView, Error> {
    let rules = get(db).await?;
    let can_edit = caller.role == Role::Office;
    let deliveries = if can_edit {
        super::notifications::delivery_counts(db).await?
    } else {
        Vec::new()
    };
    Ok(crate::notice::RulesView {
        rules,
        can_edit,
        deliveries,
    })
}
