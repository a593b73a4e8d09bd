//! Notifications, 催办 and the outbox's claims on a real database (SQLite, or PostgreSQL with
//! TEST_DATABASE_URL): who hears of what, reminders at the right working day by a controllable
//! clock, once however many instances sweep, and each delivery taken by one instance only.

#![allow(clippy::unwrap_used)]

use domain::auth::{CurrentUser, Role};
use domain::db::notifications::{self, Channel};
use domain::db::testing::*;
use domain::db::{problems, rules, sweep};
use domain::notice::NoticeKind;
use domain::problem::MoveForm;
use domain::{Error, Region};
use sea_orm::ConnectionTrait;

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

/// A problem found on 2022-09-28 (due Monday 2022-10-24 after 国庆), a handler of the unit it
/// went to, and the firm's coordinator.
async fn setup(db: &TestDb, name: &str, phone: &str) -> (i32, CurrentUser, CurrentUser) {
    let id = problem_found_on(db, name, Region::Haidong, "2022-09-28", "8").await;
    let unit = problems::routed_to(&**db, id).await.unwrap()[0];
    let handler = make_user(db, phone, Role::Unit, Some(unit)).await;
    #[derive(sea_orm::FromQueryResult)]
    struct Who {
        id: i32,
        name: String,
    }
    let c = domain::db::query_one::<Who>(
        &**db,
        "SELECT u.id, u.name FROM users u JOIN assignments a ON a.coordinator_id = u.id
         JOIN problems p ON p.firm_id = a.firm_id WHERE p.id = $1",
        vec![id.into()],
    )
    .await
    .unwrap()
    .unwrap();
    let coordinator = CurrentUser {
        id: c.id,
        name: c.name,
        role: Role::Coordinator,
        member_unit_id: None,
    };
    (id, handler, coordinator)
}

async fn kinds(db: &TestDb, user: &CurrentUser) -> Vec<NoticeKind> {
    notifications::list(&**db, &caller(user), "")
        .await
        .unwrap()
        .rows
        .into_iter()
        .map(|n| n.kind)
        .collect()
}

async fn act(db: &TestDb, who: &CurrentUser, id: i32, mv: &str) {
    #[derive(sea_orm::FromQueryResult)]
    struct V {
        version: i32,
    }
    let v = domain::db::query_one::<V>(
        &**db,
        "SELECT version FROM problems WHERE id = $1",
        vec![id.into()],
    )
    .await
    .unwrap()
    .unwrap();
    let form = MoveForm {
        problem_id: id.to_string(),
        version: v.version.to_string(),
        mv: mv.to_owned(),
        note: "已对接企业，正在办理".into(),
    };
    problems::make_move(db, &caller(who), &form).await.unwrap();
}

#[tokio::test]
async fn whoever_must_act_next_is_told_in_the_same_transaction() {
    let db = test_db().await;
    // A handler of the unit exists before the problem is routed, so the routing tells them.
    let id0 = problem_found_on(
        &db,
        "海东通知测试一有限公司",
        Region::Haidong,
        "2022-09-28",
        "8",
    )
    .await;
    let unit = problems::routed_to(&*db, id0).await.unwrap()[0];
    let handler = make_user(&db, "13900000101", Role::Unit, Some(unit)).await;
    let id = problem_found_on(
        &db,
        "海东通知测试二有限公司",
        Region::Haidong,
        "2022-09-28",
        "8",
    )
    .await;
    assert_eq!(kinds(&db, &handler).await, vec![NoticeKind::Routed]);
    let page = notifications::list(&*db, &caller(&handler), "")
        .await
        .unwrap();
    let n = &page.rows[0];
    assert_eq!(n.problem_id, Some(id));
    assert_eq!(n.link, format!("/queue#problem-{id}"));
    assert!(
        n.message(domain::Locale::Zh)
            .contains("海东通知测试二有限公司")
    );
    assert_eq!(page.unread, 1);

    // The unit claims and answers: the coordinator hears of the answer, the unit of nothing
    // it did itself.
    act(&db, &handler, id, "claim").await;
    act(&db, &handler, id, "respond").await;
    let coordinator_id: i64 = count(
        &db,
        &format!("SELECT CAST(a.coordinator_id AS BIGINT) AS n FROM assignments a JOIN problems p ON p.firm_id = a.firm_id WHERE p.id = {id}"),
    )
    .await;
    assert_eq!(
        count(&db, &format!("SELECT COUNT(*) AS n FROM notifications WHERE user_id = {coordinator_id} AND kind = 'responded'")).await,
        1
    );
    assert_eq!(kinds(&db, &handler).await, vec![NoticeKind::Routed]);

    // Reading: one, then all; another user's notification cannot be marked.
    let other = make_user(&db, "13900000102", Role::Unit, Some(unit)).await;
    let theirs = notifications::list(&*db, &caller(&handler), "")
        .await
        .unwrap()
        .rows[0]
        .id;
    assert_eq!(
        notifications::mark_read(&db, &caller(&other), &theirs.to_string())
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        notifications::mark_read(&db, &caller(&handler), &theirs.to_string())
            .await
            .unwrap(),
        1
    );
    assert_eq!(notifications::unread(&*db, handler.id).await.unwrap(), 0);
    assert!(matches!(
        notifications::mark_read(&db, &caller(&handler), "x'; DROP TABLE users; --").await,
        Err(Error::Validation(_))
    ));
    assert!(matches!(
        notifications::list(&*db, &caller(&handler), "0").await,
        Err(Error::Validation(_))
    ));
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'notification' AND action = 'read'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn reminders_come_at_the_right_working_day_once_and_then_the_order() {
    let db = test_db().await;
    let (id, handler, coordinator) = setup(&db, "海东催办测试一有限公司", "13900000201").await;
    // Due Monday 24 Oct. Three working days before is Wednesday 19 Oct (20, 21, 24 remain).
    let r = sweep::run(&db, date("2022-10-18")).await.unwrap();
    assert_eq!(r.reminded, 0);
    let r = sweep::run(&db, date("2022-10-19")).await.unwrap();
    assert_eq!(r.reminded, 1);
    // Two instances sweeping the same day add nothing.
    let (a, b) = tokio::join!(
        sweep::run(&db, date("2022-10-20")),
        sweep::run(&db, date("2022-10-20"))
    );
    assert_eq!(a.unwrap().reminded + b.unwrap().reminded, 0);
    assert_eq!(
        kinds(&db, &handler).await,
        vec![NoticeKind::RemindBefore],
        "the unit is reminded once"
    );
    assert_eq!(
        kinds(&db, &coordinator).await,
        vec![NoticeKind::RemindBefore]
    );
    // On the day: the due-day reminder; the Saturday before was no working day for anyone.
    let r = sweep::run(&db, date("2022-10-24")).await.unwrap();
    assert_eq!((r.reminded, r.supervised), (1, 0));
    // Three working days late (25, 26, 27 Oct): the order, and the unit hears of it.
    let r = sweep::run(&db, date("2022-10-26")).await.unwrap();
    assert_eq!(r.supervised, 0);
    let r = sweep::run(&db, date("2022-10-27")).await.unwrap();
    assert_eq!(r.supervised, 1);
    assert_eq!(
        kinds(&db, &handler).await,
        vec![
            NoticeKind::Supervised,
            NoticeKind::RemindDue,
            NoticeKind::RemindBefore
        ]
    );
    assert_eq!(
        count(&db, &format!("SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'problem' AND action = 'remind' AND entity_id = {id}")).await,
        2
    );

    // The office's rules decide: no reminders before the day, no automatic order.
    let office = make_user(&db, "13900000202", Role::Office, None).await;
    let form = domain::rules::RulesForm {
        claim_hours: "4".into(),
        conclude_days: "10".into(),
        callback_days: "3".into(),
        remind_before_days: "0".into(),
        escalate_after_days: "0".into(),
    };
    rules::set(&db, &caller(&office), &form).await.unwrap();
    let (id2, _, _) = setup(&db, "海东催办测试二有限公司", "13900000203").await;
    let r = sweep::run(&db, date("2022-10-21")).await.unwrap();
    assert_eq!(r.reminded, 0, "problem {id2}: no reminder before the day");
    let r = sweep::run(&db, date("2022-11-30")).await.unwrap();
    assert_eq!(r.supervised, 0);
}

#[tokio::test]
async fn an_unclaimed_problem_is_chased_once_its_working_hours_are_up() {
    let db = test_db().await;
    let (id, handler, coordinator) = setup(&db, "海东签收测试有限公司", "13900000301").await;
    // Routed 8 working days ago by the clock: its 8 working hours are long gone, but within
    // the week a late claim is chased.
    let today = domain::clock::today();
    let when = domain::db::calendar::load(&*db).await.unwrap();
    let mut day = today;
    for _ in 0..3 {
        day = day.pred_opt().unwrap();
        while !when.is_working_day(day, None) {
            day = day.pred_opt().unwrap();
        }
    }
    let raised = domain::clock::at(day, 10, 0);
    db.execute_raw(domain::db::sql(
        db.get_database_backend(),
        "UPDATE problems SET raised_at = $1 WHERE id = $2",
        vec![raised.into(), id.into()],
    ))
    .await
    .unwrap();
    let r = sweep::run(&db, today).await.unwrap();
    assert_eq!(r.claim_late, 1);
    assert_eq!(sweep::run(&db, today).await.unwrap().claim_late, 0);
    assert!(kinds(&db, &handler).await.contains(&NoticeKind::ClaimLate));
    assert!(
        !kinds(&db, &coordinator)
            .await
            .contains(&NoticeKind::ClaimLate)
    );
}

#[tokio::test]
async fn each_delivery_is_taken_by_one_instance_only() {
    let db = test_db().await;
    let (_, handler, _) = setup(&db, "海东投递测试有限公司", "13900000401").await;
    db.execute_raw(domain::db::sql(
        db.get_database_backend(),
        "UPDATE users SET email = $1 WHERE id = $2",
        vec!["handler@example.gov.cn".into(), handler.id.into()],
    ))
    .await
    .unwrap();
    // Forty notifications for the handler, written as the sweep would.
    for day in 0..40 {
        let d = date("2022-10-01") + chrono::Duration::days(day);
        sweep::run(&db, d).await.unwrap();
    }
    let made = count(
        &db,
        &format!(
            "SELECT COUNT(*) AS n FROM notifications WHERE user_id = {}",
            handler.id
        ),
    )
    .await;
    assert!(made >= 3, "{made}");
    let total = count(&db, "SELECT COUNT(*) AS n FROM notifications").await;
    let with_email = count(&db, "SELECT COUNT(*) AS n FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email IS NOT NULL").await;

    // A second pool to the same database: another server instance.
    let second = domain::db::connect(&db.url).await.unwrap();
    let mut taken_a = Vec::new();
    let mut taken_b = Vec::new();
    for channel in [Channel::Email, Channel::Webhook] {
        let (a, b) = tokio::join!(
            notifications::claim(&*db, channel, "instance-a", 500),
            notifications::claim(&second, channel, "instance-b", 500)
        );
        taken_a.extend(a.unwrap().into_iter().map(|o| o.delivery_id));
        taken_b.extend(b.unwrap().into_iter().map(|o| o.delivery_id));
    }
    let mut all: Vec<i32> = taken_a.iter().chain(&taken_b).copied().collect();
    all.sort_unstable();
    let before = all.len();
    all.dedup();
    assert_eq!(before, all.len(), "no delivery was taken twice");
    assert_eq!(i64::try_from(all.len()).unwrap(), total + with_email);

    // Nothing more to take while their leases run; a failure comes back after its backoff.
    assert!(
        notifications::claim(&*db, Channel::Webhook, "instance-c", 500)
            .await
            .unwrap()
            .is_empty()
    );
    let first = all[0];
    let (holder, attempts) = if taken_a.contains(&first) {
        ("instance-a", 0)
    } else {
        ("instance-b", 0)
    };
    notifications::mark_failed(&*db, first, holder, attempts, "SMTP: 451 try later")
        .await
        .unwrap();
    assert!(
        notifications::claim(&*db, Channel::Email, "instance-c", 500)
            .await
            .unwrap()
            .is_empty()
            && notifications::claim(&*db, Channel::Webhook, "instance-c", 500)
                .await
                .unwrap()
                .is_empty()
    );
    db.execute_unprepared(&format!(
        "UPDATE deliveries SET next_attempt_at = created_at WHERE id = {first}"
    ))
    .await
    .unwrap();
    let mut again = notifications::claim(&*db, Channel::Email, "instance-c", 500)
        .await
        .unwrap();
    again.extend(
        notifications::claim(&*db, Channel::Webhook, "instance-c", 500)
            .await
            .unwrap(),
    );
    assert_eq!(
        again.iter().map(|o| o.delivery_id).collect::<Vec<_>>(),
        vec![first]
    );
    assert_eq!(again[0].attempts, 1);
    notifications::mark_sent(&*db, first, "instance-c")
        .await
        .unwrap();
    assert_eq!(
        count(&db, &format!("SELECT COUNT(*) AS n FROM deliveries WHERE id = {first} AND status = 'sent' AND attempts = 2")).await,
        1
    );
    second.close().await.unwrap();
}
