//! What the firm pages and the API show about firms: list queries and rows, and the firm file
//! (一户一档). Plain data, so the browser build can hold it too; `db::firms` fills it.

use crate::error::{Error, FieldError, Problems, text};
use crate::i18n::K;
use crate::problem::ProblemStatus;
use crate::reference::{Region, Tier};
use crate::visit::VisitKind;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub const PAGE_SIZE: u64 = 20;
const MAX_QUERY: usize = 100;
const MAX_PAGE: u64 = 100_000;

/// The list's filters as they arrive in a URL: every field optional, all strings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmQueryParams {
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub tier: Option<String>,
    #[serde(default)]
    pub page: Option<String>,
    /// "1": only firms without a coordinator.
    #[serde(default)]
    pub unassigned: Option<String>,
    #[serde(default)]
    pub county: Option<String>,
    #[serde(default)]
    pub industry: Option<String>,
    /// A coordinator's user id.
    #[serde(default)]
    pub coordinator: Option<String>,
    /// not_visited | visited | not_solved | solved | both
    #[serde(default)]
    pub status: Option<String>,
    /// region (default) | name | code | recent
    #[serde(default)]
    pub sort: Option<String>,
    /// YYYY-MM-DD: count the targets as of this day (the dashboard's replay); default today.
    #[serde(default)]
    pub as_of: Option<String>,
    /// A campaign round's id; default the current round.
    #[serde(default)]
    pub campaign: Option<String>,
}

/// Where an in-scope firm stands against the two targets, as a list filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TargetStatus {
    /// Every firm in the campaign's scope.
    InScope,
    NotVisited,
    Visited,
    NotSolved,
    Solved,
    Both,
}

impl TargetStatus {
    pub const ALL: [TargetStatus; 6] = [
        TargetStatus::InScope,
        TargetStatus::NotVisited,
        TargetStatus::Visited,
        TargetStatus::NotSolved,
        TargetStatus::Solved,
        TargetStatus::Both,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            TargetStatus::InScope => "in_scope",
            TargetStatus::NotVisited => "not_visited",
            TargetStatus::Visited => "visited",
            TargetStatus::NotSolved => "not_solved",
            TargetStatus::Solved => "solved",
            TargetStatus::Both => "both",
        }
    }

    pub fn from_code(code: &str) -> Option<TargetStatus> {
        TargetStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub const fn label(self) -> K {
        match self {
            TargetStatus::InScope => K::FilterInScope,
            TargetStatus::NotVisited => K::FilterNotVisited,
            TargetStatus::Visited => K::FilterVisited,
            TargetStatus::NotSolved => K::StatusNotSolved,
            TargetStatus::Solved => K::StatusSolvedFirm,
            TargetStatus::Both => K::StatusBoth,
        }
    }
}

/// The firm list's order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum FirmSort {
    /// By region, then in registration order: how the office's own lists run.
    #[default]
    Region,
    Name,
    Code,
    /// Most recently changed first.
    Recent,
}

impl FirmSort {
    pub const ALL: [FirmSort; 4] = [
        FirmSort::Region,
        FirmSort::Name,
        FirmSort::Code,
        FirmSort::Recent,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            FirmSort::Region => "region",
            FirmSort::Name => "name",
            FirmSort::Code => "code",
            FirmSort::Recent => "recent",
        }
    }

    pub fn from_code(code: &str) -> Option<FirmSort> {
        FirmSort::ALL.into_iter().find(|s| s.code() == code)
    }

    pub const fn label(self) -> K {
        match self {
            FirmSort::Region => K::SortRegion,
            FirmSort::Name => K::SortName,
            FirmSort::Code => K::SortCode,
            FirmSort::Recent => K::SortRecent,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmQuery {
    pub q: String,
    pub region: Option<Region>,
    pub tier: Option<Tier>,
    /// 1-based.
    pub page: u64,
    pub unassigned: bool,
    pub county: String,
    pub industry: String,
    pub coordinator: Option<i32>,
    pub status: Option<TargetStatus>,
    pub sort: FirmSort,
    pub as_of: Option<NaiveDate>,
    pub campaign: Option<i32>,
}

impl FirmQueryParams {
    pub fn parse(&self) -> Result<FirmQuery, Error> {
        let mut problems = Problems::default();
        let present = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let q = problems
            .take(text(
                "q",
                self.q.as_deref().unwrap_or_default(),
                false,
                MAX_QUERY,
            ))
            .unwrap_or_default();
        let region =
            present(&self.region).and_then(|r| problems.take(Region::parse_id("region", &r)));
        let tier = present(&self.tier).and_then(|t| problems.take(Tier::parse_id("tier", &t)));
        let page = match present(&self.page) {
            None => 1,
            Some(p) => match p.parse::<u64>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
                _ => {
                    problems.push(FieldError::new("page", K::ErrBadPage));
                    1
                }
            },
        };
        let county = problems
            .take(text(
                "county",
                self.county.as_deref().unwrap_or_default(),
                false,
                50,
            ))
            .unwrap_or_default();
        let industry = problems
            .take(text(
                "industry",
                self.industry.as_deref().unwrap_or_default(),
                false,
                50,
            ))
            .unwrap_or_default();
        let id = |field: &str, raw: &Option<String>, problems: &mut Problems| {
            let raw = present(raw)?;
            let id = raw.parse::<i32>().ok().filter(|id| *id > 0);
            if id.is_none() {
                problems.push(FieldError::new(field, K::ErrBadId));
            }
            id
        };
        let coordinator = id("coordinator", &self.coordinator, &mut problems);
        let status = present(&self.status).and_then(|s| {
            let found = TargetStatus::from_code(&s);
            if found.is_none() {
                problems.push(FieldError::new("status", K::ErrValidation));
            }
            found
        });
        let sort = match present(&self.sort) {
            None => FirmSort::default(),
            Some(s) => FirmSort::from_code(&s).unwrap_or_else(|| {
                problems.push(FieldError::new("sort", K::ErrValidation));
                FirmSort::default()
            }),
        };
        let as_of = present(&self.as_of)
            .and_then(|d| problems.take(crate::campaign::parse_date("as_of", &d)));
        let campaign = id("campaign", &self.campaign, &mut problems);
        problems.finish()?;
        let unassigned = present(&self.unassigned).is_some_and(|v| v == "1" || v == "true");
        Ok(FirmQuery {
            q,
            region,
            tier,
            page,
            unassigned,
            county,
            industry,
            coordinator,
            status,
            sort,
            as_of,
            campaign,
        })
    }
}

impl FirmQuery {
    /// The query string for this query at another page (used by the pager links).
    pub fn to_query_string(&self, page: u64) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", urlencode(&self.q)));
        }
        if let Some(r) = self.region {
            parts.push(format!("region={}", r.id()));
        }
        if let Some(t) = self.tier {
            parts.push(format!("tier={}", t.id()));
        }
        if self.unassigned {
            parts.push("unassigned=1".to_owned());
        }
        if !self.county.is_empty() {
            parts.push(format!("county={}", urlencode(&self.county)));
        }
        if !self.industry.is_empty() {
            parts.push(format!("industry={}", urlencode(&self.industry)));
        }
        if let Some(c) = self.coordinator {
            parts.push(format!("coordinator={c}"));
        }
        if let Some(s) = self.status {
            parts.push(format!("status={}", s.code()));
        }
        if self.sort != FirmSort::default() {
            parts.push(format!("sort={}", self.sort.code()));
        }
        if let Some(c) = self.campaign {
            parts.push(format!("campaign={c}"));
        }
        if let Some(d) = self.as_of {
            parts.push(format!("as_of={d}"));
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        parts.join("&")
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

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
}

impl ProblemEntry {
    /// Red when an open problem is past its deadline, yellow within 3 days of it.
    pub fn urgency(&self, today: NaiveDate) -> Urgency {
        if !self.status.is_open() {
            Urgency::None
        } else if today > self.deadline {
            Urgency::Overdue
        } else if (self.deadline - today).num_days() <= 3 {
            Urgency::DueSoon
        } else {
            Urgency::None
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

/// A firm as typed into the office's form (or sent to the API): all strings.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmForm {
    pub credit_code: String,
    pub name: String,
    /// Region id, 1–8.
    pub region: String,
    #[serde(default)]
    pub county: String,
    #[serde(default)]
    pub industry: String,
    /// Tier id, 1–5.
    pub tier: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub address: String,
    /// "" (follow the tier), "in" or "out": the office's override of the campaign scope.
    #[serde(default)]
    pub scope: String,
    /// Why the scope differs from the tier's; required with an override.
    #[serde(default)]
    pub scope_reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidFirm {
    pub credit_code: crate::CreditCode,
    pub name: String,
    pub region: Region,
    pub county: String,
    pub industry: String,
    pub tier: Tier,
    pub contact_name: String,
    pub contact_phone: String,
    pub address: String,
    pub in_scope: bool,
    pub scope_reason: Option<String>,
}

impl FirmForm {
    pub fn validate(&self) -> Result<ValidFirm, Error> {
        let mut problems = Problems::default();
        let code = problems.take(crate::CreditCode::parse(&self.credit_code));
        let name = problems.take(text("name", &self.name, true, 100));
        let region = problems.take(Region::parse_id("region", &self.region));
        let county = problems.take(text("county", &self.county, false, 50));
        let industry = problems.take(text("industry", &self.industry, false, 50));
        let tier = problems.take(Tier::parse_id("tier", &self.tier));
        let contact_name = problems.take(text("contact_name", &self.contact_name, false, 50));
        let contact_phone = problems.take(text("contact_phone", &self.contact_phone, false, 30));
        let address = problems.take(text("address", &self.address, false, 200));
        let reason = problems.take(text("scope_reason", &self.scope_reason, false, 500));
        let in_scope = match (self.scope.trim(), tier) {
            ("in", _) => Some(true),
            ("out", _) => Some(false),
            ("", Some(t)) => Some(t.in_campaign_scope()),
            ("", None) => None,
            _ => {
                problems.push(FieldError::new("scope", K::ErrValidation));
                None
            }
        };
        // An override must say why (the office answers for who is in the campaign).
        let overridden =
            matches!((in_scope, tier), (Some(s), Some(t)) if s != t.in_campaign_scope());
        if overridden && reason.as_deref().is_some_and(str::is_empty) {
            problems.push(FieldError::new("scope_reason", K::ErrReasonRequired));
        }
        problems.finish()?;
        match (
            code,
            name,
            region,
            county,
            industry,
            tier,
            contact_name,
            contact_phone,
            address,
            in_scope,
            reason,
        ) {
            (
                Some(credit_code),
                Some(name),
                Some(region),
                Some(county),
                Some(industry),
                Some(tier),
                Some(contact_name),
                Some(contact_phone),
                Some(address),
                Some(in_scope),
                Some(reason),
            ) => Ok(ValidFirm {
                credit_code,
                name,
                region,
                county,
                industry,
                tier,
                contact_name,
                contact_phone,
                address,
                in_scope,
                scope_reason: overridden.then_some(reason),
            }),
            _ => Err(Error::Internal),
        }
    }
}

/// A coordinator's load and results (the office's workload view).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sea_orm::FromQueryResult))]
pub struct WorkloadRow {
    pub id: i32,
    pub name: String,
    pub phone: String,
    pub member_unit: Option<String>,
    /// Their current firms (not archived), in scope or not.
    pub firms: i64,
    /// Of those, the ones counted for the campaign, and how many of these met each target.
    pub in_scope: i64,
    pub visited: i64,
    pub solved: i64,
}

/// The roster: every active coordinator's row, the firms without one, and what the target
/// columns count for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workload {
    pub rows: Vec<WorkloadRow>,
    pub unassigned: u64,
    pub basis: crate::kpi::Basis,
}

/// A coordinator's current firms, what needs action first, and what the targets count for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyFirms {
    pub firms: Vec<MyFirm>,
    pub today: NaiveDate,
    pub basis: crate::kpi::Basis,
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

/// A coordinator's firm with what needs doing there (我的企业).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyFirm {
    pub id: i32,
    pub name: String,
    pub region: Region,
    pub county: String,
    pub targets: Targets,
    pub open_problems: u64,
    /// The earliest deadline among open problems.
    pub next_deadline: Option<NaiveDate>,
}

impl MyFirm {
    pub fn urgency(&self, today: NaiveDate) -> Urgency {
        match self.next_deadline {
            Some(d) if today > d => Urgency::Overdue,
            Some(d) if (d - today).num_days() <= 3 => Urgency::DueSoon,
            _ => Urgency::None,
        }
    }

    /// What needs action comes first: overdue problems, then firms not yet visited, then
    /// problems due soon, then firms with nothing solved yet, then the rest.
    pub fn rank(&self, today: NaiveDate) -> u8 {
        match self.urgency(today) {
            Urgency::Overdue => 0,
            _ if self.targets.in_scope && !self.targets.visited_on_site => 1,
            Urgency::DueSoon => 2,
            _ if self.targets.in_scope && !self.targets.problem_solved => 3,
            _ => 4,
        }
    }
}

/// Sorts a coordinator's firms so the one needing action is on top (then by deadline, name).
pub fn sort_for_action(firms: &mut [MyFirm], today: NaiveDate) {
    firms.sort_by(|a, b| {
        a.rank(today)
            .cmp(&b.rank(today))
            .then_with(|| {
                a.next_deadline
                    .unwrap_or(NaiveDate::MAX)
                    .cmp(&b.next_deadline.unwrap_or(NaiveDate::MAX))
            })
            .then_with(|| a.name.cmp(&b.name))
    });
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &str, region: &str, tier: &str, page: &str) -> FirmQueryParams {
        let s = |v: &str| Some(v.to_owned());
        FirmQueryParams {
            q: s(q),
            region: s(region),
            tier: s(tier),
            page: s(page),
            ..Default::default()
        }
    }

    #[test]
    fn empty_params_mean_everything() {
        let q = FirmQueryParams::default().parse().expect("valid");
        assert_eq!(
            q,
            FirmQuery {
                page: 1,
                ..Default::default()
            }
        );
        assert_eq!(params(" ", "", "", "").parse().map(|q| q.page), Ok(1));
    }

    #[test]
    fn filters_parse_and_round_trip() {
        let q = params(" 盐湖 ", "8", "3", "2").parse().expect("valid");
        assert_eq!(q.q, "盐湖");
        assert_eq!(q.region, Some(Region::Haixi));
        assert_eq!(q.tier, Some(Tier::ProvincialSrdi));
        assert_eq!(
            q.to_query_string(3),
            "q=%E7%9B%90%E6%B9%96&region=8&tier=3&page=3"
        );
        assert_eq!(q.to_query_string(1), "q=%E7%9B%90%E6%B9%96&region=8&tier=3");
    }

    #[test]
    fn new_filters_parse_round_trip_and_refuse_nonsense() {
        let p = FirmQueryParams {
            county: Some(" 城东区 ".into()),
            coordinator: Some("12".into()),
            status: Some("not_visited".into()),
            sort: Some("name".into()),
            ..Default::default()
        };
        let q = p.parse().expect("valid");
        assert_eq!(q.county, "城东区");
        assert_eq!(q.coordinator, Some(12));
        assert_eq!(q.status, Some(TargetStatus::NotVisited));
        assert_eq!(q.sort, FirmSort::Name);
        assert_eq!(
            q.to_query_string(1),
            "county=%E5%9F%8E%E4%B8%9C%E5%8C%BA&coordinator=12&status=not_visited&sort=name"
        );
        let bad = FirmQueryParams {
            coordinator: Some("x".into()),
            status: Some("done".into()),
            sort: Some("size".into()),
            ..Default::default()
        };
        let Err(Error::Validation(errors)) = bad.parse() else {
            panic!("should fail")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["coordinator", "status", "sort"]);
    }

    #[test]
    fn bad_filters_are_4xx_not_ignored() {
        let Err(Error::Validation(errors)) = params("", "99", "x", "0").parse() else {
            panic!("should fail")
        };
        let keys: Vec<K> = errors.iter().map(|e| e.key).collect();
        assert_eq!(keys, vec![K::ErrBadRegion, K::ErrBadTier, K::ErrBadPage]);
    }

    #[test]
    fn my_firms_put_what_needs_action_first() {
        fn d(s: &str) -> NaiveDate {
            crate::campaign::parse_date("d", s).unwrap_or_default()
        }
        let firm = |name: &str, visited: bool, solved: bool, deadline: Option<&str>| MyFirm {
            id: 0,
            name: name.into(),
            region: Region::Xining,
            county: String::new(),
            targets: Targets {
                in_scope: true,
                visited_on_site: visited,
                problem_solved: solved,
            },
            open_problems: u64::from(deadline.is_some()),
            next_deadline: deadline.map(d),
        };
        let today = d("2022-06-10");
        let mut firms = vec![
            firm("done", true, true, None),
            firm("soon", true, false, Some("2022-06-12")),
            firm("unvisited", false, false, None),
            firm("late", true, false, Some("2022-06-01")),
            firm("unsolved", true, false, Some("2022-07-01")),
        ];
        sort_for_action(&mut firms, today);
        let order: Vec<&str> = firms.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(order, vec!["late", "unvisited", "soon", "unsolved", "done"]);
        assert_eq!(firms[0].urgency(today), Urgency::Overdue);
        assert_eq!(firms[2].urgency(today), Urgency::DueSoon);
    }

    #[test]
    fn urgency_marks() {
        let d = |s| crate::campaign::parse_date("d", s).unwrap_or_default();
        let p = ProblemEntry {
            id: 1,
            raised_on: d("2022-05-01"),
            measure_no: 5,
            measure_zh: String::new(),
            measure_en: String::new(),
            description: String::new(),
            status: ProblemStatus::Claimed,
            deadline: d("2022-05-20"),
            units: vec![],
            version: 1,
            unit_response: None,
            satisfaction: None,
        };
        assert_eq!(p.urgency(d("2022-05-10")), Urgency::None);
        assert_eq!(p.urgency(d("2022-05-17")), Urgency::DueSoon);
        assert_eq!(p.urgency(d("2022-05-20")), Urgency::DueSoon);
        assert_eq!(p.urgency(d("2022-05-21")), Urgency::Overdue);
        let solved = ProblemEntry {
            status: ProblemStatus::Solved,
            ..p
        };
        assert_eq!(solved.urgency(d("2022-06-21")), Urgency::None);
    }
}
