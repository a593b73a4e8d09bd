//! The words of a half-year report (主要做法, 存在问题, 下一步打算): written by the unit (or the
//! office, for the province), kept per period and unit, printed and exported with the figures.
//! `unit_key` is the unit's id, 0 for the province, so one unique index holds both.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("report_notes")
                .col(pk_auto("id"))
                .col(string_len("period", 6))
                .col(integer("unit_key"))
                .col(text("practices"))
                .col(text("issues"))
                .col(text("next_steps"))
                .col(integer_null("updated_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_report_notes_period_unit")
                .table("report_notes")
                .col("period")
                .col("unit_key")
                .unique()
                .to_owned(),
        )
        .await
    }
}
