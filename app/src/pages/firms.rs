//! 企业: the firm list with search, filters and pages. A GET form, so every state has a URL.

use crate::api::list_firms;
use crate::components::{BasisNote, ErrorBox, Loading, TargetBadges};
use crate::i18n::locale;
use domain::firm::{FirmPage, FirmQuery, FirmQueryParams, FirmSort, TargetStatus};
use domain::{K, Region, Tier};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn FirmListPage() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let params = move || {
        let q = query.read();
        FirmQueryParams {
            q: q.get("q"),
            unassigned: q.get("unassigned"),
            region: q.get("region"),
            tier: q.get("tier"),
            page: q.get("page"),
            county: q.get("county"),
            industry: q.get("industry"),
            coordinator: q.get("coordinator"),
            status: q.get("status"),
            sort: q.get("sort"),
            as_of: q.get("as_of"),
            campaign: q.get("campaign"),
        }
    };
    let data = Resource::new(
        move || {
            (
                params(),
                query.read().get("assigned"),
                query.read().get("imported"),
            )
        },
        |(p, _, _)| list_firms(p),
    );
    let options = Resource::new(|| (), |_| crate::api::assign_options());
    view! {
        <Title text=K::FirmsTitle.t(l) />
        <section class="page firms">
            <h1>{K::FirmsTitle.t(l)}</h1>
            <Suspense>
                {move || Suspend::new(async move {
                    options.await.ok().flatten().map(|_| view! {
                        <p class="actions">
                            <a class="button primary" href="/firms/new">{K::NewFirm.t(l)}</a>
                            <a class="button secondary" href="/import?kind=firms" id="import-link">{K::ImportFirmsLink.t(l)}</a>
                        </p>
                    })
                })}
            </Suspense>
            {move || crate::pages::import::imported_notice(query.read().get("imported"))}
            <Suspense>
                {move || Suspend::new(async move {
                    let p = params();
                    let coordinators = options.await.ok().flatten();
                    view! { <Filters params=p coordinators /> }
                })}
            </Suspense>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => {
                            let q = params().parse().unwrap_or_default();
                            let coordinators = options.await.ok().flatten();
                            let notice = assign_notice(query.read_untracked().get("assigned"), query.read_untracked().get("assign_error"));
                            let basis = page.basis.clone();
                            view! { {notice} <BasisNote basis /> <FirmTable page query=q coordinators /> }.into_any()
                        }
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Filters(
    params: FirmQueryParams,
    coordinators: Option<Vec<domain::firm::CoordinatorOption>>,
) -> impl IntoView {
    let l = locale();
    let selected = |v: &Option<String>, id: i32| v.as_deref() == Some(id.to_string().as_str());
    let status = params.status.clone();
    let sort = params.sort.clone();
    let coordinator = params.coordinator.clone();
    view! {
        <Form method="GET" action="/firms" attr:class="filters" attr:role="search">
            // A list opened from the dashboard keeps counting for the dashboard's round and day.
            {params.as_of.clone().map(|d| view! { <input type="hidden" name="as_of" value=d /> })}
            {params.campaign.clone().map(|c| view! { <input type="hidden" name="campaign" value=c /> })}
            <div class="field grow">
                <label for="q">{K::SearchLabel.t(l)}</label>
                <input id="q" name="q" type="search" value=params.q.clone().unwrap_or_default() maxlength="100" />
            </div>
            <div class="field">
                <label for="region">{K::FilterRegion.t(l)}</label>
                <select id="region" name="region">
                    <option value="">{K::AllRegions.t(l)}</option>
                    {Region::ALL
                        .into_iter()
                        .map(|r| {
                            view! {
                                <option value=r.id() selected=selected(&params.region, r.id())>
                                    {r.name(l)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="tier">{K::FilterTier.t(l)}</label>
                <select id="tier" name="tier">
                    <option value="">{K::AllTiers.t(l)}</option>
                    {Tier::ALL
                        .into_iter()
                        .map(|t| {
                            view! {
                                <option value=t.id() selected=selected(&params.tier, t.id())>
                                    {t.name(l)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="status">{K::FilterStatus.t(l)}</label>
                <select id="status" name="status">
                    <option value="">{K::AllStatuses.t(l)}</option>
                    {TargetStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.code() selected=status.as_deref() == Some(s.code())>{s.label().t(l)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="county">{K::FilterCounty.t(l)}</label>
                <input id="county" name="county" type="text" maxlength="50" value=params.county.clone().unwrap_or_default() />
            </div>
            <div class="field">
                <label for="industry">{K::FilterIndustry.t(l)}</label>
                <input id="industry" name="industry" type="text" maxlength="50" value=params.industry.clone().unwrap_or_default() />
            </div>
            {coordinators.map(|list| view! {
                <div class="field">
                    <label for="coordinator">{K::FilterCoordinator.t(l)}</label>
                    <select id="coordinator" name="coordinator">
                        <option value="">{K::AllCoordinators.t(l)}</option>
                        {list.into_iter().map(|c| {
                            let on = coordinator.as_deref() == Some(c.id.to_string().as_str());
                            view! { <option value=c.id selected=on>{c.name}</option> }
                        }).collect_view()}
                    </select>
                </div>
            })}
            <div class="field">
                <label for="sort">{K::SortBy.t(l)}</label>
                <select id="sort" name="sort">
                    {FirmSort::ALL.into_iter().map(|s| view! {
                        <option value=s.code() selected=sort.as_deref().unwrap_or("region") == s.code()>{s.label().t(l)}</option>
                    }).collect_view()}
                </select>
            </div>
            <label class="choice unassigned">
                <input type="checkbox" name="unassigned" value="1" checked=params.unassigned.as_deref() == Some("1") />
                {K::OnlyUnassigned.t(l)}
            </label>
            <div class="field actions">
                <button type="submit">{K::SearchButton.t(l)}</button>
                <a class="button secondary" href="/firms">
                    {K::ResetFilters.t(l)}
                </a>
            </div>
        </Form>
    }
}

/// The outcome of a bulk assignment, from the query the server redirected back with.
fn assign_notice(assigned: Option<String>, error: Option<String>) -> Option<AnyView> {
    let l = locale();
    if let Some(counts) = assigned {
        let n: Vec<String> = counts.split('.').map(str::to_owned).collect();
        let get = |i: usize| n.get(i).cloned().unwrap_or_default();
        let text = K::Assigned.fill(l, &[("a", get(0)), ("h", get(1)), ("u", get(2))]);
        return Some(
            view! { <p class="notice success" role="status" id="assign-result">"✓ " {text}</p> }
                .into_any(),
        );
    }
    error.map(|code| {
        let key = match code.as_str() {
            "none" => K::ErrNoFirmsChosen,
            "reason" => K::ErrReasonRequired,
            "coordinator" => K::ErrNotACoordinator,
            _ => K::ErrInternal,
        };
        view! { <p class="notice error" role="alert" id="assign-result">{key.t(l)}</p> }.into_any()
    })
}

#[component]
fn FirmTable(
    page: FirmPage,
    query: FirmQuery,
    coordinators: Option<Vec<domain::firm::CoordinatorOption>>,
) -> impl IntoView {
    let l = locale();
    let office = coordinators.is_some();
    let back = {
        let qs = query.to_query_string(page.page);
        if qs.is_empty() {
            "/firms".to_owned()
        } else {
            format!("/firms?{qs}")
        }
    };
    if page.rows.is_empty() {
        return view! { <p class="notice empty">{K::NoFirmsFound.t(l)}</p> }.into_any();
    }
    let pages = page.pages();
    let count = K::ResultCount.fill(
        l,
        &[
            ("total", page.total.to_string()),
            ("page", page.page.to_string()),
            ("pages", pages.to_string()),
        ],
    );
    let export = |format: &str| {
        let qs = query.to_query_string(1);
        if qs.is_empty() {
            format!("/firms/export?format={format}")
        } else {
            format!("/firms/export?format={format}&{qs}")
        }
    };
    let (xlsx, csv) = (export("xlsx"), export("csv"));
    let link = move |n: u64| {
        let qs = query.to_query_string(n);
        if qs.is_empty() {
            "/firms".to_owned()
        } else {
            format!("/firms?{qs}")
        }
    };
    let prev = (page.page > 1)
        .then(|| view! { <a rel="prev" href=link(page.page - 1)>{K::PrevPage.t(l)}</a> });
    let next = (page.page < pages)
        .then(|| view! { <a rel="next" href=link(page.page + 1)>{K::NextPage.t(l)}</a> });
    view! {
        <p class="count" id="result-count">
            {count}
            " "
            <a class="export" href=xlsx download id="export-xlsx">{K::ExportXlsx.t(l)}</a>
            " · "
            <a class="export" href=csv download id="export-csv">{K::ExportCsv.t(l)}</a>
        </p>
        <ul class="firm-list">
            {page
                .rows
                .into_iter()
                .map(|f| {
                    view! {
                        <li class="firm-row">
                            {office.then(|| view! {
                                <label class="pick">
                                    <input type="checkbox" name="firm" value=f.id form="bulk-assign" />
                                    <span class="sr">{K::SelectFirm.t(l)}</span>
                                </label>
                            })}
                            <a class="firm-name" href=format!("/firms/{}", f.id)>
                                {f.name}
                            </a>
                            <span class="code">{f.credit_code}</span>
                            <span class="meta">
                                {f.region.name(l)} " · " {f.county} " · " {f.tier.name(l)}
                            </span>
                            <span class="meta">
                                {K::ColCoordinator.t(l)} ": "
                                {match f.coordinator {
                                    Some(name) => view! { <span>{name}</span> }.into_any(),
                                    None => {
                                        view! { <span class="badge yellow">{K::Unassigned.t(l)}</span> }
                                            .into_any()
                                    }
                                }}
                            </span>
                            <TargetBadges targets=f.targets />
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <nav class="pager" aria-label=K::Pages.t(l)>
            {prev}
            <span>{page.page} " / " {pages}</span>
            {next}
        </nav>
        {coordinators.map(|list| view! {
            <form id="bulk-assign" class="form inline bulk" method="post" action="/firms/assign">
                <input type="hidden" name="back" value=back.clone() />
                <div class="field">
                    <label for="bulk-coordinator">{K::AssignSelected.t(l)}</label>
                    <select id="bulk-coordinator" name="coordinator_id">
                        {list.into_iter().map(|c| view! {
                            <option value=c.id>{format!("{} · {} · {}", c.name, c.member_unit.unwrap_or_default(), K::FirmsCount.fill(l, &[("n", c.firms.to_string())]))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="bulk-reason">{K::AssignReason.t(l)}</label>
                    <input id="bulk-reason" name="reason" type="text" maxlength="500" />
                </div>
                <button type="submit" class="primary">{K::AssignButton.t(l)}</button>
            </form>
        })}
    }
    .into_any()
}
