# Fresh machine: `make run` or `make test` is all it takes (Python 3.11+ required).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
LOCAL_DB_DIR := .data/postgres

.PHONY: install run test test-quick lint fmt clean lock bench bench-smoke

$(INSTALLED): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(INSTALLED)

# DATABASE_URL (environment or .env) when set, else a private PostgreSQL under .data/ that
# stops with the server (Ctrl+C or SIGTERM); its data stays for the next run.
run: install
	@exec $(BIN)/chat-api dev --data-dir $(LOCAL_DB_DIR)

test: install
	$(BIN)/pytest --cov --cov-report=term-missing

# The in-process part (docs/testing.md): no pgbouncer, nginx, cluster, browser, linter or
# service process started, nothing slow. Under a minute.
test-quick: install
	$(BIN)/pytest -m "not component and not slow" -q

# The full benchmark (about 35 minutes): writes bench/results/ and docs/performance.md's tables.
bench: install
	$(BIN)/python -m bench $(if $(WORKERS),--workers "$(WORKERS)")

# Seconds, tiny dataset; also part of `make test` (tests/ops/test_bench_smoke.py).
bench-smoke: install
	$(BIN)/python -m bench --smoke --output $$(mktemp -d)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/bandit -q -c pyproject.toml -r service
	$(BIN)/sqlfluff lint --disable-progress-bar sql migrations tests/sql bench/sql
	$(BIN)/lint-imports --no-cache

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov dist build

# Re-pin constraints.txt to what the current virtualenv has (after changing pyproject.toml).
lock: install
	{ sed -n '1,2p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable; } > constraints.new
	mv constraints.new constraints.txt
