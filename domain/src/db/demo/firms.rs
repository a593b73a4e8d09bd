//! The demo's firms, one at a time: the firm, its coordinator (now and then a handover), its
//! phone, video and on-site visits, and the problems found, each on its way through the
//! lifecycle.

use super::Generator;
use super::tables::{
    BRANDS, COUNTIES, INDUSTRIES, PLACE, REGIONS, Rng, SUFFIX, VISIT_SUMMARIES, d, person, phone,
    problem_text, weighted_measure,
};
use crate::clock;
use crate::credit_code::CreditCode;
use crate::db::entity::{assignment, firm, problem, problem_event, problem_unit, visit};
use crate::error::Error;
use crate::problem::{ProblemStatus, Satisfaction};
use crate::reference::Tier;
use crate::visit::VisitKind;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

impl<T: ConnectionTrait> Generator<'_, T> {
    /// One firm of region `ri` (an index into `REGIONS`) with everything that happened to it.
    pub(super) async fn firm(&mut self, ri: usize) -> Result<(), Error> {
        let (region, _, visit_rate, solve_rate) = REGIONS[ri];
        let txn = self.txn;
        let rng = &mut self.rng;
        let (industry, words) = *rng.pick(INDUSTRIES);
        let name = loop {
            let n = format!(
                "{}{}{}{}",
                rng.pick(PLACE[ri]),
                rng.pick(BRANDS),
                rng.pick(words),
                rng.pick(SUFFIX)
            );
            if self.names.insert(n.clone()) {
                break n;
            }
        };
        let code = loop {
            let alphabet = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
            let body: String = (0..7)
                .map(|_| alphabet[rng.below(alphabet.len())] as char)
                .collect();
            let first17 = format!("91{}MA{body}", region.division_code());
            if let Some(c) =
                CreditCode::complete(&first17).filter(|c| self.codes.insert(c.to_string()))
            {
                break c;
            }
        };
        let tier = match rng.below(100) {
            0..=9 => Tier::Innovative,
            10..=44 => Tier::Reserve,
            45..=84 => Tier::ProvincialSrdi,
            85..=96 => Tier::LittleGiant,
            _ => Tier::SingleChampion,
        };
        let county = *rng.pick(COUNTIES[ri]);
        let contact_phone = phone(rng, &mut self.phones);
        let f = firm::ActiveModel {
            credit_code: Set(code.to_string()),
            name: Set(name),
            region_id: Set(region.id()),
            county: Set(county.to_owned()),
            industry: Set(industry.to_owned()),
            tier_id: Set(tier.id()),
            in_scope: Set(tier.in_campaign_scope()),
            scope_reason: Set(None),
            contact_name: Set(person(rng)),
            // Without a key the sealed phone cannot be written either: the insert fails.
            contact_phone_hash: Set(crate::db::crypto::phone_hash(&contact_phone).ok()),
            contact_phone: Set(crate::db::crypto::Sealed(contact_phone)),
            address: Set(format!(
                "{}{}{}路{}号",
                region.name_zh(),
                county,
                rng.pick(&["昆仑", "柴达木", "黄河", "湟水", "长江", "通海", "园区"]),
                rng.range(1, 399)
            )),
            archived_at: Set(None),
            created_at: Set(self.created),
            updated_at: Set(self.created),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        self.summary.firms += 1;

        // A few firms still wait for a coordinator, mostly in the remote regions.
        let unassigned = self.rng.chance(if ri >= 5 { 0.12 } else { 0.02 });
        if unassigned {
            return Ok(());
        }
        let (coordinator, assigned_on) = self.assignment(f.id).await?;
        self.visits_and_problems(
            f.id,
            region.id(),
            coordinator,
            assigned_on,
            visit_rate,
            solve_rate,
        )
        .await
    }

    /// Assigns the firm to the next coordinator, sometimes with a handover later in the year;
    /// returns the current coordinator and the first assignment's day.
    async fn assignment(&mut self, firm_id: i32) -> Result<(i32, NaiveDate), Error> {
        let txn = self.txn;
        let rng = &mut self.rng;
        let coordinators = &self.coordinators;
        let mut coordinator = coordinators[self.coordinator_cursor % coordinators.len()];
        self.coordinator_cursor += usize::from(rng.chance(0.28));
        let assigned_on = d(2022, 3, 1) + Duration::days(rng.range(0, 30));
        let row = |coordinator: i32, from: NaiveDate, to: Option<NaiveDate>, reason: &str| {
            assignment::ActiveModel {
                firm_id: Set(firm_id),
                coordinator_id: Set(coordinator),
                started_at: Set(clock::at(from, 10, 0)),
                ended_at: Set(to.map(|t| clock::at(t, 10, 0))),
                reason: Set(reason.to_owned()),
                assigned_by: Set(None),
                ended_by: Set(None),
                end_reason: Set(to.map(|_| "原协调员工作调整".to_owned())),
                ..Default::default()
            }
        };
        if rng.chance(0.04) {
            let ended_on = assigned_on + Duration::days(rng.range(60, 150));
            row(coordinator, assigned_on, Some(ended_on), "首批分配")
                .insert(txn)
                .await?;
            coordinator = *rng.pick(coordinators);
            row(coordinator, ended_on, None, "工作交接")
                .insert(txn)
                .await?;
        } else {
            row(coordinator, assigned_on, None, "首批分配")
                .insert(txn)
                .await?;
        }
        Ok((coordinator, assigned_on))
    }

    /// Contact by phone or video first for some firms; on-site visits spread over the year,
    /// earlier in the regions that ran ahead; problems found on the on-site visit.
    async fn visits_and_problems(
        &mut self,
        firm_id: i32,
        region_id: i32,
        coordinator: i32,
        assigned_on: NaiveDate,
        visit_rate: f64,
        solve_rate: f64,
    ) -> Result<(), Error> {
        let txn = self.txn;
        let rng = &mut self.rng;
        if rng.chance(0.35) {
            let when = assigned_on + Duration::days(rng.range(3, 40));
            let kind = if rng.chance(0.7) {
                VisitKind::Phone
            } else {
                VisitKind::Video
            };
            insert_visit(txn, firm_id, coordinator, when, kind, rng).await?;
            self.summary.visits += 1;
        }
        if !rng.chance(visit_rate) {
            return Ok(());
        }
        let lateness = 1.0 - visit_rate; // behind regions visit later in the year
        let latest = (assigned_on + Duration::days(300)).min(d(2022, 12, 28));
        let span = (latest - assigned_on).num_days().max(10);
        let offset = (rng.range(5, span) as f64 * (0.45 + lateness)).min(span as f64) as i64;
        let visit_on = assigned_on + Duration::days(offset);
        let visit =
            insert_visit(txn, firm_id, coordinator, visit_on, VisitKind::OnSite, rng).await?;
        self.summary.visits += 1;

        let problem_count = match rng.below(10) {
            0..=1 => 0,
            2..=6 => 1,
            7..=8 => 2,
            _ => 3,
        };
        let solves = rng.chance(solve_rate);
        for pi in 0..problem_count {
            let measure = weighted_measure(rng);
            let raised = visit_on;
            let deadline = self.calendar.add_working_days(
                raised,
                crate::problem::DEFAULT_DEADLINE_WORKING_DAYS,
                Some(region_id),
            );
            // The first problem of a firm that gets one solved is the solved one; the rest
            // take whatever course the dice give them.
            let outcome = if pi == 0 && solves {
                Outcome::Solved
            } else {
                match rng.below(10) {
                    0..=3 => Outcome::Solved,
                    4..=5 => Outcome::Closed,
                    6 => Outcome::Unsolvable,
                    7 => Outcome::Responded,
                    8 => Outcome::Claimed,
                    _ => Outcome::Routed,
                }
            };
            let outcome = if pi == 0 && !solves && outcome == Outcome::Solved {
                Outcome::Closed
            } else {
                outcome
            };
            let units = self.units_of.get(&measure).cloned().unwrap_or_default();
            let mut routed: Vec<i32> = Vec::new();
            if let Some(first) = units.first() {
                routed.push(*rng.pick(&units));
                if units.len() > 2 && rng.chance(0.3) && !routed.contains(first) {
                    routed.push(*first);
                }
            }
            insert_problem(
                txn,
                rng,
                Raised {
                    firm_id,
                    visit_id: visit.id,
                    coordinator,
                    measure,
                    on: raised,
                    deadline,
                },
                outcome,
                &routed,
                self.data_end,
            )
            .await?;
            self.summary.problems += 1;
        }
        Ok(())
    }
}

/// Where a demo problem came from.
struct Raised {
    firm_id: i32,
    visit_id: i32,
    coordinator: i32,
    measure: i32,
    on: NaiveDate,
    deadline: NaiveDate,
}

async fn insert_visit(
    db: &impl ConnectionTrait,
    firm_id: i32,
    coordinator: i32,
    on: NaiveDate,
    kind: VisitKind,
    rng: &mut Rng,
) -> Result<visit::Model, Error> {
    let at = clock::at(on, 17, 30);
    Ok(visit::ActiveModel {
        firm_id: Set(firm_id),
        coordinator_id: Set(coordinator),
        visit_date: Set(on),
        kind: Set(kind.code().to_owned()),
        participants: Set(format!(
            "企业负责人{}、财务负责人{}",
            person(rng),
            person(rng)
        )),
        summary: Set((*rng.pick(VISIT_SUMMARIES)).to_owned()),
        idempotency_key: Set(None),
        created_by: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Routed,
    Claimed,
    Responded,
    Closed,
    Solved,
    Unsolvable,
}

async fn insert_problem(
    db: &impl ConnectionTrait,
    rng: &mut Rng,
    from: Raised,
    outcome: Outcome,
    units: &[i32],
    data_end: NaiveDate,
) -> Result<(), Error> {
    let Raised {
        firm_id,
        visit_id,
        coordinator,
        measure,
        on: raised,
        deadline,
    } = from;
    // Each step takes a few days; a step that would fall after the data's end has not happened.
    let mut day = raised;
    let mut step = |rng: &mut Rng, lo: i64, hi: i64| -> Option<DateTime<Utc>> {
        day += Duration::days(rng.range(lo, hi));
        (day <= data_end).then(|| clock::at(day, 15, 0))
    };
    let claimed = (outcome != Outcome::Routed)
        .then(|| step(rng, 1, 4))
        .flatten();
    let responded = (claimed.is_some() && !matches!(outcome, Outcome::Routed | Outcome::Claimed))
        .then(|| step(rng, 4, 18))
        .flatten();
    let closed = (responded.is_some() && matches!(outcome, Outcome::Closed | Outcome::Solved))
        .then(|| step(rng, 1, 5))
        .flatten();
    let solved = (closed.is_some() && outcome == Outcome::Solved)
        .then(|| step(rng, 2, 12))
        .flatten();
    let status = if solved.is_some() {
        ProblemStatus::Solved
    } else if closed.is_some() {
        ProblemStatus::Closed
    } else if responded.is_some() {
        if outcome == Outcome::Unsolvable {
            ProblemStatus::Unsolvable
        } else {
            ProblemStatus::Responded
        }
    } else if claimed.is_some() {
        ProblemStatus::Claimed
    } else {
        ProblemStatus::Routed
    };
    let raised_at = clock::at(raised, 17, 45);
    let satisfaction = solved.map(|_| match rng.below(10) {
        0..=6 => Satisfaction::Satisfied,
        7..=8 => Satisfaction::BasicallySatisfied,
        _ => Satisfaction::Dissatisfied,
    });
    let last = [solved, closed, responded, claimed]
        .into_iter()
        .flatten()
        .next()
        .unwrap_or(raised_at);
    let p =
        problem::ActiveModel {
            firm_id: Set(firm_id),
            visit_id: Set(Some(visit_id)),
            measure_id: Set(measure),
            description: Set(problem_text(measure, rng)),
            status: Set(status.code().to_owned()),
            deadline: Set(deadline),
            time_limit_days: Set(Some(crate::problem::DEFAULT_DEADLINE_WORKING_DAYS as i32)),
            raised_by: Set(Some(coordinator)),
            raised_at: Set(raised_at),
            claimed_at: Set(claimed),
            responded_at: Set(responded),
            closed_at: Set(closed),
            solved_at: Set(solved),
            concluded_on: Set(if status == ProblemStatus::Unsolvable {
                responded
            } else {
                closed
            }
            .map(clock::date_of)),
            unit_response: Set(responded
                .map(|_| "已与企业对接，按政策予以支持，具体办理情况已反馈企业。".to_owned())),
            status_reason: Set((status == ProblemStatus::Unsolvable)
                .then(|| "不符合现行政策支持条件，已向企业解释说明。".to_owned())),
            confirmed_via: Set(
                solved.map(|_| if rng.chance(0.6) { "link" } else { "call" }.to_owned())
            ),
            satisfaction: Set(satisfaction.map(|s| s.code().to_owned())),
            firm_comment: Set(None),
            version: Set(1),
            created_at: Set(raised_at),
            updated_at: Set(last),
            ..Default::default()
        }
        .insert(db)
        .await?;
    if !units.is_empty() {
        problem_unit::Entity::insert_many(units.iter().enumerate().map(|(i, u)| {
            problem_unit::ActiveModel {
                problem_id: Set(p.id),
                member_unit_id: Set(*u),
                is_lead: Set(i == 0),
            }
        }))
        .exec(db)
        .await?;
    }
    let mut events = vec![(None, ProblemStatus::Routed, raised_at, Some(coordinator))];
    let chain = [
        (claimed, ProblemStatus::Claimed),
        (
            responded,
            if status == ProblemStatus::Unsolvable {
                ProblemStatus::Unsolvable
            } else {
                ProblemStatus::Responded
            },
        ),
        (closed, ProblemStatus::Closed),
        (solved, ProblemStatus::Solved),
    ];
    let mut from = ProblemStatus::Routed;
    for (at, to) in chain {
        if let Some(at) = at {
            events.push((Some(from), to, at, None));
            from = to;
        }
    }
    problem_event::Entity::insert_many(events.into_iter().map(|(from, to, at, actor)| {
        problem_event::ActiveModel {
            problem_id: Set(p.id),
            from_status: Set(from.map(|s| s.code().to_owned())),
            to_status: Set(to.code().to_owned()),
            actor_id: Set(actor),
            note: Set(String::new()),
            at: Set(at),
            ..Default::default()
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}
