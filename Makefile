# Section 55 Tracker — `make run` to try it, `make test` to check it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install assets lint typecheck pytest bench reliability lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip uv

$(VENV)/.installed: $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes -r requirements.lock
	touch $@

install: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/app.css: node_modules/.installed $(shell find static/scss static/js -type f 2>/dev/null)
	npm run --silent build

assets: static/build/app.css

run: install assets
	@scripts/run.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

typecheck: install
	$(BIN)/mypy .

pytest: install assets
	$(BIN)/pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)

test: lint typecheck pytest

bench: install
	$(BIN)/python demo/bench.py

reliability: install assets
	$(BIN)/python demo/reliability.py $(RELIABILITY_ARGS)

lock: $(BIN)/python
	$(BIN)/uv pip compile pyproject.toml --group dev --generate-hashes -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --generate-hashes -o requirements-prod.lock

clean:
	rm -rf $(VENV) node_modules static/build staticfiles var/test
