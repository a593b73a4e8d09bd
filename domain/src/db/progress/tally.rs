//! The figures kept as counts by day (`tallies`): per campaign, breakdown and day, how many firms
//! or problems started to count toward each figure on that day. A figure as of a day D is the
//! sum of its rows up to D, so the dashboard reads a few thousand rows instead of the register.
//!
//! The rows are never written directly: each write collects the change of the facts it touched
//! (the new facts' contribution minus the old ones', [`Delta`]) and the transaction applies it
//! at commit, in key order, so two writers always take the rows' locks in the same order. A
//! rebuild counts everything again from the facts; tests require the two to agree.

use super::{FirmFact, ProblemFact};
use crate::error::Error;
use chrono::{Datelike, NaiveDate};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use std::collections::BTreeMap;

/// Which figure family and breakdown a row belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(i32)]
pub enum Kind {
    /// Counted firms of the campaign; counters: counted, visited, solved, both.
    FirmTotal = 1,
    FirmRegion = 2,
    FirmTier = 3,
    /// By current coordinator (key 0: none), undated: the figures as of the latest day the
    /// facts can hold (see `dashboard`), not for replays of earlier days.
    FirmCoordinator = 4,
    /// Problems raised in the campaign; counters: raised, concluded, on time, solved, due,
    /// due and concluded, answered, satisfied.
    ProblemTotal = 11,
    ProblemUnit = 12,
    ProblemMeasure = 13,
    /// Concluded problems by unit (key1) and whole days to conclude (key2); counter: n.
    ProblemDuration = 14,
    /// The same by the first day of the month they were concluded in: units × days to conclude
    /// × days of the year is the one breakdown with a hundred thousand rows at national scale,
    /// so a sum up to a day reads the months before from here and only that month's days from
    /// `ProblemDuration` ([`sums`]).
    ProblemDurationByMonth = 15,
}

impl Kind {
    pub const fn id(self) -> i32 {
        self as i32
    }

    /// The kind that holds this one's rows summed by month, if it has one.
    const fn by_month(self) -> Option<Kind> {
        match self {
            Kind::ProblemDuration => Some(Kind::ProblemDurationByMonth),
            _ => None,
        }
    }
}

/// The first day of the month of `day`.
fn month_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The day of rows that hold no day (counted firms: scope is not dated).
pub fn undated() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub campaign_id: i32,
    pub kind: i32,
    pub key1: i32,
    pub key2: i32,
    pub day: NaiveDate,
}

pub type Counts = [i64; 8];

/// A change to the tallies, collected while a transaction writes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delta(BTreeMap<Key, Counts>);

fn one(i: usize) -> Counts {
    let mut c = [0; 8];
    c[i] = 1;
    c
}

impl Delta {
    pub fn add(&mut self, key: Key, counts: Counts, sign: i64) {
        let entry = self.0.entry(key).or_insert([0; 8]);
        for (e, c) in entry.iter_mut().zip(counts) {
            *e += sign * c;
        }
    }

    /// Adds (sign 1) or takes away (sign -1) what one firm's facts contribute.
    pub fn firm(&mut self, f: &FirmFact, sign: i64) {
        if !f.counted {
            return;
        }
        let c = f.campaign_id;
        let both = f.first_visit.zip(f.first_solved).map(|(v, s)| v.max(s));
        for (kind, key1) in [
            (Kind::FirmTotal, 0),
            (Kind::FirmRegion, f.region_id),
            (Kind::FirmTier, f.tier_id),
        ] {
            let key = |day| Key {
                campaign_id: c,
                kind: kind.id(),
                key1,
                key2: 0,
                day,
            };
            self.add(key(undated()), one(0), sign);
            for (i, day) in [(1, f.first_visit), (2, f.first_solved), (3, both)] {
                if let Some(day) = day {
                    self.add(key(day), one(i), sign);
                }
            }
        }
        let flags = [
            1,
            i64::from(f.first_visit.is_some()),
            i64::from(f.first_solved.is_some()),
            i64::from(both.is_some()),
            0,
            0,
            0,
            0,
        ];
        self.add(
            Key {
                campaign_id: c,
                kind: Kind::FirmCoordinator.id(),
                key1: f.coordinator_id.unwrap_or(0),
                key2: 0,
                day: undated(),
            },
            flags,
            sign,
        );
    }

    /// Adds or takes away what one problem's facts contribute; `units` are the member units it
    /// is routed to.
    pub fn problem(&mut self, p: &ProblemFact, units: &[i32], sign: i64) {
        let d = &p.days;
        let events = [
            Some(d.raised),
            d.concluded,
            d.on_time,
            d.solved,
            Some(d.due),
            d.due_concluded,
            d.answered,
            d.satisfied,
        ];
        let breakdowns = [
            (Kind::ProblemTotal, 0),
            (Kind::ProblemMeasure, p.measure_id),
        ]
        .into_iter()
        .chain(units.iter().map(|u| (Kind::ProblemUnit, *u)));
        for (kind, key1) in breakdowns {
            for (i, day) in events.iter().enumerate() {
                if let Some(day) = day {
                    let key = Key {
                        campaign_id: p.campaign_id,
                        kind: kind.id(),
                        key1,
                        key2: 0,
                        day: *day,
                    };
                    self.add(key, one(i), sign);
                }
            }
        }
        if let (Some(day), Some(days)) = (d.concluded, d.days_to_conclude) {
            for u in units {
                let key = Key {
                    campaign_id: p.campaign_id,
                    kind: Kind::ProblemDuration.id(),
                    key1: *u,
                    key2: i32::try_from(days).unwrap_or(i32::MAX),
                    day,
                };
                self.add(key, one(0), sign);
                let month = Key {
                    kind: Kind::ProblemDurationByMonth.id(),
                    day: month_of(day),
                    ..key
                };
                self.add(month, one(0), sign);
            }
        }
    }

    /// Moves another delta into this one.
    pub fn merge(&mut self, other: Delta) {
        for (k, c) in other.0 {
            self.add(k, c, 1);
        }
    }

    /// Keeps only the changes of the kinds `keep` accepts.
    pub fn retain(&mut self, keep: impl Fn(i32) -> bool) {
        self.0.retain(|k, _| keep(k.kind));
    }

    /// The rows with a non-zero change, in key order.
    pub fn rows(&self) -> Vec<(Key, Counts)> {
        self.0
            .iter()
            .filter(|(_, c)| c.iter().any(|n| *n != 0))
            .map(|(k, c)| (*k, *c))
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.0.values().all(|c| c.iter().all(|n| *n == 0))
    }

    /// Writes the change: each row's counters moved by its amount, in key order.
    pub async fn apply(self, db: &impl ConnectionTrait) -> Result<(), Error> {
        let rows: Vec<(Key, Counts)> = self
            .0
            .into_iter()
            .filter(|(_, c)| c.iter().any(|n| *n != 0))
            .collect();
        // 13 parameters a row: well under SQLite's and PostgreSQL's limits.
        for chunk in rows.chunks(400) {
            let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 13);
            let mut tuples = Vec::with_capacity(chunk.len());
            for (k, c) in chunk {
                let first = values.len();
                values.extend([
                    k.campaign_id.into(),
                    k.kind.into(),
                    k.key1.into(),
                    k.key2.into(),
                    k.day.into(),
                ]);
                values.extend(c.iter().map(|n| Value::from(*n)));
                let marks: Vec<String> = (first + 1..=values.len())
                    .map(|i| format!("${i}"))
                    .collect();
                tuples.push(format!("({})", marks.join(", ")));
            }
            let sql = format!(
                "INSERT INTO tallies (campaign_id, kind, key1, key2, day, n1, n2, n3, n4, n5, n6, n7, n8)
                 VALUES {}
                 ON CONFLICT (campaign_id, kind, key1, key2, day) DO UPDATE SET
                    n1 = tallies.n1 + excluded.n1, n2 = tallies.n2 + excluded.n2,
                    n3 = tallies.n3 + excluded.n3, n4 = tallies.n4 + excluded.n4,
                    n5 = tallies.n5 + excluded.n5, n6 = tallies.n6 + excluded.n6,
                    n7 = tallies.n7 + excluded.n7, n8 = tallies.n8 + excluded.n8",
                tuples.join(", ")
            );
            db.execute_raw(crate::db::sql_in_order(
                db.get_database_backend(),
                &sql,
                values,
            ))
            .await?;
        }
        Ok(())
    }
}

/// One row of a tally read back, summed over days up to the day asked for.
#[derive(Clone, Debug, FromQueryResult)]
pub struct Sum {
    pub kind: i32,
    pub key1: i32,
    pub key2: i32,
    pub n1: i64,
    pub n2: i64,
    pub n3: i64,
    pub n4: i64,
    pub n5: i64,
    pub n6: i64,
    pub n7: i64,
    pub n8: i64,
}

/// The tallies of these kinds summed over days up to `upto`, per breakdown. A kind kept by
/// month too is read from its monthly rows before `upto`'s month and its daily rows within it.
pub async fn sums(
    db: &impl ConnectionTrait,
    campaign_id: i32,
    kinds: &[Kind],
    upto: NaiveDate,
) -> Result<Vec<Sum>, Error> {
    const COUNTERS: &str = "n1, n2, n3, n4, n5, n6, n7, n8";
    let plain = kinds
        .iter()
        .filter(|k| k.by_month().is_none())
        .map(|k| k.id().to_string())
        .collect::<Vec<_>>();
    // $1 campaign, $2 the day, $3 the first day of its month; kind ids are this enum's.
    let mut parts = Vec::new();
    if !plain.is_empty() {
        parts.push(format!(
            "SELECT kind, key1, key2, {COUNTERS} FROM tallies
             WHERE campaign_id = $1 AND kind IN ({}) AND day <= $2",
            plain.join(", ")
        ));
    }
    for k in kinds {
        if let Some(m) = k.by_month() {
            parts.push(format!(
                "SELECT {k} AS kind, key1, key2, {COUNTERS} FROM tallies
                 WHERE campaign_id = $1 AND kind = {m} AND day < $3",
                k = k.id(),
                m = m.id()
            ));
            parts.push(format!(
                "SELECT kind, key1, key2, {COUNTERS} FROM tallies
                 WHERE campaign_id = $1 AND kind = {k} AND day >= $3 AND day <= $2",
                k = k.id()
            ));
        }
    }
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    let mut values: Vec<Value> = vec![campaign_id.into(), upto.into()];
    if kinds.iter().any(|k| k.by_month().is_some()) {
        values.push(month_of(upto).into());
    }
    crate::db::query_all::<Sum>(
        db,
        &format!(
            "SELECT kind, key1, key2, CAST(SUM(n1) AS BIGINT) AS n1, CAST(SUM(n2) AS BIGINT) AS n2,
                    CAST(SUM(n3) AS BIGINT) AS n3, CAST(SUM(n4) AS BIGINT) AS n4,
                    CAST(SUM(n5) AS BIGINT) AS n5, CAST(SUM(n6) AS BIGINT) AS n6,
                    CAST(SUM(n7) AS BIGINT) AS n7, CAST(SUM(n8) AS BIGINT) AS n8
             FROM ({}) t
             GROUP BY kind, key1, key2",
            parts.join(" UNION ALL ")
        ),
        values,
    )
    .await
}

#[derive(FromQueryResult)]
struct Row {
    campaign_id: i32,
    kind: i32,
    key1: i32,
    key2: i32,
    day: NaiveDate,
    n1: i64,
    n2: i64,
    n3: i64,
    n4: i64,
    n5: i64,
    n6: i64,
    n7: i64,
    n8: i64,
}

/// Every stored tally row with a non-zero counter, in key order.
pub async fn stored(db: &impl ConnectionTrait) -> Result<Vec<(Key, Counts)>, Error> {
    let rows = crate::db::query_all::<Row>(
        db,
        "SELECT campaign_id, kind, key1, key2, day, n1, n2, n3, n4, n5, n6, n7, n8 FROM tallies
         WHERE n1 <> 0 OR n2 <> 0 OR n3 <> 0 OR n4 <> 0 OR n5 <> 0 OR n6 <> 0 OR n7 <> 0 OR n8 <> 0
         ORDER BY campaign_id, kind, key1, key2, day",
        vec![],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                Key {
                    campaign_id: r.campaign_id,
                    kind: r.kind,
                    key1: r.key1,
                    key2: r.key2,
                    day: r.day,
                },
                [r.n1, r.n2, r.n3, r.n4, r.n5, r.n6, r.n7, r.n8],
            )
        })
        .collect())
}

#[derive(Clone, Debug, FromQueryResult)]
pub struct DayRow {
    pub day: NaiveDate,
    pub n1: i64,
    pub n2: i64,
    pub n3: i64,
    pub n4: i64,
}

/// The dated rows of one breakdown, oldest first (the burn-up).
pub async fn days(
    db: &impl ConnectionTrait,
    campaign_id: i32,
    kind: Kind,
    key1: i32,
) -> Result<Vec<DayRow>, Error> {
    crate::db::query_all::<DayRow>(
        db,
        "SELECT day, n1, n2, n3, n4 FROM tallies
         WHERE campaign_id = $1 AND kind = $2 AND key1 = $3 AND key2 = 0 AND day > $4
         ORDER BY day",
        vec![
            campaign_id.into(),
            kind.id().into(),
            key1.into(),
            undated().into(),
        ],
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::problems::ProblemDays;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn a_firm_counts_from_its_days_and_leaves_no_trace_when_taken_away() {
        let f = FirmFact {
            campaign_id: 1,
            firm_id: 7,
            region_id: 3,
            tier_id: 2,
            coordinator_id: Some(9),
            in_scope: true,
            counted: true,
            first_visit: Some(d("2022-04-01")),
            first_solved: Some(d("2022-03-01")),
        };
        let mut delta = Delta::default();
        delta.firm(&f, 1);
        let both = Key {
            campaign_id: 1,
            kind: Kind::FirmRegion.id(),
            key1: 3,
            key2: 0,
            day: d("2022-04-01"),
        };
        // Both targets are met on the later of the two days.
        assert_eq!(delta.0[&both], [0, 1, 0, 1, 0, 0, 0, 0]);
        delta.firm(&f, -1);
        assert!(delta.is_empty());
        let mut out = Delta::default();
        out.firm(
            &FirmFact {
                counted: false,
                ..f
            },
            1,
        );
        assert!(out.is_empty(), "a firm not counted counts nowhere");
    }

    #[test]
    fn a_problem_counts_once_per_breakdown_and_per_unit() {
        let p = ProblemFact {
            campaign_id: 1,
            problem_id: 5,
            measure_id: 4,
            deadline: d("2022-05-31"),
            days: ProblemDays {
                raised: d("2022-05-10"),
                concluded: Some(d("2022-05-20")),
                on_time: Some(d("2022-05-20")),
                solved: None,
                due: d("2022-06-01"),
                due_concluded: Some(d("2022-06-01")),
                answered: None,
                satisfied: None,
                days_to_conclude: Some(10),
            },
        };
        let mut delta = Delta::default();
        delta.problem(&p, &[2, 6], 1);
        let raised: i64 = delta
            .0
            .iter()
            .filter(|(k, _)| k.day == d("2022-05-10"))
            .map(|(_, c)| c[0])
            .sum();
        // Total, measure and two units.
        assert_eq!(raised, 4);
        let durations: Vec<(i32, i32)> = delta
            .0
            .keys()
            .filter(|k| k.kind == Kind::ProblemDuration.id())
            .map(|k| (k.key1, k.key2))
            .collect();
        assert_eq!(durations, vec![(2, 10), (6, 10)]);
        let by_month: Vec<(i32, i32, NaiveDate)> = delta
            .0
            .keys()
            .filter(|k| k.kind == Kind::ProblemDurationByMonth.id())
            .map(|k| (k.key1, k.key2, k.day))
            .collect();
        assert_eq!(
            by_month,
            vec![(2, 10, d("2022-05-01")), (6, 10, d("2022-05-01"))]
        );
    }
}
