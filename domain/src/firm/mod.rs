//! What the firm pages and the API show about firms, as plain data (the browser build holds it
//! too; `db::firms` fills it): the list's filters (`query`), rows, pages and the firm file
//! (`file`), the firm form (`form`), a coordinator's own firms and the roster (`roster`), where
//! a firm is and how far a visit was from it (`site`).

mod file;
mod form;
mod query;
mod roster;
mod site;

pub use file::*;
pub use form::*;
pub use query::*;
pub use roster::*;
pub use site::*;
