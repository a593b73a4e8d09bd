//! 督办 on a real database (SQLite, or PostgreSQL with TEST_DATABASE_URL): the server orders at
//! the right working day by a controllable clock, once even when two instances sweep at once;
//! the office orders by hand; a routed unit replies once; everyone else is refused; orders show
//! on the queue, the problem list and the dashboard.

#![allow(clippy::unwrap_used)]

use domain::auth::Role;
use domain::db::testing::*;
use domain::db::{current_campaign, dashboard, problems, supervisions};
use domain::problem::ProblemListParams;
use domain::{Error, K, Region};
use sea_orm::ConnectionTrait;

/// A problem found on a visit on 2022-09-28 (due 2022-10-24, after 国庆 and its make-up days).
async fn problem(db: &TestDb, name: &str) -> i32 {
    problem_found_on(db, name, Region::Haidong, "2022-09-28", "8").await
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

#[tokio::test]
async fn the_server_supervises_an_overdue_problem_once_at_the_right_working_day() {
    let db = test_db().await;
    let id = problem(&db, "海东督办测试一有限公司").await;
    let other = problem(&db, "海东督办测试二有限公司").await;
    // Due Monday 24 Oct: by Wednesday 26 Oct two working days late, by Thursday three.
    assert_eq!(
        supervisions::escalate_overdue(&db, date("2022-10-26"), 3)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        supervisions::escalate_overdue(&db, date("2022-10-27"), 3)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        supervisions::escalate_overdue(&db, date("2022-11-30"), 3)
            .await
            .unwrap(),
        0
    );
    let orders = supervisions::for_problems(&*db, &[id, other])
        .await
        .unwrap();
    let first = &orders[&id][0];
    assert!(first.automatic && first.ordered_by.is_none() && first.reply.is_none());
    assert!(
        first.instruction.contains("3 个工作日"),
        "{}",
        first.instruction
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'supervision' AND action = 'create'"
        )
        .await,
        2
    );

    // Two instances sweeping at once make each order once.
    let third = problem(&db, "海东督办测试三有限公司").await;
    let (a, b) = tokio::join!(
        supervisions::escalate_overdue(&db, date("2022-10-27"), 3),
        supervisions::escalate_overdue(&db, date("2022-10-27"), 3)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    assert_eq!(
        count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM supervisions WHERE problem_id = {third}")
        )
        .await,
        1
    );
    // A concluded problem is not supervised.
    let done = problem(&db, "海东督办测试四有限公司").await;
    db.execute_unprepared(&format!(
        "UPDATE problems SET status = 'closed', concluded_on = '2022-10-20' WHERE id = {done}"
    ))
    .await
    .unwrap();
    assert_eq!(
        supervisions::escalate_overdue(&db, date("2022-12-01"), 3)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn the_office_orders_a_routed_unit_replies_once_and_the_rest_are_refused() {
    let db = test_db().await;
    let id = problem(&db, "海东督办测试五有限公司").await;
    let units = problems::routed_to(&*db, id).await.unwrap();
    let routed = units[0];
    let office = make_user(&db, "13700000071", Role::Office, None).await;
    let handler = make_user(&db, "13700000072", Role::Unit, Some(routed)).await;
    // A unit the problem is not routed to at all (neither leading nor co-handling).
    let stranger_unit = (1..).find(|u| !units.contains(u)).unwrap();
    let stranger = make_user(&db, "13700000073", Role::Unit, Some(stranger_unit)).await;
    let leader = make_user(&db, "13700000074", Role::Leader, None).await;

    for who in [&handler, &leader] {
        let r = supervisions::order(&db, &caller(who), &id.to_string(), "请尽快办理").await;
        assert_eq!(r.unwrap_err(), Error::Forbidden);
    }
    match supervisions::order(&db, &caller(&office), &id.to_string(), "  ").await {
        Err(Error::Validation(e)) => assert_eq!(e[0].key, K::ErrRequired),
        other => panic!("{other:?}"),
    }
    let order = supervisions::order(
        &db,
        &caller(&office),
        &id.to_string(),
        "请于三个工作日内办结并回复 <b>",
    )
    .await
    .unwrap();
    assert_eq!(order.instruction, "请于三个工作日内办结并回复 <b>");
    assert!(!order.automatic);

    let sid = order.id.to_string();
    assert_eq!(
        supervisions::reply(&db, &caller(&stranger), &sid, "不归我们")
            .await
            .unwrap_err(),
        Error::Forbidden
    );
    assert_eq!(
        supervisions::reply(&db, &caller(&leader), &sid, "x")
            .await
            .unwrap_err(),
        Error::Forbidden
    );
    // Two replies at once: one lands, the other is told it was answered.
    let (as_handler, as_office) = (caller(&handler), caller(&office));
    let (a, b) = tokio::join!(
        supervisions::reply(&db, &as_handler, &sid, "已联系企业，本周办结"),
        supervisions::reply(&db, &as_office, &sid, "办公室代为回复")
    );
    let results = [a, b];
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    assert!(
        results
            .iter()
            .any(|r| matches!(r, Err(Error::Conflict(e)) if e.key == K::ErrAlreadyReplied))
    );

    // The order shows on the unit's queue with its reply, on the problem list and the dashboard.
    let queue = problems::queue(&*db, &handler).await.unwrap();
    let row = queue.iter().find(|r| r.id == id).unwrap();
    assert_eq!(row.supervisions.len(), 1);
    assert!(row.supervisions[0].reply.is_some());
    let list = problems::list(
        &*db,
        &caller(&leader),
        // As of today: the problem was logged today (for a visit in 2022).
        &ProblemListParams {
            supervised: Some("1".into()),
            as_of: Some(domain::clock::today().to_string()),
            ..ProblemListParams::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(list.total, 1);
    assert_eq!((list.rows[0].supervisions, list.rows[0].unanswered), (1, 0));
    let campaign = current_campaign(&*db).await.unwrap();
    let d = dashboard::compute(&*db, &campaign, date("2022-12-31"))
        .await
        .unwrap();
    // The order was given today, after the campaign's end: it counts as of today, not before.
    assert_eq!((d.supervised, d.awaiting_reply), (0, 0));
    let today = domain::clock::today();
    let d = dashboard::compute(&*db, &campaign, today).await.unwrap();
    assert_eq!((d.supervised, d.awaiting_reply), (1, 0));
    let unit = d.by_unit.iter().find(|u| u.id == routed).unwrap();
    assert_eq!((unit.supervised, unit.reopened), (1, 0));

    // A concluded problem takes no order.
    db.execute_unprepared(&format!(
        "UPDATE problems SET status = 'closed', concluded_on = '2022-10-20' WHERE id = {id}"
    ))
    .await
    .unwrap();
    match supervisions::order(&db, &caller(&office), &id.to_string(), "再次督办").await {
        Err(Error::Validation(e)) => assert_eq!(e[0].key, K::ErrProblemNotOpen),
        other => panic!("{other:?}"),
    }
}
