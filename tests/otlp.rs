//! Traces reach a real OTLP/gRPC endpoint: the binary, started with
//! OTEL_EXPORTER_OTLP_ENDPOINT, exports a server span per request that
//! continues the caller's W3C traceparent, and database spans below it.

mod common;

use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::trace::v1::Span;

#[derive(Clone, Default)]
struct Collector(Arc<Mutex<Vec<Span>>>);

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let mut spans = self.0.lock().unwrap();
        for resource in request.into_inner().resource_spans {
            for scope in resource.scope_spans {
                spans.extend(scope.spans);
            }
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn request_and_database_spans_are_exported_over_otlp() {
    let collector = Collector::default();
    let otlp_port = common::free_port();
    let server = tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(collector.clone()))
            .serve(([127, 0, 0, 1], otlp_port).into()),
    );

    let mut db = common::TestDb::new().await;
    let port = common::free_port();
    db.set("PORT", &port.to_string())
        .set("BIND_ADDRESS", "127.0.0.1")
        .set(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            &format!("http://127.0.0.1:{otlp_port}"),
        )
        .set("OTEL_SERVICE_NAME", "ot-test");
    let mut child = Command::new(env!("CARGO_BIN_EXE_opentabletop"))
        .env_clear()
        .envs(&db.vars)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();

    let client = reqwest::Client::new();
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let started = Instant::now();
    loop {
        let sent = client
            .get(format!("http://127.0.0.1:{port}/ready"))
            .header("traceparent", format!("00-{trace_id}-00f067aa0ba902b7-01"))
            .send()
            .await;
        if matches!(sent, Ok(ref r) if r.status() == 200) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "never ready");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // SIGTERM flushes the batch exporter on the way out.
    assert!(
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());

    let spans = collector.0.lock().unwrap().clone();
    server.abort();
    let ours: Vec<&Span> = spans
        .iter()
        .filter(|s| hex(&s.trace_id) == trace_id)
        .collect();
    let request = ours
        .iter()
        .find(|s| s.name == "GET /ready")
        .unwrap_or_else(|| {
            panic!(
                "no request span; got {:?}",
                spans.iter().map(|s| &s.name).collect::<Vec<_>>()
            )
        });
    assert_eq!(hex(&request.parent_span_id), "00f067aa0ba902b7");
    assert!(
        ours.iter()
            .any(|s| s.parent_span_id == request.span_id && s.name != "GET /ready"),
        "the database work of the request is traced below it: {:?}",
        ours.iter().map(|s| &s.name).collect::<Vec<_>>()
    );
}
