//! `zhuqi backup` → `zhuqi restore` round trip on the database the tests run on (SQLite, or
//! PostgreSQL with TEST_DATABASE_URL, through pg_dump and pg_restore): the restored database
//! holds every table with the same number of rows and an intact audit chain that ends where
//! the original's does.

#![allow(clippy::unwrap_used)]

use domain::db::testing::*;
use domain::db::{self, audit};
use sea_orm::ConnectionTrait;
use zhuqi::backup;

#[derive(sea_orm::FromQueryResult)]
struct Last {
    hash: Option<String>,
}

async fn last_hash(db: &db::Db) -> Option<String> {
    db::query_one::<Last>(
        db,
        "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1",
        vec![],
    )
    .await
    .unwrap()
    .and_then(|l| l.hash)
}

#[tokio::test]
async fn a_backup_restores_into_a_fresh_database_with_every_row_and_the_chain() {
    let source = test_db().await;
    db::demo::seed(&source).await.unwrap();
    // Some account events too, so the trail has entries of several kinds.
    let _ =
        db::accounts::authenticate(&source, "office", "wrong-Password-1", "10.9.9.9", None).await;
    let dir = std::env::temp_dir().join(format!("zhuqi_backup_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("zhuqi.backup");
    let _ = std::fs::remove_file(&file);

    backup::backup(&source, &source.url, &file).await.unwrap();
    assert!(file.metadata().unwrap().len() > 10_000);
    assert!(
        backup::backup(&source, &source.url, &file).await.is_err(),
        "an existing file is never overwritten"
    );

    // A fresh target: a new SQLite file, or a new PostgreSQL database.
    let (target_url, admin) = if source.url.starts_with("postgres") {
        let name = format!("zhuqi_restore_{}", std::process::id());
        let admin = db::connect(&source.url).await.unwrap();
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
            .await
            .unwrap();
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let base = source.url.rsplit_once('/').unwrap().0;
        (format!("{base}/{name}"), Some((admin, name)))
    } else {
        let path = dir.join("restored.db");
        let _ = std::fs::remove_file(&path);
        (format!("sqlite://{}?mode=rwc", path.display()), None)
    };
    backup::restore(&target_url, &file).await.unwrap();
    let restored = db::connect(&target_url).await.unwrap();
    db::migrate(&restored).await.unwrap();

    let before = backup::table_counts(&source).await.unwrap();
    let after = backup::table_counts(&restored).await.unwrap();
    assert!(before.len() > 20, "{before:?}");
    assert_eq!(before, after);
    assert!(before.iter().any(|(t, n)| t == "firms" && *n > 100));
    let chain = audit::verify(&restored).await.unwrap();
    assert_eq!(chain.first_broken, None);
    assert_eq!(chain, audit::verify(&*source).await.unwrap());
    assert_eq!(last_hash(&restored).await, last_hash(&source).await);
    assert!(last_hash(&restored).await.is_some());

    // A restore never lands on a database that holds data.
    assert!(backup::restore(&target_url, &file).await.is_err());

    restored.close().await.unwrap();
    if let Some((admin, name)) = admin {
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
}
