//! The problem figures (see `crate::dashboard` for the words), written once as days: for each
//! problem, the Beijing day from which it counts toward each figure. A figure as of a day D is
//! then the number of problems whose day for it is on or before D, which is how the stored
//! per-problem facts and the day tallies behind the dashboard answer any "as of" day at once.
//!
//! Every figure counts only problems raised in the campaign by D (raised on or after the
//! campaign's first day, not withdrawn), so each day below is at the earliest the raising day.

use crate::dashboard::ProblemFigures;
use crate::problem::ProblemStatus;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What the rule reads of a problem.
#[derive(Clone, Debug)]
pub struct ProblemState {
    pub raised_at: DateTime<Utc>,
    pub status: ProblemStatus,
    pub deadline: NaiveDate,
    /// The Beijing day it was last concluded (closed by its unit, or found unsolvable).
    pub concluded_on: Option<NaiveDate>,
    pub solved_at: Option<DateTime<Utc>>,
    /// The firm's answer, as stored (`Satisfaction::code`).
    pub satisfaction: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// The days from which one problem counts toward each figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProblemDays {
    pub raised: NaiveDate,
    /// 办结: concluded by the day.
    pub concluded: Option<NaiveDate>,
    /// Concluded on or before its deadline.
    pub on_time: Option<NaiveDate>,
    /// Confirmed solved by the firm.
    pub solved: Option<NaiveDate>,
    /// Past its deadline (the day after the deadline).
    pub due: NaiveDate,
    /// Past its deadline and concluded: overdue is `due` counted and this not.
    pub due_concluded: Option<NaiveDate>,
    /// The firm answered (by call or link).
    pub answered: Option<NaiveDate>,
    /// The firm answered "satisfied" or "basically satisfied".
    pub satisfied: Option<NaiveDate>,
    /// Whole days from raising to concluding, for the median time to conclude.
    pub days_to_conclude: Option<i64>,
}

impl ProblemDays {
    /// The days of a problem for a campaign that starts on `start`; None when it never counts
    /// (withdrawn, or raised before the campaign began).
    pub fn of(start: NaiveDate, p: &ProblemState) -> Option<ProblemDays> {
        let raised = crate::clock::date_of(p.raised_at);
        if p.status == ProblemStatus::Withdrawn || raised < start {
            return None;
        }
        let from = |d: NaiveDate| d.max(raised);
        let concluded = p.concluded_on.map(from);
        let due = from(p.deadline + Duration::days(1));
        let answered = p
            .satisfaction
            .as_ref()
            .map(|_| from(crate::clock::date_of(p.solved_at.unwrap_or(p.updated_at))));
        Some(ProblemDays {
            raised,
            concluded,
            on_time: concluded.filter(|_| p.concluded_on.is_some_and(|c| c <= p.deadline)),
            solved: (p.status == ProblemStatus::Solved)
                .then_some(p.solved_at)
                .flatten()
                .map(|t| from(crate::clock::date_of(t))),
            due,
            due_concluded: concluded.map(|c| c.max(due)),
            answered,
            satisfied: answered.filter(|_| {
                matches!(
                    p.satisfaction.as_deref(),
                    Some("satisfied" | "basically_satisfied")
                )
            }),
            days_to_conclude: p.concluded_on.map(|c| (c - raised).num_days().max(0)),
        })
    }

    /// This problem's share of the figures as of the end of day `d` (each 0 or 1).
    pub fn figures_as_of(&self, d: NaiveDate) -> ProblemFigures {
        let by = |day: Option<NaiveDate>| u64::from(day.is_some_and(|x| x <= d));
        let overdue = by(Some(self.due)) - by(self.due_concluded);
        ProblemFigures {
            raised: by(Some(self.raised)),
            concluded: by(self.concluded),
            concluded_on_time: by(self.on_time),
            solved: by(self.solved),
            overdue,
            answered: by(self.answered),
            satisfied: by(self.satisfied),
        }
    }

    /// Whether it is overdue at the end of day `d`.
    pub fn overdue_on(&self, d: NaiveDate) -> bool {
        self.due <= d && self.due_concluded.is_none_or(|x| x > d)
    }
}

/// A problem figure as a filter: the problems that count toward it as of a day. The
/// dashboard's tiles link to the list of exactly the problems they count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Figure {
    Raised,
    /// Raised and not concluded by the day.
    Open,
    Concluded,
    OnTime,
    Solved,
    Overdue,
    Answered,
    Satisfied,
}

impl Figure {
    pub const ALL: [Figure; 8] = [
        Figure::Raised,
        Figure::Open,
        Figure::Overdue,
        Figure::Concluded,
        Figure::OnTime,
        Figure::Solved,
        Figure::Answered,
        Figure::Satisfied,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Figure::Raised => "raised",
            Figure::Open => "open",
            Figure::Concluded => "concluded",
            Figure::OnTime => "on_time",
            Figure::Solved => "solved",
            Figure::Overdue => "overdue",
            Figure::Answered => "answered",
            Figure::Satisfied => "satisfied",
        }
    }

    pub fn parse(raw: &str) -> Option<Figure> {
        Figure::ALL.into_iter().find(|f| f.code() == raw.trim())
    }

    /// Whether a problem with these days counts toward the figure at the end of day `d`: the
    /// rule the SQL form below states for the stored days.
    pub fn counts(self, p: &ProblemDays, d: NaiveDate) -> bool {
        let f = p.figures_as_of(d);
        match self {
            Figure::Raised => f.raised == 1,
            Figure::Open => f.raised == 1 && f.concluded == 0,
            Figure::Concluded => f.concluded == 1,
            Figure::OnTime => f.concluded_on_time == 1,
            Figure::Solved => f.solved == 1,
            Figure::Overdue => f.overdue == 1,
            Figure::Answered => f.answered == 1,
            Figure::Satisfied => f.satisfied == 1,
        }
    }

    /// The same rule over `problem_progress pp`, the day being the SQL parameter `day`.
    pub fn sql(self, day: &str) -> String {
        let by = |column: &str| format!("pp.{column} <= {day}");
        match self {
            Figure::Raised => by("raised"),
            Figure::Open => {
                format!("pp.raised <= {day} AND (pp.concluded IS NULL OR pp.concluded > {day})")
            }
            Figure::Concluded => by("concluded"),
            Figure::OnTime => by("on_time"),
            Figure::Solved => by("solved"),
            Figure::Overdue => {
                format!(
                    "pp.due <= {day} AND (pp.due_concluded IS NULL OR pp.due_concluded > {day})"
                )
            }
            Figure::Answered => by("answered"),
            Figure::Satisfied => by("satisfied"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::at;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    fn problem() -> ProblemState {
        ProblemState {
            raised_at: at(d("2022-05-10"), 10, 0),
            status: ProblemStatus::Routed,
            deadline: d("2022-05-31"),
            concluded_on: None,
            solved_at: None,
            satisfaction: None,
            updated_at: at(d("2022-05-10"), 10, 0),
        }
    }

    #[test]
    fn an_open_problem_is_raised_then_overdue() {
        let p = ProblemDays::of(d("2022-02-27"), &problem()).unwrap_or_else(|| panic!());
        assert_eq!(p.figures_as_of(d("2022-05-09")), ProblemFigures::default());
        let f = p.figures_as_of(d("2022-05-31"));
        assert_eq!((f.raised, f.overdue), (1, 0));
        let f = p.figures_as_of(d("2022-06-01"));
        assert_eq!((f.raised, f.overdue, f.concluded), (1, 1, 0));
    }

    #[test]
    fn a_late_conclusion_ends_the_overdue_days_and_is_not_on_time() {
        let mut s = problem();
        s.status = ProblemStatus::Solved;
        s.concluded_on = Some(d("2022-06-10"));
        s.solved_at = Some(at(d("2022-06-12"), 9, 0));
        s.satisfaction = Some("basically_satisfied".into());
        let p = ProblemDays::of(d("2022-02-27"), &s).unwrap_or_else(|| panic!());
        assert!(p.overdue_on(d("2022-06-09")));
        assert!(!p.overdue_on(d("2022-06-10")));
        let f = p.figures_as_of(d("2022-06-11"));
        assert_eq!((f.concluded, f.concluded_on_time, f.solved), (1, 0, 0));
        let f = p.figures_as_of(d("2022-06-12"));
        assert_eq!((f.solved, f.answered, f.satisfied), (1, 1, 1));
        assert_eq!(p.days_to_conclude, Some(31));
    }

    #[test]
    fn withdrawn_or_earlier_problems_never_count() {
        let mut s = problem();
        assert!(ProblemDays::of(d("2022-06-01"), &s).is_none());
        s.status = ProblemStatus::Withdrawn;
        assert!(ProblemDays::of(d("2022-02-27"), &s).is_none());
    }
}
