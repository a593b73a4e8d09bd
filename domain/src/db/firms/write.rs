//! Registering, correcting and archiving firms: the office's use cases, each authorised, written
//! and audited in one transaction.

use crate::auth::{Caller, Role};
use crate::db::audit::{self, Actor, Entry};
use crate::db::entity::firm;
use crate::db::parse_id;
use crate::db::{Db, Write, progress, retry};
use crate::error::Error;
use crate::firm::{FirmForm, Site, ValidFirm};
use crate::i18n::K;
use crate::reference::Tier;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

/// The firm form's starting values, for the office: empty for a new firm (`id` absent or
/// empty), the stored profile for a correction.
pub async fn form_for(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: Option<&str>,
) -> Result<FirmForm, Error> {
    caller.require(&[Role::Office])?;
    let Some(id) = id.filter(|s| !s.trim().is_empty()) else {
        return Ok(FirmForm {
            region: "1".into(),
            tier: "2".into(),
            ..Default::default()
        });
    };
    let f = super::profile(db, parse_id("id", id)?).await?;
    let site = f.site().map(|s| s.text()).unwrap_or_default();
    let default_scope = Tier::from_id(f.tier_id).is_some_and(|t| t.in_campaign_scope());
    Ok(FirmForm {
        credit_code: f.credit_code,
        name: f.name,
        region: f.region_id.to_string(),
        county: f.county,
        industry: f.industry,
        tier: f.tier_id.to_string(),
        contact_name: f.contact_name,
        contact_phone: f.contact_phone.into_inner(),
        address: f.address,
        // The form names an override only where the office made one.
        scope: if f.in_scope == default_scope {
            String::new()
        } else if f.in_scope {
            "in".into()
        } else {
            "out".into()
        },
        site,
        scope_reason: f.scope_reason.unwrap_or_default(),
    })
}

/// The use case "save the firm form": registers a firm when `id` is empty, otherwise corrects
/// that firm. Only the office; the form is validated after that check.
pub async fn save(
    db: &Db,
    caller: &Caller,
    id: &str,
    form: &FirmForm,
) -> Result<firm::Model, Error> {
    caller.require(&[Role::Office])?;
    if id.trim().is_empty() {
        register(db, caller, form).await
    } else {
        let id = parse_id("id", id)?;
        update(db, caller, id, form.validate()?).await
    }
}

/// The use case "register a firm" (the JSON API's POST).
pub async fn register(db: &Db, caller: &Caller, form: &FirmForm) -> Result<firm::Model, Error> {
    caller.require(&[Role::Office])?;
    create(db, caller, form.validate()?).await
}

/// The use case "archive a firm", with the id as it came in.
pub async fn archive_from(db: &Db, caller: &Caller, id: &str) -> Result<firm::Model, Error> {
    caller.require(&[Role::Office])?;
    archive(db, caller, parse_id("id", id)?).await
}

/// Writes the form onto the row; `phone_hash` is the contact phone's lookup hash
/// ([`crate::db::crypto::phone_hash`], computed by the caller because it can fail).
fn apply(model: &mut firm::ActiveModel, f: &ValidFirm, phone_hash: &str) {
    model.credit_code = Set(f.credit_code.to_string());
    model.name = Set(f.name.clone());
    model.region_id = Set(f.region.id());
    model.county = Set(f.county.clone());
    model.industry = Set(f.industry.clone());
    model.tier_id = Set(f.tier.id());
    model.in_scope = Set(f.in_scope);
    model.scope_reason = Set(f.scope_reason.clone());
    model.contact_name = Set(f.contact_name.clone());
    model.contact_phone = Set(crate::db::crypto::Sealed(f.contact_phone.clone()));
    model.contact_phone_hash = Set(Some(phone_hash.to_owned()));
    model.address = Set(f.address.clone());
    set_site(model, f.site);
    model.updated_at = Set(chrono::Utc::now());
}

fn set_site(model: &mut firm::ActiveModel, site: Option<Site>) {
    model.latitude_e6 = Set(site.map(|s| s.latitude_e6));
    model.longitude_e6 = Set(site.map(|s| s.longitude_e6));
}

fn duplicate(e: sea_orm::DbErr) -> Error {
    if crate::db::is_unique_violation(&e) {
        Error::Conflict(crate::error::FieldError::new(
            "credit_code",
            K::ErrCreditDuplicate,
        ))
    } else {
        e.into()
    }
}

/// The office registers a firm (一户一档); its credit code must be valid and new.
pub async fn create(db: &Db, caller: &Caller, f: ValidFirm) -> Result<firm::Model, Error> {
    caller.require(&[Role::Office])?;
    retry(|| create_once(db, caller, &f)).await
}

async fn create_once(db: &Db, caller: &Caller, f: &ValidFirm) -> Result<firm::Model, Error> {
    let actor = &Actor::of(caller);
    let txn = Write::begin(db).await?;
    let mut model = firm::ActiveModel {
        archived_at: Set(None),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    };
    apply(
        &mut model,
        f,
        &crate::db::crypto::phone_hash(&f.contact_phone)?,
    );
    let created = model.insert(&txn).await.map_err(duplicate)?;
    audit::record(
        &txn,
        actor,
        Entry {
            action: "create",
            entity: "firm",
            entity_id: Some(created.id),
            firm_id: Some(created.id),
            before: None,
            after: audit::snapshot(&created),
        },
    )
    .await?;
    progress::refresh(&txn, &[created.id]).await?;
    txn.commit().await?;
    Ok(created)
}

/// Changes one firm as the office, in one transaction with its before/after audit entry and
/// the firm's progress facts (its scope, tier, region or archiving may have changed).
async fn change(
    db: &Db,
    caller: &Caller,
    id: i32,
    action: &str,
    edit: impl Fn(&mut firm::ActiveModel),
) -> Result<firm::Model, Error> {
    caller.require(&[Role::Office])?;
    retry(|| change_once(db, caller, id, action, &|_| Ok(()), &edit)).await
}

async fn change_once(
    db: &Db,
    caller: &Caller,
    id: i32,
    action: &str,
    guard: &impl Fn(&firm::Model) -> Result<(), Error>,
    edit: &impl Fn(&mut firm::ActiveModel),
) -> Result<firm::Model, Error> {
    let actor = &Actor::of(caller);
    let txn = Write::begin(db).await?;
    let before = super::profile(&txn, id).await?;
    // Checked on the row as this transaction reads it, not on an earlier look.
    guard(&before)?;
    let mut model: firm::ActiveModel = before.clone().into();
    edit(&mut model);
    let after = model.update(&txn).await.map_err(duplicate)?;
    let entry = Entry {
        action,
        entity: "firm",
        entity_id: Some(id),
        firm_id: Some(id),
        before: audit::snapshot(&before),
        after: audit::snapshot(&after),
    };
    audit::record(&txn, actor, entry).await?;
    progress::refresh(&txn, &[id]).await?;
    txn.commit().await?;
    Ok(after)
}

/// The office corrects a firm's profile; the audit keeps before and after.
pub async fn update(db: &Db, caller: &Caller, id: i32, f: ValidFirm) -> Result<firm::Model, Error> {
    let hash = crate::db::crypto::phone_hash(&f.contact_phone)?;
    change(db, caller, id, "update", |m| apply(m, &f, &hash)).await
}

/// Archives a firm: it leaves lists and counts, its file and history stay.
pub async fn archive(db: &Db, caller: &Caller, id: i32) -> Result<firm::Model, Error> {
    change(db, caller, id, "archive", |m| {
        m.archived_at = Set(Some(chrono::Utc::now()))
    })
    .await
}

/// The use case "set as the firm's site" on a visit with a recorded position (`visit_id` as it
/// came in): the office, or the firm's coordinator while the firm has no site
/// ([`crate::firm::may_set_site`]); the position must be precise enough
/// ([`Site::from_position`]). Audited with the firm's before and after.
pub async fn set_site_from_visit(
    db: &Db,
    caller: &Caller,
    visit_id: &str,
) -> Result<firm::Model, Error> {
    let visit_id = parse_id("visit_id", visit_id)?;
    let visit = crate::db::entity::visit::Entity::find_by_id(visit_id)
        .one(db)
        .await?
        .ok_or(Error::not_found(K::EntityVisit))?;
    crate::db::access::ensure_office_or_coordinator(db, caller, visit.firm_id).await?;
    let position = crate::visit::Position::from_columns(
        visit.latitude_e6,
        visit.longitude_e6,
        visit.accuracy_m,
    )
    .ok_or_else(|| Error::field("visit_id", K::ErrNoPosition))?;
    let site = Site::from_position(position).ok_or_else(|| {
        Error::Validation(vec![
            crate::error::FieldError::new("visit_id", K::ErrSiteVague)
                .with("m", crate::firm::SITE_MAX_ACCURACY_M),
        ])
    })?;
    let office = caller.is(Role::Office);
    let guard = |firm: &firm::Model| {
        if crate::firm::may_set_site(office, firm.site().is_some()) {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    };
    let edit = |m: &mut firm::ActiveModel| {
        set_site(m, Some(site));
        m.updated_at = Set(chrono::Utc::now());
    };
    retry(|| change_once(db, caller, visit.firm_id, "set_site", &guard, &edit)).await
}
