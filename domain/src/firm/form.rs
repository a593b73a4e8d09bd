//! A firm as the office types it (or the API sends it), and its validation.

use crate::error::{Error, FieldError, Problems, text};
use crate::i18n::K;
use crate::reference::{Region, Tier};
use serde::{Deserialize, Serialize};

/// A firm as typed into the office's form (or sent to the API): all strings.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmForm {
    pub credit_code: String,
    pub name: String,
    /// Region id, 1–8.
    pub region: String,
    #[serde(default)]
    pub county: String,
    #[serde(default)]
    pub industry: String,
    /// Tier id, 1–5.
    pub tier: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub address: String,
    /// "" (follow the tier), "in" or "out": the office's override of the campaign scope.
    #[serde(default)]
    pub scope: String,
    /// Why the scope differs from the tier's; required with an override.
    #[serde(default)]
    pub scope_reason: String,
    /// "latitude, longitude" (WGS-84), or empty for none; see [`crate::firm::Site::parse`].
    #[serde(default)]
    pub site: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidFirm {
    pub credit_code: crate::CreditCode,
    pub name: String,
    pub region: Region,
    pub county: String,
    pub industry: String,
    pub tier: Tier,
    pub contact_name: String,
    pub contact_phone: String,
    pub address: String,
    pub in_scope: bool,
    pub scope_reason: Option<String>,
    /// The import leaves a stored site alone (its sheet has no such column); the form and the
    /// API write this.
    pub site: Option<crate::firm::Site>,
}

impl FirmForm {
    pub fn validate(&self) -> Result<ValidFirm, Error> {
        let mut problems = Problems::default();
        let code = problems.take(crate::CreditCode::parse(&self.credit_code));
        let name = problems.take(text("name", &self.name, true, 100));
        let region = problems.take(Region::parse_id("region", &self.region));
        let county = problems.take(text("county", &self.county, false, 50));
        let industry = problems.take(text("industry", &self.industry, false, 50));
        let tier = problems.take(Tier::parse_id("tier", &self.tier));
        let contact_name = problems.take(text("contact_name", &self.contact_name, false, 50));
        let contact_phone = problems.take(text("contact_phone", &self.contact_phone, false, 30));
        let address = problems.take(text("address", &self.address, false, 200));
        let reason = problems.take(text("scope_reason", &self.scope_reason, false, 500));
        let site = problems.take(crate::firm::Site::parse("site", &self.site));
        let in_scope = match (self.scope.trim(), tier) {
            ("in", _) => Some(true),
            ("out", _) => Some(false),
            ("", Some(t)) => Some(t.in_campaign_scope()),
            ("", None) => None,
            _ => {
                problems.push(FieldError::new("scope", K::ErrValidation));
                None
            }
        };
        // An override must say why (the office answers for who is in the campaign).
        let overridden =
            matches!((in_scope, tier), (Some(s), Some(t)) if s != t.in_campaign_scope());
        if overridden && reason.as_deref().is_some_and(str::is_empty) {
            problems.push(FieldError::new("scope_reason", K::ErrReasonRequired));
        }
        problems.finish()?;
        match (
            code,
            name,
            region,
            county,
            industry,
            tier,
            contact_name,
            contact_phone,
            address,
            in_scope,
            reason,
            site,
        ) {
            (
                Some(credit_code),
                Some(name),
                Some(region),
                Some(county),
                Some(industry),
                Some(tier),
                Some(contact_name),
                Some(contact_phone),
                Some(address),
                Some(in_scope),
                Some(reason),
                Some(site),
            ) => Ok(ValidFirm {
                credit_code,
                name,
                region,
                county,
                industry,
                tier,
                contact_name,
                contact_phone,
                address,
                in_scope,
                scope_reason: overridden.then_some(reason),
                site,
            }),
            _ => Err(Error::Internal),
        }
    }
}
