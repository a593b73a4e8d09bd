//! The campaign's working rules and its notifications.
//! - `working_rules`: one row, the office's clocks (签收 hours, 办结 and 回访 working days) and
//!   its reminder and escalation days; seeded with the defaults.
//! - `problems.claim_limit_hours`, `problems.callback_limit_days`: the clocks a problem was
//!   given when raised, so a later change of the rules does not make an old claim late.
//! - `users.email`: where the outbox mails a user's notifications (optional).
//! - `notifications`: the in-app notification centre and the transactional outbox in one: a
//!   row is written in the transaction of the action it tells about. `dedupe_key` makes a
//!   reminder the sweep produces once, however many server instances run the sweep.
//! - `deliveries`: one row per notification and channel (e-mail, webhook), claimed by exactly
//!   one server instance through its unique key, retried with backoff.

use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("working_rules")
                .col(integer("id").primary_key())
                .col(integer("claim_hours"))
                .col(integer("conclude_days"))
                .col(integer("callback_days"))
                .col(integer("remind_before_days"))
                .col(integer("escalate_after_days"))
                .col(integer_null("updated_by"))
                .col(timestamp_with_time_zone_null("updated_at"))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO working_rules (id, claim_hours, conclude_days, callback_days, remind_before_days, escalate_after_days)
                 VALUES (1, 8, 15, 5, 3, 3)",
            )
            .await?;
        m.alter_table(
            Table::alter()
                .table("problems")
                .add_column(integer("claim_limit_hours").default(8))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("problems")
                .add_column(integer("callback_limit_days").default(5))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(string_len_null("email", 254))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("notifications")
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string_len("kind", 24))
                .col(integer_null("problem_id"))
                .col(integer_null("firm_id"))
                .col(text("detail"))
                .col(text("link"))
                .col(string_len_null("dedupe_key", 160).unique_key())
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("read_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_notifications_user_id")
                        .from("notifications", "user_id")
                        .to("users", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_notifications_user")
                .table("notifications")
                .col("user_id")
                .col("id")
                .to_owned(),
        )
        .await?;
        // The header's unread count on every page: only the unread rows are indexed.
        m.get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_notifications_unread ON notifications (user_id) WHERE read_at IS NULL",
            )
            .await?;
        // The sweep asks whether a problem already had a reminder of a kind.
        m.create_index(
            Index::create()
                .name("ix_notifications_problem_kind")
                .table("notifications")
                .col("problem_id")
                .col("kind")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_notifications_created_at")
                .table("notifications")
                .col("created_at")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("deliveries")
                .col(pk_auto("id"))
                .col(integer("notification_id"))
                .col(string_len("channel", 10))
                .col(string_len("status", 10))
                .col(integer("attempts"))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(string_len_null("locked_by", 64))
                .col(timestamp_with_time_zone_null("locked_until"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_deliveries_notification_id")
                        .from("deliveries", "notification_id")
                        .to("notifications", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_deliveries_notification_channel")
                .table("deliveries")
                .col("notification_id")
                .col("channel")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_deliveries_due")
                .table("deliveries")
                .col("status")
                .col("next_attempt_at")
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
