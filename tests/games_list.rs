//! GET /games, GET /games/{id} and POST /games/search on the upstream sample
//! data: the expected answers of SPEC-NOTES §5.2, validation (D10), keyset
//! paging for every sort key and direction. Runs on SQLite, and on PostgreSQL
//! with OPENTABLETOP_TEST_POSTGRES.

mod common;

use std::collections::BTreeSet;

use common::{Reply, TestDb, get, import_upstream, post_json};
use serde_json::{Value, json};

const SI: &str = "spirit-island";
const TM: &str = "terraforming-mars";
const BC: &str = "spirit-island-branch-and-claw";
const JE: &str = "spirit-island-jagged-earth";
const NI: &str = "spirit-island-nature-incarnate";
const HO: &str = "spirit-island-horizons";
const P1: &str = "spirit-island-promo-pack-1";
const P2: &str = "spirit-island-promo-pack-2";

async fn app() -> (TestDb, axum::Router) {
    let db = TestDb::new().await;
    let state = db.state().await;
    import_upstream(&state).await;
    (db, opentabletop::http::app(state))
}

fn slugs(r: &Reply) -> Vec<String> {
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["slug"].as_str().unwrap().to_string())
        .collect()
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

async fn matching(app: &axum::Router, query: &str) -> BTreeSet<String> {
    let r = get(app, &format!("/games?{query}&limit=100")).await;
    let body = r.json();
    let found: BTreeSet<String> = slugs(&r).into_iter().collect();
    assert_eq!(body["meta"]["total"], found.len(), "{query}: total");
    found
}

#[tokio::test]
async fn the_expected_answers_on_the_sample_data() {
    let (_db, app) = app().await;
    let r = get(&app, "/games").await;
    assert_eq!(slugs(&r), [HO, SI, BC, JE, NI, P1, P2, TM], "name order");
    let body = r.json();
    assert_eq!(body["meta"]["total"], 8);
    assert_eq!(body["meta"]["has_more"], false);
    assert_eq!(body["meta"]["filter_summary"]["filters_applied"], json!({}));
    assert_eq!(body["meta"]["filter_summary"]["total_unfiltered"], 8);

    for (query, expected) in [
        ("type=base_game", vec![SI, TM]),
        ("players=4", vec![SI, BC, JE, NI, TM]),
        ("players=5", vec![JE, NI, TM]),
        ("players=5&type=base_game", vec![TM]),
        ("players=6", vec![JE, NI]),
        ("players=6&type=base_game", vec![]),
        ("players_min=1&players_max=5", vec![JE, NI, TM]),
        ("weight_min=4.0", vec![BC, JE, NI]),
        ("weight_min=3.0&weight_max=4.0", vec![SI, TM]),
        ("weight_max=3.0", vec![HO]),
        ("mode=cooperative", vec![SI]),
        ("mode=competitive", vec![TM]),
        ("mechanics=cooperative", vec![SI]),
        ("mechanics=hand-management", vec![SI, TM]),
        ("mechanics_all=hand-management,engine-building", vec![TM]),
        ("mechanics_not=cooperative&type=base_game", vec![TM]),
        ("themes=space", vec![TM]),
        ("themes=fantasy,space", vec![SI, TM]),
        ("theme_not=space&type=base_game", vec![SI]),
        ("category=engine-builder", vec![TM]),
        ("year_min=2018&year_max=2020", vec![JE, P1, P2]),
        ("best_at=1", vec![SI]),
        ("best_at=2", vec![SI, TM]),
        ("best_at=3", vec![SI, TM]),
        ("best_at=4", vec![]),
        ("top_at=2", vec![SI, TM]),
        ("recommended_at=4", vec![SI, TM]),
        ("recommended_at=5", vec![]),
        ("playtime_max=120", vec![SI, TM]),
        ("playtime_min=100", vec![TM]),
        ("playtime_max=150&playtime_source=community", vec![SI]),
        ("community_playtime_min=80", vec![TM]),
        ("playtime_max=120&playtime_experience=first_play", vec![]),
        ("playtime_max=180&playtime_experience=first_play", vec![TM]),
        ("playtime_max=100&playtime_experience=expert", vec![SI]),
        (
            "playtime_max=240&playtime_source=community&playtime_experience=first_play",
            vec![SI],
        ),
        // Synonyms resolve to their canonical term (D24).
        ("mechanics=area-majority", vec![SI]),
        // Empty lists are inactive.
        ("mechanics=&themes=", vec![HO, SI, BC, JE, NI, P1, P2, TM]),
        ("players=6&effective=true&type=base_game", vec![]),
    ] {
        assert_eq!(matching(&app, query).await, set(&expected), "{query}");
    }
}

#[tokio::test]
async fn filter_summary_describes_the_active_filters() {
    let (_db, app) = app().await;
    let r = get(
        &app,
        "/games?best_at=2&weight_min=2&weight_max=4&mechanics=hand-management",
    )
    .await;
    let summary = &r.json()["meta"]["filter_summary"];
    assert_eq!(summary["filters_applied"]["players"], "Best at 2 players");
    assert_eq!(
        summary["filters_applied"]["weight"],
        "Weight between 2.0 and 4.0"
    );
    assert_eq!(
        summary["filters_applied"]["mechanics"],
        "Includes any of: hand-management"
    );
    assert_eq!(summary["total_matching"], 2);
    assert_eq!(summary["total_unfiltered"], 8);
}

#[tokio::test]
async fn invalid_parameters_are_400_problems_with_one_entry_per_field() {
    let (_db, app) = app().await;
    let body = get(&app, "/games?players_min=5&players_max=2")
        .await
        .problem(400);
    assert_eq!(body["errors"][0]["field"], "players_min");
    assert_eq!(body["errors"][0]["code"], "invalid_range");
    assert!(
        body["instance"]
            .as_str()
            .unwrap()
            .starts_with("http://api.test/games?")
    );

    for (query, field) in [
        ("weight_min=6", "weight_min"),
        ("weight_max=0.5", "weight_max"),
        ("players=0", "players"),
        ("players=abc", "players"),
        ("playtime_min=-1", "playtime_min"),
        ("type=board", "type"),
        ("mode=party", "mode"),
        ("sort=price", "sort"),
        ("order=up", "order"),
        ("sort=best_at_distance", "sort"),
        ("playtime_source=box", "playtime_source"),
        ("playtime_experience=novice", "playtime_experience"),
        ("effective=maybe", "effective"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("year_min=2020&year_max=2010", "year_min"),
        ("cursor=garbage", "cursor"),
        ("players=2&players=3", "players"),
        ("players=", "players"),
        ("type=", "type"),
        ("effective=", "effective"),
        ("sort=", "sort"),
    ] {
        let body = get(&app, &format!("/games?{query}")).await.problem(400);
        let fields: Vec<&str> = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, [field], "{query}: {body}");
    }
    // Several bad fields: one entry each.
    let body = get(&app, "/games?weight_min=9&players=0&sort=x")
        .await
        .problem(400);
    assert_eq!(body["errors"].as_array().unwrap().len(), 3, "{body}");
}

#[tokio::test]
async fn unknown_slugs_are_422_problems_naming_the_field() {
    let (_db, app) = app().await;
    for (query, field) in [
        ("mechanics=cooperative-play", "mechanics"),
        ("mechanics_all=nope", "mechanics_all"),
        ("theme_not=environmental", "theme_not"),
        ("category=strategy", "category"),
        ("designer=r-eric-reuss", "designer"),
        ("publisher=nobody", "publisher"),
        ("family=none-such", "family"),
    ] {
        let body = get(&app, &format!("/games?{query}")).await.problem(422);
        assert_eq!(body["errors"][0]["field"], field, "{query}");
        assert_eq!(body["errors"][0]["code"], "unknown_value");
        assert_eq!(body["title"], "Unprocessable Entity");
    }
}

#[tokio::test]
async fn a_game_by_slug_and_by_uuid() {
    let (_db, app) = app().await;
    let by_slug = get(&app, "/games/spirit-island").await;
    assert_eq!(by_slug.status, 200, "{}", by_slug.text);
    let by_id = get(&app, "/games/01912f4c-7e3a-7b1a-8c5d-9f0e1a2b3c4d").await;
    assert_eq!(by_slug.json(), by_id.json());
    let g = by_slug.json();
    assert_eq!(g["bgg_id"], 162886);
    assert_eq!(g["language_dependence"], "moderate_text");
    assert!(g.get("parent_game_id").is_none());
    assert!(g.get("funding_source").is_none());
    assert_eq!(g["_links"]["self"]["href"], "/games/spirit-island");
    assert_eq!(
        g["_links"]["expansions"]["href"],
        "/games/spirit-island/expansions"
    );
    assert!(g.get("mechanics").is_none(), "no embeds without include");

    let g = get(
        &app,
        "/games/spirit-island?include=mechanics,themes,categories,bogus",
    )
    .await
    .json();
    let mechanics: Vec<(&str, i64)> = g["mechanics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["slug"].as_str().unwrap(),
                m["game_count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(mechanics.len(), 6);
    assert!(mechanics.contains(&("hand-management", 2)));
    assert!(mechanics.contains(&("variable-player-powers", 2)));
    assert!(mechanics.contains(&("cooperative", 1)));
    assert_eq!(g["themes"].as_array().unwrap().len(), 2);
    assert_eq!(g["categories"], json!([]));

    let g = get(&app, "/games/spirit-island?include=expansions")
        .await
        .json();
    let expansions: BTreeSet<String> = g["expansions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(expansions, set(&[HO, BC, JE, NI, P1, P2]));
    assert!(
        g["expansions"][0].get("expansions").is_none(),
        "one level deep"
    );
    let je = get(&app, "/games/spirit-island-jagged-earth").await.json();
    assert_eq!(je["_links"]["parent"]["href"], "/games/spirit-island");
    assert_eq!(je["_links"]["parent"]["title"], "Spirit Island");

    let body = get(&app, "/games/nope").await.problem(404);
    assert_eq!(body["detail"], "No game found with identifier 'nope'.");
    // The /v1 mount keeps its prefix in links.
    let g = get(&app, "/v1/games/spirit-island").await.json();
    assert_eq!(g["_links"]["self"]["href"], "/v1/games/spirit-island");
}

/// Every game once, in order, following `next` from the first page; then
/// back to the start with `prev`.
async fn traverse(app: &axum::Router, query: &str, limit: usize) -> Vec<String> {
    let mut seen = Vec::new();
    let mut pages: Vec<Vec<String>> = Vec::new();
    let mut uri = format!("/games?{query}&limit={limit}");
    let total;
    loop {
        let r = get(app, &uri).await;
        let body = r.json();
        let page = slugs(&r);
        assert!(page.len() <= limit);
        let has_more = body["meta"]["has_more"].as_bool().unwrap();
        assert_eq!(has_more, body["_links"].get("next").is_some(), "{query}");
        assert_eq!(
            has_more,
            body["meta"].get("next_cursor").is_some(),
            "{query}"
        );
        assert_eq!(
            !pages.is_empty(),
            body["_links"].get("prev").is_some(),
            "{query}"
        );
        seen.extend(page.iter().cloned());
        pages.push(page);
        if !has_more {
            total = body["meta"]["total"].as_u64().unwrap() as usize;
            break;
        }
        uri = body["_links"]["next"]["href"].as_str().unwrap().to_string();
        assert!(pages.len() < 100, "runaway paging");
    }
    assert_eq!(seen.len(), total, "{query}: total equals items visited");
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "{query}: no duplicates");
    // Backward: from the last page, prev links give the same pages in reverse.
    let mut back = vec![pages.last().unwrap().clone()];
    let mut r = get(app, &uri).await.json();
    while let Some(prev) = r["_links"].get("prev") {
        let reply = get(app, prev["href"].as_str().unwrap()).await;
        back.push(slugs(&reply));
        r = reply.json();
    }
    back.reverse();
    assert_eq!(back, pages, "{query}: backward pages");
    seen
}

#[tokio::test]
async fn keyset_paging_visits_every_game_once_for_every_sort_and_direction() {
    let (_db, app) = app().await;
    let r = get(&app, "/games?limit=3").await;
    assert_eq!(r.json()["meta"]["has_more"], true);
    for sort in [
        "name",
        "weight",
        "rating",
        "year_published",
        "community_playtime_median",
        "best_at_distance&players=2",
    ] {
        for order in ["asc", "desc"] {
            for limit in [1, 3] {
                let query = format!("sort={sort}&order={order}");
                let seen = traverse(&app, &query, limit).await;
                // `players=2` also filters: the promos (no player count) drop out.
                let expected = if sort.contains("players") { 6 } else { 8 };
                assert_eq!(seen.len(), expected, "{query}");
                // Against the full list in one page.
                let all = slugs(&get(&app, &format!("/games?{query}&limit=100")).await);
                assert_eq!(seen, all, "{query} limit {limit}");
            }
        }
    }
    // Distance to the nearest best-at count (SI best at 1–3, TM at 2–3).
    let all = slugs(
        &get(
            &app,
            "/games?sort=best_at_distance&players=1&type=base_game",
        )
        .await,
    );
    assert_eq!(all, [SI, TM]);
    let all = slugs(&get(&app, "/games?sort=best_at_distance&players=1&order=desc").await);
    assert_eq!(&all[..2], [TM, SI], "expansions (no ratings) last");
    let all = slugs(
        &get(
            &app,
            "/games?sort=best_at_distance&best_at=3&players=1&order=desc",
        )
        .await,
    );
    // D30: measured from best_at=3, where both are at distance 0 (ties on id).
    assert_eq!(
        all.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        BTreeSet::from([SI, TM])
    );
    // Weight descending: missing weights (the promos) last.
    let all = slugs(&get(&app, "/games?sort=weight&order=desc").await);
    assert_eq!(&all[..6], [NI, JE, BC, SI, TM, HO]);
    assert_eq!(
        set(&all[6..].iter().map(String::as_str).collect::<Vec<_>>()),
        set(&[P1, P2])
    );
    let all = slugs(&get(&app, "/games?sort=weight&order=asc").await);
    assert_eq!(&all[..6], [HO, TM, SI, BC, JE, NI]);
}

#[tokio::test]
async fn cursors_are_bound_to_their_query() {
    let (_db, app) = app().await;
    let body = get(&app, "/games?limit=2&type=base_game,expansion")
        .await
        .json();
    let cursor = body["meta"]["next_cursor"].as_str().unwrap().to_string();
    // Same query: fine (type order does not matter).
    let ok = get(
        &app,
        &format!("/games?limit=2&type=expansion,base_game&cursor={cursor}"),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    for other in [
        "type=base_game",
        "type=base_game,expansion&sort=weight",
        "type=base_game,expansion&order=desc",
    ] {
        let body = get(&app, &format!("/games?limit=2&{other}&cursor={cursor}"))
            .await
            .problem(400);
        assert_eq!(body["errors"][0]["code"], "foreign_cursor", "{other}");
    }
    let mut tampered = cursor.clone().into_bytes();
    tampered[4] = if tampered[4] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let body = get(
        &app,
        &format!("/games?limit=2&type=base_game,expansion&cursor={tampered}"),
    )
    .await
    .problem(400);
    assert_eq!(body["errors"][0]["code"], "tampered_cursor");
    let truncated = &cursor[..cursor.len() - 3];
    get(
        &app,
        &format!("/games?limit=2&type=base_game,expansion&cursor={truncated}"),
    )
    .await
    .problem(400);
}

#[tokio::test]
async fn post_search_takes_the_nested_filters() {
    let (_db, app) = app().await;
    let r = post_json(&app, "/games/search", &json!({})).await;
    // Default sort: rating (bayes) descending.
    let all = slugs(&r);
    assert_eq!(all.len(), 8);
    assert_eq!(all[0], SI, "bayes 8.21 tops the sample (TM 8.15)");
    assert_eq!(
        r.json()["_links"]["self"]["href"]
            .as_str()
            .unwrap()
            .split('?')
            .next(),
        Some("/games")
    );

    for (filters, expected) in [
        (json!({"players": {"exact": 4}}), vec![SI, BC, JE, NI, TM]),
        (
            json!({"players": {"exact": 5, "min": 1, "max": 6}}),
            vec![JE, NI, TM],
        ),
        (json!({"players": {"min": 1, "max": 5}}), vec![JE, NI, TM]),
        (json!({"weight": {"min": 4.0}}), vec![BC, JE, NI]),
        (
            json!({"mechanics": {"all": ["hand-management", "engine-building"]}}),
            vec![TM],
        ),
        (
            json!({"mechanics": {"not": ["cooperative"]}, "type": "base_game"}),
            vec![TM],
        ),
        (
            json!({"theme": {"include": ["fantasy", "space"]}}),
            vec![SI, TM],
        ),
        (
            json!({"theme": {"not": ["space"]}, "type": "base_game"}),
            vec![SI],
        ),
        (
            json!({"year": {"min": 2018, "max": 2020}}),
            vec![JE, P1, P2],
        ),
        (
            json!({"playtime": {"max": 100, "experience": "expert"}}),
            vec![SI],
        ),
        (json!({"mode": "cooperative"}), vec![SI]),
        (json!({"category": "engine-builder"}), vec![TM]),
    ] {
        let r = post_json(
            &app,
            "/games/search",
            &json!({"filters": filters, "future": 1}),
        )
        .await;
        let found: BTreeSet<String> = slugs(&r).into_iter().collect();
        assert_eq!(found, set(&expected), "{filters}");
    }

    let body = post_json(
        &app,
        "/games/search",
        &json!({"filters": {"players": {"min": "two"}}}),
    )
    .await
    .problem(400);
    assert_eq!(body["errors"][0]["field"], "filters.players.min");
    let body = post_json(
        &app,
        "/games/search",
        &json!({"filters": {"weight": {"min": 6}}}),
    )
    .await
    .problem(400);
    assert_eq!(body["errors"][0]["field"], "filters.weight.min");
    let body = post_json(
        &app,
        "/games/search",
        &json!({"filters": {"players": {"min": 5, "max": 2}}}),
    )
    .await
    .problem(400);
    assert_eq!(body["errors"][0]["field"], "filters.players.min");
    let body = post_json(&app, "/games/search", &json!({"sort": "price", "limit": 0}))
        .await
        .problem(400);
    assert_eq!(body["errors"].as_array().unwrap().len(), 2, "{body}");
    let body = post_json(
        &app,
        "/games/search",
        &json!({"filters": {"mechanics": {"any": ["cooperative-play"]}}}),
    )
    .await
    .problem(422);
    assert_eq!(body["errors"][0]["field"], "filters.mechanics.any");

    // Paging through POST: the cursor goes back in the body.
    let mut seen = Vec::new();
    let mut cursor: Option<Value> = None;
    loop {
        let mut body = json!({"limit": 3, "sort": "name", "order": "asc"});
        if let Some(c) = &cursor {
            body["cursor"] = c.clone();
        }
        let r = post_json(&app, "/games/search", &body).await;
        seen.extend(slugs(&r));
        match r.json()["meta"].get("next_cursor") {
            Some(c) => cursor = Some(c.clone()),
            None => break,
        }
    }
    assert_eq!(seen, [HO, SI, BC, JE, NI, P1, P2, TM]);
}

#[tokio::test]
async fn only_active_games_are_listed_and_archived_ones_are_gone() {
    use sea_orm::{ConnectionTrait, Statement};
    let db = TestDb::new().await;
    let state = db.state().await;
    import_upstream(&state).await;
    let conn = state.db.primary();
    conn.execute_raw(Statement::from_string(
        conn.get_database_backend(),
        "UPDATE games SET status = 'archived' WHERE slug = 'spirit-island-promo-pack-1'",
    ))
    .await
    .unwrap();
    conn.execute_raw(Statement::from_string(
        conn.get_database_backend(),
        "UPDATE games SET status = 'pending' WHERE slug = 'spirit-island-promo-pack-2'",
    ))
    .await
    .unwrap();
    let app = opentabletop::http::app(state);
    let all = slugs(&get(&app, "/games").await);
    assert_eq!(all, [HO, SI, BC, JE, NI, TM]);
    get(&app, "/games/spirit-island-promo-pack-1")
        .await
        .problem(410);
}

#[tokio::test]
async fn the_expansions_of_a_game() {
    let (_db, app) = app().await;
    let all = get(&app, "/games/spirit-island/expansions").await;
    assert_eq!(
        slugs(&all).into_iter().collect::<BTreeSet<_>>(),
        set(&[HO, BC, JE, NI, P1, P2])
    );
    let body = all.json();
    assert_eq!(body["meta"]["total"], 6);
    assert_eq!(body["meta"]["filter_summary"]["total_unfiltered"], 6);
    assert!(
        body["_links"]["self"]["href"]
            .as_str()
            .unwrap()
            .starts_with("/games/spirit-island/expansions?")
    );
    for (kind, expected) in [
        ("promo", vec![P1, P2]),
        ("standalone_expansion", vec![HO]),
        ("expansion", vec![BC, JE, NI]),
    ] {
        let r = get(
            &app,
            &format!("/games/spirit-island/expansions?type={kind}"),
        )
        .await;
        assert_eq!(
            slugs(&r).into_iter().collect::<BTreeSet<_>>(),
            set(&expected),
            "{kind}"
        );
    }
    // By UUID too, paged.
    let mut seen = Vec::new();
    let mut uri =
        "/games/01912f4c-7e3a-7b1a-8c5d-9f0e1a2b3c4d/expansions?limit=4&sort=year_published"
            .to_string();
    loop {
        let body = get(&app, &uri).await.json();
        seen.extend(
            body["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g["slug"].as_str().unwrap().to_string()),
        );
        match body["_links"].get("next") {
            Some(n) => uri = n["href"].as_str().unwrap().to_string(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6);
    assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), 6);

    let r = get(&app, "/games/terraforming-mars/expansions").await;
    assert_eq!(slugs(&r), Vec::<String>::new());
    assert_eq!(r.json()["meta"]["total"], 0);
    get(&app, "/games/nope/expansions").await.problem(404);
    let body = get(&app, "/games/spirit-island/expansions?type=base_game")
        .await
        .problem(400);
    assert_eq!(body["errors"][0]["field"], "type");
    let g = get(
        &app,
        "/games/spirit-island/expansions?include=mechanics&type=expansion",
    )
    .await
    .json();
    assert!(g["data"][0]["mechanics"].is_array());
}

#[tokio::test]
async fn expansion_model_includes_embed_the_sub_resources() {
    let (_db, app) = app().await;
    let g = get(
        &app,
        "/games/spirit-island?include=editions,effective_properties,experience_playtime,alternate_names,credits,awards,designers,publishers,polls",
    )
    .await
    .json();
    assert_eq!(g["editions"], json!([]));
    assert_eq!(g["effective_properties"]["combination_source"], "base_only");
    assert_eq!(g["effective_properties"]["applied_expansions"], json!([]));
    assert_eq!(
        g["effective_properties"]["base"]["best_at"],
        json!([1, 2, 3])
    );
    assert_eq!(g["experience_playtime"]["total_reports"], 15520);
    assert_eq!(g["experience_playtime"]["multipliers"]["first_play"], 1.57);
    assert_eq!(
        g["experience_playtime"],
        get(&app, "/games/spirit-island/experience-playtime")
            .await
            .json()
    );
    for key in [
        "alternate_names",
        "credits",
        "awards",
        "designers",
        "publishers",
    ] {
        assert_eq!(g[key], json!([]), "{key}");
    }
    // Per item of a list too; the embedded expansions carry them as well.
    let page = get(
        &app,
        "/games?type=base_game&include=experience_playtime,expansions",
    )
    .await
    .json();
    let tm = &page["data"][1];
    assert_eq!(tm["slug"], TM);
    assert_eq!(tm["experience_playtime"]["sufficient_data"], false, "D26");
    let si = &page["data"][0];
    assert_eq!(si["expansions"].as_array().unwrap().len(), 6);
    assert!(si["expansions"][0]["experience_playtime"].is_object());
}

#[tokio::test]
async fn hostile_input_is_a_400_never_a_500() {
    let (_db, app) = app().await;
    for uri in [
        "/games?mechanics=%00",
        "/games?designer=a%00b",
        "/games/spirit-island/expansions?sort=%00",
    ] {
        get(&app, uri).await.problem(400);
    }
    for body in [
        json!({"filters": {"year": [2017, 2020]}}),
        json!({"filters": {"players": [null, null]}}),
        json!({"filters": []}),
        json!([1, 2]),
        json!({"filters": {"designer": "a\u{0}b"}}),
        json!({"filters": {"mechanics": null}}),
        json!({"sort": null}),
    ] {
        post_json(&app, "/games/search", &body).await.problem(400);
    }
}

#[tokio::test]
async fn the_same_statement_text_always_binds_the_same_types() {
    // PostgreSQL prepares each statement text once per connection: the
    // community filters with and without `playtime_source` must not share a
    // text with different parameter types.
    let (_db, app) = app().await;
    for _ in 0..6 {
        assert_eq!(
            matching(&app, "playtime_min=90&playtime_source=community").await,
            set(&[TM])
        );
        assert_eq!(
            matching(&app, "community_playtime_min=80").await,
            set(&[TM])
        );
        assert_eq!(matching(&app, "playtime_min=90").await, set(&[SI, TM]));
    }
}

#[tokio::test]
async fn ignored_bounds_must_still_be_valid() {
    let (_db, app) = app().await;
    let body = post_json(
        &app,
        "/games/search",
        &json!({"filters": {"players": {"exact": 1, "max": 0}}}),
    )
    .await
    .problem(400);
    assert_eq!(body["errors"][0]["field"], "filters.players.max");
    let body = post_json(
        &app,
        "/games/search",
        &json!({"filters": {"players": {"min": 0}}}),
    )
    .await
    .problem(400);
    assert_eq!(body["errors"].as_array().unwrap().len(), 1, "{body}");
    get(&app, "/games/%00").await.problem(400);
    get(&app, "/designers/a%00").await.problem(400);
}
