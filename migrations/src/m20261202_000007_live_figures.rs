//! Live figures and writes that hold under load:
//!
//! - `firm_progress`: one row per campaign and firm with the facts the targets are counted from
//!   (scope, archived, region, tier, current coordinator, the first counted on-site visit day and
//!   the first counted confirmation day). Every write that changes a fact rewrites the firm's
//!   rows in its own transaction (`domain::db::progress`), so the dashboard, the lists and the
//!   reports aggregate this narrow table instead of visits and problems. The rows are filled by
//!   the server at start-up (the rule lives in the domain crate, not here).
//! - `problem_progress`: per campaign and problem, the day from which it counts toward each
//!   problem figure, and `tallies`, the figures kept as counts by day; both maintained in the
//!   transaction of every write, so the dashboard reads a few thousand rows.
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
        // The red and yellow lists: the first counted firms (by region) not visited, or with
        // nothing solved, straight from an index. Partial indexes, because an `IS NULL` column
        // ahead of the sort columns does not let PostgreSQL read them in order.
        for (name, column) in [
            ("ix_firm_progress_unvisited", "first_visit"),
            ("ix_firm_progress_unsolved", "first_solved"),
        ] {
            db.execute_unprepared(&format!(
                "CREATE INDEX {name} ON firm_progress (campaign_id, region_id, firm_id)
                 WHERE counted AND {column} IS NULL"
            ))
            .await?;
        }
        // Per campaign and problem, the day from which the problem counts toward each problem
        // figure (`domain::kpi::problems::ProblemDays`); no row for a withdrawn problem.
        db.execute_unprepared(&format!(
            "CREATE TABLE problem_progress (
                campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
                problem_id INTEGER NOT NULL REFERENCES problems (id),
                measure_id INTEGER NOT NULL,
                deadline DATE NOT NULL,
                raised DATE NOT NULL,
                concluded DATE NULL,
                on_time DATE NULL,
                solved DATE NULL,
                due DATE NOT NULL,
                due_concluded DATE NULL,
                answered DATE NULL,
                satisfied DATE NULL,
                days_to_conclude INTEGER NULL,
                PRIMARY KEY (campaign_id, problem_id)
            ){tail}"
        ))
        .await?;
        // The overdue list: problems never concluded, in deadline order (partial, as above),
        // and those concluded later than a day, by that day.
        db.execute_unprepared(
            "CREATE INDEX ix_problem_progress_never_concluded
             ON problem_progress (campaign_id, deadline, problem_id) WHERE due_concluded IS NULL",
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_problem_progress_open")
                .table("problem_progress")
                .col("campaign_id")
                .col("due_concluded")
                .col("due")
                .col("deadline")
                .col("problem_id")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_problem_progress_problem_id")
                .table("problem_progress")
                .col("problem_id")
                .to_owned(),
        )
        .await?;
        // The figures themselves, kept as counts by day: how many firms or problems started to
        // count toward each figure on each day, per campaign and breakdown (`domain::db::tally`).
        // A figure as of a day is the sum of its rows up to that day: a few thousand rows, not
        // the whole register.
        db.execute_unprepared(&format!(
            "CREATE TABLE tallies (
                campaign_id INTEGER NOT NULL,
                kind INTEGER NOT NULL,
                key1 INTEGER NOT NULL,
                key2 INTEGER NOT NULL,
                day DATE NOT NULL,
                n1 BIGINT NOT NULL, n2 BIGINT NOT NULL, n3 BIGINT NOT NULL, n4 BIGINT NOT NULL,
                n5 BIGINT NOT NULL, n6 BIGINT NOT NULL, n7 BIGINT NOT NULL, n8 BIGINT NOT NULL,
                PRIMARY KEY (campaign_id, kind, key1, key2, day)
            ){tail}"
        ))
        .await?;
        // A month's daily rows of a kind also kept by month (`tally::sums`).
        m.create_index(
            Index::create()
                .name("ix_tallies_day")
                .table("tallies")
                .col("campaign_id")
                .col("kind")
                .col("day")
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
        // On PostgreSQL the version is a sequence, moved right after each commit: a row that
        // every writer updates is held until its commit is on disk, which queued all writers
        // behind one another (`domain::db::write`).
        if db.get_database_backend() == sea_orm::DbBackend::Postgres {
            db.execute_unprepared("CREATE SEQUENCE figures_version_seq")
                .await?;
        }
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
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("attachment_blobs").to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table("visits")
                .drop_column("content_hash")
                .to_owned(),
        )
        .await?;
        if m.get_connection().get_database_backend() == sea_orm::DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared("DROP SEQUENCE IF EXISTS figures_version_seq")
                .await?;
        }
        m.drop_table(Table::drop().table("figures_version").to_owned())
            .await?;
        m.drop_table(Table::drop().table("tallies").to_owned())
            .await?;
        m.drop_table(Table::drop().table("problem_progress").to_owned())
            .await?;
        m.drop_table(Table::drop().table("firm_progress").to_owned())
            .await
    }
}
