//! Logged-in sessions as the server knows them (`user_sessions`). The session cookie's data
//! holds a random key; the table holds only its SHA-256, with who, since when, from where and
//! on what device. A session is alive while its row is: a user ends their own sessions, a
//! security administrator ends anyone's, a password change ends the others, and the absolute
//! lifetime is checked against the row's start, not against anything the client holds.

use super::audit::{self, Actor, Entry};
use super::{Db, Write, query_all, query_one, retry, sql};
use crate::auth::{Caller, CurrentUser, Role, SECURITY_ADMINS};
use crate::error::Error;
use crate::i18n::K;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

/// A session ends this long after it started even when in use (the idle limit, 30 minutes, is
/// the session layer's).
pub const ABSOLUTE_LIFETIME_HOURS: i64 = 12;
/// How stale `last_seen_at` may be before a request writes it again (not every request writes).
const TOUCH_SECONDS: i64 = 60;
/// The longest user agent kept (enough to tell the devices apart).
const MAX_AGENT: usize = 200;

fn key_hash(key: &str) -> String {
    super::sha256_hex(key.as_bytes())
}

/// Opens a session row for `user` in the login's transaction, ending the oldest sessions beyond
/// the policy's limit (audited). Returns the key the session cookie's data keeps.
pub async fn open(
    txn: &impl ConnectionTrait,
    user: &CurrentUser,
    client_addr: Option<&str>,
    user_agent: Option<&str>,
    max_sessions: u32,
) -> Result<String, Error> {
    let key = super::random_hex(32);
    let now = Utc::now();
    let agent: Option<String> = user_agent.map(|a| {
        a.chars()
            .filter(|c| !c.is_control())
            .take(MAX_AGENT)
            .collect()
    });
    let addr: Option<String> = client_addr.map(|a| a.chars().take(64).collect());
    let backend = txn.get_database_backend();
    txn.execute_raw(sql(
        backend,
        "INSERT INTO user_sessions (key_hash, user_id, created_at, last_seen_at, reauth_at, client_addr, user_agent)
         VALUES ($1, $2, $3, $3, $3, $4, $5)",
        vec![
            key_hash(&key).into(),
            user.id.into(),
            now.into(),
            addr.clone().into(),
            agent.into(),
        ],
    ))
    .await?;
    let live = query_all::<IdOnly>(
        txn,
        "SELECT id FROM user_sessions WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
        vec![user.id.into()],
    )
    .await?;
    let keep = usize::try_from(max_sessions.max(1)).unwrap_or(1);
    for old in live.iter().skip(keep) {
        txn.execute_raw(sql(
            backend,
            "DELETE FROM user_sessions WHERE id = $1",
            vec![old.id.into()],
        ))
        .await?;
        audit::record(
            txn,
            &Actor::user(user, addr.clone()),
            Entry {
                action: "session_evicted",
                entity: "session",
                entity_id: Some(old.id),
                firm_id: None,
                before: None,
                after: Some(serde_json::json!({ "limit": max_sessions })),
            },
        )
        .await?;
    }
    Ok(key)
}

#[derive(FromQueryResult)]
struct IdOnly {
    id: i32,
}

#[derive(FromQueryResult)]
struct Resolved {
    session_id: i32,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    reauth_at: DateTime<Utc>,
    user_id: i32,
    name: String,
    role: String,
    member_unit_id: Option<i32>,
    active: bool,
    must_change_password: bool,
    password_changed_at: Option<DateTime<Utc>>,
    totp_secret: Option<String>,
}

/// The user behind a live session and whether they must set a new password first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionUser {
    pub user: CurrentUser,
    pub session_id: i32,
    pub must_change_password: bool,
    /// The policy requires a second factor of the user and none is set up: they must set one
    /// up before anything else (after a password change that is due).
    pub must_set_up_second_factor: bool,
    /// Logged in or re-authenticated within `REAUTH_MINUTES`.
    pub recently_authenticated: bool,
}

/// The user of the session with this key, or None when the session was ended, is past its
/// absolute lifetime (its row is then removed) or its account is disabled. Marks it seen.
pub async fn resolve(db: &Db, key: &str) -> Result<Option<SessionUser>, Error> {
    let found = query_one::<Resolved>(
        db,
        "SELECT s.id AS session_id, s.created_at, s.last_seen_at, s.reauth_at, u.id AS user_id, u.name, u.role,
                u.member_unit_id, u.active, u.must_change_password, u.password_changed_at,
                t.secret AS totp_secret
         FROM user_sessions s JOIN users u ON u.id = s.user_id
         LEFT JOIN user_totp t ON t.user_id = u.id
         WHERE s.key_hash = $1",
        vec![key_hash(key).into()],
    )
    .await?;
    let Some(r) = found else { return Ok(None) };
    let now = Utc::now();
    let backend = db.get_database_backend();
    if now - r.created_at > Duration::hours(ABSOLUTE_LIFETIME_HOURS) || !r.active {
        db.execute_raw(sql(
            backend,
            "DELETE FROM user_sessions WHERE id = $1",
            vec![r.session_id.into()],
        ))
        .await?;
        return Ok(None);
    }
    let Some(role) = Role::from_code(&r.role) else {
        return Ok(None);
    };
    if now - r.last_seen_at > Duration::seconds(TOUCH_SECONDS) {
        db.execute_raw(sql(
            backend,
            "UPDATE user_sessions SET last_seen_at = $1 WHERE id = $2",
            vec![now.into(), r.session_id.into()],
        ))
        .await?;
    }
    let policy = super::security::get(db).await?;
    let must_change_password =
        policy.must_change_password(r.must_change_password, r.password_changed_at, now);
    let must_set_up_second_factor = !must_change_password
        && r.totp_secret.is_none()
        && super::second_factor::required(&policy, role);
    Ok(Some(SessionUser {
        user: CurrentUser {
            id: r.user_id,
            name: r.name,
            role,
            member_unit_id: r.member_unit_id,
        },
        session_id: r.session_id,
        must_change_password,
        must_set_up_second_factor,
        recently_authenticated: now - r.reauth_at <= Duration::minutes(crate::auth::REAUTH_MINUTES),
    }))
}

pub use crate::security::SessionRow;

/// The use case "my sessions": the caller's live sessions, newest first, the current one marked.
pub async fn own(
    db: &impl ConnectionTrait,
    caller: &Caller,
    current_session: Option<i32>,
) -> Result<Vec<SessionRow>, Error> {
    let cutoff = Utc::now() - Duration::hours(ABSOLUTE_LIFETIME_HOURS);
    let mut rows = query_all::<SessionRow>(
        db,
        "SELECT id, created_at, last_seen_at, client_addr, user_agent FROM user_sessions
         WHERE user_id = $1 AND created_at > $2 ORDER BY last_seen_at DESC, id DESC",
        vec![caller.id.into(), cutoff.into()],
    )
    .await?;
    for r in &mut rows {
        r.current = Some(r.id) == current_session;
    }
    Ok(rows)
}

/// The use case "end one of my sessions"; audited.
pub async fn end_own(db: &Db, caller: &Caller, session_id: &str) -> Result<(), Error> {
    let id = super::parse_id("session_id", session_id)?;
    retry(|| async {
        let txn = Write::begin_quiet(db).await?;
        let ended = txn
            .execute_raw(sql(
                txn.get_database_backend(),
                "DELETE FROM user_sessions WHERE id = $1 AND user_id = $2",
                vec![id.into(), caller.id.into()],
            ))
            .await?
            .rows_affected();
        if ended == 0 {
            return Err(Error::not_found(K::EntitySession));
        }
        audit::record(
            &txn,
            &Actor::of(caller),
            Entry {
                action: "session_end",
                entity: "session",
                entity_id: Some(id),
                firm_id: None,
                before: None,
                after: None,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    })
    .await
}

/// Ends every session of `user_id` except `keep` (a password change keeps the one it was made
/// from), in the caller's transaction; returns how many ended.
pub async fn end_all_of(
    txn: &impl ConnectionTrait,
    user_id: i32,
    keep: Option<i32>,
) -> Result<u64, Error> {
    Ok(txn
        .execute_raw(sql(
            txn.get_database_backend(),
            "DELETE FROM user_sessions WHERE user_id = $1 AND id <> $2",
            vec![user_id.into(), keep.unwrap_or(0).into()],
        ))
        .await?
        .rows_affected())
}

/// The use case "a security administrator ends all sessions of a user"; audited. Returns the
/// user's name.
pub async fn end_all_for(db: &Db, caller: &Caller, user_id: &str) -> Result<String, Error> {
    caller.require(SECURITY_ADMINS)?;
    caller.require_recent_auth()?;
    let id = super::parse_id("user_id", user_id)?;
    retry(|| async {
        let txn = Write::begin_quiet(db).await?;
        let name = query_one::<Named>(
            &txn,
            "SELECT name FROM users WHERE id = $1",
            vec![id.into()],
        )
        .await?
        .ok_or(Error::not_found(K::EntityUser))?
        .name;
        let ended = end_all_of(&txn, id, None).await?;
        audit::record(
            &txn,
            &Actor::of(caller),
            Entry {
                action: "sessions_end",
                entity: "user",
                entity_id: Some(id),
                firm_id: None,
                before: Some(serde_json::json!({ "sessions": ended })),
                after: Some(serde_json::json!({ "sessions": 0 })),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(name)
    })
    .await
}

#[derive(FromQueryResult)]
struct Named {
    name: String,
}

/// Forgets the row of a session that logs out.
pub async fn close(db: &impl ConnectionTrait, key: &str) -> Result<(), Error> {
    db.execute_raw(sql(
        db.get_database_backend(),
        "DELETE FROM user_sessions WHERE key_hash = $1",
        vec![key_hash(key).into()],
    ))
    .await?;
    Ok(())
}

/// The use case "confirm it is me" before a sensitive action: the password again. A wrong one
/// counts towards the lock-out like a failed login (and is audited as one); the right one
/// renews the session's proof for `REAUTH_MINUTES`.
pub async fn reauthenticate(
    db: &Db,
    caller: &Caller,
    session_id: i32,
    password: &str,
) -> Result<(), Error> {
    super::accounts::check_password_again(db, caller, password).await?;
    retry(|| async {
        let txn = Write::begin_quiet(db).await?;
        txn.execute_raw(sql(
            txn.get_database_backend(),
            "UPDATE user_sessions SET reauth_at = $1 WHERE id = $2 AND user_id = $3",
            vec![Utc::now().into(), session_id.into(), caller.id.into()],
        ))
        .await?;
        audit::record(
            &txn,
            &Actor::of(caller),
            Entry {
                action: "reauthenticate",
                entity: "session",
                entity_id: Some(session_id),
                firm_id: None,
                before: None,
                after: None,
            },
        )
        .await?;
        txn.commit().await
    })
    .await
}
