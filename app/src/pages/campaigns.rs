//! 活动轮次: the rounds of the campaign. The 2022 round is seeded; the office starts later
//! rounds with their dates and the tiers in scope. Each round's dashboard replays on its own.

use crate::api::{CreateCampaign, list_campaigns};
use crate::components::{ErrorBox, Loading};
use crate::i18n::locale;
use domain::{K, Locale, Tier};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CampaignsPage() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("created"), |_| list_campaigns());
    let me = Resource::new(|| (), |_| crate::api::me());
    let action = ServerAction::<CreateCampaign>::new();
    let error = move || action.value().get().and_then(Result::err);
    let field_error = move |name: &'static str| error().and_then(|e| e.field(name, l));
    view! {
        <Title text=K::CampaignsTitle.t(l) />
        <section class="page campaigns">
            <h1>{K::CampaignsTitle.t(l)}</h1>
            <p><a href="/calendar" id="calendar-link">{K::CalendarTitle.t(l)} " →"</a></p>
            {move || query.read().get("created").map(|_| view! {
                <p class="notice success" role="status" id="campaign-created">"✓ " {K::CampaignCreated.t(l)}</p>
            })}
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        Ok(rounds) => view! {
                            <div class="table-wrap">
                                <table class="grid" id="campaign-list">
                                    <thead><tr>
                                        <th>{K::CampaignNameZh.t(l)}</th><th>{K::CampaignPeriod.t(l)}</th><th></th>
                                    </tr></thead>
                                    <tbody>
                                        {rounds.into_iter().map(|c| view! {
                                            <tr>
                                                <td>{if l == Locale::Zh { c.name_zh.clone() } else { c.name_en.clone() }}</td>
                                                <td>{c.starts_on.to_string()} " — " {c.deadline.to_string()}</td>
                                                <td><a href=format!("/dashboard?campaign={}", c.id)>{K::NavDashboard.t(l)}</a></td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
            <Suspense>
                {move || Suspend::new(async move {
                    let office = me.await.ok().flatten().is_some_and(|u| u.is(domain::auth::Role::Office));
                    office.then(|| view! {
                        <h2>{K::NewCampaign.t(l)}</h2>
                        {move || error().map(|e| view! { <ErrorBox error=e /> })}
                        <ActionForm action attr:class="form" attr:id="new-campaign">
                            <div class="field">
                                <label for="name_zh">{K::CampaignNameZh.t(l)}</label>
                                <input id="name_zh" name="name_zh" type="text" required maxlength="100" />
                                <p class="field-error">{move || field_error("name_zh")}</p>
                            </div>
                            <div class="field">
                                <label for="name_en">{K::CampaignNameEn.t(l)}</label>
                                <input id="name_en" name="name_en" type="text" maxlength="100" />
                            </div>
                            <div class="field">
                                <label for="starts_on">{K::CampaignStart.t(l)}</label>
                                <input id="starts_on" name="starts_on" type="date" required />
                                <p class="field-error">{move || field_error("starts_on")}</p>
                            </div>
                            <div class="field">
                                <label for="deadline">{K::CampaignDeadline.t(l)}</label>
                                <input id="deadline" name="deadline" type="date" required />
                                <p class="field-error">{move || field_error("deadline")}</p>
                            </div>
                            <fieldset>
                                <legend>{K::CampaignTiers.t(l)}</legend>
                                {Tier::ALL.into_iter().map(|t| {
                                    let name = format!("tier{}", t.id());
                                    view! {
                                        <label class="choice">
                                            <input type="checkbox" name=name value="1" checked=t.in_campaign_scope() />
                                            {t.name(l)}
                                        </label>
                                    }
                                }).collect_view()}
                                <p class="field-error">{move || field_error("tiers")}</p>
                            </fieldset>
                            <button type="submit" class="primary">{K::Save.t(l)}</button>
                        </ActionForm>
                    })
                })}
            </Suspense>
        </section>
    }
}
