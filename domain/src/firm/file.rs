//! What a firm list page and a firm file (一户一档) show: rows, the profile, the timeline of
//! visits and problems, the coordinator history, attachments.

use crate::problem::ProblemStatus;
use crate::reference::{Region, Tier};
use crate::visit::VisitKind;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Where a firm stands against the campaign's two targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Targets {
    pub in_scope: bool,
    pub visited_on_site: bool,
    pub problem_solved: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FirmRow {
    pub id: i32,
    pub name: String,
    pub credit_code: String,
    pub region: Region,
    pub county: String,
    pub tier: Tier,
    pub coordinator: Option<String>,
    pub targets: Targets,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FirmPage {
    pub rows: Vec<FirmRow>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
    /// The campaign and day the target columns and status filter count for.
    pub basis: crate::kpi::Basis,
}

impl FirmPage {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.page_size).max(1)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FirmProfile {
    pub id: i32,
    pub name: String,
    pub credit_code: String,
    pub region: Region,
    pub county: String,
    pub industry: String,
    pub tier: Tier,
    pub contact_name: String,
    pub contact_phone: String,
    pub address: String,
    pub site: Option<crate::firm::Site>,
    pub archived: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoordinatorRef {
    pub id: i32,
    pub name: String,
    pub phone: String,
    pub member_unit: Option<String>,
    pub since: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitEntry {
    pub id: i32,
    pub date: NaiveDate,
    pub kind: VisitKind,
    pub coordinator: String,
    pub participants: String,
    pub summary: String,
    /// When the server received it.
    pub received_at: DateTime<Utc>,
    /// When it was submitted on the phone, by the phone's clock (visits sent from the outbox).
    pub captured_at: Option<DateTime<Utc>>,
    pub position: Option<crate::visit::Position>,
    /// How far `position` was from the firm's site, where both are known.
    pub from_site: Option<crate::firm::Proximity>,
}

impl VisitEntry {
    /// How long ago the phone captured it is worth showing: it waited in the outbox (or the
    /// phone's clock is off) by more than a few minutes either way.
    pub fn waited(&self) -> Option<DateTime<Utc>> {
        self.captured_at
            .filter(|c| (self.received_at - *c).num_minutes().abs() >= 5)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProblemEntry {
    pub id: i32,
    pub raised_on: NaiveDate,
    pub measure_no: i32,
    pub measure_zh: String,
    pub measure_en: String,
    pub description: String,
    pub status: ProblemStatus,
    pub deadline: NaiveDate,
    pub units: Vec<String>,
    /// For optimistic locking: actions name the version they saw.
    pub version: i32,
    pub unit_response: Option<String>,
    pub satisfaction: Option<String>,
    /// Red past its deadline, yellow when due soon, by the working-day calendar
    /// (`Calendar::urgency`); none once concluded.
    pub urgency: Urgency,
    /// The office's orders about it (督办), oldest first.
    pub supervisions: Vec<crate::problem::Supervision>,
    /// Its 签收, 办结 and 回访 clocks and its time in each status.
    pub clocks: crate::rules::ProblemClocks,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Urgency {
    None,
    DueSoon,
    Overdue,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TimelineEntry {
    Visit(VisitEntry),
    Problem(ProblemEntry),
}

impl TimelineEntry {
    pub fn date(&self) -> NaiveDate {
        match self {
            TimelineEntry::Visit(v) => v.date,
            TimelineEntry::Problem(p) => p.raised_on,
        }
    }
}

/// One line of a firm's coordinator history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "db", derive(sea_orm::FromQueryResult))]
pub struct HistoryRow {
    pub coordinator: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub reason: String,
    pub end_reason: Option<String>,
    pub assigned_by: Option<String>,
}

/// Active coordinators for the assignment form: (id, name, member unit).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sea_orm::FromQueryResult))]
pub struct CoordinatorOption {
    pub id: i32,
    pub name: String,
    pub member_unit: Option<String>,
    pub firms: i64,
}

/// A file attached to a visit (a photo or a scanned visit sheet).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRef {
    pub id: i32,
    pub visit_id: i32,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FirmFile {
    pub firm: FirmProfile,
    /// Counted by `crate::kpi` for `basis`.
    pub targets: Targets,
    pub basis: crate::kpi::Basis,
    pub coordinator: Option<CoordinatorRef>,
    /// Newest first.
    pub timeline: Vec<TimelineEntry>,
    /// The phone numbers are masked for this reader (who can reveal one, audited).
    #[serde(default)]
    pub phones_masked: bool,
}
