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

use lists::firms_missing;

use super::progress::tally;
use super::query_all;
use crate::campaign::Campaign;
use crate::dashboard::*;
use crate::error::Error;
use crate::kpi::{self, sql::flag};
use crate::reference::{Region, Tier};
use chrono::{Duration, NaiveDate};
use sea_orm::{ConnectionTrait, FromQueryResult};
use std::collections::HashMap;

/// Rows shown in each red or yellow list and in each end of the league table.
pub const LIST_ROWS: usize = 10;

use kpi::Window;

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
    let t = w.facts_sql(&mut values);
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
#[derive(FromQueryResult)]
struct OrderCounts {
    given: i64,
    waiting: Option<i64>,
}

/// 督办 orders about the round's problems given by the end of `as_of`, and of those the ones
/// without a reply by then.
async fn supervision_counts(
    db: &impl ConnectionTrait,
    campaign_id: i32,
    as_of: NaiveDate,
) -> Result<(u64, u64), Error> {
    let end = crate::clock::day_end_utc(as_of);
    let c = super::query_one::<OrderCounts>(
        db,
        "SELECT COUNT(*) AS given,
                SUM(CASE WHEN s.replied_at IS NULL OR s.replied_at >= $2 THEN 1 ELSE 0 END) AS waiting
         FROM supervisions s JOIN problem_progress pp ON pp.problem_id = s.problem_id AND pp.campaign_id = $1
         WHERE s.ordered_at < $2",
        vec![campaign_id.into(), end.into()],
    )
    .await?;
    Ok(c.map_or((0, 0), |c| {
        (
            u64::try_from(c.given).unwrap_or(0),
            u64::try_from(c.waiting.unwrap_or(0)).unwrap_or(0),
        )
    }))
}

fn burn_days(w: &Window) -> Vec<NaiveDate> {
    let mut days = Vec::new();
    let (start, upto) = (w.start, w.upto);
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

/// A tally row's four firm counters as a target row.
fn firm_row(t: &tally::Sum) -> TargetRow {
    TargetRow {
        id: t.key1,
        in_scope: n(t.n1),
        visited: n(t.n2),
        solved: n(t.n3),
        both: n(t.n4),
        ..Default::default()
    }
}

/// The cumulative count of one counter of dated tally rows (oldest first) up to `day`.
fn cumulative(rows: &[tally::DayRow], day: NaiveDate, counter: fn(&tally::DayRow) -> i64) -> u64 {
    rows.iter()
        .take_while(|r| r.day <= day)
        .map(|r| n(counter(r)))
        .sum()
}

/// Every figure of the dashboard as of a day (see `crate::dashboard` for the definitions).
pub async fn compute(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    as_of: NaiveDate,
) -> Result<Dashboard, Error> {
    let w = Window::new(campaign, as_of);
    // The firm tallies by region and tier are dated, so they answer any day. The tally by
    // coordinator holds the figures as of the latest day a firm's facts can hold (the deadline,
    // or today while the campaign runs); a replay of an earlier day counts those from the facts.
    let latest = w.upto >= campaign.deadline.min(crate::clock::today());
    let sums = tally::sums(
        db,
        campaign.id,
        &[
            tally::Kind::FirmTotal,
            tally::Kind::FirmRegion,
            tally::Kind::FirmTier,
            tally::Kind::FirmCoordinator,
        ],
        w.upto,
    )
    .await?;
    let mut regions: HashMap<i32, TargetRow> = HashMap::new();
    let mut tiers: HashMap<i32, TargetRow> = HashMap::new();
    let mut coordinators: HashMap<i32, TargetRow> = HashMap::new();
    for t in &sums {
        let row = firm_row(t);
        match t.kind {
            k if k == tally::Kind::FirmRegion.id() => {
                regions.insert(t.key1, row);
            }
            k if k == tally::Kind::FirmTier.id() => {
                tiers.insert(t.key1, row);
            }
            k if k == tally::Kind::FirmCoordinator.id() && latest => {
                coordinators.insert(t.key1, row);
            }
            _ => {}
        }
    }
    if !latest {
        for g in targets_by(db, &w, "COALESCE(fp.coordinator_id, 0)", "").await? {
            coordinators.insert(g.gid, target_row(&g, "", "", ""));
        }
    }
    // Key 0: the counted firms without a coordinator.
    let unassigned = coordinators.remove(&0).map_or(0, |r| r.in_scope);
    coordinators.retain(|_, r| r.in_scope > 0);
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
    let days = tally::days(db, campaign.id, tally::Kind::FirmTotal, 0).await?;
    let burnup: Vec<BurnPoint> = burn_days(&w)
        .into_iter()
        .map(|d| BurnPoint {
            date: d,
            visited: cumulative(&days, d, |r| r.n2),
            solved: cumulative(&days, d, |r| r.n3),
        })
        .collect();
    let mut tallies = breakdowns::problem_tallies(db, campaign, as_of).await?;
    let problems = tallies.total.clone();
    let in_scope: u64 = by_region.iter().map(|r| r.in_scope).sum();
    let visited: u64 = by_region.iter().map(|r| r.visited).sum();
    let solved_firms: u64 = by_region.iter().map(|r| r.solved).sum();
    let both: u64 = by_region.iter().map(|r| r.both).sum();
    let (projected_visited, projected_solved) = project(&burnup, campaign.deadline, in_scope);
    let orders = supervision_counts(db, campaign.id, as_of).await?;
    let visit_verdict = Verdict::of(&burnup, |p| p.visited, campaign.deadline, in_scope);
    let solve_verdict = Verdict::of(&burnup, |p| p.solved, campaign.deadline, in_scope);
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
        visit_verdict,
        solve_verdict,
        supervised: orders.0,
        awaiting_reply: orders.1,
        by_unit: breakdowns::by_unit(db, &mut tallies, campaign.id, as_of).await?,
        by_measure: breakdowns::measures_of(db, &tallies).await?,
        not_visited: Flags {
            total: in_scope - visited,
            rows: firms_missing(db, &w, true, latest).await?,
        },
        nothing_solved: Flags {
            total: in_scope - solved_firms,
            rows: firms_missing(db, &w, false, latest).await?,
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
