//! A coordinator's own firms (我的企业) and the office's roster of coordinators.

use super::{Targets, Urgency};
use crate::reference::Region;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A coordinator's load and results (the office's workload view).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sea_orm::FromQueryResult))]
pub struct WorkloadRow {
    pub id: i32,
    pub name: String,
    pub phone: String,
    pub member_unit: Option<String>,
    /// Their current firms (not archived), in scope or not.
    pub firms: i64,
    /// Of those, the ones counted for the campaign, and how many of these met each target.
    pub in_scope: i64,
    pub visited: i64,
    pub solved: i64,
}

/// The roster: every active coordinator's row, the firms without one, and what the target
/// columns count for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workload {
    pub rows: Vec<WorkloadRow>,
    pub unassigned: u64,
    pub basis: crate::kpi::Basis,
}

/// A coordinator's current firms, what needs action first, and what the targets count for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyFirms {
    pub firms: Vec<MyFirm>,
    pub today: NaiveDate,
    pub basis: crate::kpi::Basis,
}

/// A coordinator's firm with what needs doing there (我的企业).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyFirm {
    pub id: i32,
    pub name: String,
    pub region: Region,
    pub county: String,
    pub targets: Targets,
    pub open_problems: u64,
    /// The earliest deadline among open problems.
    pub next_deadline: Option<NaiveDate>,
    /// That deadline's urgency by the working-day calendar (`Calendar::urgency`).
    pub urgency: Urgency,
    /// The day of the latest visit of any kind, by anyone.
    pub last_visit: Option<NaiveDate>,
    pub contact_name: String,
    pub contact_phone: String,
}

/// The counts at the top of 我的企业: the coordinator's own share of the two targets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyCounts {
    pub firms: usize,
    pub in_scope: usize,
    pub visited_on_site: usize,
    pub problem_solved: usize,
    pub open_problems: u64,
}

impl MyFirms {
    /// What the coordinator's firms add up to, counted from the same target flags the badges show.
    pub fn counts(&self) -> MyCounts {
        self.firms.iter().fold(MyCounts::default(), |mut c, f| {
            c.firms += 1;
            if f.targets.in_scope {
                c.in_scope += 1;
                c.visited_on_site += usize::from(f.targets.visited_on_site);
                c.problem_solved += usize::from(f.targets.problem_solved);
            }
            c.open_problems += f.open_problems;
            c
        })
    }
}

impl MyFirm {
    /// Whether a visit is still owed for the campaign's target: the log-a-visit button is the
    /// loud one only then.
    pub fn needs_visit(&self) -> bool {
        self.targets.in_scope && !self.targets.visited_on_site
    }

    /// What needs action comes first: overdue problems, then firms not yet visited, then
    /// problems due soon, then firms with nothing solved yet, then the rest.
    pub fn rank(&self) -> u8 {
        match self.urgency {
            Urgency::Overdue => 0,
            _ if self.needs_visit() => 1,
            Urgency::DueSoon => 2,
            _ if self.targets.in_scope && !self.targets.problem_solved => 3,
            _ => 4,
        }
    }
}

/// Sorts a coordinator's firms so the one needing action is on top (then by deadline, name).
pub fn sort_for_action(firms: &mut [MyFirm]) {
    firms.sort_by(|a, b| {
        a.rank()
            .cmp(&b.rank())
            .then_with(|| {
                a.next_deadline
                    .unwrap_or(NaiveDate::MAX)
                    .cmp(&b.next_deadline.unwrap_or(NaiveDate::MAX))
            })
            .then_with(|| a.name.cmp(&b.name))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;

    #[test]
    fn my_firms_put_what_needs_action_first() {
        fn d(s: &str) -> NaiveDate {
            crate::campaign::parse_date("d", s).unwrap_or_default()
        }
        let today = d("2022-06-10");
        let calendar = Calendar::weekdays();
        let firm = |name: &str, visited: bool, solved: bool, deadline: Option<&str>| MyFirm {
            id: 0,
            name: name.into(),
            region: Region::Xining,
            county: String::new(),
            targets: Targets {
                in_scope: true,
                visited_on_site: visited,
                problem_solved: solved,
            },
            open_problems: u64::from(deadline.is_some()),
            next_deadline: deadline.map(d),
            urgency: calendar.urgency(deadline.map(d), today, None),
            last_visit: None,
            contact_name: String::new(),
            contact_phone: String::new(),
        };
        let mut firms = vec![
            firm("done", true, true, None),
            firm("soon", true, false, Some("2022-06-14")),
            firm("unvisited", false, false, None),
            firm("late", true, false, Some("2022-06-01")),
            firm("unsolved", true, false, Some("2022-07-01")),
        ];
        sort_for_action(&mut firms);
        let order: Vec<&str> = firms.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(order, vec!["late", "unvisited", "soon", "unsolved", "done"]);
        assert_eq!(firms[0].urgency, Urgency::Overdue);
        assert_eq!(firms[2].urgency, Urgency::DueSoon);
    }
}
