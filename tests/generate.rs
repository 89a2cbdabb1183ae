//! `opentabletop generate` output goes through the importer on the selected
//! backend, and a second import of it changes nothing.

mod common;

use std::process::Command;

#[tokio::test]
async fn generated_catalog_imports_and_reimports_unchanged() {
    let db = common::TestDb::new().await;
    let out = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_opentabletop");
    let generated = Command::new(bin)
        .args(["generate", "--games", "400", "--seed", "42", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(generated.status.success(), "{generated:?}");

    let import = || {
        Command::new(bin)
            .env_clear()
            .envs(&db.vars)
            .arg("import")
            .arg(out.path())
            .output()
            .unwrap()
    };
    if db.is_postgres() {
        let migrate = Command::new(bin)
            .env_clear()
            .envs(&db.vars)
            .arg("migrate")
            .output()
            .unwrap();
        assert!(migrate.status.success());
    }
    let first = import();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );

    let database = opentabletop::storage::Database::connect(&db.config())
        .await
        .unwrap();
    let conn = database.primary();
    let snapshot = || async {
        let mut out = Vec::new();
        for table in [
            "games",
            "game_mechanics",
            "property_modifications",
            "expansion_combinations",
            "player_count_ratings",
        ] {
            out.push(common::count(conn, table).await);
        }
        out
    };
    let before = snapshot().await;
    assert_eq!(before[0], 400);
    assert!(before[2] > 0 && before[3] > 0, "{before:?}");
    let games = opentabletop::storage::entities::game::Entity::find_all_sorted(conn).await;

    let second = import();
    assert!(second.status.success());
    assert_eq!(snapshot().await, before);
    assert_eq!(
        opentabletop::storage::entities::game::Entity::find_all_sorted(conn).await,
        games
    );
}
