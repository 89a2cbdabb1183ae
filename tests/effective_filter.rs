//! `effective=true` on GET /games, POST /games/search and export (D28, D31,
//! D33) over the demo catalog: a base game matches through its own values or
//! one materialized candidate; `matched_via` names the candidate, and its
//! values equal what GET /games/{id}/effective-properties resolves for the
//! same set. Runs on SQLite, and on PostgreSQL with OPENTABLETOP_TEST_POSTGRES.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{TestDb, get, import_demo, post_json};
use serde_json::{Value, json};

async fn demo_app() -> (TestDb, axum::Router) {
    let db = TestDb::new().await;
    let state = db.state().await;
    import_demo(&state).await;
    (db, opentabletop::http::app(state))
}

async fn all(app: &axum::Router, query: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let mut uri = format!("/games?{query}&limit=100");
    loop {
        let r = get(app, &uri).await;
        assert_eq!(r.status, 200, "{query}: {}", r.text);
        let body = r.json();
        for g in body["data"].as_array().unwrap() {
            out.insert(g["slug"].as_str().unwrap().to_string(), g.clone());
        }
        match body["_links"].get("next") {
            Some(n) => uri = n["href"].as_str().unwrap().to_string(),
            None => break,
        }
    }
    out
}

/// Whether resolved values (BaseProperties field names) satisfy the
/// effective dimensions of a query.
fn satisfies(values: &Value, dims: &[(&str, f64)]) -> bool {
    let num = |k: &str| values.get(k).and_then(Value::as_f64);
    let has = |k: &str, n: f64| {
        values[k]
            .as_array()
            .is_some_and(|l| l.iter().any(|v| v.as_f64() == Some(n)))
    };
    dims.iter().all(|&(dim, n)| match dim {
        "players" => {
            num("min_players").is_some_and(|v| v <= n) && num("max_players").is_some_and(|v| v >= n)
        }
        "best_at" => has("best_at", n),
        "recommended_at" => has("recommended_at", n),
        "playtime_max" => num("max_playtime_minutes").is_some_and(|v| v <= n),
        "playtime_min" => num("min_playtime_minutes").is_some_and(|v| v >= n),
        "weight_min" => num("weight").is_some_and(|v| v >= n),
        "weight_max" => num("weight").is_some_and(|v| v <= n),
        other => panic!("{other}"),
    })
}

#[tokio::test]
async fn effective_results_are_base_matches_plus_candidate_matches() {
    let (_db, app) = demo_app().await;
    let queries: Vec<Vec<(&str, f64)>> = vec![
        vec![("players", 6.0)],
        vec![("players", 5.0), ("weight_max", 3.0)],
        vec![("best_at", 4.0)],
        vec![("recommended_at", 5.0), ("playtime_max", 90.0)],
        vec![("playtime_min", 100.0)],
        vec![("weight_min", 3.5)],
        vec![
            ("players", 7.0),
            ("weight_min", 2.0),
            ("playtime_max", 240.0),
        ],
    ];
    let mut matched_through_candidates = 0;
    for dims in queries {
        let q: Vec<String> = dims.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let q = q.join("&");
        let plain = all(&app, &q).await;
        let effective = all(&app, &format!("{q}&effective=true")).await;
        let plain_keys: BTreeSet<&String> = plain.keys().collect();
        let effective_keys: BTreeSet<&String> = effective.keys().collect();
        assert!(
            plain_keys.is_subset(&effective_keys),
            "{q}: base matches stay"
        );
        for (slug, game) in &effective {
            match game.get("matched_via") {
                None => assert!(
                    plain.contains_key(slug),
                    "{q}: {slug} matched without matched_via"
                ),
                Some(via) => {
                    matched_through_candidates += 1;
                    assert!(
                        !plain.contains_key(slug),
                        "{q}: {slug} matches on its own values"
                    );
                    assert_eq!(game["type"], "base_game", "{q}: {slug}");
                    let tier = via["resolution_tier"].as_u64().unwrap();
                    let kind = via["type"].as_str().unwrap();
                    assert!(
                        (tier == 1 && kind == "expansion_combination")
                            || (tier == 2 && kind == "delta_sum"),
                        "{via}"
                    );
                    assert!(
                        satisfies(&via["effective_properties"], &dims),
                        "{q}: {slug}: {via}"
                    );
                    // The materialized values equal an on-the-fly resolution.
                    let with: Vec<&str> = via["expansions"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|e| e["slug"].as_str().unwrap())
                        .collect();
                    let resolved = get(
                        &app,
                        &format!("/games/{slug}/effective-properties?with={}", with.join(",")),
                    )
                    .await
                    .json();
                    let expected_source = if tier == 1 { "explicit" } else { "computed" };
                    assert_eq!(
                        resolved["combination_source"], expected_source,
                        "{slug} {with:?}"
                    );
                    for field in [
                        "min_players",
                        "max_players",
                        "min_playtime_minutes",
                        "max_playtime_minutes",
                        "weight",
                        "best_at",
                        "recommended_at",
                    ] {
                        assert_eq!(
                            resolved["effective"].get(field),
                            via["effective_properties"].get(field),
                            "{slug} {with:?} {field}"
                        );
                    }
                }
            }
        }
        // The same through POST and export.
        let mut filters = json!({"effective": true});
        for &(dim, n) in &dims {
            let (group, key) = match dim {
                "players" => ("players", "exact"),
                "best_at" => ("players", "best_at"),
                "recommended_at" => ("players", "recommended_at"),
                "playtime_max" => ("playtime", "max"),
                "playtime_min" => ("playtime", "min"),
                "weight_min" => ("weight", "min"),
                _ => ("weight", "max"),
            };
            filters[group][key] = if group == "weight" {
                json!(n)
            } else {
                json!(n as i64)
            };
        }
        let body = post_json(
            &app,
            "/games/search",
            &json!({"filters": filters, "limit": 100}),
        )
        .await;
        assert_eq!(body.status, 200, "{}", body.text);
        let posted: BTreeSet<String> = body.json()["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["slug"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            posted.iter().collect::<BTreeSet<_>>(),
            effective_keys,
            "{q}: POST = GET"
        );
        let export = get(&app, &format!("/export/games?{q}&effective=true")).await;
        assert_eq!(
            export.header("x-export-row-count"),
            effective.len().to_string(),
            "{q}: export counts the same games"
        );
    }
    assert!(
        matched_through_candidates >= 3,
        "the demo exercises effective mode"
    );
}

#[tokio::test]
async fn a_curated_combination_is_tried_before_single_expansions() {
    let (_db, app) = demo_app().await;
    // Terraforming Mars in the demo: Prelude makes it best at 4 on its own
    // (delta), and the curated Prelude + Venus Next set says so too; curated
    // sets come first (D28), fewest expansions first.
    let plain = all(&app, "best_at=4&type=base_game").await;
    assert!(!plain.contains_key("terraforming-mars"));
    let effective = all(&app, "best_at=4&type=base_game&effective=true").await;
    let via = &effective["terraforming-mars"]["matched_via"];
    assert_eq!(via["type"], "expansion_combination", "{via}");
    assert_eq!(via["resolution_tier"], 1);
    let slugs: Vec<&str> = via["expansions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        ["terraforming-mars-prelude", "terraforming-mars-venus-next"]
    );
    // Not a dimension effective mode changes: the same answer either way.
    let a = all(&app, "mechanics=engine-building").await;
    let b = all(&app, "mechanics=engine-building&effective=true").await;
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    assert!(b.values().all(|g| g.get("matched_via").is_none()));
}
