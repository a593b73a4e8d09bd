//! The leadership dashboard (领导驾驶舱) and the half-year report: what they show, as plain data
//! (the browser build holds it too). `db::dashboard` fills it; both read the same figures, so a
//! report for a period equals the dashboard as of that period's last day.
//!
//! Definitions, as of the end of a day D:
//! - raised: problems raised by D, not withdrawn;
//! - concluded (办结): raised, now closed, solved or unsolvable, last concluded by D
//!   (a unit's "close", or "unsolvable");
//! - solved: confirmed solved by the firm by D;
//! - on time (按时办结): concluded on or before its deadline;
//! - overdue (超期): raised, not concluded by D, deadline before D;
//! - satisfied (满意): of the firm's answers given by D, "satisfied" or "basically satisfied".

use crate::campaign::{Campaign, percent};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProblemFigures {
    pub raised: u64,
    pub concluded: u64,
    pub concluded_on_time: u64,
    pub solved: u64,
    pub overdue: u64,
    /// Firms' answers (by call or link) given by the day.
    pub answered: u64,
    pub satisfied: u64,
}

impl ProblemFigures {
    /// 办结率
    pub fn concluded_percent(&self) -> f64 {
        percent(self.concluded, self.raised)
    }
    /// 按时办结率, of those concluded.
    pub fn on_time_percent(&self) -> f64 {
        percent(self.concluded_on_time, self.concluded)
    }
    /// 超期率
    pub fn overdue_percent(&self) -> f64 {
        percent(self.overdue, self.raised)
    }
    /// 满意率
    pub fn satisfied_percent(&self) -> f64 {
        percent(self.satisfied, self.answered)
    }
    /// 解决率 (problem level)
    pub fn solved_percent(&self) -> f64 {
        percent(self.solved, self.raised)
    }
}

/// The firm-level targets for a group of firms (a region, a tier, a coordinator's firms).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetRow {
    /// The group's id (region, tier or coordinator id).
    pub id: i32,
    pub name_zh: String,
    pub name_en: String,
    /// For coordinators: their member unit.
    pub note: String,
    pub in_scope: u64,
    pub visited: u64,
    pub solved: u64,
    pub both: u64,
}

impl TargetRow {
    pub fn visited_percent(&self) -> f64 {
        percent(self.visited, self.in_scope)
    }
    pub fn solved_percent(&self) -> f64 {
        percent(self.solved, self.in_scope)
    }
}

/// A member unit's handling of the problems routed to it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitRow {
    pub id: i32,
    pub name_zh: String,
    pub name_en: String,
    pub figures: ProblemFigures,
    /// Median days from raising to concluding, of the problems concluded.
    pub median_days_to_conclude: Option<f64>,
}

/// Problems under one measure of the notice (共性问题: the most common come first).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeasureRow {
    pub measure_no: i32,
    pub area_zh: String,
    pub area_en: String,
    pub name_zh: String,
    pub name_en: String,
    pub raised: u64,
    pub solved: u64,
    pub open: u64,
}

/// One line of a red or yellow list: a firm with the person who must act.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FirmFlag {
    pub firm_id: i32,
    pub firm_name: String,
    pub region_id: i32,
    pub coordinator: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverdueFlag {
    pub problem_id: i32,
    pub firm_id: i32,
    pub firm_name: String,
    pub units: String,
    pub deadline: NaiveDate,
    pub days_overdue: i64,
    pub status: String,
}

/// A list shown in part, with how many there are in all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Flags<T> {
    pub total: u64,
    pub rows: Vec<T>,
}

/// One point of the burn-up chart: cumulative firms by the end of `date`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BurnPoint {
    pub date: NaiveDate,
    pub visited: u64,
    pub solved: u64,
}

/// Where a straight continuation of the last four weeks' pace lands at the deadline.
pub fn project(points: &[BurnPoint], deadline: NaiveDate, in_scope: u64) -> (u64, u64) {
    let Some(last) = points.last() else {
        return (0, 0);
    };
    let window = points
        .iter()
        .rev()
        .find(|p| (last.date - p.date).num_days() >= 28)
        .or(points.first())
        .copied()
        .unwrap_or(*last);
    let span = (last.date - window.date).num_days();
    let left = (deadline - last.date).num_days().max(0);
    let ahead = |now: u64, then: u64| {
        if span <= 0 {
            return now;
        }
        let rate = now.saturating_sub(then) as f64 / span as f64;
        ((now as f64 + rate * left as f64).round() as u64).min(in_scope)
    };
    (
        ahead(last.visited, window.visited),
        ahead(last.solved, window.solved),
    )
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub campaign: Campaign,
    pub as_of: NaiveDate,
    pub in_scope: u64,
    pub visited: u64,
    pub solved_firms: u64,
    pub both: u64,
    pub unassigned: u64,
    pub problems: ProblemFigures,
    /// Weekly from the start, and the as-of day itself.
    pub burnup: Vec<BurnPoint>,
    pub projected_visited: u64,
    pub projected_solved: u64,
    pub by_region: Vec<TargetRow>,
    pub by_tier: Vec<TargetRow>,
    pub by_unit: Vec<UnitRow>,
    /// The top of the coordinators' league: ranked by their firms' both-targets share, then visits.
    pub by_coordinator: Vec<TargetRow>,
    /// The bottom of the league, last first.
    pub coordinators_behind: Vec<TargetRow>,
    pub by_measure: Vec<MeasureRow>,
    pub not_visited: Flags<FirmFlag>,
    pub nothing_solved: Flags<FirmFlag>,
    pub overdue: Flags<OverdueFlag>,
}

impl Dashboard {
    /// The campaign's two targets, as the home page and `/api/v1/progress` show them.
    pub fn progress(&self) -> crate::campaign::Progress {
        crate::campaign::Progress {
            campaign: self.campaign.clone(),
            as_of: self.as_of,
            firms_in_scope: self.in_scope,
            visited_on_site: self.visited,
            with_solved_problem: self.solved_firms,
            both_targets_met: self.both,
        }
    }

    pub fn visited_percent(&self) -> f64 {
        percent(self.visited, self.in_scope)
    }
    pub fn solved_percent(&self) -> f64 {
        percent(self.solved_firms, self.in_scope)
    }
    pub fn both_percent(&self) -> f64 {
        percent(self.both, self.in_scope)
    }
}

/// A half year: 2022H1 is January to June, 2022H2 July to December.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HalfYear {
    pub year: i32,
    pub second: bool,
}

impl HalfYear {
    pub fn parse(field: &str, raw: &str) -> Result<HalfYear, crate::FieldError> {
        let bad = || crate::FieldError::new(field, crate::K::ErrBadPeriod);
        let s = raw.trim().to_ascii_uppercase();
        let (year, half) = s.split_once('H').ok_or_else(bad)?;
        let year: i32 = year.parse().map_err(|_| bad())?;
        if !(2000..=2100).contains(&year) {
            return Err(bad());
        }
        match half {
            "1" => Ok(HalfYear {
                year,
                second: false,
            }),
            "2" => Ok(HalfYear { year, second: true }),
            _ => Err(bad()),
        }
    }

    pub fn code(self) -> String {
        format!("{}H{}", self.year, if self.second { 2 } else { 1 })
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, if self.second { 7 } else { 1 }, 1).unwrap_or_default()
    }

    pub fn last_day(self) -> NaiveDate {
        if self.second {
            NaiveDate::from_ymd_opt(self.year, 12, 31)
        } else {
            NaiveDate::from_ymd_opt(self.year, 6, 30)
        }
        .unwrap_or_default()
    }

    /// The half years from `from`'s to `to`'s, newest first (a report page's choices).
    pub fn between(from: NaiveDate, to: NaiveDate) -> Vec<HalfYear> {
        let mut all = Vec::new();
        let mut h = HalfYear::of(from);
        let last = HalfYear::of(to.max(from));
        while h.first_day() <= last.first_day() {
            all.push(h);
            h = HalfYear::of(h.last_day() + chrono::Duration::days(1));
        }
        all.reverse();
        all
    }

    /// The half year holding a day.
    pub fn of(day: NaiveDate) -> HalfYear {
        use chrono::Datelike;
        HalfYear {
            year: day.year(),
            second: day.month() > 6,
        }
    }
}

/// A member unit's (or the province's) report for a half year (每半年报送): cumulative figures as
/// of the period's last day, and what happened within the period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HalfYearReport {
    pub period: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// None: the whole province.
    pub unit_id: Option<i32>,
    pub unit_zh: String,
    pub unit_en: String,
    /// Firms the unit's coordinators serve (the province: all in scope).
    pub firms_served: u64,
    pub firms_visited: u64,
    pub firms_solved: u64,
    /// Visits within the period by the unit's coordinators (the province: all).
    pub visits_in_period: u64,
    pub on_site_visits_in_period: u64,
    /// Problems routed to the unit (the province: all), cumulative to the period's end.
    pub problems: ProblemFigures,
    /// The same, raised within the period.
    pub raised_in_period: u64,
    pub solved_in_period: u64,
    pub by_measure: Vec<MeasureRow>,
    pub overdue: Vec<OverdueFlag>,
    /// Solved problems the firm was satisfied with: short case lines (典型案例).
    pub cases: Vec<CaseLine>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseLine {
    pub problem_id: i32,
    pub firm_name: String,
    pub measure_zh: String,
    pub description: String,
    pub response: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::campaign::parse_date("d", s).unwrap_or_default()
    }

    #[test]
    fn half_years_parse_and_bound() {
        let h = HalfYear::parse("period", " 2022h2 ").expect("valid");
        assert_eq!(
            (h.first_day(), h.last_day()),
            (d("2022-07-01"), d("2022-12-31"))
        );
        assert_eq!(h.code(), "2022H2");
        assert_eq!(HalfYear::of(d("2022-06-30")).code(), "2022H1");
        let codes: Vec<String> = HalfYear::between(d("2022-02-27"), d("2023-03-01"))
            .into_iter()
            .map(HalfYear::code)
            .collect();
        assert_eq!(codes, vec!["2023H1", "2022H2", "2022H1"]);
        for bad in ["2022", "2022H3", "H1", "1999H1", "abcH1"] {
            assert!(HalfYear::parse("period", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn projection_continues_the_last_four_weeks() {
        let p = |date: &str, visited, solved| BurnPoint {
            date: d(date),
            visited,
            solved,
        };
        // 28 more firms visited in the last 28 days, 28 days left: 28 more by the deadline.
        let points = [
            p("2022-11-01", 10, 0),
            p("2022-11-05", 72, 40),
            p("2022-12-03", 100, 54),
        ];
        assert_eq!(project(&points, d("2022-12-31"), 500), (128, 68));
        // Never above the firms in scope.
        assert_eq!(project(&points, d("2022-12-31"), 110), (110, 68));
        assert_eq!(project(&[], d("2022-12-31"), 10), (0, 0));
    }

    #[test]
    fn rates_of_nothing_are_zero() {
        let f = ProblemFigures::default();
        assert_eq!(f.concluded_percent(), 0.0);
        let f = ProblemFigures {
            raised: 8,
            concluded: 4,
            concluded_on_time: 3,
            answered: 4,
            satisfied: 3,
            ..Default::default()
        };
        assert_eq!(f.concluded_percent(), 50.0);
        assert_eq!(f.on_time_percent(), 75.0);
        assert_eq!(f.satisfied_percent(), 75.0);
    }
}
