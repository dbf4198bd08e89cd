# Conecta Pastaza. `make run` sets everything up and serves http://127.0.0.1:8000 (`make run PORT=8101` on another
# port); `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup install messages makemessages migrate demo test lint bench clean check-compose

# The links the site writes into e-mails and PDFs (SITE_URL) name the address it serves: set from HOST and PORT
# unless SITE_URL is given. Target-specific, so `setup` (load_demo's example report) gets it too.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: setup
	$(PY) manage.py ensure_admin
	$(PY) manage.py runserver $(HOST):$(PORT)

setup: install messages migrate demo

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Compiles locale/*/LC_MESSAGES/django.po: without the Kichwa .mo, /qu/ is a 404.
messages: install
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var -v0

makemessages: install
	$(PY) manage.py makemessages -l es -l qu --ignore=.venv --ignore=var --ignore=tests --ignore=bench --no-obsolete
	$(PY) locale/restore_review_flags.py locale/qu/LC_MESSAGES/django.po

migrate: install
	mkdir -p var/static
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py load_demo

# In parallel: pytest-xdist, one worker per core. Each worker takes the tests in their order, so a module's shared
# fixtures (the browser tests' demo server) are built at most once per worker. The 25 slowest are listed at the
# end. `make test TEST_WORKERS=0` runs them all in one process.
TEST_WORKERS ?= auto
test: install messages
	$(PY) -m pytest -n $(TEST_WORKERS) --durations=25 $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run -v1

check-compose: install
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

bench: install messages
	$(PY) bench/run.py $(BENCH_ARGS)
	$(PY) bench/participation.py
	$(PY) bench/reports.py
	$(PY) bench/roads.py
	$(PY) bench/opendata.py
	$(PY) bench/history.py
	$(PY) bench/zipbomb.py
	$(PY) bench/outage.py
	$(PY) bench/audio.py
	$(PY) bench/alerts.py

clean:
	rm -rf var $(VENV) .pytest_cache
