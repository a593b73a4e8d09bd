//! Visits (走访): what a coordinator submits and the rules it must meet before it is stored.

use crate::campaign::{Campaign, parse_date};
use crate::error::{FieldError, Problems, Result, text};
use crate::i18n::{K, Locale};
use crate::problem::{ProblemForm, ValidProblem};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub const MAX_PARTICIPANTS: usize = 200;
pub const MAX_SUMMARY: usize = 2000;
pub const MAX_IDEMPOTENCY_KEY: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum VisitKind {
    OnSite,
    Phone,
    Video,
}

impl VisitKind {
    pub const ALL: [VisitKind; 3] = [VisitKind::OnSite, VisitKind::Phone, VisitKind::Video];

    /// The code stored in the database and posted by forms.
    pub const fn code(self) -> &'static str {
        match self {
            VisitKind::OnSite => "on_site",
            VisitKind::Phone => "phone",
            VisitKind::Video => "video",
        }
    }

    pub fn from_code(code: &str) -> Option<VisitKind> {
        VisitKind::ALL.into_iter().find(|k| k.code() == code.trim())
    }

    pub const fn label(self) -> K {
        match self {
            VisitKind::OnSite => K::KindOnSite,
            VisitKind::Phone => K::KindPhone,
            VisitKind::Video => K::KindVideo,
        }
    }

    pub fn name(self, locale: Locale) -> &'static str {
        self.label().t(locale)
    }

    /// Only a visit in person counts toward the campaign's first target (实地走访).
    pub const fn counts_toward_target(self) -> bool {
        matches!(self, VisitKind::OnSite)
    }
}

/// A visit as typed into the form: every field a string, nothing trusted yet.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VisitForm {
    pub visit_date: String,
    pub kind: String,
    pub participants: String,
    pub summary: String,
    /// Generated when the form is rendered, so a resubmission of the same form is recognised.
    #[serde(default)]
    pub idempotency_key: String,
    /// Problems found on the visit; blank slots are ignored.
    #[serde(default)]
    pub problems: Vec<ProblemForm>,
    /// When the coordinator pressed submit, by the phone's clock (RFC 3339), for a visit that
    /// waited in the phone's outbox; empty when sent straight away. Recorded, never trusted:
    /// the date rule is checked against the server's day.
    #[serde(default)]
    pub captured_at: String,
    /// Where the phone was, when the coordinator allowed the browser to tell.
    #[serde(default)]
    pub position: Option<PositionForm>,
}

/// A position as the browser's geolocation reports it: degrees, and the radius in metres
/// within which the phone is (95 % sure).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PositionForm {
    pub latitude: f64,
    pub longitude: f64,
    pub accuracy: f64,
}

/// The widest accuracy circle worth keeping (a position from a cell tower far away says little).
pub const MAX_ACCURACY_M: f64 = 50_000.0;

/// A checked position in whole microdegrees (about 0.1 m) and metres.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub latitude_e6: i32,
    pub longitude_e6: i32,
    pub accuracy_m: i32,
}

impl Position {
    /// A position from its three stored columns; none unless all three are there.
    pub fn from_columns(
        latitude_e6: Option<i32>,
        longitude_e6: Option<i32>,
        accuracy_m: Option<i32>,
    ) -> Option<Position> {
        Some(Position {
            latitude_e6: latitude_e6?,
            longitude_e6: longitude_e6?,
            accuracy_m: accuracy_m?,
        })
    }

    pub fn latitude(self) -> f64 {
        degrees(self.latitude_e6)
    }

    pub fn longitude(self) -> f64 {
        degrees(self.longitude_e6)
    }
}

/// Whole microdegrees, as positions and firms' sites are stored, in degrees.
pub fn degrees(e6: i32) -> f64 {
    f64::from(e6) / 1e6
}

/// A latitude or longitude as pages show it: five decimals, about a metre, finer than any
/// phone's fix.
pub fn shown_degrees(e6: i32) -> String {
    format!("{:.5}", degrees(e6))
}

impl PositionForm {
    fn validate(&self) -> Option<Position> {
        let within = |v: f64, limit: f64| v.is_finite() && v.abs() <= limit;
        // Rounded into i32 only after the range checks, so the casts cannot saturate.
        (within(self.latitude, 90.0)
            && within(self.longitude, 180.0)
            && self.accuracy.is_finite()
            && (0.0..=MAX_ACCURACY_M).contains(&self.accuracy))
        .then(|| Position {
            latitude_e6: (self.latitude * 1e6).round() as i32,
            longitude_e6: (self.longitude * 1e6).round() as i32,
            accuracy_m: self.accuracy.ceil() as i32,
        })
    }
}

/// Reads the phone's capture time. Any instant is kept as the phone said (a phone whose clock
/// is wrong still loses no visit); only text that is not a time is refused.
fn parse_captured_at(raw: &str) -> std::result::Result<Option<DateTime<Utc>>, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    DateTime::parse_from_rfc3339(raw)
        .map(|t| Some(t.with_timezone(&Utc)))
        .map_err(|_| FieldError::new("captured_at", K::ErrBadCapturedAt))
}

/// A visit that passed every check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidVisit {
    pub visit_date: NaiveDate,
    pub kind: VisitKind,
    pub participants: String,
    pub summary: String,
    pub idempotency_key: Option<String>,
    pub problems: Vec<ValidProblem>,
    pub captured_at: Option<DateTime<Utc>>,
    pub position: Option<Position>,
}

impl ValidVisit {
    /// Gives the problems raised with this visit the office's clocks.
    pub fn with_rules(mut self, rules: &crate::rules::WorkingRules) -> Self {
        for p in &mut self.problems {
            p.deadline_working_days = rules.conclude_days;
            p.claim_limit_hours = rules.claim_hours;
            p.callback_limit_days = rules.callback_days;
        }
        self
    }
}

impl VisitForm {
    /// Checks the whole form and reports every bad field at once.
    pub fn validate(&self, campaign: &Campaign, today: NaiveDate) -> Result<ValidVisit> {
        let mut problems = Problems::default();
        let date = problems
            .take(parse_date("visit_date", &self.visit_date))
            .and_then(|d| problems.take(campaign.check_visit_date(d, today)));
        let kind = VisitKind::from_code(&self.kind);
        if kind.is_none() {
            problems.push(FieldError::new("kind", K::ErrBadVisitKind));
        }
        let participants = problems.take(text(
            "participants",
            &self.participants,
            false,
            MAX_PARTICIPANTS,
        ));
        let summary = problems.take(text("summary", &self.summary, true, MAX_SUMMARY));
        let key = self.idempotency_key.trim();
        let key_ok = key.len() <= MAX_IDEMPOTENCY_KEY
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !key_ok {
            problems.push(FieldError::new("idempotency_key", K::ErrBadId));
        }
        let captured_at = problems
            .take(parse_captured_at(&self.captured_at))
            .flatten();
        let position = match &self.position {
            None => None,
            Some(p) => {
                let valid = p.validate();
                if valid.is_none() {
                    problems.push(FieldError::new("position", K::ErrBadPosition));
                }
                valid
            }
        };
        let mut found = Vec::new();
        for (i, p) in self
            .problems
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.is_blank())
        {
            match p.validate(i + 1) {
                Ok(valid) => found.push(valid),
                Err(errors) => errors.into_iter().for_each(|e| problems.push(e)),
            }
        }
        problems.finish()?;
        match (date, kind, participants, summary) {
            (Some(visit_date), Some(kind), Some(participants), Some(summary)) => Ok(ValidVisit {
                visit_date,
                kind,
                participants,
                summary,
                idempotency_key: (!key.is_empty()).then(|| key.to_owned()),
                problems: found,
                captured_at,
                position,
            }),
            // Unreachable: any None above pushed a problem and `finish` returned it.
            _ => Err(crate::Error::Internal),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    fn campaign() -> Campaign {
        let d = |s| parse_date("d", s).unwrap_or_default();
        Campaign {
            id: 1,
            name_zh: String::new(),
            name_en: String::new(),
            starts_on: d("2022-02-27"),
            deadline: d("2022-12-31"),
        }
    }

    fn form() -> VisitForm {
        VisitForm {
            visit_date: "2022-05-10".into(),
            kind: "on_site".into(),
            participants: "张经理".into(),
            summary: "了解融资需求".into(),
            idempotency_key: "3f1c-aa".into(),
            ..VisitForm::default()
        }
    }

    #[test]
    fn the_phones_time_and_position_are_checked_not_trusted() {
        let sent = VisitForm {
            captured_at: "2022-05-10T09:30:00+08:00".into(),
            position: Some(PositionForm {
                latitude: 33.004_987_6,
                longitude: 97.008_123_4,
                accuracy: 24.2,
            }),
            ..form()
        };
        let v = sent.validate(&campaign(), today()).expect("valid");
        assert_eq!(
            v.captured_at.map(|t| t.to_rfc3339()),
            Some("2022-05-10T01:30:00+00:00".to_owned())
        );
        assert_eq!(
            v.position,
            Some(Position {
                latitude_e6: 33_004_988,
                longitude_e6: 97_008_123,
                accuracy_m: 25
            })
        );
        // A phone whose clock is years off still has its visit kept, and the date rule is the
        // server's: a visit date after today is refused whatever the phone's clock says.
        let skewed = VisitForm {
            captured_at: "2031-01-01T00:00:00Z".into(),
            ..form()
        };
        assert!(skewed.validate(&campaign(), today()).is_ok());
        let future = VisitForm {
            visit_date: "2022-06-02".into(),
            captured_at: "2022-06-02T08:00:00Z".into(),
            ..form()
        };
        assert!(future.validate(&campaign(), today()).is_err());
        for (captured, lat, lon, acc) in [
            ("yesterday", 30.0, 100.0, 10.0),
            ("", 91.0, 100.0, 10.0),
            ("", 30.0, -180.5, 10.0),
            ("", f64::NAN, 100.0, 10.0),
            ("", 30.0, 100.0, -1.0),
            ("", 30.0, 100.0, MAX_ACCURACY_M + 1.0),
        ] {
            let bad = VisitForm {
                captured_at: captured.into(),
                position: Some(PositionForm {
                    latitude: lat,
                    longitude: lon,
                    accuracy: acc,
                }),
                ..form()
            };
            let Err(Error::Validation(errors)) = bad.validate(&campaign(), today()) else {
                panic!("{captured} {lat} {lon} {acc} should be refused")
            };
            let field = if captured.is_empty() {
                "position"
            } else {
                "captured_at"
            };
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(errors[0].field, field);
        }
    }

    fn today() -> NaiveDate {
        parse_date("d", "2022-06-01").unwrap_or_default()
    }

    #[test]
    fn a_good_form_passes() {
        let v = form().validate(&campaign(), today()).expect("valid");
        assert_eq!(v.kind, VisitKind::OnSite);
        assert_eq!(v.idempotency_key.as_deref(), Some("3f1c-aa"));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = VisitForm {
            visit_date: "2022-07-01".into(),
            kind: "letter".into(),
            summary: " ".into(),
            ..form()
        };
        let Err(Error::Validation(errors)) = bad.validate(&campaign(), today()) else {
            panic!("should fail")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["visit_date", "kind", "summary"]);
        assert_eq!(errors[0].key, K::ErrDateInFuture);
    }

    #[test]
    fn oversized_text_and_odd_keys_are_refused() {
        let long = VisitForm {
            summary: "字".repeat(MAX_SUMMARY + 1),
            ..form()
        };
        assert!(long.validate(&campaign(), today()).is_err());
        let odd = VisitForm {
            idempotency_key: "<script>".into(),
            ..form()
        };
        assert!(odd.validate(&campaign(), today()).is_err());
        let none = VisitForm {
            idempotency_key: String::new(),
            ..form()
        };
        assert_eq!(
            none.validate(&campaign(), today())
                .map(|v| v.idempotency_key),
            Ok(None)
        );
    }

    #[test]
    fn problems_ride_along_and_blank_slots_are_ignored() {
        let with = VisitForm {
            problems: vec![
                ProblemForm {
                    measure: "5".into(),
                    description: "贷款".into(),
                    unit: String::new(),
                },
                ProblemForm::default(),
                ProblemForm {
                    measure: "27".into(),
                    description: String::new(),
                    unit: String::new(),
                },
            ],
            ..form()
        };
        let Err(Error::Validation(errors)) = with.validate(&campaign(), today()) else {
            panic!("slot 3 is bad")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["p3_measure", "p3_description"]);
        let good = VisitForm {
            problems: vec![ProblemForm {
                measure: "5".into(),
                description: "贷款".into(),
                unit: String::new(),
            }],
            ..form()
        };
        assert_eq!(
            good.validate(&campaign(), today())
                .map(|v| v.problems.len()),
            Ok(1)
        );
    }

    #[test]
    fn only_on_site_counts() {
        let counting: Vec<_> = VisitKind::ALL
            .into_iter()
            .filter(|k| k.counts_toward_target())
            .collect();
        assert_eq!(counting, vec![VisitKind::OnSite]);
        assert_eq!(VisitKind::from_code("video"), Some(VisitKind::Video));
        assert_eq!(VisitKind::from_code("visit"), None);
    }
}
