//! Problem work: the actions on one problem (used on the firm file and in the queue), the
//! member unit's queue (待办), and the page a firm opens from its confirmation link.

use crate::api::{
    ConfirmCall, ConfirmLink, MakeConfirmationLink, ProblemAct, link_view, problem_queue,
};
use crate::components::{ErrorBox, Loading, UrgencyBadge};
use crate::error::AppError;
use crate::i18n::locale;
use domain::K;
use domain::auth::Role;
use domain::firm::ProblemEntry;
use domain::problem::{ProblemStatus, QueueRow, Satisfaction};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Who is looking at a problem, for choosing which actions to offer (the server decides).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Powers {
    /// Claim, report back, close: the office, or a handler of a unit the problem is routed to.
    pub unit_side: bool,
    /// Record the firm's answer or send it a link: the office or the firm's coordinator.
    pub follow_up: bool,
}

impl Powers {
    pub fn for_problem(
        role: Role,
        viewer_unit: Option<&str>,
        is_coordinator: bool,
        units: &[String],
    ) -> Powers {
        let office = role == Role::Office;
        Powers {
            // The lead unit (listed first) acts; co-handlers see it without the buttons (the
            // server refuses them anyway, see `db::problems::moves`).
            unit_side: office
                || (role == Role::Unit
                    && viewer_unit.is_some()
                    && units.first().map(String::as_str) == viewer_unit),
            follow_up: office || (role == Role::Coordinator && is_coordinator),
        }
    }
}

/// The firm's two questions (solved? how satisfied?), nothing preselected: a choice made for
/// the firm would count as the firm's word. Each must be answered (the browser says so before
/// sending, the server again), and a refusal is shown under its question.
#[component]
fn AnswerChoices(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let l = locale();
    let field = move |name: &'static str| error.get().and_then(|e| e.field(name, l));
    view! {
        <fieldset class="field answer" id="answer-solved">
            <legend>{K::ConfirmTitle.t(l)}</legend>
            <label class="choice"><input type="radio" name="solved" value="yes" required /> {K::ConfirmSolved.t(l)}</label>
            <label class="choice"><input type="radio" name="solved" value="no" /> {K::ConfirmNotSolved.t(l)}</label>
            <p class="field-error">{move || field("solved")}</p>
        </fieldset>
        <fieldset class="field answer" id="answer-satisfaction">
            <legend>{K::SatisfactionLabel.t(l)}</legend>
            {Satisfaction::ALL.into_iter().enumerate().map(|(i, s)| view! {
                <label class="choice"><input type="radio" name="satisfaction" value=s.code() required=i == 0 /> {s.label().t(l)}</label>
            }).collect_view()}
            <p class="field-error">{move || field("satisfaction")}</p>
        </fieldset>
    }
}

/// "确认链接" and, once made, the firm's link: its QR code to show on the phone or print on the
/// visit sheet, the whole URL to copy, and the phone's share sheet (WeChat, SMS) where the browser
/// has one. An island: the link is the answer of a call, shown in place (a token is made once and
/// stored only hashed, so a reloaded page could not show it again).
#[island]
fn ConfirmLinkMaker(problem_id: i32) -> impl IntoView {
    let l = locale();
    let link = ServerAction::<MakeConfirmationLink>::new();
    view! {
        <ActionForm action=link attr:class="act">
            <input type="hidden" name="problem_id" value=problem_id />
            <button type="submit" class="secondary">{K::ConfirmLink.t(l)}</button>
        </ActionForm>
        // Only what this page asked for since it loaded (version > 0): a refusal of a plain post
        // is in the server-rendered page above, and the island must hydrate what the server drew.
        {move || (link.version().get() > 0).then(|| link.value().get()).flatten().map(|made| match made {
            Ok(made) => view! { <LinkCard link=made /> }.into_any(),
            Err(e) => view! { <ErrorBox error=e /> }.into_any(),
        })}
    }
}

#[component]
fn LinkCard(link: domain::problem::ConfirmationLink) -> impl IntoView {
    let l = locale();
    let copied = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(el) = input.get() {
            copied.set(browser::copy(&el));
        }
    };
    let share = {
        let url = link.url.clone();
        move |_| {
            #[cfg(feature = "hydrate")]
            {
                if !browser::share(K::ConfirmTitle.t(l), &url)
                    && let Some(el) = input.get()
                {
                    copied.set(browser::copy(&el));
                }
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = &url;
        }
    };
    view! {
        <div class="notice link-made" id="link-made">
            <p>{K::ConfirmLinkLead.fill(l, &[("days", link.valid_days.to_string())])}</p>
            <div class="qr" inner_html=link.qr_svg></div>
            <label class="sr" for="confirm-url">{K::ConfirmLink.t(l)}</label>
            <input id="confirm-url" class="confirm-url" type="url" readonly value=link.url.clone() node_ref=input />
            <p class="actions">
                <a class="confirm-link" href=link.url>{K::ConfirmLink.t(l)}</a>
                <button type="button" class="secondary" id="copy-link" on:click=copy>
                    {move || if copied.get() { K::LinkCopied.t(l) } else { K::CopyLink.t(l) }}
                </button>
                <button type="button" class="secondary" id="share-link" on:click=share>{K::ShareLink.t(l)}</button>
            </p>
        </div>
    }
}

/// The browser's clipboard and share sheet, reached through `js_sys` so no extra `web-sys`
/// features are needed.
#[cfg(feature = "hydrate")]
mod browser {
    use js_sys::{Function, Object, Reflect};
    use leptos::wasm_bindgen::{JsCast, JsValue};

    fn method(target: &JsValue, name: &str) -> Option<Function> {
        Reflect::get(target, &JsValue::from_str(name))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
    }

    fn navigator() -> JsValue {
        let window: JsValue = leptos::prelude::window().into();
        Reflect::get(&window, &JsValue::from_str("navigator")).unwrap_or(JsValue::UNDEFINED)
    }

    /// Copies the input's text: the Clipboard API where the page is a secure context, else the
    /// selection the old way (a plain-HTTP intranet). Whether it worked.
    pub fn copy(input: &leptos::web_sys::HtmlInputElement) -> bool {
        let navigator = navigator();
        let text = JsValue::from_str(&input.value());
        if let Ok(clipboard) = Reflect::get(&navigator, &JsValue::from_str("clipboard"))
            && let Some(write) = method(&clipboard, "writeText")
        {
            return write.call1(&clipboard, &text).is_ok();
        }
        input.select();
        let document: JsValue = leptos::prelude::document().into();
        method(&document, "execCommand")
            .and_then(|exec| exec.call1(&document, &JsValue::from_str("copy")).ok())
            .is_some_and(|done| done.is_truthy())
    }

    /// Opens the phone's share sheet with the link; false where the browser has none.
    pub fn share(title: &str, url: &str) -> bool {
        let navigator = navigator();
        let Some(share) = method(&navigator, "share") else {
            return false;
        };
        let data = Object::new();
        let set =
            |k: &str, v: &str| Reflect::set(&data, &JsValue::from_str(k), &JsValue::from_str(v));
        if set("title", title).is_err() || set("url", url).is_err() {
            return false;
        }
        share.call1(&navigator, &data).is_ok()
    }
}

#[component]
pub fn ProblemActions(
    id: i32,
    version: i32,
    status: ProblemStatus,
    powers: Powers,
    back: String,
) -> impl IntoView {
    let l = locale();
    let act = ServerAction::<ProblemAct>::new();
    let call = ServerAction::<ConfirmCall>::new();
    // Read here only for a plain post the server refused (the island makes the calls).
    let link = ServerAction::<MakeConfirmationLink>::new();
    let error = move || {
        act.value()
            .get()
            .and_then(Result::err)
            .or_else(|| call.value().get().and_then(Result::err))
            .or_else(|| link.value().get().and_then(Result::err))
    };
    let hidden = {
        let back = back.clone();
        move || {
            view! {
                <input type="hidden" name="problem_id" value=id />
                <input type="hidden" name="version" value=version />
                <input type="hidden" name="back" value=back.clone() />
            }
        }
    };
    let simple = |mv: &'static str, label: K, note: bool| {
        let hidden = hidden.clone();
        view! {
            <ActionForm action=act attr:class="act">
                {hidden()}
                <input type="hidden" name="mv" value=mv />
                {note.then(|| view! {
                    <label class="sr" for=format!("note-{mv}-{id}")>{K::Note.t(l)}</label>
                    <textarea id=format!("note-{mv}-{id}") name="note" rows="2" required placeholder=K::Note.t(l)></textarea>
                })}
                <button type="submit" class="secondary" data-mv=mv>{label.t(l)}</button>
            </ActionForm>
        }
    };
    let unit_actions = powers.unit_side.then(|| match status {
        ProblemStatus::Routed => Some(simple("claim", K::Claim, false).into_any()),
        ProblemStatus::Claimed => Some(view! { {simple("respond", K::Respond, true)} {simple("unsolvable", K::MarkUnsolvable, true)} }.into_any()),
        ProblemStatus::Responded => Some(simple("close", K::CloseProblem, false).into_any()),
        _ => None,
    });
    let follow_up = (powers.follow_up && status == ProblemStatus::Closed).then(|| {
        let hidden = hidden.clone();
        view! {
            <ActionForm action=call attr:class="act follow-up">
                {hidden()}
                <fieldset>
                    <legend>{K::FollowUp.t(l)}</legend>
                    <AnswerChoices error=Signal::derive(move || call.value().get().and_then(Result::err)) />
                    <label for=format!("comment-{id}")>{K::FirmComment.t(l)}</label>
                    <textarea id=format!("comment-{id}") name="comment" rows="2"></textarea>
                    <button type="submit" class="primary">{K::Submit.t(l)}</button>
                </fieldset>
            </ActionForm>
            <ConfirmLinkMaker problem_id=id />
        }
    });
    view! {
        {move || error().map(|e| view! { <ErrorBox error=e /> })}
        <div class="actions problem-actions">{unit_actions} {follow_up}</div>
    }
}

pub fn powers_for_entry(
    p: &ProblemEntry,
    role: Role,
    viewer_unit: Option<&str>,
    is_coordinator: bool,
) -> Powers {
    Powers::for_problem(role, viewer_unit, is_coordinator, &p.units)
}

#[component]
pub fn QueuePage() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("updated"), |_| problem_queue());
    view! {
        <Title text=K::QueueTitle.t(l) />
        <section class="page queue">
            <h1>{K::QueueTitle.t(l)}</h1>
            {move || query.read().get("updated").map(|_| view! { <p class="notice success" role="status">"✓ " {K::StatusChanged.t(l)}</p> })}
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        Ok((rows, _)) if rows.is_empty() => view! { <p class="notice empty">{K::NoQueue.t(l)}</p> }.into_any(),
                        Ok((rows, _)) => view! {
                            <ol class="queue-list">
                                {rows.into_iter().map(|r| view! { <QueueItem r /> }).collect_view()}
                            </ol>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn QueueItem(r: QueueRow) -> impl IntoView {
    let l = locale();
    let status = ProblemStatus::from_code(&r.status).unwrap_or(ProblemStatus::Routed);
    let urgency = r.urgency;
    // The queue lists only what the server already scoped to the viewer's unit (or the office);
    // what another unit leads is shown to the co-handler without its buttons.
    let powers = Powers {
        unit_side: !r.co_handling,
        follow_up: false,
    };
    let routing = domain::problem::routing_text(&r.units, l);
    view! {
        <li class="queue-item" data-problem=r.id id=format!("problem-{}", r.id)>
            <p class="when">
                <a href=format!("/firms/{}", r.firm_id)>{r.firm_name}</a>
                " · " <span class=format!("status {}", status.code())>{status.name(l)}</span> " "
                <UrgencyBadge urgency />
            </p>
            <p class="summary">{r.description}</p>
            <p class="muted">"(" {r.measure_id} ") " {r.measure_zh} " · " {K::Deadline.t(l)} ": " {r.deadline.to_string()}</p>
            <p class="muted units">{K::RoutedTo.t(l)} ": " {routing}</p>
            {r.co_handling.then(|| view! { <p class="notice co-handling">{K::CoHandling.t(l)}</p> })}
            {r.unit_response.map(|t| view! { <p class="muted">{K::UnitResponse.t(l)} ": " {t}</p> })}
            <crate::components::StageClocks clocks=r.clocks />
            <crate::pages::supervision::Supervisions orders=r.supervisions can_reply=true back="/queue".to_owned() />
            <ProblemActions id=r.id version=r.version status powers back="/queue".to_owned() />
        </li>
    }
}

#[component]
pub fn ConfirmPage() -> impl IntoView {
    let l = locale();
    let params = use_params_map();
    let query = use_query_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let data = Resource::new(token, link_view);
    let action = ServerAction::<ConfirmLink>::new();
    view! {
        <Title text=K::ConfirmTitle.t(l) />
        <section class="page confirm">
            <h1>{K::ConfirmTitle.t(l)}</h1>
            {move || query.read().get("done").map(|_| view! { <p class="notice success" role="status">"✓ " {K::ConfirmThanks.t(l)}</p> })}
            {move || action.value().get().and_then(Result::err).map(|e| view! { <ErrorBox error=e /> })}
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        Ok(v) => view! {
                            <dl class="profile">
                                <dt>{K::ColFirm.t(l)}</dt><dd>{v.firm_name}</dd>
                                <dt>{K::Problem.t(l)}</dt><dd>{v.description}</dd>
                                <dt>{K::Measure.t(l)}</dt><dd>{v.measure_zh}</dd>
                                <dt>{K::UnitResponse.t(l)}</dt><dd>{v.unit_response.unwrap_or_default()}</dd>
                            </dl>
                            <ActionForm action attr:class="form">
                                <input type="hidden" name="token" value=token() />
                                <AnswerChoices error=Signal::derive(move || action.value().get().and_then(Result::err)) />
                                <div class="field">
                                    <label for="comment">{K::FirmComment.t(l)}</label>
                                    <textarea id="comment" name="comment" rows="3"></textarea>
                                </div>
                                <button type="submit" class="primary big">{K::Submit.t(l)}</button>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
