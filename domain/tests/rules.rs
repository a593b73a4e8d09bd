//! The working rules and each stage clock on a real database (SQLite, or PostgreSQL with
//! TEST_DATABASE_URL), by the shipped 2022 calendar: 签收 in working hours across 国庆 and its
//! make-up Saturday, 办结 by the deadline, 回访 after closing, time in each status; the office
//! alone changes the rules, with clear errors, and new problems take them.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Utc};
use domain::auth::Role;
use domain::clock::at;
use domain::db::testing::*;
use domain::db::{calendar, rules};
use domain::problem::ProblemStatus::{self, *};
use domain::rules::{ClockInput, ClockState, RulesForm, Stage, WorkingRules};
use domain::{Error, Region};

fn t(day: &str, h: u32, m: u32) -> DateTime<Utc> {
    at(date(day), h, m)
}

fn input(
    raised: DateTime<Utc>,
    deadline: &str,
    events: Vec<(ProblemStatus, DateTime<Utc>)>,
) -> ClockInput {
    ClockInput {
        region_id: Region::Haidong.id(),
        raised_at: raised,
        deadline: date(deadline),
        claim_limit_hours: 8,
        callback_limit_days: 5,
        events,
    }
}

#[tokio::test]
async fn working_hours_skip_the_national_day_and_count_its_make_up_saturday() {
    let db = test_db().await;
    let cal = calendar::load(&*db).await.unwrap();
    let haidong = Some(Region::Haidong.id());
    // Friday 30 Sep 2022, 16:00: one hour that day, then 国庆 (1–7 Oct) and Saturday 8 Oct,
    // a make-up working day: due at 16:00 on the 8th.
    assert_eq!(
        cal.add_working_hours(t("2022-09-30", 16, 0), 8, haidong),
        t("2022-10-08", 16, 0)
    );
    // Before opening hours the clock starts at 09:00; after closing, the next working day.
    assert_eq!(
        cal.add_working_hours(t("2022-09-29", 7, 30), 8, haidong),
        t("2022-09-29", 17, 0)
    );
    assert_eq!(
        cal.add_working_hours(t("2022-09-29", 20, 0), 2, haidong),
        t("2022-09-30", 11, 0)
    );
    assert_eq!(
        cal.working_minutes_between(t("2022-09-30", 16, 0), t("2022-10-08", 16, 0), haidong),
        8 * 60
    );
    // Across the whole holiday week nothing is counted.
    assert_eq!(
        cal.working_minutes_between(t("2022-10-01", 0, 0), t("2022-10-07", 23, 0), haidong),
        0
    );
    assert_eq!(
        cal.working_minutes_between(t("2022-10-08", 0, 0), t("2022-09-30", 0, 0), haidong),
        0
    );
}

#[tokio::test]
async fn each_stage_clock_runs_stops_and_goes_late_by_the_calendar() {
    let db = test_db().await;
    let cal = calendar::load(&*db).await.unwrap();
    let raised = t("2022-09-30", 16, 0);
    // Claimed on the make-up Saturday at 15:00: within its 8 working hours.
    let events = vec![
        (Routed, raised),
        (Claimed, t("2022-10-08", 15, 0)),
        (Responded, t("2022-10-10", 10, 0)),
        (Closed, t("2022-10-12", 9, 0)),
    ];
    let i = input(raised, "2022-10-21", events.clone());
    let c = i.clocks(&cal, t("2022-10-13", 12, 0));
    let claim = c.stage(Stage::Claim).unwrap();
    assert_eq!(claim.state, ClockState::OnTime);
    assert_eq!(claim.used_minutes, 7 * 60);
    assert_eq!(claim.due_text(), "2022-10-08 16:00");
    assert_eq!(c.stage(Stage::Conclude).unwrap().due_text(), "2022-10-21");
    assert_eq!(c.stage(Stage::Conclude).unwrap().state, ClockState::OnTime);
    // Closed Wednesday 12 Oct: the firm is to be called back within 5 working days (19 Oct).
    let callback = c.stage(Stage::Callback).unwrap();
    assert_eq!(callback.state, ClockState::Running);
    assert_eq!(callback.due, domain::clock::day_end_utc(date("2022-10-19")));
    // Time in each status, in working minutes: routed 16:00 Fri → 15:00 Sat 8th = 7 h.
    assert_eq!(c.minutes_in(Routed), 7 * 60);
    // Claimed 15:00 Sat 8th → 10:00 Mon 10th: 2 h, all of Sunday 9th (the second make-up
    // working day), 1 h.
    assert_eq!(c.minutes_in(Claimed), (2 + 8 + 1) * 60);
    // Still waiting for the call-back at the clock's "now": 12 Oct 09:00 → 13 Oct 12:00.
    assert_eq!(c.minutes_in(Closed), 8 * 60 + 3 * 60);

    // A week later nobody has called: the call-back clock is overdue.
    let c = i.clocks(&cal, t("2022-10-20", 9, 0));
    assert_eq!(c.stage(Stage::Callback).unwrap().state, ClockState::Overdue);
    // The firm answered (solved) on the 21st: late; the problem came to rest.
    let mut done = events.clone();
    done.push((Solved, t("2022-10-21", 10, 0)));
    let c = input(raised, "2022-10-21", done).clocks(&cal, t("2022-11-30", 9, 0));
    assert_eq!(c.stage(Stage::Callback).unwrap().state, ClockState::Late);
    assert_eq!(c.minutes_in(Solved), 0);

    // Claimed on Monday 10 Oct at 10:00, after both make-up days: late. Not concluded by the 21st:
    // the 办结 clock is overdue, and no call-back clock has started.
    let late = vec![(Routed, raised), (Claimed, t("2022-10-10", 10, 0))];
    let c = input(raised, "2022-10-21", late).clocks(&cal, t("2022-10-24", 9, 0));
    assert_eq!(c.stage(Stage::Claim).unwrap().state, ClockState::Late);
    assert_eq!(c.stage(Stage::Conclude).unwrap().state, ClockState::Overdue);
    assert!(c.stage(Stage::Callback).is_none());
    // Unclaimed past its hours: overdue; withdrawn before a claim: no clocks at all.
    let c = input(raised, "2022-10-21", vec![(Routed, raised)]).clocks(&cal, t("2022-10-09", 9, 0));
    assert_eq!(c.stage(Stage::Claim).unwrap().state, ClockState::Overdue);
    let c = input(
        raised,
        "2022-10-21",
        vec![(Routed, raised), (Withdrawn, t("2022-10-08", 9, 0))],
    )
    .clocks(&cal, t("2022-10-24", 9, 0));
    assert!(c.stages.is_empty());
}

#[tokio::test]
async fn the_office_sets_the_rules_and_new_problems_take_them() {
    let db = test_db().await;
    assert_eq!(rules::get(&*db).await.unwrap(), WorkingRules::default());
    let office = make_user(&db, "13900000501", Role::Office, None).await;
    let leader = make_user(&db, "13900000502", Role::Leader, None).await;
    let form = RulesForm {
        claim_hours: "4".into(),
        conclude_days: "10".into(),
        callback_days: "3".into(),
        remind_before_days: "2".into(),
        escalate_after_days: "5".into(),
    };
    assert!(matches!(
        rules::set(&db, &caller(&leader), &form).await,
        Err(Error::Forbidden)
    ));
    let bad = RulesForm {
        claim_hours: "0".into(),
        conclude_days: "十五".into(),
        callback_days: "-1".into(),
        remind_before_days: "31".into(),
        escalate_after_days: "\u{0}3".into(),
    };
    match rules::set(&db, &caller(&office), &bad).await {
        Err(Error::Validation(errors)) => assert_eq!(errors.len(), 5),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        rules::get(&*db).await.unwrap(),
        WorkingRules::default(),
        "nothing half-saved"
    );
    let saved = rules::set(&db, &caller(&office), &form).await.unwrap();
    assert_eq!((saved.claim_hours, saved.conclude_days), (4, 10));
    assert_eq!(rules::get(&*db).await.unwrap(), saved);

    // A visit logged through the use case gives its problem the new clocks: 10 working days
    // from Wednesday 28 Sep 2022 skip 国庆 and count the make-up days: due 17 Oct.
    let firm = make_firm(
        &db,
        "海东规则测试有限公司",
        Region::Haidong,
        domain::Tier::ProvincialSrdi,
    )
    .await;
    let c = make_coordinator(&*db, "才让").await;
    assign(&db, firm.id, c.id).await.unwrap();
    let form = domain::visit::VisitForm {
        visit_date: "2022-09-28".into(),
        kind: "on_site".into(),
        participants: String::new(),
        summary: "走访".into(),
        idempotency_key: String::new(),
        problems: vec![domain::problem::ProblemForm {
            measure: "8".into(),
            description: "融资难".into(),
            unit: String::new(),
        }],
        ..Default::default()
    };
    let logged = domain::db::visits::log_for(&db, &caller(&office), &firm.id.to_string(), &form)
        .await
        .unwrap();
    let campaign = domain::db::current_campaign(&*db).await.unwrap();
    let file = domain::db::firms::file(&*db, &campaign, firm.id)
        .await
        .unwrap();
    let problem = file
        .timeline
        .iter()
        .find_map(|e| match e {
            domain::firm::TimelineEntry::Problem(p) => Some(p.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(problem.id, logged.problem_ids[0]);
    assert_eq!(problem.deadline, date("2022-10-17"));
    let claim = problem.clocks.stage(Stage::Claim).unwrap();
    assert_eq!(
        claim.due,
        calendar::load(&*db).await.unwrap().add_working_hours(
            claim.started,
            4,
            Some(Region::Haidong.id())
        )
    );
    #[derive(sea_orm::FromQueryResult)]
    struct N {
        n: i64,
    }
    let audited = domain::db::query_one::<N>(
        &*db,
        "SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'working_rules'",
        vec![],
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(audited.n, 1);
}
