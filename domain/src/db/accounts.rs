//! Accounts: passwords (argon2id), logins with throttling, users, API tokens. Every change and
//! every login, successful or not, goes to the audit trail.

use super::audit::{self, Actor, Entry};
use super::entity::{api_token, login_failure, user};
use super::{is_unique_violation, query_one};
use crate::auth::{ACCOUNT_ADMINS, Caller, CurrentUser, Role};
use crate::error::{Error, FieldError, Problems, text};
use crate::i18n::K;
use crate::security::{PASSWORD_HISTORY, PasswordOwner, check_password_shape, is_common_password};
use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, FromQueryResult,
    QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

/// Failed logins allowed per client address within a minute, whichever accounts they try (the
/// per-account limit is the security policy's lock-out).
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;

pub fn hash_password(password: &str) -> Result<String, Error> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            Error::Internal
        })
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash of a random password, verified against when the account does not exist, so an
/// unknown account takes as long to refuse as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("zhuqi-timing-equaliser").unwrap_or_default())
}

fn to_current(u: &user::Model) -> Option<CurrentUser> {
    let role = Role::from_code(&u.role)?;
    u.active.then(|| CurrentUser {
        id: u.id,
        name: u.name.clone(),
        role,
        member_unit_id: u.member_unit_id,
    })
}

/// The active user with this id (sessions name users by id; a deactivated user is logged out).
pub async fn load_user(db: &impl ConnectionTrait, id: i32) -> Result<Option<CurrentUser>, Error> {
    Ok(user::Entity::find_by_id(id)
        .one(db)
        .await?
        .as_ref()
        .and_then(to_current))
}

fn login_key(login: &str) -> String {
    crate::credit_code::normalise(login).to_lowercase()
}

async fn find_by_login(
    db: &impl ConnectionTrait,
    login: &str,
) -> Result<Option<user::Model>, Error> {
    let key = login_key(login);
    // Phones are sealed: a name of digits is matched by its lookup hash.
    let by_phone = !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit());
    let mut found = user::Column::Username.eq(key.clone());
    if by_phone {
        found = found.or(user::Column::PhoneHash.eq(super::crypto::phone_hash(&key)?));
    }
    Ok(user::Entity::find().filter(found).one(db).await?)
}

/// The id of the account a phone number or username names (the CLI's `--user`).
pub async fn user_id_by_login(db: &impl ConnectionTrait, login: &str) -> Result<i32, Error> {
    find_by_login(db, login)
        .await?
        .map(|u| u.id)
        .ok_or(Error::not_found(K::EntityUser))
}

#[derive(FromQueryResult)]
struct Count {
    n: i64,
}

/// The key failures and locks of an account are counted under, whichever of its names (phone
/// or username) was typed; an unknown name is counted under itself, so it is answered alike.
pub fn account_key(id: i32) -> String {
    format!("user:{id}")
}

/// A successful login: the user, the key of the session it opened, and whether the user must
/// set a new password before anything else. When the user has a second factor, a right
/// password opens no session: `code_needed` is set, `session_key` is empty, and
/// [`authenticate_code`] finishes the login.
#[derive(Clone, Debug)]
pub struct LoggedIn {
    pub user: CurrentUser,
    pub session_key: String,
    pub must_change_password: bool,
    pub code_needed: bool,
}

#[derive(FromQueryResult)]
struct Lock {
    locked_until: chrono::DateTime<Utc>,
}

/// Counts one failed attempt (a wrong password or code) against `key` in `txn`, locks the
/// account when the policy's number is reached, and audits it. Returns the error to answer:
/// the lock, or `refusal`.
#[allow(clippy::too_many_arguments)]
async fn record_failure(
    txn: &impl ConnectionTrait,
    policy: &crate::security::SecurityPolicy,
    key: &str,
    user_id: Option<i32>,
    name: &str,
    client_addr: &str,
    action: &'static str,
    refusal: Error,
) -> Result<Error, Error> {
    let now = Utc::now();
    let backend = txn.get_database_backend();
    login_failure::ActiveModel {
        login_key: Set(key.to_owned()),
        client_addr: Set(client_addr.to_owned()),
        at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let window = now - Duration::minutes(i64::from(policy.lock_minutes));
    let failures = query_one::<Count>(
        txn,
        "SELECT COUNT(*) AS n FROM login_failures WHERE login_key = $1 AND at > $2",
        vec![key.into(), window.into()],
    )
    .await?
    .map_or(0, |c| c.n);
    let locks = failures >= i64::from(policy.lock_failures);
    if locks {
        let until = now + Duration::minutes(i64::from(policy.lock_minutes));
        txn.execute_raw(super::sql(
            backend,
            "DELETE FROM login_locks WHERE login_key = $1",
            vec![key.into()],
        ))
        .await?;
        txn.execute_raw(super::sql(
            backend,
            "INSERT INTO login_locks (login_key, user_id, locked_at, locked_until)
             VALUES ($1, $2, $3, $4)",
            vec![key.into(), user_id.into(), now.into(), until.into()],
        ))
        .await?;
    }
    audit::record(
        txn,
        &Actor::anonymous(Some(client_addr.to_owned())),
        Entry {
            action: if locks { "lock" } else { action },
            entity: "user",
            entity_id: user_id,
            firm_id: None,
            before: None,
            after: Some(serde_json::json!({ "login": name, "failures": failures })),
        },
    )
    .await?;
    Ok(if locks {
        Error::Locked {
            minutes: policy.lock_minutes,
        }
    } else {
        refusal
    })
}

/// The lock on `key` in force now, if any.
async fn lock_on(
    db: &impl ConnectionTrait,
    key: &str,
    now: chrono::DateTime<Utc>,
) -> Result<Option<Lock>, Error> {
    query_one::<Lock>(
        db,
        "SELECT locked_until FROM login_locks WHERE login_key = $1 AND locked_until > $2",
        vec![key.into(), now.into()],
    )
    .await
}

/// Records one refused attempt in the audit trail, in its own transaction.
async fn audit_refusal(
    db: &super::Db,
    client_addr: &str,
    action: &str,
    user_id: Option<i32>,
    login: &str,
) -> Result<(), Error> {
    let txn = super::Write::begin_quiet(db).await?;
    audit::record(
        &txn,
        &Actor::anonymous(Some(client_addr.to_owned())),
        Entry {
            action,
            entity: "user",
            entity_id: user_id,
            firm_id: None,
            before: None,
            after: Some(serde_json::json!({ "login": login })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Checks a login and opens a session. Unknown account and wrong password get the same answer,
/// and so do their locks: after the policy's number of failures within its lock time, the
/// account (or the unknown name) is locked for that time or until a security administrator
/// unlocks it, and its password is not even looked at. More than a few failures a minute from
/// one address are throttled. Every refusal is audited.
pub async fn authenticate(
    db: &super::Db,
    login: &str,
    password: &str,
    client_addr: &str,
    user_agent: Option<&str>,
) -> Result<LoggedIn, Error> {
    authenticate_inner(db, login, password, client_addr, user_agent, true).await
}

/// [`authenticate`]; with `open_session` false (a re-authentication) no session is opened and
/// the success is not recorded as a login.
async fn authenticate_inner(
    db: &super::Db,
    login: &str,
    password: &str,
    client_addr: &str,
    user_agent: Option<&str>,
    open_session: bool,
) -> Result<LoggedIn, Error> {
    // No account name holds control characters, and PostgreSQL cannot even compare text with a
    // NUL in it: such a login fails like any unknown account, without a query.
    if crate::error::has_control_chars(login) {
        return Err(Error::field("", K::LoginFailed));
    }
    let policy = super::security::get(db).await?;
    let name = login_key(login);
    let now = Utc::now();
    let by_addr = query_one::<Count>(
        db,
        "SELECT COUNT(*) AS n FROM login_failures WHERE client_addr = $1 AND at > $2",
        vec![client_addr.into(), (now - Duration::minutes(1)).into()],
    )
    .await?
    .map_or(0, |c| c.n);
    let found = find_by_login(db, &name).await?;
    let user_id = found.as_ref().map(|u| u.id);
    if by_addr >= MAX_FAILURES_PER_ADDRESS {
        audit_refusal(db, client_addr, "login_throttled", user_id, &name).await?;
        return Err(Error::Throttled);
    }
    let key = user_id.map_or_else(|| name.clone(), account_key);
    if let Some(lock) = lock_on(db, &key, now).await? {
        audit_refusal(db, client_addr, "login_locked", user_id, &name).await?;
        return Err(Error::Locked {
            minutes: minutes_left(lock.locked_until, now),
        });
    }

    let hash = found.as_ref().and_then(|u| u.password_hash.clone());
    let ok = verify_password(hash.as_deref().unwrap_or_else(|| dummy_hash()), password)
        && hash.is_some();
    let current = found.as_ref().filter(|_| ok).and_then(to_current);
    // A right password of an account with a second factor opens nothing yet: the code does.
    if open_session
        && let Some(user) = &current
        && super::second_factor::is_enabled(db, user.id).await?
    {
        return Ok(LoggedIn {
            user: user.clone(),
            session_key: String::new(),
            must_change_password: false,
            code_needed: true,
        });
    }
    // Account events change no business figure: the figures' cache stays.
    let txn = super::Write::begin_quiet(db).await?;
    let backend = txn.get_database_backend();
    let result = match current {
        Some(user) => {
            let model = found.as_ref().ok_or(Error::Internal)?;
            if open_session {
                audit::record(
                    &txn,
                    &Actor::user(&user, Some(client_addr.to_owned())),
                    Entry {
                        action: "login",
                        entity: "user",
                        entity_id: Some(user.id),
                        firm_id: None,
                        before: None,
                        after: None,
                    },
                )
                .await?;
            }
            // A success ends the run of failures the lock-out counts.
            txn.execute_raw(super::sql(
                backend,
                "DELETE FROM login_failures WHERE login_key = $1",
                vec![key.clone().into()],
            ))
            .await?;
            let session_key = if open_session {
                super::sessions::open(
                    &txn,
                    &user,
                    Some(client_addr),
                    user_agent,
                    policy.max_sessions,
                )
                .await?
            } else {
                String::new()
            };
            Ok(LoggedIn {
                user,
                session_key,
                must_change_password: policy.must_change_password(
                    model.must_change_password,
                    model.password_changed_at,
                    now,
                ),
                code_needed: false,
            })
        }
        None => Err(record_failure(
            &txn,
            &policy,
            &key,
            user_id,
            &name,
            client_addr,
            "login_failed",
            Error::field("", K::LoginFailed),
        )
        .await?),
    };
    txn.commit().await?;
    result
}

/// Checks the caller's password again (re-authentication), under the same lock-out as a login:
/// a locked account is refused, a wrong password counts as a failure and may lock it.
pub async fn check_password_again(
    db: &super::Db,
    caller: &Caller,
    password: &str,
) -> Result<(), Error> {
    let model = user::Entity::find_by_id(caller.id)
        .one(db)
        .await?
        .ok_or(Error::not_found(K::EntityUser))?;
    let login = model
        .username
        .clone()
        .unwrap_or_else(|| model.phone.0.clone());
    let addr = caller
        .client_addr
        .clone()
        .unwrap_or_else(|| "unknown".to_owned());
    match authenticate_inner(db, &login, password, &addr, None, false).await {
        Ok(_) => Ok(()),
        Err(Error::Validation(_)) => Err(Error::field("password", K::ErrWrongPassword)),
        Err(e) => Err(e),
    }
}

/// The second step of a login with a second factor: the code from the app (or a recovery code)
/// of the user whose password was right moments ago. Locks and failures count as for the
/// password; a code accepted before is refused and audited as a replay. Opens the session.
pub async fn authenticate_code(
    db: &super::Db,
    user_id: i32,
    code: &str,
    client_addr: &str,
    user_agent: Option<&str>,
) -> Result<LoggedIn, Error> {
    use super::second_factor::{CodeCheck, check_code};
    let policy = super::security::get(db).await?;
    let now = Utc::now();
    let model = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(Error::Unauthorized)?;
    let user = to_current(&model).ok_or(Error::Unauthorized)?;
    let key = account_key(user_id);
    let name = model
        .username
        .clone()
        .unwrap_or_else(|| model.phone.0.clone());
    if let Some(lock) = lock_on(db, &key, now).await? {
        audit_refusal(db, client_addr, "login_locked", Some(user_id), &name).await?;
        return Err(Error::Locked {
            minutes: minutes_left(lock.locked_until, now),
        });
    }
    let txn = super::Write::begin_quiet(db).await?;
    let checked = check_code(&txn, user_id, code, now).await?;
    let result = match checked {
        CodeCheck::Totp | CodeCheck::Recovery => {
            audit::record(
                &txn,
                &Actor::user(&user, Some(client_addr.to_owned())),
                Entry {
                    action: "login",
                    entity: "user",
                    entity_id: Some(user.id),
                    firm_id: None,
                    before: None,
                    after: Some(serde_json::json!({
                        "second_factor": if checked == CodeCheck::Totp { "totp" } else { "recovery_code" }
                    })),
                },
            )
            .await?;
            txn.execute_raw(super::sql(
                txn.get_database_backend(),
                "DELETE FROM login_failures WHERE login_key = $1",
                vec![key.clone().into()],
            ))
            .await?;
            let session_key = super::sessions::open(
                &txn,
                &user,
                Some(client_addr),
                user_agent,
                policy.max_sessions,
            )
            .await?;
            Ok(LoggedIn {
                user,
                session_key,
                must_change_password: policy.must_change_password(
                    model.must_change_password,
                    model.password_changed_at,
                    now,
                ),
                code_needed: false,
            })
        }
        // A replayed code and a wrong one both count towards the lock-out; the audit tells
        // them apart.
        refused @ (CodeCheck::Replayed | CodeCheck::Wrong) => {
            let (action, why) = if refused == CodeCheck::Replayed {
                ("login_code_replayed", K::ErrCodeReplayed)
            } else {
                ("login_code_failed", K::ErrCodeWrong)
            };
            Err(record_failure(
                &txn,
                &policy,
                &key,
                Some(user_id),
                &name,
                client_addr,
                action,
                Error::field("code", why),
            )
            .await?)
        }
    };
    txn.commit().await?;
    result
}

/// Whole minutes until `until`, at least one.
fn minutes_left(until: chrono::DateTime<Utc>, now: chrono::DateTime<Utc>) -> u32 {
    let secs = (until - now).num_seconds();
    let secs = std::cmp::max(secs, 0);
    std::cmp::max(u32::try_from((secs + 59) / 60).unwrap_or(u32::MAX), 1)
}

/// A new account, as typed on the command line or in the users page.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct NewUser {
    pub name: String,
    pub phone: String,
    pub username: String,
    pub role: String,
    /// The member unit's Chinese name, for unit handlers and coordinators.
    pub member_unit: String,
    pub password: String,
    /// The password was set by an administrator: the user must change it at first login.
    #[serde(default)]
    pub must_change_password: bool,
}

/// Every rule a new password must meet that does not need the user's history: its shape
/// ([`check_password_shape`]) and not being a common or breached password.
pub fn check_new_password(
    field: &str,
    password: &str,
    owner: PasswordOwner<'_>,
) -> Result<(), FieldError> {
    check_password_shape(field, password, owner)?;
    if is_common_password(password) {
        return Err(FieldError::new(field, K::ErrPasswordCommon));
    }
    Ok(())
}

#[derive(FromQueryResult)]
struct UnitId {
    id: i32,
}

pub async fn create_user(
    db: &super::Db,
    actor: &Actor,
    input: NewUser,
) -> Result<user::Model, Error> {
    let mut problems = Problems::default();
    let name = problems.take(text("name", &input.name, true, 50));
    let phone = problems.take(text("phone", &login_key(&input.phone), true, 20));
    let username = problems.take(text("username", &login_key(&input.username), false, 50));
    let role = Role::from_code(&input.role);
    if role.is_none() {
        problems.push(FieldError::new("role", K::ErrBadRole));
    }
    problems.take(check_new_password(
        "password",
        &input.password,
        PasswordOwner {
            phone: &input.phone,
            name: &input.name,
            username: &input.username,
        },
    ));
    problems.finish()?;
    let unit_name = input.member_unit.trim();
    let member_unit_id = if unit_name.is_empty() {
        None
    } else {
        let found = query_one::<UnitId>(
            db,
            "SELECT id FROM member_units WHERE name_zh = $1",
            vec![unit_name.into()],
        )
        .await?;
        Some(
            found
                .ok_or_else(|| Error::field("member_unit", K::ErrUnknownUnit))?
                .id,
        )
    };
    let now = Utc::now();
    let hash = hash_password(&input.password)?;
    let phone = phone.unwrap_or_default();
    let phone_hash = super::crypto::phone_hash(&phone)?;
    // Account events change no business figure: the figures' cache stays.
    let txn = super::Write::begin_quiet(db).await?;
    let inserted = user::ActiveModel {
        name: Set(name.unwrap_or_default()),
        phone: Set(super::crypto::Sealed(phone)),
        phone_hash: Set(Some(phone_hash)),
        username: Set(username.filter(|u| !u.is_empty())),
        role: Set(role.map(Role::code).unwrap_or_default().to_owned()),
        member_unit_id: Set(member_unit_id),
        password_hash: Set(Some(hash.clone())),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        password_changed_at: Set(Some(now)),
        must_change_password: Set(input.must_change_password),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            Error::Conflict(FieldError::new("phone", K::ErrPhoneTaken))
        } else {
            e.into()
        }
    })?;
    audit::record(
        &txn,
        actor,
        Entry {
            action: "create",
            entity: "user",
            entity_id: Some(inserted.id),
            firm_id: None,
            before: None,
            after: audit::snapshot(&inserted),
        },
    )
    .await?;
    remember_password(&txn, inserted.id, &hash, now).await?;
    txn.commit().await?;
    Ok(inserted)
}

pub use crate::auth::UserRow;

/// The use case "the users page": the office only.
pub async fn users_for(db: &impl ConnectionTrait, caller: &Caller) -> Result<Vec<UserRow>, Error> {
    // The security administrator reads the list too, to end a user's sessions.
    caller.require(&[Role::SystemAdmin, Role::SecurityAdmin])?;
    list_users(db).await
}

/// Every account (the CLI's `users` and the users page).
pub async fn list_users(db: &impl ConnectionTrait) -> Result<Vec<UserRow>, Error> {
    let mut rows = super::query_all::<UserRow>(
        db,
        "SELECT u.id, u.name, u.phone, u.username, u.role, mu.name_zh AS member_unit, u.active
         FROM users u LEFT JOIN member_units mu ON mu.id = u.member_unit_id ORDER BY u.role, u.id",
        vec![],
    )
    .await?;
    super::crypto::open_rows(&mut rows, |r| &mut r.phone)?;
    Ok(rows)
}

/// Keeps a password's hash in the user's history (the last few may not be used again).
async fn remember_password(
    txn: &impl ConnectionTrait,
    user_id: i32,
    hash: &str,
    at: chrono::DateTime<Utc>,
) -> Result<(), Error> {
    txn.execute_raw(super::sql(
        txn.get_database_backend(),
        "INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)",
        vec![user_id.into(), hash.to_owned().into(), at.into()],
    ))
    .await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct OldHash {
    password_hash: String,
}

/// Whether `new` is the user's current password or one of the last [`PASSWORD_HISTORY`].
async fn was_used(
    db: &impl ConnectionTrait,
    target: &user::Model,
    new: &str,
) -> Result<bool, Error> {
    let earlier = super::query_all::<OldHash>(
        db,
        &format!(
            "SELECT password_hash FROM password_history WHERE user_id = $1
             ORDER BY id DESC LIMIT {PASSWORD_HISTORY}"
        ),
        vec![target.id.into()],
    )
    .await?;
    Ok(target
        .password_hash
        .iter()
        .chain(earlier.iter().map(|h| &h.password_hash))
        .any(|h| verify_password(h, new)))
}

/// How a password is being set: by its owner (who then need not change it again, and whose
/// other sessions end), or by an administrator (a temporary one: every session ends, and the
/// owner must change it at the next login).
#[derive(Clone, Copy)]
enum SetBy {
    Owner { keep_session: Option<i32> },
    Administrator,
}

async fn store_password(
    db: &super::Db,
    actor: &Actor,
    target: user::Model,
    new: &str,
    by: SetBy,
) -> Result<(), Error> {
    let hash = hash_password(new)?;
    let now = Utc::now();
    // Account events change no business figure: the figures' cache stays.
    let txn = super::Write::begin_quiet(db).await?;
    let id = target.id;
    let mut model: user::ActiveModel = target.into();
    model.password_hash = Set(Some(hash.clone()));
    model.password_changed_at = Set(Some(now));
    model.must_change_password = Set(matches!(by, SetBy::Administrator));
    model.updated_at = Set(now);
    model.update(&txn).await?;
    remember_password(&txn, id, &hash, now).await?;
    let keep = match by {
        SetBy::Owner { keep_session } => keep_session,
        SetBy::Administrator => None,
    };
    let ended = super::sessions::end_all_of(&txn, id, keep).await?;
    // Before and after name the change without storing either hash.
    audit::record(
        &txn,
        actor,
        Entry {
            action: match by {
                SetBy::Owner { .. } => "change_password",
                SetBy::Administrator => "reset_password",
            },
            entity: "user",
            entity_id: Some(id),
            firm_id: None,
            before: Some(serde_json::json!({"password": "(old)"})),
            after: Some(serde_json::json!({"password": "(new)", "sessions_ended": ended})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

fn owner_of(model: &user::Model) -> PasswordOwner<'_> {
    PasswordOwner {
        phone: &model.phone,
        name: &model.name,
        username: model.username.as_deref().unwrap_or(""),
    }
}

/// The use case "change my password": the current one, then a new one that meets the policy
/// and is none of the last few. The caller's other sessions end; `current_session` stays.
pub async fn change_own_password(
    db: &super::Db,
    caller: &Caller,
    current: &str,
    new: &str,
    current_session: Option<i32>,
) -> Result<(), Error> {
    let model = user::Entity::find_by_id(caller.user.id)
        .one(db)
        .await?
        .ok_or(Error::not_found(K::EntityUser))?;
    if !model
        .password_hash
        .as_deref()
        .is_some_and(|h| verify_password(h, current))
    {
        return Err(Error::field("current_password", K::ErrWrongPassword));
    }
    check_new_password("new_password", new, owner_of(&model))
        .map_err(|e| Error::Validation(vec![e]))?;
    if was_used(db, &model, new).await? {
        return Err(Error::Validation(vec![
            FieldError::new("new_password", K::ErrPasswordReused).with("n", PASSWORD_HISTORY),
        ]));
    }
    store_password(
        db,
        &Actor::of(caller),
        model,
        new,
        SetBy::Owner {
            keep_session: current_session,
        },
    )
    .await
}

/// Records a logout in the audit trail.
pub async fn record_logout(db: &super::Db, actor: &Actor) -> Result<(), Error> {
    let txn = super::Write::begin_quiet(db).await?;
    audit::record(
        &txn,
        actor,
        Entry {
            action: "logout",
            entity: "user",
            entity_id: actor.user_id,
            firm_id: None,
            before: None,
            after: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The caller's own address for notification e-mails (None: none set).
pub async fn own_email(
    db: &impl ConnectionTrait,
    caller: &Caller,
) -> Result<Option<String>, Error> {
    Ok(user::Entity::find_by_id(caller.user.id)
        .one(db)
        .await?
        .and_then(|u| u.email))
}

/// The use case "set my notification e-mail address" (empty clears it); audited.
pub async fn set_own_email(
    db: &super::Db,
    caller: &Caller,
    email: &str,
) -> Result<Option<String>, Error> {
    let email = crate::auth::parse_email("email", email).map_err(|e| Error::Validation(vec![e]))?;
    super::retry(|| async {
        let txn = super::Write::begin_quiet(db).await?;
        let model = user::Entity::find_by_id(caller.user.id)
            .one(&txn)
            .await?
            .ok_or(Error::not_found(K::EntityUser))?;
        let before = model.email.clone();
        let mut active: user::ActiveModel = model.into();
        active.email = sea_orm::Set(email.clone());
        active.updated_at = sea_orm::Set(chrono::Utc::now());
        sea_orm::ActiveModelTrait::update(active, &txn).await?;
        audit::record(
            &txn,
            &Actor::of(caller),
            Entry {
                action: "update",
                entity: "user",
                entity_id: Some(caller.user.id),
                firm_id: None,
                before: Some(serde_json::json!({ "email": before })),
                after: Some(serde_json::json!({ "email": email })),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(email.clone())
    })
    .await
}

/// An account administrator sets a temporary password for someone who forgot theirs: it must
/// meet the policy, every session of theirs ends, and they must change it at the next login.
/// Returns whose it was.
pub async fn reset_password(
    db: &super::Db,
    caller: &Caller,
    target_id: &str,
    new: &str,
) -> Result<(i32, String), Error> {
    caller.require(ACCOUNT_ADMINS)?;
    caller.require_recent_auth()?;
    let target_id = super::parse_id("user_id", target_id)?;
    let model = user::Entity::find_by_id(target_id)
        .one(db)
        .await?
        .ok_or(Error::not_found(K::EntityUser))?;
    check_new_password("new_password", new, owner_of(&model))
        .map_err(|e| Error::Validation(vec![e]))?;
    let name = model.name.clone();
    store_password(db, &Actor::of(caller), model, new, SetBy::Administrator).await?;
    Ok((target_id, name))
}

fn sha256_hex(token: &str) -> String {
    super::sha256_hex(token.as_bytes())
}

/// When a token stops working: its stored expiry, or `TOKEN_DAYS` after it was made.
fn expiry_of(t: &api_token::Model) -> chrono::DateTime<Utc> {
    t.expires_at
        .unwrap_or(t.created_at + Duration::days(i64::from(crate::auth::TOKEN_DAYS)))
}

/// Creates an API token for a user that lasts `days` (1 to `MAX_TOKEN_DAYS`) and returns it
/// with its expiry; only its hash is stored. Audited.
pub async fn create_token(
    db: &super::Db,
    actor: &Actor,
    login: &str,
    name: &str,
    days: u32,
) -> Result<(String, chrono::DateTime<Utc>), Error> {
    if !(1..=crate::auth::MAX_TOKEN_DAYS).contains(&days) {
        return Err(Error::Validation(vec![
            FieldError::new("days", K::ErrOutOfRange)
                .with("min", 1)
                .with("max", crate::auth::MAX_TOKEN_DAYS),
        ]));
    }
    let target = find_by_login(db, login)
        .await?
        .ok_or(Error::not_found(K::EntityUser))?;
    let token = format!("zq_{}", super::random_hex(32));
    let now = Utc::now();
    let expires = now + Duration::days(i64::from(days));
    // Account events change no business figure: the figures' cache stays.
    let txn = super::Write::begin_quiet(db).await?;
    let row = api_token::ActiveModel {
        user_id: Set(target.id),
        name: Set(name.to_owned()),
        token_hash: Set(sha256_hex(&token)),
        created_at: Set(now),
        last_used_at: Set(None),
        revoked_at: Set(None),
        expires_at: Set(Some(expires)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Entry {
            action: "create",
            entity: "api_token",
            entity_id: Some(row.id),
            firm_id: None,
            before: None,
            after: Some(
                serde_json::json!({"user_id": target.id, "name": name, "expires_at": expires}),
            ),
        },
    )
    .await?;
    txn.commit().await?;
    Ok((token, expires))
}

/// The user an API token belongs to, if the token is known, not revoked, not expired and its
/// user active.
pub async fn user_for_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<CurrentUser>, Error> {
    let Some(row) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(sha256_hex(token.trim())))
        .filter(api_token::Column::RevokedAt.is_null())
        .order_by_asc(api_token::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if expiry_of(&row) <= Utc::now() {
        return Ok(None);
    }
    load_user(db, row.user_id).await
}

/// Every API token, newest first (for administrators; never the tokens themselves).
pub async fn list_tokens(db: &impl ConnectionTrait) -> Result<Vec<crate::auth::TokenRow>, Error> {
    let tokens = api_token::Entity::find()
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await?;
    let users: std::collections::HashMap<i32, String> = user::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    Ok(tokens
        .into_iter()
        .map(|t| crate::auth::TokenRow {
            id: t.id,
            user_id: t.user_id,
            user_name: users.get(&t.user_id).cloned().unwrap_or_default(),
            name: t.name.clone(),
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            expires_at: expiry_of(&t),
            revoked_at: t.revoked_at,
        })
        .collect())
}

/// Revokes an API token (`id` as typed); a revoked one is a 409. Audited.
pub async fn revoke_token(db: &super::Db, actor: &Actor, id: &str) -> Result<(), Error> {
    let id = super::parse_id("token_id", id)?;
    let txn = super::Write::begin_quiet(db).await?;
    let row = api_token::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::not_found(K::EntityToken))?;
    if row.revoked_at.is_some() {
        return Err(Error::Conflict(FieldError::new(
            "token_id",
            K::ErrTokenRevoked,
        )));
    }
    let mut active: api_token::ActiveModel = row.clone().into();
    active.revoked_at = Set(Some(Utc::now()));
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Entry {
            action: "revoke",
            entity: "api_token",
            entity_id: Some(id),
            firm_id: None,
            before: Some(serde_json::json!({"user_id": row.user_id, "name": row.name})),
            after: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Disables or enables an account (by phone or username). A disabled account cannot log in,
/// its open sessions end at their next request and its tokens stop working. Audited.
pub async fn set_active(
    db: &super::Db,
    actor: &Actor,
    login: &str,
    active: bool,
) -> Result<CurrentUserRow, Error> {
    let txn = super::Write::begin_quiet(db).await?;
    let model = find_by_login(&txn, login)
        .await?
        .ok_or(Error::not_found(K::EntityUser))?;
    let before = model.active;
    let mut row: user::ActiveModel = model.clone().into();
    row.active = Set(active);
    row.updated_at = Set(Utc::now());
    row.update(&txn).await?;
    if !active {
        super::sessions::end_all_of(&txn, model.id, None).await?;
    }
    audit::record(
        &txn,
        actor,
        Entry {
            action: if active { "enable" } else { "disable" },
            entity: "user",
            entity_id: Some(model.id),
            firm_id: None,
            before: Some(serde_json::json!({"active": before})),
            after: Some(serde_json::json!({"active": active})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(CurrentUserRow {
        id: model.id,
        name: model.name,
        active,
    })
}

/// The use case "the office disables or enables an account" from the users page (`active`:
/// `1` or `0`); the office cannot disable itself.
pub async fn set_active_for(
    db: &super::Db,
    caller: &Caller,
    user_id: &str,
    active: &str,
) -> Result<CurrentUserRow, Error> {
    caller.require(ACCOUNT_ADMINS)?;
    caller.require_recent_auth()?;
    let id = super::parse_id("user_id", user_id)?;
    let on = match active.trim() {
        "1" => true,
        "0" => false,
        _ => return Err(Error::field("active", K::ErrBadId)),
    };
    if id == caller.id && !on {
        return Err(Error::field("user_id", K::ErrNotYourself));
    }
    let target = user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::not_found(K::EntityUser))?;
    set_active(db, &Actor::of(caller), &target.phone, on).await
}

/// The office's list of API tokens.
pub async fn tokens_for(
    db: &impl ConnectionTrait,
    caller: &Caller,
) -> Result<Vec<crate::auth::TokenRow>, Error> {
    caller.require(ACCOUNT_ADMINS)?;
    list_tokens(db).await
}

/// The use case "the office revokes an API token" from the users page.
pub async fn revoke_token_for(db: &super::Db, caller: &Caller, id: &str) -> Result<(), Error> {
    caller.require(ACCOUNT_ADMINS)?;
    caller.require_recent_auth()?;
    revoke_token(db, &Actor::of(caller), id).await
}

/// Who `set_active` changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentUserRow {
    pub id: i32,
    pub name: String,
    pub active: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash_password("correct horse battery").unwrap_or_default();
        let b = hash_password("correct horse battery").unwrap_or_default();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(verify_password(&a, "correct horse battery"));
        assert!(!verify_password(&a, "correct horse battery!"));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn token_hashes_are_sha256_hex() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
