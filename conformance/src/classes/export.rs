//! `export`: GET /export/games — JSONL manifest and lines, CSV, headers, and the
//! same games as GET /games for the same filters.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::client::{Query, Response, q};
use crate::ctx::{Ctx, Finding, Outcome};
use crate::spec::Validation;
use crate::util::{self, expect_problem, expect_status};

pub fn run(ctx: &Ctx) {
    ctx.run("export/jsonl", jsonl);
    ctx.run("export/csv", csv);
    ctx.run("export/headers", headers);
    ctx.run("export/matches-list", matches_list);
    ctx.run("export/streams-complete", streams_complete);
    ctx.run("export/validation", validation);
    ctx.run("export/filters-applied", filters_applied);
}

fn export(ctx: &Ctx, query: &Query) -> Result<Response, Finding> {
    let r = ctx.get("/export/games", "/export/games", query)?;
    expect_status(&r, 200)?;
    Ok(r)
}

/// (manifest, game lines) of a JSONL export.
fn parse_jsonl(r: &Response) -> Result<(Value, Vec<Value>), Finding> {
    let mut lines = r.body.lines().filter(|l| !l.trim().is_empty());
    let first = lines
        .next()
        .ok_or_else(|| Finding::at(r, "the JSONL export is empty (no manifest line)"))?;
    let manifest: Value = serde_json::from_str(first)
        .map_err(|e| Finding::at(r, format!("line 1 is not JSON: {e}")))?;
    let mut games = Vec::new();
    for (n, l) in lines.enumerate() {
        games.push(
            serde_json::from_str(l)
                .map_err(|e| Finding::at(r, format!("line {} is not JSON: {e}", n + 2)))?,
        );
    }
    Ok((manifest, games))
}

fn jsonl(ctx: &Ctx) -> Outcome {
    for query in [q(&[("format", "jsonl")]), vec![]] {
        let r = export(ctx, &query)?;
        if r.media_type() != "application/jsonl" {
            return Err(Finding::at(
                &r,
                format!(
                    "Content-Type {:?}, expected application/jsonl",
                    r.header("content-type")
                ),
            ));
        }
        let (manifest, games) = parse_jsonl(&r)?;
        if let Validation::Invalid(e) = ctx.spec.validate_component("ExportManifest", &manifest) {
            return Err(Finding::at(
                &r,
                format!(
                    "the manifest does not validate as ExportManifest: {}",
                    e.join("; ")
                ),
            ));
        }
        if manifest.get("format").and_then(Value::as_str) != Some("jsonl") {
            return Err(Finding::at(
                &r,
                format!("manifest format {:?}", manifest.get("format")),
            ));
        }
        let rc = manifest.get("row_count").and_then(Value::as_u64);
        if rc != Some(games.len() as u64) {
            return Err(Finding::at(
                &r,
                format!(
                    "manifest row_count {rc:?}, but {} game lines follow",
                    games.len()
                ),
            ));
        }
        for (n, g) in games.iter().enumerate().take(500) {
            if let Validation::Invalid(e) = ctx.spec.validate_component("Game", g) {
                return Err(Finding::at(
                    &r,
                    format!("line {} does not validate as Game: {}", n + 2, e.join("; ")),
                ));
            }
            if has_null(g) {
                return Err(Finding::at(
                    &r,
                    format!("line {} contains null (D1)", n + 2),
                ));
            }
        }
    }
    Ok(String::new())
}

fn has_null(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.iter().any(has_null),
        Value::Object(m) => m.values().any(has_null),
        _ => false,
    }
}

/// CSV records (RFC 4180 quoting).
pub fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                any = false;
            }
            c => field.push(c),
        }
    }
    if quoted {
        return Err("unterminated quoted field".into());
    }
    if any {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
}

fn csv(ctx: &Ctx) -> Outcome {
    let r = export(ctx, &q(&[("format", "csv")]))?;
    if r.media_type() != "text/csv" {
        return Err(Finding::at(
            &r,
            format!(
                "Content-Type {:?}, expected text/csv",
                r.header("content-type")
            ),
        ));
    }
    let rows = parse_csv(&r.body).map_err(|e| Finding::at(&r, e))?;
    let header = rows
        .first()
        .ok_or_else(|| Finding::at(&r, "the CSV export is empty (no header row)"))?;
    for col in ["id", "slug", "name"] {
        if !header.iter().any(|h| h == col) {
            return Err(Finding::at(
                &r,
                format!("the header row {header:?} lacks {col}"),
            ));
        }
    }
    if let Some((n, row)) = rows
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, row)| row.len() != header.len())
    {
        return Err(Finding::at(
            &r,
            format!(
                "row {} has {} fields, the header {}",
                n + 1,
                row.len(),
                header.len()
            ),
        ));
    }
    let count = r
        .header("x-export-row-count")
        .and_then(|s| s.trim().parse::<usize>().ok());
    if count.is_some_and(|c| c != rows.len() - 1) {
        return Err(Finding::at(
            &r,
            format!(
                "X-Export-Row-Count {count:?}, but {} rows follow the header",
                rows.len() - 1
            ),
        ));
    }
    Ok(format!("{} rows, {} columns", rows.len() - 1, header.len()))
}

fn headers(ctx: &Ctx) -> Outcome {
    for fmt in ["jsonl", "csv"] {
        let r = export(ctx, &q(&[("format", fmt)]))?;
        let h = |n: &str| r.header(n).map(str::to_owned);
        if h("x-export-format").as_deref() != Some(fmt) {
            return Err(Finding::at(
                &r,
                format!("X-Export-Format {:?}, expected {fmt}", h("x-export-format")),
            ));
        }
        if h("x-export-row-count")
            .and_then(|s| s.trim().parse::<u64>().ok())
            .is_none()
        {
            return Err(Finding::at(
                &r,
                format!(
                    "X-Export-Row-Count {:?} is not a count",
                    h("x-export-row-count")
                ),
            ));
        }
        let semver = h("x-export-schema-version").is_some_and(|v| {
            let p: Vec<&str> = v
                .split(['-', '+'])
                .next()
                .unwrap_or("")
                .split('.')
                .collect();
            p.len() == 3
                && p.iter()
                    .all(|x| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit()))
        });
        if !semver {
            return Err(Finding::at(
                &r,
                format!(
                    "X-Export-Schema-Version {:?} is not SemVer",
                    h("x-export-schema-version")
                ),
            ));
        }
        let ts = h("x-export-generated-at")
            .is_some_and(|v| v.len() >= 20 && v.as_bytes().get(10) == Some(&b'T'));
        if !ts {
            return Err(Finding::at(
                &r,
                format!(
                    "X-Export-Generated-At {:?} is not an RFC 3339 date-time",
                    h("x-export-generated-at")
                ),
            ));
        }
        if h("content-disposition").is_none() {
            return Err(Finding::at(&r, "no Content-Disposition"));
        }
    }
    Ok(String::new())
}

fn matches_list(ctx: &Ctx) -> Outcome {
    let c = ctx.games()?;
    if !c.complete {
        return Err(Finding::skip("the catalog is bigger than --max-items"));
    }
    let g = crate::classes::core::sample_game(ctx)?;
    let mut cases: Vec<Query> = vec![vec![]];
    if let Some(t) = util::s(&g, "type") {
        cases.push(q(&[("type", t)]));
    }
    if let Some(p) = util::i(&g, "max_players") {
        cases.push(q(&[("players", &p.to_string())]));
    }
    if let Some(m) = util::terms(&g, "mechanics").and_then(|t| t.into_iter().next()) {
        cases.push(q(&[("mechanics", &m)]));
    }
    for query in &cases {
        let (list, last) = crate::classes::filtering::result_ids(ctx, query)?;
        let mut eq = query.clone();
        eq.push(("format".into(), "jsonl".into()));
        let r = export(ctx, &eq)?;
        let (_, games) = parse_jsonl(&r)?;
        let want: BTreeSet<String> = list.iter().map(util::id).collect();
        let got: BTreeSet<String> = games.iter().map(util::id).collect();
        if let Some(d) = util::set_diff(&want, &got, |x| x.to_owned()) {
            return Err(Finding::at(
                &r,
                format!("export and GET /games differ: {d}"),
            ));
        }
        let count = r
            .header("x-export-row-count")
            .and_then(|s| s.trim().parse::<u64>().ok());
        let total = last.j().pointer("/meta/total").and_then(Value::as_u64);
        if count != total {
            return Err(Finding::at(
                &r,
                format!("X-Export-Row-Count {count:?} ≠ GET /games meta.total {total:?}"),
            ));
        }
    }
    Ok(format!("{} filter sets", cases.len()))
}

fn streams_complete(ctx: &Ctx) -> Outcome {
    for fmt in ["jsonl", "csv"] {
        for _ in 0..3 {
            let query = q(&[("format", fmt)]);
            let r = ctx
                .client
                .get_with("/export/games", &query, &[("Accept-Encoding", "gzip")])
                .map_err(|e| Finding::Fail {
                    message: format!("the export body did not complete when gzip is accepted: {e}"),
                    curl: Some(format!("curl -sS --compressed -o /dev/null -w '%{{http_code}} %{{size_download}}\\n' '{}'", ctx.client.url("/export/games", &query))),
                })?;
            expect_status(&r, 200)?;
        }
    }
    Ok("jsonl and csv, 3 times each, with Accept-Encoding: gzip".into())
}

fn validation(ctx: &Ctx) -> Outcome {
    for query in [
        q(&[("format", "xml")]),
        q(&[("players_min", "5"), ("players_max", "2")]),
        q(&[("weight_min", "9")]),
    ] {
        let r = ctx.get("/export/games", "/export/games", &query)?;
        expect_problem(&r, 400)?;
    }
    Ok(String::new())
}

fn filters_applied(ctx: &Ctx) -> Outcome {
    let r = export(ctx, &q(&[("format", "jsonl")]))?;
    let (m, _) = parse_jsonl(&r)?;
    if m.get("filters_applied")
        .is_some_and(|f| f != &serde_json::json!({}))
    {
        return Err(Finding::at(
            &r,
            format!(
                "a full export has filters_applied {:?}",
                m.get("filters_applied")
            ),
        ));
    }
    let c = ctx.games()?;
    let Some(t) = c.games.iter().find_map(|g| util::s(g, "type")) else {
        return Err(Finding::skip("no game has a type"));
    };
    let r = export(ctx, &q(&[("format", "jsonl"), ("type", t)]))?;
    let (m, _) = parse_jsonl(&r)?;
    if !m
        .pointer("/filters_applied/type")
        .is_some_and(Value::is_string)
    {
        return Err(Finding::at(
            &r,
            format!(
                "type={t}: filters_applied {:?} has no type entry",
                m.get("filters_applied")
            ),
        ));
    }
    Ok(String::new())
}

#[cfg(test)]
mod tests {
    use super::parse_csv;

    #[test]
    fn csv_quotes() {
        let rows = parse_csv("id,name\n1,\"a, \"\"b\"\"\nc\"\n2,x\n").unwrap();
        assert_eq!(
            rows,
            vec![vec!["id", "name"], vec!["1", "a, \"b\"\nc"], vec!["2", "x"]]
        );
    }
}
