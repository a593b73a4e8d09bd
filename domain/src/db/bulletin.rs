//! The weekly 通报 (`crate::bulletin`) from the stored per-problem facts: the figures through
//! `Figure::sql`, the rule the dashboard's tiles count by, and the 签收 clocks and status
//! times through `db::clocks`, so the 通报 and the dashboard agree for the same day.

use super::{campaigns, query_all};
use crate::auth::{Caller, Role};
use crate::bulletin::{Bulletin, BulletinRow, Named, OverdueItem, Week, bottom, rank};
use crate::clock;
use crate::dashboard::ProblemFigures;
use crate::error::Error;
use crate::i18n::K;
use crate::kpi::problems::Figure;
use crate::problem::ProblemStatus;
use crate::rules::{ClockState, Stage};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult};
use std::collections::HashMap;

#[derive(FromQueryResult)]
struct FigureRow {
    key: i32,
    raised: i64,
    concluded: i64,
    on_time: i64,
    solved: i64,
    overdue: i64,
    answered: i64,
    satisfied: i64,
    raised_week: i64,
    concluded_week: i64,
}

#[derive(FromQueryResult)]
struct Name {
    id: i32,
    name_zh: String,
    name_en: String,
}

#[derive(FromQueryResult)]
struct Membership {
    problem_id: i32,
    key: i32,
}

#[derive(FromQueryResult)]
struct Overdue {
    key: i32,
    problem_id: i32,
    firm_id: i32,
    firm_name: String,
    region_id: i32,
    description: String,
    deadline: NaiveDate,
}

fn n(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// How problems are grouped: by the units they are routed to, or by their firm's region.
#[derive(Clone, Copy)]
enum By {
    Unit,
    Region,
}

impl By {
    /// The join and the grouping column over `problem_progress pp`.
    fn join(self) -> (&'static str, &'static str) {
        match self {
            By::Unit => (
                "JOIN problem_units g ON g.problem_id = pp.problem_id",
                "g.member_unit_id",
            ),
            By::Region => (
                "JOIN problems gp ON gp.id = pp.problem_id JOIN firms g ON g.id = gp.firm_id",
                "g.region_id",
            ),
        }
    }
}

async fn figures(
    db: &impl ConnectionTrait,
    campaign_id: i32,
    week: Week,
    as_of: NaiveDate,
    by: Option<By>,
) -> Result<Vec<FigureRow>, Error> {
    let sum = |f: Figure| {
        format!(
            "COALESCE(SUM(CASE WHEN {} THEN 1 ELSE 0 END), 0)",
            f.sql("$2")
        )
    };
    let (join, key) = by.map_or(("", "0"), By::join);
    // The total is one row of the whole; a constant cannot be grouped by.
    let group = by.map_or(String::new(), |_| format!("GROUP BY {key}"));
    let text = format!(
        "SELECT {key} AS key, {} AS raised, {} AS concluded, {} AS on_time, {} AS solved,
                {} AS overdue, {} AS answered, {} AS satisfied,
                COALESCE(SUM(CASE WHEN pp.raised >= $3 AND pp.raised <= $2 THEN 1 ELSE 0 END), 0) AS raised_week,
                COALESCE(SUM(CASE WHEN pp.concluded >= $3 AND pp.concluded <= $2 THEN 1 ELSE 0 END), 0) AS concluded_week
         FROM problem_progress pp {join}
         WHERE pp.campaign_id = $1 AND pp.raised <= $2
         {group}",
        sum(Figure::Raised),
        sum(Figure::Concluded),
        sum(Figure::OnTime),
        sum(Figure::Solved),
        sum(Figure::Overdue),
        sum(Figure::Answered),
        sum(Figure::Satisfied),
    );
    query_all::<FigureRow>(
        db,
        &text,
        vec![campaign_id.into(), as_of.into(), week.monday.into()],
    )
    .await
}

fn row_of(f: &FigureRow) -> BulletinRow {
    BulletinRow {
        id: f.key,
        figures: ProblemFigures {
            raised: n(f.raised),
            concluded: n(f.concluded),
            concluded_on_time: n(f.on_time),
            solved: n(f.solved),
            overdue: n(f.overdue),
            answered: n(f.answered),
            satisfied: n(f.satisfied),
        },
        raised_this_week: n(f.raised_week),
        concluded_this_week: n(f.concluded_week),
        ..Default::default()
    }
}

/// The 通报 for a week (`?week=2022-W40` or a day; the campaign's latest week by default), for
/// the office, leaders and member units.
pub async fn week(
    db: &impl ConnectionTrait,
    caller: &Caller,
    week: Option<&str>,
    campaign: Option<&str>,
) -> Result<Bulletin, Error> {
    caller.require(&[Role::Office, Role::Leader, Role::Unit])?;
    let campaign = campaigns::chosen(db, campaign).await?;
    let today = clock::today();
    let week = match week.map(str::trim).filter(|w| !w.is_empty()) {
        Some(raw) => Week::parse(raw)?,
        None => Week::of(campaign.default_as_of(today)),
    };
    let as_of = week.sunday().min(today.max(week.monday));
    let names = |table: &str| format!("SELECT id, name_zh, name_en FROM {table} ORDER BY id");
    let unit_names: HashMap<i32, Name> = query_all::<Name>(db, &names("member_units"), vec![])
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let region_names: HashMap<i32, Name> = query_all::<Name>(db, &names("regions"), vec![])
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();

    let mut units: HashMap<i32, BulletinRow> =
        figures(db, campaign.id, week, as_of, Some(By::Unit))
            .await?
            .iter()
            .map(|f| (f.key, row_of(f)))
            .collect();
    let mut regions: HashMap<i32, BulletinRow> =
        figures(db, campaign.id, week, as_of, Some(By::Region))
            .await?
            .iter()
            .map(|f| (f.key, row_of(f)))
            .collect();
    let mut total = figures(db, campaign.id, week, as_of, None)
        .await?
        .first()
        .map(row_of)
        .unwrap_or_default();

    // The clocks of every problem raised by then, at the end of that day.
    let members = query_all::<Membership>(
        db,
        "SELECT pp.problem_id, g.member_unit_id AS key FROM problem_progress pp
         JOIN problem_units g ON g.problem_id = pp.problem_id
         WHERE pp.campaign_id = $1 AND pp.raised <= $2",
        vec![campaign.id.into(), as_of.into()],
    )
    .await?;
    let region_of = query_all::<Membership>(
        db,
        "SELECT pp.problem_id, f.region_id AS key FROM problem_progress pp
         JOIN problems p ON p.id = pp.problem_id JOIN firms f ON f.id = p.firm_id
         WHERE pp.campaign_id = $1 AND pp.raised <= $2",
        vec![campaign.id.into(), as_of.into()],
    )
    .await?;
    let ids: Vec<i32> = region_of.iter().map(|m| m.problem_id).collect();
    let calendar = super::calendar::load(db).await?;
    let end = clock::day_end_utc(as_of) - chrono::Duration::seconds(1);
    let clocks = super::clocks::for_problems(db, &calendar, &ids, end).await?;
    let add = |row: &mut BulletinRow, problem_id: i32| {
        let Some(c) = clocks.get(&problem_id) else {
            return;
        };
        if let Some(claim) = c.stage(Stage::Claim) {
            match claim.state {
                ClockState::OnTime => {
                    row.claim_due += 1;
                    row.claimed_on_time += 1;
                }
                ClockState::Late | ClockState::Overdue => row.claim_due += 1,
                ClockState::Running => {}
            }
        }
        row.minutes_claim += c.minutes_in(ProblemStatus::Routed);
        row.minutes_handle +=
            c.minutes_in(ProblemStatus::Claimed) + c.minutes_in(ProblemStatus::Responded);
        row.minutes_callback += c.minutes_in(ProblemStatus::Closed);
        row.problems_timed += 1;
    };
    for m in &members {
        if let Some(row) = units.get_mut(&m.key) {
            add(row, m.problem_id);
        }
    }
    for m in &region_of {
        if let Some(row) = regions.get_mut(&m.key) {
            add(row, m.problem_id);
        }
        add(&mut total, m.problem_id);
    }

    let named = |mut rows: HashMap<i32, BulletinRow>, names: &HashMap<i32, Name>| {
        let mut out: Vec<BulletinRow> = rows
            .drain()
            .filter(|(_, r)| r.figures.raised > 0)
            .map(|(id, mut r)| {
                if let Some(n) = names.get(&id) {
                    r.name_zh = n.name_zh.clone();
                    r.name_en = n.name_en.clone();
                }
                r
            })
            .collect();
        rank(&mut out);
        out
    };
    let units = named(units, &unit_names);
    let regions = named(regions, &region_names);

    // The overdue problems of the bottom rows, by the overdue figure's own rule.
    let overdue = query_all::<Overdue>(
        db,
        &format!(
            "SELECT pu.member_unit_id AS key, p.id AS problem_id, p.firm_id, f.name AS firm_name,
                    f.region_id, p.description, p.deadline
             FROM problem_progress pp JOIN problems p ON p.id = pp.problem_id
             JOIN firms f ON f.id = p.firm_id JOIN problem_units pu ON pu.problem_id = p.id
             WHERE pp.campaign_id = $1 AND {}
             ORDER BY p.deadline, p.id",
            Figure::Overdue.sql("$2")
        ),
        vec![campaign.id.into(), as_of.into()],
    )
    .await?;
    let item = |o: &Overdue| OverdueItem {
        problem_id: o.problem_id,
        firm_id: o.firm_id,
        firm_name: o.firm_name.clone(),
        description: o.description.clone(),
        deadline: o.deadline,
        working_days_overdue: calendar.working_days_between(o.deadline, as_of, Some(o.region_id)),
    };
    let bottom_units = bottom(&units)
        .into_iter()
        .map(|r| Named {
            row: r.clone(),
            overdue: overdue.iter().filter(|o| o.key == r.id).map(item).collect(),
        })
        .collect();
    let bottom_regions = bottom(&regions)
        .into_iter()
        .map(|r| {
            let mut seen = std::collections::HashSet::new();
            Named {
                row: r.clone(),
                // A problem routed to two units is listed once for its region.
                overdue: overdue
                    .iter()
                    .filter(|o| o.region_id == r.id && seen.insert(o.problem_id))
                    .map(item)
                    .collect(),
            }
        })
        .collect();
    Ok(Bulletin {
        campaign_id: campaign.id,
        campaign_zh: campaign.name_zh.clone(),
        week,
        as_of,
        units,
        regions,
        bottom_units,
        bottom_regions,
        total,
    })
}

/// The 通报 as a workbook: the units' and regions' rankings and the bottom three's overdue
/// problems, in Chinese.
pub fn to_xlsx(b: &Bulletin) -> Result<Vec<u8>, Error> {
    use super::sheets::{Table, write_xlsx_sheets};
    use crate::i18n::Locale;
    let l = Locale::Zh;
    let pct = |v: Option<f64>| v.map(|x| format!("{x:.1}")).unwrap_or_default();
    let hours = |m: Option<i64>| {
        m.map(|x| format!("{:.1}", x as f64 / 60.0))
            .unwrap_or_default()
    };
    let ranking = |rows: &[BulletinRow]| -> Vec<Vec<String>> {
        rows.iter()
            .enumerate()
            .map(|(i, r)| {
                let [resp, on_time, solved, satisfied] = r.rates();
                vec![
                    (i + 1).to_string(),
                    r.name_zh.clone(),
                    r.figures.raised.to_string(),
                    r.raised_this_week.to_string(),
                    r.concluded_this_week.to_string(),
                    r.figures.overdue.to_string(),
                    pct(resp),
                    pct(on_time),
                    pct(solved),
                    pct(satisfied),
                    pct(r.score()),
                    hours(r.average(r.minutes_claim)),
                    hours(r.average(r.minutes_handle)),
                    hours(r.average(r.minutes_callback)),
                ]
            })
            .collect()
    };
    let headers: Vec<&str> = [
        K::BulletinRank,
        K::BulletinName,
        K::BulletinRaised,
        K::BulletinRaisedWeek,
        K::BulletinConcludedWeek,
        K::BulletinOverdue,
        K::BulletinResponseRate,
        K::BulletinOnTimeRate,
        K::BulletinSolvedRate,
        K::BulletinSatisfiedRate,
        K::BulletinScore,
        K::BulletinHoursClaim,
        K::BulletinHoursHandle,
        K::BulletinHoursCallback,
    ]
    .iter()
    .map(|k| k.t(l))
    .collect();
    let widths = vec![
        6.0, 28.0, 8.0, 8.0, 8.0, 8.0, 10.0, 10.0, 10.0, 10.0, 10.0, 12.0, 12.0, 12.0,
    ];
    let mut named_rows = Vec::new();
    for (kind, list) in [
        (K::BulletinUnits, &b.bottom_units),
        (K::BulletinRegions, &b.bottom_regions),
    ] {
        for nm in list {
            for o in &nm.overdue {
                named_rows.push(vec![
                    kind.t(l).to_owned(),
                    nm.row.name_zh.clone(),
                    o.firm_name.clone(),
                    o.description.clone(),
                    o.deadline.to_string(),
                    o.working_days_overdue.to_string(),
                ]);
            }
        }
    }
    write_xlsx_sheets(&[
        (
            Table {
                sheet: K::BulletinUnits.t(l),
                headers: headers.clone(),
                widths: widths.clone(),
            },
            ranking(&b.units),
        ),
        (
            Table {
                sheet: K::BulletinRegions.t(l),
                headers,
                widths,
            },
            ranking(&b.regions),
        ),
        (
            Table {
                sheet: K::BulletinBottomSheet.t(l),
                headers: [
                    K::BulletinGroup,
                    K::BulletinName,
                    K::BulletinFirm,
                    K::BulletinProblem,
                    K::Deadline,
                    K::BulletinDaysOverdue,
                ]
                .iter()
                .map(|k| k.t(l))
                .collect(),
                widths: vec![10.0, 28.0, 30.0, 50.0, 12.0, 10.0],
            },
            named_rows,
        ),
    ])
}
