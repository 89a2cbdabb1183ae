//! OpenTabletop conformance suite: point it at a server, get a verdict per
//! requirement, grouped by conformance class.
//!
//! The library runs in-process (the crate's tests drive it against test
//! doubles); `main.rs` is the command line around [`run`].

pub mod classes;
pub mod client;
pub mod ctx;
pub mod registry;
pub mod report;
pub mod spec;
pub mod util;
mod yaml;

use std::path::PathBuf;
use std::time::Duration;

use client::Client;
use ctx::Ctx;
use report::Report;
use spec::Spec;

/// What to run against what.
#[derive(Clone, Debug)]
pub struct Config {
    /// The server's base URL, possibly with a path prefix (`https://host/v1`).
    pub base_url: String,
    /// Sent as `X-API-Key`.
    pub api_key: Option<String>,
    /// An OpenAPI document (file or URL); default the server's `/openapi.json`.
    pub spec: Option<String>,
    /// Classes to run; empty = the default set (everything but `fuzz`).
    pub classes: Vec<String>,
    pub seed: u64,
    /// Most games a traversal fetches before exact-set checks are skipped.
    pub max_items: usize,
    pub timeout: Duration,
    pub fuzz: FuzzConfig,
}

#[derive(Clone, Debug)]
pub struct FuzzConfig {
    /// The virtualenv schemathesis is installed into (created on first use).
    pub venv: Option<PathBuf>,
    /// A schemathesis executable to use instead of the virtualenv.
    pub schemathesis: Option<PathBuf>,
    pub max_examples: u32,
    /// Extra seconds schemathesis may run (`--max-time`), 0 = no limit.
    pub max_time: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            base_url: String::new(),
            api_key: None,
            spec: None,
            classes: Vec::new(),
            seed: 1,
            max_items: 2000,
            timeout: Duration::from_secs(30),
            fuzz: FuzzConfig {
                venv: None,
                schemathesis: None,
                max_examples: 20,
                max_time: 0,
            },
        }
    }
}

/// A loaded document and where it came from (a URL or a file path).
pub struct LoadedSpec {
    pub spec: Spec,
    pub location: String,
}

/// Loads the document: `--spec` (file or URL) or the server's own `/openapi.json`.
pub fn load_spec(client: &Client, spec: Option<&str>) -> Result<LoadedSpec, String> {
    let fetch = |url: &str| -> Result<String, String> {
        let r = client.get_url(url)?;
        if r.status != 200 {
            return Err(format!("GET {url}: status {}", r.status));
        }
        Ok(r.body)
    };
    match spec {
        Some(s) if s.starts_with("http://") || s.starts_with("https://") => {
            let text = fetch(s)?;
            Ok(LoadedSpec {
                spec: Spec::parse(s, &text)?,
                location: s.to_owned(),
            })
        }
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("--spec {path}: {e}"))?;
            Ok(LoadedSpec {
                spec: Spec::parse(path, &text)?,
                location: path.to_owned(),
            })
        }
        None => {
            // under the base URL first, then at the origin (a /v1 prefix serves no document)
            let first = client.url("/openapi.json", &Vec::new());
            let origin = client.resolve_href("/openapi.json");
            let mut last = String::new();
            for url in [first, origin] {
                match fetch(&url).and_then(|t| Spec::parse(&url, &t)) {
                    Ok(spec) => {
                        return Ok(LoadedSpec {
                            spec,
                            location: url,
                        });
                    }
                    Err(e) => last = e,
                }
            }
            Err(format!(
                "cannot load the server's OpenAPI document: {last} (give --spec)"
            ))
        }
    }
}

/// The selected classes, validated, in run order.
pub fn select_classes(names: &[String]) -> Result<Vec<&'static str>, String> {
    if names.is_empty() {
        return Ok(registry::DEFAULT_CLASSES.to_vec());
    }
    let mut wanted = Vec::new();
    for n in names {
        let n = n.trim();
        if n == "all" {
            wanted.extend_from_slice(registry::CLASSES);
            continue;
        }
        let c = registry::CLASSES.iter().find(|c| **c == n).ok_or_else(|| {
            format!(
                "unknown class {n:?} (known: {}, all)",
                registry::CLASSES.join(", ")
            )
        })?;
        wanted.push(*c);
    }
    Ok(registry::CLASSES
        .iter()
        .copied()
        .filter(|c| wanted.contains(c))
        .collect())
}

/// The operation a class needs, when the document lacks it.
fn undeclared(class: &str, spec: &Spec) -> Option<String> {
    let (method, path) = match class {
        "pagination" | "filtering" | "errors" | "sample-data" => ("get", "/games"),
        "effective" => ("get", "/games/{id}/effective-properties"),
        "search" => ("get", "/search"),
        "export" => ("get", "/export/games"),
        _ => return None,
    };
    (!spec.has_operation(method, path)).then(|| format!("{} {path}", method.to_uppercase()))
}

/// Runs the suite. `Err` means it could not run (exit status 2).
pub fn run(cfg: &Config) -> Result<Report, String> {
    let classes = select_classes(&cfg.classes)?;
    let client = Client::new(&cfg.base_url, cfg.api_key.clone(), cfg.timeout)?;
    // reachability first: an unreachable server is "could not run", not a failure
    client
        .get("/games", &client::q(&[("limit", "1")]))
        .map_err(|e| format!("the server is unreachable: {e}"))?;
    let loaded = load_spec(&client, cfg.spec.as_deref())?;
    let ctx = Ctx::new(&client, &loaded.spec, cfg.seed, cfg.max_items);
    for class in &classes {
        // like OGC API test suites: a class whose operation the document does not
        // declare is skipped (core/operations-answer still reports the missing operation)
        if let Some(op) = undeclared(class, &loaded.spec) {
            for r in registry::REQUIREMENTS
                .iter()
                .filter(|r| r.class() == *class)
            {
                ctx.record(
                    r.id,
                    Err(ctx::Finding::skip(format!(
                        "the document does not declare {op}"
                    ))),
                    0,
                );
            }
            continue;
        }
        match *class {
            "core" => classes::core::run(&ctx),
            "pagination" => classes::pagination::run(&ctx),
            "filtering" => classes::filtering::run(&ctx),
            "errors" => classes::errors::run(&ctx),
            "effective" => classes::effective::run(&ctx),
            "search" => classes::search::run(&ctx),
            "export" => classes::export::run(&ctx),
            "sample-data" => classes::sample::run(&ctx),
            "fuzz" => classes::fuzz::run(&ctx, &cfg.fuzz, &loaded.location),
            _ => {}
        }
    }
    if classes.contains(&"core") {
        classes::core::finish(&ctx);
    }
    if classes.contains(&"errors") {
        classes::errors::finish(&ctx);
    }
    let mut spec_source = loaded.spec.source.clone();
    if loaded.spec.nullable_translated > 0 {
        spec_source.push_str(&format!(
            " ({} `nullable: true` read with OpenAPI 3.0 meaning)",
            loaded.spec.nullable_translated
        ));
    }
    Ok(Report {
        base_url: cfg.base_url.clone(),
        spec_source,
        records: ctx.records.into_inner(),
    })
}
