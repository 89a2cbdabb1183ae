//! The expansion model over HTTP — effective properties (D8, D37),
//! relationships (D7), editions and experience playtime (D26) — on the
//! upstream samples (SPEC-NOTES §5.2) and on the demo catalog, on the
//! selected backend.

mod common;

use common::{TestDb, get};
use opentabletop::http;
use serde_json::{Value, json};

const SI: &str = "01912f4c-7e3a-7b1a-8c5d-9f0e1a2b3c4d";
const SI_JE: &str = "01912f4c-9b3c-7d4e-af50-1b2c3d4e5f60";

async fn demo_app() -> (TestDb, axum::Router) {
    let db = TestDb::new().await;
    let state = db.state().await;
    common::import_demo(&state).await;
    (db, http::app(state))
}

async fn ok(app: &axum::Router, uri: &str) -> Value {
    let reply = get(app, uri).await;
    assert_eq!(reply.status, 200, "{uri}: {}", reply.text);
    let body = reply.json();
    // `common::call` has validated it against both contracts, nulls included (D1).
    body
}

/// The eight resolved values of `base` or `effective`, without `experience_playtime`.
fn values(v: &Value) -> Value {
    let mut v = v.clone();
    v.as_object_mut().unwrap().remove("experience_playtime");
    v
}

fn slugs(body: &Value) -> Vec<String> {
    body["applied_expansions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn edges(body: &Value) -> Vec<(String, String, String)> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let slug = |rel: &str| {
                e["_links"][rel]["href"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string()
            };
            (
                slug("source"),
                e["relationship_type"].as_str().unwrap().to_string(),
                slug("target"),
            )
        })
        .collect()
}

fn edge(source: &str, kind: &str, target: &str) -> (String, String, String) {
    (source.into(), kind.into(), target.into())
}

#[tokio::test]
async fn upstream_samples_answer_as_section_5_2_expects() {
    let db = TestDb::new().await;
    let state = db.state().await;
    common::import_upstream(&state).await;
    let app = http::app(state);

    // Base only.
    let body = ok(&app, "/games/spirit-island/effective-properties").await;
    let base = json!({
        "min_players": 1, "max_players": 4,
        "min_playtime_minutes": 90, "max_playtime_minutes": 120,
        "weight": 3.86, "min_age": 13,
        "best_at": [1, 2, 3], "recommended_at": [1, 2, 3, 4],
    });
    assert_eq!(body["base"], base);
    assert_eq!(values(&body["effective"]), base);
    assert_eq!(body["combination_source"], "base_only");
    assert_eq!(body["applied_expansions"], json!([]));
    assert_eq!(body["edition_source"], "none");
    assert!(body.get("edition_id").is_none());
    assert!(body.get("individual_effects").is_none());
    // The base game's own experience profile.
    let profile = &body["effective"]["experience_playtime"];
    assert_eq!(profile["game_id"], SI);
    assert_eq!(profile["total_reports"], 15520);

    // No delta data: a requested expansion (by slug or UUID) changes nothing.
    for with in ["spirit-island-jagged-earth", SI_JE] {
        let body = ok(
            &app,
            &format!("/games/spirit-island/effective-properties?with={with}"),
        )
        .await;
        assert_eq!(body["combination_source"], "base_only", "{with}");
        assert_eq!(body["applied_expansions"], json!([]));
        assert_eq!(values(&body["effective"]), base);
    }
    // By UUID too, for the base game.
    let by_id = ok(&app, &format!("/games/{SI}/effective-properties")).await;
    assert_eq!(by_id["base"], base);

    // Unknown expansion: 404 naming it.
    let problem = get(
        &app,
        "/games/spirit-island/effective-properties?with=does-not-exist",
    )
    .await
    .problem(404);
    assert_eq!(
        problem["detail"],
        "Expansion 'does-not-exist' not found for game 'spirit-island'."
    );
    // Exists but is not an expansion of this game: 422 naming it.
    let problem = get(
        &app,
        "/games/spirit-island/effective-properties?with=terraforming-mars",
    )
    .await
    .problem(422);
    assert_eq!(problem["errors"][0]["field"], "with");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("'terraforming-mars'"),
        "{problem}"
    );
    let problem = get(
        &app,
        "/games/terraforming-mars/effective-properties?with=spirit-island-jagged-earth",
    )
    .await
    .problem(422);
    assert_eq!(problem["errors"][0]["field"], "with");
    // 404 wins over 422 when both occur.
    get(
        &app,
        "/games/spirit-island/effective-properties?with=terraforming-mars,nope",
    )
    .await
    .problem(404);
    // Unknown game, unknown edition.
    get(&app, "/games/nope/effective-properties")
        .await
        .problem(404);
    let problem = get(&app, "/games/spirit-island/effective-properties?edition=x")
        .await
        .problem(404);
    assert_eq!(
        problem["detail"],
        "Edition 'x' not found for game 'spirit-island'."
    );

    // Experience playtime.
    let body = ok(&app, "/games/spirit-island/experience-playtime").await;
    assert_eq!(
        body,
        json!({
            "game_id": SI,
            "levels": [
                {"game_id": SI, "experience_level": "first_play", "median_minutes": 165,
                 "min_minutes": 120, "max_minutes": 240, "total_reports": 1420},
                {"game_id": SI, "experience_level": "learning", "median_minutes": 130,
                 "min_minutes": 95, "max_minutes": 180, "total_reports": 3210},
                {"game_id": SI, "experience_level": "experienced", "median_minutes": 105,
                 "min_minutes": 75, "max_minutes": 150, "total_reports": 8740},
                {"game_id": SI, "experience_level": "expert", "median_minutes": 85,
                 "min_minutes": 60, "max_minutes": 120, "total_reports": 2150},
            ],
            "multipliers": {"first_play": 1.57, "learning": 1.24, "experienced": 1.0, "expert": 0.81},
            "sufficient_data": true,
            "total_reports": 15520,
        })
    );
    assert_eq!(
        ok(&app, &format!("/games/{SI}/experience-playtime")).await,
        body
    );
    // D26: a game without data.
    let tm = ok(&app, "/games/terraforming-mars/experience-playtime").await;
    assert_eq!(tm["levels"], json!([]));
    assert_eq!(tm["sufficient_data"], false);
    assert_eq!(tm["total_reports"], 0);
    assert!(tm.get("multipliers").is_none());
    assert_eq!(tm["game_id"], "01923a5b-8c4d-7e6f-9071-a1b2c3d4e5f6");
    get(&app, "/games/nope/experience-playtime")
        .await
        .problem(404);
    // Without experience data, the effective answer has no profile.
    let body = ok(&app, "/games/terraforming-mars/effective-properties").await;
    assert!(body["effective"].get("experience_playtime").is_none());
    assert_eq!(body["base"]["best_at"], json!([2, 3]));

    // Relationships: the samples carry no relationship file; the edges are
    // derived from `parent_game_id` (D7: the base is the source): 5 `expands`,
    // and `integrates_with` with the standalone Horizons both ways.
    let body = ok(&app, "/games/spirit-island/relationships").await;
    assert_eq!(body["data"].as_array().unwrap().len(), 7, "{body}");
    let body = ok(&app, "/games/spirit-island/relationships?type=expands").await;
    let edges = body["data"].as_array().unwrap();
    assert_eq!(edges.len(), 5);
    assert!(
        edges
            .iter()
            .all(|e| e["source_game_id"] == "01912f4c-7e3a-7b1a-8c5d-9f0e1a2b3c4d")
    );
    let body = ok(
        &app,
        "/games/spirit-island/relationships?type=integrates_with",
    )
    .await;
    assert_eq!(body["data"].as_array().unwrap().len(), 2);
    let body = ok(&app, "/games/terraforming-mars/relationships").await;
    assert_eq!(body["data"], json!([]));
    assert_eq!(
        body["_links"]["self"]["href"],
        "/games/terraforming-mars/relationships"
    );
    get(&app, "/games/nope/relationships").await.problem(404);
    let problem = get(&app, "/games/spirit-island/relationships?type=bogus")
        .await
        .problem(400);
    assert_eq!(problem["errors"][0]["field"], "type");
    let problem = get(
        &app,
        "/games/spirit-island/relationships?direction=sideways",
    )
    .await
    .problem(400);
    assert_eq!(problem["errors"][0]["field"], "direction");

    // Editions: none tracked.
    let body = ok(&app, "/games/spirit-island/editions").await;
    assert_eq!(body["game_id"], SI);
    assert_eq!(body["editions"], json!([]));
    assert!(body.get("canonical_edition_id").is_none());
    assert!(body.get("_embedded").is_none());
    let body = ok(&app, "/games/spirit-island/editions?include=deltas").await;
    assert_eq!(body["_embedded"]["deltas"], json!([]));
    get(&app, "/games/spirit-island/editions?include=bogus")
        .await
        .problem(400);
    get(&app, "/games/nope/editions").await.problem(404);
}

#[tokio::test]
async fn archived_games_are_gone() {
    use sea_orm::ConnectionTrait;
    let db = TestDb::new().await;
    let state = db.state().await;
    common::import_upstream(&state).await;
    state
        .db
        .primary()
        .execute_unprepared("UPDATE games SET status = 'archived' WHERE slug = 'terraforming-mars'")
        .await
        .unwrap();
    let app = http::app(state);
    for path in [
        "effective-properties",
        "relationships",
        "editions",
        "experience-playtime",
    ] {
        get(&app, &format!("/games/terraforming-mars/{path}"))
            .await
            .problem(410);
    }
}

#[tokio::test]
async fn demo_curated_computed_and_base_only() {
    let (_db, app) = demo_app().await;
    let uri = |with: &str| format!("/games/spirit-island/effective-properties?with={with}");

    // Curated {B&C, JE}: explicit, its own values and experience data.
    let body = ok(
        &app,
        &uri("spirit-island-branch-and-claw,spirit-island-jagged-earth"),
    )
    .await;
    assert_eq!(body["combination_source"], "explicit");
    assert_eq!(
        slugs(&body),
        [
            "spirit-island-branch-and-claw",
            "spirit-island-jagged-earth"
        ]
    );
    assert_eq!(
        values(&body["effective"]),
        json!({
            "min_players": 1, "max_players": 6,
            "min_playtime_minutes": 105, "max_playtime_minutes": 180,
            "weight": 4.22, "min_age": 13,
            "best_at": [2, 3], "recommended_at": [1, 2, 3, 4],
        })
    );
    let base = json!({
        "min_players": 1, "max_players": 4,
        "min_playtime_minutes": 90, "max_playtime_minutes": 120,
        "weight": 4.06, "min_age": 13,
        "best_at": [1, 2, 3], "recommended_at": [1, 2, 3, 4],
    });
    assert_eq!(body["base"], base);
    let experience = &body["effective"]["experience_playtime"];
    assert_eq!(experience["levels"][0]["median_minutes"], 200);
    assert_eq!(experience["total_reports"], 310 + 780 + 1940 + 520);
    assert_eq!(
        experience["multipliers"],
        json!({"first_play": 1.6, "learning": 1.28, "experienced": 1.0, "expert": 0.8})
    );
    let effects = body["individual_effects"].as_object().unwrap();
    assert_eq!(
        effects.keys().collect::<Vec<_>>(),
        [
            "spirit-island-branch-and-claw",
            "spirit-island-jagged-earth"
        ]
    );
    assert_eq!(
        body["individual_effects"]["spirit-island-jagged-earth"],
        json!({
            "min_players_delta": 0, "max_players_delta": 2, "weight_delta": 0.18,
            "playtime_min_delta": 15, "playtime_max_delta": 30, "min_age_delta": 0,
            "description": "Boards and presence for five or six spirits; larger islands take longer.",
        })
    );
    assert_eq!(body["edition_source"], "none");

    // Any order, duplicates, slugs mixed with UUIDs: the same set.
    let je_id = ok(&app, "/games/spirit-island-jagged-earth/relationships").await["data"][0]
        ["target_game_id"]
        .as_str()
        .unwrap()
        .to_string();
    let body2 = ok(
        &app,
        &uri(&format!(
            "{je_id},spirit-island-branch-and-claw,spirit-island-jagged-earth,%20spirit-island-branch-and-claw"
        )),
    )
    .await;
    assert_eq!(body2["combination_source"], "explicit");
    assert_eq!(
        slugs(&body2),
        [
            "spirit-island-jagged-earth",
            "spirit-island-branch-and-claw"
        ],
        "request order, slugs even for UUIDs"
    );
    assert_eq!(values(&body2["effective"]), values(&body["effective"]));

    // Curated {B&C, JE, NI}: a superset is its own record.
    let body = ok(
        &app,
        &uri("spirit-island-nature-incarnate,spirit-island-jagged-earth,spirit-island-branch-and-claw"),
    )
    .await;
    assert_eq!(body["combination_source"], "explicit");
    assert_eq!(body["effective"]["weight"], 4.3);
    assert_eq!(body["effective"]["min_playtime_minutes"], 120);
    assert_eq!(body["effective"]["best_at"], json!([2]));
    // No curated experience data: the base game's profile.
    assert_eq!(
        body["effective"]["experience_playtime"]["levels"][0]["median_minutes"],
        170
    );

    // A single expansion: computed from its deltas.
    let body = ok(&app, &uri("spirit-island-jagged-earth")).await;
    assert_eq!(body["combination_source"], "computed");
    assert_eq!(slugs(&body), ["spirit-island-jagged-earth"]);
    assert_eq!(
        values(&body["effective"]),
        json!({
            "min_players": 1, "max_players": 6,
            "min_playtime_minutes": 105, "max_playtime_minutes": 150,
            "weight": 4.24, "min_age": 13,
            "best_at": [1, 2, 3], "recommended_at": [1, 2, 3, 4],
        })
    );
    assert_eq!(
        body["effective"]["experience_playtime"]["multipliers"],
        json!({"first_play": 1.62, "learning": 1.29, "experienced": 1.0, "expert": 0.81})
    );

    // A pair without a curated record: summed.
    let body = ok(
        &app,
        &uri("spirit-island-jagged-earth,spirit-island-nature-incarnate"),
    )
    .await;
    assert_eq!(body["combination_source"], "computed");
    assert_eq!(body["effective"]["max_players"], 6);
    assert_eq!(body["effective"]["min_playtime_minutes"], 115);
    assert_eq!(body["effective"]["max_playtime_minutes"], 170);
    assert_eq!(body["effective"]["weight"], 4.44);

    // D37: only the expansions whose deltas were applied.
    let body = ok(
        &app,
        &uri("spirit-island-promo-pack-1,spirit-island-horizons"),
    )
    .await;
    assert_eq!(body["combination_source"], "computed");
    assert_eq!(slugs(&body), ["spirit-island-horizons"]);
    assert_eq!(body["effective"]["weight"], 3.94);
    assert_eq!(
        body["individual_effects"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["spirit-island-horizons"]
    );

    // No data for the requested expansion: base only.
    let body = ok(&app, &uri("spirit-island-promo-pack-1")).await;
    assert_eq!(body["combination_source"], "base_only");
    assert_eq!(body["applied_expansions"], json!([]));
    assert_eq!(values(&body["effective"]), base);
    assert!(body.get("individual_effects").is_none());

    // An expansion of another base game: 422.
    let problem = get(&app, &uri("terraforming-mars-prelude"))
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["field"], "with");
    assert_eq!(problem["errors"][0]["code"], "not_an_expansion");

    // Links keep the mount.
    let body = ok(
        &app,
        "/v1/games/spirit-island/effective-properties?with=spirit-island-jagged-earth",
    )
    .await;
    assert_eq!(body["_links"]["game"]["href"], "/v1/games/spirit-island");
    assert_eq!(
        body["_links"]["self"]["href"],
        "/v1/games/spirit-island/effective-properties?with=spirit-island-jagged-earth"
    );
}

#[tokio::test]
async fn demo_editions_and_edition_selection() {
    let (_db, app) = demo_app().await;

    let body = ok(&app, "/games/agricola/editions").await;
    let editions = body["editions"].as_array().unwrap();
    assert_eq!(editions.len(), 2);
    assert_eq!(editions[0]["slug"], "agricola-first-edition");
    assert_eq!(editions[0]["is_canonical"], true);
    assert_eq!(body["canonical_edition_id"], editions[0]["id"]);
    assert_eq!(editions[1]["is_canonical"], false);
    assert_eq!(editions[1]["publisher_ids"].as_array().unwrap().len(), 2);
    assert_eq!(editions[1]["release_status"], "released");
    assert_eq!(editions[1]["game_id"], body["game_id"]);
    assert_eq!(editions[1]["_links"]["game"]["href"], "/games/agricola");
    assert!(
        editions[1]["_links"]["self"]["href"]
            .as_str()
            .unwrap()
            .starts_with("/games/agricola/editions")
    );
    assert!(body.get("_embedded").is_none());
    assert!(editions.iter().all(|e| e.get("deltas").is_none()));

    let body = ok(&app, "/games/agricola/editions?include=deltas").await;
    let deltas = body["_embedded"]["deltas"].as_array().unwrap();
    assert_eq!(deltas.len(), 1, "the canonical edition has none");
    let revised = &body["editions"][1];
    assert_eq!(deltas[0]["edition_id"], revised["id"]);
    assert_eq!(deltas[0]["game_id"], body["game_id"]);
    assert_eq!(deltas[0]["max_players_delta"], -1);
    assert_eq!(deltas[0]["min_players_delta"], 0);
    assert_eq!(deltas[0]["weight_delta"], -0.12);
    assert!(deltas[0]["rules_changes"].is_string());
    assert_eq!(revised["deltas"], deltas[0]);
    assert!(body["editions"][0].get("deltas").is_none());

    // Three editions on Pandemic: the canonical first, then by year.
    let body = ok(&app, "/v1/games/pandemic/editions?include=deltas").await;
    let names: Vec<&str> = body["editions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "pandemic-2013-edition",
            "pandemic-first-edition",
            "pandemie-pegasus"
        ]
    );
    assert_eq!(body["_embedded"]["deltas"].as_array().unwrap().len(), 2);
    assert_eq!(
        body["editions"][0]["_links"]["game"]["href"],
        "/v1/games/pandemic"
    );

    // Effective properties: the canonical edition by default ...
    let body = ok(&app, "/games/agricola/effective-properties").await;
    assert_eq!(body["edition_source"], "canonical");
    assert_eq!(body["edition_id"], editions[0]["id"]);
    assert_eq!(body["base"]["max_players"], 5);
    assert_eq!(body["base"]["weight"], 3.64);
    // ... or the chosen one, by slug or UUID, applied before anything else.
    let revised_id = revised["id"].as_str().unwrap();
    for edition in ["agricola-revised-edition", revised_id] {
        let body = ok(
            &app,
            &format!("/games/agricola/effective-properties?edition={edition}"),
        )
        .await;
        assert_eq!(body["edition_source"], "explicit");
        assert_eq!(body["edition_id"], revised_id);
        assert_eq!(body["base"]["max_players"], 4);
        assert_eq!(body["base"]["weight"], 3.52);
        assert_eq!(values(&body["effective"]), body["base"]);
        assert_eq!(body["combination_source"], "base_only");
        for n in body["base"]["best_at"].as_array().unwrap() {
            assert!((1..=4).contains(&n.as_i64().unwrap()), "{body}");
        }
    }
    // Choosing the canonical edition explicitly changes nothing but the source.
    let body = ok(
        &app,
        "/games/agricola/effective-properties?edition=agricola-first-edition",
    )
    .await;
    assert_eq!(body["edition_source"], "explicit");
    assert_eq!(body["base"]["max_players"], 5);
    get(
        &app,
        "/games/agricola/effective-properties?edition=agricola-nope",
    )
    .await
    .problem(404);
    // An edition of another game is unknown here.
    get(
        &app,
        "/games/agricola/effective-properties?edition=pandemic-first-edition",
    )
    .await
    .problem(404);

    // A game without editions.
    let body = ok(&app, "/games/azul/editions").await;
    assert_eq!(body["editions"], json!([]));
    assert!(body.get("canonical_edition_id").is_none());
    let body = ok(&app, "/games/azul/effective-properties").await;
    assert_eq!(body["edition_source"], "none");
}

#[tokio::test]
async fn demo_relationships_of_every_type_and_direction() {
    let (_db, app) = demo_app().await;

    let body = ok(&app, "/games/spirit-island/relationships").await;
    let all = edges(&body);
    assert_eq!(all.len(), 7, "{all:?}");
    // Outbound first: five expansions and the standalone it integrates with.
    for target in [
        "spirit-island-branch-and-claw",
        "spirit-island-jagged-earth",
        "spirit-island-nature-incarnate",
        "spirit-island-promo-pack-1",
        "spirit-island-promo-pack-2",
    ] {
        assert!(all.contains(&edge("spirit-island", "expands", target)));
    }
    assert!(all.contains(&edge(
        "spirit-island",
        "integrates_with",
        "spirit-island-horizons"
    )));
    // integrates_with is stored both ways (D7).
    assert_eq!(
        all.last().unwrap(),
        &edge("spirit-island-horizons", "integrates_with", "spirit-island")
    );
    let first = &body["data"][0];
    assert!(first["source_game_id"].is_string() && first["target_game_id"].is_string());
    assert_eq!(first["_links"]["source"]["title"], "Spirit Island");
    assert_eq!(first["_links"]["source"]["href"], "/games/spirit-island");
    assert!(first["_links"]["target"]["title"].is_string());
    assert_eq!(
        body["_links"]["self"]["href"],
        "/games/spirit-island/relationships"
    );
    let je = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["_links"]["target"]["href"] == "/games/spirit-island-jagged-earth")
        .unwrap();
    assert_eq!(
        je["metadata"],
        json!({"adds_components": true, "adds_spirits": 10})
    );

    let body = ok(
        &app,
        "/games/spirit-island/relationships?type=integrates_with",
    )
    .await;
    assert_eq!(edges(&body).len(), 2);
    assert_eq!(
        body["_links"]["self"]["href"],
        "/games/spirit-island/relationships?type=integrates_with"
    );
    let body = ok(&app, "/games/spirit-island/relationships?type=expands").await;
    assert_eq!(edges(&body).len(), 5);
    let body = ok(
        &app,
        "/games/spirit-island/relationships?type=integrates_with&direction=inbound",
    )
    .await;
    assert_eq!(
        edges(&body),
        [edge(
            "spirit-island-horizons",
            "integrates_with",
            "spirit-island"
        )]
    );
    let body = ok(
        &app,
        "/games/spirit-island/relationships?direction=outbound",
    )
    .await;
    assert_eq!(edges(&body).len(), 6);
    let body = ok(&app, "/games/spirit-island/relationships?type=requires").await;
    assert_eq!(body["data"], json!([]));

    // The expansion's side of the same edge.
    let body = ok(
        &app,
        "/games/spirit-island-jagged-earth/relationships?direction=inbound",
    )
    .await;
    assert_eq!(
        edges(&body),
        [edge(
            "spirit-island",
            "expands",
            "spirit-island-jagged-earth"
        )]
    );
    let body = ok(
        &app,
        "/games/spirit-island-jagged-earth/relationships?direction=outbound",
    )
    .await;
    assert_eq!(body["data"], json!([]));

    // contains: the big box holds the base game and three expansions.
    let body = ok(
        &app,
        "/games/carcassonne-big-box/relationships?type=contains&direction=outbound",
    )
    .await;
    let contained = edges(&body);
    assert_eq!(contained.len(), 4);
    assert!(contained.contains(&edge("carcassonne-big-box", "contains", "carcassonne")));
    let body = ok(&app, "/games/carcassonne/relationships?direction=inbound").await;
    assert_eq!(
        edges(&body),
        [edge("carcassonne-big-box", "contains", "carcassonne")]
    );

    // requires: the dependent is the target.
    let body = ok(
        &app,
        "/games/catan-cities-and-knights-5-6-player-extension/relationships?type=requires",
    )
    .await;
    let required = edges(&body);
    assert_eq!(required.len(), 2);
    assert!(required.contains(&edge(
        "catan-cities-and-knights",
        "requires",
        "catan-cities-and-knights-5-6-player-extension"
    )));
    assert!(required.contains(&edge(
        "catan-5-6-player-extension",
        "requires",
        "catan-cities-and-knights-5-6-player-extension"
    )));

    // reimplements: the original is the source.
    let body = ok(&app, "/games/zooloretto/relationships?type=reimplements").await;
    assert_eq!(
        edges(&body),
        [edge("coloretto", "reimplements", "zooloretto")]
    );
    let body = ok(
        &app,
        "/games/coloretto/relationships?type=reimplements&direction=outbound",
    )
    .await;
    assert_eq!(
        edges(&body),
        [edge("coloretto", "reimplements", "zooloretto")]
    );

    // recommends.
    let body = ok(
        &app,
        "/v1/games/terraforming-mars/relationships?type=recommends",
    )
    .await;
    assert_eq!(
        edges(&body),
        [edge(
            "terraforming-mars",
            "recommends",
            "terraforming-mars-big-box"
        )]
    );
    assert_eq!(
        body["data"][0]["_links"]["target"]["href"],
        "/v1/games/terraforming-mars-big-box"
    );
    assert_eq!(
        body["_links"]["self"]["href"],
        "/v1/games/terraforming-mars/relationships?type=recommends"
    );

    // Every type of the contract appears somewhere in the demo catalog.
    let mut seen = std::collections::BTreeSet::new();
    for game in [
        "spirit-island",
        "carcassonne-big-box",
        "catan",
        "catan-cities-and-knights-5-6-player-extension",
        "coloretto",
        "terraforming-mars",
    ] {
        let body = ok(&app, &format!("/games/{game}/relationships")).await;
        for (_, kind, _) in edges(&body) {
            seen.insert(kind);
        }
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        [
            "contains",
            "expands",
            "integrates_with",
            "recommends",
            "reimplements",
            "requires"
        ]
    );
}

#[tokio::test]
async fn demo_experience_playtime() {
    let (_db, app) = demo_app().await;
    let body = ok(&app, "/games/spirit-island/experience-playtime").await;
    assert_eq!(body["levels"].as_array().unwrap().len(), 4);
    assert_eq!(body["sufficient_data"], true);
    assert_eq!(body["total_reports"], 1380 + 3150 + 8600 + 2210);
    assert_eq!(body["multipliers"]["first_play"], 1.62);
    assert_eq!(body["multipliers"]["experienced"], 1.0);
    let levels: Vec<&str> = body["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["experience_level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["first_play", "learning", "experienced", "expert"]);

    // D26.
    let body = ok(&app, "/games/azul/experience-playtime").await;
    assert_eq!(body["levels"], json!([]));
    assert_eq!(body["sufficient_data"], false);
    assert_eq!(body["total_reports"], 0);
}

#[tokio::test]
async fn demo_candidates_for_effective_filtering() {
    use opentabletop::domain::effective;
    use opentabletop::storage::expansions as store;
    use std::collections::HashMap;

    let db = TestDb::new().await;
    let state = db.state().await;
    common::import_demo(&state).await;
    let conn = state.db.primary();
    let si = store::find_games(conn, &["spirit-island".to_string()])
        .await
        .unwrap()
        .remove(0);
    let carcassonne = store::find_games(conn, &["carcassonne".to_string()])
        .await
        .unwrap()
        .remove(0);
    let azul = store::find_games(conn, &["azul".to_string()])
        .await
        .unwrap()
        .remove(0);
    let models = store::expansion_models_for(conn, &[si.id, carcassonne.id, azul.id])
        .await
        .unwrap();
    assert!(!models.contains_key(&azul.id), "no expansion data");
    assert_eq!(models[&carcassonne.id].combinations.len(), 2);
    let names = store::expansion_names_for(conn, &[si.id]).await.unwrap();
    let slugs: HashMap<_, _> = names.iter().map(|n| (n.id, n.slug.clone())).collect();
    let model = &models[&si.id];
    let list = effective::candidates(
        &si.values,
        None,
        &model.deltas(),
        &model.domain_combinations(),
        &slugs,
    );
    let got: Vec<(Vec<&str>, u8)> = list
        .iter()
        .map(|c| {
            (
                c.expansions
                    .iter()
                    .map(|id| slugs[id].trim_start_matches("spirit-island-"))
                    .collect(),
                c.tier(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (vec!["branch-and-claw", "jagged-earth"], 1),
            (
                vec!["branch-and-claw", "jagged-earth", "nature-incarnate"],
                1
            ),
            (vec!["branch-and-claw"], 2),
            (vec!["horizons"], 2),
            (vec!["jagged-earth"], 2),
            (vec!["nature-incarnate"], 2),
            (
                vec![
                    "branch-and-claw",
                    "horizons",
                    "jagged-earth",
                    "nature-incarnate"
                ],
                2
            ),
        ]
    );
    // The values match what the endpoint answers for the same set.
    assert_eq!(list[0].resolution.effective.max_players, Some(6));
    assert_eq!(list[0].resolution.effective.weight, Some(4.22));
    assert_eq!(list[4].resolution.effective.weight, Some(4.24));
    assert_eq!(list[6].resolution.effective.weight, Some(4.44));
}
