//! Working days: how long a member unit has for a problem (办理时限) is counted in them. This is
//! where problem deadlines are computed, for live problems and for generated data alike.
//!
//! Today a working day is Monday to Friday; public holidays and their make-up working days
//! (调休) belong here too once the office maintains a calendar.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

pub fn is_working_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The day `days` working days after `from` (a problem raised on a Friday with one working day
/// is due on Monday).
pub fn add_working_days(from: NaiveDate, days: u32) -> NaiveDate {
    let mut d = from;
    let mut left = days;
    while left > 0 {
        d += Duration::days(1);
        if is_working_day(d) {
            left -= 1;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn working_days_skip_weekends() {
        // 2022-05-06 is a Friday.
        assert_eq!(add_working_days(d(2022, 5, 6), 0), d(2022, 5, 6));
        assert_eq!(add_working_days(d(2022, 5, 6), 1), d(2022, 5, 9));
        assert_eq!(add_working_days(d(2022, 5, 7), 1), d(2022, 5, 9));
        assert_eq!(add_working_days(d(2022, 5, 6), 15), d(2022, 5, 27));
    }
}
