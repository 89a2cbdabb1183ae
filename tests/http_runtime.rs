//! The HTTP runtime: probes, problems for every kind of rejection, metrics,
//! request ids, CORS, docs. Runs on the backend `common` selects.

mod common;

use axum::body::Body;
use axum::http::{Method, Request};
use common::{TestDb, call, get};
use migration::MigratorTrait;
use opentabletop::http::{self, AppState};

async fn app() -> (TestDb, AppState, axum::Router) {
    let db = TestDb::new().await;
    let state = db.state().await;
    let app = http::app(state.clone());
    (db, state, app)
}

#[tokio::test]
async fn health_and_ready_answer_with_their_aliases() {
    let (_db, _state, app) = app().await;
    for path in ["/health", "/healthz"] {
        let reply = get(&app, path).await;
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.json()["status"], "ok");
    }
    for path in ["/ready", "/readyz"] {
        let reply = get(&app, path).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.text);
        let body = reply.json();
        assert_eq!(body["status"], "ready");
        let names: Vec<&str> = body["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["lifecycle", "database.primary", "schema"]);
        assert!(body["checks"][1]["latency_ms"].as_f64().unwrap() >= 0.0);
    }
}

#[tokio::test]
async fn ready_turns_503_when_shutdown_begins_while_health_stays_200() {
    let (_db, state, app) = app().await;
    state.lifecycle.begin_shutdown();
    let body = get(&app, "/ready").await.problem(503);
    assert_eq!(
        body["type"],
        "https://api.opentabletop.org/problems/unavailable"
    );
    assert_eq!(body["checks"][0]["status"], "draining");
    assert_eq!(get(&app, "/health").await.status, 200);
}

#[tokio::test]
async fn ready_is_503_while_the_schema_is_behind_the_binary() {
    let db = TestDb::new().await;
    let config = db.config();
    let database = opentabletop::storage::Database::connect(&config)
        .await
        .unwrap();
    let all = migration::Migrator::migrations().len() as u32;
    migration::Migrator::up(database.primary(), Some(all - 1))
        .await
        .unwrap();
    let state = AppState::new(config, database);
    let app = http::app(state.clone());

    let body = get(&app, "/ready").await.problem(503);
    let schema = &body["checks"][2];
    assert_eq!(schema["name"], "schema");
    assert_eq!(schema["status"], "behind");
    let last = opentabletop::storage::migrate::known_migrations()
        .pop()
        .unwrap();
    assert!(
        schema["detail"].as_str().unwrap().contains(&last),
        "{schema}"
    );

    opentabletop::storage::migrate::apply(state.db.primary())
        .await
        .unwrap();
    assert_eq!(get(&app, "/ready").await.status, 200);
}

#[tokio::test]
async fn unknown_route_is_a_404_problem_with_the_absolute_instance() {
    let (_db, _state, app) = app().await;
    let body = get(&app, "/no/such/thing?x=1").await.problem(404);
    assert_eq!(body["title"], "Not Found");
    assert_eq!(body["instance"], "http://api.test/no/such/thing?x=1");
}

#[tokio::test]
async fn instance_uses_public_base_url_and_forwarded_proto() {
    let mut db = TestDb::new().await;
    db.set("PUBLIC_BASE_URL", "https://api.example.org/");
    let app = http::app(db.state().await);
    let body = get(&app, "/missing").await.problem(404);
    assert_eq!(body["instance"], "https://api.example.org/missing");

    let (_db, _state, app) = self::app().await;
    let reply = call(
        &app,
        Request::get("/missing")
            .header("host", "games.example.net")
            .header("x-forwarded-proto", "https")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        reply.problem(404)["instance"],
        "https://games.example.net/missing"
    );
}

#[tokio::test]
async fn wrong_method_is_a_405_problem_keeping_the_allow_header() {
    let (_db, _state, app) = app().await;
    let reply = call(
        &app,
        Request::builder()
            .method(Method::DELETE)
            .uri("/health")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let body = reply.problem(405);
    assert_eq!(body["title"], "Method Not Allowed");
    assert!(reply.header("allow").contains("GET"), "{:?}", reply.headers);
}

#[tokio::test]
async fn oversize_body_is_a_413_problem() {
    let mut db = TestDb::new().await;
    db.set("REQUEST_BODY_LIMIT_BYTES", "1024");
    let app = http::app(db.state().await);
    let reply = call(
        &app,
        Request::post("/health")
            .header("content-type", "application/json")
            .header("content-length", "4096")
            .body(Body::from(vec![b' '; 4096]))
            .unwrap(),
    )
    .await;
    let body = reply.problem(413);
    assert_eq!(
        body["type"],
        "https://api.opentabletop.org/problems/payload-too-large"
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_status() {
    let (_db, _state, app) = app().await;
    get(&app, "/health").await;
    get(&app, "/definitely-not-a-route-4711").await;
    let reply = get(&app, "/metrics").await;
    assert_eq!(reply.status, 200);
    assert!(reply.header("content-type").starts_with("text/plain"));
    let text = &reply.text;
    assert!(
        text.contains(r#"http_requests_total{method="GET",route="/health",status="200"}"#),
        "{text}"
    );
    assert!(
        text.contains(r#"http_requests_total{method="GET",route="unmatched",status="404"}"#),
        "{text}"
    );
    assert!(
        !text.contains("4711"),
        "unmatched paths must not become labels"
    );
    for name in [
        "http_request_duration_seconds_bucket",
        "http_requests_in_flight",
        "db_pool_connections",
        "db_pool_max_connections",
        "db_query_duration_seconds_bucket",
    ] {
        assert!(text.contains(name), "missing {name}");
    }
}

#[tokio::test]
async fn request_ids_are_generated_or_propagated() {
    let (_db, _state, app) = app().await;
    let reply = get(&app, "/health").await;
    assert_eq!(reply.header("x-request-id").len(), 36);
    let reply = call(
        &app,
        Request::get("/health")
            .header("x-request-id", "abc-123")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.header("x-request-id"), "abc-123");
}

#[tokio::test]
async fn cors_follows_cors_origins() {
    let mut db = TestDb::new().await;
    db.set("CORS_ORIGINS", "https://allowed.example");
    let app = http::app(db.state().await);
    let preflight = |origin: &'static str| {
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/health")
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .body(Body::empty())
            .unwrap()
    };
    let reply = call(&app, preflight("https://allowed.example")).await;
    assert_eq!(
        reply.header("access-control-allow-origin"),
        "https://allowed.example"
    );
    let reply = call(&app, preflight("https://evil.example")).await;
    assert_eq!(reply.header("access-control-allow-origin"), "");
}

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    let (_db, _state, app) = app().await;
    let reply = call(
        &app,
        Request::get("/openapi.json")
            .header("accept-encoding", "gzip")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-encoding"), "gzip");
}

#[tokio::test]
async fn docs_and_documents_are_served() {
    let (_db, _state, app) = app().await;
    let reply = get(&app, "/docs/").await;
    assert_eq!(reply.status, 200);
    assert!(reply.text.contains("swagger"), "{}", reply.text);
    let reply = get(&app, "/openapi.json").await;
    assert_eq!(reply.status, 200);
    let doc = reply.json();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/ready"]["get"].is_object());
    let reply = get(&app, "/openapi.yaml").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), "application/yaml");
    assert!(reply.text.starts_with("openapi: 3.1.0"), "{}", reply.text);
}
