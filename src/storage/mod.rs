//! Storage: connections to the primary and the read replicas, replica health,
//! migrations, and (in submodules) the sea-orm entities.
//!
//! Reads go through [`Database::read`], which picks a healthy replica and falls
//! back to the primary — also in the middle of a request, when the replica it
//! picked fails with a connection error — so a replica that goes down never
//! fails a read. Writes and read-your-own-write paths use [`Database::primary`].

pub mod effective;
pub mod entities;
pub mod expansions;
pub mod game_query;
pub mod games;
pub mod import;
pub mod migrate;
pub mod people;
mod replica;
pub mod search;
pub mod taxonomy;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use backon::{ExponentialBuilder, Retryable};
use sea_orm::{ConnectOptions, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, RuntimeErr};
use tracing::Instrument;

use crate::config::{Config, DatabaseTarget, redact_url};
pub use replica::{Replica, ReplicaState};

/// Label of the pool that serves the primary.
pub const PRIMARY: &str = "primary";

/// Handle on every database pool of the process. Cheap to clone.
#[derive(Clone)]
pub struct Database {
    inner: Arc<Inner>,
}

struct Inner {
    primary: DatabaseConnection,
    replicas: Vec<Arc<Replica>>,
    next_replica: AtomicUsize,
    embedded: bool,
}

/// Why a read was served by the primary although replicas are configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FallbackReason {
    NoHealthyReplica,
    ReplicaError,
}

impl FallbackReason {
    fn label(self) -> &'static str {
        match self {
            FallbackReason::NoHealthyReplica => "no_healthy_replica",
            FallbackReason::ReplicaError => "replica_error",
        }
    }
}

impl Database {
    /// Connects to the configured database. The primary is retried with
    /// jittered exponential backoff for up to `DATABASE_CONNECT_TIMEOUT`;
    /// replicas connect lazily and join the rotation once their first health
    /// check passes.
    pub async fn connect(config: &Config) -> Result<Database, DbErr> {
        let primary_url = config.database.primary_url();
        if let DatabaseTarget::Embedded { data_dir } = &config.database {
            std::fs::create_dir_all(data_dir).map_err(|e| {
                DbErr::Custom(format!(
                    "cannot create the data directory {}: {e}",
                    data_dir.display()
                ))
            })?;
        }
        let embedded = config.database.is_embedded();
        let pool_size = if embedded {
            // SQLite serialises writers; a handful of readers is plenty.
            config.pool_size.min(8)
        } else {
            config.pool_size
        };
        let options = pool_options(&primary_url, pool_size, config, false);
        let primary = connect_with_retry(options, config.connect_timeout, PRIMARY).await?;

        let mut replicas = Vec::new();
        if let DatabaseTarget::Postgres { replicas: urls, .. } = &config.database {
            for (i, url) in urls.iter().enumerate() {
                let name = format!("replica-{}", i + 1);
                let options = pool_options(url.as_str(), config.pool_size, config, true);
                let conn = instrumented(sea_orm::Database::connect(options).await?, &name);
                tracing::info!(replica = %name, url = %redact_url(url), "read replica configured");
                replicas.push(Arc::new(Replica::new(name, redact_url(url), conn)));
            }
        }

        Ok(Database {
            inner: Arc::new(Inner {
                primary,
                replicas,
                next_replica: AtomicUsize::new(0),
                embedded,
            }),
        })
    }

    /// The primary: for writes and for reads that must see the caller's own writes.
    pub fn primary(&self) -> &DatabaseConnection {
        &self.inner.primary
    }

    pub fn backend(&self) -> DbBackend {
        self.inner.primary.get_database_backend()
    }

    pub fn is_embedded(&self) -> bool {
        self.inner.embedded
    }

    pub fn replicas(&self) -> &[Arc<Replica>] {
        &self.inner.replicas
    }

    /// Picks the next healthy replica (round robin).
    fn pick_replica(&self) -> Option<&Arc<Replica>> {
        let replicas = &self.inner.replicas;
        if replicas.is_empty() {
            return None;
        }
        let start = self.inner.next_replica.fetch_add(1, Ordering::Relaxed);
        (0..replicas.len())
            .map(|i| &replicas[(start + i) % replicas.len()])
            .find(|r| r.in_rotation())
    }

    /// Runs a read-only operation on a healthy replica, or on the primary when
    /// there is none. When the replica fails with a connection error, it is
    /// taken out of rotation and the operation is retried on the primary, so
    /// the caller never sees a replica outage.
    ///
    /// The closure may run twice: it must not write.
    pub async fn read<T, F, Fut>(&self, op: F) -> Result<T, DbErr>
    where
        F: Fn(DatabaseConnection) -> Fut,
        Fut: Future<Output = Result<T, DbErr>>,
    {
        let fallback = if let Some(replica) = self.pick_replica() {
            let span = tracing::info_span!("db.read", db.pool = %replica.name());
            match op(replica.connection().clone()).instrument(span).await {
                Ok(value) => {
                    metrics::counter!("db_reads_total", "pool" => replica.name().to_string())
                        .increment(1);
                    return Ok(value);
                }
                Err(err) if is_connection_error(&err) => {
                    replica.mark_failed(&err);
                    Some(FallbackReason::ReplicaError)
                }
                Err(err) => return Err(err),
            }
        } else if self.inner.replicas.is_empty() {
            None
        } else {
            Some(FallbackReason::NoHealthyReplica)
        };

        if let Some(reason) = fallback {
            metrics::counter!("db_replica_fallbacks_total", "reason" => reason.label())
                .increment(1);
        }
        metrics::counter!("db_reads_total", "pool" => PRIMARY).increment(1);
        let span = tracing::info_span!(
            "db.read",
            db.pool = PRIMARY,
            db.fallback = fallback.map(FallbackReason::label)
        );
        op(self.inner.primary.clone()).instrument(span).await
    }

    /// Checks that the primary answers a trivial query.
    pub async fn ping_primary(&self) -> Result<Duration, DbErr> {
        let started = Instant::now();
        self.inner.primary.execute_unprepared("SELECT 1").await?;
        Ok(started.elapsed())
    }

    /// Spawns the background task that checks replica health and lag.
    pub fn spawn_replica_monitor(
        &self,
        interval: Duration,
        max_lag: Duration,
    ) -> Option<tokio::task::JoinHandle<()>> {
        if self.inner.replicas.is_empty() {
            return None;
        }
        let replicas = self.inner.replicas.clone();
        Some(tokio::spawn(async move {
            let mut ticker = tokio::time::interval(interval);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticker.tick().await;
                for replica in &replicas {
                    replica.check(interval, max_lag).await;
                }
            }
        }))
    }

    /// Runs one health check of every replica now (used at start-up and by tests).
    pub async fn check_replicas_now(&self, max_lag: Duration) {
        for replica in &self.inner.replicas {
            replica.check(Duration::from_secs(2), max_lag).await;
        }
    }

    /// Publishes the pool gauges (called when `/metrics` is scraped).
    pub fn record_pool_metrics(&self) {
        record_pool(PRIMARY, &self.inner.primary);
        for replica in &self.inner.replicas {
            record_pool(replica.name(), replica.connection());
        }
    }

    /// Closes every pool (graceful shutdown).
    pub async fn close(&self) {
        for replica in &self.inner.replicas {
            let _ = replica.connection().clone().close().await;
        }
        let _ = self.inner.primary.clone().close().await;
    }
}

fn record_pool(pool: &str, conn: &DatabaseConnection) {
    let (size, idle, max) = match conn.get_database_backend() {
        DbBackend::Postgres => {
            let p = conn.get_postgres_connection_pool();
            (
                p.size(),
                p.num_idle() as u32,
                p.options().get_max_connections(),
            )
        }
        DbBackend::Sqlite => {
            let p = conn.get_sqlite_connection_pool();
            (
                p.size(),
                p.num_idle() as u32,
                p.options().get_max_connections(),
            )
        }
        _ => return,
    };
    let pool = pool.to_string();
    metrics::gauge!("db_pool_connections", "pool" => pool.clone(), "state" => "idle")
        .set(f64::from(idle));
    metrics::gauge!("db_pool_connections", "pool" => pool.clone(), "state" => "in_use")
        .set(f64::from(size.saturating_sub(idle)));
    metrics::gauge!("db_pool_max_connections", "pool" => pool).set(f64::from(max));
}

fn pool_options(url: &str, size: u32, config: &Config, lazy: bool) -> ConnectOptions {
    let mut options = ConnectOptions::new(url.to_string());
    options
        .max_connections(size)
        .min_connections(if lazy { 0 } else { 1.min(size) })
        .connect_timeout(config.pool_acquire_timeout)
        .acquire_timeout(config.pool_acquire_timeout)
        .idle_timeout(Duration::from_secs(300))
        .test_before_acquire(false)
        .connect_lazy(lazy)
        // Queries are traced as spans (sea-orm `tracing-spans`) and timed as
        // metrics; the per-statement debug log of sqlx would only repeat them.
        .sqlx_logging(false)
        // The catalog queries take lists of ids whose selectivity varies
        // wildly with their values; a generic plan cached after five runs
        // (PostgreSQL's default) estimates a handful of rows and probes
        // per row, 3× to 60× slower (scripts/bench-games.sh shows both).
        .map_sqlx_postgres_opts(|o| o.options([("plan_cache_mode", "force_custom_plan")]));
    options
}

/// Attaches the query-duration histogram to a connection.
fn instrumented(mut conn: DatabaseConnection, pool: &str) -> DatabaseConnection {
    let pool = pool.to_string();
    conn.set_metric_callback(move |info| {
        let operation = info
            .statement
            .sql
            .split_whitespace()
            .next()
            .map(str::to_ascii_uppercase)
            .filter(|w| {
                matches!(
                    w.as_str(),
                    "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "WITH"
                )
            })
            .unwrap_or_else(|| "OTHER".to_string());
        metrics::histogram!(
            "db_query_duration_seconds",
            "pool" => pool.clone(),
            "operation" => operation,
            "outcome" => if info.failed { "error" } else { "ok" }
        )
        .record(info.elapsed.as_secs_f64());
    });
    conn
}

async fn connect_with_retry(
    options: ConnectOptions,
    budget: Duration,
    pool: &str,
) -> Result<DatabaseConnection, DbErr> {
    let started = Instant::now();
    let attempt = || async { sea_orm::Database::connect(options.clone()).await };
    let conn = attempt
        .retry(
            ExponentialBuilder::default()
                .with_jitter()
                .with_min_delay(Duration::from_millis(100))
                .with_max_delay(Duration::from_secs(5))
                .with_total_delay(Some(budget))
                .without_max_times(),
        )
        .when(|e| is_connection_error(e) && started.elapsed() < budget)
        .notify(|err, wait| {
            tracing::warn!(
                pool,
                error = %err,
                retry_in_ms = wait.as_millis() as u64,
                "database not reachable yet, retrying"
            );
        })
        .await?;
    Ok(instrumented(conn, pool))
}

/// Whether an error means the connection (not the statement) failed, so the
/// same statement may succeed on another server.
pub fn is_connection_error(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            is_sqlx_connection_error(e)
        }
        _ => false,
    }
}

fn is_sqlx_connection_error(err: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error;
    match err {
        Error::Io(_)
        | Error::Tls(_)
        | Error::Protocol(_)
        | Error::PoolTimedOut
        | Error::PoolClosed
        | Error::WorkerCrashed => true,
        // SQLSTATE class 08 (connection exception) and 57 (operator
        // intervention: shutdown, cannot connect now, recovery conflicts).
        Error::Database(db) => db
            .code()
            .map(|c| c.starts_with("08") || c.starts_with("57"))
            .unwrap_or(false),
        _ => false,
    }
}

/// A custom SQL fragment with `?` for each of `exprs`, in the placeholder
/// syntax of `backend` (sea-query numbers them `$1, $2, …` on PostgreSQL).
/// The fragment is a constant of ours; values always go in `exprs`.
pub fn custom(
    backend: DbBackend,
    template: &'static str,
    exprs: impl IntoIterator<Item = sea_orm::sea_query::Expr>,
) -> sea_orm::sea_query::Expr {
    let template = if backend == DbBackend::Postgres {
        let mut out = String::with_capacity(template.len() + 8);
        let mut n = 0;
        for c in template.chars() {
            if c == '?' {
                n += 1;
                out.push_str(&format!("${n}"));
            } else {
                out.push(c);
            }
        }
        out
    } else {
        template.to_string()
    };
    sea_orm::sea_query::Expr::cust_with_exprs(template, exprs)
}
