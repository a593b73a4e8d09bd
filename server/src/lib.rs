//! zhuqi's server: builds the axum router (pages, server functions, JSON API, static files)
//! and runs the CLI commands.

pub mod api;
pub mod auth;
pub mod backup;
#[cfg(feature = "demo")]
pub mod bench;
pub mod cli;
pub mod client_ip;
pub mod config;
pub mod offline;
pub mod outbox;
pub mod session_store;
pub mod sheets;
pub mod telemetry;
pub mod uploads;

use app::{App, shell};
use axum::Router;
use axum::extract::{FromRef, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use config::{AuditCommand, Cli, Command, Config};
use domain::db::{self, Db};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use session_store::DbSessionStore;
use std::net::SocketAddr;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// A session not used for this long ends (the absolute limit is in `app::session`).
pub const IDLE_MINUTES: i64 = 30;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    /// Served over HTTPS: cookies get the Secure flag and responses HSTS.
    pub secure_cookies: bool,
    /// Proxies whose forwarding headers name the client (see `client_ip`).
    pub trusted_proxies: client_ip::TrustedProxies,
    /// Where uploaded photos and visit sheets are kept.
    pub data_dir: std::path::PathBuf,
    /// Dashboards computed at the current data version (see `domain::db::dashboard::Cache`).
    pub dashboard_cache: std::sync::Arc<domain::db::dashboard::Cache>,
    /// `ZHUQI_PUBLIC_URL`: where links that leave the site (the firm's confirmation link) point.
    pub public_url: Option<String>,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, db: Db) -> Self {
        AppState {
            leptos_options,
            db,
            secure_cookies: false,
            trusted_proxies: Default::default(),
            data_dir: "data".into(),
            dashboard_cache: Default::default(),
            public_url: None,
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos_options.clone()
    }
}

/// The whole application as one router, so tests drive exactly what production serves.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let db_for_context = state.db.clone();
    let data_dir = state.data_dir.clone();
    let dashboard_cache = state.dashboard_cache.clone();
    let site_origin = app::api::ssr::SiteOrigin {
        public_url: state.public_url.clone(),
        https: state.secure_cookies,
    };
    let options = state.leptos_options.clone();
    let site_files = SiteFiles::new(&state.leptos_options);
    let proxies = state.trusted_proxies.clone();
    // Over HTTPS the cookie takes the __Host- prefix: the browser then only accepts it Secure,
    // for the whole site and from this host.
    let cookie = if state.secure_cookies {
        "__Host-zhuqi_session"
    } else {
        "zhuqi_session"
    };
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name(cookie)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(IDLE_MINUTES)));
    Router::new()
        .route("/healthz", get(healthz))
        .route(app::OFFLINE_WORKER, get(offline::service_worker))
        .route("/lang/{tag}", get(switch_language))
        .nest("/api/v1", api::router())
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(db_for_context.clone());
                provide_context(app::api::ssr::DataDir(data_dir.clone()));
                provide_context(dashboard_cache.clone());
                provide_context(site_origin.clone());
                // Leptos made this response's nonce; the page's policy names it, so the hydration
                // script runs and no injected script does.
                if let (Some(nonce), Some(resp)) = (
                    leptos::nonce::use_nonce(),
                    use_context::<leptos_axum::ResponseOptions>(),
                ) && let Ok(v) =
                    HeaderValue::from_str(&auth::content_security_policy(Some(&nonce.to_string())))
                {
                    resp.insert_header(header::CONTENT_SECURITY_POLICY, v);
                }
            },
            move || shell(options.clone()),
        )
        // The site's files are served here, not by leptos_axum's file handler: that one hands
        // a file response the headers of whatever page is being rendered on the same thread at
        // that moment (it looks up the thread's current reactive owner), so a page rendered
        // while offline.js or the WASM was being fetched lost its CSP nonce and never hydrated.
        .nest_service("/pkg", site_files.pkg)
        .route_service("/offline.js", site_files.offline_js)
        .route_service("/favicon.svg", site_files.favicon)
        // Only pages that match no route are left for it: it renders the not-found page.
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        // Everything above takes small bodies; uploads, added after this layer, take files.
        .layer(RequestBodyLimitLayer::new(1024 * 1024))
        .route(
            "/visits/{id}/attachments",
            axum::routing::post(uploads::upload).layer(axum::extract::DefaultBodyLimit::max(
                domain::db::attachments::MAX_BYTES + 64 * 1024,
            )),
        )
        .route("/attachments/{id}", get(uploads::download))
        .route("/firms/assign", axum::routing::post(uploads::bulk_assign))
        .route(
            "/import/upload",
            axum::routing::post(sheets::upload).layer(axum::extract::DefaultBodyLimit::max(
                sheets::MAX_IMPORT_BODY,
            )),
        )
        .route("/import/template", get(sheets::template))
        .route(
            "/calendar/import",
            axum::routing::post(sheets::calendar_import).layer(
                axum::extract::DefaultBodyLimit::max(sheets::MAX_IMPORT_BODY),
            ),
        )
        .route(
            "/api/v1/firms/import",
            axum::routing::post(api::import_firms).layer(axum::extract::DefaultBodyLimit::max(
                sheets::MAX_IMPORT_BODY,
            )),
        )
        .route(
            "/api/v1/coordinators/import",
            axum::routing::post(api::import_coordinators).layer(
                axum::extract::DefaultBodyLimit::max(sheets::MAX_IMPORT_BODY),
            ),
        )
        .route("/firms/export", get(sheets::export))
        .route("/reports/half-year.xlsx", get(sheets::half_year_xlsx))
        .route("/bulletin.xlsx", get(sheets::bulletin_xlsx))
        .route("/audit/export", get(sheets::audit_export))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::require_login,
        ))
        .layer(axum::middleware::from_fn(auth::csrf_guard))
        .layer(axum::middleware::from_fn(api::error::problem_json_errors))
        .layer(axum::middleware::from_fn(server_fn_status))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::audit_refusals,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::security_headers,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(cache_policy))
        .layer(axum::middleware::from_fn(
            move |mut req: axum::extract::Request, next: axum::middleware::Next| {
                let proxies = proxies.clone();
                async move {
                    let peer = req
                        .extensions()
                        .get::<axum::extract::ConnectInfo<SocketAddr>>()
                        .map(|c| c.0.ip());
                    if let Some(peer) = peer {
                        let client = proxies.client(peer, req.headers());
                        req.extensions_mut()
                            .insert(domain::auth::ClientAddr(client.to_string()));
                    }
                    next.run(req).await
                }
            },
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The files cargo-leptos writes under the site root: the hashed WASM, JS and CSS under /pkg
/// (with the brotli and gzip copies `make release` makes beside them), and the two root files.
struct SiteFiles {
    pkg: tower_http::services::ServeDir,
    offline_js: tower_http::services::ServeFile,
    favicon: tower_http::services::ServeFile,
}

impl SiteFiles {
    fn new(options: &LeptosOptions) -> Self {
        let root = std::path::Path::new(&*options.site_root);
        SiteFiles {
            pkg: tower_http::services::ServeDir::new(root.join(&*options.site_pkg_dir))
                .precompressed_br()
                .precompressed_gzip(),
            offline_js: tower_http::services::ServeFile::new(root.join("offline.js")),
            favicon: tower_http::services::ServeFile::new(root.join("favicon.svg")),
        }
    }
}

/// Server functions answer every error with 500 unless the function itself set a status; an
/// error raised before the function ran (a malformed body, a missing argument) never gets that
/// chance. This reads the error a server function answered with and gives the response the
/// error's own status (422 for bad input, 403, 409, 503, ...), so no bad input looks like a
/// server fault.
/// How long a browser may keep a response ([`cache_control`]), unless the handler said.
async fn cache_policy(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut resp = next.run(req).await;
    if resp.headers().contains_key(header::CACHE_CONTROL) {
        return resp;
    }
    let content_type = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if let Some(policy) = cache_control(&path, content_type) {
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    resp
}

/// The caching rule: a site file named by its content hash never changes, so it is kept a
/// year without asking; other site files are asked after each time (a cheap 304); pages are
/// never stored, since they hold a signed-in user's data.
pub fn cache_control(path: &str, content_type: &str) -> Option<&'static str> {
    if let Some(file) = path.strip_prefix("/pkg/") {
        return Some(if content_hashed(file) {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        });
    }
    // The site's unhashed files at the root (offline.js, the icon): asked after each time.
    if path.ends_with(".js") || path.ends_with(".svg") {
        return Some("no-cache");
    }
    content_type.starts_with("text/html").then_some("no-store")
}

/// Whether a file name carries cargo-leptos's content hash (`zhuqi.<22 base64url>.wasm`).
fn content_hashed(file: &str) -> bool {
    let parts: Vec<&str> = file.split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1].iter().any(|p| {
            p.len() == 22
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

async fn server_fn_status(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let is_server_fn = {
        let path = req.uri().path();
        path.starts_with("/api/") && !path.starts_with("/api/v1/")
    };
    let resp = next.run(req).await;
    if !is_server_fn
        || resp.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !resp.headers().contains_key("serverfnerror")
    {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    // Error bodies are a few hundred bytes; anything larger is not one of ours.
    let bytes = match axum::body::to_bytes(body, 64 * 1024).await {
        Ok(b) => b,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    if let Ok(err) = serde_json::from_slice::<app::error::AppError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(err.status())
    {
        parts.status = status;
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Liveness and readiness in one: 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok", "database": "ok"})),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "error", "database": "unreachable"})),
            )
                .into_response()
        }
    }
}

#[derive(serde::Deserialize)]
struct Back {
    back: Option<String>,
}

/// Sets the language cookie and returns to the page the user was on. A plain link, so it works
/// without JavaScript. Only local paths are followed back (no open redirect).
async fn switch_language(Path(tag): Path<String>, Query(q): Query<Back>) -> Response {
    let locale = domain::Locale::from_tag(&tag);
    let back = q
        .back
        .filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\'))
        .unwrap_or_else(|| "/".to_owned());
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        app::i18n::COOKIE,
        locale.tag()
    );
    let mut resp = Redirect::to(&back).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

/// Installs the key sealed data is read and written with: `ZHUQI_DATA_KEY`, else (not over
/// HTTPS) a key file in the data directory, made on first start.
pub fn install_data_key(config: &Config) -> Result<(), String> {
    use domain::db::crypto::{DataKey, install};
    let text = match &config.data_key {
        Some(text) => text.clone(),
        None if config.served_over_https() => {
            return Err("ZHUQI_DATA_KEY must be set when zhuqi is served over HTTPS (make one with `zhuqi generate-data-key`, and keep it apart from the database)".into());
        }
        None => {
            let path = config.data_dir.join("data.key");
            match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(_) => {
                    let text = DataKey::generate_text();
                    std::fs::create_dir_all(&config.data_dir)
                        .map_err(|e| format!("cannot create {}: {e}", config.data_dir.display()))?;
                    write_private(&path, &text)
                        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                    tracing::warn!(file = %path.display(), "no ZHUQI_DATA_KEY: made a data key file (fine on a laptop; a deployment sets ZHUQI_DATA_KEY)");
                    text
                }
            }
        }
    };
    let key = DataKey::parse(&text).map_err(|e| format!("ZHUQI_DATA_KEY: {e}"))?;
    install(key);
    Ok(())
}

/// Writes a file only its owner may read.
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}

pub async fn connect_and_migrate(config: &Config) -> Result<Db, String> {
    install_data_key(config)?;
    tracing::info!(database = %config::redact(&config.database_url), "connecting to the database");
    let db = db::connect(&config.database_url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    tracing::info!("applying migrations");
    db::migrate(&db)
        .await
        .map_err(|e| format!("migration failed: {e}"))?;
    // The progress facts follow the rule of this build (rebuilt once after an upgrade that
    // changed it), and attachments an earlier version kept on disk move into the database.
    db::progress::ensure_current(&db)
        .await
        .map_err(|e| format!("rebuilding the progress facts failed: {e}"))?;
    let adopted = db::attachments::adopt_files(&db, &config.data_dir)
        .await
        .map_err(|e| format!("moving attachments into the database failed: {e}"))?;
    if adopted > 0 {
        tracing::info!(
            files = adopted,
            "attachments moved from the data directory into the database"
        );
    }
    // Phones stored before sealing (or by a tool that wrote rows directly) are sealed now.
    db::sealing::seal_existing(&db)
        .await
        .map_err(|e| format!("sealing the phone numbers stored in clear failed: {e}"))?;
    Ok(db)
}

#[cfg(feature = "demo")]
async fn seed_demo(db: &Db, keep_passwords: bool) -> Result<(), String> {
    tracing::info!("loading the demo province (about 300 firms); this takes a few seconds");
    let summary = db::demo::seed(db)
        .await
        .map_err(|e| format!("demo data failed: {e}"))?;
    if summary.skipped {
        tracing::info!("the database already holds firms: demo data not loaded");
    } else {
        // Only a database the seed just filled: its accounts are all demo accounts.
        if keep_passwords {
            db::demo::keep_published_passwords(db)
                .await
                .map_err(|e| format!("demo data failed: {e}"))?;
        }
        println!(
            "Demo accounts (DEMO DATA ONLY — never use these on a real system), password: {}{}",
            db::demo::DEMO_PASSWORD,
            if keep_passwords {
                ""
            } else {
                " (each account sets its own at first login)"
            }
        );
        for (login, role) in db::demo::DEMO_ACCOUNTS {
            println!("  {login:<14} {role}");
        }
        tracing::info!(
            firms = summary.firms,
            coordinators = summary.coordinators,
            visits = summary.visits,
            problems = summary.problems,
            "demo data loaded"
        );
    }
    Ok(())
}

pub async fn run(cli: Cli) -> Result<(), String> {
    let command = cli.command.clone().unwrap_or(Command::Serve);
    match command {
        Command::Migrate => {
            connect_and_migrate(&cli.config).await?;
            tracing::info!("database is up to date");
            Ok(())
        }
        #[cfg(feature = "demo")]
        Command::SeedDemo => {
            let db = connect_and_migrate(&cli.config).await?;
            seed_demo(&db, cli.config.demo_keep_passwords).await
        }
        Command::User(cmd) => {
            let db = connect_and_migrate(&cli.config).await?;
            cli::user(&db, cmd).await
        }
        Command::Sweep { as_of } => {
            let db = connect_and_migrate(&cli.config).await?;
            let day = as_of.unwrap_or_else(domain::clock::today);
            let r = domain::db::sweep::run(&db, day)
                .await
                .map_err(|e| format!("{e:?}"))?;
            println!(
                "as of {day}: {} problems reminded of their deadline, {} of an overdue claim; {} supervision orders given",
                r.reminded, r.claim_late, r.supervised
            );
            Ok(())
        }
        Command::Audit(AuditCommand::Verify) => {
            let db = connect_and_migrate(&cli.config).await?;
            let chain = domain::db::audit::verify(&db)
                .await
                .map_err(|e| format!("cannot read the audit trail: {e:?}"))?;
            backup::print_chain(&chain);
            match chain.first_broken {
                None => Ok(()),
                Some(id) => Err(format!("the audit chain is broken at entry #{id}")),
            }
        }
        Command::Backup { file } => {
            let db = connect_and_migrate(&cli.config).await?;
            backup::backup(&db, &cli.config.database_url, &file).await?;
            println!("backup written to {}; what it holds:", file.display());
            backup::report(&db).await.map(|_| ())
        }
        Command::Restore { file } => {
            backup::restore(&cli.config.database_url, &file).await?;
            // A backup from an older version is brought up to this one.
            let db = connect_and_migrate(&cli.config).await?;
            println!(
                "restored from {}; what the database holds now:",
                file.display()
            );
            if backup::report(&db).await? {
                Ok(())
            } else {
                Err("restored, but the audit chain does not verify".into())
            }
        }
        Command::Token(cmd) => {
            let db = connect_and_migrate(&cli.config).await?;
            cli::token(&db, cmd).await
        }
        #[cfg(feature = "demo")]
        Command::Bench(cmd) => {
            let db = connect_and_migrate(&cli.config).await?;
            bench::run(&db, cmd).await
        }
        Command::GenerateDataKey => {
            println!("{}", domain::db::crypto::DataKey::generate_text());
            Ok(())
        }
        Command::Serve => {
            #[cfg(feature = "demo")]
            if cli.config.demo_keep_passwords {
                domain::db::second_factor::exempt_demo_accounts();
            }
            let db = connect_and_migrate(&cli.config).await?;
            if cli.config.demo {
                #[cfg(feature = "demo")]
                seed_demo(&db, cli.config.demo_keep_passwords).await?;
                #[cfg(not(feature = "demo"))]
                return Err(
                    "this build has no demo data (built without the `demo` feature)".into(),
                );
            }
            serve(&cli.config, db).await
        }
    }
}

async fn serve(config: &Config, db: Db) -> Result<(), String> {
    let conf = get_configuration(None).map_err(|e| format!("Leptos configuration: {e}"))?;
    let mut leptos_options = conf.leptos_options;
    // cargo-leptos names the site's files by their content hash and writes the hashes beside
    // the binary: whenever that file is there, the pages name the hashed files.
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(std::path::Path::to_path_buf))
    {
        leptos_options.hash_files = dir.join(&*leptos_options.hash_file).exists();
    }
    let addr: SocketAddr = config.addr.unwrap_or(leptos_options.site_addr);
    let store = DbSessionStore::new(db.clone());
    // Expired sessions are swept hourly by tower-sessions' deletion task. It stops at the first
    // failure (a database restart, say), so it is started again after a pause.
    tokio::spawn(async move {
        use tower_sessions::session_store::ExpiredDeletion;
        let hourly = std::time::Duration::from_secs(3600);
        loop {
            if let Err(e) = store.clone().continuously_delete_expired(hourly).await {
                tracing::warn!(error = %e, "sweeping expired sessions failed; retrying later");
            }
            tokio::time::sleep(hourly).await;
        }
    });
    if config.sweep_minutes > 0 {
        // Every instance sweeps; each reminder and order is made once (see `db::sweep`).
        let (db, every) = (
            db.clone(),
            std::time::Duration::from_secs(config.sweep_minutes * 60),
        );
        tokio::spawn(async move {
            loop {
                match domain::db::sweep::run(&db, domain::clock::today()).await {
                    Ok(r) if r == Default::default() => {}
                    Ok(r) => tracing::info!(
                        reminded = r.reminded,
                        claim_late = r.claim_late,
                        supervised = r.supervised,
                        "working-rules sweep"
                    ),
                    Err(e) => tracing::warn!(error = ?e, "the working-rules sweep failed"),
                }
                tokio::time::sleep(every).await;
            }
        });
    }
    outbox::start(config, db.clone());
    let app = router(AppState {
        leptos_options,
        db,
        secure_cookies: config.served_over_https(),
        trusted_proxies: client_ip::TrustedProxies::parse(&config.trusted_proxies)?,
        data_dir: config.data_dir.clone(),
        dashboard_cache: Default::default(),
        public_url: config.public_url.clone(),
    });
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!("zhuqi is serving at http://{addr}");
    println!("zhuqi is ready: open http://{addr}");
    // Without TCP_NODELAY a small response can wait for the client's delayed ACK (about 40 ms
    // on Linux), which dominates every request's latency.
    let listener = {
        use axum::serve::ListenerExt;
        listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::warn!(error = %e, "cannot set TCP_NODELAY");
            }
        })
    };
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    })
    .await
    .map_err(|e| format!("server error: {e}"))
}

#[cfg(test)]
mod cache_tests {
    use super::cache_control;

    #[test]
    fn hashed_site_files_are_kept_a_year_others_revalidated_pages_never_stored() {
        let year = Some("public, max-age=31536000, immutable");
        assert_eq!(
            cache_control("/pkg/zhuqi.x9FRm3pQ2kLb7Yc1Vd0aZw.wasm", ""),
            year
        );
        assert_eq!(
            cache_control("/pkg/zhuqi.x9FRm3pQ2kLb7Yc1Vd0aZw.js", ""),
            year
        );
        assert_eq!(
            cache_control("/pkg/zhuqi.x9FRm3pQ2kLb7Yc1Vd0aZw.wasm.br", ""),
            year
        );
        assert_eq!(
            cache_control("/pkg/zhuqi.css", "text/css"),
            Some("no-cache")
        );
        assert_eq!(cache_control("/pkg/zhuqi_bg.wasm", ""), Some("no-cache"));
        assert_eq!(cache_control("/pkg/zhuqi.short.js", ""), Some("no-cache"));
        assert_eq!(
            cache_control("/my", "text/html; charset=utf-8"),
            Some("no-store")
        );
        assert_eq!(
            cache_control("/offline.js", "text/javascript"),
            Some("no-cache")
        );
        assert_eq!(cache_control("/api/v1/progress", "application/json"), None);
    }
}
