//! The one filter model of GET `/games`, POST `/games/search` and GET
//! `/export/games` (SPEC-NOTES D2–D5, D10, D12, D15, D17, D24, D30, D35, D36).
//!
//! Both front ends (a query string, a JSON body) produce a [`RawFilter`]:
//! values as the client wrote them, each tagged with the [`Field`] it came
//! from. [`RawFilter::validate`] checks ranges, enums and `min ≤ max` and gives
//! one error per offending field; the result is a [`GameFilter`], which is
//! pure data: storage turns it into SQL, [`GameFilter::matches`] evaluates it
//! in memory (the reference the property tests compare the SQL against), and
//! [`GameFilter::summary`] describes it in words (`filter_summary`).

use std::collections::BTreeMap;

/// A player count is "best" at this average rating or above (D3).
pub use crate::catalog::derive::{BEST_AT_THRESHOLD, RECOMMENDED_AT_THRESHOLD};

/// Every filter input, named for both front ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Players,
    PlayersMin,
    PlayersMax,
    BestAt,
    RecommendedAt,
    PlaytimeMin,
    PlaytimeMax,
    CommunityPlaytimeMin,
    CommunityPlaytimeMax,
    PlaytimeSource,
    PlaytimeExperience,
    WeightMin,
    WeightMax,
    Type,
    Mode,
    Mechanics,
    MechanicsAll,
    MechanicsNot,
    Themes,
    ThemeNot,
    Designer,
    Publisher,
    Family,
    Category,
    YearMin,
    YearMax,
    Effective,
    Sort,
    Order,
}

impl Field {
    /// The query-string parameter (GET `/games`, export).
    pub fn query_name(self) -> &'static str {
        use Field::*;
        match self {
            Players => "players",
            PlayersMin => "players_min",
            PlayersMax => "players_max",
            BestAt => "best_at",
            RecommendedAt => "recommended_at",
            PlaytimeMin => "playtime_min",
            PlaytimeMax => "playtime_max",
            CommunityPlaytimeMin => "community_playtime_min",
            CommunityPlaytimeMax => "community_playtime_max",
            PlaytimeSource => "playtime_source",
            PlaytimeExperience => "playtime_experience",
            WeightMin => "weight_min",
            WeightMax => "weight_max",
            Type => "type",
            Mode => "mode",
            Mechanics => "mechanics",
            MechanicsAll => "mechanics_all",
            MechanicsNot => "mechanics_not",
            Themes => "themes",
            ThemeNot => "theme_not",
            Designer => "designer",
            Publisher => "publisher",
            Family => "family",
            Category => "category",
            YearMin => "year_min",
            YearMax => "year_max",
            Effective => "effective",
            Sort => "sort",
            Order => "order",
        }
    }

    /// The dot path in a POST `/games/search` body (D4).
    pub fn body_path(self) -> &'static str {
        use Field::*;
        match self {
            Players => "filters.players.exact",
            PlayersMin => "filters.players.min",
            PlayersMax => "filters.players.max",
            BestAt => "filters.players.best_at",
            RecommendedAt => "filters.players.recommended_at",
            PlaytimeMin => "filters.playtime.min",
            PlaytimeMax => "filters.playtime.max",
            CommunityPlaytimeMin => "filters.playtime.community_min",
            CommunityPlaytimeMax => "filters.playtime.community_max",
            PlaytimeSource => "filters.playtime.source",
            PlaytimeExperience => "filters.playtime.experience",
            WeightMin => "filters.weight.min",
            WeightMax => "filters.weight.max",
            Type => "filters.type",
            Mode => "filters.mode",
            Mechanics => "filters.mechanics.any",
            MechanicsAll => "filters.mechanics.all",
            MechanicsNot => "filters.mechanics.not",
            Themes => "filters.theme.include",
            ThemeNot => "filters.theme.not",
            Designer => "filters.designer",
            Publisher => "filters.publisher",
            Family => "filters.family",
            Category => "filters.category",
            YearMin => "filters.year.min",
            YearMax => "filters.year.max",
            Effective => "filters.effective",
            Sort => "sort",
            Order => "order",
        }
    }
}

/// One offending input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
    /// `invalid_range`, `invalid_value`, `unknown_value`, `missing_player_count`.
    pub code: &'static str,
}

impl FieldError {
    fn new(field: Field, message: impl Into<String>, code: &'static str) -> FieldError {
        FieldError {
            field,
            message: message.into(),
            code,
        }
    }
}

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($wire => Some($name::$variant),)+ _ => None }
            }

            /// The wire values, for error messages.
            pub fn expected() -> String {
                [$($wire),+].join(", ")
            }
        }
    };
}

wire_enum!(
    /// Sort keys (D12).
    SortKey {
        Name => "name",
        Weight => "weight",
        Rating => "rating",
        YearPublished => "year_published",
        CommunityPlaytimeMedian => "community_playtime_median",
        BestAtDistance => "best_at_distance",
    }
);

wire_enum!(
    /// Sort direction.
    Direction { Asc => "asc", Desc => "desc" }
);

wire_enum!(
    /// Which playtime pair `playtime_min`/`playtime_max` compare (D17).
    PlaytimeSource { Publisher => "publisher", Community => "community" }
);

wire_enum!(
    /// Experience levels of `playtime_experience`.
    ExperienceLevel {
        FirstPlay => "first_play",
        Learning => "learning",
        Experienced => "experienced",
        Expert => "expert",
    }
);

wire_enum!(
    /// The game type discriminator.
    GameType {
        BaseGame => "base_game",
        Expansion => "expansion",
        StandaloneExpansion => "standalone_expansion",
        Promo => "promo",
        Accessory => "accessory",
        FanExpansion => "fan_expansion",
    }
);

wire_enum!(
    /// Primary play mode (D13).
    GameMode {
        Cooperative => "cooperative",
        Competitive => "competitive",
        Solo => "solo",
        Team => "team",
        Mixed => "mixed",
    }
);

impl ExperienceLevel {
    /// Multipliers used when a game's profile has none (D17).
    pub fn default_multiplier(self) -> f64 {
        match self {
            ExperienceLevel::FirstPlay => 1.50,
            ExperienceLevel::Learning => 1.25,
            ExperienceLevel::Experienced => 1.0,
            ExperienceLevel::Expert => 0.85,
        }
    }
}

/// Filter inputs as the client wrote them (strings for enums and slugs, so
/// that every error can name its field).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawFilter {
    pub players: Option<i64>,
    pub players_min: Option<i64>,
    pub players_max: Option<i64>,
    pub best_at: Option<i64>,
    pub recommended_at: Option<i64>,
    pub playtime_min: Option<i64>,
    pub playtime_max: Option<i64>,
    pub community_playtime_min: Option<i64>,
    pub community_playtime_max: Option<i64>,
    pub playtime_source: Option<String>,
    pub playtime_experience: Option<String>,
    pub weight_min: Option<f64>,
    pub weight_max: Option<f64>,
    pub types: Vec<String>,
    pub modes: Vec<String>,
    pub mechanics: Vec<String>,
    pub mechanics_all: Vec<String>,
    pub mechanics_not: Vec<String>,
    pub themes: Vec<String>,
    pub theme_not: Vec<String>,
    pub designers: Vec<String>,
    pub publishers: Vec<String>,
    pub families: Vec<String>,
    pub categories: Vec<String>,
    pub year_min: Option<i64>,
    pub year_max: Option<i64>,
    pub effective: bool,
    pub sort: Option<String>,
    pub order: Option<String>,
}

/// A validated filter. Slug lists are lower-case, trimmed, de-duplicated and
/// sorted (so equal filters have equal fingerprints); they are still slugs or
/// UUIDs as given — storage resolves them (unknown → 422, D10).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GameFilter {
    pub players: Option<i64>,
    pub players_min: Option<i64>,
    pub players_max: Option<i64>,
    pub best_at: Option<i64>,
    pub recommended_at: Option<i64>,
    pub playtime_min: Option<i64>,
    pub playtime_max: Option<i64>,
    pub community_playtime_min: Option<i64>,
    pub community_playtime_max: Option<i64>,
    pub playtime_source: PlaytimeSource,
    pub playtime_experience: Option<ExperienceLevel>,
    pub weight_min: Option<f64>,
    pub weight_max: Option<f64>,
    pub types: Vec<GameType>,
    pub modes: Vec<GameMode>,
    pub mechanics: Vec<String>,
    pub mechanics_all: Vec<String>,
    pub mechanics_not: Vec<String>,
    pub themes: Vec<String>,
    pub theme_not: Vec<String>,
    pub designers: Vec<String>,
    pub publishers: Vec<String>,
    pub families: Vec<String>,
    pub categories: Vec<String>,
    pub year_min: Option<i64>,
    pub year_max: Option<i64>,
    pub effective: bool,
    /// Only the expansions, promos and standalone expansions of this base
    /// game (GET `/games/{id}/expansions`; not a query parameter).
    pub parent: Option<uuid::Uuid>,
}

// The macro-made enum cannot mark a `#[default]` variant.
#[allow(clippy::derivable_impls)]
impl Default for PlaytimeSource {
    fn default() -> Self {
        PlaytimeSource::Publisher
    }
}

/// A validated sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub direction: Direction,
}

/// A validated list query: what to match and in which order.
#[derive(Debug, Clone, PartialEq)]
pub struct GameQuery {
    pub filter: GameFilter,
    pub sort: Sort,
}

/// Default sort of a front end (D12: GET `name asc`, POST `rating desc`).
#[derive(Debug, Clone, Copy)]
pub struct SortDefaults {
    pub key: SortKey,
    pub direction: Direction,
}

pub const GET_DEFAULTS: SortDefaults = SortDefaults {
    key: SortKey::Name,
    direction: Direction::Asc,
};
pub const POST_DEFAULTS: SortDefaults = SortDefaults {
    key: SortKey::Rating,
    direction: Direction::Desc,
};

/// Upper bound of player counts, minutes and years we accept (keeps every
/// value inside a 32-bit column and away from overflow).
const MAX_COUNT: i64 = 1_000;
const MAX_MINUTES: i64 = 100_000;
const MAX_YEAR: i64 = 9_999;
const MIN_YEAR: i64 = -9_999;

fn normalize_slugs(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = values
        .iter()
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

fn enum_list<T: Copy + Ord>(
    field: Field,
    values: &[String],
    parse: fn(&str) -> Option<T>,
    expected: String,
    errors: &mut Vec<FieldError>,
) -> Vec<T> {
    let mut out = Vec::new();
    for v in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        match parse(v) {
            Some(t) => out.push(t),
            None => errors.push(FieldError::new(
                field,
                format!("'{v}' is not one of: {expected}"),
                "invalid_value",
            )),
        }
    }
    out.sort();
    out.dedup();
    out
}

fn enum_one<T>(
    field: Field,
    value: &Option<String>,
    parse: fn(&str) -> Option<T>,
    expected: String,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let v = value.as_deref()?.trim();
    if v.is_empty() {
        return None;
    }
    let parsed = parse(v);
    if parsed.is_none() {
        errors.push(FieldError::new(
            field,
            format!("'{v}' is not one of: {expected}"),
            "invalid_value",
        ));
    }
    parsed
}

fn int_in(
    field: Field,
    value: Option<i64>,
    min: i64,
    max: i64,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    let v = value?;
    if v < min || v > max {
        errors.push(FieldError::new(
            field,
            format!("{v} is outside {min}..{max}"),
            "invalid_range",
        ));
        return None;
    }
    Some(v)
}

fn ordered<T: PartialOrd + std::fmt::Display>(
    (min_field, min): (Field, Option<T>),
    (max_field, max): (Field, Option<T>),
    errors: &mut Vec<FieldError>,
) {
    if let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        errors.push(FieldError::new(
            min_field,
            format!(
                "{} ({lo}) is greater than {} ({hi})",
                min_field.query_name(),
                max_field.query_name()
            ),
            "invalid_range",
        ));
    }
}

impl RawFilter {
    /// Validates every input (D10), collecting one error per offending field.
    pub fn validate(&self, defaults: SortDefaults) -> Result<GameQuery, Vec<FieldError>> {
        let mut errors = Vec::new();
        let e = &mut errors;
        let players = int_in(Field::Players, self.players, 1, MAX_COUNT, e);
        let players_min = int_in(Field::PlayersMin, self.players_min, 1, MAX_COUNT, e);
        let players_max = int_in(Field::PlayersMax, self.players_max, 1, MAX_COUNT, e);
        let best_at = int_in(Field::BestAt, self.best_at, 1, MAX_COUNT, e);
        let recommended_at = int_in(Field::RecommendedAt, self.recommended_at, 1, MAX_COUNT, e);
        let playtime_min = int_in(Field::PlaytimeMin, self.playtime_min, 0, MAX_MINUTES, e);
        let playtime_max = int_in(Field::PlaytimeMax, self.playtime_max, 0, MAX_MINUTES, e);
        let community_playtime_min = int_in(
            Field::CommunityPlaytimeMin,
            self.community_playtime_min,
            0,
            MAX_MINUTES,
            e,
        );
        let community_playtime_max = int_in(
            Field::CommunityPlaytimeMax,
            self.community_playtime_max,
            0,
            MAX_MINUTES,
            e,
        );
        let year_min = int_in(Field::YearMin, self.year_min, MIN_YEAR, MAX_YEAR, e);
        let year_max = int_in(Field::YearMax, self.year_max, MIN_YEAR, MAX_YEAR, e);
        let weight = |field: Field, v: Option<f64>, e: &mut Vec<FieldError>| {
            let v = v?;
            if !(1.0..=5.0).contains(&v) {
                e.push(FieldError::new(
                    field,
                    format!("{v} is outside 1.0..5.0"),
                    "invalid_range",
                ));
                return None;
            }
            Some(v)
        };
        let weight_min = weight(Field::WeightMin, self.weight_min, e);
        let weight_max = weight(Field::WeightMax, self.weight_max, e);
        ordered(
            (Field::PlayersMin, players_min),
            (Field::PlayersMax, players_max),
            e,
        );
        ordered(
            (Field::PlaytimeMin, playtime_min),
            (Field::PlaytimeMax, playtime_max),
            e,
        );
        ordered(
            (Field::CommunityPlaytimeMin, community_playtime_min),
            (Field::CommunityPlaytimeMax, community_playtime_max),
            e,
        );
        ordered(
            (Field::WeightMin, weight_min),
            (Field::WeightMax, weight_max),
            e,
        );
        ordered((Field::YearMin, year_min), (Field::YearMax, year_max), e);

        let playtime_source = enum_one(
            Field::PlaytimeSource,
            &self.playtime_source,
            PlaytimeSource::parse,
            PlaytimeSource::expected(),
            e,
        )
        .unwrap_or_default();
        let playtime_experience = enum_one(
            Field::PlaytimeExperience,
            &self.playtime_experience,
            ExperienceLevel::parse,
            ExperienceLevel::expected(),
            e,
        );
        let types = enum_list(
            Field::Type,
            &self.types,
            GameType::parse,
            GameType::expected(),
            e,
        );
        let modes = enum_list(
            Field::Mode,
            &self.modes,
            GameMode::parse,
            GameMode::expected(),
            e,
        );
        let key = enum_one(
            Field::Sort,
            &self.sort,
            SortKey::parse,
            SortKey::expected(),
            e,
        )
        .unwrap_or(defaults.key);
        let direction = enum_one(
            Field::Order,
            &self.order,
            Direction::parse,
            Direction::expected(),
            e,
        )
        .unwrap_or(defaults.direction);
        // D12/D30: the distance is measured from `best_at`, else `players`.
        if key == SortKey::BestAtDistance && self.best_at.is_none() && self.players.is_none() {
            e.push(FieldError::new(
                Field::Sort,
                "best_at_distance needs a player count: set `players` or `best_at`",
                "missing_player_count",
            ));
        }

        if !errors.is_empty() {
            errors.sort_by_key(|err| err.field);
            return Err(errors);
        }
        Ok(GameQuery {
            filter: GameFilter {
                players,
                players_min,
                players_max,
                best_at,
                recommended_at,
                playtime_min,
                playtime_max,
                community_playtime_min,
                community_playtime_max,
                playtime_source,
                playtime_experience,
                weight_min,
                weight_max,
                types,
                modes,
                mechanics: normalize_slugs(&self.mechanics),
                mechanics_all: normalize_slugs(&self.mechanics_all),
                mechanics_not: normalize_slugs(&self.mechanics_not),
                themes: normalize_slugs(&self.themes),
                theme_not: normalize_slugs(&self.theme_not),
                designers: normalize_slugs(&self.designers),
                publishers: normalize_slugs(&self.publishers),
                families: normalize_slugs(&self.families),
                categories: normalize_slugs(&self.categories),
                year_min,
                year_max,
                effective: self.effective,
                parent: None,
            },
            sort: Sort { key, direction },
        })
    }
}

/// The values of one game that the filters look at, for in-memory
/// evaluation ([`GameFilter::matches`]). Taxonomy and people are sets of
/// canonical slugs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GameFacts {
    pub game_type: String,
    pub mode: Option<String>,
    pub min_players: Option<i64>,
    pub max_players: Option<i64>,
    pub min_playtime: Option<i64>,
    pub max_playtime: Option<i64>,
    pub community_min: Option<i64>,
    pub community_max: Option<i64>,
    pub weight: Option<f64>,
    pub year: Option<i64>,
    /// (player count, average rating) of the per-count ratings.
    pub ratings: Vec<(i64, f64)>,
    /// Legacy three-tier polls (player count, best, recommended, not
    /// recommended votes), used only when the game has no ratings (D3).
    pub legacy_polls: Vec<(i64, i64, i64, i64)>,
    /// The game's own experience multipliers, when its profile has them.
    pub multipliers: Option<BTreeMap<String, f64>>,
    pub mechanics: Vec<String>,
    pub themes: Vec<String>,
    pub categories: Vec<String>,
    pub designers: Vec<String>,
    pub publishers: Vec<String>,
    pub families: Vec<String>,
}

fn any_of(have: &[String], wanted: &[String]) -> bool {
    wanted.iter().any(|w| have.contains(w))
}

impl GameFilter {
    /// The multiplier `playtime_experience` applies to a game (D17).
    pub fn multiplier(level: ExperienceLevel, own: Option<&BTreeMap<String, f64>>) -> f64 {
        own.and_then(|m| m.get(level.as_str()).copied())
            .unwrap_or_else(|| level.default_multiplier())
    }

    /// Whether a game with these facts matches (the plain reading of
    /// SPEC-NOTES §3.5–3.6 that the SQL must agree with; the effective mode
    /// is not evaluated here). Slug lists must already be canonical.
    pub fn matches(&self, g: &GameFacts) -> bool {
        let ge = |v: Option<i64>, n: i64| v.is_some_and(|v| v >= n);
        let le = |v: Option<i64>, n: i64| v.is_some_and(|v| v <= n);
        if let Some(n) = self.players
            && !(le(g.min_players, n) && ge(g.max_players, n))
        {
            return false;
        }
        if let Some(n) = self.players_min
            && !le(g.min_players, n)
        {
            return false;
        }
        if let Some(n) = self.players_max
            && !ge(g.max_players, n)
        {
            return false;
        }
        let rated = |n: i64, best: bool| {
            if g.ratings.is_empty() {
                // D3: the contract's vote-dominance rules on legacy polls.
                return g.legacy_polls.iter().any(|&(count, b, r, not)| {
                    count == n && if best { b > r && b > not } else { b + r > not }
                });
            }
            let threshold = if best {
                BEST_AT_THRESHOLD
            } else {
                RECOMMENDED_AT_THRESHOLD
            };
            g.ratings
                .iter()
                .any(|(count, avg)| *count == n && *avg >= threshold)
        };
        if let Some(n) = self.best_at
            && !rated(n, true)
        {
            return false;
        }
        if let Some(n) = self.recommended_at
            && !rated(n, false)
        {
            return false;
        }
        let (lo, hi) = match self.playtime_source {
            PlaytimeSource::Publisher => (g.min_playtime, g.max_playtime),
            PlaytimeSource::Community => (g.community_min, g.community_max),
        };
        let m = self
            .playtime_experience
            .map(|level| Self::multiplier(level, g.multipliers.as_ref()))
            .unwrap_or(1.0);
        // Scaled minutes are compared in hundredths (as the SQL does).
        let scaled = |v: i64| {
            if self.playtime_experience.is_some() {
                (v as f64 * m * 100.0).round() / 100.0
            } else {
                v as f64
            }
        };
        if let Some(n) = self.playtime_min
            && !lo.is_some_and(|v| scaled(v) >= n as f64)
        {
            return false;
        }
        if let Some(n) = self.playtime_max
            && !hi.is_some_and(|v| scaled(v) <= n as f64)
        {
            return false;
        }
        if let Some(n) = self.community_playtime_min
            && !ge(g.community_min, n)
        {
            return false;
        }
        if let Some(n) = self.community_playtime_max
            && !le(g.community_max, n)
        {
            return false;
        }
        if let Some(w) = self.weight_min
            && !g.weight.is_some_and(|v| v >= w)
        {
            return false;
        }
        if let Some(w) = self.weight_max
            && !g.weight.is_some_and(|v| v <= w)
        {
            return false;
        }
        if !self.types.is_empty() && !self.types.iter().any(|t| t.as_str() == g.game_type) {
            return false;
        }
        if !self.modes.is_empty()
            && !self
                .modes
                .iter()
                .any(|m| g.mode.as_deref() == Some(m.as_str()))
        {
            return false;
        }
        if !self.mechanics.is_empty() && !any_of(&g.mechanics, &self.mechanics) {
            return false;
        }
        if !self.mechanics_all.iter().all(|m| g.mechanics.contains(m)) {
            return false;
        }
        if any_of(&g.mechanics, &self.mechanics_not) {
            return false;
        }
        if !self.themes.is_empty() && !any_of(&g.themes, &self.themes) {
            return false;
        }
        if any_of(&g.themes, &self.theme_not) {
            return false;
        }
        for (wanted, have) in [
            (&self.designers, &g.designers),
            (&self.publishers, &g.publishers),
            (&self.families, &g.families),
            (&self.categories, &g.categories),
        ] {
            if !wanted.is_empty() && !any_of(have, wanted) {
                return false;
            }
        }
        if let Some(y) = self.year_min
            && !ge(g.year, y)
        {
            return false;
        }
        if let Some(y) = self.year_max
            && !le(g.year, y)
        {
            return false;
        }
        true
    }

    /// The filter as GET `/games` query parameters, in a fixed order: the
    /// links of a page repeat it, and it is part of the cursor fingerprint.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut q: Vec<(&'static str, String)> = Vec::new();
        let mut int = |f: Field, v: Option<i64>| {
            if let Some(v) = v {
                q.push((f.query_name(), v.to_string()));
            }
        };
        int(Field::Players, self.players);
        int(Field::PlayersMin, self.players_min);
        int(Field::PlayersMax, self.players_max);
        int(Field::BestAt, self.best_at);
        int(Field::RecommendedAt, self.recommended_at);
        int(Field::PlaytimeMin, self.playtime_min);
        int(Field::PlaytimeMax, self.playtime_max);
        int(Field::CommunityPlaytimeMin, self.community_playtime_min);
        int(Field::CommunityPlaytimeMax, self.community_playtime_max);
        int(Field::YearMin, self.year_min);
        int(Field::YearMax, self.year_max);
        if self.playtime_source != PlaytimeSource::Publisher {
            q.push(("playtime_source", self.playtime_source.as_str().into()));
        }
        if let Some(level) = self.playtime_experience {
            q.push(("playtime_experience", level.as_str().into()));
        }
        if let Some(w) = self.weight_min {
            q.push(("weight_min", w.to_string()));
        }
        if let Some(w) = self.weight_max {
            q.push(("weight_max", w.to_string()));
        }
        let join = |v: &[&str]| v.join(",");
        if !self.types.is_empty() {
            let v: Vec<&str> = self.types.iter().map(|t| t.as_str()).collect();
            q.push(("type", join(&v)));
        }
        if !self.modes.is_empty() {
            let v: Vec<&str> = self.modes.iter().map(|t| t.as_str()).collect();
            q.push(("mode", join(&v)));
        }
        for (name, list) in [
            ("mechanics", &self.mechanics),
            ("mechanics_all", &self.mechanics_all),
            ("mechanics_not", &self.mechanics_not),
            ("themes", &self.themes),
            ("theme_not", &self.theme_not),
            ("designer", &self.designers),
            ("publisher", &self.publishers),
            ("family", &self.families),
            ("category", &self.categories),
        ] {
            if !list.is_empty() {
                q.push((name, list.join(",")));
            }
        }
        if self.effective {
            q.push(("effective", "true".into()));
        }
        q
    }

    /// Whether no dimension is active.
    pub fn is_empty(&self) -> bool {
        self.to_query().is_empty()
    }

    /// `filter_summary.filters_applied` (D5): one human-readable string per
    /// active dimension, keyed by dimension name.
    pub fn summary(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let mut players = Vec::new();
        if let Some(n) = self.players {
            players.push(format!("Supports exactly {n} {}", plural(n)));
        }
        match (self.players_min, self.players_max) {
            (Some(lo), Some(hi)) => {
                players.push(format!("Supports every count from {lo} to {hi} players"))
            }
            (Some(lo), None) => {
                players.push(format!("Playable with as few as {lo} {}", plural(lo)))
            }
            (None, Some(hi)) => {
                players.push(format!("Playable with as many as {hi} {}", plural(hi)))
            }
            (None, None) => {}
        }
        if let Some(n) = self.best_at {
            players.push(format!("Best at {n} {}", plural(n)));
        }
        if let Some(n) = self.recommended_at {
            players.push(format!("Recommended at {n} {}", plural(n)));
        }
        if !players.is_empty() {
            out.insert("players".into(), players.join("; "));
        }

        let mut playtime = Vec::new();
        let source = match self.playtime_source {
            PlaytimeSource::Publisher => "Publisher playtime",
            PlaytimeSource::Community => "Community playtime",
        };
        let level = self
            .playtime_experience
            .map(|l| format!(" (adjusted for {})", l.as_str().replace('_', " ")))
            .unwrap_or_default();
        match (self.playtime_min, self.playtime_max) {
            (Some(lo), Some(hi)) => {
                playtime.push(format!("{source} from {lo} to {hi} minutes{level}"))
            }
            (Some(lo), None) => playtime.push(format!("{source} at least {lo} minutes{level}")),
            (None, Some(hi)) => playtime.push(format!("{source} at most {hi} minutes{level}")),
            (None, None) => {}
        }
        match (self.community_playtime_min, self.community_playtime_max) {
            (Some(lo), Some(hi)) => {
                playtime.push(format!("Community playtime from {lo} to {hi} minutes"))
            }
            (Some(lo), None) => playtime.push(format!("Community playtime at least {lo} minutes")),
            (None, Some(hi)) => playtime.push(format!("Community playtime at most {hi} minutes")),
            (None, None) => {}
        }
        if !playtime.is_empty() {
            out.insert("playtime".into(), playtime.join("; "));
        }
        match (self.weight_min, self.weight_max) {
            (Some(lo), Some(hi)) => {
                out.insert(
                    "weight".into(),
                    format!("Weight between {lo:.1} and {hi:.1}"),
                );
            }
            (Some(lo), None) => {
                out.insert("weight".into(), format!("Weight at least {lo:.1}"));
            }
            (None, Some(hi)) => {
                out.insert("weight".into(), format!("Weight at most {hi:.1}"));
            }
            (None, None) => {}
        }
        let mut mechanics = Vec::new();
        if !self.mechanics.is_empty() {
            mechanics.push(format!("Includes any of: {}", self.mechanics.join(", ")));
        }
        if !self.mechanics_all.is_empty() {
            mechanics.push(format!(
                "Includes all of: {}",
                self.mechanics_all.join(", ")
            ));
        }
        if !self.mechanics_not.is_empty() {
            mechanics.push(format!("Excludes: {}", self.mechanics_not.join(", ")));
        }
        if !mechanics.is_empty() {
            out.insert("mechanics".into(), mechanics.join("; "));
        }
        let mut themes = Vec::new();
        if !self.themes.is_empty() {
            themes.push(format!("Includes any of: {}", self.themes.join(", ")));
        }
        if !self.theme_not.is_empty() {
            themes.push(format!("Excludes: {}", self.theme_not.join(", ")));
        }
        if !themes.is_empty() {
            out.insert("themes".into(), themes.join("; "));
        }
        if !self.types.is_empty() {
            let v: Vec<&str> = self.types.iter().map(|t| t.as_str()).collect();
            out.insert("type".into(), format!("Type is any of: {}", v.join(", ")));
        }
        if !self.modes.is_empty() {
            let v: Vec<&str> = self.modes.iter().map(|t| t.as_str()).collect();
            out.insert(
                "mode".into(),
                format!("Play mode is any of: {}", v.join(", ")),
            );
        }
        for (key, label, list) in [
            ("designer", "Designed by any of", &self.designers),
            ("publisher", "Published by any of", &self.publishers),
            ("family", "In any of the families", &self.families),
            ("category", "In any of the categories", &self.categories),
        ] {
            if !list.is_empty() {
                out.insert(key.into(), format!("{label}: {}", list.join(", ")));
            }
        }
        match (self.year_min, self.year_max) {
            (Some(lo), Some(hi)) => {
                out.insert("year".into(), format!("Published from {lo} to {hi}"));
            }
            (Some(lo), None) => {
                out.insert("year".into(), format!("Published in {lo} or later"));
            }
            (None, Some(hi)) => {
                out.insert("year".into(), format!("Published in {hi} or earlier"));
            }
            (None, None) => {}
        }
        if self.effective {
            out.insert(
                "effective".into(),
                "Player count, playtime and weight include the effect of expansions".into(),
            );
        }
        out
    }
}

fn plural(n: i64) -> &'static str {
    if n == 1 { "player" } else { "players" }
}

impl GameQuery {
    /// The fingerprint parts of this query: cursors of one query are refused
    /// by another (D12).
    pub fn fingerprint_parts(&self) -> Vec<(&'static str, String)> {
        let mut parts = vec![
            ("sort", self.sort.key.as_str().to_string()),
            ("order", self.sort.direction.as_str().to_string()),
        ];
        if let Some(parent) = self.filter.parent {
            parts.push(("parent", parent.to_string()));
        }
        parts.extend(self.filter.to_query());
        parts
    }

    /// The player count `best_at_distance` measures from (D30).
    pub fn distance_origin(&self) -> Option<i64> {
        self.filter.best_at.or(self.filter.players)
    }
}

/// Splits a comma-separated list parameter (D15); empty items are dropped.
pub fn split_csv(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawFilter {
        RawFilter::default()
    }

    fn fields(errors: Vec<FieldError>) -> Vec<(&'static str, &'static str)> {
        errors
            .into_iter()
            .map(|e| (e.field.query_name(), e.code))
            .collect()
    }

    #[test]
    fn defaults_differ_per_front_end() {
        let q = raw().validate(GET_DEFAULTS).unwrap();
        assert_eq!(
            q.sort,
            Sort {
                key: SortKey::Name,
                direction: Direction::Asc
            }
        );
        let q = raw().validate(POST_DEFAULTS).unwrap();
        assert_eq!(
            q.sort,
            Sort {
                key: SortKey::Rating,
                direction: Direction::Desc
            }
        );
        assert!(q.filter.is_empty());
        assert!(q.filter.summary().is_empty());
    }

    #[test]
    fn every_offending_field_gets_its_own_error() {
        let r = RawFilter {
            players_min: Some(5),
            players_max: Some(2),
            weight_min: Some(6.0),
            players: Some(0),
            types: vec!["board".into(), "base_game".into()],
            sort: Some("price".into()),
            order: Some("up".into()),
            playtime_experience: Some("novice".into()),
            ..raw()
        };
        let errors = fields(r.validate(GET_DEFAULTS).unwrap_err());
        assert_eq!(
            errors,
            vec![
                ("players", "invalid_range"),
                ("players_min", "invalid_range"),
                ("playtime_experience", "invalid_value"),
                ("weight_min", "invalid_range"),
                ("type", "invalid_value"),
                ("sort", "invalid_value"),
                ("order", "invalid_value"),
            ]
        );
    }

    #[test]
    fn min_above_max_is_a_range_error_on_the_min_field() {
        for (r, field) in [
            (
                RawFilter {
                    weight_min: Some(4.0),
                    weight_max: Some(2.0),
                    ..raw()
                },
                "weight_min",
            ),
            (
                RawFilter {
                    year_min: Some(2020),
                    year_max: Some(2010),
                    ..raw()
                },
                "year_min",
            ),
            (
                RawFilter {
                    playtime_min: Some(90),
                    playtime_max: Some(30),
                    ..raw()
                },
                "playtime_min",
            ),
            (
                RawFilter {
                    community_playtime_min: Some(90),
                    community_playtime_max: Some(30),
                    ..raw()
                },
                "community_playtime_min",
            ),
        ] {
            assert_eq!(
                fields(r.validate(GET_DEFAULTS).unwrap_err()),
                vec![(field, "invalid_range")]
            );
        }
        // Equal bounds are fine.
        let r = RawFilter {
            weight_min: Some(2.5),
            weight_max: Some(2.5),
            ..raw()
        };
        assert!(r.validate(GET_DEFAULTS).is_ok());
    }

    #[test]
    fn best_at_distance_needs_a_player_count() {
        let r = RawFilter {
            sort: Some("best_at_distance".into()),
            ..raw()
        };
        assert_eq!(
            fields(r.validate(GET_DEFAULTS).unwrap_err()),
            vec![("sort", "missing_player_count")]
        );
        let r = RawFilter {
            sort: Some("best_at_distance".into()),
            players: Some(3),
            ..raw()
        };
        assert_eq!(r.validate(GET_DEFAULTS).unwrap().distance_origin(), Some(3));
        let r = RawFilter {
            sort: Some("best_at_distance".into()),
            players: Some(3),
            best_at: Some(2),
            ..raw()
        };
        assert_eq!(
            r.validate(GET_DEFAULTS).unwrap().distance_origin(),
            Some(2),
            "D30"
        );
    }

    #[test]
    fn slug_lists_are_normalised_so_equal_filters_fingerprint_alike() {
        let a = RawFilter {
            mechanics: vec!["b".into(), " A ".into(), "b".into(), "".into()],
            ..raw()
        };
        let b = RawFilter {
            mechanics: vec!["a".into(), "b".into()],
            ..raw()
        };
        let qa = a.validate(GET_DEFAULTS).unwrap();
        let qb = b.validate(GET_DEFAULTS).unwrap();
        assert_eq!(qa.filter.mechanics, vec!["a", "b"]);
        assert_eq!(qa.fingerprint_parts(), qb.fingerprint_parts());
        let c = RawFilter {
            mechanics_all: vec!["a".into(), "b".into()],
            ..raw()
        };
        assert_ne!(
            qa.fingerprint_parts(),
            c.validate(GET_DEFAULTS).unwrap().fingerprint_parts()
        );
        let sorted = RawFilter {
            order: Some("desc".into()),
            ..b
        };
        assert_ne!(
            qb.fingerprint_parts(),
            sorted.validate(GET_DEFAULTS).unwrap().fingerprint_parts()
        );
    }

    #[test]
    fn empty_lists_are_inactive() {
        let r = RawFilter {
            mechanics: vec!["".into()],
            themes: vec![],
            ..raw()
        };
        let q = r.validate(GET_DEFAULTS).unwrap();
        assert!(q.filter.is_empty());
        assert!(q.filter.matches(&GameFacts::default()));
    }

    fn facts() -> GameFacts {
        // Spirit Island, from the upstream samples.
        GameFacts {
            game_type: "base_game".into(),
            mode: Some("cooperative".into()),
            min_players: Some(1),
            max_players: Some(4),
            min_playtime: Some(90),
            max_playtime: Some(120),
            community_min: Some(75),
            community_max: Some(150),
            weight: Some(3.86),
            year: Some(2017),
            ratings: vec![(1, 4.2), (2, 4.7), (3, 4.1), (4, 3.4)],
            multipliers: Some(BTreeMap::from([
                ("first_play".to_string(), 1.57),
                ("learning".to_string(), 1.24),
                ("experienced".to_string(), 1.0),
                ("expert".to_string(), 0.81),
            ])),
            mechanics: vec!["cooperative".into(), "hand-management".into()],
            themes: vec!["fantasy".into(), "nature".into()],
            ..GameFacts::default()
        }
    }

    fn matches(r: RawFilter) -> bool {
        r.validate(GET_DEFAULTS).unwrap().filter.matches(&facts())
    }

    #[test]
    fn player_count_semantics_follow_the_contract() {
        assert!(matches(RawFilter {
            players: Some(4),
            ..raw()
        }));
        assert!(!matches(RawFilter {
            players: Some(5),
            ..raw()
        }));
        // D2: players_min=N ⇒ min_players ≤ N; players_max=N ⇒ max_players ≥ N.
        assert!(matches(RawFilter {
            players_min: Some(1),
            players_max: Some(4),
            ..raw()
        }));
        assert!(!matches(RawFilter {
            players_max: Some(5),
            ..raw()
        }));
        assert!(matches(RawFilter {
            players_min: Some(3),
            ..raw()
        }));
        // D3 thresholds, inclusive.
        assert!(matches(RawFilter {
            best_at: Some(3),
            ..raw()
        }));
        assert!(!matches(RawFilter {
            best_at: Some(4),
            ..raw()
        }));
        assert!(matches(RawFilter {
            recommended_at: Some(4),
            ..raw()
        }));
        assert!(!matches(RawFilter {
            recommended_at: Some(5),
            ..raw()
        }));
    }

    #[test]
    fn playtime_sources_and_experience_follow_the_worked_examples() {
        // SPEC-NOTES §5.2.
        assert!(!matches(RawFilter {
            playtime_max: Some(120),
            playtime_experience: Some("first_play".into()),
            ..raw()
        }));
        assert!(matches(RawFilter {
            playtime_max: Some(100),
            playtime_experience: Some("expert".into()),
            ..raw()
        }));
        assert!(matches(RawFilter {
            playtime_max: Some(240),
            playtime_source: Some("community".into()),
            playtime_experience: Some("first_play".into()),
            ..raw()
        }));
        assert!(matches(RawFilter {
            playtime_max: Some(150),
            playtime_source: Some("community".into()),
            ..raw()
        }));
        // D35: community_playtime_* is never scaled.
        assert!(!matches(RawFilter {
            community_playtime_min: Some(80),
            playtime_experience: Some("first_play".into()),
            ..raw()
        }));
        // The defaults apply to a game without its own multipliers.
        let mut tm = facts();
        tm.multipliers = None;
        tm.max_playtime = Some(120);
        let q = RawFilter {
            playtime_max: Some(180),
            playtime_experience: Some("first_play".into()),
            ..raw()
        }
        .validate(GET_DEFAULTS)
        .unwrap();
        assert!(q.filter.matches(&tm), "120 × 1.50 = 180 ≤ 180");
    }

    #[test]
    fn scaled_playtime_compares_in_hundredths() {
        let mut g = facts();
        g.min_playtime = Some(100);
        g.multipliers = Some(BTreeMap::from([("learning".to_string(), 1.15)]));
        let q = RawFilter {
            playtime_min: Some(115),
            playtime_experience: Some("learning".into()),
            ..raw()
        }
        .validate(GET_DEFAULTS)
        .unwrap();
        assert!(
            q.filter.matches(&g),
            "100 × 1.15 is 115, not 114.99999999999999"
        );
    }

    #[test]
    fn taxonomy_or_and_not() {
        assert!(matches(RawFilter {
            mechanics: vec!["cooperative".into(), "x".into()],
            ..raw()
        }));
        assert!(!matches(RawFilter {
            mechanics_all: vec!["cooperative".into(), "x".into()],
            ..raw()
        }));
        assert!(!matches(RawFilter {
            mechanics_not: vec!["cooperative".into()],
            ..raw()
        }));
        assert!(matches(RawFilter {
            theme_not: vec!["space".into()],
            ..raw()
        }));
        assert!(!matches(RawFilter {
            themes: vec!["space".into()],
            ..raw()
        }));
        // D36: no terms of a kind passes `_not` and fails the positive filters.
        let bare = GameFacts {
            game_type: "promo".into(),
            ..GameFacts::default()
        };
        let not = RawFilter {
            mechanics_not: vec!["cooperative".into()],
            ..raw()
        };
        assert!(not.validate(GET_DEFAULTS).unwrap().filter.matches(&bare));
        let any = RawFilter {
            mechanics: vec!["cooperative".into()],
            ..raw()
        };
        assert!(!any.validate(GET_DEFAULTS).unwrap().filter.matches(&bare));
    }

    #[test]
    fn missing_values_never_match() {
        let bare = GameFacts {
            game_type: "promo".into(),
            ..GameFacts::default()
        };
        for r in [
            RawFilter {
                players: Some(2),
                ..raw()
            },
            RawFilter {
                weight_max: Some(5.0),
                ..raw()
            },
            RawFilter {
                playtime_max: Some(10_000),
                ..raw()
            },
            RawFilter {
                year_min: Some(-5000),
                ..raw()
            },
            RawFilter {
                modes: vec!["solo".into()],
                ..raw()
            },
        ] {
            assert!(
                !r.clone()
                    .validate(GET_DEFAULTS)
                    .unwrap()
                    .filter
                    .matches(&bare),
                "{r:?}"
            );
        }
    }

    #[test]
    fn summary_names_each_active_dimension() {
        let q = RawFilter {
            best_at: Some(2),
            weight_min: Some(2.0),
            weight_max: Some(4.0),
            mechanics: vec!["cooperative".into()],
            year_min: Some(2018),
            effective: true,
            ..raw()
        }
        .validate(GET_DEFAULTS)
        .unwrap();
        let s = q.filter.summary();
        assert_eq!(
            s.keys().map(String::as_str).collect::<Vec<_>>(),
            ["effective", "mechanics", "players", "weight", "year"]
        );
        assert_eq!(s["players"], "Best at 2 players");
        assert_eq!(s["weight"], "Weight between 2.0 and 4.0");
        assert_eq!(s["mechanics"], "Includes any of: cooperative");
    }

    #[test]
    fn csv_splitting_drops_empty_items() {
        assert_eq!(split_csv(" a, ,b,,"), vec!["a", "b"]);
        assert!(split_csv("").is_empty());
    }
}
