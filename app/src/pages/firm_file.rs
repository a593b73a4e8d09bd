//! 企业档案: one firm on one page — profile, coordinator, targets, visits and problems.

use crate::api::{FirmFileView, get_firm_file};
use crate::components::{AuditTable, BasisNote, ErrorBox, Loading, TargetBadges, UrgencyBadge};
use crate::i18n::locale;
use crate::pages::problems::{Powers, ProblemActions, powers_for_entry};
use domain::K;
use domain::firm::{AttachmentRef, TimelineEntry};
use domain::visit::shown_degrees;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn FirmFilePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    // Keyed on the query too: after an action the page comes back with a new `updated` marker.
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                query.read().get("updated"),
            )
        },
        |(id, _)| get_firm_file(id),
    );
    let logged = move || query.read().get("logged").is_some();
    view! {
        <section class="page firm-file">
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => {
                            let upload_error = query.read_untracked().get("upload_error");
                            view! { <FirmFileBody view logged=logged() upload_error /> }.into_any()
                        }
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn FirmFileBody(view: FirmFileView, logged: bool, upload_error: Option<String>) -> impl IntoView {
    let l = locale();
    let FirmFileView {
        file,
        history,
        can_log_visit,
        viewer,
        viewer_unit,
        viewer_is_coordinator,
        correctable,
        attachments,
        coordinator_history,
        coordinator_options,
        can_set_site,
    } = view;
    let assign = ServerAction::<crate::api::AssignFirm>::new();
    let archive = ServerAction::<crate::api::ArchiveFirm>::new();
    let office = viewer.is(domain::auth::Role::Office);
    let f = file.firm;
    let id = f.id;
    view! {
        <Title text=f.name.clone() />
        <p class="crumbs">
            <a href="/firms">{K::BackToFirms.t(l)}</a>
        </p>
        // data-visit-logged tells offline.js the visit reached the server: its draft can go.
        {logged.then(|| view! { <p class="notice success" role="status" data-visit-logged=id>"✓ " {K::VisitLogged.t(l)}</p> })}
        {upload_error.map(|code| {
            let text = match code.as_str() {
                "type" => K::ErrFileType.t(l).to_owned(),
                "size" => K::ErrFileTooLarge.fill(l, &[("mb", "10".to_owned())]),
                "empty" => K::ErrRequired.t(l).to_owned(),
                _ => K::ErrInternal.t(l).to_owned(),
            };
            view! { <p class="notice error" role="alert" id="upload-error">{text}</p> }
        })}
        <header class="page-head">
            <h1>{f.name.clone()}</h1>
            <TargetBadges targets=file.targets />
        </header>
        <BasisNote basis=file.basis.clone() />
        {can_log_visit.then(|| view! {
            <p>
                <a class="button primary big" href=format!("/firms/{id}/visit")>
                    {K::LogVisit.t(l)}
                </a>
            </p>
        })}
        {f.archived.then(|| view! { <p class="notice warn">{K::Archived.t(l)}</p> })}
        {(office && !f.archived).then(|| view! {
            <div class="actions office-actions">
                <a class="button secondary" href=format!("/firms/{id}/edit")>{K::EditFirm.t(l)}</a>
                <ActionForm action=archive attr:class="inline-form">
                    <input type="hidden" name="id" value=id />
                    <button type="submit" class="secondary">{K::ArchiveFirm.t(l)}</button>
                </ActionForm>
            </div>
        })}
        <dl class="profile">
            <dt>{K::CreditCodeLabel.t(l)}</dt>
            <dd class="code">{f.credit_code}</dd>
            <dt>{K::ColRegion.t(l)}</dt>
            <dd>{f.region.name(l)} " · " {f.county}</dd>
            <dt>{K::ColTier.t(l)}</dt>
            <dd>{f.tier.name(l)}</dd>
            <dt>{K::Industry.t(l)}</dt>
            <dd>{f.industry}</dd>
            <dt>{K::Contact.t(l)}</dt>
            <dd>
                {f.contact_name} " "
                <Phone number=f.contact_phone.clone() masked=file.phones_masked firm=f.id whose="contact" />
            </dd>
            <dt>{K::Address.t(l)}</dt>
            <dd>{f.address}</dd>
            <dt>{K::FirmSite.t(l)}</dt>
            <dd id="firm-site">
                {match f.site {
                    // geo: opens the phone's map app at the firm, for finding the way there.
                    Some(s) => view! {
                        <span class="code">{format!("{}, {}", shown_degrees(s.latitude_e6), shown_degrees(s.longitude_e6))}</span>
                        " "
                        <a href=s.geo_uri() rel="external">{K::OpenInMap.t(l)}</a>
                    }.into_any(),
                    None => view! { <span class="muted">{K::FirmSiteUnknown.t(l)}</span> }.into_any(),
                }}
            </dd>
            <dt>{K::CurrentCoordinator.t(l)}</dt>
            <dd id="coordinator">
                {match file.coordinator {
                    Some(c) => {
                        view! {
                            <span>
                                {c.name} " · " {c.member_unit.unwrap_or_default()} " · "
                                <Phone number=c.phone.clone() masked=file.phones_masked firm=f.id whose="coordinator" /> " ("
                                {K::SinceDate.fill(l, &[("date", domain::clock::date_of(c.since).to_string())])}
                                ")"
                            </span>
                        }
                            .into_any()
                    }
                    None => view! { <span class="badge yellow">{K::Unassigned.t(l)}</span> }.into_any(),
                }}
            </dd>
        </dl>
        <h2>{K::Timeline.t(l)}</h2>
        {if file.timeline.is_empty() {
            view! { <p class="notice empty">{K::NoActivity.t(l)}</p> }.into_any()
        } else {
            view! {
                <ol class="timeline" id="timeline">
                    {file
                        .timeline
                        .into_iter()
                        .map(|entry| {
                            let powers = match &entry {
                                TimelineEntry::Problem(p) => Some(powers_for_entry(p, viewer.role, viewer_unit.as_deref(), viewer_is_coordinator)),
                                TimelineEntry::Visit(_) => None,
                            };
                            let editable = matches!(&entry, TimelineEntry::Visit(v) if correctable.contains(&v.id));
                            let files: Vec<AttachmentRef> = match &entry {
                                TimelineEntry::Visit(v) => attachments.iter().filter(|a| a.visit_id == v.id).cloned().collect(),
                                TimelineEntry::Problem(_) => Vec::new(),
                            };
                            view! { <Entry entry powers firm_id=id editable files office can_set_site /> }
                        })
                        .collect_view()}
                </ol>
            }
                .into_any()
        }}
        {(!coordinator_options.is_empty()).then(|| view! {
            <section class="assign">
                <h2>{K::AssignTitle.t(l)}</h2>
                {move || assign.value().get().and_then(Result::err).map(|e| view! { <ErrorBox error=e /> })}
                <ActionForm action=assign attr:class="form inline">
                    <input type="hidden" name="firm_id" value=id />
                    <div class="field">
                        <label for="coordinator_id">{K::Coordinator.t(l)}</label>
                        <select id="coordinator_id" name="coordinator_id">
                            {coordinator_options.into_iter().map(|c| view! {
                                <option value=c.id>{format!("{} · {} · {}", c.name, c.member_unit.unwrap_or_default(), K::FirmsCount.fill(l, &[("n", c.firms.to_string())]))}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="reason">{K::AssignReason.t(l)}</label>
                        <input id="reason" name="reason" type="text" maxlength="500" />
                    </div>
                    <button type="submit" class="primary">{K::AssignButton.t(l)}</button>
                </ActionForm>
            </section>
        })}
        {(!coordinator_history.is_empty()).then(|| view! {
            <details class="coord-history" open>
                <summary>{K::CoordinatorHistory.t(l)} " (" {coordinator_history.len()} ")"</summary>
                <ol class="assign-history">
                    {coordinator_history.into_iter().map(|h| {
                        let from = domain::clock::date_of(h.started_at).to_string();
                        let to = h.ended_at.map(|t| domain::clock::date_of(t).to_string()).unwrap_or_else(|| "—".to_owned());
                        view! {
                            <li>
                                <strong>{h.coordinator}</strong> " " {from} " → " {to}
                                {(!h.reason.is_empty()).then(|| format!(" · {}", h.reason))}
                                {h.end_reason.map(|r| format!(" · {r}"))}
                                {h.assigned_by.map(|b| format!(" · {b}"))}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </details>
        })}
        <details class="history">
            <summary>{K::FirmHistory.t(l)} " (" {history.len()} ")"</summary>
            <AuditTable rows=history />
        </details>
    }
}

#[component]
fn Entry(
    entry: TimelineEntry,
    /// The viewer is the office, which gives 督办.
    office: bool,
    powers: Option<Powers>,
    firm_id: i32,
    editable: bool,
    files: Vec<AttachmentRef>,
    /// The viewer may make a precise position of this firm's visits its site.
    can_set_site: bool,
) -> impl IntoView {
    let l = locale();
    match entry {
        TimelineEntry::Visit(v) => {
            let (waited, received, position, from_site) =
                (v.waited(), v.received_at, v.position, v.from_site);
            let set_site = ServerAction::<crate::api::SetFirmSite>::new();
            let site_candidate = can_set_site
                && position
                    .and_then(domain::firm::Site::from_position)
                    .is_some();
            let visit_id = v.id;
            view! {
            <li class=format!("entry visit {}", v.kind.code())>
                <p class="when">
                    <time datetime=v.date.to_string()>{v.date.to_string()}</time>
                    " · "
                    <span class="kind">{v.kind.name(l)}</span>
                    " · "
                    {v.coordinator}
                </p>
                // A visit that waited on the phone says so: the leaders' figures count it by
                // its visit date, the office may want to know it arrived late.
                {waited.map(|captured| view! {
                    <p class="muted captured">{K::CapturedOnPhone.fill(l, &[
                        ("captured", crate::components::local_time(captured)),
                        ("received", crate::components::local_time(received)),
                    ])}</p>
                })}
                {position.map(|p| view! {
                    <p class="muted position">{K::VisitPosition.fill(l, &[
                        ("lat", shown_degrees(p.latitude_e6)),
                        ("lon", shown_degrees(p.longitude_e6)),
                        ("m", p.accuracy_m.to_string()),
                    ])}</p>
                })}
                {from_site.map(|d| {
                    let (key, class) = if d.near {
                        (K::VisitNearFirm, "badge green")
                    } else {
                        (K::VisitFarFromFirm, "badge yellow")
                    };
                    view! { <p class="from-site"><span class=class>{key.fill(l, &[("d", d.text(l))])}</span></p> }
                })}
                {site_candidate.then(|| view! {
                    {move || set_site.value().get().and_then(Result::err).map(|e| view! { <ErrorBox error=e /> })}
                    <ActionForm action=set_site attr:class="inline-form set-site">
                        <input type="hidden" name="visit_id" value=visit_id />
                        <button type="submit" class="secondary">{K::SetAsFirmSite.t(l)}</button>
                    </ActionForm>
                })}
                <p class="summary">{v.summary}</p>
                {(!v.participants.is_empty())
                    .then(|| view! { <p class="muted">{K::VisitParticipants.t(l)} ": " {v.participants.clone()}</p> })}
                {(!files.is_empty()).then(|| view! {
                    <ul class="files" aria-label=K::Attachments.t(l)>
                        {files.into_iter().map(|a| view! {
                            <li><a href=format!("/attachments/{}", a.id) rel="external" target="_blank">"📎 " {a.file_name} " (" {a.size_bytes.div_ceil(1024)} " KB)"</a></li>
                        }).collect_view()}
                    </ul>
                })}
                {editable.then(|| view! {
                    <p><a class="edit-visit" href=format!("/visits/{}/edit", v.id)>{K::EditVisit.t(l)}</a></p>
                    <form class="upload" method="post" enctype="multipart/form-data" action=format!("/visits/{}/attachments", v.id)>
                        <label for=format!("file-{}", v.id)>{K::Attach.t(l)}</label>
                        // No `capture`: it forces the camera, and a photo already in the gallery
                        // (taken offline, or by a colleague) could not be chosen.
                        <input id=format!("file-{}", v.id) type="file" name="file" accept="image/jpeg,image/png,application/pdf" required />
                        <button type="submit" class="secondary">{K::Upload.t(l)}</button>
                    </form>
                })}
            </li>
            }
            .into_any()
        }
        TimelineEntry::Problem(p) => {
            let urgency = p.urgency;
            let measure = match l {
                domain::Locale::Zh => p.measure_zh.clone(),
                domain::Locale::En => p.measure_en.clone(),
            };
            view! {
                <li class="entry problem" data-problem=p.id id=format!("problem-{}", p.id)>
                    <p class="when">
                        <time datetime=p.raised_on.to_string()>{p.raised_on.to_string()}</time>
                        " · "
                        {K::Problem.t(l)}
                        " · "
                        <span class=format!("status {}", p.status.code())>{p.status.name(l)}</span>
                        " "
                        <UrgencyBadge urgency />
                    </p>
                    <p class="summary">{p.description}</p>
                    <p class="muted">
                        "(" {p.measure_no} ") " {measure} " · " {K::RoutedTo.t(l)} ": " {domain::problem::routing_text(&p.units, l)}
                        " · " {K::Deadline.t(l)} ": " {p.deadline.to_string()}
                    </p>
                    {p.unit_response.clone().map(|t| view! { <p class="muted">{K::UnitResponse.t(l)} ": " {t}</p> })}
                    <crate::components::StageClocks clocks=p.clocks.clone() />
                    <crate::pages::supervision::Supervisions orders=p.supervisions.clone() can_reply=powers.is_some_and(|p| p.unit_side) back=format!("/firms/{firm_id}") />
                    {(office && p.status.is_open()).then(|| view! {
                        <crate::pages::supervision::OrderForm problem_id=p.id back=format!("/firms/{firm_id}") />
                    })}
                    {powers.map(|powers| view! {
                        <ProblemActions id=p.id version=p.version status=p.status powers back=format!("/firms/{firm_id}") />
                    })}
                </li>
            }
            .into_any()
        }
    }
}

/// A phone number: a call link, or masked with a "show" button that fetches the number (the
/// server audits who looked).
#[component]
fn Phone(number: String, masked: bool, firm: i32, whose: &'static str) -> impl IntoView {
    if masked {
        view! { <MaskedPhone number firm whose=whose.to_owned() /> }.into_any()
    } else {
        view! { <a href=format!("tel:{number}")>{number.clone()}</a> }.into_any()
    }
}

/// An island: the number the server answers replaces the masked one in place.
#[island]
fn MaskedPhone(number: String, firm: i32, whose: String) -> impl IntoView {
    let l = locale();
    let reveal = ServerAction::<crate::api::RevealPhone>::new();
    view! {
        {move || match reveal.value().get() {
            Some(Ok(full)) => view! { <a href=format!("tel:{full}") class="revealed">{full.clone()}</a> }.into_any(),
            _ => {
                let (number, whose) = (number.clone(), whose.clone());
                view! {
                    <span class="masked" data-phone=whose.clone()>{number}</span> " "
                    <ActionForm action=reveal attr:class="inline">
                        <input type="hidden" name="id" value=firm />
                        <input type="hidden" name="whose" value=whose />
                        <button type="submit" class="link">{K::ShowPhone.t(l)}</button>
                    </ActionForm>
                }.into_any()
            }
        }}
    }
}
