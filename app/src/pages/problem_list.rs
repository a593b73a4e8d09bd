//! 问题清单: the problems a dashboard figure counts, as of its day, filtered by figure, member
//! unit, measure and region. A GET form, so every list has a URL the dashboard's tiles link to.

use crate::api::problem_list;
use crate::components::{ErrorBox, Loading};
use crate::i18n::locale;
use domain::kpi::problems::Figure;
use domain::problem::{ProblemList, ProblemListParams};
use domain::{K, Locale, Region};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

pub fn figure_name(f: Figure) -> K {
    match f {
        Figure::Raised => K::FigureRaised,
        Figure::Open => K::FigureOpen,
        Figure::Overdue => K::FigureOverdue,
        Figure::Concluded => K::FigureConcluded,
        Figure::OnTime => K::FigureOnTime,
        Figure::Solved => K::FigureSolved,
        Figure::Answered => K::FigureAnswered,
        Figure::Satisfied => K::FigureSatisfied,
    }
}

#[component]
pub fn ProblemListPage() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let params = move || {
        let q = query.read();
        ProblemListParams {
            figure: q.get("figure"),
            unit: q.get("unit"),
            measure: q.get("measure"),
            region: q.get("region"),
            campaign: q.get("campaign"),
            as_of: q.get("as_of"),
            page: q.get("page"),
            supervised: q.get("supervised"),
        }
    };
    let data = Resource::new(params, problem_list);
    view! {
        <Title text=K::ProblemListTitle.t(l) />
        <section class="page problem-list">
            <h1>{K::ProblemListTitle.t(l)}</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        Ok(list) => view! { <Filters list=list.clone() /> <Rows list /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Filters(list: ProblemList) -> impl IntoView {
    let l = locale();
    let chosen = |v: &Option<String>| v.clone().unwrap_or_default();
    let (unit, measure, region) = (
        chosen(&list.params.unit),
        chosen(&list.params.measure),
        chosen(&list.params.region),
    );
    let supervised = list.params.supervised.as_deref() == Some("1");
    let name = move |zh: &str, en: &str| {
        if l == Locale::Zh {
            zh.to_owned()
        } else {
            en.to_owned()
        }
    };
    view! {
        <Form method="GET" action="/problems" attr:class="filters" attr:id="problem-filters">
            <input type="hidden" name="campaign" value=list.campaign_id.to_string() />
            <input type="hidden" name="as_of" value=list.as_of.to_string() />
            <div class="field">
                <label for="figure">{K::FilterFigure.t(l)}</label>
                <select id="figure" name="figure">
                    {Figure::ALL.into_iter().map(|f| view! {
                        <option value=f.code() selected=f == list.figure>{figure_name(f).t(l)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="unit">{K::ColUnits.t(l)}</label>
                <select id="unit" name="unit">
                    <option value="">{K::FilterAny.t(l)}</option>
                    {list.units.iter().map(|(id, zh, en)| view! {
                        <option value=id.to_string() selected=unit == id.to_string()>{name(zh, en)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="measure">{K::ColMeasure.t(l)}</label>
                <select id="measure" name="measure">
                    <option value="">{K::FilterAny.t(l)}</option>
                    {list.measures.iter().map(|g| view! {
                        <optgroup label=name(&g.area_zh, &g.area_en)>
                            {g.measures.iter().map(|(id, zh, en)| view! {
                                <option value=id.to_string() selected=measure == id.to_string()>{name(zh, en)}</option>
                            }).collect_view()}
                        </optgroup>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="region">{K::ColRegion.t(l)}</label>
                <select id="region" name="region">
                    <option value="">{K::FilterAny.t(l)}</option>
                    {Region::ALL.into_iter().map(|r| view! {
                        <option value=r.id().to_string() selected=region == r.id().to_string()>{r.name(l)}</option>
                    }).collect_view()}
                </select>
            </div>
            <label class="choice">
                <input type="checkbox" name="supervised" value="1" id="supervised" checked=supervised />
                {K::FilterSupervised.t(l)}
            </label>
            <button type="submit" class="primary">{K::FilterApply.t(l)}</button>
        </Form>
    }
}

#[component]
fn Rows(list: ProblemList) -> impl IntoView {
    let l = locale();
    let link = {
        let params = list.params.clone();
        move |page: u64| format!("/problems?{}", params.to_query_string(page))
    };
    let prev = (list.page > 1)
        .then(|| view! { <a rel="prev" href=link(list.page - 1)>{K::PrevPage.t(l)}</a> });
    let next = (list.page < list.pages)
        .then(|| view! { <a rel="next" href=link(list.page + 1)>{K::NextPage.t(l)}</a> });
    let heading = K::ProblemListTotal.fill(
        l,
        &[
            ("n", list.total.to_string()),
            ("date", list.as_of.to_string()),
        ],
    );
    let overdue_column = list.rows.iter().any(|r| r.days_overdue > 0);
    view! {
        <p class="count" id="problem-count" data-total=list.total>
            <strong>{figure_name(list.figure).t(l)}</strong> " · " {heading}
        </p>
        {if list.rows.is_empty() {
            view! { <p class="notice empty">{K::NoProblemsFound.t(l)}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="grid" id="problem-rows">
                        <thead><tr>
                            <th>{K::ColFirm.t(l)}</th>
                            <th>{K::ColDescription.t(l)}</th>
                            <th>{K::ColMeasure.t(l)}</th>
                            <th>{K::ColUnits.t(l)}</th>
                            <th>{K::ColStatus.t(l)}</th>
                            <th>{K::ColDeadline.t(l)}</th>
                            {overdue_column.then(|| view! { <th>{K::ColDaysOverdue.t(l)}</th> })}
                        </tr></thead>
                        <tbody>
                            {list.rows.into_iter().map(|r| view! {
                                <tr data-problem=r.id class={if r.days_overdue > 0 { "overdue" } else { "" }}>
                                    <td><a href=format!("/firms/{}", r.firm_id)>{r.firm_name}</a></td>
                                    <td><div class="clip">{r.description}</div></td>
                                    <td>{if l == Locale::Zh { r.measure_zh } else { r.measure_en }}</td>
                                    <td>{r.units}</td>
                                    <td class="nowrap">
                                        <span class=format!("status {}", r.status.code())>{r.status.name(l)}</span>
                                        {(r.supervisions > 0).then(|| view! {
                                            <br/><span class={if r.unanswered > 0 { "badge red" } else { "badge" }}>{K::Supervision.t(l)} " " {r.supervisions}</span>
                                        })}
                                    </td>
                                    <td class="nowrap">{r.deadline.to_string()}</td>
                                    {overdue_column.then(|| view! { <td class="num">{r.days_overdue}</td> })}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <nav class="pager" aria-label=K::Pages.t(l)>
                    {prev}
                    <span>{K::PageOf.fill(l, &[("page", list.page.to_string()), ("pages", list.pages.to_string())])}</span>
                    {next}
                </nav>
            }.into_any()
        }}
    }
}
