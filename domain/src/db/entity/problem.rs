use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "problems")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub firm_id: i32,
    pub visit_id: Option<i32>,
    pub measure_id: i32,
    pub description: String,
    pub status: String,
    pub deadline: Date,
    /// The working days it was given; the deadline is counted again from them when the
    /// calendar changes (None for problems raised before the calendar kept them).
    pub time_limit_days: Option<i32>,
    /// The working hours it was given to be claimed (签收), and the working days for the
    /// firm's callback (回访) after it is closed: the office's rules when it was raised.
    pub claim_limit_hours: i32,
    pub callback_limit_days: i32,
    pub raised_by: Option<i32>,
    pub raised_at: DateTimeUtc,
    pub claimed_at: Option<DateTimeUtc>,
    pub responded_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub solved_at: Option<DateTimeUtc>,
    /// Last concluded (办结): closed by the unit or found unsolvable; cleared on reopening.
    pub concluded_on: Option<Date>,
    pub unit_response: Option<String>,
    pub status_reason: Option<String>,
    pub confirmed_via: Option<String>,
    pub satisfaction: Option<String>,
    pub firm_comment: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
