//! Notifications: written in the transaction of the action they tell about (a transactional
//! outbox), read in the app's notification centre, and delivered by e-mail and webhook by the
//! server's outbox worker through `deliveries`.
//!
//! Exactly once with several server instances: a delivery row is created by the instance
//! that will send it, `INSERT … ON CONFLICT (notification_id, channel) DO NOTHING`, so of two
//! instances looking at the same notification one gets the row and the other nothing. A
//! failed delivery is retried with backoff; a row whose sender died mid-send is taken over
//! when its lease ends (the lease is much longer than any send's timeout).

use super::audit::{self, Actor, Entry};
use super::{Db, Write, parse_id, query_all, query_one, retry, sql};
use crate::auth::{Caller, Role};
use crate::error::Error;
use crate::notice::{DeliveryCount, NOTIFICATION_PAGE, NoticeKind, Notification, NotificationPage};
use crate::problem::ProblemStatus;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

#[derive(FromQueryResult)]
struct UserId {
    id: i32,
    role: String,
}

#[derive(FromQueryResult)]
struct FirmOf {
    firm_id: i32,
}

/// Writes one notification to each recipient (not to whoever caused it). With a `dedupe` key,
/// a recipient gets it once however often this is called (the sweep, on every instance).
#[allow(clippy::too_many_arguments)]
async fn notify(
    db: &impl ConnectionTrait,
    recipients: Vec<UserId>,
    kind: NoticeKind,
    problem_id: Option<i32>,
    firm_id: Option<i32>,
    detail: &str,
    dedupe: Option<&str>,
    actor: Option<i32>,
) -> Result<usize, Error> {
    let mut made = 0;
    let now = Utc::now();
    let mut seen = std::collections::HashSet::new();
    for user in recipients {
        if Some(user.id) == actor || !seen.insert(user.id) {
            continue;
        }
        let link = link_for(&user.role, firm_id, problem_id);
        let key = dedupe.map(|k| format!("{k}:u{}", user.id));
        let done = db
            .execute_raw(sql(
                db.get_database_backend(),
                "INSERT INTO notifications (user_id, kind, problem_id, firm_id, detail, link, dedupe_key, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dedupe_key) DO NOTHING",
                vec![
                    user.id.into(),
                    kind.code().into(),
                    problem_id.into(),
                    firm_id.into(),
                    detail.into(),
                    link.into(),
                    key.into(),
                    now.into(),
                ],
            ))
            .await?;
        made += usize::try_from(done.rows_affected()).unwrap_or(0);
    }
    Ok(made)
}

/// Where a recipient acts on a problem: a unit in its queue, everyone else on the firm file.
fn link_for(role: &str, firm_id: Option<i32>, problem_id: Option<i32>) -> String {
    let anchor = problem_id
        .map(|p| format!("#problem-{p}"))
        .unwrap_or_default();
    match (Role::from_code(role), firm_id) {
        (Some(Role::Unit), _) => format!("/queue{anchor}"),
        (_, Some(f)) => format!("/firms/{f}{anchor}"),
        _ => "/".to_owned(),
    }
}

/// The active handlers of the units a problem is routed to.
async fn unit_handlers(db: &impl ConnectionTrait, problem_id: i32) -> Result<Vec<UserId>, Error> {
    query_all::<UserId>(
        db,
        "SELECT u.id, u.role FROM users u JOIN problem_units pu ON pu.member_unit_id = u.member_unit_id
         WHERE pu.problem_id = $1 AND u.role = 'unit' AND u.active = $2 ORDER BY u.id",
        vec![problem_id.into(), true.into()],
    )
    .await
}

/// The firm's current coordinator (if active).
async fn coordinator(db: &impl ConnectionTrait, firm_id: i32) -> Result<Vec<UserId>, Error> {
    query_all::<UserId>(
        db,
        "SELECT u.id, u.role FROM users u JOIN assignments a ON a.coordinator_id = u.id
         WHERE a.firm_id = $1 AND a.ended_at IS NULL AND u.active = $2",
        vec![firm_id.into(), true.into()],
    )
    .await
}

async fn office(db: &impl ConnectionTrait) -> Result<Vec<UserId>, Error> {
    query_all::<UserId>(
        db,
        "SELECT id, role FROM users WHERE role = 'office' AND active = $1 ORDER BY id",
        vec![true.into()],
    )
    .await
}

async fn firm_of(db: &impl ConnectionTrait, problem_id: i32) -> Result<i32, Error> {
    Ok(query_one::<FirmOf>(
        db,
        "SELECT firm_id FROM problems WHERE id = $1",
        vec![problem_id.into()],
    )
    .await?
    .ok_or(Error::Internal)?
    .firm_id)
}

/// Tells who must act next when a problem changes status (called with every status event,
/// in its transaction).
pub(crate) async fn status_changed(
    db: &impl ConnectionTrait,
    problem_id: i32,
    from: Option<ProblemStatus>,
    to: ProblemStatus,
    actor: &Actor,
) -> Result<(), Error> {
    use ProblemStatus::*;
    let kind = match (from, to) {
        (None, Routed) => NoticeKind::Routed,
        (_, Responded) => NoticeKind::Responded,
        (_, Closed) => NoticeKind::Closed,
        (_, Unsolvable) => NoticeKind::Unsolvable,
        (Some(Closed | Unsolvable), Claimed) => NoticeKind::Reopened,
        (_, Solved) => NoticeKind::Solved,
        (_, Withdrawn) => NoticeKind::Withdrawn,
        _ => return Ok(()),
    };
    let firm_id = firm_of(db, problem_id).await?;
    let to_coordinator = matches!(
        kind,
        NoticeKind::Responded | NoticeKind::Closed | NoticeKind::Unsolvable
    );
    let recipients = if to_coordinator {
        coordinator(db, firm_id).await?
    } else {
        unit_handlers(db, problem_id).await?
    };
    notify(
        db,
        recipients,
        kind,
        Some(problem_id),
        Some(firm_id),
        "",
        None,
        actor.user_id,
    )
    .await?;
    Ok(())
}

/// 督办: the units handling the problem are told (in the order's transaction).
pub(crate) async fn supervised(
    db: &impl ConnectionTrait,
    problem_id: i32,
    firm_id: i32,
    instruction: &str,
    actor: Option<i32>,
) -> Result<(), Error> {
    let units = unit_handlers(db, problem_id).await?;
    notify(
        db,
        units,
        NoticeKind::Supervised,
        Some(problem_id),
        Some(firm_id),
        &crate::notice::quote(instruction),
        None,
        actor,
    )
    .await?;
    Ok(())
}

/// A unit replied to a 督办: the office is told (in the reply's transaction).
pub(crate) async fn supervision_replied(
    db: &impl ConnectionTrait,
    problem_id: i32,
    firm_id: i32,
    reply: &str,
    actor: Option<i32>,
) -> Result<(), Error> {
    let office = office(db).await?;
    notify(
        db,
        office,
        NoticeKind::SupervisionReplied,
        Some(problem_id),
        Some(firm_id),
        &crate::notice::quote(reply),
        None,
        actor,
    )
    .await?;
    Ok(())
}

/// 催办 from the sweep: the units and the coordinator, once per `dedupe` key.
pub(crate) async fn remind(
    db: &impl ConnectionTrait,
    kind: NoticeKind,
    problem_id: i32,
    firm_id: i32,
    detail: &str,
    dedupe: &str,
    with_coordinator: bool,
) -> Result<usize, Error> {
    let mut to = unit_handlers(db, problem_id).await?;
    if with_coordinator {
        to.extend(coordinator(db, firm_id).await?);
    }
    notify(
        db,
        to,
        kind,
        Some(problem_id),
        Some(firm_id),
        detail,
        Some(dedupe),
        None,
    )
    .await
}

#[derive(FromQueryResult)]
struct Row {
    id: i32,
    kind: String,
    problem_id: Option<i32>,
    firm_id: Option<i32>,
    firm_name: Option<String>,
    detail: String,
    link: String,
    created_at: DateTime<Utc>,
    read_at: Option<DateTime<Utc>>,
}

impl Row {
    fn into_notification(self) -> Option<Notification> {
        Some(Notification {
            id: self.id,
            kind: NoticeKind::from_code(&self.kind)?,
            problem_id: self.problem_id,
            firm_id: self.firm_id,
            firm_name: self.firm_name.unwrap_or_default(),
            detail: self.detail,
            link: self.link,
            created_at: self.created_at,
            read: self.read_at.is_some(),
        })
    }
}

#[derive(FromQueryResult)]
struct Count {
    n: i64,
}

fn count(n: Option<Count>) -> u64 {
    n.map_or(0, |c| u64::try_from(c.n).unwrap_or(0))
}

/// The header's badge: a user's unread notifications.
pub async fn unread(db: &impl ConnectionTrait, user_id: i32) -> Result<u64, Error> {
    Ok(count(
        query_one::<Count>(
            db,
            "SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL",
            vec![user_id.into()],
        )
        .await?,
    ))
}

/// A page of the caller's notifications, newest first. Every role has its own.
pub async fn list(
    db: &impl ConnectionTrait,
    caller: &Caller,
    page: &str,
) -> Result<NotificationPage, Error> {
    let page = match page.trim() {
        "" => 1,
        raw => raw
            .parse::<u64>()
            .ok()
            .filter(|p| (1..=100_000).contains(p))
            .ok_or_else(|| Error::field("page", crate::i18n::K::ErrBadPage))?,
    };
    let total = count(
        query_one::<Count>(
            db,
            "SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1",
            vec![caller.id.into()],
        )
        .await?,
    );
    let offset = i64::try_from((page - 1) * NOTIFICATION_PAGE).unwrap_or(i64::MAX);
    let rows = query_all::<Row>(
        db,
        "SELECT n.id, n.kind, n.problem_id, n.firm_id, f.name AS firm_name, n.detail, n.link,
                n.created_at, n.read_at
         FROM notifications n LEFT JOIN firms f ON f.id = n.firm_id
         WHERE n.user_id = $1 ORDER BY n.id DESC LIMIT $2 OFFSET $3",
        vec![
            caller.id.into(),
            i64::try_from(NOTIFICATION_PAGE).unwrap_or(30).into(),
            offset.into(),
        ],
    )
    .await?;
    Ok(NotificationPage {
        rows: rows
            .into_iter()
            .filter_map(Row::into_notification)
            .collect(),
        unread: unread(db, caller.id).await?,
        total,
        page,
        pages: total.div_ceil(NOTIFICATION_PAGE).max(1),
    })
}

/// The use case "mark read": one of the caller's notifications (`id`), or all (`"all"`).
/// Returns how many changed; audited.
pub async fn mark_read(db: &Db, caller: &Caller, id: &str) -> Result<u64, Error> {
    let one = match id.trim() {
        "all" => None,
        raw => Some(parse_id("id", raw)?),
    };
    retry(|| async {
        let txn = Write::begin_quiet(db).await?;
        let mut values: Vec<Value> = vec![Utc::now().into(), caller.id.into()];
        let mut text =
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL"
                .to_owned();
        if let Some(one) = one {
            text.push_str(" AND id = $3");
            values.push(one.into());
        }
        let done = txn
            .execute_raw(sql(txn.get_database_backend(), &text, values))
            .await?
            .rows_affected();
        if done > 0 {
            audit::record(
                &txn,
                &Actor::of(caller),
                Entry {
                    action: "read",
                    entity: "notification",
                    entity_id: one,
                    firm_id: None,
                    before: None,
                    after: Some(serde_json::json!({ "marked_read": done })),
                },
            )
            .await?;
        }
        txn.commit().await?;
        Ok(done)
    })
    .await
}

/// A delivery channel of the outbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Email,
    Webhook,
}

impl Channel {
    pub const fn code(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Webhook => "webhook",
        }
    }
}

/// Attempts before a delivery is given up (about 2 hours of backoff in all).
pub const MAX_ATTEMPTS: i32 = 8;

/// How long an instance holds a delivery it is sending; far longer than a send may take.
pub const LEASE_SECONDS: i64 = 120;

/// Notifications older than this when a channel is first switched on are not sent through it.
pub const BACKLOG_HOURS: i64 = 24;

/// The wait before attempt `attempts + 1`: 30 s, 1 min, 2 min, … at most an hour.
pub fn backoff(attempts: i32) -> Duration {
    let secs = 30_i64.saturating_mul(1_i64 << attempts.clamp(0, 7));
    Duration::seconds(secs.min(3600))
}

/// A notification to send, with its recipient.
#[derive(Clone, Debug, FromQueryResult)]
pub struct Outgoing {
    pub delivery_id: i32,
    pub notification_id: i32,
    pub attempts: i32,
    pub kind: String,
    pub problem_id: Option<i32>,
    pub firm_id: Option<i32>,
    pub firm_name: Option<String>,
    pub detail: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub user_id: i32,
    pub user_name: String,
    pub phone: String,
    pub email: Option<String>,
}

impl Outgoing {
    /// The notification's sentence in Chinese (the language of the province's mail and SMS).
    pub fn message(&self) -> String {
        let n = Notification {
            id: self.notification_id,
            kind: NoticeKind::from_code(&self.kind).unwrap_or(NoticeKind::Routed),
            problem_id: self.problem_id,
            firm_id: self.firm_id,
            firm_name: self.firm_name.clone().unwrap_or_default(),
            detail: self.detail.clone(),
            link: self.link.clone(),
            created_at: self.created_at,
            read: false,
        };
        n.message(crate::i18n::Locale::Zh)
    }
}

#[derive(FromQueryResult)]
struct DeliveryId {
    id: i32,
}

/// Takes up to `limit` deliveries of `channel` for this instance: new notifications get their
/// delivery row now (once, by the unique key), failed ones whose wait is over and ones whose
/// sender's lease ran out are taken over. Returns them with what to send.
pub async fn claim(
    db: &impl ConnectionTrait,
    channel: Channel,
    instance: &str,
    limit: u32,
) -> Result<Vec<Outgoing>, Error> {
    let now = Utc::now();
    let until = now + Duration::seconds(LEASE_SECONDS);
    let since = now - Duration::hours(BACKLOG_HOURS);
    let limit = i64::from(limit.clamp(1, 500));
    let email_only = if channel == Channel::Email {
        "AND u.email IS NOT NULL AND u.email <> ''"
    } else {
        ""
    };
    let mut ids: Vec<i32> = query_all::<DeliveryId>(
        db,
        &format!(
            "INSERT INTO deliveries (notification_id, channel, status, attempts, next_attempt_at, locked_by, locked_until, created_at)
             SELECT n.id, $1, 'sending', 0, $2, $3, $4, $2 FROM notifications n JOIN users u ON u.id = n.user_id
             WHERE n.created_at >= $5 AND u.active = $6 {email_only}
               AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.notification_id = n.id AND d.channel = $1)
             ORDER BY n.id LIMIT $7
             ON CONFLICT (notification_id, channel) DO NOTHING RETURNING id"
        ),
        vec![
            channel.code().into(),
            now.into(),
            instance.into(),
            until.into(),
            since.into(),
            true.into(),
            limit.into(),
        ],
    )
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect();
    // The condition is repeated outside the subquery: PostgreSQL checks it again on a row
    // another instance updated meanwhile, so a row is taken over by one instance only.
    let due = "((status = 'retry' AND next_attempt_at <= $3) OR (status = 'sending' AND locked_until < $3))";
    let taken = query_all::<DeliveryId>(
        db,
        &format!(
            "UPDATE deliveries SET status = 'sending', locked_by = $1, locked_until = $2
             WHERE channel = $4 AND {due} AND id IN
               (SELECT id FROM deliveries WHERE channel = $4 AND {due} ORDER BY id LIMIT $5)
             RETURNING id"
        ),
        vec![
            instance.into(),
            until.into(),
            now.into(),
            channel.code().into(),
            limit.into(),
        ],
    )
    .await?;
    ids.extend(taken.into_iter().map(|r| r.id));
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // Integers this function read itself.
    let list: Vec<String> = ids.iter().map(i32::to_string).collect();
    let mut rows = query_all::<Outgoing>(
        db,
        &format!(
            "SELECT d.id AS delivery_id, n.id AS notification_id, d.attempts, n.kind, n.problem_id,
                    n.firm_id, f.name AS firm_name, n.detail, n.link, n.created_at,
                    u.id AS user_id, u.name AS user_name, u.phone, u.email
             FROM deliveries d JOIN notifications n ON n.id = d.notification_id
             JOIN users u ON u.id = n.user_id LEFT JOIN firms f ON f.id = n.firm_id
             WHERE d.id IN ({}) ORDER BY d.id",
            list.join(", ")
        ),
        vec![],
    )
    .await?;
    super::crypto::open_rows(&mut rows, |r| &mut r.phone)?;
    Ok(rows)
}

/// The delivery went out.
pub async fn mark_sent(
    db: &impl ConnectionTrait,
    delivery_id: i32,
    instance: &str,
) -> Result<(), Error> {
    db.execute_raw(sql(
        db.get_database_backend(),
        "UPDATE deliveries SET status = 'sent', sent_at = $1, attempts = attempts + 1, locked_until = NULL
         WHERE id = $2 AND locked_by = $3 AND status = 'sending'",
        vec![Utc::now().into(), delivery_id.into(), instance.into()],
    ))
    .await?;
    Ok(())
}

/// The delivery failed: again after a backoff, or given up after `MAX_ATTEMPTS`. The error
/// text is the mail server's or receiver's, kept for the office (never a database error).
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    delivery_id: i32,
    instance: &str,
    attempts_before: i32,
    error: &str,
) -> Result<(), Error> {
    let attempts = attempts_before + 1;
    let status = if attempts >= MAX_ATTEMPTS {
        "failed"
    } else {
        "retry"
    };
    let error: String = error.chars().take(500).collect();
    db.execute_raw(sql(
        db.get_database_backend(),
        "UPDATE deliveries SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4, locked_until = NULL
         WHERE id = $5 AND locked_by = $6 AND status = 'sending'",
        vec![
            status.into(),
            attempts.into(),
            (Utc::now() + backoff(attempts)).into(),
            error.into(),
            delivery_id.into(),
            instance.into(),
        ],
    ))
    .await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct DeliveryRow {
    channel: String,
    status: String,
    n: i64,
}

/// Deliveries by channel and status, for the office's rules page.
pub async fn delivery_counts(db: &impl ConnectionTrait) -> Result<Vec<DeliveryCount>, Error> {
    Ok(query_all::<DeliveryRow>(
        db,
        "SELECT channel, status, COUNT(*) AS n FROM deliveries GROUP BY channel, status ORDER BY channel, status",
        vec![],
    )
    .await?
    .into_iter()
    .map(|r| DeliveryCount {
        channel: r.channel,
        status: r.status,
        n: u64::try_from(r.n).unwrap_or(0),
    })
    .collect())
}
