//! `games`: one row per game, expansion, promo or accessory.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "games")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub sort_name: String,
    /// `base_game`, `expansion`, `standalone_expansion`, `promo`, `accessory`, `fan_expansion`.
    #[sea_orm(column_name = "type")]
    pub game_type: String,
    pub parent_game_id: Option<Uuid>,
    pub year_published: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub description_short: Option<String>,
    pub min_players: Option<i32>,
    pub max_players: Option<i32>,
    pub min_playtime_minutes: Option<i32>,
    pub max_playtime_minutes: Option<i32>,
    pub community_playtime_min_minutes: Option<i32>,
    pub community_playtime_max_minutes: Option<i32>,
    pub community_playtime_median_minutes: Option<i32>,
    pub min_age: Option<i32>,
    #[sea_orm(column_type = "Double", nullable)]
    pub weight: Option<f64>,
    pub weight_votes: Option<i32>,
    #[sea_orm(column_type = "Double", nullable)]
    pub average_rating: Option<f64>,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub rating_distribution: Option<Json>,
    #[sea_orm(column_type = "Double", nullable)]
    pub rating_stddev: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub bayes_rating: Option<f64>,
    pub rating_count: Option<i32>,
    pub rank_overall: Option<i32>,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub rank_by_category: Option<Json>,
    pub owner_count: Option<i32>,
    pub wishlist_count: Option<i32>,
    pub total_plays: Option<i32>,
    pub community_suggested_age: Option<i32>,
    pub language_dependence: Option<String>,
    pub mode: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub image_url: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub thumbnail_url: Option<String>,
    pub bgg_id: Option<i32>,
    pub funding_source: Option<String>,
    pub canonical_edition_id: Option<Uuid>,
    /// Derived (D3): player counts rated at least 4.0.
    #[sea_orm(column_type = "JsonBinary")]
    pub best_at: Json,
    /// Derived (D3): player counts rated at least 3.0.
    #[sea_orm(column_type = "JsonBinary")]
    pub recommended_at: Json,
    /// Derived (D34): level median / experienced median, when all levels have data.
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub experience_multipliers: Option<Json>,
    /// `active`, `pending` or `archived`.
    pub status: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Entity {
    /// Every game ordered by id (tests compare whole tables with it).
    pub async fn find_all_sorted<C: sea_orm::ConnectionTrait>(db: &C) -> Vec<Model> {
        use sea_orm::QueryOrder;
        Entity::find()
            .order_by_asc(Column::Id)
            .all(db)
            .await
            .expect("games readable")
    }
}
