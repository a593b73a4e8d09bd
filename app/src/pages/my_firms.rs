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
                        Ok(my) => {
                            let c = my.counts();
                            let domain::firm::MyFirms { firms, basis, .. } = my;
                            view! {
                            <dl class="my-counts" id="my-counts">
                                <div><dt>{K::MyCountFirms.t(l)}</dt><dd class="num" data-count="firms">{c.firms}</dd></div>
                                <div><dt>{K::MyCountVisited.t(l)}</dt><dd class="num" data-count="visited">{c.visited_on_site} "/" {c.in_scope}</dd></div>
                                <div><dt>{K::MyCountSolved.t(l)}</dt><dd class="num" data-count="solved">{c.problem_solved} "/" {c.in_scope}</dd></div>
                                <div><dt>{K::MyCountOpen.t(l)}</dt><dd class="num" data-count="open">{c.open_problems}</dd></div>
                            </dl>
                            <BasisNote basis />
                            <ul class="my-list">
                                {firms.into_iter().map(|f| {
                                    let urgency = f.urgency;
                                    let needs_visit = f.needs_visit();
                                    let tel = format!("tel:{}", f.contact_phone.replace([' ', '-'], ""));
                                    view! {
                                        <li class="my-firm" data-firm=f.id>
                                            <a class="firm-name" href=format!("/firms/{}", f.id)>{f.name.clone()}</a>
                                            <span class="meta">{f.region.name(l)} " · " {f.county.clone()}</span>
                                            <TargetBadges targets=f.targets />
                                            <span class="meta last-visit">
                                                {match f.last_visit {
                                                    Some(d) => view! { {K::LastVisit.t(l)} " " <time class="date" datetime=d.to_string()>{d.to_string()}</time> }.into_any(),
                                                    None => view! { {K::NeverVisited.t(l)} }.into_any(),
                                                }}
                                            </span>
                                            {(!f.contact_phone.is_empty()).then(|| view! {
                                                <span class="meta contact">
                                                    {f.contact_name.clone()} " "
                                                    <a class="tel" href=tel>{f.contact_phone.clone()}</a>
                                                </span>
                                            })}
                                            {(f.open_problems > 0).then(|| view! {
                                                <span class="meta">
                                                    {K::OpenProblems.fill(l, &[("n", f.open_problems.to_string())])}
                                                    {f.next_deadline.map(|d| format!(" · {}", K::NextDeadline.fill(l, &[("date", d.to_string())])))}
                                                    " " <UrgencyBadge urgency />
                                                </span>
                                            })}
                                            <a class=if needs_visit { "button primary" } else { "button secondary" }
                                                href=format!("/firms/{}/visit", f.id)>{K::LogVisit.t(l)}</a>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
