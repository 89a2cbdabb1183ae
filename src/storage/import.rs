//! Writing a resolved [`Catalog`] to the database: one transaction, rows
//! upserted by their stable ids and slugs, the relations of every imported
//! game replaced, so re-importing the same data changes nothing.
//!
//! SQL comes from the sea-query builder; rows are sent in batches sized to the
//! bind-parameter limits of SQLite (32766) and PostgreSQL (65535).

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait, Value};
use uuid::Uuid;

use crate::catalog::derive;
use crate::catalog::ids::stable_id;
use crate::catalog::{Catalog, Known};

/// Reports progress: (what, rows done, rows in all).
pub type Progress<'a> = &'a (dyn Fn(&str, usize, usize) + Sync);

const MAX_PARAMS: usize = 30_000;
const MAX_ROWS: usize = 1_000;

/// Slugs and ids the database holds already.
pub async fn known<C: ConnectionTrait>(db: &C) -> Result<Known, DbErr> {
    async fn slugs<C: ConnectionTrait>(
        db: &C,
        table: &str,
    ) -> Result<HashMap<String, Uuid>, DbErr> {
        let stmt = Query::select()
            .columns([Alias::new("slug"), Alias::new("id")])
            .from(Alias::new(table))
            .to_owned();
        db.query_all(&stmt)
            .await?
            .iter()
            .map(|row| Ok((row.try_get("", "slug")?, row.try_get("", "id")?)))
            .collect()
    }
    let mut known = Known {
        mechanics: slugs(db, "mechanics").await?,
        categories: slugs(db, "categories").await?,
        themes: slugs(db, "themes").await?,
        people: slugs(db, "people").await?,
        publishers: slugs(db, "publishers").await?,
        families: slugs(db, "families").await?,
        awards: slugs(db, "awards").await?,
        ..Known::default()
    };
    let stmt = Query::select()
        .columns([
            Alias::new("kind"),
            Alias::new("alias"),
            Alias::new("canonical_slug"),
        ])
        .from(Alias::new("taxonomy_synonyms"))
        .to_owned();
    for row in db.query_all(&stmt).await? {
        known.synonyms.insert(
            (row.try_get("", "kind")?, row.try_get("", "alias")?),
            row.try_get("", "canonical_slug")?,
        );
    }
    let stmt = Query::select()
        .columns([
            Alias::new("slug"),
            Alias::new("id"),
            Alias::new("parent_game_id"),
        ])
        .from(Alias::new("games"))
        .to_owned();
    for row in db.query_all(&stmt).await? {
        known.games.insert(
            row.try_get("", "slug")?,
            (row.try_get("", "id")?, row.try_get("", "parent_game_id")?),
        );
    }
    Ok(known)
}

/// Whether the catalog tables hold no game and no taxonomy yet.
pub async fn is_empty<C: ConnectionTrait>(db: &C) -> Result<bool, DbErr> {
    for table in ["games", "mechanics"] {
        let stmt = Query::select()
            .expr(Expr::cust("COUNT(*)"))
            .from(Alias::new(table))
            .to_owned();
        let row = db.query_one(&stmt).await?;
        let n: i64 = match row {
            Some(row) => row.try_get_by_index(0)?,
            None => 0,
        };
        if n > 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

fn json<T: serde::Serialize>(v: &T) -> Value {
    Value::Json(Some(Box::new(
        serde_json::to_value(v).expect("plain data serialises"),
    )))
}

fn opt_json<T: serde::Serialize>(v: Option<&T>) -> Value {
    match v {
        Some(v) => json(v),
        None => Value::Json(None),
    }
}

fn int(v: i64) -> Value {
    Value::from(v as i32)
}

fn opt_int(v: Option<i64>) -> Value {
    Value::from(v.map(|v| v as i32))
}

fn text(v: &str) -> Value {
    Value::from(v.to_string())
}

fn opt_text(v: Option<&String>) -> Value {
    Value::from(v.cloned())
}

/// One table's rows, written in batches.
struct Rows {
    table: &'static str,
    columns: Vec<&'static str>,
    /// Conflict target; empty for plain inserts.
    conflict: Vec<&'static str>,
    /// Columns left alone when the row exists (ids, creation times).
    keep: Vec<&'static str>,
    rows: Vec<Vec<Value>>,
}

impl Rows {
    fn new(table: &'static str, columns: &[&'static str]) -> Rows {
        Rows {
            table,
            columns: columns.to_vec(),
            conflict: Vec::new(),
            keep: Vec::new(),
            rows: Vec::new(),
        }
    }

    fn upsert(mut self, conflict: &[&'static str], keep: &[&'static str]) -> Rows {
        self.conflict = conflict.to_vec();
        self.keep = keep.to_vec();
        self
    }

    fn push(&mut self, row: Vec<Value>) {
        self.rows.push(row);
    }

    async fn write<C: ConnectionTrait>(self, db: &C, progress: Progress<'_>) -> Result<(), DbErr> {
        let total = self.rows.len();
        debug_assert!(
            self.rows.iter().all(|r| r.len() == self.columns.len()),
            "{}: row and column counts differ",
            self.table
        );
        let per_batch = (MAX_PARAMS / self.columns.len()).clamp(1, MAX_ROWS);
        let update: Vec<Alias> = self
            .columns
            .iter()
            .filter(|c| !self.conflict.contains(c) && !self.keep.contains(c))
            .map(|c| Alias::new(*c))
            .collect();
        let mut done = 0;
        let mut rows = self.rows.into_iter().peekable();
        while rows.peek().is_some() {
            let mut stmt = Query::insert();
            stmt.into_table(Alias::new(self.table))
                .columns(self.columns.iter().map(|c| Alias::new(*c)));
            let mut n = 0;
            for row in rows.by_ref().take(per_batch) {
                stmt.values_panic(row.into_iter().map(Expr::val));
                n += 1;
            }
            if !self.conflict.is_empty() {
                let mut on_conflict =
                    OnConflict::columns(self.conflict.iter().map(|c| Alias::new(*c)));
                if update.is_empty() {
                    on_conflict.do_nothing();
                } else {
                    on_conflict.update_columns(update.clone());
                }
                stmt.on_conflict(on_conflict);
            }
            db.execute(&stmt).await?;
            done += n;
            progress(self.table, done, total);
        }
        Ok(())
    }
}

/// Deletes the rows of `table` whose `column` is one of `ids`.
async fn delete_where_in<C: ConnectionTrait>(
    db: &C,
    table: &str,
    column: &str,
    ids: &[Uuid],
) -> Result<(), DbErr> {
    for chunk in ids.chunks(MAX_ROWS * 5) {
        let stmt = Query::delete()
            .from_table(Alias::new(table))
            .and_where(Expr::col(Alias::new(column)).is_in(chunk.iter().copied()))
            .to_owned();
        db.execute(&stmt).await?;
    }
    Ok(())
}

/// Recomputes `game_count` (active games) on the vocabulary, people,
/// publishers and families.
pub async fn refresh_game_counts<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    for (table, join_table, column) in [
        ("mechanics", "game_mechanics", "mechanic_id"),
        ("categories", "game_categories", "category_id"),
        ("themes", "game_themes", "theme_id"),
        ("people", "game_designers", "person_id"),
        ("publishers", "game_publishers", "publisher_id"),
        ("families", "game_families", "family_id"),
    ] {
        let count = Query::select()
            .expr(Expr::cust("COUNT(*)"))
            .from_as(Alias::new(join_table), Alias::new("j"))
            .inner_join(
                Alias::new("games"),
                Expr::col((Alias::new("games"), Alias::new("id")))
                    .equals((Alias::new("j"), Alias::new("game_id"))),
            )
            .and_where(
                Expr::col((Alias::new("j"), Alias::new(column)))
                    .equals((Alias::new(table), Alias::new("id"))),
            )
            .and_where(Expr::col((Alias::new("games"), Alias::new("status"))).eq("active"))
            .to_owned();
        let stmt = Query::update()
            .table(Alias::new(table))
            .value(Alias::new("game_count"), count)
            .to_owned();
        db.execute(&stmt).await?;
    }
    Ok(())
}

/// Parents before children, so foreign keys hold batch by batch.
fn parent_first(catalog: &Catalog) -> Vec<usize> {
    let index: HashMap<Uuid, usize> = catalog
        .games
        .iter()
        .enumerate()
        .map(|(i, g)| (g.id, i))
        .collect();
    let mut placed = HashSet::new();
    let mut order = Vec::with_capacity(catalog.games.len());
    fn visit(
        i: usize,
        catalog: &Catalog,
        index: &HashMap<Uuid, usize>,
        placed: &mut HashSet<usize>,
        order: &mut Vec<usize>,
        depth: usize,
    ) {
        if placed.contains(&i) || depth > 64 {
            return;
        }
        if let Some(parent) = catalog.games[i].parent_game_id.and_then(|p| index.get(&p)) {
            visit(*parent, catalog, index, placed, order, depth + 1);
        }
        if placed.insert(i) {
            order.push(i);
        }
    }
    for i in 0..catalog.games.len() {
        visit(i, catalog, &index, &mut placed, &mut order, 0);
    }
    order
}

/// Writes the catalog in one transaction: all of it, or (on any error) none.
pub async fn write(
    db: &DatabaseConnection,
    catalog: &Catalog,
    progress: Progress<'_>,
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    write_all(&txn, catalog, progress).await?;
    txn.commit().await
}

async fn write_all<C: ConnectionTrait>(
    db: &C,
    c: &Catalog,
    progress: Progress<'_>,
) -> Result<(), DbErr> {
    let now = Value::from(Utc::now());

    // Taxonomy.
    for (table, terms) in [
        ("mechanics", &c.mechanics),
        ("categories", &c.categories),
        ("themes", &c.themes),
    ] {
        let mut columns = vec!["id", "slug", "name", "description", "bgg_id", "bgg_ids"];
        match table {
            "mechanics" => columns.extend(["ancestor_slugs", "children_slugs"]),
            "themes" => columns.push("parent_slug"),
            _ => {}
        }
        columns.extend(["created_at", "updated_at"]);
        let mut rows =
            Rows::new(table, &columns).upsert(&["slug"], &["id", "created_at", "updated_at"]);
        for t in terms {
            let mut row = vec![
                t.id.into(),
                text(&t.slug),
                text(&t.name),
                opt_text(t.description.as_ref()),
                opt_int(t.bgg_ids.first().copied()),
                json(&t.bgg_ids),
            ];
            match table {
                "mechanics" => row.extend([json(&t.ancestor_slugs), json(&t.children_slugs)]),
                "themes" => row.push(opt_text(t.parent_slug.as_ref())),
                _ => {}
            }
            row.extend([now.clone(), now.clone()]);
            rows.push(row);
        }
        rows.write(db, progress).await?;
    }
    let mut rows = Rows::new("taxonomy_synonyms", &["kind", "alias", "canonical_slug"])
        .upsert(&["kind", "alias"], &[]);
    for (kind, alias, canonical) in &c.synonyms {
        rows.push(vec![text(kind), text(alias), text(canonical)]);
    }
    rows.write(db, progress).await?;

    // People, publishers, families, awards.
    for (table, entities, extra) in [
        ("people", &c.people, &["bgg_id"][..]),
        (
            "publishers",
            &c.publishers,
            &["country", "website", "bgg_id"][..],
        ),
        ("families", &c.families, &["bgg_id"][..]),
        ("awards", &c.awards, &["organization", "website"][..]),
    ] {
        let mut columns = vec!["id", "slug", "name", "description"];
        columns.extend(extra);
        columns.extend(["created_at", "updated_at"]);
        let mut rows =
            Rows::new(table, &columns).upsert(&["slug"], &["id", "created_at", "updated_at"]);
        for e in entities {
            let mut row = vec![
                e.id.into(),
                text(&e.slug),
                text(&e.name),
                opt_text(e.description.as_ref()),
            ];
            for column in extra {
                row.push(match *column {
                    "bgg_id" => opt_int(e.bgg_id),
                    "country" => opt_text(e.country.as_ref()),
                    "website" => opt_text(e.website.as_ref()),
                    _ => opt_text(e.organization.as_ref()),
                });
            }
            row.extend([now.clone(), now.clone()]);
            rows.push(row);
        }
        rows.write(db, progress).await?;
    }

    // Games.
    const GAME_COLUMNS: &[&str] = &[
        "id",
        "slug",
        "name",
        "sort_name",
        "type",
        "parent_game_id",
        "year_published",
        "description",
        "description_short",
        "min_players",
        "max_players",
        "min_playtime_minutes",
        "max_playtime_minutes",
        "community_playtime_min_minutes",
        "community_playtime_max_minutes",
        "community_playtime_median_minutes",
        "min_age",
        "community_suggested_age",
        "weight",
        "weight_votes",
        "average_rating",
        "bayes_rating",
        "rating_count",
        "rating_stddev",
        "rating_distribution",
        "rank_overall",
        "owner_count",
        "wishlist_count",
        "total_plays",
        "mode",
        "language_dependence",
        "funding_source",
        "status",
        "image_url",
        "thumbnail_url",
        "bgg_id",
        "best_at",
        "recommended_at",
        "experience_multipliers",
        "created_at",
        "updated_at",
    ];
    // Derived per game: best-at / recommended-at lists (D3) and multipliers (D34).
    let mut ratings_of: HashMap<Uuid, Vec<(i64, f64)>> = HashMap::new();
    for r in &c.ratings {
        ratings_of
            .entry(r.game_id)
            .or_default()
            .push((r.player_count, r.average_rating));
    }
    let mut levels_of: HashMap<Uuid, Vec<(&str, i64, i64)>> = HashMap::new();
    for l in &c.levels {
        levels_of.entry(l.game_id).or_default().push((
            l.experience_level.as_str(),
            l.median_minutes,
            l.total_reports,
        ));
    }
    let mut rows = Rows::new("games", GAME_COLUMNS).upsert(&["id"], &["created_at", "updated_at"]);
    for i in parent_first(c) {
        let g = &c.games[i];
        rows.push(vec![
            g.id.into(),
            text(&g.slug),
            text(&g.name),
            text(&g.sort_name),
            text(&g.game_type),
            Value::from(g.parent_game_id),
            opt_int(g.year_published),
            opt_text(g.description.as_ref()),
            opt_text(g.description_short.as_ref()),
            opt_int(g.min_players),
            opt_int(g.max_players),
            opt_int(g.min_playtime_minutes),
            opt_int(g.max_playtime_minutes),
            opt_int(g.community_playtime_min_minutes),
            opt_int(g.community_playtime_max_minutes),
            opt_int(g.community_playtime_median_minutes),
            opt_int(g.min_age),
            opt_int(g.community_suggested_age),
            Value::from(g.weight),
            opt_int(g.weight_votes),
            Value::from(g.average_rating),
            Value::from(g.bayes_rating),
            opt_int(g.rating_count),
            Value::from(g.rating_stddev),
            opt_json(g.rating_distribution.as_ref()),
            opt_int(g.rank_overall),
            opt_int(g.owner_count),
            opt_int(g.wishlist_count),
            opt_int(g.total_plays),
            opt_text(g.mode.as_ref()),
            opt_text(g.language_dependence.as_ref()),
            opt_text(g.funding_source.as_ref()),
            text(&g.status),
            opt_text(g.image_url.as_ref()),
            opt_text(g.thumbnail_url.as_ref()),
            opt_int(g.bgg_id),
        ]);
        let (best, recommended) =
            derive::player_count_lists(ratings_of.get(&g.id).map(Vec::as_slice).unwrap_or(&[]));
        let multipliers = levels_of
            .get(&g.id)
            .and_then(|l| derive::multipliers(l))
            .map(|m| {
                m.iter()
                    .map(|(level, v)| (level.to_string(), serde_json::json!(v)))
                    .collect::<serde_json::Map<_, _>>()
            });
        let row = rows.rows.last_mut().expect("just pushed");
        row.extend([
            json(&best),
            json(&recommended),
            opt_json(multipliers.as_ref()),
            now.clone(),
            now.clone(),
        ]);
    }
    rows.write(db, progress).await?;

    // Relations of the imported games: replaced.
    let game_ids: Vec<Uuid> = c.games.iter().map(|g| g.id).collect();
    for table in [
        "game_mechanics",
        "game_categories",
        "game_themes",
        "game_designers",
        "game_artists",
        "game_publishers",
        "game_families",
        "game_credits",
        "game_awards",
        "alternate_names",
        "game_identifiers",
        "player_count_ratings",
        "experience_playtime_polls",
        "game_editions",
    ] {
        delete_where_in(db, table, "game_id", &game_ids).await?;
    }
    delete_where_in(db, "property_modifications", "base_game_id", &game_ids).await?;
    delete_where_in(db, "expansion_combinations", "base_game_id", &game_ids).await?;
    delete_where_in(db, "game_relationships", "source_game_id", &game_ids).await?;

    for (table, column, pick) in [
        ("game_mechanics", "mechanic_id", 0),
        ("game_categories", "category_id", 1),
        ("game_themes", "theme_id", 2),
        ("game_families", "family_id", 3),
    ] {
        let mut rows = Rows::new(table, &["game_id", column]);
        for g in &c.games {
            let ids = match pick {
                0 => &g.mechanics,
                1 => &g.categories,
                2 => &g.themes,
                _ => &g.families,
            };
            for id in ids {
                rows.push(vec![g.id.into(), (*id).into()]);
            }
        }
        rows.write(db, progress).await?;
    }
    for (table, column, pick) in [
        ("game_designers", "person_id", 0),
        ("game_artists", "person_id", 1),
        ("game_publishers", "publisher_id", 2),
    ] {
        let mut rows = Rows::new(table, &["game_id", column, "ordinal"]);
        for g in &c.games {
            let ids = match pick {
                0 => &g.designers,
                1 => &g.artists,
                _ => &g.publishers,
            };
            for (ordinal, id) in ids.iter().enumerate() {
                rows.push(vec![g.id.into(), (*id).into(), int(ordinal as i64)]);
            }
        }
        rows.write(db, progress).await?;
    }
    let mut credits = Rows::new("game_credits", &["game_id", "person_id", "role"]);
    let mut awards = Rows::new(
        "game_awards",
        &["id", "game_id", "award_id", "year", "result", "category"],
    );
    let mut names = Rows::new(
        "alternate_names",
        &["id", "game_id", "name", "language", "is_primary", "source"],
    );
    let mut identifiers = Rows::new("game_identifiers", &["game_id", "source", "value"]);
    for g in &c.games {
        for (person, role) in &g.credits {
            credits.push(vec![g.id.into(), (*person).into(), text(role)]);
        }
        for (award, year, result, category) in &g.awards {
            let key = format!(
                "{}:{award}:{year}:{result}:{}",
                g.id,
                category.as_deref().unwrap_or("")
            );
            awards.push(vec![
                stable_id("game-award", &key).into(),
                g.id.into(),
                (*award).into(),
                int(*year),
                text(result),
                opt_text(category.as_ref()),
            ]);
        }
        for (i, n) in g.alternate_names.iter().enumerate() {
            let key = format!("{}:{i}:{}", g.id, n.name);
            names.push(vec![
                stable_id("alternate-name", &key).into(),
                g.id.into(),
                text(&n.name),
                opt_text(n.language.as_ref()),
                Value::from(n.is_primary),
                opt_text(n.source.as_ref()),
            ]);
        }
        for (source, value) in &g.identifiers {
            identifiers.push(vec![g.id.into(), text(source), text(value)]);
        }
    }
    credits.write(db, progress).await?;
    awards.write(db, progress).await?;
    names.write(db, progress).await?;
    identifiers.write(db, progress).await?;

    // Community data.
    let mut rows = Rows::new(
        "player_count_ratings",
        &[
            "game_id",
            "player_count",
            "average_rating",
            "rating_count",
            "rating_stddev",
        ],
    );
    for r in &c.ratings {
        rows.push(vec![
            r.game_id.into(),
            int(r.player_count),
            Value::from(r.average_rating),
            int(r.rating_count),
            Value::from(r.rating_stddev),
        ]);
    }
    rows.write(db, progress).await?;
    let mut rows = Rows::new(
        "experience_playtime_polls",
        &[
            "game_id",
            "experience_level",
            "median_minutes",
            "min_minutes",
            "max_minutes",
            "total_reports",
        ],
    );
    for l in &c.levels {
        rows.push(vec![
            l.game_id.into(),
            text(&l.experience_level),
            int(l.median_minutes),
            opt_int(l.min_minutes),
            opt_int(l.max_minutes),
            int(l.total_reports),
        ]);
    }
    rows.write(db, progress).await?;

    // Expansion model.
    let mut rows = Rows::new(
        "property_modifications",
        &[
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
        ],
    );
    for m in &c.modifications {
        rows.push(vec![
            m.base_game_id.into(),
            m.expansion_id.into(),
            int(m.min_players_delta),
            int(m.max_players_delta),
            int(m.playtime_min_delta),
            int(m.playtime_max_delta),
            int(m.min_age_delta),
            Value::from(m.weight_delta),
            json(&m.best_at_delta),
            opt_text(m.description.as_ref()),
        ]);
    }
    rows.write(db, progress).await?;
    let mut rows = Rows::new(
        "expansion_combinations",
        &[
            "id",
            "base_game_id",
            "expansion_key",
            "expansion_count",
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
            "created_at",
            "updated_at",
        ],
    );
    let mut members = Rows::new(
        "expansion_combination_members",
        &["combination_id", "expansion_id", "ordinal"],
    );
    for m in &c.combinations {
        rows.push(vec![
            m.id.into(),
            m.base_game_id.into(),
            text(&m.expansion_key()),
            int(m.expansion_ids.len() as i64),
            text(&m.source),
            opt_int(m.effective_min_players),
            opt_int(m.effective_max_players),
            opt_json(m.effective_best_at.as_ref()),
            opt_json(m.effective_recommended_at.as_ref()),
            Value::from(m.effective_weight),
            opt_int(m.effective_playtime_min),
            opt_int(m.effective_playtime_max),
            opt_int(m.effective_min_age),
            opt_json(m.experience_playtime.as_ref()),
            now.clone(),
            now.clone(),
        ]);
        for (ordinal, id) in m.expansion_ids.iter().enumerate() {
            members.push(vec![m.id.into(), (*id).into(), int(ordinal as i64)]);
        }
    }
    rows.write(db, progress).await?;
    members.write(db, progress).await?;
    let mut rows = Rows::new(
        "game_relationships",
        &[
            "source_game_id",
            "target_game_id",
            "relationship_type",
            "metadata",
            "ordinal",
        ],
    )
    .upsert(
        &["source_game_id", "target_game_id", "relationship_type"],
        &[],
    );
    for r in &c.relationships {
        rows.push(vec![
            r.source.into(),
            r.target.into(),
            text(&r.relationship_type),
            opt_json(r.metadata.as_ref()),
            opt_int(r.ordinal),
        ]);
    }
    rows.write(db, progress).await?;

    // Editions.
    let mut rows = Rows::new(
        "game_editions",
        &[
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
            "created_at",
            "updated_at",
        ],
    );
    let mut publishers = Rows::new(
        "edition_publishers",
        &["edition_id", "publisher_id", "ordinal"],
    );
    let mut artists = Rows::new("edition_artists", &["edition_id", "person_id", "ordinal"]);
    let mut deltas = Rows::new(
        "edition_deltas",
        &[
            "edition_id",
            "game_id",
            "min_players_delta",
            "max_players_delta",
            "playtime_min_delta",
            "playtime_max_delta",
            "weight_delta",
            "best_at_delta",
            "rules_changes",
            "component_changes",
            "description",
        ],
    );
    for e in &c.editions {
        rows.push(vec![
            e.id.into(),
            e.game_id.into(),
            opt_text(e.slug.as_ref()),
            text(&e.name),
            opt_int(e.year_published),
            opt_text(e.language.as_ref()),
            opt_json(e.product_codes.as_ref()),
            opt_json(e.dimensions.as_ref()),
            opt_json(e.box_weight.as_ref()),
            opt_text(e.release_status.as_ref()),
            Value::from(e.release_date),
            opt_text(e.image_url.as_ref()),
            opt_text(e.thumbnail_url.as_ref()),
            opt_text(e.notes.as_ref()),
            Value::from(e.is_canonical),
            now.clone(),
            now.clone(),
        ]);
        for (ordinal, id) in e.publishers.iter().enumerate() {
            publishers.push(vec![e.id.into(), (*id).into(), int(ordinal as i64)]);
        }
        for (ordinal, id) in e.artists.iter().enumerate() {
            artists.push(vec![e.id.into(), (*id).into(), int(ordinal as i64)]);
        }
        if let Some(d) = &e.deltas {
            deltas.push(vec![
                e.id.into(),
                e.game_id.into(),
                int(d.min_players_delta),
                int(d.max_players_delta),
                int(d.playtime_min_delta),
                int(d.playtime_max_delta),
                Value::from(d.weight_delta),
                json(&d.best_at_delta),
                opt_text(d.rules_changes.as_ref()),
                opt_text(d.component_changes.as_ref()),
                opt_text(d.description.as_ref()),
            ]);
        }
    }
    rows.write(db, progress).await?;
    publishers.write(db, progress).await?;
    artists.write(db, progress).await?;
    deltas.write(db, progress).await?;

    // Canonical editions of the imported games.
    let canonical: HashMap<Uuid, Uuid> = c
        .editions
        .iter()
        .filter(|e| e.is_canonical)
        .map(|e| (e.game_id, e.id))
        .collect();
    for chunk in game_ids.chunks(MAX_ROWS * 5) {
        let stmt = Query::update()
            .table(Alias::new("games"))
            .value(Alias::new("canonical_edition_id"), Value::Uuid(None))
            .and_where(Expr::col(Alias::new("canonical_edition_id")).is_not_null())
            .and_where(Expr::col(Alias::new("id")).is_in(chunk.iter().copied()))
            .to_owned();
        db.execute(&stmt).await?;
    }
    for (game, edition) in canonical {
        canonical_update(db, game, edition).await?;
    }
    refresh_game_counts(db).await?;
    // Effective-mode candidates follow from the expansion data just written.
    super::effective::materialize(db).await?;
    Ok(())
}

async fn canonical_update<C: ConnectionTrait>(
    db: &C,
    game: Uuid,
    edition: Uuid,
) -> Result<(), DbErr> {
    let stmt = Query::update()
        .table(Alias::new("games"))
        .value(Alias::new("canonical_edition_id"), edition)
        .and_where(Expr::col(Alias::new("id")).eq(game))
        .to_owned();
    db.execute(&stmt).await?;
    Ok(())
}
