//! The one error type of the HTTP layer, rendered as RFC 9457 Problem Details
//! (`application/problem+json`, SPEC-NOTES D9).
//!
//! Handlers return `Result<_, ApiError>` and use `?`. The response carries the
//! [`ErrorResponse`] in its extensions too, so the problem middleware can add
//! the absolute `instance` URL of the request (which a handler's error value
//! does not know) and can turn any other error response (405 from the router,
//! 408 from the timeout layer, …) into a problem as well.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sea_orm::DbErr;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Base of every problem `type` URI.
pub const PROBLEM_BASE: &str = "https://api.opentabletop.org/problems/";

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem, as the OpenTabletop contract's `ErrorResponse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(
    description = "RFC 9457 Problem Details. `type` identifies the kind of problem, `title` \
is constant per type, `status` equals the HTTP status, `errors` lists one entry per offending \
field of a validation error."
)]
pub struct ErrorResponse {
    /// URI identifying the problem type.
    #[serde(rename = "type")]
    #[schema(
        format = "uri",
        example = "https://api.opentabletop.org/problems/not-found"
    )]
    pub problem_type: String,
    /// Short summary of the problem type; the same for every occurrence.
    #[schema(example = "Not Found")]
    pub title: String,
    /// HTTP status code of this occurrence.
    #[schema(minimum = 100, maximum = 599, example = 404)]
    pub status: u16,
    /// Explanation specific to this occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Absolute URL of the request that caused the problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = "uri")]
    pub instance: Option<String>,
    /// One entry per offending field (validation errors only).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub errors: Vec<ValidationError>,
    /// Readiness checks (only on a 503 from `/ready`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<crate::http::health::Check>>)]
    pub checks: Option<Vec<crate::http::health::Check>>,
}

/// One offending field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ValidationError {
    /// Query parameter name, or dot path into a JSON body (`filters.players.min`).
    #[schema(example = "players_min")]
    pub field: String,
    /// What is wrong with it.
    pub message: String,
    /// Machine-readable reason, e.g. `invalid_range`, `invalid_type`, `unknown_value`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "invalid_range")]
    pub code: Option<String>,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, message: impl Into<String>, code: &str) -> Self {
        ValidationError {
            field: field.into(),
            message: message.into(),
            code: Some(code.to_string()),
        }
    }
}

/// Every error a handler can return.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: malformed or out-of-range input, one entry per field.
    #[error("validation error: {detail}")]
    Validation {
        detail: String,
        errors: Vec<ValidationError>,
    },
    /// 404: no such resource.
    #[error("not found: {0}")]
    NotFound(String),
    /// 410: the resource existed and was removed.
    #[error("gone: {0}")]
    Gone(String),
    /// 413: the request body is larger than `REQUEST_BODY_LIMIT_BYTES`.
    #[error("payload too large")]
    PayloadTooLarge,
    /// 415: a body in a media type the operation does not take.
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// 422: well-formed input that refers to something unknown.
    #[error("unprocessable: {detail}")]
    Unprocessable {
        detail: String,
        errors: Vec<ValidationError>,
    },
    /// 503: a backing service is unavailable; the client may retry.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// 500: a bug or an unexpected failure. The detail is logged, not sent.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The fixed parts of each problem kind.
pub struct ProblemKind {
    pub status: StatusCode,
    pub slug: &'static str,
    pub title: &'static str,
}

/// Problem kind of a status code (SPEC-NOTES D9), also for statuses that come
/// from the router or from tower layers rather than from [`ApiError`].
pub fn kind_for_status(status: StatusCode) -> ProblemKind {
    let (slug, title) = match status.as_u16() {
        400 => ("validation-error", "Validation Error"),
        401 => ("unauthorized", "Unauthorized"),
        403 => ("forbidden", "Forbidden"),
        404 => ("not-found", "Not Found"),
        405 => ("method-not-allowed", "Method Not Allowed"),
        406 => ("not-acceptable", "Not Acceptable"),
        408 => ("request-timeout", "Request Timeout"),
        410 => ("gone", "Gone"),
        413 => ("payload-too-large", "Payload Too Large"),
        415 => ("unsupported-media-type", "Unsupported Media Type"),
        422 => ("unprocessable", "Unprocessable Entity"),
        429 => ("rate-limited", "Too Many Requests"),
        503 => ("unavailable", "Service Unavailable"),
        504 => ("gateway-timeout", "Gateway Timeout"),
        s if s >= 500 => ("internal-error", "Internal Server Error"),
        _ => ("bad-request", "Bad Request"),
    };
    ProblemKind {
        status,
        slug,
        title,
    }
}

impl ErrorResponse {
    /// A problem of the kind that belongs to `status`.
    pub fn for_status(status: StatusCode, detail: Option<String>) -> ErrorResponse {
        let kind = kind_for_status(status);
        ErrorResponse {
            problem_type: format!("{PROBLEM_BASE}{}", kind.slug),
            title: kind.title.to_string(),
            status: status.as_u16(),
            detail,
            instance: None,
            errors: Vec::new(),
            checks: None,
        }
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// Renders the problem as a response, keeping a copy in its extensions.
    pub fn into_problem_response(self) -> Response {
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (self.status_code(), body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if self.status == 503 {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        response.extensions_mut().insert(self);
        response
    }
}

impl ApiError {
    /// A 400 for one field.
    pub fn invalid(field: &str, message: impl Into<String>, code: &str) -> ApiError {
        let message = message.into();
        ApiError::Validation {
            detail: format!("Invalid value for '{field}': {message}"),
            errors: vec![ValidationError::new(field, message, code)],
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Validation { .. } => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Gone(_) => StatusCode::GONE,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn to_problem(&self) -> ErrorResponse {
        let status = self.status();
        let (detail, errors) = match self {
            ApiError::Validation { detail, errors }
            | ApiError::Unprocessable { detail, errors } => (Some(detail.clone()), errors.clone()),
            ApiError::NotFound(d)
            | ApiError::Gone(d)
            | ApiError::UnsupportedMediaType(d)
            | ApiError::Unavailable(d) => (Some(d.clone()), Vec::new()),
            ApiError::PayloadTooLarge => (
                Some("The request body is larger than this server accepts.".to_string()),
                Vec::new(),
            ),
            // Never leak internals to the client; the cause is logged.
            ApiError::Internal(_) => (
                Some("An unexpected error occurred; it has been logged.".to_string()),
                Vec::new(),
            ),
        };
        ErrorResponse {
            errors,
            ..ErrorResponse::for_status(status, detail)
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Internal(cause) => tracing::error!(error = %cause, "internal error"),
            ApiError::Unavailable(cause) => tracing::warn!(error = %cause, "service unavailable"),
            _ => {}
        }
        self.to_problem().into_problem_response()
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> ApiError {
        if crate::storage::is_connection_error(&err) {
            ApiError::Unavailable(format!("database unavailable: {err}"))
        } else {
            ApiError::Internal(format!("database error: {err}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    async fn body_json(response: Response) -> serde_json::Value {
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn validation_error_renders_as_problem_with_field_errors() {
        let response =
            ApiError::invalid("players_min", "must be at least 1", "invalid_range").into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
        let body = body_json(response).await;
        assert_eq!(
            body["type"],
            "https://api.opentabletop.org/problems/validation-error"
        );
        assert_eq!(body["title"], "Validation Error");
        assert_eq!(body["status"], 400);
        assert_eq!(body["errors"][0]["field"], "players_min");
        assert_eq!(body["errors"][0]["code"], "invalid_range");
        assert!(body.get("instance").is_none(), "no null, no guess");
    }

    #[tokio::test]
    async fn internal_errors_do_not_leak_their_cause() {
        let response = ApiError::Internal("password=hunter2 in a stack".into()).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = body_json(response).await;
        assert_eq!(
            body["type"],
            "https://api.opentabletop.org/problems/internal-error"
        );
        assert!(!body.to_string().contains("hunter2"));
    }

    #[test]
    fn every_kind_of_d9_has_its_slug_and_title() {
        for (status, slug, title) in [
            (400, "validation-error", "Validation Error"),
            (404, "not-found", "Not Found"),
            (422, "unprocessable", "Unprocessable Entity"),
            (410, "gone", "Gone"),
            (401, "unauthorized", "Unauthorized"),
            (403, "forbidden", "Forbidden"),
            (429, "rate-limited", "Too Many Requests"),
            (413, "payload-too-large", "Payload Too Large"),
            (503, "unavailable", "Service Unavailable"),
            (500, "internal-error", "Internal Server Error"),
        ] {
            let kind = kind_for_status(StatusCode::from_u16(status).unwrap());
            assert_eq!((kind.slug, kind.title), (slug, title), "status {status}");
        }
    }

    #[test]
    fn connection_failures_map_to_503() {
        let err = DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout);
        assert_eq!(
            ApiError::from(err).status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        let err = DbErr::Custom("boom".into());
        assert_eq!(
            ApiError::from(err).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
