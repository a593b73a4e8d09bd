//! zhuqi's schema, one module per change. Append-only: a released migration is never edited,
//! a change gets a new module. Only portable SQL (SQLite and PostgreSQL) is used.

pub use sea_orm_migration::prelude::*;

mod m20260101_000001_schema;
mod m20260101_000002_reference_data;
mod m20260102_000003_accounts;
mod m20260103_000004_confirmation_links;
mod m20260104_000005_attachments;
mod m20261125_000006_concluded_at;
mod m20261202_000007_live_figures;
mod m20261203_000008_working_calendar;
mod m20261203_000009_report_notes;
mod m20261203_000010_supervisions;
mod m20261204_000011_rules_and_notifications;
mod m20261204_000012_token_expiry;
mod m20261205_000013_security;
mod m20261206_000014_second_factor;
mod m20261207_000015_sealed_phones;
mod m20261208_000016_visit_capture;
mod m20261208_000017_lead_unit;
mod m20261209_000018_firm_site;

pub use m20261208_000017_lead_unit::backfill_problem_leads;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20260101_000001_schema::Migration),
            Box::new(m20260101_000002_reference_data::Migration),
            Box::new(m20260102_000003_accounts::Migration),
            Box::new(m20260103_000004_confirmation_links::Migration),
            Box::new(m20260104_000005_attachments::Migration),
            Box::new(m20261125_000006_concluded_at::Migration),
            Box::new(m20261202_000007_live_figures::Migration),
            Box::new(m20261203_000008_working_calendar::Migration),
            Box::new(m20261203_000009_report_notes::Migration),
            Box::new(m20261203_000010_supervisions::Migration),
            Box::new(m20261204_000011_rules_and_notifications::Migration),
            Box::new(m20261204_000012_token_expiry::Migration),
            Box::new(m20261205_000013_security::Migration),
            Box::new(m20261206_000014_second_factor::Migration),
            Box::new(m20261207_000015_sealed_phones::Migration),
            Box::new(m20261208_000016_visit_capture::Migration),
            Box::new(m20261208_000017_lead_unit::Migration),
            Box::new(m20261209_000018_firm_site::Migration),
        ]
    }
}
