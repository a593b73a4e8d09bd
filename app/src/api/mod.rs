//! Server functions: the pages' only way to the data, one file per area. Each is an adapter of a
//! few lines: it gets the [`Caller`](domain::auth::Caller) from [`ssr::caller`], hands the raw
//! input to one domain use case (the same one the JSON API in `server` calls), and maps the
//! error. Their argument names are the forms' field names, so a plain HTML form post (before
//! the WASM has loaded) reaches the same function as the hydrated page.
//!
//! A new page's data goes in the file of its area; a new rule goes into `domain`, never here.

// Server functions take their form's fields as a flat argument list (a struct would rename the
// fields), and the macro's generated functions do not carry item-level allows.
#![allow(clippy::too_many_arguments)]

mod accounts;
mod assignments;
mod calendar;
mod campaigns;
mod dashboard;
mod firms;
mod imports;
mod notifications;
mod problems;
mod security;
#[cfg(feature = "ssr")]
pub mod ssr;
mod visits;

pub use accounts::*;
pub use assignments::*;
pub use calendar::*;
pub use campaigns::*;
pub use dashboard::*;
pub use firms::*;
pub use imports::*;
pub use notifications::*;
pub use problems::*;
pub use security::*;
pub use visits::*;
