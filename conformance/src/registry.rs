//! The requirement registry: every test the suite can report, with a stable id,
//! its conformance class, its level and where the requirement comes from.
//!
//! Citations: "§3.n rule k" and "Dn" refer to SPEC-NOTES.md (rules of Part B §3,
//! decisions of Part A); "spec …" to files of the upstream OpenAPI contract.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    #[serde(rename = "MUST")]
    Must,
    #[serde(rename = "SHOULD")]
    Should,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
        }
    }
}

#[derive(Debug)]
pub struct Requirement {
    pub id: &'static str,
    pub level: Level,
    pub citation: &'static str,
    pub title: &'static str,
}

/// Conformance classes, in run order. `fuzz` runs only when selected explicitly.
pub const CLASSES: &[&str] = &[
    "core",
    "pagination",
    "filtering",
    "errors",
    "effective",
    "search",
    "export",
    "sample-data",
    "fuzz",
];

/// Classes run when `--classes` is not given.
pub const DEFAULT_CLASSES: &[&str] = &[
    "core",
    "pagination",
    "filtering",
    "errors",
    "effective",
    "search",
    "export",
    "sample-data",
];

macro_rules! reqs {
    ($( $id:literal, $level:ident, $cite:literal, $title:literal; )*) => {
        &[ $( Requirement {
            id: $id,
            level: Level::$level,
            citation: $cite,
            title: $title,
        }, )* ]
    };
}

pub static REQUIREMENTS: &[Requirement] = reqs![
    // core
    "core/operations-answer", Must, "§1.2 (16 operations); spec openapi.yaml paths",
        "every contract operation answers a valid request with its documented success status";
    "core/response-schema", Must, "spec components/schemas (via the --spec document); §2",
        "every response validates against the document's schema for its operation and status";
    "core/documented-status", Should, "§3.1 rule 5; spec paths/*",
        "every status returned is documented for its operation";
    "core/no-null", Must, "D1; I-1",
        "no JSON null anywhere in a response (optional fields without a value are omitted)";
    "core/json-media-type", Must, "§3.1 rule 2",
        "non-export success bodies are application/json";
    "core/list-envelope", Must, "§3.3 rule 15; spec PaginatedResponse.yaml",
        "every paginated list has data[], meta.total/limit/has_more and _links.self.href";
    "core/game-by-slug", Must, "§3.2 rule 9; spec paths/games-{id}.yaml",
        "GET /games/{slug} and GET /games/{uuid} return the same game";
    "core/subresource-by-slug", Must, "§3.2 rule 9",
        "every /games/{id}/… sub-resource answers the same by slug and by UUID";
    "core/people-by-slug", Must, "§3.2 rule 9; spec paths/designers-{id}.yaml, publishers-{id}.yaml",
        "designers and publishers resolve alike by slug and by UUID";
    "core/not-found-problem", Must, "§3.2 rule 10; D9",
        "unknown ids and slugs answer 404 with a not-found problem, on every {id} route";
    "core/self-link", Should, "§3.12 rules 102-103; D6",
        "a game's _links.self.href resolves to the same game";
    "core/include-embeds", Must, "§3.11 rules 95-98",
        "include=mechanics,themes,categories embeds arrays of {id, slug, name}; absent without include";
    "core/include-unknown-ignored", Must, "§3.11 rule 95; spec parameters/include.yaml",
        "unknown include values are silently ignored";
    "core/list-active-only", Should, "Part A (status = active); §3.17 rule 135",
        "list items are active games";
    "core/expansions-list", Must, "§3.19 rules 141-142; D22",
        "/games/{id}/expansions lists exactly the games whose parent_game_id is the game (type narrows), never the game itself";
    // pagination
    "pagination/traversal-name", Must, "§3.3 rule 27; D12",
        "sort=name: full traversal in both directions visits each game exactly once";
    "pagination/traversal-weight", Must, "§3.3 rule 27; D12",
        "sort=weight: full traversal in both directions visits each game exactly once";
    "pagination/traversal-rating", Must, "§3.3 rule 27; D12",
        "sort=rating: full traversal in both directions visits each game exactly once";
    "pagination/traversal-year_published", Must, "§3.3 rule 27; D12",
        "sort=year_published: full traversal in both directions visits each game exactly once";
    "pagination/traversal-community_playtime_median", Must, "§3.3 rule 27; D12",
        "sort=community_playtime_median: full traversal in both directions visits each game exactly once";
    "pagination/traversal-best_at_distance", Must, "§3.3 rule 27; D12, D30",
        "sort=best_at_distance&players=N: full traversal in both directions visits each game exactly once";
    "pagination/sort-order", Must, "D12, D29; §3.4 rules 28-30",
        "pages come in sort order: values ascending/descending, games without a value last, ties on id";
    "pagination/default-sort", Must, "D12; §3.4 rule 28",
        "GET /games without sort is sort=name&order=asc; POST /games/search defaults to rating desc";
    "pagination/totals", Must, "§3.3 rule 24; D11",
        "meta.total is the same on every page and equals the number of items traversed";
    "pagination/has-more-links", Must, "§3.3 rule 20; D11",
        "has_more, next_cursor and _links.next agree: present on every page but the last, absent on the last";
    "pagination/next-link", Must, "§3.3 rules 20-21",
        "following _links.next.href returns the same page as sending next_cursor";
    "pagination/prev-cursor", Should, "D11 (extension); §3.3 rule 23",
        "when prev_cursor is given, following it returns the previous page";
    "pagination/limit-default", Must, "D11; §3.3 rule 16",
        "without limit, meta.limit is 25 and a page holds at most 25 items";
    "pagination/limit-bounds", Must, "D10, D11; §3.3 rules 16-17",
        "limit 1 and 100 are honoured; limit 0, 101, -1 and non-integers are 400 problems";
    "pagination/cursor-garbage", Must, "D10; D12",
        "a made-up cursor is a 400 problem, never a 500";
    "pagination/cursor-tampered", Must, "D12 (signed cursors)",
        "a modified cursor is a 400 problem, never a 500 or a silently different page";
    "pagination/cursor-foreign", Must, "D12 (query hash); §3.3 rule 22",
        "a cursor used with another sort, order, filter or endpoint is a 400 problem";
    "pagination/sort-invalid", Must, "§3.4 rule 29; D10",
        "an unknown sort key or order is a 400 problem";
    "pagination/best-at-distance-needs-count", Must, "D12",
        "sort=best_at_distance without players or best_at is a 400 problem";
    "pagination/vocabulary-traversal", Must, "§3.3 rules 15, 27",
        "/mechanics, /categories, /designers and /publishers traverse completely, each item once";
    "pagination/post-search-traversal", Must, "§3.17 rule 136; D4",
        "POST /games/search pages with body cursors, each game once, totals consistent";
    // filtering
    "filtering/players", Must, "D2; §3.6 rule 44",
        "players=N returns exactly the games with min_players ≤ N ≤ max_players";
    "filtering/players-min", Must, "D2; §3.6 rule 45",
        "players_min=N returns exactly the games with min_players ≤ N";
    "filtering/players-max", Must, "D2; §3.6 rule 46",
        "players_max=N returns exactly the games with max_players ≥ N";
    "filtering/weight", Must, "§3.6 rule 57",
        "weight_min/weight_max are inclusive bounds on weight; games without weight never match";
    "filtering/year", Must, "§3.6 rule 62",
        "year_min/year_max are inclusive bounds on year_published";
    "filtering/type", Must, "§3.6 rule 58; D13/D14",
        "type=T returns exactly the games of type T (no default type filter)";
    "filtering/mode", Must, "§3.6 rule 59; D13",
        "mode=M returns exactly the games whose mode is M";
    "filtering/playtime", Must, "§3.6 rule 51; D17",
        "playtime_min/max compare publisher min/max playtime by default";
    "filtering/community-playtime", Must, "§3.6 rules 52-53",
        "community_playtime_min/max and playtime_source=community compare the community values";
    "filtering/category", Must, "§3.6 rule 61; D15",
        "category=a (and a comma list, OR) returns exactly the games in those categories";
    "filtering/missing-never-matches", Must, "Part A (no fallbacks); §3.5 rule 40",
        "a game without a value for a filtered field is never returned by that filter";
    "filtering/intersection", Must, "§3.5 rule 34",
        "a two-filter result is the intersection of the two one-filter results";
    "filtering/mechanics-any", Must, "§3.5 rule 35; D15",
        "mechanics=a,b returns the games having a or b";
    "filtering/mechanics-all", Must, "§3.5 rule 36",
        "mechanics_all=a,b returns the games having both";
    "filtering/mechanics-not", Must, "§3.5 rule 36; D36",
        "mechanics_not=a returns the games without a (games with no mechanics included)";
    "filtering/mechanics-combined", Must, "§3.5 rule 36",
        "mechanics, mechanics_all and mechanics_not combine as any ∧ all ∧ ¬not";
    "filtering/themes", Must, "§3.5 rules 35-36; D15, D36",
        "themes=a,b is OR; theme_not=a excludes";
    "filtering/empty-list-inactive", Should, "§3.5 rule 38",
        "an empty list parameter (mechanics=) is inactive";
    "filtering/post-equals-get", Must, "D4; §3.17 rule 136",
        "POST /games/search with filters returns the same games as GET /games with the same filters";
    "filtering/filter-summary", Should, "D5; §3.3 rules 25-26",
        "meta.filter_summary: total_matching = total, keys are dimension names, {} when unfiltered";
    "filtering/best-at", Must, "D3; §3.6 rules 48-49",
        "best_at=N / recommended_at=N return games whose derived best_at / recommended_at lists contain N";
    "filtering/range-validation", Must, "D10; §3.5 rule 39; spec paths/games.yaml 400",
        "out-of-range values and min > max are 400 validation problems naming the parameter";
    // errors
    "errors/problem-shape", Must, "D9; §3.13 rule 107; RFC 9457",
        "every error body has type (absolute URI), title and status equal to the HTTP status";
    "errors/problem-media-type", Must, "D9; §3.1 rule 3",
        "error bodies are application/problem+json";
    "errors/type-title", Must, "D9; §3.13 rule 108",
        "400/404/422 use the …/problems/validation-error, not-found, unprocessable types with their titles";
    "errors/instance", Should, "D9",
        "instance is the absolute URL of the request";
    "errors/validation-entries", Must, "D9; §3.13 rule 109",
        "400 validation problems carry one errors[] entry per offending field with field and message";
    "errors/body-field-path", Must, "D9; §3.13 rule 109",
        "errors[].field is the dot path of an offending POST body field (filters.players.min)";
    "errors/unknown-slug-422", Must, "D10, D24; §3.5 rule 42",
        "unknown mechanic, theme, category, designer, publisher and family slugs are 422 problems";
    "errors/malformed-body", Must, "D10; §3.1",
        "a malformed POST /games/search body (not JSON, wrong types, arrays for objects) is a 400 problem";
    "errors/no-500", Must, "D10",
        "client input never causes a 5xx";
    // effective
    "effective/base-only-default", Must, "§3.8 rule 72; D8",
        "without with=: combination_source base_only, applied_expansions [], effective = base";
    "effective/base-is-game", Should, "spec EffectiveProperties.yaml (base); D8",
        "base values equal the game's own fields";
    "effective/unknown-expansion-404", Must, "§3.8 rule 73",
        "with= naming an unknown game is a 404 problem";
    "effective/foreign-expansion-422", Must, "§3.8 rule 73; D10",
        "with= naming a game that is not this game's expansion is a 422 problem";
    "effective/tier-consistency", Must, "D8, D37; §3.8 rules 74-82",
        "each tier's answer is consistent: base_only ⇒ [] and effective = base; explicit ⇒ whole set; computed ⇒ subset";
    "effective/exact-set", Must, "D8; §3.8 rule 74",
        "with=a,b and with=b,a (and slugs vs UUIDs) give the same answer; applied_expansions are slugs";
    "effective/values-clamped", Must, "D8; §3.8 rule 86",
        "effective values stay in range: players ≥ 1, max ≥ min, weight 1–5, minutes and age ≥ 0";
    "effective/filter-superset", Must, "D28; §3.7 rule 66",
        "effective=true never drops a base game that matches on its base values";
    "effective/matched-via", Must, "D28",
        "matched_via appears only under effective=true and is consistent (type, tier, expansions, values satisfy the filter)";
    "effective/filter-uses-expansions", Must, "D28; §3.7 rule 66",
        "effective=true returns a base game whose expansion's effective values satisfy the filter, with matched_via";
    // search
    "search/q-validation", Must, "§3.13 rule 112; D10",
        "q shorter than 2 characters, or missing, is a 400 problem";
    "search/result-shape", Must, "§3.17 rule 132; spec SearchResult.yaml",
        "each hit has result_type and the entity under the key named after it";
    "search/score-order", Must, "§3.17 rule 132; D20",
        "scores are in [0, 1] and non-increasing";
    "search/finds-by-name", Should, "§3.17 rule 131; D20",
        "searching a game's name finds that game";
    "search/type-filter", Must, "§3.17 rule 131",
        "type= restricts the result types";
    "search/pagination", Must, "§3.3 rules 15, 27",
        "search results page with cursors, each hit once, total consistent";
    // export
    "export/jsonl", Must, "D18; §3.16 rule 126; spec ExportManifest.yaml",
        "format=jsonl: application/jsonl, line 1 a valid ExportManifest, then one valid Game per line, row_count = lines";
    "export/csv", Must, "D18; §3.16 rule 127",
        "format=csv: text/csv, header row first (id, slug, name, …), one row per game";
    "export/headers", Must, "D18; §3.16 rule 128",
        "X-Export-Format, X-Export-Row-Count, X-Export-Schema-Version, X-Export-Generated-At and Content-Disposition are set";
    "export/matches-list", Must, "D18; §3.6 rule 64",
        "an export holds exactly the games GET /games lists for the same filters";
    "export/streams-complete", Must, "D18 (streamed); §3.16 rule 125",
        "the streamed export body completes, also when the client accepts gzip";
    "export/validation", Must, "D10; spec paths/export.yaml 400",
        "bad format and bad filters are 400 problems";
    "export/filters-applied", Should, "§3.16 rule 129; D5",
        "the manifest's filters_applied is {} for a full export and names the filtered dimensions otherwise";
    // sample-data
    "sample-data/games-list", Must, "§5.2 GET /games",
        "the 8 sample games in name order, total 8";
    "sample-data/pagination", Must, "§5.2 GET /games?limit=3",
        "pages of 3, 3, 2 with has_more true, true, false";
    "sample-data/player-filters", Must, "§5.2; D2, D3",
        "players, players_min/max, best_at and recommended_at give the §5.2 answers";
    "sample-data/weight-year-filters", Must, "§5.2",
        "weight and year filters give the §5.2 answers";
    "sample-data/taxonomy-filters", Must, "§5.2; D24",
        "mode, type, mechanics, themes and category filters give the §5.2 answers";
    "sample-data/playtime-filters", Must, "§5.2; D17, D34, D35",
        "publisher, community and experience-adjusted playtime filters give the §5.2 answers";
    "sample-data/validation", Must, "§5.2",
        "the §5.2 400 and 422 cases";
    "sample-data/game-detail", Must, "§5.2 GET /games/spirit-island",
        "Spirit Island's detail, includes and links";
    "sample-data/expansions", Must, "§5.2 /expansions",
        "expansion lists by type";
    "sample-data/effective-properties", Must, "§5.2 /effective-properties; D8",
        "base_only answers and the 404/422 cases";
    "sample-data/experience-playtime", Must, "§5.2 /experience-playtime; D26",
        "Spirit Island's profile and Terraforming Mars' empty one";
    "sample-data/relationships-editions", Must, "§5.2 /relationships, /editions",
        "Terraforming Mars has no relationships, Spirit Island no editions";
    "sample-data/derived-relationships", Should, "§5.2 /relationships (loader-derived edges); D7",
        "Spirit Island's edges derived from parent_game_id: 5 expands from it, integrates_with both ways";
    "sample-data/vocabulary", Must, "§5.2 /mechanics, /categories, /designers, /publishers",
        "vocabulary totals and first names";
    "sample-data/search", Must, "§5.2 /search",
        "full-text search answers";
    "sample-data/export", Must, "§5.2 /export/games",
        "export row counts";
    // fuzz
    "fuzz/schemathesis", Must, "TOOLING.md §4; schemathesis --checks all",
        "schemathesis finds no issue with all checks (except positive_data_acceptance)";
];

impl Requirement {
    /// The conformance class: the part of the id before the `/`.
    pub fn class(&self) -> &'static str {
        self.id.split('/').next().unwrap_or(self.id)
    }
}

pub fn requirement(id: &str) -> Option<&'static Requirement> {
    REQUIREMENTS.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_classes_known() {
        let mut seen = std::collections::BTreeSet::new();
        for r in REQUIREMENTS {
            assert!(seen.insert(r.id), "duplicate {}", r.id);
            assert!(
                CLASSES.contains(&r.class()),
                "{} has class {}",
                r.id,
                r.class()
            );
            assert!(r.id.starts_with(&format!("{}/", r.class())), "{}", r.id);
        }
    }
}
