# Bridgeway: `make demo` runs the product on SQLite; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
export BRIDGEWAY_DATA_DIR ?= $(abspath ../shared/data)
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: venv system-deps demo test test-sqlite test-pg bench lint typecheck clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $@

# Debian packages the tests need: Chromium for browser tests, Node.js and npm for the interoperability suite.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@if [ -f tests/interop/package-lock.json ]; then \
	  cd tests/interop && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --silent; }; \
	fi

demo: venv
	$(BIN)/bridgeway demo --serve

test: venv system-deps test-sqlite

test-sqlite:
	$(BIN)/pytest -p no:cacheprovider

test-pg: venv system-deps
	BRIDGEWAY_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -p no:cacheprovider -m "not browser and not interop"

bench: venv
	$(BIN)/python -m bench

lint: venv
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench

typecheck: venv
	$(BIN)/mypy src

clean:
	rm -rf $(VENV) bridgeway.db var .pytest_cache
