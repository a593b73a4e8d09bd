//! A firm's site (企业位置, issue 12): WGS-84 latitude and longitude in whole microdegrees, as
//! visits' positions are kept, so the firm file can say how far a visit was from the firm.
//! Empty until the office types it or sets it from a precise position recorded on a visit.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for column in ["latitude_e6", "longitude_e6"] {
            m.alter_table(
                Table::alter()
                    .table("firms")
                    .add_column(integer_null(column))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
