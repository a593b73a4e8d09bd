//! Logged-in sessions, shared by the pages' server functions and the server's guards. The
//! session stores only the user id and the login time; the user is loaded fresh each request,
//! so a deactivated account stops working at once.

use chrono::Utc;
use domain::Error;
use domain::auth::{Caller, CurrentUser};
use domain::db::{Db, accounts};
use tower_sessions::Session;

pub const SESSION_USER: &str = "user_id";
pub const SESSION_LOGIN_AT: &str = "login_at";
/// A session ends after this long even when in use (the idle limit is set on the session layer).
pub const ABSOLUTE_LIFETIME_HOURS: i64 = 12;

/// The logged-in user of a session, or None (and the session is cleared) when the session is
/// past its absolute lifetime or the user was deactivated.
pub async fn session_user(db: &Db, session: &Session) -> Option<CurrentUser> {
    let user_id = session.get::<i32>(SESSION_USER).await.ok().flatten()?;
    let login_at = session
        .get::<i64>(SESSION_LOGIN_AT)
        .await
        .ok()
        .flatten()
        .unwrap_or(0);
    if Utc::now().timestamp() - login_at > ABSOLUTE_LIFETIME_HOURS * 3600 {
        let _ = session.flush().await;
        return None;
    }
    match accounts::load_user(db, user_id).await {
        Ok(Some(user)) => Some(user),
        Ok(None) => {
            let _ = session.flush().await;
            None
        }
        Err(_) => None,
    }
}

/// Starts a logged-in session: a new session id (no fixation), the user and the login time.
pub async fn start_session(
    session: &Session,
    user: &CurrentUser,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.insert(SESSION_USER, user.id).await?;
    session
        .insert(SESSION_LOGIN_AT, Utc::now().timestamp())
        .await?;
    Ok(())
}

/// The client's address: what the server put on the request (behind a trusted proxy, the
/// address the proxy saw), else the connection's peer.
pub fn client_addr(parts: &http::request::Parts) -> Option<String> {
    parts
        .extensions
        .get::<domain::auth::ClientAddr>()
        .map(|a| a.0.clone())
        .or_else(|| {
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        })
}

/// The one extractor of the [`Caller`]: every entry point (server functions behind the pages and
/// their plain form posts, the JSON API, multipart uploads) reads who is calling through it. A
/// bearer token wins over the session cookie; the client address is [`client_addr`]'s.
pub async fn caller(db: &Db, parts: &http::request::Parts) -> Result<Caller, Error> {
    let client_addr = client_addr(parts);
    let user = match parts.headers.get(http::header::AUTHORIZATION) {
        Some(auth) => {
            let token = auth
                .to_str()
                .ok()
                .and_then(|a| a.strip_prefix("Bearer "))
                .ok_or(Error::Unauthorized)?;
            accounts::user_for_token(db, token).await?
        }
        None => match parts.extensions.get::<Session>() {
            Some(session) => session_user(db, session).await,
            None => {
                tracing::error!("no session layer in front of a handler that needs the caller");
                return Err(Error::Internal);
            }
        },
    };
    user.map(|u| Caller::new(u, client_addr))
        .ok_or(Error::Unauthorized)
}
