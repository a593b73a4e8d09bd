//! 安全策略: the security administrator's lock-out, password age, session and audit retention
//! settings, and the accounts locked now, each with an unlock button.

use crate::api::{SavePolicy, UnlockUser, security_view};
use crate::components::{ErrorBox, Loading};
use crate::i18n::locale;
use domain::K;
use domain::security::{LIMITS, PolicyForm};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SecurityPage() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let save = ServerAction::<SavePolicy>::new();
    let unlock = ServerAction::<UnlockUser>::new();
    let data = Resource::new(
        move || {
            (
                query.read().get("saved"),
                save.version().get(),
                unlock.version().get(),
            )
        },
        |_| security_view(),
    );
    let error = move || {
        save.value()
            .get()
            .and_then(Result::err)
            .or_else(|| unlock.value().get().and_then(Result::err))
    };
    let field_error = move |name: &'static str| error().and_then(|e| e.field(name, l));
    let unlocked = move || {
        unlock
            .value()
            .get()
            .and_then(Result::ok)
            .map(|name| K::AccountUnlocked.fill(l, &[("name", name)]))
            .or_else(|| {
                query
                    .read()
                    .get("unlocked")
                    .map(|_| K::AccountUnlocked.fill(l, &[("name", String::new())]))
            })
    };
    view! {
        <Title text=K::SecurityTitle.t(l) />
        <section class="page security">
            <h1>{K::SecurityTitle.t(l)}</h1>
            <p class="muted">{K::SecurityLead.t(l)}</p>
            {move || query.read().get("saved").map(|_| view! {
                <p class="notice success" role="status" id="policy-saved">"✓ " {K::PolicySaved.t(l)}</p>
            })}
            {move || unlocked().map(|text| view! { <p class="notice success" role="status" id="unlocked">"✓ " {text}</p> })}
            {move || error().map(|e| view! { <ErrorBox error=e /> })}
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        Ok(v) => {
                            let form = PolicyForm::of(&v.policy);
                            let fields: Vec<(&'static str, K, String, u32, u32)> = LIMITS
                                .iter()
                                .zip(form.values())
                                .map(|((name, label, min, max), value)| (*name, *label, value.to_owned(), *min, *max))
                                .collect();
                            let locks = v.locks.clone();
                            view! {
                                <ActionForm action=save attr:class="form" attr:id="policy-form">
                                    {fields.into_iter().map(|(name, label, value, min, max)| view! {
                                        <div class="field">
                                            <label for=format!("policy-{name}")>{label.t(l)}</label>
                                            <input id=format!("policy-{name}") name=name type="number" inputmode="numeric"
                                                min=min.to_string() max=max.to_string() value=value required />
                                            <p class="field-error">{move || field_error(name)}</p>
                                        </div>
                                    }).collect_view()}
                                    <div class="field">
                                        <label class="check">
                                            <input type="checkbox" id="policy-second_factor_for_all" name="second_factor_for_all"
                                                value="on" checked=v.policy.second_factor_for_all />
                                            " " {K::PolicySecondFactorAll.t(l)}
                                        </label>
                                    </div>
                                    <button type="submit" class="primary">{K::Save.t(l)}</button>
                                </ActionForm>
                                <h2>{K::LockedAccounts.t(l)}</h2>
                                {if locks.is_empty() {
                                    view! { <p class="notice empty" id="no-locks">{K::NoLockedAccounts.t(l)}</p> }.into_any()
                                } else {
                                    view! {
                                        <div class="table-wrap">
                                            <table class="grid" id="locks">
                                                <thead><tr>
                                                    <th>{K::EntityUser.t(l)}</th>
                                                    <th>{K::LoginName.t(l)}</th>
                                                    <th>{K::LockedSince.t(l)}</th>
                                                    <th></th>
                                                </tr></thead>
                                                <tbody>
                                                    {locks.into_iter().map(|lock| view! {
                                                        <tr data-user=lock.user_id>
                                                            <td>{lock.name}</td>
                                                            <td class="nowrap">{lock.phone}</td>
                                                            <td class="nowrap">
                                                                {crate::components::local_time(lock.locked_at)} " → "
                                                                {crate::components::local_time(lock.locked_until)}
                                                            </td>
                                                            <td>
                                                                <ActionForm action=unlock attr:class="inline">
                                                                    <input type="hidden" name="user_id" value=lock.user_id />
                                                                    <button type="submit" class="link">{K::Unlock.t(l)}</button>
                                                                </ActionForm>
                                                            </td>
                                                        </tr>
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                    }.into_any()
                                }}
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
