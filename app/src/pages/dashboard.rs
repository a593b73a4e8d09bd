//! 领导驾驶舱: whether the campaign will meet its two targets, where it lags, who must act.
//! Server-rendered, charts included (inline SVG with the numbers as text), so it reads and prints
//! with JavaScript off. Every number links to the list behind it.

use crate::api::get_dashboard;
use crate::components::{ErrorBox, Loading, name, pace_style};
use crate::i18n::locale;
use domain::K;
use domain::campaign::percent;
use domain::dashboard::{
    BurnPoint, Dashboard, FirmFlag, Flags, OverdueFlag, TargetRow, rank_regions_worst_first,
    region_colour, unit_colour,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let data = Resource::new(
        move || (query.read().get("as_of"), query.read().get("campaign")),
        |(as_of, campaign)| get_dashboard(as_of, campaign),
    );
    let campaigns = Resource::new(|| (), |_| crate::api::list_campaigns());
    view! {
        <Title text=K::DashboardTitle.t(l) />
        <section class="page dashboard">
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => {
                            let rounds = campaigns.await.unwrap_or_default();
                            view! { <DashboardBody d rounds /> }.into_any()
                        }
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn pct(v: f64) -> String {
    format!("{v:.1}%")
}

/// Green at or ahead of the calendar, yellow within 10 points, red further behind.
fn colour(d: &Dashboard, achieved: f64) -> &'static str {
    pace_style(d.campaign.pace(achieved, d.as_of)).0
}

#[component]
fn Tile(
    label: K,
    value: String,
    #[prop(optional)] detail: Option<String>,
    #[prop(optional)] href: Option<String>,
    #[prop(optional)] class: &'static str,
    #[prop(optional)] id: &'static str,
) -> impl IntoView {
    let l = locale();
    let number = match href {
        Some(h) => view! { <a class="tile-num" href=h>{value}</a> }.into_any(),
        None => view! { <span class="tile-num">{value}</span> }.into_any(),
    };
    view! {
        <div class=format!("tile {class}") id=id>
            <span class="tile-label">{label.t(l)}</span>
            {number}
            {detail.map(|t| view! { <span class="tile-detail">{t}</span> })}
        </div>
    }
}

#[component]
fn DashboardBody(d: Dashboard, rounds: Vec<domain::Campaign>) -> impl IntoView {
    let l = locale();
    let c = d.campaign.clone();
    let days_left = (c.deadline - d.as_of).num_days().max(0);
    let p = d.problems.clone();
    let of = |n: u64| K::OfN.fill(l, &[("n", n.to_string())]);
    let firms = |n: u64| format!("{n} {}", K::UnitFirms.t(l));
    let visited_pct = d.visited_percent();
    let solved_pct = d.solved_percent();
    let both_pct = d.both_percent();
    let at = format!("&campaign={}&as_of={}", c.id, d.as_of);
    let mut regions_worst_first = d.by_region.clone();
    rank_regions_worst_first(&mut regions_worst_first);
    let region_colours: Vec<&'static str> = regions_worst_first
        .iter()
        .map(|r| region_colour(&c, r, d.as_of).class())
        .collect();
    // Ranked worst first by the domain already.
    let units_worst_first = d.by_unit.clone();
    view! {
        <header class="page-head">
            <h1>{K::DashboardTitle.t(l)}</h1>
            <p class="muted">
                {name(l, &c.name_zh, &c.name_en)} " · " {K::CampaignPeriod.t(l)} ": "
                {c.starts_on.to_string()} " — " {c.deadline.to_string()}
            </p>
        </header>
        <Form method="GET" action="/dashboard" attr:class="asof">
            {(rounds.len() > 1).then(|| {
                let chosen = c.id;
                view! {
                    <label for="campaign">{K::CampaignChoose.t(l)}</label>
                    <select id="campaign" name="campaign">
                        {rounds.into_iter().map(|r| view! {
                            <option value=r.id selected=r.id == chosen>{name(l, &r.name_zh, &r.name_en)}</option>
                        }).collect_view()}
                    </select>
                }
            })}
            <label for="as_of">{K::AsOf.t(l)}</label>
            <input type="date" id="as_of" name="as_of" value=d.as_of.to_string() min=c.starts_on.to_string() />
            <button type="submit">{K::AsOfShow.t(l)}</button>
        </Form>
        <section class="verdicts" aria-label=K::DashboardTitle.t(l)>
            <VerdictCard title=K::VerdictVisitTitle v=d.visit_verdict.clone() deadline=c.deadline href=format!("/firms?status=visited{at}") id="verdict-visit" />
            <VerdictCard title=K::VerdictSolveTitle v=d.solve_verdict.clone() deadline=c.deadline href=format!("/firms?status=solved{at}") id="verdict-solve" />
        </section>
        // The lists behind the figures count for the same round and day as the figures.
        <div class="tiles">
            <Tile label=K::TileInScope value=d.in_scope.to_string() detail=K::UnitFirms.t(l).to_owned() href=format!("/firms?status=in_scope{at}") id="tile-scope" />
            <Tile label=K::TileVisited value=pct(visited_pct) detail=format!("{} / {}", d.visited, d.in_scope) href=format!("/firms?status=visited{at}") class=d.visit_verdict.outlook.colour().name() id="tile-visited" />
            <Tile label=K::TileSolvedFirms value=pct(solved_pct) detail=format!("{} / {}", d.solved_firms, d.in_scope) href=format!("/firms?status=solved{at}") class=d.solve_verdict.outlook.colour().name() id="tile-solved" />
            <Tile label=K::TileBoth value=pct(both_pct) detail=firms(d.both) href=format!("/firms?status=both{at}") class=colour(&d, both_pct) id="tile-both" />
            <Tile label=K::TileDaysLeft value=days_left.to_string() detail=K::DaysUnit.t(l).to_owned() id="tile-days" />
            <Tile label=K::TileUnassigned value=d.unassigned.to_string() detail=K::UnitFirms.t(l).to_owned() href="/firms?unassigned=1".into() class={if d.unassigned > 0 { "yellow" } else { "green" }} id="tile-unassigned" />
            <Tile label=K::TileRaised value=p.raised.to_string() detail=K::ProblemsUnit.t(l).to_owned() href=format!("/problems?figure=raised{at}") id="tile-raised" />
            <Tile label=K::TileSolvedProblems value=p.solved.to_string() detail=of(p.raised) href=format!("/problems?figure=solved{at}") id="tile-solved-problems" />
            <Tile label=K::TileConcluded value=pct(p.concluded_percent()) detail=format!("{} / {}", p.concluded, p.raised) href=format!("/problems?figure=concluded{at}") id="tile-concluded" />
            <Tile label=K::TileOnTime value=pct(p.on_time_percent()) detail=format!("{} / {}", p.concluded_on_time, p.concluded) href=format!("/problems?figure=on_time{at}") id="tile-on-time" />
            <Tile label=K::TileOverdue value=pct(p.overdue_percent()) detail=format!("{} / {}", p.overdue, p.raised) href=format!("/problems?figure=overdue{at}") class={if p.overdue > 0 { "red" } else { "green" }} id="tile-overdue" />
            <Tile label=K::TileSupervised value=d.supervised.to_string() detail=K::TileSupervisedDetail.fill(l, &[("n", d.awaiting_reply.to_string())]) href=format!("/problems?figure=raised&supervised=1{at}") class={if d.awaiting_reply > 0 { "red" } else { "green" }} id="tile-supervised" />
            <Tile label=K::TileSatisfied value=pct(p.satisfied_percent()) detail=format!("{} / {}", p.satisfied, p.answered) href=format!("/problems?figure=satisfied{at}") id="tile-satisfied" />
        </div>

        <h2>{K::BurnupTitle.t(l)}</h2>
        <BurnUp d=d.clone() />

        <div class="lists">
            <FirmList title=K::RedNotVisited class="red" flags=d.not_visited.clone() all=format!("/firms?status=not_visited{at}") id="red-not-visited" />
            <FirmList title=K::YellowNothingSolved class="yellow" flags=d.nothing_solved.clone() all=format!("/firms?status=not_solved{at}") id="yellow-nothing-solved" />
            <OverdueList flags=d.overdue.clone() />
        </div>

        <h2>{K::ByRegion.t(l)}</h2>
        <TargetTable rows=regions_worst_first link_region=true at=at.clone() colour=region_colours />
        <h2>{K::ByUnit.t(l)}</h2>
        <div class="table-wrap">
            <table class="grid" id="by-unit">
                <thead><tr>
                    <th>{K::RoleUnit.t(l)}</th><th>{K::ColRouted.t(l)}</th><th>{K::ColConcluded.t(l)}</th>
                    <th>{K::ColSolvedProblems.t(l)}</th><th>{K::ColOverdue.t(l)}</th><th>{K::ColMedianDays.t(l)}</th>
                    <th>{K::ColSupervised.t(l)}</th><th>{K::ColReopened.t(l)}</th>
                </tr></thead>
                <tbody>
                    {units_worst_first.iter().map(|u| view! {
                        <tr class=unit_colour(u).class()>
                            <td>{name(l, &u.name_zh, &u.name_en)}</td>
                            <td class="num"><a href=format!("/problems?figure=raised&unit={}{at}", u.id)>{u.figures.raised}</a></td>
                            <td class="num">{u.figures.concluded} " (" {pct(u.figures.concluded_percent())} ")"</td>
                            <td class="num"><a href=format!("/problems?figure=solved&unit={}{at}", u.id)>{u.figures.solved}</a></td>
                            <td class="num"><a href=format!("/problems?figure=overdue&unit={}{at}", u.id)>{u.figures.overdue}</a></td>
                            <td class="num">{u.median_days_to_conclude.map(|m| format!("{m:.1}")).unwrap_or_else(|| "—".into())}</td>
                            <td class="num"><a href=format!("/problems?figure=raised&supervised=1&unit={}{at}", u.id)>{u.supervised}</a></td>
                            <td class="num">{u.reopened}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <div class="two-col">
            <div>
                <h2>{K::ByCoordinator.t(l)}</h2>
                <League rows=d.by_coordinator.clone() />
            </div>
            <div>
                <h2>{K::CoordinatorsBehind.t(l)}</h2>
                <League rows=d.coordinators_behind.clone() />
            </div>
        </div>
        <h2>{K::ByTier.t(l)}</h2>
        <TargetTable rows=d.by_tier.clone() link_region=false at=at.clone() colour=vec![] />
        <h2>{K::ByMeasure.t(l)}</h2>
        <div class="table-wrap">
            <table class="grid" id="by-measure">
                <thead><tr>
                    <th>{K::ColMeasure.t(l)}</th><th>{K::TileRaised.t(l)}</th>
                    <th>{K::ColSolvedProblems.t(l)}</th><th>{K::ColOpen.t(l)}</th>
                </tr></thead>
                <tbody>
                    {d.by_measure.iter().take(10).map(|m| view! {
                        <tr>
                            <td>"(" {m.measure_no} ") " {name(l, &m.name_zh, &m.name_en)} <br/>
                                <span class="muted">{name(l, &m.area_zh, &m.area_en)}</span></td>
                            <td class="num">{m.raised}</td>
                            <td class="num">{m.solved}</td>
                            <td class="num">{m.open}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// One target's verdict in words and colour, with the gap and the weekly pace it needs; after
/// the deadline, the result.
#[component]
fn VerdictCard(
    title: K,
    v: domain::dashboard::Verdict,
    deadline: chrono::NaiveDate,
    href: String,
    id: &'static str,
) -> impl IntoView {
    use domain::dashboard::Outlook;
    let l = locale();
    let class = v.outlook.colour().name();
    let words = match v.outlook {
        Outlook::Met => K::OutlookMet,
        Outlook::WillBeMet => K::OutlookWillBeMet,
        Outlook::AtRisk => K::OutlookAtRisk,
        Outlook::WillBeMissed => K::OutlookWillBeMissed,
        Outlook::Missed => K::OutlookMissed,
    };
    let share = if v.in_scope == 0 {
        100.0
    } else {
        v.done as f64 * 100.0 / v.in_scope as f64
    };
    let weekly = |x: f64| format!("{:.0}", x.ceil());
    view! {
        <article class=format!("verdict {class}") id=id data-outlook=format!("{:?}", v.outlook)>
            <h2>{title.t(l)}</h2>
            <p class="verdict-words">{words.t(l)}</p>
            {v.final_result.then(|| view! { <p class="muted">{K::VerdictFinal.fill(l, &[("date", deadline.to_string())])}</p> })}
            <p class="verdict-numbers">
                <a class="big" href=href>{format!("{:.1}%", share)}</a>
                <span class="nowrap">{v.done} " / " {v.in_scope}</span>
            </p>
            {(v.gap > 0).then(|| view! {
                <p class="verdict-gap">
                    <span class="big-gap">{K::VerdictGap.fill(l, &[("n", v.gap.to_string())])}</span>
                    {(!v.final_result).then(|| view! {
                        <span class="nowrap">{K::VerdictNeeded.fill(l, &[("n", weekly(v.weekly_needed))])}</span>
                        " · "
                        <span class="nowrap muted">{K::VerdictPace.fill(l, &[("n", format!("{:.1}", v.weekly_pace))])}</span>
                    })}
                </p>
            })}
            {(!v.final_result && v.gap > 0).then(|| view! {
                <p class="muted">{K::VerdictProjected.fill(l, &[("n", v.projected.to_string())])}</p>
            })}
        </article>
    }
}

/// Cumulative firms visited and with a problem solved against the straight line to the target,
/// with where the last four weeks' pace lands. The figures are in a table beneath as well.
#[component]
fn BurnUp(d: Dashboard) -> impl IntoView {
    let l = locale();
    let (w, h) = (640.0_f64, 240.0_f64);
    let (left, right, top, bottom) = (44.0, 28.0, 12.0, 36.0);
    let start = d.campaign.starts_on;
    let span = (d.campaign.deadline - start).num_days().max(1) as f64;
    let max = d.in_scope.max(1) as f64;
    let x = move |date: chrono::NaiveDate| {
        left + ((date - start).num_days() as f64 / span).clamp(0.0, 1.0) * (w - left - right)
    };
    let y = move |v: u64| h - bottom - (v as f64 / max) * (h - top - bottom);
    let line = |points: &[BurnPoint], pick: fn(&BurnPoint) -> u64| {
        points
            .iter()
            .map(|p| format!("{:.1},{:.1}", x(p.date), y(pick(p))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let visited = line(&d.burnup, |p| p.visited);
    let solved = line(&d.burnup, |p| p.solved);
    let last = d.burnup.last().copied();
    let deadline = d.campaign.deadline;
    let ended = d.visit_verdict.final_result;
    let projection = last.filter(|_| !ended).map(|p| {
        view! {
            <line class="proj visited" x1=format!("{:.1}", x(p.date)) y1=format!("{:.1}", y(p.visited))
                x2=format!("{:.1}", x(deadline)) y2=format!("{:.1}", y(d.projected_visited)) />
            <line class="proj solved" x1=format!("{:.1}", x(p.date)) y1=format!("{:.1}", y(p.solved))
                x2=format!("{:.1}", x(deadline)) y2=format!("{:.1}", y(d.projected_solved)) />
        }
    });
    // A tick and a gridline on the first of every month; the value lines a quarter apart.
    let months: Vec<chrono::NaiveDate> = start
        .iter_days()
        .take_while(|day| *day <= deadline)
        .filter(|day| chrono::Datelike::day(day) == 1)
        .collect();
    let month_ticks = months
        .into_iter()
        .map(|m| {
            let label = K::MonthTick.fill(
                l,
                &[
                    ("m", chrono::Datelike::month(&m).to_string()),
                    ("mon", m.format("%b").to_string()),
                ],
            );
            view! {
                <line class="grid" x1=format!("{:.1}", x(m)) y1=top x2=format!("{:.1}", x(m)) y2=h - bottom />
                <text class="tick" x=format!("{:.1}", x(m)) y=h - bottom + 12.0 text-anchor="middle">{label}</text>
            }
        })
        .collect_view();
    let quarters = [1u64, 2, 3]
        .into_iter()
        .map(|q| {
            let v = d.in_scope * q / 4;
            view! {
                <line class="grid" x1=left y1=format!("{:.1}", y(v)) x2=w - right y2=format!("{:.1}", y(v)) />
                <text class="tick" x=left - 4.0 y=format!("{:.1}", y(v) + 4.0) text-anchor="end">{v}</text>
            }
        })
        .collect_view();
    let today_marker = last.map(|p| {
        view! {
            <line class="today" x1=format!("{:.1}", x(p.date)) y1=top x2=format!("{:.1}", x(p.date)) y2=h - bottom />
            <text class="tick today-label" x=format!("{:.1}", x(p.date) - 3.0) y=top + 10.0 text-anchor="end">
                {K::AsOfMarker.fill(l, &[("date", p.date.format("%m-%d").to_string())])}
            </text>
            <text class="end-value visited" x=format!("{:.1}", x(p.date) + 4.0) y=format!("{:.1}", y(p.visited) - 4.0)>{p.visited}</text>
            <text class="end-value solved" x=format!("{:.1}", x(p.date) + 4.0) y=format!("{:.1}", y(p.solved) + 12.0)>{p.solved}</text>
        }
    });
    let caption = K::BurnupProjection.fill(
        l,
        &[
            ("v", d.projected_visited.to_string()),
            ("s", d.projected_solved.to_string()),
            ("n", d.in_scope.to_string()),
        ],
    );
    view! {
        <figure class="burnup" id="burnup">
            <svg viewBox=format!("0 0 {w} {h}") role="img" aria-label=K::BurnupTitle.t(l)>
                <line class="axis" x1=left y1=h - bottom x2=w - right y2=h - bottom />
                <line class="axis" x1=left y1=top x2=left y2=h - bottom />
                {quarters}
                {month_ticks}
                <text x=left - 4.0 y=top + 4.0 text-anchor="end">{d.in_scope}</text>
                <text x=left - 4.0 y=h - bottom text-anchor="end">"0"</text>
                <text x=left y=h - 4.0>{start.to_string()}</text>
                <text x=w - right y=h - 4.0 text-anchor="end">{deadline.to_string()}</text>
                <line class="target-line" x1=x(start) y1=y(0) x2=x(deadline) y2=y(d.in_scope) />
                <polyline class="series visited" points=visited />
                <polyline class="series solved" points=solved />
                {projection}
                {today_marker}
            </svg>
            <figcaption>
                <span class="key visited">{K::BurnupVisited.t(l)}</span>
                <span class="key solved">{K::BurnupSolved.t(l)}</span>
                <span class="key goal">{K::BurnupTarget.t(l)}</span>
                {(!ended).then(|| view! { <span class="projection-text" id="projection">{caption}</span> })}
            </figcaption>
            <details>
                <summary>{K::BurnupTable.t(l)}</summary>
                <table class="grid compact">
                    <thead><tr><th>{K::ColDate.t(l)}</th><th>{K::BurnupVisited.t(l)}</th><th>{K::BurnupSolved.t(l)}</th></tr></thead>
                    <tbody>
                        {d.burnup.iter().map(|p| view! {
                            <tr><td>{p.date.to_string()}</td><td class="num">{p.visited}</td><td class="num">{p.solved}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </figure>
    }
}

#[component]
fn FirmList(
    title: K,
    class: &'static str,
    flags: Flags<FirmFlag>,
    all: String,
    id: &'static str,
) -> impl IntoView {
    let l = locale();
    view! {
        <section class=format!("flag-list {class}") id=id>
            <h2>{title.t(l)} " " <span class="count-badge">{flags.total}</span></h2>
            {if flags.rows.is_empty() {
                view! { <p class="muted">{K::NoneLeft.t(l)}</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {flags.rows.into_iter().map(|f| view! {
                            <li>
                                <a href=format!("/firms/{}", f.firm_id)>{f.firm_name}</a>
                                <span class="muted">" · " {f.coordinator.unwrap_or_else(|| K::Unassigned.t(l).to_owned())}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                    <a href=all>{K::SeeAll.fill(l, &[("n", flags.total.to_string())])}</a>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn OverdueList(flags: Flags<OverdueFlag>) -> impl IntoView {
    let l = locale();
    view! {
        <section class="flag-list red" id="overdue">
            <h2>{K::RedOverdue.t(l)} " " <span class="count-badge">{flags.total}</span></h2>
            {if flags.rows.is_empty() {
                view! { <p class="muted">{K::NoneLeft.t(l)}</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {flags.rows.into_iter().map(|o| view! {
                            <li>
                                <a href=format!("/firms/{}#problem-{}", o.firm_id, o.problem_id)>{o.firm_name}</a>
                                <span class="muted">" · " {o.units} " · " {K::ColDaysOverdue.t(l)} " " {o.days_overdue}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn TargetTable(
    rows: Vec<TargetRow>,
    link_region: bool,
    at: String,
    /// Each row's colour class, in order (none: uncoloured).
    colour: Vec<&'static str>,
) -> impl IntoView {
    let l = locale();
    view! {
        <div class="table-wrap">
            <table class="grid targets-table">
                <thead><tr>
                    <th></th><th>{K::ColInScopeShort.t(l)}</th>
                    <th>{K::ColVisitedPct.t(l)}</th><th>{K::ColSolvedPct.t(l)}</th><th>{K::BothTargetsMet.t(l)}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().enumerate().map(|(i, r)| {
                        let filter = if link_region { format!("region={}", r.id) } else { format!("tier={}", r.id) };
                        view! {
                            <tr class=colour.get(i).copied().unwrap_or("")>
                                <td>{name(l, &r.name_zh, &r.name_en)}</td>
                                <td class="num"><a href=format!("/firms?{filter}&status=in_scope{at}")>{r.in_scope}</a></td>
                                <td class="num">
                                    <a href=format!("/firms?{filter}&status=not_visited{at}")>{pct(r.visited_percent())}</a>
                                    <span class="minibar"><span style=format!("width: {}%", r.visited_percent())></span></span>
                                </td>
                                <td class="num">
                                    <a href=format!("/firms?{filter}&status=not_solved{at}")>{pct(r.solved_percent())}</a>
                                    <span class="minibar solved"><span style=format!("width: {}%", r.solved_percent())></span></span>
                                </td>
                                <td class="num">{r.both} " (" {pct(percent(r.both, r.in_scope))} ")"</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn League(rows: Vec<TargetRow>) -> impl IntoView {
    let l = locale();
    view! {
        <div class="table-wrap">
            <table class="grid compact league">
                <thead><tr>
                    <th>{K::Coordinator.t(l)}</th><th>{K::ColInScopeShort.t(l)}</th>
                    <th>{K::ColVisitedPct.t(l)}</th><th>{K::ColSolvedPct.t(l)}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <td><a href=format!("/firms?coordinator={}", r.id)>{r.name_zh.clone()}</a>
                                <br/><span class="muted">{r.note.clone()}</span></td>
                            <td class="num">{r.in_scope}</td>
                            <td class="num">{pct(r.visited_percent())}</td>
                            <td class="num">{pct(r.solved_percent())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
