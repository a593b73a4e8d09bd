//! What the audit trail shows: entries and the filter that selects them. Plain data, so pages
//! can hold it; `db::audit` writes and reads the entries.

use serde::{Deserialize, Serialize};

/// Entries on one page of the audit trail.
pub const AUDIT_PAGE: i64 = 200;

/// Which entries to show: by user, by firm, by action, by Beijing date range; newest first,
/// older than entry `before` (the next page).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub user_id: Option<i32>,
    pub firm_id: Option<i32>,
    pub action: Option<String>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub before: Option<i64>,
}

/// The audit page's filters as typed (empty or missing means "any").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    pub user: String,
    pub firm: String,
    pub from: String,
    pub to: String,
    pub action: String,
    pub before: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sea_orm::FromQueryResult))]
pub struct AuditRow {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor_id: Option<i32>,
    pub actor_label: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i32>,
    pub firm_id: Option<i32>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub client_addr: Option<String>,
}
