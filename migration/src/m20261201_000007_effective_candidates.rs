//! Precomputed candidates of effective-mode filtering (D28, D33): for every
//! base game with expansion data, each expansion set a filter tries (curated
//! combinations, single expansions with deltas, all expansions with deltas)
//! with its resolved values. Written by the importer (materialization), read
//! by `effective=true` filters with one indexed semi-join, so no request
//! resolves expansions itself.
//!
//! `best_at` / `recommended_at` are player-count lists stored as
//! comma-delimited text with a leading and trailing comma (`,2,3,4,`), so that
//! "N is in the list" is the same portable `LIKE '%,N,%'` on both backends.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{drop_tables, fk, json_list};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Games {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum EffectiveCandidates {
    Table,
    GameId,
    Ordinal,
    Tier,
    ExpansionIds,
    MinPlayers,
    MaxPlayers,
    MinPlaytime,
    MaxPlaytime,
    Weight,
    MinAge,
    BestAt,
    RecommendedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EffectiveCandidates::Table)
                    .col(uuid(EffectiveCandidates::GameId))
                    .col(integer(EffectiveCandidates::Ordinal))
                    .col(integer(EffectiveCandidates::Tier))
                    .col(json_list(EffectiveCandidates::ExpansionIds))
                    .col(integer_null(EffectiveCandidates::MinPlayers))
                    .col(integer_null(EffectiveCandidates::MaxPlayers))
                    .col(integer_null(EffectiveCandidates::MinPlaytime))
                    .col(integer_null(EffectiveCandidates::MaxPlaytime))
                    .col(double_null(EffectiveCandidates::Weight))
                    .col(integer_null(EffectiveCandidates::MinAge))
                    .col(string_len(EffectiveCandidates::BestAt, 400).default(","))
                    .col(string_len(EffectiveCandidates::RecommendedAt, 400).default(","))
                    .primary_key(
                        Index::create()
                            .col(EffectiveCandidates::GameId)
                            .col(EffectiveCandidates::Ordinal),
                    )
                    .foreign_key(&mut fk(
                        "fk_effective_candidates_game",
                        EffectiveCandidates::Table,
                        EffectiveCandidates::GameId,
                        Games::Table,
                        Games::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, vec![EffectiveCandidates::Table.into_iden()]).await
    }
}
