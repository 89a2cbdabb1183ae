//! Test support: a fresh database per test on the backend the environment
//! selects, and helpers to call the application.
//!
//! - default: the embedded SQLite backend, in a temporary directory;
//! - `OPENTABLETOP_TEST_POSTGRES=postgres://user@host:port/db`: PostgreSQL; each
//!   test creates its own database through that URL and drops it afterwards.
#![allow(dead_code)]

pub mod schema;

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use opentabletop::config::Config;
use opentabletop::http::AppState;
use tower::ServiceExt;

pub const POSTGRES_ENV: &str = "OPENTABLETOP_TEST_POSTGRES";

/// A database that exists for the duration of one test.
pub struct TestDb {
    pub vars: HashMap<String, String>,
    _dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

impl TestDb {
    pub async fn new() -> TestDb {
        // Errors the server logs (a 500's cause) show in the failing test's output.
        // TEST_LOG (an EnvFilter, e.g. `sqlx=debug`) shows more.
        let filter = tracing_subscriber::EnvFilter::try_from_env("TEST_LOG")
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error"));
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter(filter)
            .try_init();
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut vars = HashMap::new();
        vars.insert(
            "OPENTABLETOP_DATA_DIR".to_string(),
            dir.path().display().to_string(),
        );
        vars.insert("LOG_LEVEL".into(), "warn".into());
        // Tests start from an empty catalog unless they ask for the demo.
        vars.insert("SEED_DEMO".into(), "false".into());
        let mut postgres = None;
        if let Ok(admin) = std::env::var(POSTGRES_ENV) {
            let name = format!("ot_test_{}", uuid::Uuid::new_v4().simple());
            admin_exec(&admin, &format!("CREATE DATABASE {name}")).await;
            let mut url = url::Url::parse(&admin).expect("valid admin URL");
            url.set_path(&format!("/{name}"));
            vars.insert("DATABASE_URL".into(), url.to_string());
            vars.insert("AUTO_MIGRATE".into(), "true".into());
            postgres = Some((admin, name));
        }
        TestDb {
            vars,
            _dir: dir,
            postgres,
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    pub fn set(&mut self, key: &str, value: &str) -> &mut Self {
        self.vars.insert(key.to_string(), value.to_string());
        self
    }

    pub fn config(&self) -> Config {
        Config::from_map(&self.vars).expect("valid test configuration")
    }

    /// Connected, migrated state, as `serve` builds it.
    pub async fn state(&self) -> AppState {
        opentabletop::server::prepare(self.config())
            .await
            .expect("server state")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.postgres.take() {
            // Drop runs outside async context: use a runtime of its own.
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(admin_exec(
                    &admin,
                    &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                ));
            })
            .join()
            .ok();
        }
    }
}

async fn admin_exec(admin_url: &str, sql: &str) {
    use sea_orm::ConnectionTrait;
    let conn = sea_orm::Database::connect(admin_url)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {POSTGRES_ENV}: {e}"));
    conn.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    conn.close().await.ok();
}

/// A response, with its body parsed as JSON when it is JSON.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts an RFC 9457 problem of `status` and returns its body.
    pub fn problem(&self, status: u16) -> serde_json::Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.text);
        assert_eq!(self.header("content-type"), "application/problem+json");
        let body = self.json();
        assert_eq!(body["status"], status);
        assert!(
            body["type"]
                .as_str()
                .unwrap()
                .starts_with("https://api.opentabletop.org/problems/"),
            "{body}"
        );
        assert!(body["title"].is_string(), "{body}");
        body
    }
}

/// Sends a request to the app. Every JSON answer of a documented operation is
/// validated against that operation's response schema in our document and in
/// the upstream contract, and checked for `null`s (D1).
pub async fn call(app: &axum::Router, request: Request<Body>) -> Reply {
    let method = request.method().to_string();
    let uri = request.uri().to_string();
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let reply = Reply {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    };
    let is_json = reply.header("content-type").contains("json");
    let is_document = uri.starts_with("/openapi") || uri.starts_with("/docs");
    if is_json
        && !is_document
        && let Ok(body) = serde_json::from_str(&reply.text)
    {
        schema::check(&method, &uri, status.as_u16(), &body);
    }
    reply
}

pub async fn post_json(app: &axum::Router, uri: &str, body: &serde_json::Value) -> Reply {
    call(
        app,
        Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header("host", "api.test")
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

pub async fn get(app: &axum::Router, uri: &str) -> Reply {
    call(
        app,
        Request::builder()
            .method(Method::GET)
            .uri(uri)
            .header("host", "api.test")
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// A TCP port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Rows in `table`.
pub async fn count(conn: &sea_orm::DatabaseConnection, table: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    let row = conn
        .query_one_raw(sea_orm::Statement::from_string(
            conn.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

/// A minimal active base game, ready to insert.
pub fn game_model(slug: &str) -> opentabletop::storage::entities::game::ActiveModel {
    use sea_orm::Set;
    let now = chrono::Utc::now();
    opentabletop::storage::entities::game::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        slug: Set(slug.to_string()),
        name: Set(slug.to_string()),
        sort_name: Set(slug.to_string()),
        game_type: Set("base_game".into()),
        status: Set("active".into()),
        best_at: Set(serde_json::json!([])),
        recommended_at: Set(serde_json::json!([])),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Imports ../shared/opentabletop/data (the upstream samples) into `state`'s database.
pub async fn import_upstream(state: &AppState) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/opentabletop/data");
    let sources = opentabletop::catalog::read_dirs(&[dir]).unwrap();
    let known = opentabletop::storage::import::known(state.db.primary())
        .await
        .unwrap();
    let (catalog, _) = opentabletop::catalog::build(&sources, &known, false).unwrap();
    opentabletop::storage::import::write(state.db.primary(), &catalog, &|_, _, _| {})
        .await
        .unwrap();
}

/// Generates a synthetic catalog (`opentabletop generate`, in memory) and
/// imports it into `state`'s database.
pub async fn import_generated(state: &AppState, games: usize, seed: u64) {
    use opentabletop::catalog::{Source, demo, generate};
    let taxonomy: Vec<Source> = demo::sources()
        .into_iter()
        .filter(|s| s.rel.starts_with("taxonomy/"))
        .collect();
    let (files, _) = generate::generate(&generate::Options { games, seed }, &taxonomy);
    let sources: Vec<Source> = files
        .into_iter()
        .map(|(rel, text)| Source {
            path: rel.clone(),
            rel,
            text,
        })
        .collect();
    let known = opentabletop::storage::import::known(state.db.primary())
        .await
        .unwrap();
    let (catalog, _) = opentabletop::catalog::build(&sources, &known, false).unwrap();
    opentabletop::storage::import::write(state.db.primary(), &catalog, &|_, _, _| {})
        .await
        .unwrap();
}

/// Imports the demo catalog compiled into the binary into `state`'s database.
pub async fn import_demo(state: &AppState) {
    let known = opentabletop::storage::import::known(state.db.primary())
        .await
        .unwrap();
    let (catalog, _) =
        opentabletop::catalog::build(&opentabletop::catalog::demo::sources(), &known, true)
            .unwrap();
    opentabletop::storage::import::write(state.db.primary(), &catalog, &|_, _, _| {})
        .await
        .unwrap();
}
