//! The security policy (`crate::security`): one row, read at each login and session check;
//! changed by a security administrator only, audited. Also the account locks the policy sets.

use super::audit::{self, Actor, Entry};
use super::{Db, Write, query_all, query_one, retry, sql};
use crate::auth::{Caller, SECURITY_ADMINS};
use crate::error::Error;
use crate::i18n::K;
use crate::security::{PolicyForm, SecurityPolicy};
use chrono::Utc;
use sea_orm::{ConnectionTrait, FromQueryResult};

#[derive(FromQueryResult)]
struct Row {
    lock_failures: i32,
    lock_minutes: i32,
    password_max_age_days: i32,
    max_sessions: i32,
    audit_retention_days: i32,
    second_factor_for_all: bool,
}

fn count(v: i32) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

/// The policy in force (the defaults if the row is missing). Values are clamped to the floors
/// the rules need, so a row edited by hand cannot turn a control off.
pub async fn get(db: &impl ConnectionTrait) -> Result<SecurityPolicy, Error> {
    let row = query_one::<Row>(
        db,
        "SELECT lock_failures, lock_minutes, password_max_age_days, max_sessions, audit_retention_days,
           second_factor_for_all
         FROM security_policy WHERE id = 1",
        vec![],
    )
    .await?;
    Ok(
        row.map_or_else(SecurityPolicy::default, |r| SecurityPolicy {
            lock_failures: count(r.lock_failures).max(1),
            lock_minutes: count(r.lock_minutes).max(1),
            password_max_age_days: count(r.password_max_age_days).max(1),
            max_sessions: count(r.max_sessions).max(1),
            audit_retention_days: count(r.audit_retention_days).max(180),
            second_factor_for_all: r.second_factor_for_all,
        }),
    )
}

/// The use case "a security administrator changes the policy"; audited.
pub async fn set(db: &Db, caller: &Caller, form: &PolicyForm) -> Result<SecurityPolicy, Error> {
    caller.require(SECURITY_ADMINS)?;
    caller.require_recent_auth()?;
    let policy = form.validate()?;
    let int = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    retry(|| async {
        let txn = Write::begin_quiet(db).await?;
        let before = get(&txn).await?;
        let values = vec![
            int(policy.lock_failures).into(),
            int(policy.lock_minutes).into(),
            int(policy.password_max_age_days).into(),
            int(policy.max_sessions).into(),
            int(policy.audit_retention_days).into(),
            policy.second_factor_for_all.into(),
            caller.id.into(),
            Utc::now().into(),
        ];
        let backend = txn.get_database_backend();
        let done = txn
            .execute_raw(sql(
                backend,
                "UPDATE security_policy SET lock_failures = $1, lock_minutes = $2,
                   password_max_age_days = $3, max_sessions = $4, audit_retention_days = $5,
                   second_factor_for_all = $6, updated_by = $7, updated_at = $8
                 WHERE id = 1",
                values.clone(),
            ))
            .await?;
        if done.rows_affected() == 0 {
            txn.execute_raw(sql(
                backend,
                "INSERT INTO security_policy (lock_failures, lock_minutes, password_max_age_days,
                   max_sessions, audit_retention_days, second_factor_for_all, updated_by, updated_at, id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)",
                values,
            ))
            .await?;
        }
        audit::record(
            &txn,
            &Actor::of(caller),
            Entry {
                action: "update",
                entity: "security_policy",
                entity_id: Some(1),
                firm_id: None,
                before: Some(serde_json::json!(before)),
                after: Some(serde_json::json!(policy)),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(policy)
    })
    .await
}

pub use crate::security::{LockRow, SecurityView};

pub async fn view(db: &impl ConnectionTrait, caller: &Caller) -> Result<SecurityView, Error> {
    caller.require(SECURITY_ADMINS)?;
    let mut locks = query_all::<LockRow>(
        db,
        "SELECT u.id AS user_id, u.name, u.phone, l.locked_at, l.locked_until
         FROM login_locks l JOIN users u ON u.id = l.user_id
         WHERE l.locked_until > $1 ORDER BY l.locked_at DESC",
        vec![Utc::now().into()],
    )
    .await?;
    super::crypto::open_rows(&mut locks, |r| &mut r.phone)?;
    Ok(SecurityView {
        policy: get(db).await?,
        locks,
    })
}

/// The use case "a security administrator unlocks an account": the lock and the failures that
/// led to it go; audited. Returns the account's name.
pub async fn unlock(db: &Db, caller: &Caller, user_id: &str) -> Result<String, Error> {
    caller.require(SECURITY_ADMINS)?;
    caller.require_recent_auth()?;
    let id = super::parse_id("user_id", user_id)?;
    unlock_account(db, &Actor::of(caller), id).await
}

#[derive(FromQueryResult)]
struct Named {
    name: String,
}

/// Lifts the lock of account `id` (the CLI's `zhuqi user unlock` and [`unlock`]).
pub async fn unlock_account(db: &Db, actor: &Actor, id: i32) -> Result<String, Error> {
    retry(|| async {
        let txn = Write::begin_quiet(db).await?;
        let name = query_one::<Named>(
            &txn,
            "SELECT name FROM users WHERE id = $1",
            vec![id.into()],
        )
        .await?
        .ok_or(Error::not_found(K::EntityUser))?
        .name;
        let key = super::accounts::account_key(id);
        let backend = txn.get_database_backend();
        let lifted = txn
            .execute_raw(sql(
                backend,
                "DELETE FROM login_locks WHERE login_key = $1",
                vec![key.clone().into()],
            ))
            .await?
            .rows_affected();
        txn.execute_raw(sql(
            backend,
            "DELETE FROM login_failures WHERE login_key = $1",
            vec![key.into()],
        ))
        .await?;
        audit::record(
            &txn,
            actor,
            Entry {
                action: "unlock",
                entity: "user",
                entity_id: Some(id),
                firm_id: None,
                before: Some(serde_json::json!({ "locked": lifted > 0 })),
                after: Some(serde_json::json!({ "locked": false })),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(name)
    })
    .await
}
