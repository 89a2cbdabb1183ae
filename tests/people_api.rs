//! `GET /designers`, `/designers/{id}`, `/publishers`, `/publishers/{id}`
//! over the demo catalog, on the selected backend.

mod common;

use std::collections::HashSet;

use common::{TestDb, get};
use opentabletop::http::{self, AppState};

async fn app_with_demo() -> (TestDb, AppState, axum::Router) {
    let db = TestDb::new().await;
    let state = db.state().await;
    let known = opentabletop::storage::import::known(state.db.primary())
        .await
        .unwrap();
    let (catalog, _) =
        opentabletop::catalog::build(&opentabletop::catalog::demo::sources(), &known, true)
            .unwrap();
    opentabletop::storage::import::write(state.db.primary(), &catalog, &|_, _, _| {})
        .await
        .unwrap();
    let app = http::app(state.clone());
    (db, state, app)
}

async fn all(app: &axum::Router, first: &str) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let mut url = first.to_string();
    loop {
        let body = get(app, &url).await.json();
        out.extend(body["data"].as_array().unwrap().iter().cloned());
        match body["_links"]["next"]["href"].as_str() {
            Some(next) => url = next.to_string(),
            None => break,
        }
    }
    out
}

#[tokio::test]
async fn designers_are_people_who_designed_games() {
    let (_db, _state, app) = app_with_demo().await;
    let designers = all(&app, "/designers?limit=9").await;
    let first = get(&app, "/designers").await.json();
    assert_eq!(first["meta"]["total"], designers.len());
    let slugs: Vec<&str> = designers
        .iter()
        .map(|d| d["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs.iter().collect::<HashSet<_>>().len(), slugs.len());
    let mut sorted = slugs.clone();
    sorted.sort();
    assert_eq!(slugs, sorted);
    assert!(
        designers
            .iter()
            .all(|d| d["game_count"].as_i64().unwrap() >= 1)
    );

    let one = &designers[0];
    let slug = one["slug"].as_str().unwrap();
    assert_eq!(one["_links"]["self"]["href"], format!("/designers/{slug}"));
    assert_eq!(
        one["_links"]["games"]["href"],
        format!("/games?designer={slug}")
    );
    let by_slug = get(&app, &format!("/designers/{slug}")).await;
    assert_eq!(by_slug.status, 200);
    let by_id = get(&app, &format!("/designers/{}", one["id"].as_str().unwrap())).await;
    assert_eq!(by_slug.json(), by_id.json());
    assert_eq!(&by_slug.json(), one);

    let body = get(&app, "/designers/nobody-at-all").await.problem(404);
    assert_eq!(
        body["detail"],
        "No designer found with identifier 'nobody-at-all'."
    );
}

#[tokio::test]
async fn publishers_list_and_resolve_by_id_or_slug() {
    let (_db, _state, app) = app_with_demo().await;
    let publishers = all(&app, "/publishers?limit=20").await;
    assert_eq!(
        get(&app, "/publishers").await.json()["meta"]["total"],
        publishers.len()
    );
    assert!(publishers.len() >= 10);
    assert!(
        publishers
            .iter()
            .any(|p| p["country"].as_str().is_some_and(|c| c.len() == 2))
    );
    assert!(
        !serde_json::Value::Array(publishers.clone())
            .to_string()
            .contains("null")
    );
    let p = &publishers[publishers.len() / 2];
    let by_id = get(&app, &format!("/publishers/{}", p["id"].as_str().unwrap())).await;
    assert_eq!(&by_id.json(), p);
    get(&app, "/publishers/no-such-house").await.problem(404);
    let body = get(&app, "/publishers?limit=0").await.problem(400);
    assert_eq!(body["errors"][0]["field"], "limit");
}
