//! opentabletop-conformance: run the conformance suite against an OpenTabletop server.
//!
//! Exit status: 0 every MUST requirement passed (or is an expected failure),
//! 1 a MUST requirement failed, 2 the suite could not run.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use opentabletop_conformance::{Config, FuzzConfig, registry, report};

#[derive(Parser, Debug)]
#[command(name = "opentabletop-conformance", version, about)]
struct Args {
    /// Base URL of the server under test; may carry a path prefix (https://host/v1).
    #[arg(long, required_unless_present = "list")]
    base_url: Option<String>,
    /// API key, sent as X-API-Key.
    #[arg(long, env = "OPENTABLETOP_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// OpenAPI document (file or URL) to validate responses against. Default: the
    /// server's own /openapi.json. YAML or JSON; `nullable: true` is read with 3.0 meaning.
    #[arg(long)]
    spec: Option<String>,
    /// Comma-separated classes to run (core, pagination, filtering, errors, effective,
    /// search, export, sample-data, fuzz, or all). Default: all but fuzz.
    #[arg(long, value_delimiter = ',')]
    classes: Vec<String>,
    /// Seed for the generated cases (which games, counts and slugs are probed).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Most games a traversal fetches; above it, exact-set checks are skipped.
    #[arg(long, default_value_t = 2000)]
    max_items: usize,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// Write one JSON object per test to FILE.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write a JUnit XML report to FILE.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Known deviations: requirement ids, one per line, `#` comments.
    #[arg(long, value_name = "FILE")]
    expect_fail: Option<PathBuf>,
    /// Also list passing and skipped tests in the console summary.
    #[arg(long, short)]
    verbose: bool,
    /// Virtualenv for schemathesis (fuzz class); default $XDG_CACHE_HOME/opentabletop-conformance/venv.
    #[arg(long, value_name = "DIR")]
    venv: Option<PathBuf>,
    /// Use this schemathesis executable instead of installing one.
    #[arg(long, value_name = "PATH")]
    schemathesis: Option<PathBuf>,
    /// schemathesis --max-examples per operation.
    #[arg(long, default_value_t = 20)]
    fuzz_max_examples: u32,
    /// schemathesis --max-time in seconds (0 = none).
    #[arg(long, default_value_t = 0)]
    fuzz_max_time: u32,
    /// Print the requirement registry and exit.
    #[arg(long)]
    list: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.list {
        for r in registry::REQUIREMENTS {
            println!(
                "{:<46} {:<6} {}  [{}]",
                r.id,
                r.level.as_str(),
                r.title,
                r.citation
            );
        }
        return ExitCode::SUCCESS;
    }
    let expected = match &args.expect_fail {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(t) => report::parse_expect_fail(&t),
            Err(e) => {
                eprintln!(
                    "opentabletop-conformance: --expect-fail {}: {e}",
                    p.display()
                );
                return ExitCode::from(2);
            }
        },
        None => Default::default(),
    };
    for id in &expected {
        if registry::requirement(id).is_none() && !id.starts_with("fuzz/") {
            eprintln!(
                "opentabletop-conformance: warning: --expect-fail lists unknown requirement {id}"
            );
        }
    }
    let cfg = Config {
        base_url: args.base_url.clone().unwrap_or_default(),
        api_key: args.api_key.clone(),
        spec: args.spec.clone(),
        classes: args.classes.clone(),
        seed: args.seed,
        max_items: args.max_items,
        timeout: Duration::from_secs(args.timeout.max(1)),
        fuzz: FuzzConfig {
            venv: args.venv.clone(),
            schemathesis: args.schemathesis.clone(),
            max_examples: args.fuzz_max_examples,
            max_time: args.fuzz_max_time,
        },
    };
    let mut rep = match opentabletop_conformance::run(&cfg) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("opentabletop-conformance: could not run: {e}");
            return ExitCode::from(2);
        }
    };
    rep.apply_expectations(&expected);
    let _ = write!(std::io::stdout().lock(), "{}", rep.console(args.verbose));
    for (path, text, what) in [
        (&args.json, rep.json_lines(), "--json"),
        (&args.junit, rep.junit(), "--junit"),
    ] {
        if let Some(p) = path
            && let Err(e) = std::fs::write(p, text)
        {
            eprintln!("opentabletop-conformance: {what} {}: {e}", p.display());
            return ExitCode::from(2);
        }
    }
    ExitCode::from(rep.exit_code())
}
