//! Reading, validating and resolving catalog files.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use super::files::*;
use super::ids::stable_id;
use super::yaml::{self, Document};

/// One file of a catalog: its path as shown in messages, and its text.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as shown in messages.
    pub path: String,
    /// The path relative to the data root, `/`-separated (decides what the file is).
    pub rel: String,
    pub text: String,
}

/// A problem with a record: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        } else {
            write!(
                f,
                "{}:{}: {}: {}",
                self.file, self.line, self.field, self.message
            )
        }
    }
}

/// File names the importer reads; anything else is ignored.
const FAMILY_FILES: &[&str] = &[
    "game.yaml",
    "expansions.yaml",
    "player-count-ratings.yaml",
    "experience-playtime.yaml",
    "property-modifications.yaml",
    "expansion-combinations.yaml",
    "relationships.yaml",
    "editions.yaml",
];
const ROOT_FILES: &[&str] = &[
    "designers.yaml",
    "publishers.yaml",
    "families.yaml",
    "awards.yaml",
];
const TAXONOMY_FILES: &[&str] = &["mechanics.yaml", "categories.yaml", "themes.yaml"];

/// Reads every catalog file below the given directories. Paths in messages
/// are shown as given on the command line.
pub fn read_dirs(dirs: &[PathBuf]) -> std::io::Result<Vec<Source>> {
    let mut out = Vec::new();
    for dir in dirs {
        if !dir.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{} is not a directory", dir.display()),
            ));
        }
        walk(dir, dir, &mut out)?;
    }
    Ok(out)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<Source>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out)?;
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if classify(&rel).is_some() {
            out.push(Source {
                path: path.display().to_string(),
                rel,
                text: std::fs::read_to_string(&path)?,
            });
        }
    }
    Ok(())
}

/// What a file is, from its path relative to the data root.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Taxonomy(&'static str),
    Root(&'static str),
    Family(&'static str),
}

fn classify(rel: &str) -> Option<Kind> {
    let rel = rel.replace('\\', "/");
    let name = rel.rsplit('/').next().unwrap_or(&rel);
    let parent = rel
        .rsplit('/')
        .nth(1)
        .filter(|_| rel.contains('/'))
        .unwrap_or("");
    if parent == "taxonomy"
        && let Some(k) = TAXONOMY_FILES.iter().find(|f| **f == name)
    {
        return Some(Kind::Taxonomy(k));
    }
    if !rel.contains('/')
        && let Some(k) = ROOT_FILES.iter().find(|f| **f == name)
    {
        return Some(Kind::Root(k));
    }
    if let Some(k) = FAMILY_FILES.iter().find(|f| **f == name) {
        return Some(Kind::Family(k));
    }
    None
}

/// What the database already holds: slugs and ids, so that an import can
/// refer to entities imported earlier, and keeps their ids.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub mechanics: HashMap<String, Uuid>,
    pub categories: HashMap<String, Uuid>,
    pub themes: HashMap<String, Uuid>,
    /// (kind, alias) → canonical slug.
    pub synonyms: HashMap<(String, String), String>,
    pub people: HashMap<String, Uuid>,
    pub publishers: HashMap<String, Uuid>,
    pub families: HashMap<String, Uuid>,
    pub awards: HashMap<String, Uuid>,
    /// slug → (id, parent id)
    pub games: HashMap<String, (Uuid, Option<Uuid>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub bgg_ids: Vec<i64>,
    pub ancestor_slugs: Vec<String>,
    pub children_slugs: Vec<String>,
    pub parent_slug: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub country: Option<String>,
    pub website: Option<String>,
    pub organization: Option<String>,
    pub bgg_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Game {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub sort_name: String,
    pub game_type: String,
    pub parent_game_id: Option<Uuid>,
    pub year_published: Option<i64>,
    pub description: Option<String>,
    pub description_short: Option<String>,
    pub min_players: Option<i64>,
    pub max_players: Option<i64>,
    pub min_playtime_minutes: Option<i64>,
    pub max_playtime_minutes: Option<i64>,
    pub community_playtime_min_minutes: Option<i64>,
    pub community_playtime_max_minutes: Option<i64>,
    pub community_playtime_median_minutes: Option<i64>,
    pub min_age: Option<i64>,
    pub community_suggested_age: Option<i64>,
    pub weight: Option<f64>,
    pub weight_votes: Option<i64>,
    pub average_rating: Option<f64>,
    pub bayes_rating: Option<f64>,
    pub rating_count: Option<i64>,
    pub rating_stddev: Option<f64>,
    pub rating_distribution: Option<Vec<i64>>,
    pub rank_overall: Option<i64>,
    pub owner_count: Option<i64>,
    pub wishlist_count: Option<i64>,
    pub total_plays: Option<i64>,
    pub mode: Option<String>,
    pub language_dependence: Option<String>,
    pub funding_source: Option<String>,
    pub status: String,
    pub image_url: Option<String>,
    pub thumbnail_url: Option<String>,
    pub bgg_id: Option<i64>,
    pub mechanics: Vec<Uuid>,
    pub categories: Vec<Uuid>,
    pub themes: Vec<Uuid>,
    pub designers: Vec<Uuid>,
    pub artists: Vec<Uuid>,
    pub publishers: Vec<Uuid>,
    pub families: Vec<Uuid>,
    pub identifiers: Vec<(String, String)>,
    pub alternate_names: Vec<AlternateNameRecord>,
    pub credits: Vec<(Uuid, String)>,
    pub awards: Vec<(Uuid, i64, String, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    pub game_id: Uuid,
    pub player_count: i64,
    pub average_rating: f64,
    pub rating_count: i64,
    pub rating_stddev: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    pub game_id: Uuid,
    pub experience_level: String,
    pub median_minutes: i64,
    pub min_minutes: Option<i64>,
    pub max_minutes: Option<i64>,
    pub total_reports: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Modification {
    pub base_game_id: Uuid,
    pub expansion_id: Uuid,
    pub min_players_delta: i64,
    pub max_players_delta: i64,
    pub playtime_min_delta: i64,
    pub playtime_max_delta: i64,
    pub min_age_delta: i64,
    pub weight_delta: f64,
    pub best_at_delta: Vec<i64>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Combination {
    pub id: Uuid,
    pub base_game_id: Uuid,
    /// As listed in the file.
    pub expansion_ids: Vec<Uuid>,
    pub source: String,
    pub effective_min_players: Option<i64>,
    pub effective_max_players: Option<i64>,
    pub effective_best_at: Option<Vec<i64>>,
    pub effective_recommended_at: Option<Vec<i64>>,
    pub effective_weight: Option<f64>,
    pub effective_playtime_min: Option<i64>,
    pub effective_playtime_max: Option<i64>,
    pub effective_min_age: Option<i64>,
    pub experience_playtime: Option<Value>,
}

impl Combination {
    /// The exact-set key: sorted ids joined by commas.
    pub fn expansion_key(&self) -> String {
        let mut ids: Vec<String> = self.expansion_ids.iter().map(Uuid::to_string).collect();
        ids.sort();
        ids.join(",")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Relationship {
    pub source: Uuid,
    pub target: Uuid,
    pub relationship_type: String,
    pub metadata: Option<Value>,
    pub ordinal: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Edition {
    pub id: Uuid,
    pub game_id: Uuid,
    pub slug: Option<String>,
    pub name: String,
    pub year_published: Option<i64>,
    pub language: Option<String>,
    pub product_codes: Option<Value>,
    pub dimensions: Option<Value>,
    pub box_weight: Option<Value>,
    pub release_status: Option<String>,
    pub release_date: Option<chrono::NaiveDate>,
    pub image_url: Option<String>,
    pub thumbnail_url: Option<String>,
    pub notes: Option<String>,
    pub is_canonical: bool,
    pub publishers: Vec<Uuid>,
    pub artists: Vec<Uuid>,
    pub deltas: Option<EditionDeltaRecord>,
}

/// A validated catalog, every reference resolved to an id.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub mechanics: Vec<Term>,
    pub categories: Vec<Term>,
    pub themes: Vec<Term>,
    /// (kind, alias, canonical slug)
    pub synonyms: Vec<(String, String, String)>,
    pub people: Vec<Entity>,
    pub publishers: Vec<Entity>,
    pub families: Vec<Entity>,
    pub awards: Vec<Entity>,
    pub games: Vec<Game>,
    pub ratings: Vec<Rating>,
    pub levels: Vec<Level>,
    pub modifications: Vec<Modification>,
    pub combinations: Vec<Combination>,
    pub relationships: Vec<Relationship>,
    pub editions: Vec<Edition>,
}

impl Catalog {
    /// Counts per entity, for the import summary.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        vec![
            ("mechanics", self.mechanics.len()),
            ("categories", self.categories.len()),
            ("themes", self.themes.len()),
            ("synonyms", self.synonyms.len()),
            ("people", self.people.len()),
            ("publishers", self.publishers.len()),
            ("families", self.families.len()),
            ("awards", self.awards.len()),
            ("games", self.games.len()),
            ("player_count_ratings", self.ratings.len()),
            ("experience_levels", self.levels.len()),
            ("property_modifications", self.modifications.len()),
            ("expansion_combinations", self.combinations.len()),
            ("relationships", self.relationships.len()),
            ("editions", self.editions.len()),
        ]
    }
}

pub const GAME_TYPES: &[&str] = &[
    "base_game",
    "expansion",
    "standalone_expansion",
    "promo",
    "accessory",
    "fan_expansion",
];
pub const MODES: &[&str] = &["cooperative", "competitive", "solo", "team", "mixed"];
pub const LANGUAGE_DEPENDENCE: &[&str] = &[
    "no_text",
    "some_text",
    "moderate_text",
    "extensive_text",
    "unplayable_without_text",
];
pub const FUNDING_SOURCES: &[&str] = &[
    "retail",
    "kickstarter",
    "gamefound",
    "backerkit",
    "self_published",
    "other",
];
pub const STATUSES: &[&str] = &["active", "pending", "archived"];
pub const EXPERIENCE_LEVELS: &[&str] = &["first_play", "learning", "experienced", "expert"];
pub const COMBINATION_SOURCES: &[&str] = &["community_poll", "publisher", "computed"];
pub const RELATIONSHIP_TYPES: &[&str] = &[
    "expands",
    "reimplements",
    "contains",
    "requires",
    "recommends",
    "integrates_with",
];
pub const RELEASE_STATUSES: &[&str] = &["announced", "preorder", "released", "out_of_print"];
pub const PRODUCT_CODE_TYPES: &[&str] = &["upc", "ean", "isbn", "asin", "sku"];
pub const CREDIT_ROLES: &[&str] = &[
    "developer",
    "graphic_designer",
    "sculptor",
    "editor",
    "writer",
    "insert_designer",
    "solo_mode_designer",
    "narrator",
    "producer",
];
pub const AWARD_RESULTS: &[&str] = &["nominated", "shortlisted", "recommended", "won"];
pub const NAME_SOURCES: &[&str] = &["bgg", "publisher", "community"];

/// Whether `s` is a valid slug (`^[a-z0-9]+(-[a-z0-9]+)*$`, at most 200 characters).
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Sort name: lower case, a leading English article removed.
pub fn sort_name(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    for article in ["the ", "a ", "an "] {
        if let Some(rest) = lower.strip_prefix(article)
            && !rest.is_empty()
        {
            return rest.trim_start().to_string();
        }
    }
    lower
}

/// Collects problems while validating one document.
struct Check<'a> {
    file: &'a str,
    doc: &'a Document,
    strict: bool,
    errors: &'a mut Vec<Problem>,
    warnings: &'a mut Vec<Problem>,
}

impl Check<'_> {
    fn problem(&self, path: &str, message: impl Into<String>) -> Problem {
        let field = path
            .rsplit(['.', ']'])
            .next()
            .filter(|f| !f.is_empty())
            .unwrap_or(path)
            .to_string();
        Problem {
            file: self.file.to_string(),
            line: self.doc.line(path),
            field: if field.is_empty() {
                path.to_string()
            } else {
                field
            },
            message: message.into(),
        }
    }

    fn error(&mut self, path: &str, message: impl Into<String>) {
        let p = self.problem(path, message);
        self.errors.push(p);
    }

    /// An unknown reference: a warning, or an error with `--strict`.
    fn unknown(&mut self, path: &str, what: &str, value: &str) {
        let p = self.problem(path, format!("unknown {what} '{value}'"));
        if self.strict {
            self.errors.push(p);
        } else {
            self.warnings.push(p);
        }
    }

    fn int_range(&mut self, path: &str, v: Option<i64>, min: i64, max: i64) {
        if let Some(v) = v
            && !(min..=max).contains(&v)
        {
            self.error(path, format!("{v} is out of range {min}..{max}"));
        }
    }

    fn float_range(&mut self, path: &str, v: Option<f64>, min: f64, max: f64) {
        if let Some(v) = v
            && !(v.is_finite() && v >= min && v <= max)
        {
            self.error(path, format!("{v} is out of range {min:.1}..{max:.1}"));
        }
    }

    fn one_of(&mut self, path: &str, v: Option<&str>, allowed: &[&str]) {
        if let Some(v) = v
            && !allowed.contains(&v)
        {
            self.error(path, format!("'{v}' is not one of: {}", allowed.join(", ")));
        }
    }

    fn min_max(&mut self, path: &str, min: Option<i64>, max: Option<i64>, what: &str) {
        if let (Some(a), Some(b)) = (min, max)
            && a > b
        {
            self.error(
                path,
                format!("minimum {what} {a} is greater than maximum {b}"),
            );
        }
    }

    fn url(&mut self, path: &str, v: Option<&str>) {
        if let Some(v) = v {
            let ok = url::Url::parse(v)
                .map(|u| matches!(u.scheme(), "http" | "https"))
                .unwrap_or(false);
            if !ok {
                self.error(path, format!("'{v}' is not an absolute http(s) URL"));
            }
        }
    }

    fn slug(&mut self, path: &str, v: &str) {
        if !is_slug(v) {
            self.error(
                path,
                format!(
                    "'{v}' is not a valid slug (lower-case letters, digits and single hyphens)"
                ),
            );
        }
    }

    fn uuid(&mut self, path: &str, v: &str) -> Option<Uuid> {
        match Uuid::parse_str(v) {
            Ok(id) => Some(id),
            Err(_) => {
                self.error(path, format!("'{v}' is not a UUID"));
                None
            }
        }
    }

    /// Deserializes `value` (found at `path`) into `T`, reporting a type error
    /// at the exact field.
    fn parse<T: DeserializeOwned>(&mut self, path: &str, value: &Value) -> Option<T> {
        match serde_path_to_error::deserialize::<_, T>(value) {
            Ok(v) => Some(v),
            Err(err) => {
                let inner = err.path().to_string();
                let full = match (path.is_empty(), inner.as_str()) {
                    (_, ".") => path.to_string(),
                    (true, p) => p.to_string(),
                    (false, p) if p.starts_with('[') => format!("{path}{p}"),
                    (false, p) => format!("{path}.{p}"),
                };
                let message = err.into_inner().to_string();
                self.error(&full, message);
                None
            }
        }
    }

    /// The document as a list of `T` (a mapping is a list of one).
    fn list<T: DeserializeOwned>(&mut self) -> Vec<(String, T)> {
        match &self.doc.value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let path = format!("[{i}]");
                    self.parse::<T>(&path, v).map(|t| (path, t))
                })
                .collect(),
            Value::Null => Vec::new(),
            Value::Object(_) => self
                .parse::<T>("", &self.doc.value)
                .map(|t| vec![(String::new(), t)])
                .unwrap_or_default(),
            _ => {
                self.error("", "expected a list of records");
                Vec::new()
            }
        }
    }
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

struct Parsed {
    path: String,
    kind: Kind,
    /// Folder of a family file (relative path without the file name).
    folder: String,
    doc: Document,
}

/// Validates and resolves every source into one [`Catalog`]. Errors make the
/// whole catalog unusable (nothing is written); warnings are reported.
pub fn build(
    sources: &[Source],
    known: &Known,
    strict: bool,
) -> Result<(Catalog, Vec<Problem>), Vec<Problem>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();

    // Parse and classify.
    let mut parsed = Vec::new();
    for source in sources {
        let rel = &source.rel;
        let Some(kind) = classify(rel) else { continue };
        let folder = rel
            .rsplit_once('/')
            .map(|(f, _)| f.to_string())
            .unwrap_or_default();
        match yaml::parse(&source.text) {
            Ok(doc) => parsed.push(Parsed {
                path: source.path.clone(),
                kind,
                folder,
                doc,
            }),
            Err(e) => errors.push(Problem {
                file: source.path.clone(),
                line: e.line,
                field: String::new(),
                message: format!("YAML syntax error: {}", e.message),
            }),
        }
    }

    let mut r = Resolver::new(known);
    macro_rules! check {
        ($p:expr) => {
            Check {
                file: &$p.path,
                doc: &$p.doc,
                strict,
                errors: &mut errors,
                warnings: &mut warnings,
            }
        };
    }

    // 1. Taxonomy.
    for p in parsed
        .iter()
        .filter(|p| matches!(p.kind, Kind::Taxonomy(_)))
    {
        let Kind::Taxonomy(file) = p.kind else {
            unreachable!()
        };
        let kind = match file {
            "mechanics.yaml" => "mechanic",
            "categories.yaml" => "category",
            _ => "theme",
        };
        let mut c = check!(p);
        r.terms(kind, &mut c);
    }
    r.check_synonyms(&parsed, strict, &mut errors, &mut warnings);

    // 2. People, publishers, families, awards.
    for p in parsed.iter().filter(|p| matches!(p.kind, Kind::Root(_))) {
        let Kind::Root(file) = p.kind else {
            unreachable!()
        };
        let mut c = check!(p);
        r.entities(file, &mut c);
    }

    // 3. Games of every family folder, then everything that refers to games.
    let mut family_base: HashMap<String, Uuid> = HashMap::new();
    for p in parsed
        .iter()
        .filter(|p| p.kind == Kind::Family("game.yaml"))
    {
        let mut c = check!(p);
        if let Some(id) = r.games(&mut c, None, true) {
            family_base.insert(p.folder.clone(), id);
        }
    }
    for p in parsed
        .iter()
        .filter(|p| p.kind == Kind::Family("expansions.yaml"))
    {
        let base = family_base.get(&p.folder).copied();
        let mut c = check!(p);
        if base.is_none() {
            c.error("", "expansions.yaml needs a game.yaml in the same folder");
            continue;
        }
        r.games(&mut c, base, false);
    }
    r.resolve_parents(&parsed, strict, &mut errors, &mut warnings);
    for p in parsed.iter() {
        let Kind::Family(file) = p.kind else { continue };
        let base = family_base.get(&p.folder).copied();
        let mut c = check!(p);
        match file {
            "player-count-ratings.yaml" => r.ratings(&mut c, base),
            "experience-playtime.yaml" => r.experience(&mut c, base),
            "property-modifications.yaml" => r.modifications(&mut c, base),
            "expansion-combinations.yaml" => r.combinations(&mut c, base),
            "relationships.yaml" => r.relationships(&mut c),
            "editions.yaml" => r.editions(&mut c, base),
            _ => {}
        }
    }
    r.link_games(&parsed, strict, &mut errors, &mut warnings);
    derive_relationships(&mut r.catalog);

    if errors.is_empty() {
        Ok((r.catalog, warnings))
    } else {
        Err(errors)
    }
}

/// Relationship edges implied by `parent_game_id` (D7, D22), for pairs that
/// `relationships.yaml` does not relate already: the base `expands` into each
/// expansion, promo, accessory or fan expansion (source = base, target = the
/// product); a standalone expansion `integrates_with` its base, stored in
/// both directions.
fn derive_relationships(catalog: &mut Catalog) {
    let related: HashSet<(Uuid, Uuid)> = catalog
        .relationships
        .iter()
        .flat_map(|r| [(r.source, r.target), (r.target, r.source)])
        .collect();
    let mut derived = Vec::new();
    for g in &catalog.games {
        let Some(parent) = g.parent_game_id else {
            continue;
        };
        if parent == g.id || related.contains(&(parent, g.id)) {
            continue;
        }
        let edge = |source: Uuid, target: Uuid, kind: &str| Relationship {
            source,
            target,
            relationship_type: kind.to_string(),
            metadata: None,
            ordinal: g.year_published,
        };
        match g.game_type.as_str() {
            "standalone_expansion" => {
                derived.push(edge(parent, g.id, "integrates_with"));
                derived.push(edge(g.id, parent, "integrates_with"));
            }
            "base_game" => {}
            _ => derived.push(edge(parent, g.id, "expands")),
        }
    }
    catalog.relationships.extend(derived);
}

/// Relations of a game waiting for all games and terms to be known.
struct PendingLinks {
    game: usize,
    file: String,
    doc_index: usize,
    path: String,
    record: GameRecord,
}

struct Resolver<'k> {
    known: &'k Known,
    catalog: Catalog,
    terms: HashMap<&'static str, HashMap<String, Uuid>>,
    /// (kind, alias) → canonical slug, with the file position of the alias.
    synonyms: HashMap<(String, String), String>,
    entities: HashMap<&'static str, HashMap<String, Uuid>>,
    games: HashMap<String, usize>,
    game_ids: HashMap<Uuid, usize>,
    pending: Vec<PendingLinks>,
    parents: Vec<(usize, String, usize, String, String)>,
    combo_keys: HashSet<(Uuid, String)>,
}

impl<'k> Resolver<'k> {
    fn new(known: &'k Known) -> Self {
        Resolver {
            known,
            catalog: Catalog::default(),
            terms: HashMap::new(),
            synonyms: known.synonyms.clone(),
            entities: HashMap::new(),
            games: HashMap::new(),
            game_ids: HashMap::new(),
            pending: Vec::new(),
            parents: Vec::new(),
            combo_keys: HashSet::new(),
        }
    }

    fn known_terms(&self, kind: &str) -> &HashMap<String, Uuid> {
        match kind {
            "mechanic" => &self.known.mechanics,
            "category" => &self.known.categories,
            _ => &self.known.themes,
        }
    }

    fn terms(&mut self, kind: &'static str, c: &mut Check) {
        for (path, t) in c.list::<TermRecord>() {
            c.slug(&join(&path, "slug"), &t.slug);
            let entry = self.terms.entry(kind).or_default();
            if entry.contains_key(&t.slug) {
                c.error(
                    &join(&path, "slug"),
                    format!("duplicate {kind} '{}'", t.slug),
                );
                continue;
            }
            let id = match &t.id {
                Some(s) => match c.uuid(&join(&path, "id"), s) {
                    Some(id) => id,
                    None => continue,
                },
                None => self
                    .known_terms(kind)
                    .get(&t.slug)
                    .copied()
                    .unwrap_or_else(|| stable_id(kind, &t.slug)),
            };
            self.terms
                .entry(kind)
                .or_default()
                .insert(t.slug.clone(), id);
            for (i, alias) in t.synonyms.iter().enumerate() {
                let apath = format!("{}[{i}]", join(&path, "synonyms"));
                if !is_slug(alias) {
                    // Upstream synonyms are sometimes phrases: keep slug-shaped ones.
                    continue;
                }
                let key = (kind.to_string(), alias.clone());
                if let Some(previous) = self.synonyms.get(&key)
                    && previous != &t.slug
                    && self
                        .catalog
                        .synonyms
                        .iter()
                        .any(|s| s.0 == kind && s.1 == *alias)
                {
                    let p = c.problem(
                        &apath,
                        format!(
                            "synonym '{alias}' already names '{previous}'; kept for '{previous}'"
                        ),
                    );
                    c.warnings.push(p);
                    continue;
                }
                self.synonyms.insert(key, t.slug.clone());
                self.catalog
                    .synonyms
                    .push((kind.to_string(), alias.clone(), t.slug.clone()));
            }
            let mut bgg_ids = t.bgg_ids.clone();
            if let Some(b) = t.bgg_id
                && !bgg_ids.contains(&b)
            {
                bgg_ids.insert(0, b);
            }
            let term = Term {
                id,
                slug: t.slug,
                name: t.name,
                description: t.definition.or(t.description),
                bgg_ids,
                ancestor_slugs: t.ancestor_slugs,
                children_slugs: t.children_slugs,
                parent_slug: t.parent_slug,
            };
            match kind {
                "mechanic" => self.catalog.mechanics.push(term),
                "category" => self.catalog.categories.push(term),
                _ => self.catalog.themes.push(term),
            }
        }
    }

    /// Drops synonyms that are canonical slugs themselves, and checks lineage.
    fn check_synonyms(
        &mut self,
        _parsed: &[Parsed],
        _strict: bool,
        _errors: &mut [Problem],
        warnings: &mut Vec<Problem>,
    ) {
        let terms = &self.terms;
        let known = self.known;
        let is_canonical = |kind: &str, slug: &str| {
            terms.get(kind).is_some_and(|m| m.contains_key(slug))
                || match kind {
                    "mechanic" => known.mechanics.contains_key(slug),
                    "category" => known.categories.contains_key(slug),
                    _ => known.themes.contains_key(slug),
                }
        };
        let before = self.catalog.synonyms.len();
        self.catalog
            .synonyms
            .retain(|(kind, alias, _)| !is_canonical(kind, alias));
        self.synonyms
            .retain(|(kind, alias), _| !is_canonical(kind, alias));
        if before != self.catalog.synonyms.len() {
            warnings.push(Problem {
                file: "taxonomy".into(),
                line: 0,
                field: "synonyms".into(),
                message: format!(
                    "{} synonym(s) equal to a canonical slug were ignored",
                    before - self.catalog.synonyms.len()
                ),
            });
        }
    }

    fn entities(&mut self, file: &'static str, c: &mut Check) {
        let (kind, known) = match file {
            "designers.yaml" => ("person", &self.known.people),
            "publishers.yaml" => ("publisher", &self.known.publishers),
            "families.yaml" => ("family", &self.known.families),
            _ => ("award", &self.known.awards),
        };
        for (path, e) in c.list::<EntityRecord>() {
            c.slug(&join(&path, "slug"), &e.slug);
            if let Some(country) = &e.country
                && !(country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()))
            {
                c.error(
                    &join(&path, "country"),
                    format!("'{country}' is not an ISO 3166 alpha-2 code such as US or DE"),
                );
            }
            c.url(&join(&path, "website"), e.website.as_deref());
            let map = self.entities.entry(kind).or_default();
            if map.contains_key(&e.slug) {
                c.error(
                    &join(&path, "slug"),
                    format!("duplicate {kind} '{}'", e.slug),
                );
                continue;
            }
            let id = match &e.id {
                Some(s) => match c.uuid(&join(&path, "id"), s) {
                    Some(id) => id,
                    None => continue,
                },
                None => known
                    .get(&e.slug)
                    .copied()
                    .unwrap_or_else(|| stable_id(kind, &e.slug)),
            };
            map.insert(e.slug.clone(), id);
            let entity = Entity {
                id,
                slug: e.slug,
                name: e.name,
                description: e.description,
                country: e.country,
                website: e.website,
                organization: e.organization,
                bgg_id: e.bgg_id,
            };
            match kind {
                "person" => self.catalog.people.push(entity),
                "publisher" => self.catalog.publishers.push(entity),
                "family" => self.catalog.families.push(entity),
                _ => self.catalog.awards.push(entity),
            }
        }
    }

    /// Reads game records; returns the id of the first (the base game of a
    /// game.yaml).
    fn games(&mut self, c: &mut Check, base: Option<Uuid>, is_base_file: bool) -> Option<Uuid> {
        let records = c.list::<GameRecord>();
        if is_base_file && records.len() != 1 {
            if c.errors.is_empty() || !records.is_empty() {
                c.error("", "game.yaml must hold exactly one game");
            }
            return None;
        }
        let mut first = None;
        for (path, g) in records {
            let Some(id) = self.game(c, &path, g, base) else {
                continue;
            };
            first.get_or_insert(id);
        }
        first
    }

    fn game(
        &mut self,
        c: &mut Check,
        path: &str,
        g: GameRecord,
        base: Option<Uuid>,
    ) -> Option<Uuid> {
        let f = |field: &str| join(path, field);
        c.slug(&f("slug"), &g.slug);
        c.one_of(&f("type"), Some(&g.game_type), GAME_TYPES);
        c.one_of(&f("mode"), g.mode.as_deref(), MODES);
        let language_dependence = g.language_dependence.as_deref().map(|l| match l {
            "moderate" => "moderate_text".to_string(),
            other => other.to_string(),
        });
        c.one_of(
            &f("language_dependence"),
            language_dependence.as_deref(),
            LANGUAGE_DEPENDENCE,
        );
        c.one_of(
            &f("funding_source"),
            g.funding_source.as_deref(),
            FUNDING_SOURCES,
        );
        c.one_of(&f("status"), g.status.as_deref(), STATUSES);
        c.int_range(&f("min_players"), g.min_players, 1, 1000);
        c.int_range(&f("max_players"), g.max_players, 1, 1000);
        c.min_max(&f("min_players"), g.min_players, g.max_players, "players");
        for (field, v) in [
            ("min_playtime_minutes", g.min_playtime_minutes),
            ("max_playtime_minutes", g.max_playtime_minutes),
            (
                "community_playtime_min_minutes",
                g.community_playtime_min_minutes,
            ),
            (
                "community_playtime_max_minutes",
                g.community_playtime_max_minutes,
            ),
            (
                "community_playtime_median_minutes",
                g.community_playtime_median_minutes,
            ),
            ("min_age", g.min_age),
            ("community_suggested_age", g.community_suggested_age),
            ("weight_votes", g.weight_votes),
            ("rating_count", g.rating_count),
            ("owner_count", g.owner_count),
            ("wishlist_count", g.wishlist_count),
            ("total_plays", g.total_plays),
        ] {
            c.int_range(&f(field), v, 0, i32::MAX as i64);
        }
        c.int_range(&f("rank_overall"), g.rank_overall, 1, i32::MAX as i64);
        c.int_range(&f("year_published"), g.year_published, -5000, 3000);
        c.min_max(
            &f("min_playtime_minutes"),
            g.min_playtime_minutes,
            g.max_playtime_minutes,
            "playtime",
        );
        c.min_max(
            &f("community_playtime_min_minutes"),
            g.community_playtime_min_minutes,
            g.community_playtime_max_minutes,
            "community playtime",
        );
        c.float_range(&f("weight"), g.weight, 1.0, 5.0);
        c.float_range(&f("average_rating"), g.average_rating, 0.0, 10.0);
        c.float_range(&f("bayes_rating"), g.bayes_rating, 0.0, 10.0);
        c.float_range(&f("rating_stddev"), g.rating_stddev, 0.0, 10.0);
        if let Some(d) = &g.rating_distribution {
            if d.len() != 10 {
                c.error(
                    &f("rating_distribution"),
                    format!(
                        "needs exactly 10 counts (for ratings 1..10), has {}",
                        d.len()
                    ),
                );
            } else if d.iter().any(|n| *n < 0) {
                c.error(&f("rating_distribution"), "counts cannot be negative");
            }
        }
        if let Some(s) = &g.description_short
            && s.chars().count() > 1000
        {
            c.error(&f("description_short"), "longer than 1000 characters");
        }
        c.url(&f("image_url"), g.image_url.as_deref());
        c.url(&f("thumbnail_url"), g.thumbnail_url.as_deref());
        if g.game_type == "base_game" && (g.parent_game_id.is_some() || g.parent.is_some()) {
            c.error(&f("parent_game_id"), "a base game has no parent");
        }

        if self.games.contains_key(&g.slug) {
            c.error(&f("slug"), format!("duplicate game '{}'", g.slug));
            return None;
        }
        let known = self.known.games.get(&g.slug);
        let id = match &g.id {
            Some(s) => {
                let id = c.uuid(&f("id"), s)?;
                if let Some((existing, _)) = known
                    && *existing != id
                {
                    c.error(
                        &f("id"),
                        format!(
                            "game '{}' already exists with id {existing}; ids are immutable",
                            g.slug
                        ),
                    );
                    return None;
                }
                id
            }
            None => known
                .map(|(id, _)| *id)
                .unwrap_or_else(|| stable_id("game", &g.slug)),
        };
        if self.game_ids.contains_key(&id) {
            c.error(&f("id"), format!("duplicate game id {id}"));
            return None;
        }

        // The parent is resolved once every game is known.
        let parent_ref = g.parent_game_id.clone().or(g.parent.clone());
        let parent_game_id = if parent_ref.is_none() && g.game_type != "base_game" {
            base
        } else {
            None
        };
        let index = self.catalog.games.len();
        if let Some(reference) = parent_ref {
            self.parents.push((
                index,
                c.file.to_string(),
                0,
                f(if g.parent_game_id.is_some() {
                    "parent_game_id"
                } else {
                    "parent"
                }),
                reference,
            ));
        }
        let bgg_id = g
            .identifiers
            .iter()
            .find(|i| i.source == "bgg")
            .and_then(|i| match &i.external_id {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.parse().ok(),
                _ => None,
            });
        let game = Game {
            id,
            slug: g.slug.clone(),
            name: g.name.clone(),
            sort_name: g.sort_name.clone().unwrap_or_else(|| sort_name(&g.name)),
            game_type: g.game_type.clone(),
            parent_game_id,
            year_published: g.year_published,
            description: g.description.clone(),
            description_short: g.description_short.clone(),
            min_players: g.min_players,
            max_players: g.max_players,
            min_playtime_minutes: g.min_playtime_minutes,
            max_playtime_minutes: g.max_playtime_minutes,
            community_playtime_min_minutes: g.community_playtime_min_minutes,
            community_playtime_max_minutes: g.community_playtime_max_minutes,
            community_playtime_median_minutes: g.community_playtime_median_minutes,
            min_age: g.min_age,
            community_suggested_age: g.community_suggested_age,
            weight: g.weight.map(|w| (w * 100.0).round() / 100.0),
            weight_votes: g.weight_votes,
            average_rating: g.average_rating,
            bayes_rating: g.bayes_rating,
            rating_count: g.rating_count,
            rating_stddev: g.rating_stddev,
            rating_distribution: g.rating_distribution.clone(),
            rank_overall: g.rank_overall,
            owner_count: g.owner_count,
            wishlist_count: g.wishlist_count,
            total_plays: g.total_plays,
            mode: g.mode.clone(),
            language_dependence,
            funding_source: g.funding_source.clone(),
            status: g.status.clone().unwrap_or_else(|| "active".into()),
            image_url: g.image_url.clone(),
            thumbnail_url: g.thumbnail_url.clone(),
            bgg_id,
            mechanics: Vec::new(),
            categories: Vec::new(),
            themes: Vec::new(),
            designers: Vec::new(),
            artists: Vec::new(),
            publishers: Vec::new(),
            families: Vec::new(),
            identifiers: Vec::new(),
            alternate_names: Vec::new(),
            credits: Vec::new(),
            awards: Vec::new(),
        };
        self.games.insert(g.slug.clone(), index);
        self.game_ids.insert(id, index);
        self.catalog.games.push(game);
        self.pending.push(PendingLinks {
            game: index,
            file: c.file.to_string(),
            doc_index: 0,
            path: path.to_string(),
            record: g,
        });
        Some(id)
    }

    /// A game of this import or of the database, by slug or UUID.
    fn game_ref(&self, reference: &str) -> Option<(Uuid, Option<Uuid>)> {
        if let Some(i) = self.games.get(reference) {
            let g = &self.catalog.games[*i];
            return Some((g.id, g.parent_game_id));
        }
        if let Ok(id) = Uuid::parse_str(reference) {
            if let Some(i) = self.game_ids.get(&id) {
                let g = &self.catalog.games[*i];
                return Some((g.id, g.parent_game_id));
            }
            return self
                .known
                .games
                .values()
                .find(|(gid, _)| *gid == id)
                .copied();
        }
        self.known.games.get(reference).copied()
    }

    fn resolve_parents(
        &mut self,
        parsed: &[Parsed],
        strict: bool,
        errors: &mut Vec<Problem>,
        warnings: &mut Vec<Problem>,
    ) {
        let parents = std::mem::take(&mut self.parents);
        for (index, file, _, path, reference) in parents {
            let Some(p) = parsed.iter().find(|p| p.path == file) else {
                continue;
            };
            let mut c = Check {
                file: &p.path,
                doc: &p.doc,
                strict,
                errors,
                warnings,
            };
            match self.game_ref(&reference) {
                Some((id, _)) if id == self.catalog.games[index].id => {
                    c.error(&path, "a game cannot be its own parent")
                }
                Some((id, _)) => self.catalog.games[index].parent_game_id = Some(id),
                None => c.unknown(&path, "game", &reference),
            }
        }
    }

    fn term_ref(&self, kind: &str, slug: &str) -> Option<Uuid> {
        let canonical = self
            .synonyms
            .get(&(kind.to_string(), slug.to_string()))
            .map(String::as_str)
            .unwrap_or(slug);
        self.terms
            .get(kind)
            .and_then(|m| m.get(canonical))
            .or_else(|| self.known_terms(kind).get(canonical))
            .copied()
    }

    fn entity_ref(&self, kind: &str, slug: &str) -> Option<Uuid> {
        if let Some(id) = self.entities.get(kind).and_then(|m| m.get(slug)) {
            return Some(*id);
        }
        let known = match kind {
            "person" => &self.known.people,
            "publisher" => &self.known.publishers,
            "family" => &self.known.families,
            _ => &self.known.awards,
        };
        known.get(slug).copied()
    }

    /// Resolves the taxonomy, people and publisher links of every game.
    fn link_games(
        &mut self,
        parsed: &[Parsed],
        strict: bool,
        errors: &mut Vec<Problem>,
        warnings: &mut Vec<Problem>,
    ) {
        let pending = std::mem::take(&mut self.pending);
        for link in pending {
            let _ = link.doc_index;
            let Some(p) = parsed.iter().find(|p| p.path == link.file) else {
                continue;
            };
            let mut c = Check {
                file: &p.path,
                doc: &p.doc,
                strict,
                errors,
                warnings,
            };
            let g = &link.record;
            let path = &link.path;
            let mut resolve_terms = |kind: &str, field: &str, slugs: &[String]| {
                let mut ids = Vec::new();
                for (i, slug) in slugs.iter().enumerate() {
                    let at = format!("{}[{i}]", join(path, field));
                    match self.term_ref(kind, slug) {
                        Some(id) if !ids.contains(&id) => ids.push(id),
                        Some(_) => {}
                        None => c.unknown(&at, kind, slug),
                    }
                }
                ids
            };
            let mechanics = resolve_terms("mechanic", "mechanics", &g.mechanics);
            let categories = resolve_terms("category", "categories", &g.categories);
            let themes = resolve_terms("theme", "themes", &g.themes);
            let mut resolve_entities = |kind: &str, field: &str, slugs: &[String]| {
                let mut ids = Vec::new();
                for (i, slug) in slugs.iter().enumerate() {
                    let at = format!("{}[{i}]", join(path, field));
                    match self.entity_ref(kind, slug) {
                        Some(id) if !ids.contains(&id) => ids.push(id),
                        Some(_) => {}
                        None => c.unknown(&at, kind, slug),
                    }
                }
                ids
            };
            let designers = resolve_entities("person", "designers", &g.designers);
            let artists = resolve_entities("person", "artists", &g.artists);
            let publishers = resolve_entities("publisher", "publishers", &g.publishers);
            let families = resolve_entities("family", "families", &g.families);

            let mut identifiers = Vec::new();
            for (i, ident) in g.identifiers.iter().enumerate() {
                let value = match &ident.external_id {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => {
                        c.error(
                            &format!("{}[{i}].external_id", join(path, "identifiers")),
                            "expected a string or a number",
                        );
                        continue;
                    }
                };
                let pair = (ident.source.clone(), value);
                if !identifiers.contains(&pair) {
                    identifiers.push(pair);
                }
            }
            for (i, name) in g.alternate_names.iter().enumerate() {
                c.one_of(
                    &format!("{}[{i}].source", join(path, "alternate_names")),
                    name.source.as_deref(),
                    NAME_SOURCES,
                );
            }
            let mut credits = Vec::new();
            for (i, credit) in g.credits.iter().enumerate() {
                let at = format!("{}[{i}]", join(path, "credits"));
                c.one_of(&join(&at, "role"), Some(&credit.role), CREDIT_ROLES);
                match self.entity_ref("person", &credit.person) {
                    Some(id) => {
                        let pair = (id, credit.role.clone());
                        if !credits.contains(&pair) {
                            credits.push(pair);
                        }
                    }
                    None => c.unknown(&join(&at, "person"), "person", &credit.person),
                }
            }
            let mut awards = Vec::new();
            for (i, award) in g.awards.iter().enumerate() {
                let at = format!("{}[{i}]", join(path, "awards"));
                c.one_of(&join(&at, "result"), Some(&award.result), AWARD_RESULTS);
                match self.entity_ref("award", &award.award) {
                    Some(id) => {
                        let entry = (id, award.year, award.result.clone(), award.category.clone());
                        if !awards.contains(&entry) {
                            awards.push(entry);
                        }
                    }
                    None => c.unknown(&join(&at, "award"), "award", &award.award),
                }
            }
            let game = &mut self.catalog.games[link.game];
            game.mechanics = mechanics;
            game.categories = categories;
            game.themes = themes;
            game.designers = designers;
            game.artists = artists;
            game.publishers = publishers;
            game.families = families;
            game.identifiers = identifiers;
            game.alternate_names = g.alternate_names.clone();
            game.credits = credits;
            game.awards = awards;
        }
    }

    /// The game a record of a family file belongs to.
    fn owner(
        &self,
        c: &mut Check,
        path: &str,
        field: &str,
        reference: Option<&str>,
        base: Option<Uuid>,
    ) -> Option<Uuid> {
        match reference {
            Some(r) => match self.game_ref(r) {
                Some((id, _)) => Some(id),
                None => {
                    c.unknown(&join(path, field), "game", r);
                    None
                }
            },
            None => {
                if base.is_none() {
                    c.error(path, "names no game and its folder has no game.yaml");
                }
                base
            }
        }
    }

    fn ratings(&mut self, c: &mut Check, base: Option<Uuid>) {
        for (path, file) in c.list::<RatingsFile>() {
            let reference = file.game_id.as_deref().or(file.game.as_deref());
            let field = if file.game_id.is_some() {
                "game_id"
            } else {
                "game"
            };
            let Some(game_id) = self.owner(c, &path, field, reference, base) else {
                continue;
            };
            let mut seen = HashSet::new();
            for (i, r) in file.ratings.iter().enumerate() {
                let at = format!("{}[{i}]", join(&path, "ratings"));
                c.int_range(&join(&at, "player_count"), Some(r.player_count), 1, 1000);
                c.float_range(
                    &join(&at, "average_rating"),
                    Some(r.average_rating),
                    1.0,
                    5.0,
                );
                c.int_range(
                    &join(&at, "rating_count"),
                    Some(r.rating_count),
                    0,
                    i32::MAX as i64,
                );
                c.float_range(&join(&at, "rating_stddev"), r.rating_stddev, 0.0, 5.0);
                if !seen.insert(r.player_count) {
                    c.error(
                        &join(&at, "player_count"),
                        format!("player count {} is rated twice", r.player_count),
                    );
                    continue;
                }
                self.catalog.ratings.push(Rating {
                    game_id,
                    player_count: r.player_count,
                    average_rating: r.average_rating,
                    rating_count: r.rating_count,
                    rating_stddev: r.rating_stddev,
                });
            }
        }
    }

    fn levels(c: &mut Check, at: &str, levels: &[LevelRecord], game_id: Uuid) -> Vec<Level> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (i, l) in levels.iter().enumerate() {
            let p = format!("{at}[{i}]");
            c.one_of(
                &join(&p, "experience_level"),
                Some(&l.experience_level),
                EXPERIENCE_LEVELS,
            );
            c.int_range(
                &join(&p, "median_minutes"),
                Some(l.median_minutes),
                0,
                100_000,
            );
            c.int_range(&join(&p, "min_minutes"), l.min_minutes, 0, 100_000);
            c.int_range(&join(&p, "max_minutes"), l.max_minutes, 0, 100_000);
            c.int_range(
                &join(&p, "total_reports"),
                Some(l.total_reports),
                0,
                i32::MAX as i64,
            );
            c.min_max(
                &join(&p, "min_minutes"),
                l.min_minutes,
                l.max_minutes,
                "minutes",
            );
            if !seen.insert(l.experience_level.clone()) {
                c.error(
                    &join(&p, "experience_level"),
                    format!("level '{}' appears twice", l.experience_level),
                );
                continue;
            }
            out.push(Level {
                game_id,
                experience_level: l.experience_level.clone(),
                median_minutes: l.median_minutes,
                min_minutes: l.min_minutes,
                max_minutes: l.max_minutes,
                total_reports: l.total_reports,
            });
        }
        out
    }

    fn experience(&mut self, c: &mut Check, base: Option<Uuid>) {
        for (path, file) in c.list::<ExperienceFile>() {
            let reference = file.game_id.as_deref().or(file.game.as_deref());
            let field = if file.game_id.is_some() {
                "game_id"
            } else {
                "game"
            };
            let Some(game_id) = self.owner(c, &path, field, reference, base) else {
                continue;
            };
            let levels = Self::levels(c, &join(&path, "levels"), &file.levels, game_id);
            self.catalog.levels.extend(levels);
        }
    }

    /// An expansion of `base_id` (this import or the database).
    fn expansion_of(
        &self,
        c: &mut Check,
        at: &str,
        reference: &str,
        base_id: Uuid,
    ) -> Option<Uuid> {
        match self.game_ref(reference) {
            None => {
                c.unknown(at, "expansion", reference);
                None
            }
            Some((id, parent)) if parent == Some(base_id) => Some(id),
            Some(_) => {
                c.error(
                    at,
                    format!("'{reference}' is not an expansion of this base game"),
                );
                None
            }
        }
    }

    fn modifications(&mut self, c: &mut Check, base: Option<Uuid>) {
        let mut seen = HashSet::new();
        for (path, m) in c.list::<ModificationRecord>() {
            let Some(base_id) =
                self.owner(c, &path, "base_game_id", m.base_game_id.as_deref(), base)
            else {
                continue;
            };
            let (field, reference) = match (&m.expansion, &m.expansion_id) {
                (Some(s), _) => ("expansion", s.clone()),
                (None, Some(id)) => ("expansion_id", id.clone()),
                (None, None) => {
                    c.error(&path, "names no expansion (`expansion` or `expansion_id`)");
                    continue;
                }
            };
            let Some(expansion_id) = self.expansion_of(c, &join(&path, field), &reference, base_id)
            else {
                continue;
            };
            c.float_range(
                &join(&path, "weight_delta"),
                Some(m.weight_delta),
                -4.0,
                4.0,
            );
            for (i, n) in m.best_at_delta.iter().enumerate() {
                c.int_range(
                    &format!("{}[{i}]", join(&path, "best_at_delta")),
                    Some(*n),
                    1,
                    1000,
                );
            }
            if !seen.insert(expansion_id) {
                c.error(
                    &join(&path, field),
                    format!("'{reference}' has two modification records"),
                );
                continue;
            }
            self.catalog.modifications.push(Modification {
                base_game_id: base_id,
                expansion_id,
                min_players_delta: m.min_players_delta,
                max_players_delta: m.max_players_delta,
                playtime_min_delta: m.playtime_min_delta,
                playtime_max_delta: m.playtime_max_delta,
                min_age_delta: m.min_age_delta,
                weight_delta: m.weight_delta,
                best_at_delta: m.best_at_delta,
                description: m.description,
            });
        }
    }

    fn combinations(&mut self, c: &mut Check, base: Option<Uuid>) {
        for (path, m) in c.list::<CombinationRecord>() {
            let Some(base_id) =
                self.owner(c, &path, "base_game_id", m.base_game_id.as_deref(), base)
            else {
                continue;
            };
            let (field, refs) = if m.expansions.is_empty() {
                ("expansion_ids", &m.expansion_ids)
            } else {
                ("expansions", &m.expansions)
            };
            if refs.is_empty() {
                c.error(&path, "a combination needs at least one expansion");
                continue;
            }
            let mut ids = Vec::new();
            let mut complete = true;
            for (i, r) in refs.iter().enumerate() {
                match self.expansion_of(c, &format!("{}[{i}]", join(&path, field)), r, base_id) {
                    Some(id) if !ids.contains(&id) => ids.push(id),
                    Some(_) => {}
                    None => complete = false,
                }
            }
            if !complete {
                continue;
            }
            c.one_of(&join(&path, "source"), Some(&m.source), COMBINATION_SOURCES);
            c.int_range(
                &join(&path, "effective_min_players"),
                m.effective_min_players,
                1,
                1000,
            );
            c.int_range(
                &join(&path, "effective_max_players"),
                m.effective_max_players,
                1,
                1000,
            );
            c.min_max(
                &join(&path, "effective_min_players"),
                m.effective_min_players,
                m.effective_max_players,
                "players",
            );
            c.float_range(
                &join(&path, "effective_weight"),
                m.effective_weight,
                1.0,
                5.0,
            );
            c.int_range(
                &join(&path, "effective_playtime_min"),
                m.effective_playtime_min,
                0,
                100_000,
            );
            c.int_range(
                &join(&path, "effective_playtime_max"),
                m.effective_playtime_max,
                0,
                100_000,
            );
            c.min_max(
                &join(&path, "effective_playtime_min"),
                m.effective_playtime_min,
                m.effective_playtime_max,
                "playtime",
            );
            c.int_range(
                &join(&path, "effective_min_age"),
                m.effective_min_age,
                0,
                100,
            );
            for (field, list) in [
                ("effective_best_at", &m.effective_best_at),
                ("effective_recommended_at", &m.effective_recommended_at),
            ] {
                for (i, n) in list.iter().flatten().enumerate() {
                    c.int_range(&format!("{}[{i}]", join(&path, field)), Some(*n), 1, 1000);
                }
            }
            let experience = m.experience_playtime.as_ref().map(|levels| {
                let parsed = Self::levels(c, &join(&path, "experience_playtime"), levels, base_id);
                Value::Array(
                    parsed
                        .iter()
                        .map(|l| {
                            let mut o = serde_json::Map::new();
                            o.insert("experience_level".into(), l.experience_level.clone().into());
                            o.insert("median_minutes".into(), l.median_minutes.into());
                            if let Some(v) = l.min_minutes {
                                o.insert("min_minutes".into(), v.into());
                            }
                            if let Some(v) = l.max_minutes {
                                o.insert("max_minutes".into(), v.into());
                            }
                            o.insert("total_reports".into(), l.total_reports.into());
                            Value::Object(o)
                        })
                        .collect(),
                )
            });
            let mut combination = Combination {
                id: Uuid::nil(),
                base_game_id: base_id,
                expansion_ids: ids,
                source: m.source,
                effective_min_players: m.effective_min_players,
                effective_max_players: m.effective_max_players,
                effective_best_at: m.effective_best_at,
                effective_recommended_at: m.effective_recommended_at,
                effective_weight: m.effective_weight.map(|w| (w * 100.0).round() / 100.0),
                effective_playtime_min: m.effective_playtime_min,
                effective_playtime_max: m.effective_playtime_max,
                effective_min_age: m.effective_min_age,
                experience_playtime: experience,
            };
            let key = combination.expansion_key();
            if !self.combo_keys.insert((base_id, key.clone())) {
                c.error(
                    &join(&path, field),
                    "the same set of expansions is listed twice",
                );
                continue;
            }
            combination.id = stable_id("combination", &format!("{base_id}:{key}"));
            self.catalog.combinations.push(combination);
        }
    }

    fn relationships(&mut self, c: &mut Check) {
        let mut seen: HashSet<(Uuid, Uuid, String)> = self
            .catalog
            .relationships
            .iter()
            .map(|r| (r.source, r.target, r.relationship_type.clone()))
            .collect();
        for (path, rel) in c.list::<RelationshipRecord>() {
            c.one_of(
                &join(&path, "relationship_type"),
                Some(&rel.relationship_type),
                RELATIONSHIP_TYPES,
            );
            let source = self.game_ref(&rel.source).map(|g| g.0);
            let target = self.game_ref(&rel.target).map(|g| g.0);
            if source.is_none() {
                c.unknown(&join(&path, "source"), "game", &rel.source);
            }
            if target.is_none() {
                c.unknown(&join(&path, "target"), "game", &rel.target);
            }
            let (Some(source), Some(target)) = (source, target) else {
                continue;
            };
            if source == target {
                c.error(&path, "a game cannot be related to itself");
                continue;
            }
            let metadata = rel.metadata.clone().map(Value::Object);
            let mut edges = vec![(source, target)];
            if rel.relationship_type == "integrates_with" {
                edges.push((target, source));
            }
            for (s, t) in edges {
                if seen.insert((s, t, rel.relationship_type.clone())) {
                    self.catalog.relationships.push(Relationship {
                        source: s,
                        target: t,
                        relationship_type: rel.relationship_type.clone(),
                        metadata: metadata.clone(),
                        ordinal: rel.ordinal,
                    });
                }
            }
        }
    }

    fn editions(&mut self, c: &mut Check, base: Option<Uuid>) {
        let mut canonical: BTreeMap<Uuid, String> = BTreeMap::new();
        for (path, e) in c.list::<EditionRecord>() {
            let Some(game_id) = self.owner(c, &path, "game_id", e.game_id.as_deref(), base) else {
                continue;
            };
            if let Some(slug) = &e.slug {
                c.slug(&join(&path, "slug"), slug);
            }
            c.one_of(
                &join(&path, "release_status"),
                e.release_status.as_deref(),
                RELEASE_STATUSES,
            );
            c.url(&join(&path, "image_url"), e.image_url.as_deref());
            c.url(&join(&path, "thumbnail_url"), e.thumbnail_url.as_deref());
            let release_date = e.release_date.as_deref().and_then(|d| {
                match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                    Ok(date) => Some(date),
                    Err(_) => {
                        c.error(
                            &join(&path, "release_date"),
                            format!("'{d}' is not a date (YYYY-MM-DD)"),
                        );
                        None
                    }
                }
            });
            let mut codes = Vec::new();
            for (i, code) in e.product_codes.iter().enumerate() {
                let at = format!("{}[{i}]", join(&path, "product_codes"));
                c.one_of(
                    &join(&at, "type"),
                    Some(&code.code_type),
                    PRODUCT_CODE_TYPES,
                );
                let text = match &code.code {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => {
                        c.error(&join(&at, "code"), "expected a string");
                        continue;
                    }
                };
                codes.push(serde_json::json!({"type": code.code_type, "code": text}));
            }
            if e.is_canonical {
                if let Some(previous) = canonical.insert(game_id, e.name.clone()) {
                    c.error(
                        &join(&path, "is_canonical"),
                        format!("'{previous}' is already the canonical edition of this game"),
                    );
                }
                if e.deltas.is_some() {
                    c.error(
                        &join(&path, "deltas"),
                        "the canonical edition has no deltas",
                    );
                }
            }
            let mut publishers = Vec::new();
            for (i, slug) in e.publishers.iter().enumerate() {
                match self.entity_ref("publisher", slug) {
                    Some(id) => publishers.push(id),
                    None => c.unknown(
                        &format!("{}[{i}]", join(&path, "publishers")),
                        "publisher",
                        slug,
                    ),
                }
            }
            for (i, id) in e.publisher_ids.iter().enumerate() {
                if let Some(id) = c.uuid(&format!("{}[{i}]", join(&path, "publisher_ids")), id) {
                    publishers.push(id);
                }
            }
            let mut artists = Vec::new();
            for (i, slug) in e.artists.iter().enumerate() {
                match self.entity_ref("person", slug) {
                    Some(id) => artists.push(id),
                    None => c.unknown(&format!("{}[{i}]", join(&path, "artists")), "person", slug),
                }
            }
            if let Some(d) = &e.deltas {
                c.float_range(
                    &join(&path, "deltas.weight_delta"),
                    Some(d.weight_delta),
                    -4.0,
                    4.0,
                );
                for (i, n) in d.best_at_delta.iter().enumerate() {
                    c.int_range(
                        &format!("{}[{i}]", join(&path, "deltas.best_at_delta")),
                        Some(*n),
                        1,
                        1000,
                    );
                }
            }
            let key = e.slug.clone().unwrap_or_else(|| e.name.to_lowercase());
            let id = match &e.id {
                Some(s) => match c.uuid(&join(&path, "id"), s) {
                    Some(id) => id,
                    None => continue,
                },
                None => stable_id("edition", &format!("{game_id}:{key}")),
            };
            if self.catalog.editions.iter().any(|x| x.id == id) {
                c.error(
                    &join(&path, "name"),
                    format!("duplicate edition '{}'", e.name),
                );
                continue;
            }
            self.catalog.editions.push(Edition {
                id,
                game_id,
                slug: e.slug,
                name: e.name,
                year_published: e.year_published,
                language: e.language,
                product_codes: if codes.is_empty() {
                    None
                } else {
                    Some(Value::Array(codes))
                },
                dimensions: e.dimensions.map(Value::Object),
                box_weight: e.box_weight.map(Value::Object),
                release_status: e.release_status,
                release_date,
                image_url: e.image_url,
                thumbnail_url: e.thumbnail_url,
                notes: e.notes,
                is_canonical: e.is_canonical,
                publishers,
                artists,
                deltas: e.deltas,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(path: &str, text: &str) -> Source {
        Source {
            path: path.to_string(),
            rel: path.strip_prefix("d/").unwrap_or(path).to_string(),
            text: text.to_string(),
        }
    }

    fn taxonomy() -> Source {
        src(
            "d/taxonomy/mechanics.yaml",
            "- slug: cooperative\n  name: Cooperative\n  synonyms: [co-op]\n- slug: hand-management\n  name: Hand Management\n",
        )
    }

    #[test]
    fn resolves_a_family_with_synonyms_and_derived_ids() {
        let sources = vec![
            taxonomy(),
            src(
                "d/games/si/game.yaml",
                "slug: spirit-island\nname: Spirit Island\ntype: base_game\nmin_players: 1\nmax_players: 4\nweight: 3.86\nmechanics: [co-op, hand-management, nope]\nlanguage_dependence: moderate\n",
            ),
            src(
                "d/games/si/expansions.yaml",
                "- slug: si-je\n  name: Jagged Earth\n  type: expansion\n",
            ),
            src(
                "d/games/si/property-modifications.yaml",
                "- expansion: si-je\n  max_players_delta: 2\n",
            ),
        ];
        let (catalog, warnings) = build(&sources, &Known::default(), false).unwrap();
        assert_eq!(catalog.games.len(), 2);
        let base = &catalog.games[0];
        assert_eq!(base.id, stable_id("game", "spirit-island"));
        assert_eq!(base.sort_name, "spirit island");
        assert_eq!(base.mechanics.len(), 2, "co-op resolves to cooperative");
        assert_eq!(base.language_dependence.as_deref(), Some("moderate_text"));
        assert_eq!(catalog.games[1].parent_game_id, Some(base.id));
        assert_eq!(catalog.modifications[0].max_players_delta, 2);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].line, 7);
        assert!(warnings[0].message.contains("'nope'"), "{}", warnings[0]);

        let errors = build(&sources, &Known::default(), true).unwrap_err();
        assert_eq!(
            errors.len(),
            1,
            "strict turns the unknown slug into an error"
        );
    }

    #[test]
    fn range_enum_and_syntax_errors_have_file_line_and_field() {
        let sources = vec![src(
            "d/games/x/game.yaml",
            "slug: x\nname: X\ntype: base_game\nweight: 7\nmode: chaotic\nmin_players: 4\nmax_players: 2\n",
        )];
        let errors = build(&sources, &Known::default(), false).unwrap_err();
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            shown
                .contains(&"d/games/x/game.yaml:4: weight: 7 is out of range 1.0..5.0".to_string()),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|s| s.starts_with("d/games/x/game.yaml:5: mode: 'chaotic' is not one of")),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|s| s.starts_with("d/games/x/game.yaml:6: min_players: minimum players 4")),
            "{shown:?}"
        );

        let errors = build(
            &[src("d/games/x/game.yaml", "slug: x\nname: [unclosed\n")],
            &Known::default(),
            false,
        )
        .unwrap_err();
        assert!(errors[0].message.starts_with("YAML syntax error"));

        let errors = build(
            &[src(
                "d/games/x/game.yaml",
                "slug: x\nname: X\ntype: base_game\nmin_players: two\n",
            )],
            &Known::default(),
            false,
        )
        .unwrap_err();
        assert_eq!(errors[0].line, 4);
        assert_eq!(errors[0].field, "min_players");
    }

    #[test]
    fn combinations_must_name_expansions_of_their_base_game() {
        let sources = vec![
            src("d/a/game.yaml", "slug: a\nname: A\ntype: base_game\n"),
            src(
                "d/a/expansions.yaml",
                "- {slug: a-1, name: A1, type: expansion}\n- {slug: a-2, name: A2, type: expansion}\n",
            ),
            src("d/b/game.yaml", "slug: b\nname: B\ntype: base_game\n"),
            src(
                "d/a/expansion-combinations.yaml",
                "- expansions: [a-2, a-1]\n  source: community_poll\n  effective_max_players: 6\n- expansions: [a-1, b]\n  source: publisher\n",
            ),
            src(
                "d/a/relationships.yaml",
                "- {source: a, target: b, relationship_type: integrates_with}\n",
            ),
        ];
        let errors = build(&sources, &Known::default(), false).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("'b' is not an expansion"),
            "{}",
            errors[0]
        );
        assert_eq!(errors[0].line, 4);

        let mut ok = sources.clone();
        ok[3] = src(
            "d/a/expansion-combinations.yaml",
            "- expansions: [a-2, a-1]\n  source: community_poll\n",
        );
        let (catalog, _) = build(&ok, &Known::default(), false).unwrap();
        assert_eq!(catalog.combinations.len(), 1);
        let of_type = |t: &str| {
            catalog
                .relationships
                .iter()
                .filter(|r| r.relationship_type == t)
                .count()
        };
        assert_eq!(
            of_type("integrates_with"),
            2,
            "integrates_with is stored both ways"
        );
        assert_eq!(of_type("expands"), 2, "derived from parent_game_id");
    }

    #[test]
    fn known_rows_keep_their_ids() {
        let mut known = Known::default();
        let id = Uuid::now_v7();
        known.games.insert("x".into(), (id, None));
        let (catalog, _) = build(
            &[src("d/x/game.yaml", "slug: x\nname: X\ntype: base_game\n")],
            &known,
            false,
        )
        .unwrap();
        assert_eq!(catalog.games[0].id, id);
    }

    #[test]
    fn sort_names_drop_leading_articles() {
        assert_eq!(sort_name("The Castles of Burgundy"), "castles of burgundy");
        assert_eq!(sort_name("A Feast for Odin"), "feast for odin");
        assert_eq!(sort_name("Anachrony"), "anachrony");
    }
}
