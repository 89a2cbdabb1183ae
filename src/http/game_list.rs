//! `GET /games` and `POST /games/search`: two front ends (a query string, a
//! JSON body) of the one filter model of [`crate::domain::filters`].

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::{RawQuery, State};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::error::{ApiError, ErrorResponse, ValidationError};
use super::extract::Json;
use super::game_dto::{Embed, Game, GameMode, GameType, INCLUDE_VALUES, assemble, embeds};
use super::pagination::{FilterSummary, Page, PageParams, page};
use super::{AppState, Mount};
use crate::domain::cursor::fingerprint;
use crate::domain::filters::{
    self, Field, FieldError, GET_DEFAULTS, GameQuery, POST_DEFAULTS, RawFilter, SortKey, split_csv,
};
use crate::storage::game_query::{self, Boundary, ResolvedIds, UnknownRef};

/// Sort keys (D12).
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortField {
    Name,
    Weight,
    Rating,
    YearPublished,
    CommunityPlaytimeMedian,
    BestAtDistance,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    Asc,
    Desc,
}

/// Which playtime pair `playtime_min` / `playtime_max` compare.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlaytimeSource {
    Publisher,
    Community,
}

/// Experience level of `playtime_experience`.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExperienceLevel {
    FirstPlay,
    Learning,
    Experienced,
    Expert,
}

/// The filters of GET `/games` and GET `/export/games`. All dimensions
/// combine with AND; values inside one list parameter with OR; a game with no
/// value for a filtered field never matches it.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameters; parsing is `raw_filter`
pub struct FilterParams {
    /// Games that support exactly N players: `min_players ≤ N ≤ max_players`.
    #[param(minimum = 1)]
    players: Option<i64>,
    /// Games whose `min_players ≤ N` (playable with as few as N).
    #[param(minimum = 1)]
    players_min: Option<i64>,
    /// Games whose `max_players ≥ N` (playable with as many as N).
    #[param(minimum = 1)]
    players_max: Option<i64>,
    /// Games the community rates best at N players (per-count rating ≥ 4.0;
    /// legacy polls: best votes dominate). `top_at` is accepted as an alias.
    #[param(minimum = 1)]
    best_at: Option<i64>,
    /// Games at least recommended at N players (rating ≥ 3.0; legacy polls:
    /// best + recommended > not recommended).
    #[param(minimum = 1)]
    recommended_at: Option<i64>,
    /// Use expansion-modified player count, playtime and weight.
    effective: Option<bool>,
    /// `min_playtime_minutes ≥ N` (or the community minimum with
    /// `playtime_source=community`).
    #[param(minimum = 0)]
    playtime_min: Option<i64>,
    /// `max_playtime_minutes ≤ N` (or the community maximum).
    #[param(minimum = 0)]
    playtime_max: Option<i64>,
    /// `community_playtime_min_minutes ≥ N`.
    #[param(minimum = 0)]
    community_playtime_min: Option<i64>,
    /// `community_playtime_max_minutes ≤ N`.
    #[param(minimum = 0)]
    community_playtime_max: Option<i64>,
    /// Which values `playtime_min`/`playtime_max` compare (default `publisher`).
    playtime_source: Option<PlaytimeSource>,
    /// `weight ≥ W` (1.0–5.0).
    #[param(minimum = 1.0, maximum = 5.0)]
    weight_min: Option<f64>,
    /// `weight ≤ W` (1.0–5.0).
    #[param(minimum = 1.0, maximum = 5.0)]
    weight_max: Option<f64>,
    /// Game type.
    #[param(rename = "type")]
    game_type: Option<GameType>,
    /// Primary play mode.
    mode: Option<GameMode>,
    /// Comma-separated mechanic slugs: games with any of them.
    mechanics: Option<String>,
    /// Comma-separated mechanic slugs: games with all of them.
    mechanics_all: Option<String>,
    /// Comma-separated mechanic slugs: games with none of them.
    mechanics_not: Option<String>,
    /// Comma-separated theme slugs: games with any of them.
    themes: Option<String>,
    /// Comma-separated theme slugs: games with none of them.
    theme_not: Option<String>,
    /// Designer slug or UUID (a comma-separated list matches any).
    designer: Option<String>,
    /// Publisher slug or UUID (a comma-separated list matches any).
    publisher: Option<String>,
    /// Game family slug or UUID (a comma-separated list matches any).
    family: Option<String>,
    /// Category slug (a comma-separated list matches any).
    category: Option<String>,
    /// `year_published ≥ Y`.
    year_min: Option<i64>,
    /// `year_published ≤ Y`.
    year_max: Option<i64>,
}

/// `playtime_experience` (lists only, not export).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ExperienceParams {
    /// Scale the compared playtime by the game's multiplier for this level
    /// (its own when its profile has one, else 1.50 / 1.25 / 1.0 / 0.85).
    playtime_experience: Option<ExperienceLevel>,
}

/// `sort` and `order`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SortParams {
    /// Sort key (default `name`). Games without a value for the key come
    /// last in both directions; ties break on `id`. `best_at_distance` needs
    /// `players` or `best_at`.
    sort: Option<SortField>,
    /// Direction (default `asc`).
    order: Option<SortOrder>,
}

/// `include` of a list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListIncludeParams {
    /// Comma-separated related resources to embed in every game (see GET
    /// `/games/{id}`); unknown values are ignored.
    include: Option<String>,
}

/// Query parameters of a request, as name → values (repeats kept).
pub struct Pairs(BTreeMap<String, Vec<String>>);

impl Pairs {
    /// Parses a query string; a NUL character anywhere is a 400.
    pub fn parse(raw: Option<&str>) -> Result<Pairs, ApiError> {
        super::extract::reject_nul(raw.unwrap_or(""))?;
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            map.entry(k.into_owned()).or_default().push(v.into_owned());
        }
        Ok(Pairs(map))
    }

    /// A single-valued parameter; repeating it is an error.
    pub fn one(&self, name: &str, errors: &mut Vec<ValidationError>) -> Option<String> {
        let values = self.0.get(name)?;
        if values.len() > 1 {
            errors.push(ValidationError::new(
                name,
                "given more than once",
                "invalid_value",
            ));
            return None;
        }
        let v = values[0].trim();
        (!v.is_empty()).then(|| v.to_string())
    }

    /// A single-valued parameter that must not be empty when given (numbers,
    /// booleans, enums): `players=` is a 400, not an absent filter.
    pub fn required_value(&self, name: &str, errors: &mut Vec<ValidationError>) -> Option<String> {
        let given = self.0.contains_key(name);
        let v = self.one(name, errors);
        if given && v.is_none() && !errors.iter().any(|e| e.field == name) {
            errors.push(ValidationError::new(name, "is empty", "invalid_value"));
        }
        v
    }

    /// An enum list parameter (`type`, `mode`): comma-separated values, none
    /// of them empty.
    pub fn enum_list(&self, name: &str, errors: &mut Vec<ValidationError>) -> Vec<String> {
        let values = self.list(name);
        if self.0.contains_key(name) && values.is_empty() {
            errors.push(ValidationError::new(name, "is empty", "invalid_value"));
        }
        values
    }

    /// A list parameter: comma-separated, repeats concatenated.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.0
            .get(name)
            .map(|vs| vs.iter().flat_map(|v| split_csv(v)).collect())
            .unwrap_or_default()
    }

    pub fn int(&self, name: &str, errors: &mut Vec<ValidationError>) -> Option<i64> {
        let v = self.required_value(name, errors)?;
        match v.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(ValidationError::new(
                    name,
                    format!("'{v}' is not an integer"),
                    "invalid_value",
                ));
                None
            }
        }
    }

    fn number(&self, name: &str, errors: &mut Vec<ValidationError>) -> Option<f64> {
        let v = self.required_value(name, errors)?;
        match v.parse::<f64>() {
            Ok(n) if n.is_finite() => Some(n),
            _ => {
                errors.push(ValidationError::new(
                    name,
                    format!("'{v}' is not a number"),
                    "invalid_value",
                ));
                None
            }
        }
    }

    fn boolean(&self, name: &str, errors: &mut Vec<ValidationError>) -> Option<bool> {
        let v = self.required_value(name, errors)?;
        match v.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                errors.push(ValidationError::new(
                    name,
                    format!("'{v}' is not true or false"),
                    "invalid_value",
                ));
                None
            }
        }
    }
}

/// The filter inputs of a query string. Type errors (`players=abc`) are
/// collected in `errors`; range and enum checks come later, in the domain.
pub fn raw_filter(p: &Pairs, errors: &mut Vec<ValidationError>) -> RawFilter {
    let best_at = match (p.int("best_at", errors), p.int("top_at", errors)) {
        (Some(b), _) => Some(b),
        (None, t) => t,
    };
    let mut categories = p.list("category");
    categories.extend(p.list("categories"));
    RawFilter {
        players: p.int("players", errors),
        players_min: p.int("players_min", errors),
        players_max: p.int("players_max", errors),
        best_at,
        recommended_at: p.int("recommended_at", errors),
        playtime_min: p.int("playtime_min", errors),
        playtime_max: p.int("playtime_max", errors),
        community_playtime_min: p.int("community_playtime_min", errors),
        community_playtime_max: p.int("community_playtime_max", errors),
        playtime_source: p.required_value("playtime_source", errors),
        playtime_experience: p.required_value("playtime_experience", errors),
        weight_min: p.number("weight_min", errors),
        weight_max: p.number("weight_max", errors),
        types: p.enum_list("type", errors),
        modes: p.enum_list("mode", errors),
        mechanics: p.list("mechanics"),
        mechanics_all: p.list("mechanics_all"),
        mechanics_not: p.list("mechanics_not"),
        themes: p.list("themes"),
        theme_not: p.list("theme_not"),
        designers: p.list("designer"),
        publishers: p.list("publisher"),
        families: p.list("family"),
        categories,
        year_min: p.int("year_min", errors),
        year_max: p.int("year_max", errors),
        effective: p.boolean("effective", errors).unwrap_or(false),
        sort: p.required_value("sort", errors),
        order: p.required_value("order", errors),
    }
}

/// How the fields of a front end are named in errors.
#[derive(Debug, Clone, Copy)]
pub enum Naming {
    Query,
    Body,
}

impl Naming {
    fn name(self, field: Field) -> &'static str {
        match self {
            Naming::Query => field.query_name(),
            Naming::Body => field.body_path(),
        }
    }
}

/// A 400 with one entry per offending field (D10).
pub fn validation_error(errors: Vec<ValidationError>) -> ApiError {
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    let detail = if errors.len() == 1 {
        format!(
            "Invalid value for '{}': {}",
            errors[0].field, errors[0].message
        )
    } else {
        format!("Invalid values for: {}", fields.join(", "))
    };
    ApiError::Validation { detail, errors }
}

/// Validates a raw filter; domain errors named for the front end.
pub fn validate(
    raw: &RawFilter,
    defaults: filters::SortDefaults,
    naming: Naming,
    mut errors: Vec<ValidationError>,
) -> Result<GameQuery, ApiError> {
    let result = raw.validate(defaults);
    if let Err(domain) = &result {
        errors.extend(domain.iter().map(|e: &FieldError| {
            ValidationError::new(naming.name(e.field), e.message.clone(), e.code)
        }));
    }
    if !errors.is_empty() {
        return Err(validation_error(errors));
    }
    result.map_err(|_| validation_error(Vec::new()))
}

/// A 422 naming every unknown slug (D10, D24).
pub fn unknown_error(unknown: Vec<UnknownRef>, naming: Naming) -> ApiError {
    let errors: Vec<ValidationError> = unknown
        .iter()
        .map(|u| {
            ValidationError::new(
                naming.name(u.field),
                format!("no {} '{}' is known", u.what, u.value),
                "unknown_value",
            )
        })
        .collect();
    let detail = errors
        .iter()
        .map(|e| e.message.clone())
        .collect::<Vec<_>>()
        .join("; ");
    ApiError::Unprocessable {
        detail: format!("Unknown reference: {detail}."),
        errors,
    }
}

/// Resolves a query's slugs on a read pool: 422 for unknown ones.
pub async fn resolve_ids(
    state: &AppState,
    query: &GameQuery,
    naming: Naming,
) -> Result<ResolvedIds, ApiError> {
    let resolved = state
        .db
        .read(|conn| async move { game_query::resolve(&conn, &query.filter).await })
        .await?;
    resolved.map_err(|unknown| unknown_error(unknown, naming))
}

/// The cursor fingerprint of a games query: GET `/games` and POST
/// `/games/search` share it, so a cursor of one continues on the other.
pub fn games_fingerprint(query: &GameQuery) -> String {
    let parts = query.fingerprint_parts();
    let mut refs: Vec<(&str, &str)> = vec![("endpoint", "games")];
    refs.extend(parts.iter().map(|(k, v)| (*k, v.as_str())));
    fingerprint(&refs)
}

fn boundary(key: &[Value], sort: SortKey) -> Result<Boundary, ApiError> {
    let bad = || {
        ApiError::invalid(
            "cursor",
            "the cursor is not one this server issued (malformed)",
            "invalid_cursor",
        )
    };
    let [value, Value::String(id)] = key else {
        return Err(bad());
    };
    let id = Uuid::parse_str(id).map_err(|_| bad())?;
    let fits = match (sort, value) {
        (_, Value::Null) => sort != SortKey::Name,
        (SortKey::Name, Value::String(_)) => true,
        (SortKey::Name, _) => false,
        (_, Value::Number(_)) => true,
        _ => false,
    };
    if !fits {
        return Err(bad());
    }
    Ok(Boundary {
        value: value.clone(),
        id,
    })
}

/// `matched_via` (D28) of the games of a page that matched `effective=true`
/// through one of their candidates rather than their own values.
pub async fn matched_via(
    conn: &sea_orm::DatabaseConnection,
    rows: &[game_query::PageRow],
) -> Result<BTreeMap<Uuid, Value>, sea_orm::DbErr> {
    let wanted: BTreeMap<Uuid, i64> = rows
        .iter()
        .filter_map(|r| r.matched_candidate.map(|o| (r.game.id, o)))
        .collect();
    if wanted.is_empty() {
        return Ok(BTreeMap::new());
    }
    let bases: Vec<Uuid> = wanted.keys().copied().collect();
    let names: std::collections::HashMap<Uuid, (String, String)> =
        crate::storage::expansions::expansion_names_for(conn, &bases)
            .await?
            .into_iter()
            .map(|n| (n.id, (n.slug, n.name)))
            .collect();
    let mut out = BTreeMap::new();
    for c in crate::storage::effective::candidates_of(conn, &bases).await? {
        if wanted.get(&c.game_id) != Some(&c.ordinal) {
            continue;
        }
        let expansions: Vec<Value> = c
            .expansion_ids
            .iter()
            .map(|id| {
                let (slug, name) = names
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| (id.to_string(), id.to_string()));
                serde_json::json!({"slug": slug, "name": name})
            })
            .collect();
        out.insert(
            c.game_id,
            serde_json::json!({
                "type": if c.tier == 1 { "expansion_combination" } else { "delta_sum" },
                "expansions": expansions,
                "effective_properties":
                    super::expansions::BaseProperties::from(&c.values),
                "resolution_tier": c.tier,
            }),
        );
    }
    Ok(out)
}

/// One page of games for a validated query.
pub async fn list_page(
    state: &AppState,
    mount: Mount,
    query: &GameQuery,
    params: PageParams,
    embed: &BTreeSet<Embed>,
    naming: Naming,
    path: &str,
) -> Result<Page<Game>, ApiError> {
    let request = params.resolve(&state.cursors, games_fingerprint(query))?;
    let from = request
        .position
        .as_ref()
        .map(|p| boundary(&p.key, query.sort.key))
        .transpose()?;
    let backward = request.position.as_ref().is_some_and(|p| p.backward);
    let ids = resolve_ids(state, query, naming).await?;
    let limit = request.limit;
    let (ids, from) = (&ids, from.as_ref());
    let total_key = request.fingerprint.clone();
    let unfiltered_key = format!("all:{:?}", query.filter.parent);
    let cached_total = state.counts.get(&total_key);
    let cached_unfiltered = state.counts.get(&unfiltered_key);
    let (total, unfiltered, rows, games) = state
        .db
        .read(|conn| async move {
            let total = match cached_total {
                Some(n) => n,
                None => game_query::count(&conn, query, ids).await?,
            };
            let unfiltered = match (query.filter.is_empty(), cached_unfiltered) {
                (true, _) => total,
                (false, Some(n)) => n,
                (false, None) => game_query::count_active(&conn, query.filter.parent).await?,
            };
            let rows = game_query::page(&conn, query, ids, from, backward, limit).await?;
            let models: Vec<_> = rows.iter().map(|r| r.game.clone()).collect();
            let mut games = assemble(&conn, mount, &models, embed).await?;
            let via = matched_via(&conn, &rows).await?;
            for game in &mut games {
                game.matched_via = via.get(&game.id).cloned();
            }
            Ok((total, unfiltered, rows, games))
        })
        .await?;
    state.counts.put(&total_key, total);
    state.counts.put(&unfiltered_key, unfiltered);
    let mut games = games;
    super::game_dto::embed_expansion_data(state, mount, &mut games, embed).await?;
    let keyed: Vec<(Game, Vec<Value>)> = games
        .into_iter()
        .zip(rows)
        .map(|(game, row)| {
            let key = vec![row.sort_value, Value::String(row.game.id.to_string())];
            (game, key)
        })
        .collect();
    let mut link_query = query.filter.to_query();
    link_query.push(("sort", query.sort.key.as_str().to_string()));
    link_query.push(("order", query.sort.direction.as_str().to_string()));
    let included: Vec<&str> = INCLUDE_VALUES
        .iter()
        .copied()
        .filter(|v| Embed::parse(v).is_some_and(|e| embed.contains(&e)))
        .collect();
    if !included.is_empty() {
        link_query.push(("include", included.join(",")));
    }
    let mut result = page(
        keyed,
        &request,
        total,
        &state.cursors,
        |(_, key)| key.clone(),
        &format!("{}{path}", mount.0),
        &link_query,
    )
    .map(|(game, _)| game);
    result.meta.filter_summary = Some(FilterSummary {
        filters_applied: query.filter.summary(),
        total_matching: total,
        total_unfiltered: unfiltered,
    });
    Ok(result)
}

/// List games.
///
/// Games matching every given filter (AND across dimensions, OR inside a
/// list, `_not` excludes), one keyset page at a time. Only active games are
/// listed. `meta.filter_summary` describes the filters in words; follow
/// `_links.next` / `_links.prev` (or pass `meta.next_cursor` /
/// `meta.prev_cursor` as `cursor` with the same filters) to page.
#[utoipa::path(get, path = "/games", tag = "games", operation_id = "listGames",
    params(FilterParams, ExperienceParams, SortParams, PageParams, ListIncludeParams),
    responses(
        (status = 200, description = "A page of games", body = Page<Game>),
        (status = 400, description = "A malformed or out-of-range parameter, `min > max`, \
            an unknown enum value or sort key, a bad cursor", body = ErrorResponse,
            content_type = "application/problem+json"),
        (status = 422, description = "An unknown mechanic, theme, category, designer, \
            publisher or family", body = ErrorResponse,
            content_type = "application/problem+json"),
    ))]
pub async fn list_games(
    State(state): State<AppState>,
    mount: Mount,
    RawQuery(raw): RawQuery,
) -> Result<axum::Json<Page<Game>>, ApiError> {
    let pairs = Pairs::parse(raw.as_deref())?;
    let mut errors = Vec::new();
    let filter = raw_filter(&pairs, &mut errors);
    let limit = pairs.int("limit", &mut errors);
    let cursor = pairs.one("cursor", &mut errors);
    let include = pairs.list("include");
    let query = validate(&filter, GET_DEFAULTS, Naming::Query, errors)?;
    let embed = embeds(include.iter().map(String::as_str));
    Ok(axum::Json(
        list_page(
            &state,
            mount,
            &query,
            PageParams { cursor, limit },
            &embed,
            Naming::Query,
            "/games",
        )
        .await?,
    ))
}

/// Player-count filter of a search.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct PlayerFilter {
    /// Minimum player count the game must support (`min_players ≤ N`).
    #[schema(minimum = 1)]
    pub min: Option<i64>,
    /// Maximum player count the game must support (`max_players ≥ N`).
    #[schema(minimum = 1)]
    pub max: Option<i64>,
    /// Exactly N players (`min_players ≤ N ≤ max_players`); wins over `min`/`max`.
    #[schema(minimum = 1)]
    pub exact: Option<i64>,
    #[schema(minimum = 1)]
    pub best_at: Option<i64>,
    #[schema(minimum = 1)]
    pub recommended_at: Option<i64>,
}

/// Playtime filter of a search.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct PlaytimeFilter {
    #[schema(minimum = 0)]
    pub min: Option<i64>,
    #[schema(minimum = 0)]
    pub max: Option<i64>,
    #[schema(minimum = 0)]
    pub community_min: Option<i64>,
    #[schema(minimum = 0)]
    pub community_max: Option<i64>,
    #[schema(value_type = Option<PlaytimeSource>)]
    pub source: Option<String>,
    #[schema(value_type = Option<ExperienceLevel>)]
    pub experience: Option<String>,
}

/// Weight filter of a search.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct WeightFilter {
    #[schema(minimum = 1.0, maximum = 5.0)]
    pub min: Option<f64>,
    #[schema(minimum = 1.0, maximum = 5.0)]
    pub max: Option<f64>,
}

/// Mechanics filter of a search.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct MechanicFilter {
    /// Any of these.
    #[serde(default)]
    pub any: Vec<String>,
    /// All of these.
    #[serde(default)]
    pub all: Vec<String>,
    /// None of these.
    #[serde(default)]
    pub not: Vec<String>,
}

/// Theme filter of a search.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ThemeFilter {
    /// Any of these.
    #[serde(default)]
    pub include: Vec<String>,
    /// None of these.
    #[serde(default)]
    pub not: Vec<String>,
}

/// Year filter of a search (inclusive).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct YearFilter {
    pub min: Option<i64>,
    pub max: Option<i64>,
}

/// The filters of a search; omitted fields impose no constraint.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SearchFilters {
    pub players: Option<PlayerFilter>,
    pub playtime: Option<PlaytimeFilter>,
    pub weight: Option<WeightFilter>,
    #[schema(value_type = Option<GameMode>)]
    pub mode: Option<String>,
    #[serde(rename = "type")]
    #[schema(value_type = Option<GameType>)]
    pub game_type: Option<String>,
    pub mechanics: Option<MechanicFilter>,
    pub theme: Option<ThemeFilter>,
    /// Designer slug or UUID.
    pub designer: Option<String>,
    /// Publisher slug or UUID.
    pub publisher: Option<String>,
    /// Game family slug or UUID.
    pub family: Option<String>,
    /// Category slug.
    pub category: Option<String>,
    pub year: Option<YearFilter>,
    /// Edition (slug or UUID) used as the base of effective resolution.
    pub edition: Option<String>,
    /// Use expansion-modified player count, playtime and weight.
    #[serde(default)]
    pub effective: bool,
}

/// Values of `include` in a search body.
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchInclude {
    Mechanics,
    Categories,
    Themes,
    Designers,
    Publishers,
    Expansions,
    Editions,
    EffectiveProperties,
    ExperiencePlaytime,
}

/// A structured game search (the body of POST `/games/search`). Unknown
/// fields are ignored.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SearchRequest {
    pub filters: Option<SearchFilters>,
    /// Sort key (default `rating`).
    #[schema(value_type = Option<SortField>)]
    pub sort: Option<String>,
    /// Direction (default `desc`).
    #[schema(value_type = Option<SortOrder>)]
    pub order: Option<String>,
    #[schema(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// `meta.next_cursor` / `meta.prev_cursor` of a previous page of the same search.
    pub cursor: Option<String>,
    pub include: Option<Vec<SearchInclude>>,
}

/// The objects of a search body must be JSON objects: serde would also take
/// an array for a struct (`"year": [2017, 2020]`), silently.
fn shape_errors(body: &Value) -> Vec<ValidationError> {
    let mut errors = Vec::new();
    let object_or_null = |v: &Value| v.is_object() || v.is_null();
    if !body.is_object() {
        errors.push(ValidationError::new(
            "body",
            "expected a JSON object",
            "invalid_type",
        ));
        return errors;
    }
    // The contract admits `null` for the cursor only (D1).
    fn nulls(v: &Value, path: &str, out: &mut Vec<ValidationError>) {
        match v {
            Value::Null => out.push(ValidationError::new(
                path,
                "must not be null",
                "invalid_type",
            )),
            Value::Object(map) => {
                for (k, child) in map {
                    if path.is_empty() && k == "cursor" {
                        continue;
                    }
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    nulls(child, &p, out);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    nulls(child, &format!("{path}[{i}]"), out);
                }
            }
            _ => {}
        }
    }
    nulls(body, "", &mut errors);
    if !errors.is_empty() {
        return errors;
    }
    let Some(filters) = body.get("filters") else {
        return errors;
    };
    if !object_or_null(filters) {
        errors.push(ValidationError::new(
            "filters",
            "expected an object",
            "invalid_type",
        ));
        return errors;
    }
    for key in [
        "players",
        "playtime",
        "weight",
        "mechanics",
        "theme",
        "year",
    ] {
        if let Some(v) = filters.get(key)
            && !object_or_null(v)
        {
            errors.push(ValidationError::new(
                format!("filters.{key}"),
                "expected an object",
                "invalid_type",
            ));
        }
    }
    errors
}

fn one_or_csv(v: &Option<String>) -> Vec<String> {
    v.as_deref().map(split_csv).unwrap_or_default()
}

impl SearchRequest {
    fn raw_filter(&self) -> RawFilter {
        let empty = SearchFilters::default();
        let f = self.filters.as_ref().unwrap_or(&empty);
        let players = f.players.as_ref();
        let exact = players.and_then(|p| p.exact);
        let playtime = f.playtime.as_ref();
        let mechanics = f.mechanics.as_ref();
        let theme = f.theme.as_ref();
        RawFilter {
            players: exact,
            // `exact` wins over `min`/`max` (rule 47).
            players_min: exact.map_or_else(|| players.and_then(|p| p.min), |_| None),
            players_max: exact.map_or_else(|| players.and_then(|p| p.max), |_| None),
            best_at: players.and_then(|p| p.best_at),
            recommended_at: players.and_then(|p| p.recommended_at),
            playtime_min: playtime.and_then(|p| p.min),
            playtime_max: playtime.and_then(|p| p.max),
            community_playtime_min: playtime.and_then(|p| p.community_min),
            community_playtime_max: playtime.and_then(|p| p.community_max),
            playtime_source: playtime.and_then(|p| p.source.clone()),
            playtime_experience: playtime.and_then(|p| p.experience.clone()),
            weight_min: f.weight.as_ref().and_then(|w| w.min),
            weight_max: f.weight.as_ref().and_then(|w| w.max),
            types: one_or_csv(&f.game_type),
            modes: one_or_csv(&f.mode),
            mechanics: mechanics.map(|m| m.any.clone()).unwrap_or_default(),
            mechanics_all: mechanics.map(|m| m.all.clone()).unwrap_or_default(),
            mechanics_not: mechanics.map(|m| m.not.clone()).unwrap_or_default(),
            themes: theme.map(|t| t.include.clone()).unwrap_or_default(),
            theme_not: theme.map(|t| t.not.clone()).unwrap_or_default(),
            designers: one_or_csv(&f.designer),
            publishers: one_or_csv(&f.publisher),
            families: one_or_csv(&f.family),
            categories: one_or_csv(&f.category),
            year_min: f.year.as_ref().and_then(|y| y.min),
            year_max: f.year.as_ref().and_then(|y| y.max),
            effective: f.effective,
            sort: self.sort.clone(),
            order: self.order.clone(),
        }
    }
}

/// Search games with a structured body.
///
/// The same filtering as GET `/games`, with the filters nested under
/// `filters` (default sort `rating`, order `desc`). Answers 200 with the same
/// envelope as GET `/games`; its `_links` are the equivalent GET `/games`
/// URLs, and its cursors continue on either operation.
#[utoipa::path(post, path = "/games/search", tag = "games", operation_id = "searchGames",
    request_body(content = SearchRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "A page of games", body = Page<Game>),
        (status = 400, description = "A malformed body, an out-of-range value, `min > max`, \
            an unknown enum value or sort key, a bad cursor; `errors[].field` is a dot path",
            body = ErrorResponse, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = ErrorResponse,
            content_type = "application/problem+json"),
        (status = 422, description = "An unknown mechanic, theme, category, designer, \
            publisher or family", body = ErrorResponse,
            content_type = "application/problem+json"),
    ))]
pub async fn search_games(
    State(state): State<AppState>,
    mount: Mount,
    Json(value): Json<Value>,
) -> Result<axum::Json<Page<Game>>, ApiError> {
    let shape = shape_errors(&value);
    if !shape.is_empty() {
        return Err(validation_error(shape));
    }
    let bytes = serde_json::to_vec(&value).map_err(|e| ApiError::Internal(e.to_string()))?;
    let body: SearchRequest = super::extract::parse_json(&bytes)?;
    let raw = body.raw_filter();
    let mut errors = Vec::new();
    // `exact` wins over `min`/`max`, which must still be valid (minimum 1).
    if let Some(players) = body
        .filters
        .as_ref()
        .and_then(|f| f.players.as_ref())
        .filter(|p| p.exact.is_some())
    {
        for (field, value) in [
            ("filters.players.min", players.min),
            ("filters.players.max", players.max),
        ] {
            if let Some(n) = value
                && n < 1
            {
                errors.push(ValidationError::new(
                    field,
                    format!("{n} is below 1"),
                    "invalid_range",
                ));
            }
        }
    }
    if let Some(n) = body.limit
        && !(1..=100).contains(&n)
    {
        errors.push(ValidationError::new(
            "limit",
            format!("{n} is outside 1..100"),
            "invalid_range",
        ));
    }
    let query = validate(&raw, POST_DEFAULTS, Naming::Body, errors)?;
    let include: Vec<String> = body
        .include
        .iter()
        .flatten()
        .map(|i| {
            serde_json::to_value(i)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        })
        .collect();
    let embed = embeds(include.iter().map(String::as_str));
    Ok(axum::Json(
        list_page(
            &state,
            mount,
            &query,
            PageParams {
                cursor: body.cursor.clone(),
                limit: body.limit,
            },
            &embed,
            Naming::Body,
            "/games",
        )
        .await?,
    ))
}
