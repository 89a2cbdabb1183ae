//! Controlled vocabulary (mechanics, categories, themes and their synonyms),
//! people, publishers, families and awards.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{drop_tables, index, json_list, timestamp_now, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Mechanics {
    Table,
    Id,
    Slug,
    Name,
    Description,
    BggId,
    BggIds,
    AncestorSlugs,
    ChildrenSlugs,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
    Slug,
    Name,
    Description,
    BggId,
    BggIds,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Themes {
    Table,
    Id,
    Slug,
    Name,
    Description,
    BggId,
    BggIds,
    ParentSlug,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TaxonomySynonyms {
    Table,
    Kind,
    Alias,
    CanonicalSlug,
}

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
    Slug,
    Name,
    Description,
    BggId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Publishers {
    Table,
    Id,
    Slug,
    Name,
    Description,
    Country,
    Website,
    BggId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Families {
    Table,
    Id,
    Slug,
    Name,
    Description,
    BggId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Awards {
    Table,
    Id,
    Slug,
    Name,
    Description,
    Organization,
    Website,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // --- controlled vocabulary -------------------------------------------------
        manager
            .create_table(
                Table::create()
                    .table(Mechanics::Table)
                    .col(pk_uuid(Mechanics::Id))
                    .col(string_len(Mechanics::Slug, 200))
                    .col(string_len(Mechanics::Name, 200))
                    .col(text_null(Mechanics::Description))
                    // First BGG mechanic id; `bgg_ids` keeps the full list (a term may map to
                    // several BGG ids, and one BGG id to several terms, so neither is unique).
                    .col(integer_null(Mechanics::BggId))
                    .col(json_list(Mechanics::BggIds))
                    .col(json_list(Mechanics::AncestorSlugs))
                    .col(json_list(Mechanics::ChildrenSlugs))
                    .col(timestamp_now(Mechanics::CreatedAt))
                    .col(timestamp_now(Mechanics::UpdatedAt))
                    .take(),
            )
            .await?;
        unique_index(
            manager,
            "ux_mechanics_slug",
            Mechanics::Table,
            cols![Mechanics::Slug],
        )
        .await?;
        index(
            manager,
            "idx_mechanics_bgg_id",
            Mechanics::Table,
            cols![Mechanics::BggId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Categories::Table)
                    .col(pk_uuid(Categories::Id))
                    .col(string_len(Categories::Slug, 200))
                    .col(string_len(Categories::Name, 200))
                    .col(text_null(Categories::Description))
                    .col(integer_null(Categories::BggId))
                    .col(json_list(Categories::BggIds))
                    .col(timestamp_now(Categories::CreatedAt))
                    .col(timestamp_now(Categories::UpdatedAt))
                    .take(),
            )
            .await?;
        unique_index(
            manager,
            "ux_categories_slug",
            Categories::Table,
            cols![Categories::Slug],
        )
        .await?;
        index(
            manager,
            "idx_categories_bgg_id",
            Categories::Table,
            cols![Categories::BggId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Themes::Table)
                    .col(pk_uuid(Themes::Id))
                    .col(string_len(Themes::Slug, 200))
                    .col(string_len(Themes::Name, 200))
                    .col(text_null(Themes::Description))
                    .col(integer_null(Themes::BggId))
                    .col(json_list(Themes::BggIds))
                    // Slug of the parent theme (no FK: the taxonomy file may list a child
                    // before its parent).
                    .col(string_len_null(Themes::ParentSlug, 200))
                    .col(timestamp_now(Themes::CreatedAt))
                    .col(timestamp_now(Themes::UpdatedAt))
                    .take(),
            )
            .await?;
        unique_index(
            manager,
            "ux_themes_slug",
            Themes::Table,
            cols![Themes::Slug],
        )
        .await?;
        index(
            manager,
            "idx_themes_parent_slug",
            Themes::Table,
            cols![Themes::ParentSlug],
        )
        .await?;
        index(
            manager,
            "idx_themes_bgg_id",
            Themes::Table,
            cols![Themes::BggId],
        )
        .await?;

        // kind: mechanic | category | theme. The primary key makes (kind, alias) unique.
        manager
            .create_table(
                Table::create()
                    .table(TaxonomySynonyms::Table)
                    .col(string_len(TaxonomySynonyms::Kind, 32))
                    .col(string_len(TaxonomySynonyms::Alias, 200))
                    .col(string_len(TaxonomySynonyms::CanonicalSlug, 200))
                    .primary_key(
                        Index::create()
                            .col(TaxonomySynonyms::Kind)
                            .col(TaxonomySynonyms::Alias),
                    )
                    .take(),
            )
            .await?;
        index(
            manager,
            "idx_taxonomy_synonyms_canonical",
            TaxonomySynonyms::Table,
            cols![TaxonomySynonyms::Kind, TaxonomySynonyms::CanonicalSlug],
        )
        .await?;

        // --- people and organisations ----------------------------------------------
        manager
            .create_table(
                Table::create()
                    .table(People::Table)
                    .col(pk_uuid(People::Id))
                    .col(string_len(People::Slug, 200))
                    .col(string_len(People::Name, 500))
                    .col(text_null(People::Description))
                    .col(integer_null(People::BggId))
                    .col(timestamp_now(People::CreatedAt))
                    .col(timestamp_now(People::UpdatedAt))
                    .take(),
            )
            .await?;
        unique_index(
            manager,
            "ux_people_slug",
            People::Table,
            cols![People::Slug],
        )
        .await?;
        index(
            manager,
            "idx_people_name_id",
            People::Table,
            cols![People::Name, People::Id],
        )
        .await?;
        index(
            manager,
            "idx_people_bgg_id",
            People::Table,
            cols![People::BggId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Publishers::Table)
                    .col(pk_uuid(Publishers::Id))
                    .col(string_len(Publishers::Slug, 200))
                    .col(string_len(Publishers::Name, 500))
                    .col(text_null(Publishers::Description))
                    .col(char_len_null(Publishers::Country, 2))
                    .col(text_null(Publishers::Website))
                    .col(integer_null(Publishers::BggId))
                    .col(timestamp_now(Publishers::CreatedAt))
                    .col(timestamp_now(Publishers::UpdatedAt))
                    .take(),
            )
            .await?;
        unique_index(
            manager,
            "ux_publishers_slug",
            Publishers::Table,
            cols![Publishers::Slug],
        )
        .await?;
        index(
            manager,
            "idx_publishers_name_id",
            Publishers::Table,
            cols![Publishers::Name, Publishers::Id],
        )
        .await?;
        index(
            manager,
            "idx_publishers_bgg_id",
            Publishers::Table,
            cols![Publishers::BggId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Families::Table)
                    .col(pk_uuid(Families::Id))
                    .col(string_len(Families::Slug, 200))
                    .col(string_len(Families::Name, 500))
                    .col(text_null(Families::Description))
                    .col(integer_null(Families::BggId))
                    .col(timestamp_now(Families::CreatedAt))
                    .col(timestamp_now(Families::UpdatedAt))
                    .take(),
            )
            .await?;
        unique_index(
            manager,
            "ux_families_slug",
            Families::Table,
            cols![Families::Slug],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Awards::Table)
                    .col(pk_uuid(Awards::Id))
                    .col(string_len(Awards::Slug, 200))
                    .col(string_len(Awards::Name, 500))
                    .col(text_null(Awards::Description))
                    .col(string_len_null(Awards::Organization, 500))
                    .col(text_null(Awards::Website))
                    .col(timestamp_now(Awards::CreatedAt))
                    .col(timestamp_now(Awards::UpdatedAt))
                    .take(),
            )
            .await?;
        unique_index(
            manager,
            "ux_awards_slug",
            Awards::Table,
            cols![Awards::Slug],
        )
        .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // No table here references another one; dropping a table drops its indexes.
        drop_tables(
            manager,
            cols![
                Awards::Table,
                Families::Table,
                Publishers::Table,
                People::Table,
                TaxonomySynonyms::Table,
                Themes::Table,
                Categories::Table,
                Mechanics::Table,
            ],
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        // SQLite has transactional DDL too: never leave a half-applied migration behind.
        Some(true)
    }
}
