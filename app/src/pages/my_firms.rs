//! 我的企业: a coordinator's firms on a phone, what needs action first, one tap to log a visit.

use crate::api::my_firms;
use crate::components::{BasisNote, ErrorBox, Loading, TargetBadges, UrgencyBadge};
use crate::i18n::locale;
use domain::K;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MyFirmsPage() -> impl IntoView {
    let l = locale();
    let data = Resource::new(|| (), |_| my_firms());
    view! {
        <Title text=K::MyFirmsTitle.t(l) />
        <section class="page my-firms">
            <h1>{K::MyFirmsTitle.t(l)}</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        Ok(my) if my.firms.is_empty() => view! { <p class="notice empty">{K::NoFirmsFound.t(l)}</p> }.into_any(),
                        Ok(domain::firm::MyFirms { firms, basis, .. }) => view! {
                            <BasisNote basis />
                            <ul class="my-list">
                                {firms.into_iter().map(|f| {
                                    let urgency = f.urgency;
                                    view! {
                                        <li class="my-firm">
                                            <a class="firm-name" href=format!("/firms/{}", f.id)>{f.name.clone()}</a>
                                            <span class="meta">{f.region.name(l)} " · " {f.county.clone()}</span>
                                            <TargetBadges targets=f.targets />
                                            {(f.open_problems > 0).then(|| view! {
                                                <span class="meta">
                                                    {K::OpenProblems.fill(l, &[("n", f.open_problems.to_string())])}
                                                    {f.next_deadline.map(|d| format!(" · {}", K::NextDeadline.fill(l, &[("date", d.to_string())])))}
                                                    " " <UrgencyBadge urgency />
                                                </span>
                                            })}
                                            <a class="button primary" href=format!("/firms/{}/visit", f.id)>{K::LogVisit.t(l)}</a>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
