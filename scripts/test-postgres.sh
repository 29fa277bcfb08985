#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL cluster for the test suite.
#   scripts/test-postgres.sh start   -> prints the WINNOW_TEST_DATABASE_URL to use
#   scripts/test-postgres.sh stop
# Runs the server as the invoking user, or as `postgres` when invoked as root (initdb refuses root).
set -euo pipefail

PGPORT="${WINNOW_TEST_PGPORT:-54329}"
BASE="${WINNOW_TEST_PGDIR:-${TMPDIR:-/tmp}/winnow-test-pg-$PGPORT}"
DATA="$BASE/data"

find_bin() {
  local name=$1 candidate
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  for candidate in /usr/lib/postgresql/*/bin/"$name"; do
    [ -x "$candidate" ] && { echo "$candidate"; return 0; }
  done
  return 1
}

as_owner() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local initdb pg_ctl
  initdb=$(find_bin initdb) || { echo "initdb not found: install PostgreSQL (postgresql-15)" >&2; exit 3; }
  pg_ctl=$(find_bin pg_ctl) || { echo "pg_ctl not found" >&2; exit 3; }
  mkdir -p "$BASE"
  if [ "$(id -u)" = "0" ]; then chown postgres: "$BASE"; fi
  if [ ! -s "$DATA/PG_VERSION" ]; then
    as_owner "$initdb" -D "$DATA" -U winnow --auth=trust -E UTF8 --locale=C.UTF-8 >"$BASE/initdb.log" 2>&1 \
      || as_owner "$initdb" -D "$DATA" -U winnow --auth=trust -E UTF8 --no-locale >"$BASE/initdb.log" 2>&1
  fi
  if ! as_owner "$pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_owner "$pg_ctl" -D "$DATA" -l "$BASE/server.log" -w -t 60 \
      -o "-p $PGPORT -k $BASE -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null
  fi
  local psql; psql=$(find_bin psql)
  if ! "$psql" -h 127.0.0.1 -p "$PGPORT" -U winnow -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='winnow_test'" | grep -q 1; then
    "$psql" -h 127.0.0.1 -p "$PGPORT" -U winnow -d postgres -qc "CREATE DATABASE winnow_test" >/dev/null
  fi
  echo "postgresql+psycopg://winnow@127.0.0.1:$PGPORT/winnow_test"
}

stop() {
  local pg_ctl
  pg_ctl=$(find_bin pg_ctl) || exit 0
  [ -d "$DATA" ] || exit 0
  as_owner "$pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
