use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "problem_units")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub problem_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_unit_id: i32,
    /// The lead unit (牵头单位): the one that claims, answers and closes; the others co-handle.
    pub is_lead: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
