//! Logged-in sessions, shared by the pages' server functions and the server's guards. The
//! session cookie's data holds the user id and the key of the session's row; the row and the
//! user are read fresh each request, so an ended session or a disabled account stops at once.

use domain::Error;
use domain::auth::{Caller, CurrentUser};
use domain::db::sessions::{self, SessionUser};
use domain::db::{Db, accounts};
use tower_sessions::Session;

pub const SESSION_USER: &str = "user_id";
/// The random key whose hash names the session's row (`domain::db::sessions`).
pub const SESSION_KEY: &str = "session_key";

/// The live session's user, or None (and the session is cleared) when the session was ended,
/// is past its absolute lifetime, or the user was disabled.
pub async fn session_state(db: &Db, session: &Session) -> Option<SessionUser> {
    let key = session.get::<String>(SESSION_KEY).await.ok().flatten()?;
    match sessions::resolve(db, &key).await {
        Ok(Some(state)) => Some(state),
        Ok(None) => {
            let _ = session.flush().await;
            None
        }
        Err(_) => None,
    }
}

/// The user whose password was right and whose code is awaited (`/login/code`), and since when.
const PENDING_USER: &str = "code_pending_user";
const PENDING_AT: &str = "code_pending_at";
/// How long the code step waits after the password before the login starts over.
pub const CODE_STEP_MINUTES: i64 = 5;

/// Remembers, in a fresh anonymous session, that this user's password was right and the second
/// factor's code is due.
pub async fn await_code(
    session: &Session,
    user_id: i32,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.insert(PENDING_USER, user_id).await?;
    session
        .insert(PENDING_AT, chrono::Utc::now().timestamp())
        .await?;
    Ok(())
}

/// The user whose code is awaited, if their password was right less than
/// [`CODE_STEP_MINUTES`] ago in this session.
pub async fn awaited_code_user(session: &Session) -> Option<i32> {
    let user = session.get::<i32>(PENDING_USER).await.ok().flatten()?;
    let at = session.get::<i64>(PENDING_AT).await.ok().flatten()?;
    (chrono::Utc::now().timestamp() - at <= CODE_STEP_MINUTES * 60).then_some(user)
}

/// What a logged-in user must do before anything else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Due {
    Nothing,
    PasswordChange,
    SecondFactor,
}

/// The logged-in user of a session, whether or not they still must change their password.
pub async fn session_user(db: &Db, session: &Session) -> Option<CurrentUser> {
    session_state(db, session).await.map(|s| s.user)
}

/// Starts a logged-in session: a new session id (no fixation), the user and the key of the
/// session's row, which the login opened.
pub async fn start_session(
    session: &Session,
    user: &CurrentUser,
    key: &str,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    let _ = session.remove::<i32>(PENDING_USER).await?;
    let _ = session.remove::<i64>(PENDING_AT).await?;
    session.insert(SESSION_USER, user.id).await?;
    session.insert(SESSION_KEY, key.to_owned()).await?;
    Ok(())
}

/// Ends a session: its row, then the cookie's data.
pub async fn end_session(db: &Db, session: &Session) {
    if let Ok(Some(key)) = session.get::<String>(SESSION_KEY).await {
        let _ = sessions::close(db, &key).await;
    }
    let _ = session.flush().await;
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
/// bearer token wins over the session cookie; the client address is [`client_addr`]'s. A user
/// who must set a new password is refused everything but that ([`caller_changing_password`]).
///
/// This is the gate of business data (firms, visits, problems, figures): the administrators
/// (三权分立) are refused here, whatever the endpoint, and reach their own pages through
/// [`any_caller`] instead.
pub async fn caller(db: &Db, parts: &http::request::Parts) -> Result<Caller, Error> {
    let caller = any_caller(db, parts).await?;
    caller.require_business()?;
    Ok(caller)
}

/// The caller whatever their role (administration and one's own account), once any password
/// change and second factor that are due have been made.
pub async fn any_caller(db: &Db, parts: &http::request::Parts) -> Result<Caller, Error> {
    match caller_state(db, parts).await? {
        (caller, Due::Nothing) => Ok(caller),
        (_, Due::PasswordChange) => Err(Error::PasswordChangeRequired),
        (_, Due::SecondFactor) => Err(Error::SecondFactorRequired),
    }
}

/// The caller for the few actions allowed while a new password or a second factor is due:
/// changing the password, setting up the second factor, one's sessions, logging out, the
/// header's name. Also returns the session's id (None for a bearer token).
pub async fn caller_changing_password(
    db: &Db,
    parts: &http::request::Parts,
) -> Result<(Caller, Option<i32>), Error> {
    let client_addr = client_addr(parts);
    if parts.headers.contains_key(http::header::AUTHORIZATION) {
        return caller(db, parts).await.map(|c| (c, None));
    }
    let state = match parts.extensions.get::<Session>() {
        Some(session) => session_state(db, session).await,
        None => {
            tracing::error!("no session layer in front of a handler that needs the caller");
            return Err(Error::Internal);
        }
    };
    state
        .map(|s| {
            let fresh = s.recently_authenticated;
            (
                Caller::of_session(s.user, client_addr, fresh),
                Some(s.session_id),
            )
        })
        .ok_or(Error::Unauthorized)
}

async fn caller_state(db: &Db, parts: &http::request::Parts) -> Result<(Caller, Due), Error> {
    let client_addr = client_addr(parts);
    match parts.headers.get(http::header::AUTHORIZATION) {
        Some(auth) => {
            let token = auth
                .to_str()
                .ok()
                .and_then(|a| a.strip_prefix("Bearer "))
                .ok_or(Error::Unauthorized)?;
            let user = accounts::user_for_token(db, token)
                .await?
                .ok_or(Error::Unauthorized)?;
            Ok((Caller::new(user, client_addr), Due::Nothing))
        }
        None => match parts.extensions.get::<Session>() {
            Some(session) => session_state(db, session)
                .await
                .map(|s| {
                    let caller = Caller::of_session(s.user, client_addr, s.recently_authenticated);
                    let due = if s.must_change_password {
                        Due::PasswordChange
                    } else if s.must_set_up_second_factor {
                        Due::SecondFactor
                    } else {
                        Due::Nothing
                    };
                    (caller, due)
                })
                .ok_or(Error::Unauthorized),
            None => {
                tracing::error!("no session layer in front of a handler that needs the caller");
                Err(Error::Internal)
            }
        },
    }
}
