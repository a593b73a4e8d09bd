//! Firms (一户一档): the list with its filters and target columns (here), the firm file and a
//! coordinator's own firms (`file`), registering and correcting firms (`write`), the export
//! (`export`). The targets are counted by `crate::kpi` throughout.

mod export;
mod file;
mod write;

pub use export::{EXPORT_WIDTHS, export_headers, export_rows};
pub use file::{
    campaign_tiers, coordinator_of, file, file_for, mine, my_firms, profile, reveal_phone,
};
pub use write::{
    archive, archive_from, create, form_for, register, save, set_site_from_visit, update,
};

use super::{like_pattern, query_all, query_one};
use crate::auth::CurrentUser;
use crate::campaign::Campaign;
use crate::error::Error;
use crate::firm::*;
use crate::kpi::{self, sql::flag};
use crate::reference::{Region, Tier};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

#[derive(FromQueryResult)]
struct Row {
    id: i32,
    name: String,
    credit_code: String,
    region_id: i32,
    county: String,
    tier_id: i32,
    in_scope: i32,
    coordinator: Option<String>,
    visited: i32,
    solved: i32,
}

#[derive(FromQueryResult)]
struct Count {
    n: i64,
}

/// Builds the WHERE clause shared by the page of rows, their count and the export, over firm
/// `f` and the facts `t` reads (the query joins `t.join`). `only_of` limits the list to one
/// coordinator's current firms.
fn filters(
    q: &FirmQuery,
    t: &kpi::sql::TargetSql,
    only_of: Option<i32>,
    values: &mut Vec<Value>,
) -> String {
    let mut sql = String::from(" WHERE f.archived_at IS NULL");
    let push = |v: Value, values: &mut Vec<Value>| {
        values.push(v);
        values.len()
    };
    if let Some(coordinator) = only_of.or(q.coordinator) {
        let n = push(coordinator.into(), values);
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM assignments oa WHERE oa.firm_id = f.id AND oa.ended_at IS NULL AND oa.coordinator_id = ${n})"
        ));
        // A coordinator filtering by a colleague sees nothing rather than the colleague's firms.
        if let (Some(own), Some(other)) = (only_of, q.coordinator)
            && own != other
        {
            sql.push_str(" AND 1 = 0");
        }
    }
    if !q.q.is_empty() {
        let name = push(like_pattern(&q.q).into(), values);
        // Credit codes are stored upper-case; people type them in any case.
        let code = push(
            like_pattern(&crate::credit_code::normalise(&q.q)).into(),
            values,
        );
        // Phones are sealed: a query that is a whole phone number matches by its lookup hash
        // (exactly; a part of a number finds nothing, which is the point of sealing).
        let digits = q.q.chars().filter(char::is_ascii_digit).count();
        let phone_like = digits >= 7
            && q.q
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+'));
        let phone = if phone_like {
            // Without a key nothing matches; the key's absence is logged where it is read.
            let hash = crate::db::crypto::phone_hash(&q.q).unwrap_or_default();
            let n = push(hash.into(), values);
            format!(" OR f.contact_phone_hash = ${n}")
        } else {
            String::new()
        };
        sql.push_str(&format!(
            " AND (f.name LIKE ${name} ESCAPE '\\' OR f.credit_code LIKE ${code} ESCAPE '\\'
                   OR f.contact_name LIKE ${name} ESCAPE '\\'{phone})"
        ));
    }
    if q.unassigned {
        sql.push_str(" AND NOT EXISTS (SELECT 1 FROM assignments ua WHERE ua.firm_id = f.id AND ua.ended_at IS NULL)");
    }
    if let Some(r) = q.region {
        let n = push(r.id().into(), values);
        sql.push_str(&format!(" AND f.region_id = ${n}"));
    }
    if let Some(t) = q.tier {
        let n = push(t.id().into(), values);
        sql.push_str(&format!(" AND f.tier_id = ${n}"));
    }
    if !q.county.is_empty() {
        let n = push(like_pattern(&q.county).into(), values);
        sql.push_str(&format!(" AND f.county LIKE ${n} ESCAPE '\\'"));
    }
    if !q.industry.is_empty() {
        let n = push(like_pattern(&q.industry).into(), values);
        sql.push_str(&format!(" AND f.industry LIKE ${n} ESCAPE '\\'"));
    }
    if let Some(status) = q.status {
        // The targets are about counted firms; so are these filters, which is what makes the
        // dashboard's figures and the lists behind them agree.
        sql.push_str(&format!(" AND {}", t.counted));
        sql.push_str(&match status {
            TargetStatus::InScope => String::new(),
            TargetStatus::NotVisited => format!(" AND NOT {}", t.visited),
            TargetStatus::Visited => format!(" AND {}", t.visited),
            TargetStatus::NotSolved => format!(" AND NOT {}", t.solved),
            TargetStatus::Solved => format!(" AND {}", t.solved),
            TargetStatus::Both => format!(" AND {} AND {}", t.visited, t.solved),
        });
    }
    sql
}

fn order_by(sort: FirmSort) -> &'static str {
    match sort {
        FirmSort::Region => "f.region_id, f.id",
        FirmSort::Name => "f.name, f.id",
        FirmSort::Code => "f.credit_code",
        FirmSort::Recent => "f.updated_at DESC, f.id DESC",
    }
}

/// The target columns of one firm row (`in_scope`, `visited`, `solved` as 0/1): counted by
/// `crate::kpi`, so a firm that is archived or out of scope shows no target met.
fn target_columns(t: &kpi::sql::TargetSql) -> String {
    format!(
        "{} AS in_scope, {} AS visited, {} AS solved",
        flag(&t.counted),
        flag(&format!("{} AND {}", t.counted, t.visited)),
        flag(&format!("{} AND {}", t.counted, t.solved)),
    )
}

/// The window a list query counts the targets over: its `as_of`, or the campaign's default day.
pub fn window(campaign: &Campaign, q: &FirmQuery) -> kpi::Window {
    kpi::Window::new(
        campaign,
        q.as_of
            .unwrap_or_else(|| campaign.default_as_of(crate::clock::today())),
    )
}

/// The firms `user` may see (a coordinator: their own), filtered and paged.
pub async fn list_for(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    q: &FirmQuery,
    user: &CurrentUser,
) -> Result<FirmPage, Error> {
    user.require_business()?;
    list_scoped(db, campaign, q, (!user.sees_all_firms()).then_some(user.id)).await
}

/// Every firm, filtered and paged.
pub async fn list(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    q: &FirmQuery,
) -> Result<FirmPage, Error> {
    list_scoped(db, campaign, q, None).await
}

/// How many firms match the filters (all pages).
async fn count(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    q: &FirmQuery,
    only_of: Option<i32>,
) -> Result<u64, Error> {
    let mut values = Vec::new();
    let t = window(campaign, q).sql(&mut values);
    let count_where = filters(q, &t, only_of, &mut values);
    Ok(query_one::<Count>(
        db,
        &format!("SELECT COUNT(*) AS n FROM firms f{}{count_where}", t.join),
        values,
    )
    .await?
    .map_or(0, |c| u64::try_from(c.n).unwrap_or(0)))
}

/// The firm list as a user asks for it, from a page, a form or the JSON API alike: the raw
/// filters are parsed, the round they name (or the current one) chosen, and the page read
/// through the cache. A coordinator sees only their own firms.
pub async fn browse(
    db: &impl ConnectionTrait,
    cache: &super::dashboard::Cache,
    user: &CurrentUser,
    params: &FirmQueryParams,
) -> Result<FirmPage, Error> {
    let q = params.parse()?;
    let campaign = super::campaigns::by_id_or_current(db, q.campaign).await?;
    list_for_cached(db, cache, &campaign, &q, user).await
}

/// [`list_for`], with pages and the count of all matching firms (the expensive part of a page
/// of a large register) kept in `cache` until the data changes.
pub async fn list_for_cached(
    db: &impl ConnectionTrait,
    cache: &super::dashboard::Cache,
    campaign: &Campaign,
    q: &FirmQuery,
    user: &CurrentUser,
) -> Result<FirmPage, Error> {
    user.require_business()?;
    let only_of = (!user.sees_all_firms()).then_some(user.id);
    // The resolved day is part of the key: "today" moves at midnight.
    let key = format!(
        "{}|{}|{:?}|{}",
        campaign.id,
        window(campaign, q).as_of,
        only_of,
        q.to_query_string(1)
    );
    let page_key = format!("{key}|{}", q.page);
    let version = super::dashboard::data_version(db).await?;
    cache
        .page(page_key, version, async {
            let total = cache
                .count(key, version, count(db, campaign, q, only_of))
                .await?;
            page_of(db, campaign, q, only_of, total).await
        })
        .await
}

async fn list_scoped(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    q: &FirmQuery,
    only_of: Option<i32>,
) -> Result<FirmPage, Error> {
    let total = count(db, campaign, q, only_of).await?;
    page_of(db, campaign, q, only_of, total).await
}

async fn page_of(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    q: &FirmQuery,
    only_of: Option<i32>,
    total: u64,
) -> Result<FirmPage, Error> {
    let window = window(campaign, q);
    let mut values: Vec<Value> = Vec::new();
    // The page's ids are chosen in a subquery, the columns read outside it: each level joins
    // the facts itself.
    let outer = window.sql(&mut values);
    let columns = target_columns(&outer);
    let inner = window.sql(&mut values);
    let where_sql = filters(q, &inner, only_of, &mut values);
    values.push(i64::try_from(PAGE_SIZE).unwrap_or(20).into());
    let limit = values.len();
    values.push(i64::try_from((q.page - 1) * PAGE_SIZE).unwrap_or(0).into());
    let offset = values.len();
    let sql = format!(
        // The page's ids first (an index walk), then the columns for those rows only: the
        // target flags are probes per firm, not worth making for the rows skipped over.
        "SELECT f.id, f.name, f.credit_code, f.region_id, f.county, f.tier_id,
                u.name AS coordinator, {columns}
         FROM (SELECT f.id FROM firms f{inner_join} {where_sql} ORDER BY {order} LIMIT ${limit} OFFSET ${offset}) page
         JOIN firms f ON f.id = page.id{outer_join}
         LEFT JOIN assignments a ON a.firm_id = f.id AND a.ended_at IS NULL
         LEFT JOIN users u ON u.id = a.coordinator_id
         ORDER BY {order}",
        order = order_by(q.sort),
        inner_join = inner.join,
        outer_join = outer.join,
    );
    let rows = query_all::<Row>(db, &sql, values).await?;
    Ok(FirmPage {
        rows: rows
            .into_iter()
            .map(|r| FirmRow {
                id: r.id,
                name: r.name,
                credit_code: r.credit_code,
                region: Region::from_id(r.region_id).unwrap_or(Region::Xining),
                county: r.county,
                tier: Tier::from_id(r.tier_id).unwrap_or(Tier::Innovative),
                coordinator: r.coordinator,
                targets: Targets {
                    in_scope: r.in_scope != 0,
                    visited_on_site: r.visited != 0,
                    problem_solved: r.solved != 0,
                },
            })
            .collect(),
        total,
        page: q.page,
        page_size: PAGE_SIZE,
        basis: kpi::Basis::new(campaign, &window, crate::clock::today()),
    })
}
