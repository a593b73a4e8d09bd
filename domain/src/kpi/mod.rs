//! The campaign's two targets, defined once (measure 十六: every firm in scope gets an on-site
//! visit and at least one difficulty solved by the deadline).
//!
//! Every figure about firms — the dashboard's tiles and breakdowns, the firm list's status filter
//! and columns, the roster (workload), "my firms", the firm file's badges and the half-year
//! report — is counted through this module, so they cannot disagree:
//!
//! - **counted firm**: in the campaign's scope (the office's override where it gave one with a
//!   reason, else whether the firm's tier is one of the campaign's) and not archived;
//! - **visited**: an on-site visit dated inside the window, from the campaign's first day to the
//!   counted day;
//! - **solved**: a problem the firm confirmed solved (回访 or its link) inside the same window.
//!
//! The counted day is the as-of day, but never past the deadline: what happens after the
//! deadline no longer counts for that campaign. The rules are written here in Rust (used where
//! a firm's rows are already in memory, and by the tests' recounts) and, behind the `db`
//! feature, as the one SQL fragment every query embeds (`sql`); tests hold the two together.

pub mod problems;
#[cfg(feature = "db")]
pub mod sql;

use crate::campaign::Campaign;
use crate::clock::day_end_utc;
use crate::problem::ProblemStatus;
use crate::reference::Tier;
use crate::visit::VisitKind;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What the targets are counted over: one campaign, as of one day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    pub campaign_id: i32,
    /// The campaign's first day.
    pub start: NaiveDate,
    pub deadline: NaiveDate,
    /// The day asked for.
    pub as_of: NaiveDate,
    /// The last day that counts: the as-of day, or the deadline if that came first.
    pub upto: NaiveDate,
}

impl Window {
    pub fn new(campaign: &Campaign, as_of: NaiveDate) -> Window {
        Window {
            campaign_id: campaign.id,
            start: campaign.starts_on,
            deadline: campaign.deadline,
            as_of,
            upto: as_of.min(campaign.deadline),
        }
    }

    /// The first instant of the campaign's first day (Beijing time).
    pub fn start_utc(&self) -> DateTime<Utc> {
        day_end_utc(self.start - Duration::days(1))
    }

    /// The first instant after the counted day: a confirmation counts if strictly before it.
    pub fn upto_utc(&self) -> DateTime<Utc> {
        day_end_utc(self.upto)
    }

    /// Whether a visit counts toward "visited on site".
    pub fn counts_visit(&self, kind: VisitKind, date: NaiveDate) -> bool {
        kind == VisitKind::OnSite && date >= self.start && date <= self.upto
    }

    /// Whether a problem counts toward "at least one difficulty solved": only the firm's
    /// confirmation makes a problem solved, and it must fall inside the window.
    pub fn counts_solution(&self, status: ProblemStatus, solved_at: Option<DateTime<Utc>>) -> bool {
        status == ProblemStatus::Solved
            && solved_at.is_some_and(|t| t >= self.start_utc() && t < self.upto_utc())
    }

    /// Whether the figures are final: the deadline has been reached, nothing can change them.
    pub fn is_final(&self) -> bool {
        self.as_of >= self.deadline
    }
}

/// Whether a firm is in a campaign's scope: the office's decision where it made one (it is
/// stored with a reason), otherwise whether the firm's tier is one of the campaign's tiers.
pub fn in_scope(tier: Tier, office_override: Option<bool>, campaign_tiers: &[Tier]) -> bool {
    office_override.unwrap_or_else(|| campaign_tiers.contains(&tier))
}

/// Whether a firm is counted at all: in scope and not archived.
pub fn counted(in_scope: bool, archived: bool) -> bool {
    in_scope && !archived
}

/// Where one firm stands, from its rows: `visits` as (kind, date), `problems` as (status,
/// confirmation instant). A firm that is not counted meets no target.
pub fn firm_targets(
    window: &Window,
    counted: bool,
    visits: impl IntoIterator<Item = (VisitKind, NaiveDate)>,
    problems: impl IntoIterator<Item = (ProblemStatus, Option<DateTime<Utc>>)>,
) -> crate::firm::Targets {
    crate::firm::Targets {
        in_scope: counted,
        visited_on_site: counted
            && visits
                .into_iter()
                .any(|(kind, date)| window.counts_visit(kind, date)),
        problem_solved: counted
            && problems
                .into_iter()
                .any(|(status, at)| window.counts_solution(status, at)),
    }
}

/// Which campaign and day a page's target figures are counted for, so a page that shows "now"
/// for a campaign that has ended can say so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Basis {
    pub campaign_id: i32,
    pub campaign_zh: String,
    pub campaign_en: String,
    /// The last day that counts.
    pub counted_to: NaiveDate,
    /// The deadline has passed: the figures are the campaign's final result.
    pub ended: bool,
    /// The figures are not today's (an ended campaign, or a replayed day).
    pub not_today: bool,
}

impl Basis {
    pub fn new(campaign: &Campaign, window: &Window, today: NaiveDate) -> Basis {
        Basis {
            campaign_id: campaign.id,
            campaign_zh: campaign.name_zh.clone(),
            campaign_en: campaign.name_en.clone(),
            counted_to: window.upto,
            ended: window.is_final() && today > campaign.deadline,
            not_today: window.upto != today,
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

    fn campaign() -> Campaign {
        Campaign {
            id: 1,
            name_zh: "百人助百企".into(),
            name_en: "Hundred officials".into(),
            starts_on: d("2022-02-27"),
            deadline: d("2022-12-31"),
        }
    }

    #[test]
    fn the_window_stops_at_the_deadline() {
        let w = Window::new(&campaign(), d("2023-03-01"));
        assert_eq!(w.upto, d("2022-12-31"));
        assert!(w.is_final());
        assert!(w.counts_visit(VisitKind::OnSite, d("2022-12-31")));
        assert!(!w.counts_visit(VisitKind::OnSite, d("2023-01-01")));
        assert!(!w.counts_visit(VisitKind::OnSite, d("2022-02-26")));
        assert!(!w.counts_visit(VisitKind::Phone, d("2022-06-01")));
        let early = Window::new(&campaign(), d("2022-06-30"));
        assert!(!early.counts_visit(VisitKind::OnSite, d("2022-07-01")));
        assert!(!early.is_final());
    }

    #[test]
    fn only_a_confirmation_inside_the_window_solves() {
        let w = Window::new(&campaign(), d("2023-03-01"));
        let solved = ProblemStatus::Solved;
        // Beijing's last minute of the deadline counts, its next day does not.
        assert!(w.counts_solution(solved, Some(at(d("2022-12-31"), 23, 59))));
        assert!(!w.counts_solution(solved, Some(at(d("2023-01-01"), 0, 0))));
        assert!(!w.counts_solution(solved, Some(at(d("2022-02-26"), 23, 59))));
        assert!(w.counts_solution(solved, Some(at(d("2022-02-27"), 0, 0))));
        assert!(!w.counts_solution(solved, None));
        assert!(!w.counts_solution(ProblemStatus::Closed, Some(at(d("2022-06-01"), 9, 0))));
    }

    #[test]
    fn the_office_override_beats_the_tier() {
        let tiers = [Tier::Reserve, Tier::ProvincialSrdi];
        assert!(in_scope(Tier::Reserve, None, &tiers));
        assert!(!in_scope(Tier::Innovative, None, &tiers));
        assert!(in_scope(Tier::Innovative, Some(true), &tiers));
        assert!(!in_scope(Tier::Reserve, Some(false), &tiers));
        assert!(!counted(true, true));
    }

    #[test]
    fn a_firm_not_counted_meets_no_target() {
        let w = Window::new(&campaign(), d("2022-12-31"));
        let visits = [(VisitKind::OnSite, d("2022-05-01"))];
        let problems = [(ProblemStatus::Solved, Some(at(d("2022-06-01"), 9, 0)))];
        let t = firm_targets(&w, true, visits, problems);
        assert!(t.in_scope && t.visited_on_site && t.problem_solved);
        let t = firm_targets(&w, false, visits, problems);
        assert!(!t.in_scope && !t.visited_on_site && !t.problem_solved);
    }

    #[test]
    fn the_basis_says_when_figures_are_not_todays() {
        let c = campaign();
        let b = Basis::new(&c, &Window::new(&c, d("2022-12-31")), d("2026-12-02"));
        assert!(b.ended && b.not_today);
        assert_eq!(b.counted_to, d("2022-12-31"));
        let b = Basis::new(&c, &Window::new(&c, d("2022-06-30")), d("2022-06-30"));
        assert!(!b.ended && !b.not_today);
    }
}
