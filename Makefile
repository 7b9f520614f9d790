# Cohesion: the two commands a new user needs are `make demo` and `make test`.
# Everything else here is what those two are made of.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# pytest-xdist workers; the machines this runs on have two cores.
TEST_WORKERS ?= 2
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test install install-dev assets browser system-libs serve lint check lock clean help bench

help:
	@echo "make demo   install, create the embedded database, load demo data, serve on http://127.0.0.1:$(PORT)"
	@echo "make test   install everything the tests need and run the whole suite"
	@echo "make lint   ruff and mypy;  make lock   re-pin Python dependencies"

## --- the two commands -----------------------------------------------------------------

demo: export COHESION_ENV := demo
demo: install assets
	$(BIN)/cohesion migrate --verbosity 0
	$(BIN)/cohesion demo load
	@echo ""
	@echo "  Cohesion demo: http://127.0.0.1:$(PORT)/"
	@echo "  Sign in as demo-officer (cohesion officer), demo-analyst, demo-partner,"
	@echo "  demo-viewer, demo-admin (Derby), demo-sheffield or demo-applicant (a community"
	@echo "  group applying for a grant), all with the password cohesion-demo-2026."
	@echo "  Every person and record is synthetic; the geography is real."
	@echo ""
	$(BIN)/cohesion serve 127.0.0.1:$(PORT)

test: install-dev assets browser
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

## --- building blocks ----------------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs exactly the pinned, hash-checked versions; re-runs when the lock changes.
$(VENV)/.installed-base: requirements/base.txt pyproject.toml | $(BIN)/python system-libs
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt pyproject.toml | $(BIN)/python system-libs
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed-base

install: $(VENV)/.installed-base
install-dev: $(VENV)/.installed-dev

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# GOV.UK Frontend compiled for a non-GOV.UK service, plus Leaflet; see scripts/build-assets.mjs.
cohesion/static/cohesion/cohesion.css: node_modules/.package-lock.json scripts/build-assets.mjs $(wildcard cohesion/assets/scss/*.scss)
	npm run --silent build

assets: cohesion/static/cohesion/cohesion.css

# WeasyPrint (PDF reports) draws text with Pango; install Debian's when it is missing.
system-libs:
	@ldconfig -p | grep -q libpangoft2-1.0 || { \
		echo "Installing Debian's Pango for PDF reports"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; }

# Browser tests drive Debian's Chromium; install it when it is missing (needs root or sudo).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

serve: export COHESION_ENV := demo
serve: install assets
	$(BIN)/cohesion serve 127.0.0.1:$(PORT)

# mypy's Django plugin loads the settings, so it runs in test mode (no secrets needed).
lint: export COHESION_ENV := test
lint: install-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy cohesion tests benchmarks

check: export COHESION_ENV := test
check: install-dev
	$(BIN)/cohesion manage makemigrations --check --dry-run

lock: install-dev
	$(BIN)/pip install --quiet uv==0.13.9
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --python-platform x86_64-unknown-linux-gnu --generate-hashes -q -o requirements/base.txt --custom-compile-command "make lock"
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --python-platform x86_64-unknown-linux-gnu --generate-hashes -q -o requirements/dev.txt --custom-compile-command "make lock"

clean:
	rm -rf $(VENV) node_modules var cohesion/static/cohesion/cohesion.css cohesion/static/cohesion/govuk cohesion/static/cohesion/leaflet cohesion/static/cohesion/govuk-frontend.min.js

## Benchmarks print figures; they never fail on timings.
bench: install-dev
	COHESION_ENV=test $(BIN)/python benchmarks/geography.py
	$(BIN)/python benchmarks/public_report_load.py
	$(BIN)/python benchmarks/sia.py
	$(BIN)/python benchmarks/early_warning.py
	$(BIN)/python benchmarks/early_warning_scan.py
	$(BIN)/python benchmarks/risk_index.py
	COHESION_ENV=test $(BIN)/python benchmarks/scrutiny_report.py
	COHESION_ENV=test $(BIN)/python benchmarks/directory_search.py
