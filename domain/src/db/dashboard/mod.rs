//! The leadership dashboard's figures, by aggregate SQL over the progress facts and the
//! problems (one pass per breakdown, no per-firm queries), and a cache that stays correct after
//! writes: entries are keyed by the figures version, which every business write moves in its
//! own transaction.

mod breakdowns;
mod cache;
mod lists;

pub use breakdowns::by_measure;
pub use cache::Cache;
pub use lists::overdue_list;

use breakdowns::{by_unit, problem_figures};
use lists::firms_missing;

use super::query_all;
use crate::campaign::Campaign;
use crate::clock::day_end_utc;
use crate::dashboard::*;
use crate::error::Error;
use crate::kpi::{self, sql::flag};
use crate::reference::{Region, Tier};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use std::collections::HashMap;

/// Rows shown in each red or yellow list and in each end of the league table.
pub const LIST_ROWS: usize = 10;

/// The targets' window (`crate::kpi`), and the instants the problem figures are counted over.
struct Window {
    kpi: kpi::Window,
    as_of: NaiveDate,
    /// The first instant of the campaign's first day, and the first instant after `as_of`.
    start_utc: DateTime<Utc>,
    end_utc: DateTime<Utc>,
}

impl Window {
    fn new(c: &Campaign, as_of: NaiveDate) -> Window {
        let kpi = kpi::Window::new(c, as_of);
        Window {
            as_of,
            start_utc: kpi.start_utc(),
            end_utc: day_end_utc(as_of),
            kpi,
        }
    }
}

#[derive(FromQueryResult)]
struct GroupTargets {
    gid: i32,
    in_scope: i64,
    visited: i64,
    solved: i64,
    both: i64,
}

fn n(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// Counted firms and their two targets from the progress facts, grouped by `group` (an
/// expression over `fp` and `join`).
async fn targets_by(
    db: &impl ConnectionTrait,
    w: &Window,
    group: &str,
    join: &str,
) -> Result<Vec<GroupTargets>, Error> {
    let mut values = Vec::new();
    let t = w.kpi.facts_sql(&mut values);
    let (visited, solved) = (flag(&t.visited), flag(&t.solved));
    query_all::<GroupTargets>(
        db,
        &format!(
            "SELECT {group} AS gid, COUNT(*) AS in_scope,
                    COALESCE(SUM({visited}), 0) AS visited,
                    COALESCE(SUM({solved}), 0) AS solved,
                    COALESCE(SUM(CASE WHEN {v} AND {s} THEN 1 ELSE 0 END), 0) AS both
             FROM firm_progress fp {join}
             WHERE {campaign} AND {counted}
             GROUP BY {group}",
            v = t.visited,
            s = t.solved,
            campaign = t.join,
            counted = t.counted,
        ),
        values,
    )
    .await
}

fn target_row(g: &GroupTargets, name_zh: &str, name_en: &str, note: &str) -> TargetRow {
    TargetRow {
        id: g.gid,
        name_zh: name_zh.to_owned(),
        name_en: name_en.to_owned(),
        note: note.to_owned(),
        in_scope: n(g.in_scope),
        visited: n(g.visited),
        solved: n(g.solved),
        both: n(g.both),
    }
}

/// The burn-up series: weekly from the start, and the last counted day.
fn burn_days(w: &Window) -> Vec<NaiveDate> {
    let mut days = Vec::new();
    let (start, upto) = (w.kpi.start, w.kpi.upto);
    let mut d = start;
    while d < upto {
        days.push(d);
        d += Duration::days(7);
    }
    if upto >= start {
        days.push(upto);
    }
    days
}

#[derive(FromQueryResult)]
struct CoordinatorName {
    id: i32,
    name: String,
    unit: Option<String>,
}

/// Counted firms by region, tier and current coordinator with their targets met: one pass
/// over the campaign's facts gives every firm-level total and breakdown.
#[derive(FromQueryResult)]
struct Cell {
    region_id: i32,
    tier_id: i32,
    coordinator_id: Option<i32>,
    firms: i64,
    visited: i64,
    solved: i64,
    both: i64,
}

async fn cells(db: &impl ConnectionTrait, w: &Window) -> Result<Vec<Cell>, Error> {
    let mut values = Vec::new();
    let t = w.kpi.facts_sql(&mut values);
    query_all::<Cell>(
        db,
        &format!(
            "SELECT fp.region_id, fp.tier_id, fp.coordinator_id, COUNT(*) AS firms,
                    COALESCE(SUM({visited}), 0) AS visited,
                    COALESCE(SUM({solved}), 0) AS solved,
                    COALESCE(SUM(CASE WHEN {v} AND {s} THEN 1 ELSE 0 END), 0) AS both
             FROM firm_progress fp
             WHERE {campaign} AND {counted}
             GROUP BY fp.region_id, fp.tier_id, fp.coordinator_id",
            visited = flag(&t.visited),
            solved = flag(&t.solved),
            v = t.visited,
            s = t.solved,
            campaign = t.join,
            counted = t.counted,
        ),
        values,
    )
    .await
}

#[derive(FromQueryResult)]
struct DayCount {
    day: NaiveDate,
    n: i64,
}

/// How many counted firms first met a target on each day, up to the counted day: `column` is
/// `first_visit` or `first_solved`.
async fn firsts_by_day(
    db: &impl ConnectionTrait,
    w: &Window,
    column: &str,
) -> Result<Vec<DayCount>, Error> {
    let mut values = Vec::new();
    let t = w.kpi.facts_sql(&mut values);
    values.push(w.kpi.upto.into());
    let upto = values.len();
    query_all::<DayCount>(
        db,
        &format!(
            "SELECT fp.{column} AS day, COUNT(*) AS n FROM firm_progress fp
             WHERE {campaign} AND {counted} AND fp.{column} <= ${upto}
             GROUP BY fp.{column} ORDER BY fp.{column}",
            campaign = t.join,
            counted = t.counted,
        ),
        values,
    )
    .await
}

/// The cumulative count on `day` of a per-day count sorted by day.
fn cumulative(counts: &[DayCount], day: NaiveDate) -> u64 {
    counts
        .iter()
        .take_while(|c| c.day <= day)
        .map(|c| n(c.n))
        .sum()
}

/// Every figure of the dashboard as of a day (see `crate::dashboard` for the definitions).
pub async fn compute(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    as_of: NaiveDate,
) -> Result<Dashboard, Error> {
    let w = Window::new(campaign, as_of);
    let mut regions: HashMap<i32, TargetRow> = HashMap::new();
    let mut tiers: HashMap<i32, TargetRow> = HashMap::new();
    let mut coordinators: HashMap<i32, TargetRow> = HashMap::new();
    let mut unassigned = 0;
    for c in cells(db, &w).await? {
        let add = |row: &mut TargetRow| {
            row.in_scope += n(c.firms);
            row.visited += n(c.visited);
            row.solved += n(c.solved);
            row.both += n(c.both);
        };
        add(regions.entry(c.region_id).or_default());
        add(tiers.entry(c.tier_id).or_default());
        match c.coordinator_id {
            Some(id) => add(coordinators.entry(id).or_default()),
            None => unassigned += n(c.firms),
        }
    }
    let by_region: Vec<TargetRow> = Region::ALL
        .into_iter()
        .map(|r| TargetRow {
            id: r.id(),
            name_zh: r.name_zh().to_owned(),
            name_en: r.name_en().to_owned(),
            ..regions.remove(&r.id()).unwrap_or_default()
        })
        .collect();
    let by_tier: Vec<TargetRow> = Tier::ALL
        .into_iter()
        .filter_map(|t| {
            Some(TargetRow {
                id: t.id(),
                name_zh: t.name_zh().to_owned(),
                name_en: t.name_en().to_owned(),
                ..tiers.remove(&t.id())?
            })
        })
        .collect();
    let names: HashMap<i32, CoordinatorName> = query_all::<CoordinatorName>(
        db,
        "SELECT u.id, u.name, mu.name_zh AS unit FROM users u
         LEFT JOIN member_units mu ON mu.id = u.member_unit_id WHERE u.role = 'coordinator'",
        vec![],
    )
    .await?
    .into_iter()
    .map(|c| (c.id, c))
    .collect();
    let mut league: Vec<TargetRow> = coordinators
        .into_iter()
        .map(|(id, row)| {
            let c = names.get(&id);
            let name = c.map(|c| c.name.clone()).unwrap_or_default();
            TargetRow {
                id,
                name_en: name.clone(),
                name_zh: name,
                note: c.and_then(|c| c.unit.clone()).unwrap_or_default(),
                ..row
            }
        })
        .collect();
    // Ranked by the share of their firms with both targets met, then visited; ties by name.
    league.sort_by(|a, b| {
        let key = |r: &TargetRow| {
            (
                r.both * 1000 / r.in_scope.max(1),
                r.visited * 1000 / r.in_scope.max(1),
            )
        };
        key(b)
            .cmp(&key(a))
            .then_with(|| a.name_zh.cmp(&b.name_zh))
            .then(a.id.cmp(&b.id))
    });
    let coordinators_behind: Vec<TargetRow> =
        league.iter().rev().take(LIST_ROWS).cloned().collect();
    league.truncate(LIST_ROWS);
    let first_visits = firsts_by_day(db, &w, "first_visit").await?;
    let first_solves = firsts_by_day(db, &w, "first_solved").await?;
    let burnup: Vec<BurnPoint> = burn_days(&w)
        .into_iter()
        .map(|d| BurnPoint {
            date: d,
            visited: cumulative(&first_visits, d),
            solved: cumulative(&first_solves, d),
        })
        .collect();
    let total = problem_figures(db, &w, "0", "", "", vec![]).await?;
    let problems = total.first().map(ProblemFigures::from).unwrap_or_default();
    let in_scope: u64 = by_region.iter().map(|r| r.in_scope).sum();
    let visited: u64 = by_region.iter().map(|r| r.visited).sum();
    let solved_firms: u64 = by_region.iter().map(|r| r.solved).sum();
    let both: u64 = by_region.iter().map(|r| r.both).sum();
    let (projected_visited, projected_solved) = project(&burnup, campaign.deadline, in_scope);
    Ok(Dashboard {
        campaign: campaign.clone(),
        as_of,
        in_scope,
        visited,
        solved_firms,
        both,
        unassigned,
        burnup,
        projected_visited,
        projected_solved,
        by_unit: by_unit(db, &w).await?,
        by_measure: by_measure(db, campaign, as_of, None).await?,
        not_visited: Flags {
            total: in_scope - visited,
            rows: firms_missing(db, &w, true).await?,
        },
        nothing_solved: Flags {
            total: in_scope - solved_firms,
            rows: firms_missing(db, &w, false).await?,
        },
        overdue: Flags {
            total: problems.overdue,
            rows: overdue_list(db, campaign, as_of, None, LIST_ROWS).await?,
        },
        problems,
        by_region,
        by_tier,
        by_coordinator: league,
        coordinators_behind,
    })
}

/// Firm-level targets by member unit: the in-scope firms whose coordinator belongs to each unit.
pub async fn unit_targets(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    as_of: NaiveDate,
) -> Result<Vec<TargetRow>, Error> {
    let w = Window::new(campaign, as_of);
    let rows = targets_by(
        db,
        &w,
        // A coordinator without a unit falls under 0, which no unit has.
        "COALESCE(cu.member_unit_id, 0)",
        "JOIN users cu ON cu.id = fp.coordinator_id",
    )
    .await?;
    Ok(rows
        .iter()
        .filter(|g| g.gid != 0)
        .map(|g| target_row(g, "", "", ""))
        .collect())
}

/// The version cached figures are keyed by (see `progress::figures_version`).
pub use super::progress::figures_version as data_version;
