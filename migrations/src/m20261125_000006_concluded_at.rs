//! The Beijing date a problem was last concluded (办结: closed by its unit, or found unsolvable),
//! so the dashboard's and the reports' concluded, on-time and overdue figures compare dates with
//! dates, for any "as of" day, on both databases. Filled from the problem events for problems
//! already concluded.

use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("problems")
                .add_column(date_null("concluded_on"))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        let backend = db.get_database_backend();
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT p.id AS id, MAX(e.at) AS at FROM problems p
                 JOIN problem_events e ON e.problem_id = p.id AND e.to_status IN ('closed', 'unsolvable')
                 WHERE p.status IN ('closed', 'solved', 'unsolvable') GROUP BY p.id",
            ))
            .await?;
        let beijing = chrono::FixedOffset::east_opt(8 * 3600)
            .ok_or_else(|| DbErr::Custom("bad offset".into()))?;
        for row in rows {
            let id: i32 = row.try_get("", "id")?;
            let at: chrono::DateTime<chrono::Utc> = row.try_get("", "at")?;
            let day = at.with_timezone(&beijing).date_naive();
            let update = Query::update()
                .table("problems")
                .value("concluded_on", day)
                .and_where(Expr::col("id").eq(id))
                .to_owned();
            db.execute(&update).await?;
        }
        m.create_index(
            Index::create()
                .name("ix_problems_concluded_on")
                .table("problems")
                .col("concluded_on")
                .to_owned(),
        )
        .await?;
        // The firm list's default order (region, then registration) straight from an index,
        // which a national register needs for its later pages.
        m.create_index(
            Index::create()
                .name("ix_firms_region_id_id")
                .table("firms")
                .col("region_id")
                .col("id")
                .to_owned(),
        )
        .await?;
        // "Has this firm a solved problem?" is asked per firm by every list page.
        m.create_index(
            Index::create()
                .name("ix_problems_firm_id_status")
                .table("problems")
                .col("firm_id")
                .col("status")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_problems_raised_at")
                .table("problems")
                .col("raised_at")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_firms_region_id_id")
                .table("firms")
                .to_owned(),
        )
        .await?;
        for name in [
            "ix_problems_raised_at",
            "ix_problems_firm_id_status",
            "ix_problems_concluded_on",
        ] {
            m.drop_index(Index::drop().name(name).table("problems").to_owned())
                .await?;
        }
        m.alter_table(
            Table::alter()
                .table("problems")
                .drop_column("concluded_on")
                .to_owned(),
        )
        .await
    }
}
