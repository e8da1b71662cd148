# Right to the City portal. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STACK := $(BIN)/python -m portal.devstack
# `make test` runs the suite in this many processes (pytest-xdist); 0 runs it in one.
PYTEST_WORKERS ?= 2

.PHONY: help run test lint pytest catalogues check-deploy clean-var messages demo-code fuzz audit backup restore bench

help:
	@echo "make run    - the whole portal with demo data on http://127.0.0.1:$(PORT)/"
	@echo "make test   - lint, migrations check, catalogue check and the whole test suite"
	@echo "make lint   - ruff"
	@echo "make check-deploy - Django's deployment checks with production settings"
	@echo "make demo-code - the demo accounts' current second-factor code"
	@echo "make fuzz   - schemathesis over the whole API with FUZZ_EXAMPLES (default 1000) per operation"
	@echo "make audit  - pip-audit of every pinned dependency (needs PyPI's vulnerability data)"
	@echo "make backup [FILE=…] / make restore FILE=… - dump or restore the database"
	@echo "make bench  - every benchmark with its full defaults (an hour or more; BENCH=http_load for one)"

$(BIN)/.installed: pyproject.toml requirements.lock requirements-dev.lock requirements-crosscheck.lock
	@if [ -z "$(PYTHON)" ]; then echo "Error: Python 3.11 or newer is needed, and no python3 was found." >&2; exit 2; fi
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { \
	  echo "Error: Python 3.11 or newer is needed; $(PYTHON) is $$($(PYTHON) -V 2>&1). Set PYTHON=/path/to/python3.11." >&2; exit 2; }
	@echo "==> Creating $(VENV) and installing the pinned dependencies"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements-crosscheck.lock
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# Compiled catalogues (.mo) are built here from the committed .po files.
catalogues: $(BIN)/.installed
	@$(BIN)/python -m portal.i18n.catalogues compile

run: $(BIN)/.installed catalogues
	@$(STACK) run --port $(PORT)

lint: $(BIN)/.installed
	@echo "==> ruff"
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check --quiet . || { echo "Run: .venv/bin/ruff format ." >&2; exit 1; }

# The browser quality gate's tools (Lighthouse, pinned in package-lock.json), with the
# machine's Node.js and npm; nothing here is served to readers.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "Error: Node.js and npm are needed for the Lighthouse gate of make test (apt-get install nodejs npm)." >&2; exit 2; }
	@echo "==> Installing the quality gate's tools (npm ci)"
	@npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

pytest: $(BIN)/.installed catalogues node_modules/.installed
	@$(STACK) exec -- bash -c '\
	  echo "==> makemigrations --check" && \
	  $(BIN)/python manage.py makemigrations --check --dry-run --settings=portal.settings.test && \
	  echo "==> pytest" && \
	  $(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)'

test: lint pytest

# The API fuzzing of `make test` (100 examples per operation), at a larger scale.
fuzz: $(BIN)/.installed catalogues
	@$(STACK) exec -- env FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-1000} \
	  $(BIN)/python -m pytest -q -p no:cacheprovider tests/portal/test_api_fuzz.py

# Known vulnerabilities in the pinned dependencies. pip-audit runs from its own venv and
# asks PyPI's JSON API for each pinned version; --strict fails when a package could not
# be checked, so an unreachable vulnerability source is a failure, never a silent pass.
AUDIT_VENV := .venv-audit
audit:
	@test -x $(AUDIT_VENV)/bin/pip-audit || { $(PYTHON) -m venv $(AUDIT_VENV) && \
	  $(AUDIT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-audit.lock; }
	@$(AUDIT_VENV)/bin/pip-audit --strict --disable-pip --no-deps --progress-spinner off \
	  -r requirements.lock -r requirements-dev.lock -r requirements-crosscheck.lock

check-deploy: $(BIN)/.installed
	@DJANGO_SETTINGS_MODULE=portal.settings.production \
	  SECRET_KEY=check-deploy-throwaway-$$(head -c 32 /dev/urandom | base64 | tr -d '/+=') \
	  DATABASE_URL=postgres://check@127.0.0.1:1/check REDIS_URL=redis://127.0.0.1:1/0 \
	  ALLOWED_HOSTS=portal.example.org REGISTRATION_PSEUDONYM_KEY=check-deploy-throwaway \
	  REFERRAL_PSEUDONYM_KEY=check-deploy-throwaway \
	  FIELD_ENCRYPTION_KEYS=$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

# Benchmarks (not part of `make test`): each prints its figures against its targets.
# `make bench BENCH=http_load` runs one (or several, space-separated); with one, ARGS=…
# passes it options (e.g. ARGS="--duration 30"). http_load needs Debian's wrk and nginx.
BENCHMARKS := http_load directory_search translation_stale pb_tally ballot_cast
BENCH ?= $(BENCHMARKS)
BENCH_ARGS_directory_search := --http

bench: $(BIN)/.installed catalogues
	@for name in $(BENCH); do test -f benchmarks/$$name.py || { \
	  echo "Error: no benchmark $$name (known: $(BENCHMARKS))" >&2; exit 2; }; done
	@$(STACK) exec -- bash -c 'failed=""; \
	  $(foreach name,$(BENCH),echo "==> benchmarks/$(name).py $(strip $(BENCH_ARGS_$(name)) $(ARGS))"; \
	  $(BIN)/python benchmarks/$(name).py $(BENCH_ARGS_$(name)) $(ARGS) || failed="$$failed $(name)"; ) \
	  if [ -n "$$failed" ]; then echo "==> Failed:$$failed" >&2; exit 1; fi; \
	  echo "==> Every benchmark ran: $(BENCH)"'

# Database backups (pg_dump custom format; encrypted fields stay encrypted).
backup: $(BIN)/.installed
	@$(STACK) exec -- $(BIN)/python manage.py backup $(if $(FILE),--output $(FILE),)

restore: $(BIN)/.installed
	@if [ -z "$(FILE)" ]; then echo "Usage: make restore FILE=var/backups/portal-….dump" >&2; exit 2; fi
	@$(STACK) exec -- $(BIN)/python manage.py restore "$(FILE)" --yes

# The current second-factor code of the demo accounts (their shared, published secret).
demo-code: $(BIN)/.installed
	@$(BIN)/python -m portal.demo_accounts

clean-var:
	rm -rf var

# Refresh locale/ from the code and templates (needs GNU gettext: apt-get install gettext).
messages: $(BIN)/.installed
	@for language in $$($(BIN)/python -c 'import os; print(" ".join(os.environ.get("PORTAL_LANGUAGES", "fr,en,es,ar,fa,uk,ti,ps").split(",")))'); do \
	  args="$$args -l $$language"; done; \
	DATABASE_URL=postgres://unused/unused $(BIN)/python manage.py makemessages $$args \
	  --no-obsolete --no-location --ignore='.venv/*' --ignore='var/*' --ignore='tests/*' --ignore='node_modules/*'
