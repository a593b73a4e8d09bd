//! Importing the office's firm lists and coordinator rosters. One function per kind does both
//! the preview (a dry run) and the commit, so what the office confirmed is exactly what is
//! written: the file is read again and checked against the database inside the transaction
//! that writes it. Any problem row means nothing is written.

use super::audit::{self, Actor, Entry};
use super::entity::{firm, user};
use super::sheets;
use crate::auth::{CurrentUser, Role};
use crate::error::{Error, FieldError};
use crate::firm::ValidFirm;
use crate::i18n::K;
use crate::import::*;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, Set,
    TransactionSession, TransactionTrait, Value,
};
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// Rows per multi-row INSERT on SQLite: 12 parameters a firm stays under its 32,766.
const BATCH: usize = 1000;
/// Rows per INSERT on PostgreSQL, where a batch is one JSON parameter: fewer, larger statements.
const PG_BATCH: usize = 5000;
/// Credit codes per `IN (…)` lookup.
const LOOKUP_CHUNK: usize = 500;

/// Reads a file's rows into checked records, collecting row problems. File-level problems (no
/// header, a missing column, an unreadable or empty file) are errors.
fn read_rows<C: Columns, T>(
    file_name: &str,
    bytes: &[u8],
    report: &mut ImportReport,
    mut parse: impl FnMut(&HeaderMap<C>, u64, &[String]) -> Result<T, Vec<RowIssue>>,
) -> Result<Vec<(u64, T)>, Error> {
    let mut search = HeaderSearch::<C>::default();
    let mut records = Vec::new();
    let mut file_problem: Option<FieldError> = None;
    sheets::for_each_row(file_name, bytes, |row, cells| {
        match search.feed(row, cells) {
            Err(e) => {
                file_problem = Some(e);
                return ControlFlow::Break(());
            }
            Ok(false) => return ControlFlow::Continue(()),
            Ok(true) => {}
        }
        if is_blank(cells) {
            return ControlFlow::Continue(());
        }
        report.rows += 1;
        if report.rows as usize > MAX_IMPORT_ROWS {
            file_problem =
                Some(FieldError::new("file", K::ErrImportTooManyRows).with("max", MAX_IMPORT_ROWS));
            return ControlFlow::Break(());
        }
        let Some(header) = search.found.as_ref() else {
            return ControlFlow::Continue(());
        };
        match parse(header, row, cells) {
            Ok(t) => records.push((row, t)),
            Err(issues) => issues.into_iter().for_each(|i| report.push_issue(i)),
        }
        ControlFlow::Continue(())
    })?;
    if let Some(e) = file_problem {
        return Err(Error::Validation(vec![e]));
    }
    let header = search.finish().map_err(|e| Error::Validation(vec![e]))?;
    header.check().map_err(Error::Validation)?;
    if report.rows == 0 {
        return Err(Error::field("file", K::ErrImportEmpty));
    }
    report.ignored_columns = header.ignored;
    Ok(records)
}

/// Flags the second and later rows with the same key (a credit code, a phone number).
fn flag_repeats<T>(
    records: Vec<(u64, T)>,
    key: impl Fn(&T) -> String,
    column: &str,
    field: &str,
    report: &mut ImportReport,
) -> Vec<(u64, T)> {
    let mut first_row: HashMap<String, u64> = HashMap::with_capacity(records.len());
    let mut kept = Vec::with_capacity(records.len());
    for (row, t) in records {
        match first_row.get(&key(&t)) {
            Some(first) => report.push_issue(RowIssue {
                row,
                column: column.to_owned(),
                error: FieldError::new(field, K::ErrImportDuplicateRow).with("row", first),
            }),
            None => {
                first_row.insert(key(&t), row);
                kept.push((row, t));
            }
        }
    }
    kept
}

fn sort_issues(report: &mut ImportReport) {
    report.issues.sort_by_key(|i| i.row);
}

/// What an import would do to one firm already registered.
fn same_as(existing: &firm::Model, f: &ValidFirm) -> bool {
    existing.name == f.name
        && existing.region_id == f.region.id()
        && existing.county == f.county
        && existing.industry == f.industry
        && existing.tier_id == f.tier.id()
        && existing.contact_name == f.contact_name
        && existing.contact_phone == f.contact_phone
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
    contact_phone: &'a str,
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
    let stmt = if backend == sea_orm::DbBackend::Postgres {
        let rows: Vec<NewFirmRow> = batch
            .iter()
            .map(|f| NewFirmRow {
                credit_code: f.credit_code.to_string(),
                name: &f.name,
                region_id: f.region.id(),
                county: &f.county,
                industry: &f.industry,
                tier_id: f.tier.id(),
                in_scope: f.in_scope,
                contact_name: &f.contact_name,
                contact_phone: &f.contact_phone,
                address: &f.address,
            })
            .collect();
        let json = serde_json::to_string(&rows).map_err(|_| Error::Internal)?;
        sea_orm::Statement::from_sql_and_values(
            backend,
            "INSERT INTO firms (credit_code, name, region_id, county, industry, tier_id, in_scope,
                                contact_name, contact_phone, address, created_at, updated_at)
             SELECT credit_code, name, region_id, county, industry, tier_id, in_scope,
                    contact_name, contact_phone, address, $2, $2
             FROM json_to_recordset($1::json) AS x(credit_code text, name text, region_id int,
                  county text, industry text, tier_id int, in_scope boolean, contact_name text,
                  contact_phone text, address text)
             RETURNING id, credit_code",
            vec![json.into(), now.into()],
        )
    } else {
        let mut values: Vec<Value> = Vec::with_capacity(batch.len() * 12);
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
                f.contact_phone.clone().into(),
                f.address.clone().into(),
                now.into(),
                now.into(),
            ]);
            let marks: Vec<String> = (start + 1..=values.len())
                .map(|i| format!("${i}"))
                .collect();
            rows.push(format!("({})", marks.join(", ")));
        }
        super::sql_in_order(
            backend,
            &format!(
                "INSERT INTO firms (credit_code, name, region_id, county, industry, tier_id, in_scope,
                                    contact_name, contact_phone, address, created_at, updated_at)
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
pub async fn import_firms<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    file_name: &str,
    bytes: &[u8],
    commit: bool,
    by: &CurrentUser,
    actor: &Actor,
) -> Result<ImportReport, Error> {
    by.require(&[Role::Office])?;
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
    let txn = db.begin().await?;
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
    for batch in creates.chunks(batch_rows) {
        let inserted = insert_firms(&txn, batch, now).await?;
        let ids: HashMap<String, i32> = inserted
            .into_iter()
            .map(|r| (r.credit_code, r.id))
            .collect();
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
                contact_phone: f.contact_phone.clone(),
                address: f.address.clone(),
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
        let in_scope = scope_after(&before, &f);
        let mut model: firm::ActiveModel = before.clone().into();
        model.name = Set(f.name);
        model.region_id = Set(f.region.id());
        model.county = Set(f.county);
        model.industry = Set(f.industry);
        model.tier_id = Set(f.tier.id());
        model.in_scope = Set(in_scope);
        model.contact_name = Set(f.contact_name);
        model.contact_phone = Set(f.contact_phone);
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
    txn.commit().await?;
    report.committed = true;
    Ok(report)
}

#[derive(FromQueryResult)]
struct UnitRow {
    id: i32,
    name_zh: String,
    name_en: String,
}

/// Imports a coordinator roster (name, mobile number, member unit). New numbers become
/// coordinator accounts without a password (the office sets one in 用户管理 before they log in);
/// known numbers update the name and unit. The same all-or-nothing rule as firm lists.
pub async fn import_coordinators<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    file_name: &str,
    bytes: &[u8],
    commit: bool,
    by: &CurrentUser,
    actor: &Actor,
) -> Result<ImportReport, Error> {
    by.require(&[Role::Office])?;
    let mut report = ImportReport {
        file_name: file_name.to_owned(),
        ..Default::default()
    };
    let units =
        super::query_all::<UnitRow>(db, "SELECT id, name_zh, name_en FROM member_units", vec![])
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

    let txn = db.begin().await?;
    let mut existing: HashMap<String, user::Model> = HashMap::new();
    for chunk in records.chunks(LOOKUP_CHUNK) {
        let phones: Vec<String> = chunk.iter().map(|(_, (e, _))| e.phone.clone()).collect();
        for m in user::Entity::find()
            .filter(user::Column::Phone.is_in(phones))
            .all(&txn)
            .await?
        {
            existing.insert(m.phone.clone(), m);
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
            phone: Set(entry.phone),
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

/// Which list an upload is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ImportKind {
    Firms,
    Coordinators,
}

impl ImportKind {
    pub fn parse(raw: &str) -> Result<ImportKind, Error> {
        match raw {
            "firms" => Ok(ImportKind::Firms),
            "coordinators" => Ok(ImportKind::Coordinators),
            _ => Err(Error::field("kind", K::ErrValidation)),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Firms => "firms",
            ImportKind::Coordinators => "coordinators",
        }
    }

    pub async fn run<C: ConnectionTrait + TransactionTrait>(
        self,
        db: &C,
        file_name: &str,
        bytes: &[u8],
        commit: bool,
        by: &CurrentUser,
        actor: &Actor,
    ) -> Result<ImportReport, Error> {
        match self {
            ImportKind::Firms => import_firms(db, file_name, bytes, commit, by, actor).await,
            ImportKind::Coordinators => {
                import_coordinators(db, file_name, bytes, commit, by, actor).await
            }
        }
    }
}

/// Uploads wait here between the preview and the office's confirmation, one folder per user,
/// named by a random token. A day later they are swept away.
fn staging_dir(data_dir: &Path, user_id: i32) -> PathBuf {
    data_dir.join("imports").join(user_id.to_string())
}

const STAGED_HOURS: i64 = 24;

/// Keeps an uploaded file for its preview and commit; returns the token naming it.
pub fn stage(
    data_dir: &Path,
    user_id: i32,
    file_name: &str,
    bytes: &[u8],
) -> Result<String, Error> {
    let dir = staging_dir(data_dir, user_id);
    let io = |e: std::io::Error| {
        tracing::error!(error = %e, dir = %dir.display(), "cannot stage an import");
        Error::Internal
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    sweep(&dir);
    let token = super::random_hex(16);
    std::fs::write(dir.join(&token), bytes).map_err(io)?;
    std::fs::write(dir.join(format!("{token}.name")), file_name).map_err(io)?;
    Ok(token)
}

/// The staged file (name and bytes) for a token of this user's, or "expired".
pub fn staged(data_dir: &Path, user_id: i32, token: &str) -> Result<(String, Vec<u8>), Error> {
    let expired = || Error::field("token", K::ErrImportExpired);
    if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(expired());
    }
    let dir = staging_dir(data_dir, user_id);
    let bytes = std::fs::read(dir.join(token)).map_err(|_| expired())?;
    let name = std::fs::read_to_string(dir.join(format!("{token}.name"))).map_err(|_| expired())?;
    Ok((name, bytes))
}

/// Removes a staged file once it has been committed.
pub fn discard(data_dir: &Path, user_id: i32, token: &str) {
    let dir = staging_dir(data_dir, user_id);
    let _ = std::fs::remove_file(dir.join(token));
    let _ = std::fs::remove_file(dir.join(format!("{token}.name")));
}

fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let limit = std::time::Duration::from_secs(u64::try_from(STAGED_HOURS * 3600).unwrap_or(0));
    for e in entries.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > limit);
        if old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
