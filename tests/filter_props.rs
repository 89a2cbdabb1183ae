//! Property-based tests of the games filter model (issue #4).
//!
//! One catalog per run (a generated catalog plus the demo catalog, with a few
//! archived games, legacy three-tier polls, ratings on the D3 thresholds,
//! partial experience multipliers and missing years added by plain SQL), its
//! ground truth read back from the database with plain queries into
//! [`GameFacts`] (independently of the API), and random filters over that
//! catalog's real vocabulary (slugs, synonyms, UUIDs). Properties:
//!
//! 1. GET `/games` (every page, any sort and page size, several spellings of
//!    the same query) returns exactly the active games [`GameFilter::matches`]
//!    accepts, in the requested order, and `meta.total` is their count;
//! 2. for filters A and B over disjoint dimensions, A∧B = A ∩ B;
//! 3. POST `/games/search` with the nested body returns the same set;
//! 4. GET `/export/games` (JSONL and CSV) counts and streams the same set;
//! 5. `effective=true` only widens, and only by base games with `matched_via`.
//!
//! Bounds are integers (minutes) or the catalog's own doubles (weights) and
//! deliberately sit on boundaries: a game's exact value, the doubles beside a
//! weight, and `minutes × multiplier` rounded down and up. No tolerance is
//! needed: the SQL and the reference compute the same IEEE-754 products.
//!
//! Runs on SQLite, and on PostgreSQL with OPENTABLETOP_TEST_POSTGRES. The
//! seed is fixed (override with FILTER_PROPS_SEED=<u64>, case count with
//! FILTER_PROPS_CASES=<n>); a failure prints the minimal failing query and the
//! facts of the games on which the API and the reference disagree.

mod common;

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Debug;
use std::time::Instant;

use common::{TestDb, import_demo, import_generated};
use opentabletop::domain::filters::{
    Direction, ExperienceLevel, GET_DEFAULTS, GameFacts, GameFilter, GameMode, GameType,
    PlaytimeSource, RawFilter, SortKey,
};
use opentabletop::storage::entities::game;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Statement};
use serde_json::{Map, Value, json};
use uuid::Uuid;

const GENERATED_GAMES: usize = 300;
const GENERATED_SEED: u64 = 11;
const DEFAULT_CASES: u32 = 64;
const DEFAULT_SEED: u64 = 0x0f11_7e25;
/// How often each filter field is set (see [`raw_filter`]).
const DENSITY: f64 = 0.12;
/// ... in the filter whose dimensions an A∧B pair splits between A and B.
const PAIR_DENSITY: f64 = 0.15;

// ---------------------------------------------------------------------------
// The catalog and its ground truth
// ---------------------------------------------------------------------------

/// One kind of slug filter: the values a filter may name and the canonical
/// slug each resolves to (a slug itself, a synonym, a UUID).
#[derive(Debug, Default, Clone)]
struct Vocabulary {
    /// Values to draw from (used slugs repeated, so they come up more often).
    pool: Vec<String>,
    canonical: HashMap<String, String>,
}

/// The values of a game the sort keys order by (D12, D29, D30).
#[derive(Debug, Default, Clone)]
struct SortFacts {
    id: Uuid,
    sort_name: String,
    weight: Option<f64>,
    bayes_rating: Option<f64>,
    year: Option<i64>,
    community_median: Option<i64>,
}

impl SortFacts {
    /// The value ordered by (`None` sorts last in both directions).
    fn value(&self, key: SortKey, origin: Option<i64>, facts: &GameFacts) -> Option<SortValue> {
        let num = |v: Option<f64>| v.map(SortValue::Number);
        match key {
            SortKey::Name => Some(SortValue::Text(self.sort_name.clone())),
            SortKey::Weight => num(self.weight),
            SortKey::Rating => num(self.bayes_rating),
            SortKey::YearPublished => num(self.year.map(|v| v as f64)),
            SortKey::CommunityPlaytimeMedian => num(self.community_median.map(|v| v as f64)),
            // Distance to the nearest count rated best (average ≥ 4.0, D3).
            SortKey::BestAtDistance => {
                let origin = origin.expect("validated: a player count");
                num(facts
                    .ratings
                    .iter()
                    .filter(|(_, avg)| *avg >= opentabletop::domain::filters::BEST_AT_THRESHOLD)
                    .map(|(n, _)| (n - origin).abs())
                    .min()
                    .map(|d| d as f64))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, PartialOrd)]
enum SortValue {
    Number(f64),
    Text(String),
}

#[derive(Debug, Default)]
struct Catalog {
    /// Facts of every active game, by slug.
    games: BTreeMap<String, GameFacts>,
    sort: HashMap<String, SortFacts>,
    archived: BTreeSet<String>,
    mechanics: Vocabulary,
    themes: Vocabulary,
    categories: Vocabulary,
    designers: Vocabulary,
    publishers: Vocabulary,
    families: Vocabulary,
    /// Minutes worth comparing against: the catalog's values and the
    /// products of them with every multiplier (floor, ceil).
    minutes: Vec<i64>,
    weights: Vec<f64>,
    years: Vec<i64>,
}

impl Catalog {
    /// The filter with every slug list in canonical form (what the facts hold).
    fn canonical(&self, f: &GameFilter) -> GameFilter {
        let map = |v: &Vocabulary, list: &[String]| -> Vec<String> {
            let mut out: Vec<String> = list
                .iter()
                .map(|s| {
                    v.canonical
                        .get(s)
                        .cloned()
                        .unwrap_or_else(|| panic!("the strategy drew an unknown value {s}"))
                })
                .collect();
            out.sort();
            out.dedup();
            out
        };
        GameFilter {
            mechanics: map(&self.mechanics, &f.mechanics),
            mechanics_all: map(&self.mechanics, &f.mechanics_all),
            mechanics_not: map(&self.mechanics, &f.mechanics_not),
            themes: map(&self.themes, &f.themes),
            theme_not: map(&self.themes, &f.theme_not),
            categories: map(&self.categories, &f.categories),
            designers: map(&self.designers, &f.designers),
            publishers: map(&self.publishers, &f.publishers),
            families: map(&self.families, &f.families),
            ..f.clone()
        }
    }

    /// Slugs of the active games the reference evaluation accepts.
    fn reference(&self, f: &GameFilter) -> BTreeSet<String> {
        let f = self.canonical(f);
        self.games
            .iter()
            .filter(|(_, facts)| f.matches(facts))
            .map(|(slug, _)| slug.clone())
            .collect()
    }
}

async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn rows(db: &DatabaseConnection, sql: &str) -> Vec<sea_orm::QueryResult> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn quoted(slugs: &[String]) -> String {
    slugs
        .iter()
        .map(|s| {
            assert!(
                s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            );
            format!("'{s}'")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Variety the importer does not produce on its own, written with plain SQL:
/// archived games, legacy three-tier polls (with ties, on games with and
/// without numeric ratings), partial experience multipliers, missing years.
async fn add_variety(db: &DatabaseConnection) {
    let slugs: Vec<String> = rows(db, "SELECT slug FROM games ORDER BY slug")
        .await
        .iter()
        .map(|r| r.try_get::<String>("", "slug").unwrap())
        .collect();
    let pick = |modulus: usize, rest: usize| -> Vec<String> {
        slugs
            .iter()
            .enumerate()
            .filter(|(i, _)| i % modulus == rest)
            .map(|(_, s)| s.clone())
            .collect()
    };
    exec(
        db,
        &format!(
            "UPDATE games SET status = 'archived' WHERE slug IN ({})",
            quoted(&pick(29, 4))
        ),
    )
    .await;
    exec(
        db,
        &format!(
            "UPDATE games SET year_published = NULL WHERE slug IN ({})",
            quoted(&pick(31, 9))
        ),
    )
    .await;
    // Own multipliers for some levels only: the others use the defaults.
    for (i, slug) in pick(23, 6).iter().enumerate() {
        let multipliers = match i % 4 {
            0 => r#"{"first_play": 1.1, "expert": 0.7}"#,
            1 => r#"{"learning": 1.33}"#,
            2 => r#"{"first_play": 2.07, "learning": 1.45, "experienced": 1.0, "expert": 0.93}"#,
            _ => "{}",
        };
        exec(
            db,
            &format!(
                "UPDATE games SET experience_multipliers = '{multipliers}' WHERE slug = '{slug}'"
            ),
        )
        .await;
    }
    // Ratings exactly on (and just below) the best / recommended thresholds.
    for (i, value) in [4.0, 3.0, 3.99, 2.99].iter().enumerate() {
        exec(
            db,
            &format!(
                "UPDATE player_count_ratings SET average_rating = {value:.2} \
                 WHERE player_count = {} AND game_id IN \
                 (SELECT id FROM games WHERE slug IN ({}))",
                i % 3 + 1,
                quoted(&pick(7, i + 1))
            ),
        )
        .await;
    }
    // Legacy polls: (best, recommended, not recommended) votes per count,
    // including ties, which never dominate.
    const VOTES: [(i64, i64, i64); 8] = [
        (10, 5, 3),
        (5, 10, 3),
        (3, 5, 10),
        (7, 7, 1),
        (6, 1, 6),
        (4, 4, 8),
        (0, 0, 0),
        (9, 2, 12),
    ];
    for (i, slug) in pick(5, 2).iter().enumerate() {
        for count in 1..=6i64 {
            let (b, r, n) = VOTES[(i * 3 + count as usize * 5) % VOTES.len()];
            exec(
                db,
                &format!(
                    "INSERT INTO player_count_polls (game_id, player_count, best_votes, \
                     recommended_votes, not_recommended_votes, total_votes) \
                     SELECT id, {count}, {b}, {r}, {n}, {} FROM games WHERE slug = '{slug}'",
                    b + r + n
                ),
            )
            .await;
        }
    }
}

/// A vocabulary table: every slug (those linked to games more often), the
/// synonyms of `synonym_kind`, and, with `uuids`, the ids.
async fn vocabulary(
    db: &DatabaseConnection,
    table: &str,
    link: &str,
    column: &str,
    synonym_kind: Option<&str>,
    uuids: bool,
) -> Vocabulary {
    let mut v = Vocabulary::default();
    for row in rows(db, &format!("SELECT id, slug FROM {table}")).await {
        let id: Uuid = row.try_get("", "id").unwrap();
        let slug: String = row.try_get("", "slug").unwrap();
        v.canonical.insert(slug.clone(), slug.clone());
        v.pool.push(slug.clone());
        if uuids {
            v.canonical.insert(id.to_string(), slug.clone());
            v.pool.push(id.to_string());
        }
    }
    let used = format!(
        "SELECT DISTINCT t.slug AS slug FROM {link} l JOIN {table} t ON t.id = l.{column} \
         JOIN games g ON g.id = l.game_id WHERE g.status = 'active'"
    );
    for row in rows(db, &used).await {
        let slug: String = row.try_get("", "slug").unwrap();
        for _ in 0..3 {
            v.pool.push(slug.clone());
        }
    }
    if let Some(kind) = synonym_kind {
        let sql = format!(
            "SELECT s.alias AS alias, s.canonical_slug AS canonical FROM taxonomy_synonyms s \
             JOIN {table} t ON t.slug = s.canonical_slug WHERE s.kind = '{kind}'"
        );
        for row in rows(db, &sql).await {
            let alias: String = row.try_get("", "alias").unwrap();
            let canonical: String = row.try_get("", "canonical").unwrap();
            // A term's own slug wins over another term's synonym.
            if alias == alias.trim().to_ascii_lowercase() && !v.canonical.contains_key(&alias) {
                v.canonical.insert(alias.clone(), canonical);
                v.pool.push(alias);
            }
        }
    }
    v.pool.sort();
    v
}

/// Reads the ground truth of every game with plain queries (no API code).
async fn ground_truth(db: &DatabaseConnection) -> Catalog {
    let mut by_id: HashMap<Uuid, (String, GameFacts)> = HashMap::new();
    let mut catalog = Catalog::default();
    for g in game::Entity::find().all(db).await.unwrap() {
        if g.status != "active" {
            catalog.archived.insert(g.slug.clone());
            continue;
        }
        let int = |v: Option<i32>| v.map(i64::from);
        let multipliers = g.experience_multipliers.as_ref().and_then(|m| {
            m.as_object().map(|o| {
                o.iter()
                    .filter_map(|(k, v)| v.as_f64().map(|f| (k.clone(), f)))
                    .collect::<BTreeMap<String, f64>>()
            })
        });
        let facts = GameFacts {
            game_type: g.game_type.clone(),
            mode: g.mode.clone(),
            min_players: int(g.min_players),
            max_players: int(g.max_players),
            min_playtime: int(g.min_playtime_minutes),
            max_playtime: int(g.max_playtime_minutes),
            community_min: int(g.community_playtime_min_minutes),
            community_max: int(g.community_playtime_max_minutes),
            weight: g.weight,
            year: int(g.year_published),
            multipliers,
            ..GameFacts::default()
        };
        by_id.insert(g.id, (g.slug.clone(), facts));
        catalog.sort.insert(
            g.slug.clone(),
            SortFacts {
                id: g.id,
                sort_name: g.sort_name.clone(),
                weight: g.weight,
                bayes_rating: g.bayes_rating,
                year: int(g.year_published),
                community_median: int(g.community_playtime_median_minutes),
            },
        );
    }
    for row in rows(
        db,
        "SELECT game_id, player_count, average_rating FROM player_count_ratings",
    )
    .await
    {
        let id: Uuid = row.try_get("", "game_id").unwrap();
        if let Some((_, f)) = by_id.get_mut(&id) {
            let n: i32 = row.try_get("", "player_count").unwrap();
            let avg: f64 = row.try_get("", "average_rating").unwrap();
            f.ratings.push((i64::from(n), avg));
        }
    }
    for row in rows(
        db,
        "SELECT game_id, player_count, best_votes, recommended_votes, not_recommended_votes \
         FROM player_count_polls",
    )
    .await
    {
        let id: Uuid = row.try_get("", "game_id").unwrap();
        if let Some((_, f)) = by_id.get_mut(&id) {
            let get = |c: &str| i64::from(row.try_get::<i32>("", c).unwrap());
            f.legacy_polls.push((
                get("player_count"),
                get("best_votes"),
                get("recommended_votes"),
                get("not_recommended_votes"),
            ));
        }
    }
    type Slot = fn(&mut GameFacts) -> &mut Vec<String>;
    let links: [(&str, &str, &str, Slot); 6] = [
        ("game_mechanics", "mechanic_id", "mechanics", |f| {
            &mut f.mechanics
        }),
        ("game_themes", "theme_id", "themes", |f| &mut f.themes),
        ("game_categories", "category_id", "categories", |f| {
            &mut f.categories
        }),
        ("game_designers", "person_id", "people", |f| {
            &mut f.designers
        }),
        ("game_publishers", "publisher_id", "publishers", |f| {
            &mut f.publishers
        }),
        ("game_families", "family_id", "families", |f| {
            &mut f.families
        }),
    ];
    for (link, column, table, slot) in links {
        let sql = format!(
            "SELECT l.game_id AS game_id, t.slug AS slug FROM {link} l \
             JOIN {table} t ON t.id = l.{column}"
        );
        for row in rows(db, &sql).await {
            let id: Uuid = row.try_get("", "game_id").unwrap();
            if let Some((_, f)) = by_id.get_mut(&id) {
                slot(f).push(row.try_get("", "slug").unwrap());
            }
        }
    }
    catalog.mechanics = vocabulary(
        db,
        "mechanics",
        "game_mechanics",
        "mechanic_id",
        Some("mechanic"),
        false,
    )
    .await;
    catalog.themes = vocabulary(
        db,
        "themes",
        "game_themes",
        "theme_id",
        Some("theme"),
        false,
    )
    .await;
    catalog.categories = vocabulary(
        db,
        "categories",
        "game_categories",
        "category_id",
        Some("category"),
        false,
    )
    .await;
    catalog.designers = vocabulary(db, "people", "game_designers", "person_id", None, true).await;
    catalog.publishers = vocabulary(
        db,
        "publishers",
        "game_publishers",
        "publisher_id",
        None,
        true,
    )
    .await;
    catalog.families = vocabulary(db, "families", "game_families", "family_id", None, true).await;

    let mut minutes = BTreeSet::new();
    let mut weights = BTreeSet::new();
    let mut years = BTreeSet::new();
    for (slug, mut f) in by_id.into_values() {
        f.ratings.sort_by_key(|r| r.0);
        f.legacy_polls.sort();
        for list in [
            &mut f.mechanics,
            &mut f.themes,
            &mut f.categories,
            &mut f.designers,
            &mut f.publishers,
            &mut f.families,
        ] {
            list.sort();
        }
        for v in [
            f.min_playtime,
            f.max_playtime,
            f.community_min,
            f.community_max,
        ]
        .into_iter()
        .flatten()
        {
            minutes.insert(v);
            for level in ExperienceLevel::ALL {
                let product = v as f64 * GameFilter::multiplier(*level, f.multipliers.as_ref());
                minutes.insert(product.floor() as i64);
                minutes.insert(product.ceil() as i64);
            }
        }
        if let Some(w) = f.weight {
            weights.insert(w.to_bits());
        }
        years.extend(f.year);
        catalog.games.insert(slug, f);
    }
    catalog.minutes = minutes.into_iter().collect();
    catalog.weights = weights.into_iter().map(f64::from_bits).collect();
    catalog.years = years.into_iter().collect();
    catalog
}

struct World {
    runtime: tokio::runtime::Runtime,
    app: axum::Router,
    catalog: Catalog,
}

impl World {
    fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }
}

// ---------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------

fn maybe<S: Strategy>(probability: f64, s: S) -> impl Strategy<Value = Option<S::Value>>
where
    S::Value: Debug,
{
    prop::option::weighted(probability, s)
}

/// `(min, max)`, each maybe set, ordered when both are.
fn range<S>(probability: f64, s: S) -> impl Strategy<Value = (Option<S::Value>, Option<S::Value>)>
where
    S: Strategy + Clone,
    S::Value: PartialOrd + Debug + Clone,
{
    (maybe(probability, s.clone()), maybe(probability, s)).prop_map(|(lo, hi)| match (lo, hi) {
        (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
        pair => pair,
    })
}

/// One of the weighted arms that can produce a value (an empty list of
/// candidates is no arm).
fn one_of<T: Clone + Debug + 'static>(
    arms: Vec<(u32, Vec<T>)>,
    other: BoxedStrategy<T>,
) -> BoxedStrategy<T> {
    let mut union: Vec<(u32, BoxedStrategy<T>)> = arms
        .into_iter()
        .filter(|(_, values)| !values.is_empty())
        .map(|(w, values)| (w, select(values).boxed()))
        .collect();
    union.push((1, other));
    prop::strategy::Union::new_weighted(union).boxed()
}

/// A slug list: usually empty, else 1–3 values, from the anchor game's own
/// terms (`anchored` of 3) or from the whole vocabulary (synonyms and UUIDs
/// included).
fn terms(own: &[String], v: &Vocabulary, active: f64, anchored: u32) -> BoxedStrategy<Vec<String>> {
    if v.pool.is_empty() {
        return Just(Vec::new()).boxed();
    }
    let element = one_of(
        vec![(anchored, own.to_vec())],
        select(v.pool.clone()).boxed(),
    );
    list(active, element)
}

/// A list, active (1–3 elements) with probability `active`, else empty.
fn list(active: f64, element: BoxedStrategy<String>) -> BoxedStrategy<Vec<String>> {
    let on = (active * 1000.0).round() as u32;
    prop_oneof![
        1000 - on => Just(Vec::new()),
        on => prop::collection::vec(element, 1..=3),
    ]
    .boxed()
}

fn names(own: Option<&str>, all: &[&'static str], active: f64) -> BoxedStrategy<Vec<String>> {
    let own: Vec<String> = own.into_iter().map(str::to_string).collect();
    let all: Vec<String> = all.iter().map(|s| s.to_string()).collect();
    let element = one_of(vec![(2, own)], select(all).boxed());
    list(active, element)
}

fn type_names() -> Vec<&'static str> {
    GameType::ALL.iter().map(|t| t.as_str()).collect()
}

fn mode_names() -> Vec<&'static str> {
    GameMode::ALL.iter().map(|t| t.as_str()).collect()
}

/// A random valid filter over the catalog's vocabulary (no `effective`, which
/// the reference does not evaluate). It is drawn around an anchor game: most
/// values come from that game (its player counts, minutes and their products
/// with its multipliers, weight, year, type, mode, terms), so bounds often
/// sit exactly on a game's value and results are seldom empty; the rest come
/// from the whole catalog or are random. Each scalar field is set with
/// probability `density` (player-count fields: half that; `mechanics`,
/// `type`: 1.5 times; designer and publisher: half).
fn raw_filter(c: &Catalog, density: f64) -> impl Strategy<Value = RawFilter> + use<> {
    let anchors: Vec<GameFacts> = c.games.values().cloned().collect();
    let pools = std::sync::Arc::new((
        c.minutes.clone(),
        c.weights.clone(),
        c.years.clone(),
        [
            c.mechanics.clone(),
            c.themes.clone(),
            c.categories.clone(),
            c.designers.clone(),
            c.publishers.clone(),
            c.families.clone(),
        ],
    ));
    select(anchors).prop_flat_map(move |g| {
        let (all_minutes, all_weights, all_years, vocab) = &*pools;
        let p = density;
        let mut counts: Vec<i64> = [g.min_players, g.max_players]
            .into_iter()
            .flatten()
            .collect();
        counts.extend(g.ratings.iter().map(|r| r.0));
        counts.extend(g.legacy_polls.iter().map(|r| r.0));
        let count = one_of(vec![(3, counts)], (1i64..=12).boxed());
        let mut own_minutes = Vec::new();
        for v in [
            g.min_playtime,
            g.max_playtime,
            g.community_min,
            g.community_max,
        ]
        .into_iter()
        .flatten()
        {
            own_minutes.push(v);
            for level in ExperienceLevel::ALL {
                let product = v as f64 * GameFilter::multiplier(*level, g.multipliers.as_ref());
                own_minutes.extend([product.floor() as i64, product.ceil() as i64]);
            }
        }
        let minutes = one_of(
            vec![(3, own_minutes), (1, all_minutes.clone())],
            (0i64..=400).boxed(),
        );
        // The game's weight, the doubles just beside it, any catalog weight.
        let beside: Vec<f64> = g
            .weight
            .iter()
            .flat_map(|w| [w.next_up(), w.next_down()])
            .filter(|w| (1.0..=5.0).contains(w))
            .collect();
        let weight = one_of(
            vec![
                (3, g.weight.into_iter().collect()),
                (1, beside),
                (1, all_weights.clone()),
            ],
            prop_oneof![
                (100u32..=500).prop_map(|w| f64::from(w) / 100.0),
                1.0f64..=5.0,
            ]
            .boxed(),
        );
        let year = one_of(
            vec![(3, g.year.into_iter().collect()), (1, all_years.clone())],
            (-3000i64..=2100).boxed(),
        );
        let players = (
            maybe(p / 2.0, count.clone()),
            range(p / 2.0, count.clone()),
            maybe(p / 2.0, count.clone()),
            maybe(p / 2.0, count),
        );
        let playtime = (
            range(p, minutes.clone()),
            maybe(0.5, select(vec!["publisher", "community"])),
            maybe(0.5, select(ExperienceLevel::ALL.to_vec())),
        );
        let kinds = (
            names(Some(&g.game_type), &type_names(), p * 1.5),
            names(g.mode.as_deref(), &mode_names(), p),
        );
        let [
            mechanics,
            themes,
            categories,
            designers,
            publishers,
            families,
        ] = vocab;
        let taxonomy = (
            terms(&g.mechanics, mechanics, p * 1.5, 3),
            terms(&g.mechanics, mechanics, p, 3),
            terms(&g.mechanics, mechanics, p, 1),
            terms(&g.themes, themes, p, 3),
            terms(&g.themes, themes, p, 1),
        );
        let people = (
            terms(&g.designers, designers, p * 0.5, 3),
            terms(&g.publishers, publishers, p * 0.5, 3),
            terms(&g.families, families, p, 3),
            terms(&g.categories, categories, p, 3),
        );
        (
            players,
            playtime,
            range(p, minutes),
            range(p, weight),
            range(p, year),
            kinds,
            taxonomy,
            people,
        )
            .prop_map(
                |(
                    (players, (players_min, players_max), best_at, recommended_at),
                    ((playtime_min, playtime_max), source, experience),
                    (community_playtime_min, community_playtime_max),
                    (weight_min, weight_max),
                    (year_min, year_max),
                    (types, modes),
                    (mechanics, mechanics_all, mechanics_not, themes, theme_not),
                    (designers, publishers, families, categories),
                )| RawFilter {
                    players,
                    players_min,
                    players_max,
                    best_at,
                    recommended_at,
                    playtime_min,
                    playtime_max,
                    community_playtime_min,
                    community_playtime_max,
                    // Inert without a bound: set only with one.
                    playtime_source: source
                        .filter(|_| playtime_min.or(playtime_max).is_some())
                        .map(str::to_string),
                    playtime_experience: experience
                        .filter(|_| playtime_min.or(playtime_max).is_some())
                        .map(|l| l.as_str().to_string()),
                    weight_min,
                    weight_max,
                    types,
                    modes,
                    mechanics,
                    mechanics_all,
                    mechanics_not,
                    themes,
                    theme_not,
                    designers,
                    publishers,
                    families,
                    categories,
                    year_min,
                    year_max,
                    ..RawFilter::default()
                },
            )
    })
}

/// A filter with a sort, an order, a page size, and how to spell the query.
#[derive(Debug, Clone)]
struct Case {
    filter: RawFilter,
    limit: u32,
    spelling: Spelling,
}

/// How a query string spells a filter (all mean the same, D15, D3, rule 38).
#[derive(Debug, Clone, Copy, Default)]
struct Spelling {
    /// Empty slug-list parameters for inactive dimensions (`mechanics=`;
    /// not `type=`/`mode=`, which are enums: an empty one is a 400).
    empty_params: bool,
    /// `top_at` for `best_at`, `categories` for `category`, lists as
    /// repeated parameters instead of comma-separated values.
    aliases: bool,
    /// Slugs and UUIDs in upper case, list items padded with spaces.
    messy: bool,
    /// Under the `/v1` mount (D6).
    v1: bool,
}

fn case(c: &Catalog) -> impl Strategy<Value = Case> + use<> {
    (
        raw_filter(c, DENSITY),
        maybe(0.8, select(SortKey::ALL.to_vec())),
        maybe(0.5, select(Direction::ALL.to_vec())),
        select(vec![100u32, 100, 100, 30]),
        [0.2, 0.2, 0.2, 0.2].map(prop::bool::weighted),
    )
        .prop_map(
            |(mut filter, sort, order, limit, [empty_params, aliases, messy, v1])| {
                let sort = sort.filter(|k| {
                    *k != SortKey::BestAtDistance
                        || filter.players.is_some()
                        || filter.best_at.is_some()
                });
                filter.sort = sort.map(|k| k.as_str().to_string());
                filter.order = order.map(|d| d.as_str().to_string());
                Case {
                    filter,
                    limit,
                    spelling: Spelling {
                        empty_params,
                        aliases,
                        messy,
                        v1,
                    },
                }
            },
        )
}

/// The dimensions of SPEC-NOTES §3.5 (combined with AND).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dimension {
    Players,
    Playtime,
    Community,
    Weight,
    Type,
    Mode,
    Mechanics,
    Themes,
    Designer,
    Publisher,
    Family,
    Category,
    Year,
}

const DIMENSIONS: [Dimension; 13] = [
    Dimension::Players,
    Dimension::Playtime,
    Dimension::Community,
    Dimension::Weight,
    Dimension::Type,
    Dimension::Mode,
    Dimension::Mechanics,
    Dimension::Themes,
    Dimension::Designer,
    Dimension::Publisher,
    Dimension::Family,
    Dimension::Category,
    Dimension::Year,
];

fn is_active(f: &RawFilter, d: Dimension) -> bool {
    match d {
        Dimension::Players => {
            f.players.is_some()
                || f.players_min.is_some()
                || f.players_max.is_some()
                || f.best_at.is_some()
                || f.recommended_at.is_some()
        }
        Dimension::Playtime => {
            f.playtime_min.is_some()
                || f.playtime_max.is_some()
                || f.playtime_source.is_some()
                || f.playtime_experience.is_some()
        }
        Dimension::Community => {
            f.community_playtime_min.is_some() || f.community_playtime_max.is_some()
        }
        Dimension::Weight => f.weight_min.is_some() || f.weight_max.is_some(),
        Dimension::Type => !f.types.is_empty(),
        Dimension::Mode => !f.modes.is_empty(),
        Dimension::Mechanics => {
            !(f.mechanics.is_empty() && f.mechanics_all.is_empty() && f.mechanics_not.is_empty())
        }
        Dimension::Themes => !(f.themes.is_empty() && f.theme_not.is_empty()),
        Dimension::Designer => !f.designers.is_empty(),
        Dimension::Publisher => !f.publishers.is_empty(),
        Dimension::Family => !f.families.is_empty(),
        Dimension::Category => !f.categories.is_empty(),
        Dimension::Year => f.year_min.is_some() || f.year_max.is_some(),
    }
}

/// Copies dimension `d` of `from` into `to`.
fn copy_dimension(from: &RawFilter, to: &mut RawFilter, d: Dimension) {
    match d {
        Dimension::Players => {
            to.players = from.players;
            to.players_min = from.players_min;
            to.players_max = from.players_max;
            to.best_at = from.best_at;
            to.recommended_at = from.recommended_at;
        }
        Dimension::Playtime => {
            to.playtime_min = from.playtime_min;
            to.playtime_max = from.playtime_max;
            to.playtime_source = from.playtime_source.clone();
            to.playtime_experience = from.playtime_experience.clone();
        }
        Dimension::Community => {
            to.community_playtime_min = from.community_playtime_min;
            to.community_playtime_max = from.community_playtime_max;
        }
        Dimension::Weight => {
            to.weight_min = from.weight_min;
            to.weight_max = from.weight_max;
        }
        Dimension::Type => to.types = from.types.clone(),
        Dimension::Mode => to.modes = from.modes.clone(),
        Dimension::Mechanics => {
            to.mechanics = from.mechanics.clone();
            to.mechanics_all = from.mechanics_all.clone();
            to.mechanics_not = from.mechanics_not.clone();
        }
        Dimension::Themes => {
            to.themes = from.themes.clone();
            to.theme_not = from.theme_not.clone();
        }
        Dimension::Designer => to.designers = from.designers.clone(),
        Dimension::Publisher => to.publishers = from.publishers.clone(),
        Dimension::Family => to.families = from.families.clone(),
        Dimension::Category => to.categories = from.categories.clone(),
        Dimension::Year => {
            to.year_min = from.year_min;
            to.year_max = from.year_max;
        }
    }
}

/// Two filters over disjoint dimensions, each with at least one: the active
/// dimensions of one filter (drawn around one anchor game, so that A∧B is
/// often not empty), split at random between A and B.
fn disjoint_pair(c: &Catalog) -> impl Strategy<Value = (RawFilter, RawFilter)> + use<> {
    (raw_filter(c, PAIR_DENSITY), any::<u16>())
        .prop_map(|(f, mask)| {
            let (mut a, mut b) = (RawFilter::default(), RawFilter::default());
            for (i, d) in DIMENSIONS.iter().enumerate() {
                let side = if mask & (1 << i) != 0 { &mut a } else { &mut b };
                copy_dimension(&f, side, *d);
            }
            (a, b)
        })
        .prop_filter("both filters constrain something", |(a, b)| {
            let constrains = |f: &RawFilter| DIMENSIONS.iter().any(|d| is_active(f, *d));
            constrains(a) && constrains(b)
        })
}

fn both(a: &RawFilter, b: &RawFilter) -> RawFilter {
    let mut out = a.clone();
    for d in DIMENSIONS {
        if is_active(b, d) {
            copy_dimension(b, &mut out, d);
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Calling the API
// ---------------------------------------------------------------------------

fn validated(raw: &RawFilter) -> Result<opentabletop::domain::filters::GameQuery, TestCaseError> {
    raw.validate(GET_DEFAULTS)
        .map_err(|e| TestCaseError::fail(format!("the strategy made an invalid filter: {e:?}")))
}

fn encode(pairs: &[(&str, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
        .finish()
}

/// The GET query string of a validated filter (and its sort, when given).
fn query_string(raw: &RawFilter, spelling: Spelling) -> Result<String, TestCaseError> {
    let q = validated(raw)?;
    let mut pairs = q.filter.to_query();
    if spelling.messy {
        for (k, v) in &mut pairs {
            let slugs = [
                "mechanics",
                "mechanics_all",
                "mechanics_not",
                "themes",
                "theme_not",
                "designer",
                "publisher",
                "family",
                "category",
            ];
            if slugs.contains(k) {
                *v = v.to_ascii_uppercase();
            }
            if slugs.contains(k) || *k == "type" || *k == "mode" {
                *v = format!(" {} ,", v.replace(',', " , "));
            }
        }
    }
    if spelling.aliases {
        let mut spelled = Vec::new();
        for (k, v) in pairs {
            match k {
                "best_at" => spelled.push(("top_at", v)),
                "category" => spelled.push(("categories", v)),
                "type" | "mode" | "mechanics" | "mechanics_all" | "mechanics_not" | "themes"
                | "theme_not" | "designer" | "publisher" | "family" => {
                    spelled.extend(v.split(',').map(|item| (k, item.to_string())))
                }
                _ => spelled.push((k, v)),
            }
        }
        pairs = spelled;
    }
    if raw.sort.is_some() {
        pairs.push(("sort", q.sort.key.as_str().to_string()));
    }
    if raw.order.is_some() {
        pairs.push(("order", q.sort.direction.as_str().to_string()));
    }
    if spelling.empty_params {
        for name in [
            "mechanics",
            "mechanics_all",
            "mechanics_not",
            "themes",
            "theme_not",
            "designer",
            "publisher",
            "family",
            "category",
        ] {
            if !pairs.iter().any(|(k, _)| *k == name) {
                pairs.push((name, String::new()));
            }
        }
    }
    Ok(encode(&pairs))
}

#[derive(Debug, Default)]
struct Listing {
    slugs: Vec<String>,
    total: u64,
    pages: usize,
    /// Games that carry `matched_via` (effective mode, D28).
    matched_via: BTreeSet<String>,
}

impl Listing {
    fn set(&self) -> BTreeSet<String> {
        self.slugs.iter().cloned().collect()
    }
}

fn page_of(status: u16, text: &str, what: &str) -> Result<(Vec<String>, Value), TestCaseError> {
    if status != 200 {
        return Err(TestCaseError::fail(format!("{what} → {status}: {text}")));
    }
    let body: Value = serde_json::from_str(text)
        .map_err(|e| TestCaseError::fail(format!("{what}: not JSON ({e})")))?;
    let slugs = body["data"]
        .as_array()
        .ok_or_else(|| TestCaseError::fail(format!("{what}: no data: {text}")))?
        .iter()
        .map(|g| g["slug"].as_str().unwrap_or_default().to_string())
        .collect();
    Ok((slugs, body))
}

/// Checks the envelope of one page and appends it to the listing.
fn add_page(
    listing: &mut Listing,
    slugs: Vec<String>,
    body: &Value,
    active: usize,
    what: &str,
) -> Result<(), TestCaseError> {
    let meta = &body["meta"];
    let total = meta["total"].as_u64().unwrap_or(u64::MAX);
    if listing.pages > 0 && total != listing.total {
        return Err(TestCaseError::fail(format!(
            "{what}: meta.total changed from {} to {total} between pages",
            listing.total
        )));
    }
    listing.total = total;
    listing.pages += 1;
    for g in body["data"].as_array().into_iter().flatten() {
        if g.get("matched_via").is_some() {
            listing
                .matched_via
                .insert(g["slug"].as_str().unwrap_or_default().to_string());
        }
    }
    listing.slugs.extend(slugs);
    let summary = &meta["filter_summary"];
    if summary["total_matching"].as_u64() != Some(total)
        || summary["total_unfiltered"].as_u64() != Some(active as u64)
    {
        return Err(TestCaseError::fail(format!(
            "{what}: filter_summary {summary} (total {total}, {active} active games)"
        )));
    }
    if listing.pages > 50 {
        return Err(TestCaseError::fail(format!("{what}: more than 50 pages")));
    }
    Ok(())
}

fn check_listing(listing: &Listing, what: &str) -> Result<(), TestCaseError> {
    let set = listing.set();
    if set.len() != listing.slugs.len() {
        return Err(TestCaseError::fail(format!(
            "{what}: a game came twice across {} pages",
            listing.pages
        )));
    }
    if listing.total != set.len() as u64 {
        return Err(TestCaseError::fail(format!(
            "{what}: meta.total {} but {} games over {} pages",
            listing.total,
            set.len(),
            listing.pages
        )));
    }
    Ok(())
}

/// Every page of GET `/games?{query}&limit=100`, following `_links.next`.
fn list_get(w: &World, query: &str) -> Result<Listing, TestCaseError> {
    list_get_limit(w, "", query, 100)
}

/// Every page of GET `{mount}/games?{query}&limit={limit}`.
fn list_get_limit(
    w: &World,
    mount: &str,
    query: &str,
    limit: u32,
) -> Result<Listing, TestCaseError> {
    let what = format!("GET {mount}/games?{query}&limit={limit}");
    let mut listing = Listing::default();
    let mut uri = format!("{mount}/games?{query}&limit={limit}");
    loop {
        let reply = w.block_on(get_unchecked(&w.app, &uri));
        let (slugs, body) = page_of(reply.status.as_u16(), &reply.text, &what)?;
        add_page(&mut listing, slugs, &body, w.catalog.games.len(), &what)?;
        match body["_links"]["next"]["href"].as_str() {
            Some(next) if next.starts_with(&format!("{mount}/games?")) => uri = next.to_string(),
            Some(next) => {
                return Err(TestCaseError::fail(format!(
                    "{what}: next link {next} leaves the mount"
                )));
            }
            None => break,
        }
    }
    check_listing(&listing, &what)?;
    Ok(listing)
}

/// GET without the response-schema check of [`common::call`] (other tests
/// validate the envelopes; here it would take most of the time budget).
async fn get_unchecked(app: &axum::Router, uri: &str) -> common::Reply {
    let request = axum::http::Request::builder()
        .uri(uri)
        .header("host", "api.test")
        .body(axum::body::Body::empty())
        .unwrap();
    send_unchecked(app, request).await
}

/// POST of a JSON body, without the response-schema check.
async fn post_unchecked(app: &axum::Router, uri: &str, body: &Value) -> common::Reply {
    let request = axum::http::Request::builder()
        .method(axum::http::Method::POST)
        .uri(uri)
        .header("host", "api.test")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    send_unchecked(app, request).await
}

async fn send_unchecked(
    app: &axum::Router,
    request: axum::http::Request<axum::body::Body>,
) -> common::Reply {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    common::Reply {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// The POST `/games/search` body of a validated filter.
fn search_body(f: &GameFilter) -> Value {
    fn put(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
        if let Some(v) = value {
            map.insert(key.to_string(), v);
        }
    }
    fn object(pairs: Vec<(&str, Option<Value>)>) -> Option<Value> {
        let mut map = Map::new();
        for (k, v) in pairs {
            put(&mut map, k, v);
        }
        (!map.is_empty()).then_some(Value::Object(map))
    }
    let int = |v: Option<i64>| v.map(Value::from);
    let list = |v: &[String]| (!v.is_empty()).then(|| json!(v));
    let csv = |v: Vec<&str>| (!v.is_empty()).then(|| json!(v.join(",")));
    let strings = |v: &[String]| csv(v.iter().map(String::as_str).collect());
    let mut filters = Map::new();
    put(
        &mut filters,
        "players",
        object(vec![
            ("exact", int(f.players)),
            ("min", int(f.players_min)),
            ("max", int(f.players_max)),
            ("best_at", int(f.best_at)),
            ("recommended_at", int(f.recommended_at)),
        ]),
    );
    put(
        &mut filters,
        "playtime",
        object(vec![
            ("min", int(f.playtime_min)),
            ("max", int(f.playtime_max)),
            ("community_min", int(f.community_playtime_min)),
            ("community_max", int(f.community_playtime_max)),
            (
                "source",
                (f.playtime_source != PlaytimeSource::Publisher)
                    .then(|| json!(f.playtime_source.as_str())),
            ),
            (
                "experience",
                f.playtime_experience.map(|l| json!(l.as_str())),
            ),
        ]),
    );
    put(
        &mut filters,
        "weight",
        object(vec![
            ("min", f.weight_min.map(Value::from)),
            ("max", f.weight_max.map(Value::from)),
        ]),
    );
    put(
        &mut filters,
        "type",
        csv(f.types.iter().map(|t| t.as_str()).collect()),
    );
    put(
        &mut filters,
        "mode",
        csv(f.modes.iter().map(|t| t.as_str()).collect()),
    );
    put(
        &mut filters,
        "mechanics",
        object(vec![
            ("any", list(&f.mechanics)),
            ("all", list(&f.mechanics_all)),
            ("not", list(&f.mechanics_not)),
        ]),
    );
    put(
        &mut filters,
        "theme",
        object(vec![
            ("include", list(&f.themes)),
            ("not", list(&f.theme_not)),
        ]),
    );
    put(&mut filters, "designer", strings(&f.designers));
    put(&mut filters, "publisher", strings(&f.publishers));
    put(&mut filters, "family", strings(&f.families));
    put(&mut filters, "category", strings(&f.categories));
    put(
        &mut filters,
        "year",
        object(vec![("min", int(f.year_min)), ("max", int(f.year_max))]),
    );
    json!({ "filters": filters, "limit": 100 })
}

/// Every page of POST `/games/search`, following `meta.next_cursor`.
fn list_post(w: &World, body: &Value) -> Result<Listing, TestCaseError> {
    let what = format!("POST /games/search {body}");
    let mut listing = Listing::default();
    let mut request = body.clone();
    loop {
        let reply = w.block_on(post_unchecked(&w.app, "/games/search", &request));
        let (slugs, page) = page_of(reply.status.as_u16(), &reply.text, &what)?;
        add_page(&mut listing, slugs, &page, w.catalog.games.len(), &what)?;
        match page["meta"]["next_cursor"].as_str() {
            Some(cursor) => request["cursor"] = json!(cursor),
            None => break,
        }
    }
    check_listing(&listing, &what)?;
    Ok(listing)
}

/// Checks that `slugs` (every page, in order) follow the query's sort: by the
/// sort value in the requested direction, games without one last, ties by id
/// in the same direction (D12, D29, D30).
fn in_order(
    what: &str,
    slugs: &[String],
    q: &opentabletop::domain::filters::GameQuery,
    c: &Catalog,
) -> Result<(), TestCaseError> {
    let key = |slug: &String| {
        let s = &c.sort[slug];
        (
            s.value(q.sort.key, q.distance_origin(), &c.games[slug]),
            s.id,
        )
    };
    let mut expected = slugs.to_vec();
    expected.sort_by(|a, b| {
        let ((va, ia), (vb, ib)) = (key(a), key(b));
        let by_value = match (&va, &vb) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Greater,
            (Some(_), None) => return std::cmp::Ordering::Less,
            (Some(x), Some(y)) => x.partial_cmp(y).expect("no NaN"),
        };
        let order = by_value.then(ia.cmp(&ib));
        match q.sort.direction {
            Direction::Asc => order,
            Direction::Desc => order.reverse(),
        }
    });
    if let Some(i) = (0..slugs.len()).find(|i| slugs[*i] != expected[*i]) {
        let show = |slug: &String| format!("{slug} {:?}", key(slug));
        return Err(TestCaseError::fail(format!(
            "{what}: out of order at position {i} of {} ({} {}): got {}, expected {}",
            slugs.len(),
            q.sort.key.as_str(),
            q.sort.direction.as_str(),
            show(&slugs[i]),
            show(&expected[i]),
        )));
    }
    Ok(())
}

/// Fails with the difference between the API's set and the reference's,
/// and the facts of a few games on each side.
fn same_set(
    what: &str,
    got: &BTreeSet<String>,
    want: &BTreeSet<String>,
    c: &Catalog,
) -> Result<(), TestCaseError> {
    if got == want {
        return Ok(());
    }
    let missing: Vec<&String> = want.difference(got).collect();
    let extra: Vec<&String> = got.difference(want).collect();
    let show = |list: &[&String]| {
        list.iter()
            .take(3)
            .map(|s| match c.games.get(*s) {
                Some(f) => format!("\n    {s}: {f:?}"),
                None if c.archived.contains(*s) => format!("\n    {s}: (archived)"),
                None => format!("\n    {s}: (unknown)"),
            })
            .collect::<String>()
    };
    Err(TestCaseError::fail(format!(
        "{what}\n  API {} games, reference {}\n  missing from the API ({}):{}\n  \
         not in the reference ({}):{}",
        got.len(),
        want.len(),
        missing.len(),
        show(&missing),
        extra.len(),
        show(&extra),
    )))
}

// ---------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------

fn seed() -> u64 {
    std::env::var("FILTER_PROPS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED)
}

fn cases() -> u32 {
    std::env::var("FILTER_PROPS_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

/// Result sizes seen by one property (to tell a vacuous run from a real one).
#[derive(Default)]
struct Sizes {
    cases: Cell<usize>,
    empty: Cell<usize>,
    everything: Cell<usize>,
    sum: Cell<usize>,
    dimensions: Cell<usize>,
}

impl Sizes {
    fn record(&self, f: &RawFilter, n: usize, all: usize) {
        self.cases.set(self.cases.get() + 1);
        let active = DIMENSIONS.iter().filter(|d| is_active(f, **d)).count();
        self.dimensions.set(self.dimensions.get() + active);
        self.sum.set(self.sum.get() + n);
        if n == 0 {
            self.empty.set(self.empty.get() + 1);
        }
        if n == all {
            self.everything.set(self.everything.get() + 1);
        }
    }
}

/// Runs one property with a fixed seed; returns its failure, if any.
fn run<S>(
    name: &str,
    index: u64,
    cases: u32,
    w: &World,
    strategy: S,
    test: impl Fn(S::Value, &Sizes) -> Result<(), TestCaseError>,
) -> Option<String>
where
    S: Strategy,
    S::Value: Debug,
{
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 300,
        max_shrink_time: 30_000,
        ..Config::default()
    };
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed().to_le_bytes());
    bytes[8..16].copy_from_slice(&index.to_le_bytes());
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    let sizes = Sizes::default();
    let started = Instant::now();
    let result = runner.run(&strategy, |value| test(value, &sizes));
    let cases = sizes.cases.get().max(1);
    eprintln!(
        "{name}: {} cases in {:.1}s, {:.1} dimensions per filter; results: {} empty, \
         {} everything, mean {:.1} of {} games",
        sizes.cases.get(),
        started.elapsed().as_secs_f64(),
        sizes.dimensions.get() as f64 / cases as f64,
        sizes.empty.get(),
        sizes.everything.get(),
        sizes.sum.get() as f64 / cases as f64,
        w.catalog.games.len(),
    );
    match result {
        Ok(()) => None,
        Err(TestError::Fail(reason, value)) => Some(format!(
            "{name} failed (seed {}): {reason}\n  minimal input: {value:?}",
            seed()
        )),
        Err(TestError::Abort(reason)) => Some(format!("{name} aborted: {reason}")),
    }
}

/// Property 1: GET `/games` = the reference, in any sort, over every page.
fn get_matches_reference(w: &World) -> Option<String> {
    run(
        "get_matches_reference",
        1,
        cases(),
        w,
        case(&w.catalog),
        |case, sizes| {
            let q = validated(&case.filter)?;
            let query = query_string(&case.filter, case.spelling)?;
            let mount = if case.spelling.v1 { "/v1" } else { "" };
            let listing = list_get_limit(w, mount, &query, case.limit)?;
            let want = w.catalog.reference(&q.filter);
            sizes.record(&case.filter, want.len(), w.catalog.games.len());
            let what = format!("GET {mount}/games?{query}&limit={}", case.limit);
            same_set(&what, &listing.set(), &want, &w.catalog)?;
            in_order(&what, &listing.slugs, &q, &w.catalog)
        },
    )
}

/// Property 2: A∧B = A ∩ B for filters over disjoint dimensions.
fn conjunction_is_intersection(w: &World) -> Option<String> {
    run(
        "conjunction_is_intersection",
        2,
        cases(),
        w,
        disjoint_pair(&w.catalog),
        |(a, b), sizes| {
            let ab = both(&a, &b);
            let (qa, qb, qab) = (
                query_string(&a, Spelling::default())?,
                query_string(&b, Spelling::default())?,
                query_string(&ab, Spelling::default())?,
            );
            let ra = list_get(w, &qa)?.set();
            let rb = list_get(w, &qb)?.set();
            let rab = list_get(w, &qab)?.set();
            let want: BTreeSet<String> = ra.intersection(&rb).cloned().collect();
            sizes.record(&ab, want.len(), w.catalog.games.len());
            same_set(
                &format!("GET /games?{qab} vs the intersection of ?{qa} and ?{qb}"),
                &rab,
                &want,
                &w.catalog,
            )?;
            let reference = w.catalog.reference(&validated(&ab)?.filter);
            same_set(&format!("GET /games?{qab}"), &rab, &reference, &w.catalog)
        },
    )
}

/// Property 3: POST `/games/search` with the nested body = GET `/games`.
/// GET agrees with the reference (property 1), so POST is compared with the
/// reference, and GET is asked only to tell which of the two is off.
/// (`filters.players.exact` wins over `min`/`max` in a body, SPEC-NOTES
/// rule 47, so `players_min`/`players_max` are dropped when `players` is set.)
fn post_matches_get(w: &World) -> Option<String> {
    run(
        "post_matches_get",
        3,
        cases(),
        w,
        raw_filter(&w.catalog, DENSITY),
        |raw, sizes| {
            let mut raw = raw;
            if raw.players.is_some() {
                raw.players_min = None;
                raw.players_max = None;
            }
            let q = validated(&raw)?;
            let body = search_body(&q.filter);
            let posted = list_post(w, &body)?.set();
            let want = w.catalog.reference(&q.filter);
            sizes.record(&raw, want.len(), w.catalog.games.len());
            if posted == want {
                return Ok(());
            }
            let query = query_string(&raw, Spelling::default())?;
            let listed = list_get(w, &query)?.set();
            same_set(
                &format!("POST /games/search {body} vs GET /games?{query}"),
                &posted,
                &listed,
                &w.catalog,
            )?;
            same_set(
                &format!("POST /games/search {body} (GET /games?{query} agrees with POST)"),
                &posted,
                &want,
                &w.catalog,
            )
        },
    )
}

/// Property 5: `effective=true` only widens (D28, D31): every game the
/// plain filter matches still matches, the games it adds are base games that
/// carry `matched_via`, and a filter without an effective dimension (player
/// counts, publisher playtime, weight) gives the same set. The plain set is
/// the reference (equal to GET by property 1).
fn effective_only_widens(w: &World) -> Option<String> {
    run(
        "effective_only_widens",
        5,
        // Beyond the brief of the reference model: half the cases.
        cases() / 2,
        w,
        raw_filter(&w.catalog, DENSITY),
        |raw, sizes| {
            let q = validated(&raw)?;
            let plain = w.catalog.reference(&q.filter);
            let effective = RawFilter {
                effective: true,
                ..raw.clone()
            };
            let query = query_string(&effective, Spelling::default())?;
            let what = format!("GET /games?{query}");
            let listing = list_get(w, &query)?;
            let got = listing.set();
            sizes.record(&raw, got.len(), w.catalog.games.len());
            let f = &q.filter;
            let widens = f.players.is_some()
                || f.players_min.is_some()
                || f.players_max.is_some()
                || f.best_at.is_some()
                || f.recommended_at.is_some()
                || f.weight_min.is_some()
                || f.weight_max.is_some()
                || (f.playtime_source == PlaytimeSource::Publisher
                    && (f.playtime_min.is_some() || f.playtime_max.is_some()));
            let lost: Vec<&String> = plain.difference(&got).collect();
            let added: Vec<&String> = got.difference(&plain).collect();
            let wrong: Vec<&&String> = added
                .iter()
                .filter(|s| {
                    w.catalog.games[**s].game_type != "base_game"
                        || !listing.matched_via.contains(**s)
                })
                .collect();
            if !lost.is_empty() || !wrong.is_empty() || (!widens && !added.is_empty()) {
                return Err(TestCaseError::fail(format!(
                    "{what}: {} games without effective, {} with; lost {lost:?}; added {added:?} \
                     (not base games or without matched_via: {wrong:?}); \
                     an effective dimension is {}set",
                    plain.len(),
                    got.len(),
                    if widens { "" } else { "not " }
                )));
            }
            Ok(())
        },
    )
}

/// Property 4: GET `/export/games` (JSONL or CSV) counts and streams the
/// reference's set: `X-Export-Row-Count`, the JSONL manifest's `row_count`
/// and the rows streamed all equal the reference count.
fn export_matches_reference(w: &World) -> Option<String> {
    run(
        "export_matches_reference",
        4,
        cases(),
        w,
        (raw_filter(&w.catalog, DENSITY), prop::bool::weighted(0.3)),
        |(raw, csv), sizes| {
            let q = validated(&raw)?;
            let mut query = query_string(&raw, Spelling::default())?;
            if csv {
                query = if query.is_empty() {
                    "format=csv".into()
                } else {
                    format!("{query}&format=csv")
                };
            }
            let what = format!("GET /export/games?{query}");
            // Not `common::get`: a JSONL body of the manifest alone parses as
            // JSON, which the response-schema check would then take for the body.
            let reply = w.block_on(get_unchecked(&w.app, &format!("/export/games?{query}")));
            if reply.status != 200 {
                return Err(TestCaseError::fail(format!(
                    "{what} → {}: {}",
                    reply.status, reply.text
                )));
            }
            let want = w.catalog.reference(&q.filter);
            sizes.record(&raw, want.len(), w.catalog.games.len());
            let header = reply.header("x-export-row-count").to_string();
            let (row_count, streamed) = if csv {
                let records = csv_records(&reply.text);
                let slug = records
                    .first()
                    .and_then(|h| h.iter().position(|c| c == "slug"))
                    .ok_or_else(|| TestCaseError::fail(format!("{what}: no slug column")))?;
                let slugs: Vec<String> = records[1..].iter().map(|r| r[slug].clone()).collect();
                (Value::from(slugs.len()), slugs)
            } else {
                let mut lines = reply.text.lines();
                let manifest: Value = lines
                    .next()
                    .and_then(|l| serde_json::from_str(l).ok())
                    .ok_or_else(|| TestCaseError::fail(format!("{what}: no manifest")))?;
                let slugs: Vec<String> = lines
                    .map(|l| {
                        serde_json::from_str::<Value>(l)
                            .ok()
                            .and_then(|g| g["slug"].as_str().map(str::to_string))
                    })
                    .collect::<Option<_>>()
                    .ok_or_else(|| TestCaseError::fail(format!("{what}: a line is not a game")))?;
                (manifest["row_count"].clone(), slugs)
            };
            if header != want.len().to_string()
                || row_count.as_u64() != Some(want.len() as u64)
                || streamed.len() != want.len()
            {
                return Err(TestCaseError::fail(format!(
                    "{what}: X-Export-Row-Count {header}, row_count {row_count}, {} rows \
                     streamed, reference {}",
                    streamed.len(),
                    want.len()
                )));
            }
            same_set(&what, &streamed.into_iter().collect(), &want, &w.catalog)
        },
    )
}

/// The records of a CSV text (RFC 4180: quoted fields may hold commas,
/// quotes and line breaks).
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

#[test]
fn filter_properties() {
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (db, app, catalog) = runtime.block_on(async {
        let db = TestDb::new().await;
        let state = db.state().await;
        import_generated(&state, GENERATED_GAMES, GENERATED_SEED).await;
        import_demo(&state).await;
        add_variety(state.db.primary()).await;
        let catalog = ground_truth(state.db.primary()).await;
        (db, opentabletop::http::app(state), catalog)
    });
    let kinds: BTreeMap<&str, usize> = catalog.games.values().fold(BTreeMap::new(), |mut m, f| {
        *m.entry(f.game_type.as_str()).or_default() += 1;
        m
    });
    eprintln!(
        "catalog: {} active games {kinds:?}, {} archived, {} with ratings, {} with legacy polls \
         only, {} with own multipliers, {} without weight, {} without year; loaded in {:.1}s \
         ({})",
        catalog.games.len(),
        catalog.archived.len(),
        catalog
            .games
            .values()
            .filter(|f| !f.ratings.is_empty())
            .count(),
        catalog
            .games
            .values()
            .filter(|f| f.ratings.is_empty() && !f.legacy_polls.is_empty())
            .count(),
        catalog
            .games
            .values()
            .filter(|f| f.multipliers.is_some())
            .count(),
        catalog
            .games
            .values()
            .filter(|f| f.weight.is_none())
            .count(),
        catalog.games.values().filter(|f| f.year.is_none()).count(),
        started.elapsed().as_secs_f64(),
        if db.is_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
    );
    assert!(
        catalog.games.len() > GENERATED_GAMES,
        "both catalogs loaded"
    );
    assert!(!catalog.archived.is_empty());
    assert!(!catalog.families.pool.is_empty(), "the demo has families");
    let world = World {
        runtime,
        app,
        catalog,
    };
    if std::env::var("FILTER_PROPS_PROFILE").is_ok() {
        for q in [
            "",
            "sort=rating&order=desc",
            "sort=weight",
            "type=expansion",
        ] {
            let t = Instant::now();
            let l = list_get(&world, q).unwrap();
            eprintln!(
                "GET {q}: {} pages {:.3}s",
                l.pages,
                t.elapsed().as_secs_f64()
            );
        }
        let t = Instant::now();
        let l = list_post(&world, &json!({"limit": 100})).unwrap();
        eprintln!("POST: {} pages {:.3}s", l.pages, t.elapsed().as_secs_f64());
        let t = Instant::now();
        let r = world.block_on(get_unchecked(&world.app, "/export/games"));
        eprintln!("export: {} {:.3}s", r.text.len(), t.elapsed().as_secs_f64());
    }
    // Two threads (the properties only share the read-only world): the
    // A∧B property takes about as long as two of the others.
    type Property = fn(&World) -> Option<String>;
    let lanes: [&[Property]; 2] = [
        &[conjunction_is_intersection, export_matches_reference],
        &[
            get_matches_reference,
            post_matches_get,
            effective_only_widens,
        ],
    ];
    let failures: Vec<String> = std::thread::scope(|scope| {
        let world = &world;
        let handles: Vec<_> = lanes
            .iter()
            .map(|lane| {
                scope.spawn(move || {
                    lane.iter()
                        .filter_map(|property| property(world))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|_| vec!["a property panicked".into()])
            })
            .collect()
    });
    let World { runtime, app, .. } = world;
    drop(app);
    drop(db);
    drop(runtime);
    eprintln!("filter_properties: {:.1}s", started.elapsed().as_secs_f64());
    assert!(failures.is_empty(), "\n\n{}\n", failures.join("\n\n"));
}
