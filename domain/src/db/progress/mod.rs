//! The progress facts, kept up to date in the transaction of every write that changes them:
//!
//! - `firm_progress`: per campaign and firm, whether the firm counts and the days it first met
//!   each target (the rule in SQL: `kpi::sql::FactSql`);
//! - `problem_progress` (`problems`): per campaign and problem, the day from which it counts
//!   toward each problem figure (the rule in Rust: `kpi::problems::ProblemDays`);
//! - `tallies` (`tally`): the figures themselves as counts by day, changed by the difference
//!   between a fact's old and new contribution.
//!
//! Everything that counts (dashboard, lists, roster, reports) reads these rows instead of
//! recounting visits and problems, so figures stay live and cheap under writes. Facts are
//! always recomputed whole from their rule, never patched: a corrected visit date, a reopened
//! or withdrawn problem, a handover or a scope override all take the same path, and the facts
//! cannot drift from a recount (a test recounts after a random mix of concurrent writes).

pub mod problems;
pub mod tally;

pub use problems::{ProblemFact, rebuild_problems, refresh_problems};

use super::{Write, query_all};
use crate::campaign::{Campaign, Progress};
use crate::error::Error;
use crate::kpi::Window;
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Value};
use tally::Delta;

/// One firm's facts in one campaign, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirmFact {
    pub campaign_id: i32,
    pub firm_id: i32,
    pub region_id: i32,
    pub tier_id: i32,
    pub coordinator_id: Option<i32>,
    pub in_scope: bool,
    pub counted: bool,
    pub first_visit: Option<NaiveDate>,
    pub first_solved: Option<NaiveDate>,
}

#[derive(FromQueryResult)]
struct FactRow {
    campaign_id: i32,
    firm_id: i32,
    region_id: i32,
    tier_id: i32,
    coordinator_id: Option<i32>,
    in_scope: i32,
    counted: i32,
    first_visit: Option<NaiveDate>,
    first_solved: Option<NaiveDate>,
}

/// The stored facts of these firms (or all), every campaign.
pub async fn firm_facts(
    db: &impl ConnectionTrait,
    firm_ids: Option<&[i32]>,
) -> Result<Vec<FirmFact>, Error> {
    let which = match firm_ids {
        Some(ids) => format!("WHERE firm_id IN ({})", id_list(ids)),
        None => String::new(),
    };
    let rows = query_all::<FactRow>(
        db,
        &format!(
            "SELECT campaign_id, firm_id, region_id, tier_id, coordinator_id,
                    CASE WHEN in_scope THEN 1 ELSE 0 END AS in_scope,
                    CASE WHEN counted THEN 1 ELSE 0 END AS counted, first_visit, first_solved
             FROM firm_progress {which}"
        ),
        vec![],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| FirmFact {
            campaign_id: r.campaign_id,
            firm_id: r.firm_id,
            region_id: r.region_id,
            tier_id: r.tier_id,
            coordinator_id: r.coordinator_id,
            in_scope: r.in_scope != 0,
            counted: r.counted != 0,
            first_visit: r.first_visit,
            first_solved: r.first_solved,
        })
        .collect())
}

/// The version of the facts' rule. Raise it whenever `kpi::sql::FactSql` (or what is stored)
/// changes: the server then rebuilds every facts row when it starts.
pub const FACTS_RULE: i32 = 2;

/// Above this many firms a refresh recomputes the whole register in one statement.
const FEW: usize = 500;

#[derive(FromQueryResult)]
struct CampaignWindow {
    id: i32,
    starts_on: NaiveDate,
    deadline: NaiveDate,
}

pub(crate) async fn campaigns(db: &impl ConnectionTrait) -> Result<Vec<Window>, Error> {
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

/// Recomputes the facts of these firms, in every campaign, inside the caller's transaction,
/// and notes the change of the tallies for its commit. Call it after the write that changed
/// them (a visit, a problem's status, a confirmation, the firm's profile, scope or archiving,
/// its coordinator), before committing.
pub async fn refresh(w: &Write, firm_ids: &[i32]) -> Result<(), Error> {
    let mut ids: Vec<i32> = firm_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    if ids.len() > FEW {
        return refresh_all(w).await;
    }
    lock(w, Firms::Some(&ids)).await?;
    let before = firm_facts(w, Some(&ids)).await?;
    for c in campaigns(w).await? {
        upsert(w, &c, Firms::Some(&ids)).await?;
    }
    let after = firm_facts(w, Some(&ids)).await?;
    let mut delta = Delta::default();
    before.iter().for_each(|f| delta.firm(f, -1));
    after.iter().for_each(|f| delta.firm(f, 1));
    w.tally(delta);
    Ok(())
}

/// Recomputes every fact, firms' and problems', and counts every tally again (a new campaign,
/// bulk loads, a rule change).
pub async fn rebuild_all(w: &Write) -> Result<(), Error> {
    refresh_all(w).await?;
    rebuild_problems(w).await
}

/// Holds the whole register against other writers until the transaction ends (PostgreSQL; on
/// SQLite writers are serialised anyway). A bulk write takes it first, before it writes
/// anything, so it cannot deadlock with writers of single firms.
pub async fn lock_register(db: &impl ConnectionTrait) -> Result<(), Error> {
    lock(db, Firms::All).await
}

/// Recomputes every firm's facts in every campaign and counts the firm tallies again (bulk
/// imports, a new campaign, rebuilds).
pub async fn refresh_all(w: &Write) -> Result<(), Error> {
    lock(w, Firms::All).await?;
    for c in campaigns(w).await? {
        upsert(w, &c, Firms::All).await?;
    }
    w.execute_unprepared(&format!(
        "DELETE FROM tallies WHERE kind < {}",
        tally::Kind::ProblemTotal.id()
    ))
    .await?;
    // Changes noted before are part of what is counted now.
    w.drop_pending(|k| k < tally::Kind::ProblemTotal.id());
    let mut delta = Delta::default();
    for f in firm_facts(w, None).await? {
        delta.firm(&f, 1);
    }
    delta.apply(w).await
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
pub(crate) fn id_list(ids: &[i32]) -> String {
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

/// The tallies counted from scratch: from the stored firm facts and the problems' rows (what a
/// rebuild writes). Tests compare it with what the writes left.
pub async fn recount_tallies(
    db: &impl ConnectionTrait,
) -> Result<Vec<(tally::Key, tally::Counts)>, Error> {
    let mut delta = Delta::default();
    for f in firm_facts(db, None).await? {
        delta.firm(&f, 1);
    }
    let units = problems::units_of(db, None).await?;
    for p in problems::computed(db, None).await? {
        let routed = units
            .get(&p.problem_id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        delta.problem(&p, routed, 1);
    }
    Ok(delta.rows())
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
    rebuild_all(&txn).await?;
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

/// The version of the business figures, moved by every business write (`write::Write::commit`),
/// so a figure computed at one version is true until it moves. Logins and other account events
/// do not move it. On SQLite a row moved inside the write's transaction (writers take turns
/// anyway); on PostgreSQL a sequence moved right after the commit, so writers never queue on it.
/// A reader that reads the old version after the commit computes newer figures than it names,
/// which the next version replaces; no reader can name a version its figures are older than.
pub async fn figures_version(db: &impl ConnectionTrait) -> Result<i64, Error> {
    let text = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "SELECT last_value AS n FROM figures_version_seq",
        _ => "SELECT n FROM figures_version WHERE id = 1",
    };
    Ok(super::query_one::<Version>(db, text, vec![])
        .await?
        .map_or(0, |v| v.n))
}

/// Moves the figures version inside a business write's transaction, as its last statement:
/// on SQLite, where writers take turns anyway. Nothing on PostgreSQL ([`move_version_after`]).
pub(crate) async fn move_version_in(txn: &impl ConnectionTrait) -> Result<(), Error> {
    if txn.get_database_backend() != sea_orm::DbBackend::Postgres {
        txn.execute_unprepared("UPDATE figures_version SET n = n + 1 WHERE id = 1")
            .await?;
    }
    Ok(())
}

/// Moves the figures version right after a business write committed: on PostgreSQL, where a
/// row every writer updates would be held until each commit reached the disk.
pub(crate) async fn move_version_after(db: &impl ConnectionTrait) {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres
        && let Err(e) = db
            .execute_unprepared("SELECT nextval('figures_version_seq')")
            .await
    {
        // The write stands; cached figures stay as they were until the next write.
        tracing::warn!(error = %e, "the figures version could not be moved after a commit");
    }
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
