//! The half-year report (每半年报送) of a member unit, or of the whole province, generated from
//! the records. Cumulative figures are the dashboard's as of the period's last day (the same
//! queries), so the report and the dashboard cannot disagree.

use super::dashboard::{by_measure, overdue_list};
use super::query_all;
use crate::campaign::Campaign;
use crate::clock::day_end_utc;
use crate::dashboard::{
    CaseLine, HalfYear, HalfYearReport, NOTE_MAX_CHARS, NotesForm, ProblemFigures, ReportNotes,
};
use crate::error::Error;
use crate::i18n::K;
use chrono::Duration;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

/// How many overdue items and typical cases a report lists.
pub const REPORT_ROWS: usize = 50;
const CASES: usize = 5;

#[derive(FromQueryResult)]
struct Counts {
    a: i64,
    b: i64,
}

#[derive(FromQueryResult)]
struct UnitName {
    name_zh: String,
    name_en: String,
}

#[derive(FromQueryResult)]
struct CaseRow {
    problem_id: i32,
    firm_name: String,
    measure_zh: String,
    description: String,
    response: Option<String>,
}

fn n(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// The use case "a half-year report" for the current round, as the report page, its xlsx
/// download and the JSON API all call it; see [`for_user`].
pub async fn report_for(
    db: &impl ConnectionTrait,
    caller: &crate::auth::Caller,
    period: Option<&str>,
    unit: Option<&str>,
) -> Result<HalfYearReport, Error> {
    let campaign = super::current_campaign(db).await?;
    for_user(db, &campaign, caller, period, unit).await
}

/// The report a user asks for: a unit handler always gets their own unit's; leaders and the
/// office any unit (`unit`) or the province (none). No period means the current half year, or
/// the last one of an ended campaign.
pub async fn for_user(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    user: &crate::auth::CurrentUser,
    period: Option<&str>,
    unit: Option<&str>,
) -> Result<HalfYearReport, Error> {
    use crate::auth::Role;
    user.require(&[Role::Office, Role::Leader, Role::Unit])?;
    let period = match period.map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => HalfYear::parse("period", raw).map_err(|e| Error::Validation(vec![e]))?,
        None => HalfYear::of(crate::clock::today().min(campaign.deadline)),
    };
    let unit = if user.is(Role::Unit) {
        user.member_unit_id
    } else {
        match unit.map(str::trim).filter(|s| !s.is_empty()) {
            Some(raw) => Some(super::parse_id("unit", raw)?),
            None => None,
        }
    };
    half_year(db, campaign, period, unit).await
}

pub async fn half_year(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    period: HalfYear,
    unit: Option<i32>,
) -> Result<HalfYearReport, Error> {
    // A period counts from the campaign's first day (2022H1 from 2022-02-27, not 01-01).
    let (from, to) = (
        period.first_day().max(campaign.starts_on),
        period.last_day(),
    );
    let dash = super::dashboard::compute(db, campaign, to).await?;
    let (unit_zh, unit_en) = match unit {
        None => (
            K::ReportProvince.t(crate::i18n::Locale::Zh).to_owned(),
            K::ReportProvince.t(crate::i18n::Locale::En).to_owned(),
        ),
        Some(u) => {
            let name = super::query_one::<UnitName>(
                db,
                "SELECT name_zh, name_en FROM member_units WHERE id = $1",
                vec![u.into()],
            )
            .await?
            .ok_or(Error::not_found(K::EntityUnit))?;
            (name.name_zh, name.name_en)
        }
    };
    // Firm-level targets: the province's are the dashboard's; a unit's are those of the firms
    // its coordinators serve.
    let (firms_served, firms_visited, firms_solved) = match unit {
        None => (dash.in_scope, dash.visited, dash.solved_firms),
        Some(u) => {
            let rows = super::dashboard::unit_targets(db, campaign, to).await?;
            rows.iter()
                .find(|r| r.id == u)
                .map_or((0, 0, 0), |r| (r.in_scope, r.visited, r.solved))
        }
    };
    let problems: ProblemFigures = match unit {
        None => dash.problems.clone(),
        Some(u) => dash
            .by_unit
            .iter()
            .find(|r| r.id == u)
            .map(|r| r.figures.clone())
            .unwrap_or_default(),
    };

    let period_start = day_end_utc(from - Duration::days(1));
    let campaign_start = day_end_utc(campaign.starts_on - Duration::days(1));
    let period_end = day_end_utc(to);
    let mut values: Vec<Value> = vec![from.into(), to.into()];
    let visit_filter = match unit {
        Some(u) => {
            values.push(u.into());
            " AND EXISTS (SELECT 1 FROM users u WHERE u.id = v.coordinator_id AND u.member_unit_id = $3)"
        }
        None => "",
    };
    let visits = super::query_one::<Counts>(
        db,
        &format!(
            "SELECT COUNT(*) AS a, COALESCE(SUM(CASE WHEN v.kind = 'on_site' THEN 1 ELSE 0 END), 0) AS b
             FROM visits v WHERE v.visit_date >= $1 AND v.visit_date <= $2{visit_filter}"
        ),
        values,
    )
    .await?
    .unwrap_or(Counts { a: 0, b: 0 });

    let mut values: Vec<Value> = vec![
        period_start.max(campaign_start).into(),
        period_end.into(),
        period_start.into(),
    ];
    let problem_filter = match unit {
        Some(u) => {
            values.push(u.into());
            " AND EXISTS (SELECT 1 FROM problem_units pu WHERE pu.problem_id = p.id AND pu.member_unit_id = $4)"
        }
        None => "",
    };
    let in_period = super::query_one::<Counts>(
        db,
        &format!(
            "SELECT COALESCE(SUM(CASE WHEN p.raised_at >= $1 AND p.raised_at < $2 THEN 1 ELSE 0 END), 0) AS a,
                    COALESCE(SUM(CASE WHEN p.status = 'solved' AND p.solved_at >= $3 AND p.solved_at < $2
                                      AND p.raised_at >= $1 THEN 1 ELSE 0 END), 0) AS b
             FROM problems p WHERE p.status <> 'withdrawn'{problem_filter}"
        ),
        values.clone(),
    )
    .await?
    .unwrap_or(Counts { a: 0, b: 0 });

    let cases = query_all::<CaseRow>(
        db,
        &format!(
            "SELECT p.id AS problem_id, f.name AS firm_name, m.name_zh AS measure_zh, p.description,
                    p.unit_response AS response
             FROM problems p JOIN firms f ON f.id = p.firm_id JOIN measures m ON m.id = p.measure_id
             WHERE p.status = 'solved' AND p.satisfaction = 'satisfied'
               AND p.solved_at >= $3 AND p.solved_at < $2 AND p.raised_at >= $1{problem_filter}
             ORDER BY p.solved_at, p.id LIMIT {CASES}"
        ),
        values,
    )
    .await?;

    Ok(HalfYearReport {
        period: period.code(),
        from,
        to,
        unit_id: unit,
        unit_zh,
        unit_en,
        firms_served,
        firms_visited,
        firms_solved,
        visits_in_period: n(visits.a),
        on_site_visits_in_period: n(visits.b),
        problems,
        raised_in_period: n(in_period.a),
        solved_in_period: n(in_period.b),
        by_measure: by_measure(db, campaign, to, unit).await?,
        overdue: overdue_list(db, campaign, to, unit, REPORT_ROWS).await?,
        notes: notes_of(db, &period.code(), unit).await?,
        cases: cases
            .into_iter()
            .map(|c| CaseLine {
                problem_id: c.problem_id,
                firm_name: c.firm_name,
                measure_zh: c.measure_zh,
                description: c.description,
                response: c.response.unwrap_or_default(),
            })
            .collect(),
    })
}

#[derive(FromQueryResult)]
struct NotesRow {
    id: i32,
    practices: String,
    issues: String,
    next_steps: String,
    updated_at: chrono::DateTime<chrono::Utc>,
    updated_by: Option<String>,
}

async fn notes_row(
    db: &impl ConnectionTrait,
    period: &str,
    unit: Option<i32>,
) -> Result<Option<NotesRow>, Error> {
    super::query_one::<NotesRow>(
        db,
        "SELECT n.id, n.practices, n.issues, n.next_steps, n.updated_at, u.name AS updated_by
         FROM report_notes n LEFT JOIN users u ON u.id = n.updated_by
         WHERE n.period = $1 AND n.unit_key = $2",
        vec![period.into(), unit.unwrap_or(0).into()],
    )
    .await
}

/// What was written for a period's report of a unit (None: the province).
pub async fn notes_of(
    db: &impl ConnectionTrait,
    period: &str,
    unit: Option<i32>,
) -> Result<ReportNotes, Error> {
    Ok(notes_row(db, period, unit)
        .await?
        .map(|r| ReportNotes {
            practices: r.practices,
            issues: r.issues,
            next_steps: r.next_steps,
            updated_at: Some(r.updated_at),
            updated_by: r.updated_by,
        })
        .unwrap_or_default())
}

/// Whether `user` may write the words of the report of `unit` (None: the province): a unit
/// handler their own unit's, the office any; leaders read.
pub fn may_write_notes(user: &crate::auth::CurrentUser, unit: Option<i32>) -> bool {
    use crate::auth::Role;
    match user.role {
        Role::Office => true,
        Role::Unit => unit.is_some() && unit == user.member_unit_id,
        _ => false,
    }
}

/// The use case "write the report's words": checked, saved for the period and unit (replacing
/// what was there), audited with what it replaced.
pub async fn save_notes(
    db: &super::Db,
    caller: &crate::auth::Caller,
    form: &NotesForm,
) -> Result<(), Error> {
    use crate::auth::Role;
    caller.require(&[Role::Office, Role::Unit])?;
    let period = HalfYear::parse("period", &form.period).map_err(|e| Error::Validation(vec![e]))?;
    let unit = if caller.is(Role::Unit) {
        caller.member_unit_id
    } else {
        match form.unit.trim() {
            "" => None,
            raw => Some(super::parse_id("unit", raw)?),
        }
    };
    if !may_write_notes(caller, unit) {
        return Err(Error::Forbidden);
    }
    let mut errors = Vec::new();
    let mut field = |name: &str, value: &str| {
        crate::error::text(name, value, false, NOTE_MAX_CHARS)
            .map_err(|e| errors.push(e))
            .unwrap_or_default()
    };
    let (practices, issues, next_steps) = (
        field("practices", &form.practices),
        field("issues", &form.issues),
        field("next_steps", &form.next_steps),
    );
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    if let Some(u) = unit
        && super::reference::unit_name(db, Some(u)).await?.is_none()
    {
        return Err(Error::field("unit", K::ErrUnknownUnit));
    }
    let code = period.code();
    super::retry(|| async {
        let actor = super::audit::Actor::of(caller);
        let txn = super::Write::begin_quiet(db).await?;
        let backend = txn.get_database_backend();
        let before = notes_row(&txn, &code, unit).await?;
        let now = chrono::Utc::now();
        match &before {
            Some(row) => {
                txn.execute_raw(super::sql(
                    backend,
                    "UPDATE report_notes SET practices = $1, issues = $2, next_steps = $3, updated_by = $4, updated_at = $5 WHERE id = $6",
                    vec![practices.clone().into(), issues.clone().into(), next_steps.clone().into(), caller.id.into(), now.into(), row.id.into()],
                ))
                .await?;
            }
            None => {
                txn.execute_raw(super::sql(
                    backend,
                    "INSERT INTO report_notes (period, unit_key, practices, issues, next_steps, updated_by, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    vec![code.clone().into(), unit.unwrap_or(0).into(), practices.clone().into(), issues.clone().into(), next_steps.clone().into(), caller.id.into(), now.into()],
                ))
                .await?;
            }
        }
        let text = |p: &str, i: &str, n: &str| serde_json::json!({"period": code, "unit": unit, "practices": p, "issues": i, "next_steps": n});
        super::audit::record(
            &txn,
            &actor,
            super::audit::Entry {
                action: if before.is_some() { "update" } else { "create" },
                entity: "report_notes",
                entity_id: unit,
                firm_id: None,
                before: before.as_ref().map(|b| text(&b.practices, &b.issues, &b.next_steps)),
                after: Some(text(&practices, &issues, &next_steps)),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    })
    .await
}

/// The report as a workbook: an overview, problems by measure, overdue items, typical cases.
/// Labels are in `locale` (the province files them in Chinese).
pub fn to_xlsx(r: &HalfYearReport, l: crate::i18n::Locale) -> Result<Vec<u8>, Error> {
    use super::sheets::{Table, write_xlsx_sheets};
    let s = |v: &dyn ToString| v.to_string();
    let pct = |v: f64| format!("{v:.1}%");
    let row = |label: K, value: String| vec![label.t(l).to_owned(), value];
    let unit = match l {
        crate::i18n::Locale::Zh => r.unit_zh.clone(),
        crate::i18n::Locale::En => r.unit_en.clone(),
    };
    let period = K::ReportPeriodRange.fill(
        l,
        &[
            ("period", r.period.clone()),
            ("from", s(&r.from)),
            ("to", s(&r.to)),
        ],
    );
    let p = &r.problems;
    let overview: Vec<Vec<String>> = vec![
        row(K::ReportUnit, unit),
        row(K::ReportPeriod, period),
        row(K::ReportFirmsServed, s(&r.firms_served)),
        row(K::ColVisited, s(&r.firms_visited)),
        row(K::ColSolved, s(&r.firms_solved)),
        row(K::ReportVisits, s(&r.visits_in_period)),
        row(K::ReportOnSiteVisits, s(&r.on_site_visits_in_period)),
        row(K::TileRaised, s(&p.raised)),
        row(K::ReportRaisedInPeriod, s(&r.raised_in_period)),
        row(K::ColConcluded, s(&p.concluded)),
        row(K::TileConcluded, pct(p.concluded_percent())),
        row(K::TileOnTime, pct(p.on_time_percent())),
        row(K::TileSolvedProblems, s(&p.solved)),
        row(K::ReportSolvedInPeriod, s(&r.solved_in_period)),
        row(K::RedOverdue, s(&p.overdue)),
        row(K::TileOverdue, pct(p.overdue_percent())),
        row(K::ReportAnswers, s(&p.answered)),
        row(K::TileSatisfied, pct(p.satisfied_percent())),
        row(K::ReportPractices, r.notes.practices.clone()),
        row(K::ReportIssues, r.notes.issues.clone()),
        row(K::ReportNextSteps, r.notes.next_steps.clone()),
    ];
    let measures: Vec<Vec<String>> = r
        .by_measure
        .iter()
        .map(|m| {
            vec![
                s(&m.measure_no),
                m.area_zh.clone(),
                m.name_zh.clone(),
                s(&m.raised),
                s(&m.solved),
                s(&m.open),
            ]
        })
        .collect();
    let overdue: Vec<Vec<String>> = r
        .overdue
        .iter()
        .map(|o| {
            vec![
                s(&o.problem_id),
                o.firm_name.clone(),
                o.units.clone(),
                s(&o.deadline),
                s(&o.days_overdue),
            ]
        })
        .collect();
    let cases: Vec<Vec<String>> = r
        .cases
        .iter()
        .map(|c| {
            vec![
                c.firm_name.clone(),
                c.measure_zh.clone(),
                c.description.clone(),
                c.response.clone(),
            ]
        })
        .collect();
    let t = |keys: &[K]| keys.iter().map(|k| k.t(l)).collect::<Vec<_>>();
    write_xlsx_sheets(&[
        (
            Table {
                sheet: K::SheetOverview.t(l),
                headers: t(&[K::ColItem, K::ColValue]),
                widths: vec![20.0, 40.0],
            },
            overview,
        ),
        (
            Table {
                sheet: K::SheetByMeasure.t(l),
                headers: t(&[
                    K::ColMeasureNo,
                    K::ColPolicyArea,
                    K::ColMeasure,
                    K::TileRaised,
                    K::ColSolvedProblems,
                    K::ColOpen,
                ]),
                widths: vec![6.0, 24.0, 48.0, 10.0, 10.0, 10.0],
            },
            measures,
        ),
        (
            Table {
                sheet: K::ReportOverdueList.t(l),
                headers: t(&[
                    K::ColProblemNo,
                    K::ColFirm,
                    K::ColUnits,
                    K::ColDeadline,
                    K::ColDaysOverdue,
                ]),
                widths: vec![10.0, 32.0, 32.0, 12.0, 10.0],
            },
            overdue,
        ),
        (
            Table {
                sheet: K::ReportCases.t(l),
                headers: t(&[K::ColFirm, K::ColMeasure, K::ColProblem, K::ColResponse]),
                widths: vec![30.0, 30.0, 50.0, 50.0],
            },
            cases,
        ),
    ])
}
