use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "assignments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub firm_id: i32,
    pub coordinator_id: i32,
    pub started_at: DateTimeUtc,
    pub ended_at: Option<DateTimeUtc>,
    pub reason: String,
    pub assigned_by: Option<i32>,
    pub ended_by: Option<i32>,
    pub end_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
