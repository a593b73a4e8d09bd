//! The second factor (等保 level 3, 身份鉴别: two factors for administrators).
//! - `user_totp`: a user's TOTP secret (RFC 6238), sealed with the data key. `pending_secret`
//!   and `pending_codes` hold an enrolment not yet confirmed by a code (also sealed), so the
//!   page that shows the QR code and the recovery codes works without JavaScript; `last_step`
//!   is the time step of the last code accepted, so no code is accepted twice.
//! - `recovery_codes`: the SHA-256 of each one-time recovery code, and when it was used.
//! - `security_policy.second_factor_for_all`: the setting that makes the second factor required
//!   of every account, not only of the administrators and the office.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("user_totp")
                .col(integer("user_id").primary_key())
                .col(text_null("secret"))
                .col(text_null("pending_secret"))
                .col(text_null("pending_codes"))
                .col(big_integer("last_step").default(0))
                .col(timestamp_with_time_zone_null("enabled_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_user_totp_user_id")
                        .from("user_totp", "user_id")
                        .to("users", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("recovery_codes")
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string_len("code_hash", 64))
                .col(timestamp_with_time_zone_null("used_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_recovery_codes_user_id")
                        .from("recovery_codes", "user_id")
                        .to("users", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_recovery_codes_user")
                .table("recovery_codes")
                .col("user_id")
                .col("code_hash")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("security_policy")
                .add_column(boolean("second_factor_for_all").default(false))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
