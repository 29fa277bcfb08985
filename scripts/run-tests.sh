#!/usr/bin/env bash
# Run the suite on SQLite, then on PostgreSQL:
#   - WINNOW_TEST_DATABASE_URL set: use that server;
#   - else start a throwaway cluster with scripts/test-postgres.sh when initdb is installed;
#   - else skip the PostgreSQL lane with a warning (an error when CI or WINNOW_REQUIRE_POSTGRES is set).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${VENV:-.venv}/bin"

echo "== test suite on SQLite"
env -u WINNOW_TEST_DATABASE_URL "$BIN/pytest" "$@"

pg_url="${WINNOW_TEST_DATABASE_URL:-}"
started=""
if [ -z "$pg_url" ]; then
  if pg_url=$(scripts/test-postgres.sh start); then
    started=1
    trap 'scripts/test-postgres.sh stop' EXIT
  else
    pg_url=""
  fi
fi
if [ -z "$pg_url" ]; then
  if [ -n "${CI:-}" ] || [ -n "${WINNOW_REQUIRE_POSTGRES:-}" ]; then
    echo "PostgreSQL is required here but could not be started" >&2
    exit 1
  fi
  echo "== PostgreSQL not available (install postgresql to run the second lane); skipped" >&2
  exit 0
fi
echo "== test suite on PostgreSQL (${started:+throwaway cluster, }$pg_url)"
WINNOW_TEST_DATABASE_URL="$pg_url" "$BIN/pytest" "$@"
