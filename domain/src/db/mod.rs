//! Persistence: connecting, migrating, and the services over the database.
//!
//! Services are plain async functions over `&impl ConnectionTrait` (a connection or a
//! transaction). Each user action runs in one transaction, opened by the service that owns it.

pub mod access;
pub mod accounts;
pub mod assignments;
pub mod attachments;
pub mod audit;
pub mod bulletin;
pub mod calendar;
pub mod campaigns;
pub mod clocks;
pub mod crypto;
pub mod dashboard;
#[cfg(feature = "demo")]
pub mod demo;
pub mod entity;
pub mod firms;
pub mod import;
pub mod notifications;
pub mod problems;
pub mod progress;
pub mod qr;
pub mod reference;
pub mod reports;
pub mod rules;
pub mod sealing;
pub mod second_factor;
pub mod security;
pub mod sessions;
pub mod sheets;
pub mod supervisions;
pub mod sweep;
#[cfg(feature = "test-util")]
pub mod testing;
pub mod visits;
pub mod write;

pub use write::{Write, retry};

use crate::campaign::Campaign;
use crate::error::{Error, FieldError};
use crate::i18n::K;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr,
    FromQueryResult, SqlErr, Statement, Value,
};
use std::time::Duration;

pub use sea_orm::DatabaseConnection as Db;

/// Opens a pool for a `sqlite:` or `postgres:` URL. For a SQLite file, its folder is created and
/// the database is opened in WAL mode, so readers are not blocked by the one writer.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut opt = ConnectOptions::new(url.to_owned());
    // While the database is down (a restart), a request waits this long for a connection and
    // then answers 503: long enough to ride out a quick restart, short enough for a person.
    opt.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5));
    if url.starts_with("sqlite:") {
        if let Some(path) = sqlite_file(url) {
            if let Some(dir) = std::path::Path::new(&path)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir)
                    .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
            }
            opt.max_connections(8).min_connections(1);
        } else {
            // An in-memory database lives as long as a connection to it: keep exactly one.
            opt.max_connections(1)
                .min_connections(1)
                .idle_timeout(None::<Duration>)
                .max_lifetime(None::<Duration>);
        }
        opt.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                // NORMAL is durable in WAL mode except for the last transactions on power loss,
                // and spares an fsync per commit.
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                // A large import touches index pages all over the file; with SQLite's default
                // 2 MB page cache they are evicted and re-read from the WAL again and again.
                .pragma("cache_size", "-32768")
        });
    } else {
        opt.max_connections(16);
    }
    Database::connect(opt).await
}

/// The file path of a SQLite URL, or None for an in-memory database.
fn sqlite_file(url: &str) -> Option<String> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:" && !url.contains("mode=memory"))
        .then(|| path.to_owned())
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Logs a database failure with its text and returns the error users see, which has none:
/// contention with other writers (which `write::retry` runs again), an unreachable database
/// (503, try later), or anything else (500).
pub fn internal(e: DbErr) -> Error {
    match write::classify(&e) {
        write::Failure::Contention => {
            tracing::debug!(error = %e, "database contention");
            Error::Busy
        }
        write::Failure::Unreachable => {
            tracing::warn!(error = %e, "database unreachable");
            Error::Unavailable
        }
        write::Failure::Other => {
            tracing::error!(error = %e, "database error");
            Error::Internal
        }
    }
}

impl From<DbErr> for Error {
    fn from(e: DbErr) -> Error {
        internal(e)
    }
}

/// Whether an error is a unique-key violation, which services turn into a Conflict.
pub fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// A statement written with PostgreSQL's `$1, $2, …` placeholders, run on either backend:
/// SQLite understands the same numbered parameters written `?1, ?2, …`.
pub fn sql(backend: DbBackend, text: &str, values: Vec<Value>) -> Statement {
    let text = if backend == DbBackend::Sqlite {
        text.replace('$', "?")
    } else {
        text.to_owned()
    };
    Statement::from_sql_and_values(backend, text, values)
}

/// Like [`sql`], for statements whose parameters each appear once, in order (multi-row
/// INSERTs): SQLite gets anonymous `?` placeholders. SQLite looks numbered ones up in a list,
/// which makes a statement with thousands of them quadratic to prepare.
pub fn sql_in_order(backend: DbBackend, text: &str, values: Vec<Value>) -> Statement {
    if backend != DbBackend::Sqlite {
        return Statement::from_sql_and_values(backend, text, values);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
            out.push('?');
        } else {
            out.push(c);
        }
    }
    Statement::from_sql_and_values(backend, out, values)
}

/// Runs a query and maps every row.
pub async fn query_all<T: FromQueryResult>(
    db: &impl ConnectionTrait,
    text: &str,
    values: Vec<Value>,
) -> Result<Vec<T>, Error> {
    let stmt = sql(db.get_database_backend(), text, values);
    Ok(T::find_by_statement(stmt).all(db).await?)
}

pub async fn query_one<T: FromQueryResult>(
    db: &impl ConnectionTrait,
    text: &str,
    values: Vec<Value>,
) -> Result<Option<T>, Error> {
    let stmt = sql(db.get_database_backend(), text, values);
    Ok(T::find_by_statement(stmt).one(db).await?)
}

#[derive(FromQueryResult)]
pub(crate) struct CampaignRow {
    id: i32,
    name_zh: String,
    name_en: String,
    starts_on: chrono::NaiveDate,
    deadline: chrono::NaiveDate,
}

impl From<CampaignRow> for Campaign {
    fn from(r: CampaignRow) -> Campaign {
        Campaign {
            id: r.id,
            name_zh: r.name_zh,
            name_en: r.name_en,
            starts_on: r.starts_on,
            deadline: r.deadline,
        }
    }
}

/// The campaign shown by default: the one that started most recently (the 2022 round until the
/// office starts another); a round that has not started yet only once it starts, unless no
/// round has started at all.
pub async fn current_campaign(db: &impl ConnectionTrait) -> Result<Campaign, Error> {
    query_one::<CampaignRow>(
        db,
        "SELECT id, name_zh, name_en, starts_on, deadline FROM campaigns
         ORDER BY CASE WHEN starts_on <= $1 THEN 0 ELSE 1 END, starts_on DESC, id DESC",
        vec![crate::clock::today().into()],
    )
    .await?
    .map(Campaign::from)
    .ok_or(Error::not_found(K::EntityCampaign))
}

/// Parses an id from a path or form; anything but a positive integer is a 4xx, not a lookup.
pub fn parse_id(field: &str, raw: &str) -> Result<i32, Error> {
    raw.trim()
        .parse::<i32>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| Error::Validation(vec![FieldError::new(field, K::ErrBadId)]))
}

/// An optional filter's id: empty (after trimming) is "any", anything else must be an id.
pub fn parse_optional_id(field: &str, raw: &str) -> Result<Option<i32>, Error> {
    match raw.trim() {
        "" => Ok(None),
        id => parse_id(field, id).map(Some),
    }
}

/// An optional filter's date (YYYY-MM-DD): empty is "any".
pub fn parse_optional_date(field: &str, raw: &str) -> Result<Option<chrono::NaiveDate>, Error> {
    match raw.trim() {
        "" => Ok(None),
        d => crate::campaign::parse_date(field, d)
            .map(Some)
            .map_err(|e| Error::Validation(vec![e])),
    }
}

/// Lower-case hex of SHA-256: how tokens (API tokens, confirmation links) are stored.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A random secret of `bytes` bytes from the OS generator, as hex.
pub fn random_hex(bytes: usize) -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut buf = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Escapes LIKE wildcards in user text (used with `ESCAPE '\'`).
pub fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_order_parameters_become_anonymous_on_sqlite() {
        let stmt = sql_in_order(DbBackend::Sqlite, "VALUES ($1, $2), ($3, '$x')", vec![]);
        assert_eq!(stmt.sql, "VALUES (?, ?), (?, '$x')");
        let stmt = sql_in_order(DbBackend::Postgres, "VALUES ($1, $2)", vec![]);
        assert_eq!(stmt.sql, "VALUES ($1, $2)");
    }

    #[test]
    fn sqlite_paths() {
        assert_eq!(
            sqlite_file("sqlite://data/zhuqi.db?mode=rwc").as_deref(),
            Some("data/zhuqi.db")
        );
        assert_eq!(
            sqlite_file("sqlite:///tmp/x.db").as_deref(),
            Some("/tmp/x.db")
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
    }

    #[test]
    fn placeholders_follow_the_backend() {
        let s = sql(DbBackend::Sqlite, "SELECT $1, $2", vec![1.into(), 2.into()]);
        assert_eq!(s.sql, "SELECT ?1, ?2");
        let p = sql(DbBackend::Postgres, "SELECT $1", vec![1.into()]);
        assert_eq!(p.sql, "SELECT $1");
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_pattern("50%_off"), "%50\\%\\_off%");
    }
}
