//! `effective`: the effective-properties resolution (tiers, exact sets, 404/422)
//! and effective-mode filtering (`matched_via`).

use std::cell::RefCell;
use std::collections::BTreeSet;

use serde_json::Value;

use crate::classes::core::sample_game;
use crate::client::{Response, q};
use crate::ctx::{Ctx, Finding, Outcome};
use crate::util::{self, expect_problem, expect_status, i, without_links};

const FIELDS: &[&str] = &[
    "min_players",
    "max_players",
    "min_playtime_minutes",
    "max_playtime_minutes",
    "weight",
    "best_at",
    "recommended_at",
    "min_age",
];

pub fn run(ctx: &Ctx) {
    let seen: RefCell<Vec<Response>> = RefCell::new(Vec::new());
    ctx.run("effective/base-only-default", |c| {
        base_only_default(c, &seen)
    });
    ctx.run("effective/base-is-game", base_is_game);
    ctx.run("effective/unknown-expansion-404", unknown_expansion_404);
    ctx.run("effective/foreign-expansion-422", foreign_expansion_422);
    ctx.run("effective/tier-consistency", |c| tier_consistency(c, &seen));
    ctx.run("effective/exact-set", |c| exact_set(c, &seen));
    ctx.run("effective/values-clamped", |_| {
        values_clamped(&seen.borrow())
    });
    ctx.run("effective/filter-superset", filter_superset);
    ctx.run("effective/matched-via", matched_via);
    ctx.run("effective/filter-uses-expansions", filter_uses_expansions);
}

fn ep_path(g: &str) -> String {
    format!("/games/{g}/effective-properties")
}

fn get_ep(ctx: &Ctx, game: &str, with: Option<&str>) -> Result<Response, Finding> {
    let query = with.map(|w| q(&[("with", w)])).unwrap_or_default();
    ctx.get("/games/{id}/effective-properties", &ep_path(game), &query)
}

/// The expansions of a game (slug, id): the listed games whose parent_game_id is
/// the game (so the class does not depend on /games/{id}/expansions).
fn expansions(ctx: &Ctx, game: &str) -> Result<Vec<(String, String)>, Finding> {
    let c = ctx.games()?;
    let Some(g) = c.games.iter().find(|g| util::slug(g) == game) else {
        return Ok(Vec::new());
    };
    let id = util::id(g);
    Ok(c.games
        .iter()
        .filter(|x| util::s(x, "parent_game_id") == Some(id.as_str()))
        .map(|x| (util::slug(x), util::id(x)))
        .collect())
}

/// effective = base on every field base has.
fn effective_differs(j: &Value) -> Option<String> {
    for f in FIELDS {
        let b = j.pointer(&format!("/base/{f}"));
        let e = j.pointer(&format!("/effective/{f}"));
        if b != e {
            return Some(format!("{f}: base {b:?}, effective {e:?}"));
        }
    }
    None
}

fn base_only_default(ctx: &Ctx, seen: &RefCell<Vec<Response>>) -> Outcome {
    let c = ctx.games()?;
    let mut picks = vec![util::slug(&sample_game(ctx)?)];
    if let Some(g) = ctx.rng.borrow_mut().pick(&c.games) {
        picks.push(util::slug(g));
    }
    for g in &picks {
        let r = get_ep(ctx, g, None)?;
        expect_status(&r, 200)?;
        let j = r.j();
        if j.get("combination_source").and_then(Value::as_str) != Some("base_only") {
            return Err(Finding::at(
                &r,
                format!(
                    "without with=, combination_source is {:?}",
                    j.get("combination_source")
                ),
            ));
        }
        if j.get("applied_expansions") != Some(&serde_json::json!([])) {
            return Err(Finding::at(
                &r,
                format!(
                    "without with=, applied_expansions is {:?}",
                    j.get("applied_expansions")
                ),
            ));
        }
        if let Some(d) = effective_differs(j) {
            return Err(Finding::at(
                &r,
                format!("base_only but effective ≠ base: {d}"),
            ));
        }
        seen.borrow_mut().push(r);
    }
    Ok(picks.join(", "))
}

fn base_is_game(ctx: &Ctx) -> Outcome {
    let g = sample_game(ctx)?;
    let r = get_ep(ctx, &util::slug(&g), None)?;
    expect_status(&r, 200)?;
    for f in [
        "min_players",
        "max_players",
        "min_playtime_minutes",
        "max_playtime_minutes",
        "weight",
        "min_age",
    ] {
        if g.get(f).is_some() && r.j().pointer(&format!("/base/{f}")) != g.get(f) {
            return Err(Finding::at(
                &r,
                format!(
                    "base.{f} is {:?}, the game says {:?}",
                    r.j().pointer(&format!("/base/{f}")),
                    g.get(f)
                ),
            ));
        }
    }
    Ok(util::slug(&g))
}

fn unknown_expansion_404(ctx: &Ctx) -> Outcome {
    let g = util::slug(&sample_game(ctx)?);
    let r = get_ep(ctx, &g, Some("no-such-expansion-zz9"))?;
    expect_problem(&r, 404)?;
    if let Some((e, _)) = expansions(ctx, &g)?.first() {
        let r = get_ep(ctx, &g, Some(&format!("{e},no-such-expansion-zz9")))?;
        expect_problem(&r, 404)?;
    }
    Ok(String::new())
}

fn foreign_expansion_422(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    let g = sample_game(ctx)?;
    let own: BTreeSet<String> = expansions(ctx, &util::slug(&g))?
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    let other = c
        .games
        .iter()
        .filter(|x| util::id(x) != util::id(&g) && !own.contains(&util::slug(x)))
        .max_by_key(|x| util::s(x, "type") == Some("base_game"))
        .ok_or_else(|| Finding::skip("no other game to use as a foreign expansion"))?;
    let r = get_ep(ctx, &util::slug(&g), Some(&util::slug(other)))?;
    expect_problem(&r, 422)?;
    Ok(format!("{} with={}", util::slug(&g), util::slug(other)))
}

fn applied(j: &Value) -> Option<BTreeSet<String>> {
    j.get("applied_expansions")?.as_array().map(|a| {
        a.iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    })
}

fn tier_issue(j: &Value, requested: &BTreeSet<String>) -> Option<String> {
    let src = j
        .get("combination_source")
        .and_then(Value::as_str)
        .unwrap_or("");
    let Some(app) = applied(j) else {
        return Some("applied_expansions is not an array of slugs".into());
    };
    match src {
        "base_only" => {
            if !app.is_empty() {
                return Some(format!("base_only with applied_expansions {app:?}"));
            }
            effective_differs(j).map(|d| format!("base_only but effective ≠ base: {d}"))
        }
        "explicit" => (app != *requested)
            .then(|| format!("explicit: applied_expansions {app:?} ≠ requested {requested:?}")),
        "computed" => {
            if app.is_empty() || !app.is_subset(requested) {
                return Some(format!(
                    "computed: applied_expansions {app:?} must be a non-empty subset of {requested:?}"
                ));
            }
            let keys: BTreeSet<String> = j
                .get("individual_effects")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            (!keys.is_subset(&app))
                .then(|| format!("individual_effects keys {keys:?} are not among applied {app:?}"))
        }
        other => Some(format!("combination_source {other:?}")),
    }
}

fn tier_consistency(ctx: &Ctx, seen: &RefCell<Vec<Response>>) -> Outcome {
    let g = util::slug(&sample_game(ctx)?);
    let exps = expansions(ctx, &g)?;
    if exps.is_empty() {
        return Err(Finding::skip(format!("{g} has no expansions")));
    }
    let mut sets: Vec<Vec<String>> = exps.iter().take(5).map(|(s, _)| vec![s.clone()]).collect();
    sets.push(exps.iter().map(|(s, _)| s.clone()).collect());
    let mut tiers = BTreeSet::new();
    for set in &sets {
        let r = get_ep(ctx, &g, Some(&set.join(",")))?;
        expect_status(&r, 200)?;
        let requested: BTreeSet<String> = set.iter().cloned().collect();
        if let Some(m) = tier_issue(r.j(), &requested) {
            return Err(Finding::at(&r, m));
        }
        tiers.insert(
            r.j()["combination_source"]
                .as_str()
                .unwrap_or("")
                .to_owned(),
        );
        seen.borrow_mut().push(r);
    }
    Ok(format!("{} sets; tiers seen {tiers:?}", sets.len()))
}

fn exact_set(ctx: &Ctx, seen: &RefCell<Vec<Response>>) -> Outcome {
    let g = util::slug(&sample_game(ctx)?);
    let exps = expansions(ctx, &g)?;
    if exps.len() < 2 {
        return Err(Finding::skip(format!("{g} has fewer than two expansions")));
    }
    let (a, b) = (&exps[0], &exps[exps.len() - 1]);
    let r1 = get_ep(ctx, &g, Some(&format!("{},{}", a.0, b.0)))?;
    expect_status(&r1, 200)?;
    let r2 = get_ep(ctx, &g, Some(&format!("{},{}", b.0, a.0)))?;
    expect_status(&r2, 200)?;
    let r3 = get_ep(ctx, &g, Some(&format!("{},{}", a.1, b.1)))?;
    expect_status(&r3, 200)?;
    if normalized(r1.j()) != normalized(r2.j()) {
        return Err(Finding::at(&r2, "the order of with= changes the answer"));
    }
    if normalized(r1.j()) != normalized(r3.j()) {
        return Err(Finding::at(
            &r3,
            "with= by UUIDs answers differently from with= by slugs",
        ));
    }
    let known: BTreeSet<String> = exps.iter().map(|(s, _)| s.clone()).collect();
    if let Some(app) = applied(r3.j())
        && !app.is_subset(&known)
    {
        return Err(Finding::at(
            &r3,
            format!("applied_expansions {app:?} are not expansion slugs"),
        ));
    }
    seen.borrow_mut().extend([r1, r2, r3]);
    Ok(format!("{},{}", a.0, b.0))
}

/// An answer without `_links` and with applied_expansions sorted (their order is not specified).
fn normalized(v: &Value) -> Value {
    let mut v = without_links(v);
    if let Some(Value::Array(a)) = v.get_mut("applied_expansions") {
        a.sort_by(|x, y| x.as_str().cmp(&y.as_str()));
    }
    v
}

fn values_clamped(seen: &[Response]) -> Outcome {
    if seen.is_empty() {
        return Err(Finding::skip("no effective-properties answer to inspect"));
    }
    for r in seen {
        for part in ["base", "effective"] {
            let v = &r.j()[part];
            let n = |f: &str| v.get(f).and_then(Value::as_f64);
            let issue = if n("min_players").is_some_and(|x| x < 1.0) {
                Some("min_players < 1".to_owned())
            } else if let (Some(a), Some(b)) = (n("min_players"), n("max_players")) {
                (b < a).then(|| format!("max_players {b} < min_players {a}"))
            } else {
                None
            }
            .or_else(|| {
                n("weight")
                    .filter(|w| !(1.0..=5.0).contains(w))
                    .map(|w| format!("weight {w} outside 1–5"))
            })
            .or_else(|| {
                ["min_playtime_minutes", "max_playtime_minutes", "min_age"]
                    .iter()
                    .find(|f| n(f).is_some_and(|x| x < 0.0))
                    .map(|f| format!("{f} < 0"))
            });
            if let Some(m) = issue {
                return Err(Finding::at(r, format!("{part}: {m}")));
            }
        }
    }
    Ok(format!("{} answers", seen.len()))
}

fn counts(ctx: &Ctx) -> Result<Vec<i64>, Finding> {
    let c = ctx.games()?;
    let max = c
        .games
        .iter()
        .filter_map(|g| i(g, "max_players"))
        .max()
        .ok_or_else(|| Finding::skip("no game has max_players"))?;
    let min = c
        .games
        .iter()
        .filter_map(|g| i(g, "min_players"))
        .min()
        .unwrap_or(1);
    let mut v = vec![min, max, max + 1];
    // one past a base game's own range: only its expansions can reach it
    if let Some(m) = sample_game(ctx).ok().and_then(|g| i(&g, "max_players")) {
        v.push(m + 1);
    }
    v.dedup();
    Ok(v)
}

fn filter_superset(ctx: &Ctx) -> Outcome {
    for n in counts(ctx)? {
        let n = n.to_string();
        let (plain, _) = crate::classes::filtering::result_ids(
            ctx,
            &q(&[("players", &n), ("type", "base_game")]),
        )?;
        let (eff, last) = crate::classes::filtering::result_ids(
            ctx,
            &q(&[
                ("players", &n),
                ("type", "base_game"),
                ("effective", "true"),
            ]),
        )?;
        let e: BTreeSet<String> = eff.iter().map(util::id).collect();
        if let Some(g) = plain.iter().find(|g| !e.contains(&util::id(g))) {
            return Err(Finding::at(
                &last,
                format!(
                    "players={n}: {} matches on its base values but effective=true drops it",
                    util::slug(g)
                ),
            ));
        }
    }
    Ok(String::new())
}

fn matched_via(ctx: &Ctx) -> Outcome {
    let mut via = 0;
    for n in counts(ctx)? {
        let ns = n.to_string();
        let (plain, last) = crate::classes::filtering::result_ids(ctx, &q(&[("players", &ns)]))?;
        if let Some(g) = plain.iter().find(|g| g.get("matched_via").is_some()) {
            return Err(Finding::at(
                &last,
                format!(
                    "{} carries matched_via without effective=true",
                    util::slug(g)
                ),
            ));
        }
        let (eff, last) = crate::classes::filtering::result_ids(
            ctx,
            &q(&[("players", &ns), ("effective", "true")]),
        )?;
        for g in &eff {
            let Some(m) = g.get("matched_via") else {
                let ok = matches!((i(g, "min_players"), i(g, "max_players")), (Some(a), Some(b)) if a <= n && n <= b);
                if !ok {
                    return Err(Finding::at(
                        &last,
                        format!(
                            "{} is returned for players={n} without matched_via, but its base range does not cover {n}",
                            util::slug(g)
                        ),
                    ));
                }
                continue;
            };
            via += 1;
            let t = m.get("type").and_then(Value::as_str).unwrap_or("");
            let tier = m.get("resolution_tier").and_then(Value::as_i64);
            let want_tier = match t {
                "expansion_combination" => 1,
                "delta_sum" => 2,
                _ => {
                    return Err(Finding::at(
                        &last,
                        format!("{}: matched_via.type {t:?}", util::slug(g)),
                    ));
                }
            };
            if tier != Some(want_tier) {
                return Err(Finding::at(
                    &last,
                    format!(
                        "{}: matched_via.type {t} with resolution_tier {tier:?}",
                        util::slug(g)
                    ),
                ));
            }
            let exps = m
                .get("expansions")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if exps.is_empty()
                || exps
                    .iter()
                    .any(|e| util::s(e, "slug").is_none() || util::s(e, "name").is_none())
            {
                return Err(Finding::at(
                    &last,
                    format!(
                        "{}: matched_via.expansions must be non-empty {{slug, name}} items",
                        util::slug(g)
                    ),
                ));
            }
            let ep = m.get("effective_properties");
            let (a, b) = (
                ep.and_then(|e| i(e, "min_players")),
                ep.and_then(|e| i(e, "max_players")),
            );
            if let (Some(a), Some(b)) = (a, b)
                && !(a <= n && n <= b)
            {
                return Err(Finding::at(
                    &last,
                    format!(
                        "{}: matched_via.effective_properties {a}–{b} does not cover players={n}",
                        util::slug(g)
                    ),
                ));
            }
        }
    }
    Ok(format!("{via} matches via expansions"))
}

fn filter_uses_expansions(ctx: &Ctx) -> Outcome {
    let g = sample_game(ctx)?;
    let slug = util::slug(&g);
    let base_max =
        i(&g, "max_players").ok_or_else(|| Finding::skip(format!("{slug} has no max_players")))?;
    for (e, _) in expansions(ctx, &slug)?.iter().take(6) {
        let r = get_ep(ctx, &slug, Some(e))?;
        expect_status(&r, 200)?;
        let Some(eff_max) = r
            .j()
            .pointer("/effective/max_players")
            .and_then(Value::as_i64)
        else {
            continue;
        };
        if eff_max <= base_max {
            continue;
        }
        let n = eff_max.to_string();
        let (items, last) = crate::classes::filtering::result_ids(
            ctx,
            &q(&[("players", &n), ("effective", "true")]),
        )?;
        let Some(hit) = items.iter().find(|x| util::id(x) == util::id(&g)) else {
            return Err(Finding::at(
                &last,
                format!(
                    "{slug} with {e} plays up to {eff_max} ({}), but players={n}&effective=true does not return {slug}",
                    r.j()["combination_source"]
                ),
            ));
        };
        if hit.get("matched_via").is_none() {
            return Err(Finding::at(
                &last,
                format!("{slug} matches players={n} only through {e}, but carries no matched_via"),
            ));
        }
        return Ok(format!("players={n}&effective=true finds {slug} via {e}"));
    }
    Err(Finding::skip(format!(
        "no expansion of {slug} extends its player range"
    )))
}
