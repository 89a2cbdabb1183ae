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
/// failure (405, 408, 413, 429, 500, 503, …) is an RFC 9457 problem, and no
/// schema admits `null` (D1: optional values are omitted, never `null`;
/// request bodies refuse it), but for the `cursor` of a search, which the
/// contract declares nullable.
pub fn finish(api: OpenApi) -> OpenApi {
    let mut api = without_null(api);
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

/// Removes `null` from the types of every schema (see [`finish`]).
fn without_null(api: OpenApi) -> OpenApi {
    use serde_json::Value;
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Array(types)) = map.get_mut("type") {
                    types.retain(|t| t != "null");
                    if types.len() == 1 {
                        let only = types.remove(0);
                        map.insert("type".into(), only);
                    }
                }
                for key in ["oneOf", "anyOf"] {
                    let single = match map.get_mut(key) {
                        Some(Value::Array(options)) => {
                            options.retain(|o| o.get("type") != Some(&Value::from("null")));
                            (options.len() == 1).then(|| options.remove(0))
                        }
                        _ => None,
                    };
                    if let Some(Value::Object(inner)) = single {
                        map.remove(key);
                        for (k, v) in inner {
                            map.entry(k).or_insert(v);
                        }
                    }
                }
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(&api).expect("the document serialises");
    // Responses: we never emit `null`. Request bodies keep the generated
    // shape (the server refuses `null` but for `cursor`).
    let request_schemas = [
        "SearchRequest",
        "SearchFilters",
        "PlayerFilter",
        "PlaytimeFilter",
        "WeightFilter",
        "MechanicFilter",
        "ThemeFilter",
        "YearFilter",
    ];
    let kept: Vec<(String, Value)> = request_schemas
        .iter()
        .filter_map(|name| {
            let pointer = format!("/components/schemas/{name}");
            value.pointer(&pointer).map(|v| (pointer, v.clone()))
        })
        .collect();
    strip(&mut value);
    for (pointer, schema) in kept {
        if let Some(slot) = value.pointer_mut(&pointer) {
            *slot = schema;
        }
    }
    // The contract declares the search body's `cursor` nullable.
    if let Some(cursor) = value.pointer_mut("/components/schemas/SearchRequest/properties/cursor") {
        *cursor = serde_json::json!({
            "type": ["string", "null"],
            "description": "`meta.next_cursor` / `meta.prev_cursor` of a previous page of the same search."
        });
    }
    serde_json::from_value(value).unwrap_or(api)
}
