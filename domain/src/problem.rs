//! Problems (困难/诉求) and their lifecycle: routed → claimed → responded → closed → solved.
//!
//! Closed is the member unit's word; solved is the firm's. Only solved counts toward the
//! campaign's second target, so the firm's confirmation is its own transition.

use crate::error::{Error, FieldError};
use crate::i18n::{K, Locale};
use serde::{Deserialize, Serialize};

pub const MAX_DESCRIPTION: usize = 1000;
pub const MAX_NOTE: usize = 1000;
/// Working days a member unit has for a problem, unless the office sets otherwise.
pub const DEFAULT_DEADLINE_WORKING_DAYS: u32 = 15;
/// Reads the version a form or request says it saw (for optimistic locking).
pub fn parse_version(field: &str, raw: &str) -> Result<i32, Error> {
    raw.trim()
        .parse::<i32>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| Error::field(field, K::ErrBadId))
}

/// How many problems one visit form offers (blank slots are ignored).
pub const PROBLEM_SLOTS: usize = 3;

/// A problem as typed into the visit form: a measure number and what the firm needs.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemForm {
    pub measure: String,
    pub description: String,
    /// A member unit's id to route to instead of the units the notice names; empty = as named.
    #[serde(default)]
    pub unit: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidProblem {
    pub measure_id: i32,
    pub description: String,
    /// None: route to the units the notice names for the measure.
    pub unit_id: Option<i32>,
    /// The unit's time, in working days (the office's rule; 15 unless changed).
    pub deadline_working_days: u32,
    /// Its 签收 and 回访 clocks (the office's rules, `crate::rules::WorkingRules`).
    pub claim_limit_hours: u32,
    pub callback_limit_days: u32,
}

impl ProblemForm {
    /// An empty slot of the form (no measure, no text) is no problem at all.
    pub fn is_blank(&self) -> bool {
        self.measure.trim().is_empty() && self.description.trim().is_empty()
    }

    /// Checks one problem; `slot` names the fields (`p1_measure`, `p1_description`).
    pub fn validate(&self, slot: usize) -> Result<ValidProblem, Vec<FieldError>> {
        let mut errors = Vec::new();
        let measure = self
            .measure
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|m| (1..=26).contains(m));
        if measure.is_none() {
            errors.push(FieldError::new(
                format!("p{slot}_measure"),
                K::ErrBadMeasure,
            ));
        }
        let description = crate::error::text(
            &format!("p{slot}_description"),
            &self.description,
            true,
            MAX_DESCRIPTION,
        );
        if let Err(e) = &description {
            errors.push(e.clone());
        }
        let unit = self.unit.trim();
        let unit_id = if unit.is_empty() {
            Some(None)
        } else {
            unit.parse::<i32>().ok().filter(|u| *u > 0).map(Some)
        };
        if unit_id.is_none() {
            errors.push(FieldError::new(format!("p{slot}_unit"), K::ErrUnknownUnit));
        }
        match (measure, description, unit_id) {
            (Some(measure_id), Ok(description), Some(unit_id)) => Ok(ValidProblem {
                measure_id,
                description,
                unit_id,
                deadline_working_days: DEFAULT_DEADLINE_WORKING_DAYS,
                claim_limit_hours: crate::rules::WorkingRules::default().claim_hours,
                callback_limit_days: crate::rules::WorkingRules::default().callback_days,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ProblemStatus {
    Routed,
    Claimed,
    Responded,
    Closed,
    Solved,
    Unsolvable,
    Withdrawn,
}

impl ProblemStatus {
    pub const ALL: [ProblemStatus; 7] = [
        ProblemStatus::Routed,
        ProblemStatus::Claimed,
        ProblemStatus::Responded,
        ProblemStatus::Closed,
        ProblemStatus::Solved,
        ProblemStatus::Unsolvable,
        ProblemStatus::Withdrawn,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            ProblemStatus::Routed => "routed",
            ProblemStatus::Claimed => "claimed",
            ProblemStatus::Responded => "responded",
            ProblemStatus::Closed => "closed",
            ProblemStatus::Solved => "solved",
            ProblemStatus::Unsolvable => "unsolvable",
            ProblemStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<ProblemStatus> {
        ProblemStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub const fn label(self) -> K {
        match self {
            ProblemStatus::Routed => K::StRouted,
            ProblemStatus::Claimed => K::StClaimed,
            ProblemStatus::Responded => K::StResponded,
            ProblemStatus::Closed => K::StClosed,
            ProblemStatus::Solved => K::StSolved,
            ProblemStatus::Unsolvable => K::StUnsolvable,
            ProblemStatus::Withdrawn => K::StWithdrawn,
        }
    }

    pub fn name(self, locale: Locale) -> &'static str {
        self.label().t(locale)
    }

    /// The codes of the open statuses as an SQL list (`'routed', 'claimed', 'responded'`),
    /// for `status IN (…)`: constants of this enum, never user input.
    pub fn open_codes_sql() -> String {
        ProblemStatus::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| format!("'{}'", s.code()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Still waiting for a member unit to act: these can become overdue.
    pub const fn is_open(self) -> bool {
        matches!(
            self,
            ProblemStatus::Routed | ProblemStatus::Claimed | ProblemStatus::Responded
        )
    }

    /// The lifecycle as a table. Reopening (closed → claimed) happens when the firm is not
    /// satisfied; an unsolvable verdict can be revisited the same way.
    pub const fn can_become(self, to: ProblemStatus) -> bool {
        use ProblemStatus::*;
        matches!(
            (self, to),
            (Routed, Claimed)
                | (Routed, Withdrawn)
                | (Claimed, Responded)
                | (Claimed, Unsolvable)
                | (Claimed, Withdrawn)
                | (Responded, Closed)
                | (Responded, Claimed)
                | (Responded, Withdrawn)
                | (Closed, Solved)
                | (Closed, Claimed)
                | (Unsolvable, Claimed)
        )
    }

    pub fn transition(self, to: ProblemStatus) -> Result<ProblemStatus, Error> {
        if self.can_become(to) {
            Ok(to)
        } else {
            Err(self.illegal(to))
        }
    }

    /// The refusal of a move from this status to `to`.
    pub fn illegal(self, to: ProblemStatus) -> Error {
        Error::Conflict(
            FieldError::new("status", K::ErrIllegalTransition)
                .with("from", self.name(Locale::Zh))
                .with("to", to.name(Locale::Zh)),
        )
    }
}

/// The firm's rating when it confirms (回访 / 满意度).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Satisfaction {
    Satisfied,
    BasicallySatisfied,
    Dissatisfied,
}

impl Satisfaction {
    pub const fn code(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::BasicallySatisfied => "basically_satisfied",
            Satisfaction::Dissatisfied => "dissatisfied",
        }
    }

    pub const ALL: [Satisfaction; 3] = [
        Satisfaction::Satisfied,
        Satisfaction::BasicallySatisfied,
        Satisfaction::Dissatisfied,
    ];

    pub const fn label(self) -> K {
        match self {
            Satisfaction::Satisfied => K::Satisfied,
            Satisfaction::BasicallySatisfied => K::BasicallySatisfied,
            Satisfaction::Dissatisfied => K::Dissatisfied,
        }
    }

    /// Reads a posted satisfaction code; a missing or unknown one is a field error.
    pub fn parse(field: &str, code: &str) -> Result<Satisfaction, Error> {
        Satisfaction::from_code(code.trim()).ok_or_else(|| Error::field(field, K::ErrRequired))
    }

    pub fn from_code(code: &str) -> Option<Satisfaction> {
        [
            Satisfaction::Satisfied,
            Satisfaction::BasicallySatisfied,
            Satisfaction::Dissatisfied,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// The firm's one-time link as the coordinator shows it on the phone, prints it or sends it:
/// the whole URL (a firm cannot open a path) and its QR code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmationLink {
    pub url: String,
    /// An SVG document drawn on the server.
    pub qr_svg: String,
    pub valid_days: i64,
}

/// What the firm sees when it opens its link: no account, so only this one problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkView {
    pub firm_name: String,
    pub description: String,
    pub measure_zh: String,
    pub unit_response: Option<String>,
    pub status: ProblemStatus,
}

/// A problem in a unit's queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueRow {
    pub id: i32,
    pub firm_id: i32,
    pub firm_name: String,
    pub measure_id: i32,
    pub measure_zh: String,
    pub description: String,
    pub status: String,
    pub deadline: chrono::NaiveDate,
    pub version: i32,
    pub unit_response: Option<String>,
    /// Overdue or due soon by the working-day calendar (none once concluded).
    pub urgency: crate::firm::Urgency,
    /// The office's orders about it (督办), oldest first.
    pub supervisions: Vec<Supervision>,
    /// Its 签收, 办结 and 回访 clocks and its time in each status.
    pub clocks: crate::rules::ProblemClocks,
    /// The units it is routed to, the lead unit first.
    pub units: Vec<String>,
    /// The viewer's unit co-handles it: another unit leads, so it is shown without actions.
    pub co_handling: bool,
}

/// How a problem's units read: the lead unit (牵头) first, then the co-handlers (协办).
pub fn routing_text(units: &[String], l: Locale) -> String {
    let sep = if l == Locale::Zh { "、" } else { ", " };
    match units {
        [] => String::new(),
        [only] => only.clone(),
        [lead, others @ ..] => {
            K::LeadAndCoHandlers.fill(l, &[("lead", lead.clone()), ("others", others.join(sep))])
        }
    }
}

#[cfg(test)]
mod routing_tests {
    use super::*;

    #[test]
    fn the_lead_unit_reads_first() {
        let units = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(routing_text(&units(&[]), Locale::Zh), "");
        assert_eq!(routing_text(&units(&["省财政厅"]), Locale::Zh), "省财政厅");
        assert_eq!(
            routing_text(
                &units(&["省人力资源社会保障厅", "省财政厅", "省科技厅"]),
                Locale::Zh
            ),
            "省人力资源社会保障厅（牵头）；协办：省财政厅、省科技厅"
        );
        assert_eq!(
            routing_text(&units(&["A", "B"]), Locale::En),
            "A (lead); co-handling: B"
        );
    }
}

/// 督办: an order from the office to the units handling a problem, and their reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Supervision {
    pub id: i32,
    pub problem_id: i32,
    /// Made by the server for a problem overdue by the office's `escalate_after_days`, not by hand.
    pub automatic: bool,
    pub instruction: String,
    /// Who ordered it (None: the server).
    pub ordered_by: Option<String>,
    pub ordered_at: chrono::DateTime<chrono::Utc>,
    pub reply: Option<String>,
    pub replied_by: Option<String>,
    pub replied_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The longest instruction or reply, in characters.
pub const SUPERVISION_MAX_CHARS: usize = 1000;

/// The leaders' problem list: the filters as the query string carries them (all optional).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemListParams {
    /// A problem figure's code (`crate::kpi::problems::Figure`): the problems its tile counts.
    pub figure: Option<String>,
    pub unit: Option<String>,
    pub measure: Option<String>,
    pub region: Option<String>,
    pub campaign: Option<String>,
    pub as_of: Option<String>,
    pub page: Option<String>,
    /// `1`: only problems with a 督办 order.
    pub supervised: Option<String>,
}

impl ProblemListParams {
    /// The query string of these filters at another page (for the pager).
    pub fn to_query_string(&self, page: u64) -> String {
        let mut parts: Vec<String> = [
            ("figure", &self.figure),
            ("unit", &self.unit),
            ("measure", &self.measure),
            ("region", &self.region),
            ("campaign", &self.campaign),
            ("as_of", &self.as_of),
            ("supervised", &self.supervised),
        ]
        .into_iter()
        .filter_map(|(k, v)| {
            let v = v.as_deref()?.trim();
            (!v.is_empty()).then(|| format!("{k}={}", crate::url::query_value(v)))
        })
        .collect();
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        parts.join("&")
    }
}

/// One problem of the leaders' list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemListRow {
    pub id: i32,
    pub firm_id: i32,
    pub firm_name: String,
    pub region_id: i32,
    pub measure_id: i32,
    pub measure_zh: String,
    pub measure_en: String,
    pub description: String,
    pub status: ProblemStatus,
    pub deadline: chrono::NaiveDate,
    /// The units it was routed to, joined with 、.
    pub units: String,
    /// Working days past its deadline by the list's day (0 when not overdue then).
    pub days_overdue: i64,
    /// 督办 orders about it, and how many of them await a reply.
    pub supervisions: u32,
    pub unanswered: u32,
}

/// A page of the leaders' problem list, with what the filters can choose from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemList {
    pub rows: Vec<ProblemListRow>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub campaign_id: i32,
    pub as_of: chrono::NaiveDate,
    pub figure: crate::kpi::problems::Figure,
    pub params: ProblemListParams,
    /// (id, Chinese name, English name) of every member unit.
    pub units: Vec<(i32, String, String)>,
    pub measures: Vec<crate::reference::MeasureGroup>,
}

/// Problems to a page of the leaders' list.
pub const PROBLEM_LIST_PAGE: u64 = 50;

#[cfg(test)]
mod tests {
    use super::*;
    use ProblemStatus::*;

    #[test]
    fn the_whole_table() {
        let legal = [
            (Routed, Claimed),
            (Routed, Withdrawn),
            (Claimed, Responded),
            (Claimed, Unsolvable),
            (Claimed, Withdrawn),
            (Responded, Closed),
            (Responded, Claimed),
            (Responded, Withdrawn),
            (Closed, Solved),
            (Closed, Claimed),
            (Unsolvable, Claimed),
        ];
        for from in ProblemStatus::ALL {
            for to in ProblemStatus::ALL {
                let expected = legal.contains(&(from, to));
                assert_eq!(from.can_become(to), expected, "{from:?} -> {to:?}");
                assert_eq!(from.transition(to).is_ok(), expected);
            }
        }
    }

    #[test]
    fn solved_and_withdrawn_are_final() {
        for to in ProblemStatus::ALL {
            assert!(!Solved.can_become(to));
            assert!(!Withdrawn.can_become(to));
        }
    }

    #[test]
    fn codes_round_trip() {
        for s in ProblemStatus::ALL {
            assert_eq!(ProblemStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(
            Satisfaction::from_code("basically_satisfied"),
            Some(Satisfaction::BasicallySatisfied)
        );
    }

    #[test]
    fn an_illegal_move_says_why_in_chinese() {
        let err = Routed.transition(Solved).unwrap_err();
        assert_eq!(
            err.message(Locale::Zh),
            "问题状态不能从“待认领”变为“已解决”"
        );
    }
}

/// What a member unit, the office or a coordinator can do to a problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Move {
    Claim,
    Respond,
    Close,
    Unsolvable,
    Withdraw,
    Reopen,
}

impl Move {
    pub fn from_code(code: &str) -> Option<Move> {
        Some(match code {
            "claim" => Move::Claim,
            "respond" => Move::Respond,
            "close" => Move::Close,
            "unsolvable" => Move::Unsolvable,
            "withdraw" => Move::Withdraw,
            "reopen" => Move::Reopen,
            _ => return None,
        })
    }

    /// Reads a posted move code; an unknown one is a field error.
    pub fn parse(field: &str, code: &str) -> Result<Move, Error> {
        Move::from_code(code.trim()).ok_or_else(|| Error::field(field, K::ErrBadId))
    }

    pub fn target(self) -> ProblemStatus {
        match self {
            Move::Claim | Move::Reopen => ProblemStatus::Claimed,
            Move::Respond => ProblemStatus::Responded,
            Move::Close => ProblemStatus::Closed,
            Move::Unsolvable => ProblemStatus::Unsolvable,
            Move::Withdraw => ProblemStatus::Withdrawn,
        }
    }

    /// Moves that must say why (the note becomes the unit's answer or the reason).
    pub fn needs_note(self) -> bool {
        matches!(self, Move::Respond | Move::Unsolvable | Move::Withdraw)
    }
}

/// A move on a problem as the user sent it: from the queue's or the firm file's buttons (a
/// plain form post works too) or the JSON API. Parsed by the use case.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveForm {
    pub problem_id: String,
    /// The version the user saw; a stale one is a conflict.
    pub version: String,
    /// claim | respond | close | unsolvable | withdraw | reopen
    pub mv: String,
    pub note: String,
}

/// The firm's answer about a closed problem as sent: recorded from a follow-up call (with the
/// problem and the version seen) or given by the firm through its link (the token names the
/// problem).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerForm {
    pub problem_id: String,
    pub version: String,
    /// yes | no
    pub solved: String,
    pub satisfaction: String,
    pub comment: String,
}

impl AnswerForm {
    /// The answer itself (solved? how satisfied?), both checked at once so a form left blank
    /// marks both questions: nothing is preselected for the firm.
    pub fn answer(&self) -> Result<(bool, Satisfaction), Error> {
        let solved = parse_yes_no("solved", &self.solved);
        let satisfaction = Satisfaction::parse("satisfaction", &self.satisfaction);
        match (solved, satisfaction) {
            (Ok(solved), Ok(satisfaction)) => Ok((solved, satisfaction)),
            (solved, satisfaction) => Err(Error::Validation(
                [solved.err(), satisfaction.err()]
                    .into_iter()
                    .flatten()
                    .flat_map(|e| e.field_errors().to_vec())
                    .collect(),
            )),
        }
    }
}

/// The answer to "was it solved?": `yes` or `no` (`true`/`false` from programs); anything else
/// is a field error rather than a silent "no".
pub fn parse_yes_no(field: &str, raw: &str) -> Result<bool, Error> {
    match raw.trim() {
        "yes" | "true" => Ok(true),
        "no" | "false" => Ok(false),
        "" => Err(Error::field(field, K::ErrRequired)),
        _ => Err(Error::field(field, K::ErrBadId)),
    }
}
