//! The working-rules sweep, run by every server instance on a timer (and by `zhuqi sweep
//! --as-of DAY`, a controllable clock): 催办 reminders to the units and the coordinator
//! `remind_before_days` working days before a deadline and on the day, a 催办 to the units when
//! nobody claimed a problem within its 签收 hours, and 督办 of problems overdue by
//! `escalate_after_days`. Each reminder is made once (its notification's unique key), each
//! order once (the supervisions' partial unique index), however many instances sweep.

use super::audit::{self, Actor, Entry};
use super::{Db, Write, query_all, retry};
use crate::clock;
use crate::error::Error;
use crate::notice::NoticeKind;
use crate::problem::ProblemStatus;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::FromQueryResult;

/// What one sweep did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Problems reminded of a near deadline or of the deadline day.
    pub reminded: usize,
    /// Problems reminded that nobody claimed them in time.
    pub claim_late: usize,
    /// 督办 orders given.
    pub supervised: usize,
}

/// A claim reminder is only sent for a 签收 clock that ran out this recently: a sweep that
/// starts on old data does not flood the units with reminders about last year.
const CLAIM_LATE_WINDOW_DAYS: i64 = 7;

#[derive(FromQueryResult)]
struct Open {
    id: i32,
    firm_id: i32,
    region_id: i32,
    status: String,
    deadline: NaiveDate,
    raised_at: DateTime<Utc>,
    claim_limit_hours: i32,
}

/// Sweeps as of the Beijing day `today` (the instant: now, or the end of that day when it is
/// not today).
pub async fn run(db: &Db, today: NaiveDate) -> Result<SweepReport, Error> {
    let now = if today == clock::today() {
        Utc::now()
    } else {
        clock::day_end_utc(today) - Duration::seconds(1)
    };
    let rules = super::rules::get(db).await?;
    let calendar = super::calendar::load(db).await?;
    let open = ProblemStatus::open_codes_sql();
    // Deadlines from today to a horizon that holds `remind_before_days` working days even
    // across a week-long holiday, and problems still waiting to be claimed.
    let horizon = today + Duration::days(i64::from(rules.remind_before_days) * 3 + 14);
    let rows = query_all::<Open>(
        db,
        &format!(
            "SELECT p.id, p.firm_id, f.region_id, p.status, p.deadline, p.raised_at, p.claim_limit_hours
             FROM problems p JOIN firms f ON f.id = p.firm_id
             WHERE p.status IN ({open}) AND p.concluded_on IS NULL
               AND ((p.deadline >= $1 AND p.deadline <= $2) OR (p.status = 'routed' AND p.raised_at >= $3))
             ORDER BY p.id"
        ),
        vec![
            today.into(),
            horizon.into(),
            (now - Duration::days(CLAIM_LATE_WINDOW_DAYS + 30)).into(),
        ],
    )
    .await?;
    let mut report = SweepReport::default();
    for p in rows {
        let region = Some(p.region_id);
        let left = calendar.working_days_between(today, p.deadline, region);
        let reminder = if p.deadline == today {
            Some((
                NoticeKind::RemindDue,
                format!("remind_due:{}:{}", p.id, p.deadline),
            ))
        } else if p.deadline > today && left <= i64::from(rules.remind_before_days) {
            Some((
                NoticeKind::RemindBefore,
                format!("remind_before:{}:{}", p.id, p.deadline),
            ))
        } else {
            None
        };
        if let Some((kind, key)) = reminder {
            let detail = p.deadline.to_string();
            if remind(db, &p, kind, &detail, &key, true).await? {
                report.reminded += 1;
            }
        }
        if p.status == ProblemStatus::Routed.code() {
            let hours = u32::try_from(p.claim_limit_hours).unwrap_or(0);
            let due = calendar.add_working_hours(p.raised_at, hours, region);
            if due < now && now - due <= Duration::days(CLAIM_LATE_WINDOW_DAYS) {
                let detail = hours.to_string();
                let key = format!("claim_late:{}", p.id);
                if remind(db, &p, NoticeKind::ClaimLate, &detail, &key, false).await? {
                    report.claim_late += 1;
                }
            }
        }
    }
    report.supervised =
        super::supervisions::escalate_overdue(db, today, i64::from(rules.escalate_after_days))
            .await?;
    Ok(report)
}

/// One 催办, in its own transaction with its audit entry; false if it was made before (by
/// this or another instance) or the problem has nobody to tell.
async fn remind(
    db: &Db,
    p: &Open,
    kind: NoticeKind,
    detail: &str,
    key: &str,
    with_coordinator: bool,
) -> Result<bool, Error> {
    retry(|| async {
        let txn = Write::begin_quiet(db).await?;
        let made =
            super::notifications::remind(&txn, kind, p.id, p.firm_id, detail, key, with_coordinator)
                .await?;
        if made > 0 {
            audit::record(
                &txn,
                &Actor::system("reminder"),
                Entry {
                    action: "remind",
                    entity: "problem",
                    entity_id: Some(p.id),
                    firm_id: Some(p.firm_id),
                    before: None,
                    after: Some(serde_json::json!({ "kind": kind.code(), "detail": detail, "recipients": made })),
                },
            )
            .await?;
        }
        txn.commit().await?;
        Ok(made > 0)
    })
    .await
}
