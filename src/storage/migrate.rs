//! Applying migrations and comparing the database schema with the binary.

use std::collections::HashSet;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, TransactionTrait};

/// Key of the PostgreSQL advisory lock that serialises concurrent migrators
/// (several pods starting with `AUTO_MIGRATE=true`, or a Job and a pod).
const MIGRATION_LOCK_KEY: i64 = 0x6f70_656e_7461_626c; // "opentabl"

/// Name of the table in which sea-orm-migration records applied migrations.
const MIGRATION_TABLE: &str = "seaql_migrations";

/// Where the database schema stands relative to this binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaStatus {
    /// Migrations of this binary not applied yet, in order.
    pub pending: Vec<String>,
    /// Migrations applied in the database that this binary does not know
    /// (a newer release migrated it; expand-only migrations keep us working).
    pub unknown_applied: Vec<String>,
}

impl SchemaStatus {
    pub fn is_current(&self) -> bool {
        self.pending.is_empty()
    }
}

/// Names of this binary's migrations, in order.
pub fn known_migrations() -> Vec<String> {
    Migrator::migrations()
        .iter()
        .map(|m| m.name().to_string())
        .collect()
}

/// Applies every pending migration in one transaction. On PostgreSQL a
/// transaction-scoped advisory lock is held meanwhile, so concurrent
/// migrators wait for each other instead of racing. Returns the names applied.
pub async fn apply(db: &DatabaseConnection) -> Result<Vec<String>, DbErr> {
    let before = status(db).await?;
    if before.is_current() {
        return Ok(Vec::new());
    }
    // One transaction for the whole run: a failed migration leaves the schema
    // as it was (both backends have transactional DDL).
    let txn = db.begin().await?;
    if db.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [MIGRATION_LOCK_KEY.into()],
        ))
        .await?;
    }
    Migrator::up(&txn, None).await?;
    // A schema that gains the effective-mode candidates table fills it from
    // the expansion data already there (later imports keep it current).
    if super::effective::is_stale(&txn).await? {
        super::effective::materialize(&txn).await?;
    }
    txn.commit().await?;
    let after = status(db).await?;
    Ok(before
        .pending
        .into_iter()
        .filter(|m| !after.pending.contains(m))
        .collect())
}

/// Compares the applied migrations with this binary's, without writing.
pub async fn status(db: &DatabaseConnection) -> Result<SchemaStatus, DbErr> {
    let backend = db.get_database_backend();
    let exists_sql = match backend {
        DbBackend::Postgres => {
            "SELECT COUNT(*) AS n FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = 'seaql_migrations'"
        }
        _ => {
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'seaql_migrations'"
        }
    };
    let exists = db
        .query_one_raw(Statement::from_string(backend, exists_sql))
        .await?
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0)
        > 0;
    let applied: Vec<String> = if exists {
        db.query_all_raw(Statement::from_string(
            backend,
            format!("SELECT version FROM {MIGRATION_TABLE} ORDER BY version"),
        ))
        .await?
        .iter()
        .map(|row| row.try_get::<String>("", "version"))
        .collect::<Result<_, _>>()?
    } else {
        Vec::new()
    };
    let known = known_migrations();
    let applied_set: HashSet<&str> = applied.iter().map(String::as_str).collect();
    let known_set: HashSet<&str> = known.iter().map(String::as_str).collect();
    Ok(SchemaStatus {
        pending: known
            .iter()
            .filter(|m| !applied_set.contains(m.as_str()))
            .cloned()
            .collect(),
        unknown_applied: applied
            .iter()
            .filter(|m| !known_set.contains(m.as_str()))
            .cloned()
            .collect(),
    })
}
