//! Game resources: `GET /games`, `POST /games/search`, `GET /games/{id}` and
//! the extension `GET /games/{id}/player-count-ratings` (D27).

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::error::{ApiError, ErrorResponse};
use super::extract::Query;
use super::game_dto::{Game, assemble, embeds};
use super::pagination::Link;
use super::{AppState, Mount};
use crate::storage::game_query::related;
use crate::storage::games::{self, GameRef};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(super::game_list::list_games))
        .routes(routes!(super::game_list::search_games))
        .routes(routes!(get_game))
        .routes(routes!(list_expansions))
        .routes(routes!(super::export::export_games))
        .routes(routes!(super::search::search_all))
        .routes(routes!(player_count_ratings))
}

/// `include` of a single game.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IncludeParams {
    /// Comma-separated related resources to embed: `mechanics`, `categories`,
    /// `themes`, `designers`, `publishers`, `expansions`, `editions`,
    /// `effective_properties`, `experience_playtime`, `alternate_names`,
    /// `credits`, `awards`, `polls`. Unknown values are ignored.
    pub include: Option<String>,
}

/// Kinds of product `GET /games/{id}/expansions` lists.
#[derive(Debug, Clone, Copy, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExpansionType {
    Expansion,
    Promo,
    StandaloneExpansion,
}

/// `type` of the expansions list.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameter; parsing is `Pairs`
pub struct ExpansionTypeParams {
    /// Only this kind (default: all three).
    #[serde(rename = "type")]
    #[param(rename = "type", inline)]
    expansion_type: Option<ExpansionType>,
}

/// List the expansions of a game.
///
/// The expansions, promos and standalone expansions of a base game (the
/// base game itself excluded), one keyset page at a time; `type` narrows to
/// one kind. A game with none answers an empty page.
#[utoipa::path(get, path = "/games/{id}/expansions", tag = "games",
    operation_id = "listGameExpansions",
    params(("id" = String, Path, description = "UUID or slug of the base game"),
        ExpansionTypeParams, super::game_list::SortParams, super::pagination::PageParams,
        super::game_list::ListIncludeParams),
    responses(
        (status = 200, description = "A page of expansions", body = super::pagination::Page<Game>),
        (status = 400, description = "Invalid `type`, `sort`, `order`, `limit` or `cursor`",
            body = ErrorResponse, content_type = "application/problem+json"),
        (status = 404, description = "No such game", body = ErrorResponse,
            content_type = "application/problem+json"),
        (status = 410, description = "The game was removed", body = ErrorResponse,
            content_type = "application/problem+json"),
    ))]
async fn list_expansions(
    State(state): State<AppState>,
    mount: Mount,
    Path(id): Path<String>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Result<axum::Json<super::pagination::Page<Game>>, ApiError> {
    use super::game_list::{Naming, Pairs, list_page, validate};
    let base = resolve(&state, &id).await?;
    let pairs = Pairs::parse(raw.as_deref())?;
    let mut errors = Vec::new();
    let types = pairs.enum_list("type", &mut errors);
    for t in &types {
        if !matches!(t.as_str(), "expansion" | "promo" | "standalone_expansion") {
            errors.push(super::error::ValidationError::new(
                "type",
                format!("'{t}' is not one of: expansion, promo, standalone_expansion"),
                "invalid_value",
            ));
        }
    }
    let raw_filter = crate::domain::filters::RawFilter {
        types,
        sort: pairs.required_value("sort", &mut errors),
        order: pairs.required_value("order", &mut errors),
        ..Default::default()
    };
    let limit = pairs.int("limit", &mut errors);
    let cursor = pairs.one("cursor", &mut errors);
    let embed = embeds(pairs.list("include").iter().map(String::as_str));
    let mut query = validate(
        &raw_filter,
        crate::domain::filters::GET_DEFAULTS,
        Naming::Query,
        errors,
    )?;
    query.filter.parent = Some(base.id);
    let path = format!("/games/{}/expansions", base.slug);
    Ok(axum::Json(
        list_page(
            &state,
            mount,
            &query,
            super::pagination::PageParams { cursor, limit },
            &embed,
            Naming::Query,
            &path,
        )
        .await?,
    ))
}

/// Get a game by UUID or slug.
///
/// Without `include`, the game's own fields and its `_links`; `include`
/// embeds related resources.
#[utoipa::path(get, path = "/games/{id}", tag = "games", operation_id = "getGame",
    params(("id" = String, Path, description = "UUID or slug of the game"), IncludeParams),
    responses(
        (status = 200, description = "The game", body = Game),
        (status = 404, description = "No such game", body = ErrorResponse,
            content_type = "application/problem+json"),
        (status = 410, description = "The game was removed", body = ErrorResponse,
            content_type = "application/problem+json"),
    ))]
async fn get_game(
    State(state): State<AppState>,
    mount: Mount,
    Path(id): Path<String>,
    Query(params): Query<IncludeParams>,
) -> Result<Json<Game>, ApiError> {
    let found = resolve(&state, &id).await?;
    let embed = embeds(params.include.as_deref().unwrap_or("").split(','));
    let game_id = found.id;
    let embed_ref = &embed;
    let built = state
        .db
        .read(|conn| async move {
            let rows = related::games(&conn, &[game_id]).await?;
            assemble(&conn, mount, &rows, embed_ref).await
        })
        .await?;
    let mut built = built;
    super::game_dto::embed_expansion_data(&state, mount, &mut built, &embed).await?;
    built
        .into_iter()
        .next()
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("No game found with identifier '{id}'.")))
}

/// Resolves a game by UUID or slug: 404 when unknown, 410 when archived.
pub async fn resolve(state: &AppState, id: &str) -> Result<GameRef, ApiError> {
    let key = id.to_string();
    let found = state
        .db
        .read(|conn| {
            let key = key.clone();
            async move { games::find_ref(&conn, &key).await }
        })
        .await?;
    match found {
        None => Err(ApiError::NotFound(format!(
            "No game found with identifier '{id}'."
        ))),
        Some(game) if game.status == "archived" => Err(ApiError::Gone(format!(
            "The game '{}' has been removed from the catalog.",
            game.slug
        ))),
        Some(game) => Ok(game),
    }
}

/// The community's rating of a game at one player count (1–5 scale).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlayerCountRating {
    pub game_id: Uuid,
    #[schema(minimum = 1)]
    pub player_count: i64,
    #[schema(minimum = 1.0, maximum = 5.0)]
    pub average_rating: f64,
    #[schema(minimum = 0)]
    pub rating_count: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0.0)]
    pub rating_stddev: Option<f64>,
}

/// Per-count ratings of one game.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlayerCountRatings {
    pub data: Vec<PlayerCountRating>,
    /// `self` and `game`.
    #[serde(rename = "_links")]
    pub links: BTreeMap<String, Link>,
}

/// Per-player-count ratings of a game (extension).
///
/// The community's average rating (1–5) at each player count, ascending. The
/// game's `best_at` (≥ 4.0) and `recommended_at` (≥ 3.0) lists derive from it.
#[utoipa::path(get, path = "/games/{id}/player-count-ratings", tag = "games",
    operation_id = "getGamePlayerCountRatings",
    params(("id" = String, Path, description = "UUID or slug of the game")),
    responses(
        (status = 200, description = "The ratings, by player count", body = PlayerCountRatings),
        (status = 404, description = "No such game", body = ErrorResponse,
            content_type = "application/problem+json"),
        (status = 410, description = "The game was removed", body = ErrorResponse,
            content_type = "application/problem+json"),
    ))]
async fn player_count_ratings(
    State(state): State<AppState>,
    Mount(prefix): Mount,
    Path(id): Path<String>,
) -> Result<Json<PlayerCountRatings>, ApiError> {
    let game = resolve(&state, &id).await?;
    let game_id = game.id;
    let rows = state
        .db
        .read(|conn| async move { games::player_count_ratings(&conn, game_id).await })
        .await?;
    Ok(Json(PlayerCountRatings {
        data: rows
            .into_iter()
            .map(|r| PlayerCountRating {
                game_id,
                player_count: r.player_count,
                average_rating: r.average_rating,
                rating_count: r.rating_count,
                rating_stddev: r.rating_stddev,
            })
            .collect(),
        links: BTreeMap::from([
            (
                "self".to_string(),
                Link::new(format!("{prefix}/games/{}/player-count-ratings", game.slug)),
            ),
            (
                "game".to_string(),
                Link::new(format!("{prefix}/games/{}", game.slug)),
            ),
        ]),
    }))
}
