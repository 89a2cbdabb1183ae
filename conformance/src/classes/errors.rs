//! `errors`: RFC 9457 problems (shape, media type, type/title pairs, instance),
//! validation entries, 422 for unknown slugs, never a 5xx for client input.
//! Shape, media type, type/title and instance are judged on every error
//! response the run produced (see [`finish`]).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::client::{Query, q};
use crate::ctx::{Ctx, Finding, Outcome};
use crate::util::{self, expect_problem};

pub const PROBLEM_BASE: &str = "https://api.opentabletop.org/problems/";

pub fn run(ctx: &Ctx) {
    ctx.run("errors/validation-entries", validation_entries);
    ctx.run("errors/body-field-path", body_field_path);
    ctx.run("errors/unknown-slug-422", unknown_slug_422);
    ctx.run("errors/malformed-body", malformed_body);
    ctx.run("errors/no-500", no_500);
}

fn fields_of(r: &crate::client::Response) -> Vec<String> {
    r.j()
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| e.get("field").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

fn validation_entries(ctx: &Ctx) -> Outcome {
    let r = ctx.get(
        "/games",
        "/games",
        &q(&[
            ("players_min", "5"),
            ("players_max", "2"),
            ("weight_min", "9"),
        ]),
    )?;
    expect_problem(&r, 400)?;
    let entries = r
        .j()
        .get("errors")
        .and_then(Value::as_array)
        .ok_or_else(|| Finding::at(&r, "a 400 validation problem without errors[]"))?;
    for e in entries {
        if e.get("field").and_then(Value::as_str).is_none()
            || e.get("message").and_then(Value::as_str).is_none()
        {
            return Err(Finding::at(
                &r,
                format!("an errors[] entry lacks field or message: {e}"),
            ));
        }
    }
    let fields = fields_of(&r);
    if !fields.iter().any(|f| f == "weight_min")
        || !fields
            .iter()
            .any(|f| f == "players_min" || f == "players_max")
    {
        return Err(Finding::at(
            &r,
            format!(
                "two offending parameters (players range, weight_min) but errors[] names {fields:?}"
            ),
        ));
    }
    Ok(format!("fields {fields:?}"))
}

fn body_field_path(ctx: &Ctx) -> Outcome {
    let cases = [
        (
            json!({"filters": {"players": {"min": 0}}}),
            "filters.players.min",
        ),
        (
            json!({"filters": {"weight": {"max": 9}}}),
            "filters.weight.max",
        ),
        (json!({"limit": 0}), "limit"),
    ];
    for (body, field) in &cases {
        let r = ctx.post("/games/search", "/games/search", body)?;
        expect_problem(&r, 400)?;
        let fields = fields_of(&r);
        if !fields.iter().any(|f| f == field) {
            return Err(Finding::at(
                &r,
                format!("expected an errors[] entry for {field}, got {fields:?}"),
            ));
        }
    }
    Ok(format!("{} bodies", cases.len()))
}

fn unknown_slug_422(ctx: &Ctx) -> Outcome {
    let nope = "no-such-term-zz9";
    let params = [
        "mechanics",
        "mechanics_all",
        "mechanics_not",
        "themes",
        "theme_not",
        "category",
        "designer",
        "publisher",
        "family",
    ];
    for p in params {
        let r = ctx.get("/games", "/games", &q(&[(p, nope)]))?;
        expect_problem(&r, 422)?;
    }
    // one unknown among known ones is still a 422
    if let Ok(c) = ctx.games()
        && let Some(m) = c
            .games
            .iter()
            .find_map(|g| util::terms(g, "mechanics").and_then(|t| t.into_iter().next()))
    {
        let r = ctx.get(
            "/games",
            "/games",
            &q(&[("mechanics", &format!("{m},{nope}"))]),
        )?;
        expect_problem(&r, 422)?;
    }
    for body in [
        json!({"filters": {"mechanics": {"any": [nope]}}}),
        json!({"filters": {"theme": {"not": [nope]}}}),
    ] {
        let r = ctx.post("/games/search", "/games/search", &body)?;
        expect_problem(&r, 422)?;
    }
    Ok(format!("{} parameters and 2 bodies", params.len()))
}

fn malformed_body(ctx: &Ctx) -> Outcome {
    for body in [
        "{not json",
        "[]",
        "{\"filters\": \"players\"}",
        "{\"limit\": \"ten\"}",
        // objects in the contract (YearFilter, PlayerFilter): an array is not one
        "{\"filters\": {\"year\": [2017, 2020]}}",
        "{\"filters\": {\"players\": [1, 4]}}",
    ] {
        let r = ctx.post_raw("/games/search", "/games/search", body)?;
        expect_problem(&r, 400)?;
    }
    Ok(String::new())
}

fn no_500(ctx: &Ctx) -> Outcome {
    let long = "a".repeat(2000);
    let gets: Vec<(&str, String, Query)> = vec![
        (
            "/games",
            "/games".into(),
            q(&[("players", "99999999999999999999999")]),
        ),
        ("/games", "/games".into(), q(&[("weight_min", "NaN")])),
        ("/games", "/games".into(), q(&[("weight_min", "inf")])),
        ("/games", "/games".into(), q(&[("weight_min", "1e309")])),
        (
            "/games",
            "/games".into(),
            q(&[("limit", "99999999999999999999")]),
        ),
        ("/games", "/games".into(), q(&[("cursor", "\u{0}")])),
        ("/games", "/games".into(), q(&[("mechanics", "\u{0}")])),
        ("/games", "/games".into(), q(&[("themes", "\u{0}")])),
        ("/games", "/games".into(), q(&[("category", "\u{0}")])),
        ("/games", "/games".into(), q(&[("designer", "\u{0}")])),
        ("/games", "/games".into(), q(&[("publisher", "a\u{0}b")])),
        ("/games", "/games".into(), q(&[("mechanics", &long)])),
        (
            "/games",
            "/games".into(),
            q(&[("sort", "name"), ("sort", "weight")]),
        ),
        (
            "/games",
            "/games".into(),
            q(&[("year_min", "-99999999999")]),
        ),
        ("/games", "/games".into(), q(&[("include", "\u{0}")])),
        ("/games/{id}", "/games/%00".into(), vec![]),
        ("/games/{id}", format!("/games/{long}"), vec![]),
        (
            "/games/{id}/effective-properties",
            "/games/x/effective-properties".into(),
            q(&[("with", "\u{0}")]),
        ),
        ("/search", "/search".into(), q(&[("q", "\u{0}\u{0}")])),
        ("/search", "/search".into(), q(&[("q", &long)])),
        (
            "/search",
            "/search".into(),
            q(&[("q", "spirit"), ("type", "spaceship")]),
        ),
        (
            "/export/games",
            "/export/games".into(),
            q(&[("format", "xml")]),
        ),
        ("/mechanics", "/mechanics".into(), q(&[("cursor", "\u{0}")])),
    ];
    let mut n = 0;
    for (op, path, query) in &gets {
        let r = ctx.get(op, path, query)?;
        if r.status >= 500 {
            return Err(Finding::at(
                &r,
                format!(
                    "client input caused {}: {}",
                    r.status,
                    crate::ctx::excerpt(&r.body)
                ),
            ));
        }
        n += 1;
    }
    let bodies = [
        json!({"filters": {"players": {"min": "two"}}}),
        json!({"filters": {"mechanics": {"any": "cooperative"}}}),
        json!({"filters": {"players": {"exact": 1e300}}}),
        json!({"cursor": "\u{0}"}),
        json!({"filters": {"designer": "\u{0}"}}),
        json!({"sort": 5, "order": []}),
    ];
    for b in &bodies {
        let r = ctx.post("/games/search", "/games/search", b)?;
        if r.status >= 500 {
            return Err(Finding::at(&r, format!("client input caused {}", r.status)));
        }
        n += 1;
    }
    Ok(format!("{n} hostile requests"))
}

/// Verdicts over every error response observed during the run.
pub fn finish(ctx: &Ctx) {
    let o = ctx.observed.borrow();
    let errs = &o.errors;
    let none = || Err(Finding::skip("no error responses were observed"));
    let first_bad = |f: &dyn Fn(&crate::ctx::ErrorSeen) -> Option<String>| -> Outcome {
        if errs.is_empty() {
            return none();
        }
        let bad: Vec<(&crate::ctx::ErrorSeen, String)> =
            errs.iter().filter_map(|e| f(e).map(|m| (e, m))).collect();
        match bad.first() {
            None => Ok(format!("{} error responses", errs.len())),
            Some((e, _)) => Err(Finding::Fail {
                message: format!(
                    "{} of {} error responses:\n{}",
                    bad.len(),
                    errs.len(),
                    bad.iter()
                        .take(6)
                        .map(|(e, m)| format!("{} {}: {m}", e.status, e.url))
                        .collect::<Vec<_>>()
                        .join("\n")
                ),
                curl: Some(e.curl.clone()),
            }),
        }
    };
    let shape = first_bad(&|e| {
        let resp = crate::client::Response {
            request: crate::client::Request {
                method: String::new(),
                url: e.url.clone(),
                body: None,
                api_key: false,
            },
            status: e.status,
            headers: Default::default(),
            body: e.body.as_ref().map(Value::to_string).unwrap_or_default(),
            json: e.body.clone(),
        };
        util::problem_issue(&resp)
    });
    let media = first_bad(&|e| {
        (e.media != "application/problem+json").then(|| format!("Content-Type {:?}", e.media))
    });
    let types = first_bad(&|e| {
        let want = match e.status {
            400 => ("validation-error", "Validation Error"),
            404 => ("not-found", "Not Found"),
            422 => ("unprocessable", "Unprocessable Entity"),
            _ => return None,
        };
        let b = e.body.as_ref()?;
        let t = b.get("type").and_then(Value::as_str).unwrap_or("");
        let title = b.get("title").and_then(Value::as_str).unwrap_or("");
        let uri = format!("{PROBLEM_BASE}{}", want.0);
        (t != uri || title != want.1)
            .then(|| format!("type {t:?} title {title:?}, expected {uri:?} {:?}", want.1))
    });
    // one title per type, across the run
    let mut titles: BTreeMap<String, String> = BTreeMap::new();
    for e in errs {
        if let Some(b) = &e.body
            && let (Some(t), Some(title)) = (
                b.get("type").and_then(Value::as_str),
                b.get("title").and_then(Value::as_str),
            )
        {
            titles
                .entry(t.to_owned())
                .or_insert_with(|| title.to_owned());
        }
    }
    let inconsistent = errs.iter().find_map(|e| {
        let b = e.body.as_ref()?;
        let (t, title) = (b.get("type")?.as_str()?, b.get("title")?.as_str()?);
        (titles.get(t).map(String::as_str) != Some(title)).then(|| {
            (
                e,
                format!("type {t} has titles {:?} and {title:?}", titles[t]),
            )
        })
    });
    let types = match (types, inconsistent) {
        (Ok(n), None) => Ok(n),
        (Ok(_), Some((e, m))) => Err(Finding::Fail {
            message: m,
            curl: Some(e.curl.clone()),
        }),
        (err, _) => err,
    };
    let instance = first_bad(&|e| {
        let b = e.body.as_ref()?;
        let inst = match b.get("instance").and_then(Value::as_str) {
            Some(i) => i,
            None => return Some("no instance".to_owned()),
        };
        let (Ok(iu), Ok(ru)) = (url::Url::parse(inst), url::Url::parse(&e.url)) else {
            return Some(format!("instance {inst:?} is not an absolute URL"));
        };
        (iu.path() != ru.path())
            .then(|| format!("instance {inst} names another path than the request"))
    });
    drop(o);
    ctx.record("errors/problem-shape", shape, 0);
    ctx.record("errors/problem-media-type", media, 0);
    ctx.record("errors/type-title", types, 0);
    ctx.record("errors/instance", instance, 0);
}
