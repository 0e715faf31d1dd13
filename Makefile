# The two commands a newcomer needs: `make run` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test check lint types contracts unit bench clean system-deps

# Debian packages the tests drive: Chromium (browser tests, via Playwright's executable_path; never a
# browser download) and poppler-utils (pdftoppm/pdftotext render the PDFs the tests check).
SYSTEM_PACKAGES := chromium poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install when the project's metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

## run: the system on the embedded default (SQLite in var/, demo canteen and families)
run: $(VENV)/.installed
	$(BIN)/cantine run

## test: formatting, lint, types, layer contracts, then the whole suite with coverage
test: system-deps $(VENV)/.installed-test lint types contracts unit

## system-deps: install the Debian packages above when one of their commands is missing
system-deps:
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES); }

lint: $(VENV)/.installed-test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

types: $(VENV)/.installed-test
	$(BIN)/mypy

contracts: $(VENV)/.installed-test
	$(BIN)/lint-imports

unit: system-deps $(VENV)/.installed-test
	$(BIN)/pytest --cov --cov-report=term

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/core_bench.py
	$(BIN)/python benchmarks/nlu_bench.py
	$(BIN)/python benchmarks/pipeline_bench.py
	$(BIN)/python benchmarks/statement_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
