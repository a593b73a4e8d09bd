//! The red and yellow lists: firms missing a target, problems past their deadline.

use super::LIST_ROWS;
use crate::campaign::Campaign;
use crate::dashboard::*;
use crate::db::query_all;
use crate::error::Error;
use crate::kpi::Window;
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

#[derive(FromQueryResult)]
struct FlagRow {
    firm_id: i32,
    firm_name: String,
    region_id: i32,
    coordinator: Option<String>,
}

/// The first counted firms (by region, then registration) missing a target. On the latest day
/// the facts can hold (`latest`), "not met" is "no day stored", which an index answers at once.
pub(super) async fn firms_missing(
    db: &impl ConnectionTrait,
    w: &Window,
    visited: bool,
    latest: bool,
) -> Result<Vec<FirmFlag>, Error> {
    let mut values = Vec::new();
    let t = w.facts_sql(&mut values);
    // Spelled as the partial indexes' predicates, so both databases use them.
    let missing = match (visited, latest) {
        (true, true) => "fp.first_visit IS NULL".to_owned(),
        (false, true) => "fp.first_solved IS NULL".to_owned(),
        (true, false) => format!("NOT {}", t.visited),
        (false, false) => format!("NOT {}", t.solved),
    };
    values.push((LIST_ROWS as i64).into());
    let limit = values.len();
    let rows = query_all::<FlagRow>(
        db,
        &format!(
            "SELECT f.id AS firm_id, f.name AS firm_name, f.region_id, u.name AS coordinator
             FROM firm_progress fp
             JOIN firms f ON f.id = fp.firm_id
             LEFT JOIN users u ON u.id = fp.coordinator_id
             WHERE {campaign} AND {counted} AND {missing}
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
    region_id: i32,
    firm_name: String,
    deadline: NaiveDate,
    status: String,
}

/// Problems overdue as of the day, the longest overdue first; `unit` narrows to one unit's.
/// Read from the problem facts: past the deadline by the day (`due`) and not concluded by it.
/// The ones never concluded and the ones concluded later are two index ranges, each read in
/// deadline order only as far as needed.
pub async fn overdue_list(
    db: &impl ConnectionTrait,
    c: &Campaign,
    as_of: NaiveDate,
    unit: Option<i32>,
    limit: usize,
) -> Result<Vec<OverdueFlag>, Error> {
    let mut values: Vec<Value> = vec![c.id.into(), as_of.into(), (limit as i64).into()];
    let filter = match unit {
        Some(u) => {
            values.push(u.into());
            " AND EXISTS (SELECT 1 FROM problem_units pu WHERE pu.problem_id = pp.problem_id AND pu.member_unit_id = $4)"
        }
        None => "",
    };
    let part = |open: &str| {
        format!(
            "SELECT pp.problem_id, f.id AS firm_id, f.region_id, f.name AS firm_name, pp.deadline, p.status
             FROM problem_progress pp
             JOIN problems p ON p.id = pp.problem_id JOIN firms f ON f.id = p.firm_id
             WHERE pp.campaign_id = $1 AND {open} AND pp.due <= $2{filter}
             ORDER BY pp.deadline, pp.problem_id LIMIT $3"
        )
    };
    let mut rows =
        query_all::<OverdueRow>(db, &part("pp.due_concluded IS NULL"), values.clone()).await?;
    rows.extend(query_all::<OverdueRow>(db, &part("pp.due_concluded > $2"), values).await?);
    rows.sort_by_key(|r| (r.deadline, r.problem_id));
    rows.truncate(limit);
    let ids: Vec<i32> = rows.iter().map(|r| r.problem_id).collect();
    let mut units = crate::db::problems::unit_names(db, &ids).await?;
    let calendar = crate::db::calendar::load(db).await?;
    Ok(rows
        .into_iter()
        .map(|r| OverdueFlag {
            units: units.remove(&r.problem_id).unwrap_or_default().join("、"),
            days_overdue: calendar.working_days_between(r.deadline, as_of, Some(r.region_id)),
            problem_id: r.problem_id,
            firm_id: r.firm_id,
            firm_name: r.firm_name,
            deadline: r.deadline,
            status: r.status,
        })
        .collect())
}
