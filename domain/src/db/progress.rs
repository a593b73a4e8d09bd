//! The progress facts (`firm_progress`): per campaign and firm, whether the firm counts and the
//! days it first met each target, kept up to date in the transaction of every write that
//! changes them. Everything that counts firms (dashboard, lists, roster, reports) reads these
//! rows instead of recounting visits and problems, so figures stay live and cheap under writes.
//!
//! A firm's facts are always recomputed whole from the one definition (`kpi::sql::FactSql`),
//! never patched by increments: a corrected visit date, a reopened or withdrawn problem, a
//! handover or a scope override all take the same path, and the facts cannot drift from a
//! recount (a test recounts after a random mix of writes).

use super::query_all;
use crate::campaign::{Campaign, Progress};
use crate::error::Error;
use crate::kpi::Window;
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Value};

/// The version of the facts' rule. Raise it whenever `kpi::sql::FactSql` (or what is stored)
/// changes: the server then rebuilds every facts row when it starts.
pub const FACTS_RULE: i32 = 1;

/// Above this many firms a refresh recomputes the whole register in one statement.
const FEW: usize = 500;

#[derive(FromQueryResult)]
struct CampaignWindow {
    id: i32,
    starts_on: NaiveDate,
    deadline: NaiveDate,
}

async fn campaigns(db: &impl ConnectionTrait) -> Result<Vec<Window>, Error> {
    let rows = query_all::<CampaignWindow>(
        db,
        "SELECT id, starts_on, deadline FROM campaigns ORDER BY id",
        vec![],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            // The stored facts cover the whole campaign: its window as of its deadline.
            Window::new(
                &Campaign {
                    id: c.id,
                    name_zh: String::new(),
                    name_en: String::new(),
                    starts_on: c.starts_on,
                    deadline: c.deadline,
                },
                c.deadline,
            )
        })
        .collect())
}

/// Which firms a refresh covers.
enum Firms<'a> {
    All,
    Some(&'a [i32]),
}

/// Recomputes the facts of these firms, in every campaign, inside the caller's transaction.
/// Call it after the write that changed them (a visit, a problem's status, a confirmation, the
/// firm's profile, scope or archiving, its coordinator), before committing.
pub async fn refresh(db: &impl ConnectionTrait, firm_ids: &[i32]) -> Result<(), Error> {
    let mut ids: Vec<i32> = firm_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    if ids.len() > FEW {
        return refresh_all(db).await;
    }
    lock(db, Firms::Some(&ids)).await?;
    for w in campaigns(db).await? {
        upsert(db, &w, Firms::Some(&ids)).await?;
    }
    Ok(())
}

/// Holds the whole register against other writers until the transaction ends (PostgreSQL; on
/// SQLite writers are serialised anyway). A bulk write takes it first, before it writes
/// anything, so it cannot deadlock with writers of single firms.
pub async fn lock_register(db: &impl ConnectionTrait) -> Result<(), Error> {
    lock(db, Firms::All).await
}

/// Recomputes every firm's facts in every campaign (bulk imports, a new campaign, rebuilds).
pub async fn refresh_all(db: &impl ConnectionTrait) -> Result<(), Error> {
    lock(db, Firms::All).await?;
    for w in campaigns(db).await? {
        upsert(db, &w, Firms::All).await?;
    }
    Ok(())
}

/// On PostgreSQL, two writers to one firm could each compute its facts from a snapshot without
/// the other's change, and the later commit would win with half the truth. Locking the firms'
/// rows first (in id order, so two writers cannot deadlock on them) makes the second wait, and
/// its recompute, a new statement, then sees the first one's rows. `NO KEY UPDATE` does not
/// conflict with the key-share locks that inserting a visit or problem takes on its firm.
/// A whole-register refresh holds the table against row locks instead. SQLite needs neither:
/// its writers are serialised (`write::Write`).
async fn lock(db: &impl ConnectionTrait, firms: Firms<'_>) -> Result<(), Error> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    match firms {
        Firms::All => {
            db.execute_unprepared("LOCK TABLE firms IN EXCLUSIVE MODE")
                .await?;
        }
        Firms::Some(ids) => {
            let list = id_list(ids);
            db.execute_unprepared(&format!(
                "SELECT id FROM firms WHERE id IN ({list}) ORDER BY id FOR NO KEY UPDATE"
            ))
            .await?;
        }
    }
    Ok(())
}

/// A list of ids for an IN clause: integers this module holds, never user text.
fn id_list(ids: &[i32]) -> String {
    ids.iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

async fn upsert(db: &impl ConnectionTrait, w: &Window, firms: Firms<'_>) -> Result<(), Error> {
    let backend = db.get_database_backend();
    let mut values: Vec<Value> = Vec::new();
    let facts = w.fact_sql(backend, &mut values);
    values.push(w.campaign_id.into());
    let campaign = values.len();
    // SQLite needs a WHERE in an INSERT … SELECT that has an ON CONFLICT clause.
    let which = match firms {
        Firms::All => "TRUE".to_owned(),
        Firms::Some(ids) => format!("f.id IN ({})", id_list(ids)),
    };
    let sql = format!(
        "INSERT INTO firm_progress (campaign_id, firm_id, region_id, tier_id, coordinator_id,
                                    in_scope, counted, first_visit, first_solved)
         SELECT ${campaign}, f.id, f.region_id, f.tier_id,
                (SELECT a.coordinator_id FROM assignments a
                  WHERE a.firm_id = f.id AND a.ended_at IS NULL ORDER BY a.id DESC LIMIT 1),
                {in_scope}, {counted}, {first_visit}, {first_solved}
         FROM firms f WHERE {which}
         ON CONFLICT (campaign_id, firm_id) DO UPDATE SET
            region_id = excluded.region_id, tier_id = excluded.tier_id,
            coordinator_id = excluded.coordinator_id, in_scope = excluded.in_scope,
            counted = excluded.counted, first_visit = excluded.first_visit,
            first_solved = excluded.first_solved",
        in_scope = facts.in_scope,
        counted = facts.counted,
        first_visit = facts.first_visit,
        first_solved = facts.first_solved,
    );
    db.execute_raw(super::sql(backend, &sql, values)).await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct Rule {
    facts_rule: i32,
}

/// Rebuilds every facts row if they were computed by an older rule (or never, right after the
/// migration that made the table). Run at start-up, after migrating.
pub async fn ensure_current(db: &super::Db) -> Result<bool, Error> {
    let stored = super::query_one::<Rule>(
        db,
        "SELECT facts_rule FROM figures_version WHERE id = 1",
        vec![],
    )
    .await?
    .map_or(0, |r| r.facts_rule);
    if stored == FACTS_RULE {
        return Ok(false);
    }
    let txn = super::Write::begin(db).await?;
    refresh_all(&txn).await?;
    txn.execute_raw(super::sql(
        txn.get_database_backend(),
        "UPDATE figures_version SET facts_rule = $1 WHERE id = 1",
        vec![FACTS_RULE.into()],
    ))
    .await?;
    txn.commit().await?;
    tracing::info!(rule = FACTS_RULE, "progress facts rebuilt");
    Ok(true)
}

#[derive(FromQueryResult)]
struct Version {
    n: i64,
}

/// The version of the business figures: moved by every business write in its transaction
/// (`write::Write::commit`), so a figure computed at one version is true until it moves.
/// Logins and other account events do not move it.
pub async fn figures_version(db: &impl ConnectionTrait) -> Result<i64, Error> {
    Ok(
        super::query_one::<Version>(db, "SELECT n FROM figures_version WHERE id = 1", vec![])
            .await?
            .map_or(0, |v| v.n),
    )
}

/// The campaign's two targets as of any day, so the 2022 campaign can be replayed. They are the
/// dashboard's firm-level figures (one definition, one query path); pages and the API take them
/// from the dashboard cache; this uncached form is for callers without one (the tests).
pub async fn compute(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    as_of: NaiveDate,
) -> Result<Progress, Error> {
    Ok(super::dashboard::compute(db, campaign, as_of)
        .await?
        .progress())
}
