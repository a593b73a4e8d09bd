//! The working-day calendar in the database: read whole (a few hundred rows) wherever a
//! deadline is set or weighed, changed only by the office. A change counts the deadlines of
//! open problems again in the same transaction, so "overdue" never disagrees with the calendar
//! a unit sees.

use super::audit::{self, Actor, Entry};
use super::{Db, Write, query_all, query_one, retry, sql};
use crate::auth::{Caller, Role};
use crate::calendar::{Calendar, CalendarDay, CalendarYear, ValidDay};
use crate::clock;
use crate::error::Error;
use crate::i18n::K;
use crate::problem::ProblemStatus;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

#[derive(FromQueryResult)]
struct DayRow {
    id: i32,
    day: NaiveDate,
    region_id: Option<i32>,
    working: bool,
    name: String,
    source: String,
}

impl From<DayRow> for CalendarDay {
    fn from(r: DayRow) -> Self {
        CalendarDay {
            id: r.id,
            day: r.day,
            region_id: r.region_id,
            working: r.working,
            name: r.name,
            source: r.source,
        }
    }
}

const COLUMNS: &str = "id, day, region_id, working, name, source";

/// The whole calendar.
pub async fn load(db: &impl ConnectionTrait) -> Result<Calendar, Error> {
    let rows =
        query_all::<DayRow>(db, &format!("SELECT {COLUMNS} FROM calendar_days"), vec![]).await?;
    let days: Vec<CalendarDay> = rows.into_iter().map(CalendarDay::from).collect();
    Ok(Calendar::from_days(&days))
}

#[derive(FromQueryResult)]
struct YearRow {
    day: Option<NaiveDate>,
}

/// One year's days as the calendar page lists them, with the years that have any.
pub async fn year(
    db: &impl ConnectionTrait,
    caller: &Caller,
    year: Option<i32>,
) -> Result<CalendarYear, Error> {
    caller.require(&[Role::Office, Role::Leader, Role::Unit, Role::Coordinator])?;
    let year = year
        .unwrap_or_else(|| clock::today().year())
        .clamp(2000, 2100);
    let (from, to) = (
        NaiveDate::from_ymd_opt(year, 1, 1).ok_or(Error::Internal)?,
        NaiveDate::from_ymd_opt(year, 12, 31).ok_or(Error::Internal)?,
    );
    let days = query_all::<DayRow>(
        db,
        &format!(
            "SELECT {COLUMNS} FROM calendar_days WHERE day >= $1 AND day <= $2
             ORDER BY day, region_id IS NOT NULL, region_id"
        ),
        vec![from.into(), to.into()],
    )
    .await?
    .into_iter()
    .map(CalendarDay::from)
    .collect();
    // The years from the first to the last in the calendar, the one shown and the next (the
    // office enters next year's days when the State Council publishes them, in November).
    let mut years: Vec<i32> = query_all::<YearRow>(
        db,
        "SELECT MIN(day) AS day FROM calendar_days UNION ALL SELECT MAX(day) AS day FROM calendar_days",
        vec![],
    )
    .await?
    .into_iter()
    .filter_map(|r| r.day.map(|d| d.year()))
    .collect();
    years.push(year);
    years.push(clock::today().year() + 1);
    let (lo, hi) = (
        years.iter().copied().min().unwrap_or(year),
        years.iter().copied().max().unwrap_or(year),
    );
    Ok(CalendarYear {
        year,
        years: (lo..=hi).rev().collect(),
        days,
        can_edit: caller.role == Role::Office,
    })
}

/// The deadline of a problem raised on `raised_on` at the firm `firm_id` with `days` working
/// days, by the calendar of the firm's region.
pub async fn deadline_for(
    db: &impl ConnectionTrait,
    firm_id: i32,
    raised_on: NaiveDate,
    days: u32,
) -> Result<NaiveDate, Error> {
    #[derive(FromQueryResult)]
    struct Region {
        region_id: i32,
    }
    let region = query_one::<Region>(
        db,
        "SELECT region_id FROM firms WHERE id = $1",
        vec![firm_id.into()],
    )
    .await?
    .map(|r| r.region_id);
    Ok(load(db).await?.add_working_days(raised_on, days, region))
}

/// The use case "set one day", as every entry point calls it: only the office; the form is
/// read after that check. Returns the day and how many open problems got a new deadline.
pub async fn set_day(
    db: &Db,
    caller: &Caller,
    form: &crate::calendar::DayForm,
) -> Result<(NaiveDate, usize), Error> {
    caller.require(&[Role::Office])?;
    let day = form.validate()?;
    let moved = set_days(db, caller, std::slice::from_ref(&day)).await?;
    Ok((day.day, moved))
}

/// The office sets days (typed in, or a whole imported file): each is added, or replaces what
/// the calendar said of that day for the same scope. Returns how many open problems got a new
/// deadline.
pub async fn set_days(db: &Db, caller: &Caller, days: &[ValidDay]) -> Result<usize, Error> {
    caller.require(&[Role::Office])?;
    if days.is_empty() {
        return Err(Error::field("file", K::ErrCalendarNoDays));
    }
    retry(|| set_once(db, caller, days)).await
}

async fn find(
    db: &impl ConnectionTrait,
    day: NaiveDate,
    region_id: Option<i32>,
) -> Result<Option<CalendarDay>, Error> {
    let row = match region_id {
        None => {
            query_one::<DayRow>(
                db,
                &format!(
                    "SELECT {COLUMNS} FROM calendar_days WHERE day = $1 AND region_id IS NULL"
                ),
                vec![day.into()],
            )
            .await?
        }
        Some(r) => {
            query_one::<DayRow>(
                db,
                &format!("SELECT {COLUMNS} FROM calendar_days WHERE day = $1 AND region_id = $2"),
                vec![day.into(), r.into()],
            )
            .await?
        }
    };
    Ok(row.map(CalendarDay::from))
}

async fn set_once(db: &Db, caller: &Caller, days: &[ValidDay]) -> Result<usize, Error> {
    let actor = &Actor::of(caller);
    let txn = Write::begin(db).await?;
    let backend = txn.get_database_backend();
    let now = Utc::now();
    for d in days {
        let before = find(&txn, d.day, d.region_id).await?;
        let id = match &before {
            Some(old) => {
                txn.execute_raw(sql(
                    backend,
                    "UPDATE calendar_days SET working = $1, name = $2, source = 'office', created_by = $3, created_at = $4 WHERE id = $5",
                    vec![d.working.into(), d.name.clone().into(), caller.id.into(), now.into(), old.id.into()],
                ))
                .await?;
                old.id
            }
            None => {
                #[derive(FromQueryResult)]
                struct Id {
                    id: i32,
                }
                query_one::<Id>(
                    &txn,
                    "INSERT INTO calendar_days (day, region_id, working, name, source, created_by, created_at)
                     VALUES ($1, $2, $3, $4, 'office', $5, $6) RETURNING id",
                    vec![d.day.into(), d.region_id.into(), d.working.into(), d.name.clone().into(), caller.id.into(), now.into()],
                )
                .await?
                .ok_or(Error::Internal)?
                .id
            }
        };
        let after = find(&txn, d.day, d.region_id).await?;
        audit::record(
            &txn,
            actor,
            Entry {
                action: if before.is_some() { "update" } else { "create" },
                entity: "calendar_day",
                entity_id: Some(id),
                firm_id: None,
                before: before.map(|b| serde_json::json!(b)),
                after: after.map(|a| serde_json::json!(a)),
            },
        )
        .await?;
    }
    let from = days.iter().map(|d| d.day).min().unwrap_or(NaiveDate::MIN);
    let moved = reschedule(&txn, actor, from).await?;
    txn.commit().await?;
    Ok(moved)
}

/// The office takes a day out of the calendar (it becomes what its weekday says); the id is
/// read after that check.
pub async fn remove_day(db: &Db, caller: &Caller, id: &str) -> Result<usize, Error> {
    caller.require(&[Role::Office])?;
    let id = super::parse_id("id", id)?;
    retry(|| remove_once(db, caller, id)).await
}

async fn remove_once(db: &Db, caller: &Caller, id: i32) -> Result<usize, Error> {
    let actor = &Actor::of(caller);
    let txn = Write::begin(db).await?;
    let before = query_one::<DayRow>(
        &txn,
        &format!("SELECT {COLUMNS} FROM calendar_days WHERE id = $1"),
        vec![id.into()],
    )
    .await?
    .map(CalendarDay::from)
    .ok_or(Error::not_found(K::EntityCalendarDay))?;
    txn.execute_raw(sql(
        txn.get_database_backend(),
        "DELETE FROM calendar_days WHERE id = $1",
        vec![id.into()],
    ))
    .await?;
    audit::record(
        &txn,
        actor,
        Entry {
            action: "delete",
            entity: "calendar_day",
            entity_id: Some(id),
            firm_id: None,
            before: Some(serde_json::json!(before)),
            after: None,
        },
    )
    .await?;
    let moved = reschedule(&txn, actor, before.day).await?;
    txn.commit().await?;
    Ok(moved)
}

#[derive(FromQueryResult)]
struct OpenRow {
    id: i32,
    firm_id: i32,
    region_id: i32,
    raised_at: DateTime<Utc>,
    /// The day of the visit it was found on, from which its working days count.
    visit_date: Option<NaiveDate>,
    deadline: NaiveDate,
    time_limit_days: Option<i32>,
}

/// Counts again, by the calendar as it now stands, the deadline of every open problem that a
/// change from `from` on can move (one due before that day cannot). A problem keeps the
/// working days it was given; one raised before they were kept gets back what Monday to Friday
/// gave it. Each moved deadline is audited on its firm.
async fn reschedule(txn: &Write, actor: &Actor, from: NaiveDate) -> Result<usize, Error> {
    let calendar = load(txn).await?;
    let open = ProblemStatus::open_codes_sql();
    let rows = query_all::<OpenRow>(
        txn,
        &format!(
            "SELECT p.id, p.firm_id, f.region_id, p.raised_at, v.visit_date, p.deadline, p.time_limit_days
             FROM problems p JOIN firms f ON f.id = p.firm_id LEFT JOIN visits v ON v.id = p.visit_id
             WHERE p.concluded_on IS NULL AND p.status IN ({open}) AND p.deadline >= $1
             ORDER BY p.id"
        ),
        vec![from.into()],
    )
    .await?;
    let backend = txn.get_database_backend();
    let mut moved = Vec::new();
    for r in rows {
        let raised = r.visit_date.unwrap_or_else(|| clock::date_of(r.raised_at));
        let days = r
            .time_limit_days
            .and_then(|d| u32::try_from(d).ok())
            .unwrap_or_else(|| Calendar::weekday_span(raised, r.deadline));
        let deadline = calendar.add_working_days(raised, days, Some(r.region_id));
        if deadline == r.deadline {
            continue;
        }
        txn.execute_raw(sql(
            backend,
            "UPDATE problems SET deadline = $1, time_limit_days = $2 WHERE id = $3",
            vec![
                deadline.into(),
                i32::try_from(days).unwrap_or(i32::MAX).into(),
                r.id.into(),
            ],
        ))
        .await?;
        audit::record(
            txn,
            actor,
            Entry {
                action: "reschedule",
                entity: "problem",
                entity_id: Some(r.id),
                firm_id: Some(r.firm_id),
                before: Some(serde_json::json!({"deadline": r.deadline})),
                after: Some(serde_json::json!({"deadline": deadline, "time_limit_days": days})),
            },
        )
        .await?;
        moved.push(r.id);
    }
    super::progress::refresh_problems(txn, &moved).await?;
    Ok(moved.len())
}

/// A row of an imported calendar file that could not be taken in: its number and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRow {
    pub row: u64,
    pub error: Error,
}

/// What an import took in: the first day's year, how many days, how many deadlines moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Imported {
    pub year: i32,
    pub days: usize,
    pub moved: usize,
}

/// The use case "import days from a file": only the office; every row good or nothing taken.
pub async fn import(
    db: &Db,
    caller: &Caller,
    file_name: &str,
    bytes: &[u8],
) -> Result<Imported, BadRow> {
    let whole = |error: Error| BadRow { row: 0, error };
    caller.require(&[Role::Office]).map_err(whole)?;
    let days = read_file(file_name, bytes)?;
    let moved = set_days(db, caller, &days).await.map_err(whole)?;
    Ok(Imported {
        year: days.iter().map(|d| d.day.year()).min().unwrap_or(0),
        days: days.len(),
        moved,
    })
}

/// Reads the days of an uploaded file: a spreadsheet or CSV (columns 日期, 类型, 名称 and
/// optionally 市州, found by their headers, else in that order), or the JSON the holiday-cn
/// dataset publishes for a year. Every row must be good, or nothing is taken in.
pub fn read_file(file_name: &str, bytes: &[u8]) -> Result<Vec<ValidDay>, BadRow> {
    let whole = |error: Error| BadRow { row: 0, error };
    let text_start = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(bytes)
        .iter()
        .find(|b| !b.is_ascii_whitespace());
    if text_start == Some(&b'{') {
        return read_holiday_cn(bytes).map_err(whole);
    }
    let mut columns: [usize; 4] = [0, 1, 2, 3];
    let mut header_seen = false;
    let mut days = Vec::new();
    let mut bad: Option<BadRow> = None;
    super::sheets::for_each_row(file_name, bytes, |row, cells| {
        let cell = |i: usize| cells.get(i).map(|c| c.trim()).unwrap_or("");
        if crate::import::is_blank(cells) || cell(0).starts_with('#') {
            return std::ops::ControlFlow::Continue(());
        }
        let header = |c: &str| -> Option<usize> {
            match c.trim().to_lowercase().as_str() {
                "日期" | "date" => Some(0),
                "类型" | "kind" => Some(1),
                "名称" | "name" => Some(2),
                "市州" | "地区" | "region" => Some(3),
                _ => None,
            }
        };
        if !header_seen && days.is_empty() && cells.iter().any(|c| header(c) == Some(0)) {
            header_seen = true;
            for (i, c) in cells.iter().enumerate() {
                if let Some(k) = header(c) {
                    columns[k] = i;
                }
            }
            if !cells.iter().any(|c| header(c) == Some(3)) {
                columns[3] = usize::MAX;
            }
            return std::ops::ControlFlow::Continue(());
        }
        // A title above the table (a sheet's merged first row) is not a day; once the header
        // or a first day is read, every row is one.
        if !header_seen
            && days.is_empty()
            && crate::campaign::parse_date("day", cell(columns[0])).is_err()
        {
            return std::ops::ControlFlow::Continue(());
        }
        let form = crate::calendar::DayForm {
            day: cell(columns[0]).to_owned(),
            kind: cell(columns[1]).to_owned(),
            name: cell(columns[2]).to_owned(),
            region: cell(columns[3]).to_owned(),
        };
        match form.validate() {
            Ok(d) => {
                days.push(d);
                std::ops::ControlFlow::Continue(())
            }
            Err(error) => {
                bad = Some(BadRow { row, error });
                std::ops::ControlFlow::Break(())
            }
        }
    })
    .map_err(whole)?;
    if let Some(b) = bad {
        return Err(b);
    }
    if days.is_empty() {
        return Err(whole(Error::field("file", K::ErrCalendarNoDays)));
    }
    Ok(days)
}

fn read_holiday_cn(bytes: &[u8]) -> Result<Vec<ValidDay>, Error> {
    #[derive(serde::Deserialize)]
    struct File {
        days: Vec<Day>,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Day {
        name: String,
        date: String,
        is_off_day: bool,
    }
    if bytes.len() > crate::import::MAX_IMPORT_BYTES {
        return Err(Error::Validation(vec![
            crate::error::FieldError::new("file", K::ErrFileTooLarge)
                .with("mb", crate::import::MAX_IMPORT_BYTES / 1024 / 1024),
        ]));
    }
    let file: File = serde_json::from_slice(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| Error::field("file", K::ErrImportUnreadable))?;
    file.days
        .into_iter()
        .map(|d| {
            crate::calendar::DayForm {
                day: d.date,
                region: String::new(),
                kind: if d.is_off_day { "off" } else { "work" }.to_owned(),
                name: d.name,
            }
            .validate()
        })
        .collect()
}
