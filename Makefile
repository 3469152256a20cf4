# readerdesk: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test chaos install install-dev upgrade demo bench clean

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

test: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check readerdesk tests bench app.py
	$(PY) -m pytest $(PYTEST_ARGS)

# Breaks its own PostgreSQL, Redis and worker under load (bench/chaos/README.md); under 5 minutes.
chaos: $(VENV)/.installed-dev
	$(PY) bench/chaos/run.py $(CHAOS_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis
