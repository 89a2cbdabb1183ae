//! The `Game` resource as the contract defines it, and how a page of games is
//! assembled from storage rows (links, `include` embeds).

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Mount;
use super::pagination::Link;
use super::people::{Designer, Publisher};
use super::taxonomy::{Category, Mechanic, Theme};
use crate::storage::entities::game;
use crate::storage::game_query::related::{self, Attached};
use crate::storage::taxonomy::TermRow;

/// Game type discriminator.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GameType {
    BaseGame,
    Expansion,
    StandaloneExpansion,
    Promo,
    Accessory,
    FanExpansion,
}

/// Primary play mode.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GameMode {
    Cooperative,
    Competitive,
    Solo,
    Team,
    Mixed,
}

/// How much of the game depends on reading text.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LanguageDependence {
    NoText,
    SomeText,
    ModerateText,
    ExtensiveText,
    UnplayableWithoutText,
}

/// How the game was funded.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FundingSource {
    Retail,
    Kickstarter,
    Gamefound,
    Backerkit,
    SelfPublished,
    Other,
}

/// Catalog status; only `active` games are listed and searchable.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GameStatus {
    Active,
    Pending,
    Archived,
}

/// Another name of a game (translations, working titles).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AlternateName {
    pub name: String,
    /// BCP 47 language tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    pub is_primary: bool,
    /// `bgg`, `publisher` or `community`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<AlternateNameSource>)]
    pub source: Option<String>,
}

/// Where an alternate name comes from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlternateNameSource {
    Bgg,
    Publisher,
    Community,
}

/// A credit other than designer or artist.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GameCredit {
    pub game_id: Uuid,
    pub person_id: Uuid,
    #[schema(value_type = CreditRole)]
    pub role: String,
    pub person_name: String,
    pub person_slug: String,
    #[serde(rename = "_links")]
    pub links: BTreeMap<String, Link>,
}

/// Roles of a [`GameCredit`].
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CreditRole {
    Developer,
    GraphicDesigner,
    Sculptor,
    Editor,
    Writer,
    InsertDesigner,
    SoloModeDesigner,
    Narrator,
    Producer,
}

/// An award a game was nominated for or won.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GameAward {
    pub game_id: Uuid,
    pub award_id: Uuid,
    /// Year of the announcement.
    pub year: i64,
    #[schema(value_type = AwardResult)]
    pub result: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(rename = "_links")]
    pub links: BTreeMap<String, Link>,
}

/// Outcome of a [`GameAward`].
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AwardResult {
    Nominated,
    Shortlisted,
    Recommended,
    Won,
}

/// A board game, expansion, promo or accessory. Optional fields without a
/// value are omitted (never `null`). Related resources are embedded only when
/// `include` asks for them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Game {
    pub id: Uuid,
    #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", example = "spirit-island")]
    pub slug: String,
    #[schema(example = "Spirit Island")]
    pub name: String,
    /// Lower-case name without leading articles; `sort=name` orders by it.
    pub sort_name: String,
    #[serde(rename = "type")]
    #[schema(value_type = GameType)]
    pub game_type: String,
    /// The base game of an expansion, promo or standalone expansion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_game_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year_published: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 1000)]
    pub description_short: Option<String>,
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
    #[schema(minimum = 0)]
    pub community_playtime_min_minutes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub community_playtime_max_minutes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub community_playtime_median_minutes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub min_age: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1.0, maximum = 5.0)]
    pub weight: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub weight_votes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0.0, maximum = 10.0)]
    pub average_rating: Option<f64>,
    /// Count of ratings 1 … 10 (index 0 = ratings of 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(min_items = 10, max_items = 10)]
    pub rating_distribution: Option<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0.0)]
    pub rating_stddev: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0.0, maximum = 10.0)]
    pub bayes_rating: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub rating_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1)]
    pub rank_overall: Option<i64>,
    /// Rank within each category, by category slug.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_by_category: Option<BTreeMap<String, u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub owner_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub wishlist_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub total_plays: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub community_suggested_age: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<LanguageDependence>)]
    pub language_dependence: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<GameMode>)]
    pub mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = "uri")]
    pub image_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = "uri")]
    pub thumbnail_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bgg_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<FundingSource>)]
    pub funding_source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canonical_edition_id: Option<Uuid>,
    #[schema(value_type = GameStatus)]
    pub status: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// `include=alternate_names`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternate_names: Option<Vec<AlternateName>>,
    /// `include=mechanics`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mechanics: Option<Vec<Mechanic>>,
    /// `include=categories`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<Category>>,
    /// `include=themes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub themes: Option<Vec<Theme>>,
    /// `include=designers`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub designers: Option<Vec<Designer>>,
    /// `include=publishers`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publishers: Option<Vec<Publisher>>,
    /// `include=expansions`: expansions, promos and standalone expansions
    /// (one level deep; their own expansions are not embedded).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub expansions: Option<Vec<Game>>,
    /// `include=credits`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits: Option<Vec<GameCredit>>,
    /// `include=awards`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub awards: Option<Vec<GameAward>>,
    /// `include=editions`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub editions: Option<Vec<super::expansions::GameEdition>>,
    /// `include=effective_properties`: the base game's own values
    /// (`base_only`; GET `/games/{id}/effective-properties?with=…` resolves
    /// expansions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_properties: Option<super::expansions::EffectiveProperties>,
    /// `include=experience_playtime`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experience_playtime: Option<super::expansions::ExperiencePlaytimeProfile>,
    /// Set on a game that matched `effective=true` through expansions.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub matched_via: Option<serde_json::Value>,
    /// `self`, `expansions`, `effective_properties`, `relationships`,
    /// `editions`, `experience_playtime`, `player_count_ratings`, `parent`
    /// (expansions), `designer` and `publisher` (the first credited).
    #[serde(rename = "_links")]
    pub links: BTreeMap<String, Link>,
}

/// Embeds a client may ask for with `include` (unknown values are ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Embed {
    Mechanics,
    Categories,
    Themes,
    Designers,
    Publishers,
    Expansions,
    AlternateNames,
    Credits,
    Awards,
    Editions,
    EffectiveProperties,
    ExperiencePlaytime,
}

/// Every `include` value the contract documents.
pub const INCLUDE_VALUES: &[&str] = &[
    "mechanics",
    "categories",
    "themes",
    "designers",
    "publishers",
    "expansions",
    "editions",
    "effective_properties",
    "experience_playtime",
    "alternate_names",
    "credits",
    "awards",
    "polls",
];

impl Embed {
    pub fn parse(s: &str) -> Option<Embed> {
        Some(match s {
            "mechanics" => Embed::Mechanics,
            "categories" => Embed::Categories,
            "themes" => Embed::Themes,
            "designers" => Embed::Designers,
            "publishers" => Embed::Publishers,
            "expansions" => Embed::Expansions,
            "alternate_names" => Embed::AlternateNames,
            "credits" => Embed::Credits,
            "awards" => Embed::Awards,
            "editions" => Embed::Editions,
            "effective_properties" => Embed::EffectiveProperties,
            "experience_playtime" => Embed::ExperiencePlaytime,
            _ => return None,
        })
    }
}

/// The embeds of an `include` list; unknown values are dropped.
pub fn embeds<'a>(values: impl IntoIterator<Item = &'a str>) -> BTreeSet<Embed> {
    values
        .into_iter()
        .filter_map(|v| Embed::parse(v.trim()))
        .collect()
}

fn int(v: Option<i32>) -> Option<i64> {
    v.map(i64::from)
}

/// The plain fields of a game row (no embeds, no links).
pub fn core(m: &game::Model) -> Game {
    let distribution = m
        .rating_distribution
        .as_ref()
        .and_then(|v| serde_json::from_value::<Vec<u64>>(v.clone()).ok())
        .filter(|d| d.len() == 10);
    let ranks = m
        .rank_by_category
        .as_ref()
        .and_then(|v| serde_json::from_value::<BTreeMap<String, u64>>(v.clone()).ok())
        .filter(|r| r.values().all(|rank| *rank >= 1));
    Game {
        id: m.id,
        slug: m.slug.clone(),
        name: m.name.clone(),
        sort_name: m.sort_name.clone(),
        game_type: m.game_type.clone(),
        parent_game_id: m.parent_game_id,
        year_published: int(m.year_published),
        description: m.description.clone(),
        description_short: m.description_short.clone(),
        min_players: int(m.min_players),
        max_players: int(m.max_players),
        min_playtime_minutes: int(m.min_playtime_minutes),
        max_playtime_minutes: int(m.max_playtime_minutes),
        community_playtime_min_minutes: int(m.community_playtime_min_minutes),
        community_playtime_max_minutes: int(m.community_playtime_max_minutes),
        community_playtime_median_minutes: int(m.community_playtime_median_minutes),
        min_age: int(m.min_age),
        weight: m.weight,
        weight_votes: int(m.weight_votes),
        average_rating: m.average_rating,
        rating_distribution: distribution,
        rating_stddev: m.rating_stddev,
        bayes_rating: m.bayes_rating,
        rating_count: int(m.rating_count),
        rank_overall: int(m.rank_overall),
        rank_by_category: ranks,
        owner_count: int(m.owner_count),
        wishlist_count: int(m.wishlist_count),
        total_plays: int(m.total_plays),
        community_suggested_age: int(m.community_suggested_age),
        language_dependence: m.language_dependence.clone(),
        mode: m.mode.clone(),
        image_url: m.image_url.clone(),
        thumbnail_url: m.thumbnail_url.clone(),
        bgg_id: int(m.bgg_id),
        funding_source: m.funding_source.clone(),
        canonical_edition_id: m.canonical_edition_id,
        status: m.status.clone(),
        created_at: m.created_at,
        updated_at: m.updated_at,
        alternate_names: None,
        mechanics: None,
        categories: None,
        themes: None,
        designers: None,
        publishers: None,
        expansions: None,
        credits: None,
        awards: None,
        editions: None,
        effective_properties: None,
        experience_playtime: None,
        matched_via: None,
        links: BTreeMap::new(),
    }
}

fn is_base(game_type: &str) -> bool {
    !matches!(
        game_type,
        "expansion" | "promo" | "accessory" | "fan_expansion"
    )
}

/// The links of a game (rule 104).
fn links(
    mount: Mount,
    m: &game::Model,
    parent: Option<&game::Model>,
    designer: Option<&Attached>,
    publisher: Option<&Attached>,
) -> BTreeMap<String, Link> {
    let p = mount.0;
    let base = format!("{p}/games/{}", m.slug);
    let mut l = BTreeMap::from([
        (
            "self".to_string(),
            Link::titled(base.clone(), m.name.clone()),
        ),
        (
            "effective_properties".to_string(),
            Link::new(format!("{base}/effective-properties")),
        ),
        (
            "relationships".to_string(),
            Link::new(format!("{base}/relationships")),
        ),
        (
            "editions".to_string(),
            Link::new(format!("{base}/editions")),
        ),
        (
            "experience_playtime".to_string(),
            Link::new(format!("{base}/experience-playtime")),
        ),
        (
            "player_count_ratings".to_string(),
            Link::new(format!("{base}/player-count-ratings")),
        ),
    ]);
    if is_base(&m.game_type) {
        l.insert(
            "expansions".to_string(),
            Link::new(format!("{base}/expansions")),
        );
    }
    if let Some(parent) = parent {
        l.insert(
            "parent".to_string(),
            Link::titled(format!("{p}/games/{}", parent.slug), parent.name.clone()),
        );
    }
    if let Some(d) = designer {
        l.insert(
            "designer".to_string(),
            Link::titled(format!("{p}/designers/{}", d.slug), d.name.clone()),
        );
    }
    if let Some(x) = publisher {
        l.insert(
            "publisher".to_string(),
            Link::titled(format!("{p}/publishers/{}", x.slug), x.name.clone()),
        );
    }
    l
}

fn org_links(mount: Mount, collection: &str, filter: &str, a: &Attached) -> BTreeMap<String, Link> {
    let p = mount.0;
    BTreeMap::from([
        (
            "self".to_string(),
            Link::new(format!("{p}/{collection}/{}", a.slug)),
        ),
        (
            "games".to_string(),
            Link::titled(
                format!("{p}/games?{filter}={}", a.slug),
                format!("Games by {}", a.name),
            ),
        ),
    ])
}

/// Vocabulary terms attached to a game, as their API type.
fn terms_of<T: From<TermRow>>(attached: Option<Vec<Attached>>) -> Vec<T> {
    attached
        .unwrap_or_default()
        .into_iter()
        .map(|a| {
            T::from(TermRow {
                id: a.id,
                slug: a.slug,
                name: a.name,
                description: a.description,
                game_count: a.game_count,
            })
        })
        .collect()
}

/// Builds the API form of `rows` (in order) with the embeds asked for. One
/// query per kind of related data for the whole page, never one per game.
pub async fn assemble(
    conn: &DatabaseConnection,
    mount: Mount,
    rows: &[game::Model],
    embed: &BTreeSet<Embed>,
) -> Result<Vec<Game>, sea_orm::DbErr> {
    assemble_depth(conn, mount, rows, embed, true).await
}

async fn assemble_depth(
    conn: &DatabaseConnection,
    mount: Mount,
    rows: &[game::Model],
    embed: &BTreeSet<Embed>,
    nested: bool,
) -> Result<Vec<Game>, sea_orm::DbErr> {
    let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
    let mut designers = related::by_game(
        related::attached(conn, "game_designers", "person_id", "people", true, &ids).await?,
        |a| a.game_id,
    );
    let mut publishers = related::by_game(
        related::attached(
            conn,
            "game_publishers",
            "publisher_id",
            "publishers",
            true,
            &ids,
        )
        .await?,
        |a| a.game_id,
    );
    let parent_ids: Vec<Uuid> = rows.iter().filter_map(|m| m.parent_game_id).collect();
    let parents: BTreeMap<Uuid, game::Model> = related::games(conn, &parent_ids)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let mut terms: [BTreeMap<Uuid, Vec<Attached>>; 3] = Default::default();
    for (i, (e, link, column, table)) in [
        (
            Embed::Mechanics,
            "game_mechanics",
            "mechanic_id",
            "mechanics",
        ),
        (
            Embed::Categories,
            "game_categories",
            "category_id",
            "categories",
        ),
        (Embed::Themes, "game_themes", "theme_id", "themes"),
    ]
    .into_iter()
    .enumerate()
    {
        if embed.contains(&e) {
            terms[i] = related::by_game(
                related::attached(conn, link, column, table, false, &ids).await?,
                |a| a.game_id,
            );
        }
    }
    let mut names = if embed.contains(&Embed::AlternateNames) {
        related::by_game(related::alternate_names(conn, &ids).await?, |a| a.game_id)
    } else {
        BTreeMap::new()
    };
    let mut credits = if embed.contains(&Embed::Credits) {
        related::by_game(related::credits(conn, &ids).await?, |c| c.game_id)
    } else {
        BTreeMap::new()
    };
    let mut awards = if embed.contains(&Embed::Awards) {
        related::by_game(related::awards(conn, &ids).await?, |a| a.game_id)
    } else {
        BTreeMap::new()
    };
    let mut expansions: BTreeMap<Uuid, Vec<Game>> = BTreeMap::new();
    if nested && embed.contains(&Embed::Expansions) {
        let children = related::children(conn, &ids).await?;
        // One level only (ADR-0017 depth limit): the children carry the
        // other embeds but not their own expansions.
        let built = Box::pin(assemble_depth(conn, mount, &children, embed, false)).await?;
        for child in built {
            if let Some(parent) = child.parent_game_id {
                expansions.entry(parent).or_default().push(child);
            }
        }
    }

    let mut out = Vec::with_capacity(rows.len());
    for m in rows {
        let mut game = core(m);
        let ds = designers.remove(&m.id).unwrap_or_default();
        let ps = publishers.remove(&m.id).unwrap_or_default();
        game.links = links(
            mount,
            m,
            m.parent_game_id.and_then(|p| parents.get(&p)),
            ds.first(),
            ps.first(),
        );
        if embed.contains(&Embed::Mechanics) {
            game.mechanics = Some(terms_of(terms[0].remove(&m.id)));
        }
        if embed.contains(&Embed::Categories) {
            game.categories = Some(terms_of(terms[1].remove(&m.id)));
        }
        if embed.contains(&Embed::Themes) {
            game.themes = Some(terms_of(terms[2].remove(&m.id)));
        }
        if embed.contains(&Embed::Designers) {
            game.designers = Some(
                ds.iter()
                    .map(|a| Designer {
                        links: org_links(mount, "designers", "designer", a),
                        id: a.id,
                        slug: a.slug.clone(),
                        name: a.name.clone(),
                        description: a.description.clone(),
                        game_count: a.game_count,
                    })
                    .collect(),
            );
        }
        if embed.contains(&Embed::Publishers) {
            game.publishers = Some(
                ps.iter()
                    .map(|a| Publisher {
                        links: org_links(mount, "publishers", "publisher", a),
                        id: a.id,
                        slug: a.slug.clone(),
                        name: a.name.clone(),
                        description: a.description.clone(),
                        country: a.country.clone(),
                        website: a.website.clone(),
                        game_count: a.game_count,
                    })
                    .collect(),
            );
        }
        if embed.contains(&Embed::AlternateNames) {
            game.alternate_names = Some(
                names
                    .remove(&m.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|n| AlternateName {
                        name: n.name,
                        language: n.language,
                        is_primary: n.is_primary,
                        source: n.source,
                    })
                    .collect(),
            );
        }
        if embed.contains(&Embed::Credits) {
            game.credits = Some(
                credits
                    .remove(&m.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| GameCredit {
                        links: BTreeMap::from([(
                            "game".to_string(),
                            Link::new(format!("{}/games/{}", mount.0, m.slug)),
                        )]),
                        game_id: c.game_id,
                        person_id: c.person_id,
                        role: c.role,
                        person_name: c.person_name,
                        person_slug: c.person_slug,
                    })
                    .collect(),
            );
        }
        if embed.contains(&Embed::Awards) {
            game.awards = Some(
                awards
                    .remove(&m.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|a| GameAward {
                        links: BTreeMap::from([(
                            "game".to_string(),
                            Link::new(format!("{}/games/{}", mount.0, m.slug)),
                        )]),
                        game_id: a.game_id,
                        award_id: a.award_id,
                        year: a.year,
                        result: a.result,
                        category: a.category,
                    })
                    .collect(),
            );
        }
        if nested && embed.contains(&Embed::Expansions) {
            game.expansions = Some(expansions.remove(&m.id).unwrap_or_default());
        }
        out.push(game);
    }
    Ok(out)
}

/// Embeds the per-game expansion-model resources (`editions`,
/// `effective_properties`, `experience_playtime`) through the same code as
/// their own endpoints.
pub async fn embed_expansion_data(
    state: &super::AppState,
    mount: Mount,
    games: &mut [Game],
    embed: &BTreeSet<Embed>,
) -> Result<(), super::error::ApiError> {
    use super::expansions::{self as x, EditionParams, EffectiveParams};
    use super::extract::Query;
    use axum::extract::{Path, State};
    for game in games.iter_mut() {
        if embed.contains(&Embed::Editions) {
            let found = x::editions(
                State(state.clone()),
                mount,
                Path(game.slug.clone()),
                Query(EditionParams::default()),
            )
            .await?;
            game.editions = Some(found.0.editions);
        }
        if embed.contains(&Embed::EffectiveProperties) {
            let found = x::effective_properties(
                State(state.clone()),
                mount,
                Path(game.slug.clone()),
                Query(EffectiveParams::default()),
            )
            .await?;
            game.effective_properties = Some(found.0);
        }
        if embed.contains(&Embed::ExperiencePlaytime) {
            let found =
                x::experience_playtime(State(state.clone()), Path(game.slug.clone())).await?;
            game.experience_playtime = Some(found.0);
        }
        if let Some(expansions) = game.expansions.as_mut() {
            Box::pin(embed_expansion_data(state, mount, expansions, embed)).await?;
        }
    }
    Ok(())
}
