//! 督办: the office's written order to a member unit about a problem (by hand, or made by the
//! server when a problem is overdue by some working days), and the unit's reply. At most one
//! automatic order per problem, enforced by a partial unique index, so two server instances
//! escalating at once create it once. Reopenings (a firm not satisfied) get a partial index,
//! as the dashboard counts them per unit next to the orders.

use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("supervisions")
                .col(pk_auto("id"))
                .col(integer("problem_id"))
                .col(string_len("kind", 10))
                .col(text("instruction"))
                .col(integer_null("ordered_by"))
                .col(timestamp_with_time_zone("ordered_at"))
                .col(text_null("reply"))
                .col(integer_null("replied_by"))
                .col(timestamp_with_time_zone_null("replied_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_supervisions_problem_id")
                        .from("supervisions", "problem_id")
                        .to("problems", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_supervisions_problem_id")
                .table("supervisions")
                .col("problem_id")
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_supervisions_auto ON supervisions (problem_id) WHERE kind = 'auto'",
            )
            .await?;
        // The dashboard counts reopenings per unit: the few events that are one, by time.
        m.get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_problem_events_reopened ON problem_events (at)
                 WHERE to_status = 'claimed' AND from_status IN ('closed', 'unsolvable')",
            )
            .await?;
        Ok(())
    }
}
