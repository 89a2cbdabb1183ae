//! Full-text search, the only backend-specific part of the schema.
//!
//! PostgreSQL: the `pg_trgm` extension; a generated, weighted `games.search_vector`
//! (name A, `description_short` B, `description` C) with a GIN index; GIN trigram
//! indexes on the names of games, alternate names, people, publishers, mechanics
//! and categories (typo tolerance, prefix / substring matching).
//!
//! SQLite: an FTS5 table `games_fts` (trigram tokenizer) with the columns
//! `game_id UNINDEXED, name, alternate_names, description_short, description`.
//! Triggers on `games` and `alternate_names` keep it in sync, including the
//! `alternate_names` column (all alternate names of the game joined with " | ").
//! `games_fts_keys` maps each game id to its FTS5 rowid, so that the triggers reach
//! a game's FTS row through an index instead of scanning the FTS table.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

// ---------------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------------

const PG_CREATE_EXTENSION: &str = "CREATE EXTENSION IF NOT EXISTS pg_trgm";

const PG_UP: &[&str] = &[
    "ALTER TABLE games ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(name, '')), 'A')
        || setweight(to_tsvector('english', coalesce(description_short, '')), 'B')
        || setweight(to_tsvector('english', coalesce(description, '')), 'C')
    ) STORED",
    "CREATE INDEX idx_games_search_vector ON games USING GIN (search_vector)",
    "CREATE INDEX idx_games_name_trgm ON games USING GIN (name gin_trgm_ops)",
    "CREATE INDEX idx_alternate_names_name_trgm ON alternate_names USING GIN (name gin_trgm_ops)",
    "CREATE INDEX idx_people_name_trgm ON people USING GIN (name gin_trgm_ops)",
    "CREATE INDEX idx_publishers_name_trgm ON publishers USING GIN (name gin_trgm_ops)",
    "CREATE INDEX idx_mechanics_name_trgm ON mechanics USING GIN (name gin_trgm_ops)",
    "CREATE INDEX idx_categories_name_trgm ON categories USING GIN (name gin_trgm_ops)",
];

const PG_DOWN: &[&str] = &[
    "DROP INDEX IF EXISTS idx_categories_name_trgm",
    "DROP INDEX IF EXISTS idx_mechanics_name_trgm",
    "DROP INDEX IF EXISTS idx_publishers_name_trgm",
    "DROP INDEX IF EXISTS idx_people_name_trgm",
    "DROP INDEX IF EXISTS idx_alternate_names_name_trgm",
    "DROP INDEX IF EXISTS idx_games_name_trgm",
    "DROP INDEX IF EXISTS idx_games_search_vector",
    "ALTER TABLE games DROP COLUMN IF EXISTS search_vector",
    // Drop the extension too, unless something else in the database still uses it or
    // this role does not own it (it was then installed by an administrator beforehand
    // and is not ours to remove).
    "DO $$
    BEGIN
        DROP EXTENSION IF EXISTS pg_trgm;
    EXCEPTION
        WHEN dependent_objects_still_exist OR insufficient_privilege THEN
            RAISE NOTICE 'pg_trgm kept: %', SQLERRM;
    END
    $$",
];

// ---------------------------------------------------------------------------------
// SQLite
// ---------------------------------------------------------------------------------

const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE games_fts USING fts5(
        game_id UNINDEXED,
        name,
        alternate_names,
        description_short,
        description,
        tokenize = 'trigram'
    )",
    // game id -> FTS5 rowid (the rowid of games itself is not stable across VACUUM,
    // because games has no INTEGER PRIMARY KEY).
    "CREATE TABLE games_fts_keys (
        rowid INTEGER PRIMARY KEY,
        game_id NOT NULL UNIQUE
    )",
    // Backfill (games may already hold rows when this migration runs).
    "INSERT INTO games_fts_keys (game_id) SELECT id FROM games",
    "INSERT INTO games_fts (rowid, game_id, name, alternate_names, description_short, description)
     SELECT k.rowid, g.id, g.name,
            (SELECT group_concat(a.name, ' | ') FROM alternate_names a WHERE a.game_id = g.id),
            g.description_short, g.description
     FROM games g JOIN games_fts_keys k ON k.game_id = g.id",
    // Written to be correct after an `INSERT OR REPLACE INTO games` too, which removes
    // the old row without firing the delete trigger and imposes its conflict policy on
    // the statements below (hence no `OR IGNORE` here, but a NOT EXISTS guard).
    "CREATE TRIGGER games_fts_after_insert AFTER INSERT ON games BEGIN
        INSERT INTO games_fts_keys (game_id)
        SELECT new.id WHERE NOT EXISTS (SELECT 1 FROM games_fts_keys WHERE game_id = new.id);
        DELETE FROM games_fts
         WHERE rowid = (SELECT rowid FROM games_fts_keys WHERE game_id = new.id);
        INSERT INTO games_fts (rowid, game_id, name, alternate_names, description_short, description)
        VALUES (
            (SELECT rowid FROM games_fts_keys WHERE game_id = new.id),
            new.id,
            new.name,
            (SELECT group_concat(a.name, ' | ') FROM alternate_names a WHERE a.game_id = new.id),
            new.description_short,
            new.description
        );
    END",
    // Only when an indexed column really changed (whole-row updates of statistics
    // columns leave the index alone).
    "CREATE TRIGGER games_fts_after_update
     AFTER UPDATE OF id, name, description_short, description ON games
     WHEN old.id IS NOT new.id
       OR old.name IS NOT new.name
       OR old.description_short IS NOT new.description_short
       OR old.description IS NOT new.description
     BEGIN
        UPDATE games_fts_keys SET game_id = new.id WHERE game_id = old.id;
        UPDATE games_fts
           SET game_id = new.id,
               name = new.name,
               description_short = new.description_short,
               description = new.description
         WHERE rowid = (SELECT rowid FROM games_fts_keys WHERE game_id = new.id);
    END",
    "CREATE TRIGGER games_fts_after_delete AFTER DELETE ON games BEGIN
        DELETE FROM games_fts
         WHERE rowid = (SELECT rowid FROM games_fts_keys WHERE game_id = old.id);
        DELETE FROM games_fts_keys WHERE game_id = old.id;
    END",
    "CREATE TRIGGER alternate_names_fts_after_insert AFTER INSERT ON alternate_names BEGIN
        UPDATE games_fts
           SET alternate_names = (SELECT group_concat(a.name, ' | ')
                                    FROM alternate_names a WHERE a.game_id = new.game_id)
         WHERE rowid = (SELECT rowid FROM games_fts_keys WHERE game_id = new.game_id);
    END",
    "CREATE TRIGGER alternate_names_fts_after_update
     AFTER UPDATE OF game_id, name ON alternate_names BEGIN
        UPDATE games_fts
           SET alternate_names = (SELECT group_concat(a.name, ' | ')
                                    FROM alternate_names a WHERE a.game_id = old.game_id)
         WHERE rowid = (SELECT rowid FROM games_fts_keys WHERE game_id = old.game_id);
        UPDATE games_fts
           SET alternate_names = (SELECT group_concat(a.name, ' | ')
                                    FROM alternate_names a WHERE a.game_id = new.game_id)
         WHERE rowid = (SELECT rowid FROM games_fts_keys WHERE game_id = new.game_id);
    END",
    "CREATE TRIGGER alternate_names_fts_after_delete AFTER DELETE ON alternate_names BEGIN
        UPDATE games_fts
           SET alternate_names = (SELECT group_concat(a.name, ' | ')
                                    FROM alternate_names a WHERE a.game_id = old.game_id)
         WHERE rowid = (SELECT rowid FROM games_fts_keys WHERE game_id = old.game_id);
    END",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS alternate_names_fts_after_delete",
    "DROP TRIGGER IF EXISTS alternate_names_fts_after_update",
    "DROP TRIGGER IF EXISTS alternate_names_fts_after_insert",
    "DROP TRIGGER IF EXISTS games_fts_after_delete",
    "DROP TRIGGER IF EXISTS games_fts_after_update",
    "DROP TRIGGER IF EXISTS games_fts_after_insert",
    "DROP TABLE IF EXISTS games_fts",
    "DROP TABLE IF EXISTS games_fts_keys",
];

async fn run_all(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                // A failure here (typically: the role may not create extensions in this
                // database) aborts the migration with an actionable message.
                manager
                    .get_connection()
                    .execute_unprepared(PG_CREATE_EXTENSION)
                    .await
                    .map_err(|e| {
                        DbErr::Migration(format!(
                            "`{PG_CREATE_EXTENSION}` failed: {e}. Full-text search needs the \
                             pg_trgm extension: grant this role CREATE on the database, or \
                             have an administrator run `CREATE EXTENSION pg_trgm;` in it once, \
                             then run the migrations again"
                        ))
                    })?;
                run_all(manager, PG_UP).await
            }
            DbBackend::Sqlite => run_all(manager, SQLITE_UP).await,
            other => Err(DbErr::Migration(format!(
                "unsupported database backend {other:?}: only PostgreSQL and SQLite are supported"
            ))),
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Postgres => run_all(manager, PG_DOWN).await,
            DbBackend::Sqlite => run_all(manager, SQLITE_DOWN).await,
            other => Err(DbErr::Migration(format!(
                "unsupported database backend {other:?}: only PostgreSQL and SQLite are supported"
            ))),
        }
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
