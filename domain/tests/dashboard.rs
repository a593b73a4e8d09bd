//! The dashboard and the half-year report against independent counts: the demo province is
//! loaded, every row is read back with plain entity queries, and the figures are recounted in
//! Rust from the definitions in `domain::dashboard`, at several "as of" days (the replay).
//! SQLite by default, PostgreSQL with TEST_DATABASE_URL.

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::clock::date_of;
use domain::dashboard::{HalfYear, ProblemFigures};
use domain::db::entity::{assignment, firm, problem, problem_unit, user, visit};
use domain::db::testing::*;
use domain::db::{current_campaign, dashboard, demo, reports};
use sea_orm::EntityTrait;
use std::collections::{HashMap, HashSet};

struct World {
    firms: Vec<firm::Model>,
    visits: Vec<visit::Model>,
    problems: Vec<problem::Model>,
    units: Vec<problem_unit::Model>,
    assignments: Vec<assignment::Model>,
    users: Vec<user::Model>,
}

async fn world(db: &sea_orm::DatabaseConnection) -> World {
    World {
        firms: firm::Entity::find().all(db).await.unwrap(),
        visits: visit::Entity::find().all(db).await.unwrap(),
        problems: problem::Entity::find().all(db).await.unwrap(),
        units: problem_unit::Entity::find().all(db).await.unwrap(),
        assignments: assignment::Entity::find().all(db).await.unwrap(),
        users: user::Entity::find().all(db).await.unwrap(),
    }
}

/// Firm ids in scope, visited and solved as of `as_of`, recounted.
fn targets(
    w: &World,
    start: NaiveDate,
    deadline: NaiveDate,
    as_of: NaiveDate,
) -> (HashSet<i32>, HashSet<i32>, HashSet<i32>) {
    let upto = as_of.min(deadline);
    let scope: HashSet<i32> = w
        .firms
        .iter()
        .filter(|f| f.in_scope && f.archived_at.is_none())
        .map(|f| f.id)
        .collect();
    let visited = w
        .visits
        .iter()
        .filter(|v| v.kind == "on_site" && v.visit_date >= start && v.visit_date <= upto)
        .map(|v| v.firm_id)
        .filter(|id| scope.contains(id))
        .collect();
    let solved = w
        .problems
        .iter()
        .filter(|p| p.status == "solved" && p.solved_at.is_some_and(|t| date_of(t) <= upto))
        .map(|p| p.firm_id)
        .filter(|id| scope.contains(id))
        .collect();
    (scope, visited, solved)
}

/// The problem figures of the problems `pick` keeps, recounted.
fn figures(
    w: &World,
    start: NaiveDate,
    as_of: NaiveDate,
    pick: impl Fn(&problem::Model) -> bool,
) -> ProblemFigures {
    let mut f = ProblemFigures::default();
    for p in w.problems.iter().filter(|p| {
        let raised = date_of(p.raised_at);
        raised >= start && raised <= as_of && p.status != "withdrawn" && pick(p)
    }) {
        f.raised += 1;
        let concluded = p.concluded_on.is_some_and(|d| d <= as_of);
        if concluded {
            f.concluded += 1;
            if p.concluded_on.is_some_and(|d| d <= p.deadline) {
                f.concluded_on_time += 1;
            }
        } else if p.deadline < as_of {
            f.overdue += 1;
        }
        if p.status == "solved" && p.solved_at.is_some_and(|t| date_of(t) <= as_of) {
            f.solved += 1;
        }
        let answered_on = date_of(p.solved_at.unwrap_or(p.updated_at));
        if let Some(s) = &p.satisfaction
            && answered_on <= as_of
        {
            f.answered += 1;
            if s == "satisfied" || s == "basically_satisfied" {
                f.satisfied += 1;
            }
        }
    }
    f
}

#[tokio::test]
async fn dashboard_figures_equal_independent_counts_through_the_replay() {
    let db = test_db().await;
    demo::seed(&db).await.unwrap();
    let campaign = current_campaign(&*db).await.unwrap();
    let w = world(&db).await;
    let start = campaign.starts_on;
    for day in [
        "2022-03-31",
        "2022-06-30",
        "2022-09-15",
        "2022-12-31",
        "2023-03-01",
    ] {
        let as_of = date(day);
        let d = dashboard::compute(&*db, &campaign, as_of).await.unwrap();
        let (scope, visited, solved) = targets(&w, start, campaign.deadline, as_of);
        assert_eq!(d.in_scope, scope.len() as u64, "{day}");
        assert_eq!(d.visited, visited.len() as u64, "{day}");
        assert_eq!(d.solved_firms, solved.len() as u64, "{day}");
        assert_eq!(
            d.both,
            visited.intersection(&solved).count() as u64,
            "{day}"
        );
        assert_eq!(d.not_visited.total, (scope.len() - visited.len()) as u64);

        // By region and tier: each row recounted over its own firms.
        let region_of: HashMap<i32, i32> = w.firms.iter().map(|f| (f.id, f.region_id)).collect();
        for r in &d.by_region {
            let mine =
                |s: &HashSet<i32>| s.iter().filter(|id| region_of[id] == r.id).count() as u64;
            assert_eq!(
                (r.in_scope, r.visited, r.solved),
                (mine(&scope), mine(&visited), mine(&solved)),
                "{day} region {}",
                r.id
            );
        }
        let tier_of: HashMap<i32, i32> = w.firms.iter().map(|f| (f.id, f.tier_id)).collect();
        for t in &d.by_tier {
            let mine = |s: &HashSet<i32>| s.iter().filter(|id| tier_of[id] == t.id).count() as u64;
            assert_eq!(
                (t.in_scope, t.visited, t.solved),
                (mine(&scope), mine(&visited), mine(&solved)),
                "{day} tier {}",
                t.id
            );
        }
        // The league's rows: each coordinator's current firms.
        let coordinator_of: HashMap<i32, i32> = w
            .assignments
            .iter()
            .filter(|a| a.ended_at.is_none())
            .map(|a| (a.firm_id, a.coordinator_id))
            .collect();
        for c in d.by_coordinator.iter().chain(&d.coordinators_behind) {
            let mine = |s: &HashSet<i32>| {
                s.iter()
                    .filter(|id| coordinator_of.get(id) == Some(&c.id))
                    .count() as u64
            };
            assert_eq!(
                (c.in_scope, c.visited, c.solved),
                (mine(&scope), mine(&visited), mine(&solved)),
                "{day} coordinator {}",
                c.id
            );
        }

        // Problems: the province, then each unit.
        assert_eq!(d.problems, figures(&w, start, as_of, |_| true), "{day}");
        assert_eq!(d.overdue.total, d.problems.overdue);
        for u in &d.by_unit {
            let routed: HashSet<i32> = w
                .units
                .iter()
                .filter(|pu| pu.member_unit_id == u.id)
                .map(|pu| pu.problem_id)
                .collect();
            assert_eq!(
                u.figures,
                figures(&w, start, as_of, |p| routed.contains(&p.id)),
                "{day} unit {}",
                u.id
            );
        }
        let per_measure: u64 = d.by_measure.iter().map(|m| m.raised).sum();
        assert_eq!(per_measure, d.problems.raised);
        for m in &d.by_measure {
            let f = figures(&w, start, as_of, |p| p.measure_id == m.measure_no);
            assert_eq!(
                (m.raised, m.solved, m.open),
                (f.raised, f.solved, f.raised - f.concluded),
                "{day} measure {}",
                m.measure_no
            );
        }
        // Each unit's median days to conclude, over the problems it concluded by the day.
        for u in &d.by_unit {
            let mut days: Vec<i64> = w
                .problems
                .iter()
                .filter(|p| {
                    w.units
                        .iter()
                        .any(|pu| pu.problem_id == p.id && pu.member_unit_id == u.id)
                })
                .filter(|p| {
                    let raised = date_of(p.raised_at);
                    raised >= start && raised <= as_of && p.status != "withdrawn"
                })
                .filter_map(|p| p.concluded_on.filter(|c| *c <= as_of).map(|c| (p, c)))
                .map(|(p, c)| (c - date_of(p.raised_at)).num_days().max(0))
                .collect();
            days.sort_unstable();
            let expected = match days.len() {
                0 => None,
                n if n % 2 == 1 => Some(days[n / 2] as f64),
                n => Some((days[n / 2 - 1] + days[n / 2]) as f64 / 2.0),
            };
            assert_eq!(u.median_days_to_conclude, expected, "{day} unit {}", u.id);
        }
        // The oldest overdue problems lead the red list.
        let mut overdue: Vec<(NaiveDate, i32)> = w
            .problems
            .iter()
            .filter(|p| {
                let raised = date_of(p.raised_at);
                raised >= start
                    && raised <= as_of
                    && p.status != "withdrawn"
                    && p.concluded_on.is_none_or(|d| d > as_of)
                    && p.deadline < as_of
            })
            .map(|p| (p.deadline, p.id))
            .collect();
        overdue.sort();
        let shown: Vec<i32> = d.overdue.rows.iter().map(|r| r.problem_id).collect();
        let expected: Vec<i32> = overdue
            .iter()
            .take(dashboard::LIST_ROWS)
            .map(|o| o.1)
            .collect();
        assert_eq!(shown, expected, "{day}");

        // The burn-up ends where the tiles are and never goes down.
        if let Some(last) = d.burnup.last() {
            assert_eq!(
                (last.visited, last.solved),
                (d.visited, d.solved_firms),
                "{day}"
            );
            assert!(
                d.burnup
                    .windows(2)
                    .all(|p| p[0].visited <= p[1].visited && p[0].solved <= p[1].solved)
            );
        }
    }
    // The demo province has figures worth looking at.
    let end = dashboard::compute(&*db, &campaign, date("2022-12-31"))
        .await
        .unwrap();
    assert!(end.visited > 0 && end.problems.raised > 0 && end.problems.overdue > 0);
    assert!(!w.users.is_empty());
}

#[tokio::test]
async fn a_half_year_report_equals_the_dashboard_for_its_period() {
    let db = test_db().await;
    demo::seed(&db).await.unwrap();
    let campaign = current_campaign(&*db).await.unwrap();
    let w = world(&db).await;
    for code in ["2022H1", "2022H2"] {
        let period = HalfYear::parse("period", code).unwrap();
        let d = dashboard::compute(&*db, &campaign, period.last_day())
            .await
            .unwrap();
        let province = reports::half_year(&*db, &campaign, period, None)
            .await
            .unwrap();
        assert_eq!(province.period, code);
        assert_eq!(
            (
                province.firms_served,
                province.firms_visited,
                province.firms_solved
            ),
            (d.in_scope, d.visited, d.solved_firms)
        );
        assert_eq!(province.problems, d.problems);
        let in_period = |day: NaiveDate| day >= period.first_day() && day <= period.last_day();
        assert_eq!(
            province.visits_in_period,
            w.visits.iter().filter(|v| in_period(v.visit_date)).count() as u64
        );
        assert_eq!(
            province.raised_in_period,
            w.problems
                .iter()
                .filter(|p| p.status != "withdrawn"
                    && in_period(date_of(p.raised_at))
                    && date_of(p.raised_at) >= campaign.starts_on)
                .count() as u64
        );
        for u in &d.by_unit {
            let report = reports::half_year(&*db, &campaign, period, Some(u.id))
                .await
                .unwrap();
            assert_eq!(report.problems, u.figures, "{code} unit {}", u.id);
            assert_eq!(report.unit_zh, u.name_zh);
            assert!(report.overdue.len() as u64 <= report.problems.overdue);
        }
    }
}

#[tokio::test]
async fn the_cache_serves_until_the_data_changes() {
    let db = test_db().await;
    let campaign = current_campaign(&*db).await.unwrap();
    let cache = dashboard::Cache::default();
    let first = cache
        .get(&*db, &campaign, date("2022-12-31"))
        .await
        .unwrap();
    assert_eq!(first.in_scope, 0);
    let everyone = domain::firm::FirmQueryParams::default().parse().unwrap();
    let reader = domain::auth::CurrentUser {
        id: 0,
        name: "领导".into(),
        role: domain::auth::Role::Leader,
        member_unit_id: None,
    };
    let list = domain::db::firms::list_for_cached(&*db, &cache, &campaign, &everyone, &reader)
        .await
        .unwrap();
    assert_eq!(list.total, 0);
    let again = cache
        .get(&*db, &campaign, date("2022-12-31"))
        .await
        .unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&first, &again),
        "served from the cache"
    );
    // A change through a service writes an audit entry: the next read recomputes.
    let office = domain::auth::CurrentUser {
        id: 0,
        name: "办公室".into(),
        role: domain::auth::Role::Office,
        member_unit_id: None,
    };
    let form = domain::firm::FirmForm {
        credit_code: credit_code(domain::Region::Xining),
        name: "新登记企业".into(),
        region: "1".into(),
        tier: "3".into(),
        ..Default::default()
    };
    domain::db::firms::create(&db, &caller(&office), form.validate().unwrap())
        .await
        .unwrap();
    let fresh = cache
        .get(&*db, &campaign, date("2022-12-31"))
        .await
        .unwrap();
    assert_eq!(fresh.in_scope, 1);
    let list = domain::db::firms::list_for_cached(&*db, &cache, &campaign, &everyone, &reader)
        .await
        .unwrap();
    assert_eq!(
        (list.total, list.rows.len()),
        (1, 1),
        "the cached page followed the write"
    );
}

/// Logins (and failed ones) are audited but change no business figure: the dashboard stays
/// cached. Many leaders opening it at once after a write cost one computation.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn logins_keep_the_figures_and_a_burst_of_readers_computes_once() {
    let db = test_db().await;
    demo::seed(&db).await.unwrap();
    let campaign = current_campaign(&*db).await.unwrap();
    let cache = std::sync::Arc::new(dashboard::Cache::default());
    let day = date("2022-12-31");
    cache.get(&*db, &campaign, day).await.unwrap();
    assert_eq!(cache.computed(), 1);
    let version = domain::db::progress::figures_version(&*db).await.unwrap();
    let login =
        domain::db::accounts::authenticate(&db, "office", demo::DEMO_PASSWORD, "10.0.0.9", None)
            .await;
    assert!(login.is_ok());
    let failed =
        domain::db::accounts::authenticate(&db, "office", "wrong password", "10.0.0.9", None).await;
    assert!(failed.is_err());
    assert_eq!(
        domain::db::progress::figures_version(&*db).await.unwrap(),
        version,
        "logins do not move the figures version"
    );
    cache.get(&*db, &campaign, day).await.unwrap();
    assert_eq!(cache.computed(), 1, "served from the cache after logins");

    // A business write moves it; then 16 readers at once share one computation.
    let f = make_firm(
        &db,
        "突发读者测试企业",
        domain::Region::Xining,
        domain::Tier::Reserve,
    )
    .await;
    assert!(domain::db::progress::figures_version(&*db).await.unwrap() > version);
    let mut readers = Vec::new();
    for _ in 0..16 {
        let (db, cache, campaign) = (db.db.clone(), cache.clone(), campaign.clone());
        readers.push(tokio::spawn(async move {
            cache.get(&db, &campaign, day).await.unwrap().in_scope
        }));
    }
    let mut seen = Vec::new();
    for r in readers {
        seen.push(r.await.unwrap());
    }
    assert_eq!(cache.computed(), 2, "one computation for the burst");
    seen.dedup();
    assert_eq!(seen.len(), 1);
    let _ = f;
}

#[tokio::test]
async fn a_later_round_counts_the_firms_of_its_own_tiers() {
    let db = test_db().await;
    demo::seed(&db).await.unwrap();
    let first = current_campaign(&*db).await.unwrap();
    let office = domain::auth::CurrentUser {
        id: 0,
        name: "办公室".into(),
        role: domain::auth::Role::Office,
        member_unit_id: None,
    };
    let form = domain::campaign::CampaignForm {
        name_zh: "小巨人专项服务（2023年）".into(),
        starts_on: "2023-03-01".into(),
        deadline: "2023-12-31".into(),
        tiers: vec![domain::Tier::LittleGiant.id().to_string()],
        ..Default::default()
    };
    let round = domain::db::campaigns::create(&db, &caller(&office), form.validate().unwrap())
        .await
        .unwrap();
    // A coordinator may not start rounds.
    let coordinator = domain::auth::CurrentUser {
        role: domain::auth::Role::Coordinator,
        ..office.clone()
    };
    assert_eq!(
        domain::db::campaigns::create(&db, &caller(&coordinator), form.validate().unwrap())
            .await
            .unwrap_err(),
        domain::Error::Forbidden
    );
    // Started (today is after 2023-03-01), so it is now the current round.
    assert_eq!(current_campaign(&*db).await.unwrap().id, round.id);
    let w = world(&db).await;
    let giants: HashSet<i32> = w
        .firms
        .iter()
        .filter(|f| f.archived_at.is_none())
        .filter(|f| match &f.scope_reason {
            Some(_) => f.in_scope,
            None => f.tier_id == domain::Tier::LittleGiant.id(),
        })
        .map(|f| f.id)
        .collect();
    let d = dashboard::compute(&*db, &round, date("2023-12-31"))
        .await
        .unwrap();
    assert_eq!(d.in_scope, giants.len() as u64);
    assert!(d.in_scope > 0);
    // Visits of 2022 do not count for the 2023 round.
    assert_eq!(d.visited, 0);
    // The first round's figures are unchanged by the second's existence.
    let before = dashboard::compute(&*db, &first, date("2022-12-31"))
        .await
        .unwrap();
    let (scope, _, _) = targets(&w, first.starts_on, first.deadline, date("2022-12-31"));
    assert_eq!(before.in_scope, scope.len() as u64);
}
