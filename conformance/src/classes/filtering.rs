//! `filtering`: data-agnostic invariants computed from the server's own answers.
//! Every returned game satisfies each predicate it was filtered by; with the
//! whole catalog at hand, every game that satisfies it is returned.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::client::{Query, q};
use crate::ctx::{Catalog, Ctx, Finding, Outcome};
use crate::util::{self, expect_problem, expect_status, f, i, s, terms};

type Pred<'p> = Box<dyn Fn(&Value) -> bool + 'p>;

pub fn run(ctx: &Ctx) {
    ctx.run("filtering/players", players);
    ctx.run("filtering/players-min", players_min);
    ctx.run("filtering/players-max", players_max);
    ctx.run("filtering/weight", weight);
    ctx.run("filtering/year", year);
    ctx.run("filtering/type", type_filter);
    ctx.run("filtering/mode", mode);
    ctx.run("filtering/playtime", playtime);
    ctx.run("filtering/community-playtime", community_playtime);
    ctx.run("filtering/missing-never-matches", missing_never_matches);
    ctx.run("filtering/intersection", intersection);
    ctx.run("filtering/mechanics-any", mechanics_any);
    ctx.run("filtering/mechanics-all", mechanics_all);
    ctx.run("filtering/mechanics-not", mechanics_not);
    ctx.run("filtering/mechanics-combined", mechanics_combined);
    ctx.run("filtering/themes", themes);
    ctx.run("filtering/category", category);
    ctx.run("filtering/empty-list-inactive", empty_list_inactive);
    ctx.run("filtering/post-equals-get", post_equals_get);
    ctx.run("filtering/filter-summary", filter_summary);
    ctx.run("filtering/best-at", best_at);
    ctx.run("filtering/range-validation", range_validation);
}

/// The ids GET /games returns for `query` (all pages), with the last page for reports.
pub fn result_ids(
    ctx: &Ctx,
    query: &Query,
) -> Result<(Vec<Value>, crate::client::Response), Finding> {
    let mut qq = query.clone();
    qq.push(("limit".into(), "100".into()));
    let w = ctx.walk_get("/games", "/games", &qq, ctx.max_items + 100)?;
    let last = w
        .pages
        .last()
        .cloned()
        .unwrap_or_else(|| w.pages[0].clone());
    Ok((w.items, last))
}

fn describe(query: &Query) -> String {
    query
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Checks a filter against a predicate: soundness on the returned games and,
/// with the whole catalog, completeness.
fn check(ctx: &Ctx, query: Query, pred: Pred, what: &str) -> Result<usize, Finding> {
    let (items, last) = result_ids(ctx, &query)?;
    let label = describe(&query);
    for g in &items {
        if !pred(g) {
            return Err(Finding::at(
                &last,
                format!(
                    "{label} returned {} although it does not satisfy {what}: {}",
                    util::slug(g),
                    brief(g)
                ),
            ));
        }
    }
    let c = ctx.games()?;
    if c.complete {
        let want: BTreeSet<String> = c.games.iter().filter(|g| pred(g)).map(util::id).collect();
        let got: BTreeSet<String> = items.iter().map(util::id).collect();
        let name = |id: &str| {
            c.games
                .iter()
                .find(|g| util::id(g) == id)
                .map_or(id.to_owned(), |g| {
                    format!("{} ({})", util::slug(g), brief(g))
                })
        };
        if let Some(d) = util::set_diff(&want, &got, name) {
            return Err(Finding::at(
                &last,
                format!("{label}: {d} (expected exactly the games with {what})"),
            ));
        }
    }
    Ok(items.len())
}

/// The fields filters look at, for messages.
fn brief(g: &Value) -> String {
    let keys = [
        "type",
        "mode",
        "min_players",
        "max_players",
        "weight",
        "year_published",
        "min_playtime_minutes",
        "max_playtime_minutes",
        "community_playtime_min_minutes",
        "community_playtime_max_minutes",
    ];
    keys.iter()
        .filter_map(|k| g.get(*k).map(|v| format!("{k} {v}")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Up to two distinct values of an integer field, picked with the seed.
fn int_values(ctx: &Ctx, c: &Catalog, field: &str) -> Vec<i64> {
    let mut vals: Vec<i64> = c
        .games
        .iter()
        .filter_map(|g| i(g, field))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut out = Vec::new();
    let mut rng = ctx.rng.borrow_mut();
    while out.len() < 2 && !vals.is_empty() {
        let k = rng.below(vals.len());
        out.push(vals.remove(k));
    }
    out
}

fn need(vals: &[i64], field: &str) -> Result<(), Finding> {
    if vals.is_empty() {
        Err(Finding::skip(format!("no game has {field}")))
    } else {
        Ok(())
    }
}

fn players(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let mut vals = int_values(ctx, &c, "min_players");
    vals.extend(int_values(ctx, &c, "max_players"));
    need(&vals, "min_players")?;
    let mut n = 0;
    for v in vals.iter().take(3) {
        let v = *v;
        n += check(
            ctx,
            q(&[("players", &v.to_string())]),
            Box::new(
                move |g| matches!((i(g, "min_players"), i(g, "max_players")), (Some(a), Some(b)) if a <= v && v <= b),
            ),
            &format!("min_players ≤ {v} ≤ max_players"),
        )?;
    }
    Ok(format!("{} values, {n} games", vals.len().min(3)))
}

fn players_min(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let vals = int_values(ctx, &c, "min_players");
    need(&vals, "min_players")?;
    for v in vals {
        check(
            ctx,
            q(&[("players_min", &v.to_string())]),
            Box::new(move |g| i(g, "min_players").is_some_and(|a| a <= v)),
            &format!("min_players ≤ {v}"),
        )?;
    }
    Ok(String::new())
}

fn players_max(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let vals = int_values(ctx, &c, "max_players");
    need(&vals, "max_players")?;
    for v in vals {
        check(
            ctx,
            q(&[("players_max", &v.to_string())]),
            Box::new(move |g| i(g, "max_players").is_some_and(|b| b >= v)),
            &format!("max_players ≥ {v}"),
        )?;
    }
    Ok(String::new())
}

fn weight(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let mut ws: Vec<f64> = c.games.iter().filter_map(|g| f(g, "weight")).collect();
    ws.sort_by(f64::total_cmp);
    ws.dedup();
    if ws.is_empty() {
        return Err(Finding::skip("no game has a weight"));
    }
    let x = ws[ctx.rng.borrow_mut().below(ws.len())];
    let y = ws[ctx.rng.borrow_mut().below(ws.len())];
    let (lo, hi) = (x.min(y), x.max(y));
    // the inclusive bounds: the picked weights themselves must match
    check(
        ctx,
        q(&[("weight_min", &lo.to_string())]),
        Box::new(move |g| f(g, "weight").is_some_and(|w| w >= lo)),
        &format!("weight ≥ {lo}"),
    )?;
    check(
        ctx,
        q(&[("weight_max", &hi.to_string())]),
        Box::new(move |g| f(g, "weight").is_some_and(|w| w <= hi)),
        &format!("weight ≤ {hi}"),
    )?;
    check(
        ctx,
        q(&[
            ("weight_min", &lo.to_string()),
            ("weight_max", &hi.to_string()),
        ]),
        Box::new(move |g| f(g, "weight").is_some_and(|w| lo <= w && w <= hi)),
        &format!("{lo} ≤ weight ≤ {hi}"),
    )?;
    Ok(format!("{lo}..{hi}"))
}

fn year(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let mut vals = int_values(ctx, &c, "year_published");
    need(&vals, "year_published")?;
    vals.sort();
    let (lo, hi) = (vals[0], *vals.last().unwrap_or(&vals[0]));
    check(
        ctx,
        q(&[("year_min", &lo.to_string())]),
        Box::new(move |g| i(g, "year_published").is_some_and(|y| y >= lo)),
        &format!("year_published ≥ {lo}"),
    )?;
    check(
        ctx,
        q(&[("year_max", &lo.to_string())]),
        Box::new(move |g| i(g, "year_published").is_some_and(|y| y <= lo)),
        &format!("year_published ≤ {lo}"),
    )?;
    check(
        ctx,
        q(&[("year_min", &lo.to_string()), ("year_max", &hi.to_string())]),
        Box::new(move |g| i(g, "year_published").is_some_and(|y| lo <= y && y <= hi)),
        &format!("{lo} ≤ year_published ≤ {hi}"),
    )?;
    Ok(format!("{lo}..{hi}"))
}

fn str_values(c: &Catalog, field: &str) -> BTreeSet<String> {
    c.games
        .iter()
        .filter_map(|g| s(g, field).map(str::to_owned))
        .collect()
}

fn type_filter(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let types = str_values(&c, "type");
    for t in &types {
        let t2 = t.clone();
        check(
            ctx,
            q(&[("type", t)]),
            Box::new(move |g| s(g, "type") == Some(t2.as_str())),
            &format!("type {t}"),
        )?;
    }
    // no default type filter: the unfiltered list holds every type seen
    Ok(format!("types {types:?}"))
}

fn mode(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let modes = str_values(&c, "mode");
    if modes.is_empty() {
        return Err(Finding::skip("no game has a mode"));
    }
    for m in &modes {
        let m2 = m.clone();
        check(
            ctx,
            q(&[("mode", m)]),
            Box::new(move |g| s(g, "mode") == Some(m2.as_str())),
            &format!("mode {m}"),
        )?;
    }
    Ok(format!("modes {modes:?}"))
}

fn playtime(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let mins = int_values(ctx, &c, "min_playtime_minutes");
    let maxs = int_values(ctx, &c, "max_playtime_minutes");
    need(&mins, "min_playtime_minutes")?;
    for v in mins {
        check(
            ctx,
            q(&[("playtime_min", &v.to_string())]),
            Box::new(move |g| i(g, "min_playtime_minutes").is_some_and(|x| x >= v)),
            &format!("min_playtime_minutes ≥ {v}"),
        )?;
    }
    for v in maxs {
        check(
            ctx,
            q(&[("playtime_max", &v.to_string())]),
            Box::new(move |g| i(g, "max_playtime_minutes").is_some_and(|x| x <= v)),
            &format!("max_playtime_minutes ≤ {v}"),
        )?;
        check(
            ctx,
            q(&[
                ("playtime_max", &v.to_string()),
                ("playtime_source", "publisher"),
            ]),
            Box::new(move |g| i(g, "max_playtime_minutes").is_some_and(|x| x <= v)),
            &format!("max_playtime_minutes ≤ {v}"),
        )?;
    }
    Ok(String::new())
}

fn community_playtime(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let mins = int_values(ctx, &c, "community_playtime_min_minutes");
    let maxs = int_values(ctx, &c, "community_playtime_max_minutes");
    need(&mins, "community_playtime_min_minutes")?;
    for v in mins {
        check(
            ctx,
            q(&[("community_playtime_min", &v.to_string())]),
            Box::new(move |g| i(g, "community_playtime_min_minutes").is_some_and(|x| x >= v)),
            &format!("community_playtime_min_minutes ≥ {v}"),
        )?;
        check(
            ctx,
            q(&[
                ("playtime_min", &v.to_string()),
                ("playtime_source", "community"),
            ]),
            Box::new(move |g| i(g, "community_playtime_min_minutes").is_some_and(|x| x >= v)),
            &format!("community_playtime_min_minutes ≥ {v}"),
        )?;
    }
    for v in maxs {
        check(
            ctx,
            q(&[("community_playtime_max", &v.to_string())]),
            Box::new(move |g| i(g, "community_playtime_max_minutes").is_some_and(|x| x <= v)),
            &format!("community_playtime_max_minutes ≤ {v}"),
        )?;
    }
    Ok(String::new())
}

fn missing_never_matches(ctx: &Ctx) -> Outcome {
    ctx.games()?;
    // bounds every present value satisfies: the result is exactly the games having the field
    let cases: Vec<(Query, &str)> = vec![
        (q(&[("weight_min", "1"), ("weight_max", "5")]), "weight"),
        (q(&[("year_min", "-3000")]), "year_published"),
        (q(&[("playtime_min", "0")]), "min_playtime_minutes"),
        (q(&[("playtime_max", "10000")]), "max_playtime_minutes"),
        (
            q(&[("community_playtime_max", "10000")]),
            "community_playtime_max_minutes",
        ),
        (q(&[("players_min", "99")]), "min_players"),
    ];
    let mut lacking = 0;
    for (query, field) in cases {
        let c = ctx.games()?;
        lacking += c.games.iter().filter(|g| g.get(field).is_none()).count();
        check(
            ctx,
            query,
            Box::new(move |g| g.get(field).is_some_and(|v| !v.is_null())),
            &format!("a {field}"),
        )?;
    }
    Ok(format!("{lacking} (game, field) pairs without a value"))
}

fn ids_of(items: &[Value]) -> BTreeSet<String> {
    items.iter().map(util::id).collect()
}

fn intersection(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let g = sample(&c);
    let mut dims: Vec<(String, String)> = Vec::new();
    if let Some(p) = i(&g, "min_players") {
        dims.push(("players".into(), p.to_string()));
    }
    if let Some(t) = s(&g, "type") {
        dims.push(("type".into(), t.to_owned()));
    }
    if let Some(w) = f(&g, "weight") {
        dims.push(("weight_max".into(), w.to_string()));
    }
    if let Some(y) = i(&g, "year_published") {
        dims.push(("year_min".into(), y.to_string()));
    }
    if let Some(m) = terms(&g, "mechanics").and_then(|t| t.into_iter().next()) {
        dims.push(("mechanics".into(), m));
    }
    if dims.len() < 2 {
        return Err(Finding::skip("no game with two filterable fields"));
    }
    let mut checked = 0;
    for pair in dims.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (ra, _) = result_ids(ctx, &vec![a.clone()])?;
        let (rb, _) = result_ids(ctx, &vec![b.clone()])?;
        let (rab, last) = result_ids(ctx, &vec![a.clone(), b.clone()])?;
        let want: BTreeSet<String> = ids_of(&ra).intersection(&ids_of(&rb)).cloned().collect();
        if let Some(d) = util::set_diff(&want, &ids_of(&rab), |x| x.to_owned()) {
            return Err(Finding::at(
                &last,
                format!(
                    "{}={}&{}={} is not the intersection of the two: {d}",
                    a.0, a.1, b.0, b.1
                ),
            ));
        }
        checked += 1;
    }
    Ok(format!("{checked} pairs"))
}

/// Term slugs present in the catalog (requires embedded terms).
fn term_pool(c: &Catalog, kind: &str) -> Result<Vec<String>, Finding> {
    if c.games.iter().all(|g| terms(g, kind).is_none()) {
        return Err(Finding::skip(format!(
            "the list does not embed {kind} (include={kind}); cannot compute the expected sets"
        )));
    }
    let pool: BTreeSet<String> = c
        .games
        .iter()
        .filter_map(|g| terms(g, kind))
        .flatten()
        .collect();
    if pool.is_empty() {
        return Err(Finding::skip(format!("no game has {kind}")));
    }
    Ok(pool.into_iter().collect())
}

fn has(g: &Value, kind: &str, slug: &str) -> bool {
    terms(g, kind).is_some_and(|t| t.contains(slug))
}

fn with_terms(query: Query) -> Query {
    let mut qq = query;
    qq.push(("include".into(), "mechanics,themes".into()));
    qq
}

fn mechanics_any(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let pool = term_pool(&c, "mechanics")?;
    let a = ctx
        .rng
        .borrow_mut()
        .pick(&pool)
        .cloned()
        .unwrap_or_default();
    let b = ctx
        .rng
        .borrow_mut()
        .pick(&pool)
        .cloned()
        .unwrap_or_default();
    let (a2, a3, b2) = (a.clone(), a.clone(), b.clone());
    check(
        ctx,
        with_terms(q(&[("mechanics", &a)])),
        Box::new(move |g| has(g, "mechanics", &a2)),
        &format!("mechanic {a}"),
    )?;
    check(
        ctx,
        with_terms(q(&[("mechanics", &format!("{a},{b}"))])),
        Box::new(move |g| has(g, "mechanics", &a3) || has(g, "mechanics", &b2)),
        &format!("mechanic {a} or {b}"),
    )?;
    Ok(String::new())
}

fn mechanics_all(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    term_pool(&c, "mechanics")?;
    let rich: Vec<&Value> = c
        .games
        .iter()
        .filter(|g| terms(g, "mechanics").is_some_and(|t| t.len() >= 2))
        .collect();
    let g = ctx
        .rng
        .borrow_mut()
        .pick(&rich)
        .copied()
        .ok_or_else(|| Finding::skip("no game has two mechanics"))?;
    let t: Vec<String> = terms(g, "mechanics")
        .unwrap_or_default()
        .into_iter()
        .collect();
    let (a, b) = (t[0].clone(), t[t.len() - 1].clone());
    let (a2, b2) = (a.clone(), b.clone());
    check(
        ctx,
        with_terms(q(&[("mechanics_all", &format!("{a},{b}"))])),
        Box::new(move |g| has(g, "mechanics", &a2) && has(g, "mechanics", &b2)),
        &format!("mechanics {a} and {b}"),
    )?;
    Ok(format!("{a},{b}"))
}

fn mechanics_not(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let pool = term_pool(&c, "mechanics")?;
    let a = ctx
        .rng
        .borrow_mut()
        .pick(&pool)
        .cloned()
        .unwrap_or_default();
    let a2 = a.clone();
    check(
        ctx,
        with_terms(q(&[("mechanics_not", &a)])),
        Box::new(move |g| !has(g, "mechanics", &a2)),
        &format!("no mechanic {a}"),
    )?;
    Ok(a)
}

fn mechanics_combined(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let pool = term_pool(&c, "mechanics")?;
    let rich: Vec<&Value> = c
        .games
        .iter()
        .filter(|g| terms(g, "mechanics").is_some_and(|t| t.len() >= 2))
        .collect();
    let g = ctx
        .rng
        .borrow_mut()
        .pick(&rich)
        .copied()
        .ok_or_else(|| Finding::skip("no game has two mechanics"))?;
    let own: Vec<String> = terms(g, "mechanics")
        .unwrap_or_default()
        .into_iter()
        .collect();
    let others: Vec<&String> = pool.iter().filter(|m| !own.contains(m)).collect();
    let n = match ctx.rng.borrow_mut().pick(&others) {
        Some(n) => (*n).clone(),
        None => return Err(Finding::skip("every mechanic in use is on the same game")),
    };
    let (a, b) = (own[0].clone(), own[own.len() - 1].clone());
    let (a2, b2, n2) = (a.clone(), b.clone(), n.clone());
    check(
        ctx,
        with_terms(q(&[
            ("mechanics", &a),
            ("mechanics_all", &b),
            ("mechanics_not", &n),
        ])),
        Box::new(move |g| {
            has(g, "mechanics", &a2) && has(g, "mechanics", &b2) && !has(g, "mechanics", &n2)
        }),
        &format!("{a} ∧ {b} ∧ ¬{n}"),
    )?;
    Ok(format!("{a} ∧ {b} ∧ ¬{n}"))
}

fn themes(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let pool = term_pool(&c, "themes")?;
    let a = ctx
        .rng
        .borrow_mut()
        .pick(&pool)
        .cloned()
        .unwrap_or_default();
    let b = ctx
        .rng
        .borrow_mut()
        .pick(&pool)
        .cloned()
        .unwrap_or_default();
    let (a2, b2, a3) = (a.clone(), b.clone(), a.clone());
    check(
        ctx,
        with_terms(q(&[("themes", &format!("{a},{b}"))])),
        Box::new(move |g| has(g, "themes", &a2) || has(g, "themes", &b2)),
        &format!("theme {a} or {b}"),
    )?;
    check(
        ctx,
        with_terms(q(&[("theme_not", &a)])),
        Box::new(move |g| !has(g, "themes", &a3)),
        &format!("no theme {a}"),
    )?;
    Ok(format!("{a},{b}"))
}

fn category(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let pool = term_pool(&c, "categories")?;
    let a = ctx
        .rng
        .borrow_mut()
        .pick(&pool)
        .cloned()
        .unwrap_or_default();
    let b = ctx
        .rng
        .borrow_mut()
        .pick(&pool)
        .cloned()
        .unwrap_or_default();
    let (a2, a3, b2) = (a.clone(), a.clone(), b.clone());
    let with_cats = |query: Query| {
        let mut qq = query;
        qq.push(("include".into(), "categories".into()));
        qq
    };
    check(
        ctx,
        with_cats(q(&[("category", &a)])),
        Box::new(move |g| has(g, "categories", &a2)),
        &format!("category {a}"),
    )?;
    check(
        ctx,
        with_cats(q(&[("category", &format!("{a},{b}"))])),
        Box::new(move |g| has(g, "categories", &a3) || has(g, "categories", &b2)),
        &format!("category {a} or {b}"),
    )?;
    Ok(format!("{a},{b}"))
}

fn empty_list_inactive(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    for p in ["mechanics", "themes", "mechanics_not"] {
        let r = ctx.get("/games", "/games", &q(&[(p, ""), ("limit", "1")]))?;
        expect_status(&r, 200)?;
        let t = r.j().pointer("/meta/total").and_then(Value::as_u64);
        if t != Some(c.total) {
            return Err(Finding::at(
                &r,
                format!("{p}= gives total {t:?}, the unfiltered list {}", c.total),
            ));
        }
    }
    Ok(String::new())
}

fn post_equals_get(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let g = sample(&c);
    let mut cases: Vec<(Query, Value)> = Vec::new();
    if let Some(p) = i(&g, "min_players") {
        cases.push((
            q(&[("players", &p.to_string())]),
            json!({"players": {"exact": p}}),
        ));
        cases.push((
            q(&[("players_min", &p.to_string())]),
            json!({"players": {"min": p}}),
        ));
    }
    if let Some(w) = f(&g, "weight") {
        cases.push((
            q(&[("weight_min", &w.to_string())]),
            json!({"weight": {"min": w}}),
        ));
    }
    if let Some(t) = s(&g, "type") {
        cases.push((q(&[("type", t)]), json!({"type": t})));
    }
    if let Some(y) = i(&g, "year_published") {
        cases.push((
            q(&[("year_max", &y.to_string())]),
            json!({"year": {"max": y}}),
        ));
    }
    if let Some(m) = terms(&g, "mechanics").and_then(|t| t.into_iter().next()) {
        cases.push((q(&[("mechanics", &m)]), json!({"mechanics": {"any": [m]}})));
        cases.push((
            q(&[("mechanics_not", &m)]),
            json!({"mechanics": {"not": [m]}}),
        ));
    }
    if let Some(t) = terms(&g, "themes").and_then(|t| t.into_iter().next()) {
        cases.push((q(&[("themes", &t)]), json!({"theme": {"include": [t]}})));
    }
    if cases.is_empty() {
        return Err(Finding::skip("no filterable fields on the sample game"));
    }
    for (query, filters) in &cases {
        let (get, _) = result_ids(ctx, query)?;
        let w = ctx.walk_post(
            &json!({"filters": filters, "sort": "name", "order": "asc", "limit": 100}),
            ctx.max_items + 100,
        )?;
        let last = w.pages.last().unwrap_or(&w.pages[0]);
        if let Some(d) = util::set_diff(&ids_of(&get), &ids_of(&w.items), |x| x.to_owned()) {
            return Err(Finding::at(
                last,
                format!("POST filters {filters} vs GET {}: {d}", describe(query)),
            ));
        }
    }
    Ok(format!("{} filters", cases.len()))
}

fn sample(c: &Catalog) -> Value {
    c.games
        .iter()
        .find(|g| terms(g, "mechanics").is_some_and(|t| !t.is_empty()) && g.get("weight").is_some())
        .unwrap_or(&c.games[0])
        .clone()
}

const DIMENSIONS: &[&str] = &[
    "players",
    "playtime",
    "weight",
    "mechanics",
    "themes",
    "type",
    "mode",
    "designer",
    "publisher",
    "family",
    "category",
    "year",
    "effective",
];

fn filter_summary(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let g = sample(&c);
    let r0 = ctx.get("/games", "/games", &q(&[("limit", "1")]))?;
    expect_status(&r0, 200)?;
    let Some(fs0) = r0.j().pointer("/meta/filter_summary") else {
        return Err(Finding::at(
            &r0,
            "GET /games has no meta.filter_summary (D11)",
        ));
    };
    if fs0.get("filters_applied") != Some(&json!({})) {
        return Err(Finding::at(
            &r0,
            format!(
                "unfiltered: filters_applied is {:?}, expected {{}}",
                fs0.get("filters_applied")
            ),
        ));
    }
    let mut query = Vec::new();
    let mut want = Vec::new();
    if let Some(p) = i(&g, "min_players") {
        query.push(("players".to_owned(), p.to_string()));
        want.push("players");
    }
    if let Some(w) = f(&g, "weight") {
        query.push(("weight_min".to_owned(), w.to_string()));
        want.push("weight");
    }
    query.push(("limit".into(), "1".into()));
    let r = ctx.get("/games", "/games", &query)?;
    expect_status(&r, 200)?;
    let fs = r
        .j()
        .pointer("/meta/filter_summary")
        .ok_or_else(|| Finding::at(&r, "no meta.filter_summary"))?;
    let total = r.j().pointer("/meta/total");
    if fs.get("total_matching") != total {
        return Err(Finding::at(
            &r,
            format!(
                "total_matching {:?} ≠ meta.total {total:?}",
                fs.get("total_matching")
            ),
        ));
    }
    if fs.get("total_unfiltered").and_then(Value::as_u64) != Some(c.total) {
        return Err(Finding::at(
            &r,
            format!(
                "total_unfiltered {:?} ≠ unfiltered total {}",
                fs.get("total_unfiltered"),
                c.total
            ),
        ));
    }
    let applied = fs
        .get("filters_applied")
        .and_then(Value::as_object)
        .ok_or_else(|| Finding::at(&r, "filters_applied is not an object"))?;
    for (k, v) in applied {
        if !DIMENSIONS.contains(&k.as_str()) {
            return Err(Finding::at(
                &r,
                format!("filters_applied key {k:?} is not a dimension name (D5)"),
            ));
        }
        if !v.is_string() {
            return Err(Finding::at(
                &r,
                format!("filters_applied.{k} is not a string"),
            ));
        }
    }
    for w in want {
        if !applied.contains_key(w) {
            return Err(Finding::at(&r, format!("filters_applied lacks {w}")));
        }
    }
    Ok(String::new())
}

fn best_at(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let mut n_checked = 0;
    for (param, list) in [("best_at", "best_at"), ("recommended_at", "recommended_at")] {
        for n in [2, 3] {
            let (items, last) = result_ids(ctx, &q(&[(param, &n.to_string())]))?;
            for g in items.iter().take(8) {
                let r = ctx.get(
                    "/games/{id}/effective-properties",
                    &format!("/games/{}/effective-properties", util::slug(g)),
                    &vec![],
                )?;
                expect_status(&r, 200)?;
                let l: Vec<i64> = r
                    .j()
                    .pointer(&format!("/base/{list}"))
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_i64).collect())
                    .unwrap_or_default();
                if !l.contains(&n) {
                    return Err(Finding::at(
                        &last,
                        format!(
                            "{param}={n} returned {} whose base.{list} is {l:?}",
                            util::slug(g)
                        ),
                    ));
                }
                n_checked += 1;
            }
        }
    }
    // completeness for one game: each count of its own best_at list finds it
    let g = sample(&c);
    let r = ctx.get(
        "/games/{id}/effective-properties",
        &format!("/games/{}/effective-properties", util::slug(&g)),
        &vec![],
    )?;
    if r.status == 200 {
        for n in r
            .j()
            .pointer("/base/best_at")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_i64)
            .take(3)
        {
            let (items, last) = result_ids(ctx, &q(&[("best_at", &n.to_string())]))?;
            if !ids_of(&items).contains(&util::id(&g)) {
                return Err(Finding::at(
                    &last,
                    format!(
                        "best_at={n} misses {} whose base.best_at contains {n}",
                        util::slug(&g)
                    ),
                ));
            }
        }
    }
    Ok(format!(
        "{n_checked} results checked against effective-properties"
    ))
}

/// (query, the fields an errors[] entry may name)
fn range_cases() -> Vec<(Query, Vec<&'static str>)> {
    vec![
        (
            q(&[("players_min", "5"), ("players_max", "2")]),
            vec!["players_min", "players_max"],
        ),
        (q(&[("weight_min", "6")]), vec!["weight_min"]),
        (q(&[("weight_max", "0.5")]), vec!["weight_max"]),
        (
            q(&[("weight_min", "4"), ("weight_max", "2")]),
            vec!["weight_min", "weight_max"],
        ),
        (q(&[("players", "0")]), vec!["players"]),
        (q(&[("players", "abc")]), vec!["players"]),
        (
            q(&[("year_min", "2020"), ("year_max", "2000")]),
            vec!["year_min", "year_max"],
        ),
        (q(&[("playtime_min", "-1")]), vec!["playtime_min"]),
        (
            q(&[("playtime_min", "100"), ("playtime_max", "10")]),
            vec!["playtime_min", "playtime_max"],
        ),
        (q(&[("type", "board")]), vec!["type"]),
        (q(&[("mode", "pvp")]), vec!["mode"]),
        (q(&[("effective", "maybe")]), vec!["effective"]),
        (q(&[("playtime_source", "rumour")]), vec!["playtime_source"]),
        (
            q(&[("playtime_experience", "godlike")]),
            vec!["playtime_experience"],
        ),
    ]
}

pub fn range_validation(ctx: &Ctx) -> Outcome {
    let cases = range_cases();
    for (query, fields) in &cases {
        let r = ctx.get("/games", "/games", query)?;
        expect_problem(&r, 400)?;
        let named = r
            .j()
            .get("errors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|e| e.get("field").and_then(Value::as_str))
            .any(|f| fields.contains(&f));
        if !named {
            return Err(Finding::at(
                &r,
                format!(
                    "{}: 400, but no errors[] entry names {}",
                    describe(query),
                    fields.join(" or ")
                ),
            ));
        }
    }
    Ok(format!("{} invalid queries", cases.len()))
}
