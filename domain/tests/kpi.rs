//! One definition of the campaign targets (`domain::kpi`): the firm list's status filters and
//! columns, the roster, the firm file's badges and the half-year report count exactly what the
//! dashboard counts, at several as-of days, including the cases where they used to differ — a
//! problem confirmed after the deadline, an archived firm, firms whose scope the office
//! overrode either way, and a firm handed over mid-campaign. The Rust text of the rule, applied
//! to rows read back with plain entity queries, must agree with the SQL text too.
//! SQLite by default, PostgreSQL with TEST_DATABASE_URL.

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::auth::{CurrentUser, Role};
use domain::dashboard::HalfYear;
use domain::db::entity::{assignment, firm, problem, user, visit};
use domain::db::testing::*;
use domain::db::{assignments, current_campaign, dashboard, demo, firms, problems, reports};
use domain::firm::{FirmForm, FirmQuery, TargetStatus};
use domain::kpi::{self, Window};
use domain::problem::{ProblemStatus, Satisfaction};
use domain::visit::VisitKind;
use domain::{Campaign, Tier};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{HashMap, HashSet};

/// An office account with a row of its own (problem events and audit entries name it).
async fn office(db: &sea_orm::DatabaseConnection) -> CurrentUser {
    CurrentUser {
        id: make_coordinator(db, "领导小组办公室").await.id,
        name: "领导小组办公室".into(),
        role: Role::Office,
        member_unit_id: None,
    }
}

/// The firms counted, visited and solved in a window, by the Rust text of the rule.
struct Recount {
    counted: HashSet<i32>,
    visited: HashSet<i32>,
    solved: HashSet<i32>,
}

impl Recount {
    fn both(&self) -> u64 {
        self.visited.intersection(&self.solved).count() as u64
    }
}

async fn recount(db: &sea_orm::DatabaseConnection, campaign: &Campaign, w: &Window) -> Recount {
    let tiers = firms::campaign_tiers(db, campaign.id).await.unwrap();
    let counted: HashSet<i32> = firm::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|f| {
            let tier = Tier::from_id(f.tier_id).unwrap();
            let office = f.scope_reason.is_some().then_some(f.in_scope);
            kpi::counted(kpi::in_scope(tier, office, &tiers), f.archived_at.is_some())
        })
        .map(|f| f.id)
        .collect();
    let visited = visit::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|v| w.counts_visit(VisitKind::from_code(&v.kind).unwrap(), v.visit_date))
        .map(|v| v.firm_id)
        .filter(|id| counted.contains(id))
        .collect();
    let solved = problem::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| w.counts_solution(ProblemStatus::from_code(&p.status).unwrap(), p.solved_at))
        .map(|p| p.firm_id)
        .filter(|id| counted.contains(id))
        .collect();
    Recount {
        counted,
        visited,
        solved,
    }
}

async fn listed(
    db: &sea_orm::DatabaseConnection,
    campaign: &Campaign,
    as_of: NaiveDate,
    status: TargetStatus,
    q: &str,
) -> u64 {
    let query = FirmQuery {
        page: 1,
        status: Some(status),
        as_of: Some(as_of),
        q: q.to_owned(),
        ..Default::default()
    };
    firms::list(db, campaign, &query).await.unwrap().total
}

/// The office sets a firm's scope against its tier, with a reason, through the firm form.
async fn override_scope(
    db: &sea_orm::DatabaseConnection,
    by: &CurrentUser,
    f: &firm::Model,
    scope: &str,
) {
    let form = FirmForm {
        credit_code: f.credit_code.clone(),
        name: f.name.clone(),
        region: f.region_id.to_string(),
        tier: f.tier_id.to_string(),
        scope: scope.into(),
        scope_reason: "领导小组会议决定".into(),
        ..Default::default()
    };
    firms::update(db, &caller(by), f.id, form.validate().unwrap())
        .await
        .unwrap();
}

/// The edge cases, made through the services: ids of (confirmed late, archived, overridden in,
/// overridden out, handed over).
async fn edge_cases(db: &sea_orm::DatabaseConnection, campaign: &Campaign) -> [i32; 5] {
    let office = office(db).await;
    let actor = caller(&office);
    let w = Window::new(campaign, campaign.deadline);
    let all_firms = firm::Entity::find()
        .order_by_asc(firm::Column::Id)
        .all(db)
        .await
        .unwrap();
    let solved_by_deadline: HashSet<i32> = problem::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| w.counts_solution(ProblemStatus::from_code(&p.status).unwrap(), p.solved_at))
        .map(|p| p.firm_id)
        .collect();
    let on_site: HashSet<i32> = visit::Entity::find()
        .filter(visit::Column::Kind.eq("on_site"))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.firm_id)
        .collect();

    // A closed problem of a firm with nothing solved by the deadline, confirmed today: long
    // after the deadline, so it must not count for the 2022 round anywhere.
    let late = problem::Entity::find()
        .filter(problem::Column::Status.eq("closed"))
        .order_by_asc(problem::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .find(|p| !solved_by_deadline.contains(&p.firm_id))
        .expect("the demo has a closed problem of a firm with nothing solved");
    problems::confirm_by_call(
        db,
        &actor,
        late.id,
        late.version,
        true,
        Satisfaction::Satisfied,
        "回访：企业确认已解决",
    )
    .await
    .unwrap();

    let in_scope_tier = |f: &firm::Model| Tier::from_id(f.tier_id).unwrap().in_campaign_scope();
    // A firm that met both targets, archived.
    let archived = all_firms
        .iter()
        .find(|f| in_scope_tier(f) && on_site.contains(&f.id) && solved_by_deadline.contains(&f.id))
        .unwrap();
    firms::archive(db, &actor, archived.id).await.unwrap();
    // A firm of a tier outside the scope brought in, and one of a tier inside it left out, both
    // visited, so the override moves the visited figures too.
    let brought_in = match all_firms
        .iter()
        .find(|f| !in_scope_tier(f) && f.scope_reason.is_none() && on_site.contains(&f.id))
    {
        Some(f) => f.clone(),
        None => {
            // The demo may have no visited firm outside the scope: make one.
            let f = make_firm(db, "范围外企业", domain::Region::Haidong, Tier::Innovative).await;
            let coordinator = make_coordinator(db, "范围外协调员").await;
            assign(db, f.id, coordinator.id).await.unwrap();
            f
        }
    };
    override_scope(db, &office, &brought_in, "in").await;
    let left_out = all_firms
        .iter()
        .find(|f| {
            in_scope_tier(f)
                && f.scope_reason.is_none()
                && on_site.contains(&f.id)
                && f.id != archived.id
        })
        .unwrap();
    override_scope(db, &office, left_out, "out").await;

    // A visited firm handed over to another coordinator.
    let current: HashMap<i32, i32> = assignment::Entity::find()
        .filter(assignment::Column::EndedAt.is_null())
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.firm_id, a.coordinator_id))
        .collect();
    let handed = all_firms
        .iter()
        .find(|f| {
            in_scope_tier(f)
                && on_site.contains(&f.id)
                && current.contains_key(&f.id)
                && ![archived.id, left_out.id, brought_in.id, late.firm_id].contains(&f.id)
        })
        .unwrap();
    let other = user::Entity::find()
        .filter(user::Column::Role.eq("coordinator"))
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .find(|u| Some(&u.id) != current.get(&handed.id))
        .unwrap();
    assignments::assign(db, &actor, &[handed.id], other.id, "原协调员调岗")
        .await
        .unwrap();
    [
        late.firm_id,
        archived.id,
        brought_in.id,
        left_out.id,
        handed.id,
    ]
}

#[tokio::test]
async fn every_view_of_the_targets_counts_what_the_dashboard_counts() {
    let db = test_db().await;
    demo::seed(&db).await.unwrap();
    let campaign = current_campaign(&*db).await.unwrap();
    let edges = edge_cases(&db, &campaign).await;
    let [late, archived, brought_in, left_out, handed] = edges;
    let today = domain::clock::today();

    for day in [
        "2022-03-31",
        "2022-06-30",
        "2022-09-15",
        "2022-12-31",
        "2023-03-01",
    ] {
        let as_of = date(day);
        let w = Window::new(&campaign, as_of);
        let d = dashboard::compute(&*db, &campaign, as_of).await.unwrap();
        let r = recount(&db, &campaign, &w).await;

        // The SQL text and the Rust text of the rule agree.
        assert_eq!(d.in_scope, r.counted.len() as u64, "{day}");
        assert_eq!(d.visited, r.visited.len() as u64, "{day}");
        assert_eq!(d.solved_firms, r.solved.len() as u64, "{day}");
        assert_eq!(d.both, r.both(), "{day}");

        // Every status filter of the firm list equals its dashboard figure.
        let n = |s| listed(&db, &campaign, as_of, s, "");
        assert_eq!(n(TargetStatus::InScope).await, d.in_scope, "{day}");
        assert_eq!(n(TargetStatus::Visited).await, d.visited, "{day}");
        assert_eq!(
            n(TargetStatus::NotVisited).await,
            d.in_scope - d.visited,
            "{day}"
        );
        assert_eq!(n(TargetStatus::Solved).await, d.solved_firms, "{day}");
        assert_eq!(
            n(TargetStatus::NotSolved).await,
            d.in_scope - d.solved_firms,
            "{day}"
        );
        assert_eq!(n(TargetStatus::Both).await, d.both, "{day}");
        assert_eq!(d.not_visited.total, d.in_scope - d.visited, "{day}");
        assert_eq!(d.nothing_solved.total, d.in_scope - d.solved_firms, "{day}");

        // The edge firms are where the recount puts them, in the list as in the dashboard.
        for id in edges {
            let code = firm::Entity::find_by_id(id)
                .one(&*db)
                .await
                .unwrap()
                .unwrap()
                .credit_code;
            let one = |s| listed(&db, &campaign, as_of, s, &code);
            assert_eq!(
                one(TargetStatus::InScope).await,
                u64::from(r.counted.contains(&id)),
                "{day} firm {id}"
            );
            assert_eq!(
                one(TargetStatus::Visited).await,
                u64::from(r.visited.contains(&id)),
                "{day} firm {id}"
            );
            assert_eq!(
                one(TargetStatus::Solved).await,
                u64::from(r.solved.contains(&id)),
                "{day} firm {id}"
            );
        }
        assert!(
            !r.counted.contains(&archived) && !r.counted.contains(&left_out),
            "{day}"
        );
        assert!(
            r.counted.contains(&brought_in) && r.counted.contains(&handed),
            "{day}"
        );
        assert!(
            !r.solved.contains(&late),
            "{day}: confirmed after the deadline"
        );

        // The list's own columns say the same as its filter, page by page.
        let mut page = 1;
        let mut visited_rows = 0;
        loop {
            let p = firms::list(
                &*db,
                &campaign,
                &FirmQuery {
                    page,
                    as_of: Some(as_of),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            for row in &p.rows {
                assert_eq!(row.targets.in_scope, r.counted.contains(&row.id));
                assert_eq!(row.targets.visited_on_site, r.visited.contains(&row.id));
                assert_eq!(row.targets.problem_solved, r.solved.contains(&row.id));
                visited_rows += u64::from(row.targets.visited_on_site);
            }
            if page >= p.pages() {
                break;
            }
            page += 1;
        }
        assert_eq!(visited_rows, d.visited, "{day}");
    }

    // "Now" views: the campaign has ended, so they count up to its deadline, and say so.
    let now = Window::new(&campaign, campaign.default_as_of(today));
    let d = dashboard::compute(&*db, &campaign, now.as_of)
        .await
        .unwrap();
    let r = recount(&db, &campaign, &now).await;
    let roster = assignments::workload(&*db, &campaign, today).await.unwrap();
    assert_eq!(roster.basis.counted_to, campaign.deadline.min(today));
    let coordinator_of: HashMap<i32, i32> = assignment::Entity::find()
        .filter(assignment::Column::EndedAt.is_null())
        .all(&*db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.firm_id, a.coordinator_id))
        .collect();
    let mine = |set: &HashSet<i32>, c: i32| {
        set.iter()
            .filter(|id| coordinator_of.get(id) == Some(&c))
            .count() as i64
    };
    for row in &roster.rows {
        assert_eq!(
            (row.in_scope, row.visited, row.solved),
            (
                mine(&r.counted, row.id),
                mine(&r.visited, row.id),
                mine(&r.solved, row.id)
            ),
            "roster row of coordinator {}",
            row.id
        );
    }
    for c in d.by_coordinator.iter().chain(&d.coordinators_behind) {
        let row = roster.rows.iter().find(|row| row.id == c.id).unwrap();
        assert_eq!(
            (row.in_scope as u64, row.visited as u64, row.solved as u64),
            (c.in_scope, c.visited, c.solved)
        );
    }
    // The roster's firms and the firms without a coordinator add up to the dashboard.
    let unassigned = FirmQuery {
        page: 1,
        unassigned: true,
        status: Some(TargetStatus::Visited),
        ..Default::default()
    };
    let unassigned_visited = firms::list(&*db, &campaign, &unassigned)
        .await
        .unwrap()
        .total;
    let roster_visited: i64 = roster.rows.iter().map(|r| r.visited).sum();
    assert_eq!(roster_visited as u64 + unassigned_visited, d.visited);
    let roster_counted: i64 = roster.rows.iter().map(|r| r.in_scope).sum();
    assert_eq!(roster_counted as u64 + d.unassigned, d.in_scope);

    // The handed-over firm counts for its new coordinator, with the visits the old one made.
    let new_coordinator = coordinator_of[&handed];
    let mine_now = firms::my_firms(&*db, &campaign, new_coordinator, today)
        .await
        .unwrap();
    let f = mine_now.firms.iter().find(|f| f.id == handed).unwrap();
    assert!(f.targets.visited_on_site);
    assert!(f.last_visit.is_some(), "the old coordinator's visit shows");
    // 我的企业's counts at the top are the roster's row of the same coordinator.
    let row = roster
        .rows
        .iter()
        .find(|row| row.id == new_coordinator)
        .unwrap();
    let c = mine_now.counts();
    assert_eq!(c.firms, mine_now.firms.len());
    assert_eq!(
        (
            c.in_scope as i64,
            c.visited_on_site as i64,
            c.problem_solved as i64
        ),
        (row.in_scope, row.visited, row.solved)
    );
    assert!(mine_now.basis.ended && mine_now.basis.not_today);
    for f in &mine_now.firms {
        assert_eq!(f.targets.in_scope, r.counted.contains(&f.id));
        assert_eq!(f.targets.visited_on_site, r.visited.contains(&f.id));
        assert_eq!(f.targets.problem_solved, r.solved.contains(&f.id));
    }

    // The firm file's badges, counted in Rust from the file's own rows.
    for id in edges {
        let file = firms::file(&*db, &campaign, id).await.unwrap();
        assert_eq!(file.targets.in_scope, r.counted.contains(&id), "file {id}");
        assert_eq!(
            file.targets.visited_on_site,
            r.visited.contains(&id),
            "file {id}"
        );
        assert_eq!(
            file.targets.problem_solved,
            r.solved.contains(&id),
            "file {id}"
        );
        assert_eq!(file.basis.counted_to, now.upto);
    }

    // The half-year reports: the province's and each unit's firm figures.
    for period in ["2022H1", "2022H2"] {
        let period = HalfYear::parse("period", period).unwrap();
        let w = Window::new(&campaign, period.last_day());
        let r = recount(&db, &campaign, &w).await;
        let report = reports::half_year(&*db, &campaign, period, None)
            .await
            .unwrap();
        assert_eq!(
            (
                report.firms_served,
                report.firms_visited,
                report.firms_solved
            ),
            (
                r.counted.len() as u64,
                r.visited.len() as u64,
                r.solved.len() as u64
            )
        );
        let unit_of: HashMap<i32, Option<i32>> = user::Entity::find()
            .all(&*db)
            .await
            .unwrap()
            .into_iter()
            .map(|u| (u.id, u.member_unit_id))
            .collect();
        let units: HashSet<i32> = unit_of.values().flatten().copied().collect();
        for unit in units {
            let of_unit = |set: &HashSet<i32>| {
                set.iter()
                    .filter(|id| {
                        coordinator_of
                            .get(id)
                            .and_then(|c| unit_of[c])
                            .is_some_and(|u| u == unit)
                    })
                    .count() as u64
            };
            let report = reports::half_year(&*db, &campaign, period, Some(unit))
                .await
                .unwrap();
            assert_eq!(
                (
                    report.firms_served,
                    report.firms_visited,
                    report.firms_solved
                ),
                (of_unit(&r.counted), of_unit(&r.visited), of_unit(&r.solved)),
                "{} unit {unit}",
                period.code()
            );
        }
    }
}

#[tokio::test]
async fn a_later_round_counts_only_its_own_window_and_tiers() {
    let db = test_db().await;
    let campaign = current_campaign(&*db).await.unwrap();
    let office = office(&db).await;
    let firm = make_firm(&db, "第二轮企业", domain::Region::Xining, Tier::Reserve).await;
    let coordinator = make_coordinator(&*db, "协调员甲").await;
    assign(&db, firm.id, coordinator.id).await.unwrap();
    let later = domain::db::campaigns::create(
        &db,
        &caller(&office),
        domain::campaign::CampaignForm {
            name_zh: "百人助百企（2023年）".into(),
            starts_on: "2023-03-01".into(),
            deadline: "2023-12-31".into(),
            tiers: vec![Tier::ProvincialSrdi.id().to_string()],
            ..Default::default()
        }
        .validate()
        .unwrap(),
    )
    .await
    .unwrap();
    // The reserve firm is in the 2022 round's scope, not in the 2023 round's.
    let n = |c: &Campaign, day: &str| {
        let c = c.clone();
        let day = date(day);
        let db = &db;
        async move { listed(db, &c, day, TargetStatus::InScope, "").await }
    };
    assert_eq!(n(&campaign, "2022-12-31").await, 1);
    assert_eq!(n(&later, "2023-06-30").await, 0);
    let d = dashboard::compute(&*db, &later, date("2023-06-30"))
        .await
        .unwrap();
    assert_eq!(d.in_scope, 0);
    let w = Window::new(&later, date("2023-06-30"));
    assert!(!w.counts_visit(VisitKind::OnSite, date("2022-12-01")));
}
