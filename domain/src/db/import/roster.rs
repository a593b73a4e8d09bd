//! Importing a coordinator roster: matched by mobile number.

use crate::auth::{Caller, Role};
use crate::db::audit::{self, Actor, Entry};
use crate::db::entity::user;
use crate::error::{Error, FieldError};
use crate::i18n::K;
use crate::import::*;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, Set};
use std::collections::HashMap;

use super::{LOOKUP_CHUNK, flag_repeats, read_rows, sort_issues};

#[derive(FromQueryResult)]
struct UnitRow {
    id: i32,
    name_zh: String,
    name_en: String,
}

/// Imports a coordinator roster (name, mobile number, member unit). New numbers become
/// coordinator accounts without a password (the office sets one in 用户管理 before they log in);
/// known numbers update the name and unit. The same all-or-nothing rule as firm lists.
pub async fn import_coordinators(
    db: &crate::db::Db,
    file_name: &str,
    bytes: &[u8],
    commit: bool,
    caller: &Caller,
) -> Result<ImportReport, Error> {
    caller.require(&[Role::Office])?;
    let actor = &Actor::of(caller);
    let mut report = ImportReport {
        file_name: file_name.to_owned(),
        ..Default::default()
    };
    let units = crate::db::query_all::<UnitRow>(
        db,
        "SELECT id, name_zh, name_en FROM member_units",
        vec![],
    )
    .await?;
    let unit_ids: HashMap<String, i32> = units
        .iter()
        .flat_map(|u| {
            [
                (unit_key(&u.name_zh), u.id),
                (u.name_en.to_lowercase(), u.id),
            ]
        })
        .collect();
    let records =
        read_rows::<CoordinatorColumn, _>(file_name, bytes, &mut report, |h, row, cells| {
            let entry = coordinator_from_row(h, row, cells)?;
            let key = unit_key(&entry.member_unit);
            let unit = unit_ids
                .get(&key)
                .or_else(|| unit_ids.get(&entry.member_unit.to_lowercase()))
                .copied();
            match unit {
                Some(id) => Ok((entry, id)),
                None => Err(vec![RowIssue {
                    row,
                    column: CoordinatorColumn::MemberUnit.header().to_owned(),
                    error: FieldError::new("member_unit", K::ErrImportUnknownUnit)
                        .with("value", &entry.member_unit),
                }]),
            }
        })?;
    let records = flag_repeats(
        records,
        |(e, _): &(RosterEntry, i32)| e.phone.clone(),
        CoordinatorColumn::Phone.header(),
        "phone",
        &mut report,
    );

    let txn = crate::db::Write::begin_if(db, commit).await?;
    let mut existing: HashMap<String, user::Model> = HashMap::new();
    for chunk in records.chunks(LOOKUP_CHUNK) {
        // Phones are sealed: rows are found by their lookup hashes.
        let hashes = chunk
            .iter()
            .map(|(_, (e, _))| crate::db::crypto::phone_hash(&e.phone))
            .collect::<Result<Vec<String>, Error>>()?;
        for m in user::Entity::find()
            .filter(user::Column::PhoneHash.is_in(hashes))
            .all(&txn)
            .await?
        {
            existing.insert(m.phone.0.clone(), m);
        }
    }
    let mut creates = Vec::new();
    let mut updates = Vec::new();
    for (row, (entry, unit)) in records {
        match existing.remove(&entry.phone) {
            None => creates.push((entry, unit)),
            Some(u) if u.role != Role::Coordinator.code() => report.push_issue(RowIssue {
                row,
                column: CoordinatorColumn::Phone.header().to_owned(),
                error: FieldError::new("phone", K::ErrImportPhoneOtherRole),
            }),
            Some(u) if u.name == entry.name && u.member_unit_id == Some(unit) => {
                report.unchanged += 1
            }
            Some(u) => updates.push((u, entry, unit)),
        }
    }
    report.created = creates.len() as u64;
    report.updated = updates.len() as u64;
    sort_issues(&mut report);
    if !commit || !report.is_clean() {
        return Ok(report);
    }
    let now = Utc::now();
    for (entry, unit) in creates {
        let inserted = user::ActiveModel {
            name: Set(entry.name),
            phone_hash: Set(Some(crate::db::crypto::phone_hash(&entry.phone)?)),
            phone: Set(crate::db::crypto::Sealed(entry.phone)),
            username: Set(None),
            role: Set(Role::Coordinator.code().to_owned()),
            member_unit_id: Set(Some(unit)),
            password_hash: Set(None),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            actor,
            Entry {
                action: "import_create",
                entity: "user",
                entity_id: Some(inserted.id),
                firm_id: None,
                before: None,
                after: audit::snapshot(&inserted),
            },
        )
        .await?;
    }
    for (before, entry, unit) in updates {
        let mut model: user::ActiveModel = before.clone().into();
        model.name = Set(entry.name);
        model.member_unit_id = Set(Some(unit));
        model.updated_at = Set(now);
        let after = model.update(&txn).await?;
        audit::record(
            &txn,
            actor,
            Entry {
                action: "import_update",
                entity: "user",
                entity_id: Some(after.id),
                firm_id: None,
                before: audit::snapshot(&before),
                after: audit::snapshot(&after),
            },
        )
        .await?;
    }
    txn.commit().await?;
    report.committed = true;
    Ok(report)
}
