# Two entry points (see README): `make demo` and `make test`. Both set up .venv from scratch.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo serve test lint typecheck clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[all,dev]'
	# eyecite's Hyperscan database for `cite verify` and `corpus load` (~15-40 s, once)
	$(BIN)/python -m monell.law.citation_tokens
	touch $(STAMP)

# The main job on the embedded defaults: assess the bundled example incident.
demo: setup
	$(BIN)/monell assess examples/st_louis_excessive_force.yaml

# The web app on the embedded defaults (SQLite in the user data folder, key file made on
# first start): http://127.0.0.1:8000/ ; staff accounts: .venv/bin/monell users create.
serve: setup
	$(BIN)/monell serve

lint: setup
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/ruff check src tests benchmarks scripts

typecheck: setup
	$(BIN)/mypy

# The whole suite: lint, types, then pytest with a throwaway PostgreSQL server.
test: lint typecheck
	scripts/system_deps.sh
	scripts/test_assets.sh
	scripts/with_postgres.sh sh -c '$(BIN)/pytest && MONELL_WEB_TEST_POSTGRES=1 $(BIN)/pytest -q tests/web -m "not browser"'

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
