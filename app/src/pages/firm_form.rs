//! 登记企业 / 编辑档案: the office registers a firm or corrects its profile. Checked on the server
//! (the credit code's check character, unique codes, a reason for a scope override).

use crate::api::{SaveFirm, get_firm_form};
use crate::components::{ErrorBox, Loading};
use crate::error::AppError;
use crate::i18n::locale;
use domain::firm::FirmForm;
use domain::{K, Region, Tier};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn FirmFormPage() -> impl IntoView {
    let l = locale();
    let params = use_params_map();
    let id = move || params.read().get("id");
    let data = Resource::new(id, get_firm_form);
    let action = ServerAction::<SaveFirm>::new();
    let title = move || {
        if id().is_some() {
            K::EditFirm.t(l)
        } else {
            K::NewFirm.t(l)
        }
    };
    view! {
        <Title text=title() />
        <section class="page firm-form">
            <h1>{title}</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(form) => view! { <FirmFormBody form action id=id().unwrap_or_default() /> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn FirmFormBody(form: FirmForm, action: ServerAction<SaveFirm>, id: String) -> impl IntoView {
    let l = locale();
    let error = move || action.value().get().and_then(Result::err);
    let refused: Option<AppError> = action.value().get_untracked().and_then(Result::err);
    // What a refused post sent, else the stored profile.
    let value = {
        let refused = refused.clone();
        move |name: &str, stored: &str| {
            refused
                .as_ref()
                .and_then(|e| e.echo(name))
                .unwrap_or_else(|| stored.to_owned())
        }
    };
    let value_for_fields = value.clone();
    let field_error = move |name: &'static str| error().and_then(|e| e.field(name, l));
    let text_field = move |name: &'static str, label: K, stored: String, required: bool| {
        let v = value_for_fields(name, &stored);
        view! {
            <div class="field">
                <label for=name>{label.t(l)}</label>
                <input id=name name=name type="text" required=required value=v />
                <p class="field-error">{move || field_error(name)}</p>
            </div>
        }
    };
    let region = value("region", &form.region);
    let tier = value("tier", &form.tier);
    let scope = value("scope", &form.scope);
    let site = value("site", &form.site);
    view! {
        {move || error().map(|e| view! { <ErrorBox error=e /> })}
        <ActionForm action attr:class="form">
            <input type="hidden" name="id" value=id.clone() />
            {text_field("credit_code", K::CreditCodeLabel, form.credit_code.clone(), true)}
            {text_field("name", K::ColFirm, form.name.clone(), true)}
            <div class="field">
                <label for="region">{K::FilterRegion.t(l)}</label>
                <select id="region" name="region">
                    {Region::ALL.into_iter().map(|r| view! { <option value=r.id() selected=region == r.id().to_string()>{r.name(l)}</option> }).collect_view()}
                </select>
            </div>
            {text_field("county", K::County, form.county.clone(), false)}
            {text_field("industry", K::Industry, form.industry.clone(), false)}
            <div class="field">
                <label for="tier">{K::FilterTier.t(l)}</label>
                <select id="tier" name="tier">
                    {Tier::ALL.into_iter().map(|t| view! { <option value=t.id() selected=tier == t.id().to_string()>{t.name(l)}</option> }).collect_view()}
                </select>
            </div>
            <fieldset class="field">
                <legend>{K::InScope.t(l)}</legend>
                <label class="choice"><input type="radio" name="scope" value="" checked=scope.is_empty() /> {K::ScopeByTier.t(l)}</label>
                <label class="choice"><input type="radio" name="scope" value="in" checked=scope == "in" /> {K::ScopeIn.t(l)}</label>
                <label class="choice"><input type="radio" name="scope" value="out" checked=scope == "out" /> {K::ScopeOut.t(l)}</label>
            </fieldset>
            {text_field("scope_reason", K::ScopeReason, form.scope_reason.clone(), false)}
            {text_field("contact_name", K::Contact, form.contact_name.clone(), false)}
            {text_field("contact_phone", K::ContactPhone, form.contact_phone.clone(), false)}
            {text_field("address", K::Address, form.address.clone(), false)}
            <div class="field">
                <label for="site">{K::FirmSite.t(l)}</label>
                // Text, not two number inputs: a pair copied from a map app pastes in one go.
                <input id="site" name="site" type="text" inputmode="decimal" autocomplete="off"
                    placeholder="36.6171, 101.7782" value=site aria-describedby="site-hint" />
                <p class="hint" id="site-hint">{K::FirmSiteHint.t(l)}</p>
                <p class="field-error">{move || field_error("site")}</p>
            </div>
            <div class="actions">
                <button type="submit" class="primary big">{K::Submit.t(l)}</button>
                <a class="button secondary" href=if id.is_empty() { "/firms".to_owned() } else { format!("/firms/{id}") }>{K::Cancel.t(l)}</a>
            </div>
        </ActionForm>
    }
}
