//! The demo catalog compiled into the binary: complete, valid without a single
//! warning, with the vocabulary of the standard, and loaded on the first start
//! of the embedded default (or by `seed-demo` on any backend).

mod common;

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use opentabletop::catalog::{self, Known};

fn upstream_slugs(file: &str) -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/opentabletop/data/taxonomy")
        .join(file);
    let doc = catalog::yaml::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc.value
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["slug"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn demo_catalog_is_complete_and_valid_under_strict_rules() {
    let sources = catalog::demo::sources();
    let (c, warnings) =
        catalog::build(&sources, &Known::default(), true).unwrap_or_else(|errors| {
            panic!(
                "{}",
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        });
    assert!(warnings.is_empty(), "{warnings:#?}");

    // The standard's vocabulary, in our own words.
    for (file, terms) in [
        ("mechanics.yaml", &c.mechanics),
        ("categories.yaml", &c.categories),
        ("themes.yaml", &c.themes),
    ] {
        let ours: BTreeSet<String> = terms.iter().map(|t| t.slug.clone()).collect();
        assert_eq!(ours, upstream_slugs(file), "{file}");
        assert!(
            terms
                .iter()
                .all(|t| t.description.as_deref().is_some_and(|d| d.len() > 20))
        );
    }

    let base_games = c
        .games
        .iter()
        .filter(|g| g.game_type == "base_game")
        .count();
    assert!(base_games >= 40, "{base_games} base games");
    let families_with_expansions: HashSet<_> =
        c.games.iter().filter_map(|g| g.parent_game_id).collect();
    assert!(families_with_expansions.len() >= 4);
    for kind in ["expansion", "promo", "standalone_expansion", "accessory"] {
        assert!(c.games.iter().any(|g| g.game_type == kind), "no {kind}");
    }
    let modes: HashSet<_> = c.games.iter().filter_map(|g| g.mode.clone()).collect();
    for mode in ["cooperative", "competitive", "solo", "team"] {
        assert!(modes.contains(mode), "no {mode} game");
    }
    assert!(
        c.combinations.len() >= 4,
        "{} combinations",
        c.combinations.len()
    );
    assert!(
        c.modifications.len() >= 8,
        "{} modifications",
        c.modifications.len()
    );
    let rated: HashSet<_> = c.ratings.iter().map(|r| r.game_id).collect();
    assert!(
        rated.len() >= 15,
        "{} games with per-count ratings",
        rated.len()
    );
    let profiles: HashSet<_> = c.levels.iter().map(|l| l.game_id).collect();
    assert!(profiles.len() >= 6);
    let editions: HashSet<_> = c.editions.iter().map(|e| e.game_id).collect();
    assert!(editions.len() >= 3);
    let types: HashSet<_> = c
        .relationships
        .iter()
        .map(|r| r.relationship_type.as_str())
        .collect();
    for t in catalog::load::RELATIONSHIP_TYPES {
        assert!(types.contains(t), "no {t} relationship");
    }
    assert!(!c.people.is_empty() && !c.publishers.is_empty() && !c.awards.is_empty());
    assert!(c.games.iter().any(|g| !g.awards.is_empty()));
    assert!(c.games.iter().any(|g| !g.alternate_names.is_empty()));
    assert!(
        c.games.iter().all(|g| g.description_short.is_some()),
        "every game has a summary"
    );
}

#[test]
fn demo_wording_is_our_own() {
    let sources = catalog::demo::sources();
    let (ours, _) = catalog::build(&sources, &Known::default(), false).unwrap();
    let upstream_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/opentabletop/data");
    let upstream = catalog::read_dirs(&[upstream_dir]).unwrap();
    let (theirs, _) = catalog::build(&upstream, &Known::default(), false).unwrap();
    let their_text: HashSet<String> = theirs
        .mechanics
        .iter()
        .chain(&theirs.categories)
        .chain(&theirs.themes)
        .filter_map(|t| t.description.clone())
        .chain(theirs.games.iter().filter_map(|g| g.description.clone()))
        .chain(
            theirs
                .games
                .iter()
                .filter_map(|g| g.description_short.clone()),
        )
        .collect();
    for text in ours
        .mechanics
        .iter()
        .chain(&ours.categories)
        .chain(&ours.themes)
        .filter_map(|t| t.description.clone())
        .chain(ours.games.iter().filter_map(|g| g.description.clone()))
        .chain(
            ours.games
                .iter()
                .filter_map(|g| g.description_short.clone()),
        )
    {
        assert!(!their_text.contains(&text), "copied text: {text}");
    }
}

#[tokio::test]
async fn the_embedded_default_starts_with_the_demo_catalog() {
    let mut db = common::TestDb::new().await;
    db.set("SEED_DEMO", "true");
    if db.is_postgres() {
        // PostgreSQL is never seeded implicitly; `seed-demo` does it.
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_opentabletop"))
            .env_clear()
            .envs(&db.vars)
            .arg("migrate")
            .output()
            .unwrap();
        assert!(out.status.success());
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_opentabletop"))
            .env_clear()
            .envs(&db.vars)
            .arg("seed-demo")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let state = db.state().await;
    let games =
        opentabletop::storage::entities::game::Entity::find_all_sorted(state.db.primary()).await;
    assert!(games.len() >= 40, "{} games", games.len());
    assert!(
        games
            .iter()
            .any(|g| g.slug == "spirit-island" || g.slug == "catan" || g.slug == "wingspan")
    );
}
