//! The HTTP layer: routing, middleware, extractors, DTOs and errors.
//!
//! The router and the OpenAPI document come from the same `utoipa-axum`
//! registrations ([`api_router`]), so every served operation is documented.

pub mod counts;
pub mod docs;
pub mod error;
pub mod expansions;
pub mod export;
pub mod extract;
pub mod game_dto;
pub mod game_list;
pub mod games;
pub mod health;
pub mod metrics;
mod middleware;
pub mod pagination;
pub mod people;
pub mod search;
pub mod taxonomy;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Method, StatusCode, header};
use metrics_exporter_prometheus::PrometheusHandle;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::config::{Config, CorsOrigins};
use crate::domain::cursor::CursorCodec;
use crate::lifecycle::Lifecycle;
use crate::storage::Database;
use error::ApiError;

/// The versioned mount of the API (D6).
pub const V1: &str = "/v1";

/// The mount a request came in on (`""` or `/v1`), for the links of its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mount(pub &'static str);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Mount {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        let path = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map(|u| u.path().to_string())
            .unwrap_or_else(|| parts.uri.path().to_string());
        let versioned = path == V1 || path.starts_with(&format!("{V1}/"));
        Ok(Mount(if versioned { V1 } else { "" }))
    }
}

/// Signs cursors when `CURSOR_SECRET` is not set.
const DEFAULT_CURSOR_SECRET: &str = "opentabletop-server default cursor key";

/// Shared state of every handler. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Database,
    pub lifecycle: Arc<Lifecycle>,
    pub metrics: PrometheusHandle,
    pub cursors: CursorCodec,
    pub counts: Arc<counts::CountCache>,
}

impl AppState {
    pub fn new(config: Config, db: Database) -> AppState {
        let cursors = CursorCodec::new(
            config
                .cursor_secret
                .as_deref()
                .unwrap_or(DEFAULT_CURSOR_SECRET)
                .as_bytes(),
        );
        let counts = Arc::new(counts::CountCache::new(config.count_cache_ttl));
        AppState {
            counts,
            config: Arc::new(config),
            db,
            lifecycle: Lifecycle::new(),
            metrics: metrics::recorder(),
            cursors,
        }
    }
}

/// Top-level document information; paths and schemas are added by the route
/// registrations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "OpenTabletop API",
        description = "OpenTabletop board-game data API, served by opentabletop-server. \
            Every error is an RFC 9457 problem (`application/problem+json`). \
            Operations tagged `health` and `operations` are this server's own extensions. \
            The catalog operations are also served under `/v1` (links then carry that prefix).",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    tags(
        (name = "health", description = "Liveness and readiness probes"),
        (name = "operations", description = "Operating the server: metrics"),
        (name = "taxonomy", description = "Controlled vocabularies: mechanics, categories, themes"),
        (name = "people", description = "Designers and publishers"),
        (name = "games", description = "Games and their community data"),
        (name = "search", description = "Full-text search across games, people and vocabularies"),
        (name = "export", description = "Bulk export of the catalog"),
    ),
    components(schemas(
        error::ErrorResponse,
        error::ValidationError,
        export::ExportManifest,
        export::ExportFormat
    ))
)]
struct ApiDoc;

/// Every documented route, with its OpenAPI description.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(health::routes())
        .merge(metrics::routes())
        .merge(catalog_router())
}

/// The OpenTabletop operations (not the probes, metrics or docs): served at
/// the root and, for clients written from the upstream guides, under `/v1`
/// (SPEC-NOTES D6).
fn catalog_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(taxonomy::routes())
        .merge(people::routes())
        .merge(games::routes())
        .merge(expansions::routes())
}

/// The OpenAPI document this server serves (and `openapi/openapi.yaml` holds).
pub fn openapi() -> utoipa::openapi::OpenApi {
    docs::finish(api_router().into_openapi())
}

/// The complete application: routes, docs, fallbacks and middleware.
pub fn app(state: AppState) -> Router {
    app_with(state, Router::new())
}

/// [`app`] with extra (undocumented) routes behind the same middleware; the
/// tests use it to add slow or failing handlers.
pub fn app_with(state: AppState, extra: Router<AppState>) -> Router {
    let (routes, api) = api_router().split_for_parts();
    let api = docs::finish(api);
    let config = state.config.clone();

    let request_id = HeaderName::from_static("x-request-id");
    let (v1, _) = catalog_router().split_for_parts();
    let router = routes
        .nest(V1, v1)
        .merge(docs::routes(api))
        .merge(extra)
        .fallback(|| async { ApiError::NotFound("No resource at this path.".into()) })
        .with_state(state.clone());

    router
        // Innermost first. Oversize bodies are refused before any handler runs.
        .layer(RequestBodyLimitLayer::new(config.body_limit_bytes))
        .layer(DefaultBodyLimit::disable())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(axum::middleware::from_fn(middleware::reject_nul))
        // Problem rendering sees every error response: the router's 404/405,
        // the body limit's 413, the timeout's 408 (and sits inside compression,
        // which must see the final body).
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::problems,
        ))
        .layer(CompressionLayer::new())
        .layer(cors(&config.cors_origins))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(crate::telemetry::request_span)
                .on_request(())
                .on_response(middleware::record_status)
                .on_failure(()),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(CatchPanicLayer::custom(middleware::panic_response))
}

fn cors(origins: &CorsOrigins) -> CorsLayer {
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::IF_NONE_MATCH,
            HeaderName::from_static("x-api-key"),
            HeaderName::from_static("traceparent"),
        ])
        .expose_headers([
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static("x-export-format"),
            HeaderName::from_static("x-export-row-count"),
            HeaderName::from_static("x-export-schema-version"),
            HeaderName::from_static("x-export-generated-at"),
            header::CONTENT_DISPOSITION,
            header::ETAG,
        ]);
    match origins {
        CorsOrigins::Any => layer.allow_origin(Any),
        CorsOrigins::List(list) => layer.allow_origin(AllowOrigin::list(
            list.iter().filter_map(|o| o.parse().ok()),
        )),
    }
}
