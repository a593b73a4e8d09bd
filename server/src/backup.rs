//! `zhuqi backup FILE` and `zhuqi restore FILE` (等保 数据备份恢复).
//!
//! - **SQLite**: `VACUUM INTO` writes a consistent copy of the live database while the server
//!   runs (readers and writers go on). Restoring copies the backup into place the same way,
//!   into a database file that does not exist yet, so a half-written restore never replaces
//!   good data.
//! - **PostgreSQL**: `pg_dump --format=custom` (one consistent snapshot, compressed) and
//!   `pg_restore` into an empty database; both programs come with the PostgreSQL client.
//!
//! After either, the command prints every table's row count and checks the audit chain, so an
//! operator can compare the two sides of a backup and a restore.

use domain::db::{self, Db};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult};
use std::path::Path;

/// Every table's name and row count, in name order (migration bookkeeping included).
pub async fn table_counts(db: &Db) -> Result<Vec<(String, i64)>, String> {
    #[derive(FromQueryResult)]
    struct Name {
        name: String,
    }
    #[derive(FromQueryResult)]
    struct N {
        n: i64,
    }
    let list = match db.get_database_backend() {
        DbBackend::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
        }
        _ => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             ORDER BY 1"
        }
    };
    let names = db::query_all::<Name>(db, list, vec![])
        .await
        .map_err(|e| format!("cannot list the tables: {e:?}"))?;
    let mut out = Vec::with_capacity(names.len());
    for t in names {
        // Names come from the catalogue, not from input; quoted all the same.
        let sql = format!(
            "SELECT COUNT(*) AS n FROM \"{}\"",
            t.name.replace('"', "\"\"")
        );
        let n = db::query_one::<N>(db, &sql, vec![])
            .await
            .map_err(|e| format!("cannot count {}: {e:?}", t.name))?
            .map_or(0, |r| r.n);
        out.push((t.name, n));
    }
    Ok(out)
}

fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Writes a backup of the database at `url` to `file` (which must not exist yet).
pub async fn backup(db: &Db, url: &str, file: &Path) -> Result<(), String> {
    if file.exists() {
        return Err(format!(
            "{} exists already: choose a new name",
            file.display()
        ));
    }
    match db.get_database_backend() {
        DbBackend::Postgres => run(
            "pg_dump",
            &[
                "--format=custom",
                "--no-owner",
                "--file",
                &file.display().to_string(),
                "--dbname",
                url,
            ],
        ),
        _ => {
            db.execute_unprepared(&format!(
                "VACUUM INTO {}",
                sql_text(&file.display().to_string())
            ))
            .await
            .map_err(|e| format!("the backup failed: {e}"))?;
            Ok(())
        }
    }
}

/// Restores the backup `file` into the database at `url`, which must be empty (a SQLite file
/// that does not exist yet, or a PostgreSQL database without tables).
pub async fn restore(url: &str, file: &Path) -> Result<(), String> {
    if !file.is_file() {
        return Err(format!("no backup at {}", file.display()));
    }
    if url.starts_with("postgres") {
        let target = db::connect(url)
            .await
            .map_err(|e| format!("cannot open the target database: {e}"))?;
        if !table_counts(&target).await?.is_empty() {
            return Err("the target database is not empty: restore into a new database".into());
        }
        target.close().await.ok();
        run(
            "pg_restore",
            &[
                "--no-owner",
                "--exit-on-error",
                "--dbname",
                url,
                &file.display().to_string(),
            ],
        )
    } else {
        let path = sqlite_path(url).ok_or("restore needs a sqlite:// or postgres:// URL")?;
        if Path::new(&path).exists() {
            return Err(format!(
                "{path} exists already: restore into a new file, then move it into place with the server stopped"
            ));
        }
        // Open the backup read-only and write a fresh copy of it at the target.
        // Plainly, without the server's connection settings (they would write to it).
        let source = sea_orm::Database::connect(format!("sqlite://{}?mode=ro", file.display()))
            .await
            .map_err(|e| format!("{} is not a SQLite database: {e}", file.display()))?;
        source
            .execute_unprepared(&format!("VACUUM INTO {}", sql_text(&path)))
            .await
            .map_err(|e| format!("the restore failed: {e}"))?;
        source.close().await.ok();
        Ok(())
    }
}

/// The file of a `sqlite://path?options` URL.
fn sqlite_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(rest.split('?').next().unwrap_or(rest).to_owned())
}

fn run(program: &str, args: &[&str]) -> Result<(), String> {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {program} (install the PostgreSQL client): {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{program} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Prints the row counts and the audit chain's state (after a backup or a restore).
pub async fn report(db: &Db) -> Result<bool, String> {
    for (table, n) in table_counts(db).await? {
        println!("{table:<28} {n:>10}");
    }
    let chain = db::audit::verify(db)
        .await
        .map_err(|e| format!("cannot read the audit trail: {e:?}"))?;
    print_chain(&chain);
    Ok(chain.first_broken.is_none())
}

pub fn print_chain(chain: &db::audit::ChainReport) {
    match chain.first_broken {
        None => println!(
            "audit chain: intact ({} entries chained, {} from before the chain began)",
            chain.checked, chain.before_chain
        ),
        Some(id) => println!(
            "audit chain: BROKEN at entry #{id} (altered, inserted, or the one after a deleted entry); {} entries before it verified",
            chain.checked
        ),
    }
}
