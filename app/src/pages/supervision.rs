//! 督办 on a problem: the orders with their replies, the unit's reply form and the office's
//! order form. Shown on the queue and the firm file.

use crate::api::{OrderSupervision, ReplySupervision};
use crate::components::ErrorBox;
use crate::i18n::locale;
use domain::K;
use domain::clock::date_of;
use domain::problem::{SUPERVISION_MAX_CHARS, Supervision};
use leptos::form::ActionForm;
use leptos::prelude::*;

/// The orders about one problem; `can_reply`: the viewer answers for a unit it is routed to.
#[component]
pub fn Supervisions(orders: Vec<Supervision>, can_reply: bool, back: String) -> impl IntoView {
    let l = locale();
    (!orders.is_empty()).then(|| {
        view! {
            <ul class="supervisions">
                {orders.into_iter().map(|s| {
                    let by = match &s.ordered_by {
                        Some(name) => K::SupervisionBy.fill(l, &[("name", name.clone()), ("at", date_of(s.ordered_at).to_string())]),
                        None => K::SupervisionBySystem.fill(l, &[("at", date_of(s.ordered_at).to_string())]),
                    };
                    let answered = s.reply.is_some();
                    view! {
                        <li class={if answered { "supervision answered" } else { "supervision waiting" }} data-supervision=s.id>
                            <p>
                                <span class="badge red">{if s.automatic { K::SupervisionAuto.t(l) } else { K::Supervision.t(l) }}</span>
                                " " <span class="muted">{by}</span>
                            </p>
                            <p class="instruction">{s.instruction.clone()}</p>
                            {match (s.reply.clone(), s.replied_at) {
                                (Some(reply), at) => view! {
                                    <p class="reply">
                                        <span class="muted">{K::SupervisionReplyBy.fill(l, &[("name", s.replied_by.clone().unwrap_or_default()), ("at", at.map(|t| date_of(t).to_string()).unwrap_or_default())])}</span>
                                        ": " {reply}
                                    </p>
                                }.into_any(),
                                (None, _) if can_reply => view! { <ReplyForm id=s.id back=back.clone() /> }.into_any(),
                                (None, _) => view! { <p class="badge yellow">{K::SupervisionAwaiting.t(l)}</p> }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
    })
}

#[component]
fn ReplyForm(id: i32, back: String) -> impl IntoView {
    let l = locale();
    let action = ServerAction::<ReplySupervision>::new();
    let error = move || action.value().get().and_then(Result::err);
    view! {
        {move || error().map(|e| view! { <ErrorBox error=e /> })}
        <ActionForm action attr:class="form supervision-reply">
            <input type="hidden" name="supervision_id" value=id />
            <input type="hidden" name="back" value=back />
            <label for=format!("reply-{id}")>{K::SupervisionReplyText.t(l)}</label>
            <textarea id=format!("reply-{id}") name="reply" rows="2" required maxlength=SUPERVISION_MAX_CHARS.to_string()></textarea>
            <button type="submit" class="primary">{K::SupervisionReply.t(l)}</button>
        </ActionForm>
    }
}

/// The office's form to order a problem's units to act.
#[component]
pub fn OrderForm(problem_id: i32, back: String) -> impl IntoView {
    let l = locale();
    let action = ServerAction::<OrderSupervision>::new();
    let error = move || action.value().get().and_then(Result::err);
    view! {
        <details class="supervision-order">
            <summary>{K::SupervisionOrder.t(l)}</summary>
            {move || error().map(|e| view! { <ErrorBox error=e /> })}
            <ActionForm action attr:class="form">
                <input type="hidden" name="problem_id" value=problem_id />
                <input type="hidden" name="back" value=back />
                <label for=format!("order-{problem_id}")>{K::SupervisionInstruction.t(l)}</label>
                <textarea id=format!("order-{problem_id}") name="instruction" rows="2" required maxlength=SUPERVISION_MAX_CHARS.to_string()></textarea>
                <button type="submit" class="primary">{K::SupervisionOrder.t(l)}</button>
            </ActionForm>
        </details>
    }
}
