//! `sample-data`: when the server holds exactly the upstream sample data, the
//! answers of SPEC-NOTES §5.2. Detected by GET /games/spirit-island having the
//! sample id; otherwise every test here is skipped.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::client::{Query, Response, q};
use crate::ctx::{Ctx, Finding, Outcome};
use crate::util::{self, expect_problem, expect_status, without_links};

pub const SI_ID: &str = "01912f4c-7e3a-7b1a-8c5d-9f0e1a2b3c4d";
const HZ: &str = "spirit-island-horizons";
const SI: &str = "spirit-island";
const BC: &str = "spirit-island-branch-and-claw";
const JE: &str = "spirit-island-jagged-earth";
const NI: &str = "spirit-island-nature-incarnate";
const P1: &str = "spirit-island-promo-pack-1";
const P2: &str = "spirit-island-promo-pack-2";
const TM: &str = "terraforming-mars";
/// All sample games in name (sort_name) order.
const ALL: &[&str] = &[HZ, SI, BC, JE, NI, P1, P2, TM];

const IDS: &[&str] = &[
    "games-list",
    "pagination",
    "player-filters",
    "weight-year-filters",
    "taxonomy-filters",
    "playtime-filters",
    "validation",
    "game-detail",
    "expansions",
    "effective-properties",
    "experience-playtime",
    "relationships-editions",
    "derived-relationships",
    "vocabulary",
    "search",
    "export",
];

/// Collects every case's failure instead of stopping at the first.
struct Cases {
    failures: Vec<String>,
    curl: Option<String>,
    n: usize,
}

impl Cases {
    fn new() -> Cases {
        Cases {
            failures: Vec::new(),
            curl: None,
            n: 0,
        }
    }
    fn add(&mut self, label: &str, r: Result<(), Finding>) {
        self.n += 1;
        match r {
            Ok(()) => {}
            Err(Finding::Fail { message, curl }) => {
                self.failures.push(format!("{label}: {message}"));
                if self.curl.is_none() {
                    self.curl = curl;
                }
            }
            Err(Finding::Skip(s)) => self.failures.push(format!("{label}: {s}")),
        }
    }
    fn done(self) -> Outcome {
        if self.failures.is_empty() {
            Ok(format!("{} cases", self.n))
        } else {
            Err(Finding::Fail {
                message: format!(
                    "{} of {} cases differ from §5.2:\n{}",
                    self.failures.len(),
                    self.n,
                    self.failures.join("\n")
                ),
                curl: self.curl,
            })
        }
    }
}

pub fn run(ctx: &Ctx) {
    let present = ctx
        .get("/games/{id}", "/games/spirit-island", &vec![])
        .ok()
        .filter(|r| r.status == 200 && util::s(r.j(), "id") == Some(SI_ID));
    if present.is_none() {
        for id in IDS {
            ctx.record(&format!("sample-data/{id}"), Err(Finding::skip("the server does not hold the upstream sample data (GET /games/spirit-island does not have the sample id)")), 0);
        }
        return;
    }
    ctx.run("sample-data/games-list", games_list);
    ctx.run("sample-data/pagination", pagination);
    ctx.run("sample-data/player-filters", player_filters);
    ctx.run("sample-data/weight-year-filters", weight_year_filters);
    ctx.run("sample-data/taxonomy-filters", taxonomy_filters);
    ctx.run("sample-data/playtime-filters", playtime_filters);
    ctx.run("sample-data/validation", validation);
    ctx.run("sample-data/game-detail", game_detail);
    ctx.run("sample-data/expansions", expansions);
    ctx.run("sample-data/effective-properties", effective_properties);
    ctx.run("sample-data/experience-playtime", experience_playtime);
    ctx.run("sample-data/relationships-editions", relationships_editions);
    ctx.run("sample-data/derived-relationships", derived_relationships);
    ctx.run("sample-data/vocabulary", vocabulary);
    ctx.run("sample-data/search", search);
    ctx.run("sample-data/export", export);
}

fn data_slugs(r: &Response) -> Vec<String> {
    util::slugs(r.j()["data"].as_array().map_or(&[][..], Vec::as_slice))
}

/// GET `path?query` lists exactly `want`, in this order.
fn list_is(ctx: &Ctx, op: &str, path: &str, query: Query, want: &[&str]) -> Result<(), Finding> {
    let mut qq = query;
    qq.push(("limit".into(), "100".into()));
    let r = ctx.get(op, path, &qq)?;
    expect_status(&r, 200)?;
    let got = data_slugs(&r);
    if got != want {
        return Err(Finding::at(&r, format!("expected {want:?}, got {got:?}")));
    }
    let total = r.j().pointer("/meta/total").and_then(Value::as_u64);
    if total != Some(want.len() as u64) {
        return Err(Finding::at(
            &r,
            format!("meta.total {total:?}, expected {}", want.len()),
        ));
    }
    Ok(())
}

fn games_is(ctx: &Ctx, query: &[(&str, &str)], want: &[&str]) -> Result<(), Finding> {
    list_is(ctx, "/games", "/games", q(query), want)
}

fn label(query: &[(&str, &str)]) -> String {
    let s = query
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    format!("GET /games?{s}")
}

/// (query, expected slugs in name order)
type Row<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str]);

fn table(ctx: &Ctx, rows: &[Row]) -> Outcome {
    let mut c = Cases::new();
    for (query, want) in rows {
        c.add(&label(query), games_is(ctx, query, want));
    }
    c.done()
}

fn games_list(ctx: &Ctx) -> Outcome {
    let mut c = Cases::new();
    c.add("GET /games", games_is(ctx, &[], ALL));
    c.done()
}

fn pagination(ctx: &Ctx) -> Outcome {
    let w = ctx.walk_get("/games", "/games", &q(&[("limit", "3")]), 100)?;
    let sizes: Vec<usize> = w
        .pages
        .iter()
        .map(|p| p.j()["data"].as_array().map_or(0, Vec::len))
        .collect();
    let more: Vec<Option<bool>> = w
        .pages
        .iter()
        .map(|p| p.j().pointer("/meta/has_more").and_then(Value::as_bool))
        .collect();
    let last = w.pages.last().unwrap_or(&w.pages[0]);
    if sizes != [3, 3, 2] || more != [Some(true), Some(true), Some(false)] {
        return Err(Finding::at(
            last,
            format!(
                "pages {sizes:?} with has_more {more:?}, expected [3, 3, 2] and true, true, false"
            ),
        ));
    }
    if util::slugs(&w.items) != ALL {
        return Err(Finding::at(
            last,
            format!("the pages hold {:?}", util::slugs(&w.items)),
        ));
    }
    Ok(String::new())
}

fn player_filters(ctx: &Ctx) -> Outcome {
    table(
        ctx,
        &[
            (&[("players", "4")], &[SI, BC, JE, NI, TM]),
            (&[("players", "5")], &[JE, NI, TM]),
            (&[("players", "5"), ("type", "base_game")], &[TM]),
            (&[("players", "6")], &[JE, NI]),
            (&[("players", "6"), ("type", "base_game")], &[]),
            (&[("players_min", "1"), ("players_max", "5")], &[JE, NI, TM]),
            (&[("best_at", "1")], &[SI]),
            (&[("best_at", "2")], &[SI, TM]),
            (&[("best_at", "3")], &[SI, TM]),
            (&[("best_at", "4")], &[]),
            (&[("top_at", "2")], &[SI, TM]),
            (&[("recommended_at", "4")], &[SI, TM]),
            (&[("recommended_at", "5")], &[]),
            (
                &[
                    ("players", "6"),
                    ("effective", "true"),
                    ("type", "base_game"),
                ],
                &[],
            ),
        ],
    )
}

fn weight_year_filters(ctx: &Ctx) -> Outcome {
    table(
        ctx,
        &[
            (&[("weight_min", "4.0")], &[BC, JE, NI]),
            (&[("weight_min", "3.0"), ("weight_max", "4.0")], &[SI, TM]),
            (&[("weight_max", "3.0")], &[HZ]),
            (&[("year_min", "2018"), ("year_max", "2020")], &[JE, P1, P2]),
        ],
    )
}

fn taxonomy_filters(ctx: &Ctx) -> Outcome {
    table(
        ctx,
        &[
            (&[("type", "base_game")], &[SI, TM]),
            (&[("mode", "cooperative")], &[SI]),
            (&[("mode", "competitive")], &[TM]),
            (&[("mechanics", "cooperative")], &[SI]),
            (&[("mechanics", "hand-management")], &[SI, TM]),
            (&[("mechanics", "area-majority")], &[SI]),
            (
                &[("mechanics_all", "hand-management,engine-building")],
                &[TM],
            ),
            (
                &[("mechanics_not", "cooperative"), ("type", "base_game")],
                &[TM],
            ),
            (&[("themes", "space")], &[TM]),
            (&[("themes", "fantasy,space")], &[SI, TM]),
            (&[("theme_not", "space"), ("type", "base_game")], &[SI]),
            (&[("category", "engine-builder")], &[TM]),
        ],
    )
}

fn playtime_filters(ctx: &Ctx) -> Outcome {
    table(
        ctx,
        &[
            (&[("playtime_max", "120")], &[SI, TM]),
            (&[("playtime_min", "100")], &[TM]),
            (
                &[("playtime_max", "150"), ("playtime_source", "community")],
                &[SI],
            ),
            (&[("community_playtime_min", "80")], &[TM]),
            (
                &[
                    ("playtime_max", "120"),
                    ("playtime_experience", "first_play"),
                ],
                &[],
            ),
            (
                &[
                    ("playtime_max", "180"),
                    ("playtime_experience", "first_play"),
                ],
                &[TM],
            ),
            (
                &[("playtime_max", "100"), ("playtime_experience", "expert")],
                &[SI],
            ),
            (
                &[
                    ("playtime_max", "240"),
                    ("playtime_source", "community"),
                    ("playtime_experience", "first_play"),
                ],
                &[SI],
            ),
        ],
    )
}

fn validation(ctx: &Ctx) -> Outcome {
    let mut c = Cases::new();
    c.add(
        "players_min=5&players_max=2",
        (|| {
            let r = ctx.get(
                "/games",
                "/games",
                &q(&[("players_min", "5"), ("players_max", "2")]),
            )?;
            expect_problem(&r, 400)?;
            let e0 = r.j().pointer("/errors/0").cloned().unwrap_or(Value::Null);
            if util::s(&e0, "field") != Some("players_min")
                || util::s(&e0, "code") != Some("invalid_range")
            {
                return Err(Finding::at(
                    &r,
                    format!("errors[0] is {e0}, expected field players_min, code invalid_range"),
                ));
            }
            Ok(())
        })(),
    );
    for (query, status) in [
        (&[("weight_min", "6")][..], 400),
        (&[("mechanics", "cooperative-play")][..], 422),
        (&[("category", "strategy")][..], 422),
    ] {
        c.add(
            &label(query),
            ctx.get("/games", "/games", &q(query))
                .and_then(|r| expect_problem(&r, status)),
        );
    }
    c.done()
}

fn game_detail(ctx: &Ctx) -> Outcome {
    let mut c = Cases::new();
    c.add(
        "GET /games/spirit-island",
        (|| {
            let a = ctx.get("/games/{id}", "/games/spirit-island", &vec![])?;
            expect_status(&a, 200)?;
            let b = ctx.get("/games/{id}", &format!("/games/{SI_ID}"), &vec![])?;
            expect_status(&b, 200)?;
            if without_links(a.j()) != without_links(b.j()) {
                return Err(Finding::at(&b, "by id and by slug differ"));
            }
            let j = a.j();
            if j.get("bgg_id") != Some(&json!(162886)) {
                return Err(Finding::at(
                    &a,
                    format!("bgg_id {:?}, expected 162886", j.get("bgg_id")),
                ));
            }
            if let Some(l) = j
                .get("language_dependence")
                .filter(|l| *l != &json!("moderate_text"))
            {
                return Err(Finding::at(
                    &a,
                    format!("language_dependence {l}, expected moderate_text or absent"),
                ));
            }
            for k in ["funding_source", "parent_game_id"] {
                if j.get(k).is_some() {
                    return Err(Finding::at(
                        &a,
                        format!("{k} is present ({}), expected absent", j[k]),
                    ));
                }
            }
            let href = j
                .pointer("/_links/self/href")
                .and_then(Value::as_str)
                .unwrap_or("");
            if !href.ends_with("/games/spirit-island") {
                return Err(Finding::at(
                    &a,
                    format!("_links.self.href {href:?}, expected …/games/spirit-island"),
                ));
            }
            let facts = [
                ("year_published", json!(2017)),
                ("min_players", json!(1)),
                ("max_players", json!(4)),
                ("weight", json!(3.86)),
                ("mode", json!("cooperative")),
                ("type", json!("base_game")),
            ];
            for (k, v) in facts {
                if j.get(k) != Some(&v) {
                    return Err(Finding::at(&a, format!("{k} {:?}, expected {v}", j.get(k))));
                }
            }
            Ok(())
        })(),
    );
    c.add(
        "include=mechanics,themes,categories",
        (|| {
            let r = ctx.get(
                "/games/{id}",
                "/games/spirit-island",
                &q(&[("include", "mechanics,themes,categories")]),
            )?;
            expect_status(&r, 200)?;
            let mech = util::terms(r.j(), "mechanics").unwrap_or_default();
            let want: BTreeSet<String> = [
                "hand-management",
                "cooperative",
                "variable-player-powers",
                "action-points",
                "area-control",
                "modular-board",
            ]
            .map(String::from)
            .into();
            if mech != want {
                return Err(Finding::at(
                    &r,
                    format!("mechanics {mech:?}, expected {want:?}"),
                ));
            }
            for m in r.j()["mechanics"].as_array().into_iter().flatten() {
                let want = if matches!(
                    util::s(m, "slug"),
                    Some("hand-management" | "variable-player-powers")
                ) {
                    2
                } else {
                    1
                };
                if m.get("game_count").is_some_and(|n| n != &json!(want)) {
                    return Err(Finding::at(
                        &r,
                        format!(
                            "{} game_count {}, expected {want}",
                            util::slug(m),
                            m["game_count"]
                        ),
                    ));
                }
            }
            let themes = util::terms(r.j(), "themes").unwrap_or_default();
            if themes != ["fantasy", "nature"].map(String::from).into() {
                return Err(Finding::at(
                    &r,
                    format!("themes {themes:?}, expected fantasy, nature"),
                ));
            }
            if r.j().get("categories") != Some(&json!([])) {
                return Err(Finding::at(
                    &r,
                    format!("categories {:?}, expected []", r.j().get("categories")),
                ));
            }
            Ok(())
        })(),
    );
    c.add(
        "GET /games/nope",
        (|| {
            let r = ctx.get("/games/{id}", "/games/nope", &vec![])?;
            expect_problem(&r, 404)?;
            if !r
                .j()
                .get("detail")
                .and_then(Value::as_str)
                .is_some_and(|d| d.contains("nope"))
            {
                return Err(Finding::at(&r, "detail does not name the identifier"));
            }
            Ok(())
        })(),
    );
    c.done()
}

fn expansions(ctx: &Ctx) -> Outcome {
    let mut c = Cases::new();
    let op = "/games/{id}/expansions";
    let si = "/games/spirit-island/expansions";
    c.add(
        "spirit-island/expansions",
        list_is(ctx, op, si, vec![], &[HZ, BC, JE, NI, P1, P2]),
    );
    c.add(
        "?type=promo",
        list_is(ctx, op, si, q(&[("type", "promo")]), &[P1, P2]),
    );
    c.add(
        "?type=standalone_expansion",
        list_is(ctx, op, si, q(&[("type", "standalone_expansion")]), &[HZ]),
    );
    c.add(
        "?type=expansion",
        list_is(ctx, op, si, q(&[("type", "expansion")]), &[BC, JE, NI]),
    );
    c.add(
        "terraforming-mars/expansions",
        list_is(ctx, op, "/games/terraforming-mars/expansions", vec![], &[]),
    );
    c.done()
}

fn effective_properties(ctx: &Ctx) -> Outcome {
    let op = "/games/{id}/effective-properties";
    let base = json!({"min_players": 1, "max_players": 4, "min_playtime_minutes": 90, "max_playtime_minutes": 120,
                      "weight": 3.86, "min_age": 13, "best_at": [1, 2, 3], "recommended_at": [1, 2, 3, 4]});
    let mut c = Cases::new();
    for with in [None, Some(JE), Some("01912f4c-9b3c-7d4e-af50-1b2c3d4e5f60")] {
        let label = format!("with={}", with.unwrap_or("(none)"));
        c.add(
            &label,
            (|| {
                let query = with.map(|w| q(&[("with", w)])).unwrap_or_default();
                let r = ctx.get(op, "/games/spirit-island/effective-properties", &query)?;
                expect_status(&r, 200)?;
                let j = r.j();
                if j.get("combination_source") != Some(&json!("base_only")) {
                    return Err(Finding::at(
                        &r,
                        format!(
                            "combination_source {:?}, expected base_only",
                            j.get("combination_source")
                        ),
                    ));
                }
                if with.is_none() && j.get("applied_expansions") != Some(&json!([])) {
                    return Err(Finding::at(
                        &r,
                        format!(
                            "applied_expansions {:?}, expected []",
                            j.get("applied_expansions")
                        ),
                    ));
                }
                for part in ["base", "effective"] {
                    for (k, v) in base.as_object().into_iter().flatten() {
                        if j.pointer(&format!("/{part}/{k}")) != Some(v) {
                            return Err(Finding::at(
                                &r,
                                format!(
                                    "{part}.{k} {:?}, expected {v}",
                                    j.pointer(&format!("/{part}/{k}"))
                                ),
                            ));
                        }
                    }
                }
                if with.is_none() && j.get("edition_source").is_some_and(|e| e != "none") {
                    return Err(Finding::at(
                        &r,
                        format!("edition_source {}, expected none", j["edition_source"]),
                    ));
                }
                Ok(())
            })(),
        );
    }
    for (game, with, status) in [(SI, "does-not-exist", 404), (SI, TM, 422), (TM, JE, 422)] {
        c.add(
            &format!("{game}?with={with}"),
            ctx.get(
                op,
                &format!("/games/{game}/effective-properties"),
                &q(&[("with", with)]),
            )
            .and_then(|r| expect_problem(&r, status)),
        );
    }
    c.done()
}

fn experience_playtime(ctx: &Ctx) -> Outcome {
    let op = "/games/{id}/experience-playtime";
    let mut c = Cases::new();
    c.add("spirit-island", (|| {
        let r = ctx.get(op, "/games/spirit-island/experience-playtime", &vec![])?;
        expect_status(&r, 200)?;
        let j = r.j();
        let want = [("first_play", 165, 120, 240, 1420), ("learning", 130, 95, 180, 3210), ("experienced", 105, 75, 150, 8740), ("expert", 85, 60, 120, 2150)];
        let levels = j.get("levels").and_then(Value::as_array).cloned().unwrap_or_default();
        for (lvl, med, min, max, n) in want {
            let l = levels.iter().find(|l| util::s(l, "experience_level") == Some(lvl));
            let got = l.map(|l| (util::i(l, "median_minutes"), util::i(l, "min_minutes"), util::i(l, "max_minutes"), util::i(l, "total_reports")));
            if got != Some((Some(med), Some(min), Some(max), Some(n))) {
                return Err(Finding::at(&r, format!("{lvl}: {got:?}, expected median {med}, min {min}, max {max}, reports {n}")));
            }
        }
        let m = json!({"first_play": 1.57, "learning": 1.24, "experienced": 1.0, "expert": 0.81});
        if j.get("multipliers") != Some(&m) || j.get("sufficient_data") != Some(&json!(true)) || j.get("total_reports") != Some(&json!(15520)) {
            return Err(Finding::at(&r, format!("multipliers {:?}, sufficient_data {:?}, total_reports {:?}; expected {m}, true, 15520", j.get("multipliers"), j.get("sufficient_data"), j.get("total_reports"))));
        }
        Ok(())
    })());
    c.add(
        "terraforming-mars (D26)",
        (|| {
            let r = ctx.get(op, "/games/terraforming-mars/experience-playtime", &vec![])?;
            expect_status(&r, 200)?;
            let j = r.j();
            if j.get("levels") != Some(&json!([]))
                || j.get("sufficient_data") != Some(&json!(false))
                || j.get("total_reports") != Some(&json!(0))
                || j.get("multipliers").is_some()
            {
                return Err(Finding::at(
                    &r,
                    "expected levels [], sufficient_data false, total_reports 0, no multipliers",
                ));
            }
            Ok(())
        })(),
    );
    c.done()
}

fn derived_relationships(ctx: &Ctx) -> Outcome {
    let op = "/games/{id}/relationships";
    let mut c = Cases::new();
    c.add(
        "spirit-island/relationships?type=expands",
        (|| {
            let r = ctx.get(
                op,
                "/games/spirit-island/relationships",
                &q(&[("type", "expands")]),
            )?;
            expect_status(&r, 200)?;
            let edges = r.j()["data"].as_array().cloned().unwrap_or_default();
            if edges.len() != 5
                || edges.iter().any(|e| {
                    util::s(e, "source_game_id") != Some(SI_ID)
                        || util::s(e, "relationship_type") != Some("expands")
                })
            {
                return Err(Finding::at(
                    &r,
                    format!(
                        "expected 5 expands edges with Spirit Island as source (D7), got {}",
                        edges.len()
                    ),
                ));
            }
            Ok(())
        })(),
    );
    c.add(
        "spirit-island/relationships?type=integrates_with",
        (|| {
            let r = ctx.get(
                op,
                "/games/spirit-island/relationships",
                &q(&[("type", "integrates_with")]),
            )?;
            expect_status(&r, 200)?;
            let n = r.j()["data"].as_array().map_or(0, Vec::len);
            if n != 2 {
                return Err(Finding::at(
                    &r,
                    format!(
                        "{n} integrates_with edges, expected 2 (stored in both directions, D7)"
                    ),
                ));
            }
            Ok(())
        })(),
    );
    c.done()
}

fn relationships_editions(ctx: &Ctx) -> Outcome {
    let op = "/games/{id}/relationships";
    let mut c = Cases::new();
    c.add(
        "terraforming-mars/relationships",
        (|| {
            let r = ctx.get(op, "/games/terraforming-mars/relationships", &vec![])?;
            expect_status(&r, 200)?;
            if r.j().get("data") != Some(&json!([])) {
                return Err(Finding::at(&r, "expected data []"));
            }
            Ok(())
        })(),
    );
    c.add(
        "spirit-island/editions",
        (|| {
            let r = ctx.get(
                "/games/{id}/editions",
                "/games/spirit-island/editions",
                &vec![],
            )?;
            expect_status(&r, 200)?;
            if r.j().get("editions") != Some(&json!([]))
                || r.j().get("canonical_edition_id").is_some()
            {
                return Err(Finding::at(
                    &r,
                    "expected editions [] and no canonical_edition_id",
                ));
            }
            Ok(())
        })(),
    );
    c.done()
}

fn vocabulary(ctx: &Ctx) -> Outcome {
    let mut c = Cases::new();
    let firsts: [(&str, u64, &[&str]); 4] = [
        (
            "/mechanics",
            121,
            &[
                "acting / performance",
                "action points",
                "action retrieval",
                "action selection",
                "alliances",
            ],
        ),
        ("/categories", 32, &["4x game", "abstract strategy"]),
        ("/designers", 0, &[]),
        ("/publishers", 0, &[]),
    ];
    for (path, total, names) in firsts {
        c.add(
            path,
            (|| {
                let r = ctx.get(path, path, &vec![])?;
                expect_status(&r, 200)?;
                let t = r.j().pointer("/meta/total").and_then(Value::as_u64);
                if t != Some(total) {
                    return Err(Finding::at(
                        &r,
                        format!("meta.total {t:?}, expected {total}"),
                    ));
                }
                let got: Vec<String> = r.j()["data"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .take(names.len())
                    .map(|m| util::s(m, "name").unwrap_or("").to_lowercase())
                    .collect();
                if got != names {
                    return Err(Finding::at(
                        &r,
                        format!("first names {got:?}, expected {names:?}"),
                    ));
                }
                if total > 25 && r.j().pointer("/meta/has_more") != Some(&json!(true)) {
                    return Err(Finding::at(&r, "has_more should be true"));
                }
                Ok(())
            })(),
        );
    }
    c.add(
        "/designers/r-eric-reuss",
        ctx.get("/designers/{id}", "/designers/r-eric-reuss", &vec![])
            .and_then(|r| expect_problem(&r, 404)),
    );
    c.done()
}

fn search(ctx: &Ctx) -> Outcome {
    let mut c = Cases::new();
    c.add(
        "q=spirit",
        (|| {
            let r = ctx.get(
                "/search",
                "/search",
                &q(&[("q", "spirit"), ("limit", "100")]),
            )?;
            expect_status(&r, 200)?;
            let games: BTreeSet<String> = r.j()["data"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|h| util::s(h, "result_type") == Some("game"))
                .filter_map(|h| {
                    h.pointer("/game/slug")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
                .collect();
            let want: BTreeSet<String> = [HZ, SI, BC, JE, NI, P1, P2].map(String::from).into();
            if games != want {
                return Err(Finding::at(
                    &r,
                    format!("game hits {games:?}, expected the 7 Spirit Island products"),
                ));
            }
            Ok(())
        })(),
    );
    c.add(
        "q=terraforming",
        (|| {
            let r = ctx.get("/search", "/search", &q(&[("q", "terraforming")]))?;
            expect_status(&r, 200)?;
            if r.j().pointer("/data/0/game/slug").and_then(Value::as_str) != Some(TM) {
                return Err(Finding::at(&r, "the first hit is not terraforming-mars"));
            }
            Ok(())
        })(),
    );
    c.add(
        "q=s",
        ctx.get("/search", "/search", &q(&[("q", "s")]))
            .and_then(|r| expect_problem(&r, 400)),
    );
    c.add(
        "q=spirit&type=designer",
        (|| {
            let r = ctx.get(
                "/search",
                "/search",
                &q(&[("q", "spirit"), ("type", "designer")]),
            )?;
            expect_status(&r, 200)?;
            if r.j().get("data") != Some(&json!([])) {
                return Err(Finding::at(&r, "expected no hits"));
            }
            Ok(())
        })(),
    );
    c.done()
}

fn export(ctx: &Ctx) -> Outcome {
    let mut c = Cases::new();
    c.add(
        "format=csv",
        (|| {
            let r = ctx.get("/export/games", "/export/games", &q(&[("format", "csv")]))?;
            expect_status(&r, 200)?;
            let rows =
                crate::classes::export::parse_csv(&r.body).map_err(|e| Finding::at(&r, e))?;
            if rows.len() != 9
                || r.header("x-export-row-count") != Some("8")
                || r.header("x-export-format") != Some("csv")
            {
                return Err(Finding::at(
                    &r,
                    format!(
                        "{} CSV records, X-Export-Row-Count {:?}; expected header + 8 rows, 8",
                        rows.len(),
                        r.header("x-export-row-count")
                    ),
                ));
            }
            Ok(())
        })(),
    );
    for (query, rows, slugs) in [
        (&[("format", "jsonl")][..], 8, None),
        (&[("type", "base_game")][..], 2, Some(vec![SI, TM])),
    ] {
        c.add(
            &label(query).replace("/games", "/export/games"),
            (|| {
                let r = ctx.get("/export/games", "/export/games", &q(query))?;
                expect_status(&r, 200)?;
                let lines: Vec<Value> = r
                    .body
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .filter_map(|l| serde_json::from_str(l).ok())
                    .collect();
                if lines.len() != rows + 1 || lines[0].get("row_count") != Some(&json!(rows)) {
                    return Err(Finding::at(
                        &r,
                        format!(
                            "{} JSON lines, manifest row_count {:?}; expected {} and {rows}",
                            lines.len(),
                            lines.first().and_then(|m| m.get("row_count")),
                            rows + 1
                        ),
                    ));
                }
                if slugs.is_none()
                    && lines[0]
                        .get("filters_applied")
                        .is_some_and(|f| f != &json!({}))
                {
                    return Err(Finding::at(&r, "filters_applied should be {}"));
                }
                if let Some(s) = &slugs {
                    let got: Vec<String> = lines[1..].iter().map(util::slug).collect();
                    if &got != s {
                        return Err(Finding::at(&r, format!("lines {got:?}, expected {s:?}")));
                    }
                }
                Ok(())
            })(),
        );
    }
    c.done()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_sample_requirement_is_skippable() {
        for r in crate::registry::REQUIREMENTS
            .iter()
            .filter(|r| r.class() == "sample-data")
        {
            assert!(
                super::IDS.contains(&&r.id["sample-data/".len()..]),
                "{} is missing from IDS",
                r.id
            );
        }
        assert_eq!(
            super::IDS.len(),
            crate::registry::REQUIREMENTS
                .iter()
                .filter(|r| r.class() == "sample-data")
                .count()
        );
    }
}
