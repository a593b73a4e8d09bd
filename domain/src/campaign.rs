//! The campaign rule of measure (十六): every firm in scope gets an on-site visit and at least one
//! difficulty solved by the deadline. This module holds the dates and the arithmetic; the counts
//! come from the database (`db::progress`).

use crate::error::FieldError;
use crate::i18n::K;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    pub id: i32,
    pub name_zh: String,
    pub name_en: String,
    pub starts_on: NaiveDate,
    pub deadline: NaiveDate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    NotStarted,
    /// Days left until the deadline, 0 on the deadline itself.
    Running {
        days_left: i64,
    },
    Ended,
}

impl Campaign {
    pub fn phase(&self, today: NaiveDate) -> Phase {
        if today < self.starts_on {
            Phase::NotStarted
        } else if today > self.deadline {
            Phase::Ended
        } else {
            Phase::Running {
                days_left: (self.deadline - today).num_days(),
            }
        }
    }

    /// The date figures are shown as of when no date is asked for: today while the campaign runs,
    /// its deadline once it has ended (so the final result stays the headline).
    pub fn default_as_of(&self, today: NaiveDate) -> NaiveDate {
        today.min(self.deadline)
    }

    /// The day a request asks figures for (`?as_of=`), or the default when it names none.
    pub fn as_of_param(
        &self,
        raw: Option<&str>,
        today: NaiveDate,
    ) -> Result<NaiveDate, crate::Error> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            Some(raw) => parse_date("as_of", raw).map_err(|e| crate::Error::Validation(vec![e])),
            None => Ok(self.default_as_of(today)),
        }
    }

    /// A visit is recorded for a real day: not in the future and not before the campaign began.
    /// Visits after the deadline are allowed (firms are still served) but no longer count.
    pub fn check_visit_date(
        &self,
        date: NaiveDate,
        today: NaiveDate,
    ) -> Result<NaiveDate, FieldError> {
        if date > today {
            Err(FieldError::new("visit_date", K::ErrDateInFuture))
        } else if date < self.starts_on {
            Err(FieldError::new("visit_date", K::ErrDateBeforeCampaign)
                .with("start", self.starts_on))
        } else {
            Ok(date)
        }
    }
}

/// How a target stands against the calendar, in the supervision colours (红/黄/绿).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pace {
    /// Target reached.
    Done,
    /// At or ahead of a straight line from start to deadline.
    OnTrack,
    /// Within 10 points behind the line.
    Warning,
    /// More than 10 points behind, or the campaign ended short of the target.
    Behind,
}

impl Campaign {
    /// The share of the campaign's time elapsed by `as_of`, in percent (0 before, 100 after).
    pub fn elapsed_percent(&self, as_of: NaiveDate) -> f64 {
        let total = (self.deadline - self.starts_on).num_days().max(1);
        let done = (as_of - self.starts_on).num_days().clamp(0, total);
        percent(done as u64, total as u64)
    }

    pub fn pace(&self, achieved_percent: f64, as_of: NaiveDate) -> Pace {
        let expected = self.elapsed_percent(as_of);
        if achieved_percent >= 100.0 {
            Pace::Done
        } else if achieved_percent >= expected {
            Pace::OnTrack
        } else if as_of < self.deadline && achieved_percent >= expected - 10.0 {
            Pace::Warning
        } else {
            Pace::Behind
        }
    }
}

/// Parses a date as a person types it in a form or URL.
pub fn parse_date(field: &str, raw: &str) -> Result<NaiveDate, FieldError> {
    let d = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| FieldError::new(field, K::ErrBadDate))?;
    // chrono reads `+99999-01-01` and `-0001-01-01` as dates; no campaign, visit or report day
    // lies there, and such a day would only reach the database to be counted against.
    if (DATE_YEARS.0..=DATE_YEARS.1).contains(&d.year()) {
        Ok(d)
    } else {
        Err(FieldError::new(field, K::ErrDateRange))
    }
}

/// The years a date typed into zhuqi may fall in.
pub const DATE_YEARS: (i32, i32) = (2000, 2100);

/// The two targets, counted over the firms in scope, as of one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub campaign: Campaign,
    pub as_of: NaiveDate,
    pub firms_in_scope: u64,
    pub visited_on_site: u64,
    pub with_solved_problem: u64,
    pub both_targets_met: u64,
}

/// A share in percent with one decimal, as Chinese reports print it ("70.7%"); 0 of 0 is 0.
pub fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (part as f64 * 1000.0 / whole as f64).round() / 10.0
}

impl Progress {
    pub fn visited_percent(&self) -> f64 {
        percent(self.visited_on_site, self.firms_in_scope)
    }
    pub fn solved_percent(&self) -> f64 {
        percent(self.with_solved_problem, self.firms_in_scope)
    }
    pub fn both_percent(&self) -> f64 {
        percent(self.both_targets_met, self.firms_in_scope)
    }
}

/// A later round as the office types it: names, dates, and the tiers in its scope.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignForm {
    pub name_zh: String,
    #[serde(default)]
    pub name_en: String,
    /// YYYY-MM-DD
    pub starts_on: String,
    /// YYYY-MM-DD
    pub deadline: String,
    /// Tier ids, 1–5: firms of these tiers are in scope (unless the office overrode a firm's).
    #[serde(default)]
    pub tiers: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidCampaign {
    pub name_zh: String,
    pub name_en: String,
    pub starts_on: NaiveDate,
    pub deadline: NaiveDate,
    pub tiers: Vec<crate::Tier>,
}

impl CampaignForm {
    pub fn validate(&self) -> Result<ValidCampaign, crate::Error> {
        use crate::error::{Problems, text};
        let mut problems = Problems::default();
        let name_zh = problems.take(text("name_zh", &self.name_zh, true, 100));
        let name_en = problems.take(text("name_en", &self.name_en, false, 100));
        let starts_on = problems.take(parse_date("starts_on", &self.starts_on));
        let deadline = problems.take(parse_date("deadline", &self.deadline));
        if let (Some(s), Some(d)) = (starts_on, deadline)
            && d <= s
        {
            problems.push(FieldError::new("deadline", K::ErrDeadlineBeforeStart));
        }
        let mut tiers = Vec::new();
        for t in self.tiers.iter().filter(|t| !t.trim().is_empty()) {
            if let Some(tier) = problems.take(crate::Tier::parse_id("tiers", t))
                && !tiers.contains(&tier)
            {
                tiers.push(tier);
            }
        }
        if tiers.is_empty() {
            problems.push(FieldError::new("tiers", K::ErrNoTiers));
        }
        problems.finish()?;
        match (name_zh, name_en, starts_on, deadline) {
            (Some(name_zh), Some(name_en), Some(starts_on), Some(deadline)) => Ok(ValidCampaign {
                name_en: if name_en.is_empty() {
                    name_zh.clone()
                } else {
                    name_en
                },
                name_zh,
                starts_on,
                deadline,
                tiers,
            }),
            _ => Err(crate::Error::Internal),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_dates_are_refused() {
        for raw in ["+99999-01-01", "-0001-01-01", "1999-12-31", "2101-01-01"] {
            assert_eq!(
                parse_date("as_of", raw).map_err(|e| e.key),
                Err(K::ErrDateRange),
                "{raw}"
            );
        }
        assert!(parse_date("as_of", "2000-01-01").is_ok());
        assert!(parse_date("as_of", " 2100-12-31 ").is_ok());
        assert_eq!(
            parse_date("as_of", "2022-13-01").map_err(|e| e.key),
            Err(K::ErrBadDate)
        );
    }

    fn d(s: &str) -> NaiveDate {
        parse_date("d", s).unwrap_or_default()
    }

    #[test]
    fn a_later_round_needs_names_ordered_dates_and_tiers() {
        let form = CampaignForm {
            name_zh: "百人助百企（2023年）".into(),
            starts_on: "2023-03-01".into(),
            deadline: "2023-12-31".into(),
            tiers: vec!["3".into(), "2".into(), "3".into()],
            ..Default::default()
        };
        let valid = form.validate().expect("valid");
        assert_eq!(
            valid.tiers,
            vec![crate::Tier::ProvincialSrdi, crate::Tier::Reserve]
        );
        assert_eq!(valid.name_en, "百人助百企（2023年）");
        let bad = CampaignForm {
            name_zh: " ".into(),
            starts_on: "2023-12-31".into(),
            deadline: "2023-03-01".into(),
            tiers: vec![],
            ..Default::default()
        };
        let Err(crate::Error::Validation(errors)) = bad.validate() else {
            panic!("should fail")
        };
        let keys: Vec<K> = errors.iter().map(|e| e.key).collect();
        assert_eq!(
            keys,
            vec![K::ErrRequired, K::ErrDeadlineBeforeStart, K::ErrNoTiers]
        );
    }

    fn campaign() -> Campaign {
        Campaign {
            id: 1,
            name_zh: "百人助百企".into(),
            name_en: "x".into(),
            starts_on: d("2022-02-27"),
            deadline: d("2022-12-31"),
        }
    }

    #[test]
    fn phases_around_the_dates() {
        let c = campaign();
        assert_eq!(c.phase(d("2022-02-26")), Phase::NotStarted);
        assert_eq!(c.phase(d("2022-02-27")), Phase::Running { days_left: 307 });
        assert_eq!(c.phase(d("2022-12-30")), Phase::Running { days_left: 1 });
        assert_eq!(c.phase(d("2022-12-31")), Phase::Running { days_left: 0 });
        assert_eq!(c.phase(d("2023-01-01")), Phase::Ended);
    }

    #[test]
    fn default_as_of_stops_at_the_deadline() {
        let c = campaign();
        assert_eq!(c.default_as_of(d("2022-06-30")), d("2022-06-30"));
        assert_eq!(c.default_as_of(d("2026-11-25")), d("2022-12-31"));
    }

    #[test]
    fn visit_dates_are_bounded() {
        let c = campaign();
        let today = d("2022-07-01");
        assert_eq!(
            c.check_visit_date(d("2022-07-01"), today),
            Ok(d("2022-07-01"))
        );
        assert_eq!(
            c.check_visit_date(d("2022-02-27"), today),
            Ok(d("2022-02-27"))
        );
        assert_eq!(
            c.check_visit_date(d("2022-07-02"), today)
                .map_err(|e| e.key),
            Err(K::ErrDateInFuture)
        );
        let before = c.check_visit_date(d("2022-02-26"), today).unwrap_err();
        assert_eq!(
            before.text(crate::Locale::Zh),
            "走访日期不能早于活动开始日期 2022-02-27"
        );
    }

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(parse_date("d", " 2022-12-31 "), Ok(d("2022-12-31")));
        for bad in ["2022-13-01", "2022/12/31", "31.12.2022", "", "2022-02-30"] {
            assert_eq!(
                parse_date("d", bad).map_err(|e| e.key),
                Err(K::ErrBadDate),
                "{bad}"
            );
        }
    }

    #[test]
    fn pace_follows_the_straight_line_to_the_deadline() {
        let c = campaign();
        let mid = d("2022-07-31"); // about half-way
        assert!(
            (c.elapsed_percent(mid) - 50.2).abs() < 0.5,
            "{}",
            c.elapsed_percent(mid)
        );
        assert_eq!(c.pace(60.0, mid), Pace::OnTrack);
        assert_eq!(c.pace(45.0, mid), Pace::Warning);
        assert_eq!(c.pace(30.0, mid), Pace::Behind);
        assert_eq!(c.pace(100.0, mid), Pace::Done);
        // At the deadline anything short of the target is behind: there is no time left.
        assert_eq!(c.pace(95.0, c.deadline), Pace::Behind);
        assert_eq!(c.elapsed_percent(d("2021-01-01")), 0.0);
        assert_eq!(c.elapsed_percent(d("2026-01-01")), 100.0);
    }

    #[test]
    fn percentages_round_to_one_decimal() {
        assert_eq!(percent(212, 300), 70.7);
        assert_eq!(percent(0, 0), 0.0);
        assert_eq!(percent(300, 300), 100.0);
        assert_eq!(percent(1, 3), 33.3);
    }
}
