//! The server's cache of computed figures.

use super::{compute, data_version};
use crate::campaign::Campaign;
use crate::dashboard::Dashboard;
use crate::error::Error;
use chrono::NaiveDate;
use moka::future::Cache as Moka;
use sea_orm::ConnectionTrait;
use std::future::Future;
use std::sync::Arc;

/// What the server keeps of figures it has computed: dashboards by campaign and day, firm-list
/// counts and pages by query. Every key carries the figures version ([`data_version`]) it was
/// computed at, so an entry is never served after a business write; entries of older versions
/// simply age out (moka evicts the least useful first).
///
/// A missing entry is computed once: requests that miss the same key while it is being
/// computed wait for that computation instead of starting their own (moka's `try_get_with`),
/// so a burst of leaders opening the dashboard right after a write costs one computation.
pub struct Cache {
    dashboards: Moka<(i32, NaiveDate, i64), Arc<Dashboard>>,
    /// Firm-list counts by query.
    counts: Moka<(String, i64), u64>,
    /// Firm-list pages by query and page: a page is 20 rows, so 1024 of them stay within a few
    /// megabytes.
    pages: Moka<(String, i64), crate::firm::FirmPage>,
    /// How many dashboards were computed (not served from the cache) since start.
    computed: std::sync::atomic::AtomicU64,
}

impl Default for Cache {
    fn default() -> Self {
        Cache {
            dashboards: Moka::new(256),
            counts: Moka::new(4096),
            pages: Moka::new(1024),
            computed: Default::default(),
        }
    }
}

/// Runs `init` for a missing entry, once for every request waiting on the same key.
async fn once<K, V, F>(cache: &Moka<K, V>, key: K, init: F) -> Result<V, Error>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
    F: Future<Output = Result<V, Error>>,
{
    cache
        .try_get_with(key, init)
        .await
        .map_err(|e: Arc<Error>| (*e).clone())
}

impl Cache {
    /// How many dashboards this cache computed since it was made (the rest were served).
    pub fn computed(&self) -> u64 {
        self.computed.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A firm-list count, computed by `init` if it is not kept at this version.
    pub async fn count(
        &self,
        key: String,
        version: i64,
        init: impl Future<Output = Result<u64, Error>>,
    ) -> Result<u64, Error> {
        once(&self.counts, (key, version), init).await
    }

    /// A firm-list page, computed by `init` if it is not kept at this version.
    pub async fn page(
        &self,
        key: String,
        version: i64,
        init: impl Future<Output = Result<crate::firm::FirmPage, Error>>,
    ) -> Result<crate::firm::FirmPage, Error> {
        once(&self.pages, (key, version), init).await
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
        let d = once(&self.dashboards, key, async {
            self.computed
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(Arc::new(compute(db, campaign, as_of).await?))
        })
        .await?;
        // A round's name or dates changed at the same version cannot happen (that is a write),
        // but a stale entry must never be shown for another campaign row: recompute if so.
        if d.campaign == *campaign {
            Ok(d)
        } else {
            Ok(Arc::new(compute(db, campaign, as_of).await?))
        }
    }
}
