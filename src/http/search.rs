//! `GET /search?q=`: full-text search across games, designers, publishers,
//! mechanics and categories (D20), scored in 0..1, best first, paginated.

use std::collections::{BTreeMap, BTreeSet};

use axum::Json;
use axum::extract::{RawQuery, State};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::error::{ApiError, ErrorResponse, ValidationError};
use super::game_dto::{Game, assemble};
use super::game_list::{Pairs, validation_error};
use super::pagination::{Page, PageParams, page};
use super::people::{Designer, Publisher};
use super::taxonomy::{Category, Mechanic};
use super::{AppState, Mount};
use crate::domain::cursor::fingerprint;
use crate::domain::search::{MIN_SCORE, game_score, name_score, normalize};
use crate::storage::game_query::related;
use crate::storage::people::{self, Kind};
use crate::storage::{search, taxonomy};

/// Kinds of search result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResultType {
    Game,
    Designer,
    Publisher,
    Mechanic,
    Category,
}

impl ResultType {
    const ALL: [ResultType; 5] = [
        ResultType::Game,
        ResultType::Designer,
        ResultType::Publisher,
        ResultType::Mechanic,
        ResultType::Category,
    ];

    fn as_str(self) -> &'static str {
        match self {
            ResultType::Game => "game",
            ResultType::Designer => "designer",
            ResultType::Publisher => "publisher",
            ResultType::Mechanic => "mechanic",
            ResultType::Category => "category",
        }
    }

    fn parse(s: &str) -> Option<ResultType> {
        ResultType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// One hit: its kind, its relevance, and the entity under the key of its kind.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SearchResult {
    pub result_type: ResultType,
    /// Relevance, 1.0 for an exact name match; results are ordered by it.
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub game: Option<Game>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub designer: Option<Designer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<Publisher>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mechanic: Option<Mechanic>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
}

/// `q` and `type`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameters; parsing is `Pairs`
pub struct SearchParams {
    /// Search text: at least 2 characters. Matches names (also partly, and
    /// with typos), alternate names and descriptions.
    #[param(required = true, min_length = 2, max_length = 200)]
    q: String,
    /// Comma-separated result types to search: `game`, `designer`,
    /// `publisher`, `mechanic`, `category` (default: all).
    #[param(rename = "type")]
    result_type: Option<String>,
}

/// A scored hit before its entity is loaded.
#[derive(Debug, Clone, PartialEq)]
struct Hit {
    score: f64,
    kind: ResultType,
    id: Uuid,
}

fn key(h: &Hit) -> Vec<Value> {
    vec![
        serde_json::Number::from_f64(h.score)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Value::String(h.kind.as_str().into()),
        Value::String(h.id.to_string()),
    ]
}

/// Order of the results: score descending, then kind, then id.
fn order(a: &Hit, b: &Hit) -> std::cmp::Ordering {
    b.score
        .total_cmp(&a.score)
        .then(a.kind.cmp(&b.kind))
        .then(a.id.cmp(&b.id))
}

fn boundary(key: &[Value]) -> Option<Hit> {
    match key {
        [Value::Number(score), Value::String(kind), Value::String(id)] => Some(Hit {
            score: score.as_f64()?,
            kind: ResultType::parse(kind)?,
            id: Uuid::parse_str(id).ok()?,
        }),
        _ => None,
    }
}

/// Search across the catalog.
///
/// Full-text search over games (name and alternate names first, then
/// `description_short`, then `description`), designers, publishers,
/// mechanics and categories, with prefix, substring and typo-tolerant
/// matching. Results are ordered by `score` (0..1) descending.
#[utoipa::path(get, path = "/search", tag = "search", operation_id = "searchAll",
    params(SearchParams, PageParams),
    responses(
        (status = 200, description = "A page of results", body = Page<SearchResult>),
        (status = 400, description = "`q` missing or shorter than 2 characters, an unknown \
            `type`, invalid `limit` or `cursor`", body = ErrorResponse,
            content_type = "application/problem+json"),
    ))]
pub async fn search_all(
    State(state): State<AppState>,
    mount: Mount,
    RawQuery(raw): RawQuery,
) -> Result<Json<Page<SearchResult>>, ApiError> {
    let pairs = Pairs::parse(raw.as_deref())?;
    let mut errors = Vec::new();
    let q = pairs.one("q", &mut errors).unwrap_or_default();
    if errors.is_empty() {
        let length = q.chars().count();
        if length < 2 {
            errors.push(ValidationError::new(
                "q",
                "the search text needs at least 2 characters",
                "too_short",
            ));
        } else if length > 200 {
            errors.push(ValidationError::new(
                "q",
                "the search text has more than 200 characters",
                "too_long",
            ));
        } else if q.contains('\0') {
            errors.push(ValidationError::new(
                "q",
                "the search text contains a NUL character",
                "invalid_value",
            ));
        }
    }
    let mut kinds = BTreeSet::new();
    for t in pairs.list("type") {
        match ResultType::parse(&t) {
            Some(k) => {
                kinds.insert(k);
            }
            None => errors.push(ValidationError::new(
                "type",
                format!("'{t}' is not one of: game, designer, publisher, mechanic, category"),
                "invalid_value",
            )),
        }
    }
    if kinds.is_empty() {
        kinds.extend(ResultType::ALL);
    }
    let limit = pairs.int("limit", &mut errors);
    let cursor = pairs.one("cursor", &mut errors);
    if !errors.is_empty() {
        return Err(validation_error(errors));
    }
    let types: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let types = types.join(",");
    let normalized = normalize(&q);
    let request = PageParams { cursor, limit }.resolve(
        &state.cursors,
        fingerprint(&[("endpoint", "search"), ("q", &normalized), ("type", &types)]),
    )?;
    let from = match &request.position {
        None => None,
        Some(p) => Some(boundary(&p.key).ok_or_else(|| {
            ApiError::invalid(
                "cursor",
                "the cursor is not one this server issued (malformed)",
                "invalid_cursor",
            )
        })?),
    };
    let backward = request.position.as_ref().is_some_and(|p| p.backward);
    let (q_ref, kinds_ref) = (&q, &kinds);
    let hits = state
        .db
        .read(|conn| async move { find_hits(&conn, q_ref, kinds_ref).await })
        .await?;
    let total = hits.len() as u64;
    // The page in the direction of travel, plus one to see whether more follow.
    let limit = request.limit as usize;
    let window: Vec<Hit> = match (&from, backward) {
        (None, _) => hits.iter().take(limit + 1).cloned().collect(),
        (Some(b), false) => hits
            .iter()
            .filter(|h| order(h, b).is_gt())
            .take(limit + 1)
            .cloned()
            .collect(),
        (Some(b), true) => hits
            .iter()
            .rev()
            .filter(|h| order(h, b).is_lt())
            .take(limit + 1)
            .cloned()
            .collect(),
    };
    let mut visible = window.clone();
    visible.truncate(limit);
    let mut results = state
        .db
        .read(|conn| {
            let visible = visible.clone();
            async move { load(&conn, mount, &visible).await }
        })
        .await?;
    // `page` expects the rows in the direction of travel, plus the probe row.
    if window.len() > limit
        && let Some(probe) = window.last()
    {
        results.push((probe.clone(), None));
    }
    let rows: Vec<(Hit, Option<SearchResult>)> = results;
    let page = page(
        rows,
        &request,
        total,
        &state.cursors,
        |(hit, _)| key(hit),
        &format!("{}/search", mount.0),
        &[("q", q.clone()), ("type", types.clone())],
    );
    Ok(Json(page.map(|(hit, result)| {
        result.unwrap_or(SearchResult {
            result_type: hit.kind,
            score: hit.score,
            game: None,
            designer: None,
            publisher: None,
            mechanic: None,
            category: None,
        })
    })))
}

/// Every hit above [`MIN_SCORE`], best first.
async fn find_hits(
    conn: &sea_orm::DatabaseConnection,
    q: &str,
    kinds: &BTreeSet<ResultType>,
) -> Result<Vec<Hit>, sea_orm::DbErr> {
    let normalized = normalize(q);
    let mut hits = Vec::new();
    for kind in kinds {
        match kind {
            ResultType::Game => {
                for c in search::games(conn, q).await? {
                    let score = game_score(
                        q,
                        &c.name,
                        &c.alternate_names,
                        c.description_short.as_deref(),
                        c.description.as_deref(),
                    );
                    hits.push(Hit {
                        score,
                        kind: *kind,
                        id: c.id,
                    });
                }
            }
            other => {
                let (table, designers) = match other {
                    ResultType::Designer => ("people", true),
                    ResultType::Publisher => ("publishers", false),
                    ResultType::Mechanic => ("mechanics", false),
                    _ => ("categories", false),
                };
                for c in search::names(conn, table, q, designers).await? {
                    hits.push(Hit {
                        score: name_score(&normalized, &c.name),
                        kind: *other,
                        id: c.id,
                    });
                }
            }
        }
    }
    hits.retain(|h| h.score >= MIN_SCORE);
    hits.sort_by(order);
    Ok(hits)
}

/// The entities of a page of hits (in the hits' order).
async fn load(
    conn: &sea_orm::DatabaseConnection,
    mount: Mount,
    hits: &[Hit],
) -> Result<Vec<(Hit, Option<SearchResult>)>, sea_orm::DbErr> {
    let ids = |kind: ResultType| -> Vec<Uuid> {
        hits.iter()
            .filter(|h| h.kind == kind)
            .map(|h| h.id)
            .collect()
    };
    let models = related::games(conn, &ids(ResultType::Game)).await?;
    let games: BTreeMap<Uuid, Game> = assemble(conn, mount, &models, &BTreeSet::new())
        .await?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    let designers: BTreeMap<Uuid, Designer> =
        people::by_ids(conn, Kind::Designer, &ids(ResultType::Designer))
            .await?
            .into_iter()
            .map(|r| (r.id, Designer::new(mount, r)))
            .collect();
    let publishers: BTreeMap<Uuid, Publisher> =
        people::by_ids(conn, Kind::Publisher, &ids(ResultType::Publisher))
            .await?
            .into_iter()
            .map(|r| (r.id, Publisher::new(mount, r)))
            .collect();
    let mechanics: BTreeMap<Uuid, Mechanic> =
        taxonomy::by_ids(conn, "mechanics", &ids(ResultType::Mechanic))
            .await?
            .into_iter()
            .map(|r| (r.id, Mechanic::from(r)))
            .collect();
    let categories: BTreeMap<Uuid, Category> =
        taxonomy::by_ids(conn, "categories", &ids(ResultType::Category))
            .await?
            .into_iter()
            .map(|r| (r.id, Category::from(r)))
            .collect();
    Ok(hits
        .iter()
        .map(|h| {
            let mut r = SearchResult {
                result_type: h.kind,
                score: h.score,
                game: None,
                designer: None,
                publisher: None,
                mechanic: None,
                category: None,
            };
            match h.kind {
                ResultType::Game => r.game = games.get(&h.id).cloned(),
                ResultType::Designer => r.designer = designers.get(&h.id).cloned(),
                ResultType::Publisher => r.publisher = publishers.get(&h.id).cloned(),
                ResultType::Mechanic => r.mechanic = mechanics.get(&h.id).cloned(),
                ResultType::Category => r.category = categories.get(&h.id).cloned(),
            }
            (h.clone(), Some(r))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_order_by_score_then_kind_then_id() {
        let a = Hit {
            score: 0.9,
            kind: ResultType::Publisher,
            id: Uuid::nil(),
        };
        let b = Hit {
            score: 0.9,
            kind: ResultType::Game,
            id: Uuid::max(),
        };
        let c = Hit {
            score: 1.0,
            kind: ResultType::Category,
            id: Uuid::nil(),
        };
        let mut v = vec![a.clone(), b.clone(), c.clone()];
        v.sort_by(order);
        assert_eq!(v, [c, b, a.clone()]);
        assert_eq!(boundary(&key(&a)), Some(a));
    }
}
