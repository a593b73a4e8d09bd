//! Integration tests of the services on a real database (SQLite, or PostgreSQL with
//! TEST_DATABASE_URL). Run with `cargo test -p domain --features db`.

#![allow(clippy::unwrap_used)]

use chrono::{Duration, NaiveDate};
use domain::db::audit::Actor;
use domain::db::entity::{audit_log, firm, problem, visit};
use domain::db::testing::*;
use domain::db::{current_campaign, demo, firms, is_unique_violation, progress, query_all, visits};
use domain::firm::{FirmQuery, FirmQueryParams, TimelineEntry};
use domain::visit::{VisitForm, VisitKind};
use domain::{Error, K, Region, Tier};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, Set,
};
use std::collections::{HashMap, HashSet};

#[derive(FromQueryResult)]
struct NameRow {
    id: i32,
    name_zh: String,
    name_en: String,
}

#[tokio::test]
async fn migrations_seed_the_reference_data_of_the_notice() {
    let db = test_db().await;
    let regions = query_all::<NameRow>(
        &*db,
        "SELECT id, name_zh, name_en FROM regions ORDER BY id",
        vec![],
    )
    .await
    .unwrap();
    assert_eq!(regions.len(), 8);
    for r in &regions {
        let region = Region::from_id(r.id).unwrap();
        assert_eq!(
            (region.name_zh(), region.name_en()),
            (r.name_zh.as_str(), r.name_en.as_str())
        );
    }
    let tiers = query_all::<NameRow>(
        &*db,
        "SELECT id, name_zh, name_en FROM tiers ORDER BY id",
        vec![],
    )
    .await
    .unwrap();
    assert_eq!(tiers.len(), 5);
    for t in &tiers {
        assert_eq!(Tier::from_id(t.id).unwrap().name_zh(), t.name_zh);
    }
    let measures = query_all::<NameRow>(
        &*db,
        "SELECT id, name_zh, name_en FROM measures ORDER BY id",
        vec![],
    )
    .await
    .unwrap();
    assert_eq!(measures.len(), 26);
    assert_eq!(measures[15].name_zh, "开展百人助百企活动");
    let units = query_all::<NameRow>(
        &*db,
        "SELECT id, name_zh, name_en FROM member_units ORDER BY id",
        vec![],
    )
    .await
    .unwrap();
    assert_eq!(units.len(), 19, "distinct departments named in the notice");
    assert!(units.iter().all(|u| !u.name_en.is_empty()));

    #[derive(FromQueryResult)]
    struct Linked {
        measure_id: i32,
        n: i64,
    }
    let linked = query_all::<Linked>(
        &*db,
        "SELECT measure_id, COUNT(*) AS n FROM measure_units GROUP BY measure_id ORDER BY measure_id",
        vec![],
    )
    .await
    .unwrap();
    let by_measure: HashMap<i32, i64> = linked.into_iter().map(|l| (l.measure_id, l.n)).collect();
    assert_eq!(
        by_measure[&16], 19,
        "measure 16 belongs to every member unit"
    );
    assert_eq!(by_measure[&3], 1, "measure 3 is the tax service's alone");
    assert_eq!(by_measure[&1], 6);

    let campaign = current_campaign(&*db).await.unwrap();
    assert_eq!(campaign.starts_on, date("2022-02-27"));
    assert_eq!(campaign.deadline, date("2022-12-31"));
}

#[tokio::test]
async fn the_database_allows_one_active_coordinator_per_firm() {
    let db = test_db().await;
    let f = make_firm(&db, "青海测试机械有限公司", Region::Xining, Tier::Reserve).await;
    let a = make_coordinator(&*db, "甲").await;
    let b = make_coordinator(&*db, "乙").await;
    let first = assign(&db, f.id, a.id).await.unwrap();
    let second = assign(&db, f.id, b.id).await.unwrap_err();
    assert!(is_unique_violation(&second), "{second:?}");

    // Ending the first assignment (a handover) frees the slot and keeps the history.
    let mut ended: domain::db::entity::assignment::ActiveModel = first.into();
    ended.ended_at = Set(Some(chrono::Utc::now()));
    ended.update(&*db).await.unwrap();
    assign(&db, f.id, b.id).await.unwrap();
    assert_eq!(
        firms::coordinator_of(&*db, f.id).await.unwrap().unwrap().id,
        b.id
    );
}

#[tokio::test]
async fn credit_codes_are_unique() {
    let db = test_db().await;
    let f = make_firm(&db, "甲公司", Region::Xining, Tier::Reserve).await;
    let mut copy: firm::ActiveModel = make_firm(&db, "乙公司", Region::Xining, Tier::Reserve)
        .await
        .into();
    copy.credit_code = Set(f.credit_code.clone());
    let err = copy.update(&*db).await.unwrap_err();
    assert!(is_unique_violation(&err), "{err:?}");
}

fn visit_form(date: &str, kind: VisitKind, key: &str) -> VisitForm {
    VisitForm {
        visit_date: date.to_owned(),
        kind: kind.code().to_owned(),
        participants: "总经理".to_owned(),
        summary: "了解企业融资需求".to_owned(),
        idempotency_key: key.to_owned(),
        problems: Vec::new(),
        ..Default::default()
    }
}

#[tokio::test]
async fn logging_an_on_site_visit_moves_progress_and_is_audited() {
    let db = test_db().await;
    let campaign = current_campaign(&*db).await.unwrap();
    let f = make_firm(
        &db,
        "海东高原乳业有限公司",
        Region::Haidong,
        Tier::ProvincialSrdi,
    )
    .await;
    let other = make_firm(
        &db,
        "海东创新科技有限公司",
        Region::Haidong,
        Tier::Innovative,
    )
    .await;
    let c = make_coordinator(&*db, "马协调").await;
    assign(&db, f.id, c.id).await.unwrap();
    assign(&db, other.id, c.id).await.unwrap();
    let today = date("2022-06-30");

    let before = progress::compute(&*db, &campaign, today).await.unwrap();
    assert_eq!(
        (before.firms_in_scope, before.visited_on_site),
        (1, 0),
        "the innovative SME is out of scope"
    );

    // A phone call is contact, not a visit: it does not count.
    let phone = visit_form("2022-06-01", VisitKind::Phone, "k-phone")
        .validate(&campaign, today)
        .unwrap();
    visits::log(&db, f.id, phone, &Actor::anonymous(None))
        .await
        .unwrap();
    assert_eq!(
        progress::compute(&*db, &campaign, today)
            .await
            .unwrap()
            .visited_on_site,
        0
    );

    let on_site = visit_form("2022-06-02", VisitKind::OnSite, "k-site")
        .validate(&campaign, today)
        .unwrap();
    let logged = visits::log(
        &db,
        f.id,
        on_site,
        &Actor::anonymous(Some("10.0.0.9".into())),
    )
    .await
    .unwrap();
    assert!(logged.created);
    let after = progress::compute(&*db, &campaign, today).await.unwrap();
    assert_eq!(after.visited_on_site, 1);
    // Replayed as of the day before, the visit had not happened yet.
    assert_eq!(
        progress::compute(&*db, &campaign, date("2022-06-01"))
            .await
            .unwrap()
            .visited_on_site,
        0
    );

    let stored = visit::Entity::find_by_id(logged.visit_id)
        .one(&*db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.firm_id, stored.coordinator_id, stored.kind.as_str()),
        (f.id, c.id, "on_site")
    );
    let trail = audit_log::Entity::find()
        .filter(audit_log::Column::EntityId.eq(logged.visit_id))
        .all(&*db)
        .await
        .unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].action, "create");
    assert_eq!(trail[0].client_addr.as_deref(), Some("10.0.0.9"));
    assert!(trail[0].before_json.is_none());
    assert!(
        trail[0]
            .after_json
            .as_deref()
            .unwrap()
            .contains("了解企业融资需求")
    );

    let file = firms::file(&*db, &campaign, f.id).await.unwrap();
    assert!(file.targets.visited_on_site);
    assert!(matches!(&file.timeline[0], TimelineEntry::Visit(v) if v.kind == VisitKind::OnSite));
    assert_eq!(file.timeline.len(), 2);
}

#[tokio::test]
async fn the_same_idempotency_key_twice_makes_one_visit() {
    let db = test_db().await;
    let campaign = current_campaign(&*db).await.unwrap();
    let f = make_firm(
        &db,
        "西宁重复提交测试有限公司",
        Region::Xining,
        Tier::Reserve,
    )
    .await;
    let c = make_coordinator(&*db, "韩").await;
    assign(&db, f.id, c.id).await.unwrap();
    let today = date("2022-07-01");
    let form = visit_form("2022-06-15", VisitKind::OnSite, "double-tap-1");
    let first = visits::log(
        &db,
        f.id,
        form.validate(&campaign, today).unwrap(),
        &Actor::default(),
    )
    .await
    .unwrap();
    let second = visits::log(
        &db,
        f.id,
        form.validate(&campaign, today).unwrap(),
        &Actor::default(),
    )
    .await
    .unwrap();
    assert_eq!(first.visit_id, second.visit_id);
    assert!(first.created && !second.created);
    assert_eq!(visit::Entity::find().count(&*db).await.unwrap(), 1);
    assert_eq!(
        audit_log::Entity::find()
            .filter(audit_log::Column::Entity.eq("visit"))
            .count(&*db)
            .await
            .unwrap(),
        1
    );

    // The same key for another firm is refused rather than silently answered.
    let g = make_firm(&db, "另一家公司", Region::Xining, Tier::Reserve).await;
    assign(&db, g.id, c.id).await.unwrap();
    let err = visits::log(
        &db,
        g.id,
        form.validate(&campaign, today).unwrap(),
        &Actor::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.status(), 409);
}

#[tokio::test]
async fn refused_visits_write_nothing() {
    let db = test_db().await;
    let campaign = current_campaign(&*db).await.unwrap();
    let today = date("2022-07-01");
    let lonely = make_firm(&db, "玉树无人分配有限公司", Region::Yushu, Tier::Reserve).await;
    let form = visit_form("2022-06-15", VisitKind::OnSite, "");

    let err = visits::log(
        &db,
        lonely.id,
        form.validate(&campaign, today).unwrap(),
        &Actor::default(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::Conflict(e) if e.key == K::ErrNoCoordinator),
        "{err:?}"
    );
    let err = visits::log(
        &db,
        99_999,
        form.validate(&campaign, today).unwrap(),
        &Actor::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(err, Error::not_found(K::EntityFirm));

    let mut archived: firm::ActiveModel =
        make_firm(&db, "已归档公司", Region::Xining, Tier::Reserve)
            .await
            .into();
    archived.archived_at = Set(Some(chrono::Utc::now()));
    let archived = archived.update(&*db).await.unwrap();
    let c = make_coordinator(&*db, "祁").await;
    assign(&db, archived.id, c.id).await.unwrap();
    let err = visits::log(
        &db,
        archived.id,
        form.validate(&campaign, today).unwrap(),
        &Actor::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(&err, Error::Conflict(e) if e.key == K::ErrFirmArchived));

    assert_eq!(visit::Entity::find().count(&*db).await.unwrap(), 0);
    assert_eq!(audit_log::Entity::find().count(&*db).await.unwrap(), 0);
}

#[tokio::test]
async fn the_firm_list_filters_searches_and_pages() {
    let db = test_db().await;
    let campaign = current_campaign(&*db).await.unwrap();
    for i in 0..25 {
        make_firm(
            &db,
            &format!("西宁第{i}机械有限公司"),
            Region::Xining,
            Tier::Reserve,
        )
        .await;
    }
    let haixi = make_firm(
        &db,
        "格尔木盐湖50%化工有限公司",
        Region::Haixi,
        Tier::LittleGiant,
    )
    .await;
    let c = make_coordinator(&*db, "索南").await;
    assign(&db, haixi.id, c.id).await.unwrap();

    let all = firms::list(
        &*db,
        &campaign,
        &FirmQuery {
            page: 1,
            ..FirmQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!((all.total, all.rows.len(), all.pages()), (26, 20, 2));
    let page2 = firms::list(
        &*db,
        &campaign,
        &FirmQuery {
            page: 2,
            ..FirmQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(page2.rows.len(), 6);
    let ids: HashSet<i32> = all.rows.iter().chain(&page2.rows).map(|r| r.id).collect();
    assert_eq!(ids.len(), 26, "pages do not overlap");

    let by_region = firms::list(
        &*db,
        &campaign,
        &FirmQuery {
            region: Some(Region::Haixi),
            page: 1,
            ..FirmQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(by_region.total, 1);
    assert_eq!(by_region.rows[0].coordinator.as_deref(), Some("索南"));
    assert!(!by_region.rows[0].targets.visited_on_site);

    let by_tier = firms::list(
        &*db,
        &campaign,
        &FirmQuery {
            tier: Some(Tier::Reserve),
            page: 1,
            ..FirmQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(by_tier.total, 25);

    // Credit codes match in any case and in part; a LIKE wildcard typed by a user is literal.
    let code_part = haixi.credit_code[4..12].to_lowercase();
    let q = FirmQueryParams {
        unassigned: None,
        q: Some(code_part),
        ..Default::default()
    }
    .parse()
    .unwrap();
    assert_eq!(firms::list(&*db, &campaign, &q).await.unwrap().total, 1);
    let pct = FirmQuery {
        q: "%".into(),
        page: 1,
        ..FirmQuery::default()
    };
    assert_eq!(
        firms::list(&*db, &campaign, &pct).await.unwrap().total,
        1,
        "only the firm with % in its name"
    );
    let name = FirmQuery {
        q: "第1".into(),
        page: 1,
        ..FirmQuery::default()
    };
    assert_eq!(
        firms::list(&*db, &campaign, &name).await.unwrap().total,
        11,
        "第1 and 第10..第19"
    );
}

/// Counts the two targets in Rust from the raw rows, independently of the SQL in `progress`.
async fn count_independently(
    db: &sea_orm::DatabaseConnection,
    as_of: NaiveDate,
) -> (u64, u64, u64, u64) {
    let campaign = current_campaign(db).await.unwrap();
    let upto = as_of.min(campaign.deadline);
    let firms: Vec<firm::Model> = firm::Entity::find().all(db).await.unwrap();
    let in_scope: HashSet<i32> = firms
        .iter()
        .filter(|f| f.in_scope && f.archived_at.is_none())
        .map(|f| f.id)
        .collect();
    let visited: HashSet<i32> = visit::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|v| {
            v.kind == "on_site" && v.visit_date >= campaign.starts_on && v.visit_date <= upto
        })
        .map(|v| v.firm_id)
        .filter(|id| in_scope.contains(id))
        .collect();
    let solved: HashSet<i32> = problem::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| {
            p.status == "solved"
                && p.solved_at
                    .is_some_and(|t| domain::clock::date_of(t) <= upto)
        })
        .map(|p| p.firm_id)
        .filter(|id| in_scope.contains(id))
        .collect();
    let both = visited.intersection(&solved).count() as u64;
    (
        in_scope.len() as u64,
        visited.len() as u64,
        solved.len() as u64,
        both,
    )
}

#[tokio::test]
async fn demo_data_is_a_realistic_campaign_and_progress_matches_an_independent_count() {
    let db = test_db().await;
    let summary = demo::seed(&db).await.unwrap();
    assert!(!summary.skipped);
    assert_eq!(summary.firms, 300);
    assert_eq!(summary.coordinators, 80);
    assert!(
        summary.visits > 250 && summary.problems > 200,
        "{summary:?}"
    );
    // Seeding again leaves the data alone.
    assert!(demo::seed(&db).await.unwrap().skipped);
    assert_eq!(firm::Entity::find().count(&*db).await.unwrap(), 300);

    let all_firms = firm::Entity::find().all(&*db).await.unwrap();
    assert!(
        all_firms
            .iter()
            .all(|f| domain::CreditCode::parse(&f.credit_code).is_ok())
    );
    let per_region: HashMap<i32, usize> = all_firms.iter().fold(HashMap::new(), |mut m, f| {
        *m.entry(f.region_id).or_default() += 1;
        m
    });
    assert_eq!(per_region.len(), 8);
    assert!(per_region[&Region::Xining.id()] > per_region[&Region::Golog.id()]);

    let campaign = current_campaign(&*db).await.unwrap();
    let mut day = campaign.starts_on;
    let mut last = (0, 0);
    while day <= campaign.deadline + Duration::days(7) {
        let p = progress::compute(&*db, &campaign, day).await.unwrap();
        let expected = count_independently(&db, day).await;
        assert_eq!(
            (
                p.firms_in_scope,
                p.visited_on_site,
                p.with_solved_problem,
                p.both_targets_met
            ),
            expected,
            "as of {day}"
        );
        assert!(
            p.visited_on_site >= last.0 && p.with_solved_problem >= last.1,
            "progress never goes back"
        );
        last = (p.visited_on_site, p.with_solved_problem);
        day += Duration::days(45);
    }
    let end = progress::compute(&*db, &campaign, campaign.deadline)
        .await
        .unwrap();
    // A campaign in progress: well along, but not finished, with some firms still unassigned.
    assert!(
        end.visited_percent() > 70.0 && end.visited_percent() < 100.0,
        "{end:?}"
    );
    assert!(
        end.solved_percent() > 40.0 && end.solved_percent() < end.visited_percent(),
        "{end:?}"
    );
    let unassigned = firms::list(
        &*db,
        &campaign,
        &FirmQuery {
            page: 1,
            ..FirmQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(unassigned.total, 300);
}

#[tokio::test]
async fn a_coordinator_corrects_their_own_recent_visit_and_the_audit_keeps_before_and_after() {
    use domain::auth::{CurrentUser, Role};
    let db = test_db().await;
    let campaign = current_campaign(&*db).await.unwrap();
    let f = make_firm(&db, "西宁更正测试有限公司", Region::Xining, Tier::Reserve).await;
    let c = make_coordinator(&*db, "马").await;
    let other = make_coordinator(&*db, "李").await;
    assign(&db, f.id, c.id).await.unwrap();
    let me = CurrentUser {
        id: c.id,
        name: c.name.clone(),
        role: Role::Coordinator,
        member_unit_id: c.member_unit_id,
    };
    let someone_else = CurrentUser {
        id: other.id,
        name: other.name.clone(),
        role: Role::Coordinator,
        member_unit_id: None,
    };
    let today = date("2022-08-01");
    let logged = visits::log(
        &db,
        f.id,
        visit_form("2022-07-30", VisitKind::Phone, "fix-1")
            .validate(&campaign, today)
            .unwrap(),
        &Actor::user(&me, None),
    )
    .await
    .unwrap();

    let fixed = visit_form("2022-07-29", VisitKind::OnSite, "")
        .validate(&campaign, today)
        .unwrap();
    assert_eq!(
        visits::correct(&db, &caller(&someone_else), logged.visit_id, fixed.clone())
            .await
            .unwrap_err(),
        Error::Forbidden
    );
    let after = visits::correct(&db, &caller(&me), logged.visit_id, fixed)
        .await
        .unwrap();
    assert_eq!(
        (after.kind.as_str(), after.visit_date),
        ("on_site", date("2022-07-29"))
    );

    let entry = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("update"))
        .one(&*db)
        .await
        .unwrap()
        .unwrap();
    let before: serde_json::Value =
        serde_json::from_str(entry.before_json.as_deref().unwrap()).unwrap();
    let after: serde_json::Value =
        serde_json::from_str(entry.after_json.as_deref().unwrap()).unwrap();
    assert_eq!(
        (before["kind"].as_str(), after["kind"].as_str()),
        (Some("phone"), Some("on_site"))
    );
    assert_eq!(
        (before["visit_date"].as_str(), after["visit_date"].as_str()),
        (Some("2022-07-30"), Some("2022-07-29"))
    );
    assert_eq!(entry.actor_id, Some(c.id));

    // After the correction window only the office may change it.
    let stored = visits::get(&*db, logged.visit_id).await.unwrap();
    let later = stored.created_at + chrono::Duration::hours(visits::CORRECTION_HOURS + 1);
    assert!(!visits::may_correct(&me, &stored, later));
    let office = CurrentUser {
        id: 0,
        name: "办公室".into(),
        role: Role::Office,
        member_unit_id: None,
    };
    assert!(visits::may_correct(&office, &stored, later));
}

#[tokio::test]
async fn assignment_and_handover_keep_one_coordinator_and_the_history() {
    use domain::auth::{CurrentUser, Role};
    use domain::db::assignments;
    let db = test_db().await;
    let office = CurrentUser {
        id: make_coordinator(&*db, "办公室占位").await.id,
        name: "办公室".into(),
        role: Role::Office,
        member_unit_id: None,
    };
    let a = make_coordinator(&*db, "甲").await;
    let b = make_coordinator(&*db, "乙").await;
    let mut firms = Vec::new();
    for i in 0..10 {
        firms.push(
            make_firm(
                &db,
                &format!("批量分配{i}号有限公司"),
                Region::Haidong,
                Tier::Reserve,
            )
            .await
            .id,
        );
    }
    let first = assignments::assign(&db, &caller(&office), &firms, a.id, "")
        .await
        .unwrap();
    assert_eq!(
        (first.assigned, first.handed_over, first.unchanged),
        (10, 0, 0)
    );
    let again = assignments::assign(&db, &caller(&office), &firms[..3], a.id, "")
        .await
        .unwrap();
    assert_eq!(
        again.unchanged, 3,
        "assigning the same coordinator changes nothing"
    );

    // A handover needs a reason, and then keeps the old line with its end and reason.
    let err = assignments::assign(&db, &caller(&office), &firms[..1], b.id, " ")
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Validation(e) if e[0].key == K::ErrReasonRequired));
    let handed = assignments::assign(&db, &caller(&office), &firms[..1], b.id, "原协调员调岗")
        .await
        .unwrap();
    assert_eq!(handed.handed_over, 1);
    let history = assignments::history(&*db, firms[0]).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        (
            history[0].coordinator.as_str(),
            history[0].ended_at.is_none()
        ),
        ("乙", true)
    );
    assert_eq!(
        (
            history[1].coordinator.as_str(),
            history[1].end_reason.as_deref()
        ),
        ("甲", Some("原协调员调岗"))
    );
    assert_eq!(
        firms::coordinator_of(&*db, firms[0])
            .await
            .unwrap()
            .unwrap()
            .id,
        b.id
    );

    // Only the office assigns, only to coordinators, and a bad firm in the batch writes nothing.
    let coordinator = CurrentUser {
        id: a.id,
        name: a.name.clone(),
        role: Role::Coordinator,
        member_unit_id: None,
    };
    assert_eq!(
        assignments::assign(&db, &caller(&coordinator), &firms, a.id, "")
            .await
            .unwrap_err(),
        Error::Forbidden
    );
    let not_coordinator =
        assignments::assign(&db, &caller(&office), &firms, office.id + 10_000, "")
            .await
            .unwrap_err();
    assert!(matches!(&not_coordinator, Error::Validation(e) if e[0].key == K::ErrNotACoordinator));
    let mut with_unknown = firms[1..3].to_vec();
    with_unknown.push(999_999);
    assert!(
        assignments::assign(&db, &caller(&office), &with_unknown, b.id, "交接")
            .await
            .is_err()
    );
    assert_eq!(
        firms::coordinator_of(&*db, firms[1])
            .await
            .unwrap()
            .unwrap()
            .id,
        a.id,
        "all or nothing"
    );
}

#[tokio::test]
async fn workload_counts_each_coordinators_firms_and_the_unassigned() {
    use domain::auth::{CurrentUser, Role};
    let db = test_db().await;
    let campaign = current_campaign(&*db).await.unwrap();
    let c = make_coordinator(&*db, "工作量").await;
    let a = make_firm(&db, "甲有限公司", Region::Xining, Tier::Reserve).await;
    let b = make_firm(&db, "乙有限公司", Region::Xining, Tier::Reserve).await;
    make_firm(&db, "丙有限公司", Region::Golog, Tier::Reserve).await;
    assign(&db, a.id, c.id).await.unwrap();
    assign(&db, b.id, c.id).await.unwrap();
    let me = CurrentUser {
        id: c.id,
        name: c.name.clone(),
        role: Role::Coordinator,
        member_unit_id: None,
    };
    let form = visit_form("2022-05-05", VisitKind::OnSite, "");
    visits::log(
        &db,
        a.id,
        form.validate(&campaign, date("2022-06-01")).unwrap(),
        &Actor::user(&me, None),
    )
    .await
    .unwrap();

    let roster = domain::db::assignments::workload(&*db, &campaign, date("2022-06-01"))
        .await
        .unwrap();
    let mine = roster.rows.iter().find(|r| r.id == c.id).unwrap();
    assert_eq!(
        (mine.firms, mine.in_scope, mine.visited, mine.solved),
        (2, 2, 1, 0)
    );
    assert_eq!(roster.unassigned, 1);
    assert_eq!(
        domain::db::assignments::unassigned_count(&*db)
            .await
            .unwrap(),
        1
    );
    let q = FirmQueryParams {
        unassigned: Some("1".into()),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let page = firms::list(&*db, &campaign, &q).await.unwrap();
    assert_eq!(
        page.rows
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>(),
        vec!["丙有限公司"]
    );
}

fn firm_form(code: &str) -> domain::firm::FirmForm {
    domain::firm::FirmForm {
        credit_code: code.into(),
        name: "青海新登记科技有限公司".into(),
        region: "1".into(),
        county: "城东区".into(),
        industry: "信息技术".into(),
        tier: "1".into(),
        contact_name: "王经理".into(),
        contact_phone: "0971-0000000".into(),
        address: "西宁市城东区".into(),
        scope: String::new(),
        scope_reason: String::new(),
        site: String::new(),
    }
}

#[tokio::test]
async fn the_office_registers_edits_and_archives_firms() {
    use domain::auth::{CurrentUser, Role};
    let db = test_db().await;
    let campaign = current_campaign(&*db).await.unwrap();
    let office = CurrentUser {
        id: make_coordinator(&*db, "办公室").await.id,
        name: "办公室".into(),
        role: Role::Office,
        member_unit_id: None,
    };
    let actor = caller(&office);

    // A wrong check character and a scope override without a reason are refused, field by field.
    let mut bad = firm_form("91350100M000100Y44");
    bad.scope = "in".into();
    let Err(Error::Validation(errors)) = bad.validate() else {
        panic!("invalid")
    };
    let keys: Vec<K> = errors.iter().map(|e| e.key).collect();
    assert_eq!(keys, vec![K::ErrCreditCheck, K::ErrReasonRequired]);

    let mut form = firm_form(" 91350100m000100y43 ");
    form.scope = "in".into();
    form.scope_reason = "拟申报专精特新，提前纳入服务".into();
    let created = firms::create(&db, &actor, form.validate().unwrap())
        .await
        .unwrap();
    assert_eq!(created.credit_code, "91350100M000100Y43");
    assert!(
        created.in_scope,
        "an innovative SME brought into scope by the office"
    );
    let again = firms::create(
        &db,
        &actor,
        firm_form("91350100M000100Y43").validate().unwrap(),
    )
    .await
    .unwrap_err();
    assert!(matches!(&again, Error::Conflict(e) if e.key == K::ErrCreditDuplicate));

    let mut edit = firm_form("91350100M000100Y43");
    edit.name = "青海新登记科技股份有限公司".into();
    edit.tier = "3".into();
    let updated = firms::update(&db, &actor, created.id, edit.validate().unwrap())
        .await
        .unwrap();
    assert_eq!(
        (
            updated.tier_id,
            updated.in_scope,
            updated.scope_reason.as_deref()
        ),
        (3, true, None)
    );
    let entry = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("update"))
        .one(&*db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        entry
            .before_json
            .unwrap()
            .contains("青海新登记科技有限公司")
            && entry.after_json.unwrap().contains("股份有限公司")
    );

    let coordinator = CurrentUser {
        role: Role::Coordinator,
        ..office.clone()
    };
    assert_eq!(
        firms::archive(&db, &caller(&coordinator), created.id)
            .await
            .unwrap_err(),
        Error::Forbidden
    );
    firms::archive(&db, &actor, created.id).await.unwrap();
    let listed = firms::list(
        &*db,
        &campaign,
        &FirmQuery {
            page: 1,
            ..FirmQuery::default()
        },
    )
    .await
    .unwrap();
    assert!(
        listed.rows.iter().all(|r| r.id != created.id),
        "archived firms leave the list"
    );
    assert!(
        firms::file(&*db, &campaign, created.id)
            .await
            .unwrap()
            .firm
            .archived,
        "but their file stays"
    );
}

/// A visit from a phone's outbox: the phone's capture time and position are kept beside the
/// time the server received it; the outbox's resend of the same body, and of its photo, after a
/// lost answer is still one visit with one photo.
#[tokio::test]
async fn an_outbox_visit_keeps_both_times_and_its_resend_is_one_visit_with_one_photo() {
    let db = test_db().await;
    let f = make_firm(&db, "玉树离线走访有限公司", Region::Yushu, Tier::Reserve).await;
    let c = make_coordinator(&*db, "才让").await;
    assign(&db, f.id, c.id).await.unwrap();
    let coordinator = caller(&domain::auth::CurrentUser {
        id: c.id,
        name: c.name.clone(),
        role: domain::auth::Role::Coordinator,
        member_unit_id: None,
    });
    let form = VisitForm {
        captured_at: "2022-06-15T10:05:00+08:00".into(),
        position: Some(domain::visit::PositionForm {
            latitude: 33.006_1,
            longitude: 97.009_9,
            accuracy: 35.0,
        }),
        ..visit_form("2022-06-15", VisitKind::OnSite, "outbox-7f3a")
    };
    let before = chrono::Utc::now();
    let first = visits::log_for(&db, &coordinator, &f.id.to_string(), &form)
        .await
        .unwrap();
    let again = visits::log_for(&db, &coordinator, &f.id.to_string(), &form)
        .await
        .unwrap();
    assert!(first.created && !again.created);
    assert_eq!(first.visit_id, again.visit_id);
    let stored = visit::Entity::find_by_id(first.visit_id)
        .one(&*db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.captured_at.map(|t| t.to_rfc3339()),
        Some("2022-06-15T02:05:00+00:00".to_owned())
    );
    assert!(stored.created_at >= before - Duration::seconds(1));
    assert_eq!(
        (stored.latitude_e6, stored.longitude_e6, stored.accuracy_m),
        (Some(33_006_100), Some(97_009_900), Some(35))
    );
    // The same key with another capture time is other content: refused, not merged.
    let other = VisitForm {
        captured_at: "2022-06-15T11:00:00+08:00".into(),
        ..form.clone()
    };
    let err = visits::log_for(&db, &coordinator, &f.id.to_string(), &other)
        .await
        .unwrap_err();
    assert_eq!(err.status(), 409);

    // The photo sent twice (the first answer lost on the way) is one attachment.
    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[7u8; 600][..]].concat();
    let a = domain::db::attachments::store(&db, &coordinator, first.visit_id, "现场.jpg", &jpeg)
        .await
        .unwrap();
    let b = domain::db::attachments::store(&db, &coordinator, first.visit_id, "现场.jpg", &jpeg)
        .await
        .unwrap();
    assert_eq!(a.id, b.id);
    let rows = domain::db::attachments::for_firm(&*db, f.id).await.unwrap();
    assert_eq!(rows.len(), 1);
}

/// A firm's site (企业位置): the coordinator makes a precise visit position the site while the
/// firm has none and may not move it after; the office may; a vague or missing position is
/// refused and changes nothing; the file then says how far each visit was from the site; the
/// office's form writes, re-reads and clears it; each change is audited.
#[tokio::test]
async fn a_visits_precise_position_becomes_the_firms_site_and_later_visits_are_measured_from_it() {
    use domain::auth::{CurrentUser, Role};
    use domain::firm::{Proximity, Site};
    let db = test_db().await;
    let campaign = current_campaign(&*db).await.unwrap();
    let f = make_firm(&db, "果洛定位测试有限公司", Region::Golog, Tier::Reserve).await;
    let id = f.id.to_string();
    let c = make_coordinator(&*db, "多杰").await;
    assign(&db, f.id, c.id).await.unwrap();
    let as_user = |id: i32, role: Role| {
        caller(&CurrentUser {
            id,
            name: "测试".into(),
            role,
            member_unit_id: None,
        })
    };
    let coordinator = as_user(c.id, Role::Coordinator);
    let stranger = as_user(make_coordinator(&*db, "旁人").await.id, Role::Coordinator);
    let office = as_user(make_coordinator(&*db, "办公室").await.id, Role::Office);
    let at = |date: &str, key: &str, latitude: f64, longitude: f64, accuracy: f64| VisitForm {
        position: Some(domain::visit::PositionForm {
            latitude,
            longitude,
            accuracy,
        }),
        ..visit_form(date, VisitKind::OnSite, key)
    };
    let log = |form: VisitForm| {
        let (db, coordinator, id) = (&db, &coordinator, &id);
        async move {
            visits::log_for(db, coordinator, id, &form)
                .await
                .unwrap()
                .visit_id
        }
    };
    let yard = log(at("2022-06-01", "site-1", 34.4731, 100.2452, 12.0)).await;
    let vague = log(at("2022-06-02", "site-2", 34.48, 100.25, 800.0)).await;
    let bare = log(visit_form("2022-06-03", VisitKind::OnSite, "site-3")).await;
    let (conn, firm_id): (&sea_orm::DatabaseConnection, i32) = (&db, f.id);
    let site_of = move || async move {
        firm::Entity::find_by_id(firm_id)
            .one(conn)
            .await
            .unwrap()
            .unwrap()
            .site()
    };

    for (visit, key) in [(vague, K::ErrSiteVague), (bare, K::ErrNoPosition)] {
        let Err(Error::Validation(errors)) =
            firms::set_site_from_visit(&db, &coordinator, &visit.to_string()).await
        else {
            panic!("refused")
        };
        assert_eq!((errors[0].field.as_str(), errors[0].key), ("visit_id", key));
    }
    assert_eq!(site_of().await, None);
    let e = firms::set_site_from_visit(&db, &stranger, &yard.to_string())
        .await
        .unwrap_err();
    assert_eq!(e.status(), 403, "not this coordinator's firm");

    let set = firms::set_site_from_visit(&db, &coordinator, &yard.to_string())
        .await
        .unwrap();
    let yard_site = Site {
        latitude_e6: 34_473_100,
        longitude_e6: 100_245_200,
    };
    assert_eq!(set.site(), Some(yard_site));

    // A later visit 0.018° further north: about 2 km, not at the firm.
    let far = log(at("2022-06-10", "site-4", 34.4911, 100.2452, 20.0)).await;
    let file = firms::file(&*db, &campaign, f.id).await.unwrap();
    assert_eq!(file.firm.site, Some(yard_site));
    let from_site: HashMap<i32, Option<Proximity>> = file
        .timeline
        .iter()
        .filter_map(|e| match e {
            TimelineEntry::Visit(v) => Some((v.id, v.from_site)),
            TimelineEntry::Problem(_) => None,
        })
        .collect();
    assert_eq!(
        from_site[&yard],
        Some(Proximity {
            metres: 0,
            near: true
        })
    );
    let far_from = from_site[&far].unwrap();
    assert!(!far_from.near && (1_990..2_010).contains(&far_from.metres));
    assert_eq!(from_site[&bare], None);

    // The site is now the reference: its coordinator cannot move it, the office can.
    let e = firms::set_site_from_visit(&db, &coordinator, &far.to_string())
        .await
        .unwrap_err();
    assert_eq!(e.status(), 403);
    assert_eq!(site_of().await, Some(yard_site));
    firms::set_site_from_visit(&db, &office, &far.to_string())
        .await
        .unwrap();
    let far_site = Site {
        latitude_e6: 34_491_100,
        longitude_e6: 100_245_200,
    };
    assert_eq!(site_of().await, Some(far_site));

    // The office's form shows it, reads a pair pasted from a map app (longitude first) and
    // refuses one number, leaving the stored site; empty clears it.
    let mut form = firms::form_for(&*db, &office, Some(&id)).await.unwrap();
    assert_eq!(form.site, "34.491100, 100.245200");
    form.site = "34.47".into();
    let Err(Error::Validation(errors)) = firms::save(&db, &office, &id, &form).await else {
        panic!("refused")
    };
    assert_eq!(
        (errors[0].field.as_str(), errors[0].key),
        ("site", K::ErrBadSite)
    );
    assert_eq!(site_of().await, Some(far_site));
    form.site = "100.2452，34.4731".into();
    firms::save(&db, &office, &id, &form).await.unwrap();
    assert_eq!(site_of().await, Some(yard_site));
    form.site = String::new();
    firms::save(&db, &office, &id, &form).await.unwrap();
    assert_eq!(site_of().await, None);

    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("set_site"))
        .filter(audit_log::Column::FirmId.eq(f.id))
        .all(&*db)
        .await
        .unwrap();
    assert_eq!(audited.len(), 2);
    assert!(
        audited[1]
            .after_json
            .as_deref()
            .is_some_and(|a| a.contains("34491100"))
    );
}
