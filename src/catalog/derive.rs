//! Values derived from community data, never read from files.

/// A player count is "best" when its average rating (1–5 scale) is at least
/// this (SPEC-NOTES D3).
pub const BEST_AT_THRESHOLD: f64 = 4.0;
/// ... and "recommended" when at least this.
pub const RECOMMENDED_AT_THRESHOLD: f64 = 3.0;
/// An experience level needs at least this many reports to count.
pub const MIN_LEVEL_REPORTS: i64 = 10;
/// The four levels, in order.
pub const LEVELS: [&str; 4] = ["first_play", "learning", "experienced", "expert"];

/// Best-at and recommended-at player counts from (player count, average
/// rating) pairs, each sorted ascending.
pub fn player_count_lists(ratings: &[(i64, f64)]) -> (Vec<i64>, Vec<i64>) {
    let mut best: Vec<i64> = ratings
        .iter()
        .filter(|(_, r)| *r >= BEST_AT_THRESHOLD)
        .map(|(n, _)| *n)
        .collect();
    let mut recommended: Vec<i64> = ratings
        .iter()
        .filter(|(_, r)| *r >= RECOMMENDED_AT_THRESHOLD)
        .map(|(n, _)| *n)
        .collect();
    best.sort_unstable();
    best.dedup();
    recommended.sort_unstable();
    recommended.dedup();
    (best, recommended)
}

/// Experience multipliers (level median ÷ experienced median, rounded to two
/// decimals, D34) from (level, median minutes, reports); `None` unless all
/// four levels have at least [`MIN_LEVEL_REPORTS`] reports.
pub fn multipliers(levels: &[(&str, i64, i64)]) -> Option<[(&'static str, f64); 4]> {
    let median = |name: &str| {
        levels
            .iter()
            .find(|(l, _, reports)| *l == name && *reports >= MIN_LEVEL_REPORTS)
            .map(|(_, m, _)| *m)
    };
    let experienced = median("experienced").filter(|m| *m > 0)? as f64;
    let mut out = [("", 0.0); 4];
    for (i, level) in LEVELS.iter().enumerate() {
        let m = median(level)? as f64;
        out[i] = (level, (m / experienced * 100.0).round() / 100.0);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spirit_island_lists_follow_d3() {
        // SPEC-NOTES §5.1: SI 1:4.2, 2:4.7, 3:4.1, 4:3.4 -> best [1,2,3], recommended [1,2,3,4].
        let (best, rec) = player_count_lists(&[(1, 4.2), (2, 4.7), (3, 4.1), (4, 3.4)]);
        assert_eq!(best, [1, 2, 3]);
        assert_eq!(rec, [1, 2, 3, 4]);
        // TM 1:2.1, 2:4.2, 3:4.7, 4:3.6, 5:2.3 -> [2,3] / [2,3,4].
        let (best, rec) = player_count_lists(&[(1, 2.1), (2, 4.2), (3, 4.7), (4, 3.6), (5, 2.3)]);
        assert_eq!(best, [2, 3]);
        assert_eq!(rec, [2, 3, 4]);
        // Thresholds are inclusive.
        assert_eq!(
            player_count_lists(&[(2, 4.0), (3, 3.0)]),
            (vec![2], vec![2, 3])
        );
    }

    #[test]
    fn multipliers_follow_d34() {
        let si = [
            ("first_play", 165, 1420),
            ("learning", 130, 3210),
            ("experienced", 105, 8740),
            ("expert", 85, 2150),
        ];
        let m = multipliers(&si).unwrap();
        assert_eq!(
            m,
            [
                ("first_play", 1.57),
                ("learning", 1.24),
                ("experienced", 1.0),
                ("expert", 0.81)
            ]
        );
        assert!(multipliers(&si[..3]).is_none(), "needs all four levels");
        let thin = [si[0], si[1], si[2], ("expert", 85, 3)];
        assert!(
            multipliers(&thin).is_none(),
            "needs enough reports per level"
        );
    }
}
