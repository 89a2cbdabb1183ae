//! Serving the OpenAPI document (`/openapi.json`, `/openapi.yaml`) and Swagger
//! UI (`/docs`, assets vendored into the binary).

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::openapi::response::Response;
use utoipa::openapi::{Content, OpenApi, Ref, RefOr};
use utoipa_swagger_ui::SwaggerUi;

use super::AppState;
use super::error::PROBLEM_JSON;

/// Completes the generated document: every operation documents that any other
/// failure (405, 408, 413, 429, 500, 503, …) is an RFC 9457 problem.
pub fn finish(mut api: OpenApi) -> OpenApi {
    let problem = Response::builder()
        .description("Any other error, as an RFC 9457 problem")
        .content(
            PROBLEM_JSON,
            Content::new(Some(RefOr::Ref(Ref::from_schema_name("ErrorResponse")))),
        )
        .build();
    for item in api.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            operation
                .responses
                .responses
                .entry("default".to_string())
                .or_insert_with(|| RefOr::T(problem.clone()));
        }
    }
    api
}

/// Renders the document as YAML (the committed `openapi/openapi.yaml`).
pub fn to_yaml(api: &OpenApi) -> String {
    api.to_yaml()
        .expect("the OpenAPI document serialises to YAML")
}

/// Renders the document as pretty JSON.
pub fn to_json(api: &OpenApi) -> String {
    api.to_pretty_json()
        .expect("the OpenAPI document serialises to JSON")
}

/// `/docs` (Swagger UI), `/openapi.json` and `/openapi.yaml`.
pub fn routes(api: OpenApi) -> Router<AppState> {
    let yaml = to_yaml(&api);
    let yaml_route = get(move || {
        let yaml = yaml.clone();
        async move {
            (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/yaml"),
                )],
                yaml,
            )
                .into_response()
        }
    });
    Router::new()
        .merge(SwaggerUi::new("/docs").url("/openapi.json", api))
        .route("/openapi.yaml", yaml_route)
}
