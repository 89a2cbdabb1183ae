//! `GET /mechanics`, `/categories`, `/themes` over the upstream data, on the
//! selected backend: complete keyset traversal both ways, counts of active
//! games, and 400 problems for bad limits and bad cursors.

mod common;

use std::collections::HashSet;

use common::{TestDb, get};
use opentabletop::http::{self, AppState};

async fn app_with_upstream() -> (TestDb, AppState, axum::Router) {
    let db = TestDb::new().await;
    let state = db.state().await;
    common::import_upstream(&state).await;
    let app = http::app(state.clone());
    (db, state, app)
}

/// Follows `next` links from the first page; returns slugs per page.
async fn forward(app: &axum::Router, first: &str) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut url = first.to_string();
    loop {
        let reply = get(app, &url).await;
        assert_eq!(reply.status, 200, "{url}: {}", reply.text);
        let body = reply.json();
        pages.push(
            body["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["slug"].as_str().unwrap().to_string())
                .collect(),
        );
        assert!(!body.to_string().contains("null"), "never null: {body}");
        match body["_links"]["next"]["href"].as_str() {
            Some(next) => {
                assert_eq!(body["meta"]["has_more"], true);
                url = next.to_string();
            }
            None => {
                assert_eq!(body["meta"]["has_more"], false);
                assert!(body["meta"].get("next_cursor").is_none());
                break;
            }
        }
        assert!(pages.len() < 200, "runaway pagination");
    }
    pages
}

#[tokio::test]
async fn every_term_is_visited_exactly_once_in_slug_order() {
    let (_db, _state, app) = app_with_upstream().await;
    for (path, total) in [("/mechanics", 121), ("/categories", 32), ("/themes", 43)] {
        let pages = forward(&app, &format!("{path}?limit=7")).await;
        let all: Vec<String> = pages.iter().flatten().cloned().collect();
        assert_eq!(all.len(), total, "{path}");
        assert_eq!(
            all.iter().collect::<HashSet<_>>().len(),
            total,
            "no duplicates"
        );
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(all, sorted, "{path} in slug order");
        assert_eq!(pages.len(), total.div_ceil(7));
        let first = get(&app, path).await.json();
        assert_eq!(first["meta"]["total"], total);
        assert_eq!(first["meta"]["limit"], 25);
        assert!(first["meta"].get("prev_cursor").is_none());
    }
}

#[tokio::test]
async fn prev_cursors_walk_back_to_the_first_page() {
    let (_db, _state, app) = app_with_upstream().await;
    let pages = forward(&app, "/mechanics?limit=10").await;
    // From the last page, follow `prev` to the start.
    let mut url = "/mechanics?limit=10".to_string();
    for _ in 0..pages.len() - 1 {
        url = get(&app, &url).await.json()["_links"]["next"]["href"]
            .as_str()
            .unwrap()
            .to_string();
    }
    let mut back = Vec::new();
    loop {
        let body = get(&app, &url).await.json();
        back.push(
            body["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["slug"].as_str().unwrap().to_string())
                .collect::<Vec<_>>(),
        );
        match body["_links"]["prev"]["href"].as_str() {
            Some(prev) => url = prev.to_string(),
            None => break,
        }
    }
    back.reverse();
    assert_eq!(back, pages);
}

#[tokio::test]
async fn game_counts_count_active_games() {
    let (_db, _state, app) = app_with_upstream().await;
    let body = get(&app, "/mechanics?limit=100").await.json();
    let count = |slug: &str| {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["slug"] == slug)
            .map(|t| t["game_count"].clone())
            .unwrap()
    };
    assert_eq!(count("hand-management"), 2);
    assert_eq!(count("cooperative"), 1);
    assert_eq!(count("dice-rolling"), 0);
}

#[tokio::test]
async fn bad_limits_and_cursors_are_400_problems() {
    let (_db, _state, app) = app_with_upstream().await;
    for (url, code) in [
        ("/mechanics?limit=0", "invalid_range"),
        ("/mechanics?limit=101", "invalid_range"),
        ("/mechanics?limit=ten", "invalid_value"),
        ("/mechanics?cursor=garbage", "invalid_cursor"),
    ] {
        let body = get(&app, url).await.problem(400);
        assert_eq!(body["errors"][0]["code"], code, "{url}: {body}");
    }
    let next = get(&app, "/mechanics?limit=5").await.json()["meta"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_string();
    // Truncated and tampered.
    let body = get(
        &app,
        &format!("/mechanics?cursor={}", &next[..next.len() - 4]),
    )
    .await
    .problem(400);
    assert_eq!(body["errors"][0]["field"], "cursor");
    let mut chars: Vec<char> = next.chars().collect();
    chars[3] = if chars[3] == 'x' { 'y' } else { 'x' };
    let tampered: String = chars.into_iter().collect();
    let body = get(&app, &format!("/mechanics?cursor={tampered}"))
        .await
        .problem(400);
    assert_eq!(body["errors"][0]["code"], "tampered_cursor");
    // A cursor of another list.
    let body = get(&app, &format!("/categories?cursor={next}"))
        .await
        .problem(400);
    assert_eq!(body["errors"][0]["code"], "foreign_cursor");
}

#[tokio::test]
async fn the_contract_sort_parameters_apply_by_name() {
    let (_db, _state, app) = app_with_upstream().await;
    let asc: Vec<String> = forward(&app, "/mechanics?limit=40").await.concat();
    let desc: Vec<String> = forward(&app, "/mechanics?limit=40&order=desc")
        .await
        .concat();
    let mut reversed = asc.clone();
    reversed.reverse();
    assert_eq!(desc, reversed);
    assert_eq!(desc.len(), 121);
    let named: Vec<String> = forward(&app, "/categories?sort=name&order=asc&limit=7")
        .await
        .concat();
    assert_eq!(named.len(), 32);
    // Backward from the second page of a descending list returns its first page.
    let first = get(&app, "/themes?order=desc&limit=5").await.json();
    let second = get(&app, first["_links"]["next"]["href"].as_str().unwrap())
        .await
        .json();
    let back = get(&app, second["_links"]["prev"]["href"].as_str().unwrap())
        .await
        .json();
    assert_eq!(back["data"], first["data"]);
    for bad in [
        "/mechanics?sort=weight",
        "/designers?sort=zzz",
        "/publishers?order=up",
    ] {
        let body = get(&app, bad).await.problem(400);
        assert!(
            matches!(body["errors"][0]["field"].as_str(), Some("sort" | "order")),
            "{body}"
        );
    }
    // A cursor of the ascending list does not continue the descending one.
    let cursor = get(&app, "/mechanics?limit=5").await.json()["meta"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_string();
    get(
        &app,
        &format!("/mechanics?limit=5&order=desc&cursor={cursor}"),
    )
    .await
    .problem(400);
}
