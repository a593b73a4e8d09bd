//! Working days (工作日): how long a member unit has for a problem (办理时限), when it is due
//! soon and by how many days it is overdue are all counted in them, by this one calendar.
//!
//! A working day is Monday to Friday, except the State Council's public holidays, plus its
//! make-up working days (调休: 2022-10-08, a Saturday, was one), minus the days off one region
//! keeps on its own (藏历新年 in 玉树 and 果洛, say). The State Council's days for 2022–2026
//! ship as reference data; the office adds later years and regional days.

use crate::error::{Error, FieldError};
use crate::firm::Urgency;
use crate::i18n::K;
use crate::reference::Region;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Timelike, Utc, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// An open problem is "due soon" when its deadline is within this many working days.
pub const DUE_SOON_WORKING_DAYS: i64 = 3;

/// The office hours the 签收 clock counts, Beijing time: 09:00 to 17:00, eight working hours a
/// working day.
pub const OFFICE_OPENS_HOUR: u32 = 9;
pub const OFFICE_CLOSES_HOUR: u32 = 17;
pub const WORKING_HOURS_PER_DAY: u32 = OFFICE_CLOSES_HOUR - OFFICE_OPENS_HOUR;

/// A stored instant as Beijing wall-clock time.
fn local(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&crate::clock::beijing()).naive_local()
}

fn minute_of(t: NaiveDateTime) -> i64 {
    i64::from(t.hour()) * 60 + i64::from(t.minute())
}

/// A Beijing day and minute after its midnight, as a stored instant.
fn utc_at(d: NaiveDate, minute: i64) -> DateTime<Utc> {
    let midnight = crate::clock::at(d, 0, 0);
    midnight + Duration::minutes(minute)
}

/// No deadline is searched for further than this many calendar days ahead: a calendar with a
/// region off for years on end still gives an answer.
const HORIZON_DAYS: i64 = 3660;

/// One day the calendar sets apart from Monday to Friday.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub id: i32,
    pub day: NaiveDate,
    /// None for the whole province (the State Council's days); else the region keeping it.
    pub region_id: Option<i32>,
    /// A make-up working day (调休上班) rather than a day off.
    pub working: bool,
    pub name: String,
    /// Where it came from: `state_council` (shipped) or `office` (added or imported).
    pub source: String,
}

/// One year of the calendar as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarYear {
    pub year: i32,
    /// The years one can turn to, newest first.
    pub years: Vec<i32>,
    pub days: Vec<CalendarDay>,
    /// The office changes the calendar; everyone else reads it.
    pub can_edit: bool,
}

/// The working-day calendar, as loaded from the database (or weekdays only, in tests).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    /// Province-wide exceptions to Monday–Friday: true for a make-up working day.
    national: BTreeMap<NaiveDate, bool>,
    /// Days off a single region keeps, by region id.
    regional: BTreeMap<i32, BTreeSet<NaiveDate>>,
}

impl Calendar {
    /// Monday to Friday, no holidays.
    pub fn weekdays() -> Self {
        Self::default()
    }

    pub fn from_days<'a>(days: impl IntoIterator<Item = &'a CalendarDay>) -> Self {
        let mut c = Self::default();
        for d in days {
            c.set(d.day, d.region_id, d.working);
        }
        c
    }

    /// Marks one day (later entries win, as in the database where a day is set once).
    pub fn set(&mut self, day: NaiveDate, region_id: Option<i32>, working: bool) {
        match region_id {
            None => {
                self.national.insert(day, working);
            }
            // A region only ever adds days off; a working entry for a region clears one.
            Some(r) if working => {
                if let Some(days) = self.regional.get_mut(&r) {
                    days.remove(&day);
                }
            }
            Some(r) => {
                self.regional.entry(r).or_default().insert(day);
            }
        }
    }

    pub fn is_working_day(&self, d: NaiveDate, region_id: Option<i32>) -> bool {
        if region_id.is_some_and(|r| self.regional.get(&r).is_some_and(|s| s.contains(&d))) {
            return false;
        }
        match self.national.get(&d) {
            Some(working) => *working,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The day `days` working days after `from` (a problem raised on a Friday with one working
    /// day is due on Monday, unless Monday is a holiday).
    pub fn add_working_days(
        &self,
        from: NaiveDate,
        days: u32,
        region_id: Option<i32>,
    ) -> NaiveDate {
        let mut d = from;
        let mut left = days;
        let limit = from + Duration::days(HORIZON_DAYS);
        while left > 0 && d < limit {
            d += Duration::days(1);
            if self.is_working_day(d, region_id) {
                left -= 1;
            }
        }
        d
    }

    /// The working days after `from` up to and including `to` (0 when `to` is not later):
    /// from a deadline to today, the days a problem is overdue.
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        region_id: Option<i32>,
    ) -> i64 {
        let to = to.min(from + Duration::days(HORIZON_DAYS));
        match from.succ_opt() {
            Some(first) => self.working_days_in(first, to, region_id),
            None => 0,
        }
    }

    /// The working days from `first` to `last`, both included (0 for an empty range). Counted
    /// by arithmetic over whole weeks and the few exceptions in the range, not day by day: the
    /// weekly 通报 counts this for every status spell of every problem of the province.
    fn working_days_in(&self, first: NaiveDate, last: NaiveDate, region_id: Option<i32>) -> i64 {
        if last < first {
            return 0;
        }
        let days = (last - first).num_days() + 1;
        let mut count = days / 7 * 5;
        let mut d = first + Duration::days(days / 7 * 7);
        while d <= last {
            if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                count += 1;
            }
            d += Duration::days(1);
        }
        for (day, working) in self.national.range(first..=last) {
            let weekday = !matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            count += i64::from(*working && !weekday) - i64::from(!*working && weekday);
        }
        if let Some(off) = region_id.and_then(|r| self.regional.get(&r)) {
            // A region's day off only takes away a day the province works.
            count -= off
                .range(first..=last)
                .filter(|day| self.is_working_day(**day, None))
                .count() as i64;
        }
        count
    }

    /// How pressing a deadline is on `today` (None: nothing open is due): overdue the day
    /// after it, due soon within `DUE_SOON_WORKING_DAYS` working days of it.
    pub fn urgency(
        &self,
        deadline: Option<NaiveDate>,
        today: NaiveDate,
        region_id: Option<i32>,
    ) -> Urgency {
        let Some(deadline) = deadline else {
            return Urgency::None;
        };
        if today > deadline {
            Urgency::Overdue
        } else if self.working_days_between(today, deadline, region_id) <= DUE_SOON_WORKING_DAYS {
            Urgency::DueSoon
        } else {
            Urgency::None
        }
    }

    /// The office hours of a working day, Beijing time, as a half-open window in minutes after
    /// midnight: the 签收 clock runs only inside it.
    fn office_window(&self, d: NaiveDate, region_id: Option<i32>) -> Option<(i64, i64)> {
        self.is_working_day(d, region_id).then_some((
            i64::from(OFFICE_OPENS_HOUR) * 60,
            i64::from(OFFICE_CLOSES_HOUR) * 60,
        ))
    }

    /// The working minutes (office hours of working days) from `from` to `to`; 0 when `to` is
    /// not later.
    pub fn working_minutes_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        region_id: Option<i32>,
    ) -> i64 {
        if to <= from {
            return 0;
        }
        let (a, b) = (local(from), local(to));
        let b = b.min(NaiveDateTime::from(a.date() + Duration::days(HORIZON_DAYS)));
        let part = |d: NaiveDate, start: i64, end: i64| match self.office_window(d, region_id) {
            Some((open, close)) => (end.min(close) - start.max(open)).max(0),
            None => 0,
        };
        if a.date() == b.date() {
            return part(a.date(), minute_of(a), minute_of(b));
        }
        let whole_days = match (a.date().succ_opt(), b.date().pred_opt()) {
            (Some(first), Some(last)) => self.working_days_in(first, last, region_id),
            _ => 0,
        };
        part(a.date(), minute_of(a), 24 * 60)
            + whole_days * i64::from(WORKING_HOURS_PER_DAY) * 60
            + part(b.date(), 0, minute_of(b))
    }

    /// The instant `hours` working hours after `from`: a problem routed at 16:00 on a Friday
    /// with 8 working hours to be claimed is due at 16:00 on the next working day.
    pub fn add_working_hours(
        &self,
        from: DateTime<Utc>,
        hours: u32,
        region_id: Option<i32>,
    ) -> DateTime<Utc> {
        let mut left = i64::from(hours) * 60;
        let start = local(from);
        let limit = start.date() + Duration::days(HORIZON_DAYS);
        let mut d = start.date();
        while d < limit {
            if let Some((open, close)) = self.office_window(d, region_id) {
                let begin = if d == start.date() {
                    open.max(minute_of(start))
                } else {
                    open
                };
                let free = (close - begin).max(0);
                if left <= free && (left > 0 || begin < close) {
                    return utc_at(d, begin + left);
                }
                left -= free;
            }
            d += Duration::days(1);
        }
        utc_at(limit, 0)
    }

    /// The working days a deadline was given when it was set by Monday to Friday alone (how
    /// problems raised before the calendar existed got theirs), to set it again by this one.
    pub fn weekday_span(from: NaiveDate, deadline: NaiveDate) -> u32 {
        u32::try_from(Self::weekdays().working_days_between(from, deadline, None)).unwrap_or(0)
    }
}

/// A day as the office types it in (or a row of an imported file).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayForm {
    pub day: String,
    /// A region id, or empty for the whole province.
    pub region: String,
    /// `off` / `work`, or as a spreadsheet says it: 休, 放假, 班, 上班.
    pub kind: String,
    pub name: String,
}

/// A checked day, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidDay {
    pub day: NaiveDate,
    pub region_id: Option<i32>,
    pub working: bool,
    pub name: String,
}

impl DayForm {
    pub fn validate(&self) -> Result<ValidDay, Error> {
        let mut errors = Vec::new();
        let day = crate::campaign::parse_date("day", &self.day)
            .map_err(|e| errors.push(e))
            .ok();
        let region_id = match self.region.trim() {
            "" | "0" | "全省" => None,
            raw => match raw
                .parse::<i32>()
                .ok()
                .and_then(Region::from_id)
                .or_else(|| crate::import::parse_region(raw))
            {
                Some(r) => Some(r.id()),
                None => {
                    errors.push(FieldError::new("region", K::ErrBadRegion));
                    None
                }
            },
        };
        let working = match self.kind.trim() {
            "work" | "班" | "上班" | "调休上班" | "工作日" => Some(true),
            "off" | "休" | "放假" | "休息" | "节假日" => Some(false),
            _ => {
                errors.push(FieldError::new("kind", K::ErrBadDayKind));
                None
            }
        };
        if working == Some(true) && region_id.is_some() {
            errors.push(FieldError::new("region", K::ErrRegionalWorkday));
        }
        let name = crate::error::text("name", &self.name, true, 40)
            .map_err(|e| errors.push(e))
            .ok();
        match (day, working, name) {
            (Some(day), Some(working), Some(name)) if errors.is_empty() => Ok(ValidDay {
                day,
                region_id,
                working,
                name,
            }),
            _ => Err(Error::Validation(errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the days of a calendar file (`date,kind,name` lines, `#` comments, as shipped in
    /// `migrations/data/cn-working-calendar.csv`).
    fn parse_shipped(text: &str) -> Vec<(NaiveDate, bool, String)> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("date,"))
            .filter_map(|l| {
                let mut parts = l.splitn(3, ',');
                let day = NaiveDate::parse_from_str(parts.next()?, "%Y-%m-%d").ok()?;
                let working = parts.next()? == "work";
                Some((day, working, parts.next().unwrap_or("").to_owned()))
            })
            .collect()
    }

    /// The arithmetic counts agree with walking the days one by one, over ranges with
    /// holidays, make-up days and a region's days off.
    #[test]
    fn counting_by_weeks_equals_counting_day_by_day() {
        let mut c = Calendar::weekdays();
        for (day, working) in [
            (d(2022, 10, 3), false),
            (d(2022, 10, 4), false),
            (d(2022, 10, 8), true),
            (d(2022, 10, 9), true),
            (d(2022, 12, 31), false),
        ] {
            c.set(day, None, working);
        }
        c.set(d(2022, 10, 10), Some(7), false);
        c.set(d(2022, 10, 8), Some(7), false);
        c.set(d(2022, 10, 15), Some(7), false);
        let slow = |from: NaiveDate, to: NaiveDate, r: Option<i32>| {
            from.iter_days()
                .skip(1)
                .take_while(|x| *x <= to)
                .filter(|x| c.is_working_day(*x, r))
                .count() as i64
        };
        let mut seed: u64 = 7;
        let mut next = |n: i64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            i64::try_from(seed >> 33).unwrap_or(0) % n
        };
        for _ in 0..2000 {
            let from = d(2022, 9, 1) + Duration::days(next(120));
            let to = from + Duration::days(next(90) - 5);
            for r in [None, Some(7), Some(1)] {
                assert_eq!(
                    c.working_days_between(from, to, r),
                    slow(from, to, r),
                    "{from} {to} {r:?}"
                );
            }
            let a = crate::clock::at(from, u32::try_from(next(24)).unwrap_or(0), 30);
            let b = crate::clock::at(to, u32::try_from(next(24)).unwrap_or(0), 15);
            let walked: i64 = if b <= a {
                0
            } else {
                let (la, lb) = (local(a), local(b));
                la.date()
                    .iter_days()
                    .take_while(|x| *x <= lb.date())
                    .filter(|x| c.is_working_day(*x, Some(7)))
                    .map(|x| {
                        let start = if x == la.date() {
                            minute_of(la).max(540)
                        } else {
                            540
                        };
                        let end = if x == lb.date() {
                            minute_of(lb).min(1020)
                        } else {
                            1020
                        };
                        (end - start).max(0)
                    })
                    .sum()
            };
            assert_eq!(c.working_minutes_between(a, b, Some(7)), walked, "{a} {b}");
        }
    }

    #[test]
    fn the_office_types_a_day_in() {
        let form = |day: &str, region: &str, kind: &str, name: &str| DayForm {
            day: day.into(),
            region: region.into(),
            kind: kind.into(),
            name: name.into(),
        };
        let ok = form("2023-02-21", "玉树州", "休", " 藏历新年 ").validate();
        assert_eq!(
            ok,
            Ok(ValidDay {
                day: d(2023, 2, 21),
                region_id: Some(7),
                working: false,
                name: "藏历新年".into()
            })
        );
        assert_eq!(
            form("2027-02-20", "", "班", "春节")
                .validate()
                .map(|v| (v.working, v.region_id)),
            Ok((true, None))
        );
        let fields = |r: Result<ValidDay, Error>| match r {
            Err(Error::Validation(e)) => e.into_iter().map(|f| f.field).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            fields(form("2023-02-30", "7", "休", "x").validate()),
            vec!["day"]
        );
        assert_eq!(
            fields(form("9999-01-01", "拉萨", "maybe", "").validate()),
            vec!["day", "region", "kind", "name"]
        );
        assert_eq!(
            fields(form("2023-02-21", "7", "班", "x").validate()),
            vec!["region"]
        );
        assert_eq!(
            fields(form("2023-02-21", "", "休", "a\u{7}b").validate()),
            vec!["name"]
        );
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn shipped() -> Calendar {
        let days = parse_shipped(include_str!(
            "../../migrations/data/cn-working-calendar.csv"
        ));
        let mut c = Calendar::weekdays();
        for (day, working, _) in days {
            c.set(day, None, working);
        }
        c
    }

    #[test]
    fn weekdays_only_skip_weekends() {
        let c = Calendar::weekdays();
        // 2022-05-06 is a Friday.
        assert_eq!(c.add_working_days(d(2022, 5, 6), 0, None), d(2022, 5, 6));
        assert_eq!(c.add_working_days(d(2022, 5, 6), 1, None), d(2022, 5, 9));
        assert_eq!(c.add_working_days(d(2022, 5, 7), 1, None), d(2022, 5, 9));
        assert_eq!(c.add_working_days(d(2022, 5, 6), 15, None), d(2022, 5, 27));
    }

    #[test]
    fn the_shipped_2022_holidays_and_make_up_days() {
        let c = shipped();
        for (m, day) in [(1, 29), (1, 30), (4, 2), (4, 24), (5, 7), (10, 8), (10, 9)] {
            assert!(
                c.is_working_day(d(2022, m, day), None),
                "2022-{m}-{day} is a make-up workday"
            );
        }
        for day in 1..=7 {
            assert!(
                !c.is_working_day(d(2022, 10, day), None),
                "2022-10-{day} is 国庆"
            );
        }
        for (m, day) in [
            (1, 31),
            (2, 1),
            (2, 4),
            (4, 4),
            (4, 5),
            (5, 2),
            (5, 4),
            (6, 3),
            (9, 12),
        ] {
            assert!(
                !c.is_working_day(d(2022, m, day), None),
                "2022-{m}-{day} is a holiday"
            );
        }
        // An ordinary week is untouched.
        assert!(c.is_working_day(d(2022, 9, 28), None));
        assert!(!c.is_working_day(d(2022, 9, 24), None));
    }

    #[test]
    fn a_deadline_across_national_day_counts_the_make_up_days() {
        let c = shipped();
        // Raised Wednesday 2022-09-28: 29, 30 Sep, then 8 and 9 Oct (Sat, Sun: make-up days),
        // then 10-14, 17-21 and 24 Oct: the 15th working day is Monday 24 Oct.
        assert_eq!(
            c.add_working_days(d(2022, 9, 28), 15, None),
            d(2022, 10, 24)
        );
        // Monday to Friday alone would have said 19 Oct.
        assert_eq!(
            Calendar::weekdays().add_working_days(d(2022, 9, 28), 15, None),
            d(2022, 10, 19)
        );
        assert_eq!(c.add_working_days(d(2022, 9, 30), 1, None), d(2022, 10, 8));
    }

    #[test]
    fn a_regional_day_off_moves_only_that_regions_deadlines() {
        let mut c = shipped();
        let yushu = 7;
        // 藏历新年 2022 (3 March), kept as three days off in one region.
        for day in 3..=5 {
            c.set(d(2022, 3, day), Some(yushu), false);
        }
        assert!(!c.is_working_day(d(2022, 3, 3), Some(yushu)));
        assert!(c.is_working_day(d(2022, 3, 3), Some(1)));
        assert_eq!(c.add_working_days(d(2022, 3, 2), 2, Some(1)), d(2022, 3, 4));
        assert_eq!(
            c.add_working_days(d(2022, 3, 2), 2, Some(yushu)),
            d(2022, 3, 8)
        );
        // A working entry for the region takes its day off back.
        c.set(d(2022, 3, 4), Some(yushu), true);
        assert!(c.is_working_day(d(2022, 3, 4), Some(yushu)));
    }

    #[test]
    fn due_soon_and_overdue_are_counted_in_working_days() {
        let c = shipped();
        // Deadline Monday 2022-10-10, seen on Thursday 29 Sep: 30 Sep, 8, 9, 10 Oct are four
        // working days away, so not yet due soon; from Friday 30 Sep it is.
        assert_eq!(
            c.urgency(Some(d(2022, 10, 10)), d(2022, 9, 29), None),
            Urgency::None
        );
        assert_eq!(
            c.urgency(Some(d(2022, 10, 10)), d(2022, 9, 30), None),
            Urgency::DueSoon
        );
        assert_eq!(
            c.urgency(Some(d(2022, 10, 10)), d(2022, 10, 10), None),
            Urgency::DueSoon
        );
        assert_eq!(
            c.urgency(Some(d(2022, 10, 10)), d(2022, 10, 11), None),
            Urgency::Overdue
        );
        assert_eq!(c.urgency(None, d(2022, 10, 11), None), Urgency::None);
        // Due Friday 30 Sep, seen on 8 Oct: the holiday week does not count as overdue days.
        assert_eq!(
            c.working_days_between(d(2022, 9, 30), d(2022, 10, 8), None),
            1
        );
        assert_eq!(
            c.working_days_between(d(2022, 9, 30), d(2022, 9, 30), None),
            0
        );
        assert_eq!(
            c.working_days_between(d(2022, 9, 30), d(2022, 9, 1), None),
            0
        );
    }

    #[test]
    fn absurd_inputs_end() {
        let mut c = Calendar::weekdays();
        for day in d(2030, 1, 1).iter_days().take(800) {
            c.set(day, Some(3), false);
        }
        let far = c.add_working_days(d(2030, 1, 1), 5, Some(3));
        assert!(far > d(2032, 3, 1));
        assert_eq!(
            c.add_working_days(d(2030, 1, 1), u32::MAX, None),
            d(2030, 1, 1) + Duration::days(HORIZON_DAYS)
        );
        assert_eq!(Calendar::weekday_span(d(2022, 5, 6), d(2022, 5, 27)), 15);
    }
}
