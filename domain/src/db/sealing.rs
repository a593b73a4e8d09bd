//! The start-up pass that seals phone numbers stored before sealing (or written by a tool that
//! bypassed the application) and fills in their lookup hashes, so after the server starts the
//! database holds no phone number in clear.

use super::crypto::{is_sealed, open, phone_hash, seal};
use crate::error::Error;
use sea_orm::{ConnectionTrait, FromQueryResult, Statement, TransactionTrait};

#[derive(FromQueryResult)]
struct Stored {
    id: i32,
    phone: String,
    hash: Option<String>,
}

/// How many rows of each table the pass sealed or re-hashed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sealed {
    pub users: usize,
    pub firms: usize,
}

/// Seals every clear phone number and fills every missing hash, in one transaction.
pub async fn seal_existing(db: &super::Db) -> Result<Sealed, Error> {
    let txn = db.begin().await?;
    let users = seal_column(&txn, "users", "phone", "phone_hash").await?;
    let firms = seal_column(&txn, "firms", "contact_phone", "contact_phone_hash").await?;
    txn.commit().await?;
    if users + firms > 0 {
        tracing::info!(users, firms, "sealed phone numbers stored in clear");
    }
    Ok(Sealed { users, firms })
}

async fn seal_column(
    db: &impl ConnectionTrait,
    table: &str,
    column: &str,
    hash_column: &str,
) -> Result<usize, Error> {
    let backend = db.get_database_backend();
    // The names are this module's constants, never input.
    let rows = Stored::find_by_statement(Statement::from_string(
        backend,
        format!(
            "SELECT id, {column} AS phone, {hash_column} AS hash FROM {table}
              WHERE {column} NOT LIKE 'enc1:%' OR {hash_column} IS NULL"
        ),
    ))
    .all(db)
    .await?;
    for row in &rows {
        let plain = open(&row.phone)?;
        let stored = if is_sealed(&row.phone) {
            row.phone.clone()
        } else {
            seal(&plain)?
        };
        let hash = match &row.hash {
            Some(h) if is_sealed(&row.phone) => h.clone(),
            _ => phone_hash(&plain)?,
        };
        db.execute_raw(super::sql(
            backend,
            &format!("UPDATE {table} SET {column} = $1, {hash_column} = $2 WHERE id = $3"),
            vec![stored.into(), hash.into(), row.id.into()],
        ))
        .await?;
    }
    Ok(rows.len())
}
