//! Accounts: passwords (argon2id), logins with throttling, users, API tokens. Every change and
//! every login, successful or not, goes to the audit trail.

use super::audit::{self, Actor, Entry};
use super::entity::{api_token, login_failure, user};
use super::{is_unique_violation, query_one};
use crate::auth::{Caller, CurrentUser, Role, check_new_password};
use crate::error::{Error, FieldError, Problems, text};
use crate::i18n::K;
use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, FromQueryResult,
    QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

/// Failed logins allowed per account, and per client address, within a minute.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
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
    Ok(user::Entity::find()
        .filter(
            user::Column::Phone
                .eq(key.clone())
                .or(user::Column::Username.eq(key)),
        )
        .one(db)
        .await?)
}

#[derive(FromQueryResult)]
struct Count {
    n: i64,
}

/// Checks a login. Unknown account and wrong password get the same answer; more than a few
/// failures a minute for one account or one address are refused before the password is looked at.
pub async fn authenticate(
    db: &super::Db,
    login: &str,
    password: &str,
    client_addr: &str,
) -> Result<CurrentUser, Error> {
    // No account name holds control characters, and PostgreSQL cannot even compare text with a
    // NUL in it: such a login fails like any unknown account, without a query.
    if crate::error::has_control_chars(login) {
        return Err(Error::field("", K::LoginFailed));
    }
    let key = login_key(login);
    let since = Utc::now() - Duration::minutes(1);
    let by_key = query_one::<Count>(
        db,
        "SELECT COUNT(*) AS n FROM login_failures WHERE login_key = $1 AND at > $2",
        vec![key.clone().into(), since.into()],
    )
    .await?
    .map_or(0, |c| c.n);
    let by_addr = query_one::<Count>(
        db,
        "SELECT COUNT(*) AS n FROM login_failures WHERE client_addr = $1 AND at > $2",
        vec![client_addr.into(), since.into()],
    )
    .await?
    .map_or(0, |c| c.n);
    if by_key >= MAX_FAILURES_PER_ACCOUNT || by_addr >= MAX_FAILURES_PER_ADDRESS {
        return Err(Error::Throttled);
    }

    let found = find_by_login(db, &key).await?;
    let hash = found.as_ref().and_then(|u| u.password_hash.clone());
    let ok = verify_password(hash.as_deref().unwrap_or_else(|| dummy_hash()), password)
        && hash.is_some();
    let current = found.as_ref().filter(|_| ok).and_then(to_current);
    let actor = Actor::anonymous(Some(client_addr.to_owned()));
    // Account events change no business figure: the figures' cache stays.
    let txn = super::Write::begin_quiet(db).await?;
    let result = match current {
        Some(user) => {
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
            Ok(user)
        }
        None => {
            login_failure::ActiveModel {
                login_key: Set(key.clone()),
                client_addr: Set(client_addr.to_owned()),
                at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            audit::record(
                &txn,
                &actor,
                Entry {
                    action: "login_failed",
                    entity: "user",
                    entity_id: found.as_ref().map(|u| u.id),
                    firm_id: None,
                    before: None,
                    after: Some(serde_json::json!({ "login": key })),
                },
            )
            .await?;
            Err(Error::field("", K::LoginFailed))
        }
    };
    txn.commit().await?;
    result
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
    problems.take(check_new_password("password", &input.password));
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
    // Account events change no business figure: the figures' cache stays.
    let txn = super::Write::begin_quiet(db).await?;
    let inserted = user::ActiveModel {
        name: Set(name.unwrap_or_default()),
        phone: Set(phone.unwrap_or_default()),
        username: Set(username.filter(|u| !u.is_empty())),
        role: Set(role.map(Role::code).unwrap_or_default().to_owned()),
        member_unit_id: Set(member_unit_id),
        password_hash: Set(Some(hash_password(&input.password)?)),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
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
    txn.commit().await?;
    Ok(inserted)
}

pub use crate::auth::UserRow;

/// The use case "the users page": the office only.
pub async fn users_for(db: &impl ConnectionTrait, caller: &Caller) -> Result<Vec<UserRow>, Error> {
    caller.require(&[Role::Office])?;
    list_users(db).await
}

/// Every account (the CLI's `users` and the users page).
pub async fn list_users(db: &impl ConnectionTrait) -> Result<Vec<UserRow>, Error> {
    super::query_all::<UserRow>(
        db,
        "SELECT u.id, u.name, u.phone, u.username, u.role, mu.name_zh AS member_unit, u.active
         FROM users u LEFT JOIN member_units mu ON mu.id = u.member_unit_id ORDER BY u.role, u.id",
        vec![],
    )
    .await
}

async fn store_password(
    db: &super::Db,
    actor: &Actor,
    target: user::Model,
    new: &str,
    action: &str,
) -> Result<(), Error> {
    // Account events change no business figure: the figures' cache stays.
    let txn = super::Write::begin_quiet(db).await?;
    let id = target.id;
    let mut model: user::ActiveModel = target.into();
    model.password_hash = Set(Some(hash_password(new)?));
    model.updated_at = Set(Utc::now());
    model.update(&txn).await?;
    // Before and after name the change without storing either hash.
    audit::record(
        &txn,
        actor,
        Entry {
            action,
            entity: "user",
            entity_id: Some(id),
            firm_id: None,
            before: Some(serde_json::json!({"password": "(old)"})),
            after: Some(serde_json::json!({"password": "(new)"})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn change_own_password(
    db: &super::Db,
    caller: &Caller,
    current: &str,
    new: &str,
) -> Result<(), Error> {
    let (user, actor) = (&caller.user, &Actor::of(caller));
    check_new_password("new_password", new).map_err(|e| Error::Validation(vec![e]))?;
    let model = user::Entity::find_by_id(user.id)
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
    store_password(db, actor, model, new, "change_password").await
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

/// The office sets a new password for someone who forgot theirs; returns whose it was.
pub async fn reset_password(
    db: &super::Db,
    caller: &Caller,
    target_id: &str,
    new: &str,
) -> Result<i32, Error> {
    caller.require(&[Role::Office])?;
    let actor = &Actor::of(caller);
    let target_id = super::parse_id("user_id", target_id)?;
    check_new_password("new_password", new).map_err(|e| Error::Validation(vec![e]))?;
    let model = user::Entity::find_by_id(target_id)
        .one(db)
        .await?
        .ok_or(Error::not_found(K::EntityUser))?;
    store_password(db, actor, model, new, "reset_password").await?;
    Ok(target_id)
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
    caller.require(&[Role::Office])?;
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
    caller.require(&[Role::Office])?;
    list_tokens(db).await
}

/// The use case "the office revokes an API token" from the users page.
pub async fn revoke_token_for(db: &super::Db, caller: &Caller, id: &str) -> Result<(), Error> {
    caller.require(&[Role::Office])?;
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
