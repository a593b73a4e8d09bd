//! A deterministic, realistic demo province: about 300 firms over the 8 regions, about 80
//! coordinators from the member units, and the visits and problems of a 2022 campaign in which
//! some regions run ahead and some behind. The same data every run, so screenshots, tests and
//! the README's figures agree.
//!
//! Behind the `demo` feature: a production build leaves it out (see the README). The steps run
//! in a fixed order off one generator, so the dice fall the same way every run: people
//! (`people`), then firm by firm their coordinator, visits and problems (`firms`).

mod firms;
mod people;
mod tables;

use super::audit::{self, Actor, Entry};
use super::entity::firm;
use super::query_all;
use crate::clock;
use crate::error::Error;
use crate::reference::Region;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait};
use std::collections::{BTreeMap, HashSet};
use tables::{REGIONS, Rng, d};

/// The password of every demo account. Demo data only: never load it into a real database.
pub const DEMO_PASSWORD: &str = "zhuqi-demo-2022";

/// The demo accounts people log in with, one or two per role (every demo user has a phone
/// number too, and the same password).
pub const DEMO_ACCOUNTS: [(&str, &str); 8] = [
    ("office", "office"),
    ("sysadmin", "sysadmin"),
    ("secadmin", "secadmin"),
    ("auditor", "auditor"),
    ("leader", "leader"),
    ("unit", "unit"),
    ("coordinator", "coordinator"),
    ("coordinator2", "coordinator"),
];

#[derive(Clone, Debug, PartialEq, Eq, Default, serde::Serialize)]
pub struct Summary {
    pub firms: u64,
    pub coordinators: u64,
    pub visits: u64,
    pub problems: u64,
    pub skipped: bool,
}

#[derive(FromQueryResult)]
struct UnitRow {
    id: i32,
    name_zh: String,
}

#[derive(FromQueryResult)]
struct LinkRow {
    measure_id: i32,
    member_unit_id: i32,
}

/// What the steps share: the dice, what must stay unique, and what earlier steps made.
struct Generator<'t, T> {
    txn: &'t T,
    rng: Rng,
    phones: HashSet<String>,
    names: HashSet<String>,
    codes: HashSet<String>,
    /// When the demo accounts and firms were registered.
    created: DateTime<Utc>,
    /// Nothing in the demo happens after this day.
    data_end: NaiveDate,
    units: Vec<UnitRow>,
    /// The member units the notice names for each measure.
    units_of: BTreeMap<i32, Vec<i32>>,
    /// Problem deadlines are counted by the calendar the migrations shipped, plus the demo's
    /// regional days off.
    calendar: crate::calendar::Calendar,
    coordinators: Vec<i32>,
    /// Coordinators are handed firms in turn, region by region.
    coordinator_cursor: usize,
    summary: Summary,
}

/// Lets the demo accounts keep the published password (no change asked at first login): for
/// automated tests of a throw-away database only (`ZHUQI_DEMO_KEEP_PASSWORDS`).
pub async fn keep_published_passwords(db: &crate::db::Db) -> Result<(), Error> {
    use sea_orm::ConnectionTrait;
    db.execute_unprepared("UPDATE users SET must_change_password = false")
        .await?;
    Ok(())
}

/// Creates the demo province unless the database already holds firms (then it does nothing).
pub async fn seed(db: &crate::db::Db) -> Result<Summary, Error> {
    if firm::Entity::find().count(db).await? > 0 {
        return Ok(Summary {
            skipped: true,
            ..Summary::default()
        });
    }
    let txn = crate::db::Write::begin(db).await?;
    let units = query_all::<UnitRow>(
        &txn,
        "SELECT id, name_zh FROM member_units ORDER BY id",
        vec![],
    )
    .await?;
    let links = query_all::<LinkRow>(
        &txn,
        "SELECT measure_id, member_unit_id FROM measure_units",
        vec![],
    )
    .await?;
    let mut units_of: BTreeMap<i32, Vec<i32>> = BTreeMap::new();
    for l in links {
        units_of
            .entry(l.measure_id)
            .or_default()
            .push(l.member_unit_id);
    }
    // 藏历新年 2022 fell on 3 March; the Tibetan prefectures of 玉树 and 果洛 keep days off
    // around it, which the demo enters as their office would.
    for region in [Region::Yushu, Region::Golog] {
        for day in 3..=5 {
            txn.execute_raw(crate::db::sql(
                txn.get_database_backend(),
                "INSERT INTO calendar_days (day, region_id, working, name, source, created_at)
                 VALUES ($1, $2, $3, '藏历新年', 'office', $4)",
                vec![
                    d(2022, 3, day).into(),
                    region.id().into(),
                    false.into(),
                    clock::at(d(2022, 2, 25), 9, 0).into(),
                ],
            ))
            .await?;
        }
    }
    let calendar = crate::db::calendar::load(&txn).await?;
    let mut g = Generator {
        txn: &txn,
        rng: Rng(20_220_227),
        phones: HashSet::new(),
        names: HashSet::new(),
        codes: HashSet::new(),
        created: clock::at(d(2022, 2, 25), 9, 0),
        data_end: d(2022, 12, 31),
        units,
        units_of,
        calendar,
        coordinators: Vec::new(),
        coordinator_cursor: 0,
        summary: Summary::default(),
    };
    g.people().await?;
    g.summary.coordinators = g.coordinators.len() as u64;
    for (ri, region) in REGIONS.iter().enumerate() {
        for _ in 0..region.1 {
            g.firm(ri).await?;
        }
    }
    let summary = g.summary;
    audit::record(
        &txn,
        &Actor::system("seed-demo"),
        Entry {
            action: "seed_demo",
            entity: "database",
            entity_id: None,
            firm_id: None,
            before: None,
            after: audit::snapshot(&summary),
        },
    )
    .await?;
    crate::db::progress::rebuild_all(&txn).await?;
    txn.commit().await?;
    Ok(summary)
}
