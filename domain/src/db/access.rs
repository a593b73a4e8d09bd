//! Permissions that more than one use case shares, stated once. Data-dependent ones: a coordinator works only on the firms currently assigned to them;
//! after a handover the former coordinator can no longer see or write to that firm.

use super::firms;
use crate::auth::{CurrentUser, Role};
use crate::error::Error;
use sea_orm::ConnectionTrait;

/// Who reads the leadership dashboard: leaders, the office and member units (coordinators see
/// their own firms instead).
pub fn ensure_can_view_dashboard(user: &CurrentUser) -> Result<(), Error> {
    user.require(&[Role::Office, Role::Leader, Role::Unit])
}

/// Whether the firm's file may be read: everyone but coordinators reads all firms.
pub async fn ensure_can_view_firm(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    firm_id: i32,
) -> Result<(), Error> {
    user.require_business()?;
    if user.sees_all_firms() {
        return Ok(());
    }
    ensure_own_firm(db, user, firm_id).await
}

/// The office, or the firm's current coordinator: who logs visits for a firm, follows its
/// problems up with it and attaches visit photos.
pub async fn ensure_office_or_coordinator(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    firm_id: i32,
) -> Result<(), Error> {
    match user.role {
        Role::Office => Ok(()),
        Role::Coordinator => ensure_own_firm(db, user, firm_id).await,
        Role::Leader | Role::Unit | Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin => {
            Err(Error::Forbidden)
        }
    }
}

async fn ensure_own_firm(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    firm_id: i32,
) -> Result<(), Error> {
    // An unknown firm is reported as such before the ownership question.
    firms::profile(db, firm_id).await?;
    match firms::coordinator_of(db, firm_id).await? {
        Some(c) if c.id == user.id => Ok(()),
        _ => Err(Error::Forbidden),
    }
}

/// Whether `user` sees the firm's phone numbers (its contact's, its coordinator's) in full:
/// those who call them — the office, the firm's coordinator, a member unit with a problem of
/// the firm. Anyone else who may read the file sees them masked and can reveal one, audited.
pub async fn sees_phones_of_firm(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    firm_id: i32,
) -> Result<bool, Error> {
    #[derive(sea_orm::FromQueryResult)]
    struct N {
        n: i64,
    }
    Ok(match user.role {
        Role::Office | Role::Coordinator => true,
        Role::Unit => {
            let Some(unit) = user.member_unit_id else {
                return Ok(false);
            };
            super::query_one::<N>(
                db,
                "SELECT COUNT(*) AS n FROM problems p JOIN problem_units pu ON pu.problem_id = p.id
                 WHERE p.firm_id = $1 AND pu.member_unit_id = $2",
                vec![firm_id.into(), unit.into()],
            )
            .await?
            .is_some_and(|r| r.n > 0)
        }
        Role::Leader | Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin => false,
    })
}
