//! Problems' stage clocks (`crate::rules`) from their stored limits and status events, by the
//! working-day calendar: for the firm file, the queue and the weekly 通报's unit times.

use super::query_all;
use crate::calendar::Calendar;
use crate::error::Error;
use crate::problem::ProblemStatus;
use crate::rules::{ClockInput, ProblemClocks};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use std::collections::HashMap;

#[derive(FromQueryResult)]
struct ProblemRow {
    id: i32,
    region_id: i32,
    raised_at: DateTime<Utc>,
    deadline: NaiveDate,
    claim_limit_hours: i32,
    callback_limit_days: i32,
}

#[derive(FromQueryResult)]
struct EventRow {
    problem_id: i32,
    to_status: String,
    at: DateTime<Utc>,
}

fn gather(problems: Vec<ProblemRow>, events: Vec<EventRow>, into: &mut HashMap<i32, ClockInput>) {
    for p in problems {
        into.insert(
            p.id,
            ClockInput {
                region_id: p.region_id,
                raised_at: p.raised_at,
                deadline: p.deadline,
                claim_limit_hours: u32::try_from(p.claim_limit_hours).unwrap_or(0),
                callback_limit_days: u32::try_from(p.callback_limit_days).unwrap_or(0),
                events: Vec::new(),
            },
        );
    }
    for e in events {
        if let (Some(input), Some(status)) = (
            into.get_mut(&e.problem_id),
            ProblemStatus::from_code(&e.to_status),
        ) {
            input.events.push((status, e.at));
        }
    }
}

const PROBLEM_COLUMNS: &str =
    "p.id, f.region_id, p.raised_at, p.deadline, p.claim_limit_hours, p.callback_limit_days";

/// What the clocks of these problems are computed from, by problem.
pub async fn inputs(
    db: &impl ConnectionTrait,
    problem_ids: &[i32],
) -> Result<HashMap<i32, ClockInput>, Error> {
    let mut out = HashMap::with_capacity(problem_ids.len());
    // Bounded batches of integers this crate read itself.
    for chunk in problem_ids.chunks(500) {
        let list = chunk
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let problems = query_all::<ProblemRow>(
            db,
            &format!(
                "SELECT {PROBLEM_COLUMNS} FROM problems p JOIN firms f ON f.id = p.firm_id WHERE p.id IN ({list})"
            ),
            vec![],
        )
        .await?;
        let events = query_all::<EventRow>(
            db,
            &format!(
                "SELECT problem_id, to_status, at FROM problem_events WHERE problem_id IN ({list})
                 ORDER BY problem_id, at, id"
            ),
            vec![],
        )
        .await?;
        gather(problems, events, &mut out);
    }
    Ok(out)
}

/// The clocks of these problems as they stand at `now`.
pub async fn for_problems(
    db: &impl ConnectionTrait,
    calendar: &Calendar,
    problem_ids: &[i32],
    now: DateTime<Utc>,
) -> Result<HashMap<i32, ProblemClocks>, Error> {
    Ok(inputs(db, problem_ids)
        .await?
        .into_iter()
        .map(|(id, input)| (id, input.clocks(calendar, now)))
        .collect())
}
