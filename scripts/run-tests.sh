#!/usr/bin/env bash
# Run the suite on SQLite, then the importer tests (and the API tests that carry references) on
# the mypyc-compiled modules (what release wheels and the Docker image run; needs a C compiler),
# then the suite on PostgreSQL. Full runs (no arguments) also fuzz the served API on each
# database (scripts/fuzz_api.py: Schemathesis, any 5xx fails; WINNOW_FUZZ_SECONDS per database,
# default 100; WINNOW_FUZZ_SEED replays a run whose seed the log printed).
# PostgreSQL:
#   - WINNOW_TEST_DATABASE_URL set: use that server;
#   - else start a throwaway cluster with scripts/test-postgres.sh when initdb is installed;
#   - else skip the PostgreSQL lane with a warning (an error when CI or WINNOW_REQUIRE_POSTGRES is set).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${VENV:-.venv}/bin"

echo "== test suite on SQLite"
env -u WINNOW_TEST_DATABASE_URL "$BIN/pytest" "$@"

fuzz() {  # fuzz [--database URL]
  "$BIN/python" scripts/fuzz_api.py "$@" --max-time "${WINNOW_FUZZ_SECONDS:-100}" \
    ${WINNOW_FUZZ_SEED:+--seed "$WINNOW_FUZZ_SEED"}
}
if [ $# -eq 0 ]; then
  fuzz
fi

# The compiled lane runs on full runs only (extra arguments usually pick a few tests).
if [ $# -eq 0 ]; then
  if command -v cc >/dev/null 2>&1; then
    root="$PWD"
    tree="$(mktemp -d)/compiled"
    echo "== importer tests on the mypyc-compiled modules ($tree)"
    "$BIN/python" -m benchmarks.compiled "$tree" --with-tests >/dev/null
    (
      cd "$tree"
      "$root/$BIN/python" -c 'import importers.ris as m, sys; sys.exit(None if m.__file__.endswith(".so") else f"not compiled: {m.__file__}")'
      # The core's own tests, and the API's that carry parsed references through import, dedup
      # and export.
      env -u WINNOW_TEST_DATABASE_URL "$root/$BIN/pytest" -q -p no:cacheprovider tests/importers \
        tests/api/test_imports.py tests/api/test_imports_pubmed.py tests/api/test_cli_files.py \
        tests/api/test_dedup.py tests/api/test_cli_dedupe.py tests/api/test_exports.py \
        tests/api/test_exports_archive.py
    )
    rm -rf "$(dirname "$tree")"
  elif [ -n "${CI:-}" ]; then
    echo "a C compiler (cc) is required here for the compiled lane" >&2
    exit 1
  else
    echo "== no C compiler (cc): the compiled-importers lane is skipped" >&2
  fi
fi

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
if [ $# -eq 0 ]; then
  # The test database's schema is wiped and rebuilt, as the test lane does.
  fuzz --database "$pg_url"
fi
