//! The expansion model over HTTP: `GET /games/{id}/effective-properties`,
//! `/games/{id}/relationships`, `/games/{id}/editions` and
//! `/games/{id}/experience-playtime` (SPEC-NOTES D7, D8, D26, D37; §3.8, §3.9,
//! §3.18, §3.20). The DTOs follow the contract's schemas; absent optional
//! values are omitted, never `null` (D1). They are public so that game
//! responses can embed them (`include=editions,effective_properties,…`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::error::{ApiError, ErrorResponse, ValidationError};
use super::extract::Query;
use super::pagination::Link;
use super::{AppState, Mount};
use crate::catalog::derive;
use crate::domain::effective::{self, BaseValues, ExperienceLevel, Tier};
use crate::storage::expansions::{
    self as store, Direction, EditionDeltaRow, EditionRow, GameValues, RelationshipRow,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(effective_properties))
        .routes(routes!(relationships))
        .routes(routes!(editions))
        .routes(routes!(experience_playtime))
}

/// Schema of a list of player counts (integers ≥ 1).
fn player_counts() -> ArrayBuilder {
    ArrayBuilder::new().items(
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1)),
    )
}

/// Schema of a list of UUIDs with at least one item.
fn uuid_list() -> ArrayBuilder {
    ArrayBuilder::new()
        .items(ObjectBuilder::new().schema_type(Type::String).format(Some(
            utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Uuid),
        )))
        .min_items(Some(1))
}

// ---------------------------------------------------------------------------
// DTOs: effective properties
// ---------------------------------------------------------------------------

/// The base game's properties before any expansion (after the selected
/// edition's deltas, when an edition other than the canonical one is chosen).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BaseProperties {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1)]
    pub min_players: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1)]
    pub max_players: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub min_playtime_minutes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub max_playtime_minutes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1.0, maximum = 5.0, format = Float)]
    pub weight: Option<f64>,
    /// Player counts where the game is considered best (derived, D3).
    #[schema(schema_with = player_counts)]
    pub best_at: Vec<i64>,
    /// Player counts where the game is recommended (derived, D3).
    #[schema(schema_with = player_counts)]
    pub recommended_at: Vec<i64>,
    /// Publisher-stated minimum age.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub min_age: Option<i64>,
}

impl From<&BaseValues> for BaseProperties {
    fn from(v: &BaseValues) -> Self {
        BaseProperties {
            min_players: v.min_players,
            max_players: v.max_players,
            min_playtime_minutes: v.min_playtime,
            max_playtime_minutes: v.max_playtime,
            weight: v.weight,
            best_at: v.best_at.clone(),
            recommended_at: v.recommended_at.clone(),
            min_age: v.min_age,
        }
    }
}

/// The effective values after applying the expansions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EffectivePropertyValues {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1)]
    pub min_players: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1)]
    pub max_players: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub min_playtime_minutes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub max_playtime_minutes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1.0, maximum = 5.0, format = Float)]
    pub weight: Option<f64>,
    #[schema(schema_with = player_counts)]
    pub best_at: Vec<i64>,
    #[schema(schema_with = player_counts)]
    pub recommended_at: Vec<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub min_age: Option<i64>,
    /// The curated combination's own experience data when it has any, else
    /// the base game's profile (absent when the game has none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experience_playtime: Option<ExperiencePlaytimeProfile>,
}

impl EffectivePropertyValues {
    fn new(v: &BaseValues, experience: Option<ExperiencePlaytimeProfile>) -> Self {
        EffectivePropertyValues {
            min_players: v.min_players,
            max_players: v.max_players,
            min_playtime_minutes: v.min_playtime,
            max_playtime_minutes: v.max_playtime,
            weight: v.weight,
            best_at: v.best_at.clone(),
            recommended_at: v.recommended_at.clone(),
            min_age: v.min_age,
            experience_playtime: experience,
        }
    }
}

/// What one expansion changes on its own (its PropertyModification).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IndividualEffect {
    pub min_players_delta: i64,
    pub max_players_delta: i64,
    #[schema(format = Float)]
    pub weight_delta: f64,
    pub playtime_min_delta: i64,
    pub playtime_max_delta: i64,
    /// Absolute player counts the expansion makes "best".
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    #[schema(schema_with = player_counts)]
    pub best_at_delta: Vec<i64>,
    pub min_age_delta: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Which tier of the resolution produced the effective values (D8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CombinationSource {
    Explicit,
    Computed,
    BaseOnly,
}

impl From<Tier> for CombinationSource {
    fn from(t: Tier) -> Self {
        match t {
            Tier::Explicit => CombinationSource::Explicit,
            Tier::Computed => CombinationSource::Computed,
            Tier::BaseOnly => CombinationSource::BaseOnly,
        }
    }
}

/// How the edition was chosen: the `edition` parameter, the game's canonical
/// edition, or none (the game has no edition data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EditionSource {
    Explicit,
    Canonical,
    None,
}

/// The effective gameplay properties of a base game with a set of expansions
/// (three-tier resolution: explicit, computed, base_only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EffectiveProperties {
    pub base: BaseProperties,
    /// Slugs of the expansions applied: the whole requested set on
    /// `explicit`, those with deltas on `computed`, none on `base_only`.
    pub applied_expansions: Vec<String>,
    pub effective: EffectivePropertyValues,
    pub combination_source: CombinationSource,
    /// The edition used as the base (absent when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edition_id: Option<Uuid>,
    pub edition_source: EditionSource,
    /// Expansion slug → its own contribution, for each requested expansion
    /// with deltas (absent when there is none).
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub individual_effects: BTreeMap<String, IndividualEffect>,
    /// `self` and `game`.
    #[serde(rename = "_links")]
    pub links: BTreeMap<String, Link>,
}

// ---------------------------------------------------------------------------
// DTOs: experience playtime
// ---------------------------------------------------------------------------

/// An experience level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExperienceLevelName {
    FirstPlay,
    Learning,
    Experienced,
    Expert,
}

impl ExperienceLevelName {
    fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(Value::String(s.to_string())).ok()
    }
}

/// Reported play time at one experience level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExperiencePlaytimePoll {
    pub game_id: Uuid,
    pub experience_level: ExperienceLevelName,
    #[schema(minimum = 0)]
    pub median_minutes: i64,
    /// 10th percentile.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub min_minutes: Option<i64>,
    /// 90th percentile.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub max_minutes: Option<i64>,
    #[schema(minimum = 0)]
    pub total_reports: i64,
}

/// Level median ÷ experienced median, rounded to two decimals (D34).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExperienceMultipliers {
    #[schema(format = Float)]
    pub first_play: f64,
    #[schema(format = Float)]
    pub learning: f64,
    /// Always 1.0.
    #[schema(format = Float)]
    pub experienced: f64,
    #[schema(format = Float)]
    pub expert: f64,
}

/// Play time by experience level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExperiencePlaytimeProfile {
    pub game_id: Uuid,
    /// One entry per level with enough reports (at least 10), in level order.
    pub levels: Vec<ExperiencePlaytimePoll>,
    /// Only when all four levels have enough reports; otherwise consumers use
    /// the defaults 1.50 / 1.25 / 1.0 / 0.85.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multipliers: Option<ExperienceMultipliers>,
    /// Whether all four levels have enough reports.
    pub sufficient_data: bool,
    /// Reports across all levels.
    #[schema(minimum = 0)]
    pub total_reports: i64,
}

/// The profile of `levels`. Multipliers come from `stored` (the importer's
/// derivation, D34) when given, else they are derived from the levels.
pub fn experience_profile(
    game_id: Uuid,
    levels: &[ExperienceLevel],
    stored: Option<&Value>,
) -> ExperiencePlaytimeProfile {
    let summary = effective::summarize_experience(levels);
    let multipliers = if summary.sufficient_data {
        stored
            .and_then(|v| serde_json::from_value::<ExperienceMultipliers>(v.clone()).ok())
            .or_else(|| {
                let raw: Vec<(&str, i64, i64)> = summary
                    .levels
                    .iter()
                    .map(|l| (l.level.as_str(), l.median_minutes, l.total_reports))
                    .collect();
                derive::multipliers(&raw).map(|m| ExperienceMultipliers {
                    first_play: m[0].1,
                    learning: m[1].1,
                    experienced: m[2].1,
                    expert: m[3].1,
                })
            })
    } else {
        None
    };
    ExperiencePlaytimeProfile {
        game_id,
        levels: summary
            .levels
            .iter()
            .filter_map(|l| {
                Some(ExperiencePlaytimePoll {
                    game_id,
                    experience_level: ExperienceLevelName::parse(&l.level)?,
                    median_minutes: l.median_minutes,
                    min_minutes: l.min_minutes,
                    max_minutes: l.max_minutes,
                    total_reports: l.total_reports,
                })
            })
            .collect(),
        multipliers,
        sufficient_data: summary.sufficient_data,
        total_reports: summary.total_reports,
    }
}

/// `matched_via` of a base game that matched an effective-mode filter
/// through `candidate` (D28): `type` (`expansion_combination` for a curated
/// set, `delta_sum` for a computed one), the member `expansions` (`slug`,
/// `name`, by slug), the `effective_properties` used (BaseProperties field
/// names) and the `resolution_tier` (1 or 2). `names` maps expansion ids to
/// (slug, name); a member missing from it is named by its id.
pub fn matched_via(
    candidate: &effective::Candidate,
    names: &HashMap<Uuid, (String, String)>,
) -> Value {
    let kind = match candidate.resolution.tier {
        Tier::Explicit => "expansion_combination",
        _ => "delta_sum",
    };
    let expansions: Vec<Value> = candidate
        .expansions
        .iter()
        .map(|id| match names.get(id) {
            Some((slug, name)) => serde_json::json!({"slug": slug, "name": name}),
            None => serde_json::json!({"slug": id.to_string(), "name": id.to_string()}),
        })
        .collect();
    serde_json::json!({
        "type": kind,
        "expansions": expansions,
        "effective_properties": BaseProperties::from(&candidate.resolution.effective),
        "resolution_tier": candidate.tier(),
    })
}

// ---------------------------------------------------------------------------
// DTOs: relationships
// ---------------------------------------------------------------------------

/// The kind of an edge: `target` expands, reimplements, is contained in,
/// requires, is recommended with, or integrates with `source` (D7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelationshipType {
    Expands,
    Reimplements,
    Contains,
    Requires,
    Recommends,
    IntegratesWith,
}

impl RelationshipType {
    fn as_str(self) -> &'static str {
        match self {
            RelationshipType::Expands => "expands",
            RelationshipType::Reimplements => "reimplements",
            RelationshipType::Contains => "contains",
            RelationshipType::Requires => "requires",
            RelationshipType::Recommends => "recommends",
            RelationshipType::IntegratesWith => "integrates_with",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(Value::String(s.to_string())).ok()
    }
}

/// Which side of the edges the game is on (extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelationshipDirection {
    /// Edges where the game is the source.
    Outbound,
    /// Edges where the game is the target.
    Inbound,
}

/// A typed, directed edge between two games.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GameRelationship {
    pub source_game_id: Uuid,
    pub target_game_id: Uuid,
    pub relationship_type: RelationshipType,
    /// Type-specific attributes.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>, additional_properties = true)]
    pub metadata: Option<serde_json::Map<String, Value>>,
    /// `source` and `target`: the two games.
    #[serde(rename = "_links")]
    pub links: BTreeMap<String, Link>,
}

/// The edges of one game.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GameRelationships {
    pub data: Vec<GameRelationship>,
    /// `self` and `game`.
    #[serde(rename = "_links")]
    pub links: BTreeMap<String, Link>,
}

// ---------------------------------------------------------------------------
// DTOs: editions
// ---------------------------------------------------------------------------

/// How an edition differs from the canonical edition (additive deltas).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EditionDelta {
    pub edition_id: Uuid,
    pub game_id: Uuid,
    pub min_players_delta: i64,
    pub max_players_delta: i64,
    #[schema(format = Float)]
    pub weight_delta: f64,
    pub playtime_min_delta: i64,
    pub playtime_max_delta: i64,
    /// Absolute player counts the edition makes "best".
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    #[schema(schema_with = player_counts)]
    pub best_at_delta: Vec<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules_changes: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component_changes: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl EditionDelta {
    fn new(edition: &EditionRow, d: &EditionDeltaRow) -> Self {
        EditionDelta {
            edition_id: edition.id,
            game_id: edition.game_id,
            min_players_delta: d.min_players_delta,
            max_players_delta: d.max_players_delta,
            weight_delta: d.weight_delta,
            playtime_min_delta: d.playtime_min_delta,
            playtime_max_delta: d.playtime_max_delta,
            best_at_delta: d.best_at_delta.clone(),
            rules_changes: d.rules_changes.clone(),
            component_changes: d.component_changes.clone(),
            description: d.description.clone(),
        }
    }
}

/// Kind of a product code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProductCodeType {
    Upc,
    Ean,
    Isbn,
    Asin,
    Sku,
}

/// A retail product identifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProductCode {
    #[serde(rename = "type")]
    pub code_type: ProductCodeType,
    pub code: String,
}

/// Unit of box dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LengthUnit {
    Cm,
    In,
}

/// Box dimensions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PhysicalDimensions {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0.0, format = Float)]
    pub length: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0.0, format = Float)]
    pub width: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0.0, format = Float)]
    pub height: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<LengthUnit>,
}

/// Unit of a box weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WeightUnit {
    Kg,
    Lb,
}

/// Box weight (not the complexity weight).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PhysicalWeight {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0.0, format = Float)]
    pub value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<WeightUnit>,
}

/// Availability of an edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseStatus {
    Announced,
    Preorder,
    Released,
    OutOfPrint,
}

/// `self` and `game` of an edition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EditionLinks {
    /// The edition within its game's edition list.
    #[serde(rename = "self")]
    pub self_link: Link,
    pub game: Link,
}

/// A published edition of a game.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GameEdition {
    pub id: Uuid,
    pub game_id: Uuid,
    /// Selects the edition in `effective-properties?edition=` (extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: Option<String>,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year_published: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    #[schema(schema_with = uuid_list)]
    pub publisher_ids: Vec<Uuid>,
    /// BCP 47 language tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_codes: Option<Vec<ProductCode>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<PhysicalDimensions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub box_weight: Option<PhysicalWeight>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_status: Option<ReleaseStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_date: Option<chrono::NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = "uri")]
    pub image_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = "uri")]
    pub thumbnail_url: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub artist_ids: Vec<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    pub is_canonical: bool,
    /// Only with `include=deltas`, on editions that differ from the canonical one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deltas: Option<EditionDelta>,
    #[serde(rename = "_links")]
    pub links: EditionLinks,
}

/// Parses a stored JSON value into `T`, dropping what does not fit the schema.
fn typed<T: serde::de::DeserializeOwned>(value: Option<&Value>) -> Option<T> {
    value.and_then(|v| serde_json::from_value(v.clone()).ok())
}

impl GameEdition {
    /// The edition as the contract shows it; `with_deltas` adds its deltas.
    pub fn new(prefix: &str, game_slug: &str, e: &EditionRow, with_deltas: bool) -> Self {
        GameEdition {
            id: e.id,
            game_id: e.game_id,
            slug: e.slug.clone(),
            name: e.name.clone(),
            year_published: e.year_published,
            publisher_ids: e.publisher_ids.clone(),
            language: e.language.clone(),
            product_codes: typed(e.product_codes.as_ref()),
            dimensions: typed(e.dimensions.as_ref()),
            box_weight: typed(e.box_weight.as_ref()),
            release_status: e
                .release_status
                .as_ref()
                .and_then(|s| typed(Some(&Value::String(s.clone())))),
            release_date: e.release_date,
            image_url: e.image_url.clone(),
            thumbnail_url: e.thumbnail_url.clone(),
            artist_ids: e.artist_ids.clone(),
            notes: e.notes.clone(),
            is_canonical: e.is_canonical,
            deltas: if with_deltas {
                e.delta.as_ref().map(|d| EditionDelta::new(e, d))
            } else {
                None
            },
            links: EditionLinks {
                self_link: Link::new(format!("{prefix}/games/{game_slug}/editions#{}", e.id)),
                game: Link::new(format!("{prefix}/games/{game_slug}")),
            },
        }
    }
}

/// `_embedded` of the editions answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EditionsEmbedded {
    /// The deltas of every edition that differs from the canonical one.
    pub deltas: Vec<EditionDelta>,
}

/// The editions of a game.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GameEditions {
    pub game_id: Uuid,
    /// The baseline edition all deltas are relative to (absent when the game
    /// has no canonical edition).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canonical_edition_id: Option<Uuid>,
    /// The canonical edition first, then by year.
    pub editions: Vec<GameEdition>,
    /// Only with `include=deltas`.
    #[serde(rename = "_embedded", skip_serializing_if = "Option::is_none")]
    pub embedded: Option<EditionsEmbedded>,
    /// `self` and `game`.
    #[serde(rename = "_links")]
    pub links: BTreeMap<String, Link>,
}

// ---------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------

/// Query of `GET /games/{id}/effective-properties`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EffectiveParams {
    /// Comma-separated slugs or UUIDs of expansions of this game, in any
    /// order; duplicates are ignored. Without it, the base game alone
    /// (`base_only`). An unknown entry is a 404, an entry that is not an
    /// expansion of this game a 422.
    #[param(example = "spirit-island-branch-and-claw,spirit-island-jagged-earth")]
    pub with: Option<String>,
    /// Slug or UUID of the edition to use as the base (applied before the
    /// expansions); defaults to the canonical edition. Unknown: 404.
    #[param(example = "agricola-revised-edition")]
    pub edition: Option<String>,
}

/// The non-empty, trimmed entries of a comma-separated list.
fn csv(raw: Option<&str>) -> Vec<String> {
    raw.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Resolves the `with` entries to expansions of `base`, in request order
/// without duplicates: 404 for unknown (or removed) games, 422 for games that
/// are not expansions of `base`.
fn requested_expansions<'a>(
    base: &GameValues,
    entries: &[String],
    found: &'a [GameValues],
) -> Result<Vec<&'a GameValues>, ApiError> {
    let mut unknown = Vec::new();
    let mut foreign = Vec::new();
    let mut out: Vec<&GameValues> = Vec::new();
    for entry in entries {
        let hit = found.iter().find(|g| match Uuid::parse_str(entry) {
            Ok(id) => g.id == id,
            Err(_) => g.slug == *entry,
        });
        match hit {
            None => unknown.push(entry.clone()),
            Some(g) if g.status == "archived" => unknown.push(entry.clone()),
            Some(g) if !store::is_expansion_of(g, base.id) => foreign.push(entry.clone()),
            Some(g) => {
                if !out.iter().any(|o| o.id == g.id) {
                    out.push(g);
                }
            }
        }
    }
    if !unknown.is_empty() {
        let noun = if unknown.len() == 1 {
            "Expansion"
        } else {
            "Expansions"
        };
        return Err(ApiError::NotFound(format!(
            "{noun} {} not found for game '{}'.",
            quoted(&unknown),
            base.slug
        )));
    }
    if !foreign.is_empty() {
        let errors = foreign
            .iter()
            .map(|e| {
                ValidationError::new(
                    "with",
                    format!("'{e}' is not an expansion of '{}'", base.slug),
                    "not_an_expansion",
                )
            })
            .collect();
        let detail = if foreign.len() == 1 {
            format!("'{}' is not an expansion of '{}'.", foreign[0], base.slug)
        } else {
            format!(
                "{} are not expansions of '{}'.",
                quoted(&foreign),
                base.slug
            )
        };
        return Err(ApiError::Unprocessable { detail, errors });
    }
    Ok(out)
}

/// What the effective-properties handler reads, in one round of queries.
struct EffectiveInputs {
    game: GameValues,
    found: Vec<GameValues>,
    model: store::ExpansionModel,
    editions: Vec<EditionRow>,
    levels: Vec<ExperienceLevel>,
}

/// Get the effective properties of a game with expansions.
///
/// Resolves the game's properties with the expansions in `with` (SPEC-NOTES
/// D8): an ExpansionCombination curated for exactly that set (`explicit`);
/// else the base plus the deltas of the requested expansions that have any,
/// clamped to valid ranges (`computed`); else the base alone (`base_only`).
/// The selected edition's deltas apply first. Fields a curated combination
/// does not give fall back to the computed values.
#[utoipa::path(get, path = "/games/{id}/effective-properties", tag = "games",
    operation_id = "getGameEffectiveProperties",
    params(("id" = String, Path, description = "UUID or slug of the base game"), EffectiveParams),
    responses(
        (status = 200, description = "Base and effective values, and how they were resolved",
            body = EffectiveProperties),
        (status = 400, description = "Malformed query", body = ErrorResponse,
            content_type = "application/problem+json"),
        (status = 404, description = "No such game, expansion or edition", body = ErrorResponse,
            content_type = "application/problem+json"),
        (status = 410, description = "The game was removed", body = ErrorResponse,
            content_type = "application/problem+json"),
        (status = 422, description = "An entry of `with` is not an expansion of this game",
            body = ErrorResponse, content_type = "application/problem+json"),
    ))]
pub(crate) async fn effective_properties(
    State(state): State<AppState>,
    Mount(prefix): Mount,
    Path(id): Path<String>,
    Query(params): Query<EffectiveParams>,
) -> Result<Json<EffectiveProperties>, ApiError> {
    let game = super::games::resolve(&state, &id).await?;
    let game_id = game.id;
    let entries = csv(params.with.as_deref());
    let inputs = state
        .db
        .read(|conn| {
            let entries = entries.clone();
            async move {
                let Some(game) = store::game(&conn, game_id).await? else {
                    return Ok(None);
                };
                let found = if entries.is_empty() {
                    Vec::new()
                } else {
                    store::find_games(&conn, &entries).await?
                };
                Ok(Some(EffectiveInputs {
                    game,
                    found,
                    model: store::expansion_model(&conn, game_id).await?,
                    editions: store::editions(&conn, game_id).await?,
                    levels: store::experience_levels(&conn, game_id).await?,
                }))
            }
        })
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("No game found with identifier '{id}'.")))?;
    let EffectiveInputs {
        game: values,
        found,
        model,
        editions,
        levels,
    } = inputs;

    let requested = requested_expansions(&values, &entries, &found)?;

    // Edition: explicit, else canonical, else none.
    let requested_edition = params
        .edition
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let (edition, edition_source) = match requested_edition {
        Some(reference) => {
            let e = editions.iter().find(|e| e.is(reference)).ok_or_else(|| {
                ApiError::NotFound(format!(
                    "Edition '{reference}' not found for game '{}'.",
                    values.slug
                ))
            })?;
            (Some(e), EditionSource::Explicit)
        }
        None => {
            let canonical = values
                .canonical_edition_id
                .and_then(|cid| editions.iter().find(|e| e.id == cid))
                .or_else(|| editions.iter().find(|e| e.is_canonical));
            match canonical {
                Some(e) => (Some(e), EditionSource::Canonical),
                None => (None, EditionSource::None),
            }
        }
    };
    // The canonical edition defines the baseline: only another edition shifts it.
    let edition_delta = edition
        .filter(|e| !e.is_canonical)
        .and_then(|e| e.delta.as_ref())
        .map(EditionDeltaRow::delta);

    let deltas = model.deltas();
    let combinations = model.domain_combinations();
    let ids: Vec<Uuid> = requested.iter().map(|g| g.id).collect();
    let resolution = effective::resolve(
        &values.values,
        edition_delta.as_ref(),
        &ids,
        &deltas,
        &combinations,
    );

    let slug_of: HashMap<Uuid, &str> = requested.iter().map(|g| (g.id, g.slug.as_str())).collect();
    let individual_effects = model
        .modifications
        .iter()
        .filter(|m| slug_of.contains_key(&m.expansion_id))
        .map(|m| {
            (
                m.expansion_slug.clone(),
                IndividualEffect {
                    min_players_delta: m.min_players_delta,
                    max_players_delta: m.max_players_delta,
                    weight_delta: m.weight_delta,
                    playtime_min_delta: m.playtime_min_delta,
                    playtime_max_delta: m.playtime_max_delta,
                    best_at_delta: m.best_at_delta.clone(),
                    min_age_delta: m.min_age_delta,
                    description: m.description.clone(),
                },
            )
        })
        .collect();

    let curated_experience = resolution
        .combination
        .and_then(|i| combinations[i].experience.as_ref())
        .filter(|levels| !levels.is_empty());
    let experience = match curated_experience {
        Some(levels) => Some(experience_profile(values.id, levels, None)),
        None if levels.is_empty() => None,
        None => Some(experience_profile(
            values.id,
            &levels,
            values.experience_multipliers.as_ref(),
        )),
    };

    let mut self_href = format!("{prefix}/games/{}/effective-properties", values.slug);
    let mut query = Vec::new();
    if !requested.is_empty() {
        query.push(format!(
            "with={}",
            requested
                .iter()
                .map(|g| g.slug.as_str())
                .collect::<Vec<_>>()
                .join(",")
        ));
    }
    if let Some(reference) = requested_edition {
        query.push(format!(
            "edition={}",
            url::form_urlencoded::byte_serialize(reference.as_bytes()).collect::<String>()
        ));
    }
    if !query.is_empty() {
        self_href = format!("{self_href}?{}", query.join("&"));
    }

    Ok(Json(EffectiveProperties {
        base: BaseProperties::from(&resolution.base),
        applied_expansions: resolution
            .applied
            .iter()
            .filter_map(|id| slug_of.get(id).map(|s| s.to_string()))
            .collect(),
        effective: EffectivePropertyValues::new(&resolution.effective, experience),
        combination_source: resolution.tier.into(),
        edition_id: edition.map(|e| e.id),
        edition_source,
        individual_effects,
        links: BTreeMap::from([
            ("self".to_string(), Link::new(self_href)),
            (
                "game".to_string(),
                Link::titled(
                    format!("{prefix}/games/{}", values.slug),
                    values.name.clone(),
                ),
            ),
        ]),
    }))
}

/// Query of `GET /games/{id}/relationships`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RelationshipParams {
    /// Only edges of this type.
    #[serde(rename = "type")]
    pub relationship_type: Option<RelationshipType>,
    /// Only edges where the game is the source (`outbound`) or the target
    /// (`inbound`). Extension.
    #[param(inline)]
    pub direction: Option<RelationshipDirection>,
}

fn relationship(prefix: &str, row: RelationshipRow) -> Option<GameRelationship> {
    Some(GameRelationship {
        source_game_id: row.source_game_id,
        target_game_id: row.target_game_id,
        relationship_type: RelationshipType::parse(&row.relationship_type)?,
        metadata: match row.metadata {
            Some(Value::Object(map)) => Some(map),
            _ => None,
        },
        links: BTreeMap::from([
            (
                "source".to_string(),
                Link::titled(
                    format!("{prefix}/games/{}", row.source_slug),
                    row.source_name,
                ),
            ),
            (
                "target".to_string(),
                Link::titled(
                    format!("{prefix}/games/{}", row.target_slug),
                    row.target_name,
                ),
            ),
        ]),
    })
}

/// List the relationships of a game.
///
/// Every typed edge where the game is the source or the target. `source` is
/// the base or original game, `target` the expansion, reimplementation,
/// contained item, dependent or companion (SPEC-NOTES D7); `integrates_with`
/// is stored in both directions. Outbound edges come first.
#[utoipa::path(get, path = "/games/{id}/relationships", tag = "games",
    operation_id = "listGameRelationships",
    params(("id" = String, Path, description = "UUID or slug of the game"), RelationshipParams),
    responses(
        (status = 200, description = "The game's edges", body = GameRelationships),
        (status = 400, description = "Unknown `type` or `direction`", body = ErrorResponse,
            content_type = "application/problem+json"),
        (status = 404, description = "No such game", body = ErrorResponse,
            content_type = "application/problem+json"),
        (status = 410, description = "The game was removed", body = ErrorResponse,
            content_type = "application/problem+json"),
    ))]
async fn relationships(
    State(state): State<AppState>,
    Mount(prefix): Mount,
    Path(id): Path<String>,
    Query(params): Query<RelationshipParams>,
) -> Result<Json<GameRelationships>, ApiError> {
    let game = super::games::resolve(&state, &id).await?;
    let game_id = game.id;
    let kind = params.relationship_type.map(RelationshipType::as_str);
    let direction = params.direction.map(|d| match d {
        RelationshipDirection::Outbound => Direction::Outbound,
        RelationshipDirection::Inbound => Direction::Inbound,
    });
    let rows = state
        .db
        .read(|conn| async move { store::relationships(&conn, game_id, kind, direction).await })
        .await?;
    let mut query = Vec::new();
    if let Some(kind) = kind {
        query.push(format!("type={kind}"));
    }
    if let Some(d) = params.direction {
        query.push(format!(
            "direction={}",
            match d {
                RelationshipDirection::Outbound => "outbound",
                RelationshipDirection::Inbound => "inbound",
            }
        ));
    }
    let mut self_href = format!("{prefix}/games/{}/relationships", game.slug);
    if !query.is_empty() {
        self_href = format!("{self_href}?{}", query.join("&"));
    }
    Ok(Json(GameRelationships {
        data: rows
            .into_iter()
            .filter_map(|r| relationship(prefix, r))
            .collect(),
        links: BTreeMap::from([
            ("self".to_string(), Link::new(self_href)),
            (
                "game".to_string(),
                Link::new(format!("{prefix}/games/{}", game.slug)),
            ),
        ]),
    }))
}

/// Query of `GET /games/{id}/editions`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EditionParams {
    /// Comma-separated; `deltas` embeds each non-canonical edition's
    /// EditionDelta. Any other value is a 400.
    #[param(example = "deltas")]
    pub include: Option<String>,
}

/// List the editions of a game.
///
/// Every known edition (printings, reprints, localized releases), the
/// canonical one first. With `include=deltas`, the deltas of the other
/// editions against the canonical one are embedded (`_embedded.deltas`, and
/// on each edition as `deltas`).
#[utoipa::path(get, path = "/games/{id}/editions", tag = "games",
    operation_id = "getGameEditions",
    params(("id" = String, Path, description = "UUID or slug of the game"), EditionParams),
    responses(
        (status = 200, description = "The game's editions", body = GameEditions),
        (status = 400, description = "Unknown `include` value", body = ErrorResponse,
            content_type = "application/problem+json"),
        (status = 404, description = "No such game", body = ErrorResponse,
            content_type = "application/problem+json"),
        (status = 410, description = "The game was removed", body = ErrorResponse,
            content_type = "application/problem+json"),
    ))]
pub(crate) async fn editions(
    State(state): State<AppState>,
    Mount(prefix): Mount,
    Path(id): Path<String>,
    Query(params): Query<EditionParams>,
) -> Result<Json<GameEditions>, ApiError> {
    if params
        .include
        .as_deref()
        .is_some_and(|v| v.trim().is_empty())
    {
        return Err(ApiError::invalid(
            "include",
            "is empty; expected: deltas",
            "invalid_value",
        ));
    }
    let include: BTreeSet<String> = csv(params.include.as_deref()).into_iter().collect();
    if let Some(bad) = include.iter().find(|v| v.as_str() != "deltas") {
        return Err(ApiError::invalid(
            "include",
            format!("unknown value '{bad}'; expected: deltas"),
            "unknown_value",
        ));
    }
    let with_deltas = include.contains("deltas");
    let game = super::games::resolve(&state, &id).await?;
    let game_id = game.id;
    let (values, rows) = state
        .db
        .read(|conn| async move {
            let values = store::game(&conn, game_id).await?;
            let rows = store::editions(&conn, game_id).await?;
            Ok((values, rows))
        })
        .await?;
    let canonical_edition_id = values
        .and_then(|v| v.canonical_edition_id)
        .filter(|cid| rows.iter().any(|e| e.id == *cid))
        .or_else(|| rows.iter().find(|e| e.is_canonical).map(|e| e.id));
    let embedded = with_deltas.then(|| EditionsEmbedded {
        deltas: rows
            .iter()
            .filter_map(|e| e.delta.as_ref().map(|d| EditionDelta::new(e, d)))
            .collect(),
    });
    let self_href = if with_deltas {
        format!("{prefix}/games/{}/editions?include=deltas", game.slug)
    } else {
        format!("{prefix}/games/{}/editions", game.slug)
    };
    Ok(Json(GameEditions {
        game_id,
        canonical_edition_id,
        editions: rows
            .iter()
            .map(|e| GameEdition::new(prefix, &game.slug, e, with_deltas))
            .collect(),
        embedded,
        links: BTreeMap::from([
            ("self".to_string(), Link::new(self_href)),
            (
                "game".to_string(),
                Link::new(format!("{prefix}/games/{}", game.slug)),
            ),
        ]),
    }))
}

/// Get the experience-adjusted play time of a game.
///
/// Reported play time by experience level (median, 10th and 90th
/// percentiles, report count) for each level with enough reports, and the
/// multipliers relative to `experienced` when all four levels have enough.
/// A game without data answers 200 with `levels: []`, `sufficient_data:
/// false` and `total_reports: 0` (SPEC-NOTES D26).
#[utoipa::path(get, path = "/games/{id}/experience-playtime", tag = "games",
    operation_id = "getGameExperiencePlaytime",
    params(("id" = String, Path, description = "UUID or slug of the game")),
    responses(
        (status = 200, description = "The game's experience-playtime profile",
            body = ExperiencePlaytimeProfile),
        (status = 404, description = "No such game", body = ErrorResponse,
            content_type = "application/problem+json"),
        (status = 410, description = "The game was removed", body = ErrorResponse,
            content_type = "application/problem+json"),
    ))]
pub(crate) async fn experience_playtime(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ExperiencePlaytimeProfile>, ApiError> {
    let game = super::games::resolve(&state, &id).await?;
    let game_id = game.id;
    let (values, levels) = state
        .db
        .read(|conn| async move {
            let values = store::game(&conn, game_id).await?;
            let levels = store::experience_levels(&conn, game_id).await?;
            Ok((values, levels))
        })
        .await?;
    let stored = values.and_then(|v| v.experience_multipliers);
    Ok(Json(experience_profile(game_id, &levels, stored.as_ref())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_trims_and_drops_empty_entries() {
        assert_eq!(csv(Some(" a, b,,a ,")), ["a", "b", "a"]);
        assert!(csv(None).is_empty());
        assert!(csv(Some(",")).is_empty());
    }

    #[test]
    fn matched_via_names_the_candidate() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let base = BaseValues {
            min_players: Some(1),
            max_players: Some(4),
            weight: Some(3.0),
            ..BaseValues::default()
        };
        let deltas = effective::Deltas::from([(
            a,
            effective::Delta {
                max_players: 2,
                ..effective::Delta::default()
            },
        )]);
        let combos = vec![effective::Combination {
            expansions: vec![b, a],
            max_players: Some(5),
            ..effective::Combination::default()
        }];
        let names = HashMap::from([
            (a, ("x-a".to_string(), "X: A".to_string())),
            (b, ("x-b".to_string(), "X: B".to_string())),
        ]);
        let slugs = names.iter().map(|(k, v)| (*k, v.0.clone())).collect();
        let list = effective::candidates(&base, None, &deltas, &combos, &slugs);
        assert_eq!(
            matched_via(&list[0], &names),
            serde_json::json!({
                "type": "expansion_combination",
                "expansions": [{"slug": "x-a", "name": "X: A"}, {"slug": "x-b", "name": "X: B"}],
                "effective_properties": {
                    "min_players": 1, "max_players": 5, "weight": 3.0,
                    "best_at": [], "recommended_at": []
                },
                "resolution_tier": 1,
            })
        );
        let via = matched_via(&list[1], &names);
        assert_eq!(via["type"], "delta_sum");
        assert_eq!(via["resolution_tier"], 2);
        assert_eq!(via["effective_properties"]["max_players"], 6);
    }

    #[test]
    fn profile_without_data_follows_d26() {
        let id = Uuid::nil();
        let p = experience_profile(id, &[], None);
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "game_id": id, "levels": [], "sufficient_data": false, "total_reports": 0
            })
        );
    }

    #[test]
    fn profile_multipliers_are_derived_when_not_stored() {
        let level = |name: &str, median| ExperienceLevel {
            level: name.into(),
            median_minutes: median,
            min_minutes: None,
            max_minutes: None,
            total_reports: 100,
        };
        let levels = [
            level("first_play", 200),
            level("learning", 160),
            level("experienced", 125),
            level("expert", 100),
        ];
        let p = experience_profile(Uuid::nil(), &levels, None);
        assert_eq!(
            p.multipliers,
            Some(ExperienceMultipliers {
                first_play: 1.6,
                learning: 1.28,
                experienced: 1.0,
                expert: 0.8
            })
        );
        assert_eq!(p.total_reports, 400);
        assert!(p.sufficient_data);
        // Only three levels: no multipliers, even if stored ones exist.
        let stored = serde_json::json!({"first_play": 1.5, "learning": 1.2, "experienced": 1.0, "expert": 0.9});
        let p = experience_profile(Uuid::nil(), &levels[..3], Some(&stored));
        assert_eq!(p.multipliers, None);
        assert!(!p.sufficient_data);
        assert_eq!(p.levels.len(), 3);
    }
}
