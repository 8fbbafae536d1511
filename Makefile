# qltimer: the two commands in the README are `make run` and `make test`. Each installs what is
# missing (system packages, a virtual environment in .venv/, the package) and then does its job.
PYTHON ?= python3
VENV   ?= .venv
VPY    := $(VENV)/bin/python
STAMP  := $(VENV)/.qltimer-installed

.PHONY: run test check fast lint typecheck pytest bench wheel system-deps system-deps-test venv clean

run: system-deps $(STAMP)
	$(VENV)/bin/qltimer

test: system-deps-test $(STAMP)
	$(MAKE) --no-print-directory lint typecheck pytest

# The quick loop while changing code: lint, types, the layers contract and every test not marked
# slow (the real-time and real-process ones). Needs `make test` (or `make venv`) to have run once.
check: $(STAMP)
	$(MAKE) --no-print-directory lint typecheck fast

fast: $(STAMP)
	$(VPY) -m pytest -q -m "not slow" -n auto $(PYTEST_ARGS)

system-deps:
	PYTHON=$(PYTHON) sh scripts/system-deps.sh

system-deps-test:
	PYTHON=$(PYTHON) sh scripts/system-deps.sh --test

# Reinstall when the project's declared dependencies change.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check qltimer tests bench scripts
	$(VENV)/bin/ruff format --check qltimer tests bench scripts
	$(VENV)/bin/lint-imports --no-logo --no-cache

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP)
	$(VPY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(VPY) bench/run_all.py

wheel: $(STAMP)
	$(VPY) -m pip wheel --no-deps --quiet -w dist .

clean:
	rm -rf dist build .pytest_cache .mypy_cache .ruff_cache
