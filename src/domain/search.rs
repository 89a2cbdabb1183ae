//! Relevance of a full-text search hit (D20), the same on every backend:
//! storage finds candidates with the backend's index (tsvector and trigram
//! indexes on PostgreSQL, the FTS5 trigram table on SQLite), this module
//! scores them in 0..1.
//!
//! Name and alternate names weigh most, `description_short` next,
//! `description` last. Exact name 1.0; prefix of the name about 0.9; prefix
//! of a word of the name about 0.85; substring about 0.8; otherwise trigram
//! similarity (typo tolerance, as pg_trgm computes it) scaled below those.

use std::collections::BTreeSet;

/// Hits scoring below this are dropped.
pub const MIN_SCORE: f64 = 0.2;

/// Lower-cased, with runs of non-alphanumeric characters folded to one space.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    out.trim_end().to_string()
}

/// The trigrams of a normalised text, each word padded as pg_trgm pads it
/// (two spaces before, one after).
pub fn trigrams(s: &str) -> BTreeSet<[char; 3]> {
    let mut out = BTreeSet::new();
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        let padded: Vec<char> = "  "
            .chars()
            .chain(word.chars())
            .chain(" ".chars())
            .collect();
        for w in padded.windows(3) {
            out.insert([w[0], w[1], w[2]]);
        }
    }
    out
}

/// pg_trgm's `similarity`: shared trigrams over all trigrams.
pub fn similarity(a: &str, b: &str) -> f64 {
    let (ta, tb) = (trigrams(a), trigrams(b));
    if ta.is_empty() || tb.is_empty() {
        return 0.0;
    }
    let shared = ta.intersection(&tb).count() as f64;
    shared / (ta.len() as f64 + tb.len() as f64 - shared)
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// How well a name matches the (normalised) query.
pub fn name_score(query: &str, name: &str) -> f64 {
    let name = normalize(name);
    if query.is_empty() || name.is_empty() {
        return 0.0;
    }
    let ratio = query.chars().count() as f64 / name.chars().count().max(1) as f64;
    let ratio = ratio.min(1.0);
    if name == query {
        return 1.0;
    }
    if name.starts_with(query) {
        return round(0.9 + 0.05 * ratio);
    }
    if name.split(' ').any(|w| w.starts_with(query)) || name.contains(&format!(" {query}")) {
        return round(0.85 + 0.05 * ratio);
    }
    if name.contains(query) {
        return round(0.78 + 0.05 * ratio);
    }
    // Typos: the whole name, or its best word, against the query.
    let whole = similarity(query, &name);
    let word = name
        .split(' ')
        .map(|w| similarity(query, w))
        .fold(0.0, f64::max);
    round(0.75 * whole.max(word))
}

/// How well a longer text matches: every query word in it.
fn text_score(query: &str, text: &str, weight: f64) -> f64 {
    let text = normalize(text);
    let words: Vec<&str> = query.split(' ').filter(|w| !w.is_empty()).collect();
    if words.is_empty() {
        return 0.0;
    }
    let found = words.iter().filter(|w| text.contains(**w)).count();
    if found == words.len() {
        weight
    } else {
        round(weight * 0.5 * found as f64 / words.len() as f64)
    }
}

/// The score of a game: the best of its name, alternate names and
/// descriptions.
pub fn game_score(
    query: &str,
    name: &str,
    alternate_names: &[String],
    description_short: Option<&str>,
    description: Option<&str>,
) -> f64 {
    let q = normalize(query);
    let mut best = name_score(&q, name);
    for alt in alternate_names {
        best = best.max(round(0.97 * name_score(&q, alt)));
    }
    if let Some(d) = description_short {
        best = best.max(text_score(&q, d, 0.5));
    }
    if let Some(d) = description {
        best = best.max(text_score(&q, d, 0.3));
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_folds_case_and_punctuation() {
        assert_eq!(
            normalize("Spirit Island: Branch & Claw"),
            "spirit island branch claw"
        );
        assert_eq!(normalize("  Ä-b  "), "ä b");
    }

    #[test]
    fn similarity_is_pg_trgm_similarity() {
        assert_eq!(similarity("word", "word"), 1.0);
        // pg_trgm: similarity('word', 'two words') = 4 shared / 11 distinct.
        let s = similarity("word", "two words");
        assert!((s - 4.0 / 11.0).abs() < 1e-9, "{s}");
        assert_eq!(similarity("abc", "xyz"), 0.0);
        // 'carcasone' vs 'carcassonne': pg_trgm says about 0.57 (TOOLING.md).
        let s = similarity("carcasone", "carcassonne");
        assert!((0.5..0.65).contains(&s), "{s}");
    }

    #[test]
    fn the_name_ranks_by_kind_of_match() {
        let q = normalize("spirit");
        let exact = name_score(&q, "Spirit");
        let prefix = name_score(&q, "Spirit Island");
        let word = name_score(&q, "Horizons of Spirit Island");
        let typo = name_score(&normalize("spirt"), "Spirit Island");
        assert_eq!(exact, 1.0);
        assert!(exact > prefix && prefix > word && word > typo && typo > MIN_SCORE);
        assert_eq!(name_score(&q, "Terraforming Mars"), 0.0);
    }

    #[test]
    fn games_score_by_their_best_field() {
        let by_name = game_score("terraforming", "Terraforming Mars", &[], None, None);
        let by_alt = game_score(
            "テラフォーミング",
            "Terraforming Mars",
            &["テラフォーミング・マーズ".into()],
            None,
            None,
        );
        let by_text = game_score(
            "corporations",
            "Terraforming Mars",
            &[],
            Some("Rival corporations terraform Mars"),
            None,
        );
        let by_long = game_score(
            "oxygen",
            "Terraforming Mars",
            &[],
            None,
            Some("Raise the oxygen level"),
        );
        assert!(by_name > by_alt && by_alt > by_text && by_text > by_long && by_long > 0.0);
        assert!((0.0..=1.0).contains(&by_alt));
    }
}
