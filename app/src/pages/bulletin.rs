//! 工作通报: the weekly ranking of member units and regions by 响应率, 按时办结率, 解决率 and
//! 满意率, the bottom three named with their overdue problems, and the time each unit's
//! problems spent in each stage. Printable; downloadable as xlsx.

use crate::api::bulletin;
use crate::components::{ErrorBox, Loading};
use crate::i18n::locale;
use domain::K;
use domain::bulletin::{BulletinRow, Named};
use domain::rules::format_working_minutes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.1}%"))
        .unwrap_or_else(|| "—".to_owned())
}

#[component]
pub fn BulletinPage() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                query.read().get("week").unwrap_or_default(),
                query.read().get("campaign").unwrap_or_default(),
            )
        },
        |(w, c)| bulletin(w, c),
    );
    view! {
        <Title text=K::BulletinTitle.t(l) />
        <section class="page bulletin">
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <h1>{K::BulletinTitle.t(l)}</h1> <ErrorBox error=e /> }.into_any(),
                        Ok(b) => {
                            let code = b.week.code();
                            let heading = K::BulletinHeading.fill(l, &[
                                ("campaign", b.campaign_zh.clone()),
                                ("from", b.week.monday.to_string()),
                                ("to", b.week.sunday().to_string()),
                            ]);
                            let t = b.total.clone();
                            view! {
                                <h1 id="bulletin-title">{heading}</h1>
                                <form method="get" action="/bulletin" class="toolbar no-print">
                                    <a href=format!("/bulletin?week={}", b.week.previous().code()) id="week-prev">"‹ " {K::BulletinPrevious.t(l)}</a>
                                    <label for="week">{K::BulletinWeek.t(l)}</label>
                                    <input id="week" name="week" type="week" value=code.clone() />
                                    <button type="submit" class="secondary">{K::AsOfShow.t(l)}</button>
                                    <a href=format!("/bulletin?week={}", b.week.next().code()) id="week-next">{K::BulletinNext.t(l)} " ›"</a>
                                    <a rel="external" href=format!("/bulletin.xlsx?week={code}") id="bulletin-xlsx" class="button">{K::ReportXlsx.t(l)}</a>
                                </form>
                                <p class="muted">{K::BulletinAsOf.fill(l, &[("date", b.as_of.to_string())])} " " {K::BulletinExplain.t(l)}</p>
                                <p class="summary" id="bulletin-total">{K::BulletinTotal.fill(l, &[
                                    ("raised", t.figures.raised.to_string()),
                                    ("new", t.raised_this_week.to_string()),
                                    ("concluded", t.concluded_this_week.to_string()),
                                    ("overdue", t.figures.overdue.to_string()),
                                ])}</p>
                                <h2>{K::BulletinUnits.t(l)}</h2>
                                <Ranking rows=b.units.clone() id="bulletin-units" />
                                <h2>{K::BulletinBottomUnits.t(l)}</h2>
                                <Bottom named=b.bottom_units.clone() id="bottom-units" />
                                <h2>{K::BulletinRegions.t(l)}</h2>
                                <Ranking rows=b.regions.clone() id="bulletin-regions" />
                                <h2>{K::BulletinBottomRegions.t(l)}</h2>
                                <Bottom named=b.bottom_regions.clone() id="bottom-regions" />
                                <h2>{K::BulletinTimes.t(l)}</h2>
                                <Times rows=b.units.clone() />
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Ranking(rows: Vec<BulletinRow>, id: &'static str) -> impl IntoView {
    let l = locale();
    if rows.is_empty() {
        return view! { <p class="notice empty">{K::BulletinNone.t(l)}</p> }.into_any();
    }
    let last = rows.len().saturating_sub(domain::bulletin::BOTTOM);
    view! {
        <div class="table-wrap">
            <table class="grid" id=id>
                <thead><tr>
                    <th class="num">{K::BulletinRank.t(l)}</th>
                    <th>{K::BulletinName.t(l)}</th>
                    <th class="num">{K::BulletinRaised.t(l)}</th>
                    <th class="num">{K::BulletinOverdue.t(l)}</th>
                    <th class="num">{K::BulletinResponseRate.t(l)}</th>
                    <th class="num">{K::BulletinOnTimeRate.t(l)}</th>
                    <th class="num">{K::BulletinSolvedRate.t(l)}</th>
                    <th class="num">{K::BulletinSatisfiedRate.t(l)}</th>
                    <th class="num">{K::BulletinScore.t(l)}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().enumerate().map(|(i, r)| {
                        let [resp, on_time, solved, satisfied] = r.rates();
                        let name = match l { domain::Locale::Zh => r.name_zh.clone(), domain::Locale::En => r.name_en.clone() };
                        let class = if i >= last && r.score().is_some() { "bottom" } else { "" };
                        view! {
                            <tr class=class data-id=r.id>
                                <td class="num">{i + 1}</td>
                                <td>{name}</td>
                                <td class="num">{r.figures.raised}</td>
                                <td class="num">{r.figures.overdue}</td>
                                <td class="num">{pct(resp)}</td>
                                <td class="num">{pct(on_time)}</td>
                                <td class="num">{pct(solved)}</td>
                                <td class="num">{pct(satisfied)}</td>
                                <td class="num"><strong>{pct(r.score())}</strong></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }.into_any()
}

#[component]
fn Bottom(named: Vec<Named>, id: &'static str) -> impl IntoView {
    let l = locale();
    view! {
        <ol class="bottom-three" id=id>
            {named.into_iter().map(|nm| {
                let name = match l { domain::Locale::Zh => nm.row.name_zh.clone(), domain::Locale::En => nm.row.name_en.clone() };
                view! {
                    <li>
                        <p><strong>{name}</strong> " · " {K::BulletinScore.t(l)} " " {pct(nm.row.score())}
                            " · " {K::BulletinOverdueCount.fill(l, &[("n", nm.row.figures.overdue.to_string()), ("max", domain::bulletin::OVERDUE_LISTED.to_string())])}</p>
                        {(!nm.overdue.is_empty()).then(|| view! {
                            <ul class="overdue-items">
                                {nm.overdue.into_iter().map(|o| view! {
                                    <li data-problem=o.problem_id>
                                        <a href=format!("/firms/{}#problem-{}", o.firm_id, o.problem_id)>{o.firm_name}</a>
                                        " · " {o.description}
                                        " · " <span class="badge red">{K::BulletinLate.fill(l, &[("date", o.deadline.to_string()), ("n", o.working_days_overdue.to_string())])}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

#[component]
fn Times(rows: Vec<BulletinRow>) -> impl IntoView {
    let l = locale();
    let avg = move |r: &BulletinRow, m: i64| {
        r.average(m)
            .map(|x| format_working_minutes(x, l))
            .unwrap_or_else(|| "—".to_owned())
    };
    view! {
        <div class="table-wrap">
            <table class="grid" id="bulletin-times">
                <thead><tr>
                    <th>{K::BulletinName.t(l)}</th>
                    <th class="num">{K::BulletinTimed.t(l)}</th>
                    <th class="num">{K::BulletinAvgClaim.t(l)}</th>
                    <th class="num">{K::BulletinAvgHandle.t(l)}</th>
                    <th class="num">{K::BulletinAvgCallback.t(l)}</th>
                    <th class="num">{K::BulletinSumHandle.t(l)}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let name = match l { domain::Locale::Zh => r.name_zh.clone(), domain::Locale::En => r.name_en.clone() };
                        view! {
                            <tr>
                                <td>{name}</td>
                                <td class="num">{r.problems_timed}</td>
                                <td class="num">{avg(&r, r.minutes_claim)}</td>
                                <td class="num">{avg(&r, r.minutes_handle)}</td>
                                <td class="num">{avg(&r, r.minutes_callback)}</td>
                                <td class="num">{format_working_minutes(r.minutes_handle, l)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
