//! Read routing against a real streaming replica (scripts/pg-replica.sh):
//! reads go to the replica, writes to the primary; a replica that stops or
//! lags leaves the rotation without one failed read, and comes back.
//!
//! Needs OPENTABLETOP_TEST_PRIMARY_URL, OPENTABLETOP_TEST_REPLICA_URL and
//! OPENTABLETOP_TEST_REPLICA_CTL (`scripts/pg-replica.sh env` prints them).
//! Without them the tests are skipped, unless OPENTABLETOP_REQUIRE_REPLICA is
//! set (as `.ci/run` does), which makes a missing replica a failure.

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use opentabletop::config::Config;
use opentabletop::http::{self, AppState};
use opentabletop::storage::ReplicaState;
use opentabletop::storage::entities::game;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, Statement,
};
use tokio::sync::Mutex;

/// The tests stop and pause the one replica: one at a time.
static SERIAL: Mutex<()> = Mutex::const_new(());

struct Env {
    primary: String,
    replica: String,
    ctl: String,
}

fn env() -> Option<Env> {
    let get = |k: &str| std::env::var(k).ok();
    match (
        get("OPENTABLETOP_TEST_PRIMARY_URL"),
        get("OPENTABLETOP_TEST_REPLICA_URL"),
        get("OPENTABLETOP_TEST_REPLICA_CTL"),
    ) {
        (Some(primary), Some(replica), Some(ctl)) => Some(Env {
            primary,
            replica,
            ctl,
        }),
        _ if std::env::var("OPENTABLETOP_REQUIRE_REPLICA").is_ok() => {
            panic!("OPENTABLETOP_REQUIRE_REPLICA is set but no replica is configured")
        }
        _ => {
            eprintln!("skipped: no replica configured (see scripts/pg-replica.sh)");
            None
        }
    }
}

async fn state(env: &Env, extra: &[(&str, &str)]) -> AppState {
    let dir = tempfile::tempdir().unwrap();
    let mut vars: HashMap<String, String> = [
        ("DATABASE_URL", env.primary.as_str()),
        ("DATABASE_REPLICA_URL", env.replica.as_str()),
        ("AUTO_MIGRATE", "true"),
        ("REPLICA_CHECK_INTERVAL_MS", "100"),
        ("DATABASE_ACQUIRE_TIMEOUT", "2"),
        ("OPENTABLETOP_DATA_DIR", dir.path().to_str().unwrap()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in extra {
        vars.insert(k.to_string(), v.to_string());
    }
    let config = Config::from_map(&vars).unwrap();
    opentabletop::server::prepare(config).await.unwrap()
}

async fn wait_for(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn ctl(env: &Env, action: &str) {
    let ctl = env.ctl.clone();
    let arg = action.to_string();
    let status =
        tokio::task::spawn_blocking(move || std::process::Command::new(&ctl).arg(&arg).status())
            .await
            .unwrap()
            .unwrap();
    assert!(status.success(), "{} {action}", env.ctl);
}

async fn insert_game(conn: &DatabaseConnection, slug: &str) {
    common::game_model(slug).insert(conn).await.unwrap();
}

/// Reads the game by slug and tells whether a standby served the read.
async fn read_game(state: &AppState, slug: &str) -> Result<(bool, bool), DbErr> {
    let slug = slug.to_string();
    state
        .db
        .read(|conn| {
            let slug = slug.clone();
            async move {
                let row = conn
                    .query_one_raw(Statement::from_string(
                        conn.get_database_backend(),
                        "SELECT pg_is_in_recovery() AS standby",
                    ))
                    .await?
                    .unwrap();
                let standby: bool = row.try_get("", "standby")?;
                let found = game::Entity::find()
                    .filter(game::Column::Slug.eq(slug))
                    .one(&conn)
                    .await?
                    .is_some();
                Ok((standby, found))
            }
        })
        .await
}

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

#[tokio::test]
async fn reads_use_the_replica_and_survive_its_outage() {
    let Some(env) = env() else { return };
    let _serial = SERIAL.lock().await;
    let state = state(&env, &[]).await;
    let replica = state.db.replicas()[0].clone();
    wait_for("the replica to join", Duration::from_secs(10), || {
        replica.in_rotation()
    })
    .await;

    // Write through the primary; read through the replica once replicated.
    let slug = unique("replicated");
    insert_game(state.db.primary(), &slug).await;
    let started = Instant::now();
    loop {
        let (standby, found) = read_game(&state, &slug).await.unwrap();
        assert!(
            standby,
            "with a healthy replica, reads go to the replica ({:?}: {:?})",
            replica.state(),
            replica.detail()
        );
        if found {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "never replicated"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let app = http::app(state.clone());
    let ready = common::get(&app, "/ready").await;
    assert_eq!(ready.status, 200, "{}", ready.text);
    assert_eq!(ready.json()["checks"][3]["name"], "database.replica-1");
    assert_eq!(ready.json()["checks"][3]["status"], "up");

    // Keep reading (and probing readiness) while the replica goes down.
    let failures = Arc::new(AtomicUsize::new(0));
    let reads = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut workers = Vec::new();
    for _ in 0..4 {
        let (state, slug) = (state.clone(), slug.clone());
        let (failures, reads, stop) = (failures.clone(), reads.clone(), stop.clone());
        workers.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                match read_game(&state, &slug).await {
                    Ok((_, true)) => {}
                    other => {
                        eprintln!("failed read: {other:?}");
                        failures.fetch_add(1, Ordering::Relaxed);
                    }
                }
                reads.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }));
    }
    let prober = {
        let (app, stop) = (app.clone(), stop.clone());
        tokio::spawn(async move {
            let mut not_ready = 0;
            while !stop.load(Ordering::Relaxed) {
                if common::get(&app, "/ready").await.status != 200 {
                    not_ready += 1;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            not_ready
        })
    };

    tokio::time::sleep(Duration::from_millis(300)).await;
    ctl(&env, "stop-replica").await;
    let stopped_at = reads.load(Ordering::Relaxed);
    wait_for("the replica to leave", Duration::from_secs(10), || {
        !replica.in_rotation()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.await.unwrap();
    }
    let not_ready = prober.await.unwrap();

    assert!(
        reads.load(Ordering::Relaxed) > stopped_at + 20,
        "reads went on after the stop"
    );
    assert_eq!(failures.load(Ordering::Relaxed), 0, "no read failed");
    assert_eq!(not_ready, 0, "/ready stayed 200 while the primary served");
    assert_eq!(replica.state(), ReplicaState::Down);
    let (standby, found) = read_game(&state, &slug).await.unwrap();
    assert!(!standby && found, "the primary serves the reads now");
    let ready = common::get(&app, "/ready").await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.json()["checks"][3]["status"], "down");
    let metrics = common::get(&app, "/metrics").await.text;
    assert!(metrics.contains("db_replica_fallbacks_total"), "{metrics}");

    // Back in rotation once it answers again.
    ctl(&env, "start-replica").await;
    wait_for("the replica to rejoin", Duration::from_secs(20), || {
        replica.in_rotation()
    })
    .await;
    let (standby, found) = read_game(&state, &slug).await.unwrap();
    assert!(standby && found, "reads return to the replica");
}

#[tokio::test]
async fn a_lagging_replica_leaves_the_rotation_until_it_catches_up() {
    let Some(env) = env() else { return };
    let _serial = SERIAL.lock().await;
    let state = state(&env, &[("REPLICA_MAX_LAG_SECONDS", "1")]).await;
    let replica = state.db.replicas()[0].clone();
    wait_for("the replica to join", Duration::from_secs(20), || {
        replica.in_rotation()
    })
    .await;

    let standby = replica.connection();
    standby
        .execute_unprepared("SELECT pg_wal_replay_pause()")
        .await
        .unwrap();
    // Resume replay whatever happens below (on a connection of its own: the
    // test's pools belong to the test's runtime).
    struct Resume(String);
    impl Drop for Resume {
        fn drop(&mut self) {
            let url = self.0.clone();
            std::thread::spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap()
                    .block_on(async move {
                        if let Ok(conn) = sea_orm::Database::connect(url).await {
                            conn.execute_unprepared("SELECT pg_wal_replay_resume()")
                                .await
                                .ok();
                            conn.close().await.ok();
                        }
                    });
            })
            .join()
            .ok();
        }
    }
    let _resume = Resume(env.replica.clone());

    let slug = unique("lagged");
    let started = Instant::now();
    while replica.state() != ReplicaState::Lagging {
        insert_game(state.db.primary(), &unique("tick")).await;
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "replica never reported lag (state {:?})",
            replica.state()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    insert_game(state.db.primary(), &slug).await;
    let (served_by_standby, found) = read_game(&state, &slug).await.unwrap();
    assert!(!served_by_standby, "a lagging replica serves no reads");
    assert!(found, "the primary has the fresh row");
    assert!(replica.lag_seconds().unwrap() > 1.0);

    standby
        .execute_unprepared("SELECT pg_wal_replay_resume()")
        .await
        .unwrap();
    // Resuming replay may terminate standby sessions (recovery conflicts):
    // such a read falls back to the primary, and the monitor brings the
    // replica back; every read succeeds meanwhile. (A replica within the lag
    // limit may briefly miss the newest row: writers that must read their
    // own writes read from the primary.)
    let started = Instant::now();
    loop {
        let (served_by_standby, found) = read_game(&state, &slug).await.unwrap();
        if served_by_standby && found {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the replica never caught up ({:?}: {:?})",
            replica.state(),
            replica.detail()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
