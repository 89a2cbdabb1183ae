//! Database schema of opentabletop-server.
//!
//! The schema is portable across SQLite and PostgreSQL 15: every table, index and
//! foreign key is written with the sea-query schema builder. Raw SQL is used only
//! in the last migration, for the backend-specific full-text search objects.
//!
//! Conventions:
//! * ids are `uuid` columns (`id` on entity tables); slugs are `varchar(200)`, unique per table;
//! * enums are stored as `varchar(32)` text with the contract's wire values;
//! * integer lists and maps are `jsonb` on PostgreSQL (`jsonb_text` on SQLite);
//! * timestamps are `timestamptz`, `created_at` / `updated_at` default to `CURRENT_TIMESTAMP`.
//!
//! `#[derive(DeriveMigrationName)]` names a migration after its file, so there is
//! exactly one migration per file.

pub use sea_orm_migration::prelude::*;

#[macro_use]
mod helpers;
mod m20261122_000001_catalog;
mod m20261122_000002_games;
mod m20261122_000003_expansions_editions;
mod m20261122_000004_community;
mod m20261122_000005_search;
mod m20261123_000006_derived;
mod m20261201_000007_effective_candidates;

/// Runs the migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_catalog::Migration),
            Box::new(m20261122_000002_games::Migration),
            Box::new(m20261122_000003_expansions_editions::Migration),
            Box::new(m20261122_000004_community::Migration),
            Box::new(m20261122_000005_search::Migration),
            Box::new(m20261123_000006_derived::Migration),
            Box::new(m20261201_000007_effective_candidates::Migration),
        ]
    }
}
