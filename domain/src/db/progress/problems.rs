//! The problem facts (`problem_progress`): per campaign and problem, the day from which the
//! problem counts toward each problem figure, by the rule in `kpi::problems`. Kept in the
//! transaction of every write that changes a problem (raising, a move, the firm's answer), with
//! the change of the tallies it makes.

use super::tally::{Delta, Kind};
use super::{Write, campaigns, id_list};
use crate::db::query_all;
use crate::error::Error;
use crate::kpi::problems::{ProblemDays, ProblemState};
use crate::problem::ProblemStatus;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use std::collections::HashMap;

/// One problem's facts in one campaign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProblemFact {
    pub campaign_id: i32,
    pub problem_id: i32,
    pub measure_id: i32,
    pub deadline: NaiveDate,
    pub days: ProblemDays,
}

#[derive(FromQueryResult)]
struct StoredRow {
    campaign_id: i32,
    problem_id: i32,
    measure_id: i32,
    deadline: NaiveDate,
    raised: NaiveDate,
    concluded: Option<NaiveDate>,
    on_time: Option<NaiveDate>,
    solved: Option<NaiveDate>,
    due: NaiveDate,
    due_concluded: Option<NaiveDate>,
    answered: Option<NaiveDate>,
    satisfied: Option<NaiveDate>,
    days_to_conclude: Option<i32>,
}

/// The stored facts of these problems (or all), every campaign.
pub async fn stored(
    db: &impl ConnectionTrait,
    problem_ids: Option<&[i32]>,
) -> Result<Vec<ProblemFact>, Error> {
    let which = match problem_ids {
        Some(ids) => format!("WHERE problem_id IN ({})", id_list(ids)),
        None => String::new(),
    };
    let rows = query_all::<StoredRow>(
        db,
        &format!(
            "SELECT campaign_id, problem_id, measure_id, deadline, raised, concluded, on_time,
                    solved, due, due_concluded, answered, satisfied, days_to_conclude
             FROM problem_progress {which}"
        ),
        vec![],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ProblemFact {
            campaign_id: r.campaign_id,
            problem_id: r.problem_id,
            measure_id: r.measure_id,
            deadline: r.deadline,
            days: ProblemDays {
                raised: r.raised,
                concluded: r.concluded,
                on_time: r.on_time,
                solved: r.solved,
                due: r.due,
                due_concluded: r.due_concluded,
                answered: r.answered,
                satisfied: r.satisfied,
                days_to_conclude: r.days_to_conclude.map(i64::from),
            },
        })
        .collect())
}

#[derive(FromQueryResult)]
struct ProblemRow {
    id: i32,
    measure_id: i32,
    raised_at: DateTime<Utc>,
    status: String,
    deadline: NaiveDate,
    concluded_on: Option<NaiveDate>,
    solved_at: Option<DateTime<Utc>>,
    satisfaction: Option<String>,
    updated_at: DateTime<Utc>,
}

/// The facts of these problems (or all) as the rule makes them from the problems' rows.
pub async fn computed(
    db: &impl ConnectionTrait,
    problem_ids: Option<&[i32]>,
) -> Result<Vec<ProblemFact>, Error> {
    let which = match problem_ids {
        Some(ids) => format!("WHERE id IN ({})", id_list(ids)),
        None => String::new(),
    };
    let rows = query_all::<ProblemRow>(
        db,
        &format!(
            "SELECT id, measure_id, raised_at, status, deadline, concluded_on, solved_at,
                    satisfaction, updated_at FROM problems {which}"
        ),
        vec![],
    )
    .await?;
    let windows = campaigns(db).await?;
    let mut out = Vec::new();
    for r in rows {
        let state = ProblemState {
            raised_at: r.raised_at,
            status: ProblemStatus::from_code(&r.status).ok_or(Error::Internal)?,
            deadline: r.deadline,
            concluded_on: r.concluded_on,
            solved_at: r.solved_at,
            satisfaction: r.satisfaction,
            updated_at: r.updated_at,
        };
        for w in &windows {
            if let Some(days) = ProblemDays::of(w.start, &state) {
                out.push(ProblemFact {
                    campaign_id: w.campaign_id,
                    problem_id: r.id,
                    measure_id: r.measure_id,
                    deadline: r.deadline,
                    days,
                });
            }
        }
    }
    Ok(out)
}

#[derive(FromQueryResult)]
struct UnitRow {
    problem_id: i32,
    member_unit_id: i32,
}

/// The member units each of these problems (or all) is routed to.
pub async fn units_of(
    db: &impl ConnectionTrait,
    problem_ids: Option<&[i32]>,
) -> Result<HashMap<i32, Vec<i32>>, Error> {
    let which = match problem_ids {
        Some(ids) => format!("WHERE problem_id IN ({})", id_list(ids)),
        None => String::new(),
    };
    let mut out: HashMap<i32, Vec<i32>> = HashMap::new();
    for r in query_all::<UnitRow>(
        db,
        &format!("SELECT problem_id, member_unit_id FROM problem_units {which}"),
        vec![],
    )
    .await?
    {
        out.entry(r.problem_id).or_default().push(r.member_unit_id);
    }
    Ok(out)
}

async fn insert(db: &impl ConnectionTrait, facts: &[ProblemFact]) -> Result<(), Error> {
    for chunk in facts.chunks(1500) {
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 13);
        let mut tuples = Vec::with_capacity(chunk.len());
        for f in chunk {
            let first = values.len();
            let d = &f.days;
            values.extend([
                f.campaign_id.into(),
                f.problem_id.into(),
                f.measure_id.into(),
                f.deadline.into(),
                d.raised.into(),
                d.concluded.into(),
                d.on_time.into(),
                d.solved.into(),
                d.due.into(),
                d.due_concluded.into(),
                d.answered.into(),
                d.satisfied.into(),
                d.days_to_conclude
                    .map(|n| i32::try_from(n).unwrap_or(i32::MAX))
                    .into(),
            ]);
            let marks: Vec<String> = (first + 1..=values.len())
                .map(|i| format!("${i}"))
                .collect();
            tuples.push(format!("({})", marks.join(", ")));
        }
        db.execute_raw(crate::db::sql_in_order(
            db.get_database_backend(),
            &format!(
                "INSERT INTO problem_progress (campaign_id, problem_id, measure_id, deadline, raised,
                    concluded, on_time, solved, due, due_concluded, answered, satisfied, days_to_conclude)
                 VALUES {}",
                tuples.join(", ")
            ),
            values,
        ))
        .await?;
    }
    Ok(())
}

/// Recomputes the facts of these problems inside the caller's transaction and notes the change
/// of the tallies for its commit. Call it after the problems' rows (and routing) were written;
/// the writer holds the problems' rows, so no other writer changes them meanwhile.
pub async fn refresh_problems(w: &Write, problem_ids: &[i32]) -> Result<(), Error> {
    let mut ids = problem_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let before = stored(w, Some(&ids)).await?;
    let after = computed(w, Some(&ids)).await?;
    let units = units_of(w, Some(&ids)).await?;
    w.execute_unprepared(&format!(
        "DELETE FROM problem_progress WHERE problem_id IN ({})",
        id_list(&ids)
    ))
    .await?;
    insert(w, &after).await?;
    let mut delta = Delta::default();
    let routed = |id: i32| units.get(&id).map(Vec::as_slice).unwrap_or_default();
    before
        .iter()
        .for_each(|f| delta.problem(f, routed(f.problem_id), -1));
    after
        .iter()
        .for_each(|f| delta.problem(f, routed(f.problem_id), 1));
    w.tally(delta);
    Ok(())
}

/// Computes every problem's facts again and counts the problem tallies again (rebuilds, bulk
/// loads).
pub async fn rebuild_problems(w: &Write) -> Result<(), Error> {
    w.execute_unprepared("DELETE FROM problem_progress").await?;
    w.execute_unprepared(&format!(
        "DELETE FROM tallies WHERE kind >= {}",
        Kind::ProblemTotal.id()
    ))
    .await?;
    w.drop_pending(|k| k >= Kind::ProblemTotal.id());
    let facts = computed(w, None).await?;
    insert(w, &facts).await?;
    let units = units_of(w, None).await?;
    let mut delta = Delta::default();
    for f in &facts {
        delta.problem(
            f,
            units
                .get(&f.problem_id)
                .map(Vec::as_slice)
                .unwrap_or_default(),
            1,
        );
    }
    delta.apply(w).await
}
