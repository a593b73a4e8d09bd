//! The second factor: time-based one-time codes (RFC 6238) from an authenticator app, and ten
//! one-time recovery codes for a lost phone. Required of the administrators and the office, and
//! of everyone when the security policy says so ([`crate::security::SecurityPolicy`]); anyone
//! else may turn it on.
//!
//! The secret is sealed at rest ([`super::crypto`]); a recovery code is kept only as its
//! SHA-256 (each has 50 random bits, so no slow hash is needed). A code is accepted once: the
//! time step of the last accepted code is stored, and the step moves forward by a conditional
//! update, so two requests racing with the same code cannot both pass.

use super::audit::{self, Actor, Entry};
use super::{Db, Write, crypto, query_one, retry, sql};
use crate::auth::{ACCOUNT_ADMINS, Caller, Role};
use crate::error::{Error, FieldError};
use crate::i18n::K;
use crate::security::{
    Enrolment, RECOVERY_CODES, SecondFactorView, SecurityPolicy, normalise_code,
};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use totp_rs::{Builder, Secret, Totp};

/// The name authenticator apps show above the code.
const ISSUER: &str = "zhuqi 助企";
/// Random bytes of a secret (160 bits, as RFC 4226 recommends).
const SECRET_BYTES: usize = 20;
/// Letters and digits of recovery codes: no 0/O, 1/I/L to misread.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LEN: usize = 10;

#[cfg(feature = "demo")]
static DEMO_EXEMPT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Lets required accounts log in without a second factor: for the automated tests of a
/// throw-away demo database only (`ZHUQI_DEMO_KEEP_PASSWORDS`), which log in as the office
/// dozens of times at once. Only a build with the demo can call it; a deployment cannot.
#[cfg(feature = "demo")]
pub fn exempt_demo_accounts() {
    DEMO_EXEMPT.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Whether an account of `role` must have a second factor under `policy`.
pub fn required(policy: &SecurityPolicy, role: Role) -> bool {
    #[cfg(feature = "demo")]
    if DEMO_EXEMPT.load(std::sync::atomic::Ordering::Relaxed) {
        return false;
    }
    policy.requires_second_factor(role)
}

#[derive(FromQueryResult)]
struct TotpRow {
    secret: Option<String>,
    pending_secret: Option<String>,
    pending_codes: Option<String>,
}

async fn row_of(db: &impl ConnectionTrait, user_id: i32) -> Result<Option<TotpRow>, Error> {
    query_one::<TotpRow>(
        db,
        "SELECT secret, pending_secret, pending_codes FROM user_totp WHERE user_id = $1",
        vec![user_id.into()],
    )
    .await
}

/// Whether logins of this user ask for a code.
pub async fn is_enabled(db: &impl ConnectionTrait, user_id: i32) -> Result<bool, Error> {
    Ok(row_of(db, user_id)
        .await?
        .is_some_and(|r| r.secret.is_some()))
}

fn totp_of(secret_base32: &str) -> Result<Totp, Error> {
    let secret = Secret::try_from_base32(secret_base32).map_err(|_| {
        tracing::error!("a stored second-factor secret is not base32");
        Error::Internal
    })?;
    Builder::new().with_secret(secret).build().map_err(|e| {
        tracing::error!(error = %e, "a stored second-factor secret is refused");
        Error::Internal
    })
}

fn unix_seconds(now: DateTime<Utc>) -> u64 {
    u64::try_from(now.timestamp()).unwrap_or(0)
}

fn random_bytes(n: usize) -> Vec<u8> {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut buf = vec![0u8; n];
    OsRng.fill_bytes(&mut buf);
    buf
}

/// A recovery code as shown: ten characters in two groups of five.
fn new_recovery_code() -> String {
    let code: String = random_bytes(CODE_LEN)
        .iter()
        .map(|b| char::from(CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()]))
        .collect();
    format!("{}-{}", &code[..5], &code[5..])
}

fn code_hash(code: &str) -> String {
    super::sha256_hex(normalise_code(code).as_bytes())
}

/// The secret grouped by four characters, for typing it into an app by hand.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `otpauth://` URL authenticator apps read (Key Uri Format): issuer and account in the
/// label and again as the issuer parameter.
fn otpauth_url(secret: &str, account: &str) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let issuer = utf8_percent_encode(ISSUER, NON_ALPHANUMERIC);
    let account = utf8_percent_encode(account, NON_ALPHANUMERIC);
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits=6&period=30"
    )
}

#[derive(FromQueryResult)]
struct Account {
    name: String,
    username: Option<String>,
    role: String,
}

#[derive(FromQueryResult)]
struct Count {
    n: i64,
}

/// The use case "my second factor": whether it is on, whether it must be, the recovery codes
/// left, and an enrolment begun (its QR code and recovery codes) if there is one.
pub async fn view(db: &impl ConnectionTrait, caller: &Caller) -> Result<SecondFactorView, Error> {
    let policy = super::security::get(db).await?;
    let row = row_of(db, caller.id).await?;
    let left = query_one::<Count>(
        db,
        "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        vec![caller.id.into()],
    )
    .await?
    .map_or(0, |c| c.n);
    let enrolment = match row.as_ref().and_then(|r| r.pending_secret.as_ref()) {
        Some(sealed) => {
            let secret = crypto::open(sealed)?;
            let account = query_one::<Account>(
                db,
                "SELECT name, username, role FROM users WHERE id = $1",
                vec![caller.id.into()],
            )
            .await?
            .ok_or(Error::not_found(K::EntityUser))?;
            let label = account.username.unwrap_or(account.name);
            let url = otpauth_url(&secret, &label);
            let codes = match row.as_ref().and_then(|r| r.pending_codes.as_ref()) {
                Some(sealed) => crypto::open(sealed)?
                    .split('\n')
                    .map(str::to_owned)
                    .collect(),
                None => Vec::new(),
            };
            Some(Enrolment {
                secret: grouped(&secret),
                qr_svg: super::qr::svg(&url, 200)?,
                url,
                recovery_codes: codes,
            })
        }
        None => None,
    };
    Ok(SecondFactorView {
        enabled: row.as_ref().is_some_and(|r| r.secret.is_some()),
        required: required(&policy, caller.role),
        recovery_left: u32::try_from(left).unwrap_or(0),
        enrolment,
    })
}

fn audit_entry(
    action: &'static str,
    user_id: i32,
    after: Option<serde_json::Value>,
) -> Entry<'static> {
    Entry {
        action,
        entity: "second_factor",
        entity_id: Some(user_id),
        firm_id: None,
        before: None,
        after,
    }
}

/// The use case "set up my second factor" (or set it up again): a new secret and new recovery
/// codes, kept sealed as an enrolment until a code from the app confirms it. A second factor
/// already on stays on until then. Asks for a recent login or confirmation.
pub async fn begin(db: &Db, caller: &Caller) -> Result<(), Error> {
    caller.require_recent_auth()?;
    let secret = Secret::from(random_bytes(SECRET_BYTES)).to_base32();
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    let sealed_secret = crypto::seal(&secret)?;
    let sealed_codes = crypto::seal(&codes.join("\n"))?;
    retry(|| async {
        let txn = Write::begin_quiet(db).await?;
        let backend = txn.get_database_backend();
        let now = Utc::now();
        let updated = txn
            .execute_raw(sql(
                backend,
                "UPDATE user_totp SET pending_secret = $1, pending_codes = $2, updated_at = $3
                 WHERE user_id = $4",
                vec![
                    sealed_secret.clone().into(),
                    sealed_codes.clone().into(),
                    now.into(),
                    caller.id.into(),
                ],
            ))
            .await?;
        if updated.rows_affected() == 0 {
            txn.execute_raw(sql(
                backend,
                "INSERT INTO user_totp (user_id, pending_secret, pending_codes, last_step, updated_at)
                 VALUES ($1, $2, $3, 0, $4)",
                vec![
                    caller.id.into(),
                    sealed_secret.clone().into(),
                    sealed_codes.clone().into(),
                    now.into(),
                ],
            ))
            .await?;
        }
        audit::record(
            &txn,
            &Actor::of(caller),
            audit_entry("second_factor_begin", caller.id, None),
        )
        .await?;
        txn.commit().await
    })
    .await
}

/// The use case "confirm my second factor": the app's current code proves the secret was taken;
/// the secret goes live, its recovery codes replace any earlier ones (only their hashes kept),
/// and the enrolment's plain copies are gone.
pub async fn confirm(db: &Db, caller: &Caller, code: &str) -> Result<(), Error> {
    let row = row_of(db, caller.id).await?;
    let Some(sealed) = row.as_ref().and_then(|r| r.pending_secret.clone()) else {
        return Err(Error::field("code", K::ErrNoEnrolment));
    };
    let secret = crypto::open(&sealed)?;
    let now = Utc::now();
    let Some(step) = totp_of(&secret)?.check(&normalise_code(code), unix_seconds(now)) else {
        return Err(Error::field("code", K::ErrCodeWrong));
    };
    let codes: Vec<String> = match row.and_then(|r| r.pending_codes) {
        Some(sealed) => crypto::open(&sealed)?
            .split('\n')
            .map(str::to_owned)
            .collect(),
        None => Vec::new(),
    };
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    retry(|| async {
        let txn = Write::begin_quiet(db).await?;
        let backend = txn.get_database_backend();
        // Only the enrolment this check read goes live (not one begun again meanwhile).
        let done = txn
            .execute_raw(sql(
                backend,
                "UPDATE user_totp SET secret = pending_secret, pending_secret = NULL,
                   pending_codes = NULL, last_step = $1, enabled_at = $2, updated_at = $2
                 WHERE user_id = $3 AND pending_secret = $4",
                vec![
                    step.into(),
                    now.into(),
                    caller.id.into(),
                    sealed.clone().into(),
                ],
            ))
            .await?;
        if done.rows_affected() == 0 {
            return Err(Error::field("code", K::ErrNoEnrolment));
        }
        txn.execute_raw(sql(
            backend,
            "DELETE FROM recovery_codes WHERE user_id = $1",
            vec![caller.id.into()],
        ))
        .await?;
        for c in &codes {
            txn.execute_raw(sql(
                backend,
                "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)",
                vec![caller.id.into(), code_hash(c).into()],
            ))
            .await?;
        }
        audit::record(
            &txn,
            &Actor::of(caller),
            audit_entry(
                "second_factor_enable",
                caller.id,
                Some(serde_json::json!({ "recovery_codes": codes.len() })),
            ),
        )
        .await?;
        txn.commit().await
    })
    .await
}

async fn remove(txn: &impl ConnectionTrait, user_id: i32) -> Result<(), Error> {
    let backend = txn.get_database_backend();
    txn.execute_raw(sql(
        backend,
        "DELETE FROM user_totp WHERE user_id = $1",
        vec![user_id.into()],
    ))
    .await?;
    txn.execute_raw(sql(
        backend,
        "DELETE FROM recovery_codes WHERE user_id = $1",
        vec![user_id.into()],
    ))
    .await?;
    Ok(())
}

/// The use case "turn off my second factor" (or cancel an enrolment), for accounts the policy
/// does not require it of. Asks for a recent login or confirmation.
pub async fn turn_off(db: &Db, caller: &Caller) -> Result<(), Error> {
    caller.require_recent_auth()?;
    let policy = super::security::get(db).await?;
    if required(&policy, caller.role) && is_enabled(db, caller.id).await? {
        return Err(Error::Conflict(FieldError::new("", K::ErrSecondFactorKept)));
    }
    retry(|| async {
        let txn = Write::begin_quiet(db).await?;
        remove(&txn, caller.id).await?;
        audit::record(
            &txn,
            &Actor::of(caller),
            audit_entry("second_factor_disable", caller.id, None),
        )
        .await?;
        txn.commit().await
    })
    .await
}

/// The use case "an account administrator resets someone's second factor" (a lost phone and no
/// recovery code left). Returns whose it was.
pub async fn reset_for(db: &Db, caller: &Caller, user_id: &str) -> Result<(i32, String), Error> {
    caller.require(ACCOUNT_ADMINS)?;
    caller.require_recent_auth()?;
    let id = super::parse_id("user_id", user_id)?;
    let name = reset(db, &Actor::of(caller), id).await?;
    Ok((id, name))
}

/// Removes a user's second factor and ends every session of theirs; if their role requires one,
/// they set it up again right after their next password login. Audited; returns their name.
pub async fn reset(db: &Db, actor: &Actor, id: i32) -> Result<String, Error> {
    let account = query_one::<Account>(
        db,
        "SELECT name, username, role FROM users WHERE id = $1",
        vec![id.into()],
    )
    .await?
    .ok_or(Error::not_found(K::EntityUser))?;
    retry(|| async {
        let txn = Write::begin_quiet(db).await?;
        remove(&txn, id).await?;
        let ended = super::sessions::end_all_of(&txn, id, None).await?;
        audit::record(
            &txn,
            actor,
            audit_entry(
                "second_factor_reset",
                id,
                Some(serde_json::json!({ "role": account.role, "sessions_ended": ended })),
            ),
        )
        .await?;
        txn.commit().await
    })
    .await?;
    Ok(account.name)
}

/// What a code typed at login turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeCheck {
    /// The app's code, accepted (its step is now used).
    Totp,
    /// One of the recovery codes, accepted (now used).
    Recovery,
    /// A right code that was accepted before: refused.
    Replayed,
    Wrong,
}

/// Checks a code typed at login against the user's second factor and, if it is good, uses it
/// up, in `txn` (the login's transaction). Six digits are the app's code, anything else a
/// recovery code.
pub async fn check_code(
    txn: &impl ConnectionTrait,
    user_id: i32,
    code: &str,
    now: DateTime<Utc>,
) -> Result<CodeCheck, Error> {
    let code = normalise_code(code);
    let backend = txn.get_database_backend();
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        let Some(sealed) = row_of(txn, user_id).await?.and_then(|r| r.secret) else {
            return Ok(CodeCheck::Wrong);
        };
        let Some(step) = totp_of(&crypto::open(&sealed)?)?.check(&code, unix_seconds(now)) else {
            return Ok(CodeCheck::Wrong);
        };
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        let moved = txn
            .execute_raw(sql(
                backend,
                "UPDATE user_totp SET last_step = $1 WHERE user_id = $2 AND last_step < $1",
                vec![step.into(), user_id.into()],
            ))
            .await?;
        return Ok(if moved.rows_affected() == 1 {
            CodeCheck::Totp
        } else {
            CodeCheck::Replayed
        });
    }
    if code.len() != CODE_LEN {
        return Ok(CodeCheck::Wrong);
    }
    let hash = code_hash(&code);
    let used = txn
        .execute_raw(sql(
            backend,
            "UPDATE recovery_codes SET used_at = $1
             WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
            vec![now.into(), user_id.into(), hash.clone().into()],
        ))
        .await?;
    if used.rows_affected() >= 1 {
        return Ok(CodeCheck::Recovery);
    }
    let earlier = query_one::<Count>(
        txn,
        "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND code_hash = $2",
        vec![user_id.into(), hash.into()],
    )
    .await?
    .map_or(0, |c| c.n);
    Ok(if earlier == 0 {
        CodeCheck::Wrong
    } else {
        CodeCheck::Replayed
    })
}

/// The current code of a secret as an app would show it (for tests and the CLI's checks).
pub fn code_at(secret_base32: &str, at: DateTime<Utc>) -> Result<String, Error> {
    Ok(totp_of(&secret_base32.replace(' ', ""))?
        .generate(unix_seconds(at))
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_ten_unambiguous_characters() {
        let c = new_recovery_code();
        assert_eq!(c.len(), 11);
        assert_eq!(normalise_code(&c).len(), CODE_LEN);
        assert!(
            normalise_code(&c)
                .bytes()
                .all(|b| CODE_ALPHABET.contains(&b))
        );
        assert_eq!(
            code_hash(&c),
            code_hash(&c.to_lowercase().replace('-', " "))
        );
    }

    #[test]
    fn codes_follow_rfc_6238() {
        // RFC 6238 appendix B, SHA-1, secret "12345678901234567890", at 59 s: 94287082 (8
        // digits); the 6-digit code is its last six digits.
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        let at = DateTime::from_timestamp(59, 0).unwrap_or_default();
        assert_eq!(code_at(&secret, at).ok().as_deref(), Some("287082"));
        let url = otpauth_url(&secret, "王 li:x");
        assert!(url.starts_with("otpauth://totp/zhuqi%20%E5%8A%A9%E4%BC%81:"));
        assert!(
            url.contains("%3Ax?secret="),
            "a colon in the name is escaped"
        );
    }
}
