//! Reference lists that never change during a campaign: the 8 regions (市州) of Qinghai and the
//! tiers of the cultivation ladder (梯度培育). Their ids are the primary keys the first migration
//! seeds, so the browser can label and validate them without asking the server.

use crate::error::FieldError;
use crate::i18n::{K, Locale};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Region {
    Xining,
    Haidong,
    Haibei,
    Huangnan,
    Hainan,
    Golog,
    Yushu,
    Haixi,
}

impl Region {
    pub const ALL: [Region; 8] = [
        Region::Xining,
        Region::Haidong,
        Region::Haibei,
        Region::Huangnan,
        Region::Hainan,
        Region::Golog,
        Region::Yushu,
        Region::Haixi,
    ];

    pub fn id(self) -> i32 {
        self as i32 + 1
    }

    pub fn from_id(id: i32) -> Option<Region> {
        usize::try_from(id - 1)
            .ok()
            .and_then(|i| Region::ALL.get(i).copied())
    }

    pub fn parse_id(field: &str, raw: &str) -> Result<Region, FieldError> {
        raw.trim()
            .parse::<i32>()
            .ok()
            .and_then(Region::from_id)
            .ok_or_else(|| FieldError::new(field, K::ErrBadRegion))
    }

    /// The name as the seed writes it.
    pub const fn name_zh(self) -> &'static str {
        match self {
            Region::Xining => "西宁市",
            Region::Haidong => "海东市",
            Region::Haibei => "海北藏族自治州",
            Region::Huangnan => "黄南藏族自治州",
            Region::Hainan => "海南藏族自治州",
            Region::Golog => "果洛藏族自治州",
            Region::Yushu => "玉树藏族自治州",
            Region::Haixi => "海西蒙古族藏族自治州",
        }
    }

    pub const fn name_en(self) -> &'static str {
        match self {
            Region::Xining => "Xining",
            Region::Haidong => "Haidong",
            Region::Haibei => "Haibei",
            Region::Huangnan => "Huangnan",
            Region::Hainan => "Hainan (Qinghai)",
            Region::Golog => "Golog",
            Region::Yushu => "Yushu",
            Region::Haixi => "Haixi",
        }
    }

    pub const fn name(self, locale: Locale) -> &'static str {
        match locale {
            Locale::Zh => self.name_zh(),
            Locale::En => self.name_en(),
        }
    }

    /// The administrative division code (GB/T 2260), as found in characters 3–8 of credit codes.
    pub const fn division_code(self) -> &'static str {
        match self {
            Region::Xining => "630100",
            Region::Haidong => "630200",
            Region::Haibei => "632200",
            Region::Huangnan => "632300",
            Region::Hainan => "632500",
            Region::Golog => "632600",
            Region::Yushu => "632700",
            Region::Haixi => "632800",
        }
    }
}

/// The cultivation ladder, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Tier {
    Innovative,
    Reserve,
    ProvincialSrdi,
    LittleGiant,
    SingleChampion,
}

impl Tier {
    pub const ALL: [Tier; 5] = [
        Tier::Innovative,
        Tier::Reserve,
        Tier::ProvincialSrdi,
        Tier::LittleGiant,
        Tier::SingleChampion,
    ];

    pub fn id(self) -> i32 {
        self as i32 + 1
    }

    pub fn from_id(id: i32) -> Option<Tier> {
        usize::try_from(id - 1)
            .ok()
            .and_then(|i| Tier::ALL.get(i).copied())
    }

    pub fn parse_id(field: &str, raw: &str) -> Result<Tier, FieldError> {
        raw.trim()
            .parse::<i32>()
            .ok()
            .and_then(Tier::from_id)
            .ok_or_else(|| FieldError::new(field, K::ErrBadTier))
    }

    pub const fn name_zh(self) -> &'static str {
        match self {
            Tier::Innovative => "创新型中小企业",
            Tier::Reserve => "专精特新中小企业后备培育企业",
            Tier::ProvincialSrdi => "省级专精特新中小企业",
            Tier::LittleGiant => "专精特新“小巨人”企业",
            Tier::SingleChampion => "制造业单项冠军企业",
        }
    }

    pub const fn name_en(self) -> &'static str {
        match self {
            Tier::Innovative => "Innovative SME",
            Tier::Reserve => "Reserve cultivation firm",
            Tier::ProvincialSrdi => "Provincial specialised-and-innovative SME",
            Tier::LittleGiant => "National 'little giant'",
            Tier::SingleChampion => "Manufacturing single-item champion",
        }
    }

    pub const fn name(self, locale: Locale) -> &'static str {
        match locale {
            Locale::Zh => self.name_zh(),
            Locale::En => self.name_en(),
        }
    }

    /// Whether a firm of this tier is in the 2022 campaign's scope by default: the measure names
    /// provincial 专精特新 SMEs and reserve firms. A national "little giant" is also a provincial
    /// 专精特新 SME (the ladder is cumulative), so it is in; innovative SMEs and single-item
    /// champions are not named. The office can override the flag per firm with a reason.
    pub const fn in_campaign_scope(self) -> bool {
        matches!(
            self,
            Tier::Reserve | Tier::ProvincialSrdi | Tier::LittleGiant
        )
    }
}

/// The notice's measures under their policy area, as the problem form offers them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureGroup {
    pub area_zh: String,
    pub area_en: String,
    /// (number, Chinese name, English name)
    pub measures: Vec<(i32, String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for r in Region::ALL {
            assert_eq!(Region::from_id(r.id()), Some(r));
        }
        for t in Tier::ALL {
            assert_eq!(Tier::from_id(t.id()), Some(t));
        }
        assert_eq!(Region::from_id(0), None);
        assert_eq!(Region::from_id(9), None);
        assert_eq!(Tier::from_id(6), None);
    }

    #[test]
    fn parse_ids_from_form_values() {
        assert_eq!(Region::parse_id("region", " 8 "), Ok(Region::Haixi));
        assert_eq!(
            Region::parse_id("region", "x").map_err(|e| e.key),
            Err(K::ErrBadRegion)
        );
        assert_eq!(
            Tier::parse_id("tier", "-1").map_err(|e| e.key),
            Err(K::ErrBadTier)
        );
    }

    #[test]
    fn scope_follows_the_measure() {
        let in_scope: Vec<Tier> = Tier::ALL
            .into_iter()
            .filter(|t| t.in_campaign_scope())
            .collect();
        assert_eq!(
            in_scope,
            vec![Tier::Reserve, Tier::ProvincialSrdi, Tier::LittleGiant]
        );
    }
}
