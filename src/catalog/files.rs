//! The records of the catalog files (docs/import-format.md), as written.
//! Unknown keys are ignored; ranges, enums and references are checked later.

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, Deserialize)]
pub struct TermRecord {
    pub id: Option<String>,
    pub slug: String,
    pub name: String,
    pub definition: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub synonyms: Vec<String>,
    #[serde(default)]
    pub bgg_ids: Vec<i64>,
    pub bgg_id: Option<i64>,
    #[serde(default)]
    pub ancestor_slugs: Vec<String>,
    #[serde(default)]
    pub children_slugs: Vec<String>,
    pub parent_slug: Option<String>,
}

/// People, publishers, families and awards share one shape.
#[derive(Debug, Clone, Deserialize)]
pub struct EntityRecord {
    pub id: Option<String>,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub country: Option<String>,
    pub website: Option<String>,
    pub organization: Option<String>,
    pub bgg_id: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IdentifierRecord {
    pub source: String,
    #[serde(alias = "value")]
    pub external_id: Value,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AlternateNameRecord {
    pub name: String,
    pub language: Option<String>,
    #[serde(default)]
    pub is_primary: bool,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CreditRecord {
    #[serde(alias = "person_slug")]
    pub person: String,
    pub role: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GameAwardRecord {
    pub award: String,
    pub year: i64,
    pub result: String,
    pub category: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GameRecord {
    pub id: Option<String>,
    pub slug: String,
    pub name: String,
    pub sort_name: Option<String>,
    #[serde(rename = "type")]
    pub game_type: String,
    pub parent_game_id: Option<String>,
    pub parent: Option<String>,
    pub year_published: Option<i64>,
    pub description: Option<String>,
    pub description_short: Option<String>,
    pub min_players: Option<i64>,
    pub max_players: Option<i64>,
    pub min_playtime_minutes: Option<i64>,
    pub max_playtime_minutes: Option<i64>,
    pub community_playtime_min_minutes: Option<i64>,
    pub community_playtime_max_minutes: Option<i64>,
    pub community_playtime_median_minutes: Option<i64>,
    pub min_age: Option<i64>,
    pub community_suggested_age: Option<i64>,
    pub weight: Option<f64>,
    pub weight_votes: Option<i64>,
    pub average_rating: Option<f64>,
    pub bayes_rating: Option<f64>,
    pub rating_count: Option<i64>,
    pub rating_stddev: Option<f64>,
    pub rating_distribution: Option<Vec<i64>>,
    pub rank_overall: Option<i64>,
    pub owner_count: Option<i64>,
    pub wishlist_count: Option<i64>,
    pub total_plays: Option<i64>,
    pub mode: Option<String>,
    pub language_dependence: Option<String>,
    pub funding_source: Option<String>,
    pub status: Option<String>,
    pub image_url: Option<String>,
    pub thumbnail_url: Option<String>,
    #[serde(default)]
    pub mechanics: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub designers: Vec<String>,
    #[serde(default)]
    pub artists: Vec<String>,
    #[serde(default)]
    pub publishers: Vec<String>,
    #[serde(default)]
    pub families: Vec<String>,
    #[serde(default)]
    pub identifiers: Vec<IdentifierRecord>,
    #[serde(default)]
    pub alternate_names: Vec<AlternateNameRecord>,
    #[serde(default)]
    pub credits: Vec<CreditRecord>,
    #[serde(default)]
    pub awards: Vec<GameAwardRecord>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RatingRecord {
    pub player_count: i64,
    pub average_rating: f64,
    pub rating_count: i64,
    pub rating_stddev: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RatingsFile {
    pub game_id: Option<String>,
    pub game: Option<String>,
    #[serde(default)]
    pub ratings: Vec<RatingRecord>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LevelRecord {
    pub experience_level: String,
    pub median_minutes: i64,
    #[serde(alias = "p10_minutes")]
    pub min_minutes: Option<i64>,
    #[serde(alias = "p90_minutes")]
    pub max_minutes: Option<i64>,
    #[serde(alias = "report_count")]
    pub total_reports: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ExperienceFile {
    pub game_id: Option<String>,
    pub game: Option<String>,
    #[serde(default)]
    pub levels: Vec<LevelRecord>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ModificationRecord {
    pub expansion: Option<String>,
    pub expansion_id: Option<String>,
    pub base_game_id: Option<String>,
    #[serde(default)]
    pub min_players_delta: i64,
    #[serde(default)]
    pub max_players_delta: i64,
    #[serde(default)]
    pub playtime_min_delta: i64,
    #[serde(default)]
    pub playtime_max_delta: i64,
    #[serde(default)]
    pub min_age_delta: i64,
    #[serde(default)]
    pub weight_delta: f64,
    #[serde(default)]
    pub best_at_delta: Vec<i64>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CombinationRecord {
    #[serde(default)]
    pub expansions: Vec<String>,
    #[serde(default)]
    pub expansion_ids: Vec<String>,
    pub base_game_id: Option<String>,
    pub source: String,
    pub effective_min_players: Option<i64>,
    pub effective_max_players: Option<i64>,
    pub effective_best_at: Option<Vec<i64>>,
    pub effective_recommended_at: Option<Vec<i64>>,
    pub effective_weight: Option<f64>,
    pub effective_playtime_min: Option<i64>,
    pub effective_playtime_max: Option<i64>,
    pub effective_min_age: Option<i64>,
    pub experience_playtime: Option<Vec<LevelRecord>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RelationshipRecord {
    #[serde(alias = "source_game_id")]
    pub source: String,
    #[serde(alias = "target_game_id")]
    pub target: String,
    pub relationship_type: String,
    pub metadata: Option<serde_json::Map<String, Value>>,
    pub ordinal: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProductCodeRecord {
    #[serde(rename = "type")]
    pub code_type: String,
    pub code: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct EditionDeltaRecord {
    #[serde(default)]
    pub min_players_delta: i64,
    #[serde(default)]
    pub max_players_delta: i64,
    #[serde(default)]
    pub playtime_min_delta: i64,
    #[serde(default)]
    pub playtime_max_delta: i64,
    #[serde(default)]
    pub weight_delta: f64,
    #[serde(default)]
    pub best_at_delta: Vec<i64>,
    pub rules_changes: Option<String>,
    pub component_changes: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EditionRecord {
    pub id: Option<String>,
    pub slug: Option<String>,
    pub game_id: Option<String>,
    pub name: String,
    pub year_published: Option<i64>,
    #[serde(default)]
    pub publishers: Vec<String>,
    #[serde(default)]
    pub publisher_ids: Vec<String>,
    #[serde(default)]
    pub artists: Vec<String>,
    pub language: Option<String>,
    #[serde(default)]
    pub product_codes: Vec<ProductCodeRecord>,
    pub dimensions: Option<serde_json::Map<String, Value>>,
    pub box_weight: Option<serde_json::Map<String, Value>>,
    pub release_status: Option<String>,
    pub release_date: Option<String>,
    pub image_url: Option<String>,
    pub thumbnail_url: Option<String>,
    pub notes: Option<String>,
    #[serde(default)]
    pub is_canonical: bool,
    pub deltas: Option<EditionDeltaRecord>,
}
