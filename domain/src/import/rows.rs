//! One data row of a firm list or a coordinator roster, checked, with errors naming the
//! column they belong to.

use super::*;
use crate::error::{FieldError, Problems, text};
use crate::firm::{FirmForm, ValidFirm};
use crate::i18n::K;
use crate::reference::{Region, Tier};
use serde::{Deserialize, Serialize};

/// One data row of a firm list, checked. Errors name the column they belong to.
pub fn firm_from_row(
    header: &HeaderMap<FirmColumn>,
    row: u64,
    cells: &[String],
) -> Result<ValidFirm, Vec<RowIssue>> {
    let get = |c| header.get(cells, c);
    let issue = |column: FirmColumn, error: FieldError| RowIssue {
        row,
        column: column.header().to_owned(),
        error,
    };
    let mut issues = Vec::new();
    let region_text = get(FirmColumn::Region);
    let region = parse_region(&region_text);
    if region.is_none() {
        let e = if region_text.is_empty() {
            FieldError::new("region", K::ErrRequired)
        } else {
            FieldError::new("region", K::ErrImportBadRegion).with("value", &region_text)
        };
        issues.push(issue(FirmColumn::Region, e));
    }
    let tier_text = get(FirmColumn::Tier);
    let tier = parse_tier(&tier_text);
    if tier.is_none() {
        let e = if tier_text.is_empty() {
            FieldError::new("tier", K::ErrRequired)
        } else {
            FieldError::new("tier", K::ErrImportBadTier).with("value", &tier_text)
        };
        issues.push(issue(FirmColumn::Tier, e));
    }
    let form = FirmForm {
        credit_code: get(FirmColumn::CreditCode),
        name: get(FirmColumn::Name),
        // Placeholders keep the form's own region and tier checks quiet; the real failures
        // were reported above with the value the file holds.
        region: region.unwrap_or(Region::Xining).id().to_string(),
        county: get(FirmColumn::County),
        industry: get(FirmColumn::Industry),
        tier: tier.unwrap_or(Tier::Innovative).id().to_string(),
        contact_name: get(FirmColumn::ContactName),
        contact_phone: get(FirmColumn::ContactPhone),
        address: get(FirmColumn::Address),
        scope: String::new(),
        scope_reason: String::new(),
        // The roster sheet has no site column; an update leaves the stored one alone.
        site: String::new(),
    };
    let result = form.validate();
    if let Err(e) = &result {
        for fe in e.field_errors() {
            let column = FirmColumn::ALL
                .iter()
                .copied()
                .find(|c| c.field() == fe.field)
                .map(|c| c.header().to_owned())
                .unwrap_or_default();
            issues.push(RowIssue {
                row,
                column,
                error: fe.clone(),
            });
        }
    }
    match result {
        Ok(valid) if issues.is_empty() => Ok(valid),
        _ => Err(issues),
    }
}

/// A coordinator as listed in a member unit's roster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterEntry {
    pub name: String,
    /// Digits only (spaces, dashes and a +86 prefix removed): the login key.
    pub phone: String,
    /// As written; matched against the member units by the importer.
    pub member_unit: String,
}

pub fn coordinator_from_row(
    header: &HeaderMap<CoordinatorColumn>,
    row: u64,
    cells: &[String],
) -> Result<RosterEntry, Vec<RowIssue>> {
    let issue = |column: CoordinatorColumn, error: FieldError| RowIssue {
        row,
        column: column.header().to_owned(),
        error,
    };
    let mut problems = Problems::default();
    let name = problems.take(text(
        "name",
        &header.get(cells, CoordinatorColumn::Name),
        true,
        50,
    ));
    let mut issues: Vec<RowIssue> = match problems.finish() {
        Ok(()) => Vec::new(),
        Err(e) => e
            .field_errors()
            .iter()
            .map(|fe| issue(CoordinatorColumn::Name, fe.clone()))
            .collect(),
    };
    let phone_text = header.get(cells, CoordinatorColumn::Phone);
    let phone = normalise_phone(&phone_text);
    if phone.is_none() {
        let e = if phone_text.is_empty() {
            FieldError::new("phone", K::ErrRequired)
        } else {
            FieldError::new("phone", K::ErrImportBadPhone).with("value", &phone_text)
        };
        issues.push(issue(CoordinatorColumn::Phone, e));
    }
    let unit = header.get(cells, CoordinatorColumn::MemberUnit);
    if unit.is_empty() {
        issues.push(issue(
            CoordinatorColumn::MemberUnit,
            FieldError::new("member_unit", K::ErrRequired),
        ));
    }
    match (name, phone) {
        (Some(name), Some(phone)) if issues.is_empty() => Ok(RosterEntry {
            name,
            phone,
            member_unit: unit,
        }),
        _ => Err(issues),
    }
}
