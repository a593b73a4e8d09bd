use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    /// Sealed at rest; matched by `phone_hash`, never by its text.
    pub phone: crate::db::crypto::Sealed,
    #[serde(skip)]
    #[sea_orm(unique)]
    pub phone_hash: Option<String>,
    pub username: Option<String>,
    pub role: String,
    pub member_unit_id: Option<i32>,
    /// Where the outbox mails this user's notifications (none: in the app and webhook only).
    pub email: Option<String>,
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the password was last set (its age is checked against the security policy).
    pub password_changed_at: Option<DateTimeUtc>,
    /// An administrator set the password: the user must change it at the next login.
    pub must_change_password: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
