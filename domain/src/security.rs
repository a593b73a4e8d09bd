//! The security administrator's policy (等保 level 3, identity and audit controls) and the
//! password rules. The policy is one row in the database (`db::security`); the numbers a form
//! may hold, and their labels, are the one table [`LIMITS`] that the page and the check both read.

use crate::error::{Error, FieldError};
use crate::i18n::K;
use serde::{Deserialize, Serialize};

/// The policy in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityPolicy {
    /// Failed logins within `lock_minutes` that lock the account.
    pub lock_failures: u32,
    /// How long a lock lasts (a security administrator may lift it sooner).
    pub lock_minutes: u32,
    /// A password older than this must be changed at the next login.
    pub password_max_age_days: u32,
    /// Logged-in sessions one account may hold; the oldest ends when another starts.
    pub max_sessions: u32,
    /// Audit entries younger than this are never deleted.
    pub audit_retention_days: u32,
    /// Every account needs a second factor, not only those of `SECOND_FACTOR_ROLES`.
    #[serde(default)]
    pub second_factor_for_all: bool,
}

impl Default for SecurityPolicy {
    fn default() -> Self {
        SecurityPolicy {
            lock_failures: 5,
            lock_minutes: 15,
            password_max_age_days: 90,
            max_sessions: 3,
            audit_retention_days: 180,
            second_factor_for_all: false,
        }
    }
}

impl SecurityPolicy {
    /// Whether an account of this role must log in with a second factor: the administrators
    /// and the office always (等保 level 3), everyone when the policy says so.
    pub fn requires_second_factor(&self, role: crate::auth::Role) -> bool {
        self.second_factor_for_all || crate::auth::SECOND_FACTOR_ROLES.contains(&role)
    }

    /// Whether a user must set a new password before anything else: an administrator set it
    /// (`flagged`), or it is older than the maximum age. Logins and session checks both ask here.
    pub fn must_change_password(
        &self,
        flagged: bool,
        changed_at: Option<chrono::DateTime<chrono::Utc>>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> bool {
        flagged
            || changed_at.is_some_and(|at| {
                now - at > chrono::Duration::days(i64::from(self.password_max_age_days))
            })
    }
}

/// Checks typed whole numbers against a table of (field, label, least, most), as the policy and
/// the working rules forms use it; every bad field is reported at once.
pub fn parse_in_ranges<const N: usize>(
    limits: &[(&str, K, u32, u32); N],
    raw: [&str; N],
) -> Result<[u32; N], Error> {
    let mut values = [0u32; N];
    let mut errors = Vec::new();
    for (i, ((field, _, least, most), raw)) in limits.iter().zip(raw).enumerate() {
        match raw
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (*least..=*most).contains(n))
        {
            Some(n) => values[i] = n,
            None => errors.push(
                FieldError::new(*field, K::ErrOutOfRange)
                    .with("min", least.to_string())
                    .with("max", most.to_string()),
            ),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(Error::Validation(errors))
    }
}

/// Each field of the policy: its form name, its label, and the least and most it may be.
/// The audit retention's floor of 180 days is 等保's minimum for keeping audit records.
pub const LIMITS: [(&str, K, u32, u32); 5] = [
    ("lock_failures", K::PolicyLockFailures, 3, 10),
    ("lock_minutes", K::PolicyLockMinutes, 5, 1440),
    ("password_max_age_days", K::PolicyPasswordAge, 30, 365),
    ("max_sessions", K::PolicyMaxSessions, 1, 10),
    ("audit_retention_days", K::PolicyAuditRetention, 180, 3650),
];

/// The policy as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyForm {
    pub lock_failures: String,
    pub lock_minutes: String,
    pub password_max_age_days: String,
    pub max_sessions: String,
    pub audit_retention_days: String,
    /// The checkbox "second factor for every account": present (any value) when ticked.
    #[serde(default)]
    pub second_factor_for_all: Option<String>,
}

impl PolicyForm {
    pub fn of(p: &SecurityPolicy) -> Self {
        PolicyForm {
            lock_failures: p.lock_failures.to_string(),
            lock_minutes: p.lock_minutes.to_string(),
            password_max_age_days: p.password_max_age_days.to_string(),
            max_sessions: p.max_sessions.to_string(),
            audit_retention_days: p.audit_retention_days.to_string(),
            second_factor_for_all: p.second_factor_for_all.then(|| "on".to_owned()),
        }
    }

    /// The typed values in `LIMITS` order.
    pub fn values(&self) -> [&str; 5] {
        [
            &self.lock_failures,
            &self.lock_minutes,
            &self.password_max_age_days,
            &self.max_sessions,
            &self.audit_retention_days,
        ]
    }

    /// Every field a whole number in its range; all bad fields are reported at once.
    pub fn validate(&self) -> Result<SecurityPolicy, Error> {
        let v = parse_in_ranges(&LIMITS, self.values())?;
        Ok(SecurityPolicy {
            lock_failures: v[0],
            lock_minutes: v[1],
            password_max_age_days: v[2],
            max_sessions: v[3],
            audit_retention_days: v[4],
            second_factor_for_all: self.second_factor_for_all.is_some(),
        })
    }
}

/// A locked account, as the security page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sea_orm::FromQueryResult))]
pub struct LockRow {
    pub user_id: i32,
    pub name: String,
    pub phone: String,
    pub locked_at: chrono::DateTime<chrono::Utc>,
    pub locked_until: chrono::DateTime<chrono::Utc>,
}

/// The security page: the policy and the accounts locked now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityView {
    pub policy: SecurityPolicy,
    pub locks: Vec<LockRow>,
}

/// A row of "my sessions".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sea_orm::FromQueryResult))]
pub struct SessionRow {
    pub id: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    pub client_addr: Option<String>,
    pub user_agent: Option<String>,
    /// The session the list was asked from (filled in after the query).
    #[cfg_attr(feature = "db", sea_orm(skip))]
    #[serde(default)]
    pub current: bool,
}

/// The second factor as its owner's account page shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorView {
    /// Logins ask for a code.
    pub enabled: bool,
    /// The policy requires it of this account (it cannot be turned off).
    pub required: bool,
    /// Recovery codes not yet used.
    pub recovery_left: u32,
    /// An enrolment begun and not yet confirmed with a code.
    pub enrolment: Option<Enrolment>,
}

/// What a user needs to set up an authenticator app: the secret (as a QR code, and as text to
/// type), and the recovery codes to keep, shown until the enrolment is confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// The secret in base32, grouped by four for typing.
    pub secret: String,
    /// The `otpauth://` URL the QR code holds.
    pub url: String,
    /// The QR code as an SVG document (drawn by the server from `url`).
    pub qr_svg: String,
    pub recovery_codes: Vec<String>,
}

/// One-time recovery codes issued with a second factor.
pub const RECOVERY_CODES: usize = 10;

/// A typed code as the checks compare it: spaces and dashes dropped, upper case.
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

pub const MIN_PASSWORD: usize = 12;
pub const MAX_PASSWORD: usize = 128;
/// Earlier passwords a new one may not repeat (the current one included).
pub const PASSWORD_HISTORY: usize = 5;

/// Who the password belongs to: it may not contain their phone number, name or username.
#[derive(Clone, Copy, Debug, Default)]
pub struct PasswordOwner<'a> {
    pub phone: &'a str,
    pub name: &'a str,
    pub username: &'a str,
}

/// The character classes a password draws on: lower case, upper case, digits, anything else
/// (punctuation, spaces, Chinese characters).
fn classes(password: &str) -> usize {
    let mut seen = [false; 4];
    for c in password.chars() {
        let i = if c.is_ascii_lowercase() {
            0
        } else if c.is_ascii_uppercase() {
            1
        } else if c.is_ascii_digit() {
            2
        } else {
            3
        };
        seen[i] = true;
    }
    seen.iter().filter(|s| **s).count()
}

/// The rules a new password must meet that need no database: length, three of the four
/// character classes, and nothing of the owner's own. (The common-password list and the
/// history are checked by the server: `db::accounts`.)
pub fn check_password_shape(
    field: &str,
    password: &str,
    owner: PasswordOwner<'_>,
) -> Result<(), FieldError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        return Err(FieldError::new(field, K::ErrPasswordShort).with("min", MIN_PASSWORD));
    }
    if n > MAX_PASSWORD {
        return Err(FieldError::new(field, K::ErrTooLong).with("max", MAX_PASSWORD));
    }
    if classes(password) < 3 {
        return Err(FieldError::new(field, K::ErrPasswordClasses));
    }
    let lower = password.to_lowercase();
    let phone_digits: String = owner.phone.chars().filter(char::is_ascii_digit).collect();
    // The last eight digits of a phone number are what people reuse; shorter numbers whole.
    let phone_tail = &phone_digits[phone_digits.len().saturating_sub(8)..];
    let personal = [
        (phone_tail.len() >= 4).then_some(phone_tail.to_owned()),
        (owner.name.trim().chars().count() >= 2).then(|| owner.name.trim().to_lowercase()),
        (owner.username.trim().chars().count() >= 3).then(|| owner.username.trim().to_lowercase()),
    ];
    if personal
        .iter()
        .flatten()
        .any(|p| lower.contains(p.as_str()))
    {
        return Err(FieldError::new(field, K::ErrPasswordPersonal));
    }
    Ok(())
}

/// The word a common-password check looks at: lower case, without the digits and punctuation
/// people add at either end to pass a rule ("Password2024!" is "password").
#[cfg(feature = "db")]
pub fn common_core(password: &str) -> String {
    password
        .to_lowercase()
        .trim_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation() || c == ' ')
        .to_owned()
}

/// Whether the password is on the bundled list of common and breached passwords (30,000,
/// `domain/data/common-passwords.txt`), as typed or by its [`common_core`].
#[cfg(feature = "db")]
pub fn is_common_password(password: &str) -> bool {
    use std::collections::HashSet;
    use std::sync::OnceLock;
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let list = LIST.get_or_init(|| {
        include_str!("../data/common-passwords.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    });
    let lower = password.to_lowercase();
    let core = common_core(password);
    list.contains(lower.as_str()) || (core.chars().count() >= 4 && list.contains(core.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(p: &str, owner: PasswordOwner<'_>) -> Option<K> {
        check_password_shape("p", p, owner).err().map(|e| e.key)
    }

    #[test]
    fn shape_rules() {
        let none = PasswordOwner::default();
        assert_eq!(key("Short1!", none), Some(K::ErrPasswordShort));
        assert_eq!(key("1234567890ab", none), Some(K::ErrPasswordClasses));
        assert_eq!(key("aaaaaaaaaaab", none), Some(K::ErrPasswordClasses));
        assert_eq!(key("password1234", none), Some(K::ErrPasswordClasses));
        assert_eq!(key(&"Ab1!".repeat(33), none), Some(K::ErrTooLong));
        assert_eq!(key("Qinghai-visit-7", none), None);
        assert_eq!(key("青海助企服务2022-go", none), None);
        let owner = PasswordOwner {
            phone: "13900001234",
            name: "Wang Li",
            username: "wangli",
        };
        assert_eq!(key("Xx-00001234-yy", owner), Some(K::ErrPasswordPersonal));
        assert_eq!(key("Hi-WANGLI-2022!", owner), Some(K::ErrPasswordPersonal));
        assert_eq!(key("Qinghai-visit-7", owner), None);
    }

    #[cfg(feature = "db")]
    #[test]
    fn common_list() {
        assert!(is_common_password("123qweasdzxc"));
        assert!(is_common_password("Password2024!"));
        assert!(is_common_password("1qaz2wsx3edc"));
        assert!(!is_common_password("Qinghai-visit-7"));
        let n = include_str!("../data/common-passwords.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .count();
        assert!(n >= 10_000, "{n}");
    }

    #[test]
    fn policy_ranges() {
        let mut f = PolicyForm::of(&SecurityPolicy::default());
        assert_eq!(f.validate(), Ok(SecurityPolicy::default()));
        f.audit_retention_days = "90".into();
        f.lock_failures = "x".into();
        match f.validate() {
            Err(Error::Validation(errors)) => assert_eq!(errors.len(), 2),
            other => panic!("{other:?}"),
        }
    }
}
