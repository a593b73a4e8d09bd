//! The working-day calendar: the State Council's public holidays and make-up working days
//! (shipped for 2022–2026 in `data/cn-working-calendar.csv`), later years and regional days off
//! entered by the office. Problems keep the working days they were given (`time_limit_days`),
//! so their deadlines can be counted again when the calendar changes.

use sea_orm_migration::sea_orm::sea_query::Query;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SHIPPED: &str = include_str!("../data/cn-working-calendar.csv");

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("calendar_days")
                .col(pk_auto("id"))
                .col(date("day"))
                .col(integer_null("region_id"))
                .col(boolean("working"))
                .col(string_len("name", 40))
                .col(string_len("source", 20))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_calendar_days_region_id")
                        .from("calendar_days", "region_id")
                        .to("regions", "id"),
                )
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        // A day is set once for the province and once per region; NULL would not collide in a
        // plain unique index, hence two partial ones.
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_calendar_days_province ON calendar_days (day) WHERE region_id IS NULL",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_calendar_days_region ON calendar_days (region_id, day) WHERE region_id IS NOT NULL",
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("problems")
                .add_column(integer_null("time_limit_days"))
                .to_owned(),
        )
        .await?;
        let now = chrono::Utc::now();
        let mut insert = Query::insert()
            .into_table("calendar_days")
            .columns(["day", "working", "name", "source", "created_at"])
            .to_owned();
        let mut any = false;
        for line in SHIPPED.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') || line.starts_with("date,") {
                continue;
            }
            let mut parts = line.splitn(3, ',');
            let (Some(day), Some(kind), Some(name)) = (parts.next(), parts.next(), parts.next())
            else {
                return Err(DbErr::Custom(format!("bad calendar line: {line}")));
            };
            let day = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .map_err(|e| DbErr::Custom(format!("bad calendar day {day}: {e}")))?;
            insert
                .values([
                    day.into(),
                    (kind == "work").into(),
                    name.into(),
                    "state_council".into(),
                    now.into(),
                ])
                .map_err(|e| DbErr::Custom(e.to_string()))?;
            any = true;
        }
        if any {
            db.execute(&insert).await?;
        }
        Ok(())
    }
}
