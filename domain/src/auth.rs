//! Who may do what. Roles are coarse: four business roles (office, leader, unit, coordinator)
//! and three administrators kept apart from each other and from the business (三权分立: system,
//! security and audit administrators, none of whom reads business data). The finer rules that
//! depend on data — a coordinator's own firms, a unit's own problems — are checked in
//! `db::access` against the database.

use crate::error::Error;
use crate::i18n::{K, Locale};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// 领导小组办公室: runs the campaign; may do everything.
    Office,
    /// 领导: reads everything, changes nothing.
    Leader,
    /// 成员单位 handler: reads firms and dashboards, acts on problems routed to their unit.
    Unit,
    /// 服务协调员: works on the firms assigned to them.
    Coordinator,
    /// 系统管理员: accounts and API tokens; reads neither business data nor the audit trail.
    SystemAdmin,
    /// 安全管理员: the security policy, lock-outs, sessions; no business data.
    SecurityAdmin,
    /// 审计管理员: reads and exports the audit trail; changes nothing.
    AuditAdmin,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Office,
        Role::Leader,
        Role::Unit,
        Role::Coordinator,
        Role::SystemAdmin,
        Role::SecurityAdmin,
        Role::AuditAdmin,
    ];

    /// The campaign's own roles, which work with firms, visits and problems.
    pub const BUSINESS: [Role; 4] = [Role::Office, Role::Leader, Role::Unit, Role::Coordinator];

    pub const fn is_business(self) -> bool {
        matches!(
            self,
            Role::Office | Role::Leader | Role::Unit | Role::Coordinator
        )
    }

    pub const fn code(self) -> &'static str {
        match self {
            Role::Office => "office",
            Role::Leader => "leader",
            Role::Unit => "unit",
            Role::Coordinator => "coordinator",
            Role::SystemAdmin => "sysadmin",
            Role::SecurityAdmin => "secadmin",
            Role::AuditAdmin => "auditor",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code.trim())
    }

    pub const fn label(self) -> K {
        match self {
            Role::Office => K::RoleOffice,
            Role::Leader => K::RoleLeader,
            Role::Unit => K::RoleUnit,
            Role::Coordinator => K::RoleCoordinator,
            Role::SystemAdmin => K::RoleSystemAdmin,
            Role::SecurityAdmin => K::RoleSecurityAdmin,
            Role::AuditAdmin => K::RoleAuditAdmin,
        }
    }

    pub fn name(self, locale: Locale) -> &'static str {
        self.label().t(locale)
    }
}

/// A phone number as shown to someone who has no need to call it: the first three and the
/// last four digits (139****1234); shorter numbers keep only their last two characters.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.trim().chars().collect();
    let n = chars.len();
    if n >= 8 {
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[n - 4..].iter().collect();
        format!("{head}****{tail}")
    } else if n >= 3 {
        let tail: String = chars[n - 2..].iter().collect();
        format!("{}{tail}", "*".repeat(n - 2))
    } else if n == 0 {
        String::new()
    } else {
        "**".to_owned()
    }
}

/// Who administers security: the policy, unlocking accounts, other users' sessions.
pub const SECURITY_ADMINS: &[Role] = &[Role::SecurityAdmin];
/// Who administers accounts: creating, disabling, resetting passwords, API tokens.
pub const ACCOUNT_ADMINS: &[Role] = &[Role::SystemAdmin];
/// Who reads and exports the audit trail.
pub const AUDIT_READERS: &[Role] = &[Role::AuditAdmin];
/// Roles that always log in with a second factor (等保 level 3 asks it of administrators; the
/// office holds every firm's contacts and the campaign's settings).
pub const SECOND_FACTOR_ROLES: &[Role] = &[
    Role::SystemAdmin,
    Role::SecurityAdmin,
    Role::AuditAdmin,
    Role::Office,
];

/// The person behind a request, as loaded from the database for that request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i32,
    pub name: String,
    pub role: Role,
    pub member_unit_id: Option<i32>,
}

impl CurrentUser {
    pub fn is(&self, role: Role) -> bool {
        self.role == role
    }

    /// Allows only the given roles; anyone else gets 403.
    pub fn require(&self, roles: &[Role]) -> Result<(), Error> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    /// Whether the user sees every firm, or only their own (coordinators; administrators see
    /// none, and are refused by [`CurrentUser::require_business`] first).
    pub fn sees_all_firms(&self) -> bool {
        matches!(self.role, Role::Office | Role::Leader | Role::Unit)
    }

    /// Business data is for the business roles: administrators get 403.
    pub fn require_business(&self) -> Result<(), Error> {
        if self.role.is_business() {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }
}

/// Who is making a request: the logged-in user and the address the request came from. The
/// server builds it once per request, by one extractor, for pages, server functions, plain form
/// posts and the JSON API alike; every use case takes it, authorises against `user` and writes
/// the audit trail's "who" from it, so no entry point can lose the address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub user: CurrentUser,
    pub client_addr: Option<String>,
    /// Whether the caller proved who they are recently ([`REAUTH_MINUTES`]): a browser session
    /// within that time of its login or of a re-authentication. API tokens, the CLI and the
    /// server itself have no one to ask again and count as recent.
    pub recently_authenticated: bool,
}

/// How long a login or a re-authentication lets a session make sensitive changes.
pub const REAUTH_MINUTES: i64 = 15;

impl Caller {
    pub fn new(user: CurrentUser, client_addr: Option<String>) -> Caller {
        Caller {
            user,
            client_addr,
            recently_authenticated: true,
        }
    }

    /// A browser session's caller, with when it last proved who it is.
    pub fn of_session(
        user: CurrentUser,
        client_addr: Option<String>,
        recently_authenticated: bool,
    ) -> Caller {
        Caller {
            user,
            client_addr,
            recently_authenticated,
        }
    }

    /// Sensitive actions (account and security administration, bulk assignment, exports) ask
    /// for the password again when the session's last proof is older than [`REAUTH_MINUTES`].
    pub fn require_recent_auth(&self) -> Result<(), Error> {
        if self.recently_authenticated {
            Ok(())
        } else {
            Err(Error::ReauthRequired)
        }
    }
}

/// A caller is first of all its user: role checks and queries read through to it.
impl std::ops::Deref for Caller {
    type Target = CurrentUser;
    fn deref(&self) -> &CurrentUser {
        &self.user
    }
}

/// A row of the users page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sea_orm::FromQueryResult))]
pub struct UserRow {
    pub id: i32,
    pub name: String,
    pub phone: String,
    pub username: Option<String>,
    pub role: String,
    pub member_unit: Option<String>,
    pub active: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_masked_to_their_ends() {
        assert_eq!(mask_phone("13912341234"), "139****1234");
        assert_eq!(mask_phone(" 0971-6123456 "), "097****3456");
        assert_eq!(mask_phone("12345"), "***45");
        assert_eq!(mask_phone("1"), "**");
        assert_eq!(mask_phone(""), "");
        assert_eq!(mask_phone("电话一二三四五六七八"), "电话一****五六七八");
    }

    #[test]
    fn roles_round_trip_and_gate() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Role::from_code("admin"), None);
        let leader = CurrentUser {
            id: 1,
            name: "领导".into(),
            role: Role::Leader,
            member_unit_id: None,
        };
        assert_eq!(leader.require(&[Role::Office]), Err(Error::Forbidden));
        assert!(leader.require(&[Role::Office, Role::Leader]).is_ok());
        assert!(leader.sees_all_firms());
    }
}

/// The longest e-mail address accepted (RFC 5321's path limit).
pub const MAX_EMAIL: usize = 254;

/// An e-mail address as typed: empty means none; otherwise one `@` between a local part and a
/// domain with a dot, no spaces or control characters.
pub fn parse_email(field: &str, raw: &str) -> Result<Option<String>, crate::error::FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let bad = || crate::error::FieldError::new(field, crate::i18n::K::ErrBadEmail);
    if v.chars().count() > MAX_EMAIL || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = v.split_once('@').ok_or_else(bad)?;
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !domain.contains("..");
    if local.is_empty() || !domain_ok || v.contains(['<', '>', ',', ';', '"']) {
        return Err(bad());
    }
    Ok(Some(v.to_owned()))
}

#[cfg(test)]
mod email_tests {
    use super::*;

    #[test]
    fn addresses_are_checked_and_empty_clears() {
        assert_eq!(
            parse_email("e", " a.b@unit.gov.cn ")
                .ok()
                .flatten()
                .as_deref(),
            Some("a.b@unit.gov.cn")
        );
        assert_eq!(parse_email("e", "").ok(), Some(None));
        for bad in [
            "a",
            "a@b",
            "@b.cn",
            "a@.cn",
            "a@b.cn.",
            "a b@c.cn",
            "a@b@c.cn",
            "x<y>@a.cn",
            "a@b\u{0}.cn",
            "a,b@c.cn",
        ] {
            assert!(parse_email("e", bad).is_err(), "{bad}");
        }
    }
}

/// Days an API token lasts unless its maker says otherwise.
pub const TOKEN_DAYS: u32 = 90;
/// The longest a token may last.
pub const MAX_TOKEN_DAYS: u32 = 365;

/// An API token as administrators list it (never the token itself).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TokenRow {
    pub id: i32,
    pub user_id: i32,
    pub user_name: String,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl TokenRow {
    /// Usable at `now`: not revoked, not expired.
    pub fn is_live(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

/// The client's address as the server determined it (behind a trusted proxy, the address the
/// proxy saw), put on each request for the login throttle and the audit trail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub String);
