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

/// The fields of an entry that its hash covers, as stored (the time to the microsecond, which
/// both databases keep exactly).
struct Sealed<'a> {
    at_micros: i64,
    actor_id: Option<i32>,
    actor_label: &'a str,
    action: &'a str,
    entity: &'a str,
    entity_id: Option<i32>,
    firm_id: Option<i32>,
    before_json: Option<&'a str>,
    after_json: Option<&'a str>,
    client_addr: Option<&'a str>,
}

/// The chain's starting value, before the first entry.
const GENESIS: &str = "zhuqi-audit-v1";

/// SHA-256 over the previous entry's hash and this entry's fields, as a JSON array (one text
/// for any content: no field can run into the next).
fn chain_hash(prev: &str, e: &Sealed<'_>) -> String {
    let canonical = serde_json::json!([
        prev,
        e.at_micros,
        e.actor_id,
        e.actor_label,
        e.action,
        e.entity,
        e.entity_id,
        e.firm_id,
        e.before_json,
        e.after_json,
        e.client_addr,
    ]);
    super::sha256_hex(canonical.to_string().as_bytes())
}

/// The current time as the audit trail stores it: whole microseconds.
fn audit_now() -> chrono::DateTime<Utc> {
    let now = Utc::now();
    chrono::DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

#[derive(sea_orm::FromQueryResult)]
struct LastHash {
    hash: Option<String>,
}

/// Takes the chain's turn in this transaction and returns the last entry's hash. Entries are
/// chained in id order, so appending must be one writer at a time: on PostgreSQL a transaction
/// advisory lock (held until commit, so the next writer reads this one's entry); on SQLite the
/// write transaction (`Write`, `BEGIN IMMEDIATE`) already is the only writer.
async fn chain_tip(db: &impl ConnectionTrait) -> Result<String, Error> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        // 0x7a687571 is "zhuq": any constant no other lock in this database uses.
        db.execute_unprepared("SELECT pg_advisory_xact_lock(2053666161)")
            .await?;
    }
    let last = super::query_one::<LastHash>(
        db,
        "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1",
        vec![],
    )
    .await?;
    Ok(last
        .and_then(|l| l.hash)
        .unwrap_or_else(|| GENESIS.to_owned()))
}

/// Appends one entry to the trail, chained to the last. Call it inside the action's write
/// transaction ([`super::Write`]), so the entry commits with the change, or not at all.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    entry: Entry<'_>,
) -> Result<(), Error> {
    let at = audit_now();
    let before_json = stored_json(entry.before.as_ref())?;
    let after_json = stored_json(entry.after.as_ref())?;
    let prev = chain_tip(db).await?;
    let hash = chain_hash(
        &prev,
        &Sealed {
            at_micros: at.timestamp_micros(),
            actor_id: actor.user_id,
            actor_label: &actor.label,
            action: entry.action,
            entity: entry.entity,
            entity_id: entry.entity_id,
            firm_id: entry.firm_id,
            before_json: before_json.as_deref(),
            after_json: after_json.as_deref(),
            client_addr: actor.client_addr.as_deref(),
        },
    );
    audit_log::ActiveModel {
        at: Set(at),
        actor_id: Set(actor.user_id),
        actor_label: Set(actor.label.clone()),
        action: Set(entry.action.to_owned()),
        entity: Set(entry.entity.to_owned()),
        entity_id: Set(entry.entity_id),
        firm_id: Set(entry.firm_id),
        before_json: Set(before_json),
        after_json: Set(after_json),
        client_addr: Set(actor.client_addr.clone()),
        hash: Set(Some(hash)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Records one entry per changed row of a bulk action (an import), many rows per INSERT, each
/// chained to the one before. `rows` holds (entity id, before, after); for firms the id is also
/// the firm the entry files under.
pub async fn record_many(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    entity: &str,
    rows: &[(i32, Option<serde_json::Value>, Option<serde_json::Value>)],
    at: chrono::DateTime<Utc>,
) -> Result<(), Error> {
    // PostgreSQL takes each batch as one JSON parameter (binding thousands of parameters costs
    // it more than the inserts); SQLite a VALUES list, 11 parameters a row, under its limit.
    #[derive(Serialize)]
    struct Row {
        ord: usize,
        entity_id: i32,
        firm_id: Option<i32>,
        before_json: Option<String>,
        after_json: Option<String>,
        hash: String,
    }
    if rows.is_empty() {
        return Ok(());
    }
    let at = chrono::DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at);
    let backend = db.get_database_backend();
    let per = if backend == sea_orm::DbBackend::Postgres {
        5000
    } else {
        900
    };
    let mut prev = chain_tip(db).await?;
    for batch in rows.chunks(per) {
        let sealed: Vec<Row> = batch
            .iter()
            .enumerate()
            .map(|(ord, (id, before, after))| {
                let firm_id = (entity == "firm").then_some(*id);
                let before_json = stored_json(before.as_ref())?;
                let after_json = stored_json(after.as_ref())?;
                let hash = chain_hash(
                    &prev,
                    &Sealed {
                        at_micros: at.timestamp_micros(),
                        actor_id: actor.user_id,
                        actor_label: &actor.label,
                        action,
                        entity,
                        entity_id: Some(*id),
                        firm_id,
                        before_json: before_json.as_deref(),
                        after_json: after_json.as_deref(),
                        client_addr: actor.client_addr.as_deref(),
                    },
                );
                prev.clone_from(&hash);
                Ok(Row {
                    ord,
                    entity_id: *id,
                    firm_id,
                    before_json,
                    after_json,
                    hash,
                })
            })
            .collect::<Result<_, Error>>()?;
        let stmt = if backend == sea_orm::DbBackend::Postgres {
            let json = serde_json::to_string(&sealed).map_err(|_| Error::Internal)?;
            // Ids are drawn in the order the rows are inserted: the chain's order.
            sea_orm::Statement::from_sql_and_values(
                backend,
                "INSERT INTO audit_log (at, actor_id, actor_label, action, entity, entity_id, firm_id,
                                        before_json, after_json, client_addr, hash)
                 SELECT $2, $3, $4, $5, $6, entity_id, firm_id, before_json, after_json, $7, hash
                 FROM json_to_recordset($1::json)
                      AS x(ord int, entity_id int, firm_id int, before_json text, after_json text, hash text)
                 ORDER BY ord",
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
            let mut values: Vec<sea_orm::Value> = Vec::with_capacity(sealed.len() * 11);
            let mut tuples = Vec::with_capacity(sealed.len());
            for r in sealed {
                let start = values.len();
                values.extend([
                    at.into(),
                    actor.user_id.into(),
                    actor.label.clone().into(),
                    action.to_owned().into(),
                    entity.to_owned().into(),
                    Some(r.entity_id).into(),
                    r.firm_id.into(),
                    r.before_json.into(),
                    r.after_json.into(),
                    actor.client_addr.clone().into(),
                    Some(r.hash).into(),
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
                                            before_json, after_json, client_addr, hash) VALUES {}",
                    tuples.join(", ")
                ),
                values,
            )
        };
        db.execute_raw(stmt).await?;
    }
    Ok(())
}

#[derive(sea_orm::FromQueryResult)]
struct ChainRow {
    id: i64,
    at: chrono::DateTime<Utc>,
    actor_id: Option<i32>,
    actor_label: String,
    action: String,
    entity: String,
    entity_id: Option<i32>,
    firm_id: Option<i32>,
    before_json: Option<String>,
    after_json: Option<String>,
    client_addr: Option<String>,
    hash: Option<String>,
}

/// What `zhuqi audit verify` found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// Entries checked against the chain.
    pub checked: u64,
    /// Entries written before the chain began (no hash), all before the first chained one.
    pub before_chain: u64,
    /// The first entry whose hash does not follow from the entries before it (altered,
    /// inserted, or the one after a deleted entry), if any.
    pub first_broken: Option<i64>,
}

/// Walks the whole trail in id order and recomputes each entry's hash from the one before:
/// an entry altered, removed or slipped in breaks the chain at that point.
pub async fn verify(db: &impl ConnectionTrait) -> Result<ChainReport, Error> {
    const PAGE: i64 = 5000;
    let mut report = ChainReport {
        checked: 0,
        before_chain: 0,
        first_broken: None,
    };
    let mut prev: Option<String> = None;
    let mut after_id = 0i64;
    loop {
        let rows = super::query_all::<ChainRow>(
            db,
            "SELECT id, at, actor_id, actor_label, action, entity, entity_id, firm_id,
                    before_json, after_json, client_addr, hash
             FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
            vec![after_id.into(), PAGE.into()],
        )
        .await?;
        let Some(last) = rows.last() else { break };
        after_id = last.id;
        for r in &rows {
            let Some(stored) = &r.hash else {
                if prev.is_none() {
                    report.before_chain += 1;
                    continue;
                }
                report.first_broken = Some(r.id);
                return Ok(report);
            };
            let expected = chain_hash(
                prev.as_deref().unwrap_or(GENESIS),
                &Sealed {
                    at_micros: r.at.timestamp_micros(),
                    actor_id: r.actor_id,
                    actor_label: &r.actor_label,
                    action: &r.action,
                    entity: &r.entity,
                    entity_id: r.entity_id,
                    firm_id: r.firm_id,
                    before_json: r.before_json.as_deref(),
                    after_json: r.after_json.as_deref(),
                    client_addr: r.client_addr.as_deref(),
                },
            );
            if &expected != stored {
                report.first_broken = Some(r.id);
                return Ok(report);
            }
            report.checked += 1;
            prev = Some(expected);
        }
    }
    Ok(report)
}

/// Calls `f` on every phone number in an entry's state: a string under a key ending in
/// "phone", at any depth. The one definition of where the trail holds phone numbers, used to
/// seal them on the way in, open them on the way out and mask them for some readers.
fn each_phone(
    v: &mut serde_json::Value,
    f: &mut impl FnMut(&mut String) -> Result<(), Error>,
) -> Result<(), Error> {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    serde_json::Value::String(s) if k.ends_with("phone") => f(s)?,
                    _ => each_phone(v, f)?,
                }
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                each_phone(v, f)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// An entry's state as stored: JSON text with its phone numbers sealed (like the phone columns
/// themselves, the trail holds no number in clear).
fn stored_json(state: Option<&serde_json::Value>) -> Result<Option<String>, Error> {
    let Some(state) = state else {
        return Ok(None);
    };
    let mut state = state.clone();
    each_phone(&mut state, &mut |s| {
        if !s.is_empty() && !super::crypto::is_sealed(s) {
            *s = super::crypto::seal(s)?;
        }
        Ok(())
    })?;
    Ok(Some(state.to_string()))
}

/// Rewrites the phone numbers of a stored state (text that is not JSON stays as it is).
fn map_state(
    text: &mut Option<String>,
    mut f: impl FnMut(&mut String) -> Result<(), Error>,
) -> Result<(), Error> {
    if let Some(t) = text
        && let Ok(mut v) = serde_json::from_str::<serde_json::Value>(t)
    {
        each_phone(&mut v, &mut f)?;
        *t = v.to_string();
    }
    Ok(())
}

/// The entry's before and after states with every phone number in them masked, for a reader
/// who sees phones masked (a firm's history on its file).
pub fn mask_phones(mut row: AuditRow) -> AuditRow {
    let mask = |s: &mut String| {
        *s = crate::auth::mask_phone(s);
        Ok(())
    };
    // Masking cannot fail.
    let _ = map_state(&mut row.before_json, mask);
    let _ = map_state(&mut row.after_json, mask);
    row
}

/// Serialises a model for the trail; models are plain data, so this cannot fail in practice.
pub fn snapshot<T: Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

pub use crate::audit::{AuditFilter, AuditRow};

pub use crate::audit::AUDIT_PAGE;
/// The most entries one export holds (narrow the filters for more).
pub const AUDIT_EXPORT_MAX: i64 = 100_000;

/// Parses the audit page's filters.
fn filter_of(q: &crate::audit::AuditQuery) -> Result<AuditFilter, Error> {
    let action = q.action.trim();
    if crate::error::has_control_chars(action) || action.chars().count() > 40 {
        return Err(Error::field("action", crate::i18n::K::ErrValidation));
    }
    let before = match q.before.trim() {
        "" => None,
        b => Some(
            b.parse::<i64>()
                .ok()
                .filter(|v| *v > 0)
                .ok_or_else(|| Error::field("before", crate::i18n::K::ErrBadId))?,
        ),
    };
    Ok(AuditFilter {
        user_id: super::parse_optional_id("user", &q.user)?,
        firm_id: super::parse_optional_id("firm", &q.firm)?,
        action: (!action.is_empty()).then(|| action.to_owned()),
        from: super::parse_optional_date("from", &q.from)?,
        to: super::parse_optional_date("to", &q.to)?,
        before,
    })
}

/// The use case "the audit page": the audit administrator only; a page of [`AUDIT_PAGE`]
/// entries, newest first.
pub async fn trail(
    db: &impl ConnectionTrait,
    caller: &Caller,
    q: &crate::audit::AuditQuery,
) -> Result<Vec<AuditRow>, Error> {
    caller.require(crate::auth::AUDIT_READERS)?;
    list(db, &filter_of(q)?, AUDIT_PAGE).await
}

/// The use case "export the audit trail": the entries the filters select (at most
/// [`AUDIT_EXPORT_MAX`]), as spreadsheet rows; the export itself is audited.
pub async fn export_for(
    db: &super::Db,
    caller: &Caller,
    q: &crate::audit::AuditQuery,
) -> Result<Vec<Vec<String>>, Error> {
    caller.require(crate::auth::AUDIT_READERS)?;
    caller.require_recent_auth()?;
    let filter = filter_of(q)?;
    let rows = list(db, &filter, AUDIT_EXPORT_MAX).await?;
    record_read(
        db,
        caller,
        "export",
        "audit_log",
        serde_json::json!({ "filter": filter, "rows": rows.len() }),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                r.at.with_timezone(&crate::clock::beijing())
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
                r.actor_id.map(|i| i.to_string()).unwrap_or_default(),
                r.actor_label,
                r.action,
                r.entity,
                r.entity_id.map(|i| i.to_string()).unwrap_or_default(),
                r.firm_id.map(|i| i.to_string()).unwrap_or_default(),
                r.before_json.unwrap_or_default(),
                r.after_json.unwrap_or_default(),
                r.client_addr.unwrap_or_default(),
            ]
        })
        .collect())
}

/// The export's column headers (Chinese), in `export_for`'s order.
pub const EXPORT_HEADERS: [&str; 11] = [
    "编号",
    "时间",
    "操作人ID",
    "操作人",
    "操作",
    "对象",
    "对象ID",
    "企业ID",
    "修改前",
    "修改后",
    "地址",
];

/// Records an action that reads rather than changes (an export) or that was refused, in a
/// transaction of its own.
pub async fn record_read(
    db: &super::Db,
    caller: &Caller,
    action: &str,
    entity: &str,
    detail: serde_json::Value,
) -> Result<(), Error> {
    record_standalone(db, &Actor::of(caller), action, entity, detail).await
}

/// One entry in a transaction of its own (nothing else changes with it).
pub async fn record_standalone(
    db: &super::Db,
    actor: &Actor,
    action: &str,
    entity: &str,
    detail: serde_json::Value,
) -> Result<(), Error> {
    super::retry(|| async {
        let w = super::Write::begin_quiet(db).await?;
        record(
            &w,
            actor,
            Entry {
                action,
                entity,
                entity_id: None,
                firm_id: None,
                before: None,
                after: Some(detail.clone()),
            },
        )
        .await?;
        w.commit().await
    })
    .await
}

pub async fn list(
    db: &impl ConnectionTrait,
    f: &AuditFilter,
    limit: i64,
) -> Result<Vec<AuditRow>, Error> {
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
    if let Some(action) = &f.action {
        values.push(action.clone().into());
        sql.push_str(&format!(" AND action = ${}", values.len()));
    }
    if let Some(from) = f.from {
        values.push(crate::clock::day_end_utc(from - chrono::Duration::days(1)).into());
        sql.push_str(&format!(" AND at >= ${}", values.len()));
    }
    if let Some(to) = f.to {
        values.push(crate::clock::day_end_utc(to).into());
        sql.push_str(&format!(" AND at < ${}", values.len()));
    }
    if let Some(before) = f.before {
        values.push(before.into());
        sql.push_str(&format!(" AND id < ${}", values.len()));
    }
    values.push(limit.into());
    sql.push_str(&format!(" ORDER BY id DESC LIMIT ${}", values.len()));
    let mut rows = super::query_all::<AuditRow>(db, &sql, values).await?;
    for r in &mut rows {
        map_state(&mut r.before_json, super::crypto::open_in_place)?;
        map_state(&mut r.after_json, super::crypto::open_in_place)?;
    }
    Ok(rows)
}
