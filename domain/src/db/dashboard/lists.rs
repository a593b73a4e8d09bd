//! The red and yellow lists: firms missing a target, problems past their deadline.

use super::LIST_ROWS;
use super::Window;
use crate::campaign::Campaign;
use crate::dashboard::*;
use crate::db::query_all;
use crate::error::Error;
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use std::collections::HashMap;

#[derive(FromQueryResult)]
struct FlagRow {
    firm_id: i32,
    firm_name: String,
    region_id: i32,
    coordinator: Option<String>,
}

/// The first counted firms (by region, then registration) missing a target.
pub(super) async fn firms_missing(
    db: &impl ConnectionTrait,
    w: &Window,
    visited: bool,
) -> Result<Vec<FirmFlag>, Error> {
    let mut values = Vec::new();
    let t = w.kpi.facts_sql(&mut values);
    let missing = if visited { &t.visited } else { &t.solved };
    values.push((LIST_ROWS as i64).into());
    let limit = values.len();
    let rows = query_all::<FlagRow>(
        db,
        &format!(
            "SELECT f.id AS firm_id, f.name AS firm_name, f.region_id, u.name AS coordinator
             FROM firm_progress fp
             JOIN firms f ON f.id = fp.firm_id
             LEFT JOIN users u ON u.id = fp.coordinator_id
             WHERE {campaign} AND {counted} AND NOT {missing}
             ORDER BY fp.region_id, fp.firm_id LIMIT ${limit}",
            campaign = t.join,
            counted = t.counted
        ),
        values,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| FirmFlag {
            firm_id: r.firm_id,
            firm_name: r.firm_name,
            region_id: r.region_id,
            coordinator: r.coordinator,
        })
        .collect())
}

#[derive(FromQueryResult)]
struct OverdueRow {
    problem_id: i32,
    firm_id: i32,
    firm_name: String,
    deadline: NaiveDate,
    status: String,
}

#[derive(FromQueryResult)]
struct ProblemUnit {
    problem_id: i32,
    name_zh: String,
}

/// Problems overdue as of the day, the longest overdue first; `unit` narrows to one unit's.
pub async fn overdue_list(
    db: &impl ConnectionTrait,
    c: &Campaign,
    as_of: NaiveDate,
    unit: Option<i32>,
    limit: usize,
) -> Result<Vec<OverdueFlag>, Error> {
    let w = Window::new(c, as_of);
    let mut values: Vec<Value> = vec![
        w.start_utc.into(),
        w.end_utc.into(),
        w.as_of.into(),
        (limit as i64).into(),
    ];
    let filter = match unit {
        Some(u) => {
            values.push(u.into());
            " AND EXISTS (SELECT 1 FROM problem_units pu WHERE pu.problem_id = p.id AND pu.member_unit_id = $5)"
        }
        None => "",
    };
    let rows = query_all::<OverdueRow>(
        db,
        &format!(
            "SELECT p.id AS problem_id, f.id AS firm_id, f.name AS firm_name, p.deadline, p.status
             FROM problems p JOIN firms f ON f.id = p.firm_id
             WHERE p.raised_at >= $1 AND p.raised_at < $2 AND p.status <> 'withdrawn'
               AND (p.concluded_on IS NULL OR p.concluded_on > $3) AND p.deadline < $3{filter}
             ORDER BY p.deadline, p.id LIMIT $4"
        ),
        values,
    )
    .await?;
    let ids: Vec<String> = rows.iter().map(|r| r.problem_id.to_string()).collect();
    let mut units: HashMap<i32, Vec<String>> = HashMap::new();
    if !ids.is_empty() {
        // At most `limit` ids, all integers this function read itself.
        for u in query_all::<ProblemUnit>(
            db,
            &format!(
                "SELECT pu.problem_id, mu.name_zh FROM problem_units pu
                 JOIN member_units mu ON mu.id = pu.member_unit_id
                 WHERE pu.problem_id IN ({}) ORDER BY mu.id",
                ids.join(", ")
            ),
            vec![],
        )
        .await?
        {
            units.entry(u.problem_id).or_default().push(u.name_zh);
        }
    }
    Ok(rows
        .into_iter()
        .map(|r| OverdueFlag {
            units: units.remove(&r.problem_id).unwrap_or_default().join("、"),
            days_overdue: (as_of - r.deadline).num_days(),
            problem_id: r.problem_id,
            firm_id: r.firm_id,
            firm_name: r.firm_name,
            deadline: r.deadline,
            status: r.status,
        })
        .collect())
}
