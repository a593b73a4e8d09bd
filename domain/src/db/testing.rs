//! Test support (feature `test-util`): a fresh, migrated database per test — in-memory SQLite by
//! default, or a new PostgreSQL database when TEST_DATABASE_URL names a server, so the same
//! tests run on both — and small fixtures.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::db::entity::{assignment, firm, user};
use crate::{CreditCode, Region, Tier};
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, Set};
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub struct TestDb {
    pub db: DatabaseConnection,
    /// Where it is, for a second connection pool to the same database.
    pub url: String,
    drop_on_exit: Option<(String, String)>,
    sqlite_file: Option<std::path::PathBuf>,
}

fn remove_sqlite_files(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

impl std::ops::Deref for TestDb {
    type Target = DatabaseConnection;
    fn deref(&self) -> &DatabaseConnection {
        &self.db
    }
}

pub async fn test_db() -> TestDb {
    crate::db::crypto::install(crate::db::crypto::DataKey::from_bytes(
        &crate::db::crypto::TEST_KEY,
    ));
    match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
    {
        None => {
            // A file, as in production (WAL, a pool of connections, writers that contend), not
            // an in-memory database with one connection, which would hide every locking fault.
            let path = std::env::temp_dir().join(format!(
                "zhuqi_t_{}_{}.db",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst)
            ));
            remove_sqlite_files(&path);
            let url = format!("sqlite://{}?mode=rwc", path.display());
            let db = crate::db::connect(&url).await.unwrap();
            crate::db::migrate(&db).await.unwrap();
            crate::db::progress::ensure_current(&db).await.unwrap();
            TestDb {
                db,
                url,
                drop_on_exit: None,
                sqlite_file: Some(path),
            }
        }
        Some(base) => {
            let name = format!(
                "zhuqi_t_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst)
            );
            let admin = crate::db::connect(&base).await.unwrap();
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
                .await
                .unwrap();
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            admin.close().await.unwrap();
            let url = replace_db_name(&base, &name);
            let db = crate::db::connect(&url).await.unwrap();
            crate::db::migrate(&db).await.unwrap();
            crate::db::progress::ensure_current(&db).await.unwrap();
            TestDb {
                db,
                url,
                drop_on_exit: Some((base, name)),
                sqlite_file: None,
            }
        }
    }
}

fn replace_db_name(url: &str, name: &str) -> String {
    let (head, query) = url
        .split_once('?')
        .map_or((url, None), |(h, q)| (h, Some(q)));
    let base = head.rsplit_once('/').map_or(head, |(b, _)| b);
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(path) = self.sqlite_file.take() {
            remove_sqlite_files(&path);
        }
        // Drop can't await; a short-lived runtime on another thread removes the database even
        // when the test panicked. The test's own pool belongs to the test's runtime, which this
        // thread blocks, so it is not touched here: FORCE ends its sessions server-side.
        if let Some((base, name)) = self.drop_on_exit.take() {
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    if let Ok(admin) = crate::db::connect(&base).await {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await;
                        let _ = admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

static SERIAL: AtomicU32 = AtomicU32::new(1);

/// A valid, unique credit code for fixtures.
pub fn credit_code(region: Region) -> String {
    let n = SERIAL.fetch_add(1, Ordering::SeqCst);
    let body = format!("{n:07}");
    CreditCode::complete(&format!("91{}MA{body}", region.division_code()))
        .unwrap()
        .to_string()
}

pub async fn make_firm(
    db: &DatabaseConnection,
    name: &str,
    region: Region,
    tier: Tier,
) -> firm::Model {
    let now = Utc::now();
    let f = firm::ActiveModel {
        credit_code: Set(credit_code(region)),
        name: Set(name.to_owned()),
        region_id: Set(region.id()),
        county: Set("城东区".to_owned()),
        industry: Set("装备制造".to_owned()),
        tier_id: Set(tier.id()),
        in_scope: Set(tier.in_campaign_scope()),
        scope_reason: Set(None),
        contact_name: Set("张经理".to_owned()),
        contact_phone: Set(crate::db::crypto::Sealed::new("13900000000")),
        contact_phone_hash: Set(crate::db::crypto::phone_hash("13900000000").ok()),
        address: Set("西宁市城东区".to_owned()),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    touched(db, &[f.id]).await;
    f
}

/// What every business write does after changing firms' rows, for fixtures that write rows
/// directly: the firms' progress facts and tallies recomputed, the figures version moved.
pub async fn touched(db: &DatabaseConnection, firm_ids: &[i32]) {
    let w = crate::db::Write::begin(db).await.unwrap();
    crate::db::progress::refresh(&w, firm_ids).await.unwrap();
    w.commit().await.unwrap();
}

pub async fn make_coordinator(db: &impl ConnectionTrait, name: &str) -> user::Model {
    let now = Utc::now();
    let n = SERIAL.fetch_add(1, Ordering::SeqCst);
    user::ActiveModel {
        name: Set(name.to_owned()),
        phone: Set(crate::db::crypto::Sealed(format!("1380000{n:04}"))),
        phone_hash: Set(crate::db::crypto::phone_hash(&format!("1380000{n:04}")).ok()),
        username: Set(None),
        role: Set("coordinator".to_owned()),
        member_unit_id: Set(Some(1)),
        password_hash: Set(None),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
}

pub async fn assign(
    db: &DatabaseConnection,
    firm_id: i32,
    coordinator_id: i32,
) -> Result<assignment::Model, sea_orm::DbErr> {
    let a = assignment::ActiveModel {
        firm_id: Set(firm_id),
        coordinator_id: Set(coordinator_id),
        started_at: Set(Utc::now()),
        ended_at: Set(None),
        reason: Set("测试分配".to_owned()),
        assigned_by: Set(None),
        ended_by: Set(None),
        end_reason: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    touched(db, &[firm_id]).await;
    Ok(a)
}

/// A real user row of `role` (events and audit entries refer to users), named after its role,
/// returned as the acting user.
pub async fn make_user(
    db: &DatabaseConnection,
    phone: &str,
    role: crate::auth::Role,
    unit: Option<i32>,
) -> crate::auth::CurrentUser {
    let now = Utc::now();
    let u = user::ActiveModel {
        name: Set(format!("{role:?}")),
        phone: Set(crate::db::crypto::Sealed::new(phone)),
        phone_hash: Set(crate::db::crypto::phone_hash(phone).ok()),
        username: Set(None),
        role: Set(role.code().to_owned()),
        member_unit_id: Set(unit),
        password_hash: Set(None),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    crate::auth::CurrentUser {
        id: u.id,
        name: u.name,
        role,
        member_unit_id: unit,
    }
}

/// A firm of `region` with a coordinator, and one problem under `measure` found on an on-site
/// visit on `day`, logged through the real use case; the problem's id.
pub async fn problem_found_on(
    db: &DatabaseConnection,
    name: &str,
    region: Region,
    day: &str,
    measure: &str,
) -> i32 {
    let f = make_firm(db, name, region, Tier::ProvincialSrdi).await;
    let c = make_coordinator(db, "卓玛").await;
    assign(db, f.id, c.id).await.unwrap();
    let coordinator = crate::auth::CurrentUser {
        id: c.id,
        name: c.name,
        role: crate::auth::Role::Coordinator,
        member_unit_id: c.member_unit_id,
    };
    let campaign = crate::db::current_campaign(db).await.unwrap();
    let form = crate::visit::VisitForm {
        visit_date: day.into(),
        kind: crate::visit::VisitKind::OnSite.code().into(),
        participants: "总经理".into(),
        summary: "了解企业困难".into(),
        idempotency_key: format!("fixture-visit-{}", f.id),
        problems: vec![crate::problem::ProblemForm {
            measure: measure.into(),
            description: "流动资金紧张".into(),
            unit: String::new(),
        }],
        ..Default::default()
    };
    let valid = form.validate(&campaign, date("2022-12-31")).unwrap();
    let actor = crate::db::audit::Actor::user(&coordinator, None);
    crate::db::visits::log(db, f.id, valid, &actor)
        .await
        .unwrap()
        .problem_ids[0]
}

/// A caller for a test user (no client address): what every use case takes.
pub fn caller(user: &crate::auth::CurrentUser) -> crate::auth::Caller {
    crate::auth::Caller::new(user.clone(), None)
}

/// The second-factor secret [`give_second_factor`] sets (base32): tests compute its codes.
pub const TEST_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// The codes an app holding [`TEST_TOTP_SECRET`] may show around now: the previous, current
/// and next step. A code is accepted once, so a second login within the same half minute
/// needs the next step's code; a login tries them in turn.
pub fn test_codes() -> Vec<String> {
    [-30, 0, 30]
        .into_iter()
        .map(|offset| {
            let at = chrono::Utc::now() + chrono::Duration::seconds(offset);
            crate::db::second_factor::code_at(TEST_TOTP_SECRET, at).unwrap()
        })
        .collect()
}

/// Gives a user a confirmed second factor with [`TEST_TOTP_SECRET`], as if they had enrolled.
pub async fn give_second_factor(db: &impl ConnectionTrait, user_id: i32) {
    let sealed = crate::db::crypto::seal(TEST_TOTP_SECRET).unwrap();
    db.execute_raw(crate::db::sql(
        db.get_database_backend(),
        "INSERT INTO user_totp (user_id, secret, last_step, enabled_at, updated_at)
         VALUES ($1, $2, 0, $3, $3)",
        vec![user_id.into(), sealed.into(), chrono::Utc::now().into()],
    ))
    .await
    .unwrap();
}
