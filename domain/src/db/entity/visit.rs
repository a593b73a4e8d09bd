use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "visits")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub firm_id: i32,
    pub coordinator_id: i32,
    pub visit_date: Date,
    pub kind: String,
    pub participants: String,
    pub summary: String,
    pub idempotency_key: Option<String>,
    /// What was sent with the key (`db::visits::content_hash`).
    pub content_hash: Option<String>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// By the phone's clock, for a visit sent from its outbox; `created_at` is when it arrived.
    pub captured_at: Option<DateTimeUtc>,
    pub latitude_e6: Option<i32>,
    pub longitude_e6: Option<i32>,
    pub accuracy_m: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
