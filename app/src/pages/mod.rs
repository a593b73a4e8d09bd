//! One module per page.

pub mod account;
pub mod bulletin;
pub mod calendar;
pub mod campaigns;
pub mod dashboard;
pub mod firm_file;
pub mod firm_form;
pub mod firms;
pub mod import;
pub mod login;
pub mod my_firms;
pub mod notifications;
pub mod problem_list;
pub mod problems;
pub mod progress;
pub mod report;
pub mod rules;
pub mod security;
pub mod supervision;
pub mod visit;
pub mod visit_edit;
pub mod workload;

use crate::i18n::locale;
use domain::K;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    let l = locale();
    view! {
        <Title text=K::NotFoundTitle.t(l) />
        <section class="page">
            <h1>{K::NotFoundTitle.t(l)}</h1>
            <p>{K::NotFoundBody.t(l)}</p>
            <p>
                <a href="/">{K::NavProgress.t(l)}</a>
            </p>
        </section>
    }
}
