//! GET /search on the upstream sample data and on the demo catalog (D20):
//! hits across types, scores in 0..1 descending, paging, validation.

mod common;

use std::collections::BTreeSet;

use common::{TestDb, get, import_upstream};
use serde_json::Value;

async fn sample_app() -> (TestDb, axum::Router) {
    let db = TestDb::new().await;
    let state = db.state().await;
    import_upstream(&state).await;
    (db, opentabletop::http::app(state))
}

fn hits(body: &Value) -> Vec<(String, String, f64)> {
    body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|h| {
            let kind = h["result_type"].as_str().unwrap().to_string();
            let slug = h[&kind]["slug"]
                .as_str()
                .unwrap_or_else(|| panic!("{h}"))
                .to_string();
            (kind, slug, h["score"].as_f64().unwrap())
        })
        .collect()
}

fn descending(hits: &[(String, String, f64)]) {
    for w in hits.windows(2) {
        assert!(w[0].2 >= w[1].2, "{hits:?}");
    }
    assert!(hits.iter().all(|h| (0.0..=1.0).contains(&h.2)), "{hits:?}");
}

#[tokio::test]
async fn the_expected_answers_on_the_sample_data() {
    let (_db, app) = sample_app().await;
    let body = get(&app, "/search?q=spirit").await.json();
    let found = hits(&body);
    descending(&found);
    let games: BTreeSet<&str> = found
        .iter()
        .filter(|h| h.0 == "game")
        .map(|h| h.1.as_str())
        .collect();
    assert_eq!(games.len(), 7, "{found:?}");
    assert!(!games.contains("terraforming-mars"));
    assert_eq!(body["meta"]["total"], found.len());
    assert_eq!(found[0].1, "spirit-island", "the plainest name ranks first");

    let found = hits(&get(&app, "/search?q=terraforming").await.json());
    assert_eq!(
        found[0],
        ("game".into(), "terraforming-mars".into(), found[0].2)
    );
    let found = hits(&get(&app, "/search?q=Terraforming%20Mars").await.json());
    assert_eq!(found[0].2, 1.0, "an exact name scores 1.0");

    // Typos still find the game.
    let found = hits(&get(&app, "/search?q=terraformin%20mras").await.json());
    assert!(
        found.iter().any(|h| h.1 == "terraforming-mars"),
        "{found:?}"
    );

    // Vocabulary terms.
    let found = hits(
        &get(&app, "/search?q=hand%20management&type=mechanic")
            .await
            .json(),
    );
    assert_eq!(found[0].1, "hand-management");
    assert!(found.iter().all(|h| h.0 == "mechanic"));

    let body = get(&app, "/search?q=spirit&type=designer").await.json();
    assert_eq!(body["meta"]["total"], 0);
    assert_eq!(body["data"], serde_json::json!([]));
}

#[tokio::test]
async fn search_validates_its_parameters() {
    let (_db, app) = sample_app().await;
    for (query, field) in [
        ("q=s", "q"),
        ("", "q"),
        ("q=%20%20x", "q"),
        ("q=spirit&type=theme", "type"),
        ("q=spirit&limit=0", "limit"),
        ("q=spirit&cursor=junk", "cursor"),
        ("q=a%00b", "q"),
    ] {
        let body = get(&app, &format!("/search?{query}")).await.problem(400);
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }
}

#[tokio::test]
async fn paging_through_the_results_visits_each_hit_once() {
    let db = TestDb::new().await;
    let state = db.state().await;
    common::import_demo(&state).await;
    let app = opentabletop::http::app(state);
    let all = get(&app, "/search?q=the&limit=100").await.json();
    let everything = hits(&all);
    descending(&everything);
    assert!(everything.len() > 5, "{everything:?}");
    let mut seen = Vec::new();
    let mut uri = "/search?q=the&limit=4".to_string();
    let mut pages = 0;
    loop {
        let body = get(&app, &uri).await.json();
        seen.extend(hits(&body));
        pages += 1;
        match body["_links"].get("next") {
            Some(next) => uri = next["href"].as_str().unwrap().to_string(),
            None => break,
        }
    }
    assert!(pages > 1);
    assert_eq!(seen, everything);
    // And back.
    let body = get(&app, &uri).await.json();
    let prev = body["_links"]["prev"]["href"].as_str().unwrap().to_string();
    let back = hits(&get(&app, &prev).await.json());
    let n = seen.len();
    let last_page = hits(&body).len();
    assert_eq!(back, seen[n - last_page - 4..n - last_page]);
}
