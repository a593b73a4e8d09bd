//! The weekly 通报: member units and regions ranked by four rates as of the week's last day,
//! the bottom three named with their overdue problems. The rates are the dashboard's own
//! (`crate::dashboard::ProblemFigures`) plus the 签收 clock's response rate:
//! - 响应率: of the problems whose 签收 clock has stopped or run out, the share claimed within
//!   its working hours;
//! - 按时办结率: of those concluded, the share concluded by the deadline;
//! - 解决率: of those raised, the share the firm confirmed solved;
//! - 满意率: of the firms' answers, the share satisfied or basically satisfied.
//!
//! The ranking score is the mean of the rates that have a denominator (a unit with no answers
//! yet is not marked down for it); ties go to the one with more overdue problems first.

use crate::campaign::percent;
use crate::dashboard::ProblemFigures;
use crate::error::{Error, FieldError};
use crate::i18n::K;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// A week, Monday to Sunday.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Week {
    pub monday: NaiveDate,
}

impl Week {
    /// The week a day falls in.
    pub fn of(d: NaiveDate) -> Week {
        Week {
            monday: d - Duration::days(i64::from(d.weekday().num_days_from_monday())),
        }
    }

    pub fn sunday(self) -> NaiveDate {
        self.monday + Duration::days(6)
    }

    /// ISO week, `2022-W40`, as `<input type="week">` writes it.
    pub fn code(self) -> String {
        let w = self.monday.iso_week();
        format!("{}-W{:02}", w.year(), w.week())
    }

    /// Reads `2022-W40` or any day of the week (`2022-10-05`).
    pub fn parse(raw: &str) -> Result<Week, Error> {
        let raw = raw.trim();
        let bad = || Error::Validation(vec![FieldError::new("week", K::ErrBadWeek)]);
        if let Some((y, w)) = raw.split_once("-W").or_else(|| raw.split_once("-w")) {
            let year = y.parse::<i32>().map_err(|_| bad())?;
            let week = w.parse::<u32>().map_err(|_| bad())?;
            if !(2000..=2100).contains(&year) {
                return Err(bad());
            }
            return NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)
                .map(|monday| Week { monday })
                .ok_or_else(bad);
        }
        let d = crate::campaign::parse_date("week", raw).map_err(|e| Error::Validation(vec![e]))?;
        Ok(Week::of(d))
    }

    pub fn previous(self) -> Week {
        Week {
            monday: self.monday - Duration::days(7),
        }
    }

    pub fn next(self) -> Week {
        Week {
            monday: self.monday + Duration::days(7),
        }
    }
}

/// One unit's or region's line of the 通报.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulletinRow {
    pub id: i32,
    pub name_zh: String,
    pub name_en: String,
    /// The figures as of the week's last day.
    pub figures: ProblemFigures,
    /// 签收 clocks stopped or run out by then, and of them claimed in time.
    pub claim_due: u64,
    pub claimed_on_time: u64,
    /// Raised and concluded during the week.
    pub raised_this_week: u64,
    pub concluded_this_week: u64,
    /// Working minutes its problems spent waiting to be claimed, being handled, and waiting
    /// for the firm's answer (all its problems, summed), and how many problems that is.
    pub minutes_claim: i64,
    pub minutes_handle: i64,
    pub minutes_callback: i64,
    pub problems_timed: u64,
}

impl BulletinRow {
    pub fn response_rate(&self) -> Option<f64> {
        (self.claim_due > 0).then(|| percent(self.claimed_on_time, self.claim_due))
    }
    pub fn on_time_rate(&self) -> Option<f64> {
        (self.figures.concluded > 0).then(|| self.figures.on_time_percent())
    }
    pub fn solved_rate(&self) -> Option<f64> {
        (self.figures.raised > 0).then(|| self.figures.solved_percent())
    }
    pub fn satisfied_rate(&self) -> Option<f64> {
        (self.figures.answered > 0).then(|| self.figures.satisfied_percent())
    }

    /// The four rates in the 通报's order.
    pub fn rates(&self) -> [Option<f64>; 4] {
        [
            self.response_rate(),
            self.on_time_rate(),
            self.solved_rate(),
            self.satisfied_rate(),
        ]
    }

    /// The mean of the rates that have a denominator (None: none has).
    pub fn score(&self) -> Option<f64> {
        let known: Vec<f64> = self.rates().into_iter().flatten().collect();
        (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64)
    }

    /// Average working minutes per problem in one stage.
    pub fn average(&self, minutes: i64) -> Option<i64> {
        (self.problems_timed > 0)
            .then(|| minutes / i64::try_from(self.problems_timed).unwrap_or(i64::MAX))
    }
}

/// Best first; a row without any rate goes last.
pub fn rank(rows: &mut [BulletinRow]) {
    rows.sort_by(|a, b| {
        let (sa, sb) = (a.score(), b.score());
        match (sa, sb) {
            (Some(x), Some(y)) => y
                .partial_cmp(&x)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.figures.overdue.cmp(&b.figures.overdue)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then(a.id.cmp(&b.id))
    });
}

/// How many of the worst are named.
pub const BOTTOM: usize = 3;

/// At most this many overdue problems are listed under each named unit or region, the longest
/// overdue first; its row gives the whole count.
pub const OVERDUE_LISTED: usize = 50;

/// An overdue problem of a unit named at the bottom.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverdueItem {
    pub problem_id: i32,
    pub firm_id: i32,
    pub firm_name: String,
    pub description: String,
    pub deadline: NaiveDate,
    pub working_days_overdue: i64,
}

/// The bottom three of a ranking, each with its overdue problems.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Named {
    pub row: BulletinRow,
    pub overdue: Vec<OverdueItem>,
}

/// The 通报 of one week.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bulletin {
    pub campaign_id: i32,
    pub campaign_zh: String,
    pub week: Week,
    /// The day the figures are taken at: the week's Sunday, or today within the current week.
    pub as_of: NaiveDate,
    /// Best first.
    pub units: Vec<BulletinRow>,
    pub regions: Vec<BulletinRow>,
    /// The units ranked last, worst first, with their overdue problems.
    pub bottom_units: Vec<Named>,
    pub bottom_regions: Vec<Named>,
    pub total: BulletinRow,
}

/// The rows ranked last, worst first.
pub fn bottom(ranked: &[BulletinRow]) -> Vec<&BulletinRow> {
    ranked
        .iter()
        .filter(|r| r.score().is_some())
        .rev()
        .take(BOTTOM)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn weeks_read_as_iso_weeks_or_days() {
        let w = Week::parse("2022-W40").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((w.monday, w.sunday()), (d("2022-10-03"), d("2022-10-09")));
        assert_eq!(Week::parse("2022-10-09").ok(), Some(w));
        assert_eq!(w.code(), "2022-W40");
        assert!(Week::parse("2022-W54").is_err());
        assert!(Week::parse("next week").is_err());
        assert!(Week::parse("99999-W01").is_err());
    }

    #[test]
    fn the_score_ignores_rates_without_a_denominator() {
        let mut a = BulletinRow {
            id: 1,
            claim_due: 4,
            claimed_on_time: 2,
            ..Default::default()
        };
        a.figures.raised = 4;
        a.figures.solved = 4;
        assert_eq!(a.score(), Some(75.0));
        let b = BulletinRow {
            id: 2,
            ..Default::default()
        };
        assert_eq!(b.score(), None);
        let mut c = a.clone();
        c.id = 3;
        c.claimed_on_time = 0;
        let mut rows = vec![b, c, a];
        rank(&mut rows);
        assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![1, 3, 2]);
        assert_eq!(
            bottom(&rows).iter().map(|r| r.id).collect::<Vec<_>>(),
            vec![3, 1]
        );
    }
}
