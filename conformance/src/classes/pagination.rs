//! `pagination`: keyset traversal for every sort key and direction, totals,
//! has_more/links, cursors (garbage, tampered, foreign), limit bounds.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashSet};

use serde_json::{Value, json};

use crate::client::{Query, q};
use crate::ctx::{Ctx, Finding, Outcome, Walk};
use crate::util::{self, expect_problem, expect_status};

pub const SORT_KEYS: &[&str] = &[
    "name",
    "weight",
    "rating",
    "year_published",
    "community_playtime_median",
    "best_at_distance",
];

/// The Game field a sort key orders by (None: not computable from a Game).
fn sort_field(key: &str) -> Option<&'static str> {
    match key {
        "name" => Some("sort_name"),
        "weight" => Some("weight"),
        "rating" => Some("bayes_rating"),
        "year_published" => Some("year_published"),
        "community_playtime_median" => Some("community_playtime_median_minutes"),
        _ => None,
    }
}

struct Traversal {
    key: &'static str,
    order: &'static str,
    query: Query,
    limit: usize,
    walk: Walk,
}

pub fn run(ctx: &Ctx) {
    let walks: RefCell<Vec<Traversal>> = RefCell::new(Vec::new());
    for key in SORT_KEYS {
        let id = format!("pagination/traversal-{key}");
        ctx.run(&id, |c| traversal(c, key, &walks));
    }
    ctx.run("pagination/sort-order", |c| sort_order(c, &walks.borrow()));
    ctx.run("pagination/totals", |c| totals(c, &walks.borrow()));
    ctx.run("pagination/has-more-links", |c| {
        has_more_links(c, &walks.borrow())
    });
    ctx.run("pagination/next-link", |c| next_link(c, &walks.borrow()));
    ctx.run("pagination/prev-cursor", |c| {
        prev_cursor(c, &walks.borrow())
    });
    ctx.run("pagination/default-sort", default_sort);
    ctx.run("pagination/limit-default", limit_default);
    ctx.run("pagination/limit-bounds", limit_bounds);
    ctx.run("pagination/cursor-garbage", cursor_garbage);
    ctx.run("pagination/cursor-tampered", cursor_tampered);
    ctx.run("pagination/cursor-foreign", cursor_foreign);
    ctx.run("pagination/sort-invalid", sort_invalid);
    ctx.run(
        "pagination/best-at-distance-needs-count",
        best_at_distance_needs_count,
    );
    ctx.run("pagination/vocabulary-traversal", vocabulary_traversal);
    ctx.run("pagination/post-search-traversal", post_search_traversal);
}

/// A page size that gives at least three pages (when there are three items).
fn page_size(total: u64) -> usize {
    (total.div_ceil(4) as usize).clamp(1, 100)
}

/// The base query for traversals: none, or one year when the catalog is too big.
fn base_query(ctx: &Ctx) -> Result<(Query, u64), Finding> {
    let c = ctx.games()?;
    if c.complete {
        return Ok((Vec::new(), c.total));
    }
    let year = c
        .games
        .iter()
        .find_map(|g| util::i(g, "year_published"))
        .ok_or_else(|| {
            Finding::skip("the catalog is too big to traverse and has no year to narrow it by")
        })?;
    let y = year.to_string();
    let query = q(&[("year_min", &y), ("year_max", &y)]);
    let r = ctx.get(
        "/games",
        "/games",
        &[query.clone(), q(&[("limit", "1")])].concat(),
    )?;
    expect_status(&r, 200)?;
    let total = r
        .j()
        .pointer("/meta/total")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if total as usize > ctx.max_items {
        return Err(Finding::skip(format!(
            "even year {year} holds {total} games, more than --max-items"
        )));
    }
    Ok((query, total))
}

/// A player count to measure best_at_distance from.
fn players_for_distance(ctx: &Ctx) -> String {
    ctx.games()
        .ok()
        .and_then(|c| c.games.iter().find_map(|g| util::i(g, "min_players")))
        .map_or("2".to_owned(), |n| (n + 1).to_string())
}

fn traversal(ctx: &Ctx, key: &'static str, walks: &RefCell<Vec<Traversal>>) -> Outcome {
    let (mut query, total) = base_query(ctx)?;
    if total == 0 {
        return Err(Finding::skip("no games to traverse"));
    }
    if key == "best_at_distance" {
        query.push(("players".into(), players_for_distance(ctx)));
    }
    let limit = page_size(total);
    let mut notes = Vec::new();
    for order in ["asc", "desc"] {
        let mut qq = query.clone();
        qq.extend(q(&[
            ("sort", key),
            ("order", order),
            ("limit", &limit.to_string()),
        ]));
        let walk = ctx.walk_get("/games", "/games", &qq, ctx.max_items + 100)?;
        let first = &walk.pages[0];
        let expected = first
            .j()
            .pointer("/meta/total")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let ids = util::ids(&walk.items);
        let mut seen = HashSet::new();
        let dup: Vec<&String> = ids.iter().filter(|i| !seen.insert(*i)).collect();
        let last = walk.pages.last().unwrap_or(first);
        if walk.looped {
            return Err(Finding::at(
                last,
                format!("sort={key}&order={order}: a cursor came back twice (the traversal loops)"),
            ));
        }
        if let Some(d) = dup.first() {
            return Err(Finding::at(
                last,
                format!("sort={key}&order={order}: game {d} appears twice across pages"),
            ));
        }
        if ids.len() as u64 != expected {
            return Err(Finding::at(
                last,
                format!(
                    "sort={key}&order={order}: visited {} games across {} pages, meta.total says {expected}",
                    ids.len(),
                    walk.pages.len()
                ),
            ));
        }
        // the same set as the name-sorted catalog
        if query.iter().all(|(k, _)| k == "players") && key != "best_at_distance" {
            let c = ctx.games()?;
            if c.complete {
                let want: BTreeSet<String> = util::ids(&c.games).into_iter().collect();
                let got: BTreeSet<String> = ids.iter().cloned().collect();
                if let Some(d) = util::set_diff(&want, &got, |s| s.to_owned()) {
                    return Err(Finding::at(
                        last,
                        format!("sort={key}&order={order} visits another set than sort=name: {d}"),
                    ));
                }
            }
        }
        notes.push(format!(
            "{order}: {} games in {} pages of {limit}",
            ids.len(),
            walk.pages.len()
        ));
        walks.borrow_mut().push(Traversal {
            key,
            order,
            query: qq,
            limit,
            walk,
        });
    }
    Ok(notes.join("; "))
}

/// Orders two optional sort values the way the server must: values first, by
/// direction; missing last.
fn check_order(items: &[Value], field: &str, order: &str) -> Option<String> {
    #[derive(PartialEq, PartialOrd)]
    enum K {
        N(f64),
        S(String),
    }
    let key = |g: &Value| -> Option<K> {
        match g.get(field)? {
            Value::Number(n) => n.as_f64().map(K::N),
            Value::String(s) => Some(K::S(s.clone())),
            _ => None,
        }
    };
    let desc = order == "desc";
    for w in items.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        let (ka, kb) = (key(a), key(b));
        let (ia, ib) = (util::id(a), util::id(b));
        let bad = match (&ka, &kb) {
            (None, Some(_)) => {
                Some("a game without a value comes before one with a value".to_owned())
            }
            (Some(x), Some(y)) => {
                let out_of_order = if desc { x < y } else { x > y };
                let tie_bad = x == y && if desc { ia < ib } else { ia > ib };
                if out_of_order {
                    Some(format!("{field} out of {order} order"))
                } else if tie_bad {
                    Some(format!("equal {field}: ties must break on id {order}"))
                } else {
                    None
                }
            }
            (None, None) if (if desc { ia < ib } else { ia > ib }) => Some(format!(
                "games without {field}: ties must break on id {order}"
            )),
            _ => None,
        };
        if let Some(m) = bad {
            return Some(format!(
                "{m}: {} ({}) then {} ({})",
                util::slug(a),
                show(a.get(field)),
                util::slug(b),
                show(b.get(field))
            ));
        }
    }
    None
}

fn show(v: Option<&Value>) -> String {
    v.map_or("no value".to_owned(), Value::to_string)
}

/// The items annotated with `_distance` (D12/D30: from the request's player count
/// to the nearest count of the game's derived best_at list), read from
/// effective-properties; None when the catalog is too big to ask per game.
fn with_distances(ctx: &Ctx, t: &Traversal) -> Result<Option<Vec<Value>>, Finding> {
    let Some(n) = t
        .query
        .iter()
        .find(|(k, _)| k == "players")
        .and_then(|(_, v)| v.parse::<i64>().ok())
    else {
        return Ok(None);
    };
    if t.walk.items.len() > 200 {
        return Ok(None);
    }
    let mut out = Vec::new();
    for g in &t.walk.items {
        let r = ctx.get(
            "/games/{id}/effective-properties",
            &format!("/games/{}/effective-properties", util::slug(g)),
            &Vec::new(),
        )?;
        expect_status(&r, 200)?;
        let d = r
            .j()
            .pointer("/base/best_at")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_i64)
            .map(|b| (b - n).abs())
            .min();
        let mut g = g.clone();
        if let (Some(d), Some(m)) = (d, g.as_object_mut()) {
            m.insert("_distance".into(), json!(d));
        }
        out.push(g);
    }
    Ok(Some(out))
}

fn sort_order(ctx: &Ctx, walks: &[Traversal]) -> Outcome {
    if walks.is_empty() {
        return Err(Finding::skip("no traversal succeeded"));
    }
    let mut checked = Vec::new();
    let mut unchecked = Vec::new();
    for t in walks {
        if t.key == "best_at_distance" {
            match with_distances(ctx, t)? {
                Some(items) => {
                    if let Some(m) = check_order(&items, "_distance", t.order) {
                        let page = t.walk.pages.last().unwrap_or(&t.walk.pages[0]);
                        return Err(Finding::at(
                            page,
                            format!("sort=best_at_distance&order={}: {m}", t.order),
                        ));
                    }
                    checked.push(format!("best_at_distance {}", t.order));
                }
                None => unchecked.push("best_at_distance (catalog too big)"),
            }
            continue;
        }
        let Some(field) = sort_field(t.key) else {
            continue;
        };
        if t.key == "name" && t.walk.items.iter().any(|g| g.get("sort_name").is_none()) {
            unchecked.push("name (games without sort_name)");
            continue;
        }
        if let Some(m) = check_order(&t.walk.items, field, t.order) {
            let page = t.walk.pages.last().unwrap_or(&t.walk.pages[0]);
            return Err(Finding::at(
                page,
                format!("sort={}&order={}: {m}", t.key, t.order),
            ));
        }
        checked.push(format!("{} {}", t.key, t.order));
    }
    if checked.is_empty() {
        return Err(Finding::skip(
            "no traversal with a sort key computable from Game fields",
        ));
    }
    let mut note = format!("checked {}", checked.join(", "));
    if !unchecked.is_empty() {
        note.push_str(&format!("; not checked: {}", unchecked.join(", ")));
    }
    Ok(note)
}

fn totals(_ctx: &Ctx, walks: &[Traversal]) -> Outcome {
    if walks.is_empty() {
        return Err(Finding::skip("no traversal succeeded"));
    }
    for t in walks {
        let first = t.walk.pages[0].j().pointer("/meta/total").cloned();
        for p in &t.walk.pages {
            if p.j().pointer("/meta/total").cloned() != first {
                return Err(Finding::at(
                    p,
                    format!(
                        "sort={}&order={}: meta.total changes between pages",
                        t.key, t.order
                    ),
                ));
            }
        }
    }
    Ok(format!("{} traversals", walks.len()))
}

fn has_more_links(_ctx: &Ctx, walks: &[Traversal]) -> Outcome {
    if walks.is_empty() {
        return Err(Finding::skip("no traversal succeeded"));
    }
    for t in walks {
        let n = t.walk.pages.len();
        for (i, p) in t.walk.pages.iter().enumerate() {
            let j = p.j();
            let last = i + 1 == n;
            let has_more = j.pointer("/meta/has_more").and_then(Value::as_bool);
            let cursor = j.pointer("/meta/next_cursor").filter(|v| !v.is_null());
            let next = j.pointer("/_links/next").filter(|v| !v.is_null());
            let data = j.get("data").and_then(Value::as_array).map_or(0, Vec::len);
            let label = format!("sort={}&order={} page {}", t.key, t.order, i + 1);
            let issue = if last {
                if has_more != Some(false) {
                    Some("the last page does not say has_more false".to_owned())
                } else if cursor.is_some() {
                    Some("the last page has a next_cursor".to_owned())
                } else if next.is_some() {
                    Some("the last page has _links.next".to_owned())
                } else {
                    None
                }
            } else if has_more != Some(true) {
                Some("a page before the last says has_more false".to_owned())
            } else if cursor.is_none_or(|c| c.as_str().is_none_or(|s| s.is_empty())) {
                Some("has_more is true but next_cursor is missing".to_owned())
            } else if next
                .and_then(|n| n.get("href"))
                .and_then(Value::as_str)
                .is_none()
            {
                Some("has_more is true but _links.next.href is missing".to_owned())
            } else {
                None
            };
            let issue = issue.or_else(|| {
                if data > t.limit {
                    Some(format!("{data} items on a page of limit {}", t.limit))
                } else if j.pointer("/meta/limit").and_then(Value::as_u64) != Some(t.limit as u64) {
                    Some(format!(
                        "meta.limit is {:?}, the request said {}",
                        j.pointer("/meta/limit"),
                        t.limit
                    ))
                } else {
                    None
                }
            });
            if let Some(m) = issue {
                return Err(Finding::at(p, format!("{label}: {m}")));
            }
        }
    }
    Ok(format!("{} traversals", walks.len()))
}

fn next_link(ctx: &Ctx, walks: &[Traversal]) -> Outcome {
    let Some(t) = walks.iter().find(|t| t.walk.pages.len() >= 2) else {
        return Err(Finding::skip("no traversal has two pages"));
    };
    let p1 = &t.walk.pages[0];
    let href = p1
        .j()
        .pointer("/_links/next/href")
        .and_then(Value::as_str)
        .ok_or_else(|| Finding::at(p1, "page 1 has no _links.next.href"))?;
    let r = ctx.get_url("/games", &ctx.client.resolve_href(href))?;
    expect_status(&r, 200)?;
    let want = util::ids(
        t.walk.pages[1].j()["data"]
            .as_array()
            .map_or(&[][..], Vec::as_slice),
    );
    let got = util::ids(r.j()["data"].as_array().map_or(&[][..], Vec::as_slice));
    if want != got {
        return Err(Finding::at(
            &r,
            format!("_links.next.href {href} answers {got:?}, next_cursor answered {want:?}"),
        ));
    }
    Ok(href.to_owned())
}

fn prev_cursor(ctx: &Ctx, walks: &[Traversal]) -> Outcome {
    let Some(t) = walks.iter().find(|t| t.walk.pages.len() >= 2) else {
        return Err(Finding::skip("no traversal has two pages"));
    };
    let p2 = &t.walk.pages[1];
    let Some(prev) = p2.j().pointer("/meta/prev_cursor").and_then(Value::as_str) else {
        return Err(Finding::skip(
            "the server offers no prev_cursor (an extension)",
        ));
    };
    let mut qq: Query = t
        .query
        .iter()
        .filter(|(k, _)| k != "cursor")
        .cloned()
        .collect();
    qq.push(("cursor".into(), prev.to_owned()));
    let r = ctx.get("/games", "/games", &qq)?;
    expect_status(&r, 200)?;
    let want = util::ids(
        t.walk.pages[0].j()["data"]
            .as_array()
            .map_or(&[][..], Vec::as_slice),
    );
    let got = util::ids(r.j()["data"].as_array().map_or(&[][..], Vec::as_slice));
    if want != got {
        return Err(Finding::at(
            &r,
            format!("prev_cursor of page 2 answers {got:?}, page 1 was {want:?}"),
        ));
    }
    if let Some(href) = p2.j().pointer("/_links/prev/href").and_then(Value::as_str) {
        let r = ctx.get_url("/games", &ctx.client.resolve_href(href))?;
        let got = util::ids(r.j()["data"].as_array().map_or(&[][..], Vec::as_slice));
        if want != got {
            return Err(Finding::at(
                &r,
                format!("_links.prev.href answers {got:?}, page 1 was {want:?}"),
            ));
        }
    }
    if t.walk.pages[0]
        .j()
        .pointer("/meta/prev_cursor")
        .is_some_and(|v| !v.is_null())
    {
        return Err(Finding::at(
            &t.walk.pages[0],
            "the first page has a prev_cursor",
        ));
    }
    Ok(String::new())
}

fn page_ids(ctx: &Ctx, query: &Query) -> Result<(Vec<String>, crate::client::Response), Finding> {
    let r = ctx.get("/games", "/games", query)?;
    expect_status(&r, 200)?;
    Ok((
        util::ids(r.j()["data"].as_array().map_or(&[][..], Vec::as_slice)),
        r,
    ))
}

fn default_sort(ctx: &Ctx) -> Outcome {
    ctx.games()?;
    let (a, ra) = page_ids(ctx, &q(&[("limit", "100")]))?;
    let (b, _) = page_ids(
        ctx,
        &q(&[("limit", "100"), ("sort", "name"), ("order", "asc")]),
    )?;
    if a != b {
        return Err(Finding::at(
            &ra,
            "GET /games without sort differs from sort=name&order=asc",
        ));
    }
    let (c, _) = page_ids(ctx, &q(&[("limit", "100"), ("sort", "name")]))?;
    if a != c {
        return Err(Finding::fail(
            "GET /games?sort=name (no order) differs from order=asc",
        ));
    }
    let p = ctx.post("/games/search", "/games/search", &json!({"limit": 100}))?;
    expect_status(&p, 200)?;
    let p2 = ctx.post(
        "/games/search",
        "/games/search",
        &json!({"limit": 100, "sort": "rating", "order": "desc"}),
    )?;
    expect_status(&p2, 200)?;
    let pa = util::ids(p.j()["data"].as_array().map_or(&[][..], Vec::as_slice));
    let pb = util::ids(p2.j()["data"].as_array().map_or(&[][..], Vec::as_slice));
    if pa != pb {
        return Err(Finding::at(
            &p,
            "POST /games/search without sort differs from sort=rating, order=desc",
        ));
    }
    Ok(String::new())
}

fn limit_default(ctx: &Ctx) -> Outcome {
    for path in ["/games", "/mechanics"] {
        let r = ctx.get(path, path, &vec![])?;
        expect_status(&r, 200)?;
        let limit = r.j().pointer("/meta/limit").and_then(Value::as_u64);
        let n = r.j()["data"].as_array().map_or(0, Vec::len);
        if limit != Some(25) || n > 25 {
            return Err(Finding::at(
                &r,
                format!("GET {path}: meta.limit {limit:?} and {n} items; the default is 25"),
            ));
        }
    }
    Ok(String::new())
}

fn limit_bounds(ctx: &Ctx) -> Outcome {
    for path in ["/games", "/mechanics"] {
        for (limit, want) in [("1", 1u64), ("100", 100)] {
            let r = ctx.get(path, path, &q(&[("limit", limit)]))?;
            expect_status(&r, 200)?;
            let n = r.j()["data"].as_array().map_or(0, Vec::len) as u64;
            if r.j().pointer("/meta/limit").and_then(Value::as_u64) != Some(want) || n > want {
                return Err(Finding::at(
                    &r,
                    format!(
                        "limit={limit}: meta.limit {:?}, {n} items",
                        r.j().pointer("/meta/limit")
                    ),
                ));
            }
        }
        for bad in ["0", "101", "-1", "abc", "1.5"] {
            let r = ctx.get(path, path, &q(&[("limit", bad)]))?;
            expect_problem(&r, 400)?;
        }
    }
    Ok("1 and 100 accepted; 0, 101, -1, abc, 1.5 rejected".into())
}

fn cursor_garbage(ctx: &Ctx) -> Outcome {
    for path in ["/games", "/mechanics"] {
        for bad in [
            "not-a-real-cursor",
            "eyJpZCI6IjAxOTEyZjRjIn0",
            "%%%",
            "AAAA",
        ] {
            let r = ctx.get(path, path, &q(&[("cursor", bad)]))?;
            expect_problem(&r, 400)?;
        }
    }
    Ok(String::new())
}

/// A first-page cursor for `query` on /games (skip when one page holds everything).
fn a_cursor(ctx: &Ctx, query: &Query) -> Result<String, Finding> {
    let r = ctx.get("/games", "/games", query)?;
    expect_status(&r, 200)?;
    match r.j().pointer("/meta/next_cursor").and_then(Value::as_str) {
        Some(c) => Ok(c.to_owned()),
        None if r.j().pointer("/meta/has_more") == Some(&json!(true)) => Err(Finding::at(
            &r,
            "has_more is true but there is no next_cursor",
        )),
        None => Err(Finding::skip(
            "fewer than two games: no cursor to work with",
        )),
    }
}

fn tamper(c: &str, at: usize) -> String {
    let mut chars: Vec<char> = c.chars().collect();
    let i = at.min(chars.len().saturating_sub(1));
    chars[i] = match chars[i] {
        'A' => 'B',
        'a' => 'b',
        '0' => '1',
        _ => 'A',
    };
    chars.into_iter().collect()
}

fn cursor_tampered(ctx: &Ctx) -> Outcome {
    let query = q(&[("limit", "1")]);
    let c = a_cursor(ctx, &query)?;
    let mut tried = BTreeSet::new();
    for at in [c.chars().count() / 2, 0, c.chars().count() / 3] {
        let t = tamper(&c, at);
        if t == c || !tried.insert(t.clone()) {
            continue;
        }
        let r = ctx.get("/games", "/games", &q(&[("limit", "1"), ("cursor", &t)]))?;
        expect_problem(&r, 400)?;
    }
    // truncated
    let half: String = c.chars().take(c.chars().count() / 2).collect();
    let r = ctx.get("/games", "/games", &q(&[("limit", "1"), ("cursor", &half)]))?;
    expect_problem(&r, 400)?;
    Ok(format!("{} modified cursors", tried.len() + 1))
}

fn cursor_foreign(ctx: &Ctx) -> Outcome {
    let c = a_cursor(ctx, &q(&[("limit", "1"), ("sort", "name")]))?;
    let players = players_for_distance(ctx);
    let cases: Vec<(&str, Query)> = vec![
        (
            "/games",
            q(&[("limit", "1"), ("sort", "weight"), ("cursor", &c)]),
        ),
        (
            "/games",
            q(&[
                ("limit", "1"),
                ("sort", "name"),
                ("order", "desc"),
                ("cursor", &c),
            ]),
        ),
        (
            "/games",
            q(&[
                ("limit", "1"),
                ("sort", "name"),
                ("players", &players),
                ("cursor", &c),
            ]),
        ),
        ("/mechanics", q(&[("limit", "1"), ("cursor", &c)])),
    ];
    for (path, query) in &cases {
        let r = ctx.get(path, path, query)?;
        expect_problem(&r, 400)?;
    }
    Ok(format!("{} foreign uses", cases.len()))
}

fn sort_invalid(ctx: &Ctx) -> Outcome {
    for query in [
        q(&[("sort", "bogus")]),
        q(&[("order", "sideways")]),
        q(&[("sort", "rating_desc")]),
    ] {
        let r = ctx.get("/games", "/games", &query)?;
        expect_problem(&r, 400)?;
    }
    let r = ctx.post("/games/search", "/games/search", &json!({"sort": "bogus"}))?;
    expect_problem(&r, 400)?;
    Ok(String::new())
}

fn best_at_distance_needs_count(ctx: &Ctx) -> Outcome {
    let r = ctx.get("/games", "/games", &q(&[("sort", "best_at_distance")]))?;
    expect_problem(&r, 400)?;
    Ok(String::new())
}

fn vocabulary_traversal(ctx: &Ctx) -> Outcome {
    let mut notes = Vec::new();
    for path in ["/mechanics", "/categories", "/designers", "/publishers"] {
        let r = ctx.get(path, path, &q(&[("limit", "1")]))?;
        expect_status(&r, 200)?;
        let total = r
            .j()
            .pointer("/meta/total")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        if total == 0 {
            notes.push(format!("{path}: empty"));
            continue;
        }
        if total as usize > ctx.max_items {
            notes.push(format!("{path}: {total} items, not traversed"));
            continue;
        }
        let limit = page_size(total).to_string();
        let walk = ctx.walk_get(path, path, &q(&[("limit", &limit)]), ctx.max_items + 100)?;
        let last = walk.pages.last().unwrap_or(&r);
        let ids = util::ids(&walk.items);
        let uniq: HashSet<&String> = ids.iter().collect();
        if walk.looped || uniq.len() != ids.len() {
            return Err(Finding::at(
                last,
                format!("{path}: an item appears twice across pages"),
            ));
        }
        if ids.len() as u64 != total {
            return Err(Finding::at(
                last,
                format!(
                    "{path}: visited {} items, meta.total says {total}",
                    ids.len()
                ),
            ));
        }
        for p in &walk.pages {
            if p.j().pointer("/meta/total").and_then(Value::as_u64) != Some(total) {
                return Err(Finding::at(
                    p,
                    format!("{path}: meta.total changes between pages"),
                ));
            }
        }
        notes.push(format!("{path}: {total} in {} pages", walk.pages.len()));
    }
    Ok(notes.join("; "))
}

fn post_search_traversal(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let total = c.total;
    if total as usize > ctx.max_items {
        return Err(Finding::skip("the catalog is bigger than --max-items"));
    }
    let limit = page_size(total);
    let walk = ctx.walk_post(
        &json!({"sort": "name", "order": "asc", "limit": limit}),
        ctx.max_items + 100,
    )?;
    let last = walk.pages.last().unwrap_or(&walk.pages[0]);
    let ids = util::ids(&walk.items);
    let uniq: BTreeSet<String> = ids.iter().cloned().collect();
    if walk.looped || uniq.len() != ids.len() {
        return Err(Finding::at(
            last,
            "a game appears twice across POST /games/search pages",
        ));
    }
    let stated = walk.pages[0]
        .j()
        .pointer("/meta/total")
        .and_then(Value::as_u64);
    if stated != Some(ids.len() as u64) {
        return Err(Finding::at(
            last,
            format!("visited {} games, meta.total says {stated:?}", ids.len()),
        ));
    }
    if c.complete {
        let want: BTreeSet<String> = util::ids(&c.games).into_iter().collect();
        if let Some(d) = util::set_diff(&want, &uniq, |s| s.to_owned()) {
            return Err(Finding::at(
                last,
                format!("POST /games/search visits another set than GET /games: {d}"),
            ));
        }
    }
    Ok(format!("{} games in {} pages", ids.len(), walk.pages.len()))
}
