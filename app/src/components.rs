//! Pieces shared by pages: the frame, error and empty states, progress bars, status badges.

use crate::error::AppError;
use crate::i18n::locale;
use domain::K;
use domain::audit::AuditRow;
use domain::auth::Role;
use domain::campaign::Pace;
use domain::firm::{Targets, Urgency};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let l = locale();
    let location = use_location();
    let me = Resource::new(move || location.pathname.get(), |_| crate::api::me());
    let unread = Resource::new(
        move || (location.pathname.get(), location.search.get()),
        |_| crate::api::unread_notifications(),
    );
    let logout = ServerAction::<crate::api::Logout>::new();
    // A plain link to the server (rel=external), so switching works without JavaScript and the
    // whole page re-renders in the other language.
    let switch_href = format!(
        "/lang/{}?back={}",
        l.other().tag(),
        domain::url::path_value(&here())
    );
    view! {
        <a class="skip" href="#main">{K::SkipToContent.t(l)}</a>
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-name">{K::AppName.t(l)}</span>
                <span class="brand-tag">{K::AppTagline.t(l)}</span>
            </a>
            <nav aria-label="main">
                <Suspense>
                    {move || Suspend::new(async move {
                        // Both in one Suspend: a second Suspense nested in the header does not
                        // hydrate reliably (the page below was rendered twice).
                        let unread_count = unread.await.unwrap_or(0);
                        me.await.ok().flatten().map(|user| {
                            let office = user.is(Role::Office);
                            view! {
                                {user.role.is_business().then(|| view! {
                                    <a href="/">{K::NavProgress.t(l)}</a>
                                    {user.is(Role::Coordinator).then(|| view! { <a href="/my">{K::NavMyFirms.t(l)}</a> })}
                                    <a href="/firms">{K::NavFirms.t(l)}</a>
                                })}
                                {(office || user.is(Role::Unit)).then(|| view! { <a href="/queue">{K::NavQueue.t(l)}</a> })}
                                {(office || user.is(Role::Leader) || user.is(Role::Unit)).then(|| view! {
                                    <a href="/dashboard">{K::NavDashboard.t(l)}</a>
                                    <a href="/reports">{K::NavReports.t(l)}</a>
                                })}
                                {office.then(|| view! { <a href="/campaigns">{K::NavCampaigns.t(l)}</a> })}
                                {(office || user.is(Role::Leader)).then(|| view! { <a href="/workload">{K::NavWorkload.t(l)}</a> })}
                                {(office || user.is(Role::Leader) || user.is(Role::Unit)).then(|| view! {
                                    <a href="/bulletin">{K::NavBulletin.t(l)}</a>
                                })}
                                {office.then(|| view! { <a href="/rules">{K::NavRules.t(l)}</a> })}
                                {(user.is(Role::SystemAdmin) || user.is(Role::SecurityAdmin)).then(|| view! { <a href="/users">{K::Users.t(l)}</a> })}
                                {user.is(Role::SecurityAdmin).then(|| view! { <a href="/security">{K::NavSecurity.t(l)}</a> })}
                                {user.is(Role::AuditAdmin).then(|| view! { <a href="/audit">{K::Audit.t(l)}</a> })}
                                <a href="/notifications" class="bell" id="notifications-link">
                                    {K::NavNotifications.t(l)}
                                    {(unread_count > 0).then(|| view! {
                                        " " <span class="count" id="unread-count" aria-label=K::NotificationsUnread.fill(l, &[("n", unread_count.to_string())])>{unread_count}</span>
                                    })}
                                </a>
                                <a href="/account" class="who" id="who">{user.name.clone()} " · " {user.role.name(l)}</a>
                                <ActionForm action=logout attr:class="logout" attr:data-user=user.id>
                                    <button type="submit" class="link">{K::Logout.t(l)}</button>
                                </ActionForm>
                            }
                        })
                    })}
                </Suspense>
                <a class="lang" rel="external" href=switch_href lang=l.other().tag()>
                    {K::SwitchLanguage.t(l)}
                </a>
            </nav>
        </header>
        <main id="main">{children()}</main>
    }
}

#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    let l = locale();
    let reauth = matches!(
        &error,
        AppError::Domain {
            error: domain::Error::ReauthRequired,
            ..
        }
    );
    view! {
        <div class="notice error" role="alert">
            <strong>{K::ErrorTitle.t(l)}</strong>
            <p>{error.message(l)}</p>
            {reauth.then(|| view! { <ReauthForm /> })}
        </div>
    }
}

/// The password again, when a sensitive action asked for it; back to the same page after.
#[component]
fn ReauthForm() -> impl IntoView {
    let l = locale();
    let action = ServerAction::<crate::api::Reauthenticate>::new();
    let next = here();
    view! {
        <ActionForm action attr:class="form inline reauth" attr:id="reauth-form">
            <input type="hidden" name="next" value=next />
            <label for="reauth-password">{K::Password.t(l)}</label>
            <input id="reauth-password" name="password" type="password" autocomplete="current-password" required />
            <button type="submit" class="primary">{K::ReauthButton.t(l)}</button>
            {move || action.value().get().map(|r| match r {
                Ok(()) => view! { <p class="success" id="reauth-done">{K::ReauthDone.t(l)}</p> }.into_any(),
                Err(e) => view! { <p class="field-error">{e.message(l)}</p> }.into_any(),
            })}
        </ActionForm>
    }
}

/// Where the page is (path and query), to come back to after signing in again. The form can be
/// rendered inside an island in the browser, where there is no router: there the address bar is
/// read instead (pages load whole in islands mode, so it is the same address).
fn here() -> String {
    #[cfg(feature = "hydrate")]
    {
        let location = window().location();
        format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        )
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let here = use_location();
        let search = here.search.get_untracked();
        let path = here.pathname.get_untracked();
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" aria-live="polite">{K::Loading.t(locale())}</p> }
}

/// A labelled progress bar with the count, the denominator and the share as text.
#[component]
pub fn TargetBar(
    label: &'static str,
    part: u64,
    whole: u64,
    pace: Pace,
    #[prop(optional)] id: &'static str,
) -> impl IntoView {
    let l = locale();
    let pct = domain::campaign::percent(part, whole);
    let (class, text) = pace_style(pace);
    view! {
        <section class=format!("target {class}") id=id>
            <h2>{label}</h2>
            <p class="figure">
                <span class="num">{part}</span>
                " / "
                {whole}
                " "
                {K::UnitFirms.t(l)}
                <span class="pct">{format!("{pct:.1}%")}</span>
            </p>
            <div
                class="bar"
                role="progressbar"
                aria-label=label
                aria-valuemin="0"
                aria-valuemax=whole
                aria-valuenow=part
            >
                <div class="fill" style=format!("width: {pct}%")></div>
            </div>
            <p class="pace">
                <span class="dot" aria-hidden="true"></span>
                {text.t(l)}
            </p>
        </section>
    }
}

pub fn pace_style(pace: Pace) -> (&'static str, K) {
    match pace {
        Pace::Done => ("green", K::PaceDone),
        Pace::OnTrack => ("green", K::PaceOnTrack),
        Pace::Warning => ("yellow", K::PaceWarning),
        Pace::Behind => ("red", K::PaceBehind),
    }
}

/// A name kept in both languages, in the reader's.
pub fn name(l: domain::Locale, zh: &str, en: &str) -> String {
    match l {
        domain::Locale::Zh => zh.to_owned(),
        domain::Locale::En => en.to_owned(),
    }
}

/// Says which campaign and day the target figures on a page count for, when that is not simply
/// today (the campaign ended, or a day is replayed); says nothing otherwise.
#[component]
pub fn BasisNote(basis: domain::kpi::Basis) -> impl IntoView {
    let l = locale();
    basis.not_today.then(|| {
        let campaign = name(l, &basis.campaign_zh, &basis.campaign_en);
        let key = if basis.ended {
            K::BasisEnded
        } else {
            K::BasisAsOf
        };
        let text = key.fill(
            l,
            &[
                ("campaign", campaign),
                ("date", basis.counted_to.to_string()),
            ],
        );
        view! { <p class="notice basis" data-counted-to=basis.counted_to.to_string()>{text}</p> }
    })
}

#[component]
pub fn TargetBadges(targets: Targets) -> impl IntoView {
    let l = locale();
    if !targets.in_scope {
        return view! { <span class="badge muted">{K::StatusOutOfScope.t(l)}</span> }.into_any();
    }
    let visited = if targets.visited_on_site {
        view! { <span class="badge green">"✓ " {K::StatusVisited.t(l)}</span> }.into_any()
    } else {
        view! { <span class="badge red">"✗ " {K::StatusNotVisited.t(l)}</span> }.into_any()
    };
    let solved = targets
        .problem_solved
        .then(|| view! { <span class="badge green">"✓ " {K::StatusSolved.t(l)}</span> });
    view! { <span class="badges">{visited} {solved}</span> }.into_any()
}

#[component]
pub fn UrgencyBadge(urgency: Urgency) -> impl IntoView {
    let l = locale();
    match urgency {
        Urgency::Overdue => Some(view! { <span class="badge red">"⚠ " {K::Overdue.t(l)}</span> }),
        Urgency::DueSoon => {
            Some(view! { <span class="badge yellow">"⏰ " {K::DueSoon.t(l)}</span> })
        }
        Urgency::None => None,
    }
}

/// Audit entries as a table: when, who, what, before → after, from where.
#[component]
pub fn AuditTable(rows: Vec<AuditRow>) -> impl IntoView {
    let l = locale();
    if rows.is_empty() {
        return view! { <p class="notice empty">{K::NoAudit.t(l)}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="grid audit-table">
                <thead>
                    <tr>
                        <th>{K::AuditWhen.t(l)}</th>
                        <th>{K::AuditWho.t(l)}</th>
                        <th>{K::AuditAction.t(l)}</th>
                        <th>{K::AuditWhat.t(l)}</th>
                        <th>{K::AuditChange.t(l)}</th>
                        <th>{K::AuditFrom.t(l)}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| {
                            let when = r.at.with_timezone(&domain::clock::beijing()).format("%Y-%m-%d %H:%M").to_string();
                            let change = match (r.before_json, r.after_json) {
                                (Some(b), Some(a)) => format!("{b} → {a}"),
                                (None, Some(a)) => a,
                                (Some(b), None) => b,
                                (None, None) => String::new(),
                            };
                            view! {
                                <tr>
                                    <td>{when}</td>
                                    <td>{r.actor_label}</td>
                                    <td>{r.action}</td>
                                    <td>{r.entity} {r.entity_id.map(|id| format!(" #{id}"))}</td>
                                    <td class="json">{change}</td>
                                    <td>{r.client_addr.unwrap_or_default()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A problem's 签收 / 办结 / 回访 clocks, each with its state and the working time it took,
/// and (folded) its working time in each status.
#[component]
pub fn StageClocks(clocks: domain::rules::ProblemClocks) -> impl IntoView {
    use domain::rules::{ClockState, format_working_minutes};
    let l = locale();
    (!clocks.stages.is_empty()).then(|| {
        let times = clocks.times.clone();
        view! {
            <ul class="clocks">
                {clocks.stages.into_iter().map(|c| {
                    let class = match c.state {
                        ClockState::Running => "clock running",
                        ClockState::OnTime => "clock on-time",
                        ClockState::Overdue | ClockState::Late => "clock late",
                    };
                    view! {
                        <li class=class data-stage=format!("{:?}", c.stage).to_lowercase() data-state=format!("{:?}", c.state).to_lowercase()>
                            <strong>{c.stage.label().t(l)}</strong>
                            " " <span class="state">{c.state.label().t(l)}</span>
                            " · " {K::ClockUsed.fill(l, &[("t", format_working_minutes(c.used_minutes, l))])}
                            " · " <span class="muted">{K::ClockDue.fill(l, &[("t", c.due_text())])}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <details class="status-times">
                <summary>{K::TimeInStatus.t(l)}</summary>
                <ul>
                    {times.into_iter().map(|t| view! {
                        <li>{t.status.name(l)} ": " {format_working_minutes(t.working_minutes, l)}</li>
                    }).collect_view()}
                </ul>
            </details>
        }
    })
}

/// A moment as the campaign's people read it: Beijing time, to the minute.
pub fn local_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&domain::clock::beijing())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}
