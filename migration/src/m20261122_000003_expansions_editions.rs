//! Expansion model (property modifications, curated expansion combinations),
//! typed game relationships, and editions with their deltas.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{
    double_zero, drop_tables, enum_text, enum_text_null, fk, index, integer_zero, json_list,
    timestamp_now, unique_index,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Games {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum People {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Publishers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PropertyModifications {
    Table,
    BaseGameId,
    ExpansionId,
    MinPlayersDelta,
    MaxPlayersDelta,
    PlaytimeMinDelta,
    PlaytimeMaxDelta,
    MinAgeDelta,
    WeightDelta,
    BestAtDelta,
    Description,
}

#[derive(DeriveIden)]
enum ExpansionCombinations {
    Table,
    Id,
    BaseGameId,
    ExpansionKey,
    ExpansionCount,
    Source,
    EffectiveMinPlayers,
    EffectiveMaxPlayers,
    EffectiveBestAt,
    EffectiveRecommendedAt,
    EffectiveWeight,
    EffectivePlaytimeMin,
    EffectivePlaytimeMax,
    EffectiveMinAge,
    ExperiencePlaytime,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ExpansionCombinationMembers {
    Table,
    CombinationId,
    ExpansionId,
    Ordinal,
}

#[derive(DeriveIden)]
enum GameRelationships {
    Table,
    SourceGameId,
    TargetGameId,
    RelationshipType,
    Metadata,
    Ordinal,
}

#[derive(DeriveIden)]
enum GameEditions {
    Table,
    Id,
    GameId,
    Slug,
    Name,
    YearPublished,
    Language,
    ProductCodes,
    Dimensions,
    BoxWeight,
    ReleaseStatus,
    ReleaseDate,
    ImageUrl,
    ThumbnailUrl,
    Notes,
    IsCanonical,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EditionPublishers {
    Table,
    EditionId,
    PublisherId,
    Ordinal,
}

#[derive(DeriveIden)]
enum EditionArtists {
    Table,
    EditionId,
    PersonId,
    Ordinal,
}

#[derive(DeriveIden)]
enum EditionDeltas {
    Table,
    EditionId,
    GameId,
    MinPlayersDelta,
    MaxPlayersDelta,
    PlaytimeMinDelta,
    PlaytimeMaxDelta,
    WeightDelta,
    BestAtDelta,
    RulesChanges,
    ComponentChanges,
    Description,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // --- per-expansion additive deltas (tier 2, "computed") --------------------
        manager
            .create_table(
                Table::create()
                    .table(PropertyModifications::Table)
                    .col(uuid(PropertyModifications::BaseGameId))
                    .col(uuid(PropertyModifications::ExpansionId))
                    .col(integer_zero(PropertyModifications::MinPlayersDelta))
                    .col(integer_zero(PropertyModifications::MaxPlayersDelta))
                    .col(integer_zero(PropertyModifications::PlaytimeMinDelta))
                    .col(integer_zero(PropertyModifications::PlaytimeMaxDelta))
                    .col(integer_zero(PropertyModifications::MinAgeDelta))
                    .col(double_zero(PropertyModifications::WeightDelta))
                    // absolute player counts the expansion makes "best"
                    .col(json_list(PropertyModifications::BestAtDelta))
                    .col(text_null(PropertyModifications::Description))
                    .primary_key(
                        Index::create()
                            .col(PropertyModifications::BaseGameId)
                            .col(PropertyModifications::ExpansionId),
                    )
                    .foreign_key(&mut fk(
                        "fk_property_modifications_base",
                        PropertyModifications::Table,
                        PropertyModifications::BaseGameId,
                        Games::Table,
                        Games::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_property_modifications_expansion",
                        PropertyModifications::Table,
                        PropertyModifications::ExpansionId,
                        Games::Table,
                        Games::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "idx_property_modifications_expansion",
            PropertyModifications::Table,
            cols![PropertyModifications::ExpansionId],
        )
        .await?;

        // --- curated combinations (tier 1, "explicit") -----------------------------
        manager
            .create_table(
                Table::create()
                    .table(ExpansionCombinations::Table)
                    .col(pk_uuid(ExpansionCombinations::Id))
                    .col(uuid(ExpansionCombinations::BaseGameId))
                    // The member expansion ids (lower-case, hyphenated), sorted and joined
                    // with ',': exact-set lookup through the unique index below.
                    .col(text(ExpansionCombinations::ExpansionKey))
                    .col(integer(ExpansionCombinations::ExpansionCount))
                    // community_poll | publisher | computed
                    .col(enum_text(ExpansionCombinations::Source))
                    .col(integer_null(ExpansionCombinations::EffectiveMinPlayers))
                    .col(integer_null(ExpansionCombinations::EffectiveMaxPlayers))
                    .col(json_binary_null(ExpansionCombinations::EffectiveBestAt))
                    .col(json_binary_null(
                        ExpansionCombinations::EffectiveRecommendedAt,
                    ))
                    .col(double_null(ExpansionCombinations::EffectiveWeight))
                    .col(integer_null(ExpansionCombinations::EffectivePlaytimeMin))
                    .col(integer_null(ExpansionCombinations::EffectivePlaytimeMax))
                    .col(integer_null(ExpansionCombinations::EffectiveMinAge))
                    // ExperiencePlaytimePoll[] overriding the base game's data
                    .col(json_binary_null(ExpansionCombinations::ExperiencePlaytime))
                    .col(timestamp_now(ExpansionCombinations::CreatedAt))
                    .col(timestamp_now(ExpansionCombinations::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_expansion_combinations_base",
                        ExpansionCombinations::Table,
                        ExpansionCombinations::BaseGameId,
                        Games::Table,
                        Games::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        unique_index(
            manager,
            "ux_expansion_combinations_set",
            ExpansionCombinations::Table,
            cols![
                ExpansionCombinations::BaseGameId,
                ExpansionCombinations::ExpansionKey,
            ],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ExpansionCombinationMembers::Table)
                    .col(uuid(ExpansionCombinationMembers::CombinationId))
                    .col(uuid(ExpansionCombinationMembers::ExpansionId))
                    // position in the contract's ordered `expansion_ids` list
                    .col(integer_zero(ExpansionCombinationMembers::Ordinal))
                    .primary_key(
                        Index::create()
                            .col(ExpansionCombinationMembers::CombinationId)
                            .col(ExpansionCombinationMembers::ExpansionId),
                    )
                    .foreign_key(&mut fk(
                        "fk_expansion_combination_members_combination",
                        ExpansionCombinationMembers::Table,
                        ExpansionCombinationMembers::CombinationId,
                        ExpansionCombinations::Table,
                        ExpansionCombinations::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_expansion_combination_members_expansion",
                        ExpansionCombinationMembers::Table,
                        ExpansionCombinationMembers::ExpansionId,
                        Games::Table,
                        Games::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "idx_expansion_combination_members_expansion",
            ExpansionCombinationMembers::Table,
            cols![
                ExpansionCombinationMembers::ExpansionId,
                ExpansionCombinationMembers::CombinationId,
            ],
        )
        .await?;

        // --- typed relationships ---------------------------------------------------
        manager
            .create_table(
                Table::create()
                    .table(GameRelationships::Table)
                    .col(uuid(GameRelationships::SourceGameId))
                    .col(uuid(GameRelationships::TargetGameId))
                    // expands | reimplements | contains | requires | recommends | integrates_with
                    .col(enum_text(GameRelationships::RelationshipType))
                    .col(json_binary_null(GameRelationships::Metadata))
                    .col(integer_null(GameRelationships::Ordinal))
                    .primary_key(
                        Index::create()
                            .col(GameRelationships::SourceGameId)
                            .col(GameRelationships::TargetGameId)
                            .col(GameRelationships::RelationshipType),
                    )
                    .foreign_key(&mut fk(
                        "fk_game_relationships_source",
                        GameRelationships::Table,
                        GameRelationships::SourceGameId,
                        Games::Table,
                        Games::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_game_relationships_target",
                        GameRelationships::Table,
                        GameRelationships::TargetGameId,
                        Games::Table,
                        Games::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "idx_game_relationships_target",
            GameRelationships::Table,
            cols![GameRelationships::TargetGameId],
        )
        .await?;

        // --- editions ----------------------------------------------------------------
        manager
            .create_table(
                Table::create()
                    .table(GameEditions::Table)
                    .col(pk_uuid(GameEditions::Id))
                    .col(uuid(GameEditions::GameId))
                    // Optional; lets `edition=<slug>` select an edition of a game.
                    .col(string_len_null(GameEditions::Slug, 200))
                    .col(string_len(GameEditions::Name, 500))
                    .col(integer_null(GameEditions::YearPublished))
                    // BCP 47 tag
                    .col(string_len_null(GameEditions::Language, 35))
                    // ProductCode[]
                    .col(json_binary_null(GameEditions::ProductCodes))
                    // PhysicalDimensions
                    .col(json_binary_null(GameEditions::Dimensions))
                    // PhysicalWeight
                    .col(json_binary_null(GameEditions::BoxWeight))
                    // announced | preorder | released | out_of_print
                    .col(enum_text_null(GameEditions::ReleaseStatus))
                    .col(date_null(GameEditions::ReleaseDate))
                    .col(text_null(GameEditions::ImageUrl))
                    .col(text_null(GameEditions::ThumbnailUrl))
                    .col(text_null(GameEditions::Notes))
                    .col(boolean(GameEditions::IsCanonical).default(false))
                    .col(timestamp_now(GameEditions::CreatedAt))
                    .col(timestamp_now(GameEditions::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_game_editions_game",
                        GameEditions::Table,
                        GameEditions::GameId,
                        Games::Table,
                        Games::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "idx_game_editions_game",
            GameEditions::Table,
            cols![GameEditions::GameId],
        )
        .await?;
        // NULL slugs are distinct on both backends.
        unique_index(
            manager,
            "ux_game_editions_game_slug",
            GameEditions::Table,
            cols![GameEditions::GameId, GameEditions::Slug],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(EditionPublishers::Table)
                    .col(uuid(EditionPublishers::EditionId))
                    .col(uuid(EditionPublishers::PublisherId))
                    .col(integer_zero(EditionPublishers::Ordinal))
                    .primary_key(
                        Index::create()
                            .col(EditionPublishers::EditionId)
                            .col(EditionPublishers::PublisherId),
                    )
                    .foreign_key(&mut fk(
                        "fk_edition_publishers_edition",
                        EditionPublishers::Table,
                        EditionPublishers::EditionId,
                        GameEditions::Table,
                        GameEditions::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_edition_publishers_publisher",
                        EditionPublishers::Table,
                        EditionPublishers::PublisherId,
                        Publishers::Table,
                        Publishers::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "idx_edition_publishers_reverse",
            EditionPublishers::Table,
            cols![EditionPublishers::PublisherId, EditionPublishers::EditionId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(EditionArtists::Table)
                    .col(uuid(EditionArtists::EditionId))
                    .col(uuid(EditionArtists::PersonId))
                    .col(integer_zero(EditionArtists::Ordinal))
                    .primary_key(
                        Index::create()
                            .col(EditionArtists::EditionId)
                            .col(EditionArtists::PersonId),
                    )
                    .foreign_key(&mut fk(
                        "fk_edition_artists_edition",
                        EditionArtists::Table,
                        EditionArtists::EditionId,
                        GameEditions::Table,
                        GameEditions::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_edition_artists_person",
                        EditionArtists::Table,
                        EditionArtists::PersonId,
                        People::Table,
                        People::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "idx_edition_artists_reverse",
            EditionArtists::Table,
            cols![EditionArtists::PersonId, EditionArtists::EditionId],
        )
        .await?;

        // Deltas of an edition against the canonical edition (the canonical has none).
        manager
            .create_table(
                Table::create()
                    .table(EditionDeltas::Table)
                    .col(pk_uuid(EditionDeltas::EditionId))
                    .col(uuid(EditionDeltas::GameId))
                    .col(integer_zero(EditionDeltas::MinPlayersDelta))
                    .col(integer_zero(EditionDeltas::MaxPlayersDelta))
                    .col(integer_zero(EditionDeltas::PlaytimeMinDelta))
                    .col(integer_zero(EditionDeltas::PlaytimeMaxDelta))
                    .col(double_zero(EditionDeltas::WeightDelta))
                    .col(json_list(EditionDeltas::BestAtDelta))
                    .col(text_null(EditionDeltas::RulesChanges))
                    .col(text_null(EditionDeltas::ComponentChanges))
                    .col(text_null(EditionDeltas::Description))
                    .foreign_key(&mut fk(
                        "fk_edition_deltas_edition",
                        EditionDeltas::Table,
                        EditionDeltas::EditionId,
                        GameEditions::Table,
                        GameEditions::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_edition_deltas_game",
                        EditionDeltas::Table,
                        EditionDeltas::GameId,
                        Games::Table,
                        Games::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "idx_edition_deltas_game",
            EditionDeltas::Table,
            cols![EditionDeltas::GameId],
        )
        .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            cols![
                EditionDeltas::Table,
                EditionArtists::Table,
                EditionPublishers::Table,
                GameEditions::Table,
                GameRelationships::Table,
                ExpansionCombinationMembers::Table,
                ExpansionCombinations::Table,
                PropertyModifications::Table,
            ],
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
