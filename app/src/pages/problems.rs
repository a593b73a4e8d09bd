//! Problem work: the actions on one problem (used on the firm file and in the queue), the
//! member unit's queue (待办), and the page a firm opens from its confirmation link.

use crate::api::{
    ConfirmCall, ConfirmLink, MakeConfirmationLink, ProblemAct, link_view, problem_queue,
};
use crate::components::{ErrorBox, Loading, UrgencyBadge};
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
            unit_side: office
                || (role == Role::Unit
                    && viewer_unit.is_some_and(|u| units.iter().any(|x| x == u))),
            follow_up: office || (role == Role::Coordinator && is_coordinator),
        }
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
                    <label class="choice"><input type="radio" name="solved" value="yes" checked /> {K::ConfirmSolved.t(l)}</label>
                    <label class="choice"><input type="radio" name="solved" value="no" /> {K::ConfirmNotSolved.t(l)}</label>
                    <p class="muted">{K::SatisfactionLabel.t(l)}</p>
                    {Satisfaction::ALL.into_iter().map(|s| view! {
                        <label class="choice"><input type="radio" name="satisfaction" value=s.code() checked=s == Satisfaction::Satisfied /> {s.label().t(l)}</label>
                    }).collect_view()}
                    <label for=format!("comment-{id}")>{K::FirmComment.t(l)}</label>
                    <textarea id=format!("comment-{id}") name="comment" rows="2"></textarea>
                    <button type="submit" class="primary">{K::Submit.t(l)}</button>
                </fieldset>
            </ActionForm>
            <ActionForm action=link attr:class="act">
                <input type="hidden" name="problem_id" value=id />
                <button type="submit" class="secondary">{K::ConfirmLink.t(l)}</button>
            </ActionForm>
            {move || link.value().get().and_then(Result::ok).map(|path| view! {
                <p class="notice link-made">{K::ConfirmLink.t(l)} ": " <a class="confirm-link" href=path.clone()>{path.clone()}</a></p>
            })}
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
    // The queue lists only what the server already scoped to the viewer's unit (or the office).
    let powers = Powers {
        unit_side: true,
        follow_up: false,
    };
    view! {
        <li class="queue-item" data-problem=r.id id=format!("problem-{}", r.id)>
            <p class="when">
                <a href=format!("/firms/{}", r.firm_id)>{r.firm_name}</a>
                " · " <span class=format!("status {}", status.code())>{status.name(l)}</span> " "
                <UrgencyBadge urgency />
            </p>
            <p class="summary">{r.description}</p>
            <p class="muted">"(" {r.measure_id} ") " {r.measure_zh} " · " {K::Deadline.t(l)} ": " {r.deadline.to_string()}</p>
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
                                <fieldset class="field">
                                    <legend>{K::ConfirmTitle.t(l)}</legend>
                                    <label class="choice"><input type="radio" name="solved" value="yes" checked /> {K::ConfirmSolved.t(l)}</label>
                                    <label class="choice"><input type="radio" name="solved" value="no" /> {K::ConfirmNotSolved.t(l)}</label>
                                </fieldset>
                                <fieldset class="field">
                                    <legend>{K::SatisfactionLabel.t(l)}</legend>
                                    {Satisfaction::ALL.into_iter().map(|s| view! {
                                        <label class="choice"><input type="radio" name="satisfaction" value=s.code() checked=s == Satisfaction::Satisfied /> {s.label().t(l)}</label>
                                    }).collect_view()}
                                </fieldset>
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
