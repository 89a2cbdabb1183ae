#!/usr/bin/env bash
# A PostgreSQL primary and a streaming hot-standby replica on loopback, for the
# replica-routing tests (Debian's postgresql-common tools; run as root).
#
#   scripts/pg-replica.sh up             create and start both clusters (idempotent)
#   scripts/pg-replica.sh down           stop and remove both clusters
#   scripts/pg-replica.sh stop-replica   stop the replica (the tests do this)
#   scripts/pg-replica.sh start-replica  start it again
#   scripts/pg-replica.sh env            print the variables the tests read
#
# Ports: OT_PG_PRIMARY_PORT (default 5433), OT_PG_REPLICA_PORT (default 5434).
set -euo pipefail

V=${OT_PG_VERSION:-$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1)}
PRIMARY=otprimary
REPLICA=otreplica
PPORT=${OT_PG_PRIMARY_PORT:-5433}
RPORT=${OT_PG_REPLICA_PORT:-5434}
USER_NAME=ot_app
USER_PASS=ot_app_pass
DB=opentabletop

psql_p() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PPORT" "$@"; }

exists() { pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$V $1"; }

up() {
  if [ -z "$V" ]; then echo "PostgreSQL server not installed (apt-get install postgresql)" >&2; exit 1; fi
  if ! exists "$PRIMARY"; then
    pg_createcluster "$V" "$PRIMARY" -p "$PPORT" -o listen_addresses=localhost \
      -o wal_level=replica -o max_wal_senders=5 -o max_replication_slots=5 \
      -o hot_standby=on -o fsync=off -o synchronous_commit=off >/dev/null
  fi
  pg_ctlcluster --skip-systemctl-redirect "$V" "$PRIMARY" start 2>/dev/null || true
  for _ in $(seq 1 50); do psql_p -c 'select 1' >/dev/null 2>&1 && break; sleep 0.1; done
  psql_p -tc "select 1 from pg_roles where rolname='replicator'" | grep -q 1 ||
    psql_p -c "CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD 'replpass'"
  # Superuser so the tests can pause WAL replay on the replica to create lag.
  psql_p -tc "select 1 from pg_roles where rolname='$USER_NAME'" | grep -q 1 ||
    psql_p -c "CREATE ROLE $USER_NAME LOGIN SUPERUSER PASSWORD '$USER_PASS'"
  psql_p -tc "select 1 from pg_database where datname='$DB'" | grep -q 1 ||
    psql_p -c "CREATE DATABASE $DB OWNER $USER_NAME"
  if ! exists "$REPLICA"; then
    pg_createcluster "$V" "$REPLICA" -p "$RPORT" -o listen_addresses=localhost -o hot_standby=on >/dev/null
    rm -rf "/var/lib/postgresql/$V/$REPLICA/"*
    runuser -u postgres -- env PGPASSWORD=replpass pg_basebackup -h 127.0.0.1 -p "$PPORT" \
      -U replicator -D "/var/lib/postgresql/$V/$REPLICA" -X stream -c fast -R -C -S otreplica_slot
  fi
  start_replica
}

start_replica() {
  pg_ctlcluster --skip-systemctl-redirect "$V" "$REPLICA" start 2>/dev/null || true
  for _ in $(seq 1 100); do
    runuser -u postgres -- psql -X -p "$RPORT" -tAc 'select pg_is_in_recovery()' 2>/dev/null | grep -q t && return 0
    sleep 0.1
  done
  echo "replica did not come up" >&2; exit 1
}

stop_replica() { pg_ctlcluster --skip-systemctl-redirect "$V" "$REPLICA" stop -m fast; }

down() {
  if exists "$REPLICA"; then pg_dropcluster --stop "$V" "$REPLICA"; fi
  if exists "$PRIMARY"; then pg_dropcluster --stop "$V" "$PRIMARY"; fi
}

env_vars() {
  echo "OPENTABLETOP_TEST_PRIMARY_URL=postgres://$USER_NAME:$USER_PASS@127.0.0.1:$PPORT/$DB"
  echo "OPENTABLETOP_TEST_REPLICA_URL=postgres://$USER_NAME:$USER_PASS@127.0.0.1:$RPORT/$DB"
  echo "OPENTABLETOP_TEST_REPLICA_CTL=$(cd "$(dirname "$0")" && pwd)/pg-replica.sh"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  stop-replica) stop_replica ;;
  start-replica) start_replica ;;
  env) env_vars ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac
