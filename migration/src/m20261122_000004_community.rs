//! Community data: aggregated polls, raw votes and play logs (inputs of the
//! statistics pipeline), periodic game snapshots and API keys.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{
    drop_tables, enum_text, enum_text_null, fk, index, integer_zero, timestamp_now, unique_index,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Games {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    Name,
    KeyHash,
    Tier,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum PlayerCountRatings {
    Table,
    GameId,
    PlayerCount,
    AverageRating,
    RatingCount,
    RatingStddev,
}

#[derive(DeriveIden)]
enum PlayerCountPolls {
    Table,
    GameId,
    PlayerCount,
    BestVotes,
    RecommendedVotes,
    NotRecommendedVotes,
    TotalVotes,
}

#[derive(DeriveIden)]
enum CommunityAgePolls {
    Table,
    GameId,
    SuggestedAge,
    VoteCount,
}

#[derive(DeriveIden)]
enum LanguageDependencePolls {
    Table,
    GameId,
    Level,
    VoteCount,
}

#[derive(DeriveIden)]
enum ExperiencePlaytimePolls {
    Table,
    GameId,
    ExperienceLevel,
    MedianMinutes,
    MinMinutes,
    MaxMinutes,
    TotalReports,
}

#[derive(DeriveIden)]
enum RatingVotes {
    Table,
    Id,
    GameId,
    Rating,
    DeclaredScale,
    PlayCount,
    ExperienceLevel,
    ApiKeyId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WeightVotes {
    Table,
    Id,
    GameId,
    Weight,
    ApiKeyId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PlayLogs {
    Table,
    Id,
    GameId,
    Minutes,
    PlayerCount,
    ExperienceLevel,
    ApiKeyId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum GameSnapshots {
    Table,
    GameId,
    SnapshotDate,
    AverageRating,
    BayesRating,
    RatingCount,
    Weight,
    WeightVotes,
    RankOverall,
    RankByCategory,
    PlayCountPeriod,
    OwnerCount,
}

/// `game_id` foreign key with ON DELETE CASCADE.
fn game_fk(name: &str, table: DynIden, col: DynIden) -> ForeignKeyCreateStatement {
    fk(
        name,
        table,
        col,
        Games::Table,
        Games::Id,
        ForeignKeyAction::Cascade,
    )
}

/// `api_key_id` foreign key with ON DELETE SET NULL (votes outlive a deleted key).
fn api_key_fk(name: &str, table: DynIden, col: DynIden) -> ForeignKeyCreateStatement {
    fk(
        name,
        table,
        col,
        ApiKeys::Table,
        ApiKeys::Id,
        ForeignKeyAction::SetNull,
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // --- API keys (referenced by the raw votes) --------------------------------
        manager
            .create_table(
                Table::create()
                    .table(ApiKeys::Table)
                    .col(pk_uuid(ApiKeys::Id))
                    .col(string_len(ApiKeys::Name, 200))
                    // hex HMAC of the key (the key itself is never stored)
                    .col(string_len(ApiKeys::KeyHash, 128))
                    .col(enum_text(ApiKeys::Tier))
                    .col(timestamp_now(ApiKeys::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiKeys::RevokedAt))
                    .take(),
            )
            .await?;
        unique_index(
            manager,
            "ux_api_keys_key_hash",
            ApiKeys::Table,
            cols![ApiKeys::KeyHash],
        )
        .await?;

        // --- aggregated community polls ----------------------------------------------
        manager
            .create_table(
                Table::create()
                    .table(PlayerCountRatings::Table)
                    .col(uuid(PlayerCountRatings::GameId))
                    .col(integer(PlayerCountRatings::PlayerCount))
                    // 1.0..5.0
                    .col(double(PlayerCountRatings::AverageRating))
                    .col(integer_zero(PlayerCountRatings::RatingCount))
                    .col(double_null(PlayerCountRatings::RatingStddev))
                    .primary_key(
                        Index::create()
                            .col(PlayerCountRatings::GameId)
                            .col(PlayerCountRatings::PlayerCount),
                    )
                    .foreign_key(&mut game_fk(
                        "fk_player_count_ratings_game",
                        PlayerCountRatings::Table.into_iden(),
                        PlayerCountRatings::GameId.into_iden(),
                    ))
                    .take(),
            )
            .await?;

        // Legacy three-tier poll (best / recommended / not recommended).
        manager
            .create_table(
                Table::create()
                    .table(PlayerCountPolls::Table)
                    .col(uuid(PlayerCountPolls::GameId))
                    .col(integer(PlayerCountPolls::PlayerCount))
                    .col(integer_zero(PlayerCountPolls::BestVotes))
                    .col(integer_zero(PlayerCountPolls::RecommendedVotes))
                    .col(integer_zero(PlayerCountPolls::NotRecommendedVotes))
                    .col(integer_zero(PlayerCountPolls::TotalVotes))
                    .primary_key(
                        Index::create()
                            .col(PlayerCountPolls::GameId)
                            .col(PlayerCountPolls::PlayerCount),
                    )
                    .foreign_key(&mut game_fk(
                        "fk_player_count_polls_game",
                        PlayerCountPolls::Table.into_iden(),
                        PlayerCountPolls::GameId.into_iden(),
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CommunityAgePolls::Table)
                    .col(uuid(CommunityAgePolls::GameId))
                    .col(integer(CommunityAgePolls::SuggestedAge))
                    .col(integer_zero(CommunityAgePolls::VoteCount))
                    .primary_key(
                        Index::create()
                            .col(CommunityAgePolls::GameId)
                            .col(CommunityAgePolls::SuggestedAge),
                    )
                    .foreign_key(&mut game_fk(
                        "fk_community_age_polls_game",
                        CommunityAgePolls::Table.into_iden(),
                        CommunityAgePolls::GameId.into_iden(),
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LanguageDependencePolls::Table)
                    .col(uuid(LanguageDependencePolls::GameId))
                    // same five values as games.language_dependence
                    .col(enum_text(LanguageDependencePolls::Level))
                    .col(integer_zero(LanguageDependencePolls::VoteCount))
                    .primary_key(
                        Index::create()
                            .col(LanguageDependencePolls::GameId)
                            .col(LanguageDependencePolls::Level),
                    )
                    .foreign_key(&mut game_fk(
                        "fk_language_dependence_polls_game",
                        LanguageDependencePolls::Table.into_iden(),
                        LanguageDependencePolls::GameId.into_iden(),
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ExperiencePlaytimePolls::Table)
                    .col(uuid(ExperiencePlaytimePolls::GameId))
                    // first_play | learning | experienced | expert
                    .col(enum_text(ExperiencePlaytimePolls::ExperienceLevel))
                    .col(integer(ExperiencePlaytimePolls::MedianMinutes))
                    // 10th / 90th percentile
                    .col(integer_null(ExperiencePlaytimePolls::MinMinutes))
                    .col(integer_null(ExperiencePlaytimePolls::MaxMinutes))
                    .col(integer_zero(ExperiencePlaytimePolls::TotalReports))
                    .primary_key(
                        Index::create()
                            .col(ExperiencePlaytimePolls::GameId)
                            .col(ExperiencePlaytimePolls::ExperienceLevel),
                    )
                    .foreign_key(&mut game_fk(
                        "fk_experience_playtime_polls_game",
                        ExperiencePlaytimePolls::Table.into_iden(),
                        ExperiencePlaytimePolls::GameId.into_iden(),
                    ))
                    .take(),
            )
            .await?;

        // --- raw inputs of the statistics pipeline ------------------------------------
        manager
            .create_table(
                Table::create()
                    .table(RatingVotes::Table)
                    .col(pk_uuid(RatingVotes::Id))
                    .col(uuid(RatingVotes::GameId))
                    // 1..10
                    .col(integer(RatingVotes::Rating))
                    .col(enum_text_null(RatingVotes::DeclaredScale))
                    .col(integer_null(RatingVotes::PlayCount))
                    .col(enum_text_null(RatingVotes::ExperienceLevel))
                    .col(uuid_null(RatingVotes::ApiKeyId))
                    .col(timestamp_now(RatingVotes::CreatedAt))
                    .foreign_key(&mut game_fk(
                        "fk_rating_votes_game",
                        RatingVotes::Table.into_iden(),
                        RatingVotes::GameId.into_iden(),
                    ))
                    .foreign_key(&mut api_key_fk(
                        "fk_rating_votes_api_key",
                        RatingVotes::Table.into_iden(),
                        RatingVotes::ApiKeyId.into_iden(),
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "idx_rating_votes_game",
            RatingVotes::Table,
            cols![RatingVotes::GameId, RatingVotes::CreatedAt],
        )
        .await?;
        index(
            manager,
            "idx_rating_votes_api_key",
            RatingVotes::Table,
            cols![RatingVotes::ApiKeyId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(WeightVotes::Table)
                    .col(pk_uuid(WeightVotes::Id))
                    .col(uuid(WeightVotes::GameId))
                    // 1.0..5.0
                    .col(double(WeightVotes::Weight))
                    .col(uuid_null(WeightVotes::ApiKeyId))
                    .col(timestamp_now(WeightVotes::CreatedAt))
                    .foreign_key(&mut game_fk(
                        "fk_weight_votes_game",
                        WeightVotes::Table.into_iden(),
                        WeightVotes::GameId.into_iden(),
                    ))
                    .foreign_key(&mut api_key_fk(
                        "fk_weight_votes_api_key",
                        WeightVotes::Table.into_iden(),
                        WeightVotes::ApiKeyId.into_iden(),
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "idx_weight_votes_game",
            WeightVotes::Table,
            cols![WeightVotes::GameId, WeightVotes::CreatedAt],
        )
        .await?;
        index(
            manager,
            "idx_weight_votes_api_key",
            WeightVotes::Table,
            cols![WeightVotes::ApiKeyId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(PlayLogs::Table)
                    .col(pk_uuid(PlayLogs::Id))
                    .col(uuid(PlayLogs::GameId))
                    .col(integer(PlayLogs::Minutes))
                    .col(integer_null(PlayLogs::PlayerCount))
                    .col(enum_text_null(PlayLogs::ExperienceLevel))
                    .col(uuid_null(PlayLogs::ApiKeyId))
                    .col(timestamp_now(PlayLogs::CreatedAt))
                    .foreign_key(&mut game_fk(
                        "fk_play_logs_game",
                        PlayLogs::Table.into_iden(),
                        PlayLogs::GameId.into_iden(),
                    ))
                    .foreign_key(&mut api_key_fk(
                        "fk_play_logs_api_key",
                        PlayLogs::Table.into_iden(),
                        PlayLogs::ApiKeyId.into_iden(),
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "idx_play_logs_game",
            PlayLogs::Table,
            cols![PlayLogs::GameId, PlayLogs::CreatedAt],
        )
        .await?;
        index(
            manager,
            "idx_play_logs_api_key",
            PlayLogs::Table,
            cols![PlayLogs::ApiKeyId],
        )
        .await?;

        // --- periodic snapshots (trends / history) -------------------------------------
        manager
            .create_table(
                Table::create()
                    .table(GameSnapshots::Table)
                    .col(uuid(GameSnapshots::GameId))
                    // normally the first day of the period
                    .col(date(GameSnapshots::SnapshotDate))
                    .col(double_null(GameSnapshots::AverageRating))
                    .col(double_null(GameSnapshots::BayesRating))
                    .col(integer_null(GameSnapshots::RatingCount))
                    .col(double_null(GameSnapshots::Weight))
                    .col(integer_null(GameSnapshots::WeightVotes))
                    .col(integer_null(GameSnapshots::RankOverall))
                    .col(json_binary_null(GameSnapshots::RankByCategory))
                    .col(integer_null(GameSnapshots::PlayCountPeriod))
                    .col(integer_null(GameSnapshots::OwnerCount))
                    .primary_key(
                        Index::create()
                            .col(GameSnapshots::GameId)
                            .col(GameSnapshots::SnapshotDate),
                    )
                    .foreign_key(&mut game_fk(
                        "fk_game_snapshots_game",
                        GameSnapshots::Table.into_iden(),
                        GameSnapshots::GameId.into_iden(),
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "idx_game_snapshots_date",
            GameSnapshots::Table,
            cols![GameSnapshots::SnapshotDate],
        )
        .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            cols![
                GameSnapshots::Table,
                PlayLogs::Table,
                WeightVotes::Table,
                RatingVotes::Table,
                ExperiencePlaytimePolls::Table,
                LanguageDependencePolls::Table,
                CommunityAgePolls::Table,
                PlayerCountPolls::Table,
                PlayerCountRatings::Table,
                ApiKeys::Table,
            ],
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
