//! The notification outbox against real receivers: a local SMTP server (Python's aiosmtpd,
//! installed by `scripts/setup.sh test`, writing a Maildir) and a local HTTP receiver. Two
//! outbox workers on two connection pools to one database (two server instances) deliver
//! every notification exactly once to each; a receiver's failure is retried.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use domain::Region;
use domain::auth::Role;
use domain::db::testing::*;
use domain::db::{problems, sweep};
use sea_orm::ConnectionTrait;
use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use zhuqi::outbox::{Channels, deliver_once};

/// The Python with aiosmtpd: ZHUQI_TEST_PYTHON, else the test venv setup.sh makes.
fn python() -> String {
    std::env::var("ZHUQI_TEST_PYTHON").unwrap_or_else(|_| {
        let venv = concat!(env!("CARGO_MANIFEST_DIR"), "/../.venv-test/bin/python");
        venv.to_owned()
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Sink {
    child: Child,
    dir: std::path::PathBuf,
    port: u16,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Sink {
    async fn start() -> Sink {
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("zhuqi_smtp_{}_{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start aiosmtpd with {} ({e}): run scripts/setup.sh test",
                    python()
                )
            });
        // Held by the sink from here on, so it is killed and reaped however the test ends.
        let sink = Sink { child, dir, port };
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return sink;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("aiosmtpd did not start listening on {port}");
    }

    /// The Message-IDs of the mails it holds.
    fn message_ids(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.dir.join("new")) else {
            return Vec::new();
        };
        entries
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .map(|mail| {
                mail.lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("message-id")
                            .then(|| value.trim().to_owned())
                    })
                    .expect("every mail has a Message-ID")
            })
            .collect()
    }
}

#[derive(Default)]
struct Received {
    /// Idempotency keys of the calls answered 200.
    ok: Vec<String>,
    bodies: Vec<serde_json::Value>,
    /// Calls still to refuse with 503 before accepting.
    refuse: usize,
    refused: usize,
}

async fn receiver(state: Arc<Mutex<Received>>) -> String {
    let app = Router::new().route(
        "/hook",
        post({
            let state = state.clone();
            move |headers: HeaderMap, body: String| {
                let state = state.clone();
                async move {
                    let mut r = state.lock().unwrap();
                    if headers.get("authorization").and_then(|v| v.to_str().ok())
                        != Some("Bearer s3cret")
                    {
                        return StatusCode::UNAUTHORIZED;
                    }
                    if r.refuse > 0 {
                        r.refuse -= 1;
                        r.refused += 1;
                        return StatusCode::SERVICE_UNAVAILABLE;
                    }
                    let key = headers
                        .get("idempotency-key")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned();
                    r.ok.push(key);
                    r.bodies.push(serde_json::from_str(&body).unwrap());
                    StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/hook")
}

#[derive(sea_orm::FromQueryResult)]
struct Id {
    id: i32,
}

#[tokio::test]
async fn two_instances_deliver_every_notification_once_by_mail_and_webhook() {
    let db = test_db().await;
    let sink = Sink::start().await;
    let received = Arc::new(Mutex::new(Received {
        refuse: 2,
        ..Default::default()
    }));
    let hook = receiver(received.clone()).await;

    // A unit handler with an address hears of every problem routed to the unit; sweeps add
    // reminders for the handler and the coordinators (one coordinator has no address).
    let first = problem_found_on(
        &db,
        "海东投递一有限公司",
        Region::Haidong,
        "2022-09-28",
        "8",
    )
    .await;
    let unit = problems::routed_to(&*db, first).await.unwrap()[0];
    let handler = make_user(&db, "13900000701", Role::Unit, Some(unit)).await;
    for i in 0..6 {
        problem_found_on(
            &db,
            &format!("海东投递{i}号有限公司"),
            Region::Haidong,
            "2022-09-28",
            "8",
        )
        .await;
    }
    sweep::run(&db, date("2022-10-24")).await.unwrap();
    db.execute_raw(domain::db::sql(
        db.get_database_backend(),
        "UPDATE users SET email = $1 WHERE id = $2",
        vec!["handler@unit.example.gov.cn".into(), handler.id.into()],
    ))
    .await
    .unwrap();
    let all: HashSet<i32> =
        domain::db::query_all::<Id>(&*db, "SELECT id FROM notifications", vec![])
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
    let mailed: HashSet<i32> = domain::db::query_all::<Id>(
        &*db,
        "SELECT n.id FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email IS NOT NULL",
        vec![],
    )
    .await
    .unwrap()
    .into_iter()
    .map(|r| r.id)
    .collect();
    assert!(
        mailed.len() >= 7 && all.len() > mailed.len(),
        "{} {}",
        mailed.len(),
        all.len()
    );

    let channels = Channels::new(
        Some(&format!("smtp://127.0.0.1:{}", sink.port)),
        "助企 <zhuqi@example.gov.cn>",
        Some(&hook),
        Some("s3cret"),
        "https://zhuqi.example.gov.cn",
    )
    .unwrap();
    let second = domain::db::connect(&db.url).await.unwrap();
    // Both instances at once, round after round, until both find nothing to do.
    let mut rounds = 0;
    loop {
        rounds += 1;
        let (a, b) = tokio::join!(
            deliver_once(&db, &channels, "instance-a"),
            deliver_once(&second, &channels, "instance-b")
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        if a == (0, 0) && b == (0, 0) {
            break;
        }
        // The refused calls wait out their backoff; make their time come now.
        db.execute_unprepared(
            "UPDATE deliveries SET next_attempt_at = created_at WHERE status = 'retry'",
        )
        .await
        .unwrap();
        assert!(rounds < 20, "the outbox does not drain");
    }

    let ids = sink.message_ids();
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(ids.len(), unique.len(), "no mail twice");
    let expected: HashSet<String> = mailed
        .iter()
        .map(|id| format!("<zhuqi-notification-{id}@zhuqi>"))
        .collect();
    assert_eq!(
        unique.into_iter().cloned().collect::<HashSet<_>>(),
        expected
    );

    let (refused, ok, bodies) = {
        let r = received.lock().unwrap();
        (r.refused, r.ok.clone(), r.bodies.clone())
    };
    assert_eq!(refused, 2, "the receiver's failures were retried");
    let keys: HashSet<&String> = ok.iter().collect();
    assert_eq!(ok.len(), keys.len(), "no webhook call twice");
    let expected: HashSet<String> = all
        .iter()
        .map(|id| format!("zhuqi-notification-{id}"))
        .collect();
    assert_eq!(keys.into_iter().cloned().collect::<HashSet<_>>(), expected);
    let body = &bodies[0];
    assert!(
        body["link"]
            .as_str()
            .unwrap()
            .starts_with("https://zhuqi.example.gov.cn/")
    );
    assert!(body["text"].as_str().unwrap().contains("海东投递"));
    assert!(body["recipient"]["phone"].as_str().is_some());

    #[derive(sea_orm::FromQueryResult)]
    struct N {
        n: i64,
    }
    let sent = domain::db::query_one::<N>(
        &*db,
        "SELECT COUNT(*) AS n FROM deliveries WHERE status = 'sent'",
        vec![],
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(usize::try_from(sent.n).unwrap(), all.len() + mailed.len());
    second.close().await.unwrap();
}

#[test]
fn a_malformed_configuration_is_refused_at_start() {
    assert!(Channels::new(Some("ftp://mail"), "a@b.c", None, None, "http://x").is_err());
    assert!(
        Channels::new(
            Some("smtp://127.0.0.1:25"),
            "not an address",
            None,
            None,
            "http://x"
        )
        .is_err()
    );
    assert!(Channels::new(None, "a@b.c", Some("file:///etc/passwd"), None, "http://x").is_err());
    assert!(
        Channels::new(None, "a@b.c", None, None, "http://x")
            .unwrap()
            .is_empty()
    );
}
