//! Writes as the end of a campaign brings them: many coordinators at once, phones that send the
//! same visit again, and figures that must stay exact while all of it goes on.
//!
//! - many writers at once, on the production pool (a SQLite file in WAL mode, or PostgreSQL),
//!   and not one of them may fail because another was writing;
//! - idempotency as field-data tools do it: same key and content → the first visit; same key,
//!   other content → 409; many simultaneous sends of one key → one visit, no error;
//! - the progress facts equal a from-scratch recount (the Rust text of the rule) after a random
//!   mix of visits, corrections, problem moves, confirmations, handovers, scope overrides and
//!   archiving, some of them running at the same time.
//!
//! SQLite by default, PostgreSQL with TEST_DATABASE_URL.

#![allow(clippy::unwrap_used)]

use chrono::{Duration, NaiveDate};
use domain::auth::{Caller, CurrentUser, Role};
use domain::db::entity::{assignment, firm, problem, visit};
use domain::db::testing::*;
use domain::db::{Db, assignments, current_campaign, demo, firms, problems, visits};
use domain::error::Error;
use domain::firm::FirmForm;
use domain::kpi::{self, Window};
use domain::problem::{Move, ProblemForm, ProblemStatus, Satisfaction};
use domain::visit::{VisitForm, VisitKind};
use domain::{K, Region, Tier};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter};
use std::collections::{BTreeMap, HashMap};

fn person(id: i32, role: Role, name: &str) -> Caller {
    caller(&CurrentUser {
        id,
        name: name.into(),
        role,
        member_unit_id: None,
    })
}

async fn office(db: &Db) -> Caller {
    let u = make_coordinator(db, "领导小组办公室").await;
    person(u.id, Role::Office, "领导小组办公室")
}

fn form(date: &str, summary: &str, key: &str, problem: bool) -> VisitForm {
    VisitForm {
        visit_date: date.into(),
        kind: "on_site".into(),
        participants: "协调员、企业负责人".into(),
        summary: summary.into(),
        idempotency_key: key.into(),
        problems: if problem {
            vec![ProblemForm {
                measure: "4".into(),
                description: "招工难，缺少熟练技工".into(),
                unit: String::new(),
            }]
        } else {
            vec![]
        },
        ..Default::default()
    }
}

/// `n` firms in scope, each with its own coordinator: (firm id, the coordinator as a caller).
async fn firms_with_coordinators(db: &Db, n: usize) -> Vec<(i32, Caller)> {
    let mut out = Vec::new();
    for i in 0..n {
        let f = make_firm(
            db,
            &format!("并发企业{i}"),
            Region::Xining,
            Tier::ProvincialSrdi,
        )
        .await;
        let c = make_coordinator(db, &format!("协调员{i}")).await;
        assign(db, f.id, c.id).await.unwrap();
        out.push((f.id, person(c.id, Role::Coordinator, &c.name)));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_coordinators_log_visits_at_once_and_none_fails() {
    let db = test_db().await;
    let firms = firms_with_coordinators(&db, 20).await;
    let before = visit::Entity::find().count(&*db).await.unwrap();
    let mut tasks = Vec::new();
    // 40 writers at once, 5 visits each, every other one with a problem (which routes it and
    // writes its units, events and audit entries too).
    for w in 0..40 {
        let (firm_id, who) = firms[w % firms.len()].clone();
        let conn = db.db.clone();
        tasks.push(tokio::spawn(async move {
            let mut results = Vec::new();
            for k in 0..5 {
                let day = format!("2022-{:02}-{:02}", 3 + (w + k) % 9, 1 + (w * 7 + k) % 27);
                let f = form(
                    &day,
                    &format!("走访{w}-{k}"),
                    &format!("k-{w}-{k}"),
                    k % 2 == 0,
                );
                let r = visits::log_for(&conn, &who, &firm_id.to_string(), &f).await;
                results.push(r);
            }
            results
        }));
    }
    let mut created = 0;
    for t in tasks {
        for r in t.await.unwrap() {
            let logged = r.expect("no writer may fail because another was writing");
            assert!(logged.created);
            created += 1;
        }
    }
    assert_eq!(created, 200);
    let after = visit::Entity::find().count(&*db).await.unwrap();
    assert_eq!(after - before, 200);
    // The facts kept up under the load: each firm's first visit is its earliest visit.
    let campaign = current_campaign(&*db).await.unwrap();
    let facts = stored_facts(&db).await;
    for (firm_id, _) in &firms {
        let first = visit::Entity::find()
            .filter(visit::Column::FirmId.eq(*firm_id))
            .all(&*db)
            .await
            .unwrap()
            .into_iter()
            .map(|v| v.visit_date)
            .min();
        assert_eq!(
            facts[&(campaign.id, *firm_id)].first_visit,
            first,
            "firm {firm_id}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_key_is_one_visit_and_other_content_under_it_is_refused() {
    let db = test_db().await;
    let firms = firms_with_coordinators(&db, 2).await;
    let (firm_id, who) = firms[0].clone();
    let id = firm_id.to_string();

    // The same key with the same content: the first visit, its problem, nothing new.
    let f = form("2022-05-10", "了解用工情况", "phone-outbox-1", true);
    let first = visits::log_for(&db, &who, &id, &f).await.unwrap();
    assert!(first.created);
    let again = visits::log_for(&db, &who, &id, &f).await.unwrap();
    assert!(!again.created);
    assert_eq!(again.visit_id, first.visit_id);
    assert_eq!(again.problem_ids, first.problem_ids);
    assert_eq!(first.problem_ids.len(), 1);

    // The same key with other content: refused, and nothing is written.
    let count = visit::Entity::find().count(&*db).await.unwrap();
    let other = form("2022-05-10", "了解融资情况", "phone-outbox-1", true);
    let err = visits::log_for(&db, &who, &id, &other).await.unwrap_err();
    assert_eq!(err.status(), 409);
    assert_eq!(err.field_errors()[0].key, K::ErrKeyReused);
    assert!(err.message(domain::Locale::Zh).contains("编号"));
    assert!(err.message(domain::Locale::En).contains("key"));
    // The same key for another firm is another submission too.
    let (other_firm, other_who) = firms[1].clone();
    let err = visits::log_for(&db, &other_who, &other_firm.to_string(), &f)
        .await
        .unwrap_err();
    assert_eq!(err.status(), 409);
    assert_eq!(visit::Entity::find().count(&*db).await.unwrap(), count);

    // Sixteen sends of one new key at the same moment: one visit, sixteen answers naming it.
    let f = form("2022-06-01", "复访：用工问题进展", "phone-outbox-2", true);
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (conn, who, id, f) = (db.db.clone(), who.clone(), id.clone(), f.clone());
        tasks.push(tokio::spawn(async move {
            visits::log_for(&conn, &who, &id, &f).await
        }));
    }
    let mut ids = Vec::new();
    let mut made = 0;
    for t in tasks {
        let logged = t
            .await
            .unwrap()
            .expect("a repeated send is answered, not refused");
        made += u32::from(logged.created);
        ids.push(logged.visit_id);
    }
    assert_eq!(made, 1);
    ids.dedup();
    assert_eq!(ids.len(), 1);
    let stored = visit::Entity::find()
        .filter(visit::Column::IdempotencyKey.eq("phone-outbox-2"))
        .count(&*db)
        .await
        .unwrap();
    assert_eq!(stored, 1);
    let raised = problem::Entity::find()
        .filter(problem::Column::VisitId.eq(ids[0]))
        .count(&*db)
        .await
        .unwrap();
    assert_eq!(raised, 1, "the visit's problem is raised once too");
}

#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
struct Fact {
    campaign_id: i32,
    firm_id: i32,
    region_id: i32,
    tier_id: i32,
    coordinator_id: Option<i32>,
    in_scope: i32,
    counted: i32,
    first_visit: Option<NaiveDate>,
    first_solved: Option<NaiveDate>,
}

async fn stored_facts(db: &Db) -> HashMap<(i32, i32), Fact> {
    domain::db::query_all::<Fact>(
        db,
        "SELECT campaign_id, firm_id, region_id, tier_id, coordinator_id,
                CASE WHEN in_scope THEN 1 ELSE 0 END AS in_scope,
                CASE WHEN counted THEN 1 ELSE 0 END AS counted, first_visit, first_solved
         FROM firm_progress",
        vec![],
    )
    .await
    .unwrap()
    .into_iter()
    .map(|f| ((f.campaign_id, f.firm_id), f))
    .collect()
}

/// The facts of every firm in every campaign, recounted from the rows by the Rust text of the
/// rule (`domain::kpi`), with nothing taken from the stored facts.
async fn recounted_facts(db: &Db) -> HashMap<(i32, i32), Fact> {
    let rounds = domain::db::campaigns::list(db).await.unwrap();
    let all_firms = firm::Entity::find().all(db).await.unwrap();
    let all_visits = visit::Entity::find().all(db).await.unwrap();
    let all_problems = problem::Entity::find().all(db).await.unwrap();
    let open: HashMap<i32, i32> = assignment::Entity::find()
        .filter(assignment::Column::EndedAt.is_null())
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.firm_id, a.coordinator_id))
        .collect();
    let mut out = HashMap::new();
    for c in rounds {
        let tiers = firms::campaign_tiers(db, c.id).await.unwrap();
        let w = Window::new(&c, c.deadline);
        for f in &all_firms {
            let office = f.scope_reason.is_some().then_some(f.in_scope);
            let in_scope = kpi::in_scope(Tier::from_id(f.tier_id).unwrap(), office, &tiers);
            let first_visit = all_visits
                .iter()
                .filter(|v| v.firm_id == f.id)
                .filter(|v| w.counts_visit(VisitKind::from_code(&v.kind).unwrap(), v.visit_date))
                .map(|v| v.visit_date)
                .min();
            let first_solved = all_problems
                .iter()
                .filter(|p| p.firm_id == f.id)
                .filter(|p| {
                    w.counts_solution(ProblemStatus::from_code(&p.status).unwrap(), p.solved_at)
                })
                .filter_map(|p| p.solved_at.map(domain::clock::date_of))
                .min();
            out.insert(
                (c.id, f.id),
                Fact {
                    campaign_id: c.id,
                    firm_id: f.id,
                    region_id: f.region_id,
                    tier_id: f.tier_id,
                    coordinator_id: open.get(&f.id).copied(),
                    in_scope: i32::from(in_scope),
                    counted: i32::from(kpi::counted(in_scope, f.archived_at.is_some())),
                    first_visit,
                    first_solved,
                },
            );
        }
    }
    out
}

/// A small deterministic generator, so a failure can be replayed.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// One random write through the services, as someone would make it; true if it was accepted.
/// Refusals (a stale version, a move the status does not allow) are part of the mix; only a
/// fault is not.
async fn one_write(
    db: Db,
    office: Caller,
    seed: u64,
    firm_ids: Vec<i32>,
    coordinators: Vec<i32>,
) -> bool {
    let mut dice = Dice(seed);
    let firm_id = firm_ids[dice.below(firm_ids.len())];
    let outcome: Result<(), Error> = match dice.below(9) {
        0 | 1 => {
            // Inside the later round, and on both sides of the first round's deadline.
            let day = NaiveDate::from_ymd_opt(2022, 7, 1).unwrap()
                + Duration::days(dice.below(300) as i64);
            let kind = ["on_site", "phone", "on_site", "video"][dice.below(4)];
            let f = VisitForm {
                kind: kind.into(),
                ..form(&day.to_string(), "随机走访", "", dice.below(2) == 0)
            };
            visits::log_for(&db, &office, &firm_id.to_string(), &f)
                .await
                .map(|_| ())
        }
        2 => {
            // The office corrects a visit's day and kind.
            match visit::Entity::find()
                .filter(visit::Column::FirmId.eq(firm_id))
                .one(&db)
                .await
                .unwrap()
            {
                Some(v) => {
                    let day = NaiveDate::from_ymd_opt(2022, 7, 1).unwrap()
                        + Duration::days(dice.below(300) as i64);
                    let kind = ["on_site", "phone"][dice.below(2)];
                    let f = VisitForm {
                        kind: kind.into(),
                        ..form(&day.to_string(), "更正走访记录", "", false)
                    };
                    visits::correct_from(&db, &office, &v.id.to_string(), &f)
                        .await
                        .map(|_| ())
                }
                None => Ok(()),
            }
        }
        3 | 4 => {
            // A problem of the firm that can still move takes a legal next step, or the firm
            // answers a closed one.
            let ps: Vec<problem::Model> = problem::Entity::find()
                .filter(problem::Column::FirmId.eq(firm_id))
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .filter(|p| !matches!(p.status.as_str(), "solved" | "withdrawn"))
                .collect();
            match ps.get(dice.below(ps.len().max(1))) {
                Some(p) if p.status == "closed" && dice.below(4) > 0 => problems::confirm_by_call(
                    &db,
                    &office,
                    p.id,
                    p.version,
                    dice.below(3) > 0,
                    [Satisfaction::Satisfied, Satisfaction::Dissatisfied][dice.below(2)],
                    "回访记录",
                )
                .await
                .map(|_| ()),
                Some(p) => {
                    let choices: &[Move] = match p.status.as_str() {
                        "routed" => &[Move::Claim, Move::Claim, Move::Withdraw],
                        "claimed" => &[Move::Respond, Move::Respond, Move::Unsolvable],
                        "responded" => &[Move::Close, Move::Close, Move::Reopen, Move::Withdraw],
                        _ => &[Move::Reopen],
                    };
                    let mv = choices[dice.below(choices.len())];
                    problems::act(&db, &office, p.id, p.version, mv, "办理情况说明")
                        .await
                        .map(|_| ())
                }
                None => Ok(()),
            }
        }
        5 => {
            let to = coordinators[dice.below(coordinators.len())];
            assignments::assign(&db, &office, &[firm_id], to, "工作调整")
                .await
                .map(|_| ())
        }
        6 | 7 => {
            let f = firms::profile(&db, firm_id).await.unwrap();
            let scope = ["in", "out", ""][dice.below(3)];
            let tier = Tier::ALL[dice.below(Tier::ALL.len())];
            let form = FirmForm {
                credit_code: f.credit_code.clone(),
                name: f.name.clone(),
                region: Region::ALL[dice.below(8)].id().to_string(),
                tier: tier.id().to_string(),
                scope: scope.into(),
                scope_reason: if scope.is_empty() {
                    String::new()
                } else {
                    "领导小组会议决定".into()
                },
                ..Default::default()
            };
            match form.validate() {
                Ok(valid) => firms::update(&db, &office, firm_id, valid)
                    .await
                    .map(|_| ()),
                Err(e) => panic!("fixture form invalid: {e:?}"),
            }
        }
        _ => {
            if dice.below(4) == 0 {
                firms::archive(&db, &office, firm_id).await.map(|_| ())
            } else {
                Ok(())
            }
        }
    };
    match outcome {
        Ok(()) => true,
        Err(e) => {
            assert!(
                matches!(e.status(), 409 | 422),
                "seed {seed}: a write failed with {e:?}"
            );
            false
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn progress_facts_equal_a_recount_after_a_random_mix_of_writes() {
    let db = test_db().await;
    demo::seed(&db).await.unwrap();
    let office = office(&db).await;
    // A later round with its own tiers, overlapping the first one's end, so every write must
    // keep two campaigns' facts, and visits fall on both sides of the first deadline.
    domain::db::campaigns::start(
        &db,
        &office,
        &domain::campaign::CampaignForm {
            name_zh: "第二轮百人助百企".into(),
            name_en: "Second round".into(),
            starts_on: "2022-07-01".into(),
            deadline: "2023-06-30".into(),
            tiers: vec![Tier::Reserve.id().to_string()],
        },
    )
    .await
    .unwrap();
    assert_eq!(stored_facts(&db).await, recounted_facts(&db).await);

    let firm_ids: Vec<i32> = firm::Entity::find()
        .all(&*db)
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.id)
        .take(40)
        .collect();
    let coordinators: Vec<i32> = domain::db::entity::user::Entity::find()
        .filter(domain::db::entity::user::Column::Role.eq("coordinator"))
        .all(&*db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.id)
        .take(10)
        .collect();
    // 240 writes, eight at a time, on 40 firms: writers meet on the same firms.
    let mut accepted = 0;
    for round in 0..30u64 {
        let mut tasks = Vec::new();
        for k in 0..8u64 {
            tasks.push(tokio::spawn(one_write(
                db.db.clone(),
                office.clone(),
                0x2022_0227 + round * 8 + k,
                firm_ids.clone(),
                coordinators.clone(),
            )));
        }
        for t in tasks {
            accepted += u32::from(t.await.unwrap());
        }
    }
    // Most of the mix must have gone through, or the recount below proves little.
    assert!(
        accepted >= 150,
        "only {accepted} of 240 writes were accepted"
    );
    let stored = stored_facts(&db).await;
    let expected = recounted_facts(&db).await;
    assert_eq!(stored.len(), expected.len());
    let wrong: BTreeMap<_, _> = expected
        .iter()
        .filter(|(k, v)| stored.get(k) != Some(v))
        .map(|(k, v)| (k, (v, stored.get(k))))
        .collect();
    assert!(
        wrong.is_empty(),
        "facts differ from the recount: {wrong:#?}"
    );
    // The problem facts and the tallies the writes left equal what a rebuild computes.
    let key = |f: &domain::db::progress::ProblemFact| (f.campaign_id, f.problem_id);
    let mut stored = domain::db::progress::problems::stored(&*db, None)
        .await
        .unwrap();
    let mut computed = domain::db::progress::problems::computed(&*db, None)
        .await
        .unwrap();
    stored.sort_by_key(key);
    computed.sort_by_key(key);
    assert!(!computed.is_empty());
    let differing: Vec<_> = computed
        .iter()
        .filter(|c| !stored.contains(c))
        .map(|c| (c, stored.iter().find(|s| key(s) == key(c))))
        .collect();
    assert!(differing.is_empty(), "problem facts differ: {differing:#?}");
    assert_eq!(stored.len(), computed.len());
    let tallies = domain::db::progress::tally::stored(&*db).await.unwrap();
    let recounted = domain::db::progress::recount_tallies(&*db).await.unwrap();
    assert!(recounted.len() > 100);
    let drifted: Vec<_> = recounted
        .iter()
        .filter(|r| !tallies.contains(r))
        .map(|r| (r, tallies.iter().find(|t| t.0 == r.0)))
        .chain(
            tallies
                .iter()
                .filter(|t| !recounted.iter().any(|r| r.0 == t.0))
                .map(|t| (t, None)),
        )
        .collect();
    assert!(
        drifted.is_empty(),
        "the tallies drifted from a recount: {drifted:#?}"
    );
}
