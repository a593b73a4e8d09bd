//! 等保 level-3 identity and audit controls.
//! - `security_policy`: one row, the security administrator's settings (lock-out, password
//!   age, concurrent sessions, audit retention), seeded with the defaults.
//! - `users.password_changed_at`, `users.must_change_password`: the password's age and the
//!   forced change after an administrator set it. Existing passwords count from now.
//! - `password_history`: the hashes of a user's earlier passwords (the last few are refused).
//! - `login_locks`: an account (or an unknown login name, answered alike) locked after too many
//!   failures, until a time or until a security administrator unlocks it.
//! - `user_sessions`: each logged-in session as the server knows it (only the hash of the key
//!   the session cookie's data holds), so a user lists and ends sessions, a password change ends
//!   the others, and the absolute lifetime is checked from the row; `reauth_at` is when the
//!   session last proved who it is (its login, or a re-authentication before a sensitive action).
//! - `audit_log.hash`: each entry's SHA-256 chained to the previous one (tamper evidence).

use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("security_policy")
                .col(integer("id").primary_key())
                .col(integer("lock_failures"))
                .col(integer("lock_minutes"))
                .col(integer("password_max_age_days"))
                .col(integer("max_sessions"))
                .col(integer("audit_retention_days"))
                .col(integer_null("updated_by"))
                .col(timestamp_with_time_zone_null("updated_at"))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO security_policy (id, lock_failures, lock_minutes, password_max_age_days, max_sessions, audit_retention_days)
                 VALUES (1, 5, 15, 90, 3, 180)",
            )
            .await?;
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(timestamp_with_time_zone_null("password_changed_at"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(boolean("must_change_password").default(false))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared("UPDATE users SET password_changed_at = CURRENT_TIMESTAMP")
            .await?;
        m.create_table(
            Table::create()
                .table("password_history")
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string_len("password_hash", 200))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_password_history_user_id")
                        .from("password_history", "user_id")
                        .to("users", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_password_history_user")
                .table("password_history")
                .col("user_id")
                .col("id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("login_locks")
                .col(string_len("login_key", 80).primary_key())
                .col(integer_null("user_id"))
                .col(timestamp_with_time_zone("locked_at"))
                .col(timestamp_with_time_zone("locked_until"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("user_sessions")
                .col(pk_auto("id"))
                .col(string_len("key_hash", 64).unique_key())
                .col(integer("user_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("last_seen_at"))
                .col(timestamp_with_time_zone("reauth_at"))
                .col(string_len_null("client_addr", 64))
                .col(string_len_null("user_agent", 200))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_user_sessions_user_id")
                        .from("user_sessions", "user_id")
                        .to("users", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_user_sessions_user")
                .table("user_sessions")
                .col("user_id")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("audit_log")
                .add_column(string_len_null("hash", 64))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
