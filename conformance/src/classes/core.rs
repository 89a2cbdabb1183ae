//! `core`: every operation answers, responses validate, ids and slugs resolve
//! alike, 404s are problems, no nulls.

use serde_json::{Value, json};

use crate::client::{Query, q};
use crate::ctx::{Ctx, Finding, Outcome};
use crate::util::{self, expect_problem, expect_status, random_uuid, without_links};

/// The sub-resources of a game, by operation template.
pub const GAME_SUBRESOURCES: &[&str] = &[
    "expansions",
    "effective-properties",
    "editions",
    "relationships",
    "experience-playtime",
];

pub fn run(ctx: &Ctx) {
    ctx.run("core/operations-answer", operations_answer);
    ctx.run("core/list-envelope", list_envelope);
    ctx.run("core/game-by-slug", game_by_slug);
    ctx.run("core/subresource-by-slug", subresource_by_slug);
    ctx.run("core/people-by-slug", people_by_slug);
    ctx.run("core/not-found-problem", not_found_problem);
    ctx.run("core/self-link", self_link);
    ctx.run("core/include-embeds", include_embeds);
    ctx.run("core/include-unknown-ignored", include_unknown_ignored);
    ctx.run("core/list-active-only", list_active_only);
    ctx.run("core/expansions-list", expansions_list);
}

/// A game to test with: a base game with expansions if there is one, else the first.
pub fn sample_game(ctx: &Ctx) -> Result<Value, Finding> {
    let c = ctx.games()?;
    let base_ids: std::collections::BTreeSet<String> = c
        .games
        .iter()
        .filter_map(|g| util::s(g, "parent_game_id").map(str::to_owned))
        .collect();
    Ok(c.games
        .iter()
        .find(|g| base_ids.contains(&util::id(g)))
        .or_else(|| {
            c.games
                .iter()
                .find(|g| util::s(g, "type") == Some("base_game"))
        })
        .unwrap_or(&c.games[0])
        .clone())
}

/// A word (≥ 2 characters) from a game's name, for full-text queries.
pub fn search_word(g: &Value) -> String {
    util::s(g, "name")
        .unwrap_or("")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .max_by_key(|w| w.chars().count())
        .unwrap_or("game")
        .to_lowercase()
}

fn operations_answer(ctx: &Ctx) -> Outcome {
    let game = sample_game(ctx)?;
    let slug = util::slug(&game);
    let word = search_word(&game);
    let mut calls: Vec<(&str, String, String, Query)> = vec![
        ("get", "/games".into(), "/games".into(), vec![]),
        (
            "get",
            "/games/{id}".into(),
            format!("/games/{slug}"),
            vec![],
        ),
        (
            "post",
            "/games/search".into(),
            "/games/search".into(),
            vec![],
        ),
        ("get", "/mechanics".into(), "/mechanics".into(), vec![]),
        ("get", "/categories".into(), "/categories".into(), vec![]),
        ("get", "/designers".into(), "/designers".into(), vec![]),
        ("get", "/publishers".into(), "/publishers".into(), vec![]),
        (
            "get",
            "/search".into(),
            "/search".into(),
            q(&[("q", &word)]),
        ),
        (
            "get",
            "/export/games".into(),
            "/export/games".into(),
            vec![],
        ),
    ];
    for sub in GAME_SUBRESOURCES {
        calls.push((
            "get",
            format!("/games/{{id}}/{sub}"),
            format!("/games/{slug}/{sub}"),
            vec![],
        ));
    }
    let mut failures = Vec::new();
    let mut first_curl = None;
    let mut answered = 0;
    for (method, op, path, query) in &calls {
        let r = if *method == "post" {
            ctx.post(op, path, &json!({}))?
        } else {
            ctx.get(op, path, query)?
        };
        if r.status == 200 {
            answered += 1;
        } else {
            failures.push(format!(
                "{} {path}: {} (expected 200)",
                method.to_uppercase(),
                r.status
            ));
            first_curl.get_or_insert(r.curl());
        }
    }
    // the people detail routes, when there are people
    for (list, op) in [
        ("/designers", "/designers/{id}"),
        ("/publishers", "/publishers/{id}"),
    ] {
        let r = ctx.get(list, list, &q(&[("limit", "1")]))?;
        if let Some(p) = r.j().pointer("/data/0") {
            let path = format!("{list}/{}", util::slug(p));
            let r = ctx.get(op, &path, &vec![])?;
            if r.status == 200 {
                answered += 1;
            } else {
                failures.push(format!("GET {path}: {} (expected 200)", r.status));
                first_curl.get_or_insert(r.curl());
            }
        }
    }
    if failures.is_empty() {
        Ok(format!("{answered} operations answered 200"))
    } else {
        Err(Finding::Fail {
            message: failures.join("\n"),
            curl: first_curl,
        })
    }
}

fn envelope_issue(v: &Value) -> Option<String> {
    let mut issues = Vec::new();
    if !v.get("data").is_some_and(Value::is_array) {
        issues.push("data is not an array");
    }
    if v.pointer("/meta/total").and_then(Value::as_u64).is_none() {
        issues.push("meta.total is not a non-negative integer");
    }
    if v.pointer("/meta/limit").and_then(Value::as_u64).is_none() {
        issues.push("meta.limit is not an integer");
    }
    if v.pointer("/meta/has_more")
        .and_then(Value::as_bool)
        .is_none()
    {
        issues.push("meta.has_more is not a boolean");
    }
    if v.pointer("/_links/self/href")
        .and_then(Value::as_str)
        .is_none()
    {
        issues.push("_links.self.href is missing");
    }
    if issues.is_empty() {
        None
    } else {
        Some(issues.join(", "))
    }
}

fn list_envelope(ctx: &Ctx) -> Outcome {
    let game = sample_game(ctx)?;
    let word = search_word(&game);
    let mut checked = 0;
    let lists: Vec<(&str, String, Query)> = vec![
        ("/games", "/games".into(), vec![]),
        (
            "/games/{id}/expansions",
            format!("/games/{}/expansions", util::slug(&game)),
            vec![],
        ),
        ("/mechanics", "/mechanics".into(), vec![]),
        ("/categories", "/categories".into(), vec![]),
        ("/designers", "/designers".into(), vec![]),
        ("/publishers", "/publishers".into(), vec![]),
        ("/search", "/search".into(), q(&[("q", &word)])),
    ];
    for (op, path, query) in &lists {
        let r = ctx.get(op, path, query)?;
        expect_status(&r, 200)?;
        if let Some(m) = envelope_issue(r.j()) {
            return Err(Finding::at(&r, format!("GET {path}: {m}")));
        }
        checked += 1;
    }
    let r = ctx.post("/games/search", "/games/search", &json!({}))?;
    expect_status(&r, 200)?;
    if let Some(m) = envelope_issue(r.j()) {
        return Err(Finding::at(&r, format!("POST /games/search: {m}")));
    }
    Ok(format!("{} list envelopes", checked + 1))
}

fn game_by_slug(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let mut picks = vec![c.games[0].clone(), sample_game(ctx)?];
    if let Some(g) = ctx.rng.borrow_mut().pick(&c.games) {
        picks.push(g.clone());
    }
    for g in &picks {
        let (slug, id) = (util::slug(g), util::id(g));
        let a = ctx.get("/games/{id}", &format!("/games/{slug}"), &vec![])?;
        expect_status(&a, 200)?;
        let b = ctx.get("/games/{id}", &format!("/games/{id}"), &vec![])?;
        expect_status(&b, 200)?;
        if util::s(a.j(), "id") != Some(id.as_str())
            || util::s(a.j(), "slug") != Some(slug.as_str())
        {
            return Err(Finding::at(
                &a,
                format!("GET /games/{slug} answered another game (expected id {id})"),
            ));
        }
        if without_links(a.j()) != without_links(b.j()) {
            return Err(Finding::at(
                &b,
                format!("GET /games/{id} differs from GET /games/{slug}"),
            ));
        }
    }
    Ok(format!("{} games by slug and by id", picks.len()))
}

fn subresource_by_slug(ctx: &Ctx) -> Outcome {
    let g = sample_game(ctx)?;
    let (slug, id) = (util::slug(&g), util::id(&g));
    for sub in GAME_SUBRESOURCES {
        let op = format!("/games/{{id}}/{sub}");
        let a = ctx.get(&op, &format!("/games/{slug}/{sub}"), &vec![])?;
        let b = ctx.get(&op, &format!("/games/{id}/{sub}"), &vec![])?;
        if a.status != b.status {
            return Err(Finding::at(
                &b,
                format!("/{sub}: {} by slug but {} by id", a.status, b.status),
            ));
        }
        if a.status == 200 && without_links(a.j()) != without_links(b.j()) {
            return Err(Finding::at(
                &b,
                format!("/games/{id}/{sub} differs from /games/{slug}/{sub}"),
            ));
        }
    }
    Ok(format!(
        "{} sub-resources of {slug}",
        GAME_SUBRESOURCES.len()
    ))
}

fn people_by_slug(ctx: &Ctx) -> Outcome {
    let mut n = 0;
    for (list, op) in [
        ("/designers", "/designers/{id}"),
        ("/publishers", "/publishers/{id}"),
    ] {
        let r = ctx.get(list, list, &q(&[("limit", "1")]))?;
        let Some(p) = r.j().pointer("/data/0") else {
            continue;
        };
        let a = ctx.get(op, &format!("{list}/{}", util::slug(p)), &vec![])?;
        expect_status(&a, 200)?;
        let b = ctx.get(op, &format!("{list}/{}", util::id(p)), &vec![])?;
        expect_status(&b, 200)?;
        if without_links(a.j()) != without_links(b.j()) {
            return Err(Finding::at(
                &b,
                format!("{list}/{{uuid}} differs from {list}/{{slug}}"),
            ));
        }
        n += 1;
    }
    if n == 0 {
        return Err(Finding::skip(
            "the server lists no designers and no publishers",
        ));
    }
    Ok(format!("{n} kinds"))
}

fn not_found_problem(ctx: &Ctx) -> Outcome {
    let uuid = random_uuid(&mut ctx.rng.borrow_mut());
    let nope = format!("no-such-game-{}", &uuid[..8]);
    let mut cases: Vec<(String, String)> = vec![
        ("/games/{id}".into(), format!("/games/{nope}")),
        ("/games/{id}".into(), format!("/games/{uuid}")),
        ("/designers/{id}".into(), format!("/designers/{nope}")),
        ("/publishers/{id}".into(), format!("/publishers/{nope}")),
    ];
    for sub in GAME_SUBRESOURCES {
        cases.push((
            format!("/games/{{id}}/{sub}"),
            format!("/games/{nope}/{sub}"),
        ));
    }
    for (op, path) in &cases {
        let r = ctx.get(op, path, &vec![])?;
        expect_problem(&r, 404)?;
    }
    Ok(format!("{} unknown identifiers", cases.len()))
}

fn self_link(ctx: &Ctx) -> Outcome {
    let g = sample_game(ctx)?;
    let r = ctx.get(
        "/games/{id}",
        &format!("/games/{}", util::slug(&g)),
        &vec![],
    )?;
    expect_status(&r, 200)?;
    let href = r
        .j()
        .pointer("/_links/self/href")
        .and_then(Value::as_str)
        .ok_or_else(|| Finding::at(&r, "the game has no _links.self.href"))?;
    let url = ctx.client.resolve_href(href);
    let s = ctx.get_url("/games/{id}", &url)?;
    expect_status(&s, 200)?;
    if util::s(s.j(), "id") != util::s(r.j(), "id") {
        return Err(Finding::at(
            &s,
            format!("_links.self.href {href} answers another game"),
        ));
    }
    Ok(href.to_owned())
}

fn include_embeds(ctx: &Ctx) -> Outcome {
    let g = sample_game(ctx)?;
    let path = format!("/games/{}", util::slug(&g));
    let plain = ctx.get("/games/{id}", &path, &vec![])?;
    expect_status(&plain, 200)?;
    for k in ["mechanics", "themes", "categories"] {
        if plain.j().get(k).is_some() {
            return Err(Finding::at(
                &plain,
                format!("{k} is embedded although include was not given"),
            ));
        }
    }
    let r = ctx.get(
        "/games/{id}",
        &path,
        &q(&[("include", "mechanics,themes,categories")]),
    )?;
    expect_status(&r, 200)?;
    for k in ["mechanics", "themes", "categories"] {
        let arr = r
            .j()
            .get(k)
            .and_then(Value::as_array)
            .ok_or_else(|| Finding::at(&r, format!("include={k} did not embed a {k} array")))?;
        for t in arr {
            if ["id", "slug", "name"]
                .iter()
                .any(|f| util::s(t, f).is_none())
            {
                return Err(Finding::at(
                    &r,
                    format!("an embedded {k} item lacks id, slug or name: {t}"),
                ));
            }
        }
    }
    // and per item on the list
    let l = ctx.get(
        "/games",
        "/games",
        &q(&[("include", "mechanics"), ("limit", "5")]),
    )?;
    expect_status(&l, 200)?;
    for item in l
        .j()
        .get("data")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if !item.get("mechanics").is_some_and(Value::is_array) {
            return Err(Finding::at(
                &l,
                format!(
                    "list item {} has no embedded mechanics array",
                    util::slug(item)
                ),
            ));
        }
    }
    Ok("mechanics, themes, categories".into())
}

fn include_unknown_ignored(ctx: &Ctx) -> Outcome {
    let g = sample_game(ctx)?;
    let r = ctx.get(
        "/games/{id}",
        &format!("/games/{}", util::slug(&g)),
        &q(&[("include", "no-such-relation")]),
    )?;
    expect_status(&r, 200)?;
    let l = ctx.get(
        "/games",
        "/games",
        &q(&[("include", "mechanics,no-such-relation"), ("limit", "2")]),
    )?;
    expect_status(&l, 200)?;
    Ok(String::new())
}

fn expansions_list(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let g = sample_game(ctx)?;
    let (slug, id) = (util::slug(&g), util::id(&g));
    let kinds = ["expansion", "promo", "standalone_expansion"];
    let mut checked = 0;
    for t in [
        None,
        Some("expansion"),
        Some("promo"),
        Some("standalone_expansion"),
    ] {
        let mut query = q(&[("limit", "100")]);
        if let Some(t) = t {
            query.push(("type".into(), t.into()));
        }
        let r = ctx.get(
            "/games/{id}/expansions",
            &format!("/games/{slug}/expansions"),
            &query,
        )?;
        expect_status(&r, 200)?;
        let got: std::collections::BTreeSet<String> =
            util::ids(r.j()["data"].as_array().map_or(&[][..], Vec::as_slice))
                .into_iter()
                .collect();
        if got.contains(&id) {
            return Err(Finding::at(
                &r,
                format!("{slug} lists itself among its expansions"),
            ));
        }
        if !c.complete {
            continue;
        }
        let want: std::collections::BTreeSet<String> = c
            .games
            .iter()
            .filter(|x| util::s(x, "parent_game_id") == Some(id.as_str()))
            .filter(|x| {
                util::s(x, "type").is_some_and(|k| kinds.contains(&k) && t.is_none_or(|t| t == k))
            })
            .map(util::id)
            .collect();
        if let Some(d) = util::set_diff(&want, &got, |x| x.to_owned()) {
            return Err(Finding::at(
                &r,
                format!(
                    "{slug}/expansions{}: {d} (expected the listed games whose parent_game_id is {slug})",
                    t.map(|t| format!("?type={t}")).unwrap_or_default()
                ),
            ));
        }
        checked += 1;
    }
    Ok(format!("{slug}: {checked} type selections"))
}

fn list_active_only(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    for g in &c.games {
        if let Some(st) = util::s(g, "status")
            && st != "active"
        {
            return Err(Finding::fail(format!(
                "GET /games lists {} with status {st}",
                util::slug(g)
            )));
        }
    }
    Ok(format!("{} games", c.games.len()))
}

/// The observation-based verdicts, recorded after every other class ran.
pub fn finish(ctx: &Ctx) {
    let o = ctx.observed.borrow();
    let verdict = |list: &Vec<(String, String)>, what: &str| -> Outcome {
        if list.is_empty() {
            return Ok(format!("{} responses checked", o.responses));
        }
        // one line per distinct finding, with a count
        let mut distinct: Vec<(&str, usize)> = Vec::new();
        for (_, m) in list {
            match distinct.iter_mut().find(|(x, _)| *x == m.as_str()) {
                Some(d) => d.1 += 1,
                None => distinct.push((m.as_str(), 1)),
            }
        }
        let shown: Vec<String> = distinct
            .iter()
            .take(8)
            .map(|(m, n)| {
                if *n > 1 {
                    format!("{m} (×{n})")
                } else {
                    (*m).to_owned()
                }
            })
            .collect();
        Err(Finding::Fail {
            message: format!(
                "{} of {} {what}:\n{}",
                list.len(),
                o.responses,
                shown.join("\n")
            ),
            curl: list.first().map(|(c, _)| c.clone()),
        })
    };
    let schema = verdict(&o.schema_violations, "responses do not validate");
    let undocumented = verdict(&o.undocumented, "responses have an undocumented status");
    let nulls = verdict(&o.nulls, "responses contain null");
    let media = verdict(&o.media, "success responses are not application/json");
    drop(o);
    ctx.record("core/response-schema", schema, 0);
    ctx.record("core/documented-status", undocumented, 0);
    ctx.record("core/no-null", nulls, 0);
    ctx.record("core/json-media-type", media, 0);
}
