//! The campaign's two targets counted from the records, as of any day, so the 2022 campaign can
//! be replayed. One aggregate query; no per-firm round trips.

use super::query_one;
use crate::campaign::{Campaign, Progress};
use crate::clock::day_end_utc;
use crate::error::Error;
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult};

#[derive(FromQueryResult)]
struct Counts {
    in_scope: i64,
    visited: i64,
    solved: i64,
    both: i64,
}

/// Firms in scope (flagged, not archived); visited = an on-site visit dated within the campaign
/// up to `as_of`; solved = a problem the firm confirmed solved by the end of `as_of`.
pub async fn compute(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    as_of: NaiveDate,
) -> Result<Progress, Error> {
    let upto = as_of.min(campaign.deadline);
    let counts = query_one::<Counts>(
        db,
        &format!("SELECT COUNT(*) AS in_scope,
                COALESCE(SUM(CASE WHEN v.firm_id IS NOT NULL THEN 1 ELSE 0 END), 0) AS visited,
                COALESCE(SUM(CASE WHEN s.firm_id IS NOT NULL THEN 1 ELSE 0 END), 0) AS solved,
                COALESCE(SUM(CASE WHEN v.firm_id IS NOT NULL AND s.firm_id IS NOT NULL THEN 1 ELSE 0 END), 0) AS both
         FROM firms f
         LEFT JOIN (SELECT DISTINCT firm_id FROM visits
                    WHERE kind = 'on_site' AND visit_date >= $1 AND visit_date <= $2) v ON v.firm_id = f.id
         LEFT JOIN (SELECT DISTINCT firm_id FROM problems
                    WHERE status = 'solved' AND solved_at < $3) s ON s.firm_id = f.id
         WHERE {scope} AND f.archived_at IS NULL", scope = super::in_scope_sql(4)),
        vec![campaign.starts_on.into(), upto.into(), day_end_utc(upto).into(), campaign.id.into()],
    )
    .await?
    .unwrap_or(Counts { in_scope: 0, visited: 0, solved: 0, both: 0 });
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    Ok(Progress {
        campaign: campaign.clone(),
        as_of,
        firms_in_scope: n(counts.in_scope),
        visited_on_site: n(counts.visited),
        with_solved_problem: n(counts.solved),
        both_targets_met: n(counts.both),
    })
}
