//! Days as the province counts them. Qinghai keeps Beijing time (UTC+8, no daylight saving), so
//! "today" and "as of a date" are Beijing dates, while timestamps are stored in UTC.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};

pub fn beijing() -> FixedOffset {
    // 8 hours east is always a valid offset.
    FixedOffset::east_opt(8 * 3600)
        .unwrap_or_else(|| FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!()))
}

pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&beijing()).date_naive()
}

/// The first instant after the Beijing day `d`: events strictly before it happened "by" `d`.
pub fn day_end_utc(d: NaiveDate) -> DateTime<Utc> {
    let next = d + Duration::days(1);
    beijing()
        .from_local_datetime(&next.and_time(chrono::NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| next.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// A Beijing date and wall-clock time as a UTC instant (used by the demo data).
pub fn at(d: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let local = d
        .and_hms_opt(hour.min(23), minute.min(59), 0)
        .unwrap_or(d.and_time(chrono::NaiveTime::MIN));
    beijing()
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| local.and_utc())
}

/// The Beijing date of a stored instant.
pub fn date_of(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&beijing()).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_beijing_day_ends_at_16_utc() {
        let d = NaiveDate::from_ymd_opt(2022, 12, 31).unwrap_or_default();
        assert_eq!(day_end_utc(d).to_rfc3339(), "2022-12-31T16:00:00+00:00");
        assert_eq!(date_of(at(d, 23, 59)), d);
        assert_eq!(date_of(at(d, 0, 0)), d);
    }
}
