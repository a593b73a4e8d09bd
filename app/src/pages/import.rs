//! 导入: the office takes in a firm list or a coordinator roster. Upload (a plain multipart
//! form) → preview with every problem row → confirm. Nothing is written before the confirmation,
//! and the confirmation writes all rows or none.

use crate::api::{ImportCommit, import_preview};
use crate::components::Loading;
use crate::error::AppError;
use crate::i18n::locale;
use domain::import::{ImportReport, MAX_IMPORT_BYTES};
use domain::{K, Locale};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ImportPage() -> impl IntoView {
    let l = locale();
    let query = use_query_map();
    let kind = move || {
        match query.read().get("kind").as_deref() {
            Some("coordinators") => "coordinators",
            _ => "firms",
        }
        .to_owned()
    };
    let title = move || {
        if kind() == "coordinators" {
            K::ImportCoordinatorsTitle.t(l)
        } else {
            K::ImportFirmsTitle.t(l)
        }
    };
    let token = move || query.read().get("token").filter(|t| !t.is_empty());
    let preview = Resource::new(
        move || (kind(), token()),
        |(kind, token)| async move {
            match token {
                Some(token) => Some(import_preview(kind, token).await),
                None => None,
            }
        },
    );
    let upload_error = move || {
        query.read().get("error").map(|code| {
            let text = match code.as_str() {
                "size" => K::ErrFileTooLarge
                    .fill(l, &[("mb", (MAX_IMPORT_BYTES / 1024 / 1024).to_string())]),
                "empty" => K::ErrImportEmpty.t(l).to_owned(),
                _ => K::ErrInternal.t(l).to_owned(),
            };
            view! { <p class="notice error" role="alert">{text}</p> }
        })
    };
    view! {
        <Title text=title() />
        <section class="page import">
            <h1>{title}</h1>
            {upload_error}
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    let kind = kind();
                    match preview.await {
                        None => view! { <UploadForm kind /> }.into_any(),
                        Some(Ok(report)) => view! { <Preview report kind /> }.into_any(),
                        Some(Err(e)) => view! {
                            <FileErrors error=e />
                            <UploadForm kind />
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn UploadForm(kind: String) -> impl IntoView {
    let l = locale();
    let mb = (MAX_IMPORT_BYTES / 1024 / 1024).to_string();
    let template = |format: &str| format!("/import/template?kind={kind}&format={format}");
    view! {
        <ol class="steps">
            <li>
                <p>{K::ImportStepTemplate.t(l)}</p>
                <p class="actions">
                    <a class="button secondary" href=template("xlsx") download>{K::ImportTemplateXlsx.t(l)}</a>
                    <a class="button secondary" href=template("csv") download>{K::ImportTemplateCsv.t(l)}</a>
                </p>
            </li>
            <li>
                <p>{K::ImportStepUpload.fill(l, &[("mb", mb)])}</p>
                // A plain multipart form: it works the same with or without the WASM loaded.
                <form class="form upload" method="post" action="/import/upload" enctype="multipart/form-data">
                    <input type="hidden" name="kind" value=kind.clone() />
                    <div class="field">
                        <label for="import-file">{K::ImportFileLabel.t(l)}</label>
                        <input id="import-file" name="file" type="file" required
                            accept=".xlsx,.xls,.csv,.txt,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel,text/csv" />
                    </div>
                    <button type="submit" class="primary">{K::ImportUploadButton.t(l)}</button>
                </form>
            </li>
        </ol>
        {(kind == "coordinators").then(|| view! { <p class="notice">{K::ImportPasswordNote.t(l)}</p> })}
    }
}

/// A refused file: every file-level problem, in the reader's language.
#[component]
fn FileErrors(error: AppError) -> impl IntoView {
    let l = locale();
    let lines: Vec<String> = match &error {
        AppError::Domain { error, .. } if !error.field_errors().is_empty() => {
            error.field_errors().iter().map(|f| f.text(l)).collect()
        }
        other => vec![other.message(l)],
    };
    view! {
        <div class="notice error" role="alert" id="import-error">
            {lines.into_iter().map(|t| view! { <p>{t}</p> }).collect_view()}
        </div>
    }
}

fn summary(report: &ImportReport, l: Locale, key: K) -> String {
    key.fill(
        l,
        &[
            ("rows", report.rows.to_string()),
            ("created", report.created.to_string()),
            ("updated", report.updated.to_string()),
            ("unchanged", report.unchanged.to_string()),
        ],
    )
}

#[component]
fn Preview(report: ImportReport, kind: String) -> impl IntoView {
    let l = locale();
    let action = ServerAction::<ImportCommit>::new();
    let token = use_query_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let commit_error = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <FileErrors error=e /> })
    };
    let clean = report.is_clean();
    let has_changes = report.created + report.updated > 0;
    let shown = report.issues.len() as u64;
    view! {
        <h2>{K::ImportPreviewTitle.fill(l, &[("file", report.file_name.clone())])}</h2>
        <p class="import-summary" id="import-summary">{summary(&report, l, K::ImportSummary)}</p>
        {(report.archived > 0).then(|| view! {
            <p class="notice">{K::ImportArchived.fill(l, &[("n", report.archived.to_string())])}</p>
        })}
        {(!report.skipped.is_empty()).then(|| view! {
            <div class="notice" id="import-skipped">
                <p>{K::ImportSkipped.fill(l, &[("n", report.skipped.len().to_string())])}</p>
                <ul>
                    {report.skipped.iter().map(|s| view! {
                        <li>{K::ImportSkippedRow.fill(l, &[("row", s.row.to_string()), ("text", s.text.clone())])}</li>
                    }).collect_view()}
                </ul>
            </div>
        })}
        {(!report.ignored_columns.is_empty()).then(|| view! {
            <p class="notice">{K::ImportIgnored.fill(l, &[("columns", report.ignored_columns.join("、"))])}</p>
        })}
        {(!clean).then(|| view! {
            <div class="notice error" role="alert" id="import-issues">
                <p>{K::ImportIssues.fill(l, &[("n", report.issue_count.to_string())])}</p>
                {(report.issue_count > shown).then(|| view! {
                    <p>{K::ImportIssuesShown.fill(l, &[("shown", shown.to_string())])}</p>
                })}
            </div>
            <div class="table-wrap">
                <table class="grid issues">
                    <thead>
                        <tr>
                            <th>{K::ColRow.t(l)}</th>
                            <th>{K::ColColumn.t(l)}</th>
                            <th>{K::ColProblem.t(l)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {report.issues.iter().map(|i| view! {
                            <tr>
                                <td class="num">{i.row}</td>
                                <td>{i.column.clone()}</td>
                                <td>{i.text(l)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        {commit_error}
        {match (clean, has_changes) {
            (true, true) => view! {
                <ActionForm action attr:class="form confirm">
                    <input type="hidden" name="kind" value=kind.clone() />
                    <input type="hidden" name="token" value=token.clone() />
                    <button type="submit" class="primary" id="import-confirm">{K::ImportConfirm.t(l)}</button>
                    <a class="button secondary" href=format!("/import?kind={kind}")>{K::ImportAgain.t(l)}</a>
                </ActionForm>
            }.into_any(),
            (true, false) => view! {
                <p class="notice success">{K::ImportNothing.t(l)}</p>
                <UploadForm kind=kind.clone() />
            }.into_any(),
            _ => view! { <UploadForm kind=kind.clone() /> }.into_any(),
        }}
    }
}

/// The notice a list shows after an import redirected to it (`?imported=created.updated.unchanged`).
pub fn imported_notice(counts: Option<String>) -> Option<AnyView> {
    let l = locale();
    counts.map(|c| {
        let n: Vec<&str> = c.split('.').collect();
        let get = |i: usize| n.get(i).copied().unwrap_or("0").to_owned();
        let text = K::ImportDone.fill(
            l,
            &[
                ("created", get(0)),
                ("updated", get(1)),
                ("unchanged", get(2)),
            ],
        );
        view! { <p class="notice success" role="status" id="import-result">"✓ " {text}</p> }
            .into_any()
    })
}
