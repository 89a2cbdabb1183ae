//! Storage on the selected backend: the schema migrates up, down and up again,
//! the entities match it, reads without replicas use the primary, and an
//! unreachable database fails after the connect budget.

mod common;

use std::time::{Duration, Instant};

use migration::MigratorTrait;
use opentabletop::storage::entities::game;
use opentabletop::storage::{Database, migrate};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

fn sample_game(slug: &str) -> game::ActiveModel {
    let mut model = common::game_model(slug);
    model.name = Set("Spirit Island".into());
    model.sort_name = Set("spirit island".into());
    model.min_players = Set(Some(1));
    model.max_players = Set(Some(4));
    model.weight = Set(Some(3.86));
    model.rating_distribution = Set(Some(serde_json::json!([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])));
    model
}

#[tokio::test]
async fn schema_migrates_up_down_and_up_again() {
    let db = common::TestDb::new().await;
    let database = Database::connect(&db.config()).await.unwrap();
    let conn = database.primary();
    let applied = migrate::apply(conn).await.unwrap();
    assert_eq!(applied, migrate::known_migrations());
    assert!(migrate::apply(conn).await.unwrap().is_empty(), "idempotent");
    assert!(migrate::status(conn).await.unwrap().is_current());

    migration::Migrator::down(conn, None).await.unwrap();
    let status = migrate::status(conn).await.unwrap();
    assert_eq!(status.pending, migrate::known_migrations());

    migrate::apply(conn).await.unwrap();
    assert!(migrate::status(conn).await.unwrap().is_current());
}

#[tokio::test]
async fn game_entity_round_trips_through_the_schema() {
    let db = common::TestDb::new().await;
    let state = db.state().await;
    let inserted = sample_game("spirit-island")
        .insert(state.db.primary())
        .await
        .unwrap();
    let found = state
        .db
        .read(|conn| async move {
            game::Entity::find()
                .filter(game::Column::Slug.eq("spirit-island"))
                .one(&conn)
                .await
        })
        .await
        .unwrap()
        .expect("the game is there");
    assert_eq!(found, inserted);
    assert_eq!(found.weight, Some(3.86));
    assert_eq!(found.rating_distribution.unwrap()[9], 9);

    // Slugs are unique.
    let duplicate = sample_game("spirit-island")
        .insert(state.db.primary())
        .await;
    assert!(duplicate.is_err());
}

#[tokio::test]
async fn full_text_search_structures_exist() {
    let db = common::TestDb::new().await;
    let state = db.state().await;
    sample_game("spirit-island")
        .insert(state.db.primary())
        .await
        .unwrap();
    let conn = state.db.primary();
    let sql = match conn.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            "SELECT COUNT(*) AS n FROM games \
             WHERE search_vector @@ websearch_to_tsquery('simple', 'spirit') \
             AND similarity(name, 'Spirt Iland') > 0.3"
        }
        _ => "SELECT COUNT(*) AS n FROM games_fts WHERE games_fts MATCH 'piri'",
    };
    let row = conn
        .query_one_raw(sea_orm::Statement::from_string(
            conn.get_database_backend(),
            sql,
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<i64>("", "n").unwrap(), 1);
}

#[tokio::test]
async fn unreachable_postgres_fails_after_the_connect_budget() {
    let mut db = common::TestDb::new().await;
    db.set("DATABASE_URL", "postgres://nobody:secret@127.0.0.1:1/none")
        .set("DATABASE_CONNECT_TIMEOUT", "1")
        .set("DATABASE_ACQUIRE_TIMEOUT", "1");
    let started = Instant::now();
    let result = Database::connect(&db.config()).await;
    assert!(result.is_err());
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "retried until the budget ran out"
    );
    assert!(started.elapsed() < Duration::from_secs(15), "then gave up");
}
