//! The weekly 通报 on the demo province (SQLite, or PostgreSQL with TEST_DATABASE_URL): its
//! figures per unit, per region and in total equal counts made here from the raw problem rows,
//! the bottom three are the ranking's last with exactly their overdue problems, and only the
//! office, leaders and units may read it.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, NaiveDate, Utc};
use domain::Error;
use domain::auth::Role;
use domain::bulletin::BulletinRow;
use domain::db::testing::*;
use domain::db::{bulletin, demo};
use std::collections::{HashMap, HashSet};

#[derive(sea_orm::FromQueryResult)]
struct P {
    id: i32,
    status: String,
    raised_at: DateTime<Utc>,
    deadline: NaiveDate,
    concluded_on: Option<NaiveDate>,
    solved_at: Option<DateTime<Utc>>,
    region_id: i32,
    claim_limit_hours: i32,
}

#[derive(sea_orm::FromQueryResult)]
struct E {
    problem_id: i32,
    at: DateTime<Utc>,
}

#[derive(sea_orm::FromQueryResult)]
struct PU {
    problem_id: i32,
    member_unit_id: i32,
}

#[derive(Default, Debug, PartialEq, Eq)]
struct Tally {
    raised: u64,
    concluded: u64,
    solved: u64,
    overdue: u64,
    raised_week: u64,
}

fn of(r: &BulletinRow) -> Tally {
    Tally {
        raised: r.figures.raised,
        concluded: r.figures.concluded,
        solved: r.figures.solved,
        overdue: r.figures.overdue,
        raised_week: r.raised_this_week,
    }
}

#[tokio::test]
async fn the_bulletin_equals_counts_made_from_the_raw_rows() {
    let db = test_db().await;
    demo::seed(&db).await.unwrap();
    let office = make_user(&db, "13900000601", Role::Office, None).await;
    let campaign = domain::db::current_campaign(&*db).await.unwrap();
    let problems = domain::db::query_all::<P>(
        &*db,
        "SELECT p.id, p.status, p.raised_at, p.deadline, p.concluded_on, p.solved_at, f.region_id,
                p.claim_limit_hours
         FROM problems p JOIN firms f ON f.id = p.firm_id",
        vec![],
    )
    .await
    .unwrap();
    let units = domain::db::query_all::<PU>(
        &*db,
        "SELECT problem_id, member_unit_id FROM problem_units",
        vec![],
    )
    .await
    .unwrap();
    let mut units_of: HashMap<i32, Vec<i32>> = HashMap::new();
    for u in &units {
        units_of
            .entry(u.problem_id)
            .or_default()
            .push(u.member_unit_id);
    }

    // Each problem's claims, oldest first, read here on their own.
    let claims = domain::db::query_all::<E>(
        &*db,
        "SELECT problem_id, at FROM problem_events WHERE to_status = 'claimed' ORDER BY at",
        vec![],
    )
    .await
    .unwrap();
    let calendar = domain::db::calendar::load(&*db).await.unwrap();

    for week in ["2022-W26", "2022-W40", "2022-12-31"] {
        let b = bulletin::week(&*db, &caller(&office), Some(week), None)
            .await
            .unwrap();
        let (monday, d) = (b.week.monday, b.as_of);
        assert!(d <= b.week.sunday() && d >= monday);
        // The rules written out once more, plainly, over the raw rows.
        let mut by_unit: HashMap<i32, Tally> = HashMap::new();
        let mut by_region: HashMap<i32, Tally> = HashMap::new();
        let mut total = Tally::default();
        let mut overdue_of_unit: HashMap<i32, HashSet<i32>> = HashMap::new();
        // 签收 by the unit: (claim clocks stopped or run out, of them claimed in time).
        let mut response: HashMap<i32, (u64, u64)> = HashMap::new();
        let end = domain::clock::day_end_utc(d);
        for p in &problems {
            let raised = domain::clock::date_of(p.raised_at);
            if p.status == "withdrawn" || raised < campaign.starts_on || raised > d {
                continue;
            }
            let concluded = p.concluded_on.map(|c| c.max(raised)).filter(|c| *c <= d);
            let t = Tally {
                raised: 1,
                concluded: u64::from(concluded.is_some()),
                solved: u64::from(
                    p.status == "solved"
                        && p.solved_at
                            .is_some_and(|s| domain::clock::date_of(s).max(raised) <= d),
                ),
                overdue: u64::from(
                    p.deadline < d && p.concluded_on.is_none_or(|c| c.max(raised) > d),
                ),
                raised_week: u64::from(raised >= monday),
            };
            let add = |into: &mut Tally| {
                into.raised += t.raised;
                into.concluded += t.concluded;
                into.solved += t.solved;
                into.overdue += t.overdue;
                into.raised_week += t.raised_week;
            };
            add(&mut total);
            add(by_region.entry(p.region_id).or_default());
            let due = calendar.add_working_hours(
                p.raised_at,
                u32::try_from(p.claim_limit_hours).unwrap(),
                Some(p.region_id),
            );
            let claimed = claims
                .iter()
                .find(|c| c.problem_id == p.id && c.at < end)
                .map(|c| c.at);
            let (counted, in_time) = match claimed {
                Some(at) => (1, u64::from(at <= due)),
                None => (u64::from(due < end - chrono::Duration::seconds(1)), 0),
            };
            for u in units_of.get(&p.id).into_iter().flatten() {
                let r = response.entry(*u).or_default();
                r.0 += counted;
                r.1 += in_time;
                add(by_unit.entry(*u).or_default());
                if t.overdue == 1 {
                    overdue_of_unit.entry(*u).or_default().insert(p.id);
                }
            }
        }
        assert!(total.raised > 0, "{week}: the demo has problems by then");
        assert_eq!(of(&b.total), total, "{week}: total");
        assert_eq!(b.units.len(), by_unit.len(), "{week}");
        for r in &b.units {
            assert_eq!(of(r), by_unit[&r.id], "{week}: unit {}", r.name_zh);
            assert_eq!(
                (r.claim_due, r.claimed_on_time),
                response[&r.id],
                "{week}: 签收 of unit {}",
                r.name_zh
            );
        }
        assert!(
            b.units
                .iter()
                .any(|r| r.claimed_on_time > 0 && r.claimed_on_time < r.claim_due)
        );
        for r in &b.regions {
            assert_eq!(of(r), by_region[&r.id], "{week}: region {}", r.name_zh);
        }
        // Ranked best first; the bottom three are the last three, worst first, each with
        // exactly its overdue problems.
        let scores: Vec<f64> = b.units.iter().filter_map(BulletinRow::score).collect();
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]),
            "{week}: {scores:?}"
        );
        let last: Vec<i32> = b.units.iter().rev().take(3).map(|r| r.id).collect();
        let named: Vec<i32> = b.bottom_units.iter().map(|n| n.row.id).collect();
        assert_eq!(named, last, "{week}");
        for n in &b.bottom_units {
            let listed: HashSet<i32> = n.overdue.iter().map(|o| o.problem_id).collect();
            let all = overdue_of_unit.get(&n.row.id).cloned().unwrap_or_default();
            assert_eq!(
                u64::try_from(all.len()).unwrap(),
                n.row.figures.overdue,
                "{week}"
            );
            if all.len() <= domain::bulletin::OVERDUE_LISTED {
                assert_eq!(listed, all, "{week}");
            } else {
                assert!(listed.is_subset(&all) && listed.len() == domain::bulletin::OVERDUE_LISTED);
            }
            // The longest overdue first.
            assert!(
                n.overdue.windows(2).all(|w| w[0].deadline <= w[1].deadline),
                "{week}"
            );
            assert!(n.overdue.iter().all(|o| o.working_days_overdue >= 0));
        }
        // Every problem timed once per unit; claims in time never exceed those due.
        for r in &b.units {
            assert!(r.claimed_on_time <= r.claim_due && r.claim_due <= r.figures.raised);
            assert_eq!(
                r.problems_timed, r.figures.raised,
                "{week}: unit {}",
                r.name_zh
            );
        }
        let xlsx = bulletin::to_xlsx(&b).unwrap();
        assert!(xlsx.starts_with(b"PK"));
    }

    let coordinator = make_user(&db, "13900000602", Role::Coordinator, None).await;
    assert!(matches!(
        bulletin::week(&*db, &caller(&coordinator), None, None).await,
        Err(Error::Forbidden)
    ));
    assert!(matches!(
        bulletin::week(&*db, &caller(&office), Some("2022-W99"), None).await,
        Err(Error::Validation(_))
    ));
}
