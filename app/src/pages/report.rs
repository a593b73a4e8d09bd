//! 每半年报送: a member unit's (or the province's) half-year report, generated from the records.
//! Prints on A4 (the print stylesheet hides the navigation and the form) and downloads as xlsx.

use crate::api::{ReportView, SaveReportNotes, get_half_year_report};
use crate::components::{ErrorBox, Loading};
use crate::i18n::locale;
use domain::dashboard::HalfYearReport;
use domain::{K, Locale};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ReportPage() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let data = Resource::new(
        move || (query.read().get("period"), query.read().get("unit")),
        |(period, unit)| get_half_year_report(period, unit),
    );
    view! {
        <Title text=K::ReportTitle.t(l) />
        <section class="page report">
            <h1 class="no-print">{K::ReportTitle.t(l)}</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => view! { <ReportBody view /> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The browser's print dialog (the A4 stylesheet does the layout: running head, page numbers).
/// An island; without the WASM, the browser's own print command does the same.
#[island]
fn PrintButton() -> impl IntoView {
    let l = locale();
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        let _ = window().print();
    };
    view! {
        <button type="button" class="secondary print-button" on:click=print>{K::ReportPrint.t(l)}</button>
    }
}

fn pct(v: f64) -> String {
    format!("{v:.1}%")
}

#[component]
fn ReportBody(view: ReportView) -> impl IntoView {
    let l = locale();
    let ReportView {
        report: r,
        units,
        periods,
        can_write_notes,
    } = view;
    let query = use_query_map();
    let unit_param = r.unit_id.map(|u| u.to_string()).unwrap_or_default();
    let xlsx = format!(
        "/reports/half-year.xlsx?period={}&unit={}",
        r.period, unit_param
    );
    let chooser = (!units.is_empty()).then(|| {
        let chosen = r.unit_id;
        view! {
            <div class="field">
                <label for="unit">{K::ReportUnit.t(l)}</label>
                <select id="unit" name="unit">
                    <option value="" selected=chosen.is_none()>{K::ReportProvince.t(l)}</option>
                    {units.into_iter().map(|(id, zh, en)| view! {
                        <option value=id selected=chosen == Some(id)>{if l == Locale::Zh { zh } else { en }}</option>
                    }).collect_view()}
                </select>
            </div>
        }
    });
    let period = r.period.clone();
    view! {
        <Form method="GET" action="/reports" attr:class="filters no-print">
            <div class="field">
                <label for="period">{K::ReportPeriod.t(l)}</label>
                <select id="period" name="period">
                    {periods.into_iter().map(|p| {
                        let on = p == period;
                        view! { <option value=p.clone() selected=on>{p.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            {chooser}
            <div class="field actions">
                <button type="submit">{K::ReportShow.t(l)}</button>
                <a class="button secondary" href=xlsx download id="report-xlsx">{K::ReportXlsx.t(l)}</a>
                <PrintButton />
            </div>
        </Form>
        {move || query.read().get("saved").map(|_| view! {
            <p class="notice success no-print" role="status" id="notes-saved">"✓ " {K::ReportNotesSaved.t(l)}</p>
        })}
        {can_write_notes.then(|| view! { <NotesEditor r=r.clone() /> })}
        <Document r />
    }
}

/// The unit's text for the report, saved with the period and printed and exported with it.
#[component]
fn NotesEditor(r: HalfYearReport) -> impl IntoView {
    let l = locale();
    let save = ServerAction::<SaveReportNotes>::new();
    let error = move || save.value().get().and_then(Result::err);
    let field_error = move |name: &'static str| error().and_then(|e| e.field(name, l));
    let n = r.notes.clone();
    let area = move |name: &'static str, label: K, value: String| {
        view! {
            <div class="field">
                <label for=format!("note-{name}")>{label.t(l)}</label>
                <textarea id=format!("note-{name}") name=name rows="5" maxlength=domain::dashboard::NOTE_MAX_CHARS.to_string()>{value}</textarea>
                <p class="field-error">{move || field_error(name)}</p>
            </div>
        }
    };
    view! {
        <details class="notes-editor no-print" open=n.updated_at.is_none()>
            <summary>{K::ReportNotesTitle.t(l)}</summary>
            <p class="muted">{K::ReportNotesHelp.t(l)}</p>
            {n.updated_at.map(|at| view! {
                <p class="muted">{K::ReportNotesBy.fill(l, &[("name", n.updated_by.clone().unwrap_or_default()), ("at", domain::clock::date_of(at).to_string())])}</p>
            })}
            {move || error().map(|e| view! { <crate::components::ErrorBox error=e /> })}
            <ActionForm action=save attr:class="form" attr:id="report-notes">
                <input type="hidden" name="period" value=r.period.clone() />
                <input type="hidden" name="unit" value=r.unit_id.map(|u| u.to_string()).unwrap_or_default() />
                {area("practices", K::ReportPractices, n.practices.clone())}
                {area("issues", K::ReportIssues, n.issues.clone())}
                {area("next_steps", K::ReportNextSteps, n.next_steps.clone())}
                <button type="submit" class="primary">{K::Save.t(l)}</button>
            </ActionForm>
        </details>
    }
}

/// Text for a CSS string: quotes, backslashes, line breaks and `<` escaped, so a unit's name
/// can neither end the string nor the style element.
fn css_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("\\3C "),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[component]
fn Document(r: HalfYearReport) -> impl IntoView {
    let l = locale();
    let unit = if l == Locale::Zh {
        r.unit_zh.clone()
    } else {
        r.unit_en.clone()
    };
    let heading = K::ReportHeading.fill(l, &[("unit", unit), ("period", r.period.clone())]);
    let range = K::ReportRange.fill(l, &[("from", r.from.to_string()), ("to", r.to.to_string())]);
    let p = r.problems.clone();
    // The printed pages' running head (the unit and period) and foot (page numbers, 公文 style).
    let page_style = format!(
        "@media print {{ @page {{ @top-center {{ content: {}; }} @bottom-center {{ content: \"— \" counter(page) \" —\"; }} }} }}",
        css_string(&heading),
    );
    let notes = r.notes.clone();
    let section = move |label: K, text: String| {
        let text = if text.trim().is_empty() {
            K::ReportNotWritten.t(l).to_owned()
        } else {
            text
        };
        view! {
            <section class="report-text">
                <h3>{label.t(l)}</h3>
                {text.split('\n').filter(|p| !p.trim().is_empty()).map(|p| view! { <p>{p.trim().to_owned()}</p> }).collect_view()}
            </section>
        }
    };
    let row = |label: String, value: String, id: &'static str| {
        view! { <tr id=id><th scope="row">{label}</th><td class="num">{value}</td></tr> }
    };
    view! {
        <article class="report-doc" id="report">
            <style inner_html=page_style></style>
            <h2 class="report-heading">{heading}</h2>
            <p class="muted report-range">{range}</p>
            <table class="grid report-figures">
                <tbody>
                    {row(K::ReportFirmsServed.t(l).into(), r.firms_served.to_string(), "r-served")}
                    {row(K::ColVisited.t(l).into(), format!("{} ({})", r.firms_visited, pct(domain::campaign::percent(r.firms_visited, r.firms_served))), "r-visited")}
                    {row(K::ColSolved.t(l).into(), format!("{} ({})", r.firms_solved, pct(domain::campaign::percent(r.firms_solved, r.firms_served))), "r-solved")}
                    {row(K::ReportVisitsInPeriod.fill(l, &[("n", r.on_site_visits_in_period.to_string())]), r.visits_in_period.to_string(), "r-visits")}
                    {row(K::TileRaised.t(l).into(), p.raised.to_string(), "r-raised")}
                    {row(K::ReportRaisedInPeriod.t(l).into(), r.raised_in_period.to_string(), "r-raised-period")}
                    {row(K::TileConcluded.t(l).into(), format!("{} / {} ({})", p.concluded, p.raised, pct(p.concluded_percent())), "r-concluded")}
                    {row(K::TileOnTime.t(l).into(), pct(p.on_time_percent()), "r-on-time")}
                    {row(K::TileSolvedProblems.t(l).into(), p.solved.to_string(), "r-solved-problems")}
                    {row(K::ReportSolvedInPeriod.t(l).into(), r.solved_in_period.to_string(), "r-solved-period")}
                    {row(K::TileOverdue.t(l).into(), format!("{} ({})", p.overdue, pct(p.overdue_percent())), "r-overdue")}
                    {row(K::TileSatisfied.t(l).into(), format!("{} · {}", pct(p.satisfied_percent()), K::ReportAnswered.fill(l, &[("n", p.answered.to_string())])), "r-satisfied")}
                </tbody>
            </table>
            <div class="report-texts" id="report-texts">
                {section(K::ReportPractices, notes.practices)}
                {section(K::ReportIssues, notes.issues)}
                {section(K::ReportNextSteps, notes.next_steps)}
            </div>
            <h3>{K::ByMeasure.t(l)}</h3>
            <table class="grid compact">
                <thead><tr><th>{K::ColMeasure.t(l)}</th><th>{K::TileRaised.t(l)}</th><th>{K::ColSolvedProblems.t(l)}</th><th>{K::ColOpen.t(l)}</th></tr></thead>
                <tbody>
                    {r.by_measure.iter().map(|m| view! {
                        <tr>
                            <td>"(" {m.measure_no} ") " {if l == Locale::Zh { m.name_zh.clone() } else { m.name_en.clone() }}</td>
                            <td class="num">{m.raised}</td><td class="num">{m.solved}</td><td class="num">{m.open}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <h3>{K::ReportOverdueList.t(l)}</h3>
            {if r.overdue.is_empty() {
                view! { <p class="muted">{K::NoneLeft.t(l)}</p> }.into_any()
            } else {
                view! {
                    <table class="grid compact" id="report-overdue">
                        <thead><tr><th>{K::ColFirm.t(l)}</th><th>{K::ColUnits.t(l)}</th><th>{K::ColDeadline.t(l)}</th><th>{K::ColDaysOverdue.t(l)}</th></tr></thead>
                        <tbody>
                            {r.overdue.iter().map(|o| view! {
                                <tr>
                                    <td><a href=format!("/firms/{}", o.firm_id)>{o.firm_name.clone()}</a></td>
                                    <td>{o.units.clone()}</td><td>{o.deadline.to_string()}</td><td class="num">{o.days_overdue}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <h3>{K::ReportCases.t(l)}</h3>
            {if r.cases.is_empty() {
                view! { <p class="muted">{K::NoneLeft.t(l)}</p> }.into_any()
            } else {
                view! {
                    <ol class="cases">
                        {r.cases.iter().map(|c| view! {
                            <li><strong>{c.firm_name.clone()}</strong> " · " {c.measure_zh.clone()}
                                <p>{c.description.clone()}</p><p class="muted">{c.response.clone()}</p></li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </article>
    }
}
