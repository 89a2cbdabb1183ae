//! Effective properties of a base game played with expansions: the three-tier
//! resolution of SPEC-NOTES D8 (with D32, D34, D37), the candidate sets of
//! effective-mode filtering (D28, D33), and the summary of experience-playtime
//! data (§3.9). Pure code: the storage layer loads the inputs, the HTTP layer
//! and the filters use the results.
//!
//! Resolution, in order:
//! 1. the edition delta, when an edition is selected, is applied to the base
//!    game (same arithmetic and clamping as an expansion delta); the result is
//!    the `base` of the answer;
//! 2. `explicit`: a curated [`Combination`] whose expansion set equals the
//!    requested set (order irrelevant, duplicates ignored) gives the values.
//!    Its values are absolute: they are not adjusted by the edition delta. A
//!    field the combination does not curate falls back to the `computed`
//!    value (the base plus the deltas of the requested expansions that have
//!    any, which is the base itself when none has);
//! 3. `computed`: the base plus the sum of the requested expansions' deltas,
//!    clamped (players ≥ 1, playtime and age ≥ 0, max ≥ min for players and
//!    playtime, weight within 1.0..=5.0 and rounded to two decimals);
//!    `best_at` = base best-at ∪ every `best_at_delta`, `recommended_at` =
//!    base recommended-at ∪ effective best-at, both kept inside the effective
//!    player range; only the expansions whose deltas were applied are
//!    reported (D37);
//! 4. `base_only`: no data for any requested expansion; nothing is applied.
//!
//! A value the base game lacks (a promo without a player count) stays absent:
//! a delta never invents it.

use std::collections::{BTreeSet, HashMap};

use uuid::Uuid;

use crate::catalog::derive::{LEVELS, MIN_LEVEL_REPORTS};

/// Id of an expansion (a game whose parent is the base game).
pub type ExpansionId = Uuid;

/// Per-expansion deltas of one base game, by expansion.
pub type Deltas = HashMap<ExpansionId, Delta>;

/// The properties that resolution changes. Also the result of a resolution.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BaseValues {
    pub min_players: Option<i64>,
    pub max_players: Option<i64>,
    pub min_playtime: Option<i64>,
    pub max_playtime: Option<i64>,
    pub weight: Option<f64>,
    pub min_age: Option<i64>,
    /// Ascending, without duplicates.
    pub best_at: Vec<i64>,
    /// Ascending, without duplicates.
    pub recommended_at: Vec<i64>,
}

/// Additive deltas of an expansion (PropertyModification) or of an edition
/// (EditionDelta, which has no age delta: 0). `best_at` holds absolute player
/// counts, not deltas.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Delta {
    pub min_players: i64,
    pub max_players: i64,
    pub playtime_min: i64,
    pub playtime_max: i64,
    pub min_age: i64,
    pub weight: f64,
    pub best_at: Vec<i64>,
}

/// Reported play time at one experience level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExperienceLevel {
    /// `first_play`, `learning`, `experienced` or `expert`.
    pub level: String,
    pub median_minutes: i64,
    pub min_minutes: Option<i64>,
    pub max_minutes: Option<i64>,
    pub total_reports: i64,
}

/// A curated set of expansions (ExpansionCombination) with its values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Combination {
    /// The member expansions, as curated (order carries no meaning here).
    pub expansions: Vec<ExpansionId>,
    pub min_players: Option<i64>,
    pub max_players: Option<i64>,
    pub min_playtime: Option<i64>,
    pub max_playtime: Option<i64>,
    pub weight: Option<f64>,
    pub min_age: Option<i64>,
    pub best_at: Option<Vec<i64>>,
    pub recommended_at: Option<Vec<i64>>,
    /// Experience-playtime data of the combination itself.
    pub experience: Option<Vec<ExperienceLevel>>,
}

impl Combination {
    /// The member set (duplicates ignored).
    pub fn set(&self) -> BTreeSet<ExpansionId> {
        self.expansions.iter().copied().collect()
    }
}

/// Which tier produced the effective values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tier {
    Explicit,
    Computed,
    BaseOnly,
}

impl Tier {
    /// The contract's `combination_source`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Explicit => "explicit",
            Tier::Computed => "computed",
            Tier::BaseOnly => "base_only",
        }
    }

    /// `matched_via.resolution_tier`: 1 explicit, 2 computed, 3 base.
    pub fn number(self) -> u8 {
        match self {
            Tier::Explicit => 1,
            Tier::Computed => 2,
            Tier::BaseOnly => 3,
        }
    }
}

/// The outcome of [`resolve`].
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    pub tier: Tier,
    /// The base game's values after the edition delta (the answer's `base`).
    pub base: BaseValues,
    pub effective: BaseValues,
    /// `applied_expansions`: the whole requested set on `explicit`, the
    /// requested expansions with deltas on `computed` (D37), none on
    /// `base_only`. In request order, without duplicates.
    pub applied: Vec<ExpansionId>,
    /// Index into the `combinations` argument of the curated combination used
    /// (`explicit` only).
    pub combination: Option<usize>,
}

/// Rounds a weight to two decimals (D34).
pub fn round_weight(weight: f64) -> f64 {
    (weight * 100.0).round() / 100.0
}

/// The requested ids without duplicates, first occurrence first.
fn dedup(ids: &[ExpansionId]) -> Vec<ExpansionId> {
    let mut seen = BTreeSet::new();
    ids.iter().copied().filter(|id| seen.insert(*id)).collect()
}

/// Player counts inside `min..=max` (an absent bound does not limit).
fn in_range(counts: impl IntoIterator<Item = i64>, min: Option<i64>, max: Option<i64>) -> Vec<i64> {
    let set: BTreeSet<i64> = counts
        .into_iter()
        .filter(|n| *n >= 1)
        .filter(|n| min.is_none_or(|m| *n >= m))
        .filter(|n| max.is_none_or(|m| *n <= m))
        .collect();
    set.into_iter().collect()
}

/// `max ≥ min` when both are known.
fn ordered(min: Option<i64>, max: Option<i64>) -> Option<i64> {
    match (min, max) {
        (Some(lo), Some(hi)) => Some(hi.max(lo)),
        (_, hi) => hi,
    }
}

/// The base plus the sum of `deltas`, clamped (D8, D32, D34).
pub fn apply<'a>(base: &BaseValues, deltas: impl IntoIterator<Item = &'a Delta>) -> BaseValues {
    let mut sum = Delta::default();
    let mut best: BTreeSet<i64> = base.best_at.iter().copied().collect();
    for d in deltas {
        sum.min_players += d.min_players;
        sum.max_players += d.max_players;
        sum.playtime_min += d.playtime_min;
        sum.playtime_max += d.playtime_max;
        sum.min_age += d.min_age;
        sum.weight += d.weight;
        best.extend(d.best_at.iter().copied());
    }
    let min_players = base.min_players.map(|v| (v + sum.min_players).max(1));
    let max_players = ordered(
        min_players,
        base.max_players.map(|v| (v + sum.max_players).max(1)),
    );
    let min_playtime = base.min_playtime.map(|v| (v + sum.playtime_min).max(0));
    let max_playtime = ordered(
        min_playtime,
        base.max_playtime.map(|v| (v + sum.playtime_max).max(0)),
    );
    let best_at = in_range(best, min_players, max_players);
    let recommended_at = in_range(
        base.recommended_at
            .iter()
            .copied()
            .chain(best_at.iter().copied()),
        min_players,
        max_players,
    );
    BaseValues {
        min_players,
        max_players,
        min_playtime,
        max_playtime,
        weight: base
            .weight
            .map(|w| round_weight((w + sum.weight).clamp(1.0, 5.0))),
        min_age: base.min_age.map(|v| (v + sum.min_age).max(0)),
        best_at,
        recommended_at,
    }
}

/// A curated combination's values over the `computed` ones (fields it does
/// not curate fall back to them).
fn overlay(c: &Combination, computed: &BaseValues) -> BaseValues {
    let min_players = c.min_players.or(computed.min_players);
    let max_players = ordered(min_players, c.max_players.or(computed.max_players));
    let min_playtime = c.min_playtime.or(computed.min_playtime);
    let max_playtime = ordered(min_playtime, c.max_playtime.or(computed.max_playtime));
    let best_at = match &c.best_at {
        Some(list) => in_range(list.iter().copied(), None, None),
        None => in_range(computed.best_at.iter().copied(), min_players, max_players),
    };
    let recommended_at = match &c.recommended_at {
        Some(list) => in_range(list.iter().copied(), None, None),
        None => in_range(
            computed
                .recommended_at
                .iter()
                .chain(best_at.iter())
                .copied(),
            min_players,
            max_players,
        ),
    };
    BaseValues {
        min_players,
        max_players,
        min_playtime,
        max_playtime,
        weight: c
            .weight
            .map(|w| round_weight(w.clamp(1.0, 5.0)))
            .or(computed.weight),
        min_age: c.min_age.or(computed.min_age),
        best_at,
        recommended_at,
    }
}

/// The curated combination for exactly `set`, if any.
pub fn find_combination(
    combinations: &[Combination],
    set: &BTreeSet<ExpansionId>,
) -> Option<usize> {
    if set.is_empty() {
        return None;
    }
    combinations.iter().position(|c| c.set() == *set)
}

/// Resolves the effective values of `base` with the `requested` expansions
/// (D8): edition delta first, then `explicit`, `computed` or `base_only`.
pub fn resolve(
    base: &BaseValues,
    edition_delta: Option<&Delta>,
    requested: &[ExpansionId],
    deltas: &Deltas,
    combinations: &[Combination],
) -> Resolution {
    let base = match edition_delta {
        Some(d) => apply(base, [d]),
        None => base.clone(),
    };
    let requested = dedup(requested);
    let with_deltas: Vec<ExpansionId> = requested
        .iter()
        .copied()
        .filter(|id| deltas.contains_key(id))
        .collect();
    let set: BTreeSet<ExpansionId> = requested.iter().copied().collect();
    if let Some(index) = find_combination(combinations, &set) {
        let computed = apply(&base, with_deltas.iter().map(|id| &deltas[id]));
        return Resolution {
            tier: Tier::Explicit,
            effective: overlay(&combinations[index], &computed),
            base,
            applied: requested,
            combination: Some(index),
        };
    }
    if with_deltas.is_empty() {
        return Resolution {
            tier: Tier::BaseOnly,
            effective: base.clone(),
            base,
            applied: Vec::new(),
            combination: None,
        };
    }
    Resolution {
        tier: Tier::Computed,
        effective: apply(&base, with_deltas.iter().map(|id| &deltas[id])),
        base,
        applied: with_deltas,
        combination: None,
    }
}

/// One expansion set an effective-mode filter tries (D28).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The set, ordered by slug.
    pub expansions: Vec<ExpansionId>,
    pub resolution: Resolution,
}

impl Candidate {
    /// 1 (explicit, `matched_via.type = expansion_combination`) or 2
    /// (computed, `delta_sum`).
    pub fn tier(&self) -> u8 {
        self.resolution.tier.number()
    }
}

/// The candidate sets of one base game for effective-mode filtering (D28,
/// D33), in the order a filter tries them: every curated combination (fewest
/// expansions first, then by their slugs), every single expansion with deltas
/// (by slug), and the set of all expansions with deltas. Each set is listed
/// once and resolved with [`resolve`], so a curated combination for exactly
/// that set wins over the delta sum. `slugs` names the expansions (a missing
/// one sorts by its id).
pub fn candidates(
    base: &BaseValues,
    edition_delta: Option<&Delta>,
    deltas: &Deltas,
    combinations: &[Combination],
    slugs: &HashMap<ExpansionId, String>,
) -> Vec<Candidate> {
    let slug = |id: &ExpansionId| slugs.get(id).cloned().unwrap_or_else(|| id.to_string());
    let by_slug = |set: BTreeSet<ExpansionId>| {
        let mut ids: Vec<(String, ExpansionId)> =
            set.into_iter().map(|id| (slug(&id), id)).collect();
        ids.sort();
        ids
    };

    let mut sets: Vec<Vec<ExpansionId>> = Vec::new();
    let mut curated: Vec<Vec<(String, ExpansionId)>> =
        combinations.iter().map(|c| by_slug(c.set())).collect();
    curated.retain(|s| !s.is_empty());
    curated.sort_by(|a, b| {
        a.len()
            .cmp(&b.len())
            .then_with(|| a.iter().map(|(s, _)| s).cmp(b.iter().map(|(s, _)| s)))
    });
    sets.extend(
        curated
            .into_iter()
            .map(|s| s.into_iter().map(|(_, id)| id).collect()),
    );
    let with_deltas = by_slug(deltas.keys().copied().collect());
    sets.extend(with_deltas.iter().map(|(_, id)| vec![*id]));
    if with_deltas.len() > 1 {
        sets.push(with_deltas.iter().map(|(_, id)| *id).collect());
    }

    let mut seen: BTreeSet<BTreeSet<ExpansionId>> = BTreeSet::new();
    sets.into_iter()
        .filter(|s| seen.insert(s.iter().copied().collect()))
        .map(|expansions| Candidate {
            resolution: resolve(base, edition_delta, &expansions, deltas, combinations),
            expansions,
        })
        .collect()
}

/// Experience-playtime data as the ExperiencePlaytimeProfile shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperienceSummary {
    /// The levels with enough reports, in level order.
    pub levels: Vec<ExperienceLevel>,
    /// All four levels have enough reports (so game-specific multipliers exist).
    pub sufficient_data: bool,
    /// Reports across every level.
    pub total_reports: i64,
}

/// Summarises reported play times: a level counts with at least
/// [`MIN_LEVEL_REPORTS`] reports; the data is sufficient when all four do.
pub fn summarize_experience(levels: &[ExperienceLevel]) -> ExperienceSummary {
    let mut kept = Vec::new();
    for name in LEVELS {
        if let Some(l) = levels
            .iter()
            .find(|l| l.level == name && l.total_reports >= MIN_LEVEL_REPORTS)
        {
            kept.push(l.clone());
        }
    }
    ExperienceSummary {
        sufficient_data: kept.len() == LEVELS.len(),
        total_reports: levels.iter().map(|l| l.total_reports.max(0)).sum(),
        levels: kept,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> ExpansionId {
        Uuid::from_u128(n)
    }

    const BC: u128 = 1;
    const JE: u128 = 2;
    const NI: u128 = 3;
    const HZ: u128 = 4;

    /// Spirit Island as the upstream sample has it (SPEC-NOTES §5.2).
    fn spirit_island() -> BaseValues {
        BaseValues {
            min_players: Some(1),
            max_players: Some(4),
            min_playtime: Some(90),
            max_playtime: Some(120),
            weight: Some(3.86),
            min_age: Some(13),
            best_at: vec![1, 2, 3],
            recommended_at: vec![1, 2, 3, 4],
        }
    }

    fn delta(max_players: i64, weight: f64, playtime_max: i64) -> Delta {
        Delta {
            max_players,
            weight,
            playtime_max,
            ..Delta::default()
        }
    }

    /// The component example's individual deltas (§5.3).
    fn si_deltas() -> Deltas {
        HashMap::from([
            (id(BC), delta(0, 0.16, 30)),
            (id(JE), delta(2, 0.21, 30)),
            (id(NI), delta(2, 0.26, 60)),
        ])
    }

    /// The two curated combinations of §5.3.
    fn si_combinations() -> Vec<Combination> {
        vec![
            Combination {
                expansions: vec![id(BC), id(JE)],
                min_players: Some(1),
                max_players: Some(6),
                min_playtime: Some(90),
                max_playtime: Some(180),
                weight: Some(4.12),
                min_age: Some(12),
                best_at: Some(vec![2, 3]),
                recommended_at: Some(vec![1, 4, 5]),
                experience: None,
            },
            Combination {
                expansions: vec![id(BC), id(JE), id(NI)],
                min_players: Some(1),
                max_players: Some(6),
                min_playtime: Some(120),
                max_playtime: Some(180),
                weight: Some(4.35),
                min_age: None,
                best_at: Some(vec![2, 3, 4]),
                recommended_at: Some(vec![1, 4, 5]),
                experience: None,
            },
        ]
    }

    fn si(requested: &[u128]) -> Resolution {
        let requested: Vec<_> = requested.iter().map(|n| id(*n)).collect();
        resolve(
            &spirit_island(),
            None,
            &requested,
            &si_deltas(),
            &si_combinations(),
        )
    }

    fn range(v: &BaseValues) -> (i64, i64, i64, i64, f64) {
        (
            v.min_players.unwrap(),
            v.max_players.unwrap(),
            v.min_playtime.unwrap(),
            v.max_playtime.unwrap(),
            v.weight.unwrap(),
        )
    }

    #[test]
    fn nothing_requested_is_base_only() {
        let r = si(&[]);
        assert_eq!(r.tier, Tier::BaseOnly);
        assert_eq!(r.effective, spirit_island());
        assert_eq!(r.base, spirit_island());
        assert!(r.applied.is_empty());
        assert_eq!(r.combination, None);
    }

    #[test]
    fn spirit_island_combination_example() {
        // §5.3, component-example deltas.
        let r = si(&[BC, JE]);
        assert_eq!(r.tier, Tier::Explicit);
        assert_eq!(range(&r.effective), (1, 6, 90, 180, 4.12));
        assert_eq!(r.effective.best_at, [2, 3]);
        assert_eq!(r.effective.recommended_at, [1, 4, 5]);
        assert_eq!(r.effective.min_age, Some(12));
        assert_eq!(r.applied, [id(BC), id(JE)]);
        assert_eq!(r.combination, Some(0));

        let r = si(&[JE]);
        assert_eq!(r.tier, Tier::Computed);
        assert_eq!(range(&r.effective), (1, 6, 90, 150, 4.07));

        let r = si(&[BC]);
        assert_eq!(r.tier, Tier::Computed);
        assert_eq!(range(&r.effective), (1, 4, 90, 150, 4.02));

        let r = si(&[NI]);
        assert_eq!(range(&r.effective), (1, 6, 90, 180, 4.12));

        // The plain sum overshoots the curated 6 players: why tier 1 exists.
        let r = si(&[JE, NI]);
        assert_eq!(r.tier, Tier::Computed);
        assert_eq!(range(&r.effective), (1, 8, 90, 210, 4.33));

        let r = si(&[BC, JE, NI]);
        assert_eq!(r.tier, Tier::Explicit);
        assert_eq!(range(&r.effective), (1, 6, 120, 180, 4.35));
        assert_eq!(r.effective.best_at, [2, 3, 4]);
        assert_eq!(r.effective.recommended_at, [1, 4, 5]);
        assert_eq!(r.combination, Some(1));
        // Not curated: falls back to the computed (here: base) age.
        assert_eq!(r.effective.min_age, Some(13));
        // The base is reported unchanged.
        assert_eq!(r.base, spirit_island());
    }

    #[test]
    fn explicit_needs_the_exact_set() {
        // {BC, JE} is curated; neither {BC} nor {BC, JE, HZ} uses it.
        let r = si(&[BC]);
        assert_eq!(r.tier, Tier::Computed);
        assert_eq!(r.combination, None);
        let r = si(&[BC, JE, HZ]);
        assert_ne!(r.tier, Tier::Explicit);
        assert_eq!(r.tier, Tier::Computed, "BC and JE have deltas");
        assert_eq!(r.applied, [id(BC), id(JE)], "D37: HZ has no deltas");
        // Order is irrelevant.
        let r = si(&[JE, BC]);
        assert_eq!(r.tier, Tier::Explicit);
        assert_eq!(r.applied, [id(JE), id(BC)], "request order");
    }

    #[test]
    fn duplicates_are_ignored() {
        let r = si(&[JE, BC, JE, BC]);
        assert_eq!(r.tier, Tier::Explicit);
        assert_eq!(r.applied, [id(JE), id(BC)]);
        let r = si(&[JE, JE]);
        assert_eq!(r.tier, Tier::Computed);
        assert_eq!(range(&r.effective), (1, 6, 90, 150, 4.07), "applied once");
        assert_eq!(r.applied, [id(JE)]);
    }

    #[test]
    fn applied_lists_only_expansions_with_deltas() {
        // D37 on computed; base_only applies nothing.
        let r = si(&[HZ, NI]);
        assert_eq!(r.tier, Tier::Computed);
        assert_eq!(r.applied, [id(NI)]);
        let r = si(&[HZ]);
        assert_eq!(r.tier, Tier::BaseOnly);
        assert!(r.applied.is_empty());
        assert_eq!(r.effective, spirit_island());
        // No data at all: base only.
        let r = resolve(&spirit_island(), None, &[id(JE)], &Deltas::new(), &[]);
        assert_eq!(r.tier, Tier::BaseOnly);
        assert!(r.applied.is_empty());
        // Explicit lists the whole requested set, with or without deltas.
        let combos = vec![Combination {
            expansions: vec![id(HZ), id(JE)],
            max_players: Some(5),
            ..Combination::default()
        }];
        let r = resolve(
            &spirit_island(),
            None,
            &[id(HZ), id(JE)],
            &si_deltas(),
            &combos,
        );
        assert_eq!(r.tier, Tier::Explicit);
        assert_eq!(r.applied, [id(HZ), id(JE)]);
    }

    #[test]
    fn uncurated_fields_fall_back_to_computed_values() {
        let combos = vec![Combination {
            expansions: vec![id(JE)],
            max_players: Some(5),
            ..Combination::default()
        }];
        let r = resolve(&spirit_island(), None, &[id(JE)], &si_deltas(), &combos);
        assert_eq!(r.tier, Tier::Explicit);
        // max curated; playtime and weight from JE's deltas.
        assert_eq!(range(&r.effective), (1, 5, 90, 150, 4.07));
        assert_eq!(r.effective.best_at, [1, 2, 3]);
        assert_eq!(r.effective.recommended_at, [1, 2, 3, 4]);
        // A curated max below the computed min is raised to it.
        let combos = vec![Combination {
            expansions: vec![id(JE)],
            max_players: Some(2),
            ..Combination::default()
        }];
        let base = BaseValues {
            min_players: Some(3),
            ..spirit_island()
        };
        let r = resolve(&base, None, &[id(JE)], &si_deltas(), &combos);
        assert_eq!(
            (r.effective.min_players, r.effective.max_players),
            (Some(3), Some(3))
        );
        assert_eq!(r.effective.best_at, [3], "kept inside 3..=3");
    }

    #[test]
    fn computed_values_are_clamped() {
        let base = BaseValues {
            min_players: Some(2),
            max_players: Some(4),
            min_playtime: Some(20),
            max_playtime: Some(30),
            weight: Some(4.8),
            min_age: Some(3),
            best_at: vec![],
            recommended_at: vec![],
        };
        let big = Delta {
            min_players: -5,
            max_players: -10,
            playtime_min: -50,
            playtime_max: -45,
            min_age: -10,
            weight: 0.9,
            best_at: vec![],
        };
        let deltas = HashMap::from([(id(1), big)]);
        let r = resolve(&base, None, &[id(1)], &deltas, &[]);
        let e = &r.effective;
        assert_eq!(e.min_players, Some(1), "players ≥ 1");
        assert_eq!(e.max_players, Some(1), "players ≥ 1 and max ≥ min");
        assert_eq!((e.min_playtime, e.max_playtime), (Some(0), Some(0)));
        assert_eq!(e.min_age, Some(0));
        assert_eq!(e.weight, Some(5.0), "weight ≤ 5.0");

        let light = Delta {
            weight: -4.0,
            min_players: 3,
            playtime_min: 20,
            ..Delta::default()
        };
        let deltas = HashMap::from([(id(1), light)]);
        let r = resolve(&base, None, &[id(1)], &deltas, &[]);
        assert_eq!(r.effective.weight, Some(1.0), "weight ≥ 1.0");
        assert_eq!(r.effective.min_players, Some(5));
        assert_eq!(r.effective.max_players, Some(5), "max raised to min");
        assert_eq!(r.effective.min_playtime, Some(40));
        assert_eq!(r.effective.max_playtime, Some(40), "max raised to min");
    }

    #[test]
    fn weights_are_rounded_to_two_decimals() {
        let deltas = HashMap::from([
            (id(1), delta(0, 0.1, 0)),
            (id(2), delta(0, 0.2, 0)),
            (id(3), delta(0, 0.004, 0)),
        ]);
        let base = BaseValues {
            weight: Some(2.0),
            ..BaseValues::default()
        };
        let r = resolve(&base, None, &[id(1), id(2), id(3)], &deltas, &[]);
        assert_eq!(r.effective.weight, Some(2.3), "not 2.3040000000000003");
    }

    #[test]
    fn absent_base_values_stay_absent() {
        let base = BaseValues::default();
        let r = resolve(&base, None, &[id(JE)], &si_deltas(), &[]);
        assert_eq!(r.tier, Tier::Computed);
        assert_eq!(r.effective, BaseValues::default());
    }

    #[test]
    fn best_and_recommended_rules() {
        let base = BaseValues {
            min_players: Some(1),
            max_players: Some(4),
            best_at: vec![2],
            recommended_at: vec![1, 3],
            ..BaseValues::default()
        };
        let deltas = HashMap::from([
            (
                id(1),
                Delta {
                    max_players: 2,
                    best_at: vec![5],
                    ..Delta::default()
                },
            ),
            (
                id(2),
                Delta {
                    best_at: vec![4, 7],
                    ..Delta::default()
                },
            ),
        ]);
        let r = resolve(&base, None, &[id(1), id(2)], &deltas, &[]);
        // base ∪ every best_at_delta, inside 1..=6 (7 dropped, D32).
        assert_eq!(r.effective.best_at, [2, 4, 5]);
        // base recommended ∪ effective best, inside the range.
        assert_eq!(r.effective.recommended_at, [1, 2, 3, 4, 5]);

        // A shrinking range drops counts from both lists.
        let deltas = HashMap::from([(
            id(1),
            Delta {
                max_players: -2,
                ..Delta::default()
            },
        )]);
        let r = resolve(&base, None, &[id(1)], &deltas, &[]);
        assert_eq!(r.effective.max_players, Some(2));
        assert_eq!(r.effective.best_at, [2]);
        assert_eq!(r.effective.recommended_at, [1, 2]);

        // Without a known range nothing is dropped.
        let base = BaseValues {
            best_at: vec![3],
            ..BaseValues::default()
        };
        let deltas = HashMap::from([(
            id(1),
            Delta {
                best_at: vec![9],
                ..Delta::default()
            },
        )]);
        let r = resolve(&base, None, &[id(1)], &deltas, &[]);
        assert_eq!(r.effective.best_at, [3, 9]);
        assert_eq!(r.effective.recommended_at, [3, 9]);
    }

    #[test]
    fn edition_delta_applies_before_expansions() {
        let edition = Delta {
            max_players: -1,
            weight: -0.12,
            playtime_max: -10,
            best_at: vec![4],
            ..Delta::default()
        };
        // Base only: the edition changes base and effective alike.
        let r = resolve(&spirit_island(), Some(&edition), &[], &si_deltas(), &[]);
        assert_eq!(r.tier, Tier::BaseOnly);
        assert_eq!(range(&r.base), (1, 3, 90, 110, 3.74));
        assert_eq!(r.base.best_at, [1, 2, 3], "4 is outside 1..=3");
        assert_eq!(r.effective, r.base);
        // Expansions add to the edition's values: 4 - 1 + 2 = 5 players; the
        // edition's best-at count 4 already fell outside its own range.
        let r = resolve(
            &spirit_island(),
            Some(&edition),
            &[id(JE)],
            &si_deltas(),
            &[],
        );
        assert_eq!(r.tier, Tier::Computed);
        assert_eq!(range(&r.effective), (1, 5, 90, 140, 3.95));
        assert_eq!(r.effective.best_at, [1, 2, 3]);
        // Curated values are absolute: the edition does not shift them.
        let r = resolve(
            &spirit_island(),
            Some(&edition),
            &[id(BC), id(JE)],
            &si_deltas(),
            &si_combinations(),
        );
        assert_eq!(r.tier, Tier::Explicit);
        assert_eq!(range(&r.effective), (1, 6, 90, 180, 4.12));
        assert_eq!(range(&r.base), (1, 3, 90, 110, 3.74));
    }

    #[test]
    fn candidates_follow_d28_order_and_d33_tiers() {
        let slugs = HashMap::from([
            (id(BC), "spirit-island-branch-and-claw".to_string()),
            (id(JE), "spirit-island-jagged-earth".to_string()),
            (id(NI), "spirit-island-nature-incarnate".to_string()),
        ]);
        // Curated: the three-set first in input, and a curated single {NI}.
        let mut combos = si_combinations();
        combos.reverse();
        combos.push(Combination {
            expansions: vec![id(NI)],
            max_players: Some(6),
            weight: Some(4.2),
            ..Combination::default()
        });
        let list = candidates(&spirit_island(), None, &si_deltas(), &combos, &slugs);
        let sets: Vec<(Vec<ExpansionId>, u8)> = list
            .iter()
            .map(|c| (c.expansions.clone(), c.tier()))
            .collect();
        assert_eq!(
            sets,
            vec![
                (vec![id(NI)], 1),
                (vec![id(BC), id(JE)], 1),
                (vec![id(BC), id(JE), id(NI)], 1),
                (vec![id(BC)], 2),
                (vec![id(JE)], 2),
                // {NI} already listed (curated); the all-deltas set is the
                // curated three-set: listed once, explicit.
            ]
        );
        assert_eq!(list[0].resolution.effective.weight, Some(4.2));
        assert_eq!(list[1].resolution.effective.max_players, Some(6));
        assert_eq!(list[4].resolution.effective.max_players, Some(6));

        // Without curated data: singles by slug, then the set of all.
        let list = candidates(&spirit_island(), None, &si_deltas(), &[], &slugs);
        let sets: Vec<(Vec<ExpansionId>, u8)> = list
            .iter()
            .map(|c| (c.expansions.clone(), c.tier()))
            .collect();
        assert_eq!(
            sets,
            vec![
                (vec![id(BC)], 2),
                (vec![id(JE)], 2),
                (vec![id(NI)], 2),
                (vec![id(BC), id(JE), id(NI)], 2),
            ]
        );
        assert_eq!(range(&list[3].resolution.effective), (1, 8, 90, 240, 4.49));

        // One expansion with deltas: no separate "all" set.
        let one = HashMap::from([(id(JE), delta(2, 0.21, 30))]);
        let list = candidates(&spirit_island(), None, &one, &[], &slugs);
        assert_eq!(list.len(), 1);
        // Nothing at all: no candidates.
        assert!(candidates(&spirit_island(), None, &Deltas::new(), &[], &slugs).is_empty());
    }

    #[test]
    fn candidates_with_a_curated_subset_and_equal_sizes_sort_by_slug() {
        let slugs = HashMap::from([
            (id(1), "b".to_string()),
            (id(2), "a".to_string()),
            (id(3), "c".to_string()),
        ]);
        let combos = vec![
            Combination {
                expansions: vec![id(3), id(1)],
                ..Combination::default()
            },
            Combination {
                expansions: vec![id(1), id(2)],
                ..Combination::default()
            },
        ];
        let list = candidates(
            &BaseValues::default(),
            None,
            &Deltas::new(),
            &combos,
            &slugs,
        );
        let sets: Vec<Vec<ExpansionId>> = list.iter().map(|c| c.expansions.clone()).collect();
        // {a, b} before {b, c}; members ordered by slug.
        assert_eq!(sets, vec![vec![id(2), id(1)], vec![id(1), id(3)]]);
        assert!(list.iter().all(|c| c.tier() == 1));
    }

    #[test]
    fn experience_summary() {
        let level = |name: &str, median, reports| ExperienceLevel {
            level: name.to_string(),
            median_minutes: median,
            min_minutes: None,
            max_minutes: None,
            total_reports: reports,
        };
        // Given out of order: returned in level order.
        let si = [
            level("expert", 85, 2150),
            level("first_play", 165, 1420),
            level("experienced", 105, 8740),
            level("learning", 130, 3210),
        ];
        let s = summarize_experience(&si);
        assert!(s.sufficient_data);
        assert_eq!(s.total_reports, 15520);
        let names: Vec<&str> = s.levels.iter().map(|l| l.level.as_str()).collect();
        assert_eq!(names, LEVELS);

        let thin = [level("first_play", 165, 3), level("experienced", 105, 40)];
        let s = summarize_experience(&thin);
        assert!(!s.sufficient_data);
        assert_eq!(s.total_reports, 43);
        assert_eq!(s.levels.len(), 1, "only levels with enough reports");

        let none = summarize_experience(&[]);
        assert!(!none.sufficient_data);
        assert_eq!(none.total_reports, 0);
        assert!(none.levels.is_empty());
    }

    #[test]
    fn tier_labels() {
        assert_eq!(Tier::Explicit.as_str(), "explicit");
        assert_eq!(Tier::Computed.as_str(), "computed");
        assert_eq!(Tier::BaseOnly.as_str(), "base_only");
        assert_eq!(
            [Tier::Explicit, Tier::Computed, Tier::BaseOnly].map(Tier::number),
            [1, 2, 3]
        );
    }
}
