//! Small helpers shared by the classes: game fields, expectations, set diffs.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::client::Response;
use crate::ctx::{Finding, Rng, excerpt};

pub fn s<'v>(g: &'v Value, field: &str) -> Option<&'v str> {
    g.get(field).and_then(Value::as_str)
}
pub fn i(g: &Value, field: &str) -> Option<i64> {
    g.get(field).and_then(Value::as_i64)
}
pub fn f(g: &Value, field: &str) -> Option<f64> {
    g.get(field).and_then(Value::as_f64)
}
pub fn slug(g: &Value) -> String {
    s(g, "slug").unwrap_or("?").to_owned()
}
pub fn id(g: &Value) -> String {
    s(g, "id").unwrap_or("?").to_owned()
}

/// Slugs of the embedded terms of a kind (`mechanics`, `themes`, `categories`),
/// or None when they are not embedded.
pub fn terms(g: &Value, kind: &str) -> Option<BTreeSet<String>> {
    g.get(kind).and_then(Value::as_array).map(|a| {
        a.iter()
            .filter_map(|t| t.get("slug").and_then(Value::as_str).map(str::to_owned))
            .collect()
    })
}

pub fn slugs(items: &[Value]) -> Vec<String> {
    items.iter().map(slug).collect()
}
pub fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(id).collect()
}

/// Fails unless the response has `status`.
pub fn expect_status(r: &Response, status: u16) -> Result<(), Finding> {
    if r.status == status {
        Ok(())
    } else {
        Err(Finding::at(
            r,
            format!("expected {status}, got {}: {}", r.status, excerpt(&r.body)),
        ))
    }
}

/// Fails unless the response is a `status` problem (type, title, status fields).
pub fn expect_problem(r: &Response, status: u16) -> Result<(), Finding> {
    expect_status(r, status)?;
    problem_issue(r).map_or(Ok(()), |m| {
        Err(Finding::at(r, format!("{status} but not a problem: {m}")))
    })
}

/// What is wrong with an error body as an RFC 9457 problem, if anything.
pub fn problem_issue(r: &Response) -> Option<String> {
    let Some(j) = r.json.as_ref().filter(|j| j.is_object()) else {
        return Some(format!(
            "the body is not a JSON object: {}",
            excerpt(&r.body)
        ));
    };
    let mut issues = Vec::new();
    match j.get("type").and_then(Value::as_str) {
        Some(t) if t.contains("://") => {}
        Some(t) => issues.push(format!("type {t:?} is not an absolute URI")),
        None => issues.push("no type".to_owned()),
    }
    if j.get("title").and_then(Value::as_str).is_none() {
        issues.push("no title".to_owned());
    }
    match j.get("status").and_then(Value::as_u64) {
        Some(s) if s == u64::from(r.status) => {}
        Some(s) => issues.push(format!(
            "status field {s} differs from the HTTP status {}",
            r.status
        )),
        None => issues.push("no status".to_owned()),
    }
    if issues.is_empty() {
        None
    } else {
        Some(issues.join(", "))
    }
}

/// Describes the difference between two id sets, or None when equal.
pub fn set_diff(
    expected: &BTreeSet<String>,
    actual: &BTreeSet<String>,
    label: impl Fn(&str) -> String,
) -> Option<String> {
    let missing: Vec<String> = expected
        .difference(actual)
        .take(5)
        .map(|x| label(x))
        .collect();
    let extra: Vec<String> = actual
        .difference(expected)
        .take(5)
        .map(|x| label(x))
        .collect();
    if missing.is_empty() && extra.is_empty() {
        return None;
    }
    let mut m = Vec::new();
    if !missing.is_empty() {
        m.push(format!("missing {}", missing.join(", ")));
    }
    if !extra.is_empty() {
        m.push(format!("unexpected {}", extra.join(", ")));
    }
    Some(m.join("; "))
}

/// A random well-formed UUID (version 7 layout) that is vanishingly unlikely to exist.
pub fn random_uuid(rng: &mut Rng) -> String {
    let a = rng.next_u64();
    let b = rng.next_u64();
    format!(
        "{:08x}-{:04x}-7{:03x}-{:x}{:03x}-{:012x}",
        (a >> 32) as u32,
        (a >> 16) as u16,
        (a & 0xfff) as u16,
        8 + (b >> 62) as u8,
        ((b >> 48) & 0xfff) as u16,
        b & 0xffff_ffff_ffff
    )
}

/// A copy of `v` without its top-level `_links` (for comparing answers to
/// requests that differ only in how the resource was named).
pub fn without_links(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.as_object_mut() {
        m.remove("_links");
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_shape() {
        let u = random_uuid(&mut Rng::new(1));
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "7");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }
}
