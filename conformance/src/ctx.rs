//! The check runner: requests with observation (schema, nulls, media types), one
//! record per requirement, the data discovered from the server's own answers.

use std::cell::{OnceCell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::time::Instant;

use serde_json::Value;

use crate::client::{Client, Query, Response};
use crate::registry::{Level, requirement};
use crate::report::{Status, TestRecord};
use crate::spec::{Spec, Validation};

/// Why a check did not pass.
#[derive(Debug)]
pub enum Finding {
    Fail {
        message: String,
        curl: Option<String>,
    },
    Skip(String),
}

/// A check's result: `Ok(note)` is a pass.
pub type Outcome = Result<String, Finding>;

impl Finding {
    pub fn fail(message: impl Into<String>) -> Finding {
        Finding::Fail {
            message: message.into(),
            curl: None,
        }
    }
    /// A failure shown by `resp`.
    pub fn at(resp: &Response, message: impl Into<String>) -> Finding {
        Finding::Fail {
            message: message.into(),
            curl: Some(resp.curl()),
        }
    }
    pub fn skip(reason: impl Into<String>) -> Finding {
        Finding::Skip(reason.into())
    }
}

/// A small deterministic generator (splitmix64) for `--seed`.
pub struct Rng(u64, u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed, seed)
    }
    /// The seed it started from.
    pub fn seed(&self) -> u64 {
        self.1
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// An index below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            Some(&items[self.below(items.len())])
        }
    }
}

/// Problems seen in responses, reported by the `core` and `errors` finalisers.
#[derive(Default)]
pub struct Observed {
    pub responses: usize,
    pub validated: usize,
    pub schema_violations: Vec<(String, String)>,
    pub undocumented: Vec<(String, String)>,
    pub nulls: Vec<(String, String)>,
    pub media: Vec<(String, String)>,
    /// Every error response (status ≥ 400): (status, json body, media type, url, curl).
    pub errors: Vec<ErrorSeen>,
}

pub struct ErrorSeen {
    pub status: u16,
    pub body: Option<Value>,
    pub media: String,
    pub url: String,
    pub curl: String,
}

/// A traversal of a paginated list.
pub struct Walk {
    pub pages: Vec<Response>,
    pub items: Vec<Value>,
    /// Stopped because of the item cap (not because the list ended).
    pub truncated: bool,
    /// A cursor came back twice.
    pub looped: bool,
}

/// Data discovered from the server: the games (with taxonomy embedded).
pub struct Catalog {
    pub games: Vec<Value>,
    pub total: u64,
    /// All `total` games were fetched.
    pub complete: bool,
}

pub struct Ctx<'a> {
    pub client: &'a Client,
    pub spec: &'a Spec,
    pub rng: RefCell<Rng>,
    pub max_items: usize,
    pub observed: RefCell<Observed>,
    pub records: RefCell<Vec<TestRecord>>,
    catalog: OnceCell<Result<Rc<Catalog>, String>>,
    current: RefCell<String>,
}

impl<'a> Ctx<'a> {
    pub fn new(client: &'a Client, spec: &'a Spec, seed: u64, max_items: usize) -> Ctx<'a> {
        Ctx {
            client,
            spec,
            rng: RefCell::new(Rng::new(seed)),
            max_items,
            observed: RefCell::new(Observed::default()),
            records: RefCell::new(Vec::new()),
            catalog: OnceCell::new(),
            current: RefCell::new(String::new()),
        }
    }

    /// Runs one requirement's check and records its verdict.
    pub fn run(&self, id: &str, check: impl FnOnce(&Ctx<'a>) -> Outcome) {
        *self.current.borrow_mut() = id.to_owned();
        let start = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| check(self))).unwrap_or_else(|_| {
            Err(Finding::fail(
                "the check itself panicked (a suite bug); see stderr",
            ))
        });
        self.record(id, result, start.elapsed().as_millis() as u64);
    }

    pub fn record(&self, id: &str, result: Outcome, duration_ms: u64) {
        let req = requirement(id);
        let (status, message, curl) = match result {
            Ok(note) => (Status::Pass, note, None),
            Err(Finding::Fail { message, curl }) => (Status::Fail, message, curl),
            Err(Finding::Skip(reason)) => (Status::Skip, reason, None),
        };
        self.records.borrow_mut().push(TestRecord {
            id: id.to_owned(),
            class: req
                .map(|r| r.class().to_owned())
                .unwrap_or_else(|| id.split('/').next().unwrap_or("").to_owned()),
            level: req.map(|r| r.level).unwrap_or(Level::Must),
            status,
            citation: req.map(|r| r.citation.to_owned()).unwrap_or_default(),
            title: req.map(|r| r.title.to_owned()).unwrap_or_default(),
            message,
            curl,
            duration_ms,
        });
    }

    /// Pushes a fully formed record (the fuzz class's per-finding records).
    pub fn push_record(&self, r: TestRecord) {
        self.records.borrow_mut().push(r);
    }

    // ---- requests -------------------------------------------------------

    /// GET `path` (a concrete path) for the operation `op` (its template).
    pub fn get(&self, op: &str, path: &str, query: &Query) -> Result<Response, Finding> {
        let r = self.client.get(path, query).map_err(|e| Finding::Fail {
            message: format!("request failed: {e}"),
            curl: Some(
                crate::client::Request {
                    method: "GET".into(),
                    url: self.client.url(path, query),
                    body: None,
                    api_key: self.client.api_key().is_some(),
                }
                .curl(),
            ),
        })?;
        self.observe("get", op, &r);
        Ok(r)
    }

    /// GET an absolute URL taken from a response (`_links`).
    pub fn get_url(&self, op: &str, url: &str) -> Result<Response, Finding> {
        let r = self
            .client
            .get_url(url)
            .map_err(|e| Finding::fail(format!("request failed: {e}")))?;
        self.observe("get", op, &r);
        Ok(r)
    }

    pub fn post(&self, op: &str, path: &str, body: &Value) -> Result<Response, Finding> {
        let r = self
            .client
            .post_json(path, body)
            .map_err(|e| Finding::fail(format!("request failed: {e}")))?;
        self.observe("post", op, &r);
        Ok(r)
    }

    pub fn post_raw(&self, op: &str, path: &str, body: &str) -> Result<Response, Finding> {
        let r = self
            .client
            .post_raw(path, body)
            .map_err(|e| Finding::fail(format!("request failed: {e}")))?;
        self.observe("post", op, &r);
        Ok(r)
    }

    fn observe(&self, method: &str, op: &str, r: &Response) {
        let mut o = self.observed.borrow_mut();
        o.responses += 1;
        let media = r.media_type();
        let label = format!("{} {op} → {}", method.to_uppercase(), r.status);
        if r.status >= 400 {
            o.errors.push(ErrorSeen {
                status: r.status,
                body: r.json.clone(),
                media: media.clone(),
                url: r.request.url.clone(),
                curl: r.curl(),
            });
        }
        let is_export = op.starts_with("/export/");
        if (200..300).contains(&r.status) && !is_export && media != "application/json" {
            o.media.push((
                r.curl(),
                format!(
                    "{label}: Content-Type {:?}",
                    r.header("content-type").unwrap_or("")
                ),
            ));
        }
        if let Some(j) = &r.json {
            let mut paths = Vec::new();
            find_nulls(j, String::new(), &mut paths);
            if !paths.is_empty() {
                o.nulls
                    .push((r.curl(), format!("{label}: null at {}", paths.join(", "))));
            }
        }
        if !self.spec.documents_status(method, op, r.status) && self.spec.has_operation(method, op)
        {
            o.undocumented.push((
                r.curl(),
                format!(
                    "{label}: documented statuses are {:?}",
                    self.spec.statuses(method, op)
                ),
            ));
        }
        if let Some(j) = &r.json {
            match self.spec.validate_response(method, op, r.status, &media, j) {
                Validation::Invalid(errs) => {
                    o.validated += 1;
                    o.schema_violations
                        .push((r.curl(), format!("{label}: {}", errs.join("; "))));
                }
                Validation::Valid => o.validated += 1,
                _ => {}
            }
        } else if (200..300).contains(&r.status) && !is_export && !r.body.is_empty() {
            o.schema_violations
                .push((r.curl(), format!("{label}: the body is not JSON")));
        }
    }

    // ---- traversal ------------------------------------------------------

    /// Follows `next_cursor` from `query` until the end (or the item cap).
    pub fn walk_get(
        &self,
        op: &str,
        path: &str,
        query: &Query,
        cap: usize,
    ) -> Result<Walk, Finding> {
        let mut walk = Walk {
            pages: Vec::new(),
            items: Vec::new(),
            truncated: false,
            looped: false,
        };
        let mut cursor: Option<String> = None;
        let mut seen = std::collections::HashSet::new();
        loop {
            let mut qq: Query = query
                .iter()
                .filter(|(k, _)| k != "cursor")
                .cloned()
                .collect();
            if let Some(c) = &cursor {
                qq.push(("cursor".into(), c.clone()));
            }
            let r = self.get(op, path, &qq)?;
            let next = self.page_items(&r, &mut walk.items)?;
            walk.pages.push(r);
            match next {
                None => break,
                Some(c) => {
                    if !seen.insert(c.clone()) {
                        walk.looped = true;
                        break;
                    }
                    if walk.items.len() >= cap {
                        walk.truncated = true;
                        break;
                    }
                    cursor = Some(c);
                }
            }
        }
        Ok(walk)
    }

    /// The same for POST /games/search (the cursor goes in the body).
    pub fn walk_post(&self, body: &Value, cap: usize) -> Result<Walk, Finding> {
        let mut walk = Walk {
            pages: Vec::new(),
            items: Vec::new(),
            truncated: false,
            looped: false,
        };
        let mut b = body.clone();
        let mut seen = std::collections::HashSet::new();
        loop {
            let r = self.post("/games/search", "/games/search", &b)?;
            let next = self.page_items(&r, &mut walk.items)?;
            walk.pages.push(r);
            match next {
                None => break,
                Some(c) => {
                    if !seen.insert(c.clone()) {
                        walk.looped = true;
                        break;
                    }
                    if walk.items.len() >= cap {
                        walk.truncated = true;
                        break;
                    }
                    b["cursor"] = Value::String(c);
                }
            }
        }
        Ok(walk)
    }

    /// Appends a page's items; returns the next cursor when `has_more`.
    fn page_items(&self, r: &Response, items: &mut Vec<Value>) -> Result<Option<String>, Finding> {
        if r.status != 200 {
            return Err(Finding::at(
                r,
                format!("expected 200, got {}: {}", r.status, excerpt(&r.body)),
            ));
        }
        let data = r
            .j()
            .get("data")
            .and_then(Value::as_array)
            .ok_or_else(|| Finding::at(r, "the body has no data array"))?;
        items.extend(data.iter().cloned());
        let has_more = r
            .j()
            .pointer("/meta/has_more")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let next = r.j().pointer("/meta/next_cursor").and_then(Value::as_str);
        Ok(if has_more {
            next.map(str::to_owned)
        } else {
            None
        })
    }

    // ---- discovered data ------------------------------------------------

    /// Every game (up to the cap), sorted by name, with mechanics, themes and categories embedded.
    pub fn catalog(&self) -> Result<Rc<Catalog>, Finding> {
        let c = self.catalog.get_or_init(|| {
            let query =
                crate::client::q(&[("limit", "100"), ("include", "mechanics,themes,categories")]);
            match self.walk_get("/games", "/games", &query, self.max_items) {
                Ok(w) => {
                    let total = w
                        .pages
                        .first()
                        .and_then(|p| p.j().pointer("/meta/total"))
                        .and_then(Value::as_u64)
                        .unwrap_or(w.items.len() as u64);
                    Ok(Rc::new(Catalog {
                        complete: !w.truncated && !w.looped && w.items.len() as u64 == total,
                        games: w.items,
                        total,
                    }))
                }
                Err(Finding::Fail { message, curl }) => Err(format!(
                    "cannot list the games: {message}{}",
                    curl.map(|c| format!("\n  ({c})")).unwrap_or_default()
                )),
                Err(Finding::Skip(s)) => Err(s),
            }
        });
        match c {
            Ok(c) => Ok(c.clone()),
            Err(e) => Err(Finding::fail(e.clone())),
        }
    }

    /// The catalog, or a skip when the server holds no games.
    pub fn games(&self) -> Result<Rc<Catalog>, Finding> {
        let c = self.catalog()?;
        if c.games.is_empty() {
            return Err(Finding::skip("the server lists no games to test with"));
        }
        Ok(c)
    }

    /// The catalog, requiring that it is complete (for exact-set checks).
    pub fn full_catalog(&self) -> Result<Rc<Catalog>, Finding> {
        let c = self.games()?;
        if !c.complete {
            return Err(Finding::skip(format!(
                "the catalog has {} games, more than --max-items {}; exact-set checks need all of them",
                c.total, self.max_items
            )));
        }
        Ok(c)
    }
}

fn find_nulls(v: &Value, path: String, out: &mut Vec<String>) {
    if out.len() >= 5 {
        return;
    }
    match v {
        Value::Null => out.push(if path.is_empty() { "/".into() } else { path }),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                find_nulls(x, format!("{path}/{i}"), out);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                find_nulls(x, format!("{path}/{k}"), out);
            }
        }
        _ => {}
    }
}

/// The first 300 characters of a body.
pub fn excerpt(s: &str) -> String {
    let t: String = s.chars().take(300).collect();
    if t.len() < s.len() {
        format!("{t}…")
    } else {
        t
    }
}
