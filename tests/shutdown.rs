//! Graceful shutdown on a real SIGTERM over a real socket: the in-flight
//! request completes, `/ready` answers 503 meanwhile, the server then stops.
//! (One test per binary: the signal is delivered to this whole process.)

mod common;

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use opentabletop::http::{self, AppState};

#[tokio::test]
async fn sigterm_drains_in_flight_requests_and_reports_not_ready() {
    let db = common::TestDb::new().await;
    let state = db.state().await;
    let slow = Router::<AppState>::new().route(
        "/test/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            "slow done"
        }),
    );
    let app = http::app_with(state.clone(), slow);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(opentabletop::server::run_app(
        listener,
        app,
        state.clone(),
        opentabletop::server::shutdown_signal(),
    ));

    let client = reqwest::Client::new();
    assert_eq!(
        client
            .get(format!("{base}/ready"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    let slow_request = tokio::spawn({
        let client = client.clone();
        let url = format!("{base}/test/slow");
        async move { client.get(url).send().await?.text().await }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(state.lifecycle.in_flight(), 1);

    let status = std::process::Command::new("kill")
        .args(["-TERM", &std::process::id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    tokio::time::sleep(Duration::from_millis(200)).await;

    // Still accepting while the slow request runs, but no longer ready.
    let fresh = reqwest::Client::new();
    let ready = fresh.get(format!("{base}/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["checks"][0]["status"], "draining");
    assert!(
        !server.is_finished(),
        "the server waits for the slow request"
    );

    assert_eq!(slow_request.await.unwrap().unwrap(), "slow done");
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops once drained")
        .unwrap()
        .expect("clean shutdown");
    assert!(
        fresh.get(format!("{base}/health")).send().await.is_err(),
        "nothing listens after shutdown"
    );
}
