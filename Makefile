# Lantern: `make demo` sets up, seeds and serves; `make test` lints and tests.
# Django 6 needs Python 3.12 or newer: we look for one, including pyenv's.
PYTHON ?= $(shell for p in python3.13 python3.12 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
SCALE ?= demo
SEED ?= 1
export LANTERN_DEMO ?= 1

.PHONY: demo setup venv assets migrate seed serve test lint typecheck pytest bench lock worker clean

demo: setup migrate seed serve

setup: venv assets

venv: $(BIN)/lantern

$(BIN)/lantern: pyproject.toml requirements/dev.txt
	@test -n "$(PYTHON)" || { echo "Lantern needs Python 3.12 or newer (Django 6). Install it, or run: make PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(BIN)/lantern

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

assets: node_modules/.package-lock.json
	npm run --silent build

migrate: venv
	$(BIN)/lantern migrate --no-input

seed: venv
	$(BIN)/lantern seed --scale $(SCALE) --seed $(SEED) --if-empty

serve: venv
	@echo "Lantern is at http://127.0.0.1:8000 (the background worker runs beside it)"
	$(BIN)/lantern worker & trap 'kill $$!' EXIT; $(BIN)/lantern runserver 127.0.0.1:8000

worker: venv
	$(BIN)/lantern worker

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lantern makemigrations --check --dry-run --settings=config.settings.test
	$(BIN)/mypy lantern config tests bench scripts

pytest: venv assets
	$(BIN)/pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)

test: lint pytest

bench: venv assets
	$(BIN)/python -m bench.run

lock: venv
	$(BIN)/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/prod.txt pyproject.toml
	$(BIN)/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --extra dev -o requirements/dev.txt pyproject.toml

clean:
	rm -rf $(VENV) node_modules lantern/static/dist lantern/static/govuk db.sqlite3 .test-media
