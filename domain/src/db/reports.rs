//! The half-year report (每半年报送) of a member unit, or of the whole province, generated from
//! the records. Cumulative figures are the dashboard's as of the period's last day (the same
//! queries), so the report and the dashboard cannot disagree.

use super::dashboard::{by_measure, overdue_list};
use super::query_all;
use crate::campaign::Campaign;
use crate::clock::day_end_utc;
use crate::dashboard::{CaseLine, HalfYear, HalfYearReport, ProblemFigures};
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

pub async fn half_year(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    period: HalfYear,
    unit: Option<i32>,
) -> Result<HalfYearReport, Error> {
    let (from, to) = (period.first_day(), period.last_day());
    let dash = super::dashboard::compute(db, campaign, to).await?;
    let (unit_zh, unit_en) = match unit {
        None => ("全省".to_owned(), "The province".to_owned()),
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

/// The report as a workbook: an overview, problems by measure, overdue items, typical cases.
pub fn to_xlsx(r: &HalfYearReport) -> Result<Vec<u8>, Error> {
    use super::sheets::{Table, write_xlsx_sheets};
    let s = |v: &dyn ToString| v.to_string();
    let pct = |v: f64| format!("{v:.1}%");
    let overview: Vec<Vec<String>> = vec![
        vec!["报送单位".into(), r.unit_zh.clone()],
        vec![
            "报送期".into(),
            format!("{}（{} 至 {}）", r.period, r.from, r.to),
        ],
        vec!["服务企业数".into(), s(&r.firms_served)],
        vec!["已实地走访企业".into(), s(&r.firms_visited)],
        vec!["已解决困难企业".into(), s(&r.firms_solved)],
        vec!["本期走访次数".into(), s(&r.visits_in_period)],
        vec!["其中实地走访".into(), s(&r.on_site_visits_in_period)],
        vec!["累计收到问题".into(), s(&r.problems.raised)],
        vec!["本期新增问题".into(), s(&r.raised_in_period)],
        vec!["累计办结".into(), s(&r.problems.concluded)],
        vec!["办结率".into(), pct(r.problems.concluded_percent())],
        vec!["按时办结率".into(), pct(r.problems.on_time_percent())],
        vec!["累计解决".into(), s(&r.problems.solved)],
        vec!["本期解决".into(), s(&r.solved_in_period)],
        vec!["超期未办结".into(), s(&r.problems.overdue)],
        vec!["超期率".into(), pct(r.problems.overdue_percent())],
        vec!["企业评价".into(), s(&r.problems.answered)],
        vec!["满意率".into(), pct(r.problems.satisfied_percent())],
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
    write_xlsx_sheets(&[
        (
            Table {
                sheet: "概况",
                headers: vec!["项目", "数值"],
                widths: vec![20.0, 40.0],
            },
            overview,
        ),
        (
            Table {
                sheet: "问题按措施",
                headers: vec!["措施", "政策领域", "措施名称", "问题数", "已解决", "未办结"],
                widths: vec![6.0, 24.0, 48.0, 10.0, 10.0, 10.0],
            },
            measures,
        ),
        (
            Table {
                sheet: "超期事项",
                headers: vec!["问题编号", "企业", "承办单位", "办理时限", "超期天数"],
                widths: vec![10.0, 32.0, 32.0, 12.0, 10.0],
            },
            overdue,
        ),
        (
            Table {
                sheet: "典型案例",
                headers: vec!["企业", "措施", "问题", "办理情况"],
                widths: vec![30.0, 30.0, 50.0, 50.0],
            },
            cases,
        ),
    ])
}
