//! Problems through their lifecycle: raised with a visit and routed to the member units the
//! notice names for the measure; claimed, answered and closed by a unit; solved only when the
//! firm confirms (by its one-time link, or in a follow-up call the office or coordinator records).
//! Every move is an event and an audit entry, in one transaction, guarded by the problem's
//! version so that two people acting at once cannot overwrite each other.

mod confirm;
mod list;
mod moves;

pub use confirm::{
    LINK_DAYS, Via, confirm_by_call, confirm_by_link, confirmation_link, create_link, link_view,
    record_call, record_link_answer,
};
pub use list::list;
pub use moves::{act, make_move};

use super::audit::{self, Actor, Entry};
use super::entity::{problem, problem_event, problem_unit};
use super::{query_all, query_one};
use crate::auth::{CurrentUser, Role};
use crate::clock;
use crate::error::Error;
use crate::i18n::K;
use crate::problem::{ProblemStatus, QueueRow, ValidProblem};
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, Set,
};

/// The unit that takes problems of measures the notice gives to "every member unit": the
/// department that hosts the leading group's office.
pub const DEFAULT_UNIT: &str = "省工业和信息化厅";

#[derive(FromQueryResult)]
struct UnitId {
    id: i32,
}

#[derive(FromQueryResult)]
struct RouteRow {
    measure_id: i32,
    member_unit_id: Option<i32>,
}

/// Where a problem under each measure goes, as the notice names its units: the one routing
/// rule, read by the raising of a problem and shown on the visit form before submitting.
/// Measures given to "every member unit" (or to none) go to [`DEFAULT_UNIT`].
pub async fn route_table(db: &impl ConnectionTrait) -> Result<Vec<(i32, Vec<i32>)>, Error> {
    let rows = query_all::<RouteRow>(
        db,
        "SELECT m.id AS measure_id, mu.member_unit_id FROM measures m
         LEFT JOIN measure_units mu ON mu.measure_id = m.id AND m.all_members = $1
         ORDER BY m.id, mu.is_lead DESC, mu.member_unit_id",
        vec![false.into()],
    )
    .await?;
    let default = query_one::<UnitId>(
        db,
        "SELECT id FROM member_units WHERE name_zh = $1",
        vec![DEFAULT_UNIT.into()],
    )
    .await?
    .map(|u| u.id);
    let mut table: Vec<(i32, Vec<i32>)> = Vec::new();
    for r in rows {
        match table.last_mut() {
            Some((m, units)) if *m == r.measure_id => units.extend(r.member_unit_id),
            _ => table.push((r.measure_id, r.member_unit_id.into_iter().collect())),
        }
    }
    for (_, units) in &mut table {
        if units.is_empty() {
            units.extend(default);
        }
    }
    Ok(table)
}

/// The member units a problem under `measure_id` goes to ([`route_table`]'s row).
pub async fn units_for_measure(
    db: &impl ConnectionTrait,
    measure_id: i32,
) -> Result<Vec<i32>, Error> {
    Ok(route_table(db)
        .await?
        .into_iter()
        .find(|(m, _)| *m == measure_id)
        .map(|(_, units)| units)
        .unwrap_or_default())
}

/// Raises a problem found on a visit (inside the visit's transaction).
pub async fn raise(
    db: &impl ConnectionTrait,
    firm_id: i32,
    visit_id: Option<i32>,
    input: &ValidProblem,
    raised_on: NaiveDate,
    actor: &Actor,
) -> Result<problem::Model, Error> {
    let now = Utc::now();
    let days = input.deadline_working_days;
    let deadline = super::calendar::deadline_for(db, firm_id, raised_on, days).await?;
    let model = problem::ActiveModel {
        firm_id: Set(firm_id),
        visit_id: Set(visit_id),
        measure_id: Set(input.measure_id),
        description: Set(input.description.clone()),
        status: Set(ProblemStatus::Routed.code().to_owned()),
        deadline: Set(deadline),
        time_limit_days: Set(Some(i32::try_from(days).unwrap_or(i32::MAX))),
        claim_limit_hours: Set(i32::try_from(input.claim_limit_hours).unwrap_or(i32::MAX)),
        callback_limit_days: Set(i32::try_from(input.callback_limit_days).unwrap_or(i32::MAX)),
        raised_by: Set(actor.user_id),
        raised_at: Set(now),
        claimed_at: Set(None),
        responded_at: Set(None),
        closed_at: Set(None),
        solved_at: Set(None),
        unit_response: Set(None),
        status_reason: Set(None),
        confirmed_via: Set(None),
        satisfaction: Set(None),
        firm_comment: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    // The coordinator may route to another unit than the notice names; it must exist.
    let units = match input.unit_id {
        Some(unit) => {
            let known = super::reference::unit_name(db, Some(unit)).await?;
            if known.is_none() {
                return Err(Error::field("unit", K::ErrUnknownUnit));
            }
            vec![unit]
        }
        None => units_for_measure(db, input.measure_id).await?,
    };
    if !units.is_empty() {
        // The first unit leads (the route table puts the notice's lead first).
        problem_unit::Entity::insert_many(units.iter().enumerate().map(|(i, u)| {
            problem_unit::ActiveModel {
                problem_id: Set(model.id),
                member_unit_id: Set(*u),
                is_lead: Set(i == 0),
            }
        }))
        .exec(db)
        .await?;
    }
    event(db, model.id, None, ProblemStatus::Routed, actor, "").await?;
    audit::record(
        db,
        actor,
        Entry {
            action: "create",
            entity: "problem",
            entity_id: Some(model.id),
            firm_id: Some(firm_id),
            before: None,
            after: Some(serde_json::json!({"problem": audit::snapshot(&model), "units": units})),
        },
    )
    .await?;
    Ok(model)
}

pub(super) async fn event(
    db: &impl ConnectionTrait,
    problem_id: i32,
    from: Option<ProblemStatus>,
    to: ProblemStatus,
    actor: &Actor,
    note: &str,
) -> Result<(), Error> {
    problem_event::ActiveModel {
        problem_id: Set(problem_id),
        from_status: Set(from.map(|s| s.code().to_owned())),
        to_status: Set(to.code().to_owned()),
        actor_id: Set(actor.user_id),
        note: Set(note.to_owned()),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    // Whoever must act next hears of it in the same transaction.
    super::notifications::status_changed(db, problem_id, from, to, actor).await?;
    Ok(())
}
/// The units a problem is routed to, the lead unit first.
pub async fn routed_to(db: &impl ConnectionTrait, problem_id: i32) -> Result<Vec<i32>, Error> {
    Ok(problem_unit::Entity::find()
        .filter(problem_unit::Column::ProblemId.eq(problem_id))
        .order_by_desc(problem_unit::Column::IsLead)
        .order_by_asc(problem_unit::Column::MemberUnitId)
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.member_unit_id)
        .collect())
}
#[derive(FromQueryResult)]
struct UnitOf {
    problem_id: i32,
    name_zh: String,
}

/// The names of the units each of these problems is routed to, the lead unit first, then the
/// co-handlers in the units' order.
pub async fn unit_names(
    db: &impl ConnectionTrait,
    problem_ids: &[i32],
) -> Result<std::collections::HashMap<i32, Vec<String>>, Error> {
    let mut out: std::collections::HashMap<i32, Vec<String>> = Default::default();
    // Bounded batches of integers read from the database by the caller.
    for chunk in problem_ids.chunks(500) {
        let ids: Vec<String> = chunk.iter().map(i32::to_string).collect();
        for u in query_all::<UnitOf>(
            db,
            &format!(
                "SELECT pu.problem_id, mu.name_zh FROM problem_units pu
                 JOIN member_units mu ON mu.id = pu.member_unit_id
                 WHERE pu.problem_id IN ({}) ORDER BY pu.is_lead DESC, mu.id",
                ids.join(", ")
            ),
            vec![],
        )
        .await?
        {
            out.entry(u.problem_id).or_default().push(u.name_zh);
        }
    }
    Ok(out)
}

/// The lead unit of each of these problems.
pub async fn lead_units(
    db: &impl ConnectionTrait,
    problem_ids: &[i32],
) -> Result<std::collections::HashMap<i32, i32>, Error> {
    let mut out = std::collections::HashMap::new();
    for chunk in problem_ids.chunks(500) {
        for u in problem_unit::Entity::find()
            .filter(problem_unit::Column::ProblemId.is_in(chunk.iter().copied()))
            .filter(problem_unit::Column::IsLead.eq(true))
            .all(db)
            .await?
        {
            out.insert(u.problem_id, u.member_unit_id);
        }
    }
    Ok(out)
}

/// Problems routed to a unit (the office: to any unit) that still need someone: open ones first,
/// then closed ones waiting for the firm, each group by deadline.
pub async fn queue(db: &impl ConnectionTrait, user: &CurrentUser) -> Result<Vec<QueueRow>, Error> {
    let (scope, values): (&str, Vec<sea_orm::Value>) = match (user.role, user.member_unit_id) {
        (Role::Office | Role::Leader, _) => ("", vec![]),
        (Role::Unit, Some(unit)) => (
            " AND EXISTS (SELECT 1 FROM problem_units pu WHERE pu.problem_id = p.id AND pu.member_unit_id = $1)",
            vec![unit.into()],
        ),
        _ => return Err(Error::Forbidden),
    };
    #[derive(FromQueryResult)]
    struct Row {
        id: i32,
        firm_id: i32,
        region_id: i32,
        firm_name: String,
        measure_id: i32,
        measure_zh: String,
        description: String,
        status: String,
        deadline: NaiveDate,
        version: i32,
        unit_response: Option<String>,
    }
    let rows = query_all::<Row>(
        db,
        &format!(
            "SELECT p.id, p.firm_id, f.region_id, f.name AS firm_name, p.measure_id, m.name_zh AS measure_zh,
                    p.description, p.status, p.deadline, p.version, p.unit_response
             FROM problems p JOIN firms f ON f.id = p.firm_id JOIN measures m ON m.id = p.measure_id
             WHERE p.status IN ('routed', 'claimed', 'responded', 'closed'){scope}
             ORDER BY CASE WHEN p.status = 'closed' THEN 1 ELSE 0 END, p.deadline, p.id
             LIMIT 500"
        ),
        values,
    )
    .await?;
    let calendar = super::calendar::load(db).await?;
    let today = clock::today();
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let mut orders = super::supervisions::for_problems(db, &ids).await?;
    let mut clocks = super::clocks::for_problems(db, &calendar, &ids, Utc::now()).await?;
    let mut names = unit_names(db, &ids).await?;
    let leads = lead_units(db, &ids).await?;
    let viewer_unit = (user.role == Role::Unit)
        .then_some(user.member_unit_id)
        .flatten();
    Ok(rows
        .into_iter()
        .map(|r| {
            let open = ProblemStatus::from_code(&r.status).is_some_and(ProblemStatus::is_open);
            QueueRow {
                units: names.remove(&r.id).unwrap_or_default(),
                co_handling: viewer_unit.is_some_and(|u| leads.get(&r.id) != Some(&u)),
                urgency: calendar.urgency(open.then_some(r.deadline), today, Some(r.region_id)),
                supervisions: orders.remove(&r.id).unwrap_or_default(),
                clocks: clocks.remove(&r.id).unwrap_or_default(),
                id: r.id,
                firm_id: r.firm_id,
                firm_name: r.firm_name,
                measure_id: r.measure_id,
                measure_zh: r.measure_zh,
                description: r.description,
                status: r.status,
                deadline: r.deadline,
                version: r.version,
                unit_response: r.unit_response,
            }
        })
        .collect())
}

/// Today's date as the problem pages compare deadlines against it.
pub fn today() -> NaiveDate {
    clock::today()
}
