//! 我的账号: change one's own password; 用户: the office resets passwords; 操作日志: the audit trail.

use crate::api::{
    BeginSecondFactor, ChangePassword, ConfirmSecondFactor, EndMySession, EndUserSessions,
    ResetSecondFactor, ResetUserPassword, RevokeToken, SetEmail, SetUserActive,
    TurnOffSecondFactor, audit_trail, list_tokens, list_users, my_email, my_second_factor,
    my_sessions,
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
    let must = move || query.read().get("must").is_some();
    view! {
        <Title text=K::ChangePassword.t(l) />
        <section class="page account">
            {move || must().then(|| view! {
                <div class="notice warn" role="alert" id="must-change">
                    <strong>{K::MustChangeTitle.t(l)}</strong>
                    <p>{K::MustChangeLead.t(l)}</p>
                </div>
            })}
            <h1>{K::ChangePassword.t(l)}</h1>
            {move || {
                query.read().get("changed").map(|_| view! { <p class="notice success" role="status" id="password-changed">"✓ " {K::PasswordChanged.t(l)}</p> })
            }}
            {move || error().map(|e| view! { <ErrorBox error=e /> })}
            <ActionForm action attr:class="form" attr:id="password-form">
                <div class="field">
                    <label for="current_password">{K::CurrentPassword.t(l)}</label>
                    <PasswordInput id="current_password" autocomplete="current-password" />
                    <p class="field-error">{move || field("current_password")}</p>
                </div>
                <div class="field">
                    <label for="new_password">{K::NewPassword.t(l)}</label>
                    <PasswordInput id="new_password" autocomplete="new-password" />
                    <p class="muted">{K::PasswordRulesHint.t(l)}</p>
                    <p class="field-error">{move || field("new_password")}</p>
                </div>
                <button type="submit" class="primary">{K::Submit.t(l)}</button>
            </ActionForm>
            {move || (!must()).then(|| view! { <SecondFactorSection /> })}
            {move || (!must() && query.read().get("second_factor").is_none()).then(|| view! { <EmailForm /> })}
            {move || (!must()).then(|| view! { <SessionList /> })}
        </section>
    }
}

/// A password field with a "show" toggle (pasting is allowed: password managers paste). An
/// island: the toggle is the browser's own work.
#[island]
pub fn PasswordInput(
    #[prop(into)] id: String,
    #[prop(into)] autocomplete: String,
) -> impl IntoView {
    let l = locale();
    let shown = RwSignal::new(false);
    view! {
        <span class="password-field">
            <input id=id.clone() name=id type=move || if shown.get() { "text" } else { "password" }
                autocomplete=autocomplete required maxlength=domain::security::MAX_PASSWORD.to_string() />
            <label class="show-password">
                <input type="checkbox" on:change=move |ev| shown.set(event_target_checked(&ev)) />
                " " {K::ShowPassword.t(l)}
            </label>
        </span>
    }
}

/// 两步验证: the caller's second factor, its set-up (QR code, key, recovery codes, the first
/// code), and turning it off where the policy allows. Every step is a plain form.
#[component]
fn SecondFactorSection() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let begin = ServerAction::<BeginSecondFactor>::new();
    let confirm = ServerAction::<ConfirmSecondFactor>::new();
    let off = ServerAction::<TurnOffSecondFactor>::new();
    let state = Resource::new(
        move || {
            (
                begin.version().get(),
                confirm.version().get(),
                off.version().get(),
            )
        },
        |_| my_second_factor(),
    );
    let code_error = move || confirm.value().get().and_then(Result::err);
    view! {
        <h2 id="second-factor">{K::SecondFactor.t(l)}</h2>
        {move || query.read().get("second_factor_on").map(|_| view! { <p class="notice success" role="status" id="second-factor-on">"✓ " {K::SecondFactorEnabled.t(l)}</p> })}
        {move || query.read().get("second_factor_off").map(|_| view! { <p class="notice success" role="status">"✓ " {K::SecondFactorDisabled.t(l)}</p> })}
        {move || begin.value().get().and_then(Result::err).map(|e| view! { <ErrorBox error=e /> })}
        {move || off.value().get().and_then(Result::err).map(|e| view! { <ErrorBox error=e /> })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match state.await {
                    Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    Ok(v) => {
                        let status = if v.enabled {
                            view! {
                                <p id="second-factor-status" data-enabled="1">{K::SecondFactorOn.t(l)}</p>
                                <p class="muted">{K::RecoveryLeft.fill(l, &[("n", v.recovery_left.to_string())])}</p>
                            }.into_any()
                        } else if v.required {
                            view! {
                                <div class="notice warn" role="alert" id="second-factor-must">
                                    <strong>{K::SecondFactorMust.t(l)}</strong>
                                </div>
                            }.into_any()
                        } else {
                            view! { <p id="second-factor-status" data-enabled="0">{K::SecondFactorOff.t(l)}</p> }.into_any()
                        };
                        let enrolment = v.enrolment.map(|e| view! {
                            <div class="enrolment" id="enrolment">
                                <p>{K::SecondFactorScan.t(l)}</p>
                                <div class="qr" inner_html=e.qr_svg></div>
                                <p><code id="totp-secret" data-url=e.url>{e.secret}</code></p>
                                <p class="muted">{K::RecoveryCodesKeep.t(l)}</p>
                                <ol class="recovery-codes" id="recovery-codes">
                                    {e.recovery_codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                                </ol>
                                {move || code_error().map(|e| view! { <ErrorBox error=e /> })}
                                <ActionForm action=confirm attr:class="form" attr:id="second-factor-confirm">
                                    <div class="field">
                                        <label for="totp-code">{K::SecondFactorConfirm.t(l)}</label>
                                        <input id="totp-code" name="code" type="text" inputmode="numeric"
                                            autocomplete="one-time-code" maxlength="20" required
                                            aria-describedby="totp-code-error" />
                                        <p class="field-error" id="totp-code-error">
                                            {move || code_error().and_then(|e| e.field("code", l))}
                                        </p>
                                    </div>
                                    <button type="submit" class="primary">{K::SecondFactorEnable.t(l)}</button>
                                </ActionForm>
                            </div>
                        });
                        let has_enrolment = enrolment.is_some();
                        view! {
                            {status}
                            {v.required.then(|| view! { <p class="muted">{K::SecondFactorRequiredNote.t(l)}</p> })}
                            {enrolment}
                            <div class="actions">
                                {(!has_enrolment).then(|| view! {
                                    <ActionForm action=begin attr:class="inline" attr:id="second-factor-begin">
                                        <button type="submit" class=if v.enabled { "" } else { "primary" }>
                                            {if v.enabled { K::SecondFactorRestart.t(l) } else { K::SecondFactorBegin.t(l) }}
                                        </button>
                                    </ActionForm>
                                })}
                                {((v.enabled || has_enrolment) && !(v.required && v.enabled)).then(|| view! {
                                    <ActionForm action=off attr:class="inline" attr:id="second-factor-off">
                                        <button type="submit" class="link">{K::SecondFactorDisable.t(l)}</button>
                                    </ActionForm>
                                })}
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The caller's logged-in sessions, each with an "end" button.
#[component]
fn SessionList() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let end = ServerAction::<EndMySession>::new();
    let rows = Resource::new(move || end.version().get(), |_| my_sessions());
    view! {
        <h2>{K::Sessions.t(l)}</h2>
        <p class="muted">{K::SessionsLead.t(l)}</p>
        {move || query.read().get("ended").map(|_| view! { <p class="notice success" role="status">"✓ " {K::SessionEnded.t(l)}</p> })}
        {move || end.value().get().and_then(Result::err).map(|e| view! { <ErrorBox error=e /> })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match rows.await {
                    Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    Ok(rows) => view! {
                        <div class="table-wrap">
                            <table class="grid" id="sessions">
                                <thead><tr>
                                    <th>{K::SessionDevice.t(l)}</th>
                                    <th>{K::SessionAddress.t(l)}</th>
                                    <th>{K::SessionStarted.t(l)}</th>
                                    <th>{K::SessionLastSeen.t(l)}</th>
                                    <th></th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|s| view! {
                                        <tr data-session=s.id class=if s.current { "current" } else { "" }>
                                            <td>{s.user_agent.unwrap_or_default()}
                                                {s.current.then(|| view! { " " <span class="badge green">{K::SessionThis.t(l)}</span> })}
                                            </td>
                                            <td class="nowrap">{s.client_addr.unwrap_or_default()}</td>
                                            <td class="nowrap">{crate::components::local_time(s.created_at)}</td>
                                            <td class="nowrap">{crate::components::local_time(s.last_seen_at)}</td>
                                            <td>
                                                <ActionForm action=end attr:class="inline">
                                                    <input type="hidden" name="session_id" value=s.id />
                                                    <button type="submit" class="link">{K::SessionEnd.t(l)}</button>
                                                </ActionForm>
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
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
    let end_sessions = ServerAction::<EndUserSessions>::new();
    let reset_factor = ServerAction::<ResetSecondFactor>::new();
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
            .or_else(|| end_sessions.value().get().and_then(Result::err))
            .or_else(|| reset_factor.value().get().and_then(Result::err))
    };
    let ended = move || {
        end_sessions
            .value()
            .get()
            .and_then(Result::ok)
            .map(|name| K::SessionsEnded.fill(l, &[("name", name)]))
            .or_else(|| {
                reset_factor
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|name| K::SecondFactorReset.fill(l, &[("name", name)]))
            })
    };
    view! {
        <Title text=K::Users.t(l) />
        <section class="page users">
            <h1>{K::Users.t(l)}</h1>
            {move || error().map(|e| view! { <ErrorBox error=e /> })}
            {move || ended().map(|text| view! { <p class="notice success" role="status">"✓ " {text}</p> })}
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match users.await {
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        Ok(rows) => {
                            // Without JavaScript the form post comes back with ?reset=id.
                            let reset = query.read_untracked().get("reset");
                            let reset_name = reset.and_then(|id| rows.iter().find(|u| u.id.to_string() == id).map(|u| u.name.clone()));
                            let options: Vec<(i32, String)> = rows
                                .iter()
                                .map(|u| (u.id, format!("{} · {} · {}", u.name, u.phone, Role::from_code(&u.role).map(|r| r.name(l)).unwrap_or_default())))
                                .collect();
                            view! {
                                {move || action.value().get().and_then(Result::ok).or_else(|| reset_name.clone()).map(|name| view! { <p class="notice success" role="status" id="password-reset">"✓ " {K::PasswordReset.fill(l, &[("name", name)])}</p> })}
                                <ActionForm action attr:class="form inline">
                                    <div class="field">
                                        <label for="user_id">{K::EntityUser.t(l)}</label>
                                        <select id="user_id" name="user_id">
                                            {options.into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="new_password">{K::NewPassword.t(l)}</label>
                                        <input id="new_password" name="new_password" type="password" autocomplete="new-password" required minlength="12" />
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
                                                    " "
                                                    <ActionForm action=end_sessions attr:class="inline">
                                                        <input type="hidden" name="user_id" value=u.id />
                                                        <button type="submit" class="link">{K::EndSessions.t(l)}</button>
                                                    </ActionForm>
                                                    " "
                                                    <ActionForm action=reset_factor attr:class="inline">
                                                        <input type="hidden" name="user_id" value=u.id />
                                                        <button type="submit" class="link">{K::ResetSecondFactor.t(l)}</button>
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
        move || {
            (
                get("user"),
                get("firm"),
                get("from"),
                get("to"),
                get("action"),
                get("before"),
            )
        },
        |(u, f, a, b, act, before)| audit_trail(u, f, a, b, act, before),
    );
    // The same filters, for the export link and the next page.
    let filters = move || {
        ["user", "firm", "from", "to", "action"]
            .into_iter()
            .filter_map(|k| {
                get(k)
                    .filter(|v| !v.is_empty())
                    .map(|v| format!("{k}={}", domain::url::query_value(&v)))
            })
            .collect::<Vec<_>>()
    };
    view! {
        <Title text=K::Audit.t(l) />
        <section class="page audit">
            <h1>{K::Audit.t(l)}</h1>
            <Form method="GET" action="/audit" attr:class="filters">
                <div class="field"><label for="f-user">{K::AuditWho.t(l)} " (ID)"</label><input id="f-user" name="user" inputmode="numeric" value=move || get("user").unwrap_or_default() /></div>
                <div class="field"><label for="f-firm">{K::ColFirm.t(l)} " (ID)"</label><input id="f-firm" name="firm" inputmode="numeric" value=move || get("firm").unwrap_or_default() /></div>
                <div class="field"><label for="f-action">{K::AuditAction.t(l)}</label><input id="f-action" name="action" maxlength="40" value=move || get("action").unwrap_or_default() /></div>
                <div class="field"><label for="f-from">{K::AuditWhen.t(l)} " ≥"</label><input id="f-from" name="from" type="date" value=move || get("from").unwrap_or_default() /></div>
                <div class="field"><label for="f-to">{K::AuditWhen.t(l)} " ≤"</label><input id="f-to" name="to" type="date" value=move || get("to").unwrap_or_default() /></div>
                <div class="field actions"><button type="submit">{K::SearchButton.t(l)}</button></div>
            </Form>
            <p class="actions">
                <a id="audit-export-xlsx" rel="external" download href=move || format!("/audit/export?{}", filters().into_iter().chain(["format=xlsx".to_owned()]).collect::<Vec<_>>().join("&"))>{K::ExportXlsx.t(l)}</a>
                " · "
                <a id="audit-export-csv" rel="external" download href=move || format!("/audit/export?{}", filters().into_iter().chain(["format=csv".to_owned()]).collect::<Vec<_>>().join("&"))>{K::ExportCsv.t(l)}</a>
            </p>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(rows) => {
                            let older = (rows.len() as i64 >= domain::audit::AUDIT_PAGE)
                                .then(|| rows.last().map(|r| r.id))
                                .flatten()
                                .map(|id| format!("/audit?{}", filters().into_iter().chain([format!("before={id}")]).collect::<Vec<_>>().join("&")));
                            view! {
                                <AuditTable rows />
                                {older.map(|href| view! { <p class="pager"><a id="audit-older" href=href>{K::AuditOlder.t(l)} " →"</a></p> })}
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
