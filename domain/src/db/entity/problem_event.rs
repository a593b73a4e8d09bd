use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "problem_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub problem_id: i32,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor_id: Option<i32>,
    pub note: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
