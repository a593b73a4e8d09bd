//! The problem figures and the breakdowns by member unit and by measure, from the problem tallies
//! (`progress::tally`): sums of a few thousand dated rows, whatever the size of the register.

use super::n;
use crate::campaign::Campaign;
use crate::dashboard::*;
use crate::db::progress::tally::{self, Kind, Sum};
use crate::db::query_all;
use crate::error::Error;
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult};
use std::collections::HashMap;

fn figures(t: &Sum) -> ProblemFigures {
    ProblemFigures {
        raised: n(t.n1),
        concluded: n(t.n2),
        concluded_on_time: n(t.n3),
        solved: n(t.n4),
        overdue: n(t.n5 - t.n6),
        answered: n(t.n7),
        satisfied: n(t.n8),
    }
}

/// The problem figures of a campaign as of a day: in total, by unit, by measure, and the days
/// units took to conclude (for the medians).
#[derive(Default)]
pub(super) struct ProblemTallies {
    pub total: ProblemFigures,
    units: HashMap<i32, ProblemFigures>,
    measures: HashMap<i32, ProblemFigures>,
    /// Per unit: (whole days to conclude, how many problems).
    durations: HashMap<i32, Vec<(i64, u64)>>,
}

pub(super) async fn problem_tallies(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    as_of: NaiveDate,
) -> Result<ProblemTallies, Error> {
    let sums = tally::sums(
        db,
        campaign.id,
        &[
            Kind::ProblemTotal,
            Kind::ProblemUnit,
            Kind::ProblemMeasure,
            Kind::ProblemDuration,
        ],
        as_of,
    )
    .await?;
    let mut out = ProblemTallies::default();
    for t in &sums {
        match t.kind {
            k if k == Kind::ProblemTotal.id() => out.total = figures(t),
            k if k == Kind::ProblemUnit.id() => {
                out.units.insert(t.key1, figures(t));
            }
            k if k == Kind::ProblemMeasure.id() => {
                out.measures.insert(t.key1, figures(t));
            }
            k if k == Kind::ProblemDuration.id() && t.n1 > 0 => out
                .durations
                .entry(t.key1)
                .or_default()
                .push((i64::from(t.key2), n(t.n1))),
            _ => {}
        }
    }
    Ok(out)
}

/// The median of a multiset given as (value, count) pairs.
fn median(mut counts: Vec<(i64, u64)>) -> Option<f64> {
    counts.sort_unstable();
    let total: u64 = counts.iter().map(|c| c.1).sum();
    if total == 0 {
        return None;
    }
    // The value at a 0-based position of the sorted multiset.
    let at = |pos: u64| {
        let mut seen = 0;
        for (v, c) in &counts {
            seen += c;
            if pos < seen {
                return *v;
            }
        }
        0
    };
    Some(if total.is_multiple_of(2) {
        (at(total / 2 - 1) + at(total / 2)) as f64 / 2.0
    } else {
        at(total / 2) as f64
    })
}

#[derive(FromQueryResult)]
struct UnitName {
    id: i32,
    name_zh: String,
    name_en: String,
}

#[derive(FromQueryResult)]
struct UnitCount {
    unit: i32,
    n: i64,
}

/// Per unit, how many of the round's problems routed to it got a 督办 by the end of `as_of`
/// (`supervised`), and how many times one was reopened because the firm was not satisfied
/// (`reopened`: a move from closed or unsolvable back to claimed).
async fn unit_counts(
    db: &impl ConnectionTrait,
    campaign_id: i32,
    as_of: NaiveDate,
) -> Result<(HashMap<i32, u64>, HashMap<i32, u64>), Error> {
    let end = crate::clock::day_end_utc(as_of);
    let values = vec![campaign_id.into(), end.into()];
    let by = |rows: Vec<UnitCount>| {
        rows.into_iter()
            .map(|r| (r.unit, u64::try_from(r.n).unwrap_or(0)))
            .collect::<HashMap<_, _>>()
    };
    let supervised = query_all::<UnitCount>(
        db,
        "SELECT pu.member_unit_id AS unit, COUNT(DISTINCT s.problem_id) AS n
         FROM supervisions s JOIN problem_units pu ON pu.problem_id = s.problem_id
         JOIN problem_progress pp ON pp.problem_id = s.problem_id AND pp.campaign_id = $1
         WHERE s.ordered_at < $2 GROUP BY pu.member_unit_id",
        values.clone(),
    )
    .await?;
    let reopened = query_all::<UnitCount>(
        db,
        "SELECT pu.member_unit_id AS unit, COUNT(*) AS n
         FROM problem_events e JOIN problem_units pu ON pu.problem_id = e.problem_id
         JOIN problem_progress pp ON pp.problem_id = e.problem_id AND pp.campaign_id = $1
         WHERE e.from_status IN ('closed', 'unsolvable') AND e.to_status = 'claimed' AND e.at < $2
         GROUP BY pu.member_unit_id",
        values,
    )
    .await?;
    Ok((by(supervised), by(reopened)))
}

pub(super) async fn by_unit(
    db: &impl ConnectionTrait,
    t: &mut ProblemTallies,
    campaign_id: i32,
    as_of: NaiveDate,
) -> Result<Vec<UnitRow>, Error> {
    let (supervised, reopened) = unit_counts(db, campaign_id, as_of).await?;
    let units = query_all::<UnitName>(
        db,
        "SELECT id, name_zh, name_en FROM member_units ORDER BY id",
        vec![],
    )
    .await?;
    let mut rows: Vec<UnitRow> = units
        .into_iter()
        .filter_map(|u| {
            let figures = t.units.remove(&u.id).filter(|f| f.raised > 0)?;
            Some(UnitRow {
                supervised: supervised.get(&u.id).copied().unwrap_or(0),
                reopened: reopened.get(&u.id).copied().unwrap_or(0),
                id: u.id,
                figures,
                median_days_to_conclude: median(t.durations.remove(&u.id).unwrap_or_default()),
                name_zh: u.name_zh,
                name_en: u.name_en,
            })
        })
        .collect();
    // Worst first: they are who must act.
    crate::dashboard::rank_units_worst_first(&mut rows);
    Ok(rows)
}

#[derive(FromQueryResult)]
struct MeasureName {
    id: i32,
    area_zh: String,
    area_en: String,
    name_zh: String,
    name_en: String,
}

/// Measure rows, the most common first (共性问题), from figures by measure id.
async fn measure_rows(
    db: &impl ConnectionTrait,
    by_measure: &HashMap<i32, ProblemFigures>,
) -> Result<Vec<MeasureRow>, Error> {
    let names = query_all::<MeasureName>(
        db,
        "SELECT m.id, pa.name_zh AS area_zh, pa.name_en AS area_en, m.name_zh, m.name_en
         FROM measures m JOIN policy_areas pa ON pa.id = m.policy_area_id",
        vec![],
    )
    .await?;
    let mut rows: Vec<MeasureRow> = names
        .into_iter()
        .filter_map(|m| {
            let f = by_measure.get(&m.id).filter(|f| f.raised > 0)?;
            Some(MeasureRow {
                measure_no: m.id,
                area_zh: m.area_zh,
                area_en: m.area_en,
                name_zh: m.name_zh,
                name_en: m.name_en,
                raised: f.raised,
                solved: f.solved,
                open: f.raised - f.concluded,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.raised
            .cmp(&a.raised)
            .then(a.measure_no.cmp(&b.measure_no))
    });
    Ok(rows)
}

pub(super) async fn measures_of(
    db: &impl ConnectionTrait,
    t: &ProblemTallies,
) -> Result<Vec<MeasureRow>, Error> {
    measure_rows(db, &t.measures).await
}

#[derive(FromQueryResult)]
struct UnitMeasure {
    measure_id: i32,
    raised: i64,
    concluded: i64,
    solved: i64,
}

/// Problems by measure of the notice, the most common first (共性问题): the province's from the
/// tallies, one unit's (its half-year report) from the problem facts of the problems routed to
/// it. Both count a problem from the same days.
pub async fn by_measure(
    db: &impl ConnectionTrait,
    c: &Campaign,
    as_of: NaiveDate,
    unit: Option<i32>,
) -> Result<Vec<MeasureRow>, Error> {
    let Some(unit) = unit else {
        return measures_of(db, &problem_tallies(db, c, as_of).await?).await;
    };
    let counts = query_all::<UnitMeasure>(
        db,
        "SELECT pp.measure_id,
                COALESCE(SUM(CASE WHEN pp.raised <= $3 THEN 1 ELSE 0 END), 0) AS raised,
                COALESCE(SUM(CASE WHEN pp.concluded <= $3 THEN 1 ELSE 0 END), 0) AS concluded,
                COALESCE(SUM(CASE WHEN pp.solved <= $3 THEN 1 ELSE 0 END), 0) AS solved
         FROM problem_progress pp
         JOIN problem_units pu ON pu.problem_id = pp.problem_id AND pu.member_unit_id = $2
         WHERE pp.campaign_id = $1
         GROUP BY pp.measure_id",
        vec![c.id.into(), unit.into(), as_of.into()],
    )
    .await?;
    let by_measure: HashMap<i32, ProblemFigures> = counts
        .into_iter()
        .map(|m| {
            (
                m.measure_id,
                ProblemFigures {
                    raised: n(m.raised),
                    concluded: n(m.concluded),
                    solved: n(m.solved),
                    ..Default::default()
                },
            )
        })
        .collect();
    measure_rows(db, &by_measure).await
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn medians_of_counted_values() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![(5, 1)]), Some(5.0));
        assert_eq!(median(vec![(9, 1), (3, 1)]), Some(6.0));
        assert_eq!(median(vec![(2, 3), (10, 1)]), Some(2.0));
        assert_eq!(median(vec![(2, 2), (10, 2)]), Some(6.0));
    }
}
