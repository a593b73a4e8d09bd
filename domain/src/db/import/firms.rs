//! Importing a firm list: matched by credit code, new firms inserted in batches, changed ones
//! updated, each with its audit entry.

use crate::auth::{Caller, Role};
use crate::db::audit::{self, Actor, Entry};
use crate::db::entity::firm;
use crate::error::Error;
use crate::firm::ValidFirm;
use crate::import::*;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, Set,
    Value,
};
use std::collections::HashMap;

use super::{BATCH, LOOKUP_CHUNK, PG_BATCH, flag_repeats, read_rows, sort_issues};

/// What an import would do to one firm already registered.
fn same_as(existing: &firm::Model, f: &ValidFirm) -> bool {
    existing.name == f.name
        && existing.region_id == f.region.id()
        && existing.county == f.county
        && existing.industry == f.industry
        && existing.tier_id == f.tier.id()
        && existing.contact_name == f.contact_name
        && *existing.contact_phone == f.contact_phone
        && existing.address == f.address
        && existing.in_scope == scope_after(existing, f)
}

/// A file carries no scope column: a firm follows its tier unless the office overrode the scope
/// (with a reason), and an import keeps that decision.
fn scope_after(existing: &firm::Model, f: &ValidFirm) -> bool {
    if existing.scope_reason.is_some() {
        existing.in_scope
    } else {
        f.tier.in_campaign_scope()
    }
}

#[derive(FromQueryResult)]
struct Inserted {
    id: i32,
    credit_code: String,
}

/// One row of a batch, as PostgreSQL's `json_to_recordset` reads it.
#[derive(serde::Serialize)]
struct NewFirmRow<'a> {
    credit_code: String,
    name: &'a str,
    region_id: i32,
    county: &'a str,
    industry: &'a str,
    tier_id: i32,
    in_scope: bool,
    contact_name: &'a str,
    /// Sealed, as every phone at rest; matched by its hash.
    contact_phone: String,
    contact_phone_hash: String,
    address: &'a str,
}

/// Inserts a batch of new firms, returning their ids. PostgreSQL gets the batch as one JSON
/// parameter (binding thousands of parameters costs it more than the inserts do); SQLite gets a
/// multi-row VALUES list with anonymous placeholders.
async fn insert_firms(
    txn: &impl ConnectionTrait,
    batch: &[ValidFirm],
    now: chrono::DateTime<Utc>,
) -> Result<Vec<Inserted>, Error> {
    let backend = txn.get_database_backend();
    use crate::db::crypto::{phone_hash, seal};
    let stmt = if backend == sea_orm::DbBackend::Postgres {
        let rows = batch
            .iter()
            .map(|f| {
                Ok(NewFirmRow {
                    credit_code: f.credit_code.to_string(),
                    name: &f.name,
                    region_id: f.region.id(),
                    county: &f.county,
                    industry: &f.industry,
                    tier_id: f.tier.id(),
                    in_scope: f.in_scope,
                    contact_name: &f.contact_name,
                    contact_phone: seal(&f.contact_phone)?,
                    contact_phone_hash: phone_hash(&f.contact_phone)?,
                    address: &f.address,
                })
            })
            .collect::<Result<Vec<NewFirmRow>, Error>>()?;
        let json = serde_json::to_string(&rows).map_err(|_| Error::Internal)?;
        sea_orm::Statement::from_sql_and_values(
            backend,
            "INSERT INTO firms (credit_code, name, region_id, county, industry, tier_id, in_scope,
                                contact_name, contact_phone, address, created_at, updated_at,
                                contact_phone_hash)
             SELECT credit_code, name, region_id, county, industry, tier_id, in_scope,
                    contact_name, contact_phone, address, $2, $2, contact_phone_hash
             FROM json_to_recordset($1::json) AS x(credit_code text, name text, region_id int,
                  county text, industry text, tier_id int, in_scope boolean, contact_name text,
                  contact_phone text, address text, contact_phone_hash text)
             RETURNING id, credit_code",
            vec![json.into(), now.into()],
        )
    } else {
        let mut values: Vec<Value> = Vec::with_capacity(batch.len() * 13);
        let mut rows = Vec::with_capacity(batch.len());
        for f in batch {
            let start = values.len();
            values.extend([
                f.credit_code.to_string().into(),
                f.name.clone().into(),
                f.region.id().into(),
                f.county.clone().into(),
                f.industry.clone().into(),
                f.tier.id().into(),
                f.in_scope.into(),
                f.contact_name.clone().into(),
                seal(&f.contact_phone)?.into(),
                f.address.clone().into(),
                now.into(),
                now.into(),
                phone_hash(&f.contact_phone)?.into(),
            ]);
            let marks: Vec<String> = (start + 1..=values.len())
                .map(|i| format!("${i}"))
                .collect();
            rows.push(format!("({})", marks.join(", ")));
        }
        crate::db::sql_in_order(
            backend,
            &format!(
                "INSERT INTO firms (credit_code, name, region_id, county, industry, tier_id, in_scope,
                                    contact_name, contact_phone, address, created_at, updated_at,
                                    contact_phone_hash)
                 VALUES {} RETURNING id, credit_code",
                rows.join(", ")
            ),
            values,
        )
    };
    Ok(Inserted::find_by_statement(stmt).all(txn).await?)
}

/// Imports a firm list (xlsx, xls or CSV). With `commit` false, or when any row has a problem,
/// nothing is written and the report says what would happen; otherwise every row is written in
/// one transaction, each firm with its audit entry.
pub async fn import_firms(
    db: &crate::db::Db,
    file_name: &str,
    bytes: &[u8],
    commit: bool,
    caller: &Caller,
) -> Result<ImportReport, Error> {
    caller.require(&[Role::Office])?;
    let actor = &Actor::of(caller);
    let started = std::time::Instant::now();
    let mut report = ImportReport {
        file_name: file_name.to_owned(),
        ..Default::default()
    };
    let records = read_rows::<FirmColumn, _>(file_name, bytes, &mut report, firm_from_row)?;
    let records = flag_repeats(
        records,
        |f: &ValidFirm| f.credit_code.to_string(),
        FirmColumn::CreditCode.header(),
        "credit_code",
        &mut report,
    );

    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        rows = report.rows,
        "import: file read and checked"
    );
    let txn = crate::db::Write::begin_if(db, commit).await?;
    if commit {
        // Before anything is written, so the bulk write cannot deadlock with single-firm writers.
        crate::db::progress::lock_register(&txn).await?;
    }
    let mut existing: HashMap<String, firm::Model> = HashMap::new();
    for chunk in records.chunks(LOOKUP_CHUNK) {
        let codes: Vec<String> = chunk
            .iter()
            .map(|(_, f)| f.credit_code.to_string())
            .collect();
        for m in firm::Entity::find()
            .filter(firm::Column::CreditCode.is_in(codes))
            .all(&txn)
            .await?
        {
            existing.insert(m.credit_code.clone(), m);
        }
    }
    let mut creates: Vec<ValidFirm> = Vec::new();
    let mut updates: Vec<(firm::Model, ValidFirm)> = Vec::new();
    for (_, f) in records {
        match existing.remove(&f.credit_code.to_string()) {
            None => creates.push(f),
            Some(m) if m.archived_at.is_some() => report.archived += 1,
            Some(m) if same_as(&m, &f) => report.unchanged += 1,
            Some(m) => updates.push((m, f)),
        }
    }
    report.created = creates.len() as u64;
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "import: checked against the register"
    );
    report.updated = updates.len() as u64;
    sort_issues(&mut report);
    if !commit || !report.is_clean() {
        // Dropping the transaction rolls back the (read-only) work.
        return Ok(report);
    }

    let now = Utc::now();
    let batch_rows = if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        PG_BATCH
    } else {
        BATCH
    };
    let mut changed: Vec<i32> = Vec::with_capacity(creates.len() + updates.len());
    for batch in creates.chunks(batch_rows) {
        let inserted = insert_firms(&txn, batch, now).await?;
        let ids: HashMap<String, i32> = inserted
            .into_iter()
            .map(|r| (r.credit_code, r.id))
            .collect();
        changed.extend(ids.values());
        // Each firm's audit entry goes in with its batch, so memory stays one batch deep.
        let mut entries = Vec::with_capacity(batch.len());
        for f in batch {
            let code = f.credit_code.to_string();
            let id = *ids.get(&code).ok_or(Error::Internal)?;
            let model = firm::Model {
                id,
                credit_code: code,
                name: f.name.clone(),
                region_id: f.region.id(),
                county: f.county.clone(),
                industry: f.industry.clone(),
                tier_id: f.tier.id(),
                in_scope: f.in_scope,
                scope_reason: None,
                contact_name: f.contact_name.clone(),
                contact_phone: crate::db::crypto::Sealed(f.contact_phone.clone()),
                contact_phone_hash: None,
                address: f.address.clone(),
                // New firms from a roster have no site yet (the sheet has no such column).
                latitude_e6: None,
                longitude_e6: None,
                archived_at: None,
                created_at: now,
                updated_at: now,
            };
            entries.push((id, None, audit::snapshot(&model)));
        }
        audit::record_many(&txn, actor, "import_create", "firm", &entries, now).await?;
    }
    drop(creates);
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "import: firms and their audit entries inserted"
    );
    let mut entries = Vec::with_capacity(BATCH);
    for (before, f) in updates {
        let id = before.id;
        changed.push(id);
        let in_scope = scope_after(&before, &f);
        let mut model: firm::ActiveModel = before.clone().into();
        model.name = Set(f.name);
        model.region_id = Set(f.region.id());
        model.county = Set(f.county);
        model.industry = Set(f.industry);
        model.tier_id = Set(f.tier.id());
        model.in_scope = Set(in_scope);
        model.contact_name = Set(f.contact_name);
        model.contact_phone_hash = Set(Some(crate::db::crypto::phone_hash(&f.contact_phone)?));
        model.contact_phone = Set(crate::db::crypto::Sealed(f.contact_phone));
        model.address = Set(f.address);
        model.updated_at = Set(now);
        let after = model.update(&txn).await?;
        entries.push((id, audit::snapshot(&before), audit::snapshot(&after)));
        if entries.len() == BATCH {
            audit::record_many(&txn, actor, "import_update", "firm", &entries, now).await?;
            entries.clear();
        }
    }
    audit::record_many(&txn, actor, "import_update", "firm", &entries, now).await?;
    audit::record(
        &txn,
        actor,
        Entry {
            action: "import",
            entity: "firm_list",
            entity_id: None,
            firm_id: None,
            before: None,
            after: Some(serde_json::json!({
                "file": report.file_name,
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "archived": report.archived,
            })),
        },
    )
    .await?;
    crate::db::progress::refresh(&txn, &changed).await?;
    txn.commit().await?;
    report.committed = true;
    Ok(report)
}
