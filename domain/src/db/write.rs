//! How a user action writes: one transaction that holds under many concurrent writers, on
//! SQLite and on PostgreSQL alike.
//!
//! - **SQLite** allows one writer at a time. A plain `BEGIN` starts as a reader and upgrades at
//!   its first write; if another connection committed meanwhile, SQLite refuses the upgrade at
//!   once (`SQLITE_BUSY_SNAPSHOT`) without waiting, which is how concurrent visits used to fail
//!   with "database is locked". A [`Write`] therefore starts with `BEGIN IMMEDIATE` (the write
//!   lock up front, waiting under the busy timeout if another process holds it), and the
//!   writers of this process queue on one fair, asynchronous gate before that, so they hand the
//!   lock on in arrival order instead of polling for it in SQLite's busy handler.
//! - **PostgreSQL** runs writers side by side. Where two of them meet on the same rows they can
//!   deadlock or fail to serialise; [`retry`] runs the whole action again, a few times, with a
//!   random pause, and only then gives up with 503.
//!
//! A business write also moves the figures version ([`Write::commit`]), the key of every cached
//! figure; account and session events open their transaction with [`Write::begin_quiet`] and
//! leave the figures alone.

use crate::error::Error;
use async_trait::async_trait;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};
use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// The SQLite writers of this process, in arrival order (tokio's mutex is fair).
fn sqlite_gate() -> Arc<Mutex<()>> {
    static GATE: OnceLock<Arc<Mutex<()>>> = OnceLock::new();
    GATE.get_or_init(|| Arc::new(Mutex::new(()))).clone()
}

/// An open write transaction of one user action. Use it wherever a connection is expected;
/// end it with [`Write::commit`] (dropping it rolls back).
pub struct Write {
    txn: DatabaseTransaction,
    /// The pool, to move the figures version after the commit on PostgreSQL.
    db: DatabaseConnection,
    moves_figures: bool,
    /// The change of the tallies this transaction's facts made, applied at commit.
    pending: std::sync::Mutex<super::progress::tally::Delta>,
    // Declared after the transaction so it is released after the rollback of a dropped one.
    _gate: Option<OwnedMutexGuard<()>>,
}

impl Write {
    /// Begins a business write: its commit moves the figures version.
    pub async fn begin(db: &DatabaseConnection) -> Result<Write, Error> {
        Write::open(db, true).await
    }

    /// Begins a write that changes no business figure (logins, passwords, tokens, sessions).
    pub async fn begin_quiet(db: &DatabaseConnection) -> Result<Write, Error> {
        Write::open(db, false).await
    }

    /// Begins a transaction that only reads what a write would do (an import's preview): it
    /// neither waits for the writers nor holds them up, and it is never committed.
    pub async fn begin_read(db: &DatabaseConnection) -> Result<Write, Error> {
        Ok(Write {
            txn: db.begin().await?,
            db: db.clone(),
            moves_figures: false,
            pending: Default::default(),
            _gate: None,
        })
    }

    /// A write when `commit`, else a read ([`Write::begin_read`]).
    pub async fn begin_if(db: &DatabaseConnection, commit: bool) -> Result<Write, Error> {
        if commit {
            Write::begin(db).await
        } else {
            Write::begin_read(db).await
        }
    }

    async fn open(db: &DatabaseConnection, moves_figures: bool) -> Result<Write, Error> {
        let sqlite = db.get_database_backend() == DbBackend::Sqlite;
        let gate = if sqlite {
            Some(sqlite_gate().lock_owned().await)
        } else {
            None
        };
        let txn = db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: sqlite.then_some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await?;
        Ok(Write {
            txn,
            db: db.clone(),
            moves_figures,
            pending: Default::default(),
            _gate: gate,
        })
    }

    /// Notes a change of the tallies, to be applied at commit.
    pub fn tally(&self, delta: super::progress::tally::Delta) {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .merge(delta);
    }

    /// Forgets the noted changes of the tally kinds `which` selects (a rebuild counted them).
    pub fn drop_pending(&self, which: impl Fn(i32) -> bool) {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|kind| !which(kind));
    }

    /// Commits. A business write first applies its change of the tallies (rows in key order,
    /// so writers take their locks in one order) and then moves the figures version: on SQLite
    /// as its last statement, on PostgreSQL right after the commit (`progress::figures_version`).
    pub async fn commit(self) -> Result<(), Error> {
        let pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()));
        if !pending.is_empty() {
            pending.apply(&self.txn).await?;
        }
        if self.moves_figures {
            super::progress::move_version_in(&self.txn).await?;
        }
        self.txn.commit().await?;
        if self.moves_figures {
            super::progress::move_version_after(&self.db).await;
        }
        Ok(())
    }
}

#[async_trait]
impl ConnectionTrait for Write {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}

/// What went wrong with a statement, as far as the caller can act on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Another writer was in the way (deadlock, serialisation failure, a locked SQLite file):
    /// the same action, run again, will go through.
    Contention,
    /// The database cannot be reached (restarting, network down, pool exhausted).
    Unreachable,
    /// Anything else: a bug or a broken database; logged and answered 500.
    Other,
}

/// Classifies a database error by its SQLSTATE / SQLite code and the driver's error kind.
pub fn classify(e: &DbErr) -> Failure {
    use sea_orm::RuntimeErr;
    use sea_orm::sqlx::Error as Sqlx;
    match e {
        DbErr::ConnectionAcquire(_) => Failure::Unreachable,
        DbErr::Conn(_) => Failure::Unreachable,
        DbErr::Exec(RuntimeErr::SqlxError(s)) | DbErr::Query(RuntimeErr::SqlxError(s)) => {
            match &**s {
                Sqlx::Database(d) => match d.code().as_deref() {
                    // PostgreSQL: serialization_failure, deadlock_detected, lock_not_available.
                    Some("40001" | "40P01" | "55P03") => Failure::Contention,
                    // SQLite: SQLITE_BUSY and its extended codes, SQLITE_LOCKED.
                    Some("5" | "261" | "517" | "773" | "6" | "262") => Failure::Contention,
                    // PostgreSQL shutting down, starting up, or the connection lost.
                    Some(code) if code.starts_with("08") || code.starts_with("57P") => {
                        Failure::Unreachable
                    }
                    _ => Failure::Other,
                },
                Sqlx::Io(_)
                | Sqlx::Tls(_)
                | Sqlx::Protocol(_)
                | Sqlx::PoolTimedOut
                | Sqlx::PoolClosed
                | Sqlx::WorkerCrashed => Failure::Unreachable,
                _ => Failure::Other,
            }
        }
        _ => Failure::Other,
    }
}

/// How often an action is tried when writers get in each other's way.
const ATTEMPTS: u32 = 6;

/// Runs a whole user action (its own transaction included) again when it failed only because
/// of other writers, with a growing random pause; after the last attempt the caller gets 503.
/// The action must be safe to repeat, which one transaction per action makes it: a failed
/// attempt left nothing behind.
pub async fn retry<T, F, Fut>(mut action: F) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        match action().await {
            Err(Error::Busy) if attempt < ATTEMPTS => {
                let cap = 10u64 << attempt.min(6);
                let pause = rand_below(cap) + cap / 2;
                tracing::debug!(attempt, pause_ms = pause, "write contention; trying again");
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
            Err(Error::Busy) => {
                tracing::warn!(attempts = attempt, "write contention persisted; giving up");
                return Err(Error::Unavailable);
            }
            other => return other,
        }
    }
}

/// A small random number for the pause, without a random-number crate: the low bits of the
/// clock and a per-process counter are spread enough for jitter.
fn rand_below(n: u64) -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or_default();
    let mut x = nanos ^ SEQ.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x % n.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_below_its_bound() {
        for n in [1, 7, 640] {
            for _ in 0..100 {
                assert!(rand_below(n) < n);
            }
        }
    }

    #[tokio::test]
    async fn contention_is_retried_then_answered_503() {
        let mut calls = 0;
        let r: Result<(), Error> = retry(|| {
            calls += 1;
            async { Err(Error::Busy) }
        })
        .await;
        assert_eq!(r, Err(Error::Unavailable));
        assert_eq!(calls, ATTEMPTS);
        let mut calls = 0;
        let r = retry(|| {
            calls += 1;
            let n = calls;
            async move { if n < 3 { Err(Error::Busy) } else { Ok(n) } }
        })
        .await;
        assert_eq!(r, Ok(3));
        let r: Result<(), Error> = retry(|| async { Err(Error::Forbidden) }).await;
        assert_eq!(r, Err(Error::Forbidden));
    }
}
