//! The games list as SQL: a [`GameFilter`] becomes one `WHERE` condition over
//! `games AS g`, the sort a keyset on `(sort value, id)`, both built with the
//! query builder (values are always bound, never formatted into SQL).
//!
//! Query plans, as `scripts/bench-games.sh` prints them (PostgreSQL 15,
//! 100,000 generated games; the six-dimension query `players=4
//! &playtime_max=120&weight_min=2&weight_max=3.5&mechanics=a,b&theme_not=c
//! &type=base_game`, 1,740 matches):
//! - the count reads the base games through `idx_games_type`, filters the
//!   numeric ranges on the rows, then hash semi-joins the mechanics on
//!   `idx_game_mechanics_reverse (mechanic_id, game_id)` and anti-joins the
//!   theme on `idx_game_themes_reverse`: 84 ms, 3,089 buffers. That count is
//!   the cost of a page, hence the count cache (`http::counts`);
//! - page 1 walks `idx_games_status_sort_name (status, sort_name, id)` in
//!   order, probing the link-table primary keys per row, and stops at
//!   `limit + 1`: 4.4 ms;
//! - later pages continue with a row-value keyset (`(sort_name, id) > ($1,
//!   $2)`), one index range, so a deep page or an export batch starts where
//!   the last one ended (0.8 ms per 500-row batch, against 61 ms with the
//!   equivalent OR of comparisons, which the planner scans from the start);
//! - PostgreSQL's cached generic plans estimate a handful of rows for these
//!   statements and probe per row, 3× (count) to 60× (page) slower; the pools
//!   set `plan_cache_mode = force_custom_plan` (`storage::pool_options`).

use std::collections::{BTreeMap, HashMap};

use sea_orm::sea_query::{
    Alias, Cond, Expr, ExprTrait, JoinType, NullOrdering, Order, Query, SelectStatement,
};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Iterable};
use serde_json::Value;
use uuid::Uuid;

use crate::domain::filters::{
    BEST_AT_THRESHOLD, Direction, ExperienceLevel, Field, GameFilter, GameQuery, PlaytimeSource,
    RECOMMENDED_AT_THRESHOLD, SortKey,
};
use crate::storage::entities::game;

fn g() -> Alias {
    Alias::new("g")
}

fn gcol(name: &str) -> Expr {
    Expr::col((g(), Alias::new(name)))
}

/// Ids of the terms and people a filter names, after resolution.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResolvedIds {
    pub mechanics: Vec<Uuid>,
    pub mechanics_all: Vec<Uuid>,
    pub mechanics_not: Vec<Uuid>,
    pub themes: Vec<Uuid>,
    pub theme_not: Vec<Uuid>,
    pub designers: Vec<Uuid>,
    pub publishers: Vec<Uuid>,
    pub families: Vec<Uuid>,
    pub categories: Vec<Uuid>,
}

/// A reference in a filter that names nothing (422, D10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRef {
    pub field: Field,
    pub value: String,
    pub what: &'static str,
}

/// What one vocabulary or entity table is for resolution.
struct Lookup {
    table: &'static str,
    /// `kind` in `taxonomy_synonyms` (vocabularies only).
    synonym_kind: Option<&'static str>,
    what: &'static str,
}

const MECHANICS: Lookup = Lookup {
    table: "mechanics",
    synonym_kind: Some("mechanic"),
    what: "mechanic",
};
const THEMES: Lookup = Lookup {
    table: "themes",
    synonym_kind: Some("theme"),
    what: "theme",
};
const CATEGORIES: Lookup = Lookup {
    table: "categories",
    synonym_kind: Some("category"),
    what: "category",
};
const PEOPLE: Lookup = Lookup {
    table: "people",
    synonym_kind: None,
    what: "designer",
};
const PUBLISHERS: Lookup = Lookup {
    table: "publishers",
    synonym_kind: None,
    what: "publisher",
};
const FAMILIES: Lookup = Lookup {
    table: "families",
    synonym_kind: None,
    what: "family",
};

/// Resolves slugs (or UUIDs, or vocabulary synonyms, D24) of one table.
async fn resolve_in<C: ConnectionTrait>(
    db: &C,
    lookup: &Lookup,
    values: &[String],
) -> Result<HashMap<String, Uuid>, DbErr> {
    let mut out = HashMap::new();
    if values.is_empty() {
        return Ok(out);
    }
    let ids: Vec<Uuid> = values
        .iter()
        .filter_map(|v| Uuid::parse_str(v).ok())
        .collect();
    let mut stmt = Query::select();
    stmt.columns([Alias::new("id"), Alias::new("slug")])
        .from(Alias::new(lookup.table))
        .cond_where(
            Cond::any()
                .add(Expr::col(Alias::new("slug")).is_in(values.iter().cloned()))
                .add(Expr::col(Alias::new("id")).is_in(ids)),
        );
    for row in db.query_all(&stmt).await? {
        let id: Uuid = row.try_get("", "id")?;
        let slug: String = row.try_get("", "slug")?;
        out.insert(slug, id);
        out.insert(id.to_string(), id);
    }
    let missing: Vec<String> = values
        .iter()
        .filter(|v| !out.contains_key(*v))
        .cloned()
        .collect();
    if let (Some(kind), false) = (lookup.synonym_kind, missing.is_empty()) {
        let s_ = Alias::new("s");
        let t = Alias::new("t");
        let stmt = Query::select()
            .column((s_.clone(), Alias::new("alias")))
            .column((t.clone(), Alias::new("id")))
            .from_as(Alias::new("taxonomy_synonyms"), s_.clone())
            .join_as(
                JoinType::InnerJoin,
                Alias::new(lookup.table),
                t.clone(),
                Expr::col((t, Alias::new("slug")))
                    .equals((s_.clone(), Alias::new("canonical_slug"))),
            )
            .and_where(Expr::col((s_.clone(), Alias::new("kind"))).eq(kind))
            .and_where(Expr::col((s_, Alias::new("alias"))).is_in(missing))
            .to_owned();
        for row in db.query_all(&stmt).await? {
            out.insert(row.try_get("", "alias")?, row.try_get("", "id")?);
        }
    }
    Ok(out)
}

/// A filter field, its values and where their ids go.
type Target<'a> = (Field, &'a Vec<String>, &'a mut Vec<Uuid>);

/// Resolves every slug list of `filter` to ids; unknown values are reported
/// per field, in field order.
pub async fn resolve<C: ConnectionTrait>(
    db: &C,
    filter: &GameFilter,
) -> Result<Result<ResolvedIds, Vec<UnknownRef>>, DbErr> {
    let mut unknown = Vec::new();
    let mut ids = ResolvedIds::default();
    let groups: [(&Lookup, Vec<Target<'_>>); 6] = [
        (
            &MECHANICS,
            vec![
                (Field::Mechanics, &filter.mechanics, &mut ids.mechanics),
                (
                    Field::MechanicsAll,
                    &filter.mechanics_all,
                    &mut ids.mechanics_all,
                ),
                (
                    Field::MechanicsNot,
                    &filter.mechanics_not,
                    &mut ids.mechanics_not,
                ),
            ],
        ),
        (
            &THEMES,
            vec![
                (Field::Themes, &filter.themes, &mut ids.themes),
                (Field::ThemeNot, &filter.theme_not, &mut ids.theme_not),
            ],
        ),
        (
            &CATEGORIES,
            vec![(Field::Category, &filter.categories, &mut ids.categories)],
        ),
        (
            &PEOPLE,
            vec![(Field::Designer, &filter.designers, &mut ids.designers)],
        ),
        (
            &PUBLISHERS,
            vec![(Field::Publisher, &filter.publishers, &mut ids.publishers)],
        ),
        (
            &FAMILIES,
            vec![(Field::Family, &filter.families, &mut ids.families)],
        ),
    ];
    for (lookup, lists) in groups {
        let all: Vec<String> = lists
            .iter()
            .flat_map(|(_, v, _)| v.iter().cloned())
            .collect();
        let found = resolve_in(db, lookup, &all).await?;
        for (field, values, out) in lists {
            for v in values {
                match found.get(v) {
                    Some(id) => {
                        if !out.contains(id) {
                            out.push(*id);
                        }
                    }
                    None => unknown.push(UnknownRef {
                        field,
                        value: v.clone(),
                        what: lookup.what,
                    }),
                }
            }
            out.sort();
        }
    }
    if unknown.is_empty() {
        Ok(Ok(ids))
    } else {
        unknown.sort_by_key(|u| u.field);
        Ok(Err(unknown))
    }
}

/// `EXISTS (SELECT 1 FROM <link> WHERE link.game_id = g.id AND link.<col> IN ids)`.
fn linked(table: &str, column: &str, ids: &[Uuid]) -> Expr {
    let t = Alias::new(table);
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(t.clone())
            .and_where(
                Expr::col((t.clone(), Alias::new("game_id"))).equals((g(), Alias::new("id"))),
            )
            .and_where(Expr::col((t, Alias::new(column))).is_in(ids.iter().copied()))
            .to_owned(),
    )
}

/// The player count `n` is rated at least `threshold` (numeric ratings), or,
/// for a game with no numeric ratings, wins the legacy vote (D3).
fn rated_at(n: i64, best: bool) -> Expr {
    let r = Alias::new("player_count_ratings");
    let threshold = if best {
        BEST_AT_THRESHOLD
    } else {
        RECOMMENDED_AT_THRESHOLD
    };
    let numeric = Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(r.clone())
            .and_where(
                Expr::col((r.clone(), Alias::new("game_id"))).equals((g(), Alias::new("id"))),
            )
            .and_where(Expr::col((r.clone(), Alias::new("player_count"))).eq(n))
            .and_where(Expr::col((r.clone(), Alias::new("average_rating"))).gte(threshold))
            .to_owned(),
    );
    let no_ratings = Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(r.clone())
            .and_where(Expr::col((r, Alias::new("game_id"))).equals((g(), Alias::new("id"))))
            .to_owned(),
    )
    .not();
    let p = Alias::new("player_count_polls");
    let col = |c: &str| Expr::col((p.clone(), Alias::new(c)));
    let vote = if best {
        Cond::all()
            .add(col("best_votes").gt(col("recommended_votes")))
            .add(col("best_votes").gt(col("not_recommended_votes")))
    } else {
        Cond::all().add(
            col("best_votes")
                .add(col("recommended_votes"))
                .gt(col("not_recommended_votes")),
        )
    };
    let legacy = Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(p.clone())
            .and_where(col("game_id").equals((g(), Alias::new("id"))))
            .and_where(col("player_count").eq(n))
            .cond_where(vote)
            .to_owned(),
    );
    numeric.or(no_ratings.and(legacy))
}

/// A game's experience multiplier for `level` (D17): its own when its
/// profile has one, else the default of the level.
fn multiplier(backend: DbBackend, level: ExperienceLevel) -> Expr {
    let key = level.as_str();
    let own = match backend {
        DbBackend::Postgres => format!("(g.experience_multipliers ->> '{key}')::double precision"),
        _ => format!("json_extract(g.experience_multipliers, '$.{key}')"),
    };
    // `key` is one of four fixed level names and the default a constant of
    // ours: nothing from the request is formatted into this fragment.
    Expr::cust(format!(
        "COALESCE({own}, {:.2})",
        level.default_multiplier()
    ))
}

/// `minutes ≥ n` (`at_least`) or `minutes ≤ n`, the minutes scaled by the
/// experience multiplier when a level is given. Unscaled minutes compare with
/// an integer, scaled ones with a float: PostgreSQL prepares a statement
/// once per text, so one text must always bind the same type.
fn scaled(
    backend: DbBackend,
    minutes: Expr,
    level: Option<ExperienceLevel>,
    n: i64,
    at_least: bool,
) -> Expr {
    // Minutes × a two-decimal multiplier, rounded to hundredths of a minute,
    // so 100 × 1.15 compares as 115 (not 114.99999999999999).
    let rounded = |l: ExperienceLevel| {
        let product = minutes.clone().mul(multiplier(backend, l));
        let template = if backend == DbBackend::Postgres {
            "ROUND(CAST(? AS numeric), 2)"
        } else {
            "ROUND(?, 2)"
        };
        super::custom(backend, template, [product])
    };
    match (level, at_least) {
        (Some(l), true) => rounded(l).gte(n as f64),
        (Some(l), false) => rounded(l).lte(n as f64),
        (None, true) => minutes.gte(n),
        (None, false) => minutes.lte(n),
    }
}

/// Where the values of the effective dimensions come from: the game's own
/// row, or one of its materialized effective-mode candidates.
#[derive(Clone, Copy)]
enum Values {
    Game,
    Candidate,
}

/// Alias of `effective_candidates` in the effective-mode semi-join.
fn ec() -> Alias {
    Alias::new("ec")
}

/// The dimensions `effective=true` resolves through expansions (D28, D31):
/// player counts, best/recommended-at, publisher playtime, weight.
fn effective_dimensions(backend: DbBackend, filter: &GameFilter, from: Values) -> Cond {
    let col = |game: &str, candidate: &str| match from {
        Values::Game => gcol(game),
        Values::Candidate => Expr::col((ec(), Alias::new(candidate.to_string()))),
    };
    let mut c = Cond::all();
    if let Some(n) = filter.players {
        c = c
            .add(col("min_players", "min_players").lte(n))
            .add(col("max_players", "max_players").gte(n));
    }
    if let Some(n) = filter.players_min {
        c = c.add(col("min_players", "min_players").lte(n));
    }
    if let Some(n) = filter.players_max {
        c = c.add(col("max_players", "max_players").gte(n));
    }
    for (n, best) in [(filter.best_at, true), (filter.recommended_at, false)] {
        let Some(n) = n else { continue };
        c = c.add(match from {
            Values::Game => rated_at(n, best),
            Values::Candidate => {
                let list = if best { "best_at" } else { "recommended_at" };
                Expr::col((ec(), Alias::new(list))).like(format!("%,{n},%"))
            }
        });
    }
    if filter.playtime_source == PlaytimeSource::Publisher {
        let at_least = |e: Expr, n: i64| scaled(backend, e, filter.playtime_experience, n, true);
        if let Some(n) = filter.playtime_min {
            c = c.add(at_least(col("min_playtime_minutes", "min_playtime"), n));
        }
        if let Some(n) = filter.playtime_max {
            let e = col("max_playtime_minutes", "max_playtime");
            c = c.add(scaled(backend, e, filter.playtime_experience, n, false));
        }
    }
    if let Some(w) = filter.weight_min {
        c = c.add(col("weight", "weight").gte(w));
    }
    if let Some(w) = filter.weight_max {
        c = c.add(col("weight", "weight").lte(w));
    }
    c
}

/// `EXISTS` a materialized candidate of `g` satisfying every effective
/// dimension at once (D28).
fn candidate_matches(backend: DbBackend, filter: &GameFilter) -> Expr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from_as(Alias::new("effective_candidates"), ec())
            .and_where(Expr::col((ec(), Alias::new("game_id"))).equals((g(), Alias::new("id"))))
            .cond_where(effective_dimensions(backend, filter, Values::Candidate))
            .to_owned(),
    )
}

/// Whether `effective=true` changes anything for this filter.
fn is_effective(filter: &GameFilter) -> bool {
    filter.effective
        && (filter.players.is_some()
            || filter.players_min.is_some()
            || filter.players_max.is_some()
            || filter.best_at.is_some()
            || filter.recommended_at.is_some()
            || filter.weight_min.is_some()
            || filter.weight_max.is_some()
            || (filter.playtime_source == PlaytimeSource::Publisher
                && (filter.playtime_min.is_some() || filter.playtime_max.is_some())))
}

/// The `WHERE` condition of `filter` over `games AS g` (active games only).
/// With `effective=true`, a game matches when its own values or one of its
/// candidates satisfy all effective dimensions at once (D28); rating,
/// taxonomy and metadata dimensions always use the game's own data.
pub fn condition(backend: DbBackend, filter: &GameFilter, ids: &ResolvedIds) -> Cond {
    let mut c = Cond::all().add(gcol("status").eq("active"));
    let own = effective_dimensions(backend, filter, Values::Game);
    if is_effective(filter) {
        c = c.add(Cond::any().add(own).add(candidate_matches(backend, filter)));
    } else {
        c = c.add(own);
    }
    if filter.playtime_source == PlaytimeSource::Community {
        let level = filter.playtime_experience;
        if let Some(n) = filter.playtime_min {
            let e = gcol("community_playtime_min_minutes");
            c = c.add(scaled(backend, e, level, n, true));
        }
        if let Some(n) = filter.playtime_max {
            let e = gcol("community_playtime_max_minutes");
            c = c.add(scaled(backend, e, level, n, false));
        }
    }
    if let Some(n) = filter.community_playtime_min {
        c = c.add(gcol("community_playtime_min_minutes").gte(n));
    }
    if let Some(n) = filter.community_playtime_max {
        c = c.add(gcol("community_playtime_max_minutes").lte(n));
    }
    if let Some(parent) = filter.parent {
        c = c.add(gcol("parent_game_id").eq(parent));
        if filter.types.is_empty() {
            c = c.add(gcol("type").is_in(["expansion", "promo", "standalone_expansion"]));
        }
    }
    if !filter.types.is_empty() {
        c = c.add(gcol("type").is_in(filter.types.iter().map(|t| t.as_str())));
    }
    if !filter.modes.is_empty() {
        c = c.add(gcol("mode").is_in(filter.modes.iter().map(|m| m.as_str())));
    }
    if !ids.mechanics.is_empty() {
        c = c.add(linked("game_mechanics", "mechanic_id", &ids.mechanics));
    }
    for id in &ids.mechanics_all {
        c = c.add(linked("game_mechanics", "mechanic_id", &[*id]));
    }
    if !ids.mechanics_not.is_empty() {
        c = c.add(linked("game_mechanics", "mechanic_id", &ids.mechanics_not).not());
    }
    if !ids.themes.is_empty() {
        c = c.add(linked("game_themes", "theme_id", &ids.themes));
    }
    if !ids.theme_not.is_empty() {
        c = c.add(linked("game_themes", "theme_id", &ids.theme_not).not());
    }
    if !ids.categories.is_empty() {
        c = c.add(linked("game_categories", "category_id", &ids.categories));
    }
    if !ids.designers.is_empty() {
        c = c.add(linked("game_designers", "person_id", &ids.designers));
    }
    if !ids.publishers.is_empty() {
        c = c.add(linked("game_publishers", "publisher_id", &ids.publishers));
    }
    if !ids.families.is_empty() {
        c = c.add(linked("game_families", "family_id", &ids.families));
    }
    if let Some(y) = filter.year_min {
        c = c.add(gcol("year_published").gte(y));
    }
    if let Some(y) = filter.year_max {
        c = c.add(gcol("year_published").lte(y));
    }
    c
}

/// The expression a sort key orders by, and whether it can be NULL.
fn sort_expr(backend: DbBackend, key: SortKey, origin: Option<i64>) -> (Expr, bool) {
    match key {
        SortKey::Name => (gcol("sort_name"), false),
        SortKey::Weight => (gcol("weight"), true),
        SortKey::Rating => (gcol("bayes_rating"), true),
        SortKey::YearPublished => (gcol("year_published"), true),
        SortKey::CommunityPlaytimeMedian => (gcol("community_playtime_median_minutes"), true),
        SortKey::BestAtDistance => {
            // D12/D30: distance from the request's player count to the nearest
            // best-at count (rating ≥ 4.0); NULL for a game with none.
            let r = Alias::new("player_count_ratings");
            let origin = origin.unwrap_or(1);
            let distance = super::custom(
                backend,
                "MIN(ABS(? - ?))",
                [
                    Expr::col((r.clone(), Alias::new("player_count"))),
                    Expr::val(origin),
                ],
            );
            let sub = Query::select()
                .expr(distance)
                .from(r.clone())
                .and_where(
                    Expr::col((r.clone(), Alias::new("game_id"))).equals((g(), Alias::new("id"))),
                )
                .and_where(Expr::col((r, Alias::new("average_rating"))).gte(BEST_AT_THRESHOLD))
                .to_owned();
            (Expr::SubQuery(None, Box::new(sub.into())), true)
        }
    }
}

/// A boundary of a keyset page: the sort value of a row and its id.
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    pub value: Value,
    pub id: Uuid,
}

fn value_expr(v: &Value) -> Option<Expr> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(Expr::val(s.clone())),
        Value::Number(n) if n.is_i64() => Some(Expr::val(n.as_i64().unwrap_or_default())),
        Value::Number(n) => Some(Expr::val(n.as_f64().unwrap_or_default())),
        Value::Bool(b) => Some(Expr::val(*b)),
        other => Some(Expr::val(other.to_string())),
    }
}

/// Rows strictly after (`after`) or strictly before the boundary in the order
/// `(value IS NULL, value <direction>, id <direction>)`: NULLs last in both
/// directions, ties broken on id in the same direction (D12, D29).
fn keyset_condition(
    expr: Expr,
    nullable: bool,
    direction: Direction,
    boundary: &Boundary,
    after: bool,
) -> Cond {
    let id = gcol("id");
    // "beyond" in the direction of the order.
    let beyond = |e: Expr, v: Expr| match direction {
        Direction::Asc => e.gt(v),
        Direction::Desc => e.lt(v),
    };
    let before = |e: Expr, v: Expr| match direction {
        Direction::Asc => e.lt(v),
        Direction::Desc => e.gt(v),
    };
    match (value_expr(&boundary.value), after) {
        (None, true) => Cond::all()
            .add(expr.is_null())
            .add(beyond(id, Expr::val(boundary.id))),
        (None, false) => Cond::any().add(expr.clone().is_not_null()).add(
            Cond::all()
                .add(expr.is_null())
                .add(before(id, Expr::val(boundary.id))),
        ),
        // Row values, `(value, id) > (v, id0)`: one index range on
        // `(…, value, id)` instead of an OR the planner scans from the start.
        (Some(v), true) => {
            let mut c = Cond::any().add(beyond(
                Expr::tuple([expr.clone(), id]),
                Expr::tuple([v, Expr::val(boundary.id)]),
            ));
            if nullable {
                c = c.add(expr.is_null());
            }
            c
        }
        (Some(v), false) => Cond::all().add(before(
            Expr::tuple([expr, id]),
            Expr::tuple([v, Expr::val(boundary.id)]),
        )),
    }
}

/// One game of a page, with the value it was sorted by.
#[derive(Debug, Clone)]
pub struct PageRow {
    pub game: game::Model,
    pub sort_value: Value,
    /// With `effective=true`: the ordinal of the first candidate through
    /// which the game matched, when its own values do not (`matched_via`).
    pub matched_candidate: Option<i64>,
}

/// The `SELECT` of matching games with every column of `games`.
fn select_games(backend: DbBackend, query: &GameQuery, ids: &ResolvedIds) -> SelectStatement {
    let mut stmt = Query::select();
    stmt.from_as(Alias::new("games"), g());
    for column in game::Column::iter() {
        stmt.column((g(), column));
    }
    stmt.cond_where(condition(backend, &query.filter, ids));
    stmt
}

/// Up to `limit + 1` matching games after (or, `backward`, before) `from`,
/// in the direction of travel.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    query: &GameQuery,
    ids: &ResolvedIds,
    from: Option<&Boundary>,
    backward: bool,
    limit: u64,
) -> Result<Vec<PageRow>, DbErr> {
    let backend = db.get_database_backend();
    let (expr, nullable) = sort_expr(backend, query.sort.key, query.distance_origin());
    let mut stmt = select_games(backend, query, ids);
    stmt.expr_as(expr.clone(), Alias::new("sort_value"));
    let effective = is_effective(&query.filter);
    if effective {
        // The first candidate that matches, for a game whose own values do not.
        let first = Query::select()
            .expr(Expr::col((ec(), Alias::new("ordinal"))).min())
            .from_as(Alias::new("effective_candidates"), ec())
            .and_where(Expr::col((ec(), Alias::new("game_id"))).equals((g(), Alias::new("id"))))
            .cond_where(effective_dimensions(
                backend,
                &query.filter,
                Values::Candidate,
            ))
            .to_owned();
        stmt.expr_as(
            Expr::case(
                effective_dimensions(backend, &query.filter, Values::Game),
                Expr::val(Option::<i32>::None),
            )
            .finally(Expr::SubQuery(None, Box::new(first.into()))),
            Alias::new("matched_candidate"),
        );
    }
    if let Some(b) = from {
        stmt.cond_where(keyset_condition(
            expr.clone(),
            nullable,
            query.sort.direction,
            b,
            !backward,
        ));
    }
    // The order of travel: the requested one, or its exact reverse.
    let (order, nulls) = match (query.sort.direction, backward) {
        (Direction::Asc, false) => (Order::Asc, NullOrdering::Last),
        (Direction::Desc, false) => (Order::Desc, NullOrdering::Last),
        (Direction::Asc, true) => (Order::Desc, NullOrdering::First),
        (Direction::Desc, true) => (Order::Asc, NullOrdering::First),
    };
    if nullable {
        stmt.order_by_expr_with_nulls(expr, order.clone(), nulls);
    } else {
        stmt.order_by_expr(expr, order.clone());
    }
    stmt.order_by((g(), Alias::new("id")), order)
        .limit(limit + 1);
    let rows = db.query_all(&stmt).await?;
    rows.iter()
        .map(|row| {
            let game = game::Model::from_query_result(row, "")?;
            let sort_value = match query.sort.key {
                SortKey::Name => Value::String(game.sort_name.clone()),
                SortKey::Weight => json_f64(game.weight),
                SortKey::Rating => json_f64(game.bayes_rating),
                SortKey::YearPublished => json_i32(game.year_published),
                SortKey::CommunityPlaytimeMedian => {
                    json_i32(game.community_playtime_median_minutes)
                }
                SortKey::BestAtDistance => {
                    // An integer, though some SQLite builds report it as REAL.
                    let d: Option<i64> =
                        row.try_get::<Option<i64>>("", "sort_value").or_else(|_| {
                            row.try_get::<Option<f64>>("", "sort_value")
                                .map(|v| v.map(|f| f.round() as i64))
                        })?;
                    d.map(Value::from).unwrap_or(Value::Null)
                }
            };
            let matched_candidate = if effective {
                row.try_get::<Option<i32>>("", "matched_candidate")?
                    .map(i64::from)
            } else {
                None
            };
            Ok(PageRow {
                game,
                sort_value,
                matched_candidate,
            })
        })
        .collect()
}

fn json_f64(v: Option<f64>) -> Value {
    v.and_then(serde_json::Number::from_f64)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

fn json_i32(v: Option<i32>) -> Value {
    v.map(Value::from).unwrap_or(Value::Null)
}

/// Number of games matching the query.
pub async fn count<C: ConnectionTrait>(
    db: &C,
    query: &GameQuery,
    ids: &ResolvedIds,
) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let stmt = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from_as(Alias::new("games"), g())
        .cond_where(condition(backend, &query.filter, ids))
        .to_owned();
    let n: i64 = match db.query_one(&stmt).await? {
        Some(row) => row.try_get_by_index(0)?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Number of active games (`filter_summary.total_unfiltered`); with a
/// `parent`, of its active expansions.
pub async fn count_active<C: ConnectionTrait>(db: &C, parent: Option<Uuid>) -> Result<u64, DbErr> {
    count(
        db,
        &GameQuery {
            filter: GameFilter {
                parent,
                ..GameFilter::default()
            },
            sort: crate::domain::filters::Sort {
                key: SortKey::Name,
                direction: Direction::Asc,
            },
        },
        &ResolvedIds::default(),
    )
    .await
}

/// Every matching game in the requested order, `batch` rows per query (for
/// the export stream): the keyset continues from the last row of each batch.
pub async fn batch_after<C: ConnectionTrait>(
    db: &C,
    query: &GameQuery,
    ids: &ResolvedIds,
    from: Option<&Boundary>,
    batch: u64,
) -> Result<Vec<PageRow>, DbErr> {
    let mut rows = page(db, query, ids, from, false, batch).await?;
    rows.truncate(batch as usize);
    Ok(rows)
}

/// Keyed lookups for a page of games (includes, links).
pub mod related {
    use super::*;

    /// A vocabulary term or a person / organisation attached to a game.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Attached {
        pub game_id: Uuid,
        pub id: Uuid,
        pub slug: String,
        pub name: String,
        pub description: Option<String>,
        pub game_count: i64,
        pub country: Option<String>,
        pub website: Option<String>,
    }

    /// Terms or entities linked to `games` through `link`, ordered by the
    /// link's ordinal (people) or the term's slug (vocabularies).
    pub async fn attached<C: ConnectionTrait>(
        db: &C,
        link: &str,
        column: &str,
        table: &str,
        ordered_by_ordinal: bool,
        games: &[Uuid],
    ) -> Result<Vec<Attached>, DbErr> {
        if games.is_empty() {
            return Ok(Vec::new());
        }
        let l = Alias::new("l");
        let t = Alias::new("t");
        let organisation = table == "publishers";
        let mut stmt = Query::select();
        stmt.column((l.clone(), Alias::new("game_id")))
            .columns([
                (t.clone(), Alias::new("id")),
                (t.clone(), Alias::new("slug")),
                (t.clone(), Alias::new("name")),
                (t.clone(), Alias::new("description")),
                (t.clone(), Alias::new("game_count")),
            ])
            .from_as(Alias::new(link), l.clone())
            .join_as(
                JoinType::InnerJoin,
                Alias::new(table),
                t.clone(),
                Expr::col((t.clone(), Alias::new("id"))).equals((l.clone(), Alias::new(column))),
            )
            .and_where(Expr::col((l.clone(), Alias::new("game_id"))).is_in(games.iter().copied()));
        if organisation {
            stmt.columns([
                (t.clone(), Alias::new("country")),
                (t.clone(), Alias::new("website")),
            ]);
        }
        if ordered_by_ordinal {
            stmt.order_by((l.clone(), Alias::new("ordinal")), Order::Asc);
        }
        stmt.order_by((t.clone(), Alias::new("slug")), Order::Asc);
        db.query_all(&stmt)
            .await?
            .iter()
            .map(|row| {
                Ok(Attached {
                    game_id: row.try_get("", "game_id")?,
                    id: row.try_get("", "id")?,
                    slug: row.try_get("", "slug")?,
                    name: row.try_get("", "name")?,
                    description: row.try_get("", "description")?,
                    game_count: i64::from(row.try_get::<i32>("", "game_count")?),
                    country: if organisation {
                        row.try_get("", "country")?
                    } else {
                        None
                    },
                    website: if organisation {
                        row.try_get("", "website")?
                    } else {
                        None
                    },
                })
            })
            .collect()
    }

    /// Groups rows by game id.
    pub fn by_game<T>(rows: Vec<T>, key: impl Fn(&T) -> Uuid) -> BTreeMap<Uuid, Vec<T>> {
        let mut out: BTreeMap<Uuid, Vec<T>> = BTreeMap::new();
        for row in rows {
            out.entry(key(&row)).or_default().push(row);
        }
        out
    }

    /// Active games whose parent is one of `parents` (expansions, promos, …),
    /// by sort name.
    pub async fn children<C: ConnectionTrait>(
        db: &C,
        parents: &[Uuid],
    ) -> Result<Vec<game::Model>, DbErr> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        if parents.is_empty() {
            return Ok(Vec::new());
        }
        game::Entity::find()
            .filter(game::Column::ParentGameId.is_in(parents.iter().copied()))
            .filter(game::Column::Status.eq("active"))
            .order_by_asc(game::Column::SortName)
            .order_by_asc(game::Column::Id)
            .all(db)
            .await
    }

    /// Games by id, whatever their status.
    pub async fn games<C: ConnectionTrait>(
        db: &C,
        ids: &[Uuid],
    ) -> Result<Vec<game::Model>, DbErr> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        game::Entity::find()
            .filter(game::Column::Id.is_in(ids.iter().copied()))
            .all(db)
            .await
    }

    /// Alternate names: (game id, name, language, is_primary, source).
    #[derive(Debug, Clone, PartialEq)]
    pub struct AltName {
        pub game_id: Uuid,
        pub name: String,
        pub language: Option<String>,
        pub is_primary: bool,
        pub source: Option<String>,
    }

    pub async fn alternate_names<C: ConnectionTrait>(
        db: &C,
        games: &[Uuid],
    ) -> Result<Vec<AltName>, DbErr> {
        if games.is_empty() {
            return Ok(Vec::new());
        }
        let stmt = Query::select()
            .columns(["game_id", "name", "language", "is_primary", "source"].map(Alias::new))
            .from(Alias::new("alternate_names"))
            .and_where(Expr::col(Alias::new("game_id")).is_in(games.iter().copied()))
            .order_by(Alias::new("is_primary"), Order::Desc)
            .order_by(Alias::new("name"), Order::Asc)
            .to_owned();
        db.query_all(&stmt)
            .await?
            .iter()
            .map(|row| {
                Ok(AltName {
                    game_id: row.try_get("", "game_id")?,
                    name: row.try_get("", "name")?,
                    language: row.try_get("", "language")?,
                    is_primary: row.try_get("", "is_primary")?,
                    source: row.try_get("", "source")?,
                })
            })
            .collect()
    }

    /// A credit of a game (roles other than designer and artist).
    #[derive(Debug, Clone, PartialEq)]
    pub struct Credit {
        pub game_id: Uuid,
        pub person_id: Uuid,
        pub person_slug: String,
        pub person_name: String,
        pub role: String,
    }

    pub async fn credits<C: ConnectionTrait>(db: &C, games: &[Uuid]) -> Result<Vec<Credit>, DbErr> {
        if games.is_empty() {
            return Ok(Vec::new());
        }
        let c = Alias::new("c");
        let p = Alias::new("p");
        let stmt = Query::select()
            .columns([
                (c.clone(), Alias::new("game_id")),
                (c.clone(), Alias::new("person_id")),
                (c.clone(), Alias::new("role")),
            ])
            .expr_as(
                Expr::col((p.clone(), Alias::new("slug"))),
                Alias::new("person_slug"),
            )
            .expr_as(
                Expr::col((p.clone(), Alias::new("name"))),
                Alias::new("person_name"),
            )
            .from_as(Alias::new("game_credits"), c.clone())
            .join_as(
                JoinType::InnerJoin,
                Alias::new("people"),
                p.clone(),
                Expr::col((p.clone(), Alias::new("id")))
                    .equals((c.clone(), Alias::new("person_id"))),
            )
            .and_where(Expr::col((c.clone(), Alias::new("game_id"))).is_in(games.iter().copied()))
            .order_by((c.clone(), Alias::new("role")), Order::Asc)
            .order_by((p, Alias::new("slug")), Order::Asc)
            .to_owned();
        db.query_all(&stmt)
            .await?
            .iter()
            .map(|row| {
                Ok(Credit {
                    game_id: row.try_get("", "game_id")?,
                    person_id: row.try_get("", "person_id")?,
                    person_slug: row.try_get("", "person_slug")?,
                    person_name: row.try_get("", "person_name")?,
                    role: row.try_get("", "role")?,
                })
            })
            .collect()
    }

    /// An award of a game.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Award {
        pub game_id: Uuid,
        pub award_id: Uuid,
        pub award_slug: String,
        pub year: i64,
        pub result: String,
        pub category: Option<String>,
    }

    pub async fn awards<C: ConnectionTrait>(db: &C, games: &[Uuid]) -> Result<Vec<Award>, DbErr> {
        if games.is_empty() {
            return Ok(Vec::new());
        }
        let a = Alias::new("a");
        let w = Alias::new("w");
        let stmt = Query::select()
            .columns([
                (a.clone(), Alias::new("game_id")),
                (a.clone(), Alias::new("award_id")),
                (a.clone(), Alias::new("year")),
                (a.clone(), Alias::new("result")),
                (a.clone(), Alias::new("category")),
            ])
            .expr_as(
                Expr::col((w.clone(), Alias::new("slug"))),
                Alias::new("award_slug"),
            )
            .from_as(Alias::new("game_awards"), a.clone())
            .join_as(
                JoinType::InnerJoin,
                Alias::new("awards"),
                w.clone(),
                Expr::col((w.clone(), Alias::new("id")))
                    .equals((a.clone(), Alias::new("award_id"))),
            )
            .and_where(Expr::col((a.clone(), Alias::new("game_id"))).is_in(games.iter().copied()))
            .order_by((a.clone(), Alias::new("year")), Order::Desc)
            .order_by((w, Alias::new("slug")), Order::Asc)
            .to_owned();
        db.query_all(&stmt)
            .await?
            .iter()
            .map(|row| {
                Ok(Award {
                    game_id: row.try_get("", "game_id")?,
                    award_id: row.try_get("", "award_id")?,
                    award_slug: row.try_get("", "award_slug")?,
                    year: i64::from(row.try_get::<i32>("", "year")?),
                    result: row.try_get("", "result")?,
                    category: row.try_get("", "category")?,
                })
            })
            .collect()
    }
}
