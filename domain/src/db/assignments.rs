//! One firm, one coordinator (一企一员): assigning coordinators to firms, one or many at a time,
//! and handing a firm over to another coordinator. The history stays: a handover ends the old
//! assignment (when, by whom, why) and starts a new one. The database allows one open
//! assignment per firm; this service keeps to that inside one transaction.

use super::audit::{self, Actor, Entry};
use super::entity::{assignment, user};
use super::query_all;
use super::{Db, Write, progress, retry};
use crate::auth::{Caller, CurrentUser, Role};
use crate::error::{Error, FieldError, text};
pub use crate::firm::{CoordinatorOption, HistoryRow, WorkloadRow};
use crate::i18n::K;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outcome {
    pub assigned: u32,
    pub handed_over: u32,
    pub unchanged: u32,
}

/// An assignment as the office sent it: from the firm file's form, the firm list's bulk form
/// (the ticked boxes) or the JSON API.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignForm {
    pub firm_ids: Vec<String>,
    pub coordinator_id: String,
    /// Required when a firm changes coordinator (a handover).
    pub reason: String,
}

/// The use case "assign firms", as every entry point calls it: parses what the office sent,
/// then [`assign`].
pub async fn assign_from(db: &Db, caller: &Caller, form: &AssignForm) -> Result<Outcome, Error> {
    // Who may assign is checked before the input, so others learn nothing from its errors.
    caller.require(&[Role::Office])?;
    let firm_ids = form
        .firm_ids
        .iter()
        .map(|f| super::parse_id("firm_ids", f))
        .collect::<Result<Vec<_>, _>>()?;
    let coordinator = super::parse_id("coordinator_id", &form.coordinator_id)?;
    assign(db, caller, &firm_ids, coordinator, &form.reason).await
}

/// Gives `firm_ids` to `coordinator_id`. Firms that have another coordinator are handed over,
/// which needs a reason; firms already with this coordinator are left alone. All or nothing.
pub async fn assign(
    db: &Db,
    caller: &Caller,
    firm_ids: &[i32],
    coordinator_id: i32,
    reason: &str,
) -> Result<Outcome, Error> {
    retry(|| assign_once(db, caller, firm_ids, coordinator_id, reason)).await
}

async fn assign_once(
    db: &Db,
    caller: &Caller,
    firm_ids: &[i32],
    coordinator_id: i32,
    reason: &str,
) -> Result<Outcome, Error> {
    let (by, actor) = (&caller.user, &Actor::of(caller));
    by.require(&[Role::Office])?;
    if firm_ids.is_empty() {
        return Err(Error::field("firms", K::ErrNoFirmsChosen));
    }
    let reason = text("reason", reason, false, 500).map_err(|e| Error::Validation(vec![e]))?;
    let coordinator = user::Entity::find_by_id(coordinator_id).one(db).await?;
    if !coordinator
        .as_ref()
        .is_some_and(|u| u.active && u.role == Role::Coordinator.code())
    {
        return Err(Error::field("coordinator", K::ErrNotACoordinator));
    }
    let txn = Write::begin(db).await?;
    let now = Utc::now();
    let mut outcome = Outcome::default();
    for &firm_id in firm_ids {
        super::firms::profile(&txn, firm_id).await?;
        let open = assignment::Entity::find()
            .filter(assignment::Column::FirmId.eq(firm_id))
            .filter(assignment::Column::EndedAt.is_null())
            .one(&txn)
            .await?;
        match open {
            Some(a) if a.coordinator_id == coordinator_id => {
                outcome.unchanged += 1;
                continue;
            }
            Some(a) => {
                if reason.is_empty() {
                    return Err(Error::Validation(vec![FieldError::new(
                        "reason",
                        K::ErrReasonRequired,
                    )]));
                }
                let before = a.clone();
                let mut ended: assignment::ActiveModel = a.into();
                ended.ended_at = Set(Some(now));
                ended.ended_by = Set(Some(by.id));
                ended.end_reason = Set(Some(reason.clone()));
                let ended = ended.update(&txn).await?;
                audit::record(
                    &txn,
                    actor,
                    Entry {
                        action: "handover",
                        entity: "assignment",
                        entity_id: Some(ended.id),
                        firm_id: Some(firm_id),
                        before: audit::snapshot(&before),
                        after: audit::snapshot(&ended),
                    },
                )
                .await?;
                outcome.handed_over += 1;
            }
            None => outcome.assigned += 1,
        }
        let created = assignment::ActiveModel {
            firm_id: Set(firm_id),
            coordinator_id: Set(coordinator_id),
            started_at: Set(now),
            ended_at: Set(None),
            reason: Set(reason.clone()),
            assigned_by: Set(Some(by.id)),
            ended_by: Set(None),
            end_reason: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            actor,
            Entry {
                action: "assign",
                entity: "assignment",
                entity_id: Some(created.id),
                firm_id: Some(firm_id),
                before: None,
                after: audit::snapshot(&created),
            },
        )
        .await?;
    }
    progress::refresh(&txn, firm_ids).await?;
    txn.commit().await?;
    Ok(outcome)
}

/// A firm's coordinators, newest first.
/// The use case "a firm's coordinator history": whoever may read the firm (the id as it came).
pub async fn history_for(
    db: &impl ConnectionTrait,
    caller: &Caller,
    firm_id: &str,
) -> Result<Vec<HistoryRow>, Error> {
    let firm_id = super::parse_id("id", firm_id)?;
    super::access::ensure_can_view_firm(db, caller, firm_id).await?;
    history(db, firm_id).await
}

pub async fn history(db: &impl ConnectionTrait, firm_id: i32) -> Result<Vec<HistoryRow>, Error> {
    query_all::<HistoryRow>(
        db,
        "SELECT u.name AS coordinator, a.started_at, a.ended_at, a.reason, a.end_reason, b.name AS assigned_by
         FROM assignments a JOIN users u ON u.id = a.coordinator_id LEFT JOIN users b ON b.id = a.assigned_by
         WHERE a.firm_id = $1 ORDER BY a.started_at DESC, a.id DESC",
        vec![firm_id.into()],
    )
    .await
}

pub async fn coordinators(db: &impl ConnectionTrait) -> Result<Vec<CoordinatorOption>, Error> {
    query_all::<CoordinatorOption>(
        db,
        "SELECT u.id, u.name, mu.name_zh AS member_unit,
                (SELECT COUNT(*) FROM assignments a WHERE a.coordinator_id = u.id AND a.ended_at IS NULL) AS firms
         FROM users u LEFT JOIN member_units mu ON mu.id = u.member_unit_id
         WHERE u.role = 'coordinator' AND u.active = $1 ORDER BY u.name, u.id",
        vec![true.into()],
    )
    .await
}

/// The roster as the office or a leader opens it, for the current round.
pub async fn roster(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
) -> Result<crate::firm::Workload, Error> {
    user.require(&[Role::Office, Role::Leader])?;
    let campaign = super::current_campaign(db).await?;
    let mut roster = workload(db, &campaign, crate::clock::today()).await?;
    // The office calls its coordinators; leaders read the roster without their numbers.
    if !user.is(Role::Office) {
        for r in &mut roster.rows {
            r.phone = crate::auth::mask_phone(&r.phone);
        }
    }
    Ok(roster)
}

/// The roster: every active coordinator with their current firms, how many of those are counted
/// for the campaign and how many of these met each target (`crate::kpi`), most loaded first.
pub async fn workload(
    db: &impl ConnectionTrait,
    campaign: &crate::campaign::Campaign,
    today: chrono::NaiveDate,
) -> Result<crate::firm::Workload, Error> {
    use crate::kpi::{self, sql::flag};
    let window = kpi::Window::new(campaign, campaign.default_as_of(today));
    let mut values = Vec::new();
    let t = window.sql(&mut values);
    values.push(true.into());
    let active = values.len();
    let mut rows = query_all::<WorkloadRow>(
        db,
        &format!(
            "SELECT u.id, u.name, u.phone, mu.name_zh AS member_unit, COUNT(f.id) AS firms,
                    COALESCE(SUM({in_scope}), 0) AS in_scope,
                    COALESCE(SUM({visited}), 0) AS visited,
                    COALESCE(SUM({solved}), 0) AS solved
             FROM users u
             LEFT JOIN member_units mu ON mu.id = u.member_unit_id
             LEFT JOIN assignments a ON a.coordinator_id = u.id AND a.ended_at IS NULL
             LEFT JOIN firms f ON f.id = a.firm_id AND f.archived_at IS NULL{join}
             WHERE u.role = 'coordinator' AND u.active = ${active}
             GROUP BY u.id, u.name, u.phone, mu.name_zh
             ORDER BY COUNT(f.id) DESC, u.name",
            join = t.join,
            in_scope = flag(&t.counted),
            visited = flag(&format!("{} AND {}", t.counted, t.visited)),
            solved = flag(&format!("{} AND {}", t.counted, t.solved)),
        ),
        values,
    )
    .await?;
    super::crypto::open_rows(&mut rows, |r| &mut r.phone)?;
    Ok(crate::firm::Workload {
        rows,
        unassigned: unassigned_count(db).await?,
        basis: kpi::Basis::new(campaign, &window, today),
    })
}

#[derive(sea_orm::FromQueryResult)]
struct Count {
    n: i64,
}

/// Firms (not archived) without a coordinator.
pub async fn unassigned_count(db: &impl ConnectionTrait) -> Result<u64, Error> {
    let c = super::query_one::<Count>(
        db,
        "SELECT COUNT(*) AS n FROM firms f WHERE f.archived_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.firm_id = f.id AND a.ended_at IS NULL)",
        vec![],
    )
    .await?;
    Ok(c.map_or(0, |c| u64::try_from(c.n).unwrap_or(0)))
}
