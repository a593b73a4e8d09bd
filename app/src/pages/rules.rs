//! 工作规则: the clocks every problem runs on (签收, 办结, 回访) and when the server reminds
//! (催办) and escalates (督办). Everyone signed in reads them; the office changes them, and
//! sees how the notification outbox is doing.

use crate::api::{SaveRules, working_rules};
use crate::components::{ErrorBox, Loading};
use crate::i18n::locale;
use domain::K;
use domain::rules::{LIMITS, RulesForm};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn RulesPage() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let save = ServerAction::<SaveRules>::new();
    let data = Resource::new(
        move || (query.read().get("saved"), save.version().get()),
        |_| working_rules(),
    );
    let error = move || save.value().get().and_then(Result::err);
    let field_error = move |name: &'static str| error().and_then(|e| e.field(name, l));
    view! {
        <Title text=K::RulesTitle.t(l) />
        <section class="page rules">
            <h1>{K::RulesTitle.t(l)}</h1>
            <p class="muted">{K::RulesIntro.t(l)}</p>
            {move || query.read().get("saved").map(|_| view! {
                <p class="notice success" role="status" id="rules-saved">"✓ " {K::RulesSaved.t(l)}</p>
            })}
            {move || error().map(|e| view! { <ErrorBox error=e /> })}
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        Ok(v) => {
                            let form = RulesForm::of(&v.rules);
                            let fields: Vec<(&'static str, K, String, u32, u32)> = LIMITS
                                .iter()
                                .zip(form.values())
                                .map(|((name, label, min, max), value)| (*name, *label, value.to_owned(), *min, *max))
                                .collect();
                            let editable = v.can_edit;
                            let deliveries = v.deliveries.clone();
                            view! {
                                <ActionForm action=save attr:class="form" attr:id="rules-form">
                                    {fields.into_iter().map(|(name, label, value, min, max)| view! {
                                        <div class="field">
                                            <label for=format!("rule-{name}")>{label.t(l)}</label>
                                            <input id=format!("rule-{name}") name=name type="number" inputmode="numeric"
                                                min=min.to_string() max=max.to_string() value=value required disabled=!editable />
                                            <p class="field-error">{move || field_error(name)}</p>
                                        </div>
                                    }).collect_view()}
                                    {editable.then(|| view! { <button type="submit" class="primary">{K::Save.t(l)}</button> })}
                                </ActionForm>
                                {editable.then(|| view! {
                                    <h2>{K::DeliveriesTitle.t(l)}</h2>
                                    <p class="muted">{K::DeliveriesIntro.t(l)}</p>
                                    {if deliveries.is_empty() {
                                        view! { <p class="notice empty">{K::DeliveriesNone.t(l)}</p> }.into_any()
                                    } else {
                                        view! {
                                            <div class="table-wrap">
                                                <table class="grid" id="deliveries">
                                                    <thead><tr>
                                                        <th>{K::DeliveryChannel.t(l)}</th>
                                                        <th>{K::DeliveryStatus.t(l)}</th>
                                                        <th class="num">{K::DeliveryCount.t(l)}</th>
                                                    </tr></thead>
                                                    <tbody>
                                                        {deliveries.into_iter().map(|d| view! {
                                                            <tr><td>{d.channel}</td><td>{d.status}</td><td class="num">{d.n}</td></tr>
                                                        }).collect_view()}
                                                    </tbody>
                                                </table>
                                            </div>
                                        }.into_any()
                                    }}
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
