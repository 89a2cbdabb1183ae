//! Start-up and graceful shutdown of the HTTP server.

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::net::TcpListener;

use crate::config::Config;
use crate::http::{self, AppState};
use crate::storage::{Database, migrate};

/// Connects, migrates where that is the server's job, and builds the state.
pub async fn prepare(config: Config) -> anyhow::Result<AppState> {
    let db = Database::connect(&config).await?;
    let status = migrate::status(db.primary()).await?;
    if db.is_embedded() || config.auto_migrate {
        let applied = migrate::apply(db.primary()).await?;
        if !applied.is_empty() {
            tracing::info!(count = applied.len(), migrations = ?applied, "migrations applied");
        }
    } else if !status.is_current() {
        tracing::warn!(
            pending = ?status.pending,
            "the database schema is behind this binary: /ready answers 503 until \
             `opentabletop migrate` runs (or start with AUTO_MIGRATE=true)"
        );
    }
    if db.is_embedded()
        && config.seed_demo
        && crate::storage::import::is_empty(db.primary()).await?
    {
        seed_demo(&db).await?;
    }
    let state = AppState::new(config, db);
    state.db.spawn_replica_monitor(
        state.config.replica_check_interval,
        state.config.replica_max_lag,
    );
    Ok(state)
}

/// Loads the demo catalog compiled into the binary.
async fn seed_demo(db: &Database) -> anyhow::Result<()> {
    let started = Instant::now();
    let known = crate::storage::import::known(db.primary()).await?;
    let (catalog, _) = crate::catalog::build(&crate::catalog::demo::sources(), &known, false)
        .map_err(|errors| {
            anyhow::anyhow!(
                "the demo catalog is invalid: {}",
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        })?;
    crate::storage::import::write(db.primary(), &catalog, &|_, _, _| {}).await?;
    tracing::info!(
        games = catalog.games.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo catalog loaded into the empty embedded database"
    );
    Ok(())
}

/// `opentabletop serve`: runs until SIGTERM or SIGINT, then drains.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let started = Instant::now();
    let addr = SocketAddr::new(config.bind_addr, config.port);
    let state = prepare(config).await?;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    tracing::info!(
        %addr,
        backend = ?state.db.backend(),
        replicas = state.db.replicas().len(),
        startup_ms = started.elapsed().as_millis() as u64,
        "listening"
    );
    run(listener, state, shutdown_signal()).await
}

/// Serves `state`'s application on `listener` until `signal` resolves, then
/// shuts down gracefully:
///
/// 1. `/ready` answers 503 at once, so the load balancer stops sending traffic;
/// 2. the server keeps accepting for `SHUTDOWN_DELAY_SECONDS` (the time a load
///    balancer needs to notice) and until no request is in flight, at most
///    `SHUTDOWN_GRACE_SECONDS` in all;
/// 3. it stops accepting, lets open connections finish within what is left of
///    the grace period, and closes the database pools.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    signal: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    run_app(listener, http::app(state.clone()), state, signal).await
}

/// [`run`] with an application built by the caller (tests add routes to it).
pub async fn run_app(
    listener: TcpListener,
    app: axum::Router,
    state: AppState,
    signal: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        let _ = stop_rx.await;
    });
    let mut server = tokio::spawn(server.into_future());

    tokio::select! {
        () = signal => {}
        result = &mut server => {
            // The server stopped by itself: an accept loop failure.
            result??;
            return Ok(());
        }
    }

    let grace = state.config.shutdown_grace;
    let delay = state.config.shutdown_delay.min(grace);
    let began = Instant::now();
    state.lifecycle.begin_shutdown();
    tracing::info!(
        in_flight = state.lifecycle.in_flight(),
        grace_seconds = grace.as_secs(),
        "shutdown requested: readiness is now 503, draining"
    );
    tokio::time::sleep(delay).await;
    let idle = state
        .lifecycle
        .wait_idle(grace.saturating_sub(began.elapsed()))
        .await;
    if !idle {
        tracing::warn!(
            in_flight = state.lifecycle.in_flight(),
            "grace period over with requests still in flight"
        );
    }
    let _ = stop_tx.send(());
    let left = grace
        .saturating_sub(began.elapsed())
        .max(Duration::from_millis(100));
    match tokio::time::timeout(left, &mut server).await {
        Ok(result) => result??,
        Err(_) => {
            tracing::warn!("connections still open after the grace period; closing them");
            server.abort();
        }
    }
    state.db.close().await;
    tracing::info!(
        drained_ms = began.elapsed().as_millis() as u64,
        "shutdown complete"
    );
    Ok(())
}

/// Resolves on SIGTERM (Kubernetes) or SIGINT (Ctrl-C).
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!(signal = "SIGINT", "signal received"),
        () = terminate => tracing::info!(signal = "SIGTERM", "signal received"),
    }
}
