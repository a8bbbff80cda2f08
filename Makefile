# The two commands a new machine needs: `make run` and `make test`. See README.md.
SHELL := /bin/bash
# pyenv resolves `python3` to 3.12 inside the project through .python-version.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test venv node-tools migrate demo reference lint format serve serve-proxy bench clean
WEB_CONCURRENCY ?= 2

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12+ is needed (Django 6); found " + sys.version.split()[0] + ". Install it with pyenv, or run: make PYTHON=python3.12 ...")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

venv: $(STAMP)

# Test-only tools (axe-core, vnu-jar, lighthouse) for the browser suite; without npm those tests skip.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the browser quality tests will skip"; fi

node-tools: $(NODE_STAMP)

migrate: venv
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo_catalog

# ChEMBL's approved drugs and Huuskonen's solubilities, after the demo catalog so that they merge with it;
# skipped (in about a second) when the same data was imported before.
reference: demo
	$(BIN)/python manage.py load_reference_catalog --commit

run: reference
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: venv node-tools
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest

# Production-style: gunicorn, production settings, WhiteNoise serving compressed hashed static files.
# Plain HTTP on 127.0.0.1, so the HTTPS redirect is off; a throwaway key unless DJANGO_SECRET_KEY is set.
serve: export DJANGO_SETTINGS_MODULE = config.settings.prod
serve: export DJANGO_ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve: export DJANGO_SECURE_SSL_REDIRECT ?= false
serve: venv
	@export DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')}"; \
	$(BIN)/python manage.py collectstatic --noinput -v0 && \
	$(BIN)/python manage.py migrate --noinput -v0 && \
	$(BIN)/python manage.py load_demo_catalog && \
	$(BIN)/python manage.py load_reference_catalog --commit && \
	exec $(BIN)/gunicorn config.wsgi -c config/gunicorn.py --bind 127.0.0.1:$(PORT) --workers $(WEB_CONCURRENCY)

# nginx (Debian package) in front of `make serve`, as a deployment runs it: nginx on $(PORT) serves static
# files and caches public pages per their headers; gunicorn listens on $(APP_PORT). Ctrl-C stops both.
APP_PORT ?= 8001
serve-proxy: export DJANGO_TRUSTED_PROXIES ?= 127.0.0.1
serve-proxy: venv
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { echo "nginx is needed: apt-get install nginx"; exit 1; }
	$(BIN)/python -m ops.proxy --port $(PORT) --app-port $(APP_PORT)

# HTTP benchmark (wrk, Debian package): production server on SQLite and PostgreSQL + Redis, ratios to a
# static file; writes bench/results/http-DATE.{json,md}. Takes about 5 minutes.
bench: venv
	@command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
	$(BIN)/python bench/http_bench.py

lint: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
