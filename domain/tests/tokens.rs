//! API tokens expire and can be revoked, and accounts can be disabled and enabled (等保
//! identity controls), on a real database (SQLite, or PostgreSQL with TEST_DATABASE_URL).

#![allow(clippy::unwrap_used)]

use chrono::{Duration, Utc};
use domain::Error;
use domain::auth::TOKEN_DAYS;
use domain::db::accounts::{self, NewUser};
use domain::db::audit::Actor;
use domain::db::testing::*;
use sea_orm::ConnectionTrait;

async fn user(db: &TestDb) -> i32 {
    accounts::create_user(
        db,
        &Actor::system("test"),
        NewUser {
            name: "李娜".into(),
            phone: "13900000801".into(),
            username: "lina".into(),
            role: "leader".into(),
            member_unit: String::new(),
            password: "A long enough passphrase".into(),
            must_change_password: false,
        },
    )
    .await
    .unwrap()
    .id
}

#[derive(sea_orm::FromQueryResult)]
struct N {
    n: i64,
}

async fn audited(db: &TestDb, action: &str) -> i64 {
    domain::db::query_one::<N>(
        &**db,
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = $1 AND entity IN ('api_token', 'user')",
        vec![action.into()],
    )
    .await
    .unwrap()
    .unwrap()
    .n
}

#[tokio::test]
async fn tokens_expire_and_are_revoked_once() {
    let db = test_db().await;
    let id = user(&db).await;
    let actor = Actor::system("test");
    for days in [0, 366] {
        assert!(matches!(
            accounts::create_token(&db, &actor, "lina", "bad", days).await,
            Err(Error::Validation(_))
        ));
    }
    let (token, expires) = accounts::create_token(&db, &actor, "lina", "report bot", 30)
        .await
        .unwrap();
    let in_30 = Utc::now() + Duration::days(30);
    assert!((expires - in_30).num_seconds().abs() < 60);
    assert_eq!(
        accounts::user_for_token(&*db, &token)
            .await
            .unwrap()
            .map(|u| u.id),
        Some(id)
    );
    let listed = accounts::list_tokens(&*db).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].is_live(Utc::now()) && listed[0].user_name == "李娜");

    // Past its expiry it no longer opens anything.
    db.execute_raw(domain::db::sql(
        db.get_database_backend(),
        "UPDATE api_tokens SET expires_at = $1",
        vec![(Utc::now() - Duration::minutes(1)).into()],
    ))
    .await
    .unwrap();
    assert_eq!(accounts::user_for_token(&*db, &token).await.unwrap(), None);
    // A token made before tokens expired (none stored) lasts TOKEN_DAYS from its making.
    for (age, works) in [
        (i64::from(TOKEN_DAYS) - 1, true),
        (i64::from(TOKEN_DAYS) + 1, false),
    ] {
        db.execute_raw(domain::db::sql(
            db.get_database_backend(),
            "UPDATE api_tokens SET expires_at = NULL, created_at = $1",
            vec![(Utc::now() - Duration::days(age)).into()],
        ))
        .await
        .unwrap();
        assert_eq!(
            accounts::user_for_token(&*db, &token)
                .await
                .unwrap()
                .is_some(),
            works,
            "{age} days old"
        );
    }

    // Revoked: refused at once; a second revocation is a conflict.
    let token_id = listed[0].id.to_string();
    accounts::revoke_token(&db, &actor, &token_id)
        .await
        .unwrap();
    assert_eq!(accounts::user_for_token(&*db, &token).await.unwrap(), None);
    assert!(matches!(
        accounts::revoke_token(&db, &actor, &token_id).await,
        Err(Error::Conflict(_))
    ));
    assert!(matches!(
        accounts::revoke_token(&db, &actor, "999999").await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        accounts::revoke_token(&db, &actor, "1 OR 1=1").await,
        Err(Error::Validation(_))
    ));
    assert_eq!(audited(&db, "revoke").await, 1);
}

#[tokio::test]
async fn a_disabled_account_stops_working_until_enabled() {
    let db = test_db().await;
    let id = user(&db).await;
    let actor = Actor::system("test");
    let (token, _) = accounts::create_token(&db, &actor, "lina", "bot", TOKEN_DAYS)
        .await
        .unwrap();
    let u = accounts::set_active(&db, &actor, "13900000801", false)
        .await
        .unwrap();
    assert_eq!((u.id, u.active), (id, false));
    // Sessions name users by id: a disabled user's session finds nobody, and so do its tokens.
    assert_eq!(accounts::load_user(&*db, id).await.unwrap(), None);
    assert_eq!(accounts::user_for_token(&*db, &token).await.unwrap(), None);
    accounts::set_active(&db, &actor, "lina", true)
        .await
        .unwrap();
    assert!(accounts::load_user(&*db, id).await.unwrap().is_some());
    assert!(
        accounts::user_for_token(&*db, &token)
            .await
            .unwrap()
            .is_some()
    );
    assert!(matches!(
        accounts::set_active(&db, &actor, "nobody", false).await,
        Err(Error::NotFound { .. })
    ));
    assert_eq!(
        (audited(&db, "disable").await, audited(&db, "enable").await),
        (1, 1)
    );
}
