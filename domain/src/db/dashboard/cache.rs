//! The server's cache of computed figures.

use super::{compute, data_version};
use crate::campaign::Campaign;
use crate::dashboard::Dashboard;
use crate::error::Error;
use chrono::NaiveDate;
use sea_orm::ConnectionTrait;
use std::sync::Arc;

/// What the server keeps of figures it has computed: dashboards by campaign and day, firm-list
/// counts and pages by query. Every key carries the data version ([`data_version`]) it was
/// computed at, so an entry is never served after a change; entries of older versions simply
/// age out (moka evicts the least useful first).
pub struct Cache {
    dashboards: moka::sync::Cache<(i32, NaiveDate, i64), Arc<Dashboard>>,
    /// Firm-list counts by query.
    counts: moka::sync::Cache<(String, i64), u64>,
    /// Firm-list pages by query and page: a page is 20 rows, so 1024 of them stay within a few
    /// megabytes.
    pages: moka::sync::Cache<(String, i64), crate::firm::FirmPage>,
}

impl Default for Cache {
    fn default() -> Self {
        Cache {
            dashboards: moka::sync::Cache::new(256),
            counts: moka::sync::Cache::new(4096),
            pages: moka::sync::Cache::new(1024),
        }
    }
}

impl Cache {
    /// A firm-list count kept at this data version.
    pub fn count(&self, key: &str, version: i64) -> Option<u64> {
        self.counts.get(&(key.to_owned(), version))
    }

    pub fn page(&self, key: &str, version: i64) -> Option<crate::firm::FirmPage> {
        self.pages.get(&(key.to_owned(), version))
    }

    pub fn keep_page(&self, key: String, version: i64, page: crate::firm::FirmPage) {
        self.pages.insert((key, version), page);
    }

    pub fn keep_count(&self, key: String, version: i64, n: u64) {
        self.counts.insert((key, version), n);
    }

    /// The two targets as of a day, from the (cached) dashboard: the same figures, one source.
    pub async fn progress(
        &self,
        db: &impl ConnectionTrait,
        campaign: &Campaign,
        as_of: NaiveDate,
    ) -> Result<crate::campaign::Progress, Error> {
        Ok(self.get(db, campaign, as_of).await?.progress())
    }

    pub async fn get(
        &self,
        db: &impl ConnectionTrait,
        campaign: &Campaign,
        as_of: NaiveDate,
    ) -> Result<Arc<Dashboard>, Error> {
        let version = data_version(db).await?;
        let key = (campaign.id, as_of, version);
        if let Some(d) = self.dashboards.get(&key)
            && d.campaign == *campaign
        {
            return Ok(d);
        }
        // Computed outside any lock: a slow computation holds up no other request. (Two
        // requests missing at once both compute; the figures are the same.)
        let fresh = Arc::new(compute(db, campaign, as_of).await?);
        self.dashboards.insert(key, fresh.clone());
        Ok(fresh)
    }
}
