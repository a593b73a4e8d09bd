//! 我的账号: change one's own password; 用户: the office resets passwords; 操作日志: the audit trail.

use crate::api::{
    ChangePassword, ResetUserPassword, RevokeToken, SetEmail, SetUserActive, audit_trail,
    list_tokens, list_users, my_email,
};
use crate::components::{AuditTable, ErrorBox, Loading};
use crate::i18n::locale;
use domain::K;
use domain::auth::Role;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AccountPage() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let action = ServerAction::<ChangePassword>::new();
    let error = move || action.value().get().and_then(Result::err);
    let field = move |name: &'static str| error().and_then(|e| e.field(name, l));
    view! {
        <Title text=K::ChangePassword.t(l) />
        <section class="page account">
            <h1>{K::ChangePassword.t(l)}</h1>
            {move || {
                query.read().get("changed").map(|_| view! { <p class="notice success" role="status">"✓ " {K::PasswordChanged.t(l)}</p> })
            }}
            {move || error().map(|e| view! { <ErrorBox error=e /> })}
            <ActionForm action attr:class="form">
                <div class="field">
                    <label for="current_password">{K::CurrentPassword.t(l)}</label>
                    <input id="current_password" name="current_password" type="password" autocomplete="current-password" required />
                    <p class="field-error">{move || field("current_password")}</p>
                </div>
                <div class="field">
                    <label for="new_password">{K::NewPassword.t(l)}</label>
                    <input id="new_password" name="new_password" type="password" autocomplete="new-password" required minlength="10" />
                    <p class="field-error">{move || field("new_password")}</p>
                </div>
                <button type="submit" class="primary">{K::Submit.t(l)}</button>
            </ActionForm>
            <EmailForm />
        </section>
    }
}

/// Where the outbox mails this user's notifications.
#[component]
fn EmailForm() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let action = ServerAction::<SetEmail>::new();
    let current = Resource::new(move || action.version().get(), |_| my_email());
    let error = move || action.value().get().and_then(Result::err);
    view! {
        <h2>{K::NotifyEmail.t(l)}</h2>
        {move || query.read().get("email").map(|_| view! { <p class="notice success" role="status" id="email-saved">"✓ " {K::NotifyEmailSaved.t(l)}</p> })}
        {move || error().map(|e| view! { <ErrorBox error=e /> })}
        <Suspense>
            {move || Suspend::new(async move {
                let value = current.await.ok().flatten().unwrap_or_default();
                view! {
                    <ActionForm action attr:class="form" attr:id="email-form">
                        <div class="field">
                            <label for="email">{K::NotifyEmail.t(l)}</label>
                            <input id="email" name="email" type="email" autocomplete="email" maxlength=domain::auth::MAX_EMAIL.to_string() value=value />
                            <p class="muted">{K::NotifyEmailHelp.t(l)}</p>
                        </div>
                        <button type="submit" class="primary">{K::Save.t(l)}</button>
                    </ActionForm>
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let toggle = ServerAction::<SetUserActive>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let users = Resource::new(move || toggle.version().get(), |_| list_users());
    let tokens = Resource::new(move || revoke.version().get(), |_| list_tokens());
    let action = ServerAction::<ResetUserPassword>::new();
    let error = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| toggle.value().get().and_then(Result::err))
            .or_else(|| revoke.value().get().and_then(Result::err))
    };
    view! {
        <Title text=K::Users.t(l) />
        <section class="page users">
            <h1>{K::Users.t(l)}</h1>
            {move || error().map(|e| view! { <ErrorBox error=e /> })}
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match users.await {
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        Ok(rows) => {
                            let reset = query.read_untracked().get("reset");
                            let reset_name = reset.and_then(|id| rows.iter().find(|u| u.id.to_string() == id).map(|u| u.name.clone()));
                            let options: Vec<(i32, String)> = rows
                                .iter()
                                .map(|u| (u.id, format!("{} · {} · {}", u.name, u.phone, Role::from_code(&u.role).map(|r| r.name(l)).unwrap_or_default())))
                                .collect();
                            view! {
                                {reset_name.map(|name| view! { <p class="notice success" role="status">"✓ " {K::PasswordReset.fill(l, &[("name", name)])}</p> })}
                                <ActionForm action attr:class="form inline">
                                    <div class="field">
                                        <label for="user_id">{K::EntityUser.t(l)}</label>
                                        <select id="user_id" name="user_id">
                                            {options.into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="new_password">{K::NewPassword.t(l)}</label>
                                        <input id="new_password" name="new_password" type="password" autocomplete="new-password" required minlength="10" />
                                    </div>
                                    <button type="submit" class="primary">{K::ResetPassword.t(l)}</button>
                                </ActionForm>
                                <table class="grid">
                                    <thead><tr><th>"ID"</th><th>{K::ColFirm.t(l)}</th><th>{K::LoginName.t(l)}</th><th>{K::RoleUnit.t(l)}</th><th>{K::UserActive.t(l)}</th></tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|u| view! {
                                            <tr data-user=u.id>
                                                <td>{u.id}</td>
                                                <td>{u.name} " · " {Role::from_code(&u.role).map(|r| r.name(l)).unwrap_or_default()}</td>
                                                <td>{u.phone} {u.username.map(|n| format!(" / {n}"))}</td>
                                                <td>{u.member_unit.unwrap_or_default()}</td>
                                                <td>
                                                    {if u.active { K::UserEnabled.t(l) } else { K::UserDisabledState.t(l) }} " "
                                                    <ActionForm action=toggle attr:class="inline">
                                                        <input type="hidden" name="user_id" value=u.id />
                                                        <input type="hidden" name="active" value={if u.active { "0" } else { "1" }} />
                                                        <button type="submit" class="link">{if u.active { K::UserDisable.t(l) } else { K::UserEnable.t(l) }}</button>
                                                    </ActionForm>
                                                </td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
            <h2>{K::TokensTitle.t(l)}</h2>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! { <p class="notice empty">{K::TokensNone.t(l)}</p> }.into_any(),
                        Ok(rows) => {
                            let now = chrono::Utc::now();
                            let day = |t: chrono::DateTime<chrono::Utc>| domain::clock::date_of(t).to_string();
                            view! {
                                <div class="table-wrap">
                                    <table class="grid" id="tokens">
                                        <thead><tr>
                                            <th>"ID"</th><th>{K::TokenOwner.t(l)}</th><th>{K::TokenName.t(l)}</th>
                                            <th>{K::TokenLastUsed.t(l)}</th><th>{K::TokenExpires.t(l)}</th><th>{K::TokenState.t(l)}</th>
                                        </tr></thead>
                                        <tbody>
                                            {rows.into_iter().map(|t| {
                                                let live = t.is_live(now);
                                                let state = if t.revoked_at.is_some() { K::TokenRevoked } else if live { K::TokenLive } else { K::TokenExpired };
                                                view! {
                                                    <tr data-token=t.id>
                                                        <td>{t.id}</td>
                                                        <td>{t.user_name.clone()}</td>
                                                        <td>{t.name.clone()}</td>
                                                        <td>{t.last_used_at.map(day).unwrap_or_else(|| "—".into())}</td>
                                                        <td>{day(t.expires_at)}</td>
                                                        <td>
                                                            {state.t(l)} " "
                                                            {live.then(|| view! {
                                                                <ActionForm action=revoke attr:class="inline">
                                                                    <input type="hidden" name="token_id" value=t.id />
                                                                    <button type="submit" class="link">{K::TokenRevoke.t(l)}</button>
                                                                </ActionForm>
                                                            })}
                                                        </td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let get = move |k: &str| query.read().get(k);
    let rows = Resource::new(
        move || (get("user"), get("firm"), get("from"), get("to")),
        |(u, f, a, b)| audit_trail(u, f, a, b),
    );
    view! {
        <Title text=K::Audit.t(l) />
        <section class="page audit">
            <h1>{K::Audit.t(l)}</h1>
            <Form method="GET" action="/audit" attr:class="filters">
                <div class="field"><label for="f-user">{K::AuditWho.t(l)} " (ID)"</label><input id="f-user" name="user" inputmode="numeric" value=move || get("user").unwrap_or_default() /></div>
                <div class="field"><label for="f-firm">{K::ColFirm.t(l)} " (ID)"</label><input id="f-firm" name="firm" inputmode="numeric" value=move || get("firm").unwrap_or_default() /></div>
                <div class="field"><label for="f-from">{K::AuditWhen.t(l)} " ≥"</label><input id="f-from" name="from" type="date" value=move || get("from").unwrap_or_default() /></div>
                <div class="field"><label for="f-to">{K::AuditWhen.t(l)} " ≤"</label><input id="f-to" name="to" type="date" value=move || get("to").unwrap_or_default() /></div>
                <div class="field actions"><button type="submit">{K::SearchButton.t(l)}</button></div>
            </Form>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(rows) => view! { <AuditTable rows /> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
