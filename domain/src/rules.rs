//! The campaign's working rules (工作规则): the clocks each problem runs on and when the office
//! reminds (催办) and escalates (督办). The office sets them; every problem keeps the clocks it
//! was given when raised, so a change applies to new problems only.
//!
//! The three stage clocks of a problem:
//! - 签收 (claim): a unit claims it within `claim_hours` working hours of its routing;
//! - 办结 (conclude): a unit concludes it by its deadline, `conclude_days` working days after it
//!   was raised (the deadline the rest of zhuqi already counts);
//! - 回访 (callback): the firm's answer is taken within `callback_days` working days after the
//!   unit closed it.

use crate::calendar::{Calendar, WORKING_HOURS_PER_DAY};
use crate::error::Error;
use crate::i18n::K;
use crate::problem::ProblemStatus;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The office's rules, with the defaults a new installation starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkingRules {
    /// 签收: working hours (office hours of working days) from routing to claiming.
    pub claim_hours: u32,
    /// 办结: working days from raising to concluding.
    pub conclude_days: u32,
    /// 回访: working days from closing to the firm's answer.
    pub callback_days: u32,
    /// 催办: remind the unit and the coordinator this many working days before a deadline
    /// (and on the day itself); 0: on the day only.
    pub remind_before_days: u32,
    /// 督办: the server orders action on a problem overdue by this many working days; 0: never.
    pub escalate_after_days: u32,
}

impl Default for WorkingRules {
    fn default() -> Self {
        WorkingRules {
            claim_hours: WORKING_HOURS_PER_DAY,
            conclude_days: crate::problem::DEFAULT_DEADLINE_WORKING_DAYS,
            callback_days: 5,
            remind_before_days: 3,
            escalate_after_days: 3,
        }
    }
}

/// Each rule's field, label and allowed range (least, most), in the form's order: the page's
/// inputs and the check below both read it.
pub const LIMITS: [(&str, K, u32, u32); 5] = [
    ("claim_hours", K::RuleClaimHours, 1, 80),
    ("conclude_days", K::RuleConcludeDays, 1, 120),
    ("callback_days", K::RuleCallbackDays, 1, 60),
    ("remind_before_days", K::RuleRemindBefore, 0, 30),
    ("escalate_after_days", K::RuleEscalateAfter, 0, 120),
];

/// The rules as the office types them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesForm {
    pub claim_hours: String,
    pub conclude_days: String,
    pub callback_days: String,
    pub remind_before_days: String,
    pub escalate_after_days: String,
}

impl RulesForm {
    pub fn of(r: &WorkingRules) -> Self {
        RulesForm {
            claim_hours: r.claim_hours.to_string(),
            conclude_days: r.conclude_days.to_string(),
            callback_days: r.callback_days.to_string(),
            remind_before_days: r.remind_before_days.to_string(),
            escalate_after_days: r.escalate_after_days.to_string(),
        }
    }

    /// The typed values in `LIMITS` order.
    pub fn values(&self) -> [&str; 5] {
        [
            &self.claim_hours,
            &self.conclude_days,
            &self.callback_days,
            &self.remind_before_days,
            &self.escalate_after_days,
        ]
    }

    /// Every field a whole number in its range; all bad fields are reported at once.
    pub fn validate(&self) -> Result<WorkingRules, Error> {
        let values = crate::security::parse_in_ranges(&LIMITS, self.values())?;
        let [
            claim_hours,
            conclude_days,
            callback_days,
            remind_before_days,
            escalate_after_days,
        ] = values;
        Ok(WorkingRules {
            claim_hours,
            conclude_days,
            callback_days,
            remind_before_days,
            escalate_after_days,
        })
    }
}

/// One of a problem's three clocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Stage {
    Claim,
    Conclude,
    Callback,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Claim, Stage::Conclude, Stage::Callback];

    pub const fn label(self) -> K {
        match self {
            Stage::Claim => K::StageClaim,
            Stage::Conclude => K::StageConclude,
            Stage::Callback => K::StageCallback,
        }
    }
}

/// Where a clock stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ClockState {
    /// Still running, within its limit.
    Running,
    /// Still running, past its limit.
    Overdue,
    /// Stopped within its limit.
    OnTime,
    /// Stopped after its limit.
    Late,
}

impl ClockState {
    pub const fn label(self) -> K {
        match self {
            ClockState::Running => K::ClockRunning,
            ClockState::Overdue => K::ClockOverdue,
            ClockState::OnTime => K::ClockOnTime,
            ClockState::Late => K::ClockLate,
        }
    }

    pub const fn is_late(self) -> bool {
        matches!(self, ClockState::Overdue | ClockState::Late)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageClock {
    pub stage: Stage,
    pub started: DateTime<Utc>,
    pub due: DateTime<Utc>,
    pub ended: Option<DateTime<Utc>>,
    pub state: ClockState,
    /// Working minutes used (to its end, or to now while it runs).
    pub used_minutes: i64,
}

impl StageClock {
    /// When it is due, as the pages write it: the 签收 clock to the minute (Beijing time), the
    /// day-counted clocks as their last day.
    pub fn due_text(&self) -> String {
        let local = |t: DateTime<Utc>| t.with_timezone(&crate::clock::beijing());
        match self.stage {
            Stage::Claim => local(self.due).format("%Y-%m-%d %H:%M").to_string(),
            Stage::Conclude | Stage::Callback => {
                crate::clock::date_of(self.due - chrono::Duration::seconds(1)).to_string()
            }
        }
    }
}

/// Working minutes a problem spent in one status (all its spells summed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusTime {
    pub status: ProblemStatus,
    pub working_minutes: i64,
}

/// A problem's clocks and its time in each status.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProblemClocks {
    pub stages: Vec<StageClock>,
    pub times: Vec<StatusTime>,
}

impl ProblemClocks {
    pub fn stage(&self, stage: Stage) -> Option<&StageClock> {
        self.stages.iter().find(|c| c.stage == stage)
    }

    pub fn minutes_in(&self, status: ProblemStatus) -> i64 {
        self.times
            .iter()
            .filter(|t| t.status == status)
            .map(|t| t.working_minutes)
            .sum()
    }
}

/// What the clocks are computed from: a problem as stored and its status changes in order.
#[derive(Clone, Debug)]
pub struct ClockInput {
    pub region_id: i32,
    pub raised_at: DateTime<Utc>,
    pub deadline: NaiveDate,
    pub claim_limit_hours: u32,
    pub callback_limit_days: u32,
    /// (new status, when), oldest first, the routing included.
    pub events: Vec<(ProblemStatus, DateTime<Utc>)>,
}

impl ClockInput {
    /// The clocks as they stood at `now` (events after it are not yet known).
    pub fn clocks(&self, calendar: &Calendar, now: DateTime<Utc>) -> ProblemClocks {
        let region = Some(self.region_id);
        let events: Vec<(ProblemStatus, DateTime<Utc>)> = self
            .events
            .iter()
            .copied()
            .filter(|(_, at)| *at <= now)
            .collect();
        let minutes =
            |a: DateTime<Utc>, b: DateTime<Utc>| calendar.working_minutes_between(a, b, region);
        let clock =
            |stage, started: DateTime<Utc>, due: DateTime<Utc>, ended: Option<DateTime<Utc>>| {
                let state = match ended {
                    Some(e) if e <= due => ClockState::OnTime,
                    Some(_) => ClockState::Late,
                    None if now > due => ClockState::Overdue,
                    None => ClockState::Running,
                };
                StageClock {
                    stage,
                    started,
                    due,
                    ended,
                    state,
                    used_minutes: minutes(started, ended.unwrap_or(now)),
                }
            };
        let withdrawn = events.iter().any(|(s, _)| *s == ProblemStatus::Withdrawn);
        let mut stages = Vec::new();
        // 签收: from routing to the first claim.
        let claimed = events
            .iter()
            .find(|(s, _)| *s == ProblemStatus::Claimed)
            .map(|(_, at)| *at);
        if claimed.is_some() || !withdrawn {
            let due = calendar.add_working_hours(self.raised_at, self.claim_limit_hours, region);
            stages.push(clock(Stage::Claim, self.raised_at, due, claimed));
        }
        // 办结: from raising to the last conclusion, unless reopened since.
        let current = events.last().map(|(s, _)| *s);
        let concluded = match current {
            Some(ProblemStatus::Closed | ProblemStatus::Solved | ProblemStatus::Unsolvable) => {
                events
                    .iter()
                    .rev()
                    .find(|(s, _)| matches!(s, ProblemStatus::Closed | ProblemStatus::Unsolvable))
                    .map(|(_, at)| *at)
            }
            _ => None,
        };
        if concluded.is_some() || !withdrawn {
            let due = crate::clock::day_end_utc(self.deadline);
            stages.push(clock(Stage::Conclude, self.raised_at, due, concluded));
        }
        // 回访: from the last closing to the firm's answer (solved, or reopened).
        if let Some(i) = events
            .iter()
            .rposition(|(s, _)| *s == ProblemStatus::Closed)
        {
            let started = events[i].1;
            let answered = events.get(i + 1).map(|(_, at)| *at);
            let due_day = calendar.add_working_days(
                crate::clock::date_of(started),
                self.callback_limit_days,
                region,
            );
            stages.push(clock(
                Stage::Callback,
                started,
                crate::clock::day_end_utc(due_day),
                answered,
            ));
        }
        // Time in each status: each spell runs to the next change, the last one to now unless
        // the problem has come to rest (solved, unsolvable, withdrawn).
        let mut times: Vec<StatusTime> = Vec::new();
        for (i, (status, at)) in events.iter().enumerate() {
            let end = match events.get(i + 1) {
                Some((_, next)) => *next,
                None if status.is_open() || *status == ProblemStatus::Closed => now,
                None => *at,
            };
            let m = minutes(*at, end);
            match times.iter_mut().find(|t| t.status == *status) {
                Some(t) => t.working_minutes += m,
                None => times.push(StatusTime {
                    status: *status,
                    working_minutes: m,
                }),
            }
        }
        ProblemClocks { stages, times }
    }
}

/// Working minutes as the pages write them: "3 个工作日 2 小时" / "3 working days 2 h".
pub fn format_working_minutes(minutes: i64, l: crate::i18n::Locale) -> String {
    let per_day = i64::from(WORKING_HOURS_PER_DAY) * 60;
    let days = minutes / per_day;
    let rest = minutes % per_day;
    let (hours, mins) = (rest / 60, rest % 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(K::DurationDays.fill(l, &[("n", days.to_string())]));
    }
    if hours > 0 {
        parts.push(K::DurationHours.fill(l, &[("n", hours.to_string())]));
    }
    if mins > 0 || parts.is_empty() {
        parts.push(K::DurationMinutes.fill(l, &[("n", mins.to_string())]));
    }
    parts.join(" ")
}
