//! The built binary, as an operator runs it: configuration errors, the
//! `openapi` and `migrate` commands, and `serve` over a real socket.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_opentabletop");

fn command(vars: &std::collections::HashMap<String, String>) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear();
    if let Ok(path) = std::env::var("PATH") {
        cmd.env("PATH", path);
    }
    cmd.envs(vars);
    cmd
}

#[test]
fn bad_configuration_exits_2_with_one_clear_line() {
    for (name, value, expect) in [
        ("PORT", "abc", "PORT=abc: expected a TCP port number"),
        (
            "DATABASE_URL",
            "mysql://x",
            "DATABASE_URL=mysql://x: expected a postgres://",
        ),
        (
            "LOG_FORMAT",
            "xml",
            "LOG_FORMAT=xml: expected json or pretty",
        ),
    ] {
        let output = Command::new(BIN)
            .env_clear()
            .env(name, value)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{name}={value}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(expect), "{stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn database_password_never_reaches_the_output() {
    let output = Command::new(BIN)
        .env_clear()
        .env("DATABASE_URL", "mysql://user:hunter2@db/x")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&output.stderr).contains("hunter2"));
}

#[test]
fn openapi_command_prints_the_committed_document() {
    let output = Command::new(BIN).args(["openapi"]).output().unwrap();
    assert!(output.status.success());
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.yaml"))
            .unwrap();
    assert_eq!(String::from_utf8(output.stdout).unwrap(), committed);

    let output = Command::new(BIN)
        .args(["openapi", "--format", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
}

#[test]
fn help_describes_every_command() {
    let output = Command::new(BIN).arg("--help").output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    for word in ["serve", "migrate", "openapi"] {
        assert!(text.contains(word), "{text}");
    }
    let output = Command::new(BIN)
        .args(["migrate", "--help"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .contains("--status")
    );
}

#[tokio::test]
async fn migrate_applies_once_and_status_lists_every_migration() {
    let db = common::TestDb::new().await;
    let names = opentabletop::storage::migrate::known_migrations();

    let status = command(&db.vars)
        .args(["migrate", "--status"])
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let text = String::from_utf8(status.stdout).unwrap();
    for name in &names {
        assert!(text.contains(&format!("pending  {name}")), "{text}");
    }

    let first = command(&db.vars).arg("migrate").output().unwrap();
    assert!(first.status.success(), "{first:?}");
    assert_eq!(
        String::from_utf8(first.stdout).unwrap().lines().count(),
        names.len()
    );
    let again = command(&db.vars).arg("migrate").output().unwrap();
    assert!(
        String::from_utf8(again.stdout)
            .unwrap()
            .contains("nothing to apply")
    );

    let status = command(&db.vars)
        .args(["migrate", "--status"])
        .output()
        .unwrap();
    let text = String::from_utf8(status.stdout).unwrap();
    for name in &names {
        assert!(text.contains(&format!("applied  {name}")), "{text}");
    }
}

#[tokio::test]
async fn serve_over_a_real_socket_then_exit_0_on_sigterm() {
    let mut db = common::TestDb::new().await;
    let port = common::free_port();
    db.set("PORT", &port.to_string())
        .set("BIND_ADDRESS", "127.0.0.1")
        .set("LOG_LEVEL", "info");
    let mut child = command(&db.vars)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();

    let started = Instant::now();
    loop {
        if let Ok(r) = client.get(format!("{base}/ready")).send().await
            && r.status() == 200
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "never became ready"
        );
        if let Some(status) = child.try_wait().unwrap() {
            panic!("server exited early: {status}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let docs = client.get(format!("{base}/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    let spec: serde_json::Value = client
        .get(format!("{base}/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    let missing = client
        .get(format!("{base}/nope"))
        .header(
            "traceparent",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.headers()["content-type"],
        "application/problem+json"
    );
    let metrics = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("http_requests_total"));

    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.status.code(), Some(0), "{status:?}");

    // Every stdout line is one JSON object; request lines carry the trace.
    let mut saw_traced_404 = false;
    for line in BufReader::new(&status.stdout[..]).lines() {
        let line = line.unwrap();
        let value: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        if value["message"] == "request completed" {
            assert_eq!(value["trace_id"].as_str().unwrap().len(), 32, "{line}");
            assert_eq!(value["span_id"].as_str().unwrap().len(), 16, "{line}");
            if value["status"] == 404 {
                assert_eq!(value["trace_id"], "0af7651916cd43dd8448eb211c80319c");
                assert_eq!(value["route"], "unmatched");
                saw_traced_404 = true;
            }
        }
        if let Some(url) = db.vars.get("DATABASE_URL") {
            assert!(!line.contains(url.as_str()), "database URL in the logs");
        }
    }
    assert!(saw_traced_404, "the incoming traceparent was continued");
}
