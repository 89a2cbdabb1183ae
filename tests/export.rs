//! GET /export/games: manifest, CSV header, row counts and headers (D18),
//! the same filters as GET /games, streaming across many batches.

mod common;

use common::{TestDb, get, import_generated, import_upstream, schema};
use serde_json::Value;

async fn sample_app() -> (TestDb, axum::Router) {
    let db = TestDb::new().await;
    let state = db.state().await;
    import_upstream(&state).await;
    (db, opentabletop::http::app(state))
}

fn lines_of(text: &str) -> Vec<&str> {
    text.lines().collect()
}

#[tokio::test]
async fn jsonl_export_of_the_sample_data() {
    let (_db, app) = sample_app().await;
    let r = get(&app, "/export/games").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("content-type"), "application/jsonl");
    assert_eq!(r.header("x-export-format"), "jsonl");
    assert_eq!(r.header("x-export-row-count"), "8");
    assert_eq!(r.header("x-export-schema-version"), "0.1.0");
    let generated = r.header("x-export-generated-at");
    assert!(
        chrono::DateTime::parse_from_rfc3339(generated).is_ok(),
        "{generated}"
    );
    assert!(
        r.header("content-disposition")
            .starts_with("attachment; filename=\"opentabletop-games-"),
        "{}",
        r.header("content-disposition")
    );
    assert!(r.header("content-disposition").ends_with(".jsonl\""));
    let lines = lines_of(&r.text);
    assert_eq!(lines.len(), 9);
    let manifest: Value = serde_json::from_str(lines[0]).unwrap();
    schema::check_component("ExportManifest", &manifest);
    assert_eq!(manifest["format"], "jsonl");
    assert_eq!(manifest["row_count"], 8);
    assert_eq!(manifest["schema_version"], "0.1.0");
    assert_eq!(manifest["filters_applied"], serde_json::json!({}));
    for line in &lines[1..] {
        let game: Value = serde_json::from_str(line).unwrap();
        schema::check_component("Game", &game);
        schema::no_nulls(&game, "$");
    }

    let r = get(&app, "/export/games?type=base_game").await;
    let lines = lines_of(&r.text);
    let manifest: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(manifest["row_count"], 2);
    assert_eq!(
        manifest["filters_applied"]["type"],
        "Type is any of: base_game"
    );
    let slugs: Vec<String> = lines[1..]
        .iter()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["slug"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(slugs, ["spirit-island", "terraforming-mars"]);
}

#[tokio::test]
async fn csv_export_of_the_sample_data() {
    let (_db, app) = sample_app().await;
    let r = get(&app, "/export/games?format=csv").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(r.header("x-export-format"), "csv");
    assert_eq!(r.header("x-export-row-count"), "8");
    let mut reader = csv::Reader::from_reader(r.text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        &header[..9],
        [
            "id",
            "slug",
            "name",
            "type",
            "year_published",
            "min_players",
            "max_players",
            "weight",
            "average_rating"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 8);
    let si = rows.iter().find(|r| &r[1] == "spirit-island").unwrap();
    assert_eq!(&si[0], "01912f4c-7e3a-7b1a-8c5d-9f0e1a2b3c4d");
    assert_eq!(&si[3], "base_game");
    assert_eq!(&si[7], "3.86");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mechanics: Vec<&str> = si[col("mechanics")].split('|').collect();
    assert_eq!(mechanics.len(), 6);
    assert!(mechanics.contains(&"cooperative"));
    assert_eq!(si[col("rating_distribution")].split('|').count(), 10);
}

#[tokio::test]
async fn export_validates_like_the_list() {
    let (_db, app) = sample_app().await;
    let body = get(&app, "/export/games?format=xml").await.problem(400);
    assert_eq!(body["errors"][0]["field"], "format");
    let body = get(&app, "/export/games?weight_min=9").await.problem(400);
    assert_eq!(body["errors"][0]["field"], "weight_min");
    let body = get(&app, "/export/games?mechanics=nope").await.problem(422);
    assert_eq!(body["errors"][0]["field"], "mechanics");
}

#[tokio::test]
async fn a_large_export_streams_every_matching_game_once() {
    let db = TestDb::new().await;
    let state = db.state().await;
    import_generated(&state, 700, 7).await;
    let app = opentabletop::http::app(state);
    for query in ["", "players=3&weight_max=3.5", "type=expansion"] {
        let list = get(&app, &format!("/games?{query}&limit=1")).await.json();
        let total = list["meta"]["total"].as_u64().unwrap();
        let r = get(&app, &format!("/export/games?format=jsonl&{query}")).await;
        assert_eq!(r.header("x-export-row-count"), total.to_string(), "{query}");
        let lines = lines_of(&r.text);
        assert_eq!(lines.len() as u64, total + 1, "{query}");
        let mut slugs: Vec<String> = lines[1..]
            .iter()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["slug"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        let in_order = slugs.clone();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len() as u64, total, "{query}: each game once");
        let csv = get(&app, &format!("/export/games?format=csv&{query}")).await;
        let rows = csv::Reader::from_reader(csv.text.as_bytes())
            .records()
            .count();
        assert_eq!(rows as u64, total, "{query}: csv rows");
        // Name order, as the list's first page shows.
        if let Some(first) = list["data"][0]["slug"].as_str() {
            assert_eq!(in_order[0], first, "{query}");
        }
    }
}

#[tokio::test]
async fn a_compressed_export_arrives_whole() {
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let (_db, app) = sample_app().await;
    for _ in 0..5 {
        let response = app
            .clone()
            .oneshot(
                Request::get("/export/games?format=csv")
                    .header("host", "api.test")
                    .header("accept-encoding", "gzip")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.headers()["content-encoding"], "gzip");
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("whole body")
            .to_bytes();
        assert!(!bytes.is_empty());
    }
}
