//! zhuqi's domain: the rules of the 百人助百企 campaign and the data they govern.
//!
//! Value types (credit codes, regions, tiers, visit kinds, problem statuses) and the campaign
//! rules compile without a database, so the browser build validates with the same code as the
//! server. Behind the `db` feature live the sea-orm entities and the services that pages, the
//! JSON API and the CLI all call.

pub mod audit;
pub mod auth;
pub mod bulletin;
pub mod calendar;
pub mod campaign;
pub mod clock;
pub mod credit_code;
pub mod dashboard;
pub mod difficulty;
pub mod error;
pub mod firm;
pub mod i18n;
pub mod import;
pub mod kpi;
pub mod notice;
pub mod problem;
pub mod reference;
pub mod rules;
pub mod security;
pub mod url;
pub mod visit;

pub use campaign::Campaign;
pub use credit_code::CreditCode;
pub use error::{Error, FieldError};
pub use i18n::{K, Locale};
pub use reference::{Region, Tier};

#[cfg(feature = "db")]
pub mod db;
