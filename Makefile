# Yiwang — the two commands: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on every core (pytest-xdist); `make test JOBS=0` runs it in one process.
JOBS ?= auto
PYTEST_JOBS := $(if $(filter 0,$(JOBS)),,-n $(JOBS))

# Debian packages: a CJK font for PDFs and pages, HarfBuzz's subsetter (WeasyPrint is ~20x
# slower on Chinese without it), Pango for WeasyPrint, gettext for the message catalogs.
APT_RUN := fonts-wqy-microhei libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext poppler-utils
# Browser tests drive Debian's Chromium; never a downloaded browser. The worker tests need a
# real Redis (.ci/run starts it).
APT_TEST := chromium redis-server

define ensure_apt
	@missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

.PHONY: help setup setup-test system-packages messages migrate demo run serve test test-postgres translations clean

help:
	@echo "make run    install what is missing, migrate, load the demo, serve on http://$(HOST):$(PORT)"
	@echo "make test   install what is missing, run the whole suite on SQLite"
	@echo "make setup  install only (Debian packages, .venv, message catalogs)"

system-packages:
	$(call ensure_apt,$(APT_RUN))

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e ".[test]"
	@touch $(STAMP)

messages: $(STAMP)
	@$(PY) manage.py compilemessages -v 0 --ignore=.venv

setup: system-packages $(STAMP) messages

setup-test: setup
	$(call ensure_apt,$(APT_TEST))

migrate: setup
	$(PY) manage.py migrate --no-input

demo: migrate
	$(PY) manage.py load_demo

run: demo serve

serve:
	$(PY) manage.py runserver $(HOST):$(PORT)

# The import contracts (pyproject.toml, docs/architecture.md) first: they take a second.
test: setup-test
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest $(PYTEST_JOBS) $(PYTEST_ARGS)

# The same suite on PostgreSQL (DATABASE_URL defaults to the local cluster's `test` database).
test-postgres: setup-test
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(PY) -m pytest $(PYTEST_JOBS) $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis

# After changing user-facing strings: refresh the catalog, translate the new entries, commit.
translations: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=tests --ignore=bench --no-obsolete
