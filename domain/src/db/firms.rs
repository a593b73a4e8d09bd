//! Firm list and firm file reads.

use super::entity::firm;
use super::{like_pattern, query_all, query_one};
use crate::auth::CurrentUser;
use crate::campaign::Campaign;
use crate::clock::date_of;
use crate::error::Error;
use crate::firm::*;
use crate::i18n::K;
use crate::kpi::{self, sql::flag};
use crate::problem::ProblemStatus;
use crate::reference::{Region, Tier};
use crate::visit::VisitKind;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, FromQueryResult, Value};
use std::collections::HashMap;

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

/// Builds the WHERE clause shared by the page of rows, their count and the export. `only_of`
/// limits the list to one coordinator's current firms.
fn filters(
    q: &FirmQuery,
    window: &kpi::Window,
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
        sql.push_str(&format!(
            " AND (f.name LIKE ${name} ESCAPE '\\' OR f.credit_code LIKE ${code} ESCAPE '\\'
                   OR f.contact_name LIKE ${name} ESCAPE '\\' OR f.contact_phone LIKE ${name} ESCAPE '\\')"
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
        let t = window.sql(values);
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
    let mut count_values = Vec::new();
    let count_where = filters(q, &window(campaign, q), only_of, &mut count_values);
    Ok(query_one::<Count>(
        db,
        &format!("SELECT COUNT(*) AS n FROM firms f{count_where}"),
        count_values,
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

/// One firm's file as a user asks for it (the id as it came in a path): who may read it is
/// checked, the targets are counted for the current round.
pub async fn file_for(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    raw_id: &str,
) -> Result<FirmFile, Error> {
    let id = super::parse_id("id", raw_id)?;
    super::access::ensure_can_view_firm(db, user, id).await?;
    let campaign = super::current_campaign(db).await?;
    file(db, &campaign, id).await
}

/// A coordinator's own firms (我的企业).
pub async fn mine(db: &impl ConnectionTrait, user: &CurrentUser) -> Result<MyFirms, Error> {
    user.require(&[crate::auth::Role::Coordinator])?;
    let campaign = super::current_campaign(db).await?;
    my_firms(db, &campaign, user.id, crate::clock::today()).await
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
    if let Some(page) = cache.page(&page_key, version) {
        return Ok(page);
    }
    let total = match cache.count(&key, version) {
        Some(n) => n,
        None => {
            let n = count(db, campaign, q, only_of).await?;
            cache.keep_count(key, version, n);
            n
        }
    };
    let page = page_of(db, campaign, q, only_of, total).await?;
    cache.keep_page(page_key, version, page.clone());
    Ok(page)
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
    let columns = target_columns(&window.sql(&mut values));
    let where_sql = filters(q, &window, only_of, &mut values);
    values.push(i64::try_from(PAGE_SIZE).unwrap_or(20).into());
    let limit = values.len();
    values.push(i64::try_from((q.page - 1) * PAGE_SIZE).unwrap_or(0).into());
    let offset = values.len();
    let sql = format!(
        // The page's ids first (an index walk), then the columns for those rows only: the
        // target flags are probes per firm, not worth making for the rows skipped over.
        "SELECT f.id, f.name, f.credit_code, f.region_id, f.county, f.tier_id,
                u.name AS coordinator, {columns}
         FROM (SELECT f.id FROM firms f {where_sql} ORDER BY {order} LIMIT ${limit} OFFSET ${offset}) page
         JOIN firms f ON f.id = page.id
         LEFT JOIN assignments a ON a.firm_id = f.id AND a.ended_at IS NULL
         LEFT JOIN users u ON u.id = a.coordinator_id
         ORDER BY {order}",
        order = order_by(q.sort)
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

#[derive(FromQueryResult)]
struct CoordinatorRow {
    id: i32,
    name: String,
    phone: String,
    member_unit: Option<String>,
    started_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct VisitRow {
    id: i32,
    visit_date: NaiveDate,
    kind: String,
    coordinator: String,
    participants: String,
    summary: String,
}

#[derive(FromQueryResult)]
struct ProblemRow {
    id: i32,
    raised_at: DateTime<Utc>,
    measure_id: i32,
    measure_zh: String,
    measure_en: String,
    description: String,
    status: String,
    deadline: NaiveDate,
    version: i32,
    unit_response: Option<String>,
    satisfaction: Option<String>,
    solved_at: Option<DateTime<Utc>>,
}

#[derive(FromQueryResult)]
struct TierRow {
    tier_id: i32,
}

/// The tiers in a campaign's scope.
pub async fn campaign_tiers(
    db: &impl ConnectionTrait,
    campaign_id: i32,
) -> Result<Vec<Tier>, Error> {
    Ok(query_all::<TierRow>(
        db,
        "SELECT tier_id FROM campaign_tiers WHERE campaign_id = $1 ORDER BY tier_id",
        vec![campaign_id.into()],
    )
    .await?
    .into_iter()
    .filter_map(|r| Tier::from_id(r.tier_id))
    .collect())
}

#[derive(FromQueryResult)]
struct UnitRow {
    problem_id: i32,
    name_zh: String,
}

pub async fn coordinator_of(
    db: &impl ConnectionTrait,
    firm_id: i32,
) -> Result<Option<CoordinatorRef>, Error> {
    let row = query_one::<CoordinatorRow>(
        db,
        "SELECT u.id, u.name, u.phone, mu.name_zh AS member_unit, a.started_at
         FROM assignments a JOIN users u ON u.id = a.coordinator_id
         LEFT JOIN member_units mu ON mu.id = u.member_unit_id
         WHERE a.firm_id = $1 AND a.ended_at IS NULL",
        vec![firm_id.into()],
    )
    .await?;
    Ok(row.map(|r| CoordinatorRef {
        id: r.id,
        name: r.name,
        phone: r.phone,
        member_unit: r.member_unit,
        since: r.started_at,
    }))
}

pub async fn profile(db: &impl ConnectionTrait, firm_id: i32) -> Result<firm::Model, Error> {
    firm::Entity::find_by_id(firm_id)
        .one(db)
        .await?
        .ok_or(Error::not_found(K::EntityFirm))
}

/// The firm file (一户一档): profile, coordinator, targets and the timeline, newest first.
pub async fn file(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    firm_id: i32,
) -> Result<FirmFile, Error> {
    let f = profile(db, firm_id).await?;
    let coordinator = coordinator_of(db, firm_id).await?;
    let visits = query_all::<VisitRow>(
        db,
        "SELECT v.id, v.visit_date, v.kind, u.name AS coordinator, v.participants, v.summary
         FROM visits v JOIN users u ON u.id = v.coordinator_id
         WHERE v.firm_id = $1 ORDER BY v.visit_date DESC, v.id DESC",
        vec![firm_id.into()],
    )
    .await?;
    let problems = query_all::<ProblemRow>(
        db,
        "SELECT p.id, p.raised_at, p.measure_id, m.name_zh AS measure_zh, m.name_en AS measure_en,
                p.description, p.status, p.deadline, p.version, p.unit_response, p.satisfaction,
                p.solved_at
         FROM problems p JOIN measures m ON m.id = p.measure_id
         WHERE p.firm_id = $1 ORDER BY p.raised_at DESC, p.id DESC",
        vec![firm_id.into()],
    )
    .await?;
    let units = query_all::<UnitRow>(
        db,
        "SELECT pu.problem_id, mu.name_zh FROM problem_units pu
         JOIN member_units mu ON mu.id = pu.member_unit_id
         JOIN problems p ON p.id = pu.problem_id
         WHERE p.firm_id = $1 ORDER BY mu.id",
        vec![firm_id.into()],
    )
    .await?;
    let mut units_of: HashMap<i32, Vec<String>> = HashMap::new();
    for u in units {
        units_of.entry(u.problem_id).or_default().push(u.name_zh);
    }

    // The firm's rows are in hand: the targets are counted by the Rust text of the rule.
    let today = crate::clock::today();
    let window = kpi::Window::new(campaign, campaign.default_as_of(today));
    let tiers = campaign_tiers(db, campaign.id).await?;
    let tier = Tier::from_id(f.tier_id).unwrap_or(Tier::Innovative);
    let office_override = f.scope_reason.is_some().then_some(f.in_scope);
    let counted = kpi::counted(
        kpi::in_scope(tier, office_override, &tiers),
        f.archived_at.is_some(),
    );
    let targets = kpi::firm_targets(
        &window,
        counted,
        visits
            .iter()
            .filter_map(|v| Some((VisitKind::from_code(&v.kind)?, v.visit_date))),
        problems
            .iter()
            .filter_map(|p| Some((ProblemStatus::from_code(&p.status)?, p.solved_at))),
    );
    let mut timeline: Vec<TimelineEntry> = visits
        .into_iter()
        .map(|v| {
            TimelineEntry::Visit(VisitEntry {
                id: v.id,
                date: v.visit_date,
                kind: VisitKind::from_code(&v.kind).unwrap_or(VisitKind::OnSite),
                coordinator: v.coordinator,
                participants: v.participants,
                summary: v.summary,
            })
        })
        .chain(problems.into_iter().map(|p| {
            TimelineEntry::Problem(ProblemEntry {
                id: p.id,
                raised_on: date_of(p.raised_at),
                measure_no: p.measure_id,
                measure_zh: p.measure_zh,
                measure_en: p.measure_en,
                description: p.description,
                status: ProblemStatus::from_code(&p.status).unwrap_or(ProblemStatus::Routed),
                deadline: p.deadline,
                units: units_of.remove(&p.id).unwrap_or_default(),
                version: p.version,
                unit_response: p.unit_response,
                satisfaction: p.satisfaction,
            })
        }))
        .collect();
    // Newest first; on the same day a visit comes before the problems it found.
    timeline.sort_by(|a, b| {
        b.date().cmp(&a.date()).then_with(|| {
            matches!(b, TimelineEntry::Visit(_)).cmp(&matches!(a, TimelineEntry::Visit(_)))
        })
    });

    Ok(FirmFile {
        firm: FirmProfile {
            id: f.id,
            name: f.name,
            credit_code: f.credit_code,
            region: Region::from_id(f.region_id).unwrap_or(Region::Xining),
            county: f.county,
            industry: f.industry,
            tier: Tier::from_id(f.tier_id).unwrap_or(Tier::Innovative),
            contact_name: f.contact_name,
            contact_phone: f.contact_phone,
            address: f.address,
            archived: f.archived_at.is_some(),
        },
        targets,
        basis: kpi::Basis::new(campaign, &window, today),
        coordinator,
        timeline,
    })
}

#[derive(FromQueryResult)]
struct MyRow {
    id: i32,
    name: String,
    region_id: i32,
    county: String,
    in_scope: i32,
    visited: i32,
    solved: i32,
    open_problems: i64,
    next_deadline: Option<NaiveDate>,
}

/// A coordinator's current firms (我的企业), what needs action first, with the targets counted
/// for the campaign as of its default day.
pub async fn my_firms(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    coordinator_id: i32,
    today: NaiveDate,
) -> Result<MyFirms, Error> {
    let window = kpi::Window::new(campaign, campaign.default_as_of(today));
    let mut values: Vec<Value> = Vec::new();
    let columns = target_columns(&window.sql(&mut values));
    values.push(coordinator_id.into());
    let me = values.len();
    let open = ProblemStatus::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| format!("'{}'", s.code()))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = query_all::<MyRow>(
        db,
        &format!(
            "SELECT f.id, f.name, f.region_id, f.county, {columns},
                    (SELECT COUNT(*) FROM problems p WHERE p.firm_id = f.id
                       AND p.status IN ({open})) AS open_problems,
                    (SELECT MIN(p.deadline) FROM problems p WHERE p.firm_id = f.id
                       AND p.status IN ({open})) AS next_deadline
             FROM firms f
             JOIN assignments a ON a.firm_id = f.id AND a.ended_at IS NULL AND a.coordinator_id = ${me}
             WHERE f.archived_at IS NULL"
        ),
        values,
    )
    .await?;
    let mut firms: Vec<MyFirm> = rows
        .into_iter()
        .map(|r| MyFirm {
            id: r.id,
            name: r.name,
            region: Region::from_id(r.region_id).unwrap_or(Region::Xining),
            county: r.county,
            targets: Targets {
                in_scope: r.in_scope != 0,
                visited_on_site: r.visited != 0,
                problem_solved: r.solved != 0,
            },
            open_problems: u64::try_from(r.open_problems).unwrap_or(0),
            next_deadline: r.next_deadline,
        })
        .collect();
    sort_for_action(&mut firms, today);
    Ok(MyFirms {
        firms,
        today,
        basis: kpi::Basis::new(campaign, &window, today),
    })
}

fn apply(model: &mut firm::ActiveModel, f: ValidFirm) {
    use sea_orm::Set;
    model.credit_code = Set(f.credit_code.to_string());
    model.name = Set(f.name);
    model.region_id = Set(f.region.id());
    model.county = Set(f.county);
    model.industry = Set(f.industry);
    model.tier_id = Set(f.tier.id());
    model.in_scope = Set(f.in_scope);
    model.scope_reason = Set(f.scope_reason);
    model.contact_name = Set(f.contact_name);
    model.contact_phone = Set(f.contact_phone);
    model.address = Set(f.address);
    model.updated_at = Set(chrono::Utc::now());
}

fn duplicate(e: sea_orm::DbErr) -> Error {
    if super::is_unique_violation(&e) {
        Error::Conflict(crate::error::FieldError::new(
            "credit_code",
            K::ErrCreditDuplicate,
        ))
    } else {
        e.into()
    }
}

/// The office registers a firm (一户一档); its credit code must be valid and new.
pub async fn create<C: ConnectionTrait + sea_orm::TransactionTrait>(
    db: &C,
    f: ValidFirm,
    by: &CurrentUser,
    actor: &super::audit::Actor,
) -> Result<firm::Model, Error> {
    use sea_orm::{ActiveModelTrait, Set, TransactionSession};
    by.require(&[crate::auth::Role::Office])?;
    let txn = db.begin().await?;
    let mut model = firm::ActiveModel {
        archived_at: Set(None),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    };
    apply(&mut model, f);
    let created = model.insert(&txn).await.map_err(duplicate)?;
    super::audit::record(
        &txn,
        actor,
        super::audit::Entry {
            action: "create",
            entity: "firm",
            entity_id: Some(created.id),
            firm_id: Some(created.id),
            before: None,
            after: super::audit::snapshot(&created),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Changes one firm as the office, in one transaction with its before/after audit entry.
async fn change<C: ConnectionTrait + sea_orm::TransactionTrait>(
    db: &C,
    id: i32,
    by: &CurrentUser,
    actor: &super::audit::Actor,
    action: &str,
    edit: impl FnOnce(&mut firm::ActiveModel),
) -> Result<firm::Model, Error> {
    use sea_orm::{ActiveModelTrait, TransactionSession};
    by.require(&[crate::auth::Role::Office])?;
    let txn = db.begin().await?;
    let before = profile(&txn, id).await?;
    let mut model: firm::ActiveModel = before.clone().into();
    edit(&mut model);
    let after = model.update(&txn).await.map_err(duplicate)?;
    let entry = super::audit::Entry {
        action,
        entity: "firm",
        entity_id: Some(id),
        firm_id: Some(id),
        before: super::audit::snapshot(&before),
        after: super::audit::snapshot(&after),
    };
    super::audit::record(&txn, actor, entry).await?;
    txn.commit().await?;
    Ok(after)
}

/// The office corrects a firm's profile; the audit keeps before and after.
pub async fn update<C: ConnectionTrait + sea_orm::TransactionTrait>(
    db: &C,
    id: i32,
    f: ValidFirm,
    by: &CurrentUser,
    actor: &super::audit::Actor,
) -> Result<firm::Model, Error> {
    change(db, id, by, actor, "update", |m| apply(m, f)).await
}

/// Archives a firm: it leaves lists and counts, its file and history stay.
pub async fn archive<C: ConnectionTrait + sea_orm::TransactionTrait>(
    db: &C,
    id: i32,
    by: &CurrentUser,
    actor: &super::audit::Actor,
) -> Result<firm::Model, Error> {
    change(db, id, by, actor, "archive", |m| {
        m.archived_at = sea_orm::Set(Some(chrono::Utc::now()))
    })
    .await
}

#[derive(FromQueryResult)]
struct ExportRow {
    name: String,
    credit_code: String,
    region_id: i32,
    county: String,
    industry: String,
    tier_id: i32,
    contact_name: String,
    contact_phone: String,
    address: String,
    in_scope: i32,
    coordinator: Option<String>,
    visited: i32,
    solved: i32,
}

/// The export's columns: the import's own (so an exported file imports back unchanged), then
/// what the office reads but does not import.
pub fn export_headers() -> Vec<&'static str> {
    use crate::import::{Columns, FirmColumn};
    let mut headers: Vec<&'static str> = FirmColumn::ALL.iter().map(|c| c.header()).collect();
    let zh = crate::i18n::Locale::Zh;
    headers.extend(
        [
            K::ColCoordinator,
            K::ColInScope,
            K::ColVisited,
            K::ColSolved,
        ]
        .map(|k| k.t(zh)),
    );
    headers
}

pub const EXPORT_WIDTHS: [f64; 13] = [
    22.0, 36.0, 16.0, 12.0, 14.0, 26.0, 10.0, 16.0, 36.0, 12.0, 12.0, 10.0, 10.0,
];

/// Every firm `user` may see that matches the list's filters (all pages), as export rows in
/// [`export_headers`] order.
pub async fn export_rows(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    q: &FirmQuery,
    user: &CurrentUser,
) -> Result<Vec<Vec<String>>, Error> {
    let only_of = (!user.sees_all_firms()).then_some(user.id);
    let window = window(campaign, q);
    let mut values: Vec<Value> = Vec::new();
    let columns = target_columns(&window.sql(&mut values));
    let where_sql = filters(q, &window, only_of, &mut values);
    let rows = query_all::<ExportRow>(
        db,
        &format!(
            "SELECT f.name, f.credit_code, f.region_id, f.county, f.industry, f.tier_id,
                    f.contact_name, f.contact_phone, f.address,
                    u.name AS coordinator, {columns}
             FROM firms f
             LEFT JOIN assignments a ON a.firm_id = f.id AND a.ended_at IS NULL
             LEFT JOIN users u ON u.id = a.coordinator_id
             {where_sql}
             ORDER BY {order}",
            order = order_by(q.sort),
        ),
        values,
    )
    .await?;
    let zh = crate::i18n::Locale::Zh;
    let yes_no = |b: bool| if b { K::Yes } else { K::No }.t(zh).to_owned();
    Ok(rows
        .into_iter()
        .map(|r| {
            vec![
                r.credit_code,
                r.name,
                Region::from_id(r.region_id)
                    .map(Region::name_zh)
                    .unwrap_or_default()
                    .to_owned(),
                r.county,
                r.industry,
                Tier::from_id(r.tier_id)
                    .map(Tier::name_zh)
                    .unwrap_or_default()
                    .to_owned(),
                r.contact_name,
                r.contact_phone,
                r.address,
                r.coordinator.unwrap_or_default(),
                yes_no(r.in_scope != 0),
                yes_no(r.visited != 0),
                yes_no(r.solved != 0),
            ]
        })
        .collect())
}
