//! `GET /designers`, `/designers/{id}`, `/publishers`, `/publishers/{id}`.

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
use super::pagination::{Link, ListParams, Page, list_by_slug};
use super::{AppState, Mount};
use crate::storage::people::{self, Kind, OrgRow};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_designers))
        .routes(routes!(get_designer))
        .routes(routes!(list_publishers))
        .routes(routes!(get_publisher))
}

/// A person credited as the designer of at least one game.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Designer {
    pub id: Uuid,
    #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", example = "r-eric-reuss")]
    pub slug: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Active games designed.
    #[schema(minimum = 0)]
    pub game_count: i64,
    /// `self`, and `games`: the games list filtered by this designer.
    #[serde(rename = "_links")]
    pub links: BTreeMap<String, Link>,
}

/// A publisher.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Publisher {
    pub id: Uuid,
    #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", example = "greater-than-games")]
    pub slug: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^[A-Z]{2}$")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = "uri")]
    pub website: Option<String>,
    /// Active games published.
    #[schema(minimum = 0)]
    pub game_count: i64,
    /// `self`, and `games`: the games list filtered by this publisher.
    #[serde(rename = "_links")]
    pub links: BTreeMap<String, Link>,
}

fn links(mount: Mount, collection: &str, filter: &str, row: &OrgRow) -> BTreeMap<String, Link> {
    let prefix = mount.0;
    BTreeMap::from([
        (
            "self".to_string(),
            Link::new(format!("{prefix}/{collection}/{}", row.slug)),
        ),
        (
            "games".to_string(),
            Link::titled(
                format!("{prefix}/games?{filter}={}", row.slug),
                format!("Games by {}", row.name),
            ),
        ),
    ])
}

impl Designer {
    pub(crate) fn new(mount: Mount, row: OrgRow) -> Designer {
        Designer {
            links: links(mount, "designers", "designer", &row),
            id: row.id,
            slug: row.slug,
            name: row.name,
            description: row.description,
            game_count: row.game_count,
        }
    }
}

impl Publisher {
    pub(crate) fn new(mount: Mount, row: OrgRow) -> Publisher {
        Publisher {
            links: links(mount, "publishers", "publisher", &row),
            id: row.id,
            slug: row.slug,
            name: row.name,
            description: row.description,
            country: row.country,
            website: row.website,
            game_count: row.game_count,
        }
    }
}

async fn list<T>(
    state: &AppState,
    mount: Mount,
    kind: Kind,
    path: &str,
    params: &ListParams,
    make: fn(Mount, OrgRow) -> T,
) -> Result<Page<T>, ApiError> {
    let page = list_by_slug(
        state,
        mount,
        path,
        params,
        |row: &OrgRow| &row.slug,
        |conn, from, backward, limit| async move {
            let total = people::count(&conn, kind).await?;
            let rows = people::page(&conn, kind, from.as_deref(), backward, limit).await?;
            Ok((total, rows))
        },
    )
    .await?;
    Ok(page.map(|row| make(mount, row)))
}

async fn find(state: &AppState, kind: Kind, id: String) -> Result<OrgRow, ApiError> {
    let key = id.clone();
    state
        .db
        .read(|conn| {
            let key = key.clone();
            async move { people::find(&conn, kind, &key).await }
        })
        .await?
        .ok_or_else(|| {
            let what = match kind {
                Kind::Designer => "designer",
                Kind::Publisher => "publisher",
            };
            ApiError::NotFound(format!("No {what} found with identifier '{id}'."))
        })
}

/// List designers.
///
/// People credited as the designer of at least one game, ordered by slug,
/// with the number of active games each designed.
#[utoipa::path(get, path = "/designers", tag = "people", operation_id = "listDesigners",
    params(ListParams),
    responses(
        (status = 200, description = "A page of designers", body = Page<Designer>),
        (status = 400, description = "Invalid `sort`, `order`, `limit` or `cursor`", body = ErrorResponse,
            content_type = "application/problem+json"),
    ))]
async fn list_designers(
    State(state): State<AppState>,
    mount: Mount,
    Query(params): Query<ListParams>,
) -> Result<Json<Page<Designer>>, ApiError> {
    Ok(Json(
        list(
            &state,
            mount,
            Kind::Designer,
            "/designers",
            &params,
            Designer::new,
        )
        .await?,
    ))
}

/// Get a designer by UUID or slug.
#[utoipa::path(get, path = "/designers/{id}", tag = "people", operation_id = "getDesigner",
    params(("id" = String, Path, description = "UUID or slug of the designer")),
    responses(
        (status = 200, description = "The designer", body = Designer),
        (status = 404, description = "No such designer", body = ErrorResponse,
            content_type = "application/problem+json"),
    ))]
async fn get_designer(
    State(state): State<AppState>,
    mount: Mount,
    Path(id): Path<String>,
) -> Result<Json<Designer>, ApiError> {
    Ok(Json(Designer::new(
        mount,
        find(&state, Kind::Designer, id).await?,
    )))
}

/// List publishers.
///
/// Publishers ordered by slug, with the number of active games each published.
#[utoipa::path(get, path = "/publishers", tag = "people", operation_id = "listPublishers",
    params(ListParams),
    responses(
        (status = 200, description = "A page of publishers", body = Page<Publisher>),
        (status = 400, description = "Invalid `sort`, `order`, `limit` or `cursor`", body = ErrorResponse,
            content_type = "application/problem+json"),
    ))]
async fn list_publishers(
    State(state): State<AppState>,
    mount: Mount,
    Query(params): Query<ListParams>,
) -> Result<Json<Page<Publisher>>, ApiError> {
    Ok(Json(
        list(
            &state,
            mount,
            Kind::Publisher,
            "/publishers",
            &params,
            Publisher::new,
        )
        .await?,
    ))
}

/// Get a publisher by UUID or slug.
#[utoipa::path(get, path = "/publishers/{id}", tag = "people", operation_id = "getPublisher",
    params(("id" = String, Path, description = "UUID or slug of the publisher")),
    responses(
        (status = 200, description = "The publisher", body = Publisher),
        (status = 404, description = "No such publisher", body = ErrorResponse,
            content_type = "application/problem+json"),
    ))]
async fn get_publisher(
    State(state): State<AppState>,
    mount: Mount,
    Path(id): Path<String>,
) -> Result<Json<Publisher>, ApiError> {
    Ok(Json(Publisher::new(
        mount,
        find(&state, Kind::Publisher, id).await?,
    )))
}
