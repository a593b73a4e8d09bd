//! 协调员工作量: every coordinator's firms and results, and the firms still without one.

use crate::api::workload;
use crate::components::{ErrorBox, Loading};
use crate::i18n::locale;
use domain::K;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn WorkloadPage() -> impl IntoView {
    let l = locale();
    let data = Resource::new(|| (), |_| workload());
    view! {
        <Title text=K::Workload.t(l) />
        <section class="page workload">
            <h1>{K::Workload.t(l)}</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        Ok((rows, unassigned)) => view! {
                            <p class={if unassigned > 0 { "notice warn" } else { "notice" }} id="unassigned">
                                <a href="/firms?unassigned=1">{K::UnassignedFirms.fill(l, &[("n", unassigned.to_string())])}</a>
                            </p>
                            <div class="table-wrap">
                                <table class="grid">
                                    <thead>
                                        <tr>
                                            <th>{K::Coordinator.t(l)}</th>
                                            <th>{K::RoleUnit.t(l)}</th>
                                            <th>{K::ColFirms.t(l)}</th>
                                            <th>{K::ColVisited.t(l)}</th>
                                            <th>{K::ColSolved.t(l)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {rows.into_iter().map(|r| view! {
                                            <tr>
                                                <td>{r.name}</td>
                                                <td>{r.member_unit.unwrap_or_default()}</td>
                                                <td class="num">{r.firms}</td>
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
