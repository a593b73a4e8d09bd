//! The request-level guards: the login wall for pages, CSRF checks for state-changing
//! requests, security headers. Who is calling is read by one extractor, `app::session::caller`.

use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

pub use app::session::{SESSION_USER, session_state, session_user, start_session};

fn is_public(path: &str) -> bool {
    path == "/login"
        // The second step of a login with a second factor (its server function checks that a
        // password was right moments ago in this session).
        || path == "/login/code"
        || path == "/healthz"
        || path == "/favicon.svg"
        // The offline kit holds no data: it must load on the login page too, to clear a phone.
        || path == "/offline.js"
        || path == app::OFFLINE_WORKER
        || path.starts_with("/pkg/")
        || path.starts_with("/lang/")
        // A firm confirms its problem through a one-time link, without an account.
        || path.starts_with("/confirm/")
        // Server functions and the JSON API answer 401 themselves.
        || path.starts_with("/api/")
}

/// The login wall: a page request without a live session is sent to the login page, which
/// brings the user back afterwards; a user who must set a new password (set by an
/// administrator, or expired) is sent to the account page until they have, and so is a user
/// whose role requires a second factor not yet set up.
pub async fn require_login(
    State(state): State<AppState>,
    session: Session,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    if is_public(path) {
        return next.run(req).await;
    }
    match session_state(&state.db, &session).await {
        Some(s) if s.must_change_password && path != "/account" => {
            Redirect::to("/account?must=1").into_response()
        }
        Some(s) if s.must_set_up_second_factor && path != "/account" => {
            Redirect::to("/account?second_factor=1").into_response()
        }
        Some(_) => next.run(req).await,
        None => {
            let back = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            Redirect::to(&format!("/login?next={}", domain::url::path_value(back))).into_response()
        }
    }
}

/// CSRF defence for cookie-authenticated requests: a state-changing request must come from a
/// page of this site (Sec-Fetch-Site or Origin). Bearer-token requests carry no ambient
/// authority and are exempt.
pub async fn csrf_guard(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || req.headers().contains_key(header::AUTHORIZATION)
    {
        return next.run(req).await;
    }
    let h = req.headers();
    let text =
        |name: header::HeaderName| h.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let site = text(header::HeaderName::from_static("sec-fetch-site"));
    let origin = text(header::ORIGIN);
    let host = text(header::HOST);
    let same_origin = match (site.as_deref(), origin.as_deref()) {
        (Some("same-origin" | "none"), _) => true,
        (Some(_), _) => false,
        (None, Some(origin)) => {
            host.is_some_and(|host| origin.split("://").nth(1) == Some(host.as_str()))
        }
        // Neither header: not a browser of this decade, or a script without cookies.
        (None, None) => !h.contains_key(header::COOKIE),
    };
    if same_origin {
        next.run(req).await
    } else {
        tracing::warn!(?site, ?origin, "cross-site state-changing request refused");
        (
            StatusCode::FORBIDDEN,
            format!(
                "{} / {}",
                domain::K::ErrCrossSite.t(domain::Locale::Zh),
                domain::K::ErrCrossSite.t(domain::Locale::En)
            ),
        )
            .into_response()
    }
}

/// The policy for pages: scripts only from this site or with the page's nonce (the hydration
/// script), WASM allowed to compile, no framing. Inline style attributes draw the progress bars.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let script = match nonce {
        Some(n) => format!("script-src 'self' 'nonce-{n}' 'wasm-unsafe-eval'"),
        None => "script-src 'self' 'wasm-unsafe-eval'".to_owned(),
    };
    format!(
        "default-src 'self'; {script}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Sends HSTS when the site is served over HTTPS (cookies are Secure then too).
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY)
        && let Ok(v) = HeaderValue::from_str(&content_security_policy(None))
    {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    if state.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    resp
}

/// Every refused request (403: a role without the right, a coordinator on another's firm, a
/// cross-site post) is written to the audit trail with who asked for what, from where. Runs
/// inside the session layer, after the handler has answered.
pub async fn audit_refusals(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    // The path only: a query string may hold what the user typed.
    let path: String = req.uri().path().chars().take(200).collect();
    let session = req.extensions().get::<Session>().cloned();
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|a| a.to_str().ok())
        .and_then(|a| a.strip_prefix("Bearer "))
        .map(str::to_owned);
    let addr = req
        .extensions()
        .get::<domain::auth::ClientAddr>()
        .map(|a| a.0.clone())
        .or_else(|| {
            req.extensions()
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        });
    let resp = next.run(req).await;
    if resp.status() != StatusCode::FORBIDDEN {
        return resp;
    }
    let user = match (&bearer, &session) {
        (Some(token), _) => domain::db::accounts::user_for_token(&state.db, token)
            .await
            .ok()
            .flatten(),
        (None, Some(session)) => session_user(&state.db, session).await,
        (None, None) => None,
    };
    let actor = match &user {
        Some(u) => domain::db::audit::Actor::user(u, addr),
        None => domain::db::audit::Actor::anonymous(addr),
    };
    let detail = serde_json::json!({ "method": method, "path": path });
    if let Err(e) =
        domain::db::audit::record_standalone(&state.db, &actor, "denied", "request", detail).await
    {
        tracing::warn!(error = ?e, "a refused request could not be audited");
    }
    resp
}
