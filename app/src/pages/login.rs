//! 登录: phone number or username and password. Works without JavaScript too.

use crate::api::{Login, LoginCode};
use crate::components::ErrorBox;
use crate::i18n::locale;
use domain::K;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let action = ServerAction::<Login>::new();
    let error = move || action.value().get().and_then(Result::err);
    let login_echo = action
        .value()
        .get_untracked()
        .and_then(Result::err)
        .and_then(|e| e.echo("login"))
        .unwrap_or_default();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".to_owned());
    let pending = action.pending();
    view! {
        <Title text=K::LoginTitle.t(l) />
        <section class="page login">
            <h1>{K::LoginTitle.t(l)}</h1>
            <p class="muted">{K::AppTagline.t(l)}</p>
            {move || error().map(|e| view! { <ErrorBox error=e /> })}
            <ActionForm action attr:class="form">
                <input type="hidden" name="next" value=next />
                <div class="field">
                    <label for="login">{K::LoginName.t(l)}</label>
                    <input id="login" name="login" type="text" autocomplete="username" required value=login_echo />
                </div>
                <div class="field">
                    <label for="password">{K::Password.t(l)}</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required />
                </div>
                <button type="submit" class="primary big" disabled=move || pending.get()>
                    {K::LoginButton.t(l)}
                </button>
            </ActionForm>
            <p class="hint">{K::LoginHint.t(l)}</p>
        </section>
    }
}

/// 输入动态验证码: the login's second step, for accounts with a second factor. Works without
/// JavaScript too.
#[component]
pub fn LoginCodePage() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let action = ServerAction::<LoginCode>::new();
    let error = move || action.value().get().and_then(Result::err);
    let next = move || query.read().get("next").unwrap_or_else(|| "/".to_owned());
    let pending = action.pending();
    view! {
        <Title text=K::CodeTitle.t(l) />
        <section class="page login">
            <h1>{K::CodeTitle.t(l)}</h1>
            <p class="muted">{K::CodeHint.t(l)}</p>
            {move || error().map(|e| view! { <ErrorBox error=e /> })}
            <ActionForm action attr:class="form" attr:id="code-form">
                <input type="hidden" name="next" value=next />
                <div class="field">
                    <label for="code">{K::Code.t(l)}</label>
                    <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                        maxlength="20" required autofocus aria-describedby="code-error" />
                    <p class="field-error" id="code-error">{move || error().and_then(|e| e.field("code", l))}</p>
                </div>
                <button type="submit" class="primary big" disabled=move || pending.get()>
                    {K::CodeButton.t(l)}
                </button>
            </ActionForm>
            <p class="hint"><a href="/login">{K::LoginTitle.t(l)}</a></p>
        </section>
    }
}
