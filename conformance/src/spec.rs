//! The OpenAPI document responses are validated against: loading (JSON or YAML,
//! file or URL), reading 3.0-style `nullable`, and one JSON Schema validator per
//! (operation, status) with the whole document as the root so `$ref`s resolve.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde_json::{Map, Value, json};

/// A loaded OpenAPI document.
pub struct Spec {
    /// Where it came from (file path or URL), for the report.
    pub source: String,
    doc: Value,
    /// How many `nullable: true` keywords were translated to "null allowed".
    pub nullable_translated: usize,
    cache: RefCell<HashMap<String, Option<Rc<jsonschema::Validator>>>>,
}

/// The outcome of validating one body.
pub enum Validation {
    Valid,
    /// The status is not documented for this operation (nothing to validate against).
    Undocumented,
    /// The document has no such operation.
    UnknownOperation,
    /// Documented, but without a JSON schema for the body.
    NoSchema,
    Invalid(Vec<String>),
}

impl Spec {
    /// Parses `text` (JSON or YAML) as an OpenAPI document.
    pub fn parse(source: &str, text: &str) -> Result<Spec, String> {
        let trimmed = text.trim_start();
        let mut doc: Value = if trimmed.starts_with('{') {
            serde_json::from_str(text).map_err(|e| format!("{source}: JSON: {e}"))?
        } else {
            crate::yaml::to_json(text).map_err(|e| format!("{source}: {e}"))?
        };
        if doc.get("openapi").and_then(Value::as_str).is_none() {
            return Err(format!(
                "{source}: not an OpenAPI document (no `openapi` field)"
            ));
        }
        if !doc.get("paths").is_some_and(Value::is_object) {
            return Err(format!("{source}: the document has no `paths`"));
        }
        let nullable_translated = translate_nullable(&mut doc);
        Ok(Spec {
            source: source.to_owned(),
            doc,
            nullable_translated,
            cache: RefCell::new(HashMap::new()),
        })
    }

    pub fn document(&self) -> &Value {
        &self.doc
    }

    /// The operation object for `method` (lower-case) on `template`.
    pub fn operation(&self, method: &str, template: &str) -> Option<&Value> {
        self.doc.get("paths")?.get(template)?.get(method)
    }

    pub fn has_operation(&self, method: &str, template: &str) -> bool {
        self.operation(method, template).is_some()
    }

    /// The documented status keys of an operation (`"200"`, `"4XX"`, `"default"`).
    pub fn statuses(&self, method: &str, template: &str) -> Vec<String> {
        self.operation(method, template)
            .and_then(|o| o.get("responses"))
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Whether `status` is documented (exactly, as `4XX`, or by `default`).
    pub fn documents_status(&self, method: &str, template: &str, status: u16) -> bool {
        self.response_key(method, template, status).is_some()
    }

    fn response_key(&self, method: &str, template: &str, status: u16) -> Option<String> {
        let keys = self.statuses(method, template);
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        [exact, range, "default".to_owned()]
            .into_iter()
            .find(|k| keys.iter().any(|x| x.eq_ignore_ascii_case(k)))
    }

    /// Follows a local `$ref` (one level or several).
    fn deref<'a>(&'a self, mut v: &'a Value) -> &'a Value {
        for _ in 0..16 {
            match v.get("$ref").and_then(Value::as_str) {
                Some(r) if r.starts_with("#/") => match self.doc.pointer(&r[1..]) {
                    Some(t) => v = t,
                    None => return v,
                },
                _ => return v,
            }
        }
        v
    }

    /// The body schema of a response, preferring the media type actually received.
    fn response_schema(
        &self,
        method: &str,
        template: &str,
        status: u16,
        media: &str,
    ) -> Option<Value> {
        let key = self.response_key(method, template, status)?;
        let resp = self
            .operation(method, template)?
            .get("responses")?
            .get(&key)?;
        let content = self.deref(resp).get("content")?.as_object()?;
        let pick = content
            .get(media)
            .or_else(|| content.get("application/json"))
            .or_else(|| content.get("application/problem+json"))
            .or_else(|| {
                content
                    .iter()
                    .find(|(k, _)| k.contains("json"))
                    .map(|(_, v)| v)
            })?;
        pick.get("schema").cloned()
    }

    /// A validator for an arbitrary schema, rooted in the document.
    fn compile(&self, schema: &Value) -> Result<jsonschema::Validator, String> {
        let mut root = match &self.doc {
            Value::Object(m) => m.clone(),
            _ => Map::new(),
        };
        root.remove("$schema");
        root.remove("$id");
        root.insert("allOf".to_owned(), json!([schema]));
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&Value::Object(root))
            .map_err(|e| format!("cannot compile the schema: {e}"))
    }

    fn cached(
        &self,
        key: String,
        schema: impl FnOnce() -> Option<Value>,
    ) -> Result<Option<Rc<jsonschema::Validator>>, String> {
        if let Some(v) = self.cache.borrow().get(&key) {
            return Ok(v.clone());
        }
        let compiled = match schema() {
            Some(s) => Some(Rc::new(self.compile(&s)?)),
            None => None,
        };
        self.cache.borrow_mut().insert(key, compiled.clone());
        Ok(compiled)
    }

    /// Validates a response body for an operation and status.
    pub fn validate_response(
        &self,
        method: &str,
        template: &str,
        status: u16,
        media: &str,
        body: &Value,
    ) -> Validation {
        if !self.has_operation(method, template) {
            return Validation::UnknownOperation;
        }
        if !self.documents_status(method, template, status) {
            return Validation::Undocumented;
        }
        let key = format!("{method} {template} {status} {media}");
        match self.cached(key, || {
            self.response_schema(method, template, status, media)
        }) {
            Ok(Some(v)) => errors_of(&v, body),
            Ok(None) => Validation::NoSchema,
            Err(e) => Validation::Invalid(vec![e]),
        }
    }

    /// Validates `value` against `#/components/schemas/<name>`, when the document has it.
    pub fn validate_component(&self, name: &str, value: &Value) -> Validation {
        let key = format!("component {name}");
        let exists = self
            .doc
            .pointer(&format!("/components/schemas/{name}"))
            .is_some();
        let r = self.cached(key, || {
            exists.then(|| json!({"$ref": format!("#/components/schemas/{name}")}))
        });
        match r {
            Ok(Some(v)) => errors_of(&v, value),
            Ok(None) => Validation::NoSchema,
            Err(e) => Validation::Invalid(vec![e]),
        }
    }
}

fn errors_of(v: &jsonschema::Validator, body: &Value) -> Validation {
    let errs: Vec<String> = v
        .iter_errors(body)
        .take(5)
        .map(|e| {
            let path = e.instance_path().to_string();
            format!("at {}: {}", if path.is_empty() { "/" } else { &path }, e)
        })
        .collect();
    if errs.is_empty() {
        Validation::Valid
    } else {
        Validation::Invalid(errs)
    }
}

/// Rewrites OpenAPI 3.0 `nullable: true` as "null is allowed" (JSON Schema 2020-12).
/// Returns how many were rewritten.
pub fn translate_nullable(v: &mut Value) -> usize {
    let mut n = 0;
    match v {
        Value::Array(items) => {
            for i in items {
                n += translate_nullable(i);
            }
        }
        Value::Object(m) => {
            for (_, child) in m.iter_mut() {
                n += translate_nullable(child);
            }
            if let Some(flag) = m.remove("nullable")
                && flag == Value::Bool(true)
            {
                n += 1;
                let composite = ["$ref", "allOf", "oneOf", "anyOf"]
                    .iter()
                    .any(|k| m.contains_key(*k));
                if composite || !m.contains_key("type") {
                    let inner = Value::Object(std::mem::take(m));
                    m.insert("anyOf".to_owned(), json!([{"type": "null"}, inner]));
                } else {
                    match m.get_mut("type") {
                        Some(Value::String(t)) => {
                            let t = t.clone();
                            m.insert("type".to_owned(), json!([t, "null"]));
                        }
                        Some(Value::Array(ts)) if !ts.contains(&json!("null")) => {
                            ts.push(json!("null"))
                        }
                        _ => {}
                    }
                    if let Some(Value::Array(e)) = m.get_mut("enum")
                        && !e.contains(&Value::Null)
                    {
                        e.push(Value::Null);
                    }
                }
            }
        }
        _ => {}
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_becomes_null_allowed() {
        let mut v = json!({"a": {"type": "string", "nullable": true, "enum": ["x"]},
                           "b": {"$ref": "#/x", "nullable": true},
                           "c": {"type": "integer", "nullable": false}});
        assert_eq!(translate_nullable(&mut v), 2);
        assert_eq!(
            v["a"],
            json!({"type": ["string", "null"], "enum": ["x", null]})
        );
        assert_eq!(
            v["b"],
            json!({"anyOf": [{"type": "null"}, {"$ref": "#/x"}]})
        );
        assert_eq!(v["c"], json!({"type": "integer"}));
    }

    #[test]
    fn validates_against_components() {
        let doc = r##"{"openapi": "3.1.0", "paths": {"/x": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/X"}}}}}}}},
                      "components": {"schemas": {"X": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "n": {"type": "integer", "nullable": true}}}}}}"##;
        let s = Spec::parse("t", doc).unwrap();
        assert!(matches!(
            s.validate_response(
                "get",
                "/x",
                200,
                "application/json",
                &json!({"id": "a", "n": null})
            ),
            Validation::Valid
        ));
        assert!(matches!(
            s.validate_response("get", "/x", 200, "application/json", &json!({"n": 1})),
            Validation::Invalid(_)
        ));
        assert!(matches!(
            s.validate_response("get", "/x", 404, "application/json", &json!({})),
            Validation::Undocumented
        ));
    }
}
