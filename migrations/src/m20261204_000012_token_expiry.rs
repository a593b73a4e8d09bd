//! API tokens expire (等保 identity controls): `expires_at`, set when a token is made. Tokens
//! made before it have none stored and expire 90 days after they were made (the code reads a
//! missing expiry so), which needs no date arithmetic that differs between the databases.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("api_tokens")
                .add_column(timestamp_with_time_zone_null("expires_at"))
                .to_owned(),
        )
        .await
    }
}
