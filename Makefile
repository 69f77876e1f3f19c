# Fieldwork 1+2 — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432
REDIS_URL ?= redis://127.0.0.1:6379/15
WORKER_DB ?= fieldwork_worker
DEBIAN_TEST_PACKAGES := chromium poppler-utils docker-compose nginx-light
export DJANGO_SETTINGS_MODULE := config.settings

SMOKE_PORT ?= 8000
SMOKE_DB ?= fieldwork_smoke
# make test needs nothing but Python: the suites that need Debian packages (system-deps) or
# services (PostgreSQL, Redis) have their own markers and targets.
UNIT_MARKERS := not browser and not worker and not deploy and not walk and not faults
FAULTS_DB ?= fieldwork_faults
# The upgrade check migrates a database made by this commit's code (scripts/upgrade_check.py).
UPGRADE_BASE ?=

.PHONY: install run serve demo test test-pg test-worker test-browser test-deploy test-walk test-faults test-upgrade test-all smoke lint format system-deps check-deploy screenshots pdf-previews bench bench-pages bench-load bench-surge bench-backup clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed ## create .venv and install the requirements

.env:
	@echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "DJANGO_DEBUG=1" >> .env
	@echo "Created .env with a development SECRET_KEY."

run: install .env ## migrate, load the demo organization, print logins, serve on 127.0.0.1:$(PORT)
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py compilemessages -v0 --ignore=.venv 2>/dev/null || true
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

demo: install .env
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_demo

system-deps: ## Debian packages the test suites need (chromium, pdftoppm, docker-compose, nginx)
	@missing=""; for p in $(DEBIAN_TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "Installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing Debian packages:$$missing (run: sudo apt-get install$$missing)"; fi; fi

test: install ## the whole suite on SQLite (browser and real-worker suites: test-browser, test-worker)
	DJANGO_TESTING=1 $(VENV)/bin/pytest -q -n 2 -m "$(UNIT_MARKERS)"

test-pg: install ## the same suite on the machine's PostgreSQL, in a fresh database
	DJANGO_TESTING=1 DATABASE_URL=$(PG_URL)/fieldwork_ci_$$$$ $(VENV)/bin/pytest -q -n 2 -m "$(UNIT_MARKERS)" --create-db

test-deploy: install system-deps ## deployment checks that need Debian packages (docker-compose, nginx)
	DJANGO_TESTING=1 $(VENV)/bin/pytest -q -m deploy -p no:xdist

smoke: install ## the compose file's web, worker and beat commands on this machine (PostgreSQL, Redis, DEBUG off)
	$(PY) scripts/smoke_production.py --port $(SMOKE_PORT) --database $(PG_URL)/$(SMOKE_DB) --redis $(REDIS_URL)

test-worker: install ## Celery round trip through a real worker process on Redis (and PostgreSQL)
	DJANGO_TESTING=1 DATABASE_URL=$(PG_URL)/$(WORKER_DB) CELERY_BROKER_URL=$(REDIS_URL) $(VENV)/bin/pytest -q -m worker -p no:xdist

test-browser: install system-deps ## Playwright + Debian chromium
	DJANGO_TESTING=1 DJANGO_ALLOW_ASYNC_UNSAFE=1 $(VENV)/bin/pytest -q -m browser -p no:xdist

test-walk: install ## every URL as every demo login, GET and POST with empty and garbage forms: never a 5xx (PostgreSQL)
	DJANGO_TESTING=1 DATABASE_URL=$(PG_URL)/fieldwork_walk_$$$$ $(VENV)/bin/pytest -q -n 2 -m walk --create-db

test-faults: install ## faults through real processes: Redis killed, connections cut, SMTP refusing, disk full, watchdog, backup drill
	DJANGO_TESTING=1 DATABASE_URL=$(PG_URL)/$(FAULTS_DB) $(VENV)/bin/pytest -q -m faults -p no:xdist --create-db

test-upgrade: install ## migrate a database made by the last landed commit's code; rows and figures unchanged; makemigrations --check
	$(PY) scripts/upgrade_check.py $(UPGRADE_BASE) --database-server $(PG_URL)

test-all: test test-pg test-worker test-deploy test-browser test-walk test-faults test-upgrade

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-deploy: install
	DJANGO_DEBUG=0 SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))') ALLOWED_HOSTS=example.vn \
	  $(PY) manage.py check --deploy --fail-level WARNING

pdf-previews: install system-deps ## render every page of every PDF form (annual and quarterly cycle, a district) to PNG under artifacts/pdf/
	$(PY) scripts/pdf_previews.py

bench: install
	$(PY) bench/quota.py
	$(PY) bench/reports.py

BENCH_DB ?= fieldwork_bench
bench-pages: install ## every Board/Standing/head page at 25 and 10,000 cadres (PostgreSQL $(BENCH_DB)); keeps the data for bench-load
	psql "$(PG_URL)/postgres" -qc "CREATE DATABASE $(BENCH_DB)" 2>/dev/null || true
	DATABASE_URL=$(PG_URL)/$(BENCH_DB) $(PY) bench/pages.py --keep

bench-load: install ## 50 concurrent users through gunicorn on 127.0.0.1:$(PORT), p50/p95 per page beside /healthz (LOAD_ARGS="--cadres 25": the small organization)
	DATABASE_URL=$(PG_URL)/$(BENCH_DB) $(PY) bench/load.py --port $(PORT) $(LOAD_ARGS)

bench-surge: install ## the deadline day: 500 cadres submit mẫu 1 through gunicorn on PostgreSQL while heads approve and the Board reads
	psql "$(PG_URL)/postgres" -qc "DROP DATABASE IF EXISTS $(BENCH_DB)_surge WITH (FORCE)" -c "CREATE DATABASE $(BENCH_DB)_surge"
	DATABASE_URL=$(PG_URL)/$(BENCH_DB)_surge $(PY) bench/surge.py --port $(PORT) $(SURGE_ARGS)

bench-backup: install ## time of a backup and a restore of the 10,000-cadre benchmark organization (PostgreSQL $(BENCH_DB))
	psql "$(PG_URL)/postgres" -qc "CREATE DATABASE $(BENCH_DB)" 2>/dev/null || true
	DATABASE_URL=$(PG_URL)/$(BENCH_DB) $(PY) bench/backup.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
