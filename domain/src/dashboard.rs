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

/// The supervision colour of a row in the dashboard's league tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowColour {
    Green,
    Yellow,
    Red,
}

impl RowColour {
    /// The colour's name, as the tiles and cards use it for their class.
    pub const fn name(self) -> &'static str {
        match self {
            RowColour::Green => "green",
            RowColour::Yellow => "yellow",
            RowColour::Red => "red",
        }
    }

    pub const fn class(self) -> &'static str {
        match self {
            RowColour::Green => "row-green",
            RowColour::Yellow => "row-yellow",
            RowColour::Red => "row-red",
        }
    }
}

/// A region's (or tier's) weaker target share, which is what keeps it from being done.
fn weaker_share(r: &TargetRow) -> f64 {
    r.visited_percent().min(r.solved_percent())
}

/// Regions worst first: by the weaker of their two target shares, then by more firms to go.
pub fn rank_regions_worst_first(rows: &mut [TargetRow]) {
    rows.sort_by(|a, b| {
        weaker_share(a)
            .total_cmp(&weaker_share(b))
            .then_with(|| b.in_scope.cmp(&a.in_scope))
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// A region's colour as of a day: its weaker target share against the campaign's pace line.
pub fn region_colour(c: &Campaign, r: &TargetRow, as_of: NaiveDate) -> RowColour {
    match c.pace(weaker_share(r), as_of) {
        crate::campaign::Pace::Done | crate::campaign::Pace::OnTrack => RowColour::Green,
        crate::campaign::Pace::Warning => RowColour::Yellow,
        crate::campaign::Pace::Behind => RowColour::Red,
    }
}

/// Units worst first: by their share of problems overdue, then by the share not concluded.
pub fn rank_units_worst_first(rows: &mut [UnitRow]) {
    rows.sort_by(|a, b| {
        b.figures
            .overdue_percent()
            .total_cmp(&a.figures.overdue_percent())
            .then_with(|| {
                a.figures
                    .concluded_percent()
                    .total_cmp(&b.figures.concluded_percent())
            })
            .then_with(|| b.figures.raised.cmp(&a.figures.raised))
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// A unit's colour: red with anything overdue, yellow while less than four in five of its
/// problems are concluded, green otherwise (or with nothing routed to it).
pub fn unit_colour(u: &UnitRow) -> RowColour {
    if u.figures.overdue > 0 {
        RowColour::Red
    } else if u.figures.raised > 0 && u.figures.concluded_percent() < 80.0 {
        RowColour::Yellow
    } else {
        RowColour::Green
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
    /// Its problems that got a 督办 by the day.
    pub supervised: u64,
    /// Times its problems were reopened by the day (the firm was not satisfied).
    pub reopened: u64,
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
    /// Working days past the deadline by the day (`Calendar::working_days_between`).
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

/// The pace of the last four weeks (firms per day) of one target's burn-up, up to its last point.
fn recent_rate(points: &[BurnPoint], pick: fn(&BurnPoint) -> u64) -> f64 {
    let Some(last) = points.last() else {
        return 0.0;
    };
    let window = points
        .iter()
        .rev()
        .find(|p| (last.date - p.date).num_days() >= 28)
        .or(points.first())
        .copied()
        .unwrap_or(*last);
    let span = (last.date - window.date).num_days();
    if span <= 0 {
        return 0.0;
    }
    pick(last).saturating_sub(pick(&window)) as f64 / span as f64
}

/// Where a straight continuation of the last four weeks' pace lands at the deadline.
pub fn project(points: &[BurnPoint], deadline: NaiveDate, in_scope: u64) -> (u64, u64) {
    let Some(last) = points.last() else {
        return (0, 0);
    };
    let left = (deadline - last.date).num_days().max(0) as f64;
    let ahead = |pick: fn(&BurnPoint) -> u64| {
        let now = pick(last);
        ((now as f64 + recent_rate(points, pick) * left).round() as u64).min(in_scope)
    };
    (ahead(|p| p.visited), ahead(|p| p.solved))
}

/// The verdict on one target, the leaders' first question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Outlook {
    /// Every firm in scope counted.
    Met,
    /// The last four weeks' pace, kept up, reaches every firm by the deadline.
    WillBeMet,
    /// Not at the current pace, but at most half as fast again would do it.
    AtRisk,
    /// It needs more than half as fast again as the last four weeks.
    WillBeMissed,
    /// The deadline has passed short of the target.
    Missed,
}

impl Outlook {
    /// The supervision colour of a verdict: green when met or on course, yellow at risk, red
    /// when it will be or was missed. The target tiles take the same colour.
    pub const fn colour(self) -> RowColour {
        match self {
            Outlook::Met | Outlook::WillBeMet => RowColour::Green,
            Outlook::AtRisk => RowColour::Yellow,
            Outlook::WillBeMissed | Outlook::Missed => RowColour::Red,
        }
    }
}

/// How much faster than the recent pace the rest may need before a target is "will be missed".
pub const AT_RISK_SPEED_UP: f64 = 1.5;

/// One target's verdict with the numbers behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verdict {
    pub outlook: Outlook,
    /// Firms counted as of the day, of the firms in scope.
    pub done: u64,
    pub in_scope: u64,
    /// Firms still to reach.
    pub gap: u64,
    /// Where the recent pace lands by the deadline.
    pub projected: u64,
    /// Firms a week over the last four weeks.
    pub weekly_pace: f64,
    /// Firms a week needed from now to the deadline (0 once met or over).
    pub weekly_needed: f64,
    /// The deadline has passed by the day: the figures are the result, not a projection.
    pub final_result: bool,
}

impl Verdict {
    /// The verdict on the target `pick` reads from a burn-up whose last point is the as-of day.
    pub fn of(
        points: &[BurnPoint],
        pick: fn(&BurnPoint) -> u64,
        deadline: NaiveDate,
        in_scope: u64,
    ) -> Verdict {
        let last = points.last().copied();
        let done = last.map(|p| pick(&p)).unwrap_or(0).min(in_scope);
        let gap = in_scope - done;
        let final_result = last.is_some_and(|p| p.date >= deadline);
        let rate = recent_rate(points, pick);
        let days_left = last
            .map(|p| (deadline - p.date).num_days().max(0))
            .unwrap_or(0) as f64;
        let projected = ((done as f64 + rate * days_left).round() as u64).min(in_scope);
        let weekly_needed = if gap == 0 || final_result {
            0.0
        } else {
            // On the deadline itself one day is left: the day's own visits still count.
            gap as f64 / (days_left.max(1.0) / 7.0)
        };
        let outlook = if gap == 0 {
            Outlook::Met
        } else if final_result {
            Outlook::Missed
        } else if projected >= in_scope {
            Outlook::WillBeMet
        } else if weekly_needed <= rate * 7.0 * AT_RISK_SPEED_UP {
            Outlook::AtRisk
        } else {
            Outlook::WillBeMissed
        };
        Verdict {
            outlook,
            done,
            in_scope,
            gap,
            projected,
            weekly_pace: rate * 7.0,
            weekly_needed,
            final_result,
        }
    }
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
    /// The verdicts on the two targets: every firm visited on site, every firm with a problem
    /// solved.
    pub visit_verdict: Verdict,
    pub solve_verdict: Verdict,
    /// 督办 orders given by the day about the round's problems, and those not answered by then.
    pub supervised: u64,
    pub awaiting_reply: u64,
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
    /// What the unit wrote for the period.
    pub notes: ReportNotes,
}

/// The words of a report, beside its figures (empty until someone writes them).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportNotes {
    /// 主要做法
    pub practices: String,
    /// 存在问题
    pub issues: String,
    /// 下一步打算
    pub next_steps: String,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
    pub updated_by: Option<String>,
}

/// The longest a report section may be, in characters (a few pages of a 公文).
pub const NOTE_MAX_CHARS: usize = 5000;

/// The report text as the unit writes it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotesForm {
    pub period: String,
    /// A unit id, or empty for the province.
    pub unit: String,
    pub practices: String,
    pub issues: String,
    pub next_steps: String,
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
    fn verdicts_say_met_will_be_met_at_risk_missed() {
        let p = |date: &str, visited, solved| BurnPoint {
            date: d(date),
            visited,
            solved,
        };
        // 28 firms in the last 28 days (7 a week), 28 days left.
        let points = [
            p("2022-11-01", 10, 0),
            p("2022-11-05", 72, 40),
            p("2022-12-03", 100, 54),
        ];
        let deadline = d("2022-12-31");
        let v = Verdict::of(&points, |p| p.visited, deadline, 120);
        assert_eq!(
            (v.outlook, v.gap, v.projected),
            (Outlook::WillBeMet, 20, 120)
        );
        assert!((v.weekly_pace - 7.0).abs() < 1e-9);
        assert!((v.weekly_needed - 5.0).abs() < 1e-9);
        // 40 to go in 4 weeks is 10 a week: within half as fast again as 7.
        let v = Verdict::of(&points, |p| p.visited, deadline, 140);
        assert_eq!((v.outlook, v.projected), (Outlook::AtRisk, 128));
        // 60 to go is 15 a week: more than 10.5.
        let v = Verdict::of(&points, |p| p.visited, deadline, 160);
        assert_eq!(v.outlook, Outlook::WillBeMissed);
        let v = Verdict::of(&points, |p| p.visited, deadline, 100);
        assert_eq!((v.outlook, v.gap, v.weekly_needed), (Outlook::Met, 0, 0.0));
        // After the deadline the result, never a projection.
        let ended = [p("2022-11-01", 10, 0), p("2022-12-31", 100, 54)];
        let v = Verdict::of(&ended, |p| p.solved, deadline, 100);
        assert_eq!(
            (v.outlook, v.final_result, v.gap, v.weekly_needed),
            (Outlook::Missed, true, 46, 0.0)
        );
        let v = Verdict::of(&[], |p| p.solved, deadline, 0);
        assert_eq!(v.outlook, Outlook::Met);
    }

    #[test]
    fn regions_and_units_are_ranked_worst_first() {
        let region = |id, in_scope, visited, solved| TargetRow {
            id,
            in_scope,
            visited,
            solved,
            ..TargetRow::default()
        };
        let mut rows = vec![
            region(1, 10, 10, 9),
            region(2, 10, 3, 8),
            region(3, 20, 10, 10),
            region(4, 10, 5, 5),
        ];
        rank_regions_worst_first(&mut rows);
        let order: Vec<i32> = rows.iter().map(|r| r.id).collect();
        assert_eq!(order, vec![2, 3, 4, 1]);
        let unit = |id, raised, concluded, overdue| UnitRow {
            id,
            figures: ProblemFigures {
                raised,
                concluded,
                overdue,
                ..ProblemFigures::default()
            },
            ..UnitRow::default()
        };
        let mut units = vec![
            unit(1, 10, 10, 0),
            unit(2, 10, 5, 1),
            unit(3, 10, 2, 3),
            unit(4, 0, 0, 0),
            unit(5, 10, 6, 0),
        ];
        rank_units_worst_first(&mut units);
        let order: Vec<i32> = units.iter().map(|u| u.id).collect();
        assert_eq!(order, vec![3, 2, 4, 5, 1]);
        let colours: Vec<RowColour> = units.iter().map(unit_colour).collect();
        use RowColour::*;
        assert_eq!(colours, vec![Red, Red, Green, Yellow, Green]);
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
