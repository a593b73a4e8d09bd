//! sea-orm entities, one per table the services write through the ORM. Reads that aggregate
//! (progress, lists) use SQL in the service modules instead.

pub mod api_token;
pub mod assignment;
pub mod attachment;
pub mod audit_log;
pub mod confirmation_link;
pub mod firm;
pub mod login_failure;
pub mod problem;
pub mod problem_event;
pub mod problem_unit;
pub mod session;
pub mod user;
pub mod visit;
