//! Keyset pagination at the HTTP edge: `cursor`/`limit` parameters, the
//! `{data, meta, _links}` envelope, and the cursors of the next and previous
//! pages (SPEC-NOTES D11, §3.3).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::error::ApiError;
use crate::domain::cursor::{CursorCodec, CursorError, Position, fingerprint};

pub const DEFAULT_LIMIT: u64 = 25;
pub const MAX_LIMIT: u64 = 100;

/// `cursor` and `limit`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Opaque token from `meta.next_cursor` / `meta.prev_cursor` of a previous
    /// response of the same query; pass it verbatim. Anything else is a 400.
    #[param(pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
    /// Page size, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// `sort`, `order`, `cursor` and `limit` of the vocabulary and people lists.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Sort key. These lists sort by `name` (through the slug, the
    /// lower-cased name); the game sort keys do not apply to them (400).
    #[param(inline)]
    pub sort: Option<super::game_list::SortField>,
    /// Direction (default `asc`).
    #[param(inline)]
    pub order: Option<super::game_list::SortOrder>,
    /// Opaque token from `meta.next_cursor` / `meta.prev_cursor` of a previous
    /// response of the same query; pass it verbatim. Anything else is a 400.
    #[param(pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
    /// Page size, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// A validated page request.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub limit: u64,
    pub position: Option<Position>,
    pub fingerprint: String,
}

impl PageParams {
    /// Validates `limit` and decodes `cursor` for the query `fingerprint`.
    pub fn resolve(
        &self,
        codec: &CursorCodec,
        fingerprint: String,
    ) -> Result<PageRequest, ApiError> {
        let limit = match self.limit {
            None => DEFAULT_LIMIT,
            Some(n) if (1..=MAX_LIMIT as i64).contains(&n) => n as u64,
            Some(n) => {
                return Err(ApiError::invalid(
                    "limit",
                    format!("{n} is outside 1..{MAX_LIMIT}"),
                    "invalid_range",
                ));
            }
        };
        let position = match self.cursor.as_deref() {
            None | Some("") => None,
            Some(token) => Some(codec.decode(&fingerprint, token).map_err(|e| {
                let code = match e {
                    CursorError::Malformed => "invalid_cursor",
                    CursorError::Tampered => "tampered_cursor",
                    CursorError::Foreign => "foreign_cursor",
                };
                ApiError::invalid("cursor", e.to_string(), code)
            })?),
        };
        Ok(PageRequest {
            limit,
            position,
            fingerprint,
        })
    }
}

impl PageRequest {
    /// For lists keyed on a unique slug: the slug to start from, and whether
    /// the page goes backward.
    pub fn slug_position(&self) -> Result<(Option<String>, bool), ApiError> {
        match &self.position {
            None => Ok((None, false)),
            Some(p) => match p.key.as_slice() {
                [Value::String(slug)] => Ok((Some(slug.clone()), p.backward)),
                _ => Err(ApiError::invalid(
                    "cursor",
                    CursorError::Malformed.to_string(),
                    "invalid_cursor",
                )),
            },
        }
    }
}

/// Pagination metadata of every list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PaginationMeta {
    /// Items matching the query across all pages.
    #[schema(minimum = 0)]
    pub total: u64,
    /// The page size used.
    #[schema(minimum = 1, maximum = 100)]
    pub limit: u64,
    /// Whether items follow this page.
    pub has_more: bool,
    /// Cursor of the next page (absent on the last page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Cursor of the previous page (absent on the first page). Extension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prev_cursor: Option<String>,
    /// The active filters in words (game lists only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_summary: Option<FilterSummary>,
}

/// What a filtered list was filtered by (D5).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FilterSummary {
    /// One human-readable description per active dimension (`players`,
    /// `playtime`, `weight`, `mechanics`, `themes`, `type`, `mode`,
    /// `designer`, `publisher`, `family`, `category`, `year`, `effective`).
    pub filters_applied: std::collections::BTreeMap<String, String>,
    /// Items matching the filters (equals `meta.total`).
    #[schema(minimum = 0)]
    pub total_matching: u64,
    /// Items with no filter applied.
    #[schema(minimum = 0)]
    pub total_unfiltered: u64,
}

/// A hypermedia link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Link {
    pub href: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl Link {
    pub fn new(href: impl Into<String>) -> Link {
        Link {
            href: href.into(),
            title: None,
        }
    }

    pub fn titled(href: impl Into<String>, title: impl Into<String>) -> Link {
        Link {
            href: href.into(),
            title: Some(title.into()),
        }
    }
}

impl<T> Page<T> {
    /// The same page with its items converted.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            data: self.data.into_iter().map(f).collect(),
            meta: self.meta,
            links: self.links,
        }
    }
}

/// Links of a page: itself, and the next and previous pages when they exist.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PaginationLinks {
    #[serde(rename = "self")]
    pub self_link: Link,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<Link>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prev: Option<Link>,
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub meta: PaginationMeta,
    #[serde(rename = "_links")]
    pub links: PaginationLinks,
}

/// Builds a page from rows fetched with `limit + 1` in the direction of the
/// request (see [`crate::storage::taxonomy::page`]): trims the probe row,
/// restores ascending order for a backward page, and issues the cursors.
pub fn page<T>(
    mut rows: Vec<T>,
    request: &PageRequest,
    total: u64,
    codec: &CursorCodec,
    key: impl Fn(&T) -> Vec<Value>,
    path: &str,
    query: &[(&str, String)],
) -> Page<T> {
    let limit = request.limit as usize;
    let backward = request.position.as_ref().is_some_and(|p| p.backward);
    let probe = rows.len() > limit;
    rows.truncate(limit);
    if backward {
        rows.reverse();
    }
    // Forward: more follow when the probe row exists; a previous page exists
    // when we came from a cursor. Backward: the page we came from follows;
    // more precede when the probe row exists.
    let (has_more, has_prev) = if backward {
        (true, probe)
    } else {
        (probe, request.position.is_some())
    };
    let cursor = |row: &T, backward: bool| {
        codec.encode(
            &request.fingerprint,
            &Position {
                key: key(row),
                backward,
            },
        )
    };
    let next_cursor = rows.last().filter(|_| has_more).map(|r| cursor(r, false));
    let prev_cursor = rows.first().filter(|_| has_prev).map(|r| cursor(r, true));
    let href = |cursor: Option<&String>| {
        let mut pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let limit = request.limit.to_string();
        pairs.push(("limit", &limit));
        if let Some(c) = cursor {
            pairs.push(("cursor", c));
        }
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!("{path}?{encoded}")
    };
    let self_cursor = request
        .position
        .as_ref()
        .map(|p| codec.encode(&request.fingerprint, p));
    Page {
        links: PaginationLinks {
            self_link: Link::new(href(self_cursor.as_ref())),
            next: next_cursor.as_ref().map(|c| Link::new(href(Some(c)))),
            prev: prev_cursor.as_ref().map(|c| Link::new(href(Some(c)))),
        },
        meta: PaginationMeta {
            total,
            limit: request.limit,
            has_more,
            next_cursor,
            prev_cursor,
            filter_summary: None,
        },
        data: rows,
    }
}

/// Serves one page of a list ordered by a unique slug: validates the list
/// parameters, runs `fetch(connection, from_slug, descending, limit)` on a
/// read pool (it returns the total and up to `limit + 1` rows in the order of
/// travel: slug descending when `descending`) and builds the envelope.
pub async fn list_by_slug<R, F, Fut>(
    state: &AppState,
    mount: super::Mount,
    path: &str,
    params: &ListParams,
    slug: fn(&R) -> &str,
    fetch: F,
) -> Result<Page<R>, ApiError>
where
    F: Fn(sea_orm::DatabaseConnection, Option<String>, bool, u64) -> Fut,
    Fut: std::future::Future<Output = Result<(u64, Vec<R>), sea_orm::DbErr>>,
{
    use super::game_list::{SortField, SortOrder};
    if let Some(sort) = params.sort
        && !matches!(sort, SortField::Name)
    {
        return Err(ApiError::invalid(
            "sort",
            "this list sorts by `name` only",
            "invalid_value",
        ));
    }
    let descending = matches!(params.order, Some(SortOrder::Desc));
    let order = if descending { "desc" } else { "asc" };
    let page_params = PageParams {
        cursor: params.cursor.clone(),
        limit: params.limit,
    };
    let request = page_params.resolve(
        &state.cursors,
        fingerprint(&[("endpoint", path), ("sort", "slug"), ("order", order)]),
    )?;
    let (from, backward) = request.slug_position()?;
    let limit = request.limit;
    // Travelling backward through a descending list is ascending, and so on.
    let sql_descending = backward != descending;
    let (total, rows) = state
        .db
        .read(|conn| fetch(conn, from.clone(), sql_descending, limit))
        .await?;
    let query: Vec<(&str, String)> = if params.sort.is_some() || descending {
        vec![("sort", "name".to_string()), ("order", order.to_string())]
    } else {
        Vec::new()
    };
    Ok(page(
        rows,
        &request,
        total,
        &state.cursors,
        |row: &R| vec![Value::String(slug(row).to_string())],
        &format!("{}{path}", mount.0),
        &query,
    ))
}
