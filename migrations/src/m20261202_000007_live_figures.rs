//! Live figures and writes that hold under load:
//!
//! - `firm_progress`: one row per campaign and firm with the facts the targets are counted from
//!   (scope, archived, region, tier, current coordinator, the first counted on-site visit day and
//!   the first counted confirmation day). Every write that changes a fact rewrites the firm's
//!   rows in its own transaction (`domain::db::progress`), so the dashboard, the lists and the
//!   reports aggregate this narrow table instead of visits and problems. The rows are filled by
//!   the server at start-up (the rule lives in the domain crate, not here).
//! - `figures_version`: a counter every business write moves in its transaction; cached figures
//!   are keyed by it, so logins and other audit-only events no longer discard them.
//! - `visits.content_hash`: what a visit sent with an idempotency key said, so a replay with the
//!   same key and other content is refused instead of silently answered with the first visit.
//! - `attachment_blobs`: attachment bytes in the database, so every server instance reads them.

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        // SQLite keeps the rows in primary-key order (WITHOUT ROWID), so one campaign's facts are
        // one contiguous range to scan; PostgreSQL gets the same columns as a plain table.
        let (boolean_type, tail) = match db.get_database_backend() {
            DbBackend::Sqlite => ("INTEGER", " WITHOUT ROWID"),
            _ => ("BOOLEAN", ""),
        };
        db.execute_unprepared(&format!(
            "CREATE TABLE firm_progress (
                campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
                firm_id INTEGER NOT NULL REFERENCES firms (id),
                region_id INTEGER NOT NULL,
                tier_id INTEGER NOT NULL,
                coordinator_id INTEGER NULL,
                in_scope {boolean_type} NOT NULL,
                counted {boolean_type} NOT NULL,
                first_visit DATE NULL,
                first_solved DATE NULL,
                PRIMARY KEY (campaign_id, firm_id)
            ){tail}"
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_firm_progress_firm_id")
                .table("firm_progress")
                .col("firm_id")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_firm_progress_coordinator")
                .table("firm_progress")
                .col("campaign_id")
                .col("coordinator_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("figures_version")
                .col(integer("id").primary_key())
                .col(big_integer("n"))
                // The version of the rule the facts were computed with: the server rebuilds them
                // when its rule is newer.
                .col(integer("facts_rule").default(0))
                .to_owned(),
        )
        .await?;
        db.execute_unprepared("INSERT INTO figures_version (id, n, facts_rule) VALUES (1, 0, 0)")
            .await?;
        m.alter_table(
            Table::alter()
                .table("visits")
                .add_column(string_len_null("content_hash", 64))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("attachment_blobs")
                .col(string_len("sha256", 64).primary_key())
                .col(blob("bytes"))
                .to_owned(),
        )
        .await?;
        // The problem figures scan the problems raised in a campaign; this index holds every
        // column they read, so the scan never touches the wide rows (descriptions, responses).
        m.create_index(
            Index::create()
                .name("ix_problems_figures")
                .table("problems")
                .col("raised_at")
                .col("status")
                .col("deadline")
                .col("concluded_on")
                .col("solved_at")
                .col("satisfaction")
                .col("measure_id")
                .col("updated_at")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_problems_figures")
                .table("problems")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("attachment_blobs").to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table("visits")
                .drop_column("content_hash")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("figures_version").to_owned())
            .await?;
        m.drop_table(Table::drop().table("firm_progress").to_owned())
            .await
    }
}
