//! `GET /mechanics`, `GET /categories` and the extension `GET /themes`.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::error::{ApiError, ErrorResponse};
use super::extract::Query;
use super::pagination::{ListParams, Page, list_by_slug};
use super::{AppState, Mount};
use crate::storage::taxonomy::{self, TermRow};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_mechanics))
        .routes(routes!(list_categories))
        .routes(routes!(list_themes))
}

macro_rules! term_schema {
    ($name:ident, $what:literal) => {
        #[doc = concat!("A ", $what, " of the controlled vocabulary.")]
        #[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
        pub struct $name {
            pub id: Uuid,
            /// Canonical slug.
            #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", example = "hand-management")]
            pub slug: String,
            pub name: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub description: Option<String>,
            /// Active games tagged with it.
            #[schema(minimum = 0)]
            pub game_count: i64,
        }

        impl From<TermRow> for $name {
            fn from(row: TermRow) -> Self {
                $name {
                    id: row.id,
                    slug: row.slug,
                    name: row.name,
                    description: row.description,
                    game_count: row.game_count,
                }
            }
        }
    };
}

term_schema!(Mechanic, "mechanic");
term_schema!(Category, "category");
term_schema!(Theme, "theme");

/// Lists `table` by slug, one keyset page at a time.
async fn list<T: From<TermRow>>(
    state: &AppState,
    mount: Mount,
    table: &'static str,
    path: &str,
    params: &ListParams,
) -> Result<Page<T>, ApiError> {
    let page = list_by_slug(
        state,
        mount,
        path,
        params,
        |row: &TermRow| &row.slug,
        |conn, from, backward, limit| async move {
            let total = taxonomy::count(&conn, table).await?;
            let rows = taxonomy::page(&conn, table, from.as_deref(), backward, limit).await?;
            Ok((total, rows))
        },
    )
    .await?;
    Ok(page.map(T::from))
}

/// List mechanics.
///
/// The mechanics vocabulary with the number of active games tagged with each,
/// ordered by slug.
#[utoipa::path(get, path = "/mechanics", tag = "taxonomy", operation_id = "listMechanics",
    params(ListParams),
    responses(
        (status = 200, description = "A page of mechanics", body = Page<Mechanic>),
        (status = 400, description = "Invalid `sort`, `order`, `limit` or `cursor`", body = ErrorResponse,
            content_type = "application/problem+json"),
    ))]
async fn list_mechanics(
    State(state): State<AppState>,
    mount: Mount,
    Query(params): Query<ListParams>,
) -> Result<Json<Page<Mechanic>>, ApiError> {
    Ok(Json(
        list(&state, mount, "mechanics", "/mechanics", &params).await?,
    ))
}

/// List categories.
///
/// The categories vocabulary with the number of active games in each, ordered by slug.
#[utoipa::path(get, path = "/categories", tag = "taxonomy", operation_id = "listCategories",
    params(ListParams),
    responses(
        (status = 200, description = "A page of categories", body = Page<Category>),
        (status = 400, description = "Invalid `sort`, `order`, `limit` or `cursor`", body = ErrorResponse,
            content_type = "application/problem+json"),
    ))]
async fn list_categories(
    State(state): State<AppState>,
    mount: Mount,
    Query(params): Query<ListParams>,
) -> Result<Json<Page<Category>>, ApiError> {
    Ok(Json(
        list(&state, mount, "categories", "/categories", &params).await?,
    ))
}

/// List themes (extension).
///
/// The themes vocabulary with the number of active games in each, ordered by slug.
#[utoipa::path(get, path = "/themes", tag = "taxonomy", operation_id = "listThemes",
    params(ListParams),
    responses(
        (status = 200, description = "A page of themes", body = Page<Theme>),
        (status = 400, description = "Invalid `sort`, `order`, `limit` or `cursor`", body = ErrorResponse,
            content_type = "application/problem+json"),
    ))]
async fn list_themes(
    State(state): State<AppState>,
    mount: Mount,
    Query(params): Query<ListParams>,
) -> Result<Json<Page<Theme>>, ApiError> {
    Ok(Json(
        list(&state, mount, "themes", "/themes", &params).await?,
    ))
}
