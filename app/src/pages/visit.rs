//! 走访登记: the visit form. offline.js sends it through the phone's outbox to the JSON API;
//! without JavaScript it is a plain form post to the server function, which answers with a
//! redirect (to the firm file on success, back here with the error otherwise). Only the summary
//! counter and the problem picker hydrate (islands).

use crate::api::{LogVisit, MeasureGroup, VisitFormData, get_visit_form};
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
use serde::{Deserialize, Serialize};

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
    // What a refused submission sent and why: the page is rendered on the server (a plain post
    // came back with the error in its URL, or offline.js resubmitted a visit the API refused).
    let error = action.value().get_untracked().and_then(Result::err);
    let echo = |name: &str| error.as_ref().and_then(|e: &AppError| e.echo(name));
    let field_error = |name: &str| error.as_ref().and_then(|e| e.field(name, l));
    // The key of a refused submission is reused, so a retry after a timeout is still one visit.
    let key = echo("idempotency_key").unwrap_or(form.idempotency_key.clone());
    let kind_now = echo("kind").unwrap_or_else(|| VisitKind::OnSite.code().to_owned());
    let date_now = echo("visit_date").unwrap_or_else(|| form.today.to_string());
    let participants = echo("participants").unwrap_or_default();
    let summary = echo("summary").unwrap_or_default();
    let (date_error, kind_error) = (field_error("visit_date"), field_error("kind"));
    let (participants_error, summary_error) = (field_error("participants"), field_error("summary"));
    let firm_id = form.firm_id;
    let slots = (1..=domain::problem::PROBLEM_SLOTS)
        .map(|n| {
            let name = |field: &str| format!("p{n}_{field}");
            SlotState {
                chosen: echo(&name("measure")).unwrap_or_default(),
                unit: echo(&name("unit")).unwrap_or_default(),
                text: echo(&name("description")).unwrap_or_default(),
                measure_error: field_error(&name("measure")),
                description_error: field_error(&name("description")),
            }
        })
        .collect::<Vec<_>>();
    let submit_message = error.as_ref().map(|e| e.message(l));
    let refused = error.is_some();

    view! {
        <p class="crumbs">
            <a href=format!("/firms/{firm_id}")>{form.firm_name.clone()}</a>
        </p>
        <h1>{K::VisitFormTitle.t(l)}</h1>
        <p class="muted">
            {K::Coordinator.t(l)} ": "
            {form.coordinator.clone().unwrap_or_else(|| K::Unassigned.t(l).to_owned())}
        </p>
        {error.map(|e| view! { <ErrorBox error=e /> })}
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
                    aria-invalid=date_error.is_some().to_string()
                    aria-describedby="visit_date-error"
                />
                <p class="field-error" id="visit_date-error">{date_error}</p>
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
                <p class="field-error">{kind_error}</p>
            </fieldset>
            <div class="field">
                <label for="participants">{K::VisitParticipants.t(l)}</label>
                <input
                    id="participants"
                    name="participants"
                    type="text"
                    maxlength=MAX_PARTICIPANTS
                    placeholder=K::VisitParticipantsHint.t(l)
                    value=participants
                />
                <p class="field-error">{participants_error}</p>
            </div>
            <SummaryField start=summary error=summary_error />
            <ProblemSlots measures=form.measures.clone() units=form.units.clone() routes=form.routes.clone() slots />
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
                // The refusal again where the thumb is, focused (autofocus: the page came back
                // from the server with it) so it is read out and in view.
                <p class="submit-error" role="alert" id="submit-error" tabindex="-1"
                    autofocus=refused hidden=!refused>
                    {submit_message}
                </p>
                // offline.js disables it while it sends.
                <button type="submit" class="primary big">{K::Submit.t(l)}</button>
                <a class="button secondary" href=format!("/firms/{firm_id}")>
                    {K::Cancel.t(l)}
                </a>
            </div>
        </ActionForm>
    }
}

/// One problem slot's state as a refused submission left it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SlotState {
    chosen: String,
    unit: String,
    text: String,
    measure_error: Option<String>,
    description_error: Option<String>,
}

/// The summary with its live character count. An island: it counts as the coordinator types.
#[island]
fn SummaryField(start: String, error: Option<String>) -> impl IntoView {
    let l = locale();
    let summary_len = RwSignal::new(start.chars().count());
    view! {
        <div class="field">
            <label for="summary">{K::VisitSummary.t(l)}</label>
            <textarea
                id="summary"
                name="summary"
                rows="3"
                required
                maxlength=MAX_SUMMARY
                placeholder=K::VisitSummaryHint.t(l)
                aria-invalid=error.is_some().to_string()
                aria-describedby="summary-error summary-count"
                on:input=move |ev| summary_len.set(event_target_value(&ev).chars().count())
            >
                {start}
            </textarea>
            <p class="counter" id="summary-count" aria-live="polite">
                {move || summary_len.get()}
                " / "
                {MAX_SUMMARY}
            </p>
            <p class="field-error" id="summary-error">{error}</p>
        </div>
    }
}

/// The problems found: the difficulty picker in plain words with search, the unit it goes to
/// shown before submitting. An island: searching and the preview run on the phone.
#[island]
fn ProblemSlots(
    measures: Vec<MeasureGroup>,
    units: Vec<(i32, String, String)>,
    routes: Vec<(i32, Vec<i32>)>,
    slots: Vec<SlotState>,
) -> impl IntoView {
    let l = locale();
    let name_of = move |zh: &str, en: &str| -> String {
        match l {
            domain::Locale::Zh => zh.to_owned(),
            domain::Locale::En => en.to_owned(),
        }
    };
    view! {
        <fieldset class="field problems">
            <legend>{K::ProblemsFound.t(l)}</legend>
            {slots
                .into_iter()
                .enumerate()
                .map(|(i, slot)| {
                    let n = i + 1;
                    let measure_name = format!("p{n}_measure");
                    let description_name = format!("p{n}_description");
                    let unit_name = format!("p{n}_unit");
                    let SlotState { chosen, unit: chosen_unit, text, measure_error, description_error } = slot;
                    // Slots after the first stay folded until "添加问题" (a <details>, so it
                    // works before the WASM loads), or when a refused post filled them.
                    let open = n == 1 || !chosen.is_empty() || !text.is_empty();
                    let measure_now = RwSignal::new(chosen.clone());
                    let query = RwSignal::new(String::new());
                    let picker = NodeRef::<leptos::html::Select>::new();
                    let chosen_plain = chosen.parse::<i32>().ok().and_then(difficulty::first_for);
                    let unit_now = RwSignal::new(chosen_unit.clone());
                    let (route_units, routes) = (units.clone(), routes.clone());
                    let goes_to = move || {
                        let name = |id: i32| {
                            route_units.iter().find(|u| u.0 == id).map(|(_, zh, en)| name_of(zh, en))
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
                                        view! {
                                            <option value=d.measure selected=chosen_plain == Some(i)
                                                hidden=move || !difficulty::matches(d, &query.get())>{name_of(d.zh, d.en)}</option>
                                        }
                                    }).collect_view()}
                                </optgroup>
                                {measures
                                    .iter()
                                    .map(|g| {
                                        let area = name_of(&g.area_zh, &g.area_en);
                                        let chosen = chosen.clone();
                                        view! {
                                            <optgroup label=format!("{} · {area}", K::Measure.t(l))>
                                                {g.measures
                                                    .iter()
                                                    .map(|(no, zh, en)| {
                                                        let no = *no;
                                                        let name = name_of(zh, en);
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
                            <p class="field-error">{measure_error}</p>
                            <label for=unit_name.clone()>{K::RouteTo.t(l)}</label>
                            <select id=unit_name.clone() name=unit_name.clone()
                                on:change=move |ev| unit_now.set(event_target_value(&ev))>
                                <option value="">{K::RouteAsNotice.t(l)}</option>
                                {units.iter().map(|(id, zh, en)| {
                                    view! { <option value=*id selected=chosen_unit == id.to_string()>{name_of(zh, en)}</option> }
                                }).collect_view()}
                            </select>
                            <label for=description_name.clone()>{K::ProblemDescription.t(l)}</label>
                            <p class="route-preview" aria-live="polite">{goes_to}</p>
                            <textarea id=description_name.clone() name=description_name rows="2" maxlength=domain::problem::MAX_DESCRIPTION>{text}</textarea>
                            <p class="field-error">{description_error}</p>
                        </details>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
