//! The firm list's filters: as they arrive in a URL (`FirmQueryParams`), parsed and checked
//! (`FirmQuery`), and written back into links.

use crate::error::{Error, FieldError, Problems, text};
use crate::i18n::K;
use crate::reference::{Region, Tier};
use chrono::NaiveDate;
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
            parts.push(format!("q={}", crate::url::query_value(&self.q)));
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
            parts.push(format!("county={}", crate::url::query_value(&self.county)));
        }
        if !self.industry.is_empty() {
            parts.push(format!(
                "industry={}",
                crate::url::query_value(&self.industry)
            ));
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
}
