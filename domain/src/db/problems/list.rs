//! The leaders' problem list: the problems a dashboard figure counts as of its day, narrowed by
//! unit, measure and region. It reads the same per-problem facts as the figures (through
//! `Figure::sql`), so a tile's number and its list's total agree.

use super::super::{campaigns, parse_optional_id, query_all, query_one};
use crate::auth::{Caller, Role};
use crate::clock;
use crate::error::{Error, FieldError};
use crate::i18n::K;
use crate::kpi::problems::Figure;
use crate::problem::{
    PROBLEM_LIST_PAGE, ProblemList, ProblemListParams, ProblemListRow, ProblemStatus,
};
use crate::reference::Region;
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

#[derive(FromQueryResult)]
struct Row {
    id: i32,
    firm_id: i32,
    firm_name: String,
    region_id: i32,
    measure_id: i32,
    measure_zh: String,
    measure_en: String,
    description: String,
    status: String,
    deadline: NaiveDate,
    /// 1 when overdue as of the list's day, by the overdue figure's own rule.
    overdue: i32,
}

#[derive(FromQueryResult)]
struct Total {
    n: i64,
}

/// A page of the list, for the office, leaders and member units.
pub async fn list(
    db: &impl ConnectionTrait,
    caller: &Caller,
    params: &ProblemListParams,
) -> Result<ProblemList, Error> {
    caller.require(&[Role::Office, Role::Leader, Role::Unit])?;
    let text = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_owned();
    let campaign = campaigns::chosen(db, params.campaign.as_deref()).await?;
    let as_of = campaign.as_of_param(params.as_of.as_deref(), clock::today())?;
    let mut errors = Vec::new();
    let figure = match text(&params.figure).as_str() {
        "" => Some(Figure::Raised),
        raw => Figure::parse(raw).or_else(|| {
            errors.push(FieldError::new("figure", K::ErrBadFilter));
            None
        }),
    };
    let mut ok = |r: Result<Option<i32>, Error>| match r {
        Ok(v) => v,
        Err(e) => {
            errors.extend(e.field_errors().iter().cloned());
            None
        }
    };
    let unit = ok(parse_optional_id("unit", &text(&params.unit)));
    let measure = ok(parse_optional_id("measure", &text(&params.measure)));
    let region = match text(&params.region).as_str() {
        "" => None,
        raw => Region::parse_id("region", raw)
            .map_err(|e| errors.push(e))
            .ok(),
    };
    let page = match text(&params.page).as_str() {
        "" => Some(1),
        raw => raw
            .parse::<u64>()
            .ok()
            .filter(|p| (1..=100_000).contains(p))
            .or_else(|| {
                errors.push(FieldError::new("page", K::ErrBadPage));
                None
            }),
    };
    let (Some(figure), Some(page)) = (figure, page) else {
        return Err(Error::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }

    let mut values: Vec<Value> = vec![campaign.id.into(), as_of.into()];
    let mut filter = format!("pp.campaign_id = $1 AND {}", figure.sql("$2"));
    if let Some(u) = unit {
        values.push(u.into());
        filter.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM problem_units pu WHERE pu.problem_id = pp.problem_id AND pu.member_unit_id = ${})",
            values.len()
        ));
    }
    if let Some(m) = measure {
        values.push(m.into());
        filter.push_str(&format!(" AND pp.measure_id = ${}", values.len()));
    }
    if let Some(r) = region {
        values.push(r.id().into());
        filter.push_str(&format!(" AND f.region_id = ${}", values.len()));
    }
    if text(&params.supervised) == "1" {
        filter.push_str(
            " AND EXISTS (SELECT 1 FROM supervisions s WHERE s.problem_id = pp.problem_id)",
        );
    }
    let from = "FROM problem_progress pp JOIN problems p ON p.id = pp.problem_id
                JOIN firms f ON f.id = p.firm_id JOIN measures m ON m.id = pp.measure_id";
    let total = query_one::<Total>(
        db,
        &format!("SELECT COUNT(*) AS n {from} WHERE {filter}"),
        values.clone(),
    )
    .await?
    .map(|t| u64::try_from(t.n).unwrap_or(0))
    .unwrap_or(0);
    let pages = total.div_ceil(PROBLEM_LIST_PAGE).max(1);
    values.push(i64::try_from(PROBLEM_LIST_PAGE).unwrap_or(50).into());
    let limit = values.len();
    values.push(
        i64::try_from((page - 1) * PROBLEM_LIST_PAGE)
            .unwrap_or(0)
            .into(),
    );
    let offset = values.len();
    let overdue = Figure::Overdue.sql("$2");
    let rows = query_all::<Row>(
        db,
        &format!(
            "SELECT pp.problem_id AS id, p.firm_id, f.name AS firm_name, f.region_id, pp.measure_id,
                    m.name_zh AS measure_zh, m.name_en AS measure_en, p.description, p.status, pp.deadline,
                    CASE WHEN {overdue} THEN 1 ELSE 0 END AS overdue
             {from} WHERE {filter}
             ORDER BY pp.deadline, pp.problem_id LIMIT ${limit} OFFSET ${offset}"
        ),
        values,
    )
    .await?;
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let mut units = super::unit_names(db, &ids).await?;
    let calendar = crate::db::calendar::load(db).await?;
    let orders = crate::db::supervisions::for_problems(db, &ids).await?;
    Ok(ProblemList {
        rows: rows
            .into_iter()
            .map(|r| ProblemListRow {
                supervisions: orders.get(&r.id).map_or(0, |o| o.len() as u32),
                unanswered: orders
                    .get(&r.id)
                    .map_or(0, |o| o.iter().filter(|s| s.reply.is_none()).count() as u32),
                days_overdue: if r.overdue != 0 {
                    calendar.working_days_between(r.deadline, as_of, Some(r.region_id))
                } else {
                    0
                },
                units: units.remove(&r.id).unwrap_or_default().join("、"),
                id: r.id,
                firm_id: r.firm_id,
                firm_name: r.firm_name,
                region_id: r.region_id,
                measure_id: r.measure_id,
                measure_zh: r.measure_zh,
                measure_en: r.measure_en,
                description: r.description,
                status: ProblemStatus::from_code(&r.status).unwrap_or(ProblemStatus::Routed),
                deadline: r.deadline,
            })
            .collect(),
        total,
        page,
        pages,
        campaign_id: campaign.id,
        as_of,
        figure,
        params: params.clone(),
        units: crate::db::reference::units(db).await?,
        measures: crate::db::reference::measure_groups(db).await?,
    })
}
