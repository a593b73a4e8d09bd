//! The problem lifecycle on a real database (SQLite, or PostgreSQL with TEST_DATABASE_URL):
//! raising with a visit and routing, every move legal or not, optimistic locking under
//! concurrency, and the firm's confirmation by link and by call.

#![allow(clippy::unwrap_used)]

use domain::auth::{CurrentUser, Role};
use domain::db::audit::Actor;
use domain::db::entity::{problem, problem_event};
use domain::db::problems;
use domain::db::testing::*;
use domain::db::{current_campaign, progress, visits};
use domain::problem::Move;
use domain::problem::{ProblemForm, Satisfaction};
use domain::visit::{VisitForm, VisitKind};
use domain::{Error, K, Region, Tier};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

struct Fixture {
    db: TestDb,
    firm: i32,
    office: CurrentUser,
    coordinator: CurrentUser,
    /// A handler of 省人力资源社会保障厅, which measure 8 (jobs) names.
    hr_unit: CurrentUser,
    /// A handler of a unit measure 8 does not name.
    other_unit: CurrentUser,
    leader: CurrentUser,
}

#[derive(sea_orm::FromQueryResult)]
struct Id {
    id: i32,
}

async fn unit_id(db: &TestDb, name: &str) -> i32 {
    domain::db::query_one::<Id>(
        &**db,
        "SELECT id FROM member_units WHERE name_zh = $1",
        vec![name.into()],
    )
    .await
    .unwrap()
    .unwrap()
    .id
}

async fn fixture() -> Fixture {
    let db = test_db().await;
    let f = make_firm(
        &db,
        "海东稳岗扩岗测试有限公司",
        Region::Haidong,
        Tier::ProvincialSrdi,
    )
    .await;
    let c = make_coordinator(&*db, "才让").await;
    assign(&db, f.id, c.id).await.unwrap();
    let hr = unit_id(&db, "省人力资源社会保障厅").await;
    let tax = unit_id(&db, "国家税务总局青海省税务局").await;
    Fixture {
        firm: f.id,
        office: make_user(&db, "13700000001", Role::Office, None).await,
        coordinator: CurrentUser {
            id: c.id,
            name: c.name,
            role: Role::Coordinator,
            member_unit_id: c.member_unit_id,
        },
        hr_unit: make_user(&db, "13700000002", Role::Unit, Some(hr)).await,
        other_unit: make_user(&db, "13700000003", Role::Unit, Some(tax)).await,
        leader: make_user(&db, "13700000004", Role::Leader, None).await,
        db,
    }
}

/// Logs an on-site visit with two problems (measure 8: jobs; measure 16: every unit).
async fn visit_with_problems(fx: &Fixture) -> Vec<i32> {
    let campaign = current_campaign(&*fx.db).await.unwrap();
    let form = VisitForm {
        visit_date: "2022-06-10".into(),
        kind: VisitKind::OnSite.code().into(),
        participants: "人事经理".into(),
        summary: "了解用工情况".into(),
        idempotency_key: "visit-with-problems".into(),
        problems: vec![
            ProblemForm {
                measure: "8".into(),
                description: "希望了解稳岗返还政策".into(),
                unit: String::new(),
            },
            ProblemForm::default(),
            ProblemForm {
                measure: "16".into(),
                description: "希望协调园区用地".into(),
                unit: String::new(),
            },
        ],
        ..Default::default()
    };
    let valid = form.validate(&campaign, date("2022-07-01")).unwrap();
    let logged = visits::log(&fx.db, fx.firm, valid, &Actor::user(&fx.coordinator, None))
        .await
        .unwrap();
    assert_eq!(logged.problem_ids.len(), 2);
    logged.problem_ids
}

async fn load(fx: &Fixture, id: i32) -> problem::Model {
    problem::Entity::find_by_id(id)
        .one(&*fx.db)
        .await
        .unwrap()
        .unwrap()
}

async fn act(
    fx: &Fixture,
    id: i32,
    mv: Move,
    note: &str,
    who: &CurrentUser,
) -> Result<problem::Model, Error> {
    let version = load(fx, id).await.version;
    problems::act(&fx.db, &caller(who), id, version, mv, note).await
}

#[tokio::test]
async fn problems_are_routed_to_the_units_the_notice_names() {
    let fx = fixture().await;
    let ids = visit_with_problems(&fx).await;
    let jobs = problems::routed_to(&*fx.db, ids[0]).await.unwrap();
    let hr = unit_id(&fx.db, "省人力资源社会保障厅").await;
    let finance = unit_id(&fx.db, "省财政厅").await;
    // The notice names 省人力资源社会保障厅 first for measure 8: it leads, 省财政厅 co-handles.
    let expected = vec![hr, finance];
    assert_eq!(
        jobs, expected,
        "measure 8: 省人力资源社会保障厅 leads, 省财政厅 co-handles"
    );
    // A co-handler sees the problem but does not claim it: one unit answers for it.
    let finance_handler = make_user(&fx.db, "13700000088", Role::Unit, Some(finance)).await;
    let refused = act(&fx, ids[0], Move::Claim, "", &finance_handler)
        .await
        .unwrap_err();
    assert_eq!(refused.status(), 409);
    assert_eq!(refused.field_errors()[0].key, K::ErrCoHandler);
    let queue = problems::queue(&*fx.db, &finance_handler).await.unwrap();
    assert!(
        queue.iter().any(|r| r.id == ids[0]),
        "the co-handler sees it"
    );
    assert_eq!(load(&fx, ids[0]).await.version, 1, "nothing moved");
    // "Every member unit" goes to the department hosting the office, not to all nineteen.
    assert_eq!(
        problems::routed_to(&*fx.db, ids[1]).await.unwrap(),
        vec![unit_id(&fx.db, problems::DEFAULT_UNIT).await]
    );
    // The visit form's preview reads the same table the routing does: all 26 measures, each
    // with its units, and the two problems above went exactly where the table says.
    let table = problems::route_table(&*fx.db).await.unwrap();
    assert_eq!(table.len(), 26);
    assert!(table.iter().all(|(_, units)| !units.is_empty()));
    let row = |m: i32| table.iter().find(|r| r.0 == m).unwrap().1.clone();
    assert_eq!(row(8), expected);
    assert_eq!(
        row(1),
        problems::units_for_measure(&*fx.db, 1).await.unwrap()
    );
    let p = load(&fx, ids[0]).await;
    assert_eq!((p.status.as_str(), p.version), ("routed", 1));
    assert_eq!(
        p.deadline,
        date("2022-07-01"),
        "15 working days after 2022-06-10"
    );
}

#[tokio::test]
async fn the_whole_lifecycle_to_a_confirmed_solution_moves_the_target() {
    let fx = fixture().await;
    let ids = visit_with_problems(&fx).await;
    let id = ids[0];
    let campaign = current_campaign(&*fx.db).await.unwrap();

    act(&fx, id, Move::Claim, "", &fx.hr_unit).await.unwrap();
    act(
        &fx,
        id,
        Move::Respond,
        "已为企业办理稳岗返还 12 万元",
        &fx.hr_unit,
    )
    .await
    .unwrap();
    let closed = act(&fx, id, Move::Close, "", &fx.hr_unit).await.unwrap();
    assert_eq!(closed.status, "closed");
    assert_eq!(
        progress::compute(&*fx.db, &campaign, domain::clock::today())
            .await
            .unwrap()
            .with_solved_problem,
        0,
        "closed is not solved"
    );

    // The firm says "not solved" on a call: the problem goes back to the unit.
    let reopened = problems::confirm_by_call(
        &fx.db,
        &caller(&fx.coordinator),
        id,
        closed.version,
        false,
        Satisfaction::Dissatisfied,
        "资金未到账",
    )
    .await
    .unwrap();
    assert_eq!(reopened.status, "claimed");
    // The dashboard counts the reopening against the units the problem is routed to.
    let today = domain::clock::today();
    let d = domain::db::dashboard::compute(&*fx.db, &campaign, today)
        .await
        .unwrap();
    let hr = fx.hr_unit.member_unit_id.unwrap();
    let hr_row = d.by_unit.iter().find(|u| u.id == hr).unwrap();
    assert_eq!((hr_row.reopened, hr_row.supervised), (1, 0));
    act(&fx, id, Move::Respond, "资金已拨付到账", &fx.hr_unit)
        .await
        .unwrap();
    act(&fx, id, Move::Close, "", &fx.hr_unit).await.unwrap();

    // Then it confirms through its one-time link, made whole under the site's address with
    // its QR code.
    let link = problems::confirmation_link(
        &fx.db,
        &caller(&fx.coordinator),
        &id.to_string(),
        "https://zhuqi.example.gov.cn/",
    )
    .await
    .unwrap();
    let token = link
        .url
        .strip_prefix("https://zhuqi.example.gov.cn/confirm/")
        .unwrap()
        .to_owned();
    assert_eq!(token.len(), 48);
    assert_eq!(
        link.qr_svg,
        domain::db::qr::svg(&link.url, 220).unwrap(),
        "the QR code holds the URL"
    );
    assert!(link.qr_svg.starts_with("<?xml") && link.qr_svg.contains("<svg"));
    assert_eq!(link.valid_days, 14);
    let view = problems::link_view(&*fx.db, &token).await.unwrap();
    assert_eq!(view.unit_response.as_deref(), Some("资金已拨付到账"));
    // Nothing is preselected for the firm: an answer left out is refused field by field, and
    // the link still works.
    let blank = problems::record_link_answer(&fx.db, &token, &Default::default(), None)
        .await
        .unwrap_err();
    let fields: Vec<&str> = blank
        .field_errors()
        .iter()
        .map(|e| e.field.as_str())
        .collect();
    assert_eq!(fields, ["solved", "satisfaction"], "{blank:?}");
    assert_eq!(blank.status(), 422);
    assert_eq!(load(&fx, id).await.status, "closed");
    problems::confirm_by_link(
        &fx.db,
        &token,
        true,
        Satisfaction::Satisfied,
        "谢谢",
        Some("10.1.1.1".into()),
    )
    .await
    .unwrap();
    let solved = load(&fx, id).await;
    assert_eq!(
        (
            solved.status.as_str(),
            solved.confirmed_via.as_deref(),
            solved.satisfaction.as_deref()
        ),
        ("solved", Some("link"), Some("satisfied"))
    );
    assert!(solved.solved_at.is_some());
    // A spent link cannot answer again.
    let again =
        problems::confirm_by_link(&fx.db, &token, false, Satisfaction::Dissatisfied, "", None)
            .await
            .unwrap_err();
    assert!(
        matches!(&again, Error::Conflict(e) if e.key == K::ErrLinkInvalid),
        "{again:?}"
    );

    // The firm's file shows the problem solved on its timeline. Its target badge counts as the
    // campaign's figure does (one definition, `domain::kpi`): the 2022 target takes only what was
    // solved by its deadline, and this confirmation happened today, so neither moves.
    let file = domain::db::firms::file(&*fx.db, &campaign, fx.firm)
        .await
        .unwrap();
    assert!(file.timeline.iter().any(|e| matches!(
        e,
        domain::firm::TimelineEntry::Problem(p)
            if p.id == id && p.status == domain::problem::ProblemStatus::Solved
    )));
    assert!(!file.targets.problem_solved);
    assert!(file.basis.ended);
    let p = progress::compute(&*fx.db, &campaign, campaign.deadline)
        .await
        .unwrap();
    assert_eq!(p.with_solved_problem, 0);

    let events = problem_event::Entity::find()
        .filter(problem_event::Column::ProblemId.eq(id))
        .order_by_asc(problem_event::Column::Id)
        .all(&*fx.db)
        .await
        .unwrap();
    let path: Vec<&str> = events.iter().map(|e| e.to_status.as_str()).collect();
    assert_eq!(
        path,
        vec![
            "routed",
            "claimed",
            "responded",
            "closed",
            "claimed",
            "responded",
            "closed",
            "solved"
        ]
    );
}

#[tokio::test]
async fn illegal_moves_and_wrong_people_are_refused_and_change_nothing() {
    let fx = fixture().await;
    let id = visit_with_problems(&fx).await[0];
    // Not yet claimed: cannot be closed or answered.
    for mv in [Move::Close, Move::Respond, Move::Reopen] {
        let err = act(&fx, id, mv, "说明", &fx.office).await.unwrap_err();
        assert!(
            matches!(&err, Error::Conflict(e) if e.key == K::ErrIllegalTransition),
            "{mv:?}: {err:?}"
        );
    }
    assert_eq!(
        act(&fx, id, Move::Claim, "", &fx.leader).await.unwrap_err(),
        Error::Forbidden,
        "leaders only read"
    );
    let err = act(&fx, id, Move::Claim, "", &fx.other_unit)
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Conflict(e) if e.key == K::ErrNotYourUnit));
    assert_eq!(
        act(&fx, id, Move::Claim, "", &fx.coordinator)
            .await
            .unwrap_err(),
        Error::Forbidden,
        "coordinators do not claim"
    );
    // A reason is required to withdraw; the coordinator may withdraw with one.
    assert!(matches!(
        act(&fx, id, Move::Withdraw, " ", &fx.coordinator)
            .await
            .unwrap_err(),
        Error::Validation(_)
    ));
    // Solved only through the firm: closing is not solving, and a routed problem cannot be confirmed.
    let err = problems::confirm_by_call(
        &fx.db,
        &caller(&fx.office),
        id,
        1,
        true,
        Satisfaction::Satisfied,
        "",
    )
    .await
    .unwrap_err();
    assert!(matches!(&err, Error::Conflict(e) if e.key == K::ErrNotClosed));
    let p = load(&fx, id).await;
    assert_eq!(
        (p.status.as_str(), p.version),
        ("routed", 1),
        "nothing changed"
    );
    act(&fx, id, Move::Withdraw, "企业已自行解决", &fx.coordinator)
        .await
        .unwrap();
    assert_eq!(load(&fx, id).await.status, "withdrawn");
    for mv in [Move::Claim, Move::Reopen, Move::Close] {
        assert!(
            act(&fx, id, mv, "x", &fx.office).await.is_err(),
            "withdrawn is final"
        );
    }
}

#[tokio::test]
async fn two_people_acting_on_one_problem_at_once_get_a_conflict_not_an_overwrite() {
    let fx = fixture().await;
    let id = visit_with_problems(&fx).await[0];
    let seen = load(&fx, id).await.version;
    let (unit, office) = (caller(&fx.hr_unit), caller(&fx.office));
    let (a, b) = tokio::join!(
        problems::act(&fx.db, &unit, id, seen, Move::Claim, ""),
        problems::act(&fx.db, &office, id, seen, Move::Claim, ""),
    );
    let loser = match (a, b) {
        (Ok(_), Err(e)) | (Err(e), Ok(_)) => e,
        other => panic!("exactly one should win: {other:?}"),
    };
    assert!(
        matches!(&loser, Error::Conflict(e) if e.key == K::ErrStale || e.key == K::ErrIllegalTransition),
        "{loser:?}"
    );
    assert_eq!(loser.status(), 409);
    let p = load(&fx, id).await;
    assert_eq!((p.status.as_str(), p.version), ("claimed", seen + 1));

    // Acting on a version one has not seen is refused too.
    let stale = problems::act(
        &fx.db,
        &caller(&fx.hr_unit),
        id,
        seen,
        Move::Respond,
        "答复",
    )
    .await
    .unwrap_err();
    assert!(matches!(&stale, Error::Conflict(e) if e.key == K::ErrStale));
}

#[tokio::test]
async fn the_unit_queue_holds_what_is_routed_to_the_unit() {
    let fx = fixture().await;
    let ids = visit_with_problems(&fx).await;
    let hr = problems::queue(&*fx.db, &fx.hr_unit).await.unwrap();
    assert_eq!(hr.iter().map(|r| r.id).collect::<Vec<_>>(), vec![ids[0]]);
    assert!(
        problems::queue(&*fx.db, &fx.other_unit)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(problems::queue(&*fx.db, &fx.office).await.unwrap().len(), 2);
    assert_eq!(
        problems::queue(&*fx.db, &fx.coordinator).await.unwrap_err(),
        Error::Forbidden
    );
}

#[tokio::test]
async fn the_coordinator_may_route_elsewhere_and_the_office_sets_the_units_time() {
    let fx = fixture().await;
    let campaign = current_campaign(&*fx.db).await.unwrap();
    let tax = unit_id(&fx.db, "国家税务总局青海省税务局").await;
    let form = VisitForm {
        visit_date: "2022-06-10".into(),
        kind: VisitKind::OnSite.code().into(),
        participants: String::new(),
        summary: "走访".into(),
        idempotency_key: "routed-elsewhere".into(),
        problems: vec![ProblemForm {
            measure: "8".into(),
            description: "社保费缓缴".into(),
            unit: tax.to_string(),
        }],
        ..Default::default()
    };
    let valid = form
        .validate(&campaign, date("2022-07-01"))
        .unwrap()
        .with_rules(&domain::rules::WorkingRules {
            conclude_days: 5,
            ..Default::default()
        });
    let logged = visits::log(&fx.db, fx.firm, valid, &Actor::user(&fx.coordinator, None))
        .await
        .unwrap();
    let id = logged.problem_ids[0];
    assert_eq!(
        problems::routed_to(&*fx.db, id).await.unwrap(),
        vec![tax],
        "the chosen unit, not the notice's"
    );
    assert_eq!(
        load(&fx, id).await.deadline,
        date("2022-06-17"),
        "5 working days after Friday 2022-06-10"
    );

    // An unknown unit is refused and nothing is written.
    let bad = VisitForm {
        idempotency_key: "routed-nowhere".into(),
        problems: vec![ProblemForm {
            measure: "8".into(),
            description: "x".into(),
            unit: "999".into(),
        }],
        ..form
    };
    let err = visits::log(
        &fx.db,
        fx.firm,
        bad.validate(&campaign, date("2022-07-01")).unwrap(),
        &Actor::user(&fx.coordinator, None),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(e) if e[0].key == K::ErrUnknownUnit),
        "{err:?}"
    );
    assert_eq!(
        domain::db::visits::list(&*fx.db, &fx.office, Some(fx.firm), None, None, None)
            .await
            .unwrap()
            .len(),
        1,
        "the refused visit left nothing behind"
    );
}

/// The upgrade's backfill gives every problem raised before lead units existed exactly one: the
/// measure's lead where it is among the problem's units, else the only unit, else the first.
#[tokio::test]
async fn problems_raised_before_lead_units_get_one_lead_each() {
    use sea_orm::ConnectionTrait;
    let fx = fixture().await;
    let ids = visit_with_problems(&fx).await;
    let hr = unit_id(&fx.db, "省人力资源社会保障厅").await;
    let finance = unit_id(&fx.db, "省财政厅").await;
    let science = unit_id(&fx.db, "省科技厅").await;
    // A third problem as an old database may hold it: routed to two units of which neither is
    // its measure's lead (measure 8 is led by 省人力资源社会保障厅).
    let odd = problems::route_table(&*fx.db).await.unwrap();
    assert_eq!(odd.iter().find(|r| r.0 == 8).unwrap().1[0], hr);
    let db = &*fx.db;
    let exec = |sql: String| async move {
        db.execute_unprepared(&sql).await.unwrap();
    };
    exec(format!(
        "UPDATE problem_units SET member_unit_id = {science} WHERE problem_id = {} AND member_unit_id = {hr}",
        ids[0]
    ))
    .await;
    // Before lead units: nobody leads.
    exec("UPDATE problem_units SET is_lead = FALSE".to_owned()).await;
    migration::backfill_problem_leads(db).await.unwrap();
    let leads = problems::lead_units(db, &ids).await.unwrap();
    // ids[0] is routed to 财政厅 and 科技厅, neither measure 8's lead: the first by id.
    assert_eq!(leads.get(&ids[0]), Some(&finance.min(science)));
    // ids[1] has one unit (the office's department for "every member unit"): it leads.
    assert_eq!(
        leads.get(&ids[1]),
        Some(&unit_id(&fx.db, problems::DEFAULT_UNIT).await)
    );
    // Run again: nothing changes, still one lead each (the unique index would refuse two).
    migration::backfill_problem_leads(db).await.unwrap();
    assert_eq!(problems::lead_units(db, &ids).await.unwrap(), leads);
    // Two leads for one problem are refused by the database itself.
    let two = db
        .execute_unprepared(&format!(
            "UPDATE problem_units SET is_lead = TRUE WHERE problem_id = {}",
            ids[0]
        ))
        .await;
    assert!(two.is_err(), "a second lead unit was stored");
    // And a problem routed to its measure's lead gets that unit, whatever the ids say.
    let fresh = problem_found_on(
        db,
        "海南州补录测试有限公司",
        Region::Hainan,
        "2022-06-10",
        "8",
    )
    .await;
    exec(format!(
        "UPDATE problem_units SET is_lead = FALSE WHERE problem_id = {fresh}"
    ))
    .await;
    migration::backfill_problem_leads(db).await.unwrap();
    assert_eq!(
        problems::routed_to(db, fresh).await.unwrap(),
        vec![hr, finance]
    );
}
