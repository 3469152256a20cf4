# readerdesk: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test quick lint chaos install install-dev upgrade demo bench clean translations translations-compile

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

upgrade: $(VENV)/.installed
	FLASK_DEBUG=1 $(FLASK) db upgrade

demo: upgrade
	FLASK_DEBUG=1 $(FLASK) readerdesk demo

# The demo runs in debug mode on the loopback interface: no SECRET_KEY needed, cookies over http.
run: demo
	FLASK_DEBUG=1 $(FLASK) run --host $(HOST) --port $(PORT)

# readerdesk's languages (Flask-Babel): gettext catalogues in readerdesk/translations/<lang>/LC_MESSAGES, for
# the desk, the reader pages, the emails and the widget (its words go to static/i18n at `make widget`).
# `make translations` extracts every marked string (babel.cfg) into messages.pot, merges it into each
# messages.po (translate the new entries there), and compiles the .mo files, which stay committed so
# that a fresh clone runs without this step. tests/test_translations.py fails on a stale catalogue.
TRANSLATIONS := readerdesk/translations
PYBABEL := $(VENV)/bin/pybabel
translations: $(VENV)/.installed
	$(PYBABEL) -q extract -F $(TRANSLATIONS)/babel.cfg -k _l -k N_ -k N_plural:1,2 -k lazy_ngettext:1,2 --no-location --sort-output -w 120 \
		-o $(TRANSLATIONS)/messages.pot readerdesk templates static/src/widget
	$(PYBABEL) -q update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete -w 120
	$(MAKE) translations-compile

translations-compile: $(VENV)/.installed
	$(PYBABEL) -q compile -d $(TRANSLATIONS)

# Static checks, each on its own: style (ruff.toml), types (mypy.ini), the layers' imports
# (.importlinter), and the widget's source (eslint, lint-js).
lint: $(VENV)/.installed-dev lint-js
	$(VENV)/bin/ruff check readerdesk tests bench app.py migrations
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: lint
	$(PY) -m pytest $(PYTEST_ARGS)

# The suite without the fuzz, property and end-to-end tests (marked slow), and without lint.
quick: $(VENV)/.installed-dev node_modules/.installed
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

# Breaks its own PostgreSQL, Redis and worker under load (bench/chaos/README.md); under 5 minutes.
chaos: $(VENV)/.installed-dev
	$(PY) bench/chaos/run.py $(CHAOS_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis .mypy_cache .ruff_cache .import_linter_cache

# The widget: readable source in static/src, built by the pinned esbuild (package-lock.json) into
# static/readerdesk.js and static/readerdesk-support.js, which stay committed. `npm ci` runs again
# when the lock file changes or node_modules is missing; the test suite needs it for the build check.
.PHONY: widget lint-js
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

widget: node_modules/.installed $(VENV)/.installed
	$(PY) tools/widget_catalogues.py
	npm run --silent build

lint-js: node_modules/.installed
	npm run --silent lint

# The pins behind their newest release. Asks the package index (network); a report that never fails.
.PHONY: outdated
outdated:
	-$(PYTHON) tools/outdated.py
