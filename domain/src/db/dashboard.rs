//! The leadership dashboard's figures, by aggregate SQL (one pass per breakdown, no per-firm
//! queries), and a cache that stays correct after writes: entries are keyed by the audit log's
//! newest id, and every change to the data writes an audit entry in its own transaction.

use super::{query_all, query_one};
use crate::campaign::Campaign;
use crate::clock::{date_of, day_end_utc};
use crate::dashboard::*;
use crate::error::Error;
use crate::kpi::{self, sql::flag};
use crate::reference::{Region, Tier};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

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

/// Counted firms and their two targets, grouped by `group` (an expression over `f` and `join`).
async fn targets_by(
    db: &impl ConnectionTrait,
    w: &Window,
    group: &str,
    join: &str,
) -> Result<Vec<GroupTargets>, Error> {
    let mut values = Vec::new();
    let t = w.kpi.sql(&mut values);
    let (visited, solved) = (flag(&t.visited), flag(&t.solved));
    query_all::<GroupTargets>(
        db,
        &format!(
            "SELECT {group} AS gid, COUNT(*) AS in_scope,
                    COALESCE(SUM({visited}), 0) AS visited,
                    COALESCE(SUM({solved}), 0) AS solved,
                    COALESCE(SUM(CASE WHEN {v} AND {s} THEN 1 ELSE 0 END), 0) AS both
             FROM firms f {join}
             WHERE {counted}
             GROUP BY {group}",
            v = t.visited,
            s = t.solved,
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

#[derive(FromQueryResult)]
struct Figures {
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
async fn problem_figures(
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

async fn by_unit(db: &impl ConnectionTrait, w: &Window) -> Result<Vec<UnitRow>, Error> {
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

#[derive(FromQueryResult)]
struct FlagRow {
    firm_id: i32,
    firm_name: String,
    region_id: i32,
    coordinator: Option<String>,
}

/// The first counted firms (by region, then registration) missing a target.
async fn firms_missing(
    db: &impl ConnectionTrait,
    w: &Window,
    visited: bool,
) -> Result<Vec<FirmFlag>, Error> {
    let mut values = Vec::new();
    let t = w.kpi.sql(&mut values);
    let missing = if visited { &t.visited } else { &t.solved };
    values.push((LIST_ROWS as i64).into());
    let limit = values.len();
    let rows = query_all::<FlagRow>(
        db,
        &format!(
            "SELECT f.id AS firm_id, f.name AS firm_name, f.region_id, u.name AS coordinator
             FROM firms f
             LEFT JOIN assignments a ON a.firm_id = f.id AND a.ended_at IS NULL
             LEFT JOIN users u ON u.id = a.coordinator_id
             WHERE {counted} AND NOT {missing}
             ORDER BY f.region_id, f.id LIMIT ${limit}",
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

#[derive(FromQueryResult)]
struct FirmFact {
    region_id: i32,
    tier_id: i32,
    coordinator_id: Option<i32>,
    /// The first on-site visit in the campaign, up to the counted day.
    first_visit: Option<NaiveDate>,
    /// The first problem confirmed solved, up to the counted day.
    first_solved: Option<DateTime<Utc>>,
}

/// One row per counted firm with the dates its targets were first met: every firm-level
/// figure (totals, breakdowns, the burn-up) is counted from these in one pass.
async fn firm_facts(db: &impl ConnectionTrait, w: &Window) -> Result<Vec<FirmFact>, Error> {
    let mut values = Vec::new();
    let t = w.kpi.sql(&mut values);
    query_all::<FirmFact>(
        db,
        &format!(
            "SELECT f.region_id, f.tier_id, a.coordinator_id, fv.first_visit, fs.first_solved
             FROM firms f
             LEFT JOIN {} fv ON fv.firm_id = f.id
             LEFT JOIN {} fs ON fs.firm_id = f.id
             LEFT JOIN assignments a ON a.firm_id = f.id AND a.ended_at IS NULL
             WHERE {}",
            t.first_visits, t.first_solutions, t.counted
        ),
        values,
    )
    .await
}

/// Every figure of the dashboard as of a day (see `crate::dashboard` for the definitions).
pub async fn compute(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    as_of: NaiveDate,
) -> Result<Dashboard, Error> {
    let w = Window::new(campaign, as_of);
    let facts = firm_facts(db, &w).await?;
    let mut regions: HashMap<i32, TargetRow> = HashMap::new();
    let mut tiers: HashMap<i32, TargetRow> = HashMap::new();
    let mut coordinators: HashMap<i32, TargetRow> = HashMap::new();
    let mut first_visits: Vec<NaiveDate> = Vec::new();
    let mut first_solves: Vec<DateTime<Utc>> = Vec::new();
    let mut unassigned = 0;
    for f in &facts {
        let (v, s) = (f.first_visit.is_some(), f.first_solved.is_some());
        let add = |row: &mut TargetRow| {
            row.in_scope += 1;
            row.visited += u64::from(v);
            row.solved += u64::from(s);
            row.both += u64::from(v && s);
        };
        add(regions.entry(f.region_id).or_default());
        add(tiers.entry(f.tier_id).or_default());
        match f.coordinator_id {
            Some(c) => add(coordinators.entry(c).or_default()),
            None => unassigned += 1,
        }
        first_visits.extend(f.first_visit);
        first_solves.extend(f.first_solved);
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
    first_visits.sort_unstable();
    first_solves.sort_unstable();
    let burnup: Vec<BurnPoint> = burn_days(&w)
        .into_iter()
        .map(|d| {
            let end = day_end_utc(d);
            BurnPoint {
                date: d,
                visited: first_visits.partition_point(|v| *v <= d) as u64,
                solved: first_solves.partition_point(|s| *s < end) as u64,
            }
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
        "cu.member_unit_id",
        "JOIN assignments a ON a.firm_id = f.id AND a.ended_at IS NULL
         JOIN users cu ON cu.id = a.coordinator_id",
    )
    .await?;
    Ok(rows
        .iter()
        .filter(|g| g.gid != 0)
        .map(|g| target_row(g, "", "", ""))
        .collect())
}

#[derive(FromQueryResult)]
struct Version {
    v: Option<i64>,
}

/// The data's version: the newest audit entry. Every change writes one in its transaction, so
/// a figure computed at one version stays true until the version moves.
pub async fn data_version(db: &impl ConnectionTrait) -> Result<i64, Error> {
    Ok(
        query_one::<Version>(db, "SELECT MAX(id) AS v FROM audit_log", vec![])
            .await?
            .and_then(|r| r.v)
            .unwrap_or(0),
    )
}

/// Dashboards already computed, by campaign and day, with the data version they were computed
/// at. One per server; small (a handful of days are looked at), cleared when full.
/// A computed dashboard and the data version it was computed at.
type Entry = (i64, Arc<Dashboard>);

#[derive(Default)]
pub struct Cache {
    entries: Mutex<HashMap<(i32, NaiveDate), Entry>>,
    /// Firm-list counts by query, with their data version.
    counts: Mutex<HashMap<String, (i64, u64)>>,
    /// Firm-list pages by query and page, with their data version.
    pages: Mutex<HashMap<String, (i64, crate::firm::FirmPage)>>,
}

const CACHE_ENTRIES: usize = 256;

impl Cache {
    /// A firm-list count kept at this data version.
    pub fn count(&self, key: &str, version: i64) -> Option<u64> {
        let map = self.counts.lock().ok()?;
        map.get(key).filter(|(v, _)| *v == version).map(|(_, n)| *n)
    }

    pub fn page(&self, key: &str, version: i64) -> Option<crate::firm::FirmPage> {
        let map = self.pages.lock().ok()?;
        map.get(key)
            .filter(|(v, _)| *v == version)
            .map(|(_, p)| p.clone())
    }

    pub fn keep_page(&self, key: String, version: i64, page: crate::firm::FirmPage) {
        if let Ok(mut map) = self.pages.lock() {
            // A page is 20 rows: 1024 of them stay well under a few megabytes.
            if map.len() >= 1024 {
                map.clear();
            }
            map.insert(key, (version, page));
        }
    }

    pub fn keep_count(&self, key: String, version: i64, n: u64) {
        if let Ok(mut map) = self.counts.lock() {
            if map.len() >= 4096 {
                map.clear();
            }
            map.insert(key, (version, n));
        }
    }

    /// The two targets as of a day, from the (cached) dashboard: the same figures, one source.
    pub async fn progress(
        &self,
        db: &impl ConnectionTrait,
        campaign: &Campaign,
        as_of: NaiveDate,
    ) -> Result<crate::campaign::Progress, Error> {
        Ok(self.get(db, campaign, as_of).await?.progress())
    }

    pub async fn get(
        &self,
        db: &impl ConnectionTrait,
        campaign: &Campaign,
        as_of: NaiveDate,
    ) -> Result<Arc<Dashboard>, Error> {
        let version = data_version(db).await?;
        let key = (campaign.id, as_of);
        if let Ok(map) = self.entries.lock()
            && let Some((v, d)) = map.get(&key)
            && *v == version
            && d.campaign == *campaign
        {
            return Ok(d.clone());
        }
        let fresh = Arc::new(compute(db, campaign, as_of).await?);
        if let Ok(mut map) = self.entries.lock() {
            if map.len() >= CACHE_ENTRIES {
                map.clear();
            }
            map.insert(key, (version, fresh.clone()));
        }
        Ok(fresh)
    }
}
