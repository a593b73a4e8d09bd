//! 等保 level-3 identity and audit controls on a real database (SQLite, or PostgreSQL with
//! TEST_DATABASE_URL): the password policy, lock-out and unlock, sessions (limit, absolute
//! lifetime, ending them), the security policy, and the audit trail's hash chain.

#![allow(clippy::unwrap_used)]

use chrono::{Duration, Utc};
use domain::Error;
use domain::K;
use domain::auth::Role;
use domain::db::accounts::{self, NewUser};
use domain::db::audit::{self, Actor, Entry};
use domain::db::testing::*;
use domain::db::{Write, security, sessions};
use domain::security::PolicyForm;
use sea_orm::ConnectionTrait;

const PASSWORD: &str = "Qinghai-visit-7";

async fn account(db: &TestDb, phone: &str, name: &str, username: &str, role: &str) -> i32 {
    accounts::create_user(
        db,
        &Actor::system("test"),
        NewUser {
            name: name.into(),
            phone: phone.into(),
            username: username.into(),
            role: role.into(),
            member_unit: String::new(),
            password: PASSWORD.into(),
            must_change_password: false,
        },
    )
    .await
    .unwrap()
    .id
}

fn field_key(r: Result<(), Error>) -> Option<K> {
    match r {
        Err(Error::Validation(errors)) => errors.first().map(|e| e.key),
        _ => None,
    }
}

async fn exec(db: &TestDb, sql: &str) {
    db.execute_unprepared(sql).await.unwrap();
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    #[derive(sea_orm::FromQueryResult)]
    struct N {
        n: i64,
    }
    domain::db::query_one::<N>(&**db, sql, vec![])
        .await
        .unwrap()
        .unwrap()
        .n
}

#[tokio::test]
async fn every_password_rule_and_the_history() {
    let db = test_db().await;
    let id = account(&db, "13900000901", "王丽", "wangli", "leader").await;
    let login = accounts::authenticate(&db, "wangli", PASSWORD, "10.0.0.1", Some("test"))
        .await
        .unwrap();
    let me = caller(&login.user);
    let change = |current: &'static str, new: String| {
        let db = &db;
        let me = &me;
        async move { accounts::change_own_password(db, me, current, &new, None).await }
    };
    for (new, key) in [
        ("Short-1", K::ErrPasswordShort),
        ("onlylowercaseletters", K::ErrPasswordClasses),
        ("1234567890123", K::ErrPasswordClasses),
        ("My-13900000901-pw", K::ErrPasswordPersonal),
        ("Hello-WangLi-2022", K::ErrPasswordPersonal),
        ("Password2024!", K::ErrPasswordCommon),
        ("1qaz2wsx3edc", K::ErrPasswordClasses),
        ("1qaz2wsx3edC", K::ErrPasswordCommon),
    ] {
        assert_eq!(
            field_key(change(PASSWORD, new.to_owned()).await),
            Some(key),
            "{new}"
        );
    }
    // Long, three classes, nobody's, not common: accepted.
    change(PASSWORD, "alllowercase-and-digits-1".to_owned())
        .await
        .unwrap();
    let mut current = "alllowercase-and-digits-1".to_owned();
    let mut used = vec![PASSWORD.to_owned(), current.clone()];
    for i in 0..4 {
        let next = format!("Fresh-Pass-{i}-Xy");
        accounts::change_own_password(&db, &me, &current, &next, None)
            .await
            .unwrap();
        used.push(next.clone());
        current = next;
    }
    // The current and the last four earlier ones are refused; the sixth-newest is allowed again.
    for old in used.iter().rev().take(5) {
        let got = accounts::change_own_password(&db, &me, &current, old, None).await;
        assert_eq!(field_key(got), Some(K::ErrPasswordReused), "{old}");
    }
    accounts::change_own_password(&db, &me, &current, &used[0], None)
        .await
        .unwrap();
    assert_eq!(
        count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM password_history WHERE user_id = {id}")
        )
        .await,
        1 + 1 + 4 + 1
    );
}

#[tokio::test]
async fn a_reset_forces_a_change_and_ends_sessions_and_a_change_ends_the_others() {
    let db = test_db().await;
    let office = make_user(&db, "13900000900", Role::SystemAdmin, None).await;
    let id = account(&db, "13900000902", "李强", "liqiang", "unit").await;
    let a = accounts::authenticate(&db, "liqiang", PASSWORD, "10.0.0.1", Some("phone"))
        .await
        .unwrap();
    let b = accounts::authenticate(&db, "13900000902", PASSWORD, "10.0.0.2", Some("desk"))
        .await
        .unwrap();
    assert!(!a.must_change_password);
    let sa = sessions::resolve(&db, &a.session_key)
        .await
        .unwrap()
        .unwrap();
    assert!(
        sessions::resolve(&db, &b.session_key)
            .await
            .unwrap()
            .is_some()
    );

    // The owner changes it from session a: b ends, a stays.
    accounts::change_own_password(
        &db,
        &caller(&a.user),
        PASSWORD,
        "Another-Pass-42",
        Some(sa.session_id),
    )
    .await
    .unwrap();
    assert!(
        sessions::resolve(&db, &a.session_key)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        sessions::resolve(&db, &b.session_key)
            .await
            .unwrap()
            .is_none()
    );

    // Only an account administrator resets; a reset ends every session and forces a change.
    let refused =
        accounts::reset_password(&db, &caller(&a.user), &id.to_string(), "Temp-Pass-2022x").await;
    assert_eq!(refused, Err(Error::Forbidden));
    let weak = accounts::reset_password(&db, &caller(&office), &id.to_string(), "short").await;
    assert_eq!(field_key(weak.map(|_| ())), Some(K::ErrPasswordShort));
    accounts::reset_password(&db, &caller(&office), &id.to_string(), "Temp-Pass-2022x")
        .await
        .unwrap();
    assert!(
        sessions::resolve(&db, &a.session_key)
            .await
            .unwrap()
            .is_none()
    );
    let c = accounts::authenticate(&db, "liqiang", "Temp-Pass-2022x", "10.0.0.1", None)
        .await
        .unwrap();
    assert!(c.must_change_password, "set by an administrator");
    let sc = sessions::resolve(&db, &c.session_key)
        .await
        .unwrap()
        .unwrap();
    assert!(sc.must_change_password);
    accounts::change_own_password(
        &db,
        &caller(&c.user),
        "Temp-Pass-2022x",
        "Own-Choice-2023",
        Some(sc.session_id),
    )
    .await
    .unwrap();
    assert!(
        !sessions::resolve(&db, &c.session_key)
            .await
            .unwrap()
            .unwrap()
            .must_change_password
    );

    // A password older than the policy's maximum age must be changed too.
    let old = Utc::now() - Duration::days(91);
    db.execute_raw(domain::db::sql(
        db.get_database_backend(),
        "UPDATE users SET password_changed_at = $1 WHERE id = $2",
        vec![old.into(), id.into()],
    ))
    .await
    .unwrap();
    assert!(
        sessions::resolve(&db, &c.session_key)
            .await
            .unwrap()
            .unwrap()
            .must_change_password
    );
    let d = accounts::authenticate(&db, "liqiang", "Own-Choice-2023", "10.0.0.1", None)
        .await
        .unwrap();
    assert!(d.must_change_password, "expired");
}

#[tokio::test]
async fn failures_lock_until_the_time_or_an_unlock_and_every_refusal_is_audited() {
    let db = test_db().await;
    let office = make_user(&db, "13900000900", Role::SecurityAdmin, None).await;
    let id = account(&db, "13900000903", "赵敏", "zhaomin", "coordinator").await;
    for i in 0..4 {
        let r = accounts::authenticate(&db, "zhaomin", "Wrong-Pass-123", "10.0.0.3", None).await;
        assert_eq!(
            r.err(),
            Some(Error::field("", K::LoginFailed)),
            "failure {i}"
        );
    }
    let r = accounts::authenticate(&db, "13900000903", "Wrong-Pass-123", "10.0.0.3", None).await;
    assert_eq!(r.err(), Some(Error::Locked { minutes: 15 }));
    let r = accounts::authenticate(&db, "zhaomin", PASSWORD, "10.0.0.4", None).await;
    assert!(
        matches!(r, Err(Error::Locked { .. })),
        "the right password waits"
    );

    // Only a security administrator unlocks.
    let coordinator = make_user(&db, "13900000904", Role::Coordinator, None).await;
    assert_eq!(
        security::unlock(&db, &caller(&coordinator), &id.to_string()).await,
        Err(Error::Forbidden)
    );
    let view = security::view(&*db, &caller(&office)).await.unwrap();
    assert_eq!(
        view.locks.iter().map(|l| l.user_id).collect::<Vec<_>>(),
        vec![id]
    );
    assert_eq!(
        security::unlock(&db, &caller(&office), &id.to_string())
            .await
            .unwrap(),
        "赵敏"
    );
    assert!(
        security::view(&*db, &caller(&office))
            .await
            .unwrap()
            .locks
            .is_empty()
    );
    accounts::authenticate(&db, "zhaomin", PASSWORD, "10.0.0.4", None)
        .await
        .unwrap();

    // A lock whose time has passed lets the account in again by itself.
    for _ in 0..5 {
        let _ = accounts::authenticate(&db, "zhaomin", "Wrong-Pass-123", "10.0.0.5", None).await;
    }
    exec(&db, "UPDATE login_locks SET locked_until = locked_at").await;
    exec(&db, "DELETE FROM login_failures").await;
    accounts::authenticate(&db, "zhaomin", PASSWORD, "10.0.0.5", None)
        .await
        .unwrap();

    let n = |action: &str| {
        let sql = format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = '{action}'");
        let db = &db;
        async move { count(db, &sql).await }
    };
    assert_eq!(n("login_failed").await, 4 + 4);
    assert_eq!(n("lock").await, 2);
    assert_eq!(n("login_locked").await, 1);
    assert_eq!(n("unlock").await, 1);

    // A stricter policy: three failures lock, for five minutes.
    let mut form = PolicyForm::of(&security::get(&*db).await.unwrap());
    form.lock_failures = "3".into();
    form.lock_minutes = "5".into();
    assert_eq!(
        security::set(&db, &caller(&coordinator), &form).await,
        Err(Error::Forbidden)
    );
    security::set(&db, &caller(&office), &form).await.unwrap();
    for _ in 0..2 {
        let _ = accounts::authenticate(&db, "nobody", "Wrong-Pass-123", "10.0.0.6", None).await;
    }
    let r = accounts::authenticate(&db, "nobody", "Wrong-Pass-123", "10.0.0.6", None).await;
    assert_eq!(
        r.err(),
        Some(Error::Locked { minutes: 5 }),
        "an unknown name locks alike"
    );
    form.audit_retention_days = "30".into();
    assert!(matches!(
        security::set(&db, &caller(&office), &form).await,
        Err(Error::Validation(_))
    ));
}

#[tokio::test]
async fn sessions_are_limited_listed_ended_and_die_after_twelve_hours() {
    let db = test_db().await;
    let office = make_user(&db, "13900000900", Role::SecurityAdmin, None).await;
    account(&db, "13900000905", "周杰", "zhoujie", "leader").await;
    let mut keys = Vec::new();
    for i in 0..4 {
        let l = accounts::authenticate(
            &db,
            "zhoujie",
            PASSWORD,
            &format!("10.0.1.{i}"),
            Some("phone"),
        )
        .await
        .unwrap();
        keys.push(l);
    }
    // The default limit is three: the oldest ended when the fourth began.
    assert!(
        sessions::resolve(&db, &keys[0].session_key)
            .await
            .unwrap()
            .is_none()
    );
    let me = caller(&keys[3].user);
    let current = sessions::resolve(&db, &keys[3].session_key)
        .await
        .unwrap()
        .unwrap();
    let mine = sessions::own(&*db, &me, Some(current.session_id))
        .await
        .unwrap();
    assert_eq!(mine.len(), 3);
    assert_eq!(mine.iter().filter(|s| s.current).count(), 1);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'session_evicted'"
        )
        .await,
        1
    );

    // Ending one of mine works; another user's session is not mine to end.
    let other = mine.iter().find(|s| !s.current).unwrap().id;
    assert_eq!(
        sessions::end_own(&db, &caller(&office), &other.to_string()).await,
        Err(Error::not_found(K::EntitySession))
    );
    sessions::end_own(&db, &me, &other.to_string())
        .await
        .unwrap();
    assert_eq!(sessions::own(&*db, &me, None).await.unwrap().len(), 2);

    // Twelve hours after the login the session is over, however busy.
    let start = Utc::now() - Duration::hours(13);
    db.execute_raw(domain::db::sql(
        db.get_database_backend(),
        "UPDATE user_sessions SET created_at = $1 WHERE id = $2",
        vec![start.into(), current.session_id.into()],
    ))
    .await
    .unwrap();
    assert!(
        sessions::resolve(&db, &keys[3].session_key)
            .await
            .unwrap()
            .is_none()
    );

    // A security administrator ends all of someone's sessions; nobody else may.
    assert_eq!(
        sessions::end_all_for(&db, &me, &me.id.to_string()).await,
        Err(Error::Forbidden)
    );
    sessions::end_all_for(&db, &caller(&office), &me.id.to_string())
        .await
        .unwrap();
    assert!(
        sessions::resolve(&db, &keys[2].session_key)
            .await
            .unwrap()
            .is_none()
    );

    // Disabling an account ends its sessions too.
    let again = accounts::authenticate(&db, "zhoujie", PASSWORD, "10.0.1.9", None)
        .await
        .unwrap();
    accounts::set_active(&db, &Actor::system("test"), "zhoujie", false)
        .await
        .unwrap();
    assert!(
        sessions::resolve(&db, &again.session_key)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn the_audit_chain_detects_an_altered_a_removed_and_an_inserted_entry() {
    let db = test_db().await;
    let office = make_user(&db, "13900000900", Role::Office, None).await;
    let actor = Actor::of(&caller(&office));
    for i in 0..5 {
        let w = Write::begin_quiet(&db).await.unwrap();
        audit::record(
            &w,
            &actor,
            Entry {
                action: "update",
                entity: "firm",
                entity_id: Some(i),
                firm_id: Some(i),
                before: Some(serde_json::json!({ "name": format!("旧名 {i}\n\"quoted\"") })),
                after: Some(serde_json::json!({ "name": "新名" })),
            },
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
    }
    let w = Write::begin_quiet(&db).await.unwrap();
    let rows: Vec<_> = (100..1300)
        .map(|i| (i, None, Some(serde_json::json!({ "n": i }))))
        .collect();
    audit::record_many(&w, &actor, "import_create", "firm", &rows, Utc::now())
        .await
        .unwrap();
    w.commit().await.unwrap();
    let report = audit::verify(&*db).await.unwrap();
    assert_eq!(report.first_broken, None, "{report:?}");
    let total = count(&db, "SELECT COUNT(*) AS n FROM audit_log").await;
    assert_eq!(
        report.checked + report.before_chain,
        u64::try_from(total).unwrap()
    );
    assert!(report.checked >= 1205);

    #[derive(sea_orm::FromQueryResult)]
    struct Id {
        id: i64,
    }
    let ids: Vec<i64> =
        domain::db::query_all::<Id>(&*db, "SELECT id FROM audit_log ORDER BY id", vec![])
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
    let third = ids[ids.len() - 1200 - 3];

    // Someone with database access rewrites what an entry says.
    exec(
        &db,
        &format!("UPDATE audit_log SET after_json = '{{\"name\":\"篡改\"}}' WHERE id = {third}"),
    )
    .await;
    assert_eq!(audit::verify(&*db).await.unwrap().first_broken, Some(third));
    let after = count(
        &db,
        &format!("SELECT COUNT(*) AS n FROM audit_log WHERE id = {third}"),
    )
    .await;
    assert_eq!(after, 1);

    // Deleting it instead breaks the link of the entry after it.
    exec(&db, &format!("DELETE FROM audit_log WHERE id = {third}")).await;
    let next = ids[ids.len() - 1200 - 2];
    assert_eq!(audit::verify(&*db).await.unwrap().first_broken, Some(next));

    // An entry slipped in at the end, with a made-up hash, is caught too.
    let db2 = test_db().await;
    let office2 = make_user(&db2, "13900000900", Role::Office, None).await;
    let w = Write::begin_quiet(&db2).await.unwrap();
    audit::record(
        &w,
        &Actor::of(&caller(&office2)),
        Entry {
            action: "login",
            entity: "user",
            entity_id: Some(office2.id),
            firm_id: None,
            before: None,
            after: None,
        },
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    assert_eq!(audit::verify(&*db2).await.unwrap().first_broken, None);
    db2.execute_raw(domain::db::sql(
        db2.get_database_backend(),
        "INSERT INTO audit_log (at, actor_id, actor_label, action, entity, hash) VALUES ($1, NULL, 'x', 'delete', 'firm', $2)",
        vec![Utc::now().into(), "0".repeat(64).into()],
    ))
    .await
    .unwrap();
    let report = audit::verify(&*db2).await.unwrap();
    assert!(report.first_broken.is_some(), "{report:?}");
}

#[tokio::test]
async fn the_chain_holds_under_many_concurrent_writers() {
    let db = test_db().await;
    let office = make_user(&db, "13900000900", Role::Office, None).await;
    let actor = Actor::of(&caller(&office));
    let mut tasks = Vec::new();
    for t in 0..16 {
        let conn = (*db).clone();
        let actor = actor.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..10 {
                domain::db::retry(|| async {
                    let w = Write::begin_quiet(&conn).await?;
                    audit::record(
                        &w,
                        &actor,
                        Entry {
                            action: "update",
                            entity: "firm",
                            entity_id: Some(t * 100 + i),
                            firm_id: None,
                            before: None,
                            after: Some(serde_json::json!({ "writer": t, "n": i })),
                        },
                    )
                    .await?;
                    w.commit().await
                })
                .await
                .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let report = audit::verify(&*db).await.unwrap();
    assert_eq!(report.first_broken, None, "{report:?}");
    assert_eq!(report.checked, 160);
}

#[tokio::test]
async fn three_administrators_each_do_their_part_and_none_reads_business_data() {
    let db = test_db().await;
    let office = caller(&make_user(&db, "13900000910", Role::Office, None).await);
    let sys = caller(&make_user(&db, "13900000911", Role::SystemAdmin, None).await);
    let sec = caller(&make_user(&db, "13900000912", Role::SecurityAdmin, None).await);
    let aud = caller(&make_user(&db, "13900000913", Role::AuditAdmin, None).await);
    let target = account(&db, "13900000914", "孙悦", "sunyue", "coordinator").await;
    let id = target.to_string();
    let campaign = domain::db::current_campaign(&*db).await.unwrap();
    let q = domain::firm::FirmQuery {
        page: 1,
        ..Default::default()
    };
    let trail = domain::audit::AuditQuery::default();
    let forbidden = Err(Error::Forbidden);

    // The system administrator: accounts.
    assert!(accounts::users_for(&*db, &sys).await.is_ok());
    assert!(
        accounts::reset_password(&db, &sys, &id, "Temp-Pass-2022x")
            .await
            .is_ok()
    );
    assert!(accounts::set_active_for(&db, &sys, &id, "1").await.is_ok());
    assert_eq!(
        security::unlock(&db, &sys, &id).await.map(|_| ()),
        forbidden
    );
    assert_eq!(
        audit::trail(&*db, &sys, &trail).await.map(|_| ()),
        forbidden
    );

    // The security administrator: the policy, locks, sessions.
    assert!(security::view(&*db, &sec).await.is_ok());
    assert!(security::unlock(&db, &sec, &id).await.is_ok());
    assert!(sessions::end_all_for(&db, &sec, &id).await.is_ok());
    assert_eq!(
        accounts::reset_password(&db, &sec, &id, "Temp-Pass-2022y")
            .await
            .map(|_| ()),
        forbidden
    );
    assert_eq!(
        audit::trail(&*db, &sec, &trail).await.map(|_| ()),
        forbidden
    );

    // The audit administrator: reads the trail, changes nothing.
    let entries = audit::trail(&*db, &aud, &trail).await.unwrap();
    assert!(
        entries.iter().any(|e| e.action == "unlock"),
        "the administrators' own actions are in it"
    );
    assert_eq!(accounts::users_for(&*db, &aud).await.map(|_| ()), forbidden);
    assert_eq!(security::view(&*db, &aud).await.map(|_| ()), forbidden);
    assert_eq!(
        accounts::set_active_for(&db, &aud, &id, "0")
            .await
            .map(|_| ()),
        forbidden
    );

    // None of them reads business data; the office does, and administers nothing.
    for admin in [&sys, &sec, &aud] {
        assert_eq!(
            domain::db::firms::list_for(&*db, &campaign, &q, admin)
                .await
                .map(|_| ()),
            forbidden,
            "{:?}",
            admin.role
        );
        assert_eq!(
            domain::db::access::ensure_can_view_dashboard(admin),
            forbidden
        );
    }
    assert!(
        domain::db::firms::list_for(&*db, &campaign, &q, &office)
            .await
            .is_ok()
    );
    assert_eq!(
        accounts::users_for(&*db, &office).await.map(|_| ()),
        forbidden
    );
    assert_eq!(security::view(&*db, &office).await.map(|_| ()), forbidden);
    assert_eq!(
        audit::trail(&*db, &office, &trail).await.map(|_| ()),
        forbidden
    );
}

#[tokio::test]
async fn sensitive_actions_ask_for_the_password_again_after_fifteen_minutes() {
    let db = test_db().await;
    account(&db, "13900000920", "系统管理员", "sys1", "sysadmin").await;
    let target = account(&db, "13900000921", "吴昊", "wuhao", "unit").await;
    let login = accounts::authenticate(&db, "sys1", PASSWORD, "10.0.2.1", None)
        .await
        .unwrap();
    let session_caller = |fresh: bool| {
        domain::auth::Caller::of_session(login.user.clone(), Some("10.0.2.1".into()), fresh)
    };
    let state = sessions::resolve(&db, &login.session_key)
        .await
        .unwrap()
        .unwrap();
    assert!(state.recently_authenticated, "a login is a fresh proof");
    accounts::reset_password(
        &db,
        &session_caller(true),
        &target.to_string(),
        "Temp-Pass-2022x",
    )
    .await
    .unwrap();

    // Sixteen minutes later the session must prove itself again.
    db.execute_raw(domain::db::sql(
        db.get_database_backend(),
        "UPDATE user_sessions SET reauth_at = $1 WHERE id = $2",
        vec![
            (Utc::now() - Duration::minutes(16)).into(),
            state.session_id.into(),
        ],
    ))
    .await
    .unwrap();
    let state = sessions::resolve(&db, &login.session_key)
        .await
        .unwrap()
        .unwrap();
    assert!(!state.recently_authenticated);
    let stale = session_caller(state.recently_authenticated);
    assert_eq!(
        accounts::reset_password(&db, &stale, &target.to_string(), "Temp-Pass-2022y")
            .await
            .map(|_| ()),
        Err(Error::ReauthRequired)
    );
    assert_eq!(
        accounts::set_active_for(&db, &stale, &target.to_string(), "0")
            .await
            .map(|_| ()),
        Err(Error::ReauthRequired)
    );
    // Reading is not sensitive.
    assert!(accounts::users_for(&*db, &stale).await.is_ok());

    // A wrong password is a failed login (towards the lock-out); the right one renews the proof.
    let wrong = sessions::reauthenticate(&db, &stale, state.session_id, "Not-My-Pass-1").await;
    assert_eq!(field_key(wrong), Some(K::ErrWrongPassword));
    sessions::reauthenticate(&db, &stale, state.session_id, PASSWORD)
        .await
        .unwrap();
    let state = sessions::resolve(&db, &login.session_key)
        .await
        .unwrap()
        .unwrap();
    assert!(state.recently_authenticated);
    accounts::reset_password(
        &db,
        &session_caller(state.recently_authenticated),
        &target.to_string(),
        "Temp-Pass-2022y",
    )
    .await
    .unwrap();
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'reauthenticate'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'login_failed'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn phones_are_masked_for_readers_who_do_not_call_them_and_a_reveal_is_audited() {
    let db = test_db().await;
    domain::db::demo::seed(&db).await.unwrap();
    #[derive(sea_orm::FromQueryResult)]
    struct Pick {
        firm_id: i32,
        member_unit_id: i32,
        // Read through the sealing type: the column holds ciphertext.
        contact_phone: domain::db::crypto::Sealed,
    }
    // A firm with a coordinator, a contact phone and a problem routed to some unit.
    let pick = domain::db::query_one::<Pick>(
        &*db,
        "SELECT p.firm_id, pu.member_unit_id, f.contact_phone FROM problems p
         JOIN problem_units pu ON pu.problem_id = p.id JOIN firms f ON f.id = p.firm_id
         JOIN assignments a ON a.firm_id = f.id AND a.ended_at IS NULL
         WHERE f.contact_phone_hash IS NOT NULL ORDER BY p.id LIMIT 1",
        vec![],
    )
    .await
    .unwrap()
    .unwrap();
    let id = pick.firm_id.to_string();
    let leader = caller(&make_user(&db, "13900000930", Role::Leader, None).await);
    let office = caller(&make_user(&db, "13900000931", Role::Office, None).await);
    let routed =
        caller(&make_user(&db, "13900000932", Role::Unit, Some(pick.member_unit_id)).await);
    #[derive(sea_orm::FromQueryResult)]
    struct Unit {
        id: i32,
    }
    let other_unit = domain::db::query_one::<Unit>(
        &*db,
        "SELECT id FROM member_units WHERE id NOT IN
           (SELECT pu.member_unit_id FROM problems p JOIN problem_units pu ON pu.problem_id = p.id
            WHERE p.firm_id = $1) ORDER BY id LIMIT 1",
        vec![pick.firm_id.into()],
    )
    .await
    .unwrap()
    .unwrap()
    .id;
    let other = caller(&make_user(&db, "13900000933", Role::Unit, Some(other_unit)).await);
    let masked = domain::auth::mask_phone(&pick.contact_phone);

    let seen = |c: domain::auth::Caller| {
        let db = &db;
        let id = id.clone();
        async move { domain::db::firms::file_for(&**db, &c, &id).await.unwrap() }
    };
    let f = seen(leader.clone()).await;
    assert!(f.phones_masked);
    assert_eq!(f.firm.contact_phone, masked);
    assert!(f.coordinator.unwrap().phone.contains("****"));
    assert_eq!(
        seen(office.clone()).await.firm.contact_phone,
        *pick.contact_phone
    );
    assert_eq!(
        seen(routed.clone()).await.firm.contact_phone,
        *pick.contact_phone,
        "the unit with the firm's problem calls it"
    );
    let o = seen(other.clone()).await;
    assert!(
        o.phones_masked,
        "a unit without a problem of the firm does not call it"
    );
    assert_eq!(o.firm.contact_phone, masked);

    // Showing it is allowed to whoever reads the file, and audited.
    let full = domain::db::firms::reveal_phone(&db, &leader, &id, "contact")
        .await
        .unwrap();
    assert_eq!(full, *pick.contact_phone);
    assert_eq!(
        domain::db::firms::reveal_phone(&db, &leader, &id, "nobody").await,
        Err(Error::field("whose", K::ErrValidation))
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'reveal_phone'"
        )
        .await,
        1
    );

    // The roster: the office calls its coordinators, leaders read it masked.
    let l = domain::db::assignments::roster(&*db, &leader)
        .await
        .unwrap();
    assert!(l.rows.iter().all(|r| r.phone.contains("****")));
    let o = domain::db::assignments::roster(&*db, &office)
        .await
        .unwrap();
    assert!(o.rows.iter().all(|r| !r.phone.contains("****")));
}

/// The secret of a user's enrolment, read back from the page's view as an app would scan it.
async fn enrol(db: &TestDb, me: &domain::auth::Caller) -> (String, Vec<String>) {
    use domain::db::second_factor;
    second_factor::begin(db, me).await.unwrap();
    let view = second_factor::view(&**db, me).await.unwrap();
    let enrolment = view.enrolment.unwrap();
    assert!(enrolment.qr_svg.starts_with("<?xml") || enrolment.qr_svg.contains("<svg"));
    assert!(enrolment.url.starts_with("otpauth://totp/"));
    assert_eq!(enrolment.recovery_codes.len(), 10);
    (enrolment.secret.replace(' ', ""), enrolment.recovery_codes)
}

#[tokio::test]
async fn second_factor_enrolment_login_with_a_code_and_replays_refused() {
    use domain::db::second_factor::{self, code_at};
    let db = test_db().await;
    let id = account(&db, "13900000930", "办公室甲", "office1", "office").await;
    let first = accounts::authenticate(&db, "office1", PASSWORD, "10.0.3.1", None)
        .await
        .unwrap();
    assert!(
        !first.code_needed,
        "no second factor yet: the password opens a session"
    );
    let state = sessions::resolve(&db, &first.session_key)
        .await
        .unwrap()
        .unwrap();
    assert!(
        state.must_set_up_second_factor,
        "the office must set up a second factor before anything else"
    );
    let me = domain::auth::Caller::of_session(first.user.clone(), Some("10.0.3.1".into()), true);
    let (secret, recovery) = enrol(&db, &me).await;
    // The secret is sealed at rest: the table holds none of it in clear.
    assert_eq!(
        count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM user_totp WHERE pending_secret LIKE '%{secret}%'")
        )
        .await,
        0
    );
    // A wrong code does not confirm; the app's code does.
    let wrong = second_factor::confirm(&db, &me, "000000").await;
    assert!(
        matches!(wrong, Err(Error::Validation(_)))
            || code_at(&secret, Utc::now()).unwrap() == "000000"
    );
    second_factor::confirm(&db, &me, &code_at(&secret, Utc::now()).unwrap())
        .await
        .unwrap();
    let state = sessions::resolve(&db, &first.session_key)
        .await
        .unwrap()
        .unwrap();
    assert!(!state.must_set_up_second_factor);
    let view = second_factor::view(&*db, &me).await.unwrap();
    assert!(view.enabled && view.required && view.enrolment.is_none());
    assert_eq!(view.recovery_left, 10);
    // The office cannot turn it off.
    assert!(matches!(
        second_factor::turn_off(&db, &me).await,
        Err(Error::Conflict(_))
    ));

    // Now the password alone opens nothing.
    let step1 = accounts::authenticate(&db, "office1", PASSWORD, "10.0.3.2", None)
        .await
        .unwrap();
    assert!(step1.code_needed && step1.session_key.is_empty());
    // The code of the enrolment's own step was used up by the confirmation: the next step's
    // code is what a login takes. Simulate the app thirty seconds on.
    let later = Utc::now() + Duration::seconds(30);
    let code = code_at(&secret, later).unwrap();
    // A code is checked against now ± one step, so the next step's code is accepted now.
    let done = accounts::authenticate_code(&db, id, &code, "10.0.3.2", Some("phone"))
        .await
        .unwrap();
    assert!(!done.session_key.is_empty());
    assert!(
        sessions::resolve(&db, &done.session_key)
            .await
            .unwrap()
            .is_some()
    );
    // The same code again: refused as a replay, and audited.
    let again = accounts::authenticate_code(&db, id, &code, "10.0.3.3", None).await;
    assert_eq!(field_key(again.map(|_| ())), Some(K::ErrCodeReplayed));
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'login_code_replayed'"
        )
        .await,
        1
    );
    // A wrong code is a failure like a wrong password.
    let wrong = accounts::authenticate_code(&db, id, "12345x", "10.0.3.3", None).await;
    assert_eq!(field_key(wrong.map(|_| ())), Some(K::ErrCodeWrong));

    // A recovery code works once.
    let rc = recovery[0].to_lowercase().replace('-', " ");
    accounts::authenticate_code(&db, id, &rc, "10.0.3.4", None)
        .await
        .unwrap();
    let reused = accounts::authenticate_code(&db, id, &recovery[0], "10.0.3.4", None).await;
    assert_eq!(field_key(reused.map(|_| ())), Some(K::ErrCodeReplayed));
    let view = second_factor::view(&*db, &me).await.unwrap();
    assert_eq!(view.recovery_left, 9);

    // Two requests racing with the same unused code: exactly one gets in. (Forget the steps
    // used so far, so the current code counts as unused.)
    exec(
        &db,
        &format!("UPDATE user_totp SET last_step = 0 WHERE user_id = {id}"),
    )
    .await;
    let fresh = code_at(&secret, Utc::now()).unwrap();
    let (a, b) = tokio::join!(
        accounts::authenticate_code(&db, id, &fresh, "10.0.3.5", None),
        accounts::authenticate_code(&db, id, &fresh, "10.0.3.6", None)
    );
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "a code is accepted exactly once"
    );

    // Enough wrong codes lock the account like wrong passwords do.
    for _ in 0..6 {
        let _ = accounts::authenticate_code(&db, id, "99999Z", "10.0.3.7", None).await;
    }
    let locked = accounts::authenticate_code(
        &db,
        id,
        &code_at(&secret, Utc::now()).unwrap(),
        "10.0.3.7",
        None,
    )
    .await;
    assert!(matches!(locked, Err(Error::Locked { .. })));
}

#[tokio::test]
async fn second_factor_is_optional_for_others_until_the_policy_requires_it_and_an_administrator_resets_it()
 {
    use domain::db::second_factor::{self, code_at};
    let db = test_db().await;
    let coord = account(&db, "13900000940", "协调员乙", "coord1", "coordinator").await;
    account(&db, "13900000941", "安全管理员", "sec1", "secadmin").await;
    account(&db, "13900000942", "系统管理员", "sys2", "sysadmin").await;
    let login = accounts::authenticate(&db, "coord1", PASSWORD, "10.0.4.1", None)
        .await
        .unwrap();
    let state = sessions::resolve(&db, &login.session_key)
        .await
        .unwrap()
        .unwrap();
    assert!(
        !state.must_set_up_second_factor,
        "optional for a coordinator"
    );
    let me = domain::auth::Caller::of_session(login.user.clone(), None, true);
    // Optional: turn it on, then off again.
    let (secret, _) = enrol(&db, &me).await;
    second_factor::confirm(&db, &me, &code_at(&secret, Utc::now()).unwrap())
        .await
        .unwrap();
    assert!(second_factor::is_enabled(&*db, coord).await.unwrap());
    // Turning it off needs a recent proof of identity.
    let stale = domain::auth::Caller::of_session(login.user.clone(), None, false);
    assert_eq!(
        second_factor::turn_off(&db, &stale).await,
        Err(Error::ReauthRequired)
    );
    second_factor::turn_off(&db, &me).await.unwrap();
    assert!(!second_factor::is_enabled(&*db, coord).await.unwrap());

    // The security administrator requires it of everyone: the coordinator's session must set
    // it up before anything else.
    let sec = accounts::authenticate(&db, "sec1", PASSWORD, "10.0.4.2", None)
        .await
        .unwrap();
    let sec_caller = domain::auth::Caller::of_session(sec.user.clone(), None, true);
    let mut form = PolicyForm::of(&security::get(&*db).await.unwrap());
    form.second_factor_for_all = Some("on".into());
    security::set(&db, &sec_caller, &form).await.unwrap();
    let state = sessions::resolve(&db, &login.session_key)
        .await
        .unwrap()
        .unwrap();
    assert!(state.must_set_up_second_factor);

    // A lost phone: the system administrator resets it; every session of the user ends.
    let (secret, _) = enrol(&db, &me).await;
    second_factor::confirm(&db, &me, &code_at(&secret, Utc::now()).unwrap())
        .await
        .unwrap();
    let sys = accounts::authenticate(&db, "sys2", PASSWORD, "10.0.4.3", None)
        .await
        .unwrap();
    let sys_caller = domain::auth::Caller::of_session(sys.user.clone(), None, true);
    assert_eq!(
        second_factor::reset_for(&db, &sec_caller, &coord.to_string())
            .await
            .map(|_| ()),
        Err(Error::Forbidden),
        "the security administrator does not administer accounts"
    );
    second_factor::reset_for(&db, &sys_caller, &coord.to_string())
        .await
        .unwrap();
    assert!(!second_factor::is_enabled(&*db, coord).await.unwrap());
    assert!(
        sessions::resolve(&db, &login.session_key)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'second_factor_reset'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = {coord}")
        )
        .await,
        0
    );
}

#[tokio::test]
async fn phone_numbers_are_sealed_at_rest_and_found_by_the_exact_number() {
    let db = test_db().await;
    let office = caller(&make_user(&db, "13900000950", Role::Office, None).await);
    account(&db, "13900000951", "赵敏", "zhaomin", "coordinator").await;
    let mobile = credit_code(domain::Region::Xining);
    let landline = credit_code(domain::Region::Haidong);
    let csv = format!(
        "统一社会信用代码,企业名称,所属市州,企业层级,联系人,联系电话\n\
         {mobile},青海密封甲公司,西宁,省级专精特新,王伟,139 1234 5678\n\
         {landline},青海密封乙公司,海东,省级专精特新,李娜,0971-6312345\n"
    );
    let report =
        domain::db::import::import_firms(&db, "f.csv", csv.as_bytes(), true, &office).await;
    assert!(report.unwrap().committed);

    // No number is in the database in clear, in either table; each is sealed text.
    for digits in ["13900000951", "13912345678", "6312345", "1234 5678"] {
        let clear = format!(
            "SELECT COUNT(*) AS n FROM users u, firms f
             WHERE u.phone LIKE '%{digits}%' OR f.contact_phone LIKE '%{digits}%'"
        );
        assert_eq!(count(&db, &clear).await, 0, "{digits} stored in clear");
        let trail = format!(
            "SELECT COUNT(*) AS n FROM audit_log
             WHERE before_json LIKE '%{digits}%' OR after_json LIKE '%{digits}%'"
        );
        assert_eq!(
            count(&db, &trail).await,
            0,
            "{digits} in the trail in clear"
        );
    }
    // The trail's reader sees the numbers its entries were written with.
    let trail = audit::list(&*db, &Default::default(), 100).await.unwrap();
    let written = |phone: &str| {
        trail
            .iter()
            .any(|e| e.after_json.as_deref().is_some_and(|j| j.contains(phone)))
    };
    assert!(written("13900000951"), "the account's creation");
    assert!(written("0971-6312345"), "the firm's import");
    assert!(
        domain::db::audit::verify(&*db)
            .await
            .unwrap()
            .first_broken
            .is_none()
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM firms WHERE contact_phone NOT LIKE 'enc1:%' OR contact_phone_hash IS NULL"
        )
        .await,
        0
    );

    // Yet the application reads them: the account list, a login by phone, the firm search by
    // the whole number in any spelling (and by nothing less: a hash matches exactly).
    let users = accounts::list_users(&*db).await.unwrap();
    assert!(users.iter().any(|u| u.phone == "13900000951"));
    let login = accounts::authenticate(&db, "13900000951", PASSWORD, "10.0.0.9", None).await;
    assert_eq!(login.unwrap().user.name, "赵敏");
    let campaign = domain::db::current_campaign(&*db).await.unwrap();
    let search = |q: &'static str| {
        let db = &db;
        let campaign = &campaign;
        async move {
            let q = domain::firm::FirmQueryParams {
                q: Some(q.into()),
                ..Default::default()
            }
            .parse()
            .unwrap();
            domain::db::firms::list(&**db, campaign, &q)
                .await
                .unwrap()
                .rows
                .into_iter()
                .map(|r| r.name)
                .collect::<Vec<_>>()
        }
    };
    for q in ["13912345678", "139-1234-5678", "+86 139 1234 5678"] {
        assert_eq!(search(q).await, vec!["青海密封甲公司"], "{q}");
    }
    assert_eq!(search("0971-6312345").await, vec!["青海密封乙公司"]);
    assert!(search("1391234").await.is_empty(), "part of a number");

    // A number written in clear behind the application's back (an old database, a manual fix)
    // is sealed by the start-up pass, once.
    exec(
        &db,
        "UPDATE firms SET contact_phone = '13700001111', contact_phone_hash = NULL
         WHERE name = '青海密封乙公司'",
    )
    .await;
    let sealed = domain::db::sealing::seal_existing(&db).await.unwrap();
    assert_eq!((sealed.users, sealed.firms), (0, 1));
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM firms WHERE contact_phone LIKE '%13700001111%'"
        )
        .await,
        0
    );
    assert_eq!(search("13700001111").await, vec!["青海密封乙公司"]);
    let again = domain::db::sealing::seal_existing(&db).await.unwrap();
    assert_eq!((again.users, again.firms), (0, 0));
}
