//! Staged uploads between the preview and the office's confirmation.

use crate::error::Error;
use crate::i18n::K;
use std::path::{Path, PathBuf};

/// Uploads wait here between the preview and the office's confirmation, one folder per user,
/// named by a random token. A day later they are swept away.
fn staging_dir(data_dir: &Path, user_id: i32) -> PathBuf {
    data_dir.join("imports").join(user_id.to_string())
}

const STAGED_HOURS: i64 = 24;

/// Keeps an uploaded file for its preview and commit; returns the token naming it.
pub fn stage(
    data_dir: &Path,
    user_id: i32,
    file_name: &str,
    bytes: &[u8],
) -> Result<String, Error> {
    let dir = staging_dir(data_dir, user_id);
    let io = |e: std::io::Error| {
        tracing::error!(error = %e, dir = %dir.display(), "cannot stage an import");
        Error::Internal
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    sweep(&dir);
    let token = crate::db::random_hex(16);
    std::fs::write(dir.join(&token), bytes).map_err(io)?;
    std::fs::write(dir.join(format!("{token}.name")), file_name).map_err(io)?;
    Ok(token)
}

/// The staged file (name and bytes) for a token of this user's, or "expired".
pub fn staged(data_dir: &Path, user_id: i32, token: &str) -> Result<(String, Vec<u8>), Error> {
    let expired = || Error::field("token", K::ErrImportExpired);
    if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(expired());
    }
    let dir = staging_dir(data_dir, user_id);
    let bytes = std::fs::read(dir.join(token)).map_err(|_| expired())?;
    let name = std::fs::read_to_string(dir.join(format!("{token}.name"))).map_err(|_| expired())?;
    Ok((name, bytes))
}

/// Removes a staged file once it has been committed.
pub fn discard(data_dir: &Path, user_id: i32, token: &str) {
    let dir = staging_dir(data_dir, user_id);
    let _ = std::fs::remove_file(dir.join(token));
    let _ = std::fs::remove_file(dir.join(format!("{token}.name")));
}

fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let limit = std::time::Duration::from_secs(u64::try_from(STAGED_HOURS * 3600).unwrap_or(0));
    for e in entries.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > limit);
        if old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
