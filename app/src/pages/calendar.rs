//! 工作日历: the working-day calendar every deadline is counted by. Everyone signed in reads
//! it; the office adds, changes and removes days, or imports a year's file.

use crate::api::{RemoveCalendarDay, SetCalendarDay, calendar_year};
use crate::components::{ErrorBox, Loading};
use crate::i18n::locale;
use domain::calendar::CalendarDay;
use domain::{K, Region};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CalendarPage() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let year = move || query.read().get("year").and_then(|y| y.parse::<i32>().ok());
    let set = ServerAction::<SetCalendarDay>::new();
    let remove = ServerAction::<RemoveCalendarDay>::new();
    // Read again after every change, not only when the address changes: two removals that move
    // the same number of deadlines redirect to the same address.
    let data = Resource::new(
        move || {
            (
                year(),
                query.read().get("saved"),
                query.read().get("imported"),
                (set.version().get(), remove.version().get()),
            )
        },
        |(y, _, _, _)| calendar_year(y),
    );
    let set_error = move || set.value().get().and_then(Result::err);
    let field_error = move |name: &'static str| set_error().and_then(|e| e.field(name, l));
    let notice = move || {
        let q = query.read();
        let saved = q.get("saved")?;
        let mut text = K::CalendarSaved.fill(l, &[("n", saved)]);
        if let Some(n) = q.get("imported") {
            text = format!("{} {}", K::CalendarImported.fill(l, &[("n", n)]), text);
        }
        Some(view! { <p class="notice success" role="status" id="calendar-saved">"✓ " {text}</p> })
    };
    let import_error = move || {
        let q = query.read();
        let key: K =
            serde_json::from_value(serde_json::Value::String(q.get("import_error")?)).ok()?;
        let row = q.get("row").filter(|r| r != "0");
        // Messages with a placeholder are only shown with what fills it.
        let mb = domain::import::MAX_IMPORT_BYTES / 1024 / 1024;
        let message = key.fill(l, &[("mb", mb.to_string())]);
        let text = match row {
            Some(row) => K::ErrCalendarRow.fill(l, &[("row", row), ("error", message)]),
            None => message,
        };
        Some(view! { <p class="notice error" role="alert" id="import-error">{text}</p> })
    };
    view! {
        <Title text=K::CalendarTitle.t(l) />
        <section class="page calendar">
            <h1>{K::CalendarTitle.t(l)}</h1>
            <p class="muted">{K::CalendarIntro.t(l)}</p>
            {notice}
            {import_error}
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        Ok(c) => {
                            let shown = c.year;
                            let editable = c.can_edit;
                            view! {
                                <nav class="years" aria-label=K::CalendarYear.t(l)>
                                    {c.years.iter().map(|y| {
                                        let current = (*y == shown).then_some("page");
                                        view! { <a href=format!("/calendar?year={y}") aria-current=current>{*y}</a> }
                                    }).collect_view()}
                                </nav>
                                {if c.days.is_empty() {
                                    view! { <p class="notice empty">{K::CalendarNone.t(l)}</p> }.into_any()
                                } else {
                                    view! {
                                        <div class="table-wrap">
                                            <table class="grid" id="calendar-days">
                                                <thead><tr>
                                                    <th>{K::CalendarDay.t(l)}</th>
                                                    <th>{K::CalendarKind.t(l)}</th>
                                                    <th>{K::CalendarName.t(l)}</th>
                                                    <th>{K::CalendarScope.t(l)}</th>
                                                    <th>{K::CalendarSource.t(l)}</th>
                                                    {editable.then(|| view! { <th></th> })}
                                                </tr></thead>
                                                <tbody>
                                                    {c.days.into_iter().map(|d| view! { <DayRow d editable year=shown remove /> }).collect_view()}
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
            <Suspense>
                {move || Suspend::new(async move {
                    let editable = data.await.is_ok_and(|c| c.can_edit);
                    editable.then(|| view! {
                        <h2>{K::CalendarAdd.t(l)}</h2>
                        {move || set_error().map(|e| view! { <ErrorBox error=e /> })}
                        <ActionForm action=set attr:class="form" attr:id="calendar-add">
                            <div class="field">
                                <label for="cal-day">{K::CalendarDay.t(l)}</label>
                                <input id="cal-day" name="day" type="date" required />
                                <p class="field-error">{move || field_error("day")}</p>
                            </div>
                            <div class="field">
                                <label for="cal-kind">{K::CalendarKind.t(l)}</label>
                                <select id="cal-kind" name="kind">
                                    <option value="off">{K::CalendarDayOff.t(l)}</option>
                                    <option value="work">{K::CalendarWorkday.t(l)}</option>
                                </select>
                                <p class="field-error">{move || field_error("kind")}</p>
                            </div>
                            <div class="field">
                                <label for="cal-name">{K::CalendarName.t(l)}</label>
                                <input id="cal-name" name="name" type="text" required maxlength="40" />
                                <p class="field-error">{move || field_error("name")}</p>
                            </div>
                            <div class="field">
                                <label for="cal-region">{K::CalendarScope.t(l)}</label>
                                <select id="cal-region" name="region">
                                    <option value="">{K::CalendarWholeProvince.t(l)}</option>
                                    {Region::ALL.into_iter().map(|r| view! {
                                        <option value=r.id().to_string()>{r.name(l)}</option>
                                    }).collect_view()}
                                </select>
                                <p class="field-error">{move || field_error("region")}</p>
                            </div>
                            <button type="submit" class="primary">{K::Save.t(l)}</button>
                        </ActionForm>
                        <h2>{K::CalendarImport.t(l)}</h2>
                        <form class="form upload" id="calendar-import" method="post" action="/calendar/import" enctype="multipart/form-data">
                            <p class="muted">{K::CalendarImportHelp.t(l)}</p>
                            <div class="field">
                                <input type="file" name="file" accept=".xlsx,.xls,.csv,.json" required />
                            </div>
                            <button type="submit" class="secondary">{K::CalendarImport.t(l)}</button>
                        </form>
                    })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn DayRow(
    d: CalendarDay,
    editable: bool,
    year: i32,
    remove: ServerAction<RemoveCalendarDay>,
) -> impl IntoView {
    let l = locale();
    let kind = if d.working {
        K::CalendarWorkday
    } else {
        K::CalendarDayOff
    };
    let scope = d
        .region_id
        .and_then(Region::from_id)
        .map(|r| r.name(l).to_owned())
        .unwrap_or_else(|| K::CalendarWholeProvince.t(l).to_owned());
    let source = if d.source == "state_council" {
        K::CalendarSourceStateCouncil
    } else {
        K::CalendarSourceOffice
    };
    view! {
        <tr class=if d.working { "workday" } else { "day-off" } data-day=d.day.to_string()>
            <td class="nowrap">{d.day.to_string()}</td>
            <td>{kind.t(l)}</td>
            <td>{d.name.clone()}</td>
            <td>{scope}</td>
            <td class="muted">{source.t(l)}</td>
            {editable.then(|| view! {
                <td>
                    <ActionForm action=remove attr:class="inline">
                        <input type="hidden" name="id" value=d.id.to_string() />
                        <input type="hidden" name="year" value=year.to_string() />
                        <button type="submit" class="link danger">{K::CalendarRemove.t(l)}</button>
                    </ActionForm>
                </td>
            })}
        </tr>
    }
}
