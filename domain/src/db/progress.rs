//! The campaign's two targets as of any day, so the 2022 campaign can be replayed. They are the
//! dashboard's firm-level figures (one definition, one query path); pages and the API take them
//! from the dashboard cache; this uncached form is for callers without one (the tests).

use crate::campaign::{Campaign, Progress};
use crate::error::Error;
use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

/// Firms in scope (not archived); visited = an on-site visit dated within the campaign up to
/// `as_of`; solved = a problem the firm confirmed solved by the end of `as_of`.
pub async fn compute(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    as_of: NaiveDate,
) -> Result<Progress, Error> {
    Ok(super::dashboard::compute(db, campaign, as_of)
        .await?
        .progress())
}
