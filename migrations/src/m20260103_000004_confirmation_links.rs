//! One-time links a firm opens (no account) to confirm whether its problem was solved.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("confirmation_links")
                .col(pk_auto("id"))
                .col(integer("problem_id"))
                // SHA-256 of the token in the link, hex; the link itself is shown once.
                .col(string_len_uniq("token_hash", 64))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_confirmation_links_problem_id")
                        .from("confirmation_links", "problem_id")
                        .to("problems", "id"),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("confirmation_links").to_owned())
            .await
    }
}
