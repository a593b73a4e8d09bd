//! The problem figures and the breakdowns by member unit and by measure.

use super::{Window, n};
use crate::campaign::Campaign;
use crate::clock::date_of;
use crate::dashboard::*;
use crate::db::query_all;
use crate::error::Error;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use std::collections::HashMap;

#[derive(FromQueryResult)]
pub(super) struct Figures {
    gid: i32,
    raised: i64,
    concluded: i64,
    on_time: i64,
    solved: i64,
    overdue: i64,
    answered: i64,
    satisfied: i64,
}

impl From<&Figures> for ProblemFigures {
    fn from(f: &Figures) -> Self {
        ProblemFigures {
            raised: n(f.raised),
            concluded: n(f.concluded),
            concluded_on_time: n(f.on_time),
            solved: n(f.solved),
            overdue: n(f.overdue),
            answered: n(f.answered),
            satisfied: n(f.satisfied),
        }
    }
}

/// The problem figures (see `crate::dashboard`) of the problems raised in the campaign by the
/// as-of day, grouped by `group` ("0" for one total). `filter` narrows the problems further.
pub(super) async fn problem_figures(
    db: &impl ConnectionTrait,
    w: &Window,
    group: &str,
    join: &str,
    filter: &str,
    extra: Vec<Value>,
) -> Result<Vec<Figures>, Error> {
    let mut values: Vec<Value> = vec![w.start_utc.into(), w.end_utc.into(), w.as_of.into()];
    values.extend(extra);
    query_all::<Figures>(
        db,
        &format!(
            "SELECT {group} AS gid, COUNT(*) AS raised,
                COALESCE(SUM(CASE WHEN p.concluded_on <= $3 THEN 1 ELSE 0 END), 0) AS concluded,
                COALESCE(SUM(CASE WHEN p.concluded_on <= $3 AND p.concluded_on <= p.deadline THEN 1 ELSE 0 END), 0) AS on_time,
                COALESCE(SUM(CASE WHEN p.status = 'solved' AND p.solved_at < $2 THEN 1 ELSE 0 END), 0) AS solved,
                COALESCE(SUM(CASE WHEN (p.concluded_on IS NULL OR p.concluded_on > $3) AND p.deadline < $3 THEN 1 ELSE 0 END), 0) AS overdue,
                COALESCE(SUM(CASE WHEN p.satisfaction IS NOT NULL AND COALESCE(p.solved_at, p.updated_at) < $2 THEN 1 ELSE 0 END), 0) AS answered,
                COALESCE(SUM(CASE WHEN p.satisfaction IN ('satisfied', 'basically_satisfied')
                                   AND COALESCE(p.solved_at, p.updated_at) < $2 THEN 1 ELSE 0 END), 0) AS satisfied
             FROM problems p {join}
             WHERE p.raised_at >= $1 AND p.raised_at < $2 AND p.status <> 'withdrawn' {filter}
             {group_by}",
            // One total needs no grouping ("GROUP BY 0" would name a column position).
            group_by = if group == "0" { String::new() } else { format!("GROUP BY {group}") }
        ),
        values,
    )
    .await
}

#[derive(FromQueryResult)]
struct Conclusion {
    gid: i32,
    raised_at: DateTime<Utc>,
    concluded_on: NaiveDate,
}

fn median(mut days: Vec<i64>) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let mid = days.len() / 2;
    Some(if days.len().is_multiple_of(2) {
        (days[mid - 1] + days[mid]) as f64 / 2.0
    } else {
        days[mid] as f64
    })
}

#[derive(FromQueryResult)]
struct UnitName {
    id: i32,
    name_zh: String,
    name_en: String,
}

pub(super) async fn by_unit(db: &impl ConnectionTrait, w: &Window) -> Result<Vec<UnitRow>, Error> {
    let join = "JOIN problem_units pu ON pu.problem_id = p.id";
    let figures = problem_figures(db, w, "pu.member_unit_id", join, "", vec![]).await?;
    let concluded = query_all::<Conclusion>(
        db,
        "SELECT pu.member_unit_id AS gid, p.raised_at, p.concluded_on
         FROM problems p JOIN problem_units pu ON pu.problem_id = p.id
         WHERE p.raised_at >= $1 AND p.raised_at < $2 AND p.status <> 'withdrawn' AND p.concluded_on <= $3",
        vec![w.start_utc.into(), w.end_utc.into(), w.as_of.into()],
    )
    .await?;
    let mut days: HashMap<i32, Vec<i64>> = HashMap::new();
    for c in concluded {
        days.entry(c.gid)
            .or_default()
            .push((c.concluded_on - date_of(c.raised_at)).num_days().max(0));
    }
    let units = query_all::<UnitName>(
        db,
        "SELECT id, name_zh, name_en FROM member_units ORDER BY id",
        vec![],
    )
    .await?;
    let by_id: HashMap<i32, &Figures> = figures.iter().map(|f| (f.gid, f)).collect();
    let mut rows: Vec<UnitRow> = units
        .into_iter()
        .filter_map(|u| {
            let f = by_id.get(&u.id)?;
            Some(UnitRow {
                id: u.id,
                figures: ProblemFigures::from(*f),
                median_days_to_conclude: median(days.remove(&u.id).unwrap_or_default()),
                name_zh: u.name_zh,
                name_en: u.name_en,
            })
        })
        .collect();
    // The units with the most overdue problems first: they are who must act.
    rows.sort_by(|a, b| {
        b.figures
            .overdue
            .cmp(&a.figures.overdue)
            .then(b.figures.raised.cmp(&a.figures.raised))
            .then(a.id.cmp(&b.id))
    });
    Ok(rows)
}

#[derive(FromQueryResult)]
struct MeasureCount {
    measure_no: i32,
    area_zh: String,
    area_en: String,
    name_zh: String,
    name_en: String,
    raised: i64,
    solved: i64,
    open: i64,
}

/// Problems by measure of the notice, the most common first (共性问题).
pub async fn by_measure(
    db: &impl ConnectionTrait,
    c: &Campaign,
    as_of: NaiveDate,
    unit: Option<i32>,
) -> Result<Vec<MeasureRow>, Error> {
    let w = Window::new(c, as_of);
    let mut values: Vec<Value> = vec![w.start_utc.into(), w.end_utc.into(), w.as_of.into()];
    let filter = match unit {
        Some(u) => {
            values.push(u.into());
            " AND EXISTS (SELECT 1 FROM problem_units pu WHERE pu.problem_id = p.id AND pu.member_unit_id = $4)"
        }
        None => "",
    };
    let rows = query_all::<MeasureCount>(
        db,
        &format!(
            "SELECT m.id AS measure_no, pa.name_zh AS area_zh, pa.name_en AS area_en,
                    m.name_zh, m.name_en, COUNT(*) AS raised,
                    COALESCE(SUM(CASE WHEN p.status = 'solved' AND p.solved_at < $2 THEN 1 ELSE 0 END), 0) AS solved,
                    COALESCE(SUM(CASE WHEN p.concluded_on IS NULL OR p.concluded_on > $3 THEN 1 ELSE 0 END), 0) AS open
             FROM problems p JOIN measures m ON m.id = p.measure_id
             JOIN policy_areas pa ON pa.id = m.policy_area_id
             WHERE p.raised_at >= $1 AND p.raised_at < $2 AND p.status <> 'withdrawn'{filter}
             GROUP BY m.id, pa.name_zh, pa.name_en, m.name_zh, m.name_en
             ORDER BY COUNT(*) DESC, m.id"
        ),
        values,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| MeasureRow {
            measure_no: r.measure_no,
            area_zh: r.area_zh,
            area_en: r.area_en,
            name_zh: r.name_zh,
            name_en: r.name_en,
            raised: n(r.raised),
            solved: n(r.solved),
            open: n(r.open),
        })
        .collect())
}
