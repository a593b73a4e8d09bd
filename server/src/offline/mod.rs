//! The phone's offline kit, server side: the service worker under a versioned path.
//!
//! The worker's script names the build it belongs to, so a redeploy changes its bytes and the
//! browser installs the new worker (and drops the old build's caches) at its next check. The
//! path's `v1` is the version of the worker's cache layout and of the outbox protocol: it moves
//! only when an old worker could not read what a new one stores.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::sync::OnceLock;

const WORKER: &str = include_str!("sw.js");

/// The build this server serves: the content hashes of the site's files when cargo-leptos wrote
/// them beside the binary, else the moment the server started (a development build, whose
/// files keep their names while their content changes).
fn build_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        let hashes = std::env::current_exe()
            .ok()
            .and_then(|exe| std::fs::read(exe.parent()?.join("hash.txt")).ok());
        match hashes {
            Some(bytes) => domain::db::sha256_hex(&bytes)[..16].to_owned(),
            None => format!(
                "dev-{}",
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or_default()
            ),
        }
    })
}

/// `GET` [`app::OFFLINE_WORKER`]; its scope is the whole site (`Service-Worker-Allowed: /`).
pub async fn service_worker() -> Response {
    let body = WORKER.replace("__BUILD__", build_id());
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    // Checked for a new version at every visit; the browser never keeps it longer than a day
    // whatever is said here, but a redeploy should reach phones at their next page.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::HeaderName::from_static("service-worker-allowed"),
        HeaderValue::from_static("/"),
    );
    resp
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_worker_names_its_build() {
        let body = super::WORKER.replace("__BUILD__", super::build_id());
        assert!(!body.contains("__BUILD__"));
        assert!(body.contains(super::build_id()));
    }
}
