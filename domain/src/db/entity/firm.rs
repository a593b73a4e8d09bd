use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "firms")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub credit_code: String,
    pub name: String,
    pub region_id: i32,
    pub county: String,
    pub industry: String,
    pub tier_id: i32,
    pub in_scope: bool,
    pub scope_reason: Option<String>,
    pub contact_name: String,
    /// Sealed at rest; matched by `contact_phone_hash`, never by its text.
    pub contact_phone: crate::db::crypto::Sealed,
    #[serde(skip)]
    pub contact_phone_hash: Option<String>,
    pub address: String,
    /// The firm's site, WGS-84 microdegrees (`crate::firm::Site`); both or neither.
    pub latitude_e6: Option<i32>,
    pub longitude_e6: Option<i32>,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    pub fn site(&self) -> Option<crate::firm::Site> {
        Some(crate::firm::Site {
            latitude_e6: self.latitude_e6?,
            longitude_e6: self.longitude_e6?,
        })
    }
}
