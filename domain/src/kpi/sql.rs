//! The targets as SQL: the fragments every firm-level query embeds, built from the same
//! [`Window`] and codes as the Rust rules beside them, so there is exactly one text of each.
//!
//! The fragments are written over a firm aliased `f`. Building them pushes their parameters onto
//! the caller's list and names them by position (`$n`), so they compose with whatever
//! parameters the surrounding query already has.

use super::Window;
use crate::problem::ProblemStatus;
use crate::visit::VisitKind;
use sea_orm::Value;

/// The target expressions for one window, with their parameters pushed.
#[derive(Clone, Debug)]
pub struct TargetSql {
    /// Boolean: the firm is in the campaign's scope (it may be archived).
    pub in_scope: String,
    /// Boolean: the firm is counted (in scope and not archived).
    pub counted: String,
    /// Boolean: the firm had an on-site visit in the window (a correlated probe).
    pub visited: String,
    /// Boolean: a problem of the firm was confirmed solved in the window (a correlated probe).
    pub solved: String,
    /// A derived table `(firm_id, first_visit)`: each firm's first counted visit day. For a
    /// whole-register pass, where one grouped scan beats a probe per firm.
    pub first_visits: String,
    /// A derived table `(firm_id, first_solved)`: each firm's first counted confirmation.
    pub first_solutions: String,
}

fn push(values: &mut Vec<Value>, v: impl Into<Value>) -> usize {
    values.push(v.into());
    values.len()
}

impl Window {
    /// The fragments for this window; their parameters are appended to `values`.
    pub fn sql(&self, values: &mut Vec<Value>) -> TargetSql {
        let campaign = push(values, self.campaign_id);
        let start = push(values, self.start);
        let upto = push(values, self.upto);
        let start_utc = push(values, self.start_utc());
        let upto_utc = push(values, self.upto_utc());
        let on_site = VisitKind::OnSite.code();
        let solved = ProblemStatus::Solved.code();
        let visit = |a: &str| {
            format!(
                "{a}.kind = '{on_site}' AND {a}.visit_date >= ${start} AND {a}.visit_date <= ${upto}"
            )
        };
        let solution = |a: &str| {
            format!(
                "{a}.status = '{solved}' AND {a}.solved_at >= ${start_utc} AND {a}.solved_at < ${upto_utc}"
            )
        };
        let in_scope = format!(
            "(CASE WHEN f.scope_reason IS NOT NULL THEN f.in_scope
                   ELSE f.tier_id IN (SELECT kt.tier_id FROM campaign_tiers kt WHERE kt.campaign_id = ${campaign}) END)"
        );
        TargetSql {
            counted: format!("({in_scope} AND f.archived_at IS NULL)"),
            in_scope,
            visited: format!(
                "EXISTS (SELECT 1 FROM visits kv WHERE kv.firm_id = f.id AND {})",
                visit("kv")
            ),
            solved: format!(
                "EXISTS (SELECT 1 FROM problems kp WHERE kp.firm_id = f.id AND {})",
                solution("kp")
            ),
            first_visits: format!(
                "(SELECT kv.firm_id, MIN(kv.visit_date) AS first_visit FROM visits kv
                  WHERE {} GROUP BY kv.firm_id)",
                visit("kv")
            ),
            first_solutions: format!(
                "(SELECT kp.firm_id, MIN(kp.solved_at) AS first_solved FROM problems kp
                  WHERE {} GROUP BY kp.firm_id)",
                solution("kp")
            ),
        }
    }
}

/// A target flag as an integer column (SQLite and PostgreSQL read booleans differently).
pub fn flag(condition: &str) -> String {
    format!("CASE WHEN {condition} THEN 1 ELSE 0 END")
}
