//! `opentabletop generate`: a deterministic synthetic catalog in the import
//! layout (docs/import-format.md), for benchmarks and load tests. The same
//! seed always gives the same files (ChaCha8 RNG, fixed iteration order).
//!
//! Distributions: most games 2–4 or 1–5 players; weights log-normal around a
//! median of 2.3; playtimes 15–240 minutes; 0–12 expansions per base game
//! (most none) with deltas and some curated combinations; 3–8 mechanics per
//! game drawn from the real vocabulary; vote counts with a long (Pareto) tail.

use std::fmt::Write as _;
use std::path::Path;

use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal, Pareto};
use serde_json::{Map, Value, json};

use super::Source;

const ADJECTIVES: &[&str] = &[
    "Crimson",
    "Silent",
    "Golden",
    "Hidden",
    "Iron",
    "Lost",
    "Emerald",
    "Frozen",
    "Broken",
    "Ancient",
    "Wandering",
    "Burning",
    "Clockwork",
    "Hollow",
    "Sunken",
    "Velvet",
    "Shattered",
    "Twilight",
    "Copper",
    "Mystic",
    "Northern",
    "Savage",
    "Gilded",
    "Restless",
    "Starlit",
];
const NOUNS: &[&str] = &[
    "Harbor",
    "Kingdom",
    "Expedition",
    "Citadel",
    "Orchard",
    "Canal",
    "Frontier",
    "Archipelago",
    "Observatory",
    "Caravan",
    "Dynasty",
    "Labyrinth",
    "Foundry",
    "Monastery",
    "Railway",
    "Garden",
    "Armada",
    "Bazaar",
    "Colony",
    "Tundra",
    "Vineyard",
    "Empire",
    "Lighthouse",
    "Mine",
    "Reef",
];
const SUFFIXES: &[&str] = &[
    "",
    "",
    "",
    "Legacy",
    "Duel",
    "Chronicles",
    "Rising",
    "Tactics",
    "Tales",
    "Builders",
];
const FIRST: &[&str] = &[
    "Ada", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Greta", "Hiro", "Ines", "Jonas",
    "Kasia", "Lars", "Maya", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Sven", "Tomas",
];
const LAST: &[&str] = &[
    "Albers", "Brandt", "Castell", "Dorn", "Engel", "Falk", "Grau", "Hahn", "Imhof", "Jung",
    "Keller", "Lorenz", "Moser", "Nagel", "Ott", "Pohl", "Reuter", "Stahl", "Thiel", "Vogt",
];
const COUNTRIES: &[&str] = &["US", "DE", "FR", "GB", "IT", "PL", "ES", "JP", "CA", "NL"];

/// Options of `opentabletop generate`.
#[derive(Debug, Clone)]
pub struct Options {
    pub games: usize,
    pub seed: u64,
}

/// Summary of what was generated.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub base_games: usize,
    pub expansions: usize,
    pub combinations: usize,
    pub files: usize,
}

/// Generates the catalog as a list of files (path relative to the output
/// directory, text). `taxonomy` supplies the vocabulary slugs and is written
/// out too, so the catalog imports on its own.
pub fn generate(options: &Options, taxonomy: &[Source]) -> (Vec<(String, String)>, Summary) {
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut files = Vec::new();
    let mut summary = Summary::default();

    let mut vocabulary: Vec<Vec<String>> = vec![Vec::new(), Vec::new(), Vec::new()];
    for source in taxonomy {
        let index = match source.rel.rsplit('/').next() {
            Some("mechanics.yaml") => 0,
            Some("categories.yaml") => 1,
            Some("themes.yaml") => 2,
            _ => continue,
        };
        if let Ok(doc) = super::yaml::parse(&source.text) {
            for term in doc.value.as_array().into_iter().flatten() {
                if let Some(slug) = term["slug"].as_str() {
                    vocabulary[index].push(slug.to_string());
                }
            }
        }
        files.push((
            format!("taxonomy/{}", source.rel.rsplit('/').next().unwrap_or("")),
            source.text.clone(),
        ));
    }
    let [mechanics, categories, themes] = [&vocabulary[0], &vocabulary[1], &vocabulary[2]];

    // People and publishers: pools scaled to the catalog.
    let designers: Vec<Value> = (0..(options.games / 20).max(20))
        .map(|i| {
            let first = FIRST.choose(&mut rng).copied().unwrap_or("Ada");
            let last = LAST.choose(&mut rng).copied().unwrap_or("Albers");
            json!({"slug": format!("{}-{}-{i}", first.to_lowercase(), last.to_lowercase()),
                   "name": format!("{first} {last}")})
        })
        .collect();
    let publishers: Vec<Value> = (0..(options.games / 150).max(10))
        .map(|i| {
            let noun = NOUNS.choose(&mut rng).copied().unwrap_or("Harbor");
            json!({"slug": format!("{}-games-{i}", noun.to_lowercase()),
                   "name": format!("{noun} Games {i}"),
                   "country": COUNTRIES.choose(&mut rng).copied().unwrap_or("US")})
        })
        .collect();
    files.push((
        "designers.yaml".into(),
        to_yaml(&Value::Array(designers.clone())),
    ));
    files.push((
        "publishers.yaml".into(),
        to_yaml(&Value::Array(publishers.clone())),
    ));

    let weight_dist = LogNormal::new((1.3f64).ln(), 0.45).expect("valid parameters");
    let playtime_dist = LogNormal::new((45.0f64).ln(), 0.6).expect("valid parameters");
    let votes_dist = Pareto::new(20.0f64, 1.1).expect("valid parameters");
    let rating_dist = Normal::new(6.8f64, 0.7).expect("valid parameters");

    let mut made = 0;
    let mut index = 0;
    while made < options.games {
        index += 1;
        let name = format!(
            "{} {}{}",
            ADJECTIVES.choose(&mut rng).copied().unwrap_or("Crimson"),
            NOUNS.choose(&mut rng).copied().unwrap_or("Harbor"),
            match SUFFIXES.choose(&mut rng).copied().unwrap_or("") {
                "" => String::new(),
                s => format!(": {s}"),
            }
        );
        let slug = format!("{}-{index}", slugify(&name));
        let (min_players, max_players) = players(&mut rng);
        let weight = (1.0 + weight_dist.sample(&mut rng)).clamp(1.0, 5.0);
        let min_time = round5(playtime_dist.sample(&mut rng).clamp(15.0, 240.0));
        let max_time = (min_time
            + [0, 0, 15, 30, 45, 60, 90]
                .choose(&mut rng)
                .copied()
                .unwrap_or(0))
        .min(240);
        let votes = votes_dist.sample(&mut rng).min(150_000.0) as i64;
        let average = rating_dist.sample(&mut rng).clamp(3.0, 9.5);
        let mode = pick_weighted(
            &mut rng,
            &[
                ("competitive", 70),
                ("cooperative", 15),
                ("solo", 8),
                ("team", 4),
                ("mixed", 3),
            ],
        );
        let year = 2025
            - (LogNormal::new((8.0f64).ln(), 0.9)
                .expect("valid")
                .sample(&mut rng) as i64)
                .min(65);
        let mut game = json!({
            "slug": slug, "name": name, "type": "base_game", "year_published": year,
            "description_short": format!("A {} game for {}–{} players.", mode, min_players, max_players),
            "min_players": min_players, "max_players": max_players,
            "min_playtime_minutes": min_time, "max_playtime_minutes": max_time,
            "min_age": ([8, 10, 12, 14].choose(&mut rng).copied().unwrap_or(10)),
            "weight": round2(weight), "weight_votes": votes / 5,
            "average_rating": round2(average),
            "bayes_rating": round2((average * votes as f64 + 5.5 * 1000.0) / (votes as f64 + 1000.0)),
            "rating_count": votes,
            "rating_distribution": distribution(average, votes),
            "mode": mode,
            "mechanics": sample(&mut rng, mechanics, 3, 8),
            "categories": sample(&mut rng, categories, 0, 2),
            "themes": sample(&mut rng, themes, 1, 3),
            "designers": [designers.choose(&mut rng).map(|d| d["slug"].clone()).unwrap_or(Value::Null)],
            "publishers": [publishers.choose(&mut rng).map(|p| p["slug"].clone()).unwrap_or(Value::Null)],
        });
        if rng.random_bool(0.6) {
            let median = round5(min_time as f64 * rng.random_range(0.9..1.3));
            game["community_playtime_min_minutes"] = json!(round5(median as f64 * 0.75));
            game["community_playtime_max_minutes"] = json!(round5(median as f64 * 1.4));
            game["community_playtime_median_minutes"] = json!(median);
        }
        let folder = format!("games/{:03}/{slug}", index / 1000);
        summary.base_games += 1;
        made += 1;

        // Expansions: most games have none, a long tail up to 12.
        let n_expansions = expansion_count(&mut rng).min(options.games - made);
        let mut expansions = Vec::new();
        let mut modifications = Vec::new();
        for e in 0..n_expansions {
            let kind = pick_weighted(
                &mut rng,
                &[
                    ("expansion", 80),
                    ("promo", 15),
                    ("standalone_expansion", 5),
                ],
            );
            let e_slug = format!("{slug}-x{}", e + 1);
            let e_name = format!(
                "{name}: {}",
                NOUNS.choose(&mut rng).copied().unwrap_or("Harbor")
            );
            let players_delta = pick_weighted(&mut rng, &[(0, 70), (1, 20), (2, 10)]);
            let weight_delta = round2(rng.random_range(-0.1..0.35));
            let mut expansion = json!({"slug": e_slug, "name": e_name, "type": kind,
                "year_published": (year + rng.random_range(0..6)).min(2026),
                "min_players": min_players, "max_players": max_players + players_delta,
                "weight": round2((weight + weight_delta).clamp(1.0, 5.0)),
                "average_rating": round2((average + rng.random_range(-0.5..0.8)).clamp(1.0, 10.0)),
                "rating_count": votes / rng.random_range(3..20)});
            if kind == "promo" {
                expansion.as_object_mut().map(|o| {
                    o.remove("min_players");
                    o.remove("max_players");
                    o.remove("weight")
                });
            } else {
                let mut m = json!({"expansion": e_slug, "max_players_delta": players_delta,
                    "playtime_min_delta": ([0, 0, 15].choose(&mut rng).copied().unwrap_or(0)),
                    "playtime_max_delta": ([0, 15, 30].choose(&mut rng).copied().unwrap_or(0)),
                    "weight_delta": weight_delta});
                if players_delta > 0 && rng.random_bool(0.5) {
                    m["best_at_delta"] = json!([max_players + players_delta]);
                }
                modifications.push(m);
            }
            expansions.push(expansion);
            summary.expansions += 1;
            made += 1;
        }
        files.push((format!("{folder}/game.yaml"), to_yaml(&game)));
        if !expansions.is_empty() {
            files.push((
                format!("{folder}/expansions.yaml"),
                to_yaml(&Value::Array(expansions.clone())),
            ));
        }
        if !modifications.is_empty() {
            files.push((
                format!("{folder}/property-modifications.yaml"),
                to_yaml(&Value::Array(modifications.clone())),
            ));
        }
        // Curated combinations whose values differ from the plain delta sum.
        if modifications.len() >= 2 && rng.random_bool(0.4) {
            let a = modifications[0]["expansion"].clone();
            let b = modifications[1]["expansion"].clone();
            let combination = json!([{"expansions": [a, b], "source": "community_poll",
                "effective_min_players": min_players,
                "effective_max_players": max_players + 1,
                "effective_weight": round2((weight + 0.3).min(5.0)),
                "effective_playtime_min": min_time, "effective_playtime_max": max_time + 30,
                "effective_best_at": [((min_players + max_players) / 2).max(1)]}]);
            files.push((
                format!("{folder}/expansion-combinations.yaml"),
                to_yaml(&combination),
            ));
            summary.combinations += 1;
        }
        // Per-count ratings for half of the games.
        if rng.random_bool(0.5) {
            let best = rng.random_range(min_players..=max_players.min(min_players + 3));
            let ratings: Vec<Value> = (min_players..=max_players.min(8))
                .map(|n| {
                    let score = (4.6 - 0.6 * (n - best).abs() as f64 + rng.random_range(-0.3..0.3))
                        .clamp(1.0, 5.0);
                    json!({"player_count": n, "average_rating": round2(score),
                           "rating_count": (votes / 10).max(1), "rating_stddev": 0.8})
                })
                .collect();
            files.push((
                format!("{folder}/player-count-ratings.yaml"),
                to_yaml(&json!({"ratings": ratings})),
            ));
        }
        // Experience profiles for a tenth.
        if rng.random_bool(0.1) {
            let base = max_time.max(20) as f64;
            let levels: Vec<Value> = [("first_play", 1.5), ("learning", 1.25), ("experienced", 1.0), ("expert", 0.85)]
                .iter()
                .map(|(level, factor)| {
                    let median = round5(base * factor * rng.random_range(0.95..1.05));
                    json!({"experience_level": level, "median_minutes": median,
                           "min_minutes": round5(median as f64 * 0.7), "max_minutes": round5(median as f64 * 1.4),
                           "total_reports": rng.random_range(5..500)})
                })
                .collect();
            files.push((
                format!("{folder}/experience-playtime.yaml"),
                to_yaml(&json!({"levels": levels})),
            ));
        }
    }
    summary.files = files.len();
    (files, summary)
}

/// Writes generated files below `out`.
pub fn write(out: &Path, files: &[(String, String)]) -> std::io::Result<()> {
    for (rel, text) in files {
        let path = out.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
    }
    Ok(())
}

fn players(rng: &mut ChaCha8Rng) -> (i64, i64) {
    pick_weighted(
        rng,
        &[
            ((2, 4), 45),
            ((1, 5), 20),
            ((1, 4), 10),
            ((2, 2), 8),
            ((1, 1), 4),
            ((2, 6), 5),
            ((3, 8), 4),
            ((4, 10), 4),
        ],
    )
}

fn expansion_count(rng: &mut ChaCha8Rng) -> usize {
    if rng.random_bool(0.7) {
        0
    } else {
        (rng.random_range(0.0f64..1.0).powi(2) * 12.0).ceil() as usize
    }
}

fn pick_weighted<T: Copy>(rng: &mut ChaCha8Rng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|c| c.1).sum();
    let mut roll = rng.random_range(0..total);
    for (value, weight) in choices {
        if roll < *weight {
            return *value;
        }
        roll -= weight;
    }
    choices[0].0
}

fn sample(rng: &mut ChaCha8Rng, pool: &[String], min: usize, max: usize) -> Vec<String> {
    if pool.is_empty() {
        return Vec::new();
    }
    let n = rng.random_range(min..=max).min(pool.len());
    let mut picked: Vec<String> = pool.choose_multiple(rng, n).cloned().collect();
    picked.shuffle(rng);
    picked
}

/// Ten bucket counts summing to `votes`, centred on `average`.
fn distribution(average: f64, votes: i64) -> Vec<i64> {
    let weights: Vec<f64> = (1..=10)
        .map(|r| (-((r as f64 - average).powi(2)) / 3.0).exp())
        .collect();
    let sum: f64 = weights.iter().sum();
    let mut counts: Vec<i64> = weights
        .iter()
        .map(|w| (w / sum * votes as f64).floor() as i64)
        .collect();
    let missing = votes - counts.iter().sum::<i64>();
    let top = (average.round() as usize).clamp(1, 10) - 1;
    counts[top] += missing;
    counts
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn round5(v: f64) -> i64 {
    ((v / 5.0).round() * 5.0) as i64
}

fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Block-style YAML for generated values; strings are double-quoted JSON
/// strings, which YAML reads as they are.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    emit(value, 0, &mut out, false);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn emit(value: &Value, indent: usize, out: &mut String, inline_first: bool) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => emit_map(map, indent, out, inline_first),
        Value::Array(items) if !items.is_empty() && items.iter().any(|v| v.is_object()) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 || !inline_first {
                    out.push_str(&pad);
                }
                out.push_str("- ");
                emit(item, indent + 2, out, true);
            }
        }
        scalar => {
            let _ = writeln!(out, "{scalar}");
        }
    }
}

fn emit_map(map: &Map<String, Value>, indent: usize, out: &mut String, inline_first: bool) {
    let pad = " ".repeat(indent);
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 || !inline_first {
            out.push_str(&pad);
        }
        match value {
            Value::Object(m) if !m.is_empty() => {
                let _ = writeln!(out, "{key}:");
                emit_map(m, indent + 2, out, false);
            }
            Value::Array(items) if items.iter().any(|v| v.is_object()) => {
                let _ = writeln!(out, "{key}:");
                emit(value, indent + 2, out, false);
            }
            _ => {
                let _ = writeln!(out, "{key}: {value}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary() -> Vec<Source> {
        vec![Source {
            path: "t/mechanics.yaml".into(),
            rel: "taxonomy/mechanics.yaml".into(),
            text: (0..20)
                .map(|i| format!("- slug: m{i}\n  name: M{i}\n"))
                .collect(),
        }]
    }

    #[test]
    fn the_same_seed_gives_the_same_catalog() {
        let options = Options {
            games: 300,
            seed: 7,
        };
        let (a, sa) = generate(&options, &vocabulary());
        let (b, sb) = generate(&options, &vocabulary());
        assert_eq!(a, b);
        assert_eq!(sa, sb);
        assert_eq!(sa.base_games + sa.expansions, 300);
        let (c, _) = generate(
            &Options {
                games: 300,
                seed: 8,
            },
            &vocabulary(),
        );
        assert_ne!(a, c);
    }

    #[test]
    fn generated_files_import_cleanly() {
        let (files, summary) = generate(
            &Options {
                games: 500,
                seed: 1,
            },
            &vocabulary(),
        );
        let sources: Vec<Source> = files
            .iter()
            .map(|(rel, text)| Source {
                path: rel.clone(),
                rel: rel.clone(),
                text: text.clone(),
            })
            .collect();
        let (catalog, warnings) = super::super::build(&sources, &Default::default(), true)
            .unwrap_or_else(|e| {
                panic!(
                    "{}",
                    e.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("\n")
                )
            });
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(catalog.games.len(), 500);
        assert!(summary.expansions > 0 && summary.combinations > 0);
        assert_eq!(catalog.combinations.len(), summary.combinations);
        let weights: Vec<f64> = catalog.games.iter().filter_map(|g| g.weight).collect();
        let mut sorted = weights.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted[sorted.len() / 2];
        assert!((1.9..2.8).contains(&median), "weight median {median}");
        for g in &catalog.games {
            if let Some(d) = &g.rating_distribution {
                assert_eq!(d.iter().sum::<i64>(), g.rating_count.unwrap());
            }
        }
    }

    #[test]
    fn yaml_emitter_round_trips() {
        let value = json!({"a": 1, "b": "x: \"y\"", "c": [1, 2], "d": [{"e": 1.5, "f": [{"g": true}]}], "h": {"i": null}});
        let parsed = super::super::yaml::parse(&to_yaml(&value)).unwrap();
        assert_eq!(parsed.value, value);
    }
}
