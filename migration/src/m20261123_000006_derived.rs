//! Derived values, computed by the importer (and later by materialization)
//! rather than read from files: per-game best-at / recommended-at player
//! counts (D3) and experience multipliers (D34), and `game_count` (active
//! games) on the vocabulary, people, publishers and families.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Games {
    Table,
    BestAt,
    RecommendedAt,
    ExperienceMultipliers,
}

#[derive(DeriveIden)]
enum GameCount {
    GameCount,
}

/// Tables that carry a `game_count`.
const COUNTED: &[&str] = &[
    "mechanics",
    "categories",
    "themes",
    "people",
    "publishers",
    "families",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        for column in [
            json_binary(Games::BestAt).default("[]").take(),
            json_binary(Games::RecommendedAt).default("[]").take(),
            json_binary_null(Games::ExperienceMultipliers),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(Games::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        for table in COUNTED {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(*table))
                        .add_column(integer(GameCount::GameCount).default(0))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in COUNTED {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(*table))
                        .drop_column(GameCount::GameCount)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            Games::ExperienceMultipliers,
            Games::RecommendedAt,
            Games::BestAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Games::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
