//! 修改走访: a coordinator corrects a visit shortly after logging it; the audit keeps both versions.

use crate::api::{CorrectVisit, get_visit_edit};
use crate::components::{ErrorBox, Loading};
use crate::i18n::locale;
use domain::K;
use domain::visit::{MAX_PARTICIPANTS, MAX_SUMMARY, VisitKind};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn EditVisitPage() -> impl IntoView {
    let l = locale();
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_visit_edit,
    );
    let action = ServerAction::<CorrectVisit>::new();
    let error = move || action.value().get().and_then(Result::err);
    let field = move |name: &'static str| error().and_then(|e| e.field(name, l));
    view! {
        <Title text=K::EditVisit.t(l) />
        <section class="page visit-form">
            <h1>{K::EditVisit.t(l)}</h1>
            {move || error().map(|e| view! { <ErrorBox error=e /> })}
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        Ok(v) => view! {
                            <p class="crumbs"><a href=format!("/firms/{}", v.firm_id)>{v.firm_name.clone()}</a></p>
                            <ActionForm action attr:class="form">
                                <input type="hidden" name="visit_id" value=v.visit_id />
                                <div class="field">
                                    <label for="visit_date">{K::VisitDate.t(l)}</label>
                                    <input id="visit_date" name="visit_date" type="date" required value=v.visit_date.to_string()
                                        min=v.campaign_start.to_string() max=v.today.to_string() />
                                    <p class="field-error">{move || field("visit_date")}</p>
                                </div>
                                <fieldset class="field">
                                    <legend>{K::VisitKind.t(l)}</legend>
                                    {VisitKind::ALL.into_iter().map(|k| {
                                        let id = format!("kind-{}", k.code());
                                        let label_for = id.clone();
                                        view! {
                                            <label class="choice" for=label_for>
                                                <input type="radio" id=id name="kind" value=k.code() checked=v.kind == k.code() />
                                                {k.name(l)}
                                            </label>
                                        }
                                    }).collect_view()}
                                </fieldset>
                                <div class="field">
                                    <label for="participants">{K::VisitParticipants.t(l)}</label>
                                    <input id="participants" name="participants" type="text" maxlength=MAX_PARTICIPANTS value=v.participants.clone() />
                                </div>
                                <div class="field">
                                    <label for="summary">{K::VisitSummary.t(l)}</label>
                                    <textarea id="summary" name="summary" rows="6" required maxlength=MAX_SUMMARY>{v.summary.clone()}</textarea>
                                    <p class="field-error">{move || field("summary")}</p>
                                </div>
                                <div class="actions">
                                    <button type="submit" class="primary big">{K::Submit.t(l)}</button>
                                    <a class="button secondary" href=format!("/firms/{}", v.firm_id)>{K::Cancel.t(l)}</a>
                                </div>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
