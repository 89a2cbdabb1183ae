//! Middleware of our own: problem rendering and the access log.

use std::any::Any;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Span;

use super::AppState;
use super::error::{ErrorResponse, PROBLEM_JSON};

/// Makes every error response an RFC 9457 problem with the absolute
/// `instance` URL of the request: problems from handlers get their
/// `instance`; other error responses (405 from the router, 408 from the
/// timeout, 413 from the body limit) are replaced by the problem of their
/// status, keeping their headers (`Allow`, `Retry-After`).
pub async fn problems(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let instance = instance_url(&state, request.headers(), request.uri());
    let method = request.method().clone();
    let mut response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let problem = match response.extensions_mut().remove::<ErrorResponse>() {
        Some(problem) => problem,
        None if is_problem(response.headers()) => return response,
        None => {
            let detail = match status {
                StatusCode::METHOD_NOT_ALLOWED => format!(
                    "Method {method} is not allowed for this resource; the Allow header lists those that are."
                ),
                StatusCode::REQUEST_TIMEOUT => "The request took too long to serve.".to_string(),
                StatusCode::PAYLOAD_TOO_LARGE => {
                    "The request body is larger than this server accepts.".to_string()
                }
                other => other
                    .canonical_reason()
                    .unwrap_or("Request failed")
                    .to_string(),
            };
            ErrorResponse::for_status(status, Some(detail))
        }
    };
    let problem = ErrorResponse {
        instance: problem.instance.or(Some(instance)),
        ..problem
    };
    let (mut parts, _) = response.into_parts();
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    parts.extensions.insert(problem);
    Response::from_parts(parts, Body::from(body))
}

fn is_problem(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON))
}

/// Absolute URL of the request: `PUBLIC_BASE_URL` when set, else the scheme
/// (`X-Forwarded-Proto`) and `Host` the request came with.
fn instance_url(state: &AppState, headers: &HeaderMap, uri: &axum::http::Uri) -> String {
    let path_and_query = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    if let Some(base) = &state.config.public_base_url {
        return format!("{}{}", base.as_str().trim_end_matches('/'), path_and_query);
    }
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|v| *v == "https" || *v == "http")
        .unwrap_or("http");
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    format!("{scheme}://{host}{path_and_query}")
}

/// Records the status on the request span (the access log line is written by
/// [`super::metrics::track`], which knows the route).
pub fn record_status(response: &Response, _latency: Duration, span: &Span) {
    span.record("http.response.status_code", response.status().as_u16());
}

/// A panic in a handler becomes a 500 problem (and is logged), never a
/// dropped connection.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = message, "handler panicked");
    ErrorResponse::for_status(
        StatusCode::INTERNAL_SERVER_ERROR,
        Some("An unexpected error occurred; it has been logged.".into()),
    )
    .into_problem_response()
}

/// A 400 for a request whose path or query carries a NUL character (`%00`):
/// no identifier or filter value contains one, and PostgreSQL refuses it in
/// text, so it never reaches a handler.
pub async fn reject_nul(request: Request, next: Next) -> Response {
    use axum::response::IntoResponse;
    let uri = request.uri();
    if uri.path().to_ascii_lowercase().contains("%00") {
        return super::error::ApiError::invalid(
            "path",
            "the path contains a NUL character",
            "invalid_value",
        )
        .into_response();
    }
    if let Some(query) = uri.query()
        && let Err(e) = super::extract::reject_nul(query)
    {
        return e.into_response();
    }
    next.run(request).await
}
