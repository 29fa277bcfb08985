# The README's commands. Each one sets up what it needs in ./.venv first.
PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 8000
BIN := $(VENV)/bin

.PHONY: serve test lint bench wheel install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed-runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[postgres]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,postgres]'
	touch $@ $(VENV)/.installed-runtime

install: $(VENV)/.installed-runtime

## make serve: migrate the embedded SQLite database, load the demo review, serve on PORT (8000)
serve: $(VENV)/.installed-runtime
	$(BIN)/winnow serve --demo --host $(HOST) --port $(PORT)

## make test: the whole suite on SQLite, then again on PostgreSQL (started here when possible)
test: $(VENV)/.installed-dev
	VENV=$(VENV) scripts/run-tests.sh

## make lint: formatting, lint, types and the layer contracts
lint: $(VENV)/.installed-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy api importers screening tests
	$(BIN)/lint-imports

## make bench: every benchmark (they skip when ../shared/data is absent)
bench: $(VENV)/.installed-dev
	@for b in benchmarks/[a-z]*.py; do \
		m=$$(basename $$b .py); echo "== benchmarks.$$m"; $(BIN)/python -m benchmarks.$$m || exit 1; \
	done

## make wheel: a release wheel in dist/, with the import core compiled by mypyc (needs a C compiler)
wheel: $(VENV)/.installed-dev
	HATCH_BUILD_HOOK_ENABLE_MYPYC=1 $(BIN)/pip wheel --quiet --no-deps --wheel-dir dist .
	@# hatch-mypyc leaves the compiled modules beside the sources, where they would shadow the
	@# .py files an editable install runs: they are in the wheel, so remove them here.
	rm -f ./*__mypyc.*.so importers/*.so

clean:
	scripts/test-postgres.sh stop || true
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
