//! The firm file (一户一档) and a coordinator's own firms: profile, coordinator, targets counted
//! by `crate::kpi`, the timeline.

use super::target_columns;
use crate::auth::CurrentUser;
use crate::campaign::Campaign;
use crate::clock::date_of;
use crate::db::entity::firm;
use crate::db::{query_all, query_one};
use crate::error::Error;
use crate::firm::*;
use crate::i18n::K;
use crate::kpi::{self};
use crate::problem::ProblemStatus;
use crate::reference::{Region, Tier};
use crate::visit::VisitKind;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, FromQueryResult, Value};

/// One firm's file as a user asks for it (the id as it came in a path): who may read it is
/// checked, the targets are counted for the current round.
pub async fn file_for(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    raw_id: &str,
) -> Result<FirmFile, Error> {
    let id = crate::db::parse_id("id", raw_id)?;
    crate::db::access::ensure_can_view_firm(db, user, id).await?;
    let campaign = crate::db::current_campaign(db).await?;
    let mut file = file(db, &campaign, id).await?;
    if !crate::db::access::sees_phones_of_firm(db, user, id).await? {
        file.firm.contact_phone = crate::auth::mask_phone(&file.firm.contact_phone);
        if let Some(c) = file.coordinator.as_mut() {
            c.phone = crate::auth::mask_phone(&c.phone);
        }
        file.phones_masked = true;
    }
    Ok(file)
}

/// The use case "show the phone number" on a file where it is masked: the full number, and an
/// audit entry saying who looked at whose number. `whose` is `contact` or `coordinator`.
pub async fn reveal_phone(
    db: &crate::db::Db,
    caller: &crate::auth::Caller,
    raw_id: &str,
    whose: &str,
) -> Result<String, Error> {
    let id = crate::db::parse_id("id", raw_id)?;
    crate::db::access::ensure_can_view_firm(db, caller, id).await?;
    let campaign = crate::db::current_campaign(db).await?;
    let file = file(db, &campaign, id).await?;
    let phone = match whose.trim() {
        "contact" => file.firm.contact_phone,
        "coordinator" => file
            .coordinator
            .map(|c| c.phone)
            .ok_or(Error::not_found(crate::i18n::K::EntityUser))?,
        _ => return Err(Error::field("whose", crate::i18n::K::ErrValidation)),
    };
    crate::db::audit::record_standalone(
        db,
        &crate::db::audit::Actor::of(caller),
        "reveal_phone",
        "firm",
        serde_json::json!({ "firm_id": id, "whose": whose.trim() }),
    )
    .await?;
    Ok(phone)
}

/// A coordinator's own firms (我的企业).
pub async fn mine(db: &impl ConnectionTrait, user: &CurrentUser) -> Result<MyFirms, Error> {
    user.require(&[crate::auth::Role::Coordinator])?;
    let campaign = crate::db::current_campaign(db).await?;
    my_firms(db, &campaign, user.id, crate::clock::today()).await
}

#[derive(FromQueryResult)]
struct CoordinatorRow {
    id: i32,
    name: String,
    phone: crate::db::crypto::Sealed,
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
    created_at: DateTime<Utc>,
    captured_at: Option<DateTime<Utc>>,
    latitude_e6: Option<i32>,
    longitude_e6: Option<i32>,
    accuracy_m: Option<i32>,
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
        phone: r.phone.into_inner(),
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
        "SELECT v.id, v.visit_date, v.kind, u.name AS coordinator, v.participants, v.summary,
                v.created_at, v.captured_at, v.latitude_e6, v.longitude_e6, v.accuracy_m
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
    let ids: Vec<i32> = problems.iter().map(|p| p.id).collect();
    // The units' names, the lead unit first (one reader for every page that lists them).
    let mut units_of = crate::db::problems::unit_names(db, &ids).await?;
    let calendar = crate::db::calendar::load(db).await?;
    let mut orders = crate::db::supervisions::for_problems(db, &ids).await?;
    let mut clocks =
        crate::db::clocks::for_problems(db, &calendar, &ids, chrono::Utc::now()).await?;

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
    let site = f.site();
    let mut timeline: Vec<TimelineEntry> = visits
        .into_iter()
        .map(|v| {
            let position =
                crate::visit::Position::from_columns(v.latitude_e6, v.longitude_e6, v.accuracy_m);
            TimelineEntry::Visit(VisitEntry {
                id: v.id,
                date: v.visit_date,
                kind: VisitKind::from_code(&v.kind).unwrap_or(VisitKind::OnSite),
                coordinator: v.coordinator,
                participants: v.participants,
                summary: v.summary,
                received_at: v.created_at,
                captured_at: v.captured_at,
                position,
                from_site: site.zip(position).map(|(s, p)| s.proximity(p)),
            })
        })
        .chain(problems.into_iter().map(|p| {
            let status = ProblemStatus::from_code(&p.status).unwrap_or(ProblemStatus::Routed);
            TimelineEntry::Problem(ProblemEntry {
                supervisions: orders.remove(&p.id).unwrap_or_default(),
                clocks: clocks.remove(&p.id).unwrap_or_default(),
                urgency: calendar.urgency(
                    status.is_open().then_some(p.deadline),
                    today,
                    Some(f.region_id),
                ),
                id: p.id,
                raised_on: date_of(p.raised_at),
                measure_no: p.measure_id,
                measure_zh: p.measure_zh,
                measure_en: p.measure_en,
                description: p.description,
                status,
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
            contact_phone: f.contact_phone.into_inner(),
            address: f.address,
            site,
            archived: f.archived_at.is_some(),
        },
        targets,
        basis: kpi::Basis::new(campaign, &window, today),
        coordinator,
        timeline,
        phones_masked: false,
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
    last_visit: Option<NaiveDate>,
    contact_name: String,
    contact_phone: crate::db::crypto::Sealed,
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
    let t = window.sql(&mut values);
    let columns = target_columns(&t);
    values.push(coordinator_id.into());
    let me = values.len();
    let open = ProblemStatus::open_codes_sql();
    let rows = query_all::<MyRow>(
        db,
        &format!(
            "SELECT f.id, f.name, f.region_id, f.county, {columns},
                    (SELECT COUNT(*) FROM problems p WHERE p.firm_id = f.id
                       AND p.status IN ({open})) AS open_problems,
                    (SELECT MIN(p.deadline) FROM problems p WHERE p.firm_id = f.id
                       AND p.status IN ({open})) AS next_deadline,
                    (SELECT MAX(v.visit_date) FROM visits v WHERE v.firm_id = f.id) AS last_visit,
                    f.contact_name, f.contact_phone
             FROM firms f{join}
             JOIN assignments a ON a.firm_id = f.id AND a.ended_at IS NULL AND a.coordinator_id = ${me}
             WHERE f.archived_at IS NULL",
            join = t.join,
        ),
        values,
    )
    .await?;
    let calendar = crate::db::calendar::load(db).await?;
    let mut firms: Vec<MyFirm> = rows
        .into_iter()
        .map(|r| MyFirm {
            urgency: calendar.urgency(r.next_deadline, today, Some(r.region_id)),
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
            last_visit: r.last_visit,
            contact_name: r.contact_name,
            // The coordinator calls the firm: never masked here.
            contact_phone: r.contact_phone.into_inner(),
        })
        .collect();
    sort_for_action(&mut firms);
    Ok(MyFirms {
        firms,
        today,
        basis: kpi::Basis::new(campaign, &window, today),
    })
}
