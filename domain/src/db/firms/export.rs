//! The firm list as a spreadsheet: every page of the filtered list, with the import's own
//! columns first so an exported file imports back unchanged.

use super::{filters, order_by, target_columns, window};
use crate::auth::CurrentUser;
use crate::campaign::Campaign;
use crate::db::query_all;
use crate::error::Error;
use crate::firm::*;
use crate::i18n::K;
use crate::reference::{Region, Tier};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

#[derive(FromQueryResult)]
struct ExportRow {
    name: String,
    credit_code: String,
    region_id: i32,
    county: String,
    industry: String,
    tier_id: i32,
    contact_name: String,
    contact_phone: crate::db::crypto::Sealed,
    address: String,
    in_scope: i32,
    coordinator: Option<String>,
    visited: i32,
    solved: i32,
}

/// The export's columns: the import's own (so an exported file imports back unchanged), then
/// what the office reads but does not import.
pub fn export_headers() -> Vec<&'static str> {
    use crate::import::{Columns, FirmColumn};
    let mut headers: Vec<&'static str> = FirmColumn::ALL.iter().map(|c| c.header()).collect();
    let zh = crate::i18n::Locale::Zh;
    headers.extend(
        [
            K::ColCoordinator,
            K::ColInScope,
            K::ColVisited,
            K::ColSolved,
        ]
        .map(|k| k.t(zh)),
    );
    headers
}

pub const EXPORT_WIDTHS: [f64; 13] = [
    22.0, 36.0, 16.0, 12.0, 14.0, 26.0, 10.0, 16.0, 36.0, 12.0, 12.0, 10.0, 10.0,
];

/// Every firm `user` may see that matches the list's filters (all pages), as export rows in
/// [`export_headers`] order.
pub async fn export_rows(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    q: &FirmQuery,
    user: &CurrentUser,
) -> Result<Vec<Vec<String>>, Error> {
    user.require_business()?;
    let only_of = (!user.sees_all_firms()).then_some(user.id);
    // A list of many firms: full numbers for the office and a coordinator's own firms only
    // (a unit calls a firm from its file, where the numbers of its problems' firms show).
    let full_phones = matches!(
        user.role,
        crate::auth::Role::Office | crate::auth::Role::Coordinator
    );
    let window = window(campaign, q);
    let mut values: Vec<Value> = Vec::new();
    let t = window.sql(&mut values);
    let columns = target_columns(&t);
    let where_sql = filters(q, &t, only_of, &mut values);
    let rows = query_all::<ExportRow>(
        db,
        &format!(
            "SELECT f.name, f.credit_code, f.region_id, f.county, f.industry, f.tier_id,
                    f.contact_name, f.contact_phone, f.address,
                    u.name AS coordinator, {columns}
             FROM firms f{join}
             LEFT JOIN assignments a ON a.firm_id = f.id AND a.ended_at IS NULL
             LEFT JOIN users u ON u.id = a.coordinator_id
             {where_sql}
             ORDER BY {order}",
            order = order_by(q.sort),
            join = t.join,
        ),
        values,
    )
    .await?;
    let zh = crate::i18n::Locale::Zh;
    let yes_no = |b: bool| if b { K::Yes } else { K::No }.t(zh).to_owned();
    Ok(rows
        .into_iter()
        .map(|r| {
            vec![
                r.credit_code,
                r.name,
                Region::from_id(r.region_id)
                    .map(Region::name_zh)
                    .unwrap_or_default()
                    .to_owned(),
                r.county,
                r.industry,
                Tier::from_id(r.tier_id)
                    .map(Tier::name_zh)
                    .unwrap_or_default()
                    .to_owned(),
                r.contact_name,
                if full_phones {
                    r.contact_phone.into_inner()
                } else {
                    crate::auth::mask_phone(&r.contact_phone)
                },
                r.address,
                r.coordinator.unwrap_or_default(),
                yes_no(r.in_scope != 0),
                yes_no(r.visited != 0),
                yes_no(r.solved != 0),
            ]
        })
        .collect())
}
