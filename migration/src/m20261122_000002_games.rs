//! Games and their direct child tables: taxonomy / people / publisher / family
//! links, credits, awards, alternate names and external identifiers.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

use crate::helpers::{
    drop_tables, enum_text, enum_text_null, fk, index, integer_zero, timestamp_now, unique_index,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Games {
    Table,
    Id,
    Slug,
    Name,
    SortName,
    Type,
    ParentGameId,
    YearPublished,
    Description,
    DescriptionShort,
    MinPlayers,
    MaxPlayers,
    MinPlaytimeMinutes,
    MaxPlaytimeMinutes,
    CommunityPlaytimeMinMinutes,
    CommunityPlaytimeMaxMinutes,
    CommunityPlaytimeMedianMinutes,
    MinAge,
    Weight,
    WeightVotes,
    AverageRating,
    RatingDistribution,
    RatingStddev,
    BayesRating,
    RatingCount,
    RankOverall,
    RankByCategory,
    OwnerCount,
    WishlistCount,
    TotalPlays,
    CommunitySuggestedAge,
    LanguageDependence,
    Mode,
    ImageUrl,
    ThumbnailUrl,
    BggId,
    FundingSource,
    CanonicalEditionId,
    Status,
    CreatedAt,
    UpdatedAt,
}

// Tables of the previous migration (only the columns referenced here).
#[derive(DeriveIden)]
enum Mechanics {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Themes {
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
enum Families {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Awards {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum GameMechanics {
    Table,
    GameId,
    MechanicId,
}
#[derive(DeriveIden)]
enum GameCategories {
    Table,
    GameId,
    CategoryId,
}
#[derive(DeriveIden)]
enum GameThemes {
    Table,
    GameId,
    ThemeId,
}
#[derive(DeriveIden)]
enum GameDesigners {
    Table,
    GameId,
    PersonId,
    Ordinal,
}
#[derive(DeriveIden)]
enum GameArtists {
    Table,
    GameId,
    PersonId,
    Ordinal,
}
#[derive(DeriveIden)]
enum GamePublishers {
    Table,
    GameId,
    PublisherId,
    Ordinal,
}
#[derive(DeriveIden)]
enum GameFamilies {
    Table,
    GameId,
    FamilyId,
}

#[derive(DeriveIden)]
enum GameCredits {
    Table,
    GameId,
    PersonId,
    Role,
}

#[derive(DeriveIden)]
enum GameAwards {
    Table,
    Id,
    GameId,
    AwardId,
    Year,
    Result,
    Category,
}

#[derive(DeriveIden)]
enum AlternateNames {
    Table,
    Id,
    GameId,
    Name,
    Language,
    IsPrimary,
    Source,
}

#[derive(DeriveIden)]
enum GameIdentifiers {
    Table,
    GameId,
    Source,
    Value,
}

/// A `(game_id, <other>_id)` link table with a composite primary key, both sides
/// cascading, plus an index on `(<other>_id, game_id)` for the reverse lookup.
struct LinkTable {
    /// Base name of the table, also used for constraint and index names.
    name: &'static str,
    table: DynIden,
    game_col: DynIden,
    other_col: DynIden,
    other_table: DynIden,
    other_id: DynIden,
    /// Adds an `ordinal integer NOT NULL DEFAULT 0` display-order column.
    ordinal: Option<DynIden>,
}

impl LinkTable {
    async fn create(self, manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        let name = self.name;
        let mut create = Table::create();
        create
            .table(self.table.clone())
            .col(uuid(self.game_col.clone()))
            .col(uuid(self.other_col.clone()));
        if let Some(ordinal) = self.ordinal {
            create.col(integer_zero(ordinal));
        }
        create
            .primary_key(
                Index::create()
                    .col(self.game_col.clone())
                    .col(self.other_col.clone()),
            )
            .foreign_key(&mut fk(
                &format!("fk_{name}_game"),
                self.table.clone(),
                self.game_col.clone(),
                Games::Table,
                Games::Id,
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                &format!("fk_{name}_other"),
                self.table.clone(),
                self.other_col.clone(),
                self.other_table,
                self.other_id,
                ForeignKeyAction::Cascade,
            ));
        manager.create_table(create.take()).await?;
        index(
            manager,
            &format!("idx_{name}_reverse"),
            self.table,
            vec![self.other_col, self.game_col],
        )
        .await
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // `sort_name` orders by Unicode code point whatever the database's default
        // collation is: "C" on PostgreSQL (UTF-8 byte order = code point order);
        // SQLite's default BINARY collation already does that.
        let postgres = manager.get_database_backend() == DbBackend::Postgres;
        let sort_name_column = || {
            let mut col = string_len(Games::SortName, 500);
            if postgres {
                col.extra("COLLATE \"C\"");
            }
            col
        };
        manager
            .create_table(
                Table::create()
                    .table(Games::Table)
                    .col(pk_uuid(Games::Id))
                    .col(string_len(Games::Slug, 200))
                    .col(string_len(Games::Name, 500))
                    // Lower-cased, leading articles removed; compared by code point (D29).
                    .col(sort_name_column())
                    // base_game | expansion | standalone_expansion | promo | accessory | fan_expansion
                    .col(enum_text(Games::Type))
                    .col(uuid_null(Games::ParentGameId))
                    .col(integer_null(Games::YearPublished))
                    .col(text_null(Games::Description))
                    .col(text_null(Games::DescriptionShort))
                    .col(integer_null(Games::MinPlayers))
                    .col(integer_null(Games::MaxPlayers))
                    .col(integer_null(Games::MinPlaytimeMinutes))
                    .col(integer_null(Games::MaxPlaytimeMinutes))
                    .col(integer_null(Games::CommunityPlaytimeMinMinutes))
                    .col(integer_null(Games::CommunityPlaytimeMaxMinutes))
                    .col(integer_null(Games::CommunityPlaytimeMedianMinutes))
                    .col(integer_null(Games::MinAge))
                    .col(double_null(Games::Weight))
                    .col(integer_null(Games::WeightVotes))
                    .col(double_null(Games::AverageRating))
                    // integer[10]: index 0 = number of 1s … index 9 = number of 10s
                    .col(json_binary_null(Games::RatingDistribution))
                    .col(double_null(Games::RatingStddev))
                    .col(double_null(Games::BayesRating))
                    .col(integer_null(Games::RatingCount))
                    .col(integer_null(Games::RankOverall))
                    // { category-slug: rank }
                    .col(json_binary_null(Games::RankByCategory))
                    .col(integer_null(Games::OwnerCount))
                    .col(integer_null(Games::WishlistCount))
                    .col(integer_null(Games::TotalPlays))
                    .col(integer_null(Games::CommunitySuggestedAge))
                    // no_text | some_text | moderate_text | extensive_text | unplayable_without_text
                    .col(enum_text_null(Games::LanguageDependence))
                    // cooperative | competitive | solo | team | mixed
                    .col(enum_text_null(Games::Mode))
                    .col(text_null(Games::ImageUrl))
                    .col(text_null(Games::ThumbnailUrl))
                    .col(integer_null(Games::BggId))
                    // retail | kickstarter | gamefound | backerkit | self_published | other
                    .col(enum_text_null(Games::FundingSource))
                    // game_editions.id; no FK (it would make a cycle with game_editions.game_id).
                    .col(uuid_null(Games::CanonicalEditionId))
                    // active | pending | archived
                    .col(enum_text(Games::Status).default("active"))
                    .col(timestamp_now(Games::CreatedAt))
                    .col(timestamp_now(Games::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_games_parent_game",
                        Games::Table,
                        Games::ParentGameId,
                        Games::Table,
                        Games::Id,
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        unique_index(manager, "ux_games_slug", Games::Table, cols![Games::Slug]).await?;
        // Keyset sorts: (status, sort value, id) so `status = 'active'` lists walk one index.
        for (name, col) in [
            ("idx_games_status_sort_name", Games::SortName),
            ("idx_games_status_weight", Games::Weight),
            ("idx_games_status_bayes_rating", Games::BayesRating),
            ("idx_games_status_year", Games::YearPublished),
            (
                "idx_games_status_community_median",
                Games::CommunityPlaytimeMedianMinutes,
            ),
        ] {
            index(
                manager,
                name,
                Games::Table,
                cols![Games::Status, col, Games::Id],
            )
            .await?;
        }
        index(
            manager,
            "idx_games_players",
            Games::Table,
            cols![Games::MinPlayers, Games::MaxPlayers],
        )
        .await?;
        index(manager, "idx_games_type", Games::Table, cols![Games::Type]).await?;
        index(
            manager,
            "idx_games_parent_game_id",
            Games::Table,
            cols![Games::ParentGameId],
        )
        .await?;
        index(manager, "idx_games_mode", Games::Table, cols![Games::Mode]).await?;
        index(
            manager,
            "idx_games_bgg_id",
            Games::Table,
            cols![Games::BggId],
        )
        .await?;

        // --- link tables -----------------------------------------------------------
        LinkTable {
            name: "game_mechanics",
            table: GameMechanics::Table.into_iden(),
            game_col: GameMechanics::GameId.into_iden(),
            other_col: GameMechanics::MechanicId.into_iden(),
            other_table: Mechanics::Table.into_iden(),
            other_id: Mechanics::Id.into_iden(),
            ordinal: None,
        }
        .create(manager)
        .await?;
        LinkTable {
            name: "game_categories",
            table: GameCategories::Table.into_iden(),
            game_col: GameCategories::GameId.into_iden(),
            other_col: GameCategories::CategoryId.into_iden(),
            other_table: Categories::Table.into_iden(),
            other_id: Categories::Id.into_iden(),
            ordinal: None,
        }
        .create(manager)
        .await?;
        LinkTable {
            name: "game_themes",
            table: GameThemes::Table.into_iden(),
            game_col: GameThemes::GameId.into_iden(),
            other_col: GameThemes::ThemeId.into_iden(),
            other_table: Themes::Table.into_iden(),
            other_id: Themes::Id.into_iden(),
            ordinal: None,
        }
        .create(manager)
        .await?;
        LinkTable {
            name: "game_designers",
            table: GameDesigners::Table.into_iden(),
            game_col: GameDesigners::GameId.into_iden(),
            other_col: GameDesigners::PersonId.into_iden(),
            other_table: People::Table.into_iden(),
            other_id: People::Id.into_iden(),
            ordinal: Some(GameDesigners::Ordinal.into_iden()),
        }
        .create(manager)
        .await?;
        LinkTable {
            name: "game_artists",
            table: GameArtists::Table.into_iden(),
            game_col: GameArtists::GameId.into_iden(),
            other_col: GameArtists::PersonId.into_iden(),
            other_table: People::Table.into_iden(),
            other_id: People::Id.into_iden(),
            ordinal: Some(GameArtists::Ordinal.into_iden()),
        }
        .create(manager)
        .await?;
        LinkTable {
            name: "game_publishers",
            table: GamePublishers::Table.into_iden(),
            game_col: GamePublishers::GameId.into_iden(),
            other_col: GamePublishers::PublisherId.into_iden(),
            other_table: Publishers::Table.into_iden(),
            other_id: Publishers::Id.into_iden(),
            ordinal: Some(GamePublishers::Ordinal.into_iden()),
        }
        .create(manager)
        .await?;
        LinkTable {
            name: "game_families",
            table: GameFamilies::Table.into_iden(),
            game_col: GameFamilies::GameId.into_iden(),
            other_col: GameFamilies::FamilyId.into_iden(),
            other_table: Families::Table.into_iden(),
            other_id: Families::Id.into_iden(),
            ordinal: None,
        }
        .create(manager)
        .await?;

        // --- credits (roles other than designer / artist) --------------------------
        manager
            .create_table(
                Table::create()
                    .table(GameCredits::Table)
                    .col(uuid(GameCredits::GameId))
                    .col(uuid(GameCredits::PersonId))
                    // developer | graphic_designer | sculptor | editor | writer | …
                    .col(enum_text(GameCredits::Role))
                    .primary_key(
                        Index::create()
                            .col(GameCredits::GameId)
                            .col(GameCredits::PersonId)
                            .col(GameCredits::Role),
                    )
                    .foreign_key(&mut fk(
                        "fk_game_credits_game",
                        GameCredits::Table,
                        GameCredits::GameId,
                        Games::Table,
                        Games::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_game_credits_person",
                        GameCredits::Table,
                        GameCredits::PersonId,
                        People::Table,
                        People::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "idx_game_credits_person",
            GameCredits::Table,
            cols![GameCredits::PersonId, GameCredits::GameId],
        )
        .await?;

        // --- awards ------------------------------------------------------------------
        // Surrogate id: one game can be nominated for several categories of the same
        // award in the same year, and `category` is nullable, so it cannot be part of
        // a primary key.
        manager
            .create_table(
                Table::create()
                    .table(GameAwards::Table)
                    .col(pk_uuid(GameAwards::Id))
                    .col(uuid(GameAwards::GameId))
                    .col(uuid(GameAwards::AwardId))
                    .col(integer(GameAwards::Year))
                    // nominated | shortlisted | recommended | won
                    .col(enum_text(GameAwards::Result))
                    .col(string_len_null(GameAwards::Category, 500))
                    .foreign_key(&mut fk(
                        "fk_game_awards_game",
                        GameAwards::Table,
                        GameAwards::GameId,
                        Games::Table,
                        Games::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_game_awards_award",
                        GameAwards::Table,
                        GameAwards::AwardId,
                        Awards::Table,
                        Awards::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        // Unique where category is set (NULLs are distinct on both backends).
        unique_index(
            manager,
            "ux_game_awards_entry",
            GameAwards::Table,
            cols![
                GameAwards::GameId,
                GameAwards::AwardId,
                GameAwards::Year,
                GameAwards::Result,
                GameAwards::Category,
            ],
        )
        .await?;
        index(
            manager,
            "idx_game_awards_award",
            GameAwards::Table,
            cols![GameAwards::AwardId, GameAwards::Year],
        )
        .await?;

        // --- alternate names ---------------------------------------------------------
        manager
            .create_table(
                Table::create()
                    .table(AlternateNames::Table)
                    .col(pk_uuid(AlternateNames::Id))
                    .col(uuid(AlternateNames::GameId))
                    .col(string_len(AlternateNames::Name, 500))
                    // BCP 47 tag
                    .col(string_len_null(AlternateNames::Language, 35))
                    .col(boolean(AlternateNames::IsPrimary).default(false))
                    // bgg | publisher | community
                    .col(enum_text_null(AlternateNames::Source))
                    .foreign_key(&mut fk(
                        "fk_alternate_names_game",
                        AlternateNames::Table,
                        AlternateNames::GameId,
                        Games::Table,
                        Games::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "idx_alternate_names_game",
            AlternateNames::Table,
            cols![AlternateNames::GameId],
        )
        .await?;

        // --- external identifiers (bgg, bga, …) ------------------------------------
        manager
            .create_table(
                Table::create()
                    .table(GameIdentifiers::Table)
                    .col(uuid(GameIdentifiers::GameId))
                    .col(string_len(GameIdentifiers::Source, 64))
                    .col(string_len(GameIdentifiers::Value, 200))
                    .primary_key(
                        Index::create()
                            .col(GameIdentifiers::Source)
                            .col(GameIdentifiers::Value),
                    )
                    .foreign_key(&mut fk(
                        "fk_game_identifiers_game",
                        GameIdentifiers::Table,
                        GameIdentifiers::GameId,
                        Games::Table,
                        Games::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "idx_game_identifiers_game",
            GameIdentifiers::Table,
            cols![GameIdentifiers::GameId],
        )
        .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            cols![
                GameIdentifiers::Table,
                AlternateNames::Table,
                GameAwards::Table,
                GameCredits::Table,
                GameFamilies::Table,
                GamePublishers::Table,
                GameArtists::Table,
                GameDesigners::Table,
                GameThemes::Table,
                GameCategories::Table,
                GameMechanics::Table,
                Games::Table,
            ],
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
