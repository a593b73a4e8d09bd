//! Reference data from the policy notice (measures.json, a copy of the seed as data): regions,
//! tiers, member units, the 10 policy areas and 26 measures with their responsible units, and
//! the 2022 百人助百企 campaign.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{FromQueryResult, sea_query::Query};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SEED: &str = include_str!("../data/measures.json");
pub(crate) const ALL_MEMBERS: &str = "ALL_MEMBERS";

#[derive(Deserialize)]
pub(crate) struct Seed {
    pub(crate) chapters: Vec<Chapter>,
    regions: Vec<Named>,
    tiers: Vec<Named>,
}

#[derive(Deserialize)]
pub(crate) struct Chapter {
    no: i32,
    zh: String,
    en: String,
    pub(crate) measures: Vec<Measure>,
}

#[derive(Deserialize)]
pub(crate) struct Measure {
    pub(crate) no: i32,
    zh: String,
    en: String,
    pub(crate) departments: Vec<String>,
}

#[derive(Deserialize)]
struct Named {
    zh: String,
    en: String,
}

#[derive(FromQueryResult)]
struct UnitRow {
    id: i32,
    name_zh: String,
}

/// GB/T 2260 division codes, in the seed's order of regions.
const DIVISION_CODES: [&str; 8] = [
    "630100", "630200", "632200", "632300", "632500", "632600", "632700", "632800",
];

/// Tiers in the seed's order; the measure names reserve firms and provincial 专精特新 SMEs (a
/// national "little giant" is one too).
const TIER_IN_SCOPE: [bool; 5] = [false, true, true, true, false];

/// English names of the member units, which the seed gives only in Chinese.
fn unit_name_en(zh: &str) -> &'static str {
    match zh {
        "省财政厅" => "Provincial Department of Finance",
        "省发展改革委" => "Provincial Development and Reform Commission",
        "省工业和信息化厅" => {
            "Provincial Department of Industry and Information Technology"
        }
        "省科技厅" => "Provincial Department of Science and Technology",
        "省商务厅" => "Provincial Department of Commerce",
        "省农业农村厅" => "Provincial Department of Agriculture and Rural Affairs",
        "国家税务总局青海省税务局" => {
            "Qinghai Provincial Tax Service, State Taxation Administration"
        }
        "西宁海关" => "Xining Customs",
        "省市场监管局" => "Provincial Administration for Market Regulation",
        "省民政厅" => "Provincial Department of Civil Affairs",
        "人行西宁中心支行" => "People's Bank of China Xining Central Sub-branch",
        "青海银保监局" => "Qinghai Banking and Insurance Regulatory Bureau",
        "省地方金融监管局" => "Provincial Local Financial Supervision Bureau",
        "青海证监局" => "Qinghai Securities Regulatory Bureau",
        "省人力资源社会保障厅" => {
            "Provincial Department of Human Resources and Social Security"
        }
        "省教育厅" => "Provincial Department of Education",
        "省国资委" => "Provincial State-owned Assets Supervision and Administration Commission",
        "省工商联" => "Provincial Federation of Industry and Commerce",
        "省生态环境厅" => "Provincial Department of Ecology and Environment",
        _ => "",
    }
}

fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

pub(crate) fn seed() -> Result<Seed, DbErr> {
    serde_json::from_str(SEED).map_err(|e| DbErr::Custom(format!("measures.json: {e}")))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let seed = seed()?;
        let mut regions = Query::insert()
            .into_table("regions")
            .columns(["id", "name_zh", "name_en", "division_code"])
            .to_owned();
        for (i, (r, code)) in seed.regions.iter().zip(DIVISION_CODES).enumerate() {
            regions.values_panic([
                (i as i32 + 1).into(),
                r.zh.clone().into(),
                r.en.clone().into(),
                code.into(),
            ]);
        }
        m.exec_stmt(regions).await?;

        let mut tiers = Query::insert()
            .into_table("tiers")
            .columns(["id", "name_zh", "name_en", "in_campaign_scope"])
            .to_owned();
        for (i, (t, scope)) in seed.tiers.iter().zip(TIER_IN_SCOPE).enumerate() {
            tiers.values_panic([
                (i as i32 + 1).into(),
                t.zh.clone().into(),
                t.en.clone().into(),
                scope.into(),
            ]);
        }
        m.exec_stmt(tiers).await?;

        // Member units in order of first mention in the notice, so ids are stable.
        let mut unit_names: Vec<&str> = Vec::new();
        for d in seed
            .chapters
            .iter()
            .flat_map(|c| &c.measures)
            .flat_map(|m| &m.departments)
        {
            if d != ALL_MEMBERS && !unit_names.contains(&d.as_str()) {
                unit_names.push(d);
            }
        }
        let mut units = Query::insert()
            .into_table("member_units")
            .columns(["name_zh", "name_en"])
            .to_owned();
        for name in &unit_names {
            units.values_panic([(*name).into(), unit_name_en(name).into()]);
        }
        m.exec_stmt(units).await?;
        let db = m.get_connection();
        let select = Query::select()
            .columns(["id", "name_zh"])
            .from("member_units")
            .to_owned();
        let rows = UnitRow::find_by_statement(db.get_database_backend().build(&select))
            .all(db)
            .await?;
        let unit_ids: BTreeMap<String, i32> = rows.into_iter().map(|r| (r.name_zh, r.id)).collect();

        let mut areas = Query::insert()
            .into_table("policy_areas")
            .columns(["id", "name_zh", "name_en"])
            .to_owned();
        let mut measures = Query::insert()
            .into_table("measures")
            .columns(["id", "policy_area_id", "name_zh", "name_en", "all_members"])
            .to_owned();
        let mut links = Query::insert()
            .into_table("measure_units")
            .columns(["measure_id", "member_unit_id"])
            .to_owned();
        for chapter in &seed.chapters {
            areas.values_panic([
                chapter.no.into(),
                chapter.zh.clone().into(),
                chapter.en.clone().into(),
            ]);
            for measure in &chapter.measures {
                let all = measure.departments.iter().any(|d| d == ALL_MEMBERS);
                measures.values_panic([
                    measure.no.into(),
                    chapter.no.into(),
                    measure.zh.clone().into(),
                    measure.en.clone().into(),
                    all.into(),
                ]);
                let mut ids: Vec<i32> = if all {
                    unit_ids.values().copied().collect()
                } else {
                    measure
                        .departments
                        .iter()
                        .filter_map(|d| unit_ids.get(d).copied())
                        .collect()
                };
                ids.sort_unstable();
                ids.dedup();
                for id in ids {
                    links.values_panic([measure.no.into(), id.into()]);
                }
            }
        }
        m.exec_stmt(areas).await?;
        m.exec_stmt(measures).await?;
        m.exec_stmt(links).await?;

        let campaign = Query::insert()
            .into_table("campaigns")
            .columns([
                "name_zh",
                "name_en",
                "measure_id",
                "led_by",
                "starts_on",
                "deadline",
                "created_at",
            ])
            .values_panic([
                "百人助百企（2022年）".into(),
                "Hundred officials help hundred firms (2022)".into(),
                16.into(),
                "省促进中小企业暨非公有制经济发展工作领导小组办公室".into(),
                date(2022, 2, 27).into(),
                date(2022, 12, 31).into(),
                // Midnight of the start day, Beijing time.
                chrono::DateTime::<chrono::Utc>::from_naive_utc_and_offset(
                    date(2022, 2, 26).and_hms_opt(16, 0, 0).unwrap_or_default(),
                    chrono::Utc,
                )
                .into(),
            ])
            .to_owned();
        m.exec_stmt(campaign).await?;
        let mut scope = Query::insert()
            .into_table("campaign_tiers")
            .columns(["campaign_id", "tier_id"])
            .to_owned();
        for (i, in_scope) in TIER_IN_SCOPE.iter().enumerate() {
            if *in_scope {
                scope.values_panic([1.into(), (i as i32 + 1).into()]);
            }
        }
        m.exec_stmt(scope).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "campaign_tiers",
            "campaigns",
            "measure_units",
            "measures",
            "policy_areas",
            "member_units",
            "tiers",
            "regions",
        ] {
            m.exec_stmt(Query::delete().from_table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_parses_and_every_unit_has_an_english_name() {
        let seed = seed().expect("measures.json parses");
        assert_eq!(seed.chapters.len(), 10);
        assert_eq!(
            seed.chapters
                .iter()
                .map(|c| c.measures.len())
                .sum::<usize>(),
            26
        );
        assert_eq!(seed.regions.len(), DIVISION_CODES.len());
        assert_eq!(seed.tiers.len(), TIER_IN_SCOPE.len());
        for d in seed
            .chapters
            .iter()
            .flat_map(|c| &c.measures)
            .flat_map(|m| &m.departments)
        {
            assert!(
                d == ALL_MEMBERS || !unit_name_en(d).is_empty(),
                "{d} has no English name"
            );
        }
    }
}
