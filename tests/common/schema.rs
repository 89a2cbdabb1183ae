//! Validates response bodies against the schema of their operation, in our
//! own OpenAPI document and in the upstream contract (`nullable` read with its
//! 3.0 meaning, SPEC-NOTES D1). [`super::call`] runs it on every JSON
//! response of every integration test.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde_json::{Value, json};

struct Contract {
    name: &'static str,
    doc: Value,
    validators: Mutex<HashMap<String, std::sync::Arc<jsonschema::Validator>>>,
}

fn contracts() -> &'static [Contract; 2] {
    static CONTRACTS: OnceLock<[Contract; 2]> = OnceLock::new();
    CONTRACTS.get_or_init(|| {
        let ours = serde_json::to_value(opentabletop::http::openapi()).expect("our document");
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/opentabletop/openapi.bundled.json");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut upstream: Value = serde_json::from_str(&text).expect("upstream contract JSON");
        nullable_as_30(&mut upstream);
        [
            Contract {
                name: "openapi/openapi.yaml",
                doc: ours,
                validators: Mutex::default(),
            },
            Contract {
                name: "upstream contract",
                doc: upstream,
                validators: Mutex::default(),
            },
        ]
    })
}

/// `nullable: true` (OpenAPI 3.0) as JSON Schema: null is allowed too.
fn nullable_as_30(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for child in map.values_mut() {
                nullable_as_30(child);
            }
            if map.remove("nullable") == Some(Value::Bool(true)) {
                match map.get("type").cloned() {
                    Some(Value::String(t)) => {
                        map.insert("type".into(), json!([t, "null"]));
                        if let Some(Value::Array(items)) = map.get_mut("enum") {
                            items.push(Value::Null);
                        }
                    }
                    _ => {
                        let inner = Value::Object(std::mem::take(map));
                        map.insert("anyOf".into(), json!([inner, {"type": "null"}]));
                    }
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(nullable_as_30),
        _ => {}
    }
}

fn escape(segment: &str) -> String {
    segment
        .replace('~', "~0")
        .replace('/', "~1")
        .replace('{', "%7B")
        .replace('}', "%7D")
}

/// The path template of `doc` that `path` matches (static segments first).
fn template(doc: &Value, method: &str, path: &str) -> Option<String> {
    let paths = doc["paths"].as_object()?;
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut best: Option<(usize, String)> = None;
    for (t, item) in paths {
        if item.get(method).is_none() {
            continue;
        }
        let ts: Vec<&str> = t.trim_start_matches('/').split('/').collect();
        if ts.len() != segments.len() {
            continue;
        }
        let mut statics = 0;
        let fits = ts.iter().zip(&segments).all(|(a, b)| {
            if a.starts_with('{') {
                true
            } else {
                statics += 1;
                a == b
            }
        });
        if fits && best.as_ref().is_none_or(|(s, _)| statics > *s) {
            best = Some((statics, t.clone()));
        }
    }
    best.map(|(_, t)| t)
}

/// Checks `body` against the response schema of `method path` at `status`
/// in both contracts; panics naming every violation. Operations or statuses a
/// contract does not define are skipped for that contract.
pub fn check(method: &str, uri: &str, status: u16, body: &Value) {
    let method = method.to_ascii_lowercase();
    let path = uri.split('?').next().unwrap_or(uri);
    let path = path
        .strip_prefix("/v1")
        .filter(|p| p.starts_with('/'))
        .unwrap_or(path);
    for contract in contracts() {
        let Some(t) = template(&contract.doc, &method, path) else {
            continue;
        };
        if contract.name != "upstream contract" {
            no_nulls(body, "$");
        }
        let responses = &contract.doc["paths"][&t][&method]["responses"];
        let code = status.to_string();
        let key = if responses.get(&code).is_some() {
            code
        } else if status >= 400 && contract.name != "upstream contract" {
            "default".to_string()
        } else {
            continue;
        };
        let Some(content) = responses[&key]["content"].as_object() else {
            continue;
        };
        let Some((media, _)) = content
            .iter()
            .find(|(m, c)| m.contains("json") && c.get("schema").is_some())
        else {
            continue;
        };
        let pointer = format!(
            "#/paths/{}/{method}/responses/{key}/content/{}/schema",
            escape(&t),
            escape(media)
        );
        let validator = {
            let mut cache = contract
                .validators
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            cache
                .entry(pointer.clone())
                .or_insert_with(|| {
                    let mut root = contract.doc.clone();
                    root["$ref"] = Value::String(pointer.clone());
                    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
                    std::sync::Arc::new(
                        jsonschema::options()
                            .should_validate_formats(true)
                            .build(&root)
                            .unwrap_or_else(|e| panic!("{}: schema {pointer}: {e}", contract.name)),
                    )
                })
                .clone()
        };
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{method} {uri} → {status} does not validate against {} ({t}):\n{}\nbody: {body}",
            contract.name,
            errors.join("\n")
        );
    }
}

/// Checks `value` against the component schema `name` of both contracts.
pub fn check_component(name: &str, value: &Value) {
    for contract in contracts() {
        if contract.doc["components"]["schemas"].get(name).is_none() {
            continue;
        }
        let pointer = format!("#/components/schemas/{name}");
        let mut root = contract.doc.clone();
        root["$ref"] = Value::String(pointer.clone());
        root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| panic!("{}: {pointer}: {e}", contract.name));
        let errors: Vec<String> = validator
            .iter_errors(value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{name} does not validate against {}:\n{}\nvalue: {value}",
            contract.name,
            errors.join("\n")
        );
    }
}

/// Asserts that no value anywhere in `body` is `null` (D1).
pub fn no_nulls(body: &Value, at: &str) {
    match body {
        Value::Null => panic!("null at {at}"),
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| no_nulls(v, &format!("{at}.{k}"))),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| no_nulls(v, &format!("{at}[{i}]"))),
        _ => {}
    }
}

#[test]
fn nullable_is_read_with_its_30_meaning() {
    let mut v = json!({"type": "string", "nullable": true, "enum": ["a"]});
    nullable_as_30(&mut v);
    assert_eq!(v, json!({"type": ["string", "null"], "enum": ["a", null]}));
    let mut v = json!({"allOf": [{"$ref": "#/x"}], "nullable": true});
    nullable_as_30(&mut v);
    assert_eq!(
        v,
        json!({"anyOf": [{"allOf": [{"$ref": "#/x"}]}, {"type": "null"}]})
    );
}
