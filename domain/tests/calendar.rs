//! The working-day calendar on a real database (SQLite, or PostgreSQL with TEST_DATABASE_URL):
//! deadlines across 2022's holidays and make-up days as shipped, a regional day off moving
//! only that region's open deadlines (and back when removed), who may change the calendar,
//! and imports that take every row or none.

#![allow(clippy::unwrap_used)]

use domain::auth::{CurrentUser, Role};
use domain::calendar::DayForm;
use domain::db::calendar;
use domain::db::entity::problem;
use domain::db::testing::*;
use domain::{Error, K, Region};
use sea_orm::{ConnectionTrait, EntityTrait};

async fn office(db: &TestDb) -> CurrentUser {
    make_user(db, "13700000091", Role::Office, None).await
}

async fn deadline(db: &TestDb, id: i32) -> chrono::NaiveDate {
    problem::Entity::find_by_id(id)
        .one(&**db)
        .await
        .unwrap()
        .unwrap()
        .deadline
}

#[derive(sea_orm::FromQueryResult)]
struct Due {
    deadline: chrono::NaiveDate,
}

/// The deadline the live figures hold for the problem (they count it overdue from the day
/// after, or from the day it was logged if that is later).
async fn due(db: &TestDb, id: i32) -> chrono::NaiveDate {
    domain::db::query_one::<Due>(
        &**db,
        "SELECT deadline FROM problem_progress WHERE problem_id = $1",
        vec![id.into()],
    )
    .await
    .unwrap()
    .unwrap()
    .deadline
}

#[derive(sea_orm::FromQueryResult)]
struct Count {
    n: i64,
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    domain::db::query_one::<Count>(&**db, sql, vec![])
        .await
        .unwrap()
        .unwrap()
        .n
}

fn day(day: &str, region: &str, kind: &str, name: &str) -> DayForm {
    DayForm {
        day: day.into(),
        region: region.into(),
        kind: kind.into(),
        name: name.into(),
    }
}

#[tokio::test]
async fn a_problem_raised_before_national_day_counts_the_holiday_and_the_make_up_days() {
    let db = test_db().await;
    let id = problem_found_on(
        &db,
        "海东国庆前测试有限公司",
        Region::Haidong,
        "2022-09-28",
        "5",
    )
    .await;
    // 29, 30 Sep; 8, 9 Oct (make-up Saturday and Sunday); 10–14, 17–21 and 24 Oct.
    assert_eq!(deadline(&db, id).await, date("2022-10-24"));
    assert_eq!(due(&db, id).await, date("2022-10-24"));
    let p = problem::Entity::find_by_id(id)
        .one(&*db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.time_limit_days, Some(15));
}

#[tokio::test]
async fn a_regional_day_off_moves_only_that_regions_open_deadlines_and_back() {
    let db = test_db().await;
    let office = office(&db).await;
    let yushu = problem_found_on(
        &db,
        "玉树牦牛乳业测试有限公司",
        Region::Yushu,
        "2022-06-10",
        "5",
    )
    .await;
    let xining = problem_found_on(
        &db,
        "西宁锂电测试有限公司",
        Region::Xining,
        "2022-06-10",
        "5",
    )
    .await;
    let concluded = problem_found_on(
        &db,
        "玉树虫草测试有限公司",
        Region::Yushu,
        "2022-06-10",
        "5",
    )
    .await;
    // Concluded already: its deadline was weighed and stays.
    db.execute_unprepared(&format!(
        "UPDATE problems SET status = 'closed', concluded_on = '2022-06-20' WHERE id = {concluded}"
    ))
    .await
    .unwrap();
    for id in [yushu, xining, concluded] {
        assert_eq!(deadline(&db, id).await, date("2022-07-01"));
    }

    let (_, moved) = calendar::set_day(
        &db,
        &caller(&office),
        &day("2022-06-20", "玉树州", "休", "测试休息日"),
    )
    .await
    .unwrap();
    assert_eq!(moved, 1);
    assert_eq!(deadline(&db, yushu).await, date("2022-07-04"));
    assert_eq!(
        due(&db, yushu).await,
        date("2022-07-04"),
        "the live figures follow"
    );
    assert_eq!(deadline(&db, xining).await, date("2022-07-01"));
    assert_eq!(deadline(&db, concluded).await, date("2022-07-01"));
    assert_eq!(
        count(&db, &format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'reschedule' AND entity_id = {yushu}")).await,
        1
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'calendar_day' AND action = 'create'").await,
        1
    );

    // Setting the same day again only renames it: nothing moves.
    let (_, moved) = calendar::set_day(
        &db,
        &caller(&office),
        &day("2022-06-20", "7", "off", "更名"),
    )
    .await
    .unwrap();
    assert_eq!(moved, 0);

    let c = calendar::year(&*db, &caller(&office), Some(2022))
        .await
        .unwrap();
    let entry = c
        .days
        .iter()
        .find(|d| d.region_id == Some(Region::Yushu.id()))
        .unwrap();
    assert_eq!(
        (entry.name.as_str(), entry.source.as_str()),
        ("更名", "office")
    );
    assert!(
        c.days
            .iter()
            .any(|d| d.day == date("2022-10-08") && d.working && d.source == "state_council")
    );
    let moved = calendar::remove_day(&db, &caller(&office), &entry.id.to_string())
        .await
        .unwrap();
    assert_eq!(moved, 1);
    assert_eq!(deadline(&db, yushu).await, date("2022-07-01"));
    assert_eq!(due(&db, yushu).await, date("2022-07-01"));
}

#[tokio::test]
async fn a_national_make_up_day_shortens_open_deadlines() {
    let db = test_db().await;
    let office = office(&db).await;
    let id = problem_found_on(
        &db,
        "海西盐湖测试有限公司",
        Region::Haixi,
        "2022-06-10",
        "5",
    )
    .await;
    // Saturday 2022-06-18 made a working day: the 15th working day comes a day sooner.
    let (_, moved) = calendar::set_day(
        &db,
        &caller(&office),
        &day("2022-06-18", "", "班", "测试调休"),
    )
    .await
    .unwrap();
    assert_eq!(moved, 1);
    assert_eq!(deadline(&db, id).await, date("2022-06-30"));
}

#[tokio::test]
async fn only_the_office_changes_the_calendar_and_bad_days_change_nothing() {
    let db = test_db().await;
    let before = count(&db, "SELECT COUNT(*) AS n FROM calendar_days").await;
    assert!(before >= 180, "2022–2026 shipped: {before}");
    for (phone, role) in [
        ("13700000092", Role::Coordinator),
        ("13700000093", Role::Unit),
        ("13700000094", Role::Leader),
    ] {
        let who = make_user(&db, phone, role, None).await;
        let r = calendar::set_day(&db, &caller(&who), &day("2027-01-01", "", "休", "元旦")).await;
        assert_eq!(r, Err(Error::Forbidden), "{role:?}");
        // Reading is for everyone signed in.
        assert!(
            calendar::year(&*db, &caller(&who), Some(2022))
                .await
                .is_ok()
        );
    }
    let office = office(&db).await;
    let r = calendar::set_day(&db, &caller(&office), &day("2027-02-30", "玉树", "班", "")).await;
    match r {
        Err(Error::Validation(errors)) => {
            let keys: Vec<K> = errors.iter().map(|e| e.key).collect();
            assert_eq!(
                keys,
                vec![K::ErrBadDate, K::ErrRegionalWorkday, K::ErrRequired]
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        count(&db, "SELECT COUNT(*) AS n FROM calendar_days").await,
        before
    );
}

#[tokio::test]
async fn an_import_takes_every_row_or_none() {
    let db = test_db().await;
    let office = office(&db).await;
    let before = count(&db, "SELECT COUNT(*) AS n FROM calendar_days").await;
    let bad = "说明：2027 年节假日\n日期,类型,名称,市州\n2027-01-01,休,元旦,\n2027-02-06,休,春节,\n2027-02-07,放假?,春节,\n";
    let err = calendar::import(&db, &caller(&office), "2027.csv", bad.as_bytes())
        .await
        .unwrap_err();
    assert_eq!(err.row, 5);
    assert_eq!(err.error.field_errors()[0].key, K::ErrBadDayKind);
    assert_eq!(
        count(&db, "SELECT COUNT(*) AS n FROM calendar_days").await,
        before
    );

    let good = "日期,类型,名称,市州\n2027-01-01,休,元旦,\n2027-02-06,休,春节,\n2027-02-20,班,春节,\n2027-02-08,休,藏历新年,果洛州\n";
    let done = calendar::import(&db, &caller(&office), "2027.csv", good.as_bytes())
        .await
        .unwrap();
    assert_eq!((done.year, done.days), (2027, 4));
    let c = calendar::year(&*db, &caller(&office), Some(2027))
        .await
        .unwrap();
    assert_eq!(c.days.len(), 4);
    assert!(
        c.days
            .iter()
            .any(|d| d.region_id == Some(Region::Golog.id()) && !d.working)
    );

    // The holiday-cn dataset's own file for a year, as published.
    let json = r#"{"year": 2028, "papers": [], "days": [
        {"name": "元旦", "date": "2028-01-01", "isOffDay": true},
        {"name": "春节", "date": "2028-01-29", "isOffDay": false}]}"#;
    let done = calendar::import(&db, &caller(&office), "2028.json", json.as_bytes())
        .await
        .unwrap();
    assert_eq!((done.year, done.days), (2028, 2));
    let cal = calendar::load(&*db).await.unwrap();
    assert!(
        cal.is_working_day(date("2028-01-29"), None),
        "a Saturday made a working day"
    );
    assert!(!cal.is_working_day(date("2027-02-08"), Some(Region::Golog.id())));
    assert!(cal.is_working_day(date("2027-02-08"), Some(Region::Xining.id())));

    let coordinator = make_user(&db, "13700000095", Role::Coordinator, None).await;
    let err = calendar::import(&db, &caller(&coordinator), "2027.csv", good.as_bytes())
        .await
        .unwrap_err();
    assert_eq!(err.error, Error::Forbidden);
    let err = calendar::import(&db, &caller(&office), "x.json", b"{not json")
        .await
        .unwrap_err();
    assert_eq!(err.error.field_errors()[0].key, K::ErrImportUnreadable);
}
