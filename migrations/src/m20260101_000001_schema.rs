//! The whole domain model: reference tables, people, firms, assignments, visits, problems,
//! campaigns and the audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(from_table: &str, from_col: &str, to_table: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from_table}_{from_col}"))
        .from(from_table.to_owned(), from_col.to_owned())
        .to(to_table.to_owned(), "id")
        .to_owned()
}

fn index(table: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(format!("ix_{table}_{}", cols.join("_")))
        .table(table.to_owned());
    for c in cols {
        idx.col((*c).to_owned());
    }
    idx.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Reference data. Their ids are fixed by the seed (region and tier order, chapter and
        // measure numbers), so they are plain integer keys, not generated ones.
        m.create_table(
            Table::create()
                .table("regions")
                .col(integer("id").primary_key())
                .col(string("name_zh"))
                .col(string("name_en"))
                .col(string_len("division_code", 6))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("tiers")
                .col(integer("id").primary_key())
                .col(string("name_zh"))
                .col(string("name_en"))
                .col(boolean("in_campaign_scope"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("member_units")
                .col(pk_auto("id"))
                .col(string_uniq("name_zh"))
                .col(string("name_en"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("policy_areas")
                .col(integer("id").primary_key())
                .col(string("name_zh"))
                .col(string("name_en"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("measures")
                .col(integer("id").primary_key())
                .col(integer("policy_area_id"))
                .col(string("name_zh"))
                .col(string("name_en"))
                // The seed names "every member unit" for some measures rather than a list.
                .col(boolean("all_members"))
                .foreign_key(&mut fk("measures", "policy_area_id", "policy_areas"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("measure_units")
                .col(integer("measure_id"))
                .col(integer("member_unit_id"))
                .primary_key(Index::create().col("measure_id").col("member_unit_id"))
                .foreign_key(&mut fk("measure_units", "measure_id", "measures"))
                .foreign_key(&mut fk("measure_units", "member_unit_id", "member_units"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("campaigns")
                .col(pk_auto("id"))
                .col(string("name_zh"))
                .col(string("name_en"))
                .col(integer_null("measure_id"))
                .col(string("led_by"))
                .col(date("starts_on"))
                .col(date("deadline"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("campaigns", "measure_id", "measures"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("campaign_tiers")
                .col(integer("campaign_id"))
                .col(integer("tier_id"))
                .primary_key(Index::create().col("campaign_id").col("tier_id"))
                .foreign_key(&mut fk("campaign_tiers", "campaign_id", "campaigns"))
                .foreign_key(&mut fk("campaign_tiers", "tier_id", "tiers"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("users")
                .col(pk_auto("id"))
                .col(string("name"))
                .col(string_uniq("phone"))
                .col(string_null("username").unique_key())
                // office | leader | unit | coordinator
                .col(string_len("role", 16))
                .col(integer_null("member_unit_id"))
                .col(string_null("password_hash"))
                .col(boolean("active").default(true))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("users", "member_unit_id", "member_units"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("firms")
                .col(pk_auto("id"))
                .col(string_len_uniq("credit_code", 18))
                .col(string("name"))
                .col(integer("region_id"))
                .col(string("county"))
                .col(string("industry"))
                .col(integer("tier_id"))
                // Derived from the tier when the firm is created; the office may override it,
                // and then must say why.
                .col(boolean("in_scope"))
                .col(text_null("scope_reason"))
                .col(string("contact_name"))
                .col(string("contact_phone"))
                .col(string("address"))
                .col(timestamp_with_time_zone_null("archived_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("firms", "region_id", "regions"))
                .foreign_key(&mut fk("firms", "tier_id", "tiers"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("firms", &["region_id"])).await?;
        m.create_index(index("firms", &["tier_id"])).await?;
        m.create_index(index("firms", &["name"])).await?;

        m.create_table(
            Table::create()
                .table("assignments")
                .col(pk_auto("id"))
                .col(integer("firm_id"))
                .col(integer("coordinator_id"))
                .col(timestamp_with_time_zone("started_at"))
                .col(timestamp_with_time_zone_null("ended_at"))
                .col(text("reason"))
                .col(integer_null("assigned_by"))
                .col(integer_null("ended_by"))
                .col(text_null("end_reason"))
                .foreign_key(&mut fk("assignments", "firm_id", "firms"))
                .foreign_key(&mut fk("assignments", "coordinator_id", "users"))
                .foreign_key(&mut fk("assignments", "assigned_by", "users"))
                .foreign_key(&mut fk("assignments", "ended_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("assignments", &["coordinator_id"]))
            .await?;
        // One firm, one coordinator (一企一员): at most one open assignment per firm. A partial
        // unique index says so in both SQLite and PostgreSQL, and keeps the history rows.
        m.get_connection()
            .execute_unprepared("CREATE UNIQUE INDEX ux_assignments_active_firm ON assignments (firm_id) WHERE ended_at IS NULL")
            .await?;

        m.create_table(
            Table::create()
                .table("visits")
                .col(pk_auto("id"))
                .col(integer("firm_id"))
                .col(integer("coordinator_id"))
                .col(date("visit_date"))
                // on_site | phone | video
                .col(string_len("kind", 16))
                .col(text("participants"))
                .col(text("summary"))
                // Sent by the form so that a double tap or a resend makes one visit.
                .col(string_len_null("idempotency_key", 64).unique_key())
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("visits", "firm_id", "firms"))
                .foreign_key(&mut fk("visits", "coordinator_id", "users"))
                .foreign_key(&mut fk("visits", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("visits", &["firm_id", "visit_date"]))
            .await?;
        m.create_index(index("visits", &["coordinator_id"])).await?;
        m.create_index(index("visits", &["visit_date"])).await?;

        m.create_table(
            Table::create()
                .table("problems")
                .col(pk_auto("id"))
                .col(integer("firm_id"))
                .col(integer_null("visit_id"))
                .col(integer("measure_id"))
                .col(text("description"))
                // routed | claimed | responded | closed | solved | unsolvable | withdrawn
                .col(string_len("status", 16))
                .col(date("deadline"))
                .col(integer_null("raised_by"))
                .col(timestamp_with_time_zone("raised_at"))
                .col(timestamp_with_time_zone_null("claimed_at"))
                .col(timestamp_with_time_zone_null("responded_at"))
                .col(timestamp_with_time_zone_null("closed_at"))
                .col(timestamp_with_time_zone_null("solved_at"))
                .col(text_null("unit_response"))
                .col(text_null("status_reason"))
                // link | call: how the firm's confirmation was obtained.
                .col(string_len_null("confirmed_via", 8))
                .col(string_len_null("satisfaction", 24))
                .col(text_null("firm_comment"))
                // Optimistic locking: an update names the version it read.
                .col(integer("version").default(1))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("problems", "firm_id", "firms"))
                .foreign_key(&mut fk("problems", "visit_id", "visits"))
                .foreign_key(&mut fk("problems", "measure_id", "measures"))
                .foreign_key(&mut fk("problems", "raised_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("problems", &["firm_id"])).await?;
        m.create_index(index("problems", &["status", "deadline"]))
            .await?;
        m.create_index(index("problems", &["solved_at"])).await?;
        m.create_index(index("problems", &["measure_id"])).await?;

        m.create_table(
            Table::create()
                .table("problem_units")
                .col(integer("problem_id"))
                .col(integer("member_unit_id"))
                .primary_key(Index::create().col("problem_id").col("member_unit_id"))
                .foreign_key(&mut fk("problem_units", "problem_id", "problems"))
                .foreign_key(&mut fk("problem_units", "member_unit_id", "member_units"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("problem_units", &["member_unit_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("problem_events")
                .col(pk_auto("id"))
                .col(integer("problem_id"))
                .col(string_len_null("from_status", 16))
                .col(string_len("to_status", 16))
                .col(integer_null("actor_id"))
                .col(text("note"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut fk("problem_events", "problem_id", "problems"))
                .foreign_key(&mut fk("problem_events", "actor_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("problem_events", &["problem_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(integer_null("actor_id"))
                .col(string("actor_label"))
                .col(string_len("action", 32))
                .col(string_len("entity", 32))
                .col(integer_null("entity_id"))
                // Lets a firm file show its own history without parsing JSON.
                .col(integer_null("firm_id"))
                .col(text_null("before_json"))
                .col(text_null("after_json"))
                .col(string_null("client_addr"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("audit_log", &["entity", "entity_id"]))
            .await?;
        m.create_index(index("audit_log", &["firm_id"])).await?;
        m.create_index(index("audit_log", &["at"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "audit_log",
            "problem_events",
            "problem_units",
            "problems",
            "visits",
            "assignments",
            "firms",
            "users",
            "campaign_tiers",
            "campaigns",
            "measure_units",
            "measures",
            "policy_areas",
            "member_units",
            "tiers",
            "regions",
        ] {
            m.drop_table(Table::drop().table(table.to_owned()).to_owned())
                .await?;
        }
        Ok(())
    }
}
