//! Visits sent from a phone's outbox (issue 12): `captured_at` is when the coordinator pressed
//! submit, by the phone's clock, kept beside `created_at` (when the server received it), since
//! a visit may wait hours for a network. The phone's position, when the coordinator allowed it,
//! in whole microdegrees and metres: integers compare exactly and read the same on both
//! databases. All four stay empty for visits logged on a page with the network up.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        m.alter_table(
            Table::alter()
                .table("visits")
                .add_column(timestamp_with_time_zone_null("captured_at"))
                .to_owned(),
        )
        .await?;
        for column in ["latitude_e6", "longitude_e6", "accuracy_m"] {
            m.alter_table(
                Table::alter()
                    .table("visits")
                    .add_column(integer_null(column))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
