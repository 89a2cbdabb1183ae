//! Prometheus metrics: one process-wide recorder (the `metrics` facade) shared
//! by the HTTP middleware and the storage layer, exposed at `/metrics`.
//!
//! HTTP: `http_requests_total{method,route,status}`,
//! `http_request_duration_seconds{method,route,status}` (histogram),
//! `http_requests_in_flight`. Database: `db_query_duration_seconds`,
//! `db_pool_connections{pool,state}`, `db_pool_max_connections`,
//! `db_reads_total{pool}`, `db_replica_fallbacks_total{reason}`,
//! `db_replica_in_rotation`, `db_replica_lag_seconds`.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;

/// Route label of requests that matched no route (keeps cardinality bounded).
pub const UNMATCHED_ROUTE: &str = "unmatched";

const HTTP_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
const DB_BUCKETS: &[f64] = &[
    0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process-wide recorder (once) and returns its handle.
pub fn recorder() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("http_request_duration_seconds".into()),
                    HTTP_BUCKETS,
                )
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full("db_query_duration_seconds".into()),
                        DB_BUCKETS,
                    )
                })
                .expect("bucket lists are non-empty");
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            // Another recorder may exist only in tests that install their own;
            // the handle still renders what this recorder collected.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(metrics_endpoint))
}

/// Prometheus metrics in the text exposition format.
#[utoipa::path(get, path = "/metrics", tag = "operations", operation_id = "metrics",
    responses((status = 200, description = "Metrics in the Prometheus text format",
        body = String, content_type = "text/plain; version=0.0.4")))]
async fn metrics_endpoint(State(state): State<AppState>) -> Response {
    state.db.record_pool_metrics();
    let mut response = state.metrics.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// Counts and times every request by route template and status, writes the
/// access log line, and tracks the requests in flight (the graceful shutdown
/// waits for them).
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_string();
    let path = request.uri().path().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| UNMATCHED_ROUTE.to_string());
    let _in_flight = state.lifecycle.request_started();
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let duration_ms = (elapsed.as_secs_f64() * 1_000_000.0).round() / 1000.0;
    if status >= 500 && status != 503 {
        tracing::error!(
            method,
            route,
            path,
            status,
            duration_ms,
            "request completed"
        );
    } else {
        tracing::info!(
            method,
            route,
            path,
            status,
            duration_ms,
            "request completed"
        );
    }
    let labels = [
        ("method", method),
        ("route", route),
        ("status", status.to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(elapsed.as_secs_f64());
    response
}
