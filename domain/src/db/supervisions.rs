//! 督办: the office orders the units handling a problem to act, by hand or (for a problem
//! overdue by the office's `WorkingRules::escalate_after_days` working days) by the server; the units reply. Orders
//! show on the queue, the firm file and the leaders' problem list.

use super::audit::{self, Actor, Entry};
use super::{Db, Write, parse_id, query_all, query_one, retry, sql};
use crate::auth::{Caller, Role};
use crate::error::{Error, FieldError};
use crate::i18n::{K, Locale};
use crate::problem::{ProblemStatus, SUPERVISION_MAX_CHARS, Supervision};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use std::collections::HashMap;

#[derive(FromQueryResult)]
struct Row {
    id: i32,
    problem_id: i32,
    kind: String,
    instruction: String,
    ordered_by: Option<String>,
    ordered_at: DateTime<Utc>,
    reply: Option<String>,
    replied_by: Option<String>,
    replied_at: Option<DateTime<Utc>>,
}

impl From<Row> for Supervision {
    fn from(r: Row) -> Self {
        Supervision {
            id: r.id,
            problem_id: r.problem_id,
            automatic: r.kind == "auto",
            instruction: r.instruction,
            ordered_by: r.ordered_by,
            ordered_at: r.ordered_at,
            reply: r.reply,
            replied_by: r.replied_by,
            replied_at: r.replied_at,
        }
    }
}

const SELECT: &str = "SELECT s.id, s.problem_id, s.kind, s.instruction, o.name AS ordered_by, s.ordered_at,
        s.reply, r.name AS replied_by, s.replied_at
    FROM supervisions s LEFT JOIN users o ON o.id = s.ordered_by LEFT JOIN users r ON r.id = s.replied_by";

/// The orders about these problems, oldest first, by problem.
pub async fn for_problems(
    db: &impl ConnectionTrait,
    problem_ids: &[i32],
) -> Result<HashMap<i32, Vec<Supervision>>, Error> {
    let mut out: HashMap<i32, Vec<Supervision>> = HashMap::new();
    // Bounded batches of integers this crate read itself.
    for chunk in problem_ids.chunks(500) {
        let ids: Vec<String> = chunk.iter().map(i32::to_string).collect();
        let rows = query_all::<Row>(
            db,
            &format!(
                "{SELECT} WHERE s.problem_id IN ({}) ORDER BY s.ordered_at, s.id",
                ids.join(", ")
            ),
            vec![],
        )
        .await?;
        for r in rows {
            out.entry(r.problem_id).or_default().push(r.into());
        }
    }
    Ok(out)
}

#[derive(FromQueryResult)]
struct ProblemRow {
    firm_id: i32,
    status: String,
    concluded_on: Option<NaiveDate>,
}

async fn problem(db: &impl ConnectionTrait, id: i32) -> Result<ProblemRow, Error> {
    query_one::<ProblemRow>(
        db,
        "SELECT firm_id, status, concluded_on FROM problems WHERE id = $1",
        vec![id.into()],
    )
    .await?
    .ok_or(Error::not_found(K::EntityProblem))
}

#[derive(FromQueryResult)]
struct Id {
    id: i32,
}

/// The use case "the office orders a problem's units to act": only the office, only on an open
/// problem, with an instruction; audited on the firm.
pub async fn order(
    db: &Db,
    caller: &Caller,
    problem_id: &str,
    instruction: &str,
) -> Result<Supervision, Error> {
    caller.require(&[Role::Office])?;
    let problem_id = parse_id("problem_id", problem_id)?;
    let instruction = crate::error::text("instruction", instruction, true, SUPERVISION_MAX_CHARS)
        .map_err(|e| Error::Validation(vec![e]))?;
    let id = retry(|| async {
        let txn = Write::begin(db).await?;
        let p = problem(&txn, problem_id).await?;
        let open = ProblemStatus::from_code(&p.status).is_some_and(ProblemStatus::is_open);
        if !open || p.concluded_on.is_some() {
            return Err(Error::field("problem_id", K::ErrProblemNotOpen));
        }
        let id = insert(&txn, problem_id, "manual", &instruction, Some(caller.id)).await?;
        let created = get(&txn, id).await?;
        super::notifications::supervised(
            &txn,
            problem_id,
            p.firm_id,
            &instruction,
            Some(caller.id),
        )
        .await?;
        audit::record(
            &txn,
            &Actor::of(caller),
            Entry {
                action: "create",
                entity: "supervision",
                entity_id: Some(id),
                firm_id: Some(p.firm_id),
                before: None,
                after: Some(serde_json::json!(created)),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(id)
    })
    .await?;
    get(db, id).await
}

async fn insert(
    db: &impl ConnectionTrait,
    problem_id: i32,
    kind: &str,
    instruction: &str,
    by: Option<i32>,
) -> Result<i32, Error> {
    Ok(query_one::<Id>(
        db,
        "INSERT INTO supervisions (problem_id, kind, instruction, ordered_by, ordered_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        vec![
            problem_id.into(),
            kind.into(),
            instruction.into(),
            by.into(),
            Utc::now().into(),
        ],
    )
    .await?
    .ok_or(Error::Internal)?
    .id)
}

async fn get(db: &impl ConnectionTrait, id: i32) -> Result<Supervision, Error> {
    query_one::<Row>(db, &format!("{SELECT} WHERE s.id = $1"), vec![id.into()])
        .await?
        .map(Supervision::from)
        .ok_or(Error::not_found(K::EntitySupervision))
}

/// The use case "a unit replies to a 督办": a handler of a unit the problem is routed to (or
/// the office), once; audited on the firm.
pub async fn reply(
    db: &Db,
    caller: &Caller,
    supervision_id: &str,
    reply: &str,
) -> Result<Supervision, Error> {
    caller.require(&[Role::Office, Role::Unit])?;
    let id = parse_id("supervision_id", supervision_id)?;
    let reply = crate::error::text("reply", reply, true, SUPERVISION_MAX_CHARS)
        .map_err(|e| Error::Validation(vec![e]))?;
    retry(|| async {
        let txn = Write::begin(db).await?;
        let before = get(&txn, id).await?;
        if caller.role == Role::Unit {
            let units = super::problems::routed_to(&txn, before.problem_id).await?;
            if !caller.member_unit_id.is_some_and(|u| units.contains(&u)) {
                return Err(Error::Forbidden);
            }
        }
        if before.reply.is_some() {
            return Err(Error::Conflict(FieldError::new(
                "reply",
                K::ErrAlreadyReplied,
            )));
        }
        // Only an unanswered order takes the reply, so two replies at once cannot both land.
        let done = txn
            .execute_raw(sql(
                txn.get_database_backend(),
                "UPDATE supervisions SET reply = $1, replied_by = $2, replied_at = $3
                 WHERE id = $4 AND reply IS NULL",
                vec![
                    reply.clone().into(),
                    caller.id.into(),
                    Utc::now().into(),
                    id.into(),
                ],
            ))
            .await?;
        if done.rows_affected() != 1 {
            return Err(Error::Conflict(FieldError::new(
                "reply",
                K::ErrAlreadyReplied,
            )));
        }
        let after = get(&txn, id).await?;
        let firm_id = problem(&txn, before.problem_id).await?.firm_id;
        super::notifications::supervision_replied(
            &txn,
            before.problem_id,
            firm_id,
            &reply,
            Some(caller.id),
        )
        .await?;
        audit::record(
            &txn,
            &Actor::of(caller),
            Entry {
                action: "reply",
                entity: "supervision",
                entity_id: Some(id),
                firm_id: Some(firm_id),
                before: Some(serde_json::json!(before)),
                after: Some(serde_json::json!(after)),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    })
    .await
}

#[derive(FromQueryResult)]
struct OverdueRow {
    id: i32,
    firm_id: i32,
    region_id: i32,
    deadline: NaiveDate,
}

/// The server's 督办: every open problem overdue on `today` by at least `after` working days
/// (by the calendar of its firm's region) that has no automatic order yet gets one. Run by
/// every server instance on a timer; the partial unique index makes each order once. Returns
/// how many this call made.
pub async fn escalate_overdue(db: &Db, today: NaiveDate, after: i64) -> Result<usize, Error> {
    if after <= 0 {
        return Ok(0);
    }
    let calendar = super::calendar::load(db).await?;
    let open = ProblemStatus::open_codes_sql();
    let rows = query_all::<OverdueRow>(
        db,
        &format!(
            "SELECT p.id, p.firm_id, f.region_id, p.deadline FROM problems p JOIN firms f ON f.id = p.firm_id
             WHERE p.status IN ({open}) AND p.concluded_on IS NULL AND p.deadline < $1
               AND NOT EXISTS (SELECT 1 FROM supervisions s WHERE s.problem_id = p.id AND s.kind = 'auto')
             ORDER BY p.id"
        ),
        vec![today.into()],
    )
    .await?;
    let mut made = 0;
    for r in rows {
        let late = calendar.working_days_between(r.deadline, today, Some(r.region_id));
        if late < after {
            continue;
        }
        let text = K::SupervisionAutoText.fill(Locale::Zh, &[("n", late.to_string())]);
        made += retry(|| async {
            let txn = Write::begin(db).await?;
            // Another instance may have made it since the read: then nothing is inserted.
            let inserted = query_all::<Id>(
                &txn,
                "INSERT INTO supervisions (problem_id, kind, instruction, ordered_by, ordered_at)
                 VALUES ($1, 'auto', $2, NULL, $3)
                 ON CONFLICT (problem_id) WHERE kind = 'auto' DO NOTHING RETURNING id",
                vec![r.id.into(), text.clone().into(), Utc::now().into()],
            )
            .await?;
            let Some(id) = inserted.first().map(|i| i.id) else {
                txn.commit().await?;
                return Ok(0);
            };
            let created = get(&txn, id).await?;
            super::notifications::supervised(&txn, r.id, r.firm_id, &text, None).await?;
            audit::record(
                &txn,
                &Actor::system("escalation"),
                Entry {
                    action: "create",
                    entity: "supervision",
                    entity_id: Some(id),
                    firm_id: Some(r.firm_id),
                    before: None,
                    after: Some(serde_json::json!(created)),
                },
            )
            .await?;
            txn.commit().await?;
            Ok(1)
        })
        .await?;
    }
    Ok(made)
}
