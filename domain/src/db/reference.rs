//! Reads of the reference data the first migrations seeded: measures and member units.

use super::{query_all, query_one};
use crate::error::Error;
use crate::reference::MeasureGroup;
use sea_orm::{ConnectionTrait, FromQueryResult};

#[derive(FromQueryResult)]
struct MeasureRow {
    id: i32,
    name_zh: String,
    name_en: String,
    area_zh: String,
    area_en: String,
}

/// The 26 measures grouped by their 10 policy areas, in the notice's order.
pub async fn measure_groups(db: &impl ConnectionTrait) -> Result<Vec<MeasureGroup>, Error> {
    let rows = query_all::<MeasureRow>(
        db,
        "SELECT m.id, m.name_zh, m.name_en, a.name_zh AS area_zh, a.name_en AS area_en
         FROM measures m JOIN policy_areas a ON a.id = m.policy_area_id ORDER BY m.id",
        vec![],
    )
    .await?;
    let mut groups: Vec<MeasureGroup> = Vec::new();
    for r in rows {
        match groups.last_mut() {
            Some(g) if g.area_zh == r.area_zh => g.measures.push((r.id, r.name_zh, r.name_en)),
            _ => groups.push(MeasureGroup {
                area_zh: r.area_zh,
                area_en: r.area_en,
                measures: vec![(r.id, r.name_zh, r.name_en)],
            }),
        }
    }
    Ok(groups)
}

#[derive(FromQueryResult)]
struct UnitName {
    name_zh: String,
}

pub async fn unit_name(
    db: &impl ConnectionTrait,
    unit: Option<i32>,
) -> Result<Option<String>, Error> {
    let Some(unit) = unit else { return Ok(None) };
    Ok(query_one::<UnitName>(
        db,
        "SELECT name_zh FROM member_units WHERE id = $1",
        vec![unit.into()],
    )
    .await?
    .map(|r| r.name_zh))
}

#[derive(FromQueryResult)]
struct UnitRow {
    id: i32,
    name_zh: String,
    name_en: String,
}

/// Every member unit: (id, Chinese name, English name), in the notice's order.
pub async fn units(db: &impl ConnectionTrait) -> Result<Vec<(i32, String, String)>, Error> {
    let rows = query_all::<UnitRow>(
        db,
        "SELECT id, name_zh, name_en FROM member_units ORDER BY id",
        vec![],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, r.name_zh, r.name_en))
        .collect())
}
