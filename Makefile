# kitos: the two commands a newcomer needs are `make run` and `make test`.
# Both create .venv with Python 3.11 and install the project on first use.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run test lint check migrate seed worker clean messages bench

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "kitos needs Python 3.11 (found %s); set PYTHON=/path/to/python3.11" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## make run: SQLite, eager Celery tasks, demo data, http://127.0.0.1:8000
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

## make test: the whole suite (SQLite unless DATABASE_URL is set; .ci/run uses PostgreSQL)
## on every core (pytest-xdist; TEST_WORKERS=0 runs it in one process). Each module runs
## on one worker; the tests on the seeded demo form one group that runs last on one
## worker, which seeds it once (tests/conftest.py).
TEST_WORKERS ?= auto
test: install
	DJANGO_SETTINGS_MODULE=kitos.settings.test $(PY) -m pytest --create-db \
	  -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder --durations=25 $(PYTEST_ARGS)

## make lint: ruff, and import-linter for the layers (README: Architecture)
lint: install
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports

check: install
	DJANGO_SETTINGS_MODULE=kitos.settings.test $(PY) manage.py makemigrations --check --dry-run

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## make worker: a Celery worker and beat against REDIS_URL (production runs them separately)
worker: install
	$(PY) -m celery -A kitos worker --beat -Q default,alerts,imports --loglevel=INFO

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles

## make messages: refresh and compile the English catalogue (needs gettext)
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=tests --ignore=staticfiles --no-location
	$(PY) manage.py compilemessages -l en --ignore=.venv

## make bench: the benchmarks on PostgreSQL (127.0.0.1, a database kitos_bench_<name> each),
## then one table of figures and ratios (benchmarks/run_all.py; BENCH_RUNS=2 runs twice,
## BENCH_ONLY=api,alerts picks some). Figures, never assertions.
bench: install
	$(PY) benchmarks/run_all.py
