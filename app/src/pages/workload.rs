//! 协调员工作量: every coordinator's firms and results, and the firms still without one.

use crate::api::workload;
use crate::components::{BasisNote, ErrorBox, Loading};
use crate::i18n::locale;
use domain::K;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn WorkloadPage() -> impl IntoView {
    let l = locale();
    let query = leptos_router::hooks::use_query_map();
    let data = Resource::new(move || query.read().get("imported"), |_| workload());
    let office = Resource::new(|| (), |_| crate::api::assign_options());
    view! {
        <Title text=K::Workload.t(l) />
        <section class="page workload">
            <h1>{K::Workload.t(l)}</h1>
            {move || crate::pages::import::imported_notice(query.read().get("imported"))}
            <Suspense>
                {move || Suspend::new(async move {
                    office.await.ok().flatten().map(|_| view! {
                        <p class="actions">
                            <a class="button secondary" href="/import?kind=coordinators" id="import-roster">{K::ImportCoordinatorsLink.t(l)}</a>
                        </p>
                    })
                })}
            </Suspense>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        Ok(domain::firm::Workload { rows, unassigned, basis }) => view! {
                            <BasisNote basis />
                            <p class={if unassigned > 0 { "notice warn" } else { "notice" }} id="unassigned">
                                <a href="/firms?unassigned=1">{K::UnassignedFirms.fill(l, &[("n", unassigned.to_string())])}</a>
                            </p>
                            <div class="table-wrap">
                                <table class="grid">
                                    <thead>
                                        <tr>
                                            <th>{K::Coordinator.t(l)}</th>
                                            <th>{K::RoleUnit.t(l)}</th>
                                            <th>{K::ColPhone.t(l)}</th>
                                            <th>{K::ColFirms.t(l)}</th>
                                            <th>{K::ColCounted.t(l)}</th>
                                            <th>{K::ColVisited.t(l)}</th>
                                            <th>{K::ColSolved.t(l)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {rows.into_iter().map(|r| view! {
                                            <tr>
                                                <td><a href=format!("/firms?coordinator={}", r.id)>{r.name}</a></td>
                                                <td>{r.member_unit.unwrap_or_default()}</td>
                                                <td>{r.phone}</td>
                                                <td class="num">{r.firms}</td>
                                                <td class="num">{r.in_scope}</td>
                                                <td class="num">{r.visited}</td>
                                                <td class="num">{r.solved}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
