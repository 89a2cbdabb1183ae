//! `GET /export/games`: every matching game as JSON Lines or CSV, streamed in
//! keyset batches so memory stays bounded whatever the catalog size (D18).
//!
//! The row count is counted first, so it is in `X-Export-Row-Count` before
//! the first byte of the body; rows are then read `BATCH` at a time in name
//! order, each batch continuing after the last row of the previous one.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::error::{ApiError, ErrorResponse, ValidationError};
use super::game_dto::{Game, core};
use super::game_list::{FilterParams, Naming, Pairs, raw_filter, resolve_ids, validate};
use super::{AppState, Mount};
use crate::domain::filters::{Direction, GET_DEFAULTS, GameQuery, Sort, SortKey};
use crate::storage::game_query::{self, Boundary, PageRow, ResolvedIds, related};

/// Rows read per database round trip.
const BATCH: u64 = 500;

/// Version of the OpenTabletop schema the rows follow.
pub const SCHEMA_VERSION: &str = "0.1.0";

/// The first line of a JSON Lines export.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportManifest {
    #[schema(value_type = ExportFormat)]
    pub format: String,
    /// Data rows (not counting this line or a CSV header).
    #[schema(minimum = 0)]
    pub row_count: u64,
    /// SemVer of the schema the rows follow.
    pub schema_version: String,
    pub generated_at: chrono::DateTime<chrono::Utc>,
    /// The filters, in words, by dimension; `{}` for a full export.
    pub filters_applied: BTreeMap<String, String>,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Jsonl,
    Csv,
}

/// `format` of an export.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameter; parsing is `Pairs`
pub struct FormatParams {
    /// `jsonl` (default): the manifest, then one Game per line; `csv`: a
    /// header row, then one game per row (lists pipe-joined).
    #[param(inline)]
    format: Option<ExportFormat>,
}

/// The CSV columns: the contract's example columns first, then the other
/// scalar fields, then the game's mechanic, category and theme slugs.
pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "slug",
    "name",
    "type",
    "year_published",
    "min_players",
    "max_players",
    "weight",
    "average_rating",
    "sort_name",
    "parent_game_id",
    "description_short",
    "description",
    "min_playtime_minutes",
    "max_playtime_minutes",
    "community_playtime_min_minutes",
    "community_playtime_max_minutes",
    "community_playtime_median_minutes",
    "min_age",
    "weight_votes",
    "rating_distribution",
    "rating_stddev",
    "bayes_rating",
    "rating_count",
    "rank_overall",
    "owner_count",
    "wishlist_count",
    "total_plays",
    "community_suggested_age",
    "language_dependence",
    "mode",
    "image_url",
    "thumbnail_url",
    "bgg_id",
    "funding_source",
    "canonical_edition_id",
    "status",
    "created_at",
    "updated_at",
    "mechanics",
    "categories",
    "themes",
];

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn csv_record(g: &Game, terms: [&[String]; 3]) -> Vec<String> {
    vec![
        g.id.to_string(),
        g.slug.clone(),
        g.name.clone(),
        g.game_type.clone(),
        opt(&g.year_published),
        opt(&g.min_players),
        opt(&g.max_players),
        opt(&g.weight),
        opt(&g.average_rating),
        g.sort_name.clone(),
        opt(&g.parent_game_id),
        opt(&g.description_short),
        opt(&g.description),
        opt(&g.min_playtime_minutes),
        opt(&g.max_playtime_minutes),
        opt(&g.community_playtime_min_minutes),
        opt(&g.community_playtime_max_minutes),
        opt(&g.community_playtime_median_minutes),
        opt(&g.min_age),
        opt(&g.weight_votes),
        g.rating_distribution
            .as_ref()
            .map(|d| {
                d.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .unwrap_or_default(),
        opt(&g.rating_stddev),
        opt(&g.bayes_rating),
        opt(&g.rating_count),
        opt(&g.rank_overall),
        opt(&g.owner_count),
        opt(&g.wishlist_count),
        opt(&g.total_plays),
        opt(&g.community_suggested_age),
        opt(&g.language_dependence),
        opt(&g.mode),
        opt(&g.image_url),
        opt(&g.thumbnail_url),
        opt(&g.bgg_id),
        opt(&g.funding_source),
        opt(&g.canonical_edition_id),
        g.status.clone(),
        g.created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        g.updated_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        terms[0].join("|"),
        terms[1].join("|"),
        terms[2].join("|"),
    ]
}

fn csv_line(fields: &[String]) -> Result<Vec<u8>, ApiError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(fields)
        .map_err(|e| ApiError::Internal(format!("csv: {e}")))?;
    w.into_inner()
        .map_err(|e| ApiError::Internal(format!("csv: {e}")))
}

/// What the stream needs between batches.
struct Cursor {
    state: AppState,
    query: Arc<GameQuery>,
    ids: Arc<ResolvedIds>,
    format: ExportFormat,
    after: Option<Boundary>,
    preamble: Option<Bytes>,
    done: bool,
}

/// Slugs of the mechanics, categories and themes of a batch, by game.
async fn batch_terms(
    conn: &sea_orm::DatabaseConnection,
    ids: &[Uuid],
) -> Result<[BTreeMap<Uuid, Vec<String>>; 3], sea_orm::DbErr> {
    let mut out: [BTreeMap<Uuid, Vec<String>>; 3] = Default::default();
    for (i, (link, column, table)) in [
        ("game_mechanics", "mechanic_id", "mechanics"),
        ("game_categories", "category_id", "categories"),
        ("game_themes", "theme_id", "themes"),
    ]
    .into_iter()
    .enumerate()
    {
        for a in related::attached(conn, link, column, table, false, ids).await? {
            out[i].entry(a.game_id).or_default().push(a.slug);
        }
    }
    Ok(out)
}

async fn next_chunk(mut c: Cursor) -> Option<(Result<Bytes, std::io::Error>, Cursor)> {
    if let Some(preamble) = c.preamble.take() {
        return Some((Ok(preamble), c));
    }
    if c.done {
        return None;
    }
    let (query, ids, after, csv) = (
        c.query.clone(),
        c.ids.clone(),
        c.after.clone(),
        c.format == ExportFormat::Csv,
    );
    let fetched = c
        .state
        .db
        .read(|conn| {
            let (query, ids, after) = (query.clone(), ids.clone(), after.clone());
            async move {
                let rows: Vec<PageRow> =
                    game_query::batch_after(&conn, &query, &ids, after.as_ref(), BATCH).await?;
                let terms = if csv {
                    let batch: Vec<Uuid> = rows.iter().map(|r| r.game.id).collect();
                    batch_terms(&conn, &batch).await?
                } else {
                    Default::default()
                };
                Ok((rows, terms))
            }
        })
        .await;
    let (rows, terms) = match fetched {
        Ok(v) => v,
        Err(e) => {
            // The status line is gone: all we can do is cut the body short,
            // which a client sees as a truncated (failed) transfer.
            tracing::error!(error = %e, "export aborted");
            c.done = true;
            return Some((Err(std::io::Error::other(e.to_string())), c));
        }
    };
    if (rows.len() as u64) < BATCH {
        c.done = true;
    }
    if let Some(last) = rows.last() {
        c.after = Some(Boundary {
            value: last.sort_value.clone(),
            id: last.game.id,
        });
    } else {
        return None;
    }
    let mut out = Vec::with_capacity(rows.len() * 512);
    for row in &rows {
        let game = core(&row.game);
        if csv {
            let empty = Vec::new();
            let pick = |i: usize| terms[i].get(&row.game.id).unwrap_or(&empty).as_slice();
            match csv_line(&csv_record(&game, [pick(0), pick(1), pick(2)])) {
                Ok(line) => out.extend(line),
                Err(e) => return Some((Err(std::io::Error::other(e.to_string())), c)),
            }
        } else {
            match serde_json::to_writer(&mut out, &game) {
                Ok(()) => out.push(b'\n'),
                Err(e) => return Some((Err(std::io::Error::other(e)), c)),
            }
        }
    }
    Some((Ok(Bytes::from(out)), c))
}

/// Export games.
///
/// Every active game matching the filters (the same as GET `/games`), in
/// name order, streamed: JSON Lines (`application/jsonl`, the
/// ExportManifest on line 1, then one Game per line) or CSV (`text/csv`,
/// header row first, list fields pipe-joined). The row count is known before
/// the first byte. `playtime_experience` is accepted too (extension), as on
/// GET `/games`.
#[utoipa::path(get, path = "/export/games", tag = "export", operation_id = "exportGames",
    params(FormatParams, FilterParams, super::game_list::ExperienceParams),
    responses(
        (status = 200, description = "The export, streamed",
            content(
                (String = "application/jsonl"),
                (String = "text/csv"),
            ),
            headers(
                ("X-Export-Format" = ExportFormat, description = "`jsonl` or `csv`"),
                ("X-Export-Row-Count" = i64, description = "Data rows in the body (no header, no manifest)"),
                ("X-Export-Schema-Version" = String, description = "SemVer of the schema the rows follow"),
                ("X-Export-Generated-At" = String, description = "When the export was made (UTC, RFC 3339)"),
                ("Content-Disposition" = String, description = "Suggested file name"),
            )),
        (status = 400, description = "Invalid parameter", body = ErrorResponse,
            content_type = "application/problem+json"),
        (status = 422, description = "Unknown slug", body = ErrorResponse,
            content_type = "application/problem+json"),
    ))]
pub async fn export_games(
    State(state): State<AppState>,
    _mount: Mount,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let pairs = Pairs::parse(raw.as_deref())?;
    let mut errors = Vec::new();
    let format = match pairs.required_value("format", &mut errors).as_deref() {
        None | Some("jsonl") => ExportFormat::Jsonl,
        Some("csv") => ExportFormat::Csv,
        Some(other) => {
            errors.push(ValidationError::new(
                "format",
                format!("'{other}' is not one of: jsonl, csv"),
                "invalid_value",
            ));
            ExportFormat::Jsonl
        }
    };
    let mut filter = raw_filter(&pairs, &mut errors);
    // The export has its own, fixed order.
    filter.sort = None;
    filter.order = None;
    let mut query = validate(&filter, GET_DEFAULTS, Naming::Query, errors)?;
    query.sort = Sort {
        key: SortKey::Name,
        direction: Direction::Asc,
    };
    let ids = resolve_ids(&state, &query, Naming::Query).await?;
    let (q, i) = (&query, &ids);
    let row_count = state
        .db
        .read(|conn| async move { game_query::count(&conn, q, i).await })
        .await?;
    let generated_at = chrono::Utc::now();
    let stamp = generated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (ext, media, preamble) = match format {
        ExportFormat::Jsonl => {
            let manifest = ExportManifest {
                format: "jsonl".into(),
                row_count,
                schema_version: SCHEMA_VERSION.into(),
                generated_at,
                filters_applied: query.filter.summary(),
            };
            let mut line = serde_json::to_vec(&manifest)
                .map_err(|e| ApiError::Internal(format!("manifest: {e}")))?;
            line.push(b'\n');
            ("jsonl", "application/jsonl", line)
        }
        ExportFormat::Csv => {
            let header: Vec<String> = CSV_COLUMNS.iter().map(|c| c.to_string()).collect();
            ("csv", "text/csv; charset=utf-8", csv_line(&header)?)
        }
    };
    metrics::counter!("export_requests_total", "format" => ext).increment(1);
    let cursor = Cursor {
        state: state.clone(),
        query: Arc::new(query),
        ids: Arc::new(ids),
        format,
        after: None,
        preamble: Some(Bytes::from(preamble)),
        done: false,
    };
    // Fused: the compression layer may poll once more after the end.
    let body = Body::from_stream(futures_util::StreamExt::fuse(futures_util::stream::unfold(
        cursor, next_chunk,
    )));
    let file = format!(
        "attachment; filename=\"opentabletop-games-{}.{ext}\"",
        generated_at.format("%Y%m%dT%H%M%SZ")
    );
    let mut response = body.into_response();
    let h = response.headers_mut();
    let value = |s: &str| HeaderValue::from_str(s).unwrap_or(HeaderValue::from_static(""));
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    h.insert("x-export-format", HeaderValue::from_static(ext));
    h.insert("x-export-row-count", value(&row_count.to_string()));
    h.insert(
        "x-export-schema-version",
        HeaderValue::from_static(SCHEMA_VERSION),
    );
    h.insert("x-export-generated-at", value(&stamp));
    h.insert(header::CONTENT_DISPOSITION, value(&file));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        let line = csv_line(&["a".into(), "b,c".into(), "say \"hi\"\nthere".into()]).unwrap();
        assert_eq!(
            String::from_utf8(line).unwrap(),
            "a,\"b,c\",\"say \"\"hi\"\"\nthere\"\r\n"
        );
    }

    #[test]
    fn the_contract_columns_come_first() {
        assert_eq!(
            &CSV_COLUMNS[..9],
            [
                "id",
                "slug",
                "name",
                "type",
                "year_published",
                "min_players",
                "max_players",
                "weight",
                "average_rating"
            ]
        );
    }
}
