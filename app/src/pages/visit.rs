//! 走访登记: the visit form. An ActionForm: hydrated, it submits in the background with a pending
//! state; without JavaScript it is a plain form post to the same server function, which answers
//! with a redirect (to the firm file on success, back here with the error otherwise).

use crate::api::{LogVisit, VisitFormData, get_visit_form};
use crate::components::{ErrorBox, Loading};
use crate::error::AppError;
use crate::i18n::locale;
use domain::K;
use domain::difficulty::{self, DIFFICULTIES};
use domain::visit::{MAX_PARTICIPANTS, MAX_SUMMARY, VisitKind};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn LogVisitPage() -> impl IntoView {
    let l = locale();
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_visit_form,
    );
    // Created inside the route, so a refused no-JS post (which comes back with the error in the
    // URL) finds its error here during server rendering.
    let action = ServerAction::<LogVisit>::new();
    view! {
        <Title text=K::VisitFormTitle.t(l) />
        <section class="page visit-form">
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(form) => view! { <VisitFormBody form action /> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn VisitFormBody(form: VisitFormData, action: ServerAction<LogVisit>) -> impl IntoView {
    let l = locale();
    let error = move || action.value().get().and_then(Result::err);
    // Initial values only: what a refused submission sent, read once when the form renders.
    let echo = move |name: &str| {
        action
            .value()
            .get_untracked()
            .and_then(Result::err)
            .and_then(|e: AppError| e.echo(name))
    };
    let field_error = move |name: &'static str| error().and_then(|e| e.field(name, l));
    // The key of a refused submission is reused, so a retry after a timeout is still one visit.
    let key = echo("idempotency_key").unwrap_or(form.idempotency_key.clone());
    let summary_start = echo("summary").unwrap_or_default();
    let summary_len = RwSignal::new(summary_start.chars().count());
    let pending = action.pending();
    let kind_now = echo("kind").unwrap_or_else(|| VisitKind::OnSite.code().to_owned());
    let date_now = echo("visit_date").unwrap_or_else(|| form.today.to_string());
    let firm_id = form.firm_id;
    let submit_error = NodeRef::<leptos::html::P>::new();
    Effect::new(move |_| {
        if error().is_some()
            && let Some(el) = submit_error.get()
        {
            let _ = el.focus();
        }
    });

    view! {
        <p class="crumbs">
            <a href=format!("/firms/{firm_id}")>{form.firm_name.clone()}</a>
        </p>
        <h1>{K::VisitFormTitle.t(l)}</h1>
        <p class="muted">
            {K::Coordinator.t(l)} ": "
            {form.coordinator.clone().unwrap_or_else(|| K::Unassigned.t(l).to_owned())}
        </p>
        {move || error().map(|e| view! { <ErrorBox error=e /> })}
        // offline.js: a restored draft, a visit kept on the phone, a refusal given back.
        <p class="notice draft-restored" id="draft-restored" role="status" tabindex="-1" hidden>{K::DraftRestored.t(l)}</p>
        // offline.js keeps what is typed (data-draft) and sends the visit through the phone's
        // outbox (data-outbox names the firm), so a visit typed without network is not lost.
        <ActionForm action attr:class="form" attr:novalidate="" attr:data-draft=format!("visit.{firm_id}")
            attr:data-outbox=firm_id attr:data-firm-name=form.firm_name.clone()>
            <input type="hidden" name="firm_id" value=firm_id />
            <input type="hidden" name="idempotency_key" value=key />
            <div class="field">
                <label for="visit_date">{K::VisitDate.t(l)}</label>
                <input
                    id="visit_date"
                    name="visit_date"
                    type="date"
                    required
                    value=date_now
                    min=form.campaign_start.to_string()
                    max=form.today.to_string()
                    aria-invalid=move || field_error("visit_date").is_some().to_string()
                    aria-describedby="visit_date-error"
                />
                <p class="field-error" id="visit_date-error">
                    {move || field_error("visit_date")}
                </p>
            </div>
            <fieldset class="field">
                <legend>{K::VisitKind.t(l)}</legend>
                {VisitKind::ALL
                    .into_iter()
                    .map(|k| {
                        let id = format!("kind-{}", k.code());
                        let label_for = id.clone();
                        view! {
                            <label class="choice" for=label_for>
                                <input
                                    type="radio"
                                    id=id
                                    name="kind"
                                    value=k.code()
                                    checked=kind_now == k.code()
                                />
                                {k.name(l)}
                            </label>
                        }
                    })
                    .collect_view()}
                <p class="hint">{K::VisitOnlyOnSiteCounts.t(l)}</p>
                <p class="field-error">{move || field_error("kind")}</p>
            </fieldset>
            <div class="field">
                <label for="participants">{K::VisitParticipants.t(l)}</label>
                <input
                    id="participants"
                    name="participants"
                    type="text"
                    maxlength=MAX_PARTICIPANTS
                    placeholder=K::VisitParticipantsHint.t(l)
                    value=echo("participants").unwrap_or_default()
                />
                <p class="field-error">{move || field_error("participants")}</p>
            </div>
            <div class="field">
                <label for="summary">{K::VisitSummary.t(l)}</label>
                <textarea
                    id="summary"
                    name="summary"
                    rows="3"
                    required
                    maxlength=MAX_SUMMARY
                    placeholder=K::VisitSummaryHint.t(l)
                    aria-invalid=move || field_error("summary").is_some().to_string()
                    aria-describedby="summary-error summary-count"
                    on:input=move |ev| summary_len.set(event_target_value(&ev).chars().count())
                >
                    {summary_start}
                </textarea>
                <p class="counter" id="summary-count" aria-live="polite">
                    {move || summary_len.get()}
                    " / "
                    {MAX_SUMMARY}
                </p>
                <p class="field-error" id="summary-error">
                    {move || field_error("summary")}
                </p>
            </div>
            <fieldset class="field problems">
                <legend>{K::ProblemsFound.t(l)}</legend>
                {(1..=domain::problem::PROBLEM_SLOTS)
                    .map(|n| {
                        let measure_name = format!("p{n}_measure");
                        let description_name = format!("p{n}_description");
                        let chosen = echo(&measure_name).unwrap_or_default();
                        let text = echo(&description_name).unwrap_or_default();
                        let groups = form.measures.clone();
                        let units = form.units.clone();
                        let unit_name = format!("p{n}_unit");
                        let chosen_unit = echo(&unit_name).unwrap_or_default();
                        let (m_err, d_err) = (measure_name.clone(), description_name.clone());
                        // Slots after the first stay folded until "添加问题" (a <details>, so it
                        // works before the WASM loads), or when a refused post filled them.
                        let open = n == 1 || !chosen.is_empty() || !text.is_empty();
                        let measure_now = RwSignal::new(chosen.clone());
                        let query = RwSignal::new(String::new());
                        let picker = NodeRef::<leptos::html::Select>::new();
                        let chosen_plain = chosen.parse::<i32>().ok().and_then(difficulty::first_for);
                        let unit_now = RwSignal::new(chosen_unit.clone());
                        let (route_units, routes) = (form.units.clone(), form.routes.clone());
                        let goes_to = move || {
                            let name = |id: i32| {
                                route_units.iter().find(|u| u.0 == id).map(|(_, zh, en)| match l {
                                    domain::Locale::Zh => zh.clone(),
                                    domain::Locale::En => en.clone(),
                                })
                            };
                            let ids: Vec<i32> = match unit_now.get().parse::<i32>() {
                                Ok(unit) => vec![unit],
                                Err(_) => {
                                    let measure = measure_now.get().parse::<i32>().ok()?;
                                    routes.iter().find(|r| r.0 == measure)?.1.clone()
                                }
                            };
                            // The route table lists the lead unit first.
                            let names: Vec<String> = ids.into_iter().filter_map(name).collect();
                            (!names.is_empty()).then(|| {
                                K::WillGoTo.fill(l, &[("units", domain::problem::routing_text(&names, l))])
                            })
                        };
                        view! {
                            <details class="problem-slot" open=open>
                                <summary class="slot-title">
                                    {if n == 1 { K::ProblemSlot.fill(l, &[("n", n.to_string())]) } else { K::AddProblem.t(l).to_owned() }}
                                </summary>
                                <label for=measure_name.clone()>{K::DifficultyKind.t(l)}</label>
                                // Typing narrows the list; one difficulty left is chosen at once,
                                // so a coordinator who types "欠款" taps nothing more.
                                <input type="search" class="difficulty-search" id=format!("p{n}_search")
                                    autocomplete="off" enterkeyhint="done"
                                    aria-label=K::DifficultySearch.t(l) placeholder=K::DifficultySearch.t(l)
                                    on:input=move |ev| {
                                        let q = event_target_value(&ev);
                                        let hits: Vec<usize> = DIFFICULTIES.iter().enumerate()
                                            .filter(|(_, d)| difficulty::matches(d, &q))
                                            .map(|(i, _)| i).collect();
                                        if let ([only], false) = (hits.as_slice(), q.trim().is_empty())
                                            && let Some(select) = picker.get()
                                        {
                                            // +1: the "choose" option comes first.
                                            select.set_selected_index(i32::try_from(*only + 1).unwrap_or(0));
                                            measure_now.set(DIFFICULTIES[*only].measure.to_string());
                                        }
                                        query.set(q);
                                    } />
                                <select id=measure_name.clone() name=measure_name.clone() node_ref=picker
                                    on:change=move |ev| measure_now.set(event_target_value(&ev))>
                                    <option value="">{K::ChooseMeasure.t(l)}</option>
                                    <optgroup label=K::CommonDifficulties.t(l)>
                                        {DIFFICULTIES.iter().enumerate().map(|(i, d)| {
                                            let name = match l {
                                                domain::Locale::Zh => d.zh,
                                                domain::Locale::En => d.en,
                                            };
                                            view! {
                                                <option value=d.measure selected=chosen_plain == Some(i)
                                                    hidden=move || !difficulty::matches(d, &query.get())>{name}</option>
                                            }
                                        }).collect_view()}
                                    </optgroup>
                                    {groups
                                        .into_iter()
                                        .map(|g| {
                                            let area = match l {
                                                domain::Locale::Zh => g.area_zh,
                                                domain::Locale::En => g.area_en,
                                            };
                                            let chosen = chosen.clone();
                                            view! {
                                                <optgroup label=format!("{} · {area}", K::Measure.t(l))>
                                                    {g.measures
                                                        .into_iter()
                                                        .map(|(no, zh, en)| {
                                                            let name = match l {
                                                                domain::Locale::Zh => zh,
                                                                domain::Locale::En => en,
                                                            };
                                                            let words = format!("{no} {name}").to_lowercase();
                                                            let shown = move || query.with(|q| q.trim().to_lowercase().split_whitespace().all(|w| words.contains(w)));
                                                            // Named by its plain word when it has one (selected there).
                                                            let selected = chosen_plain.is_none() && chosen == no.to_string();
                                                            view! { <option value=no selected=selected hidden=move || !shown()>{format!("({no}) {name}")}</option> }
                                                        })
                                                        .collect_view()}
                                                </optgroup>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                                <p class="field-error">{move || error().and_then(|e| e.field(&m_err, l))}</p>
                                <label for=unit_name.clone()>{K::RouteTo.t(l)}</label>
                                <select id=unit_name.clone() name=unit_name.clone()
                                    on:change=move |ev| unit_now.set(event_target_value(&ev))>
                                    <option value="">{K::RouteAsNotice.t(l)}</option>
                                    {units.into_iter().map(|(id, zh, en)| {
                                        let name = match l {
                                            domain::Locale::Zh => zh,
                                            domain::Locale::En => en,
                                        };
                                        view! { <option value=id selected=chosen_unit == id.to_string()>{name}</option> }
                                    }).collect_view()}
                                </select>
                                <label for=description_name.clone()>{K::ProblemDescription.t(l)}</label>
                                <p class="route-preview" aria-live="polite">{goes_to}</p>
                                <textarea id=description_name.clone() name=description_name.clone() rows="2" maxlength=domain::problem::MAX_DESCRIPTION>{text}</textarea>
                                <p class="field-error">{move || error().and_then(|e| e.field(&d_err, l))}</p>
                            </details>
                        }
                    })
                    .collect_view()}
            </fieldset>
            // Photos and the position travel with the visit through offline.js, so these are
            // shown only when it runs (a plain post could not carry them); without it a photo
            // is added on the firm file afterwards.
            <fieldset class="field proof" data-needs-script hidden>
                <legend>{K::VisitPhotos.t(l)}</legend>
                <label for="visit-photos">{K::Attach.t(l)}</label>
                <input id="visit-photos" type="file" data-photos multiple
                    accept="image/jpeg,image/png,image/webp,application/pdf" />
                <p class="hint">{K::VisitPhotosHint.t(l)}</p>
                <p class="photo-status" data-photo-status aria-live="polite"></p>
                <label class="choice" for="visit-position">
                    <input id="visit-position" type="checkbox" data-position />
                    {K::SharePosition.t(l)}
                </label>
                <p class="hint" data-position-status aria-live="polite"></p>
            </fieldset>
            <div class="actions">
                // The refusal again where the thumb is, focused so it is read out and in view.
                <p class="submit-error" role="alert" id="submit-error" tabindex="-1" node_ref=submit_error
                    hidden=move || error().is_none()>
                    {move || error().map(|e| e.message(l))}
                </p>
                <button type="submit" class="primary big" disabled=move || pending.get()>
                    {move || if pending.get() { K::Submitting.t(l) } else { K::Submit.t(l) }}
                </button>
                <a class="button secondary" href=format!("/firms/{firm_id}")>
                    {K::Cancel.t(l)}
                </a>
            </div>
        </ActionForm>
    }
}
