//! One read replica: its pool and its health as seen by the monitor.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement};

/// Where a replica stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplicaState {
    /// Not checked yet: kept out of rotation until the first check passes.
    Unknown,
    /// Reachable and within the lag limit: serves reads.
    Healthy,
    /// Reachable, but further behind the primary than `REPLICA_MAX_LAG_SECONDS`.
    Lagging,
    /// Unreachable or failing.
    Down,
}

impl ReplicaState {
    fn from_u8(v: u8) -> ReplicaState {
        match v {
            1 => ReplicaState::Healthy,
            2 => ReplicaState::Lagging,
            3 => ReplicaState::Down,
            _ => ReplicaState::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReplicaState::Unknown => "unknown",
            ReplicaState::Healthy => "up",
            ReplicaState::Lagging => "lagging",
            ReplicaState::Down => "down",
        }
    }
}

/// Replication lag in seconds: zero when the replica has replayed everything it
/// received (an idle primary writes nothing, so the last replay timestamp can
/// be old without any lag), or when it is not in recovery at all.
const LAG_SQL: &str = "SELECT CAST(CASE \
    WHEN NOT pg_is_in_recovery() THEN 0 \
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 \
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) \
    END AS DOUBLE PRECISION) AS lag";

pub struct Replica {
    name: String,
    display_url: String,
    conn: DatabaseConnection,
    state: AtomicU8,
    detail: Mutex<Option<String>>,
    lag_seconds: Mutex<Option<f64>>,
}

impl Replica {
    pub(super) fn new(name: String, display_url: String, conn: DatabaseConnection) -> Replica {
        Replica {
            name,
            display_url,
            conn,
            state: AtomicU8::new(0),
            detail: Mutex::new(None),
            lag_seconds: Mutex::new(None),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The URL with its password redacted.
    pub fn display_url(&self) -> &str {
        &self.display_url
    }

    pub fn connection(&self) -> &DatabaseConnection {
        &self.conn
    }

    pub fn state(&self) -> ReplicaState {
        ReplicaState::from_u8(self.state.load(Ordering::Acquire))
    }

    pub fn in_rotation(&self) -> bool {
        self.state() == ReplicaState::Healthy
    }

    /// The reason behind the last state change, if any.
    pub fn detail(&self) -> Option<String> {
        self.detail.lock().map(|d| d.clone()).unwrap_or(None)
    }

    pub fn lag_seconds(&self) -> Option<f64> {
        self.lag_seconds.lock().map(|l| *l).unwrap_or(None)
    }

    fn set_state(&self, state: ReplicaState, detail: Option<String>) {
        let previous = ReplicaState::from_u8(self.state.swap(state as u8, Ordering::AcqRel));
        if previous != state {
            match state {
                ReplicaState::Healthy => {
                    tracing::info!(replica = %self.name, "replica in rotation")
                }
                _ => tracing::warn!(
                    replica = %self.name,
                    state = state.as_str(),
                    detail = detail.as_deref().unwrap_or(""),
                    "replica out of rotation; reads fall back to the primary"
                ),
            }
        }
        if let Ok(mut d) = self.detail.lock() {
            *d = detail;
        }
        metrics::gauge!("db_replica_in_rotation", "replica" => self.name.clone()).set(
            if state == ReplicaState::Healthy {
                1.0
            } else {
                0.0
            },
        );
    }

    /// Takes the replica out of rotation after a failed read; the monitor
    /// puts it back once it answers again.
    pub(super) fn mark_failed(&self, err: &DbErr) {
        self.set_state(ReplicaState::Down, Some(err.to_string()));
    }

    /// One health check: reachable, and lag within `max_lag`.
    pub(super) async fn check(&self, timeout: Duration, max_lag: Duration) {
        let query = self.conn.query_one_raw(Statement::from_string(
            self.conn.get_database_backend(),
            LAG_SQL,
        ));
        let outcome =
            match tokio::time::timeout(timeout.max(Duration::from_millis(200)), query).await {
                Err(_) => Err(format!("health check timed out after {timeout:?}")),
                Ok(Err(e)) => Err(e.to_string()),
                Ok(Ok(None)) => Err("health check returned no row".to_string()),
                Ok(Ok(Some(row))) => row.try_get::<f64>("", "lag").map_err(|e| e.to_string()),
            };
        match outcome {
            Ok(lag) => {
                if let Ok(mut l) = self.lag_seconds.lock() {
                    *l = Some(lag);
                }
                metrics::gauge!("db_replica_lag_seconds", "replica" => self.name.clone()).set(lag);
                if lag > max_lag.as_secs_f64() {
                    self.set_state(
                        ReplicaState::Lagging,
                        Some(format!(
                            "replication lag {lag:.1}s exceeds {}s",
                            max_lag.as_secs()
                        )),
                    );
                } else {
                    self.set_state(ReplicaState::Healthy, None);
                }
            }
            Err(detail) => {
                if let Ok(mut l) = self.lag_seconds.lock() {
                    *l = None;
                }
                self.set_state(ReplicaState::Down, Some(detail));
            }
        }
    }
}
