//! `search`: GET /search — validation, hit shape, score order, type filter, paging.

use std::collections::HashSet;

use serde_json::Value;

use crate::classes::core::{sample_game, search_word};
use crate::client::q;
use crate::ctx::{Ctx, Finding, Outcome};
use crate::util::{self, expect_problem, expect_status};

const TYPES: &[&str] = &["game", "designer", "publisher", "mechanic", "category"];

pub fn run(ctx: &Ctx) {
    ctx.run("search/q-validation", q_validation);
    ctx.run("search/result-shape", result_shape);
    ctx.run("search/score-order", score_order);
    ctx.run("search/finds-by-name", finds_by_name);
    ctx.run("search/type-filter", type_filter);
    ctx.run("search/pagination", pagination);
}

fn q_validation(ctx: &Ctx) -> Outcome {
    let r = ctx.get("/search", "/search", &q(&[("q", "s")]))?;
    expect_problem(&r, 400)?;
    let r = ctx.get("/search", "/search", &vec![])?;
    expect_problem(&r, 400)?;
    Ok(String::new())
}

fn hits(r: &crate::client::Response) -> Vec<Value> {
    r.j()["data"].as_array().cloned().unwrap_or_default()
}

fn word(ctx: &Ctx) -> Result<String, Finding> {
    Ok(search_word(&sample_game(ctx)?))
}

fn result_shape(ctx: &Ctx) -> Outcome {
    let w = word(ctx)?;
    let r = ctx.get("/search", "/search", &q(&[("q", &w), ("limit", "100")]))?;
    expect_status(&r, 200)?;
    let hs = hits(&r);
    for h in &hs {
        let t = h.get("result_type").and_then(Value::as_str).unwrap_or("");
        if !TYPES.contains(&t) {
            return Err(Finding::at(
                &r,
                format!("result_type {t:?} is not one of {TYPES:?}"),
            ));
        }
        let e = h
            .get(t)
            .ok_or_else(|| Finding::at(&r, format!("a {t} hit has no {t} object")))?;
        if util::s(e, "id").is_none() || util::s(e, "name").is_none() {
            return Err(Finding::at(
                &r,
                format!("the {t} of a hit lacks id or name"),
            ));
        }
    }
    if hs.is_empty() {
        return Err(Finding::skip(format!("q={w} finds nothing")));
    }
    Ok(format!("q={w}: {} hits", hs.len()))
}

fn scores_issue(hs: &[Value]) -> Option<String> {
    let mut prev = f64::INFINITY;
    for h in hs {
        let Some(s) = h.get("score").and_then(Value::as_f64) else {
            return Some("a hit has no numeric score".into());
        };
        if !(0.0..=1.0).contains(&s) {
            return Some(format!("score {s} outside [0, 1]"));
        }
        if s > prev {
            return Some(format!("score {s} after {prev}: not in descending order"));
        }
        prev = s;
    }
    None
}

fn score_order(ctx: &Ctx) -> Outcome {
    let w = word(ctx)?;
    let walk = ctx.walk_get("/search", "/search", &q(&[("q", &w), ("limit", "3")]), 300)?;
    if let Some(m) = scores_issue(&walk.items) {
        return Err(Finding::at(
            walk.pages.last().unwrap_or(&walk.pages[0]),
            format!("q={w}: {m}"),
        ));
    }
    Ok(format!("{} hits", walk.items.len()))
}

fn finds_by_name(ctx: &Ctx) -> Outcome {
    let g = sample_game(ctx)?;
    let name = util::s(&g, "name").unwrap_or("").to_owned();
    let r = ctx.get(
        "/search",
        "/search",
        &q(&[("q", &name), ("type", "game"), ("limit", "25")]),
    )?;
    expect_status(&r, 200)?;
    let found = hits(&r)
        .iter()
        .any(|h| h.pointer("/game/id").and_then(Value::as_str) == Some(util::id(&g).as_str()));
    if !found {
        return Err(Finding::at(
            &r,
            format!("searching {name:?} does not find {}", util::slug(&g)),
        ));
    }
    Ok(name)
}

fn type_filter(ctx: &Ctx) -> Outcome {
    let w = word(ctx)?;
    for t in ["game", "mechanic", "designer"] {
        let r = ctx.get(
            "/search",
            "/search",
            &q(&[("q", &w), ("type", t), ("limit", "100")]),
        )?;
        expect_status(&r, 200)?;
        if let Some(h) = hits(&r)
            .iter()
            .find(|h| h.get("result_type").and_then(Value::as_str) != Some(t))
        {
            return Err(Finding::at(
                &r,
                format!("type={t} returned a {:?} hit", h.get("result_type")),
            ));
        }
    }
    Ok(String::new())
}

fn pagination(ctx: &Ctx) -> Outcome {
    let w = word(ctx)?;
    let walk = ctx.walk_get("/search", "/search", &q(&[("q", &w), ("limit", "2")]), 500)?;
    let last = walk.pages.last().unwrap_or(&walk.pages[0]);
    let keys: Vec<String> = walk
        .items
        .iter()
        .map(|h| {
            let t = h.get("result_type").and_then(Value::as_str).unwrap_or("");
            format!("{t}:{}", h.get(t).map(util::id).unwrap_or_default())
        })
        .collect();
    let uniq: HashSet<&String> = keys.iter().collect();
    if walk.looped || uniq.len() != keys.len() {
        return Err(Finding::at(
            last,
            format!("q={w}: a hit appears twice across pages"),
        ));
    }
    let total = walk.pages[0]
        .j()
        .pointer("/meta/total")
        .and_then(Value::as_u64);
    if !walk.truncated && total != Some(keys.len() as u64) {
        return Err(Finding::at(
            last,
            format!(
                "q={w}: {} hits across pages, meta.total says {total:?}",
                keys.len()
            ),
        ));
    }
    Ok(format!("{} hits in {} pages", keys.len(), walk.pages.len()))
}
