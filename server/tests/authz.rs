//! Accounts and permissions through the real router: the role × action matrix on the pages'
//! server functions and on the JSON API, login throttling, tokens, CSRF, shared sessions.
//! Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL.

#![allow(clippy::unwrap_used)]

use axum::body::Body;
use domain::db::accounts::{self, NewUser};
use domain::db::audit::Actor;
use domain::db::entity::audit_log;
use domain::db::testing::{
    TestDb, assign, date, give_second_factor, make_firm, test_codes, test_db,
};
use domain::{Region, Tier};
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use tower::ServiceExt;
use zhuqi::{AppState, router};

const PASSWORD: &str = "Correct horse battery";

fn app(db: &sea_orm::DatabaseConnection) -> axum::Router {
    let leptos_options = LeptosOptions::builder()
        .output_name("zhuqi")
        .site_root("target/site")
        .build();
    router(AppState::new(leptos_options, db.clone()))
}

struct Resp {
    status: StatusCode,
    headers: http::HeaderMap,
    body: String,
}

async fn send(app: &axum::Router, req: Request<Body>) -> Resp {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body =
        String::from_utf8_lossy(&resp.into_body().collect().await.unwrap().to_bytes()).into_owned();
    Resp {
        status,
        headers,
        body,
    }
}

fn get(uri: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::get(uri).header(header::ACCEPT, "application/json");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::empty()).unwrap()
}

/// A server-function call as the hydrated page makes it.
fn call(path: &str, form: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header("sec-fetch-site", "same-origin");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(form.to_owned())).unwrap()
}

fn session_cookie(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("zhuqi_session="))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
}

async fn login(app: &axum::Router, login: &str, password: &str) -> Resp {
    let form = format!(
        "login={login}&password={}&next=%2F",
        password.replace(' ', "+")
    );
    send(app, call("/api/login", &form, None)).await
}

/// Where a response sends the browser (a plain redirect, or a server function's).
fn redirected_to(r: &Resp) -> String {
    [header::LOCATION.as_str(), "serverfnredirect"]
        .iter()
        .find_map(|h| r.headers.get(*h))
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Logs in through the login server function; accounts with a second factor (the office and
/// the administrators, see [`user`]) then send the app's code. A code is accepted once, so a
/// second login within the same half minute takes the next step's code.
async fn login_cookie(app: &axum::Router, who: &str) -> String {
    login_landing(app, who).await.0
}

/// [`login_cookie`], and where the login sent the browser.
async fn login_landing(app: &axum::Router, who: &str) -> (String, String) {
    let mut r = login(app, who, PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "login {who}: {}", r.body);
    if redirected_to(&r).starts_with("/login/code") {
        let pending = session_cookie(&r.headers).unwrap();
        for code in test_codes() {
            r = send(
                app,
                call(
                    "/api/login_code",
                    &format!("code={code}&next=%2F"),
                    Some(&pending),
                ),
            )
            .await;
            if r.status == StatusCode::OK {
                break;
            }
        }
        assert_eq!(r.status, StatusCode::OK, "code for {who}: {}", r.body);
    }
    let cookie = session_cookie(&r.headers).unwrap();
    assert!(
        r.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|c| c.to_str().unwrap().contains("HttpOnly"))
    );
    (cookie, redirected_to(&r))
}

struct World {
    db: TestDb,
    own_firm: i32,
    other_firm: i32,
}

async fn user(db: &TestDb, role: &str, phone: &str, unit: &str) -> i32 {
    let input = NewUser {
        name: format!("{role}用户"),
        phone: phone.into(),
        username: role.into(),
        role: role.into(),
        member_unit: unit.into(),
        password: PASSWORD.into(),
        must_change_password: false,
    };
    let id = accounts::create_user(&db.db, &Actor::system("test"), input)
        .await
        .unwrap()
        .id;
    // The office and the administrators must log in with a second factor: they have one.
    let policy = domain::security::SecurityPolicy::default();
    if policy.requires_second_factor(domain::auth::Role::from_code(role).unwrap()) {
        give_second_factor(&db.db, id).await;
    }
    id
}

async fn world() -> World {
    let db = test_db().await;
    user(&db, "office", "13900000001", "").await;
    user(&db, "leader", "13900000002", "").await;
    user(&db, "unit", "13900000003", "省财政厅").await;
    let coordinator = user(&db, "coordinator", "13900000004", "省工业和信息化厅").await;
    let other_coordinator = {
        let input = NewUser {
            name: "另一位协调员".into(),
            phone: "13900000005".into(),
            username: "coordinator2".into(),
            role: "coordinator".into(),
            member_unit: "省科技厅".into(),
            password: PASSWORD.into(),
            must_change_password: false,
        };
        accounts::create_user(&db.db, &Actor::system("test"), input)
            .await
            .unwrap()
            .id
    };
    // The three administrators (三权分立), after the business roles so their ids stay 1–5.
    user(&db, "sysadmin", "13900000006", "").await;
    user(&db, "secadmin", "13900000007", "").await;
    user(&db, "auditor", "13900000008", "").await;
    let own = make_firm(&db, "西宁自有企业有限公司", Region::Xining, Tier::Reserve).await;
    let other = make_firm(&db, "海东他人企业有限公司", Region::Haidong, Tier::Reserve).await;
    assign(&db, own.id, coordinator).await.unwrap();
    assign(&db, other.id, other_coordinator).await.unwrap();
    World {
        db,
        own_firm: own.id,
        other_firm: other.id,
    }
}

const ROLES: [&str; 4] = ["office", "leader", "unit", "coordinator"];
const ADMINS: [&str; 3] = ["sysadmin", "secadmin", "auditor"];

/// What the administrators get for a case of the matrix: their own pages, and 403 for
/// everything else, business data above all.
fn admin_expected(case: &str) -> [u16; 3] {
    match case {
        "fn users" => [200, 200, 403],
        "fn reset password" | "fn tokens" => [200, 403, 403],
        "fn disable user" | "fn revoke token" => [404, 403, 403],
        "fn audit" => [403, 403, 200],
        // Their own notifications (none are addressed to them), not business data.
        "fn notifications" | "fn mark read" | "fn unread count" => [200, 200, 200],
        _ => [403, 403, 403],
    }
}

fn visit_form(firm: i32, key: &str) -> String {
    format!(
        "firm_id={firm}&visit_date=2022-06-01&kind=on_site&participants=&summary=%E8%B5%B0%E8%AE%BF&idempotency_key={key}"
    )
}

#[tokio::test]
async fn role_by_action_matrix() {
    let w = world().await;
    let app = app(&w.db);
    let (own, other) = (w.own_firm, w.other_firm);
    // (request maker, expected status per role in ROLES order, expected status for nobody)
    type Make = Box<dyn Fn(Option<&str>, &str) -> Request<Body>>;
    let cases: Vec<(&str, Make, [u16; 4], u16)> = vec![
        (
            "api progress",
            Box::new(|c, _| get("/api/v1/progress", c)),
            [200, 200, 200, 200],
            401,
        ),
        (
            "api firm list",
            Box::new(|c, _| get("/api/v1/firms", c)),
            [200, 200, 200, 200],
            401,
        ),
        (
            "api own firm",
            Box::new(move |c, _| get(&format!("/api/v1/firms/{own}"), c)),
            [200, 200, 200, 200],
            401,
        ),
        (
            "api other's firm",
            Box::new(move |c, _| get(&format!("/api/v1/firms/{other}"), c)),
            [200, 200, 200, 403],
            401,
        ),
        (
            "fn progress",
            Box::new(|c, _| call("/api/progress", "", c)),
            [200, 200, 200, 200],
            401,
        ),
        (
            "fn firm file (own)",
            Box::new(move |c, _| call("/api/firm_file", &format!("id={own}"), c)),
            [200, 200, 200, 200],
            401,
        ),
        (
            "fn firm file (other's)",
            Box::new(move |c, _| call("/api/firm_file", &format!("id={other}"), c)),
            [200, 200, 200, 403],
            401,
        ),
        (
            "fn visit form (own)",
            Box::new(move |c, _| call("/api/visit_form", &format!("id={own}"), c)),
            [200, 403, 403, 200],
            401,
        ),
        (
            "fn visit form (other's)",
            Box::new(move |c, _| call("/api/visit_form", &format!("id={other}"), c)),
            [200, 403, 403, 403],
            401,
        ),
        (
            "fn log visit (own)",
            Box::new(move |c, k| call("/api/log_visit", &visit_form(own, k), c)),
            [200, 403, 403, 200],
            401,
        ),
        (
            "fn log visit (other's)",
            Box::new(move |c, k| call("/api/log_visit", &visit_form(other, k), c)),
            [200, 403, 403, 403],
            401,
        ),
        (
            "fn calendar",
            Box::new(|c, _| call("/api/calendar", "year=2022", c)),
            [200, 200, 200, 200],
            401,
        ),
        (
            "fn set calendar day",
            Box::new(|c, _| {
                call(
                    "/api/set_calendar_day",
                    "day=2027-01-04&region=&kind=off&name=%E6%B5%8B%E8%AF%95",
                    c,
                )
            }),
            [200, 403, 403, 403],
            401,
        ),
        (
            "fn problem list",
            Box::new(|c, _| call("/api/problem_list", "params[figure]=overdue", c)),
            [200, 200, 200, 403],
            401,
        ),
        (
            // Checked before the problem is looked up: the office learns it does not exist.
            "fn order supervision",
            Box::new(|c, _| {
                call(
                    "/api/order_supervision",
                    "problem_id=999999&instruction=%E7%9D%A3%E5%8A%9E",
                    c,
                )
            }),
            [404, 403, 403, 403],
            401,
        ),
        (
            "fn reply supervision",
            Box::new(|c, _| {
                call(
                    "/api/reply_supervision",
                    "supervision_id=999999&reply=%E5%B7%B2%E5%8A%9E",
                    c,
                )
            }),
            [404, 403, 404, 403],
            401,
        ),
        (
            // Checked before the account is looked up: the office learns it does not exist.
            "fn disable user",
            Box::new(|c, _| call("/api/set_user_active", "user_id=999999&active=0", c)),
            [403, 403, 403, 403],
            401,
        ),
        (
            "fn tokens",
            Box::new(|c, _| call("/api/tokens", "", c)),
            [403, 403, 403, 403],
            401,
        ),
        (
            "fn revoke token",
            Box::new(|c, _| call("/api/revoke_token", "token_id=999999", c)),
            [403, 403, 403, 403],
            401,
        ),
        (
            "fn working rules",
            Box::new(|c, _| call("/api/rules", "", c)),
            [200, 200, 200, 200],
            401,
        ),
        (
            "fn save rules",
            Box::new(|c, _| {
                call(
                    "/api/save_rules",
                    "claim_hours=8&conclude_days=15&callback_days=5&remind_before_days=3&escalate_after_days=3",
                    c,
                )
            }),
            [200, 403, 403, 403],
            401,
        ),
        (
            "fn notifications",
            Box::new(|c, _| call("/api/notifications", "page=", c)),
            [200, 200, 200, 200],
            401,
        ),
        (
            "fn mark read",
            Box::new(|c, _| call("/api/mark_read", "id=all", c)),
            [200, 200, 200, 200],
            401,
        ),
        (
            // The header asks on every page, the login page too: no one signed in has none.
            "fn unread count",
            Box::new(|c, _| call("/api/unread", "", c)),
            [200, 200, 200, 200],
            200,
        ),
        (
            "fn bulletin",
            Box::new(|c, _| call("/api/bulletin", "week=2022-W40", c)),
            [200, 200, 200, 403],
            401,
        ),
        (
            "fn users",
            Box::new(|c, _| call("/api/users", "", c)),
            [403, 403, 403, 403],
            401,
        ),
        (
            "fn audit",
            Box::new(|c, _| call("/api/audit", "", c)),
            [403, 403, 403, 403],
            401,
        ),
        (
            "fn reset password",
            Box::new(|c, _| {
                call(
                    "/api/reset_password",
                    "user_id=5&new_password=Another+good+one",
                    c,
                )
            }),
            [403, 403, 403, 403],
            401,
        ),
    ];
    let mut cookies = Vec::new();
    for role in ROLES {
        cookies.push(login_cookie(&app, role).await);
    }
    let mut admin_cookies = Vec::new();
    for admin in ADMINS {
        admin_cookies.push(login_cookie(&app, admin).await);
    }
    for (name, make, expected, nobody) in &cases {
        for (i, role) in ROLES.iter().enumerate() {
            let r = send(
                &app,
                make(Some(&cookies[i]), &format!("{role}-{i}-{}", name.len())),
            )
            .await;
            assert_eq!(
                r.status.as_u16(),
                expected[i],
                "{name} as {role}: {}",
                r.body
            );
        }
        let r = send(&app, make(None, "nobody")).await;
        assert_eq!(r.status.as_u16(), *nobody, "{name} as nobody: {}", r.body);
        for (i, admin) in ADMINS.iter().enumerate() {
            let r = send(
                &app,
                make(Some(&admin_cookies[i]), &format!("{admin}-{}", name.len())),
            )
            .await;
            assert_eq!(
                r.status.as_u16(),
                admin_expected(name)[i],
                "{name} as {admin}: {}",
                r.body
            );
        }
    }

    // A coordinator's list holds only their own firms.
    let r = send(&app, get("/api/v1/firms", Some(&cookies[3]))).await;
    let page: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["rows"][0]["id"], own);
}

#[tokio::test]
async fn pages_need_a_login_and_logout_ends_the_session() {
    let w = world().await;
    let app = app(&w.db);
    for path in ["/", "/firms", &format!("/firms/{}", w.own_firm)] {
        let r = send(&app, Request::get(path).body(Body::empty()).unwrap()).await;
        assert!(r.status.is_redirection(), "{path}: {}", r.status);
        assert!(
            r.headers[header::LOCATION]
                .to_str()
                .unwrap()
                .starts_with("/login?next="),
            "{path}"
        );
    }
    let r = send(&app, Request::get("/login").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK);

    // Each role lands on the page of its daily work.
    for (who, home) in [
        ("coordinator", "/my"),
        ("unit", "/queue"),
        ("leader", "/dashboard"),
        ("office", "/"),
        ("sysadmin", "/users"),
        ("secadmin", "/security"),
        ("auditor", "/audit"),
    ] {
        let (cookie, landing) = login_landing(&app, who).await;
        assert_eq!(landing, home, "{who}");
        let r = send(&app, get(home, Some(&cookie))).await;
        assert_eq!(r.status, StatusCode::OK, "{who} opens {home}");
    }

    let cookie = login_cookie(&app, "coordinator").await;
    let r = send(
        &app,
        Request::get("/firms")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("西宁自有企业有限公司") && !r.body.contains("海东他人企业有限公司"),
        "only own firms"
    );
    // Another coordinator's visit form is refused on the page too.
    let r = send(
        &app,
        Request::get(format!("/firms/{}/visit", w.other_firm))
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = send(&app, call("/api/logout", "", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = send(&app, get("/api/v1/progress", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "the old cookie is dead");
}

#[tokio::test]
async fn failed_logins_lock_the_account_alike_for_unknown_names_and_are_audited() {
    let w = world().await;
    let app = app(&w.db);
    let unknown = login(&app, "nobody-here", PASSWORD).await;
    let wrong = login(&app, "leader", "wrong password!").await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.status, unknown.status);
    // The same answer but for the echo of what was typed: no hint whether the account exists.
    assert_eq!(
        wrong.body.replace("\"leader\"", "_"),
        unknown.body.replace("\"nobody-here\"", "_")
    );
    assert!(wrong.body.contains("\"LoginFailed\""), "{}", wrong.body);

    // The policy's fifth failure locks, by phone or by username alike; the unknown name too.
    for _ in 0..2 {
        login(&app, "leader", "wrong password!").await;
    }
    login(&app, "13900000002", "wrong password!").await;
    let fifth = login(&app, "leader", "wrong password!").await;
    assert_eq!(fifth.status.as_u16(), 423, "{}", fifth.body);
    for _ in 0..4 {
        login(&app, "nobody-here", "wrong password!").await;
    }
    let r = login(&app, "leader", PASSWORD).await;
    assert_eq!(
        r.status.as_u16(),
        423,
        "the right password waits: {}",
        r.body
    );
    let ghost = login(&app, "nobody-here", PASSWORD).await;
    assert_eq!(ghost.status.as_u16(), 423, "{}", ghost.body);
    assert_eq!(
        r.body.replace("\"leader\"", "_"),
        ghost.body.replace("\"nobody-here\"", "_"),
        "a locked account reads like a locked unknown name"
    );

    let count = |action: &'static str| {
        audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq(action))
            .count(&*w.db)
    };
    assert_eq!(
        count("login_failed").await.unwrap(),
        4 + 4,
        "the failures before each lock"
    );
    assert_eq!(
        count("lock").await.unwrap(),
        2,
        "the leader and the unknown name"
    );
    assert_eq!(
        count("login_locked").await.unwrap(),
        2,
        "attempts while locked"
    );

    // A security administrator lifts the lock; the right password works again.
    let office = login_cookie(&app, "secadmin").await;
    let r = send(&app, call("/api/unlock_user", "user_id=2", Some(&office))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(count("unlock").await.unwrap(), 1);
    let leader = login_cookie(&app, "leader").await;
    let r = send(&app, call("/api/unlock_user", "user_id=2", Some(&leader))).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "only a security administrator unlocks"
    );
}

#[tokio::test]
async fn api_tokens_authenticate_and_are_stored_hashed() {
    let w = world().await;
    let app = app(&w.db);
    let (token, _) = accounts::create_token(
        &w.db.db,
        &Actor::system("test"),
        "coordinator",
        "phone app",
        domain::auth::TOKEN_DAYS,
    )
    .await
    .unwrap();
    let bearer = |t: &str| {
        Request::get("/api/v1/firms")
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .body(Body::empty())
            .unwrap()
    };
    let r = send(&app, bearer(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["total"],
        1
    );
    let r = send(&app, bearer("zq_not-a-token")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/problem+json");
    let stored = domain::db::entity::api_token::Entity::find()
        .one(&*w.db)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(stored.token_hash, token);
    assert_eq!(stored.token_hash.len(), 64);
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let w = world().await;
    let app = app(&w.db);
    let cookie = login_cookie(&app, "office").await;
    let form = visit_form(w.own_firm, "csrf-1");
    let cross = Request::post("/api/log_visit")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &cookie)
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(form.clone()))
        .unwrap();
    assert_eq!(send(&app, cross).await.status, StatusCode::FORBIDDEN);
    let foreign_origin = Request::post("/api/log_visit")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &cookie)
        .header(header::HOST, "zhuqi.example")
        .header(header::ORIGIN, "https://evil.example")
        .body(Body::from(form.clone()))
        .unwrap();
    assert_eq!(
        send(&app, foreign_origin).await.status,
        StatusCode::FORBIDDEN
    );
    let same = Request::post("/api/log_visit")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, &cookie)
        .header(header::HOST, "zhuqi.example")
        .header(header::ORIGIN, "https://zhuqi.example")
        .body(Body::from(form))
        .unwrap();
    assert_eq!(send(&app, same).await.status, StatusCode::OK);
}

#[tokio::test]
async fn security_headers_on_pages() {
    let w = world().await;
    let app = app(&w.db);
    let r = send(&app, Request::get("/login").body(Body::empty()).unwrap()).await;
    let csp = r.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"),
        "{csp}"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .unwrap();
    assert!(
        r.body.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the nonce"
    );
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(
        r.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
        "no HSTS over plain HTTP"
    );
}

#[tokio::test]
async fn a_session_made_on_one_instance_works_on_another() {
    let w = world().await;
    // Two routers with their own connection pools on one database, as two instances behind a
    // balancer. (SQLite in memory cannot be opened twice, so there they share the pool.)
    let second_pool = match std::env::var("TEST_DATABASE_URL") {
        Ok(_) => domain::db::connect(&w.db.url).await.unwrap(),
        Err(_) => w.db.db.clone(),
    };
    let a = app(&w.db);
    let b = app(&second_pool);
    let cookie = login_cookie(&a, "leader").await;
    let r = send(&b, get("/api/v1/progress", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn password_changes_are_audited_without_the_hashes() {
    let w = world().await;
    let app = app(&w.db);
    let cookie = login_cookie(&app, "unit").await;
    let r = send(
        &app,
        call(
            "/api/change_password",
            "current_password=wrong&new_password=A+brand+new+one",
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = send(
        &app,
        call(
            "/api/change_password",
            "current_password=Correct+horse+battery&new_password=short",
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = send(
        &app,
        call(
            "/api/change_password",
            "current_password=Correct+horse+battery&new_password=A+brand+new+one",
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        login(&app, "unit", PASSWORD).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        login(&app, "unit", "A brand new one").await.status,
        StatusCode::OK
    );
    let entry = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("change_password"))
        .one(&*w.db)
        .await
        .unwrap()
        .unwrap();
    assert!(entry.before_json.is_some() && entry.after_json.is_some());
    assert!(!entry.after_json.unwrap().contains("argon2"));
}

fn json_req(
    method: http::Method,
    uri: &str,
    body: serde_json::Value,
    cookie: &str,
) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, cookie)
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn the_visit_and_problem_api_follows_the_same_rules() {
    let w = world().await;
    let app = app(&w.db);
    let coordinator = login_cookie(&app, "coordinator").await;
    let unit = login_cookie(&app, "unit").await;
    let visit = serde_json::json!({
        "visit_date": "2022-06-01", "kind": "on_site", "participants": "", "summary": "API 走访",
        "idempotency_key": "api-visit-1",
        "problems": [{"measure": "1", "description": "专项资金申报"}]
    });
    let first = send(
        &app,
        json_req(
            http::Method::POST,
            &format!("/api/v1/firms/{}/visits", w.own_firm),
            visit.clone(),
            &coordinator,
        ),
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let first: serde_json::Value = serde_json::from_str(&first.body).unwrap();
    assert_eq!(first["problem_ids"].as_array().map(Vec::len), Some(1));
    let again = send(
        &app,
        json_req(
            http::Method::POST,
            &format!("/api/v1/firms/{}/visits", w.own_firm),
            visit.clone(),
            &coordinator,
        ),
    )
    .await;
    assert_eq!(
        again.status,
        StatusCode::OK,
        "a repeated key answers with the first visit"
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&again.body).unwrap()["visit_id"],
        first["visit_id"]
    );
    let other = send(
        &app,
        json_req(
            http::Method::POST,
            &format!("/api/v1/firms/{}/visits", w.other_firm),
            visit,
            &coordinator,
        ),
    )
    .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let bad = send(
        &app,
        json_req(
            http::Method::POST,
            &format!("/api/v1/firms/{}/visits", w.own_firm),
            serde_json::json!({"kind": 3}),
            &coordinator,
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bad.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );

    let visits = send(
        &app,
        get(
            &format!("/api/v1/visits?firm={}", w.own_firm),
            Some(&coordinator),
        ),
    )
    .await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&visits.body)
            .unwrap()
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    // 省财政厅 is named by measure 1: the unit sees the problem and claims it once.
    let queue = send(&app, get("/api/v1/problems", Some(&unit))).await;
    let queue: serde_json::Value = serde_json::from_str(&queue.body).unwrap();
    let id = first["problem_ids"][0].as_i64().unwrap();
    assert_eq!(queue[0]["id"], id);
    let claim = serde_json::json!({"version": 1, "move": "claim"});
    let ok = send(
        &app,
        json_req(
            http::Method::POST,
            &format!("/api/v1/problems/{id}/transition"),
            claim.clone(),
            &unit,
        ),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&ok.body).unwrap()["version"],
        2
    );
    let stale = send(
        &app,
        json_req(
            http::Method::POST,
            &format!("/api/v1/problems/{id}/transition"),
            claim,
            &unit,
        ),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("该问题已被他人处理"), "{}", stale.body);
    let leader = login_cookie(&app, "leader").await;
    let denied = send(
        &app,
        json_req(
            http::Method::POST,
            &format!("/api/v1/problems/{id}/transition"),
            serde_json::json!({"version": 2, "move": "respond", "note": "x"}),
            &leader,
        ),
    )
    .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
}

fn multipart(visit: i32, name: &str, bytes: &[u8], cookie: &str) -> Request<Body> {
    let boundary = "zhuqi-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(format!("/visits/{visit}/attachments"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::COOKIE, cookie)
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn photos_and_visit_sheets_are_checked_stored_and_served_to_those_who_may_read() {
    let w = world().await;
    let leptos_options = LeptosOptions::builder()
        .output_name("zhuqi")
        .site_root("target/site")
        .build();
    let mut state = AppState::new(leptos_options, w.db.db.clone());
    state.data_dir = std::env::temp_dir().join(format!(
        "zhuqi-uploads-{}-{}",
        std::process::id(),
        w.own_firm
    ));
    let app = router(state.clone());
    let coordinator = login_cookie(&app, "coordinator").await;
    let logged = send(&app, json_req(http::Method::POST, &format!("/api/v1/firms/{}/visits", w.own_firm), serde_json::json!({
        "visit_date": "2022-06-01", "kind": "on_site", "participants": "", "summary": "带照片的走访", "idempotency_key": "photo-visit"
    }), &coordinator)).await;
    let visit = serde_json::from_str::<serde_json::Value>(&logged.body).unwrap()["visit_id"]
        .as_i64()
        .unwrap() as i32;

    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR fake but typed";
    let ok = send(&app, multipart(visit, "../走访照片.png", png, &coordinator)).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let location = ok.headers[header::LOCATION].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("/firms/{}?updated=attachment.", w.own_firm)),
        "{location}"
    );
    let id: i32 = location.rsplit('.').next().unwrap().parse().unwrap();

    // A script renamed to .png is refused by its content; an empty upload too.
    let fake = send(
        &app,
        multipart(
            visit,
            "photo.png",
            b"<script>alert(1)</script>",
            &coordinator,
        ),
    )
    .await;
    assert!(
        fake.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .ends_with("upload_error=type")
    );
    let empty = send(&app, multipart(visit, "photo.png", b"", &coordinator)).await;
    assert!(
        empty.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .ends_with("upload_error=empty")
    );
    // Over the size limit.
    let mut big = b"%PDF-".to_vec();
    big.resize(domain::db::attachments::MAX_BYTES + 1, b'0');
    let too_big = send(&app, multipart(visit, "big.pdf", &big, &coordinator)).await;
    assert!(
        too_big.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .ends_with("upload_error=size"),
        "{:?}",
        too_big.headers
    );

    // Another coordinator can neither attach nor read; a leader reads.
    let other = login_cookie(&app, "coordinator2").await;
    assert_eq!(
        send(&app, multipart(visit, "x.png", png, &other))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&app, get(&format!("/attachments/{id}"), Some(&other)))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let leader = login_cookie(&app, "leader").await;
    let file = send(&app, get(&format!("/attachments/{id}"), Some(&leader))).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.headers[header::CONTENT_TYPE], "image/png");
    assert!(
        file.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("%E8%B5%B0"),
        "the cleaned name, encoded"
    );
    assert_eq!(file.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(
        file.body.contains("PNG") && file.body.ends_with("fake but typed"),
        "the stored bytes come back"
    );
    let stored = domain::db::entity::attachment::Entity::find_by_id(id)
        .one(&*w.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.file_name, "走访照片.png");
    let _ = std::fs::remove_dir_all(&state.data_dir);
}

#[tokio::test]
async fn the_office_bulk_assigns_firms_from_the_list() {
    let w = world().await;
    let app = app(&w.db);
    let mut ids = Vec::new();
    for i in 0..10 {
        ids.push(
            make_firm(
                &w.db,
                &format!("待分配{i}号有限公司"),
                Region::Yushu,
                Tier::Reserve,
            )
            .await
            .id,
        );
    }
    let coordinator_id = domain::db::assignments::coordinators(&*w.db).await.unwrap()[0].id;
    let body = ids
        .iter()
        .map(|id| format!("firm={id}"))
        .collect::<Vec<_>>()
        .join("&")
        + &format!("&coordinator_id={coordinator_id}&reason=&back=%2Ffirms%3Fregion%3D7");
    let post = |cookie: &str| {
        Request::post("/firms/assign")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie)
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body.clone()))
            .unwrap()
    };
    let coordinator = login_cookie(&app, "coordinator").await;
    assert_eq!(
        send(&app, post(&coordinator)).await.status,
        StatusCode::FORBIDDEN
    );
    let office = login_cookie(&app, "office").await;
    let r = send(&app, post(&office)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers[header::LOCATION],
        "/firms?region=7&assigned=10.0.0"
    );
    for id in ids {
        assert_eq!(
            domain::db::firms::coordinator_of(&*w.db, id)
                .await
                .unwrap()
                .unwrap()
                .id,
            coordinator_id
        );
    }
}

#[tokio::test]
async fn only_the_office_imports_calendar_days() {
    let w = world().await;
    let app = app(&w.db);
    let boundary = "zhuqi-calendar";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"2027.csv\"\r\nContent-Type: text/csv\r\n\r\n日期,类型,名称\n2027-01-01,休,元旦\n2027-02-06,班,春节\n\r\n--{boundary}--\r\n"
    );
    let post = |cookie: &str| {
        Request::post("/calendar/import")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header(header::COOKIE, cookie)
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body.clone()))
            .unwrap()
    };
    for who in ["coordinator", "leader", "unit"] {
        let cookie = login_cookie(&app, who).await;
        assert_eq!(
            send(&app, post(&cookie)).await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    let office = login_cookie(&app, "office").await;
    let r = send(&app, post(&office)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers[header::LOCATION],
        "/calendar?year=2027&imported=2&saved=0"
    );
    let cal = domain::db::calendar::load(&*w.db).await.unwrap();
    assert!(cal.is_working_day(date("2027-02-06"), None));
    assert!(!cal.is_working_day(date("2027-01-01"), None));
}

/// Behind a trusted proxy the address the proxy saw is the client's (for the throttle and the
/// audit trail); from any other peer its forwarding headers are ignored. Over HTTPS the session
/// cookie takes the __Host- prefix.
#[tokio::test]
async fn the_client_address_comes_from_trusted_proxies_only() {
    let w = world().await;
    let leptos_options = LeptosOptions::builder()
        .output_name("zhuqi")
        .site_root("target/site")
        .build();
    let mut state = AppState::new(leptos_options, w.db.db.clone());
    state.trusted_proxies = zhuqi::client_ip::TrustedProxies::parse("10.0.0.0/8").unwrap();
    state.secure_cookies = true;
    let app = router(state);
    for (peer, forwarded, seen) in [
        (
            "10.0.0.1:40000",
            "198.51.100.77, 203.0.113.9",
            "203.0.113.9",
        ),
        ("192.0.2.50:40000", "203.0.113.9", "192.0.2.50"),
    ] {
        let mut req = call(
            "/api/login",
            &format!(
                "login=coordinator&password={}&next=%2F",
                PASSWORD.replace(' ', "+")
            ),
            None,
        );
        req.headers_mut()
            .insert("x-forwarded-for", forwarded.parse().unwrap());
        req.extensions_mut().insert(axum::extract::ConnectInfo(
            peer.parse::<std::net::SocketAddr>().unwrap(),
        ));
        let r = send(&app, req).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let cookie = r
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("__Host-zhuqi_session="))
            .unwrap_or_else(|| panic!("no __Host- cookie"))
            .to_owned();
        assert!(
            cookie.contains("Secure") && cookie.contains("Path=/"),
            "{cookie}"
        );
        let entry = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("login"))
            .order_by_desc(audit_log::Column::Id)
            .one(&*w.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(entry.client_addr.as_deref(), Some(seen), "peer {peer}");
    }
}

#[tokio::test]
async fn refusals_and_exports_are_audited_and_the_auditor_pages_and_exports_the_trail() {
    let w = world().await;
    let app = app(&w.db);
    let leader = login_cookie(&app, "leader").await;
    let r = send(&app, call("/api/audit", "", Some(&leader))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let denied = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("denied"))
        .all(&*w.db)
        .await
        .unwrap();
    assert_eq!(denied.len(), 1, "{denied:?}");
    assert_eq!(denied[0].actor_id, Some(2));
    assert!(
        denied[0]
            .after_json
            .as_deref()
            .unwrap()
            .contains("/api/audit")
    );

    // The office exports firms: audited with the filter and the row count.
    let office = login_cookie(&app, "office").await;
    let r = send(
        &app,
        get("/firms/export?format=csv&region=1", Some(&office)),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let export = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("export"))
        .filter(audit_log::Column::Entity.eq("firm"))
        .one(&*w.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(export.actor_id, Some(1));
    assert!(export.after_json.unwrap().contains("\"rows\""));

    // Only the auditor reads and exports the trail; pages go back by `before`.
    let r = send(&app, get("/audit/export?format=csv", Some(&office))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let auditor = login_cookie(&app, "auditor").await;
    let r = send(
        &app,
        get("/audit/export?format=csv&action=denied", Some(&auditor)),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("编号") && r.body.contains("/api/audit"),
        "{}",
        r.body
    );
    assert!(
        !r.body.contains("login_failed"),
        "only the action asked for"
    );
    let r = send(&app, get("/audit/export?format=xml", Some(&auditor))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let exported = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("export"))
        .filter(audit_log::Column::Entity.eq("audit_log"))
        .count(&*w.db)
        .await
        .unwrap();
    assert_eq!(exported, 1);

    let first = send(&app, call("/api/audit", "", Some(&auditor))).await;
    let rows: Vec<serde_json::Value> = serde_json::from_str(&first.body).unwrap();
    assert!(rows.len() > 5);
    let third = rows[2]["id"].as_i64().unwrap();
    let older = send(
        &app,
        call("/api/audit", &format!("before={third}"), Some(&auditor)),
    )
    .await;
    let older: Vec<serde_json::Value> = serde_json::from_str(&older.body).unwrap();
    assert_eq!(older[0]["id"], rows[3]["id"]);
    let bad = send(&app, call("/api/audit", "before=-4", Some(&auditor))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}
