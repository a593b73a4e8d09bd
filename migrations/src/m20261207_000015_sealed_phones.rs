//! Phone numbers sealed at rest (等保 level 3, 数据保密性 and 个人信息保护).
//! `users.phone` and `firms.contact_phone` now hold AES-GCM ciphertext written by the
//! application (a fresh nonce each time, so equal numbers differ); these columns hold the keyed
//! hash of each number's digits, by which a login name, a roster row or a search matches
//! exactly. The server seals the rows written before this migration at its next start, and
//! fills in their hashes, in one pass (`domain::db::sealing`).
//!
//! The unique constraint moves to `users.phone_hash`: the one on `users.phone` stays (SQLite
//! cannot drop a column constraint without rebuilding the table) and holds trivially, since no
//! two ciphertexts are equal.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(string_len_null("phone_hash", 64))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_users_phone_hash")
                .table("users")
                .col("phone_hash")
                .unique()
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("firms")
                .add_column(string_len_null("contact_phone_hash", 64))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_firms_contact_phone_hash")
                .table("firms")
                .col("contact_phone_hash")
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
