//! Property test of effective-mode filtering (D28, D31, D33): over a
//! generated catalog with random deltas and curated combinations, GET
//! /games?effective=true returns exactly the games whose own values, or one
//! of whose candidate expansion sets (resolved in memory with the three
//! tiers), satisfy every effective dimension at once; `matched_via` is set
//! exactly on the games that matched through a candidate. Runs on SQLite, and
//! on PostgreSQL with OPENTABLETOP_TEST_POSTGRES.

mod common;

use std::cell::Cell;
use std::collections::BTreeMap;

use opentabletop::domain::effective::BaseValues;
use opentabletop::storage::entities::game;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use sea_orm::EntityTrait;
use serde_json::Value;
use uuid::Uuid;

/// The effective dimensions of one random query.
#[derive(Debug, Clone, Default)]
struct Dims {
    players: Option<i64>,
    players_min: Option<i64>,
    players_max: Option<i64>,
    best_at: Option<i64>,
    recommended_at: Option<i64>,
    playtime_min: Option<i64>,
    playtime_max: Option<i64>,
    weight_min: Option<f64>,
    weight_max: Option<f64>,
    experience: Option<&'static str>,
    base_games_only: bool,
}

impl Dims {
    fn query(&self) -> String {
        let mut q = vec!["effective=true".to_string(), "limit=100".to_string()];
        let mut push = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                q.push(format!("{k}={v}"));
            }
        };
        push("players", self.players.map(|v| v.to_string()));
        push("players_min", self.players_min.map(|v| v.to_string()));
        push("players_max", self.players_max.map(|v| v.to_string()));
        push("best_at", self.best_at.map(|v| v.to_string()));
        push("recommended_at", self.recommended_at.map(|v| v.to_string()));
        push("playtime_min", self.playtime_min.map(|v| v.to_string()));
        push("playtime_max", self.playtime_max.map(|v| v.to_string()));
        push("weight_min", self.weight_min.map(|v| v.to_string()));
        push("weight_max", self.weight_max.map(|v| v.to_string()));
        push("playtime_experience", self.experience.map(str::to_string));
        if self.base_games_only {
            q.push("type=base_game".into());
        }
        q.join("&")
    }

    /// The reference reading of the effective dimensions on one set of values.
    fn satisfied_by(&self, v: &BaseValues, multiplier: f64) -> bool {
        // Scaled minutes compare in hundredths of a minute.
        let scaled = |m: i64| (m as f64 * multiplier * 100.0).round() / 100.0;
        let le = |a: Option<i64>, n: i64| a.is_some_and(|a| a <= n);
        let ge = |a: Option<i64>, n: i64| a.is_some_and(|a| a >= n);
        self.players
            .is_none_or(|n| le(v.min_players, n) && ge(v.max_players, n))
            && self.players_min.is_none_or(|n| le(v.min_players, n))
            && self.players_max.is_none_or(|n| ge(v.max_players, n))
            && self.best_at.is_none_or(|n| v.best_at.contains(&n))
            && self
                .recommended_at
                .is_none_or(|n| v.recommended_at.contains(&n))
            && self
                .playtime_min
                .is_none_or(|n| v.min_playtime.is_some_and(|m| scaled(m) >= n as f64))
            && self
                .playtime_max
                .is_none_or(|n| v.max_playtime.is_some_and(|m| scaled(m) <= n as f64))
            && self
                .weight_min
                .is_none_or(|w| v.weight.is_some_and(|x| x >= w))
            && self
                .weight_max
                .is_none_or(|w| v.weight.is_some_and(|x| x <= w))
    }
}

fn dims() -> impl Strategy<Value = Dims> {
    (
        prop::option::weighted(0.5, 1i64..=8),
        prop::option::weighted(0.2, 1i64..=4),
        prop::option::weighted(0.3, 2i64..=8),
        prop::option::weighted(0.3, 1i64..=7),
        prop::option::weighted(0.2, 1i64..=7),
        prop::option::weighted(0.2, 10i64..=120),
        prop::option::weighted(0.4, 20i64..=240),
        prop::option::weighted(0.3, 10u32..=40),
        prop::option::weighted(0.3, 15u32..=50),
        prop::option::weighted(0.2, prop::sample::select(vec!["first_play", "expert"])),
        any::<bool>(),
    )
        .prop_map(
            |(p, pmin, pmax, best, rec, tmin, tmax, wmin, wmax, exp, base)| {
                let (wmin, wmax) = match (wmin, wmax) {
                    (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
                    other => other,
                };
                let (tmin, tmax) = match (tmin, tmax) {
                    (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
                    other => other,
                };
                let (pmin, pmax) = match (pmin, pmax) {
                    (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
                    other => other,
                };
                Dims {
                    players: p,
                    players_min: pmin,
                    players_max: pmax,
                    best_at: best,
                    recommended_at: rec,
                    playtime_min: tmin,
                    playtime_max: tmax,
                    weight_min: wmin.map(|w| f64::from(w) / 10.0),
                    weight_max: wmax.map(|w| f64::from(w) / 10.0),
                    experience: exp,
                    base_games_only: base,
                }
            },
        )
}

fn int_list(v: &Value) -> Vec<i64> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default()
}

struct Truth {
    /// Active games: own values, type, multipliers.
    games: BTreeMap<Uuid, (String, String, BaseValues, Option<Value>)>,
    candidates: BTreeMap<Uuid, Vec<BaseValues>>,
}

fn multiplier(level: Option<&str>, own: &Option<Value>) -> f64 {
    let Some(level) = level else { return 1.0 };
    own.as_ref()
        .and_then(|m| m.get(level))
        .and_then(Value::as_f64)
        .unwrap_or(match level {
            "first_play" => 1.5,
            _ => 0.85,
        })
}

#[test]
fn effective_filtering_equals_the_in_memory_reference() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (_db, app, truth) = rt.block_on(async {
        let db = common::TestDb::new().await;
        let state = db.state().await;
        common::import_generated(&state, 160, 23).await;
        let conn = state.db.primary();
        let mut games = BTreeMap::new();
        for g in game::Entity::find().all(conn).await.unwrap() {
            if g.status != "active" {
                continue;
            }
            let values = BaseValues {
                min_players: g.min_players.map(i64::from),
                max_players: g.max_players.map(i64::from),
                min_playtime: g.min_playtime_minutes.map(i64::from),
                max_playtime: g.max_playtime_minutes.map(i64::from),
                weight: g.weight,
                min_age: g.min_age.map(i64::from),
                best_at: int_list(&g.best_at),
                recommended_at: int_list(&g.recommended_at),
            };
            games.insert(
                g.id,
                (g.slug, g.game_type, values, g.experience_multipliers),
            );
        }
        // Candidates resolved now, in memory, from the expansion data.
        let mut candidates = BTreeMap::new();
        for (base, list) in opentabletop::storage::effective::compute(conn)
            .await
            .unwrap()
        {
            candidates.insert(
                base,
                list.into_iter()
                    .map(|c| c.resolution.effective)
                    .collect::<Vec<_>>(),
            );
        }
        (
            db,
            opentabletop::http::app(state),
            Truth { games, candidates },
        )
    });
    assert!(
        truth.candidates.len() >= 20,
        "the generated catalog has expansion data ({} bases)",
        truth.candidates.len()
    );

    let through_candidates = Cell::new(0usize);
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 48,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    runner
        .run(&dims(), |d| {
            let query = d.query();
            let mut expected: BTreeMap<String, bool> = BTreeMap::new();
            for (id, (slug, kind, own, multipliers)) in &truth.games {
                if d.base_games_only && kind != "base_game" {
                    continue;
                }
                let m = multiplier(d.experience, multipliers);
                if d.satisfied_by(own, m) {
                    expected.insert(slug.clone(), false);
                } else if truth
                    .candidates
                    .get(id)
                    .is_some_and(|cs| cs.iter().any(|c| d.satisfied_by(c, m)))
                {
                    expected.insert(slug.clone(), true);
                }
            }
            let mut got: BTreeMap<String, bool> = BTreeMap::new();
            let mut uri = format!("/games?{query}");
            loop {
                let r = rt.block_on(common::get(&app, &uri));
                prop_assert_eq!(r.status.as_u16(), 200, "{}: {}", query, r.text);
                let body = r.json();
                for g in body["data"].as_array().unwrap() {
                    got.insert(
                        g["slug"].as_str().unwrap().to_string(),
                        g.get("matched_via").is_some(),
                    );
                }
                match body["_links"].get("next") {
                    Some(n) => uri = n["href"].as_str().unwrap().to_string(),
                    None => break,
                }
            }
            through_candidates.set(through_candidates.get() + got.values().filter(|v| **v).count());
            prop_assert_eq!(&got, &expected, "{}", query);
            Ok(())
        })
        .unwrap();
    assert!(
        through_candidates.get() > 0,
        "some games matched through expansions"
    );
}
