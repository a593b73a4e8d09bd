//! One lead unit (牵头单位) per problem, the others co-handlers (协办单位), instead of up to six
//! equal owners of which none felt it was theirs. The notice names the lead first for each
//! measure, so `measure_units.is_lead` marks each measure's first department; `problem_units.is_lead`
//! marks the one unit that claims, answers and closes a problem. Problems raised before this
//! get the measure's lead when it is among their units, their only unit when they have one,
//! else the first by id; a partial unique index keeps it at one per problem.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["measure_units", "problem_units"] {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(boolean("is_lead").default(false))
                    .to_owned(),
            )
            .await?;
        }
        let db = m.get_connection();
        let seed = crate::m20260101_000002_reference_data::seed()?;
        for measure in seed.chapters.iter().flat_map(|c| c.measures.iter()) {
            let Some(first) = measure.departments.first() else {
                continue;
            };
            if first == crate::m20260101_000002_reference_data::ALL_MEMBERS {
                continue;
            }
            let stmt = Query::update()
                .table("measure_units")
                .value("is_lead", true)
                .and_where(Expr::col("measure_id").eq(measure.no))
                .and_where(
                    Expr::col("member_unit_id").in_subquery(
                        Query::select()
                            .column("id")
                            .from("member_units")
                            .and_where(Expr::col("name_zh").eq(first.as_str()))
                            .to_owned(),
                    ),
                )
                .to_owned();
            m.exec_stmt(stmt).await?;
        }
        backfill_problem_leads(db).await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_problem_units_lead ON problem_units (problem_id) WHERE is_lead = TRUE",
        )
        .await?;
        Ok(())
    }
}

/// Gives every problem without a lead unit one: the measure's lead when the problem is routed
/// to it, else its only unit, else its first unit by id. Public so a test can run it on
/// problems of both databases (the statements are the portable subset).
pub async fn backfill_problem_leads(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let no_lead_yet = "NOT EXISTS (SELECT 1 FROM problem_units o
                       WHERE o.problem_id = problem_units.problem_id AND o.is_lead = TRUE)";
    for sql in [
        format!(
            "UPDATE problem_units SET is_lead = TRUE WHERE {no_lead_yet} AND EXISTS (
                SELECT 1 FROM problems p JOIN measure_units mu ON mu.measure_id = p.measure_id
                WHERE p.id = problem_units.problem_id AND mu.member_unit_id = problem_units.member_unit_id
                  AND mu.is_lead = TRUE)"
        ),
        format!(
            "UPDATE problem_units SET is_lead = TRUE WHERE {no_lead_yet} AND problem_id IN (
                SELECT problem_id FROM problem_units GROUP BY problem_id HAVING COUNT(*) = 1)"
        ),
        format!(
            "UPDATE problem_units SET is_lead = TRUE WHERE {no_lead_yet}
               AND member_unit_id = (SELECT MIN(o.member_unit_id) FROM problem_units o
                                     WHERE o.problem_id = problem_units.problem_id)"
        ),
    ] {
        db.execute_unprepared(&sql).await?;
    }
    Ok(())
}
