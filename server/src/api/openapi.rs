//! The OpenAPI document at `/api/v1/openapi.json`, generated from the handlers' annotations.

use super::error::{FieldProblem, ProblemDetails};
use super::{assignments, campaigns, firms, imports, problems, reports, visits};
use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "zhuqi API", description = "百人助百企 campaign data: firms, progress. Errors are application/problem+json."),
    paths(
        problems::list_notifications, problems::mark_notification_read, reports::bulletin, reports::half_year, campaigns::list_campaigns, campaigns::create_campaign, firms::list_firms, firms::get_firm,
        firms::create_firm, firms::update_firm, imports::import_firms, imports::import_coordinators, firms::export_firms,
        assignments::assign, assignments::firm_assignments, reports::get_progress, visits::create_visit, visits::list_visits,
        problems::list_problems, problems::transition, problems::confirm_call, problems::confirm_link
    ),
    components(schemas(
        imports::ImportResult, imports::RowProblem, assignments::AssignRequest, ProblemDetails, FieldProblem,
        reports::ProgressResponse, visits::LoggedVisit, visits::VisitItem, problems::TransitionRequest,
        problems::ConfirmationRequest, problems::ProblemState, problems::MarkedRead
    )),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

/// Declares the bearer-token scheme (`zhuqi token create`); a browser session works as well.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub(super) async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
