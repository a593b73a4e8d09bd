//! zhuqi's user interface: pages, components and the server functions they call.
//!
//! Every page is rendered on the server in full (SsrMode::Async) and works as plain HTML: links
//! and forms. Only islands (`#[island]`: the visit form's difficulty picker and counter, the
//! confirmation link's copy and share, the password toggle, the print button) hydrate, so the
//! WASM a coordinator's phone downloads holds those and nothing else. Server functions are thin:
//! unpack, call `domain`, map errors.

#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod i18n;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod session;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

pub use error::AppError;

/// Where the server serves the service worker (see `server::offline`).
pub const OFFLINE_WORKER: &str = "/sw/v1.js";

/// What offline.js says, in the page's language (it is plain JavaScript, without the catalog).
fn offline_texts(l: domain::Locale) -> String {
    use domain::K;
    let texts: std::collections::BTreeMap<&str, &str> = [
        ("draftRestored", K::DraftRestored),
        ("refusedBack", K::OfflineRefusedBack),
        ("savedHere", K::OfflineSavedHere),
        ("unsent", K::OfflineUnsent),
        ("sendNow", K::OfflineSendNow),
        ("sent", K::OfflineSent),
        ("refused", K::OfflineRefused),
        ("logoutUnsent", K::OfflineLogoutUnsent),
        ("photosAdded", K::PhotosAdded),
        ("positionKept", K::PositionKept),
        ("positionWait", K::PositionWait),
        ("positionFailed", K::PositionFailed),
    ]
    .into_iter()
    .map(|(name, key)| (name, key.t(l)))
    .collect();
    serde_json::to_string(&texts).unwrap_or_default()
}

/// The HTML document around the app, rendered only on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = i18n::request_locale();
    view! {
        <!DOCTYPE html>
        <html lang=locale.tag()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HashedStylesheet options=options.clone() id="leptos" />
                // Before the hydration script, so its submit listener runs before the app's.
                <script src="/offline.js" defer data-sw=OFFLINE_WORKER data-texts=offline_texts(locale)></script>
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
                // offline.js's status line (visits waiting on the phone), outside the app's tree.
                <div id="outbox-bar" class="outbox-bar" role="status" aria-live="polite" hidden></div>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    i18n::provide_locale();
    let locale = i18n::locale();
    view! {
        <Title formatter=move |page: String| {
            let full = if page.is_empty() {
                domain::K::AppName.t(locale).to_owned()
            } else {
                format!("{page} · {}", domain::K::AppName.t(locale))
            };
            title_text(full)
        } />
        <Router>
            <components::Layout>
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=pages::progress::ProgressPage ssr=SsrMode::Async />
                    <Route path=path!("/firms") view=pages::firms::FirmListPage ssr=SsrMode::Async />
                    <Route path=path!("/firms/new") view=pages::firm_form::FirmFormPage ssr=SsrMode::Async />
                    <Route path=path!("/firms/:id") view=pages::firm_file::FirmFilePage ssr=SsrMode::Async />
                    <Route path=path!("/firms/:id/edit") view=pages::firm_form::FirmFormPage ssr=SsrMode::Async />
                    <Route path=path!("/firms/:id/visit") view=pages::visit::LogVisitPage ssr=SsrMode::Async />
                    <Route path=path!("/campaigns") view=pages::campaigns::CampaignsPage ssr=SsrMode::Async />
                    <Route path=path!("/calendar") view=pages::calendar::CalendarPage ssr=SsrMode::Async />
                    <Route path=path!("/rules") view=pages::rules::RulesPage ssr=SsrMode::Async />
                    <Route path=path!("/notifications") view=pages::notifications::NotificationsPage ssr=SsrMode::Async />
                    <Route path=path!("/bulletin") view=pages::bulletin::BulletinPage ssr=SsrMode::Async />
                    <Route path=path!("/dashboard") view=pages::dashboard::DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/reports") view=pages::report::ReportPage ssr=SsrMode::Async />
                    <Route path=path!("/import") view=pages::import::ImportPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=pages::login::LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/login/code") view=pages::login::LoginCodePage ssr=SsrMode::Async />
                    <Route path=path!("/account") view=pages::account::AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/users") view=pages::account::UsersPage ssr=SsrMode::Async />
                    <Route path=path!("/security") view=pages::security::SecurityPage ssr=SsrMode::Async />
                    <Route path=path!("/audit") view=pages::account::AuditPage ssr=SsrMode::Async />
                    <Route path=path!("/problems") view=pages::problem_list::ProblemListPage ssr=SsrMode::Async />
                    <Route path=path!("/queue") view=pages::problems::QueuePage ssr=SsrMode::Async />
                    <Route path=path!("/my") view=pages::my_firms::MyFirmsPage ssr=SsrMode::Async />
                    <Route path=path!("/workload") view=pages::workload::WorkloadPage ssr=SsrMode::Async />
                    <Route path=path!("/visits/:id/edit") view=pages::visit_edit::EditVisitPage ssr=SsrMode::Async />
                    <Route path=path!("/confirm/:token") view=pages::problems::ConfirmPage ssr=SsrMode::Async />
                </Routes>
            </components::Layout>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Leptos's loader hydrates the page's islands right after this returns, without yielding to
    // the event loop; a task queued now runs after them. The mark tells end-to-end tests (and
    // curious people) that the page is interactive.
    set_timeout(
        || {
            if let Some(body) = document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}

/// The page title as it goes out. leptos_meta writes the server-rendered `<title>` as raw text,
/// and titles carry what people typed (a firm's name, also from imports): escaped here, once for
/// every page, so `</title><meta http-equiv="refresh" …>` in a name stays text. The browser sets
/// `document.title` as text, so the hydrated app passes it on as it is.
fn title_text(full: String) -> String {
    #[cfg(feature = "ssr")]
    let full = html_escape::encode_text(&full).into_owned();
    full
}
