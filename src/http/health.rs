//! Liveness (`/health`, `/healthz`) and readiness (`/ready`, `/readyz`).

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::ErrorResponse;
use crate::storage::{ReplicaState, migrate};

/// How long one readiness check may take before it counts as down.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(healthz))
        .routes(routes!(ready))
        .routes(routes!(readyz))
}

/// Liveness answer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// Always `ok` while the process serves.
    #[schema(example = "ok")]
    pub status: String,
    /// Version of the server binary.
    #[schema(example = "0.1.0")]
    pub version: String,
}

/// Readiness answer when every required check passes.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Readiness {
    /// `ready`.
    #[schema(example = "ready")]
    pub status: String,
    /// One entry per backing service or condition.
    pub checks: Vec<Check>,
}

/// One readiness check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Check {
    /// What was checked: `database.primary`, `database.replica-1`, `schema`, `lifecycle`.
    #[schema(example = "database.primary")]
    pub name: String,
    /// `up`, `down`, `lagging`, `unknown`, `behind` or `draining`.
    #[schema(example = "up")]
    pub status: String,
    /// Whether a failure of this check makes the server not ready. Replicas are
    /// not required: reads fall back to the primary.
    pub required: bool,
    /// Time the check took, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<f64>,
    /// Replication lag of a replica, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lag_seconds: Option<f64>,
    /// Why the check is not `up`, or extra information.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Check {
    fn new(name: impl Into<String>, status: &str, required: bool) -> Check {
        Check {
            name: name.into(),
            status: status.to_string(),
            required,
            latency_ms: None,
            lag_seconds: None,
            detail: None,
        }
    }

    fn passes(&self) -> bool {
        !self.required || self.status == "up"
    }
}

fn health_body() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// Liveness: the process is up and serving HTTP.
///
/// Checks no backing service, so a database outage never gets the process restarted.
#[utoipa::path(get, path = "/health", tag = "health", operation_id = "health",
    responses((status = 200, description = "The process serves", body = Health)))]
async fn health() -> Json<Health> {
    health_body()
}

/// Liveness (Kubernetes-style alias of `/health`).
#[utoipa::path(get, path = "/healthz", tag = "health", operation_id = "healthz",
    responses((status = 200, description = "The process serves", body = Health)))]
async fn healthz() -> Json<Health> {
    health_body()
}

/// Readiness: the server can serve traffic.
///
/// Ready when the primary database answers, its schema is up to date with
/// this binary, and the process is not shutting down. Replicas are reported
/// but not required.
#[utoipa::path(get, path = "/ready", tag = "health", operation_id = "ready",
    responses(
        (status = 200, description = "Ready to serve", body = Readiness),
        (status = 503, description = "Not ready; `checks` says why", body = ErrorResponse,
            content_type = "application/problem+json"),
    ))]
async fn ready(State(state): State<AppState>) -> Response {
    readiness(&state).await
}

/// Readiness (Kubernetes-style alias of `/ready`).
#[utoipa::path(get, path = "/readyz", tag = "health", operation_id = "readyz",
    responses(
        (status = 200, description = "Ready to serve", body = Readiness),
        (status = 503, description = "Not ready; `checks` says why", body = ErrorResponse,
            content_type = "application/problem+json"),
    ))]
async fn readyz(State(state): State<AppState>) -> Response {
    readiness(&state).await
}

async fn readiness(state: &AppState) -> Response {
    let mut checks = Vec::new();

    let mut lifecycle = Check::new("lifecycle", "up", true);
    if state.lifecycle.is_shutting_down() {
        lifecycle.status = "draining".into();
        lifecycle.detail = Some("shutting down: finishing in-flight requests".into());
    }
    checks.push(lifecycle);

    let mut primary = Check::new("database.primary", "up", true);
    match tokio::time::timeout(CHECK_TIMEOUT, state.db.ping_primary()).await {
        Ok(Ok(latency)) => primary.latency_ms = Some(round_ms(latency)),
        Ok(Err(e)) => {
            primary.status = "down".into();
            primary.detail = Some(e.to_string());
        }
        Err(_) => {
            primary.status = "down".into();
            primary.detail = Some(format!("no answer within {CHECK_TIMEOUT:?}"));
        }
    }
    let primary_up = primary.status == "up";
    checks.push(primary);

    let mut schema = Check::new("schema", "up", true);
    if primary_up {
        match tokio::time::timeout(CHECK_TIMEOUT, migrate::status(state.db.primary())).await {
            Ok(Ok(status)) if status.is_current() => {
                if !status.unknown_applied.is_empty() {
                    schema.detail = Some(format!(
                        "the database has {} migration(s) newer than this binary",
                        status.unknown_applied.len()
                    ));
                }
            }
            Ok(Ok(status)) => {
                schema.status = "behind".into();
                schema.detail = Some(format!(
                    "{} pending migration(s) ({}); run `opentabletop migrate`",
                    status.pending.len(),
                    status.pending.join(", ")
                ));
            }
            Ok(Err(e)) => {
                schema.status = "down".into();
                schema.detail = Some(e.to_string());
            }
            Err(_) => {
                schema.status = "down".into();
                schema.detail = Some(format!("no answer within {CHECK_TIMEOUT:?}"));
            }
        }
    } else {
        schema.status = "unknown".into();
        schema.detail = Some("the primary database is down".into());
    }
    checks.push(schema);

    for replica in state.db.replicas() {
        let state = replica.state();
        let mut check = Check::new(
            format!("database.{}", replica.name()),
            state.as_str(),
            false,
        );
        check.lag_seconds = replica.lag_seconds();
        check.detail = replica.detail();
        if state == ReplicaState::Unknown {
            check.detail = Some("not checked yet".into());
        }
        checks.push(check);
    }

    if checks.iter().all(Check::passes) {
        let body = Readiness {
            status: "ready".into(),
            checks,
        };
        (StatusCode::OK, Json(body)).into_response()
    } else {
        let failing: Vec<&str> = checks
            .iter()
            .filter(|c| !c.passes())
            .map(|c| c.name.as_str())
            .collect();
        let mut problem = ErrorResponse::for_status(
            StatusCode::SERVICE_UNAVAILABLE,
            Some(format!("Not ready: {}.", failing.join(", "))),
        );
        problem.checks = Some(checks);
        problem.into_problem_response()
    }
}

fn round_ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0 * 100.0).round() / 100.0
}
