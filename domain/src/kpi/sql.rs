//! The targets as SQL, built from the same [`Window`] and codes as the Rust rules beside them.
//!
//! Two halves, one rule:
//! - [`Window::fact_sql`] is the definition over the source tables (firms, campaign tiers,
//!   visits, problems): a firm's scope, whether it counts, its first counted on-site visit day
//!   and its first counted confirmation day (Beijing date). `db::progress` stores these per
//!   campaign and firm in `firm_progress`, in the transaction of every write that changes them.
//! - [`Window::sql`] reads those facts as of the window's counted day: visited means the first
//!   counted visit is on or before that day, solved likewise. Facts are computed over the whole
//!   campaign window, so "as of any earlier day" is a comparison, never a recount.
//!
//! The fragments are written over a firm aliased `f` (and its facts row `fp`). Building them
//! pushes their parameters onto the caller's list and names them by position (`$n`), so they
//! compose with whatever parameters the surrounding query already has.

use super::Window;
use crate::problem::ProblemStatus;
use crate::visit::VisitKind;
use sea_orm::{DbBackend, Value};

/// The target expressions for one window over the stored facts, with their parameters pushed.
#[derive(Clone, Debug)]
pub struct TargetSql {
    /// `LEFT JOIN firm_progress fp …`: the facts row of firm `f` in the window's campaign.
    pub join: String,
    /// Boolean: the firm is counted (in the campaign's scope and not archived).
    pub counted: String,
    /// Boolean: the firm had a counted on-site visit by the counted day.
    pub visited: String,
    /// Boolean: a problem of the firm was confirmed solved by the counted day.
    pub solved: String,
}

/// The definition over the source tables, for computing a firm's facts.
#[derive(Clone, Debug)]
pub struct FactSql {
    /// Boolean: the firm is in the campaign's scope (it may be archived).
    pub in_scope: String,
    /// Boolean: in scope and not archived.
    pub counted: String,
    /// The day of the firm's first on-site visit inside the window (NULL if none).
    pub first_visit: String,
    /// The Beijing day of the firm's first confirmation inside the window (NULL if none).
    pub first_solved: String,
}

fn push(values: &mut Vec<Value>, v: impl Into<Value>) -> usize {
    values.push(v.into());
    values.len()
}

/// The Beijing calendar day of a UTC instant, in each backend's dialect. SQLite holds instants
/// as RFC 3339 text, which its date functions read with the offset.
fn beijing_day(backend: DbBackend, instant: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("CAST(({instant}) AT TIME ZONE 'Asia/Shanghai' AS DATE)"),
        _ => format!("date(({instant}), '+8 hours')"),
    }
}

impl Window {
    /// The facts of firm `f` as the campaign defines them, counted over this window (for the
    /// stored facts: the whole campaign, `Window::new(campaign, campaign.deadline)`).
    pub fn fact_sql(&self, backend: DbBackend, values: &mut Vec<Value>) -> FactSql {
        let campaign = push(values, self.campaign_id);
        let start = push(values, self.start);
        let upto = push(values, self.upto);
        let start_utc = push(values, self.start_utc());
        let upto_utc = push(values, self.upto_utc());
        let on_site = VisitKind::OnSite.code();
        let solved = ProblemStatus::Solved.code();
        let in_scope = format!(
            "(CASE WHEN f.scope_reason IS NOT NULL THEN f.in_scope
                   ELSE f.tier_id IN (SELECT kt.tier_id FROM campaign_tiers kt WHERE kt.campaign_id = ${campaign}) END)"
        );
        FactSql {
            counted: format!("({in_scope} AND f.archived_at IS NULL)"),
            in_scope,
            first_visit: format!(
                "(SELECT MIN(kv.visit_date) FROM visits kv WHERE kv.firm_id = f.id
                    AND kv.kind = '{on_site}' AND kv.visit_date >= ${start} AND kv.visit_date <= ${upto})"
            ),
            first_solved: beijing_day(
                backend,
                &format!(
                    "SELECT MIN(kp.solved_at) FROM problems kp WHERE kp.firm_id = f.id
                        AND kp.status = '{solved}' AND kp.solved_at >= ${start_utc} AND kp.solved_at < ${upto_utc}"
                ),
            ),
        }
    }

    /// The targets as of this window's counted day, read from the stored facts of firm `f`.
    pub fn sql(&self, values: &mut Vec<Value>) -> TargetSql {
        let (campaign, mut t) = self.reading(values);
        t.join = format!(
            " LEFT JOIN firm_progress fp ON fp.firm_id = f.id AND fp.campaign_id = ${campaign}"
        );
        // A firm without a facts row (there should be none) counts as nothing, never as NULL.
        t.counted = "COALESCE(fp.counted, FALSE)".to_owned();
        t
    }

    /// The same reading for queries over the facts table alone (aliased `fp`): `join` is the
    /// campaign condition to put in the WHERE clause.
    pub fn facts_sql(&self, values: &mut Vec<Value>) -> TargetSql {
        let (campaign, mut t) = self.reading(values);
        t.join = format!("fp.campaign_id = ${campaign}");
        t
    }

    fn reading(&self, values: &mut Vec<Value>) -> (usize, TargetSql) {
        let campaign = push(values, self.campaign_id);
        let upto = push(values, self.upto);
        let t = TargetSql {
            join: String::new(),
            counted: "fp.counted".to_owned(),
            visited: format!("(fp.first_visit IS NOT NULL AND fp.first_visit <= ${upto})"),
            solved: format!("(fp.first_solved IS NOT NULL AND fp.first_solved <= ${upto})"),
        };
        (campaign, t)
    }
}

/// A target flag as an integer column (SQLite and PostgreSQL read booleans differently).
pub fn flag(condition: &str) -> String {
    format!("CASE WHEN {condition} THEN 1 ELSE 0 END")
}
