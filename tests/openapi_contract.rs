//! The committed `openapi/openapi.yaml` is the contract: it must equal what
//! the code generates, and be a strict OpenAPI 3.1 document.

use std::path::Path;

const REGENERATE: &str = "cargo run -- openapi --output openapi/openapi.yaml";

fn committed() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.yaml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; create it with `{REGENERATE}`",
            path.display()
        )
    })
}

#[test]
fn committed_document_equals_the_generated_one() {
    let generated = opentabletop::http::docs::to_yaml(&opentabletop::http::openapi());
    if generated != committed() {
        let first_difference = generated
            .lines()
            .zip(committed().lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| format!("line {}: generated `{a}`, committed `{b}`", i + 1))
            .unwrap_or_else(|| "the documents differ in length".to_string());
        panic!(
            "openapi/openapi.yaml is out of date ({first_difference}).\n\
             Regenerate it with `{REGENERATE}` and review the diff."
        );
    }
}

#[test]
fn document_is_strict_openapi_3_1() {
    let doc: serde_json::Value =
        serde_json::to_value(opentabletop::http::openapi()).expect("document as JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    let text = doc.to_string();
    assert!(!text.contains("\"nullable\""), "3.1 has no `nullable`");

    // Every $ref resolves inside the document.
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        let pointer = r.strip_prefix('#').expect("local reference");
        assert!(doc.pointer(pointer).is_some(), "dangling $ref {r}");
    }
}

#[test]
fn every_operation_documents_its_errors_as_problems() {
    let doc: serde_json::Value = serde_json::to_value(opentabletop::http::openapi()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for expected in ["/health", "/healthz", "/ready", "/readyz", "/metrics"] {
        assert!(paths.contains_key(expected), "{expected} is not documented");
    }
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let default = &operation["responses"]["default"];
            assert_eq!(
                default["content"]["application/problem+json"]["schema"]["$ref"],
                "#/components/schemas/ErrorResponse",
                "{method} {path}"
            );
            assert!(operation["operationId"].is_string(), "{method} {path}");
        }
    }
}

fn collect_refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    out.push(v.as_str().unwrap().to_string());
                } else {
                    collect_refs(v, out);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
