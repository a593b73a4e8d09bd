//! 首页: the campaign's two targets as of a day.

use crate::api::{ProgressView, get_progress};
use crate::components::{ErrorBox, Loading, TargetBar};
use crate::i18n::locale;
use domain::K;
use domain::campaign::Phase;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ProgressPage() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("as_of"), get_progress);
    view! {
        <Title text=K::ProgressTitle.t(l) />
        <section class="page progress">
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => view! { <ProgressBody view /> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ProgressBody(view: ProgressView) -> impl IntoView {
    let l = locale();
    let ProgressView {
        progress: p, phase, ..
    } = view;
    let c = &p.campaign;
    let status = match phase {
        Phase::NotStarted => K::CampaignNotStarted.fill(l, &[("start", c.starts_on.to_string())]),
        Phase::Running { days_left: 0 } => {
            K::DeadlineToday.fill(l, &[("deadline", c.deadline.to_string())])
        }
        Phase::Running { days_left } => K::DaysToDeadline.fill(
            l,
            &[
                ("days", days_left.to_string()),
                ("deadline", c.deadline.to_string()),
            ],
        ),
        Phase::Ended => K::CampaignEnded.fill(l, &[("deadline", c.deadline.to_string())]),
    };
    let name = match l {
        domain::Locale::Zh => c.name_zh.clone(),
        domain::Locale::En => c.name_en.clone(),
    };
    let expected = c.elapsed_percent(p.as_of);
    let visited_pace = c.pace(p.visited_percent(), p.as_of);
    let solved_pace = c.pace(p.solved_percent(), p.as_of);
    let both_pace = c.pace(p.both_percent(), p.as_of);
    let (start, deadline) = (c.starts_on, c.deadline);
    view! {
        <header class="page-head">
            <h1>{name}</h1>
            <p class="status" id="campaign-status">
                {status}
            </p>
            <p class="muted">
                {K::CampaignPeriod.t(l)} ": " {start.to_string()} " — " {deadline.to_string()}
            </p>
        </header>
        <Form method="GET" action="/" attr:class="asof">
            <label for="as_of">{K::AsOf.t(l)}</label>
            <input
                type="date"
                id="as_of"
                name="as_of"
                value=p.as_of.to_string()
                min=start.to_string()
            />
            <button type="submit">{K::AsOfShow.t(l)}</button>
        </Form>
        <p class="kpi-scope">
            {K::FirmsInScope.t(l)} ": " <strong id="firms-in-scope">{p.firms_in_scope}</strong> " "
            {K::UnitFirms.t(l)} " · "
            {K::ExpectedByNow.fill(l, &[("pct", format!("{expected:.1}"))])}
        </p>
        {(p.firms_in_scope == 0).then(|| view! { <p class="notice">{K::NoFirmsInScope.t(l)}</p> })}
        <div class="targets">
            <TargetBar
                label=K::TargetVisited.t(l)
                part=p.visited_on_site
                whole=p.firms_in_scope
                pace=visited_pace
                id="target-visited"
            />
            <TargetBar
                label=K::TargetSolved.t(l)
                part=p.with_solved_problem
                whole=p.firms_in_scope
                pace=solved_pace
                id="target-solved"
            />
            <TargetBar
                label=K::BothTargetsMet.t(l)
                part=p.both_targets_met
                whole=p.firms_in_scope
                pace=both_pace
                id="target-both"
            />
        </div>
        <p>
            <a class="button secondary" href="/firms">
                {K::ViewFirms.t(l)}
            </a>
        </p>
    }
}
