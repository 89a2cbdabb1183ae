//! The suite against its test doubles: the well-behaved double passes, and each
//! deliberately broken one fails exactly the requirement that names its fault.

mod double;

use double::Fault;
use opentabletop_conformance::report::{Report, Status};
use opentabletop_conformance::{Config, run};

fn cfg(base: &str, classes: &[&str]) -> Config {
    Config {
        base_url: base.to_owned(),
        classes: classes.iter().map(|s| (*s).to_owned()).collect(),
        ..Config::default()
    }
}

fn run_against(fault: Option<Fault>, classes: &[&str]) -> Report {
    let base = double::spawn(fault);
    run(&cfg(&base, classes)).expect("the suite runs")
}

fn status(r: &Report, id: &str) -> Status {
    r.find(id)
        .unwrap_or_else(|| panic!("no record for {id}:\n{}", r.console(true)))
        .status
}

fn assert_fails(fault: Fault, classes: &[&str], id: &str) {
    let r = run_against(Some(fault), classes);
    assert_eq!(
        status(&r, id),
        Status::Fail,
        "{fault:?} should fail {id}:\n{}",
        r.console(true)
    );
    let rec = r.find(id).unwrap_or_else(|| panic!("{id}"));
    assert!(
        rec.curl.as_deref().is_some_and(|c| c.starts_with("curl ")),
        "{id} failure has a reproducing curl: {rec:?}"
    );
    assert_eq!(r.exit_code(), 1);
}

/// The requirements the broken doubles are caught by; the good double passes them.
const CLAIMED: &[&str] = &[
    "pagination/traversal-name",
    "pagination/totals",
    "pagination/cursor-garbage",
    "core/no-null",
    "core/not-found-problem",
    "filtering/players",
    "errors/unknown-slug-422",
    "export/matches-list",
    "effective/base-only-default",
    "search/score-order",
    "effective/filter-uses-expansions",
    "pagination/sort-order",
    "pagination/cursor-foreign",
    "effective/tier-consistency",
];

#[test]
fn the_good_double_passes_everything() {
    let r = run_against(None, &[]);
    let failed: Vec<String> = r
        .records
        .iter()
        .filter(|x| x.status == Status::Fail)
        .map(|x| format!("{}: {}", x.id, x.message))
        .collect();
    assert!(
        failed.is_empty(),
        "failures against the good double:\n{}\n\n{}",
        failed.join("\n"),
        r.console(false)
    );
    for id in CLAIMED {
        assert_eq!(status(&r, id), Status::Pass, "{id}");
    }
    // sample-data is skipped (the double is not the sample catalog), nothing else is
    for rec in &r.records {
        if rec.status == Status::Skip {
            assert!(
                rec.class == "sample-data" || ALLOWED_SKIPS.contains(&rec.id.as_str()),
                "unexpected skip {}: {}",
                rec.id,
                rec.message
            );
        }
    }
    assert_eq!(r.exit_code(), 0);
    // every registered requirement (but fuzz) got exactly one record, and nothing else did
    for req in opentabletop_conformance::registry::REQUIREMENTS
        .iter()
        .filter(|q| q.class() != "fuzz")
    {
        assert_eq!(
            r.records.iter().filter(|x| x.id == req.id).count(),
            1,
            "{}",
            req.id
        );
    }
    for rec in &r.records {
        assert!(
            opentabletop_conformance::registry::requirement(&rec.id).is_some(),
            "unregistered {}",
            rec.id
        );
    }
}

/// Skips that are right for the double's data (no people, no expansion deltas).
const ALLOWED_SKIPS: &[&str] = &["core/people-by-slug", "effective/exact-set"];

#[test]
fn a_path_prefix_is_kept() {
    let base = double::spawn_with_prefix(None, "/v1");
    let r = run(&cfg(&base, &["core", "pagination"])).expect("runs");
    let failed: Vec<&str> = r
        .records
        .iter()
        .filter(|x| x.status == Status::Fail)
        .map(|x| x.id.as_str())
        .collect();
    assert!(failed.is_empty(), "{failed:?}\n{}", r.console(false));
}

#[test]
fn dropping_an_item_between_pages_is_caught() {
    assert_fails(
        Fault::DropBetweenPages,
        &["pagination"],
        "pagination/traversal-name",
    );
}

#[test]
fn a_wrong_total_is_caught() {
    assert_fails(
        Fault::WrongTotal,
        &["pagination"],
        "pagination/traversal-name",
    );
}

#[test]
fn a_500_on_a_bad_cursor_is_caught() {
    assert_fails(
        Fault::Cursor500,
        &["pagination"],
        "pagination/cursor-garbage",
    );
    assert_fails(Fault::Cursor500, &["errors", "pagination"], "errors/no-500");
}

#[test]
fn null_is_caught() {
    assert_fails(Fault::EmitNull, &["core"], "core/no-null");
}

#[test]
fn a_non_problem_404_is_caught() {
    assert_fails(Fault::PlainNotFound, &["core"], "core/not-found-problem");
    assert_fails(
        Fault::PlainNotFound,
        &["core", "errors"],
        "errors/problem-shape",
    );
}

#[test]
fn an_ignored_filter_is_caught() {
    assert_fails(
        Fault::IgnorePlayersFilter,
        &["filtering"],
        "filtering/players",
    );
}

#[test]
fn ignoring_unknown_slugs_is_caught() {
    assert_fails(Fault::UnknownSlugOk, &["errors"], "errors/unknown-slug-422");
}

#[test]
fn an_export_that_drops_a_row_is_caught() {
    assert_fails(Fault::ExportDropsRow, &["export"], "export/matches-list");
}

#[test]
fn effective_drift_is_caught() {
    assert_fails(
        Fault::EffectiveDrift,
        &["effective"],
        "effective/base-only-default",
    );
}

#[test]
fn ignoring_effective_is_caught() {
    assert_fails(
        Fault::EffectiveIgnored,
        &["effective"],
        "effective/filter-uses-expansions",
    );
}

#[test]
fn missing_values_first_are_caught() {
    assert_fails(
        Fault::NullsFirstDesc,
        &["pagination"],
        "pagination/sort-order",
    );
}

#[test]
fn cursors_not_bound_to_their_query_are_caught() {
    assert_fails(
        Fault::CursorIgnoresQuery,
        &["pagination"],
        "pagination/cursor-foreign",
    );
}

#[test]
fn a_partial_explicit_tier_is_caught() {
    assert_fails(
        Fault::ExplicitPartial,
        &["effective"],
        "effective/tier-consistency",
    );
}

#[test]
fn ascending_scores_are_caught() {
    assert_fails(
        Fault::SearchScoresAscending,
        &["search"],
        "search/score-order",
    );
}

#[test]
fn expected_failures_do_not_fail_the_run() {
    let mut r = run_against(Some(Fault::EmitNull), &["core"]);
    assert_eq!(r.exit_code(), 1);
    let mut expected = std::collections::BTreeSet::new();
    expected.insert("core/no-null".to_owned());
    expected.insert("core/response-schema".to_owned());
    expected.insert("core/game-by-slug".to_owned());
    r.apply_expectations(&expected);
    assert_eq!(status(&r, "core/no-null"), Status::Xfail);
    assert_eq!(status(&r, "core/game-by-slug"), Status::Xpass);
    assert_eq!(r.exit_code(), 0);
}

#[test]
fn an_unreachable_server_cannot_run() {
    // a port nothing listens on: bind, then drop
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(9);
    let e = run(&cfg(&format!("http://127.0.0.1:{port}"), &["core"]));
    assert!(e.is_err());
}

#[test]
fn an_unreadable_spec_cannot_run() {
    let base = double::spawn(None);
    let mut c = cfg(&base, &["core"]);
    c.spec = Some("/nonexistent/openapi.yaml".into());
    assert!(run(&c).is_err());
}

#[test]
fn fuzz_without_schemathesis_is_a_skip() {
    let base = double::spawn(None);
    let mut c = cfg(&base, &["fuzz"]);
    c.fuzz.schemathesis = Some("/nonexistent/schemathesis".into());
    let r = run(&c).expect("runs");
    assert_eq!(status(&r, "fuzz/schemathesis"), Status::Skip);
    assert_eq!(r.exit_code(), 0);
}

#[test]
fn the_upstream_contract_reads_nullable() {
    // the upstream bundle, when this checkout has it next door
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/opentabletop/openapi.bundled.yaml"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("skipped: {path} not found");
        return;
    };
    let spec = opentabletop_conformance::spec::Spec::parse(path, &text).expect("parses");
    assert!(
        spec.nullable_translated > 40,
        "{}",
        spec.nullable_translated
    );
    let game = serde_json::json!({"id": "01912f4c-7e3a-7b1a-8c5d-9f0e1a2b3c4d", "slug": "x", "name": "X", "type": "base_game", "parent_game_id": null});
    assert!(matches!(
        spec.validate_component("Game", &game),
        opentabletop_conformance::spec::Validation::Valid
    ));
    let bad = serde_json::json!({"id": "01912f4c-7e3a-7b1a-8c5d-9f0e1a2b3c4d", "slug": "x", "name": "X", "type": "board"});
    assert!(matches!(
        spec.validate_component("Game", &bad),
        opentabletop_conformance::spec::Validation::Invalid(_)
    ));
}
