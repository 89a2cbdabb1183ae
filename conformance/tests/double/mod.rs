//! A small OpenTabletop server for the suite's own tests: in-memory catalog,
//! contract-conformant by default, with one deliberate fault on request.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// The deviations the double can be told to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Every next_cursor skips one game.
    DropBetweenPages,
    /// A bad cursor is a 500.
    Cursor500,
    /// Base games carry `parent_game_id: null`.
    EmitNull,
    /// Unknown games are a plain-text 404.
    PlainNotFound,
    /// `players=` is accepted and ignored.
    IgnorePlayersFilter,
    /// Unknown mechanic/theme slugs are silently ignored (200).
    UnknownSlugOk,
    /// The export leaves out the last game.
    ExportDropsRow,
    /// effective-properties says base_only but effective.max_players = base + 1.
    EffectiveDrift,
    /// Search hits come in ascending score order.
    SearchScoresAscending,
    /// meta.total is one more than the games matching.
    WrongTotal,
    /// effective=true is accepted and ignored.
    EffectiveIgnored,
    /// Games without a value for the sort key come first when descending.
    NullsFirstDesc,
    /// Cursors are not bound to the query they came from.
    CursorIgnoresQuery,
    /// The curated combination reports only part of the requested set as applied.
    ExplicitPartial,
}

/// The double's only delta data: Depths adds a player and some weight.
const DEPTHS: &str = "alpha-quest-depths";
const PROMO: &str = "alpha-quest-promo";

fn depths_delta() -> Value {
    json!({"max_players_delta": 1, "weight_delta": 0.3})
}

pub struct Double {
    fault: Option<Fault>,
    prefix: String,
    games: Vec<Value>,
    /// slug → (best_at, recommended_at)
    counts: BTreeMap<String, (Vec<i64>, Vec<i64>)>,
    mechanics: Vec<Value>,
    themes: Vec<Value>,
    categories: Vec<Value>,
}

/// Starts the double on 127.0.0.1 (ephemeral port) in its own thread; returns the base URL.
pub fn spawn(fault: Option<Fault>) -> String {
    spawn_with_prefix(fault, "")
}

pub fn spawn_with_prefix(fault: Option<Fault>, prefix: &str) -> String {
    let d = Arc::new(Double::new(fault, prefix));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            let app = axum::Router::new().fallback(move |req: Request<Body>| {
                let d = d.clone();
                async move { d.handle(req).await }
            });
            axum::serve(listener, app).await.expect("serve");
        });
    });
    let addr = rx.recv().expect("address");
    format!("http://{addr}{prefix}")
}

fn term(kind: &str, slug: &str, name: &str, n: usize) -> Value {
    // ids: a stable UUID from the kind and slug
    let h = fnv(&format!("{kind}:{slug}"));
    json!({"id": uuid_from(h), "slug": slug, "name": name, "game_count": n})
}

fn uuid_from(h: u64) -> String {
    let g = fnv(&h.to_string());
    format!(
        "{:08x}-{:04x}-7{:03x}-8{:03x}-{:012x}",
        (h >> 32) as u32,
        (h >> 16) as u16,
        h & 0xfff,
        g & 0xfff,
        (g >> 16) & 0xffff_ffff_ffff
    )
}

pub fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

struct Problem {
    status: u16,
    detail: String,
    errors: Vec<(String, String)>,
}

fn bad(field: &str, msg: &str) -> Problem {
    Problem {
        status: 400,
        detail: format!("Invalid value for '{field}': {msg}"),
        errors: vec![(field.to_owned(), msg.to_owned())],
    }
}

fn unprocessable(detail: String) -> Problem {
    Problem {
        status: 422,
        detail,
        errors: vec![],
    }
}

fn not_found(detail: String) -> Problem {
    Problem {
        status: 404,
        detail,
        errors: vec![],
    }
}

#[derive(Default, Clone, Debug)]
struct Filters {
    players: Option<i64>,
    players_min: Option<i64>,
    players_max: Option<i64>,
    best_at: Option<i64>,
    recommended_at: Option<i64>,
    weight_min: Option<f64>,
    weight_max: Option<f64>,
    year_min: Option<i64>,
    year_max: Option<i64>,
    playtime_min: Option<i64>,
    playtime_max: Option<i64>,
    community_min: Option<i64>,
    community_max: Option<i64>,
    community_source: bool,
    type_: Option<String>,
    mode: Option<String>,
    mechanics: Vec<String>,
    mechanics_all: Vec<String>,
    mechanics_not: Vec<String>,
    themes: Vec<String>,
    theme_not: Vec<String>,
    category: Vec<String>,
    effective: bool,
}

const TYPES: &[&str] = &[
    "base_game",
    "expansion",
    "standalone_expansion",
    "promo",
    "accessory",
    "fan_expansion",
];
const MODES: &[&str] = &["cooperative", "competitive", "solo", "team", "mixed"];
const SORTS: &[&str] = &[
    "name",
    "weight",
    "rating",
    "year_published",
    "community_playtime_median",
    "best_at_distance",
];

type Query = Vec<(String, String)>;

fn get<'q>(q: &'q Query, k: &str) -> Option<&'q str> {
    q.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str())
}

fn int(q: &Query, k: &str, min: i64, max: i64) -> Result<Option<i64>, Problem> {
    match get(q, k) {
        None => Ok(None),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            Ok(_) => Err(bad(k, &format!("must be within {min}..{max}"))),
            Err(_) => Err(bad(k, "must be an integer")),
        },
    }
}

fn float(q: &Query, k: &str) -> Result<Option<f64>, Problem> {
    match get(q, k) {
        None => Ok(None),
        Some(v) => match v.parse::<f64>() {
            Ok(n) if n.is_finite() && (1.0..=5.0).contains(&n) => Ok(Some(n)),
            _ => Err(bad(k, "must be a number within 1.0..5.0")),
        },
    }
}

fn csv(q: &Query, k: &str) -> Vec<String> {
    get(q, k)
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn range(errs: &mut Vec<(String, String)>, a: &str, lo: Option<f64>, hi: Option<f64>) {
    if let (Some(l), Some(h)) = (lo, hi)
        && l > h
    {
        errs.push((a.to_owned(), "must not exceed the maximum".to_owned()));
    }
}

impl Double {
    fn new(fault: Option<Fault>, prefix: &str) -> Double {
        let alpha = "01900000-0000-7000-8000-00000000000a";
        let g = |id: &str, slug: &str, name: &str, extra: Value| -> Value {
            let mut m = json!({"id": id, "slug": slug, "name": name, "sort_name": name.to_lowercase(), "status": "active"});
            for (k, v) in extra.as_object().cloned().unwrap_or_default() {
                m[k] = v;
            }
            m
        };
        let games = vec![
            g(
                alpha,
                "alpha-quest",
                "Alpha Quest",
                json!({"type": "base_game", "mode": "cooperative", "min_players": 1, "max_players": 4, "weight": 2.5, "year_published": 2019,
                "min_playtime_minutes": 60, "max_playtime_minutes": 90, "community_playtime_min_minutes": 50, "community_playtime_max_minutes": 100, "community_playtime_median_minutes": 75, "bayes_rating": 7.5, "min_age": 10,
                "mechanics": ["dice-rolling", "hand-management"], "themes": ["fantasy"], "categories": ["adventure"]}),
            ),
            g(
                "01900000-0000-7000-8000-000000000003",
                "alpha-quest-depths",
                "Alpha Quest: Depths",
                json!({"type": "expansion", "parent_game_id": alpha, "min_players": 1, "max_players": 5, "weight": 2.8, "year_published": 2020, "bayes_rating": 7.9,
                "mechanics": ["dice-rolling"], "themes": ["fantasy"], "categories": []}),
            ),
            g(
                "01900000-0000-7000-8000-000000000009",
                "alpha-quest-promo",
                "Alpha Quest Promo",
                json!({"type": "promo", "parent_game_id": alpha, "year_published": 2021, "mechanics": [], "themes": [], "categories": []}),
            ),
            g(
                "01900000-0000-7000-8000-000000000005",
                "beta-empire",
                "Beta Empire",
                json!({"type": "base_game", "mode": "competitive", "min_players": 2, "max_players": 5, "weight": 3.6, "year_published": 2016,
                "min_playtime_minutes": 120, "max_playtime_minutes": 180, "community_playtime_min_minutes": 100, "community_playtime_max_minutes": 200, "community_playtime_median_minutes": 150, "bayes_rating": 8.1, "min_age": 14,
                "mechanics": ["engine-building", "hand-management", "tile-placement"], "themes": ["space", "science-fiction"], "categories": ["economic"]}),
            ),
            g(
                "01900000-0000-7000-8000-000000000001",
                "gamma-duel",
                "Gamma Duel",
                json!({"type": "base_game", "mode": "competitive", "min_players": 2, "max_players": 2, "weight": 1.8, "year_published": 2019,
                "min_playtime_minutes": 30, "max_playtime_minutes": 30, "bayes_rating": 6.9, "mechanics": [], "themes": [], "categories": []}),
            ),
            g(
                "01900000-0000-7000-8000-000000000002",
                "delta-solo",
                "Delta Solo",
                json!({"type": "base_game", "mode": "solo", "min_players": 1, "max_players": 1, "weight": 2.5, "year_published": 2022,
                "min_playtime_minutes": 20, "max_playtime_minutes": 40, "community_playtime_min_minutes": 25, "community_playtime_max_minutes": 45, "community_playtime_median_minutes": 35,
                "mechanics": ["hand-management"], "themes": ["space"], "categories": []}),
            ),
            g(
                "01900000-0000-7000-8000-000000000007",
                "epsilon-party",
                "Epsilon, the Party",
                json!({"type": "base_game", "mode": "team", "min_players": 4, "max_players": 10, "year_published": 2010,
                "min_playtime_minutes": 15, "max_playtime_minutes": 30, "bayes_rating": 6.9, "mechanics": ["voting"], "themes": ["humor"], "categories": ["party"]}),
            ),
        ];
        let mut counts = BTreeMap::new();
        counts.insert("alpha-quest".to_owned(), (vec![2, 3], vec![1, 2, 3, 4]));
        counts.insert("beta-empire".to_owned(), (vec![3, 4], vec![2, 3, 4, 5]));
        counts.insert("gamma-duel".to_owned(), (vec![2], vec![2]));
        counts.insert("delta-solo".to_owned(), (vec![1], vec![1]));
        counts.insert(
            "epsilon-party".to_owned(),
            (vec![6, 8], vec![4, 5, 6, 7, 8]),
        );
        let count = |kind: &str, slug: &str| {
            games
                .iter()
                .filter(|g| {
                    g[kind]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|x| x == slug))
                })
                .count()
        };
        let mk = |kind: &str, list: &[(&str, &str)]| -> Vec<Value> {
            let mut v: Vec<Value> = list
                .iter()
                .map(|(s, n)| term(kind, s, n, count(kind, s)))
                .collect();
            v.sort_by(|a, b| a["slug"].as_str().cmp(&b["slug"].as_str()));
            v
        };
        let mechanics = mk(
            "mechanics",
            &[
                ("dice-rolling", "Dice Rolling"),
                ("hand-management", "Hand Management"),
                ("engine-building", "Engine Building"),
                ("tile-placement", "Tile Placement"),
                ("voting", "Voting"),
                ("worker-placement", "Worker Placement"),
            ],
        );
        let themes = mk(
            "themes",
            &[
                ("fantasy", "Fantasy"),
                ("space", "Space"),
                ("science-fiction", "Science Fiction"),
                ("humor", "Humor"),
            ],
        );
        let categories = mk(
            "categories",
            &[
                ("adventure", "Adventure"),
                ("economic", "Economic"),
                ("party", "Party"),
                ("wargame", "Wargame"),
            ],
        );
        Double {
            fault,
            prefix: prefix.to_owned(),
            games,
            counts,
            mechanics,
            themes,
            categories,
        }
    }

    fn is(&self, f: Fault) -> bool {
        self.fault == Some(f)
    }

    async fn handle(&self, req: Request<Body>) -> Response {
        let method = req.method().as_str().to_owned();
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost")
            .to_owned();
        let uri = req.uri().clone();
        let raw_path = uri.path().to_owned();
        let query: Query = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
        let instance = format!(
            "http://{host}{}",
            uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
        );
        let body = axum::body::to_bytes(req.into_body(), 1 << 20)
            .await
            .unwrap_or_default();
        if raw_path == "/openapi.json" {
            return json_response(200, crate::double::openapi::document());
        }
        let Some(path) = raw_path.strip_prefix(&self.prefix).map(str::to_owned) else {
            return self.problem(&instance, not_found("No resource at this path.".into()));
        };
        let segs: Vec<String> = path
            .trim_start_matches('/')
            .split('/')
            .map(|s| {
                url::form_urlencoded::parse(format!("x={s}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default()
            })
            .collect();
        let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
        let result = match (method.as_str(), segs.as_slice()) {
            ("GET", ["games"]) => self.list_games(&query, "/games"),
            ("POST", ["games", "search"]) => self.post_search(&body),
            ("GET", ["games", id]) => self.game(id, &query),
            ("GET", ["games", id, sub]) => self.sub(id, sub, &query),
            ("GET", ["mechanics"]) => self.vocab(&self.mechanics, &query, "/mechanics"),
            ("GET", ["categories"]) => self.vocab(&self.categories, &query, "/categories"),
            ("GET", ["themes"]) => self.vocab(&self.themes, &query, "/themes"),
            ("GET", ["designers"]) => self.vocab(&[], &query, "/designers"),
            ("GET", ["publishers"]) => self.vocab(&[], &query, "/publishers"),
            ("GET", ["designers" | "publishers", id]) => {
                Err(not_found(format!("No entry with identifier '{id}'.")))
            }
            ("GET", ["search"]) => self.search(&query),
            ("GET", ["export", "games"]) => return self.export(&query, &instance),
            _ => Err(not_found("No resource at this path.".into())),
        };
        match result {
            Ok(v) => json_response(200, v),
            Err(p)
                if p.status == 404
                    && self.is(Fault::PlainNotFound)
                    && raw_path.contains("/games/") =>
            {
                (
                    StatusCode::NOT_FOUND,
                    [(header::CONTENT_TYPE, "text/plain")],
                    "not found",
                )
                    .into_response()
            }
            Err(p)
                if p.status == 400 && p.detail.contains("cursor") && self.is(Fault::Cursor500) =>
            {
                self.problem(
                    &instance,
                    Problem {
                        status: 500,
                        detail: "cursor decode panicked".into(),
                        errors: vec![],
                    },
                )
            }
            Err(p) => self.problem(&instance, p),
        }
    }

    fn problem(&self, instance: &str, p: Problem) -> Response {
        let (kind, title) = match p.status {
            400 => ("validation-error", "Validation Error"),
            404 => ("not-found", "Not Found"),
            422 => ("unprocessable", "Unprocessable Entity"),
            _ => ("internal-error", "Internal Server Error"),
        };
        let mut body = json!({"type": format!("https://api.opentabletop.org/problems/{kind}"), "title": title, "status": p.status, "detail": p.detail, "instance": instance});
        if !p.errors.is_empty() {
            body["errors"] = p
                .errors
                .iter()
                .map(|(f, m)| json!({"field": f, "message": m, "code": "invalid"}))
                .collect();
        }
        let mut r = json_response(p.status, body);
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            "application/problem+json".parse().expect("header"),
        );
        r
    }

    fn href(&self, path: &str) -> String {
        format!("{}{path}", self.prefix)
    }

    /// A game as served (taxonomy embedded only when included).
    fn render(&self, g: &Value, include: &BTreeSet<String>) -> Value {
        let mut out = Map::new();
        for (k, v) in g.as_object().into_iter().flatten() {
            if matches!(k.as_str(), "mechanics" | "themes" | "categories") {
                if include.contains(k) {
                    let vocab = match k.as_str() {
                        "mechanics" => &self.mechanics,
                        "themes" => &self.themes,
                        _ => &self.categories,
                    };
                    let items: Vec<Value> = v
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|s| vocab.iter().find(|t| &t["slug"] == s).cloned())
                        .collect();
                    out.insert(k.clone(), Value::Array(items));
                }
                continue;
            }
            out.insert(k.clone(), v.clone());
        }
        if self.is(Fault::EmitNull) && g["type"] == "base_game" {
            out.insert("parent_game_id".into(), Value::Null);
        }
        out.insert("_links".into(), json!({"self": {"href": self.href(&format!("/games/{}", g["slug"].as_str().unwrap_or("")))}}));
        Value::Object(out)
    }

    fn find(&self, id: &str) -> Result<&Value, Problem> {
        self.games
            .iter()
            .find(|g| g["slug"] == id || g["id"] == id)
            .ok_or_else(|| not_found(format!("No game found with identifier '{id}'.")))
    }

    fn includes(q: &Query) -> BTreeSet<String> {
        csv(q, "include").into_iter().collect()
    }

    fn game(&self, id: &str, q: &Query) -> Result<Value, Problem> {
        let g = self.find(id)?;
        Ok(self.render(g, &Self::includes(q)))
    }

    fn check_slugs(&self, kind: &str, vocab: &[Value], slugs: &[String]) -> Result<(), Problem> {
        if self.is(Fault::UnknownSlugOk) {
            return Ok(());
        }
        for s in slugs {
            if !vocab.iter().any(|t| &t["slug"] == s) {
                return Err(unprocessable(format!("Unknown {kind} '{s}'.")));
            }
        }
        Ok(())
    }

    fn parse_filters(&self, q: &Query) -> Result<Filters, Problem> {
        let mut errs: Vec<(String, String)> = Vec::new();
        let mut f = Filters::default();
        macro_rules! take {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(p) => {
                        errs.extend(p.errors);
                        None
                    }
                }
            };
        }
        f.players = take!(int(q, "players", 1, 1000));
        f.players_min = take!(int(q, "players_min", 1, 1000));
        f.players_max = take!(int(q, "players_max", 1, 1000));
        f.best_at = take!(int(q, "best_at", 1, 1000)).or(take!(int(q, "top_at", 1, 1000)));
        f.recommended_at = take!(int(q, "recommended_at", 1, 1000));
        f.weight_min = take!(float(q, "weight_min"));
        f.weight_max = take!(float(q, "weight_max"));
        f.year_min = take!(int(q, "year_min", -9999, 9999));
        f.year_max = take!(int(q, "year_max", -9999, 9999));
        f.playtime_min = take!(int(q, "playtime_min", 0, 100_000));
        f.playtime_max = take!(int(q, "playtime_max", 0, 100_000));
        f.community_min = take!(int(q, "community_playtime_min", 0, 100_000));
        f.community_max = take!(int(q, "community_playtime_max", 0, 100_000));
        range(
            &mut errs,
            "players_min",
            f.players_min.map(|x| x as f64),
            f.players_max.map(|x| x as f64),
        );
        range(&mut errs, "weight_min", f.weight_min, f.weight_max);
        range(
            &mut errs,
            "year_min",
            f.year_min.map(|x| x as f64),
            f.year_max.map(|x| x as f64),
        );
        range(
            &mut errs,
            "playtime_min",
            f.playtime_min.map(|x| x as f64),
            f.playtime_max.map(|x| x as f64),
        );
        match get(q, "playtime_source") {
            None | Some("publisher") => {}
            Some("community") => f.community_source = true,
            Some(_) => errs.push((
                "playtime_source".into(),
                "must be publisher or community".into(),
            )),
        }
        if let Some(x) = get(q, "playtime_experience")
            && !["first_play", "learning", "experienced", "expert"].contains(&x)
        {
            errs.push(("playtime_experience".into(), "unknown level".into()));
        }
        match get(q, "type") {
            None => {}
            Some(t) if TYPES.contains(&t) => f.type_ = Some(t.to_owned()),
            Some(_) => errs.push(("type".into(), "unknown type".into())),
        }
        match get(q, "mode") {
            None => {}
            Some(m) if MODES.contains(&m) => f.mode = Some(m.to_owned()),
            Some(_) => errs.push(("mode".into(), "unknown mode".into())),
        }
        match get(q, "effective") {
            None | Some("false") => {}
            Some("true") => f.effective = true,
            Some(_) => errs.push(("effective".into(), "must be true or false".into())),
        }
        if !errs.is_empty() {
            let detail = format!(
                "Invalid parameters: {}",
                errs.iter()
                    .map(|(f, _)| f.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            return Err(Problem {
                status: 400,
                detail,
                errors: errs,
            });
        }
        f.mechanics = csv(q, "mechanics");
        f.mechanics_all = csv(q, "mechanics_all");
        f.mechanics_not = csv(q, "mechanics_not");
        f.themes = csv(q, "themes");
        f.theme_not = csv(q, "theme_not");
        f.category = csv(q, "category");
        for k in ["mechanics", "mechanics_all", "mechanics_not"] {
            self.check_slugs("mechanic", &self.mechanics, &csv(q, k))?;
        }
        self.check_slugs("theme", &self.themes, &f.themes)?;
        self.check_slugs("theme", &self.themes, &f.theme_not)?;
        self.check_slugs("category", &self.categories, &f.category)?;
        for k in ["designer", "publisher", "family"] {
            if let Some(v) = get(q, k) {
                return Err(unprocessable(format!("Unknown {k} '{v}'.")));
            }
        }
        if self.is(Fault::IgnorePlayersFilter) {
            f.players = None;
        }
        Ok(f)
    }

    fn matches(&self, g: &Value, f: &Filters) -> bool {
        let i = |k: &str| g[k].as_i64();
        let has = |kind: &str, s: &String| {
            g[kind]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x == s.as_str()))
        };
        let lists = self.counts.get(g["slug"].as_str().unwrap_or(""));
        let ok_int = |v: Option<i64>, want: Option<i64>, cmp: fn(i64, i64) -> bool| {
            want.is_none_or(|w| v.is_some_and(|x| cmp(x, w)))
        };
        let (pmin_field, pmax_field) = if f.community_source {
            (
                "community_playtime_min_minutes",
                "community_playtime_max_minutes",
            )
        } else {
            ("min_playtime_minutes", "max_playtime_minutes")
        };
        f.players.is_none_or(|n| matches!((i("min_players"), i("max_players")), (Some(a), Some(b)) if a <= n && n <= b))
            && ok_int(i("min_players"), f.players_min, |x, w| x <= w)
            && ok_int(i("max_players"), f.players_max, |x, w| x >= w)
            && f.best_at.is_none_or(|n| lists.is_some_and(|l| l.0.contains(&n)))
            && f.recommended_at.is_none_or(|n| lists.is_some_and(|l| l.1.contains(&n)))
            && f.weight_min.is_none_or(|w| g["weight"].as_f64().is_some_and(|x| x >= w))
            && f.weight_max.is_none_or(|w| g["weight"].as_f64().is_some_and(|x| x <= w))
            && ok_int(i("year_published"), f.year_min, |x, w| x >= w)
            && ok_int(i("year_published"), f.year_max, |x, w| x <= w)
            && ok_int(i(pmin_field), f.playtime_min, |x, w| x >= w)
            && ok_int(i(pmax_field), f.playtime_max, |x, w| x <= w)
            && ok_int(i("community_playtime_min_minutes"), f.community_min, |x, w| x >= w)
            && ok_int(i("community_playtime_max_minutes"), f.community_max, |x, w| x <= w)
            && f.type_.as_ref().is_none_or(|t| g["type"] == t.as_str())
            && f.mode.as_ref().is_none_or(|m| g["mode"] == m.as_str())
            && (f.mechanics.is_empty() || f.mechanics.iter().any(|m| has("mechanics", m)))
            && f.mechanics_all.iter().all(|m| has("mechanics", m))
            && !f.mechanics_not.iter().any(|m| has("mechanics", m))
            && (f.themes.is_empty() || f.themes.iter().any(|m| has("themes", m)))
            && !f.theme_not.iter().any(|m| has("themes", m))
            && (f.category.is_empty() || f.category.iter().any(|m| has("categories", m)))
    }

    fn filtered(&self, f: &Filters) -> Vec<&Value> {
        self.games
            .iter()
            .filter(|g| self.matches(g, f) || self.matched_via(g, f).is_some())
            .collect()
    }

    /// The base game with an expansion's deltas applied (D8 computed tier).
    fn with_depths(&self, g: &Value) -> Option<Value> {
        let d = self.games.iter().find(|x| x["slug"] == DEPTHS)?;
        if d["parent_game_id"] != g["id"] {
            return None;
        }
        let mut e = g.clone();
        e["max_players"] = json!(g["max_players"].as_i64()? + 1);
        e["weight"] = json!(((g["weight"].as_f64()? + 0.3) * 100.0).round() / 100.0);
        Some(e)
    }

    /// Under effective=true, a base game that matches only through its expansion.
    fn matched_via(&self, g: &Value, f: &Filters) -> Option<Value> {
        if !f.effective || self.is(Fault::EffectiveIgnored) || self.matches(g, f) {
            return None;
        }
        let e = self.with_depths(g)?;
        if !self.matches(&e, f) {
            return None;
        }
        let d = self.games.iter().find(|x| x["slug"] == DEPTHS)?;
        Some(
            json!({"type": "delta_sum", "expansions": [{"slug": DEPTHS, "name": d["name"]}], "resolution_tier": 2,
                    "effective_properties": {"min_players": e["min_players"], "max_players": e["max_players"], "weight": e["weight"]}}),
        )
    }

    fn summary(f: &Filters) -> Value {
        let mut m = Map::new();
        if f.players.is_some()
            || f.players_min.is_some()
            || f.players_max.is_some()
            || f.best_at.is_some()
            || f.recommended_at.is_some()
        {
            m.insert("players".into(), json!("player count filter"));
        }
        if f.weight_min.is_some() || f.weight_max.is_some() {
            m.insert("weight".into(), json!("weight filter"));
        }
        if f.year_min.is_some() || f.year_max.is_some() {
            m.insert("year".into(), json!("year filter"));
        }
        if f.playtime_min.is_some()
            || f.playtime_max.is_some()
            || f.community_min.is_some()
            || f.community_max.is_some()
        {
            m.insert("playtime".into(), json!("playtime filter"));
        }
        if let Some(t) = &f.type_ {
            m.insert("type".into(), json!(format!("Type {t}")));
        }
        if let Some(t) = &f.mode {
            m.insert("mode".into(), json!(format!("Mode {t}")));
        }
        if !(f.mechanics.is_empty() && f.mechanics_all.is_empty() && f.mechanics_not.is_empty()) {
            m.insert("mechanics".into(), json!("mechanics filter"));
        }
        if !(f.themes.is_empty() && f.theme_not.is_empty()) {
            m.insert("themes".into(), json!("themes filter"));
        }
        if !f.category.is_empty() {
            m.insert("category".into(), json!("category filter"));
        }
        if f.effective {
            m.insert("effective".into(), json!("Effective properties"));
        }
        Value::Object(m)
    }

    fn sorted<'g>(
        &self,
        mut items: Vec<&'g Value>,
        sort: &str,
        desc: bool,
        from: Option<i64>,
    ) -> Vec<&'g Value> {
        let key = |g: &Value| -> Option<(f64, String)> {
            match sort {
                "name" => g["sort_name"].as_str().map(|s| (0.0, s.to_owned())),
                "weight" => g["weight"].as_f64().map(|x| (x, String::new())),
                "rating" => g["bayes_rating"].as_f64().map(|x| (x, String::new())),
                "year_published" => g["year_published"].as_f64().map(|x| (x, String::new())),
                "community_playtime_median" => g["community_playtime_median_minutes"]
                    .as_f64()
                    .map(|x| (x, String::new())),
                _ => {
                    let n = from.unwrap_or(1);
                    let l = self.counts.get(g["slug"].as_str().unwrap_or(""))?;
                    l.0.iter()
                        .map(|b| (b - n).abs())
                        .min()
                        .map(|d| (d as f64, String::new()))
                }
            }
        };
        let nulls_first = self.is(Fault::NullsFirstDesc);
        items.sort_by(|a, b| {
            let (ka, kb) = (key(a), key(b));
            let (ia, ib) = (
                a["id"].as_str().unwrap_or(""),
                b["id"].as_str().unwrap_or(""),
            );
            let by_id = if desc { ib.cmp(ia) } else { ia.cmp(ib) };
            match (ka, kb) {
                (Some(x), Some(y)) => {
                    let o = x.0.total_cmp(&y.0).then_with(|| x.1.cmp(&y.1));
                    (if desc { o.reverse() } else { o }).then(by_id)
                }
                (Some(_), None) if desc && nulls_first => std::cmp::Ordering::Greater,
                (None, Some(_)) if desc && nulls_first => std::cmp::Ordering::Less,
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => by_id,
            }
        });
        items
    }

    /// Cursors: "offset.queryhash.signature".
    fn cursor(&self, offset: usize, qhash: u64) -> String {
        let payload = format!("{offset}.{qhash:x}");
        format!("{payload}.{:x}", fnv(&format!("secret:{payload}")))
    }

    fn decode(&self, c: &str, qhash: u64) -> Result<usize, Problem> {
        let parts: Vec<&str> = c.split('.').collect();
        let err = || bad("cursor", "invalid cursor");
        if parts.len() != 3
            || fnv(&format!("secret:{}.{}", parts[0], parts[1]))
                != u64::from_str_radix(parts[2], 16).map_err(|_| err())?
        {
            return Err(err());
        }
        if u64::from_str_radix(parts[1], 16).ok() != Some(qhash)
            && !self.is(Fault::CursorIgnoresQuery)
        {
            return Err(bad("cursor", "the cursor belongs to another query"));
        }
        parts[0].parse().map_err(|_| err())
    }

    fn limit(q: &Query) -> Result<usize, Problem> {
        Ok(int(q, "limit", 1, 100)?.unwrap_or(25) as usize)
    }

    /// One page of `items` plus the envelope.
    fn page(
        &self,
        items: Vec<Value>,
        q: &Query,
        path: &str,
        qhash: u64,
        extra_meta: Map<String, Value>,
        total_bias: usize,
    ) -> Result<Value, Problem> {
        let limit = Self::limit(q)?;
        let offset = match get(q, "cursor") {
            Some(c) => self.decode(c, qhash)?,
            None => 0,
        };
        let total = items.len();
        let page: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
        let end = offset + page.len();
        let has_more = end < total;
        let mut meta = json!({"total": total + total_bias, "limit": limit, "has_more": has_more});
        let base: Query = q.iter().filter(|(k, _)| k != "cursor").cloned().collect();
        let link = |c: &str| {
            let mut qq = base.clone();
            qq.push(("cursor".into(), c.to_owned()));
            let enc = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(qq.iter())
                .finish();
            json!({"href": self.href(&format!("{path}?{enc}"))})
        };
        let mut links = json!({"self": {"href": self.href(path)}});
        if has_more {
            let skip = usize::from(self.is(Fault::DropBetweenPages));
            let c = self.cursor(end + skip, qhash);
            meta["next_cursor"] = json!(c);
            links["next"] = link(&c);
        }
        if offset > 0 {
            let c = self.cursor(offset.saturating_sub(limit), qhash);
            meta["prev_cursor"] = json!(c);
            links["prev"] = link(&c);
        }
        for (k, v) in extra_meta {
            meta[k] = v;
        }
        Ok(json!({"data": page, "meta": meta, "_links": links}))
    }

    fn qhash(path: &str, q: &Query) -> u64 {
        let mut parts: Vec<String> = q
            .iter()
            .filter(|(k, _)| k != "cursor" && k != "limit")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        parts.sort();
        fnv(&format!("{path}?{}", parts.join("&")))
    }

    fn list_games(&self, q: &Query, path: &str) -> Result<Value, Problem> {
        let f = self.parse_filters(q)?;
        let sort = get(q, "sort").unwrap_or("name");
        if !SORTS.contains(&sort) {
            return Err(bad("sort", "unknown sort key"));
        }
        let desc = match get(q, "order").unwrap_or("asc") {
            "asc" => false,
            "desc" => true,
            _ => return Err(bad("order", "must be asc or desc")),
        };
        if sort == "best_at_distance" && f.players.is_none() && f.best_at.is_none() {
            return Err(bad("sort", "best_at_distance needs players or best_at"));
        }
        Self::limit(q)?;
        let include = Self::includes(q);
        let items = self.sorted(self.filtered(&f), sort, desc, f.best_at.or(f.players));
        let rendered: Vec<Value> = items
            .iter()
            .map(|g| {
                let mut r = self.render(g, &include);
                if let Some(m) = self.matched_via(g, &f) {
                    r["matched_via"] = m;
                }
                r
            })
            .collect();
        let mut extra = Map::new();
        extra.insert("filter_summary".into(), json!({"filters_applied": Self::summary(&f), "total_matching": rendered.len(), "total_unfiltered": self.games.len()}));
        let bias = usize::from(self.is(Fault::WrongTotal));
        let mut canon: Query = q.clone();
        canon.retain(|(k, _)| k != "sort" && k != "order");
        canon.push(("sort".into(), sort.into()));
        canon.push(("order".into(), if desc { "desc" } else { "asc" }.into()));
        let mut v = self.page(rendered, q, path, Self::qhash(path, &canon), extra, bias)?;
        if bias == 1 {
            v["meta"]["filter_summary"]["total_matching"] = v["meta"]["total"].clone();
        }
        Ok(v)
    }

    fn post_search(&self, body: &[u8]) -> Result<Value, Problem> {
        let b: Value =
            serde_json::from_slice(body).map_err(|_| bad("body", "not a JSON object"))?;
        if !b.is_object() {
            return Err(bad("body", "not a JSON object"));
        }
        let mut q: Query = Vec::new();
        let mut errs = Vec::new();
        let mut push = |k: &str, v: &Value, field: &str, errs: &mut Vec<(String, String)>| match v {
            Value::Null => {}
            Value::String(s) => q.push((k.into(), s.clone())),
            Value::Number(n) => q.push((k.into(), n.to_string())),
            Value::Bool(x) => q.push((k.into(), x.to_string())),
            Value::Array(a) if a.iter().all(Value::is_string) => {
                q.push((
                    k.into(),
                    a.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(","),
                ));
            }
            _ => errs.push((field.to_owned(), "wrong type".to_owned())),
        };
        let fl = &b["filters"];
        if !(fl.is_null() || fl.is_object()) {
            return Err(bad("filters", "must be an object"));
        }
        for k in [
            "players",
            "playtime",
            "weight",
            "mechanics",
            "theme",
            "year",
        ] {
            if fl.get(k).is_some_and(|v| !v.is_object()) {
                return Err(bad(&format!("filters.{k}"), "must be an object"));
            }
        }
        let map: &[(&str, &str)] = &[
            ("/players/exact", "players"),
            ("/players/min", "players_min"),
            ("/players/max", "players_max"),
            ("/players/best_at", "best_at"),
            ("/players/recommended_at", "recommended_at"),
            ("/weight/min", "weight_min"),
            ("/weight/max", "weight_max"),
            ("/year/min", "year_min"),
            ("/year/max", "year_max"),
            ("/playtime/min", "playtime_min"),
            ("/playtime/max", "playtime_max"),
            ("/playtime/source", "playtime_source"),
            ("/type", "type"),
            ("/mode", "mode"),
            ("/mechanics/any", "mechanics"),
            ("/mechanics/all", "mechanics_all"),
            ("/mechanics/not", "mechanics_not"),
            ("/theme/include", "themes"),
            ("/theme/not", "theme_not"),
            ("/category", "category"),
            ("/designer", "designer"),
            ("/effective", "effective"),
        ];
        for (ptr, param) in map {
            if let Some(v) = fl.pointer(ptr) {
                push(
                    param,
                    v,
                    &format!("filters{}", ptr.replace('/', ".")),
                    &mut errs,
                );
            }
        }
        for k in ["sort", "order", "limit", "cursor"] {
            if let Some(v) = b.get(k) {
                push(k, v, k, &mut errs);
            }
        }
        if !q.iter().any(|(k, _)| k == "sort") {
            q.push(("sort".into(), "rating".into()));
        }
        if !q.iter().any(|(k, _)| k == "order") {
            q.push(("order".into(), "desc".into()));
        }
        if !errs.is_empty() {
            return Err(Problem {
                status: 400,
                detail: "Invalid body".into(),
                errors: errs,
            });
        }
        // body field names for errors: map query names back to dot paths
        self.list_games(&q, "/games/search").map_err(|mut p| {
            for e in &mut p.errors {
                if let Some((ptr, _)) = map.iter().find(|(_, param)| *param == e.0) {
                    e.0 = format!("filters{}", ptr.replace('/', "."));
                }
            }
            p
        })
    }

    fn sub(&self, id: &str, sub: &str, q: &Query) -> Result<Value, Problem> {
        let g = self.find(id)?;
        let gid = g["id"].as_str().unwrap_or("").to_owned();
        let slug = g["slug"].as_str().unwrap_or("").to_owned();
        match sub {
            "expansions" => {
                let kinds = ["expansion", "promo", "standalone_expansion"];
                let t = get(q, "type");
                if t.is_some_and(|t| !kinds.contains(&t)) {
                    return Err(bad("type", "unknown expansion type"));
                }
                let items: Vec<Value> = self
                    .games
                    .iter()
                    .filter(|x| {
                        x["parent_game_id"] == gid.as_str() && t.is_none_or(|t| x["type"] == t)
                    })
                    .map(|x| self.render(x, &BTreeSet::new()))
                    .collect();
                let path = format!("/games/{id}/expansions");
                self.page(items, q, &path, Self::qhash(&path, q), Map::new(), 0)
            }
            "effective-properties" => {
                let (best, rec) = self.counts.get(&slug).cloned().unwrap_or_default();
                let mut base = Map::new();
                for k in [
                    "min_players",
                    "max_players",
                    "min_playtime_minutes",
                    "max_playtime_minutes",
                    "weight",
                    "min_age",
                ] {
                    if let Some(v) = g.get(k) {
                        base.insert(k.into(), v.clone());
                    }
                }
                base.insert("best_at".into(), json!(best));
                base.insert("recommended_at".into(), json!(rec));
                for w in csv(q, "with") {
                    let e = self
                        .games
                        .iter()
                        .find(|x| x["slug"] == w.as_str() || x["id"] == w.as_str());
                    match e {
                        None => {
                            return Err(not_found(format!(
                                "Expansion '{w}' not found for game '{slug}'."
                            )));
                        }
                        Some(e) if e["parent_game_id"] != gid.as_str() => {
                            return Err(unprocessable(format!(
                                "'{w}' is not an expansion of '{slug}'."
                            )));
                        }
                        Some(_) => {}
                    }
                }
                let requested = csv(q, "with");
                let mut effective = base.clone();
                let mut source = "base_only";
                let mut applied: Vec<String> = Vec::new();
                let mut effects = Map::new();
                if requested.iter().any(|w| {
                    self.games.iter().any(|x| {
                        x["slug"] == DEPTHS && (x["slug"] == w.as_str() || x["id"] == w.as_str())
                    })
                }) && let Some(e) = self.with_depths(g)
                {
                    effective.insert("max_players".into(), e["max_players"].clone());
                    effective.insert("weight".into(), e["weight"].clone());
                    source = "computed";
                    applied.push(DEPTHS.to_owned());
                    effects.insert(DEPTHS.into(), depths_delta());
                }
                // the one curated combination: exactly {Depths, Promo} (order irrelevant)
                let set: BTreeSet<String> = requested
                    .iter()
                    .filter_map(|w| {
                        self.games
                            .iter()
                            .find(|x| x["slug"] == w.as_str() || x["id"] == w.as_str())
                    })
                    .filter_map(|x| x["slug"].as_str().map(str::to_owned))
                    .collect();
                let curated: BTreeSet<String> = [DEPTHS, PROMO].map(String::from).into();
                if set == curated {
                    effective.insert("max_players".into(), json!(6));
                    effective.insert("weight".into(), json!(3.0));
                    source = "explicit";
                    applied = if self.is(Fault::ExplicitPartial) {
                        vec![DEPTHS.to_owned()]
                    } else {
                        curated.into_iter().collect()
                    };
                    effects.clear();
                }
                if self.is(Fault::EffectiveDrift)
                    && source == "base_only"
                    && let Some(m) = effective.get("max_players").and_then(Value::as_i64)
                {
                    effective.insert("max_players".into(), json!(m + 1));
                }
                let mut out = json!({"base": base, "effective": effective, "applied_expansions": applied, "combination_source": source, "edition_source": "none"});
                if !effects.is_empty() {
                    out["individual_effects"] = Value::Object(effects);
                }
                Ok(out)
            }
            "editions" => Ok(json!({"game_id": gid, "editions": []})),
            "relationships" => Ok(
                json!({"data": [], "_links": {"self": {"href": self.href(&format!("/games/{slug}/relationships"))}}}),
            ),
            "experience-playtime" => Ok(
                json!({"game_id": gid, "levels": [], "sufficient_data": false, "total_reports": 0}),
            ),
            _ => Err(not_found("No resource at this path.".into())),
        }
    }

    fn vocab(&self, items: &[Value], q: &Query, path: &str) -> Result<Value, Problem> {
        Self::limit(q)?;
        self.page(
            items.to_vec(),
            q,
            path,
            Self::qhash(path, &Vec::new()),
            Map::new(),
            0,
        )
    }

    fn search(&self, q: &Query) -> Result<Value, Problem> {
        let text = get(q, "q").unwrap_or("").to_lowercase();
        if text.chars().count() < 2 {
            return Err(bad("q", "must be at least 2 characters"));
        }
        let types = csv(q, "type");
        if let Some(t) = types.iter().find(|t| {
            !["game", "designer", "publisher", "mechanic", "category"].contains(&t.as_str())
        }) {
            return Err(bad("type", &format!("unknown result type {t}")));
        }
        let want = |t: &str| types.is_empty() || types.iter().any(|x| x == t);
        let mut hits: Vec<(f64, String, Value)> = Vec::new();
        if want("game") {
            for g in &self.games {
                let name = g["name"].as_str().unwrap_or("").to_lowercase();
                if name.contains(&text) {
                    let score = if name == text {
                        1.0
                    } else {
                        0.5 + 0.5 * text.len() as f64 / name.len() as f64
                    };
                    hits.push((score, g["id"].as_str().unwrap_or("").into(), json!({"result_type": "game", "score": score, "game": self.render(g, &BTreeSet::new())})));
                }
            }
        }
        if want("mechanic") {
            for m in &self.mechanics {
                if m["name"]
                    .as_str()
                    .unwrap_or("")
                    .to_lowercase()
                    .contains(&text)
                {
                    hits.push((
                        0.4,
                        m["id"].as_str().unwrap_or("").into(),
                        json!({"result_type": "mechanic", "score": 0.4, "mechanic": m}),
                    ));
                }
            }
        }
        hits.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        if self.is(Fault::SearchScoresAscending) {
            hits.reverse();
        }
        let items: Vec<Value> = hits.into_iter().map(|h| h.2).collect();
        self.page(
            items,
            q,
            "/search",
            Self::qhash("/search", q),
            Map::new(),
            0,
        )
    }

    fn export(&self, q: &Query, instance: &str) -> Response {
        let fmt = get(q, "format").unwrap_or("jsonl");
        if fmt != "jsonl" && fmt != "csv" {
            return self.problem(instance, bad("format", "must be jsonl or csv"));
        }
        let f = match self.parse_filters(q) {
            Ok(f) => f,
            Err(p) => return self.problem(instance, p),
        };
        let mut games = self.sorted(self.filtered(&f), "name", false, None);
        if self.is(Fault::ExportDropsRow) {
            games.pop();
        }
        let mut body = String::new();
        if fmt == "jsonl" {
            let manifest = json!({"format": "jsonl", "row_count": games.len(), "schema_version": "0.1.0", "generated_at": "2026-01-01T00:00:00Z", "filters_applied": Self::summary(&f)});
            body.push_str(&manifest.to_string());
            body.push('\n');
            for g in &games {
                body.push_str(&self.render(g, &BTreeSet::new()).to_string());
                body.push('\n');
            }
        } else {
            let cols = [
                "id",
                "slug",
                "name",
                "type",
                "year_published",
                "min_players",
                "max_players",
                "weight",
            ];
            body.push_str(&cols.join(","));
            body.push('\n');
            for g in &games {
                let row: Vec<String> = cols
                    .iter()
                    .map(|c| match &g[*c] {
                        Value::String(s) if s.contains([',', '"']) => {
                            format!("\"{}\"", s.replace('"', "\"\""))
                        }
                        Value::String(s) => s.clone(),
                        Value::Null => String::new(),
                        v => v.to_string(),
                    })
                    .collect();
                body.push_str(&row.join(","));
                body.push('\n');
            }
        }
        let ct = if fmt == "jsonl" {
            "application/jsonl"
        } else {
            "text/csv"
        };
        Response::builder()
            .status(200)
            .header(header::CONTENT_TYPE, ct)
            .header("X-Export-Format", fmt)
            .header("X-Export-Row-Count", games.len().to_string())
            .header("X-Export-Schema-Version", "0.1.0")
            .header("X-Export-Generated-At", "2026-01-01T00:00:00Z")
            .header(
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"games.{fmt}\""),
            )
            .body(Body::from(body))
            .expect("response")
    }
}

fn json_response(status: u16, v: Value) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(v.to_string()))
        .expect("response")
}

pub mod openapi;
