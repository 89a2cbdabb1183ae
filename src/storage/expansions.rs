//! Queries of the expansion model (property modifications, curated expansion
//! combinations), typed relationships, editions with their deltas and
//! publishers, and experience-playtime polls. The rows convert into the pure
//! types of [`crate::domain::effective`].
//!
//! The multi-game variants (`*_for`) serve effective-mode filtering, which
//! resolves many base games at once.

use std::collections::HashMap;

use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Order, Query};
use sea_orm::{ConnectionTrait, DbErr, QueryResult};
use serde_json::Value;
use uuid::Uuid;

use crate::domain::effective::{BaseValues, Combination, Delta, Deltas, ExperienceLevel};

/// Most values bound in one `IN (…)` list.
const CHUNK: usize = 500;

fn col(name: &str) -> Alias {
    Alias::new(name)
}

fn int(row: &QueryResult, column: &str) -> Result<i64, DbErr> {
    Ok(i64::from(row.try_get::<i32>("", column)?))
}

fn opt_int(row: &QueryResult, column: &str) -> Result<Option<i64>, DbErr> {
    Ok(row.try_get::<Option<i32>>("", column)?.map(i64::from))
}

fn opt_json(row: &QueryResult, column: &str) -> Result<Option<Value>, DbErr> {
    Ok(row
        .try_get::<Option<Value>>("", column)?
        .filter(|v| !v.is_null()))
}

/// A JSON list of integers (anything else in it is skipped).
fn int_list(value: Option<&Value>) -> Vec<i64> {
    value
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default()
}

/// A game with the values effective-property resolution starts from.
#[derive(Debug, Clone, PartialEq)]
pub struct GameValues {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub game_type: String,
    pub parent_game_id: Option<Uuid>,
    pub status: String,
    pub canonical_edition_id: Option<Uuid>,
    /// The derived multipliers (D34), as stored: `{first_play, learning, experienced, expert}`.
    pub experience_multipliers: Option<Value>,
    pub values: BaseValues,
}

const VALUE_COLUMNS: &[&str] = &[
    "id",
    "slug",
    "name",
    "type",
    "parent_game_id",
    "status",
    "canonical_edition_id",
    "experience_multipliers",
    "min_players",
    "max_players",
    "min_playtime_minutes",
    "max_playtime_minutes",
    "weight",
    "min_age",
    "best_at",
    "recommended_at",
];

fn game_values(row: &QueryResult) -> Result<GameValues, DbErr> {
    let best = opt_json(row, "best_at")?;
    let recommended = opt_json(row, "recommended_at")?;
    Ok(GameValues {
        id: row.try_get("", "id")?,
        slug: row.try_get("", "slug")?,
        name: row.try_get("", "name")?,
        game_type: row.try_get("", "type")?,
        parent_game_id: row.try_get("", "parent_game_id")?,
        status: row.try_get("", "status")?,
        canonical_edition_id: row.try_get("", "canonical_edition_id")?,
        experience_multipliers: opt_json(row, "experience_multipliers")?,
        values: BaseValues {
            min_players: opt_int(row, "min_players")?,
            max_players: opt_int(row, "max_players")?,
            min_playtime: opt_int(row, "min_playtime_minutes")?,
            max_playtime: opt_int(row, "max_playtime_minutes")?,
            weight: row.try_get("", "weight")?,
            min_age: opt_int(row, "min_age")?,
            best_at: int_list(best.as_ref()),
            recommended_at: int_list(recommended.as_ref()),
        },
    })
}

/// A game's resolution values, by id.
pub async fn game<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<GameValues>, DbErr> {
    let stmt = Query::select()
        .columns(VALUE_COLUMNS.iter().map(|c| col(c)))
        .from(col("games"))
        .and_where(Expr::col(col("id")).eq(id))
        .to_owned();
    db.query_one(&stmt)
        .await?
        .map(|r| game_values(&r))
        .transpose()
}

/// The games named by `references` (each a slug or a UUID), whatever their
/// status; references that match nothing are simply absent.
pub async fn find_games<C: ConnectionTrait>(
    db: &C,
    references: &[String],
) -> Result<Vec<GameValues>, DbErr> {
    let ids: Vec<Uuid> = references
        .iter()
        .filter_map(|r| Uuid::parse_str(r).ok())
        .collect();
    let slugs: Vec<String> = references
        .iter()
        .filter(|r| Uuid::parse_str(r).is_err())
        .cloned()
        .collect();
    let mut out = Vec::new();
    for chunk in slugs.chunks(CHUNK) {
        let stmt = Query::select()
            .columns(VALUE_COLUMNS.iter().map(|c| col(c)))
            .from(col("games"))
            .and_where(Expr::col(col("slug")).is_in(chunk.iter().cloned()))
            .to_owned();
        for row in db.query_all(&stmt).await? {
            out.push(game_values(&row)?);
        }
    }
    for chunk in ids.chunks(CHUNK) {
        let stmt = Query::select()
            .columns(VALUE_COLUMNS.iter().map(|c| col(c)))
            .from(col("games"))
            .and_where(Expr::col(col("id")).is_in(chunk.iter().copied()))
            .to_owned();
        for row in db.query_all(&stmt).await? {
            out.push(game_values(&row)?);
        }
    }
    Ok(out)
}

/// One expansion's deltas against its base game (PropertyModification).
#[derive(Debug, Clone, PartialEq)]
pub struct ModificationRow {
    pub base_game_id: Uuid,
    pub expansion_id: Uuid,
    pub expansion_slug: String,
    pub expansion_name: String,
    pub min_players_delta: i64,
    pub max_players_delta: i64,
    pub playtime_min_delta: i64,
    pub playtime_max_delta: i64,
    pub min_age_delta: i64,
    pub weight_delta: f64,
    pub best_at_delta: Vec<i64>,
    pub description: Option<String>,
}

impl ModificationRow {
    pub fn delta(&self) -> Delta {
        Delta {
            min_players: self.min_players_delta,
            max_players: self.max_players_delta,
            playtime_min: self.playtime_min_delta,
            playtime_max: self.playtime_max_delta,
            min_age: self.min_age_delta,
            weight: self.weight_delta,
            best_at: self.best_at_delta.clone(),
        }
    }
}

/// The deltas of a set of modifications, by expansion.
pub fn deltas(rows: &[ModificationRow]) -> Deltas {
    rows.iter().map(|m| (m.expansion_id, m.delta())).collect()
}

/// The property modifications of the given base games, by expansion slug.
pub async fn modifications_for<C: ConnectionTrait>(
    db: &C,
    bases: &[Uuid],
) -> Result<Vec<ModificationRow>, DbErr> {
    let pm = col("property_modifications");
    let g = col("games");
    let mut out = Vec::new();
    for chunk in bases.chunks(CHUNK) {
        let stmt = Query::select()
            .columns(
                [
                    "base_game_id",
                    "expansion_id",
                    "min_players_delta",
                    "max_players_delta",
                    "playtime_min_delta",
                    "playtime_max_delta",
                    "min_age_delta",
                    "weight_delta",
                    "best_at_delta",
                    "description",
                ]
                .map(|c| (pm.clone(), col(c))),
            )
            .expr_as(Expr::col((g.clone(), col("slug"))), col("expansion_slug"))
            .expr_as(Expr::col((g.clone(), col("name"))), col("expansion_name"))
            .from(pm.clone())
            .join(
                JoinType::InnerJoin,
                g.clone(),
                Expr::col((g.clone(), col("id"))).equals((pm.clone(), col("expansion_id"))),
            )
            .and_where(Expr::col((pm.clone(), col("base_game_id"))).is_in(chunk.iter().copied()))
            .order_by((g.clone(), col("slug")), Order::Asc)
            .to_owned();
        for row in db.query_all(&stmt).await? {
            let best = opt_json(&row, "best_at_delta")?;
            out.push(ModificationRow {
                base_game_id: row.try_get("", "base_game_id")?,
                expansion_id: row.try_get("", "expansion_id")?,
                expansion_slug: row.try_get("", "expansion_slug")?,
                expansion_name: row.try_get("", "expansion_name")?,
                min_players_delta: int(&row, "min_players_delta")?,
                max_players_delta: int(&row, "max_players_delta")?,
                playtime_min_delta: int(&row, "playtime_min_delta")?,
                playtime_max_delta: int(&row, "playtime_max_delta")?,
                min_age_delta: int(&row, "min_age_delta")?,
                weight_delta: row.try_get("", "weight_delta")?,
                best_at_delta: int_list(best.as_ref()),
                description: row.try_get("", "description")?,
            });
        }
    }
    Ok(out)
}

/// The property modifications of one base game, by expansion slug.
pub async fn modifications<C: ConnectionTrait>(
    db: &C,
    base: Uuid,
) -> Result<Vec<ModificationRow>, DbErr> {
    modifications_for(db, &[base]).await
}

/// A curated expansion combination (ExpansionCombination).
#[derive(Debug, Clone, PartialEq)]
pub struct CombinationRow {
    pub id: Uuid,
    pub base_game_id: Uuid,
    /// In the curated order.
    pub expansion_ids: Vec<Uuid>,
    /// `community_poll`, `publisher` or `computed`.
    pub source: String,
    pub effective_min_players: Option<i64>,
    pub effective_max_players: Option<i64>,
    pub effective_best_at: Option<Vec<i64>>,
    pub effective_recommended_at: Option<Vec<i64>>,
    pub effective_weight: Option<f64>,
    pub effective_playtime_min: Option<i64>,
    pub effective_playtime_max: Option<i64>,
    pub effective_min_age: Option<i64>,
    /// ExperiencePlaytimePoll objects without `game_id`, as the importer stores them.
    pub experience_playtime: Option<Vec<ExperienceLevel>>,
}

impl CombinationRow {
    pub fn combination(&self) -> Combination {
        Combination {
            expansions: self.expansion_ids.clone(),
            min_players: self.effective_min_players,
            max_players: self.effective_max_players,
            min_playtime: self.effective_playtime_min,
            max_playtime: self.effective_playtime_max,
            weight: self.effective_weight,
            min_age: self.effective_min_age,
            best_at: self.effective_best_at.clone(),
            recommended_at: self.effective_recommended_at.clone(),
            experience: self.experience_playtime.clone(),
        }
    }
}

/// Experience levels stored as JSON (a combination's own data).
fn json_levels(value: &Value) -> Vec<ExperienceLevel> {
    let Some(items) = value.as_array() else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|l| {
            Some(ExperienceLevel {
                level: l.get("experience_level")?.as_str()?.to_string(),
                median_minutes: l.get("median_minutes")?.as_i64()?,
                min_minutes: l.get("min_minutes").and_then(Value::as_i64),
                max_minutes: l.get("max_minutes").and_then(Value::as_i64),
                total_reports: l.get("total_reports").and_then(Value::as_i64).unwrap_or(0),
            })
        })
        .collect()
}

/// The curated combinations of the given base games (fewest expansions first).
pub async fn combinations_for<C: ConnectionTrait>(
    db: &C,
    bases: &[Uuid],
) -> Result<Vec<CombinationRow>, DbErr> {
    let mut out = Vec::new();
    for chunk in bases.chunks(CHUNK) {
        let stmt = Query::select()
            .columns(
                [
                    "id",
                    "base_game_id",
                    "source",
                    "effective_min_players",
                    "effective_max_players",
                    "effective_best_at",
                    "effective_recommended_at",
                    "effective_weight",
                    "effective_playtime_min",
                    "effective_playtime_max",
                    "effective_min_age",
                    "experience_playtime",
                ]
                .map(col),
            )
            .from(col("expansion_combinations"))
            .and_where(Expr::col(col("base_game_id")).is_in(chunk.iter().copied()))
            .order_by(col("expansion_count"), Order::Asc)
            .order_by(col("expansion_key"), Order::Asc)
            .to_owned();
        for row in db.query_all(&stmt).await? {
            let best = opt_json(&row, "effective_best_at")?;
            let recommended = opt_json(&row, "effective_recommended_at")?;
            let experience = opt_json(&row, "experience_playtime")?;
            out.push(CombinationRow {
                id: row.try_get("", "id")?,
                base_game_id: row.try_get("", "base_game_id")?,
                expansion_ids: Vec::new(),
                source: row.try_get("", "source")?,
                effective_min_players: opt_int(&row, "effective_min_players")?,
                effective_max_players: opt_int(&row, "effective_max_players")?,
                effective_best_at: best.as_ref().map(|v| int_list(Some(v))),
                effective_recommended_at: recommended.as_ref().map(|v| int_list(Some(v))),
                effective_weight: row.try_get("", "effective_weight")?,
                effective_playtime_min: opt_int(&row, "effective_playtime_min")?,
                effective_playtime_max: opt_int(&row, "effective_playtime_max")?,
                effective_min_age: opt_int(&row, "effective_min_age")?,
                experience_playtime: experience.as_ref().map(json_levels),
            });
        }
    }
    let ids: Vec<Uuid> = out.iter().map(|c| c.id).collect();
    let mut members: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let stmt = Query::select()
            .columns([col("combination_id"), col("expansion_id")])
            .from(col("expansion_combination_members"))
            .and_where(Expr::col(col("combination_id")).is_in(chunk.iter().copied()))
            .order_by(col("combination_id"), Order::Asc)
            .order_by(col("ordinal"), Order::Asc)
            .to_owned();
        for row in db.query_all(&stmt).await? {
            members
                .entry(row.try_get("", "combination_id")?)
                .or_default()
                .push(row.try_get("", "expansion_id")?);
        }
    }
    for c in &mut out {
        c.expansion_ids = members.remove(&c.id).unwrap_or_default();
    }
    out.retain(|c| !c.expansion_ids.is_empty());
    Ok(out)
}

/// The curated combinations of one base game (fewest expansions first).
pub async fn combinations<C: ConnectionTrait>(
    db: &C,
    base: Uuid,
) -> Result<Vec<CombinationRow>, DbErr> {
    combinations_for(db, &[base]).await
}

/// Everything effective-property resolution needs about one base game's expansions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExpansionModel {
    pub modifications: Vec<ModificationRow>,
    pub combinations: Vec<CombinationRow>,
}

impl ExpansionModel {
    pub fn deltas(&self) -> Deltas {
        deltas(&self.modifications)
    }

    pub fn domain_combinations(&self) -> Vec<Combination> {
        self.combinations
            .iter()
            .map(CombinationRow::combination)
            .collect()
    }
}

/// The expansion model of one base game.
pub async fn expansion_model<C: ConnectionTrait>(
    db: &C,
    base: Uuid,
) -> Result<ExpansionModel, DbErr> {
    Ok(ExpansionModel {
        modifications: modifications(db, base).await?,
        combinations: combinations(db, base).await?,
    })
}

/// The expansion models of many base games (effective-mode filtering), by
/// base game; games without any expansion data are absent.
pub async fn expansion_models_for<C: ConnectionTrait>(
    db: &C,
    bases: &[Uuid],
) -> Result<HashMap<Uuid, ExpansionModel>, DbErr> {
    let mut out: HashMap<Uuid, ExpansionModel> = HashMap::new();
    for m in modifications_for(db, bases).await? {
        out.entry(m.base_game_id).or_default().modifications.push(m);
    }
    for c in combinations_for(db, bases).await? {
        out.entry(c.base_game_id).or_default().combinations.push(c);
    }
    Ok(out)
}

/// A child game of a base game, for naming the members of a candidate set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpansionName {
    pub base_game_id: Uuid,
    pub id: Uuid,
    pub slug: String,
    pub name: String,
}

/// The expansions (child games, D22) of the given base games that are not
/// archived, by slug.
pub async fn expansion_names_for<C: ConnectionTrait>(
    db: &C,
    bases: &[Uuid],
) -> Result<Vec<ExpansionName>, DbErr> {
    let mut out = Vec::new();
    for chunk in bases.chunks(CHUNK) {
        let stmt = Query::select()
            .columns(["parent_game_id", "id", "slug", "name"].map(col))
            .from(col("games"))
            .and_where(Expr::col(col("parent_game_id")).is_in(chunk.iter().copied()))
            .and_where(Expr::col(col("status")).ne("archived"))
            .order_by(col("slug"), Order::Asc)
            .to_owned();
        for row in db.query_all(&stmt).await? {
            out.push(ExpansionName {
                base_game_id: row.try_get("", "parent_game_id")?,
                id: row.try_get("", "id")?,
                slug: row.try_get("", "slug")?,
                name: row.try_get("", "name")?,
            });
        }
    }
    Ok(out)
}

/// One typed edge between two games, with both games' slugs and names.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationshipRow {
    pub source_game_id: Uuid,
    pub source_slug: String,
    pub source_name: String,
    pub target_game_id: Uuid,
    pub target_slug: String,
    pub target_name: String,
    pub relationship_type: String,
    pub metadata: Option<Value>,
    pub ordinal: Option<i64>,
}

/// Which side of an edge the game is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The game is the source.
    Outbound,
    /// The game is the target.
    Inbound,
}

/// Every edge where `game` is the source or the target (or only one side,
/// with `direction`), optionally of one type; edges to archived games are
/// left out. Outbound edges first, then by ordinal (absent last), type and
/// the other game's slug.
pub async fn relationships<C: ConnectionTrait>(
    db: &C,
    game: Uuid,
    relationship_type: Option<&str>,
    direction: Option<Direction>,
) -> Result<Vec<RelationshipRow>, DbErr> {
    let r = col("r");
    let s = col("s");
    let t = col("t");
    let mut stmt = Query::select();
    stmt.columns(
        [
            "source_game_id",
            "target_game_id",
            "relationship_type",
            "metadata",
            "ordinal",
        ]
        .map(|c| (r.clone(), col(c))),
    )
    .expr_as(Expr::col((s.clone(), col("slug"))), col("source_slug"))
    .expr_as(Expr::col((s.clone(), col("name"))), col("source_name"))
    .expr_as(Expr::col((t.clone(), col("slug"))), col("target_slug"))
    .expr_as(Expr::col((t.clone(), col("name"))), col("target_name"))
    .from_as(col("game_relationships"), r.clone())
    .join_as(
        JoinType::InnerJoin,
        col("games"),
        s.clone(),
        Expr::col((s.clone(), col("id"))).equals((r.clone(), col("source_game_id"))),
    )
    .join_as(
        JoinType::InnerJoin,
        col("games"),
        t.clone(),
        Expr::col((t.clone(), col("id"))).equals((r.clone(), col("target_game_id"))),
    )
    .and_where(Expr::col((s.clone(), col("status"))).ne("archived"))
    .and_where(Expr::col((t.clone(), col("status"))).ne("archived"));
    let as_source = Expr::col((r.clone(), col("source_game_id"))).eq(game);
    let as_target = Expr::col((r.clone(), col("target_game_id"))).eq(game);
    match direction {
        Some(Direction::Outbound) => stmt.and_where(as_source),
        Some(Direction::Inbound) => stmt.and_where(as_target),
        None => stmt.and_where(as_source.or(as_target)),
    };
    if let Some(kind) = relationship_type {
        stmt.and_where(Expr::col((r.clone(), col("relationship_type"))).eq(kind));
    }
    let mut rows = db
        .query_all(&stmt)
        .await?
        .iter()
        .map(|row| {
            Ok(RelationshipRow {
                source_game_id: row.try_get("", "source_game_id")?,
                source_slug: row.try_get("", "source_slug")?,
                source_name: row.try_get("", "source_name")?,
                target_game_id: row.try_get("", "target_game_id")?,
                target_slug: row.try_get("", "target_slug")?,
                target_name: row.try_get("", "target_name")?,
                relationship_type: row.try_get("", "relationship_type")?,
                metadata: opt_json(row, "metadata")?,
                ordinal: opt_int(row, "ordinal")?,
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    rows.sort_by(|a, b| {
        let key = |x: &RelationshipRow| {
            let inbound = x.source_game_id != game;
            let other = if inbound {
                &x.source_slug
            } else {
                &x.target_slug
            };
            (
                inbound,
                x.ordinal.is_none(),
                x.ordinal,
                x.relationship_type.clone(),
                other.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    Ok(rows)
}

/// The deltas of an edition against the canonical edition (EditionDelta).
#[derive(Debug, Clone, PartialEq)]
pub struct EditionDeltaRow {
    pub min_players_delta: i64,
    pub max_players_delta: i64,
    pub playtime_min_delta: i64,
    pub playtime_max_delta: i64,
    pub weight_delta: f64,
    pub best_at_delta: Vec<i64>,
    pub rules_changes: Option<String>,
    pub component_changes: Option<String>,
    pub description: Option<String>,
}

impl EditionDeltaRow {
    /// As a resolution delta (editions have no age delta).
    pub fn delta(&self) -> Delta {
        Delta {
            min_players: self.min_players_delta,
            max_players: self.max_players_delta,
            playtime_min: self.playtime_min_delta,
            playtime_max: self.playtime_max_delta,
            min_age: 0,
            weight: self.weight_delta,
            best_at: self.best_at_delta.clone(),
        }
    }
}

/// One edition of a game, with its publishers, artists and deltas.
#[derive(Debug, Clone, PartialEq)]
pub struct EditionRow {
    pub id: Uuid,
    pub game_id: Uuid,
    pub slug: Option<String>,
    pub name: String,
    pub year_published: Option<i64>,
    pub language: Option<String>,
    pub product_codes: Option<Value>,
    pub dimensions: Option<Value>,
    pub box_weight: Option<Value>,
    pub release_status: Option<String>,
    pub release_date: Option<chrono::NaiveDate>,
    pub image_url: Option<String>,
    pub thumbnail_url: Option<String>,
    pub notes: Option<String>,
    pub is_canonical: bool,
    pub publisher_ids: Vec<Uuid>,
    pub artist_ids: Vec<Uuid>,
    pub delta: Option<EditionDeltaRow>,
}

impl EditionRow {
    /// Whether `reference` (a slug or a UUID) names this edition.
    pub fn is(&self, reference: &str) -> bool {
        match Uuid::parse_str(reference) {
            Ok(id) => id == self.id,
            Err(_) => self.slug.as_deref() == Some(reference),
        }
    }
}

/// The (edition, other id) pairs of a junction table, in their order.
async fn edition_links<C: ConnectionTrait>(
    db: &C,
    table: &str,
    other: &str,
    editions: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, DbErr> {
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for chunk in editions.chunks(CHUNK) {
        let stmt = Query::select()
            .columns([col("edition_id"), col(other)])
            .from(col(table))
            .and_where(Expr::col(col("edition_id")).is_in(chunk.iter().copied()))
            .order_by(col("edition_id"), Order::Asc)
            .order_by(col("ordinal"), Order::Asc)
            .to_owned();
        for row in db.query_all(&stmt).await? {
            out.entry(row.try_get("", "edition_id")?)
                .or_default()
                .push(row.try_get("", other)?);
        }
    }
    Ok(out)
}

/// The editions of a game: the canonical one first, then by year (unknown
/// last), name and id.
pub async fn editions<C: ConnectionTrait>(db: &C, game: Uuid) -> Result<Vec<EditionRow>, DbErr> {
    let stmt = Query::select()
        .columns(
            [
                "id",
                "game_id",
                "slug",
                "name",
                "year_published",
                "language",
                "product_codes",
                "dimensions",
                "box_weight",
                "release_status",
                "release_date",
                "image_url",
                "thumbnail_url",
                "notes",
                "is_canonical",
            ]
            .map(col),
        )
        .from(col("game_editions"))
        .and_where(Expr::col(col("game_id")).eq(game))
        .to_owned();
    let mut rows = Vec::new();
    for row in db.query_all(&stmt).await? {
        rows.push(EditionRow {
            id: row.try_get("", "id")?,
            game_id: row.try_get("", "game_id")?,
            slug: row.try_get("", "slug")?,
            name: row.try_get("", "name")?,
            year_published: opt_int(&row, "year_published")?,
            language: row.try_get("", "language")?,
            product_codes: opt_json(&row, "product_codes")?,
            dimensions: opt_json(&row, "dimensions")?,
            box_weight: opt_json(&row, "box_weight")?,
            release_status: row.try_get("", "release_status")?,
            release_date: row.try_get("", "release_date")?,
            image_url: row.try_get("", "image_url")?,
            thumbnail_url: row.try_get("", "thumbnail_url")?,
            notes: row.try_get("", "notes")?,
            is_canonical: row.try_get("", "is_canonical")?,
            publisher_ids: Vec::new(),
            artist_ids: Vec::new(),
            delta: None,
        });
    }
    if rows.is_empty() {
        return Ok(rows);
    }
    let ids: Vec<Uuid> = rows.iter().map(|e| e.id).collect();
    let mut publishers = edition_links(db, "edition_publishers", "publisher_id", &ids).await?;
    let mut artists = edition_links(db, "edition_artists", "person_id", &ids).await?;
    let stmt = Query::select()
        .columns(
            [
                "edition_id",
                "min_players_delta",
                "max_players_delta",
                "playtime_min_delta",
                "playtime_max_delta",
                "weight_delta",
                "best_at_delta",
                "rules_changes",
                "component_changes",
                "description",
            ]
            .map(col),
        )
        .from(col("edition_deltas"))
        .and_where(Expr::col(col("game_id")).eq(game))
        .to_owned();
    let mut deltas: HashMap<Uuid, EditionDeltaRow> = HashMap::new();
    for row in db.query_all(&stmt).await? {
        let best = opt_json(&row, "best_at_delta")?;
        deltas.insert(
            row.try_get("", "edition_id")?,
            EditionDeltaRow {
                min_players_delta: int(&row, "min_players_delta")?,
                max_players_delta: int(&row, "max_players_delta")?,
                playtime_min_delta: int(&row, "playtime_min_delta")?,
                playtime_max_delta: int(&row, "playtime_max_delta")?,
                weight_delta: row.try_get("", "weight_delta")?,
                best_at_delta: int_list(best.as_ref()),
                rules_changes: row.try_get("", "rules_changes")?,
                component_changes: row.try_get("", "component_changes")?,
                description: row.try_get("", "description")?,
            },
        );
    }
    for e in &mut rows {
        e.publisher_ids = publishers.remove(&e.id).unwrap_or_default();
        e.artist_ids = artists.remove(&e.id).unwrap_or_default();
        e.delta = deltas.remove(&e.id);
    }
    rows.sort_by(|a, b| {
        (
            !a.is_canonical,
            a.year_published.is_none(),
            a.year_published,
            &a.name,
            a.id,
        )
            .cmp(&(
                !b.is_canonical,
                b.year_published.is_none(),
                b.year_published,
                &b.name,
                b.id,
            ))
    });
    Ok(rows)
}

/// The experience-playtime polls of a game, in level order.
pub async fn experience_levels<C: ConnectionTrait>(
    db: &C,
    game: Uuid,
) -> Result<Vec<ExperienceLevel>, DbErr> {
    let stmt = Query::select()
        .columns(
            [
                "experience_level",
                "median_minutes",
                "min_minutes",
                "max_minutes",
                "total_reports",
            ]
            .map(col),
        )
        .from(col("experience_playtime_polls"))
        .and_where(Expr::col(col("game_id")).eq(game))
        .to_owned();
    let mut levels = db
        .query_all(&stmt)
        .await?
        .iter()
        .map(|row| {
            Ok(ExperienceLevel {
                level: row.try_get("", "experience_level")?,
                median_minutes: int(row, "median_minutes")?,
                min_minutes: opt_int(row, "min_minutes")?,
                max_minutes: opt_int(row, "max_minutes")?,
                total_reports: int(row, "total_reports")?,
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    let rank = |l: &ExperienceLevel| {
        crate::catalog::derive::LEVELS
            .iter()
            .position(|n| *n == l.level)
            .unwrap_or(usize::MAX)
    };
    levels.sort_by_key(rank);
    Ok(levels)
}

/// The expansions of a base game that resolution may apply: its child games
/// (D22: `parent_game_id` = the base, standalone expansions included).
pub fn is_expansion_of(candidate: &GameValues, base: Uuid) -> bool {
    candidate.parent_game_id == Some(base) && candidate.id != base
}
