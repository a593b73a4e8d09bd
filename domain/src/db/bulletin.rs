//! The weekly 通报 (`crate::bulletin`) from the stored per-problem facts: each problem's figure
//! days (`problem_progress`) counted by `ProblemDays::figures_as_of`, the rule the dashboard's
//! tiles count by, and its 签收 clock and status times (`crate::rules`) by the calendar, so the
//! 通报 and the dashboard agree for the same day. The overdue problems listed under the bottom
//! three are read by `Figure::sql`, the same rule written for the database.

use super::{campaigns, query_all};
use crate::auth::{Caller, Role};
use crate::bulletin::{
    Bulletin, BulletinRow, Named, OVERDUE_LISTED, OverdueItem, Week, bottom, rank,
};
use crate::clock;
use crate::error::Error;
use crate::i18n::K;
use crate::kpi::problems::Figure;
use crate::kpi::problems::ProblemDays;
use crate::problem::ProblemStatus;
use crate::rules::ClockInput;
use crate::rules::{ClockState, Stage};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult};
use std::collections::HashMap;

#[derive(FromQueryResult)]
struct Name {
    id: i32,
    name_zh: String,
    name_en: String,
}

#[derive(FromQueryResult)]
struct Overdue {
    problem_id: i32,
    firm_id: i32,
    firm_name: String,
    region_id: i32,
    description: String,
    deadline: NaiveDate,
}

/// How problems are grouped: by the units they are routed to, or by their firm's region.
#[derive(Clone, Copy)]
enum By {
    Unit,
    Region,
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

    // Every problem the campaign counts by then, once: its figure days and its clocks at the
    // end of the day, added to its units, its region and the whole.
    let calendar = super::calendar::load(db).await?;
    let end = clock::day_end_utc(as_of);
    let at = end - chrono::Duration::seconds(1);
    let mut units: HashMap<i32, BulletinRow> = HashMap::new();
    let mut regions: HashMap<i32, BulletinRow> = HashMap::new();
    let mut total = BulletinRow::default();
    let this_week =
        |day: Option<NaiveDate>| u64::from(day.is_some_and(|x| x >= week.monday && x <= as_of));
    for p in packed(db, campaign.id, as_of, end).await? {
        let f = p.days.figures_as_of(as_of);
        let c = p.clocks.clocks(&calendar, at);
        let claim = c.stage(Stage::Claim).map(|s| s.state);
        let (routed, handling, closed) = (
            c.minutes_in(ProblemStatus::Routed),
            c.minutes_in(ProblemStatus::Claimed) + c.minutes_in(ProblemStatus::Responded),
            c.minutes_in(ProblemStatus::Closed),
        );
        let (raised_week, concluded_week) =
            (this_week(Some(p.days.raised)), this_week(p.days.concluded));
        let add = |row: &mut BulletinRow| {
            row.figures.raised += f.raised;
            row.figures.concluded += f.concluded;
            row.figures.concluded_on_time += f.concluded_on_time;
            row.figures.solved += f.solved;
            row.figures.overdue += f.overdue;
            row.figures.answered += f.answered;
            row.figures.satisfied += f.satisfied;
            row.raised_this_week += raised_week;
            row.concluded_this_week += concluded_week;
            match claim {
                Some(ClockState::OnTime) => {
                    row.claim_due += 1;
                    row.claimed_on_time += 1;
                }
                Some(ClockState::Late | ClockState::Overdue) => row.claim_due += 1,
                Some(ClockState::Running) | None => {}
            }
            row.minutes_claim += routed;
            row.minutes_handle += handling;
            row.minutes_callback += closed;
            row.problems_timed += 1;
        };
        for unit in &p.units {
            add(units.entry(*unit).or_insert_with(|| BulletinRow {
                id: *unit,
                ..Default::default()
            }));
        }
        add(regions.entry(p.region_id).or_insert_with(|| BulletinRow {
            id: p.region_id,
            ..Default::default()
        }));
        add(&mut total);
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

    // The overdue problems of the bottom rows, by the overdue figure's own rule, the longest
    // overdue first and at most `OVERDUE_LISTED` each (the row says how many there are).
    let mut bottom_units = Vec::new();
    for r in bottom(&units) {
        let overdue = overdue_of(db, campaign.id, as_of, &calendar, By::Unit, r.id).await?;
        bottom_units.push(Named {
            row: r.clone(),
            overdue,
        });
    }
    let mut bottom_regions = Vec::new();
    for r in bottom(&regions) {
        let overdue = overdue_of(db, campaign.id, as_of, &calendar, By::Region, r.id).await?;
        bottom_regions.push(Named {
            row: r.clone(),
            overdue,
        });
    }
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

/// One problem as the 通报 reads it.
struct Packed {
    region_id: i32,
    units: Vec<i32>,
    /// The days it counts toward each figure (`problem_progress`), as the dashboard reads them.
    days: ProblemDays,
    clocks: ClockInput,
}

#[derive(FromQueryResult)]
struct PackedRow {
    /// Problems as `id/region/raised at/deadline/claim hours/callback days/events/units/days`,
    /// `|` between problems: times in Unix seconds, events `status@time;…` in order, units as
    /// ids with spaces between, days the eight figure days `YYYY-MM-DD` (or empty) joined by
    /// commas.
    problems: Option<String>,
}

/// Problems packed into one row by the database.
const PROBLEMS_PER_ROW: i32 = 256;

/// The figure columns of `problem_progress`, in `ProblemDays` order.
const DAY_COLUMNS: [&str; 8] = [
    "raised",
    "concluded",
    "on_time",
    "solved",
    "due",
    "due_concluded",
    "answered",
    "satisfied",
];

/// Every problem a campaign counts that was raised by `as_of`, with its status changes before
/// `until`. The database packs a few hundred problems, with their events, units and figure
/// days, into each row: at national scale a row per problem (or per event) costs more in the
/// driver's per-row handoff than all the counting (300,000 problems become about 1,200 rows).
async fn packed(
    db: &impl ConnectionTrait,
    campaign_id: i32,
    as_of: NaiveDate,
    until: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Packed>, Error> {
    let epoch = |column: &str| match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => {
            format!("CAST(CAST(strftime('%s', {column}) AS INTEGER) AS TEXT)")
        }
        _ => format!("CAST(CAST(EXTRACT(EPOCH FROM {column}) AS BIGINT) AS TEXT)"),
    };
    let (event_at, raised_at) = (epoch("e.at"), epoch("p.raised_at"));
    let days = DAY_COLUMNS
        .iter()
        .map(|c| format!("COALESCE(CAST(pp.{c} AS TEXT), '')"))
        .collect::<Vec<_>>()
        .join(" || ',' || ");
    let rows = query_all::<PackedRow>(
        db,
        &format!(
            "SELECT string_agg(x.rec, '|') AS problems FROM (
               SELECT p.id AS id,
                 CAST(p.id AS TEXT) || '/' || CAST(f.region_id AS TEXT) || '/' || {raised_at} || '/'
                 || CAST(p.deadline AS TEXT) || '/' || CAST(p.claim_limit_hours AS TEXT) || '/'
                 || CAST(p.callback_limit_days AS TEXT) || '/'
                 || COALESCE((SELECT string_agg(e.to_status || '@' || {event_at}, ';' ORDER BY e.at, e.id)
                      FROM problem_events e WHERE e.problem_id = p.id AND e.at < $3), '') || '/'
                 || COALESCE((SELECT string_agg(CAST(pu.member_unit_id AS TEXT), ' ')
                      FROM problem_units pu WHERE pu.problem_id = p.id), '') || '/'
                 || {days} AS rec
               FROM problem_progress pp JOIN problems p ON p.id = pp.problem_id
               JOIN firms f ON f.id = p.firm_id WHERE pp.campaign_id = $1 AND pp.raised <= $2
             ) x GROUP BY x.id / {PROBLEMS_PER_ROW}"
        ),
        vec![campaign_id.into(), as_of.into(), until.into()],
    )
    .await?;
    Ok(rows
        .iter()
        .flat_map(|r| r.problems.as_deref().unwrap_or("").split('|'))
        .filter_map(unpack)
        .collect())
}

/// One problem of a packed row (None: not one; the database wrote it, so never expected).
fn unpack(rec: &str) -> Option<Packed> {
    let date = |s: &str| NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok();
    let time = |s: &str| chrono::DateTime::from_timestamp(s.parse().ok()?, 0);
    let mut f = rec.split('/');
    let _id: i32 = f.next()?.trim().parse().ok()?;
    let region_id = f.next()?.parse().ok()?;
    let raised_at = time(f.next()?)?;
    let deadline = date(f.next()?)?;
    let claim_limit_hours = f.next()?.parse().ok()?;
    let callback_limit_days = f.next()?.parse().ok()?;
    let events = f
        .next()?
        .split(';')
        .filter_map(|e| {
            let (status, secs) = e.split_once('@')?;
            Some((ProblemStatus::from_code(status)?, time(secs)?))
        })
        .collect();
    let units = f
        .next()?
        .split(' ')
        .filter_map(|u| u.parse().ok())
        .collect();
    let d: Vec<Option<NaiveDate>> = f.next()?.split(',').map(date).collect();
    let day = |i: usize| d.get(i).copied().flatten();
    let days = ProblemDays {
        raised: day(0)?,
        concluded: day(1),
        on_time: day(2),
        solved: day(3),
        due: day(4)?,
        due_concluded: day(5),
        answered: day(6),
        satisfied: day(7),
        days_to_conclude: None,
    };
    Some(Packed {
        region_id,
        units,
        days,
        clocks: ClockInput {
            region_id,
            raised_at,
            deadline,
            claim_limit_hours,
            callback_limit_days,
            events,
        },
    })
}

/// The overdue problems of one unit or region as of a day, the longest overdue first.
async fn overdue_of(
    db: &impl ConnectionTrait,
    campaign_id: i32,
    as_of: NaiveDate,
    calendar: &crate::calendar::Calendar,
    by: By,
    id: i32,
) -> Result<Vec<OverdueItem>, Error> {
    // From the unit's or the region's own problems (by their indexes), not the whole campaign.
    let from = match by {
        By::Unit => {
            "problem_units pu JOIN problems p ON p.id = pu.problem_id JOIN firms f ON f.id = p.firm_id
             JOIN problem_progress pp ON pp.campaign_id = $1 AND pp.problem_id = p.id
             WHERE pu.member_unit_id = $3"
        }
        By::Region => {
            "firms f JOIN problems p ON p.firm_id = f.id
             JOIN problem_progress pp ON pp.campaign_id = $1 AND pp.problem_id = p.id
             WHERE f.region_id = $3"
        }
    };
    let rows = query_all::<Overdue>(
        db,
        &format!(
            "SELECT p.id AS problem_id, p.firm_id, f.name AS firm_name, f.region_id, p.description, p.deadline
             FROM {from} AND {}
             ORDER BY p.deadline, p.id LIMIT $4",
            Figure::Overdue.sql("$2")
        ),
        vec![
            campaign_id.into(),
            as_of.into(),
            id.into(),
            i64::try_from(OVERDUE_LISTED).unwrap_or(50).into(),
        ],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|o| OverdueItem {
            working_days_overdue: calendar.working_days_between(
                o.deadline,
                as_of,
                Some(o.region_id),
            ),
            problem_id: o.problem_id,
            firm_id: o.firm_id,
            firm_name: o.firm_name,
            description: o.description,
            deadline: o.deadline,
        })
        .collect())
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
