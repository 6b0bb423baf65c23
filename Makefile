# AgencyRank: `make run` serves the site locally, `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# The first Python 3.12+ found: on PATH, then in pyenv's versions (whose shims refuse to run
# a version that is not selected).
PYTHON ?= $(shell for p in python3.13 python3.12 \
	$$HOME/.pyenv/versions/3.13*/bin/python3.13 $$HOME/.pyenv/versions/3.12*/bin/python3.12 \
	/usr/local/bin/python3.13 /usr/local/bin/python3.12 python3; do \
	  "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 \
	    && { command -v "$$p" 2>/dev/null || echo "$$p"; } && break; done)

# The test suite runs against PostgreSQL and Redis on this machine unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/agencyrank
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=

.PHONY: help install install-dev run test lint format messages check-python clean

help:
	@echo "make run      install, migrate, load demo data once, score it, serve http://127.0.0.1:8000"
	@echo "make test     install dev tools and run the whole suite on PostgreSQL and Redis"
	@echo "make install  create .venv and install the application"
	@echo "make lint     ruff, migrations check, Django system checks"
	@echo "make format   ruff format and import sorting"
	@echo "make messages refresh and compile the Spanish catalogue"

check-python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required (python3.13 or python3.12)." >&2; exit 1; }

$(VENV)/bin/activate: | check-python
	"$(PYTHON)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(VENV)/bin/activate
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py recompute_scores --sync --verbosity 0
	$(PY) manage.py runserver 127.0.0.1:8000

test: install-dev
	DATABASE_URL="$(TEST_DATABASE_URL)" TEST_REDIS_URL="$(TEST_REDIS_URL)" \
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DATABASE_URL="sqlite://:memory:" $(PY) manage.py makemigrations --check --dry-run
	DATABASE_URL="sqlite://:memory:" $(PY) manage.py check --fail-level WARNING

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install-dev
	$(PY) manage.py makemessages --locale es --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'tests/*' --ignore 'bench/*'
	$(PY) manage.py compilemessages --locale es --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles
