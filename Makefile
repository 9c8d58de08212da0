# AfterSales developer entry points. `make help` lists them; `make run` and `make test` are the two that matter.
#
# Environment: DATABASE_URL (default SQLite db.sqlite3), REDIS_URL (default in-process cache), PORT (default 8000).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# The test steps share one database and one virtualenv: run them one after another even under -j.
.NOTPARALLEL:

VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
LOCK := requirements/dev.lock
# The stamp's name carries the lock's hash, so editing the lock re-installs and nothing else does.
LOCK_HASH = $(shell sha256sum $(LOCK) | cut -c1-16)
STAMP = $(VENV)/.installed-$(LOCK_HASH)
MANAGE := $(PY) manage.py
PORT ?= 8000
# Python keeps the bytecode it compiles (in the gitignored __pycache__ folders; install compiles the
# virtualenv's). Where the environment sets PYTHONDONTWRITEBYTECODE (the CI machines' does), every process
# would compile the whole project again: 20 s at the start of each test worker on a slow machine.
unexport PYTHONDONTWRITEBYTECODE

# The first Python 3.13 that actually runs: python3.13 on PATH (a pyenv shim counts), then pyenv's own
# versions, then ~/.pyenv when pyenv itself is not on PATH (CI). Override with `make PYTHON313=/path/python3`.
PYTHON313 ?= $(shell for p in python3.13 $$(pyenv root 2>/dev/null)/versions/3.13*/bin/python3 \
	$$HOME/.pyenv/versions/3.13*/bin/python3; do \
	if "$$p" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' >/dev/null 2>&1; then \
	"$$p" -c 'import sys; print(sys.executable)'; break; fi; done)

.PHONY: help install run dev test lint lint-imports format-check typecheck migrations-check openapi openapi-check check-deploy \
	pytest pytest-unit pytest-browser fuzz screenshots lock bench bench-sqlite clean mqtt consume simulate

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-18s %s\n", $$1, $$2}'

# --- environment ---------------------------------------------------------------------------------

$(PY):
	@if [ -z "$(PYTHON313)" ]; then \
		echo "Python 3.13 not found: install it (pyenv install 3.13) or run make PYTHON313=/path/to/python3.13" >&2; \
		exit 1; fi
	"$(PYTHON313)" -m venv $(VENV)

$(STAMP): $(LOCK) | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip sync --python $(PY) --require-hashes --compile-bytecode $(LOCK)
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP) ## Create .venv and install requirements/dev.lock (again only when the lock changes)

lock: | $(PY) ## Recompile requirements/base.lock and requirements/dev.lock from the .in files
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip compile --python $(PY) requirements/base.in --generate-hashes -o requirements/base.lock
	$(VENV)/bin/uv pip compile --python $(PY) requirements/dev.in --generate-hashes -o requirements/dev.lock

# --- run -----------------------------------------------------------------------------------------

# `make run` is the embedded setup (aftersales/settings/embedded.py): production's application server and
# DEBUG off, on one machine with SQLite (or DATABASE_URL), the outbox relay beside it and the demo users.
WORKERS ?= 2
EMBEDDED := DJANGO_SETTINGS_MODULE=aftersales.settings.embedded

run: install ## Migrate, load the demo data into an empty database (DEMO=0: never), serve through granian (DEBUG off) on 127.0.0.1:$PORT with the outbox relay beside it
	$(EMBEDDED) $(MANAGE) migrate --no-input
	$(if $(filter 0,$(DEMO)),@echo "DEMO=0: no demo data loaded",$(EMBEDDED) $(MANAGE) load_demo)
	$(EMBEDDED) $(MANAGE) collectstatic --no-input --verbosity 0
	$(EMBEDDED) AFTERSALES_CONSOLE_MESSAGES_IN_FULL=1 $(MANAGE) relay_outbox --loop & relay=$$!; trap 'kill $$relay 2>/dev/null; wait $$relay 2>/dev/null' EXIT; \
	$(EMBEDDED) $(VENV)/bin/granian --interface wsgi aftersales.wsgi:application --host 127.0.0.1 --port $(PORT) \
		--workers $(WORKERS) --no-ws

# No Celery worker under make dev either: tasks run inline unless CELERY_BROKER_URL names a broker (base.py
# would otherwise take REDIS_URL for the broker, and a large import would wait there for a worker).
DEV_BROKER := CELERY_BROKER_URL=$${CELERY_BROKER_URL:-memory://}

dev: install ## Like run, but Django's auto-reloading runserver with DEBUG on (static files from the source tree)
	$(MANAGE) migrate --no-input
	$(MANAGE) load_demo
	$(DEV_BROKER) $(MANAGE) relay_outbox --loop & relay=$$!; trap 'kill $$relay 2>/dev/null; wait $$relay 2>/dev/null' EXIT; \
	$(DEV_BROKER) DJANGO_DEBUG=1 $(MANAGE) runserver 127.0.0.1:$(PORT)

# --- connected equipment (docs/devices.md) --------------------------------------------------------

MQTT_PORT ?= 1883
MOSQUITTO := $(shell command -v mosquitto 2>/dev/null || echo /usr/sbin/mosquitto)

mqtt: ## Install (Debian package) and run Mosquitto on 127.0.0.1:$MQTT_PORT in the foreground (development)
	@if [ ! -x "$(MOSQUITTO)" ]; then \
		echo "installing mosquitto (Debian package)"; \
		apt-get update && apt-get install -y --no-install-recommends mosquitto mosquitto-clients; fi
	@conf=$$(mktemp); trap 'rm -f "$$conf"' EXIT; \
	printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$(MQTT_PORT)" > "$$conf"; \
	$$(command -v mosquitto || echo /usr/sbin/mosquitto) -c "$$conf"

consume: install ## The device-message consumer against mqtt://127.0.0.1:$MQTT_PORT (run make mqtt first)
	AFTERSALES_MQTT_URL=$${AFTERSALES_MQTT_URL:-mqtt://127.0.0.1:$(MQTT_PORT)} $(MANAGE) consume_device_messages

simulate: install ## The example fleet simulator publishing positions and faults to mqtt://127.0.0.1:$MQTT_PORT
	$(PY) examples/fleet_simulator.py --url mqtt://127.0.0.1:$(MQTT_PORT)

# --- test ----------------------------------------------------------------------------------------

test: install lint lint-imports format-check typecheck migrations-check openapi-check check-deploy pytest ## Every check CI runs, in order

lint: install ## ruff check
	$(VENV)/bin/ruff check .

lint-imports: install ## import-linter: apps import only downwards, no import cycle ([tool.importlinter], docs/architecture.md)
	$(VENV)/bin/lint-imports

format-check: install ## ruff format --check (no files are changed)
	$(VENV)/bin/ruff format --check .

typecheck: install ## mypy with django-stubs on services and selectors ([tool.mypy] in pyproject.toml)
	$(VENV)/bin/mypy

migrations-check: install ## Fail when a model change has no migration
	$(MANAGE) makemigrations --check --dry-run

OPENAPI_EXPORT = $(MANAGE) export_openapi_schema --api aftersales.api.api --indent 2 --sorted

openapi: install ## Write the API schema to docs/openapi.json (commit it with the API change)
	$(OPENAPI_EXPORT) --output docs/openapi.json
	@echo "wrote docs/openapi.json"

openapi-check: install ## Fail when the API differs from the committed docs/openapi.json
	@if [ ! -f docs/openapi.json ]; then echo "docs/openapi.json is missing: run make openapi and commit it" >&2; exit 1; fi
	@tmp=$$(mktemp); trap 'rm -f "$$tmp"' EXIT; \
	$(OPENAPI_EXPORT) --output "$$tmp"; \
	if ! diff -u --label docs/openapi.json --label current-api docs/openapi.json "$$tmp"; then \
		echo "The API changed but docs/openapi.json did not: run make openapi and commit the result" >&2; exit 1; fi; \
	echo "docs/openapi.json matches the API"

# A throwaway in-memory database: this checks the production settings, not whatever data is in
# db.sqlite3 (a developer's demo users would trip the demo-password check, aftersales.E001).
check-deploy: install ## manage.py check --deploy with the production settings; warnings fail
	DJANGO_SETTINGS_MODULE=aftersales.settings.production \
	DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	DJANGO_ALLOWED_HOSTS=example.com \
	DATABASE_URL=sqlite://:memory: \
	$(MANAGE) check --deploy --fail-level WARNING

# xdist workers for pytest-unit: one per core by default; `make pytest-unit PYTEST_WORKERS=4` to choose.
PYTEST_WORKERS ?= auto

# BROWSER=0 leaves the browser scenarios out for a quick local run (.ci/run runs them on both databases).
BROWSER ?= 1

# pytest exits 5 when it collects no test (a wrong path, a broken conftest); make treats that like any
# other non-zero exit, so an empty run fails both steps.
pytest: pytest-unit $(if $(filter 1,$(BROWSER)),pytest-browser) ## All tests: pytest-unit, then pytest-browser

pytest-unit: install ## Every test but the browser ones, in parallel, with coverage; fails under the floor
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --ignore=aftersales/browser_tests --cov --cov-report=term:skip-covered

pytest-browser: install ## The browser scenarios (headless Chromium), one at a time; screenshots untouched
	$(VENV)/bin/pytest aftersales/browser_tests

# Examples per API operation for make fuzz (about 2 minutes on 2 cores at 100).
FUZZ_MAX_EXAMPLES ?= 100

fuzz: install ## schemathesis on every operation of docs/openapi.json: no 5xx, every error in the one shape (aftersales/fuzz)
	AFTERSALES_FUZZ=1 FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) $(VENV)/bin/pytest -p no:cacheprovider -n $(PYTEST_WORKERS) aftersales/fuzz

screenshots: install ## Run the browser scenarios and rewrite docs/screenshots/*.png (commit what changed)
	AFTERSALES_SCREENSHOTS=1 $(VENV)/bin/pytest aftersales/browser_tests

# --- other ---------------------------------------------------------------------------------------

bench: install ## Run the benchmarks (benchmarks/run.sh; see benchmarks/README.md)
	bash benchmarks/run.sh

BENCH_SQLITE ?= /tmp/bench_1m.sqlite3
bench-sqlite: install ## The same on the embedded setup: SQLite file $$BENCH_SQLITE (1,000,000 orders), granian x2, embedded settings
	BENCH_DATABASE_URL=sqlite:///$(abspath $(BENCH_SQLITE)) bash benchmarks/run.sh

clean: ## Remove the virtualenv, caches and collected static files (keeps db.sqlite3)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .cache/test-db staticfiles test-results .coverage .coverage.* htmlcov
	find . -name __pycache__ -type d -not -path './node_modules/*' -prune -exec rm -rf {} +
