//! The command line: `serve` (default), `migrate`, `openapi`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::Config;
use crate::storage::{Database, migrate};

/// OpenTabletop API server.
///
/// All configuration comes from environment variables (see the README). With
/// no DATABASE_URL the server runs on an embedded SQLite database under
/// OPENTABLETOP_DATA_DIR (default ./data).
#[derive(Debug, Parser)]
#[command(name = "opentabletop", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API over HTTP (the default when no command is given).
    ///
    /// Listens on PORT (default 8080). On the embedded default, migrations run
    /// at start-up; on PostgreSQL only with AUTO_MIGRATE=true. SIGTERM or
    /// SIGINT drains in-flight requests and exits with status 0.
    Serve,
    /// Apply pending database migrations and exit.
    ///
    /// Safe to run from several processes at once (PostgreSQL advisory lock);
    /// runnable as a Kubernetes Job before a rollout.
    Migrate {
        /// Only list the migrations and whether each is applied; change nothing.
        #[arg(long)]
        status: bool,
    },
    /// Import OpenTabletop catalog data (docs/import-format.md) and exit.
    ///
    /// Reads every directory given (taxonomy, people, publishers, one folder per
    /// game family), validates every record, resolves references by slug or
    /// UUID, and writes everything in one transaction: a bad file fails with its
    /// file, line, field and reason, exit status 1, and nothing written.
    /// Re-importing the same data changes nothing.
    Import {
        /// Data directories, e.g. ../shared/opentabletop/data
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Treat unknown slugs (taxonomy, people, games) as errors, not warnings.
        #[arg(long)]
        strict: bool,
        /// Validate only; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Load the demo catalog compiled into this binary (any backend).
    SeedDemo,
    /// Write a deterministic synthetic catalog in the import layout.
    ///
    /// For benchmarks and load tests: the same --seed always gives the same
    /// files. The vocabulary is the demo catalog's (the OpenTabletop slugs).
    Generate {
        /// Number of games in all (base games and their expansions).
        #[arg(long, default_value_t = 1000)]
        games: usize,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output directory (created; existing files are overwritten).
        #[arg(long)]
        out: PathBuf,
    },
    /// Print the OpenAPI document this server serves.
    Openapi {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Yaml)]
        format: Format,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Yaml,
    Json,
}

/// Exit status for a bad configuration value.
pub const EXIT_CONFIG: u8 = 2;

/// Runs the command line; returns the process exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Openapi { format, output } = &command {
        return print_openapi(*format, output.as_deref());
    }
    if let Command::Generate { games, seed, out } = &command {
        return run_generate(*games, *seed, out);
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        let _telemetry = crate::telemetry::init(&config)?;
        match command {
            Command::Serve => crate::server::serve(config).await,
            Command::Migrate { status } => run_migrate(config, status).await,
            Command::Import {
                dirs,
                strict,
                dry_run,
            } => {
                let sources = crate::catalog::read_dirs(&dirs)?;
                run_import(config, sources, strict, dry_run).await
            }
            Command::SeedDemo => {
                run_import(config, crate::catalog::demo::sources(), false, false).await
            }
            Command::Openapi { .. } | Command::Generate { .. } => {
                unreachable!("handled before the runtime starts")
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "exiting on error");
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_generate(games: usize, seed: u64, out: &std::path::Path) -> ExitCode {
    use crate::catalog::generate;
    let started = std::time::Instant::now();
    let taxonomy: Vec<_> = crate::catalog::demo::sources()
        .into_iter()
        .filter(|s| s.rel.starts_with("taxonomy/"))
        .collect();
    let (files, summary) = generate::generate(&generate::Options { games, seed }, &taxonomy);
    if let Err(e) = generate::write(out, &files) {
        eprintln!("error: cannot write to {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    println!(
        "generated {} base games, {} expansions, {} combinations in {} files under {} ({:.1} s)",
        summary.base_games,
        summary.expansions,
        summary.combinations,
        summary.files,
        out.display(),
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}

fn print_openapi(format: Format, output: Option<&std::path::Path>) -> ExitCode {
    let api = crate::http::openapi();
    let text = match format {
        Format::Yaml => crate::http::docs::to_yaml(&api),
        Format::Json => crate::http::docs::to_json(&api) + "\n",
    };
    match output {
        None => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                ExitCode::FAILURE
            }
        },
    }
}

async fn run_migrate(config: Config, status_only: bool) -> anyhow::Result<()> {
    let db = Database::connect(&config).await?;
    if status_only {
        let status = migrate::status(db.primary()).await?;
        for name in migrate::known_migrations() {
            let state = if status.pending.contains(&name) {
                "pending"
            } else {
                "applied"
            };
            println!("{state:<8} {name}");
        }
        for name in &status.unknown_applied {
            println!("{:<8} {name} (not known to this binary)", "applied");
        }
    } else {
        let applied = migrate::apply(db.primary()).await?;
        if applied.is_empty() {
            println!("schema up to date: nothing to apply");
        } else {
            for name in &applied {
                println!("applied  {name}");
            }
        }
    }
    db.close().await;
    Ok(())
}

/// Validates `sources` against what the database holds and writes them.
async fn run_import(
    config: Config,
    sources: Vec<crate::catalog::Source>,
    strict: bool,
    dry_run: bool,
) -> anyhow::Result<()> {
    use std::io::IsTerminal;

    let started = std::time::Instant::now();
    let db = Database::connect(&config).await?;
    if db.is_embedded() {
        migrate::apply(db.primary()).await?;
    } else {
        let status = migrate::status(db.primary()).await?;
        anyhow::ensure!(
            status.is_current(),
            "the database schema is behind this binary ({} pending migrations): run `opentabletop migrate` first",
            status.pending.len()
        );
    }
    let known = crate::storage::import::known(db.primary()).await?;
    let (catalog, warnings) = match crate::catalog::build(&sources, &known, strict) {
        Ok(ok) => ok,
        Err(errors) => {
            for e in &errors {
                eprintln!("error: {e}");
            }
            db.close().await;
            anyhow::bail!(
                "{} error(s) in {} file(s); nothing was written",
                errors.len(),
                errors
                    .iter()
                    .map(|e| e.file.as_str())
                    .collect::<std::collections::HashSet<_>>()
                    .len()
            );
        }
    };
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    if dry_run {
        println!("dry run: {} files valid, nothing written", sources.len());
    } else {
        let terminal = std::io::stderr().is_terminal();
        let bar = if terminal {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg:>28} [{bar:30}] {pos}/{len} {elapsed}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar
        } else {
            indicatif::ProgressBar::hidden()
        };
        let progress = |table: &str, done: usize, total: usize| {
            if terminal {
                bar.set_message(table.to_string());
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            } else if done == total {
                eprintln!("wrote {table}: {total} rows");
            }
        };
        crate::storage::import::write(db.primary(), &catalog, &progress).await?;
        bar.finish_and_clear();
    }
    for (entity, count) in catalog.counts() {
        if count > 0 {
            println!("{entity:<24} {count:>8}");
        }
    }
    println!(
        "{} in {:.1} s, {} warning(s)",
        if dry_run { "validated" } else { "imported" },
        started.elapsed().as_secs_f64(),
        warnings.len()
    );
    db.close().await;
    Ok(())
}
