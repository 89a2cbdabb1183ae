//! `opentabletop import` on the selected backend: the upstream sample data,
//! idempotent re-import, and failures that name their location and write
//! nothing. Reads the upstream data from ../shared/opentabletop/data.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use opentabletop::storage::Database;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

fn upstream() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/opentabletop/data")
}

fn run(db: &common::TestDb, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_opentabletop"))
        .env_clear()
        .envs(&db.vars)
        .args(args)
        .output()
        .unwrap()
}

use common::count;

const TABLES: &[&str] = &[
    "games",
    "mechanics",
    "categories",
    "themes",
    "taxonomy_synonyms",
    "game_mechanics",
    "game_categories",
    "game_themes",
    "game_identifiers",
    "player_count_ratings",
    "experience_playtime_polls",
];

async fn counts(conn: &DatabaseConnection) -> Vec<i64> {
    let mut out = Vec::new();
    for t in TABLES {
        out.push(count(conn, t).await);
    }
    out
}

/// A fresh, migrated database without the demo catalog.
async fn empty_db() -> (common::TestDb, Database) {
    let db = common::TestDb::new().await;
    let database = Database::connect(&db.config()).await.unwrap();
    opentabletop::storage::migrate::apply(database.primary())
        .await
        .unwrap();
    (db, database)
}

/// A copy of the upstream data that a test may corrupt.
fn upstream_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&upstream(), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[tokio::test]
async fn upstream_samples_import_with_the_expected_counts() {
    let (db, database) = empty_db().await;
    let out = run(&db, &["import", upstream().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = database.primary();
    assert_eq!(count(conn, "games").await, 8);
    assert_eq!(count(conn, "mechanics").await, 121);
    assert_eq!(count(conn, "categories").await, 32);
    assert_eq!(count(conn, "themes").await, 43);
    assert_eq!(count(conn, "player_count_ratings").await, 9);
    assert_eq!(count(conn, "experience_playtime_polls").await, 4);
    // Spirit Island 6 mechanics; Terraforming Mars 5 (`drafting` resolves to card-drafting).
    assert_eq!(count(conn, "game_mechanics").await, 11);
    assert_eq!(count(conn, "game_categories").await, 1);
    assert_eq!(count(conn, "game_themes").await, 4);

    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT slug, bgg_id, language_dependence, parent_game_id FROM games \
             WHERE slug IN ('spirit-island', 'spirit-island-horizons') ORDER BY slug",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<String>("", "slug").unwrap(), "spirit-island");
    assert_eq!(
        row.try_get::<Option<i32>>("", "bgg_id").unwrap(),
        Some(162886)
    );
    assert_eq!(
        row.try_get::<Option<String>>("", "language_dependence")
            .unwrap()
            .as_deref(),
        Some("moderate_text"),
        "the sample's `moderate` is normalised"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "samples/spirit-island/game.yaml:64: categories[0]: unknown category 'strategy'"
        ),
        "unknown slugs are warnings with file and line: {stderr}"
    );
}

#[tokio::test]
async fn re_import_changes_nothing() {
    let (db, database) = empty_db().await;
    let dir = upstream();
    assert!(
        run(&db, &["import", dir.to_str().unwrap()])
            .status
            .success()
    );
    let conn = database.primary();
    let before = counts(conn).await;
    let games_before = opentabletop::storage::entities::game::Entity::find_all_sorted(conn).await;
    let again = run(&db, &["import", dir.to_str().unwrap()]);
    assert!(again.status.success());
    assert_eq!(counts(conn).await, before);
    assert_eq!(
        opentabletop::storage::entities::game::Entity::find_all_sorted(conn).await,
        games_before
    );
}

/// Corrupts one file of a copy of the upstream data, imports it, and checks
/// the failure names the place and leaves the database as it was.
async fn rejected(edit: impl Fn(&Path), extra: &[&str], expect: &str) {
    let (db, database) = empty_db().await;
    // A first good import, so "unchanged" is not trivially "empty".
    assert!(
        run(&db, &["import", upstream().to_str().unwrap()])
            .status
            .success()
    );
    let before = counts(database.primary()).await;

    let dir = upstream_copy();
    edit(dir.path());
    let mut args = vec!["import", dir.path().to_str().unwrap()];
    args.extend(extra);
    let out = run(&db, &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(expect), "expected `{expect}` in:\n{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(
        counts(database.primary()).await,
        before,
        "database unchanged"
    );
}

fn replace(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from} not in {file}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[tokio::test]
async fn bad_enum_is_rejected_with_its_location() {
    rejected(
        |d| {
            replace(
                d,
                "samples/spirit-island/game.yaml",
                "mode: \"cooperative\"",
                "mode: \"chaotic\"",
            )
        },
        &[],
        "samples/spirit-island/game.yaml:55: mode: 'chaotic' is not one of",
    )
    .await;
}

#[tokio::test]
async fn out_of_range_weight_is_rejected_with_its_location() {
    rejected(
        |d| {
            replace(
                d,
                "samples/terraforming-mars/game.yaml",
                "weight: 3.24",
                "weight: 7",
            )
        },
        &[],
        "weight: 7 is out of range 1.0..5.0",
    )
    .await;
}

#[tokio::test]
async fn dangling_slug_is_an_error_with_strict() {
    rejected(
        |_| {},
        &["--strict"],
        "game.yaml:64: categories[0]: unknown category 'strategy'",
    )
    .await;
}

#[tokio::test]
async fn yaml_syntax_error_is_rejected_with_its_line() {
    rejected(
        |d| {
            replace(
                d,
                "samples/spirit-island/expansions.yaml",
                "  year_published: 2017",
                "  year_published: [2017",
            )
        },
        &[],
        "spirit-island/expansions.yaml",
    )
    .await;
}

#[tokio::test]
async fn a_failure_while_writing_rolls_everything_back() {
    let (db, database) = empty_db().await;
    // Two games claiming the same BGG id pass validation but violate the
    // identifiers' primary key in the middle of the write.
    let dir = tempfile::tempdir().unwrap();
    for slug in ["one", "two"] {
        let folder = dir.path().join(slug);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(
            folder.join("game.yaml"),
            format!("slug: {slug}\nname: {slug}\ntype: base_game\nidentifiers:\n  - {{source: bgg, external_id: \"42\"}}\n"),
        )
        .unwrap();
    }
    let out = run(&db, &["import", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        count(database.primary(), "games").await,
        0,
        "the games were rolled back"
    );
}

#[tokio::test]
async fn dry_run_writes_nothing() {
    let (db, database) = empty_db().await;
    let out = run(&db, &["import", "--dry-run", upstream().to_str().unwrap()]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing written"));
    assert_eq!(count(database.primary(), "games").await, 0);
}
