//! Game sub-resources over the upstream samples, on the selected backend.

mod common;

use common::{TestDb, get};
use opentabletop::http;
use sea_orm::ConnectionTrait;

#[tokio::test]
async fn player_count_ratings_by_slug_or_uuid() {
    let db = TestDb::new().await;
    let state = db.state().await;
    common::import_upstream(&state).await;
    let app = http::app(state.clone());

    let reply = get(&app, "/games/spirit-island/player-count-ratings").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let body = reply.json();
    let counts: Vec<i64> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["player_count"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, [1, 2, 3, 4]);
    assert_eq!(body["data"][1]["average_rating"], 4.7);
    assert_eq!(body["data"][1]["rating_count"], 5210);
    assert_eq!(
        body["data"][0]["game_id"],
        "01912f4c-7e3a-7b1a-8c5d-9f0e1a2b3c4d"
    );
    assert_eq!(body["_links"]["game"]["href"], "/games/spirit-island");
    let by_id = get(
        &app,
        "/games/01912f4c-7e3a-7b1a-8c5d-9f0e1a2b3c4d/player-count-ratings",
    )
    .await;
    assert_eq!(by_id.json(), body);

    let tm = get(&app, "/games/terraforming-mars/player-count-ratings")
        .await
        .json();
    assert_eq!(tm["data"].as_array().unwrap().len(), 5);
    let promo = get(
        &app,
        "/games/spirit-island-promo-pack-1/player-count-ratings",
    )
    .await
    .json();
    assert_eq!(promo["data"], serde_json::json!([]));

    let body = get(&app, "/games/nonexistent-game/player-count-ratings")
        .await
        .problem(404);
    assert_eq!(
        body["detail"],
        "No game found with identifier 'nonexistent-game'."
    );

    state
        .db
        .primary()
        .execute_unprepared("UPDATE games SET status = 'archived' WHERE slug = 'terraforming-mars'")
        .await
        .unwrap();
    let body = get(&app, "/games/terraforming-mars/player-count-ratings")
        .await
        .problem(410);
    assert_eq!(body["type"], "https://api.opentabletop.org/problems/gone");
}

#[tokio::test]
async fn the_api_is_also_mounted_under_v1_with_links_to_match() {
    let db = TestDb::new().await;
    let state = db.state().await;
    common::import_upstream(&state).await;
    let app = http::app(state.clone());

    // Lists: links carry the prefix the request came in on, and lead on.
    let first = get(&app, "/v1/mechanics?limit=50").await.json();
    let next = first["_links"]["next"]["href"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(next.starts_with("/v1/mechanics?"), "{next}");
    let second = get(&app, &next).await.json();
    let root_next = get(&app, "/mechanics?limit=50").await.json()["_links"]["next"]["href"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(second["data"], get(&app, &root_next).await.json()["data"]);
    assert!(
        second["_links"]["prev"]["href"]
            .as_str()
            .unwrap()
            .starts_with("/v1/mechanics?")
    );
    assert_eq!(first["meta"]["total"], 121);

    // Root and /v1 answer the same data; only the links differ.
    let root = get(&app, "/games/spirit-island/player-count-ratings")
        .await
        .json();
    let v1 = get(&app, "/v1/games/spirit-island/player-count-ratings")
        .await
        .json();
    assert_eq!(root["data"], v1["data"]);
    assert_eq!(v1["_links"]["game"]["href"], "/v1/games/spirit-island");
    assert_eq!(root["_links"]["game"]["href"], "/games/spirit-island");

    // Problems name the URL as requested.
    let body = get(&app, "/v1/games/nope/player-count-ratings")
        .await
        .problem(404);
    assert_eq!(
        body["instance"],
        "http://api.test/v1/games/nope/player-count-ratings"
    );
    // Probes and docs are not versioned.
    get(&app, "/v1/health").await.problem(404);
}
