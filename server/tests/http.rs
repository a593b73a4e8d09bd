//! The real router driven over HTTP semantics (tower oneshot), on SQLite and, with
//! TEST_DATABASE_URL, on PostgreSQL: the JSON API, its errors, and the server-rendered pages.

#![allow(clippy::unwrap_used)]

use axum::body::Body;
use domain::db::testing::{TestDb, assign, date, make_coordinator, make_firm, test_db};
use domain::{Region, Tier};
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use serde_json::Value;
use tower::ServiceExt;
use zhuqi::{AppState, router};

/// The router, and the session cookie of a logged-in office user (pages and API need a login;
/// who may do what is tested in authz.rs).
async fn app(db: &TestDb) -> (axum::Router, String) {
    let input = domain::db::accounts::NewUser {
        name: "办公室".into(),
        phone: "13800000000".into(),
        username: "office".into(),
        role: "office".into(),
        member_unit: String::new(),
        password: "Correct horse battery".into(),
        must_change_password: false,
    };
    let office = domain::db::accounts::create_user(&db.db, &Default::default(), input)
        .await
        .unwrap();
    // The office logs in with a second factor.
    domain::db::testing::give_second_factor(&db.db, office.id).await;
    logged_in(db, "login=office&password=Correct+horse+battery&next=%2F").await
}

/// The router and the session cookie of whoever the login form names.
async fn logged_in(db: &TestDb, form: &str) -> (axum::Router, String) {
    let leptos_options = LeptosOptions::builder()
        .output_name("zhuqi")
        .site_root("target/site")
        .build();
    let app = router(AppState::new(leptos_options, db.db.clone()));
    let login = Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(form.to_owned()))
        .unwrap();
    let mut resp = app.clone().oneshot(login).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let second_step = [header::LOCATION.as_str(), "serverfnredirect"]
        .iter()
        .filter_map(|h| resp.headers().get(*h))
        .any(|l| l.as_bytes().starts_with(b"/login/code"));
    if second_step {
        let pending = session_of(resp.headers());
        for code in domain::db::testing::test_codes() {
            let step = Request::post("/api/login_code")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin")
                .header(header::COOKIE, &pending)
                .body(Body::from(format!("code={code}&next=%2F")))
                .unwrap();
            resp = app.clone().oneshot(step).await.unwrap();
            if resp.status() == StatusCode::OK {
                break;
            }
        }
        assert_eq!(
            resp.status(),
            StatusCode::OK,
            "the second step of the login"
        );
    }
    (app, session_of(resp.headers()))
}

/// The session cookie a response sets, as a request sends it back.
fn session_of(headers: &http::HeaderMap) -> String {
    headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

async fn send(app: &axum::Router, req: Request<Body>) -> (StatusCode, http::HeaderMap, String) {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

async fn get(app: &(axum::Router, String), uri: &str) -> (StatusCode, http::HeaderMap, String) {
    let req = Request::get(uri)
        .header(header::ACCEPT, "text/html,application/json")
        .header(header::COOKIE, &app.1);
    send(&app.0, req.body(Body::empty()).unwrap()).await
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

#[tokio::test]
async fn health_and_openapi() {
    let db = test_db().await;
    let app = app(&db).await;
    let (status, _, body) = get(&app, "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body)["database"], "ok");

    let (status, _, body) = get(&app, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let doc = json(&body);
    for path in ["/api/v1/firms", "/api/v1/firms/{id}", "/api/v1/progress"] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from OpenAPI"
        );
    }
    assert!(doc["components"]["schemas"]["FirmPage"].is_object());
}

#[tokio::test]
async fn progress_api_counts_as_of_a_day() {
    let db = test_db().await;
    let app = app(&db).await;
    let f = make_firm(
        &db,
        "西宁进度测试有限公司",
        Region::Xining,
        Tier::ProvincialSrdi,
    )
    .await;
    make_firm(&db, "西宁范围外有限公司", Region::Xining, Tier::Innovative).await;
    let c = make_coordinator(&*db, "王").await;
    assign(&db, f.id, c.id).await.unwrap();
    let campaign = domain::db::current_campaign(&*db).await.unwrap();
    let form = domain::visit::VisitForm {
        visit_date: "2022-05-10".into(),
        kind: "on_site".into(),
        participants: String::new(),
        summary: "实地走访".into(),
        idempotency_key: String::new(),
        problems: Vec::new(),
        ..Default::default()
    };
    let valid = form.validate(&campaign, date("2022-06-01")).unwrap();
    domain::db::visits::log(&db, f.id, valid, &Default::default())
        .await
        .unwrap();

    let (status, _, body) = get(&app, "/api/v1/progress?as_of=2022-06-30").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let p = json(&body);
    assert_eq!(p["campaign"], "百人助百企（2022年）");
    assert_eq!(p["deadline"], "2022-12-31");
    assert_eq!(p["as_of"], "2022-06-30");
    assert_eq!(
        (p["firms_in_scope"].as_u64(), p["visited_on_site"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        (
            p["with_solved_problem"].as_u64(),
            p["both_targets_met"].as_u64()
        ),
        (Some(0), Some(0))
    );
    let (_, _, body) = get(&app, "/api/v1/progress?as_of=2022-05-09").await;
    assert_eq!(json(&body)["visited_on_site"], 0);
    // Without a date an ended campaign reports its final day.
    let (_, _, body) = get(&app, "/api/v1/progress").await;
    assert_eq!(json(&body)["as_of"], "2022-12-31");
}

#[tokio::test]
async fn bad_input_is_a_4xx_problem_in_chinese_and_english() {
    let db = test_db().await;
    let app = app(&db).await;
    for (uri, status, field) in [
        ("/api/v1/progress?as_of=2022-13-45", 422, Some("as_of")),
        ("/api/v1/progress?as_of=yesterday", 422, Some("as_of")),
        ("/api/v1/firms?region=9", 422, Some("region")),
        ("/api/v1/firms?tier=abc", 422, Some("tier")),
        ("/api/v1/firms?page=0", 422, Some("page")),
        ("/api/v1/firms/abc", 422, Some("id")),
        ("/api/v1/firms/-3", 422, Some("id")),
        ("/api/v1/firms/424242", 404, None),
        ("/api/v1/nothing-here", 404, None),
    ] {
        let (got, headers, body) = get(&app, uri).await;
        assert_eq!(got.as_u16(), status, "{uri}: {body}");
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "application/problem+json",
            "{uri}"
        );
        let p = json(&body);
        assert_eq!(p["status"], status);
        assert!(
            p["detail"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{uri}: no Chinese"
        );
        assert!(p["detail_en"].as_str().unwrap().is_ascii(), "{uri}");
        if let Some(field) = field {
            assert_eq!(p["errors"][0]["field"], field, "{uri}: {body}");
        }
    }
    let (_, _, body) = get(&app, "/api/v1/firms/424242").await;
    assert_eq!(json(&body)["detail"], "企业不存在");
}

#[tokio::test]
async fn firm_api_lists_and_shows_firms() {
    let db = test_db().await;
    let app = app(&db).await;
    let f = make_firm(
        &db,
        "海西柴达木锂业有限公司",
        Region::Haixi,
        Tier::LittleGiant,
    )
    .await;
    make_firm(&db, "西宁某公司", Region::Xining, Tier::Reserve).await;
    let (status, _, body) = get(&app, "/api/v1/firms?region=8").await;
    assert_eq!(status, StatusCode::OK);
    let page = json(&body);
    assert_eq!(page["total"], 1);
    assert_eq!(page["rows"][0]["name"], "海西柴达木锂业有限公司");
    assert_eq!(page["rows"][0]["region"], "Haixi");

    let (status, _, body) = get(&app, &format!("/api/v1/firms/{}", f.id)).await;
    assert_eq!(status, StatusCode::OK);
    let file = json(&body);
    assert_eq!(file["firm"]["credit_code"], f.credit_code.as_str());
    assert!(file["coordinator"].is_null());
    assert_eq!(file["timeline"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn pages_are_rendered_on_the_server_with_the_database_numbers() {
    let db = test_db().await;
    let app = app(&db).await;
    let f = make_firm(
        &db,
        "互助<script>alert(1)</script>青稞食品有限公司",
        Region::Haidong,
        Tier::Reserve,
    )
    .await;

    let (status, _, html) = get(&app, "/?as_of=2022-06-30").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("百人助百企（2022年）"), "{html}");
    assert!(
        html.contains(r#"<strong id="firms-in-scope">1</strong>"#),
        "{html}"
    );
    assert!(html.contains("<html lang=\"zh-CN\""));

    let (status, _, html) = get(&app, "/firms?region=2").await;
    assert_eq!(status, StatusCode::OK);
    // Text users typed is escaped, never markup.
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>alert(1)</script>"));

    // A visit summary with a script in it is shown as text on the firm file.
    let c = domain::db::testing::make_coordinator(&*db, "韩").await;
    domain::db::testing::assign(&db, f.id, c.id).await.unwrap();
    let campaign = domain::db::current_campaign(&*db).await.unwrap();
    let form = domain::visit::VisitForm {
        visit_date: "2022-06-01".into(),
        kind: "on_site".into(),
        summary: "<script>alert('visit')</script>".into(),
        ..Default::default()
    };
    let valid = form.validate(&campaign, date("2022-06-30")).unwrap();
    domain::db::visits::log(&db, f.id, valid, &Default::default())
        .await
        .unwrap();

    let (status, _, html) = get(&app, &format!("/firms/{}", f.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&f.credit_code));
    assert!(
        html.contains("&lt;script&gt;alert(&#x27;visit&#x27;)&lt;/script&gt;")
            || html.contains("&lt;script&gt;alert('visit')&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>alert('visit')</script>"));

    let (status, _, html) = get(&app, "/firms/987654").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "an unknown firm is a 404 page"
    );
    assert!(html.contains("企业不存在"));
    let (status, _, _) = get(&app, "/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The language cookie switches the whole page to English.
    let req = Request::get("/")
        .header(header::COOKIE, format!("zhuqi_lang=en; {}", app.1))
        .body(Body::empty())
        .unwrap();
    let (_, _, html) = send(&app.0, req).await;
    assert!(
        html.contains("<html lang=\"en\"") && html.contains("Firms visited on site"),
        "{html}"
    );
}

#[tokio::test]
async fn language_switch_sets_a_cookie_and_refuses_open_redirects() {
    let db = test_db().await;
    let app = app(&db).await;
    let (status, headers, _) = get(&app, "/lang/en?back=/firms%3Fregion%3D2").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/firms?region=2");
    assert!(
        headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .starts_with("zhuqi_lang=en;")
    );
    let (_, headers, _) = get(&app, "/lang/zh-CN?back=//evil.example").await;
    assert_eq!(headers[header::LOCATION], "/");
}

fn upload(uri: &str, name: &str, bytes: &[u8], cookie: &str) -> Request<Body> {
    let boundary = "zhuqi-import-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(uri)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::COOKIE, cookie)
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .unwrap()
}

fn json_call(method: &str, uri: &str, body: &Value, cookie: &str) -> Request<Body> {
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
async fn the_firm_api_imports_exports_creates_and_assigns() {
    let db = test_db().await;
    let app = app(&db).await;
    let code = |n: u32| {
        domain::CreditCode::complete(&format!("91630100MA{n:07}"))
            .unwrap()
            .to_string()
    };
    let good = format!(
        "企业名称,统一社会信用代码,所属市州,企业层级\n甲公司,{},西宁市,省级专精特新中小企业\n乙公司,{},海东市,后备培育企业\n",
        code(1),
        code(2)
    );
    // A GBK file, as Chinese Excel saves CSV.
    let (gbk, _, _) = encoding_rs::GBK.encode(&good);
    let (status, _, body) = send(
        &app.0,
        upload(
            "/api/v1/firms/import?dry_run=true",
            "名单.csv",
            &gbk,
            &app.1,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let report = json(&body);
    assert_eq!(
        (report["created"].as_u64(), report["committed"].as_bool()),
        (Some(2), Some(false))
    );
    let (_, _, list) = get(&app, "/api/v1/firms").await;
    assert_eq!(json(&list)["total"], 0, "a dry run writes nothing");

    // One bad row: 422 with that row's problem, and nothing written.
    let bad = format!("{good}丙公司,{},拉萨市,省级专精特新中小企业\n", code(3));
    let (status, headers, body) = send(
        &app.0,
        upload("/api/v1/firms/import", "名单.csv", bad.as_bytes(), &app.1),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
    let problem = json(&body);
    assert_eq!(problem["issues"][0]["row"], 4);
    assert_eq!(problem["issues"][0]["column"], "所属市州");
    assert_eq!(problem["issues"][0]["message"], "未知的市州“拉萨市”");
    assert_eq!(problem["committed"], false);
    let (_, _, list) = get(&app, "/api/v1/firms").await;
    assert_eq!(json(&list)["total"], 0);

    // Not a spreadsheet at all: 422 with the reason.
    let (status, _, body) = send(
        &app.0,
        upload(
            "/api/v1/firms/import",
            "photo.png",
            b"\x89PNG\r\n\x1a\n",
            &app.1,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        json(&body)["errors"][0]["message"],
        "只能导入 .xlsx、.xls 或 .csv 文件"
    );

    let (status, _, body) = send(
        &app.0,
        upload("/api/v1/firms/import", "名单.csv", &gbk, &app.1),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json(&body)["committed"], true);

    // Export: xlsx and CSV of the filtered list.
    let (status, headers, _) = get(&app, "/api/v1/firms/export?format=xlsx&region=1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let (status, _, csv) = get(&app, "/api/v1/firms/export?format=csv&region=1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.contains("甲公司") && !csv.contains("乙公司"), "{csv}");
    let (status, _, _) = get(&app, "/api/v1/firms/export?format=pdf").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // The page route serves the same file to a browser session.
    let (status, headers, _) = get(&app, "/firms/export?format=csv&status=not_visited").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''")
    );

    // Create, then a duplicate credit code is a 409; update changes the name.
    let form = serde_json::json!({
        "credit_code": code(4), "name": "丁公司", "region": "2", "tier": "3",
    });
    let (status, _, body) = send(&app.0, json_call("POST", "/api/v1/firms", &form, &app.1)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = json(&body)["firm"]["id"].as_i64().unwrap();
    let (status, _, _) = send(&app.0, json_call("POST", "/api/v1/firms", &form, &app.1)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let renamed = serde_json::json!({
        "credit_code": code(4), "name": "丁公司（更名）", "region": "2", "tier": "3",
    });
    let (status, _, body) = send(
        &app.0,
        json_call("PUT", &format!("/api/v1/firms/{id}"), &renamed, &app.1),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json(&body)["firm"]["name"], "丁公司（更名）");

    // Assign, then hand over with a reason; the history has both.
    let c1 = make_coordinator(&*db, "协调员甲").await;
    let c2 = make_coordinator(&*db, "协调员乙").await;
    let assign = |c: i32, reason: &str| serde_json::json!({ "firm_ids": [id], "coordinator_id": c, "reason": reason });
    let (status, _, body) = send(
        &app.0,
        json_call("POST", "/api/v1/assignments", &assign(c1.id, ""), &app.1),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json(&body)["assigned"], 1);
    let (status, _, _) = send(
        &app.0,
        json_call("POST", "/api/v1/assignments", &assign(c2.id, ""), &app.1),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a handover needs a reason"
    );
    let (status, _, body) = send(
        &app.0,
        json_call(
            "POST",
            "/api/v1/assignments",
            &assign(c2.id, "工作调动"),
            &app.1,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body)["handed_over"], 1);
    let (_, _, body) = get(&app, &format!("/api/v1/firms/{id}/assignments")).await;
    let history = json(&body);
    assert_eq!(history.as_array().unwrap().len(), 2, "{history}");
    let (_, _, body) = get(&app, &format!("/api/v1/firms?coordinator={}", c2.id)).await;
    assert_eq!(json(&body)["total"], 1);
}

#[tokio::test]
async fn the_dashboard_and_half_year_report_over_http() {
    let db = test_db().await;
    domain::db::demo::seed(&db).await.unwrap();
    domain::db::demo::keep_published_passwords(&db)
        .await
        .unwrap();
    let app = logged_in(&db, "login=leader&password=zhuqi-demo-2022&next=%2F").await;
    let (status, _, body) = get(&app, "/api/v1/progress?as_of=2022-06-30").await;
    assert_eq!(status, StatusCode::OK);
    let progress = json(&body);
    let d = &progress["dashboard"];
    assert_eq!(d["in_scope"], progress["firms_in_scope"]);
    assert_eq!(d["visited"], progress["visited_on_site"]);
    assert_eq!(d["by_region"].as_array().unwrap().len(), 8);

    let (status, _, body) = get(&app, "/api/v1/reports/half-year?period=2022H1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let report = json(&body);
    assert_eq!(report["period"], "2022H1");
    assert_eq!(
        report["problems"], d["problems"],
        "the report equals the dashboard"
    );
    let (status, headers, _) = get(
        &app,
        "/api/v1/reports/half-year?period=2022H1&unit=1&format=xlsx",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let (status, _, body) = get(&app, "/api/v1/reports/half-year?period=2022H3").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        json(&body)["errors"][0]["message"],
        "报送期应写作 2022H1 或 2022H2"
    );

    let (status, _, page) = get(&app, "/dashboard?as_of=2022-12-31").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("领导驾驶舱") && page.contains("<svg"),
        "server-rendered chart"
    );
    let (status, _, page) = get(&app, "/reports?period=2022H2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("2022H2"));
    let (status, headers, _) = get(&app, "/reports/half-year.xlsx?period=2022H2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
}

#[tokio::test]
async fn reports_follow_the_role() {
    let db = test_db().await;
    domain::db::demo::seed(&db).await.unwrap();
    domain::db::demo::keep_published_passwords(&db)
        .await
        .unwrap();
    let coordinator = logged_in(&db, "login=coordinator&password=zhuqi-demo-2022&next=%2F").await;
    let (status, _, _) = get(&coordinator, "/api/v1/reports/half-year?period=2022H2").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = get(&coordinator, "/reports/half-year.xlsx?period=2022H2").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A unit handler asking for the province (or another unit) gets their own unit's report.
    let unit = logged_in(&db, "login=unit&password=zhuqi-demo-2022&next=%2F").await;
    let (status, _, body) = get(&unit, "/api/v1/reports/half-year?period=2022H2&unit=").await;
    assert_eq!(status, StatusCode::OK);
    let own = json(&body);
    assert!(own["unit_id"].as_i64().is_some(), "{own}");
    let (_, _, body) = get(&unit, "/api/v1/reports/half-year?period=2022H2&unit=19").await;
    assert_eq!(json(&body)["unit_id"], own["unit_id"]);
}

/// A request as it arrives from a peer: the server reads the client address from ConnectInfo.
fn from_peer(mut req: Request<Body>, ip: [u8; 4]) -> Request<Body> {
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            ip, 40_000,
        ))));
    req
}

/// One use case, three entry points: the firm file's form (a server function, posted without
/// JavaScript), the firm list's bulk form and the JSON API all assign through the same domain
/// function, and each audit entry names the office user and the address the request came from.
#[tokio::test]
async fn every_entry_point_of_assignment_audits_the_caller_and_address() {
    use domain::db::entity::audit_log;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let db = test_db().await;
    let app = app(&db).await;
    let firms = [
        make_firm(&db, "入口一企业", Region::Xining, Tier::Reserve).await,
        make_firm(&db, "入口二企业", Region::Haidong, Tier::Reserve).await,
        make_firm(&db, "入口三企业", Region::Haixi, Tier::Reserve).await,
    ];
    let coordinator = make_coordinator(&*db, "协调员丙").await;
    let form_post = |uri: &str, body: String| {
        Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html")
            .header("sec-fetch-site", "same-origin")
            .header(header::COOKIE, &app.1)
            .body(Body::from(body))
            .unwrap()
    };
    let server_fn = form_post(
        "/api/assign_firm",
        format!("firm_id={}&coordinator_id={}", firms[0].id, coordinator.id),
    );
    let (status, headers, body) = send(&app.0, from_peer(server_fn, [10, 0, 0, 1])).await;
    assert!(
        status.is_redirection() || status.is_success(),
        "{status} {body}"
    );
    assert!(
        headers
            .get(header::LOCATION)
            .is_some_and(|l| l.to_str().unwrap().contains("updated=assign")),
        "{headers:?}"
    );
    let bulk = form_post(
        "/firms/assign",
        format!(
            "firm={}&coordinator_id={}&back=%2Ffirms",
            firms[1].id, coordinator.id
        ),
    );
    let (status, headers, _) = send(&app.0, from_peer(bulk, [10, 0, 0, 2])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/firms?assigned=1.0.0");
    let api = json_call(
        "POST",
        "/api/v1/assignments",
        &serde_json::json!({ "firm_ids": [firms[2].id], "coordinator_id": coordinator.id }),
        &app.1,
    );
    let (status, _, body) = send(&app.0, from_peer(api, [10, 0, 0, 3])).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let entries = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("assign"))
        .order_by_asc(audit_log::Column::Id)
        .all(&*db)
        .await
        .unwrap();
    let seen: Vec<(Option<i32>, Option<String>, String)> = entries
        .into_iter()
        .map(|e| (e.firm_id, e.client_addr, e.actor_label))
        .collect();
    assert_eq!(
        seen,
        (0..3)
            .map(|i| (
                Some(firms[i].id),
                Some(format!("10.0.0.{}", i + 1)),
                "办公室".to_owned()
            ))
            .collect::<Vec<_>>()
    );

    // Bad input through the bulk form is a redirect with a reason and writes nothing.
    let none = form_post(
        "/firms/assign",
        format!("coordinator_id={}", coordinator.id),
    );
    let (status, headers, _) = send(&app.0, from_peer(none, [10, 0, 0, 4])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/firms?assign_error=none");
}

/// A firm name that closes the title and adds a refresh to another site, registered through the
/// API and imported from a spreadsheet: the firm file's `<title>` shows it as text.
#[tokio::test]
async fn a_hostile_firm_name_stays_text_in_the_page_title() {
    let db = test_db().await;
    let app = app(&db).await;
    let hostile = r#"</title><meta http-equiv="refresh" content="0;url=http://evil.example/">"#;
    let code = |n: u32| {
        domain::CreditCode::complete(&format!("91630100MB{n:07}"))
            .unwrap()
            .to_string()
    };
    let form = serde_json::json!({
        "credit_code": code(1), "name": format!("甲{hostile}"), "region": "1", "tier": "3",
    });
    let (status, _, body) = send(&app.0, json_call("POST", "/api/v1/firms", &form, &app.1)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let registered = json(&body)["firm"]["id"].as_i64().unwrap();
    // CSV quoting: the name's quotes are doubled.
    let list = format!(
        "企业名称,统一社会信用代码,所属市州,企业层级\n\"乙{}\",{},西宁市,省级专精特新中小企业\n",
        hostile.replace('"', "\"\""),
        code(2)
    );
    let (status, _, body) = send(
        &app.0,
        upload("/api/v1/firms/import", "名单.csv", list.as_bytes(), &app.1),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, _, found) = get(&app, &format!("/api/v1/firms?q={}", code(2))).await;
    let imported = json(&found)["rows"][0]["id"].as_i64().unwrap();

    for id in [registered, imported] {
        let (status, _, html) = get(&app, &format!("/firms/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        let head = &html[..html.find("</head>").unwrap()];
        assert!(!head.contains("<meta http-equiv"), "{head}");
        assert!(
            head.contains("<title>") && head.contains("&lt;/title&gt;&lt;meta"),
            "{head}"
        );
        assert_eq!(head.matches("</title>").count(), 1, "{head}");
    }
}

/// Days no campaign has: answered 422 in both languages, on the API and on the page's server
/// function alike (they read the day through one parser).
#[tokio::test]
async fn absurd_as_of_days_are_refused() {
    let db = test_db().await;
    let app = app(&db).await;
    for day in ["%2B99999-01-01", "-0001-01-01", "1999-12-31"] {
        let (status, headers, body) = get(&app, &format!("/api/v1/progress?as_of={day}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{day}: {body}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
        let problem = json(&body);
        assert_eq!(problem["errors"][0]["field"], "as_of");
        assert_eq!(
            problem["errors"][0]["message"],
            "日期应在 2000 年至 2100 年之间"
        );
        assert_eq!(
            problem["errors"][0]["message_en"],
            "Dates lie between 2000 and 2100"
        );
    }
    let (status, _, _) = get(&app, "/api/v1/progress?as_of=2022-06-30").await;
    assert_eq!(status, StatusCode::OK);
}

/// A request with a body, as the API's clients send it (the office's session, same origin).
fn with_body(
    app: &(axum::Router, String),
    method: &str,
    uri: &str,
    content_type: &str,
    body: impl Into<Body>,
) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::COOKIE, &app.1)
        .header("sec-fetch-site", "same-origin")
        .body(body.into())
        .unwrap()
}

fn assert_problem(status: StatusCode, headers: &http::HeaderMap, body: &str, want: StatusCode) {
    assert_eq!(status, want, "{body}");
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "application/problem+json",
        "{body}"
    );
    let p = json(body);
    assert_eq!(p["status"], want.as_u16());
    assert!(!p["detail"].as_str().unwrap().is_empty());
    assert!(!p["detail_en"].as_str().unwrap().is_empty());
}

/// NUL bytes and other control characters (PostgreSQL cannot store a NUL in text at all), huge
/// and out-of-range values: a 422 naming the field, in both languages, and nothing written.
#[tokio::test]
async fn control_characters_and_huge_values_are_422_and_nothing_is_written() {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let db = test_db().await;
    let app = app(&db).await;
    let f = make_firm(
        &db,
        "控制字符测试企业",
        Region::Xining,
        Tier::ProvincialSrdi,
    )
    .await;
    let c = make_coordinator(&*db, "协调员").await;
    assign(&db, f.id, c.id).await.unwrap();
    let firms_before = domain::db::entity::firm::Entity::find()
        .count(&*db)
        .await
        .unwrap();
    let visits_before = domain::db::entity::visit::Entity::find()
        .count(&*db)
        .await
        .unwrap();

    let firm = |name: &str| {
        serde_json::json!({
            "credit_code": domain::db::testing::credit_code(Region::Xining),
            "name": name, "region": "1", "tier": "2",
        })
        .to_string()
    };
    for name in ["青海\u{0}科技", "青海\u{1b}[31m科技", "青海\u{85}科技"] {
        let (status, headers, body) = send(
            &app.0,
            with_body(
                &app,
                "POST",
                "/api/v1/firms",
                "application/json",
                firm(name),
            ),
        )
        .await;
        assert_problem(status, &headers, &body, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(json(&body)["errors"][0]["field"], "name", "{body}");
        assert!(
            json(&body)["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("控制字符")
        );
    }
    let visit = |summary: String| {
        serde_json::json!({
            "visit_date": "2022-05-10", "kind": "on_site", "participants": "",
            "summary": summary, "idempotency_key": "",
        })
        .to_string()
    };
    let uri = format!("/api/v1/firms/{}/visits", f.id);
    for (summary, field) in [
        ("走访\u{0}记录".to_owned(), "summary"),
        ("长".repeat(100_000), "summary"),
    ] {
        let (status, headers, body) = send(
            &app.0,
            with_body(&app, "POST", &uri, "application/json", visit(summary)),
        )
        .await;
        assert_problem(status, &headers, &body, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(json(&body)["errors"][0]["field"], field, "{body}");
    }
    for q in [
        "/api/v1/firms?q=%00",
        "/api/v1/firms?county=a%00b",
        "/api/v1/firms?page=99999999999999999999",
        "/api/v1/firms/99999999999",
        "/api/v1/visits?from=%2B99999-01-01",
    ] {
        let (status, headers, body) = get(&app, q).await;
        assert_problem(status, &headers, &body, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let assignment = serde_json::json!({
        "firm_ids": [f.id.to_string()], "coordinator_id": c.id.to_string(), "reason": "调整\u{0}",
    });
    let (status, headers, body) = send(
        &app.0,
        with_body(
            &app,
            "POST",
            "/api/v1/assignments",
            "application/json",
            assignment.to_string(),
        ),
    )
    .await;
    assert_problem(status, &headers, &body, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        domain::db::entity::firm::Entity::find()
            .count(&*db)
            .await
            .unwrap(),
        firms_before
    );
    assert_eq!(
        domain::db::entity::visit::Entity::find()
            .count(&*db)
            .await
            .unwrap(),
        visits_before
    );
}

/// Answers made before any handler runs are problem+json too: a body over the limit, a URI
/// over the limit, a method a route does not take, an unknown route, a body that is not JSON.
#[tokio::test]
async fn every_api_error_is_problem_json() {
    let db = test_db().await;
    let app = app(&db).await;
    let big = vec![b'x'; 2 * 1024 * 1024];
    let (status, headers, body) = send(
        &app.0,
        with_body(&app, "POST", "/api/v1/firms", "application/json", big),
    )
    .await;
    assert_problem(status, &headers, &body, StatusCode::PAYLOAD_TOO_LARGE);
    let long = format!("/api/v1/firms?q={}", "a".repeat(10_000));
    let (status, headers, body) = get(&app, &long).await;
    assert_problem(status, &headers, &body, StatusCode::URI_TOO_LONG);
    let (status, headers, body) = send(
        &app.0,
        with_body(&app, "DELETE", "/api/v1/firms", "application/json", ""),
    )
    .await;
    assert_problem(status, &headers, &body, StatusCode::METHOD_NOT_ALLOWED);
    let (status, headers, body) = get(&app, "/api/v1/no-such-thing").await;
    assert_problem(status, &headers, &body, StatusCode::NOT_FOUND);
    let (status, headers, body) = send(
        &app.0,
        with_body(
            &app,
            "POST",
            "/api/v1/firms",
            "application/json",
            "{not json",
        ),
    )
    .await;
    assert_problem(status, &headers, &body, StatusCode::UNPROCESSABLE_ENTITY);
    // A cross-site post is refused as problem+json as well.
    let req = Request::post("/api/v1/firms")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, &app.1)
        .header("sec-fetch-site", "cross-site")
        .body(Body::from("{}"))
        .unwrap();
    let (status, headers, body) = send(&app.0, req).await;
    assert_problem(status, &headers, &body, StatusCode::FORBIDDEN);
}

/// A server function given a body it cannot read answers 4xx with the bilingual message, not 500
/// (its error used to be raised before the function could set a status).
#[tokio::test]
async fn server_functions_answer_malformed_bodies_with_4xx() {
    let db = test_db().await;
    let app = app(&db).await;
    for (uri, body) in [
        ("/api/login", ""),
        ("/api/login", "login=office"),
        ("/api/login", "%zz=%%%"),
        ("/api/change_password", ""),
        ("/api/change_password", "current_password=%FF%FE"),
    ] {
        let req = with_body(
            &app,
            "POST",
            uri,
            "application/x-www-form-urlencoded",
            body.to_owned(),
        );
        let (status, _, text) = send(&app.0, req).await;
        assert!(
            status.is_client_error(),
            "{uri} with {body:?}: {status} {text}"
        );
        assert!(
            text.contains("ErrValidation") || text.contains("Validation"),
            "{text}"
        );
    }
    // A NUL in the login name fails like an unknown account, on both databases.
    let req = with_body(
        &app,
        "POST",
        "/api/login",
        "application/x-www-form-urlencoded",
        "login=off%00ice&password=x&next=%2F",
    );
    let (status, _, text) = send(&app.0, req).await;
    assert!(status.is_client_error(), "{status} {text}");
}

/// What a phone's outbox does over HTTP: the visit to the versioned JSON route with its capture
/// time and position, the same body again after a lost answer (one visit), its photo as JSON
/// twice (one attachment), a refusal it must not retry (422 problem+json); and the service
/// worker, served without a session under its versioned path with the whole site as scope.
#[tokio::test]
async fn the_outbox_exchange_sends_a_visit_and_its_photo_once() {
    let db = test_db().await;
    let app = app(&db).await;
    let f = make_firm(&db, "果洛离线测试有限公司", Region::Golog, Tier::Reserve).await;
    let c = make_coordinator(&*db, "索南").await;
    assign(&db, f.id, c.id).await.unwrap();
    let body = serde_json::json!({
        "visit_date": "2022-06-10", "kind": "on_site", "participants": "", "summary": "离线记录的走访",
        "idempotency_key": "0f3c9a7e5d1b4c2a8e6f0a1b2c3d4e5f",
        "problems": [{"measure": "", "description": "", "unit": ""}],
        "captured_at": "2022-06-10T09:12:00+08:00",
        "position": {"latitude": 34.4731, "longitude": 100.2452, "accuracy": 18.5}
    });
    let uri = format!("/api/v1/firms/{}/visits", f.id);
    let (status, _, first) = send(&app.0, json_call("POST", &uri, &body, &app.1)).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, _, again) = send(&app.0, json_call("POST", &uri, &body, &app.1)).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    let (first, again) = (json(&first), json(&again));
    assert_eq!(first["visit_id"], again["visit_id"]);
    assert_eq!(again["created"], false);
    let visit_id = first["visit_id"].as_i64().unwrap();

    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[3u8; 2048][..]].concat();
    let photo = || {
        let mut req = upload(
            &format!("/visits/{visit_id}/attachments"),
            "现场.jpg",
            &jpeg,
            &app.1,
        );
        req.headers_mut()
            .insert(header::ACCEPT, "application/json".parse().unwrap());
        req
    };
    let (status, _, a) = send(&app.0, photo()).await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let (status, _, b) = send(&app.0, photo()).await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    assert_eq!(json(&a)["id"], json(&b)["id"]);
    let mut not_a_photo = upload(
        &format!("/visits/{visit_id}/attachments"),
        "x.exe",
        b"MZ\x90\x00",
        &app.1,
    );
    not_a_photo
        .headers_mut()
        .insert(header::ACCEPT, "application/json".parse().unwrap());
    let (status, headers, body) = send(&app.0, not_a_photo).await;
    assert_problem(status, &headers, &body, StatusCode::UNPROCESSABLE_ENTITY);

    // The firm file says when the phone captured it and where it was.
    let (status, _, page) = get(&app, &format!("/firms/{}", f.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("2022-06-10 09:12"), "capture time shown");
    assert!(page.contains("34.47310, 100.24520"), "position shown");

    // A capture time that is not a time is a refusal, in both languages, and nothing is stored.
    let bad = serde_json::json!({
        "visit_date": "2022-06-11", "kind": "on_site", "participants": "", "summary": "x",
        "idempotency_key": "bad-time-1", "captured_at": "next tuesday"
    });
    let (status, headers, body) = send(&app.0, json_call("POST", &uri, &bad, &app.1)).await;
    assert_problem(status, &headers, &body, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("记录时间无效"), "{body}");

    let anonymous = Request::get(app::OFFLINE_WORKER)
        .body(Body::empty())
        .unwrap();
    let (status, headers, script) = send(&app.0, anonymous).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["service-worker-allowed"], "/");
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(script.contains("addEventListener('fetch'") && !script.contains("__BUILD__"));
}

/// Pages rendered while the site's files are being fetched keep their CSP nonce. leptos_axum's
/// file handler gave a file response the headers of a page rendering on the same thread, so a
/// phone fetching offline.js beside a page got that page without its nonce: never hydrated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_rendered_beside_file_downloads_keep_their_nonce() {
    let db = test_db().await;
    let site = std::env::temp_dir().join(format!("zhuqi-site-{}", std::process::id()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("offline.js"), "// kit").unwrap();
    std::fs::write(site.join("favicon.svg"), "<svg/>").unwrap();
    let options = LeptosOptions::builder()
        .output_name("zhuqi")
        .site_root(site.to_string_lossy().into_owned())
        .build();
    let app = router(AppState::new(options, db.db.clone()));
    let mut tasks = Vec::new();
    for i in 0..60 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let uri = match i % 3 {
                0 => "/login",
                1 => "/offline.js",
                _ => "/favicon.svg",
            };
            let (status, headers, _) =
                send(&app, Request::get(uri).body(Body::empty()).unwrap()).await;
            (uri, status, headers)
        }));
    }
    for t in tasks {
        let (uri, status, headers) = t.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{uri}");
        if uri == "/login" {
            let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
            assert!(csp.contains("'nonce-"), "a page lost its nonce: {csp}");
        }
    }
    std::fs::remove_dir_all(site).ok();
}
