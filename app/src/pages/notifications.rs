//! 消息通知: every user's notification centre. Each line says what happened and links to
//! where to act; opening it marks it read. Works as plain forms before the WASM loads.

use crate::api::{MarkRead, notifications};
use crate::components::{ErrorBox, Loading};
use crate::i18n::locale;
use domain::K;
use domain::notice::Notification;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let mark = ServerAction::<MarkRead>::new();
    let data = Resource::new(
        move || {
            (
                query.read().get("page").unwrap_or_default(),
                query.read().get("read"),
                mark.version().get(),
            )
        },
        |(page, _, _)| notifications(page),
    );
    view! {
        <Title text=K::NotificationsTitle.t(l) />
        <section class="page notifications">
            <h1>{K::NotificationsTitle.t(l)}</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        Ok(p) if p.rows.is_empty() => view! {
                            <p class="notice empty">{K::NotificationsNone.t(l)}</p>
                        }.into_any(),
                        Ok(p) => {
                            let pager = (p.pages > 1).then(|| view! {
                                <nav class="pager" aria-label=K::Pages.t(l)>
                                    {(p.page > 1).then(|| view! { <a href=format!("/notifications?page={}", p.page - 1)>"‹"</a> })}
                                    <span>{format!("{} / {}", p.page, p.pages)}</span>
                                    {(p.page < p.pages).then(|| view! { <a href=format!("/notifications?page={}", p.page + 1)>"›"</a> })}
                                </nav>
                            });
                            view! {
                                <p class="muted" id="unread-summary">{K::NotificationsUnread.fill(l, &[("n", p.unread.to_string())])}</p>
                                {(p.unread > 0).then(|| view! {
                                    <ActionForm action=mark attr:class="inline">
                                        <input type="hidden" name="id" value="all" />
                                        <button type="submit" class="secondary" id="mark-all-read">{K::NotificationsMarkAll.t(l)}</button>
                                    </ActionForm>
                                })}
                                <ul class="notification-list" id="notification-list">
                                    {p.rows.into_iter().map(|n| view! { <Item n mark /> }).collect_view()}
                                </ul>
                                {pager}
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Item(n: Notification, mark: ServerAction<MarkRead>) -> impl IntoView {
    let l = locale();
    let class = format!(
        "notification{}{}",
        if n.read { " read" } else { " unread" },
        if n.kind.is_urgent() { " urgent" } else { "" }
    );
    let when = n
        .created_at
        .with_timezone(&domain::clock::beijing())
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let message = n.message(l);
    view! {
        <li class=class data-notification=n.id data-kind=n.kind.code()>
            <p class="message">{message}</p>
            <p class="meta muted">
                <time datetime=n.created_at.to_rfc3339()>{when}</time>
                {(!n.read).then(|| view! { " · " <span class="badge yellow">{K::NotificationsNew.t(l)}</span> })}
            </p>
            // Opening marks it read, then goes where to act.
            <ActionForm action=mark attr:class="inline">
                <input type="hidden" name="id" value=n.id />
                <input type="hidden" name="go" value=n.link.clone() />
                <button type="submit" class="link open-notification">{K::NotificationsOpen.t(l)} " →"</button>
            </ActionForm>
        </li>
    }
}
