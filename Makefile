# Two commands for a fresh machine with Python 3.11+:
#   make run    bootstrap .venv, migrate, load the demo data, serve on 127.0.0.1:$(PORT)
#   make test   bootstrap .venv and run the whole test suite
# Both are idempotent: the environment is rebuilt only when the pinned requirements change.

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

RUNTIME_VENV := .venv-runtime

.PHONY: run test lint smoke bench loadtest worker beat clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(BIN)/activate
	$(PY) -m pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt requirements/base.txt | $(BIN)/activate
	$(PY) -m pip install --quiet -r requirements/dev.txt
	touch $(VENV)/.base-installed $@

run: $(VENV)/.base-installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py render_public_documents --no-progress
	$(PY) manage.py serve_demo --port $(PORT)

test: $(VENV)/.dev-installed
	$(PY) -m pytest $(PYTEST_ARGS)

# The runtime requirements alone, as a deployment installs them (make smoke).
$(RUNTIME_VENV)/.installed: requirements/base.txt
	rm -rf $(RUNTIME_VENV)
	$(PYTHON) -m venv $(RUNTIME_VENV)
	$(RUNTIME_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(RUNTIME_VENV)/bin/python -m pip install --quiet -r requirements/base.txt
	touch $@

# The web process and a Celery worker on Redis, from the runtime requirements only: one transition
# over HTTP, and its notification delivered (.ci/runtime_smoke.py).
smoke: $(RUNTIME_VENV)/.installed
	$(RUNTIME_VENV)/bin/python .ci/runtime_smoke.py

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports

# Load the public API and pages under gunicorn on 127.0.0.1 (see bench/run.py). Options go in
# BENCH_ARGS, e.g. make bench BENCH_ARGS="--articles 200 --duration 5"; a PostgreSQL bench
# database: DATABASE_URL=postgres://postgres@127.0.0.1:5432/editorial_bench make bench
bench: $(VENV)/.base-installed
	$(PY) -m bench.run $(BENCH_ARGS)

# Readers on the public API and pages (64 connections, 60 s) while editorial writers submit, sign
# off, approve and retract, on PostgreSQL under gunicorn on 127.0.0.1 (see bench/loadtest.py).
# Options in LOADTEST_ARGS, e.g. make loadtest LOADTEST_ARGS="--duration 20 --connections 32".
# It recreates its database, DATABASE_URL=postgres://postgres@127.0.0.1:5432/editorial_loadtest_bench
# by default (the name must contain "loadtest" and "bench").
loadtest: $(VENV)/.base-installed
	$(PY) -m bench.loadtest $(LOADTEST_ARGS)

worker: $(VENV)/.base-installed
	$(BIN)/celery -A editorial worker --loglevel=INFO

beat: $(VENV)/.base-installed
	$(BIN)/celery -A editorial beat --loglevel=INFO

clean:
	rm -rf $(VENV) $(RUNTIME_VENV) db.sqlite3 staticfiles .pytest_cache
