//! The audit trail: who changed what, when, from where, with the before and after states.
//! Entries are written in the same transaction as the change they describe, so a change without
//! its entry (or the reverse) cannot be committed. The application never updates or deletes them.

use super::entity::audit_log;
use crate::auth::{Caller, CurrentUser, Role};
use crate::error::Error;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::Serialize;

/// Who is acting: a logged-in user (with their role, which services check), or the system
/// (the CLI, the demo generator), or an anonymous visitor (a failed login).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Actor {
    pub user_id: Option<i32>,
    pub role: Option<Role>,
    pub label: String,
    pub client_addr: Option<String>,
}

impl Actor {
    pub fn system(label: &str) -> Actor {
        Actor {
            user_id: None,
            role: None,
            label: label.to_owned(),
            client_addr: None,
        }
    }

    pub fn anonymous(client_addr: Option<String>) -> Actor {
        Actor {
            user_id: None,
            role: None,
            label: "anonymous".to_owned(),
            client_addr,
        }
    }

    pub fn user(user: &CurrentUser, client_addr: Option<String>) -> Actor {
        Actor {
            user_id: Some(user.id),
            role: Some(user.role),
            label: user.name.clone(),
            client_addr,
        }
    }

    /// The audit trail's "who" for a request.
    pub fn of(caller: &Caller) -> Actor {
        Actor::user(&caller.user, caller.client_addr.clone())
    }
}

pub struct Entry<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i32>,
    pub firm_id: Option<i32>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    entry: Entry<'_>,
) -> Result<(), Error> {
    let json = |v: Option<serde_json::Value>| v.map(|v| v.to_string());
    audit_log::ActiveModel {
        at: Set(Utc::now()),
        actor_id: Set(actor.user_id),
        actor_label: Set(actor.label.clone()),
        action: Set(entry.action.to_owned()),
        entity: Set(entry.entity.to_owned()),
        entity_id: Set(entry.entity_id),
        firm_id: Set(entry.firm_id),
        before_json: Set(json(entry.before)),
        after_json: Set(json(entry.after)),
        client_addr: Set(actor.client_addr.clone()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Records one entry per changed row of a bulk action (an import), many rows per INSERT.
/// `rows` holds (entity id, before, after); for firms the id is also the firm the entry files under.
pub async fn record_many(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    entity: &str,
    rows: &[(i32, Option<serde_json::Value>, Option<serde_json::Value>)],
    at: chrono::DateTime<Utc>,
) -> Result<(), Error> {
    // PostgreSQL takes each batch as one JSON parameter (binding thousands of parameters costs
    // it more than the inserts); SQLite a VALUES list, 10 parameters a row, under its limit.
    #[derive(Serialize)]
    struct Row {
        entity_id: i32,
        firm_id: Option<i32>,
        before_json: Option<String>,
        after_json: Option<String>,
    }
    let backend = db.get_database_backend();
    let per = if backend == sea_orm::DbBackend::Postgres {
        5000
    } else {
        1000
    };
    for batch in rows.chunks(per) {
        let stmt = if backend == sea_orm::DbBackend::Postgres {
            let rows: Vec<Row> = batch
                .iter()
                .map(|(id, before, after)| Row {
                    entity_id: *id,
                    firm_id: (entity == "firm").then_some(*id),
                    before_json: before.as_ref().map(|v| v.to_string()),
                    after_json: after.as_ref().map(|v| v.to_string()),
                })
                .collect();
            let json = serde_json::to_string(&rows).map_err(|_| Error::Internal)?;
            sea_orm::Statement::from_sql_and_values(
                backend,
                "INSERT INTO audit_log (at, actor_id, actor_label, action, entity, entity_id, firm_id,
                                        before_json, after_json, client_addr)
                 SELECT $2, $3, $4, $5, $6, entity_id, firm_id, before_json, after_json, $7
                 FROM json_to_recordset($1::json)
                      AS x(entity_id int, firm_id int, before_json text, after_json text)",
                vec![
                    json.into(),
                    at.into(),
                    actor.user_id.into(),
                    actor.label.clone().into(),
                    action.to_owned().into(),
                    entity.to_owned().into(),
                    actor.client_addr.clone().into(),
                ],
            )
        } else {
            let mut values: Vec<sea_orm::Value> = Vec::with_capacity(batch.len() * 10);
            let mut tuples = Vec::with_capacity(batch.len());
            for (id, before, after) in batch {
                let start = values.len();
                values.extend([
                    at.into(),
                    actor.user_id.into(),
                    actor.label.clone().into(),
                    action.to_owned().into(),
                    entity.to_owned().into(),
                    Some(*id).into(),
                    (entity == "firm").then_some(*id).into(),
                    before.as_ref().map(|v| v.to_string()).into(),
                    after.as_ref().map(|v| v.to_string()).into(),
                    actor.client_addr.clone().into(),
                ]);
                let marks: Vec<String> = (start + 1..=values.len())
                    .map(|i| format!("${i}"))
                    .collect();
                tuples.push(format!("({})", marks.join(", ")));
            }
            super::sql_in_order(
                backend,
                &format!(
                    "INSERT INTO audit_log (at, actor_id, actor_label, action, entity, entity_id, firm_id,
                                            before_json, after_json, client_addr) VALUES {}",
                    tuples.join(", ")
                ),
                values,
            )
        };
        db.execute_raw(stmt).await?;
    }
    Ok(())
}

/// Serialises a model for the trail; models are plain data, so this cannot fail in practice.
pub fn snapshot<T: Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

pub use crate::audit::{AuditFilter, AuditRow};

pub const AUDIT_PAGE: i64 = 200;

/// The use case "the audit page": the office only; the filters are parsed here.
pub async fn trail(
    db: &impl ConnectionTrait,
    caller: &Caller,
    q: &crate::audit::AuditQuery,
) -> Result<Vec<AuditRow>, Error> {
    caller.require(&[Role::Office])?;
    let filter = AuditFilter {
        user_id: super::parse_optional_id("user", &q.user)?,
        firm_id: super::parse_optional_id("firm", &q.firm)?,
        from: super::parse_optional_date("from", &q.from)?,
        to: super::parse_optional_date("to", &q.to)?,
    };
    list(db, &filter).await
}

pub async fn list(db: &impl ConnectionTrait, f: &AuditFilter) -> Result<Vec<AuditRow>, Error> {
    let mut sql = String::from(
        "SELECT id, at, actor_id, actor_label, action, entity, entity_id, firm_id, before_json, after_json, client_addr
         FROM audit_log WHERE 1 = 1",
    );
    let mut values: Vec<sea_orm::Value> = Vec::new();
    if let Some(u) = f.user_id {
        values.push(u.into());
        sql.push_str(&format!(" AND actor_id = ${}", values.len()));
    }
    if let Some(firm) = f.firm_id {
        values.push(firm.into());
        sql.push_str(&format!(" AND firm_id = ${}", values.len()));
    }
    if let Some(from) = f.from {
        values.push(crate::clock::day_end_utc(from - chrono::Duration::days(1)).into());
        sql.push_str(&format!(" AND at >= ${}", values.len()));
    }
    if let Some(to) = f.to {
        values.push(crate::clock::day_end_utc(to).into());
        sql.push_str(&format!(" AND at < ${}", values.len()));
    }
    values.push(AUDIT_PAGE.into());
    sql.push_str(&format!(" ORDER BY id DESC LIMIT ${}", values.len()));
    super::query_all::<AuditRow>(db, &sql, values).await
}
