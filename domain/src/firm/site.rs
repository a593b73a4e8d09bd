//! Where a firm is (企业位置), and how far a visit's recorded position was from it: the proof of
//! an on-site visit the office reads on the firm file (issue 12).
//!
//! Coordinates are WGS-84, as a phone's geolocation reports them. The site is either typed by
//! the office or taken from a precise position recorded on an earlier visit, which is the
//! usual way: the coordinator stood in the firm's yard.

use crate::error::FieldError;
use crate::i18n::K;
use crate::visit::Position;
use serde::{Deserialize, Serialize};

/// A firm's site in whole microdegrees, like a visit's [`Position`].
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    pub latitude_e6: i32,
    pub longitude_e6: i32,
}

/// A visit's position counts as at the firm when the site lies within the position's accuracy
/// circle widened by this much: a works spans a few hundred metres, and the site itself was
/// taken with some error.
pub const NEAR_M: u32 = 300;

/// The widest accuracy circle a position may have to become a firm's site: a fix from cell
/// towers (often a kilometre or more) would make every later distance meaningless.
pub const SITE_MAX_ACCURACY_M: i32 = 100;

/// Mainland China's latitudes and longitudes. They do not overlap, so a pair typed in either
/// order (map apps copy "longitude,latitude") is read the right way round there.
const CHINA_LATITUDE: std::ops::RangeInclusive<f64> = 3.0..=54.0;
const CHINA_LONGITUDE: std::ops::RangeInclusive<f64> = 73.0..=136.0;

/// The mean Earth radius (IUGG), in metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

impl Site {
    pub fn latitude(self) -> f64 {
        crate::visit::degrees(self.latitude_e6)
    }

    pub fn longitude(self) -> f64 {
        crate::visit::degrees(self.longitude_e6)
    }

    /// The site as a `geo:` URI (RFC 5870), which opens the phone's map app there.
    pub fn geo_uri(self) -> String {
        format!("geo:{:.6},{:.6}", self.latitude(), self.longitude())
    }

    /// The site as the office's form shows it: "latitude, longitude" to 0.1 m.
    pub fn text(self) -> String {
        format!("{:.6}, {:.6}", self.latitude(), self.longitude())
    }

    /// Reads "36.6171, 101.7782" as typed or pasted: any of `,`, `，`, `;`, spaces between the
    /// two numbers; within China either order. Empty text is no site.
    pub fn parse(field: &str, raw: &str) -> Result<Option<Site>, FieldError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let invalid = || FieldError::new(field, K::ErrBadSite).with("value", raw);
        let numbers: Vec<f64> = raw
            .split(|c: char| c == ',' || c == '，' || c == ';' || c == '；' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<f64>().map_err(|_| invalid()))
            .collect::<Result<_, _>>()?;
        let [a, b] = numbers[..] else {
            return Err(invalid());
        };
        let (latitude, longitude) = if CHINA_LONGITUDE.contains(&a) && CHINA_LATITUDE.contains(&b) {
            (b, a)
        } else {
            (a, b)
        };
        // Range checks before the casts, so they cannot saturate; "NaN" and "inf" parse as
        // floats and fail here.
        let fits = |v: f64, limit: f64| v.is_finite() && v.abs() <= limit;
        if !(fits(latitude, 90.0) && fits(longitude, 180.0)) {
            return Err(invalid());
        }
        Ok(Some(Site {
            latitude_e6: (latitude * 1e6).round() as i32,
            longitude_e6: (longitude * 1e6).round() as i32,
        }))
    }

    /// A visit's position as the firm's site, when it is precise enough to be one.
    pub fn from_position(p: Position) -> Option<Site> {
        (p.accuracy_m <= SITE_MAX_ACCURACY_M).then_some(Site {
            latitude_e6: p.latitude_e6,
            longitude_e6: p.longitude_e6,
        })
    }

    /// The great-circle distance to a position, in metres (haversine; on the scale of a
    /// province its error is far below any phone's accuracy).
    pub fn distance_m(self, p: Position) -> f64 {
        let (la1, lo1) = (self.latitude().to_radians(), self.longitude().to_radians());
        let (la2, lo2) = (p.latitude().to_radians(), p.longitude().to_radians());
        let h = ((la2 - la1) / 2.0).sin().powi(2)
            + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
    }

    /// How far a visit's position was from the site, and whether that is at the firm.
    pub fn proximity(self, p: Position) -> Proximity {
        let metres = self.distance_m(p).round() as u32;
        Proximity {
            metres,
            near: metres <= p.accuracy_m.max(0) as u32 + NEAR_M,
        }
    }
}

/// A visit's distance from its firm's site.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proximity {
    pub metres: u32,
    /// Within the position's accuracy plus [`NEAR_M`] of the site.
    pub near: bool,
}

impl Proximity {
    /// The distance as people say it: metres below a kilometre, else kilometres to 0.1.
    pub fn text(self, l: crate::Locale) -> String {
        if self.metres < 1000 {
            K::DistanceMetres.fill(l, &[("n", self.metres.to_string())])
        } else {
            K::DistanceKm.fill(
                l,
                &[("n", format!("{:.1}", f64::from(self.metres) / 1000.0))],
            )
        }
    }
}

/// Who may set a firm's site from a visit's position: the office always (it corrects a wrong
/// one); the firm's coordinator only while the firm has none, so the reference a coordinator's
/// later visits are measured against is not theirs to move.
pub fn may_set_site(office: bool, firm_has_site: bool) -> bool {
    office || !firm_has_site
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, lon: f64, accuracy_m: i32) -> Position {
        Position {
            latitude_e6: (lat * 1e6).round() as i32,
            longitude_e6: (lon * 1e6).round() as i32,
            accuracy_m,
        }
    }

    #[test]
    fn a_site_is_read_in_either_order_within_china_and_refused_when_not_two_numbers() {
        let xining = Some(Site {
            latitude_e6: 36_617_100,
            longitude_e6: 101_778_200,
        });
        for raw in [
            "36.6171, 101.7782",
            " 36.6171，101.7782 ",
            "36.6171 101.7782",
            "101.7782,36.6171",
            "36.6171;101.7782",
        ] {
            assert_eq!(Site::parse("site", raw).unwrap(), xining, "{raw}");
        }
        assert_eq!(Site::parse("site", "  ").unwrap(), None);
        // Outside China the order is latitude first, as typed.
        assert_eq!(
            Site::parse("site", "48.8584, 2.2945").unwrap(),
            Some(Site {
                latitude_e6: 48_858_400,
                longitude_e6: 2_294_500
            })
        );
        for raw in [
            "36.6171",
            "36.6171, 101.7782, 3",
            "北纬36度",
            "NaN, 101",
            "inf, 1",
            "95, 101",
            "36, 200",
            "1e300, 1",
        ] {
            let e = Site::parse("site", raw).unwrap_err();
            assert_eq!((e.field.as_str(), e.key), ("site", K::ErrBadSite), "{raw}");
        }
    }

    #[test]
    fn distances_are_great_circle_metres_and_near_allows_for_accuracy() {
        let site = Site::parse("site", "36.6171, 101.7782").unwrap().unwrap();
        // 0.001° of latitude is 111.2 m everywhere.
        let north = at(36.6181, 101.7782, 20);
        assert_eq!(site.proximity(north).metres, 111);
        assert!(site.proximity(north).near);
        // Xining to Golmud (格尔木, 36.4064 N 94.9036 E) is about 616 km.
        let golmud = at(36.4064, 94.9036, 20);
        let km = site.distance_m(golmud) / 1000.0;
        assert!((610.0..620.0).contains(&km), "{km}");
        assert!(!site.proximity(golmud).near);
        // 400 m away: far with a 50 m fix, near when the phone only knew it within 150 m.
        let off = at(36.6171 + 0.0036, 101.7782, 50);
        assert_eq!(site.proximity(off).metres, 400);
        assert!(!site.proximity(off).near);
        assert!(
            site.proximity(Position {
                accuracy_m: 150,
                ..off
            })
            .near
        );
        // The same point is 0 m; antipodes do not overflow the arcsine.
        assert_eq!(site.proximity(at(36.6171, 101.7782, 5)).metres, 0);
        let antipode = at(-36.6171, 101.7782 - 180.0, 5);
        assert!((site.distance_m(antipode) - std::f64::consts::PI * EARTH_RADIUS_M).abs() < 1.0);
    }

    #[test]
    fn only_a_precise_position_becomes_a_site_and_only_the_office_moves_one() {
        assert!(Site::from_position(at(36.6, 101.7, SITE_MAX_ACCURACY_M)).is_some());
        assert!(Site::from_position(at(36.6, 101.7, SITE_MAX_ACCURACY_M + 1)).is_none());
        assert!(may_set_site(true, true));
        assert!(may_set_site(false, false));
        assert!(!may_set_site(false, true));
    }

    #[test]
    fn distances_read_in_metres_then_kilometres() {
        let zh = crate::Locale::Zh;
        let p = |metres| Proximity { metres, near: true };
        assert_eq!(
            p(999).text(zh),
            K::DistanceMetres.fill(zh, &[("n", "999".to_owned())])
        );
        assert_eq!(
            p(1_440).text(zh),
            K::DistanceKm.fill(zh, &[("n", "1.4".to_owned())])
        );
    }
}
