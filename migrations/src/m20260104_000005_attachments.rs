//! Photos and scanned visit sheets attached to visits; the files live on disk, this table
//! records what they are and who brought them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("attachments")
                .col(pk_auto("id"))
                .col(integer("visit_id"))
                .col(string("file_name"))
                .col(string_len("content_type", 64))
                .col(big_integer("size_bytes"))
                // Relative to the data directory; named by content hash, never by the user's name.
                .col(string("stored_path"))
                .col(string_len("sha256", 64))
                .col(integer_null("uploaded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_attachments_visit_id")
                        .from("attachments", "visit_id")
                        .to("visits", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_attachments_visit_id")
                .table("attachments")
                .col("visit_id")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("attachments").to_owned())
            .await
    }
}
